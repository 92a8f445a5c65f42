//! The provider's settings (provider admins): name and billing address; deleting the provider
//! with its name typed out (refused by the server while it has clients).

use super::Portal;
use crate::api::providers::{provider_delete, provider_update};
use crate::domain::provider::ProviderSettings;
use crate::domain::{AppError, Field};
use crate::i18n::Key;
use crate::ui::components::{report, FormErrors, SubmitButton, TextField};
use crate::ui::dialog::Dialog;
use crate::ui::state::{use_i18n, use_toasts};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

#[component]
pub fn SettingsSection(portal: Portal) -> impl IntoView {
    let i18n = use_i18n();
    let toasts = use_toasts();
    let errors = FormErrors::new();
    let pending = RwSignal::new(false);
    let name = RwSignal::new(portal.membership.with_untracked(|m| m.name.clone()));
    let billing = RwSignal::new(
        portal
            .membership
            .with_untracked(|m| m.billing_email.clone().unwrap_or_default()),
    );
    let deleting = RwSignal::new(false);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        errors.clear();
        let settings = ProviderSettings {
            name: name.get_untracked(),
            billing_email: billing.get_untracked(),
        };
        let problems = settings.problems();
        if !problems.is_empty() {
            errors.show(&AppError::Invalid(problems));
            return;
        }
        pending.set(true);
        spawn_local(async move {
            let result = provider_update(portal.id(), settings.clone()).await;
            pending.set(false);
            match result {
                Ok(()) => {
                    portal.membership.update(|m| {
                        m.name = settings.name.trim().to_owned();
                        m.billing_email = Some(settings.billing_email.trim().to_owned());
                    });
                    toasts.success(i18n.t(Key::SettingsSaved).to_owned());
                }
                Err(e) => report(errors, &e),
            }
        });
    };
    view! {
        <form class="settings-form" on:submit=on_submit novalidate>
            <TextField id="provider-settings-name" label=Key::ProviderName value=name error=errors.message(Field::ProviderName) required=true />
            <TextField id="provider-settings-billing" label=Key::BillingEmail value=billing error=errors.message(Field::BillingEmail) input_type="email" help=Key::BillingEmailHelp required=true />
            <SubmitButton label=Key::Save pending />
        </form>
        <section class="danger-zone" aria-labelledby="delete-provider-title">
            <h2 id="delete-provider-title">{move || i18n.t(Key::DeleteProvider)}</h2>
            <p class="help">{move || i18n.t(Key::DeleteProviderHelp)}</p>
            <button type="button" class="danger" id="delete-provider" on:click=move |_| deleting.set(true)>{move || i18n.t(Key::DeleteProvider)}</button>
        </section>
        <Show when=move || deleting.get()>
            <DeleteDialog portal open=deleting />
        </Show>
    }
}

/// Deleting asks for the provider's name typed out.
#[component]
fn DeleteDialog(portal: Portal, open: RwSignal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let toasts = use_toasts();
    let navigate = StoredValue::new(use_navigate());
    let errors = FormErrors::new();
    let pending = RwSignal::new(false);
    let typed = RwSignal::new(String::new());
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        errors.clear();
        pending.set(true);
        spawn_local(async move {
            let result = provider_delete(portal.id(), typed.get_untracked()).await;
            pending.set(false);
            match result {
                Ok(()) => {
                    toasts.success(i18n.t(Key::ProviderDeleted).to_owned());
                    navigate.with_value(|n| n("/vault", Default::default()));
                }
                Err(e) => report(errors, &e),
            }
        });
    };
    let name = portal.membership.with_untracked(|m| m.name.clone());
    view! {
        <Dialog open=Signal::derive(move || open.get()) title=Signal::derive(move || i18n.t(Key::DeleteProvider).to_owned())
            on_cancel=Callback::new(move |_| open.set(false)) id=Some("delete-provider-dialog".to_owned())>
            <form on:submit=on_submit novalidate>
                <p>{move || i18n.fmt(Key::TypeNameToDelete, &[("name", &name)])}</p>
                <TextField id="delete-provider-name" label=Key::ProviderName value=typed error=errors.message(Field::ProviderName) required=true />
                <div class="actions">
                    <button type="button" on:click=move |_| open.set(false)>{move || i18n.t(Key::Cancel)}</button>
                    <SubmitButton label=Key::DeleteProvider pending />
                </div>
            </form>
        </Dialog>
    }
}
