//! Master key derivation. The salt is the normalized email, so the same password gives different
//! keys for different accounts without a salt the server must hand out.

use super::{CryptoError, SymmetricKey};
use hkdf::Hkdf;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

pub const PBKDF2_DEFAULT_ITERATIONS: u32 = 600_000;
pub const PBKDF2_MIN_ITERATIONS: u32 = 600_000;
pub const PBKDF2_MAX_ITERATIONS: u32 = 5_000_000;
pub const ARGON2_DEFAULT_MEMORY_KIB: u32 = 64 * 1024;
pub const ARGON2_DEFAULT_ITERATIONS: u32 = 3;
pub const ARGON2_DEFAULT_PARALLELISM: u32 = 4;

/// How a master key is derived; stored per account and returned before login.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "WireKdf", try_from = "WireKdf")]
pub enum KdfParams {
    Pbkdf2 {
        iterations: u32,
    },
    Argon2id {
        memory_kib: u32,
        iterations: u32,
        parallelism: u32,
    },
}

/// The JSON form, `{"kind":"pbkdf2","iterations":600000}` or `{"kind":"argon2id",
/// "memory_kib":65536,"iterations":3,"parallelism":4}`, as a flat struct: serde's tagged enums
/// decode through a buffer whose code the browser would otherwise carry for this type alone.
#[derive(Serialize, Deserialize)]
struct WireKdf {
    kind: KdfKind,
    iterations: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    memory_kib: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    parallelism: Option<u32>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum KdfKind {
    Pbkdf2,
    Argon2id,
}

impl From<KdfParams> for WireKdf {
    fn from(p: KdfParams) -> Self {
        match p {
            KdfParams::Pbkdf2 { iterations } => WireKdf {
                kind: KdfKind::Pbkdf2,
                iterations,
                memory_kib: None,
                parallelism: None,
            },
            KdfParams::Argon2id {
                memory_kib,
                iterations,
                parallelism,
            } => WireKdf {
                kind: KdfKind::Argon2id,
                iterations,
                memory_kib: Some(memory_kib),
                parallelism: Some(parallelism),
            },
        }
    }
}

impl TryFrom<WireKdf> for KdfParams {
    type Error = &'static str;

    fn try_from(w: WireKdf) -> Result<Self, Self::Error> {
        match (w.kind, w.memory_kib, w.parallelism) {
            (KdfKind::Pbkdf2, None, None) => Ok(KdfParams::Pbkdf2 {
                iterations: w.iterations,
            }),
            (KdfKind::Argon2id, Some(memory_kib), Some(parallelism)) => Ok(KdfParams::Argon2id {
                memory_kib,
                iterations: w.iterations,
                parallelism,
            }),
            _ => Err("KDF parameters do not match their kind"),
        }
    }
}

impl Default for KdfParams {
    fn default() -> Self {
        KdfParams::Pbkdf2 {
            iterations: PBKDF2_DEFAULT_ITERATIONS,
        }
    }
}

impl KdfParams {
    /// The settings `prelogin` gives an email without an account, from a byte that a keyed hash of
    /// the email chose: one of the settings registration offers, in roughly the proportions
    /// people pick them, and the same for that email every time.
    pub fn decoy(seed: u8) -> Self {
        if seed < 64 {
            Self::argon2id_default()
        } else {
            Self::default()
        }
    }

    pub fn argon2id_default() -> Self {
        KdfParams::Argon2id {
            memory_kib: ARGON2_DEFAULT_MEMORY_KIB,
            iterations: ARGON2_DEFAULT_ITERATIONS,
            parallelism: ARGON2_DEFAULT_PARALLELISM,
        }
    }

    /// Bounds the server accepts: strong enough to matter, small enough that a hostile value
    /// cannot freeze a browser tab.
    pub fn validate(&self) -> Result<(), CryptoError> {
        let ok = match *self {
            KdfParams::Pbkdf2 { iterations } => {
                (PBKDF2_MIN_ITERATIONS..=PBKDF2_MAX_ITERATIONS).contains(&iterations)
            }
            KdfParams::Argon2id {
                memory_kib,
                iterations,
                parallelism,
            } => {
                (16 * 1024..=1024 * 1024).contains(&memory_kib)
                    && (2..=10).contains(&iterations)
                    && (1..=16).contains(&parallelism)
            }
        };
        if ok {
            Ok(())
        } else {
            Err(CryptoError::KdfParams)
        }
    }

    /// Derives the master key. Slow on purpose.
    pub fn master_key(
        &self,
        password: &str,
        email_normalized: &str,
    ) -> Result<SymmetricKey, CryptoError> {
        match self {
            KdfParams::Pbkdf2 { .. } => self.pbkdf2_master_key(password, email_normalized),
            KdfParams::Argon2id { .. } => self.argon2id_master_key(password, email_normalized),
        }
    }

    /// The PBKDF2 half of [`Self::master_key`] alone, so that a browser page can leave Argon2 in
    /// a part of its own that only Argon2id accounts fetch. Argon2id parameters are refused.
    pub fn pbkdf2_master_key(
        &self,
        password: &str,
        email_normalized: &str,
    ) -> Result<SymmetricKey, CryptoError> {
        self.validate()?;
        let KdfParams::Pbkdf2 { iterations } = *self else {
            return Err(CryptoError::KdfParams);
        };
        let mut out = Zeroizing::new([0u8; 32]);
        pbkdf2::pbkdf2_hmac::<Sha256>(
            password.as_bytes(),
            email_normalized.as_bytes(),
            iterations,
            out.as_mut(),
        );
        Ok(SymmetricKey::from_bytes(*out))
    }

    /// The Argon2id half of [`Self::master_key`]. PBKDF2 parameters are refused.
    pub fn argon2id_master_key(
        &self,
        password: &str,
        email_normalized: &str,
    ) -> Result<SymmetricKey, CryptoError> {
        self.validate()?;
        let KdfParams::Argon2id {
            memory_kib,
            iterations,
            parallelism,
        } = *self
        else {
            return Err(CryptoError::KdfParams);
        };
        // Argon2 wants a salt of at least 8 bytes; an email can be shorter.
        let salt = Sha256::digest(email_normalized.as_bytes());
        let params = argon2::Params::new(memory_kib, iterations, parallelism, Some(32))
            .map_err(|_| CryptoError::KdfParams)?;
        let mut out = Zeroizing::new([0u8; 32]);
        argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
            .hash_password_into(password.as_bytes(), &salt, out.as_mut())
            .map_err(|_| CryptoError::KdfParams)?;
        Ok(SymmetricKey::from_bytes(*out))
    }
}

/// Proves knowledge of the master key to the server without revealing it: one more PBKDF2 round,
/// salted with the password, so the server's copy cannot be turned back into the master key.
pub fn auth_hash(master_key: &SymmetricKey, password: &str) -> [u8; 32] {
    let mut out = [0u8; 32];
    pbkdf2::pbkdf2_hmac::<Sha256>(master_key.as_bytes(), password.as_bytes(), 1, &mut out);
    out
}

/// The key that wraps the user key, separated from the master key by HKDF so that the auth hash
/// and the wrapping key never share bytes.
pub fn stretch(master_key: &SymmetricKey) -> SymmetricKey {
    let hk = Hkdf::<Sha256>::new(None, master_key.as_bytes());
    let mut out = Zeroizing::new([0u8; 32]);
    // 32 bytes is always a valid HKDF-SHA256 output length.
    let _ = hk.expand(b"keyhaven:user-key-wrap:v1", out.as_mut());
    SymmetricKey::from_bytes(*out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kdf_json_keeps_its_shape() {
        let pbkdf2 = serde_json::json!({"kind": "pbkdf2", "iterations": 600000});
        let argon2 = serde_json::json!({"kind": "argon2id", "memory_kib": 65536, "iterations": 3, "parallelism": 4});
        assert_eq!(
            serde_json::to_value(KdfParams::default()).ok(),
            Some(pbkdf2.clone())
        );
        assert_eq!(
            serde_json::to_value(KdfParams::argon2id_default()).ok(),
            Some(argon2.clone())
        );
        assert_eq!(
            serde_json::from_value::<KdfParams>(pbkdf2).ok(),
            Some(KdfParams::default())
        );
        assert_eq!(
            serde_json::from_value::<KdfParams>(argon2).ok(),
            Some(KdfParams::argon2id_default())
        );
        for bad in [
            serde_json::json!({"kind": "argon2id", "iterations": 3}),
            serde_json::json!({"kind": "pbkdf2", "iterations": 600000, "memory_kib": 1}),
            serde_json::json!({"kind": "scrypt", "iterations": 1}),
        ] {
            assert!(serde_json::from_value::<KdfParams>(bad).is_err());
        }
    }

    // Expected values computed independently with Python's hashlib / argon2-cffi (OpenSSL and the
    // reference Argon2 implementation), not with this code.
    #[test]
    fn pbkdf2_sha256_known_answers() {
        let mut out = [0u8; 64];
        pbkdf2::pbkdf2_hmac::<Sha256>(b"passwd", b"salt", 1, &mut out);
        assert_eq!(hex::encode(out), "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783");
        pbkdf2::pbkdf2_hmac::<Sha256>(b"Password", b"NaCl", 80_000, &mut out);
        assert_eq!(hex::encode(out), "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d");
    }

    #[test]
    fn master_key_auth_hash_and_stretch_known_answers() {
        let pw = "correct horse battery staple";
        let mk = KdfParams::default()
            .master_key(pw, "ann@example.org")
            .unwrap();
        assert_eq!(
            hex::encode(mk.as_bytes()),
            "75353c7c4a678b0fa12f8c64e21ce719ce2c39262c12a839540756265963fc8c"
        );
        assert_eq!(
            hex::encode(auth_hash(&mk, pw)),
            "d9786d0af3af2bfde5feeec8e01759675bdfe86dd2f1a0dd29c4d10ee791b246"
        );
        assert_eq!(
            hex::encode(stretch(&mk).as_bytes()),
            "8ac517a2623c1cf9706b82e6cb57c2ca2aa2e81005a30fdde7649c5cb047b524"
        );
    }

    #[test]
    fn argon2id_known_answer() {
        let mk = KdfParams::argon2id_default()
            .master_key("correct horse battery staple", "ann@example.org")
            .unwrap();
        assert_eq!(
            hex::encode(mk.as_bytes()),
            "5be63a23db41b225c5572bfbf2822405f61a96b776c2ea3cf3a7c383f9a9e31f"
        );
    }

    #[test]
    fn bounds() {
        assert_eq!(
            KdfParams::Pbkdf2 { iterations: 1_000 }.validate(),
            Err(CryptoError::KdfParams)
        );
        assert_eq!(
            KdfParams::Pbkdf2 {
                iterations: u32::MAX
            }
            .validate(),
            Err(CryptoError::KdfParams)
        );
        assert!(KdfParams::default().validate().is_ok());
        assert!(KdfParams::argon2id_default().validate().is_ok());
        let huge = KdfParams::Argon2id {
            memory_kib: u32::MAX,
            iterations: 3,
            parallelism: 4,
        };
        assert_eq!(
            huge.master_key("x", "a@b.c").unwrap_err(),
            CryptoError::KdfParams
        );
    }

    #[test]
    fn each_half_derives_only_its_own_kind() {
        let (pbkdf2, argon2) = (KdfParams::default(), KdfParams::argon2id_default());
        let pw = "correct horse battery staple";
        // The browser's PBKDF2 path on its own gives the known answer above.
        assert_eq!(
            pbkdf2
                .pbkdf2_master_key(pw, "ann@example.org")
                .map(|k| hex::encode(k.as_bytes()))
                .as_deref(),
            Ok("75353c7c4a678b0fa12f8c64e21ce719ce2c39262c12a839540756265963fc8c")
        );
        assert_eq!(
            argon2.pbkdf2_master_key(pw, "a@b.co").unwrap_err(),
            CryptoError::KdfParams
        );
        assert_eq!(
            pbkdf2.argon2id_master_key(pw, "a@b.co").unwrap_err(),
            CryptoError::KdfParams
        );
    }
}
