//! Dialogs: the browser's modal `<dialog>`, so focus stays inside while it is open, Escape
//! cancels, and the page behind is inert. When it closes, focus returns to what had it before.

#[cfg(feature = "hydrate")]
use super::browser;
use super::state::use_i18n;
use crate::i18n::Key;
use leptos::html;
use leptos::prelude::*;

#[component]
pub fn Dialog(
    /// Shown while true; the dialog never closes itself, it asks `on_cancel`.
    #[prop(into)]
    open: Signal<bool>,
    #[prop(into)] title: Signal<String>,
    /// Escape, or the caller's own Cancel button.
    on_cancel: Callback<()>,
    #[prop(optional_no_strip)] id: Option<String>,
    children: Children,
) -> impl IntoView {
    let node = NodeRef::<html::Dialog>::new();
    let title_id = format!("{}-title", id.clone().unwrap_or_else(|| "dialog".into()));
    let heading_id = title_id.clone();
    follow_open(node, open);
    view! {
        <dialog
            node_ref=node
            id=id
            class="dialog"
            aria-labelledby=title_id
            on:cancel=move |ev: leptos::ev::Event| {
                // The browser would close it by itself; the caller decides instead.
                ev.prevent_default();
                on_cancel.run(());
            }
        >
            <h2 id=heading_id>{move || title.get()}</h2>
            {children()}
        </dialog>
    }
}

/// A question with a confirming button and Cancel (focused first: the safe choice).
#[component]
pub fn ConfirmDialog(
    #[prop(into)] open: Signal<bool>,
    #[prop(into)] title: Signal<String>,
    #[prop(into)] message: Signal<String>,
    /// The confirming button's text.
    #[prop(into)]
    confirm: Signal<String>,
    /// The confirming button is drawn as a dangerous one.
    #[prop(optional)]
    danger: bool,
    /// The cancelling button's text, if not "Cancel".
    #[prop(optional, into)]
    cancel: Option<Signal<String>>,
    on_confirm: Callback<()>,
    on_cancel: Callback<()>,
    #[prop(optional, into)] id: Option<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Dialog open title on_cancel id>
            <p>{move || message.get()}</p>
            <div class="actions">
                <button type="button" autofocus on:click=move |_| on_cancel.run(())>
                    {move || cancel.map_or_else(|| i18n.t(Key::Cancel).to_owned(), |c| c.get())}
                </button>
                <button type="button" class:danger=danger class:primary=!danger on:click=move |_| on_confirm.run(())>
                    {move || confirm.get()}
                </button>
            </div>
        </Dialog>
    }
}

/// Opens and closes the `<dialog>` as `open` says, restoring focus on close. Only in the browser:
/// what had focus is a DOM node, which must never be created (or dropped) on the server.
#[cfg(feature = "hydrate")]
fn follow_open(node: NodeRef<html::Dialog>, open: Signal<bool>) {
    let restore = StoredValue::new_local(None::<browser::Focus>);
    Effect::new(move |_| {
        let Some(dialog) = node.get() else {
            return;
        };
        match (open.get(), dialog.open()) {
            (true, false) => {
                restore.set_value(Some(browser::Focus::remember()));
                let _ = dialog.show_modal();
            }
            (false, true) => {
                dialog.close();
                if let Some(focus) = restore.try_update_value(Option::take).flatten() {
                    focus.restore();
                }
            }
            _ => {}
        }
    });
}

#[cfg(not(feature = "hydrate"))]
fn follow_open(_: NodeRef<html::Dialog>, _: Signal<bool>) {}
