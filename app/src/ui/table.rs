//! The one way to draw a list of records: a table with a search box, sortable columns and pages
//! of 50 rows. Search folds case and accents (as the vault's does); sorting is by the column's
//! text; an empty table says why (nothing yet, or nothing found).

use crate::domain::search::{fold, search_words};
use crate::i18n::Key;
use crate::ui::state::use_i18n;
use leptos::prelude::*;
use std::sync::Arc;

/// Rows per page.
pub const PAGE_ROWS: usize = 50;

type Cell<T> = Arc<dyn Fn(&T) -> AnyView + Send + Sync>;
type Text<T> = Arc<dyn Fn(&T) -> String + Send + Sync>;

/// One column: its heading, what it shows, and (if it sorts) the text it sorts by.
#[derive(Clone)]
pub struct Column<T> {
    pub label: Key,
    pub cell: Cell<T>,
    pub sort: Option<Text<T>>,
}

impl<T> Column<T> {
    pub fn new(label: Key, cell: impl Fn(&T) -> AnyView + Send + Sync + 'static) -> Self {
        Column {
            label,
            cell: Arc::new(cell),
            sort: None,
        }
    }

    pub fn sorted_by(mut self, sort: impl Fn(&T) -> String + Send + Sync + 'static) -> Self {
        self.sort = Some(Arc::new(sort));
        self
    }
}

/// Search, order and page kept by the caller, who asks the server for one page of `total` rows:
/// the table then shows `rows` as they come (for lists too large to send whole).
#[derive(Clone, Copy)]
pub struct Remote {
    pub search: RwSignal<String>,
    /// The column sorted by, and whether ascending.
    pub sort: RwSignal<Option<(usize, bool)>>,
    pub page: RwSignal<usize>,
    pub total: Signal<usize>,
}

/// A table of `rows`. `haystack` is the text search looks in; `row_key` keeps rows stable;
/// `label` names the table (and its search box) for screen readers. With `remote`, `rows` is
/// one page the server searched, ordered and cut.
#[component]
pub fn DataTable<T>(
    id: &'static str,
    label: Key,
    rows: Signal<Vec<T>>,
    columns: Vec<Column<T>>,
    haystack: fn(&T) -> String,
    row_key: fn(&T) -> String,
    /// What an empty table says before anything exists.
    empty: Key,
    #[prop(optional)] remote: Option<Remote>,
) -> impl IntoView
where
    T: Clone + PartialEq + Send + Sync + 'static,
{
    let i18n = use_i18n();
    let (query, sort, page) = match remote {
        Some(r) => (r.search, r.sort, r.page),
        None => (
            RwSignal::new(String::new()),
            RwSignal::new(None),
            RwSignal::new(0),
        ),
    };
    let columns = StoredValue::new(columns);
    let shown = Memo::new(move |_| {
        if remote.is_some() {
            return rows.get();
        }
        let words = query.with(|q| search_words(q));
        let mut list: Vec<T> = rows.with(|all| {
            all.iter()
                .filter(|r| {
                    let hay = fold(&haystack(r));
                    words.iter().all(|w| hay.contains(w.as_str()))
                })
                .cloned()
                .collect()
        });
        if let Some((col, ascending)) = sort.get() {
            if let Some(by) = columns.with_value(|c| c.get(col).and_then(|c| c.sort.clone())) {
                list.sort_by_cached_key(|r| fold(&by(r)));
                if !ascending {
                    list.reverse();
                }
            }
        }
        list
    });
    let count = move || match remote {
        Some(r) => r.total.get(),
        None => shown.with(Vec::len),
    };
    let nothing_at_all = move || match remote {
        Some(r) => r.total.get() == 0 && r.search.with(|q| q.trim().is_empty()),
        None => rows.with(Vec::is_empty),
    };
    let pages = move || count().div_ceil(PAGE_ROWS).max(1);
    // A search or a shorter list never leaves the table on a page past its end.
    Effect::new(move |_| {
        let last = pages() - 1;
        if page.get_untracked() > last {
            page.set(last);
        }
    });
    let visible = move || {
        if remote.is_some() {
            return shown.get();
        }
        let start = page.get() * PAGE_ROWS;
        shown.with(|l| {
            l.iter()
                .skip(start)
                .take(PAGE_ROWS)
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let search_id = format!("{id}-search");
    let headings = move || {
        columns.with_value(|cols| {
            cols.iter()
                .enumerate()
                .map(|(i, c)| {
                    let label = c.label;
                    if c.sort.is_none() {
                        return view! { <th scope="col">{move || i18n.t(label)}</th> }.into_any();
                    }
                    let aria = move || match sort.get() {
                        Some((col, true)) if col == i => "ascending",
                        Some((col, false)) if col == i => "descending",
                        _ => "none",
                    };
                    view! {
                        <th scope="col" aria-sort=aria>
                            <button
                                type="button"
                                class="sort"
                                on:click=move |_| sort.update(|s| {
                                    *s = match *s {
                                        Some((col, true)) if col == i => Some((i, false)),
                                        _ => Some((i, true)),
                                    }
                                })
                            >
                                {move || i18n.t(label)}
                            </button>
                        </th>
                    }
                    .into_any()
                })
                .collect_view()
        })
    };
    view! {
        <div class="data-table" id=id>
            <div class="table-tools">
                <label class="visually-hidden" for=search_id.clone()>
                    {move || i18n.fmt(Key::SearchIn, &[("list", i18n.t(label))])}
                </label>
                <input
                    id=search_id
                    type="search"
                    maxlength="200"
                    placeholder=move || i18n.t(Key::Search)
                    prop:value=move || query.get()
                    on:input=move |ev| {
                        query.set(event_target_value(&ev));
                        page.set(0);
                    }
                />
                <p class="muted small" aria-live="polite">
                    {move || i18n.count(Key::RowCountOne, Key::RowCount, count() as u64)}
                </p>
            </div>
            <div class="table-scroll">
                <table aria-label=move || i18n.t(label)>
                    <thead><tr>{headings}</tr></thead>
                    <tbody>
                        <For each=visible key=move |r| row_key(r) let:row>
                            <tr>
                                {columns.with_value(|cols| {
                                    cols.iter().map(|c| view! { <td>{(c.cell)(&row)}</td> }).collect_view()
                                })}
                            </tr>
                        </For>
                    </tbody>
                </table>
            </div>
            <Show when=move || shown.with(Vec::is_empty)>
                <p class="empty">
                    {move || if nothing_at_all() { i18n.t(empty) } else { i18n.t(Key::NothingFound) }}
                </p>
            </Show>
            <Show when=move || { pages() > 1 }>
                <nav class="pager" aria-label=move || i18n.fmt(Key::PagesOf, &[("list", i18n.t(label))])>
                    <button type="button" disabled=move || page.get() == 0 on:click=move |_| page.update(|p| *p = p.saturating_sub(1))>
                        {move || i18n.t(Key::PreviousPage)}
                    </button>
                    <span aria-live="polite">
                        {move || i18n.fmt(Key::PageOf, &[("n", &(page.get() + 1).to_string()), ("of", &pages().to_string())])}
                    </span>
                    <button type="button" disabled=move || { page.get() + 1 >= pages() } on:click=move |_| page.update(|p| *p += 1)>
                        {move || i18n.t(Key::NextPage)}
                    </button>
                </nav>
            </Show>
        </div>
    }
}
