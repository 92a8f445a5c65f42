//! One item as it is shown: every filled-in field, secrets masked with show and copy buttons, the
//! live TOTP code, custom fields, password history, and the item's actions.

use super::list::{type_label, Entry, Pane, VaultUi};
use crate::api::vault::{items_delete, items_restore, items_trash};
use crate::domain::item::{card_brand, FieldKind};
use crate::domain::totp::Totp;
use crate::domain::vault::ItemType;
use crate::i18n::Key;
use crate::ui::browser::{copy_to_clipboard, format_time, now_ms};
use crate::ui::icons::{Icon, IconSvg};
use crate::ui::state::{use_i18n, use_toasts};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// One labelled value; secret ones start masked.
#[component]
fn Detail(
    label: Key,
    value: String,
    /// Shown instead of the label's text (custom fields have names of their own).
    #[prop(optional_no_strip)]
    title: Option<String>,
    /// A web address to offer an "open" link for.
    #[prop(optional_no_strip)]
    launch: Option<String>,
    #[prop(optional)] secret: bool,
    #[prop(optional)] copy: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let toasts = use_toasts();
    let shown = RwSignal::new(!secret);
    let title = StoredValue::new(title);
    let name = move || {
        title
            .get_value()
            .unwrap_or_else(|| i18n.t(label).to_owned())
    };
    let what = move || name().to_lowercase();
    let text = value.clone();
    (!value.is_empty()).then(|| {
        view! {
            <div class="detail">
                <dt>{name}</dt>
                <dd>
                    <span class="value" class:secret=secret>
                        {move || if shown.get() { text.clone() } else { "••••••••".to_owned() }}
                    </span>
                    {secret.then(|| view! {
                        <button type="button" class="ghost" aria-pressed=move || shown.get().to_string() on:click=move |_| shown.update(|s| *s = !*s)>
                            {move || i18n.fmt(if shown.get() { Key::Hide } else { Key::Show }, &[("what", &what())])}
                        </button>
                    })}
                    {copy.then(|| {
                        let value = value.clone();
                        view! {
                            <button type="button" class="ghost" on:click=move |_| {
                                copy_to_clipboard(&value);
                                toasts.success(i18n.t(Key::Copied).to_owned());
                            }>
                                {move || i18n.fmt(Key::Copy, &[("what", &what())])}
                            </button>
                        }
                    })}
                    {launch.clone().map(|href| view! {
                        <a class="ghost launch" href=href target="_blank" rel="noopener noreferrer">{move || i18n.t(Key::Launch)}</a>
                    })}
                </dd>
            </div>
        }
    })
}

/// The current code of a TOTP secret and the seconds it has left, ticking every second.
#[component]
fn TotpCode(totp: Totp) -> impl IntoView {
    let i18n = use_i18n();
    let toasts = use_toasts();
    let now = RwSignal::new((now_ms() / 1000.0) as u64);
    if let Ok(handle) = set_interval_with_handle(
        move || now.set((now_ms() / 1000.0) as u64),
        std::time::Duration::from_secs(1),
    ) {
        on_cleanup(move || handle.clear());
    }
    let totp = StoredValue::new(totp);
    let code = move || totp.with_value(|t| t.code(now.get()));
    let left = move || totp.with_value(|t| t.remaining(now.get()));
    let spaced = move || {
        let c = code();
        let (a, b) = c.split_at(c.len() / 2);
        format!("{a} {b}")
    };
    view! {
        <div class="detail">
            <dt>{move || i18n.t(Key::TotpCode)}</dt>
            <dd>
                <span class="value totp" data-testid="totp-code">{spaced}</span>
                <span class="muted small" aria-live="off">{move || i18n.fmt(Key::TotpSecondsLeft, &[("n", &left().to_string())])}</span>
                <button type="button" class="ghost" on:click=move |_| {
                    copy_to_clipboard(&code());
                    toasts.success(i18n.t(Key::Copied).to_owned());
                }>{move || i18n.t(Key::CopyTotp)}</button>
            </dd>
        </div>
    }
}

#[component]
pub fn ItemView(entry: Entry) -> impl IntoView {
    let i18n = use_i18n();
    let toasts = use_toasts();
    let ui = expect_context::<VaultUi>();
    let confirming = RwSignal::new(false);
    let Entry { record, data, .. } = entry;
    let id = StoredValue::new(record.id.clone());
    let in_trash = record.deleted_at.is_some();
    let kind = record.item_type;
    // A secure note is all notes: it gets the copy button other items' fields have.
    let copy_notes = kind == ItemType::SecureNote;

    let act = move |key: Key| {
        let ids = vec![id.get_value()];
        spawn_local(async move {
            let result = match key {
                Key::MoveToTrash => items_trash(ids.clone()).await,
                Key::Restore => items_restore(ids.clone()).await,
                _ => items_delete(ids.clone()).await,
            };
            match result {
                Ok(_) => {
                    let done = match key {
                        Key::MoveToTrash => Key::ItemTrashed,
                        Key::Restore => Key::ItemRestored,
                        _ => Key::ItemDeleted,
                    };
                    if key == Key::DeletePermanently {
                        ui.remove(&ids);
                    } else {
                        ui.reload();
                    }
                    ui.pane.set(Pane::Nothing);
                    toasts.success(i18n.t(done).to_owned());
                }
                Err(e) => crate::ui::components::toast_error(&e),
            }
        });
    };
    let digits: String = data
        .card
        .number
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    let brand = card_brand(&digits).unwrap_or_default();
    let totp = Totp::parse(&data.login.totp).ok();
    let folder = record.folder_id.as_ref().and_then(|f| ui.folder_name(f));
    let (created, revised) = (record.created_at, record.revised_at);
    let p = data.identity.clone();
    let history = data.login.password_history.clone();
    let uris = data.login.uris.clone();
    let fields = data.fields.clone();
    let edit_id = record.id.clone();
    let clone_id = record.id.clone();

    view! {
        <article class="item-view" aria-labelledby="item-title">
            <h2 id="item-title">{data.name.clone()}</h2>
            <p class="muted">
                {move || i18n.t(type_label(kind))}
                {folder.map(|f| view! { " · " <IconSvg icon=Icon::Folder /> " " {f} })}
                {record.favorite.then(|| view! { " · " {move || i18n.t(Key::Favorite)} })}
            </p>
            <dl>
                {match kind {
                    ItemType::Login => view! {
                        <Detail label=Key::Username value=data.login.username.clone() copy=true />
                        <Detail label=Key::Password value=data.login.password.clone() secret=true copy=true />
                        {totp.map(|totp| view! { <TotpCode totp /> })}
                    }.into_any(),
                    ItemType::Card => view! {
                        <Detail label=Key::Cardholder value=data.card.cardholder.clone() />
                        <Detail label=Key::CardBrand value=brand.to_owned() />
                        <Detail label=Key::CardNumber value=data.card.number.clone() secret=true copy=true />
                        <Detail label=Key::ExpMonth value=data.card.exp_month.clone() />
                        <Detail label=Key::ExpYear value=data.card.exp_year.clone() />
                        <Detail label=Key::SecurityCode value=data.card.code.clone() secret=true copy=true />
                    }.into_any(),
                    ItemType::Identity => view! {
                        <Detail label=Key::IdTitle value=p.title />
                        <Detail label=Key::FirstName value=p.first_name />
                        <Detail label=Key::MiddleName value=p.middle_name />
                        <Detail label=Key::LastName value=p.last_name />
                        <Detail label=Key::Username value=p.username copy=true />
                        <Detail label=Key::Company value=p.company />
                        <Detail label=Key::Email value=p.email copy=true />
                        <Detail label=Key::Phone value=p.phone copy=true />
                        <Detail label=Key::Address1 value=p.address1 />
                        <Detail label=Key::Address2 value=p.address2 />
                        <Detail label=Key::Address3 value=p.address3 />
                        <Detail label=Key::City value=p.city />
                        <Detail label=Key::State value=p.state />
                        <Detail label=Key::PostalCode value=p.postal_code />
                        <Detail label=Key::Country value=p.country />
                        <Detail label=Key::Ssn value=p.ssn secret=true copy=true />
                        <Detail label=Key::Passport value=p.passport_number secret=true copy=true />
                        <Detail label=Key::License value=p.license_number secret=true copy=true />
                    }.into_any(),
                    ItemType::SecureNote => ().into_any(),
                }}
                {uris.into_iter().enumerate().map(|(i, uri)| view! {
                    <Detail label=Key::Website value=uri.uri.clone() copy=true launch=uri.launchable() title=(i > 0).then(|| format!("{} {}", i18n.t(Key::Website), i + 1)) />
                }).collect_view()}
                <Detail label=Key::Notes value=data.notes.clone() copy=copy_notes />
                {fields.into_iter().map(|f| {
                    let value = if f.kind == FieldKind::Boolean {
                        i18n.t(if f.value == "true" { Key::Yes } else { Key::No }).to_owned()
                    } else {
                        f.value.clone()
                    };
                    view! { <Detail label=Key::CustomField title=Some(f.name.clone()) value secret=f.kind == FieldKind::Hidden copy=f.kind != FieldKind::Boolean /> }
                }).collect_view()}
            </dl>
            {(!history.is_empty()).then(|| {
                let count = history.len().to_string();
                view! {
                <details class="history">
                    <summary>{move || i18n.fmt(Key::PasswordHistoryCount, &[("n", &count)])}</summary>
                    <dl>
                        {history.iter().map(|old| {
                            let when = old.replaced_at;
                            view! { <Detail label=Key::Password title=Some(format_time(when, i18n.lang.get_untracked())) value=old.password.clone() secret=true copy=true /> }
                        }).collect_view()}
                    </dl>
                </details>
            }})}
            <p class="muted small">
                {move || format!("{}: {} · {}: {}", i18n.t(Key::Created), format_time(created, i18n.lang.get()), i18n.t(Key::Revised), format_time(revised, i18n.lang.get()))}
            </p>
            <div class="actions">
                {if in_trash {
                    view! {
                        <button type="button" on:click=move |_| act(Key::Restore)>{move || i18n.t(Key::Restore)}</button>
                        <Show
                            when=move || confirming.get()
                            fallback=move || view! {
                                <button type="button" class="danger" on:click=move |_| confirming.set(true)>{move || i18n.t(Key::DeletePermanently)}</button>
                            }
                        >
                            <div class="confirm" role="group" aria-label=move || i18n.t(Key::DeletePermanently)>
                                <p>{move || i18n.t(Key::ConfirmDelete)}</p>
                                <button type="button" class="danger" on:click=move |_| act(Key::DeletePermanently)>{move || i18n.t(Key::DeletePermanently)}</button>
                                <button type="button" on:click=move |_| confirming.set(false)>{move || i18n.t(Key::Cancel)}</button>
                            </div>
                        </Show>
                    }.into_any()
                } else {
                    view! {
                        <button type="button" class="primary" on:click=move |_| ui.pane.set(Pane::Edit(edit_id.clone()))>{move || i18n.t(Key::Edit)}</button>
                        <button type="button" on:click=move |_| ui.pane.set(Pane::Clone(clone_id.clone()))>{move || i18n.t(Key::CloneItem)}</button>
                        <button type="button" on:click=move |_| act(Key::MoveToTrash)>{move || i18n.t(Key::MoveToTrash)}</button>
                    }.into_any()
                }}
            </div>
        </article>
    }
}
