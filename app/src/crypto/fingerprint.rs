//! Fingerprint phrases: five words that stand for an account's public key, shown to the admin who
//! confirms a member and to the member, so a public key swapped on the way (by a server or a
//! database editor) is caught by reading the phrases to each other out of band.

use super::{unb64, CryptoError};
use hkdf::Hkdf;
use sha2::{Digest, Sha256};

/// Words in the EFF long list (`style/eff_large_wordlist.txt`, one per line).
pub const WORDLIST_LEN: usize = 7776;
pub const PHRASE_WORDS: usize = 5;

/// The positions in the EFF long list of the phrase for `public_key_b64` of the account
/// `user_id`: HKDF-SHA256 over SHA-256 of the key, with the user id as context, read as five
/// 32-bit numbers taken modulo the list's length (a bias below one in half a million).
pub fn fingerprint_indices(
    public_key_b64: &str,
    user_id: &str,
) -> Result<[usize; PHRASE_WORDS], CryptoError> {
    let key = unb64(public_key_b64)?;
    if key.len() != 32 {
        return Err(CryptoError::Malformed);
    }
    let digest = Sha256::digest(&key);
    let mut okm = [0u8; 4 * PHRASE_WORDS];
    Hkdf::<Sha256>::new(None, &digest)
        .expand(
            format!("keyhaven fingerprint {user_id}").as_bytes(),
            &mut okm,
        )
        .map_err(|_| CryptoError::Malformed)?;
    let mut indices = [0usize; PHRASE_WORDS];
    for (i, chunk) in okm.chunks_exact(4).enumerate() {
        let n = u32::from_be_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
        indices[i] = n as usize % WORDLIST_LEN;
    }
    Ok(indices)
}

/// The phrase itself, words joined by hyphens, from the word list's text.
pub fn fingerprint_phrase(
    wordlist: &str,
    public_key_b64: &str,
    user_id: &str,
) -> Result<String, CryptoError> {
    let words: Vec<&str> = wordlist
        .lines()
        .map(str::trim)
        .filter(|w| !w.is_empty())
        .collect();
    if words.len() != WORDLIST_LEN {
        return Err(CryptoError::Malformed);
    }
    let indices = fingerprint_indices(public_key_b64, user_id)?;
    Ok(indices
        .iter()
        .map(|&i| words[i])
        .collect::<Vec<_>>()
        .join("-"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::b64;

    const WORDS: &str = include_str!("../../../style/eff_large_wordlist.txt");

    #[test]
    fn the_same_key_and_account_give_the_same_five_words() {
        let key = b64(&[7u8; 32]);
        let phrase = fingerprint_phrase(WORDS, &key, "user-1").unwrap();
        assert_eq!(phrase.split('-').count(), PHRASE_WORDS, "{phrase}");
        assert!(phrase.split('-').all(|w| WORDS.lines().any(|l| l == w)));
        assert_eq!(fingerprint_phrase(WORDS, &key, "user-1").unwrap(), phrase);
        // Another key, or the same key for another account, reads differently.
        assert_ne!(
            fingerprint_phrase(WORDS, &b64(&[8u8; 32]), "user-1").unwrap(),
            phrase
        );
        assert_ne!(fingerprint_phrase(WORDS, &key, "user-2").unwrap(), phrase);
        // A known answer, computed apart with Python's hashlib and hmac (RFC 5869 by hand), so
        // any other client that follows the same recipe shows the same words.
        assert_eq!(
            fingerprint_indices(&key, "user-1").unwrap(),
            [6, 2616, 3690, 1745, 2558]
        );
        assert_eq!(phrase, "ablaze-flatfoot-librarian-detector-fifteen");
        assert!(fingerprint_phrase(WORDS, "not a key", "user-1").is_err());
        assert!(fingerprint_phrase(WORDS, &b64(&[1u8; 16]), "user-1").is_err());
        assert!(fingerprint_phrase("too\nshort", &key, "user-1").is_err());
    }
}
