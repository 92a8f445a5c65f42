//! Keyhaven's Leptos application, shared by the server (`ssr`) and the browser (`hydrate`).

#![recursion_limit = "256"]

pub mod api;
pub mod crypto;
#[cfg(feature = "ssr")]
pub mod db;
pub mod domain;
pub mod i18n;
#[cfg(feature = "ssr")]
pub mod mail;
pub mod ui;

pub use ui::shell::{shell, App};
