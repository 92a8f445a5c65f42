//! The wire encoding of every server function: JSON, decoded from text.
//!
//! Leptos's own `Json` decodes with `serde_json::from_slice`, while hydration decodes resources
//! with `from_str`; the two readers made the browser's WASM carry two copies of every decoder.
//! Decoding through `&str` here (`domain::json_from_bytes`) leaves one.

use leptos::server_fn::codec::Post;
use leptos::server_fn::{ContentType, Decodes, Encodes, Format, FormatType};
use serde::{de::DeserializeOwned, Serialize};

pub struct JsonText;

impl ContentType for JsonText {
    const CONTENT_TYPE: &'static str = "application/json";
}

impl FormatType for JsonText {
    const FORMAT_TYPE: Format = Format::Text;
}

impl<T: Serialize> Encodes<T> for JsonText {
    type Error = serde_json::Error;

    fn encode(output: &T) -> Result<leptos::server_fn::Bytes, Self::Error> {
        serde_json::to_vec(output).map(Into::into)
    }
}

impl<T: DeserializeOwned> Decodes<T> for JsonText {
    type Error = serde_json::Error;

    fn decode(bytes: leptos::server_fn::Bytes) -> Result<T, Self::Error> {
        crate::domain::json_from_bytes(&bytes)
    }
}

/// Arguments and answers as JSON in the body of a `POST`.
pub type Json = Post<JsonText>;
