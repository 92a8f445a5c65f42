//! The organization's settings (name, billing email, plan, seats: owners), leaving it, and
//! deleting it with its name typed out.

use super::Console;
use crate::api::orgs::{org_delete, org_leave, org_update};
use crate::domain::org::{OrgInput, OrgRole, Plan};
use crate::domain::{AppError, Field};
use crate::i18n::Key;
use crate::ui::components::{report, toast_error, FormErrors, SubmitButton, TextField};
use crate::ui::dialog::{ConfirmDialog, Dialog};
use crate::ui::state::{use_auth, use_i18n, use_toasts};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

pub fn plan_label(plan: Plan) -> Key {
    match plan {
        Plan::Free => Key::PlanFree,
        Plan::Teams => Key::PlanTeams,
        Plan::Enterprise => Key::PlanEnterprise,
    }
}

#[component]
pub fn SettingsSection(console: Console) -> impl IntoView {
    let i18n = use_i18n();
    let toasts = use_toasts();
    let auth = use_auth();
    let navigate = StoredValue::new(use_navigate());
    let owner = console.role() == OrgRole::Owner;
    let errors = FormErrors::new();
    let pending = RwSignal::new(false);
    let m = console.membership.get_untracked();
    let name = RwSignal::new(m.name.clone());
    let billing = RwSignal::new(m.billing_email.clone().unwrap_or_default());
    let plan = RwSignal::new(m.plan);
    let seats = RwSignal::new(m.seats.to_string());
    let leaving = RwSignal::new(false);
    let deleting = RwSignal::new(false);
    let typed = RwSignal::new(String::new());
    let go_to_vault = move || {
        auth.refresh();
        navigate.with_value(|n| n("/vault", Default::default()));
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        errors.clear();
        let input = OrgInput {
            name: name.get_untracked(),
            billing_email: billing.get_untracked(),
            plan: plan.get_untracked(),
            seats: seats.get_untracked().trim().parse().unwrap_or(0),
        };
        let problems = input.problems();
        if !problems.is_empty() {
            errors.show(&AppError::Invalid(problems));
            return;
        }
        pending.set(true);
        spawn_local(async move {
            let cleaned = input.cleaned();
            let result = org_update(console.org(), input).await;
            pending.set(false);
            match result {
                Ok(()) => {
                    console.membership.update(|m| {
                        m.name = cleaned.name;
                        m.plan = cleaned.plan;
                        m.seats = cleaned.seats;
                        m.billing_email = Some(cleaned.billing_email);
                    });
                    auth.refresh();
                    toasts.success(i18n.t(Key::SettingsSaved).to_owned());
                }
                Err(e) => report(errors, &e),
            }
        });
    };
    let leave = move |_| {
        leaving.set(false);
        spawn_local(async move {
            match org_leave(console.org()).await {
                Ok(()) => go_to_vault(),
                Err(e) => toast_error(&e),
            }
        });
    };
    let delete = move |ev: SubmitEvent| {
        ev.prevent_default();
        errors.clear();
        spawn_local(async move {
            match org_delete(console.org(), typed.get_untracked()).await {
                Ok(()) => {
                    deleting.set(false);
                    toasts.success(i18n.t(Key::OrgDeleted).to_owned());
                    go_to_vault();
                }
                Err(e) => report(errors, &e),
            }
        });
    };
    view! {
        {if owner {
            view! {
                <form class="settings-form" on:submit=on_submit novalidate>
                    <h2>{move || i18n.t(Key::OrgSettings)}</h2>
                    <TextField id="org-name" label=Key::OrgName value=name error=errors.message(Field::OrgName) required=true />
                    <TextField id="org-billing" label=Key::BillingEmail value=billing error=errors.message(Field::BillingEmail) input_type="email" help=Key::BillingEmailHelp required=true />
                    <div class="field">
                        <label for="org-plan">{move || i18n.t(Key::Plan)}</label>
                        <select id="org-plan" on:change=move |ev| plan.set(Plan::from_code(&event_target_value(&ev)).unwrap_or(Plan::Free))>
                            {Plan::ALL.iter().map(|p| {
                                let p = *p;
                                view! { <option value=p.code() selected=move || plan.get() == p>{move || i18n.t(plan_label(p))}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                    <TextField id="org-seats" label=Key::Seats value=seats error=errors.message(Field::Seats) input_type="number" required=true />
                    <SubmitButton label=Key::Save pending=pending />
                </form>
            }.into_any()
        } else {
            view! {
                <div class="settings-form">
                    <h2>{move || i18n.t(Key::OrgSettings)}</h2>
                    <p class="help">{move || i18n.t(Key::OwnersOnlySettings)}</p>
                    <dl class="facts">
                        <dt>{move || i18n.t(Key::Plan)}</dt>
                        <dd>{move || i18n.t(plan_label(console.membership.with(|m| m.plan)))}</dd>
                        <dt>{move || i18n.t(Key::Seats)}</dt>
                        <dd>{move || console.membership.with(|m| m.seats.to_string())}</dd>
                    </dl>
                </div>
            }.into_any()
        }}
        <section class="danger-zone" aria-labelledby="danger-heading">
            <h2 id="danger-heading">{move || i18n.t(Key::DangerZone)}</h2>
            <button type="button" id="leave-org" on:click=move |_| leaving.set(true)>{move || i18n.t(Key::LeaveOrg)}</button>
            {owner.then(|| view! {
                <button type="button" class="danger" id="delete-org" on:click=move |_| deleting.set(true)>{move || i18n.t(Key::DeleteOrg)}</button>
            })}
        </section>
        <ConfirmDialog
            open=Signal::derive(move || leaving.get())
            title=Signal::derive(move || i18n.t(Key::LeaveOrg).to_owned())
            message=Signal::derive(move || i18n.t(Key::LeaveQuestion).to_owned())
            confirm=Signal::derive(move || i18n.t(Key::LeaveOrg).to_owned())
            danger=true
            on_confirm=Callback::new(leave)
            on_cancel=Callback::new(move |_| leaving.set(false))
            id="leave-dialog"
        />
        <Dialog open=Signal::derive(move || deleting.get()) title=Signal::derive(move || i18n.t(Key::DeleteOrg).to_owned()) on_cancel=Callback::new(move |_| deleting.set(false)) id=Some("delete-org-dialog".to_owned())>
            <form on:submit=delete novalidate>
                <p>{move || i18n.fmt(Key::DeleteOrgQuestion, &[("name", &console.membership.with(|m| m.name.clone()))])}</p>
                <TextField id="delete-org-name" label=Key::TypeOrgName value=typed error=errors.message(Field::OrgName) required=true />
                <div class="actions">
                    <button type="button" on:click=move |_| deleting.set(false)>{move || i18n.t(Key::Cancel)}</button>
                    <button type="submit" class="danger">{move || i18n.t(Key::DeleteOrg)}</button>
                </div>
            </form>
        </Dialog>
    }
}
