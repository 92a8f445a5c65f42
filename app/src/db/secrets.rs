//! Secrets of the instance: random values made once, at first start, and shared through the
//! database by every server process (so their answers agree, and survive restarts).

use super::Db;
use crate::domain::AppError;
use sqlx::Row;

/// The 32-byte secret `name`, made now if this instance has none yet. Two processes starting at
/// once agree: the first insert wins and both read it back.
pub async fn get_or_make(db: &Db, name: &str) -> Result<[u8; 32], AppError> {
    let mut fresh = [0u8; 32];
    getrandom::getrandom(&mut fresh).map_err(AppError::internal)?;
    sqlx::query(
        "INSERT INTO instance_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
    )
    .bind(name)
    .bind(hex::encode(fresh))
    .execute(db.pool())
    .await?;
    let row = sqlx::query("SELECT value FROM instance_secrets WHERE name = $1")
        .bind(name)
        .fetch_one(db.pool())
        .await?;
    let text: String = row.try_get("value")?;
    let mut out = [0u8; 32];
    hex::decode_to_slice(text, &mut out).map_err(AppError::internal)?;
    Ok(out)
}
