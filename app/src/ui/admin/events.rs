//! The event log: every change to members, groups, collections, items and settings, newest first,
//! narrowed by dates, member and kind on the server, a page of 100 at a time; exported as CSV
//! (cells neutralized against spreadsheet formulas).

use super::Console;
use crate::api::orgs::org_events;
use crate::domain::events::{EventCursor, EventFilter, EventRecord, ORG_EVENT_KINDS};
use crate::domain::transfer::push_csv_row;
use crate::i18n::Key;
use crate::ui::browser::{download, format_time, iso_time};
use crate::ui::components::toast_error;
use crate::ui::state::{use_i18n, I18n};
use crate::ui::table::{Column, DataTable};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Most events one CSV export gathers (a hundred pages).
const EXPORT_MAX: usize = 10_000;

pub fn kind_label(kind: &str) -> Key {
    match kind {
        "org_created" => Key::EvOrgCreated,
        "org_updated" => Key::EvOrgUpdated,
        "org_deleted" => Key::EvOrgDeleted,
        "member_invited" => Key::EvMemberInvited,
        "member_reinvited" => Key::EvMemberReinvited,
        "member_accepted" => Key::EvMemberAccepted,
        "member_confirmed" => Key::EvMemberConfirmed,
        "member_role_changed" => Key::EvMemberRoleChanged,
        "member_revoked" => Key::EvMemberRevoked,
        "member_restored" => Key::EvMemberRestored,
        "member_removed" => Key::EvMemberRemoved,
        "member_left" => Key::EvMemberLeft,
        "collection_created" => Key::EvCollectionCreated,
        "collection_renamed" => Key::EvCollectionRenamed,
        "collection_deleted" => Key::EvCollectionDeleted,
        "collection_access_set" => Key::EvCollectionAccessSet,
        "group_created" => Key::EvGroupCreated,
        "group_updated" => Key::EvGroupUpdated,
        "group_deleted" => Key::EvGroupDeleted,
        "item_created" => Key::EvItemCreated,
        "item_updated" => Key::EvItemUpdated,
        "item_trashed" => Key::EvItemTrashed,
        "item_restored" => Key::EvItemRestored,
        "item_deleted" => Key::EvItemDeleted,
        "item_collections_changed" => Key::EvItemCollectionsChanged,
        "item_moved_in" => Key::EvItemMovedIn,
        "item_secrets_viewed" => Key::EvItemSecretsViewed,
        "items_secrets_read" => Key::EvItemsSecretsRead,
        _ => Key::EvOther,
    }
}

/// The target as a person reads it: a member's address (as it was, kept by the log), a
/// collection's or group's name, an item's name (opened here: the log never holds it), or the
/// id.
fn target_name(console: Console, items: &ItemNames, e: &EventRecord) -> String {
    let Some(id) = &e.target else {
        return String::new();
    };
    if let Some(email) = &e.target_email {
        return email.clone();
    }
    if let Some(name) = items.with(|names| names.get(id).cloned()) {
        return name;
    }
    if let Some(m) = console.members.with_untracked(|ms| {
        ms.iter()
            .find(|m| m.id.as_str() == id)
            .map(|m| m.email.clone())
    }) {
        return m;
    }
    if let Some(c) = console.collections.with_untracked(|cs| {
        cs.iter()
            .find(|c| c.id.as_str() == id)
            .map(|c| c.name.clone())
    }) {
        return c;
    }
    if let Some(g) = console.groups.with_untracked(|gs| {
        gs.iter()
            .find(|g| g.id.as_str() == id)
            .map(|g| g.name.clone())
    }) {
        return g;
    }
    id.clone()
}

/// `YYYY-MM-DD` of a date input as Unix ms at 00:00 UTC.
fn day_ms(text: &str) -> Option<i64> {
    let mut parts = text.split('-').map(|p| p.parse::<i64>().ok());
    let (y, m, d) = (parts.next()??, parts.next()??, parts.next()??);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some((era * 146_097 + doe - 719_468) * 86_400_000)
}

/// The detail as a person reads it: a count of items for a report's read, else as recorded.
fn detail_text(i18n: I18n, e: &EventRecord) -> String {
    match (e.kind.as_str(), e.detail.parse::<u64>()) {
        ("items_secrets_read", Ok(n)) => i18n.count(Key::ItemCountOne, Key::ItemCount, n),
        _ => e.detail.clone(),
    }
}

/// Names of the items the log mentions, opened in the browser as they arrive.
type ItemNames = RwSignal<std::collections::HashMap<String, String>>;

/// Asks the server for the open parts of the page's items not named yet and opens their names.
fn name_items(console: Console, names: ItemNames, events: &[EventRecord]) {
    let mut wanted: Vec<crate::domain::ItemId> = events
        .iter()
        .filter(|e| e.kind.starts_with("item_") && e.target_email.is_none())
        .filter_map(|e| e.target.clone())
        .filter(|id| names.with_untracked(|n| !n.contains_key(id)))
        .filter_map(|id| serde_json::from_value(serde_json::Value::String(id)).ok())
        .collect();
    wanted.sort();
    wanted.dedup();
    if wanted.is_empty() {
        return;
    }
    spawn_local(async move {
        for chunk in wanted.chunks(100) {
            if let Ok(records) =
                crate::api::shared::org_items_named(console.org(), chunk.to_vec()).await
            {
                let opened: Vec<(String, String)> = records
                    .iter()
                    .map(|r| (r.id.to_string(), super::vault::open(console, r, None).name))
                    .collect();
                names.try_update(|n| n.extend(opened));
            }
        }
    });
}

fn csv(i18n: I18n, console: Console, items: &ItemNames, events: &[EventRecord]) -> String {
    let mut out = String::new();
    let header = [
        Key::When,
        Key::EventKind,
        Key::Member,
        Key::Target,
        Key::Detail,
        Key::ClientAddress,
    ]
    .map(|k| i18n.t(k).to_owned());
    push_csv_row(&mut out, &header);
    for e in events {
        push_csv_row(
            &mut out,
            &[
                iso_time(e.at),
                i18n.t(kind_label(&e.kind)).to_owned(),
                e.actor_email.clone().unwrap_or_default(),
                target_name(console, items, e),
                detail_text(i18n, e),
                e.client_addr.clone(),
            ],
        );
    }
    out
}

#[component]
pub fn EventsSection(console: Console) -> impl IntoView {
    console.need_members();
    let i18n = use_i18n();
    let from = RwSignal::new(String::new());
    let until = RwSignal::new(String::new());
    let actor = RwSignal::new(String::new());
    let kind = RwSignal::new(String::new());
    let events = RwSignal::new(Vec::<EventRecord>::new());
    let next = RwSignal::new(None::<EventCursor>);
    let pending = RwSignal::new(false);
    let item_names: ItemNames = RwSignal::new(Default::default());
    let filter = move || EventFilter {
        from: day_ms(&from.get_untracked()),
        // The "to" day is included: the log runs until the next midnight.
        until: day_ms(&until.get_untracked()).map(|d| d + 86_400_000),
        actor: console.members.with_untracked(|ms| {
            ms.iter()
                .find(|m| m.id.as_str() == actor.get_untracked())
                .and_then(|m| m.user_id.clone())
        }),
        kind: Some(kind.get_untracked()).filter(|k| !k.is_empty()),
    };
    let load = move |more: bool| {
        let before = if more { next.get_untracked() } else { None };
        pending.set(true);
        spawn_local(async move {
            let result = org_events(console.org(), filter(), before).await;
            pending.set(false);
            match result {
                Ok(page) => {
                    name_items(console, item_names, &page.events);
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
    let export = move |_| {
        pending.set(true);
        spawn_local(async move {
            let mut all = Vec::new();
            let mut before = None;
            loop {
                match org_events(console.org(), filter(), before).await {
                    Ok(page) => {
                        all.extend(page.events);
                        before = page.next;
                        if before.is_none() || all.len() >= EXPORT_MAX {
                            break;
                        }
                    }
                    Err(e) => {
                        pending.set(false);
                        return toast_error(&e);
                    }
                }
            }
            pending.set(false);
            download(
                "keyhaven-events.csv",
                "text/csv",
                &csv(i18n, console, &item_names, &all),
            );
        });
    };
    let columns = vec![
        Column::new(Key::When, move |e: &EventRecord| {
            let at = e.at;
            view! { {move || format_time(at, i18n.lang.get())} }.into_any()
        })
        .sorted_by(|e| format!("{:020}", e.at)),
        Column::new(Key::EventKind, move |e: &EventRecord| {
            let key = kind_label(&e.kind);
            view! { {move || i18n.t(key)} }.into_any()
        })
        .sorted_by(|e| e.kind.clone()),
        Column::new(Key::Member, |e: &EventRecord| {
            view! {
                <span class="cell-main">{e.actor_name.clone().unwrap_or_default()}</span>
                <span class="cell-sub">{e.actor_email.clone().unwrap_or_default()}</span>
            }
            .into_any()
        })
        .sorted_by(|e| e.actor_email.clone().unwrap_or_default()),
        Column::new(Key::Target, move |e: &EventRecord| {
            // Members, collections, groups and item names may arrive after the log: they follow.
            let event = e.clone();
            let shown = event.clone();
            let item = (e.kind.starts_with("item_") && e.target_email.is_none())
                .then(|| e.target.clone())
                .flatten();
            let name = move || target_name(console, &item_names, &shown);
            let main = match item {
                Some(id) => {
                    let href = format!("/org?id={}&section=vault&item={id}", console.org());
                    view! { <a class="cell-main" href=href>{name}</a> }.into_any()
                }
                None => view! { <span class="cell-main">{name}</span> }.into_any(),
            };
            view! { {main}<span class="cell-sub">{move || detail_text(i18n, &event)}</span> }
                .into_any()
        }),
        Column::new(Key::ClientAddress, |e: &EventRecord| {
            view! { {e.client_addr.clone()} }.into_any()
        }),
    ];
    view! {
        <form class="filters-row" on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); load(false); }>
            <div class="field">
                <label for="events-from">{move || i18n.t(Key::FromDate)}</label>
                <input id="events-from" type="date" prop:value=move || from.get() on:change=move |ev| from.set(event_target_value(&ev)) />
            </div>
            <div class="field">
                <label for="events-until">{move || i18n.t(Key::UntilDate)}</label>
                <input id="events-until" type="date" prop:value=move || until.get() on:change=move |ev| until.set(event_target_value(&ev)) />
            </div>
            <div class="field">
                <label for="events-member">{move || i18n.t(Key::Member)}</label>
                <select id="events-member" on:change=move |ev| actor.set(event_target_value(&ev))>
                    <option value="">{move || i18n.t(Key::Everyone)}</option>
                    {move || console.members.get().into_iter().filter(|m| m.user_id.is_some()).map(|m| {
                        view! { <option value=m.id.to_string()>{m.email.clone()}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="events-kind">{move || i18n.t(Key::EventKind)}</label>
                <select id="events-kind" on:change=move |ev| kind.set(event_target_value(&ev))>
                    <option value="">{move || i18n.t(Key::EveryKind)}</option>
                    {ORG_EVENT_KINDS.iter().map(|k| view! {
                        <option value=*k>{move || i18n.t(kind_label(k))}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="actions">
                <button type="submit" class="primary" disabled=move || pending.get()>{move || i18n.t(Key::ApplyFilters)}</button>
                <button type="button" id="export-events" disabled=move || pending.get() on:click=export>{move || i18n.t(Key::ExportEventsCsv)}</button>
            </div>
        </form>
        <DataTable
            id="events-table"
            label=Key::EventLog
            rows=events.into()
            columns
            haystack=|e: &EventRecord| format!("{} {} {} {}", e.kind, e.actor_email.clone().unwrap_or_default(), e.detail, e.client_addr)
            row_key=|e: &EventRecord| e.id.to_string()
            empty=Key::NoEvents
        />
        <Show when=move || next.with(Option::is_some)>
            <button type="button" id="older-events" disabled=move || pending.get() on:click=move |_| load(true)>{move || i18n.t(Key::OlderEvents)}</button>
        </Show>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates_are_utc_midnights() {
        assert_eq!(super::day_ms("1970-01-01"), Some(0));
        assert_eq!(super::day_ms("2026-12-03"), Some(1_796_256_000_000));
        assert_eq!(super::day_ms("2024-02-29"), Some(1_709_164_800_000));
        assert_eq!(super::day_ms("2026-13-01"), None);
        assert_eq!(super::day_ms(""), None);
    }
}
