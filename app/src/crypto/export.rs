//! Password-protected exports: the plain export's JSON, encrypted under a key derived from a
//! password the person chooses (not the master password), so the file can be kept or moved
//! without the account.

use super::kdf::stretch;
use super::{b64, random_bytes, unb64, CryptoError, EncString, KdfParams};
use serde::{Deserialize, Serialize};

const PURPOSE: &str = "keyhaven:export";
pub const FORMAT: &str = "keyhaven";
pub const VERSION: u32 = 1;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProtectedExport {
    pub format: String,
    pub version: u32,
    pub encrypted: bool,
    pub kdf: KdfParams,
    /// Random, base64; the KDF's salt.
    pub salt: String,
    /// `EncString` of the plain export's JSON.
    pub data: String,
}

pub fn protect(json: &[u8], password: &str) -> Result<ProtectedExport, CryptoError> {
    let kdf = KdfParams::default();
    let salt = b64(&random_bytes::<16>()?);
    let key = stretch(&kdf.pbkdf2_master_key(password, &salt)?);
    Ok(ProtectedExport {
        format: FORMAT.into(),
        version: VERSION,
        encrypted: true,
        kdf,
        salt,
        data: key.encrypt(json, PURPOSE)?.to_string(),
    })
}

/// The plain JSON inside; `Decrypt` for a wrong password or a damaged file. Keyhaven writes these
/// files with PBKDF2 only, so other KDF settings are refused (`KdfParams`), which also keeps Argon2
/// out of the import pane's WASM.
pub fn unprotect(export: &ProtectedExport, password: &str) -> Result<Vec<u8>, CryptoError> {
    if unb64(&export.salt)?.len() < 16 {
        return Err(CryptoError::Malformed);
    }
    let key = stretch(&export.kdf.pbkdf2_master_key(password, &export.salt)?);
    Ok(key
        .decrypt(&EncString::parse(&export.data)?, PURPOSE)?
        .to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_wrong_password() {
        let sealed = protect(b"{\"items\":[]}", "correct horse").unwrap();
        assert!(!sealed.data.contains("items"));
        assert_eq!(
            unprotect(&sealed, "correct horse").unwrap(),
            b"{\"items\":[]}"
        );
        assert_eq!(unprotect(&sealed, "wrong horse"), Err(CryptoError::Decrypt));
        let weak = ProtectedExport {
            kdf: KdfParams::Pbkdf2 { iterations: 1 },
            ..sealed.clone()
        };
        assert_eq!(
            unprotect(&weak, "correct horse"),
            Err(CryptoError::KdfParams)
        );
        let argon2 = ProtectedExport {
            kdf: KdfParams::argon2id_default(),
            ..sealed
        };
        assert_eq!(
            unprotect(&argon2, "correct horse"),
            Err(CryptoError::KdfParams)
        );
    }
}
