//! What the password health report finds in a set of opened items: passwords used by more than
//! one item, and websites reached without HTTPS. How weak a password is takes the strength
//! estimator (`ui::strength`), which only the browser loads; this part is plain data and testable.

use super::item::ItemData;
use std::collections::HashMap;

/// One problem of one item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Finding {
    /// The password rates below fair (zxcvbn's 0 or 1).
    Weak(u8),
    /// The same password is used by this many items (this one included).
    Reused(usize),
    /// A website address that starts with `http://`.
    Unsecured(String),
}

impl Finding {
    /// For filters and CSV: a stable word per kind.
    pub fn code(&self) -> &'static str {
        match self {
            Finding::Weak(_) => "weak",
            Finding::Reused(_) => "reused",
            Finding::Unsecured(_) => "unsecured",
        }
    }
}

/// How many items use each password (empty passwords are not counted).
pub fn password_uses<'a>(items: impl IntoIterator<Item = &'a ItemData>) -> HashMap<&'a str, usize> {
    let mut uses = HashMap::new();
    for item in items {
        let password = item.login.password.as_str();
        if !password.is_empty() {
            *uses.entry(password).or_insert(0) += 1;
        }
    }
    uses
}

/// The item's website addresses that a browser would open without TLS.
pub fn unsecured_uris(item: &ItemData) -> Vec<String> {
    item.login
        .uris
        .iter()
        .map(|u| u.uri.trim())
        .filter(|u| u.len() > 7 && u[..7].eq_ignore_ascii_case("http://"))
        .map(str::to_owned)
        .collect()
}

/// Every finding of one item, given how many items use each password and the rating of its
/// password (`None`: not rated, never called weak).
pub fn findings(item: &ItemData, uses: &HashMap<&str, usize>, score: Option<u8>) -> Vec<Finding> {
    let mut found = Vec::new();
    let password = item.login.password.as_str();
    if !password.is_empty() {
        if let Some(s) = score.filter(|&s| s < FAIR) {
            found.push(Finding::Weak(s));
        }
        if let Some(&n) = uses.get(password).filter(|&&n| n > 1) {
            found.push(Finding::Reused(n));
        }
    }
    found.extend(unsecured_uris(item).into_iter().map(Finding::Unsecured));
    found
}

/// zxcvbn's score from which a password is not called weak (the master password meter's "fair").
pub const FAIR: u8 = 2;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::item::LoginUri;

    fn login(password: &str, uris: &[&str]) -> ItemData {
        let mut item = ItemData::default();
        item.login.password = password.into();
        item.login.uris = uris.iter().map(|u| LoginUri::new(*u)).collect();
        item
    }

    #[test]
    fn a_password_used_twice_is_reused_by_both() {
        let items = [
            login("hunter2", &[]),
            login("hunter2", &[]),
            login("Unique-1", &[]),
            login("", &[]),
            login("", &[]),
        ];
        let uses = password_uses(&items);
        assert_eq!(
            findings(&items[0], &uses, Some(4)),
            vec![Finding::Reused(2)]
        );
        assert_eq!(
            findings(&items[1], &uses, Some(4)),
            vec![Finding::Reused(2)]
        );
        assert!(findings(&items[2], &uses, Some(4)).is_empty());
        assert!(
            findings(&items[3], &uses, None).is_empty(),
            "no password, nothing reused"
        );
    }

    #[test]
    fn only_a_rating_below_fair_is_weak_and_no_rating_is_not() {
        let item = login("abc", &[]);
        let uses = password_uses([&item]);
        assert_eq!(findings(&item, &uses, Some(0)), vec![Finding::Weak(0)]);
        assert_eq!(findings(&item, &uses, Some(1)), vec![Finding::Weak(1)]);
        assert!(findings(&item, &uses, Some(FAIR)).is_empty());
        assert!(findings(&item, &uses, None).is_empty());
    }

    #[test]
    fn http_addresses_are_unsecured_whatever_their_case() {
        let item = login(
            "",
            &[
                "http://intranet.local",
                "https://ok.example",
                " HTTP://Old.Example/x ",
                "http://",
                "ftp://x",
            ],
        );
        assert_eq!(
            unsecured_uris(&item),
            vec![
                "http://intranet.local".to_owned(),
                "HTTP://Old.Example/x".to_owned()
            ]
        );
        let uses = password_uses([&item]);
        assert_eq!(findings(&item, &uses, None).len(), 2);
        assert_eq!(Finding::Unsecured("x".into()).code(), "unsecured");
    }
}
