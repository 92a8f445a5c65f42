//! The personal vault as the server sees it: opaque encrypted blobs plus the metadata it needs to
//! sort, filter and purge. Everything a person typed is inside `data` or `name`, encrypted in the
//! browser with the user key.

use super::{problem_if, FolderId, ItemId, Millis, Problem};
use serde::{Deserialize, Serialize};

/// Longest encrypted item blob accepted (notes, custom fields and password history included).
pub const ITEM_DATA_MAX: usize = 100_000;
/// Longest encrypted folder name accepted.
pub const FOLDER_NAME_MAX: usize = 1_000;
pub const FOLDERS_MAX: u32 = 1_000;
pub const ITEMS_MAX: u32 = 50_000;
/// Sealed bytes one personal vault may hold in all: far beyond a real vault (10,000 items take
/// about 5 MB), yet a bound on what one account can make the server store and send.
pub const VAULT_BYTES_MAX: i64 = 64 * 1024 * 1024;
/// One answer of `vault_list` holds at most this many items…
pub const LIST_PAGE_ITEMS: usize = 2_000;
/// …and stops after the item that takes it past this many sealed bytes, so that many lists at
/// once cost the server little memory whatever the vault's size.
pub const LIST_PAGE_BYTES: usize = 2 * 1024 * 1024;
/// Ids one bulk call may name (trash, restore, delete).
pub const BULK_MAX: usize = 500;
/// Items stay this long in the trash before they are purged.
pub const TRASH_DAYS: i64 = 30;
pub const TRASH_MS: Millis = TRASH_DAYS * 24 * 60 * 60 * 1000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemType {
    Login,
    Card,
    Identity,
    SecureNote,
}

impl ItemType {
    pub const ALL: [ItemType; 4] = [
        ItemType::Login,
        ItemType::Card,
        ItemType::Identity,
        ItemType::SecureNote,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ItemType::Login => "login",
            ItemType::Card => "card",
            ItemType::Identity => "identity",
            ItemType::SecureNote => "secure_note",
        }
    }

    pub fn from_code(code: &str) -> Option<ItemType> {
        ItemType::ALL.into_iter().find(|t| t.code() == code)
    }
}

/// One item as stored and sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemRecord {
    pub id: ItemId,
    pub item_type: ItemType,
    pub folder_id: Option<FolderId>,
    pub favorite: bool,
    /// `EncString` of the item's JSON (name, fields, notes, history…).
    pub data: String,
    /// Bumped by every change; an update must name the revision it started from.
    pub revision: i64,
    pub created_at: Millis,
    pub revised_at: Millis,
    pub deleted_at: Option<Millis>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FolderRecord {
    pub id: FolderId,
    /// `EncString` of the folder's name.
    pub name: String,
    pub revised_at: Millis,
}

/// One page of the vault (the browser fetches every page, then decrypts and filters). Folders
/// come with the first page.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VaultSnapshot {
    pub items: Vec<ItemRecord>,
    pub folders: Vec<FolderRecord>,
    /// Where the next page starts; `None` on the last page.
    #[serde(default)]
    pub next: Option<ItemId>,
}

/// What a create or update sends.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemInput {
    pub item_type: ItemType,
    pub folder_id: Option<FolderId>,
    pub favorite: bool,
    pub data: String,
}

/// An import: new folders (encrypted names) and items that may point at them by index. Stored
/// in one transaction: all of it or nothing.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportInput {
    pub folders: Vec<String>,
    pub items: Vec<ImportItem>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportItem {
    /// Chosen in the browser, which sealed the item bound to it.
    pub id: ItemId,
    pub item_type: ItemType,
    /// Index into `ImportInput::folders`.
    pub folder: Option<u32>,
    /// A folder the vault already has, for a file folder of the same name (the browser matches
    /// names: the server only holds them encrypted). Never together with `folder`.
    #[serde(default)]
    pub folder_id: Option<FolderId>,
    pub favorite: bool,
    pub data: String,
}

/// Most items one import may bring (the same bound the browser applies to the file).
pub const IMPORT_MAX: usize = crate::domain::transfer::IMPORT_MAX;

impl ImportInput {
    /// Shape problems, before any row is touched; the first bad entry names the field.
    pub fn problems(&self) -> Vec<super::FieldError> {
        use super::{Field, FieldError};
        let mut found = Vec::new();
        if self.items.is_empty() {
            found.push(FieldError::new(Field::ImportFile, Problem::Required));
        } else if self.items.len() > IMPORT_MAX {
            found.push(FieldError::new(
                Field::ImportFile,
                Problem::LimitReached {
                    max: IMPORT_MAX as u32,
                },
            ));
        }
        if self.folders.len() > FOLDERS_MAX as usize {
            found.push(FieldError::new(
                Field::FolderName,
                Problem::LimitReached { max: FOLDERS_MAX },
            ));
        }
        if let Some(p) = self
            .folders
            .iter()
            .find_map(|f| encrypted_problem(f, FOLDER_NAME_MAX))
        {
            found.push(FieldError::new(Field::FolderName, p));
        }
        if let Some(p) = self
            .items
            .iter()
            .find_map(|i| encrypted_problem(&i.data, ITEM_DATA_MAX))
        {
            found.push(FieldError::new(Field::ItemData, p));
        }
        let mut ids = std::collections::HashSet::new();
        if !self.items.iter().all(|i| ids.insert(&i.id)) {
            found.push(FieldError::new(Field::ItemIds, Problem::Taken));
        }
        let folders = self.folders.len();
        if self.items.iter().any(|i| {
            i.folder.is_some_and(|f| f as usize >= folders)
                || (i.folder.is_some() && i.folder_id.is_some())
        }) {
            found.push(FieldError::new(Field::Folder, Problem::Invalid));
        }
        found
    }
}

/// Shape checks a server can make without any key: an `EncString` of bounded size.
pub fn encrypted_problem(text: &str, max: usize) -> Option<Problem> {
    if text.is_empty() {
        return Some(Problem::Required);
    }
    if text.len() > max {
        return Some(Problem::TooLong {
            max: u32::try_from(max).unwrap_or(u32::MAX),
        });
    }
    problem_if(
        crate::crypto::EncString::parse(text).is_err(),
        Problem::Invalid,
    )
}

pub fn bulk_problem(ids: &[ItemId]) -> Option<Problem> {
    if ids.is_empty() {
        Some(Problem::Required)
    } else if ids.len() > BULK_MAX {
        Some(Problem::LimitReached {
            max: BULK_MAX as u32,
        })
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::SymmetricKey;

    #[test]
    fn blobs_must_be_encrypted_and_bounded() {
        let key = SymmetricKey::generate().unwrap();
        let enc = key
            .encrypt(b"{\"name\":\"Bank\"}", "item")
            .unwrap()
            .to_string();
        assert_eq!(encrypted_problem(&enc, ITEM_DATA_MAX), None);
        assert_eq!(
            encrypted_problem("", ITEM_DATA_MAX),
            Some(Problem::Required)
        );
        assert_eq!(
            encrypted_problem("{\"name\":\"Bank\"}", ITEM_DATA_MAX),
            Some(Problem::Invalid)
        );
        assert_eq!(
            encrypted_problem(&enc, 10),
            Some(Problem::TooLong { max: 10 })
        );
        for t in ItemType::ALL {
            assert_eq!(ItemType::from_code(t.code()), Some(t));
        }
        assert_eq!(bulk_problem(&[]), Some(Problem::Required));
    }
}
