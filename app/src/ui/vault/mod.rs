//! The Password Manager page: the unlock form while locked, the vault once unlocked.

mod bulk;
mod folders;
mod form;
mod generator;
mod item;
mod list;
pub use list::type_label;
mod orgs;
mod share;
mod transfer;

use super::auth::UnlockForm;
use super::guard::DiscardDialog;
use super::state::{use_auth, use_i18n, use_vault};
use crate::domain::AccountInfo;
use crate::i18n::Key;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

/// Renders `page` for the signed-in account, or sends the visitor to the login page.
#[component]
pub fn RequireAccount<F, V>(page: F) -> impl IntoView
where
    F: Fn(AccountInfo) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let auth = use_auth();
    let i18n = use_i18n();
    view! {
        <Transition fallback=move || view! { <p class="loading">{move || i18n.t(Key::Loading)}</p> }>
            {move || {
                let page = page.clone();
                Suspend::new(async move {
                    match auth.account.await {
                        Some(account) => page(account).into_any(),
                        None => view! { <Redirect path="/login" /> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}

#[component]
pub fn VaultPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=move || format!("{} · Keyhaven", i18n.t(Key::MyVault)) />
        <RequireAccount page=|account: AccountInfo| view! { <VaultBody account /> } />
        <DiscardDialog />
    }
}

#[component]
fn VaultBody(account: AccountInfo) -> impl IntoView {
    let vault = use_vault();
    move || {
        if vault.is_unlocked() {
            view! { <list::VaultView owner=account.id.clone() /> }.into_any()
        } else {
            view! { <UnlockForm account=account.clone() /> }.into_any()
        }
    }
}
