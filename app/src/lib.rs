//! Keyhaven's Leptos application, shared by the server (`ssr`) and the browser (`hydrate`).

#![recursion_limit = "256"]

pub mod crypto;
pub mod domain;
