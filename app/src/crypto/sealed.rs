//! Sealed boxes (X25519 + XSalsa20-Poly1305, libsodium-compatible): how an organization or provider
//! key reaches a member, encrypted to the member's public key so only they can open it.

use super::{b64, unb64, CryptoError, SymmetricKey};
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

/// A symmetric key (an organization's or a provider's) sealed to a member's public key, as the
/// server stores it: base64 of the sealed box.
pub fn seal_key(recipient_public_key_b64: &str, key: &SymmetricKey) -> Result<String, CryptoError> {
    Ok(b64(&seal(recipient_public_key_b64, key.as_bytes())?))
}

/// Opens a key sealed with [`seal_key`].
pub fn open_key(private_key: &SecretKey, sealed_b64: &str) -> Result<SymmetricKey, CryptoError> {
    let bytes = zeroize::Zeroizing::new(open(private_key, &unb64(sealed_b64)?)?);
    SymmetricKey::from_slice(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let key = SymmetricKey::generate().unwrap();
        let sealed_key = seal_key(&b64(alice.public_key().as_bytes()), &key).unwrap();
        assert_eq!(
            open_key(&alice, &sealed_key).unwrap().as_bytes(),
            key.as_bytes()
        );
        assert!(open_key(&mallory, &sealed_key).is_err());
    }
}
