//! Form pieces shared by every page: labelled fields with their errors, the password strength
//! meter, the toast region.

use super::state::{use_i18n, use_toasts, Auth, I18n, ToastKind, Toasts, Vault};
use crate::domain::{AppError, Field, FieldError};
use crate::i18n::{problem_message, Key};
use leptos::prelude::*;
use std::sync::Arc;

/// What a form's submit checks, as field errors (see [`FormErrors::check_with`]).
type Rules = Arc<dyn Fn() -> Vec<FieldError> + Send + Sync>;

/// Field errors of one form; a server error replaces them. An error leaves as soon as the person
/// fixes its field: the field components report edits themselves (see [`FormErrors::edited`]),
/// so every form gets that without wiring it up.
#[derive(Clone, Copy)]
pub struct FormErrors {
    errors: RwSignal<Vec<FieldError>>,
    /// The fields this form shows errors for (those it asked `message` of), each with its one
    /// message signal: a field component knows which field it is by the signal it was handed.
    shown: StoredValue<Vec<(Field, Signal<Option<String>>)>>,
    rules: StoredValue<Option<Rules>>,
    /// Where the form was built: its messages live as long as the form, not as long as the
    /// closure that happened to ask for one first.
    owner: StoredValue<Option<WeakOwner>>,
    i18n: I18n,
}

/// The forms on the page, so that a field component can find the form that handed it its
/// message. Context is per part of the page, so a form's fields find it above them.
#[derive(Clone, Copy)]
struct OpenForms(StoredValue<Vec<FormErrors>>);

impl FormErrors {
    /// Call where the form is built (it reads the language from context once).
    pub fn new() -> Self {
        let this = FormErrors {
            errors: RwSignal::new(Vec::new()),
            shown: StoredValue::new(Vec::new()),
            rules: StoredValue::new(None),
            owner: StoredValue::new(Owner::current().map(|o| o.downgrade())),
            i18n: use_i18n(),
        };
        this.register();
        this
    }

    fn register(self) {
        // A context outlives the values of the run that provided it: when the view that holds
        // a form is rebuilt (a folder form opened a second time), the list may be gone.
        let forms = use_context::<OpenForms>()
            .filter(|forms| forms.0.try_with_value(|_| ()).is_some())
            .unwrap_or_else(|| {
                let forms = OpenForms(StoredValue::new(Vec::new()));
                provide_context(forms);
                forms
            });
        forms.0.update_value(|list| list.push(self));
        on_cleanup(move || {
            forms
                .0
                .try_update_value(|list| list.retain(|f| f.errors != self.errors));
        });
    }

    pub fn clear(&self) {
        self.errors.set(Vec::new());
    }

    /// Gives the form's own checks (what its submit refuses, as field errors), so that an error
    /// is checked again while the person fixes its field rather than only at the next submit.
    /// They must read the form's values untracked.
    pub fn check_with(&self, rules: impl Fn() -> Vec<FieldError> + Send + Sync + 'static) {
        self.rules.set_value(Some(Arc::new(rules)));
    }

    /// Shows a validation error on its fields; returns true if it was one that names a field
    /// this form shows (otherwise the caller says it another way, so it is never lost).
    pub fn show(&self, error: &AppError) -> bool {
        let on_this_form = |fields: &[FieldError]| {
            self.shown.with_value(|shown| {
                fields
                    .iter()
                    .any(|fe| shown.iter().any(|(field, _)| *field == fe.field))
            })
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

    /// The person changed `field`. If it shows an error, the form's checks run again: the error
    /// stays (updated) while the field is still wrong and goes once it is right. Without checks,
    /// or for what only the server judges (an address already taken), it goes at once: the change
    /// may well have fixed it, and a stale error misleads.
    pub fn edited(&self, field: Field) {
        let Some(before) = self.errors.try_get_untracked() else {
            return;
        };
        if !before.iter().any(|fe| fe.field == field) {
            return;
        }
        let rules = self.rules.try_get_value().flatten();
        let still = rules.and_then(|rules| rules().into_iter().find(|fe| fe.field == field));
        let after: Vec<FieldError> = before
            .iter()
            .filter_map(|fe| if fe.field == field { still } else { Some(*fe) })
            .collect();
        if after != before {
            self.errors.set(after);
        }
    }

    /// The field whose message this is, if this form handed it out.
    fn field_of(&self, message: Signal<Option<String>>) -> Option<Field> {
        self.shown
            .try_with_value(|shown| {
                shown
                    .iter()
                    .find(|(_, m)| *m == message)
                    .map(|(field, _)| *field)
            })
            .flatten()
    }

    /// The message for `field`, in the current language (the same signal every time).
    pub fn message(&self, field: Field) -> Signal<Option<String>> {
        let known = self.shown.with_value(|shown| {
            shown
                .iter()
                .find(|(f, _)| *f == field)
                .map(|(_, message)| *message)
        });
        if let Some(message) = known {
            return message;
        }
        let (errors, i18n) = (self.errors, self.i18n);
        let derive = move || {
            Signal::derive(move || {
                let lang = i18n.lang.get();
                errors.with(|e| {
                    e.iter()
                        .find(|fe| fe.field == field)
                        .map(|fe| problem_message(lang, field, fe.problem))
                })
            })
        };
        let owner = self
            .owner
            .with_value(|o| o.as_ref().and_then(WeakOwner::upgrade));
        let message = match owner {
            Some(owner) => owner.with(derive),
            None => derive(),
        };
        self.shown
            .update_value(|shown| shown.push((field, message)));
        message
    }
}

/// The form and field a field component's message comes from, if a form handed it out.
fn form_field(message: Signal<Option<String>>) -> Option<(FormErrors, Field)> {
    let forms = use_context::<OpenForms>()?;
    forms
        .0
        .try_with_value(|list| {
            list.iter()
                .find_map(|form| form.field_of(message).map(|field| (*form, field)))
        })
        .flatten()
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

/// The `aria-describedby` of a field: its help text, and its error and warning while there are.
fn described_by(
    id: &str,
    has_help: bool,
    error: Signal<Option<String>>,
    warning: Option<Signal<Option<String>>>,
) -> impl Fn() -> Option<String> {
    let (help_id, error_id, warning_id) = (
        format!("{id}-help"),
        format!("{id}-error"),
        format!("{id}-warning"),
    );
    move || {
        let mut ids = Vec::new();
        if has_help {
            ids.push(help_id.clone());
        }
        if error.with(Option::is_some) {
            ids.push(error_id.clone());
        }
        if warning.is_some_and(|w| w.with(Option::is_some)) {
            ids.push(warning_id.clone());
        }
        (!ids.is_empty()).then(|| ids.join(" "))
    }
}

/// What a field's input does: keeps the value, and lets the form recheck the field's error.
fn on_field_input(
    value: RwSignal<String>,
    error: Signal<Option<String>>,
) -> impl Fn(leptos::ev::Event) + Clone {
    let form_field = form_field(error);
    move |ev| {
        value.set(event_target_value(&ev));
        if let Some((form, field)) = form_field {
            form.edited(field);
        }
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
    keep_typed(&id, value);
    let i18n = use_i18n();
    let error_id = format!("{id}-error");
    let help_id = format!("{id}-help");
    let described = described_by(&id, help.is_some(), error, None);
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
                on:input=on_field_input(value, error)
            />
            {help.map(|h| view! { <p class="help" id=help_id.clone()>{move || i18n.t(h)}</p> })}
            <p class="field-error" id=error_id.clone() hidden=move || error.with(Option::is_none)>
                {move || error.get().unwrap_or_default()}
            </p>
        </div>
    }
}

/// Keeps what a person typed into a server-rendered field before the page hydrated. The field is
/// editable as soon as the HTML arrives; on a slow link hydration comes seconds later and would
/// set the field to its (empty) signal. Read while the component is made, before hydration
/// touches the field; only while the page hydrates.
fn keep_typed(id: &str, value: RwSignal<String>) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let hydrating =
            use_context::<crate::ui::state::Hydrated>().is_some_and(|h| !h.0.get_untracked());
        if !hydrating || !value.with_untracked(String::is_empty) {
            return;
        }
        let typed = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(id))
            .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
            .map(|input| input.value())
            .filter(|v| !v.is_empty());
        if let Some(typed) = typed {
            value.set(typed);
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (id, value);
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
    /// Secrets a form keeps but does not need (a card's number or code) are not required.
    #[prop(default = true)]
    required: bool,
    /// A note that does not block saving (a card number that fails its check digit): shown
    /// under the field and read with it, without marking the field invalid.
    #[prop(optional, into)]
    warning: Option<Signal<Option<String>>>,
    /// What the show and hide button say, when the secret is not a password (a card's number).
    #[prop(default = (Key::ShowPassword, Key::HidePassword))]
    toggle: (Key, Key),
) -> impl IntoView {
    keep_typed(&id, value);
    let i18n = use_i18n();
    let shown = RwSignal::new(false);
    let error_id = format!("{id}-error");
    let help_id = format!("{id}-help");
    let warning_id = format!("{id}-warning");
    let described = described_by(&id, help.is_some(), error, warning);
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
                    required=required
                    aria-invalid=move || if error.with(Option::is_some) { "true" } else { "false" }
                    aria-describedby=described
                    prop:value=move || value.get()
                    on:input=on_field_input(value, error)
                />
                <button
                    type="button"
                    class="ghost"
                    aria-controls=id.clone()
                    aria-pressed=move || if shown.get() { "true" } else { "false" }
                    on:click=move |_| shown.update(|s| *s = !*s)
                >
                    {move || i18n.t(if shown.get() { toggle.1 } else { toggle.0 })}
                </button>
            </div>
            {help.map(|h| view! { <p class="help" id=help_id.clone()>{move || i18n.t(h)}</p> })}
            <p class="field-error" id=error_id.clone() hidden=move || error.with(Option::is_none)>
                {move || error.get().unwrap_or_default()}
            </p>
            {warning.map(|w| view! {
                <p class="warning field-warning" id=warning_id.clone() role="status" hidden=move || w.with(Option::is_none)>
                    {move || w.get().unwrap_or_default()}
                </p>
            })}
        </div>
    }
}

/// How guessable the password typed is (zxcvbn, see `strength`): nothing until something is typed
/// and rated, then a bar and a word, the word in a status region that screen readers announce.
#[component]
pub fn StrengthMeter(
    password: RwSignal<String>,
    /// Words the person is known by (their email and name): a password containing them is weaker.
    #[prop(optional, into)]
    user_inputs: Option<Signal<Vec<String>>>,
    /// The rating, for a form that decides by it; otherwise the meter keeps its own.
    #[prop(optional)]
    score: Option<RwSignal<Option<u8>>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let score = score.unwrap_or_else(|| RwSignal::new(None));
    super::strength::rate_as_typed(
        password,
        user_inputs.unwrap_or_else(|| Signal::derive(Vec::new)),
        score,
    );
    let word = move || score.get().map(|s| i18n.t(super::strength::label(s)));
    let unrated = move || score.with(Option::is_none);
    view! {
        <div class="strength" data-score=move || score.get().map(|s| s.to_string()).unwrap_or_default()>
            <label for="strength-meter" id="strength-label">{move || i18n.t(Key::Strength)}</label>
            // Without a rating the bar stays empty and out of the accessibility tree: it would
            // read as a score of 0.
            <meter
                id="strength-meter"
                min="0"
                max="4"
                low="2"
                high="3"
                optimum="4"
                value=move || score.get().map(|s| s.to_string())
                aria-valuetext=word
                aria-hidden=move || unrated().then_some("true")
            >
                {word}
            </meter>
            <span id="strength-word" class="strength-word" role="status" aria-labelledby="strength-label">{word}</span>
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
