//! The one i18n mechanism: every UI string is a [`Key`] with an English, Dutch and French text.
//! The macro makes a missing translation a compile error rather than a blank in the UI.

use crate::domain::transfer::{ImportError, ImportProblem, Place};
use crate::domain::{AppError, Field, Lang, Problem};
use leptos::lazy;

macro_rules! messages {
    ($($key:ident => [$en:literal, $nl:literal, $fr:literal],)*) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Key { $($key),* }

        impl Key {
            pub const ALL: &'static [Key] = &[$(Key::$key),*];
        }

        /// Every language in key order. The browser fetches each as a lazy part of its own (see
        /// [`load`]), so a page carries the texts of one language, not three, and the main
        /// module none: each product area's strings travel beside its code's growth.
        static ENGLISH: &[&str] = &[$($en),*];
        static DUTCH: &[&str] = &[$($nl),*];
        static FRENCH: &[&str] = &[$($fr),*];
    };
}

include!("messages.rs");

/// The text of `key` in `lang`. In the browser that is English until [`load`] has fetched `lang`
/// (and empty before any language has arrived, which the page waits for before it hydrates).
pub fn text(lang: Lang, key: Key) -> &'static str {
    table(lang)
        .or_else(|| table(Lang::En))
        .and_then(|texts| texts.get(key as usize).copied())
        .unwrap_or_default()
}

#[cfg(not(feature = "hydrate"))]
fn table(lang: Lang) -> Option<&'static [&'static str]> {
    Some(match lang {
        Lang::En => ENGLISH,
        Lang::Nl => DUTCH,
        Lang::Fr => FRENCH,
    })
}

/// Whether `lang`'s texts are at hand (always, but in the browser).
#[cfg(not(feature = "hydrate"))]
pub fn is_loaded(_: Lang) -> bool {
    true
}

/// Makes `lang`'s texts available to [`text`]; in the browser it fetches them the first time.
#[cfg(not(feature = "hydrate"))]
pub async fn load(_: Lang) {}

#[cfg(feature = "hydrate")]
use browser::table;
#[cfg(feature = "hydrate")]
pub use browser::{is_loaded, load};

/// Each language is a lazy part of the browser build. On the server a call only notes the part
/// for the page to preload (see [`preload`]).
#[lazy]
fn english() -> &'static [&'static str] {
    ENGLISH
}

#[lazy]
fn dutch() -> &'static [&'static str] {
    DUTCH
}

#[lazy]
fn french() -> &'static [&'static str] {
    FRENCH
}

/// Has the page being rendered preload `lang`'s part, so that the browser fetches it beside the
/// main module rather than after it.
#[cfg(feature = "ssr")]
pub fn preload(lang: Lang) {
    use std::future::Future;
    use std::task::{Context, Waker};
    // The server's form of a lazy function notes its part on its first poll and is then done.
    fn note(part: impl Future) {
        let _ = std::pin::pin!(part).poll(&mut Context::from_waker(Waker::noop()));
    }
    match lang {
        Lang::En => note(english()),
        Lang::Nl => note(dutch()),
        Lang::Fr => note(french()),
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::{dutch, english, french, Lang};
    use std::cell::Cell;

    type Texts = Option<&'static [&'static str]>;

    thread_local! {
        /// English, Dutch and French, once each has arrived.
        static LOADED: Cell<[Texts; 3]> = const { Cell::new([None; 3]) };
    }

    fn slot(lang: Lang) -> usize {
        match lang {
            Lang::En => 0,
            Lang::Nl => 1,
            Lang::Fr => 2,
        }
    }

    pub(super) fn table(lang: Lang) -> Texts {
        LOADED.get()[slot(lang)]
    }

    pub fn is_loaded(lang: Lang) -> bool {
        table(lang).is_some()
    }

    pub async fn load(lang: Lang) {
        if is_loaded(lang) {
            return;
        }
        let texts = match lang {
            Lang::En => english().await,
            Lang::Nl => dutch().await,
            Lang::Fr => french().await,
        };
        // Read the slots only after the part has arrived: another language may have been loaded
        // meanwhile.
        let mut loaded = LOADED.get();
        loaded[slot(lang)] = Some(texts);
        LOADED.set(loaded);
    }
}

/// The text of `key` with `{name}` placeholders filled in.
pub fn format(lang: Lang, key: Key, args: &[(&str, &str)]) -> String {
    let mut out = text(lang, key).to_owned();
    for (name, value) in args {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// `many` with `{n}` filled in, or `one` where the language uses the singular for `n` (French
/// for 0 and 1, English and Dutch for 1 only).
pub fn count(lang: Lang, one: Key, many: Key, n: u64) -> String {
    let singular = match lang {
        Lang::Fr => n <= 1,
        Lang::En | Lang::Nl => n == 1,
    };
    format(
        lang,
        if singular { one } else { many },
        &[("n", &n.to_string())],
    )
}

/// A day as it is written in `lang`: "2 Dec 2026", "2 dec 2026", "2 déc. 2026" ("1er" for the
/// first in French). `ms` is a time in milliseconds since 1970; the day is the one on the clock of
/// this browser (on the server, where there is no person's clock, UTC).
pub fn date(lang: Lang, ms: i64) -> String {
    day_in(lang, ms, local_offset_minutes(ms))
}

/// How far local time is ahead of UTC at `ms`, in minutes.
#[cfg(feature = "hydrate")]
fn local_offset_minutes(ms: i64) -> i64 {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    -(date.get_timezone_offset() as i64)
}

#[cfg(not(feature = "hydrate"))]
fn local_offset_minutes(_: i64) -> i64 {
    0
}

/// [`date`] for a clock `offset_minutes` ahead of UTC.
fn day_in(lang: Lang, ms: i64, offset_minutes: i64) -> String {
    const EN: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    const NL: [&str; 12] = [
        "jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec",
    ];
    const FR: [&str; 12] = [
        "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
        "déc.",
    ];
    let days = (ms + offset_minutes * 60_000).div_euclid(86_400_000);
    let (year, month, day) = civil_date(days);
    let month = (month - 1) as usize;
    match lang {
        Lang::En => format!("{day} {} {year}", EN[month]),
        Lang::Nl => format!("{day} {} {year}", NL[month]),
        Lang::Fr if day == 1 => format!("1er {} {year}", FR[month]),
        Lang::Fr => format!("{day} {} {year}", FR[month]),
    }
}

/// Year, month (1–12) and day (1–31) of the `days`-th day after 1 January 1970 (the proleptic
/// Gregorian calendar; H. Hinnant's `civil_from_days`).
fn civil_date(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// A field error in words, for the message under that field.
pub fn problem_message(lang: Lang, field: Field, problem: Problem) -> String {
    match (field, problem) {
        (Field::Email, Problem::Invalid) => text(lang, Key::ErrInvalidEmail).into(),
        (Field::Email, Problem::Taken) => text(lang, Key::ErrEmailTaken).into(),
        (Field::MasterPassword, Problem::Invalid) => text(lang, Key::ErrWrongMasterPassword).into(),
        (Field::KeyMaterial, _) => text(lang, Key::ErrKeyMaterial).into(),
        (Field::Folder, Problem::Invalid) => text(lang, Key::ErrFolderGone).into(),
        (Field::FolderName, Problem::Taken) => text(lang, Key::ErrFolderTaken).into(),
        (Field::VerificationLink, _) => text(lang, Key::ErrVerificationLink).into(),
        (Field::ExpMonth, Problem::Invalid | Problem::OutOfRange) => {
            text(lang, Key::ErrExpMonth).into()
        }
        (Field::ExpYear, Problem::Invalid) => text(lang, Key::ErrExpYear).into(),
        (Field::SecurityCode, Problem::Invalid) => text(lang, Key::ErrSecurityCode).into(),
        (Field::CustomFields, Problem::Required) => text(lang, Key::ErrFieldName).into(),
        (Field::Seats, Problem::LimitReached { max }) => {
            format(lang, Key::ErrSeatsFull, &[("max", &max.to_string())])
        }
        (Field::Seats, Problem::TooShort { min }) => {
            format(lang, Key::ErrSeatsInUse, &[("min", &min.to_string())])
        }
        // Seats past the instance's bound (`AppState::org_seats_max`).
        (Field::Seats, Problem::TooLong { max }) => {
            format(lang, Key::ErrSeatsMax, &[("max", &max.to_string())])
        }
        (Field::Seats, _) => text(lang, Key::ErrSeatsNumber).into(),
        (Field::OrgName, Problem::Mismatch) => text(lang, Key::ErrOrgNameMismatch).into(),
        (Field::Emails, Problem::Taken) => text(lang, Key::ErrAlreadyMember).into(),
        (Field::Emails, Problem::Invalid) => text(lang, Key::ErrInvalidEmail).into(),
        (Field::InvitationLink, _) => text(lang, Key::ErrInvitationLink).into(),
        (Field::CollectionName, Problem::Taken) => text(lang, Key::ErrCollectionTaken).into(),
        (Field::GroupName, Problem::Taken) => text(lang, Key::ErrGroupTaken).into(),
        (Field::SecurityCode, Problem::Digits { count }) => format(
            lang,
            Key::ErrSecurityCodeDigits,
            &[("count", &count.to_string())],
        ),
        (Field::Collections, Problem::Required) => text(lang, Key::ErrChooseCollection).into(),
        (Field::Plan, Problem::Invalid) => text(lang, Key::ErrClientPlan).into(),
        (_, Problem::Required) => text(lang, Key::ErrRequired).into(),
        (_, Problem::TooLong { max }) => {
            format(lang, Key::ErrTooLong, &[("max", &max.to_string())])
        }
        (_, Problem::TooShort { min }) => {
            format(lang, Key::ErrTooShort, &[("min", &min.to_string())])
        }
        (_, Problem::Mismatch) => text(lang, Key::ErrMismatch).into(),
        (_, Problem::OutOfRange) => text(lang, Key::ErrOutOfRange).into(),
        (_, Problem::Taken) => text(lang, Key::ErrTaken).into(),
        (_, Problem::Invalid) => text(lang, Key::ErrInvalid).into(),
        (_, Problem::RevealsPassword) => text(lang, Key::ErrHintRevealsPassword).into(),
        (_, Problem::TooLarge { max_mb }) => {
            format(lang, Key::ErrTooLarge, &[("max", &max_mb.to_string())])
        }
        (_, Problem::LimitReached { max }) => {
            format(lang, Key::ErrLimitReached, &[("max", &max.to_string())])
        }
        (_, Problem::Unchanged) => text(lang, Key::ErrUnchanged).into(),
        (_, Problem::Digits { count }) => {
            format(lang, Key::ErrDigits, &[("count", &count.to_string())])
        }
        (_, Problem::OwnersOnly) => text(lang, Key::ErrOwnersOnly).into(),
        (_, Problem::LastOwner) => text(lang, Key::ErrLastOwner).into(),
        (_, Problem::Yourself) => text(lang, Key::ErrYourself).into(),
        (_, Problem::HiddenCharacters) => text(lang, Key::ErrHiddenCharacters).into(),
        (_, Problem::NoAccount) => text(lang, Key::ErrNoAccount).into(),
        (_, Problem::ManagedByProvider) => text(lang, Key::ErrManagedByProvider).into(),
        (_, Problem::LastProviderAdmin) => text(lang, Key::ErrLastProviderAdmin).into(),
        (_, Problem::HasClients) => text(lang, Key::ErrHasClients).into(),
        (_, Problem::SetByProvider) => text(lang, Key::ErrSetByProvider).into(),
    }
}

/// An error in one sentence a person can act on.
pub fn error_message(lang: Lang, error: &AppError) -> String {
    match error {
        AppError::Invalid(fields) => match fields.first() {
            Some(fe) if fields.len() == 1 => problem_message(lang, fe.field, fe.problem),
            _ => text(lang, Key::ErrInvalidInput).into(),
        },
        AppError::Unauthenticated => text(lang, Key::ErrUnauthenticated).into(),
        AppError::Forbidden => text(lang, Key::ErrForbidden).into(),
        AppError::NotFound => text(lang, Key::ErrNotFound).into(),
        AppError::Conflict => text(lang, Key::ErrConflict).into(),
        AppError::InvalidCredentials => text(lang, Key::ErrInvalidCredentials).into(),
        AppError::Throttled { retry_after_secs } => {
            let minutes = retry_after_secs.div_ceil(60).max(1);
            count(
                lang,
                Key::ErrThrottledOne,
                Key::ErrThrottled,
                minutes.into(),
            )
        }
        AppError::CrossSite => text(lang, Key::ErrCrossSite).into(),
        AppError::Internal => text(lang, Key::ErrInternal).into(),
        AppError::Crypto => text(lang, Key::ErrCrypto).into(),
        AppError::Transport(_) => text(lang, Key::ErrTransport).into(),
    }
}

/// An import problem in one sentence that names where it is.
pub fn import_error(lang: Lang, error: &ImportError) -> String {
    let problem = match &error.problem {
        ImportProblem::Empty => text(lang, Key::ImpEmpty).into(),
        ImportProblem::UnknownFormat => text(lang, Key::ImpUnknownFormat).into(),
        ImportProblem::Syntax => text(lang, Key::ImpSyntax).into(),
        ImportProblem::UnterminatedQuote => text(lang, Key::ImpUnterminatedQuote).into(),
        ImportProblem::MissingColumn(c) => format(lang, Key::ImpMissingColumn, &[("field", c)]),
        ImportProblem::BadValue(f) => format(lang, Key::ImpBadValue, &[("field", f)]),
        ImportProblem::Item(fe) => format(
            lang,
            Key::ImpItemRule,
            &[
                ("field", item_field_name(fe.field)),
                ("problem", &problem_message(lang, fe.field, fe.problem)),
            ],
        ),
        ImportProblem::AccountEncrypted => text(lang, Key::ImpAccountEncrypted).into(),
        ImportProblem::PasswordNeeded => text(lang, Key::ImpPasswordNeeded).into(),
        ImportProblem::WrongPassword => text(lang, Key::ImpWrongPassword).into(),
        ImportProblem::TooMany { max } => {
            format(lang, Key::ImpTooMany, &[("max", &max.to_string())])
        }
    };
    match error.place {
        Place::File => problem,
        Place::Line(n) => format(
            lang,
            Key::ImpAtLine,
            &[("n", &n.to_string()), ("problem", &problem)],
        ),
        Place::Item(n) => format(
            lang,
            Key::ImpAtItem,
            &[("n", &n.to_string()), ("problem", &problem)],
        ),
    }
}

/// The file's own name for an item field (the same in every language, as in the file).
fn item_field_name(field: Field) -> &'static str {
    match field {
        Field::Name => "name",
        Field::Uris => "login_uri",
        Field::CustomFields => "fields",
        Field::Totp => "login_totp",
        _ => "item",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_translated_and_differs_where_it_should() {
        for &key in Key::ALL {
            for lang in Lang::ALL {
                assert!(
                    !text(lang, key).trim().is_empty(),
                    "{key:?} is empty in {lang:?}"
                );
            }
        }
        // Catches a block of copy-pasted English: most Dutch and French texts must differ from it.
        let same_nl = Key::ALL
            .iter()
            .filter(|&&k| text(Lang::En, k) == text(Lang::Nl, k))
            .count();
        let same_fr = Key::ALL
            .iter()
            .filter(|&&k| text(Lang::En, k) == text(Lang::Fr, k))
            .count();
        assert!(
            same_nl * 10 < Key::ALL.len(),
            "{same_nl} Dutch texts equal the English"
        );
        assert!(
            same_fr * 10 < Key::ALL.len(),
            "{same_fr} French texts equal the English"
        );
    }

    #[test]
    fn each_language_has_its_own_text_for_the_first_middle_and_last_key() {
        // The tables are indexed by key: a text out of step would show under another key.
        let cases = [
            (Key::AppName, "Keyhaven", "Keyhaven", "Keyhaven"),
            (Key::LogOut, "Log out", "Uitloggen", "Se déconnecter"),
            (
                Key::ErrTooLarge,
                "This is too large to send: the limit is {max} MB.",
                "Dit is te groot om te versturen: de grens is {max} MB.",
                "C'est trop volumineux pour être envoyé\u{a0}: la limite est de {max}\u{a0}Mo.",
            ),
        ];
        assert_eq!(Key::ALL.first(), Some(&Key::AppName));
        assert_eq!(Key::ALL.last(), Some(&Key::ErrTooLarge));
        for (key, en, nl, fr) in cases {
            assert_eq!(text(Lang::En, key), en);
            assert_eq!(text(Lang::Nl, key), nl);
            assert_eq!(text(Lang::Fr, key), fr);
        }
    }

    #[test]
    fn dates_are_written_as_each_language_does() {
        const DEC_2_2026: i64 = 1_796_169_600_000;
        assert_eq!(day_in(Lang::En, DEC_2_2026, 0), "2 Dec 2026");
        assert_eq!(day_in(Lang::Nl, DEC_2_2026, 0), "2 dec 2026");
        assert_eq!(day_in(Lang::Fr, DEC_2_2026, 0), "2 déc. 2026");
        // The local clock decides the day: a minute before midnight UTC is tomorrow in Amsterdam.
        assert_eq!(day_in(Lang::En, DEC_2_2026 - 60_000, 60), "2 Dec 2026");
        assert_eq!(day_in(Lang::En, DEC_2_2026 - 60_000, 0), "1 Dec 2026");
        assert_eq!(day_in(Lang::Fr, DEC_2_2026 - 60_000, 0), "1er déc. 2026");
        assert_eq!(day_in(Lang::En, DEC_2_2026, -300), "1 Dec 2026");
        assert_eq!(day_in(Lang::Nl, 1_709_164_800_000, 0), "29 feb 2024");
        assert_eq!(day_in(Lang::Fr, 1_735_689_600_000, 0), "1er janv. 2025");
        assert_eq!(day_in(Lang::Fr, 1_756_684_800_000, 0), "1er sept. 2025");
        assert_eq!(day_in(Lang::En, 0, 0), "1 Jan 1970");
        assert_eq!(day_in(Lang::En, -1, 0), "31 Dec 1969");
        assert_eq!(date(Lang::En, DEC_2_2026), "2 Dec 2026");
    }

    /// The `{name}` placeholders of a text, sorted.
    fn placeholders(text: &str) -> Vec<&str> {
        let mut names: Vec<&str> = text
            .split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
            .collect();
        names.sort_unstable();
        names
    }

    #[test]
    fn every_language_fills_the_same_placeholders() {
        for &key in Key::ALL {
            let en = placeholders(text(Lang::En, key));
            for lang in [Lang::Nl, Lang::Fr] {
                assert_eq!(placeholders(text(lang, key)), en, "{key:?} in {lang:?}");
            }
        }
    }

    #[test]
    fn french_typography() {
        // A non-breaking space before : ; ? ! and inside « », never an ordinary one.
        const NBSP: char = '\u{a0}';
        // The generator's list of symbols is characters to choose from, not punctuation.
        for &key in Key::ALL.iter().filter(|&&k| k != Key::GenSymbols) {
            let fr = text(Lang::Fr, key);
            let chars: Vec<char> = fr.chars().collect();
            for (i, &c) in chars.iter().enumerate() {
                let before = i.checked_sub(1).map(|j| chars[j]);
                let after = chars.get(i + 1).copied();
                let ok = match c {
                    // "otpauth://" is a link, not punctuation.
                    ':' if after == Some('/') => true,
                    ':' | ';' | '?' | '!' => before == Some(NBSP),
                    '«' => after == Some(NBSP),
                    '»' => before == Some(NBSP),
                    '"' | '“' | '”' => false,
                    _ => true,
                };
                assert!(ok, "{key:?}: {c:?} at {i} in French {fr:?}");
            }
        }
    }

    #[test]
    fn english_is_american_english() {
        let british = [
            "colour",
            "favour",
            "organis",
            "licence",
            "capitalis",
            "recognis",
            "authoris",
            "cancelled",
            "centre",
            "expiry",
            "catalogue",
            "behaviour",
            "analys",
            "optimis",
            "customis",
            "travell",
        ];
        for &key in Key::ALL {
            let en = text(Lang::En, key).to_lowercase();
            for word in british {
                assert!(!en.contains(word), "{key:?}: {word:?} in {en:?}");
            }
        }
    }

    #[test]
    fn dutch_is_sentence_case() {
        // After the first word, a capital only for names and abbreviations (or a button named in a
        // sentence, quoted from its own text).
        let names = [
            "Keyhaven",
            // Plan names.
            "Teams",
            "Enterprise",
            "Bitwarden",
            "JSON",
            "CSV",
            "URI",
            "TOTP",
            "PBKDF2-SHA256",
            "Argon2id",
            "MiB",
            "MB",
            "A–Z",
            "O",
            "I",
            "(A–Z)",
            "(0",
            "Keyhaven-JSON",
            "Bitwarden-export",
            "HTTPS",
            "Bitwarden-accountsleutel",
            "JSON-",
            "CSV-exports",
            "Keyhaven-account",
            "Items",
            "Nieuw",
            "Teams-",
            "Enterprise-organisatie",
            "MSP",
            "(MSP)",
        ];
        for &key in Key::ALL {
            let nl = text(Lang::Nl, key);
            let first = nl.chars().next();
            // Fragments that follow "Regel 3: " and the like start in lower case.
            let fragment = matches!(
                key,
                Key::ImpSyntax
                    | Key::ImpUnterminatedQuote
                    | Key::ImpMissingColumn
                    | Key::ImpBadValue
                    | Key::TotpSecondsLeft
                    | Key::OverriddenByOwn
            );
            if first.is_some_and(char::is_alphabetic) && !fragment {
                assert!(
                    first.is_some_and(char::is_uppercase),
                    "{key:?} starts in lower case: {nl:?}"
                );
            }
            for sentence in nl.split(['.', '?', '!', ':', ';']) {
                for word in sentence.split_whitespace().skip(1) {
                    let capital = word.chars().next().is_some_and(char::is_uppercase);
                    assert!(
                        !capital || names.contains(&word.trim_end_matches([',', ')'])),
                        "{key:?}: {word:?} in {nl:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn placeholders_are_filled() {
        let msg = error_message(
            Lang::Nl,
            &AppError::Throttled {
                retry_after_secs: 61,
            },
        );
        assert!(msg.contains('2') && !msg.contains('{'), "{msg}");
        let one = error_message(
            Lang::En,
            &AppError::Throttled {
                retry_after_secs: 59,
            },
        );
        assert!(one.ends_with("in 1 minute."), "{one}");
        for (lang, n, words) in [
            (Lang::En, 0, "0 items"),
            (Lang::Fr, 0, "0 élément"),
            (Lang::Nl, 1, "1 item"),
            (Lang::Fr, 2, "2 éléments"),
        ] {
            assert_eq!(count(lang, Key::ItemCountOne, Key::ItemCount, n), words);
        }
        let msg = problem_message(Lang::Fr, Field::Name, Problem::TooLong { max: 100 });
        assert!(msg.contains("100"), "{msg}");
        let msg = import_error(
            Lang::Nl,
            &ImportError {
                place: Place::Line(7),
                problem: ImportProblem::BadValue("type"),
            },
        );
        assert_eq!(msg, "Regel 7: de waarde van “type” is onleesbaar.");
    }
}
