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
}

/// What is wrong with a field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
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
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
#[serde(rename_all = "snake_case", tag = "error", content = "detail")]
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

impl leptos::server_fn::error::FromServerFnError for AppError {
    type Encoder = leptos::server_fn::codec::JsonEncoding;

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
    const MAP: &[(&str, &str, Field)] =
        &[("users_email_unique", "users.email_normalized", Field::Email)];
    MAP.iter()
        .find(|(pg, sqlite, _)| constraint == Some(*pg) || message.contains(sqlite))
        .map(|(_, _, field)| FieldError::new(*field, Problem::Taken))
}
