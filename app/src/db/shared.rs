//! Shared items: an organization's items, their collections, and each member's own marks.
//!
//! Reads resolve a member's collections in SQL and leave the decisions to `authz`
//! (`shared_rights`, `shared_allowed`): the secret part of an item leaves the database only for a
//! member whose rights include it. Writes load the grants of their targets inside their own
//! transaction, after `hold_place`, and ask `authorize_shared` there, so a grant or a membership
//! taken away a moment before applies.

use super::orgs::{hold_place, record_by};
use super::{new_id, now_ms, placeholders, Db};
use crate::domain::authz::{
    authorize_shared, collection_in_scope, reaches_everything, shared_allowed, shared_rights,
    AccountAccess, Acting, CollectionGrants, EditSecrets, EditShared, ManageShared, OrgAccess,
    OrgActionType, ReadAllItems, ReadScope, ReadShared, SharedAccess, SharedAction,
    SharedActionType, TargetGrants, UseOrg, WriteOrgItems, WriteVault,
};
use crate::domain::org::{AccessLevel, Rights};
use crate::domain::shared::{
    MoveIn, ReachedCollection, SharedItemInput, SharedItemRecord, SharedPage,
};
use crate::domain::vault::{ItemType, LIST_PAGE_BYTES, LIST_PAGE_ITEMS};
use crate::domain::{AppError, CollectionId, Field, FolderId, ItemId, Problem};
use sqlx::any::AnyRow;
use sqlx::{Any, AnyConnection, Row, Transaction};
use std::collections::{BTreeMap, HashMap};

/// The caller's membership still stands (confirmed, not revoked): read in the same statement as
/// the items, so a revocation applies to the very next page.
const MEMBER_STANDS: &str =
    "EXISTS (SELECT 1 FROM org_members m WHERE m.id = $3 AND m.status = 'confirmed' AND m.revoked = 0)";

/// The same for provider staff (the account `$3`): the organization (`$1`) is still a client of
/// an active, enabled provider in which they are a confirmed, unrevoked member.
const STAFF_STANDS: &str = "EXISTS (SELECT 1 FROM provider_clients pc \
     JOIN providers p ON p.id = pc.provider_id AND p.enabled = 1 AND p.status = 'active' \
     JOIN provider_members pm ON pm.provider_id = pc.provider_id AND pm.user_id = $3 \
     AND pm.status = 'confirmed' AND pm.revoked = 0 WHERE pc.org_id = $1)";

/// The standing condition for whoever `access` stands for, and the value it binds as `$3`.
fn stands<W: OrgActionType>(access: &OrgAccess<W>) -> (&'static str, &str) {
    match access.acting() {
        Acting::Member(member) => (MEMBER_STANDS, member.as_str()),
        Acting::Provider { user, .. } => (STAFF_STANDS, user.as_str()),
    }
}

/// The member `$2`'s own grant (`cm`) and their groups' grants (`g`) on the collection `{col}`.
fn grant_joins(col: &str) -> String {
    format!(
        "LEFT JOIN collection_members cm ON cm.collection_id = {col} AND cm.member_id = $2 \
         LEFT JOIN (SELECT cg.collection_id, cg.level FROM collection_groups cg \
         JOIN group_members gm ON gm.group_id = cg.group_id WHERE gm.member_id = $2) g \
         ON g.collection_id = {col}"
    )
}

fn level_of(code: Option<String>) -> Result<Option<AccessLevel>, AppError> {
    code.map(|c| {
        AccessLevel::from_code(&c).ok_or_else(|| AppError::internal(format!("unknown level {c}")))
    })
    .transpose()
}

/// Collects grant rows (`target`, `coll`, `direct`, `via_group`) into each target's grants.
fn gather(
    rows: &[AnyRow],
) -> Result<BTreeMap<String, BTreeMap<String, CollectionGrants>>, AppError> {
    let mut out: BTreeMap<String, BTreeMap<String, CollectionGrants>> = BTreeMap::new();
    for row in rows {
        let target: String = row.try_get("target")?;
        let colls = out.entry(target).or_default();
        let Some(coll) = row.try_get::<Option<String>, _>("coll")? else {
            continue;
        };
        let grants = colls.entry(coll).or_default();
        grants.direct = level_of(row.try_get("direct")?)?;
        if let Some(level) = level_of(row.try_get("via_group")?)? {
            grants.groups.push(level);
        }
    }
    Ok(out)
}

#[derive(Clone, Copy)]
pub(super) enum Kind {
    Items,
    Collections,
}

/// The grants of the member on each of `ids` (items or collections of `org`), in the order asked;
/// an id that is not the organization's comes back as not existing.
async fn grants_of(
    conn: &mut AnyConnection,
    org: &str,
    member: &str,
    kind: Kind,
    ids: &[&str],
) -> Result<Vec<(String, TargetGrants)>, AppError> {
    // `IN ()` is SQLite's to accept, not PostgreSQL's: nothing asked, nothing found.
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = placeholders(3, ids.len());
    let sql = match kind {
        Kind::Items => format!(
            "SELECT t.id AS target, ci.collection_id AS coll, cm.level AS direct, g.level AS via_group \
             FROM org_items t LEFT JOIN collection_items ci ON ci.item_id = t.id {} \
             WHERE t.org_id = $1 AND t.id IN ({list})",
            grant_joins("ci.collection_id")
        ),
        Kind::Collections => format!(
            "SELECT t.id AS target, t.id AS coll, cm.level AS direct, g.level AS via_group \
             FROM collections t {} WHERE t.org_id = $1 AND t.id IN ({list})",
            grant_joins("t.id")
        ),
    };
    let mut query = sqlx::query(&sql).bind(org).bind(member);
    for id in ids {
        query = query.bind(*id);
    }
    let rows = query.fetch_all(&mut *conn).await?;
    let mut found = gather(&rows)?;
    ids.iter()
        .map(|id| {
            let grants = match found.remove(*id) {
                Some(colls) => TargetGrants {
                    exists: true,
                    collections: colls.into_values().collect(),
                },
                // Asked twice: the first answer took it.
                None if ids.iter().filter(|i| *i == id).count() > 1 => {
                    return Err(AppError::field(Field::ItemIds, Problem::Invalid))
                }
                None => TargetGrants::default(),
            };
            Ok(((*id).to_owned(), grants))
        })
        .collect::<Result<Vec<_>, AppError>>()
}

/// Asks `authz` about `ids` for the member behind `access`, inside the transaction.
pub(super) async fn decide<A: SharedActionType, W: OrgActionType>(
    tx: &mut Transaction<'_, Any>,
    access: &OrgAccess<W>,
    kind: Kind,
    ids: &[&str],
) -> Result<SharedAccess<A>, AppError> {
    let grants = grants_of(
        tx,
        access.org().as_str(),
        access.grants_subject(),
        kind,
        ids,
    )
    .await?;
    let targets: Vec<(&str, TargetGrants)> = grants
        .iter()
        .map(|(id, g)| (id.as_str(), g.clone()))
        .collect();
    authorize_shared::<A, W>(access, &targets)
}

const ITEM_COLUMNS: &str =
    "i.id, i.item_type, i.data, i.secrets, i.revision, i.created_at, i.revised_at, i.deleted_at";

/// Which of an organization's items a read takes.
enum Pick<'a> {
    /// The page after this id.
    After(&'a str),
    One(&'a str),
}

/// A collection the member reaches: its name, the grants that reach it, the rights they give.
struct Reached {
    name: String,
    grants: CollectionGrants,
    rights: Rights,
}

/// The collections of the organization the member reaches (all of them for owners and admins),
/// as `authz` decides from their grants: one query, read before the items so that the items
/// query can be limited to them.
struct OrgGrants {
    reached: BTreeMap<String, Reached>,
}

impl OrgGrants {
    async fn load<W: OrgActionType>(
        conn: &mut AnyConnection,
        access: &OrgAccess<W>,
        scope: ReadScope,
    ) -> Result<Self, AppError> {
        let sql = format!(
            "SELECT t.id AS target, t.id AS coll, t.name, cm.level AS direct, g.level AS via_group \
             FROM collections t {} WHERE t.org_id = $1",
            grant_joins("t.id")
        );
        let rows = sqlx::query(&sql)
            .bind(access.org().as_str())
            .bind(access.grants_subject())
            .fetch_all(&mut *conn)
            .await?;
        let mut names: HashMap<String, String> = rows
            .iter()
            .map(|r| Ok((r.try_get("target")?, r.try_get("name")?)))
            .collect::<Result<_, AppError>>()?;
        let reached = gather(&rows)?
            .into_iter()
            .filter_map(|(id, mut colls)| {
                let grants = colls.remove(&id).unwrap_or_default();
                if !collection_in_scope(access.role(), &grants, scope) {
                    return None;
                }
                let target = TargetGrants {
                    exists: true,
                    collections: vec![grants.clone()],
                };
                let rights = shared_rights(access.role(), &target)?;
                let name = names.remove(&id).unwrap_or_default();
                Some((
                    id,
                    Reached {
                        name,
                        grants,
                        rights,
                    },
                ))
            })
            .collect();
        Ok(Self { reached })
    }

    /// The reached collections by name, with the member's rights on each.
    fn by_name(&self) -> Vec<ReachedCollection> {
        let mut list: Vec<ReachedCollection> = self
            .reached
            .iter()
            .map(|(id, r)| ReachedCollection {
                name: r.name.clone(),
                id: CollectionId::from_stored(id.clone()),
                rights: r.rights,
            })
            .collect();
        list.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
        list
    }
}

/// Items of the organization as the member behind `access` sees them: only those they reach,
/// each with their rights, their marks, and the secrets only where the rights include them.
/// Four statements whatever the size: the grants, the items (limited in SQL to the reached
/// collections, with the membership standing), the collections of those items, their marks.
async fn read_items<W: OrgActionType>(
    conn: &mut AnyConnection,
    access: &OrgAccess<W>,
    pick: Pick<'_>,
    scope: ReadScope,
) -> Result<(Vec<SharedItemRecord>, Option<ItemId>, OrgGrants), AppError> {
    let org = access.org().as_str();
    let member = access.grants_subject();
    let (standing, stander) = stands(access);
    let everything = scope == ReadScope::Console && reaches_everything(access.role());
    let grants = OrgGrants::load(conn, access, scope).await?;
    let reached: Vec<&str> = grants.reached.keys().map(String::as_str).collect();
    let reach = if everything {
        String::new()
    } else if reached.is_empty() {
        return Ok((Vec::new(), None, grants));
    } else {
        format!(
            "AND i.id IN (SELECT ci.item_id FROM collection_items ci WHERE ci.collection_id IN ({}))",
            placeholders(5, reached.len())
        )
    };
    let (range, limit) = match pick {
        Pick::After(_) => ("i.id > $2", LIST_PAGE_ITEMS + 1),
        Pick::One(_) => ("i.id = $2", 1),
    };
    let sql = format!(
        "SELECT {ITEM_COLUMNS} FROM org_items i WHERE i.org_id = $1 AND {range} AND {standing} \
         {reach} ORDER BY i.id LIMIT $4"
    );
    let from = match pick {
        Pick::After(after) | Pick::One(after) => after,
    };
    let mut query = sqlx::query(&sql)
        .bind(org)
        .bind(from)
        .bind(stander)
        .bind(i64::try_from(limit).unwrap_or(i64::MAX));
    if !everything {
        for id in &reached {
            query = query.bind(*id);
        }
    }
    let rows = query.fetch_all(&mut *conn).await?;
    // The page ends at LIST_PAGE_ITEMS, or after the item that takes it past LIST_PAGE_BYTES.
    let mut bytes = 0;
    let mut taken = 0;
    for row in &rows {
        if taken == LIST_PAGE_ITEMS || bytes > LIST_PAGE_BYTES {
            break;
        }
        bytes += row.try_get::<String, _>("data")?.len();
        bytes += row
            .try_get::<Option<String>, _>("secrets")?
            .map_or(0, |s| s.len());
        taken += 1;
    }
    let next = (taken < rows.len())
        .then(|| rows[taken - 1].try_get::<String, _>("id"))
        .transpose()?
        .map(ItemId::from_stored);
    let rows = &rows[..taken];
    let (Some(first), Some(last)) = (rows.first(), rows.last()) else {
        return Ok((Vec::new(), None, grants));
    };
    let (first, last): (String, String) = (first.try_get("id")?, last.try_get("id")?);

    // The reached collections of exactly that range, and the marks, one query each. The range is
    // read through the collections (their key starts with the collection): ids of other
    // organizations' items fall in it too.
    let mut in_colls: HashMap<String, Vec<String>> = HashMap::new();
    if !reached.is_empty() {
        let sql = format!(
            "SELECT ci.item_id, ci.collection_id FROM collection_items ci \
             WHERE ci.item_id >= $1 AND ci.item_id <= $2 AND ci.collection_id IN ({})",
            placeholders(3, reached.len())
        );
        let mut query = sqlx::query(&sql).bind(&first).bind(&last);
        for id in &reached {
            query = query.bind(*id);
        }
        for row in query.fetch_all(&mut *conn).await? {
            in_colls
                .entry(row.try_get("item_id")?)
                .or_default()
                .push(row.try_get("collection_id")?);
        }
    }
    let marks_rows = sqlx::query(
        "SELECT k.item_id, k.favorite, k.folder_id FROM org_item_marks k \
         JOIN org_members m ON m.user_id = k.user_id AND m.id = $1 \
         JOIN org_items t ON t.id = k.item_id AND t.org_id = $2 \
         WHERE k.item_id >= $3 AND k.item_id <= $4",
    )
    .bind(member)
    .bind(org)
    .bind(&first)
    .bind(&last)
    .fetch_all(&mut *conn)
    .await?;
    let mut marks: HashMap<String, (bool, Option<FolderId>)> = HashMap::new();
    for row in &marks_rows {
        marks.insert(
            row.try_get("item_id")?,
            (
                row.try_get::<i64, _>("favorite")? != 0,
                row.try_get::<Option<String>, _>("folder_id")?
                    .map(FolderId::from_stored),
            ),
        );
    }

    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        let id: String = row.try_get("id")?;
        let mut colls = in_colls.remove(&id).unwrap_or_default();
        colls.sort();
        // `colls` holds reached collections only (the query above asks for no others).
        let target = TargetGrants {
            exists: true,
            collections: colls
                .iter()
                .filter_map(|c| grants.reached.get(c).map(|r| r.grants.clone()))
                .collect(),
        };
        // An item moved out of the reached collections between the queries is no longer theirs.
        let Some(rights) = shared_rights(access.role(), &target) else {
            continue;
        };
        let collections = colls.into_iter().map(CollectionId::from_stored).collect();
        let kind: String = row.try_get("item_type")?;
        let (favorite, folder_id) = marks.remove(&id).unwrap_or_default();
        items.push(SharedItemRecord {
            org_id: access.org().clone(),
            item_type: ItemType::from_code(&kind)
                .ok_or_else(|| AppError::internal(format!("unknown item type {kind}")))?,
            collections,
            data: row.try_get("data")?,
            secrets: if shared_allowed(rights, SharedAction::ReadSecrets) {
                Some(row.try_get("secrets")?)
            } else {
                None
            },
            rights,
            favorite,
            folder_id,
            revision: row.try_get("revision")?,
            created_at: row.try_get("created_at")?,
            revised_at: row.try_get("revised_at")?,
            deleted_at: row.try_get("deleted_at")?,
            id: ItemId::from_stored(id),
        });
    }
    Ok((items, next, grants))
}

/// One page of the organization's items for the member behind `access` (with the first page,
/// the collections they reach).
pub async fn list(
    db: &Db,
    access: &OrgAccess<UseOrg>,
    after: Option<&ItemId>,
) -> Result<SharedPage, AppError> {
    let mut conn = db.pool().acquire().await?;
    let (items, next, grants) = read_items(
        &mut conn,
        access,
        Pick::After(after.map_or("", ItemId::as_str)),
        ReadScope::OwnVault,
    )
    .await?;
    let collections = match after {
        None => grants.by_name(),
        Some(_) => Vec::new(),
    };
    Ok(SharedPage {
        items,
        collections,
        next,
    })
}

/// Every item of the organization, for its Admin Console (unassigned ones included), without
/// their secrets: an owner or admin opens those one item at a time, and each time is recorded
/// (`console_secrets`).
pub async fn console_list(
    db: &Db,
    access: &OrgAccess<ReadAllItems>,
    after: Option<&ItemId>,
) -> Result<SharedPage, AppError> {
    let mut conn = db.pool().acquire().await?;
    let (mut items, next, _) = read_items(
        &mut conn,
        access,
        Pick::After(after.map_or("", ItemId::as_str)),
        ReadScope::Console,
    )
    .await?;
    for item in &mut items {
        item.secrets = None;
    }
    Ok(SharedPage {
        items,
        collections: Vec::new(),
        next,
    })
}

/// The open parts of `ids` (those of the organization that still exist), without collections
/// or secrets: for the console to name items the event log mentions. One statement.
pub async fn console_named(
    db: &Db,
    access: &OrgAccess<ReadAllItems>,
    ids: &[ItemId],
) -> Result<Vec<SharedItemRecord>, AppError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT {ITEM_COLUMNS} FROM org_items i WHERE i.org_id = $1 AND i.id IN ({})",
        placeholders(2, ids.len())
    );
    let rows = ids
        .iter()
        .fold(sqlx::query(&sql).bind(access.org().as_str()), |q, id| {
            q.bind(id.as_str())
        })
        .fetch_all(db.pool())
        .await?;
    rows.iter()
        .map(|row| {
            let kind: String = row.try_get("item_type")?;
            Ok(SharedItemRecord {
                id: ItemId::from_stored(row.try_get("id")?),
                org_id: access.org().clone(),
                item_type: ItemType::from_code(&kind)
                    .ok_or_else(|| AppError::internal(format!("unknown item type {kind}")))?,
                collections: Vec::new(),
                data: row.try_get("data")?,
                secrets: None,
                rights: Rights::FULL,
                favorite: false,
                folder_id: None,
                revision: row.try_get("revision")?,
                created_at: row.try_get("created_at")?,
                revised_at: row.try_get("revised_at")?,
                deleted_at: row.try_get("deleted_at")?,
            })
        })
        .collect()
}

/// The secret part of one item, for the Admin Console, recorded in the event log in the same
/// transaction (who opened which item's secrets, when, from where).
pub async fn console_secrets(
    db: &Db,
    access: &OrgAccess<ReadAllItems>,
    id: &ItemId,
    client_addr: &str,
) -> Result<String, AppError> {
    let mut tx = db.begin_write().await?;
    hold_place(&mut tx, access).await?;
    let row = sqlx::query("SELECT secrets FROM org_items WHERE id = $1 AND org_id = $2")
        .bind(id.as_str())
        .bind(access.org().as_str())
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(AppError::NotFound)?;
    record_by(
        &mut tx,
        access,
        "item_secrets_viewed",
        Some(id.as_str()),
        "",
        client_addr,
    )
    .await?;
    let secrets = row.try_get("secrets")?;
    tx.commit().await?;
    Ok(secrets)
}

/// A page of every item with its secrets, for the password health report; the read is recorded
/// in the event log in the same transaction, with the number of items it opened, so a bulk read of
/// secrets is as visible as opening one item's.
pub async fn console_health(
    db: &Db,
    access: &OrgAccess<ReadAllItems>,
    after: Option<&ItemId>,
    client_addr: &str,
) -> Result<SharedPage, AppError> {
    let mut tx = db.begin_write().await?;
    hold_place(&mut tx, access).await?;
    let (items, next, _) = read_items(
        &mut tx,
        access,
        Pick::After(after.map_or("", ItemId::as_str)),
        ReadScope::Console,
    )
    .await?;
    if !items.is_empty() {
        record_by(
            &mut tx,
            access,
            "items_secrets_read",
            None,
            &items.len().to_string(),
            client_addr,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(SharedPage {
        items,
        collections: Vec::new(),
        next,
    })
}

async fn read_one(
    tx: &mut Transaction<'_, Any>,
    access: &OrgAccess<WriteOrgItems>,
    id: &str,
) -> Result<SharedItemRecord, AppError> {
    read_items(tx, access, Pick::One(id), ReadScope::Console)
        .await?
        .0
        .pop()
        .ok_or(AppError::NotFound)
}

fn size_of(input: &SharedItemInput) -> i64 {
    i64::try_from(input.data.len() + input.secrets.as_ref().map_or(0, String::len))
        .unwrap_or(i64::MAX)
}

/// Refuses the write in progress (its transaction is dropped, so nothing of it stays) when it took
/// the organization past its quota: items, or sealed bytes. Called after the write, under the
/// organization's row lock (`hold_place`), so writers queue and each sees the one before.
async fn ensure_org_room(
    tx: &mut Transaction<'_, Any>,
    org: &str,
    seats: u32,
) -> Result<(), AppError> {
    use crate::domain::org::{org_bytes_max, ORG_ITEMS_MAX};
    let row = sqlx::query(
        "SELECT COUNT(*) AS n, CAST(COALESCE(SUM(size), 0) AS BIGINT) AS bytes \
         FROM org_items WHERE org_id = $1",
    )
    .bind(org)
    .fetch_one(&mut **tx)
    .await?;
    if row.try_get::<i64, _>("n")? > i64::from(ORG_ITEMS_MAX) {
        return Err(AppError::field(
            Field::ItemData,
            Problem::LimitReached { max: ORG_ITEMS_MAX },
        ));
    }
    let max = org_bytes_max(seats);
    if row.try_get::<i64, _>("bytes")? > max {
        return Err(AppError::field(
            Field::ItemData,
            Problem::TooLarge {
                max_mb: u32::try_from(max / (1024 * 1024)).unwrap_or(u32::MAX),
            },
        ));
    }
    Ok(())
}

async fn insert_item(
    tx: &mut Transaction<'_, Any>,
    org: &str,
    id: &ItemId,
    input: &SharedItemInput,
    secrets: &str,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO org_items (id, org_id, item_type, data, secrets, size, revision, created_at, revised_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7)",
    )
    .bind(id.as_str())
    .bind(org)
    .bind(input.item_type.code())
    .bind(&input.data)
    .bind(secrets)
    .bind(size_of(input))
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn put_in<A: SharedActionType>(
    tx: &mut Transaction<'_, Any>,
    items: &[&str],
    collections: &SharedAccess<A>,
) -> Result<(), AppError> {
    let into = collections.targets();
    if items.is_empty() || into.is_empty() {
        return Ok(());
    }
    // Every (collection, item) pair in one statement, whatever the numbers (at most 100
    // collections and 500 items: 600 parameters). SQLite wants a WHERE before an upsert's ON.
    let sql = format!(
        "INSERT INTO collection_items (collection_id, item_id) \
         SELECT c.column1, i.column1 FROM (VALUES {}) c CROSS JOIN (VALUES {}) i WHERE 1 = 1 \
         ON CONFLICT (collection_id, item_id) DO NOTHING",
        rows_of(1, into.len()),
        rows_of(1 + into.len(), items.len())
    );
    let query = into
        .iter()
        .fold(sqlx::query(&sql), |q, c| q.bind(c.as_str()));
    items
        .iter()
        .fold(query, |q, i| q.bind(*i))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// `($first), ($first + 1), …`: `n` one-column rows of a VALUES list.
fn rows_of(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("(${i})"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn strs<T: AsRef<str>>(ids: &[T]) -> Vec<&str> {
    ids.iter().map(AsRef::as_ref).collect()
}

impl AsRef<str> for CollectionId {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for ItemId {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

/// Appends one event per target of `shared` (one statement), in the change's transaction.
async fn record_each<W: OrgActionType>(
    tx: &mut Transaction<'_, Any>,
    access: &OrgAccess<W>,
    targets: &[String],
    kind: &str,
    client_addr: &str,
) -> Result<(), AppError> {
    if targets.is_empty() {
        return Ok(());
    }
    // One event per item, in one statement (as `orgs::record_by` writes one).
    let first_pair = match access.acting() {
        Acting::Member(_) => 5,
        Acting::Provider { .. } => 7,
    };
    let pairs = (0..targets.len())
        .map(|n| format!("(${}, ${})", first_pair + 2 * n, first_pair + 1 + 2 * n))
        .collect::<Vec<_>>()
        .join(", ");
    let query = match access.acting() {
        Acting::Member(member) => {
            let sql = format!(
                "INSERT INTO events (id, at, org_id, provider_id, actor_id, kind, target_id, detail, client_addr, actor_email) \
                 SELECT v.column1, $2, m.org_id, NULL, m.user_id, $3, v.column2, '', $4, m.email \
                 FROM (VALUES {pairs}) v JOIN org_members m ON m.id = $1"
            );
            (sql, member.as_str(), None)
        }
        Acting::Provider { provider, user } => {
            // The actor and their provider are named as given; the organization is the
            // capability's.
            let sql = format!(
                "INSERT INTO events (id, at, org_id, provider_id, actor_id, kind, target_id, detail, client_addr, actor_email) \
                 SELECT v.column1, $2, $5, $1, $6 , $3, v.column2, '', $4, (SELECT email FROM users WHERE id = $6) \
                 FROM (VALUES {pairs}) v"
            );
            (
                sql,
                provider.as_str(),
                Some((access.org().as_str(), user.as_str())),
            )
        }
    };
    let (sql, first, staff) = query;
    let mut query = sqlx::query(&sql)
        .bind(first)
        .bind(now_ms())
        .bind(kind)
        .bind(client_addr);
    if let Some((org, user)) = staff {
        query = query.bind(org).bind(user);
    }
    targets
        .iter()
        .fold(query, |q, t| q.bind(new_id()).bind(t.as_str()))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Creates an item in the organization, in `collections` (where the member may manage items).
pub async fn create(
    db: &Db,
    access: &OrgAccess<WriteOrgItems>,
    id: &ItemId,
    input: &SharedItemInput,
    collections: &[CollectionId],
    client_addr: &str,
) -> Result<SharedItemRecord, AppError> {
    let secrets = input
        .secrets
        .as_deref()
        .ok_or_else(|| AppError::field(Field::ItemData, Problem::Required))?;
    let mut tx = db.begin_write().await?;
    let seats = hold_place(&mut tx, access).await?;
    let into =
        decide::<ManageShared, _>(&mut tx, access, Kind::Collections, &strs(collections)).await?;
    super::claim_item_ids(&mut tx, &[id.as_str()]).await?;
    insert_item(&mut tx, access.org().as_str(), id, input, secrets, now_ms()).await?;
    put_in(&mut tx, &[id.as_str()], &into).await?;
    ensure_org_room(&mut tx, access.org().as_str(), seats).await?;
    record_by(
        &mut tx,
        access,
        "item_created",
        Some(id.as_str()),
        "",
        client_addr,
    )
    .await?;
    let record = read_one(&mut tx, access, id.as_str()).await?;
    tx.commit().await?;
    Ok(record)
}

/// Saves `input` over the item if it is still at `revision`. Without secrets, the stored ones
/// stay (and editing the open part is all the member needs the right for).
pub async fn update(
    db: &Db,
    access: &OrgAccess<WriteOrgItems>,
    id: &ItemId,
    revision: i64,
    input: &SharedItemInput,
    client_addr: &str,
) -> Result<SharedItemRecord, AppError> {
    let mut tx = db.begin_write().await?;
    let seats = hold_place(&mut tx, access).await?;
    let ids = [id.as_str()];
    match input.secrets {
        Some(_) => drop(decide::<EditSecrets, _>(&mut tx, access, Kind::Items, &ids).await?),
        None => drop(decide::<EditShared, _>(&mut tx, access, Kind::Items, &ids).await?),
    }
    if input.secrets.is_none() {
        // Without the secrets a member may change the open part, not what the item is: a login
        // made a card would carry its old secrets under other names.
        let row = sqlx::query("SELECT item_type FROM org_items WHERE id = $1 AND org_id = $2")
            .bind(id.as_str())
            .bind(access.org().as_str())
            .fetch_one(&mut *tx)
            .await?;
        if row.try_get::<String, _>("item_type")? != input.item_type.code() {
            return Err(AppError::Forbidden);
        }
    }
    let size = if input.secrets.is_some() {
        "$4"
    } else {
        "LENGTH(secrets) + $4"
    };
    let sql = format!(
        "UPDATE org_items SET item_type = $1, data = $2, secrets = COALESCE($3, secrets), \
         size = {size}, revision = revision + 1, revised_at = $5 \
         WHERE org_id = $6 AND id = $7 AND revision = $8 AND deleted_at IS NULL"
    );
    let data_only = i64::try_from(input.data.len()).unwrap_or(i64::MAX);
    let updated = sqlx::query(&sql)
        .bind(input.item_type.code())
        .bind(&input.data)
        .bind(input.secrets.as_deref())
        .bind(if input.secrets.is_some() {
            size_of(input)
        } else {
            data_only
        })
        .bind(now_ms())
        .bind(access.org().as_str())
        .bind(id.as_str())
        .bind(revision)
        .execute(&mut *tx)
        .await?;
    if updated.rows_affected() == 0 {
        // Trashed items are restored before they are changed; otherwise someone saved first.
        let current = read_one(&mut tx, access, id.as_str()).await?;
        return Err(if current.deleted_at.is_some() {
            AppError::NotFound
        } else {
            AppError::Conflict
        });
    }
    ensure_org_room(&mut tx, access.org().as_str(), seats).await?;
    record_by(
        &mut tx,
        access,
        "item_updated",
        Some(id.as_str()),
        "",
        client_addr,
    )
    .await?;
    let record = read_one(&mut tx, access, id.as_str()).await?;
    tx.commit().await?;
    Ok(record)
}

/// What a bulk call does to shared items.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bulk {
    Trash,
    Restore,
    /// For good; only items already in the trash.
    Delete,
}

/// Trashes, restores or deletes items: all of them, or (if any is out of the member's reach or
/// rights) none. Returns how many changed.
pub async fn bulk(
    db: &Db,
    access: &OrgAccess<WriteOrgItems>,
    ids: &[ItemId],
    what: Bulk,
    client_addr: &str,
) -> Result<u64, AppError> {
    let mut tx = db.begin_write().await?;
    hold_place(&mut tx, access).await?;
    let allowed = decide::<ManageShared, _>(&mut tx, access, Kind::Items, &strs(ids)).await?;
    let list = placeholders(3, ids.len());
    let (sql, kind) = match what {
        Bulk::Trash => (
            format!("UPDATE org_items SET deleted_at = $1, revision = revision + 1 WHERE org_id = $2 AND deleted_at IS NULL AND id IN ({list}) RETURNING id"),
            "item_trashed",
        ),
        Bulk::Restore => (
            format!("UPDATE org_items SET deleted_at = NULL, revised_at = $1, revision = revision + 1 WHERE org_id = $2 AND deleted_at IS NOT NULL AND id IN ({list}) RETURNING id"),
            "item_restored",
        ),
        Bulk::Delete => (
            format!("DELETE FROM org_items WHERE $1 > 0 AND org_id = $2 AND deleted_at IS NOT NULL AND id IN ({list}) RETURNING id"),
            "item_deleted",
        ),
    };
    let mut query = sqlx::query(&sql).bind(now_ms()).bind(access.org().as_str());
    for id in allowed.targets() {
        query = query.bind(id.as_str());
    }
    // Only what changed is recorded: trashing an item already in the trash changes nothing.
    let changed = query
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|r| r.try_get::<String, _>("id"))
        .collect::<Result<Vec<_>, _>>()?;
    record_each(&mut tx, access, &changed, kind, client_addr).await?;
    tx.commit().await?;
    Ok(changed.len() as u64)
}

/// Puts items into `collections` instead of those the member manages (a collection the member
/// cannot manage keeps its items: they never see it). Owners and admins replace every
/// collection. All or nothing.
pub async fn set_collections(
    db: &Db,
    access: &OrgAccess<WriteOrgItems>,
    ids: &[ItemId],
    collections: &[CollectionId],
    client_addr: &str,
) -> Result<u64, AppError> {
    let mut tx = db.begin_write().await?;
    hold_place(&mut tx, access).await?;
    let items = decide::<ManageShared, _>(&mut tx, access, Kind::Items, &strs(ids)).await?;
    let into =
        decide::<ManageShared, _>(&mut tx, access, Kind::Collections, &strs(collections)).await?;
    // Which of the items' current collections the member may take them out of.
    let current_sql = format!(
        "SELECT DISTINCT collection_id FROM collection_items WHERE item_id IN ({})",
        placeholders(1, ids.len())
    );
    let current = sqlx::query(&current_sql);
    let current = items
        .targets()
        .iter()
        .fold(current, |q, id| q.bind(id.as_str()))
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|r| r.try_get::<String, _>("collection_id"))
        .collect::<Result<Vec<_>, _>>()?;
    let grants = grants_of(
        &mut tx,
        access.org().as_str(),
        access.grants_subject(),
        Kind::Collections,
        &strs(&current),
    )
    .await?;
    let managed: Vec<&str> = grants
        .iter()
        .filter(|(_, g)| {
            shared_rights(access.role(), g)
                .is_some_and(|r| shared_allowed(r, SharedAction::ManageShared))
        })
        .map(|(id, _)| id.as_str())
        .collect();
    // Out of the collections the member manages, into the chosen ones: three statements for
    // any number of items.
    let targets = strs(items.targets());
    if !managed.is_empty() {
        let sql = format!(
            "DELETE FROM collection_items WHERE item_id IN ({}) AND collection_id IN ({})",
            placeholders(1, targets.len()),
            placeholders(1 + targets.len(), managed.len())
        );
        let query = targets.iter().fold(sqlx::query(&sql), |q, i| q.bind(*i));
        managed
            .iter()
            .fold(query, |q, c| q.bind(*c))
            .execute(&mut *tx)
            .await?;
    }
    put_in(&mut tx, &targets, &into).await?;
    let sql = format!(
        "UPDATE org_items SET revision = revision + 1, revised_at = $1 WHERE org_id = $2 AND id IN ({})",
        placeholders(3, targets.len())
    );
    targets
        .iter()
        .fold(
            sqlx::query(&sql).bind(now_ms()).bind(access.org().as_str()),
            |q, i| q.bind(*i),
        )
        .execute(&mut *tx)
        .await?;
    record_each(
        &mut tx,
        access,
        items.targets(),
        "item_collections_changed",
        client_addr,
    )
    .await?;
    tx.commit().await?;
    Ok(items.targets().len() as u64)
}

/// The member's own favorite and folder for a shared item they reach.
pub async fn mark(
    db: &Db,
    access: &OrgAccess<UseOrg>,
    id: &ItemId,
    favorite: bool,
    folder: Option<&FolderId>,
) -> Result<(), AppError> {
    // Marks are a member's own; provider staff keep none in a client (its items are not in
    // their vault).
    let member = access.member().ok_or(AppError::Forbidden)?;
    let mut tx = db.begin_write().await?;
    hold_place(&mut tx, access).await?;
    decide::<ReadShared, _>(&mut tx, access, Kind::Items, &[id.as_str()]).await?;
    // The folder must be the member's own.
    if let Some(folder) = folder {
        let row = sqlx::query(
            "SELECT f.id FROM folders f JOIN org_members m ON m.user_id = f.user_id AND m.id = $1 \
             WHERE f.id = $2",
        )
        .bind(member.as_str())
        .bind(folder.as_str())
        .fetch_optional(&mut *tx)
        .await?;
        if row.is_none() {
            return Err(AppError::field(Field::Folder, Problem::Invalid));
        }
    }
    sqlx::query(
        "INSERT INTO org_item_marks (item_id, user_id, favorite, folder_id) \
         SELECT $1, user_id, $2, $3 FROM org_members WHERE id = $4 \
         ON CONFLICT (item_id, user_id) DO UPDATE SET favorite = excluded.favorite, folder_id = excluded.folder_id",
    )
    .bind(id.as_str())
    .bind(i64::from(favorite))
    .bind(folder.map(FolderId::as_str))
    .bind(member.as_str())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Moves personal items into the organization: each leaves the vault and arrives, sealed again
/// in the browser with the organization key, in `collections`, in one transaction (a personal
/// item changed since the browser read it refuses the whole move).
pub async fn move_in(
    db: &Db,
    vault: &AccountAccess<WriteVault>,
    access: &OrgAccess<WriteOrgItems>,
    moves: &[MoveIn],
    collections: &[CollectionId],
    client_addr: &str,
) -> Result<u64, AppError> {
    let mut tx = db.begin_write().await?;
    let seats = hold_place(&mut tx, access).await?;
    let into =
        decide::<ManageShared, _>(&mut tx, access, Kind::Collections, &strs(collections)).await?;
    let now = now_ms();
    for one in moves {
        let secrets = one
            .item
            .secrets
            .as_deref()
            .ok_or_else(|| AppError::field(Field::ItemData, Problem::Required))?;
        let gone =
            sqlx::query("DELETE FROM items WHERE id = $1 AND user_id = $2 AND revision = $3")
                .bind(one.id.as_str())
                .bind(vault.target().as_str())
                .bind(one.revision)
                .execute(&mut *tx)
                .await?;
        if gone.rows_affected() == 0 {
            return Err(AppError::Conflict);
        }
        insert_item(
            &mut tx,
            access.org().as_str(),
            &one.id,
            &one.item,
            secrets,
            now,
        )
        .await?;
        put_in(&mut tx, &[one.id.as_str()], &into).await?;
        record_by(
            &mut tx,
            access,
            "item_moved_in",
            Some(one.id.as_str()),
            "",
            client_addr,
        )
        .await?;
    }
    ensure_org_room(&mut tx, access.org().as_str(), seats).await?;
    tx.commit().await?;
    Ok(moves.len() as u64)
}
