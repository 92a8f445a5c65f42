//! The operator console's server functions: the providers of this instance. Only operators
//! (`keyhaven operator grant EMAIL`) reach them; the same actions exist on the command line
//! (`keyhaven provider …`).

use super::codec::Json;
use crate::domain::provider::{NewProvider, ProviderCreated, ProviderPage, ProviderQuery};
use crate::domain::{AppError, ProviderId};
use leptos::prelude::*;

/// One page of the instance's providers (search by name, order, page).
#[server(prefix = "/api", endpoint = "operator_providers", input = Json, output = Json)]
pub async fn operator_providers(query: ProviderQuery) -> Result<ProviderPage, AppError> {
    ssr::answer(ssr::providers(query).await)
}

/// Creates a pending provider whose first provider admin is the account of `admin_email`, and
/// mails that admin the setup link. Returns the prerequisites checklist.
/// The checklist for a provider's nominated admin, shown before the provider is created.
#[server(prefix = "/api", endpoint = "operator_prerequisites", input = Json, output = Json)]
pub async fn operator_prerequisites(
    email: String,
) -> Result<crate::domain::provider::Prerequisites, AppError> {
    ssr::answer(ssr::prerequisites(email).await)
}

#[server(prefix = "/api", endpoint = "operator_provider_create", input = Json, output = Json)]
pub async fn operator_provider_create(new: NewProvider) -> Result<ProviderCreated, AppError> {
    ssr::answer(ssr::create(new).await)
}

/// Enables or disables a provider.
#[server(prefix = "/api", endpoint = "operator_provider_enable", input = Json, output = Json)]
pub async fn operator_provider_enable(provider: ProviderId, enabled: bool) -> Result<(), AppError> {
    ssr::answer(ssr::enable(provider, enabled).await)
}

/// Deletes a provider; refused while it has clients.
#[server(prefix = "/api", endpoint = "operator_provider_delete", input = Json, output = Json)]
pub async fn operator_provider_delete(provider: ProviderId) -> Result<(), AppError> {
    ssr::answer(ssr::delete(provider).await)
}

#[cfg(feature = "ssr")]
pub mod ssr {
    pub use crate::api::context::*;
    use crate::db::providers as store;
    use crate::domain::authz::{authorize_operator, OperatorAccess};
    use crate::domain::provider::{NewProvider, ProviderCreated, ProviderPage, ProviderQuery};
    use crate::domain::validate::collect;
    use crate::domain::{AppError, Field, Lang, ProviderId};
    use crate::mail::{texts, Mail};

    async fn as_operator() -> Result<(AppState, Caller, OperatorAccess), AppError> {
        let st = state()?;
        let caller = caller(&st.db).await?;
        let access = authorize_operator(&caller.actor)?;
        Ok((st, caller, access))
    }

    pub async fn providers(query: ProviderQuery) -> Result<ProviderPage, AppError> {
        let (st, _, access) = as_operator().await?;
        collect([(Field::ProviderName, query.search_problem())])?;
        store::list(&st.db, &access, &query).await
    }

    /// The setup mail to a new provider's first admin.
    pub fn setup_mail(
        public_url: &str,
        provider: &ProviderId,
        name: &str,
        to: String,
        language: &str,
    ) -> Mail {
        let link = format!("{public_url}/provider?id={provider}&section=setup");
        let lang = Lang::from_code(language).unwrap_or_default();
        let (subject, body) = texts::provider_setup(lang, name, &link);
        Mail { to, subject, body }
    }

    pub async fn prerequisites(
        email: String,
    ) -> Result<crate::domain::provider::Prerequisites, AppError> {
        let (st, _, access) = as_operator().await?;
        collect([(Field::Email, crate::domain::validate::email_problem(&email))])?;
        store::prerequisites(&st.db, &access, &email).await
    }

    pub async fn create(new: NewProvider) -> Result<ProviderCreated, AppError> {
        let (st, caller, access) = as_operator().await?;
        let problems = new.problems();
        if !problems.is_empty() {
            return Err(AppError::Invalid(problems));
        }
        let client = client_addr(st.trust_proxy).await;
        let (created, email, language) =
            store::create(&st.db, &access, Some(&caller.user.id), &new, &client).await?;
        st.mail.send_later(setup_mail(
            &st.public_url,
            &created.provider,
            new.name.trim(),
            email,
            &language,
        ));
        Ok(created)
    }

    pub async fn enable(provider: ProviderId, enabled: bool) -> Result<(), AppError> {
        let (st, caller, access) = as_operator().await?;
        let client = client_addr(st.trust_proxy).await;
        store::set_enabled(
            &st.db,
            &access,
            Some(&caller.user.id),
            &provider,
            enabled,
            &client,
        )
        .await
    }

    pub async fn delete(provider: ProviderId) -> Result<(), AppError> {
        let (st, caller, access) = as_operator().await?;
        let client = client_addr(st.trust_proxy).await;
        store::delete_by_operator(&st.db, &access, Some(&caller.user.id), &provider, &client).await
    }
}
