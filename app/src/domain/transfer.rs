//! Moving a vault in and out, in the browser: Keyhaven's own JSON (plain or password-protected),
//! Bitwarden's unencrypted JSON and CSV exports, and a CSV in Bitwarden's layout. Parsing is
//! all-or-nothing: the first problem stops the import and names its line or item.

use super::item::{CustomField, FieldKind, ItemData, LoginUri, OldPassword, UriMatch, HISTORY_MAX};
use super::vault::ItemType;
use super::{FieldError, Millis};
use crate::crypto::export::{protect, unprotect, ProtectedExport, FORMAT, VERSION};
use crate::crypto::CryptoError;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Most items one import may bring.
pub const IMPORT_MAX: usize = 10_000;

/// Keyhaven's plain export; the protected export wraps its JSON.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Export {
    pub format: String,
    pub version: u32,
    pub encrypted: bool,
    #[serde(default)]
    pub folders: Vec<ExportFolder>,
    #[serde(default)]
    pub items: Vec<ExportItem>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportFolder {
    pub id: String,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportItem {
    #[serde(rename = "type")]
    pub item_type: ItemType,
    #[serde(default)]
    pub folder_id: Option<String>,
    #[serde(default)]
    pub favorite: bool,
    /// For the reader's information; an import gets new dates.
    #[serde(default)]
    pub created_at: Millis,
    #[serde(default)]
    pub revised_at: Millis,
    pub data: ItemData,
}

impl Export {
    pub fn new(folders: Vec<ExportFolder>, items: Vec<ExportItem>) -> Self {
        Export {
            format: FORMAT.into(),
            version: VERSION,
            encrypted: false,
            folders,
            items,
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    pub fn to_protected_json(&self, password: &str) -> Result<String, CryptoError> {
        let sealed = protect(self.to_json().as_bytes(), password)?;
        Ok(serde_json::to_string_pretty(&sealed).unwrap_or_default())
    }

    /// Logins and secure notes in Bitwarden's CSV layout (it has no columns for cards and
    /// identities; those travel in the JSON exports).
    pub fn to_csv(&self) -> String {
        let folder_name = |id: &Option<String>| {
            self.folders
                .iter()
                .find(|f| Some(&f.id) == id.as_ref())
                .map(|f| f.name.clone())
                .unwrap_or_default()
        };
        let mut out = String::new();
        push_csv_row(&mut out, &CSV_COLUMNS.map(str::to_owned));
        for item in &self.items {
            let kind = match item.item_type {
                ItemType::Login => "login",
                ItemType::SecureNote => "note",
                ItemType::Card | ItemType::Identity => continue,
            };
            let d = &item.data;
            let fields = d
                .fields
                .iter()
                .map(|f| format!("{}: {}", f.name, f.value))
                .collect::<Vec<_>>()
                .join("\n");
            let uris = d
                .login
                .uris
                .iter()
                .map(|u| u.uri.as_str())
                .collect::<Vec<_>>()
                .join(",");
            push_csv_row(
                &mut out,
                &[
                    folder_name(&item.folder_id),
                    if item.favorite { "1" } else { "" }.to_owned(),
                    kind.to_owned(),
                    d.name.clone(),
                    d.notes.clone(),
                    fields,
                    "0".to_owned(),
                    uris,
                    d.login.username.clone(),
                    d.login.password.clone(),
                    d.login.totp.clone(),
                ],
            );
        }
        out
    }
}

/// What an import brings, ready to be sealed in the browser and sent in one call.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Imported {
    pub folders: Vec<String>,
    pub items: Vec<ImportedItem>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportedItem {
    pub item_type: ItemType,
    /// Index into `Imported::folders`.
    pub folder: Option<usize>,
    pub favorite: bool,
    pub data: ItemData,
}

/// Where in the file a problem is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    File,
    /// 1-based line of the file.
    Line(usize),
    /// 1-based position in the file's item list.
    Item(usize),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportProblem {
    Empty,
    UnknownFormat,
    /// Not valid JSON (serde's place is the line).
    Syntax,
    UnterminatedQuote,
    MissingColumn(&'static str),
    /// A value that cannot be read, named by its field.
    BadValue(&'static str),
    /// The item is fine as a file entry but breaks an item rule (too many URIs, no name…).
    Item(FieldError),
    /// Encrypted with a Bitwarden account key, which only Bitwarden can open.
    AccountEncrypted,
    PasswordNeeded,
    WrongPassword,
    TooMany {
        max: usize,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportError {
    pub place: Place,
    pub problem: ImportProblem,
}

fn fail<T>(place: Place, problem: ImportProblem) -> Result<T, ImportError> {
    Err(ImportError { place, problem })
}

/// Reads any supported file. `password` opens a protected Keyhaven export; `untitled` names a
/// Bitwarden item that has neither a name nor a URI with a host (in the reader's language).
pub fn import(text: &str, password: &str, untitled: &str) -> Result<Imported, ImportError> {
    let text = text.trim_start_matches('\u{feff}');
    if text.trim().is_empty() {
        return fail(Place::File, ImportProblem::Empty);
    }
    let imported = if text.trim_start().starts_with('{') {
        let value: Value = serde_json::from_str(text).map_err(|e| ImportError {
            place: Place::Line(e.line().max(1)),
            problem: ImportProblem::Syntax,
        })?;
        if value.get("format").and_then(Value::as_str) == Some(FORMAT) {
            keyhaven_json(value, password)?
        } else if value.get("items").is_some_and(Value::is_array) {
            bitwarden_json(&value, untitled)?
        } else {
            return fail(Place::File, ImportProblem::UnknownFormat);
        }
    } else {
        bitwarden_csv(text, untitled)?
    };
    if imported.items.len() > IMPORT_MAX {
        return fail(Place::File, ImportProblem::TooMany { max: IMPORT_MAX });
    }
    if imported.items.is_empty() {
        return fail(Place::File, ImportProblem::Empty);
    }
    Ok(imported)
}

fn check_item(place: Place, data: &ItemData) -> Result<(), ImportError> {
    match data.problems().into_iter().next() {
        Some(fe) => fail(place, ImportProblem::Item(fe)),
        None => Ok(()),
    }
}

/// Folders by name, in order of first use; items point at them by index. Names that differ only
/// in case or surrounding spaces are one folder, spelt as first met.
#[derive(Default)]
struct FolderIndex(Vec<String>);

impl FolderIndex {
    fn index(&mut self, name: &str) -> Option<usize> {
        let name = name.trim();
        if name.is_empty() {
            return None;
        }
        let key = folder_key(name);
        Some(match self.0.iter().position(|n| folder_key(n) == key) {
            Some(i) => i,
            None => {
                self.0.push(name.to_owned());
                self.0.len() - 1
            }
        })
    }
}

/// What makes two folder names the same folder: case and surrounding spaces do not count.
/// Accents do ("Resume" and "Résumé" may well be different folders), unlike in search.
pub fn folder_key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// True if `name` is, by [`folder_key`], one of `others`.
pub fn folder_name_taken<'a>(name: &str, mut others: impl Iterator<Item = &'a str>) -> bool {
    let key = folder_key(name);
    others.any(|other| folder_key(other) == key)
}

/// For each of an import's folders, the index in `existing` of the vault's folder with the same
/// name (by [`folder_key`]), or `None` when the import must create it. The server cannot match
/// them: it only holds encrypted names.
pub fn match_folders(imported: &[String], existing: &[&str]) -> Vec<Option<usize>> {
    let keys: Vec<String> = existing.iter().map(|n| folder_key(n)).collect();
    imported
        .iter()
        .map(|name| {
            let key = folder_key(name);
            keys.iter().position(|k| *k == key)
        })
        .collect()
}

/// Gives a nameless item a name, as Bitwarden's importers do: the host of its first URI that
/// has one (without `www.`), else `untitled`.
fn name_if_nameless(data: &mut ItemData, untitled: &str) {
    if !data.name.trim().is_empty() {
        return;
    }
    data.name = data
        .login
        .uris
        .iter()
        .find_map(|u| uri_host(&u.uri))
        .unwrap_or_else(|| untitled.to_owned());
}

/// The host of a URI: `https://www.Bank.example:8443/x` gives `bank.example`. Without a scheme
/// only a dotted name counts (`bank.example/login`), so `javascript:void(0)` gives none.
fn uri_host(uri: &str) -> Option<String> {
    let uri = uri.trim();
    let (rest, dot_needed) = uri
        .split_once("://")
        .map_or((uri, true), |(_, rest)| (rest, false));
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = match host_port.strip_prefix('[') {
        // An IPv6 literal keeps its colons.
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => host_port.split(':').next().unwrap_or_default(),
    };
    let lower = host.to_lowercase();
    let host = lower.strip_prefix("www.").unwrap_or(&lower);
    let plausible = !host.is_empty()
        && !host.contains(char::is_whitespace)
        && (!dot_needed || host.contains('.'));
    plausible.then(|| host.to_owned())
}

fn keyhaven_json(value: Value, password: &str) -> Result<Imported, ImportError> {
    let file = Place::File;
    let plain: Value = if value.get("encrypted").and_then(Value::as_bool) == Some(true) {
        let sealed: ProtectedExport = serde_json::from_value(value).map_err(|_| ImportError {
            place: file,
            problem: ImportProblem::BadValue("data"),
        })?;
        if password.is_empty() {
            return fail(file, ImportProblem::PasswordNeeded);
        }
        let json = unprotect(&sealed, password).map_err(|e| ImportError {
            place: file,
            problem: match e {
                CryptoError::Decrypt => ImportProblem::WrongPassword,
                _ => ImportProblem::BadValue("kdf"),
            },
        })?;
        serde_json::from_slice(&json).map_err(|_| ImportError {
            place: file,
            problem: ImportProblem::Syntax,
        })?
    } else {
        value
    };
    if plain.get("version").and_then(Value::as_u64) != Some(u64::from(VERSION)) {
        return fail(file, ImportProblem::BadValue("version"));
    }
    // Item by item, so an error can name the item rather than a character offset.
    let mut folders = FolderIndex::default();
    let folder_names: Vec<ExportFolder> = match plain.get("folders") {
        None => Vec::new(),
        Some(v) => serde_json::from_value(v.clone()).map_err(|_| ImportError {
            place: file,
            problem: ImportProblem::BadValue("folders"),
        })?,
    };
    let raw_items = plain
        .get("items")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut items = Vec::with_capacity(raw_items.len());
    for (i, raw) in raw_items.into_iter().enumerate() {
        let place = Place::Item(i + 1);
        let bad = |field| ImportError {
            place,
            problem: ImportProblem::BadValue(field),
        };
        // Field by field, so the error can name the one that is wrong.
        let shape_ok = |key: &str, ok: fn(&Value) -> bool| raw.get(key).is_none_or(ok);
        if raw
            .get("type")
            .and_then(Value::as_str)
            .and_then(ItemType::from_code)
            .is_none()
        {
            return Err(bad("type"));
        }
        if !shape_ok("favorite", Value::is_boolean) {
            return Err(bad("favorite"));
        }
        if !shape_ok("folder_id", |v| v.is_string() || v.is_null()) {
            return Err(bad("folder_id"));
        }
        if !raw.get("data").is_some_and(Value::is_object) {
            return Err(bad("data"));
        }
        let item: ExportItem = serde_json::from_value(raw).map_err(|_| bad("data"))?;
        check_item(place, &item.data)?;
        let folder = match &item.folder_id {
            None => None,
            Some(id) => {
                let f = folder_names
                    .iter()
                    .find(|f| &f.id == id)
                    .ok_or(ImportError {
                        place,
                        problem: ImportProblem::BadValue("folder_id"),
                    })?;
                folders.index(&f.name)
            }
        };
        items.push(ImportedItem {
            item_type: item.item_type,
            folder,
            favorite: item.favorite,
            data: item.data,
        });
    }
    Ok(Imported {
        folders: folders.0,
        items,
    })
}

fn text(value: &Value, key: &str) -> String {
    match value.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Bool(b)) => b.to_string(),
        _ => String::new(),
    }
}

fn bitwarden_json(value: &Value, untitled: &str) -> Result<Imported, ImportError> {
    if value.get("encrypted").and_then(Value::as_bool) == Some(true) {
        return fail(Place::File, ImportProblem::AccountEncrypted);
    }
    let mut folders = FolderIndex::default();
    let folder_names: Vec<(String, String)> = value
        .get("folders")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .map(|f| (text(f, "id"), text(f, "name")))
                .collect()
        })
        .unwrap_or_default();
    let list = value
        .get("items")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut items = Vec::with_capacity(list.len());
    for (i, raw) in list.iter().enumerate() {
        let place = Place::Item(i + 1);
        let bad = |field| ImportError {
            place,
            problem: ImportProblem::BadValue(field),
        };
        let item_type = match raw.get("type").and_then(Value::as_u64) {
            Some(1) => ItemType::Login,
            Some(2) => ItemType::SecureNote,
            Some(3) => ItemType::Card,
            Some(4) => ItemType::Identity,
            _ => return Err(bad("type")),
        };
        let mut data = ItemData {
            name: text(raw, "name"),
            notes: text(raw, "notes"),
            ..ItemData::default()
        };
        if let Some(login) = raw.get("login").filter(|v| v.is_object()) {
            data.login.username = text(login, "username");
            data.login.password = text(login, "password");
            data.login.totp = text(login, "totp");
            for uri in login
                .get("uris")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let rule = match uri.get("match") {
                    None | Some(Value::Null) => UriMatch::Domain,
                    Some(m) => match m.as_u64() {
                        Some(0) => UriMatch::Domain,
                        Some(1) => UriMatch::Host,
                        Some(2) => UriMatch::StartsWith,
                        Some(3) => UriMatch::Exact,
                        // Regular expressions are not supported; the closest safe rule.
                        Some(4) => UriMatch::Exact,
                        Some(5) => UriMatch::Never,
                        _ => return Err(bad("uris")),
                    },
                };
                data.login.uris.push(LoginUri {
                    uri: text(uri, "uri"),
                    rule,
                });
            }
        }
        if let Some(card) = raw.get("card").filter(|v| v.is_object()) {
            data.card.cardholder = text(card, "cardholderName");
            data.card.number = text(card, "number");
            data.card.exp_month = text(card, "expMonth");
            data.card.exp_year = text(card, "expYear");
            data.card.code = text(card, "code");
        }
        if let Some(id) = raw.get("identity").filter(|v| v.is_object()) {
            let p = &mut data.identity;
            for (target, key) in [
                (&mut p.title, "title"),
                (&mut p.first_name, "firstName"),
                (&mut p.middle_name, "middleName"),
                (&mut p.last_name, "lastName"),
                (&mut p.username, "username"),
                (&mut p.company, "company"),
                (&mut p.email, "email"),
                (&mut p.phone, "phone"),
                (&mut p.address1, "address1"),
                (&mut p.address2, "address2"),
                (&mut p.address3, "address3"),
                (&mut p.city, "city"),
                (&mut p.state, "state"),
                (&mut p.postal_code, "postalCode"),
                (&mut p.country, "country"),
                (&mut p.ssn, "ssn"),
                (&mut p.passport_number, "passportNumber"),
                (&mut p.license_number, "licenseNumber"),
            ] {
                *target = text(id, key);
            }
        }
        for field in raw
            .get("fields")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let kind = match field.get("type").and_then(Value::as_u64) {
                Some(0) | None => FieldKind::Text,
                Some(1) => FieldKind::Hidden,
                Some(2) => FieldKind::Boolean,
                // A "linked" field points at another field of the item; it holds no value.
                Some(3) => continue,
                _ => return Err(bad("fields")),
            };
            data.fields.push(CustomField {
                id: String::new(),
                name: text(field, "name"),
                value: text(field, "value"),
                kind,
            });
        }
        for old in raw
            .get("passwordHistory")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            data.login.password_history.push(OldPassword {
                password: text(old, "password"),
                replaced_at: parse_iso_millis(&text(old, "lastUsedDate")).unwrap_or_default(),
            });
        }
        data.login.password_history.truncate(HISTORY_MAX);
        name_if_nameless(&mut data, untitled);
        check_item(place, &data)?;
        let folder_id = text(raw, "folderId");
        let folder = folder_names
            .iter()
            .find(|(id, _)| !folder_id.is_empty() && *id == folder_id)
            .and_then(|(_, name)| folders.index(name));
        items.push(ImportedItem {
            item_type,
            folder,
            favorite: raw
                .get("favorite")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            data,
        });
    }
    Ok(Imported {
        folders: folders.0,
        items,
    })
}

const CSV_COLUMNS: [&str; 11] = [
    "folder",
    "favorite",
    "type",
    "name",
    "notes",
    "fields",
    "reprompt",
    "login_uri",
    "login_username",
    "login_password",
    "login_totp",
];

fn bitwarden_csv(text: &str, untitled: &str) -> Result<Imported, ImportError> {
    let mut rows = parse_csv(text)?.into_iter();
    let Some((_, header)) = rows.next() else {
        return fail(Place::File, ImportProblem::Empty);
    };
    let header: Vec<String> = header.iter().map(|h| h.trim().to_lowercase()).collect();
    for required in ["type", "name"] {
        if !header.iter().any(|h| h == required) {
            return fail(Place::Line(1), ImportProblem::MissingColumn(required));
        }
    }
    let mut folders = FolderIndex::default();
    let mut items = Vec::new();
    for (line, row) in rows {
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let place = Place::Line(line);
        let get = |name: &str| {
            header
                .iter()
                .position(|h| h == name)
                .and_then(|i| row.get(i))
                .cloned()
                .unwrap_or_default()
        };
        let item_type = match get("type").trim().to_lowercase().as_str() {
            "login" | "" => ItemType::Login,
            "note" => ItemType::SecureNote,
            _ => return fail(place, ImportProblem::BadValue("type")),
        };
        let mut data = ItemData {
            name: get("name"),
            notes: get("notes"),
            ..ItemData::default()
        };
        for line in get("fields").lines().filter(|l| !l.trim().is_empty()) {
            let (name, value) = line.split_once(": ").unwrap_or((line, ""));
            data.fields.push(CustomField {
                id: String::new(),
                name: name.to_owned(),
                value: value.to_owned(),
                kind: FieldKind::Text,
            });
        }
        if item_type == ItemType::Login {
            data.login.username = get("login_username");
            data.login.password = get("login_password");
            data.login.totp = get("login_totp");
            data.login.uris = get("login_uri")
                .split(',')
                .map(str::trim)
                .filter(|u| !u.is_empty())
                .map(LoginUri::new)
                .collect();
        }
        name_if_nameless(&mut data, untitled);
        check_item(place, &data)?;
        let favorite = matches!(get("favorite").trim(), "1" | "true");
        items.push(ImportedItem {
            item_type,
            folder: folders.index(&get("folder")),
            favorite,
            data,
        });
    }
    Ok(Imported {
        folders: folders.0,
        items,
    })
}

/// RFC 4180 CSV: quoted fields may hold commas, quotes ("") and line breaks. Each row comes with
/// the line it starts on.
fn parse_csv(text: &str) -> Result<Vec<(usize, Vec<String>)>, ImportError> {
    let mut rows = Vec::new();
    let (mut row, mut field) = (Vec::new(), String::new());
    let (mut line, mut row_line) = (1, 1);
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                '\n' => {
                    line += 1;
                    field.push('\n');
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => quoted = true,
            ',' => row.push(unneutralize(std::mem::take(&mut field))),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                row.push(unneutralize(std::mem::take(&mut field)));
                rows.push((row_line, std::mem::take(&mut row)));
                line += 1;
                row_line = line;
            }
            _ => field.push(c),
        }
    }
    if quoted {
        return fail(Place::Line(row_line), ImportProblem::UnterminatedQuote);
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(unneutralize(field));
        rows.push((row_line, row));
    }
    Ok(rows)
}

/// Characters that make a spreadsheet read a cell as a formula.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A cell a spreadsheet will show as text: one starting like a formula gets a `'` in front
/// (items are written by other members of an organization, and a formula in an exported cell
/// would run in the exporter's spreadsheet). Keyhaven's import takes the `'` off again.
pub fn neutralize(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(FORMULA_STARTS) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// The cell as it was before [`neutralize`].
fn unneutralize(cell: String) -> String {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_STARTS) => rest.to_owned(),
        _ => cell,
    }
}

/// One CSV row, each cell neutralized and quoted where it must be.
pub fn push_csv_row(out: &mut String, cells: &[String]) {
    let quoted: Vec<String> = cells
        .iter()
        .map(|c| neutralize(c))
        .map(|c| {
            if c.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", c.replace('"', "\"\""))
            } else {
                c.into_owned()
            }
        })
        .collect();
    out.push_str(&quoted.join(","));
    out.push('\n');
}

/// `2024-05-06T07:08:09.123Z` (the form Bitwarden writes) as Unix milliseconds.
fn parse_iso_millis(text: &str) -> Option<Millis> {
    let num = |range: std::ops::Range<usize>| text.get(range)?.parse::<i64>().ok();
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, min, s) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let ms = text
        .get(19..)
        .and_then(|rest| rest.strip_prefix('.'))
        .map(|rest| {
            rest.chars()
                .take_while(char::is_ascii_digit)
                .take(3)
                .collect::<String>()
        })
        .and_then(|digits| format!("{digits:0<3}").parse::<i64>().ok())
        .unwrap_or(0);
    // Days from the civil date (Howard Hinnant's algorithm).
    let (y, m) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * m + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(((days * 24 + h) * 60 + min) * 60_000 + s * 1000 + ms)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Field, Problem};

    const BITWARDEN_CSV: &str = "folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp\n\
Work,1,login,Intranet,\"Line one\nline two, with comma\",\"PIN: 1234\nColour: \"\"blue\"\"\",0,\"https://intranet.example,https://sso.example\",ann,S3cret!,JBSWY3DPEHPK3PXP\n\
,,note,Wifi,\"Guest network: tulips\",,0,,,,\n\
Work,,login,Mail,,,0,https://mail.example,ann@example.org,p@ss,\n";

    #[test]
    fn bitwarden_csv_import() {
        let got = import(BITWARDEN_CSV, "", "Untitled").unwrap();
        assert_eq!(got.folders, ["Work"]);
        assert_eq!(got.items.len(), 3);
        let intranet = &got.items[0];
        assert_eq!(intranet.item_type, ItemType::Login);
        assert!(intranet.favorite);
        assert_eq!(intranet.folder, Some(0));
        assert_eq!(intranet.data.notes, "Line one\nline two, with comma");
        assert_eq!(intranet.data.login.uris.len(), 2);
        assert_eq!(intranet.data.login.uris[1].uri, "https://sso.example");
        assert_eq!(intranet.data.login.totp, "JBSWY3DPEHPK3PXP");
        assert_eq!(intranet.data.fields[1].name, "Colour");
        assert_eq!(intranet.data.fields[1].value, "\"blue\"");
        assert_eq!(got.items[1].item_type, ItemType::SecureNote);
        assert_eq!(got.items[1].folder, None);
        assert_eq!(got.items[2].folder, Some(0));
    }

    #[test]
    fn bad_csv_names_the_line() {
        let bad_type = "type,name\nlogin,A\n\"note\",B\ncard,C\n";
        assert_eq!(
            import(bad_type, "", "Untitled"),
            fail(Place::Line(4), ImportProblem::BadValue("type"))
        );
        // The note on line 2 spans two lines, so the row with a bad TOTP starts on line 4.
        let bad_totp =
            "type,name,notes,login_totp\nnote,A,\"two\nlines\",\nlogin,B,x,not a secret!\n";
        assert_eq!(
            import(bad_totp, "", "Untitled"),
            fail(
                Place::Line(4),
                ImportProblem::Item(FieldError::new(Field::Totp, Problem::Invalid))
            )
        );
        assert_eq!(
            import("type,name\nnote,\"open\n", "", "Untitled"),
            fail(Place::Line(2), ImportProblem::UnterminatedQuote)
        );
        assert_eq!(
            import("kind,title\nx,y\n", "", "Untitled"),
            fail(Place::Line(1), ImportProblem::MissingColumn("type"))
        );
        assert_eq!(
            import("  \n", "", "Untitled"),
            fail(Place::File, ImportProblem::Empty)
        );
        assert_eq!(
            import("type,name\n", "", "Untitled"),
            fail(Place::File, ImportProblem::Empty)
        );
    }

    fn sample_export() -> Export {
        let mut login = ItemData {
            name: "Bank, \"main\"".into(),
            notes: "a\nb".into(),
            ..Default::default()
        };
        login.login.username = "ann".into();
        login.login.password = "pw,1".into();
        login.login.totp = "JBSWY3DPEHPK3PXP".into();
        login.login.uris = vec![
            LoginUri {
                uri: "https://bank.example".into(),
                rule: UriMatch::Host,
            },
            LoginUri::new("https://bank2.example"),
        ];
        login.login.password_history = vec![OldPassword {
            password: "old".into(),
            replaced_at: 1_700_000_000_000,
        }];
        login.fields = vec![CustomField {
            name: "PIN".into(),
            value: "1234".into(),
            kind: FieldKind::Hidden,
            id: String::new(),
        }];
        let mut card = ItemData {
            name: "Visa".into(),
            ..Default::default()
        };
        card.card.number = "4111111111111111".into();
        let mut person = ItemData {
            name: "Me".into(),
            ..Default::default()
        };
        person.identity.passport_number = "X123".into();
        person.identity.city = "Ghent".into();
        let note = ItemData {
            name: "Note".into(),
            notes: "text".into(),
            ..Default::default()
        };
        let item = |item_type, folder_id: Option<&str>, favorite, data| ExportItem {
            item_type,
            folder_id: folder_id.map(str::to_owned),
            favorite,
            created_at: 1,
            revised_at: 2,
            data,
        };
        Export::new(
            vec![ExportFolder {
                id: "f1".into(),
                name: "Work".into(),
            }],
            vec![
                item(ItemType::Login, Some("f1"), true, login),
                item(ItemType::Card, None, false, card),
                item(ItemType::Identity, Some("f1"), false, person),
                item(ItemType::SecureNote, None, false, note),
            ],
        )
    }

    fn as_imported(export: &Export) -> Imported {
        Imported {
            folders: vec!["Work".into()],
            items: export
                .items
                .iter()
                .map(|i| ImportedItem {
                    item_type: i.item_type,
                    folder: i.folder_id.as_ref().map(|_| 0),
                    favorite: i.favorite,
                    data: i.data.clone(),
                })
                .collect(),
        }
    }

    #[test]
    fn keyhaven_json_round_trips_plain_and_protected() {
        let export = sample_export();
        assert_eq!(
            import(&export.to_json(), "", "Untitled").unwrap(),
            as_imported(&export)
        );
        let sealed = export.to_protected_json("file password 9").unwrap();
        assert!(!sealed.contains("bank.example"));
        assert_eq!(
            import(&sealed, "file password 9", "Untitled").unwrap(),
            as_imported(&export)
        );
        assert_eq!(
            import(&sealed, "", "Untitled"),
            fail(Place::File, ImportProblem::PasswordNeeded)
        );
        assert_eq!(
            import(&sealed, "nope", "Untitled"),
            fail(Place::File, ImportProblem::WrongPassword)
        );
        let broken = export.to_json().replacen("\"login\"", "\"spaceship\"", 1);
        assert_eq!(
            import(&broken, "", "Untitled"),
            fail(Place::Item(1), ImportProblem::BadValue("type"))
        );
        assert_eq!(
            import(
                "{\n\"format\": \"keyhaven\",\n\"items\": [,]\n}",
                "",
                "Untitled"
            ),
            fail(Place::Line(3), ImportProblem::Syntax)
        );
    }

    #[test]
    fn formulas_are_neutralized_and_read_back() {
        let mut out = String::new();
        let cells = [
            "=HYPERLINK(\"x\")",
            "+1",
            "-2",
            "@SUM(A1)",
            "plain",
            "\tTab",
        ]
        .map(str::to_owned);
        push_csv_row(&mut out, &cells);
        assert_eq!(
            out,
            "\"'=HYPERLINK(\"\"x\"\")\",'+1,'-2,'@SUM(A1),plain,'\tTab\n"
        );
        let rows = parse_csv(&out).unwrap();
        assert_eq!(rows[0].1, cells);
        // A quote a person typed in front of something else stays.
        assert_eq!(unneutralize("'quoted".into()), "'quoted");
    }

    #[test]
    fn csv_export_reads_back() {
        let export = sample_export();
        let back = import(&export.to_csv(), "", "Untitled").unwrap();
        // Cards and identities are not in the CSV layout.
        assert_eq!(back.items.len(), 2);
        let login = &back.items[0].data;
        let original = &export.items[0].data;
        assert_eq!(login.name, original.name);
        assert_eq!(login.notes, original.notes);
        assert_eq!(login.login.password, original.login.password);
        assert_eq!(login.login.uris.len(), 2);
        assert_eq!(back.folders, ["Work"]);
        assert_eq!(back.items[1].data.notes, "text");
    }

    #[test]
    fn bitwarden_json_import() {
        let json = r#"{"encrypted":false,"folders":[{"id":"a1","name":"Family"}],"items":[
          {"type":1,"name":"Shop","folderId":"a1","favorite":true,"notes":null,
           "login":{"username":"ann","password":"pw","totp":null,"uris":[{"match":null,"uri":"https://shop.example"},{"match":3,"uri":"https://x.example/login"}]},
           "fields":[{"name":"PIN","value":"42","type":1},{"name":"Linked","value":null,"type":3}],
           "passwordHistory":[{"lastUsedDate":"2024-01-02T03:04:05.678Z","password":"older"}]},
          {"type":3,"name":"Card","card":{"cardholderName":"Ann","number":"5500000000000004","expMonth":"1","expYear":"2031","code":"123"}},
          {"type":4,"name":"ID","identity":{"firstName":"Ann","middleName":"B","passportNumber":"P1","postalCode":"9000"}},
          {"type":2,"name":"Note","notes":"hello","secureNote":{"type":0}}]}"#;
        let got = import(json, "", "Untitled").unwrap();
        assert_eq!(got.folders, ["Family"]);
        let shop = &got.items[0];
        assert_eq!((shop.folder, shop.favorite), (Some(0), true));
        assert_eq!(shop.data.login.uris[1].rule, UriMatch::Exact);
        assert_eq!(shop.data.fields.len(), 1);
        assert_eq!(shop.data.fields[0].kind, FieldKind::Hidden);
        assert_eq!(
            shop.data.login.password_history[0].replaced_at,
            1_704_164_645_678
        );
        assert_eq!(got.items[1].data.card.number, "5500000000000004");
        assert_eq!(got.items[2].data.identity.passport_number, "P1");
        assert_eq!(got.items[3].item_type, ItemType::SecureNote);
        assert_eq!(
            import(r#"{"encrypted":true,"items":[]}"#, "", "Untitled"),
            fail(Place::File, ImportProblem::AccountEncrypted)
        );
        assert_eq!(
            import(r#"{"items":[{"type":9,"name":"x"}]}"#, "", "Untitled"),
            fail(Place::Item(1), ImportProblem::BadValue("type"))
        );
        assert_eq!(
            import(r#"{"other":1}"#, "", "Untitled"),
            fail(Place::File, ImportProblem::UnknownFormat)
        );
    }

    #[test]
    fn nameless_items_are_named_after_their_host() {
        let csv = "folder,type,name,login_uri\n\
,login,,https://www.Shop.example:8443/basket?x=1\n\
,login, ,\"javascript:void(0),accounts.example/login\"\n\
,login,,ftp://[2001:db8::1]:21/\n\
,note,,\n\
,login,Kept,https://other.example\n";
        let names: Vec<String> = import(csv, "", "Naamloos")
            .unwrap()
            .items
            .into_iter()
            .map(|i| i.data.name)
            .collect();
        assert_eq!(
            names,
            [
                "shop.example",
                "accounts.example",
                "2001:db8::1",
                "Naamloos",
                "Kept"
            ]
        );
        let json = r#"{"items":[
          {"type":1,"name":null,"login":{"uris":[{"uri":"androidapp://com.bank.app"}]}},
          {"type":1,"name":"  ","login":{"uris":[{"uri":"not a host"}]}},
          {"type":3,"card":{"number":"4111111111111111"}}]}"#;
        let names: Vec<String> = import(json, "", "Sans titre")
            .unwrap()
            .items
            .into_iter()
            .map(|i| i.data.name)
            .collect();
        assert_eq!(names, ["com.bank.app", "Sans titre", "Sans titre"]);
        // Keyhaven's own files always name their items: one without a name is damaged.
        let own = r#"{"format":"keyhaven","version":1,"encrypted":false,"items":[{"type":"login","data":{"name":""}}]}"#;
        assert_eq!(
            import(own, "", "Untitled"),
            fail(
                Place::Item(1),
                ImportProblem::Item(FieldError::new(Field::Name, Problem::Required))
            )
        );
    }

    #[test]
    fn folders_are_one_per_name_whatever_the_case() {
        let csv =
            "folder,type,name\nWork,note,a\n work ,note,b\nWORK,note,c\nHome,note,d\n,note,e\n";
        let got = import(csv, "", "Untitled").unwrap();
        assert_eq!(got.folders, ["Work", "Home"]);
        let folders: Vec<_> = got.items.iter().map(|i| i.folder).collect();
        assert_eq!(folders, [Some(0), Some(0), Some(0), Some(1), None]);
        let json = r#"{"folders":[{"id":"1","name":"Family"},{"id":"2","name":"family "}],"items":[
          {"type":2,"name":"a","folderId":"1"},{"type":2,"name":"b","folderId":"2"}]}"#;
        let got = import(json, "", "Untitled").unwrap();
        assert_eq!(got.folders, ["Family"]);
        assert_eq!(got.items[1].folder, Some(0));
    }

    #[test]
    fn import_folders_meet_the_vault_folders_of_the_same_name() {
        let imported = vec!["work".to_owned(), "Travel".to_owned(), " Home ".to_owned()];
        assert_eq!(
            match_folders(&imported, &["Home", "Work", "Wörk"]),
            [Some(1), None, Some(0)]
        );
        assert_eq!(match_folders(&imported, &[]), [None, None, None]);
        assert!(folder_name_taken(" WORK", ["Home", "Work"].into_iter()));
        assert!(!folder_name_taken("Wörk", ["Home", "Work"].into_iter()));
        assert!(!folder_name_taken("Work", std::iter::empty()));
    }

    #[test]
    fn iso_dates() {
        assert_eq!(parse_iso_millis("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(
            parse_iso_millis("2000-03-01T00:00:00.5Z"),
            Some(951_868_800_500)
        );
        assert_eq!(parse_iso_millis("garbage"), None);
    }
}
