//! Links mailed to verify an address before an account is created. A link's token is stored only
//! as a hash, and works once, until it expires.

use super::{now_ms, Db};
use crate::domain::{AppError, Millis};
use sha2::{Digest, Sha256};
use sqlx::{Any, Transaction};

pub const LINK_LIFETIME_MS: Millis = 24 * 60 * 60 * 1000;

fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(
        format!("keyhaven verification {token}").as_bytes(),
    ))
}

/// Makes a link for `email_normalized` and returns its token.
pub async fn create(db: &Db, email_normalized: &str) -> Result<String, AppError> {
    let mut raw = [0u8; 32];
    getrandom::getrandom(&mut raw).map_err(AppError::internal)?;
    let token = hex::encode(raw);
    let now = now_ms();
    sqlx::query("DELETE FROM email_verifications WHERE expires_at <= $1")
        .bind(now)
        .execute(db.pool())
        .await?;
    sqlx::query(
        "INSERT INTO email_verifications (token_hash, email_normalized, expires_at) VALUES ($1, $2, $3)",
    )
    .bind(hash(&token))
    .bind(email_normalized)
    .bind(now + LINK_LIFETIME_MS)
    .execute(db.pool())
    .await?;
    Ok(token)
}

/// Whether the link `token` is live and made for `email_normalized` (the sign-up page asks before
/// it shows the form). The token is 256 random bits: there is nothing to find by asking.
pub async fn is_live(db: &Db, token: &str, email_normalized: &str) -> Result<bool, AppError> {
    let row = sqlx::query(
        "SELECT token_hash FROM email_verifications WHERE token_hash = $1 AND email_normalized = $2 AND expires_at > $3",
    )
    .bind(hash(token))
    .bind(email_normalized)
    .bind(now_ms())
    .fetch_optional(db.pool())
    .await?;
    Ok(row.is_some())
}

/// Uses up the link `token` if it is live and made for `email_normalized`; `false` otherwise.
/// Inside the transaction that creates the account, so a refused registration keeps the link.
pub async fn consume(
    tx: &mut Transaction<'_, Any>,
    token: &str,
    email_normalized: &str,
) -> Result<bool, AppError> {
    let done = sqlx::query(
        "DELETE FROM email_verifications WHERE token_hash = $1 AND email_normalized = $2 AND expires_at > $3",
    )
    .bind(hash(token))
    .bind(email_normalized)
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Deletes the links that expired. A system task.
pub async fn purge_expired(db: &Db, now: Millis) -> Result<u64, AppError> {
    let done = sqlx::query("DELETE FROM email_verifications WHERE expires_at <= $1")
        .bind(now)
        .execute(db.pool())
        .await?;
    Ok(done.rows_affected())
}
