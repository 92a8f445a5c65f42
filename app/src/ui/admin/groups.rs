//! Groups: named sets of members that collections can be granted to.

use super::members::LevelSelect;
use super::{member_name, Console};
use crate::api::collections::{group_create, group_delete, group_update};
use crate::domain::org::{group_name_problem, AccessLevel, Grant, GroupInput, GroupRecord};
use crate::domain::{AppError, Field, MemberId};
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
    Edit(Option<GroupRecord>),
    Delete(GroupRecord),
}

#[component]
pub fn GroupsSection(console: Console) -> impl IntoView {
    console.need_members();
    let i18n = use_i18n();
    let toasts = use_toasts();
    let open = RwSignal::new(Open::Nothing);
    let actions = move |g: &GroupRecord| {
        let g = StoredValue::new(g.clone());
        let label = Signal::derive(move || {
            i18n.fmt(
                Key::ActionsFor,
                &[("member", &g.with_value(|g| g.name.clone()))],
            )
        });
        view! {
            <Menu label=label class="end" icon=crate::ui::icons::Icon::More icon_only=true>
                <li><button type="button" on:click=move |_| open.set(Open::Edit(Some(g.get_value())))>{move || i18n.t(Key::Edit)}</button></li>
                <li><button type="button" class="danger" on:click=move |_| open.set(Open::Delete(g.get_value()))>{move || i18n.t(Key::Delete)}</button></li>
            </Menu>
        }
        .into_any()
    };
    let columns = vec![
        Column::new(Key::Name, |g: &GroupRecord| {
            view! { <span class="cell-main">{g.name.clone()}</span> }.into_any()
        })
        .sorted_by(|g| g.name.clone()),
        Column::new(Key::Members, move |g: &GroupRecord| {
            let n = g.members.len().to_string();
            view! { {n} }.into_any()
        })
        .sorted_by(|g| format!("{:08}", g.members.len())),
        Column::new(Key::Collections, move |g: &GroupRecord| {
            let n = g.collections.len().to_string();
            view! { {n} }.into_any()
        }),
        Column::new(Key::Actions, actions),
    ];
    let deleting = Signal::derive(move || match open.get() {
        Open::Delete(g) => Some(g),
        _ => None,
    });
    view! {
        <div class="section-tools">
            <button type="button" class="primary" id="new-group" on:click=move |_| open.set(Open::Edit(None))>
                {move || i18n.t(Key::NewGroup)}
            </button>
        </div>
        <DataTable
            id="groups-table"
            label=Key::Groups
            rows=console.groups.into()
            columns
            haystack=|g: &GroupRecord| g.name.clone()
            row_key=|g: &GroupRecord| format!("{}{}{}{}", g.id, g.name, g.members.len(), g.collections.len())
            empty=Key::NoGroups
        />
        {move || match open.get() {
            Open::Edit(group) => view! { <GroupDialog console open group /> }.into_any(),
            _ => ().into_any(),
        }}
        <ConfirmDialog
            open=Signal::derive(move || deleting.with(Option::is_some))
            title=Signal::derive(move || i18n.t(Key::DeleteGroup).to_owned())
            message=Signal::derive(move || deleting.get().map(|g| i18n.fmt(Key::DeleteGroupQuestion, &[("name", &g.name)])).unwrap_or_default())
            confirm=Signal::derive(move || i18n.t(Key::Delete).to_owned())
            danger=true
            on_confirm=Callback::new(move |_| {
                let Some(g) = deleting.get_untracked() else { return };
                open.set(Open::Nothing);
                spawn_local(async move {
                    match group_delete(console.org(), g.id).await {
                        Ok(()) => {
                            console.refresh();
                            toasts.success(i18n.t(Key::GroupDeleted).to_owned());
                        }
                        Err(e) => toast_error(&e),
                    }
                });
            })
            on_cancel=Callback::new(move |_| open.set(Open::Nothing))
            id="delete-group"
        />
    }
}

#[component]
fn GroupDialog(
    console: Console,
    open: RwSignal<Open>,
    group: Option<GroupRecord>,
) -> impl IntoView {
    let i18n = use_i18n();
    let toasts = use_toasts();
    let errors = FormErrors::new();
    let pending = RwSignal::new(false);
    let name = RwSignal::new(group.as_ref().map(|g| g.name.clone()).unwrap_or_default());
    let chosen = RwSignal::new(
        group
            .as_ref()
            .map(|g| g.members.clone())
            .unwrap_or_default(),
    );
    let levels: Vec<_> = console
        .collections
        .get_untracked()
        .into_iter()
        .map(|c| {
            let level = group
                .as_ref()
                .and_then(|g| g.collections.iter().find(|x| x.collection == c.id))
                .map(|x| x.level);
            (c, RwSignal::new(level))
        })
        .collect();
    let levels = StoredValue::new(levels);
    let target = StoredValue::new(group.as_ref().map(|g| g.id.clone()));
    let title = if group.is_some() {
        Key::EditGroup
    } else {
        Key::NewGroup
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        errors.clear();
        let input = GroupInput {
            name: name.get_untracked().trim().to_owned(),
            members: chosen.get_untracked(),
            collections: levels.with_value(|ls| {
                ls.iter()
                    .filter_map(|(c, l): &(_, RwSignal<Option<AccessLevel>>)| {
                        l.get_untracked().map(|level| Grant {
                            collection: c.id.clone(),
                            level,
                        })
                    })
                    .collect()
            }),
        };
        if let Some(p) = group_name_problem(&input.name) {
            errors.show(&AppError::field(Field::GroupName, p));
            return;
        }
        pending.set(true);
        spawn_local(async move {
            let result = match target.get_value() {
                Some(id) => group_update(console.org(), id, input).await,
                None => group_create(console.org(), input).await.map(|_| ()),
            };
            pending.set(false);
            match result {
                Ok(()) => {
                    open.set(Open::Nothing);
                    console.refresh();
                    toasts.success(i18n.t(Key::GroupSaved).to_owned());
                }
                Err(e) => report(errors, &e),
            }
        });
    };
    let toggle = move |id: MemberId, on: bool| {
        chosen.update(|c| {
            c.retain(|x| *x != id);
            if on {
                c.push(id);
            }
        })
    };
    view! {
        <Dialog open=Signal::derive(|| true) title=Signal::derive(move || i18n.t(title).to_owned()) on_cancel=Callback::new(move |_| open.set(Open::Nothing)) id=Some("group-dialog".to_owned())>
            <form on:submit=on_submit novalidate>
                <TextField id="group-name" label=Key::GroupName value=name error=errors.message(Field::GroupName) required=true />
                <fieldset>
                    <legend>{move || i18n.t(Key::Members)}</legend>
                    {console.members.get_untracked().into_iter().filter(|m| !m.revoked).map(|m| {
                        let (id, mine) = (m.id.clone(), m.id.clone());
                        view! {
                            <label class="check">
                                <input type="checkbox" prop:checked=move || chosen.with(|c| c.contains(&id)) on:change=move |ev| toggle(mine.clone(), event_target_checked(&ev)) />
                                " " {member_name(&m)}
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
                <fieldset>
                    <legend>{move || i18n.t(Key::CollectionAccess)}</legend>
                    {levels.get_value().into_iter().map(|(c, level)| view! {
                        <LevelSelect id=format!("group-collection-{}", c.id) label=Signal::stored(c.name.clone()) value=level />
                    }).collect_view()}
                </fieldset>
                <p class="field-error" role="alert" hidden=move || errors.message(Field::Members).with(Option::is_none)>
                    {move || errors.message(Field::Members).get().unwrap_or_default()}
                </p>
                <div class="actions">
                    <button type="button" on:click=move |_| open.set(Open::Nothing)>{move || i18n.t(Key::Cancel)}</button>
                    <SubmitButton label=Key::Save pending=pending />
                </div>
            </form>
        </Dialog>
    }
}
