//! What is inside an item once decrypted in the browser. The server never sees this shape: it
//! only stores the `EncString` of its JSON.

use super::search;
use super::vault::ItemType;
use super::{Field, FieldError, Millis, Problem};
use serde::{Deserialize, Serialize};

/// Most URIs one login may hold.
pub const URIS_MAX: usize = 50;
/// Most custom fields one item may hold.
pub const FIELDS_MAX: usize = 100;
/// Longest item name, custom field name and URI, in characters.
pub const NAME_MAX: usize = 1_000;
/// Old passwords kept per login.
pub const HISTORY_MAX: usize = 5;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ItemData {
    pub name: String,
    pub notes: String,
    pub login: LoginData,
    pub card: CardData,
    pub identity: IdentityData,
    pub fields: Vec<CustomField>,
    /// A shared item's seal: random, chosen each time its secrets are sealed, and bound into the
    /// secret part's associated data, so the open part of one save never opens with the secrets
    /// of another (`crypto::items::seal_shared`). Empty for personal items and for shared items
    /// sealed before seals existed.
    pub seal: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LoginData {
    pub username: String,
    pub password: String,
    pub uris: Vec<LoginUri>,
    /// A base32 secret or an `otpauth://` URI.
    pub totp: String,
    /// Newest first, at most `HISTORY_MAX`.
    pub password_history: Vec<OldPassword>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LoginUri {
    pub uri: String,
    #[serde(rename = "match")]
    pub rule: UriMatch,
}

impl LoginUri {
    pub fn new(uri: impl Into<String>) -> Self {
        LoginUri {
            uri: uri.into(),
            rule: UriMatch::Domain,
        }
    }

    /// The address a launch button may open: web addresses only, never `javascript:` and kin.
    pub fn launchable(&self) -> Option<String> {
        let uri = self.uri.trim();
        let lower = uri.to_ascii_lowercase();
        if lower.starts_with("https://") || lower.starts_with("http://") {
            Some(uri.to_owned())
        } else if !uri.is_empty() && !uri.contains(':') && uri.contains('.') {
            Some(format!("https://{uri}"))
        } else {
            None
        }
    }
}

/// How a login's URI is compared with the address of a page (for autofill clients).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UriMatch {
    #[default]
    Domain,
    Host,
    StartsWith,
    Exact,
    Never,
}

impl UriMatch {
    pub const ALL: [UriMatch; 5] = [
        UriMatch::Domain,
        UriMatch::Host,
        UriMatch::StartsWith,
        UriMatch::Exact,
        UriMatch::Never,
    ];

    pub fn code(self) -> &'static str {
        match self {
            UriMatch::Domain => "domain",
            UriMatch::Host => "host",
            UriMatch::StartsWith => "starts_with",
            UriMatch::Exact => "exact",
            UriMatch::Never => "never",
        }
    }

    pub fn from_code(code: &str) -> Option<UriMatch> {
        UriMatch::ALL.into_iter().find(|m| m.code() == code)
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OldPassword {
    pub password: String,
    /// When it stopped being the password.
    pub replaced_at: Millis,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CustomField {
    pub name: String,
    pub value: String,
    pub kind: FieldKind,
    /// A hidden field's stable id (random), by which its value in the secret part finds it again
    /// whatever an editor who cannot see secrets did to the order of the fields. Empty for fields
    /// made before ids existed, which pair by position.
    pub id: String,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    #[default]
    Text,
    Hidden,
    /// `value` is "true" or "false".
    Boolean,
}

impl FieldKind {
    pub const ALL: [FieldKind; 3] = [FieldKind::Text, FieldKind::Hidden, FieldKind::Boolean];

    pub fn code(self) -> &'static str {
        match self {
            FieldKind::Text => "text",
            FieldKind::Hidden => "hidden",
            FieldKind::Boolean => "boolean",
        }
    }

    pub fn from_code(code: &str) -> Option<FieldKind> {
        FieldKind::ALL.into_iter().find(|k| k.code() == code)
    }
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
    pub middle_name: String,
    pub last_name: String,
    pub username: String,
    pub company: String,
    pub email: String,
    pub phone: String,
    pub address1: String,
    pub address2: String,
    pub address3: String,
    pub city: String,
    pub state: String,
    pub postal_code: String,
    pub country: String,
    pub ssn: String,
    pub passport_number: String,
    pub license_number: String,
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
                self.identity.middle_name.as_str(),
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

    /// Keeps the password being replaced in the history (newest first, at most `HISTORY_MAX`).
    pub fn remember_old_password(&mut self, previous: &ItemData, now: Millis) {
        self.login.password_history = previous.login.password_history.clone();
        let old = &previous.login.password;
        if !old.is_empty() && *old != self.login.password {
            self.login.password_history.insert(
                0,
                OldPassword {
                    password: old.clone(),
                    replaced_at: now,
                },
            );
        }
        self.login.password_history.truncate(HISTORY_MAX);
    }

    /// What the browser checks before sealing: the server only sees the blob's size.
    pub fn problems(&self) -> Vec<FieldError> {
        let mut found = Vec::new();
        let mut add = |field, problem: Option<Problem>| {
            if let Some(problem) = problem {
                found.push(FieldError::new(field, problem));
            }
        };
        let too_long = |text: &str| {
            (text.chars().count() > NAME_MAX).then_some(Problem::TooLong {
                max: NAME_MAX as u32,
            })
        };
        add(
            Field::Name,
            if self.name.trim().is_empty() {
                Some(Problem::Required)
            } else {
                too_long(&self.name)
            },
        );
        add(
            Field::Uris,
            if self.login.uris.len() > URIS_MAX {
                Some(Problem::LimitReached {
                    max: URIS_MAX as u32,
                })
            } else {
                self.login.uris.iter().find_map(|u| too_long(&u.uri))
            },
        );
        add(
            Field::CustomFields,
            if self.fields.len() > FIELDS_MAX {
                Some(Problem::LimitReached {
                    max: FIELDS_MAX as u32,
                })
            } else {
                self.fields.iter().find_map(|f| too_long(&f.name))
            },
        );
        add(
            Field::Totp,
            (!self.login.totp.trim().is_empty()
                && super::totp::Totp::parse(&self.login.totp).is_err())
            .then_some(Problem::Invalid),
        );
        found
    }

    /// What search looks through, folded (`search::fold`): name, username, URIs and notes, and
    /// what a list entry shows of a card (holder, brand, last four digits, never the whole number)
    /// and of an identity (full name, email).
    pub fn search_text(&self) -> String {
        let mut text = String::new();
        let mut add = |part: &str| {
            if !part.is_empty() {
                text.push_str(part);
                text.push('\n');
            }
        };
        add(&self.name);
        add(&self.login.username);
        for uri in &self.login.uris {
            add(&uri.uri);
        }
        add(&self.notes);
        add(&self.card.cardholder);
        add(&self.subtitle(ItemType::Card));
        add(&self.subtitle(ItemType::Identity));
        add(&self.identity.email);
        search::fold(&text)
    }

    /// True if every word of `query` appears in what [`ItemData::search_text`] covers.
    pub fn matches(&self, query: &str) -> bool {
        search::matches_words(&self.search_text(), &search::search_words(query))
    }
}

/// The card brand from the number's leading digits (the common networks only).
/// The secret part of an item: what a member whose access hides passwords never receives. It is
/// sealed apart from the rest (`crypto::items::seal_shared`), so hiding it is the server not
/// sending a ciphertext rather than the page not showing a field.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ItemSecrets {
    pub password: String,
    pub totp: String,
    pub password_history: Vec<OldPassword>,
    /// The values of hidden custom fields without an id, in their order among those fields
    /// (items sealed before fields had ids).
    pub hidden: Vec<String>,
    /// The values of hidden custom fields, by field id.
    pub hidden_by_id: Vec<HiddenValue>,
    pub card_number: String,
    pub card_code: String,
    pub ssn: String,
    pub passport_number: String,
    pub license_number: String,
}

/// A hidden custom field's value, named by the field's id.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct HiddenValue {
    pub id: String,
    pub value: String,
}

impl ItemData {
    /// The item without its secrets, and the secrets.
    pub fn split(&self) -> (ItemData, ItemSecrets) {
        let mut open = self.clone();
        let take = std::mem::take::<String>;
        let secrets = ItemSecrets {
            password: take(&mut open.login.password),
            totp: take(&mut open.login.totp),
            password_history: std::mem::take(&mut open.login.password_history),
            hidden: open
                .fields
                .iter_mut()
                .filter(|f| f.kind == FieldKind::Hidden && f.id.is_empty())
                .map(|f| take(&mut f.value))
                .collect(),
            hidden_by_id: open
                .fields
                .iter_mut()
                .filter(|f| f.kind == FieldKind::Hidden && !f.id.is_empty())
                .map(|f| HiddenValue {
                    id: f.id.clone(),
                    value: take(&mut f.value),
                })
                .collect(),
            card_number: take(&mut open.card.number),
            card_code: take(&mut open.card.code),
            ssn: take(&mut open.identity.ssn),
            passport_number: take(&mut open.identity.passport_number),
            license_number: take(&mut open.identity.license_number),
        };
        (open, secrets)
    }

    /// Puts `secrets` back into an item that was split. A hidden value finds its field by the
    /// field's id, wherever the field now stands, and the field is hidden again if someone made
    /// it plain text (a secret never shows as an open field); values of fields without an id pair
    /// with those fields in order. A value without its field is dropped.
    pub fn join(mut self, secrets: ItemSecrets) -> ItemData {
        self.login.password = secrets.password;
        self.login.totp = secrets.totp;
        self.login.password_history = secrets.password_history;
        for value in secrets.hidden_by_id {
            if let Some(field) = self.fields.iter_mut().find(|f| f.id == value.id) {
                field.kind = FieldKind::Hidden;
                field.value = value.value;
            }
        }
        let hidden = self
            .fields
            .iter_mut()
            .filter(|f| f.kind == FieldKind::Hidden && f.id.is_empty());
        for (field, value) in hidden.zip(secrets.hidden) {
            field.value = value;
        }
        self.card.number = secrets.card_number;
        self.card.code = secrets.card_code;
        self.identity.ssn = secrets.ssn;
        self.identity.passport_number = secrets.passport_number;
        self.identity.license_number = secrets.license_number;
        self
    }
}

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
    fn split_keeps_every_secret_apart_and_join_restores_the_item() {
        let mut item = ItemData {
            name: "Shared".into(),
            notes: "visible note".into(),
            ..Default::default()
        };
        item.login.username = "ops".into();
        item.login.password = "pw-secret".into();
        item.login.totp = "JBSWY3DPEHPK3PXP".into();
        item.login.password_history = vec![OldPassword {
            password: "old-secret".into(),
            replaced_at: 5,
        }];
        item.card.number = "4111111111111111".into();
        item.card.code = "123".into();
        item.card.cardholder = "Ann".into();
        item.identity.ssn = "ssn-secret".into();
        item.identity.passport_number = "pass-secret".into();
        item.identity.license_number = "lic-secret".into();
        item.fields = vec![
            CustomField {
                name: "pin".into(),
                value: "pin-secret".into(),
                kind: FieldKind::Hidden,
                id: String::new(),
            },
            CustomField {
                name: "floor".into(),
                value: "3".into(),
                kind: FieldKind::Text,
                id: String::new(),
            },
        ];
        let (open, secrets) = item.split();
        let shown = serde_json::to_string(&open).unwrap();
        for secret in [
            "pw-secret",
            "JBSWY3DPEHPK3PXP",
            "old-secret",
            "4111111111111111",
            "\"123\"",
            "ssn-secret",
            "pass-secret",
            "lic-secret",
            "pin-secret",
        ] {
            assert!(!shown.contains(secret), "{secret} left in the open part");
        }
        assert!(shown.contains("ops") && shown.contains("visible note") && shown.contains("Ann"));
        assert_eq!(secrets.hidden, ["pin-secret"]);
        assert_eq!(open.clone().join(secrets), item);
        // Without secrets the open part is an item with the secret fields empty.
        assert_eq!(open.clone().join(ItemSecrets::default()).login.password, "");
    }

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
        d.login.uris = vec![LoginUri::new("https://bank.example")];
        assert!(d.matches("bank ann"));
        assert!(d.matches("MAIN"));
        assert!(d.matches("bank.example"));
        assert!(!d.matches("bank bob"));
        assert!(d.matches(""));
    }

    #[test]
    fn search_ignores_accents_and_covers_what_the_list_shows() {
        let mut d = ItemData {
            name: "Familie Österberg".into(),
            ..Default::default()
        };
        assert!(d.matches("osterberg"));
        assert!(d.matches("ÖSTERBERG familie"));
        assert!(!d.matches("osterberga"));

        let mut card = ItemData {
            name: "Travel card".into(),
            ..Default::default()
        };
        card.card.cardholder = "Zoë Dupré".into();
        card.card.number = "4111 1111 1111 9876".into();
        card.card.code = "737".into();
        assert!(card.matches("zoe dupre"));
        assert!(card.matches("9876"));
        assert!(card.matches("visa"));
        // Only the digits a list entry shows: not the rest of the number, not the code.
        assert!(!card.matches("4111"));
        assert!(!card.matches("11119876"));
        assert!(!card.matches("737"));

        d.identity.first_name = "Ann".into();
        d.identity.last_name = "Lindqvist".into();
        d.identity.email = "Ann.L@Example.org".into();
        d.identity.passport_number = "X1234567".into();
        assert!(d.matches("ann lindqvist"));
        assert!(d.matches("ann.l@example.org"));
        assert!(!d.matches("X1234567"));
    }

    #[test]
    fn password_history_keeps_the_last_five_changes() {
        let mut previous = ItemData::default();
        previous.login.password = "p0".into();
        for i in 1..=7 {
            let mut next = previous.clone();
            next.login.password = format!("p{i}");
            next.remember_old_password(&previous, i64::from(i));
            previous = next;
        }
        let history: Vec<_> = previous
            .login
            .password_history
            .iter()
            .map(|o| (o.password.as_str(), o.replaced_at))
            .collect();
        assert_eq!(
            history,
            [("p6", 7), ("p5", 6), ("p4", 5), ("p3", 4), ("p2", 3)]
        );
        // Saving without a new password adds nothing.
        let mut same = previous.clone();
        same.remember_old_password(&previous, 99);
        assert_eq!(same.login.password_history, previous.login.password_history);
    }

    #[test]
    fn item_rules() {
        let mut d = ItemData::default();
        assert_eq!(
            d.problems(),
            [FieldError::new(Field::Name, Problem::Required)]
        );
        d.name = "ok".into();
        d.login.uris = vec![LoginUri::new("https://a.example"); URIS_MAX + 1];
        d.fields = vec![CustomField::default(); FIELDS_MAX];
        d.login.totp = "not a secret!".into();
        assert_eq!(
            d.problems(),
            [
                FieldError::new(Field::Uris, Problem::LimitReached { max: 50 }),
                FieldError::new(Field::Totp, Problem::Invalid)
            ]
        );
        assert_eq!(LoginUri::new("javascript:alert(1)").launchable(), None);
        assert_eq!(
            LoginUri::new("bank.example").launchable().as_deref(),
            Some("https://bank.example")
        );
    }
}
