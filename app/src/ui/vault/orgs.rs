//! Organizations in the vault: their keys (opened here with the account's private key), their
//! shared items beside the personal ones, and the sidebar's filters for each organization and
//! its collections.

use super::list::{Filter, VaultUi};
use crate::api::orgs::orgs_mine;
use crate::api::shared::shared_list;
use crate::crypto::items::{open_shared, Binding, Owner};
use crate::crypto::sealed::open_key;
use crate::crypto::{SymmetricKey, UnlockedKeys};
use crate::domain::item::ItemData;
use crate::domain::org::{MemberStatus, OrgRole, Rights};
use crate::domain::shared::{ReachedCollection, SharedItemRecord};
use crate::domain::vault::ItemRecord;
use crate::domain::{AppError, CollectionId, OrgId};
use crate::i18n::Key;
use crate::ui::icons::{Icon, IconSvg};
use crate::ui::state::use_i18n;
use leptos::prelude::*;

/// An organization whose key this member holds.
#[derive(Clone)]
pub struct OrgVault {
    pub id: OrgId,
    pub name: String,
    pub role: OrgRole,
    pub key: SymmetricKey,
    /// The collections the member reaches, by name.
    pub collections: Vec<ReachedCollection>,
}

impl OrgVault {
    /// Collections new items may go into: those where the member manages items.
    pub fn writable(&self) -> Vec<ReachedCollection> {
        self.collections
            .iter()
            .filter(|c| c.rights.edit && c.rights.secrets)
            .cloned()
            .collect()
    }

    pub fn binding<'a>(&'a self, item: &'a crate::domain::ItemId) -> Binding<'a> {
        Binding {
            owner: Owner::Org(&self.id),
            item,
        }
    }
}

impl std::fmt::Debug for OrgVault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OrgVault").field("id", &self.id).finish()
    }
}

impl PartialEq for OrgVault {
    fn eq(&self, other: &Self) -> bool {
        (&self.id, &self.name, self.role, &self.collections)
            == (&other.id, &other.name, other.role, &other.collections)
    }
}

/// Where a shared item lives and what the member may do with it.
#[derive(Clone, Debug, PartialEq)]
pub struct Shared {
    pub org: OrgId,
    pub collections: Vec<CollectionId>,
    pub rights: Rights,
}

/// What the vault loads besides the personal items.
#[derive(Default)]
pub struct Loaded {
    pub orgs: Vec<(OrgVault, Vec<SharedItemRecord>)>,
    /// Organizations the member accepted that have yet to confirm them.
    pub waiting: Vec<String>,
}

/// Every organization the member belongs to, with its key opened and every page of the items
/// they reach. The organizations load side by side (each one's pages in turn, by cursor), so a
/// member of several waits for the largest, not for the sum.
pub async fn load(keys: &UnlockedKeys) -> Result<Loaded, AppError> {
    let mut loaded = Loaded::default();
    let mut open = Vec::new();
    for m in orgs_mine().await? {
        if m.revoked {
            continue;
        }
        let sealed = match (&m.status, &m.sealed_org_key) {
            (MemberStatus::Confirmed, Some(sealed)) => sealed,
            _ => {
                loaded.waiting.push(m.name);
                continue;
            }
        };
        // A key that does not open (sealed to an older key pair) leaves the organization out
        // rather than the whole vault.
        if let Ok(key) = open_key(&keys.private_key, sealed) {
            open.push(OrgVault {
                id: m.org_id,
                name: m.name,
                role: m.role,
                key,
                collections: Vec::new(),
            });
        }
    }
    let pages = futures_util::future::join_all(open.iter().map(|o| every_page(o.id.clone()))).await;
    for (mut org, pages) in open.into_iter().zip(pages) {
        let (collections, items) = pages?;
        org.collections = collections;
        loaded.orgs.push((org, items));
    }
    Ok(loaded)
}

/// Every page of one organization's items for this member, with the collections they reach.
async fn every_page(
    org: OrgId,
) -> Result<(Vec<ReachedCollection>, Vec<SharedItemRecord>), AppError> {
    let mut items = Vec::new();
    let mut collections = Vec::new();
    let mut after = None;
    loop {
        let page = shared_list(org.clone(), after).await?;
        if collections.is_empty() {
            collections = page.collections;
        }
        items.extend(page.items);
        after = page.next;
        if after.is_none() {
            return Ok((collections, items));
        }
    }
}

/// A shared item opened with its organization's key, as a list entry's record and content.
pub fn open_record(
    org: &OrgVault,
    record: SharedItemRecord,
    unreadable: &str,
) -> (ItemRecord, ItemData, Shared) {
    let data = open_shared(
        &org.key,
        &record.data,
        record.secrets.as_deref(),
        org.binding(&record.id),
    )
    .unwrap_or_else(|_| ItemData {
        name: unreadable.to_owned(),
        ..ItemData::default()
    });
    let shared = Shared {
        org: record.org_id.clone(),
        collections: record.collections.clone(),
        rights: record.rights,
    };
    let item = ItemRecord {
        id: record.id,
        item_type: record.item_type,
        folder_id: record.folder_id,
        favorite: record.favorite,
        data: record.data,
        revision: record.revision,
        created_at: record.created_at,
        revised_at: record.revised_at,
        deleted_at: record.deleted_at,
    };
    (item, data, shared)
}

/// The last part of a nested collection name ("Clients/Acme" → "Acme") and its depth.
fn nested(name: &str) -> (&str, usize) {
    let depth = name.matches('/').count();
    (name.rsplit('/').next().unwrap_or(name).trim(), depth)
}

/// The sidebar's vaults: all of them, the member's own, and each organization with its
/// collections, nested by `/` in their names. Shown once the member is in an organization.
#[component]
pub fn VaultFilters() -> impl IntoView {
    let i18n = use_i18n();
    let ui = expect_context::<VaultUi>();
    let button = move |f: Filter, label: Signal<String>, depth: usize| {
        let pressed = f.clone();
        view! {
            <li>
                <button
                    type="button"
                    class="filter"
                    style:padding-inline-start=(depth > 0).then(|| format!("{}rem", 0.75 + depth as f64))
                    aria-pressed=move || ui.filter.with(|c| *c == pressed).to_string()
                    on:click=move |_| ui.pick(f.clone())
                >
                    {label}
                </button>
            </li>
        }
    };
    let fixed = move |key: Key| Signal::derive(move || i18n.t(key).to_owned());
    view! {
        <Show when=move || ui.orgs.with(|o| !o.is_empty()) || ui.waiting.with(|w| !w.is_empty())>
            <h2 class="filters-heading">{move || i18n.t(Key::Vaults)}</h2>
            <ul aria-label=move || i18n.t(Key::Vaults)>
                {button(Filter::All, fixed(Key::AllVaults), 0)}
                {button(Filter::MyVault, fixed(Key::MyVault), 0)}
                <For each=move || ui.orgs.get() key=|o| (o.id.clone(), o.name.clone(), o.collections.iter().map(|c| (c.id.clone(), c.name.clone())).collect::<Vec<_>>()) let:org>
                    {
                        let name = org.name.clone();
                        let org_filter = Filter::Org(org.id.clone());
                        let collections = org
                            .collections
                            .iter()
                            .map(|c| {
                                let (last, depth) = nested(&c.name);
                                button(
                                    Filter::Collection(org.id.clone(), c.id.clone()),
                                    Signal::stored(last.to_owned()),
                                    depth + 1,
                                )
                            })
                            .collect_view();
                        view! {
                            {button(org_filter, Signal::stored(name), 0)}
                            {collections}
                        }
                    }
                </For>
            </ul>
            <For each=move || ui.waiting.get() key=|w| w.clone() let:name>
                <p class="muted small waiting">
                    <IconSvg icon=Icon::Clock /> " "
                    {move || i18n.fmt(Key::WaitingForConfirmation, &[("org", &name)])}
                </p>
            </For>
        </Show>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn nested_names_show_their_last_part() {
        assert_eq!(super::nested("Clients/Acme/ Mail"), ("Mail", 2));
        assert_eq!(super::nested("Default"), ("Default", 0));
    }
}
