//! The item form (new, edit, clone): every field of the four types, URIs with match rules, custom
//! fields, folder and favorite. The item is checked and encrypted here before it is sent.

use super::generator::Generator;
use super::list::{type_label, Entry, Pane, VaultUi};
use super::orgs::open_record;
use super::share::{Destination, DestinationPicker};
use crate::api::shared::{shared_create, shared_mark, shared_update};
use crate::api::vault::{item_create, item_update};
use crate::crypto::items::{new_item_id, seal_item, seal_shared, seal_shared_data};
use crate::domain::card;
use crate::domain::item::{
    card_brand, CustomField, FieldKind, IdentityData, ItemData, LoginUri, UriMatch,
};
use crate::domain::shared::SharedItemInput;
use crate::domain::vault::{ItemInput, ItemType};
use crate::domain::{AppError, Field, FieldError, FolderId, Problem};
use crate::i18n::Key;
use crate::ui::browser::{focus, now_ms};
use crate::ui::components::{
    report, FormErrors, PasswordField, StrengthMeter, SubmitButton, TextField,
};
use crate::ui::guard::use_unsaved;
use crate::ui::state::{use_i18n, use_toasts, use_vault};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// One editable row of a list (URIs, custom fields); `key` keeps its inputs stable while rows
/// before it are removed.
#[derive(Clone, Copy)]
struct Row<K: Send + Sync + 'static> {
    key: u64,
    text: RwSignal<String>,
    value: RwSignal<String>,
    kind: RwSignal<K>,
    /// A custom field's id, kept through the edit (its hidden value pairs with it by id).
    id: StoredValue<String>,
}

impl<K: Copy + Send + Sync + 'static> Row<K> {
    fn new(key: u64, text: &str, value: &str, kind: K) -> Self {
        Row {
            key,
            text: RwSignal::new(text.to_owned()),
            value: RwSignal::new(value.to_owned()),
            kind: RwSignal::new(kind),
            id: StoredValue::new(String::new()),
        }
    }
}

fn uri_rule_label(rule: UriMatch) -> Key {
    match rule {
        UriMatch::Domain => Key::MatchDomain,
        UriMatch::Host => Key::MatchHost,
        UriMatch::StartsWith => Key::MatchStartsWith,
        UriMatch::Exact => Key::MatchExact,
        UriMatch::Never => Key::MatchNever,
    }
}

fn field_kind_label(kind: FieldKind) -> Key {
    match kind {
        FieldKind::Text => Key::FieldText,
        FieldKind::Hidden => Key::FieldHidden,
        FieldKind::Boolean => Key::FieldBoolean,
    }
}

/// Identity inputs: (id, label, field) in the order the form shows them.
fn identity_fields(p: &mut IdentityData) -> [(&'static str, Key, &mut String); 18] {
    [
        ("item-title", Key::IdTitle, &mut p.title),
        ("item-first-name", Key::FirstName, &mut p.first_name),
        ("item-middle-name", Key::MiddleName, &mut p.middle_name),
        ("item-last-name", Key::LastName, &mut p.last_name),
        ("item-id-username", Key::Username, &mut p.username),
        ("item-company", Key::Company, &mut p.company),
        ("item-email", Key::Email, &mut p.email),
        ("item-phone", Key::Phone, &mut p.phone),
        ("item-address1", Key::Address1, &mut p.address1),
        ("item-address2", Key::Address2, &mut p.address2),
        ("item-address3", Key::Address3, &mut p.address3),
        ("item-city", Key::City, &mut p.city),
        ("item-state", Key::State, &mut p.state),
        ("item-postal-code", Key::PostalCode, &mut p.postal_code),
        ("item-country", Key::Country, &mut p.country),
        ("item-ssn", Key::Ssn, &mut p.ssn),
        ("item-passport", Key::Passport, &mut p.passport_number),
        ("item-license", Key::License, &mut p.license_number),
    ]
}

/// The organization a new item goes to (none for an edit: it stays where it is).
fn existing_target_org<T>(target: &Option<T>, dest: Destination) -> Option<crate::domain::OrgId> {
    match target {
        Some(_) => None,
        None => dest.org.get_untracked(),
    }
}

/// The id of the element an event happened on, if it has one.
fn changed_id(ev: &leptos::ev::Event) -> Option<String> {
    use leptos::wasm_bindgen::JsCast;
    let element = ev.target()?.dyn_into::<leptos::web_sys::Element>().ok()?;
    Some(element.id())
}

#[component]
pub fn ItemForm(kind: ItemType, existing: Option<Entry>, copy_of: Option<Entry>) -> impl IntoView {
    let i18n = use_i18n();
    let toasts = use_toasts();
    let vault = use_vault();
    let ui = expect_context::<VaultUi>();
    let errors = FormErrors::new();
    let pending = RwSignal::new(false);
    let source = existing.as_ref().or(copy_of.as_ref());
    // A shared item is saved back to its organization; a member whose access hides passwords
    // neither sees nor sends its secret fields (the server keeps them).
    let shared = existing.as_ref().and_then(|e| e.shared.clone());
    let hides = shared.as_ref().is_some_and(|s| !s.rights.secrets);
    // A new item goes where the list is looking, if the member may put items there.
    let dest = {
        let (org, collection) = match ui.filter.get_untracked() {
            super::list::Filter::Org(o) => (Some(o), None),
            super::list::Filter::Collection(o, c) => (Some(o), Some(c)),
            _ => (None, None),
        };
        let org = org
            .and_then(|o| ui.org(&o))
            .filter(|o| !o.writable().is_empty());
        // The collection in view, if any; otherwise the person ticks one (never a guess).
        let collections = match (&org, collection) {
            (Some(o), Some(c)) if o.writable().iter().any(|w| w.id == c) => vec![c],
            _ => Vec::new(),
        };
        Destination::new(org.map(|o| o.id), collections)
    };
    let marks_before = existing
        .as_ref()
        .map(|e| (e.record.favorite, e.record.folder_id.clone()));
    let offers_orgs = existing.is_none()
        && ui
            .orgs
            .with_untracked(|o| o.iter().any(|o| !o.writable().is_empty()));
    let mut d = source.map(|e| e.data.clone()).unwrap_or_default();
    if copy_of.is_some() {
        d.name = i18n.fmt(Key::CopyOfName, &[("name", &d.name)]);
        d.login.password_history.clear();
    }
    let s = |v: &str| RwSignal::new(v.to_owned());
    let seal = StoredValue::new(d.seal.clone());
    let name = s(&d.name);
    let notes = s(&d.notes);
    let favorite = RwSignal::new(source.is_some_and(|e| e.record.favorite));
    let folder = RwSignal::new(source.and_then(|e| e.record.folder_id.clone()).or_else(|| {
        match ui.filter.get_untracked() {
            super::list::Filter::Folder(f) => f,
            _ => None,
        }
    }));
    let (username, password, totp) = (s(&d.login.username), s(&d.login.password), s(&d.login.totp));
    let (holder, number, month, year, code) = (
        s(&d.card.cardholder),
        s(&d.card.number),
        s(&d.card.exp_month),
        s(&d.card.exp_year),
        s(&d.card.code),
    );
    let identity: Vec<(&'static str, Key, RwSignal<String>)> = identity_fields(&mut d.identity)
        .into_iter()
        .map(|(id, label, value)| (id, label, s(value)))
        .collect();
    let identity = StoredValue::new(identity);
    let next_key = StoredValue::new(0u64);
    let fresh_key = move || {
        let k = next_key.get_value();
        next_key.set_value(k + 1);
        k
    };
    let uris = RwSignal::new(
        d.login
            .uris
            .iter()
            .map(|u| Row::new(fresh_key(), &u.uri, "", u.rule))
            .collect::<Vec<_>>(),
    );
    if uris.with_untracked(Vec::is_empty) {
        uris.update(|list| list.push(Row::new(fresh_key(), "", "", UriMatch::Domain)));
    }
    let fields = RwSignal::new(
        d.fields
            .iter()
            .map(|f| Row {
                id: StoredValue::new(f.id.clone()),
                ..Row::new(fresh_key(), &f.name, &f.value, f.kind)
            })
            .collect::<Vec<_>>(),
    );
    let generating = RwSignal::new(false);
    let none = Signal::derive(|| None::<String>);
    // The form opens where the person is typing next (on a phone it is below the list).
    Effect::new(|_| crate::ui::browser::focus("item-name"));
    let target = existing
        .as_ref()
        .map(|e| (e.record.id.clone(), e.record.revision, e.data.clone()));
    let cancel_to = source.map_or(Pane::Nothing, |e| Pane::View(e.record.id.clone()));
    // Typing marks the form as holding edits until it is saved or cancelled (see ui::guard).
    let unsaved = use_unsaved();
    on_cleanup(move || unsaved.mark(false));
    // Stored so that `cancel` is Copy: Escape and the Cancel button both use it.
    let cancel_to = StoredValue::new(cancel_to);
    let close = move || {
        unsaved.mark(false);
        let to = cancel_to.get_value();
        let back_to_item = to != Pane::Nothing;
        ui.pane.set(to);
        request_animation_frame(move || {
            // Removing a focused field that was just edited fires its `change` on the way out,
            // which marked the closed form as holding edits again.
            unsaved.mark(false);
            focus(if back_to_item {
                "item-edit"
            } else {
                "new-menu"
            })
        });
    };
    // Escape and Cancel ask before they throw edits away, as leaving the form any other way does.
    let cancel = move || unsaved.attempt(close);

    // What the form holds, as the item it would save.
    let collect = move || {
        let g = |sig: RwSignal<String>| sig.get_untracked();
        let mut data = ItemData {
            name: g(name).trim().to_owned(),
            notes: g(notes),
            fields: fields.with_untracked(|rows| {
                rows.iter()
                    .filter(|r| {
                        !r.text.get_untracked().trim().is_empty()
                            || !r.value.get_untracked().is_empty()
                    })
                    .map(|r| CustomField {
                        name: r.text.get_untracked().trim().to_owned(),
                        value: r.value.get_untracked(),
                        kind: r.kind.get_untracked(),
                        id: r.id.get_value(),
                    })
                    .collect()
            }),
            // An editor who cannot see the secrets saves the open part only: it keeps the seal
            // of the secrets the server keeps.
            seal: seal.get_value(),
            ..ItemData::default()
        };
        match kind {
            ItemType::Login => {
                data.login.username = g(username);
                data.login.password = g(password);
                data.login.totp = g(totp).trim().to_owned();
                data.login.uris = uris.with_untracked(|rows| {
                    rows.iter()
                        .map(|r| LoginUri {
                            uri: r.text.get_untracked().trim().to_owned(),
                            rule: r.kind.get_untracked(),
                        })
                        .filter(|u| !u.uri.is_empty())
                        .collect()
                });
            }
            ItemType::Card => {
                data.card.cardholder = g(holder);
                data.card.number = g(number);
                data.card.exp_month = g(month);
                data.card.exp_year = g(year);
                data.card.code = g(code);
            }
            ItemType::Identity => identity.with_value(|inputs| {
                for ((_, _, target), (_, _, value)) in
                    identity_fields(&mut data.identity).into_iter().zip(inputs)
                {
                    *target = value.get_untracked();
                }
            }),
            ItemType::SecureNote => {}
        }
        data
    };
    // What saving refuses: the item's own rules and, for a card, its fields (checked only here:
    // the server sees sealed items). A mistyped card number is only warned about.
    let problems = move |data: &ItemData| {
        let mut found = data.problems();
        if matches!(kind, ItemType::Card) {
            found.extend(card::problems(&data.card));
        }
        // A value without a name shows as a bare value everywhere (imports may still bring one).
        if !found.iter().any(|e| e.field == Field::CustomFields)
            && data.fields.iter().any(|f| f.name.trim().is_empty())
        {
            found.push(FieldError::new(Field::CustomFields, Problem::Required));
        }
        found
    };
    errors.check_with(move || problems(&collect()));
    // The check-digit warning waits until the person has left the number once (or tries to
    // save), not while the first digits are typed; a number the item already had is checked
    // from the start.
    let number_checked = RwSignal::new(source.is_some());
    let number_warning = Signal::derive(move || {
        (number_checked.get() && number.with(|n| card::number_looks_mistyped(n)))
            .then(|| i18n.t(Key::CardNumberMistyped).to_owned())
    });

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        errors.clear();
        number_checked.set(true);
        let mut data = collect();
        if let Some((_, _, before)) = &target {
            data.remember_old_password(before, now_ms() as i64);
        }
        let problems = problems(&data);
        if !problems.is_empty() {
            errors.show(&AppError::Invalid(problems));
            return;
        }
        let Some(keys) = vault.keys() else { return };
        let to_org = match (&shared, existing_target_org(&target, dest)) {
            (Some(s), _) => Some(s.org.clone()),
            (None, org) => org,
        };
        if let Some(org_id) = to_org {
            let Some(org) = ui.org(&org_id) else {
                return toasts.error(i18n.error(&AppError::NotFound));
            };
            let collections = dest.collections.get_untracked();
            if target.is_none() && collections.is_empty() {
                errors.show(&AppError::field(Field::Collections, Problem::Required));
                return;
            }
            let id = match &target {
                Some((id, _, _)) => Ok(id.clone()),
                None => new_item_id(),
            };
            let sealed = id.and_then(|id| {
                if hides {
                    seal_shared_data(&org.key, &data, org.binding(&id)).map(|d| (id, d, None))
                } else {
                    seal_shared(&org.key, &data, org.binding(&id)).map(|(d, s)| (id, d, Some(s)))
                }
            });
            let Ok((id, sealed, secrets)) = sealed else {
                return toasts.error(i18n.error(&AppError::Crypto));
            };
            let input = SharedItemInput {
                item_type: kind,
                data: sealed,
                secrets,
            };
            let (fav, fold) = (favorite.get_untracked(), folder.get_untracked());
            let target = target.clone();
            let marks_changed = match &marks_before {
                Some(before) => *before != (fav, fold.clone()),
                None => fav || fold.is_some(),
            };
            pending.set(true);
            spawn_local(async move {
                let saved = match target {
                    None => shared_create(org_id.clone(), id.clone(), input, collections).await,
                    Some((id, revision, _)) => {
                        shared_update(org_id.clone(), id, revision, input).await
                    }
                };
                let saved = match saved {
                    Ok(mut record) if marks_changed => {
                        match shared_mark(org_id, record.id.clone(), fav, fold.clone()).await {
                            Ok(()) => {
                                record.favorite = fav;
                                record.folder_id = fold;
                                Ok(record)
                            }
                            Err(e) => Err(e),
                        }
                    }
                    other => other,
                };
                pending.set(false);
                match saved {
                    Ok(record) => {
                        let unreadable = i18n.t(Key::ErrCrypto);
                        // The list keeps the form's own copy of what the member may see.
                        let (record, _, shared) = open_record(&org, record, unreadable);
                        let id = record.id.clone();
                        ui.upsert_entry(Entry::with_owner(record, data, Some(shared)));
                        unsaved.mark(false);
                        ui.pane.set(Pane::View(id));
                        request_animation_frame(|| focus("item-edit"));
                        toasts.success(i18n.t(Key::ItemSaved).to_owned());
                    }
                    Err(AppError::Conflict) => toasts.error(i18n.error(&AppError::Conflict)),
                    Err(e) => report(errors, &e),
                }
            });
            return;
        }
        // A new item's id is chosen here, so it is sealed bound to it before the server sees it.
        let id = match &target {
            Some((id, _, _)) => Ok(id.clone()),
            None => new_item_id(),
        };
        let sealed = match id.and_then(|id| {
            ui.bound(&id, |at| seal_item(&keys.user_key, &data, at))
                .map(|sealed| (id, sealed))
        }) {
            Ok(sealed) => sealed,
            Err(_) => return toasts.error(i18n.error(&AppError::Crypto)),
        };
        let (id, sealed) = sealed;
        let target = target.clone();
        let input = ItemInput {
            item_type: kind,
            folder_id: folder.get_untracked(),
            favorite: favorite.get_untracked(),
            data: sealed,
        };
        pending.set(true);
        spawn_local(async move {
            let result = match target {
                None => item_create(id, input).await,
                Some((id, revision, _)) => item_update(id, revision, input).await,
            };
            pending.set(false);
            match result {
                Ok(record) => {
                    let id = record.id.clone();
                    ui.upsert(record, data);
                    unsaved.mark(false);
                    ui.pane.set(Pane::View(id));
                    request_animation_frame(|| focus("item-edit"));
                    toasts.success(i18n.t(Key::ItemSaved).to_owned());
                }
                // The form keeps what was typed: reloading the list would refill it with the
                // other version and lose the edit.
                Err(AppError::Conflict) => toasts.error(i18n.error(&AppError::Conflict)),
                Err(e) => {
                    // The folder was deleted meanwhile: the item goes in no folder if saved again.
                    if let AppError::Invalid(fields) = &e {
                        if fields.iter().any(|fe| fe.field == Field::Folder) {
                            folder.set(None);
                        }
                    }
                    report(errors, &e);
                }
            }
        });
    };

    let field = move |id: &'static str, label: Key, value: RwSignal<String>| {
        view! { <TextField id=id label=label value=value error=none /> }
    };
    let heading = if existing.is_some() {
        Key::Edit
    } else if copy_of.is_some() {
        Key::CloneItem
    } else {
        Key::NewItem
    };
    let position = move |list: RwSignal<Vec<Row<UriMatch>>>, key: u64| {
        list.with(|rows| rows.iter().position(|r| r.key == key).unwrap_or(0) + 1)
    };
    let field_position =
        move |key: u64| fields.with(|rows| rows.iter().position(|r| r.key == key).unwrap_or(0) + 1);
    view! {
        <form
            class="item-form"
            on:submit=on_submit
            novalidate
            on:input=move |_| unsaved.mark(true)
            on:change=move |ev| {
                unsaved.mark(true);
                if changed_id(&ev).as_deref() == Some("item-card-number") {
                    number_checked.set(true);
                }
            }
            on:keydown=move |ev| {
                if ev.key() == "Escape" {
                    ev.prevent_default();
                    cancel();
                }
            }
        >
            <h2>{move || format!("{} · {}", i18n.t(heading), i18n.t(type_label(kind)))}</h2>
            {hides.then(|| view! { <p class="notice">{move || i18n.t(Key::PasswordsHidden)}</p> })}
            {offers_orgs.then(|| view! {
                <DestinationPicker dest own=true prefix="item" />
                {move || errors.message(Field::Collections).get().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
            })}
            <TextField id="item-name" label=Key::ItemName value=name error=errors.message(Field::Name) required=true />
            {match kind {
                ItemType::Login => view! {
                    {field("item-username", Key::Username, username)}
                    {(!hides).then(|| view! {
                    <PasswordField id="item-password" label=Key::Password value=password error=none autocomplete="off" />
                    <StrengthMeter password=password />
                    <button type="button" class="small" aria-expanded=move || generating.get().to_string() on:click=move |_| generating.update(|g| *g = !*g)>
                        {move || i18n.t(Key::GeneratePassword)}
                    </button>
                    <Show when=move || generating.get()>
                        <Generator on_use=Callback::new(move |generated: String| {
                            unsaved.mark(true);
                            password.set(generated);
                            generating.set(false);
                        }) />
                    </Show>
                    <TextField id="item-totp" label=Key::TotpSecret value=totp error=errors.message(Field::Totp) help=Key::TotpHelp />
                    })}
                    <fieldset class="rows">
                        <legend>{move || i18n.t(Key::Uris)}</legend>
                        <For each=move || uris.get() key=|r| r.key let:row>
                            <div class="row">
                                <div class="field">
                                    <label for=format!("uri-{}", row.key)>{move || {
                                        let n = position(uris, row.key);
                                        if n == 1 { i18n.t(Key::Website).to_owned() } else { format!("{} {n}", i18n.t(Key::Website)) }
                                    }}</label>
                                    <input id=format!("uri-{}", row.key) type="url" prop:value=move || row.text.get() on:input=move |ev| row.text.set(event_target_value(&ev)) />
                                </div>
                                <div class="field">
                                    <label for=format!("uri-match-{}", row.key)>{move || i18n.fmt(Key::MatchRuleFor, &[("n", &position(uris, row.key).to_string())])}</label>
                                    <select id=format!("uri-match-{}", row.key) on:change=move |ev| row.kind.set(UriMatch::from_code(&event_target_value(&ev)).unwrap_or_default())>
                                        {UriMatch::ALL.into_iter().map(|m| view! {
                                            <option value=m.code() selected=move || row.kind.get() == m>{move || i18n.t(uri_rule_label(m))}</option>
                                        }).collect_view()}
                                    </select>
                                </div>
                                <button type="button" class="small" on:click=move |_| uris.update(|l| l.retain(|r| r.key != row.key))>
                                    {move || i18n.fmt(Key::RemoveUri, &[("n", &position(uris, row.key).to_string())])}
                                </button>
                            </div>
                        </For>
                        <button type="button" class="small" on:click=move |_| uris.update(|l| l.push(Row::new(fresh_key(), "", "", UriMatch::Domain)))>
                            {move || i18n.t(Key::AddUri)}
                        </button>
                        {move || errors.message(Field::Uris).get().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
                    </fieldset>
                }.into_any(),
                ItemType::Card => view! {
                    {field("item-cardholder", Key::Cardholder, holder)}
                    {(!hides).then(|| view! {
                    <PasswordField id="item-card-number" label=Key::CardNumber value=number error=none autocomplete="off" required=false warning=number_warning toggle=(Key::ShowCardNumber, Key::HideCardNumber) />
                    })}
                    <p class="help">{move || number.with(|n| card_brand(&n.chars().filter(char::is_ascii_digit).collect::<String>()).unwrap_or_default().to_owned())}</p>
                    <TextField id="item-exp-month" label=Key::ExpMonth value=month error=errors.message(Field::ExpMonth) />
                    <TextField id="item-exp-year" label=Key::ExpYear value=year error=errors.message(Field::ExpYear) />
                    {(!hides).then(|| view! {
                    <PasswordField id="item-card-code" label=Key::SecurityCode value=code error=errors.message(Field::SecurityCode) autocomplete="off" required=false toggle=(Key::ShowSecurityCode, Key::HideSecurityCode) />
                    })}
                }.into_any(),
                ItemType::Identity => identity
                    .get_value()
                    .into_iter()
                    .filter(|(id, _, _)| !hides || !matches!(*id, "item-ssn" | "item-passport" | "item-license"))
                    .map(|(id, label, value)| field(id, label, value))
                    .collect_view()
                    .into_any(),
                ItemType::SecureNote => ().into_any(),
            }}
            <div class="field">
                <label for="item-notes">{move || i18n.t(Key::Notes)}</label>
                <textarea id="item-notes" rows="5" prop:value=move || notes.get() on:input=move |ev| notes.set(event_target_value(&ev))></textarea>
            </div>
            <fieldset class="rows">
                <legend>{move || i18n.t(Key::CustomFields)}</legend>
                <For each=move || fields.get() key=|r| r.key let:row>
                    <div class="row">
                        <div class="field">
                            <label for=format!("field-name-{}", row.key)>{move || i18n.fmt(Key::FieldNameN, &[("n", &field_position(row.key).to_string())])}</label>
                            <input id=format!("field-name-{}", row.key) prop:value=move || row.text.get() on:input=move |ev| { row.text.set(event_target_value(&ev)); errors.edited(Field::CustomFields); } />
                        </div>
                        <div class="field">
                            <label for=format!("field-kind-{}", row.key)>{move || i18n.fmt(Key::FieldKindN, &[("n", &field_position(row.key).to_string())])}</label>
                            <select id=format!("field-kind-{}", row.key) on:change=move |ev| row.kind.set(FieldKind::from_code(&event_target_value(&ev)).unwrap_or_default())>
                                {FieldKind::ALL.into_iter().map(|k| view! {
                                    <option value=k.code() selected=move || row.kind.get() == k>{move || i18n.t(field_kind_label(k))}</option>
                                }).collect_view()}
                            </select>
                        </div>
                        <div class="field">
                            <label for=format!("field-value-{}", row.key)>{move || i18n.fmt(Key::FieldValueN, &[("n", &field_position(row.key).to_string())])}</label>
                            {move || match row.kind.get() {
                                FieldKind::Boolean => view! {
                                    <input id=format!("field-value-{}", row.key) type="checkbox" prop:checked=move || row.value.get() == "true" on:change=move |ev| row.value.set(event_target_checked(&ev).to_string()) />
                                }.into_any(),
                                FieldKind::Hidden if hides => view! {
                                    <input id=format!("field-value-{}", row.key) type="text" disabled=true placeholder=move || i18n.t(Key::HiddenByAccess) />
                                }.into_any(),
                                k => view! {
                                    <input id=format!("field-value-{}", row.key) type=if k == FieldKind::Hidden { "password" } else { "text" } autocomplete="off" prop:value=move || row.value.get() on:input=move |ev| row.value.set(event_target_value(&ev)) />
                                }.into_any(),
                            }}
                        </div>
                        <button type="button" class="small" on:click=move |_| { fields.update(|l| l.retain(|r| r.key != row.key)); errors.edited(Field::CustomFields); }>
                            {move || i18n.fmt(Key::RemoveFieldN, &[("n", &field_position(row.key).to_string())])}
                        </button>
                    </div>
                </For>
                <button type="button" class="small" on:click=move |_| fields.update(|l| l.push(Row::new(fresh_key(), "", "", FieldKind::Text)))>
                    {move || i18n.t(Key::AddField)}
                </button>
                {move || errors.message(Field::CustomFields).get().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
            </fieldset>
            <div class="field">
                <label for="item-folder">{move || i18n.t(Key::Folder)}</label>
                <select id="item-folder" on:change=move |ev| {
                    let v = event_target_value(&ev);
                    folder.set((!v.is_empty()).then(|| FolderId::from_stored(v)));
                }>
                    <option value="" selected=move || folder.with(Option::is_none)>{move || i18n.t(Key::NoFolder)}</option>
                    <For each=move || ui.folders.get() key=|f| (f.id.clone(), f.name.clone()) let:f>
                        {
                            let id = f.id.clone();
                            view! { <option value=f.id.as_str().to_owned() selected=move || folder.with(|c| c.as_ref() == Some(&id))>{f.name.clone()}</option> }
                        }
                    </For>
                </select>
            </div>
            <div class="field checkbox">
                <input id="item-favorite" type="checkbox" prop:checked=move || favorite.get() on:change=move |ev| favorite.set(event_target_checked(&ev)) />
                <label for="item-favorite">{move || i18n.t(Key::Favorite)}</label>
            </div>
            {move || errors.message(Field::ItemData).get().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
            <div class="actions">
                <SubmitButton label=Key::Save pending=pending />
                <button type="button" on:click=move |_| cancel()>{move || i18n.t(Key::Cancel)}</button>
            </div>
        </form>
    }
}
