//! The unlocked vault: filters, search, the item list and the pane beside it. Items are decrypted
//! here, in the browser; search runs over the decrypted data.

use super::item::{ItemForm, ItemView};
use crate::api::vault::{trash_empty, vault_list};
use crate::crypto::items::open_item;
use crate::domain::item::ItemData;
use crate::domain::vault::{ItemRecord, ItemType};
use crate::domain::ItemId;
use crate::i18n::Key;
use crate::ui::state::{use_i18n, use_toasts, use_vault};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// One item with its decrypted content.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub record: ItemRecord,
    pub data: ItemData,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Filter {
    All,
    Favorites,
    Type(ItemType),
    Trash,
}

/// What the right-hand pane shows.
#[derive(Clone, Debug, PartialEq)]
pub enum Pane {
    Nothing,
    View(ItemId),
    New(ItemType),
    Edit(ItemId),
}

#[derive(Clone, Copy)]
pub struct VaultUi {
    pub entries: RwSignal<Vec<Entry>>,
    pub loaded: RwSignal<bool>,
    pub filter: RwSignal<Filter>,
    pub query: RwSignal<String>,
    pub pane: RwSignal<Pane>,
}

impl VaultUi {
    /// Fetches and decrypts the whole vault.
    pub fn reload(&self) {
        let this = *self;
        let vault = use_vault();
        let toasts = use_toasts();
        let i18n = use_i18n();
        spawn_local(async move {
            match vault_list().await {
                Ok(snapshot) => {
                    let Some(keys) = vault.keys() else { return };
                    let entries = snapshot
                        .items
                        .into_iter()
                        .map(|record| {
                            let data =
                                open_item(&keys.user_key, &record.data).unwrap_or_else(|_| {
                                    ItemData {
                                        name: i18n.t(Key::ErrCrypto).to_owned(),
                                        ..ItemData::default()
                                    }
                                });
                            Entry { record, data }
                        })
                        .collect();
                    this.entries.set(entries);
                    this.loaded.set(true);
                }
                Err(e) => toasts.error(i18n.error(&e)),
            }
        });
    }

    pub fn entry(&self, id: &ItemId) -> Option<Entry> {
        self.entries
            .with(|list| list.iter().find(|e| &e.record.id == id).cloned())
    }

    /// Puts a saved item in place (or adds it).
    pub fn upsert(&self, record: ItemRecord, data: ItemData) {
        self.entries.update(|list| {
            list.retain(|e| e.record.id != record.id);
            list.push(Entry { record, data });
        });
    }

    pub fn remove(&self, ids: &[ItemId]) {
        self.entries
            .update(|list| list.retain(|e| !ids.contains(&e.record.id)));
    }
}

fn visible(entry: &Entry, filter: Filter, query: &str) -> bool {
    let in_trash = entry.record.deleted_at.is_some();
    let by_filter = match filter {
        Filter::Trash => in_trash,
        Filter::All => !in_trash,
        Filter::Favorites => !in_trash && entry.record.favorite,
        Filter::Type(t) => !in_trash && entry.record.item_type == t,
    };
    by_filter && entry.data.matches(query)
}

pub fn type_label(kind: ItemType) -> Key {
    match kind {
        ItemType::Login => Key::TypeLogin,
        ItemType::Card => Key::TypeCard,
        ItemType::Identity => Key::TypeIdentity,
        ItemType::SecureNote => Key::TypeSecureNote,
    }
}

fn type_icon(kind: ItemType) -> &'static str {
    match kind {
        ItemType::Login => "🔑",
        ItemType::Card => "💳",
        ItemType::Identity => "🪪",
        ItemType::SecureNote => "📝",
    }
}

#[component]
pub fn VaultView() -> impl IntoView {
    let i18n = use_i18n();
    let ui = VaultUi {
        entries: RwSignal::new(Vec::new()),
        loaded: RwSignal::new(false),
        filter: RwSignal::new(Filter::All),
        query: RwSignal::new(String::new()),
        pane: RwSignal::new(Pane::Nothing),
    };
    provide_context(ui);
    ui.reload();

    let shown = Memo::new(move |_| {
        let (filter, query) = (ui.filter.get(), ui.query.get());
        let mut list: Vec<Entry> = ui.entries.with(|all| {
            all.iter()
                .filter(|e| visible(e, filter, &query))
                .cloned()
                .collect()
        });
        list.sort_by_cached_key(|e| (e.data.name.to_lowercase(), e.record.id.clone()));
        list
    });
    let filters = [
        (Filter::All, Key::AllItems),
        (Filter::Favorites, Key::Favorites),
        (Filter::Type(ItemType::Login), Key::Logins),
        (Filter::Type(ItemType::Card), Key::Cards),
        (Filter::Type(ItemType::Identity), Key::Identities),
        (Filter::Type(ItemType::SecureNote), Key::SecureNotes),
        (Filter::Trash, Key::Trash),
    ];
    let new_kind = RwSignal::new(ItemType::Login);

    view! {
        <div class="vault">
            <nav class="vault-filters" aria-label=move || i18n.t(Key::VaultFilters)>
                <ul>
                    {filters
                        .into_iter()
                        .map(|(f, label)| {
                            view! {
                                <li>
                                    <button
                                        type="button"
                                        class="filter"
                                        aria-pressed=move || (ui.filter.get() == f).to_string()
                                        on:click=move |_| {
                                            ui.filter.set(f);
                                            ui.pane.set(Pane::Nothing);
                                        }
                                    >
                                        {move || i18n.t(label)}
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </nav>
            <section class="vault-list" aria-labelledby="vault-heading">
                <h1 id="vault-heading">{move || i18n.t(Key::MyVault)}</h1>
                <div class="toolbar">
                    <label class="visually-hidden" for="vault-search">{move || i18n.t(Key::SearchVault)}</label>
                    <input
                        id="vault-search"
                        type="search"
                        placeholder=move || i18n.t(Key::SearchVault)
                        prop:value=move || ui.query.get()
                        on:input=move |ev| ui.query.set(event_target_value(&ev))
                    />
                    <label class="visually-hidden" for="new-item-type">{move || i18n.t(Key::ItemType)}</label>
                    <select id="new-item-type" on:change=move |ev| new_kind.set(ItemType::from_code(&event_target_value(&ev)).unwrap_or(ItemType::Login))>
                        {ItemType::ALL
                            .into_iter()
                            .map(|t| view! { <option value=t.code()>{move || i18n.t(type_label(t))}</option> })
                            .collect_view()}
                    </select>
                    <button type="button" class="primary" on:click=move |_| ui.pane.set(Pane::New(new_kind.get_untracked()))>
                        {move || i18n.t(Key::NewItem)}
                    </button>
                </div>
                <Show when=move || ui.filter.get() == Filter::Trash>
                    <TrashBar shown=shown />
                </Show>
                <ul class="items" aria-label=move || i18n.t(Key::Items)>
                    <For each=move || shown.get() key=|e| (e.record.id.clone(), e.record.revision) let:entry>
                        {
                            let id = entry.record.id.clone();
                            let id_for_click = id.clone();
                            let subtitle = entry.data.subtitle(entry.record.item_type);
                            view! {
                                <li>
                                    <button
                                        type="button"
                                        class="item-row"
                                        aria-current=move || (ui.pane.get() == Pane::View(id.clone())).then_some("true")
                                        on:click=move |_| ui.pane.set(Pane::View(id_for_click.clone()))
                                    >
                                        <span class="icon" aria-hidden="true">{type_icon(entry.record.item_type)}</span>
                                        <span class="item-text">
                                            <span class="item-name">{entry.data.name.clone()}</span>
                                            <span class="item-sub">{subtitle}</span>
                                        </span>
                                    </button>
                                </li>
                            }
                        }
                    </For>
                </ul>
                <Show when=move || ui.loaded.get() && shown.with(Vec::is_empty)>
                    <p class="empty">
                        {move || {
                            if ui.filter.get() == Filter::Trash {
                                i18n.t(Key::TrashEmpty)
                            } else if ui.entries.with(Vec::is_empty) {
                                i18n.t(Key::VaultEmpty)
                            } else {
                                i18n.t(Key::NoMatches)
                            }
                        }}
                    </p>
                </Show>
            </section>
            <section class="vault-pane" aria-live="polite">
                {move || match ui.pane.get() {
                    Pane::Nothing => view! { <p class="empty">{move || i18n.t(Key::SelectItem)}</p> }.into_any(),
                    Pane::View(id) => match ui.entry(&id) {
                        Some(entry) => view! { <ItemView entry /> }.into_any(),
                        None => view! { <p class="empty">{move || i18n.t(Key::SelectItem)}</p> }.into_any(),
                    },
                    Pane::New(kind) => view! { <ItemForm kind existing=None /> }.into_any(),
                    Pane::Edit(id) => match ui.entry(&id) {
                        Some(entry) => view! { <ItemForm kind=entry.record.item_type existing=Some(entry) /> }.into_any(),
                        None => ().into_any(),
                    },
                }}
            </section>
        </div>
    }
}

#[component]
fn TrashBar(shown: Memo<Vec<Entry>>) -> impl IntoView {
    let i18n = use_i18n();
    let toasts = use_toasts();
    let ui = expect_context::<VaultUi>();
    let confirming = RwSignal::new(false);
    let empty = move |_| {
        spawn_local(async move {
            match trash_empty().await {
                Ok(_) => {
                    ui.entries
                        .update(|list| list.retain(|e| e.record.deleted_at.is_none()));
                    confirming.set(false);
                    toasts.success(i18n.t(Key::TrashEmptied).to_owned());
                }
                Err(e) => toasts.error(i18n.error(&e)),
            }
        });
    };
    view! {
        <div class="trash-bar">
            <p class="help">{move || i18n.t(Key::TrashHelp)}</p>
            <Show when=move || !shown.with(Vec::is_empty)>
                <Show
                    when=move || confirming.get()
                    fallback=move || view! {
                        <button type="button" on:click=move |_| confirming.set(true)>{move || i18n.t(Key::EmptyTrash)}</button>
                    }
                >
                    <div class="confirm" role="group" aria-label=move || i18n.t(Key::EmptyTrash)>
                        <p>{move || i18n.t(Key::ConfirmEmptyTrash)}</p>
                        <button type="button" class="danger" on:click=empty>{move || i18n.t(Key::EmptyTrash)}</button>
                        <button type="button" on:click=move |_| confirming.set(false)>{move || i18n.t(Key::Cancel)}</button>
                    </div>
                </Show>
            </Show>
        </div>
    }
}
