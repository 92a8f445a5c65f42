//! One story over the real HTTP endpoints, told once on SQLite and once on PostgreSQL: accounts are
//! created, logged in, isolated from each other, throttled, protected from cross-site requests,
//! and re-keyed by a master password change. The browser's half (key derivation and wrapping) runs
//! here natively, with the same code the WASM runs.

mod common;

use app::crypto::KdfParams;
use app::domain::validate::normalize_email;
use axum::body::Body;
use common::*;
use http::{Request, StatusCode};
use serde_json::{json, Value};

async fn story(h: &Harness) {
    // Health and headers.
    let health = h.get("/healthz", &[]).await;
    assert_eq!(
        (health.status, health.text.as_str()),
        (StatusCode::OK, "ok")
    );

    let page = h
        .get("/login", &[("accept-language", "nl-NL,nl;q=0.9,en;q=0.5")])
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let csp = page.headers["content-security-policy"]
        .to_str()
        .expect("csp");
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|r| r.split('\'').next())
        .expect("a script nonce");
    assert!(
        page.text.contains(&format!("nonce=\"{nonce}\"")),
        "the bootstrap script carries the nonce"
    );
    assert!(
        csp.contains("'wasm-unsafe-eval'")
            && !csp.contains("unsafe-inline")
            && csp.contains("frame-ancestors 'none'")
    );
    assert_eq!(page.headers["x-frame-options"], "DENY");
    assert_eq!(page.headers["x-content-type-options"], "nosniff");
    assert_eq!(page.headers["referrer-policy"], "no-referrer");
    assert!(
        page.text.contains("<html lang=\"nl\""),
        "language follows Accept-Language"
    );
    assert!(page.text.contains("Inloggen bij Keyhaven"));
    let fr = h
        .get(
            "/login",
            &[("cookie", "kh_lang=fr"), ("accept-language", "nl")],
        )
        .await;
    assert!(
        fr.text.contains("<html lang=\"fr\"") && fr.text.contains("Connexion à Keyhaven"),
        "the cookie wins"
    );
    let guarded = h.get("/vault", &[("accept", "text/html")]).await;
    assert!(
        guarded.status.is_redirection(),
        "signed-out visitors are sent to login: {}",
        guarded.status
    );
    assert_eq!(guarded.headers["location"], "/login");

    // Registration refuses bad input with a field error and writes nothing.
    let ann = person("Ann.Lee@Example.org", "ann's first master password");
    let mut bad = register_args(&ann, "Ann");
    bad["req"]["email"] = json!("not-an-email");
    assert_eq!(
        h.call("register", bad, None).await.field_error(),
        ("email".into(), "invalid".into())
    );
    let mut bad = register_args(&ann, &"x".repeat(101));
    assert_eq!(
        h.call("register", bad.clone(), None).await.field_error(),
        ("name".into(), "too_long".into())
    );
    bad = register_args(&ann, "Ann");
    bad["req"]["hint"] = json!("h".repeat(101));
    assert_eq!(
        h.call("register", bad, None).await.field_error(),
        ("hint".into(), "too_long".into())
    );
    bad = register_args(&ann, "Ann");
    bad["req"]["protected_user_key"] =
        json!("v1.xchacha20poly1305.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    assert_eq!(
        h.call("register", bad, None).await.field_error(),
        ("key_material".into(), "invalid".into())
    );
    bad = register_args(&ann, "Ann");
    bad["req"]["public_key"] = json!("not base64!");
    assert_eq!(
        h.call("register", bad, None).await.field_error(),
        ("key_material".into(), "invalid".into())
    );
    bad = register_args(&ann, "Ann");
    bad["req"]["kdf"] = json!({"kind": "pbkdf2", "iterations": 1000});
    assert_eq!(
        h.call("register", bad, None).await.field_error(),
        ("kdf".into(), "out_of_range".into())
    );
    let garbage = h.call("register", json!({"req": {"email": 5}}), None).await;
    assert_eq!(
        garbage.error()["error"],
        "invalid",
        "malformed arguments: {}",
        garbage.text
    );
    assert_eq!(
        h.count("users").await,
        0,
        "nothing was written by refused registrations"
    );

    let created = h.call("register", register_args(&ann, "Ann"), None).await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.text);
    let ann_session = created.cookie();
    assert_eq!(created.body["email"], "Ann.Lee@Example.org");
    let again = register_args(
        &person(" ann.lee@EXAMPLE.org", "another password entirely"),
        "Other Ann",
    );
    assert_eq!(
        h.call("register", again, None).await.field_error(),
        ("email".into(), "taken".into())
    );
    assert_eq!(h.count("users").await, 1);

    // Who am I, and keys only for a session.
    let me = h.call("whoami", json!({}), Some(&ann_session)).await;
    assert_eq!(me.body["name"], "Ann");
    assert_eq!(h.call("whoami", json!({}), None).await.body, Value::Null);
    assert_eq!(
        h.call("account_keys", json!({}), None).await.error()["error"],
        "unauthenticated"
    );
    let forged = "keyhaven_session=AAAAAAAAAAAAAAAAAAAAAA";
    assert_eq!(
        h.call("whoami", json!({}), Some(forged)).await.body,
        Value::Null
    );
    assert_eq!(
        h.call("account_keys", json!({}), Some(forged))
            .await
            .error()["error"],
        "unauthenticated"
    );

    // Login: unknown and known emails look alike before login; a wrong hash is refused.
    let unknown = h
        .call("prelogin", json!({"email": "nobody@example.org"}), None)
        .await;
    let known = h
        .call("prelogin", json!({"email": "ANN.LEE@example.org"}), None)
        .await;
    assert_eq!(known.body, json!(KdfParams::default()));
    let again = h
        .call("prelogin", json!({"email": "Nobody@Example.org"}), None)
        .await;
    assert_eq!(
        unknown.body, again.body,
        "an unknown email's answer is stable"
    );
    let wrong = auth_hash("not ann's password", ann.email);
    let refused = h
        .call(
            "login",
            json!({"email": ann.email, "auth_hash": wrong}),
            None,
        )
        .await;
    assert_eq!(refused.error()["error"], "invalid_credentials");
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    let logged_in = h
        .call(
            "login",
            json!({"email": ann.email, "auth_hash": ann.material.auth_hash}),
            None,
        )
        .await;
    assert_eq!(logged_in.status, StatusCode::OK, "{}", logged_in.text);
    let second_session = logged_in.cookie();
    let keys = &logged_in.body["keys"];
    let opened = Derived::new(
        ann.password,
        &normalize_email(ann.email),
        &KdfParams::default(),
    )
    .expect("derive")
    .unlock(
        keys["protected_user_key"].as_str().expect("key"),
        keys["protected_private_key"].as_str().expect("key"),
    )
    .expect("the keys open with the password, in the client");
    assert_eq!(opened.user_key.as_bytes(), ann.keys.user_key.as_bytes());

    // Another user's session never reaches Ann's account.
    let bob = person("bob@example.org", "bob's own master password");
    let bob_session = h.signed_up("127.0.0.2", &bob, "Bob").await;
    let bob_keys = h.call("account_keys", json!({}), Some(&bob_session)).await;
    assert_eq!(bob_keys.body["public_key"], json!(bob.material.public_key));
    assert_ne!(
        bob_keys.body["protected_user_key"],
        json!(ann.material.protected_user_key)
    );
    let renamed = h
        .call(
            "update_profile",
            json!({"name": "Bobby", "language": "fr"}),
            Some(&bob_session),
        )
        .await;
    assert_eq!(renamed.body["name"], "Bobby");
    assert_eq!(
        h.call("whoami", json!({}), Some(&ann_session)).await.body["name"],
        "Ann"
    );
    let too_long = h
        .call(
            "update_profile",
            json!({"name": "b".repeat(101), "language": "fr"}),
            Some(&bob_session),
        )
        .await;
    assert_eq!(too_long.field_error(), ("name".into(), "too_long".into()));
    assert_eq!(
        h.call("whoami", json!({}), Some(&bob_session)).await.body["name"],
        "Bobby"
    );
    let anonymous = h
        .call(
            "update_profile",
            json!({"name": "Mallory", "language": "en"}),
            None,
        )
        .await;
    assert_eq!(anonymous.error()["error"], "unauthenticated");

    // Cross-site requests are refused before they touch anything.
    for headers in [
        [("origin", "https://evil.example")],
        [("sec-fetch-site", "cross-site")],
    ] {
        let r = h
            .call_from(
                "127.0.0.1",
                "update_profile",
                json!({"name": "Pwned", "language": "en"}),
                Some(&ann_session),
                &headers,
            )
            .await;
        assert_eq!(
            (r.status, r.body["error"].as_str()),
            (StatusCode::FORBIDDEN, Some("cross_site"))
        );
    }
    assert_eq!(
        h.call("whoami", json!({}), Some(&ann_session)).await.body["name"],
        "Ann"
    );
    let same_origin = h
        .call_from(
            "127.0.0.1",
            "whoami",
            json!({}),
            Some(&ann_session),
            &[
                ("origin", "http://keyhaven.test"),
                ("sec-fetch-site", "same-origin"),
            ],
        )
        .await;
    assert_eq!(same_origin.body["name"], "Ann");

    // Changing the master password: wrong current password changes nothing; the right one re-wraps
    // the same user key and ends every other session.
    let new_password = "ann's second master password";
    let fresh = Derived::new(
        new_password,
        &normalize_email(ann.email),
        &KdfParams::default(),
    )
    .expect("derive");
    let rewrapped = fresh.wrap_user_key(&ann.keys.user_key).expect("wrap");
    let attempt = |current: String, key: String| json!({"current_auth_hash": current, "new_auth_hash": fresh.auth_hash, "new_protected_user_key": key});
    let r = h
        .call(
            "change_master_password",
            attempt(wrong.clone(), rewrapped.clone()),
            Some(&ann_session),
        )
        .await;
    assert_eq!(
        r.field_error(),
        ("master_password".into(), "invalid".into())
    );
    let r = h
        .call(
            "change_master_password",
            attempt(ann.material.auth_hash.clone(), "v1.nope".into()),
            Some(&ann_session),
        )
        .await;
    assert_eq!(r.field_error(), ("key_material".into(), "invalid".into()));
    // The same password again (same KDF and salt, so the same auth hash) would change nothing but
    // log every other session out: refused at the new password.
    let r = h
        .call(
            "change_master_password",
            json!({"current_auth_hash": ann.material.auth_hash, "new_auth_hash": ann.material.auth_hash, "new_protected_user_key": ann.material.protected_user_key}),
            Some(&ann_session),
        )
        .await;
    assert_eq!(
        r.field_error(),
        ("new_master_password".into(), "unchanged".into())
    );
    assert_eq!(
        h.call("whoami", json!({}), Some(&second_session))
            .await
            .body["name"],
        "Ann",
        "nothing changed yet"
    );
    let r = h
        .call(
            "change_master_password",
            attempt(ann.material.auth_hash.clone(), rewrapped.clone()),
            None,
        )
        .await;
    assert_eq!(r.error()["error"], "unauthenticated");
    let r = h
        .call(
            "change_master_password",
            attempt(ann.material.auth_hash.clone(), rewrapped.clone()),
            Some(&ann_session),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let old_id = ann_session;
    let ann_session = r.cookie();
    assert_ne!(ann_session, old_id, "the session goes on under a new id");
    assert_eq!(
        h.call("whoami", json!({}), Some(&old_id)).await.body,
        Value::Null,
        "whoever copied the old id holds nothing"
    );
    assert_eq!(
        h.call("whoami", json!({}), Some(&ann_session)).await.body["name"],
        "Ann",
        "this session goes on"
    );
    assert_eq!(
        h.call("whoami", json!({}), Some(&second_session))
            .await
            .body,
        Value::Null,
        "others are ended"
    );
    let old = h
        .call(
            "login",
            json!({"email": ann.email, "auth_hash": ann.material.auth_hash}),
            None,
        )
        .await;
    assert_eq!(old.error()["error"], "invalid_credentials");
    let new = h
        .call(
            "login",
            json!({"email": ann.email, "auth_hash": fresh.auth_hash}),
            None,
        )
        .await;
    assert_eq!(new.status, StatusCode::OK);
    let reopened = fresh
        .unlock(
            new.body["keys"]["protected_user_key"]
                .as_str()
                .expect("key"),
            new.body["keys"]["protected_private_key"]
                .as_str()
                .expect("key"),
        )
        .expect("new password opens the keys");
    assert_eq!(
        reopened.user_key.as_bytes(),
        ann.keys.user_key.as_bytes(),
        "the user key itself is unchanged"
    );

    // Throttling: failures slow down, then lock the account even for the right password.
    let carol = person("carol@example.org", "carol's master password!");
    h.call_from(
        "127.0.0.3",
        "register",
        register_args(&carol, "Carol"),
        None,
        &[],
    )
    .await
    .cookie();
    let carol_wrong = auth_hash("carol guesses wrong", carol.email);
    for attempt in 1..=4 {
        let r = h
            .call_from(
                "127.0.0.3",
                "login",
                json!({"email": carol.email, "auth_hash": carol_wrong}),
                None,
                &[],
            )
            .await;
        assert_eq!(
            r.error()["error"],
            "invalid_credentials",
            "attempt {attempt}"
        );
    }
    let started = std::time::Instant::now();
    let fifth = h
        .call_from(
            "127.0.0.3",
            "login",
            json!({"email": carol.email, "auth_hash": carol_wrong}),
            None,
            &[],
        )
        .await;
    assert!(
        started.elapsed().as_millis() >= 900,
        "the fifth attempt is slowed down"
    );
    assert_eq!(fifth.error()["error"], "throttled");
    assert_eq!(fifth.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        fifth.headers["retry-after"]
            .to_str()
            .expect("ascii")
            .parse::<u32>()
            .expect("seconds")
            > 60
    );
    assert!(fifth.error()["retry_after_secs"].as_u64().unwrap_or(0) > 60);
    let right = h
        .call_from(
            "127.0.0.4",
            "login",
            json!({"email": carol.email, "auth_hash": carol.material.auth_hash}),
            None,
            &[],
        )
        .await;
    assert_eq!(
        right.status,
        StatusCode::OK,
        "the lock is for the guessing address; the owner logs in from another: {}",
        right.text
    );

    // Counters are swept once the policy has forgotten them: not while their window runs, and not
    // while a lock is in force even after the window (a lock outlives the window it started in).
    use app::db::throttle::{purge_forgotten, update, Scope};
    use app::domain::throttle::{Counter, FORGET_AFTER_MS};
    let now = app::db::now_ms();
    let old_window = now - FORGET_AFTER_MS - 1;
    for (subject, locked_until) in [
        ("still-locked", Some(now + 60_000)),
        ("forgotten", None),
        ("lock-over", Some(now)),
    ] {
        let counter = Counter {
            failures: 5,
            window_started_at: old_window,
            locked_until,
        };
        update(&h.db, &[(Scope::Address, subject)], |_| Some(vec![counter]))
            .await
            .expect("store");
    }
    let counters = h.count("login_throttle").await;
    assert_eq!(purge_forgotten(&h.db, now).await.expect("purge"), 2);
    assert_eq!(h.count("login_throttle").await, counters - 2);
    assert_eq!(
        update(&h.db, &[(Scope::Address, "still-locked")], |_| None)
            .await
            .expect("load")[0]
            .failures,
        5,
        "a lock in force stays"
    );
    assert!(
        purge_forgotten(&h.db, now + FORGET_AFTER_MS + 120_000)
            .await
            .expect("purge")
            >= 3
    );
    assert_eq!(h.count("login_throttle").await, 0);

    // Operators are marked from the command line's function.
    assert!(
        app::db::users::set_operator(&h.db, "ann.lee@example.org", true)
            .await
            .expect("grant")
    );
    assert_eq!(
        h.call("whoami", json!({}), Some(&ann_session)).await.body["is_operator"],
        true
    );
    assert!(
        !app::db::users::set_operator(&h.db, "nobody@example.org", true)
            .await
            .expect("no account")
    );

    // Logging out ends the session.
    h.call("logout", json!({}), Some(&ann_session)).await;
    assert_eq!(
        h.call("whoami", json!({}), Some(&ann_session)).await.body,
        Value::Null
    );

    // Zero knowledge at the storage layer: no master password reached the database.
    if let Some(dir) = &h.sqlite_dir {
        let mut bytes = Vec::new();
        for entry in std::fs::read_dir(dir).expect("data dir").flatten() {
            bytes.extend(std::fs::read(entry.path()).unwrap_or_default());
        }
        assert!(bytes.len() > 10_000, "the database files were read");
        for secret in [ann.password, new_password, bob.password, carol.password] {
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "{secret} found in the database"
            );
        }
    }
}

/// The personal vault's server side: encrypted blobs in, the same blobs out; no id of another
/// vault reaches anything; stale revisions are refused; the trash empties and purges.
async fn vault_story(h: &Harness) {
    use app::crypto::SymmetricKey;
    let ann = person("vault-ann@example.org", "ann keeps a vault here");
    let ann_s = h.signed_up("127.0.0.5", &ann, "Ann").await;
    let bob = person("vault-bob@example.org", "bob keeps one too, yes");
    let bob_s = h.signed_up("127.0.0.6", &bob, "Bob").await;
    let seal = |key: &SymmetricKey, text: &str| {
        key.encrypt(text.as_bytes(), "keyhaven:item")
            .expect("encrypt")
            .to_string()
    };
    let ann_key = &ann.keys.user_key;

    let plain_name = h
        .call("folder_create", json!({"name": "Banking"}), Some(&ann_s))
        .await;
    assert_eq!(
        plain_name.field_error(),
        ("folder_name".into(), "invalid".into()),
        "folder names must be encrypted"
    );
    let folder = h
        .call(
            "folder_create",
            json!({"name": seal(ann_key, "Banking")}),
            Some(&ann_s),
        )
        .await;
    assert_eq!(folder.status, StatusCode::OK, "{}", folder.text);
    let folder_id = folder.body["id"].clone();
    let secret_note = "PIN 4921 for the safe";
    let item = |folder: Value, favorite: bool, text: &str| json!({"id": app::db::new_id(), "item": {"item_type": "login", "folder_id": folder, "favorite": favorite, "data": seal(ann_key, text)}});
    let created = h
        .call(
            "item_create",
            item(folder_id.clone(), true, secret_note),
            Some(&ann_s),
        )
        .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.text);
    let id = created.body["id"].clone();
    assert_eq!(created.body["revision"], 1);
    let data = created.body["data"].as_str().expect("data").to_owned();
    let opened = ann_key
        .decrypt(
            &app::crypto::EncString::parse(&data).expect("enc"),
            "keyhaven:item",
        )
        .expect("open");
    assert_eq!(
        &**opened,
        secret_note.as_bytes(),
        "the blob comes back as it went in"
    );

    // Bad input: plaintext, oversize, someone else's folder, an unknown type. Nothing is written.
    let mut plain = item(Value::Null, false, "x");
    plain["item"]["data"] = json!("{\"password\":\"hunter2\"}");
    assert_eq!(
        h.call("item_create", plain, Some(&ann_s))
            .await
            .field_error(),
        ("item_data".into(), "invalid".into())
    );
    let huge = item(Value::Null, false, &"x".repeat(80_000));
    assert_eq!(
        h.call("item_create", huge, Some(&ann_s))
            .await
            .field_error(),
        ("item_data".into(), "too_long".into())
    );
    let bob_folder = h
        .call(
            "folder_create",
            json!({"name": seal(&bob.keys.user_key, "Bob's")}),
            Some(&bob_s),
        )
        .await;
    let into_bobs = item(bob_folder.body["id"].clone(), false, "sneaky");
    assert_eq!(
        h.call("item_create", into_bobs, Some(&ann_s))
            .await
            .field_error(),
        ("folder".into(), "invalid".into())
    );
    let mut odd = item(Value::Null, false, "x");
    odd["item"]["item_type"] = json!("ssh_key");
    assert_eq!(
        h.call("item_create", odd, Some(&ann_s)).await.error()["error"],
        "invalid"
    );
    // Ids are the browser's choice (it seals the item bound to one): an id in use is refused,
    // whoever holds it, and nothing is overwritten.
    for session in [&ann_s, &bob_s] {
        let mut twin = item(Value::Null, false, "twin");
        twin["id"] = id.clone();
        assert_eq!(
            h.call("item_create", twin, Some(session))
                .await
                .field_error(),
            ("item_ids".into(), "taken".into())
        );
    }
    assert_eq!(h.count("items").await, 1);

    // Bob, by id, reaches nothing of Ann's.
    let ann_items = |body: &Value| body["items"].as_array().map_or(0, Vec::len);
    assert_eq!(
        ann_items(&h.call("vault_list", json!({}), Some(&bob_s)).await.body),
        0
    );
    let steal = json!({"id": id, "revision": 1, "item": {"item_type": "login", "folder_id": null, "favorite": false, "data": seal(&bob.keys.user_key, "mine")}});
    assert_eq!(
        h.call("item_update", steal, Some(&bob_s)).await.error()["error"],
        "not_found"
    );
    for endpoint in ["items_trash", "items_restore", "items_delete"] {
        let r = h.call(endpoint, json!({"ids": [id]}), Some(&bob_s)).await;
        assert_eq!(
            r.body,
            json!(0),
            "{endpoint} by another user changes nothing"
        );
    }
    assert_eq!(
        h.call("trash_empty", json!({}), Some(&bob_s)).await.body,
        json!(0)
    );
    let rename = json!({"id": folder_id, "name": seal(&bob.keys.user_key, "pwned")});
    assert_eq!(
        h.call("folder_rename", rename, Some(&bob_s)).await.error()["error"],
        "not_found"
    );
    assert_eq!(
        h.call("folder_delete", json!({"id": folder_id}), Some(&bob_s))
            .await
            .error()["error"],
        "not_found"
    );
    assert_eq!(
        h.call("vault_list", json!({}), None).await.error()["error"],
        "unauthenticated"
    );
    let ann_view = h.call("vault_list", json!({}), Some(&ann_s)).await;
    assert_eq!(
        ann_view.body["items"][0]["data"],
        json!(data),
        "Ann's item is untouched"
    );
    assert_eq!(ann_view.body["items"][0]["revision"], 1);

    // Lost-update guard: the second writer from revision 1 is refused.
    let edit = |text: &str| json!({"id": id, "revision": 1, "item": {"item_type": "login", "folder_id": folder_id, "favorite": true, "data": seal(ann_key, text)}});
    let first = h
        .call("item_update", edit("first edit"), Some(&ann_s))
        .await;
    assert_eq!(first.body["revision"], 2, "{}", first.text);
    let second = h
        .call("item_update", edit("second edit"), Some(&ann_s))
        .await;
    assert_eq!(
        (second.status, &second.body["error"]),
        (StatusCode::CONFLICT, &json!("conflict"))
    );

    // Folder deletion keeps the item; trash, restore, delete, empty.
    assert_eq!(
        h.call("folder_delete", json!({"id": folder_id}), Some(&ann_s))
            .await
            .status,
        StatusCode::OK
    );
    let listed = h.call("vault_list", json!({}), Some(&ann_s)).await;
    assert_eq!(
        (
            listed.body["items"][0]["folder_id"].clone(),
            listed.body["folders"].as_array().map(Vec::len)
        ),
        (Value::Null, Some(0))
    );
    assert_eq!(
        h.call("items_delete", json!({"ids": [id]}), Some(&ann_s))
            .await
            .body,
        json!(0),
        "only trashed items can be deleted"
    );
    assert_eq!(
        h.call("items_trash", json!({"ids": [id]}), Some(&ann_s))
            .await
            .body,
        json!(1)
    );
    assert!(
        h.call("vault_list", json!({}), Some(&ann_s)).await.body["items"][0]["deleted_at"].is_i64()
    );
    assert_eq!(
        h.call("items_restore", json!({"ids": [id]}), Some(&ann_s))
            .await
            .body,
        json!(1)
    );
    assert_eq!(
        h.call("items_trash", json!({"ids": []}), Some(&ann_s))
            .await
            .field_error(),
        ("item_ids".into(), "required".into())
    );
    assert_eq!(
        h.call("items_trash", json!({"ids": [id]}), Some(&ann_s))
            .await
            .body,
        json!(1)
    );
    assert_eq!(
        h.call("trash_empty", json!({}), Some(&ann_s)).await.body,
        json!(1)
    );
    assert_eq!(h.count("items").await, 0);

    // Items trashed more than 30 days ago are purged by the server's sweep.
    let old = h
        .call("item_create", item(Value::Null, false, "old"), Some(&ann_s))
        .await
        .body["id"]
        .clone();
    let fresh = h
        .call(
            "item_create",
            item(Value::Null, false, "fresh"),
            Some(&ann_s),
        )
        .await
        .body["id"]
        .clone();
    h.call("items_trash", json!({"ids": [old, fresh]}), Some(&ann_s))
        .await;
    let now = app::db::now_ms();
    let month = app::domain::vault::TRASH_MS;
    assert_eq!(
        app::db::vault::purge_expired_trash(&h.db, now)
            .await
            .expect("purge"),
        0
    );
    assert_eq!(
        app::db::vault::purge_expired_trash(&h.db, now + month + 60_000)
            .await
            .expect("purge"),
        2
    );
    assert_eq!(h.count("items").await, 0);
}

/// Imports: one call stores folders and items together, or nothing at all; each entry must be
/// encrypted; an import only ever lands in the caller's own vault.
async fn import_story(h: &Harness) {
    let cleo = person("import-cleo@example.org", "cleo imports her vault");
    let cleo_s = h.signed_up("127.0.0.7", &cleo, "Cleo").await;
    let dan = person("import-dan@example.org", "dan watches from aside");
    let dan_s = h.signed_up("127.0.0.8", &dan, "Dan").await;
    let key = &cleo.keys.user_key;
    let sealed = |text: &str, purpose: &str| {
        key.encrypt(text.as_bytes(), purpose)
            .expect("encrypt")
            .to_string()
    };
    let item = |folder: Value, text: &str| json!({"id": app::db::new_id(), "item_type": "login", "folder": folder, "favorite": false, "data": sealed(text, "keyhaven:item")});
    let import = |folders: Vec<String>, items: Vec<Value>| json!({"import": {"folders": folders, "items": items}});

    assert_eq!(
        h.call(
            "items_import",
            import(vec![], vec![item(Value::Null, "a")]),
            None
        )
        .await
        .error()["error"],
        "unauthenticated"
    );
    // Each bad shape is refused and nothing is written, not even the good entries beside it.
    let folder = sealed("Imported", "keyhaven:folder-name");
    let cases = [
        (import(vec![], vec![]), ("import_file", "required")),
        (
            import(vec!["Plain folder".into()], vec![item(json!(0), "a")]),
            ("folder_name", "invalid"),
        ),
        (
            import(
                vec![folder.clone()],
                vec![item(json!(0), "a"), item(json!(1), "b")],
            ),
            ("folder", "invalid"),
        ),
        (
            {
                let mut bad = import(vec![folder.clone()], vec![item(json!(0), "a")]);
                bad["import"]["items"][0]["data"] = json!("{\"password\":\"hunter2\"}");
                bad
            },
            ("item_data", "invalid"),
        ),
        (
            import(
                vec![],
                vec![item(Value::Null, "a"); app::domain::vault::IMPORT_MAX + 1],
            ),
            ("import_file", "limit_reached"),
        ),
    ];
    for (args, (field, problem)) in cases {
        assert_eq!(
            h.call("items_import", args, Some(&cleo_s))
                .await
                .field_error(),
            (field.into(), problem.into())
        );
    }
    assert_eq!((h.count("items").await, h.count("folders").await), (0, 0));

    // A real import: 2 folders, 250 items (more than one insert batch), folder links kept.
    let folders = vec![folder.clone(), sealed("Second", "keyhaven:folder-name")];
    let items: Vec<Value> = (0..250u32)
        .map(|i| {
            item(
                if i.is_multiple_of(2) {
                    json!(i % 4 / 2)
                } else {
                    Value::Null
                },
                &format!("item {i}"),
            )
        })
        .collect();
    let done = h
        .call("items_import", import(folders, items), Some(&cleo_s))
        .await;
    assert_eq!(
        (done.status, done.body.clone()),
        (StatusCode::OK, json!(250)),
        "{}",
        done.text
    );
    let listed = h.call("vault_list", json!({}), Some(&cleo_s)).await.body;
    let items = listed["items"].as_array().expect("items");
    let folders = listed["folders"].as_array().expect("folders");
    assert_eq!((items.len(), folders.len()), (250, 2));
    let in_folder = |f: &Value| items.iter().filter(|i| i["folder_id"] == f["id"]).count();
    let mut per_folder = [in_folder(&folders[0]), in_folder(&folders[1])];
    per_folder.sort_unstable();
    assert_eq!(per_folder, [62, 63]);

    // Bodies are bounded per endpoint: an import may carry a whole vault (here ≈ 3 MB), any other
    // call is refused past 2 MB before it is read.
    let padded = "p".repeat(700);
    let big: Vec<Value> = (0..3000).map(|_| item(Value::Null, &padded)).collect();
    let done = h
        .call("items_import", import(vec![], big), Some(&cleo_s))
        .await;
    assert_eq!(
        done.body,
        json!(3000),
        "{}",
        &done.text[..done.text.len().min(300)]
    );
    let oversize = json!({"id": app::db::new_id(), "item": {"item_type": "login", "folder_id": null, "favorite": false, "data": "x".repeat(3 << 20)}});
    let refused = h.call("item_create", oversize, Some(&cleo_s)).await;
    assert_eq!(refused.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        refused.body["fields"][0],
        json!({"field": "item_data", "problem": "too_large", "limit": 2})
    );
    assert_eq!(h.count("items").await, 3250);
    assert_eq!(
        h.call("vault_list", json!({}), Some(&dan_s)).await.body["items"],
        json!([]),
        "another vault sees none of it"
    );

    // A file folder the browser matched by name goes into the vault's own folder, by id; a
    // folder id of someone else's vault (or a made-up one) is refused and nothing is written.
    let into = |folder_id: &Value| {
        let mut one = item(Value::Null, "into an existing folder");
        one["folder_id"] = folder_id.clone();
        import(vec![], vec![one])
    };
    let existing = folders[0]["id"].clone();
    let done = h.call("items_import", into(&existing), Some(&cleo_s)).await;
    assert_eq!(done.body, json!(1), "{}", done.text);
    assert_eq!(h.count("folders").await, 2, "no folder was added");
    let dan_folder = h
        .call(
            "folder_create",
            json!({"name": dan.keys.user_key.encrypt(b"Dan's", "keyhaven:folder-name").expect("encrypt").to_string()}),
            Some(&dan_s),
        )
        .await
        .body["id"]
        .clone();
    let before = h.count("items").await;
    for foreign in [dan_folder, json!("00000000-0000-4000-8000-000000000000")] {
        assert_eq!(
            h.call("items_import", into(&foreign), Some(&cleo_s))
                .await
                .field_error(),
            ("folder".into(), "invalid".into())
        );
    }
    // Both a new folder and an existing one for the same item is not a shape the browser sends.
    let mut both = into(&existing);
    both["import"]["folders"] = json!([folder]);
    both["import"]["items"][0]["folder"] = json!(0);
    assert_eq!(
        h.call("items_import", both, Some(&cleo_s))
            .await
            .field_error(),
        ("folder".into(), "invalid".into())
    );
    assert_eq!(h.count("items").await, before);
    assert_eq!(
        h.count("folders").await,
        3,
        "only Dan's own folder was added"
    );
}

/// What many callers at once, and callers who send garbage, meet.
async fn concurrency_story(h: &Harness) {
    use futures::future::join_all;
    // Writes that overlap all succeed: they queue for the database rather than fail.
    let eve = person("eve@example.org", "eve writes a great deal");
    let eve_s = h.signed_up("127.0.0.20", &eve, "Eve").await;
    let fay = person("fay@example.org", "fay writes at the same time");
    let fay_s = h.signed_up("127.0.0.21", &fay, "Fay").await;
    let sealed = |p: &Person| {
        p.keys
            .user_key
            .encrypt(b"a note", "keyhaven:item")
            .expect("encrypt")
            .to_string()
    };
    let writes = (0..24).map(|i| {
        let (p, s) = if i % 2 == 0 { (&eve, &eve_s) } else { (&fay, &fay_s) };
        let args = json!({"id": app::db::new_id(), "item": {"item_type": "secure_note", "folder_id": null, "favorite": false, "data": sealed(p)}});
        async move { h.call("item_create", args, Some(s)).await }
    });
    for r in join_all(writes).await {
        assert_eq!(
            r.status,
            StatusCode::OK,
            "an overlapping write failed: {}",
            r.text
        );
    }
    assert_eq!(h.count("items").await, 24);

    // Guesses sent at once are counted as they arrive: no more than the account's five are
    // checked, the rest are refused, and then the right password is refused too.
    let gus = person("gus@example.org", "gus is guessed at in parallel");
    h.signed_up("127.0.0.22", &gus, "Gus").await;
    let wrong = auth_hash("not gus's password", gus.email);
    let guesses = (0..30).map(|_| {
        let args = json!({"email": gus.email, "auth_hash": wrong});
        async move { h.call_from("127.0.0.23", "login", args, None, &[]).await }
    });
    let answers = join_all(guesses).await;
    let checked = answers
        .iter()
        .filter(|r| r.body["error"] == "invalid_credentials")
        .count();
    let refused = answers
        .iter()
        .filter(|r| r.body["error"] == "throttled")
        .count();
    assert_eq!(
        checked, 4,
        "parallel guesses checked and answered as wrong (the fifth locks)"
    );
    assert_eq!(
        checked + refused,
        30,
        "every guess is answered as wrong or refused"
    );
    // The lock holds for the guessing address only: the owner logs in from their own.
    let right = json!({"email": gus.email, "auth_hash": gus.material.auth_hash});
    let from_guesser = h
        .call_from("127.0.0.23", "login", right.clone(), None, &[])
        .await;
    assert_eq!(
        from_guesser.body["error"], "throttled",
        "{}",
        from_guesser.text
    );
    let owner = h.call_from("127.0.0.24", "login", right, None, &[]).await;
    assert_eq!(owner.status, StatusCode::OK, "{}", owner.text);

    // Successful logins give back the attempt they were counted as: an office behind one address
    // logs in more often than the address's limit of failures.
    for n in 0..22 {
        let args = json!({"email": eve.email, "auth_hash": eve.material.auth_hash});
        let r = h.call_from("127.0.0.25", "login", args, None, &[]).await;
        assert_eq!(r.status, StatusCode::OK, "login {n}: {}", r.text);
    }

    // Garbage is the caller's mistake (400 or a field error, never 500), and writes nothing.
    let items = h.count("items").await;
    let nul_id = "0b6f3f4e-9a3c-4c7e-8f1a-2d5b6c7d8e9\u{0}";
    for (endpoint, body) in [
        ("prelogin", "{bad".to_owned()),
        ("prelogin", "null".to_owned()),
        ("prelogin", "{\"email\": 17}".to_owned()),
        ("login", "{\"email\": \"a@b.co\"}".to_owned()),
        (
            "item_create",
            "{\"item\": {\"item_type\": \"login\"}}".to_owned(),
        ),
        ("items_trash", json!({"ids": [nul_id]}).to_string()),
        ("items_trash", json!({"ids": ["no-such-item"]}).to_string()),
        (
            "folder_delete",
            json!({"id": "x".repeat(100_000)}).to_string(),
        ),
        (
            "items_import",
            json!({"import": {"folders": [], "items": [{"folder": -1}]}}).to_string(),
        ),
    ] {
        let req = Request::post(format!("/api/{endpoint}"))
            .header("content-type", "application/json")
            .header("host", "keyhaven.test")
            .header("cookie", &eve_s)
            .body(Body::from(body.clone()))
            .expect("request");
        let r = h.send(req, "127.0.0.26").await;
        assert_eq!(
            r.status,
            StatusCode::BAD_REQUEST,
            "{endpoint} {body}: {}",
            r.text
        );
        assert_eq!(r.body, json!({"error": "invalid"}), "{endpoint} {body}");
    }
    for email in [
        "a\u{0}@b.co",
        &format!("{}@example.org", "a".repeat(5_000)),
        "  ",
    ] {
        for endpoint in ["prelogin", "login"] {
            let args = json!({"email": email, "auth_hash": wrong});
            let r = h.call_from("127.0.0.27", endpoint, args, None, &[]).await;
            assert_eq!(r.field_error().0, "email", "{endpoint} {email:?}");
        }
    }
    assert_eq!(h.count("items").await, items, "garbage wrote nothing");
    let long_subjects = h.count("login_throttle WHERE LENGTH(subject) > 300").await;
    assert_eq!(
        long_subjects, 0,
        "no overlong email was stored as a throttle subject"
    );
}

on_both_databases!(story: story_on_sqlite, story_on_postgres);
on_both_databases!(vault_story: vault_on_sqlite, vault_on_postgres);
on_both_databases!(import_story: import_on_sqlite, import_on_postgres);
on_both_databases!(concurrency_story: concurrency_on_sqlite, concurrency_on_postgres);
