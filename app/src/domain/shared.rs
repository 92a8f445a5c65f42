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
    /// The collection this line's grant is on (`None` for a role).
    pub collection: Option<super::CollectionId>,
    /// A group's grant on a collection where the member has a grant of their own, which wins.
    pub overridden: bool,
    /// What the member can do with the target, all their lines taken together.
    pub effective: AccessLevel,
}

/// Fills in `overridden` and `effective` from the lines themselves, by the rules authorization
/// applies (`org::collection_rights`, `org::item_rights`): a member's own grant on a collection
/// overrides their groups' there; across collections each right is the most permissive; a role
/// reaches everything.
pub fn settle_reach(lines: &mut [Reach]) {
    use super::org::{collection_rights, item_rights, Rights};
    use std::collections::HashMap;
    let direct: std::collections::HashSet<(super::MemberId, super::CollectionId)> = lines
        .iter()
        .filter(|l| !l.via_role && l.via_group.is_none())
        .filter_map(|l| Some((l.member.clone(), l.collection.clone()?)))
        .collect();
    // Per member, per collection: their own level and their groups' levels.
    type Grants = (Option<AccessLevel>, Vec<AccessLevel>);
    let mut per: HashMap<super::MemberId, (bool, HashMap<super::CollectionId, Grants>)> =
        HashMap::new();
    for line in lines.iter_mut() {
        let entry = per.entry(line.member.clone()).or_default();
        let Some(collection) = line.collection.clone() else {
            entry.0 |= line.via_role;
            continue;
        };
        line.overridden =
            line.via_group.is_some() && direct.contains(&(line.member.clone(), collection.clone()));
        let grants = entry.1.entry(collection).or_default();
        if line.via_group.is_some() {
            grants.1.push(line.level);
        } else {
            grants.0 = Some(line.level);
        }
    }
    for line in lines.iter_mut() {
        let (role, collections) = &per[&line.member];
        line.effective = if *role {
            AccessLevel::Manage
        } else {
            item_rights(
                collections
                    .values()
                    .filter_map(|(own, groups)| collection_rights(*own, groups)),
            )
            .map_or(AccessLevel::ViewExceptPasswords, Rights::level)
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(member: &str, coll: Option<&str>, level: AccessLevel, group: Option<&str>) -> Reach {
        Reach {
            member: crate::domain::MemberId::from_stored(member.into()),
            email: format!("{member}@example.org"),
            name: None,
            level,
            via_group: group.map(str::to_owned),
            via_role: coll.is_none(),
            collection: coll.map(|c| crate::domain::CollectionId::from_stored(c.into())),
            overridden: false,
            effective: AccessLevel::ViewExceptPasswords,
        }
    }

    #[test]
    fn reach_says_which_lines_count_and_what_they_give_together() {
        use AccessLevel::*;
        let mut lines = vec![
            // Ann: her own view-except-passwords on A overrides her group's edit there; her
            // group's view on B gives passwords: together view (A's edit does not count).
            line("ann", Some("a"), ViewExceptPasswords, None),
            line("ann", Some("a"), Edit, Some("Ops")),
            line("ann", Some("b"), View, Some("Ops")),
            // Bo: edit except passwords on A and view on B join into edit.
            line("bo", Some("a"), EditExceptPasswords, None),
            line("bo", Some("b"), View, None),
            // Cy is an admin: everything.
            line("cy", None, Manage, None),
        ];
        settle_reach(&mut lines);
        let overridden: Vec<bool> = lines.iter().map(|l| l.overridden).collect();
        assert_eq!(overridden, [false, true, false, false, false, false]);
        let effective: Vec<AccessLevel> = lines.iter().map(|l| l.effective).collect();
        assert_eq!(effective, [View, View, View, Edit, Edit, Manage]);
    }

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
