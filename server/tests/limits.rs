//! What an outside attack on organizations found, told as one story on SQLite and on PostgreSQL:
//! "who can reach it" at a size that once took the server down, quotas of shared items, how many
//! organizations and seats an account makes, invitation mail counted per recipient, names that
//! hide what they say, event cursors that are not ids, one id space for every item, and owners
//! whose own vault holds only what is assigned to them.

mod common;

use app::crypto::items::{seal_item, seal_shared, Binding, Owner};
use app::crypto::SymmetricKey;
use app::domain::item::ItemData;
use app::domain::{ItemId, OrgId, UserId};
use common::*;
use http::StatusCode;
use serde_json::{json, Value};

/// Rows of a multi-row INSERT into `columns`, numbered from `$1`; times (`…_at`) are numbers.
fn rows(n: usize, columns: &str) -> String {
    let names: Vec<&str> = columns.split(',').map(str::trim).collect();
    let width = names.len();
    (0..n)
        .map(|r| {
            let cells: Vec<String> = names
                .iter()
                .enumerate()
                .map(|(c, name)| {
                    let p = format!("${}", r * width + c + 1);
                    if name.ends_with("_at") {
                        format!("CAST({p} AS BIGINT)")
                    } else {
                        p
                    }
                })
                .collect();
            format!("({})", cells.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Inserts `values` (each a row of strings) into `table (columns)`, 500 rows a statement.
async fn insert(h: &Harness, table: &str, columns: &str, values: &[Vec<String>]) {
    for chunk in values.chunks(500) {
        let sql = format!(
            "INSERT INTO {table} ({columns}) VALUES {}",
            rows(chunk.len(), columns)
        );
        let mut q = sqlx::query(&sql);
        for row in chunk {
            for v in row {
                q = q.bind(v.clone());
            }
        }
        q.execute(h.db.pool()).await.expect("insert");
    }
}

fn new_org(owner: &Person, key: &SymmetricKey, name: &str, seats: u32) -> Value {
    json!({"new": {"settings": {"name": name, "billing_email": "billing@limits.test", "plan": "teams", "seats": seats},
        "sealed_org_key": seal_to(&owner.material.public_key, key), "default_collection": "Default"}})
}

async fn limits_story(h: &Harness) {
    let olga = person("olga@limits.test", "olga tries every limit");
    let olga_s = h.signed_up("127.0.5.1", &olga, "Olga").await;
    let key = SymmetricKey::generate().expect("key");

    // Names others read may not hide what they say.
    for (name, problem) in [
        ("Invoices \u{202E}exe.nigol", "hidden_characters"),
        ("Acme\u{200B}", "hidden_characters"),
        ("Acme\u{2067}x", "hidden_characters"),
    ] {
        let r = h
            .call("org_create", new_org(&olga, &key, name, 5), Some(&olga_s))
            .await;
        assert_eq!(
            r.field_error(),
            ("org_name".into(), problem.into()),
            "{name:?}"
        );
    }
    // Seats a self-made organization declares are bounded by the instance (1,000 by default).
    let r = h
        .call(
            "org_create",
            new_org(&olga, &key, "Huge", 1_001),
            Some(&olga_s),
        )
        .await;
    assert_eq!(r.field_error(), ("seats".into(), "too_long".into()));
    assert_eq!(r.body["fields"][0]["limit"], 1_000);
    assert_eq!(h.count("organizations").await, 0, "refusals wrote nothing");

    let created = h
        .call(
            "org_create",
            new_org(&olga, &key, "Acme", 1_000),
            Some(&olga_s),
        )
        .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.text);
    let org = created.body["org_id"].as_str().expect("org").to_owned();
    let settings = |seats: u32| json!({"org": org, "settings": {"name": "Acme", "billing_email": "b@limits.test", "plan": "teams", "seats": seats}});
    let r = h.call("org_update", settings(5_000), Some(&olga_s)).await;
    assert_eq!(r.field_error(), ("seats".into(), "too_long".into()));
    let r = h.call("org_update", settings(900), Some(&olga_s)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    for (what, name) in [
        ("collection_create", "Ops\u{202E}"),
        ("group_create", "Ops\u{2066}"),
    ] {
        let args = if what == "group_create" {
            json!({"org": org, "group": {"name": name, "members": [], "collections": []}})
        } else {
            json!({"org": org, "name": name})
        };
        let r = h.call(what, args, Some(&olga_s)).await;
        assert_eq!(r.field_error().1, "hidden_characters", "{what}: {}", r.text);
    }

    // Invitation mail is counted per recipient: two calls of 100 addresses reach the hourly 200,
    // and one more address is refused, with nothing written.
    let invite = |from: usize| {
        let emails: Vec<String> = (from..from + 100)
            .map(|i| format!("p{i}@invitees.test"))
            .collect();
        json!({"org": org, "invite": {"emails": emails, "role": "user", "groups": [], "collections": []}})
    };
    for from in [0, 100] {
        let r = h.call("org_invite", invite(from), Some(&olga_s)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    }
    let members = h.count("org_members").await;
    let r = h
        .call(
            "org_invite",
            json!({"org": org, "invite": {"emails": ["one-more@invitees.test"], "role": "user", "groups": [], "collections": []}}),
            Some(&olga_s),
        )
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.text);
    assert_eq!(h.count("org_members").await, members);
    // Removing someone keeps their address in the log.
    let first = h
        .call(
            "org_member_page",
            json!({"org": org, "query": {"search": "p0@invitees.test", "sort": "member", "descending": false, "page": 0}}),
            Some(&olga_s),
        )
        .await;
    let removed = first.body["members"][0]["id"].clone();
    let r = h
        .call(
            "org_members_change",
            json!({"org": org, "change": "remove", "members": [removed]}),
            Some(&olga_s),
        )
        .await;
    assert_eq!(r.body[0]["error"], Value::Null, "{}", r.text);
    let log = h
        .call(
            "org_events",
            json!({"org": org, "filter": {"kind": "member_removed"}, "before": null}),
            Some(&olga_s),
        )
        .await;
    assert_eq!(
        log.body["events"][0]["target_email"], "p0@invitees.test",
        "{}",
        log.text
    );
    assert_eq!(log.body["events"][0]["actor_email"], "olga@limits.test");
    let mails = h.wait_for_outbox(200).await;
    assert!(mails
        .iter()
        .any(|m| m.contains("Olga invited you to the organization “Acme”")));

    // "Who can reach it" at the size that once took 76 MB and 300 MB of server memory a call:
    // an item in 50 collections, each granted to 100 groups of the same 50 members.
    let org_id = OrgId::from_stored(org.clone());
    let default = h
        .call("org_collections", json!({"org": org}), Some(&olga_s))
        .await
        .body[0]["id"]
        .clone();
    let now = app::db::now_ms().to_string();
    let id = |_: usize| app::db::new_id();
    let colls: Vec<String> = (0..50).map(id).collect();
    let groups: Vec<String> = (0..100).map(id).collect();
    let people: Vec<String> = (0..50).map(id).collect();
    insert(
        h,
        "collections",
        "id, org_id, name, created_at, revised_at",
        &colls
            .iter()
            .enumerate()
            .map(|(n, c)| {
                vec![
                    c.clone(),
                    org.clone(),
                    format!("C{n:02}"),
                    now.clone(),
                    now.clone(),
                ]
            })
            .collect::<Vec<_>>(),
    )
    .await;
    insert(
        h,
        "org_groups",
        "id, org_id, name, created_at, revised_at",
        &groups
            .iter()
            .enumerate()
            .map(|(n, g)| {
                vec![
                    g.clone(),
                    org.clone(),
                    format!("G{n:03}"),
                    now.clone(),
                    now.clone(),
                ]
            })
            .collect::<Vec<_>>(),
    )
    .await;
    // Members are confirmed without accounts here: only their grants matter to the question.
    let member_rows: Vec<Vec<String>> = people
        .iter()
        .enumerate()
        .map(|(n, m)| {
            let email = format!("m{n:02}@members.test");
            vec![m.clone(), org.clone(), email.clone(), email, now.clone()]
        })
        .collect();
    for chunk in member_rows.chunks(100) {
        let sql = format!(
            "INSERT INTO org_members (id, org_id, email, email_normalized, role, status, revoked, created_at, revised_at) VALUES {}",
            (0..chunk.len())
                .map(|r| {
                    let b = r * 5;
                    format!("(${}, ${}, ${}, ${}, 'user', 'confirmed', 0, CAST(${} AS BIGINT), 0)", b + 1, b + 2, b + 3, b + 4, b + 5)
                })
                .collect::<Vec<_>>()
                .join(", ")
        );
        let mut q = sqlx::query(&sql);
        for row in chunk {
            for v in row {
                q = q.bind(v.clone());
            }
        }
        q.execute(h.db.pool()).await.expect("members");
    }
    let pairs = |a: &[String], b: &[String], extra: Option<&str>| -> Vec<Vec<String>> {
        a.iter()
            .flat_map(|x| {
                b.iter().map(move |y| {
                    let mut row = vec![x.clone(), y.clone()];
                    row.extend(extra.map(str::to_owned));
                    row
                })
            })
            .collect()
    };
    insert(
        h,
        "group_members",
        "group_id, member_id",
        &pairs(&groups, &people, None),
    )
    .await;
    insert(
        h,
        "collection_groups",
        "collection_id, group_id, level",
        &pairs(&colls, &groups, Some("view")),
    )
    .await;
    // The first member also has a grant of her own on the first collection, which overrides her
    // groups' there.
    insert(
        h,
        "collection_members",
        "collection_id, member_id, level",
        &[vec![colls[0].clone(), people[0].clone(), "edit".into()]],
    )
    .await;
    let item = ItemId::from_stored(app::db::new_id());
    let mut data = ItemData {
        name: "Core switch".into(),
        ..Default::default()
    };
    data.login.password = "switch-pw".into();
    let binding = Binding {
        owner: Owner::Org(&org_id),
        item: &item,
    };
    let (open, secrets) = seal_shared(&key, &data, binding).expect("seal");
    let r = h
        .call(
            "shared_create",
            json!({"org": org, "id": item, "item": {"item_type": "login", "data": open, "secrets": secrets}, "collections": [default]}),
            Some(&olga_s),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    insert(
        h,
        "collection_items",
        "collection_id, item_id",
        &colls
            .iter()
            .map(|c| vec![c.clone(), item.to_string()])
            .collect::<Vec<_>>(),
    )
    .await;

    let started = std::time::Instant::now();
    let reach = h
        .call("item_reach", json!({"org": org, "id": item}), Some(&olga_s))
        .await;
    eprintln!(
        "item_reach over 250,000 group lines: {} ms, {} bytes",
        started.elapsed().as_millis(),
        reach.text.len()
    );
    assert_eq!(reach.status, StatusCode::OK, "{}", reach.text);
    assert!(reach.text.len() < 200_000, "{} bytes", reach.text.len());
    let page = reach.body["members"].as_array().expect("members");
    assert_eq!(page.len(), 50, "one line per member, a page of 50");
    assert_eq!(reach.body["total"], 51, "50 members and the owner");
    let first = &page[0];
    assert_eq!(first["email"], "m00@members.test");
    assert_eq!(
        first["effective"], "edit",
        "her own edit on C00 and her groups' view elsewhere: edit"
    );
    let lines = first["lines"].as_array().expect("lines");
    assert_eq!(lines.len(), app::domain::shared::REACH_LINES);
    assert_eq!(lines[0]["via_group"], Value::Null, "her own grant first");
    assert_eq!(lines[0]["collection_name"], "C00");
    assert_eq!(
        first["more_lines"].as_u64().expect("more") as usize + lines.len(),
        1 + 100 * 50,
        "every way counted"
    );
    assert_eq!(page[1]["effective"], "view");
    let next = reach.body["next"].clone();
    let rest = h
        .call(
            "item_reach",
            json!({"org": org, "id": item, "after": next}),
            Some(&olga_s),
        )
        .await;
    let rest_members = rest.body["members"].as_array().expect("members");
    assert_eq!(rest_members.len(), 1, "{}", rest.text);
    assert_eq!(rest_members[0]["email"], "olga@limits.test");
    assert_eq!(rest_members[0]["via_role"], true);
    assert_eq!(rest_members[0]["effective"], "manage");
    assert_eq!(rest.body["next"], Value::Null);
    assert_eq!(
        rest.body["total"],
        Value::Null,
        "counted with the first page only"
    );
    let coll = h
        .call(
            "collection_reach",
            json!({"org": org, "id": colls[7]}),
            Some(&olga_s),
        )
        .await;
    assert_eq!(coll.status, StatusCode::OK, "{}", coll.text);
    assert_eq!(coll.body["total"], 51);
    assert_eq!(
        coll.body["members"][0]["effective"], "view",
        "her own grant is on C00 only"
    );
    let r = h
        .call(
            "item_reach",
            json!({"org": org, "id": item, "after": "not-an-id\u{0}"}),
            Some(&olga_s),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);

    // An owner's own vault holds the collections assigned to her: the default collection (she
    // made the organization), not the 50 made behind her back; the console reaches them all.
    let list = h
        .call("shared_list", json!({"org": org}), Some(&olga_s))
        .await;
    let listed = list.body["items"].as_array().expect("items");
    assert_eq!(listed.len(), 1, "the item is in Default too: {}", list.text);
    let names: Vec<&str> = list.body["collections"]
        .as_array()
        .expect("collections")
        .iter()
        .map(|c| c["name"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(names, ["Default"]);
    let r = h
        .call(
            "collection_delete",
            json!({"org": org, "id": default}),
            Some(&olga_s),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let list = h
        .call("shared_list", json!({"org": org}), Some(&olga_s))
        .await;
    assert_eq!(list.body["items"], json!([]), "no longer assigned to her");
    assert!(!list.text.contains(&secrets), "nor its secrets");
    let console = h
        .call("org_vault", json!({"org": org}), Some(&olga_s))
        .await;
    assert_eq!(console.body["items"].as_array().map(Vec::len), Some(1));

    // The event log's cursor is a checked id: a NUL in it is a bad request, never a 500.
    let r = h
        .call(
            "org_events",
            json!({"org": org, "filter": {}, "before": {"at": 1, "id": "abc\u{0}"}}),
            Some(&olga_s),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);

    // One id space for personal and shared items.
    let user = UserId::from_stored(
        h.call("whoami", json!({}), Some(&olga_s)).await.body["id"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
    );
    let personal = |id: &ItemId| {
        let sealed = seal_item(
            &olga.keys.user_key,
            &data,
            Binding {
                owner: Owner::User(&user),
                item: id,
            },
        )
        .expect("seal");
        json!({"id": id, "item": {"item_type": "login", "folder_id": null, "favorite": false, "data": sealed}})
    };
    let r = h.call("item_create", personal(&item), Some(&olga_s)).await;
    assert_eq!(
        r.field_error(),
        ("item_ids".into(), "taken".into()),
        "a shared item's id"
    );
    let mine = ItemId::from_stored(app::db::new_id());
    let r = h.call("item_create", personal(&mine), Some(&olga_s)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let reuse = seal_shared(
        &key,
        &data,
        Binding {
            owner: Owner::Org(&org_id),
            item: &mine,
        },
    )
    .expect("seal");
    let r = h
        .call(
            "shared_create",
            json!({"org": org, "id": mine, "item": {"item_type": "login", "data": reuse.0, "secrets": reuse.1}, "collections": [colls[1]]}),
            Some(&olga_s),
        )
        .await;
    assert_eq!(
        r.field_error(),
        ("item_ids".into(), "taken".into()),
        "a personal item's id"
    );

    // Quotas of shared items: a one-seat organization holds about what a personal vault does.
    let small = h
        .call(
            "org_create",
            new_org(&olga, &key, "Small", 1),
            Some(&olga_s),
        )
        .await;
    let small_org = small.body["org_id"].as_str().expect("org").to_owned();
    let small_id = OrgId::from_stored(small_org.clone());
    let small_default = h
        .call("org_collections", json!({"org": small_org}), Some(&olga_s))
        .await
        .body[0]["id"]
        .clone();
    let filler = app::domain::org::org_bytes_max(1) - 10;
    sqlx::query(
        "INSERT INTO org_items (id, org_id, item_type, data, secrets, size, revision, created_at, revised_at) \
         VALUES ($1, $2, 'secure_note', 'x', 'x', $3, 1, 0, 0)",
    )
    .bind(app::db::new_id())
    .bind(&small_org)
    .bind(filler)
    .execute(h.db.pool())
    .await
    .expect("filler");
    let sealed_in = |id: &ItemId| {
        seal_shared(
            &key,
            &data,
            Binding {
                owner: Owner::Org(&small_id),
                item: id,
            },
        )
        .expect("seal")
    };
    let fresh = ItemId::from_stored(app::db::new_id());
    let (o, s) = sealed_in(&fresh);
    let before = h.count("org_items").await;
    let r = h
        .call(
            "shared_create",
            json!({"org": small_org, "id": fresh, "item": {"item_type": "login", "data": o, "secrets": s}, "collections": [small_default]}),
            Some(&olga_s),
        )
        .await;
    assert_eq!(r.field_error(), ("item_data".into(), "too_large".into()));
    assert_eq!(h.count("org_items").await, before, "nothing stored");
    // Moving personal items in is held to the same quota (and the personal one stays).
    let (o, s) = sealed_in(&mine);
    let r = h
        .call(
            "shared_move_in",
            json!({"org": small_org, "moves": [{"id": mine, "revision": 1, "item": {"item_type": "login", "data": o, "secrets": s}}], "collections": [small_default]}),
            Some(&olga_s),
        )
        .await;
    assert_eq!(
        r.field_error(),
        ("item_data".into(), "too_large".into()),
        "{}",
        r.text
    );
    assert_eq!(
        h.count("items").await,
        1,
        "the personal item is still there"
    );

    // Shared items in the trash are purged after 30 days, like personal ones.
    let r = h
        .call(
            "shared_trash",
            json!({"org": org, "ids": [item]}),
            Some(&olga_s),
        )
        .await;
    assert_eq!(r.body, json!(1), "{}", r.text);
    let now = app::db::now_ms();
    let month = app::domain::vault::TRASH_MS;
    assert_eq!(
        app::db::vault::purge_expired_trash(&h.db, now)
            .await
            .expect("purge"),
        0
    );
    sqlx::query("UPDATE org_items SET deleted_at = $1 WHERE id = $2")
        .bind(now - month - 1)
        .bind(item.as_str())
        .execute(h.db.pool())
        .await
        .expect("age");
    assert_eq!(
        app::db::vault::purge_expired_trash(&h.db, now)
            .await
            .expect("purge"),
        1
    );
    assert_eq!(h.count(&format!("org_items WHERE id = '{item}'")).await, 0);

    // Organizations made by one account in a day: ten, then a refusal until tomorrow.
    for n in 3..=10 {
        let r = h
            .call(
                "org_create",
                new_org(&olga, &key, &format!("Org {n}"), 2),
                Some(&olga_s),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "org {n}: {}", r.text);
    }
    let r = h
        .call(
            "org_create",
            new_org(&olga, &key, "Org 11", 2),
            Some(&olga_s),
        )
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.text);
    assert_eq!(h.count("organizations").await, 10);
}

on_both_databases!(limits_story: limits_on_sqlite, limits_on_postgres);
