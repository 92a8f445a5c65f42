//! Makes the data of the organization benchmark (docs/BENCHMARKS.md, "Organizations at scale")
//! against a running server: organizations of MEMBERS members, COLLECTIONS collections and ITEMS
//! shared items each, and a bench member with PERSONAL personal items who belongs to all of them.
//!
//!   ./target/release/examples/seed_org --addr 127.0.0.1:3279 \
//!     --database-url "sqlite://$DATA/keyhaven.db" --outbox "$DATA/outbox" --prefix big \
//!     [--orgs 3 --members 5000 --collections 200 --items 20000 --personal 1000]
//!
//! Over HTTP, with keys made here as the browser makes them:
//! - the owner and the bench member register (`register`); each imports PERSONAL sealed items;
//! - the owner creates each organization (`org_create`, the organization key made here and sealed
//!   to the owner's public key, as `ui/join.rs` does) and its collections (`collection_create`);
//! - the bench member is invited (`org_invite`), accepts with the token from the mail in the
//!   outbox (`invitation_accept`) and is confirmed with the organization key sealed to the public
//!   key `org_members` lists (`org_confirm`), as the Admin Console does;
//! - groups (`group_create`) and every collection's grants (`collection_access_set`): the bench
//!   member has a grant of their own on every tenth collection and, through a group, view on
//!   collections 1–3 of every twenty (20 + 30 of 200);
//! - the shared items: sealed with the organization key bound to their id and organization
//!   (`seal_shared`), moved in from the owner's vault in batches (`items_import`, then
//!   `shared_move_in`), each batch into one collection and every third also into a second;
//! - the bench member's favorite mark on ten shared items per organization (`shared_mark`).
//!
//! By SQL on the same database (`--database-url`): the other MEMBERS − 2 members of each
//! organization (registering 15,000 accounts through Argon2 would take hours), as accounts with
//! random public keys that cannot sign in and `org_members` rows: 70% confirmed (holding the
//! organization key really sealed to their key), 10% accepted, 15% invited (no account), 5%
//! revoked; one in a hundred an admin. Their groups and grants then go over HTTP as above.
//!
//! Prints shell assignments: MEMBER_EMAIL, MEMBER_COOKIE, OWNER_EMAIL, OWNER_COOKIE, ORGS (ids,
//! space-separated) and MEMBER_REACHES (the shared items the bench member reaches); progress
//! goes to stderr.

mod common;

use app::crypto::items::{seal_shared, Binding, Owner};
use app::crypto::sealed::seal_key;
use app::crypto::{b64, SymmetricKey};
use app::domain::org::{
    AccessLevel, CollectionAccess, CollectionSummary, Confirmation, GroupGrant, GroupInput,
    InviteInput, MemberGrant, MemberOutcome, MemberRecord, NewOrg, OrgInput, OrgMembership,
    OrgRole, Plan,
};
use app::domain::shared::{MoveIn, SharedItemInput};
use app::domain::vault::BULK_MAX;
use app::domain::{CollectionId, GroupId, ItemId, MemberId, OrgId};
use clap::Parser;
use common::{call, import, register, Account, Res};
use serde_json::{json, Value};
use sqlx::any::AnyPoolOptions;
use sqlx::AnyPool;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(Parser)]
struct Args {
    /// The server, host:port.
    #[arg(long)]
    addr: String,
    /// The server's database, for the members added by SQL.
    #[arg(long)]
    database_url: String,
    /// The server's outbox folder, where the invitation mails land.
    #[arg(long)]
    outbox: PathBuf,
    /// Names the accounts: PREFIX-owner@example.org, PREFIX-member@example.org.
    #[arg(long)]
    prefix: String,
    #[arg(long, default_value = "bench master password 1")]
    password: String,
    #[arg(long, default_value_t = 3)]
    orgs: usize,
    /// Members of each organization, the owner and the bench member included.
    #[arg(long, default_value_t = 5_000)]
    members: usize,
    #[arg(long, default_value_t = 200)]
    collections: usize,
    /// Shared items of each organization.
    #[arg(long, default_value_t = 20_000)]
    items: usize,
    /// Personal items of the bench member (and of the owner).
    #[arg(long, default_value_t = 1_000)]
    personal: usize,
}

/// A small deterministic generator (xorshift64*): every run makes the same shape.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) as usize % n
    }

    /// `k` different elements of `from` (all of them if there are fewer).
    fn pick<T: Clone>(&mut self, from: &[T], k: usize) -> Vec<T> {
        let mut order: Vec<usize> = (0..from.len()).collect();
        let k = k.min(from.len());
        for i in 0..k {
            let j = i + self.below(from.len() - i);
            order.swap(i, j);
        }
        order[..k].iter().map(|&i| from[i].clone()).collect()
    }

    fn level(&mut self) -> AccessLevel {
        AccessLevel::ALL[self.below(AccessLevel::ALL.len())]
    }
}

/// The bench member's own grant on collection `i`: every tenth collection, the levels in turn
/// (so some of what they reach hides passwords).
fn direct_level(i: usize) -> Option<AccessLevel> {
    use AccessLevel::*;
    i.is_multiple_of(10)
        .then(|| [View, ViewExceptPasswords, Edit, Manage, EditExceptPasswords][i / 10 % 5])
}

/// The bench member's group views collections 1, 2 and 3 of every twenty.
fn via_group(i: usize) -> bool {
    matches!(i % 20, 1..=3)
}

/// The collections (by index) the `b`-th batch of shared items goes into: one each in turn, and
/// every third batch a second one.
fn batch_collections(b: usize, collections: usize) -> Vec<usize> {
    let mut into = vec![b % collections];
    let second = (b * 7 + 3) % collections;
    if b.is_multiple_of(3) && second != into[0] {
        into.push(second);
    }
    into
}

fn log(started: Instant, what: &str) {
    eprintln!("[{:7.1} s] {what}", started.elapsed().as_secs_f64());
}

/// The invitation token in the first mail to `to` in `outbox` not in `seen` (mail goes out in the
/// background: waits for it). The body is quoted-printable.
async fn invitation_token(outbox: &Path, to: &str, seen: &mut HashSet<PathBuf>) -> Res<String> {
    for _ in 0..400 {
        let mut files: Vec<PathBuf> = match std::fs::read_dir(outbox) {
            Ok(dir) => dir.filter_map(Result::ok).map(|e| e.path()).collect(),
            Err(_) => Vec::new(),
        };
        files.sort();
        for file in files {
            // A mail being written is `….partial` until it is whole (then renamed).
            if seen.contains(&file) || file.extension().is_none_or(|e| e != "eml") {
                continue;
            }
            let Ok(mail) = std::fs::read_to_string(&file) else {
                continue;
            };
            let mail = mail
                .replace("=\r\n", "")
                .replace("=\n", "")
                .replace("=3D", "=");
            if !mail.contains(&format!("To: {to}")) {
                continue;
            }
            let Some(start) = mail.find("/org?invite=").map(|at| at + 12) else {
                continue;
            };
            if let Some(token) = mail.get(start..start + 64) {
                seen.insert(file);
                return Ok(token.to_owned());
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    Err(format!("no invitation mail to {to} in {}", outbox.display()).into())
}

/// Adds `n` members to the organization in the database directly (see the module doc). Returns
/// the ids of those confirmed and not revoked.
async fn add_members_by_sql(
    db: &AnyPool,
    org: &OrgId,
    key: &SymmetricKey,
    inviter: &MemberId,
    tag: &str,
    n: usize,
) -> Res<Vec<MemberId>> {
    let now = app::db::now_ms();
    let mut tx = db.begin().await?;
    let mut confirmed = Vec::new();
    for i in 0..n {
        let email = format!("{tag}-{i:05}@example.org");
        let (status, revoked) = match i % 20 {
            0..=13 => ("confirmed", false),
            14 | 15 => ("accepted", false),
            16..=18 => ("invited", false),
            _ => ("confirmed", true),
        };
        let role = if i % 100 == 1 { "admin" } else { "user" };
        let (mut user, mut sealed) = (None, None);
        if status != "invited" {
            let id = uuid::Uuid::new_v4().to_string();
            // Any 32 bytes are an X25519 public key.
            let public_key = b64(&[
                *uuid::Uuid::new_v4().as_bytes(),
                *uuid::Uuid::new_v4().as_bytes(),
            ]
            .concat());
            sqlx::query(
                "INSERT INTO users (id, email, email_normalized, name, hint, language, kdf_kind, \
                 kdf_iterations, kdf_memory_kib, kdf_parallelism, auth_hash_argon2, \
                 protected_user_key, public_key, protected_private_key, security_stamp, \
                 is_operator, created_at, updated_at) \
                 VALUES ($1, $2, $2, $3, NULL, 'en', 'pbkdf2', 600000, NULL, NULL, '', '', $4, '', \
                 $5, 0, $6, $6)",
            )
            .bind(&id)
            .bind(&email)
            .bind(format!("Member {i:05}"))
            .bind(&public_key)
            .bind(uuid::Uuid::new_v4().to_string())
            .bind(now)
            .execute(&mut *tx)
            .await?;
            if status == "confirmed" {
                sealed = Some(seal_key(&public_key, key)?);
            }
            user = Some(id);
        }
        let member = uuid::Uuid::new_v4().to_string();
        sqlx::query(
            "INSERT INTO org_members (id, org_id, user_id, email, email_normalized, role, status, \
             revoked, sealed_org_key, invited_by, created_at, revised_at) \
             VALUES ($1, $2, $3, $4, $4, $5, $6, $7, $8, $9, $10, $10)",
        )
        .bind(&member)
        .bind(org.as_str())
        .bind(user)
        .bind(&email)
        .bind(role)
        .bind(status)
        .bind(i64::from(revoked))
        .bind(sealed)
        .bind(inviter.as_str())
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if status == "confirmed" && !revoked {
            confirmed.push(MemberId::from_stored(member));
        }
    }
    tx.commit().await?;
    Ok(confirmed)
}

struct Seeder {
    args: Args,
    db: AnyPool,
    owner: Account,
    member: Account,
    member_email: String,
    seen_mail: HashSet<PathBuf>,
    rng: Rng,
    started: Instant,
}

impl Seeder {
    async fn owner_call(&self, function: &str, args: Value) -> Res<Value> {
        call(&self.args.addr, function, &args, &self.owner.cookie).await
    }

    /// One organization, whole; returns its id and how many of its items the bench member reaches.
    async fn organization(&mut self, n: usize) -> Res<(OrgId, usize)> {
        let a = &self.args;
        let (addr, count) = (a.addr.clone(), a.collections);
        // The key is born here, as in the browser; the server holds it sealed.
        let key = SymmetricKey::generate()?;
        let new = NewOrg {
            settings: OrgInput {
                name: format!("{} organization {}", a.prefix, n + 1),
                billing_email: format!("{}-billing@example.org", a.prefix),
                plan: Plan::Enterprise,
                seats: 10_000,
            },
            sealed_org_key: seal_key(&self.owner.public_key, &key)?,
            default_collection: "Collection 000".into(),
        };
        let created: OrgMembership =
            serde_json::from_value(self.owner_call("org_create", json!({ "new": new })).await?)?;
        let org = created.org_id;
        for i in 1..count {
            let name = format!("Collection {i:03}");
            self.owner_call("collection_create", json!({ "org": org, "name": name }))
                .await?;
        }
        // By name: "Collection 000" … in the order of their index.
        let collections: Vec<CollectionId> = serde_json::from_value::<Vec<CollectionSummary>>(
            self.owner_call("org_collections", json!({ "org": org }))
                .await?,
        )?
        .into_iter()
        .map(|c| c.id)
        .collect();
        log(
            self.started,
            &format!("org {}: created, {count} collections", n + 1),
        );

        // The bench member: invited, accepts from the mail, confirmed with the key sealed to the
        // public key the server lists.
        let invite = InviteInput {
            emails: vec![self.member_email.clone()],
            role: OrgRole::User,
            groups: Vec::new(),
            collections: Vec::new(),
        };
        let invited: Vec<MemberId> = serde_json::from_value(
            self.owner_call("org_invite", json!({ "org": org, "invite": invite }))
                .await?,
        )?;
        let bench = invited.into_iter().next().ok_or("nobody invited")?;
        let token =
            invitation_token(&self.args.outbox, &self.member_email, &mut self.seen_mail).await?;
        call(
            &addr,
            "invitation_accept",
            &json!({ "token": token }),
            &self.member.cookie,
        )
        .await?;
        let members: Vec<MemberRecord> = serde_json::from_value(
            self.owner_call("org_members", json!({ "org": org }))
                .await?,
        )?;
        let public_key = members
            .iter()
            .find(|m| m.id == bench)
            .and_then(|m| m.public_key.clone())
            .ok_or("the accepted member's public key is not listed")?;
        let confirmations = vec![Confirmation {
            member: bench.clone(),
            sealed_org_key: seal_key(&public_key, &key)?,
        }];
        let outcomes: Vec<MemberOutcome> = serde_json::from_value(
            self.owner_call(
                "org_confirm",
                json!({ "org": org, "confirmations": confirmations }),
            )
            .await?,
        )?;
        if let Some(e) = outcomes.iter().find_map(|o| o.error.as_ref()) {
            return Err(format!("org_confirm: {e:?}").into());
        }
        log(
            self.started,
            &format!("org {}: bench member confirmed", n + 1),
        );

        let others = self.args.members.saturating_sub(2);
        let tag = format!("{}-o{}", self.args.prefix, n + 1);
        let fillers =
            add_members_by_sql(&self.db, &org, &key, &created.member_id, &tag, others).await?;
        log(
            self.started,
            &format!("org {}: {others} members added by SQL", n + 1),
        );

        // Groups of up to 250 of the others, and the bench member's group.
        let team_count = (self.args.members / 250).clamp(1, 20);
        let mut teams: Vec<GroupId> = Vec::new();
        for t in 0..team_count {
            let group = GroupInput {
                name: format!("Team {t:02}"),
                members: self.rng.pick(&fillers, 250),
                collections: Vec::new(),
            };
            let id = self
                .owner_call("group_create", json!({ "org": org, "group": group }))
                .await?;
            teams.push(serde_json::from_value(id)?);
        }
        let mut bench_team = vec![bench.clone()];
        bench_team.extend(self.rng.pick(&fillers, 100));
        let group = GroupInput {
            name: "Bench team".into(),
            members: bench_team,
            collections: Vec::new(),
        };
        let bench_group: GroupId = serde_json::from_value(
            self.owner_call("group_create", json!({ "org": org, "group": group }))
                .await?,
        )?;
        // Each collection: 25 of the others with a grant of their own, two teams, and the bench
        // member's grants.
        for (i, collection) in collections.iter().enumerate() {
            let mut access = CollectionAccess::default();
            for member in self.rng.pick(&fillers, 25) {
                let level = self.rng.level();
                access.members.push(MemberGrant { member, level });
            }
            if let Some(level) = direct_level(i) {
                access.members.push(MemberGrant {
                    member: bench.clone(),
                    level,
                });
            }
            let mut chosen = vec![i % team_count, (i * 7 + 5) % team_count];
            chosen.dedup();
            for t in chosen {
                let level = self.rng.level();
                access.groups.push(GroupGrant {
                    group: teams[t].clone(),
                    level,
                });
            }
            if via_group(i) {
                access.groups.push(GroupGrant {
                    group: bench_group.clone(),
                    level: AccessLevel::View,
                });
            }
            self.owner_call(
                "collection_access_set",
                json!({ "org": org, "id": collection, "access": access }),
            )
            .await?;
        }
        log(
            self.started,
            &format!(
                "org {}: {} groups, grants on every collection",
                n + 1,
                team_count + 1
            ),
        );

        // The shared items: through the owner's vault, a round of imports at a time, then moved
        // in (re-sealed with the organization key) batch by batch.
        let items = self.args.items;
        let batch = items.div_ceil(count).clamp(1, BULK_MAX);
        let round = (2_000 / batch).max(1) * batch;
        let first = self.args.personal + n * items;
        let mut reached: Vec<ItemId> = Vec::new();
        let mut b = 0;
        for start in (first..first + items).step_by(round) {
            let end = (start + round).min(first + items);
            let transit = import(&addr, &self.owner, start..end, 0, false).await?;
            for chunk in transit.chunks(batch) {
                let into = batch_collections(b, count);
                b += 1;
                let mut moves = Vec::with_capacity(chunk.len());
                for t in chunk {
                    let at = Binding {
                        owner: Owner::Org(&org),
                        item: &t.id,
                    };
                    let (data, secrets) = seal_shared(&key, &t.data, at)?;
                    moves.push(MoveIn {
                        id: t.id.clone(),
                        revision: 1,
                        item: SharedItemInput {
                            item_type: t.item_type,
                            data,
                            secrets: Some(secrets),
                        },
                    });
                }
                let ids: Vec<&CollectionId> = into.iter().map(|&c| &collections[c]).collect();
                self.owner_call(
                    "shared_move_in",
                    json!({ "org": org, "moves": moves, "collections": ids }),
                )
                .await?;
                if into
                    .iter()
                    .any(|&c| direct_level(c).is_some() || via_group(c))
                {
                    reached.extend(chunk.iter().map(|t| t.id.clone()));
                }
            }
        }
        log(
            self.started,
            &format!(
                "org {}: {items} shared items moved in, in batches of {batch}; the bench member reaches {}",
                n + 1,
                reached.len()
            ),
        );
        for id in reached.iter().take(10) {
            call(
                &addr,
                "shared_mark",
                &json!({ "org": org, "id": id, "favorite": true, "folder_id": null }),
                &self.member.cookie,
            )
            .await?;
        }
        Ok((org, reached.len()))
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Res<()> {
    let args = Args::parse();
    let started = Instant::now();
    sqlx::any::install_default_drivers();
    let db = AnyPoolOptions::new()
        .max_connections(1)
        .connect(&args.database_url)
        .await?;
    let owner_email = format!("{}-owner@example.org", args.prefix);
    let member_email = format!("{}-member@example.org", args.prefix);
    let owner = register(&args.addr, &owner_email, &args.password, "Bench owner").await?;
    let member = register(&args.addr, &member_email, &args.password, "Bench member").await?;
    import(&args.addr, &member, 0..args.personal, 0, true).await?;
    log(
        started,
        &format!(
            "owner and bench member registered; {} personal items",
            args.personal
        ),
    );
    let mut seeder = Seeder {
        args,
        db,
        owner,
        member,
        member_email,
        seen_mail: HashSet::new(),
        rng: Rng(0x9E37_79B9_7F4A_7C15),
        started,
    };
    let mut orgs = Vec::new();
    let mut reaches = 0;
    for n in 0..seeder.args.orgs {
        let (org, reached) = seeder.organization(n).await?;
        orgs.push(org.to_string());
        reaches += reached;
    }
    // The owner's own vault, after the items passed through it.
    let a = &seeder.args;
    let own = a.personal + a.orgs * a.items;
    import(&a.addr, &seeder.owner, own..own + a.personal, 0, true).await?;
    log(started, "done");
    println!("MEMBER_EMAIL='{}'", seeder.member_email);
    println!("MEMBER_COOKIE='{}'", seeder.member.cookie);
    println!("OWNER_EMAIL='{owner_email}'");
    println!("OWNER_COOKIE='{}'", seeder.owner.cookie);
    println!("ORGS='{}'", orgs.join(" "));
    println!("MEMBER_REACHES={reaches}");
    Ok(())
}
