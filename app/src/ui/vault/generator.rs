//! The password and passphrase generator, standalone in the vault's pane and inside the item
//! form. The passphrase word list is fetched from the site only when it is first needed, so it
//! does not weigh on the WASM.

use crate::domain::generator::{
    parse_word_list, passphrase, password, GenerateError, GeneratorSettings, Mode,
    PassphraseOptions, PasswordOptions, LENGTH_MAX, LENGTH_MIN, SEPARATOR_MAX, WORDS_MAX,
    WORDS_MIN,
};
use crate::i18n::Key;
use crate::ui::browser::{copy_to_clipboard, fetch_text, load_setting, save_setting};
use crate::ui::state::{use_i18n, use_toasts};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::sync::Arc;

const WORD_LIST: &str = "/pkg/eff_large_wordlist.txt";

/// Where this browser keeps the generator's settings (JSON of [`GeneratorSettings`]). The
/// version is in the name: a later shape gets a new key rather than misreading this one.
const SETTINGS_KEY: &str = "keyhaven.generator.v1";

#[component]
pub fn GeneratorPane() -> impl IntoView {
    let i18n = use_i18n();
    let ui = use_context::<super::list::VaultUi>();
    // A tool holds nothing to lose: Close and Escape put it away.
    let close = move || {
        if let Some(ui) = ui {
            ui.open(super::list::Pane::Nothing);
            request_animation_frame(|| crate::ui::browser::focus("tools-menu"));
        }
    };
    view! {
        <section
            aria-labelledby="generator-heading"
            on:keydown=move |ev| {
                if ev.key() == "Escape" {
                    ev.prevent_default();
                    close();
                }
            }
        >
            <h2 id="generator-heading">{move || i18n.t(Key::Generator)}</h2>
            <Generator />
            <div class="actions">
                <button type="button" on:click=move |_| close()>{move || i18n.t(Key::CloseTool)}</button>
            </div>
        </section>
    }
}

/// The settings this browser kept from last time (the defaults the first time).
fn remembered() -> GeneratorSettings {
    load_setting(SETTINGS_KEY)
        .map(|text| GeneratorSettings::from_json(&text))
        .unwrap_or_default()
}

#[component]
pub fn Generator(#[prop(optional)] on_use: Option<Callback<String>>) -> impl IntoView {
    let i18n = use_i18n();
    let toasts = use_toasts();
    let saved = remembered();
    let mode = RwSignal::new(saved.mode);
    let length = RwSignal::new(saved.password.length);
    let upper = RwSignal::new(saved.password.upper);
    let lower = RwSignal::new(saved.password.lower);
    let digits = RwSignal::new(saved.password.digits);
    let symbols = RwSignal::new(saved.password.symbols);
    let avoid = RwSignal::new(saved.password.avoid_ambiguous);
    let words = RwSignal::new(saved.passphrase.words);
    let separator = RwSignal::new(saved.passphrase.separator);
    let capitalize = RwSignal::new(saved.passphrase.capitalize);
    let number = RwSignal::new(saved.passphrase.include_number);
    let list: RwSignal<Option<Arc<String>>> = RwSignal::new(None);
    // One download at a time, however often the settings change while it runs.
    let fetching = StoredValue::new(false);
    let result = RwSignal::new(String::new());
    // Why nothing was generated, said in the generator itself (the settings allow nothing).
    let refusal = RwSignal::new(None::<Key>);
    let nonce = RwSignal::new(0u32);

    let settings = Memo::new(move |_| GeneratorSettings {
        mode: mode.get(),
        password: PasswordOptions {
            length: length.get(),
            upper: upper.get(),
            lower: lower.get(),
            digits: digits.get(),
            symbols: symbols.get(),
            avoid_ambiguous: avoid.get(),
        },
        passphrase: PassphraseOptions {
            words: words.get(),
            separator: separator.get(),
            capitalize: capitalize.get(),
            include_number: number.get(),
        },
    });
    // Kept for next time, in the pane and in the item form alike.
    Effect::new(move |_| save_setting(SETTINGS_KEY, &settings.with(GeneratorSettings::to_json)));

    Effect::new(move |_| {
        nonce.track();
        let settings = settings.get();
        let generated = match settings.mode {
            Mode::Password => password(&settings.password),
            Mode::Passphrase => {
                let Some(text) = list.get() else {
                    // Nothing is offered until the words are here: the password shown before
                    // would not be what the settings now ask for.
                    result.set(String::new());
                    refusal.set(None);
                    if !fetching.get_value() {
                        fetching.set_value(true);
                        spawn_local(async move {
                            let text = fetch_text(WORD_LIST).await;
                            fetching.try_set_value(false);
                            match text {
                                Some(text) => {
                                    list.try_set(Some(Arc::new(text)));
                                }
                                None => toasts.error(i18n.t(Key::ErrTransport).to_owned()),
                            }
                        });
                    }
                    return;
                };
                passphrase(&settings.passphrase, &parse_word_list(&text))
            }
        };
        result.set(generated.clone().unwrap_or_default());
        refusal.set(
            (generated == Err(GenerateError::NoCharacterSet)).then_some(Key::GenNoCharacterSet),
        );
        match generated {
            Err(GenerateError::NoWords) => toasts.error(i18n.t(Key::ErrTransport).to_owned()),
            Err(GenerateError::Random) => toasts.error(i18n.t(Key::ErrCrypto).to_owned()),
            Ok(_) | Err(GenerateError::NoCharacterSet) => {}
        }
    });
    let nothing = move || result.with(String::is_empty);

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
            // The alert region is always there, so that the sentence is announced when it appears.
            <div role="alert">
                {move || refusal.get().map(|key| view! { <p id="generator-error" class="field-error">{i18n.t(key)}</p> })}
            </div>
            <div class="actions">
                <button type="button" on:click=move |_| nonce.update(|n| *n += 1)>{move || i18n.t(Key::Regenerate)}</button>
                <button type="button" disabled=nothing on:click=move |_| {
                    let value = result.get_untracked();
                    if value.is_empty() {
                        return;
                    }
                    copy_to_clipboard(&value);
                    toasts.success(i18n.t(Key::Copied).to_owned());
                }>{move || i18n.t(Key::CopyGenerated)}</button>
                {on_use.map(|cb| view! {
                    <button type="button" class="primary" disabled=nothing on:click=move |_| {
                        let value = result.get_untracked();
                        if !value.is_empty() {
                            cb.run(value);
                        }
                    }>{move || i18n.t(Key::UseGenerated)}</button>
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
                        <input id="gen-separator" maxlength=SEPARATOR_MAX prop:value=move || separator.get() on:input=move |ev| {
                            separator.set(event_target_value(&ev).chars().take(SEPARATOR_MAX).collect());
                        } />
                    </div>
                    {check("gen-capitalize", Key::GenCapitalize, capitalize)}
                    {check("gen-number", Key::GenIncludeNumber, number)}
                }.into_any(),
            }}
        </div>
    }
}
