//! The one menu every page uses: a `<details>` disclosure whose button opens a list of links and
//! buttons. Arrow keys, Home and End move through the entries; Escape, a choice or a click
//! elsewhere closes it (the last two are wired once for the whole page in `shell`). On a phone the
//! list spans the screen's width under its button, so it never leaves the viewport.

use super::browser;
use super::icons::{Icon, IconSvg};
use leptos::prelude::*;

#[component]
pub fn Menu(
    /// The button's text (also the menu's name for screen readers).
    #[prop(into)]
    label: Signal<String>,
    /// Drawn before the label; with `icon_only` the label is said, not shown.
    #[prop(optional)]
    icon: Option<Icon>,
    #[prop(optional)] icon_only: bool,
    /// Extra classes of the `<details>` (`end`: the list opens towards the left).
    #[prop(optional, into)]
    class: String,
    /// The summary's own `id`, for tests and `aria-controls` elsewhere.
    #[prop(optional, into)]
    id: Option<String>,
    /// Keep the menu open after a click inside (menus of settings, not of choices).
    #[prop(optional)]
    stays_open: bool,
    children: Children,
) -> impl IntoView {
    let text = move || label.get();
    view! {
        <details class=format!("menu-box {class}")>
            <summary
                id=id
                class:icon-only=icon_only
                title=move || icon_only.then(text)
                aria-label=move || icon_only.then(text)
                on:keydown=|ev| {
                    if browser::open_menu_at_first_entry(&ev) {
                        ev.prevent_default();
                    }
                }
            >
                {icon.map(|i| view! { <IconSvg icon=i /> })}
                <span class="menu-label" class:visually-hidden=icon_only>{text}</span>
            </summary>
            <ul
                class="menu-list"
                on:click=move |_| {
                    if !stays_open {
                        browser::close_menus(None, false);
                    }
                }
                on:keydown=|ev| {
                    if browser::move_focus_among_entries(&ev) {
                        ev.prevent_default();
                    }
                }
            >
                {children()}
            </ul>
        </details>
    }
}
