//! Shared items as the server sees them: an organization's items, each sealed in two parts (the
//! open fields and the secrets, `crypto::items::seal_shared`), in one or more collections. What a
//! member may do with them is `authz`'s (`SharedAction`), from the rights their collections give.

use super::org::{AccessLevel, Rights};
use super::vault::{encrypted_problem, ItemType, ITEM_DATA_MAX};
use super::{
    problem_if, CollectionId, Field, FieldError, FolderId, ItemId, Millis, OrgId, Problem,
};
use serde::{Deserialize, Serialize};

/// Collections one item may be in.
pub const ITEM_COLLECTIONS_MAX: usize = 100;

/// One shared item as a member receives it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedItemRecord {
    pub id: ItemId,
    pub org_id: OrgId,
    pub item_type: ItemType,
    /// The collections of the item this member reaches (all of them for owners and admins).
    pub collections: Vec<CollectionId>,
    /// The open part, sealed with the organization key.
    pub data: String,
    /// The secret part; `None` when the member's access hides passwords (it is not sent).
    pub secrets: Option<String>,
    /// What the member may do with it.
    pub rights: Rights,
    /// The member's own marks.
    pub favorite: bool,
    pub folder_id: Option<FolderId>,
    pub revision: i64,
    pub created_at: Millis,
    pub revised_at: Millis,
    pub deleted_at: Option<Millis>,
}

/// A collection a member reaches, with their rights on it (owners and admins reach all).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReachedCollection {
    pub id: CollectionId,
    pub name: String,
    pub rights: Rights,
}

/// One page of an organization's items for one member; the collections come with the first.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedPage {
    pub items: Vec<SharedItemRecord>,
    pub collections: Vec<ReachedCollection>,
    pub next: Option<ItemId>,
}

/// A new shared item, or a change to one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedItemInput {
    pub item_type: ItemType,
    pub data: String,
    /// The new secret part; `None` keeps the stored one (an editor who cannot see passwords
    /// sends none). A new item must have one.
    pub secrets: Option<String>,
}

impl SharedItemInput {
    pub fn problems(&self, new: bool) -> Vec<FieldError> {
        let secrets = match &self.secrets {
            Some(s) => encrypted_problem(s, ITEM_DATA_MAX),
            None => problem_if(new, Problem::Required),
        };
        let size = self.data.len() + self.secrets.as_ref().map_or(0, String::len);
        let total = problem_if(
            size > ITEM_DATA_MAX,
            Problem::TooLong {
                max: ITEM_DATA_MAX as u32,
            },
        );
        [(
            Field::ItemData,
            encrypted_problem(&self.data, ITEM_DATA_MAX)
                .or(secrets)
                .or(total),
        )]
        .into_iter()
        .filter_map(|(f, p)| p.map(|p| FieldError::new(f, p)))
        .collect()
    }
}

/// The collections an item is put in: at least one, each once.
pub fn collections_problem(collections: &[CollectionId]) -> Option<Problem> {
    let mut seen = std::collections::HashSet::new();
    if collections.is_empty() {
        Some(Problem::Required)
    } else if collections.len() > ITEM_COLLECTIONS_MAX {
        Some(Problem::LimitReached {
            max: ITEM_COLLECTIONS_MAX as u32,
        })
    } else {
        problem_if(
            !collections.iter().all(|c| seen.insert(c)),
            Problem::Invalid,
        )
    }
}

/// A personal item moving into an organization, sealed again in the browser with the
/// organization key, bound to the same id and its new owner.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MoveIn {
    pub id: ItemId,
    /// The personal item's revision the browser re-sealed.
    pub revision: i64,
    pub item: SharedItemInput,
}

/// Who reaches a collection or an item, and how: the answer to "who can reach this?".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reach {
    pub member: super::MemberId,
    pub email: String,
    pub name: Option<String>,
    pub level: AccessLevel,
    /// `None`: their own grant, or their role (owners and admins reach everything).
    pub via_group: Option<String>,
    pub via_role: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_are_checked() {
        let key = crate::crypto::SymmetricKey::generate().unwrap();
        let sealed = key.encrypt(b"{}", "x").unwrap().to_string();
        let input = SharedItemInput {
            item_type: ItemType::Login,
            data: sealed.clone(),
            secrets: None,
        };
        assert!(
            input.problems(false).is_empty(),
            "an edit may keep the secrets"
        );
        assert_eq!(
            input.problems(true),
            [FieldError::new(Field::ItemData, Problem::Required)]
        );
        let plain = SharedItemInput {
            secrets: Some("password: hunter2".into()),
            ..input
        };
        assert_eq!(
            plain.problems(true),
            [FieldError::new(Field::ItemData, Problem::Invalid)]
        );
        let c = |n: u8| CollectionId::from_stored(format!("{n:08x}-0000-4000-8000-000000000000"));
        assert_eq!(collections_problem(&[]), Some(Problem::Required));
        assert_eq!(collections_problem(&[c(1), c(1)]), Some(Problem::Invalid));
        assert_eq!(collections_problem(&[c(1), c(2)]), None);
    }
}
