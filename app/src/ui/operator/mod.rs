//! The operator console (`/operator`, operators only): every provider of the instance a page at
//! a time (search, order), creating one for an existing account with the prerequisites as a
//! checklist, enabling and disabling, deleting one without clients.

use crate::api::operator::{
    operator_prerequisites, operator_provider_create, operator_provider_delete,
    operator_provider_enable, operator_providers,
};
use crate::domain::provider::{
    NewProvider, Prerequisites, ProviderPage, ProviderQuery, ProviderSort, ProviderStatus,
    ProviderSummary, ProviderType,
};
use crate::domain::{AccountInfo, AppError, Field, ProviderId};
use crate::i18n::Key;
use crate::ui::browser::{format_time, sleep_ms};
use crate::ui::components::{report, toast_error, FormErrors, SubmitButton, TextField};
use crate::ui::dialog::ConfirmDialog;
use crate::ui::menu::Menu;
use crate::ui::provider::provider_type_label;
use crate::ui::state::{use_i18n, use_toasts};
use crate::ui::table::{Column, DataTable, Remote};
use crate::ui::vault::RequireAccount;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;

#[component]
pub fn OperatorPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=move || format!("{} · Keyhaven", i18n.t(Key::ProductOperator)) />
        <RequireAccount page=move |account: AccountInfo| {
            if account.is_operator {
                view! { <Console /> }.into_any()
            } else {
                view! {
                    <div class="card narrow">
                        <h1>{move || i18n.t(Key::ProductOperator)}</h1>
                        <p role="alert">{move || i18n.t(Key::OperatorsOnly)}</p>
                    </div>
                }
                .into_any()
            }
        } />
    }
}

#[component]
fn Console() -> impl IntoView {
    let i18n = use_i18n();
    let toasts = use_toasts();
    let page = RwSignal::new(ProviderPage::default());
    let revision = RwSignal::new(0u32);
    let deleting = RwSignal::new(None::<ProviderSummary>);
    let remote = Remote {
        search: RwSignal::new(String::new()),
        sort: RwSignal::new(None),
        page: RwSignal::new(0),
        total: Signal::derive(move || page.with(|p| p.matching as usize)),
    };
    let asked = StoredValue::new(0u32);
    Effect::new(move |sent: Option<String>| {
        revision.track();
        let sort = remote.sort.get();
        let query = ProviderQuery {
            search: remote.search.get(),
            sort: match sort {
                Some((1, _)) => ProviderSort::Type,
                Some((2, _)) => ProviderSort::Status,
                Some((5, _)) => ProviderSort::Created,
                _ => ProviderSort::Name,
            },
            descending: matches!(sort, Some((_, false))),
            page: u32::try_from(remote.page.get()).unwrap_or(u32::MAX),
        };
        let n = asked.get_value() + 1;
        asked.set_value(n);
        let search = query.search.clone();
        let typing = sent.is_some_and(|s| s != search);
        spawn_local(async move {
            if typing {
                sleep_ms(200).await;
                if asked.try_get_value() != Some(n) {
                    return;
                }
            }
            let answer = operator_providers(query).await;
            if asked.try_get_value() != Some(n) {
                return;
            }
            match answer {
                Ok(p) => page.set(p),
                Err(e) => toast_error(&e),
            }
        });
        search
    });
    let enable = move |id: ProviderId, enabled: bool| {
        spawn_local(async move {
            match operator_provider_enable(id, enabled).await {
                Ok(()) => {
                    toasts.success(
                        i18n.t(if enabled {
                            Key::ProviderEnabled
                        } else {
                            Key::ProviderDisabledDone
                        })
                        .to_owned(),
                    );
                    revision.update(|r| *r += 1);
                }
                Err(e) => toast_error(&e),
            }
        });
    };
    let actions = move |p: &ProviderSummary| {
        let name = p.name.clone();
        let label = Signal::derive(move || i18n.fmt(Key::ActionsFor, &[("member", &name)]));
        let (id, enabled) = (StoredValue::new(p.id.clone()), p.enabled);
        let record = StoredValue::new(p.clone());
        view! {
            <Menu label=label class="end" icon=crate::ui::icons::Icon::More icon_only=true>
                <li><button type="button" on:click=move |_| enable(id.get_value(), !enabled)>
                    {move || i18n.t(if enabled { Key::DisableProvider } else { Key::EnableProvider })}
                </button></li>
                <li><button type="button" class="danger" on:click=move |_| deleting.set(Some(record.get_value()))>
                    {move || i18n.t(Key::DeleteProvider)}
                </button></li>
            </Menu>
        }
        .into_any()
    };
    let columns = vec![
        Column::new(Key::ProviderName, |p: &ProviderSummary| {
            view! { <span class="cell-main">{p.name.clone()}</span> }.into_any()
        })
        .sorted_by(|p| p.name.clone()),
        Column::new(Key::ProviderType, move |p: &ProviderSummary| {
            let kind = p.provider_type;
            view! { {move || i18n.t(provider_type_label(kind))} }.into_any()
        })
        .sorted_by(|p| p.provider_type.code().to_owned()),
        Column::new(Key::Status, move |p: &ProviderSummary| {
            let status = match (p.enabled, p.status) {
                (false, _) => Key::ProviderStateDisabled,
                (true, ProviderStatus::Pending) => Key::ProviderStatePending,
                (true, ProviderStatus::Active) => Key::ProviderStateActive,
            };
            view! { <span class="badge">{move || i18n.t(status)}</span> }.into_any()
        })
        .sorted_by(|p| p.status.code().to_owned()),
        Column::new(Key::Clients, |p: &ProviderSummary| {
            view! { {p.clients.to_string()} }.into_any()
        }),
        Column::new(Key::Members, |p: &ProviderSummary| {
            view! { {p.members.to_string()} }.into_any()
        }),
        Column::new(Key::Added, move |p: &ProviderSummary| {
            let at = p.created_at;
            view! { {move || format_time(at, i18n.lang.get())} }.into_any()
        })
        .sorted_by(|p| format!("{:020}", p.created_at)),
        Column::new(Key::Actions, actions),
    ];
    view! {
        <div class="console">
            <header class="console-head">
                <h1>{move || i18n.t(Key::ProductOperator)}</h1>
            </header>
            <NewProviderForm on_created=Callback::new(move |_| revision.update(|r| *r += 1)) />
            <h2>{move || i18n.t(Key::Providers)}</h2>
            <DataTable
                id="providers-table"
                label=Key::Providers
                rows=Signal::derive(move || page.with(|p| p.providers.clone()))
                columns
                haystack=|p: &ProviderSummary| p.name.clone()
                row_key=|p: &ProviderSummary| format!("{}{}{}{}", p.id, p.enabled, p.status.code(), p.clients)
                empty=Key::NoProviders
                remote
            />
            <ConfirmDialog
                open=Signal::derive(move || deleting.with(Option::is_some))
                title=Signal::derive(move || i18n.t(Key::DeleteProvider).to_owned())
                message=Signal::derive(move || deleting.with(|d| d.as_ref().map(|p| i18n.fmt(Key::DeleteProviderQuestion, &[("name", &p.name)])).unwrap_or_default()))
                confirm=Signal::derive(move || i18n.t(Key::DeleteProvider).to_owned())
                danger=true
                on_confirm=Callback::new(move |_| {
                    if let Some(p) = deleting.get_untracked() {
                        deleting.set(None);
                        spawn_local(async move {
                            match operator_provider_delete(p.id).await {
                                Ok(()) => {
                                    toasts.success(i18n.t(Key::ProviderDeleted).to_owned());
                                    revision.update(|r| *r += 1);
                                }
                                Err(e) => toast_error(&e),
                            }
                        });
                    }
                })
                on_cancel=Callback::new(move |_| deleting.set(None))
                id="delete-provider-dialog"
            />
        </div>
    }
}

/// Creates a provider for an existing account, its first provider admin, who is mailed a setup
/// link. The prerequisites show as a checklist as the address is typed; a missing one is said,
/// and the operator may go on after confirming.
#[component]
fn NewProviderForm(on_created: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let toasts = use_toasts();
    let errors = FormErrors::new();
    let pending = RwSignal::new(false);
    let name = RwSignal::new(String::new());
    let admin = RwSignal::new(String::new());
    let kind = RwSignal::new(ProviderType::Msp);
    let client_ready = RwSignal::new(false);
    let checks = RwSignal::new(None::<Prerequisites>);
    let asking_anyway = RwSignal::new(false);
    // The checklist follows the address as it is typed (once it looks like one).
    Effect::new(move |_| {
        let email = admin.get();
        if crate::domain::validate::email_problem(&email).is_some() {
            checks.set(None);
            return;
        }
        spawn_local(async move {
            sleep_ms(300).await;
            if admin.try_get_untracked().as_deref() != Some(email.as_str()) {
                return;
            }
            checks.set(operator_prerequisites(email).await.ok());
        });
    });
    let create = move || {
        let new = NewProvider {
            name: name.get_untracked(),
            provider_type: kind.get_untracked(),
            admin_email: admin.get_untracked(),
        };
        pending.set(true);
        spawn_local(async move {
            let result = operator_provider_create(new).await;
            pending.set(false);
            match result {
                Ok(_) => {
                    toasts.success(i18n.t(Key::ProviderCreated).to_owned());
                    name.set(String::new());
                    admin.set(String::new());
                    client_ready.set(false);
                    on_created.run(());
                }
                Err(e) => report(errors, &e),
            }
        });
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        errors.clear();
        let problems = NewProvider {
            name: name.get_untracked(),
            provider_type: kind.get_untracked(),
            admin_email: admin.get_untracked(),
        }
        .problems();
        if !problems.is_empty() {
            errors.show(&AppError::Invalid(problems));
            return;
        }
        let owns = checks
            .get_untracked()
            .is_some_and(|c| c.owns_enterprise_org);
        if !owns || !client_ready.get_untracked() {
            asking_anyway.set(true);
        } else {
            create();
        }
    };
    let check = move |ok: Signal<bool>, label: Key| {
        view! {
            <li class:done=move || ok.get()>
                {move || if ok.get() { "✓ " } else { "✗ " }}
                {move || i18n.t(label)}
            </li>
        }
    };
    let has_account = Signal::derive(move || checks.get().is_some_and(|c| c.has_account));
    let owns = Signal::derive(move || checks.get().is_some_and(|c| c.owns_enterprise_org));
    view! {
        <form class="card" on:submit=on_submit novalidate>
            <h2>{move || i18n.t(Key::NewProvider)}</h2>
            <TextField id="new-provider-name" label=Key::ProviderName value=name error=errors.message(Field::ProviderName) required=true />
            <div class="field">
                <label for="new-provider-type">{move || i18n.t(Key::ProviderType)}</label>
                <select id="new-provider-type" on:change=move |ev| kind.set(ProviderType::from_code(&event_target_value(&ev)).unwrap_or(ProviderType::Msp))>
                    {[ProviderType::Msp, ProviderType::Reseller].into_iter().map(|k| view! {
                        <option value=k.code() selected=move || kind.get() == k>{move || i18n.t(provider_type_label(k))}</option>
                    }).collect_view()}
                </select>
            </div>
            <TextField id="new-provider-admin" label=Key::ProviderAdminEmail value=admin error=errors.message(Field::Email) input_type="email" help=Key::ProviderAdminEmailHelp required=true />
            <fieldset>
                <legend>{move || i18n.t(Key::Prerequisites)}</legend>
                <ul class="checklist" aria-live="polite">
                    {check(has_account, Key::PrereqAccount)}
                    {check(owns, Key::PrereqEnterpriseOrg)}
                </ul>
                <label class="check">
                    <input type="checkbox" id="client-ready" prop:checked=move || client_ready.get() on:change=move |ev| client_ready.set(event_target_checked(&ev)) />
                    {move || i18n.t(Key::PrereqClientReady)}
                </label>
            </fieldset>
            <SubmitButton label=Key::CreateProvider pending />
        </form>
        <ConfirmDialog
            open=asking_anyway
            title=Signal::derive(move || i18n.t(Key::CreateProvider).to_owned())
            message=Signal::derive(move || {
                let c = checks.get().unwrap_or_default();
                let missing: Vec<&str> = [
                    (c.has_account, Key::PrereqAccount),
                    (c.owns_enterprise_org, Key::PrereqEnterpriseOrg),
                    (client_ready.get(), Key::PrereqClientReady),
                ]
                .into_iter()
                .filter(|(ok, _)| !ok)
                .map(|(_, k)| i18n.t(k))
                .collect();
                format!("{} {}", i18n.t(Key::PrereqMissing), missing.join(" · "))
            })
            confirm=Signal::derive(move || i18n.t(Key::CreateAnyway).to_owned())
            on_confirm=Callback::new(move |_| { asking_anyway.set(false); create(); })
            on_cancel=Callback::new(move |_| asking_anyway.set(false))
            id="create-provider-anyway"
        />
    }
}
