//! Import and export panes. Files are read, parsed, encrypted and written in the browser; the
//! server receives an import only as sealed blobs, in one call that stores all of it or nothing.

use super::list::{FolderEntry, Pane, VaultUi};
use crate::api::vault::items_import;
use crate::crypto::items::{new_item_id, seal_folder_name, seal_item};
use crate::crypto::SymmetricKey;
use crate::domain::transfer::{import, match_folders, Export, ExportFolder, ExportItem};
use crate::domain::vault::{ImportInput, ImportItem};
use crate::domain::{AppError, Field, Problem};
use crate::i18n::{import_error, Key};
use crate::ui::auth::open_own_keys;
use crate::ui::browser::{download, read_chosen_file, yield_to_paint};
use crate::ui::components::{report, FormErrors, PasswordField, SubmitButton};
use crate::ui::state::{use_i18n, use_toasts, use_vault, I18n};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Shortest password accepted for a protected export.
const FILE_PASSWORD_MIN: usize = 8;

#[component]
pub fn ImportPane() -> impl IntoView {
    let i18n = use_i18n();
    let toasts = use_toasts();
    let vault = use_vault();
    let ui = expect_context::<VaultUi>();
    let file_error = RwSignal::new(None::<String>);
    let password = RwSignal::new(String::new());
    let pending = RwSignal::new(false);

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        file_error.set(None);
        let Some(keys) = vault.keys() else { return };
        pending.set(true);
        spawn_local(async move {
            let existing = ui.folders.get_untracked();
            let outcome = run_import(
                i18n,
                ui,
                &keys.user_key,
                password.get_untracked(),
                &existing,
            )
            .await;
            pending.set(false);
            match outcome {
                Ok(n) => {
                    ui.reload();
                    ui.pane.set(Pane::Nothing);
                    toasts.success(i18n.count(Key::ImportDoneOne, Key::ImportDone, n));
                }
                Err(Failure::File(message)) => file_error.set(Some(message)),
                // Every failure is about the file (or its sending): one message, under it.
                Err(Failure::Server(e)) => file_error.set(Some(i18n.error(&e))),
            }
        });
    };

    enum Failure {
        File(String),
        Server(AppError),
    }
    async fn run_import(
        i18n: I18n,
        ui: VaultUi,
        key: &SymmetricKey,
        password: String,
        existing: &[FolderEntry],
    ) -> Result<u64, Failure> {
        let Some(text) = read_chosen_file("import-file").await else {
            return Err(Failure::File(i18n.t(Key::ErrChooseFile).to_owned()));
        };
        yield_to_paint().await;
        let parsed = import(&text, &password, i18n.t(Key::Untitled))
            .map_err(|e| Failure::File(import_error(i18n.lang.get_untracked(), &e)))?;
        let sealed = |r: Result<String, _>| r.map_err(|_| Failure::Server(AppError::Crypto));
        // A file folder named like one the vault has goes into that one: importing twice, or a
        // file from another manager, never makes a second "Work".
        let names: Vec<&str> = existing.iter().map(|f| f.name.as_str()).collect();
        let matched = match_folders(&parsed.folders, &names);
        let mut input = ImportInput::default();
        // File folder index → index among the folders this import creates.
        let mut new_index = Vec::with_capacity(parsed.folders.len());
        for (name, found) in parsed.folders.iter().zip(&matched) {
            if found.is_some() {
                new_index.push(None);
            } else {
                new_index.push(Some(input.folders.len() as u32));
                input.folders.push(sealed(seal_folder_name(key, name))?);
            }
        }
        for item in &parsed.items {
            let existing_folder = item
                .folder
                .and_then(|f| matched.get(f).copied().flatten())
                .map(|i| existing[i].id.clone());
            let id = new_item_id().map_err(|_| Failure::Server(AppError::Crypto))?;
            let data = sealed(ui.bound(&id, |at| seal_item(key, &item.data, at)))?;
            input.items.push(ImportItem {
                id,
                item_type: item.item_type,
                folder: item
                    .folder
                    .and_then(|f| new_index.get(f).copied().flatten()),
                folder_id: existing_folder,
                favorite: item.favorite,
                data,
            });
        }
        items_import(input).await.map_err(Failure::Server)
    }

    view! {
        <form class="transfer" on:submit=on_submit novalidate>
            <h2>{move || i18n.t(Key::ImportItems)}</h2>
            <p class="help">{move || i18n.t(Key::ImportHelp)}</p>
            <div class="field">
                <label for="import-file">{move || i18n.t(Key::ImportFile)}</label>
                <input
                    id="import-file"
                    type="file"
                    accept=".json,.csv,application/json,text/csv"
                    aria-invalid=move || file_error.with(Option::is_some).to_string()
                    aria-describedby="import-file-error"
                    // A complaint about the old choice is void once another file is chosen.
                    on:change=move |_| file_error.set(None)
                />
                <p class="field-error" id="import-file-error" role="alert" hidden=move || file_error.with(Option::is_none)>
                    {move || file_error.get().unwrap_or_default()}
                </p>
            </div>
            <PasswordField id="import-password" label=Key::FilePasswordOptional value=password error=Signal::derive(|| None::<String>) autocomplete="off" />
            <SubmitButton label=Key::ImportItems pending=pending />
        </form>
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    Protected,
    Json,
    Csv,
}

#[component]
pub fn ExportPane() -> impl IntoView {
    let i18n = use_i18n();
    let toasts = use_toasts();
    let ui = expect_context::<VaultUi>();
    let errors = FormErrors::new();
    let format = RwSignal::new(Format::Protected);
    let file_password = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let master = RwSignal::new(String::new());
    let pending = RwSignal::new(false);

    let snapshot = move || {
        let folders = ui.folders.with_untracked(|list| {
            list.iter()
                .map(|f| ExportFolder {
                    id: f.id.as_str().to_owned(),
                    name: f.name.clone(),
                })
                .collect()
        });
        let items = ui.entries.with_untracked(|list| {
            list.iter()
                .filter(|e| e.record.deleted_at.is_none())
                .map(|e| ExportItem {
                    item_type: e.record.item_type,
                    folder_id: e.record.folder_id.as_ref().map(|f| f.as_str().to_owned()),
                    favorite: e.record.favorite,
                    created_at: e.record.created_at,
                    revised_at: e.record.revised_at,
                    data: e.data.clone(),
                })
                .collect()
        });
        Export::new(folders, items)
    };

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        errors.clear();
        let chosen = format.get_untracked();
        if chosen == Format::Protected {
            let pw = file_password.get_untracked();
            if pw.chars().count() < FILE_PASSWORD_MIN {
                errors.show(&AppError::field(
                    Field::ExportPassword,
                    Problem::TooShort {
                        min: FILE_PASSWORD_MIN as u32,
                    },
                ));
                return;
            }
            if pw != confirm.get_untracked() {
                errors.show(&AppError::field(
                    Field::ConfirmMasterPassword,
                    Problem::Mismatch,
                ));
                return;
            }
        }
        pending.set(true);
        spawn_local(async move {
            let result = match chosen {
                Format::Protected => {
                    yield_to_paint().await;
                    snapshot()
                        .to_protected_json(&file_password.get_untracked())
                        .map(|json| ("keyhaven-export-protected.json", "application/json", json))
                        .map_err(|_| AppError::Crypto)
                }
                // Plain files need the master password again: whoever stands at an unlocked
                // screen must not walk away with every secret in clear text.
                plain => open_own_keys(&master.get_untracked()).await.map(|_| {
                    let export = snapshot();
                    if plain == Format::Csv {
                        ("keyhaven-export.csv", "text/csv", export.to_csv())
                    } else {
                        ("keyhaven-export.json", "application/json", export.to_json())
                    }
                }),
            };
            pending.set(false);
            match result {
                Ok((name, mime, text)) => {
                    download(name, mime, &text);
                    master.set(String::new());
                    toasts.success(i18n.t(Key::ExportDone).to_owned());
                }
                Err(e) => report(errors, &e),
            }
        });
    };

    let choice = move |id: &'static str, value: Format, label: Key| {
        view! {
            <div class="field checkbox">
                <input id=id type="radio" name="export-format" prop:checked=move || format.get() == value on:change=move |_| format.set(value) />
                <label for=id>{move || i18n.t(label)}</label>
            </div>
        }
    };
    view! {
        <form class="transfer" on:submit=on_submit novalidate>
            <h2>{move || i18n.t(Key::ExportVault)}</h2>
            <fieldset>
                <legend>{move || i18n.t(Key::ExportFormat)}</legend>
                {choice("export-protected", Format::Protected, Key::ExportProtected)}
                {choice("export-json", Format::Json, Key::ExportJson)}
                {choice("export-csv", Format::Csv, Key::ExportCsv)}
            </fieldset>
            {move || if format.get() == Format::Protected {
                view! {
                    <PasswordField id="export-password" label=Key::FilePassword value=file_password error=errors.message(Field::ExportPassword) autocomplete="new-password" help=Key::FilePasswordHelp />
                    <PasswordField id="export-password-confirm" label=Key::ConfirmFilePassword value=confirm error=errors.message(Field::ConfirmMasterPassword) autocomplete="new-password" />
                }.into_any()
            } else {
                view! {
                    <p class="warning" role="note">{move || i18n.t(Key::ExportPlainWarning)}</p>
                    <PasswordField id="export-master" label=Key::MasterPassword value=master error=errors.message(Field::MasterPassword) />
                }.into_any()
            }}
            <SubmitButton label=Key::ExportVault pending=pending />
        </form>
    }
}
