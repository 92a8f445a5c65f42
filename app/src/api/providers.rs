//! The Provider Portal's server functions: setup, settings, members and their key exchange,
//! clients, the event log. The browser makes the provider key and seals it to each confirmed
//! member's public key, and encrypts each client's organization key under the provider key;
//! these functions check shape, standing and the provider rules, and store what they are given.
//! Staff then administer a client through the organization functions (`api::orgs`, …), which
//! `authz::authorize_org` opens to them.

use super::codec::Json;
use crate::domain::events::{EventCursor, EventFilter, EventPage};
use crate::domain::provider::{
    ClientPage, ClientQuery, ClientUpdate, LinkClient, LinkableOrg, NewClient,
    ProviderConfirmation, ProviderInvitation, ProviderInviteInput, ProviderMemberChange,
    ProviderMemberOutcome, ProviderMemberPage, ProviderMemberQuery, ProviderMembership,
    ProviderSettings, ProviderSetup,
};
use crate::domain::{AppError, OrgId, ProviderId, ProviderMemberId};
use leptos::prelude::*;

/// Every provider the caller has a place in, with the provider key sealed to them once
/// confirmed.
#[server(prefix = "/api", endpoint = "providers_mine", input = Json, output = Json)]
pub async fn providers_mine() -> Result<Vec<ProviderMembership>, AppError> {
    ssr::answer(ssr::mine().await)
}

/// The first provider admin completes a pending provider's setup; it becomes active.
#[server(prefix = "/api", endpoint = "provider_setup", input = Json, output = Json)]
pub async fn provider_complete_setup(
    provider: ProviderId,
    setup: ProviderSetup,
) -> Result<(), AppError> {
    ssr::answer(ssr::setup(provider, setup).await)
}

#[server(prefix = "/api", endpoint = "provider_update", input = Json, output = Json)]
pub async fn provider_update(
    provider: ProviderId,
    settings: ProviderSettings,
) -> Result<(), AppError> {
    ssr::answer(ssr::update(provider, settings).await)
}

/// Deletes the provider; `name` must be typed as it is named; refused while it has clients.
#[server(prefix = "/api", endpoint = "provider_delete", input = Json, output = Json)]
pub async fn provider_delete(provider: ProviderId, name: String) -> Result<(), AppError> {
    ssr::answer(ssr::delete(provider, name).await)
}

#[server(prefix = "/api", endpoint = "provider_member_page", input = Json, output = Json)]
pub async fn provider_members_page(
    provider: ProviderId,
    query: ProviderMemberQuery,
) -> Result<ProviderMemberPage, AppError> {
    ssr::answer(ssr::member_page(provider, query).await)
}

/// Invites every address at once (or none), and mails each its link.
#[server(prefix = "/api", endpoint = "provider_invite", input = Json, output = Json)]
pub async fn provider_invite(
    provider: ProviderId,
    invite: ProviderInviteInput,
) -> Result<Vec<ProviderMemberId>, AppError> {
    ssr::answer(ssr::invite(provider, invite).await)
}

#[server(prefix = "/api", endpoint = "provider_reinvite", input = Json, output = Json)]
pub async fn provider_reinvite(
    provider: ProviderId,
    member: ProviderMemberId,
) -> Result<(), AppError> {
    ssr::answer(ssr::reinvite(provider, member).await)
}

/// What a provider invitation link is for, if it is live; no sign-in needed.
#[server(prefix = "/api", endpoint = "provider_invitation_info", input = Json, output = Json)]
pub async fn provider_invitation_info(token: String) -> Result<ProviderInvitation, AppError> {
    ssr::answer(ssr::invitation(token).await)
}

#[server(prefix = "/api", endpoint = "provider_invitation_accept", input = Json, output = Json)]
pub async fn provider_invitation_accept(token: String) -> Result<ProviderId, AppError> {
    ssr::answer(ssr::accept(token).await)
}

#[server(prefix = "/api", endpoint = "provider_confirm", input = Json, output = Json)]
pub async fn provider_confirm(
    provider: ProviderId,
    confirmations: Vec<ProviderConfirmation>,
) -> Result<Vec<ProviderMemberOutcome>, AppError> {
    ssr::answer(ssr::confirm(provider, confirmations).await)
}

#[server(prefix = "/api", endpoint = "provider_members_change", input = Json, output = Json)]
pub async fn provider_members_change(
    provider: ProviderId,
    change: ProviderMemberChange,
    members: Vec<ProviderMemberId>,
) -> Result<Vec<ProviderMemberOutcome>, AppError> {
    ssr::answer(ssr::change(provider, change, members).await)
}

/// One page of the Clients page (search, order, "needs attention", page) with totals.
#[server(prefix = "/api", endpoint = "provider_clients", input = Json, output = Json)]
pub async fn provider_clients(
    provider: ProviderId,
    query: ClientQuery,
) -> Result<ClientPage, AppError> {
    ssr::answer(ssr::clients(provider, query).await)
}

/// Creates a client organization and invites the customer's owner by mail.
/// One client, with its organization key under the provider key (for a staff member's browser
/// to open its Admin Console).
#[server(prefix = "/api", endpoint = "provider_client", input = Json, output = Json)]
pub async fn provider_client(
    provider: ProviderId,
    org: OrgId,
) -> Result<crate::domain::provider::ClientRecord, AppError> {
    ssr::answer(ssr::client(provider, org).await)
}

#[server(prefix = "/api", endpoint = "provider_client_create", input = Json, output = Json)]
pub async fn provider_client_create(
    provider: ProviderId,
    client: NewClient,
) -> Result<OrgId, AppError> {
    ssr::answer(ssr::create_client(provider, client).await)
}

/// The organizations the caller may add as clients.
#[server(prefix = "/api", endpoint = "provider_linkable", input = Json, output = Json)]
pub async fn provider_linkable(provider: ProviderId) -> Result<Vec<LinkableOrg>, AppError> {
    ssr::answer(ssr::linkable(provider).await)
}

/// Adds an organization the caller owns as a client (one provider per organization).
#[server(prefix = "/api", endpoint = "provider_client_link", input = Json, output = Json)]
pub async fn provider_client_link(provider: ProviderId, link: LinkClient) -> Result<(), AppError> {
    ssr::answer(ssr::link(provider, link).await)
}

#[server(prefix = "/api", endpoint = "provider_client_unlink", input = Json, output = Json)]
pub async fn provider_client_unlink(provider: ProviderId, org: OrgId) -> Result<(), AppError> {
    ssr::answer(ssr::unlink(provider, org).await)
}

/// Renames a client or changes its seats.
#[server(prefix = "/api", endpoint = "provider_client_update", input = Json, output = Json)]
pub async fn provider_client_update(
    provider: ProviderId,
    org: OrgId,
    update: ClientUpdate,
) -> Result<(), AppError> {
    ssr::answer(ssr::update_client(provider, org, update).await)
}

/// "Managed by …": the provider of a client organization, for everyone in it; its staff for
/// those who administer it. `None` for an organization no provider manages.
#[server(prefix = "/api", endpoint = "org_managed_by", input = Json, output = Json)]
pub async fn org_managed_by(
    org: OrgId,
) -> Result<Option<crate::domain::provider::ManagedBy>, AppError> {
    ssr::answer(ssr::managed_by(org).await)
}

/// A page of the provider's event log, newest first, narrowed by `filter`.
#[server(prefix = "/api", endpoint = "provider_events", input = Json, output = Json)]
pub async fn provider_events(
    provider: ProviderId,
    filter: EventFilter,
    before: Option<EventCursor>,
) -> Result<EventPage, AppError> {
    ssr::answer(ssr::events(provider, filter, before).await)
}

#[cfg(feature = "ssr")]
pub mod ssr {
    pub use crate::api::context::*;
    use crate::api::orgs::ssr::{dead_link, limit_invitations, mail_invitation, token_shape};
    use crate::db::providers as store;
    use crate::domain::authz::{
        authorize_account, authorize_provider, CompleteSetup, CreateClient, DeleteProvider,
        JoinOrganization, LinkClient as LinkAction, ManageClient, ManageProviderMembers,
        ProviderAccess, ProviderActionType, ReadProviderEvents, ReadProviderMembers, ReadVault,
        UnlinkClient, UpdateProviderSettings, UseProvider,
    };
    use crate::domain::events::{EventCursor, EventFilter, EventPage};
    use crate::domain::org::sealed_key_problem;
    use crate::domain::provider::{
        wrapped_key_problem, ClientPage, ClientQuery, ClientUpdate, LinkClient, LinkableOrg,
        NewClient, ProviderConfirmation, ProviderInvitation, ProviderInviteInput,
        ProviderMemberChange, ProviderMemberOutcome, ProviderMemberPage, ProviderMemberQuery,
        ProviderMembership, ProviderSettings, ProviderSetup, PROVIDER_BULK_MAX,
    };
    use crate::domain::validate::collect;
    use crate::domain::{AppError, Field, OrgId, Problem, ProviderId, ProviderMemberId};
    use crate::mail::{texts, Mail};

    /// The caller's capability for `A` in `provider`, from their standing loaded in one query.
    async fn in_provider<A: ProviderActionType>(
        provider: &ProviderId,
    ) -> Result<(AppState, Caller, ProviderAccess<A>), AppError> {
        let st = state()?;
        let caller = caller(&st.db).await?;
        let standing = store::standing(&st.db, &caller.user.id, provider).await?;
        let access = authorize_provider::<A>(&standing)?;
        Ok((st, caller, access))
    }

    async fn addr(st: &AppState) -> String {
        client_addr(st.trust_proxy).await
    }

    fn invalid(problems: Vec<crate::domain::FieldError>) -> Result<(), AppError> {
        if problems.is_empty() {
            Ok(())
        } else {
            Err(AppError::Invalid(problems))
        }
    }

    pub async fn mine() -> Result<Vec<ProviderMembership>, AppError> {
        let st = state()?;
        let caller = caller(&st.db).await?;
        let access = authorize_account::<ReadVault>(&caller.actor, &caller.user.id)?;
        store::memberships(&st.db, &access).await
    }

    pub async fn setup(provider: ProviderId, setup: ProviderSetup) -> Result<(), AppError> {
        let (st, _, access) = in_provider::<CompleteSetup>(&provider).await?;
        invalid(setup.problems())?;
        let client = addr(&st).await;
        store::setup(&st.db, &access, &setup, &client).await
    }

    pub async fn update(provider: ProviderId, settings: ProviderSettings) -> Result<(), AppError> {
        let (st, _, access) = in_provider::<UpdateProviderSettings>(&provider).await?;
        invalid(settings.problems())?;
        let client = addr(&st).await;
        store::update_settings(&st.db, &access, &settings, &client).await
    }

    pub async fn delete(provider: ProviderId, name: String) -> Result<(), AppError> {
        let (st, _, access) = in_provider::<DeleteProvider>(&provider).await?;
        collect([(
            Field::ProviderName,
            (name.chars().count() > 200).then_some(Problem::Mismatch),
        )])?;
        let client = addr(&st).await;
        store::delete(&st.db, &access, &name, &client).await
    }

    pub async fn member_page(
        provider: ProviderId,
        query: ProviderMemberQuery,
    ) -> Result<ProviderMemberPage, AppError> {
        let (st, _, access) = in_provider::<ReadProviderMembers>(&provider).await?;
        collect([(Field::Members, query.search_problem())])?;
        store::member_page(&st.db, &access, &query).await
    }

    fn mail_provider_invitation(st: &AppState, caller: &Caller, invited: store::ProviderInvited) {
        let link = format!("{}/provider?invite={}", st.public_url, invited.token);
        let (subject, body) = texts::provider_invitation(
            caller.user.language,
            &invited.provider_name,
            &caller.user.name,
            &link,
        );
        st.mail.send_later(Mail {
            to: invited.email,
            subject,
            body,
        });
    }

    pub async fn invite(
        provider: ProviderId,
        invite: ProviderInviteInput,
    ) -> Result<Vec<ProviderMemberId>, AppError> {
        let (st, caller, access) = in_provider::<ManageProviderMembers>(&provider).await?;
        invalid(invite.problems())?;
        let client = addr(&st).await;
        limit_invitations(&st, &caller, invite.emails.iter().map(String::as_str)).await?;
        let invited = store::invite(&st.db, &access, &invite, &client).await?;
        let ids = invited.iter().map(|i| i.member.clone()).collect();
        for person in invited {
            mail_provider_invitation(&st, &caller, person);
        }
        Ok(ids)
    }

    pub async fn reinvite(provider: ProviderId, member: ProviderMemberId) -> Result<(), AppError> {
        let (st, caller, access) = in_provider::<ManageProviderMembers>(&provider).await?;
        let client = addr(&st).await;
        let email = store::invited_email(&st.db, &access, &member).await?;
        limit_invitations(&st, &caller, std::iter::once(email.as_str())).await?;
        let invited = store::reinvite(&st.db, &access, &member, &client).await?;
        mail_provider_invitation(&st, &caller, invited);
        Ok(())
    }

    pub async fn invitation(token: String) -> Result<ProviderInvitation, AppError> {
        let st = state()?;
        token_shape(&token)?;
        store::invitation(&st.db, &token)
            .await?
            .ok_or_else(dead_link)
    }

    pub async fn accept(token: String) -> Result<ProviderId, AppError> {
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
        } else if n > PROVIDER_BULK_MAX {
            Some(Problem::LimitReached {
                max: PROVIDER_BULK_MAX as u32,
            })
        } else {
            None
        };
        collect([(Field::Members, problem)])
    }

    pub async fn confirm(
        provider: ProviderId,
        confirmations: Vec<ProviderConfirmation>,
    ) -> Result<Vec<ProviderMemberOutcome>, AppError> {
        let (st, _, access) = in_provider::<ManageProviderMembers>(&provider).await?;
        bulk_problem(confirmations.len())?;
        if let Some(problem) = confirmations
            .iter()
            .find_map(|c| sealed_key_problem(&c.sealed_provider_key))
        {
            return Err(AppError::field(Field::ProviderKey, problem));
        }
        let client = addr(&st).await;
        Ok(store::confirm(&st.db, &access, &confirmations, &client).await)
    }

    pub async fn change(
        provider: ProviderId,
        change: ProviderMemberChange,
        members: Vec<ProviderMemberId>,
    ) -> Result<Vec<ProviderMemberOutcome>, AppError> {
        let (st, _, access) = in_provider::<ManageProviderMembers>(&provider).await?;
        bulk_problem(members.len())?;
        let client = addr(&st).await;
        Ok(store::change_members(&st.db, &access, change, &members, &client).await)
    }

    pub async fn clients(provider: ProviderId, query: ClientQuery) -> Result<ClientPage, AppError> {
        let (st, _, access) = in_provider::<UseProvider>(&provider).await?;
        collect([(Field::OrgName, query.search_problem())])?;
        store::client_page(&st.db, &access, &query).await
    }

    pub async fn client(
        provider: ProviderId,
        org: OrgId,
    ) -> Result<crate::domain::provider::ClientRecord, AppError> {
        let (st, _, access) = in_provider::<UseProvider>(&provider).await?;
        store::client_one(&st.db, &access, &org).await
    }

    pub async fn create_client(provider: ProviderId, new: NewClient) -> Result<OrgId, AppError> {
        let (st, caller, access) = in_provider::<CreateClient>(&provider).await?;
        invalid(new.problems())?;
        if new.seats > st.org_seats_max {
            return Err(AppError::field(
                Field::Seats,
                Problem::TooLong {
                    max: st.org_seats_max,
                },
            ));
        }
        // Each client holds quotas of its own: a provider makes at most so many a day.
        crate::api::throttle::admit(
            &st.db,
            &[crate::api::throttle::Check::new(
                crate::db::throttle::Scope::ClientCreations,
                provider.as_str(),
                crate::domain::throttle::Policy::CLIENT_CREATIONS,
            )],
        )
        .await?;
        let client = addr(&st).await;
        limit_invitations(&st, &caller, std::iter::once(new.owner_email.as_str())).await?;
        let invited = store::create_client(&st.db, &access, &new, &client).await?;
        mail_invitation(&st, &caller, invited);
        Ok(new.org)
    }

    pub async fn linkable(provider: ProviderId) -> Result<Vec<LinkableOrg>, AppError> {
        let (st, _, access) = in_provider::<LinkAction>(&provider).await?;
        store::linkable(&st.db, &access).await
    }

    pub async fn link(provider: ProviderId, link: LinkClient) -> Result<(), AppError> {
        let (st, _, access) = in_provider::<LinkAction>(&provider).await?;
        collect([(Field::OrgKey, wrapped_key_problem(&link.org_key))])?;
        let client = addr(&st).await;
        store::link(&st.db, &access, &link, &client).await
    }

    pub async fn unlink(provider: ProviderId, org: OrgId) -> Result<(), AppError> {
        let (st, _, access) = in_provider::<UnlinkClient>(&provider).await?;
        let client = addr(&st).await;
        store::unlink(&st.db, &access, &org, &client).await
    }

    pub async fn update_client(
        provider: ProviderId,
        org: OrgId,
        update: ClientUpdate,
    ) -> Result<(), AppError> {
        let (st, _, access) = in_provider::<ManageClient>(&provider).await?;
        invalid(update.problems())?;
        let client = addr(&st).await;
        store::update_client(&st.db, &access, &org, &update, st.org_seats_max, &client).await
    }

    pub async fn managed_by(
        org: OrgId,
    ) -> Result<Option<crate::domain::provider::ManagedBy>, AppError> {
        let (st, _, access) =
            crate::api::orgs::ssr::in_org::<crate::domain::authz::UseOrg>(&org).await?;
        store::managed_by(&st.db, &access).await
    }

    pub async fn events(
        provider: ProviderId,
        filter: EventFilter,
        before: Option<EventCursor>,
    ) -> Result<EventPage, AppError> {
        let (st, _, access) = in_provider::<ReadProviderEvents>(&provider).await?;
        collect([(Field::EventKind, filter.kind_problem())])?;
        crate::db::events::list_provider(&st.db, &access, &filter, before.as_ref()).await
    }
}
