//! Stored counters of failed logins, per account and per client address.

use super::Db;
use crate::domain::throttle::{Counter, FORGET_AFTER_MS};
use crate::domain::AppError;
use sqlx::Row;

#[derive(Clone, Copy, Debug)]
pub enum Scope {
    Account,
    Address,
}

impl Scope {
    fn code(self) -> &'static str {
        match self {
            Scope::Account => "account",
            Scope::Address => "address",
        }
    }
}

pub async fn load(db: &Db, scope: Scope, subject: &str) -> Result<Option<Counter>, AppError> {
    let row = sqlx::query(
        "SELECT failures, window_started_at, locked_until FROM login_throttle WHERE scope = $1 AND subject = $2",
    )
    .bind(scope.code())
    .bind(subject)
    .fetch_optional(db.pool())
    .await?;
    row.map(|r| {
        Ok(Counter {
            failures: u32::try_from(r.try_get::<i64, _>("failures")?).unwrap_or(u32::MAX),
            window_started_at: r.try_get("window_started_at")?,
            locked_until: r.try_get("locked_until")?,
        })
    })
    .transpose()
}

pub async fn store(db: &Db, scope: Scope, subject: &str, counter: Counter) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO login_throttle (scope, subject, failures, window_started_at, locked_until) \
         VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (scope, subject) DO UPDATE SET failures = $3, window_started_at = $4, locked_until = $5",
    )
    .bind(scope.code())
    .bind(subject)
    .bind(i64::from(counter.failures))
    .bind(counter.window_started_at)
    .bind(counter.locked_until)
    .execute(db.pool())
    .await?;
    Ok(())
}

pub async fn clear(db: &Db, scope: Scope, subject: &str) -> Result<(), AppError> {
    sqlx::query("DELETE FROM login_throttle WHERE scope = $1 AND subject = $2")
        .bind(scope.code())
        .bind(subject)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Deletes the counters the policy has forgotten (window over, no lock in force). A system task.
pub async fn purge_forgotten(db: &Db, now: i64) -> Result<u64, AppError> {
    let done = sqlx::query(
        "DELETE FROM login_throttle WHERE window_started_at < $1 AND (locked_until IS NULL OR locked_until <= $2)",
    )
    .bind(now - FORGET_AFTER_MS)
    .bind(now)
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected())
}
