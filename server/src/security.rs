//! Response headers every answer carries, and the guard that refuses cross-site writes.

use app::api::context::{AppState, SESSION_STAMP, SESSION_USER};
use app::domain::{AppError, Field, Problem};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::header::{HeaderName, HeaderValue, CONTENT_TYPE, HOST, ORIGIN};
use http::{Method, StatusCode};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_sessions::Session;

/// Headers for every response. Pages set their own CSP (with the per-request script nonce); this
/// strict one covers everything else. Pages and server-function answers carry account data, so
/// nothing but the static files (which say `no-cache` themselves) may be stored by a browser or a
/// proxy. Behind HTTPS (secure cookies on), browsers are told to use nothing else.
pub fn header_layers(https: bool) -> Vec<SetResponseHeaderLayer<HeaderValue>> {
    let fixed = |name: &'static str, value: &'static str| {
        SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        )
    };
    let mut layers = vec![
        fixed("cache-control", "no-store"),
        fixed(
            "content-security-policy",
            "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
        ),
        fixed("x-frame-options", "DENY"),
        fixed("x-content-type-options", "nosniff"),
        fixed("referrer-policy", "no-referrer"),
        fixed("cross-origin-opener-policy", "same-origin"),
        fixed(
            "permissions-policy",
            "camera=(), microphone=(), geolocation=(), payment=()",
        ),
    ];
    if https {
        layers.push(fixed("strict-transport-security", "max-age=63072000"));
    }
    layers
}

/// Runs every request to its end, even when the client goes away half-way. A server function
/// dropped in the middle drops its open transaction, and on SQLite sqlx then hands the connection
/// back to the pool with the transaction still open: it kept the write lock, and every later
/// write on the instance failed until a restart (found by an outside test; story test
/// `dropped_requests_story`). A task of its own is not dropped with the connection.
pub async fn run_to_completion(req: Request, next: Next) -> Response {
    match tokio::spawn(next.run(req)).await {
        Ok(res) => res,
        Err(e) => {
            tracing::error!(error = %e, "a request's task failed");
            error_response(StatusCode::INTERNAL_SERVER_ERROR, &AppError::Internal)
        }
    }
}

/// Refuses state-changing requests that a browser marks as coming from another site. Session
/// cookies are SameSite=Strict as well; this is the second lock on the same door.
pub async fn cross_site_guard(req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) || is_same_site(&req) {
        return next.run(req).await;
    }
    tracing::warn!(path = %req.uri().path(), "cross-site request refused");
    error_response(StatusCode::FORBIDDEN, &AppError::CrossSite)
}

/// Undecodable server-function arguments (bad JSON, wrong types, a body cut off at its bound) are
/// refused by Leptos before the function runs, and Leptos answers 500. They are the caller's
/// mistake: the status becomes 400 and the body stays `{"error":"invalid"}`. Every other answer
/// passes untouched; our own 500s say "internal".
pub async fn malformed_is_bad_request(req: Request, next: Next) -> Response {
    let is_api = req.uri().path().starts_with("/api/");
    let res = next.run(req).await;
    if !is_api || res.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if matches!(serde_json::from_slice(&bytes), Ok(AppError::Invalid(fields)) if fields.is_empty())
    {
        parts.status = StatusCode::BAD_REQUEST;
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// A refusal made before any server function runs, in the body shape server functions answer with.
fn error_response(status: StatusCode, error: &AppError) -> Response {
    let body = serde_json::to_vec(error).unwrap_or_default();
    (
        status,
        [(CONTENT_TYPE, "application/json")],
        Body::from(body),
    )
        .into_response()
}

fn is_same_site(req: &Request) -> bool {
    let header = |name| {
        req.headers()
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    if let Some(site) = header(HeaderName::from_static("sec-fetch-site")) {
        if !matches!(site, "same-origin" | "none") {
            return false;
        }
    }
    match (header(ORIGIN), header(HOST)) {
        // Non-browser clients send no Origin; browsers always do on cross-origin POSTs.
        (None, _) => true,
        (Some(origin), Some(host)) => {
            origin
                .strip_prefix("https://")
                .or_else(|| origin.strip_prefix("http://"))
                == Some(host)
        }
        (Some(_), None) => false,
    }
}

/// Request bodies are bounded by who sends them and where: an import carries a whole vault and is
/// accepted only from a signed-in session; other signed-in calls are small; a stranger's call
/// (registration, login) is tiny. Axum's own 2 MB default is switched off in favour of this gate.
pub const BODY_MAX: usize = 2 * 1024 * 1024;
pub const IMPORT_BODY_MAX: usize = 64 * 1024 * 1024;
pub const STRANGER_BODY_MAX: usize = 64 * 1024;
const IMPORT_PATH: &str = "/api/items_import";
/// Imports the server decodes at once, and how long one waits for its turn: less than a
/// connection may stay idle, so a waiting import is told to retry rather than cut off.
const IMPORTS_AT_ONCE: usize = 2;
const IMPORT_WAIT: Duration = Duration::from_secs(20);

/// Accounts with an import under way. One account holds one turn at most, so it cannot hold
/// every turn by trickling several bodies (found by an outside test).
fn importing() -> &'static std::sync::Mutex<std::collections::HashSet<String>> {
    static ACCOUNTS: std::sync::OnceLock<std::sync::Mutex<std::collections::HashSet<String>>> =
        std::sync::OnceLock::new();
    ACCOUNTS.get_or_init(Default::default)
}

/// An import's turn: a place among the few decoded at once, and its account's one place.
struct ImportTurn {
    _permit: tokio::sync::SemaphorePermit<'static>,
    account: String,
}

impl Drop for ImportTurn {
    fn drop(&mut self) {
        if let Ok(mut accounts) = importing().lock() {
            accounts.remove(&self.account);
        }
    }
}

async fn import_turn(account: String) -> Option<ImportTurn> {
    static TURNS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    if !importing().lock().ok()?.insert(account.clone()) {
        return None;
    }
    let turns = TURNS.get_or_init(|| tokio::sync::Semaphore::new(IMPORTS_AT_ONCE));
    match tokio::time::timeout(IMPORT_WAIT, turns.acquire()).await {
        Ok(Ok(permit)) => Some(ImportTurn {
            _permit: permit,
            account,
        }),
        _ => {
            if let Ok(mut accounts) = importing().lock() {
                accounts.remove(&account);
            }
            None
        }
    }
}

/// What the body gate needs: the app's state (to check a session) and the deadlines.
#[derive(Clone)]
pub struct BodyGate {
    pub state: AppState,
    /// A body must have arrived this long after its request began (a client that trickles a
    /// body byte by byte would otherwise hold a connection and a task as long as it likes)…
    pub deadline: Duration,
    /// …and an import, which may be large, this long.
    pub import_deadline: Duration,
}

/// The account the request's session signs in, if any (and, when `strict`, only if it still
/// holds the session: the stamp matches).
async fn signed_in(state: &AppState, session: Option<&Session>, strict: bool) -> Option<String> {
    let uid = session?.get::<String>(SESSION_USER).await.ok()??;
    if !strict {
        return Some(uid);
    }
    let stamp = session?.get::<String>(SESSION_STAMP).await.ok()?;
    match app::db::users::find_by_id(&state.db, &app::domain::UserId::from_stored(uid.clone()))
        .await
    {
        Ok(Some(user)) if user.holds(stamp.as_deref()) => Some(uid),
        _ => None,
    }
}

pub async fn body_limit(State(gate): State<BodyGate>, req: Request, next: Next) -> Response {
    let state = &gate.state;
    let import = req.uri().path() == IMPORT_PATH;
    let session = req.extensions().get::<Session>().cloned();
    // Only a body-carrying request is worth a look at its session.
    let declared = req
        .headers()
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    let bodiless = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        || declared == Some(0);
    let account = if bodiless {
        None
    } else {
        signed_in(state, session.as_ref(), import).await
    };
    let (max, deadline, field) = if bodiless {
        (STRANGER_BODY_MAX, gate.deadline, None)
    } else if account.is_some() {
        // The field the refusal names, so the form that sent it can show it: the import file,
        // or the item (the only other payload that can grow).
        if import {
            (
                IMPORT_BODY_MAX,
                gate.import_deadline,
                Some(Field::ImportFile),
            )
        } else {
            (BODY_MAX, gate.deadline, Some(Field::ItemData))
        }
    } else if import {
        return error_response(StatusCode::UNAUTHORIZED, &AppError::Unauthenticated);
    } else {
        (STRANGER_BODY_MAX, gate.deadline, None)
    };
    if declared.is_some_and(|n| n > max) {
        let error = match field {
            Some(field) => AppError::field(
                field,
                Problem::TooLarge {
                    max_mb: (max / (1024 * 1024)) as u32,
                },
            ),
            None => AppError::Invalid(Vec::new()),
        };
        return error_response(StatusCode::PAYLOAD_TOO_LARGE, &error);
    }
    // An import is held in memory whole while it is decoded: a few at a time, however many
    // sessions send one.
    let _turn = if let (true, Some(account)) = (import, account) {
        match import_turn(account).await {
            Some(turn) => Some(turn),
            None => {
                return error_response(
                    StatusCode::TOO_MANY_REQUESTS,
                    &AppError::Throttled {
                        retry_after_secs: IMPORT_WAIT.as_secs() as u32,
                    },
                )
            }
        }
    } else {
        None
    };
    // A body without a length (chunked) is cut off at the same bound while it is read, and any
    // body at its deadline.
    let (parts, body) = req.into_parts();
    let limited = Body::new(Deadline {
        body: Body::new(http_body_util::Limited::new(body, max)),
        sleep: Box::pin(tokio::time::sleep(deadline)),
    });
    next.run(Request::from_parts(parts, limited)).await
}

/// A body that fails once its deadline has passed.
struct Deadline {
    body: Body,
    sleep: Pin<Box<tokio::time::Sleep>>,
}

impl http_body::Body for Deadline {
    type Data = axum::body::Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        if self.sleep.as_mut().poll(cx).is_ready() {
            return Poll::Ready(Some(Err(axum::Error::new(
                "the request body did not arrive in time",
            ))));
        }
        Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.body.size_hint()
    }
}
