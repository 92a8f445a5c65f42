//! Organizations, told as one story on SQLite and on PostgreSQL: an owner creates one with a key
//! made and sealed here (as the browser does), invites by mail, members accept with the link and
//! are confirmed with the key sealed to them; every rule is tried by someone it should stop.

mod common;

use app::crypto::{b64, sealed, unb64, SymmetricKey};
use common::*;
use http::StatusCode;
use serde_json::{json, Value};

/// `key` sealed to the account whose public key is `public_key`, as the confirming browser does.
fn seal_to(public_key: &str, key: &SymmetricKey) -> String {
    b64(&sealed::seal(public_key, key.as_bytes()).expect("seal"))
}

fn opened(p: &Person, sealed_key: &Value) -> [u8; 32] {
    let bytes = unb64(sealed_key.as_str().expect("a sealed key")).expect("base64");
    sealed::open(&p.keys.private_key, &bytes)
        .expect("the member opens it")
        .try_into()
        .expect("32 bytes")
}

/// The invitation token in the newest mail to `to`.
fn token_for(h: &Harness, to: &str) -> String {
    let mails = h.outbox_mails();
    let mail = mails
        .iter()
        .rev()
        .find(|m| m.contains(&format!("To: {to}")))
        .unwrap_or_else(|| panic!("a mail to {to}"));
    let start = mail.find("/invite/").expect("an invitation link") + "/invite/".len();
    mail[start..start + 64].to_owned()
}

fn outcome_errors(r: &Reply) -> Vec<Value> {
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body
        .as_array()
        .expect("outcomes")
        .iter()
        .map(|o| o["error"].clone())
        .collect()
}

fn problem(e: &Value) -> &str {
    e["fields"][0]["problem"].as_str().unwrap_or_default()
}

async fn organization_story(h: &Harness) {
    let olga = person("olga@acme.test", "olga owns the organization");
    let ann = person("ann@acme.test", "ann will administer it");
    let uma = person("uma@acme.test", "uma simply uses it here");
    let eve = person("eve@elsewhere.test", "eve is not invited at all");
    let olga_s = h.signed_up("127.0.1.1", &olga, "Olga").await;
    let ann_s = h.signed_up("127.0.1.2", &ann, "Ann").await;
    let uma_s = h.signed_up("127.0.1.3", &uma, "Uma").await;
    let eve_s = h.signed_up("127.0.1.4", &eve, "Eve").await;

    // Creating: the key must come sealed, the settings must make sense.
    let org_key = SymmetricKey::generate().expect("key");
    let new_org = |key: &str, seats: u32| {
        json!({"new": {"settings": {"name": "Acme", "billing_email": "billing@acme.test", "plan": "teams", "seats": seats},
            "sealed_org_key": key, "default_collection": "Default collection"}})
    };
    let plain = h
        .call(
            "org_create",
            new_org(&b64(org_key.as_bytes()), 3),
            Some(&olga_s),
        )
        .await;
    assert_eq!(plain.field_error(), ("org_key".into(), "invalid".into()));
    let no_seats = h
        .call(
            "org_create",
            new_org(&seal_to(&olga.material.public_key, &org_key), 0),
            Some(&olga_s),
        )
        .await;
    assert_eq!(no_seats.field_error(), ("seats".into(), "required".into()));
    let mut gold = new_org(&seal_to(&olga.material.public_key, &org_key), 3);
    gold["new"]["settings"]["plan"] = json!("gold");
    let r = h.call("org_create", gold, Some(&olga_s)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    assert_eq!(h.count("organizations").await, 0, "refusals wrote nothing");

    let created = h
        .call(
            "org_create",
            new_org(&seal_to(&olga.material.public_key, &org_key), 3),
            Some(&olga_s),
        )
        .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.text);
    let org = created.body["org_id"].as_str().expect("org id").to_owned();
    assert_eq!(created.body["role"], "owner");
    assert_eq!(created.body["status"], "confirmed");
    let mine = h.call("orgs_mine", json!({}), Some(&olga_s)).await;
    assert_eq!(mine.body.as_array().map(Vec::len), Some(1), "{}", mine.text);
    assert_eq!(
        &opened(&olga, &mine.body[0]["sealed_org_key"]),
        org_key.as_bytes()
    );
    assert_eq!(h.count("collections").await, 1, "a default collection");
    let o = |extra: Value| {
        let mut args = json!({"org": org});
        for (k, v) in extra.as_object().expect("object") {
            args[k] = v.clone();
        }
        args
    };

    // Someone outside is told the organization does not exist.
    for (endpoint, args) in [
        ("org_members", o(json!({}))),
        ("org_collections", o(json!({}))),
        (
            "org_invite",
            o(
                json!({"invite": {"emails": ["eve@elsewhere.test"], "role": "user", "groups": [], "collections": []}}),
            ),
        ),
        (
            "org_update",
            o(
                json!({"settings": {"name": "Mine", "billing_email": "e@e.test", "plan": "free", "seats": 9}}),
            ),
        ),
        ("org_delete", o(json!({"name": "Acme"}))),
    ] {
        let r = h.call(endpoint, args, Some(&eve_s)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{endpoint}: {}", r.text);
    }
    let r = h.call("org_members", o(json!({})), None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);

    // Inviting: the whole batch or nothing, within the seats.
    let invite = |emails: &[&str], role: &str| {
        o(json!({"invite": {"emails": emails, "role": role, "groups": [], "collections": []}}))
    };
    let too_many = h
        .call(
            "org_invite",
            invite(&[ann.email, uma.email, eve.email], "user"),
            Some(&olga_s),
        )
        .await;
    assert_eq!(
        too_many.field_error(),
        ("seats".into(), "limit_reached".into())
    );
    assert_eq!(too_many.body["fields"][0]["limit"], 3);
    assert_eq!(h.count("org_members").await, 1);
    let twice = h
        .call(
            "org_invite",
            invite(&[ann.email, "ANN@acme.test"], "user"),
            Some(&olga_s),
        )
        .await;
    assert_eq!(twice.field_error(), ("emails".into(), "taken".into()));
    let r = h
        .call(
            "org_invite",
            invite(&[ann.email, uma.email], "user"),
            Some(&olga_s),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let again = h
        .call("org_invite", invite(&[ann.email], "user"), Some(&olga_s))
        .await;
    assert_eq!(
        again.field_error(),
        ("seats".into(), "limit_reached".into()),
        "all 3 seats are taken"
    );
    let mails = h.wait_for_outbox(2).await;
    assert!(
        mails
            .iter()
            .any(|m| m.contains("Olga invited you to the organization Acme")),
        "{mails:?}"
    );
    let ann_token = token_for(h, ann.email);
    let uma_token = token_for(h, uma.email);

    // A link works only for its address, once.
    let info = h
        .call("invitation_info", json!({"token": ann_token}), None)
        .await;
    assert_eq!(info.body["org_name"], "Acme", "{}", info.text);
    assert_eq!(info.body["has_account"], true);
    let r = h
        .call(
            "invitation_accept",
            json!({"token": ann_token}),
            Some(&eve_s),
        )
        .await;
    assert_eq!(
        r.field_error(),
        ("invitation_link".into(), "invalid".into())
    );
    let r = h
        .call(
            "invitation_accept",
            json!({"token": ann_token}),
            Some(&ann_s),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = h
        .call(
            "invitation_accept",
            json!({"token": ann_token}),
            Some(&ann_s),
        )
        .await;
    assert_eq!(
        r.field_error(),
        ("invitation_link".into(), "invalid".into()),
        "used up"
    );
    let r = h
        .call("invitation_info", json!({"token": "ab".repeat(40)}), None)
        .await;
    assert_eq!(
        r.field_error(),
        ("invitation_link".into(), "invalid".into())
    );

    // Accepted is not yet in: no key, no members list.
    let ann_mine = h.call("orgs_mine", json!({}), Some(&ann_s)).await;
    assert_eq!(ann_mine.body[0]["status"], "accepted", "{}", ann_mine.text);
    assert_eq!(ann_mine.body[0]["sealed_org_key"], Value::Null);
    let r = h.call("org_members", o(json!({})), Some(&ann_s)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // Confirming: the owner seals the key to the public key the server lists for an accepted
    // member; a member who has not accepted cannot be confirmed, and says so on their own.
    let members = h.call("org_members", o(json!({})), Some(&olga_s)).await;
    let listed = members.body.as_array().expect("members").clone();
    let find = |email: &str| {
        listed
            .iter()
            .find(|m| m["email"] == email)
            .expect("listed")
            .clone()
    };
    let ann_row = find(ann.email);
    let uma_row = find(uma.email);
    assert_eq!(ann_row["public_key"], json!(ann.material.public_key));
    assert_eq!(
        uma_row["public_key"],
        Value::Null,
        "no key before accepting"
    );
    let confirm =
        |member: &Value, key: String| json!({"member": member["id"], "sealed_org_key": key});
    let r = h
        .call(
            "org_confirm",
            o(json!({"confirmations": [
                confirm(&ann_row, seal_to(&ann.material.public_key, &org_key)),
                confirm(&uma_row, seal_to(&uma.material.public_key, &org_key)),
            ]})),
            Some(&olga_s),
        )
        .await;
    let errors = outcome_errors(&r);
    assert_eq!(errors[0], Value::Null, "Ann is confirmed");
    assert_eq!(errors[1]["error"], "conflict", "Uma has not accepted");
    let ann_mine = h.call("orgs_mine", json!({}), Some(&ann_s)).await;
    assert_eq!(ann_mine.body[0]["status"], "confirmed");
    assert_eq!(
        &opened(&ann, &ann_mine.body[0]["sealed_org_key"]),
        org_key.as_bytes()
    );
    let r = h
        .call(
            "invitation_accept",
            json!({"token": uma_token}),
            Some(&uma_s),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);

    // Users manage nothing.
    let ann_id = ann_row["id"].clone();
    let uma_id = uma_row["id"].clone();
    let olga_id = listed
        .iter()
        .find(|m| m["email"] == olga.email)
        .expect("olga")["id"]
        .clone();
    let change =
        |change: Value, members: &[&Value]| o(json!({"change": change, "members": members}));
    for (endpoint, args) in [
        ("org_members", o(json!({}))),
        ("org_invite", invite(&[eve.email], "user")),
        ("org_members_change", change(json!("revoke"), &[&uma_id])),
        ("collection_create", o(json!({"name": "Ann's"}))),
    ] {
        let r = h.call(endpoint, args, Some(&ann_s)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{endpoint}: {}", r.text);
    }

    // Admins manage everyone but owners, and nobody revokes themselves.
    let r = h
        .call(
            "org_members_change",
            change(json!({"role": "admin"}), &[&ann_id]),
            Some(&olga_s),
        )
        .await;
    assert_eq!(outcome_errors(&r), [Value::Null]);
    for (what, target) in [
        (json!({"role": "owner"}), &ann_id),
        (json!("revoke"), &olga_id),
        (json!({"role": "user"}), &olga_id),
    ] {
        let r = h
            .call(
                "org_members_change",
                change(what.clone(), &[target]),
                Some(&ann_s),
            )
            .await;
        assert_eq!(problem(&outcome_errors(&r)[0]), "owners_only", "{what}");
    }
    let r = h
        .call(
            "org_members_change",
            change(json!("revoke"), &[&ann_id]),
            Some(&ann_s),
        )
        .await;
    assert_eq!(problem(&outcome_errors(&r)[0]), "yourself");
    let r = h
        .call("org_invite", invite(&[eve.email], "owner"), Some(&ann_s))
        .await;
    assert_eq!(r.field_error(), ("role".into(), "owners_only".into()));

    // Revoked members reach nothing at once and take no seat; restoring one needs a free seat.
    let r = h
        .call(
            "org_members_change",
            change(json!("revoke"), &[&uma_id]),
            Some(&ann_s),
        )
        .await;
    assert_eq!(outcome_errors(&r), [Value::Null]);
    let uma_mine = h.call("orgs_mine", json!({}), Some(&uma_s)).await;
    assert_eq!(uma_mine.body[0]["revoked"], true);
    let r = h
        .call("org_invite", invite(&[eve.email], "user"), Some(&ann_s))
        .await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "the revoked seat is free: {}",
        r.text
    );

    // Re-sending: a fresh link for someone still invited, and the old one stops working; only
    // owners and admins may, and only for invited members.
    h.wait_for_outbox(3).await;
    let first_link = token_for(h, eve.email);
    let eve_id = h
        .call("org_members", o(json!({})), Some(&olga_s))
        .await
        .body
        .as_array()
        .expect("members")
        .iter()
        .find(|m| m["email"] == eve.email)
        .expect("Eve is listed")["id"]
        .clone();
    let reinvite = |member: &Value| o(json!({"member": member}));
    let r = h
        .call("org_reinvite", reinvite(&eve_id), Some(&eve_s))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "not in yet: {}", r.text);
    let r = h
        .call("org_reinvite", reinvite(&ann_id), Some(&olga_s))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "Ann is no longer invited");
    let r = h
        .call("org_reinvite", reinvite(&eve_id), Some(&olga_s))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    h.wait_for_outbox(4).await;
    let second_link = token_for(h, eve.email);
    assert_ne!(second_link, first_link);
    let r = h
        .call("invitation_info", json!({"token": first_link}), None)
        .await;
    assert_eq!(
        r.field_error(),
        ("invitation_link".into(), "invalid".into())
    );
    let r = h
        .call("invitation_info", json!({"token": second_link}), None)
        .await;
    assert_eq!(r.body["email"], eve.email, "{}", r.text);
    let r = h
        .call(
            "org_members_change",
            change(json!("restore"), &[&uma_id]),
            Some(&olga_s),
        )
        .await;
    assert_eq!(problem(&outcome_errors(&r)[0]), "limit_reached");
    let r = h
        .call(
            "org_members_change",
            change(json!("revoke"), &[&ann_id]),
            Some(&olga_s),
        )
        .await;
    assert_eq!(outcome_errors(&r), [Value::Null]);
    let r = h.call("org_members", o(json!({})), Some(&ann_s)).await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "a revoked admin is out at once"
    );
    let r = h
        .call(
            "org_members_change",
            change(json!("restore"), &[&ann_id]),
            Some(&olga_s),
        )
        .await;
    assert_eq!(
        outcome_errors(&r),
        [Value::Null],
        "Ann's own seat was free again"
    );

    // The last confirmed owner stays.
    let r = h
        .call(
            "org_members_change",
            change(json!("revoke"), &[&olga_id]),
            Some(&olga_s),
        )
        .await;
    assert_eq!(problem(&outcome_errors(&r)[0]), "yourself");
    let r = h
        .call(
            "org_members_change",
            change(json!({"role": "admin"}), &[&olga_id]),
            Some(&olga_s),
        )
        .await;
    assert_eq!(problem(&outcome_errors(&r)[0]), "last_owner");
    let r = h.call("org_leave", o(json!({})), Some(&olga_s)).await;
    assert_eq!(r.field_error(), ("members".into(), "last_owner".into()));
    let r = h
        .call(
            "org_members_change",
            change(json!("remove"), &[&olga_id]),
            Some(&olga_s),
        )
        .await;
    assert_eq!(problem(&outcome_errors(&r)[0]), "yourself");

    // Settings and collections.
    let settings = |seats: u32| {
        o(
            json!({"settings": {"name": "Acme Corp", "billing_email": "b@acme.test", "plan": "enterprise", "seats": seats}}),
        )
    };
    let r = h.call("org_update", settings(2), Some(&olga_s)).await;
    assert_eq!(
        r.field_error(),
        ("seats".into(), "too_short".into()),
        "3 seats are taken"
    );
    let r = h.call("org_update", settings(5), Some(&olga_s)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = h
        .call(
            "collection_create",
            o(json!({"name": "Clients/Acme"})),
            Some(&olga_s),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = h
        .call(
            "collection_create",
            o(json!({"name": " Clients/Acme "})),
            Some(&olga_s),
        )
        .await;
    assert_eq!(r.field_error(), ("collection_name".into(), "taken".into()));
    let r = h
        .call(
            "collection_create",
            o(json!({"name": "Clients//"})),
            Some(&olga_s),
        )
        .await;
    assert_eq!(
        r.field_error(),
        ("collection_name".into(), "invalid".into())
    );
    let r = h.call("org_collections", o(json!({})), Some(&olga_s)).await;
    let names: Vec<&str> = r
        .body
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert_eq!(names, ["Clients/Acme", "Default collection"]);

    // Handing over: a second owner lets the first one leave.
    let r = h
        .call(
            "org_members_change",
            change(json!("restore"), &[&uma_id]),
            Some(&olga_s),
        )
        .await;
    assert_eq!(outcome_errors(&r), [Value::Null], "five seats now");
    let r = h
        .call(
            "org_members_change",
            change(json!({"role": "owner"}), &[&ann_id]),
            Some(&olga_s),
        )
        .await;
    assert_eq!(outcome_errors(&r), [Value::Null]);
    let r = h.call("org_leave", o(json!({})), Some(&olga_s)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = h.call("org_members", o(json!({})), Some(&olga_s)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "gone is gone");

    // Every change is in the event log, with who did it.
    let events = h.count(&format!("events WHERE org_id = '{org}'")).await;
    assert!(events >= 14, "{events} events");
    let olga_events = h
        .count(&format!(
            "events WHERE org_id = '{org}' AND actor_id IS NOT NULL"
        ))
        .await;
    assert_eq!(olga_events, events, "every event names its actor");

    // Deleting needs the name typed as it is.
    let r = h
        .call("org_delete", o(json!({"name": "Acme"})), Some(&ann_s))
        .await;
    assert_eq!(r.field_error(), ("org_name".into(), "mismatch".into()));
    let r = h
        .call("org_delete", o(json!({"name": "Acme Corp"})), Some(&ann_s))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(h.count("org_members").await, 0);
    assert_eq!(h.count("collections").await, 0);
}

/// Seats hold when invitations race: with one seat left, one of several parallel invitations wins.
async fn seats_race_story(h: &Harness) {
    let olga = person("race-olga@acme.test", "olga races for the seats");
    let olga_s = h.signed_up("127.0.2.1", &olga, "Olga").await;
    let key = SymmetricKey::generate().expect("key");
    let created = h
        .call(
            "org_create",
            json!({"new": {"settings": {"name": "Race", "billing_email": "r@acme.test", "plan": "teams", "seats": 2},
                "sealed_org_key": seal_to(&olga.material.public_key, &key), "default_collection": "Default"}}),
            Some(&olga_s),
        )
        .await;
    let org = created.body["org_id"].clone();
    let calls = (0..6).map(|i| {
        let args = json!({"org": org, "invite": {"emails": [format!("racer{i}@acme.test")], "role": "user", "groups": [], "collections": []}});
        h.call("org_invite", args, Some(&olga_s))
    });
    let replies = futures::future::join_all(calls).await;
    let won = replies
        .iter()
        .filter(|r| r.status == StatusCode::OK)
        .count();
    assert_eq!(
        won,
        1,
        "{:?}",
        replies.iter().map(|r| &r.text).collect::<Vec<_>>()
    );
    for r in replies.iter().filter(|r| r.status != StatusCode::OK) {
        assert_eq!(r.field_error(), ("seats".into(), "limit_reached".into()));
    }
    assert_eq!(h.count("org_members").await, 2);
}

on_both_databases!(organization_story: organizations_on_sqlite, organizations_on_postgres);
on_both_databases!(seats_race_story: seats_race_on_sqlite, seats_race_on_postgres);
