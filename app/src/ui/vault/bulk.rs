//! Acting on many items at once: selecting rows, then trash, restore, delete or (for an
//! organization's items) change collections. Each owner's items go in one call, all or nothing
//! on the server; the result says how many changed and why the others did not.

use super::list::{Entry, Filter, Pane, VaultUi};
use super::share::CollectionTicks;
use crate::api::shared::{shared_delete, shared_move, shared_restore, shared_trash};
use crate::api::vault::{items_delete, items_restore, items_trash};
use crate::domain::{AppError, CollectionId, Field, ItemId, OrgId, Problem};
use crate::i18n::Key;
use crate::ui::dialog::{ConfirmDialog, Dialog};
use crate::ui::state::{use_i18n, use_toasts, I18n, Toasts};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::sync::Arc;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Bulk {
    Trash,
    Restore,
    Delete,
}

/// Items of one owner: `None` is the member's own vault.
type OwnerItems = (Option<OrgId>, Vec<ItemId>);

/// The selected items, split by owner: `None` is the member's own vault. Shared items the member
/// may not trash, restore or delete (they need edit with passwords) are counted apart.
fn by_owner(entries: &[Arc<Entry>], ids: &[ItemId]) -> (Vec<OwnerItems>, usize) {
    let mut groups: Vec<OwnerItems> = Vec::new();
    let mut refused = 0;
    for entry in entries.iter().filter(|e| ids.contains(&e.record.id)) {
        let owner = match &entry.shared {
            None => None,
            Some(s) if s.rights.edit && s.rights.secrets => Some(s.org.clone()),
            Some(_) => {
                refused += 1;
                continue;
            }
        };
        match groups.iter_mut().find(|(o, _)| *o == owner) {
            Some((_, list)) => list.push(entry.record.id.clone()),
            None => groups.push((owner, vec![entry.record.id.clone()])),
        }
    }
    (groups, refused)
}

/// The organization and collections of the selection, when every selected item is an item of
/// one organization that the member manages: what "Change collections" needs.
pub fn one_org(entries: &[Arc<Entry>], ids: &[ItemId]) -> Option<(OrgId, Vec<CollectionId>)> {
    let mut org: Option<OrgId> = None;
    let mut common: Option<Vec<CollectionId>> = None;
    for entry in entries.iter().filter(|e| ids.contains(&e.record.id)) {
        let shared = entry.shared.as_ref()?;
        if !(shared.rights.edit && shared.rights.secrets) || entry.record.deleted_at.is_some() {
            return None;
        }
        if org.get_or_insert_with(|| shared.org.clone()) != &shared.org {
            return None;
        }
        common = Some(match common {
            None => shared.collections.clone(),
            Some(mut c) => {
                c.retain(|x| shared.collections.contains(x));
                c
            }
        });
    }
    Some((org?, common.unwrap_or_default()))
}

/// Says how it went: everything, or how many of how many and the first refusal's reason.
fn report(
    i18n: I18n,
    toasts: Toasts,
    what: Bulk,
    done: usize,
    total: usize,
    error: Option<AppError>,
) {
    let (one, many) = match what {
        Bulk::Trash => (Key::ItemsTrashedOne, Key::ItemsTrashed),
        Bulk::Restore => (Key::ItemsRestoredOne, Key::ItemsRestored),
        Bulk::Delete => (Key::ItemsDeletedOne, Key::ItemsDeleted),
    };
    match error {
        None => toasts.success(i18n.count(one, many, done as u64)),
        Some(e) if done == 0 => toasts.error(i18n.error(&e)),
        Some(e) => toasts.error(i18n.fmt(
            Key::BulkPartly,
            &[
                ("done", &done.to_string()),
                ("total", &total.to_string()),
                ("reason", &i18n.error(&e)),
            ],
        )),
    }
}

/// Sends each owner's items, at most `BULK_MAX` a call; returns the ids changed, and the last
/// refusal (a shared item the member may not change counts as one).
async fn send(
    groups: Vec<OwnerItems>,
    refused: usize,
    what: Bulk,
) -> (Vec<ItemId>, Option<AppError>) {
    use crate::domain::vault::BULK_MAX;
    let mut changed = Vec::new();
    let mut error = (refused > 0).then_some(AppError::Forbidden);
    for (owner, all) in groups {
        for ids in all.chunks(BULK_MAX) {
            let ids = ids.to_vec();
            let result = match (owner.clone(), what) {
                (None, Bulk::Trash) => items_trash(ids.clone()).await,
                (None, Bulk::Restore) => items_restore(ids.clone()).await,
                (None, Bulk::Delete) => items_delete(ids.clone()).await,
                (Some(org), Bulk::Trash) => shared_trash(org, ids.clone()).await,
                (Some(org), Bulk::Restore) => shared_restore(org, ids.clone()).await,
                (Some(org), Bulk::Delete) => shared_delete(org, ids.clone()).await,
            };
            match result {
                Ok(_) => changed.extend(ids),
                Err(e) => error = Some(e),
            }
        }
    }
    (changed, error)
}

/// Empties the trash: every item in it the member may delete, their own and the organizations'
/// (edit with passwords), for good; the toast says how many, and why any stay.
pub fn empty_trash(ui: VaultUi, done_with: impl FnOnce() + 'static) {
    let ids: Vec<ItemId> = ui.entries.with_untracked(|all| {
        all.iter()
            .filter(|e| e.record.deleted_at.is_some())
            .map(|e| e.record.id.clone())
            .collect()
    });
    let total = ids.len();
    let (groups, refused) = ui.entries.with_untracked(|all| by_owner(all, &ids));
    let i18n = use_i18n();
    let toasts = use_toasts();
    spawn_local(async move {
        let (changed, error) = send(groups, refused, Bulk::Delete).await;
        ui.remove(&changed);
        done_with();
        report(i18n, toasts, Bulk::Delete, changed.len(), total, error);
    });
}

fn apply(ui: VaultUi, what: Bulk) {
    let ids = ui.selected.get_untracked();
    let total = ids.len();
    let (groups, refused) = ui.entries.with_untracked(|all| by_owner(all, &ids));
    let i18n = use_i18n();
    let toasts = use_toasts();
    spawn_local(async move {
        let (changed, error) = send(groups, refused, what).await;
        let done = changed.len();
        ui.remove(&changed);
        if what != Bulk::Delete {
            ui.reload();
        }
        ui.selected.update(|s| s.retain(|id| !changed.contains(id)));
        ui.pane.set(Pane::Nothing);
        report(i18n, toasts, what, done, total, error);
        request_animation_frame(super::list::focus_list);
    });
}

/// The bar over the list while rows are being selected.
#[component]
pub fn BulkBar(shown: Memo<Vec<Arc<Entry>>>) -> impl IntoView {
    let i18n = use_i18n();
    let ui = expect_context::<VaultUi>();
    let confirming = RwSignal::new(false);
    let moving = RwSignal::new(false);
    let in_trash = move || ui.filter.with(|f| *f == Filter::Trash);
    let count = move || ui.selected.with(Vec::len);
    // Nothing selected, or only shared items the member may not change: no action to offer.
    let none = Memo::new(move |_| {
        ui.selected
            .with(|ids| ui.entries.with(|all| by_owner(all, ids).0.is_empty()))
    });
    let all_shown = move || {
        ui.selected
            .set(shown.with_untracked(|l| l.iter().map(|e| e.record.id.clone()).collect()))
    };
    let target = Memo::new(move |_| {
        let ids = ui.selected.get();
        if ids.is_empty() {
            return None;
        }
        ui.entries.with(|all| one_org(all, &ids))
    });
    let text = move |k: Key| Signal::derive(move || i18n.t(k).to_owned());
    view! {
        <div class="bulk-bar" role="group" aria-label=move || i18n.t(Key::SelectItems)>
            <p aria-live="polite" id="selected-count">{move || i18n.fmt(Key::SelectedCount, &[("count", &count().to_string())])}</p>
            <button type="button" on:click=move |_| all_shown()>{move || i18n.t(Key::SelectAllShown)}</button>
            <Show when=move || !in_trash() fallback=move || view! {
                <button type="button" disabled=move || none.get() on:click=move |_| apply(ui, Bulk::Restore)>{move || i18n.t(Key::Restore)}</button>
                <button type="button" class="danger" disabled=move || none.get() on:click=move |_| confirming.set(true)>{move || i18n.t(Key::DeletePermanently)}</button>
            }>
                <button type="button" disabled=move || none.get() on:click=move |_| apply(ui, Bulk::Trash)>{move || i18n.t(Key::MoveToTrash)}</button>
                <Show when=move || target.with(Option::is_some)>
                    <button type="button" id="bulk-collections" on:click=move |_| moving.set(true)>{move || i18n.t(Key::ChangeCollections)}</button>
                </Show>
            </Show>
            <button type="button" id="done-selecting" on:click=move |_| {
                ui.selecting.set(false);
                ui.selected.set(Vec::new());
                request_animation_frame(super::list::focus_list);
            }>{move || i18n.t(Key::DoneSelecting)}</button>
            <ConfirmDialog
                id="bulk-delete-dialog"
                open=confirming
                title=text(Key::DeletePermanently)
                message=Signal::derive(move || i18n.fmt(Key::ConfirmBulkDelete, &[("count", &count().to_string())]))
                confirm=text(Key::DeletePermanently)
                danger=true
                on_confirm=Callback::new(move |_| {
                    confirming.set(false);
                    apply(ui, Bulk::Delete);
                })
                on_cancel=Callback::new(move |_| confirming.set(false))
            />
            {move || moving.get().then(|| target.get_untracked().map(|(org, common)| view! {
                <CollectionsDialog org ids=ui.selected.get_untracked() ticked=common open=moving />
            }))}
        </div>
    }
}

/// Which collections of an organization hold `ids`: the collections the member manages, ticked
/// where the items are (all of them, for several). Unticked managed collections let go of the
/// items; collections the member cannot manage keep theirs (the server does the same).
#[component]
pub fn CollectionsDialog(
    org: OrgId,
    ids: Vec<ItemId>,
    ticked: Vec<CollectionId>,
    open: RwSignal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let ui = expect_context::<VaultUi>();
    let writable = ui.org(&org).map(|o| o.writable()).unwrap_or_default();
    let chosen = RwSignal::new(
        ticked
            .into_iter()
            .filter(|c| writable.iter().any(|w| &w.id == c))
            .collect::<Vec<_>>(),
    );
    let error = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        chosen.track();
        error.set(None);
    });
    let pending = RwSignal::new(false);
    let (org, ids) = (StoredValue::new(org), StoredValue::new(ids));
    let save = move |_| {
        let collections = chosen.get_untracked();
        if collections.is_empty() {
            error.set(Some(
                i18n.error(&AppError::field(Field::Collections, Problem::Required)),
            ));
            return;
        }
        pending.set(true);
        let (toasts, total) = (use_toasts(), ids.with_value(Vec::len));
        spawn_local(async move {
            let result = shared_move(org.get_value(), ids.get_value(), collections).await;
            pending.set(false);
            match result {
                Ok(_) => {
                    open.set(false);
                    ui.reload();
                    ui.changed();
                    toasts.success(i18n.count(
                        Key::ItemsChangedOne,
                        Key::ItemsChanged,
                        total as u64,
                    ));
                }
                Err(e) => error.set(Some(i18n.error(&e))),
            }
        });
    };
    view! {
        <Dialog open=Signal::derive(move || open.get()) title=Signal::derive(move || i18n.t(Key::ChangeCollections).to_owned()) on_cancel=Callback::new(move |_| open.set(false)) id=Some("collections-dialog".to_owned())>
            <p class="help">{move || i18n.t(Key::ChangeCollectionsHelp)}</p>
            <CollectionTicks list=writable chosen />
            <p class="field-error" id="collections-dialog-error" role="alert">{move || error.get()}</p>
            <div class="actions">
                <button type="button" class="primary" id="save-collections" disabled=move || pending.get() on:click=save>{move || i18n.t(Key::Save)}</button>
                <button type="button" on:click=move |_| open.set(false)>{move || i18n.t(Key::Cancel)}</button>
            </div>
        </Dialog>
    }
}
