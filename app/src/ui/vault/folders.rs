//! Folders in the sidebar: one filter each, plus "No folder", and the forms to create, rename and
//! delete them. Names are encrypted here before they are sent.

use super::list::{Filter, FolderEntry, VaultUi};
use crate::api::vault::{folder_create, folder_delete, folder_rename};
use crate::crypto::items::seal_folder_name;
use crate::domain::transfer::folder_name_taken;
use crate::domain::{AppError, Field, FolderId, Problem};
use crate::i18n::Key;
use crate::ui::browser::focus;
use crate::ui::components::{report, FormErrors, SubmitButton, TextField};
use crate::ui::dialog::ConfirmDialog;
use crate::ui::icons::{Icon, IconSvg};
use crate::ui::state::{use_i18n, use_toasts, use_vault};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// What the folder form is doing.
#[derive(Clone, Debug, PartialEq)]
enum Editing {
    Nothing,
    New,
    Rename(FolderId),
    ConfirmDelete(FolderId),
}

#[component]
pub fn FolderFilters() -> impl IntoView {
    let i18n = use_i18n();
    let ui = expect_context::<VaultUi>();
    let editing = RwSignal::new(Editing::Nothing);
    let selected = move || match ui.filter.get() {
        Filter::Folder(Some(id)) => Some(id),
        _ => None,
    };
    let pick = move |f: Filter| {
        ui.pick(f);
        editing.set(Editing::Nothing);
    };
    view! {
        <h2 class="filters-heading">{move || i18n.t(Key::Folders)}</h2>
        <ul aria-label=move || i18n.t(Key::Folders)>
            <For each=move || ui.folders.get() key=|f| (f.id.clone(), f.name.clone()) let:folder>
                {
                    let FolderEntry { id, name } = folder;
                    let mine = Filter::Folder(Some(id.clone()));
                    let target = mine.clone();
                    let button_id = folder_button_id(&id);
                    view! {
                        <li>
                            <button type="button" id=button_id class="filter" aria-pressed=move || ui.filter.with(|c| *c == mine).to_string() on:click=move |_| pick(target.clone())>
                                <IconSvg icon=Icon::Folder /> " " {name}
                            </button>
                        </li>
                    }
                }
            </For>
            <li>
                <button type="button" class="filter" aria-pressed=move || ui.filter.with(|c| *c == Filter::Folder(None)).to_string() on:click=move |_| pick(Filter::Folder(None))>
                    {move || i18n.t(Key::NoFolder)}
                </button>
            </li>
        </ul>
        {move || match (editing.get(), selected()) {
            (Editing::New, _) => view! { <FolderForm editing renaming=None /> }.into_any(),
            (Editing::Rename(id), _) => view! { <FolderForm editing renaming=Some(id) /> }.into_any(),
            (Editing::ConfirmDelete(id), _) => view! { <DeleteFolder editing id /> }.into_any(),
            (Editing::Nothing, Some(id)) => {
                let again = id.clone();
                view! {
                    <div class="folder-actions">
                        <button type="button" id="rename-folder" class="small" on:click=move |_| editing.set(Editing::Rename(id.clone()))>{move || i18n.t(Key::RenameFolder)}</button>
                        <button type="button" id="delete-folder" class="small" on:click=move |_| editing.set(Editing::ConfirmDelete(again.clone()))>{move || i18n.t(Key::DeleteFolder)}</button>
                    </div>
                }.into_any()
            }
            (Editing::Nothing, None) => view! {
                <button type="button" id="new-folder" class="small" on:click=move |_| editing.set(Editing::New)>{move || i18n.t(Key::NewFolder)}</button>
            }.into_any(),
        }}
    }
}

#[component]
fn FolderForm(editing: RwSignal<Editing>, renaming: Option<FolderId>) -> impl IntoView {
    let i18n = use_i18n();
    let toasts = use_toasts();
    let vault = use_vault();
    let ui = expect_context::<VaultUi>();
    let errors = FormErrors::new();
    let pending = RwSignal::new(false);
    let name = RwSignal::new(
        renaming
            .as_ref()
            .and_then(|id| ui.folder_name(id))
            .unwrap_or_default(),
    );
    // Back to the control that opened the form, once the form is gone.
    let back = if renaming.is_some() {
        "rename-folder"
    } else {
        "new-folder"
    };
    let close = move || {
        editing.set(Editing::Nothing);
        request_animation_frame(move || focus(back));
    };
    // Typing goes into the name at once.
    Effect::new(|_| request_animation_frame(|| focus("folder-name")));
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        errors.clear();
        let plain = name.get_untracked().trim().to_owned();
        if plain.is_empty() {
            errors.show(&AppError::field(Field::FolderName, Problem::Required));
            return;
        }
        // Two folders of one name cannot be told apart in the sidebar or by an import.
        let others = ui.folders.get_untracked();
        let taken = folder_name_taken(
            &plain,
            others
                .iter()
                .filter(|f| Some(&f.id) != renaming.as_ref())
                .map(|f| f.name.as_str()),
        );
        if taken {
            errors.show(&AppError::field(Field::FolderName, Problem::Taken));
            return;
        }
        let Some(keys) = vault.keys() else { return };
        let Ok(sealed) = seal_folder_name(&keys.user_key, &plain) else {
            return toasts.error(i18n.error(&AppError::Crypto));
        };
        let renaming = renaming.clone();
        pending.set(true);
        spawn_local(async move {
            let result = match renaming {
                Some(id) => folder_rename(id, sealed).await,
                None => folder_create(sealed).await,
            };
            pending.set(false);
            match result {
                Ok(record) => {
                    let saved = folder_button_id(&record.id);
                    ui.folders.update(|list| {
                        list.retain(|f| f.id != record.id);
                        list.push(FolderEntry {
                            id: record.id,
                            name: plain,
                        });
                        list.sort_by_key(|f| f.name.to_lowercase());
                    });
                    ui.changed();
                    editing.set(Editing::Nothing);
                    request_animation_frame(move || focus(&saved));
                    toasts.success(i18n.t(Key::FolderSaved).to_owned());
                }
                Err(e) => report(errors, &e),
            }
        });
    };
    view! {
        <form
            class="folder-form"
            on:submit=on_submit
            novalidate
            on:keydown=move |ev| {
                if ev.key() == "Escape" {
                    ev.prevent_default();
                    close();
                }
            }
        >
            <TextField id="folder-name" label=Key::FolderName value=name error=errors.message(Field::FolderName) required=true />
            <div class="actions">
                <SubmitButton label=Key::SaveFolder pending=pending />
                <button type="button" on:click=move |_| close()>{move || i18n.t(Key::Cancel)}</button>
            </div>
        </form>
    }
}

#[component]
fn DeleteFolder(editing: RwSignal<Editing>, id: FolderId) -> impl IntoView {
    let i18n = use_i18n();
    let toasts = use_toasts();
    let ui = expect_context::<VaultUi>();
    let delete = Callback::new(move |_| {
        let id = id.clone();
        spawn_local(async move {
            match folder_delete(id.clone()).await {
                Ok(()) => {
                    ui.folders.update(|list| list.retain(|f| f.id != id));
                    ui.changed();
                    ui.filter.set(Filter::All);
                    editing.set(Editing::Nothing);
                    // Its items lost their folder (and a revision) on the server.
                    ui.reload();
                    request_animation_frame(|| focus("filter-all"));
                    toasts.success(i18n.t(Key::FolderDeleted).to_owned());
                }
                Err(e) => crate::ui::components::toast_error(&e),
            }
        });
    });
    let text = move |k: Key| Signal::derive(move || i18n.t(k).to_owned());
    view! {
        <ConfirmDialog
            id="delete-folder-dialog"
            open=Signal::derive(|| true)
            title=text(Key::DeleteFolder)
            message=text(Key::ConfirmDeleteFolder)
            confirm=text(Key::DeleteFolder)
            danger=true
            on_confirm=delete
            on_cancel=Callback::new(move |_| {
                // The dialog goes with this component, so it cannot hand focus back itself.
                editing.set(Editing::Nothing);
                request_animation_frame(|| focus("delete-folder"));
            })
        />
    }
}

/// The id of a folder's filter button, where focus goes after the folder is saved.
fn folder_button_id(id: &FolderId) -> String {
    format!("folder-{}", id.as_str())
}
