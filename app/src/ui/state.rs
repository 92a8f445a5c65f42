//! Application-wide reactive state, provided once by `App` and read through `expect_context`.

use super::browser::Prefs;
use crate::crypto::UnlockedKeys;
use crate::domain::{AccountInfo, AppError, Lang, Theme};
use crate::i18n::{self, Key};
use leptos::prelude::*;
use std::sync::Arc;

/// Current language; every text goes through it so switching re-renders in place.
#[derive(Clone, Copy)]
pub struct I18n {
    pub lang: RwSignal<Lang>,
    /// The language last asked for; its texts may still be on their way.
    wanted: StoredValue<Lang>,
}

impl I18n {
    /// Switches the UI to `lang` once its texts are at hand (the browser may first fetch them).
    /// False if another language was asked for meanwhile: the last choice wins, whichever texts
    /// arrive first.
    pub async fn set(self, lang: Lang) -> bool {
        self.wanted.set_value(lang);
        i18n::load(lang).await;
        let still_wanted = self.wanted.get_value() == lang;
        if still_wanted {
            self.lang.set(lang);
        }
        still_wanted
    }
    /// The text of `key`; reactive when read inside a closure.
    pub fn t(&self, key: Key) -> &'static str {
        i18n::text(self.lang.get(), key)
    }
    pub fn fmt(&self, key: Key, args: &[(&str, &str)]) -> String {
        i18n::format(self.lang.get(), key, args)
    }
    /// A count in words, singular or plural as the language has it.
    pub fn count(&self, one: Key, many: Key, n: u64) -> String {
        i18n::count(self.lang.get(), one, many, n)
    }
    pub fn error(&self, error: &AppError) -> String {
        i18n::error_message(self.lang.get(), error)
    }
}

pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

#[derive(Clone, Copy)]
pub struct ThemeState(pub RwSignal<Theme>);

/// The signed-in account as the server sees it. Bump `version` after login, logout or a profile
/// change to load it again.
#[derive(Clone, Copy)]
pub struct Auth {
    pub version: RwSignal<u32>,
    pub account: Resource<Option<AccountInfo>>,
}

impl Auth {
    pub fn refresh(&self) {
        self.version.update(|v| *v += 1);
    }
}

pub fn use_auth() -> Auth {
    expect_context::<Auth>()
}

/// The unlocked keys: only in this tab's memory, never in storage, gone on lock or reload.
#[derive(Clone, Copy)]
pub struct Vault {
    keys: RwSignal<Option<Arc<UnlockedKeys>>>,
    pub last_activity: RwSignal<f64>,
}

impl Vault {
    pub fn unlock(&self, keys: UnlockedKeys) {
        super::browser::mark("keyhaven:keys-opened");
        self.keys.set(Some(Arc::new(keys)));
        self.last_activity.set(super::browser::now_ms());
    }
    /// Locks this tab (the others are told by whoever locked first).
    pub fn lock(&self) {
        self.keys.set(None);
    }
    /// Locks this tab and every other tab of this browser.
    pub fn lock_everywhere(&self) {
        self.lock();
        super::browser::tell_other_tabs(super::browser::TabNews::Locked);
    }
    pub fn is_unlocked(&self) -> bool {
        self.keys.with(Option::is_some)
    }
    pub fn keys(&self) -> Option<Arc<UnlockedKeys>> {
        self.keys.get_untracked()
    }
}

pub fn use_vault() -> Vault {
    expect_context::<Vault>()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ToastKind {
    Success,
    Error,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Toast {
    pub id: u64,
    pub kind: ToastKind,
    pub text: String,
}

#[derive(Clone, Copy)]
pub struct Toasts {
    pub items: RwSignal<Vec<Toast>>,
    next: StoredValue<u64>,
}

impl Toasts {
    pub fn push(&self, kind: ToastKind, text: String) {
        let id = self.next.get_value();
        self.next.set_value(id + 1);
        // The same message again replaces the one showing (it is read out once more), and only
        // the newest few stay, so repeated failures never pile up over the page.
        self.items.update(|items| {
            items.retain(|t| t.kind != kind || t.text != text);
            items.push(Toast { id, kind, text });
            let excess = items.len().saturating_sub(3);
            items.drain(..excess);
        });
        let items = self.items;
        set_timeout(
            move || items.update(|list| list.retain(|t| t.id != id)),
            std::time::Duration::from_secs(if kind == ToastKind::Error { 12 } else { 6 }),
        );
    }
    pub fn success(&self, text: String) {
        self.push(ToastKind::Success, text);
    }
    pub fn error(&self, text: String) {
        self.push(ToastKind::Error, text);
    }
    pub fn dismiss(&self, id: u64) {
        self.items.update(|list| list.retain(|t| t.id != id));
    }
}

pub fn use_toasts() -> Toasts {
    expect_context::<Toasts>()
}

/// Creates and provides every context above.
pub fn provide_app_state(prefs: Prefs) {
    provide_context(I18n {
        lang: RwSignal::new(prefs.lang),
        wanted: StoredValue::new(prefs.lang),
    });
    provide_context(ThemeState(RwSignal::new(prefs.theme)));
    let version = RwSignal::new(0u32);
    let account = Resource::new(
        move || version.get(),
        |_| async move { crate::api::auth::whoami().await.ok().flatten() },
    );
    provide_context(Auth { version, account });
    provide_context(Vault {
        keys: RwSignal::new(None),
        last_activity: RwSignal::new(0.0),
    });
    provide_context(super::guard::UnsavedEdits::new());
    provide_context(Toasts {
        items: RwSignal::new(Vec::new()),
        next: StoredValue::new(0),
    });
}

/// True once the WASM has taken over the page. Submit buttons wait for it: a form submitted
/// before hydration would send the master password to the server as a plain form field.
#[derive(Clone, Copy)]
pub struct Hydrated(pub RwSignal<bool>);

pub fn use_hydrated() -> RwSignal<bool> {
    expect_context::<Hydrated>().0
}
