//! What every story test shares: a server built in-process on a fresh SQLite file or a fresh
//! PostgreSQL database, requests sent as the browser sends them, and accounts whose keys are made
//! here natively with the same code the WASM runs.
#![allow(dead_code)]

pub use app::crypto::account::{new_account, Derived, NewAccount};
use app::crypto::{KdfParams, UnlockedKeys};
use app::domain::validate::normalize_email;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::Router;
use http::{Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use server::config::Config;
use std::net::SocketAddr;
use std::path::PathBuf;
use tower::ServiceExt;

pub struct Harness {
    pub router: Router,
    pub db: app::db::Db,
    pub sqlite_dir: Option<PathBuf>,
    pub pg: Option<(String, String)>,
    /// Where mail goes when no SMTP server is configured.
    pub outbox: PathBuf,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: http::HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Reply {
    pub fn cookie(&self) -> String {
        let raw = self
            .headers
            .get("set-cookie")
            .expect("a session cookie")
            .to_str()
            .expect("ascii");
        assert!(
            raw.contains("HttpOnly"),
            "session cookie must be HttpOnly: {raw}"
        );
        assert!(
            raw.contains("SameSite=Strict"),
            "session cookie must be SameSite=Strict: {raw}"
        );
        raw.split(';').next().expect("name=value").to_owned()
    }

    /// The error a server function answered with, as `{"error": kind, "fields": [...], ...}`.
    pub fn error(&self) -> &Value {
        assert!(
            !self.status.is_success(),
            "expected an error, got {} {}",
            self.status,
            self.text
        );
        &self.body
    }

    pub fn field_error(&self) -> (String, String) {
        let e = self.error();
        assert_eq!(e["error"], "invalid", "{}", self.text);
        assert_eq!(
            self.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            self.text
        );
        (
            e["fields"][0]["field"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            e["fields"][0]["problem"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        )
    }
}

/// The configuration of `env` plus `database`, as the server would read it from its environment.
fn configured(env: &[(&str, &str)], database: (&str, &str), outbox: &std::path::Path) -> Config {
    let outbox = outbox.display().to_string();
    let pairs: Vec<(String, String)> = env
        .iter()
        .chain([&database, &("KEYHAVEN_OUTBOX_DIR", outbox.as_str())])
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    Config::from_lookup(move |k| {
        pairs
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
    })
    .expect("config")
}

impl Harness {
    /// A server on a fresh SQLite file, with the settings `env` (the rest are defaults).
    pub async fn sqlite(env: &[(&str, &str)]) -> Harness {
        let dir =
            std::env::temp_dir().join(format!("keyhaven-test-{}", uuid::Uuid::new_v4().simple()));
        let dir_text = dir.display().to_string();
        let config = configured(env, ("KEYHAVEN_DATA_DIR", &dir_text), &dir.join("outbox"));
        Self::start(config, Some(dir), None).await
    }

    /// A fresh database on the PostgreSQL server, or `None` (loudly) when none answers outside CI.
    pub async fn postgres(env: &[(&str, &str)]) -> Option<Harness> {
        use sqlx::Connection;
        let admin_url = std::env::var("KEYHAVEN_TEST_POSTGRES")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
        let mut admin = match sqlx::PgConnection::connect(&admin_url).await {
            Ok(c) => c,
            Err(e) if std::env::var("CI").is_ok_and(|v| v == "true") => {
                panic!("PostgreSQL at {admin_url} is required in CI: {e}")
            }
            Err(e) => {
                eprintln!(
                    "\n*** SKIPPING the PostgreSQL story: {admin_url} does not answer ({e}) ***\n"
                );
                return None;
            }
        };
        let name = format!("keyhaven_test_{}", uuid::Uuid::new_v4().simple());
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .expect("create database");
        let base = admin_url
            .rsplit_once('/')
            .map_or(admin_url.as_str(), |(b, _)| b)
            .to_owned();
        let url = format!("{base}/{name}");
        let outbox = std::env::temp_dir().join(format!("{name}-outbox"));
        let config = configured(env, ("DATABASE_URL", &url), &outbox);
        Some(Self::start(config, None, Some((admin_url, name))).await)
    }

    pub async fn start(
        config: Config,
        sqlite_dir: Option<PathBuf>,
        pg: Option<(String, String)>,
    ) -> Harness {
        let server = server::build(&config).await.expect("server starts");
        Harness {
            router: server.router,
            db: server.state.db,
            sqlite_dir,
            pg,
            outbox: config.outbox_dir,
        }
    }

    pub async fn finish(self) {
        self.db.close().await;
        drop(self.router);
        if let Some(dir) = &self.sqlite_dir {
            let _ = std::fs::remove_dir_all(dir);
        }
        let _ = std::fs::remove_dir_all(&self.outbox);
        if let Some((admin_url, name)) = self.pg {
            use sqlx::Connection;
            let mut admin = sqlx::PgConnection::connect(&admin_url)
                .await
                .expect("admin connection");
            sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut admin)
                .await
                .expect("drop database");
        }
    }

    pub async fn send(&self, req: Request<Body>, addr: &str) -> Reply {
        let mut req = req;
        let ip = SocketAddr::new(addr.parse().expect("test address"), 40000);
        req.extensions_mut().insert(ConnectInfo(ip));
        let res = self
            .router
            .clone()
            .oneshot(req)
            .await
            .expect("router answers");
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.expect("body").to_bytes();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Reply {
            status,
            headers,
            body,
            text,
        }
    }

    /// Calls a server function as the browser does (JSON in, JSON out), from `addr`.
    pub async fn call_from(
        &self,
        addr: &str,
        endpoint: &str,
        args: Value,
        cookie: Option<&str>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let mut req = Request::post(format!("/api/{endpoint}"))
            .header("content-type", "application/json")
            .header("accept", "application/json")
            .header("host", "keyhaven.test");
        if let Some(c) = cookie {
            req = req.header("cookie", c);
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let body = args.to_string();
        req = req.header("content-length", body.len());
        self.send(req.body(Body::from(body)).expect("request"), addr)
            .await
    }

    pub async fn call(&self, endpoint: &str, args: Value, cookie: Option<&str>) -> Reply {
        self.call_from("127.0.0.1", endpoint, args, cookie, &[])
            .await
    }

    pub async fn get(&self, path: &str, headers: &[(&str, &str)]) -> Reply {
        let mut req = Request::get(path).header("host", "keyhaven.test");
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        self.send(req.body(Body::empty()).expect("request"), "127.0.0.1")
            .await
    }

    /// Registers `p` from `addr` and returns the session cookie.
    pub async fn signed_up(&self, addr: &str, p: &Person, name: &str) -> String {
        self.call_from(addr, "register", register_args(p, name), None, &[])
            .await
            .cookie()
    }

    /// The mails in the outbox folder (no SMTP configured), oldest first, decoded.
    pub fn outbox_mails(&self) -> Vec<String> {
        let Ok(dir) = std::fs::read_dir(&self.outbox) else {
            return Vec::new();
        };
        let mut files: Vec<_> = dir
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "eml"))
            .collect();
        files.sort();
        files
            .iter()
            .map(|f| decoded(&std::fs::read_to_string(f).expect("a mail")))
            .collect()
    }

    /// Waits until the outbox holds `n` mails (they are sent in the background).
    pub async fn wait_for_outbox(&self, n: usize) -> Vec<String> {
        for _ in 0..200 {
            let mails = self.outbox_mails();
            if mails.len() >= n {
                return mails;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("expected {n} mails in {}", self.outbox.display());
    }

    /// Rows of `table`, which may carry a `WHERE` clause.
    pub async fn count(&self, table: &str) -> i64 {
        use sqlx::Row;
        sqlx::query(&format!("SELECT COUNT(*) AS n FROM {table}"))
            .fetch_one(self.db.pool())
            .await
            .expect("count")
            .try_get("n")
            .expect("n")
    }
}

pub struct Person {
    pub email: &'static str,
    pub password: &'static str,
    pub material: NewAccount,
    pub keys: UnlockedKeys,
}

pub fn person(email: &'static str, password: &'static str) -> Person {
    let (material, keys) =
        new_account(password, &normalize_email(email), &KdfParams::default()).expect("keys");
    Person {
        email,
        password,
        material,
        keys,
    }
}

pub fn register_args(p: &Person, name: &str) -> Value {
    json!({ "req": {
        "email": p.email, "name": name, "hint": "the usual", "language": "en",
        "kdf": KdfParams::default(),
        "auth_hash": p.material.auth_hash, "protected_user_key": p.material.protected_user_key,
        "public_key": p.material.public_key, "protected_private_key": p.material.protected_private_key,
    }})
}

pub fn auth_hash(password: &str, email: &str) -> String {
    Derived::new(password, &normalize_email(email), &KdfParams::default())
        .expect("derive")
        .auth_hash
}

/// `key` sealed to the account whose public key is `public_key`, as the confirming browser does.
pub fn seal_to(public_key: &str, key: &app::crypto::SymmetricKey) -> String {
    app::crypto::b64(&app::crypto::sealed::seal(public_key, key.as_bytes()).expect("seal"))
}

/// Tells a story twice, as two tests: on SQLite, and on PostgreSQL.
#[macro_export]
/// With `env`, the server runs with those settings.
macro_rules! on_both_databases {
    ($story:ident: $sqlite:ident, $postgres:ident) => {
        on_both_databases!($story: $sqlite, $postgres, &[]);
    };
    ($story:ident: $sqlite:ident, $postgres:ident, $env:expr) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $sqlite() {
            let h = Harness::sqlite($env).await;
            $story(&h).await;
            h.finish().await;
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $postgres() {
            let Some(h) = Harness::postgres($env).await else {
                return;
            };
            $story(&h).await;
            h.finish().await;
        }
    };
}

/// A real SMTP server on a free local port that keeps what it receives: the server under test
/// sends to it with its own SMTP client, exactly as it would to a relay.
#[derive(Clone)]
pub struct SmtpSink {
    pub port: u16,
    mails: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl SmtpSink {
    pub async fn start() -> SmtpSink {
        use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let mails = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let kept = mails.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let kept = kept.clone();
                tokio::spawn(async move {
                    let (read, mut write) = stream.into_split();
                    let mut lines = BufReader::new(read).lines();
                    let _ = write.write_all(b"220 sink ESMTP\r\n").await;
                    let mut data: Option<String> = None;
                    while let Ok(Some(line)) = lines.next_line().await {
                        if let Some(body) = data.as_mut() {
                            if line == "." {
                                kept.lock().expect("lock").push(std::mem::take(body));
                                data = None;
                                let _ = write.write_all(b"250 kept\r\n").await;
                            } else {
                                body.push_str(line.strip_prefix('.').unwrap_or(&line));
                                body.push('\n');
                            }
                            continue;
                        }
                        let verb = line.get(..4).unwrap_or("").to_ascii_uppercase();
                        let answer: &[u8] = match verb.as_str() {
                            "EHLO" => b"250-sink\r\n250 8BITMIME\r\n",
                            "DATA" => {
                                data = Some(String::new());
                                b"354 go on\r\n"
                            }
                            "QUIT" => {
                                let _ = write.write_all(b"221 bye\r\n").await;
                                break;
                            }
                            _ => b"250 ok\r\n",
                        };
                        let _ = write.write_all(answer).await;
                    }
                });
            }
        });
        SmtpSink { port, mails }
    }

    /// The mails received so far, each as its header and body text.
    pub fn mails(&self) -> Vec<String> {
        self.mails.lock().expect("lock").clone()
    }

    /// Waits (up to 10 s) until `n` mails have arrived; mail is sent in the background.
    pub async fn wait_for(&self, n: usize) -> Vec<String> {
        for _ in 0..200 {
            let mails = self.mails();
            if mails.len() >= n {
                return mails;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("expected {n} mails, got {:?}", self.mails());
    }
}

/// A mail's text with its quoted-printable body decoded (the server sends every body so).
pub fn decoded(mail: &str) -> String {
    let mail = mail.replace("\r\n", "\n");
    let (head, body) = mail.split_once("\n\n").unwrap_or((&mail, ""));
    let joined = body.replace("=\n", "");
    let mut out = Vec::new();
    let bytes = joined.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&joined[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    format!("{head}\n\n{}", String::from_utf8_lossy(&out))
}
