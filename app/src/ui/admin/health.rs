//! The password health report: every item of the organization is opened here with its secrets
//! (the server records each page it hands out), its password rated by the strength estimator in
//! this browser, and only the findings are kept. The server never sees a password.

use super::vault::open;
use super::Console;
use crate::api::shared::org_health_items;
use crate::domain::health::{findings, password_uses, Finding};
use crate::domain::item::ItemData;
use crate::domain::vault::ItemType;
use crate::domain::{CollectionId, ItemId};
use crate::i18n::Key;
use crate::ui::browser::{download, now_ms, yield_to_paint};
use crate::ui::components::toast_error;
use crate::ui::state::{use_i18n, I18n};
use crate::ui::strength::{self, label};
use crate::ui::table::{Column, DataTable};
use crate::ui::vault::type_label;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::HashMap;

/// One finding of one item; the password itself is not kept.
#[derive(Clone, Debug, PartialEq)]
pub struct HealthRow {
    pub id: ItemId,
    pub name: String,
    pub kind: ItemType,
    pub collections: Vec<CollectionId>,
    pub finding: Finding,
}

#[derive(Clone, Debug, PartialEq)]
enum Progress {
    Idle,
    Reading(usize),
    Rating { done: usize, total: usize },
    Done,
}

/// How long rating may hold the page before it lets it draw the progress (ms).
const RATING_TURN_MS: f64 = 100.0;

fn describe(i18n: I18n, finding: &Finding) -> String {
    match finding {
        Finding::Weak(score) => i18n.fmt(Key::HealthWeak, &[("strength", i18n.t(label(*score)))]),
        Finding::Reused(n) => i18n.fmt(Key::HealthReused, &[("count", &n.to_string())]),
        Finding::Unsecured(uri) => i18n.fmt(Key::HealthUnsecured, &[("uri", uri)]),
    }
}

/// Reads every page, opens each item (trash left out), rates each distinct password once, and
/// returns the findings; `progress` follows along.
async fn check(console: Console, progress: RwSignal<Progress>) -> Option<(Vec<HealthRow>, bool)> {
    let mut opened: Vec<(crate::domain::shared::SharedItemRecord, ItemData)> = Vec::new();
    let mut after = None;
    loop {
        match org_health_items(console.org(), after).await {
            Ok(page) => {
                for record in page.items {
                    if record.deleted_at.is_none() {
                        let data = open(console, &record, record.secrets.as_deref());
                        opened.push((record, data));
                    }
                }
                progress.try_set(Progress::Reading(opened.len()));
                after = page.next;
                if after.is_none() {
                    break;
                }
            }
            Err(e) => {
                toast_error(&e);
                return None;
            }
        }
    }
    let uses = password_uses(opened.iter().map(|(_, d)| d));
    let distinct: Vec<&str> = uses.keys().copied().collect();
    let mut scores: HashMap<&str, Option<u8>> = HashMap::with_capacity(distinct.len());
    let mut unrated = false;
    let mut turn = now_ms();
    for (n, password) in distinct.iter().enumerate() {
        let score = strength::score(password, &[]).await;
        unrated |= score.is_none();
        scores.insert(password, score);
        if now_ms() - turn > RATING_TURN_MS {
            if progress
                .try_set(Progress::Rating {
                    done: n,
                    total: distinct.len(),
                })
                .is_some()
            {
                // The report was left: stop rating.
                return None;
            }
            yield_to_paint().await;
            turn = now_ms();
        }
    }
    let mut rows = Vec::new();
    for (record, data) in &opened {
        let score = scores.get(data.login.password.as_str()).copied().flatten();
        rows.extend(
            findings(data, &uses, score)
                .into_iter()
                .map(|finding| HealthRow {
                    id: record.id.clone(),
                    name: data.name.clone(),
                    kind: record.item_type,
                    collections: record.collections.clone(),
                    finding,
                }),
        );
    }
    rows.sort_by(|a, b| {
        (a.name.to_lowercase(), a.finding.code()).cmp(&(b.name.to_lowercase(), b.finding.code()))
    });
    Some((rows, unrated))
}

#[component]
pub fn HealthReport(console: Console) -> impl IntoView {
    let i18n = use_i18n();
    let progress = RwSignal::new(Progress::Idle);
    let found = RwSignal::new(Vec::<HealthRow>::new());
    let unrated = RwSignal::new(false);
    let shown_kind = RwSignal::new(String::new());
    let run = move |_| {
        progress.set(Progress::Reading(0));
        spawn_local(async move {
            match check(console, progress).await {
                Some((rows, missing)) => {
                    found.try_set(rows);
                    unrated.try_set(missing);
                    progress.try_set(Progress::Done);
                }
                None => {
                    progress.try_set(Progress::Idle);
                }
            }
        });
    };
    let busy = move || {
        matches!(
            progress.get(),
            Progress::Reading(_) | Progress::Rating { .. }
        )
    };
    let rows = Signal::derive(move || {
        let kind = shown_kind.get();
        found.with(|all| {
            all.iter()
                .filter(|r| kind.is_empty() || r.finding.code() == kind)
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    let count = move |code: &'static str| {
        found.with(|all| all.iter().filter(|r| r.finding.code() == code).count())
    };
    let export = move |_| {
        let mut out = String::new();
        crate::domain::transfer::push_csv_row(
            &mut out,
            &[
                Key::Name,
                Key::ItemType,
                Key::HealthProblem,
                Key::Collections,
            ]
            .map(|k| i18n.t(k).to_owned()),
        );
        for r in rows.get_untracked() {
            crate::domain::transfer::push_csv_row(
                &mut out,
                &[
                    r.name.clone(),
                    i18n.t(type_label(r.kind)).to_owned(),
                    describe(i18n, &r.finding),
                    untrack(|| console.collection_names(&r.collections)),
                ],
            );
        }
        download("keyhaven-password-health.csv", "text/csv", &out);
    };
    let org = console.org();
    let columns = vec![
        Column::new(Key::Name, move |r: &HealthRow| {
            let href = format!("/org?id={org}&section=vault&item={}", r.id);
            view! { <a class="cell-main" href=href>{r.name.clone()}</a> }.into_any()
        })
        .sorted_by(|r| r.name.clone()),
        Column::new(Key::ItemType, move |r: &HealthRow| {
            let kind = r.kind;
            view! { {move || i18n.t(type_label(kind))} }.into_any()
        })
        .sorted_by(|r| r.kind.code().to_owned()),
        Column::new(Key::HealthProblem, move |r: &HealthRow| {
            let finding = r.finding.clone();
            view! { {move || describe(i18n, &finding)} }.into_any()
        })
        .sorted_by(|r| r.finding.code().to_owned()),
        Column::new(Key::Collections, move |r: &HealthRow| {
            let ids = r.collections.clone();
            view! { {move || console.collection_names(&ids)} }.into_any()
        }),
    ];
    view! {
        <h2 id="health-heading">{move || i18n.t(Key::PasswordHealthReport)}</h2>
        <p class="help">{move || i18n.t(Key::PasswordHealthHelp)}</p>
        <div class="section-tools">
            <button type="button" id="check-health" disabled=busy on:click=run>
                {move || i18n.t(if progress.get() == Progress::Done { Key::CheckPasswordsAgain } else { Key::CheckPasswords })}
            </button>
        </div>
        {move || match progress.get() {
            Progress::Idle => ().into_any(),
            Progress::Reading(n) => view! {
                <p class="loading" role="status">{i18n.fmt(Key::HealthReading, &[("count", &n.to_string())])}</p>
                <progress aria-labelledby="health-heading"></progress>
            }.into_any(),
            Progress::Rating { done, total } => view! {
                <p class="loading" role="status">{i18n.fmt(Key::HealthRating, &[("done", &done.to_string()), ("total", &total.to_string())])}</p>
                <progress aria-labelledby="health-heading" max=total.max(1).to_string() value=done.to_string()></progress>
            }.into_any(),
            Progress::Done => view! {
                <p role="status" id="health-summary">{move || i18n.fmt(Key::HealthSummary, &[
                    ("weak", &count("weak").to_string()),
                    ("reused", &count("reused").to_string()),
                    ("unsecured", &count("unsecured").to_string()),
                ])}</p>
                {move || unrated.get().then(|| view! { <p class="notice warning">{move || i18n.t(Key::HealthUnrated)}</p> })}
                <div class="section-tools">
                    <div class="field">
                        <label for="health-kind">{move || i18n.t(Key::HealthShow)}</label>
                        <select id="health-kind" on:change=move |ev| shown_kind.set(event_target_value(&ev))>
                            <option value="">{move || i18n.t(Key::HealthAll)}</option>
                            <option value="weak">{move || i18n.t(Key::HealthWeakOnes)}</option>
                            <option value="reused">{move || i18n.t(Key::HealthReusedOnes)}</option>
                            <option value="unsecured">{move || i18n.t(Key::HealthUnsecuredOnes)}</option>
                        </select>
                    </div>
                    <button type="button" id="export-health" on:click=export>{move || i18n.t(Key::ExportEventsCsv)}</button>
                </div>
                <DataTable
                    id="health-report"
                    label=Key::PasswordHealthReport
                    rows=rows
                    columns=columns.clone()
                    haystack=|r: &HealthRow| match &r.finding {
                        Finding::Unsecured(uri) => format!("{} {uri}", r.name),
                        _ => r.name.clone(),
                    }
                    row_key=|r: &HealthRow| format!("{}|{:?}", r.id, r.finding)
                    empty=Key::HealthNothingFound
                />
            }.into_any(),
        }}
    }
}
