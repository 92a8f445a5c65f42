//! Newtype ids: a user id can never be passed where another kind of id is expected.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

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
