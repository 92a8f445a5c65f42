//! What the benchmark seeders share: plain HTTP/1.1 calls to a running server, an account
//! registered with keys made here as the browser makes them, and varied personal items sealed
//! with its user key and imported.

// Each seeder uses a part of this.
#![allow(dead_code)]

use app::crypto::account::new_account;
use app::crypto::items::{new_item_id, seal_folder_name, seal_item, Binding, Owner};
use app::crypto::{KdfParams, UnlockedKeys};
use app::domain::item::{CustomField, FieldKind, ItemData, LoginUri, OldPassword};
use app::domain::validate::normalize_email;
use app::domain::vault::{ImportInput, ImportItem, ItemType};
use app::domain::{ItemId, UserId};
use serde_json::{json, Value};
use std::error::Error;
use std::ops::Range;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

pub type Res<T> = Result<T, Box<dyn Error>>;

/// One POST over HTTP/1.1 with `Connection: close`; returns (status, Set-Cookie, body).
pub async fn post(
    addr: &str,
    path: &str,
    body: &Value,
    cookie: Option<&str>,
) -> Res<(u16, Option<String>, String)> {
    let body = serde_json::to_vec(body)?;
    let mut stream = TcpStream::connect(addr).await?;
    let cookie = cookie
        .map(|c| format!("Cookie: {c}\r\n"))
        .unwrap_or_default();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nAccept: application/json\r\n{cookie}Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(&body).await?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (headers, body) = text.split_once("\r\n\r\n").ok_or("no HTTP answer")?;
    let status = headers
        .split_whitespace()
        .nth(1)
        .ok_or("no status")?
        .parse()?;
    let set_cookie = headers
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("set-cookie:"))
        .and_then(|l| l.split_once(':'))
        .and_then(|(_, v)| v.trim().split(';').next())
        .map(str::to_owned);
    Ok((status, set_cookie, body.to_owned()))
}

/// A server function called as the signed-in `cookie`; anything but 200 is an error naming it.
pub async fn call(addr: &str, function: &str, args: &Value, cookie: &str) -> Res<Value> {
    let (status, _, body) = post(addr, &format!("/api/{function}"), args, Some(cookie)).await?;
    if status != 200 {
        return Err(format!("{function}: {status} {body}").into());
    }
    Ok(serde_json::from_str(&body)?)
}

/// An account registered over HTTP, with the keys its browser would hold after unlocking.
pub struct Account {
    pub id: UserId,
    pub cookie: String,
    pub keys: UnlockedKeys,
    pub public_key: String,
}

/// Registers `email` with keys made here as the browser makes them (default KDF).
pub async fn register(addr: &str, email: &str, password: &str, name: &str) -> Res<Account> {
    let kdf = KdfParams::default();
    let (material, keys) = new_account(password, &normalize_email(email), &kdf)?;
    let register = json!({ "req": {
        "email": email, "name": name, "hint": null, "language": "en", "kdf": kdf,
        "auth_hash": material.auth_hash, "protected_user_key": material.protected_user_key,
        "public_key": material.public_key, "protected_private_key": material.protected_private_key,
    }});
    let (status, cookie, body) = post(addr, "/api/register", &register, None).await?;
    if status != 200 {
        return Err(format!("register {email}: {status} {body}").into());
    }
    Ok(Account {
        id: serde_json::from_value(serde_json::from_str::<Value>(&body)?["id"].clone())?,
        cookie: cookie.ok_or("no session cookie")?,
        keys,
        public_key: material.public_key,
    })
}

/// A plausible item: every fourth a card, identity or note, the rest logins with a URI or two.
pub fn sample(i: usize) -> (ItemType, ItemData) {
    let mut d = ItemData {
        name: format!(
            "Item {i:05} {}",
            ["Bank", "Mail", "Shop", "Forum", "Cloud", "Travel"][i % 6]
        ),
        notes: if i.is_multiple_of(3) {
            format!("Note for item {i}: kept since {}.", 2000 + i % 25)
        } else {
            String::new()
        },
        ..ItemData::default()
    };
    let kind = match i % 8 {
        1 => ItemType::Card,
        3 => ItemType::Identity,
        5 => ItemType::SecureNote,
        _ => ItemType::Login,
    };
    match kind {
        ItemType::Login => {
            d.login.username = format!("user{i}@example.org");
            d.login.password = format!("pw-{i:08x}-Xq7!rT{}", i * 7919 % 10_000);
            d.login.uris = vec![LoginUri::new(format!("https://site{i}.example/login"))];
            if i.is_multiple_of(10) {
                d.login.totp = "JBSWY3DPEHPK3PXP".into();
                d.login.password_history = vec![OldPassword {
                    password: format!("old-{i}"),
                    replaced_at: 1_700_000_000_000,
                }];
            }
            if i.is_multiple_of(7) {
                d.fields = vec![CustomField {
                    name: "PIN".into(),
                    value: format!("{:04}", i % 10_000),
                    kind: FieldKind::Hidden,
                    id: String::new(),
                }];
            }
        }
        ItemType::Card => {
            d.card.cardholder = format!("Holder {i}");
            d.card.number = format!("4111{:012}", i);
            d.card.exp_month = format!("{:02}", i % 12 + 1);
            d.card.exp_year = format!("{}", 2027 + i % 6);
            d.card.code = format!("{:03}", i % 1000);
        }
        ItemType::Identity => {
            d.identity.first_name = format!("First{i}");
            d.identity.last_name = format!("Last{i}");
            d.identity.email = format!("person{i}@example.org");
            d.identity.city = "Ghent".into();
        }
        ItemType::SecureNote => d.notes = format!("Secure note {i}: door code {}", i % 10_000),
    }
    (kind, d)
}

/// One item imported into a personal vault: its id (personal items start at revision 1) and
/// what it holds.
pub struct Imported {
    pub id: ItemId,
    pub item_type: ItemType,
    pub data: ItemData,
}

/// Seals the items `sample(i)` for `i` in `range` with the account's user key and imports them
/// (`items_import`), with 5 folders when `folders`. With `pad`, every note carries `pad` more
/// characters, and the items go in several calls of at most about 24 MB each.
pub async fn import(
    addr: &str,
    account: &Account,
    range: Range<usize>,
    pad: usize,
    folders: bool,
) -> Res<Vec<Imported>> {
    let count = range.len();
    if count > app::domain::vault::IMPORT_MAX {
        return Err(format!("at most {} items per run", app::domain::vault::IMPORT_MAX).into());
    }
    let key = &account.keys.user_key;
    let mut folders = folders
        .then(|| {
            ["Work", "Home", "Finance", "Travel", "Shared"]
                .iter()
                .map(|n| seal_folder_name(key, n))
                .collect::<Result<Vec<_>, _>>()
        })
        .transpose()?;
    let per_call = (24 * 1024 * 1024 / (pad * 4 / 3 + 1_000)).clamp(1, count.max(1));
    let mut imported = Vec::with_capacity(count);
    for start in range.clone().step_by(per_call) {
        // The folders come with the first call only.
        let with_folders = folders.take();
        let in_folders = with_folders.is_some();
        let mut input = ImportInput {
            folders: with_folders.unwrap_or_default(),
            items: Vec::with_capacity(per_call),
        };
        for i in start..(start + per_call).min(range.end) {
            let (item_type, mut data) = sample(i);
            if pad > 0 {
                data.notes.push_str(&"x".repeat(pad));
            }
            let id = new_item_id()?;
            let at = Binding {
                owner: Owner::User(&account.id),
                item: &id,
            };
            input.items.push(ImportItem {
                data: seal_item(key, &data, at)?,
                id: id.clone(),
                item_type,
                folder: (in_folders && i.is_multiple_of(3)).then_some((i % 5) as u32),
                folder_id: None,
                favorite: i.is_multiple_of(50),
            });
            imported.push(Imported {
                id,
                item_type,
                data,
            });
        }
        call(
            addr,
            "items_import",
            &json!({ "import": input }),
            &account.cookie,
        )
        .await?;
    }
    Ok(imported)
}
