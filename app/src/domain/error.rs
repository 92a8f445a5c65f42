//! The one error type of every server function. A variant says what went wrong in terms a person
//! can act on; the detail that only an operator should read goes to the log, never over the wire.

use serde::{Deserialize, Serialize};

/// Which input a field error is about; the UI puts the message next to that field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Email,
    Name,
    Hint,
    MasterPassword,
    NewMasterPassword,
    ConfirmMasterPassword,
    Acknowledge,
    Kdf,
    KeyMaterial,
    Language,
    ItemData,
    ItemIds,
    Folder,
    FolderName,
    Uris,
    CustomFields,
    Totp,
    /// A file to import, or a password that protects an export.
    ImportFile,
    ExportPassword,
    /// The link mailed to verify an address before an account is created.
    VerificationLink,
    /// "Use it anyway" for a master password the strength meter rates weak (browser only).
    AcceptWeakPassword,
    /// Card fields an item form checks (browser only: the server sees sealed items).
    ExpMonth,
    ExpYear,
    SecurityCode,
    /// Organizations: settings, members, collections and groups.
    OrgName,
    BillingEmail,
    Seats,
    Role,
    Members,
    Emails,
    Collections,
    CollectionName,
    GroupName,
    Groups,
    /// An organization's key material (sealed keys) sent by the browser.
    OrgKey,
    /// The link mailed to invite someone into an organization.
    InvitationLink,
    EventKind,
    /// Providers: their settings, their key, their members and their clients.
    ProviderName,
    ProviderKey,
    /// The plan of an organization, where only some plans are allowed (provider clients).
    Plan,
    /// The organization a provider adds as a client.
    ClientOrg,
    /// The provider itself (deleting one that still has clients).
    Provider,
}

/// What is wrong with a field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Problem {
    Required,
    TooLong {
        max: u32,
    },
    TooShort {
        min: u32,
    },
    Invalid,
    Taken,
    Mismatch,
    OutOfRange,
    /// A hint that gives the password away.
    RevealsPassword,
    /// The account already holds as many of these as allowed.
    LimitReached {
        max: u32,
    },
    /// A request body over the server's size limit.
    TooLarge {
        max_mb: u32,
    },
    /// A new value that is the same as the one it replaces (a master password changed to itself).
    Unchanged,
    /// Not exactly `count` digits (a card's security code).
    Digits {
        count: u32,
    },
    /// Only an organization's owners may do this (to owners, or to make one).
    OwnersOnly,
    /// The organization would be left without a confirmed owner.
    LastOwner,
    /// Not on oneself (revoke, remove).
    Yourself,
    /// Invisible or direction-changing characters in a name others read.
    HiddenCharacters,
    /// No account has this address (a provider's first admin must have one).
    NoAccount,
    /// The organization is already a client of a provider (one provider per organization).
    ManagedByProvider,
    /// The provider would be left without a confirmed provider admin.
    LastProviderAdmin,
    /// The provider still has client organizations.
    HasClients,
    /// The organization's provider decides this (a client's own admins cannot raise its seats).
    SetByProvider,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "wire::FieldError", try_from = "wire::FieldError")]
pub struct FieldError {
    pub field: Field,
    pub problem: Problem,
}

impl FieldError {
    pub fn new(field: Field, problem: Problem) -> Self {
        Self { field, problem }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(into = "wire::AppError", try_from = "wire::AppError")]
pub enum AppError {
    #[error("the input is not valid: {0:?}")]
    Invalid(Vec<FieldError>),
    #[error("not signed in")]
    Unauthenticated,
    #[error("not allowed")]
    Forbidden,
    #[error("not found")]
    NotFound,
    /// The thing changed since the caller read it; the caller should reload, not overwrite.
    #[error("changed elsewhere")]
    Conflict,
    #[error("email or master password is wrong")]
    InvalidCredentials,
    #[error("too many failed attempts; retry in {retry_after_secs} s")]
    Throttled { retry_after_secs: u32 },
    #[error("cross-site request refused")]
    CrossSite,
    #[error("internal error")]
    Internal,
    /// Keys could not be opened in the browser (damaged data). Client side only.
    #[error("keys could not be opened")]
    Crypto,
    /// The request never got a usable answer (network down, server restarting). Client side only.
    #[error("transport: {0}")]
    Transport(String),
}

impl AppError {
    pub fn field(field: Field, problem: Problem) -> Self {
        AppError::Invalid(vec![FieldError::new(field, problem)])
    }

    /// The error for one field, if this error is about that field.
    pub fn for_field(&self, field: Field) -> Option<Problem> {
        match self {
            AppError::Invalid(errors) => {
                errors.iter().find(|e| e.field == field).map(|e| e.problem)
            }
            _ => None,
        }
    }

    /// Logs the detail for the operator and hands the client a bare `Internal`.
    #[cfg(feature = "ssr")]
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        tracing::error!(detail = %detail, "internal error");
        AppError::Internal
    }
}

/// How errors travel: flat objects such as `{"error":"invalid","fields":[{"field":"email",
/// "problem":"too_long","limit":200}]}` or `{"error":"throttled","retry_after_secs":30}`. Serde's
/// tagged enums would say the same, but decoding them buffers every value first, and that decoder
/// alone weighed about 35 KB in the browser's WASM.
mod wire {
    use serde::{Deserialize, Serialize};

    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Kind {
        Invalid,
        Unauthenticated,
        Forbidden,
        NotFound,
        Conflict,
        InvalidCredentials,
        Throttled,
        CrossSite,
        Internal,
        Crypto,
        Transport,
    }

    #[derive(Serialize, Deserialize)]
    pub(super) struct AppError {
        error: Kind,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        fields: Vec<super::FieldError>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        retry_after_secs: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message: Option<String>,
    }

    impl From<super::AppError> for AppError {
        fn from(e: super::AppError) -> Self {
            use super::AppError as E;
            let plain = |kind| (kind, Vec::new(), None, None);
            let (error, fields, retry_after_secs, message) = match e {
                E::Invalid(fields) => (Kind::Invalid, fields, None, None),
                E::Unauthenticated => plain(Kind::Unauthenticated),
                E::Forbidden => plain(Kind::Forbidden),
                E::NotFound => plain(Kind::NotFound),
                E::Conflict => plain(Kind::Conflict),
                E::InvalidCredentials => plain(Kind::InvalidCredentials),
                E::Throttled { retry_after_secs } => {
                    (Kind::Throttled, Vec::new(), Some(retry_after_secs), None)
                }
                E::CrossSite => plain(Kind::CrossSite),
                E::Internal => plain(Kind::Internal),
                E::Crypto => plain(Kind::Crypto),
                E::Transport(message) => (Kind::Transport, Vec::new(), None, Some(message)),
            };
            AppError {
                error,
                fields,
                retry_after_secs,
                message,
            }
        }
    }

    impl TryFrom<AppError> for super::AppError {
        type Error = &'static str;

        fn try_from(w: AppError) -> Result<Self, Self::Error> {
            use super::AppError as E;
            Ok(match w.error {
                Kind::Invalid => E::Invalid(w.fields),
                Kind::Unauthenticated => E::Unauthenticated,
                Kind::Forbidden => E::Forbidden,
                Kind::NotFound => E::NotFound,
                Kind::Conflict => E::Conflict,
                Kind::InvalidCredentials => E::InvalidCredentials,
                Kind::Throttled => E::Throttled {
                    retry_after_secs: w
                        .retry_after_secs
                        .ok_or("throttled without retry_after_secs")?,
                },
                Kind::CrossSite => E::CrossSite,
                Kind::Internal => E::Internal,
                Kind::Crypto => E::Crypto,
                Kind::Transport => E::Transport(w.message.unwrap_or_default()),
            })
        }
    }

    #[derive(Clone, Copy, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum ProblemKind {
        Required,
        TooLong,
        TooShort,
        Invalid,
        Taken,
        Mismatch,
        OutOfRange,
        RevealsPassword,
        LimitReached,
        TooLarge,
        Unchanged,
        Digits,
        OwnersOnly,
        LastOwner,
        Yourself,
        HiddenCharacters,
        NoAccount,
        ManagedByProvider,
        LastProviderAdmin,
        HasClients,
        SetByProvider,
    }

    /// `limit` is the maximum or minimum the problem names (megabytes for `too_large`).
    #[derive(Serialize, Deserialize)]
    pub(super) struct FieldError {
        field: super::Field,
        problem: ProblemKind,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        limit: Option<u32>,
    }

    impl From<super::FieldError> for FieldError {
        fn from(e: super::FieldError) -> Self {
            use super::Problem as P;
            let (problem, limit) = match e.problem {
                P::Required => (ProblemKind::Required, None),
                P::TooLong { max } => (ProblemKind::TooLong, Some(max)),
                P::TooShort { min } => (ProblemKind::TooShort, Some(min)),
                P::Invalid => (ProblemKind::Invalid, None),
                P::Taken => (ProblemKind::Taken, None),
                P::Mismatch => (ProblemKind::Mismatch, None),
                P::OutOfRange => (ProblemKind::OutOfRange, None),
                P::RevealsPassword => (ProblemKind::RevealsPassword, None),
                P::LimitReached { max } => (ProblemKind::LimitReached, Some(max)),
                P::TooLarge { max_mb } => (ProblemKind::TooLarge, Some(max_mb)),
                P::Unchanged => (ProblemKind::Unchanged, None),
                P::Digits { count } => (ProblemKind::Digits, Some(count)),
                P::OwnersOnly => (ProblemKind::OwnersOnly, None),
                P::LastOwner => (ProblemKind::LastOwner, None),
                P::Yourself => (ProblemKind::Yourself, None),
                P::HiddenCharacters => (ProblemKind::HiddenCharacters, None),
                P::NoAccount => (ProblemKind::NoAccount, None),
                P::ManagedByProvider => (ProblemKind::ManagedByProvider, None),
                P::LastProviderAdmin => (ProblemKind::LastProviderAdmin, None),
                P::HasClients => (ProblemKind::HasClients, None),
                P::SetByProvider => (ProblemKind::SetByProvider, None),
            };
            FieldError {
                field: e.field,
                problem,
                limit,
            }
        }
    }

    impl TryFrom<FieldError> for super::FieldError {
        type Error = &'static str;

        fn try_from(w: FieldError) -> Result<Self, Self::Error> {
            use super::Problem as P;
            let limit = || w.limit.ok_or("a field error without the limit it names");
            let problem = match w.problem {
                ProblemKind::Required => P::Required,
                ProblemKind::TooLong => P::TooLong { max: limit()? },
                ProblemKind::TooShort => P::TooShort { min: limit()? },
                ProblemKind::Invalid => P::Invalid,
                ProblemKind::Taken => P::Taken,
                ProblemKind::Mismatch => P::Mismatch,
                ProblemKind::OutOfRange => P::OutOfRange,
                ProblemKind::RevealsPassword => P::RevealsPassword,
                ProblemKind::LimitReached => P::LimitReached { max: limit()? },
                ProblemKind::TooLarge => P::TooLarge { max_mb: limit()? },
                ProblemKind::Unchanged => P::Unchanged,
                ProblemKind::Digits => P::Digits { count: limit()? },
                ProblemKind::OwnersOnly => P::OwnersOnly,
                ProblemKind::LastOwner => P::LastOwner,
                ProblemKind::Yourself => P::Yourself,
                ProblemKind::HiddenCharacters => P::HiddenCharacters,
                ProblemKind::NoAccount => P::NoAccount,
                ProblemKind::ManagedByProvider => P::ManagedByProvider,
                ProblemKind::LastProviderAdmin => P::LastProviderAdmin,
                ProblemKind::HasClients => P::HasClients,
                ProblemKind::SetByProvider => P::SetByProvider,
            };
            Ok(super::FieldError::new(w.field, problem))
        }
    }
}

impl leptos::server_fn::error::FromServerFnError for AppError {
    type Encoder = crate::api::codec::JsonText;

    fn from_server_fn_error(value: leptos::server_fn::error::ServerFnErrorErr) -> Self {
        use leptos::server_fn::error::ServerFnErrorErr as E;
        match value {
            // On the server, undecodable arguments are the caller's fault: a field-less "invalid input"
            // (the parser's wording stays in the log).
            #[cfg(feature = "ssr")]
            E::Args(detail) | E::MissingArg(detail) | E::Deserialization(detail) => {
                tracing::info!(%detail, "malformed server function arguments");
                AppError::Invalid(Vec::new())
            }
            // In the browser, a request that got no usable answer.
            #[cfg(not(feature = "ssr"))]
            E::Request(msg) | E::Deserialization(msg) | E::Response(msg) => {
                AppError::Transport(msg)
            }
            #[cfg(not(feature = "ssr"))]
            E::Args(_) | E::MissingArg(_) => AppError::Invalid(Vec::new()),
            // A middleware refusal is the cross-site guard (the only middleware that refuses).
            E::MiddlewareError(_) => AppError::CrossSite,
            other => {
                #[cfg(feature = "ssr")]
                tracing::error!(detail = %other, "server function failure");
                #[cfg(not(feature = "ssr"))]
                let _ = other;
                AppError::Internal
            }
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &err {
            if db.is_unique_violation() {
                if let Some(fe) = unique_violation_field(db.constraint(), db.message()) {
                    return AppError::Invalid(vec![fe]);
                }
            }
        }
        AppError::internal(err)
    }
}

/// Maps a unique constraint to the field a person typed. PostgreSQL names the constraint; SQLite
/// only names `table.column` in its message, so both are listed.
#[cfg(feature = "ssr")]
fn unique_violation_field(constraint: Option<&str>, message: &str) -> Option<FieldError> {
    // One provider per organization: the link's organization column decides it.
    if constraint == Some("provider_clients_org_unique")
        || message.contains("provider_clients.org_id")
    {
        return Some(FieldError::new(
            Field::ClientOrg,
            Problem::ManagedByProvider,
        ));
    }
    const MAP: &[(&str, &str, Field)] = &[
        ("users_email_unique", "users.email_normalized", Field::Email),
        (
            "org_members_email_unique",
            "org_members.org_id, org_members.email_normalized",
            Field::Emails,
        ),
        (
            "org_members_user_unique",
            "org_members.org_id, org_members.user_id",
            Field::Emails,
        ),
        (
            "collections_name_unique",
            "collections.org_id, collections.name",
            Field::CollectionName,
        ),
        // Item ids are chosen in the browser (items are sealed bound to them).
        ("items_pkey", "items.id", Field::ItemIds),
        ("org_items_pkey", "org_items.id", Field::ItemIds),
        ("item_ids_pkey", "item_ids.id", Field::ItemIds),
        (
            "org_groups_name_unique",
            "org_groups.org_id, org_groups.name",
            Field::GroupName,
        ),
        (
            "provider_members_email_unique",
            "provider_members.provider_id, provider_members.email_normalized",
            Field::Emails,
        ),
        (
            "provider_members_user_unique",
            "provider_members.provider_id, provider_members.user_id",
            Field::Emails,
        ),
    ];
    MAP.iter()
        .find(|(pg, sqlite, _)| constraint == Some(*pg) || message.contains(sqlite))
        .map(|(_, _, field)| FieldError::new(*field, Problem::Taken))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_survives_the_wire() {
        let all = [
            AppError::Invalid(vec![
                FieldError::new(Field::Email, Problem::TooLong { max: 200 }),
                FieldError::new(Field::MasterPassword, Problem::TooShort { min: 12 }),
                FieldError::new(Field::FolderName, Problem::LimitReached { max: 1000 }),
                FieldError::new(Field::ItemData, Problem::TooLarge { max_mb: 2 }),
                FieldError::new(Field::Hint, Problem::RevealsPassword),
                FieldError::new(Field::Email, Problem::Taken),
                FieldError::new(Field::NewMasterPassword, Problem::Unchanged),
                FieldError::new(Field::SecurityCode, Problem::Digits { count: 4 }),
                FieldError::new(Field::Role, Problem::OwnersOnly),
                FieldError::new(Field::Members, Problem::LastOwner),
                FieldError::new(Field::Members, Problem::Yourself),
                FieldError::new(Field::GroupName, Problem::HiddenCharacters),
                FieldError::new(Field::Seats, Problem::LimitReached { max: 5 }),
            ]),
            AppError::Invalid(Vec::new()),
            AppError::Unauthenticated,
            AppError::Forbidden,
            AppError::NotFound,
            AppError::Conflict,
            AppError::InvalidCredentials,
            AppError::Throttled {
                retry_after_secs: 900,
            },
            AppError::CrossSite,
            AppError::Internal,
            AppError::Crypto,
            AppError::Transport("offline".into()),
        ];
        for e in all {
            let json = serde_json::to_string(&e).expect("encodes");
            assert_eq!(
                serde_json::from_str::<AppError>(&json).ok(),
                Some(e),
                "{json}"
            );
        }
        let throttled = serde_json::to_value(AppError::Throttled {
            retry_after_secs: 30,
        })
        .expect("encodes");
        assert_eq!(
            throttled,
            serde_json::json!({"error": "throttled", "retry_after_secs": 30})
        );
        let invalid =
            serde_json::to_value(AppError::field(Field::Email, Problem::Taken)).expect("encodes");
        assert_eq!(
            invalid,
            serde_json::json!({"error": "invalid", "fields": [{"field": "email", "problem": "taken"}]})
        );
    }
}
