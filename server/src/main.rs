//! `keyhaven`: serves the app, and administers the instance from the command line.

use clap::{Parser, Subcommand};
use server::config::Config;
use std::process::ExitCode;

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
KEYHAVEN_DB_MAX_CONNECTIONS, KEYHAVEN_MAX_CONNECTIONS, KEYHAVEN_MAX_CONNECTIONS_PER_ADDRESS, \
KEYHAVEN_IDLE_TIMEOUT_SECS, KEYHAVEN_BODY_TIMEOUT_SECS, KEYHAVEN_REGISTRATIONS_PER_HOUR, \
KEYHAVEN_REQUIRE_EMAIL_VERIFICATION, KEYHAVEN_SMTP_*, KEYHAVEN_PUBLIC_URL, KEYHAVEN_LOG_FORMAT, \
RUST_LOG. See README.md."
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
    // Colours only for a person at a terminal, not in files or a journal.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stdout());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(ansi);
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
    let purger = tokio::spawn(purge_hourly(server.state.db.clone()));
    tracing::info!(addr = %config.addr, database = %redact(&config.database_url), "keyhaven is listening");
    let limits = server::listen::Limits {
        total: config.max_connections,
        // Behind a proxy every connection comes from the proxy.
        per_peer: (!config.trust_proxy).then_some(config.max_connections_per_address),
        idle: config.idle_timeout,
    };
    server::listen::serve(listener, server.router, limits, shutdown_signal()).await;
    purger.abort();
    server.state.db.close().await;
    tracing::info!("keyhaven stopped");
    Ok(())
}

/// Once at start and then hourly: items older than the trash retention are deleted for good, and
/// throttle counters the policies no longer count, expired sessions and expired verification
/// links are dropped.
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
            "throttle counters",
            app::db::throttle::purge_forgotten(&db, now).await,
        );
        logged(
            "expired sessions",
            app::db::sessions::delete_expired(&db, now / 1000).await,
        );
        logged(
            "expired verification links",
            app::db::verifications::purge_expired(&db, now).await,
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

/// Hides the credentials in a database URL before it is logged: the user info, and a
/// `password` parameter.
fn redact(url: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let base = match (base.find("://"), base.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            format!("{}://***@{}", &base[..scheme], &base[at + 1..])
        }
        _ => base.to_owned(),
    };
    let Some(query) = query else { return base };
    let params: Vec<&str> = query
        .split('&')
        .map(|p| {
            if p.to_ascii_lowercase().starts_with("password=") {
                "password=***"
            } else {
                p
            }
        })
        .collect();
    format!("{base}?{}", params.join("&"))
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
    // An operator is marked on an existing instance: a missing SQLite file means a wrong
    // KEYHAVEN_DATA_DIR or DATABASE_URL, not a new database to make.
    if let Some(rest) = config.database_url.strip_prefix("sqlite:") {
        let path = rest.trim_start_matches("//");
        let path = path.split('?').next().unwrap_or(path);
        if !path.is_empty() && path != ":memory:" && !std::path::Path::new(path).is_file() {
            return Err(format!(
                "there is no Keyhaven database at {path}: check KEYHAVEN_DATA_DIR or DATABASE_URL (the server creates it when it first starts)."
            ));
        }
    }
    let db = app::db::Db::open(&config.database_url, 1)
        .await
        .map_err(|e| format!("the database could not be opened: {e}"))?;
    let (email, grant) = match &action {
        OperatorAction::Grant { email } => (email.trim(), true),
        OperatorAction::Revoke { email } => (email.trim(), false),
    };
    if email.is_empty() {
        return Err("give the email address of the account.".into());
    }
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

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn database_credentials_stay_out_of_the_log() {
        assert_eq!(
            redact("postgres://kh:s3cret@db.example/kh"),
            "postgres://***@db.example/kh"
        );
        assert_eq!(
            redact("postgres://db.example/kh?user=kh&Password=s3cret&sslmode=require"),
            "postgres://db.example/kh?user=kh&password=***&sslmode=require"
        );
        assert_eq!(
            redact("sqlite://data/keyhaven.db?mode=rwc"),
            "sqlite://data/keyhaven.db?mode=rwc"
        );
    }
}
