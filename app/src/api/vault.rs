//! The personal vault: items and folders, as encrypted blobs. The browser encrypts before calling
//! and decrypts what it lists; these functions only check shape, ownership and revisions.

use super::codec::Json;
use crate::domain::vault::{FolderRecord, ImportInput, ItemInput, ItemRecord, VaultSnapshot};
use crate::domain::{AppError, FolderId, ItemId};
use leptos::prelude::*;

/// A page of the items (trash included) of the caller's vault, from the one after `after`, and
/// with the first page, every folder.
#[server(prefix = "/api", endpoint = "vault_list", input = Json, output = Json)]
pub async fn vault_list(after: Option<ItemId>) -> Result<VaultSnapshot, AppError> {
    ssr::answer(ssr::list(after).await)
}

/// Stores a new item under `id`, which the browser chose and sealed the item bound to.
#[server(prefix = "/api", endpoint = "item_create", input = Json, output = Json)]
pub async fn item_create(id: ItemId, item: ItemInput) -> Result<ItemRecord, AppError> {
    ssr::answer(ssr::create_item(id, item).await)
}

/// Saves `item` over the item `id` if it is still at `revision`; otherwise `Conflict`.
#[server(prefix = "/api", endpoint = "item_update", input = Json, output = Json)]
pub async fn item_update(
    id: ItemId,
    revision: i64,
    item: ItemInput,
) -> Result<ItemRecord, AppError> {
    ssr::answer(ssr::update_item(id, revision, item).await)
}

/// Moves items to the trash. Returns how many moved.
#[server(prefix = "/api", endpoint = "items_trash", input = Json, output = Json)]
pub async fn items_trash(ids: Vec<ItemId>) -> Result<u64, AppError> {
    ssr::answer(ssr::bulk(ids, ssr::Bulk::Trash).await)
}

#[server(prefix = "/api", endpoint = "items_restore", input = Json, output = Json)]
pub async fn items_restore(ids: Vec<ItemId>) -> Result<u64, AppError> {
    ssr::answer(ssr::bulk(ids, ssr::Bulk::Restore).await)
}

/// Deletes trashed items for good.
#[server(prefix = "/api", endpoint = "items_delete", input = Json, output = Json)]
pub async fn items_delete(ids: Vec<ItemId>) -> Result<u64, AppError> {
    ssr::answer(ssr::bulk(ids, ssr::Bulk::Delete).await)
}

#[server(prefix = "/api", endpoint = "trash_empty", input = Json, output = Json)]
pub async fn trash_empty() -> Result<u64, AppError> {
    ssr::answer(ssr::empty_trash().await)
}

/// Stores a whole import at once; returns how many items were added.
#[server(prefix = "/api", endpoint = "items_import", input = Json, output = Json)]
pub async fn items_import(import: ImportInput) -> Result<u64, AppError> {
    ssr::answer(ssr::import(import).await)
}

#[server(prefix = "/api", endpoint = "folder_create", input = Json, output = Json)]
pub async fn folder_create(name: String) -> Result<FolderRecord, AppError> {
    ssr::answer(ssr::create_folder(name).await)
}

#[server(prefix = "/api", endpoint = "folder_rename", input = Json, output = Json)]
pub async fn folder_rename(id: FolderId, name: String) -> Result<FolderRecord, AppError> {
    ssr::answer(ssr::rename_folder(id, name).await)
}

/// Deletes a folder; its items remain, without a folder.
#[server(prefix = "/api", endpoint = "folder_delete", input = Json, output = Json)]
pub async fn folder_delete(id: FolderId) -> Result<(), AppError> {
    ssr::answer(ssr::delete_folder(id).await)
}

#[cfg(feature = "ssr")]
pub mod ssr {
    pub use crate::api::context::*;
    use crate::db::vault as store;
    use crate::domain::authz::{
        authorize_account, AccountAccess, AccountAction, ReadVault, WriteVault,
    };
    use crate::domain::validate::collect;
    use crate::domain::vault::{
        bulk_problem, encrypted_problem, FolderRecord, ImportInput, ItemInput, ItemRecord,
        VaultSnapshot, FOLDER_NAME_MAX, ITEM_DATA_MAX,
    };
    use crate::domain::{AppError, Field, FolderId, ItemId};

    /// The caller's own vault, for the action `A`.
    async fn own_vault<A: AccountAction>() -> Result<(AppState, AccountAccess<A>), AppError> {
        let st = state()?;
        let caller = caller(&st.db).await?;
        let access = authorize_account::<A>(&caller.actor, &caller.user.id)?;
        Ok((st, access))
    }

    pub async fn list(after: Option<ItemId>) -> Result<VaultSnapshot, AppError> {
        let (st, access) = own_vault::<ReadVault>().await?;
        let folders = match after {
            None => store::list_folders(&st.db, &access).await?,
            Some(_) => Vec::new(),
        };
        let (items, next) = store::list_items(&st.db, &access, after.as_ref()).await?;
        Ok(VaultSnapshot {
            items,
            folders,
            next,
        })
    }

    fn check_item(item: &ItemInput) -> Result<(), AppError> {
        collect([(
            Field::ItemData,
            encrypted_problem(&item.data, ITEM_DATA_MAX),
        )])
    }

    pub async fn create_item(id: ItemId, item: ItemInput) -> Result<ItemRecord, AppError> {
        let (st, access) = own_vault::<WriteVault>().await?;
        check_item(&item)?;
        store::create_item(&st.db, &access, &id, &item).await
    }

    pub async fn update_item(
        id: ItemId,
        revision: i64,
        item: ItemInput,
    ) -> Result<ItemRecord, AppError> {
        let (st, access) = own_vault::<WriteVault>().await?;
        check_item(&item)?;
        store::update_item(&st.db, &access, &id, revision, &item).await
    }

    pub enum Bulk {
        Trash,
        Restore,
        Delete,
    }

    pub async fn bulk(ids: Vec<ItemId>, what: Bulk) -> Result<u64, AppError> {
        let (st, access) = own_vault::<WriteVault>().await?;
        collect([(Field::ItemIds, bulk_problem(&ids))])?;
        match what {
            Bulk::Trash => store::set_trashed(&st.db, &access, &ids, true).await,
            Bulk::Restore => store::set_trashed(&st.db, &access, &ids, false).await,
            Bulk::Delete => store::delete_trashed(&st.db, &access, &ids).await,
        }
    }

    pub async fn empty_trash() -> Result<u64, AppError> {
        let (st, access) = own_vault::<WriteVault>().await?;
        store::empty_trash(&st.db, &access).await
    }

    pub async fn import(import: ImportInput) -> Result<u64, AppError> {
        let (st, access) = own_vault::<WriteVault>().await?;
        let problems = import.problems();
        if !problems.is_empty() {
            return Err(AppError::Invalid(problems));
        }
        store::import(&st.db, &access, &import).await
    }

    fn check_folder_name(name: &str) -> Result<(), AppError> {
        collect([(Field::FolderName, encrypted_problem(name, FOLDER_NAME_MAX))])
    }

    pub async fn create_folder(name: String) -> Result<FolderRecord, AppError> {
        let (st, access) = own_vault::<WriteVault>().await?;
        check_folder_name(&name)?;
        store::create_folder(&st.db, &access, &name).await
    }

    pub async fn rename_folder(id: FolderId, name: String) -> Result<FolderRecord, AppError> {
        let (st, access) = own_vault::<WriteVault>().await?;
        check_folder_name(&name)?;
        store::rename_folder(&st.db, &access, &id, &name).await
    }

    pub async fn delete_folder(id: FolderId) -> Result<(), AppError> {
        let (st, access) = own_vault::<WriteVault>().await?;
        store::delete_folder(&st.db, &access, &id).await
    }
}
