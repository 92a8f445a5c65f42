//! Database access (server only). One `AnyPool` serves SQLite and PostgreSQL: queries use `$n`
//! placeholders and portable types (TEXT, BIGINT), so one query text runs on both. Where the
//! dialects differ, the migrations are kept per backend.

pub mod collections;
pub mod events;
pub mod orgs;
pub mod providers;
pub mod secrets;
pub mod sessions;
pub mod shared;
pub mod throttle;
pub mod users;
pub mod vault;
pub mod verifications;

use sqlx::any::AnyPoolOptions;
use sqlx::{Any, AnyPool, Connection, Transaction};
use std::time::{SystemTime, UNIX_EPOCH};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of_url(url: &str) -> Option<Backend> {
        if url.starts_with("sqlite:") {
            Some(Backend::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Some(Backend::Postgres)
        } else {
            None
        }
    }
}

#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
}

impl Db {
    /// Connects and brings the schema up to date.
    pub async fn open(url: &str, max_connections: u32) -> Result<Db, sqlx::Error> {
        sqlx::any::install_default_drivers();
        let backend = Backend::of_url(url).ok_or_else(|| {
            sqlx::Error::Configuration("DATABASE_URL must start with sqlite: or postgres:".into())
        })?;
        // One connection first: a refused or unknown server is reported as such at once, where
        // the pool would retry for half a minute and then say only that it timed out.
        sqlx::AnyConnection::connect(url).await?.close().await?;
        let pool = AnyPoolOptions::new()
            .max_connections(max_connections)
            .connect(url)
            .await?;
        if backend == Backend::Sqlite {
            // WAL lets readers proceed while one writer commits; the setting sticks to the file.
            sqlx::query("PRAGMA journal_mode=WAL")
                .execute(&pool)
                .await?;
        }
        let db = Db { pool, backend };
        db.migrate().await?;
        Ok(db)
    }

    async fn migrate(&self) -> Result<(), sqlx::Error> {
        let result = match self.backend {
            Backend::Sqlite => sqlx::migrate!("../migrations/sqlite").run(&self.pool).await,
            Backend::Postgres => {
                sqlx::migrate!("../migrations/postgres")
                    .run(&self.pool)
                    .await
            }
        };
        result.map_err(|e| sqlx::Error::Migrate(Box::new(e)))
    }

    /// A transaction that will write. On SQLite it takes the write lock at its start (`BEGIN
    /// IMMEDIATE`): a deferred transaction that reads first and writes later cannot wait for
    /// another writer (SQLite answers "database is locked" at once, since waiting could deadlock),
    /// whereas one that asks first simply queues on the busy timeout.
    pub async fn begin_write(&self) -> Result<Transaction<'static, Any>, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// True when the database answers a trivial query.
    pub async fn ping(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.pool).await.is_ok()
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Now, in Unix milliseconds.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// A fresh random id (UUID v4 text): unguessable, so ids in URLs reveal nothing.
/// `$first, $first+1, …` for an `IN (…)` list of `n` values.
pub(crate) fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Registers new item ids in the one id space of personal and shared items (`item_ids`), in the
/// transaction that stores the items: an id already given to any item, personal or shared, is
/// refused as `item_ids taken`. One statement per 500 ids.
pub(crate) async fn claim_item_ids(
    tx: &mut Transaction<'_, Any>,
    ids: &[&str],
) -> Result<(), crate::domain::AppError> {
    for chunk in ids.chunks(500) {
        let rows = (1..=chunk.len())
            .map(|i| format!("(${i})"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!("INSERT INTO item_ids (id) VALUES {rows}");
        chunk
            .iter()
            .fold(sqlx::query(&sql), |q, id| q.bind(*id))
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

pub fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}
