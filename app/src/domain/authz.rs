//! The one authorization module. Server functions ask it before touching data; nothing else
//! decides access. A decision hands back a capability value that the data layer requires, so code
//! that skipped the question cannot call the guarded query at all.

use super::{AppError, UserId};

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

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
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
}

impl Action {
    pub const ALL: [Action; 7] = [
        Action::ReadAccount,
        Action::ReadAccountKeys,
        Action::UpdateProfile,
        Action::ChangeMasterPassword,
        Action::ReadVault,
        Action::WriteVault,
        Action::SignOutEverywhere,
    ];
}

/// Proof that `actor` may act on the account `target`. Only [`authorize_account`] makes one.
#[derive(Debug)]
pub struct AccountAccess {
    target: UserId,
    action: Action,
}

impl AccountAccess {
    pub fn target(&self) -> &UserId {
        &self.target
    }
    pub fn action(&self) -> Action {
        self.action
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
            | WriteVault | SignOutEverywhere,
        ) => true,
        // Operators run the instance; they never read or change someone else's account or keys.
        (Role::Operator | Role::OtherAccount, _) => false,
    }
}

pub fn authorize_account(
    actor: &Actor,
    target: &UserId,
    action: Action,
) -> Result<AccountAccess, AppError> {
    if allowed(role_of(actor, target), action) {
        Ok(AccountAccess {
            target: target.clone(),
            action,
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

#[cfg(test)]
mod tests {
    use super::*;

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
            (Role::OtherAccount, ReadAccount, false),
            (Role::OtherAccount, ReadAccountKeys, false),
            (Role::OtherAccount, UpdateProfile, false),
            (Role::OtherAccount, ChangeMasterPassword, false),
            (Role::OtherAccount, ReadVault, false),
            (Role::OtherAccount, WriteVault, false),
            (Role::OtherAccount, SignOutEverywhere, false),
            (Role::Operator, ReadAccount, false),
            (Role::Operator, ReadAccountKeys, false),
            (Role::Operator, UpdateProfile, false),
            (Role::Operator, ChangeMasterPassword, false),
            (Role::Operator, ReadVault, false),
            (Role::Operator, WriteVault, false),
            (Role::Operator, SignOutEverywhere, false),
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

    #[test]
    fn capabilities_name_their_target() {
        let me = UserId::from_stored("u1".into());
        let other = UserId::from_stored("u2".into());
        let actor = Actor {
            user_id: me.clone(),
            is_operator: true,
        };
        let access = authorize_account(&actor, &me, Action::UpdateProfile).expect("own account");
        assert_eq!(access.target(), &me);
        assert_eq!(
            authorize_account(&actor, &other, Action::ReadAccount).unwrap_err(),
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
