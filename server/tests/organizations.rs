//! Organizations, told as one story on SQLite and on PostgreSQL: an owner creates one with a key
//! made and sealed here (as the browser does), invites by mail, members accept with the link and
//! are confirmed with the key sealed to them; every rule is tried by someone it should stop.

mod common;

use app::crypto::{b64, sealed, unb64, SymmetricKey};
use common::*;
use http::StatusCode;
use serde_json::{json, Value};

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
    let start = mail.find("/org?invite=").expect("an invitation link") + "/org?invite=".len();
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
    assert_eq!(
        no_seats.field_error(),
        ("seats".into(), "out_of_range".into())
    );
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
        (
            "org_member_page",
            o(json!({"query": {"search": "", "sort": "member", "descending": false, "page": 0}})),
        ),
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
            .any(|m| m.contains("Olga invited you to the organization “Acme”")),
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
    // The Members section's page: the same members in the same order, searched by address
    // (case and wildcards taken literally), ordered by role, with everyone waiting.
    let page = |search: &str, sort: &str, descending: bool| {
        o(json!({"query": {"search": search, "sort": sort, "descending": descending, "page": 0}}))
    };
    let all = h
        .call("org_member_page", page("", "member", false), Some(&olga_s))
        .await;
    assert_eq!(all.body["matching"], json!(listed.len()), "{}", all.text);
    assert_eq!(all.body["members"], json!(listed));
    let waiting: Vec<Value> = listed
        .iter()
        .filter(|m| m["status"] == "accepted" && m["revoked"] == false)
        .cloned()
        .collect();
    assert!(!waiting.is_empty());
    assert_eq!(all.body["waiting"], json!(waiting.len()));
    let mut only_waiting = page("", "member", false);
    only_waiting["query"]["waiting"] = json!(true);
    let those = h.call("org_member_page", only_waiting, Some(&olga_s)).await;
    assert_eq!(those.body["members"], json!(waiting), "{}", those.text);
    assert_eq!(those.body["matching"], json!(waiting.len()));
    let found = h
        .call(
            "org_member_page",
            page(" ANN@", "member", false),
            Some(&olga_s),
        )
        .await;
    assert_eq!(found.body["matching"], 1, "{}", found.text);
    assert_eq!(found.body["members"][0]["email"], ann.email);
    let none = h
        .call("org_member_page", page("%", "member", false), Some(&olga_s))
        .await;
    assert_eq!(none.body["matching"], 0, "{}", none.text);
    assert_eq!(none.body["members"], json!([]));
    let by_role = h
        .call("org_member_page", page("", "role", true), Some(&olga_s))
        .await;
    let roles: Vec<&Value> = by_role.body["members"]
        .as_array()
        .expect("members")
        .iter()
        .map(|m| &m["role"])
        .collect();
    assert_eq!(roles.last(), Some(&&json!("owner")), "{}", by_role.text);
    assert_eq!(roles.first(), Some(&&json!("user")), "{}", by_role.text);
    let long = h
        .call(
            "org_member_page",
            page(&"a".repeat(201), "member", false),
            Some(&olga_s),
        )
        .await;
    assert_eq!(long.field_error(), ("members".into(), "too_long".into()));
    let nul = h
        .call(
            "org_member_page",
            page("a\u{0}b", "member", false),
            Some(&olga_s),
        )
        .await;
    assert_eq!(nul.field_error(), ("members".into(), "invalid".into()));
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
        (
            "org_member_page",
            o(json!({"query": {"search": "", "sort": "member", "descending": false, "page": 0}})),
        ),
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

/// A member joins `org` as a user with `grants`: invited by the owner, accepts with the mailed
/// link, confirmed with the key sealed to them. Returns their member id.
#[allow(clippy::too_many_arguments)]
async fn join(
    h: &Harness,
    org: &str,
    owner_s: &str,
    key: &SymmetricKey,
    p: &Person,
    session: &str,
    grants: Value,
    mails: &mut usize,
) -> Value {
    let r = h
        .call(
            "org_invite",
            json!({"org": org, "invite": {"emails": [p.email], "role": "user", "groups": [], "collections": grants}}),
            Some(owner_s),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    *mails += 1;
    h.wait_for_outbox(*mails).await;
    let token = token_for(h, p.email);
    let r = h
        .call("invitation_accept", json!({"token": token}), Some(session))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let members = h
        .call("org_members", json!({"org": org}), Some(owner_s))
        .await;
    let row = members
        .body
        .as_array()
        .expect("members")
        .iter()
        .find(|m| m["email"] == p.email)
        .expect("listed")
        .clone();
    let r = h
        .call(
            "org_confirm",
            json!({"org": org, "confirmations": [{"member": row["id"], "sealed_org_key": seal_to(&p.material.public_key, key)}]}),
            Some(owner_s),
        )
        .await;
    assert_eq!(outcome_errors(&r), [Value::Null]);
    row["id"].clone()
}

/// Shared items at every access level, tried through the server functions (not a page): each
/// member reads, edits, trashes, moves and re-shares exactly what their grants give, and the
/// secret part never reaches a member whose access hides passwords.
async fn sharing_story(h: &Harness) {
    use app::crypto::items::{open_shared, seal_shared, seal_shared_data, Binding, Owner};
    use app::domain::item::ItemData;
    use app::domain::{ItemId, OrgId};
    let olga = person("share-olga@acme.test", "olga shares the keys");
    let hana = person("share-hana@acme.test", "hana sees but no passwords");
    let eddy = person("share-eddy@acme.test", "eddy edits without passwords");
    let wes = person("share-wes@acme.test", "wes edits everything in ops");
    let olga_s = h.signed_up("127.0.3.1", &olga, "Olga").await;
    let hana_s = h.signed_up("127.0.3.2", &hana, "Hana").await;
    let eddy_s = h.signed_up("127.0.3.3", &eddy, "Eddy").await;
    let wes_s = h.signed_up("127.0.3.4", &wes, "Wes").await;
    let key = SymmetricKey::generate().expect("key");
    let created = h
        .call(
            "org_create",
            json!({"new": {"settings": {"name": "Share", "billing_email": "s@acme.test", "plan": "teams", "seats": 10},
                "sealed_org_key": seal_to(&olga.material.public_key, &key), "default_collection": "Default"}}),
            Some(&olga_s),
        )
        .await;
    let org = created.body["org_id"].as_str().expect("org").to_owned();
    let org_id = OrgId::from_stored(org.clone());
    let collection = |name: &str| {
        let name = name.to_owned();
        let (org, olga_s) = (org.clone(), olga_s.clone());
        async move {
            let r = h
                .call(
                    "collection_create",
                    json!({"org": org, "name": name}),
                    Some(&olga_s),
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.text);
            r.body["id"].clone()
        }
    };
    let ops = collection("Ops").await;
    let finance = collection("Finance").await;
    let default = h
        .call("org_collections", json!({"org": org}), Some(&olga_s))
        .await
        .body
        .as_array()
        .expect("collections")
        .iter()
        .find(|c| c["name"] == "Default")
        .expect("default")["id"]
        .clone();
    let mut mails = h.outbox_mails().len();
    let grant = |c: &Value, level: &str| json!({"collection": c, "level": level});
    let hana_m = join(
        h,
        &org,
        &olga_s,
        &key,
        &hana,
        &hana_s,
        json!([grant(&ops, "view_except_passwords")]),
        &mut mails,
    )
    .await;
    join(
        h,
        &org,
        &olga_s,
        &key,
        &eddy,
        &eddy_s,
        json!([
            grant(&ops, "edit_except_passwords"),
            grant(&finance, "view")
        ]),
        &mut mails,
    )
    .await;
    let wes_m = join(
        h,
        &org,
        &olga_s,
        &key,
        &wes,
        &wes_s,
        json!([grant(&ops, "edit")]),
        &mut mails,
    )
    .await;

    // Items are sealed here as the browser seals them: two parts, bound to id and organization.
    let item = |name: &str, password: &str| {
        let mut data = ItemData {
            name: name.into(),
            ..Default::default()
        };
        data.login.username = format!("{name}-user");
        data.login.password = password.into();
        let id = ItemId::from_stored(app::db::new_id());
        let (open, secrets) = seal_shared(
            &key,
            &data,
            Binding {
                owner: Owner::Org(&org_id),
                item: &id,
            },
        )
        .expect("seal");
        (id, open, secrets, data)
    };
    let create = |id: &ItemId, open: &str, secrets: Option<&str>, collections: Value| json!({"org": org, "id": id, "item": {"item_type": "login", "data": open, "secrets": secrets}, "collections": collections});
    let (router, router_open, router_secrets, router_data) = item("router", "router-pw-4711");
    let (bank, bank_open, bank_secrets, _) = item("bank", "bank-pw-0815");
    let (lost, lost_open, lost_secrets, _) = item("lost", "lost-pw-1234");
    for (id, open, secrets, collections) in [
        (&router, &router_open, &router_secrets, json!([ops])),
        (&bank, &bank_open, &bank_secrets, json!([finance])),
        (&lost, &lost_open, &lost_secrets, json!([default])),
    ] {
        let r = h
            .call(
                "shared_create",
                create(id, open, Some(secrets), collections),
                Some(&olga_s),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    }
    // Deleting the only collection of an item leaves it unassigned: owners still reach it.
    let r = h
        .call(
            "collection_delete",
            json!({"org": org, "id": default}),
            Some(&olga_s),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);

    let list = |session: &str| {
        let (org, session) = (org.clone(), session.to_owned());
        async move {
            let r = h
                .call("shared_list", json!({"org": org}), Some(&session))
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.text);
            r
        }
    };
    let ids = |r: &Reply| {
        let mut v: Vec<String> = r.body["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|i| i["id"].as_str().expect("id").to_owned())
            .collect();
        v.sort();
        v
    };
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };
    // In her own vault the owner, like every member, has the collections assigned to her (she
    // made Ops and Finance): the unassigned item she reaches in the console only.
    let olga_list = list(&olga_s).await;
    assert_eq!(
        ids(&olga_list),
        sorted(vec![router.to_string(), bank.to_string()])
    );
    let console = h
        .call("org_vault", json!({"org": org}), Some(&olga_s))
        .await;
    assert_eq!(
        ids(&console),
        sorted(vec![router.to_string(), bank.to_string(), lost.to_string()])
    );
    let owner_copy = olga_list.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["id"] == router.as_str())
        .expect("router")
        .clone();
    let opened = open_shared(
        &key,
        owner_copy["data"].as_str().expect("data"),
        owner_copy["secrets"].as_str(),
        Binding {
            owner: Owner::Org(&org_id),
            item: &router,
        },
    )
    .expect("the owner opens it");
    assert_eq!(opened.seal.len(), 32, "sealed with a seal of its own");
    assert_eq!(
        ItemData {
            seal: String::new(),
            ..opened
        },
        router_data
    );

    // Hana (view, except passwords): the item, never its secret part, on the wire.
    let hana_list = list(&hana_s).await;
    assert_eq!(ids(&hana_list), [router.to_string()]);
    assert_eq!(hana_list.body["items"][0]["secrets"], Value::Null);
    assert_eq!(
        hana_list.body["items"][0]["rights"],
        json!({"edit": false, "secrets": false, "manage": false})
    );
    assert!(
        !hana_list.text.contains(&router_secrets),
        "the secret part was sent"
    );
    assert_eq!(
        hana_list.body["collections"].as_array().map(Vec::len),
        Some(1),
        "she reaches one collection"
    );
    let edit = |id: &ItemId, revision: i64, open: &str, secrets: Option<&str>| json!({"org": org, "id": id, "revision": revision, "item": {"item_type": "login", "data": open, "secrets": secrets}});
    let ids_of = |list: &[&ItemId]| json!({"org": org, "ids": list});
    for (endpoint, args, status) in [
        (
            "shared_update",
            edit(&router, 1, &router_open, None),
            StatusCode::FORBIDDEN,
        ),
        (
            "shared_update",
            edit(&router, 1, &router_open, Some(&router_secrets)),
            StatusCode::FORBIDDEN,
        ),
        ("shared_trash", ids_of(&[&router]), StatusCode::FORBIDDEN),
        (
            "shared_move",
            json!({"org": org, "ids": [router], "collections": [ops]}),
            StatusCode::FORBIDDEN,
        ),
        (
            "shared_create",
            create(
                &ItemId::from_stored(app::db::new_id()),
                &router_open,
                Some(&router_secrets),
                json!([ops]),
            ),
            StatusCode::FORBIDDEN,
        ),
        (
            "collection_access_set",
            json!({"org": org, "id": ops, "access": {"members": [], "groups": []}}),
            StatusCode::FORBIDDEN,
        ),
        (
            "collection_access_get",
            json!({"org": org, "id": ops}),
            StatusCode::FORBIDDEN,
        ),
        // What she does not reach does not exist for her.
        (
            "shared_update",
            edit(&bank, 1, &bank_open, None),
            StatusCode::NOT_FOUND,
        ),
        ("shared_trash", ids_of(&[&lost]), StatusCode::NOT_FOUND),
        (
            "collection_reach",
            json!({"org": org, "id": ops}),
            StatusCode::FORBIDDEN,
        ),
    ] {
        let r = h.call(endpoint, args, Some(&hana_s)).await;
        assert_eq!(r.status, status, "hana {endpoint}: {}", r.text);
    }
    // Her favorite is her own.
    let r = h
        .call(
            "shared_mark",
            json!({"org": org, "id": router, "favorite": true, "folder_id": null}),
            Some(&hana_s),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(list(&hana_s).await.body["items"][0]["favorite"], true);
    assert_eq!(
        list(&olga_s).await.body["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|i| i["id"] == router.as_str())
            .expect("router")["favorite"],
        false
    );

    // Eddy (edit except passwords on Ops, view on Finance): changes the open part only; the
    // secrets he never saw stay as they were.
    let eddy_list = list(&eddy_s).await;
    assert_eq!(
        ids(&eddy_list),
        sorted(vec![router.to_string(), bank.to_string()])
    );
    let eddy_router = eddy_list.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["id"] == router.as_str())
        .expect("router")
        .clone();
    assert_eq!(eddy_router["secrets"], Value::Null);
    assert!(!eddy_list.text.contains(&router_secrets));
    assert!(
        eddy_list.text.contains(&bank_secrets),
        "view shows passwords"
    );
    let mut renamed = router_data.clone();
    renamed.login.username = "renamed-user".into();
    let at_router = Binding {
        owner: Owner::Org(&org_id),
        item: &router,
    };
    let (_, forged_secrets) = seal_shared(&key, &renamed, at_router).expect("seal");
    // As Eddy's browser does: the open part he received, changed, sealed again with its seal (the
    // secrets he never saw stay, and still fit it).
    let mut seen = open_shared(
        &key,
        eddy_router["data"].as_str().expect("data"),
        None,
        at_router,
    )
    .expect("eddy opens the open part");
    seen.login.username = "renamed-user".into();
    let renamed_open = seal_shared_data(&key, &seen, at_router).expect("seal");
    let r = h
        .call(
            "shared_update",
            edit(&router, 1, &renamed_open, Some(&forged_secrets)),
            Some(&eddy_s),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "no new secrets: {}",
        r.text
    );
    let r = h
        .call(
            "shared_update",
            edit(&router, 1, &renamed_open, None),
            Some(&eddy_s),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["revision"], 2);
    assert_eq!(r.body["secrets"], Value::Null);
    let stale = h
        .call(
            "shared_update",
            edit(&router, 1, &renamed_open, None),
            Some(&eddy_s),
        )
        .await;
    assert_eq!(stale.error()["error"], "conflict");
    let mut as_card = edit(&router, 2, &renamed_open, None);
    as_card["item"]["item_type"] = json!("card");
    let r = h.call("shared_update", as_card, Some(&eddy_s)).await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "not what the item is: {}",
        r.text
    );
    for (endpoint, args) in [
        ("shared_trash", ids_of(&[&router])),
        (
            "shared_move",
            json!({"org": org, "ids": [router], "collections": [ops]}),
        ),
        (
            "shared_create",
            create(
                &ItemId::from_stored(app::db::new_id()),
                &router_open,
                Some(&router_secrets),
                json!([ops]),
            ),
        ),
        ("shared_update", edit(&bank, 1, &bank_open, None)),
    ] {
        let r = h.call(endpoint, args, Some(&eddy_s)).await;
        assert_eq!(
            r.status,
            StatusCode::FORBIDDEN,
            "eddy {endpoint}: {}",
            r.text
        );
    }
    let now = list(&olga_s).await;
    let owner_copy = now.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["id"] == router.as_str())
        .expect("router")
        .clone();
    assert_eq!(owner_copy["secrets"], json!(router_secrets), "kept");
    let opened = open_shared(
        &key,
        owner_copy["data"].as_str().expect("data"),
        owner_copy["secrets"].as_str(),
        Binding {
            owner: Owner::Org(&org_id),
            item: &router,
        },
    )
    .expect("opens");
    assert_eq!(
        (
            opened.login.username.as_str(),
            opened.login.password.as_str()
        ),
        ("renamed-user", "router-pw-4711")
    );

    // Wes (edit on Ops): everything in Ops, nothing beyond; a bulk call is all or nothing.
    let r = h
        .call("shared_trash", ids_of(&[&router, &bank]), Some(&wes_s))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
    assert_eq!(
        list(&wes_s).await.body["items"][0]["deleted_at"],
        Value::Null,
        "nothing was trashed"
    );
    let r = h
        .call(
            "shared_move",
            json!({"org": org, "ids": [router], "collections": [finance]}),
            Some(&wes_s),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
    let r = h
        .call(
            "shared_update",
            edit(&router, 2, &router_open, Some(&router_secrets)),
            Some(&wes_s),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = h
        .call("shared_trash", ids_of(&[&router]), Some(&wes_s))
        .await;
    assert_eq!(r.body, json!(1), "{}", r.text);
    let r = h
        .call("shared_restore", ids_of(&[&router]), Some(&wes_s))
        .await;
    assert_eq!(r.body, json!(1), "{}", r.text);
    let r = h
        .call("shared_delete", ids_of(&[&router]), Some(&wes_s))
        .await;
    assert_eq!(r.body, json!(0), "only trashed items are deleted");

    // Across collections the most permissive right wins, right by right: with the router also
    // in Finance (view, with passwords), Eddy now receives its secrets and may change them.
    let r = h
        .call(
            "shared_move",
            json!({"org": org, "ids": [router], "collections": [ops, finance]}),
            Some(&olga_s),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let eddy_list = list(&eddy_s).await;
    assert!(eddy_list.text.contains(&router_secrets));

    // Groups: Hana's group manages Ops, but her own grant there overrides it.
    let r = h
        .call(
            "group_create",
            json!({"org": org, "group": {"name": "Support", "members": [hana_m], "collections": [grant(&ops, "manage"), grant(&finance, "manage")]}}),
            Some(&olga_s),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let support = r.body.clone();
    let hana_list = list(&hana_s).await;
    assert_eq!(
        ids(&hana_list),
        sorted(vec![router.to_string(), bank.to_string()])
    );
    assert!(
        hana_list.text.contains(&bank_secrets),
        "manage through the group on Finance shows passwords"
    );
    let hana_router = hana_list.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["id"] == router.as_str())
        .expect("router")
        .clone();
    assert_eq!(
        hana_router["rights"]["manage"], true,
        "Finance's manage joins in"
    );
    // She manages Finance (through the group) and sets who reaches it; not Ops.
    let r = h
        .call(
            "collection_access_get",
            json!({"org": org, "id": finance}),
            Some(&hana_s),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = h
        .call(
            "collection_access_set",
            json!({"org": org, "id": ops, "access": {"members": [], "groups": []}}),
            Some(&hana_s),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "her own grant on Ops hides it: {}",
        r.text
    );
    let reach = h
        .call(
            "collection_reach",
            json!({"org": org, "id": ops}),
            Some(&olga_s),
        )
        .await;
    assert_eq!(reach.status, StatusCode::OK, "{}", reach.text);
    // One answer per member: the lines that explain it, and what they give together.
    let member_of = |reach: &Reply, email: &str| -> Value {
        reach.body["members"]
            .as_array()
            .expect("members")
            .iter()
            .find(|m| m["email"] == email)
            .unwrap_or_else(|| panic!("{email} in {}", reach.text))
            .clone()
    };
    let ways = |m: &Value| -> Vec<(String, Value)> {
        m["lines"]
            .as_array()
            .expect("lines")
            .iter()
            .map(|l| {
                (
                    l["level"].as_str().unwrap_or_default().to_owned(),
                    l["via_group"].clone(),
                )
            })
            .collect()
    };
    let hana_reach = member_of(&reach, hana.email);
    assert!(
        ways(&hana_reach).contains(&("view_except_passwords".into(), Value::Null)),
        "{hana_reach}"
    );
    assert!(
        ways(&hana_reach).contains(&("manage".into(), json!("Support"))),
        "{hana_reach}"
    );
    assert_eq!(
        hana_reach["effective"], "view_except_passwords",
        "her own grant on Ops overrides the group's there: {hana_reach}"
    );
    let olga_reach = member_of(&reach, olga.email);
    assert_eq!(olga_reach["via_role"], true);
    assert_eq!(olga_reach["effective"], "manage");
    let r = h
        .call(
            "group_delete",
            json!({"org": org, "id": support}),
            Some(&hana_s),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // Reading and changing groups, renaming collections, the log and who reaches an item are
    // the owners' and admins'; each refuses a user and bad input, and answers the owner.
    for (endpoint, args) in [
        ("org_groups", json!({"org": org})),
        (
            "group_update",
            json!({"org": org, "id": support, "group": {"name": "Mine", "members": [], "collections": []}}),
        ),
        (
            "collection_rename",
            json!({"org": org, "id": ops, "name": "Hana's"}),
        ),
        ("item_reach", json!({"org": org, "id": router})),
        (
            "org_events",
            json!({"org": org, "filter": {}, "before": null}),
        ),
    ] {
        let r = h.call(endpoint, args, Some(&hana_s)).await;
        assert_eq!(
            r.status,
            StatusCode::FORBIDDEN,
            "hana {endpoint}: {}",
            r.text
        );
    }
    let groups = h
        .call("org_groups", json!({"org": org}), Some(&olga_s))
        .await;
    assert_eq!(groups.body[0]["name"], "Support", "{}", groups.text);
    assert_eq!(groups.body[0]["members"], json!([hana_m]));
    let foreign = json!({"org": org, "id": support, "group": {"name": "Support", "members": [app::db::new_id()], "collections": []}});
    let r = h.call("group_update", foreign, Some(&olga_s)).await;
    assert_eq!(r.field_error(), ("members".into(), "invalid".into()));
    let after = h
        .call("org_groups", json!({"org": org}), Some(&olga_s))
        .await;
    assert_eq!(
        after.body[0]["members"],
        json!([hana_m]),
        "a refused update changes nothing"
    );
    let renamed = json!({"org": org, "id": support, "group": {"name": "Helpdesk", "members": [hana_m], "collections": [grant(&ops, "manage"), grant(&finance, "manage")]}});
    let r = h.call("group_update", renamed, Some(&olga_s)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let rename = |id: &Value, name: &str| json!({"org": org, "id": id, "name": name});
    let r = h
        .call("collection_rename", rename(&finance, "Ops"), Some(&olga_s))
        .await;
    assert_eq!(r.field_error(), ("collection_name".into(), "taken".into()));
    let r = h
        .call(
            "collection_rename",
            rename(&finance, "Money/Finance"),
            Some(&olga_s),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let ghost = json!(app::db::new_id());
    let r = h
        .call("collection_rename", rename(&ghost, "Ghost"), Some(&olga_s))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let reach = h
        .call(
            "item_reach",
            json!({"org": org, "id": router}),
            Some(&olga_s),
        )
        .await;
    let hana_reach = member_of(&reach, hana.email);
    let via: Vec<(Value, Value)> = ways(&hana_reach)
        .into_iter()
        .map(|(level, group)| (json!(level), group))
        .collect();
    assert!(
        via.contains(&(json!("view_except_passwords"), Value::Null)),
        "{via:?}"
    );
    assert!(
        via.contains(&(json!("manage"), json!("Helpdesk"))),
        "{via:?}"
    );
    // On Ops her own grant wins over the group's, and the answer says so; the group's manage
    // on Finance, the router's other collection, is what she can do with it in all.
    assert_eq!(hana_reach["effective"], "manage", "{hana_reach}");
    for line in hana_reach["lines"].as_array().expect("lines") {
        assert_eq!(
            line["overridden"],
            line["via_group"] == "Helpdesk" && line["collection"] == ops,
            "{line}"
        );
    }
    let r = h
        .call(
            "item_reach",
            json!({"org": org, "id": ghost}),
            Some(&olga_s),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let log =
        |filter: Value, before: Value| json!({"org": org, "filter": filter, "before": before});
    let created = h
        .call(
            "org_events",
            log(json!({"kind": "item_created"}), Value::Null),
            Some(&olga_s),
        )
        .await;
    let events = created.body["events"].as_array().expect("events").clone();
    assert_eq!(events.len(), 3, "{}", created.text);
    assert!(events
        .iter()
        .all(|e| e["kind"] == "item_created" && e["actor_email"] == olga.email));
    assert!(
        events
            .windows(2)
            .all(|w| w[0]["at"].as_i64() >= w[1]["at"].as_i64()),
        "newest first"
    );
    let r = h
        .call(
            "org_events",
            log(json!({"kind": "x' OR 1=1"}), Value::Null),
            Some(&olga_s),
        )
        .await;
    assert_eq!(r.field_error(), ("event_kind".into(), "invalid".into()));
    let cursor = json!({"at": events[0]["at"], "id": events[0]["id"]});
    let older = h
        .call("org_events", log(json!({}), cursor), Some(&olga_s))
        .await;
    let older = older.body["events"].as_array().expect("events").clone();
    assert!(!older.is_empty());
    assert!(older
        .iter()
        .all(|e| e["at"].as_i64() <= events[0]["at"].as_i64() && e["id"] != events[0]["id"]));

    // A revoked member reaches nothing at once.
    let r = h
        .call(
            "org_members_change",
            json!({"org": org, "change": "revoke", "members": [wes_m]}),
            Some(&olga_s),
        )
        .await;
    assert_eq!(outcome_errors(&r), [Value::Null]);
    let r = h
        .call("shared_list", json!({"org": org}), Some(&wes_s))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // A personal item moves in, re-sealed for the organization, in one transaction.
    let mine = ItemId::from_stored(app::db::new_id());
    let personal = h
        .call(
            "item_create",
            json!({"id": mine, "item": {"item_type": "login", "folder_id": null, "favorite": false, "data": key.encrypt(b"x", "keyhaven:item").expect("enc").to_string()}}),
            Some(&olga_s),
        )
        .await;
    assert_eq!(personal.status, StatusCode::OK, "{}", personal.text);
    let (_, moved_open, moved_secrets, _) = item("moved", "moved-pw");
    let move_in = |revision: i64| json!({"org": org, "moves": [{"id": mine, "revision": revision, "item": {"item_type": "login", "data": moved_open, "secrets": moved_secrets}}], "collections": [ops]});
    let r = h.call("shared_move_in", move_in(7), Some(&olga_s)).await;
    assert_eq!(r.error()["error"], "conflict");
    assert_eq!(h.count("items").await, 1, "a refused move changes nothing");
    let r = h.call("shared_move_in", move_in(1), Some(&olga_s)).await;
    assert_eq!(r.body, json!(1), "{}", r.text);
    assert_eq!(h.count("items").await, 0);
    assert!(ids(&list(&hana_s).await).contains(&mine.to_string()));

    // The Admin Console lists every item, unassigned ones too, without secrets; opening one's
    // secrets there is a call of its own, for owners and admins, and it is recorded.
    let console = h
        .call("org_vault", json!({"org": org}), Some(&olga_s))
        .await;
    assert_eq!(console.status, StatusCode::OK, "{}", console.text);
    assert!(
        ids(&console).contains(&lost.to_string()),
        "unassigned items are listed"
    );
    assert!(console.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .all(|i| i["secrets"].is_null()));
    for (endpoint, args) in [
        ("org_vault", json!({"org": org})),
        ("org_item_secrets", json!({"org": org, "id": router})),
        ("org_health_items", json!({"org": org})),
    ] {
        let r = h.call(endpoint, args, Some(&hana_s)).await;
        assert_eq!(
            r.status,
            StatusCode::FORBIDDEN,
            "hana {endpoint}: {}",
            r.text
        );
    }
    let opened = h
        .call(
            "org_item_secrets",
            json!({"org": org, "id": lost}),
            Some(&olga_s),
        )
        .await;
    assert_eq!(opened.body, json!(lost_secrets), "{}", opened.text);

    // The password health report reads every item with its secrets, in pages; each page read
    // is recorded with how many items it opened.
    let read_before = h.count("events WHERE kind = 'items_secrets_read'").await;
    let health = h
        .call("org_health_items", json!({"org": org}), Some(&olga_s))
        .await;
    assert_eq!(health.status, StatusCode::OK, "{}", health.text);
    let every = health.body["items"].as_array().expect("items");
    assert_eq!(
        every.len(),
        console.body["items"].as_array().expect("items").len()
    );
    assert!(
        every.iter().all(|i| i["secrets"].is_string()),
        "{}",
        health.text
    );
    assert!(every.iter().any(|i| i["secrets"] == json!(lost_secrets)));
    assert_eq!(
        h.count("events WHERE kind = 'items_secrets_read'").await,
        read_before + 1
    );
    let detail: String = sqlx::query_scalar(
        "SELECT detail FROM events WHERE kind = 'items_secrets_read' ORDER BY at DESC LIMIT 1",
    )
    .fetch_one(h.db.pool())
    .await
    .expect("detail");
    assert_eq!(detail, every.len().to_string());

    // An item in no collection gets one (no empty list reaches the database), and a bulk
    // change records only what it changed.
    let r = h
        .call(
            "shared_move",
            json!({"org": org, "ids": [lost], "collections": [ops]}),
            Some(&olga_s),
        )
        .await;
    assert_eq!(r.body, json!(1), "{}", r.text);
    let trash = json!({"org": org, "ids": [lost]});
    let trashed = "events WHERE kind = 'item_trashed'";
    let before = h.count(trashed).await;
    let r = h.call("shared_trash", trash.clone(), Some(&olga_s)).await;
    assert_eq!(r.body, json!(1), "{}", r.text);
    let r = h.call("shared_trash", trash.clone(), Some(&olga_s)).await;
    assert_eq!(r.body, json!(0), "already in the trash: {}", r.text);
    assert_eq!(h.count(trashed).await, before + 1);
    let r = h.call("shared_restore", trash, Some(&olga_s)).await;
    assert_eq!(r.body, json!(1), "{}", r.text);

    // Invitations are mail sent to others: bounded per call, and per recipient per hour.
    let many: Vec<Value> = (0..201)
        .map(|_| grant(&json!(app::db::new_id()), "view"))
        .collect();
    let r = h
        .call(
            "org_invite",
            json!({"org": org, "invite": {"emails": ["flood@elsewhere.test"], "role": "user", "groups": [], "collections": many}}),
            Some(&olga_s),
        )
        .await;
    assert_eq!(
        r.field_error(),
        ("collections".into(), "limit_reached".into())
    );
    let r = h
        .call(
            "org_invite",
            json!({"org": org, "invite": {"emails": ["flood@elsewhere.test"], "role": "user", "groups": [], "collections": []}}),
            Some(&olga_s),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let flood = r.body[0].clone();
    let mut sent = 1;
    let refused = loop {
        let r = h
            .call(
                "org_reinvite",
                json!({"org": org, "member": flood}),
                Some(&olga_s),
            )
            .await;
        if r.status != StatusCode::OK {
            break r;
        }
        sent += 1;
        assert!(
            sent <= 10,
            "an 11th invitation mail within the hour was sent"
        );
    };
    assert_eq!(sent, 10, "ten invitation mails an hour reach one address");
    assert_eq!(
        refused.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        refused.text
    );

    // The database holds none of the passwords, and the log names every change.
    let rows = sqlx::query("SELECT data, secrets FROM org_items")
        .fetch_all(h.db.pool())
        .await
        .expect("rows");
    use sqlx::Row;
    for row in rows {
        let both = format!(
            "{}{}",
            row.get::<String, _>("data"),
            row.get::<String, _>("secrets")
        );
        for secret in [
            "router-pw-4711",
            "bank-pw-0815",
            "router-user",
            "renamed-user",
        ] {
            assert!(!both.contains(secret));
        }
    }
    let kinds = sqlx::query("SELECT kind FROM events WHERE org_id = $1")
        .bind(&org)
        .fetch_all(h.db.pool())
        .await
        .expect("events")
        .iter()
        .map(|r| r.get::<String, _>("kind"))
        .collect::<Vec<_>>();
    for kind in [
        "item_created",
        "item_updated",
        "item_trashed",
        "item_restored",
        "item_collections_changed",
        "group_created",
        "collection_deleted",
        "item_moved_in",
        "member_reinvited",
        "item_secrets_viewed",
        "items_secrets_read",
    ] {
        assert!(kinds.iter().any(|k| k == kind), "{kind} in {kinds:?}");
    }
}

on_both_databases!(organization_story: organizations_on_sqlite, organizations_on_postgres);
on_both_databases!(seats_race_story: seats_race_on_sqlite, seats_race_on_postgres);
on_both_databases!(sharing_story: sharing_on_sqlite, sharing_on_postgres);
