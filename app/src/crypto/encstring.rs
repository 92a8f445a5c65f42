//! Symmetric encryption in a versioned, self-describing text format:
//! `v1.xchacha20poly1305.<base64(nonce ‖ ciphertext ‖ tag)>`. A new algorithm gets a new tag and
//! old strings keep decrypting.
//!
//! Every encryption names its purpose as associated data, so a ciphertext made for one place (say,
//! the private key) cannot be swapped into another (say, the user key) and still decrypt.

use super::{b64, random_bytes, unb64, CryptoError};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use std::fmt;
use zeroize::Zeroizing;

const PREFIX: &str = "v1.xchacha20poly1305.";
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;

/// A 256-bit symmetric key, wiped from memory when dropped.
#[derive(Clone)]
pub struct SymmetricKey(Zeroizing<[u8; 32]>);

impl SymmetricKey {
    pub fn generate() -> Result<Self, CryptoError> {
        Ok(Self(Zeroizing::new(random_bytes::<32>()?)))
    }

    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(Zeroizing::new(bytes))
    }

    pub fn from_slice(bytes: &[u8]) -> Result<Self, CryptoError> {
        let arr: [u8; 32] = bytes.try_into().map_err(|_| CryptoError::Malformed)?;
        Ok(Self::from_bytes(arr))
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    pub fn encrypt(&self, plaintext: &[u8], purpose: &str) -> Result<EncString, CryptoError> {
        let nonce = random_bytes::<NONCE_LEN>()?;
        let cipher = XChaCha20Poly1305::new(self.0.as_ref().into());
        let ct = cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad: purpose.as_bytes(),
                },
            )
            .map_err(|_| CryptoError::Malformed)?;
        let mut raw = Vec::with_capacity(NONCE_LEN + ct.len());
        raw.extend_from_slice(&nonce);
        raw.extend_from_slice(&ct);
        Ok(EncString(format!("{PREFIX}{}", b64(&raw))))
    }

    pub fn decrypt(
        &self,
        enc: &EncString,
        purpose: &str,
    ) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        let raw = enc.raw()?;
        let (nonce, ct) = raw.split_at(NONCE_LEN);
        let cipher = XChaCha20Poly1305::new(self.0.as_ref().into());
        cipher
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: ct,
                    aad: purpose.as_bytes(),
                },
            )
            .map(Zeroizing::new)
            .map_err(|_| CryptoError::Decrypt)
    }
}

impl fmt::Debug for SymmetricKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SymmetricKey(..)")
    }
}

/// An encrypted value in its text form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EncString(String);

impl EncString {
    /// Checks the shape (version, algorithm, base64, minimum length) without any key.
    pub fn parse(text: &str) -> Result<Self, CryptoError> {
        let enc = EncString(text.to_owned());
        enc.raw()?;
        Ok(enc)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Length of the plaintext this string carries.
    pub fn plaintext_len(&self) -> Result<usize, CryptoError> {
        Ok(self.raw()?.len() - NONCE_LEN - TAG_LEN)
    }

    fn raw(&self) -> Result<Vec<u8>, CryptoError> {
        let Some(body) = self.0.strip_prefix(PREFIX) else {
            return Err(if self.0.starts_with("v1.") || !self.0.starts_with('v') {
                CryptoError::Malformed
            } else {
                CryptoError::Unsupported
            });
        };
        let raw = unb64(body)?;
        if raw.len() < NONCE_LEN + TAG_LEN {
            return Err(CryptoError::Malformed);
        }
        Ok(raw)
    }
}

impl fmt::Display for EncString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_shape() {
        let key = SymmetricKey::generate().unwrap();
        let enc = key.encrypt(b"hunter2 and more", "test").unwrap();
        assert!(enc.as_str().starts_with("v1.xchacha20poly1305."));
        assert_eq!(enc.plaintext_len().unwrap(), 16);
        assert_eq!(&**key.decrypt(&enc, "test").unwrap(), b"hunter2 and more");
        // Same plaintext twice: different ciphertexts (random nonces).
        assert_ne!(enc, key.encrypt(b"hunter2 and more", "test").unwrap());
        assert_eq!(EncString::parse(enc.as_str()).unwrap(), enc);
    }

    #[test]
    fn wrong_key_purpose_or_tampering_fails() {
        let key = SymmetricKey::generate().unwrap();
        let other = SymmetricKey::generate().unwrap();
        let enc = key.encrypt(b"secret", "user-key").unwrap();
        assert_eq!(
            other.decrypt(&enc, "user-key").unwrap_err(),
            CryptoError::Decrypt
        );
        assert_eq!(
            key.decrypt(&enc, "private-key").unwrap_err(),
            CryptoError::Decrypt
        );

        let mut raw = unb64(enc.as_str().strip_prefix(PREFIX).unwrap()).unwrap();
        let last = raw.len() - 1;
        raw[last] ^= 1;
        let tampered = EncString::parse(&format!("{PREFIX}{}", b64(&raw))).unwrap();
        assert_eq!(
            key.decrypt(&tampered, "user-key").unwrap_err(),
            CryptoError::Decrypt
        );
        raw[last] ^= 1;
        raw[0] ^= 0x80; // nonce bit
        let tampered = EncString::parse(&format!("{PREFIX}{}", b64(&raw))).unwrap();
        assert_eq!(
            key.decrypt(&tampered, "user-key").unwrap_err(),
            CryptoError::Decrypt
        );
    }

    #[test]
    fn malformed_strings_are_refused() {
        assert_eq!(EncString::parse("").unwrap_err(), CryptoError::Malformed);
        assert_eq!(
            EncString::parse("v1.xchacha20poly1305.!!").unwrap_err(),
            CryptoError::Malformed
        );
        assert_eq!(
            EncString::parse("v1.xchacha20poly1305.AAAA").unwrap_err(),
            CryptoError::Malformed
        );
        assert_eq!(
            EncString::parse("v9.future.AAAA").unwrap_err(),
            CryptoError::Unsupported
        );
        assert_eq!(
            SymmetricKey::from_slice(&[0u8; 31]).unwrap_err(),
            CryptoError::Malformed
        );
    }
}
