//! The one authorization module. Server functions ask it before touching data; nothing else
//! decides access. A decision hands back a capability value that the data layer requires, so code
//! that skipped the question cannot call the guarded query at all. The action is part of the
//! capability's type, so a capability obtained for one action (reading the vault) cannot open a
//! query that does another (writing it).

use super::org::{collection_rights, item_rights, AccessLevel, MemberStatus, OrgRole, Rights};
use super::provider::{ProviderRole, ProviderStatus, STAFF_ORG_ROLE};
use super::{AppError, MemberId, OrgId, ProviderId, ProviderMemberId, UserId};
use std::marker::PhantomData;

/// Who is calling, as loaded from the session and the database.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    pub user_id: UserId,
    pub is_operator: bool,
}

/// The role an actor holds towards the thing it acts on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// The account's own holder.
    SelfAccount,
    /// Another signed-in account.
    OtherAccount,
    /// An instance operator, acting on someone else's account.
    Operator,
}

mod sealed {
    /// Only this module names actions, so every marker stands for exactly one row of the rule
    /// table and no other code can invent one.
    pub trait Sealed {}
}

/// An [`Action`] on an account, as a type: the `A` of [`AccountAccess<A>`].
pub trait AccountAction: sealed::Sealed {
    const ACTION: Action;
}

/// A family of actions, listed once: the `$enum` enum, `$enum::ALL`, and one uninhabited marker
/// type per action (implementing `$trait`), which exists only to be named in a capability's type.
macro_rules! actions {
    ($trait:ident, $enum:ident, $capability:literal: $($(#[$doc:meta])* $name:ident),* $(,)?) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum $enum {
            $($(#[$doc])* $name),*
        }

        impl $enum {
            pub const ALL: &'static [$enum] = &[$($enum::$name),*];
        }

        $(
            #[doc = concat!("[`", stringify!($enum), "::", stringify!($name), "`] as a type, for [`", $capability, "`].")]
            #[derive(Debug)]
            pub enum $name {}

            impl sealed::Sealed for $name {}

            impl $trait for $name {
                const ACTION: $enum = $enum::$name;
            }
        )*
    };
}

actions!(AccountAction, Action, "AccountAccess":
    ReadAccount,
    ReadAccountKeys,
    UpdateProfile,
    ChangeMasterPassword,
    /// Read the items and folders of the account's personal vault.
    ReadVault,
    /// Create, change, trash, restore or delete items and folders of the personal vault.
    WriteVault,
    /// End every session of the account.
    SignOutEverywhere,
    /// Create an organization, becoming its first owner.
    CreateOrganization,
    /// Accept an invitation made for the account's address, or leave an organization.
    JoinOrganization,
);

/// Proof that the actor may do `A` to the account `target`. Only [`authorize_account`] makes one,
/// and each guarded query asks for the action it performs.
#[derive(Debug)]
pub struct AccountAccess<A: AccountAction> {
    target: UserId,
    action: PhantomData<A>,
}

impl<A: AccountAction> AccountAccess<A> {
    pub fn target(&self) -> &UserId {
        &self.target
    }
}

pub fn role_of(actor: &Actor, target: &UserId) -> Role {
    if &actor.user_id == target {
        Role::SelfAccount
    } else if actor.is_operator {
        Role::Operator
    } else {
        Role::OtherAccount
    }
}

/// The rule table: which role may do what.
pub fn allowed(role: Role, action: Action) -> bool {
    use Action::*;
    match (role, action) {
        (
            Role::SelfAccount,
            ReadAccount | ReadAccountKeys | UpdateProfile | ChangeMasterPassword | ReadVault
            | WriteVault | SignOutEverywhere | CreateOrganization | JoinOrganization,
        ) => true,
        // Operators run the instance; they never read or change someone else's account or keys.
        (Role::Operator | Role::OtherAccount, _) => false,
    }
}

/// Asks the rule table whether `actor` may do `A` to `target`; the answer is the capability the
/// queries for `A` require.
pub fn authorize_account<A: AccountAction>(
    actor: &Actor,
    target: &UserId,
) -> Result<AccountAccess<A>, AppError> {
    if allowed(role_of(actor, target), A::ACTION) {
        Ok(AccountAccess {
            target: target.clone(),
            action: PhantomData,
        })
    } else {
        Err(AppError::Forbidden)
    }
}

/// What the capability types promise, checked by the doc tests of `cargo test -p app --features
/// ssr` (the queries exist only with `ssr`). A write query opens with a capability for writing:
///
/// ```
/// use app::db::{vault, Db};
/// use app::domain::authz::{authorize_account, Actor, WriteVault};
/// use app::domain::AppError;
///
/// async fn empty_trash(db: &Db, actor: &Actor) -> Result<u64, AppError> {
///     let access = authorize_account::<WriteVault>(actor, &actor.user_id)?;
///     vault::empty_trash(db, &access).await
/// }
/// ```
///
/// The same code holding a capability for reading does not compile (it differs from the above
/// only in the action):
///
/// ```compile_fail
/// use app::db::{vault, Db};
/// use app::domain::authz::{authorize_account, Actor, ReadVault};
/// use app::domain::AppError;
///
/// async fn empty_trash(db: &Db, actor: &Actor) -> Result<u64, AppError> {
///     let access = authorize_account::<ReadVault>(actor, &actor.user_id)?;
///     vault::empty_trash(db, &access).await
/// }
/// ```
///
/// Nor does a capability made without asking:
///
/// ```compile_fail
/// use app::domain::authz::{AccountAccess, WriteVault};
/// use app::domain::UserId;
/// use std::marker::PhantomData;
///
/// let _forged: AccountAccess<WriteVault> = AccountAccess {
///     target: UserId::from_stored("u1".into()),
///     action: PhantomData,
/// };
/// ```
///
/// Nor an action of one's own that passes for a write:
///
/// ```compile_fail
/// use app::domain::authz::{AccountAction, Action};
///
/// enum Sneaky {}
/// impl AccountAction for Sneaky {
///     const ACTION: Action = Action::WriteVault;
/// }
/// ```
#[cfg(all(doctest, feature = "ssr"))]
pub struct CapabilityTypes;

/// The caller's standing toward one organization, loaded in one query per request
/// (`db::orgs::standing`): the organization, the caller's place in it if any, and, if the
/// organization is a provider's client, that provider's state and the caller's place in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrgStanding {
    pub org_id: OrgId,
    pub member: Option<Membership>,
    pub provider: Option<ClientOf>,
}

/// The provider an organization is a client of, as the caller stands toward it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientOf {
    pub provider_id: ProviderId,
    pub status: ProviderStatus,
    pub enabled: bool,
    /// The caller's place in that provider, if any.
    pub staff: Option<Staff>,
}

/// A person's place in a provider, as seen from one of its client organizations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Staff {
    pub user_id: UserId,
    pub role: ProviderRole,
    pub status: MemberStatus,
    pub revoked: bool,
}

impl ClientOf {
    /// The account of the caller if they act in the client as its provider's staff: a
    /// confirmed, unrevoked member (either role) of an active, enabled provider.
    pub fn acting_staff(&self) -> Option<&UserId> {
        let staff = self.staff.as_ref()?;
        (self.enabled
            && self.status == ProviderStatus::Active
            && staff.status == MemberStatus::Confirmed
            && !staff.revoked)
            .then_some(&staff.user_id)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Membership {
    pub id: MemberId,
    pub role: OrgRole,
    pub status: MemberStatus,
    pub revoked: bool,
}

/// An [`OrgAction`] as a type: the `A` of [`OrgAccess<A>`].
pub trait OrgActionType: sealed::Sealed {
    const ACTION: OrgAction;
}

actions!(OrgActionType, OrgAction, "OrgAccess":
    /// See the organization and the shared items its collections give the member.
    UseOrg,
    /// Create, change, trash or delete shared items where the member's collections let them edit.
    WriteOrgItems,
    /// Leave the organization.
    LeaveOrg,
    /// Every item of the organization, whatever the collections (the Admin Console's vault).
    ReadAllItems,
    /// Create, rename and delete collections and set who reaches them.
    ManageCollections,
    /// Create, rename and delete groups and set their members and access.
    ManageGroups,
    /// List members, their access, and the reports on them.
    ReadMembers,
    /// Invite, confirm, re-send, revoke, restore, change and remove members (owners only for
    /// owners: `org::member_change_problem`).
    ManageMembers,
    ReadEvents,
    /// Name, billing email, plan and seats.
    UpdateSettings,
    DeleteOrg,
);

/// The organization rule table: which role may do what, once confirmed and not revoked.
pub fn org_allowed(role: OrgRole, action: OrgAction) -> bool {
    use OrgAction::*;
    match (role, action) {
        (OrgRole::Owner, _) => true,
        (OrgRole::Admin, UpdateSettings | DeleteOrg) => false,
        (OrgRole::Admin, _) => true,
        (OrgRole::User, UseOrg | WriteOrgItems | LeaveOrg) => true,
        (OrgRole::User, _) => false,
    }
}

/// Who acts through an organization capability: one of its members, or the staff of the
/// provider the organization is a client of (who have no member id in it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Acting {
    Member(MemberId),
    Provider { provider: ProviderId, user: UserId },
}

/// Proof that the caller may do `A` in the organization `org`, as `acting` with the powers of
/// `role` (provider staff: an owner's). Only [`authorize_org`] makes one.
#[derive(Debug)]
pub struct OrgAccess<A: OrgActionType> {
    org: OrgId,
    acting: Acting,
    role: OrgRole,
    action: PhantomData<A>,
}

impl<A: OrgActionType> OrgAccess<A> {
    pub fn org(&self) -> &OrgId {
        &self.org
    }
    pub fn acting(&self) -> &Acting {
        &self.acting
    }
    /// The caller's member id, when they act as a member.
    pub fn member(&self) -> Option<&MemberId> {
        match &self.acting {
            Acting::Member(id) => Some(id),
            Acting::Provider { .. } => None,
        }
    }
    /// The provider the caller acts through, if any: events written with this capability name it.
    pub fn acting_provider(&self) -> Option<&ProviderId> {
        match &self.acting {
            Acting::Member(_) => None,
            Acting::Provider { provider, .. } => Some(provider),
        }
    }
    /// Whose collection grants count, as bound in the grant queries: the member's id; for
    /// provider staff, who hold no grants (they reach everything as owners), a value no member
    /// id equals.
    pub fn grants_subject(&self) -> &str {
        self.member().map_or("", MemberId::as_str)
    }
    pub fn role(&self) -> OrgRole {
        self.role
    }
}

/// Asks the organization rule table. Someone with no place in the organization is told it does
/// not exist (ids are not an oracle); invited and accepted members reach nothing but leaving,
/// revoked members nothing at all (their place is the admins' to restore or remove); a
/// confirmed member gets what their role allows. Confirmed, unrevoked staff of the active,
/// enabled provider the organization is a client of get an owner's powers (leaving aside: they
/// are not members), acting through the provider; a member who is also such staff acts as a
/// member only when an owner, so the stronger place wins and ties stay the member's own.
pub fn authorize_org<A: OrgActionType>(standing: &OrgStanding) -> Result<OrgAccess<A>, AppError> {
    let staff = standing
        .provider
        .as_ref()
        .and_then(|p| p.acting_staff().map(|user| (&p.provider_id, user)))
        .filter(|_| A::ACTION != OrgAction::LeaveOrg);
    if let Some(member) = &standing.member {
        let usable = member.status == MemberStatus::Confirmed && !member.revoked;
        let leaving = A::ACTION == OrgAction::LeaveOrg && !member.revoked;
        let stronger_elsewhere = staff.is_some() && member.role != OrgRole::Owner;
        if (usable || leaving) && org_allowed(member.role, A::ACTION) && !stronger_elsewhere {
            return Ok(OrgAccess {
                org: standing.org_id.clone(),
                acting: Acting::Member(member.id.clone()),
                role: member.role,
                action: PhantomData,
            });
        }
    }
    if let Some((provider, user)) = staff {
        if org_allowed(STAFF_ORG_ROLE, A::ACTION) {
            return Ok(OrgAccess {
                org: standing.org_id.clone(),
                acting: Acting::Provider {
                    provider: provider.clone(),
                    user: user.clone(),
                },
                role: STAFF_ORG_ROLE,
                action: PhantomData,
            });
        }
    }
    let known = standing.member.is_some()
        || standing
            .provider
            .as_ref()
            .is_some_and(|p| p.staff.is_some());
    Err(if known {
        AppError::Forbidden
    } else {
        AppError::NotFound
    })
}

/// What one member's grants say about one target (a shared item, or a collection), as loaded in
/// the transaction that acts on it: whether it is the organization's, and for each collection it
/// is in (a collection: itself) the member's own grant and their groups' grants.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TargetGrants {
    pub exists: bool,
    pub collections: Vec<CollectionGrants>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CollectionGrants {
    pub direct: Option<AccessLevel>,
    pub groups: Vec<AccessLevel>,
}

/// The rights a member with `role` has on a target: owners and admins reach everything the
/// organization holds; users what their collections give (`org::collection_rights`, joined
/// across collections). `None`: the target is not theirs to see.
pub fn shared_rights(role: OrgRole, target: &TargetGrants) -> Option<Rights> {
    if !target.exists {
        return None;
    }
    if reaches_everything(role) {
        return Some(Rights::FULL);
    }
    item_rights(
        target
            .collections
            .iter()
            .filter_map(|c| collection_rights(c.direct, &c.groups)),
    )
}

/// Whether a role reaches every collection and item of the organization, whatever the grants
/// (the list query uses it to skip the collections join; `shared_rights` to give every right).
pub fn reaches_everything(role: OrgRole) -> bool {
    matches!(role, OrgRole::Owner | OrgRole::Admin)
}

/// Where shared items are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReadScope {
    /// The member's own vault: the collections assigned to them, whatever their role.
    OwnVault,
    /// The Admin Console (and the writes' own reads): everything the role reaches. Opening
    /// secrets there is recorded.
    Console,
}

/// Whether a collection's items reach the member in `scope`. In their own vault owners and
/// admins, like everyone, receive the items (and secrets) of the collections assigned to them,
/// directly or through a group; what else they may reach, they reach in the console, where each
/// opening of secrets is recorded. So no item's secrets reach an admin unrecorded unless the
/// admin was given that collection.
pub fn collection_in_scope(role: OrgRole, grants: &CollectionGrants, scope: ReadScope) -> bool {
    match scope {
        ReadScope::OwnVault => grants.direct.is_some() || !grants.groups.is_empty(),
        ReadScope::Console => {
            reaches_everything(role) || collection_rights(grants.direct, &grants.groups).is_some()
        }
    }
}

/// A [`SharedAction`] as a type: the `A` of [`SharedAccess<A>`].
pub trait SharedActionType: sealed::Sealed {
    const ACTION: SharedAction;
}

actions!(SharedActionType, SharedAction, "SharedAccess":
    /// See an item's open part, or a collection's items.
    ReadShared,
    /// Receive an item's secret part (passwords, TOTP, hidden fields, card and document numbers).
    ReadSecrets,
    /// Change an item's open part.
    EditShared,
    /// Change an item's secret part.
    EditSecrets,
    /// Put items into a collection or take them out, trash, restore and delete them.
    ManageShared,
    /// Set who reaches a collection.
    ManageAccess,
);

/// The rule table for shared items and collections, over the rights a member holds on them.
/// "Except passwords" is a missing `secrets` right: such a member can neither receive the secret
/// part nor do anything that replaces or removes it.
pub fn shared_allowed(rights: Rights, action: SharedAction) -> bool {
    use SharedAction::*;
    match action {
        ReadShared => true,
        ReadSecrets => rights.secrets,
        EditShared => rights.edit,
        EditSecrets | ManageShared => rights.edit && rights.secrets,
        ManageAccess => rights.manage,
    }
}

/// Proof that the member behind an organization capability may do `A` to every target it names.
/// Only [`authorize_shared`] makes one; the queries act on [`SharedAccess::targets`] only.
#[derive(Debug)]
pub struct SharedAccess<A: SharedActionType> {
    org: OrgId,
    targets: Vec<String>,
    action: PhantomData<A>,
}

impl<A: SharedActionType> SharedAccess<A> {
    pub fn org(&self) -> &OrgId {
        &self.org
    }
    /// The ids of the items or collections allowed, in the order asked.
    pub fn targets(&self) -> &[String] {
        &self.targets
    }
}

/// Asks the shared rule table about each target, for the member `within` stands for: all of them
/// or none. A target the member does not reach is, to them, not there.
pub fn authorize_shared<A: SharedActionType, W: OrgActionType>(
    within: &OrgAccess<W>,
    targets: &[(&str, TargetGrants)],
) -> Result<SharedAccess<A>, AppError> {
    let mut allowed = Vec::with_capacity(targets.len());
    for (id, grants) in targets {
        let rights = shared_rights(within.role(), grants).ok_or(AppError::NotFound)?;
        if !shared_allowed(rights, A::ACTION) {
            return Err(AppError::Forbidden);
        }
        allowed.push((*id).to_owned());
    }
    Ok(SharedAccess {
        org: within.org().clone(),
        targets: allowed,
        action: PhantomData,
    })
}

/// The caller's standing toward one provider, loaded in one query per request
/// (`db::providers::standing`): the provider's state and the caller's place in it if any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProviderStanding {
    pub provider_id: ProviderId,
    pub status: ProviderStatus,
    pub enabled: bool,
    pub member: Option<ProviderPlace>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProviderPlace {
    pub id: ProviderMemberId,
    pub role: ProviderRole,
    pub status: MemberStatus,
    pub revoked: bool,
}

/// A [`ProviderAction`] as a type: the `A` of [`ProviderAccess<A>`].
pub trait ProviderActionType: sealed::Sealed {
    const ACTION: ProviderAction;
}

actions!(ProviderActionType, ProviderAction, "ProviderAccess":
    /// See the provider and its clients (the Clients page, client keys).
    UseProvider,
    /// Create a new client organization.
    CreateClient,
    /// Rename a client or change its seats.
    ManageClient,
    /// Add an organization the caller owns as a client.
    LinkClient,
    /// Remove a client from the provider.
    UnlinkClient,
    ReadProviderMembers,
    /// Invite, confirm, re-send, change role, revoke, restore and remove provider members.
    ManageProviderMembers,
    ReadProviderEvents,
    /// Name and billing email.
    UpdateProviderSettings,
    DeleteProvider,
    /// The first provider admin's setup of a pending provider.
    CompleteSetup,
);

/// The provider rule table, for a confirmed, unrevoked member of an active, enabled provider:
/// service users reach the clients only, provider admins everything. Setup is never an active
/// provider's (`authorize_provider` allows it only while pending).
pub fn provider_allowed(role: ProviderRole, action: ProviderAction) -> bool {
    use ProviderAction::*;
    match (role, action) {
        (_, CompleteSetup) => false,
        (ProviderRole::ProviderAdmin, _) => true,
        (ProviderRole::ServiceUser, UseProvider | CreateClient | ManageClient) => true,
        (ProviderRole::ServiceUser, _) => false,
    }
}

/// Proof that the caller may do `A` in the provider `provider`, as its member `member` with
/// `role`. Only [`authorize_provider`] makes one.
#[derive(Debug)]
pub struct ProviderAccess<A: ProviderActionType> {
    provider: ProviderId,
    member: ProviderMemberId,
    role: ProviderRole,
    action: PhantomData<A>,
}

impl<A: ProviderActionType> ProviderAccess<A> {
    pub fn provider(&self) -> &ProviderId {
        &self.provider
    }
    pub fn member(&self) -> &ProviderMemberId {
        &self.member
    }
    pub fn role(&self) -> ProviderRole {
        self.role
    }
}

/// Asks the provider rule table. Someone with no place in the provider is told it does not
/// exist; a disabled provider lets nobody do anything; a pending one only its (unrevoked)
/// provider admin's setup; an active one what the confirmed, unrevoked member's role allows.
pub fn authorize_provider<A: ProviderActionType>(
    standing: &ProviderStanding,
) -> Result<ProviderAccess<A>, AppError> {
    let Some(member) = &standing.member else {
        return Err(AppError::NotFound);
    };
    let allowed = standing.enabled
        && !member.revoked
        && match (standing.status, A::ACTION) {
            (ProviderStatus::Pending, ProviderAction::CompleteSetup) => {
                member.role == ProviderRole::ProviderAdmin && member.status != MemberStatus::Invited
            }
            (ProviderStatus::Pending, _) => false,
            (ProviderStatus::Active, action) => {
                member.status == MemberStatus::Confirmed && provider_allowed(member.role, action)
            }
        };
    if allowed {
        Ok(ProviderAccess {
            provider: standing.provider_id.clone(),
            member: member.id.clone(),
            role: member.role,
            action: PhantomData,
        })
    } else {
        Err(AppError::Forbidden)
    }
}

/// Proof that the actor is an operator.
#[derive(Debug)]
pub struct OperatorAccess(());

pub fn authorize_operator(actor: &Actor) -> Result<OperatorAccess, AppError> {
    if actor.is_operator {
        Ok(OperatorAccess(()))
    } else {
        Err(AppError::Forbidden)
    }
}

/// The server's own command line (`keyhaven provider …`) acts as an operator: whoever runs it on
/// the host holds the database's credentials already. Never called from a request.
pub fn authorize_command_line() -> OperatorAccess {
    OperatorAccess(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_vaults_hold_assigned_collections_only_whatever_the_role() {
        let none = CollectionGrants::default();
        let granted = CollectionGrants {
            direct: None,
            groups: vec![AccessLevel::View],
        };
        for role in [OrgRole::Owner, OrgRole::Admin, OrgRole::User] {
            assert!(
                !collection_in_scope(role, &none, ReadScope::OwnVault),
                "{role:?}"
            );
            assert!(
                collection_in_scope(role, &granted, ReadScope::OwnVault),
                "{role:?}"
            );
            assert!(
                collection_in_scope(role, &granted, ReadScope::Console),
                "{role:?}"
            );
        }
        assert!(collection_in_scope(
            OrgRole::Owner,
            &none,
            ReadScope::Console
        ));
        assert!(collection_in_scope(
            OrgRole::Admin,
            &none,
            ReadScope::Console
        ));
        assert!(!collection_in_scope(
            OrgRole::User,
            &none,
            ReadScope::Console
        ));
    }

    #[test]
    fn every_role_and_action() {
        use Action::*;
        let table: &[(Role, Action, bool)] = &[
            (Role::SelfAccount, ReadAccount, true),
            (Role::SelfAccount, ReadAccountKeys, true),
            (Role::SelfAccount, UpdateProfile, true),
            (Role::SelfAccount, ChangeMasterPassword, true),
            (Role::SelfAccount, ReadVault, true),
            (Role::SelfAccount, WriteVault, true),
            (Role::SelfAccount, SignOutEverywhere, true),
            (Role::SelfAccount, CreateOrganization, true),
            (Role::SelfAccount, JoinOrganization, true),
            (Role::OtherAccount, ReadAccount, false),
            (Role::OtherAccount, ReadAccountKeys, false),
            (Role::OtherAccount, UpdateProfile, false),
            (Role::OtherAccount, ChangeMasterPassword, false),
            (Role::OtherAccount, ReadVault, false),
            (Role::OtherAccount, WriteVault, false),
            (Role::OtherAccount, SignOutEverywhere, false),
            (Role::OtherAccount, CreateOrganization, false),
            (Role::OtherAccount, JoinOrganization, false),
            (Role::Operator, ReadAccount, false),
            (Role::Operator, ReadAccountKeys, false),
            (Role::Operator, UpdateProfile, false),
            (Role::Operator, ChangeMasterPassword, false),
            (Role::Operator, ReadVault, false),
            (Role::Operator, WriteVault, false),
            (Role::Operator, SignOutEverywhere, false),
            (Role::Operator, CreateOrganization, false),
            (Role::Operator, JoinOrganization, false),
        ];
        assert_eq!(
            table.len(),
            3 * Action::ALL.len(),
            "the table must cover every pair"
        );
        for &(role, action, expected) in table {
            assert_eq!(allowed(role, action), expected, "{role:?} × {action:?}");
        }
    }

    /// Each marker type asks the table about its own action, and every action has one.
    #[test]
    fn every_marker_asks_the_table() {
        fn asks<A: AccountAction>() -> Action {
            let me = UserId::from_stored("u1".into());
            let other = UserId::from_stored("u2".into());
            let plain = Actor {
                user_id: me.clone(),
                is_operator: false,
            };
            let operator = Actor {
                is_operator: true,
                ..plain.clone()
            };
            for (actor, target) in [(&plain, &me), (&plain, &other), (&operator, &other)] {
                let role = role_of(actor, target);
                assert_eq!(
                    authorize_account::<A>(actor, target).is_ok(),
                    allowed(role, A::ACTION),
                    "{role:?} × {:?}",
                    A::ACTION
                );
            }
            A::ACTION
        }
        let marked = [
            asks::<ReadAccount>(),
            asks::<ReadAccountKeys>(),
            asks::<UpdateProfile>(),
            asks::<ChangeMasterPassword>(),
            asks::<ReadVault>(),
            asks::<WriteVault>(),
            asks::<SignOutEverywhere>(),
            asks::<CreateOrganization>(),
            asks::<JoinOrganization>(),
        ];
        assert_eq!(marked, Action::ALL);
    }

    #[test]
    fn every_org_role_and_action() {
        use OrgAction::*;
        // One row per action: owner, admin, user.
        let table: &[(OrgAction, [bool; 3])] = &[
            (UseOrg, [true, true, true]),
            (WriteOrgItems, [true, true, true]),
            (LeaveOrg, [true, true, true]),
            (ReadAllItems, [true, true, false]),
            (ManageCollections, [true, true, false]),
            (ManageGroups, [true, true, false]),
            (ReadMembers, [true, true, false]),
            (ManageMembers, [true, true, false]),
            (ReadEvents, [true, true, false]),
            (UpdateSettings, [true, false, false]),
            (DeleteOrg, [true, false, false]),
        ];
        assert_eq!(table.len(), OrgAction::ALL.len(), "every action has a row");
        for (action, expected) in table {
            for (role, allowed) in OrgRole::ALL.iter().zip(expected) {
                assert_eq!(
                    org_allowed(*role, *action),
                    *allowed,
                    "{role:?} × {action:?}"
                );
            }
        }
    }

    #[test]
    fn only_confirmed_members_in_good_standing_act_in_an_organization() {
        let org = OrgId::from_stored("o1".into());
        let standing = |status, revoked, role| OrgStanding {
            org_id: org.clone(),
            member: Some(Membership {
                id: MemberId::from_stored("m1".into()),
                role,
                status,
                revoked,
            }),
            provider: None,
        };
        let outsider = OrgStanding {
            org_id: org.clone(),
            member: None,
            provider: None,
        };
        assert_eq!(
            authorize_org::<UseOrg>(&outsider).unwrap_err(),
            AppError::NotFound
        );
        for status in [MemberStatus::Invited, MemberStatus::Accepted] {
            let waiting = standing(status, false, OrgRole::Owner);
            assert_eq!(
                authorize_org::<UseOrg>(&waiting).unwrap_err(),
                AppError::Forbidden
            );
            assert!(authorize_org::<LeaveOrg>(&waiting).is_ok());
        }
        let revoked = standing(MemberStatus::Confirmed, true, OrgRole::Owner);
        assert_eq!(
            authorize_org::<UseOrg>(&revoked).unwrap_err(),
            AppError::Forbidden
        );
        assert!(authorize_org::<LeaveOrg>(&revoked).is_err());
        let admin = standing(MemberStatus::Confirmed, false, OrgRole::Admin);
        let access = authorize_org::<ManageMembers>(&admin).expect("admins manage members");
        assert_eq!((access.org(), access.role()), (&org, OrgRole::Admin));
        assert!(authorize_org::<UpdateSettings>(&admin).is_err());
        let user = standing(MemberStatus::Confirmed, false, OrgRole::User);
        assert!(authorize_org::<WriteOrgItems>(&user).is_ok());
        assert!(authorize_org::<ReadMembers>(&user).is_err());
    }

    #[test]
    fn every_right_and_shared_action() {
        use AccessLevel::*;
        use SharedAction::*;
        // One row per action, one column per level: view, view except passwords, edit, edit
        // except passwords, manage.
        let table: &[(SharedAction, [bool; 5])] = &[
            (ReadShared, [true, true, true, true, true]),
            (ReadSecrets, [true, false, true, false, true]),
            (EditShared, [false, false, true, true, true]),
            (EditSecrets, [false, false, true, false, true]),
            (ManageShared, [false, false, true, false, true]),
            (ManageAccess, [false, false, false, false, true]),
        ];
        assert_eq!(
            table.len(),
            SharedAction::ALL.len(),
            "every action has a row"
        );
        let levels = [View, ViewExceptPasswords, Edit, EditExceptPasswords, Manage];
        for (action, expected) in table {
            for (level, allowed) in levels.iter().zip(expected) {
                assert_eq!(
                    shared_allowed(level.rights(), *action),
                    *allowed,
                    "{level:?} × {action:?}"
                );
            }
        }
    }

    #[test]
    fn shared_targets_are_decided_all_or_nothing() {
        let org = OrgId::from_stored("o1".into());
        let member = |role| OrgStanding {
            org_id: org.clone(),
            member: Some(Membership {
                id: MemberId::from_stored("m1".into()),
                role,
                status: MemberStatus::Confirmed,
                revoked: false,
            }),
            provider: None,
        };
        let grants = |direct: Option<AccessLevel>, groups: Vec<AccessLevel>| TargetGrants {
            exists: true,
            collections: vec![CollectionGrants { direct, groups }],
        };
        let user = authorize_org::<UseOrg>(&member(OrgRole::User)).unwrap();
        let hidden = grants(
            Some(AccessLevel::ViewExceptPasswords),
            vec![AccessLevel::Manage],
        );
        let edit = grants(None, vec![AccessLevel::Edit]);
        let unreached = TargetGrants {
            exists: true,
            collections: vec![CollectionGrants::default()],
        };
        assert!(authorize_shared::<ReadShared, _>(&user, &[("a", hidden.clone())]).is_ok());
        // Their own grant hides passwords, whatever their group would give.
        assert_eq!(
            authorize_shared::<ReadSecrets, _>(&user, &[("a", hidden.clone())]).unwrap_err(),
            AppError::Forbidden
        );
        let both = [("b", edit.clone()), ("a", hidden.clone())];
        assert!(authorize_shared::<EditSecrets, _>(&user, &both).is_err());
        let ok = authorize_shared::<EditSecrets, _>(&user, &both[..1]).unwrap();
        assert_eq!((ok.org(), ok.targets()), (&org, &["b".to_owned()][..]));
        for missing in [unreached, TargetGrants::default()] {
            assert_eq!(
                authorize_shared::<ReadShared, _>(&user, &[("c", missing)]).unwrap_err(),
                AppError::NotFound
            );
        }
        // Owners and admins reach what the organization holds, in a collection or not.
        let admin = authorize_org::<UseOrg>(&member(OrgRole::Admin)).unwrap();
        let unassigned = TargetGrants {
            exists: true,
            collections: vec![],
        };
        assert!(authorize_shared::<ManageAccess, _>(&admin, &[("d", unassigned.clone())]).is_ok());
        assert_eq!(shared_rights(OrgRole::User, &unassigned), None);
        assert_eq!(
            shared_rights(OrgRole::Admin, &TargetGrants::default()),
            None
        );
    }

    const PROVIDER_STATES: [(ProviderStatus, bool); 4] = [
        (ProviderStatus::Pending, true),
        (ProviderStatus::Active, true),
        (ProviderStatus::Pending, false),
        (ProviderStatus::Active, false),
    ];

    #[test]
    fn every_provider_role_and_action() {
        use ProviderAction::*;
        // One row per action, for a confirmed, unrevoked member of an active, enabled provider:
        // provider admin, service user.
        let table: &[(ProviderAction, [bool; 2])] = &[
            (UseProvider, [true, true]),
            (CreateClient, [true, true]),
            (ManageClient, [true, true]),
            (LinkClient, [true, false]),
            (UnlinkClient, [true, false]),
            (ReadProviderMembers, [true, false]),
            (ManageProviderMembers, [true, false]),
            (ReadProviderEvents, [true, false]),
            (UpdateProviderSettings, [true, false]),
            (DeleteProvider, [true, false]),
            (CompleteSetup, [false, false]),
        ];
        assert_eq!(
            table.len(),
            ProviderAction::ALL.len(),
            "every action has a row"
        );
        for (action, expected) in table {
            for (role, allowed) in ProviderRole::ALL.iter().zip(expected) {
                assert_eq!(
                    provider_allowed(*role, *action),
                    *allowed,
                    "{role:?} × {action:?}"
                );
            }
        }
    }

    /// Every (provider role × member status × revoked × provider state × action) cell, through
    /// each action's marker type.
    #[test]
    fn every_provider_standing_and_action() {
        fn cells<A: ProviderActionType>() -> ProviderAction {
            for (status, enabled) in PROVIDER_STATES {
                for role in ProviderRole::ALL {
                    for member_status in MemberStatus::ALL {
                        for revoked in [false, true] {
                            let standing = ProviderStanding {
                                provider_id: ProviderId::from_stored("p1".into()),
                                status,
                                enabled,
                                member: Some(ProviderPlace {
                                    id: ProviderMemberId::from_stored("pm1".into()),
                                    role: *role,
                                    status: *member_status,
                                    revoked,
                                }),
                            };
                            let good = enabled && !revoked;
                            let expected = match (status, A::ACTION) {
                                (ProviderStatus::Pending, ProviderAction::CompleteSetup) => {
                                    good && *role == ProviderRole::ProviderAdmin
                                        && *member_status != MemberStatus::Invited
                                }
                                (ProviderStatus::Pending, _) => false,
                                (ProviderStatus::Active, action) => {
                                    good && *member_status == MemberStatus::Confirmed
                                        && provider_allowed(*role, action)
                                }
                            };
                            let got = authorize_provider::<A>(&standing);
                            assert_eq!(
                                got.is_ok(),
                                expected,
                                "{role:?} {member_status:?} revoked={revoked} {status:?} \
                                 enabled={enabled} × {:?}",
                                A::ACTION
                            );
                            match got {
                                Ok(access) => {
                                    assert_eq!(access.role(), *role);
                                    assert_eq!(access.provider().as_str(), "p1");
                                }
                                Err(e) => assert_eq!(e, AppError::Forbidden),
                            }
                        }
                    }
                }
                let outsider = ProviderStanding {
                    provider_id: ProviderId::from_stored("p1".into()),
                    status,
                    enabled,
                    member: None,
                };
                assert_eq!(
                    authorize_provider::<A>(&outsider).err(),
                    Some(AppError::NotFound)
                );
            }
            A::ACTION
        }
        let marked = [
            cells::<UseProvider>(),
            cells::<CreateClient>(),
            cells::<ManageClient>(),
            cells::<LinkClient>(),
            cells::<UnlinkClient>(),
            cells::<ReadProviderMembers>(),
            cells::<ManageProviderMembers>(),
            cells::<ReadProviderEvents>(),
            cells::<UpdateProviderSettings>(),
            cells::<DeleteProvider>(),
            cells::<CompleteSetup>(),
        ];
        assert_eq!(marked, ProviderAction::ALL);
    }

    /// Staff of a client's provider, in every (provider role × member status × revoked ×
    /// provider state × organization action) cell, with and without a membership of their own.
    #[test]
    fn provider_staff_act_as_owners_in_client_organizations() {
        fn cells<A: OrgActionType>() -> OrgAction {
            let org = OrgId::from_stored("o1".into());
            let me = UserId::from_stored("u1".into());
            for (status, enabled) in PROVIDER_STATES {
                for role in ProviderRole::ALL {
                    for member_status in MemberStatus::ALL {
                        for revoked in [false, true] {
                            for own in [None, Some(OrgRole::User), Some(OrgRole::Owner)] {
                                let standing = OrgStanding {
                                    org_id: org.clone(),
                                    member: own.map(|role| Membership {
                                        id: MemberId::from_stored("m1".into()),
                                        role,
                                        status: MemberStatus::Confirmed,
                                        revoked: false,
                                    }),
                                    provider: Some(ClientOf {
                                        provider_id: ProviderId::from_stored("p1".into()),
                                        status,
                                        enabled,
                                        staff: Some(Staff {
                                            user_id: me.clone(),
                                            role: *role,
                                            status: *member_status,
                                            revoked,
                                        }),
                                    }),
                                };
                                let staff = enabled
                                    && status == ProviderStatus::Active
                                    && *member_status == MemberStatus::Confirmed
                                    && !revoked
                                    && A::ACTION != OrgAction::LeaveOrg;
                                let own_allows = own.is_some_and(|r| org_allowed(r, A::ACTION));
                                let cell = format!(
                                    "{role:?} {member_status:?} revoked={revoked} {status:?} \
                                     enabled={enabled} own={own:?} × {:?}",
                                    A::ACTION
                                );
                                match authorize_org::<A>(&standing) {
                                    Ok(access) => {
                                        let as_member = own == Some(OrgRole::Owner) || !staff;
                                        assert!(staff || own_allows, "{cell}");
                                        if as_member {
                                            assert_eq!(access.acting_provider(), None, "{cell}");
                                            assert!(access.member().is_some(), "{cell}");
                                        } else {
                                            assert_eq!(
                                                access.acting(),
                                                &Acting::Provider {
                                                    provider: ProviderId::from_stored("p1".into()),
                                                    user: me.clone(),
                                                },
                                                "{cell}"
                                            );
                                            assert_eq!(access.role(), OrgRole::Owner, "{cell}");
                                            assert_eq!(access.member(), None, "{cell}");
                                            assert_eq!(access.grants_subject(), "", "{cell}");
                                        }
                                    }
                                    Err(e) => {
                                        assert!(!staff && !own_allows, "{cell}");
                                        assert_eq!(e, AppError::Forbidden, "{cell}");
                                    }
                                }
                            }
                        }
                    }
                }
            }
            // Someone outside the client and its provider is told it does not exist.
            let outsider = OrgStanding {
                org_id: org.clone(),
                member: None,
                provider: Some(ClientOf {
                    provider_id: ProviderId::from_stored("p1".into()),
                    status: ProviderStatus::Active,
                    enabled: true,
                    staff: None,
                }),
            };
            assert_eq!(
                authorize_org::<A>(&outsider).err(),
                Some(AppError::NotFound)
            );
            A::ACTION
        }
        let marked = [
            cells::<UseOrg>(),
            cells::<WriteOrgItems>(),
            cells::<LeaveOrg>(),
            cells::<ReadAllItems>(),
            cells::<ManageCollections>(),
            cells::<ManageGroups>(),
            cells::<ReadMembers>(),
            cells::<ManageMembers>(),
            cells::<ReadEvents>(),
            cells::<UpdateSettings>(),
            cells::<DeleteOrg>(),
        ];
        assert_eq!(marked, OrgAction::ALL);
    }

    #[test]
    fn capabilities_name_their_target() {
        let me = UserId::from_stored("u1".into());
        let other = UserId::from_stored("u2".into());
        let actor = Actor {
            user_id: me.clone(),
            is_operator: true,
        };
        let access = authorize_account::<UpdateProfile>(&actor, &me).expect("own account");
        assert_eq!(access.target(), &me);
        assert_eq!(
            authorize_account::<ReadAccount>(&actor, &other).unwrap_err(),
            AppError::Forbidden
        );
        assert!(authorize_operator(&actor).is_ok());
        let plain = Actor {
            user_id: me,
            is_operator: false,
        };
        assert_eq!(authorize_operator(&plain).unwrap_err(), AppError::Forbidden);
    }
}
