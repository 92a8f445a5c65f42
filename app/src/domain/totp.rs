//! Time-based one-time passwords (RFC 6238) from a login's TOTP secret, computed in the browser.
//! Accepts a bare base32 secret (as most sites show it) or an `otpauth://totp/…` URI with its
//! digits, period and algorithm.

use hmac::{Hmac, Mac};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Algorithm {
    Sha1,
    Sha256,
    Sha512,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Totp {
    secret: Vec<u8>,
    pub digits: u32,
    pub period: u64,
    pub algorithm: Algorithm,
}

#[derive(Debug, PartialEq, Eq)]
pub struct BadSecret;

impl Totp {
    pub fn parse(text: &str) -> Result<Totp, BadSecret> {
        let text = text.trim();
        let mut totp = Totp {
            secret: Vec::new(),
            digits: 6,
            period: 30,
            algorithm: Algorithm::Sha1,
        };
        let secret = if let Some(rest) = strip_prefix_ignore_case(text, "otpauth://totp/") {
            let query = rest.split_once('?').map(|(_, q)| q).unwrap_or_default();
            let mut secret = None;
            for pair in query.split('&') {
                let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
                match key.to_ascii_lowercase().as_str() {
                    "secret" => secret = Some(value.to_owned()),
                    "digits" => totp.digits = value.parse().map_err(|_| BadSecret)?,
                    "period" => totp.period = value.parse().map_err(|_| BadSecret)?,
                    "algorithm" => {
                        totp.algorithm = match value.to_ascii_uppercase().as_str() {
                            "SHA1" => Algorithm::Sha1,
                            "SHA256" => Algorithm::Sha256,
                            "SHA512" => Algorithm::Sha512,
                            _ => return Err(BadSecret),
                        }
                    }
                    _ => {}
                }
            }
            secret.ok_or(BadSecret)?
        } else {
            text.to_owned()
        };
        totp.secret = base32_decode(&secret).ok_or(BadSecret)?;
        if totp.secret.is_empty() || !(6..=10).contains(&totp.digits) || totp.period == 0 {
            return Err(BadSecret);
        }
        Ok(totp)
    }

    /// The code valid at `unix_secs`.
    pub fn code(&self, unix_secs: u64) -> String {
        let counter = (unix_secs / self.period).to_be_bytes();
        let digest = match self.algorithm {
            Algorithm::Sha1 => mac::<Hmac<sha1::Sha1>>(&self.secret, &counter),
            Algorithm::Sha256 => mac::<Hmac<sha2::Sha256>>(&self.secret, &counter),
            Algorithm::Sha512 => mac::<Hmac<sha2::Sha512>>(&self.secret, &counter),
        };
        // RFC 4226 §5.3 dynamic truncation.
        let offset = usize::from(digest[digest.len() - 1] & 0x0f);
        let word = u32::from_be_bytes([
            digest[offset] & 0x7f,
            digest[offset + 1],
            digest[offset + 2],
            digest[offset + 3],
        ]);
        let code = u64::from(word) % 10u64.pow(self.digits);
        format!("{code:0width$}", width = self.digits as usize)
    }

    /// Seconds until the code at `unix_secs` changes.
    pub fn remaining(&self, unix_secs: u64) -> u64 {
        self.period - unix_secs % self.period
    }
}

fn mac<M: Mac + hmac::digest::KeyInit>(key: &[u8], message: &[u8]) -> Vec<u8> {
    // HMAC takes keys of any length, so this cannot fail.
    let mut m = <M as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!());
    m.update(message);
    m.finalize().into_bytes().to_vec()
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

/// RFC 4648 base32, forgiving about case, spaces, dashes and missing padding.
fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for c in text.chars() {
        let value = match c.to_ascii_uppercase() {
            c @ 'A'..='Z' => c as u32 - 'A' as u32,
            c @ '2'..='7' => c as u32 - '2' as u32 + 26,
            ' ' | '-' | '=' => continue,
            _ => return None,
        };
        buffer = (buffer << 5) | value;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 6238 appendix B: the seeds are the ASCII strings "1234567890" repeated to 20, 32 and
    // 64 bytes; these are their base32 forms.
    const SHA1_SEED: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    const SHA256_SEED: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA";
    const SHA512_SEED: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNA";

    #[test]
    fn rfc6238_vectors() {
        let cases = [
            (59, "94287082", "46119246", "90693936"),
            (1111111109, "07081804", "68084774", "25091201"),
            (1111111111, "14050471", "67062674", "99943326"),
            (1234567890, "89005924", "91819424", "93441116"),
            (2000000000, "69279037", "90698825", "38618901"),
            (20000000000, "65353130", "77737706", "47863826"),
        ];
        for (time, sha1, sha256, sha512) in cases {
            for (seed, alg, want) in [
                (SHA1_SEED, "SHA1", sha1),
                (SHA256_SEED, "SHA256", sha256),
                (SHA512_SEED, "SHA512", sha512),
            ] {
                let uri =
                    format!("otpauth://totp/Example:ann?secret={seed}&digits=8&algorithm={alg}");
                assert_eq!(
                    Totp::parse(&uri).unwrap().code(time),
                    want,
                    "{alg} at {time}"
                );
            }
        }
    }

    #[test]
    fn bare_secrets_give_six_digits_every_thirty_seconds() {
        let totp = Totp::parse("gezd gnbv gy3t qojq gezd gnbv gy3t qojq").unwrap();
        assert_eq!(totp.code(59), "287082");
        assert_eq!(totp.remaining(59), 1);
        assert_eq!(totp.remaining(60), 30);
        assert_eq!(Totp::parse("not base32!"), Err(BadSecret));
        assert_eq!(Totp::parse(""), Err(BadSecret));
        assert_eq!(
            Totp::parse("otpauth://totp/x?secret=GEZDGNBV&digits=99"),
            Err(BadSecret)
        );
        assert_eq!(Totp::parse("otpauth://totp/x?digits=6"), Err(BadSecret));
    }
}
