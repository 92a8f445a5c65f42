//! The unlocked vault: filters, search, the item list and the pane beside it. Items are decrypted
//! here, in the browser; search runs over the decrypted data.

use super::folders::FolderFilters;
use super::form::ItemForm;
use super::generator::GeneratorPane;
use super::item::ItemView;
use super::transfer::{ExportPane, ImportPane};
use crate::api::vault::{trash_empty, vault_list};
use crate::crypto::items::{open_folder_name, open_item};
use crate::domain::item::ItemData;
use crate::domain::vault::{ItemRecord, ItemType, VaultSnapshot};
use crate::domain::{FolderId, ItemId};
use crate::i18n::Key;
use crate::ui::browser::{focus, mark};
use crate::ui::icons::{Icon, IconSvg};
use crate::ui::state::{use_i18n, use_toasts, use_vault, I18n, Vault};
use leptos::html;
use leptos::lazy;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::sync::Arc;

/// One item with its decrypted content and what search and sorting need, computed once.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub record: ItemRecord,
    pub data: ItemData,
    hay: String,
    sort: String,
}

impl Entry {
    pub fn new(record: ItemRecord, data: ItemData) -> Self {
        let hay = data.search_text();
        let sort = data.name.to_lowercase();
        Entry {
            record,
            data,
            hay,
            sort,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct FolderEntry {
    pub id: FolderId,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Filter {
    All,
    Favorites,
    Type(ItemType),
    /// `None` is "No folder".
    Folder(Option<FolderId>),
    Trash,
}

/// What the right-hand pane shows.
#[derive(Clone, Debug, PartialEq)]
pub enum Pane {
    Nothing,
    View(ItemId),
    New(ItemType),
    Edit(ItemId),
    Clone(ItemId),
    Generator,
    Import,
    Export,
}

#[derive(Clone, Copy)]
pub struct VaultUi {
    /// Sorted by name.
    pub entries: RwSignal<Vec<Arc<Entry>>>,
    pub folders: RwSignal<Vec<FolderEntry>>,
    pub loaded: RwSignal<bool>,
    pub filter: RwSignal<Filter>,
    pub query: RwSignal<String>,
    pub pane: RwSignal<Pane>,
    vault: Vault,
    i18n: I18n,
}

fn sort(list: &mut [Arc<Entry>]) {
    list.sort_by(|a, b| (&a.sort, &a.record.id).cmp(&(&b.sort, &b.record.id)));
}

impl VaultUi {
    fn new() -> Self {
        VaultUi {
            entries: RwSignal::new(Vec::new()),
            folders: RwSignal::new(Vec::new()),
            loaded: RwSignal::new(false),
            filter: RwSignal::new(Filter::All),
            query: RwSignal::new(String::new()),
            pane: RwSignal::new(Pane::Nothing),
            vault: use_vault(),
            i18n: use_i18n(),
        }
    }

    /// Fetches every page of the vault, then decrypts it.
    pub fn reload(&self) {
        let this = *self;
        spawn_local(async move {
            // Page by page: the server answers a bounded page, however large the vault.
            let mut whole = VaultSnapshot::default();
            let mut after = None;
            loop {
                match vault_list(after).await {
                    Ok(page) => {
                        whole.items.extend(page.items);
                        whole.folders.extend(page.folders);
                        after = page.next;
                        if after.is_none() {
                            break;
                        }
                    }
                    Err(e) => return crate::ui::components::toast_error(&e),
                }
            }
            this.show(whole);
        });
    }

    fn show(&self, snapshot: VaultSnapshot) {
        let Some(keys) = self.vault.keys() else {
            return;
        };
        let unreadable = self.i18n.t(Key::ErrCrypto);
        let mut entries: Vec<Arc<Entry>> = snapshot
            .items
            .into_iter()
            .map(|record| {
                let data = open_item(&keys.user_key, &record.data).unwrap_or_else(|_| ItemData {
                    name: unreadable.to_owned(),
                    ..ItemData::default()
                });
                Arc::new(Entry::new(record, data))
            })
            .collect();
        sort(&mut entries);
        let mut folders: Vec<FolderEntry> = snapshot
            .folders
            .into_iter()
            .map(|f| FolderEntry {
                name: open_folder_name(&keys.user_key, &f.name)
                    .unwrap_or_else(|_| unreadable.to_owned()),
                id: f.id,
            })
            .collect();
        folders.sort_by_key(|f| f.name.to_lowercase());
        mark("keyhaven:vault-decrypted");
        self.entries.set(entries);
        self.folders.set(folders);
        self.loaded.set(true);
        request_animation_frame(|| mark("keyhaven:list-painted"));
    }

    pub fn entry(&self, id: &ItemId) -> Option<Entry> {
        self.entries.with(|list| {
            list.iter()
                .find(|e| &e.record.id == id)
                .map(|e| Entry::clone(e))
        })
    }

    /// Puts a saved item in place (or adds it).
    pub fn upsert(&self, record: ItemRecord, data: ItemData) {
        self.entries.update(|list| {
            list.retain(|e| e.record.id != record.id);
            list.push(Arc::new(Entry::new(record, data)));
            sort(list);
        });
    }

    pub fn remove(&self, ids: &[ItemId]) {
        self.entries
            .update(|list| list.retain(|e| !ids.contains(&e.record.id)));
    }

    pub fn folder_name(&self, id: &FolderId) -> Option<String> {
        self.folders
            .with(|list| list.iter().find(|f| &f.id == id).map(|f| f.name.clone()))
    }
}

fn visible(entry: &Entry, filter: &Filter, words: &[String]) -> bool {
    let in_trash = entry.record.deleted_at.is_some();
    let by_filter = match filter {
        Filter::Trash => in_trash,
        Filter::All => !in_trash,
        Filter::Favorites => !in_trash && entry.record.favorite,
        Filter::Type(t) => !in_trash && entry.record.item_type == *t,
        Filter::Folder(f) => !in_trash && entry.record.folder_id == *f,
    };
    by_filter && words.iter().all(|w| entry.hay.contains(w.as_str()))
}

pub fn type_label(kind: ItemType) -> Key {
    match kind {
        ItemType::Login => Key::TypeLogin,
        ItemType::Card => Key::TypeCard,
        ItemType::Identity => Key::TypeIdentity,
        ItemType::SecureNote => Key::TypeSecureNote,
    }
}

pub(super) fn type_icon(kind: ItemType) -> Icon {
    match kind {
        ItemType::Login => Icon::Login,
        ItemType::Card => Icon::Card,
        ItemType::Identity => Icon::Identity,
        ItemType::SecureNote => Icon::SecureNote,
    }
}

/// Height of one list row in pixels (the CSS fixes it), so only rows on screen are rendered.
const ROW_PX: f64 = 56.0;
/// Rows rendered above and below the visible ones, so fast scrolling shows no gaps.
const OVERSCAN: usize = 8;

#[component]
pub fn VaultView() -> impl IntoView {
    let i18n = use_i18n();
    let ui = VaultUi::new();
    provide_context(ui);
    ui.reload();

    let shown = Memo::new(move |_| {
        let filter = ui.filter.get();
        let words: Vec<String> = ui.query.with(|q| {
            q.to_lowercase()
                .split_whitespace()
                .map(str::to_owned)
                .collect()
        });
        ui.entries.with(|all| {
            all.iter()
                .filter(|e| visible(e, &filter, &words))
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    let filters = [
        (Filter::All, Key::AllItems),
        (Filter::Favorites, Key::Favorites),
        (Filter::Type(ItemType::Login), Key::Logins),
        (Filter::Type(ItemType::Card), Key::Cards),
        (Filter::Type(ItemType::Identity), Key::Identities),
        (Filter::Type(ItemType::SecureNote), Key::SecureNotes),
    ];
    let new_kind = RwSignal::new(ItemType::Login);

    // Virtual scrolling: the window of rows that is on screen.
    let scroller = NodeRef::<html::Div>::new();
    let scroll_top = RwSignal::new(0.0f64);
    let viewport = RwSignal::new(720.0f64);
    let window = Memo::new(move |_| {
        let total = shown.with(Vec::len);
        let first = ((scroll_top.get() / ROW_PX) as usize).saturating_sub(OVERSCAN);
        let count = (viewport.get() / ROW_PX).ceil() as usize + 2 * OVERSCAN;
        (first.min(total), (first + count).min(total))
    });
    let rows = move || {
        let (from, to) = window.get();
        shown.with(|list| {
            list[from..to]
                .iter()
                .enumerate()
                .map(|(i, e)| (from + i, e.clone()))
                .collect::<Vec<_>>()
        })
    };
    // Arrow keys move through the list; the selected row opens in the pane and keeps focus.
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let total = shown.with_untracked(Vec::len);
        if total == 0 {
            return;
        }
        let current = match ui.pane.get_untracked() {
            Pane::View(id) => shown.with_untracked(|l| l.iter().position(|e| e.record.id == id)),
            _ => None,
        };
        let next = match (ev.key().as_str(), current) {
            ("ArrowDown", Some(i)) => (i + 1).min(total - 1),
            ("ArrowUp", Some(i)) => i.saturating_sub(1),
            ("ArrowDown" | "ArrowUp" | "Home", None) | ("Home", _) => 0,
            ("End", _) => total - 1,
            _ => return,
        };
        ev.prevent_default();
        let id = shown.with_untracked(|l| l[next].record.id.clone());
        if let Some(el) = scroller.get_untracked() {
            let top = next as f64 * ROW_PX;
            let height = f64::from(el.client_height());
            if top < el.scroll_top() as f64 {
                el.set_scroll_top(top as i32);
            } else if top + ROW_PX > el.scroll_top() as f64 + height {
                el.set_scroll_top((top + ROW_PX - height) as i32);
            }
            scroll_top.set(f64::from(el.scroll_top()));
        }
        ui.pane.set(Pane::View(id.clone()));
        request_animation_frame(move || focus(&format!("row-{}", id.as_str())));
    };
    let pick = move |f: Filter| {
        ui.filter.set(f);
        ui.pane.set(Pane::Nothing);
    };

    view! {
        <div class="vault">
            <nav class="vault-filters" aria-label=move || i18n.t(Key::VaultFilters)>
                <ul>
                    {filters
                        .into_iter()
                        .map(|(f, label)| {
                            let pressed = f.clone();
                            view! {
                                <li>
                                    <button
                                        type="button"
                                        class="filter"
                                        aria-pressed=move || ui.filter.with(|c| *c == pressed).to_string()
                                        on:click=move |_| pick(f.clone())
                                    >
                                        {move || i18n.t(label)}
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
                <FolderFilters />
                <ul>
                    <li>
                        <button type="button" class="filter" aria-pressed=move || ui.filter.with(|c| *c == Filter::Trash).to_string() on:click=move |_| pick(Filter::Trash)>
                            {move || i18n.t(Key::Trash)}
                        </button>
                    </li>
                </ul>
                <h2 class="filters-heading">{move || i18n.t(Key::Tools)}</h2>
                <ul>
                    {[(Pane::Generator, Key::Generator), (Pane::Import, Key::ImportItems), (Pane::Export, Key::ExportVault)]
                        .into_iter()
                        .map(|(pane, label)| {
                            let pressed = pane.clone();
                            view! {
                                <li>
                                    <button type="button" class="filter" aria-pressed=move || ui.pane.with(|p| *p == pressed).to_string() on:click=move |_| ui.pane.set(pane.clone())>
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
                        on:input=move |ev| {
                            ui.query.set(event_target_value(&ev));
                            if let Some(el) = scroller.get_untracked() {
                                el.set_scroll_top(0);
                            }
                            scroll_top.set(0.0);
                        }
                    />
                    // Nothing is made in the trash.
                    <Show when=move || ui.filter.with(|f| *f != Filter::Trash)>
                        <label class="visually-hidden" for="new-item-type">{move || i18n.t(Key::ItemType)}</label>
                        <select id="new-item-type" on:change=move |ev| new_kind.set(ItemType::from_code(&event_target_value(&ev)).unwrap_or(ItemType::Login))>
                            {ItemType::ALL
                                .into_iter()
                                .map(|t| view! { <option value=t.code() selected=move || new_kind.get() == t>{move || i18n.t(type_label(t))}</option> })
                                .collect_view()}
                        </select>
                        <button type="button" class="primary" on:click=move |_| ui.pane.set(Pane::New(new_kind.get_untracked()))>
                            {move || i18n.t(Key::NewItem)}
                        </button>
                    </Show>
                </div>
                <Show when=move || ui.filter.with(|f| *f == Filter::Trash)>
                    <TrashBar shown=shown />
                </Show>
                <p class="muted small" aria-live="polite">
                    {move || ui.loaded.get().then(|| i18n.count(Key::ItemCountOne, Key::ItemCount, shown.with(Vec::len) as u64))}
                </p>
                <div
                    class="items-scroll"
                    node_ref=scroller
                    on:scroll=move |_| {
                        if let Some(el) = scroller.get_untracked() {
                            scroll_top.set(f64::from(el.scroll_top()));
                            viewport.set(f64::from(el.client_height()));
                        }
                    }
                >
                    <ul
                        class="items"
                        aria-label=move || i18n.t(Key::Items)
                        on:keydown=on_key
                        style:height=move || format!("{}px", shown.with(Vec::len) as f64 * ROW_PX)
                        style:padding-top=move || format!("{}px", window.get().0 as f64 * ROW_PX)
                    >
                        <For each=rows key=|(_, e)| (e.record.id.clone(), e.record.revision) let:((_, entry))>
                            {
                                let id = entry.record.id.clone();
                                let id_for_click = id.clone();
                                let subtitle = entry.data.subtitle(entry.record.item_type);
                                view! {
                                    <li>
                                        <button
                                            type="button"
                                            class="item-row"
                                            id=format!("row-{}", id.as_str())
                                            aria-current=move || (ui.pane.get() == Pane::View(id.clone())).then_some("true")
                                            on:click=move |_| ui.pane.set(Pane::View(id_for_click.clone()))
                                        >
                                            <span class="item-icon"><IconSvg icon=type_icon(entry.record.item_type) /></span>
                                            <span class="item-text">
                                                <span class="item-name">
                                                    {entry.data.name.clone()}
                                                    {entry.record.favorite.then(|| view! {
                                                        " " <IconSvg icon=Icon::Star />
                                                        <span class="visually-hidden">{move || i18n.t(Key::Favorite)}</span>
                                                    })}
                                                </span>
                                                <span class="item-sub">{subtitle}</span>
                                            </span>
                                        </button>
                                    </li>
                                }
                            }
                        </For>
                    </ul>
                </div>
                <Show when=move || ui.loaded.get() && shown.with(Vec::is_empty)>
                    <p class="empty">
                        {move || {
                            if ui.filter.with(|f| *f == Filter::Trash) {
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
                {move || {
                    // Also shown when the item a pane was about has gone (deleted, or emptied from the trash).
                    let select_item = move || view! { <p class="empty">{move || i18n.t(Key::SelectItem)}</p> }.into_any();
                    match ui.pane.get() {
                        Pane::Nothing => select_item(),
                        Pane::View(id) => match ui.entry(&id) {
                            Some(entry) => view! { <ItemView entry /> }.into_any(),
                            None => select_item(),
                        },
                        pane => {
                            let entry = match &pane {
                                Pane::Edit(id) | Pane::Clone(id) => match ui.entry(id) {
                                    Some(entry) => Some(entry),
                                    None => return select_item(),
                                },
                                _ => None,
                            };
                            lazy_pane(writing_pane(pane, entry))
                        }
                    }
                }}
            </section>
        </div>
    }
}

/// Shows a pane that is not needed to read the vault (item form, generator, import, export): its
/// code is a lazy WASM part, fetched the first time one opens, so the vault's first screen does not
/// wait for it. ("Loading…" stays if the part cannot be fetched, as a page would without its code.)
fn lazy_pane(part: impl std::future::Future<Output = AnyView> + Send + 'static) -> AnyView {
    let i18n = use_i18n();
    view! {
        <Suspense fallback=move || view! { <p class="loading">{move || i18n.t(Key::Loading)}</p> }>
            {Suspend::new(part)}
        </Suspense>
    }
    .into_any()
}

/// One lazy part for all of them: separate parts multiplied the shared chunks the splitter makes.
#[lazy]
fn writing_pane(pane: Pane, entry: Option<Entry>) -> AnyView {
    match (pane, entry) {
        (Pane::New(kind), _) => view! { <ItemForm kind existing=None copy_of=None /> }.into_any(),
        (Pane::Edit(_), Some(entry)) => {
            view! { <ItemForm kind=entry.record.item_type existing=Some(entry) copy_of=None /> }
                .into_any()
        }
        (Pane::Clone(_), Some(entry)) => {
            view! { <ItemForm kind=entry.record.item_type existing=None copy_of=Some(entry) /> }
                .into_any()
        }
        (Pane::Generator, _) => view! { <GeneratorPane /> }.into_any(),
        (Pane::Import, _) => view! { <ImportPane /> }.into_any(),
        (Pane::Export, _) => view! { <ExportPane /> }.into_any(),
        // The caller shows reading panes itself and never sends Edit or Clone without their item.
        _ => ().into_any(),
    }
}

#[component]
fn TrashBar(shown: Memo<Vec<Arc<Entry>>>) -> impl IntoView {
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
                Err(e) => crate::ui::components::toast_error(&e),
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
