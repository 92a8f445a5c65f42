//! Item and folder contents, sealed with the user key before they leave the browser.

use super::{CryptoError, EncString, SymmetricKey};
use crate::domain::item::ItemData;

const ITEM_PURPOSE: &str = "keyhaven:item";
const FOLDER_PURPOSE: &str = "keyhaven:folder-name";

pub fn seal_item(key: &SymmetricKey, data: &ItemData) -> Result<String, CryptoError> {
    let mut value = serde_json::to_value(data).map_err(|_| CryptoError::Malformed)?;
    prune(&mut value);
    let json =
        zeroize::Zeroizing::new(serde_json::to_vec(&value).map_err(|_| CryptoError::Malformed)?);
    Ok(key.encrypt(&json, ITEM_PURPOSE)?.to_string())
}

/// Drops empty strings, lists and objects: a login need not carry an empty card and identity in
/// every blob, and every field reads back as its default. Halves what a vault list sends.
fn prune(value: &mut serde_json::Value) -> bool {
    use serde_json::Value;
    match value {
        Value::String(s) => s.is_empty(),
        Value::Array(items) => {
            for item in items.iter_mut() {
                prune(item);
            }
            items.is_empty()
        }
        Value::Object(map) => {
            map.retain(|_, v| !prune(v));
            map.is_empty()
        }
        _ => false,
    }
}

pub fn open_item(key: &SymmetricKey, sealed: &str) -> Result<ItemData, CryptoError> {
    let json = key.decrypt(&EncString::parse(sealed)?, ITEM_PURPOSE)?;
    crate::domain::json_from_bytes(&json).map_err(|_| CryptoError::Malformed)
}

pub fn seal_folder_name(key: &SymmetricKey, name: &str) -> Result<String, CryptoError> {
    Ok(key.encrypt(name.as_bytes(), FOLDER_PURPOSE)?.to_string())
}

pub fn open_folder_name(key: &SymmetricKey, sealed: &str) -> Result<String, CryptoError> {
    let bytes = key.decrypt(&EncString::parse(sealed)?, FOLDER_PURPOSE)?;
    String::from_utf8(bytes.to_vec()).map_err(|_| CryptoError::Malformed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_round_trip_and_stay_bound_to_their_purpose() {
        let key = SymmetricKey::generate().unwrap();
        let mut data = ItemData {
            name: "Bank".into(),
            ..Default::default()
        };
        data.login.password = "hunter2".into();
        let sealed = seal_item(&key, &data).unwrap();
        assert!(!sealed.contains("hunter2") && !sealed.contains("Bank"));
        assert_eq!(open_item(&key, &sealed).unwrap(), data);
        // Empty fields are left out of the blob and come back as defaults.
        let json = key
            .decrypt(&EncString::parse(&sealed).unwrap(), ITEM_PURPOSE)
            .unwrap();
        assert_eq!(
            std::str::from_utf8(&json).unwrap(),
            r#"{"login":{"password":"hunter2"},"name":"Bank"}"#
        );
        assert!(
            open_folder_name(&key, &sealed).is_err(),
            "an item is not a folder name"
        );
        let folder = seal_folder_name(&key, "Work").unwrap();
        assert_eq!(open_folder_name(&key, &folder).unwrap(), "Work");
        assert!(open_item(&SymmetricKey::generate().unwrap(), &sealed).is_err());
    }
}
