//! What a hostile stranger on the internet tries first, told on SQLite and on PostgreSQL: locking
//! people out by guessing, finding out who has an account, exhausting the server with bodies, and
//! living on in a copied session.

mod common;

use app::crypto::KdfParams;
use axum::body::Body;
use common::*;
use http::{Request, StatusCode};
use serde_json::{json, Value};

fn login_args(email: &str, auth_hash: &str) -> Value {
    json!({"email": email, "auth_hash": auth_hash})
}

/// Registers `email` with `p`'s key material (the server cannot tell; it saves a derivation per
/// account) and returns the session cookie.
async fn sign_up_as(h: &Harness, addr: &str, p: &Person, email: &str) -> Reply {
    let mut args = register_args(p, "Person");
    args["req"]["email"] = json!(email);
    h.call_from(addr, "register", args, None, &[]).await
}

async fn lockout_story(h: &Harness) {
    // An attacker's 50 wrong guesses lock out the attacker's address, not the owner.
    let hal = person("hal@example.org", "hal's own long master password");
    let hal_s = h.signed_up("10.0.0.7", &hal, "Hal").await;
    let wrong = auth_hash("not hal's password at all", hal.email);
    let mut answers = Vec::new();
    for _ in 0..50 {
        let r = h
            .call_from(
                "10.66.0.1",
                "login",
                login_args(hal.email, &wrong),
                None,
                &[],
            )
            .await;
        answers.push(r.body["error"].as_str().unwrap_or_default().to_owned());
    }
    assert_eq!(
        answers
            .iter()
            .filter(|e| *e == "invalid_credentials")
            .count(),
        4,
        "four guesses are checked and answered, the fifth locks: {answers:?}"
    );
    assert!(answers[4..].iter().all(|e| e == "throttled"));
    let right = login_args(hal.email, &hal.material.auth_hash);
    let owner = h
        .call_from("10.0.0.7", "login", right.clone(), None, &[])
        .await;
    assert_eq!(
        owner.status,
        StatusCode::OK,
        "the owner logs in: {}",
        owner.text
    );
    let elsewhere = h
        .call_from("192.0.2.44", "login", right.clone(), None, &[])
        .await;
    assert_eq!(elsewhere.status, StatusCode::OK, "from anywhere else too");
    let attacker = h.call_from("10.66.0.1", "login", right, None, &[]).await;
    assert_eq!(
        attacker.body["error"], "throttled",
        "the guessing address stays locked, even with the right password"
    );

    // The owner's signed-in session changes the master password whatever strangers guess.
    let fresh = Derived::new(
        "hal's second master password",
        "hal@example.org",
        &KdfParams::default(),
    )
    .expect("derive");
    let rewrapped = fresh.wrap_user_key(&hal.keys.user_key).expect("wrap");
    let change = |current: &str| json!({"current_auth_hash": current, "new_auth_hash": fresh.auth_hash, "new_protected_user_key": rewrapped});
    for _ in 0..3 {
        h.call_from(
            "10.66.0.2",
            "login",
            login_args(hal.email, &wrong),
            None,
            &[],
        )
        .await;
    }
    let changed = h
        .call_from(
            "10.66.0.1",
            "change_master_password",
            change(&hal.material.auth_hash),
            Some(&hal_s),
            &[],
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.text);
    let hal_s = changed.cookie();

    // A session's own wrong guesses are limited (a stolen session cannot guess on and on).
    let mut own = Vec::new();
    for _ in 0..6 {
        let r = h
            .call_from(
                "10.0.0.7",
                "change_master_password",
                change(&wrong),
                Some(&hal_s),
                &[],
            )
            .await;
        own.push(r.body["error"].as_str().unwrap_or_default().to_owned());
    }
    assert_eq!(&own[..4], ["invalid"; 4], "{own:?}");
    assert!(own[4..].iter().all(|e| e == "throttled"), "{own:?}");

    // 30 people behind one office address log in, a third of them after a typing mistake.
    let staff = person("staff@example.org", "one derivation serves them all");
    let office = "198.51.100.10";
    for i in 0..30 {
        let email = format!("staff{i}@example.org");
        let r = sign_up_as(h, office, &staff, &email).await;
        assert_eq!(r.status, StatusCode::OK, "registration {i}: {}", r.text);
    }
    let typo = auth_hash("a typo of the password", "staff@example.org");
    for i in 0..30 {
        let email = format!("staff{i}@example.org");
        if i % 3 == 0 {
            let r = h
                .call_from(office, "login", login_args(&email, &typo), None, &[])
                .await;
            assert_eq!(r.body["error"], "invalid_credentials", "{}", r.text);
        }
        let r = h
            .call_from(
                office,
                "login",
                login_args(&email, &staff.material.auth_hash),
                None,
                &[],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "login {i}: {}", r.text);
    }
    // Registration is throttled per address: the office's 31st account must wait.
    let r = sign_up_as(h, office, &staff, "staff30@example.org").await;
    assert_eq!(r.body["error"], "throttled", "{}", r.text);

    // One address guessing across many accounts is refused, for every account.
    let sprayer = "203.0.113.99";
    let typo_ref = typo.as_str();
    let guesses = (0..8).flat_map(|i| {
        (0..5).map(move |_| {
            let email = format!("staff{i}@example.org");
            async move {
                h.call_from(sprayer, "login", login_args(&email, typo_ref), None, &[])
                    .await
            }
        })
    });
    let answers = futures::future::join_all(guesses).await;
    assert!(answers.iter().all(|r| matches!(
        r.body["error"].as_str(),
        Some("invalid_credentials" | "throttled")
    )));
    let next = h
        .call_from(
            sprayer,
            "login",
            login_args("staff9@example.org", &staff.material.auth_hash),
            None,
            &[],
        )
        .await;
    assert_eq!(next.body["error"], "throttled", "{}", next.text);
    let owner9 = h
        .call_from(
            office,
            "login",
            login_args("staff9@example.org", &staff.material.auth_hash),
            None,
            &[],
        )
        .await;
    assert_eq!(
        owner9.status,
        StatusCode::OK,
        "the account itself is not locked"
    );

    // IPv6 neighbours in one /64 are one address to the throttle.
    for n in 0..5 {
        let r = h
            .call_from(
                &format!("2001:db8:5:6::{n:x}"),
                "login",
                login_args(hal.email, &wrong),
                None,
                &[],
            )
            .await;
        assert!(!r.status.is_success());
    }
    let r = h
        .call_from(
            "2001:db8:5:6::ffff",
            "login",
            login_args(hal.email, &wrong),
            None,
            &[],
        )
        .await;
    assert_eq!(r.body["error"], "throttled", "{}", r.text);
}

async fn accounts_story(h: &Harness) {
    // An unknown email gets settings chosen by a keyed hash of it: stable, and as varied as real
    // accounts' (so an account with Argon2id does not stand out).
    let mut kinds = std::collections::BTreeSet::new();
    for i in 0..64 {
        let email = format!("nobody{i}@example.org");
        let first = h.call("prelogin", json!({"email": email}), None).await.body;
        let again = h
            .call("prelogin", json!({"email": email.to_uppercase()}), None)
            .await
            .body;
        assert_eq!(first, again, "{email}");
        kinds.insert(first["kind"].as_str().unwrap_or_default().to_owned());
    }
    assert_eq!(
        kinds.into_iter().collect::<Vec<_>>(),
        ["argon2id", "pbkdf2"],
        "unknown emails get either kind"
    );
    let ida = person("ida@example.org", "ida registers with argon2 settings");
    let mut args = register_args(&ida, "Ida");
    args["req"]["kdf"] = json!(KdfParams::argon2id_default());
    let r = h.call_from("10.9.0.1", "register", args, None, &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        h.call("prelogin", json!({"email": ida.email}), None)
            .await
            .body,
        json!(KdfParams::argon2id_default())
    );

    // Sessions are stored under a hash of their id: the database holds no cookie value.
    let ida_s = r.cookie();
    let id_value = ida_s.split_once('=').map(|(_, v)| v).unwrap_or_default();
    assert!(id_value.len() >= 20, "{ida_s}");
    assert_eq!(
        h.count(&format!(
            "user_sessions WHERE key = '{id_value}' OR data LIKE '%{id_value}%'"
        ))
        .await,
        0
    );
    assert_eq!(
        h.count(&format!(
            "user_sessions WHERE key = '{}'",
            app::db::sessions::key(id_value)
        ))
        .await,
        1
    );

    // Headers: nothing with account data is stored by a browser or a proxy; no HSTS over HTTP.
    let page = h.get("/login", &[]).await;
    assert_eq!(page.headers["cache-control"], "no-store");
    assert!(page.headers.get("strict-transport-security").is_none());
    let api = h.call("whoami", json!({}), Some(&ida_s)).await;
    assert_eq!(api.headers["cache-control"], "no-store");
    assert_eq!(api.body["email"], ida.email);

    // Sign out everywhere ends every session of the account, this one included, and only its.
    let second = h
        .call_from(
            "10.9.0.2",
            "login",
            login_args(ida.email, &ida.material.auth_hash),
            None,
            &[],
        )
        .await
        .cookie();
    let jo = person("jo@example.org", "jo stays signed in throughout");
    let jo_s = h.signed_up("10.9.0.3", &jo, "Jo").await;
    assert_eq!(
        h.call("sign_out_everywhere", json!({}), None).await.error()["error"],
        "unauthenticated"
    );
    let out = h.call("sign_out_everywhere", json!({}), Some(&ida_s)).await;
    assert_eq!(out.status, StatusCode::OK, "{}", out.text);
    for s in [&ida_s, &second] {
        assert_eq!(h.call("whoami", json!({}), Some(s)).await.body, Value::Null);
    }
    assert_eq!(
        h.call("whoami", json!({}), Some(&jo_s)).await.body["name"],
        "Jo"
    );

    // "Email me my hint" answers alike for every address, and mails only an account's owner.
    let before = h.outbox_mails().len();
    for email in [ida.email, "nobody-at-all@example.org"] {
        let r = h.call("password_hint", json!({"email": email}), None).await;
        assert_eq!(
            (r.status, r.body.clone()),
            (StatusCode::OK, Value::Null),
            "{email}"
        );
    }
    let mails = h.wait_for_outbox(before + 1).await;
    let hint_mail = mails.last().expect("a mail");
    assert!(hint_mail.contains("To: ida@example.org"), "{hint_mail}");
    assert!(hint_mail.contains("Your hint: the usual"), "{hint_mail}");
    // The same recipient is not flooded.
    for _ in 0..2 {
        h.call("password_hint", json!({"email": ida.email}), None)
            .await;
    }
    let r = h
        .call("password_hint", json!({"email": ida.email}), None)
        .await;
    assert_eq!(r.body["error"], "throttled", "{}", r.text);
    // Without verification required, the first step of a verified sign-up does not exist.
    let r = h
        .call(
            "signup_start",
            json!({"email": "x@example.org", "language": "en"}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

async fn limits_story(h: &Harness) {
    let send = |path: &str, body: Body, cookie: Option<&str>, length: Option<usize>| {
        let mut req = Request::post(path)
            .header("content-type", "application/json")
            .header("host", "keyhaven.test");
        if let Some(c) = cookie {
            req = req.header("cookie", c);
        }
        if let Some(n) = length {
            req = req.header("content-length", n);
        }
        h.send(req.body(body).expect("request"), "10.8.0.1")
    };
    // A stranger's large body is refused before it is read: imports need a session first.
    let r = send(
        "/api/items_import",
        Body::empty(),
        None,
        Some(64 * 1024 * 1024),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.text);
    let r = send("/api/register", Body::empty(), None, Some(100 * 1024)).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.text);
    // …and a chunked one is cut off at the small bound while it is read.
    let chunks = (0..64).map(|_| Ok::<_, std::io::Error>(vec![b' '; 16 * 1024]));
    let r = send(
        "/api/register",
        Body::from_stream(futures::stream::iter(chunks)),
        None,
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);

    // A signed-in session may send an import of several megabytes.
    let kim = person("kim@example.org", "kim imports a large vault");
    let kim_s = h.signed_up("10.8.0.2", &kim, "Kim").await;
    let sealed = kim
        .keys
        .user_key
        .encrypt(&vec![b'x'; 60_000], "keyhaven:item")
        .expect("encrypt")
        .to_string();
    let items: Vec<Value> = (0..60)
        .map(|_| json!({"id": app::db::new_id(), "item_type": "secure_note", "folder": null, "favorite": false, "data": sealed}))
        .collect();
    let import = json!({"import": {"folders": [], "items": items}}).to_string();
    assert!(import.len() > 4 * 1024 * 1024);
    let r = h
        .call_from(
            "10.8.0.2",
            "items_import",
            serde_json::from_str(&import).expect("json"),
            Some(&kim_s),
            &[],
        )
        .await;
    assert_eq!(
        (r.status, r.body.clone()),
        (StatusCode::OK, json!(60)),
        "{}",
        r.text
    );

    // A body that trickles is cut off at its deadline (one second here).
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(1);
    tx.send(Ok(b"{\"email\":".to_vec())).await.expect("send");
    let started = std::time::Instant::now();
    let r = send(
        "/api/prelogin",
        Body::from_stream(tokio_stream_from(rx)),
        None,
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    drop(tx);

    // The vault list answers in bounded pages, and the client can walk them all.
    let mut seen = 0;
    let mut after = Value::Null;
    let mut pages = 0;
    loop {
        let page = h
            .call_from(
                "10.8.0.2",
                "vault_list",
                json!({"after": after}),
                Some(&kim_s),
                &[],
            )
            .await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text);
        assert!(page.text.len() < 3 * 1024 * 1024, "a page is bounded");
        seen += page.body["items"].as_array().map_or(0, Vec::len);
        pages += 1;
        after = page.body["next"].clone();
        if after.is_null() {
            break;
        }
    }
    assert_eq!(seen, 60);
    assert!(pages >= 2, "60 items of 80 kB take more than one page");

    // Quotas bound what one account can make the server store: sealed bytes in all, also when
    // imports race each other (six at once, 12 MB each, against the 64 MiB quota).
    let burst_item = kim
        .keys
        .user_key
        .encrypt(&vec![b'z'; 60_000], "keyhaven:item")
        .expect("encrypt")
        .to_string();
    let burst = (0..6).map(|_| {
        let items: Vec<Value> = (0..150)
            .map(|_| json!({"id": app::db::new_id(), "item_type": "secure_note", "folder": null, "favorite": false, "data": burst_item}))
            .collect();
        let args = json!({"import": {"folders": [], "items": items}});
        let kim_s = kim_s.clone();
        async move { h.call_from("10.8.0.2", "items_import", args, Some(&kim_s), &[]).await }
    });
    let answers = futures::future::join_all(burst).await;
    assert!(
        answers.iter().any(|r| r.status != StatusCode::OK),
        "six imports of 12 MB cannot all fit in 64 MiB"
    );
    // One account imports one vault at a time: the others are told to retry, not queued (so no
    // account can hold every import turn by trickling bodies).
    assert!(
        answers
            .iter()
            .any(|r| r.status == StatusCode::TOO_MANY_REQUESTS && r.body["error"] == "throttled"),
        "{:?}",
        answers.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    let stored: i64 = {
        use sqlx::Row;
        sqlx::query("SELECT CAST(COALESCE(SUM(size), 0) AS BIGINT) AS n FROM items")
            .fetch_one(h.db.pool())
            .await
            .expect("sum")
            .try_get("n")
            .expect("n")
    };
    assert!(stored <= app::domain::vault::VAULT_BYTES_MAX, "{stored}");
    let big = kim
        .keys
        .user_key
        .encrypt(&vec![b'y'; 70_000], "keyhaven:item")
        .expect("encrypt")
        .to_string();
    let mut refused = None;
    for i in 0..1_000 {
        let items: Vec<Value> = (0..20)
            .map(|_| json!({"id": app::db::new_id(), "item_type": "secure_note", "folder": null, "favorite": false, "data": big}))
            .collect();
        let r = h
            .call_from(
                "10.8.0.2",
                "items_import",
                json!({"import": {"folders": [], "items": items}}),
                Some(&kim_s),
                &[],
            )
            .await;
        if r.status != StatusCode::OK {
            refused = Some((i, r));
            break;
        }
    }
    let (_, r) = refused.expect("the quota refuses at last");
    assert_eq!(r.field_error(), ("import_file".into(), "too_large".into()));
    let stored: i64 = {
        use sqlx::Row;
        sqlx::query("SELECT CAST(COALESCE(SUM(size), 0) AS BIGINT) AS n FROM items")
            .fetch_one(h.db.pool())
            .await
            .expect("sum")
            .try_get("n")
            .expect("n")
    };
    assert!(stored <= app::domain::vault::VAULT_BYTES_MAX);
}

/// A stream over a channel's receiver (what `tokio-stream` would give).
fn tokio_stream_from(
    mut rx: tokio::sync::mpsc::Receiver<Result<Vec<u8>, std::io::Error>>,
) -> impl futures::Stream<Item = Result<Vec<u8>, std::io::Error>> {
    futures::stream::poll_fn(move |cx| rx.poll_recv(cx))
}

/// A request dropped half-way (the client went away) never leaves its transaction open: an import
/// cut off at several moments, and afterwards everyone still writes. An outside tester froze
/// every write of a SQLite instance this way until the process restarted.
async fn dropped_requests_story(h: &Harness) {
    let kim = person("dropped-kim@example.org", "kim walks away mid-import");
    let kim_s = h.signed_up("127.0.3.1", &kim, "Kim").await;
    let data = kim
        .keys
        .user_key
        .encrypt(&[b'x'; 200], "keyhaven:item")
        .expect("encrypt")
        .to_string();
    let items: Vec<Value> = (0..3_000)
        .map(|_| json!({"id": app::db::new_id(), "item_type": "login", "folder": null, "favorite": false, "data": data}))
        .collect();
    let import = json!({"import": {"folders": [], "items": items}});
    // Cut at moments spread over how long a whole import takes here.
    let started = std::time::Instant::now();
    let whole = h.call("items_import", import.clone(), Some(&kim_s)).await;
    assert_eq!(whole.status, StatusCode::OK, "{}", whole.text);
    let took = started.elapsed().as_millis() as u64;
    for cut_after_ms in [
        took / 5,
        took * 2 / 5,
        took * 3 / 5,
        took * 4 / 5,
        took * 9 / 10,
    ] {
        let call = h.call("items_import", import.clone(), Some(&kim_s));
        let _ = tokio::time::timeout(std::time::Duration::from_millis(cut_after_ms), call).await;
        let started = std::time::Instant::now();
        let folder = kim
            .keys
            .user_key
            .encrypt(b"after the cut", "keyhaven:folder-name")
            .expect("encrypt")
            .to_string();
        let r = h
            .call("folder_create", json!({"name": folder}), Some(&kim_s))
            .await;
        assert_eq!(
            r.status,
            StatusCode::OK,
            "cut after {cut_after_ms} ms: {}",
            r.text
        );
        assert!(
            started.elapsed() < std::time::Duration::from_secs(4),
            "a write waited {:?} after a cut at {cut_after_ms} ms",
            started.elapsed()
        );
        let r = h
            .call_from(
                "127.0.3.2",
                "login",
                login_args(kim.email, "AAAA"),
                None,
                &[],
            )
            .await;
        assert_ne!(r.status, StatusCode::INTERNAL_SERVER_ERROR, "{}", r.text);
    }
}

on_both_databases!(dropped_requests_story: dropped_requests_on_sqlite, dropped_requests_on_postgres);
on_both_databases!(lockout_story: lockout_on_sqlite, lockout_on_postgres);
on_both_databases!(accounts_story: accounts_on_sqlite, accounts_on_postgres);
on_both_databases!(
    limits_story: limits_on_sqlite,
    limits_on_postgres,
    &[("KEYHAVEN_BODY_TIMEOUT_SECS", "1")]
);

/// Over HTTPS: the session cookie takes the `__Host-` prefix and browsers are told to keep to
/// HTTPS.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secure_cookies_and_hsts() {
    let h = Harness::sqlite(&[("KEYHAVEN_SECURE_COOKIES", "true")]).await;
    let lea = person("lea@example.org", "lea signs in over https");
    let r = h
        .call_from(
            "10.7.0.1",
            "register",
            register_args(&lea, "Lea"),
            None,
            &[],
        )
        .await;
    let raw = r.headers["set-cookie"].to_str().expect("ascii");
    assert!(raw.starts_with("__Host-keyhaven_session="), "{raw}");
    assert!(
        raw.contains("Secure") && raw.contains("Path=/") && !raw.contains("Domain"),
        "{raw}"
    );
    assert_eq!(r.headers["strict-transport-security"], "max-age=63072000");
    h.finish().await;
}

/// Where addresses are verified first, registration needs the mailed link, and no answer says
/// whether an address already has an account.
async fn verification_story(h: &Harness, smtp: &SmtpSink) {
    let mo = person("mo@example.org", "mo verifies the address first");
    let r = h
        .call_from("10.6.0.1", "register", register_args(&mo, "Mo"), None, &[])
        .await;
    assert_eq!(
        r.field_error(),
        ("verification_link".into(), "invalid".into())
    );
    assert_eq!(h.call("signup_mode", json!({}), None).await.body, true);
    let start = |email: &str| json!({"email": email, "language": "fr"});
    let r = h
        .call_from("10.6.0.1", "signup_start", start(mo.email), None, &[])
        .await;
    assert_eq!((r.status, r.body.clone()), (StatusCode::OK, Value::Null));
    let mails = smtp.wait_for(1).await;
    let mail = &decoded(&mails[0]);
    assert!(
        mail.contains("To: mo@example.org") && mail.contains("Ouvrez ce lien"),
        "{mail}"
    );
    let link = mail
        .lines()
        .find(|l| l.starts_with("https://keyhaven.test/register?token="))
        .expect("a link");
    let token = link
        .split("token=")
        .nth(1)
        .and_then(|t| t.split('&').next())
        .expect("token");
    assert!(link.ends_with("email=mo%40example.org"), "{link}");
    let valid = |token: &str, email: &str| json!({"token": token, "email": email});
    let check = h
        .call("signup_link_valid", valid(token, "MO@example.org"), None)
        .await;
    assert_eq!(check.body, true, "{}", check.text);
    let check = h
        .call("signup_link_valid", valid(token, "other@example.org"), None)
        .await;
    assert_eq!(check.body, false, "a link is for its address only");
    // The link is for its address only.
    let other = person("other@example.org", "someone else's address here");
    let mut args = register_args(&other, "Other");
    args["req"]["verification"] = json!(token);
    let r = h.call_from("10.6.0.1", "register", args, None, &[]).await;
    assert_eq!(
        r.field_error(),
        ("verification_link".into(), "invalid".into())
    );
    let mut args = register_args(&mo, "Mo");
    args["req"]["verification"] = json!(token);
    let r = h
        .call_from("10.6.0.1", "register", args.clone(), None, &[])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // Once only.
    let check = h
        .call("signup_link_valid", valid(token, mo.email), None)
        .await;
    assert_eq!(check.body, false, "asking is not using, but using is");
    let r = h.call_from("10.6.0.2", "register", args, None, &[]).await;
    assert_eq!(
        r.field_error(),
        ("verification_link".into(), "invalid".into())
    );
    // A taken address answers exactly like a free one; its owner is told by mail.
    let taken = h
        .call_from("10.6.0.3", "signup_start", start(mo.email), None, &[])
        .await;
    let free = h
        .call_from(
            "10.6.0.3",
            "signup_start",
            start("free@example.org"),
            None,
            &[],
        )
        .await;
    assert_eq!((taken.status, taken.text), (free.status, free.text));
    let mails = smtp.wait_for(3).await;
    assert!(mails
        .iter()
        .map(|m| decoded(m))
        .any(|m| m.contains("To: mo@example.org") && m.contains("en a déjà un")));
    // Stored tokens are hashes.
    assert_eq!(
        h.count(&format!("email_verifications WHERE token_hash = '{token}'"))
            .await,
        0
    );
}

async fn verified(postgres: bool) {
    let smtp = SmtpSink::start().await;
    let port = smtp.port.to_string();
    let env = [
        ("KEYHAVEN_SMTP_HOST", "127.0.0.1"),
        ("KEYHAVEN_SMTP_PORT", port.as_str()),
        ("KEYHAVEN_SMTP_SECURITY", "none"),
        ("KEYHAVEN_SMTP_FROM", "Keyhaven <keyhaven@keyhaven.test>"),
        ("KEYHAVEN_REQUIRE_EMAIL_VERIFICATION", "true"),
        ("KEYHAVEN_PUBLIC_URL", "https://keyhaven.test/"),
    ];
    let h = if postgres {
        let Some(h) = Harness::postgres(&env).await else {
            return;
        };
        h
    } else {
        Harness::sqlite(&env).await
    };
    verification_story(&h, &smtp).await;
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verification_on_sqlite() {
    verified(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verification_on_postgres() {
    verified(true).await;
}

/// Behind a proxy the client address is the last entry of the last `X-Forwarded-For` line (a
/// proxy may add a line of its own), so a client cannot choose its address by sending one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forwarded_for_takes_the_proxys_line() {
    let h = Harness::sqlite(&[("KEYHAVEN_TRUST_PROXY", "true")]).await;
    let nia = person("nia@example.org", "nia sits behind a proxy");
    h.signed_up("10.5.0.1", &nia, "Nia").await;
    let wrong = auth_hash("not nia's password", nia.email);
    let mut answers = Vec::new();
    for i in 0..5 {
        let spoofed = format!("198.18.0.{i}");
        let r = h
            .call_from(
                "10.5.0.9",
                "login",
                login_args(nia.email, &wrong),
                None,
                &[
                    ("x-forwarded-for", &spoofed),
                    ("x-forwarded-for", "203.0.113.5"),
                ],
            )
            .await;
        answers.push(r.body["error"].as_str().unwrap_or_default().to_owned());
    }
    assert_eq!(
        answers[4], "throttled",
        "one client, one address: {answers:?}"
    );
    h.finish().await;
}

/// An address must be a bare ASCII address: no display name or list a mail header would read,
/// no letter that Unicode case folding maps onto another's address.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn addresses_are_bare_and_ascii() {
    let h = Harness::sqlite(&[]).await;
    let p = person("plain@example.org", "a person with a plain address");
    for email in [
        "Support<victim@example.org>",
        "\u{212A}ate@example.org",
        "a@example.org,b@example.org",
    ] {
        let mut args = register_args(&p, "P");
        args["req"]["email"] = json!(email);
        let r = h.call_from("10.4.0.1", "register", args, None, &[]).await;
        assert_eq!(
            r.field_error(),
            ("email".into(), "invalid".into()),
            "{email}"
        );
        let r = h.call("password_hint", json!({"email": email}), None).await;
        assert_eq!(r.field_error().0, "email", "{email}");
    }
    h.finish().await;
}
