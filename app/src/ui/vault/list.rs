//! The unlocked vault: filters, search, the item list and the pane beside it. Items are decrypted
//! here, in the browser; search runs over the decrypted data.

use super::folders::FolderFilters;
use super::form::ItemForm;
use super::generator::GeneratorPane;
use super::item::ItemView;
use super::orgs::{open_record, OrgVault, Shared, VaultFilters};
use super::transfer::{ExportPane, ImportPane};
use crate::api::vault::{item_update, vault_list};
use crate::crypto::items::{open_folder_name, open_item, seal_item, Binding, Owner};
use crate::domain::item::ItemData;
use crate::domain::vault::{ItemInput, ItemRecord, ItemType, VaultSnapshot};
use crate::domain::{AppError, CollectionId, FolderId, ItemId, OrgId, UserId};
use crate::i18n::Key;
use crate::ui::browser::{
    focus, focus_if_shown, history_back, mark, push_history_entry, tab_news, tell_other_tabs,
    TabNews,
};
use crate::ui::dialog::ConfirmDialog;
use crate::ui::guard::{use_unsaved, UnsavedEdits};
use crate::ui::icons::{Icon, IconSvg};
use crate::ui::menu::Menu;
use crate::ui::state::{use_i18n, use_vault, I18n, Vault};
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
    /// For an organization's item: which, where, and what the member may do.
    pub shared: Option<Shared>,
    hay: String,
    sort: String,
}

impl Entry {
    pub fn new(record: ItemRecord, data: ItemData) -> Self {
        Self::with_owner(record, data, None)
    }

    pub fn with_owner(record: ItemRecord, data: ItemData, shared: Option<Shared>) -> Self {
        let hay = data.search_text();
        let sort = data.name.to_lowercase();
        Entry {
            record,
            data,
            shared,
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
    /// Every vault: the member's own and their organizations'.
    All,
    /// The member's own items.
    MyVault,
    Org(OrgId),
    Collection(OrgId, CollectionId),
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
    /// The organizations whose keys the member holds.
    pub orgs: RwSignal<Vec<OrgVault>>,
    /// Names of organizations that have yet to confirm the member.
    pub waiting: RwSignal<Vec<String>>,
    pub loaded: RwSignal<bool>,
    pub filter: RwSignal<Filter>,
    pub query: RwSignal<String>,
    pub pane: RwSignal<Pane>,
    /// On a phone the filters are a drawer over the list.
    pub filters_open: RwSignal<bool>,
    /// Rows show check boxes, and the bulk bar acts on the ticked ones.
    pub selecting: RwSignal<bool>,
    pub selected: RwSignal<Vec<ItemId>>,
    /// The list's one tab stop: the row the arrow keys last reached.
    active: RwSignal<Option<ItemId>>,
    /// The account whose vault this is: personal items are sealed bound to it.
    owner: StoredValue<UserId>,
    unsaved: UnsavedEdits,
    vault: Vault,
    i18n: I18n,
}

/// An open pane (item, form, tool) is one step of the browser's history: Back closes it (asking
/// first if it holds edits) rather than leaving the vault, which on a phone, where the pane covers
/// the list, is what the back gesture means. Closing it in the page takes the step back out.
fn follow_history(ui: VaultUi) {
    // Whether this page's entry is on the history stack, and how many of the `popstate`s to come
    // are our own `history_back`s (they arrive later, maybe after another pane opened).
    let pushed = StoredValue::new(false);
    let own_pops = StoredValue::new(0u32);
    Effect::new(move |_| {
        let open = ui.pane.with(|p| *p != Pane::Nothing);
        if open && !pushed.get_value() {
            pushed.set_value(true);
            push_history_entry();
        } else if !open && pushed.get_value() {
            pushed.set_value(false);
            own_pops.update_value(|n| *n += 1);
            history_back();
        }
    });
    let listener = window_event_listener(leptos::ev::popstate, move |_| {
        if own_pops.get_value() > 0 {
            own_pops.update_value(|n| *n -= 1);
            return;
        }
        if !pushed.get_value() || ui.pane.with_untracked(|p| *p == Pane::Nothing) {
            return;
        }
        // The entry is gone; it comes back while the person decides about unsaved edits, and
        // leaves again (through the effect) once the pane closes.
        pushed.set_value(false);
        if ui.unsaved.is_dirty() {
            pushed.set_value(true);
            push_history_entry();
        }
        ui.unsaved.attempt(move || ui.pane.set(Pane::Nothing));
    });
    on_cleanup(move || listener.remove());
}

/// Every page of the personal vault: the server answers a bounded page, however large it is.
async fn personal_pages() -> Result<VaultSnapshot, AppError> {
    let mut whole = VaultSnapshot::default();
    let mut after = None;
    loop {
        let page = vault_list(after).await?;
        whole.items.extend(page.items);
        whole.folders.extend(page.folders);
        after = page.next;
        if after.is_none() {
            return Ok(whole);
        }
    }
}

fn sort(list: &mut [Arc<Entry>]) {
    list.sort_by(|a, b| (&a.sort, &a.record.id).cmp(&(&b.sort, &b.record.id)));
}

impl VaultUi {
    fn new(owner: UserId) -> Self {
        VaultUi {
            owner: StoredValue::new(owner),
            entries: RwSignal::new(Vec::new()),
            folders: RwSignal::new(Vec::new()),
            orgs: RwSignal::new(Vec::new()),
            waiting: RwSignal::new(Vec::new()),
            loaded: RwSignal::new(false),
            filter: RwSignal::new(Filter::All),
            query: RwSignal::new(String::new()),
            pane: RwSignal::new(Pane::Nothing),
            filters_open: RwSignal::new(false),
            selecting: RwSignal::new(false),
            selected: RwSignal::new(Vec::new()),
            active: RwSignal::new(None),
            unsaved: use_unsaved(),
            vault: use_vault(),
            i18n: use_i18n(),
        }
    }

    /// Runs `f` with what a personal item `item` is sealed bound to.
    pub fn bound<T>(&self, item: &ItemId, f: impl FnOnce(Binding<'_>) -> T) -> T {
        self.owner.with_value(|owner| {
            f(Binding {
                owner: Owner::User(owner),
                item,
            })
        })
    }

    /// Shows `pane`, after asking if that would throw away unsaved edits.
    pub fn open(&self, pane: Pane) {
        if self.pane.with_untracked(|p| *p == pane) {
            return;
        }
        let this = *self;
        self.unsaved.attempt(move || {
            this.pane.set(pane.clone());
            this.filters_open.set(false);
        });
    }

    /// Shows the items of `filter` (and no pane), after asking if edits would be lost.
    pub fn pick(&self, filter: Filter) {
        let this = *self;
        self.unsaved.attempt(move || {
            this.filter.set(filter.clone());
            // A selection is of what was shown: another list starts with none.
            this.selected.set(Vec::new());
            this.pane.set(Pane::Nothing);
            this.filters_open.set(false);
        });
    }

    /// Tells this browser's other tabs that the vault changed, so theirs loads it again.
    pub fn changed(&self) {
        tell_other_tabs(TabNews::VaultChanged);
    }

    /// Fetches every page of the vault and of each organization (side by side), then decrypts it.
    pub fn reload(&self) {
        let this = *self;
        spawn_local(async move {
            let Some(keys) = this.vault.keys() else {
                return;
            };
            match futures_util::future::join(personal_pages(), super::orgs::load(&keys)).await {
                (Ok(whole), Ok(loaded)) => this.show(whole, loaded),
                (Err(e), _) | (_, Err(e)) => crate::ui::components::toast_error(&e),
            }
        });
    }

    /// The organization `id`, if the member holds its key.
    pub fn org(&self, id: &OrgId) -> Option<OrgVault> {
        self.orgs
            .with_untracked(|orgs| orgs.iter().find(|o| &o.id == id).cloned())
    }

    fn show(&self, snapshot: VaultSnapshot, loaded: super::orgs::Loaded) {
        let Some(keys) = self.vault.keys() else {
            return;
        };
        let unreadable = self.i18n.t(Key::ErrCrypto);
        let mut legacy = Vec::new();
        let mut entries: Vec<Arc<Entry>> = snapshot
            .items
            .into_iter()
            .map(|record| {
                let opened =
                    self.bound(&record.id, |at| open_item(&keys.user_key, &record.data, at));
                let data = match opened {
                    Ok(opened) => {
                        if opened.legacy {
                            legacy.push((record.clone(), opened.data.clone()));
                        }
                        opened.data
                    }
                    Err(_) => ItemData {
                        name: unreadable.to_owned(),
                        ..ItemData::default()
                    },
                };
                Arc::new(Entry::new(record, data))
            })
            .collect();
        let mut orgs = Vec::with_capacity(loaded.orgs.len());
        for (org, items) in loaded.orgs {
            for record in items {
                let (record, data, shared) = open_record(&org, record, unreadable);
                entries.push(Arc::new(Entry::with_owner(record, data, Some(shared))));
            }
            orgs.push(org);
        }
        orgs.sort_by_key(|o| o.name.to_lowercase());
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
        self.orgs.set(orgs);
        self.waiting.set(loaded.waiting);
        self.loaded.set(true);
        request_animation_frame(|| mark("keyhaven:list-painted"));
        self.rebind_legacy(legacy);
    }

    /// Seals again, bound to their identity, the items sealed before binding (one save each, in
    /// the background; an item changed meanwhile elsewhere keeps its turn for the next load).
    fn rebind_legacy(&self, legacy: Vec<(ItemRecord, ItemData)>) {
        if legacy.is_empty() {
            return;
        }
        let this = *self;
        spawn_local(async move {
            for (record, data) in legacy {
                let Some(keys) = this.vault.keys() else {
                    return;
                };
                let Ok(sealed) = this.bound(&record.id, |at| seal_item(&keys.user_key, &data, at))
                else {
                    continue;
                };
                let input = ItemInput {
                    item_type: record.item_type,
                    folder_id: record.folder_id.clone(),
                    favorite: record.favorite,
                    data: sealed,
                };
                if let Ok(saved) = item_update(record.id.clone(), record.revision, input).await {
                    this.entries.update(|list| {
                        if let Some(e) = list.iter_mut().find(|e| e.record.id == saved.id) {
                            *e = Arc::new(Entry::new(saved, data));
                        }
                    });
                }
            }
        });
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
        self.upsert_entry(Entry::new(record, data));
    }

    /// Puts a saved item, personal or shared, in place (or adds it).
    pub fn upsert_entry(&self, entry: Entry) {
        self.entries.update(|list| {
            list.retain(|e| e.record.id != entry.record.id);
            list.push(Arc::new(entry));
            sort(list);
        });
        self.changed();
    }

    pub fn remove(&self, ids: &[ItemId]) {
        self.entries
            .update(|list| list.retain(|e| !ids.contains(&e.record.id)));
        self.changed();
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
        Filter::MyVault => !in_trash && entry.shared.is_none(),
        Filter::Org(org) => !in_trash && entry.shared.as_ref().is_some_and(|s| &s.org == org),
        Filter::Collection(org, c) => {
            !in_trash
                && entry
                    .shared
                    .as_ref()
                    .is_some_and(|s| &s.org == org && s.collections.contains(c))
        }
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
pub fn VaultView(owner: UserId) -> impl IntoView {
    let i18n = use_i18n();
    let ui = VaultUi::new(owner);
    provide_context(ui);
    ui.reload();
    follow_history(ui);

    let shown = Memo::new(move |_| {
        let filter = ui.filter.get();
        let words = ui.query.with(|q| crate::domain::search::search_words(q));
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

    // An item saved, trashed or deleted in another tab of this browser shows here too.
    let news = window_event_listener(leptos::ev::storage, move |ev| {
        if tab_news(&ev) == Some(TabNews::VaultChanged) && ui.loaded.get_untracked() {
            ui.reload();
        }
    });
    on_cleanup(move || news.remove());

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
    // The list is one tab stop: the row the arrow keys reached, or the first row on screen.
    let tab_stop = Memo::new(move |_| {
        let (from, to) = window.get();
        shown.with(|list| {
            let on_screen = &list[from..to];
            ui.active
                .get()
                .filter(|a| on_screen.iter().any(|e| &e.record.id == a))
                .or_else(|| on_screen.first().map(|e| e.record.id.clone()))
        })
    });
    // Arrow keys, Home and End move through the list; Enter (the row is a button) opens a row.
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let total = shown.with_untracked(Vec::len);
        if total == 0 {
            return;
        }
        let current = ui
            .active
            .get_untracked()
            .and_then(|id| shown.with_untracked(|l| l.iter().position(|e| e.record.id == id)));
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
        ui.active.set(Some(id.clone()));
        // At once, so a key pressed right after (Enter) reaches the new row; and once more after
        // the frame, for a row the scroll had yet to draw.
        focus(&row_id(&id));
        request_animation_frame(move || focus(&row_id(&id)));
    };
    let open_item = move |id: ItemId| {
        ui.active.set(Some(id.clone()));
        ui.open(Pane::View(id));
        // On a phone the item covers the list: focus goes with it.
        request_animation_frame(|| focus_if_shown("#pane-back"));
    };
    let back = move |_| {
        let item = match ui.pane.get_untracked() {
            Pane::View(id) | Pane::Edit(id) | Pane::Clone(id) => Some(id),
            _ => None,
        };
        ui.open(Pane::Nothing);
        request_animation_frame(move || match item {
            Some(id) => focus(&row_id(&id)),
            None => focus("vault-search"),
        });
    };
    let named_filters = filters.clone();
    let filter_label = move || {
        let current = ui.filter.get();
        named_filters
            .iter()
            .find(|(f, _)| *f == current)
            .map(|(_, k)| i18n.t(*k).to_owned())
            .or_else(|| match &current {
                Filter::Trash => Some(i18n.t(Key::Trash).to_owned()),
                Filter::Folder(None) => Some(i18n.t(Key::NoFolder).to_owned()),
                Filter::Folder(Some(id)) => ui.folder_name(id),
                Filter::MyVault => Some(i18n.t(Key::MyVault).to_owned()),
                Filter::Org(org) => ui.org(org).map(|o| o.name),
                Filter::Collection(org, c) => ui.org(org).and_then(|o| {
                    o.collections
                        .into_iter()
                        .find(|x| &x.id == c)
                        .map(|x| x.name)
                }),
                _ => None,
            })
            .unwrap_or_default()
    };
    // New starts with the type in view, if the list shows one type.
    let new_types = move || {
        let mut types = ItemType::ALL.to_vec();
        if let Filter::Type(t) = ui.filter.get() {
            types.retain(|x| *x != t);
            types.insert(0, t);
        }
        types
    };
    let filter_button = |f: Filter, label: Key| {
        let pressed = f.clone();
        // "All items" is where focus lands when the filter it was on goes away.
        let id = (f == Filter::All).then_some("filter-all");
        // With organizations, "All vaults" above stands for it.
        let all = f == Filter::All;
        view! {
            <li hidden=move || all && ui.orgs.with(|o| !o.is_empty())>
                <button
                    type="button"
                    id=id
                    class="filter"
                    aria-pressed=move || ui.filter.with(|c| *c == pressed).to_string()
                    on:click=move |_| ui.pick(f.clone())
                >
                    {move || i18n.t(label)}
                </button>
            </li>
        }
    };

    view! {
        <div class="vault" class:pane-open=move || ui.pane.with(|p| *p != Pane::Nothing) class:filters-open=move || ui.filters_open.get()>
            <nav
                id="vault-filters"
                class="vault-filters"
                aria-label=move || i18n.t(Key::VaultFilters)
                on:keydown=move |ev| {
                    if ev.key() == "Escape" && ui.filters_open.get_untracked() {
                        ui.filters_open.set(false);
                        focus("filters-button");
                    }
                }
            >
                <button type="button" class="ghost drawer-close" on:click=move |_| { ui.filters_open.set(false); focus("filters-button"); }>
                    <IconSvg icon=Icon::Close /> {move || i18n.t(Key::CloseFilters)}
                </button>
                <VaultFilters />
                <ul>
                    {filters.into_iter().map(|(f, label)| filter_button(f, label)).collect_view()}
                </ul>
                <FolderFilters />
                <ul>{filter_button(Filter::Trash, Key::Trash)}</ul>
            </nav>
            <section class="vault-list" aria-labelledby="vault-heading">
                <h1 id="vault-heading">{move || i18n.t(Key::MyVault)}</h1>
                <div class="toolbar">
                    <button
                        type="button"
                        id="filters-button"
                        class="filters-button"
                        aria-controls="vault-filters"
                        aria-expanded=move || ui.filters_open.get().to_string()
                        on:click=move |_| {
                            ui.filters_open.set(true);
                            request_animation_frame(|| focus_if_shown("#vault-filters button[aria-pressed=\"true\"]"));
                        }
                    >
                        <IconSvg icon=Icon::Filters />
                        <span class="visually-hidden">{move || i18n.t(Key::FiltersButton)} ": "</span>
                        <span class="filters-label">{filter_label}</span>
                    </button>
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
                        <Menu label=Signal::derive(move || i18n.t(Key::New).to_owned()) icon=Icon::Plus class="primary end" id="new-menu">
                            {move || new_types()
                                .into_iter()
                                .map(|t| view! {
                                    <li>
                                        <button type="button" on:click=move |_| ui.open(Pane::New(t))>
                                            <IconSvg icon=type_icon(t) /> " " {move || i18n.t(type_label(t))}
                                        </button>
                                    </li>
                                })
                                .collect_view()}
                        </Menu>
                    </Show>
                    <Menu label=Signal::derive(move || i18n.t(Key::Tools).to_owned()) icon=Icon::Tools icon_only=true class="end" id="tools-menu">
                        {[(Pane::Generator, Key::Generator), (Pane::Import, Key::ImportItems), (Pane::Export, Key::ExportVault)]
                            .into_iter()
                            .map(|(pane, label)| view! {
                                <li><button type="button" on:click=move |_| ui.open(pane.clone())>{move || i18n.t(label)}</button></li>
                            })
                            .collect_view()}
                        <li><button type="button" id="select-items" on:click=move |_| {
                            ui.selecting.set(true);
                            request_animation_frame(|| focus_if_shown(".row-check"));
                        }>{move || i18n.t(Key::SelectItems)}</button></li>
                    </Menu>
                </div>
                <Show when=move || ui.filter.with(|f| *f == Filter::Trash)>
                    <TrashBar shown=shown />
                </Show>
                <Show when=move || ui.selecting.get()>
                    <super::bulk::BulkBar shown=shown />
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
                                let (for_current, for_stop, for_focus, for_click) = (id.clone(), id.clone(), id.clone(), id.clone());
                                let subtitle = entry.data.subtitle(entry.record.item_type);
                                let (check, name) = (id.clone(), entry.data.name.clone());
                                view! {
                                    <li class:selecting=move || ui.selecting.get()>
                                        {move || ui.selecting.get().then(|| {
                                            let (on, toggle) = (check.clone(), check.clone());
                                            view! {
                                                <input
                                                    type="checkbox"
                                                    class="row-check"
                                                    aria-label=i18n.fmt(Key::SelectRow, &[("name", &name)])
                                                    prop:checked=move || ui.selected.with(|s| s.contains(&on))
                                                    on:change=move |ev| {
                                                        let ticked = event_target_checked(&ev);
                                                        ui.selected.update(|s| {
                                                            s.retain(|x| *x != toggle);
                                                            if ticked {
                                                                s.push(toggle.clone());
                                                            }
                                                        });
                                                    }
                                                />
                                            }
                                        })}
                                        <button
                                            type="button"
                                            class="item-row"
                                            id=row_id(&id)
                                            tabindex=move || if tab_stop.with(|s| s.as_ref() == Some(&for_stop)) { "0" } else { "-1" }
                                            aria-current=move || (ui.pane.get() == Pane::View(for_current.clone())).then_some("true")
                                            on:focus=move |_| ui.active.set(Some(for_focus.clone()))
                                            on:click=move |_| open_item(for_click.clone())
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
                    <EmptyList />
                </Show>
            </section>
            <section class="vault-pane" aria-label=move || i18n.t(Key::ItemPane)>
                <button type="button" id="pane-back" class="ghost pane-back" on:click=back>
                    <IconSvg icon=Icon::Back /> {move || i18n.t(Key::Back)}
                </button>
                <div aria-live="polite">
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
                            // Untracked: a reload (another tab saved) must not rebuild an open
                            // form, which would drop what was typed and take the newer revision
                            // as its base, so a conflicting save would no longer be refused.
                            let entry = match &pane {
                                Pane::Edit(id) | Pane::Clone(id) => match untrack(|| ui.entry(id)) {
                                    Some(entry) => Some(entry),
                                    None => return select_item(),
                                },
                                _ => None,
                            };
                            lazy_pane(writing_pane(pane, entry))
                        }
                    }
                }}
                </div>
            </section>
        </div>
    }
}

/// Focus back on the list (its tab stop), or on the search box when the list is empty.
pub(super) fn focus_list() {
    focus_if_shown(".item-row[tabindex=\"0\"]");
    if !crate::ui::browser::has_focus_in("main .vault-list") {
        focus("vault-search");
    }
}

fn row_id(id: &ItemId) -> String {
    format!("row-{}", id.as_str())
}

/// What an empty list says: what to do in an empty vault, that a folder or the trash is empty,
/// or that the search found nothing.
#[component]
fn EmptyList() -> impl IntoView {
    let i18n = use_i18n();
    let ui = expect_context::<VaultUi>();
    move || {
        let searching = ui.query.with(|q| !q.trim().is_empty());
        let text = match ui.filter.get() {
            _ if searching => Key::NoMatches,
            Filter::Trash => Key::TrashEmpty,
            _ if ui
                .entries
                .with(|all| all.iter().all(|e| e.record.deleted_at.is_some())) =>
            {
                return view! {
                    <div class="empty">
                        <p>{move || i18n.t(Key::VaultEmpty)}</p>
                        <p class="muted">{move || i18n.t(Key::VaultEmptyHelp)}</p>
                        <div class="actions">
                            <button type="button" class="primary" on:click=move |_| ui.open(Pane::New(ItemType::Login))>
                                <IconSvg icon=Icon::Plus /> " " {move || i18n.t(Key::NewItem)}
                            </button>
                            <button type="button" on:click=move |_| ui.open(Pane::Import)>{move || i18n.t(Key::ImportItems)}</button>
                        </div>
                    </div>
                }
                .into_any();
            }
            Filter::Folder(Some(_)) => Key::FolderEmpty,
            Filter::Folder(None) => Key::AllInFolders,
            Filter::Favorites => Key::NoFavorites,
            _ => Key::NoItemsOfType,
        };
        view! { <p class="empty">{move || i18n.t(text)}</p> }.into_any()
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
    let ui = expect_context::<VaultUi>();
    let confirming = RwSignal::new(false);
    // Every item in the trash the member may delete, personal and shared; the toast counts
    // them (the personal trash used to be emptied and the shared items said to be gone).
    let empty = Callback::new(move |_| {
        super::bulk::empty_trash(ui, move || {
            ui.changed();
            confirming.set(false);
        });
    });
    let text = move |k: Key| Signal::derive(move || i18n.t(k).to_owned());
    view! {
        <div class="trash-bar">
            <p class="help">{move || i18n.t(Key::TrashHelp)}</p>
            <Show when=move || !shown.with(Vec::is_empty)>
                <button type="button" on:click=move |_| confirming.set(true)>{move || i18n.t(Key::EmptyTrash)}</button>
            </Show>
            <ConfirmDialog
                id="empty-trash-dialog"
                open=confirming
                title=text(Key::EmptyTrash)
                message=Signal::derive(move || {
                    // Shared items go for every member of their organization: say so.
                    let shared = shown.with(|l| l.iter().any(|e| e.shared.is_some()));
                    i18n.t(if shared { Key::ConfirmEmptyTrashShared } else { Key::ConfirmEmptyTrash }).to_owned()
                })
                confirm=text(Key::EmptyTrash)
                danger=true
                on_confirm=empty
                on_cancel=Callback::new(move |_| confirming.set(false))
            />
        </div>
    }
}
