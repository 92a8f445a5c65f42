//! The server is killed with SIGKILL while 1,000 item writes are in flight, on SQLite and on
//! PostgreSQL. After a restart on the same database every write that was answered with success is
//! there (and decrypts to what was sent), and the database passes its integrity check: SQLite's
//! `PRAGMA integrity_check`, PostgreSQL's amcheck on every btree index and every table.
//!
//! The real `keyhaven` binary runs as a child process and is spoken to over plain HTTP/1.1, so the
//! kill cuts real connections and interrupts real transactions.

mod common;

use common::*;
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Item writes sent in all.
const WRITES: usize = 1000;
/// Requests in flight at once (the server allows 64 connections per client address).
const IN_FLIGHT: usize = 32;
/// The server is killed as soon as this many writes have been answered with success.
const KILL_AFTER: usize = 200;
/// No single request may take longer than this.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// A scratch directory (site, outbox, logs, and the SQLite data), removed on every path.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Scratch {
        let dir =
            std::env::temp_dir().join(format!("keyhaven-crash-{}", uuid::Uuid::new_v4().simple()));
        let pkg = dir.join("site").join("pkg");
        std::fs::create_dir_all(&pkg).expect("site dir");
        // `serve` only checks that the browser app exists; these tests never load a page.
        std::fs::write(pkg.join("keyhaven.js"), b"").expect("pkg/keyhaven.js");
        std::fs::create_dir_all(dir.join("outbox")).expect("outbox dir");
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Where the server keeps its data.
#[derive(Clone)]
enum Store {
    /// `KEYHAVEN_DATA_DIR`: the server makes `keyhaven.db` in it.
    Sqlite(PathBuf),
    /// `DATABASE_URL` of a fresh PostgreSQL database.
    Postgres(String),
}

impl Store {
    fn env(&self) -> (&'static str, String) {
        match self {
            Store::Sqlite(dir) => ("KEYHAVEN_DATA_DIR", dir.display().to_string()),
            Store::Postgres(url) => ("DATABASE_URL", url.clone()),
        }
    }
}

/// A running `keyhaven serve`; killed (SIGKILL) and reaped when dropped, on every path.
struct Server {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Server {
    /// Starts the binary on a free port and waits until `/healthz` answers 200.
    async fn start(scratch: &Path, store: &Store, run: &str) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .expect("a free port")
            .local_addr()
            .expect("local addr")
            .port();
        let log = scratch.join(format!("server-{run}.log"));
        let log_file = std::fs::File::create(&log).expect("log file");
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_keyhaven"));
        cmd.arg("serve");
        // Nothing from the caller's environment may point the server elsewhere.
        for (key, _) in std::env::vars_os() {
            let key_text = key.to_string_lossy();
            if key_text.starts_with("KEYHAVEN_") || key_text == "DATABASE_URL" {
                cmd.env_remove(&key);
            }
        }
        let (db_key, db_value) = store.env();
        cmd.env("KEYHAVEN_ADDR", format!("127.0.0.1:{port}"))
            .env(db_key, db_value)
            .env("KEYHAVEN_SITE_DIR", scratch.join("site"))
            .env("KEYHAVEN_OUTBOX_DIR", scratch.join("outbox"))
            .env("KEYHAVEN_REGISTRATIONS_PER_HOUR", "100000")
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::from(
                log_file.try_clone().expect("log file for stdout"),
            ))
            .stderr(Stdio::from(log_file));
        let child = cmd.spawn().expect("keyhaven starts");
        let mut server = Server { child, port, log };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(status) = server.child.try_wait().expect("child status") {
                panic!(
                    "keyhaven ({run}) exited at start with {status}:\n{}",
                    server.log_text()
                );
            }
            if let Ok(Ok(answer)) =
                tokio::time::timeout(Duration::from_secs(5), get(port, "/healthz")).await
            {
                if answer.status == 200 {
                    return server;
                }
            }
            assert!(
                Instant::now() < deadline,
                "keyhaven ({run}) did not answer /healthz within a minute:\n{}",
                server.log_text()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// SIGKILL (what `Child::kill` sends on Unix), then reaps the process.
    fn kill(&mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reap the killed server");
    }

    /// Asks the server to stop (SIGTERM) and waits for it to exit cleanly.
    async fn stop(&mut self) {
        let sent = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .is_ok_and(|s| s.success());
        assert!(sent, "SIGTERM could not be sent with kill(1)");
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self.child.try_wait().expect("child status") {
                assert!(
                    status.success(),
                    "keyhaven stopped with {status}:\n{}",
                    self.log_text()
                );
                return;
            }
            assert!(
                Instant::now() < deadline,
                "keyhaven did not stop within 30 s of SIGTERM"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // Harmless when the child was already reaped: std does not signal a reaped child.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An answer as read off the wire.
#[derive(Debug)]
struct Answer {
    status: u16,
    /// The session cookie set by the answer, as `name=value`.
    cookie: Option<String>,
    text: String,
    body: Value,
}

/// How a request failed.
#[derive(Debug)]
enum Failure {
    /// No connection: the server was already gone.
    Connect(String),
    /// Connected, but no complete answer came back.
    CutOff(String),
}

/// One HTTP/1.1 exchange on a fresh connection (`Connection: close`).
async fn exchange(port: u16, request: &[u8]) -> Result<Answer, Failure> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))
        .await
        .map_err(|e| Failure::Connect(e.to_string()))?;
    let mut raw = Vec::new();
    let sent = async {
        stream.write_all(request).await?;
        stream.read_to_end(&mut raw).await
    };
    match tokio::time::timeout(REQUEST_TIMEOUT, sent).await {
        Ok(Ok(_)) => parse(&raw).map_err(Failure::CutOff),
        Ok(Err(e)) => Err(Failure::CutOff(e.to_string())),
        Err(_) => Err(Failure::CutOff("timed out".into())),
    }
}

fn position(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// A complete answer, or why it is not one (cut short answers are not answers).
fn parse(raw: &[u8]) -> Result<Answer, String> {
    let head_end = position(raw, b"\r\n\r\n").ok_or("no complete head")?;
    let head = std::str::from_utf8(&raw[..head_end]).map_err(|e| e.to_string())?;
    let rest = &raw[head_end + 4..];
    let mut lines = head.split("\r\n");
    let status_line = lines.next().ok_or("no status line")?;
    let status: u16 = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("bad status line {status_line:?}"))?;
    let mut cookie = None;
    let mut length = None;
    let mut chunked = false;
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            return Err(format!("bad header line {line:?}"));
        };
        let (name, value) = (name.trim().to_ascii_lowercase(), value.trim());
        match name.as_str() {
            "set-cookie" if value.starts_with("keyhaven_session=") => {
                cookie = value.split(';').next().map(str::to_owned);
            }
            "content-length" => {
                length = Some(value.parse::<usize>().map_err(|e| e.to_string())?);
            }
            "transfer-encoding" => chunked = value.eq_ignore_ascii_case("chunked"),
            _ => {}
        }
    }
    let body = if chunked {
        dechunk(rest)?
    } else if let Some(length) = length {
        rest.get(..length)
            .ok_or_else(|| format!("body cut short: {} of {length} bytes", rest.len()))?
            .to_vec()
    } else {
        rest.to_vec()
    };
    let text = String::from_utf8_lossy(&body).into_owned();
    Ok(Answer {
        status,
        cookie,
        body: serde_json::from_str(&text).unwrap_or(Value::Null),
        text,
    })
}

fn dechunk(mut rest: &[u8]) -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    loop {
        let line_end = position(rest, b"\r\n").ok_or("chunk size cut short")?;
        let size_text = std::str::from_utf8(&rest[..line_end]).map_err(|e| e.to_string())?;
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
            .map_err(|e| format!("bad chunk size {size_text:?}: {e}"))?;
        rest = &rest[line_end + 2..];
        if size == 0 {
            return Ok(body);
        }
        body.extend_from_slice(rest.get(..size).ok_or("chunk cut short")?);
        rest = rest.get(size + 2..).ok_or("chunk end cut short")?;
    }
}

fn post_request(port: u16, endpoint: &str, args: &str, cookie: Option<&str>) -> Vec<u8> {
    let cookie = cookie.map_or_else(String::new, |c| format!("cookie: {c}\r\n"));
    format!(
        "POST /api/{endpoint} HTTP/1.1\r\nhost: 127.0.0.1:{port}\r\ncontent-type: application/json\r\n\
         accept: application/json\r\ncontent-length: {}\r\n{cookie}connection: close\r\n\r\n{args}",
        args.len()
    )
    .into_bytes()
}

async fn get(port: u16, path: &str) -> Result<Answer, Failure> {
    let request =
        format!("GET {path} HTTP/1.1\r\nhost: 127.0.0.1:{port}\r\nconnection: close\r\n\r\n");
    exchange(port, request.as_bytes()).await
}

/// A server function call that must be answered (the server is up).
async fn call(port: u16, endpoint: &str, args: &Value, cookie: Option<&str>) -> Answer {
    let request = post_request(port, endpoint, &args.to_string(), cookie);
    match exchange(port, &request).await {
        Ok(answer) => answer,
        Err(e) => panic!("{endpoint} was not answered: {e:?}"),
    }
}

/// What became of the writes sent to the first server.
struct Writes {
    /// Answered with success: the item's id, and which note it carries.
    acknowledged: Vec<(String, usize)>,
    /// Complete answers that were not a success (the server refused or failed the write).
    refused: Vec<String>,
    /// Sent on a connection that the kill cut before the answer was complete: why each failed.
    cut_off: Vec<String>,
    /// Sent after the server was gone (refused connections).
    unconnected: Vec<String>,
    /// Never sent: the server was dead before their turn.
    unsent: usize,
}

/// Sends the `WRITES` item creations, at most `IN_FLIGHT` at once, and kills the server with
/// SIGKILL as soon as `KILL_AFTER` of them have been answered with success.
async fn writes_cut_by_a_kill(server: &mut Server, p: &Person, cookie: &str) -> Writes {
    let requests: Vec<Vec<u8>> = (0..WRITES)
        .map(|n| {
            let data = p
                .keys
                .user_key
                .encrypt(format!("note {n}").as_bytes(), "keyhaven:item")
                .expect("encrypt")
                .to_string();
            let args = json!({"id": app::db::new_id(), "item": {"item_type": "secure_note", "folder_id": null, "favorite": false, "data": data}});
            post_request(server.port, "item_create", &args.to_string(), Some(cookie))
        })
        .collect();
    let port = server.port;
    let killed = Arc::new(AtomicBool::new(false));
    let launched = Arc::new(AtomicUsize::new(0));
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let launcher = {
        let (killed, launched) = (killed.clone(), launched.clone());
        tokio::spawn(async move {
            let gate = Arc::new(tokio::sync::Semaphore::new(IN_FLIGHT));
            for (n, request) in requests.into_iter().enumerate() {
                let permit = gate.clone().acquire_owned().await.expect("gate open");
                if killed.load(Ordering::SeqCst) {
                    break;
                }
                launched.fetch_add(1, Ordering::SeqCst);
                let tx = tx.clone();
                tokio::spawn(async move {
                    let outcome = exchange(port, &request).await;
                    drop(permit);
                    let _ = tx.send((n, outcome));
                });
            }
        })
    };
    let mut writes = Writes {
        acknowledged: Vec::new(),
        refused: Vec::new(),
        cut_off: Vec::new(),
        unconnected: Vec::new(),
        unsent: 0,
    };
    // Ends when the launcher and every request it started are done (all senders dropped).
    while let Some((n, outcome)) = rx.recv().await {
        match outcome {
            Ok(answer) if answer.status == 200 => {
                let id = answer.body["id"]
                    .as_str()
                    .unwrap_or_else(|| panic!("a created item has an id: {}", answer.text))
                    .to_owned();
                writes.acknowledged.push((id, n));
            }
            Ok(answer) => writes
                .refused
                .push(format!("note {n}: {} {}", answer.status, answer.text)),
            Err(Failure::CutOff(why)) => writes.cut_off.push(why),
            Err(Failure::Connect(why)) => writes.unconnected.push(why),
        }
        if writes.acknowledged.len() >= KILL_AFTER && !killed.load(Ordering::SeqCst) {
            killed.store(true, Ordering::SeqCst);
            server.kill();
        }
    }
    launcher.await.expect("launcher");
    writes.unsent = WRITES - launched.load(Ordering::SeqCst);
    writes
}

/// The whole story on `store`; returns how many writes were acknowledged before the kill.
async fn crash_story(store: Store, scratch: PathBuf) -> usize {
    let p = person("crash@example.org", "killed mid-write and still whole");

    let mut first = Server::start(&scratch, &store, "1").await;
    let registered = call(first.port, "register", &register_args(&p, "Crash"), None).await;
    assert_eq!(registered.status, 200, "register: {}", registered.text);
    let cookie = registered.cookie.expect("a session cookie on register");

    let writes = writes_cut_by_a_kill(&mut first, &p, &cookie).await;
    drop(first);
    let acknowledged = writes.acknowledged.len();
    let reasons: HashSet<&String> = writes.cut_off.iter().chain(&writes.unconnected).collect();
    eprintln!(
        "{acknowledged} writes acknowledged, {} cut off by the kill, {} refused connections, {} never sent, {} refused answers; failures: {reasons:?}",
        writes.cut_off.len(),
        writes.unconnected.len(),
        writes.unsent,
        writes.refused.len()
    );
    assert!(acknowledged >= 1, "no write was acknowledged");
    assert!(
        acknowledged < WRITES,
        "every write was acknowledged: the kill came too late"
    );
    assert!(
        !writes.cut_off.is_empty(),
        "no request was in flight when the server was killed"
    );
    assert!(
        writes.refused.is_empty(),
        "the running server refused writes it should have queued: {:?}",
        writes.refused
    );

    // A new server on the same database: every acknowledged write is there, whole.
    let mut second = Server::start(&scratch, &store, "2").await;
    let login = call(
        second.port,
        "login",
        &json!({"email": p.email, "auth_hash": p.material.auth_hash}),
        None,
    )
    .await;
    assert_eq!(login.status, 200, "login after the crash: {}", login.text);
    let cookie = login.cookie.expect("a session cookie on login");
    let mut stored: HashMap<String, String> = HashMap::new();
    let mut after = Value::Null;
    loop {
        let page = call(
            second.port,
            "vault_list",
            &json!({ "after": after }),
            Some(&cookie),
        )
        .await;
        assert_eq!(page.status, 200, "vault_list: {}", page.text);
        for item in page.body["items"].as_array().expect("items") {
            let id = item["id"].as_str().expect("item id").to_owned();
            let data = item["data"].as_str().expect("item data").to_owned();
            assert!(
                stored.insert(id.clone(), data).is_none(),
                "item {id} listed twice"
            );
        }
        after = page.body["next"].clone();
        if after.is_null() {
            break;
        }
    }
    let ids: HashSet<&String> = stored.keys().collect();
    let missing: Vec<&String> = writes
        .acknowledged
        .iter()
        .map(|(id, _)| id)
        .filter(|id| !ids.contains(id))
        .collect();
    assert!(
        missing.is_empty(),
        "{} of {acknowledged} acknowledged writes are gone after the crash: {missing:?}",
        missing.len()
    );
    for (id, n) in &writes.acknowledged {
        let sealed = app::crypto::EncString::parse(&stored[id]).expect("stored item data");
        let note = p
            .keys
            .user_key
            .decrypt(&sealed, "keyhaven:item")
            .expect("a stored item decrypts");
        assert_eq!(
            &**note,
            format!("note {n}").as_bytes(),
            "item {id} holds another write's data"
        );
    }
    assert!(
        stored.len() <= WRITES,
        "{} items from {WRITES} writes",
        stored.len()
    );
    eprintln!(
        "after the restart: {} items stored ({} committed without an answer)",
        stored.len(),
        stored.len() - acknowledged
    );
    second.stop().await;
    drop(second);

    match &store {
        Store::Sqlite(dir) => sqlite_is_whole(&dir.join("keyhaven.db")).await,
        Store::Postgres(url) => postgres_is_whole(url).await,
    }
    acknowledged
}

async fn sqlite_is_whole(file: &Path) {
    use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
    use sqlx::Connection;
    let options = SqliteConnectOptions::new()
        .filename(file)
        .create_if_missing(false);
    let mut db = SqliteConnection::connect_with(&options)
        .await
        .expect("open the SQLite file");
    let check: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(&mut db)
        .await
        .expect("integrity_check");
    assert_eq!(check, vec!["ok".to_owned()], "PRAGMA integrity_check");
    let orphans = sqlx::query("PRAGMA foreign_key_check")
        .fetch_all(&mut db)
        .await
        .expect("foreign_key_check");
    assert!(
        orphans.is_empty(),
        "{} rows break a foreign key",
        orphans.len()
    );
    db.close().await.expect("close");
}

async fn postgres_is_whole(url: &str) {
    use sqlx::{Connection, PgConnection};
    let mut db = PgConnection::connect(url)
        .await
        .expect("connect to the test database");
    let available: Option<String> =
        sqlx::query_scalar("SELECT name::text FROM pg_available_extensions WHERE name = 'amcheck'")
            .fetch_optional(&mut db)
            .await
            .expect("pg_available_extensions");
    if available.is_none() {
        assert!(
            !in_ci(),
            "the amcheck extension (postgresql-contrib) is required in CI"
        );
        eprintln!(
            "\n*** SKIPPING the PostgreSQL integrity check: the amcheck extension is not installed ***\n"
        );
        return;
    }
    sqlx::query("CREATE EXTENSION IF NOT EXISTS amcheck")
        .execute(&mut db)
        .await
        .expect("create extension amcheck");
    let indexes: Vec<String> = sqlx::query_scalar(
        "SELECT c.oid::regclass::text FROM pg_class c \
         JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_am a ON a.oid = c.relam \
         WHERE c.relkind = 'i' AND n.nspname = 'public' AND a.amname = 'btree' ORDER BY 1",
    )
    .fetch_all(&mut db)
    .await
    .expect("btree indexes");
    assert!(
        indexes.iter().any(|i| i.starts_with("items")),
        "the items table has indexes to check: {indexes:?}"
    );
    for index in &indexes {
        // With heapallindexed, every row of the table must also be found in the index.
        sqlx::query("SELECT bt_index_check($1::text::regclass, true)")
            .bind(index)
            .execute(&mut db)
            .await
            .unwrap_or_else(|e| panic!("bt_index_check({index}): {e}"));
    }
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT c.oid::regclass::text FROM pg_class c \
         JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE c.relkind = 'r' AND n.nspname = 'public' ORDER BY 1",
    )
    .fetch_all(&mut db)
    .await
    .expect("tables");
    for table in &tables {
        let corrupt: Vec<String> =
            sqlx::query_scalar("SELECT msg FROM verify_heapam($1::text::regclass)")
                .bind(table)
                .fetch_all(&mut db)
                .await
                .unwrap_or_else(|e| panic!("verify_heapam({table}): {e}"));
        assert!(corrupt.is_empty(), "{table} is corrupt: {corrupt:?}");
    }
    eprintln!(
        "amcheck: {} btree indexes and {} tables are whole",
        indexes.len(),
        tables.len()
    );
    db.close().await.expect("close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crash_on_sqlite() {
    let started = Instant::now();
    let scratch = Scratch::new();
    let store = Store::Sqlite(scratch.0.join("data"));
    let acknowledged = crash_story(store, scratch.0.clone()).await;
    eprintln!(
        "crash_on_sqlite: {acknowledged} writes acknowledged before the kill, {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crash_on_postgres() {
    use sqlx::{Connection, PgConnection};
    let started = Instant::now();
    let admin_url = std::env::var("KEYHAVEN_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let mut admin = match PgConnection::connect(&admin_url).await {
        Ok(c) => c,
        Err(e) if in_ci() => panic!("PostgreSQL at {admin_url} is required in CI: {e}"),
        Err(e) => {
            eprintln!(
                "\n*** SKIPPING the PostgreSQL crash test: {admin_url} does not answer ({e}) ***\n"
            );
            return;
        }
    };
    let name = format!("keyhaven_test_{}", uuid::Uuid::new_v4().simple());
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .expect("create database");
    let base = admin_url
        .rsplit_once('/')
        .map_or(admin_url.as_str(), |(b, _)| b);
    let store = Store::Postgres(format!("{base}/{name}"));
    let scratch = Scratch::new();
    // In a task of its own, so that the database is dropped even when the story panics.
    let outcome = tokio::spawn(crash_story(store, scratch.0.clone())).await;
    drop(scratch);
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(&mut admin)
        .await
        .expect("drop database");
    let acknowledged = match outcome {
        Ok(n) => n,
        Err(e) => match e.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(e) => panic!("the story did not finish: {e}"),
        },
    };
    eprintln!(
        "crash_on_postgres: {acknowledged} writes acknowledged before the kill, {:.1} s",
        started.elapsed().as_secs_f64()
    );
}
