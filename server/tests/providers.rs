//! Providers, told as stories on SQLite and on PostgreSQL: an operator creates a provider, its
//! first admin sets it up with a provider key made here (as the browser does), invites staff who
//! accept by mail and are confirmed with the key sealed to them; staff create and administer
//! client organizations as owners, and lose that at once when the client is unlinked, the
//! provider disabled or they are revoked. Every provider and operator function is called by
//! everyone it should stop; one organization is linked by 100 providers at once; two admins
//! demote each other at once.

mod common;

use app::crypto::{b64, sealed, unb64, SymmetricKey};
use app::domain::provider::client_key_purpose;
use app::domain::{OrgId, ProviderId};
use common::*;
use http::StatusCode;
use serde_json::{json, Value};

fn seal_to(public_key: &str, key: &SymmetricKey) -> String {
    b64(&sealed::seal(public_key, key.as_bytes()).expect("seal"))
}

fn opened(p: &Person, sealed_key: &Value) -> SymmetricKey {
    let bytes = unb64(sealed_key.as_str().expect("a sealed key")).expect("base64");
    SymmetricKey::from_slice(&sealed::open(&p.keys.private_key, &bytes).expect("opens"))
        .expect("32")
}

/// `org_key` encrypted under `provider_key`, bound to the link, as the browser does.
fn wrapped(
    provider_key: &SymmetricKey,
    provider: &str,
    org: &str,
    org_key: &SymmetricKey,
) -> String {
    provider_key
        .encrypt(
            org_key.as_bytes(),
            &client_key_purpose(
                &ProviderId::from_stored(provider.into()),
                &OrgId::from_stored(org.into()),
            ),
        )
        .expect("encrypt")
        .as_str()
        .to_owned()
}

/// The token of the newest mail to `to` with a link containing `marker`.
fn token_for(h: &Harness, to: &str, marker: &str) -> String {
    let mails = h.outbox_mails();
    let mail = mails
        .iter()
        .rev()
        .find(|m| m.contains(&format!("To: {to}")) && m.contains(marker))
        .unwrap_or_else(|| panic!("a mail to {to} with {marker}"));
    let start = mail.find(marker).expect("a link") + marker.len();
    mail[start..start + 64].to_owned()
}

fn ok(r: &Reply) -> &Value {
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    &r.body
}

fn no_errors(r: &Reply) {
    for outcome in ok(r).as_array().expect("outcomes") {
        assert!(outcome["error"].is_null(), "{}", r.text);
    }
}

async fn operator(h: &Harness, addr: &str, email: &'static str) -> String {
    let op = person(email, "the operator runs the instance");
    let s = h.signed_up(addr, &op, "Operator").await;
    assert!(app::db::users::set_operator(&h.db, email, true)
        .await
        .expect("grant"));
    s
}

/// The operator creates a provider for `admin`; the admin sets it up with a fresh provider key.
/// Returns the provider id and its key.
async fn provider_for(
    h: &Harness,
    op_s: &str,
    name: &str,
    admin: &Person,
    admin_s: &str,
) -> (String, SymmetricKey) {
    let r = h
        .call(
            "operator_provider_create",
            json!({"new": {"name": name, "provider_type": "msp", "admin_email": admin.email}}),
            Some(op_s),
        )
        .await;
    let provider = ok(&r)["provider"].as_str().expect("id").to_owned();
    let key = SymmetricKey::generate().expect("key");
    let r = h
        .call(
            "provider_setup",
            json!({"provider": provider, "setup": {"name": name, "billing_email": "billing@msp.test",
                "sealed_provider_key": seal_to(&admin.material.public_key, &key)}}),
            Some(admin_s),
        )
        .await;
    ok(&r);
    (provider, key)
}

/// `admin` invites `p` into `provider` as `role`; `p` accepts with the mailed link; unless
/// `confirm` is false, `admin` confirms them with the provider key sealed to their public key.
#[allow(clippy::too_many_arguments)]
async fn staff(
    h: &Harness,
    provider: &str,
    key: &SymmetricKey,
    admin_s: &str,
    p: &Person,
    session: &str,
    role: &str,
    confirm: bool,
) -> String {
    let before = h.outbox_mails().len();
    let r = h
        .call(
            "provider_invite",
            json!({"provider": provider, "invite": {"emails": [p.email], "role": role}}),
            Some(admin_s),
        )
        .await;
    let member = ok(&r)[0].as_str().expect("member").to_owned();
    h.wait_for_outbox(before + 1).await;
    let token = token_for(h, p.email, "/provider?invite=");
    let info = h
        .call("provider_invitation_info", json!({"token": token}), None)
        .await;
    assert_eq!(ok(&info)["email"], p.email);
    let r = h
        .call(
            "provider_invitation_accept",
            json!({"token": token}),
            Some(session),
        )
        .await;
    assert_eq!(ok(&r), &json!(provider));
    if confirm {
        let page = h
            .call(
                "provider_member_page",
                json!({"provider": provider, "query": {"search": p.email, "filter": "needs_confirmation", "page": 0}}),
                Some(admin_s),
            )
            .await;
        let public_key = ok(&page)["members"][0]["public_key"]
            .as_str()
            .expect("an accepted member's public key")
            .to_owned();
        assert_eq!(public_key, p.material.public_key);
        let r = h
            .call(
                "provider_confirm",
                json!({"provider": provider, "confirmations": [{"member": member, "sealed_provider_key": seal_to(&public_key, key)}]}),
                Some(admin_s),
            )
            .await;
        no_errors(&r);
    }
    member
}

/// A new client organization made by `session` (staff of `provider`): its id and key.
async fn new_client(
    h: &Harness,
    provider: &str,
    provider_key: &SymmetricKey,
    session: &str,
    name: &str,
    owner: &str,
) -> (String, SymmetricKey) {
    let org = uuid::Uuid::new_v4().to_string();
    let org_key = SymmetricKey::generate().expect("key");
    let r = h
        .call(
            "provider_client_create",
            json!({"provider": provider, "client": {"org": org, "name": name, "billing_email": "billing@customer.test",
                "plan": "teams", "seats": 5, "owner_email": owner,
                "org_key": wrapped(provider_key, provider, &org, &org_key), "default_collection": "Default collection"}}),
            Some(session),
        )
        .await;
    assert_eq!(ok(&r), &json!(org));
    (org, org_key)
}

/// Every provider and operator function, called by everyone: who gets through, who is stopped
/// and how.
async fn provider_story(h: &Harness) {
    let op_s = operator(h, "127.0.3.1", "op@keyhaven.test").await;
    let amy = person("amy@msp.test", "amy administers the provider");
    let sam = person("sam@msp.test", "sam is a service user there");
    let rita = person("rita@msp.test", "rita was revoked from it");
    let ivan = person("ivan@msp.test", "ivan accepted, not confirmed");
    let carl = person("carl@customer.test", "carl owns the client org");
    let cid = person("cid@customer.test", "cid simply uses the client");
    let pat = person("pat@plain.test", "pat has nothing to do here");
    let oz = person("oz@other.test", "oz runs another provider");
    let dora = person("dora@gone.test", "dora's provider is disabled");
    let amy_s = h.signed_up("127.0.3.2", &amy, "Amy").await;
    let sam_s = h.signed_up("127.0.3.3", &sam, "Sam").await;
    let rita_s = h.signed_up("127.0.3.4", &rita, "Rita").await;
    let ivan_s = h.signed_up("127.0.3.5", &ivan, "Ivan").await;
    let carl_s = h.signed_up("127.0.3.6", &carl, "Carl").await;
    let cid_s = h.signed_up("127.0.3.7", &cid, "Cid").await;
    let pat_s = h.signed_up("127.0.3.8", &pat, "Pat").await;
    let oz_s = h.signed_up("127.0.3.9", &oz, "Oz").await;
    let dora_s = h.signed_up("127.0.3.10", &dora, "Dora").await;

    // Creating: the nominated admin must have an account; the checklist says what they run.
    let r = h
        .call(
            "operator_provider_create",
            json!({"new": {"name": "Acme MSP", "provider_type": "msp", "admin_email": "nobody@msp.test"}}),
            Some(&op_s),
        )
        .await;
    assert_eq!(r.field_error(), ("email".into(), "no_account".into()));
    let r = h
        .call(
            "operator_provider_create",
            json!({"new": {"name": "Acme MSP", "provider_type": "msp", "admin_email": amy.email}}),
            Some(&op_s),
        )
        .await;
    let provider = ok(&r)["provider"].as_str().expect("id").to_owned();
    assert_eq!(r.body["admin_owns_enterprise_org"], false);
    let mails = h.wait_for_outbox(1).await;
    assert!(
        mails[0].contains(&format!("/provider?id={provider}&section=setup")),
        "{mails:?}"
    );
    let mine = h.call("providers_mine", json!({}), Some(&amy_s)).await;
    assert_eq!(ok(&mine)[0]["status"], "pending");
    assert_eq!(mine.body[0]["member_status"], "accepted");
    // A pending provider: only its admin's setup.
    let r = h
        .call(
            "provider_clients",
            json!({"provider": provider, "query": {"search": "", "sort": "name", "descending": false, "page": 0}}),
            Some(&amy_s),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    let provider_key = SymmetricKey::generate().expect("key");
    let setup = |key: String| json!({"provider": provider, "setup": {"name": "Acme MSP", "billing_email": "billing@acme-msp.test", "sealed_provider_key": key}});
    let r = h
        .call(
            "provider_setup",
            setup(b64(provider_key.as_bytes())),
            Some(&amy_s),
        )
        .await;
    assert_eq!(r.field_error(), ("provider_key".into(), "invalid".into()));
    let r = h
        .call(
            "provider_setup",
            setup(seal_to(&sam.material.public_key, &provider_key)),
            Some(&sam_s),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
    let r = h
        .call(
            "provider_setup",
            setup(seal_to(&amy.material.public_key, &provider_key)),
            Some(&amy_s),
        )
        .await;
    ok(&r);
    let mine = h.call("providers_mine", json!({}), Some(&amy_s)).await;
    assert_eq!(ok(&mine)[0]["status"], "active");
    assert_eq!(
        opened(&amy, &mine.body[0]["sealed_provider_key"]).as_bytes(),
        provider_key.as_bytes()
    );
    let r = h
        .call(
            "provider_setup",
            setup(seal_to(&amy.material.public_key, &provider_key)),
            Some(&amy_s),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "setup happens once: {}",
        r.text
    );

    // Staff: a service user, one revoked, one accepted but never confirmed.
    staff(
        h,
        &provider,
        &provider_key,
        &amy_s,
        &sam,
        &sam_s,
        "service_user",
        true,
    )
    .await;
    let rita_m = staff(
        h,
        &provider,
        &provider_key,
        &amy_s,
        &rita,
        &rita_s,
        "service_user",
        true,
    )
    .await;
    let ivan_m = staff(
        h,
        &provider,
        &provider_key,
        &amy_s,
        &ivan,
        &ivan_s,
        "provider_admin",
        false,
    )
    .await;
    let r = h
        .call(
            "provider_members_change",
            json!({"provider": provider, "change": "revoke", "members": [rita_m]}),
            Some(&amy_s),
        )
        .await;
    no_errors(&r);
    let mine = h.call("providers_mine", json!({}), Some(&sam_s)).await;
    assert_eq!(
        opened(&sam, &mine.body[0]["sealed_provider_key"]).as_bytes(),
        provider_key.as_bytes(),
        "a confirmed member opens the provider key"
    );
    let mine = h.call("providers_mine", json!({}), Some(&rita_s)).await;
    assert!(
        ok(&mine)[0]["sealed_provider_key"].is_null(),
        "revoked: no key"
    );
    let page = h
        .call(
            "provider_member_page",
            json!({"provider": provider, "query": {"search": "", "filter": "all", "page": 0}}),
            Some(&amy_s),
        )
        .await;
    let counts = ok(&page);
    assert_eq!(
        (
            &counts["all"],
            &counts["needs_confirmation"],
            &counts["revoked"],
            &counts["matching"]
        ),
        (&json!(4), &json!(1), &json!(1), &json!(4)),
        "{}",
        page.text
    );

    // Other providers: one active, one disabled.
    let (other, _) = provider_for(h, &op_s, "Other MSP", &oz, &oz_s).await;
    let (gone, _) = provider_for(h, &op_s, "Gone MSP", &dora, &dora_s).await;
    let r = h
        .call(
            "operator_provider_enable",
            json!({"provider": gone, "enabled": false}),
            Some(&op_s),
        )
        .await;
    ok(&r);

    // A client, created by the service user; its owner accepts and is confirmed by staff with
    // the organization key opened through the provider key.
    let (client, client_key) = new_client(
        h,
        &provider,
        &provider_key,
        &sam_s,
        "Customer Co",
        carl.email,
    )
    .await;
    let token = {
        h.wait_for_outbox(h.outbox_mails().len()).await;
        let mut found = None;
        for _ in 0..100 {
            if h.outbox_mails()
                .iter()
                .any(|m| m.contains("To: carl@customer.test"))
            {
                found = Some(token_for(h, carl.email, "/org?invite="));
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        found.expect("the owner's invitation")
    };
    let r = h
        .call("invitation_accept", json!({"token": token}), Some(&carl_s))
        .await;
    ok(&r);
    let clients = h
        .call(
            "provider_clients",
            json!({"provider": provider, "query": {"search": "customer", "sort": "name", "descending": false, "page": 0}}),
            Some(&sam_s),
        )
        .await;
    let row = &ok(&clients)["clients"][0];
    assert_eq!(row["org"], json!(client));
    assert_eq!(row["attention"]["waiting"], 1, "{}", clients.text);
    assert_eq!(row["attention"]["no_owner"], true);
    let unwrapped = provider_key
        .decrypt(
            &app::crypto::encstring::EncString::parse(row["org_key"].as_str().expect("key"))
                .expect("parse"),
            &client_key_purpose(
                &ProviderId::from_stored(provider.clone()),
                &OrgId::from_stored(client.clone()),
            ),
        )
        .expect("staff open the client's key");
    assert_eq!(&unwrapped[..], client_key.as_bytes());
    let members = h
        .call("org_members", json!({"org": client}), Some(&sam_s))
        .await;
    let carl_m = ok(&members)[0]["id"].clone();
    let r = h
        .call(
            "org_confirm",
            json!({"org": client, "confirmations": [{"member": carl_m, "sealed_org_key": seal_to(&carl.material.public_key, &client_key)}]}),
            Some(&sam_s),
        )
        .await;
    no_errors(&r);
    // Carl invites Cid as a plain user, and confirms him.
    let before = h.outbox_mails().len();
    let r = h
        .call(
            "org_invite",
            json!({"org": client, "invite": {"emails": [cid.email], "role": "user", "groups": [], "collections": []}}),
            Some(&carl_s),
        )
        .await;
    let cid_m = ok(&r)[0].clone();
    h.wait_for_outbox(before + 1).await;
    let token = token_for(h, cid.email, "/org?invite=");
    ok(&h
        .call("invitation_accept", json!({"token": token}), Some(&cid_s))
        .await);
    no_errors(
        &h.call(
            "org_confirm",
            json!({"org": client, "confirmations": [{"member": cid_m, "sealed_org_key": seal_to(&cid.material.public_key, &client_key)}]}),
            Some(&carl_s),
        )
        .await,
    );
    // A second client whose owner never accepts (no owner of its own: it cannot be unlinked).
    let (orphan, _) = new_client(
        h,
        &provider,
        &provider_key,
        &amy_s,
        "Orphan Co",
        "nobody@orphan.test",
    )
    .await;
    // The Clients page: what needs attention is counted in SQL, filtered and sorted there.
    let page = |query: Value| {
        h.call(
            "provider_clients",
            json!({"provider": provider, "query": query}),
            Some(&sam_s),
        )
    };
    let r = page(
        json!({"search": "", "sort": "name", "descending": false, "page": 0, "attention": true}),
    )
    .await;
    let body = ok(&r);
    assert_eq!(
        (
            &body["matching"],
            &body["total"],
            &body["needing_attention"]
        ),
        (&json!(1), &json!(2), &json!(1)),
        "{}",
        r.text
    );
    assert_eq!(body["clients"][0]["org"], json!(orphan));
    assert_eq!(body["clients"][0]["attention"]["owner_invited"], true);
    let r = page(json!({"search": "", "sort": "used", "descending": true, "page": 0})).await;
    let names: Vec<&str> = ok(&r)["clients"]
        .as_array()
        .expect("clients")
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert_eq!(names, ["Customer Co", "Orphan Co"], "{}", r.text);
    assert_eq!(r.body["clients"][0]["used"], 2);
    let r = page(json!({"search": "", "sort": "name", "descending": false, "page": 1})).await;
    assert_eq!(ok(&r)["clients"], json!([]), "past the last page");
    assert_eq!(r.body["matching"], 2);
    let r =
        page(json!({"search": "x".repeat(201), "sort": "name", "descending": false, "page": 0}))
            .await;
    assert_eq!(r.field_error(), ("org_name".into(), "too_long".into()));

    // Every provider function, by everyone. An allowed call is sent with input that fails the
    // checks made after authorization (422), or reads (200); a refused one never gets that far.
    let q = json!({"search": "", "sort": "name", "descending": false, "page": 0});
    let calls: Vec<(&str, Value, &str)> = vec![
        (
            "provider_clients",
            json!({"provider": provider, "query": q}),
            "use",
        ),
        (
            "provider_client_create",
            json!({"provider": provider, "client": {"org": uuid::Uuid::new_v4().to_string(), "name": "X", "billing_email": "b@x.test",
                "plan": "free", "seats": 5, "owner_email": "o@x.test", "org_key": "", "default_collection": "D"}}),
            "use",
        ),
        (
            "provider_client_update",
            json!({"provider": provider, "org": client, "update": {"name": "Customer Co", "seats": 0}}),
            "use",
        ),
        ("provider_linkable", json!({"provider": provider}), "admin"),
        (
            "provider_client_link",
            json!({"provider": provider, "link": {"org": client, "org_key": "not a key"}}),
            "admin",
        ),
        (
            "provider_client_unlink",
            json!({"provider": provider, "org": orphan}),
            "admin",
        ),
        (
            "provider_member_page",
            json!({"provider": provider, "query": {"search": "", "filter": "all", "page": 0}}),
            "admin",
        ),
        (
            "provider_invite",
            json!({"provider": provider, "invite": {"emails": [], "role": "service_user"}}),
            "admin",
        ),
        (
            "provider_confirm",
            json!({"provider": provider, "confirmations": []}),
            "admin",
        ),
        (
            "provider_members_change",
            json!({"provider": provider, "change": "revoke", "members": []}),
            "admin",
        ),
        (
            "provider_reinvite",
            json!({"provider": provider, "member": uuid::Uuid::new_v4().to_string()}),
            "admin-404",
        ),
        (
            "provider_events",
            json!({"provider": provider, "filter": {}, "before": null}),
            "admin",
        ),
        (
            "provider_update",
            json!({"provider": provider, "settings": {"name": "", "billing_email": "b@acme-msp.test"}}),
            "admin",
        ),
        (
            "provider_delete",
            json!({"provider": provider, "name": "Not its name"}),
            "admin",
        ),
        (
            "provider_setup",
            json!({"provider": provider, "setup": {"name": "Acme MSP", "billing_email": "b@acme-msp.test",
                "sealed_provider_key": seal_to(&amy.material.public_key, &provider_key)}}),
            "nobody",
        ),
    ];
    let people: [(&str, Option<&str>); 9] = [
        ("anonymous", None),
        ("plain user", Some(&pat_s)),
        ("client member", Some(&cid_s)),
        ("service user", Some(&sam_s)),
        ("provider admin", Some(&amy_s)),
        ("other provider's admin", Some(&oz_s)),
        ("revoked member", Some(&rita_s)),
        ("accepted, unconfirmed member", Some(&ivan_s)),
        ("disabled provider's admin", Some(&dora_s)),
    ];
    for (endpoint, args, who) in &calls {
        for (name, session) in people {
            let r = h.call(endpoint, args.clone(), session).await;
            let allowed = matches!(
                (*who, name),
                ("use", "service user" | "provider admin")
                    | ("admin" | "admin-404", "provider admin")
            );
            let expected = match name {
                "anonymous" => StatusCode::UNAUTHORIZED,
                "plain user"
                | "client member"
                | "other provider's admin"
                | "disabled provider's admin" => StatusCode::NOT_FOUND,
                "revoked member" | "accepted, unconfirmed member" | "service user" if !allowed => {
                    StatusCode::FORBIDDEN
                }
                _ if !allowed => StatusCode::FORBIDDEN,
                _ if *who == "admin-404" => StatusCode::NOT_FOUND,
                _ if r.status == StatusCode::OK => StatusCode::OK,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            assert_eq!(r.status, expected, "{endpoint} as {name}: {}", r.text);
        }
        // The disabled provider's own admin is stopped in their own provider too.
        let mut own = args.clone();
        own["provider"] = json!(gone);
        let r = h.call(endpoint, own, Some(&dora_s)).await;
        assert_eq!(
            r.status,
            StatusCode::FORBIDDEN,
            "{endpoint} in a disabled provider: {}",
            r.text
        );
        let mut theirs = args.clone();
        theirs["provider"] = json!(other);
        let r = h.call(endpoint, theirs, Some(&amy_s)).await;
        assert_eq!(
            r.status,
            StatusCode::NOT_FOUND,
            "{endpoint} of another provider: {}",
            r.text
        );
    }
    let r = h
        .call(
            "provider_client_unlink",
            json!({"provider": provider, "org": orphan}),
            Some(&amy_s),
        )
        .await;
    assert_eq!(r.field_error(), ("members".into(), "last_owner".into()));
    let r = h
        .call(
            "provider_delete",
            json!({"provider": provider, "name": "Acme MSP"}),
            Some(&amy_s),
        )
        .await;
    assert_eq!(r.field_error(), ("provider".into(), "has_clients".into()));

    // The operator's functions: operators only.
    let operator_calls = [
        (
            "operator_providers",
            json!({"query": {"search": "msp", "sort": "name", "descending": false, "page": 0}}),
            StatusCode::OK,
        ),
        (
            "operator_provider_create",
            json!({"new": {"name": "", "provider_type": "reseller", "admin_email": amy.email}}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "operator_provider_enable",
            json!({"provider": uuid::Uuid::new_v4().to_string(), "enabled": true}),
            StatusCode::NOT_FOUND,
        ),
        (
            "operator_provider_delete",
            json!({"provider": provider}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    ];
    for (endpoint, args, for_operator) in &operator_calls {
        for (name, session) in people {
            let r = h.call(endpoint, args.clone(), session).await;
            let expected = if session.is_none() {
                StatusCode::UNAUTHORIZED
            } else {
                StatusCode::FORBIDDEN
            };
            assert_eq!(r.status, expected, "{endpoint} as {name}: {}", r.text);
        }
        let r = h.call(endpoint, args.clone(), Some(&op_s)).await;
        assert_eq!(
            r.status, *for_operator,
            "{endpoint} as the operator: {}",
            r.text
        );
    }
    let list = h
        .call(
            "operator_providers",
            json!({"query": {"search": "acme", "sort": "name", "descending": false, "page": 0}}),
            Some(&op_s),
        )
        .await;
    assert_eq!(ok(&list)["matching"], 1);
    assert_eq!(list.body["providers"][0]["clients"], 2);
    assert_eq!(list.body["providers"][0]["members"], 4);
    for who in [&pat_s, &cid_s, &sam_s, &amy_s] {
        ok(&h.call("providers_mine", json!({}), Some(who)).await);
    }
    let r = h.call("providers_mine", json!({}), None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = h
        .call(
            "provider_invitation_accept",
            json!({"token": "0".repeat(64)}),
            Some(&pat_s),
        )
        .await;
    assert_eq!(
        r.field_error(),
        ("invitation_link".into(), "invalid".into())
    );

    // Staff administer the client as owners, without being members of it; the events name the
    // provider. The client's own user reaches no admin function; outsiders are told nothing.
    let admin_calls = |org: &str| {
        [
            (
                "org_member_page",
                json!({"org": org, "query": {"search": "", "sort": "member", "descending": false, "page": 0}}),
            ),
            ("org_vault", json!({"org": org})),
            ("org_collections", json!({"org": org})),
        ]
    };
    for session in [&sam_s, &amy_s, &carl_s] {
        for (endpoint, args) in admin_calls(&client) {
            ok(&h.call(endpoint, args, Some(session)).await);
        }
    }
    for (session, status) in [
        (&cid_s, StatusCode::FORBIDDEN),
        (&rita_s, StatusCode::FORBIDDEN),
        (&ivan_s, StatusCode::FORBIDDEN),
        (&oz_s, StatusCode::NOT_FOUND),
        (&dora_s, StatusCode::NOT_FOUND),
        (&pat_s, StatusCode::NOT_FOUND),
    ] {
        for (endpoint, args) in admin_calls(&client) {
            let r = h.call(endpoint, args, Some(session)).await;
            assert_eq!(r.status, status, "{endpoint}: {}", r.text);
        }
    }
    let r = h
        .call(
            "collection_create",
            json!({"org": client, "name": "Network"}),
            Some(&sam_s),
        )
        .await;
    ok(&r);
    let events = h
        .call(
            "org_events",
            json!({"org": client, "filter": {"kind": "collection_created"}, "before": null}),
            Some(&carl_s),
        )
        .await;
    let event = &ok(&events)["events"][0];
    assert_eq!(event["actor_email"], sam.email);
    assert_eq!(event["provider"], json!(provider), "{}", events.text);
    assert_eq!(event["provider_name"], "Acme MSP");
    let log = h
        .call(
            "provider_events",
            json!({"provider": provider, "filter": {}, "before": null}),
            Some(&amy_s),
        )
        .await;
    let kinds: Vec<&str> = ok(&log)["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    for kind in [
        "collection_created",
        "client_created",
        "provider_member_confirmed",
        "provider_member_revoked",
        "provider_setup_completed",
        "member_confirmed",
    ] {
        assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
    }
    // Everyone in the client sees who manages it; those who run it see the staff too.
    let managed = h
        .call("org_managed_by", json!({"org": client}), Some(&carl_s))
        .await;
    assert_eq!(ok(&managed)["name"], "Acme MSP");
    let staff_emails: Vec<&str> = managed.body["staff"]
        .as_array()
        .expect("staff")
        .iter()
        .filter_map(|s| s["email"].as_str())
        .collect();
    assert_eq!(
        staff_emails,
        [amy.email, sam.email],
        "confirmed, unrevoked staff"
    );
    let managed = h
        .call("org_managed_by", json!({"org": client}), Some(&cid_s))
        .await;
    assert_eq!(ok(&managed)["name"], "Acme MSP");
    assert_eq!(managed.body["staff"], json!([]));
    let r = h
        .call("org_managed_by", json!({"org": client}), Some(&pat_s))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // Staff cannot leave what they never joined, nor keep marks there.
    let r = h
        .call("org_leave", json!({"org": client}), Some(&sam_s))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    // The client's own owner may not raise its seats; staff may.
    let settings = |seats: u32| json!({"org": client, "settings": {"name": "Customer Co", "billing_email": "billing@customer.test", "plan": "teams", "seats": seats}});
    let r = h.call("org_update", settings(9), Some(&carl_s)).await;
    assert_eq!(r.field_error(), ("seats".into(), "set_by_provider".into()));
    ok(&h.call("org_update", settings(4), Some(&carl_s)).await);
    ok(&h.call("org_update", settings(9), Some(&sam_s)).await);
    ok(&h
        .call(
            "provider_client_update",
            json!({"provider": provider, "org": client, "update": {"name": "Customer Company", "seats": 6}}),
            Some(&sam_s),
        )
        .await);
    let r = h
        .call(
            "provider_client_update",
            json!({"provider": provider, "org": client, "update": {"name": "Customer Company", "seats": 1}}),
            Some(&sam_s),
        )
        .await;
    assert_eq!(r.field_error(), ("seats".into(), "too_short".into()));
    // The provider counts as an owner: Carl may step down to admin.
    let r = h
        .call(
            "org_members_change",
            json!({"org": client, "change": {"role": "admin"}, "members": [carl_m]}),
            Some(&sam_s),
        )
        .await;
    no_errors(&r);
    no_errors(
        &h.call(
            "org_members_change",
            json!({"org": client, "change": {"role": "owner"}, "members": [carl_m]}),
            Some(&sam_s),
        )
        .await,
    );

    // Access goes at once: a revoked staff member, a disabled provider; and comes back.
    let sam_m = {
        let page = h
            .call(
                "provider_member_page",
                json!({"provider": provider, "query": {"search": "sam@", "filter": "all", "page": 0}}),
                Some(&amy_s),
            )
            .await;
        ok(&page)["members"][0]["id"].clone()
    };
    let vault_of = json!({"org": client});
    for (change, status) in [
        ("revoke", StatusCode::FORBIDDEN),
        ("restore", StatusCode::OK),
    ] {
        no_errors(
            &h.call(
                "provider_members_change",
                json!({"provider": provider, "change": change, "members": [sam_m]}),
                Some(&amy_s),
            )
            .await,
        );
        assert_eq!(
            h.call("org_vault", vault_of.clone(), Some(&sam_s))
                .await
                .status,
            status,
            "after {change}"
        );
    }
    for (enabled, status) in [(false, StatusCode::FORBIDDEN), (true, StatusCode::OK)] {
        ok(&h
            .call(
                "operator_provider_enable",
                json!({"provider": provider, "enabled": enabled}),
                Some(&op_s),
            )
            .await);
        assert_eq!(
            h.call("org_vault", vault_of.clone(), Some(&sam_s))
                .await
                .status,
            status,
            "enabled = {enabled}"
        );
        assert_eq!(
            h.call("org_vault", vault_of.clone(), Some(&carl_s))
                .await
                .status,
            StatusCode::OK,
            "the client keeps working"
        );
        let r = h
            .call(
                "provider_clients",
                json!({"provider": provider, "query": q}),
                Some(&amy_s),
            )
            .await;
        assert_eq!(r.status, status, "the portal, enabled = {enabled}");
    }

    // The last provider admin cannot leave the provider without one.
    let amy_m = {
        let page = h
            .call(
                "provider_member_page",
                json!({"provider": provider, "query": {"search": "amy@", "filter": "all", "page": 0}}),
                Some(&amy_s),
            )
            .await;
        ok(&page)["members"][0]["id"].clone()
    };
    let r = h
        .call(
            "provider_members_change",
            json!({"provider": provider, "change": {"role": "service_user"}, "members": [amy_m]}),
            Some(&amy_s),
        )
        .await;
    assert_eq!(
        ok(&r)[0]["error"]["fields"][0]["problem"],
        "last_provider_admin",
        "{}",
        r.text
    );
    let r = h
        .call(
            "provider_members_change",
            json!({"provider": provider, "change": "remove", "members": [amy_m]}),
            Some(&amy_s),
        )
        .await;
    assert_eq!(
        ok(&r)[0]["error"]["fields"][0]["problem"],
        "yourself",
        "{}",
        r.text
    );
    let _ = ivan_m;

    // One provider per organization: Amy owns an organization of her own and is admin of a
    // second provider too. Adding it to Acme works; to the second provider, no.
    let own_key = SymmetricKey::generate().expect("key");
    let created = h
        .call(
            "org_create",
            json!({"new": {"settings": {"name": "Amy Lab", "billing_email": "lab@msp.test", "plan": "teams", "seats": 3},
                "sealed_org_key": seal_to(&amy.material.public_key, &own_key), "default_collection": "Default"}}),
            Some(&amy_s),
        )
        .await;
    let lab = ok(&created)["org_id"].as_str().expect("id").to_owned();
    let (second, second_key) = provider_for(h, &op_s, "Second MSP", &amy, &amy_s).await;
    let linkable = h
        .call(
            "provider_linkable",
            json!({"provider": provider}),
            Some(&amy_s),
        )
        .await;
    assert_eq!(ok(&linkable)[0]["org"], json!(lab), "{}", linkable.text);
    let r = h
        .call(
            "provider_client_link",
            json!({"provider": provider, "link": {"org": client, "org_key": wrapped(&provider_key, &provider, &client, &client_key)}}),
            Some(&amy_s),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::NOT_FOUND,
        "not her organization: {}",
        r.text
    );
    ok(&h
        .call(
            "provider_client_link",
            json!({"provider": provider, "link": {"org": lab, "org_key": wrapped(&provider_key, &provider, &lab, &own_key)}}),
            Some(&amy_s),
        )
        .await);
    let r = h
        .call(
            "provider_client_link",
            json!({"provider": second, "link": {"org": lab, "org_key": wrapped(&second_key, &second, &lab, &own_key)}}),
            Some(&amy_s),
        )
        .await;
    assert_eq!(
        r.field_error(),
        ("client_org".into(), "managed_by_provider".into())
    );
    let linkable = h
        .call(
            "provider_linkable",
            json!({"provider": second}),
            Some(&amy_s),
        )
        .await;
    assert_eq!(ok(&linkable), &json!([]));

    // Unlinking: the client keeps its own owner, the key copy goes, staff lose it at once.
    ok(&h
        .call(
            "provider_client_unlink",
            json!({"provider": provider, "org": client}),
            Some(&amy_s),
        )
        .await);
    for (endpoint, args) in admin_calls(&client) {
        let r = h.call(endpoint, args, Some(&sam_s)).await;
        assert_eq!(
            r.status,
            StatusCode::NOT_FOUND,
            "{endpoint} after unlink: {}",
            r.text
        );
        ok(&h
            .call(endpoint, admin_calls(&client)[0].1.clone(), Some(&carl_s))
            .await);
    }
    assert_eq!(
        h.count(&format!("provider_clients WHERE org_id = '{client}'"))
            .await,
        0
    );
    assert_eq!(
        h.count(&format!(
            "organizations WHERE id = '{client}' AND billing_email = 'carl@customer.test'"
        ))
        .await,
        1
    );
    let r = h
        .call(
            "provider_client_update",
            json!({"provider": provider, "org": client, "update": {"name": "Mine now", "seats": 6}}),
            Some(&sam_s),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
    // Now free, it could join another provider; the second has none and could be deleted.
    ok(&h
        .call(
            "operator_provider_delete",
            json!({"provider": second}),
            Some(&op_s),
        )
        .await);
}

/// One organization, 100 providers, 100 links at once: exactly one wins, every other is told
/// the organization is already managed by a provider, and nothing else changes.
async fn link_race_story(h: &Harness) {
    let op_s = operator(h, "127.0.4.1", "race-op@keyhaven.test").await;
    let lin = person("lin@msp.test", "lin runs a hundred providers");
    let lin_s = h.signed_up("127.0.4.2", &lin, "Lin").await;
    let org_key = SymmetricKey::generate().expect("key");
    let created = h
        .call(
            "org_create",
            json!({"new": {"settings": {"name": "Contested", "billing_email": "c@msp.test", "plan": "enterprise", "seats": 3},
                "sealed_org_key": seal_to(&lin.material.public_key, &org_key), "default_collection": "Default"}}),
            Some(&lin_s),
        )
        .await;
    let org = ok(&created)["org_id"].as_str().expect("id").to_owned();
    let mut providers = Vec::new();
    for i in 0..100 {
        providers.push(provider_for(h, &op_s, &format!("Racer {i:03}"), &lin, &lin_s).await);
    }
    let events_before = h.count("events").await;
    let calls = providers.iter().map(|(provider, key)| {
        h.call(
            "provider_client_link",
            json!({"provider": provider, "link": {"org": org, "org_key": wrapped(key, provider, &org, &org_key)}}),
            Some(&lin_s),
        )
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
        assert_eq!(
            r.field_error(),
            ("client_org".into(), "managed_by_provider".into())
        );
    }
    assert_eq!(h.count("provider_clients").await, 1);
    assert_eq!(
        h.count("events").await,
        events_before + 1,
        "one client_added, nothing else"
    );
    assert_eq!(
        h.count(&format!(
            "organizations WHERE id = '{org}' AND name = 'Contested' AND seats = 3"
        ))
        .await,
        1
    );
    assert_eq!(h.count("org_members").await, 1);
}

/// Two provider admins demote each other at the same moment, several times: never both.
async fn last_admin_race_story(h: &Harness) {
    let op_s = operator(h, "127.0.5.1", "admin-race-op@keyhaven.test").await;
    let ada = person("ada@msp.test", "ada races to demote bea");
    let bea = person("bea@msp.test", "bea races to demote ada");
    let ada_s = h.signed_up("127.0.5.2", &ada, "Ada").await;
    let bea_s = h.signed_up("127.0.5.3", &bea, "Bea").await;
    let (provider, key) = provider_for(h, &op_s, "Race MSP", &ada, &ada_s).await;
    let bea_m = staff(
        h,
        &provider,
        &key,
        &ada_s,
        &bea,
        &bea_s,
        "provider_admin",
        true,
    )
    .await;
    let page = h
        .call(
            "provider_member_page",
            json!({"provider": provider, "query": {"search": "ada@", "filter": "all", "page": 0}}),
            Some(&ada_s),
        )
        .await;
    let ada_m = ok(&page)["members"][0]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let admins = format!(
        "provider_members WHERE provider_id = '{provider}' AND role = 'provider_admin' \
         AND status = 'confirmed' AND revoked = 0"
    );
    for (change, undo) in [
        (
            json!({"role": "service_user"}),
            json!({"role": "provider_admin"}),
        ),
        (json!("revoke"), json!("restore")),
        (
            json!({"role": "service_user"}),
            json!({"role": "provider_admin"}),
        ),
    ] {
        let (a, b) = tokio::join!(
            h.call(
                "provider_members_change",
                json!({"provider": provider, "change": change, "members": [bea_m]}),
                Some(&ada_s),
            ),
            h.call(
                "provider_members_change",
                json!({"provider": provider, "change": change, "members": [ada_m]}),
                Some(&bea_s),
            ),
        );
        let passed = [&a, &b]
            .iter()
            .filter(|r| r.status == StatusCode::OK && r.body[0]["error"].is_null())
            .count();
        assert_eq!(passed, 1, "{} | {}", a.text, b.text);
        assert_eq!(h.count(&admins).await, 1);
        // The one still admin undoes it.
        let (who, target) = if a.status == StatusCode::OK && a.body[0]["error"].is_null() {
            (&ada_s, &bea_m)
        } else {
            (&bea_s, &ada_m)
        };
        no_errors(
            &h.call(
                "provider_members_change",
                json!({"provider": provider, "change": undo, "members": [target]}),
                Some(who),
            )
            .await,
        );
        assert_eq!(h.count(&admins).await, 2);
    }

    // Settings, a re-sent invitation, a removal, and deleting a provider without clients.
    ok(&h
        .call(
            "provider_update",
            json!({"provider": provider, "settings": {"name": "Race MSP B.V.", "billing_email": "Billing@Race.test"}}),
            Some(&bea_s),
        )
        .await);
    assert_eq!(
        h.count("providers WHERE name = 'Race MSP B.V.' AND billing_email = 'billing@race.test'")
            .await,
        1
    );
    let r = h
        .call(
            "provider_invite",
            json!({"provider": provider, "invite": {"emails": ["cy@msp.test"], "role": "service_user"}}),
            Some(&ada_s),
        )
        .await;
    let cy = ok(&r)[0].clone();
    let mails = h.wait_for_outbox(h.outbox_mails().len()).await.len();
    let first = {
        h.wait_for_outbox(mails).await;
        let mut token = None;
        for _ in 0..100 {
            if h.outbox_mails()
                .iter()
                .any(|m| m.contains("To: cy@msp.test"))
            {
                token = Some(token_for(h, "cy@msp.test", "/provider?invite="));
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        token.expect("cy's invitation")
    };
    let before = h.outbox_mails().len();
    ok(&h
        .call(
            "provider_reinvite",
            json!({"provider": provider, "member": cy}),
            Some(&ada_s),
        )
        .await);
    h.wait_for_outbox(before + 1).await;
    let second = token_for(h, "cy@msp.test", "/provider?invite=");
    assert_ne!(first, second);
    let dead = h
        .call("provider_invitation_info", json!({"token": first}), None)
        .await;
    assert_eq!(
        dead.field_error(),
        ("invitation_link".into(), "invalid".into())
    );
    let live = h
        .call("provider_invitation_info", json!({"token": second}), None)
        .await;
    assert_eq!(ok(&live)["provider_name"], "Race MSP B.V.");
    assert_eq!(live.body["has_account"], false);
    no_errors(
        &h.call(
            "provider_members_change",
            json!({"provider": provider, "change": "remove", "members": [cy]}),
            Some(&ada_s),
        )
        .await,
    );
    let r = h
        .call("provider_invitation_info", json!({"token": second}), None)
        .await;
    assert_eq!(
        r.field_error(),
        ("invitation_link".into(), "invalid".into())
    );
    let r = h
        .call(
            "provider_delete",
            json!({"provider": provider, "name": "Race MSP"}),
            Some(&ada_s),
        )
        .await;
    assert_eq!(r.field_error(), ("provider_name".into(), "mismatch".into()));
    ok(&h
        .call(
            "provider_delete",
            json!({"provider": provider, "name": "Race MSP B.V."}),
            Some(&ada_s),
        )
        .await);
    assert_eq!(h.count("providers").await, 0);
    assert_eq!(h.count("provider_members").await, 0);
    let mine = h.call("providers_mine", json!({}), Some(&ada_s)).await;
    assert_eq!(ok(&mine), &json!([]));
}

/// A staff member's request already in flight when the client is unlinked, the provider
/// disabled or the staff member revoked: the change commits while the request waits for the
/// organization's row, and the request, which found its standing good when it began, is stopped
/// by the check its transaction makes. A change that takes nothing away lets it through.
async fn in_flight_story(h: &Harness) {
    use sqlx::Row;
    let op_s = operator(h, "127.0.6.1", "flight-op@keyhaven.test").await;
    let amy = person("flight-amy@msp.test", "amy's request is in flight");
    let amy_s = h.signed_up("127.0.6.2", &amy, "Amy").await;
    let (provider, key) = provider_for(h, &op_s, "Flight MSP", &amy, &amy_s).await;
    let (client, _) =
        new_client(h, &provider, &key, &amy_s, "Flight Co", "owner@flight.test").await;
    let rounds: [(&str, &str, &str, StatusCode); 4] = [
        ("nothing", "SELECT 1", "SELECT 1", StatusCode::OK),
        (
            "disable",
            "UPDATE providers SET enabled = 0 WHERE id = $1",
            "UPDATE providers SET enabled = 1 WHERE id = $1",
            StatusCode::FORBIDDEN,
        ),
        (
            "revoke",
            "UPDATE provider_members SET revoked = 1 WHERE provider_id = $1",
            "UPDATE provider_members SET revoked = 0 WHERE provider_id = $1",
            StatusCode::FORBIDDEN,
        ),
        (
            "unlink",
            "DELETE FROM provider_clients WHERE provider_id = $1",
            "SELECT 1",
            StatusCode::FORBIDDEN,
        ),
    ];
    for (i, (what, change, undo, expected)) in rounds.iter().enumerate() {
        let mut tx = h.db.begin_write().await.expect("begin");
        sqlx::query("UPDATE organizations SET revised_at = revised_at WHERE id = $1")
            .bind(&client)
            .execute(&mut *tx)
            .await
            .expect("lock the organization");
        let mut q = sqlx::query(change);
        if change.contains("$1") {
            q = q.bind(&provider);
        }
        q.execute(&mut *tx).await.expect("change");
        let name = format!("Late {i}");
        let (r, ()) = tokio::join!(
            h.call(
                "collection_create",
                json!({"org": client, "name": name}),
                Some(&amy_s),
            ),
            async {
                tokio::time::sleep(std::time::Duration::from_millis(700)).await;
                tx.commit().await.expect("commit");
            }
        );
        assert_eq!(r.status, *expected, "{what}: {}", r.text);
        let made: i64 = sqlx::query("SELECT COUNT(*) AS n FROM collections WHERE name = $1")
            .bind(&name)
            .fetch_one(h.db.pool())
            .await
            .expect("count")
            .get("n");
        assert_eq!(made, i64::from(*expected == StatusCode::OK), "{what}");
        let mut q = sqlx::query(undo);
        if undo.contains("$1") {
            q = q.bind(&provider);
        }
        q.execute(h.db.pool()).await.expect("undo");
    }
    let r = h
        .call("org_collections", json!({"org": client}), Some(&amy_s))
        .await;
    assert_eq!(
        r.status,
        StatusCode::NOT_FOUND,
        "after the unlink: {}",
        r.text
    );
}

on_both_databases!(provider_story: providers_on_sqlite, providers_on_postgres);
on_both_databases!(in_flight_story: in_flight_on_sqlite, in_flight_on_postgres);
on_both_databases!(link_race_story: link_race_on_sqlite, link_race_on_postgres);
on_both_databases!(last_admin_race_story: last_admin_race_on_sqlite, last_admin_race_on_postgres);

/// From an outside attack: staff may not make themselves members of a client (which would outlast
/// a revocation or an unlink), clients stay within the instance's seat bound (so linking, raising
/// and unlinking launders nothing), and a provider makes at most so many clients a day.
async fn staff_limits_story(h: &Harness) {
    let op_s = operator(h, "127.0.7.1", "limits-op@keyhaven.test").await;
    let amy = person("limits-amy@msp.test", "amy administers the provider");
    let sam = person("limits-sam@msp.test", "sam would like to stay");
    let amy_s = h.signed_up("127.0.7.2", &amy, "Amy").await;
    let sam_s = h.signed_up("127.0.7.3", &sam, "Sam").await;
    let (provider, key) = provider_for(h, &op_s, "Limits MSP", &amy, &amy_s).await;
    staff(
        h,
        &provider,
        &key,
        &amy_s,
        &sam,
        &sam_s,
        "service_user",
        true,
    )
    .await;
    let (client, _) = new_client(h, &provider, &key, &sam_s, "Limits Co", "own@co.test").await;

    // The operator's checklist: operators only, an address checked, nothing told to others.
    let prereq = |email: &str| json!({"email": email});
    let r = h
        .call("operator_prerequisites", prereq(amy.email), None)
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.text);
    let r = h
        .call("operator_prerequisites", prereq(amy.email), Some(&amy_s))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    let r = h
        .call("operator_prerequisites", prereq(amy.email), Some(&op_s))
        .await;
    assert_eq!(
        ok(&r),
        &json!({"has_account": true, "owns_enterprise_org": false})
    );
    let r = h
        .call(
            "operator_prerequisites",
            prereq("nobody@else.test"),
            Some(&op_s),
        )
        .await;
    assert_eq!(ok(&r)["has_account"], false);
    let r = h
        .call(
            "operator_prerequisites",
            prereq("not an address\u{0}"),
            Some(&op_s),
        )
        .await;
    assert_eq!(r.field_error(), ("email".into(), "invalid".into()));

    // Item names for the console's log: staff reach them as owners; outsiders are told nothing,
    // and a call is bounded.
    let named = |ids: Value| json!({"org": client, "ids": ids});
    let ghost = uuid::Uuid::new_v4().to_string();
    let r = h
        .call("org_items_named", named(json!([ghost])), Some(&sam_s))
        .await;
    assert_eq!(ok(&r), &json!([]), "an unknown id is left out");
    let r = h
        .call("org_items_named", named(json!([ghost])), Some(&op_s))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
    let r = h.call("org_items_named", named(json!([ghost])), None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.text);
    let many: Vec<String> = (0..501).map(|_| uuid::Uuid::new_v4().to_string()).collect();
    let r = h
        .call("org_items_named", named(json!(many)), Some(&sam_s))
        .await;
    assert_eq!(r.field_error().0, "item_ids");
    let r = h
        .call("org_items_named", named(json!(["NOT-AN-ID"])), Some(&sam_s))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);

    // Staff cannot invite themselves or a colleague into the client.
    for email in [sam.email, amy.email, "LIMITS-SAM@msp.test"] {
        let r = h
            .call(
                "org_invite",
                json!({"org": client, "invite": {"emails": [email], "role": "owner", "groups": [], "collections": []}}),
                Some(&sam_s),
            )
            .await;
        assert_eq!(
            r.field_error(),
            ("emails".into(), "taken".into()),
            "{email}"
        );
    }
    let r = h
        .call(
            "org_invite",
            json!({"org": client, "invite": {"emails": ["helper@co.test"], "role": "user", "groups": [], "collections": []}}),
            Some(&sam_s),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "a customer's person may be invited: {}",
        r.text
    );

    // The instance's seat bound (1,000 by default) holds for clients.
    let org = uuid::Uuid::new_v4().to_string();
    let org_key = SymmetricKey::generate().expect("key");
    let r = h
        .call(
            "provider_client_create",
            json!({"provider": provider, "client": {"org": org, "name": "Huge", "billing_email": "b@huge.test",
                "plan": "enterprise", "seats": 1001, "owner_email": "own@huge.test",
                "org_key": wrapped(&key, &provider, &org, &org_key), "default_collection": "Default"}}),
            Some(&sam_s),
        )
        .await;
    assert_eq!(r.field_error(), ("seats".into(), "too_long".into()));
    for (endpoint, args) in [
        (
            "provider_client_update",
            json!({"provider": provider, "org": client, "update": {"name": "Limits Co", "seats": 100_000}}),
        ),
        (
            "org_update",
            json!({"org": client, "settings": {"name": "Limits Co", "billing_email": "b@co.test", "plan": "teams", "seats": 1001}}),
        ),
    ] {
        let r = h.call(endpoint, args, Some(&sam_s)).await;
        assert_eq!(
            r.field_error(),
            ("seats".into(), "too_long".into()),
            "{endpoint}"
        );
    }

    // A provider creates at most 100 clients a day (one was made above).
    for n in 2..=100 {
        let org = uuid::Uuid::new_v4().to_string();
        let org_key = SymmetricKey::generate().expect("key");
        let r = h
            .call(
                "provider_client_create",
                json!({"provider": provider, "client": {"org": org, "name": format!("Client {n}"), "billing_email": "b@c.test",
                    "plan": "teams", "seats": 2, "owner_email": format!("owner{n}@clients.test"),
                    "org_key": wrapped(&key, &provider, &org, &org_key), "default_collection": "Default"}}),
                Some(if n % 2 == 0 { &amy_s } else { &sam_s }),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "client {n}: {}", r.text);
    }
    let org = uuid::Uuid::new_v4().to_string();
    let r = h
        .call(
            "provider_client_create",
            json!({"provider": provider, "client": {"org": org, "name": "One too many", "billing_email": "b@c.test",
                "plan": "teams", "seats": 2, "owner_email": "late@clients.test",
                "org_key": wrapped(&key, &provider, &org, &org_key), "default_collection": "Default"}}),
            Some(&amy_s),
        )
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.text);
}

on_both_databases!(staff_limits_story: staff_limits_on_sqlite, staff_limits_on_postgres);
