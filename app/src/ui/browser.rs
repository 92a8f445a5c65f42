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

    /// Tells this browser's other tabs what happened here (they hear it as a `storage` event;
    /// the writing tab does not).
    pub fn tell_other_tabs(news: TabNews) {
        let _ = LocalStorage::set(news.key(), now_ms());
    }

    /// What another tab told this one, if this `storage` event is such news.
    pub fn tab_news(ev: &web_sys::StorageEvent) -> Option<TabNews> {
        let key = ev.key()?;
        TabNews::ALL.into_iter().find(|n| n.key() == key)
    }

    const ACTIVITY_KEY: &str = "keyhaven.activity";

    /// Shares this tab's last activity with the others (at most every few seconds), so that the
    /// auto-lock counts the inactivity of the whole browser, not of one tab.
    pub fn share_activity(at: f64) {
        let shared: f64 = LocalStorage::get(ACTIVITY_KEY).unwrap_or(0.0);
        if at - shared > 4_000.0 {
            let _ = LocalStorage::set(ACTIVITY_KEY, at);
        }
    }

    /// The latest activity any tab of this browser shared.
    pub fn shared_activity() -> f64 {
        LocalStorage::get(ACTIVITY_KEY).unwrap_or(0.0)
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

    /// A date and time as ISO 8601 in UTC, for files other programs read (CSV).
    pub fn iso_time(ms: i64) -> String {
        let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
        String::from(date.to_iso_string())
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

    /// Waits `ms` milliseconds (letting a person finish typing before a search is sent).
    pub async fn sleep_ms(ms: u32) {
        gloo_timers::future::TimeoutFuture::new(ms).await;
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

    /// Moves focus to the element `selector` finds, if it is drawn (a phone-only control is not).
    pub fn focus_if_shown(selector: &str) {
        if let Some(el) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.query_selector(selector).ok().flatten())
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            if el.offset_parent().is_some() {
                let _ = el.focus();
            }
        }
    }

    /// Whether focus is inside the element `selector` finds.
    pub fn has_focus_in(selector: &str) -> bool {
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
            return false;
        };
        let (Some(container), Some(active)) = (
            doc.query_selector(selector).ok().flatten(),
            doc.active_element(),
        ) else {
            return false;
        };
        container.contains(Some(active.unchecked_ref()))
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
    /// Where focus was, to put it back there (after a dialog closes).
    pub struct Focus(Option<web_sys::HtmlElement>);

    impl Focus {
        pub fn remember() -> Self {
            Focus(
                web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.active_element())
                    .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()),
            )
        }

        /// Back to the remembered element if it is still on the page, else to the page's content.
        pub fn restore(self) {
            match self.0 {
                Some(el) if el.is_connected() => {
                    let _ = el.focus();
                }
                _ => focus("main"),
            }
        }
    }

    fn entries_of(list: &web_sys::Element) -> Vec<web_sys::HtmlElement> {
        let Ok(nodes) = list.query_selector_all("a[href], button:not([disabled]), select") else {
            return Vec::new();
        };
        (0..nodes.length())
            .filter_map(|i| nodes.item(i))
            .filter_map(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
            .collect()
    }

    /// Arrow keys, Home and End inside a menu's list move focus among its entries. True if the
    /// key was one of those (the caller then keeps the page from scrolling).
    pub fn move_focus_among_entries(ev: &web_sys::KeyboardEvent) -> bool {
        let key = ev.key();
        if !matches!(key.as_str(), "ArrowDown" | "ArrowUp" | "Home" | "End") {
            return false;
        }
        let Some(list) = ev
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        else {
            return false;
        };
        let entries = entries_of(&list);
        if entries.is_empty() {
            return false;
        }
        let active = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.active_element());
        let at = entries.iter().position(|e| {
            active
                .as_ref()
                .is_some_and(|a| a == e.unchecked_ref::<web_sys::Element>())
        });
        let last = entries.len() - 1;
        let next = match (key.as_str(), at) {
            ("Home", _) | ("ArrowDown", None) => 0,
            ("End", _) | ("ArrowUp", None) => last,
            ("ArrowDown", Some(i)) => (i + 1).min(last),
            (_, Some(i)) => i.saturating_sub(1),
            _ => 0,
        };
        let _ = entries[next].focus();
        true
    }

    /// ArrowDown on a menu's button opens the menu at its first entry.
    pub fn open_menu_at_first_entry(ev: &web_sys::KeyboardEvent) -> bool {
        if ev.key() != "ArrowDown" {
            return false;
        }
        let Some(details) = ev
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|summary| summary.parent_element())
        else {
            return false;
        };
        let _ = details.set_attribute("open", "");
        if let Some(list) = details.query_selector(".menu-list").ok().flatten() {
            if let Some(first) = entries_of(&list).first() {
                let _ = first.focus();
            }
        }
        true
    }

    /// Decides whether a click on a link of this site is taken over (see `guard_links`).
    type LinkGuard = Box<dyn Fn(String) -> bool>;

    thread_local! {
        /// The page's link guard (`guard_links`), and whether the listener that asks it is in.
        static LINK_GUARD: std::cell::RefCell<Option<LinkGuard>> = std::cell::RefCell::new(None);
        static LINK_LISTENER: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }

    /// Lets `decide` take over clicks on this site's links (plain left clicks only) until
    /// `unguard_links`: when it returns true the browser and the router leave the click alone.
    /// One listener, in the capture phase so that it runs before the router's own.
    pub fn guard_links(decide: impl Fn(String) -> bool + 'static) {
        LINK_GUARD.with(|g| *g.borrow_mut() = Some(Box::new(decide)));
        if LINK_LISTENER.with(|l| l.replace(true)) {
            return;
        }
        let Some(window) = web_sys::window() else {
            return;
        };
        let handler = wasm_bindgen::closure::Closure::<dyn Fn(web_sys::MouseEvent)>::new(
            move |ev: web_sys::MouseEvent| {
                if ev.button() != 0
                    || ev.meta_key()
                    || ev.ctrl_key()
                    || ev.shift_key()
                    || ev.alt_key()
                {
                    return;
                }
                let Some(link) = ev
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                    .and_then(|e| e.closest("a[href]").ok().flatten())
                    .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok())
                else {
                    return;
                };
                let here = web_sys::window().and_then(|w| w.location().origin().ok());
                if link.target() == "_blank" || Some(link.origin()) != here {
                    return;
                }
                let path = format!("{}{}{}", link.pathname(), link.search(), link.hash());
                let taken =
                    LINK_GUARD.with(|g| g.borrow().as_ref().is_some_and(|decide| decide(path)));
                if taken {
                    ev.prevent_default();
                    ev.stop_immediate_propagation();
                }
            },
        );
        let _ = window.add_event_listener_with_callback_and_bool(
            "click",
            handler.as_ref().unchecked_ref(),
            true,
        );
        handler.forget();
    }

    /// Links go where they lead again.
    pub fn unguard_links() {
        LINK_GUARD.with(|g| *g.borrow_mut() = None);
    }

    /// Adds a history entry for the same address, so the browser's Back (a phone's back
    /// gesture) first closes what the page opened instead of leaving the page.
    pub fn push_history_entry() {
        if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
            let _ = history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", None);
        }
    }

    pub fn history_back() {
        if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
            let _ = history.back();
        }
    }

    /// A setting this browser keeps (local storage, as the text it was saved as), if any.
    pub fn load_setting(key: &str) -> Option<String> {
        LocalStorage::raw().get_item(key).ok().flatten()
    }

    /// Keeps a setting in this browser; if storage is full or refused, it is simply not kept.
    pub fn save_setting(key: &str, value: &str) {
        let _ = LocalStorage::raw().set_item(key, value);
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
    pub fn tell_other_tabs(_: TabNews) {}
    pub fn tab_news(_: &leptos::web_sys::StorageEvent) -> Option<TabNews> {
        None
    }
    pub fn share_activity(_: f64) {}
    pub fn shared_activity() -> f64 {
        0.0
    }
    pub struct Focus;
    impl Focus {
        pub fn remember() -> Self {
            Focus
        }
        pub fn restore(self) {}
    }
    pub fn move_focus_among_entries(_: &leptos::web_sys::KeyboardEvent) -> bool {
        false
    }
    pub fn open_menu_at_first_entry(_: &leptos::web_sys::KeyboardEvent) -> bool {
        false
    }
    pub fn guard_links(_: impl Fn(String) -> bool + 'static) {}
    pub fn unguard_links() {}
    pub fn push_history_entry() {}
    pub fn history_back() {}
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
    pub fn iso_time(ms: i64) -> String {
        ms.to_string()
    }
    pub async fn yield_to_paint() {}
    pub async fn sleep_ms(_: u32) {}
    pub fn download(_: &str, _: &str, _: &str) {}
    pub async fn read_chosen_file(_: &str) -> Option<String> {
        None
    }
    pub async fn fetch_text(_: &str) -> Option<String> {
        None
    }
    pub fn focus(_: &str) {}
    pub fn focus_if_shown(_: &str) {}
    pub fn has_focus_in(_: &str) -> bool {
        false
    }
    pub fn focus_first_invalid() {}
    pub fn close_menus(_: Option<leptos::web_sys::EventTarget>, _: bool) {}
    pub fn mark(_: &str) {}
    pub fn load_setting(_: &str) -> Option<String> {
        None
    }
    pub fn save_setting(_: &str, _: &str) {}
}

pub use imp::*;

/// What one tab of this browser tells the others.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TabNews {
    /// The account logged out: every tab forgets the keys and goes to the login form.
    LoggedOut,
    /// The vault was locked (by hand or by the auto-lock): every tab locks.
    Locked,
    /// Items or folders changed: an open vault loads them again.
    VaultChanged,
}

impl TabNews {
    pub const ALL: [TabNews; 3] = [TabNews::LoggedOut, TabNews::Locked, TabNews::VaultChanged];

    /// The local-storage key that carries it.
    pub fn key(self) -> &'static str {
        match self {
            TabNews::LoggedOut => "keyhaven.loggedOut",
            TabNews::Locked => "keyhaven.locked",
            TabNews::VaultChanged => "keyhaven.vaultChanged",
        }
    }
}

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
