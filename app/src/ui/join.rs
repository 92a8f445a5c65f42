//! Ways into an organization: creating one (its key is made here and sealed to the creator's
//! public key) and opening an invitation link (accepting it with the invited account).

use super::auth::UnlockForm;
use super::components::{report, FormErrors, SubmitButton, TextField};
use super::state::{use_auth, use_i18n, use_toasts, use_vault, I18n};
use super::vault::RequireAccount;
use crate::api::orgs::{invitation_accept, invitation_info, org_create, orgs_mine};
use crate::crypto::sealed::seal_key;
use crate::crypto::{b64, SymmetricKey};
use crate::domain::org::{MemberStatus, NewOrg, OrgInput, OrgRole, Plan};
use crate::domain::{AccountInfo, AppError, Field};
use crate::i18n::Key;
use leptos::ev::SubmitEvent;
use leptos::lazy;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};

/// `/org` is one lazy part for everything about organizations (one route costs the main module
/// less than several): `/org` creates an organization, `/org?invite=<token>` is an invitation link,
/// and `/org?id=<id>&section=<section>` is that organization's Admin Console.
///
/// The Provider Portal (`/provider`) and the operator console (`/operator`) are pages of the same
/// part: a route of their own costs the main module about 1.2 KB each, which it does not have
/// (docs/PROVIDERS.md).
#[component]
pub fn OrgPages() -> impl IntoView {
    #[derive(Clone, Copy, PartialEq)]
    enum Page {
        OrgInvite,
        Console,
        NewOrg,
        ProviderInvite,
        Portal,
        Operator,
    }
    let query = use_query_map();
    let path = leptos_router::hooks::use_location().pathname;
    // Which page, as a memo: moving between a page's sections changes the query, and must not
    // build the page (and load its keys) again.
    let page = Memo::new(move |_| {
        let (invite, id) = query.with(|q| (q.get("invite").is_some(), q.get("id").is_some()));
        match path.with(|p| p.trim_end_matches('/').to_owned()).as_str() {
            "/provider" if invite => Page::ProviderInvite,
            "/provider" => Page::Portal,
            "/operator" => Page::Operator,
            _ if invite => Page::OrgInvite,
            _ if id => Page::Console,
            _ => Page::NewOrg,
        }
    });
    move || match page.get() {
        Page::ProviderInvite => view! { <InvitePage kind=Invited::Provider /> }.into_any(),
        Page::Portal => view! { <super::provider::ProviderPages /> }.into_any(),
        Page::Operator => view! { <super::operator::OperatorPage /> }.into_any(),
        Page::OrgInvite => view! { <InvitePage /> }.into_any(),
        Page::Console => view! { <super::admin::AdminPage /> }.into_any(),
        Page::NewOrg => view! { <NewOrgPage /> }.into_any(),
    }
}

/// The switcher's organization entries, made in the lazy part: it fetches them and puts them
/// into the menu itself, so the main module holds no code for them but the call.
pub type Consoles = std::pin::Pin<Box<dyn std::future::Future<Output = ()>>>;

/// Puts into the product switcher one Admin Console entry per organization the account
/// administers, and "New organization" (again after each call: the previous ones go).
#[lazy]
pub fn console_links(i18n: I18n) -> Consoles {
    Box::pin(async move {
        let mut list: Vec<(String, Key, String)> = orgs_mine()
            .await
            .unwrap_or_default()
            .into_iter()
            .filter(|m| {
                m.role != OrgRole::User && m.status == MemberStatus::Confirmed && !m.revoked
            })
            .map(|m| {
                let href = format!("/org?id={}&section=members", m.org_id);
                (href, Key::ProductAdminConsole, m.name)
            })
            .collect();
        // One Provider Portal per provider the account has a place in (the portal says why it
        // cannot open yet, if it cannot), and the operator console for operators.
        let providers = crate::api::providers::providers_mine()
            .await
            .unwrap_or_default();
        list.extend(providers.into_iter().filter(|p| !p.revoked).map(|p| {
            let href = format!("/provider?id={}&section=clients", p.provider);
            (href, Key::ProductProviderPortal, p.name)
        }));
        let operator = crate::api::auth::whoami()
            .await
            .ok()
            .flatten()
            .is_some_and(|a| a.is_operator);
        if operator {
            list.push(("/operator".to_owned(), Key::ProductOperator, String::new()));
        }
        mount_links(i18n, list);
    })
}

#[cfg(feature = "hydrate")]
fn mount_links(i18n: I18n, list: Vec<(String, Key, String)>) {
    use leptos::wasm_bindgen::JsCast;
    use std::cell::RefCell;
    thread_local! {
        static MOUNTED: RefCell<Option<Box<dyn std::any::Any>>> = const { RefCell::new(None) };
    }
    let Some(menu) = document()
        .query_selector("#product-switcher + ul")
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into::<leptos::web_sys::HtmlElement>().ok())
    else {
        return;
    };
    // Plain links: the router follows them without a page load, as it does every link.
    let handle = leptos::mount::mount_to(menu, move || {
        view! {
            {list.into_iter().map(|(href, key, name)| view! {
                <li><a href=href>{move || i18n.fmt(key, &[("org", &name), ("provider", &name)])}</a></li>
            }).collect_view()}
            <li><a href="/org">{move || i18n.t(Key::NewOrganization)}</a></li>
        }
    });
    MOUNTED.with(|m| *m.borrow_mut() = Some(Box::new(handle)));
}

#[cfg(not(feature = "hydrate"))]
fn mount_links(_: I18n, _: Vec<(String, Key, String)>) {}

#[component]
pub fn NewOrgPage() -> impl IntoView {
    let i18n = use_i18n();
    let vault = use_vault();
    view! {
        <Title text=move || format!("{} · Keyhaven", i18n.t(Key::NewOrganization)) />
        <RequireAccount page=move |account: AccountInfo| move || {
            if vault.is_unlocked() {
                view! { <NewOrgForm /> }.into_any()
            } else {
                view! { <UnlockForm account=account.clone() help=Key::AdminUnlockHelp /> }.into_any()
            }
        } />
    }
}

#[component]
fn NewOrgForm() -> impl IntoView {
    let i18n = use_i18n();
    let vault = use_vault();
    let auth = use_auth();
    let toasts = use_toasts();
    let navigate = StoredValue::new(use_navigate());
    let errors = FormErrors::new();
    let pending = RwSignal::new(false);
    let name = RwSignal::new(String::new());
    let billing = RwSignal::new(String::new());
    let plan = RwSignal::new(Plan::Teams);
    let seats = RwSignal::new("10".to_owned());
    Effect::new(|_| crate::ui::browser::focus("new-org-name"));
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        errors.clear();
        let settings = OrgInput {
            name: name.get_untracked(),
            billing_email: billing.get_untracked(),
            plan: plan.get_untracked(),
            seats: seats.get_untracked().trim().parse().unwrap_or(0),
        };
        let problems = settings.problems();
        if !problems.is_empty() {
            errors.show(&AppError::Invalid(problems));
            return;
        }
        let Some(keys) = vault.keys() else { return };
        // The organization key is born here; the server only ever holds it sealed.
        let public = b64(keys.private_key.public_key().as_bytes());
        let sealed = SymmetricKey::generate().and_then(|key| seal_key(&public, &key));
        let Ok(sealed_org_key) = sealed else {
            return toasts.error(i18n.error(&AppError::Crypto));
        };
        let new = NewOrg {
            settings,
            sealed_org_key,
            default_collection: i18n.t(Key::DefaultCollection).to_owned(),
        };
        pending.set(true);
        spawn_local(async move {
            let result = org_create(new).await;
            pending.set(false);
            match result {
                Ok(membership) => {
                    auth.refresh();
                    toasts.success(i18n.t(Key::OrgCreated).to_owned());
                    let to = format!("/org?id={}&section=members", membership.org_id);
                    navigate.with_value(|n| n(&to, Default::default()));
                }
                Err(e) => report(errors, &e),
            }
        });
    };
    view! {
        <div class="card narrow">
            <form on:submit=on_submit novalidate>
                <h1>{move || i18n.t(Key::NewOrganization)}</h1>
                <p class="help">{move || i18n.t(Key::NewOrganizationHelp)}</p>
                <TextField id="new-org-name" label=Key::OrgName value=name error=errors.message(Field::OrgName) required=true />
                <TextField id="new-org-billing" label=Key::BillingEmail value=billing error=errors.message(Field::BillingEmail) input_type="email" help=Key::BillingEmailHelp required=true />
                <div class="field">
                    <label for="new-org-plan">{move || i18n.t(Key::Plan)}</label>
                    <select id="new-org-plan" on:change=move |ev| plan.set(Plan::from_code(&event_target_value(&ev)).unwrap_or(Plan::Teams))>
                        {Plan::ALL.iter().map(|p| {
                            let p = *p;
                            view! { <option value=p.code() selected=move || plan.get() == p>{move || i18n.t(super::admin::plan_label(p))}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <TextField id="new-org-seats" label=Key::Seats value=seats error=errors.message(Field::Seats) input_type="number" required=true />
                <SubmitButton label=Key::CreateOrganization pending=pending />
            </form>
        </div>
    }
}

/// Into what an invitation link invites: an organization (`/org?invite=`) or a provider
/// (`/provider?invite=`). One page serves both.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Invited {
    Org,
    Provider,
}

impl Invited {
    /// The page itself, to come back to after signing in.
    fn path(self) -> &'static str {
        match self {
            Invited::Org => "/org",
            Invited::Provider => "/provider",
        }
    }
}

/// Who is invited (address), into what (name), and whether they have an account.
async fn invited_to(kind: Invited, token: String) -> Result<(String, String, bool), AppError> {
    match kind {
        Invited::Org => invitation_info(token)
            .await
            .map(|i| (i.org_name, i.email, i.has_account)),
        Invited::Provider => crate::api::providers::provider_invitation_info(token)
            .await
            .map(|i| (i.provider_name, i.email, i.has_account)),
    }
}

/// Accepts, and says where to go next: the vault, or the provider's portal.
async fn accept_invitation(kind: Invited, token: String) -> Result<String, AppError> {
    match kind {
        Invited::Org => invitation_accept(token).await.map(|_| "/vault".to_owned()),
        Invited::Provider => crate::api::providers::provider_invitation_accept(token)
            .await
            .map(|p| format!("/provider?id={p}")),
    }
}

/// An invitation link: who invites whom to what, and the way in: accept with the invited
/// account, or sign in or create that account first (and come back here).
#[component]
pub fn InvitePage(#[prop(default = Invited::Org)] kind: Invited) -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let toasts = use_toasts();
    let navigate = StoredValue::new(use_navigate());
    let query = use_query_map();
    let token = move || query.with(|q| q.get("invite").unwrap_or_default());
    let info = Resource::new(token, move |t| invited_to(kind, t));
    let pending = RwSignal::new(false);
    let errors = FormErrors::new();
    let accept = move |_| {
        pending.set(true);
        spawn_local(async move {
            let result = accept_invitation(kind, token()).await;
            pending.set(false);
            match result {
                Ok(to) => {
                    auth.refresh();
                    toasts.success(i18n.t(Key::InvitationAccepted).to_owned());
                    navigate.with_value(|n| n(&to, Default::default()));
                }
                Err(e) => report(errors, &e),
            }
        });
    };
    view! {
        <Title text=move || format!("{} · Keyhaven", i18n.t(Key::Invitation)) />
        <div class="card narrow">
            <h1>{move || i18n.t(Key::Invitation)}</h1>
            <Suspense fallback=move || view! { <p class="loading">{move || i18n.t(Key::Loading)}</p> }>
                {move || Suspend::new(async move {
                    let account = auth.account.await;
                    match info.await {
                        Err(e) => view! { <p role="alert">{i18n.error(&e)}</p> }.into_any(),
                        Ok((org, email, has_account)) => {
                            let next = format!("{}?invite={}", kind.path(), token());
                            let login = format!("/login?next={}", urlencode(&next));
                            let register = format!("/register?email={}&next={}", urlencode(&email), urlencode(&next));
                            let same = account.as_ref().is_some_and(|a| a.email.eq_ignore_ascii_case(&email));
                            let invited_email = email.clone();
                            view! {
                                <p>{move || i18n.fmt(Key::InvitedTo, &[("org", &org), ("email", &email)])}</p>
                                {match (account, same) {
                                    (Some(_), true) => view! {
                                        <p class="help">{move || i18n.t(Key::AcceptHelp)}</p>
                                        <p class="field-error" role="alert" hidden=move || errors.message(Field::InvitationLink).with(Option::is_none)>
                                            {move || errors.message(Field::InvitationLink).get().unwrap_or_default()}
                                        </p>
                                        <button type="button" class="primary" id="accept-invitation" disabled=move || pending.get() on:click=accept>
                                            {move || i18n.t(Key::AcceptInvitation)}
                                        </button>
                                    }.into_any(),
                                    (Some(a), false) => {
                                        let (mine, theirs) = (a.email.clone(), invited_email.clone());
                                        view! {
                                            <p role="alert">{move || i18n.fmt(Key::InvitationForOther, &[("email", &theirs), ("you", &mine)])}</p>
                                        }.into_any()
                                    }
                                    (None, _) => view! {
                                        <p class="help">{move || i18n.t(if has_account { Key::InvitationLogIn } else { Key::InvitationRegister })}</p>
                                        <div class="actions">
                                            {if has_account {
                                                view! { <A href=login attr:class="button primary">{move || i18n.t(Key::LogIn)}</A> }.into_any()
                                            } else {
                                                view! { <A href=register attr:class="button primary">{move || i18n.t(Key::CreateAccount)}</A> }.into_any()
                                            }}
                                        </div>
                                    }.into_any(),
                                }}
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
        </div>
    }
}

/// Percent-encodes a query value.
fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn query_values_are_encoded() {
        assert_eq!(super::urlencode("a+b@x.test"), "a%2Bb%40x.test");
        assert_eq!(super::urlencode("/org?invite=ab12"), "/org%3Finvite%3Dab12");
    }
}
