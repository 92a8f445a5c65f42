//! Stored sessions. A session is found by a hash of its id, never the id itself: a copy of the
//! database (a backup, a leaked dump) holds no cookie value that would sign anyone in.

use super::Db;
use crate::domain::authz::{AccountAccess, SignOutEverywhere};
use crate::domain::AppError;
use sha2::{Digest, Sha256};
use sqlx::Row;

/// The stored key of the session id `id` (the cookie's value). SHA-256 suffices: the id is 128
/// random bits, so there is nothing to guess that a slow hash would protect.
pub fn key(id: &str) -> String {
    hex::encode(Sha256::digest(format!("keyhaven session {id}").as_bytes()))
}

/// One stored session: its data as JSON, the account it signs in (so all of an account's sessions
/// can be ended at once), and when it expires (Unix seconds).
pub struct Stored<'a> {
    pub key: &'a str,
    pub user_id: Option<&'a str>,
    pub data: &'a str,
    pub expires_at: i64,
}

/// Stores a session. A new one (`replace = false`) never overwrites another's row: `false` when
/// its key is taken (the caller draws another id). A saved one replaces its own row.
pub async fn write(db: &Db, s: &Stored<'_>, replace: bool) -> Result<bool, AppError> {
    let on_conflict = if replace {
        "DO UPDATE SET user_id = excluded.user_id, data = excluded.data, expires_at = excluded.expires_at"
    } else {
        "DO NOTHING"
    };
    let done = sqlx::query(&format!(
        "INSERT INTO user_sessions (key, user_id, data, expires_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (key) {on_conflict}"
    ))
    .bind(s.key)
    .bind(s.user_id)
    .bind(s.data)
    .bind(s.expires_at)
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The data and expiry of a session that has not expired at `now` (Unix seconds).
pub async fn load(db: &Db, key: &str, now: i64) -> Result<Option<(String, i64)>, AppError> {
    let row = sqlx::query(
        "SELECT data, expires_at FROM user_sessions WHERE key = $1 AND expires_at > $2",
    )
    .bind(key)
    .bind(now)
    .fetch_optional(db.pool())
    .await?;
    Ok(match row {
        Some(r) => Some((r.try_get("data")?, r.try_get("expires_at")?)),
        None => None,
    })
}

pub async fn delete(db: &Db, key: &str) -> Result<(), AppError> {
    sqlx::query("DELETE FROM user_sessions WHERE key = $1")
        .bind(key)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Deletes every session that expired before `now` (Unix seconds). A system task.
pub async fn delete_expired(db: &Db, now: i64) -> Result<u64, AppError> {
    let done = sqlx::query("DELETE FROM user_sessions WHERE expires_at <= $1")
        .bind(now)
        .execute(db.pool())
        .await?;
    Ok(done.rows_affected())
}

/// Ends every session of an account. The security stamp already refuses them; deleting them also
/// tidies the table at once.
pub async fn delete_for_user(
    db: &Db,
    access: &AccountAccess<SignOutEverywhere>,
) -> Result<u64, AppError> {
    let done = sqlx::query("DELETE FROM user_sessions WHERE user_id = $1")
        .bind(access.target().as_str())
        .execute(db.pool())
        .await?;
    Ok(done.rows_affected())
}
