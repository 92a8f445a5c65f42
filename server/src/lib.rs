//! The Keyhaven server: configuration, router, sessions, security headers. `main.rs` adds the
//! command line; tests build the same router in-process.

pub mod config;
pub mod listen;
pub mod security;
pub mod sessions;

use app::api::context::AppState;
use app::db::Db;
use axum::routing::get;
use axum::Router;
use config::Config;
use http::StatusCode;
use leptos::config::{Env, LeptosOptions};
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use sessions::Store;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

pub const SESSION_COOKIE: &str = "keyhaven_session";
/// The name over HTTPS: browsers accept a `__Host-` cookie only when it is `Secure`, for the whole
/// site and from the site itself, so a sibling subdomain or a plain-HTTP page cannot plant one.
pub const SECURE_SESSION_COOKIE: &str = "__Host-keyhaven_session";

/// Everything a running server holds.
pub struct Server {
    pub router: Router,
    pub state: AppState,
    pub sessions: Store,
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("the database (DATABASE_URL, or the SQLite file in KEYHAVEN_DATA_DIR) could not be opened: {0}")]
    Database(#[from] sqlx::Error),
    #[error("{0}")]
    Mail(String),
    #[error("the instance secret could not be read or made: {0}")]
    Secret(String),
    #[error("KEYHAVEN_DATA_DIR ({0}) could not be created: {1}")]
    DataDir(String, std::io::Error),
}

pub async fn build(config: &Config) -> Result<Server, StartError> {
    if config.database_url.starts_with("sqlite:") {
        std::fs::create_dir_all(&config.data_dir)
            .map_err(|e| StartError::DataDir(config.data_dir.display().to_string(), e))?;
    }
    let db = Db::open(&config.database_url, config.db_max_connections).await?;
    let sessions = Store::new(db.clone());
    let state = AppState {
        db: db.clone(),
        trust_proxy: config.trust_proxy,
        prelogin_key: app::db::secrets::get_or_make(&db, "prelogin")
            .await
            .map_err(|e| StartError::Secret(e.to_string()))?,
        mail: match &config.smtp {
            Some(smtp) => app::mail::Mailer::smtp(smtp).map_err(StartError::Mail)?,
            None => app::mail::Mailer::outbox(config.outbox_dir.clone()),
        },
        public_url: config.public_url.clone(),
        require_email_verification: config.require_email_verification,
        registrations_per_hour: config.registrations_per_hour,
        org_seats_max: config.org_seats_max,
    };

    let leptos_options = LeptosOptions::builder()
        .output_name("keyhaven")
        .site_root(config.site_dir.display().to_string())
        .site_pkg_dir("pkg")
        .env(Env::PROD)
        .site_addr(config.addr)
        .build();
    let routes = generate_route_list(app::App);
    let session_layer = SessionManagerLayer::new(sessions.clone())
        .with_name(if config.secure_cookies {
            SECURE_SESSION_COOKIE
        } else {
            SESSION_COOKIE
        })
        .with_path("/")
        .with_same_site(SameSite::Strict)
        .with_http_only(true)
        .with_secure(config.secure_cookies)
        .with_expiry(Expiry::OnInactivity(time::Duration::days(
            config.session_days,
        )));

    let context_state = state.clone();
    let mut router = Router::new()
        .route(
            "/healthz",
            get(move || {
                let db = db.clone();
                async move {
                    if db.ping().await {
                        (StatusCode::OK, "ok")
                    } else {
                        (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
                    }
                }
            }),
        )
        .nest_service(
            "/pkg",
            // Revalidated on every use (ServeDir answers 304 when unchanged): a main module from an
            // older build must never meet the lazy parts of a newer one.
            tower::ServiceBuilder::new()
                .layer(SetResponseHeaderLayer::overriding(
                    http::header::CACHE_CONTROL,
                    http::HeaderValue::from_static("no-cache"),
                ))
                .service(
                    ServeDir::new(config.site_dir.join("pkg"))
                        .precompressed_br()
                        .precompressed_gzip(),
                ),
        )
        .leptos_routes_with_context(
            &leptos_options,
            routes,
            move || provide_context(context_state.clone()),
            {
                let options = leptos_options.clone();
                move || app::shell(options.clone())
            },
        )
        // Unknown paths render the app too (its "not found" page, or a page the browser's router
        // knows under a trailing slash): with the same state, so the header knows who is signed in.
        .fallback(leptos_axum::file_and_error_handler_with_context(
            {
                let state = state.clone();
                move || provide_context(state.clone())
            },
            app::shell,
        ))
        .with_state(leptos_options)
        .layer(axum::middleware::from_fn(
            security::malformed_is_bad_request,
        ))
        // Inside the session layer: how much body a request may send depends on who sends it.
        .layer(axum::middleware::from_fn_with_state(
            security::BodyGate {
                state: state.clone(),
                deadline: config.body_timeout,
                import_deadline: config.body_timeout * 10,
            },
            security::body_limit,
        ))
        .layer(session_layer)
        .layer(axum::middleware::from_fn(security::cross_site_guard))
        .layer(axum::extract::DefaultBodyLimit::disable());
    for layer in security::header_layers(config.secure_cookies) {
        router = router.layer(layer);
    }
    let router = router
        // Vault blobs are ciphertext: a fast level gets nearly all the gain (base64 back to bytes).
        .layer(CompressionLayer::new().quality(CompressionLevel::Fastest))
        .layer(axum::middleware::from_fn(security::run_to_completion))
        .layer(TraceLayer::new_for_http());
    Ok(Server {
        router,
        state,
        sessions,
    })
}
