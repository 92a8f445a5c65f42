//! The Admin Console of one organization, a lazy part of its own: members (with the key
//! exchange), collections, groups and settings. For its owners and admins, with the vault
//! unlocked: confirming a member seals the organization key, which is opened here with the
//! account's private key.

mod collections;
mod events;
mod groups;
mod health;
mod members;
mod reports;
mod settings;
mod vault;

pub use settings::plan_label;

use crate::api::collections::org_groups;
use crate::api::orgs::{org_collections, org_members, orgs_mine};
use crate::crypto::sealed::open_key;
use crate::crypto::SymmetricKey;
use crate::domain::org::{
    CollectionSummary, GroupRecord, MemberPage, MemberRecord, MemberStatus, OrgMembership, OrgRole,
};
use crate::domain::{AccountInfo, AppError, OrgId};
use crate::i18n::Key;
use crate::ui::auth::UnlockForm;
use crate::ui::state::{use_i18n, use_vault};
use crate::ui::vault::RequireAccount;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

/// What every section of one organization's console shares.
#[derive(Clone, Copy)]
pub struct Console {
    pub org: StoredValue<OrgId>,
    pub me: StoredValue<AccountInfo>,
    pub membership: RwSignal<OrgMembership>,
    /// The organization key, opened in this tab.
    pub key: StoredValue<SymmetricKey>,
    /// Every member, for the sections that list them all (reports, access pickers, the event
    /// log's filter): loaded only once one of them asks (`need_members`).
    pub members: RwSignal<Vec<MemberRecord>>,
    members_wanted: StoredValue<bool>,
    /// The Members section's page, which the server searches, orders and cuts.
    pub member_page: RwSignal<MemberPage>,
    /// Counts `refresh`es, so a paged view loads again after a change.
    pub revision: RwSignal<u32>,
    pub collections: RwSignal<Vec<CollectionSummary>>,
    pub groups: RwSignal<Vec<GroupRecord>>,
}

impl Console {
    pub fn org(&self) -> OrgId {
        self.org.get_value()
    }

    pub fn role(&self) -> OrgRole {
        self.membership.with_untracked(|m| m.role)
    }

    /// Loads collections, groups (and every member, if a section needs them) again, after a
    /// change or when the page opens; paged views load their page again.
    pub fn refresh(&self) {
        let this = *self;
        self.revision.update(|r| *r += 1);
        leptos::task::spawn_local(async move {
            let org = this.org();
            let members = match this.members_wanted.get_value() {
                true => Some(org_members(org.clone()).await),
                false => None,
            };
            let collections = org_collections(org.clone()).await;
            let groups = org_groups(org).await;
            match (members.transpose(), collections, groups) {
                (Ok(m), Ok(c), Ok(g)) => {
                    if let Some(m) = m {
                        this.members.set(m);
                    }
                    this.collections.set(c);
                    this.groups.set(g);
                }
                (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => {
                    crate::ui::components::toast_error(&e)
                }
            }
        });
    }

    /// Loads every member once, for a section that lists them all.
    pub fn need_members(&self) {
        if self.members_wanted.get_value() {
            return;
        }
        self.members_wanted.set_value(true);
        let this = *self;
        leptos::task::spawn_local(async move {
            match org_members(this.org()).await {
                Ok(m) => this.members.set(m),
                Err(e) => crate::ui::components::toast_error(&e),
            }
        });
    }

    /// The names of `ids`, joined; reactive, as the collections may arrive after what names them.
    pub fn collection_names(&self, ids: &[crate::domain::CollectionId]) -> String {
        self.collections.with(|cs| {
            cs.iter()
                .filter(|c| ids.contains(&c.id))
                .map(|c| c.name.clone())
                .collect::<Vec<_>>()
                .join(", ")
        })
    }

    /// A member's name from the Members section's page, or from every member once loaded.
    pub fn member_label(&self, id: &crate::domain::MemberId) -> String {
        let named = |ms: &[MemberRecord]| ms.iter().find(|m| &m.id == id).map(member_name);
        self.member_page
            .with(|p| named(&p.members))
            .or_else(|| self.members.with(|ms| named(ms)))
            .unwrap_or_default()
    }
}

/// A member as a person reads them: their name, or their address until they have an account.
pub fn member_name(m: &MemberRecord) -> String {
    match &m.name {
        Some(name) if !name.is_empty() => format!("{name} <{}>", m.email),
        _ => m.email.clone(),
    }
}

pub fn role_label(role: OrgRole) -> Key {
    match role {
        OrgRole::Owner => Key::RoleOwner,
        OrgRole::Admin => Key::RoleAdmin,
        OrgRole::User => Key::RoleUser,
    }
}

pub fn status_label(m: &MemberRecord) -> Key {
    match (m.revoked, m.status) {
        (true, _) => Key::StatusRevoked,
        (false, MemberStatus::Invited) => Key::StatusInvited,
        (false, MemberStatus::Accepted) => Key::StatusAccepted,
        (false, MemberStatus::Confirmed) => Key::StatusConfirmed,
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Section {
    Vault,
    Members,
    Collections,
    Groups,
    Reports,
    Events,
    Settings,
}

impl Section {
    const ALL: [Section; 7] = [
        Section::Vault,
        Section::Members,
        Section::Collections,
        Section::Groups,
        Section::Reports,
        Section::Events,
        Section::Settings,
    ];

    fn path(self) -> &'static str {
        match self {
            Section::Vault => "vault",
            Section::Members => "members",
            Section::Collections => "collections",
            Section::Groups => "groups",
            Section::Reports => "reports",
            Section::Events => "events",
            Section::Settings => "settings",
        }
    }

    fn label(self) -> Key {
        match self {
            Section::Vault => Key::ConsoleVault,
            Section::Members => Key::Members,
            Section::Collections => Key::Collections,
            Section::Groups => Key::Groups,
            Section::Reports => Key::Reports,
            Section::Events => Key::EventLog,
            Section::Settings => Key::OrgSettings,
        }
    }
}

#[component]
pub fn AdminPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=move || format!("{} · Keyhaven", i18n.t(Key::AdminConsole)) />
        <RequireAccount page=|account: AccountInfo| view! { <AdminBody account /> } />
    }
}

#[component]
fn AdminBody(account: AccountInfo) -> impl IntoView {
    let vault = use_vault();
    move || {
        if vault.is_unlocked() {
            view! { <ConsoleLoader account=account.clone() /> }.into_any()
        } else {
            view! { <UnlockForm account=account.clone() help=Key::AdminUnlockHelp /> }.into_any()
        }
    }
}

/// A client's console as its provider's staff open it: they are no members; the organization key
/// comes from the client link, under the provider key, which is sealed to them. They act as an
/// owner would (the server decides so too, and names the provider in every event).
async fn through_provider(
    org: OrgId,
    keys: &crate::crypto::UnlockedKeys,
) -> Result<(OrgMembership, SymmetricKey), AppError> {
    use crate::api::providers::{org_managed_by, provider_client, providers_mine};
    use crate::domain::provider::{client_key_purpose, ProviderStatus, STAFF_ORG_ROLE};
    let managed = org_managed_by(org.clone())
        .await?
        .ok_or(AppError::NotFound)?;
    let place = providers_mine()
        .await?
        .into_iter()
        .find(|p| {
            p.provider == managed.provider
                && p.member_status == MemberStatus::Confirmed
                && !p.revoked
                && p.enabled
                && p.status == ProviderStatus::Active
        })
        .ok_or(AppError::NotFound)?;
    let provider_key = place
        .sealed_provider_key
        .as_deref()
        .ok_or(AppError::Crypto)
        .and_then(|k| open_key(&keys.private_key, k).map_err(|_| AppError::Crypto))?;
    let client = provider_client(managed.provider.clone(), org.clone()).await?;
    let key = crate::crypto::EncString::parse(&client.org_key)
        .and_then(|sealed| {
            provider_key.decrypt(&sealed, &client_key_purpose(&managed.provider, &org))
        })
        .and_then(|bytes| SymmetricKey::from_slice(&bytes))
        .map_err(|_| AppError::Crypto)?;
    let membership = OrgMembership {
        org_id: org,
        name: client.name,
        plan: client.plan,
        seats: client.seats,
        billing_email: None,
        // No place of their own in the organization.
        member_id: crate::domain::MemberId::from_stored(String::new()),
        role: STAFF_ORG_ROLE,
        status: MemberStatus::Confirmed,
        revoked: false,
        sealed_org_key: None,
    };
    Ok((membership, key))
}

/// Finds the caller's membership, opens the organization key, and shows the console.
#[component]
fn ConsoleLoader(account: AccountInfo) -> impl IntoView {
    let i18n = use_i18n();
    let vault = use_vault();
    let query = use_query_map();
    let org_param = move || query.with(|q| q.get("id").unwrap_or_default());
    let account = StoredValue::new(account);
    let loaded = LocalResource::new(move || {
        let wanted = org_param();
        async move {
            let mine = orgs_mine().await?;
            let keys = vault.keys().ok_or(AppError::Unauthenticated)?;
            let membership = mine
                .into_iter()
                .find(|m| m.org_id.as_str() == wanted)
                .filter(|m| {
                    m.role != OrgRole::User && m.status == MemberStatus::Confirmed && !m.revoked
                });
            let Some(membership) = membership else {
                // Not an owner or admin of it: perhaps its provider's staff.
                return through_provider(OrgId::from_stored(wanted), &keys).await;
            };
            let key = membership
                .sealed_org_key
                .as_deref()
                .ok_or(AppError::Crypto)
                .and_then(|k| open_key(&keys.private_key, k).map_err(|_| AppError::Crypto))?;
            Ok::<_, AppError>((membership, key))
        }
    });
    move || match loaded.get() {
        None => view! { <p class="loading">{move || i18n.t(Key::Loading)}</p> }.into_any(),
        Some(Err(e)) => view! {
            <div class="card narrow">
                <h1>{move || i18n.t(Key::AdminConsole)}</h1>
                <p role="alert">{i18n.error(&e)}</p>
                <A href="/vault">{move || i18n.t(Key::GoToVault)}</A>
            </div>
        }
        .into_any(),
        Some(Ok((membership, key))) => {
            let console = Console {
                org: StoredValue::new(membership.org_id.clone()),
                me: account,
                membership: RwSignal::new(membership),
                key: StoredValue::new(key),
                members: RwSignal::new(Vec::new()),
                members_wanted: StoredValue::new(false),
                member_page: RwSignal::new(MemberPage::default()),
                revision: RwSignal::new(0),
                collections: RwSignal::new(Vec::new()),
                groups: RwSignal::new(Vec::new()),
            };
            provide_context(console);
            console.refresh();
            view! { <ConsoleFrame console /> }.into_any()
        }
    }
}

#[component]
fn ConsoleFrame(console: Console) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let section = move || {
        let s = query.with(|q| q.get("section").unwrap_or_default());
        Section::ALL
            .into_iter()
            .find(|x| x.path() == s)
            .unwrap_or(Section::Members)
    };
    let org = console.org();
    let shown = move || Section::ALL.to_vec();
    // A client of a provider says so to everyone in it.
    let managed = LocalResource::new(move || crate::api::providers::org_managed_by(console.org()));
    view! {
        <div class="console">
            <header class="console-head">
                <p class="muted small">{move || i18n.t(Key::AdminConsole)}</p>
                <h1>{move || console.membership.with(|m| m.name.clone())}</h1>
                {move || managed.get().and_then(Result::ok).flatten().map(|m| view! {
                    <p class="badge" id="managed-by">{move || i18n.fmt(Key::ManagedBy, &[("provider", &m.name)])}</p>
                })}
            </header>
            <nav class="console-nav" aria-label=move || i18n.t(Key::ConsoleSections)>
                <ul>
                    {shown().into_iter().map(|s| {
                        let href = format!("/org?id={org}&section={}", s.path());
                        view! {
                            <li>
                                // A plain link (the router still follows it): `A` would mark every
                                // tab current, as they share the path `/org`.
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
                    Section::Vault => view! { <vault::VaultSection console /> }.into_any(),
                    Section::Members => view! { <members::MembersSection console /> }.into_any(),
                    Section::Collections => view! { <collections::CollectionsSection console /> }.into_any(),
                    Section::Groups => view! { <groups::GroupsSection console /> }.into_any(),
                    Section::Reports => view! { <reports::ReportsSection console /> }.into_any(),
                    Section::Events => view! { <events::EventsSection console /> }.into_any(),
                    Section::Settings => view! { <settings::SettingsSection console /> }.into_any(),
                }}
            </section>
        </div>
    }
}
