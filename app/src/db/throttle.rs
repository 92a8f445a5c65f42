//! Stored throttle counters (failed logins, registrations, mails sent on a stranger's request),
//! one row per scope and subject.

use super::{now_ms, Db};
use crate::domain::throttle::{Counter, FORGET_AFTER_MS};
use crate::domain::AppError;
use sqlx::Row;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Failed logins for an account, from anywhere.
    Account,
    /// Failed logins from an address, for any account.
    Address,
    /// Failed logins for one account from one address.
    Pair,
    /// Wrong current passwords given by one signed-in session.
    Session,
    /// Accounts created from an address.
    Register,
    /// Mails sent on a stranger's request, per address and per recipient.
    MailAddress,
    MailRecipient,
    /// Invitations sent by an account, and invitation mails to an address.
    Invites,
    InviteRecipient,
    /// Organizations created by an account.
    OrgCreations,
    /// Client organizations created by a provider.
    ClientCreations,
}

impl Scope {
    fn code(self) -> &'static str {
        match self {
            Scope::Account => "account",
            Scope::Address => "address",
            Scope::Pair => "pair",
            Scope::Session => "session",
            Scope::Register => "register",
            Scope::MailAddress => "mail_address",
            Scope::MailRecipient => "mail_recipient",
            Scope::Invites => "invites",
            Scope::InviteRecipient => "invite_recipient",
            Scope::OrgCreations => "org_creations",
            Scope::ClientCreations => "client_creations",
        }
    }
}

/// Reads the counters of `subjects` and stores what `next` makes of them, in one write
/// transaction that holds their rows throughout: parallel attempts on one subject queue here, so
/// each sees the count the one before it left. `next` returns `None` to store nothing. Returns the
/// counters as they were (a subject without failures reads as a fresh counter).
pub async fn update(
    db: &Db,
    subjects: &[(Scope, &str)],
    next: impl FnOnce(&[Counter]) -> Option<Vec<Counter>>,
) -> Result<Vec<Counter>, AppError> {
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let mut before = Vec::with_capacity(subjects.len());
    for (scope, subject) in subjects {
        // The no-op update on conflict takes the row lock on PostgreSQL, and makes a row to lock
        // when there was none (SQLite's IMMEDIATE transaction already excludes other writers).
        let row = sqlx::query(
            "INSERT INTO login_throttle (scope, subject, failures, window_started_at, locked_until) \
             VALUES ($1, $2, 0, $3, NULL) \
             ON CONFLICT (scope, subject) DO UPDATE SET failures = login_throttle.failures \
             RETURNING failures, window_started_at, locked_until",
        )
        .bind(scope.code())
        .bind(*subject)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        before.push(Counter {
            failures: u32::try_from(row.try_get::<i64, _>("failures")?).unwrap_or(u32::MAX),
            window_started_at: row.try_get("window_started_at")?,
            locked_until: row.try_get("locked_until")?,
        });
    }
    let Some(after) = next(&before) else {
        return Ok(before); // rolled back on drop: nothing stored, not even the fresh rows
    };
    for ((scope, subject), counter) in subjects.iter().zip(after) {
        sqlx::query(
            "UPDATE login_throttle SET failures = $3, window_started_at = $4, locked_until = $5 \
             WHERE scope = $1 AND subject = $2",
        )
        .bind(scope.code())
        .bind(*subject)
        .bind(i64::from(counter.failures))
        .bind(counter.window_started_at)
        .bind(counter.locked_until)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(before)
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
