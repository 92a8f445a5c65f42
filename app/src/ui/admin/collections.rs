//! Collections: create, rename, delete, who reaches each (per member and per group) and the
//! answer to "who can reach this?". Names nest by `/`.

use super::members::{level_label, LevelSelect};
use super::{member_name, Console};
use crate::api::collections::{
    collection_access_get, collection_access_set, collection_delete, collection_reach,
    collection_rename,
};
use crate::api::orgs::collection_create;
use crate::domain::org::{
    collection_name_problem, AccessLevel, CollectionAccess, CollectionSummary, GroupGrant,
    MemberGrant,
};
use crate::domain::shared::{MemberReach, ReachLine};
use crate::domain::{AppError, CollectionId, Field};
use crate::i18n::Key;
use crate::ui::components::{report, toast_error, FormErrors, SubmitButton, TextField};
use crate::ui::dialog::{ConfirmDialog, Dialog};
use crate::ui::menu::Menu;
use crate::ui::state::{use_i18n, use_toasts};
use crate::ui::table::{Column, DataTable};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[derive(Clone, Debug, PartialEq)]
enum Open {
    Nothing,
    New,
    Rename(CollectionSummary),
    Access(CollectionSummary),
    Reach(CollectionSummary),
    Delete(CollectionSummary),
}

#[component]
pub fn CollectionsSection(console: Console) -> impl IntoView {
    console.need_members();
    let i18n = use_i18n();
    let toasts = use_toasts();
    let open = RwSignal::new(Open::Nothing);
    let actions = move |c: &CollectionSummary| {
        let c = StoredValue::new(c.clone());
        let label = Signal::derive(move || {
            i18n.fmt(
                Key::ActionsFor,
                &[("member", &c.with_value(|c| c.name.clone()))],
            )
        });
        view! {
            <Menu label=label class="end" icon=crate::ui::icons::Icon::More icon_only=true>
                <li><button type="button" on:click=move |_| open.set(Open::Access(c.get_value()))>{move || i18n.t(Key::EditAccess)}</button></li>
                <li><button type="button" on:click=move |_| open.set(Open::Reach(c.get_value()))>{move || i18n.t(Key::WhoCanReach)}</button></li>
                <li><button type="button" on:click=move |_| open.set(Open::Rename(c.get_value()))>{move || i18n.t(Key::Rename)}</button></li>
                <li><button type="button" class="danger" on:click=move |_| open.set(Open::Delete(c.get_value()))>{move || i18n.t(Key::Delete)}</button></li>
            </Menu>
        }
        .into_any()
    };
    let columns = vec![
        Column::new(Key::Name, |c: &CollectionSummary| {
            let depth = c.name.matches('/').count();
            let last = c.name.rsplit('/').next().unwrap_or(&c.name).trim().to_owned();
            view! {
                <span class="cell-main" style:padding-inline-start=(depth > 0).then(|| format!("{depth}rem"))>{last}</span>
                {(depth > 0).then(|| view! { <span class="cell-sub">{c.name.clone()}</span> })}
            }
            .into_any()
        })
        .sorted_by(|c| c.name.clone()),
        Column::new(Key::Actions, actions),
    ];
    let deleting = Signal::derive(move || match open.get() {
        Open::Delete(c) => Some(c),
        _ => None,
    });
    view! {
        <div class="section-tools">
            <button type="button" class="primary" id="new-collection" on:click=move |_| open.set(Open::New)>
                {move || i18n.t(Key::NewCollection)}
            </button>
        </div>
        <DataTable
            id="collections-table"
            label=Key::Collections
            rows=console.collections.into()
            columns
            haystack=|c: &CollectionSummary| c.name.clone()
            row_key=|c: &CollectionSummary| format!("{}{}", c.id, c.name)
            empty=Key::NoCollections
        />
        {move || match open.get() {
            Open::New => view! { <NameDialog console open renaming=None /> }.into_any(),
            Open::Rename(c) => view! { <NameDialog console open renaming=Some(c) /> }.into_any(),
            Open::Access(c) => view! { <AccessDialog console open collection=c /> }.into_any(),
            Open::Reach(c) => view! { <ReachDialog console open collection=c /> }.into_any(),
            _ => ().into_any(),
        }}
        <ConfirmDialog
            open=Signal::derive(move || deleting.with(Option::is_some))
            title=Signal::derive(move || i18n.t(Key::DeleteCollection).to_owned())
            message=Signal::derive(move || deleting.get().map(|c| i18n.fmt(Key::DeleteCollectionQuestion, &[("name", &c.name)])).unwrap_or_default())
            confirm=Signal::derive(move || i18n.t(Key::Delete).to_owned())
            danger=true
            on_confirm=Callback::new(move |_| {
                let Some(c) = deleting.get_untracked() else { return };
                open.set(Open::Nothing);
                spawn_local(async move {
                    match collection_delete(console.org(), c.id).await {
                        Ok(()) => {
                            console.refresh();
                            toasts.success(i18n.t(Key::CollectionDeleted).to_owned());
                        }
                        Err(e) => toast_error(&e),
                    }
                });
            })
            on_cancel=Callback::new(move |_| open.set(Open::Nothing))
            id="delete-collection"
        />
    }
}

#[component]
fn NameDialog(
    console: Console,
    open: RwSignal<Open>,
    renaming: Option<CollectionSummary>,
) -> impl IntoView {
    let i18n = use_i18n();
    let toasts = use_toasts();
    let errors = FormErrors::new();
    let pending = RwSignal::new(false);
    let name = RwSignal::new(
        renaming
            .as_ref()
            .map(|c| c.name.clone())
            .unwrap_or_default(),
    );
    let target = StoredValue::new(renaming.as_ref().map(|c| c.id.clone()));
    let title = if renaming.is_some() {
        Key::RenameCollection
    } else {
        Key::NewCollection
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        errors.clear();
        let typed = name.get_untracked();
        if let Some(p) = collection_name_problem(&typed) {
            errors.show(&AppError::field(Field::CollectionName, p));
            return;
        }
        pending.set(true);
        spawn_local(async move {
            let result = match target.get_value() {
                Some(id) => collection_rename(console.org(), id, typed).await,
                None => collection_create(console.org(), typed).await.map(|_| ()),
            };
            pending.set(false);
            match result {
                Ok(()) => {
                    open.set(Open::Nothing);
                    console.refresh();
                    toasts.success(i18n.t(Key::CollectionSaved).to_owned());
                }
                Err(e) => report(errors, &e),
            }
        });
    };
    view! {
        <Dialog open=Signal::derive(|| true) title=Signal::derive(move || i18n.t(title).to_owned()) on_cancel=Callback::new(move |_| open.set(Open::Nothing)) id=Some("collection-dialog".to_owned())>
            <form on:submit=on_submit novalidate>
                <TextField id="collection-name" label=Key::CollectionName value=name error=errors.message(Field::CollectionName) help=Key::CollectionNameHelp required=true />
                <div class="actions">
                    <button type="button" on:click=move |_| open.set(Open::Nothing)>{move || i18n.t(Key::Cancel)}</button>
                    <SubmitButton label=Key::Save pending=pending />
                </div>
            </form>
        </Dialog>
    }
}

#[component]
fn AccessDialog(
    console: Console,
    open: RwSignal<Open>,
    collection: CollectionSummary,
) -> impl IntoView {
    let i18n = use_i18n();
    let toasts = use_toasts();
    let pending = RwSignal::new(false);
    let id = StoredValue::new(collection.id.clone());
    let current = LocalResource::new(move || collection_access_get(console.org(), id.get_value()));
    let on_save =
        move |member_levels: Vec<(crate::domain::MemberId, RwSignal<Option<AccessLevel>>)>,
              group_levels: Vec<(crate::domain::GroupId, RwSignal<Option<AccessLevel>>)>| {
            let access = CollectionAccess {
                members: member_levels
                    .iter()
                    .filter_map(|(m, l)| {
                        l.get_untracked().map(|level| MemberGrant {
                            member: m.clone(),
                            level,
                        })
                    })
                    .collect(),
                groups: group_levels
                    .iter()
                    .filter_map(|(g, l)| {
                        l.get_untracked().map(|level| GroupGrant {
                            group: g.clone(),
                            level,
                        })
                    })
                    .collect(),
            };
            pending.set(true);
            spawn_local(async move {
                let result = collection_access_set(console.org(), id.get_value(), access).await;
                pending.set(false);
                match result {
                    Ok(()) => {
                        open.set(Open::Nothing);
                        console.refresh();
                        toasts.success(i18n.t(Key::AccessSaved).to_owned());
                    }
                    Err(e) => toast_error(&e),
                }
            });
        };
    let title = i18n.fmt(Key::AccessTo, &[("name", &collection.name)]);
    view! {
        <Dialog open=Signal::derive(|| true) title=Signal::stored(title) on_cancel=Callback::new(move |_| open.set(Open::Nothing)) id=Some("access-dialog".to_owned())>
            {move || match current.get() {
                None => view! { <p class="loading">{move || i18n.t(Key::Loading)}</p> }.into_any(),
                Some(Err(e)) => view! { <p role="alert">{i18n.error(&e)}</p> }.into_any(),
                Some(Ok(access)) => {
                    let members: Vec<_> = console.members.get_untracked().into_iter().filter(|m| !m.revoked).map(|m| {
                        let level = access.members.iter().find(|g| g.member == m.id).map(|g| g.level);
                        (m, RwSignal::new(level))
                    }).collect();
                    let groups: Vec<_> = console.groups.get_untracked().into_iter().map(|g| {
                        let level = access.groups.iter().find(|x| x.group == g.id).map(|x| x.level);
                        (g, RwSignal::new(level))
                    }).collect();
                    let member_levels: Vec<_> = members.iter().map(|(m, l)| (m.id.clone(), *l)).collect();
                    let group_levels: Vec<_> = groups.iter().map(|(g, l)| (g.id.clone(), *l)).collect();
                    let save = StoredValue::new((member_levels, group_levels));
                    view! {
                        <p class="help">{move || i18n.t(Key::AccessHelp)}</p>
                        <fieldset>
                            <legend>{move || i18n.t(Key::Members)}</legend>
                            {members.into_iter().map(|(m, level)| view! {
                                <LevelSelect id=format!("member-level-{}", m.id) label=Signal::stored(member_name(&m)) value=level />
                            }).collect_view()}
                        </fieldset>
                        {(!groups.is_empty()).then(|| view! {
                            <fieldset>
                                <legend>{move || i18n.t(Key::Groups)}</legend>
                                {groups.into_iter().map(|(g, level)| view! {
                                    <LevelSelect id=format!("group-level-{}", g.id) label=Signal::stored(g.name.clone()) value=level />
                                }).collect_view()}
                            </fieldset>
                        })}
                        <div class="actions">
                            <button type="button" on:click=move |_| open.set(Open::Nothing)>{move || i18n.t(Key::Cancel)}</button>
                            <button type="button" class="primary" id="save-access" disabled=move || pending.get() on:click=move |_| {
                                let (m, g) = save.get_value();
                                on_save(m, g);
                            }>{move || i18n.t(Key::Save)}</button>
                        </div>
                    }.into_any()
                }
            }}
        </Dialog>
    }
}

/// What "who can reach this?" is asked about.
#[derive(Clone, Debug, PartialEq)]
pub enum ReachTarget {
    Collection(CollectionId),
    Item(crate::domain::ItemId),
}

/// How one line of access came about, as words.
fn reach_way(i18n: crate::ui::state::I18n, line: &ReachLine) -> String {
    let way = match &line.via_group {
        Some(group) => i18n.fmt(Key::ViaGroup, &[("group", group)]),
        None => i18n.t(Key::ViaOwnGrant).to_owned(),
    };
    format!(
        "{way} · {} · {}",
        line.collection_name,
        i18n.t(level_label(line.level))
    )
}

/// Who reaches a collection or an item: one row per member (their effective access, and the
/// lines that explain it), a page of members at a time from the server.
#[component]
pub fn ReachList(console: Console, target: ReachTarget) -> impl IntoView {
    let i18n = use_i18n();
    let members = RwSignal::new(Vec::<MemberReach>::new());
    let next = RwSignal::new(None::<crate::domain::MemberId>);
    let total = RwSignal::new(None::<u32>);
    let error = RwSignal::new(None::<AppError>);
    let loading = RwSignal::new(true);
    let target = StoredValue::new(target);
    let load = move |after: Option<crate::domain::MemberId>| {
        loading.set(true);
        spawn_local(async move {
            let org = console.org();
            let page = match target.get_value() {
                ReachTarget::Collection(id) => collection_reach(org, id, after).await,
                ReachTarget::Item(id) => crate::api::collections::item_reach(org, id, after).await,
            };
            match page {
                Ok(page) => {
                    if page.total.is_some() {
                        total.set(page.total);
                    }
                    next.set(page.next);
                    members.update(|m| m.extend(page.members));
                }
                Err(e) => error.set(Some(e)),
            }
            loading.set(false);
        });
    };
    load(None);
    // A client's provider staff reach everything too, as owners would, without being members.
    let managed = LocalResource::new(move || crate::api::providers::org_managed_by(console.org()));
    let staff_rows = move || {
        managed.get().and_then(Result::ok).flatten().map(|m| {
            let provider = m.name.clone();
            m.staff
                .into_iter()
                .map(|s| {
                    let who = s.name.clone().filter(|n| !n.is_empty()).map(|n| format!("{n} <{}>", s.email)).unwrap_or(s.email.clone());
                    let provider = provider.clone();
                    view! {
                        <tr class="staff">
                            <td>{who}</td>
                            <td>{move || i18n.t(level_label(AccessLevel::Manage))}</td>
                            <td>{move || i18n.fmt(Key::ViaProvider, &[("provider", &provider)])}</td>
                        </tr>
                    }
                })
                .collect_view()
        })
    };
    view! {
        {move || error.get().map(|e| view! { <p role="alert">{i18n.error(&e)}</p> })}
        {move || total.get().map(|n| view! {
            <p class="muted small">{i18n.count(Key::ReachCountOne, Key::ReachCount, u64::from(n))}</p>
        })}
        <table class="reach">
            <thead><tr>
                <th scope="col">{move || i18n.t(Key::Member)}</th>
                <th scope="col">{move || i18n.t(Key::EffectiveAccess)}</th>
                <th scope="col">{move || i18n.t(Key::Through)}</th>
            </tr></thead>
            <tbody>
                <For each=move || members.get() key=|m| m.member.clone() let:m>
                    {
                        let effective = m.effective;
                        let who = m.name.clone().filter(|n| !n.is_empty()).map(|n| format!("{n} <{}>", m.email)).unwrap_or(m.email.clone());
                        let more = m.more_lines;
                        view! {
                            <tr>
                                <td>{who}</td>
                                <td>{move || i18n.t(level_label(effective))}</td>
                                <td>
                                    <ul class="reach-lines">
                                        {m.via_role.then(|| view! { <li>{move || i18n.t(Key::ViaRole)}</li> })}
                                        {m.lines.iter().map(|line| {
                                            let overridden = line.overridden;
                                            let way = reach_way(i18n, line);
                                            view! {
                                                <li class:overridden=overridden>
                                                    {way}
                                                    {overridden.then(|| view! { <span class="muted small">" (" {move || i18n.t(Key::OverriddenByOwn)} ")"</span> })}
                                                </li>
                                            }
                                        }).collect_view()}
                                        {(more > 0).then(|| view! {
                                            <li class="muted small">{move || i18n.fmt(Key::MoreReachLines, &[("count", &more.to_string())])}</li>
                                        })}
                                    </ul>
                                </td>
                            </tr>
                        }
                    }
                </For>
                {staff_rows}
            </tbody>
        </table>
        {move || loading.get().then(|| view! { <p class="loading">{move || i18n.t(Key::Loading)}</p> })}
        {move || (next.get().is_some() && !loading.get()).then(|| view! {
            <button type="button" class="more" on:click=move |_| load(next.get_untracked())>{move || i18n.t(Key::MoreMembers)}</button>
        })}
    }
}

#[component]
fn ReachDialog(
    console: Console,
    open: RwSignal<Open>,
    collection: CollectionSummary,
) -> impl IntoView {
    let i18n = use_i18n();
    let target = ReachTarget::Collection(collection.id.clone());
    let title = i18n.fmt(Key::WhoReaches, &[("name", &collection.name)]);
    view! {
        <Dialog open=Signal::derive(|| true) title=Signal::stored(title) on_cancel=Callback::new(move |_| open.set(Open::Nothing)) id=Some("reach-dialog".to_owned())>
            <ReachList console target />
            <div class="actions">
                <button type="button" autofocus on:click=move |_| open.set(Open::Nothing)>{move || i18n.t(Key::CloseTool)}</button>
            </div>
        </Dialog>
    }
}
