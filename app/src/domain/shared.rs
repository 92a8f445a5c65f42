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

/// Members one page of "who can reach this?" answers for.
pub const REACH_PAGE: usize = 50;
/// Lines that explain one member's access, at most; the rest are counted.
pub const REACH_LINES: usize = 12;

/// One way a member reaches the target: their own grant on one of its collections, or a group's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReachLine {
    pub collection: CollectionId,
    pub collection_name: String,
    pub level: AccessLevel,
    /// The group whose grant it is; `None`: the member's own grant.
    pub via_group: Option<String>,
    /// A group's grant on a collection where the member has a grant of their own, which wins.
    pub overridden: bool,
}

/// One member's access to a collection or an item, every way to it taken together: the answer
/// to "who can reach this?" has one of these per member, whatever the number of grants.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberReach {
    pub member: super::MemberId,
    pub email: String,
    pub name: Option<String>,
    /// An owner or admin: reaches everything through their role.
    pub via_role: bool,
    /// What the member can do with the target, all their lines taken together.
    pub effective: AccessLevel,
    /// The lines that explain it (own grants first, overridden ones last), at most `REACH_LINES`.
    pub lines: Vec<ReachLine>,
    /// Lines left out past `REACH_LINES`.
    pub more_lines: u32,
}

/// A page of members who reach the target, by address.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReachPage {
    pub members: Vec<MemberReach>,
    /// The last member of this page, to ask for the next one after.
    pub next: Option<super::MemberId>,
    /// How many members reach it in all (with the first page only).
    pub total: Option<u32>,
}

/// A grant as "who can reach this?" reads it: on which collection, at which level.
#[derive(Clone, Debug)]
pub struct GrantFact<'a> {
    pub collection: &'a CollectionId,
    pub collection_name: &'a str,
    pub level: AccessLevel,
}

/// One member's effective access and the lines that explain it, by the rules authorization
/// applies (`org::collection_rights`, `org::item_rights`): a member's own grant on a collection
/// overrides their groups' there; across collections each right is the most permissive; a role
/// reaches everything. `groups` yields each of the member's groups' grants on the target (group
/// name first); the work is one pass over them, and only `REACH_LINES` lines are kept.
pub fn settle_member<'a>(
    via_role: bool,
    own: &[GrantFact<'a>],
    groups: impl Iterator<Item = (&'a str, GrantFact<'a>)>,
) -> (AccessLevel, Vec<ReachLine>, u32) {
    use super::org::{collection_rights, item_rights};
    use std::collections::BTreeMap;
    let line = |g: &GrantFact<'_>, group: Option<&str>, overridden| ReachLine {
        collection: g.collection.clone(),
        collection_name: g.collection_name.to_owned(),
        level: g.level,
        via_group: group.map(str::to_owned),
        overridden,
    };
    let own_on: BTreeMap<&CollectionId, AccessLevel> =
        own.iter().map(|g| (g.collection, g.level)).collect();
    let mut lines: Vec<ReachLine> = own
        .iter()
        .take(REACH_LINES)
        .map(|g| line(g, None, false))
        .collect();
    let mut overridden_lines = Vec::new();
    let mut more = own.len().saturating_sub(REACH_LINES);
    // Per collection without an own grant: the distinct levels its groups give (at most five).
    let mut by_groups: BTreeMap<&CollectionId, Vec<AccessLevel>> = BTreeMap::new();
    for (group, grant) in groups {
        let overridden = own_on.contains_key(grant.collection);
        if !overridden {
            let levels = by_groups.entry(grant.collection).or_default();
            if !levels.contains(&grant.level) {
                levels.push(grant.level);
            }
        }
        let room = lines.len() + overridden_lines.len() < REACH_LINES;
        match (room, overridden) {
            (true, false) => lines.push(line(&grant, Some(group), false)),
            (true, true) => overridden_lines.push(line(&grant, Some(group), true)),
            (false, _) => more += 1,
        }
    }
    lines.extend(overridden_lines);
    let effective = if via_role {
        AccessLevel::Manage
    } else {
        let per_collection = own_on
            .values()
            .filter_map(|l| collection_rights(Some(*l), &[]))
            .chain(
                by_groups
                    .values()
                    .filter_map(|levels| collection_rights(None, levels)),
            );
        item_rights(per_collection).map_or(AccessLevel::ViewExceptPasswords, Rights::level)
    };
    (effective, lines, u32::try_from(more).unwrap_or(u32::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reach_says_which_lines_count_and_what_they_give_together() {
        use AccessLevel::*;
        let c = |n: u8| CollectionId::from_stored(format!("{n:08x}-0000-4000-8000-000000000000"));
        let (a, b) = (c(1), c(2));
        fn fact<'a>(coll: &'a CollectionId, first: bool, level: AccessLevel) -> GrantFact<'a> {
            GrantFact {
                collection: coll,
                collection_name: if first { "A" } else { "B" },
                level,
            }
        }
        // Ann: her own view-except-passwords on A overrides her group's edit there; her group's
        // view on B gives passwords: together view (A's edit does not count).
        let own = [fact(&a, true, ViewExceptPasswords)];
        let groups = vec![
            ("Ops", fact(&a, true, Edit)),
            ("Ops", fact(&b, false, View)),
        ];
        let (effective, lines, more) = settle_member(false, &own, groups.into_iter());
        assert_eq!(effective, View);
        assert_eq!(more, 0);
        let shown: Vec<(Option<&str>, &str, bool)> = lines
            .iter()
            .map(|l| {
                (
                    l.via_group.as_deref(),
                    l.collection_name.as_str(),
                    l.overridden,
                )
            })
            .collect();
        assert_eq!(
            shown,
            [
                (None, "A", false),
                (Some("Ops"), "B", false),
                (Some("Ops"), "A", true)
            ],
            "own grants first, overridden lines last"
        );
        // Bo: edit except passwords on A and view on B join into edit.
        let own = [fact(&a, true, EditExceptPasswords), fact(&b, false, View)];
        assert_eq!(settle_member(false, &own, std::iter::empty()).0, Edit);
        // Cy is an admin: everything, whatever the lines.
        assert_eq!(settle_member(true, &[], std::iter::empty()).0, Manage);
        // Many groups: the answer keeps REACH_LINES lines and counts the rest.
        let many = (0..5_000).map(|_| ("G", fact(&b, false, View)));
        let (effective, lines, more) = settle_member(false, &[], many);
        assert_eq!(effective, View);
        assert_eq!(lines.len(), REACH_LINES);
        assert_eq!(more as usize, 5_000 - REACH_LINES);
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
