//! One icon set for the whole app: Lucide (ISC licence), served as one SVG sprite
//! (`/pkg/icons.svg`, made from the npm package `lucide-static` by `scripts/make-icons.mjs`, which
//! reads the names below). Icons are drawn with the text colour, so they follow the theme, and
//! look the same on every system (emoji did not: a machine without a colour-emoji font showed
//! empty boxes).

use leptos::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Icon {
    Login,
    Card,
    Identity,
    SecureNote,
    Folder,
    Star,
    Copy,
    Show,
    Hide,
    Launch,
    Plus,
    Filters,
    Back,
    Close,
    Tools,
    Preferences,
    Account,
    Clock,
    Organization,
    Members,
    More,
}

impl Icon {
    /// The icon's name in Lucide, and its id in the sprite.
    pub fn id(self) -> &'static str {
        match self {
            Icon::Login => "key-round",
            Icon::Card => "credit-card",
            Icon::Identity => "id-card",
            Icon::SecureNote => "sticky-note",
            Icon::Folder => "folder",
            Icon::Star => "star",
            Icon::Copy => "copy",
            Icon::Show => "eye",
            Icon::Hide => "eye-off",
            Icon::Launch => "external-link",
            Icon::Plus => "plus",
            Icon::Filters => "list-filter",
            Icon::Back => "arrow-left",
            Icon::Close => "x",
            Icon::Tools => "wrench",
            Icon::Preferences => "sliders-horizontal",
            Icon::Account => "circle-user",
            Icon::Clock => "clock",
            Icon::Organization => "building-2",
            Icon::Members => "users",
            Icon::More => "ellipsis",
        }
    }
}

/// An icon beside text that says the same: hidden from screen readers.
#[component]
pub fn IconSvg(icon: Icon) -> impl IntoView {
    view! {
        <svg class="icon" aria-hidden="true" focusable="false" data-icon=icon.id()>
            <use href=format!("/pkg/icons.svg#{}", icon.id())></use>
        </svg>
    }
}
