//! Reports, computed in this browser: member access (every member, every collection they reach,
//! at which level, and through what) from what the console already holds, exported as CSV; and
//! the password health report (`health`).

use super::members::level_label;
use super::{member_name, role_label, Console};
use crate::domain::org::{AccessLevel, MemberRecord, OrgRole};
use crate::domain::transfer::push_csv_row;
use crate::i18n::Key;
use crate::ui::browser::download;
use crate::ui::state::{use_i18n, I18n};
use crate::ui::table::{Column, DataTable};
use leptos::prelude::*;

/// One way one member reaches one collection.
#[derive(Clone, Debug, PartialEq)]
pub struct AccessRow {
    pub member: String,
    pub collection: String,
    pub level: AccessLevel,
    /// `None`: their own grant; `Some(group)`; or their role (owners and admins).
    pub via_group: Option<String>,
    pub via_role: Option<OrgRole>,
    /// A group's grant on a collection where the member's own grant wins.
    pub overridden: bool,
}

/// Every (member, collection, way) of the organization, revoked members left out.
pub fn member_access(console: Console) -> Vec<AccessRow> {
    let collections = console.collections.get_untracked();
    let groups = console.groups.get_untracked();
    let name_of = |id: &crate::domain::CollectionId| {
        collections
            .iter()
            .find(|c| &c.id == id)
            .map(|c| c.name.clone())
            .unwrap_or_default()
    };
    let mut rows = Vec::new();
    let members: Vec<MemberRecord> = console.members.get_untracked();
    for m in members.iter().filter(|m| !m.revoked) {
        let who = member_name(m);
        if m.role != OrgRole::User {
            rows.extend(collections.iter().map(|c| AccessRow {
                member: who.clone(),
                collection: c.name.clone(),
                level: AccessLevel::Manage,
                via_group: None,
                via_role: Some(m.role),
                overridden: false,
            }));
            continue;
        }
        rows.extend(m.collections.iter().map(|g| AccessRow {
            member: who.clone(),
            collection: name_of(&g.collection),
            level: g.level,
            via_group: None,
            via_role: None,
            overridden: false,
        }));
        for group in groups.iter().filter(|g| g.members.contains(&m.id)) {
            rows.extend(group.collections.iter().map(|g| {
                AccessRow {
                    member: who.clone(),
                    collection: name_of(&g.collection),
                    level: g.level,
                    via_group: Some(group.name.clone()),
                    via_role: None,
                    overridden: m
                        .collections
                        .iter()
                        .any(|own| own.collection == g.collection),
                }
            }));
        }
    }
    rows.sort_by(|a, b| (&a.member, &a.collection).cmp(&(&b.member, &b.collection)));
    rows
}

fn through(i18n: I18n, r: &AccessRow) -> String {
    match (&r.via_role, &r.via_group) {
        (Some(role), _) => i18n.t(role_label(*role)).to_owned(),
        (None, Some(group)) if r.overridden => format!(
            "{} ({})",
            i18n.fmt(Key::ViaGroup, &[("group", group)]),
            i18n.t(Key::OverriddenByOwn)
        ),
        (None, Some(group)) => i18n.fmt(Key::ViaGroup, &[("group", group)]),
        (None, None) => i18n.t(Key::ViaOwnGrant).to_owned(),
    }
}

#[component]
pub fn ReportsSection(console: Console) -> impl IntoView {
    console.need_members();
    let i18n = use_i18n();
    let rows = Signal::derive(move || {
        // Recomputed when the console's lists arrive or change.
        console.members.track();
        console.groups.track();
        console.collections.track();
        member_access(console)
    });
    let export = move |_| {
        let mut out = String::new();
        push_csv_row(
            &mut out,
            &[Key::Member, Key::Collection, Key::Access, Key::Through]
                .map(|k| i18n.t(k).to_owned()),
        );
        for r in rows.get_untracked() {
            push_csv_row(
                &mut out,
                &[
                    r.member.clone(),
                    r.collection.clone(),
                    i18n.t(level_label(r.level)).to_owned(),
                    through(i18n, &r),
                ],
            );
        }
        download("keyhaven-member-access.csv", "text/csv", &out);
    };
    let columns = vec![
        Column::new(Key::Member, |r: &AccessRow| {
            view! { <span class="cell-main">{r.member.clone()}</span> }.into_any()
        })
        .sorted_by(|r| r.member.clone()),
        Column::new(Key::Collection, |r: &AccessRow| {
            view! { {r.collection.clone()} }.into_any()
        })
        .sorted_by(|r| r.collection.clone()),
        Column::new(Key::Access, move |r: &AccessRow| {
            let level = r.level;
            view! { {move || i18n.t(level_label(level))} }.into_any()
        })
        .sorted_by(|r| r.level.code().to_owned()),
        Column::new(Key::Through, move |r: &AccessRow| {
            // Follows the language, which may arrive after the table.
            let r = r.clone();
            view! { {move || through(i18n, &r)} }.into_any()
        }),
    ];
    view! {
        <h2>{move || i18n.t(Key::MemberAccessReport)}</h2>
        <p class="help">{move || i18n.t(Key::MemberAccessHelp)}</p>
        <div class="section-tools">
            <button type="button" id="export-access" on:click=export>{move || i18n.t(Key::ExportEventsCsv)}</button>
        </div>
        <DataTable
            id="access-report"
            label=Key::MemberAccessReport
            rows=rows
            columns
            haystack=|r: &AccessRow| format!("{} {}", r.member, r.collection)
            row_key=|r: &AccessRow| format!("{}|{}|{:?}|{:?}", r.member, r.collection, r.via_group, r.via_role)
            empty=Key::NoMembers
        />
        <super::health::HealthReport console />
    }
}
