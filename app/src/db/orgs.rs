//! Organizations, their members, invitations and collections. Every function takes the capability
//! `domain::authz` handed out and scopes its queries to the organization it names. Writes start by
//! checking, inside their transaction, that the caller still holds the place the capability was
//! made from (`hold_place`), so a member revoked a moment ago can do nothing more; and they lock
//! the organization's row, so the counting rules (seats, last owner) hold under concurrent calls on
//! PostgreSQL as on SQLite.

use super::{new_id, now_ms, placeholders, Db};
use crate::domain::authz::{
    AccountAccess, Acting, ClientOf, CreateOrganization, JoinOrganization, LeaveOrg,
    ManageCollections, ManageMembers, Membership, OrgAccess, OrgActionType, OrgStanding,
    ReadMembers, ReadVault, Staff, UpdateSettings,
};
use crate::domain::org::{
    member_change_problem, CollectionSummary, Confirmation, Grant, Invitation, InviteInput,
    MemberChange, MemberOutcome, MemberPage, MemberQuery, MemberRecord, MemberSort, MemberStatus,
    NewOrg, OrgInput, OrgMembership, OrgRole, Plan, COLLECTIONS_MAX, INVITE_LIFETIME_MS,
    MEMBER_PAGE_ROWS,
};
use crate::domain::validate::normalize_email;
use crate::domain::{
    AppError, CollectionId, Field, GroupId, MemberId, OrgId, Problem, ProviderId, UserId,
};
use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use std::collections::HashMap;

/// Members who take a seat: everyone not revoked, whatever their status.
const SEATED: &str = "revoked = 0";

fn role_of(code: &str) -> Result<OrgRole, AppError> {
    OrgRole::from_code(code).ok_or_else(|| AppError::internal(format!("unknown role {code}")))
}

fn status_of(code: &str) -> Result<MemberStatus, AppError> {
    MemberStatus::from_code(code)
        .ok_or_else(|| AppError::internal(format!("unknown member status {code}")))
}

fn seats_of(row: &AnyRow) -> Result<u32, AppError> {
    let seats: i64 = row.try_get("seats")?;
    u32::try_from(seats).map_err(AppError::internal)
}

/// The caller's standing toward `org`, in one query: their membership, and, if the organization
/// is a provider's client, the provider's state and the caller's place in that provider.
pub async fn standing(db: &Db, user: &UserId, org: &OrgId) -> Result<OrgStanding, AppError> {
    let row = sqlx::query(
        "SELECT m.id, m.role, m.status, m.revoked, pc.provider_id, p.status AS p_status, \
         p.enabled AS p_enabled, pm.role AS pm_role, pm.status AS pm_status, pm.revoked AS pm_revoked \
         FROM organizations o \
         LEFT JOIN org_members m ON m.org_id = o.id AND m.user_id = $1 \
         LEFT JOIN provider_clients pc ON pc.org_id = o.id \
         LEFT JOIN providers p ON p.id = pc.provider_id \
         LEFT JOIN provider_members pm ON pm.provider_id = pc.provider_id AND pm.user_id = $1 \
         WHERE o.id = $2",
    )
    .bind(user.as_str())
    .bind(org.as_str())
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else {
        return Ok(OrgStanding {
            org_id: org.clone(),
            member: None,
            provider: None,
        });
    };
    let member = match row.try_get::<Option<String>, _>("id")? {
        None => None,
        Some(id) => Some(Membership {
            id: MemberId::from_stored(id),
            role: role_of(&row.try_get::<String, _>("role")?)?,
            status: status_of(&row.try_get::<String, _>("status")?)?,
            revoked: row.try_get::<i64, _>("revoked")? != 0,
        }),
    };
    let provider = match row.try_get::<Option<String>, _>("provider_id")? {
        None => None,
        Some(id) => {
            let staff = match row.try_get::<Option<String>, _>("pm_role")? {
                None => None,
                Some(role) => Some(Staff {
                    user_id: user.clone(),
                    role: super::providers::role_of(&role)?,
                    status: status_of(&row.try_get::<String, _>("pm_status")?)?,
                    revoked: row.try_get::<i64, _>("pm_revoked")? != 0,
                }),
            };
            Some(ClientOf {
                provider_id: ProviderId::from_stored(id),
                status: super::providers::provider_status_of(
                    &row.try_get::<String, _>("p_status")?,
                )?,
                enabled: row.try_get::<i64, _>("p_enabled")? != 0,
                staff,
            })
        }
    };
    Ok(OrgStanding {
        org_id: org.clone(),
        member,
        provider,
    })
}

/// Locks the organization's row until the transaction ends and returns its seats; `NotFound` if
/// it is gone.
pub(super) async fn lock_org(tx: &mut Transaction<'_, Any>, org: &OrgId) -> Result<u32, AppError> {
    let updated = sqlx::query("UPDATE organizations SET revised_at = revised_at WHERE id = $1")
        .bind(org.as_str())
        .execute(&mut **tx)
        .await?;
    if updated.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    let row = sqlx::query("SELECT seats FROM organizations WHERE id = $1")
        .bind(org.as_str())
        .fetch_one(&mut **tx)
        .await?;
    seats_of(&row)
}

/// Refuses unless the caller still holds the place the capability was made from (a revocation
/// or demotion in between wins): the confirmed, unrevoked member with the same role; or, for
/// provider staff, a confirmed, unrevoked member of the active, enabled provider that the
/// organization is still a client of (an unlink, a disable or a revocation in between wins).
/// The organization's row is locked first, so an unlink (which locks it too) and this request
/// are one after the other.
pub(super) async fn hold_place<A: OrgActionType>(
    tx: &mut Transaction<'_, Any>,
    access: &OrgAccess<A>,
) -> Result<u32, AppError> {
    let seats = lock_org(tx, access.org()).await?;
    let row = match access.acting() {
        Acting::Member(member) => {
            sqlx::query(
                "SELECT id FROM org_members WHERE id = $1 AND org_id = $2 AND role = $3 \
                 AND status = 'confirmed' AND revoked = 0",
            )
            .bind(member.as_str())
            .bind(access.org().as_str())
            .bind(access.role().code())
            .fetch_optional(&mut **tx)
            .await?
        }
        Acting::Provider { provider, user } => {
            super::providers::staff_of_client(tx, provider, user, access.org()).await?
        }
    };
    match row {
        Some(_) => Ok(seats),
        None => Err(AppError::Forbidden),
    }
}

async fn name_of(tx: &mut Transaction<'_, Any>, org: &OrgId) -> Result<String, AppError> {
    let row = sqlx::query("SELECT name FROM organizations WHERE id = $1")
        .bind(org.as_str())
        .fetch_one(&mut **tx)
        .await?;
    Ok(row.try_get("name")?)
}

pub(super) async fn seats_taken(
    tx: &mut Transaction<'_, Any>,
    org: &OrgId,
) -> Result<u32, AppError> {
    let row = sqlx::query(&format!(
        "SELECT COUNT(*) AS n FROM org_members WHERE org_id = $1 AND {SEATED}"
    ))
    .bind(org.as_str())
    .fetch_one(&mut **tx)
    .await?;
    u32::try_from(row.try_get::<i64, _>("n")?).map_err(AppError::internal)
}

fn seats_full(seats: u32) -> AppError {
    AppError::field(Field::Seats, Problem::LimitReached { max: seats })
}

/// Refuses (rolling back what the transaction did) if the organization has no confirmed,
/// unrevoked owner left. The provider of a client organization counts as one.
async fn keep_an_owner(tx: &mut Transaction<'_, Any>, org: &OrgId) -> Result<(), AppError> {
    let row = sqlx::query(
        "SELECT (SELECT COUNT(*) FROM org_members WHERE org_id = $1 AND role = 'owner' \
         AND status = 'confirmed' AND revoked = 0) \
         + (SELECT COUNT(*) FROM provider_clients WHERE org_id = $1) AS n",
    )
    .bind(org.as_str())
    .fetch_one(&mut **tx)
    .await?;
    if row.try_get::<i64, _>("n")? == 0 {
        return Err(AppError::field(Field::Members, Problem::LastOwner));
    }
    Ok(())
}

/// Appends to the event log, in the transaction of the change it records.
pub(super) async fn record_event(
    tx: &mut Transaction<'_, Any>,
    org: &OrgId,
    actor: Option<&UserId>,
    kind: &str,
    target: Option<&str>,
    detail: &str,
    client_addr: &str,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO events (id, at, org_id, provider_id, actor_id, kind, target_id, detail, client_addr, \
         actor_email, target_email) \
         VALUES ($1, $2, $3, NULL, $4, $5, $6, $7, $8, (SELECT email FROM users WHERE id = $4), \
         (SELECT email FROM org_members WHERE id = $6))",
    )
    .bind(new_id())
    .bind(now_ms())
    .bind(org.as_str())
    .bind(actor.map(UserId::as_str))
    .bind(kind)
    .bind(target)
    .bind(detail)
    .bind(client_addr)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Appends to the event log what the caller behind `access` did, naming their account (for a
/// member, looked up in the same statement) and the provider they act through, in the
/// transaction of the change. Call it before a change that removes the member's own row.
pub(super) async fn record_by<A: OrgActionType>(
    tx: &mut Transaction<'_, Any>,
    access: &OrgAccess<A>,
    kind: &str,
    target: Option<&str>,
    detail: &str,
    client_addr: &str,
) -> Result<(), AppError> {
    match access.acting() {
        Acting::Member(member) => {
            sqlx::query(
                "INSERT INTO events (id, at, org_id, provider_id, actor_id, kind, target_id, detail, client_addr, \
                 actor_email, target_email) \
                 SELECT $1, $2, org_id, NULL, user_id, $3, $4, $5, $6, email, \
                 (SELECT t.email FROM org_members t WHERE t.id = $4) FROM org_members WHERE id = $7",
            )
            .bind(new_id())
            .bind(now_ms())
            .bind(kind)
            .bind(target)
            .bind(detail)
            .bind(client_addr)
            .bind(member.as_str())
            .execute(&mut **tx)
            .await?;
        }
        Acting::Provider { provider, user } => {
            sqlx::query(
                "INSERT INTO events (id, at, org_id, provider_id, actor_id, kind, target_id, detail, client_addr, \
                 actor_email, target_email) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, (SELECT email FROM users WHERE id = $5), \
                 (SELECT t.email FROM org_members t WHERE t.id = $7))",
            )
            .bind(new_id())
            .bind(now_ms())
            .bind(access.org().as_str())
            .bind(provider.as_str())
            .bind(user.as_str())
            .bind(kind)
            .bind(target)
            .bind(detail)
            .bind(client_addr)
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(())
}

/// Creates the organization with the caller as its confirmed owner (holding the key the browser
/// sealed to them) and its first collection.
pub async fn create(
    db: &Db,
    access: &AccountAccess<CreateOrganization>,
    email: &str,
    new: &NewOrg,
    client_addr: &str,
) -> Result<OrgMembership, AppError> {
    let settings = new.settings.cleaned();
    let now = now_ms();
    let org = OrgId::from_stored(new_id());
    let member = MemberId::from_stored(new_id());
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "INSERT INTO organizations (id, name, billing_email, plan, seats, enabled, created_at, revised_at) \
         VALUES ($1, $2, $3, $4, $5, 1, $6, $6)",
    )
    .bind(org.as_str())
    .bind(&settings.name)
    .bind(&settings.billing_email)
    .bind(settings.plan.code())
    .bind(i64::from(settings.seats))
    .bind(now)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO org_members (id, org_id, user_id, email, email_normalized, role, status, revoked, \
         sealed_org_key, invited_by, created_at, revised_at) \
         VALUES ($1, $2, $3, $4, $5, 'owner', 'confirmed', 0, $6, NULL, $7, $7)",
    )
    .bind(member.as_str())
    .bind(org.as_str())
    .bind(access.target().as_str())
    .bind(email)
    .bind(normalize_email(email))
    .bind(&new.sealed_org_key)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let default = insert_collection(&mut tx, &org, new.default_collection.trim(), now).await?;
    assign_creator(&mut tx, &default, &member).await?;
    record_event(
        &mut tx,
        &org,
        Some(access.target()),
        "org_created",
        Some(org.as_str()),
        &settings.name,
        client_addr,
    )
    .await?;
    tx.commit().await?;
    Ok(OrgMembership {
        org_id: org,
        name: settings.name,
        plan: settings.plan,
        seats: settings.seats,
        billing_email: Some(settings.billing_email.clone()),
        member_id: member,
        role: OrgRole::Owner,
        status: MemberStatus::Confirmed,
        revoked: false,
        sealed_org_key: Some(new.sealed_org_key.clone()),
    })
}

/// Every organization the account has a place in, whatever its state.
pub async fn memberships(
    db: &Db,
    access: &AccountAccess<ReadVault>,
) -> Result<Vec<OrgMembership>, AppError> {
    let rows = sqlx::query(
        "SELECT o.id AS org_id, o.name, o.plan, o.seats, o.billing_email, m.id AS member_id, \
         m.role, m.status, m.revoked, m.sealed_org_key FROM org_members m JOIN organizations o ON o.id = m.org_id \
         WHERE m.user_id = $1 ORDER BY o.name, o.id",
    )
    .bind(access.target().as_str())
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            let plan: String = row.try_get("plan")?;
            let revoked = row.try_get::<i64, _>("revoked")? != 0;
            let status = status_of(&row.try_get::<String, _>("status")?)?;
            let role = role_of(&row.try_get::<String, _>("role")?)?;
            // Who bills the organization is for those who run it.
            let runs_it = role != OrgRole::User && status == MemberStatus::Confirmed && !revoked;
            Ok(OrgMembership {
                org_id: OrgId::from_stored(row.try_get("org_id")?),
                name: row.try_get("name")?,
                plan: Plan::from_code(&plan)
                    .ok_or_else(|| AppError::internal(format!("unknown plan {plan}")))?,
                seats: seats_of(row)?,
                billing_email: if runs_it {
                    row.try_get("billing_email")?
                } else {
                    None
                },
                member_id: MemberId::from_stored(row.try_get("member_id")?),
                role,
                status,
                revoked,
                // A revoked member is not handed the key again.
                sealed_org_key: if revoked {
                    None
                } else {
                    row.try_get("sealed_org_key")?
                },
            })
        })
        .collect()
}

/// Every member with their groups and direct collection grants: three queries, whatever the size.
pub async fn members(
    db: &Db,
    access: &OrgAccess<ReadMembers>,
) -> Result<Vec<MemberRecord>, AppError> {
    records(db, access.org().as_str(), None).await
}

/// One page of the Members section in the order asked, how many members match and how many
/// wait for confirmation: at most six queries whatever the size (the page's ids, by an index of
/// that order; the counts, the first left out when the page itself tells it; then the page's
/// records). Search looks in addresses and account names.
pub async fn member_page(
    db: &Db,
    access: &OrgAccess<ReadMembers>,
    q: &MemberQuery,
) -> Result<MemberPage, AppError> {
    let org = access.org().as_str();
    let search = q.search.trim().to_lowercase();
    let mut filter = String::new();
    if q.waiting {
        filter.push_str(" AND m.status = 'accepted' AND m.revoked = 0");
    }
    // Names are read through the organization's members, not by a pass over every account.
    let join = if search.is_empty() {
        ""
    } else {
        filter.push_str(
            " AND (m.email_normalized LIKE $2 ESCAPE '\\' OR lower(u.name) LIKE $2 ESCAPE '\\')",
        );
        " LEFT JOIN users u ON u.id = m.user_id"
    };
    let pattern = format!(
        "%{}%",
        search
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    );
    let dir = if q.descending { " DESC" } else { "" };
    let keys: &[&str] = match q.sort {
        MemberSort::Member => &["m.email_normalized"],
        MemberSort::Role => &["m.role", "m.email_normalized"],
        MemberSort::Status => &["m.revoked", "m.status", "m.email_normalized"],
    };
    let order = keys
        .iter()
        .map(|k| format!("{k}{dir}"))
        .collect::<Vec<_>>()
        .join(", ");
    let offset = u64::from(q.page) * MEMBER_PAGE_ROWS as u64;
    let ids_sql = format!(
        "SELECT m.id FROM org_members m{join} WHERE m.org_id = $1{filter} ORDER BY {order} \
         LIMIT {MEMBER_PAGE_ROWS} OFFSET {offset}"
    );
    let mut ids_q = sqlx::query(&ids_sql).bind(org);
    if !search.is_empty() {
        ids_q = ids_q.bind(pattern.as_str());
    }
    let ids = ids_q
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(|r| r.try_get::<String, _>("id"))
        .collect::<Result<Vec<_>, _>>()?;
    // A page that is not full, and not past the end, says how many match.
    let matching = if ids.len() < MEMBER_PAGE_ROWS && (!ids.is_empty() || offset == 0) {
        offset + ids.len() as u64
    } else {
        let count_sql =
            format!("SELECT COUNT(*) AS n FROM org_members m{join} WHERE m.org_id = $1{filter}");
        let mut count_q = sqlx::query(&count_sql).bind(org);
        if !search.is_empty() {
            count_q = count_q.bind(pattern.as_str());
        }
        let n: i64 = count_q.fetch_one(db.pool()).await?.try_get("n")?;
        u64::try_from(n).unwrap_or(0)
    };
    let waiting: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM org_members m WHERE m.org_id = $1 AND m.revoked = 0 \
         AND m.status = 'accepted'",
    )
    .bind(org)
    .fetch_one(db.pool())
    .await?
    .try_get("n")?;
    let mut found: HashMap<String, MemberRecord> = records(db, org, Some(&ids))
        .await?
        .into_iter()
        .map(|m| (m.id.as_str().to_owned(), m))
        .collect();
    Ok(MemberPage {
        members: ids.iter().filter_map(|id| found.remove(id)).collect(),
        matching,
        waiting: u64::try_from(waiting).unwrap_or(0),
    })
}

/// The members of `org` (those of `only`, when given) with their groups and direct grants:
/// three queries.
async fn records(
    db: &Db,
    org: &str,
    only: Option<&[String]>,
) -> Result<Vec<MemberRecord>, AppError> {
    // `col IN (…)` over the ids asked, from $2; nothing when every member is asked for.
    let among = |col: &str| match only {
        Some(ids) => format!(" AND {col} IN ({})", placeholders(2, ids.len())),
        None => String::new(),
    };
    let ids = match only {
        Some([]) => return Ok(Vec::new()),
        Some(ids) => ids,
        None => &[],
    };
    let members_sql = format!(
        "SELECT m.id, m.user_id, m.email, m.role, m.status, m.revoked, u.name, u.public_key \
         FROM org_members m LEFT JOIN users u ON u.id = m.user_id WHERE m.org_id = $1{} \
         ORDER BY m.email_normalized",
        among("m.id")
    );
    let groups_sql = format!(
        "SELECT gm.member_id, gm.group_id FROM group_members gm \
         JOIN org_groups g ON g.id = gm.group_id WHERE g.org_id = $1{}",
        among("gm.member_id")
    );
    let grants_sql = format!(
        "SELECT cm.member_id, cm.collection_id, cm.level FROM collection_members cm \
         JOIN collections c ON c.id = cm.collection_id WHERE c.org_id = $1{}",
        among("cm.member_id")
    );
    let rows = with_ids(&members_sql, org, ids)
        .fetch_all(db.pool())
        .await?;
    let mut groups: HashMap<String, Vec<GroupId>> = HashMap::new();
    for row in with_ids(&groups_sql, org, ids).fetch_all(db.pool()).await? {
        groups
            .entry(row.try_get("member_id")?)
            .or_default()
            .push(GroupId::from_stored(row.try_get("group_id")?));
    }
    let mut grants: HashMap<String, Vec<Grant>> = HashMap::new();
    for row in with_ids(&grants_sql, org, ids).fetch_all(db.pool()).await? {
        let level: String = row.try_get("level")?;
        grants
            .entry(row.try_get("member_id")?)
            .or_default()
            .push(Grant {
                collection: CollectionId::from_stored(row.try_get("collection_id")?),
                level: crate::domain::org::AccessLevel::from_code(&level)
                    .ok_or_else(|| AppError::internal(format!("unknown level {level}")))?,
            });
    }
    rows.iter()
        .map(|row| {
            let id: String = row.try_get("id")?;
            let user_id: Option<String> = row.try_get("user_id")?;
            // A public key is handed out only for confirming (it is public, but only then useful).
            let status = status_of(&row.try_get::<String, _>("status")?)?;
            let revoked = row.try_get::<i64, _>("revoked")? != 0;
            Ok(MemberRecord {
                groups: groups.remove(&id).unwrap_or_default(),
                collections: grants.remove(&id).unwrap_or_default(),
                id: MemberId::from_stored(id),
                user_id: user_id.map(UserId::from_stored),
                email: row.try_get("email")?,
                name: row.try_get("name")?,
                role: role_of(&row.try_get::<String, _>("role")?)?,
                revoked,
                public_key: if status == MemberStatus::Accepted && !revoked {
                    row.try_get("public_key")?
                } else {
                    None
                },
                status,
            })
        })
        .collect()
}

/// `sql` with the organization as $1 and `ids` from $2.
fn with_ids<'q>(
    sql: &'q str,
    org: &'q str,
    ids: &'q [String],
) -> sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>> {
    let mut q = sqlx::query(sql).bind(org);
    for id in ids {
        q = q.bind(id.as_str());
    }
    q
}

pub(super) fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(
        format!("keyhaven invitation {token}").as_bytes(),
    ))
}

pub(super) async fn new_invitation(
    tx: &mut Transaction<'_, Any>,
    member: &MemberId,
) -> Result<String, AppError> {
    let mut raw = [0u8; 32];
    getrandom::getrandom(&mut raw).map_err(AppError::internal)?;
    let token = hex::encode(raw);
    sqlx::query("DELETE FROM org_invitations WHERE member_id = $1")
        .bind(member.as_str())
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "INSERT INTO org_invitations (token_hash, member_id, expires_at) VALUES ($1, $2, $3)",
    )
    .bind(token_hash(&token))
    .bind(member.as_str())
    .bind(now_ms() + INVITE_LIFETIME_MS)
    .execute(&mut **tx)
    .await?;
    Ok(token)
}

/// How many of `ids` belong to the organization, in one query.
pub(super) async fn count_owned(
    tx: &mut Transaction<'_, Any>,
    table: &str,
    org: &OrgId,
    ids: &[&str],
) -> Result<usize, AppError> {
    if ids.is_empty() {
        return Ok(0);
    }
    let list = placeholders(2, ids.len());
    let sql = format!("SELECT COUNT(*) AS n FROM {table} WHERE org_id = $1 AND id IN ({list})");
    let mut query = sqlx::query(&sql).bind(org.as_str());
    for id in ids {
        query = query.bind(*id);
    }
    let row = query.fetch_one(&mut **tx).await?;
    usize::try_from(row.try_get::<i64, _>("n")?).map_err(AppError::internal)
}

/// An invitation made: the member's id, the address, and the link's token (for the mail only).
pub struct Invited {
    pub org_name: String,
    pub member: MemberId,
    pub email: String,
    pub token: String,
}

/// Invites every address of `input` at once, or none: seats, owners-only and "already a member"
/// are checked for the whole batch.
pub async fn invite(
    db: &Db,
    access: &OrgAccess<ManageMembers>,
    input: &InviteInput,
    client_addr: &str,
) -> Result<Vec<Invited>, AppError> {
    if let Some(problem) = crate::domain::org::invite_role_problem(access.role(), input.role) {
        return Err(AppError::Invalid(vec![problem]));
    }
    let mut tx = db.begin_write().await?;
    let seats = hold_place(&mut tx, access).await?;
    let org = access.org();
    if seats_taken(&mut tx, org).await? as usize + input.emails.len() > seats as usize {
        return Err(seats_full(seats));
    }
    let group_ids: Vec<&str> = input.groups.iter().map(GroupId::as_str).collect();
    let collection_ids: Vec<&str> = input
        .collections
        .iter()
        .map(|g| g.collection.as_str())
        .collect();
    if count_owned(&mut tx, "org_groups", org, &group_ids).await? != group_ids.len() {
        return Err(AppError::field(Field::Groups, Problem::Invalid));
    }
    if count_owned(&mut tx, "collections", org, &collection_ids).await? != collection_ids.len() {
        return Err(AppError::field(Field::Collections, Problem::Invalid));
    }
    let now = now_ms();
    let org_name = name_of(&mut tx, org).await?;
    let mut invited = Vec::with_capacity(input.emails.len());
    for email in &input.emails {
        let member = MemberId::from_stored(new_id());
        let email = email.trim().to_owned();
        let normalized = normalize_email(&email);
        // An account already in the organization under another address is still one person.
        let taken = sqlx::query(
            "SELECT m.id FROM org_members m JOIN users u ON u.id = m.user_id \
             WHERE m.org_id = $1 AND u.email_normalized = $2",
        )
        .bind(org.as_str())
        .bind(&normalized)
        .fetch_optional(&mut *tx)
        .await?;
        if taken.is_some() {
            return Err(AppError::field(Field::Emails, Problem::Taken));
        }
        // Provider staff reach a client through the provider: they may not make themselves (or
        // a colleague) members of it, which would outlast a revocation or an unlink.
        if let Some(provider) = access.acting_provider() {
            if is_provider_staff(&mut tx, provider, &normalized, None).await? {
                return Err(AppError::field(Field::Emails, Problem::Taken));
            }
        }
        sqlx::query(
            "INSERT INTO org_members (id, org_id, user_id, email, email_normalized, role, status, revoked, \
             sealed_org_key, invited_by, created_at, revised_at) \
             VALUES ($1, $2, NULL, $3, $4, $5, 'invited', 0, NULL, $6, $7, $7)",
        )
        .bind(member.as_str())
        .bind(org.as_str())
        .bind(&email)
        .bind(&normalized)
        .bind(input.role.code())
        .bind(access.member().map(MemberId::as_str))
        .bind(now)
        .execute(&mut *tx)
        .await?;
        for group in &input.groups {
            sqlx::query("INSERT INTO group_members (group_id, member_id) VALUES ($1, $2)")
                .bind(group.as_str())
                .bind(member.as_str())
                .execute(&mut *tx)
                .await?;
        }
        for grant in &input.collections {
            sqlx::query(
                "INSERT INTO collection_members (collection_id, member_id, level) VALUES ($1, $2, $3)",
            )
            .bind(grant.collection.as_str())
            .bind(member.as_str())
            .bind(grant.level.code())
            .execute(&mut *tx)
            .await?;
        }
        let token = new_invitation(&mut tx, &member).await?;
        invited.push(Invited {
            org_name: org_name.clone(),
            member,
            email,
            token,
        });
    }
    for person in &invited {
        record_by(
            &mut tx,
            access,
            "member_invited",
            Some(person.member.as_str()),
            &format!("{} as {}", person.email, input.role.code()),
            client_addr,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(invited)
}

/// A fresh link for a member still invited (the old one stops working): the address and token.
pub async fn reinvite(
    db: &Db,
    access: &OrgAccess<ManageMembers>,
    member: &MemberId,
    client_addr: &str,
) -> Result<Invited, AppError> {
    let mut tx = db.begin_write().await?;
    hold_place(&mut tx, access).await?;
    let row = sqlx::query(
        "SELECT email, role FROM org_members WHERE id = $1 AND org_id = $2 AND status = 'invited' AND revoked = 0",
    )
    .bind(member.as_str())
    .bind(access.org().as_str())
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::NotFound)?;
    if let Some(problem) = crate::domain::org::invite_role_problem(
        access.role(),
        role_of(&row.try_get::<String, _>("role")?)?,
    ) {
        return Err(AppError::Invalid(vec![problem]));
    }
    let token = new_invitation(&mut tx, member).await?;
    let org_name = name_of(&mut tx, access.org()).await?;
    let email: String = row.try_get("email")?;
    record_by(
        &mut tx,
        access,
        "member_reinvited",
        Some(member.as_str()),
        &email,
        client_addr,
    )
    .await?;
    tx.commit().await?;
    Ok(Invited {
        org_name,
        member: member.clone(),
        email,
        token,
    })
}

/// The address of a member still invited (for counting the mail a re-send makes).
pub async fn invited_email(
    db: &Db,
    access: &OrgAccess<ManageMembers>,
    member: &MemberId,
) -> Result<String, AppError> {
    let row = sqlx::query(
        "SELECT email_normalized FROM org_members WHERE id = $1 AND org_id = $2 AND status = 'invited'",
    )
    .bind(member.as_str())
    .bind(access.org().as_str())
    .fetch_optional(db.pool())
    .await?
    .ok_or(AppError::NotFound)?;
    Ok(row.try_get("email_normalized")?)
}

/// What a live invitation link is for; `None` for a dead or unknown one.
pub async fn invitation(db: &Db, token: &str) -> Result<Option<Invitation>, AppError> {
    let row = sqlx::query(
        "SELECT o.name, m.email, m.email_normalized FROM org_invitations i \
         JOIN org_members m ON m.id = i.member_id JOIN organizations o ON o.id = m.org_id \
         WHERE i.token_hash = $1 AND i.expires_at > $2 AND m.status = 'invited' AND m.revoked = 0",
    )
    .bind(token_hash(token))
    .bind(now_ms())
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else { return Ok(None) };
    let normalized: String = row.try_get("email_normalized")?;
    let has_account = sqlx::query("SELECT id FROM users WHERE email_normalized = $1")
        .bind(&normalized)
        .fetch_optional(db.pool())
        .await?
        .is_some();
    Ok(Some(Invitation {
        org_name: row.try_get("name")?,
        email: row.try_get("email")?,
        has_account,
    }))
}

/// Accepts the invitation `token` for the caller, whose address must be the invited one. The link
/// is used up; the member waits for confirmation.
pub async fn accept(
    db: &Db,
    access: &AccountAccess<JoinOrganization>,
    email_normalized: &str,
    token: &str,
    client_addr: &str,
) -> Result<OrgId, AppError> {
    let dead = || AppError::field(Field::InvitationLink, Problem::Invalid);
    let mut tx = db.begin_write().await?;
    let row = sqlx::query(
        "SELECT m.id, m.org_id, m.email_normalized FROM org_invitations i \
         JOIN org_members m ON m.id = i.member_id \
         WHERE i.token_hash = $1 AND i.expires_at > $2 AND m.status = 'invited' AND m.revoked = 0",
    )
    .bind(token_hash(token))
    .bind(now_ms())
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(dead)?;
    if row.try_get::<String, _>("email_normalized")? != email_normalized {
        return Err(dead());
    }
    let member = MemberId::from_stored(row.try_get("id")?);
    let org = OrgId::from_stored(row.try_get("org_id")?);
    lock_org(&mut tx, &org).await?;
    // The unique (organization, account) pair refuses a second place for the same person; the
    // status condition makes a second, parallel accept of the same link change nothing (read
    // before the lock, the link looked live to both).
    let accepted = sqlx::query(
        "UPDATE org_members SET user_id = $1, status = 'accepted', revised_at = $2 \
         WHERE id = $3 AND status = 'invited' AND revoked = 0",
    )
    .bind(access.target().as_str())
    .bind(now_ms())
    .bind(member.as_str())
    .execute(&mut *tx)
    .await?;
    if accepted.rows_affected() == 0 {
        return Err(dead());
    }
    sqlx::query("DELETE FROM org_invitations WHERE member_id = $1")
        .bind(member.as_str())
        .execute(&mut *tx)
        .await?;
    record_event(
        &mut tx,
        &org,
        Some(access.target()),
        "member_accepted",
        Some(member.as_str()),
        "",
        client_addr,
    )
    .await?;
    tx.commit().await?;
    Ok(org)
}

/// The member `id` of the organization: role, status, revoked.
async fn target(
    tx: &mut Transaction<'_, Any>,
    org: &OrgId,
    id: &MemberId,
) -> Result<(OrgRole, MemberStatus, bool), AppError> {
    let row =
        sqlx::query("SELECT role, status, revoked FROM org_members WHERE id = $1 AND org_id = $2")
            .bind(id.as_str())
            .bind(org.as_str())
            .fetch_optional(&mut **tx)
            .await?
            .ok_or(AppError::NotFound)?;
    Ok((
        role_of(&row.try_get::<String, _>("role")?)?,
        status_of(&row.try_get::<String, _>("status")?)?,
        row.try_get::<i64, _>("revoked")? != 0,
    ))
}

/// Runs `one` for each member in a transaction of its own, so one refusal does not undo the
/// others; says what became of each.
async fn each_member<'a, F, Fut>(
    db: &'a Db,
    members: &'a [MemberId],
    mut one: F,
) -> Vec<MemberOutcome>
where
    F: FnMut(Transaction<'static, Any>, &'a MemberId) -> Fut,
    Fut: std::future::Future<Output = Result<(), AppError>> + 'a,
{
    let mut outcomes = Vec::with_capacity(members.len());
    for member in members {
        let error = match db.begin_write().await {
            Ok(tx) => one(tx, member).await.err(),
            Err(e) => Some(AppError::from(e)),
        };
        outcomes.push(MemberOutcome {
            member: member.clone(),
            error,
        });
    }
    outcomes
}

/// Confirms accepted members with the organization key the browser sealed to each one's public
/// key. Each member succeeds or fails on their own.
pub async fn confirm(
    db: &Db,
    access: &OrgAccess<ManageMembers>,
    confirmations: &[Confirmation],
    client_addr: &str,
) -> Vec<MemberOutcome> {
    let keys: HashMap<&MemberId, &str> = confirmations
        .iter()
        .map(|c| (&c.member, c.sealed_org_key.as_str()))
        .collect();
    let ids: Vec<MemberId> = confirmations.iter().map(|c| c.member.clone()).collect();
    each_member(db, &ids, |mut tx, member| {
        let key = keys.get(member).copied().unwrap_or_default().to_owned();
        async move {
            hold_place(&mut tx, access).await?;
            let (role, status, revoked) = target(&mut tx, access.org(), member).await?;
            if status != MemberStatus::Accepted || revoked {
                return Err(AppError::Conflict);
            }
            if role == OrgRole::Owner && access.role() != OrgRole::Owner {
                return Err(AppError::field(Field::Role, Problem::OwnersOnly));
            }
            // Staff confirm no member who is one of their provider (see `invite`).
            if let Some(provider) = access.acting_provider() {
                if is_provider_staff(&mut tx, provider, "", Some(member)).await? {
                    return Err(AppError::Forbidden);
                }
            }
            sqlx::query(
                "UPDATE org_members SET status = 'confirmed', sealed_org_key = $1, revised_at = $2 WHERE id = $3",
            )
            .bind(&key)
            .bind(now_ms())
            .bind(member.as_str())
            .execute(&mut *tx)
            .await?;
            record_by(
                &mut tx,
                access,
                "member_confirmed",
                Some(member.as_str()),
                "",
                client_addr,
            )
            .await?;
            tx.commit().await?;
            Ok(())
        }
    })
    .await
}

/// Whether an address (or the account of an organization member) belongs to a member of
/// `provider`, in any state.
async fn is_provider_staff(
    tx: &mut Transaction<'_, Any>,
    provider: &crate::domain::ProviderId,
    email: &str,
    member: Option<&MemberId>,
) -> Result<bool, AppError> {
    let row = sqlx::query(
        "SELECT 1 FROM provider_members pm LEFT JOIN users u ON u.id = pm.user_id \
         WHERE pm.provider_id = $1 AND (pm.email_normalized = $2 OR u.email_normalized = $2 \
         OR pm.user_id IN (SELECT m.user_id FROM org_members m WHERE m.id = $3)) LIMIT 1",
    )
    .bind(provider.as_str())
    .bind(email)
    .bind(member.map_or("", MemberId::as_str))
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.is_some())
}

/// Applies `change` to each member, each on its own: role, revoke, restore or remove.
pub async fn change_members(
    db: &Db,
    access: &OrgAccess<ManageMembers>,
    change: MemberChange,
    members: &[MemberId],
    client_addr: &str,
) -> Vec<MemberOutcome> {
    each_member(db, members, |mut tx, member| async move {
        let seats = hold_place(&mut tx, access).await?;
        let org = access.org();
        let (role, _, revoked) = target(&mut tx, org, member).await?;
        if let Some(problem) =
            member_change_problem((access.member(), access.role()), (member, role), change)
        {
            return Err(AppError::Invalid(vec![problem]));
        }
        let now = now_ms();
        let id = member.as_str();
        let (kind, detail) = match change {
            MemberChange::Role(new_role) => {
                sqlx::query("UPDATE org_members SET role = $1, revised_at = $2 WHERE id = $3")
                    .bind(new_role.code())
                    .bind(now)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                ("member_role_changed", new_role.code())
            }
            MemberChange::Revoke | MemberChange::Restore => {
                let restore = change == MemberChange::Restore;
                if restore && revoked && seats_taken(&mut tx, org).await? >= seats {
                    return Err(seats_full(seats));
                }
                sqlx::query("UPDATE org_members SET revoked = $1, revised_at = $2 WHERE id = $3")
                    .bind(i64::from(!restore))
                    .bind(now)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                let kind = if restore {
                    "member_restored"
                } else {
                    "member_revoked"
                };
                (kind, "")
            }
            MemberChange::Remove => {
                // Recorded while the row is there, so the event keeps the member's address.
                record_by(
                    &mut tx,
                    access,
                    "member_removed",
                    Some(member.as_str()),
                    "",
                    client_addr,
                )
                .await?;
                sqlx::query("DELETE FROM org_members WHERE id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                ("member_removed", "")
            }
        };
        keep_an_owner(&mut tx, org).await?;
        if kind != "member_removed" {
            record_by(
                &mut tx,
                access,
                kind,
                Some(member.as_str()),
                detail,
                client_addr,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    })
    .await
}

/// The caller leaves the organization (not its last owner).
pub async fn leave(
    db: &Db,
    access: &OrgAccess<LeaveOrg>,
    client_addr: &str,
) -> Result<(), AppError> {
    // Only members leave (`authorize_org` never gives staff `LeaveOrg`).
    let member = access.member().ok_or(AppError::Forbidden)?;
    let mut tx = db.begin_write().await?;
    lock_org(&mut tx, access.org()).await?;
    record_by(
        &mut tx,
        access,
        "member_left",
        Some(member.as_str()),
        "",
        client_addr,
    )
    .await?;
    let gone = sqlx::query("DELETE FROM org_members WHERE id = $1 AND org_id = $2 AND revoked = 0")
        .bind(member.as_str())
        .bind(access.org().as_str())
        .execute(&mut *tx)
        .await?;
    if gone.rows_affected() == 0 {
        return Err(AppError::Forbidden);
    }
    keep_an_owner(&mut tx, access.org()).await?;
    tx.commit().await?;
    Ok(())
}

/// Name, billing email, plan and seats; seats never below those taken, and never raised past
/// `seats_max` (the instance's bound; an organization already above it keeps what it has).
pub async fn update_settings(
    db: &Db,
    access: &OrgAccess<UpdateSettings>,
    input: &OrgInput,
    seats_max: u32,
    client_addr: &str,
) -> Result<(), AppError> {
    let settings = input.cleaned();
    let mut tx = db.begin_write().await?;
    let seats = hold_place(&mut tx, access).await?;
    let managed = sqlx::query("SELECT org_id FROM provider_clients WHERE org_id = $1")
        .bind(access.org().as_str())
        .fetch_optional(&mut *tx)
        .await?
        .is_some();
    if managed {
        // Clients stay on a business plan, and their seats are the provider's to raise: the
        // client's own owners may only lower them.
        if let Some(problem) = crate::domain::provider::client_plan_problem(settings.plan) {
            return Err(AppError::field(Field::Plan, problem));
        }
        if access.acting_provider().is_none() && settings.seats > seats {
            return Err(AppError::field(Field::Seats, Problem::SetByProvider));
        }
    }
    // Every organization stays within the instance's bound, clients too (one already above it
    // keeps what it has).
    if settings.seats > seats_max && settings.seats > seats {
        return Err(AppError::field(
            Field::Seats,
            Problem::TooLong { max: seats_max },
        ));
    }
    let taken = seats_taken(&mut tx, access.org()).await?;
    if settings.seats < taken {
        return Err(AppError::field(
            Field::Seats,
            Problem::TooShort { min: taken },
        ));
    }
    sqlx::query(
        "UPDATE organizations SET name = $1, billing_email = $2, plan = $3, seats = $4, revised_at = $5 WHERE id = $6",
    )
    .bind(&settings.name)
    .bind(&settings.billing_email)
    .bind(settings.plan.code())
    .bind(i64::from(settings.seats))
    .bind(now_ms())
    .bind(access.org().as_str())
    .execute(&mut *tx)
    .await?;
    record_by(
        &mut tx,
        access,
        "org_updated",
        Some(access.org().as_str()),
        &format!(
            "{}, {}, {} seats",
            settings.name,
            settings.plan.code(),
            settings.seats
        ),
        client_addr,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes the organization and everything it holds, if `typed_name` is its name.
pub async fn delete(
    db: &Db,
    access: &OrgAccess<crate::domain::authz::DeleteOrg>,
    typed_name: &str,
    client_addr: &str,
) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    hold_place(&mut tx, access).await?;
    if name_of(&mut tx, access.org()).await? != typed_name.trim() {
        return Err(AppError::field(Field::OrgName, Problem::Mismatch));
    }
    record_by(
        &mut tx,
        access,
        "org_deleted",
        Some(access.org().as_str()),
        "",
        client_addr,
    )
    .await?;
    sqlx::query("DELETE FROM organizations WHERE id = $1")
        .bind(access.org().as_str())
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

pub(super) async fn insert_collection(
    tx: &mut Transaction<'_, Any>,
    org: &OrgId,
    name: &str,
    now: i64,
) -> Result<CollectionId, AppError> {
    let id = CollectionId::from_stored(new_id());
    sqlx::query(
        "INSERT INTO collections (id, org_id, name, created_at, revised_at) VALUES ($1, $2, $3, $4, $4)",
    )
    .bind(id.as_str())
    .bind(org.as_str())
    .bind(name)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

pub async fn create_collection(
    db: &Db,
    access: &OrgAccess<ManageCollections>,
    name: &str,
    client_addr: &str,
) -> Result<CollectionSummary, AppError> {
    let mut tx = db.begin_write().await?;
    hold_place(&mut tx, access).await?;
    let row = sqlx::query("SELECT COUNT(*) AS n FROM collections WHERE org_id = $1")
        .bind(access.org().as_str())
        .fetch_one(&mut *tx)
        .await?;
    if row.try_get::<i64, _>("n")? >= i64::from(COLLECTIONS_MAX) {
        return Err(AppError::field(
            Field::CollectionName,
            Problem::LimitReached {
                max: COLLECTIONS_MAX,
            },
        ));
    }
    let name = name.trim();
    let id = insert_collection(&mut tx, access.org(), name, now_ms()).await?;
    // Provider staff are no members: they reach it through the console.
    if let Some(member) = access.member() {
        assign_creator(&mut tx, &id, member).await?;
    }
    record_by(
        &mut tx,
        access,
        "collection_created",
        Some(id.as_str()),
        name,
        client_addr,
    )
    .await?;
    tx.commit().await?;
    Ok(CollectionSummary {
        id,
        name: name.to_owned(),
    })
}

/// The person who makes a collection manages it, and finds it in their own vault: owners and
/// admins too receive only the collections assigned to them there (`authz::ReadScope`).
async fn assign_creator(
    tx: &mut Transaction<'_, Any>,
    collection: &CollectionId,
    member: &MemberId,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO collection_members (collection_id, member_id, level) VALUES ($1, $2, 'manage')",
    )
    .bind(collection.as_str())
    .bind(member.as_str())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Every collection of the organization, by name.
pub async fn collections(
    db: &Db,
    access: &OrgAccess<ManageCollections>,
) -> Result<Vec<CollectionSummary>, AppError> {
    let rows = sqlx::query("SELECT id, name FROM collections WHERE org_id = $1 ORDER BY name")
        .bind(access.org().as_str())
        .fetch_all(db.pool())
        .await?;
    rows.iter()
        .map(|row| {
            Ok(CollectionSummary {
                id: CollectionId::from_stored(row.try_get("id")?),
                name: row.try_get("name")?,
            })
        })
        .collect()
}
