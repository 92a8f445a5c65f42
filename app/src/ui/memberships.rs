//! The account's organizations, in its settings: each with the person's role and standing, the
//! Admin Console for those who run it, and leaving. A plain member has no console, so this is
//! where they see what they belong to and can go.

use super::admin::role_label;
use super::dialog::ConfirmDialog;
use super::state::{use_i18n, use_toasts};
use crate::api::orgs::{org_leave, orgs_mine};
use crate::domain::org::{MemberStatus, OrgMembership, OrgRole};
use crate::domain::OrgId;
use crate::i18n::Key;
use leptos::prelude::*;
use leptos::task::spawn_local;

fn standing(m: &OrgMembership) -> Key {
    match (m.revoked, m.status) {
        (true, _) => Key::StatusRevoked,
        (false, MemberStatus::Confirmed) => Key::StatusConfirmed,
        (false, _) => Key::AwaitingConfirmation,
    }
}

#[component]
pub fn OrganizationsSection() -> impl IntoView {
    let i18n = use_i18n();
    let toasts = use_toasts();
    let version = RwSignal::new(0u32);
    let mine = LocalResource::new(move || {
        version.track();
        orgs_mine()
    });
    let leaving = RwSignal::new(None::<(OrgId, String)>);
    let leave = move |_| {
        let Some((org, name)) = leaving.get_untracked() else {
            return;
        };
        leaving.set(None);
        spawn_local(async move {
            match org_leave(org).await {
                Ok(()) => {
                    version.update(|v| *v += 1);
                    toasts.success(i18n.fmt(Key::LeftOrg, &[("org", &name)]));
                }
                Err(e) => super::components::toast_error(&e),
            }
        });
    };
    let rows = move || match mine.get() {
        None => view! { <p class="loading">{move || i18n.t(Key::Loading)}</p> }.into_any(),
        Some(Err(e)) => view! { <p role="alert">{i18n.error(&e)}</p> }.into_any(),
        Some(Ok(list)) if list.is_empty() => {
            view! { <p class="empty">{move || i18n.t(Key::NoOrganizations)}</p> }.into_any()
        }
        Some(Ok(mut list)) => {
            list.sort_by_key(|m| m.name.to_lowercase());
            view! {
                <ul class="memberships">
                    {list.into_iter().map(|m| {
                        let runs = m.role != OrgRole::User && m.status == MemberStatus::Confirmed && !m.revoked;
                        let console = format!("/org?id={}&section=members", m.org_id);
                        let (role, state) = (role_label(m.role), standing(&m));
                        let asked = (m.org_id.clone(), m.name.clone());
                        let name = m.name.clone();
                        view! {
                            <li>
                                <span class="cell-main">{m.name.clone()}</span>
                                <span class="muted">{move || i18n.t(role)} " · " {move || i18n.t(state)}</span>
                                {runs.then(|| {
                                    let org = m.name.clone();
                                    view! {
                                        <a href=console>
                                            {move || i18n.t(Key::AdminConsole)}
                                            <span class="visually-hidden">" · " {org}</span>
                                        </a>
                                    }
                                })}
                                // A revoked member's place is the admins' to restore or remove.
                                {(!m.revoked).then(|| view! {
                                    // The visible text, then the organization for screen readers.
                                    <button type="button" on:click=move |_| leaving.set(Some(asked.clone()))>
                                        {move || i18n.t(Key::LeaveOrg)}
                                        <span class="visually-hidden">" · " {name.clone()}</span>
                                    </button>
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }
            .into_any()
        }
    };
    view! {
        <section class="card" aria-labelledby="organizations-heading">
            <h2 id="organizations-heading">{move || i18n.t(Key::Organizations)}</h2>
            <p class="help">{move || i18n.t(Key::OrganizationsHelp)}</p>
            {rows}
            <a href="/org">{move || i18n.t(Key::NewOrganization)}</a>
            <ConfirmDialog
                open=Signal::derive(move || leaving.with(Option::is_some))
                title=Signal::derive(move || leaving.with(|l| l.as_ref().map(|(_, n)| i18n.fmt(Key::LeaveNamedOrg, &[("org", n)])).unwrap_or_default()))
                message=Signal::derive(move || i18n.t(Key::LeaveQuestion).to_owned())
                confirm=Signal::derive(move || i18n.t(Key::LeaveOrg).to_owned())
                danger=true
                on_confirm=Callback::new(leave)
                on_cancel=Callback::new(move |_| leaving.set(None))
                id="leave-membership-dialog"
            />
        </section>
    }
}
