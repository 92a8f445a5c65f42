//! Form pieces shared by every page: labelled fields with their errors, the password strength
//! meter, the toast region.

use super::state::{use_i18n, use_toasts, Auth, I18n, ToastKind, Toasts, Vault};
use crate::domain::{validate::password_strength, AppError, Field, FieldError};
use crate::i18n::{problem_message, Key};
use leptos::prelude::*;

/// Field errors of one form; a server error replaces them.
#[derive(Clone, Copy)]
pub struct FormErrors {
    errors: RwSignal<Vec<FieldError>>,
    /// The fields this form shows errors for (those it asked `message` of).
    shown: StoredValue<Vec<Field>>,
    i18n: I18n,
}

impl FormErrors {
    /// Call where the form is built (it reads the language from context once).
    pub fn new() -> Self {
        FormErrors {
            errors: RwSignal::new(Vec::new()),
            shown: StoredValue::new(Vec::new()),
            i18n: use_i18n(),
        }
    }

    pub fn clear(&self) {
        self.errors.set(Vec::new());
    }

    /// Shows a validation error on its fields; returns true if it was one that names a field
    /// this form shows (otherwise the caller says it another way, so it is never lost).
    pub fn show(&self, error: &AppError) -> bool {
        let on_this_form = |fields: &[FieldError]| {
            self.shown
                .with_value(|shown| fields.iter().any(|fe| shown.contains(&fe.field)))
        };
        match error {
            AppError::Invalid(fields) if on_this_form(fields) => {
                self.errors.set(fields.clone());
                super::browser::focus_first_invalid();
                true
            }
            _ => false,
        }
    }

    /// The message for `field`, in the current language.
    pub fn message(&self, field: Field) -> Signal<Option<String>> {
        self.shown.update_value(|shown| {
            if !shown.contains(&field) {
                shown.push(field);
            }
        });
        let (errors, i18n) = (self.errors, self.i18n);
        Signal::derive(move || {
            let lang = i18n.lang.get();
            errors.with(|e| {
                e.iter()
                    .find(|fe| fe.field == field)
                    .map(|fe| problem_message(lang, field, fe.problem))
            })
        })
    }
}

impl Default for FormErrors {
    fn default() -> Self {
        Self::new()
    }
}

/// Shows a server error: under its field if it names one, otherwise as a toast.
pub fn report(errors: FormErrors, error: &AppError) {
    if !errors.show(error) {
        toast_error(error);
    }
}

/// Shows a server error as a toast. If it says the session is over (logged out elsewhere, or the
/// master password was changed on another device), the vault's keys leave memory too and the
/// account is asked for again, so the page moves to the login form instead of going on showing
/// a vault it can no longer save.
pub fn toast_error(error: &AppError) {
    // Looked up softly: this may run in a task that outlived its page.
    if let (Some(toasts), Some(i18n)) = (use_context::<Toasts>(), use_context::<I18n>()) {
        toasts.error(i18n.error(error));
    }
    if *error == AppError::Unauthenticated {
        if let Some(vault) = use_context::<Vault>() {
            vault.lock();
        }
        if let Some(auth) = use_context::<Auth>() {
            auth.refresh();
        }
    }
}

/// The `aria-describedby` of a field: its help text, and its error while there is one.
fn described_by(
    help_id: String,
    has_help: bool,
    error_id: String,
    error: Signal<Option<String>>,
) -> impl Fn() -> Option<String> {
    move || {
        let mut ids = Vec::new();
        if has_help {
            ids.push(help_id.clone());
        }
        if error.with(Option::is_some) {
            ids.push(error_id.clone());
        }
        (!ids.is_empty()).then(|| ids.join(" "))
    }
}

#[component]
pub fn TextField(
    #[prop(into)] id: String,
    label: Key,
    value: RwSignal<String>,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(optional)] help: Option<Key>,
    #[prop(optional)] required: bool,
    #[prop(optional)] readonly: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let error_id = format!("{id}-error");
    let help_id = format!("{id}-help");
    let described = described_by(help_id.clone(), help.is_some(), error_id.clone(), error);
    view! {
        <div class="field">
            <label for=id.clone()>{move || i18n.t(label)}</label>
            <input
                id=id.clone()
                name=id.clone()
                type=input_type
                autocomplete=autocomplete
                required=required
                readonly=readonly
                aria-invalid=move || if error.with(Option::is_some) { "true" } else { "false" }
                aria-describedby=described
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
            {help.map(|h| view! { <p class="help" id=help_id.clone()>{move || i18n.t(h)}</p> })}
            <p class="field-error" id=error_id.clone() hidden=move || error.with(Option::is_none)>
                {move || error.get().unwrap_or_default()}
            </p>
        </div>
    }
}

/// A master password input with a show/hide button.
/// The account's email in a form that asks only for its master password, so that the browser's
/// password manager knows whose password it is. Hidden: it is not a control a person uses.
#[component]
pub fn AccountUsername(email: String) -> impl IntoView {
    view! { <input type="email" name="username" autocomplete="username" value=email readonly hidden /> }
}

#[component]
pub fn PasswordField(
    #[prop(into)] id: String,
    label: Key,
    value: RwSignal<String>,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(default = "current-password")] autocomplete: &'static str,
    #[prop(optional)] help: Option<Key>,
) -> impl IntoView {
    let i18n = use_i18n();
    let shown = RwSignal::new(false);
    let error_id = format!("{id}-error");
    let help_id = format!("{id}-help");
    let described = described_by(help_id.clone(), help.is_some(), error_id.clone(), error);
    view! {
        <div class="field">
            <label for=id.clone()>{move || i18n.t(label)}</label>
            <div class="password-row">
                <input
                    id=id.clone()
                    name=id.clone()
                    type=move || if shown.get() { "text" } else { "password" }
                    autocomplete=autocomplete
                    spellcheck="false"
                    required=true
                    aria-invalid=move || if error.with(Option::is_some) { "true" } else { "false" }
                    aria-describedby=described
                    prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev))
                />
                <button
                    type="button"
                    class="ghost"
                    aria-controls=id.clone()
                    aria-pressed=move || if shown.get() { "true" } else { "false" }
                    on:click=move |_| shown.update(|s| *s = !*s)
                >
                    {move || i18n.t(if shown.get() { Key::HidePassword } else { Key::ShowPassword })}
                </button>
            </div>
            {help.map(|h| view! { <p class="help" id=help_id.clone()>{move || i18n.t(h)}</p> })}
            <p class="field-error" id=error_id.clone() hidden=move || error.with(Option::is_none)>
                {move || error.get().unwrap_or_default()}
            </p>
        </div>
    }
}

#[component]
pub fn StrengthMeter(password: RwSignal<String>) -> impl IntoView {
    let i18n = use_i18n();
    let score = Memo::new(move |_| password.with(|p| password_strength(p)));
    let word = move || {
        i18n.t(match score.get() {
            0 => Key::StrengthVeryWeak,
            1 => Key::StrengthWeak,
            2 => Key::StrengthFair,
            3 => Key::StrengthGood,
            _ => Key::StrengthStrong,
        })
    };
    view! {
        <div class="strength" data-score=move || score.get().to_string()>
            <label for="strength-meter">{move || i18n.t(Key::Strength)}</label>
            <meter id="strength-meter" min="0" max="4" low="2" high="3" optimum="4" value=move || score.get().to_string()>
                {word}
            </meter>
            <span class="strength-word" aria-live="polite">{word}</span>
        </div>
    }
}

#[component]
pub fn SubmitButton(
    label: Key,
    pending: RwSignal<bool>,
    #[prop(optional)] pending_label: Option<Key>,
) -> impl IntoView {
    let i18n = use_i18n();
    let hydrated = super::state::use_hydrated();
    view! {
        <button type="submit" class="primary" disabled=move || pending.get() || !hydrated.get() aria-busy=move || pending.get().to_string()>
            <span class="spinner" aria-hidden="true" hidden=move || !pending.get()></span>
            {move || i18n.t(if pending.get() { pending_label.unwrap_or(Key::Working) } else { label })}
        </button>
    }
}

#[component]
pub fn ToastRegion() -> impl IntoView {
    let i18n = use_i18n();
    let toasts = use_toasts();
    view! {
        <section class="toasts" aria-label=move || i18n.t(Key::Notifications)>
            <div role="status" aria-live="polite">
                <For each=move || toasts.items.get().into_iter().filter(|t| t.kind == ToastKind::Success) key=|t| t.id let:toast>
                    <div class="toast success">
                        <span>{toast.text.clone()}</span>
                        <button type="button" class="ghost" on:click=move |_| toasts.dismiss(toast.id)>{move || i18n.t(Key::Dismiss)}</button>
                    </div>
                </For>
            </div>
            <div role="alert" aria-live="assertive">
                <For each=move || toasts.items.get().into_iter().filter(|t| t.kind == ToastKind::Error) key=|t| t.id let:toast>
                    <div class="toast error">
                        <span>{toast.text.clone()}</span>
                        <button type="button" class="ghost" on:click=move |_| toasts.dismiss(toast.id)>{move || i18n.t(Key::Dismiss)}</button>
                    </div>
                </For>
            </div>
        </section>
    }
}
