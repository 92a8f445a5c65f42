//! The zero-knowledge key hierarchy (DESIGN.md §4). Runs in the browser; the same code is tested
//! natively. The server only ever receives what `account` hands out: an auth hash, wrapped keys and
//! a public key.

pub mod account;
pub mod encstring;
pub mod export;
pub mod items;
pub mod kdf;
pub mod sealed;

pub use account::{NewAccount, UnlockedKeys};
pub use encstring::{EncString, SymmetricKey};
pub use kdf::KdfParams;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

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

pub fn b64(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

pub fn unb64(text: &str) -> Result<Vec<u8>, CryptoError> {
    STANDARD.decode(text).map_err(|_| CryptoError::Malformed)
}
