//! The password and passphrase generator, standalone in the vault's pane and inside the item
//! form. The passphrase word list is fetched from the site only when it is first needed, so it
//! does not weigh on the WASM.

use crate::domain::generator::{
    parse_word_list, passphrase, password, PassphraseOptions, PasswordOptions, LENGTH_MAX,
    LENGTH_MIN, WORDS_MAX, WORDS_MIN,
};
use crate::i18n::Key;
use crate::ui::browser::{copy_to_clipboard, fetch_text};
use crate::ui::state::{use_i18n, use_toasts};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::sync::Arc;

const WORD_LIST: &str = "/pkg/eff_large_wordlist.txt";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Password,
    Passphrase,
}

#[component]
pub fn GeneratorPane() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section aria-labelledby="generator-heading">
            <h2 id="generator-heading">{move || i18n.t(Key::Generator)}</h2>
            <Generator />
        </section>
    }
}

#[component]
pub fn Generator(#[prop(optional)] on_use: Option<Callback<String>>) -> impl IntoView {
    let i18n = use_i18n();
    let toasts = use_toasts();
    let mode = RwSignal::new(Mode::Password);
    let defaults = PasswordOptions::default();
    let length = RwSignal::new(defaults.length);
    let upper = RwSignal::new(defaults.upper);
    let lower = RwSignal::new(defaults.lower);
    let digits = RwSignal::new(defaults.digits);
    let symbols = RwSignal::new(defaults.symbols);
    let avoid = RwSignal::new(defaults.avoid_ambiguous);
    let phrase = PassphraseOptions::default();
    let words = RwSignal::new(phrase.words);
    let separator = RwSignal::new(phrase.separator);
    let capitalize = RwSignal::new(phrase.capitalize);
    let number = RwSignal::new(phrase.include_number);
    let list: RwSignal<Option<Arc<String>>> = RwSignal::new(None);
    let result = RwSignal::new(String::new());
    let nonce = RwSignal::new(0u32);

    Effect::new(move |_| {
        nonce.track();
        let generated = match mode.get() {
            Mode::Password => password(&PasswordOptions {
                length: length.get(),
                upper: upper.get(),
                lower: lower.get(),
                digits: digits.get(),
                symbols: symbols.get(),
                avoid_ambiguous: avoid.get(),
            }),
            Mode::Passphrase => {
                let Some(text) = list.get() else {
                    spawn_local(async move {
                        match fetch_text(WORD_LIST).await {
                            Some(text) => list.set(Some(Arc::new(text))),
                            None => toasts.error(i18n.t(Key::ErrTransport).to_owned()),
                        }
                    });
                    return;
                };
                passphrase(
                    &PassphraseOptions {
                        words: words.get(),
                        separator: separator.get(),
                        capitalize: capitalize.get(),
                        include_number: number.get(),
                    },
                    &parse_word_list(&text),
                )
            }
        };
        match generated {
            Ok(value) => result.set(value),
            Err(_) => toasts.error(i18n.t(Key::ErrCrypto).to_owned()),
        }
    });

    let check = move |id: &'static str, label: Key, value: RwSignal<bool>| {
        view! {
            <div class="field checkbox">
                <input id=id type="checkbox" prop:checked=move || value.get() on:change=move |ev| value.set(event_target_checked(&ev)) />
                <label for=id>{move || i18n.t(label)}</label>
            </div>
        }
    };
    let number_input =
        move |id: &'static str, label: Key, value: RwSignal<u32>, min: u32, max: u32| {
            view! {
                <div class="field">
                    <label for=id>{move || i18n.t(label)}</label>
                    <input
                        id=id
                        type="number"
                        min=min
                        max=max
                        prop:value=move || value.get().to_string()
                        on:change=move |ev| {
                            if let Ok(n) = event_target_value(&ev).trim().parse::<u32>() {
                                value.set(n.clamp(min, max));
                            }
                        }
                    />
                </div>
            }
        };
    view! {
        <div class="generator">
            <div class="field">
                <label for="generated">{move || i18n.t(Key::GeneratedValue)}</label>
                <output id="generated" class="generated" aria-live="polite">{move || result.get()}</output>
            </div>
            <div class="actions">
                <button type="button" on:click=move |_| nonce.update(|n| *n += 1)>{move || i18n.t(Key::Regenerate)}</button>
                <button type="button" on:click=move |_| {
                    copy_to_clipboard(&result.get_untracked());
                    toasts.success(i18n.t(Key::Copied).to_owned());
                }>{move || i18n.t(Key::CopyGenerated)}</button>
                {on_use.map(|cb| view! {
                    <button type="button" class="primary" on:click=move |_| cb.run(result.get_untracked())>{move || i18n.t(Key::UseGenerated)}</button>
                })}
            </div>
            <fieldset>
                <legend>{move || i18n.t(Key::GeneratorKind)}</legend>
                <div class="field checkbox">
                    <input id="gen-mode-password" type="radio" name="gen-mode" prop:checked=move || mode.get() == Mode::Password on:change=move |_| mode.set(Mode::Password) />
                    <label for="gen-mode-password">{move || i18n.t(Key::Password)}</label>
                </div>
                <div class="field checkbox">
                    <input id="gen-mode-passphrase" type="radio" name="gen-mode" prop:checked=move || mode.get() == Mode::Passphrase on:change=move |_| mode.set(Mode::Passphrase) />
                    <label for="gen-mode-passphrase">{move || i18n.t(Key::Passphrase)}</label>
                </div>
            </fieldset>
            {move || match mode.get() {
                Mode::Password => view! {
                    {number_input("gen-length", Key::GenLength, length, LENGTH_MIN, LENGTH_MAX)}
                    {check("gen-upper", Key::GenUpper, upper)}
                    {check("gen-lower", Key::GenLower, lower)}
                    {check("gen-digits", Key::GenDigits, digits)}
                    {check("gen-symbols", Key::GenSymbols, symbols)}
                    {check("gen-avoid", Key::GenAvoidAmbiguous, avoid)}
                }.into_any(),
                Mode::Passphrase => view! {
                    {number_input("gen-words", Key::GenWords, words, WORDS_MIN, WORDS_MAX)}
                    <div class="field">
                        <label for="gen-separator">{move || i18n.t(Key::GenSeparator)}</label>
                        <input id="gen-separator" maxlength="3" prop:value=move || separator.get() on:input=move |ev| separator.set(event_target_value(&ev)) />
                    </div>
                    {check("gen-capitalize", Key::GenCapitalize, capitalize)}
                    {check("gen-number", Key::GenIncludeNumber, number)}
                }.into_any(),
            }}
        </div>
    }
}
