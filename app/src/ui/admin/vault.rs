//! The console's vault: every item of the organization (unassigned ones too), opened here with
//! the organization key, filtered by collection. Secrets are not listed: opening an item's
//! secrets is its own call, recorded in the event log.

use super::Console;
use crate::api::shared::{org_item_secrets, org_vault};
use crate::crypto::items::{open_shared, Binding, Owner};
use crate::domain::item::ItemData;
use crate::domain::shared::SharedItemRecord;
use crate::domain::{CollectionId, ItemId};
use crate::i18n::Key;
use crate::ui::components::toast_error;
use crate::ui::dialog::Dialog;
use crate::ui::state::use_i18n;
use crate::ui::table::{Column, DataTable};
use crate::ui::vault::type_label;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// One item as the console shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct ConsoleItem {
    pub record: SharedItemRecord,
    pub data: ItemData,
}

pub(super) fn open(console: Console, record: &SharedItemRecord, secrets: Option<&str>) -> ItemData {
    let org = console.org();
    console
        .key
        .with_value(|key| {
            open_shared(
                key,
                &record.data,
                secrets,
                Binding {
                    owner: Owner::Org(&org),
                    item: &record.id,
                },
            )
        })
        .unwrap_or_default()
}

/// Which items the section shows: every one, one collection's, or those in none.
#[derive(Clone, Debug, PartialEq)]
enum Shown {
    All,
    Unassigned,
    In(CollectionId),
}

#[component]
pub fn VaultSection(console: Console) -> impl IntoView {
    let i18n = use_i18n();
    let items = RwSignal::new(Vec::<ConsoleItem>::new());
    let loaded = RwSignal::new(false);
    let shown = RwSignal::new(Shown::All);
    let opened = RwSignal::new(None::<ConsoleItem>);
    let query = leptos_router::hooks::use_query_map();
    spawn_local(async move {
        let mut after = None;
        let mut all = Vec::new();
        loop {
            match org_vault(console.org(), after).await {
                Ok(page) => {
                    all.extend(page.items.into_iter().map(|record| ConsoleItem {
                        data: open(console, &record, None),
                        record,
                    }));
                    after = page.next;
                    if after.is_none() {
                        break;
                    }
                }
                Err(e) => return toast_error(&e),
            }
        }
        all.sort_by_key(|i| i.data.name.to_lowercase());
        // A link from a report names the item to open (`&item=<id>`).
        let wanted = query.with_untracked(|q| q.get("item"));
        if let Some(item) =
            wanted.and_then(|id| all.iter().find(|i| i.record.id.as_str() == id).cloned())
        {
            opened.try_set(Some(item));
        }
        items.try_set(all);
        loaded.try_set(true);
    });
    let rows = Signal::derive(move || {
        let which = shown.get();
        items.with(|all| {
            all.iter()
                .filter(|i| match &which {
                    Shown::All => true,
                    Shown::Unassigned => i.record.collections.is_empty(),
                    Shown::In(c) => i.record.collections.contains(c),
                })
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    let columns = vec![
        Column::new(Key::Name, move |i: &ConsoleItem| {
            let item = i.clone();
            let name = i.data.name.clone();
            view! {
                <button type="button" class="link" on:click=move |_| opened.set(Some(item.clone()))>{name}</button>
            }
            .into_any()
        })
        .sorted_by(|i| i.data.name.clone()),
        Column::new(Key::ItemType, move |i: &ConsoleItem| {
            let kind = i.record.item_type;
            view! { {move || i18n.t(type_label(kind))} }.into_any()
        })
        .sorted_by(|i| i.record.item_type.code().to_owned()),
        Column::new(Key::Collections, move |i: &ConsoleItem| {
            // The console's collections may arrive after the items: the names follow.
            let ids = i.record.collections.clone();
            let unassigned = ids.is_empty();
            view! {
                {move || console.collection_names(&ids)}
                {unassigned.then(|| view! { <span class="badge">{move || i18n.t(Key::Unassigned)}</span> })}
            }
            .into_any()
        }),
    ];
    view! {
        <p class="help">{move || i18n.t(Key::ConsoleVaultScope)}</p>
        <div class="section-tools">
            <div class="field">
                <label for="console-collection">{move || i18n.t(Key::Collection)}</label>
                <select id="console-collection" on:change=move |ev| {
                    let v = event_target_value(&ev);
                    shown.set(match v.as_str() {
                        "" => Shown::All,
                        "-" => Shown::Unassigned,
                        id => console.collections.with_untracked(|cs| {
                            cs.iter().find(|c| c.id.as_str() == id).map_or(Shown::All, |c| Shown::In(c.id.clone()))
                        }),
                    })
                }>
                    <option value="">{move || i18n.t(Key::AllCollections)}</option>
                    <option value="-">{move || i18n.t(Key::Unassigned)}</option>
                    {move || console.collections.get().into_iter().map(|c| view! {
                        <option value=c.id.to_string()>{c.name.clone()}</option>
                    }).collect_view()}
                </select>
            </div>
        </div>
        <Show when=move || loaded.get() fallback=move || view! { <p class="loading">{move || i18n.t(Key::Loading)}</p> }>
            <DataTable
                id="console-items"
                label=Key::OrgItems
                rows=rows
                columns=columns.clone()
                haystack=|i: &ConsoleItem| i.data.search_text()
                row_key=|i: &ConsoleItem| format!("{}{}", i.record.id, i.record.revision)
                empty=Key::NoOrgItems
            />
        </Show>
        {move || opened.get().map(|item| view! { <ItemDialog console item opened /> })}
    }
}

#[component]
fn ItemDialog(
    console: Console,
    item: ConsoleItem,
    opened: RwSignal<Option<ConsoleItem>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let revealed = RwSignal::new(None::<ItemData>);
    let pending = RwSignal::new(false);
    let id: ItemId = item.record.id.clone();
    let record = StoredValue::new(item.record.clone());
    let reveal = move |_| {
        let id = id.clone();
        pending.set(true);
        spawn_local(async move {
            let result = org_item_secrets(console.org(), id).await;
            pending.set(false);
            match result {
                Ok(secrets) => revealed.set(Some(
                    record.with_value(|r| open(console, r, Some(&secrets))),
                )),
                Err(e) => toast_error(&e),
            }
        });
    };
    // Who reaches the item, asked for when the person opens that part.
    let reach_wanted = RwSignal::new(false);
    let reach_id = item.record.id.clone();
    let data = item.data.clone();
    let line = move |label: Key, value: String| {
        (!value.is_empty()).then(|| view! { <dt>{move || i18n.t(label)}</dt><dd>{value}</dd> })
    };
    view! {
        <Dialog open=Signal::derive(|| true) title=Signal::stored(data.name.clone()) on_cancel=Callback::new(move |_| opened.set(None)) id=Some("console-item".to_owned())>
            <dl class="facts">
                {line(Key::Username, data.login.username.clone())}
                {line(Key::Website, data.login.uris.iter().map(|u| u.uri.clone()).collect::<Vec<_>>().join(" "))}
                {line(Key::Cardholder, data.card.cardholder.clone())}
                {line(Key::Notes, data.notes.clone())}
            </dl>
            {move || match revealed.get() {
                None => view! {
                    <p class="help">{move || i18n.t(Key::SecretsAreLogged)}</p>
                    <button type="button" id="reveal-secrets" disabled=move || pending.get() on:click=reveal.clone()>{move || i18n.t(Key::ShowSecrets)}</button>
                }.into_any(),
                Some(full) => {
                    let (_, secrets) = full.split();
                    view! {
                        <dl class="facts secrets">
                            {line(Key::Password, secrets.password)}
                            {line(Key::TotpSecret, secrets.totp)}
                            {line(Key::CardNumber, secrets.card_number)}
                            {line(Key::SecurityCode, secrets.card_code)}
                            {line(Key::Ssn, secrets.ssn)}
                            {line(Key::Passport, secrets.passport_number)}
                            {line(Key::License, secrets.license_number)}
                        </dl>
                    }.into_any()
                }
            }}
            <details class="reach-details" on:toggle=move |_| reach_wanted.set(true)>
                <summary>{move || i18n.t(Key::WhoCanReach)}</summary>
                {move || reach_wanted.get().then(|| view! {
                    <super::collections::ReachList console target=super::collections::ReachTarget::Item(reach_id.clone()) />
                })}
            </details>
            <div class="actions">
                <button type="button" autofocus on:click=move |_| opened.set(None)>{move || i18n.t(Key::CloseTool)}</button>
            </div>
        </Dialog>
    }
}
