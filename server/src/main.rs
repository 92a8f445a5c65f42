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
    /// Manage providers: the MSPs and resellers that administer client organizations.
    Provider {
        #[command(subcommand)]
        action: ProviderAction,
    },
}

#[derive(Subcommand)]
enum ProviderAction {
    /// Create a provider (pending until its first admin completes the setup mailed to them).
    Create {
        /// The provider's name.
        #[arg(long)]
        name: String,
        /// `msp` or `reseller`.
        #[arg(long = "type")]
        provider_type: String,
        /// The email address of an existing account: the provider's first provider admin.
        #[arg(long)]
        admin: String,
    },
    /// List the providers (50 per page, by name).
    List {
        /// Only providers whose name contains this.
        #[arg(long, default_value = "")]
        search: String,
        /// The page, from 1.
        #[arg(long, default_value_t = 1)]
        page: u32,
    },
    /// Disable a provider: its members lose the portal and every client at once.
    Disable { id: String },
    /// Enable a disabled provider again.
    Enable { id: String },
}

/// Why a command failed: the sentence to print, and the exit status (2: the input was wrong).
struct Failure {
    message: String,
    status: u8,
}

impl From<String> for Failure {
    fn from(message: String) -> Self {
        Failure { message, status: 1 }
    }
}

fn bad_input(message: impl Into<String>) -> Failure {
    Failure {
        message: message.into(),
        status: 2,
    }
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
            Command::Serve => serve(config).await.map_err(Failure::from),
            Command::Operator { action } => operator(config, action).await.map_err(Failure::from),
            Command::Provider { action } => provider(config, action).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("keyhaven: {}", failure.message);
            ExitCode::from(failure.status)
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

/// The database of an existing instance. A missing SQLite file means a wrong KEYHAVEN_DATA_DIR
/// or DATABASE_URL, not a new database to make.
async fn existing_db(config: &Config) -> Result<app::db::Db, String> {
    if let Some(rest) = config.database_url.strip_prefix("sqlite:") {
        let path = rest.trim_start_matches("//");
        let path = path.split('?').next().unwrap_or(path);
        if !path.is_empty() && path != ":memory:" && !std::path::Path::new(path).is_file() {
            return Err(format!(
                "there is no Keyhaven database at {path}: check KEYHAVEN_DATA_DIR or DATABASE_URL (the server creates it when it first starts)."
            ));
        }
    }
    app::db::Db::open(&config.database_url, 1)
        .await
        .map_err(|e| format!("the database could not be opened: {e}"))
}

/// A provider id as typed: the id `keyhaven provider list` shows.
fn provider_id(text: &str) -> Result<app::domain::ProviderId, Failure> {
    serde_json::from_value(serde_json::Value::String(text.trim().to_owned())).map_err(|_| {
        bad_input(format!(
            "{text:?} is not a provider id: use the id `keyhaven provider list` shows."
        ))
    })
}

async fn provider(config: Config, action: ProviderAction) -> Result<(), Failure> {
    use app::domain::provider::{NewProvider, ProviderQuery, ProviderType};
    use app::domain::{AppError, Field, Problem};
    // Check what can be checked before touching the database.
    let new = match &action {
        ProviderAction::Create {
            name,
            provider_type,
            admin,
        } => {
            let Some(provider_type) = ProviderType::from_code(provider_type.trim()) else {
                return Err(bad_input(format!(
                    "--type must be msp or reseller, not {provider_type:?}."
                )));
            };
            let new = NewProvider {
                name: name.clone(),
                provider_type,
                admin_email: admin.clone(),
            };
            if let Some(problem) = new.problems().first() {
                return Err(bad_input(match problem.field {
                    Field::ProviderName => {
                        "--name must be 1 to 100 characters, without control characters.".to_owned()
                    }
                    _ => format!("--admin must be an email address, not {admin:?}."),
                }));
            }
            Some(new)
        }
        ProviderAction::List { search, page } => {
            if *page == 0 {
                return Err(bad_input("--page counts from 1."));
            }
            let q = ProviderQuery {
                search: search.clone(),
                page: page - 1,
                ..Default::default()
            };
            if q.search_problem().is_some() {
                return Err(bad_input(
                    "--search must be at most 200 characters, without control characters.",
                ));
            }
            None
        }
        ProviderAction::Disable { id } | ProviderAction::Enable { id } => {
            provider_id(id)?;
            None
        }
    };
    let db = existing_db(&config).await?;
    let access = app::domain::authz::authorize_command_line();
    let result = match action {
        ProviderAction::Create { .. } => {
            let Some(new) = new else {
                return Err(Failure::from("nothing to create".to_owned()));
            };
            match app::db::providers::create(&db, &access, None, &new, "command line").await {
                Ok((created, email, language)) => {
                    let mail = app::api::operator::ssr::setup_mail(
                        &config.public_url,
                        &created.provider,
                        new.name.trim(),
                        email.clone(),
                        &language,
                    );
                    let mailer = match &config.smtp {
                        Some(smtp) => app::mail::Mailer::smtp(smtp)?,
                        None => app::mail::Mailer::outbox(config.outbox_dir.clone()),
                    };
                    let sent = mailer.send(mail).await;
                    println!(
                        "Created the provider {} ({}).",
                        new.name.trim(),
                        created.provider
                    );
                    match sent {
                        Ok(()) => println!("The setup link was mailed to {email}."),
                        Err(e) => println!("The setup link could not be mailed to {email}: {e}"),
                    }
                    println!(
                        "Prerequisite: {email} {} an active Enterprise organization of their own.",
                        if created.admin_owns_enterprise_org {
                            "owns"
                        } else {
                            "does NOT own"
                        }
                    );
                    Ok(())
                }
                Err(AppError::Invalid(fields))
                    if fields.iter().any(|f| f.problem == Problem::NoAccount) =>
                {
                    Err(bad_input(format!(
                        "no account has the email address {}: the admin must create one first.",
                        new.admin_email.trim()
                    )))
                }
                Err(e) => Err(Failure::from(format!("the provider was not created: {e}"))),
            }
        }
        ProviderAction::List { search, page } => {
            let q = ProviderQuery {
                search,
                page: page - 1,
                ..Default::default()
            };
            match app::db::providers::list(&db, &access, &q).await {
                Ok(found) => {
                    println!("id\tname\ttype\tstatus\tenabled\tclients\tmembers");
                    for p in &found.providers {
                        println!(
                            "{}\t{}\t{}\t{}\t{}\t{}\t{}",
                            p.id,
                            p.name,
                            p.provider_type.code(),
                            p.status.code(),
                            if p.enabled { "yes" } else { "no" },
                            p.clients,
                            p.members
                        );
                    }
                    println!(
                        "{} of {} provider(s), page {page}.",
                        found.providers.len(),
                        found.matching
                    );
                    Ok(())
                }
                Err(e) => Err(Failure::from(format!(
                    "the providers could not be listed: {e}"
                ))),
            }
        }
        ProviderAction::Disable { id } => switch(&db, &access, &id, false).await,
        ProviderAction::Enable { id } => switch(&db, &access, &id, true).await,
    };
    db.close().await;
    result
}

async fn switch(
    db: &app::db::Db,
    access: &app::domain::authz::OperatorAccess,
    id: &str,
    enabled: bool,
) -> Result<(), Failure> {
    let provider = provider_id(id)?;
    match app::db::providers::set_enabled(db, access, None, &provider, enabled, "command line")
        .await
    {
        Ok(()) => {
            println!(
                "The provider {provider} is {}.",
                if enabled { "enabled" } else { "disabled" }
            );
            Ok(())
        }
        Err(app::domain::AppError::NotFound) => Err(bad_input(format!(
            "there is no provider {provider}: use the id `keyhaven provider list` shows."
        ))),
        Err(e) => Err(Failure::from(format!("the provider was not changed: {e}"))),
    }
}

async fn operator(config: Config, action: OperatorAction) -> Result<(), String> {
    let db = existing_db(&config).await?;
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
    use super::{provider_id, redact};

    #[test]
    fn a_provider_id_is_checked_before_the_database_is_opened() {
        let bad = provider_id("acme").expect_err("not an id");
        assert_eq!(bad.status, 2, "bad input exits with status 2");
        assert!(
            bad.message.contains("keyhaven provider list"),
            "{}",
            bad.message
        );
        assert!(provider_id(" 0b6f3f4e-9a3c-4c7e-8f1a-2d5b6c7d8e9f ").is_ok());
    }

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
