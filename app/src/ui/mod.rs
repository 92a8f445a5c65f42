//! Components and pages, one module per product area.

pub mod admin;
pub mod auth;
pub mod browser;
pub mod components;
pub mod dialog;
pub mod guard;
pub mod icons;
pub mod join;
pub mod memberships;
pub mod menu;
pub mod operator;
pub mod provider;
pub mod settings;
pub mod shell;
pub mod state;
pub mod strength;
pub mod table;
pub mod vault;
