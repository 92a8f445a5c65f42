//! Account settings: profile, lock timeout, master password change. The language is chosen in
//! the header's Preferences menu, the one place for it.

use super::auth::{derive, open_own_keys, UnlockForm};
use super::browser::{lock_minutes, set_lock_minutes};
use super::components::{
    report, AccountUsername, FormErrors, PasswordField, StrengthMeter, SubmitButton, TextField,
};
use super::state::{use_auth, use_i18n, use_toasts, use_vault};
use super::strength::{self, AcceptWeakPassword};
use super::vault::RequireAccount;
use crate::api::auth::{change_master_password, sign_out_everywhere, update_profile};
use crate::domain::validate::{self, collect, MASTER_PASSWORD_MIN};
use crate::domain::{AccountInfo, AppError, Field, Problem};
use crate::i18n::Key;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;

#[component]
pub fn SettingsPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=move || format!("{} · Keyhaven", i18n.t(Key::AccountSettings)) />
        <RequireAccount page=|account: AccountInfo| view! { <SettingsBody account /> } />
    }
}

/// The settings change the account behind the vault, so they are for whoever holds its keys: a
/// tab left signed in but locked asks for the master password first, with the vault's own form.
#[component]
fn SettingsBody(account: AccountInfo) -> impl IntoView {
    let vault = use_vault();
    // Only locking and unlocking redraw the page, so a half-filled form survives anything else.
    let unlocked = Memo::new(move |_| vault.is_unlocked());
    move || {
        if unlocked.get() {
            view! {
                <h1>{move || use_i18n().t(Key::AccountSettings)}</h1>
                <ProfileForm account=account.clone() />
                <LockTimeoutSetting />
                <ChangePasswordForm account=account.clone() />
                <FingerprintSection account=account.clone() />
                <super::memberships::OrganizationsSection />
                <SessionsSection />
            }
            .into_any()
        } else {
            view! { <UnlockForm account=account.clone() help=Key::SettingsLockedHelp /> }.into_any()
        }
    }
}

/// The account's fingerprint phrase: what an organization's admin compares, out of band, before
/// sealing the organization key to this account's public key.
#[component]
fn FingerprintSection(account: AccountInfo) -> impl IntoView {
    let i18n = use_i18n();
    let vault = use_vault();
    let user = account.id.clone();
    let phrase = LocalResource::new(move || {
        let user = user.clone();
        let public = vault
            .keys()
            .map(|k| crate::crypto::b64(k.private_key.public_key().as_bytes()));
        async move {
            let words = super::browser::fetch_text("/pkg/eff_large_wordlist.txt").await?;
            crate::crypto::fingerprint::fingerprint_phrase(&words, &public?, user.as_str()).ok()
        }
    });
    view! {
        <section class="card" aria-labelledby="fingerprint-heading">
            <h2 id="fingerprint-heading">{move || i18n.t(Key::FingerprintPhrase)}</h2>
            <p class="help">{move || i18n.t(Key::FingerprintPhraseHelp)}</p>
            <p><code class="fingerprint" id="my-fingerprint">{move || phrase.get().flatten().unwrap_or_default()}</code></p>
        </section>
    }
}

/// Ends every session of the account, on every device, this one included.
#[component]
fn SessionsSection() -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let toasts = use_toasts();
    let vault = super::state::use_vault();
    let navigate = leptos_router::hooks::use_navigate();
    let confirming = RwSignal::new(false);
    let pending = RwSignal::new(false);
    let opener = NodeRef::<leptos::html::Button>::new();
    let confirm = NodeRef::<leptos::html::Button>::new();
    // Focus follows the choice: to the confirmation when it opens, back to its button after.
    let ask = move |yes: bool| {
        confirming.set(yes);
        let target = if yes { confirm } else { opener };
        request_animation_frame(move || {
            if let Some(button) = target.get_untracked() {
                let _ = button.focus();
            }
        });
    };
    let sign_out = move |_| {
        let navigate = navigate.clone();
        pending.set(true);
        spawn_local(async move {
            let result = sign_out_everywhere().await;
            pending.set(false);
            match result {
                Ok(()) => {
                    super::browser::tell_other_tabs(super::browser::TabNews::LoggedOut);
                    vault.lock();
                    auth.refresh();
                    toasts.success(i18n.t(Key::SignedOutEverywhere).to_owned());
                    navigate("/login", Default::default());
                }
                Err(e) => super::components::toast_error(&e),
            }
        });
    };
    view! {
        <section class="card" aria-labelledby="sessions-heading">
            <h2 id="sessions-heading">{move || i18n.t(Key::Sessions)}</h2>
            <p class="help">{move || i18n.t(Key::SignOutEverywhereHelp)}</p>
            <button type="button" node_ref=opener hidden=move || confirming.get() on:click=move |_| ask(true)>{move || i18n.t(Key::SignOutEverywhere)}</button>
            <div
                class="confirm"
                role="group"
                aria-label=move || i18n.t(Key::SignOutEverywhere)
                hidden=move || !confirming.get()
                on:keydown=move |ev| if ev.key() == "Escape" { ask(false) }
            >
                <p>{move || i18n.t(Key::ConfirmSignOutEverywhere)}</p>
                <button type="button" class="danger" node_ref=confirm disabled=move || pending.get() on:click=sign_out.clone()>{move || i18n.t(Key::SignOutEverywhere)}</button>
                <button type="button" on:click=move |_| ask(false)>{move || i18n.t(Key::Cancel)}</button>
            </div>
        </section>
    }
}

#[component]
fn ProfileForm(account: AccountInfo) -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let toasts = use_toasts();
    let name = RwSignal::new(account.name.clone());
    let pending = RwSignal::new(false);
    let errors = FormErrors::new();

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        errors.clear();
        if let Err(e) = collect([(Field::Name, validate::name_problem(&name.get_untracked()))]) {
            errors.show(&e);
            return;
        }
        pending.set(true);
        // The language in use, as the header's menu last set it (and saved it for the account).
        let language = i18n.lang.get_untracked();
        spawn_local(async move {
            let result = update_profile(name.get_untracked(), language).await;
            pending.set(false);
            match result {
                Ok(_) => {
                    auth.refresh();
                    toasts.success(i18n.t(Key::Saved).to_owned());
                }
                Err(e) => report(errors, &e),
            }
        });
    };

    view! {
        <section class="card" aria-labelledby="profile-heading">
            <h2 id="profile-heading">{move || i18n.t(Key::Profile)}</h2>
            <form on:submit=on_submit novalidate method="post">
                <TextField id="profile-name" label=Key::YourName value=name error=errors.message(Field::Name) autocomplete="name" required=true />
                <SubmitButton label=Key::Save pending=pending />
            </form>
        </section>
    }
}

#[component]
fn LockTimeoutSetting() -> impl IntoView {
    let i18n = use_i18n();
    let minutes = RwSignal::new(super::browser::DEFAULT_LOCK_MINUTES);
    // Local storage exists only in the browser: read it after hydration.
    Effect::new(move |_| minutes.set(lock_minutes()));
    let label = move |m: u32| match m {
        0 => i18n.t(Key::OnReloadOnly).to_owned(),
        1 => i18n.t(Key::OneMinute).to_owned(),
        60 => i18n.t(Key::OneHour).to_owned(),
        n => i18n.fmt(Key::NMinutes, &[("n", &n.to_string())]),
    };
    view! {
        <section class="card" aria-labelledby="security-heading">
            <h2 id="security-heading">{move || i18n.t(Key::Security)}</h2>
            <div class="field">
                <label for="lock-timeout">{move || i18n.t(Key::LockTimeout)}</label>
                <select
                    id="lock-timeout"
                    aria-describedby="lock-timeout-help"
                    prop:value=move || minutes.get().to_string()
                    on:change=move |ev| {
                        let m = event_target_value(&ev).parse().unwrap_or(super::browser::DEFAULT_LOCK_MINUTES);
                        minutes.set(m);
                        set_lock_minutes(m);
                    }
                >
                    {[1u32, 5, 15, 30, 60, 0].into_iter().map(|m| view! { <option value=m.to_string()>{move || label(m)}</option> }).collect_view()}
                </select>
                <p class="help" id="lock-timeout-help">{move || i18n.t(Key::LockTimeoutHelp)}</p>
            </div>
        </section>
    }
}

/// The problem with a new master password that the browser can see by itself: too short, or the
/// current one again (which would change nothing, yet log every other session out).
fn new_password_problem(current: &str, new: &str) -> Option<Problem> {
    if new.chars().count() < MASTER_PASSWORD_MIN {
        Some(Problem::TooShort {
            min: MASTER_PASSWORD_MIN as u32,
        })
    } else if new == current {
        Some(Problem::Unchanged)
    } else {
        None
    }
}

#[component]
fn ChangePasswordForm(account: AccountInfo) -> impl IntoView {
    let i18n = use_i18n();
    let toasts = use_toasts();
    let current = RwSignal::new(String::new());
    let new_pw = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let score = RwSignal::new(None::<u8>);
    let accept_weak = RwSignal::new(false);
    let known_words = Signal::stored(strength::user_inputs(&account.email, &account.name));
    let pending = RwSignal::new(false);
    let errors = FormErrors::new();

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        errors.clear();
        let (cur, new) = (current.get_untracked(), new_pw.get_untracked());
        pending.set(true);
        spawn_local(async move {
            let new_problem = new_password_problem(&cur, &new);
            // Rating the password may wait for the estimator; one refused already is not rated.
            let weak = match new_problem {
                Some(_) => None,
                None => {
                    let words = known_words.get_untracked();
                    strength::weak_problem(&new, &words, score, accept_weak.get_untracked()).await
                }
            };
            let checked = collect([
                (
                    Field::MasterPassword,
                    cur.is_empty().then_some(Problem::Required),
                ),
                (Field::NewMasterPassword, new_problem),
                (Field::AcceptWeakPassword, weak),
                (
                    Field::ConfirmMasterPassword,
                    (confirm.get_untracked() != new).then_some(Problem::Mismatch),
                ),
            ]);
            if let Err(e) = checked {
                pending.set(false);
                errors.show(&e);
                return;
            }
            let result = async {
                // Opening the keys checks the current password here, before the server is asked.
                let (keys, old, unlocked) = open_own_keys(&cur).await?;
                let fresh = derive(&new, &keys.email_normalized, &keys.kdf).await?;
                let wrapped = fresh
                    .wrap_user_key(&unlocked.user_key)
                    .map_err(|_| AppError::Crypto)?;
                change_master_password(old.auth_hash.clone(), fresh.auth_hash.clone(), wrapped)
                    .await
            }
            .await;
            pending.set(false);
            match result {
                Ok(()) => {
                    current.set(String::new());
                    new_pw.set(String::new());
                    confirm.set(String::new());
                    accept_weak.set(false);
                    toasts.success(i18n.t(Key::PasswordChanged).to_owned());
                }
                Err(e) => report(errors, &e),
            }
        });
    };

    view! {
        <section class="card" aria-labelledby="change-password-heading">
            <h2 id="change-password-heading">{move || i18n.t(Key::ChangeMasterPassword)}</h2>
            <p class="help">{move || i18n.t(Key::ChangeMasterPasswordHelp)}</p>
            <form on:submit=on_submit novalidate method="post">
                <AccountUsername email=account.email.clone() />
                <PasswordField id="current-password" label=Key::CurrentMasterPassword value=current error=errors.message(Field::MasterPassword) />
                <PasswordField id="new-password" label=Key::NewMasterPassword value=new_pw error=errors.message(Field::NewMasterPassword) autocomplete="new-password" help=Key::MasterPasswordHelp />
                <StrengthMeter password=new_pw user_inputs=known_words score=score />
                <AcceptWeakPassword score=score accepted=accept_weak errors=errors />
                <PasswordField id="confirm-new-password" label=Key::ConfirmNewMasterPassword value=confirm error=errors.message(Field::ConfirmMasterPassword) autocomplete="new-password" />
                <SubmitButton label=Key::ChangeMasterPassword pending=pending pending_label=Key::DerivingKeys />
            </form>
        </section>
    }
}
