//! The Provider Portal (`/provider?id=<id>&section=<section>`): a provider's clients for every
//! confirmed member, and its members and settings for its provider admins. The provider key is
//! opened here with the account's private key; a client's organization key is opened with the
//! provider key when a staff member manages that client (`ui::admin`). `/provider?invite=<token>`
//! is a provider invitation link.

mod clients;
mod members;
mod settings;

use crate::api::providers::{provider_complete_setup, providers_mine};
use crate::crypto::sealed::{open_key, seal_key};
use crate::crypto::{b64, SymmetricKey};
use crate::domain::org::MemberStatus;
use crate::domain::provider::{
    ProviderMembership, ProviderRole, ProviderSetup, ProviderStatus, ProviderType,
};
use crate::domain::{AccountInfo, AppError, Field, ProviderId};
use crate::i18n::Key;
use crate::ui::auth::UnlockForm;
use crate::ui::components::{report, FormErrors, SubmitButton, TextField};
use crate::ui::state::{use_i18n, use_vault};
use crate::ui::vault::RequireAccount;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

/// What every section of one provider's portal shares.
#[derive(Clone, Copy)]
pub struct Portal {
    pub provider: StoredValue<ProviderId>,
    pub membership: RwSignal<ProviderMembership>,
    /// The provider key, opened in this tab.
    pub key: StoredValue<SymmetricKey>,
    /// Counts changes, so that the paged views load their page again.
    pub revision: RwSignal<u32>,
}

impl Portal {
    pub fn id(&self) -> ProviderId {
        self.provider.get_value()
    }

    /// Provider admins run the provider itself (members, settings, its log, unlinking).
    pub fn admin(&self) -> bool {
        self.membership
            .with_untracked(|m| m.role == ProviderRole::ProviderAdmin)
    }

    pub fn refresh(&self) {
        self.revision.update(|r| *r += 1);
    }
}

pub fn provider_role_label(role: ProviderRole) -> Key {
    match role {
        ProviderRole::ProviderAdmin => Key::RoleProviderAdmin,
        ProviderRole::ServiceUser => Key::RoleServiceUser,
    }
}

pub fn provider_type_label(kind: ProviderType) -> Key {
    match kind {
        ProviderType::Msp => Key::ProviderTypeMsp,
        ProviderType::Reseller => Key::ProviderTypeReseller,
    }
}

/// `/provider?id=…`: one provider's portal (its invitation links are `join::InvitePage`'s).
#[component]
pub fn ProviderPages() -> impl IntoView {
    let i18n = use_i18n();
    let vault = use_vault();
    view! {
        <Title text=move || format!("{} · Keyhaven", i18n.t(Key::ProviderPortal)) />
        <RequireAccount page=move |account: AccountInfo| move || {
            if vault.is_unlocked() {
                view! { <PortalLoader /> }.into_any()
            } else {
                view! { <UnlockForm account=account.clone() help=Key::PortalUnlockHelp /> }.into_any()
            }
        } />
    }
}

/// Where the portal cannot open: the provider waits for its setup, the member for their
/// confirmation, or the provider is disabled.
fn standstill(i18n: crate::ui::state::I18n, message: Key) -> AnyView {
    view! {
        <div class="card narrow">
            <h1>{move || i18n.t(Key::ProviderPortal)}</h1>
            <p role="status">{move || i18n.t(message)}</p>
            <A href="/vault">{move || i18n.t(Key::GoToVault)}</A>
        </div>
    }
    .into_any()
}

/// Finds the caller's place in the provider, opens the provider key, and shows the portal (or
/// the setup, for a pending provider's admin).
#[component]
fn PortalLoader() -> impl IntoView {
    let i18n = use_i18n();
    let vault = use_vault();
    let query = use_query_map();
    let wanted = move || query.with(|q| q.get("id").unwrap_or_default());
    let loaded = LocalResource::new(move || {
        let wanted = wanted();
        async move {
            providers_mine()
                .await?
                .into_iter()
                .find(|m| m.provider.as_str() == wanted)
                .ok_or(AppError::NotFound)
        }
    });
    move || match loaded.get() {
        None => view! { <p class="loading">{move || i18n.t(Key::Loading)}</p> }.into_any(),
        Some(Err(e)) => view! {
            <div class="card narrow">
                <h1>{move || i18n.t(Key::ProviderPortal)}</h1>
                <p role="alert">{i18n.error(&e)}</p>
                <A href="/vault">{move || i18n.t(Key::GoToVault)}</A>
            </div>
        }
        .into_any(),
        Some(Ok(m)) if !m.enabled => standstill(i18n, Key::ProviderDisabled),
        Some(Ok(m)) if m.revoked => standstill(i18n, Key::ProviderAccessRevoked),
        Some(Ok(m)) if m.status == ProviderStatus::Pending => {
            if m.role == ProviderRole::ProviderAdmin {
                view! { <SetupForm membership=m on_done=Callback::new(move |_| loaded.refetch()) /> }
                    .into_any()
            } else {
                standstill(i18n, Key::ProviderNotSetUp)
            }
        }
        Some(Ok(m)) if m.member_status != MemberStatus::Confirmed => {
            standstill(i18n, Key::ProviderWaitingConfirmation)
        }
        Some(Ok(m)) => {
            let key = vault
                .keys()
                .ok_or(AppError::Unauthenticated)
                .and_then(|keys| {
                    m.sealed_provider_key
                        .as_deref()
                        .ok_or(AppError::Crypto)
                        .and_then(|k| open_key(&keys.private_key, k).map_err(|_| AppError::Crypto))
                });
            match key {
                Err(e) => view! { <p role="alert">{i18n.error(&e)}</p> }.into_any(),
                Ok(key) => {
                    let portal = Portal {
                        provider: StoredValue::new(m.provider.clone()),
                        membership: RwSignal::new(m),
                        key: StoredValue::new(key),
                        revision: RwSignal::new(0),
                    };
                    view! { <PortalFrame portal /> }.into_any()
                }
            }
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Section {
    Clients,
    Members,
    Events,
    Settings,
}

impl Section {
    const ALL: [Section; 4] = [
        Section::Clients,
        Section::Members,
        Section::Events,
        Section::Settings,
    ];

    fn path(self) -> &'static str {
        match self {
            Section::Clients => "clients",
            Section::Members => "members",
            Section::Events => "events",
            Section::Settings => "settings",
        }
    }

    fn label(self) -> Key {
        match self {
            Section::Clients => Key::Clients,
            Section::Members => Key::Members,
            Section::Events => Key::EventLog,
            Section::Settings => Key::ProviderSettings,
        }
    }

    /// Service users see the clients only (the server refuses them the rest too).
    fn for_admins(self) -> bool {
        self != Section::Clients
    }
}

#[component]
fn PortalFrame(portal: Portal) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let admin = portal.admin();
    let shown: Vec<Section> = Section::ALL
        .into_iter()
        .filter(|s| admin || !s.for_admins())
        .collect();
    let allowed = StoredValue::new(shown.clone());
    let section = move || {
        let s = query.with(|q| q.get("section").unwrap_or_default());
        allowed.with_value(|a| {
            a.iter()
                .copied()
                .find(|x| x.path() == s)
                .unwrap_or(Section::Clients)
        })
    };
    let id = portal.id();
    view! {
        <div class="console">
            <header class="console-head">
                <p class="muted small">{move || i18n.t(Key::ProviderPortal)}</p>
                <h1>{move || portal.membership.with(|m| m.name.clone())}</h1>
                <p class="muted small">{move || i18n.t(provider_role_label(portal.membership.with(|m| m.role)))}</p>
            </header>
            <nav class="console-nav" aria-label=move || i18n.t(Key::PortalSections)>
                <ul>
                    {shown.into_iter().map(|s| {
                        let href = format!("/provider?id={id}&section={}", s.path());
                        view! {
                            <li>
                                <a href=href aria-current=move || (section() == s).then_some("page")>
                                    {move || i18n.t(s.label())}
                                </a>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </nav>
            <section class="console-body" aria-label=move || i18n.t(section().label())>
                {move || match section() {
                    Section::Clients => view! { <clients::ClientsSection portal /> }.into_any(),
                    Section::Members => view! { <members::MembersSection portal /> }.into_any(),
                    Section::Events => view! { <members::EventsSection portal /> }.into_any(),
                    Section::Settings => view! { <settings::SettingsSection portal /> }.into_any(),
                }}
            </section>
        </div>
    }
}

/// The first provider admin completes the provider: its name and billing address, and its key,
/// made here and sealed to their own public key (the server never holds it open).
#[component]
fn SetupForm(membership: ProviderMembership, on_done: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let vault = use_vault();
    let errors = FormErrors::new();
    let pending = RwSignal::new(false);
    let name = RwSignal::new(membership.name.clone());
    let billing = RwSignal::new(String::new());
    let provider = StoredValue::new(membership.provider.clone());
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        errors.clear();
        let Some(keys) = vault.keys() else { return };
        let public = b64(keys.private_key.public_key().as_bytes());
        let Ok(sealed_provider_key) = SymmetricKey::generate().and_then(|k| seal_key(&public, &k))
        else {
            errors.show(&AppError::Crypto);
            return;
        };
        let setup = ProviderSetup {
            name: name.get_untracked(),
            billing_email: billing.get_untracked(),
            sealed_provider_key,
        };
        let problems = setup.problems();
        if !problems.is_empty() {
            errors.show(&AppError::Invalid(problems));
            return;
        }
        pending.set(true);
        spawn_local(async move {
            let result = provider_complete_setup(provider.get_value(), setup).await;
            pending.set(false);
            match result {
                Ok(()) => on_done.run(()),
                Err(e) => report(errors, &e),
            }
        });
    };
    view! {
        <div class="card narrow">
            <form on:submit=on_submit novalidate>
                <h1>{move || i18n.t(Key::ProviderSetup)}</h1>
                <p class="help">{move || i18n.t(Key::ProviderSetupHelp)}</p>
                <TextField id="provider-name" label=Key::ProviderName value=name error=errors.message(Field::ProviderName) required=true />
                <TextField id="provider-billing" label=Key::BillingEmail value=billing error=errors.message(Field::BillingEmail) input_type="email" help=Key::BillingEmailHelp required=true />
                <div class="actions">
                    <SubmitButton label=Key::CompleteSetup pending />
                </div>
            </form>
        </div>
    }
}
