//! Members: the table, inviting by address, and the key exchange. Confirming shows each
//! member's fingerprint phrase (computed here from the public key the server lists) so the admin
//! can compare it with the member's own before the organization key is sealed to that key.

use super::{member_name, role_label, status_label, Console};
use crate::api::orgs::{
    org_confirm, org_invite, org_member_page, org_members_change, org_reinvite,
};
use crate::crypto::fingerprint::fingerprint_phrase;
use crate::crypto::sealed::seal_key;
use crate::domain::org::{
    AccessLevel, Confirmation, Grant, InviteInput, MemberChange, MemberOutcome, MemberQuery,
    MemberRecord, MemberSort, MemberStatus, OrgRole, MEMBER_PAGE_ROWS,
};
use crate::domain::{AppError, Field, GroupId, MemberId};
use crate::i18n::Key;
use crate::ui::browser::{fetch_text, focus, sleep_ms};
use crate::ui::components::{report, toast_error, FormErrors, SubmitButton};
use crate::ui::dialog::{ConfirmDialog, Dialog};
use crate::ui::menu::Menu;
use crate::ui::state::{use_i18n, use_toasts, I18n};
use crate::ui::table::{Column, DataTable, Remote};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

const WORD_LIST: &str = "/pkg/eff_large_wordlist.txt";

pub fn level_label(level: AccessLevel) -> Key {
    match level {
        AccessLevel::View => Key::LevelView,
        AccessLevel::ViewExceptPasswords => Key::LevelViewExceptPasswords,
        AccessLevel::Edit => Key::LevelEdit,
        AccessLevel::EditExceptPasswords => Key::LevelEditExceptPasswords,
        AccessLevel::Manage => Key::LevelManage,
    }
}

/// A level picker for one collection: "No access" or one of the five levels.
#[component]
pub fn LevelSelect(
    id: String,
    #[prop(into)] label: Signal<String>,
    value: RwSignal<Option<AccessLevel>>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="field inline">
            <label for=id.clone()>{move || label.get()}</label>
            <select
                id=id
                on:change=move |ev| value.set(AccessLevel::from_code(&event_target_value(&ev)))
            >
                <option value="" selected=move || value.with(Option::is_none)>{move || i18n.t(Key::NoAccess)}</option>
                {AccessLevel::ALL.iter().map(|l| {
                    let l = *l;
                    view! {
                        <option value=l.code() selected=move || value.get() == Some(l)>{move || i18n.t(level_label(l))}</option>
                    }
                }).collect_view()}
            </select>
        </div>
    }
}

/// Says how a bulk call went: every member fine, or which ones failed and why.
fn say_outcomes(i18n: I18n, console: Console, done: (Key, Key), outcomes: &[MemberOutcome]) {
    let toasts = use_toasts();
    let failed: Vec<String> = outcomes
        .iter()
        .filter_map(|o| {
            o.error
                .as_ref()
                .map(|e| format!("{}: {}", console.member_label(&o.member), i18n.error(e)))
        })
        .collect();
    let ok = outcomes.len() - failed.len();
    if failed.is_empty() {
        toasts.success(i18n.count(done.0, done.1, ok as u64));
    } else {
        toasts.error(format!(
            "{} {}",
            i18n.fmt(
                Key::PartlyDone,
                &[
                    ("ok", &ok.to_string()),
                    ("failed", &failed.len().to_string())
                ]
            ),
            failed.join("; ")
        ));
    }
}

#[component]
pub fn MembersSection(console: Console) -> impl IntoView {
    let i18n = use_i18n();
    let inviting = RwSignal::new(false);
    let confirming = RwSignal::new(Vec::<MemberRecord>::new());
    let removing = RwSignal::new(None::<(MemberId, MemberChange)>);
    let me = console.membership.with_untracked(|m| m.member_id.clone());
    let my_role = console.role();
    let change = move |change: MemberChange, id: MemberId| {
        spawn_local(async move {
            match org_members_change(console.org(), change, vec![id]).await {
                Ok(outcomes) => {
                    say_outcomes(
                        i18n,
                        console,
                        (Key::MemberChangedOne, Key::MembersChanged),
                        &outcomes,
                    );
                    console.refresh();
                    // The row (and the menu that had focus) is gone: back to the table's search.
                    if change == MemberChange::Remove {
                        focus("members-table-search");
                    }
                }
                Err(e) => toast_error(&e),
            }
        });
    };
    let resend = move |id: MemberId| {
        spawn_local(async move {
            match org_reinvite(console.org(), id).await {
                Ok(()) => use_toasts().success(i18n.t(Key::InvitationResent).to_owned()),
                Err(e) => toast_error(&e),
            }
        });
    };
    // The server searches, orders and cuts the list: an organization may have thousands.
    let remote = Remote {
        search: RwSignal::new(String::new()),
        sort: RwSignal::new(None),
        page: RwSignal::new(0),
        total: Signal::derive(move || console.member_page.with(|p| p.matching as usize)),
    };
    let asked = StoredValue::new(0u32);
    // The effect returns the search it sent, so the next run knows whether someone is typing.
    Effect::new(move |sent: Option<String>| {
        console.revision.track();
        let sort = remote.sort.get();
        let query = MemberQuery {
            search: remote.search.get(),
            sort: match sort {
                Some((1, _)) => MemberSort::Role,
                Some((2, _)) => MemberSort::Status,
                _ => MemberSort::Member,
            },
            descending: matches!(sort, Some((_, false))),
            page: u32::try_from(remote.page.get()).unwrap_or(u32::MAX),
            waiting: false,
        };
        let n = asked.get_value() + 1;
        asked.set_value(n);
        let search = query.search.clone();
        let typing = sent.is_some_and(|s| s != search);
        spawn_local(async move {
            // While someone types, only the search they stop at is sent.
            if typing {
                sleep_ms(200).await;
                if asked.try_get_value() != Some(n) {
                    return;
                }
            }
            let answer = org_member_page(console.org(), query).await;
            // An answer overtaken by a later question (typing on) is dropped.
            if asked.try_get_value() != Some(n) {
                return;
            }
            match answer {
                Ok(page) => console.member_page.set(page),
                Err(e) => toast_error(&e),
            }
        });
        search
    });
    // Those waiting, a page at a time: each phrase is compared by a person.
    let waiting = Memo::new(move |_| {
        console
            .member_page
            .with(|p| p.waiting.min(MEMBER_PAGE_ROWS as u64))
    });
    let confirm_waiting = move || {
        let query = MemberQuery {
            waiting: true,
            ..MemberQuery::default()
        };
        spawn_local(async move {
            match org_member_page(console.org(), query).await {
                Ok(page) => confirming.set(page.members),
                Err(e) => toast_error(&e),
            }
        });
    };
    let me_for_actions = me.clone();
    let actions = move |m: &MemberRecord| {
        let m = m.clone();
        let own = m.id == me_for_actions;
        // Owners only touch owners (the server says so too): an admin sees no actions there.
        if my_role != OrgRole::Owner && m.role == OrgRole::Owner {
            return ().into_any();
        }
        let email = m.email.clone();
        let label = Signal::derive(move || i18n.fmt(Key::ActionsFor, &[("member", &email)]));
        let id = StoredValue::new(m.id.clone());
        let record = StoredValue::new(m.clone());
        let roles: Vec<OrgRole> = OrgRole::ALL
            .iter()
            .copied()
            .filter(|r| *r != m.role && (my_role == OrgRole::Owner || *r != OrgRole::Owner))
            .collect();
        view! {
            <Menu label=label class="end" icon=crate::ui::icons::Icon::More icon_only=true>
                {(m.status == MemberStatus::Accepted && !m.revoked).then(|| view! {
                    <li><button type="button" on:click=move |_| confirming.set(vec![record.get_value()])>{move || i18n.t(Key::ConfirmMember)}</button></li>
                })}
                {(m.status == MemberStatus::Invited && !m.revoked).then(|| view! {
                    <li><button type="button" on:click=move |_| resend(id.get_value())>{move || i18n.t(Key::ResendInvitation)}</button></li>
                })}
                {roles.into_iter().map(|r| view! {
                    <li><button type="button" on:click=move |_| change(MemberChange::Role(r), id.get_value())>
                        {move || i18n.fmt(Key::MakeRole, &[("role", i18n.t(role_label(r)))])}
                    </button></li>
                }).collect_view()}
                {(!own && !m.revoked).then(|| view! {
                    <li><button type="button" on:click=move |_| removing.set(Some((id.get_value(), MemberChange::Revoke)))>{move || i18n.t(Key::RevokeMember)}</button></li>
                })}
                {m.revoked.then(|| view! {
                    <li><button type="button" on:click=move |_| change(MemberChange::Restore, id.get_value())>{move || i18n.t(Key::RestoreMember)}</button></li>
                })}
                {(!own).then(|| view! {
                    <li><button type="button" class="danger" on:click=move |_| removing.set(Some((id.get_value(), MemberChange::Remove)))>{move || i18n.t(Key::RemoveMember)}</button></li>
                })}
            </Menu>
        }
        .into_any()
    };
    let columns = vec![
        Column::new(Key::Member, |m: &MemberRecord| {
            let name = m.name.clone().filter(|n| !n.is_empty());
            view! {
                <span class="cell-main">{name.clone().unwrap_or_else(|| m.email.clone())}</span>
                {name.map(|_| view! { <span class="cell-sub">{m.email.clone()}</span> })}
            }
            .into_any()
        })
        .sorted_by(member_name),
        Column::new(Key::Role, move |m: &MemberRecord| {
            let role = m.role;
            view! { {move || i18n.t(role_label(role))} }.into_any()
        })
        .sorted_by(|m| m.role.code().to_owned()),
        Column::new(Key::Status, move |m: &MemberRecord| {
            let status = status_label(m);
            view! { <span class="badge">{move || i18n.t(status)}</span> }.into_any()
        })
        .sorted_by(|m| format!("{}{}", m.revoked, m.status.code())),
        Column::new(Key::Actions, actions),
    ];
    let question = Signal::derive(move || match removing.get() {
        Some((id, MemberChange::Revoke)) => i18n.fmt(
            Key::RevokeQuestion,
            &[("member", &console.member_label(&id))],
        ),
        Some((id, _)) => i18n.fmt(
            Key::RemoveQuestion,
            &[("member", &console.member_label(&id))],
        ),
        None => String::new(),
    });
    view! {
        <div class="section-tools">
            <button type="button" class="primary" id="invite-members" on:click=move |_| inviting.set(true)>
                {move || i18n.t(Key::InviteMembers)}
            </button>
            // Everyone waiting, in one dialog (each with their phrase); also the way in on a phone.
            <Show when=move || { waiting.get() > 0 }>
                <button type="button" id="confirm-accepted" on:click=move |_| confirm_waiting()>
                    {move || match waiting.get() {
                        1 => i18n.t(Key::ConfirmMember).to_owned(),
                        n => i18n.fmt(Key::ConfirmAccepted, &[("n", &n.to_string())]),
                    }}
                </button>
            </Show>
        </div>
        <DataTable
            id="members-table"
            label=Key::Members
            rows=Signal::derive(move || console.member_page.with(|p| p.members.clone()))
            columns
            haystack=|m: &MemberRecord| format!("{} {}", m.email, m.name.clone().unwrap_or_default())
            row_key=|m: &MemberRecord| format!("{}{}{}{}", m.id, m.role.code(), m.status.code(), m.revoked)
            empty=Key::NoMembers
            remote
        />
        <Show when=move || inviting.get()>
            <InviteDialog console open=inviting />
        </Show>
        <Show when=move || confirming.with(|c| !c.is_empty())>
            <ConfirmMembersDialog console members=confirming />
        </Show>
        <ConfirmDialog
            open=Signal::derive(move || removing.with(Option::is_some))
            title=Signal::derive(move || match removing.get() {
                Some((_, MemberChange::Revoke)) => i18n.t(Key::RevokeMember).to_owned(),
                _ => i18n.t(Key::RemoveMember).to_owned(),
            })
            message=question
            confirm=Signal::derive(move || match removing.get() {
                Some((_, MemberChange::Revoke)) => i18n.t(Key::RevokeMember).to_owned(),
                _ => i18n.t(Key::RemoveMember).to_owned(),
            })
            danger=true
            on_confirm=Callback::new(move |_| {
                if let Some((id, what)) = removing.get_untracked() {
                    removing.set(None);
                    change(what, id);
                }
            })
            on_cancel=Callback::new(move |_| removing.set(None))
            id="remove-member"
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
fn InviteDialog(console: Console, open: RwSignal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let toasts = use_toasts();
    let errors = FormErrors::new();
    let pending = RwSignal::new(false);
    let emails = RwSignal::new(String::new());
    let role = RwSignal::new(OrgRole::User);
    let levels: Vec<(
        crate::domain::org::CollectionSummary,
        RwSignal<Option<AccessLevel>>,
    )> = console
        .collections
        .get_untracked()
        .into_iter()
        .map(|c| (c, RwSignal::new(None)))
        .collect();
    let levels = StoredValue::new(levels);
    let groups = RwSignal::new(Vec::<GroupId>::new());
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        errors.clear();
        let invite = InviteInput {
            emails: addresses(&emails.get_untracked()),
            role: role.get_untracked(),
            groups: groups.get_untracked(),
            collections: levels.with_value(|ls| {
                ls.iter()
                    .filter_map(|(c, l)| {
                        l.get_untracked().map(|level| Grant {
                            collection: c.id.clone(),
                            level,
                        })
                    })
                    .collect()
            }),
        };
        let problems = invite.problems();
        if !problems.is_empty() {
            errors.show(&AppError::Invalid(problems));
            return;
        }
        let n = invite.emails.len() as u64;
        pending.set(true);
        spawn_local(async move {
            let result = org_invite(console.org(), invite).await;
            pending.set(false);
            match result {
                Ok(_) => {
                    open.set(false);
                    console.refresh();
                    toasts.success(i18n.count(Key::InvitedOne, Key::InvitedMany, n));
                }
                Err(e) => report(errors, &e),
            }
        });
    };
    let roles: Vec<OrgRole> = OrgRole::ALL
        .iter()
        .copied()
        .filter(|r| console.role() == OrgRole::Owner || *r != OrgRole::Owner)
        .collect();
    view! {
        <Dialog open=Signal::derive(move || open.get()) title=Signal::derive(move || i18n.t(Key::InviteMembers).to_owned()) on_cancel=Callback::new(move |_| open.set(false)) id=Some("invite-dialog".to_owned())>
            <form on:submit=on_submit novalidate>
                <div class="field">
                    <label for="invite-emails">{move || i18n.t(Key::InviteEmails)}</label>
                    <textarea
                        id="invite-emails"
                        rows="3"
                        aria-describedby="invite-emails-help invite-emails-error"
                        prop:value=move || emails.get()
                        on:input=move |ev| { emails.set(event_target_value(&ev)); errors.edited(Field::Emails); }
                    ></textarea>
                    <p class="help" id="invite-emails-help">{move || i18n.t(Key::InviteEmailsHelp)}</p>
                    <p class="field-error" id="invite-emails-error" role="alert" hidden=move || errors.message(Field::Emails).with(Option::is_none)>
                        {move || errors.message(Field::Emails).get().unwrap_or_default()}
                    </p>
                    <p class="field-error" role="alert" hidden=move || errors.message(Field::Seats).with(Option::is_none)>
                        {move || errors.message(Field::Seats).get().unwrap_or_default()}
                    </p>
                </div>
                <div class="field">
                    <label for="invite-role">{move || i18n.t(Key::Role)}</label>
                    <select id="invite-role" on:change=move |ev| role.set(OrgRole::from_code(&event_target_value(&ev)).unwrap_or(OrgRole::User))>
                        {roles.into_iter().map(|r| view! {
                            <option value=r.code() selected=move || role.get() == r>{move || i18n.t(role_label(r))}</option>
                        }).collect_view()}
                    </select>
                </div>
                <fieldset>
                    <legend>{move || i18n.t(Key::CollectionAccess)}</legend>
                    {levels.get_value().into_iter().map(|(c, level)| {
                        let name = c.name.clone();
                        view! { <LevelSelect id=format!("invite-level-{}", c.id) label=Signal::stored(name) value=level /> }
                    }).collect_view()}
                </fieldset>
                <Show when=move || console.groups.with(|g| !g.is_empty())>
                    <fieldset>
                        <legend>{move || i18n.t(Key::Groups)}</legend>
                        {move || console.groups.get().into_iter().map(|g| {
                            let (id, toggle) = (g.id.clone(), g.id.clone());
                            view! {
                                <label class="check">
                                    <input type="checkbox"
                                        prop:checked=move || groups.with(|gs| gs.contains(&id))
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            groups.update(|gs| { gs.retain(|x| *x != toggle); if on { gs.push(toggle.clone()); } });
                                        }
                                    />
                                    " " {g.name.clone()}
                                </label>
                            }
                        }).collect_view()}
                    </fieldset>
                </Show>
                <div class="actions">
                    <button type="button" on:click=move |_| open.set(false)>{move || i18n.t(Key::Cancel)}</button>
                    <SubmitButton label=Key::SendInvitations pending=pending />
                </div>
            </form>
        </Dialog>
    }
}

/// One member to confirm, with the phrase their key gives.
#[derive(Clone)]
struct ToConfirm {
    member: MemberRecord,
    phrase: Result<String, ()>,
}

#[component]
fn ConfirmMembersDialog(console: Console, members: RwSignal<Vec<MemberRecord>>) -> impl IntoView {
    let i18n = use_i18n();
    let pending = RwSignal::new(false);
    let words = LocalResource::new(|| fetch_text(WORD_LIST));
    let rows = move || {
        let list = words.get()?;
        let list = list?;
        Some(
            members
                .get()
                .into_iter()
                .map(|m| ToConfirm {
                    phrase: match (&m.public_key, &m.user_id) {
                        (Some(key), Some(user)) => {
                            fingerprint_phrase(&list, key, user.as_str()).map_err(|_| ())
                        }
                        _ => Err(()),
                    },
                    member: m,
                })
                .collect::<Vec<_>>(),
        )
    };
    let close = move || members.set(Vec::new());
    let on_confirm = move |_| {
        let Some(rows) = rows() else { return };
        let confirmations: Vec<Confirmation> = rows
            .iter()
            .filter(|r| r.phrase.is_ok())
            .filter_map(|r| {
                let key = r.member.public_key.as_deref()?;
                let sealed = console.key.with_value(|k| seal_key(key, k)).ok()?;
                Some(Confirmation {
                    member: r.member.id.clone(),
                    sealed_org_key: sealed,
                })
            })
            .collect();
        if confirmations.is_empty() {
            return;
        }
        pending.set(true);
        spawn_local(async move {
            let result = org_confirm(console.org(), confirmations).await;
            pending.set(false);
            match result {
                Ok(outcomes) => {
                    say_outcomes(
                        i18n,
                        console,
                        (Key::MemberConfirmedOne, Key::MembersConfirmed),
                        &outcomes,
                    );
                    close();
                    console.refresh();
                }
                Err(e) => toast_error(&e),
            }
        });
    };
    view! {
        <Dialog
            open=Signal::derive(move || members.with(|m| !m.is_empty()))
            title=Signal::derive(move || match members.with(Vec::len) {
                0 | 1 => i18n.t(Key::ConfirmMember).to_owned(),
                n => i18n.fmt(Key::ConfirmAccepted, &[("n", &n.to_string())]),
            })
            on_cancel=Callback::new(move |_| close())
            id=Some("confirm-dialog".to_owned())
        >
            <p>{move || i18n.t(Key::FingerprintHelp)}</p>
            {move || match rows() {
                None => view! { <p class="loading">{move || i18n.t(Key::Loading)}</p> }.into_any(),
                Some(rows) => view! {
                    <ul class="fingerprints">
                        {rows.into_iter().map(|r| view! {
                            <li>
                                <span class="cell-main">{member_name(&r.member)}</span>
                                {match r.phrase {
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
                <button type="button" class="primary" id="confirm-members" disabled=move || pending.get() on:click=on_confirm>
                    {move || i18n.t(Key::PhrasesMatch)}
                </button>
            </div>
        </Dialog>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn addresses_split_on_lines_commas_and_spaces() {
        assert_eq!(
            super::addresses("a@x.test, b@x.test\nc@x.test;d@x.test  "),
            ["a@x.test", "b@x.test", "c@x.test", "d@x.test"]
        );
    }
}
