//! The fuzzing harnesses, kept apart from the `fuzz_targets` so that the regression inputs can
//! also run as an ordinary test of the main workspace (`server/tests/fuzz_regressions.rs`
//! includes this file). Each harness must never panic, whatever the bytes.

use app::api::auth::{ChangeMasterPassword, Login, Prelogin, Register, SetLanguage, UpdateProfile};
use app::api::collections::{CollectionAccessSet, CollectionRename, GroupCreate, GroupUpdate};
use app::api::mail_requests::{PasswordHint, SignupStart};
use app::api::orgs::{
    InvitationInfo, OrgConfirm, OrgCreate, OrgInvite, OrgMembersChange, OrgUpdate,
};
use app::api::shared::{
    OrgHealthItems, SharedCreate, SharedList, SharedMark, SharedMove, SharedMoveIn, SharedUpdate,
};
use app::api::vault::{
    FolderCreate, FolderDelete, FolderRename, ItemCreate, ItemUpdate, ItemsDelete, ItemsImport,
    ItemsRestore, ItemsTrash, VaultList,
};
use app::crypto::account::{check_shape, NewAccount};
use app::domain::json_from_bytes;
use app::domain::org::{collection_name_problem, sealed_key_problem};
use app::domain::shared::collections_problem;
use app::domain::validate::{email_problem, hint_problem, name_problem, normalize_email};
use app::domain::vault::{bulk_problem, encrypted_problem, FOLDER_NAME_MAX, ITEM_DATA_MAX};

/// The first byte picks a server function; the rest is its JSON body, decoded as the server
/// decodes it and then checked as the function checks it before touching the database.
pub fn server_args(data: &[u8]) {
    let Some((&which, body)) = data.split_first() else {
        return;
    };
    match which % 24 {
        0 => {
            if let Ok(a) = json_from_bytes::<Prelogin>(body) {
                let _ = email_problem(&a.email);
                let _ = normalize_email(&a.email);
            }
        }
        1 => {
            if let Ok(a) = json_from_bytes::<Register>(body) {
                let r = a.req;
                let _ = (email_problem(&r.email), name_problem(&r.name));
                let _ = r.hint.as_deref().map(hint_problem);
                let _ = r.kdf.validate();
                let _ = check_shape(&NewAccount {
                    auth_hash: r.auth_hash,
                    protected_user_key: r.protected_user_key,
                    public_key: r.public_key,
                    protected_private_key: r.protected_private_key,
                });
            }
        }
        2 => {
            if let Ok(a) = json_from_bytes::<Login>(body) {
                let _ = email_problem(&a.email);
                let _ = app::crypto::unb64(&a.auth_hash);
            }
        }
        3 => {
            if let Ok(a) = json_from_bytes::<ChangeMasterPassword>(body) {
                let _ = app::crypto::unb64(&a.current_auth_hash);
                let _ = app::crypto::EncString::parse(&a.new_protected_user_key)
                    .and_then(|e| e.plaintext_len());
            }
        }
        4 => {
            if let Ok(a) = json_from_bytes::<UpdateProfile>(body) {
                let _ = name_problem(&a.name);
            }
        }
        5 => {
            let _ = json_from_bytes::<SetLanguage>(body);
        }
        6 => {
            if let Ok(a) = json_from_bytes::<SignupStart>(body) {
                let _ = email_problem(&a.email);
            }
        }
        7 => {
            if let Ok(a) = json_from_bytes::<PasswordHint>(body) {
                let _ = email_problem(&a.email);
            }
        }
        8 => {
            let _ = json_from_bytes::<VaultList>(body);
        }
        9 => {
            if let Ok(a) = json_from_bytes::<ItemCreate>(body) {
                let _ = encrypted_problem(&a.item.data, ITEM_DATA_MAX);
            }
        }
        10 => {
            if let Ok(a) = json_from_bytes::<ItemUpdate>(body) {
                let _ = encrypted_problem(&a.item.data, ITEM_DATA_MAX);
            }
        }
        11 => {
            if let Ok(a) = json_from_bytes::<ItemsTrash>(body) {
                let _ = bulk_problem(&a.ids);
            }
            if let Ok(a) = json_from_bytes::<ItemsRestore>(body) {
                let _ = bulk_problem(&a.ids);
            }
            if let Ok(a) = json_from_bytes::<ItemsDelete>(body) {
                let _ = bulk_problem(&a.ids);
            }
        }
        12 => {
            if let Ok(a) = json_from_bytes::<ItemsImport>(body) {
                let _ = a.import.problems();
            }
        }
        13 => {
            if let Ok(a) = json_from_bytes::<FolderCreate>(body) {
                let _ = encrypted_problem(&a.name, FOLDER_NAME_MAX);
            }
        }
        14 => {
            if let Ok(a) = json_from_bytes::<FolderRename>(body) {
                let _ = encrypted_problem(&a.name, FOLDER_NAME_MAX);
            }
        }
        15 => {
            if let Ok(a) = json_from_bytes::<OrgCreate>(body) {
                let _ = a.new.settings.problems();
                let _ = a.new.settings.cleaned();
                let _ = sealed_key_problem(&a.new.sealed_org_key);
                let _ = collection_name_problem(&a.new.default_collection);
            }
        }
        16 => {
            if let Ok(a) = json_from_bytes::<OrgInvite>(body) {
                let _ = a.invite.problems();
            }
            if let Ok(a) = json_from_bytes::<InvitationInfo>(body) {
                let _ = a.token.len();
            }
        }
        17 => {
            if let Ok(a) = json_from_bytes::<OrgConfirm>(body) {
                for c in &a.confirmations {
                    let _ = sealed_key_problem(&c.sealed_org_key);
                }
            }
            let _ = json_from_bytes::<OrgMembersChange>(body);
        }
        18 => {
            if let Ok(a) = json_from_bytes::<SharedCreate>(body) {
                let _ = a.item.problems(true);
                let _ = collections_problem(&a.collections);
            }
        }
        19 => {
            if let Ok(a) = json_from_bytes::<SharedUpdate>(body) {
                let _ = a.item.problems(false);
            }
            if let Ok(a) = json_from_bytes::<SharedMove>(body) {
                let _ = (bulk_problem(&a.ids), collections_problem(&a.collections));
            }
        }
        20 => {
            if let Ok(a) = json_from_bytes::<SharedMoveIn>(body) {
                for m in &a.moves {
                    let _ = m.item.problems(true);
                }
                let _ = collections_problem(&a.collections);
            }
            let _ = json_from_bytes::<SharedMark>(body);
        }
        21 => {
            if let Ok(a) = json_from_bytes::<CollectionAccessSet>(body) {
                let _ = a.access.problems();
            }
            if let Ok(a) = json_from_bytes::<CollectionRename>(body) {
                let _ = collection_name_problem(&a.name);
            }
        }
        22 => {
            if let Ok(a) = json_from_bytes::<GroupCreate>(body) {
                let _ = a.group.problems();
            }
            if let Ok(a) = json_from_bytes::<GroupUpdate>(body) {
                let _ = a.group.problems();
            }
        }
        _ => {
            let _ = json_from_bytes::<FolderDelete>(body);
            let _ = json_from_bytes::<SharedList>(body);
            let _ = json_from_bytes::<OrgHealthItems>(body);
            let _ = json_from_bytes::<OrgUpdate>(body).map(|a| a.settings.problems());
            let _ = json_from_bytes::<app::domain::AppError>(body);
        }
    }
}

/// A file that is read as Bitwarden CSV (the import reads anything not starting with `{` so).
pub fn import_csv(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        if !text.trim_start().starts_with('{') {
            let _ = app::domain::transfer::import(text, "", "Untitled");
        }
    }
}

/// A file that is read as JSON: Bitwarden's, or Keyhaven's own (plain; a protected one needs
/// 600,000 PBKDF2 rounds per try, which a fuzzer cannot afford, and its decryption is the
/// crypto's own tested code).
pub fn import_json(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let text = format!("{{{text}");
        let protected = serde_json::from_str::<serde_json::Value>(&text)
            .is_ok_and(|v| v.get("encrypted").and_then(serde_json::Value::as_bool) == Some(true));
        if !protected {
            let _ = app::domain::transfer::import(&text, "", "Untitled");
        }
    }
}
