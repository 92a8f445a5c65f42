//! Putting items into an organization: where a new item goes (the member's own vault or an
//! organization and its collections), and moving a personal item into an organization, sealed
//! again here with the organization's key.

use super::list::{Pane, VaultUi};
use super::orgs::OrgVault;
use crate::api::shared::shared_move_in;
use crate::crypto::items::seal_shared;
use crate::domain::shared::{MoveIn, SharedItemInput};
use crate::domain::{AppError, CollectionId, ItemId, OrgId};
use crate::i18n::Key;
use crate::ui::components::toast_error;
use crate::ui::state::{use_i18n, use_toasts};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Where an item goes: `None` is the member's own vault.
#[derive(Clone, Copy)]
pub struct Destination {
    pub org: RwSignal<Option<OrgId>>,
    pub collections: RwSignal<Vec<CollectionId>>,
}

impl Destination {
    pub fn new(org: Option<OrgId>, collections: Vec<CollectionId>) -> Self {
        Destination {
            org: RwSignal::new(org),
            collections: RwSignal::new(collections),
        }
    }
}

/// Organizations the member may put items in (those with a collection where they manage items).
fn writable_orgs(ui: &VaultUi) -> Vec<OrgVault> {
    ui.orgs.with_untracked(|orgs| {
        orgs.iter()
            .filter(|o| !o.writable().is_empty())
            .cloned()
            .collect()
    })
}

/// The owner select and, for an organization, its collections to tick. `own` offers the
/// member's vault as a choice.
#[component]
pub fn DestinationPicker(dest: Destination, own: bool, prefix: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let ui = expect_context::<VaultUi>();
    let orgs = StoredValue::new(writable_orgs(&ui));
    let select_id = format!("{prefix}-owner");
    let on_change = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        let org = orgs.with_value(|o| {
            o.iter()
                .find(|o| o.id.as_str() == value)
                .map(|o| o.id.clone())
        });
        // Nothing is ticked for the person: an item in the wrong collection is shared with the
        // wrong people, so where it goes is chosen, never guessed (saving asks for one).
        dest.collections.set(Vec::new());
        dest.org.set(org);
    };
    let collections = move || {
        let org = dest.org.get()?;
        let list = orgs.with_value(|o| o.iter().find(|x| x.id == org).map(OrgVault::writable))?;
        Some(view! {
            <CollectionTicks list chosen=dest.collections />
        })
    };
    view! {
        <div class="field">
            <label for=select_id.clone()>{move || i18n.t(Key::Owner)}</label>
            <select id=select_id on:change=on_change>
                {own.then(|| view! {
                    <option value="" selected=move || dest.org.with(Option::is_none)>{move || i18n.t(Key::MyVault)}</option>
                })}
                {orgs.get_value().into_iter().map(|o| {
                    let id = o.id.clone();
                    view! {
                        <option value=o.id.to_string() selected=move || dest.org.with(|x| x.as_ref() == Some(&id))>{o.name.clone()}</option>
                    }
                }).collect_view()}
            </select>
        </div>
        {collections}
    }
}

/// A check box per collection of `list`; `chosen` holds the ticked ones.
#[component]
pub fn CollectionTicks(
    list: Vec<crate::domain::shared::ReachedCollection>,
    chosen: RwSignal<Vec<CollectionId>>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <fieldset class="collections-pick">
            <legend>{move || i18n.t(Key::Collections)}</legend>
            {list.into_iter().map(|c| {
                let (id, toggle) = (c.id.clone(), c.id.clone());
                view! {
                    <label class="check">
                        <input
                            type="checkbox"
                            prop:checked=move || chosen.with(|cs| cs.contains(&id))
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                chosen.update(|cs| {
                                    cs.retain(|x| *x != toggle);
                                    if on {
                                        cs.push(toggle.clone());
                                    }
                                });
                            }
                        />
                        " " {c.name.clone()}
                    </label>
                }
            }).collect_view()}
        </fieldset>
    }
}

/// "Move to organization" on a personal item: the item leaves the member's vault for the chosen
/// collections, sealed again with the organization's key, in one step on the server.
#[component]
pub fn MoveToOrg(id: ItemId) -> impl IntoView {
    let i18n = use_i18n();
    let toasts = use_toasts();
    let ui = expect_context::<VaultUi>();
    if writable_orgs(&ui).is_empty() {
        return ().into_any();
    }
    let open = RwSignal::new(false);
    let pending = RwSignal::new(false);
    let first = writable_orgs(&ui).into_iter().next();
    let dest = Destination::new(first.map(|o| o.id), Vec::new());
    let id = StoredValue::new(id);
    let on_move = move |_| {
        let Some(org_id) = dest.org.get_untracked() else {
            return;
        };
        let collections = dest.collections.get_untracked();
        if collections.is_empty() {
            return toasts.error(i18n.error(&AppError::field(
                crate::domain::Field::Collections,
                crate::domain::Problem::Required,
            )));
        }
        let (Some(org), Some(entry)) = (ui.org(&org_id), ui.entry(&id.get_value())) else {
            return;
        };
        let item = id.get_value();
        let Ok((data, secrets)) = seal_shared(&org.key, &entry.data, org.binding(&item)) else {
            return toasts.error(i18n.error(&AppError::Crypto));
        };
        let moves = vec![MoveIn {
            id: item.clone(),
            revision: entry.record.revision,
            item: SharedItemInput {
                item_type: entry.record.item_type,
                data,
                secrets: Some(secrets),
            },
        }];
        pending.set(true);
        spawn_local(async move {
            let result = shared_move_in(org_id, moves, collections).await;
            pending.set(false);
            match result {
                Ok(_) => {
                    open.set(false);
                    ui.reload();
                    ui.changed();
                    ui.pane.set(Pane::View(item));
                    toasts.success(i18n.fmt(Key::MovedToOrg, &[("org", &org.name)]));
                }
                Err(e) => toast_error(&e),
            }
        });
    };
    view! {
        <Show
            when=move || open.get()
            fallback=move || view! {
                <button type="button" id="move-to-org" on:click=move |_| open.set(true)>{move || i18n.t(Key::MoveToOrg)}</button>
            }
        >
            <div class="move-to-org" role="group" aria-label=move || i18n.t(Key::MoveToOrg)>
                <p class="help">{move || i18n.t(Key::MoveToOrgHelp)}</p>
                <DestinationPicker dest own=false prefix="move" />
                <button type="button" class="primary" disabled=move || pending.get() on:click=on_move>{move || i18n.t(Key::MoveToOrg)}</button>
                <button type="button" on:click=move |_| open.set(false)>{move || i18n.t(Key::Cancel)}</button>
            </div>
        </Show>
    }
    .into_any()
}
