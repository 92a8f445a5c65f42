//! Newtype ids: a user id can never be passed where another kind of id is expected.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Ids are UUIDs in hyphenated lower-case text (as the server mints them and the browser
/// chooses item ids). They are checked where they enter, as they are decoded, so nothing else (a
/// NUL character, a megabyte of text, the same id in capitals) reaches a query as an id.
fn is_id_text(text: &str) -> bool {
    text.len() == 36
        && text.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_digit() || (b'a'..=b'f').contains(&b),
        })
}

macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let raw = String::deserialize(d)?;
                if is_id_text(&raw) {
                    Ok(Self(raw))
                } else {
                    Err(serde::de::Error::custom("not an id"))
                }
            }
        }

        impl $name {
            /// Wraps a stored id. Ids are opaque: only the server mints them.
            pub fn from_stored(raw: String) -> Self {
                Self(raw)
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

id_type!(
    /// Identifies an account.
    UserId
);

id_type!(
    /// Identifies a vault item.
    ItemId
);

id_type!(
    /// Identifies a folder of one user's vault.
    FolderId
);

id_type!(
    /// Identifies an organization.
    OrgId
);

id_type!(
    /// Identifies one person's place in one organization (invited, accepted or confirmed).
    MemberId
);

id_type!(
    /// Identifies a collection of an organization.
    CollectionId
);

id_type!(
    /// Identifies a group of an organization's members.
    GroupId
);

id_type!(
    /// Identifies an event of the log (a page's cursor names the last one read).
    EventId
);

id_type!(
    /// Identifies a provider (an MSP or reseller administering client organizations).
    ProviderId
);

id_type!(
    /// Identifies one person's place in one provider (invited, accepted or confirmed).
    ProviderMemberId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_uuid_text_decodes_as_an_id() {
        let ok: ItemId =
            serde_json::from_str("\"0b6f3f4e-9a3c-4c7e-8f1a-2d5b6c7d8e9f\"").expect("a uuid");
        assert_eq!(ok.as_str(), "0b6f3f4e-9a3c-4c7e-8f1a-2d5b6c7d8e9f");
        for bad in [
            "\"\"",
            "\"no-such-item\"",
            "\"0b6f3f4e-9a3c-4c7e-8f1a-2d5b6c7d8e9\\u0000\"",
            "\"0b6f3f4e-9a3c-4c7e-8f1a-2d5b6c7d8e9fa\"",
            "\"0b6f3f4e_9a3c-4c7e-8f1a-2d5b6c7d8e9f\"",
            "\"0b6f3f4e-9a3c-4c7e-8f1a-2d5b6c7d8é\"",
            "\"0B6F3F4E-9A3C-4C7E-8F1A-2D5B6C7D8E9F\"",
            "17",
        ] {
            assert!(
                serde_json::from_str::<FolderId>(bad).is_err(),
                "{bad} must be refused"
            );
        }
    }
}
