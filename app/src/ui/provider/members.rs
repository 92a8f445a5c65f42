//! The provider's members (provider admins only): filters with counts, a page at a time from the
//! server, inviting by address as provider admin or service user, confirming with the fingerprint
//! phrase (the provider key is sealed here to the member's public key), role, revoke, restore,
//! remove, re-send. And the provider's event log.

use super::{provider_role_label, Portal};
use crate::api::providers::{
    provider_confirm, provider_events, provider_invite, provider_members_change,
    provider_members_page, provider_reinvite,
};
use crate::crypto::fingerprint::fingerprint_phrase;
use crate::crypto::sealed::seal_key;
use crate::domain::events::{EventCursor, EventFilter, EventRecord};
use crate::domain::org::MemberStatus;
use crate::domain::provider::{
    ProviderConfirmation, ProviderInviteInput, ProviderMemberChange, ProviderMemberFilter,
    ProviderMemberOutcome, ProviderMemberPage, ProviderMemberQuery, ProviderMemberRecord,
    ProviderRole,
};
use crate::domain::{AppError, Field, ProviderMemberId};
use crate::i18n::Key;
use crate::ui::browser::{fetch_text, format_time, sleep_ms};
use crate::ui::components::{report, toast_error, FormErrors, SubmitButton};
use crate::ui::dialog::{ConfirmDialog, Dialog};
use crate::ui::menu::Menu;
use crate::ui::state::{use_i18n, use_toasts, I18n};
use crate::ui::table::{Column, DataTable, Remote};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

const WORD_LIST: &str = "/pkg/eff_large_wordlist.txt";

fn member_label(m: &ProviderMemberRecord) -> String {
    match &m.name {
        Some(name) if !name.is_empty() => format!("{name} <{}>", m.email),
        _ => m.email.clone(),
    }
}

fn status_key(m: &ProviderMemberRecord) -> Key {
    match (m.revoked, m.status) {
        (true, _) => Key::StatusRevoked,
        (false, MemberStatus::Invited) => Key::StatusInvited,
        (false, MemberStatus::Accepted) => Key::StatusAccepted,
        (false, MemberStatus::Confirmed) => Key::StatusConfirmed,
    }
}

/// Says how a call on several members went: all of them, or how many and the first refusal.
fn say_outcomes(i18n: I18n, done_keys: (Key, Key), outcomes: &[ProviderMemberOutcome]) {
    let toasts = use_toasts();
    let done = outcomes.iter().filter(|o| o.error.is_none()).count() as u64;
    match outcomes.iter().find_map(|o| o.error.as_ref()) {
        None => toasts.success(i18n.count(done_keys.0, done_keys.1, done)),
        Some(e) => toasts.error(i18n.fmt(
            Key::BulkPartly,
            &[
                ("done", &done.to_string()),
                ("total", &outcomes.len().to_string()),
                ("reason", &i18n.error(e)),
            ],
        )),
    }
}

#[component]
pub fn MembersSection(portal: Portal) -> impl IntoView {
    let i18n = use_i18n();
    let inviting = RwSignal::new(false);
    let confirming = RwSignal::new(Vec::<ProviderMemberRecord>::new());
    let removing = RwSignal::new(None::<(ProviderMemberId, String, ProviderMemberChange)>);
    let page = RwSignal::new(ProviderMemberPage::default());
    let filter = RwSignal::new(ProviderMemberFilter::All);
    let me = portal.membership.with_untracked(|m| m.member.clone());
    let remote = Remote {
        search: RwSignal::new(String::new()),
        sort: RwSignal::new(None),
        page: RwSignal::new(0),
        total: Signal::derive(move || page.with(|p| p.matching as usize)),
    };
    let asked = StoredValue::new(0u32);
    Effect::new(move |sent: Option<String>| {
        portal.revision.track();
        let query = ProviderMemberQuery {
            search: remote.search.get(),
            filter: filter.get(),
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
            let answer = provider_members_page(portal.id(), query).await;
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
    let change = move |change: ProviderMemberChange, id: ProviderMemberId| {
        spawn_local(async move {
            match provider_members_change(portal.id(), change, vec![id]).await {
                Ok(outcomes) => {
                    say_outcomes(
                        i18n,
                        (Key::MemberChangedOne, Key::MembersChanged),
                        &outcomes,
                    );
                    portal.refresh();
                }
                Err(e) => toast_error(&e),
            }
        });
    };
    let resend = move |id: ProviderMemberId| {
        spawn_local(async move {
            match provider_reinvite(portal.id(), id).await {
                Ok(()) => use_toasts().success(i18n.t(Key::InvitationResent).to_owned()),
                Err(e) => toast_error(&e),
            }
        });
    };
    let actions = move |m: &ProviderMemberRecord| {
        let m = m.clone();
        let own = m.id == me;
        let email = m.email.clone();
        let label = Signal::derive(move || i18n.fmt(Key::ActionsFor, &[("member", &email)]));
        let id = StoredValue::new(m.id.clone());
        let record = StoredValue::new(m.clone());
        let other_role = match m.role {
            ProviderRole::ProviderAdmin => ProviderRole::ServiceUser,
            ProviderRole::ServiceUser => ProviderRole::ProviderAdmin,
        };
        let who = member_label(&m);
        let (revoke_who, remove_who) = (who.clone(), who);
        view! {
            <Menu label=label class="end" icon=crate::ui::icons::Icon::More icon_only=true>
                {(m.status == MemberStatus::Accepted && !m.revoked).then(|| view! {
                    <li><button type="button" on:click=move |_| confirming.set(vec![record.get_value()])>{move || i18n.t(Key::ConfirmMember)}</button></li>
                })}
                {(m.status == MemberStatus::Invited && !m.revoked).then(|| view! {
                    <li><button type="button" on:click=move |_| resend(id.get_value())>{move || i18n.t(Key::ResendInvitation)}</button></li>
                })}
                <li><button type="button" on:click=move |_| change(ProviderMemberChange::Role(other_role), id.get_value())>
                    {move || i18n.fmt(Key::MakeRole, &[("role", i18n.t(provider_role_label(other_role)))])}
                </button></li>
                {(!own && !m.revoked).then(|| view! {
                    <li><button type="button" on:click=move |_| removing.set(Some((id.get_value(), revoke_who.clone(), ProviderMemberChange::Revoke)))>{move || i18n.t(Key::RevokeMember)}</button></li>
                })}
                {m.revoked.then(|| view! {
                    <li><button type="button" on:click=move |_| change(ProviderMemberChange::Restore, id.get_value())>{move || i18n.t(Key::RestoreMember)}</button></li>
                })}
                {(!own).then(|| view! {
                    <li><button type="button" class="danger" on:click=move |_| removing.set(Some((id.get_value(), remove_who.clone(), ProviderMemberChange::Remove)))>{move || i18n.t(Key::RemoveMember)}</button></li>
                })}
            </Menu>
        }
        .into_any()
    };
    let columns = vec![
        Column::new(Key::Member, |m: &ProviderMemberRecord| {
            let name = m.name.clone().filter(|n| !n.is_empty());
            view! {
                <span class="cell-main">{name.clone().unwrap_or_else(|| m.email.clone())}</span>
                {name.map(|_| view! { <span class="cell-sub">{m.email.clone()}</span> })}
            }
            .into_any()
        }),
        Column::new(Key::Role, move |m: &ProviderMemberRecord| {
            let role = m.role;
            view! { {move || i18n.t(provider_role_label(role))} }.into_any()
        }),
        Column::new(Key::Status, move |m: &ProviderMemberRecord| {
            let status = status_key(m);
            view! { <span class="badge">{move || i18n.t(status)}</span> }.into_any()
        }),
        Column::new(Key::Actions, actions),
    ];
    let filters = [
        (ProviderMemberFilter::All, Key::FilterAll),
        (ProviderMemberFilter::Invited, Key::StatusInvited),
        (
            ProviderMemberFilter::NeedsConfirmation,
            Key::NeedsConfirmation,
        ),
        (ProviderMemberFilter::Revoked, Key::StatusRevoked),
    ];
    let count_of = move |f: ProviderMemberFilter| {
        page.with(|p| match f {
            ProviderMemberFilter::All => p.all,
            ProviderMemberFilter::Invited => p.invited,
            ProviderMemberFilter::NeedsConfirmation => p.needs_confirmation,
            ProviderMemberFilter::Revoked => p.revoked,
        })
    };
    view! {
        <div class="section-tools">
            <button type="button" class="primary" id="invite-provider-members" on:click=move |_| inviting.set(true)>
                {move || i18n.t(Key::InviteMembers)}
            </button>
        </div>
        <div class="tabs" role="group" aria-label=move || i18n.t(Key::MemberFilters)>
            {filters.into_iter().map(|(f, label)| view! {
                <button type="button" aria-pressed=move || (filter.get() == f).to_string()
                    on:click=move |_| { filter.set(f); remote.page.set(0); }>
                    {move || format!("{} ({})", i18n.t(label), count_of(f))}
                </button>
            }).collect_view()}
        </div>
        <DataTable
            id="provider-members-table"
            label=Key::Members
            rows=Signal::derive(move || page.with(|p| p.members.clone()))
            columns
            haystack=|m: &ProviderMemberRecord| m.email.clone()
            row_key=|m: &ProviderMemberRecord| format!("{}{}{}{}", m.id, m.role.code(), m.status.code(), m.revoked)
            empty=Key::NoMembers
            remote
        />
        <Show when=move || inviting.get()>
            <InviteDialog portal open=inviting />
        </Show>
        <Show when=move || confirming.with(|c| !c.is_empty())>
            <ConfirmDialogFor portal members=confirming />
        </Show>
        <ConfirmDialog
            open=Signal::derive(move || removing.with(Option::is_some))
            title=Signal::derive(move || match removing.get() {
                Some((_, _, ProviderMemberChange::Revoke)) => i18n.t(Key::RevokeMember).to_owned(),
                _ => i18n.t(Key::RemoveMember).to_owned(),
            })
            message=Signal::derive(move || match removing.get() {
                Some((_, who, ProviderMemberChange::Revoke)) => i18n.fmt(Key::ProviderRevokeQuestion, &[("member", &who)]),
                Some((_, who, _)) => i18n.fmt(Key::ProviderRemoveQuestion, &[("member", &who)]),
                None => String::new(),
            })
            confirm=Signal::derive(move || match removing.get() {
                Some((_, _, ProviderMemberChange::Revoke)) => i18n.t(Key::RevokeMember).to_owned(),
                _ => i18n.t(Key::RemoveMember).to_owned(),
            })
            danger=true
            on_confirm=Callback::new(move |_| {
                if let Some((id, _, what)) = removing.get_untracked() {
                    removing.set(None);
                    change(what, id);
                }
            })
            on_cancel=Callback::new(move |_| removing.set(None))
            id="remove-provider-member"
        />
    }
}

/// Splits what was typed into addresses: one per line, or separated by commas or spaces.
fn addresses(text: &str) -> Vec<String> {
    text.split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

#[component]
fn InviteDialog(portal: Portal, open: RwSignal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let toasts = use_toasts();
    let errors = FormErrors::new();
    let pending = RwSignal::new(false);
    let emails = RwSignal::new(String::new());
    let role = RwSignal::new(ProviderRole::ServiceUser);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        errors.clear();
        let invite = ProviderInviteInput {
            emails: addresses(&emails.get_untracked()),
            role: role.get_untracked(),
        };
        let problems = invite.problems();
        if !problems.is_empty() {
            errors.show(&AppError::Invalid(problems));
            return;
        }
        let n = invite.emails.len() as u64;
        pending.set(true);
        spawn_local(async move {
            let result = provider_invite(portal.id(), invite).await;
            pending.set(false);
            match result {
                Ok(_) => {
                    open.set(false);
                    portal.refresh();
                    toasts.success(i18n.count(Key::InvitedOne, Key::InvitedMany, n));
                }
                Err(e) => report(errors, &e),
            }
        });
    };
    let error = errors.message(Field::Emails);
    view! {
        <Dialog open=Signal::derive(move || open.get()) title=Signal::derive(move || i18n.t(Key::InviteMembers).to_owned())
            on_cancel=Callback::new(move |_| open.set(false)) id=Some("provider-invite-dialog".to_owned())>
            <form on:submit=on_submit novalidate>
                <div class="field">
                    <label for="provider-invite-emails">{move || i18n.t(Key::InviteEmails)}</label>
                    <textarea id="provider-invite-emails" rows="3" aria-describedby="provider-invite-emails-error"
                        prop:value=move || emails.get() on:input=move |ev| emails.set(event_target_value(&ev))></textarea>
                    <p class="field-error" id="provider-invite-emails-error" hidden=move || error.with(Option::is_none)>
                        {move || error.get().unwrap_or_default()}
                    </p>
                </div>
                <fieldset>
                    <legend>{move || i18n.t(Key::Role)}</legend>
                    {[ProviderRole::ServiceUser, ProviderRole::ProviderAdmin].into_iter().map(|r| view! {
                        <label class="check">
                            <input type="radio" name="provider-role" prop:checked=move || role.get() == r on:change=move |_| role.set(r) />
                            <span>
                                <span class="cell-main">{move || i18n.t(provider_role_label(r))}</span>
                                <span class="cell-sub">{move || i18n.t(match r {
                                    ProviderRole::ServiceUser => Key::ServiceUserHelp,
                                    ProviderRole::ProviderAdmin => Key::ProviderAdminHelp,
                                })}</span>
                            </span>
                        </label>
                    }).collect_view()}
                </fieldset>
                <div class="actions">
                    <button type="button" on:click=move |_| open.set(false)>{move || i18n.t(Key::Cancel)}</button>
                    <SubmitButton label=Key::SendInvitations pending />
                </div>
            </form>
        </Dialog>
    }
}

/// Confirming: each member's fingerprint phrase, computed here from the public key the server
/// lists, to compare with the phrase in the member's own settings; then the provider key is
/// sealed to that key.
#[component]
fn ConfirmDialogFor(portal: Portal, members: RwSignal<Vec<ProviderMemberRecord>>) -> impl IntoView {
    let i18n = use_i18n();
    let pending = RwSignal::new(false);
    let words = LocalResource::new(|| fetch_text(WORD_LIST));
    let rows = move || {
        let list = words.get()??;
        Some(
            members
                .get()
                .into_iter()
                .map(|m| {
                    let phrase = match (&m.public_key, &m.user_id) {
                        (Some(key), Some(user)) => {
                            fingerprint_phrase(&list, key, user.as_str()).map_err(|_| ())
                        }
                        _ => Err(()),
                    };
                    (m, phrase)
                })
                .collect::<Vec<_>>(),
        )
    };
    let close = move || members.set(Vec::new());
    let on_confirm = move |_| {
        let Some(rows) = rows() else { return };
        let confirmations: Vec<ProviderConfirmation> = rows
            .iter()
            .filter(|(_, phrase)| phrase.is_ok())
            .filter_map(|(m, _)| {
                let key = m.public_key.as_deref()?;
                let sealed = portal.key.with_value(|k| seal_key(key, k)).ok()?;
                Some(ProviderConfirmation {
                    member: m.id.clone(),
                    sealed_provider_key: sealed,
                })
            })
            .collect();
        if confirmations.is_empty() {
            return;
        }
        pending.set(true);
        spawn_local(async move {
            let result = provider_confirm(portal.id(), confirmations).await;
            pending.set(false);
            match result {
                Ok(outcomes) => {
                    say_outcomes(
                        i18n,
                        (Key::MemberConfirmedOne, Key::MembersConfirmed),
                        &outcomes,
                    );
                    close();
                    portal.refresh();
                }
                Err(e) => toast_error(&e),
            }
        });
    };
    view! {
        <Dialog open=Signal::derive(move || members.with(|m| !m.is_empty()))
            title=Signal::derive(move || i18n.t(Key::ConfirmMember).to_owned())
            on_cancel=Callback::new(move |_| close()) id=Some("provider-confirm-dialog".to_owned())>
            <p>{move || i18n.t(Key::FingerprintHelp)}</p>
            {move || match rows() {
                None => view! { <p class="loading">{move || i18n.t(Key::Loading)}</p> }.into_any(),
                Some(rows) => view! {
                    <ul class="fingerprints">
                        {rows.into_iter().map(|(m, phrase)| view! {
                            <li>
                                <span class="cell-main">{member_label(&m)}</span>
                                {match phrase {
                                    Ok(phrase) => view! { <code class="fingerprint">{phrase}</code> }.into_any(),
                                    Err(()) => view! { <span class="field-error">{move || i18n.t(Key::ErrKeyMaterial)}</span> }.into_any(),
                                }}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
            <div class="actions">
                <button type="button" autofocus on:click=move |_| close()>{move || i18n.t(Key::Cancel)}</button>
                <button type="button" class="primary" id="confirm-provider-members" disabled=move || pending.get() on:click=on_confirm>
                    {move || i18n.t(Key::PhrasesMatch)}
                </button>
            </div>
        </Dialog>
    }
}

/// The provider's event log, newest first, a page of 100 at a time.
#[component]
pub fn EventsSection(portal: Portal) -> impl IntoView {
    let i18n = use_i18n();
    let events = RwSignal::new(Vec::<EventRecord>::new());
    let next = RwSignal::new(None::<EventCursor>);
    let pending = RwSignal::new(false);
    let load = move |more: bool| {
        let before = if more { next.get_untracked() } else { None };
        pending.set(true);
        spawn_local(async move {
            let result = provider_events(portal.id(), EventFilter::default(), before).await;
            pending.set(false);
            match result {
                Ok(page) => {
                    if more {
                        events.update(|e| e.extend(page.events));
                    } else {
                        events.set(page.events);
                    }
                    next.set(page.next);
                }
                Err(e) => toast_error(&e),
            }
        });
    };
    load(false);
    let columns = vec![
        Column::new(Key::When, move |e: &EventRecord| {
            let at = e.at;
            view! { {move || format_time(at, i18n.lang.get())} }.into_any()
        })
        .sorted_by(|e| format!("{:020}", e.at)),
        Column::new(Key::EventKind, |e: &EventRecord| {
            view! { {e.kind.replace('_', " ")} }.into_any()
        })
        .sorted_by(|e| e.kind.clone()),
        Column::new(Key::Member, |e: &EventRecord| {
            view! {
                <span class="cell-main">{e.actor_name.clone().filter(|n| !n.is_empty()).or(e.actor_email.clone()).unwrap_or_default()}</span>
            }
            .into_any()
        })
        .sorted_by(|e| e.actor_email.clone().unwrap_or_default()),
        Column::new(Key::Target, |e: &EventRecord| {
            view! {
                <span class="cell-main">{e.target_email.clone().unwrap_or_default()}</span>
                <span class="cell-sub">{e.detail.clone()}</span>
            }
            .into_any()
        }),
        Column::new(Key::ClientAddress, |e: &EventRecord| {
            view! { {e.client_addr.clone()} }.into_any()
        }),
    ];
    view! {
        <DataTable
            id="provider-events-table"
            label=Key::EventLog
            rows=events.into()
            columns
            haystack=|e: &EventRecord| format!("{} {} {}", e.kind, e.actor_email.clone().unwrap_or_default(), e.detail)
            row_key=|e: &EventRecord| e.id.to_string()
            empty=Key::NoEvents
        />
        <Show when=move || next.with(Option::is_some)>
            <button type="button" id="older-provider-events" disabled=move || pending.get() on:click=move |_| load(true)>{move || i18n.t(Key::OlderEvents)}</button>
        </Show>
    }
}
