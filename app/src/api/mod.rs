//! Server functions, one module per area. Each is a public HTTP endpoint under `/api/`: it
//! authenticates, loads the caller, asks `domain::authz`, and only then touches data.

pub mod auth;
pub mod codec;
pub mod collections;
#[cfg(feature = "ssr")]
pub mod context;
pub mod mail_requests;
pub mod operator;
pub mod orgs;
pub mod providers;
pub mod shared;
#[cfg(feature = "ssr")]
pub mod throttle;
pub mod vault;
