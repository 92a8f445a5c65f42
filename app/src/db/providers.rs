//! Providers, their members, invitations and client links. Every function takes the capability
//! `domain::authz` handed out and scopes its queries to the provider it names. Writes lock the
//! provider's row first and then check, inside their transaction, that the caller still holds
//! the place the capability was made from (`hold_place`), so the counting rule (a provider keeps
//! a confirmed provider admin) holds under concurrent calls on PostgreSQL as on SQLite. Writes
//! that touch a client organization lock the organization's row before the provider's (the
//! order every path keeps), so an unlink and a staff member's request in that organization are
//! one after the other.

use super::orgs::{insert_collection, lock_org, new_invitation, seats_taken, Invited};
use super::{new_id, now_ms, Db};
use crate::domain::authz::{
    reaches_everything, AccountAccess, CompleteSetup, CreateClient, DeleteProvider,
    JoinOrganization, LinkClient, ManageClient, ManageProviderMembers, OperatorAccess, OrgAccess,
    ProviderAccess, ProviderActionType, ProviderPlace, ProviderStanding, ReadProviderMembers,
    ReadVault, UnlinkClient, UpdateProviderSettings, UseOrg, UseProvider,
};
use crate::domain::org::{MemberStatus, Plan, INVITE_LIFETIME_MS};
use crate::domain::provider::{
    Attention, ClientPage, ClientQuery, ClientRecord, ClientSort, ClientUpdate,
    LinkClient as LinkInput, LinkableOrg, ManagedBy, NewClient, NewProvider, Prerequisites,
    ProviderConfirmation, ProviderCreated, ProviderInvitation, ProviderInviteInput,
    ProviderMemberChange, ProviderMemberFilter, ProviderMemberOutcome, ProviderMemberPage,
    ProviderMemberQuery, ProviderMemberRecord, ProviderMembership, ProviderPage, ProviderQuery,
    ProviderRole, ProviderSettings, ProviderSetup, ProviderSort, ProviderStatus, ProviderSummary,
    ProviderType, StaffRecord, PROVIDER_PAGE_ROWS,
};
use crate::domain::validate::normalize_email;
use crate::domain::{
    AppError, Field, MemberId, OrgId, Problem, ProviderId, ProviderMemberId, UserId,
};
use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

pub(super) fn role_of(code: &str) -> Result<ProviderRole, AppError> {
    ProviderRole::from_code(code)
        .ok_or_else(|| AppError::internal(format!("unknown provider role {code}")))
}

pub(super) fn provider_status_of(code: &str) -> Result<ProviderStatus, AppError> {
    ProviderStatus::from_code(code)
        .ok_or_else(|| AppError::internal(format!("unknown provider status {code}")))
}

fn type_of(code: &str) -> Result<ProviderType, AppError> {
    ProviderType::from_code(code)
        .ok_or_else(|| AppError::internal(format!("unknown provider type {code}")))
}

fn member_status_of(code: &str) -> Result<MemberStatus, AppError> {
    MemberStatus::from_code(code)
        .ok_or_else(|| AppError::internal(format!("unknown member status {code}")))
}

fn plan_of(code: &str) -> Result<Plan, AppError> {
    Plan::from_code(code).ok_or_else(|| AppError::internal(format!("unknown plan {code}")))
}

fn count_of(row: &AnyRow, column: &str) -> Result<u64, AppError> {
    let n: i64 = row.try_get(column)?;
    Ok(u64::try_from(n).unwrap_or(0))
}

fn u32_of(row: &AnyRow, column: &str) -> Result<u32, AppError> {
    let n: i64 = row.try_get(column)?;
    u32::try_from(n).map_err(AppError::internal)
}

/// `%search%` for `LIKE … ESCAPE '\'`, lower-cased.
fn like_pattern(search: &str) -> String {
    format!(
        "%{}%",
        search
            .trim()
            .to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    )
}

fn offset_of(page: u32) -> u64 {
    u64::from(page) * PROVIDER_PAGE_ROWS as u64
}

/// The caller's standing toward `provider`, in one query.
pub async fn standing(
    db: &Db,
    user: &UserId,
    provider: &ProviderId,
) -> Result<ProviderStanding, AppError> {
    let row = sqlx::query(
        "SELECT p.status AS p_status, p.enabled, m.id, m.role, m.status, m.revoked FROM providers p \
         LEFT JOIN provider_members m ON m.provider_id = p.id AND m.user_id = $1 WHERE p.id = $2",
    )
    .bind(user.as_str())
    .bind(provider.as_str())
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else {
        // Unknown and "not yours" read the same (`authorize_provider` says `NotFound`).
        return Ok(ProviderStanding {
            provider_id: provider.clone(),
            status: ProviderStatus::Pending,
            enabled: false,
            member: None,
        });
    };
    let member = match row.try_get::<Option<String>, _>("id")? {
        None => None,
        Some(id) => Some(ProviderPlace {
            id: ProviderMemberId::from_stored(id),
            role: role_of(&row.try_get::<String, _>("role")?)?,
            status: member_status_of(&row.try_get::<String, _>("status")?)?,
            revoked: row.try_get::<i64, _>("revoked")? != 0,
        }),
    };
    Ok(ProviderStanding {
        provider_id: provider.clone(),
        status: provider_status_of(&row.try_get::<String, _>("p_status")?)?,
        enabled: row.try_get::<i64, _>("enabled")? != 0,
        member,
    })
}

/// Whether `user` is still a confirmed, unrevoked member of the active, enabled `provider`, and
/// `org` still its client (for `orgs::hold_place`, after the organization's row is locked).
pub(super) async fn staff_of_client(
    tx: &mut Transaction<'_, Any>,
    provider: &ProviderId,
    user: &UserId,
    org: &OrgId,
) -> Result<Option<AnyRow>, AppError> {
    Ok(sqlx::query(
        "SELECT pm.id FROM provider_clients pc \
         JOIN providers p ON p.id = pc.provider_id AND p.enabled = 1 AND p.status = 'active' \
         JOIN provider_members pm ON pm.provider_id = p.id AND pm.user_id = $1 \
         AND pm.status = 'confirmed' AND pm.revoked = 0 \
         WHERE pc.org_id = $2 AND pc.provider_id = $3",
    )
    .bind(user.as_str())
    .bind(org.as_str())
    .bind(provider.as_str())
    .fetch_optional(&mut **tx)
    .await?)
}

/// Locks the provider's row until the transaction ends; `NotFound` if it is gone.
async fn lock_provider(
    tx: &mut Transaction<'_, Any>,
    provider: &ProviderId,
) -> Result<(), AppError> {
    let updated = sqlx::query("UPDATE providers SET revised_at = revised_at WHERE id = $1")
        .bind(provider.as_str())
        .execute(&mut **tx)
        .await?;
    if updated.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// Locks the provider and refuses unless the caller is still the confirmed, unrevoked member
/// with the role the capability was made for, of the still active and enabled provider (a
/// revocation, demotion or disable in between wins).
async fn hold_place<A: ProviderActionType>(
    tx: &mut Transaction<'_, Any>,
    access: &ProviderAccess<A>,
) -> Result<(), AppError> {
    lock_provider(tx, access.provider()).await?;
    let row = sqlx::query(
        "SELECT m.id FROM provider_members m JOIN providers p ON p.id = m.provider_id \
         WHERE m.id = $1 AND m.provider_id = $2 AND m.role = $3 AND m.status = 'confirmed' \
         AND m.revoked = 0 AND p.enabled = 1 AND p.status = 'active'",
    )
    .bind(access.member().as_str())
    .bind(access.provider().as_str())
    .bind(access.role().code())
    .fetch_optional(&mut **tx)
    .await?;
    match row {
        Some(_) => Ok(()),
        None => Err(AppError::Forbidden),
    }
}

/// Refuses (rolling back) if the provider has no confirmed, unrevoked provider admin left.
async fn keep_a_provider_admin(
    tx: &mut Transaction<'_, Any>,
    provider: &ProviderId,
) -> Result<(), AppError> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM provider_members WHERE provider_id = $1 \
         AND role = 'provider_admin' AND status = 'confirmed' AND revoked = 0",
    )
    .bind(provider.as_str())
    .fetch_one(&mut **tx)
    .await?;
    if row.try_get::<i64, _>("n")? == 0 {
        return Err(AppError::field(Field::Members, Problem::LastProviderAdmin));
    }
    Ok(())
}

/// Appends to the event log, naming the provider (and the client organization, if the event is
/// about one: it then shows in that organization's log too), in the change's transaction.
#[allow(clippy::too_many_arguments)]
async fn record(
    tx: &mut Transaction<'_, Any>,
    provider: &ProviderId,
    org: Option<&OrgId>,
    actor: Option<&UserId>,
    kind: &str,
    target: Option<&str>,
    detail: &str,
    client_addr: &str,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO events (id, at, org_id, provider_id, actor_id, kind, target_id, detail, client_addr, \
         actor_email, target_email) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, (SELECT email FROM users WHERE id = $5), \
         (SELECT t.email FROM provider_members t WHERE t.id = $7))",
    )
    .bind(new_id())
    .bind(now_ms())
    .bind(org.map(OrgId::as_str))
    .bind(provider.as_str())
    .bind(actor.map(UserId::as_str))
    .bind(kind)
    .bind(target)
    .bind(detail)
    .bind(client_addr)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// What the member behind `access` did, naming their account (looked up in the same statement).
async fn record_by<A: ProviderActionType>(
    tx: &mut Transaction<'_, Any>,
    access: &ProviderAccess<A>,
    org: Option<&OrgId>,
    kind: &str,
    target: Option<&str>,
    detail: &str,
    client_addr: &str,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO events (id, at, org_id, provider_id, actor_id, kind, target_id, detail, client_addr, \
         actor_email, target_email) \
         SELECT $1, $2, $3, provider_id, user_id, $4, $5, $6, $7, email, \
         (SELECT t.email FROM provider_members t WHERE t.id = $5) FROM provider_members WHERE id = $8",
    )
    .bind(new_id())
    .bind(now_ms())
    .bind(org.map(OrgId::as_str))
    .bind(kind)
    .bind(target)
    .bind(detail)
    .bind(client_addr)
    .bind(access.member().as_str())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Operators

/// One page of every provider, in the order asked, and how many match: two queries.
pub async fn list(
    db: &Db,
    _access: &OperatorAccess,
    q: &ProviderQuery,
) -> Result<ProviderPage, AppError> {
    let search = q.search.trim();
    let filter = if search.is_empty() {
        ""
    } else {
        " WHERE lower(p.name) LIKE $1 ESCAPE '\\'"
    };
    let dir = if q.descending { " DESC" } else { "" };
    let key = match q.sort {
        ProviderSort::Name => "p.name",
        ProviderSort::Type => "p.provider_type",
        ProviderSort::Status => "p.status",
        ProviderSort::Created => "p.created_at",
    };
    let sql = format!(
        "SELECT p.id, p.name, p.provider_type, p.status, p.enabled, p.created_at, \
         (SELECT COUNT(*) FROM provider_clients c WHERE c.provider_id = p.id) AS clients, \
         (SELECT COUNT(*) FROM provider_members m WHERE m.provider_id = p.id) AS members \
         FROM providers p{filter} ORDER BY {key}{dir}, p.id{dir} LIMIT {PROVIDER_PAGE_ROWS} OFFSET {}",
        offset_of(q.page)
    );
    let pattern = like_pattern(search);
    let mut query = sqlx::query(&sql);
    if !search.is_empty() {
        query = query.bind(pattern.as_str());
    }
    let rows = query.fetch_all(db.pool()).await?;
    let count_sql = format!("SELECT COUNT(*) AS n FROM providers p{filter}");
    let mut count = sqlx::query(&count_sql);
    if !search.is_empty() {
        count = count.bind(pattern.as_str());
    }
    let matching = count_of(&count.fetch_one(db.pool()).await?, "n")?;
    let providers = rows
        .iter()
        .map(|r| {
            Ok(ProviderSummary {
                id: ProviderId::from_stored(r.try_get("id")?),
                name: r.try_get("name")?,
                provider_type: type_of(&r.try_get::<String, _>("provider_type")?)?,
                status: provider_status_of(&r.try_get::<String, _>("status")?)?,
                enabled: r.try_get::<i64, _>("enabled")? != 0,
                clients: count_of(r, "clients")?,
                members: count_of(r, "members")?,
                created_at: r.try_get("created_at")?,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    Ok(ProviderPage {
        providers,
        matching,
    })
}

/// A new provider, pending, with the account of `new.admin_email` as its first provider admin
/// (accepted: their setup brings the provider key). Returns the prerequisites checklist and the
/// admin's address and language (for the setup mail).
pub async fn create(
    db: &Db,
    _access: &OperatorAccess,
    actor: Option<&UserId>,
    new: &NewProvider,
    client_addr: &str,
) -> Result<(ProviderCreated, String, String), AppError> {
    let normalized = normalize_email(&new.admin_email);
    let mut tx = db.begin_write().await?;
    let admin = sqlx::query("SELECT id, email, language FROM users WHERE email_normalized = $1")
        .bind(&normalized)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| AppError::field(Field::Email, Problem::NoAccount))?;
    let admin_id: String = admin.try_get("id")?;
    let admin_email: String = admin.try_get("email")?;
    let language: String = admin.try_get("language")?;
    let provider = ProviderId::from_stored(new_id());
    let now = now_ms();
    let name = new.name.trim();
    sqlx::query(
        "INSERT INTO providers (id, name, billing_email, provider_type, status, enabled, created_at, revised_at) \
         VALUES ($1, $2, NULL, $3, 'pending', 1, $4, $4)",
    )
    .bind(provider.as_str())
    .bind(name)
    .bind(new.provider_type.code())
    .bind(now)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO provider_members (id, provider_id, user_id, email, email_normalized, role, status, \
         revoked, sealed_provider_key, created_at, revised_at) \
         VALUES ($1, $2, $3, $4, $5, 'provider_admin', 'accepted', 0, NULL, $6, $6)",
    )
    .bind(new_id())
    .bind(provider.as_str())
    .bind(&admin_id)
    .bind(&admin_email)
    .bind(&normalized)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let owns = owns_enterprise_org(&mut tx, &admin_id).await?;
    record(
        &mut tx,
        &provider,
        None,
        actor,
        "provider_created",
        Some(provider.as_str()),
        &format!("{name}, {}, admin {admin_email}", new.provider_type.code()),
        client_addr,
    )
    .await?;
    tx.commit().await?;
    Ok((
        ProviderCreated {
            provider,
            admin_owns_enterprise_org: owns,
        },
        admin_email,
        language,
    ))
}

/// The checklist: the admin runs an active Enterprise organization of their own (not a client of
/// any provider: an MSP's own credentials stay independent).
async fn owns_enterprise_org(conn: &mut sqlx::AnyConnection, user: &str) -> Result<bool, AppError> {
    Ok(sqlx::query(
        "SELECT o.id FROM org_members m JOIN organizations o ON o.id = m.org_id \
         WHERE m.user_id = $1 AND m.role = 'owner' AND m.status = 'confirmed' AND m.revoked = 0 \
         AND o.plan = 'enterprise' AND o.enabled = 1 \
         AND NOT EXISTS (SELECT 1 FROM provider_clients pc WHERE pc.org_id = o.id) LIMIT 1",
    )
    .bind(user)
    .fetch_optional(&mut *conn)
    .await?
    .is_some())
}

/// What the operator's create form shows before anything is created: whether `email` has an
/// account, and whether it owns an active Enterprise organization of its own.
pub async fn prerequisites(
    db: &Db,
    _access: &OperatorAccess,
    email: &str,
) -> Result<Prerequisites, AppError> {
    let mut conn = db.pool().acquire().await?;
    let user = sqlx::query("SELECT id FROM users WHERE email_normalized = $1")
        .bind(normalize_email(email))
        .fetch_optional(&mut *conn)
        .await?;
    let Some(user) = user else {
        return Ok(Prerequisites::default());
    };
    let id: String = user.try_get("id")?;
    Ok(Prerequisites {
        has_account: true,
        owns_enterprise_org: owns_enterprise_org(&mut conn, &id).await?,
    })
}

/// Enables or disables a provider. A disabled provider's members lose the portal and every
/// client at once (`authorize_*` and `hold_place` read `enabled`); its clients keep working for
/// their own members.
pub async fn set_enabled(
    db: &Db,
    _access: &OperatorAccess,
    actor: Option<&UserId>,
    provider: &ProviderId,
    enabled: bool,
    client_addr: &str,
) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    let updated = sqlx::query("UPDATE providers SET enabled = $1, revised_at = $2 WHERE id = $3")
        .bind(i64::from(enabled))
        .bind(now_ms())
        .bind(provider.as_str())
        .execute(&mut *tx)
        .await?;
    if updated.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    let kind = if enabled {
        "provider_enabled"
    } else {
        "provider_disabled"
    };
    record(
        &mut tx,
        provider,
        None,
        actor,
        kind,
        Some(provider.as_str()),
        "",
        client_addr,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes a provider with no clients (refused while it has any).
async fn delete_unlinked(
    tx: &mut Transaction<'_, Any>,
    provider: &ProviderId,
) -> Result<(), AppError> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM provider_clients WHERE provider_id = $1")
        .bind(provider.as_str())
        .fetch_one(&mut **tx)
        .await?;
    if row.try_get::<i64, _>("n")? > 0 {
        return Err(AppError::field(Field::Provider, Problem::HasClients));
    }
    // Its events stay in the log (they name it by id).
    sqlx::query("DELETE FROM providers WHERE id = $1")
        .bind(provider.as_str())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn delete_by_operator(
    db: &Db,
    _access: &OperatorAccess,
    actor: Option<&UserId>,
    provider: &ProviderId,
    client_addr: &str,
) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    lock_provider(&mut tx, provider).await?;
    delete_unlinked(&mut tx, provider).await?;
    record(
        &mut tx,
        provider,
        None,
        actor,
        "provider_deleted",
        Some(provider.as_str()),
        "",
        client_addr,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The provider itself

/// Every provider the account has a place in (invited places excluded: those are by link).
pub async fn memberships(
    db: &Db,
    access: &AccountAccess<ReadVault>,
) -> Result<Vec<ProviderMembership>, AppError> {
    let rows = sqlx::query(
        "SELECT p.id AS provider_id, p.name, p.billing_email, p.provider_type, p.status AS p_status, p.enabled, \
         m.id AS member_id, m.role, m.status, m.revoked, m.sealed_provider_key \
         FROM provider_members m JOIN providers p ON p.id = m.provider_id \
         WHERE m.user_id = $1 ORDER BY p.name, p.id",
    )
    .bind(access.target().as_str())
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let revoked = r.try_get::<i64, _>("revoked")? != 0;
            let enabled = r.try_get::<i64, _>("enabled")? != 0;
            Ok(ProviderMembership {
                provider: ProviderId::from_stored(r.try_get("provider_id")?),
                name: r.try_get("name")?,
                billing_email: r.try_get("billing_email")?,
                provider_type: type_of(&r.try_get::<String, _>("provider_type")?)?,
                status: provider_status_of(&r.try_get::<String, _>("p_status")?)?,
                enabled,
                member: ProviderMemberId::from_stored(r.try_get("member_id")?),
                role: role_of(&r.try_get::<String, _>("role")?)?,
                member_status: member_status_of(&r.try_get::<String, _>("status")?)?,
                revoked,
                // Neither a revoked member nor one of a disabled provider is handed the key.
                sealed_provider_key: if revoked || !enabled {
                    None
                } else {
                    r.try_get("sealed_provider_key")?
                },
            })
        })
        .collect()
}

/// The first provider admin's setup: name, billing email, and the provider key sealed to them;
/// the provider becomes active and they confirmed.
pub async fn setup(
    db: &Db,
    access: &ProviderAccess<CompleteSetup>,
    input: &ProviderSetup,
    client_addr: &str,
) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    lock_provider(&mut tx, access.provider()).await?;
    // Still pending and enabled, and the caller still its unrevoked admin: two setups racing,
    // or a disable in between, leave one or none.
    let activated = sqlx::query(
        "UPDATE providers SET name = $1, billing_email = $2, status = 'active', revised_at = $3 \
         WHERE id = $4 AND status = 'pending' AND enabled = 1",
    )
    .bind(input.name.trim())
    .bind(normalize_email(&input.billing_email))
    .bind(now_ms())
    .bind(access.provider().as_str())
    .execute(&mut *tx)
    .await?;
    if activated.rows_affected() == 0 {
        return Err(AppError::Conflict);
    }
    let confirmed = sqlx::query(
        "UPDATE provider_members SET status = 'confirmed', sealed_provider_key = $1, revised_at = $2 \
         WHERE id = $3 AND provider_id = $4 AND role = 'provider_admin' AND revoked = 0 \
         AND status <> 'invited'",
    )
    .bind(&input.sealed_provider_key)
    .bind(now_ms())
    .bind(access.member().as_str())
    .bind(access.provider().as_str())
    .execute(&mut *tx)
    .await?;
    if confirmed.rows_affected() == 0 {
        return Err(AppError::Forbidden);
    }
    record_by(
        &mut tx,
        access,
        None,
        "provider_setup_completed",
        Some(access.provider().as_str()),
        input.name.trim(),
        client_addr,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn update_settings(
    db: &Db,
    access: &ProviderAccess<UpdateProviderSettings>,
    input: &ProviderSettings,
    client_addr: &str,
) -> Result<(), AppError> {
    let settings = input.cleaned();
    let mut tx = db.begin_write().await?;
    hold_place(&mut tx, access).await?;
    sqlx::query(
        "UPDATE providers SET name = $1, billing_email = $2, revised_at = $3 WHERE id = $4",
    )
    .bind(&settings.name)
    .bind(&settings.billing_email)
    .bind(now_ms())
    .bind(access.provider().as_str())
    .execute(&mut *tx)
    .await?;
    record_by(
        &mut tx,
        access,
        None,
        "provider_updated",
        Some(access.provider().as_str()),
        &settings.name,
        client_addr,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes the provider, if `typed_name` is its name and it has no clients.
pub async fn delete(
    db: &Db,
    access: &ProviderAccess<DeleteProvider>,
    typed_name: &str,
    client_addr: &str,
) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    hold_place(&mut tx, access).await?;
    let row = sqlx::query("SELECT name FROM providers WHERE id = $1")
        .bind(access.provider().as_str())
        .fetch_one(&mut *tx)
        .await?;
    if row.try_get::<String, _>("name")? != typed_name.trim() {
        return Err(AppError::field(Field::ProviderName, Problem::Mismatch));
    }
    record_by(
        &mut tx,
        access,
        None,
        "provider_deleted",
        Some(access.provider().as_str()),
        "",
        client_addr,
    )
    .await?;
    delete_unlinked(&mut tx, access.provider()).await?;
    tx.commit().await?;
    Ok(())
}

/// The provider managing the organization of `access`, if it is a client: its name, and for
/// those who administer the organization its staff. Two queries.
pub async fn managed_by(
    db: &Db,
    access: &OrgAccess<UseOrg>,
) -> Result<Option<ManagedBy>, AppError> {
    let row = sqlx::query(
        "SELECT p.id, p.name FROM provider_clients pc JOIN providers p ON p.id = pc.provider_id \
         WHERE pc.org_id = $1",
    )
    .bind(access.org().as_str())
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else { return Ok(None) };
    let provider: String = row.try_get("id")?;
    let staff = if reaches_everything(access.role()) {
        sqlx::query(&format!(
            "SELECT m.email, m.role, u.name FROM provider_members m \
             LEFT JOIN users u ON u.id = m.user_id WHERE m.provider_id = $1 \
             AND m.status = 'confirmed' AND m.revoked = 0 \
             ORDER BY m.email_normalized, m.id LIMIT {PROVIDER_PAGE_ROWS}"
        ))
        .bind(&provider)
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(|r| {
            Ok(StaffRecord {
                email: r.try_get("email")?,
                name: r.try_get("name")?,
                role: role_of(&r.try_get::<String, _>("role")?)?,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?
    } else {
        Vec::new()
    };
    Ok(Some(ManagedBy {
        provider: ProviderId::from_stored(provider),
        name: row.try_get("name")?,
        staff,
    }))
}

// ---------------------------------------------------------------------------------------------
// Members

fn provider_token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(
        format!("keyhaven provider invitation {token}").as_bytes(),
    ))
}

async fn new_provider_invitation(
    tx: &mut Transaction<'_, Any>,
    member: &ProviderMemberId,
) -> Result<String, AppError> {
    let mut raw = [0u8; 32];
    getrandom::getrandom(&mut raw).map_err(AppError::internal)?;
    let token = hex::encode(raw);
    sqlx::query("DELETE FROM provider_invitations WHERE member_id = $1")
        .bind(member.as_str())
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "INSERT INTO provider_invitations (token_hash, member_id, expires_at) VALUES ($1, $2, $3)",
    )
    .bind(provider_token_hash(&token))
    .bind(member.as_str())
    .bind(now_ms() + INVITE_LIFETIME_MS)
    .execute(&mut **tx)
    .await?;
    Ok(token)
}

/// An invitation made: the provider's name, the member, the address and the link's token.
pub struct ProviderInvited {
    pub provider_name: String,
    pub member: ProviderMemberId,
    pub email: String,
    pub token: String,
}

async fn provider_name(
    tx: &mut Transaction<'_, Any>,
    provider: &ProviderId,
) -> Result<String, AppError> {
    let row = sqlx::query("SELECT name FROM providers WHERE id = $1")
        .bind(provider.as_str())
        .fetch_one(&mut **tx)
        .await?;
    Ok(row.try_get("name")?)
}

/// One page of the provider's members, with counts per filter: three queries.
pub async fn member_page(
    db: &Db,
    access: &ProviderAccess<ReadProviderMembers>,
    q: &ProviderMemberQuery,
) -> Result<ProviderMemberPage, AppError> {
    let provider = access.provider().as_str();
    let search = q.search.trim();
    let mut filter = String::from(match q.filter {
        ProviderMemberFilter::All => "",
        ProviderMemberFilter::Invited => " AND m.status = 'invited' AND m.revoked = 0",
        ProviderMemberFilter::NeedsConfirmation => " AND m.status = 'accepted' AND m.revoked = 0",
        ProviderMemberFilter::Revoked => " AND m.revoked = 1",
    });
    if !search.is_empty() {
        filter.push_str(
            " AND (m.email_normalized LIKE $2 ESCAPE '\\' OR lower(u.name) LIKE $2 ESCAPE '\\')",
        );
    }
    let pattern = like_pattern(search);
    let sql = format!(
        "SELECT m.id, m.user_id, m.email, m.role, m.status, m.revoked, u.name, u.public_key \
         FROM provider_members m LEFT JOIN users u ON u.id = m.user_id \
         WHERE m.provider_id = $1{filter} ORDER BY m.email_normalized, m.id \
         LIMIT {PROVIDER_PAGE_ROWS} OFFSET {}",
        offset_of(q.page)
    );
    let count_sql = format!(
        "SELECT COUNT(*) AS n FROM provider_members m LEFT JOIN users u ON u.id = m.user_id \
         WHERE m.provider_id = $1{filter}"
    );
    let mut query = sqlx::query(&sql).bind(provider);
    let mut count = sqlx::query(&count_sql).bind(provider);
    if !search.is_empty() {
        query = query.bind(pattern.as_str());
        count = count.bind(pattern.as_str());
    }
    let rows = query.fetch_all(db.pool()).await?;
    let matching = count_of(&count.fetch_one(db.pool()).await?, "n")?;
    let counts = sqlx::query(
        "SELECT COUNT(*) AS all_n, \
         COALESCE(SUM(CASE WHEN status = 'invited' AND revoked = 0 THEN 1 ELSE 0 END), 0) AS invited, \
         COALESCE(SUM(CASE WHEN status = 'accepted' AND revoked = 0 THEN 1 ELSE 0 END), 0) AS waiting, \
         COALESCE(SUM(CASE WHEN revoked = 1 THEN 1 ELSE 0 END), 0) AS revoked \
         FROM provider_members WHERE provider_id = $1",
    )
    .bind(provider)
    .fetch_one(db.pool())
    .await?;
    let members = rows
        .iter()
        .map(|r| {
            let status = member_status_of(&r.try_get::<String, _>("status")?)?;
            let revoked = r.try_get::<i64, _>("revoked")? != 0;
            Ok(ProviderMemberRecord {
                id: ProviderMemberId::from_stored(r.try_get("id")?),
                user_id: r
                    .try_get::<Option<String>, _>("user_id")?
                    .map(UserId::from_stored),
                email: r.try_get("email")?,
                name: r.try_get("name")?,
                role: role_of(&r.try_get::<String, _>("role")?)?,
                public_key: if status == MemberStatus::Accepted && !revoked {
                    r.try_get("public_key")?
                } else {
                    None
                },
                status,
                revoked,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    Ok(ProviderMemberPage {
        members,
        matching,
        all: count_of(&counts, "all_n")?,
        invited: count_of(&counts, "invited")?,
        needs_confirmation: count_of(&counts, "waiting")?,
        revoked: count_of(&counts, "revoked")?,
    })
}

/// Invites every address at once, or none.
pub async fn invite(
    db: &Db,
    access: &ProviderAccess<ManageProviderMembers>,
    input: &ProviderInviteInput,
    client_addr: &str,
) -> Result<Vec<ProviderInvited>, AppError> {
    let mut tx = db.begin_write().await?;
    hold_place(&mut tx, access).await?;
    let provider = access.provider();
    let name = provider_name(&mut tx, provider).await?;
    let now = now_ms();
    let mut invited = Vec::with_capacity(input.emails.len());
    for email in &input.emails {
        let email = email.trim().to_owned();
        let normalized = normalize_email(&email);
        // An account already in the provider under another address is still one person.
        let taken = sqlx::query(
            "SELECT m.id FROM provider_members m JOIN users u ON u.id = m.user_id \
             WHERE m.provider_id = $1 AND u.email_normalized = $2",
        )
        .bind(provider.as_str())
        .bind(&normalized)
        .fetch_optional(&mut *tx)
        .await?;
        if taken.is_some() {
            return Err(AppError::field(Field::Emails, Problem::Taken));
        }
        let member = ProviderMemberId::from_stored(new_id());
        sqlx::query(
            "INSERT INTO provider_members (id, provider_id, user_id, email, email_normalized, role, \
             status, revoked, sealed_provider_key, created_at, revised_at) \
             VALUES ($1, $2, NULL, $3, $4, $5, 'invited', 0, NULL, $6, $6)",
        )
        .bind(member.as_str())
        .bind(provider.as_str())
        .bind(&email)
        .bind(&normalized)
        .bind(input.role.code())
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let token = new_provider_invitation(&mut tx, &member).await?;
        record_by(
            &mut tx,
            access,
            None,
            "provider_member_invited",
            Some(member.as_str()),
            &format!("{email} as {}", input.role.code()),
            client_addr,
        )
        .await?;
        invited.push(ProviderInvited {
            provider_name: name.clone(),
            member,
            email,
            token,
        });
    }
    tx.commit().await?;
    Ok(invited)
}

/// A fresh link for a member still invited (the old one stops working).
pub async fn reinvite(
    db: &Db,
    access: &ProviderAccess<ManageProviderMembers>,
    member: &ProviderMemberId,
    client_addr: &str,
) -> Result<ProviderInvited, AppError> {
    let mut tx = db.begin_write().await?;
    hold_place(&mut tx, access).await?;
    let row = sqlx::query(
        "SELECT email FROM provider_members WHERE id = $1 AND provider_id = $2 \
         AND status = 'invited' AND revoked = 0",
    )
    .bind(member.as_str())
    .bind(access.provider().as_str())
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::NotFound)?;
    let email: String = row.try_get("email")?;
    let token = new_provider_invitation(&mut tx, member).await?;
    let provider_name = provider_name(&mut tx, access.provider()).await?;
    record_by(
        &mut tx,
        access,
        None,
        "provider_member_reinvited",
        Some(member.as_str()),
        &email,
        client_addr,
    )
    .await?;
    tx.commit().await?;
    Ok(ProviderInvited {
        provider_name,
        member: member.clone(),
        email,
        token,
    })
}

/// The address of a member still invited (for counting the mail a re-send makes).
pub async fn invited_email(
    db: &Db,
    access: &ProviderAccess<ManageProviderMembers>,
    member: &ProviderMemberId,
) -> Result<String, AppError> {
    let row = sqlx::query(
        "SELECT email_normalized FROM provider_members WHERE id = $1 AND provider_id = $2 \
         AND status = 'invited'",
    )
    .bind(member.as_str())
    .bind(access.provider().as_str())
    .fetch_optional(db.pool())
    .await?
    .ok_or(AppError::NotFound)?;
    Ok(row.try_get("email_normalized")?)
}

/// What a live provider invitation link is for; `None` for a dead or unknown one.
pub async fn invitation(db: &Db, token: &str) -> Result<Option<ProviderInvitation>, AppError> {
    let row = sqlx::query(
        "SELECT p.name, m.email, m.email_normalized, \
         (SELECT COUNT(*) FROM users u WHERE u.email_normalized = m.email_normalized) AS accounts \
         FROM provider_invitations i JOIN provider_members m ON m.id = i.member_id \
         JOIN providers p ON p.id = m.provider_id \
         WHERE i.token_hash = $1 AND i.expires_at > $2 AND m.status = 'invited' AND m.revoked = 0 \
         AND p.enabled = 1",
    )
    .bind(provider_token_hash(token))
    .bind(now_ms())
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else { return Ok(None) };
    Ok(Some(ProviderInvitation {
        provider_name: row.try_get("name")?,
        email: row.try_get("email")?,
        has_account: row.try_get::<i64, _>("accounts")? > 0,
    }))
}

/// Accepts the provider invitation `token` for the caller, whose address must be the invited
/// one (and the provider enabled: a disabled provider's links are dead, as its portal is). The
/// link is used up; the member waits for a provider admin's confirmation.
pub async fn accept(
    db: &Db,
    access: &AccountAccess<JoinOrganization>,
    email_normalized: &str,
    token: &str,
    client_addr: &str,
) -> Result<ProviderId, AppError> {
    let dead = || AppError::field(Field::InvitationLink, Problem::Invalid);
    let mut tx = db.begin_write().await?;
    let row = sqlx::query(
        "SELECT m.id, m.provider_id, m.email_normalized FROM provider_invitations i \
         JOIN provider_members m ON m.id = i.member_id \
         JOIN providers p ON p.id = m.provider_id AND p.enabled = 1 \
         WHERE i.token_hash = $1 AND i.expires_at > $2 AND m.status = 'invited' AND m.revoked = 0",
    )
    .bind(provider_token_hash(token))
    .bind(now_ms())
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(dead)?;
    if row.try_get::<String, _>("email_normalized")? != email_normalized {
        return Err(dead());
    }
    let member = ProviderMemberId::from_stored(row.try_get("id")?);
    let provider = ProviderId::from_stored(row.try_get("provider_id")?);
    lock_provider(&mut tx, &provider).await?;
    let accepted = sqlx::query(
        "UPDATE provider_members SET user_id = $1, status = 'accepted', revised_at = $2 \
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
    sqlx::query("DELETE FROM provider_invitations WHERE member_id = $1")
        .bind(member.as_str())
        .execute(&mut *tx)
        .await?;
    record(
        &mut tx,
        &provider,
        None,
        Some(access.target()),
        "provider_member_accepted",
        Some(member.as_str()),
        "",
        client_addr,
    )
    .await?;
    tx.commit().await?;
    Ok(provider)
}

/// The member `id` of the provider: role, status, revoked.
async fn target(
    tx: &mut Transaction<'_, Any>,
    provider: &ProviderId,
    id: &ProviderMemberId,
) -> Result<(ProviderRole, MemberStatus, bool), AppError> {
    let row = sqlx::query(
        "SELECT role, status, revoked FROM provider_members WHERE id = $1 AND provider_id = $2",
    )
    .bind(id.as_str())
    .bind(provider.as_str())
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(AppError::NotFound)?;
    Ok((
        role_of(&row.try_get::<String, _>("role")?)?,
        member_status_of(&row.try_get::<String, _>("status")?)?,
        row.try_get::<i64, _>("revoked")? != 0,
    ))
}

/// Runs `one` for each member in a transaction of its own; says what became of each.
async fn each_member<'a, F, Fut>(
    db: &'a Db,
    members: &'a [ProviderMemberId],
    mut one: F,
) -> Vec<ProviderMemberOutcome>
where
    F: FnMut(Transaction<'static, Any>, &'a ProviderMemberId) -> Fut,
    Fut: std::future::Future<Output = Result<(), AppError>> + 'a,
{
    let mut outcomes = Vec::with_capacity(members.len());
    for member in members {
        let error = match db.begin_write().await {
            Ok(tx) => one(tx, member).await.err(),
            Err(e) => Some(AppError::from(e)),
        };
        outcomes.push(ProviderMemberOutcome {
            member: member.clone(),
            error,
        });
    }
    outcomes
}

/// Confirms accepted members with the provider key the browser sealed to each one's public key.
pub async fn confirm(
    db: &Db,
    access: &ProviderAccess<ManageProviderMembers>,
    confirmations: &[ProviderConfirmation],
    client_addr: &str,
) -> Vec<ProviderMemberOutcome> {
    let ids: Vec<ProviderMemberId> = confirmations.iter().map(|c| c.member.clone()).collect();
    each_member(db, &ids, |mut tx, member| {
        let key = confirmations
            .iter()
            .find(|c| &c.member == member)
            .map(|c| c.sealed_provider_key.clone())
            .unwrap_or_default();
        async move {
            hold_place(&mut tx, access).await?;
            let (_, status, revoked) = target(&mut tx, access.provider(), member).await?;
            if status != MemberStatus::Accepted || revoked {
                return Err(AppError::Conflict);
            }
            sqlx::query(
                "UPDATE provider_members SET status = 'confirmed', sealed_provider_key = $1, \
                 revised_at = $2 WHERE id = $3",
            )
            .bind(&key)
            .bind(now_ms())
            .bind(member.as_str())
            .execute(&mut *tx)
            .await?;
            record_by(
                &mut tx,
                access,
                None,
                "provider_member_confirmed",
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

/// Applies `change` to each member, each on its own. The provider's row is locked first, so two
/// changes that would each leave one provider admin are one after the other and the second is
/// refused.
pub async fn change_members(
    db: &Db,
    access: &ProviderAccess<ManageProviderMembers>,
    change: ProviderMemberChange,
    members: &[ProviderMemberId],
    client_addr: &str,
) -> Vec<ProviderMemberOutcome> {
    each_member(db, members, |mut tx, member| async move {
        hold_place(&mut tx, access).await?;
        let provider = access.provider();
        target(&mut tx, provider, member).await?;
        let own = member == access.member();
        if own
            && matches!(
                change,
                ProviderMemberChange::Revoke | ProviderMemberChange::Remove
            )
        {
            return Err(AppError::field(Field::Members, Problem::Yourself));
        }
        let now = now_ms();
        let id = member.as_str();
        let (kind, detail) = match change {
            ProviderMemberChange::Role(role) => {
                sqlx::query("UPDATE provider_members SET role = $1, revised_at = $2 WHERE id = $3")
                    .bind(role.code())
                    .bind(now)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                ("provider_member_role_changed", role.code())
            }
            ProviderMemberChange::Revoke | ProviderMemberChange::Restore => {
                let restore = change == ProviderMemberChange::Restore;
                sqlx::query(
                    "UPDATE provider_members SET revoked = $1, revised_at = $2 WHERE id = $3",
                )
                .bind(i64::from(!restore))
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                let kind = if restore {
                    "provider_member_restored"
                } else {
                    "provider_member_revoked"
                };
                (kind, "")
            }
            ProviderMemberChange::Remove => {
                // Recorded while the row is there, so the event keeps the member's address.
                record_by(
                    &mut tx,
                    access,
                    None,
                    "provider_member_removed",
                    Some(id),
                    "",
                    client_addr,
                )
                .await?;
                sqlx::query("DELETE FROM provider_members WHERE id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                ("provider_member_removed", "")
            }
        };
        keep_a_provider_admin(&mut tx, provider).await?;
        if kind != "provider_member_removed" {
            record_by(&mut tx, access, None, kind, Some(id), detail, client_addr).await?;
        }
        tx.commit().await?;
        Ok(())
    })
    .await
}

// ---------------------------------------------------------------------------------------------
// Clients

/// The attention columns of a client, one correlated count each (each read along the
/// `org_members_org_status` index).
const CLIENT_COLUMNS: &str = "o.id, o.name, o.plan, o.seats, pc.linked_at, pc.org_key, \
    (SELECT COUNT(*) FROM org_members m WHERE m.org_id = o.id AND m.revoked = 0) AS used, \
    (SELECT COUNT(*) FROM org_members m WHERE m.org_id = o.id AND m.revoked = 0 \
     AND m.status = 'accepted') AS waiting, \
    (SELECT COUNT(*) FROM org_members m WHERE m.org_id = o.id AND m.revoked = 0 \
     AND m.status = 'invited' AND m.role = 'owner') AS owner_invited, \
    (SELECT COUNT(*) FROM org_members m WHERE m.org_id = o.id AND m.revoked = 0 \
     AND m.status = 'confirmed' AND m.role = 'owner') AS owners";

const NEEDS_ATTENTION: &str =
    "(c.waiting > 0 OR c.used >= c.seats OR c.owner_invited > 0 OR c.owners = 0)";

fn client_of(r: &AnyRow) -> Result<ClientRecord, AppError> {
    let seats = u32_of(r, "seats")?;
    let used = u32_of(r, "used")?;
    Ok(ClientRecord {
        org: OrgId::from_stored(r.try_get("id")?),
        name: r.try_get("name")?,
        plan: plan_of(&r.try_get::<String, _>("plan")?)?,
        seats,
        used,
        linked_at: r.try_get("linked_at")?,
        org_key: r.try_get("org_key")?,
        attention: Attention {
            waiting: count_of(r, "waiting")?,
            seats_full: used >= seats,
            owner_invited: count_of(r, "owner_invited")? > 0,
            no_owner: count_of(r, "owners")? == 0,
        },
    })
}

/// One client of the provider, with its organization key under the provider key: what a staff
/// member's browser needs to open that client's Admin Console.
pub async fn client_one(
    db: &Db,
    access: &ProviderAccess<UseProvider>,
    org: &OrgId,
) -> Result<ClientRecord, AppError> {
    let row = sqlx::query(&format!(
        "SELECT {CLIENT_COLUMNS} FROM provider_clients pc JOIN organizations o ON o.id = pc.org_id \
         WHERE pc.provider_id = $1 AND pc.org_id = $2"
    ))
    .bind(access.provider().as_str())
    .bind(org.as_str())
    .fetch_optional(db.pool())
    .await?
    .ok_or(AppError::NotFound)?;
    client_of(&row)
}

/// One page of the provider's clients (search by name, order, "needs attention"), how many
/// match, how many there are and how many need attention: three queries whatever the size. The
/// totals count attention over every client (correlated counts along the members' status
/// index); a counter kept by each change would make them constant if the benchmark asks for it.
pub async fn client_page(
    db: &Db,
    access: &ProviderAccess<UseProvider>,
    q: &ClientQuery,
) -> Result<ClientPage, AppError> {
    let provider = access.provider().as_str();
    let search = q.search.trim();
    let name_filter = if search.is_empty() {
        ""
    } else {
        " AND lower(o.name) LIKE $2 ESCAPE '\\'"
    };
    let base = format!(
        "FROM provider_clients pc JOIN organizations o ON o.id = pc.org_id \
         WHERE pc.provider_id = $1{name_filter}"
    );
    let dir = if q.descending { " DESC" } else { "" };
    let offset = offset_of(q.page);
    // Ordered by a stored column and not filtered by attention, the page's 50 ids are chosen
    // first and the attention counts made for them alone; ordered by seats used or filtered by
    // attention, the counts are made for every match (the derived table) before ordering.
    let stored_key = match q.sort {
        ClientSort::Name => Some("o.name"),
        ClientSort::Plan => Some("o.plan"),
        ClientSort::Seats => Some("o.seats"),
        ClientSort::Added => Some("pc.linked_at"),
        ClientSort::Used => None,
    }
    .filter(|_| !q.attention);
    let (sql, count_sql) = match stored_key {
        Some(key) => (
            format!(
                "SELECT {CLIENT_COLUMNS} FROM (SELECT pc.org_id {base} \
                 ORDER BY {key}{dir}, o.id{dir} LIMIT {PROVIDER_PAGE_ROWS} OFFSET {offset}) page \
                 JOIN provider_clients pc ON pc.org_id = page.org_id \
                 JOIN organizations o ON o.id = pc.org_id ORDER BY {key}{dir}, o.id{dir}"
            ),
            format!("SELECT COUNT(*) AS n {base}"),
        ),
        None => {
            let inner = format!("SELECT {CLIENT_COLUMNS} {base}");
            let attention = if q.attention {
                format!(" WHERE {NEEDS_ATTENTION}")
            } else {
                String::new()
            };
            let key = match q.sort {
                ClientSort::Name => "c.name",
                ClientSort::Plan => "c.plan",
                ClientSort::Seats => "c.seats",
                ClientSort::Used => "c.used",
                ClientSort::Added => "c.linked_at",
            };
            (
                format!(
                    "SELECT * FROM ({inner}) c{attention} ORDER BY {key}{dir}, c.id{dir} \
                     LIMIT {PROVIDER_PAGE_ROWS} OFFSET {offset}"
                ),
                format!("SELECT COUNT(*) AS n FROM ({inner}) c{attention}"),
            )
        }
    };
    let pattern = like_pattern(search);
    let mut query = sqlx::query(&sql).bind(provider);
    if !search.is_empty() {
        query = query.bind(pattern.as_str());
    }
    let rows = query.fetch_all(db.pool()).await?;
    let mut count = sqlx::query(&count_sql).bind(provider);
    if !search.is_empty() {
        count = count.bind(pattern.as_str());
    }
    let matching = count_of(&count.fetch_one(db.pool()).await?, "n")?;
    let totals_sql = format!(
        "SELECT COUNT(*) AS n, COALESCE(SUM(CASE WHEN {NEEDS_ATTENTION} THEN 1 ELSE 0 END), 0) AS a \
         FROM (SELECT {CLIENT_COLUMNS} FROM provider_clients pc \
         JOIN organizations o ON o.id = pc.org_id WHERE pc.provider_id = $1) c"
    );
    let totals = sqlx::query(&totals_sql)
        .bind(provider)
        .fetch_one(db.pool())
        .await?;
    let clients = rows
        .iter()
        .map(client_of)
        .collect::<Result<Vec<_>, AppError>>()?;
    Ok(ClientPage {
        clients,
        matching,
        total: count_of(&totals, "n")?,
        needing_attention: count_of(&totals, "a")?,
    })
}

/// Creates a client organization: the organization (with the id and key the browser chose),
/// its first collection, the customer's owner invited as owner with manage access to it, and
/// the link holding the organization key under the provider key. Returns the owner's
/// invitation (an organization invitation, mailed as one).
pub async fn create_client(
    db: &Db,
    access: &ProviderAccess<CreateClient>,
    new: &NewClient,
    client_addr: &str,
) -> Result<Invited, AppError> {
    let org = &new.org;
    let now = now_ms();
    let name = new.name.trim();
    let owner_email = new.owner_email.trim();
    let mut tx = db.begin_write().await?;
    hold_place(&mut tx, access).await?;
    let exists = sqlx::query("SELECT id FROM organizations WHERE id = $1")
        .bind(org.as_str())
        .fetch_optional(&mut *tx)
        .await?;
    if exists.is_some() {
        return Err(AppError::field(Field::ClientOrg, Problem::Taken));
    }
    sqlx::query(
        "INSERT INTO organizations (id, name, billing_email, plan, seats, enabled, created_at, revised_at) \
         VALUES ($1, $2, $3, $4, $5, 1, $6, $6)",
    )
    .bind(org.as_str())
    .bind(name)
    .bind(normalize_email(&new.billing_email))
    .bind(new.plan.code())
    .bind(i64::from(new.seats))
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let collection = insert_collection(&mut tx, org, new.default_collection.trim(), now).await?;
    let member = MemberId::from_stored(new_id());
    sqlx::query(
        "INSERT INTO org_members (id, org_id, user_id, email, email_normalized, role, status, revoked, \
         sealed_org_key, invited_by, created_at, revised_at) \
         VALUES ($1, $2, NULL, $3, $4, 'owner', 'invited', 0, NULL, NULL, $5, $5)",
    )
    .bind(member.as_str())
    .bind(org.as_str())
    .bind(owner_email)
    .bind(normalize_email(owner_email))
    .bind(now)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO collection_members (collection_id, member_id, level) VALUES ($1, $2, 'manage')",
    )
    .bind(collection.as_str())
    .bind(member.as_str())
    .execute(&mut *tx)
    .await?;
    let token = new_invitation(&mut tx, &member).await?;
    sqlx::query(
        "INSERT INTO provider_clients (provider_id, org_id, org_key, seats, linked_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(access.provider().as_str())
    .bind(org.as_str())
    .bind(&new.org_key)
    .bind(i64::from(new.seats))
    .bind(now)
    .execute(&mut *tx)
    .await?;
    record_by(
        &mut tx,
        access,
        Some(org),
        "client_created",
        Some(org.as_str()),
        &format!("{name}, {}, {} seats", new.plan.code(), new.seats),
        client_addr,
    )
    .await?;
    record_by(
        &mut tx,
        access,
        Some(org),
        "member_invited",
        Some(member.as_str()),
        &format!("{owner_email} as owner"),
        client_addr,
    )
    .await?;
    tx.commit().await?;
    Ok(Invited {
        org_name: name.to_owned(),
        member,
        email: owner_email.to_owned(),
        token,
    })
}

/// The organizations the provider admin behind `access` may add as clients: those they are a
/// confirmed owner of, on Teams or Enterprise, managed by no provider. At most a page.
pub async fn linkable(
    db: &Db,
    access: &ProviderAccess<LinkClient>,
) -> Result<Vec<LinkableOrg>, AppError> {
    let rows = sqlx::query(&format!(
        "SELECT o.id, o.name, o.plan FROM provider_members pm \
         JOIN org_members m ON m.user_id = pm.user_id AND m.role = 'owner' \
         AND m.status = 'confirmed' AND m.revoked = 0 \
         JOIN organizations o ON o.id = m.org_id AND o.plan IN ('teams', 'enterprise') \
         WHERE pm.id = $1 AND NOT EXISTS (SELECT 1 FROM provider_clients pc WHERE pc.org_id = o.id) \
         ORDER BY o.name, o.id LIMIT {PROVIDER_PAGE_ROWS}"
    ))
    .bind(access.member().as_str())
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(LinkableOrg {
                org: OrgId::from_stored(r.try_get("id")?),
                name: r.try_get("name")?,
                plan: plan_of(&r.try_get::<String, _>("plan")?)?,
            })
        })
        .collect()
}

/// Adds an organization the provider admin owns as a client. One provider per organization:
/// refused with `client_org managed_by_provider` if it has one, by the check here and, should
/// two requests race past it, by the unique constraint on `provider_clients.org_id`.
pub async fn link(
    db: &Db,
    access: &ProviderAccess<LinkClient>,
    input: &LinkInput,
    client_addr: &str,
) -> Result<(), AppError> {
    let org = &input.org;
    let mut tx = db.begin_write().await?;
    let seats = lock_org(&mut tx, org).await?;
    hold_place(&mut tx, access).await?;
    let row = sqlx::query(
        "SELECT o.plan FROM provider_members pm \
         JOIN org_members m ON m.user_id = pm.user_id AND m.org_id = $2 AND m.role = 'owner' \
         AND m.status = 'confirmed' AND m.revoked = 0 \
         JOIN organizations o ON o.id = m.org_id WHERE pm.id = $1",
    )
    .bind(access.member().as_str())
    .bind(org.as_str())
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::NotFound)?;
    if crate::domain::provider::client_plan_problem(plan_of(&row.try_get::<String, _>("plan")?)?)
        .is_some()
    {
        return Err(AppError::field(Field::Plan, Problem::Invalid));
    }
    let managed = sqlx::query("SELECT provider_id FROM provider_clients WHERE org_id = $1")
        .bind(org.as_str())
        .fetch_optional(&mut *tx)
        .await?;
    if managed.is_some() {
        return Err(AppError::field(
            Field::ClientOrg,
            Problem::ManagedByProvider,
        ));
    }
    sqlx::query(
        "INSERT INTO provider_clients (provider_id, org_id, org_key, seats, linked_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(access.provider().as_str())
    .bind(org.as_str())
    .bind(&input.org_key)
    .bind(i64::from(seats))
    .bind(now_ms())
    .execute(&mut *tx)
    .await?;
    record_by(
        &mut tx,
        access,
        Some(org),
        "client_added",
        Some(org.as_str()),
        "",
        client_addr,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Locks the client organization and the provider, and checks the caller's place and the link.
async fn hold_client<A: ProviderActionType>(
    tx: &mut Transaction<'_, Any>,
    access: &ProviderAccess<A>,
    org: &OrgId,
) -> Result<u32, AppError> {
    let seats = lock_org(tx, org).await?;
    hold_place(tx, access).await?;
    let linked =
        sqlx::query("SELECT org_id FROM provider_clients WHERE provider_id = $1 AND org_id = $2")
            .bind(access.provider().as_str())
            .bind(org.as_str())
            .fetch_optional(&mut **tx)
            .await?;
    if linked.is_none() {
        return Err(AppError::NotFound);
    }
    Ok(seats)
}

/// Removes a client from the provider, if the organization keeps a confirmed owner of its own
/// (who does not act through the provider): the key copy goes with the link, the billing email
/// becomes that owner's, and staff lose access at once (their next `hold_place` fails).
pub async fn unlink(
    db: &Db,
    access: &ProviderAccess<UnlinkClient>,
    org: &OrgId,
    client_addr: &str,
) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    hold_client(&mut tx, access, org).await?;
    let owner = sqlx::query(
        "SELECT email_normalized FROM org_members WHERE org_id = $1 AND role = 'owner' \
         AND status = 'confirmed' AND revoked = 0 AND user_id IS NOT NULL \
         ORDER BY created_at, id LIMIT 1",
    )
    .bind(org.as_str())
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::field(Field::Members, Problem::LastOwner))?;
    let owner_email: String = owner.try_get("email_normalized")?;
    sqlx::query("DELETE FROM provider_clients WHERE provider_id = $1 AND org_id = $2")
        .bind(access.provider().as_str())
        .bind(org.as_str())
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE organizations SET billing_email = $1, revised_at = $2 WHERE id = $3")
        .bind(&owner_email)
        .bind(now_ms())
        .bind(org.as_str())
        .execute(&mut *tx)
        .await?;
    record_by(
        &mut tx,
        access,
        Some(org),
        "client_unlinked",
        Some(org.as_str()),
        "",
        client_addr,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Renames a client or changes its seats (never below the seats taken).
pub async fn update_client(
    db: &Db,
    access: &ProviderAccess<ManageClient>,
    org: &OrgId,
    update: &ClientUpdate,
    seats_max: u32,
    client_addr: &str,
) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    let before = hold_client(&mut tx, access, org).await?;
    // The instance's bound holds for clients too (an organization linked, raised and unlinked
    // would otherwise leave it far above); one already above keeps what it has.
    if update.seats > seats_max && update.seats > before {
        return Err(AppError::field(
            Field::Seats,
            Problem::TooLong { max: seats_max },
        ));
    }
    let taken = seats_taken(&mut tx, org).await?;
    if update.seats < taken {
        return Err(AppError::field(
            Field::Seats,
            Problem::TooShort { min: taken },
        ));
    }
    let now = now_ms();
    let name = update.name.trim();
    sqlx::query("UPDATE organizations SET name = $1, seats = $2, revised_at = $3 WHERE id = $4")
        .bind(name)
        .bind(i64::from(update.seats))
        .bind(now)
        .bind(org.as_str())
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE provider_clients SET seats = $1 WHERE provider_id = $2 AND org_id = $3")
        .bind(i64::from(update.seats))
        .bind(access.provider().as_str())
        .bind(org.as_str())
        .execute(&mut *tx)
        .await?;
    let kind = if before == update.seats {
        "client_renamed"
    } else {
        "client_seats_changed"
    };
    record_by(
        &mut tx,
        access,
        Some(org),
        kind,
        Some(org.as_str()),
        &format!("{name}, {} seats", update.seats),
        client_addr,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
