//! What is inside an item once decrypted in the browser. The server never sees this shape: it
//! only stores the `EncString` of its JSON.

use super::vault::ItemType;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ItemData {
    pub name: String,
    pub notes: String,
    pub login: LoginData,
    pub card: CardData,
    pub identity: IdentityData,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LoginData {
    pub username: String,
    pub password: String,
    pub uris: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CardData {
    pub cardholder: String,
    pub number: String,
    pub exp_month: String,
    pub exp_year: String,
    pub code: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct IdentityData {
    pub title: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: String,
    pub company: String,
}

impl ItemData {
    /// The second line of a list entry: username, card ending, or the person's name.
    pub fn subtitle(&self, kind: ItemType) -> String {
        match kind {
            ItemType::Login => self.login.username.clone(),
            ItemType::Card => {
                let digits: String = self
                    .card
                    .number
                    .chars()
                    .filter(char::is_ascii_digit)
                    .collect();
                let tail = &digits[digits.len().saturating_sub(4)..];
                match (card_brand(&digits), tail.is_empty()) {
                    (_, true) => String::new(),
                    (Some(brand), false) => format!("{brand}, *{tail}"),
                    (None, false) => format!("*{tail}"),
                }
            }
            ItemType::Identity => [
                self.identity.first_name.as_str(),
                self.identity.last_name.as_str(),
            ]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" "),
            ItemType::SecureNote => String::new(),
        }
    }

    /// True if every word of `query` appears in the name, username, URIs or notes.
    pub fn matches(&self, query: &str) -> bool {
        let hay = format!(
            "{}\n{}\n{}\n{}",
            self.name,
            self.login.username,
            self.login.uris.join("\n"),
            self.notes
        )
        .to_lowercase();
        query
            .split_whitespace()
            .all(|word| hay.contains(&word.to_lowercase()))
    }
}

/// The card brand from the number's leading digits (the common networks only).
pub fn card_brand(digits: &str) -> Option<&'static str> {
    let prefix = |n: usize| digits.get(..n).and_then(|p| p.parse::<u32>().ok());
    if digits.starts_with('4') {
        Some("Visa")
    } else if prefix(2).is_some_and(|p| (51..=55).contains(&p))
        || prefix(4).is_some_and(|p| (2221..=2720).contains(&p))
    {
        Some("Mastercard")
    } else if prefix(2).is_some_and(|p| p == 34 || p == 37) {
        Some("American Express")
    } else if digits.starts_with("6011") || digits.starts_with("65") {
        Some("Discover")
    } else if prefix(4).is_some_and(|p| (3528..=3589).contains(&p)) {
        Some("JCB")
    } else if prefix(2).is_some_and(|p| p == 36 || p == 38)
        || prefix(3).is_some_and(|p| (300..=305).contains(&p))
    {
        Some("Diners Club")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brands_and_subtitles() {
        assert_eq!(card_brand("4111111111111111"), Some("Visa"));
        assert_eq!(card_brand("5500000000000004"), Some("Mastercard"));
        assert_eq!(card_brand("2223003122003222"), Some("Mastercard"));
        assert_eq!(card_brand("378282246310005"), Some("American Express"));
        assert_eq!(card_brand("6011111111111117"), Some("Discover"));
        assert_eq!(card_brand("9999"), None);
        let mut d = ItemData::default();
        d.card.number = "4111 1111 1111 1234".into();
        assert_eq!(d.subtitle(ItemType::Card), "Visa, *1234");
        d.identity.first_name = "Ann".into();
        d.identity.last_name = "Lee".into();
        assert_eq!(d.subtitle(ItemType::Identity), "Ann Lee");
    }

    #[test]
    fn search_matches_all_words_anywhere() {
        let mut d = ItemData {
            name: "Bank".into(),
            notes: "branch on Main Street".into(),
            ..Default::default()
        };
        d.login.username = "ann@example.org".into();
        d.login.uris = vec!["https://bank.example".into()];
        assert!(d.matches("bank ann"));
        assert!(d.matches("MAIN"));
        assert!(d.matches("bank.example"));
        assert!(!d.matches("bank bob"));
        assert!(d.matches(""));
    }
}
