//! Log in, create account, unlock. The master password is used here, in the browser, and never
//! sent anywhere: only the auth hash derived from it leaves the tab.

use super::browser::{remember_lang, yield_to_paint};
use super::components::{
    report, AccountUsername, FormErrors, PasswordField, StrengthMeter, SubmitButton, TextField,
};
use super::state::{use_auth, use_i18n, use_toasts, use_vault};
use super::strength::{self, AcceptWeakPassword};
use crate::api::auth::{account_keys, login, prelogin, register, RegisterRequest};
use crate::api::mail_requests::{password_hint, signup_link_valid, signup_mode, signup_start};
use crate::crypto::account::{new_account_from, Derived};
use crate::crypto::{CryptoError, KdfParams, SymmetricKey, UnlockedKeys};
use crate::domain::validate::{self, collect, normalize_email, MASTER_PASSWORD_MIN};
use crate::domain::{AccountInfo, AppError, Field, Problem, ProtectedKeys};
use crate::i18n::Key;
use leptos::ev::SubmitEvent;
use leptos::lazy;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::components::{Redirect, A};
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;
use zeroize::Zeroizing;

/// The password-derived pieces for an account (`email_normalized` is the KDF salt).
pub(super) async fn derive(
    password: &str,
    email_normalized: &str,
    kdf: &KdfParams,
) -> Result<Derived, AppError> {
    let master_key = match kdf {
        KdfParams::Pbkdf2 { .. } => kdf.pbkdf2_master_key(password, email_normalized),
        KdfParams::Argon2id { .. } => {
            argon2id_master_key(
                Zeroizing::new(password.to_owned()),
                email_normalized.to_owned(),
                *kdf,
            )
            .await
        }
    }
    .map_err(|_| AppError::field(Field::Kdf, Problem::OutOfRange))?;
    Ok(Derived::from_master_key(&master_key, password))
}

/// Argon2 (and BLAKE2 beneath it) is a lazy part of its own: only Argon2id accounts fetch it, and
/// the pages that meet PBKDF2 accounts, the default, do not carry it.
#[lazy]
fn argon2id_master_key(
    password: Zeroizing<String>,
    email_normalized: String,
    kdf: KdfParams,
) -> Result<SymmetricKey, CryptoError> {
    kdf.argon2id_master_key(&password, &email_normalized)
}

/// Opens the signed-in account's keys with `password`, in this tab. A wrong password is a field
/// error on the master password; the server is not asked.
pub(crate) async fn open_own_keys(
    password: &str,
) -> Result<(ProtectedKeys, Derived, UnlockedKeys), AppError> {
    let keys = account_keys().await?;
    yield_to_paint().await;
    let derived = derive(password, &keys.email_normalized, &keys.kdf).await?;
    let unlocked = derived
        .unlock(&keys.protected_user_key, &keys.protected_private_key)
        .map_err(|_| AppError::field(Field::MasterPassword, Problem::Invalid))?;
    Ok((keys, derived, unlocked))
}

async fn sign_in(email: String, password: String) -> Result<(AccountInfo, UnlockedKeys), AppError> {
    let kdf = prelogin(email.clone()).await?;
    yield_to_paint().await;
    let derived = derive(&password, &normalize_email(&email), &kdf).await?;
    let answer = login(email, derived.auth_hash.clone()).await?;
    let keys = derived
        .unlock(
            &answer.keys.protected_user_key,
            &answer.keys.protected_private_key,
        )
        .map_err(|_| AppError::Crypto)?;
    Ok((answer.account, keys))
}

/// After login or registration: keys into memory, the account's language into the UI.
async fn enter_vault(account: &AccountInfo, keys: UnlockedKeys) {
    use_vault().unlock(keys);
    let (i18n, auth) = (use_i18n(), use_auth());
    if i18n.set(account.language).await {
        remember_lang(account.language);
    }
    auth.refresh();
}

/// Navigation that replaces the login or registration page in the history, so that Back from
/// the vault leaves for wherever the person came from instead of bouncing off that page.
fn replace_history() -> NavigateOptions {
    NavigateOptions {
        replace: true,
        ..Default::default()
    }
}

/// Where to go once signed in: the page `?next=` names if it is one of this site's (an
/// invitation link sends people through the login page), else the vault.
fn next_page() -> String {
    let next = leptos_router::hooks::use_query_map().with_untracked(|q| q.get("next"));
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n,
        _ => "/vault".to_owned(),
    }
}

/// Sends a signed-in visitor of the login or registration page on (to the vault, or `?next=`).
#[component]
fn RedirectIfSignedIn() -> impl IntoView {
    let auth = use_auth();
    let next = next_page();
    view! {
        <Transition fallback=|| ()>
            {move || {
                let next = next.clone();
                Suspend::new(async move { auth.account.await.map(|_| view! { <Redirect path=next options=replace_history() /> }) })
            }}
        </Transition>
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let pending = RwSignal::new(false);
    let errors = FormErrors::new();
    // What went wrong that is no one field's fault (wrong email or password, too many attempts,
    // no connection): said in the form, where the person is looking, as the unlock form does.
    let failure = RwSignal::new(None::<AppError>);
    let navigate = use_navigate();
    let next = StoredValue::new(next_page());

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        errors.clear();
        failure.set(None);
        let (email_v, password_v) = (email.get_untracked(), password.get_untracked());
        let checked = collect([
            (Field::Email, validate::email_problem(&email_v)),
            (
                Field::MasterPassword,
                password_v.is_empty().then_some(Problem::Required),
            ),
        ]);
        if let Err(e) = checked {
            errors.show(&e);
            return;
        }
        pending.set(true);
        let navigate = navigate.clone();
        spawn_local(async move {
            let result = sign_in(email_v, password_v).await;
            // The form stays busy until the vault is entered (its language may be on its way).
            match result {
                Ok((account, keys)) => {
                    password.set(String::new());
                    enter_vault(&account, keys).await;
                    pending.set(false);
                    navigate(&next.get_value(), replace_history());
                }
                Err(e) => {
                    pending.set(false);
                    if !errors.show(&e) {
                        failure.set(Some(e));
                        // The button was disabled while busy, which took the focus away.
                        super::browser::focus("master-password");
                    }
                }
            }
        });
    };
    let failed = move || failure.with(Option::is_some);

    view! {
        <Title text=move || format!("{} · Keyhaven", i18n.t(Key::LogIn)) />
        <RedirectIfSignedIn />
        <div class="card narrow">
            <h1>{move || i18n.t(Key::LoginTitle)}</h1>
            <p class="lead">{move || i18n.t(Key::LoginIntro)}</p>
            <form on:submit=on_submit novalidate method="post" aria-describedby=move || failed().then_some("login-error")>
                <TextField id="email" label=Key::Email value=email error=errors.message(Field::Email) input_type="email" autocomplete="username" required=true />
                <PasswordField id="master-password" label=Key::MasterPassword value=password error=errors.message(Field::MasterPassword) />
                <p id="login-error" class="notice warning" role="alert" hidden=move || !failed()>
                    {move || failure.with(|f| f.as_ref().map(|e| i18n.error(e)))}
                </p>
                <SubmitButton label=Key::LogIn pending=pending pending_label=Key::DerivingKeys />
            </form>
            <p class="switch"><A href="/hint">{move || i18n.t(Key::ForgotPassword)}</A></p>
            <p class="switch">{move || i18n.t(Key::NewHere)} " " <A href="/register">{move || i18n.t(Key::CreateAccount)}</A></p>
        </div>
    }
}

/// Mails the master password hint of an account to its own address.
#[component]
pub fn HintPage() -> impl IntoView {
    let i18n = use_i18n();
    let email = RwSignal::new(String::new());
    let pending = RwSignal::new(false);
    let sent_to = RwSignal::new(None::<String>);
    let refused = RwSignal::new(None::<String>);
    let errors = FormErrors::new();
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        errors.clear();
        refused.set(None);
        let email_v = email.get_untracked();
        if let Err(e) = collect([(Field::Email, validate::email_problem(&email_v))]) {
            errors.show(&e);
            return;
        }
        pending.set(true);
        spawn_local(async move {
            let result = password_hint(email_v.clone()).await;
            pending.set(false);
            match result {
                Ok(()) => sent_to.set(Some(email_v.trim().to_owned())),
                Err(e) if errors.show(&e) => sent_to.set(None),
                Err(e) => {
                    sent_to.set(None);
                    refused.set(Some(mail_refusal(i18n, &e)));
                }
            }
        });
    };
    view! {
        <Title text=move || format!("{} · Keyhaven", i18n.t(Key::HintTitle)) />
        <div class="card narrow">
            <h1>{move || i18n.t(Key::HintTitle)}</h1>
            <p class="lead">{move || i18n.t(Key::HintIntro)}</p>
            <form on:submit=on_submit novalidate method="post">
                <TextField id="email" label=Key::Email value=email error=errors.message(Field::Email) input_type="email" autocomplete="username" required=true />
                <SubmitButton label=Key::SendHint pending=pending pending_label=Key::SendHint />
            </form>
            <MailOutcome sent=Signal::derive(move || sent_to.get().map(|to| i18n.fmt(Key::HintSent, &[("email", &to)]))) refused=refused />
            <p class="switch"><A href="/login">{move || i18n.t(Key::BackToLogin)}</A></p>
        </div>
    }
}

/// Creates an account. Where the instance verifies addresses first, the page asks for the
/// address alone until it is opened from a live mailed link.
#[component]
pub fn RegisterPage() -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    let link = move || query.with(|q| (q.get("token"), q.get("email").unwrap_or_default()));
    let mode = Resource::new(|| (), |_| signup_mode());
    // A link is checked as the page opens, so a used one never shows a form it cannot submit.
    let live = Resource::new(link, |(token, email)| async move {
        match token {
            Some(token) => signup_link_valid(token, email).await.ok(),
            None => None,
        }
    });
    view! {
        <RedirectIfSignedIn />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let verify_first = mode.await.unwrap_or(false);
                let live = live.await;
                let (token, email) = link();
                match (verify_first, token, live) {
                    (true, Some(token), Some(true)) => {
                        view! { <RegisterForm token=Some(token) email=email verified=true /> }.into_any()
                    }
                    (true, Some(_), _) => view! { <SignupStart email=email expired=true /> }.into_any(),
                    (true, None, _) => view! { <SignupStart email=String::new() expired=false /> }.into_any(),
                    // An invitation link sends the invited address along.
                    (false, _, _) => view! { <RegisterForm token=None email=email verified=false /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The words for a refused mail request: its own for "too many mails", else the usual.
fn mail_refusal(i18n: super::state::I18n, error: &AppError) -> String {
    match error {
        AppError::Throttled { retry_after_secs } => i18n.fmt(
            Key::MailThrottled,
            &[("minutes", &retry_after_secs.div_ceil(60).max(1).to_string())],
        ),
        other => i18n.error(other),
    }
}

/// The first step where addresses are verified: the address, to mail a link to. Opened from a
/// link that can no longer be used, it says so first.
#[component]
fn SignupStart(email: String, expired: bool) -> impl IntoView {
    let i18n = use_i18n();
    let email = RwSignal::new(email);
    let pending = RwSignal::new(false);
    let sent_to = RwSignal::new(None::<String>);
    let refused = RwSignal::new(None::<String>);
    let errors = FormErrors::new();
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        errors.clear();
        refused.set(None);
        let email_v = email.get_untracked();
        if let Err(e) = collect([(Field::Email, validate::email_problem(&email_v))]) {
            errors.show(&e);
            return;
        }
        pending.set(true);
        let language = i18n.lang.get_untracked();
        spawn_local(async move {
            let result = signup_start(email_v.clone(), language).await;
            pending.set(false);
            match result {
                Ok(()) => sent_to.set(Some(email_v.trim().to_owned())),
                Err(e) if errors.show(&e) => sent_to.set(None),
                Err(e) => {
                    sent_to.set(None);
                    refused.set(Some(mail_refusal(i18n, &e)));
                }
            }
        });
    };
    view! {
        <Title text=move || format!("{} · Keyhaven", i18n.t(Key::CreateAccount)) />
        <div class="card narrow">
            <h1>{move || i18n.t(Key::CreateAccountTitle)}</h1>
            {expired.then(|| view! { <p class="notice warning" role="alert">{move || i18n.t(Key::ErrVerificationLink)}</p> })}
            <p class="lead">{move || i18n.t(Key::SignupStartIntro)}</p>
            <form on:submit=on_submit novalidate method="post">
                <TextField id="email" label=Key::Email value=email error=errors.message(Field::Email) input_type="email" autocomplete="email" required=true />
                <SubmitButton label=Key::SendLink pending=pending pending_label=Key::SendLink />
            </form>
            <MailOutcome sent=Signal::derive(move || sent_to.get().map(|to| i18n.fmt(Key::LinkSent, &[("email", &to)]))) refused=refused />
            <p class="switch">{move || i18n.t(Key::HaveAccount)} " " <A href="/login">{move || i18n.t(Key::LogIn)}</A></p>
        </div>
    }
}

/// What became of a mail request: sent (a status), or refused (an alert); never both.
#[component]
fn MailOutcome(sent: Signal<Option<String>>, refused: RwSignal<Option<String>>) -> impl IntoView {
    view! {
        <p role="status" class="notice success" hidden=move || sent.with(Option::is_none)>{move || sent.get()}</p>
        <p role="alert" class="notice warning" hidden=move || refused.with(Option::is_none)>{move || refused.get()}</p>
    }
}

#[component]
fn RegisterForm(token: Option<String>, email: String, verified: bool) -> impl IntoView {
    let i18n = use_i18n();
    let toasts = use_toasts();
    let link_error = token.is_some();
    let token = StoredValue::new(token);
    let email = RwSignal::new(email);
    let name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let hint = RwSignal::new(String::new());
    let kdf_choice = RwSignal::new("pbkdf2".to_owned());
    let acknowledged = RwSignal::new(false);
    let score = RwSignal::new(None::<u8>);
    let accept_weak = RwSignal::new(false);
    let known_words = Signal::derive(move || strength::user_inputs(&email.get(), &name.get()));
    let pending = RwSignal::new(false);
    let errors = FormErrors::new();
    let navigate = use_navigate();
    let next = StoredValue::new(next_page());

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        errors.clear();
        let (email_v, name_v, pw, hint_v) = (
            email.get_untracked(),
            name.get_untracked(),
            password.get_untracked(),
            hint.get_untracked(),
        );
        let pw_len = pw.chars().count();
        pending.set(true);
        let navigate = navigate.clone();
        spawn_local(async move {
            // Rating the password may wait for the estimator; a too-short one is refused anyway.
            let weak = if pw_len < MASTER_PASSWORD_MIN {
                None
            } else {
                let words = known_words.get_untracked();
                strength::weak_problem(&pw, &words, score, accept_weak.get_untracked()).await
            };
            let checked = collect([
                (Field::Email, validate::email_problem(&email_v)),
                (Field::Name, validate::name_problem(&name_v)),
                (
                    Field::MasterPassword,
                    (pw_len < MASTER_PASSWORD_MIN).then_some(Problem::TooShort {
                        min: MASTER_PASSWORD_MIN as u32,
                    }),
                ),
                (Field::AcceptWeakPassword, weak),
                (
                    Field::ConfirmMasterPassword,
                    (confirm.get_untracked() != pw).then_some(Problem::Mismatch),
                ),
                (
                    Field::Hint,
                    validate::hint_problem(&hint_v).or_else(|| {
                        validate::hint_reveals(&hint_v, &pw).then_some(Problem::RevealsPassword)
                    }),
                ),
                (
                    Field::Acknowledge,
                    (!acknowledged.get_untracked()).then_some(Problem::Required),
                ),
            ]);
            if let Err(e) = checked {
                pending.set(false);
                errors.show(&e);
                return;
            }
            let kdf = if kdf_choice.get_untracked() == "argon2id" {
                KdfParams::argon2id_default()
            } else {
                KdfParams::default()
            };
            let language = i18n.lang.get_untracked();
            yield_to_paint().await;
            let result = async {
                let derived = derive(&pw, &normalize_email(&email_v), &kdf).await?;
                let (material, keys) = new_account_from(&derived).map_err(|_| AppError::Crypto)?;
                let account = register(RegisterRequest {
                    email: email_v,
                    name: name_v,
                    hint: Some(hint_v).filter(|h| !h.trim().is_empty()),
                    language,
                    kdf,
                    auth_hash: material.auth_hash,
                    protected_user_key: material.protected_user_key,
                    public_key: material.public_key,
                    protected_private_key: material.protected_private_key,
                    verification: token.get_value(),
                })
                .await?;
                Ok::<_, AppError>((account, keys))
            }
            .await;
            match result {
                Ok((account, keys)) => {
                    password.set(String::new());
                    confirm.set(String::new());
                    enter_vault(&account, keys).await;
                    pending.set(false);
                    toasts.success(i18n.t(Key::AccountCreated).to_owned());
                    navigate(&next.get_value(), replace_history());
                }
                Err(e) => {
                    pending.set(false);
                    report(errors, &e);
                }
            }
        });
    };

    view! {
        <Title text=move || format!("{} · Keyhaven", i18n.t(Key::CreateAccount)) />
        <div class="card narrow">
            <h1>{move || i18n.t(Key::CreateAccountTitle)}</h1>
            {move || (link_error && errors.message(Field::VerificationLink).get().is_some()).then(|| view! {
                <p class="field-error" role="alert">
                    {move || errors.message(Field::VerificationLink).get().unwrap_or_default()}
                    " " <A href="/register">{move || i18n.t(Key::SendLink)}</A>
                </p>
            })}
            <div class="notice warning" role="note">
                <h2>{move || i18n.t(Key::NoRecoveryTitle)}</h2>
                <p>{move || i18n.t(Key::NoRecoveryText)}</p>
            </div>
            <form on:submit=on_submit novalidate method="post">
                {if verified {
                    view! { <TextField id="email" label=Key::Email value=email error=errors.message(Field::Email) input_type="email" autocomplete="username" required=true readonly=true help=Key::AddressVerified /> }.into_any()
                } else {
                    view! { <TextField id="email" label=Key::Email value=email error=errors.message(Field::Email) input_type="email" autocomplete="username" required=true /> }.into_any()
                }}
                <TextField id="name" label=Key::YourName value=name error=errors.message(Field::Name) autocomplete="name" required=true />
                <PasswordField id="master-password" label=Key::MasterPassword value=password error=errors.message(Field::MasterPassword) autocomplete="new-password" help=Key::MasterPasswordHelp />
                <StrengthMeter password=password user_inputs=known_words score=score />
                <AcceptWeakPassword score=score accepted=accept_weak errors=errors />
                <PasswordField id="confirm-master-password" label=Key::ConfirmMasterPassword value=confirm error=errors.message(Field::ConfirmMasterPassword) autocomplete="new-password" />
                <TextField id="hint" label=Key::Hint value=hint error=errors.message(Field::Hint) help=Key::HintHelp />
                // Few need another key derivation than the default: the choice waits under a
                // disclosure that a keyboard and a screen reader know (a native one).
                <details class="advanced" id="advanced">
                    <summary id="advanced-summary">{move || i18n.t(Key::Advanced)}</summary>
                    <div class="field">
                        <label for="kdf">{move || i18n.t(Key::Kdf)}</label>
                        <select id="kdf" aria-describedby="kdf-help" on:change=move |ev| kdf_choice.set(event_target_value(&ev)) prop:value=move || kdf_choice.get()>
                            <option value="pbkdf2">{move || i18n.t(Key::KdfPbkdf2)}</option>
                            <option value="argon2id">{move || i18n.t(Key::KdfArgon2)}</option>
                        </select>
                        <p class="help" id="kdf-help">{move || i18n.t(Key::KdfHelp)}</p>
                    </div>
                </details>
                <div class="field checkbox">
                    <input
                        id="acknowledge"
                        type="checkbox"
                        aria-invalid=move || if errors.message(Field::Acknowledge).get().is_some() { "true" } else { "false" }
                        aria-describedby="acknowledge-error"
                        prop:checked=move || acknowledged.get()
                        on:change=move |ev| acknowledged.set(event_target_checked(&ev))
                    />
                    <label for="acknowledge">{move || i18n.t(Key::NoRecoveryAck)}</label>
                    <p class="field-error" id="acknowledge-error" hidden=move || errors.message(Field::Acknowledge).get().is_none()>
                        {move || errors.message(Field::Acknowledge).get().unwrap_or_default()}
                    </p>
                </div>
                {move || errors.message(Field::KeyMaterial).get().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
                <SubmitButton label=Key::CreateAccount pending=pending pending_label=Key::DerivingKeys />
            </form>
            <p class="switch">{move || i18n.t(Key::HaveAccount)} " " <A href="/login">{move || i18n.t(Key::LogIn)}</A></p>
        </div>
    }
}

/// Shown in place of the vault, or of the account settings, while the vault is locked. `help`
/// says why this page needs it unlocked, where that is not plain.
#[component]
pub fn UnlockForm(account: AccountInfo, #[prop(optional)] help: Option<Key>) -> impl IntoView {
    let i18n = use_i18n();
    let vault = use_vault();
    let password = RwSignal::new(String::new());
    let pending = RwSignal::new(false);
    let errors = FormErrors::new();
    let email = account.email.clone();
    // The one thing to do here is to type the master password.
    Effect::new(|_| crate::ui::browser::focus("unlock-password"));

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        errors.clear();
        let pw = password.get_untracked();
        if pw.is_empty() {
            errors.show(&AppError::field(Field::MasterPassword, Problem::Required));
            return;
        }
        pending.set(true);
        spawn_local(async move {
            let result = open_own_keys(&pw).await.map(|(_, _, keys)| keys);
            pending.set(false);
            match result {
                Ok(keys) => {
                    password.set(String::new());
                    vault.unlock(keys);
                }
                Err(e) => report(errors, &e),
            }
        });
    };

    view! {
        <div class="card narrow">
            <h1>{move || i18n.t(Key::VaultLocked)}</h1>
            <p class="lead">{move || i18n.fmt(Key::LoggedInAs, &[("email", &email)])}</p>
            {help.map(|h| view! { <p>{move || i18n.t(h)}</p> })}
            <p>{move || i18n.t(Key::VaultLockedHelp)}</p>
            <form on:submit=on_submit novalidate method="post">
                <AccountUsername email=account.email.clone() />
                <PasswordField id="unlock-password" label=Key::MasterPassword value=password error=errors.message(Field::MasterPassword) />
                <SubmitButton label=Key::Unlock pending=pending pending_label=Key::DerivingKeys />
            </form>
        </div>
    }
}
