//! Item and folder contents, sealed with the user key before they leave the browser.

use super::{CryptoError, EncString, SymmetricKey};
use crate::domain::item::ItemData;

const ITEM_PURPOSE: &str = "keyhaven:item";
const FOLDER_PURPOSE: &str = "keyhaven:folder-name";

pub fn seal_item(key: &SymmetricKey, data: &ItemData) -> Result<String, CryptoError> {
    let json =
        zeroize::Zeroizing::new(serde_json::to_vec(data).map_err(|_| CryptoError::Malformed)?);
    Ok(key.encrypt(&json, ITEM_PURPOSE)?.to_string())
}

pub fn open_item(key: &SymmetricKey, sealed: &str) -> Result<ItemData, CryptoError> {
    let json = key.decrypt(&EncString::parse(sealed)?, ITEM_PURPOSE)?;
    serde_json::from_slice(&json).map_err(|_| CryptoError::Malformed)
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
        assert!(
            open_folder_name(&key, &sealed).is_err(),
            "an item is not a folder name"
        );
        let folder = seal_folder_name(&key, "Work").unwrap();
        assert_eq!(open_folder_name(&key, &folder).unwrap(), "Work");
        assert!(open_item(&SymmetricKey::generate().unwrap(), &sealed).is_err());
    }
}
