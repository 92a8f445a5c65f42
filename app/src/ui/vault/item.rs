//! One item as it is shown: every filled-in field, secrets masked with show and copy buttons, the
//! live TOTP code, custom fields, password history, and the item's actions.

use super::list::{type_label, Entry, Pane, VaultUi};
use crate::api::shared::{shared_delete, shared_restore, shared_trash};
use crate::api::vault::{items_delete, items_restore, items_trash};
use crate::domain::item::{card_brand, FieldKind};
use crate::domain::totp::Totp;
use crate::domain::vault::ItemType;
use crate::domain::Lang;
use crate::i18n::{self, Key};
use crate::ui::browser::{copy_to_clipboard, format_time, now_ms};
use crate::ui::icons::{Icon, IconSvg};
use crate::ui::state::{use_i18n, use_toasts};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Whose value a detail holds: it names the detail and its buttons.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Subject {
    /// A field of the app's own, named by its label.
    Field(Key),
    /// A login's website after the first, by its number (2, 3, …).
    Website(usize),
    /// A custom field, named exactly as its owner wrote it ("PIN" stays "PIN").
    Custom(String),
    /// A password the login had before, replaced at this time (ms since 1970).
    Old(i64),
}

impl From<Key> for Subject {
    fn from(key: Key) -> Self {
        Subject::Field(key)
    }
}

/// What a button beside a value does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Action {
    Copy,
    Show,
    Hide,
    Launch,
}

impl Action {
    fn icon(self) -> Icon {
        match self {
            Action::Copy => Icon::Copy,
            Action::Show => Icon::Show,
            Action::Hide => Icon::Hide,
            Action::Launch => Icon::Launch,
        }
    }
}

/// The label of a detail in `lang`.
fn subject_name(lang: Lang, subject: &Subject) -> String {
    match subject {
        Subject::Field(key) => i18n::text(lang, *key).to_owned(),
        Subject::Website(n) => format!("{} {n}", i18n::text(lang, Key::Website)),
        Subject::Custom(name) => name.clone(),
        Subject::Old(ms) => format_time(*ms, lang),
    }
}

/// The text of its own that an app field's button has ("Copier le nom d'utilisateur" reads
/// better than any "Copy {what}" pattern can).
fn own_label(field: Key, action: Action) -> Option<Key> {
    Some(match (field, action) {
        (Key::Username, Action::Copy) => Key::CopyUsername,
        (Key::Password, Action::Copy) => Key::CopyPassword,
        (Key::Password, Action::Show) => Key::ShowPassword,
        (Key::Password, Action::Hide) => Key::HidePassword,
        (Key::CardNumber, Action::Copy) => Key::CopyCardNumber,
        (Key::CardNumber, Action::Show) => Key::ShowCardNumber,
        (Key::CardNumber, Action::Hide) => Key::HideCardNumber,
        (Key::SecurityCode, Action::Copy) => Key::CopySecurityCode,
        (Key::SecurityCode, Action::Show) => Key::ShowSecurityCode,
        (Key::SecurityCode, Action::Hide) => Key::HideSecurityCode,
        (Key::Email, Action::Copy) => Key::CopyEmail,
        (Key::Phone, Action::Copy) => Key::CopyPhone,
        (Key::Ssn, Action::Copy) => Key::CopySsn,
        (Key::Ssn, Action::Show) => Key::ShowSsn,
        (Key::Ssn, Action::Hide) => Key::HideSsn,
        (Key::Passport, Action::Copy) => Key::CopyPassport,
        (Key::Passport, Action::Show) => Key::ShowPassport,
        (Key::Passport, Action::Hide) => Key::HidePassport,
        (Key::License, Action::Copy) => Key::CopyLicense,
        (Key::License, Action::Show) => Key::ShowLicense,
        (Key::License, Action::Hide) => Key::HideLicense,
        (Key::Website, Action::Copy) => Key::CopyWebsite,
        (Key::Website, Action::Launch) => Key::Launch,
        (Key::Notes, Action::Copy) => Key::CopyNotes,
        _ => return None,
    })
}

/// What a detail's button says, both as its tooltip and as its name for screen readers: the
/// action and the field, called as on screen.
fn action_label(lang: Lang, subject: &Subject, action: Action) -> String {
    let with = |key: Key, name: &str, value: &str| i18n::format(lang, key, &[(name, value)]);
    match (subject, action) {
        (Subject::Old(ms), _) => {
            let key = match action {
                Action::Copy => Key::CopyOldPassword,
                Action::Show => Key::ShowOldPassword,
                Action::Hide | Action::Launch => Key::HideOldPassword,
            };
            with(key, "date", &i18n::date(lang, *ms))
        }
        (Subject::Website(n), Action::Launch) => with(Key::LaunchN, "n", &n.to_string()),
        (Subject::Website(n), _) => with(Key::CopyWebsiteN, "n", &n.to_string()),
        (Subject::Field(field), _) if own_label(*field, action).is_some() => {
            own_label(*field, action).map_or_else(String::new, |key| i18n::text(lang, key).into())
        }
        (_, Action::Launch) => i18n::text(lang, Key::Launch).to_owned(),
        (_, Action::Copy | Action::Show | Action::Hide) => {
            let key = match action {
                Action::Copy => Key::Copy,
                Action::Show => Key::Show,
                _ => Key::Hide,
            };
            with(key, "what", &subject_name(lang, subject))
        }
    }
}

/// One labelled value; secret ones start masked. Its buttons are icons with a tooltip, and the
/// same text as their name for screen readers.
#[component]
fn Detail(
    /// What the value is: names the detail and its buttons.
    #[prop(into)]
    label: Subject,
    value: String,
    /// A web address to offer an "open" link for.
    #[prop(optional_no_strip)]
    launch: Option<String>,
    #[prop(optional)] secret: bool,
    #[prop(optional)] copy: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let toasts = use_toasts();
    let shown = RwSignal::new(!secret);
    let subject = StoredValue::new(label);
    let name = move || subject.with_value(|s| subject_name(i18n.lang.get(), s));
    let says =
        move |action: Action| subject.with_value(|s| action_label(i18n.lang.get(), s, action));
    let toggle = move || {
        if shown.get() {
            Action::Hide
        } else {
            Action::Show
        }
    };
    let text = value.clone();
    (!value.is_empty()).then(|| {
        view! {
            <div class="detail">
                <dt>{name}</dt>
                <dd>
                    <span class="value" class:secret=secret>
                        {move || if shown.get() { text.clone() } else { "••••••••".to_owned() }}
                    </span>
                    <span class="detail-actions">
                        {secret.then(|| view! {
                            <button type="button" class="ghost icon-button" aria-label=move || says(toggle()) title=move || says(toggle()) on:click=move |_| shown.update(|s| *s = !*s)>
                                {move || view! { <IconSvg icon=toggle().icon() /> }}
                            </button>
                        })}
                        {copy.then(|| {
                            let value = value.clone();
                            view! {
                                <button type="button" class="ghost icon-button" aria-label=move || says(Action::Copy) title=move || says(Action::Copy) on:click=move |_| {
                                    copy_to_clipboard(&value);
                                    toasts.success(i18n.t(Key::Copied).to_owned());
                                }>
                                    <IconSvg icon=Action::Copy.icon() />
                                </button>
                            }
                        })}
                        {launch.clone().map(|href| view! {
                            <a class="button ghost icon-button" href=href target="_blank" rel="noopener noreferrer" aria-label=move || says(Action::Launch) title=move || says(Action::Launch)>
                                <IconSvg icon=Action::Launch.icon() />
                            </a>
                        })}
                    </span>
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
                <span class="detail-actions">
                    <button type="button" class="ghost icon-button" aria-label=move || i18n.t(Key::CopyTotp) title=move || i18n.t(Key::CopyTotp) on:click=move |_| {
                        copy_to_clipboard(&code());
                        toasts.success(i18n.t(Key::Copied).to_owned());
                    }>
                        <IconSvg icon=Icon::Copy />
                    </button>
                </span>
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
    let Entry {
        record,
        data,
        shared,
        ..
    } = entry;
    let id = StoredValue::new(record.id.clone());
    // What the member may do: everything with their own items; with shared ones, what their
    // collections give (the server decides again).
    let rights = shared
        .as_ref()
        .map_or(crate::domain::org::Rights::FULL, |s| s.rights);
    let manages = rights.edit && rights.secrets;
    let org_id = StoredValue::new(shared.as_ref().map(|s| s.org.clone()));
    let place = shared.as_ref().and_then(|s| {
        let org = ui.org(&s.org)?;
        let names: Vec<String> = org
            .collections
            .iter()
            .filter(|c| s.collections.contains(&c.id))
            .map(|c| c.name.clone())
            .collect();
        Some(if names.is_empty() {
            org.name
        } else {
            format!("{} › {}", org.name, names.join(", "))
        })
    });
    let hides_passwords = !rights.secrets;
    let in_trash = record.deleted_at.is_some();
    let kind = record.item_type;
    // A secure note is all notes: it gets the copy button other items' fields have.
    let copy_notes = kind == ItemType::SecureNote;

    let act = move |key: Key| {
        let ids = vec![id.get_value()];
        spawn_local(async move {
            let result = match (org_id.get_value(), key) {
                (None, Key::MoveToTrash) => items_trash(ids.clone()).await,
                (None, Key::Restore) => items_restore(ids.clone()).await,
                (None, _) => items_delete(ids.clone()).await,
                (Some(org), Key::MoveToTrash) => shared_trash(org, ids.clone()).await,
                (Some(org), Key::Restore) => shared_restore(org, ids.clone()).await,
                (Some(org), _) => shared_delete(org, ids.clone()).await,
            };
            match result {
                Ok(_) => {
                    let done = match key {
                        Key::MoveToTrash => Key::ItemTrashed,
                        Key::Restore => Key::ItemRestored,
                        _ => Key::ItemDeleted,
                    };
                    // Out of the list at once, so that focus can land on a row that stays; a trashed
                    // or restored item comes back where it now belongs with the reload.
                    ui.remove(&ids);
                    if key != Key::DeletePermanently {
                        ui.reload();
                    }
                    ui.pane.set(Pane::Nothing);
                    request_animation_frame(super::list::focus_list);
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
            {place.map(|place| view! {
                <p class="muted shared-place"><IconSvg icon=Icon::Organization /> " " {place}</p>
            })}
            {hides_passwords.then(|| view! {
                <p class="notice">{move || i18n.t(Key::PasswordsHidden)}</p>
            })}
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
                    <Detail label=if i == 0 { Subject::Field(Key::Website) } else { Subject::Website(i + 1) } value=uri.uri.clone() copy=true launch=uri.launchable() />
                }).collect_view()}
                <Detail label=Key::Notes value=data.notes.clone() copy=copy_notes />
                {fields.into_iter().map(|f| {
                    let value = if f.kind == FieldKind::Boolean {
                        i18n.t(if f.value == "true" { Key::Yes } else { Key::No }).to_owned()
                    } else {
                        f.value.clone()
                    };
                    view! { <Detail label=Subject::Custom(f.name.clone()) value secret=f.kind == FieldKind::Hidden copy=f.kind != FieldKind::Boolean /> }
                }).collect_view()}
            </dl>
            {(!history.is_empty()).then(|| {
                let count = history.len().to_string();
                view! {
                <details class="history">
                    <summary>{move || i18n.fmt(Key::PasswordHistoryCount, &[("n", &count)])}</summary>
                    <dl>
                        {history.iter().map(|old| view! {
                            <Detail label=Subject::Old(old.replaced_at) value=old.password.clone() secret=true copy=true />
                        }).collect_view()}
                    </dl>
                </details>
            }})}
            <p class="muted small">
                {move || {
                    let time = |key: Key, ms: i64| i18n.fmt(key, &[("time", &format_time(ms, i18n.lang.get()))]);
                    format!("{} · {}", time(Key::Created, created), time(Key::Revised, revised))
                }}
            </p>
            <div class="actions">
                {if in_trash && !manages {
                    ().into_any()
                } else if in_trash {
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
                        {rights.edit.then(|| view! {
                            <button type="button" id="item-edit" class="primary" on:click=move |_| ui.pane.set(Pane::Edit(edit_id.clone()))>{move || i18n.t(Key::Edit)}</button>
                        })}
                        {rights.secrets.then(|| view! {
                            <button type="button" on:click=move |_| ui.pane.set(Pane::Clone(clone_id.clone()))>{move || i18n.t(Key::CloneItem)}</button>
                        })}
                        {manages.then(|| view! {
                            <button type="button" on:click=move |_| act(Key::MoveToTrash)>{move || i18n.t(Key::MoveToTrash)}</button>
                        })}
                        {shared.is_none().then(|| view! { <super::share::MoveToOrg id=record.id.clone() /> })}
                        {shared.clone().filter(|_| manages).map(|s| {
                            let changing = RwSignal::new(false);
                            let ids = vec![record.id.clone()];
                            view! {
                                <button type="button" id="item-collections" on:click=move |_| changing.set(true)>{move || i18n.t(Key::ChangeCollections)}</button>
                                {move || changing.get().then(|| view! {
                                    <super::bulk::CollectionsDialog org=s.org.clone() ids=ids.clone() ticked=s.collections.clone() open=changing />
                                })}
                            }
                        })}
                    }.into_any()
                }}
            </div>
        </article>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEC_2_2026: i64 = 1_796_169_600_000;

    fn says(lang: Lang, subject: Subject, action: Action) -> String {
        action_label(lang, &subject, action)
    }

    #[test]
    fn buttons_name_their_field_as_it_is_called_on_screen() {
        let pin = || Subject::Custom("PIN".into());
        let field = |key: Key| Subject::Field(key);
        let cases = [
            (Lang::En, pin(), Action::Copy, "Copy PIN"),
            (Lang::En, pin(), Action::Show, "Show PIN"),
            (Lang::Nl, pin(), Action::Hide, "PIN verbergen"),
            (Lang::Fr, pin(), Action::Copy, "Copier «\u{a0}PIN\u{a0}»"),
            (
                Lang::En,
                field(Key::CardNumber),
                Action::Show,
                "Show card number",
            ),
            (
                Lang::En,
                field(Key::SecurityCode),
                Action::Show,
                "Show security code",
            ),
            (
                Lang::En,
                field(Key::SecurityCode),
                Action::Hide,
                "Hide security code",
            ),
            (
                Lang::En,
                field(Key::Password),
                Action::Show,
                "Show password",
            ),
            (
                Lang::Fr,
                field(Key::Username),
                Action::Copy,
                "Copier le nom d'utilisateur",
            ),
            (Lang::En, field(Key::Notes), Action::Copy, "Copy notes"),
            (
                Lang::En,
                field(Key::Website),
                Action::Launch,
                "Open website",
            ),
            (
                Lang::En,
                Subject::Website(2),
                Action::Launch,
                "Open website 2",
            ),
            (
                Lang::Nl,
                Subject::Website(3),
                Action::Copy,
                "Website 3 kopiëren",
            ),
        ];
        for (lang, subject, action, text) in cases {
            assert_eq!(says(lang, subject, action), text);
        }
    }

    #[test]
    fn an_old_password_is_named_by_its_day() {
        let old = || Subject::Old(DEC_2_2026);
        assert_eq!(
            says(Lang::En, old(), Action::Show),
            "Show password from 2 Dec 2026"
        );
        assert_eq!(
            says(Lang::Nl, old(), Action::Copy),
            "Wachtwoord van 2 dec 2026 kopiëren"
        );
        assert_eq!(
            says(Lang::Fr, old(), Action::Hide),
            "Masquer le mot de passe du 2 déc. 2026"
        );
    }

    #[test]
    fn every_button_of_an_app_field_has_a_text_of_its_own() {
        // The fields the view offers copy or show for: none falls back to "Copy {what}", which
        // would read "Copy Username" with the label's capital.
        let copied = [
            Key::Username,
            Key::Password,
            Key::CardNumber,
            Key::SecurityCode,
            Key::Email,
            Key::Phone,
            Key::Ssn,
            Key::Passport,
            Key::License,
            Key::Website,
            Key::Notes,
        ];
        let secret = [
            Key::Password,
            Key::CardNumber,
            Key::SecurityCode,
            Key::Ssn,
            Key::Passport,
            Key::License,
        ];
        for key in copied {
            assert!(own_label(key, Action::Copy).is_some(), "{key:?}");
        }
        for key in secret {
            assert!(own_label(key, Action::Show).is_some(), "{key:?}");
            assert!(own_label(key, Action::Hide).is_some(), "{key:?}");
        }
    }
}
