//! The password and passphrase generator. Randomness comes from the system generator (the
//! browser's `crypto.getRandomValues`), with rejection sampling so every choice is uniform.

use crate::crypto::{random_bytes, CryptoError};
use serde::{Deserialize, Serialize};

pub const LENGTH_MIN: u32 = 5;
pub const LENGTH_MAX: u32 = 128;
pub const WORDS_MIN: u32 = 3;
pub const WORDS_MAX: u32 = 20;

const UPPER: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const LOWER: &str = "abcdefghijklmnopqrstuvwxyz";
const DIGITS: &str = "0123456789";
const SYMBOLS: &str = "!@#$%^&*-_=+?";
/// Characters people confuse when they read a password aloud or type it from paper.
const AMBIGUOUS: &str = "0O1lI|";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PasswordOptions {
    pub length: u32,
    pub upper: bool,
    pub lower: bool,
    pub digits: bool,
    pub symbols: bool,
    pub avoid_ambiguous: bool,
}

impl Default for PasswordOptions {
    fn default() -> Self {
        PasswordOptions {
            length: 20,
            upper: true,
            lower: true,
            digits: true,
            symbols: true,
            avoid_ambiguous: false,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PassphraseOptions {
    pub words: u32,
    pub separator: String,
    pub capitalize: bool,
    pub include_number: bool,
}

impl Default for PassphraseOptions {
    fn default() -> Self {
        PassphraseOptions {
            words: 5,
            separator: "-".into(),
            capitalize: false,
            include_number: false,
        }
    }
}

/// A uniform random number below `n` (n > 0).
fn below(n: usize) -> Result<usize, CryptoError> {
    let n = u32::try_from(n).map_err(|_| CryptoError::Random)?;
    if n == 0 {
        return Err(CryptoError::Random);
    }
    // Reject the top sliver of u32 that would favour small results.
    let zone = u32::MAX - (u32::MAX % n);
    loop {
        let v = u32::from_le_bytes(random_bytes::<4>()?);
        if v < zone {
            return Ok((v % n) as usize);
        }
    }
}

/// A random password: at least one character of every chosen set, the rest from all of them,
/// shuffled. With no set chosen, lower case is used.
pub fn password(options: &PasswordOptions) -> Result<String, CryptoError> {
    let length = options.length.clamp(LENGTH_MIN, LENGTH_MAX) as usize;
    let keep = |set: &str| -> Vec<char> {
        set.chars()
            .filter(|c| !(options.avoid_ambiguous && AMBIGUOUS.contains(*c)))
            .collect()
    };
    let mut sets: Vec<Vec<char>> = [
        (options.upper, UPPER),
        (options.lower, LOWER),
        (options.digits, DIGITS),
        (options.symbols, SYMBOLS),
    ]
    .into_iter()
    .filter(|(on, _)| *on)
    .map(|(_, set)| keep(set))
    .collect();
    if sets.is_empty() {
        sets.push(keep(LOWER));
    }
    let all: Vec<char> = sets.concat();
    let mut chars = Vec::with_capacity(length);
    for set in &sets {
        chars.push(set[below(set.len())?]);
    }
    while chars.len() < length {
        chars.push(all[below(all.len())?]);
    }
    // Fisher–Yates, so the guaranteed characters are not always first.
    for i in (1..chars.len()).rev() {
        chars.swap(i, below(i + 1)?);
    }
    Ok(chars.into_iter().collect())
}

/// A random passphrase of words from `list`, optionally capitalised and with one digit added to a
/// random word.
pub fn passphrase(options: &PassphraseOptions, list: &[&str]) -> Result<String, CryptoError> {
    let count = options.words.clamp(WORDS_MIN, WORDS_MAX) as usize;
    let mut words = Vec::with_capacity(count);
    for _ in 0..count {
        let word = list[below(list.len())?];
        words.push(if options.capitalize {
            let mut chars = word.chars();
            chars
                .next()
                .map(|first| first.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        } else {
            word.to_owned()
        });
    }
    if options.include_number {
        let which = below(count)?;
        words[which].push_str(&below(10)?.to_string());
    }
    Ok(words.join(&options.separator))
}

/// The words of the EFF large word list (7,776 words, 12.9 bits each; Electronic Frontier
/// Foundation, CC BY 3.0 US) from its text form: one word per line, optionally after dice digits.
pub fn parse_word_list(text: &str) -> Vec<&str> {
    text.lines()
        .filter_map(|line| line.split_whitespace().last())
        .filter(|w| !w.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_respect_their_options() {
        for _ in 0..200 {
            let options = PasswordOptions {
                length: 12,
                upper: true,
                lower: false,
                digits: true,
                symbols: false,
                avoid_ambiguous: true,
            };
            let p = password(&options).unwrap();
            assert_eq!(p.chars().count(), 12);
            assert!(p.chars().any(|c| c.is_ascii_uppercase()), "{p}");
            assert!(p.chars().any(|c| c.is_ascii_digit()), "{p}");
            assert!(
                p.chars()
                    .all(|c| (c.is_ascii_uppercase() || c.is_ascii_digit())
                        && !AMBIGUOUS.contains(c)),
                "{p}"
            );
        }
        let all_sets = password(&PasswordOptions::default()).unwrap();
        assert_eq!(all_sets.len(), 20);
        assert!(all_sets.chars().any(|c| SYMBOLS.contains(c)));
        let clamped = password(&PasswordOptions {
            length: 1,
            ..Default::default()
        })
        .unwrap();
        assert_eq!(clamped.len(), LENGTH_MIN as usize);
        let none_chosen = password(&PasswordOptions {
            upper: false,
            lower: false,
            digits: false,
            symbols: false,
            ..Default::default()
        })
        .unwrap();
        assert!(none_chosen.chars().all(|c| c.is_ascii_lowercase()));
    }

    #[test]
    fn passphrases_respect_their_options() {
        let list = parse_word_list("11111\tabacus\n11112\tabdomen\n11113\tzebra\n");
        assert_eq!(list, ["abacus", "abdomen", "zebra"]);
        let options = PassphraseOptions {
            words: 4,
            separator: "_".into(),
            capitalize: true,
            include_number: true,
        };
        for _ in 0..100 {
            let p = passphrase(&options, &list).unwrap();
            let words: Vec<&str> = p.split('_').collect();
            assert_eq!(words.len(), 4, "{p}");
            assert!(
                words.iter().all(|w| w.starts_with(char::is_uppercase)),
                "{p}"
            );
            assert_eq!(p.chars().filter(char::is_ascii_digit).count(), 1, "{p}");
        }
    }

    #[test]
    fn choices_are_spread_evenly() {
        let mut seen = [0u32; 6];
        for _ in 0..6000 {
            seen[below(6).unwrap()] += 1;
        }
        assert!(seen.iter().all(|&n| (800..1200).contains(&n)), "{seen:?}");
    }
}
