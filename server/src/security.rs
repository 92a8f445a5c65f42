//! Response headers every answer carries, and the guard that refuses cross-site writes.

use app::domain::{AppError, Field, Problem};
use axum::body::Body;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::header::{HeaderName, HeaderValue, CONTENT_TYPE, HOST, ORIGIN};
use http::{Method, StatusCode};
use tower_http::set_header::SetResponseHeaderLayer;

/// Headers for every response. Pages set their own CSP (with the per-request script nonce); this
/// strict one covers everything else.
pub fn header_layers() -> Vec<SetResponseHeaderLayer<HeaderValue>> {
    let fixed = |name: &'static str, value: &'static str| {
        SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        )
    };
    vec![
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
    ]
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

/// Request bodies are bounded per endpoint: an import carries a whole vault, everything else is
/// small. Axum's own 2 MB default is switched off in favour of this one gate.
pub const BODY_MAX: usize = 2 * 1024 * 1024;
pub const IMPORT_BODY_MAX: usize = 64 * 1024 * 1024;

pub async fn body_limit(req: Request, next: Next) -> Response {
    // The field the refusal names, so the form that sent it can show it: the import file, or
    // the item (the only other payload that can grow).
    let (max, field) = if req.uri().path() == "/api/items_import" {
        (IMPORT_BODY_MAX, Field::ImportFile)
    } else {
        (BODY_MAX, Field::ItemData)
    };
    let declared = req
        .headers()
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > max) {
        let error = AppError::field(
            field,
            Problem::TooLarge {
                max_mb: (max / (1024 * 1024)) as u32,
            },
        );
        return error_response(StatusCode::PAYLOAD_TOO_LARGE, &error);
    }
    // A body without a length (chunked) is cut off at the same bound while it is read.
    let (parts, body) = req.into_parts();
    let limited = Body::new(http_body_util::Limited::new(body, max));
    next.run(Request::from_parts(parts, limited)).await
}
