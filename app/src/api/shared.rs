//! Shared items: an organization's items as its members see and change them. The browser seals
//! each item in two parts with the organization key; these functions check shape, the caller's
//! standing and, in the transaction that acts, the rights their collections give.

use super::codec::Json;
use crate::domain::shared::{MoveIn, SharedItemInput, SharedItemRecord, SharedPage};
use crate::domain::{AppError, CollectionId, FolderId, ItemId, OrgId};
use leptos::prelude::*;

/// A page of the organization's items the caller reaches (secrets only where their access shows
/// passwords), and with the first page the collections they reach.
#[server(prefix = "/api", endpoint = "shared_list", input = Json, output = Json)]
pub async fn shared_list(org: OrgId, after: Option<ItemId>) -> Result<SharedPage, AppError> {
    ssr::answer(ssr::list(org, after).await)
}

/// Creates an item in the organization under `id` (chosen in the browser, which sealed the item
/// bound to it), in `collections`.
#[server(prefix = "/api", endpoint = "shared_create", input = Json, output = Json)]
pub async fn shared_create(
    org: OrgId,
    id: ItemId,
    item: SharedItemInput,
    collections: Vec<CollectionId>,
) -> Result<SharedItemRecord, AppError> {
    ssr::answer(ssr::create(org, id, item, collections).await)
}

/// Saves `item` over the shared item `id` if it is still at `revision`; otherwise `Conflict`.
#[server(prefix = "/api", endpoint = "shared_update", input = Json, output = Json)]
pub async fn shared_update(
    org: OrgId,
    id: ItemId,
    revision: i64,
    item: SharedItemInput,
) -> Result<SharedItemRecord, AppError> {
    ssr::answer(ssr::update(org, id, revision, item).await)
}

#[server(prefix = "/api", endpoint = "shared_trash", input = Json, output = Json)]
pub async fn shared_trash(org: OrgId, ids: Vec<ItemId>) -> Result<u64, AppError> {
    ssr::answer(ssr::bulk(org, ids, crate::api::shared::BulkKind::Trash).await)
}

#[server(prefix = "/api", endpoint = "shared_restore", input = Json, output = Json)]
pub async fn shared_restore(org: OrgId, ids: Vec<ItemId>) -> Result<u64, AppError> {
    ssr::answer(ssr::bulk(org, ids, crate::api::shared::BulkKind::Restore).await)
}

/// Deletes trashed shared items for good.
#[server(prefix = "/api", endpoint = "shared_delete", input = Json, output = Json)]
pub async fn shared_delete(org: OrgId, ids: Vec<ItemId>) -> Result<u64, AppError> {
    ssr::answer(ssr::bulk(org, ids, crate::api::shared::BulkKind::Delete).await)
}

/// Puts the items in `collections` instead of the ones the caller manages.
#[server(prefix = "/api", endpoint = "shared_move", input = Json, output = Json)]
pub async fn shared_move(
    org: OrgId,
    ids: Vec<ItemId>,
    collections: Vec<CollectionId>,
) -> Result<u64, AppError> {
    ssr::answer(ssr::set_collections(org, ids, collections).await)
}

/// The caller's own favorite and folder for a shared item.
#[server(prefix = "/api", endpoint = "shared_mark", input = Json, output = Json)]
pub async fn shared_mark(
    org: OrgId,
    id: ItemId,
    favorite: bool,
    folder_id: Option<FolderId>,
) -> Result<(), AppError> {
    ssr::answer(ssr::mark(org, id, favorite, folder_id).await)
}

/// Moves personal items into the organization, re-sealed in the browser: all or none.
#[server(prefix = "/api", endpoint = "shared_move_in", input = Json, output = Json)]
pub async fn shared_move_in(
    org: OrgId,
    moves: Vec<MoveIn>,
    collections: Vec<CollectionId>,
) -> Result<u64, AppError> {
    ssr::answer(ssr::move_in(org, moves, collections).await)
}

/// Every item of the organization for its Admin Console (owners and admins), without secrets.
#[server(prefix = "/api", endpoint = "org_vault", input = Json, output = Json)]
pub async fn org_vault(org: OrgId, after: Option<ItemId>) -> Result<SharedPage, AppError> {
    ssr::answer(ssr::console_list(org, after).await)
}

/// The open parts of up to 100 named items, for the Admin Console to name them (the event log
/// holds ids only; names are sealed). Items that no longer exist are left out.
#[server(prefix = "/api", endpoint = "org_items_named", input = Json, output = Json)]
pub async fn org_items_named(
    org: OrgId,
    ids: Vec<ItemId>,
) -> Result<Vec<SharedItemRecord>, AppError> {
    ssr::answer(ssr::console_named(org, ids).await)
}

/// One item's secret part for the Admin Console; recorded in the event log.
#[server(prefix = "/api", endpoint = "org_item_secrets", input = Json, output = Json)]
pub async fn org_item_secrets(org: OrgId, id: ItemId) -> Result<String, AppError> {
    ssr::answer(ssr::console_secrets(org, id).await)
}

/// A page of every item of the organization with its secrets, for the password health report
/// the Admin Console computes in the browser (owners and admins). Each page read is recorded in
/// the event log, with how many items it opened.
#[server(prefix = "/api", endpoint = "org_health_items", input = Json, output = Json)]
pub async fn org_health_items(org: OrgId, after: Option<ItemId>) -> Result<SharedPage, AppError> {
    ssr::answer(ssr::console_health(org, after).await)
}

/// Which bulk change a call asks for.
#[derive(Clone, Copy, Debug)]
pub enum BulkKind {
    Trash,
    Restore,
    Delete,
}

#[cfg(feature = "ssr")]
pub mod ssr {
    pub use crate::api::context::*;
    use crate::api::orgs::ssr::{addr, in_org};
    use crate::db::shared as store;
    use crate::domain::authz::{
        authorize_account, ReadAllItems, UseOrg, WriteOrgItems, WriteVault,
    };
    use crate::domain::shared::{
        collections_problem, MoveIn, SharedItemInput, SharedItemRecord, SharedPage,
    };
    use crate::domain::validate::collect;
    use crate::domain::vault::{bulk_problem, BULK_MAX};
    use crate::domain::{AppError, CollectionId, Field, FolderId, ItemId, OrgId, Problem};

    pub async fn console_list(org: OrgId, after: Option<ItemId>) -> Result<SharedPage, AppError> {
        let (st, _, access) = in_org::<ReadAllItems>(&org).await?;
        store::console_list(&st.db, &access, after.as_ref()).await
    }

    pub async fn console_named(
        org: OrgId,
        ids: Vec<ItemId>,
    ) -> Result<Vec<SharedItemRecord>, AppError> {
        let (st, _, access) = in_org::<ReadAllItems>(&org).await?;
        collect([(Field::ItemIds, bulk_problem(&ids))])?;
        store::console_named(&st.db, &access, &ids).await
    }

    pub async fn console_secrets(org: OrgId, id: ItemId) -> Result<String, AppError> {
        let (st, _, access) = in_org::<ReadAllItems>(&org).await?;
        let client = addr(&st).await;
        store::console_secrets(&st.db, &access, &id, &client).await
    }

    pub async fn console_health(org: OrgId, after: Option<ItemId>) -> Result<SharedPage, AppError> {
        let (st, _, access) = in_org::<ReadAllItems>(&org).await?;
        let client = addr(&st).await;
        store::console_health(&st.db, &access, after.as_ref(), &client).await
    }

    pub async fn list(org: OrgId, after: Option<ItemId>) -> Result<SharedPage, AppError> {
        let (st, _, access) = in_org::<UseOrg>(&org).await?;
        store::list(&st.db, &access, after.as_ref()).await
    }

    fn check(item: &SharedItemInput, new: bool) -> Result<(), AppError> {
        let problems = item.problems(new);
        if problems.is_empty() {
            Ok(())
        } else {
            Err(AppError::Invalid(problems))
        }
    }

    pub async fn create(
        org: OrgId,
        id: ItemId,
        item: SharedItemInput,
        collections: Vec<CollectionId>,
    ) -> Result<SharedItemRecord, AppError> {
        let (st, _, access) = in_org::<WriteOrgItems>(&org).await?;
        check(&item, true)?;
        collect([(Field::Collections, collections_problem(&collections))])?;
        let client = addr(&st).await;
        store::create(&st.db, &access, &id, &item, &collections, &client).await
    }

    pub async fn update(
        org: OrgId,
        id: ItemId,
        revision: i64,
        item: SharedItemInput,
    ) -> Result<SharedItemRecord, AppError> {
        let (st, _, access) = in_org::<WriteOrgItems>(&org).await?;
        check(&item, false)?;
        let client = addr(&st).await;
        store::update(&st.db, &access, &id, revision, &item, &client).await
    }

    pub async fn bulk(
        org: OrgId,
        ids: Vec<ItemId>,
        what: super::BulkKind,
    ) -> Result<u64, AppError> {
        let (st, _, access) = in_org::<WriteOrgItems>(&org).await?;
        collect([(Field::ItemIds, bulk_problem(&ids))])?;
        let what = match what {
            super::BulkKind::Trash => store::Bulk::Trash,
            super::BulkKind::Restore => store::Bulk::Restore,
            super::BulkKind::Delete => store::Bulk::Delete,
        };
        let client = addr(&st).await;
        store::bulk(&st.db, &access, &ids, what, &client).await
    }

    pub async fn set_collections(
        org: OrgId,
        ids: Vec<ItemId>,
        collections: Vec<CollectionId>,
    ) -> Result<u64, AppError> {
        let (st, _, access) = in_org::<WriteOrgItems>(&org).await?;
        collect([
            (Field::ItemIds, bulk_problem(&ids)),
            (Field::Collections, collections_problem(&collections)),
        ])?;
        let client = addr(&st).await;
        store::set_collections(&st.db, &access, &ids, &collections, &client).await
    }

    pub async fn mark(
        org: OrgId,
        id: ItemId,
        favorite: bool,
        folder: Option<FolderId>,
    ) -> Result<(), AppError> {
        let (st, _, access) = in_org::<UseOrg>(&org).await?;
        store::mark(&st.db, &access, &id, favorite, folder.as_ref()).await
    }

    pub async fn move_in(
        org: OrgId,
        moves: Vec<MoveIn>,
        collections: Vec<CollectionId>,
    ) -> Result<u64, AppError> {
        let (st, caller, access) = in_org::<WriteOrgItems>(&org).await?;
        let vault = authorize_account::<WriteVault>(&caller.actor, &caller.user.id)?;
        let count = if moves.is_empty() {
            Some(Problem::Required)
        } else {
            (moves.len() > BULK_MAX).then_some(Problem::LimitReached {
                max: BULK_MAX as u32,
            })
        };
        let mut seen = std::collections::HashSet::new();
        let twice = !moves.iter().all(|m| seen.insert(&m.id));
        collect([
            (Field::ItemIds, count.or(twice.then_some(Problem::Invalid))),
            (Field::Collections, collections_problem(&collections)),
        ])?;
        for one in &moves {
            check(&one.item, true)?;
        }
        let client = addr(&st).await;
        store::move_in(&st.db, &vault, &access, &moves, &collections, &client).await
    }
}
