//! Organizations as the server and the browser see them: plans, roles, member states, access
//! levels, what a set of grants allows, and the member rules that need no database. Who may ask
//! for what is decided in `authz`; the counts (last owner, seats) are checked in the transaction
//! that changes them (`db::orgs`).

use super::validate::{email_problem, name_problem, normalize_email};
use super::{
    problem_if, AppError, CollectionId, Field, FieldError, GroupId, MemberId, Millis, OrgId,
    Problem, UserId,
};
use serde::{Deserialize, Serialize};

/// Seats an organization may have at most (a bound, not a price list).
pub const SEATS_MAX: u32 = 100_000;
/// Addresses one invitation may name.
pub const INVITE_BATCH_MAX: usize = 100;
/// Collections (and groups) one invitation may grant.
pub const INVITE_GRANTS_MAX: usize = 200;
/// Grants one invitation call may write in all (addresses × collections and groups).
pub const INVITE_ROWS_MAX: usize = 5_000;
/// Members one bulk call (confirm, revoke, restore, remove) may name.
pub const MEMBER_BULK_MAX: usize = 500;
pub const COLLECTION_NAME_MAX: usize = 200;
pub const GROUP_NAME_MAX: usize = 100;
pub const COLLECTIONS_MAX: u32 = 10_000;
pub const GROUPS_MAX: u32 = 1_000;
/// Items one organization may hold (trash included): a quota of its own, so that moving personal
/// items in does not free the personal quota to be filled again.
pub const ORG_ITEMS_MAX: u32 = 100_000;

/// Sealed bytes an organization may hold: as much as a personal vault, plus 256 KB per seat, at
/// most 1 GB. A one-seat organization holds about what one person's vault does.
pub fn org_bytes_max(seats: u32) -> i64 {
    const KB: i64 = 1024;
    (super::vault::VAULT_BYTES_MAX + i64::from(seats) * 256 * KB).min(1024 * 1024 * KB)
}
/// An invitation link works this long.
pub const INVITE_LIFETIME_MS: Millis = 5 * 24 * 60 * 60 * 1000;

/// An enum stored and sent as a fixed lower-case code.
macro_rules! coded_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident => $code:literal),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vdoc])* $variant),*
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            pub fn code(self) -> &'static str {
                match self {
                    $($name::$variant => $code),*
                }
            }

            pub fn from_code(code: &str) -> Option<$name> {
                Self::ALL.iter().copied().find(|v| v.code() == code)
            }
        }
    };
}

pub(crate) use coded_enum;

coded_enum!(Plan {
    Free => "free",
    Teams => "teams",
    Enterprise => "enterprise",
});

coded_enum!(
    /// Ordered from the most to the least powerful.
    OrgRole {
        Owner => "owner",
        Admin => "admin",
        User => "user",
    }
);

coded_enum!(MemberStatus {
    /// Invited by address; no account linked yet, or not yet accepted.
    Invited => "invited",
    /// Accepted with their account; waits for an owner or admin to confirm their key.
    Accepted => "accepted",
    /// Holds the organization key, sealed to their public key.
    Confirmed => "confirmed",
});

coded_enum!(
    /// Access to one collection.
    AccessLevel {
        View => "view",
        ViewExceptPasswords => "view_except_passwords",
        Edit => "edit",
        EditExceptPasswords => "edit_except_passwords",
        /// Edit, and manage who reaches the collection.
        Manage => "manage",
    }
);

/// What access allows, as three independent rights: levels are not a line (seeing passwords
/// and editing are separate), so combining grants joins their rights.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rights {
    pub edit: bool,
    /// Receives and may change the secret part of items.
    pub secrets: bool,
    pub manage: bool,
}

impl Rights {
    /// What owners and admins have on every collection.
    pub const FULL: Rights = Rights {
        edit: true,
        secrets: true,
        manage: true,
    };

    pub fn join(self, other: Rights) -> Rights {
        Rights {
            edit: self.edit || other.edit,
            secrets: self.secrets || other.secrets,
            manage: self.manage || other.manage,
        }
    }

    /// The level that gives exactly these rights (manage implies edit and secrets).
    pub fn level(self) -> AccessLevel {
        match (self.manage, self.edit, self.secrets) {
            (true, _, _) => AccessLevel::Manage,
            (false, true, true) => AccessLevel::Edit,
            (false, true, false) => AccessLevel::EditExceptPasswords,
            (false, false, true) => AccessLevel::View,
            (false, false, false) => AccessLevel::ViewExceptPasswords,
        }
    }
}

impl AccessLevel {
    pub fn rights(self) -> Rights {
        let (edit, secrets, manage) = match self {
            AccessLevel::View => (false, true, false),
            AccessLevel::ViewExceptPasswords => (false, false, false),
            AccessLevel::Edit => (true, true, false),
            AccessLevel::EditExceptPasswords => (true, false, false),
            AccessLevel::Manage => (true, true, true),
        };
        Rights {
            edit,
            secrets,
            manage,
        }
    }
}

/// A member's rights on one collection: their own grant if they have one (it overrides their
/// groups'), else whatever their groups' grants give together; `None` when nothing reaches it.
pub fn collection_rights(direct: Option<AccessLevel>, groups: &[AccessLevel]) -> Option<Rights> {
    match direct {
        Some(level) => Some(level.rights()),
        None => groups.iter().map(|l| l.rights()).reduce(Rights::join),
    }
}

/// Rights on an item in several collections: the most permissive of each right.
pub fn item_rights(per_collection: impl IntoIterator<Item = Rights>) -> Option<Rights> {
    per_collection.into_iter().reduce(Rights::join)
}

/// A change an owner or admin makes to a member.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MemberChange {
    Role(OrgRole),
    Revoke,
    Restore,
    Remove,
}

/// Whether `actor` (an owner or admin, by capability) may make `change` to `target`, by role and
/// person. The rules that count (at least one confirmed owner, seats) are the transaction's.
pub fn member_change_problem(
    actor: (Option<&MemberId>, OrgRole),
    target: (&MemberId, OrgRole),
    change: MemberChange,
) -> Option<FieldError> {
    let touches_owner = target.1 == OrgRole::Owner || change == MemberChange::Role(OrgRole::Owner);
    if actor.1 != OrgRole::Owner && touches_owner {
        return Some(FieldError::new(Field::Role, Problem::OwnersOnly));
    }
    // Provider staff (no member id) are never the target.
    let own = actor.0 == Some(target.0);
    if own && matches!(change, MemberChange::Revoke | MemberChange::Remove) {
        return Some(FieldError::new(Field::Members, Problem::Yourself));
    }
    None
}

/// Whether `actor` may invite someone as `role`.
pub fn invite_role_problem(actor: OrgRole, role: OrgRole) -> Option<FieldError> {
    (actor != OrgRole::Owner && role == OrgRole::Owner)
        .then(|| FieldError::new(Field::Role, Problem::OwnersOnly))
}

/// Settings of an organization a person types.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgInput {
    pub name: String,
    pub billing_email: String,
    pub plan: Plan,
    pub seats: u32,
}

impl OrgInput {
    pub fn problems(&self) -> Vec<FieldError> {
        let seats = problem_if(
            self.seats == 0 || self.seats > SEATS_MAX,
            Problem::OutOfRange,
        );
        [
            (Field::OrgName, name_problem(&self.name)),
            (Field::BillingEmail, email_problem(&self.billing_email)),
            (Field::Seats, seats),
        ]
        .into_iter()
        .filter_map(|(f, p)| p.map(|p| FieldError::new(f, p)))
        .collect()
    }

    /// Trimmed, address normalized.
    pub fn cleaned(&self) -> OrgInput {
        OrgInput {
            name: self.name.trim().to_owned(),
            billing_email: normalize_email(&self.billing_email),
            plan: self.plan,
            seats: self.seats,
        }
    }
}

/// A new organization: its settings, its key sealed (in the browser) to the creator's public key,
/// and the name of its first collection.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewOrg {
    pub settings: OrgInput,
    pub sealed_org_key: String,
    pub default_collection: String,
}

/// An organization as one of its members sees it in the switcher and the vault.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgMembership {
    pub org_id: OrgId,
    pub name: String,
    pub plan: Plan,
    pub seats: u32,
    /// For owners and admins only.
    pub billing_email: Option<String>,
    pub member_id: MemberId,
    pub role: OrgRole,
    pub status: MemberStatus,
    pub revoked: bool,
    /// The organization key sealed to the member's public key, once confirmed.
    pub sealed_org_key: Option<String>,
}

/// One member as owners and admins see them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberRecord {
    pub id: MemberId,
    pub user_id: Option<UserId>,
    pub email: String,
    /// The account's name, once there is an account.
    pub name: Option<String>,
    pub role: OrgRole,
    pub status: MemberStatus,
    pub revoked: bool,
    /// The account's public key, for sealing the organization key at confirmation.
    pub public_key: Option<String>,
    pub groups: Vec<GroupId>,
    pub collections: Vec<Grant>,
}

/// Members per page of the Members section.
pub const MEMBER_PAGE_ROWS: usize = 50;
/// The longest search the Members section sends.
pub const MEMBER_SEARCH_MAX: usize = 200;

/// The order of the Members section: by address, by role (admins, owners, users) or by status
/// (accepted, confirmed, invited, then revoked: who waits for a confirmation first); each by
/// address within. Each order is an index of its own, read in order rather than sorted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MemberSort {
    #[default]
    Member,
    Role,
    Status,
}

/// What the Members section asks for: one page of the members matching a search.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberQuery {
    pub search: String,
    pub sort: MemberSort,
    pub descending: bool,
    /// From 0.
    pub page: u32,
    /// Only the members waiting for confirmation (accepted, not revoked).
    #[serde(default)]
    pub waiting: bool,
}

impl MemberQuery {
    /// A search longer than the box allows, or with a control character (never part of an
    /// address or a name; PostgreSQL refuses NUL).
    pub fn search_problem(&self) -> Option<Problem> {
        if self.search.chars().count() > MEMBER_SEARCH_MAX {
            Some(Problem::TooLong {
                max: MEMBER_SEARCH_MAX as u32,
            })
        } else if self.search.chars().any(char::is_control) {
            Some(Problem::Invalid)
        } else {
            None
        }
    }
}

/// One page of members, how many match in all, and how many wait for confirmation (accepted,
/// not revoked) whatever the search.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberPage {
    pub members: Vec<MemberRecord>,
    pub matching: u64,
    pub waiting: u64,
}

/// Access to one collection, as granted to a member or a group.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    pub collection: CollectionId,
    pub level: AccessLevel,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteInput {
    pub emails: Vec<String>,
    pub role: OrgRole,
    pub groups: Vec<GroupId>,
    pub collections: Vec<Grant>,
}

impl InviteInput {
    pub fn problems(&self) -> Vec<FieldError> {
        let emails = if self.emails.is_empty() {
            Some(Problem::Required)
        } else if self.emails.len() > INVITE_BATCH_MAX {
            Some(Problem::LimitReached {
                max: INVITE_BATCH_MAX as u32,
            })
        } else {
            self.emails.iter().find_map(|e| email_problem(e))
        };
        let mut seen = std::collections::HashSet::new();
        let twice = self.emails.iter().any(|e| !seen.insert(normalize_email(e)));
        let mut collections = std::collections::HashSet::new();
        let grants = problem_if(
            !self
                .collections
                .iter()
                .all(|g| collections.insert(&g.collection)),
            Problem::Invalid,
        )
        .or(problem_if(
            self.collections.len() > INVITE_GRANTS_MAX,
            Problem::LimitReached {
                max: INVITE_GRANTS_MAX as u32,
            },
        ));
        let mut groups = std::collections::HashSet::new();
        let groups_problem = problem_if(
            !self.groups.iter().all(|g| groups.insert(g)),
            Problem::Invalid,
        )
        .or(problem_if(
            self.groups.len() > INVITE_GRANTS_MAX,
            Problem::LimitReached {
                max: INVITE_GRANTS_MAX as u32,
            },
        ));
        // Every address gets every grant: the rows one call writes stay bounded.
        let rows = self.emails.len() * (self.collections.len() + self.groups.len());
        let too_many_rows = problem_if(
            rows > INVITE_ROWS_MAX,
            Problem::LimitReached {
                max: INVITE_ROWS_MAX as u32,
            },
        );
        [
            (Field::Emails, emails.or(problem_if(twice, Problem::Taken))),
            (Field::Collections, grants.or(too_many_rows)),
            (Field::Groups, groups_problem),
        ]
        .into_iter()
        .filter_map(|(f, p)| p.map(|p| FieldError::new(f, p)))
        .collect()
    }
}

/// Access to one collection for one member.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberGrant {
    pub member: MemberId,
    pub level: AccessLevel,
}

/// Access to one collection for one group.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupGrant {
    pub group: GroupId,
    pub level: AccessLevel,
}

/// Who reaches a collection directly: its members' and groups' grants, replaced as a whole.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollectionAccess {
    pub members: Vec<MemberGrant>,
    pub groups: Vec<GroupGrant>,
}

impl CollectionAccess {
    pub fn problems(&self) -> Vec<FieldError> {
        let mut members = std::collections::HashSet::new();
        let mut groups = std::collections::HashSet::new();
        let members_twice = !self.members.iter().all(|g| members.insert(&g.member));
        let groups_twice = !self.groups.iter().all(|g| groups.insert(&g.group));
        let too_many = |n: usize| {
            problem_if(
                n > MEMBER_BULK_MAX,
                Problem::LimitReached {
                    max: MEMBER_BULK_MAX as u32,
                },
            )
        };
        [
            (
                Field::Members,
                too_many(self.members.len()).or(problem_if(members_twice, Problem::Invalid)),
            ),
            (
                Field::Groups,
                too_many(self.groups.len()).or(problem_if(groups_twice, Problem::Invalid)),
            ),
        ]
        .into_iter()
        .filter_map(|(f, p)| p.map(|p| FieldError::new(f, p)))
        .collect()
    }
}

/// A group as the Admin Console edits it: its name, its members, its collections.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupInput {
    pub name: String,
    pub members: Vec<MemberId>,
    pub collections: Vec<Grant>,
}

impl GroupInput {
    pub fn problems(&self) -> Vec<FieldError> {
        let mut members = std::collections::HashSet::new();
        let mut collections = std::collections::HashSet::new();
        let members_bad =
            self.members.len() > MEMBER_BULK_MAX || !self.members.iter().all(|m| members.insert(m));
        let collections_bad = self.collections.len() > MEMBER_BULK_MAX
            || !self
                .collections
                .iter()
                .all(|g| collections.insert(&g.collection));
        [
            (Field::GroupName, group_name_problem(&self.name)),
            (Field::Members, problem_if(members_bad, Problem::Invalid)),
            (
                Field::Collections,
                problem_if(collections_bad, Problem::Invalid),
            ),
        ]
        .into_iter()
        .filter_map(|(f, p)| p.map(|p| FieldError::new(f, p)))
        .collect()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupRecord {
    pub id: GroupId,
    pub name: String,
    pub members: Vec<MemberId>,
    pub collections: Vec<Grant>,
}

/// A collection as the Admin Console lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollectionSummary {
    pub id: CollectionId,
    pub name: String,
}

/// An organization key sealed to a public key: a libsodium sealed box (32-byte ephemeral key,
/// 16-byte tag) around the 32-byte key, in standard base64.
pub const SEALED_KEY_BYTES: usize = 32 + 16 + 32;

pub fn sealed_key_problem(text: &str) -> Option<Problem> {
    if text.is_empty() {
        return Some(Problem::Required);
    }
    if text.len() > 200 {
        return Some(Problem::Invalid);
    }
    problem_if(
        crate::crypto::unb64(text).map_or(true, |bytes| bytes.len() != SEALED_KEY_BYTES),
        Problem::Invalid,
    )
}

/// What each member of a bulk call came to, in the order asked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberOutcome {
    pub member: MemberId,
    pub error: Option<AppError>,
}

/// The organization key sealed to one member's public key, by the admin who confirms them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Confirmation {
    pub member: MemberId,
    pub sealed_org_key: String,
}

/// What an invitation link shows before it is accepted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invitation {
    pub org_name: String,
    pub email: String,
    /// Whether an account exists for the invited address.
    pub has_account: bool,
}

pub fn collection_name_problem(name: &str) -> Option<Problem> {
    let trimmed = name.trim();
    if trimmed.is_empty() {
        Some(Problem::Required)
    } else if trimmed.chars().count() > COLLECTION_NAME_MAX {
        Some(Problem::TooLong {
            max: COLLECTION_NAME_MAX as u32,
        })
    } else if trimmed.split('/').any(|part| part.trim().is_empty()) {
        Some(Problem::Invalid)
    } else {
        super::validate::shown_text_problem(trimmed)
    }
}

pub fn group_name_problem(name: &str) -> Option<Problem> {
    let trimmed = name.trim();
    if trimmed.is_empty() {
        Some(Problem::Required)
    } else if trimmed.chars().count() > GROUP_NAME_MAX {
        Some(Problem::TooLong {
            max: GROUP_NAME_MAX as u32,
        })
    } else {
        super::validate::shown_text_problem(trimmed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for role in OrgRole::ALL {
            assert_eq!(OrgRole::from_code(role.code()), Some(*role));
        }
        for level in AccessLevel::ALL {
            assert_eq!(AccessLevel::from_code(level.code()), Some(*level));
            assert_eq!(level.rights().level(), *level, "a level is its rights");
        }
        assert_eq!(Plan::from_code("gold"), None);
    }

    #[test]
    fn a_direct_grant_overrides_groups_and_collections_join() {
        use AccessLevel::*;
        // Own grant wins over a more permissive group grant on the same collection.
        assert_eq!(
            collection_rights(Some(ViewExceptPasswords), &[Manage]),
            Some(ViewExceptPasswords.rights())
        );
        // Groups alone join.
        assert_eq!(
            collection_rights(None, &[View, EditExceptPasswords]).map(Rights::level),
            Some(Edit)
        );
        assert_eq!(collection_rights(None, &[]), None);
        // Across collections the most permissive right wins, right by right.
        let rights = item_rights([ViewExceptPasswords.rights(), EditExceptPasswords.rights()]);
        assert_eq!(rights.map(Rights::level), Some(EditExceptPasswords));
        assert!(!rights.unwrap().secrets, "no collection gave passwords");
        assert_eq!(item_rights([]), None);
    }

    #[test]
    fn only_owners_touch_owners_and_nobody_revokes_themselves() {
        use MemberChange::*;
        use OrgRole::*;
        let (me, other) = (
            MemberId::from_stored("m1".into()),
            MemberId::from_stored("m2".into()),
        );
        let owners_only = Some(FieldError::new(Field::Role, Problem::OwnersOnly));
        let yourself = Some(FieldError::new(Field::Members, Problem::Yourself));
        let cases: &[(OrgRole, OrgRole, MemberChange, bool, Option<FieldError>)] = &[
            (Admin, Owner, Revoke, false, owners_only),
            (Admin, Owner, Remove, false, owners_only),
            (Admin, Owner, Role(User), false, owners_only),
            (Admin, User, Role(Owner), false, owners_only),
            (Admin, User, Role(Admin), false, None),
            (Admin, Admin, Revoke, false, None),
            (Admin, User, Restore, false, None),
            (Owner, Owner, Revoke, false, None),
            (Owner, User, Role(Owner), false, None),
            (Owner, Owner, Revoke, true, yourself),
            (Owner, Owner, Remove, true, yourself),
            (Admin, Admin, Revoke, true, yourself),
            // Stepping down is allowed; the last-owner rule is the transaction's.
            (Owner, Owner, Role(Admin), true, None),
        ];
        for &(actor, target, change, own, expected) in cases {
            let target_id = if own { &me } else { &other };
            assert_eq!(
                member_change_problem((Some(&me), actor), (target_id, target), change),
                expected,
                "{actor:?} → {target:?} {change:?} own={own}"
            );
        }
        assert!(invite_role_problem(Admin, Owner).is_some());
        assert!(invite_role_problem(Owner, Owner).is_none());
        assert!(invite_role_problem(Admin, Admin).is_none());
    }

    #[test]
    fn inputs_are_checked() {
        let ok = OrgInput {
            name: "Acme".into(),
            billing_email: "billing@acme.test".into(),
            plan: Plan::Teams,
            seats: 10,
        };
        assert!(ok.problems().is_empty());
        let bad = OrgInput {
            name: " ".into(),
            billing_email: "nope".into(),
            seats: 0,
            ..ok.clone()
        };
        let fields: Vec<Field> = bad.problems().iter().map(|e| e.field).collect();
        assert_eq!(fields, [Field::OrgName, Field::BillingEmail, Field::Seats]);
        let too_many = OrgInput {
            seats: SEATS_MAX + 1,
            ..ok
        };
        assert_eq!(
            too_many.problems(),
            [FieldError::new(Field::Seats, Problem::OutOfRange)]
        );

        let invite = |emails: &[&str]| InviteInput {
            emails: emails.iter().map(|e| e.to_string()).collect(),
            role: OrgRole::User,
            groups: vec![],
            collections: vec![],
        };
        assert!(invite(&["a@x.test", "b@x.test"]).problems().is_empty());
        assert_eq!(
            invite(&["a@x.test", " A@X.test"]).problems(),
            [FieldError::new(Field::Emails, Problem::Taken)]
        );
        assert_eq!(
            invite(&[]).problems(),
            [FieldError::new(Field::Emails, Problem::Required)]
        );
        assert_eq!(
            invite(&["a@x.test", "not an address"]).problems(),
            [FieldError::new(Field::Emails, Problem::Invalid)]
        );

        assert_eq!(collection_name_problem("Clients/Acme"), None);
        assert_eq!(
            collection_name_problem("Clients//Acme"),
            Some(Problem::Invalid)
        );
        assert_eq!(collection_name_problem(" "), Some(Problem::Required));
        assert_eq!(group_name_problem("Support"), None);
        assert_eq!(
            group_name_problem("Ops\u{202E}nimda"),
            Some(Problem::HiddenCharacters)
        );
        assert_eq!(
            collection_name_problem("Servers/\u{200D}x"),
            Some(Problem::HiddenCharacters)
        );
    }
}
