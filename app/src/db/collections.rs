//! Collections and groups of an organization, who reaches a collection, and how. Owners and
//! admins manage them all (`ManageCollections`, `ManageGroups`); a member with the `manage` level
//! on a collection sets who reaches that collection (`SharedAction::ManageAccess`, decided in the
//! transaction like every shared write).

use super::orgs::{count_owned, hold_place, record_by};
use super::shared::{decide, Kind};
use super::{new_id, now_ms, placeholders, Db};
use crate::domain::authz::{
    ManageAccess, ManageCollections, ManageGroups, OrgAccess, OrgActionType, ReadMembers, UseOrg,
};
use crate::domain::org::{
    AccessLevel, CollectionAccess, Grant, GroupGrant, GroupInput, GroupRecord, MemberGrant,
    GROUPS_MAX,
};
use crate::domain::shared::ReachPage;
use crate::domain::{AppError, CollectionId, Field, GroupId, ItemId, MemberId, Problem};
use sqlx::{Any, Row, Transaction};
use std::collections::HashMap;

fn level_of(code: &str) -> Result<AccessLevel, AppError> {
    AccessLevel::from_code(code).ok_or_else(|| AppError::internal(format!("unknown level {code}")))
}

/// Refuses unless every named member and group is the organization's.
async fn owned_by_org<A: OrgActionType>(
    tx: &mut Transaction<'_, Any>,
    access: &OrgAccess<A>,
    members: &[&str],
    groups: &[&str],
    collections: &[&str],
) -> Result<(), AppError> {
    for (table, ids, field) in [
        ("org_members", members, Field::Members),
        ("org_groups", groups, Field::Groups),
        ("collections", collections, Field::Collections),
    ] {
        if count_owned(tx, table, access.org(), ids).await? != ids.len() {
            return Err(AppError::field(field, Problem::Invalid));
        }
    }
    Ok(())
}

/// Names the row `id` of `table` (`collections` or `org_groups`) of the organization.
async fn rename_row<A: OrgActionType>(
    tx: &mut Transaction<'_, Any>,
    access: &OrgAccess<A>,
    table: &str,
    id: &str,
    name: &str,
) -> Result<(), AppError> {
    let done = sqlx::query(&format!(
        "UPDATE {table} SET name = $1, revised_at = $2 WHERE id = $3 AND org_id = $4"
    ))
    .bind(name)
    .bind(now_ms())
    .bind(id)
    .bind(access.org().as_str())
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// Deletes the row `id` of `table` (`collections` or `org_groups`) of the organization, and
/// records `kind`.
async fn delete_row<A: OrgActionType>(
    db: &Db,
    access: &OrgAccess<A>,
    table: &str,
    id: &str,
    kind: &str,
    client_addr: &str,
) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    hold_place(&mut tx, access).await?;
    let done = sqlx::query(&format!(
        "DELETE FROM {table} WHERE id = $1 AND org_id = $2"
    ))
    .bind(id)
    .bind(access.org().as_str())
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    record_by(&mut tx, access, kind, Some(id), "", client_addr).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn rename_collection(
    db: &Db,
    access: &OrgAccess<ManageCollections>,
    id: &CollectionId,
    name: &str,
    client_addr: &str,
) -> Result<(), AppError> {
    let name = name.trim();
    let mut tx = db.begin_write().await?;
    hold_place(&mut tx, access).await?;
    rename_row(&mut tx, access, "collections", id.as_str(), name).await?;
    record_by(
        &mut tx,
        access,
        "collection_renamed",
        Some(id.as_str()),
        name,
        client_addr,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes a collection; items in no other collection become unassigned (owners and admins
/// still reach them).
pub async fn delete_collection(
    db: &Db,
    access: &OrgAccess<ManageCollections>,
    id: &CollectionId,
    client_addr: &str,
) -> Result<(), AppError> {
    delete_row(
        db,
        access,
        "collections",
        id.as_str(),
        "collection_deleted",
        client_addr,
    )
    .await
}

/// The members' and groups' grants on a collection, for someone who may set them.
pub async fn collection_access(
    db: &Db,
    access: &OrgAccess<UseOrg>,
    id: &CollectionId,
) -> Result<CollectionAccess, AppError> {
    // Read in a transaction of its own so the decision and the answer see the same grants.
    let mut tx = db.pool().begin().await?;
    decide::<ManageAccess, _>(&mut tx, access, Kind::Collections, &[id.as_str()]).await?;
    let members = sqlx::query(
        "SELECT member_id, level FROM collection_members WHERE collection_id = $1 ORDER BY member_id",
    )
    .bind(id.as_str())
    .fetch_all(&mut *tx)
    .await?
    .iter()
    .map(|r| {
        Ok(MemberGrant {
            member: MemberId::from_stored(r.try_get("member_id")?),
            level: level_of(&r.try_get::<String, _>("level")?)?,
        })
    })
    .collect::<Result<Vec<_>, AppError>>()?;
    let groups = sqlx::query(
        "SELECT group_id, level FROM collection_groups WHERE collection_id = $1 ORDER BY group_id",
    )
    .bind(id.as_str())
    .fetch_all(&mut *tx)
    .await?
    .iter()
    .map(|r| {
        Ok(GroupGrant {
            group: GroupId::from_stored(r.try_get("group_id")?),
            level: level_of(&r.try_get::<String, _>("level")?)?,
        })
    })
    .collect::<Result<Vec<_>, AppError>>()?;
    tx.commit().await?;
    Ok(CollectionAccess { members, groups })
}

/// Replaces who reaches a collection directly.
pub async fn set_collection_access(
    db: &Db,
    access: &OrgAccess<UseOrg>,
    id: &CollectionId,
    grants: &CollectionAccess,
    client_addr: &str,
) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    hold_place(&mut tx, access).await?;
    let allowed =
        decide::<ManageAccess, _>(&mut tx, access, Kind::Collections, &[id.as_str()]).await?;
    let collection = allowed.targets()[0].as_str();
    let members: Vec<&str> = grants.members.iter().map(|g| g.member.as_str()).collect();
    let groups: Vec<&str> = grants.groups.iter().map(|g| g.group.as_str()).collect();
    owned_by_org(&mut tx, access, &members, &groups, &[]).await?;
    for table in ["collection_members", "collection_groups"] {
        sqlx::query(&format!("DELETE FROM {table} WHERE collection_id = $1"))
            .bind(collection)
            .execute(&mut *tx)
            .await?;
    }
    for g in &grants.members {
        sqlx::query(
            "INSERT INTO collection_members (collection_id, member_id, level) VALUES ($1, $2, $3)",
        )
        .bind(collection)
        .bind(g.member.as_str())
        .bind(g.level.code())
        .execute(&mut *tx)
        .await?;
    }
    for g in &grants.groups {
        sqlx::query(
            "INSERT INTO collection_groups (collection_id, group_id, level) VALUES ($1, $2, $3)",
        )
        .bind(collection)
        .bind(g.group.as_str())
        .bind(g.level.code())
        .execute(&mut *tx)
        .await?;
    }
    let detail = format!("{} members, {} groups", members.len(), groups.len());
    record_by(
        &mut tx,
        access,
        "collection_access_set",
        Some(collection),
        &detail,
        client_addr,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// What "who can reach this?" asks about.
#[derive(Clone, Debug)]
pub enum Reachable {
    Collection(CollectionId),
    Item(ItemId),
}

/// `values` bound after what `q` has, in order.
fn bind_all<'q>(
    q: sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>>,
    values: &[&'q str],
) -> sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>> {
    values.iter().fold(q, |q, v| q.bind(*v))
}

/// Group grants one "who can reach this?" page may read: past it the answer is refused rather
/// than the server made to hold them (1,000 groups each granted on 20 of an item's collections).
const REACH_GRANTS_BUDGET: usize = 20_000;

/// Who reaches a collection (or an item, through its collections), a page of members at a time,
/// one answer per member: their role, their own grants and their groups' grants on the target,
/// settled into what they can do (`shared::settle_member`). Revoked and unconfirmed members
/// reach nothing and are left out. Six statements a page whatever the numbers of members,
/// groups and grants; the group grants read are bounded (`REACH_GRANTS_BUDGET`), and on
/// PostgreSQL every statement has a time limit.
pub async fn reach(
    db: &Db,
    access: &OrgAccess<ReadMembers>,
    what: &Reachable,
    after: Option<&MemberId>,
) -> Result<ReachPage, AppError> {
    use crate::domain::shared::{settle_member, GrantFact, MemberReach, REACH_PAGE};
    let org = access.org().as_str();
    let mut tx = db.pool().begin().await?;
    if db.backend() == super::Backend::Postgres {
        sqlx::query("SET LOCAL statement_timeout = '3s'")
            .execute(&mut *tx)
            .await?;
    }
    // The target and its collections (an item is in at most 100).
    let (exists, colls) = match what {
        Reachable::Collection(id) => (
            sqlx::query("SELECT 1 FROM collections WHERE id = $1 AND org_id = $2").bind(id.as_str()),
            sqlx::query("SELECT id, name FROM collections WHERE id = $1 AND org_id = $2")
                .bind(id.as_str()),
        ),
        Reachable::Item(id) => (
            sqlx::query("SELECT 1 FROM org_items WHERE id = $1 AND org_id = $2").bind(id.as_str()),
            sqlx::query(
                "SELECT c.id, c.name FROM collection_items ci JOIN collections c ON c.id = ci.collection_id \
                 WHERE ci.item_id = $1 AND c.org_id = $2",
            )
            .bind(id.as_str()),
        ),
    };
    if exists.bind(org).fetch_optional(&mut *tx).await?.is_none() {
        return Err(AppError::NotFound);
    }
    let mut names: HashMap<String, String> = HashMap::new();
    for row in colls.bind(org).fetch_all(&mut *tx).await? {
        names.insert(row.try_get("id")?, row.try_get("name")?);
    }
    let targets: Vec<&str> = names.keys().map(String::as_str).collect();
    // Members who reach it: by role, by their own grant, or through a group with a grant.
    let reaches = if targets.is_empty() {
        "m.role IN ('owner', 'admin')".to_owned()
    } else {
        let t = placeholders(3, targets.len());
        format!(
            "(m.role IN ('owner', 'admin') \
             OR m.id IN (SELECT cm.member_id FROM collection_members cm WHERE cm.collection_id IN ({t})) \
             OR m.id IN (SELECT gm.member_id FROM group_members gm WHERE gm.group_id IN \
               (SELECT cg.group_id FROM collection_groups cg WHERE cg.collection_id IN ({t}))))"
        )
    };
    let standing = "m.org_id = $1 AND m.status = 'confirmed' AND m.revoked = 0";
    let page_sql = format!(
        "SELECT m.id, m.email, u.name, m.role FROM org_members m LEFT JOIN users u ON u.id = m.user_id \
         WHERE {standing} AND m.email_normalized > COALESCE((SELECT a.email_normalized \
         FROM org_members a WHERE a.id = $2 AND a.org_id = $1), '') AND {reaches} \
         ORDER BY m.email_normalized LIMIT {}",
        REACH_PAGE + 1
    );
    let after_id = after.map_or("", MemberId::as_str);
    let mut rows = bind_all(sqlx::query(&page_sql).bind(org).bind(after_id), &targets)
        .fetch_all(&mut *tx)
        .await?;
    let next = (rows.len() > REACH_PAGE)
        .then(|| {
            rows.truncate(REACH_PAGE);
            rows.last().map(|r| r.try_get::<String, _>("id"))
        })
        .flatten()
        .transpose()?
        .map(MemberId::from_stored);
    let total = if after.is_none() {
        let sql = format!(
            "SELECT COUNT(*) AS n FROM org_members m WHERE {standing} AND $2 = $2 AND {reaches}"
        );
        let row = bind_all(sqlx::query(&sql).bind(org).bind(""), &targets)
            .fetch_one(&mut *tx)
            .await?;
        Some(u32::try_from(row.try_get::<i64, _>("n")?).unwrap_or(u32::MAX))
    } else {
        None
    };
    let page: Vec<String> = rows
        .iter()
        .map(|r| r.try_get("id"))
        .collect::<Result<_, _>>()?;
    // The page's own grants, group memberships and those groups' grants on the target.
    let mut own: HashMap<String, Vec<(String, AccessLevel)>> = HashMap::new();
    let mut member_groups: HashMap<String, Vec<String>> = HashMap::new();
    let mut group_grants: HashMap<String, (String, Vec<(String, AccessLevel)>)> = HashMap::new();
    if !targets.is_empty() && !page.is_empty() {
        let (p, t) = (
            placeholders(1, page.len()),
            placeholders(1 + page.len(), targets.len()),
        );
        let page_ids: Vec<&str> = page.iter().map(String::as_str).collect();
        let sql = format!(
            "SELECT cm.member_id, cm.collection_id, cm.level FROM collection_members cm \
             WHERE cm.member_id IN ({p}) AND cm.collection_id IN ({t})"
        );
        for row in bind_all(bind_all(sqlx::query(&sql), &page_ids), &targets)
            .fetch_all(&mut *tx)
            .await?
        {
            own.entry(row.try_get("member_id")?).or_default().push((
                row.try_get("collection_id")?,
                level_of(&row.try_get::<String, _>("level")?)?,
            ));
        }
        let sql = format!(
            "SELECT gm.member_id, gm.group_id FROM group_members gm WHERE gm.member_id IN ({p}) \
             AND gm.group_id IN (SELECT cg.group_id FROM collection_groups cg WHERE cg.collection_id IN ({t}))"
        );
        for row in bind_all(bind_all(sqlx::query(&sql), &page_ids), &targets)
            .fetch_all(&mut *tx)
            .await?
        {
            member_groups
                .entry(row.try_get("member_id")?)
                .or_default()
                .push(row.try_get("group_id")?);
        }
        let sql = format!(
            "SELECT cg.group_id, g.name, cg.collection_id, cg.level FROM collection_groups cg \
             JOIN org_groups g ON g.id = cg.group_id \
             WHERE cg.group_id IN (SELECT gm.group_id FROM group_members gm WHERE gm.member_id IN ({p})) \
             AND cg.collection_id IN ({t}) LIMIT {}",
            REACH_GRANTS_BUDGET + 1
        );
        let grant_rows = bind_all(bind_all(sqlx::query(&sql), &page_ids), &targets)
            .fetch_all(&mut *tx)
            .await?;
        if grant_rows.len() > REACH_GRANTS_BUDGET {
            return Err(AppError::field(
                Field::Groups,
                Problem::LimitReached {
                    max: REACH_GRANTS_BUDGET as u32,
                },
            ));
        }
        for row in grant_rows {
            let entry = group_grants
                .entry(row.try_get("group_id")?)
                .or_insert_with(|| (String::new(), Vec::new()));
            entry.0 = row.try_get("name")?;
            entry.1.push((
                row.try_get("collection_id")?,
                level_of(&row.try_get::<String, _>("level")?)?,
            ));
        }
    }
    tx.commit().await?;
    let ids: HashMap<&str, CollectionId> = names
        .keys()
        .map(|k| (k.as_str(), CollectionId::from_stored(k.clone())))
        .collect();
    let fact = |coll: &str, level: AccessLevel| {
        ids.get(coll).map(|id| GrantFact {
            collection: id,
            collection_name: names.get(coll).map_or("", String::as_str),
            level,
        })
    };
    let mut members = Vec::with_capacity(rows.len());
    for row in &rows {
        let id: String = row.try_get("id")?;
        let role: String = row.try_get("role")?;
        let via_role = role == "owner" || role == "admin";
        let own_facts: Vec<GrantFact<'_>> = own
            .get(&id)
            .into_iter()
            .flatten()
            .filter_map(|(c, l)| fact(c, *l))
            .collect();
        let groups = member_groups
            .get(&id)
            .into_iter()
            .flatten()
            .filter_map(|g| group_grants.get(g))
            .flat_map(|(name, grants)| {
                grants
                    .iter()
                    .filter_map(|(c, l)| fact(c, *l).map(|f| (name.as_str(), f)))
            });
        let (effective, lines, more_lines) = settle_member(via_role, &own_facts, groups);
        members.push(MemberReach {
            member: MemberId::from_stored(id.clone()),
            email: row.try_get("email")?,
            name: row.try_get("name")?,
            via_role,
            effective,
            lines,
            more_lines,
        });
    }
    Ok(ReachPage {
        members,
        next,
        total,
    })
}

/// Every group of the organization with its members and collections (three queries).
pub async fn groups(
    db: &Db,
    access: &OrgAccess<ManageGroups>,
) -> Result<Vec<GroupRecord>, AppError> {
    let org = access.org().as_str();
    let rows = sqlx::query("SELECT id, name FROM org_groups WHERE org_id = $1 ORDER BY name")
        .bind(org)
        .fetch_all(db.pool())
        .await?;
    let mut members: HashMap<String, Vec<MemberId>> = HashMap::new();
    for r in sqlx::query(
        "SELECT gm.group_id, gm.member_id FROM group_members gm JOIN org_groups g ON g.id = gm.group_id \
         WHERE g.org_id = $1 ORDER BY gm.member_id",
    )
    .bind(org)
    .fetch_all(db.pool())
    .await?
    {
        members
            .entry(r.try_get("group_id")?)
            .or_default()
            .push(MemberId::from_stored(r.try_get("member_id")?));
    }
    let mut grants: HashMap<String, Vec<Grant>> = HashMap::new();
    for r in sqlx::query(
        "SELECT cg.group_id, cg.collection_id, cg.level FROM collection_groups cg \
         JOIN org_groups g ON g.id = cg.group_id WHERE g.org_id = $1 ORDER BY cg.collection_id",
    )
    .bind(org)
    .fetch_all(db.pool())
    .await?
    {
        grants
            .entry(r.try_get("group_id")?)
            .or_default()
            .push(Grant {
                collection: CollectionId::from_stored(r.try_get("collection_id")?),
                level: level_of(&r.try_get::<String, _>("level")?)?,
            });
    }
    rows.iter()
        .map(|r| {
            let id: String = r.try_get("id")?;
            Ok(GroupRecord {
                members: members.remove(&id).unwrap_or_default(),
                collections: grants.remove(&id).unwrap_or_default(),
                name: r.try_get("name")?,
                id: GroupId::from_stored(id),
            })
        })
        .collect()
}

/// Sets a group's members and collections to exactly those of `input`.
async fn fill_group(
    tx: &mut Transaction<'_, Any>,
    access: &OrgAccess<ManageGroups>,
    id: &str,
    input: &GroupInput,
) -> Result<(), AppError> {
    let members: Vec<&str> = input.members.iter().map(MemberId::as_str).collect();
    let collections: Vec<&str> = input
        .collections
        .iter()
        .map(|g| g.collection.as_str())
        .collect();
    owned_by_org(tx, access, &members, &[], &collections).await?;
    for table in ["group_members", "collection_groups"] {
        sqlx::query(&format!("DELETE FROM {table} WHERE group_id = $1"))
            .bind(id)
            .execute(&mut **tx)
            .await?;
    }
    for member in &members {
        sqlx::query("INSERT INTO group_members (group_id, member_id) VALUES ($1, $2)")
            .bind(id)
            .bind(*member)
            .execute(&mut **tx)
            .await?;
    }
    for g in &input.collections {
        sqlx::query(
            "INSERT INTO collection_groups (collection_id, group_id, level) VALUES ($1, $2, $3)",
        )
        .bind(g.collection.as_str())
        .bind(id)
        .bind(g.level.code())
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

pub async fn create_group(
    db: &Db,
    access: &OrgAccess<ManageGroups>,
    input: &GroupInput,
    client_addr: &str,
) -> Result<GroupId, AppError> {
    let mut tx = db.begin_write().await?;
    hold_place(&mut tx, access).await?;
    let row = sqlx::query("SELECT COUNT(*) AS n FROM org_groups WHERE org_id = $1")
        .bind(access.org().as_str())
        .fetch_one(&mut *tx)
        .await?;
    if row.try_get::<i64, _>("n")? >= i64::from(GROUPS_MAX) {
        return Err(AppError::field(
            Field::GroupName,
            Problem::LimitReached { max: GROUPS_MAX },
        ));
    }
    let id = new_id();
    let name = input.name.trim();
    sqlx::query(
        "INSERT INTO org_groups (id, org_id, name, created_at, revised_at) VALUES ($1, $2, $3, $4, $4)",
    )
    .bind(&id)
    .bind(access.org().as_str())
    .bind(name)
    .bind(now_ms())
    .execute(&mut *tx)
    .await?;
    fill_group(&mut tx, access, &id, input).await?;
    record_by(
        &mut tx,
        access,
        "group_created",
        Some(&id),
        name,
        client_addr,
    )
    .await?;
    tx.commit().await?;
    Ok(GroupId::from_stored(id))
}

pub async fn update_group(
    db: &Db,
    access: &OrgAccess<ManageGroups>,
    id: &GroupId,
    input: &GroupInput,
    client_addr: &str,
) -> Result<(), AppError> {
    let name = input.name.trim();
    let mut tx = db.begin_write().await?;
    hold_place(&mut tx, access).await?;
    rename_row(&mut tx, access, "org_groups", id.as_str(), name).await?;
    fill_group(&mut tx, access, id.as_str(), input).await?;
    record_by(
        &mut tx,
        access,
        "group_updated",
        Some(id.as_str()),
        name,
        client_addr,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn delete_group(
    db: &Db,
    access: &OrgAccess<ManageGroups>,
    id: &GroupId,
    client_addr: &str,
) -> Result<(), AppError> {
    delete_row(
        db,
        access,
        "org_groups",
        id.as_str(),
        "group_deleted",
        client_addr,
    )
    .await
}
