//! The zero-knowledge key hierarchy (DESIGN.md §4). Runs in the browser; the same code is tested
//! natively. The server only ever receives what `account` hands out: an auth hash, wrapped keys and
//! a public key.

pub mod account;
pub mod encstring;
pub mod export;
pub mod fingerprint;
pub mod items;
pub mod kdf;
pub mod sealed;

pub use account::{NewAccount, UnlockedKeys};
pub use encstring::{EncString, SymmetricKey};
pub use kdf::KdfParams;

use base64ct::{Base64, Encoding};

/// Why a cryptographic operation failed. Deliberately coarse: a wrong key and a tampered
/// ciphertext look the same to the caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    #[error("decryption failed: wrong key or damaged data")]
    Decrypt,
    #[error("malformed encrypted data")]
    Malformed,
    #[error("unsupported format version or algorithm")]
    Unsupported,
    #[error("invalid KDF parameters")]
    KdfParams,
    #[error("the system random number generator failed")]
    Random,
}

pub(crate) fn random_bytes<const N: usize>() -> Result<[u8; N], CryptoError> {
    let mut buf = [0u8; N];
    getrandom::getrandom(&mut buf).map_err(|_| CryptoError::Random)?;
    Ok(buf)
}

/// Standard padded base64, as every key and ciphertext travels.
pub fn b64(bytes: &[u8]) -> String {
    Base64::encode_string(bytes)
}

/// The inverse of [`b64`]; anything else (other alphabets, missing padding, stray bits) is
/// malformed.
pub fn unb64(text: &str) -> Result<Vec<u8>, CryptoError> {
    Base64::decode_vec(text).map_err(|_| CryptoError::Malformed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_is_standard_padded_and_strict() {
        // RFC 4648 §10 vectors.
        for (raw, text) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(b64(raw.as_bytes()), text);
            assert_eq!(unb64(text).unwrap(), raw.as_bytes());
        }
        assert_eq!(b64(&[0xfb, 0xff]), "+/8=");
        // Missing padding, stray bits after the last byte, the URL alphabet, whitespace.
        for bad in ["Zg", "Zh==", "-_8=", "Zm9v YmFy"] {
            assert_eq!(unb64(bad), Err(CryptoError::Malformed), "{bad}");
        }
    }
}
