//! Accounts: registration, login, sessions, profile and master password changes.

use super::codec::Json;
use crate::crypto::KdfParams;
use crate::domain::{AccountInfo, AppError, Lang, ProtectedKeys};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Everything the browser made at registration. Only the auth hash proves anything; the rest is
/// ciphertext or a public key.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RegisterRequest {
    pub email: String,
    pub name: String,
    pub hint: Option<String>,
    pub language: Lang,
    pub kdf: KdfParams,
    pub auth_hash: String,
    pub protected_user_key: String,
    pub public_key: String,
    pub protected_private_key: String,
    /// The token of the link mailed to `email`, where the instance verifies addresses first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verification: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LoginAnswer {
    pub account: AccountInfo,
    pub keys: ProtectedKeys,
}

/// The KDF settings to use for an email. An email without an account gets settings chosen by a
/// keyed hash of it, stable over time, so neither the answer nor its change tells whether an
/// account exists.
#[server(prefix = "/api", endpoint = "prelogin", input = Json, output = Json)]
pub async fn prelogin(email: String) -> Result<KdfParams, AppError> {
    ssr::answer(
        async move {
            let st = ssr::state()?;
            ssr::check_login_email(&email)?;
            let norm = crate::domain::validate::normalize_email(&email);
            // The decoy is computed whether or not it is used: both answers cost the same.
            let decoy = ssr::decoy_kdf(&st.prelogin_key, &norm);
            let kdf = crate::db::users::kdf_of(&st.db, &norm).await?;
            Ok(kdf.unwrap_or(decoy))
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "register", input = Json, output = Json)]
pub async fn register(req: RegisterRequest) -> Result<AccountInfo, AppError> {
    ssr::answer(async move { ssr::register(req).await }.await)
}

#[server(prefix = "/api", endpoint = "login", input = Json, output = Json)]
pub async fn login(email: String, auth_hash: String) -> Result<LoginAnswer, AppError> {
    ssr::answer(async move { ssr::login(email, auth_hash).await }.await)
}

#[server(prefix = "/api", endpoint = "logout", input = Json, output = Json)]
pub async fn logout() -> Result<(), AppError> {
    ssr::answer(
        async move {
            let session = ssr::session().await?;
            session.flush().await.map_err(AppError::internal)
        }
        .await,
    )
}

/// The signed-in account, or `None`.
#[server(prefix = "/api", endpoint = "whoami", input = Json, output = Json)]
pub async fn whoami() -> Result<Option<AccountInfo>, AppError> {
    use crate::domain::authz::{authorize_account, ReadAccount};
    ssr::answer(
        async move {
            let st = ssr::state()?;
            let Some(caller) = ssr::optional_caller(&st.db).await? else {
                return Ok(None);
            };
            authorize_account::<ReadAccount>(&caller.actor, &caller.user.id)?;
            Ok(Some(caller.user.info()))
        }
        .await,
    )
}

/// The caller's wrapped keys, to unlock the vault after a reload.
#[server(prefix = "/api", endpoint = "account_keys", input = Json, output = Json)]
pub async fn account_keys() -> Result<ProtectedKeys, AppError> {
    ssr::answer(
        async move {
            use crate::domain::authz::{authorize_account, ReadAccountKeys};
            let st = ssr::state()?;
            let caller = ssr::caller(&st.db).await?;
            authorize_account::<ReadAccountKeys>(&caller.actor, &caller.user.id)?;
            Ok(caller.user.protected_keys())
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "update_profile", input = Json, output = Json)]
pub async fn update_profile(name: String, language: Lang) -> Result<AccountInfo, AppError> {
    ssr::answer(async move { ssr::update_profile(Some(name), language).await }.await)
}

/// Remembers the language chosen in the header for the signed-in account.
#[server(prefix = "/api", endpoint = "set_language", input = Json, output = Json)]
pub async fn set_language(language: Lang) -> Result<AccountInfo, AppError> {
    ssr::answer(async move { ssr::update_profile(None, language).await }.await)
}

/// Ends every session of the caller's account, this one included.
#[server(prefix = "/api", endpoint = "sign_out_everywhere", input = Json, output = Json)]
pub async fn sign_out_everywhere() -> Result<(), AppError> {
    ssr::answer(async move { ssr::sign_out_everywhere().await }.await)
}

#[server(prefix = "/api", endpoint = "change_master_password", input = Json, output = Json)]
pub async fn change_master_password(
    current_auth_hash: String,
    new_auth_hash: String,
    new_protected_user_key: String,
) -> Result<(), AppError> {
    ssr::answer(
        async move {
            ssr::change_master_password(current_auth_hash, new_auth_hash, new_protected_user_key)
                .await
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::{LoginAnswer, RegisterRequest};
    pub use crate::api::context::*;
    use crate::api::throttle::{self, admit, Admitted, Check};
    use crate::crypto::{account, unb64, EncString};
    use crate::db::throttle::Scope;
    use crate::db::{now_ms, users, verifications, Db};
    use crate::domain::authz::{
        authorize_account, ChangeMasterPassword, SignOutEverywhere, UpdateProfile,
    };
    use crate::domain::throttle::{address_subject, pair_subject, Policy};
    use crate::domain::validate::{self, collect};
    use crate::domain::{AccountInfo, AppError, Field, Lang, Problem};
    use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
    use argon2::Argon2;
    use std::sync::OnceLock;

    /// Argon2id with the crate's defaults (19 MiB, 2 passes): the server-side hash of the auth hash.
    fn hash_auth(auth_hash: Vec<u8>) -> Result<String, AppError> {
        let mut salt = [0u8; 16];
        getrandom::getrandom(&mut salt).map_err(AppError::internal)?;
        let salt = SaltString::encode_b64(&salt).map_err(AppError::internal)?;
        Argon2::default()
            .hash_password(&auth_hash, &salt)
            .map(|h| h.to_string())
            .map_err(AppError::internal)
    }

    /// Constant-time comparison inside `verify_password`.
    fn verify_auth(auth_hash: &[u8], stored: &str) -> bool {
        PasswordHash::new(stored)
            .is_ok_and(|h| Argon2::default().verify_password(auth_hash, &h).is_ok())
    }

    /// Runs one Argon2 hash or check off the async threads, no more at once than there are cores:
    /// each takes 19 MiB, so hundreds of parallel logins would otherwise take gigabytes. Callers
    /// beyond that wait their turn, holding nearly nothing.
    async fn argon2<T: Send + 'static>(
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AppError> {
        static SLOTS: OnceLock<tokio::sync::Semaphore> = OnceLock::new();
        let slots = SLOTS.get_or_init(|| {
            let cores = std::thread::available_parallelism().map_or(2, usize::from);
            tokio::sync::Semaphore::new(cores.max(2))
        });
        let _slot = slots.acquire().await.map_err(AppError::internal)?;
        blocking(f).await
    }

    /// A hash to verify against when the email is unknown, so both cases take the same time.
    fn decoy_hash() -> &'static str {
        static DECOY: OnceLock<String> = OnceLock::new();
        DECOY.get_or_init(|| hash_auth(vec![0u8; 32]).unwrap_or_default())
    }

    /// `prelogin`'s answer for an email without an account.
    pub fn decoy_kdf(key: &[u8; 32], email_normalized: &str) -> crate::crypto::KdfParams {
        use hmac::{Hmac, Mac};
        let mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(key).map(|m| {
            m.chain_update(email_normalized.as_bytes())
                .finalize()
                .into_bytes()
        });
        crate::crypto::KdfParams::decoy(mac.map_or(255, |m| m[0]))
    }

    /// A well-formed auth hash is 32 bytes in base64.
    fn decode_auth_hash(text: &str) -> Option<Vec<u8>> {
        unb64(text).ok().filter(|b| b.len() == 32)
    }

    pub async fn register(req: RegisterRequest) -> Result<AccountInfo, AppError> {
        let st = state()?;
        let hint = req.hint.as_deref().map(str::trim).filter(|h| !h.is_empty());
        collect([
            (Field::Email, validate::email_problem(&req.email)),
            (Field::Name, validate::name_problem(&req.name)),
            (Field::Hint, hint.and_then(validate::hint_problem)),
            (
                Field::Kdf,
                req.kdf.validate().err().map(|_| Problem::OutOfRange),
            ),
        ])?;
        let material = account::NewAccount {
            auth_hash: req.auth_hash.clone(),
            protected_user_key: req.protected_user_key.clone(),
            public_key: req.public_key.clone(),
            protected_private_key: req.protected_private_key.clone(),
        };
        account::check_shape(&material)
            .map_err(|_| AppError::field(Field::KeyMaterial, Problem::Invalid))?;
        let addr = address_subject(&client_addr(st.trust_proxy).await);
        let policy = Policy {
            lock_after: st.registrations_per_hour,
            ..Policy::REGISTER
        };
        admit(&st.db, &[Check::new(Scope::Register, &addr, policy)]).await?;
        let email_normalized = validate::normalize_email(&req.email);
        // Where addresses are verified first, only the holder of a link learns that the address
        // is taken (from the unique constraint below): nobody else is told anything about it.
        if !st.require_email_verification
            && users::find_by_email(&st.db, &email_normalized)
                .await?
                .is_some()
        {
            return Err(AppError::field(Field::Email, Problem::Taken));
        }
        let auth_bytes = decode_auth_hash(&req.auth_hash)
            .ok_or_else(|| AppError::field(Field::KeyMaterial, Problem::Invalid))?;
        let stored_hash = argon2(move || hash_auth(auth_bytes)).await??;
        let stamp = crate::db::new_id();
        let mut tx = st.db.begin_write().await?;
        if st.require_email_verification {
            let token = req.verification.as_deref().unwrap_or_default();
            if !verifications::consume(&mut tx, token, &email_normalized).await? {
                return Err(AppError::field(Field::VerificationLink, Problem::Invalid));
            }
        }
        // The unique constraint still decides a race between two registrations of one email.
        let id = users::insert(
            &mut tx,
            users::NewUser {
                email: req.email.trim(),
                email_normalized: &email_normalized,
                name: req.name.trim(),
                hint,
                language: req.language,
                kdf: req.kdf,
                auth_hash_argon2: &stored_hash,
                protected_user_key: &req.protected_user_key,
                public_key: &req.public_key,
                protected_private_key: &req.protected_private_key,
                security_stamp: &stamp,
            },
        )
        .await?;
        tx.commit().await?;
        let user = users::find_by_id(&st.db, &id)
            .await?
            .ok_or_else(|| AppError::internal("user vanished"))?;
        sign_in(&session().await?, &user).await?;
        tracing::info!(user = %user.id, "account created");
        Ok(user.info())
    }

    /// Counts one login attempt for `account` from `addr` in its three scopes (see
    /// `domain::throttle`), before the password is checked.
    async fn admit_login(db: &Db, account: &str, addr: &str) -> Result<Admitted, AppError> {
        let pair = pair_subject(account, addr);
        admit(
            db,
            &[
                Check::new(Scope::Pair, &pair, Policy::PAIR),
                Check::new(Scope::Account, account, Policy::ACCOUNT),
                Check::new(Scope::Address, addr, Policy::ADDRESS),
            ],
        )
        .await
    }

    /// The password was right: the account's failures are forgotten, and the address gets back the
    /// attempt counted in advance plus this person's earlier mistakes on this account (an office
    /// behind one address may log in, and mistype, all day).
    async fn login_succeeded(
        db: &Db,
        account: &str,
        addr: &str,
        admitted: &Admitted,
    ) -> Result<(), AppError> {
        let now = now_ms();
        let pair_before = admitted
            .before
            .first()
            .map_or(0, |c| c.live(Policy::PAIR, now));
        throttle::clear(db, Scope::Pair, &pair_subject(account, addr)).await?;
        throttle::clear(db, Scope::Account, account).await?;
        throttle::forgive(
            db,
            Check::new(Scope::Address, addr, Policy::ADDRESS),
            pair_before.saturating_add(1),
        )
        .await
    }

    /// The password was wrong: the attempt stays counted.
    fn attempt_failed(
        admitted: Admitted,
        account: &str,
        addr: &str,
        otherwise: AppError,
    ) -> AppError {
        tracing::warn!(account, addr, "failed login");
        admitted.lock.unwrap_or(otherwise)
    }

    /// Before login, an email is only looked up; still, it must be one that could have an
    /// account, so that no text of any length or content reaches the throttle's table or a query.
    pub fn check_login_email(email: &str) -> Result<(), AppError> {
        collect([(Field::Email, validate::email_problem(email))])
    }

    pub async fn login(email: String, auth_hash: String) -> Result<LoginAnswer, AppError> {
        let st = state()?;
        check_login_email(&email)?;
        let norm = validate::normalize_email(&email);
        let addr = address_subject(&client_addr(st.trust_proxy).await);
        let admitted = admit_login(&st.db, &norm, &addr).await?;
        let user = users::find_by_email(&st.db, &norm).await?;
        let stored = user
            .as_ref()
            .map_or_else(|| decoy_hash().to_owned(), |u| u.auth_hash_argon2.clone());
        let presented = decode_auth_hash(&auth_hash).unwrap_or_default();
        let ok = argon2(move || verify_auth(&presented, &stored)).await?;
        match user {
            Some(user) if ok => {
                login_succeeded(&st.db, &norm, &addr, &admitted).await?;
                sign_in(&session().await?, &user).await?;
                Ok(LoginAnswer {
                    account: user.info(),
                    keys: user.protected_keys(),
                })
            }
            _ => Err(attempt_failed(
                admitted,
                &norm,
                &addr,
                AppError::InvalidCredentials,
            )),
        }
    }

    pub async fn update_profile(
        name: Option<String>,
        language: Lang,
    ) -> Result<AccountInfo, AppError> {
        let st = state()?;
        let caller = caller(&st.db).await?;
        let access = authorize_account::<UpdateProfile>(&caller.actor, &caller.user.id)?;
        let name = name.unwrap_or_else(|| caller.user.name.clone());
        collect([(Field::Name, validate::name_problem(&name))])?;
        users::update_profile(&st.db, &access, name.trim(), language).await?;
        let mut info = caller.user.info();
        info.name = name.trim().to_owned();
        info.language = language;
        Ok(info)
    }

    pub async fn sign_out_everywhere() -> Result<(), AppError> {
        let st = state()?;
        let caller = caller(&st.db).await?;
        let access = authorize_account::<SignOutEverywhere>(&caller.actor, &caller.user.id)?;
        users::set_stamp(&st.db, &access, &crate::db::new_id()).await?;
        crate::db::sessions::delete_for_user(&st.db, &access).await?;
        caller.session.flush().await.map_err(AppError::internal)?;
        tracing::info!(user = %caller.user.id, "signed out everywhere");
        Ok(())
    }

    pub async fn change_master_password(
        current_auth_hash: String,
        new_auth_hash: String,
        new_protected_user_key: String,
    ) -> Result<(), AppError> {
        let st = state()?;
        let caller = caller(&st.db).await?;
        let access = authorize_account::<ChangeMasterPassword>(&caller.actor, &caller.user.id)?;
        let new_bytes = decode_auth_hash(&new_auth_hash)
            .ok_or_else(|| AppError::field(Field::KeyMaterial, Problem::Invalid))?;
        let wrapped_ok = EncString::parse(&new_protected_user_key)
            .and_then(|e| e.plaintext_len())
            .is_ok_and(|len| len == 32);
        if !wrapped_ok {
            return Err(AppError::field(Field::KeyMaterial, Problem::Invalid));
        }
        // A stolen session must not become a way to guess the password, so the session's own
        // guesses are throttled; login guesses made elsewhere never block it.
        let session_key = caller.session_key();
        let check = Check::new(Scope::Session, &session_key, Policy::SESSION);
        let admitted = admit(&st.db, &[check]).await?;
        let presented = decode_auth_hash(&current_auth_hash).unwrap_or_default();
        let stored = caller.user.auth_hash_argon2.clone();
        if !argon2(move || verify_auth(&presented, &stored)).await? {
            tracing::warn!(user = %caller.user.id, "wrong current master password");
            return Err(admitted
                .lock
                .unwrap_or(AppError::field(Field::MasterPassword, Problem::Invalid)));
        }
        throttle::clear(&st.db, Scope::Session, &session_key).await?;
        // The browser derives the new auth hash with the account's KDF and salt, so the same
        // password gives the same hash. The current one has just matched the stored verifier:
        // equal to it, the new one would match too. Refused, since it would change nothing but
        // log every other session out.
        if decode_auth_hash(&current_auth_hash).is_some_and(|current| current == new_bytes) {
            return Err(AppError::field(
                Field::NewMasterPassword,
                Problem::Unchanged,
            ));
        }
        let new_hash = argon2(move || hash_auth(new_bytes)).await??;
        let stamp = crate::db::new_id();
        let changed = users::change_password(
            &st.db,
            &access,
            &caller.user.auth_hash_argon2,
            &new_hash,
            &new_protected_user_key,
            &stamp,
        )
        .await?;
        if !changed {
            // Someone changed it between our read and write; the current password is stale.
            return Err(AppError::field(Field::MasterPassword, Problem::Invalid));
        }
        // This session carries the new stamp under a new id (whoever copied the old id holds
        // nothing); every other session now fails the stamp check.
        caller
            .session
            .cycle_id()
            .await
            .map_err(AppError::internal)?;
        caller
            .session
            .insert(SESSION_STAMP, &stamp)
            .await
            .map_err(AppError::internal)?;
        tracing::info!(user = %caller.user.id, "master password changed");
        Ok(())
    }
}
