//! The password and passphrase generator. Randomness comes from the system generator (the
//! browser's `crypto.getRandomValues`), with rejection sampling so every choice is uniform.

use crate::crypto::{random_bytes, CryptoError};
use serde::{Deserialize, Serialize};

pub const LENGTH_MIN: u32 = 5;
pub const LENGTH_MAX: u32 = 128;
pub const WORDS_MIN: u32 = 3;
pub const WORDS_MAX: u32 = 20;
/// The longest word separator, in characters (the form's field takes no more).
pub const SEPARATOR_MAX: usize = 3;

/// A password holds one character of every chosen set, so the shortest one must have room for
/// all four sets: otherwise a chosen set would be left out.
const _: () = assert!(LENGTH_MIN >= 4);

/// Why nothing was generated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GenerateError {
    /// Every character set is switched off: any password would break the settings.
    NoCharacterSet,
    /// The word list is empty (it did not load properly).
    NoWords,
    /// The system's random number generator failed.
    Random,
}

impl From<CryptoError> for GenerateError {
    fn from(_: CryptoError) -> Self {
        GenerateError::Random
    }
}

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

impl PasswordOptions {
    /// The options as the generator applies them: the length within its bounds. The form shows
    /// these, so what it says is what is generated.
    pub fn normalized(mut self) -> Self {
        self.length = self.length.clamp(LENGTH_MIN, LENGTH_MAX);
        self
    }

    /// The characters of each chosen set (without look-alikes if asked).
    fn chosen_sets(&self) -> Vec<Vec<char>> {
        [
            (self.upper, UPPER),
            (self.lower, LOWER),
            (self.digits, DIGITS),
            (self.symbols, SYMBOLS),
        ]
        .into_iter()
        .filter(|(on, _)| *on)
        .map(|(_, set)| {
            set.chars()
                .filter(|c| !(self.avoid_ambiguous && AMBIGUOUS.contains(*c)))
                .collect()
        })
        .collect()
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

impl PassphraseOptions {
    /// The options as the generator applies them: the word count within its bounds, the
    /// separator no longer than the form allows.
    pub fn normalized(mut self) -> Self {
        self.words = self.words.clamp(WORDS_MIN, WORDS_MAX);
        self.separator = self.separator.chars().take(SEPARATOR_MAX).collect();
        self
    }
}

/// Whether the generator makes a password or a passphrase.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    #[default]
    Password,
    Passphrase,
}

/// Everything a person sets in the generator; the browser keeps it (as JSON) for next time.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct GeneratorSettings {
    pub mode: Mode,
    pub password: PasswordOptions,
    pub passphrase: PassphraseOptions,
}

impl GeneratorSettings {
    /// Settings kept by an earlier visit. Anything unreadable gives the defaults, and values out
    /// of bounds are brought within them, so stored text can never break the generator.
    pub fn from_json(text: &str) -> Self {
        serde_json::from_str::<GeneratorSettings>(text)
            .unwrap_or_default()
            .normalized()
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn normalized(self) -> Self {
        GeneratorSettings {
            mode: self.mode,
            password: self.password.normalized(),
            passphrase: self.passphrase.normalized(),
        }
    }
}

/// A uniform random number below `n` (n > 0).
fn below(n: usize) -> Result<usize, GenerateError> {
    let n = u32::try_from(n).map_err(|_| GenerateError::Random)?;
    if n == 0 {
        return Err(GenerateError::Random);
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
/// shuffled. With no set chosen it refuses rather than pick characters the person turned off.
pub fn password(options: &PasswordOptions) -> Result<String, GenerateError> {
    let options = options.clone().normalized();
    let length = options.length as usize;
    let sets = options.chosen_sets();
    if sets.is_empty() || sets.iter().any(Vec::is_empty) {
        return Err(GenerateError::NoCharacterSet);
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
pub fn passphrase(options: &PassphraseOptions, list: &[&str]) -> Result<String, GenerateError> {
    if list.is_empty() {
        return Err(GenerateError::NoWords);
    }
    let options = options.clone().normalized();
    let count = options.words as usize;
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
    }

    #[test]
    fn every_combination_of_settings_is_kept_or_refused() {
        for sets in 0..16u8 {
            for avoid_ambiguous in [false, true] {
                for length in [
                    0,
                    1,
                    4,
                    LENGTH_MIN,
                    12,
                    LENGTH_MAX,
                    LENGTH_MAX + 1,
                    u32::MAX,
                ] {
                    let options = PasswordOptions {
                        length,
                        upper: sets & 1 != 0,
                        lower: sets & 2 != 0,
                        digits: sets & 4 != 0,
                        symbols: sets & 8 != 0,
                        avoid_ambiguous,
                    };
                    let result = password(&options);
                    if sets == 0 {
                        assert_eq!(result, Err(GenerateError::NoCharacterSet));
                        continue;
                    }
                    let p = result.unwrap();
                    // The length is the one the form shows (the normalized one).
                    assert_eq!(
                        p.chars().count() as u32,
                        options.clone().normalized().length
                    );
                    let chosen = options.chosen_sets();
                    assert!(
                        p.chars().all(|c| chosen.iter().any(|set| set.contains(&c))),
                        "{p} {options:?}"
                    );
                    assert!(
                        chosen.iter().all(|set| p.chars().any(|c| set.contains(&c))),
                        "{p} {options:?}"
                    );
                    assert!(
                        !avoid_ambiguous || !p.chars().any(|c| AMBIGUOUS.contains(c)),
                        "{p}"
                    );
                }
            }
        }
    }

    #[test]
    fn normalized_options_stay_within_bounds() {
        let short = PasswordOptions {
            length: 1,
            ..Default::default()
        };
        assert_eq!(short.normalized().length, LENGTH_MIN);
        let phrase = PassphraseOptions {
            words: 99,
            separator: "-_-_-".into(),
            ..Default::default()
        }
        .normalized();
        assert_eq!(
            (phrase.words, phrase.separator.as_str()),
            (WORDS_MAX, "-_-")
        );
        let one_word = PassphraseOptions {
            words: 0,
            separator: "·é".into(),
            ..Default::default()
        }
        .normalized();
        assert_eq!(
            (one_word.words, one_word.separator.as_str()),
            (WORDS_MIN, "·é")
        );
    }

    #[test]
    fn settings_survive_storage_and_bad_text_gives_defaults() {
        let settings = GeneratorSettings {
            mode: Mode::Passphrase,
            password: PasswordOptions {
                length: 32,
                symbols: false,
                ..Default::default()
            },
            passphrase: PassphraseOptions {
                words: 7,
                separator: " ".into(),
                capitalize: true,
                include_number: true,
            },
        };
        let json = settings.to_json();
        assert!(json.contains("\"mode\":\"passphrase\""), "{json}");
        assert_eq!(GeneratorSettings::from_json(&json), settings);
        for bad in [
            "",
            "null",
            "[]",
            "{\"mode\":\"pin\"}",
            "{\"password\":{\"length\":-3}}",
        ] {
            assert_eq!(
                GeneratorSettings::from_json(bad),
                GeneratorSettings::default(),
                "{bad}"
            );
        }
        // Missing fields take their defaults; values out of bounds are brought within them.
        let partial = GeneratorSettings::from_json(
            "{\"password\":{\"length\":1000,\"upper\":false},\"passphrase\":{\"words\":1}}",
        );
        assert_eq!(partial.mode, Mode::Password);
        assert_eq!(partial.password.length, LENGTH_MAX);
        assert!(!partial.password.upper && partial.password.lower);
        assert_eq!(partial.passphrase.words, WORDS_MIN);
        assert_eq!(partial.passphrase.separator, "-");
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
        assert_eq!(passphrase(&options, &[]), Err(GenerateError::NoWords));
        let long = PassphraseOptions {
            words: 50,
            separator: "+++++".into(),
            capitalize: false,
            include_number: false,
        };
        let p = passphrase(&long, &list).unwrap();
        assert_eq!(p.split("+++").count(), WORDS_MAX as usize, "{p}");
        assert!(!p.contains("++++"), "{p}");
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
