//! Makes a benchmark vault over HTTP, as a browser would: registers an account (keys made here,
//! like in the browser), seals N varied items with its user key and imports them in one call.
//! Prints the session cookie for the load command.
//!
//!   cargo run -p server --release --example seed_vault -- 127.0.0.1:3277 bench@example.org \
//!     "bench master password 1" 10000 [PAD] > cookie.txt
//!
//! With PAD, every item's note carries PAD more characters (to fill a vault up to its quota), and
//! the items go in several import calls of at most about 24 MB each.

use app::crypto::account::new_account;
use app::crypto::items::{new_item_id, seal_folder_name, seal_item, Binding, Owner};
use app::crypto::KdfParams;
use app::domain::item::{CustomField, FieldKind, ItemData, LoginUri, OldPassword};
use app::domain::validate::normalize_email;
use app::domain::vault::{ImportInput, ImportItem, ItemType};
use app::domain::UserId;
use serde_json::{json, Value};
use std::error::Error;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

type Res<T> = Result<T, Box<dyn Error>>;

/// One POST over HTTP/1.1 with `Connection: close`; returns (status, Set-Cookie, body).
async fn post(
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

/// A plausible item: every fourth a card, identity or note, the rest logins with a URI or two.
fn sample(i: usize) -> (ItemType, ItemData) {
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

#[tokio::main(flavor = "current_thread")]
async fn main() -> Res<()> {
    let args: Vec<String> = std::env::args().collect();
    let (addr, email, password, count, pad) = match args.as_slice() {
        [_, addr, email, password, count] => (addr, email, password, count, "0"),
        [_, addr, email, password, count, pad] => (addr, email, password, count, pad.as_str()),
        _ => return Err("usage: seed_vault ADDR EMAIL PASSWORD ITEMS [PAD]".into()),
    };
    let count: usize = count.parse()?;
    let pad: usize = pad.parse()?;
    if count > app::domain::vault::IMPORT_MAX {
        return Err(format!("at most {} items per run", app::domain::vault::IMPORT_MAX).into());
    }
    let kdf = KdfParams::default();
    let (material, keys) = new_account(password, &normalize_email(email), &kdf)?;
    let register = json!({ "req": {
        "email": email, "name": "Benchmark", "hint": null, "language": "en", "kdf": kdf,
        "auth_hash": material.auth_hash, "protected_user_key": material.protected_user_key,
        "public_key": material.public_key, "protected_private_key": material.protected_private_key,
    }});
    let (status, cookie, body) = post(addr, "/api/register", &register, None).await?;
    if status != 200 {
        return Err(format!("register: {status} {body}").into());
    }
    let cookie = cookie.ok_or("no session cookie")?;
    let owner: UserId =
        serde_json::from_value(serde_json::from_str::<Value>(&body)?["id"].clone())?;
    let folders = ["Work", "Home", "Finance", "Travel", "Shared"]
        .iter()
        .map(|n| seal_folder_name(&keys.user_key, n))
        .collect::<Result<Vec<_>, _>>()?;
    let per_call = (24 * 1024 * 1024 / (pad * 4 / 3 + 1_000)).clamp(1, count.max(1));
    let mut folders = Some(folders);
    for start in (0..count).step_by(per_call) {
        let mut import = ImportInput {
            // The folders come with the first call only.
            folders: folders.take().unwrap_or_default(),
            items: Vec::with_capacity(per_call),
        };
        for i in start..(start + per_call).min(count) {
            let (item_type, mut data) = sample(i);
            if pad > 0 {
                data.notes.push_str(&"x".repeat(pad));
            }
            let id = new_item_id()?;
            let at = Binding {
                owner: Owner::User(&owner),
                item: &id,
            };
            import.items.push(ImportItem {
                data: seal_item(&keys.user_key, &data, at)?,
                id,
                item_type,
                folder: (i.is_multiple_of(3) && start == 0).then_some((i % 5) as u32),
                folder_id: None,
                favorite: i.is_multiple_of(50),
            });
        }
        let (status, _, body) = post(
            addr,
            "/api/items_import",
            &json!({ "import": import }),
            Some(&cookie),
        )
        .await?;
        if status != 200 {
            return Err(format!("import: {status} {body}").into());
        }
    }
    println!("{cookie}");
    Ok(())
}
