//! Organizations: creating one, members and their key exchange, settings, collections. The
//! browser generates the organization key and seals it to each member's public key; these
//! functions check shape, standing and the member rules, and store what they are given.

use super::codec::Json;
use crate::domain::org::{
    CollectionSummary, Confirmation, Invitation, InviteInput, MemberChange, MemberOutcome,
    MemberPage, MemberQuery, MemberRecord, NewOrg, OrgInput, OrgMembership,
};
use crate::domain::{AppError, MemberId, OrgId};
use leptos::prelude::*;

/// Creates an organization owned by the caller. Returns the caller's membership in it.
#[server(prefix = "/api", endpoint = "org_create", input = Json, output = Json)]
pub async fn org_create(new: NewOrg) -> Result<OrgMembership, AppError> {
    ssr::answer(ssr::create(new).await)
}

/// Every organization the caller has a place in (invited ones excluded: those are by link).
#[server(prefix = "/api", endpoint = "orgs_mine", input = Json, output = Json)]
pub async fn orgs_mine() -> Result<Vec<OrgMembership>, AppError> {
    ssr::answer(ssr::mine().await)
}

#[server(prefix = "/api", endpoint = "org_members", input = Json, output = Json)]
pub async fn org_members(org: OrgId) -> Result<Vec<MemberRecord>, AppError> {
    ssr::answer(ssr::members(org).await)
}

/// One page of the Members section (search, order, page), for organizations of any size.
#[server(prefix = "/api", endpoint = "org_member_page", input = Json, output = Json)]
pub async fn org_member_page(org: OrgId, query: MemberQuery) -> Result<MemberPage, AppError> {
    ssr::answer(ssr::member_page(org, query).await)
}

/// Invites every address at once (or none), and mails each its link. Returns the new members.
#[server(prefix = "/api", endpoint = "org_invite", input = Json, output = Json)]
pub async fn org_invite(org: OrgId, invite: InviteInput) -> Result<Vec<MemberId>, AppError> {
    ssr::answer(ssr::invite(org, invite).await)
}

/// Mails a fresh link to a member still invited.
#[server(prefix = "/api", endpoint = "org_reinvite", input = Json, output = Json)]
pub async fn org_reinvite(org: OrgId, member: MemberId) -> Result<(), AppError> {
    ssr::answer(ssr::reinvite(org, member).await)
}

/// What an invitation link is for, if it is live; no sign-in needed (the link is the secret).
#[server(prefix = "/api", endpoint = "invitation_info", input = Json, output = Json)]
pub async fn invitation_info(token: String) -> Result<Invitation, AppError> {
    ssr::answer(ssr::invitation(token).await)
}

/// Accepts an invitation made for the caller's address.
#[server(prefix = "/api", endpoint = "invitation_accept", input = Json, output = Json)]
pub async fn invitation_accept(token: String) -> Result<OrgId, AppError> {
    ssr::answer(ssr::accept(token).await)
}

/// Confirms accepted members with the organization key sealed to each; one outcome per member.
#[server(prefix = "/api", endpoint = "org_confirm", input = Json, output = Json)]
pub async fn org_confirm(
    org: OrgId,
    confirmations: Vec<Confirmation>,
) -> Result<Vec<MemberOutcome>, AppError> {
    ssr::answer(ssr::confirm(org, confirmations).await)
}

/// Changes a role, revokes, restores or removes members; one outcome per member.
#[server(prefix = "/api", endpoint = "org_members_change", input = Json, output = Json)]
pub async fn org_members_change(
    org: OrgId,
    change: MemberChange,
    members: Vec<MemberId>,
) -> Result<Vec<MemberOutcome>, AppError> {
    ssr::answer(ssr::change(org, change, members).await)
}

#[server(prefix = "/api", endpoint = "org_leave", input = Json, output = Json)]
pub async fn org_leave(org: OrgId) -> Result<(), AppError> {
    ssr::answer(ssr::leave(org).await)
}

#[server(prefix = "/api", endpoint = "org_update", input = Json, output = Json)]
pub async fn org_update(org: OrgId, settings: OrgInput) -> Result<(), AppError> {
    ssr::answer(ssr::update(org, settings).await)
}

/// Deletes the organization; `name` must be typed as the organization is named.
#[server(prefix = "/api", endpoint = "org_delete", input = Json, output = Json)]
pub async fn org_delete(org: OrgId, name: String) -> Result<(), AppError> {
    ssr::answer(ssr::delete(org, name).await)
}

#[server(prefix = "/api", endpoint = "collection_create", input = Json, output = Json)]
pub async fn collection_create(org: OrgId, name: String) -> Result<CollectionSummary, AppError> {
    ssr::answer(ssr::create_collection(org, name).await)
}

#[server(prefix = "/api", endpoint = "org_collections", input = Json, output = Json)]
pub async fn org_collections(org: OrgId) -> Result<Vec<CollectionSummary>, AppError> {
    ssr::answer(ssr::collections(org).await)
}

/// A page of the organization's event log, newest first, narrowed by `filter`.
#[server(prefix = "/api", endpoint = "org_events", input = Json, output = Json)]
pub async fn org_events(
    org: OrgId,
    filter: crate::domain::events::EventFilter,
    before: Option<crate::domain::events::EventCursor>,
) -> Result<crate::domain::events::EventPage, AppError> {
    ssr::answer(ssr::events(org, filter, before).await)
}

#[cfg(feature = "ssr")]
pub mod ssr {
    pub use crate::api::context::*;
    use crate::db::orgs as store;
    use crate::domain::authz::{
        authorize_account, authorize_org, CreateOrganization, JoinOrganization, LeaveOrg,
        ManageCollections, ManageMembers, OrgAccess, OrgActionType, ReadMembers, ReadVault,
        UpdateSettings,
    };
    use crate::domain::org::{
        collection_name_problem, sealed_key_problem, CollectionSummary, Confirmation, Invitation,
        InviteInput, MemberChange, MemberOutcome, MemberPage, MemberQuery, MemberRecord, NewOrg,
        OrgInput, OrgMembership, MEMBER_BULK_MAX,
    };
    use crate::domain::validate::collect;
    use crate::domain::{AppError, Field, MemberId, OrgId, Problem};
    use crate::mail::{texts, Mail};

    /// The caller's capability for `A` in `org`, from their standing loaded in one query.
    pub(crate) async fn in_org<A: OrgActionType>(
        org: &OrgId,
    ) -> Result<(AppState, Caller, OrgAccess<A>), AppError> {
        let st = state()?;
        let caller = caller(&st.db).await?;
        let standing = store::standing(&st.db, &caller.user.id, org).await?;
        let access = authorize_org::<A>(&standing)?;
        Ok((st, caller, access))
    }

    pub async fn events(
        org: OrgId,
        filter: crate::domain::events::EventFilter,
        before: Option<crate::domain::events::EventCursor>,
    ) -> Result<crate::domain::events::EventPage, AppError> {
        let (st, _, access) = in_org::<crate::domain::authz::ReadEvents>(&org).await?;
        collect([(Field::EventKind, filter.kind_problem())])?;
        crate::db::events::list(&st.db, &access, &filter, before.as_ref()).await
    }

    pub(crate) async fn addr(st: &AppState) -> String {
        client_addr(st.trust_proxy).await
    }

    pub async fn create(new: NewOrg) -> Result<OrgMembership, AppError> {
        let st = state()?;
        let caller = caller(&st.db).await?;
        let access = authorize_account::<CreateOrganization>(&caller.actor, &caller.user.id)?;
        let mut problems = new.settings.problems();
        problems.extend(
            [
                (Field::OrgKey, sealed_key_problem(&new.sealed_org_key)),
                (
                    Field::CollectionName,
                    collection_name_problem(&new.default_collection),
                ),
            ]
            .into_iter()
            .filter_map(|(f, p)| p.map(|p| crate::domain::FieldError::new(f, p))),
        );
        if new.settings.seats > st.org_seats_max {
            problems.push(crate::domain::FieldError::new(
                Field::Seats,
                crate::domain::Problem::TooLong {
                    max: st.org_seats_max,
                },
            ));
        }
        if !problems.is_empty() {
            return Err(AppError::Invalid(problems));
        }
        limit_creations(&st, &caller).await?;
        let client = addr(&st).await;
        store::create(&st.db, &access, &caller.user.email, &new, &client).await
    }

    /// Organizations one account creates, per day: each holds a quota of its own.
    async fn limit_creations(st: &AppState, caller: &Caller) -> Result<(), AppError> {
        use crate::api::throttle::{admit, Check};
        use crate::db::throttle::Scope;
        use crate::domain::throttle::Policy;
        let check = Check::new(
            Scope::OrgCreations,
            caller.user.id.as_str(),
            Policy::ORG_CREATIONS,
        );
        admit(&st.db, &[check]).await.map(|_| ())
    }

    pub async fn mine() -> Result<Vec<OrgMembership>, AppError> {
        let st = state()?;
        let caller = caller(&st.db).await?;
        let access = authorize_account::<ReadVault>(&caller.actor, &caller.user.id)?;
        store::memberships(&st.db, &access).await
    }

    pub async fn members(org: OrgId) -> Result<Vec<MemberRecord>, AppError> {
        let (st, _, access) = in_org::<ReadMembers>(&org).await?;
        store::members(&st.db, &access).await
    }

    pub async fn member_page(org: OrgId, query: MemberQuery) -> Result<MemberPage, AppError> {
        let (st, _, access) = in_org::<ReadMembers>(&org).await?;
        collect([(Field::Members, query.search_problem())])?;
        store::member_page(&st.db, &access, &query).await
    }

    pub(crate) fn mail_invitation(st: &AppState, caller: &Caller, invited: store::Invited) {
        let link = format!("{}/org?invite={}", st.public_url, invited.token);
        let (subject, body) = texts::invitation(
            caller.user.language,
            &invited.org_name,
            &caller.user.name,
            &link,
        );
        st.mail.send_later(Mail {
            to: invited.email,
            subject,
            body,
        });
    }

    /// Invitations are mail a signed-in person makes the server send to others: counted per
    /// inviting account and per recipient, so no account floods mailboxes.
    pub(crate) async fn limit_invitations<'a>(
        st: &AppState,
        caller: &Caller,
        emails: impl Iterator<Item = &'a str>,
    ) -> Result<(), AppError> {
        use crate::api::throttle::{admit, Check};
        use crate::db::throttle::Scope;
        use crate::domain::throttle::Policy;
        let recipients: Vec<String> = emails
            .map(crate::domain::validate::normalize_email)
            .collect();
        let mut checks = vec![Check::weighted(
            Scope::Invites,
            caller.user.id.as_str(),
            Policy::INVITES,
            u32::try_from(recipients.len()).unwrap_or(u32::MAX),
        )];
        checks.extend(
            recipients
                .iter()
                .map(|r| Check::new(Scope::InviteRecipient, r, Policy::INVITE_RECIPIENT)),
        );
        admit(&st.db, &checks).await.map(|_| ())
    }

    pub async fn invite(org: OrgId, invite: InviteInput) -> Result<Vec<MemberId>, AppError> {
        let (st, caller, access) = in_org::<ManageMembers>(&org).await?;
        let problems = invite.problems();
        if !problems.is_empty() {
            return Err(AppError::Invalid(problems));
        }
        let client = addr(&st).await;
        limit_invitations(&st, &caller, invite.emails.iter().map(String::as_str)).await?;
        let invited = store::invite(&st.db, &access, &invite, &client).await?;
        let ids = invited.iter().map(|i| i.member.clone()).collect();
        for person in invited {
            mail_invitation(&st, &caller, person);
        }
        Ok(ids)
    }

    pub async fn reinvite(org: OrgId, member: MemberId) -> Result<(), AppError> {
        let (st, caller, access) = in_org::<ManageMembers>(&org).await?;
        let client = addr(&st).await;
        let email = store::invited_email(&st.db, &access, &member).await?;
        limit_invitations(&st, &caller, std::iter::once(email.as_str())).await?;
        let invited = store::reinvite(&st.db, &access, &member, &client).await?;
        mail_invitation(&st, &caller, invited);
        Ok(())
    }

    pub(crate) fn dead_link() -> AppError {
        AppError::field(Field::InvitationLink, Problem::Invalid)
    }

    /// Tokens are 64 hex digits; anything else is not looked up.
    pub(crate) fn token_shape(token: &str) -> Result<(), AppError> {
        if token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit()) {
            Ok(())
        } else {
            Err(dead_link())
        }
    }

    pub async fn invitation(token: String) -> Result<Invitation, AppError> {
        let st = state()?;
        token_shape(&token)?;
        store::invitation(&st.db, &token)
            .await?
            .ok_or_else(dead_link)
    }

    pub async fn accept(token: String) -> Result<OrgId, AppError> {
        let st = state()?;
        let caller = caller(&st.db).await?;
        let access = authorize_account::<JoinOrganization>(&caller.actor, &caller.user.id)?;
        token_shape(&token)?;
        let client = addr(&st).await;
        store::accept(
            &st.db,
            &access,
            &caller.user.email_normalized,
            &token,
            &client,
        )
        .await
    }

    fn bulk_problem(n: usize) -> Result<(), AppError> {
        let problem = if n == 0 {
            Some(Problem::Required)
        } else if n > MEMBER_BULK_MAX {
            Some(Problem::LimitReached {
                max: MEMBER_BULK_MAX as u32,
            })
        } else {
            None
        };
        collect([(Field::Members, problem)])
    }

    pub async fn confirm(
        org: OrgId,
        confirmations: Vec<Confirmation>,
    ) -> Result<Vec<MemberOutcome>, AppError> {
        let (st, _, access) = in_org::<ManageMembers>(&org).await?;
        bulk_problem(confirmations.len())?;
        if let Some(problem) = confirmations
            .iter()
            .find_map(|c| sealed_key_problem(&c.sealed_org_key))
        {
            return Err(AppError::field(Field::OrgKey, problem));
        }
        let client = addr(&st).await;
        Ok(store::confirm(&st.db, &access, &confirmations, &client).await)
    }

    pub async fn change(
        org: OrgId,
        change: MemberChange,
        members: Vec<MemberId>,
    ) -> Result<Vec<MemberOutcome>, AppError> {
        let (st, _, access) = in_org::<ManageMembers>(&org).await?;
        bulk_problem(members.len())?;
        let client = addr(&st).await;
        Ok(store::change_members(&st.db, &access, change, &members, &client).await)
    }

    pub async fn leave(org: OrgId) -> Result<(), AppError> {
        let (st, _, access) = in_org::<LeaveOrg>(&org).await?;
        let client = addr(&st).await;
        store::leave(&st.db, &access, &client).await
    }

    pub async fn update(org: OrgId, settings: OrgInput) -> Result<(), AppError> {
        let (st, _, access) = in_org::<UpdateSettings>(&org).await?;
        let problems = settings.problems();
        if !problems.is_empty() {
            return Err(AppError::Invalid(problems));
        }
        let client = addr(&st).await;
        store::update_settings(&st.db, &access, &settings, st.org_seats_max, &client).await
    }

    pub async fn delete(org: OrgId, name: String) -> Result<(), AppError> {
        let (st, _, access) = in_org::<crate::domain::authz::DeleteOrg>(&org).await?;
        let client = addr(&st).await;
        store::delete(&st.db, &access, &name, &client).await
    }

    pub async fn create_collection(
        org: OrgId,
        name: String,
    ) -> Result<CollectionSummary, AppError> {
        let (st, _, access) = in_org::<ManageCollections>(&org).await?;
        collect([(Field::CollectionName, collection_name_problem(&name))])?;
        let client = addr(&st).await;
        store::create_collection(&st.db, &access, &name, &client).await
    }

    pub async fn collections(org: OrgId) -> Result<Vec<CollectionSummary>, AppError> {
        let (st, _, access) = in_org::<ManageCollections>(&org).await?;
        store::collections(&st.db, &access).await
    }
}
