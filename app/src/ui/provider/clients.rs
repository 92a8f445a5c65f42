//! The provider's clients: a page at a time from the server (search by name, order by any
//! column, "needs attention"), a new client made here (its organization key born in this tab
//! and stored only under the provider key), an existing organization added, renamed, seats
//! changed, unlinked; "Manage" opens the client's Admin Console.

use super::Portal;
use crate::api::orgs::orgs_mine;
use crate::api::providers::{
    provider_client_create, provider_client_link, provider_client_unlink, provider_client_update,
    provider_clients, provider_linkable,
};
use crate::crypto::items::new_item_id;
use crate::crypto::sealed::open_key;
use crate::crypto::SymmetricKey;
use crate::domain::org::Plan;
use crate::domain::provider::{
    client_key_purpose, ClientPage, ClientQuery, ClientRecord, ClientSort, ClientUpdate,
    LinkClient, LinkableOrg, NewClient,
};
use crate::domain::{AppError, Field, OrgId, ProviderId};
use crate::i18n::Key;
use crate::ui::admin::plan_label;
use crate::ui::browser::{format_time, sleep_ms};
use crate::ui::components::{report, toast_error, FormErrors, SubmitButton, TextField};
use crate::ui::dialog::{ConfirmDialog, Dialog};
use crate::ui::menu::Menu;
use crate::ui::state::{use_i18n, use_toasts, use_vault, I18n};
use crate::ui::table::{Column, DataTable, Remote};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// An organization key under the provider key, bound to the provider and the organization.
fn wrap(portal: Portal, org: &OrgId, key: &SymmetricKey) -> Result<String, AppError> {
    let purpose = client_key_purpose(&portal.id(), org);
    portal
        .key
        .with_value(|pk| pk.encrypt(key.as_bytes(), &purpose))
        .map(|e| e.to_string())
        .map_err(|_| AppError::Crypto)
}

/// What a client needs looked at, in words.
fn attention_words(i18n: I18n, c: &ClientRecord) -> Vec<String> {
    let a = c.attention;
    let mut words = Vec::new();
    if a.waiting > 0 {
        words.push(i18n.count(Key::AttentionWaitingOne, Key::AttentionWaiting, a.waiting));
    }
    if a.seats_full {
        words.push(i18n.t(Key::AttentionSeatsFull).to_owned());
    }
    if a.owner_invited {
        words.push(i18n.t(Key::AttentionOwnerInvited).to_owned());
    }
    if a.no_owner {
        words.push(i18n.t(Key::AttentionNoOwner).to_owned());
    }
    words
}

#[derive(Clone, Debug, PartialEq)]
enum Open {
    Nothing,
    New,
    Existing,
    Edit(ClientRecord),
    Unlink(ClientRecord),
}

#[component]
pub fn ClientsSection(portal: Portal) -> impl IntoView {
    let i18n = use_i18n();
    let toasts = use_toasts();
    let open = RwSignal::new(Open::Nothing);
    let page = RwSignal::new(ClientPage::default());
    let attention_only = RwSignal::new(false);
    let remote = Remote {
        search: RwSignal::new(String::new()),
        sort: RwSignal::new(None),
        page: RwSignal::new(0),
        total: Signal::derive(move || page.with(|p| p.matching as usize)),
    };
    let asked = StoredValue::new(0u32);
    // The server searches, orders and cuts: a provider may have thousands of clients.
    Effect::new(move |sent: Option<String>| {
        portal.revision.track();
        let sort = remote.sort.get();
        let query = ClientQuery {
            search: remote.search.get(),
            sort: match sort {
                Some((1, _)) => ClientSort::Plan,
                Some((2, _)) => ClientSort::Used,
                Some((3, _)) => ClientSort::Added,
                _ => ClientSort::Name,
            },
            descending: matches!(sort, Some((_, false))),
            page: u32::try_from(remote.page.get()).unwrap_or(u32::MAX),
            attention: attention_only.get(),
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
            let answer = provider_clients(portal.id(), query).await;
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
    let admin = portal.admin();
    let id = portal.id();
    let actions = move |c: &ClientRecord| {
        let name = c.name.clone();
        let label = Signal::derive(move || i18n.fmt(Key::ActionsFor, &[("member", &name)]));
        let record = StoredValue::new(c.clone());
        let manage = format!("/org?id={}&section=members", c.org);
        view! {
            <Menu label=label class="end" icon=crate::ui::icons::Icon::More icon_only=true>
                <li><a href=manage>{move || i18n.t(Key::ManageClient)}</a></li>
                <li><button type="button" on:click=move |_| open.set(Open::Edit(record.get_value()))>{move || i18n.t(Key::EditClient)}</button></li>
                {admin.then(|| view! {
                    <li><button type="button" class="danger" on:click=move |_| open.set(Open::Unlink(record.get_value()))>{move || i18n.t(Key::UnlinkClient)}</button></li>
                })}
            </Menu>
        }
        .into_any()
    };
    let columns = vec![
        Column::new(Key::Client, |c: &ClientRecord| {
            let href = format!("/org?id={}&section=members", c.org);
            view! { <a class="cell-main" href=href>{c.name.clone()}</a> }.into_any()
        })
        .sorted_by(|c| c.name.clone()),
        Column::new(Key::Plan, move |c: &ClientRecord| {
            let plan = c.plan;
            view! { {move || i18n.t(plan_label(plan))} }.into_any()
        })
        .sorted_by(|c| c.plan.code().to_owned()),
        Column::new(Key::SeatsUsed, move |c: &ClientRecord| {
            let (used, seats) = (c.used, c.seats);
            let free = seats.saturating_sub(used);
            view! {
                <span class="cell-main">{format!("{used} / {seats}")}</span>
                <span class="cell-sub">{move || i18n.fmt(Key::SeatsFree, &[("n", &free.to_string())])}</span>
            }
            .into_any()
        })
        .sorted_by(|c| format!("{:010}", c.used)),
        Column::new(Key::Added, move |c: &ClientRecord| {
            let at = c.linked_at;
            view! { {move || format_time(at, i18n.lang.get())} }.into_any()
        })
        .sorted_by(|c| format!("{:020}", c.linked_at)),
        Column::new(Key::Attention, move |c: &ClientRecord| {
            let record = c.clone();
            view! {
                <ul class="badges">
                    {move || attention_words(i18n, &record).into_iter().map(|w| view! { <li class="badge warn">{w}</li> }).collect_view()}
                </ul>
            }
            .into_any()
        }),
        Column::new(Key::Actions, actions),
    ];
    let totals = move || {
        page.with(|p| {
            format!(
                "{} · {}",
                i18n.count(Key::ClientCountOne, Key::ClientCount, p.total),
                i18n.fmt(
                    Key::NeedingAttention,
                    &[("n", &p.needing_attention.to_string())]
                )
            )
        })
    };
    let unlinking = Signal::derive(move || matches!(open.get(), Open::Unlink(_)));
    view! {
        <div class="section-tools">
            <button type="button" class="primary" id="new-client" on:click=move |_| open.set(Open::New)>
                {move || i18n.t(Key::NewClient)}
            </button>
            {admin.then(|| view! {
                <button type="button" id="add-existing-client" on:click=move |_| open.set(Open::Existing)>
                    {move || i18n.t(Key::AddExistingOrg)}
                </button>
            })}
            <label class="check">
                <input type="checkbox" id="clients-attention" prop:checked=move || attention_only.get()
                    on:change=move |ev| { attention_only.set(event_target_checked(&ev)); remote.page.set(0); } />
                {move || i18n.t(Key::NeedsAttentionOnly)}
            </label>
        </div>
        <p class="muted small" id="client-totals">{totals}</p>
        <DataTable
            id="clients-table"
            label=Key::Clients
            rows=Signal::derive(move || page.with(|p| p.clients.clone()))
            columns
            haystack=|c: &ClientRecord| c.name.clone()
            row_key=|c: &ClientRecord| format!("{}{}{}{}", c.org, c.name, c.seats, c.used)
            empty=if admin { Key::NoClients } else { Key::NoClientsStaff }
            remote
        />
        {move || match open.get() {
            Open::New => view! { <NewClientDialog portal open /> }.into_any(),
            Open::Existing => view! { <AddExistingDialog portal open /> }.into_any(),
            Open::Edit(c) => view! { <EditClientDialog portal open client=c /> }.into_any(),
            _ => ().into_any(),
        }}
        <ConfirmDialog
            open=unlinking
            title=Signal::derive(move || i18n.t(Key::UnlinkClient).to_owned())
            message=Signal::derive(move || match open.get() {
                Open::Unlink(c) => i18n.fmt(Key::UnlinkQuestion, &[("org", &c.name)]),
                _ => String::new(),
            })
            confirm=Signal::derive(move || i18n.t(Key::UnlinkClient).to_owned())
            danger=true
            on_confirm=Callback::new(move |_| {
                if let Open::Unlink(c) = open.get_untracked() {
                    open.set(Open::Nothing);
                    let provider: ProviderId = id.clone();
                    spawn_local(async move {
                        match provider_client_unlink(provider, c.org.clone()).await {
                            Ok(()) => {
                                toasts.success(i18n.fmt(Key::ClientUnlinked, &[("org", &c.name)]));
                                portal.refresh();
                            }
                            Err(e) => toast_error(&e),
                        }
                    });
                }
            })
            on_cancel=Callback::new(move |_| open.set(Open::Nothing))
            id="unlink-client"
        />
    }
}

/// The plans a client may be on.
#[component]
fn PlanSelect(id: &'static str, plan: RwSignal<Plan>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="field">
            <label for=id>{move || i18n.t(Key::Plan)}</label>
            <select id=id on:change=move |ev| {
                plan.set(if event_target_value(&ev) == "enterprise" { Plan::Enterprise } else { Plan::Teams })
            }>
                {[Plan::Teams, Plan::Enterprise].into_iter().map(|p| view! {
                    <option value=p.code() selected=move || plan.get() == p>{move || i18n.t(plan_label(p))}</option>
                }).collect_view()}
            </select>
        </div>
    }
}

/// A new client: the organization and its key are made here; the key goes to the server only
/// under the provider key; the customer's owner is invited by mail.
#[component]
fn NewClientDialog(portal: Portal, open: RwSignal<Open>) -> impl IntoView {
    let i18n = use_i18n();
    let toasts = use_toasts();
    let errors = FormErrors::new();
    let pending = RwSignal::new(false);
    let name = RwSignal::new(String::new());
    let billing = RwSignal::new(String::new());
    let owner = RwSignal::new(String::new());
    let plan = RwSignal::new(Plan::Teams);
    let seats = RwSignal::new("10".to_owned());
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        errors.clear();
        let made = new_item_id()
            .map(|id| OrgId::from_stored(id.to_string()))
            .and_then(|org| SymmetricKey::generate().map(|key| (org, key)));
        let Ok((org, key)) = made else {
            return toast_error(&AppError::Crypto);
        };
        let org_key = match wrap(portal, &org, &key) {
            Ok(k) => k,
            Err(e) => return toast_error(&e),
        };
        let client = NewClient {
            org,
            name: name.get_untracked(),
            billing_email: billing.get_untracked(),
            plan: plan.get_untracked(),
            seats: seats.get_untracked().trim().parse().unwrap_or(0),
            owner_email: owner.get_untracked(),
            org_key,
            default_collection: i18n.t(Key::DefaultCollection).to_owned(),
        };
        let problems = client.problems();
        if !problems.is_empty() {
            errors.show(&AppError::Invalid(problems));
            return;
        }
        pending.set(true);
        spawn_local(async move {
            let name = client.name.trim().to_owned();
            let result = provider_client_create(portal.id(), client).await;
            pending.set(false);
            match result {
                Ok(_) => {
                    toasts.success(i18n.fmt(Key::ClientCreated, &[("org", &name)]));
                    open.set(Open::Nothing);
                    portal.refresh();
                }
                Err(e) => report(errors, &e),
            }
        });
    };
    view! {
        <Dialog open=Signal::derive(|| true) title=Signal::derive(move || i18n.t(Key::NewClient).to_owned())
            on_cancel=Callback::new(move |_| open.set(Open::Nothing)) id=Some("new-client-dialog".to_owned())>
            <form on:submit=on_submit novalidate>
                <p class="help">{move || i18n.t(Key::NewClientHelp)}</p>
                <TextField id="client-name" label=Key::OrgName value=name error=errors.message(Field::OrgName) required=true />
                <TextField id="client-billing" label=Key::BillingEmail value=billing error=errors.message(Field::BillingEmail) input_type="email" help=Key::BillingEmailHelp required=true />
                <PlanSelect id="client-plan" plan />
                <TextField id="client-seats" label=Key::Seats value=seats error=errors.message(Field::Seats) input_type="number" required=true />
                <TextField id="client-owner" label=Key::ClientOwnerEmail value=owner error=errors.message(Field::Emails) input_type="email" help=Key::ClientOwnerHelp required=true />
                <div class="actions">
                    <button type="button" on:click=move |_| open.set(Open::Nothing)>{move || i18n.t(Key::Cancel)}</button>
                    <SubmitButton label=Key::CreateClient pending />
                </div>
            </form>
        </Dialog>
    }
}

/// An organization the provider admin owns, added as a client: its key, opened here with their
/// own membership's key, goes to the server under the provider key.
#[component]
fn AddExistingDialog(portal: Portal, open: RwSignal<Open>) -> impl IntoView {
    let i18n = use_i18n();
    let toasts = use_toasts();
    let vault = use_vault();
    let pending = RwSignal::new(false);
    let chosen = RwSignal::new(String::new());
    let linkable = LocalResource::new(move || provider_linkable(portal.id()));
    let add = move |_| {
        let org = chosen.get_untracked();
        if org.is_empty() {
            return;
        }
        pending.set(true);
        spawn_local(async move {
            let result = async {
                let mine = orgs_mine().await?;
                let membership = mine
                    .into_iter()
                    .find(|m| m.org_id.as_str() == org)
                    .ok_or(AppError::NotFound)?;
                let keys = vault.keys().ok_or(AppError::Unauthenticated)?;
                let key = membership
                    .sealed_org_key
                    .as_deref()
                    .ok_or(AppError::Crypto)
                    .and_then(|k| open_key(&keys.private_key, k).map_err(|_| AppError::Crypto))?;
                let org_key = wrap(portal, &membership.org_id, &key)?;
                provider_client_link(
                    portal.id(),
                    LinkClient {
                        org: membership.org_id.clone(),
                        org_key,
                    },
                )
                .await?;
                Ok::<_, AppError>(membership.name)
            }
            .await;
            pending.set(false);
            match result {
                Ok(name) => {
                    toasts.success(i18n.fmt(Key::ClientAdded, &[("org", &name)]));
                    open.set(Open::Nothing);
                    portal.refresh();
                }
                Err(e) => toast_error(&e),
            }
        });
    };
    view! {
        <Dialog open=Signal::derive(|| true) title=Signal::derive(move || i18n.t(Key::AddExistingOrg).to_owned())
            on_cancel=Callback::new(move |_| open.set(Open::Nothing)) id=Some("add-existing-dialog".to_owned())>
            <p class="notice" role="note">{move || i18n.t(Key::OwnCredentialsApart)}</p>
            {move || match linkable.get() {
                None => view! { <p class="loading">{move || i18n.t(Key::Loading)}</p> }.into_any(),
                Some(Err(e)) => view! { <p role="alert">{i18n.error(&e)}</p> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! { <p class="empty">{move || i18n.t(Key::NoLinkableOrgs)}</p> }.into_any(),
                Some(Ok(list)) => view! {
                    <fieldset>
                        <legend>{move || i18n.t(Key::ChooseOrganization)}</legend>
                        {list.into_iter().map(|o: LinkableOrg| {
                            let value = o.org.to_string();
                            let plan = o.plan;
                            view! {
                                <label class="check">
                                    <input type="radio" name="linkable" value=value.clone() on:change=move |_| chosen.set(value.clone()) />
                                    {o.name.clone()} " · " {move || i18n.t(plan_label(plan))}
                                </label>
                            }
                        }).collect_view()}
                    </fieldset>
                }.into_any(),
            }}
            <div class="actions">
                <button type="button" on:click=move |_| open.set(Open::Nothing)>{move || i18n.t(Key::Cancel)}</button>
                <button type="button" class="primary" id="add-client" disabled=move || pending.get() || chosen.with(String::is_empty) on:click=add>
                    {move || i18n.t(Key::AddAsClient)}
                </button>
            </div>
        </Dialog>
    }
}

/// A client's name and seats, as provider staff set them.
#[component]
fn EditClientDialog(portal: Portal, open: RwSignal<Open>, client: ClientRecord) -> impl IntoView {
    let i18n = use_i18n();
    let toasts = use_toasts();
    let errors = FormErrors::new();
    let pending = RwSignal::new(false);
    let name = RwSignal::new(client.name.clone());
    let seats = RwSignal::new(client.seats.to_string());
    let org = StoredValue::new(client.org.clone());
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        errors.clear();
        let update = ClientUpdate {
            name: name.get_untracked(),
            seats: seats.get_untracked().trim().parse().unwrap_or(0),
        };
        let problems = update.problems();
        if !problems.is_empty() {
            errors.show(&AppError::Invalid(problems));
            return;
        }
        pending.set(true);
        spawn_local(async move {
            let result = provider_client_update(portal.id(), org.get_value(), update).await;
            pending.set(false);
            match result {
                Ok(()) => {
                    toasts.success(i18n.t(Key::ClientSaved).to_owned());
                    open.set(Open::Nothing);
                    portal.refresh();
                }
                Err(e) => report(errors, &e),
            }
        });
    };
    view! {
        <Dialog open=Signal::derive(|| true) title=Signal::derive(move || i18n.t(Key::EditClient).to_owned())
            on_cancel=Callback::new(move |_| open.set(Open::Nothing)) id=Some("edit-client-dialog".to_owned())>
            <form on:submit=on_submit novalidate>
                <TextField id="edit-client-name" label=Key::OrgName value=name error=errors.message(Field::OrgName) required=true />
                <TextField id="edit-client-seats" label=Key::Seats value=seats error=errors.message(Field::Seats) input_type="number" required=true />
                <div class="actions">
                    <button type="button" on:click=move |_| open.set(Open::Nothing)>{move || i18n.t(Key::Cancel)}</button>
                    <SubmitButton label=Key::Save pending />
                </div>
            </form>
        </Dialog>
    }
}
