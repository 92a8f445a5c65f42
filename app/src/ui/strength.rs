//! How guessable a master password is, by zxcvbn-ts (its list of common passwords and its English,
//! French and Dutch words). With its word lists it is over a megabyte, far too much for every page:
//! `scripts/build-site.sh` bundles it (`frontend/strength/entry.mjs`) into `/pkg/strength.js`,
//! which the browser imports the first time someone types into a field with a meter. The server
//! never rates a password: it renders meters empty.

use super::components::FormErrors;
use super::state::use_i18n;
use crate::domain::{Field, Problem};
use crate::i18n::Key;
use leptos::prelude::*;

/// zxcvbn's scale runs from 0 (too guessable) to 4 (very unguessable); from this score on a master
/// password is taken without a second thought.
pub const FAIR: u8 = 2;

/// How long typing must pause before a password is rated: a check takes tens of milliseconds,
/// too long to run on every keystroke.
const PAUSE_MS: u32 = 150;

/// The word for a score.
pub fn label(score: u8) -> Key {
    match score {
        0 => Key::StrengthVeryWeak,
        1 => Key::StrengthWeak,
        2 => Key::StrengthFair,
        3 => Key::StrengthGood,
        _ => Key::StrengthStrong,
    }
}

/// True for a rating below fair. No rating (nothing typed, or no estimator) is not weak: a
/// person is never held up because a script could not be fetched.
pub fn is_weak(score: Option<u8>) -> bool {
    score.is_some_and(|s| s < FAIR)
}

/// Words a person is known by, which make a password weaker when it contains them: the email
/// address and its parts, the name and its words, and the product's own name.
pub fn user_inputs(email: &str, name: &str) -> Vec<String> {
    let email = email.trim().to_lowercase();
    let local = email.split('@').next().unwrap_or_default().to_owned();
    let name = name.trim().to_lowercase();
    let words = |text: &str| {
        text.split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.chars().count() > 1)
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    let mut inputs = vec![email.clone(), local, name.clone(), "keyhaven".to_owned()];
    inputs.extend(words(&email));
    inputs.extend(words(&name));
    inputs.retain(|w| !w.is_empty());
    inputs.sort_unstable();
    inputs.dedup();
    inputs
}

/// The score of `password` (0..=4), or `None` where there is none to be had: on the server, for
/// an empty password, or when the estimator could not be fetched.
pub async fn score(password: &str, user_inputs: &[String]) -> Option<u8> {
    if password.is_empty() {
        return None;
    }
    imp::score(password, user_inputs).await
}

/// Keeps `score` the rating of `password`: nothing while it is empty or while the estimator is on
/// its way (never a rating of something else), then the score of what was typed once typing pauses.
/// Runs in the browser only (an effect), so the page the server renders says nothing.
pub fn rate_as_typed(
    password: RwSignal<String>,
    user_inputs: Signal<Vec<String>>,
    score: RwSignal<Option<u8>>,
) {
    // Only the newest request may set the score: an older one finishing late would be wrong.
    let latest = StoredValue::new(0u64);
    Effect::new(move |_| {
        let typed = password.get();
        let inputs = user_inputs.get();
        latest.update_value(|n| *n += 1);
        let mine = latest.get_value();
        if typed.is_empty() {
            score.set(None);
            return;
        }
        // The form may be gone (saved, closed) by the time the estimator answers: `try_` reads
        // and writes do nothing then, where plain ones would stop the app.
        leptos::task::spawn_local(async move {
            imp::pause(PAUSE_MS).await;
            if latest.try_get_value() != Some(mine) {
                return;
            }
            let rated = self::score(&typed, &inputs).await;
            if latest.try_get_value() == Some(mine) {
                score.try_set(rated);
            }
        });
    });
}

/// For a submitted master password: rates it (the meter has usually fetched the estimator by
/// then), shows the rating, and names the problem when it is weak and not accepted as it is.
pub async fn weak_problem(
    password: &str,
    user_inputs: &[String],
    score: RwSignal<Option<u8>>,
    accepted: bool,
) -> Option<Problem> {
    let rated = self::score(password, user_inputs).await;
    score.try_set(rated);
    (is_weak(rated) && !accepted).then_some(Problem::Required)
}

/// "Use it anyway" for a master password rated weak: there only while it is, with the reason.
#[component]
pub fn AcceptWeakPassword(
    score: RwSignal<Option<u8>>,
    accepted: RwSignal<bool>,
    errors: FormErrors,
) -> impl IntoView {
    let i18n = use_i18n();
    let refused = errors.message(Field::AcceptWeakPassword);
    let invalid = move || refused.with(Option::is_some);
    // A password no longer weak takes its refusal along (it would be back with the next weak one).
    Effect::new(move |_| {
        if !is_weak(score.get()) {
            errors.edited(Field::AcceptWeakPassword);
        }
    });
    view! {
        <Show when=move || is_weak(score.get())>
            <p class="notice warning" id="accept-weak-password-help">{move || i18n.t(Key::WeakPasswordWarning)}</p>
            <div class="field checkbox">
                <input
                    id="accept-weak-password"
                    type="checkbox"
                    aria-invalid=move || if invalid() { "true" } else { "false" }
                    aria-describedby=move || if invalid() { "accept-weak-password-help accept-weak-password-error" } else { "accept-weak-password-help" }
                    prop:checked=move || accepted.get()
                    on:change=move |ev| {
                        accepted.set(event_target_checked(&ev));
                        errors.edited(Field::AcceptWeakPassword);
                    }
                />
                <label for="accept-weak-password">{move || i18n.t(Key::UseWeakPassword)}</label>
                <p class="field-error" id="accept-weak-password-error" hidden=move || !invalid()>
                    {move || invalid().then(|| i18n.t(Key::ErrWeakPassword))}
                </p>
            </div>
        </Show>
    }
}

#[cfg(feature = "hydrate")]
mod imp {
    use std::cell::RefCell;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen_futures::JsFuture;

    // A dynamic import, which Rust cannot write: the module is fetched on the first call only.
    #[wasm_bindgen(
        inline_js = "export function import_strength() { return import('/pkg/strength.js'); }"
    )]
    extern "C" {
        fn import_strength() -> js_sys::Promise;
    }

    thread_local! {
        /// The import, started once and shared by every meter; forgotten if it failed, so that a
        /// later keystroke tries again.
        static MODULE: RefCell<Option<js_sys::Promise>> = const { RefCell::new(None) };
    }

    async fn module() -> Option<JsValue> {
        let import = MODULE.with_borrow_mut(|m| m.get_or_insert_with(import_strength).clone());
        match JsFuture::from(import).await {
            Ok(module) => Some(module),
            Err(_) => {
                MODULE.with_borrow_mut(|m| *m = None);
                None
            }
        }
    }

    pub async fn score(password: &str, user_inputs: &[String]) -> Option<u8> {
        let module = module().await?;
        let score: js_sys::Function = js_sys::Reflect::get(&module, &"score".into())
            .ok()?
            .dyn_into()
            .ok()?;
        let inputs: js_sys::Array = user_inputs.iter().map(|w| JsValue::from_str(w)).collect();
        let answer = score
            .call2(&JsValue::NULL, &password.into(), &inputs)
            .ok()?
            .as_f64()?;
        (0..=4).find(|&s| (f64::from(s) - answer).abs() < 0.5)
    }

    pub async fn pause(ms: u32) {
        gloo_timers::future::TimeoutFuture::new(ms).await;
    }
}

#[cfg(not(feature = "hydrate"))]
mod imp {
    pub async fn score(_: &str, _: &[String]) -> Option<u8> {
        None
    }

    pub async fn pause(_: u32) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_person_s_own_words_count_as_guessable() {
        let inputs = user_inputs(" Ann.Lee@Example.org ", "Ann van Dijk");
        for word in [
            "ann.lee@example.org",
            "ann.lee",
            "ann",
            "lee",
            "example",
            "org",
            "ann van dijk",
            "van",
            "dijk",
            "keyhaven",
        ] {
            assert!(inputs.contains(&word.to_owned()), "{word} in {inputs:?}");
        }
        assert_eq!(user_inputs("", ""), vec!["keyhaven".to_owned()]);
    }

    #[test]
    fn only_a_rating_below_fair_is_weak() {
        assert!(is_weak(Some(0)) && is_weak(Some(1)));
        assert!(!is_weak(Some(FAIR)) && !is_weak(Some(4)));
        assert!(!is_weak(None), "no rating holds nobody up");
        assert_eq!(label(1), Key::StrengthWeak);
        assert_eq!(label(9), Key::StrengthStrong);
    }
}
