//! Account key material: made at registration, opened at unlock, re-wrapped at a password change.

use super::kdf::{auth_hash, stretch};
use super::{b64, unb64, CryptoError, EncString, KdfParams, SymmetricKey};
use crypto_box::SecretKey;
use std::fmt;

const USER_KEY_PURPOSE: &str = "keyhaven:user-key";
const PRIVATE_KEY_PURPOSE: &str = "keyhaven:private-key";

/// What registration sends to the server. Nothing here reveals the password or a usable key.
#[derive(Clone, Debug)]
pub struct NewAccount {
    pub auth_hash: String,
    pub protected_user_key: String,
    pub public_key: String,
    pub protected_private_key: String,
}

/// Keys of an unlocked vault. They live only in the tab's memory and are wiped on drop.
#[derive(Clone)]
pub struct UnlockedKeys {
    pub user_key: SymmetricKey,
    pub private_key: SecretKey,
}

impl fmt::Debug for UnlockedKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("UnlockedKeys(..)")
    }
}

/// The password-derived pieces of one login attempt.
pub struct Derived {
    pub auth_hash: String,
    wrapping_key: SymmetricKey,
}

impl Derived {
    /// Native callers (tests, the benchmark seeder). Browser code derives through
    /// `ui::auth::derive`, which keeps Argon2 in its own lazy part; this reaches both KDFs.
    pub fn new(
        password: &str,
        email_normalized: &str,
        kdf: &KdfParams,
    ) -> Result<Self, CryptoError> {
        Ok(Self::from_master_key(
            &kdf.master_key(password, email_normalized)?,
            password,
        ))
    }

    /// The same from a master key the caller derived itself (the browser derives Argon2id keys in
    /// a lazy part).
    pub fn from_master_key(master_key: &SymmetricKey, password: &str) -> Self {
        Derived {
            auth_hash: b64(&auth_hash(master_key, password)),
            wrapping_key: stretch(master_key),
        }
    }

    /// Opens the protected keys; a wrong password fails here without asking the server.
    pub fn unlock(
        &self,
        protected_user_key: &str,
        protected_private_key: &str,
    ) -> Result<UnlockedKeys, CryptoError> {
        let user_key_bytes = self
            .wrapping_key
            .decrypt(&EncString::parse(protected_user_key)?, USER_KEY_PURPOSE)?;
        let user_key = SymmetricKey::from_slice(&user_key_bytes)?;
        let private_bytes = user_key.decrypt(
            &EncString::parse(protected_private_key)?,
            PRIVATE_KEY_PURPOSE,
        )?;
        let private_key =
            SecretKey::from_slice(&private_bytes).map_err(|_| CryptoError::Malformed)?;
        Ok(UnlockedKeys {
            user_key,
            private_key,
        })
    }

    /// Wraps an existing user key under this password (for a master password change).
    pub fn wrap_user_key(&self, user_key: &SymmetricKey) -> Result<String, CryptoError> {
        Ok(self
            .wrapping_key
            .encrypt(user_key.as_bytes(), USER_KEY_PURPOSE)?
            .to_string())
    }
}

/// Generates every key of a new account in the caller's process. For native callers, like
/// [`Derived::new`]; the browser uses [`new_account_from`].
pub fn new_account(
    password: &str,
    email_normalized: &str,
    kdf: &KdfParams,
) -> Result<(NewAccount, UnlockedKeys), CryptoError> {
    new_account_from(&Derived::new(password, email_normalized, kdf)?)
}

/// [`new_account`] from the password-derived pieces.
pub fn new_account_from(derived: &Derived) -> Result<(NewAccount, UnlockedKeys), CryptoError> {
    let user_key = SymmetricKey::generate()?;
    let private_key = SecretKey::from(super::random_bytes::<32>()?);
    let account = NewAccount {
        auth_hash: derived.auth_hash.clone(),
        protected_user_key: derived.wrap_user_key(&user_key)?,
        public_key: b64(private_key.public_key().as_bytes()),
        protected_private_key: user_key
            .encrypt(&private_key.to_bytes(), PRIVATE_KEY_PURPOSE)?
            .to_string(),
    };
    Ok((
        account,
        UnlockedKeys {
            user_key,
            private_key,
        },
    ))
}

/// Checks that submitted key material has the right shape, without any key: what a server can do.
pub fn check_shape(account: &NewAccount) -> Result<(), CryptoError> {
    if unb64(&account.auth_hash)?.len() != 32 || unb64(&account.public_key)?.len() != 32 {
        return Err(CryptoError::Malformed);
    }
    if EncString::parse(&account.protected_user_key)?.plaintext_len()? != 32
        || EncString::parse(&account.protected_private_key)?.plaintext_len()? != 32
    {
        return Err(CryptoError::Malformed);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The real default: tests run the same KDF users get.
    fn kdf() -> KdfParams {
        KdfParams::default()
    }

    #[test]
    fn register_unlock_and_rewrap() {
        let kdf = kdf();
        let (account, keys) = new_account("first password!", "ann@example.org", &kdf).unwrap();
        check_shape(&account).unwrap();
        assert!(!account.protected_user_key.contains("first password"));

        let derived = Derived::new("first password!", "ann@example.org", &kdf).unwrap();
        assert_eq!(derived.auth_hash, account.auth_hash);
        let opened = derived
            .unlock(&account.protected_user_key, &account.protected_private_key)
            .unwrap();
        assert_eq!(opened.user_key.as_bytes(), keys.user_key.as_bytes());
        assert_eq!(opened.private_key.to_bytes(), keys.private_key.to_bytes());

        let wrong = Derived::new("second password", "ann@example.org", &kdf).unwrap();
        assert_ne!(wrong.auth_hash, account.auth_hash);
        assert_eq!(
            wrong
                .unlock(&account.protected_user_key, &account.protected_private_key)
                .unwrap_err(),
            CryptoError::Decrypt
        );

        // Changing the password re-wraps the same user key; the private key stays as it was.
        let rewrapped = wrong.wrap_user_key(&keys.user_key).unwrap();
        let reopened = wrong
            .unlock(&rewrapped, &account.protected_private_key)
            .unwrap();
        assert_eq!(reopened.user_key.as_bytes(), keys.user_key.as_bytes());
        assert!(derived
            .unlock(&rewrapped, &account.protected_private_key)
            .is_err());
    }

    #[test]
    fn same_password_other_email_gives_other_keys() {
        let kdf = kdf();
        let a = Derived::new("same password here", "a@example.org", &kdf).unwrap();
        let b = Derived::new("same password here", "b@example.org", &kdf).unwrap();
        assert_ne!(a.auth_hash, b.auth_hash);
    }

    #[test]
    fn shape_check_refuses_garbage() {
        let (mut account, _) = new_account("pw pw pw pw pw", "c@example.org", &kdf()).unwrap();
        account.public_key = b64(&[1u8; 31]);
        assert_eq!(check_shape(&account).unwrap_err(), CryptoError::Malformed);
        account.public_key = "not base64 !".into();
        assert!(check_shape(&account).is_err());
    }
}
