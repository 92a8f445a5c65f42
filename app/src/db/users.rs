//! The `users` aggregate.

use super::{new_id, now_ms, Db};
use crate::crypto::KdfParams;
use crate::domain::authz::{AccountAccess, ChangeMasterPassword, SignOutEverywhere, UpdateProfile};
use crate::domain::{AccountInfo, AppError, Lang, ProtectedKeys, UserId};
use sqlx::{Any, Row, Transaction};

/// A user as stored, minus nothing: server code only.
#[derive(Clone, Debug)]
pub struct UserRow {
    pub id: UserId,
    pub email: String,
    pub email_normalized: String,
    pub name: String,
    pub language: Lang,
    pub kdf: KdfParams,
    pub auth_hash_argon2: String,
    pub protected_user_key: String,
    pub public_key: String,
    pub protected_private_key: String,
    pub security_stamp: String,
    pub is_operator: bool,
}

impl UserRow {
    /// Whether a session that carries `stamp` still signs this account in (the stamp changes with
    /// the master password and with "sign out everywhere").
    pub fn holds(&self, stamp: Option<&str>) -> bool {
        stamp == Some(self.security_stamp.as_str())
    }

    pub fn info(&self) -> AccountInfo {
        AccountInfo {
            id: self.id.clone(),
            email: self.email.clone(),
            name: self.name.clone(),
            language: self.language,
            is_operator: self.is_operator,
        }
    }

    pub fn protected_keys(&self) -> ProtectedKeys {
        ProtectedKeys {
            email_normalized: self.email_normalized.clone(),
            kdf: self.kdf,
            protected_user_key: self.protected_user_key.clone(),
            public_key: self.public_key.clone(),
            protected_private_key: self.protected_private_key.clone(),
        }
    }
}

pub struct NewUser<'a> {
    pub email: &'a str,
    pub email_normalized: &'a str,
    pub name: &'a str,
    pub hint: Option<&'a str>,
    pub language: Lang,
    pub kdf: KdfParams,
    pub auth_hash_argon2: &'a str,
    pub protected_user_key: &'a str,
    pub public_key: &'a str,
    pub protected_private_key: &'a str,
    pub security_stamp: &'a str,
}

const COLUMNS: &str = "id, email, email_normalized, name, language, kdf_kind, kdf_iterations, \
    kdf_memory_kib, kdf_parallelism, auth_hash_argon2, protected_user_key, public_key, \
    protected_private_key, security_stamp, is_operator";

fn kdf_columns(kdf: KdfParams) -> (&'static str, i64, Option<i64>, Option<i64>) {
    match kdf {
        KdfParams::Pbkdf2 { iterations } => ("pbkdf2", i64::from(iterations), None, None),
        KdfParams::Argon2id {
            memory_kib,
            iterations,
            parallelism,
        } => (
            "argon2id",
            i64::from(iterations),
            Some(i64::from(memory_kib)),
            Some(i64::from(parallelism)),
        ),
    }
}

fn kdf_from_row(row: &sqlx::any::AnyRow) -> Result<KdfParams, AppError> {
    let small = |v: i64| u32::try_from(v).map_err(AppError::internal);
    let kind: String = row.try_get("kdf_kind")?;
    let iterations = small(row.try_get("kdf_iterations")?)?;
    let kdf = match kind.as_str() {
        "pbkdf2" => KdfParams::Pbkdf2 { iterations },
        "argon2id" => KdfParams::Argon2id {
            iterations,
            memory_kib: small(
                row.try_get::<Option<i64>, _>("kdf_memory_kib")?
                    .unwrap_or_default(),
            )?,
            parallelism: small(
                row.try_get::<Option<i64>, _>("kdf_parallelism")?
                    .unwrap_or_default(),
            )?,
        },
        other => return Err(AppError::internal(format!("unknown kdf kind {other}"))),
    };
    Ok(kdf)
}

fn from_row(row: &sqlx::any::AnyRow) -> Result<UserRow, AppError> {
    let kdf = kdf_from_row(row)?;
    let language: String = row.try_get("language")?;
    Ok(UserRow {
        id: UserId::from_stored(row.try_get("id")?),
        email: row.try_get("email")?,
        email_normalized: row.try_get("email_normalized")?,
        name: row.try_get("name")?,
        language: Lang::from_code(&language).unwrap_or_default(),
        kdf,
        auth_hash_argon2: row.try_get("auth_hash_argon2")?,
        protected_user_key: row.try_get("protected_user_key")?,
        public_key: row.try_get("public_key")?,
        protected_private_key: row.try_get("protected_private_key")?,
        security_stamp: row.try_get("security_stamp")?,
        is_operator: row.try_get::<i64, _>("is_operator")? != 0,
    })
}

pub async fn insert(tx: &mut Transaction<'_, Any>, user: NewUser<'_>) -> Result<UserId, AppError> {
    let id = new_id();
    let now = now_ms();
    let (kind, iterations, memory, parallelism) = kdf_columns(user.kdf);
    sqlx::query(
        "INSERT INTO users (id, email, email_normalized, name, hint, language, kdf_kind, kdf_iterations, \
         kdf_memory_kib, kdf_parallelism, auth_hash_argon2, protected_user_key, public_key, \
         protected_private_key, security_stamp, is_operator, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 0, $16, $16)",
    )
    .bind(&id)
    .bind(user.email)
    .bind(user.email_normalized)
    .bind(user.name)
    .bind(user.hint)
    .bind(user.language.code())
    .bind(kind)
    .bind(iterations)
    .bind(memory)
    .bind(parallelism)
    .bind(user.auth_hash_argon2)
    .bind(user.protected_user_key)
    .bind(user.public_key)
    .bind(user.protected_private_key)
    .bind(user.security_stamp)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(UserId::from_stored(id))
}

/// The KDF settings of the account with this email, if there is one: the same small read either
/// way, so `prelogin`'s timing says little about the answer.
pub async fn kdf_of(db: &Db, email_normalized: &str) -> Result<Option<KdfParams>, AppError> {
    let row = sqlx::query(
        "SELECT kdf_kind, kdf_iterations, kdf_memory_kib, kdf_parallelism FROM users WHERE email_normalized = $1",
    )
    .bind(email_normalized)
    .fetch_optional(db.pool())
    .await?;
    row.as_ref().map(kdf_from_row).transpose()
}

pub async fn find_by_email(db: &Db, email_normalized: &str) -> Result<Option<UserRow>, AppError> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM users WHERE email_normalized = $1"
    ))
    .bind(email_normalized)
    .fetch_optional(db.pool())
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// Who to mail a master password hint to, in which language, and the hint (if the account has
/// one).
pub async fn hint_of(
    db: &Db,
    email_normalized: &str,
) -> Result<Option<(String, Lang, Option<String>)>, AppError> {
    let row = sqlx::query("SELECT email, language, hint FROM users WHERE email_normalized = $1")
        .bind(email_normalized)
        .fetch_optional(db.pool())
        .await?;
    let Some(row) = row else { return Ok(None) };
    let language: String = row.try_get("language")?;
    Ok(Some((
        row.try_get("email")?,
        Lang::from_code(&language).unwrap_or_default(),
        row.try_get("hint")?,
    )))
}

/// Loads the account behind a session. Not a guarded read: it is how the actor itself is found.
pub async fn find_by_id(db: &Db, id: &UserId) -> Result<Option<UserRow>, AppError> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM users WHERE id = $1"))
        .bind(id.as_str())
        .fetch_optional(db.pool())
        .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn update_profile(
    db: &Db,
    access: &AccountAccess<UpdateProfile>,
    name: &str,
    language: Lang,
) -> Result<(), AppError> {
    sqlx::query("UPDATE users SET name = $1, language = $2, updated_at = $3 WHERE id = $4")
        .bind(name)
        .bind(language.code())
        .bind(now_ms())
        .bind(access.target().as_str())
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Replaces the password-derived material and the security stamp, which ends every session that
/// still carries the old stamp. Only succeeds if the stored hash is still `expected_hash`, so two
/// concurrent changes cannot both win.
pub async fn change_password(
    db: &Db,
    access: &AccountAccess<ChangeMasterPassword>,
    expected_hash: &str,
    new_hash: &str,
    new_protected_user_key: &str,
    new_stamp: &str,
) -> Result<bool, AppError> {
    let done = sqlx::query(
        "UPDATE users SET auth_hash_argon2 = $1, protected_user_key = $2, security_stamp = $3, updated_at = $4 \
         WHERE id = $5 AND auth_hash_argon2 = $6",
    )
    .bind(new_hash)
    .bind(new_protected_user_key)
    .bind(new_stamp)
    .bind(now_ms())
    .bind(access.target().as_str())
    .bind(expected_hash)
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Gives the account a new security stamp: every session that carries the old one ends.
pub async fn set_stamp(
    db: &Db,
    access: &AccountAccess<SignOutEverywhere>,
    new_stamp: &str,
) -> Result<(), AppError> {
    sqlx::query("UPDATE users SET security_stamp = $1, updated_at = $2 WHERE id = $3")
        .bind(new_stamp)
        .bind(now_ms())
        .bind(access.target().as_str())
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Grants or revokes the operator flag (command line only). Returns false if no such account.
pub async fn set_operator(
    db: &Db,
    email_normalized: &str,
    operator: bool,
) -> Result<bool, AppError> {
    let done = sqlx::query(
        "UPDATE users SET is_operator = $1, updated_at = $2 WHERE email_normalized = $3",
    )
    .bind(i64::from(operator))
    .bind(now_ms())
    .bind(email_normalized)
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}
