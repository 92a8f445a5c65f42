//! One item: its view (masked secrets, copy and show buttons) and its form.

use super::list::{type_label, Entry, Pane, VaultUi};
use crate::api::vault::{item_create, item_update, items_delete, items_restore, items_trash};
use crate::crypto::items::seal_item;
use crate::domain::item::{card_brand, CardData, IdentityData, ItemData, LoginData};
use crate::domain::vault::{ItemInput, ItemType};
use crate::domain::{AppError, Field, Problem};
use crate::i18n::Key;
use crate::ui::browser::{copy_to_clipboard, format_time};
use crate::ui::components::{report, FormErrors, PasswordField, SubmitButton, TextField};
use crate::ui::state::{use_i18n, use_toasts, use_vault};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// One labelled value; secret ones start masked.
#[component]
fn Detail(
    label: Key,
    value: String,
    #[prop(optional)] secret: bool,
    #[prop(optional)] copy: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let toasts = use_toasts();
    let shown = RwSignal::new(!secret);
    let what = move || i18n.t(label).to_lowercase();
    let text = value.clone();
    (!value.is_empty()).then(|| {
        view! {
            <div class="detail">
                <dt>{move || i18n.t(label)}</dt>
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
                </dd>
            </div>
        }
    })
}

#[component]
pub fn ItemView(entry: Entry) -> impl IntoView {
    let i18n = use_i18n();
    let toasts = use_toasts();
    let ui = expect_context::<VaultUi>();
    let confirming = RwSignal::new(false);
    let Entry { record, data } = entry;
    let id = StoredValue::new(record.id.clone());
    let in_trash = record.deleted_at.is_some();
    let kind = record.item_type;

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
                Err(e) => toasts.error(i18n.error(&e)),
            }
        });
    };
    let brand = card_brand(
        &data
            .card
            .number
            .chars()
            .filter(char::is_ascii_digit)
            .collect::<String>(),
    )
    .unwrap_or_default();
    let uri = data.login.uris.first().cloned().unwrap_or_default();
    let launch = (uri.starts_with("https://") || uri.starts_with("http://")).then(|| uri.clone());
    let (created, revised) = (record.created_at, record.revised_at);
    let edit_id = record.id.clone();

    view! {
        <article class="item-view" aria-labelledby="item-title">
            <h2 id="item-title">{data.name.clone()}</h2>
            <p class="muted">{move || i18n.t(type_label(kind))}</p>
            <dl>
                {match kind {
                    ItemType::Login => view! {
                        <Detail label=Key::Username value=data.login.username.clone() copy=true />
                        <Detail label=Key::Password value=data.login.password.clone() secret=true copy=true />
                        <Detail label=Key::Website value=uri.clone() copy=true />
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
                        <Detail label=Key::IdTitle value=data.identity.title.clone() />
                        <Detail label=Key::FirstName value=data.identity.first_name.clone() />
                        <Detail label=Key::LastName value=data.identity.last_name.clone() />
                        <Detail label=Key::Email value=data.identity.email.clone() copy=true />
                        <Detail label=Key::Phone value=data.identity.phone.clone() copy=true />
                        <Detail label=Key::Company value=data.identity.company.clone() />
                    }.into_any(),
                    ItemType::SecureNote => ().into_any(),
                }}
                <Detail label=Key::Notes value=data.notes.clone() />
            </dl>
            {launch.map(|href| view! { <p><a href=href target="_blank" rel="noopener noreferrer">{move || i18n.t(Key::Launch)}</a></p> })}
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
                        <button type="button" on:click=move |_| act(Key::MoveToTrash)>{move || i18n.t(Key::MoveToTrash)}</button>
                    }.into_any()
                }}
            </div>
        </article>
    }
}

#[component]
pub fn ItemForm(kind: ItemType, existing: Option<Entry>) -> impl IntoView {
    let i18n = use_i18n();
    let toasts = use_toasts();
    let vault = use_vault();
    let ui = expect_context::<VaultUi>();
    let errors = FormErrors::new();
    let pending = RwSignal::new(false);
    let d = existing
        .as_ref()
        .map(|e| e.data.clone())
        .unwrap_or_default();
    let s = |v: &str| RwSignal::new(v.to_owned());
    let name = s(&d.name);
    let notes = s(&d.notes);
    let favorite = RwSignal::new(existing.as_ref().is_some_and(|e| e.record.favorite));
    let (username, password, uri) = (
        s(&d.login.username),
        s(&d.login.password),
        s(d.login.uris.first().map_or("", String::as_str)),
    );
    let (holder, number, month, year, code) = (
        s(&d.card.cardholder),
        s(&d.card.number),
        s(&d.card.exp_month),
        s(&d.card.exp_year),
        s(&d.card.code),
    );
    let (title, first, last, email, phone, company) = (
        s(&d.identity.title),
        s(&d.identity.first_name),
        s(&d.identity.last_name),
        s(&d.identity.email),
        s(&d.identity.phone),
        s(&d.identity.company),
    );
    let none = Signal::derive(|| None::<String>);
    let target = existing.as_ref().map(|e| {
        (
            e.record.id.clone(),
            e.record.revision,
            e.record.folder_id.clone(),
        )
    });
    let cancel_to = existing
        .as_ref()
        .map_or(Pane::Nothing, |e| Pane::View(e.record.id.clone()));

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        errors.clear();
        if name.get_untracked().trim().is_empty() {
            errors.show(&AppError::field(Field::Name, Problem::Required));
            return;
        }
        let g = |sig: RwSignal<String>| sig.get_untracked();
        let mut data = ItemData {
            name: g(name).trim().to_owned(),
            notes: g(notes),
            ..ItemData::default()
        };
        match kind {
            ItemType::Login => {
                let uri = g(uri).trim().to_owned();
                data.login = LoginData {
                    username: g(username),
                    password: g(password),
                    uris: if uri.is_empty() { vec![] } else { vec![uri] },
                };
            }
            ItemType::Card => {
                data.card = CardData {
                    cardholder: g(holder),
                    number: g(number),
                    exp_month: g(month),
                    exp_year: g(year),
                    code: g(code),
                };
            }
            ItemType::Identity => {
                data.identity = IdentityData {
                    title: g(title),
                    first_name: g(first),
                    last_name: g(last),
                    email: g(email),
                    phone: g(phone),
                    company: g(company),
                };
            }
            ItemType::SecureNote => {}
        }
        let Some(keys) = vault.keys() else { return };
        let sealed = match seal_item(&keys.user_key, &data) {
            Ok(sealed) => sealed,
            Err(_) => return toasts.error(i18n.error(&AppError::Crypto)),
        };
        let target = target.clone();
        let input = ItemInput {
            item_type: kind,
            folder_id: target.as_ref().and_then(|t| t.2.clone()),
            favorite: favorite.get_untracked(),
            data: sealed,
        };
        pending.set(true);
        spawn_local(async move {
            let result = match target {
                None => item_create(input).await,
                Some((id, revision, _)) => item_update(id, revision, input).await,
            };
            pending.set(false);
            match result {
                Ok(record) => {
                    let id = record.id.clone();
                    ui.upsert(record, data);
                    ui.pane.set(Pane::View(id));
                    toasts.success(i18n.t(Key::ItemSaved).to_owned());
                }
                Err(AppError::Conflict) => {
                    toasts.error(i18n.error(&AppError::Conflict));
                    ui.reload();
                }
                Err(e) => report(errors, &e),
            }
        });
    };

    let field = move |id: &'static str, label: Key, value: RwSignal<String>| {
        view! { <TextField id=id label=label value=value error=none /> }
    };
    view! {
        <form class="item-form" on:submit=on_submit novalidate>
            <h2>{move || format!("{} · {}", i18n.t(if existing.is_some() { Key::Edit } else { Key::NewItem }), i18n.t(type_label(kind)))}</h2>
            <TextField id="item-name" label=Key::ItemName value=name error=errors.message(Field::Name) required=true />
            {match kind {
                ItemType::Login => view! {
                    {field("item-username", Key::Username, username)}
                    <PasswordField id="item-password" label=Key::Password value=password error=none autocomplete="off" />
                    <TextField id="item-uri" label=Key::Website value=uri error=none input_type="url" />
                }.into_any(),
                ItemType::Card => view! {
                    {field("item-cardholder", Key::Cardholder, holder)}
                    <PasswordField id="item-card-number" label=Key::CardNumber value=number error=none autocomplete="off" />
                    <p class="help">{move || number.with(|n| card_brand(&n.chars().filter(char::is_ascii_digit).collect::<String>()).unwrap_or_default().to_owned())}</p>
                    {field("item-exp-month", Key::ExpMonth, month)}
                    {field("item-exp-year", Key::ExpYear, year)}
                    <PasswordField id="item-card-code" label=Key::SecurityCode value=code error=none autocomplete="off" />
                }.into_any(),
                ItemType::Identity => view! {
                    {field("item-title", Key::IdTitle, title)}
                    {field("item-first-name", Key::FirstName, first)}
                    {field("item-last-name", Key::LastName, last)}
                    {field("item-email", Key::Email, email)}
                    {field("item-phone", Key::Phone, phone)}
                    {field("item-company", Key::Company, company)}
                }.into_any(),
                ItemType::SecureNote => ().into_any(),
            }}
            <div class="field">
                <label for="item-notes">{move || i18n.t(Key::Notes)}</label>
                <textarea id="item-notes" rows="5" prop:value=move || notes.get() on:input=move |ev| notes.set(event_target_value(&ev))></textarea>
            </div>
            <div class="field checkbox">
                <input id="item-favorite" type="checkbox" prop:checked=move || favorite.get() on:change=move |ev| favorite.set(event_target_checked(&ev)) />
                <label for="item-favorite">{move || i18n.t(Key::Favorite)}</label>
            </div>
            {move || errors.message(Field::ItemData).get().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
            <div class="actions">
                <SubmitButton label=Key::Save pending=pending />
                <button type="button" on:click={
                    let cancel_to = cancel_to.clone();
                    move |_| ui.pane.set(cancel_to.clone())
                }>{move || i18n.t(Key::Cancel)}</button>
            </div>
        </form>
    }
}
