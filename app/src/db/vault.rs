//! Items and folders of personal vaults. Every function takes the `AccountAccess` that
//! `domain::authz` handed out and scopes its query to that account, so an id from another vault is
//! simply not found. Reads ask for `ReadVault`, anything that changes the vault for `WriteVault`.

use super::{new_id, now_ms, placeholders, Db};
use crate::domain::authz::{AccountAccess, ReadVault, WriteVault};
use crate::domain::vault::{
    FolderRecord, ImportInput, ItemInput, ItemRecord, ItemType, FOLDERS_MAX, ITEMS_MAX,
    LIST_PAGE_BYTES, LIST_PAGE_ITEMS, TRASH_MS, VAULT_BYTES_MAX,
};
use crate::domain::{AppError, Field, FolderId, ItemId, Problem};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

const ITEM_COLUMNS: &str =
    "id, item_type, folder_id, favorite, data, revision, created_at, revised_at, deleted_at";

fn item_from_row(row: &AnyRow) -> Result<ItemRecord, AppError> {
    let kind: String = row.try_get("item_type")?;
    Ok(ItemRecord {
        id: ItemId::from_stored(row.try_get("id")?),
        item_type: ItemType::from_code(&kind)
            .ok_or_else(|| AppError::internal(format!("unknown item type {kind}")))?,
        folder_id: row
            .try_get::<Option<String>, _>("folder_id")?
            .map(FolderId::from_stored),
        favorite: row.try_get::<i64, _>("favorite")? != 0,
        data: row.try_get("data")?,
        revision: row.try_get("revision")?,
        created_at: row.try_get("created_at")?,
        revised_at: row.try_get("revised_at")?,
        deleted_at: row.try_get("deleted_at")?,
    })
}

fn folder_from_row(row: &AnyRow) -> Result<FolderRecord, AppError> {
    Ok(FolderRecord {
        id: FolderId::from_stored(row.try_get("id")?),
        name: row.try_get("name")?,
        revised_at: row.try_get("revised_at")?,
    })
}

/// A page of the vault's items in id order, from the one after `after`: at most
/// `LIST_PAGE_ITEMS`, ending with the one that takes it past `LIST_PAGE_BYTES`. Returns the page
/// and where the next one starts.
pub async fn list_items(
    db: &Db,
    access: &AccountAccess<ReadVault>,
    after: Option<&ItemId>,
) -> Result<(Vec<ItemRecord>, Option<ItemId>), AppError> {
    use futures_util::TryStreamExt;
    // One row more than a page tells whether another page follows. Read row by row, and stop
    // reading once the page is full.
    let sql = format!(
        "SELECT {ITEM_COLUMNS} FROM items WHERE user_id = $1 AND id > $2 ORDER BY id LIMIT $3"
    );
    let mut rows = sqlx::query(&sql)
        .bind(access.target().as_str())
        .bind(after.map_or("", ItemId::as_str))
        .bind(i64::try_from(LIST_PAGE_ITEMS + 1).unwrap_or(i64::MAX))
        .fetch(db.pool());
    let mut items = Vec::new();
    let mut bytes = 0;
    while let Some(row) = rows.try_next().await? {
        if items.len() == LIST_PAGE_ITEMS || bytes > LIST_PAGE_BYTES {
            let next = items.last().map(|i: &ItemRecord| i.id.clone());
            return Ok((items, next));
        }
        let item = item_from_row(&row)?;
        bytes += item.data.len();
        items.push(item);
    }
    Ok((items, None))
}

pub async fn list_folders(
    db: &Db,
    access: &AccountAccess<ReadVault>,
) -> Result<Vec<FolderRecord>, AppError> {
    let rows = sqlx::query("SELECT id, name, revised_at FROM folders WHERE user_id = $1")
        .bind(access.target().as_str())
        .fetch_all(db.pool())
        .await?;
    rows.iter().map(folder_from_row).collect()
}

async fn count(
    tx: &mut Transaction<'_, Any>,
    table: &str,
    access: &AccountAccess<WriteVault>,
) -> Result<i64, AppError> {
    let row = sqlx::query(&format!(
        "SELECT COUNT(*) AS n FROM {table} WHERE user_id = $1"
    ))
    .bind(access.target().as_str())
    .fetch_one(&mut **tx)
    .await?;
    Ok(row.try_get("n")?)
}

/// Holds the account's row until the transaction ends, so that parallel writes check the vault's
/// limits one after another (SQLite's write transactions are serial already; on PostgreSQL two
/// checks could otherwise both pass).
async fn lock_account(
    tx: &mut Transaction<'_, Any>,
    access: &AccountAccess<WriteVault>,
) -> Result<(), AppError> {
    sqlx::query("UPDATE users SET updated_at = updated_at WHERE id = $1")
        .bind(access.target().as_str())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Refuses (as `field` at its limit) when `adding` more items of `adding_bytes` sealed bytes
/// would take the vault past its item count or its sealed bytes (`bytes_freed` are the bytes of an
/// item being replaced).
async fn ensure_item_room(
    tx: &mut Transaction<'_, Any>,
    access: &AccountAccess<WriteVault>,
    adding: usize,
    adding_bytes: usize,
    bytes_freed: i64,
    field: Field,
) -> Result<(), AppError> {
    lock_account(tx, access).await?;
    let row = sqlx::query(
        "SELECT COUNT(*) AS n, CAST(COALESCE(SUM(size), 0) AS BIGINT) AS bytes FROM items WHERE user_id = $1",
    )
    .bind(access.target().as_str())
    .fetch_one(&mut **tx)
    .await?;
    let wide = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
    let count = row.try_get::<i64, _>("n")?.saturating_add(wide(adding));
    if count > i64::from(ITEMS_MAX) {
        return Err(AppError::field(
            field,
            Problem::LimitReached { max: ITEMS_MAX },
        ));
    }
    let bytes = row
        .try_get::<i64, _>("bytes")?
        .saturating_add(wide(adding_bytes))
        .saturating_sub(bytes_freed);
    if bytes > VAULT_BYTES_MAX {
        return Err(AppError::field(
            field,
            Problem::TooLarge {
                max_mb: u32::try_from(VAULT_BYTES_MAX / (1024 * 1024)).unwrap_or(u32::MAX),
            },
        ));
    }
    Ok(())
}

/// Refuses (as `field` at its limit) when `adding` more rows would take the vault's `table` past
/// `max`.
async fn ensure_room(
    tx: &mut Transaction<'_, Any>,
    access: &AccountAccess<WriteVault>,
    table: &str,
    adding: usize,
    max: u32,
    field: Field,
) -> Result<(), AppError> {
    lock_account(tx, access).await?;
    let after = count(tx, table, access).await? + i64::try_from(adding).unwrap_or(i64::MAX);
    if after > i64::from(max) {
        return Err(AppError::field(field, Problem::LimitReached { max }));
    }
    Ok(())
}

/// A folder id must name a folder of the same vault.
async fn check_folder(
    tx: &mut Transaction<'_, Any>,
    access: &AccountAccess<WriteVault>,
    folder: Option<&FolderId>,
) -> Result<(), AppError> {
    let Some(folder) = folder else { return Ok(()) };
    let found = sqlx::query("SELECT id FROM folders WHERE id = $1 AND user_id = $2")
        .bind(folder.as_str())
        .bind(access.target().as_str())
        .fetch_optional(&mut **tx)
        .await?;
    if found.is_some() {
        Ok(())
    } else {
        Err(AppError::field(Field::Folder, Problem::Invalid))
    }
}

async fn fetch_item(
    tx: &mut Transaction<'_, Any>,
    access: &AccountAccess<WriteVault>,
    id: &str,
) -> Result<Option<ItemRecord>, AppError> {
    let row = sqlx::query(&format!(
        "SELECT {ITEM_COLUMNS} FROM items WHERE id = $1 AND user_id = $2"
    ))
    .bind(id)
    .bind(access.target().as_str())
    .fetch_optional(&mut **tx)
    .await?;
    row.as_ref().map(item_from_row).transpose()
}

pub async fn create_item(
    db: &Db,
    access: &AccountAccess<WriteVault>,
    id: &ItemId,
    input: &ItemInput,
) -> Result<ItemRecord, AppError> {
    let mut tx = db.begin_write().await?;
    ensure_item_room(&mut tx, access, 1, input.data.len(), 0, Field::ItemData).await?;
    check_folder(&mut tx, access, input.folder_id.as_ref()).await?;
    let id = id.as_str();
    super::claim_item_ids(&mut tx, &[id]).await?;
    let now = now_ms();
    sqlx::query(
        "INSERT INTO items (id, user_id, item_type, folder_id, favorite, data, revision, created_at, revised_at, size) \
         VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7, $8)",
    )
    .bind(id)
    .bind(access.target().as_str())
    .bind(input.item_type.code())
    .bind(input.folder_id.as_ref().map(FolderId::as_str))
    .bind(i64::from(input.favorite))
    .bind(&input.data)
    .bind(now)
    .bind(i64::try_from(input.data.len()).unwrap_or(i64::MAX))
    .execute(&mut *tx)
    .await?;
    let item = fetch_item(&mut tx, access, id)
        .await?
        .ok_or_else(|| AppError::internal("inserted item vanished"))?;
    tx.commit().await?;
    Ok(item)
}

/// Rows per multi-row INSERT during an import (well under either database's parameter limit).
const IMPORT_BATCH: usize = 100;

/// Stores an import's folders and items in one transaction, within the vault's limits.
pub async fn import(
    db: &Db,
    access: &AccountAccess<WriteVault>,
    input: &ImportInput,
) -> Result<u64, AppError> {
    let mut tx = db.begin_write().await?;
    let (items, folders) = (input.items.len(), input.folders.len());
    let bytes = input.items.iter().map(|i| i.data.len()).sum();
    ensure_item_room(&mut tx, access, items, bytes, 0, Field::ImportFile).await?;
    ensure_room(
        &mut tx,
        access,
        "folders",
        folders,
        FOLDERS_MAX,
        Field::FolderName,
    )
    .await?;
    let now = now_ms();
    let user = access.target().as_str();
    let mut existing: Vec<&str> = input
        .items
        .iter()
        .filter_map(|i| i.folder_id.as_ref().map(FolderId::as_str))
        .collect();
    existing.sort_unstable();
    existing.dedup();
    if !existing.is_empty() {
        // One query for all of them, whatever their number (at most one per item).
        let marks = (0..existing.len())
            .map(|i| format!("${}", i + 2))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!("SELECT COUNT(*) FROM folders WHERE user_id = $1 AND id IN ({marks})");
        let mut query = sqlx::query_scalar::<_, i64>(&sql).bind(user);
        for id in &existing {
            query = query.bind(*id);
        }
        if query.fetch_one(&mut *tx).await? != existing.len() as i64 {
            return Err(AppError::field(Field::Folder, Problem::Invalid));
        }
    }
    let folder_ids: Vec<String> = input.folders.iter().map(|_| new_id()).collect();
    for (id, name) in folder_ids.iter().zip(&input.folders) {
        sqlx::query("INSERT INTO folders (id, user_id, name, created_at, revised_at) VALUES ($1, $2, $3, $4, $4)")
            .bind(id)
            .bind(user)
            .bind(name)
            .bind(now)
            .execute(&mut *tx)
            .await?;
    }
    let ids: Vec<&str> = input.items.iter().map(|i| i.id.as_str()).collect();
    super::claim_item_ids(&mut tx, &ids).await?;
    for batch in input.items.chunks(IMPORT_BATCH) {
        let rows = (0..batch.len())
            .map(|i| {
                let p = i * 7;
                format!(
                    "(${}, ${}, ${}, ${}, ${}, ${}, ${}, 1, ${}, ${})",
                    p + 1,
                    p + 2,
                    p + 3,
                    p + 4,
                    p + 5,
                    p + 6,
                    p + 7,
                    batch.len() * 7 + 1,
                    batch.len() * 7 + 1
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "INSERT INTO items (id, user_id, item_type, folder_id, favorite, data, size, revision, created_at, revised_at) VALUES {rows}"
        );
        let mut query = sqlx::query(&sql);
        for item in batch {
            let folder = item
                .folder
                .and_then(|f| folder_ids.get(f as usize))
                .cloned()
                .or_else(|| item.folder_id.as_ref().map(|f| f.as_str().to_owned()));
            query = query
                .bind(item.id.as_str())
                .bind(user)
                .bind(item.item_type.code())
                .bind(folder)
                .bind(i64::from(item.favorite))
                .bind(item.data.as_str())
                .bind(i64::try_from(item.data.len()).unwrap_or(i64::MAX));
        }
        query.bind(now).execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(input.items.len() as u64)
}

/// Replaces an item's content if nobody changed it since `expected_revision`.
pub async fn update_item(
    db: &Db,
    access: &AccountAccess<WriteVault>,
    id: &ItemId,
    expected_revision: i64,
    input: &ItemInput,
) -> Result<ItemRecord, AppError> {
    let mut tx = db.begin_write().await?;
    check_folder(&mut tx, access, input.folder_id.as_ref()).await?;
    let old_size = sqlx::query("SELECT size FROM items WHERE id = $1 AND user_id = $2")
        .bind(id.as_str())
        .bind(access.target().as_str())
        .fetch_optional(&mut *tx)
        .await?
        .map_or(Ok(0), |r| r.try_get::<i64, _>("size"))?;
    ensure_item_room(
        &mut tx,
        access,
        0,
        input.data.len(),
        old_size,
        Field::ItemData,
    )
    .await?;
    let done = sqlx::query(
        "UPDATE items SET item_type = $1, folder_id = $2, favorite = $3, data = $4, revision = revision + 1, \
         revised_at = $5, size = $9 WHERE id = $6 AND user_id = $7 AND revision = $8 AND deleted_at IS NULL",
    )
    .bind(input.item_type.code())
    .bind(input.folder_id.as_ref().map(FolderId::as_str))
    .bind(i64::from(input.favorite))
    .bind(&input.data)
    .bind(now_ms())
    .bind(id.as_str())
    .bind(access.target().as_str())
    .bind(expected_revision)
    .bind(i64::try_from(input.data.len()).unwrap_or(i64::MAX))
    .execute(&mut *tx)
    .await?;
    let current = fetch_item(&mut tx, access, id.as_str()).await?;
    match (done.rows_affected(), current) {
        (1, Some(item)) => {
            tx.commit().await?;
            Ok(item)
        }
        (_, None) => Err(AppError::NotFound),
        (_, Some(item)) if item.deleted_at.is_some() => Err(AppError::NotFound),
        (_, Some(_)) => Err(AppError::Conflict),
    }
}

/// Moves items to the trash (`trash = true`) or back. Returns how many changed; ids of other
/// vaults are ignored, exactly as ids that do not exist.
pub async fn set_trashed(
    db: &Db,
    access: &AccountAccess<WriteVault>,
    ids: &[ItemId],
    trash: bool,
) -> Result<u64, AppError> {
    let now = now_ms();
    let (set, state) = if trash {
        ("deleted_at = $1", "deleted_at IS NULL")
    } else {
        (
            "deleted_at = NULL, revised_at = $1",
            "deleted_at IS NOT NULL",
        )
    };
    let sql = format!(
        "UPDATE items SET {set}, revision = revision + 1 WHERE user_id = $2 AND {state} AND id IN ({})",
        placeholders(3, ids.len())
    );
    let mut query = sqlx::query(&sql).bind(now).bind(access.target().as_str());
    for id in ids {
        query = query.bind(id.as_str());
    }
    Ok(query.execute(db.pool()).await?.rows_affected())
}

/// Deletes items for good; only items already in the trash.
pub async fn delete_trashed(
    db: &Db,
    access: &AccountAccess<WriteVault>,
    ids: &[ItemId],
) -> Result<u64, AppError> {
    let sql = format!(
        "DELETE FROM items WHERE user_id = $1 AND deleted_at IS NOT NULL AND id IN ({})",
        placeholders(2, ids.len())
    );
    let mut query = sqlx::query(&sql).bind(access.target().as_str());
    for id in ids {
        query = query.bind(id.as_str());
    }
    Ok(query.execute(db.pool()).await?.rows_affected())
}

pub async fn empty_trash(db: &Db, access: &AccountAccess<WriteVault>) -> Result<u64, AppError> {
    let done = sqlx::query("DELETE FROM items WHERE user_id = $1 AND deleted_at IS NOT NULL")
        .bind(access.target().as_str())
        .execute(db.pool())
        .await?;
    Ok(done.rows_affected())
}

/// Deletes items that have been in any trash for longer than the retention period, personal
/// and shared (the trash page promises 30 days for both). A system task, not a user action: it
/// acts on every vault and organization alike.
pub async fn purge_expired_trash(db: &Db, now: i64) -> Result<u64, AppError> {
    let mut purged = 0;
    for table in ["items", "org_items"] {
        let done = sqlx::query(&format!(
            "DELETE FROM {table} WHERE deleted_at IS NOT NULL AND deleted_at < $1"
        ))
        .bind(now - TRASH_MS)
        .execute(db.pool())
        .await?;
        purged += done.rows_affected();
    }
    Ok(purged)
}

pub async fn create_folder(
    db: &Db,
    access: &AccountAccess<WriteVault>,
    name: &str,
) -> Result<FolderRecord, AppError> {
    let mut tx = db.begin_write().await?;
    ensure_room(
        &mut tx,
        access,
        "folders",
        1,
        FOLDERS_MAX,
        Field::FolderName,
    )
    .await?;
    let id = new_id();
    let now = now_ms();
    sqlx::query("INSERT INTO folders (id, user_id, name, created_at, revised_at) VALUES ($1, $2, $3, $4, $4)")
        .bind(&id)
        .bind(access.target().as_str())
        .bind(name)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(FolderRecord {
        id: FolderId::from_stored(id),
        name: name.to_owned(),
        revised_at: now,
    })
}

pub async fn rename_folder(
    db: &Db,
    access: &AccountAccess<WriteVault>,
    id: &FolderId,
    name: &str,
) -> Result<FolderRecord, AppError> {
    let now = now_ms();
    let done =
        sqlx::query("UPDATE folders SET name = $1, revised_at = $2 WHERE id = $3 AND user_id = $4")
            .bind(name)
            .bind(now)
            .bind(id.as_str())
            .bind(access.target().as_str())
            .execute(db.pool())
            .await?;
    if done.rows_affected() == 1 {
        Ok(FolderRecord {
            id: id.clone(),
            name: name.to_owned(),
            revised_at: now,
        })
    } else {
        Err(AppError::NotFound)
    }
}

/// Deletes a folder; its items stay, with no folder.
pub async fn delete_folder(
    db: &Db,
    access: &AccountAccess<WriteVault>,
    id: &FolderId,
) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    sqlx::query("UPDATE items SET folder_id = NULL, revision = revision + 1 WHERE folder_id = $1 AND user_id = $2")
        .bind(id.as_str())
        .bind(access.target().as_str())
        .execute(&mut *tx)
        .await?;
    let done = sqlx::query("DELETE FROM folders WHERE id = $1 AND user_id = $2")
        .bind(id.as_str())
        .bind(access.target().as_str())
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() != 1 {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(())
}
