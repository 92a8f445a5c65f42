//! Reading the event log (it is written by the change it records, in that change's transaction:
//! `orgs::record_by`). One query per page, newest first, by (time, id), whatever the log's length.

use super::Db;
use crate::domain::authz::{OrgAccess, ProviderAccess, ReadEvents, ReadProviderEvents};
use crate::domain::events::{EventCursor, EventFilter, EventPage, EventRecord, EVENT_PAGE};
use crate::domain::AppError;
use sqlx::Row;

/// The organization's log: what its members did, and what provider staff did in it (each
/// naming the provider).
pub async fn list(
    db: &Db,
    access: &OrgAccess<ReadEvents>,
    filter: &EventFilter,
    before: Option<&EventCursor>,
) -> Result<EventPage, AppError> {
    list_of(db, "e.org_id", access.org().as_str(), filter, before).await
}

/// The provider's log: its members and clients, and what its staff did inside its clients.
pub async fn list_provider(
    db: &Db,
    access: &ProviderAccess<ReadProviderEvents>,
    filter: &EventFilter,
    before: Option<&EventCursor>,
) -> Result<EventPage, AppError> {
    list_of(
        db,
        "e.provider_id",
        access.provider().as_str(),
        filter,
        before,
    )
    .await
}

async fn list_of(
    db: &Db,
    scope: &'static str,
    id: &str,
    filter: &EventFilter,
    before: Option<&EventCursor>,
) -> Result<EventPage, AppError> {
    // Each condition is present or not; the placeholders follow the ones that are.
    let mut sql = format!(
        "SELECT e.id, e.at, e.kind, e.target_id, e.detail, e.client_addr, e.provider_id, \
         p.name AS provider_name, COALESCE(u.email, e.actor_email) AS email, u.name, e.target_email \
         FROM events e LEFT JOIN users u ON u.id = e.actor_id LEFT JOIN providers p ON p.id = e.provider_id \
         WHERE {scope} = $1",
    );
    let mut n = 1;
    // Appends `clause`, its `?` becoming the next placeholder (every `?` of one clause is the same
    // value).
    let mut push = |sql: &mut String, clause: &str| {
        n += 1;
        sql.push_str(&clause.replace('?', &format!("${n}")));
    };
    if filter.from.is_some() {
        push(&mut sql, " AND e.at >= ?");
    }
    if filter.until.is_some() {
        push(&mut sql, " AND e.at < ?");
    }
    if filter.actor.is_some() {
        push(&mut sql, " AND e.actor_id = ?");
    }
    if filter.kind.is_some() {
        push(&mut sql, " AND e.kind = ?");
    }
    if before.is_some() {
        push(&mut sql, " AND (e.at < ? OR (e.at = ?");
        push(&mut sql, " AND e.id < ?))");
    }
    push(&mut sql, " ORDER BY e.at DESC, e.id DESC LIMIT ?");
    let mut query = sqlx::query(&sql).bind(id);
    if let Some(from) = filter.from {
        query = query.bind(from);
    }
    if let Some(until) = filter.until {
        query = query.bind(until);
    }
    if let Some(actor) = &filter.actor {
        query = query.bind(actor.as_str());
    }
    if let Some(kind) = &filter.kind {
        query = query.bind(kind.as_str());
    }
    if let Some(cursor) = before {
        query = query.bind(cursor.at).bind(cursor.id.as_str());
    }
    let rows = query
        .bind(i64::try_from(EVENT_PAGE + 1).unwrap_or(i64::MAX))
        .fetch_all(db.pool())
        .await?;
    let mut events = rows
        .iter()
        .map(|r| {
            Ok(EventRecord {
                id: crate::domain::EventId::from_stored(r.try_get("id")?),
                at: r.try_get("at")?,
                kind: r.try_get("kind")?,
                actor_email: r.try_get("email")?,
                actor_name: r.try_get("name")?,
                target: r.try_get("target_id")?,
                target_email: r.try_get("target_email")?,
                detail: r.try_get("detail")?,
                client_addr: r.try_get("client_addr")?,
                provider: r
                    .try_get::<Option<String>, _>("provider_id")?
                    .map(crate::domain::ProviderId::from_stored),
                provider_name: r.try_get("provider_name")?,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    let next = if events.len() > EVENT_PAGE {
        events.truncate(EVENT_PAGE);
        events.last().map(|e| EventCursor {
            at: e.at,
            id: e.id.clone(),
        })
    } else {
        None
    };
    Ok(EventPage { events, next })
}
