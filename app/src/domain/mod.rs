//! Pure types and rules shared by the server and the browser. No I/O lives here.

pub mod authz;
pub mod card;
pub mod error;
pub mod events;
pub mod generator;
pub mod health;
pub mod ids;
pub mod item;
pub mod org;
pub mod provider;
pub mod search;
pub mod shared;
pub mod throttle;
pub mod totp;
pub mod transfer;
pub mod validate;
pub mod vault;

pub use error::{AppError, Field, FieldError, Problem};
pub use ids::{
    CollectionId, EventId, FolderId, GroupId, ItemId, MemberId, OrgId, ProviderId,
    ProviderMemberId, UserId,
};

use serde::{Deserialize, Serialize};

/// Languages the whole UI is translated into.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    En,
    Nl,
    Fr,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::En, Lang::Nl, Lang::Fr];

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Nl => "nl",
            Lang::Fr => "fr",
        }
    }

    /// The language's own name, so a person who cannot read the current one still finds theirs.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Nl => "Nederlands",
            Lang::Fr => "Français",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        let primary = code.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Lang::En),
            "nl" => Some(Lang::Nl),
            "fr" => Some(Lang::Fr),
            _ => None,
        }
    }

    /// Picks the first supported language of an `Accept-Language` header (or `navigator.languages`
    /// joined with commas), honouring q-values.
    pub fn negotiate(accept: &str) -> Option<Lang> {
        let mut best: Option<(f32, usize, Lang)> = None;
        for (pos, part) in accept.split(',').enumerate() {
            let mut pieces = part.split(';');
            let Some(tag) = pieces.next() else { continue };
            let q = pieces
                .find_map(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|v| v.parse::<f32>().ok())
                })
                .unwrap_or(1.0);
            if let Some(lang) = Lang::from_code(tag) {
                let better = match best {
                    None => true,
                    Some((bq, bpos, _)) => q > bq || (q == bq && pos < bpos),
                };
                if better && q > 0.0 {
                    best = Some((q, pos, lang));
                }
            }
        }
        best.map(|(_, _, l)| l)
    }
}

/// Colour theme the user chose; `System` follows the operating system.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    #[default]
    System,
    Light,
    Dark,
}

impl Theme {
    pub fn code(self) -> &'static str {
        match self {
            Theme::System => "system",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }
    pub fn from_code(code: &str) -> Theme {
        match code {
            "light" => Theme::Light,
            "dark" => Theme::Dark,
            _ => Theme::System,
        }
    }
}

/// What the browser needs to know about the signed-in account. Carries no secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountInfo {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub language: Lang,
    pub is_operator: bool,
}

/// The wrapped key material of an account, as the server stores it (all ciphertext or public).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProtectedKeys {
    /// The salt input of the KDF: the normalized email.
    pub email_normalized: String,
    pub kdf: crate::crypto::KdfParams,
    pub protected_user_key: String,
    pub public_key: String,
    pub protected_private_key: String,
}

/// `Some(problem)` when `bad`.
pub fn problem_if(bad: bool, problem: Problem) -> Option<Problem> {
    bad.then_some(problem)
}

/// Unix time in milliseconds; fixed width on both targets.
pub type Millis = i64;

/// Decodes JSON from bytes through `&str`: every decoder in the browser reads text (as Leptos's
/// hydration does), so the WASM holds one JSON reader rather than two.
pub fn json_from_bytes<T: serde::de::DeserializeOwned>(
    bytes: &[u8],
) -> Result<T, serde_json::Error> {
    match std::str::from_utf8(bytes) {
        Ok(text) => serde_json::from_str(text),
        Err(_) => Err(serde::de::Error::custom("the JSON is not UTF-8")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiates_by_quality_then_order() {
        assert_eq!(Lang::negotiate("de-DE,nl;q=0.8,fr;q=0.9"), Some(Lang::Fr));
        assert_eq!(Lang::negotiate("nl-BE,en;q=0.5"), Some(Lang::Nl));
        assert_eq!(Lang::negotiate("de,es"), None);
        assert_eq!(Lang::negotiate("fr;q=0,en;q=0.1"), Some(Lang::En));
        assert_eq!(Lang::negotiate(""), None);
    }
}
