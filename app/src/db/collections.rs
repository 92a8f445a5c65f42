//! Collections and groups of an organization, who reaches a collection, and how. Owners and
//! admins manage them all (`ManageCollections`, `ManageGroups`); a member with the `manage` level
//! on a collection sets who reaches that collection (`SharedAction::ManageAccess`, decided in the
//! transaction like every shared write).

use super::orgs::{count_owned, hold_place, record_by};
use super::shared::{decide, Kind};
use super::{new_id, now_ms, Db};
use crate::domain::authz::{
    ManageAccess, ManageCollections, ManageGroups, OrgAccess, OrgActionType, ReadMembers, UseOrg,
};
use crate::domain::org::{
    AccessLevel, CollectionAccess, Grant, GroupGrant, GroupInput, GroupRecord, MemberGrant,
    GROUPS_MAX,
};
use crate::domain::shared::{settle_reach, Reach};
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

/// Every way a member reaches a collection (or an item, through its collections): their own
/// grant, each group's, and the role of owners and admins. Revoked members reach nothing and are
/// left out.
pub async fn reach(
    db: &Db,
    access: &OrgAccess<ReadMembers>,
    what: &Reachable,
) -> Result<Vec<Reach>, AppError> {
    let (collections, id) = match what {
        Reachable::Collection(id) => (
            "SELECT id FROM collections WHERE id = $2 AND org_id = $1",
            id.as_str(),
        ),
        Reachable::Item(id) => (
            "SELECT ci.collection_id FROM collection_items ci JOIN org_items i ON i.id = ci.item_id \
             WHERE ci.item_id = $2 AND i.org_id = $1",
            id.as_str(),
        ),
    };
    let sql = format!(
        "SELECT m.id, m.email, u.name, cm.level, NULL AS via, 'grant' AS way, cm.collection_id AS coll FROM collection_members cm \
         JOIN org_members m ON m.id = cm.member_id LEFT JOIN users u ON u.id = m.user_id \
         WHERE cm.collection_id IN ({collections}) AND m.org_id = $1 AND m.revoked = 0 AND m.status = 'confirmed' \
         UNION ALL \
         SELECT m.id, m.email, u.name, cg.level, g.name AS via, 'group' AS way, cg.collection_id AS coll FROM collection_groups cg \
         JOIN org_groups g ON g.id = cg.group_id JOIN group_members gm ON gm.group_id = g.id \
         JOIN org_members m ON m.id = gm.member_id LEFT JOIN users u ON u.id = m.user_id \
         WHERE cg.collection_id IN ({collections}) AND m.org_id = $1 AND m.revoked = 0 AND m.status = 'confirmed' \
         UNION ALL \
         SELECT m.id, m.email, u.name, 'manage' AS level, NULL AS via, 'role' AS way, NULL AS coll FROM org_members m \
         LEFT JOIN users u ON u.id = m.user_id WHERE m.org_id = $1 AND m.revoked = 0 \
         AND m.status = 'confirmed' AND m.role IN ('owner', 'admin')"
    );
    let rows = sqlx::query(&sql)
        .bind(access.org().as_str())
        .bind(id)
        .fetch_all(db.pool())
        .await?;
    // The third part lists owners and admins whether or not the target exists: only answer for
    // a target that does.
    let exists = match what {
        Reachable::Collection(c) => {
            sqlx::query("SELECT 1 FROM collections WHERE id = $1 AND org_id = $2").bind(c.as_str())
        }
        Reachable::Item(i) => {
            sqlx::query("SELECT 1 FROM org_items WHERE id = $1 AND org_id = $2").bind(i.as_str())
        }
    }
    .bind(access.org().as_str())
    .fetch_optional(db.pool())
    .await?;
    if exists.is_none() {
        return Err(AppError::NotFound);
    }
    let mut reach = rows
        .iter()
        .map(|r| {
            Ok(Reach {
                member: MemberId::from_stored(r.try_get("id")?),
                email: r.try_get("email")?,
                name: r.try_get("name")?,
                level: level_of(&r.try_get::<String, _>("level")?)?,
                via_role: r.try_get::<String, _>("way")? == "role",
                via_group: r.try_get("via")?,
                collection: r
                    .try_get::<Option<String>, _>("coll")?
                    .map(CollectionId::from_stored),
                overridden: false,
                effective: AccessLevel::ViewExceptPasswords,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    settle_reach(&mut reach);
    reach.sort_by(|a, b| {
        (&a.email, a.via_role, &a.via_group).cmp(&(&b.email, b.via_role, &b.via_group))
    });
    Ok(reach)
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
