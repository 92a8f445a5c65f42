//! Collections and groups: renaming and deleting collections, who reaches them (grants per
//! member and per group, and the answer to "who can reach this?"), and groups with their members
//! and collections.

use super::codec::Json;
use crate::domain::org::{CollectionAccess, GroupInput, GroupRecord};
use crate::domain::shared::ReachPage;
use crate::domain::{AppError, CollectionId, GroupId, ItemId, MemberId, OrgId};
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "collection_rename", input = Json, output = Json)]
pub async fn collection_rename(org: OrgId, id: CollectionId, name: String) -> Result<(), AppError> {
    ssr::answer(ssr::rename(org, id, name).await)
}

/// Deletes a collection; its items stay in their other collections, or become unassigned.
#[server(prefix = "/api", endpoint = "collection_delete", input = Json, output = Json)]
pub async fn collection_delete(org: OrgId, id: CollectionId) -> Result<(), AppError> {
    ssr::answer(ssr::delete(org, id).await)
}

/// The grants on a collection, for owners, admins and members who manage it.
#[server(prefix = "/api", endpoint = "collection_access_get", input = Json, output = Json)]
pub async fn collection_access_get(
    org: OrgId,
    id: CollectionId,
) -> Result<CollectionAccess, AppError> {
    ssr::answer(ssr::access(org, id).await)
}

/// Replaces the grants on a collection.
#[server(prefix = "/api", endpoint = "collection_access_set", input = Json, output = Json)]
pub async fn collection_access_set(
    org: OrgId,
    id: CollectionId,
    access: CollectionAccess,
) -> Result<(), AppError> {
    ssr::answer(ssr::set_access(org, id, access).await)
}

/// Who reaches a collection, at which level, and through what: a page of members (by address)
/// after `after`.
#[server(prefix = "/api", endpoint = "collection_reach", input = Json, output = Json)]
pub async fn collection_reach(
    org: OrgId,
    id: CollectionId,
    after: Option<MemberId>,
) -> Result<ReachPage, AppError> {
    ssr::answer(ssr::reach(org, ssr::Reachable::Collection(id), after).await)
}

/// Who reaches a shared item, through which of its collections' grants or their role.
#[server(prefix = "/api", endpoint = "item_reach", input = Json, output = Json)]
pub async fn item_reach(
    org: OrgId,
    id: ItemId,
    after: Option<MemberId>,
) -> Result<ReachPage, AppError> {
    ssr::answer(ssr::reach(org, ssr::Reachable::Item(id), after).await)
}

#[server(prefix = "/api", endpoint = "org_groups", input = Json, output = Json)]
pub async fn org_groups(org: OrgId) -> Result<Vec<GroupRecord>, AppError> {
    ssr::answer(ssr::groups(org).await)
}

#[server(prefix = "/api", endpoint = "group_create", input = Json, output = Json)]
pub async fn group_create(org: OrgId, group: GroupInput) -> Result<GroupId, AppError> {
    ssr::answer(ssr::create_group(org, group).await)
}

/// Sets a group's name, members and collections.
#[server(prefix = "/api", endpoint = "group_update", input = Json, output = Json)]
pub async fn group_update(org: OrgId, id: GroupId, group: GroupInput) -> Result<(), AppError> {
    ssr::answer(ssr::update_group(org, id, group).await)
}

#[server(prefix = "/api", endpoint = "group_delete", input = Json, output = Json)]
pub async fn group_delete(org: OrgId, id: GroupId) -> Result<(), AppError> {
    ssr::answer(ssr::delete_group(org, id).await)
}

#[cfg(feature = "ssr")]
pub mod ssr {
    pub use crate::api::context::*;
    use crate::api::orgs::ssr::{addr, in_org};
    use crate::db::collections as store;
    pub use crate::db::collections::Reachable;
    use crate::domain::authz::{ManageCollections, ManageGroups, ReadMembers, UseOrg};
    use crate::domain::org::{collection_name_problem, CollectionAccess, GroupInput, GroupRecord};
    use crate::domain::shared::ReachPage;
    use crate::domain::validate::collect;
    use crate::domain::{AppError, CollectionId, Field, GroupId, MemberId, OrgId};

    fn check(problems: Vec<crate::domain::FieldError>) -> Result<(), AppError> {
        if problems.is_empty() {
            Ok(())
        } else {
            Err(AppError::Invalid(problems))
        }
    }

    pub async fn rename(org: OrgId, id: CollectionId, name: String) -> Result<(), AppError> {
        let (st, _, access) = in_org::<ManageCollections>(&org).await?;
        collect([(Field::CollectionName, collection_name_problem(&name))])?;
        let client = addr(&st).await;
        store::rename_collection(&st.db, &access, &id, &name, &client).await
    }

    pub async fn delete(org: OrgId, id: CollectionId) -> Result<(), AppError> {
        let (st, _, access) = in_org::<ManageCollections>(&org).await?;
        let client = addr(&st).await;
        store::delete_collection(&st.db, &access, &id, &client).await
    }

    pub async fn access(org: OrgId, id: CollectionId) -> Result<CollectionAccess, AppError> {
        let (st, _, access) = in_org::<UseOrg>(&org).await?;
        store::collection_access(&st.db, &access, &id).await
    }

    pub async fn set_access(
        org: OrgId,
        id: CollectionId,
        grants: CollectionAccess,
    ) -> Result<(), AppError> {
        let (st, _, access) = in_org::<UseOrg>(&org).await?;
        check(grants.problems())?;
        let client = addr(&st).await;
        store::set_collection_access(&st.db, &access, &id, &grants, &client).await
    }

    pub async fn reach(
        org: OrgId,
        what: Reachable,
        after: Option<MemberId>,
    ) -> Result<ReachPage, AppError> {
        let (st, _, access) = in_org::<ReadMembers>(&org).await?;
        store::reach(&st.db, &access, &what, after.as_ref()).await
    }

    pub async fn groups(org: OrgId) -> Result<Vec<GroupRecord>, AppError> {
        let (st, _, access) = in_org::<ManageGroups>(&org).await?;
        store::groups(&st.db, &access).await
    }

    pub async fn create_group(org: OrgId, group: GroupInput) -> Result<GroupId, AppError> {
        let (st, _, access) = in_org::<ManageGroups>(&org).await?;
        check(group.problems())?;
        let client = addr(&st).await;
        store::create_group(&st.db, &access, &group, &client).await
    }

    pub async fn update_group(org: OrgId, id: GroupId, group: GroupInput) -> Result<(), AppError> {
        let (st, _, access) = in_org::<ManageGroups>(&org).await?;
        check(group.problems())?;
        let client = addr(&st).await;
        store::update_group(&st.db, &access, &id, &group, &client).await
    }

    pub async fn delete_group(org: OrgId, id: GroupId) -> Result<(), AppError> {
        let (st, _, access) = in_org::<ManageGroups>(&org).await?;
        let client = addr(&st).await;
        store::delete_group(&st.db, &access, &id, &client).await
    }
}
