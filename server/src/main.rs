//! `keyhaven`: serves the app, and administers the instance from the command line.

use clap::{Parser, Subcommand};
use server::config::Config;
use std::net::SocketAddr;
use std::process::ExitCode;
use tower_sessions::session_store::ExpiredDeletion;

// Large vault answers are built and freed on many threads; glibc keeps such memory in per-thread
// arenas, jemalloc (with background purging) hands it back: 108 MB → 59 MB after 500 calls of a
// 10,000-item list (docs/BENCHMARKS.md).
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[derive(Parser)]
#[command(
    name = "keyhaven",
    version,
    about = "Keyhaven: an end-to-end encrypted password manager for businesses and their providers."
)]
#[command(
    after_help = "Settings come from the environment: KEYHAVEN_ADDR, KEYHAVEN_DATA_DIR, DATABASE_URL, \
KEYHAVEN_SITE_DIR, KEYHAVEN_TRUST_PROXY, KEYHAVEN_SECURE_COOKIES, KEYHAVEN_SESSION_DAYS, \
KEYHAVEN_DB_MAX_CONNECTIONS, KEYHAVEN_LOG_FORMAT, RUST_LOG. See README.md."
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web app (the default when no subcommand is given).
    Serve,
    /// Manage operators: the accounts that run this instance and create providers.
    Operator {
        #[command(subcommand)]
        action: OperatorAction,
    },
}

#[derive(Subcommand)]
enum OperatorAction {
    /// Make the account with this email an operator.
    Grant { email: String },
    /// Take the operator role away from the account with this email.
    Revoke { email: String },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("keyhaven: {e}");
            return ExitCode::from(2);
        }
    };
    init_logging(config.log_json);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("keyhaven: could not start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match cli.command.unwrap_or(Command::Serve) {
            Command::Serve => serve(config).await,
            Command::Operator { action } => operator(config, action).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("keyhaven: {message}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging(json: bool) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}

async fn serve(config: Config) -> Result<(), String> {
    config.check_site().map_err(|e| e.to_string())?;
    let server = server::build(&config).await.map_err(|e| e.to_string())?;
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .map_err(|e| format!("KEYHAVEN_ADDR {} cannot be used: {e}", config.addr))?;
    let sweeper = tokio::spawn(
        server
            .sessions
            .clone()
            .continuously_delete_expired(tokio::time::Duration::from_secs(3600)),
    );
    let purger = tokio::spawn(purge_hourly(server.state.db.clone()));
    tracing::info!(addr = %config.addr, database = %redact(&config.database_url), "keyhaven is listening");
    let served = axum::serve(
        listener,
        server
            .router
            .into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await;
    sweeper.abort();
    purger.abort();
    server.state.db.close().await;
    tracing::info!("keyhaven stopped");
    served.map_err(|e| e.to_string())
}

/// Once at start and then hourly: items older than the trash retention are deleted for good, and
/// login throttle counters the policy no longer counts are dropped.
async fn purge_hourly(db: app::db::Db) {
    let mut tick = tokio::time::interval(tokio::time::Duration::from_secs(3600));
    loop {
        tick.tick().await;
        let now = app::db::now_ms();
        logged(
            "trash items",
            app::db::vault::purge_expired_trash(&db, now).await,
        );
        logged(
            "login throttle counters",
            app::db::throttle::purge_forgotten(&db, now).await,
        );
    }
}

fn logged(what: &str, purged: Result<u64, app::domain::AppError>) {
    match purged {
        Ok(0) => {}
        Ok(n) => tracing::info!(rows = n, "purged {what}"),
        Err(e) => tracing::warn!(error = %e, "purging {what} failed"),
    }
}

/// Hides a password in a database URL before it is logged.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            format!("{}://***@{}", &url[..scheme], &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing open requests");
}

async fn operator(config: Config, action: OperatorAction) -> Result<(), String> {
    if config.database_url.starts_with("sqlite:") {
        std::fs::create_dir_all(&config.data_dir).map_err(|e| e.to_string())?;
    }
    let db = app::db::Db::open(&config.database_url, 1)
        .await
        .map_err(|e| format!("the database could not be opened: {e}"))?;
    let (email, grant) = match &action {
        OperatorAction::Grant { email } => (email, true),
        OperatorAction::Revoke { email } => (email, false),
    };
    let norm = app::domain::validate::normalize_email(email);
    let found = app::db::users::set_operator(&db, &norm, grant)
        .await
        .map_err(|e| format!("{e}"))?;
    db.close().await;
    if !found {
        return Err(format!("no account has the email address {email}."));
    }
    println!(
        "{email} {} an operator.",
        if grant { "is now" } else { "is no longer" }
    );
    Ok(())
}
