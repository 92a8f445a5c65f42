//! Item and folder contents, sealed before they leave the browser: personal items with the user
//! key, shared items with their organization's key, in two parts (`ItemData::split`).
//!
//! A sealed item is bound, as associated data, to its identity: its id, its owner (an account or
//! an organization) and which part it is. A server or database editor who moves a sealed item into
//! another vault or organization, or swaps two items, or passes the open part off as the secrets,
//! gets a ciphertext the browser refuses. Personal items sealed before binding (purpose
//! `keyhaven:item` alone) still open, marked legacy, and are sealed again bound
//! (`VaultUi::rebind_legacy`).

use super::{random_bytes, CryptoError, EncString, SymmetricKey};
use crate::domain::item::{ItemData, ItemSecrets};
use crate::domain::{ItemId, OrgId, UserId};
use serde::{de::DeserializeOwned, Serialize};

const LEGACY_ITEM_PURPOSE: &str = "keyhaven:item";
const FOLDER_PURPOSE: &str = "keyhaven:folder-name";

/// Who holds an item.
#[derive(Clone, Copy, Debug)]
pub enum Owner<'a> {
    User(&'a UserId),
    Org(&'a OrgId),
}

/// What a sealed item is bound to.
#[derive(Clone, Copy, Debug)]
pub struct Binding<'a> {
    pub owner: Owner<'a>,
    pub item: &'a ItemId,
}

impl Binding<'_> {
    fn purpose(&self, part: &str) -> String {
        let (kind, owner) = match self.owner {
            Owner::User(id) => ("user", id.as_str()),
            Owner::Org(id) => ("org", id.as_str()),
        };
        format!("keyhaven:item:v2:{kind}:{owner}:{}:{part}", self.item)
    }

    /// The secret part of a shared item sealed with `seal` (the open part carries the same seal),
    /// or, without one, as it was sealed before seals existed.
    fn secrets_purpose(&self, seal: &str) -> String {
        if seal.is_empty() {
            self.purpose("secrets")
        } else {
            format!("{}:{seal}", self.purpose("secrets")).replacen(":v2:", ":v3:", 1)
        }
    }
}

/// Random hex of `N` bytes: a seal, or a hidden field's id.
fn random_hex<const N: usize>() -> Result<String, CryptoError> {
    Ok(random_bytes::<N>()?
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect())
}

/// Gives every hidden field without an id one, so that its value pairs with it by id.
fn name_hidden_fields(data: &mut ItemData) -> Result<(), CryptoError> {
    for field in &mut data.fields {
        if field.kind == crate::domain::item::FieldKind::Hidden && field.id.is_empty() {
            field.id = random_hex::<8>()?;
        }
    }
    Ok(())
}

/// A new item id, chosen in the browser so the item can be sealed bound to it before the server
/// sees it (a random UUID v4 in the text form the server checks).
pub fn new_item_id() -> Result<ItemId, CryptoError> {
    let mut b = random_bytes::<16>()?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    Ok(ItemId::from_stored(format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )))
}

fn seal_json(
    key: &SymmetricKey,
    value: &impl Serialize,
    purpose: &str,
) -> Result<String, CryptoError> {
    let mut value = serde_json::to_value(value).map_err(|_| CryptoError::Malformed)?;
    prune(&mut value);
    let json =
        zeroize::Zeroizing::new(serde_json::to_vec(&value).map_err(|_| CryptoError::Malformed)?);
    Ok(key.encrypt(&json, purpose)?.to_string())
}

fn open_json<T: DeserializeOwned>(
    key: &SymmetricKey,
    sealed: &str,
    purpose: &str,
) -> Result<T, CryptoError> {
    let json = key.decrypt(&EncString::parse(sealed)?, purpose)?;
    crate::domain::json_from_bytes(&json).map_err(|_| CryptoError::Malformed)
}

/// A personal item, whole.
pub fn seal_item(
    key: &SymmetricKey,
    data: &ItemData,
    binding: Binding<'_>,
) -> Result<String, CryptoError> {
    if data.seal.is_empty() {
        seal_json(key, data, &binding.purpose("whole"))
    } else {
        // A seal belongs to a shared item's two parts; a whole item needs none.
        let data = ItemData {
            seal: String::new(),
            ..data.clone()
        };
        seal_json(key, &data, &binding.purpose("whole"))
    }
}

/// A personal item opened; `legacy` when it was sealed before items were bound.
pub struct Opened {
    pub data: ItemData,
    pub legacy: bool,
}

pub fn open_item(
    key: &SymmetricKey,
    sealed: &str,
    binding: Binding<'_>,
) -> Result<Opened, CryptoError> {
    match open_json(key, sealed, &binding.purpose("whole")) {
        Ok(data) => Ok(Opened {
            data,
            legacy: false,
        }),
        Err(CryptoError::Decrypt) if matches!(binding.owner, Owner::User(_)) => {
            open_json(key, sealed, LEGACY_ITEM_PURPOSE).map(|data| Opened { data, legacy: true })
        }
        Err(e) => Err(e),
    }
}

/// A shared item as its two sealed parts: the open fields, and the secrets. Both carry a new
/// random seal (inside the open part, in the secret part's associated data), so this save's
/// parts only open together: a server that pairs this open part with the secrets of another
/// save gets a secret part the browser refuses. (A server that replays a whole older item, both
/// parts, is not caught by this: see docs/ORGANIZATIONS.md.)
pub fn seal_shared(
    key: &SymmetricKey,
    data: &ItemData,
    binding: Binding<'_>,
) -> Result<(String, String), CryptoError> {
    let mut data = data.clone();
    data.seal = random_hex::<16>()?;
    name_hidden_fields(&mut data)?;
    let (open, secrets) = data.split();
    Ok((
        seal_json(key, &open, &binding.purpose("data"))?,
        seal_json(key, &secrets, &binding.secrets_purpose(&data.seal))?,
    ))
}

/// Only the open part of a shared item, for an editor whose access hides passwords: the server
/// keeps the secrets it has, so the open part keeps the seal those secrets were sealed with.
pub fn seal_shared_data(
    key: &SymmetricKey,
    data: &ItemData,
    binding: Binding<'_>,
) -> Result<String, CryptoError> {
    let mut data = data.clone();
    name_hidden_fields(&mut data)?;
    seal_json(key, &data.split().0, &binding.purpose("data"))
}

/// A shared item, with its secrets when the server sent them.
pub fn open_shared(
    key: &SymmetricKey,
    data: &str,
    secrets: Option<&str>,
    binding: Binding<'_>,
) -> Result<ItemData, CryptoError> {
    let open: ItemData = open_json(key, data, &binding.purpose("data"))?;
    let secrets: ItemSecrets = match secrets {
        Some(sealed) => open_json(key, sealed, &binding.secrets_purpose(&open.seal))?,
        None => ItemSecrets::default(),
    };
    Ok(open.join(secrets))
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

    fn ids() -> (UserId, OrgId, ItemId, ItemId) {
        let id = |n: u8| format!("{n:08x}-0000-4000-8000-000000000000");
        (
            UserId::from_stored(id(1)),
            OrgId::from_stored(id(2)),
            ItemId::from_stored(id(3)),
            ItemId::from_stored(id(4)),
        )
    }

    #[test]
    fn items_round_trip_and_stay_bound_to_their_identity() {
        let (user, org, item, other) = ids();
        let key = SymmetricKey::generate().unwrap();
        let mut data = ItemData {
            name: "Bank".into(),
            ..Default::default()
        };
        data.login.password = "hunter2".into();
        let mine = Binding {
            owner: Owner::User(&user),
            item: &item,
        };
        let sealed = seal_item(&key, &data, mine).unwrap();
        assert!(!sealed.contains("hunter2") && !sealed.contains("Bank"));
        let opened = open_item(&key, &sealed, mine).unwrap();
        assert_eq!((opened.data, opened.legacy), (data.clone(), false));
        // Empty fields are left out of the blob and come back as defaults.
        let json = key
            .decrypt(&EncString::parse(&sealed).unwrap(), &mine.purpose("whole"))
            .unwrap();
        assert_eq!(
            std::str::from_utf8(&json).unwrap(),
            r#"{"login":{"password":"hunter2"},"name":"Bank"}"#
        );
        // Under another id, or moved into an organization, it does not open.
        let swapped = Binding {
            item: &other,
            ..mine
        };
        assert_eq!(
            open_item(&key, &sealed, swapped).err(),
            Some(CryptoError::Decrypt)
        );
        let moved = Binding {
            owner: Owner::Org(&org),
            item: &item,
        };
        assert!(open_item(&key, &sealed, moved).is_err());
        assert!(open_item(&SymmetricKey::generate().unwrap(), &sealed, mine).is_err());
        assert!(
            open_folder_name(&key, &sealed).is_err(),
            "an item is not a folder name"
        );
        let folder = seal_folder_name(&key, "Work").unwrap();
        assert_eq!(open_folder_name(&key, &folder).unwrap(), "Work");
    }

    #[test]
    fn unbound_personal_items_still_open_as_legacy() {
        let (user, org, item, _) = ids();
        let key = SymmetricKey::generate().unwrap();
        let data = ItemData {
            name: "Old".into(),
            ..Default::default()
        };
        let old = key
            .encrypt(br#"{"name":"Old"}"#, LEGACY_ITEM_PURPOSE)
            .unwrap()
            .to_string();
        let mine = Binding {
            owner: Owner::User(&user),
            item: &item,
        };
        let opened = open_item(&key, &old, mine).unwrap();
        assert_eq!((opened.data, opened.legacy), (data, true));
        // An organization never accepts the unbound form.
        let shared = Binding {
            owner: Owner::Org(&org),
            item: &item,
        };
        assert!(open_item(&key, &old, shared).is_err());
        assert!(open_shared(&key, &old, None, shared).is_err());
    }

    #[test]
    fn shared_items_seal_secrets_apart() {
        let (_, org, item, other) = ids();
        let key = SymmetricKey::generate().unwrap();
        let mut data = ItemData {
            name: "Router".into(),
            ..Default::default()
        };
        data.login.username = "admin".into();
        data.login.password = "s3cret-pw".into();
        let at = Binding {
            owner: Owner::Org(&org),
            item: &item,
        };
        let (open, secrets) = seal_shared(&key, &data, at).unwrap();
        let opened = open_shared(&key, &open, Some(&secrets), at).unwrap();
        assert_eq!(opened.seal.len(), 32, "a fresh seal");
        assert_eq!(
            ItemData {
                seal: String::new(),
                ..opened
            },
            data
        );
        let without = open_shared(&key, &open, None, at).unwrap();
        assert_eq!(
            (
                without.login.username.as_str(),
                without.login.password.as_str()
            ),
            ("admin", "")
        );
        let only = key
            .decrypt(&EncString::parse(&open).unwrap(), &at.purpose("data"))
            .unwrap();
        assert!(!std::str::from_utf8(&only).unwrap().contains("s3cret-pw"));
        // The parts cannot trade places, nor move to another item.
        assert!(open_shared(&key, &secrets, Some(&open), at).is_err());
        let elsewhere = Binding { item: &other, ..at };
        assert!(open_shared(&key, &open, Some(&secrets), elsewhere).is_err());
        // An editor who cannot see passwords re-seals only the open part; the secrets still fit.
        let mut edited = without.clone();
        edited.login.username = "root".into();
        let open2 = seal_shared_data(&key, &edited, at).unwrap();
        let back = open_shared(&key, &open2, Some(&secrets), at).unwrap();
        assert_eq!(
            (back.login.username.as_str(), back.login.password.as_str()),
            ("root", "s3cret-pw")
        );
    }

    #[test]
    fn parts_of_different_saves_never_open_together() {
        use crate::domain::item::{CustomField, FieldKind};
        let (_, org, item, _) = ids();
        let key = SymmetricKey::generate().unwrap();
        let at = Binding {
            owner: Owner::Org(&org),
            item: &item,
        };
        let mut data = ItemData {
            name: "Router".into(),
            ..Default::default()
        };
        data.login.password = "old-password".into();
        let (open1, secrets1) = seal_shared(&key, &data, at).unwrap();
        data.login.password = "new-password".into();
        let (open2, secrets2) = seal_shared(&key, &data, at).unwrap();
        assert!(open_shared(&key, &open2, Some(&secrets2), at).is_ok());
        // The previous save's secrets under the current open part: refused.
        assert_eq!(
            open_shared(&key, &open2, Some(&secrets1), at).err(),
            Some(CryptoError::Decrypt)
        );
        assert!(open_shared(&key, &open1, Some(&secrets2), at).is_err());
        // An editor without the secrets right keeps the seal: the stored secrets still fit.
        let mut edited = open_shared(&key, &open2, None, at).unwrap();
        edited.name = "Core router".into();
        let open3 = seal_shared_data(&key, &edited, at).unwrap();
        let back = open_shared(&key, &open3, Some(&secrets2), at).unwrap();
        assert_eq!(
            (back.name.as_str(), back.login.password.as_str()),
            ("Core router", "new-password")
        );
        assert!(open_shared(&key, &open3, Some(&secrets1), at).is_err());
        // Items sealed before seals existed still open (their parts carry none).
        let (legacy_open, _) = data.split();
        let legacy_open = seal_json(&key, &legacy_open, &at.purpose("data")).unwrap();
        let legacy_secrets = seal_json(&key, &data.split().1, &at.purpose("secrets")).unwrap();
        let old = open_shared(&key, &legacy_open, Some(&legacy_secrets), at).unwrap();
        assert_eq!(old.login.password, "new-password");
        // A sealed open part never opens with the unbound secrets of an old save.
        assert!(open_shared(&key, &open2, Some(&legacy_secrets), at).is_err());

        // Hidden fields pair by id: an editor who cannot see them reorders them and makes one
        // plain text; each value still finds its own field, hidden again.
        let hidden = |name: &str, value: &str| CustomField {
            name: name.into(),
            value: value.into(),
            kind: FieldKind::Hidden,
            id: String::new(),
        };
        let with_fields = ItemData {
            fields: vec![hidden("PIN", "1234"), hidden("PUK", "99887766")],
            ..data.clone()
        };
        let (open4, secrets4) = seal_shared(&key, &with_fields, at).unwrap();
        let mut seen = open_shared(&key, &open4, None, at).unwrap();
        seen.fields.reverse();
        seen.fields[1].kind = FieldKind::Text;
        let open5 = seal_shared_data(&key, &seen, at).unwrap();
        let back = open_shared(&key, &open5, Some(&secrets4), at).unwrap();
        let fields: Vec<(&str, &str, FieldKind)> = back
            .fields
            .iter()
            .map(|f| (f.name.as_str(), f.value.as_str(), f.kind))
            .collect();
        assert_eq!(
            fields,
            [
                ("PUK", "99887766", FieldKind::Hidden),
                ("PIN", "1234", FieldKind::Hidden)
            ]
        );
    }

    #[test]
    fn new_ids_are_uuid_text() {
        let id = new_item_id().unwrap();
        let back: ItemId = serde_json::from_str(&format!("\"{id}\"")).unwrap();
        assert_eq!(back, id);
        assert_eq!(&id.as_str()[14..15], "4");
        assert_ne!(new_item_id().unwrap(), id);
    }
}
