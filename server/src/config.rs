//! Settings from the environment, checked once at start. A wrong value stops the server with one
//! sentence that names the setting.

use app::mail::{Security, SmtpSettings};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Clone, Debug)]
pub struct Config {
    pub addr: SocketAddr,
    pub data_dir: PathBuf,
    pub database_url: String,
    pub site_dir: PathBuf,
    pub trust_proxy: bool,
    pub secure_cookies: bool,
    pub session_days: i64,
    pub db_max_connections: u32,
    /// Open client connections at once, in all and per client address.
    pub max_connections: usize,
    pub max_connections_per_address: usize,
    /// A request body must arrive within this time (an import within ten times it).
    pub body_timeout: Duration,
    /// A connection on which nothing moves for this long is closed.
    pub idle_timeout: Duration,
    /// Mail goes through this SMTP server; without one, into `outbox_dir`.
    pub smtp: Option<SmtpSettings>,
    pub outbox_dir: PathBuf,
    /// The address people reach this instance at, for links in mails.
    pub public_url: String,
    pub require_email_verification: bool,
    /// Accounts one client address may create per hour.
    pub registrations_per_hour: u32,
    /// Most seats an organization someone creates for themselves may declare.
    pub org_seats_max: u32,
    pub log_json: bool,
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

impl Config {
    pub fn from_env() -> Result<Config, ConfigError> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    /// Reads settings through `get`, so tests can pass their own environment.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let get = |k: &str| get(k).filter(|v| !v.trim().is_empty());
        let addr_text = get("KEYHAVEN_ADDR").unwrap_or_else(|| "127.0.0.1:3000".into());
        let addr = addr_text.parse().map_err(|_| {
            ConfigError(format!(
                "KEYHAVEN_ADDR must be an address and port such as 127.0.0.1:3000, not '{addr_text}'."
            ))
        })?;
        let data_dir = PathBuf::from(get("KEYHAVEN_DATA_DIR").unwrap_or_else(|| "./data".into()));
        let database_url = match get("DATABASE_URL") {
            Some(url) if url.contains(":memory:") || url.trim_end_matches('/') == "sqlite:" => {
                return Err(ConfigError(
                    "DATABASE_URL must name a database file (for example sqlite:///var/lib/keyhaven/keyhaven.db); an in-memory database would lose everything.".into(),
                ))
            }
            Some(url) if app::db::Backend::of_url(&url) == Some(app::db::Backend::Sqlite) => {
                sqlite_created_if_missing(&url)
            }
            Some(url) if app::db::Backend::of_url(&url).is_some() => url,
            Some(_) => {
                return Err(ConfigError(
                    "DATABASE_URL must start with sqlite: or postgres: (for example postgres://user@host/db).".into(),
                ))
            }
            None => {
                let file = data_dir.join("keyhaven.db");
                format!("sqlite://{}?mode=rwc", file.display())
            }
        };
        let site_dir =
            PathBuf::from(get("KEYHAVEN_SITE_DIR").unwrap_or_else(|| "target/site".into()));
        let smtp = smtp_settings(&get)?;
        let require_email_verification = flag(&get, "KEYHAVEN_REQUIRE_EMAIL_VERIFICATION", false)?;
        if require_email_verification && smtp.is_none() {
            return Err(ConfigError(
                "KEYHAVEN_REQUIRE_EMAIL_VERIFICATION needs an SMTP server (KEYHAVEN_SMTP_HOST): links in the local outbox would reach nobody.".into(),
            ));
        }
        let public_url = get("KEYHAVEN_PUBLIC_URL")
            .unwrap_or_else(|| format!("http://{addr_text}"))
            .trim_end_matches('/')
            .to_owned();
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            return Err(ConfigError(format!(
                "KEYHAVEN_PUBLIC_URL must start with https:// or http://, not '{public_url}'."
            )));
        }
        let outbox_dir =
            get("KEYHAVEN_OUTBOX_DIR").map_or_else(|| data_dir.join("outbox"), PathBuf::from);
        Ok(Config {
            addr,
            data_dir,
            database_url,
            site_dir,
            trust_proxy: flag(&get, "KEYHAVEN_TRUST_PROXY", false)?,
            secure_cookies: flag(&get, "KEYHAVEN_SECURE_COOKIES", false)?,
            session_days: number(&get, "KEYHAVEN_SESSION_DAYS", 14, 1, 365)?,
            db_max_connections: u32::try_from(number(
                &get,
                "KEYHAVEN_DB_MAX_CONNECTIONS",
                8,
                1,
                200,
            )?)
            .unwrap_or(8),
            max_connections: usize::try_from(number(
                &get,
                "KEYHAVEN_MAX_CONNECTIONS",
                512,
                1,
                100_000,
            )?)
            .unwrap_or(512),
            max_connections_per_address: usize::try_from(number(
                &get,
                "KEYHAVEN_MAX_CONNECTIONS_PER_ADDRESS",
                64,
                1,
                100_000,
            )?)
            .unwrap_or(64),
            body_timeout: Duration::from_secs(
                u64::try_from(number(&get, "KEYHAVEN_BODY_TIMEOUT_SECS", 30, 1, 3600)?)
                    .unwrap_or(30),
            ),
            smtp,
            outbox_dir,
            public_url,
            require_email_verification,
            registrations_per_hour: u32::try_from(number(
                &get,
                "KEYHAVEN_REGISTRATIONS_PER_HOUR",
                30,
                1,
                1_000_000,
            )?)
            .unwrap_or(30),
            org_seats_max: u32::try_from(number(
                &get,
                "KEYHAVEN_ORG_SEATS_MAX",
                1_000,
                1,
                i64::from(app::domain::org::SEATS_MAX),
            )?)
            .unwrap_or(1_000),
            idle_timeout: Duration::from_secs(
                u64::try_from(number(&get, "KEYHAVEN_IDLE_TIMEOUT_SECS", 30, 1, 3600)?)
                    .unwrap_or(30),
            ),
            log_json: match get("KEYHAVEN_LOG_FORMAT").as_deref() {
                None | Some("text") => false,
                Some("json") => true,
                Some(other) => {
                    return Err(ConfigError(format!(
                        "KEYHAVEN_LOG_FORMAT must be text or json, not '{other}'."
                    )))
                }
            },
        })
    }

    /// Checks what only matters when serving pages (tests build the router without a site).
    pub fn check_site(&self) -> Result<(), ConfigError> {
        let js = self.site_dir.join("pkg").join("keyhaven.js");
        if js.is_file() {
            Ok(())
        } else {
            Err(ConfigError(format!(
                "KEYHAVEN_SITE_DIR ('{}') has no pkg/keyhaven.js: build the browser app first (make run does).",
                self.site_dir.display()
            )))
        }
    }
}

fn smtp_settings(
    get: &impl Fn(&str) -> Option<String>,
) -> Result<Option<SmtpSettings>, ConfigError> {
    let Some(host) = get("KEYHAVEN_SMTP_HOST") else {
        return Ok(None);
    };
    let security = match get("KEYHAVEN_SMTP_SECURITY")
        .map(|v| v.trim().to_ascii_lowercase())
        .as_deref()
    {
        None | Some("starttls") => Security::StartTls,
        Some("tls") => Security::Tls,
        Some("none") => Security::None,
        Some(other) => {
            return Err(ConfigError(format!(
                "KEYHAVEN_SMTP_SECURITY must be starttls, tls or none, not '{other}'."
            )))
        }
    };
    let default_port = match security {
        Security::Tls => 465,
        Security::StartTls => 587,
        Security::None => 25,
    };
    let port = u16::try_from(number(get, "KEYHAVEN_SMTP_PORT", default_port, 1, 65_535)?)
        .unwrap_or(default_port as u16);
    let Some(from) = get("KEYHAVEN_SMTP_FROM") else {
        return Err(ConfigError(
            "KEYHAVEN_SMTP_FROM must name the sender (for example Keyhaven <keyhaven@example.org>) when KEYHAVEN_SMTP_HOST is set.".into(),
        ));
    };
    Ok(Some(SmtpSettings {
        host: host.trim().to_owned(),
        port,
        security,
        username: get("KEYHAVEN_SMTP_USERNAME"),
        password: get("KEYHAVEN_SMTP_PASSWORD"),
        from,
    }))
}

/// An SQLite URL that creates its file when missing, as the built-in default does, unless the
/// URL sets its own mode.
fn sqlite_created_if_missing(url: &str) -> String {
    if url.contains("mode=") {
        url.to_owned()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    }
}

fn flag(
    get: &impl Fn(&str) -> Option<String>,
    key: &str,
    default: bool,
) -> Result<bool, ConfigError> {
    match get(key).map(|v| v.trim().to_ascii_lowercase()).as_deref() {
        None => Ok(default),
        Some("1" | "true" | "yes" | "on") => Ok(true),
        Some("0" | "false" | "no" | "off") => Ok(false),
        Some(other) => Err(ConfigError(format!(
            "{key} must be true or false, not '{other}'."
        ))),
    }
}

fn number(
    get: &impl Fn(&str) -> Option<String>,
    key: &str,
    default: i64,
    min: i64,
    max: i64,
) -> Result<i64, ConfigError> {
    let Some(text) = get(key) else {
        return Ok(default);
    };
    match text.trim().parse::<i64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(ConfigError(format!(
            "{key} must be a whole number from {min} to {max}, not '{text}'."
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let owned: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect();
        Config::from_lookup(move |k| {
            owned
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.clone())
        })
    }

    #[test]
    fn defaults() {
        let c = with(&[]).unwrap();
        assert_eq!(c.addr.to_string(), "127.0.0.1:3000");
        assert_eq!(c.database_url, "sqlite://./data/keyhaven.db?mode=rwc");
        assert!(!c.secure_cookies);
    }

    #[test]
    fn wrong_values_name_the_setting() {
        for (key, value) in [
            ("KEYHAVEN_ADDR", "localhost"),
            ("DATABASE_URL", "mysql://x"),
            ("KEYHAVEN_TRUST_PROXY", "maybe"),
            ("KEYHAVEN_SESSION_DAYS", "0"),
            ("KEYHAVEN_LOG_FORMAT", "xml"),
            ("KEYHAVEN_MAX_CONNECTIONS", "0"),
            ("KEYHAVEN_REQUIRE_EMAIL_VERIFICATION", "true"),
            ("KEYHAVEN_PUBLIC_URL", "keyhaven.example.org"),
            ("KEYHAVEN_BODY_TIMEOUT_SECS", "0"),
            ("KEYHAVEN_MAX_CONNECTIONS_PER_ADDRESS", "lots"),
            ("DATABASE_URL", "sqlite::memory:"),
            ("DATABASE_URL", "sqlite:"),
        ] {
            let err = with(&[(key, value)]).unwrap_err().0;
            assert!(err.starts_with(key), "{err}");
        }
        let c = with(&[
            ("DATABASE_URL", "postgres://postgres@127.0.0.1/k"),
            ("KEYHAVEN_DATA_DIR", "/tmp/x"),
        ])
        .unwrap();
        assert_eq!(c.database_url, "postgres://postgres@127.0.0.1/k");
        let smtp = with(&[("KEYHAVEN_SMTP_HOST", "mail.example.org")])
            .unwrap_err()
            .0;
        assert!(smtp.starts_with("KEYHAVEN_SMTP_FROM"), "{smtp}");
        let smtp = with(&[
            ("KEYHAVEN_SMTP_HOST", "mail.example.org"),
            ("KEYHAVEN_SMTP_FROM", "Keyhaven <kh@example.org>"),
            ("KEYHAVEN_SMTP_SECURITY", "ssl"),
        ])
        .unwrap_err()
        .0;
        assert!(smtp.starts_with("KEYHAVEN_SMTP_SECURITY"), "{smtp}");
        let file = |url: &str| with(&[("DATABASE_URL", url)]).unwrap().database_url;
        assert_eq!(file("sqlite:///srv/kh.db"), "sqlite:///srv/kh.db?mode=rwc");
        assert_eq!(
            file("sqlite:///srv/kh.db?cache=shared"),
            "sqlite:///srv/kh.db?cache=shared&mode=rwc"
        );
        assert_eq!(
            file("sqlite:///srv/kh.db?mode=ro"),
            "sqlite:///srv/kh.db?mode=ro"
        );
    }
}
