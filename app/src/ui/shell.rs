//! The frame around every page: the HTML document, the header with its menus, the routes.

use super::auth::{HintPage, LoginPage, RegisterPage};
use super::browser::{self, remember_lang, remember_theme, Prefs};
use super::components::ToastRegion;
use super::guard::use_unsaved;
use super::icons::Icon;
use super::join::OrgPages;
use super::menu::Menu;
use super::settings::SettingsPage;
use super::state::{provide_app_state, use_auth, use_i18n, use_vault, Hydrated, ThemeState};
use super::vault::{RequireAccount, VaultPage};
use crate::domain::{AccountInfo, Lang, Theme};
use crate::i18n::Key;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::components::{Redirect, Route, Router, Routes, A};
use leptos_router::hooks::use_navigate;
use leptos_router::{lazy_route, path, Lazy, LazyRoute, SsrMode};

/// The HTML document the server sends. Language and theme come from the request so the first
/// paint is already right.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    let prefs = {
        leptos::nonce::provide_nonce();
        set_content_security_policy();
        use_context::<http::request::Parts>()
            .map(|p| browser::request_prefs(&p.headers))
            .unwrap_or_default()
    };
    #[cfg(not(feature = "ssr"))]
    let prefs = Prefs::default();
    provide_context(prefs);
    view! {
        <!DOCTYPE html>
        <html lang=prefs.lang.code() data-theme=prefs.theme.code()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <link rel="stylesheet" href="/pkg/keyhaven.css" />
                <link rel="icon" href="/pkg/favicon.svg" type="image/svg+xml" />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// Pages may run only this page's inline bootstrap (by nonce), scripts and WASM from this
/// origin, and nothing foreign.
#[cfg(feature = "ssr")]
fn set_content_security_policy() {
    let Some(nonce) = leptos::nonce::use_nonce() else {
        return;
    };
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    );
    if let (Some(resp), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(&policy),
    ) {
        resp.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let prefs = use_context::<Prefs>().unwrap_or_else(browser::served_prefs);
    #[cfg(feature = "ssr")]
    crate::i18n::preload(prefs.lang);
    provide_app_state(prefs);
    let hydrated = RwSignal::new(false);
    provide_context(Hydrated(hydrated));
    #[cfg(feature = "hydrate")]
    PAGE_READY.set(Some(hydrated));
    Effect::new(move |_| start_lock_timer());
    Effect::new(move |_| close_menus_as_menus_close());
    Effect::new(move |_| follow_other_tabs());
    let i18n = use_i18n();

    view! {
        <Title text=move || i18n.t(Key::AppName).to_owned() />
        <Router>
            <a class="skip-link" href="#main" on:click=|ev| { ev.prevent_default(); browser::focus("main"); }>{move || i18n.t(Key::SkipToContent)}</a>
            <Header />
            <main id="main" tabindex="-1">
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=Home ssr=SsrMode::Async />
                    <Route path=path!("/login") view={Lazy::<LoginRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/register") view={Lazy::<RegisterRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/hint") view={Lazy::<HintRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/vault") view={Lazy::<VaultRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/settings") view={Lazy::<SettingsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/org") view={Lazy::<OrgRoute>::new()} ssr=SsrMode::Async />
                    // The portal and the operator console are pages of the `/org` part (a lazy
                    // route of their own would cost the main module more than it has).
                    <Route path=path!("/provider") view={Lazy::<OrgRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/operator") view={Lazy::<OrgRoute>::new()} ssr=SsrMode::Async />
                </Routes>
            </main>
            <ToastRegion />
        </Router>
    }
}

#[cfg(feature = "hydrate")]
thread_local! {
    static PAGE_READY: std::cell::Cell<Option<RwSignal<bool>>> = const { std::cell::Cell::new(None) };
}

/// Called by the browser entry point once the whole page, lazy parts included, has hydrated. Only
/// then do forms enable their buttons and the page say it is ready (an effect would fire while a
/// lazy part is still loading, and the part's server-rendered `disabled` would then never change).
#[cfg(feature = "hydrate")]
pub fn page_hydrated() {
    if let Some(ready) = PAGE_READY.get() {
        ready.set(true);
    }
    browser::mark_hydrated();
}

/// A page whose code is a separate WASM part, fetched when the page is first shown; a
/// server-rendered page preloads its parts beside the main module and hydrates once they are in.
/// Every page but the redirecting home and "not found" is one, so no page carries another's code.
macro_rules! lazy_page {
    ($route:ident, $page:ident) => {
        struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(_this: Self) -> AnyView {
                view! { <$page /> }.into_any()
            }
        }
    };
}

lazy_page!(LoginRoute, LoginPage);
lazy_page!(RegisterRoute, RegisterPage);
lazy_page!(HintRoute, HintPage);
lazy_page!(VaultRoute, VaultPage);
lazy_page!(SettingsRoute, SettingsPage);
lazy_page!(OrgRoute, OrgPages);

/// Locks the vault after the inactivity the user chose, counted over every tab of this browser
/// (browser only).
fn start_lock_timer() {
    let vault = use_vault();
    let touch = move || {
        let now = browser::now_ms();
        vault.last_activity.set(now);
        browser::share_activity(now);
    };
    let _ = window_event_listener(leptos::ev::keydown, move |_| touch());
    let _ = window_event_listener(leptos::ev::pointerdown, move |_| touch());
    set_interval(
        move || {
            let minutes = browser::lock_minutes();
            let last = vault
                .last_activity
                .get_untracked()
                .max(browser::shared_activity());
            let idle = browser::now_ms() - last;
            if minutes > 0 && vault.is_unlocked() && idle > f64::from(minutes) * 60_000.0 {
                vault.lock_everywhere();
            }
        },
        std::time::Duration::from_secs(5),
    );
}

/// Header menus are `<details>`; these make them close as menus do: on Escape (focus back on
/// the menu's button), and when a click or the focus goes elsewhere (browser only).
fn close_menus_as_menus_close() {
    let _ = window_event_listener(leptos::ev::keydown, |ev| {
        if ev.key() == "Escape" {
            browser::close_menus(None, true);
        }
    });
    let _ = window_event_listener(leptos::ev::pointerdown, |ev| {
        browser::close_menus(ev.target(), false);
    });
    let _ = window_event_listener(leptos::ev::focusin, |ev| {
        browser::close_menus(ev.target(), false);
    });
}

/// What another tab of this browser did reaches this one: a logout ends this tab's vault too
/// (the keys leave memory and the page asks for the account again, which sends it to the login
/// form); a lock locks it. (Changed items are picked up by the open vault itself.)
fn follow_other_tabs() {
    let (vault, auth) = (use_vault(), use_auth());
    let _ = window_event_listener(leptos::ev::storage, move |ev| {
        match browser::tab_news(&ev) {
            Some(browser::TabNews::LoggedOut) => {
                vault.lock();
                auth.refresh();
            }
            Some(browser::TabNews::Locked) => vault.lock(),
            _ => {}
        }
    });
}

#[component]
fn Home() -> impl IntoView {
    view! { <RequireAccount page=|_: AccountInfo| view! { <Redirect path="/vault" /> } /> }
}

#[component]
fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    #[cfg(feature = "ssr")]
    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
        resp.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text=move || format!("{} · Keyhaven", i18n.t(Key::NotFoundTitle)) />
        <div class="card narrow">
            <h1>{move || i18n.t(Key::NotFoundTitle)}</h1>
            <p>{move || i18n.t(Key::NotFoundText)}</p>
            <A href="/vault">{move || i18n.t(Key::GoToVault)}</A>
        </div>
    }
}

#[component]
fn Header() -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    view! {
        <header class="topbar">
            <A href="/" attr:class="brand">
                <span class="logo" aria-hidden="true">"◆"</span>
                <span class="brand-name">{move || i18n.t(Key::AppName)}</span>
            </A>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    auth.account.await.map(|_| view! { <ProductSwitcher /> })
                })}
            </Transition>
            <div class="spacer"></div>
            <Preferences />
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match auth.account.await {
                        Some(account) => view! { <AccountMenu account /> }.into_any(),
                        None => view! { <A href="/login" attr:class="button">{move || i18n.t(Key::LogIn)}</A> }.into_any(),
                    }
                })}
            </Transition>
        </header>
    }
}

/// The products of a signed-in account: the Password Manager, the Admin Console of each
/// organization it administers, and a way to create an organization. The organizations come from
/// a lazy part once the page is interactive (drawn by the browser alone, so hydration never waits
/// for them), which keeps their code out of every page's main module.
#[component]
fn ProductSwitcher() -> impl IntoView {
    let i18n = use_i18n();
    let location = leptos_router::hooks::use_location();
    Effect::new(move |_| {
        // Again after a change that may add or remove one (auth.refresh()).
        use_auth().version.track();
        spawn_local(async move { super::join::console_links(i18n).await.await });
    });
    let current = move || {
        let key = match location.pathname.get().as_str() {
            "/org" if location.query.with(|q| q.get("id").is_some()) => Key::AdminConsole,
            "/provider" => Key::ProviderPortal,
            "/operator" => Key::ProductOperator,
            _ => Key::ProductPasswordManager,
        };
        i18n.t(key).to_owned()
    };
    view! {
        <nav class="menu" aria-label=move || i18n.t(Key::ProductSwitcher)>
            <Menu label=Signal::derive(current) id="product-switcher">
                <li><A href="/vault">{move || i18n.t(Key::ProductPasswordManager)}</A></li>
            </Menu>
        </nav>
    }
}

/// Language and theme, in one menu so the header stays one row on a phone.
#[component]
fn Preferences() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <nav class="menu" aria-label=move || i18n.t(Key::Preferences)>
            <Menu
                label=Signal::derive(move || i18n.t(Key::Preferences).to_owned())
                icon=Icon::Preferences
                icon_only=true
                class="end"
                id="preferences-menu"
                stays_open=true
            >
                <li class="menu-field"><LanguageSelect /></li>
                <li class="menu-field"><ThemeSelect /></li>
            </Menu>
        </nav>
    }
}

#[component]
fn LanguageSelect() -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let on_change = move |ev: leptos::ev::Event| {
        let Some(lang) = Lang::from_code(&event_target_value(&ev)) else {
            return;
        };
        let signed_in = auth.account.get_untracked().flatten().is_some();
        spawn_local(async move {
            if !i18n.set(lang).await {
                return;
            }
            remember_lang(lang);
            if signed_in {
                // Best effort: the cookie already remembers it in this browser.
                let _ = crate::api::auth::set_language(lang).await;
            }
        });
    };
    view! {
        <label for="language-select">{move || i18n.t(Key::Language)}</label>
        <select id="language-select" on:change=on_change prop:value=move || i18n.lang.get().code()>
            {Lang::ALL
                .into_iter()
                .map(|l| view! { <option value=l.code() lang=l.code() selected=move || i18n.lang.get() == l>{l.native_name()}</option> })
                .collect_view()}
        </select>
    }
}

#[component]
fn ThemeSelect() -> impl IntoView {
    let i18n = use_i18n();
    let theme = expect_context::<ThemeState>().0;
    let on_change = move |ev: leptos::ev::Event| {
        let t = Theme::from_code(&event_target_value(&ev));
        theme.set(t);
        remember_theme(t);
    };
    let options = [
        (Theme::System, Key::ThemeSystem),
        (Theme::Light, Key::ThemeLight),
        (Theme::Dark, Key::ThemeDark),
    ];
    view! {
        <label for="theme-select">{move || i18n.t(Key::Theme)}</label>
        <select id="theme-select" on:change=on_change prop:value=move || theme.get().code()>
            {options
                .into_iter()
                .map(|(t, k)| view! { <option value=t.code() selected=move || theme.get() == t>{move || i18n.t(k)}</option> })
                .collect_view()}
        </select>
    }
}

#[component]
fn AccountMenu(account: AccountInfo) -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let vault = use_vault();
    let unsaved = use_unsaved();
    let navigate = use_navigate();
    let email = account.email.clone();
    let log_out = move |_| {
        let navigate = navigate.clone();
        unsaved.attempt(move || {
            let navigate = navigate.clone();
            spawn_local(async move {
                let _ = crate::api::auth::logout().await;
                browser::tell_other_tabs(browser::TabNews::LoggedOut);
                vault.lock();
                auth.refresh();
                navigate("/login", Default::default());
            });
        });
    };
    let name = account.name.clone();
    view! {
        <nav class="menu account" aria-label=move || i18n.t(Key::AccountMenu)>
            <Menu label=Signal::derive(move || name.clone()) icon=Icon::Account class="end">
                <li class="muted">{move || i18n.fmt(Key::LoggedInAs, &[("email", &email)])}</li>
                <li><A href="/settings">{move || i18n.t(Key::AccountSettings)}</A></li>
                <li><button type="button" class="ghost" on:click=move |_| unsaved.attempt(move || vault.lock_everywhere())>{move || i18n.t(Key::LockNow)}</button></li>
                <li><button type="button" class="ghost" on:click=log_out>{move || i18n.t(Key::LogOut)}</button></li>
            </Menu>
        </nav>
    }
}
