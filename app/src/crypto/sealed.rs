//! Sealed boxes (X25519 + XSalsa20-Poly1305, libsodium-compatible): how an organization or provider
//! key reaches a member, encrypted to the member's public key so only they can open it.

use super::{unb64, CryptoError};
use crypto_box::aead::OsRng;
use crypto_box::{PublicKey, SecretKey};

pub fn seal(recipient_public_key_b64: &str, plaintext: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let pk: [u8; 32] = unb64(recipient_public_key_b64)?
        .try_into()
        .map_err(|_| CryptoError::Malformed)?;
    PublicKey::from(pk)
        .seal(&mut OsRng, plaintext)
        .map_err(|_| CryptoError::Malformed)
}

pub fn open(private_key: &SecretKey, sealed: &[u8]) -> Result<Vec<u8>, CryptoError> {
    private_key.unseal(sealed).map_err(|_| CryptoError::Decrypt)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::b64;

    #[test]
    fn only_the_recipient_opens() {
        let alice = SecretKey::from([7u8; 32]);
        let mallory = SecretKey::from([9u8; 32]);
        let sealed = seal(&b64(alice.public_key().as_bytes()), b"org key").unwrap();
        assert_eq!(open(&alice, &sealed).unwrap(), b"org key");
        assert_eq!(open(&mallory, &sealed).unwrap_err(), CryptoError::Decrypt);
        let mut tampered = sealed.clone();
        tampered[40] ^= 1;
        assert_eq!(open(&alice, &tampered).unwrap_err(), CryptoError::Decrypt);
    }
}
