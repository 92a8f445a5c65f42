//! Unsaved edits are never lost silently. A form that holds changes marks them here; whatever
//! would throw them away (opening another item, New, a filter, a link, logging out) goes through
//! [`UnsavedEdits::attempt`], which asks first. Reloading or closing the tab asks through the
//! browser's own `beforeunload` question.

use super::browser;
use super::dialog::ConfirmDialog;
use super::state::use_i18n;
use crate::i18n::Key;
use leptos::prelude::*;
use std::sync::Arc;

type Continuation = Arc<dyn Fn() + Send + Sync>;

#[derive(Clone, Copy)]
pub struct UnsavedEdits {
    dirty: RwSignal<bool>,
    asking: RwSignal<bool>,
    then: StoredValue<Option<Continuation>>,
}

impl UnsavedEdits {
    pub fn new() -> Self {
        UnsavedEdits {
            dirty: RwSignal::new(false),
            asking: RwSignal::new(false),
            then: StoredValue::new(None),
        }
    }

    /// The open form holds changes (true) or has none left (saved, cancelled, closed).
    pub fn mark(&self, dirty: bool) {
        if self.dirty.get_untracked() != dirty {
            self.dirty.set(dirty);
        }
    }

    pub fn is_dirty(&self) -> bool {
        self.dirty.get_untracked()
    }

    /// Runs `go` at once if nothing is unsaved, otherwise once the person agrees to discard.
    pub fn attempt(&self, go: impl Fn() + Send + Sync + 'static) {
        if self.is_dirty() {
            self.then.set_value(Some(Arc::new(go)));
            self.asking.set(true);
        } else {
            go();
        }
    }

    fn discard(&self) {
        self.asking.set(false);
        self.mark(false);
        if let Some(go) = self.then.try_update_value(Option::take).flatten() {
            go();
        }
    }

    fn keep(&self) {
        self.asking.set(false);
        self.then.set_value(None);
    }
}

impl Default for UnsavedEdits {
    fn default() -> Self {
        Self::new()
    }
}

pub fn use_unsaved() -> UnsavedEdits {
    expect_context::<UnsavedEdits>()
}

/// The question itself, and the two ways of leaving the page that bypass the app: following a
/// link and unloading. Rendered by each lazy page that has forms to guard (the vault), so that its
/// code travels with them rather than in the main module; the shell's Lock and Log out only call
/// [`UnsavedEdits::attempt`], which can only find edits while such a page is there.
#[component]
pub fn DiscardDialog() -> impl IntoView {
    let i18n = use_i18n();
    let unsaved = use_unsaved();
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |_| {
        let navigate = navigate.clone();
        browser::guard_links(move |href| {
            if !unsaved.is_dirty() {
                return false;
            }
            let navigate = navigate.clone();
            unsaved.attempt(move || navigate(&href, Default::default()));
            true
        });
    });
    let unload = window_event_listener(leptos::ev::beforeunload, move |ev| {
        if unsaved.is_dirty() {
            ev.prevent_default();
            ev.set_return_value("unsaved");
        }
    });
    on_cleanup(move || {
        browser::unguard_links();
        unload.remove();
        unsaved.keep();
        unsaved.mark(false);
    });
    view! {
        <ConfirmDialog
            id="discard-dialog"
            open=unsaved.asking
            title=Signal::derive(move || i18n.t(Key::UnsavedTitle).to_owned())
            message=Signal::derive(move || i18n.t(Key::UnsavedText).to_owned())
            confirm=Signal::derive(move || i18n.t(Key::DiscardChanges).to_owned())
            danger=true
            cancel=Signal::derive(move || i18n.t(Key::KeepEditing).to_owned())
            on_confirm=Callback::new(move |_| unsaved.discard())
            on_cancel=Callback::new(move |_| unsaved.keep())
        />
    }
}
