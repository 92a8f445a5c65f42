//! What every server function needs from its request: the shared state, the session, the caller.

use crate::db::{users, Db};
use crate::domain::authz::Actor;
use crate::domain::AppError;
use crate::domain::UserId;
use leptos::prelude::use_context;
use tower_sessions::Session;

pub const SESSION_USER: &str = "uid";
pub const SESSION_STAMP: &str = "stamp";

/// Shared by every request; cheap to clone.
#[derive(Clone, Debug)]
pub struct AppState {
    pub db: Db,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted reverse proxy).
    pub trust_proxy: bool,
    /// Keys `prelogin`'s answer for emails without an account (`db::secrets`).
    pub prelogin_key: [u8; 32],
    pub mail: crate::mail::Mailer,
    /// The address people reach this instance at, for links in mails (no trailing slash).
    pub public_url: String,
    /// New accounts need a link mailed to their address first (only with SMTP).
    pub require_email_verification: bool,
    /// Accounts one address may create per hour.
    pub registrations_per_hour: u32,
    /// Most seats an organization that someone creates for themselves may declare (an
    /// organization already above it keeps its seats, and cannot raise them).
    pub org_seats_max: u32,
}

pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| AppError::internal("AppState missing from context"))
}

pub async fn session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>()
        .await
        .map_err(AppError::internal)
}

/// The signed-in caller, re-loaded from the database on every call so a revoked session or a
/// changed password takes effect at once, on every server process.
pub struct Caller {
    pub session: Session,
    pub user: users::UserRow,
    pub actor: Actor,
}

pub async fn optional_caller(db: &Db) -> Result<Option<Caller>, AppError> {
    let session = session().await?;
    let uid: Option<String> = session
        .get(SESSION_USER)
        .await
        .map_err(AppError::internal)?;
    let Some(uid) = uid else { return Ok(None) };
    let stamp: Option<String> = session
        .get(SESSION_STAMP)
        .await
        .map_err(AppError::internal)?;
    let user = users::find_by_id(db, &UserId::from_stored(uid)).await?;
    match user {
        Some(user) if user.holds(stamp.as_deref()) => {
            let actor = Actor {
                user_id: user.id.clone(),
                is_operator: user.is_operator,
            };
            Ok(Some(Caller {
                session,
                user,
                actor,
            }))
        }
        // The account is gone or its password changed since this session began.
        _ => {
            session.flush().await.map_err(AppError::internal)?;
            Ok(None)
        }
    }
}

impl Caller {
    /// The stored key of this session (see `db::sessions::key`), to throttle what it does.
    pub fn session_key(&self) -> String {
        crate::db::sessions::key(
            &self
                .session
                .id()
                .map(|id| id.to_string())
                .unwrap_or_default(),
        )
    }
}

pub async fn caller(db: &Db) -> Result<Caller, AppError> {
    optional_caller(db).await?.ok_or(AppError::Unauthenticated)
}

/// Starts a fresh session for `user` (a new id defeats session fixation).
pub async fn sign_in(session: &Session, user: &users::UserRow) -> Result<(), AppError> {
    session.cycle_id().await.map_err(AppError::internal)?;
    session
        .insert(SESSION_USER, user.id.as_str())
        .await
        .map_err(AppError::internal)?;
    session
        .insert(SESSION_STAMP, &user.security_stamp)
        .await
        .map_err(AppError::internal)?;
    Ok(())
}

/// The client's address, for throttling.
pub async fn client_addr(trust_proxy: bool) -> String {
    use axum::extract::ConnectInfo;
    use std::net::SocketAddr;
    if trust_proxy {
        if let Some(parts) = use_context::<http::request::Parts>() {
            // The last entry is the one our proxy added; the ones before it are the client's say.
            // A proxy may add a header line of its own rather than extend the client's line, so
            // the last entry of the last line.
            if let Some(last) = parts
                .headers
                .get_all("x-forwarded-for")
                .iter()
                .next_back()
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.rsplit(',').next())
                .map(str::trim)
                .filter(|v| !v.is_empty())
            {
                return last.to_owned();
            }
        }
    }
    match leptos_axum::extract::<ConnectInfo<SocketAddr>>().await {
        Ok(ConnectInfo(addr)) => addr.ip().to_string(),
        Err(_) => "unknown".to_owned(),
    }
}

/// Runs CPU-heavy work (Argon2) off the async threads.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(AppError::internal)
}

/// Gives an error answer the HTTP status that names its kind (the body stays the `AppError`), so
/// logs, proxies and monitoring see 4xx for the caller's mistakes and 5xx only for ours.
pub fn answer<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    use http::{header::RETRY_AFTER, HeaderValue, StatusCode};
    if let (Err(error), Some(resp)) = (&result, use_context::<leptos_axum::ResponseOptions>()) {
        let status = match error {
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Unauthenticated | AppError::InvalidCredentials => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::CrossSite => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Conflict => StatusCode::CONFLICT,
            AppError::Throttled { retry_after_secs } => {
                resp.insert_header(RETRY_AFTER, HeaderValue::from(*retry_after_secs));
                StatusCode::TOO_MANY_REQUESTS
            }
            AppError::Internal | AppError::Crypto | AppError::Transport(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        };
        resp.set_status(status);
    }
    result
}
