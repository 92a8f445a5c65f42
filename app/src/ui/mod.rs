//! Components and pages, one module per product area.

pub mod auth;
pub mod browser;
pub mod components;
pub mod icons;
pub mod settings;
pub mod shell;
pub mod state;
pub mod vault;
