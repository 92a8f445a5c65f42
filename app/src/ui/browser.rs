//! The few things the UI asks of the browser directly (cookies, local storage, the `<html>`
//! element). On the server they do nothing, so components can call them unconditionally.

use crate::domain::{Lang, Theme};

pub const LANG_COOKIE: &str = "kh_lang";
pub const THEME_COOKIE: &str = "kh_theme";
pub const DEFAULT_LOCK_MINUTES: u32 = 15;

/// Language and theme as the page was served; the browser reads them back from `<html>` so the
/// first client render matches the server's.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Prefs {
    pub lang: Lang,
    pub theme: Theme,
}

#[cfg(feature = "hydrate")]
mod imp {
    use super::*;
    use gloo_storage::{LocalStorage, Storage};
    use wasm_bindgen::JsCast;

    const LOCK_MINUTES_KEY: &str = "keyhaven.lockMinutes";

    fn html() -> Option<web_sys::Element> {
        web_sys::window()?.document()?.document_element()
    }

    pub fn served_prefs() -> Prefs {
        let Some(root) = html() else {
            return Prefs::default();
        };
        let lang = root
            .get_attribute("lang")
            .and_then(|l| Lang::from_code(&l))
            .unwrap_or_default();
        let theme = Theme::from_code(&root.get_attribute("data-theme").unwrap_or_default());
        Prefs { lang, theme }
    }

    fn set_cookie(name: &str, value: &str) {
        let doc = web_sys::window().and_then(|w| w.document());
        if let Some(doc) = doc.and_then(|d| d.dyn_into::<web_sys::HtmlDocument>().ok()) {
            let _ = doc.set_cookie(&format!(
                "{name}={value}; path=/; max-age=31536000; samesite=lax"
            ));
        }
    }

    pub fn remember_lang(lang: Lang) {
        if let Some(root) = html() {
            let _ = root.set_attribute("lang", lang.code());
        }
        set_cookie(LANG_COOKIE, lang.code());
        let _ = LocalStorage::set("keyhaven.lang", lang.code());
    }

    pub fn remember_theme(theme: Theme) {
        if let Some(root) = html() {
            let _ = root.set_attribute("data-theme", theme.code());
        }
        set_cookie(THEME_COOKIE, theme.code());
        let _ = LocalStorage::set("keyhaven.theme", theme.code());
    }

    const LOGGED_OUT_KEY: &str = "keyhaven.loggedOut";

    /// Tells this browser's other tabs that the account logged out (they hear it as a `storage`
    /// event; the writing tab does not).
    pub fn announce_logout() {
        let _ = LocalStorage::set(LOGGED_OUT_KEY, now_ms());
    }

    /// True for the `storage` event that `announce_logout` causes in another tab.
    pub fn is_logout_announcement(ev: &web_sys::StorageEvent) -> bool {
        ev.key().as_deref() == Some(LOGGED_OUT_KEY)
    }

    pub fn lock_minutes() -> u32 {
        LocalStorage::get(LOCK_MINUTES_KEY).unwrap_or(DEFAULT_LOCK_MINUTES)
    }

    pub fn set_lock_minutes(minutes: u32) {
        let _ = LocalStorage::set(LOCK_MINUTES_KEY, minutes);
    }

    pub fn now_ms() -> f64 {
        js_sys::Date::now()
    }

    thread_local! {
        /// Counts copies, so that only the latest one's timer clears the clipboard.
        static COPIES: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
    }

    /// Copies `text`, and clears the clipboard 30 s later unless something was copied here since.
    pub fn copy_to_clipboard(text: &str) {
        let Some(clipboard) = web_sys::window().map(|w| w.navigator().clipboard()) else {
            return;
        };
        let _ = clipboard.write_text(text);
        let copy = COPIES.get() + 1;
        COPIES.set(copy);
        gloo_timers::callback::Timeout::new(30_000, move || {
            if COPIES.get() == copy {
                let _ = clipboard.write_text("");
            }
        })
        .forget();
    }

    /// A date and time in the reader's language.
    pub fn format_time(ms: i64, lang: Lang) -> String {
        let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
        String::from(date.to_locale_string(lang.code(), &wasm_bindgen::JsValue::UNDEFINED))
    }

    /// Tells end-to-end tests (and nothing else) that event handlers are live.
    pub fn mark_hydrated() {
        if let Some(body) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.body())
        {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    }

    /// Lets the browser paint (a spinner, a disabled button) before a long computation blocks it.
    pub async fn yield_to_paint() {
        gloo_timers::future::TimeoutFuture::new(30).await;
    }

    /// Saves `text` as a file the person downloads. Nothing leaves the browser.
    pub fn download(file_name: &str, mime: &str, text: &str) {
        let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
        let options = web_sys::BlobPropertyBag::new();
        options.set_type(mime);
        let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
            return;
        };
        let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
            return;
        };
        let anchor = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.create_element("a").ok())
            .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok());
        if let Some(a) = anchor {
            a.set_href(&url);
            a.set_download(file_name);
            a.click();
        }
        // Revoke later: revoking at once can cancel the download in some browsers.
        gloo_timers::callback::Timeout::new(10_000, move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        })
        .forget();
    }

    /// The text of the first file chosen in the `<input type=file>` with this id.
    pub async fn read_chosen_file(input_id: &str) -> Option<String> {
        let input = web_sys::window()?
            .document()?
            .get_element_by_id(input_id)?
            .dyn_into::<web_sys::HtmlInputElement>()
            .ok()?;
        let file = input.files()?.get(0)?;
        let text = wasm_bindgen_futures::JsFuture::from(file.text())
            .await
            .ok()?;
        text.as_string()
    }

    /// GETs a file of the site itself as text (the CSP allows only our own origin).
    pub async fn fetch_text(path: &str) -> Option<String> {
        let window = web_sys::window()?;
        let response = wasm_bindgen_futures::JsFuture::from(window.fetch_with_str(path))
            .await
            .ok()?
            .dyn_into::<web_sys::Response>()
            .ok()?;
        if !response.ok() {
            return None;
        }
        let text = wasm_bindgen_futures::JsFuture::from(response.text().ok()?)
            .await
            .ok()?;
        text.as_string()
    }

    /// A `performance.mark` for the browser benchmarks (unlock → first screen of the list).
    pub fn mark(name: &str) {
        if let Some(perf) = web_sys::window().and_then(|w| w.performance()) {
            let _ = perf.mark(name);
        }
    }

    /// Moves keyboard focus to the element with this id, if it is on the page.
    pub fn focus(id: &str) {
        if let Some(el) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(id))
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = el.focus();
        }
    }

    /// Moves focus to the first field a refused form marked invalid, once it has rendered, so
    /// that a screen reader reads that field with its error and a keyboard user lands on it.
    pub fn focus_first_invalid() {
        leptos::prelude::request_animation_frame(|| {
            if let Some(el) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| {
                    d.query_selector("main [aria-invalid=\"true\"]")
                        .ok()
                        .flatten()
                })
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let _ = el.focus();
            }
        });
    }

    /// Closes the open header menus that `target` is not inside: a click or focus elsewhere
    /// (`None`: every menu, as after choosing an entry). With `refocus`, focus returns to the
    /// button of the menu that was open (as after Escape).
    pub fn close_menus(target: Option<web_sys::EventTarget>, refocus: bool) {
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let Ok(open) = doc.query_selector_all("details.menu-box[open]") else {
            return;
        };
        let inside = target.and_then(|t| t.dyn_into::<web_sys::Node>().ok());
        for i in 0..open.length() {
            let Some(menu) = open
                .item(i)
                .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
            else {
                continue;
            };
            if inside.as_ref().is_some_and(|n| menu.contains(Some(n))) {
                continue;
            }
            let _ = menu.remove_attribute("open");
            if refocus {
                if let Some(button) = menu
                    .query_selector("summary")
                    .ok()
                    .flatten()
                    .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
                {
                    let _ = button.focus();
                }
            }
        }
    }
}

#[cfg(not(feature = "hydrate"))]
mod imp {
    use super::*;
    pub fn served_prefs() -> Prefs {
        Prefs::default()
    }
    pub fn remember_lang(_: Lang) {}
    pub fn remember_theme(_: Theme) {}
    pub fn announce_logout() {}
    pub fn is_logout_announcement(_: &leptos::web_sys::StorageEvent) -> bool {
        false
    }
    pub fn lock_minutes() -> u32 {
        DEFAULT_LOCK_MINUTES
    }
    pub fn set_lock_minutes(_: u32) {}
    pub fn now_ms() -> f64 {
        0.0
    }
    pub fn mark_hydrated() {}
    pub fn copy_to_clipboard(_: &str) {}
    pub fn format_time(ms: i64, _: Lang) -> String {
        ms.to_string()
    }
    pub async fn yield_to_paint() {}
    pub fn download(_: &str, _: &str, _: &str) {}
    pub async fn read_chosen_file(_: &str) -> Option<String> {
        None
    }
    pub async fn fetch_text(_: &str) -> Option<String> {
        None
    }
    pub fn focus(_: &str) {}
    pub fn focus_first_invalid() {}
    pub fn close_menus(_: Option<leptos::web_sys::EventTarget>, _: bool) {}
    pub fn mark(_: &str) {}
}

pub use imp::*;

/// Reads language and theme from the request (cookie first, then `Accept-Language`).
#[cfg(feature = "ssr")]
pub fn request_prefs(headers: &http::HeaderMap) -> Prefs {
    let cookies: Vec<(String, String)> = headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let cookie = |name: &str| {
        cookies
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let lang = cookie(LANG_COOKIE)
        .and_then(|c| Lang::from_code(&c))
        .or_else(|| {
            headers
                .get(http::header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Lang::negotiate)
        })
        .unwrap_or_default();
    let theme = cookie(THEME_COOKIE)
        .map(|c| Theme::from_code(&c))
        .unwrap_or_default();
    Prefs { lang, theme }
}
