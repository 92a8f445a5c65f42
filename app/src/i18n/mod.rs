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

        /// English, the fallback: always at hand.
        fn english(key: Key) -> &'static str {
            match key { $(Key::$key => $en),* }
        }

        /// Dutch and French in key order. The browser fetches each as a lazy part of its own
        /// (see [`load`]), so a page carries the texts of one language, not three.
        static DUTCH: &[&str] = &[$($nl),*];
        static FRENCH: &[&str] = &[$($fr),*];
    };
}

include!("messages.rs");

/// The text of `key` in `lang`. In the browser that is English until [`load`] has fetched `lang`.
pub fn text(lang: Lang, key: Key) -> &'static str {
    table(lang)
        .and_then(|texts| texts.get(key as usize).copied())
        .unwrap_or_else(|| english(key))
}

#[cfg(not(feature = "hydrate"))]
fn table(lang: Lang) -> Option<&'static [&'static str]> {
    match lang {
        Lang::En => None,
        Lang::Nl => Some(DUTCH),
        Lang::Fr => Some(FRENCH),
    }
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

/// Dutch and French are lazy parts of the browser build. On the server a call only notes the part
/// for the page to preload (see [`preload`]).
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
        Lang::En => {}
        Lang::Nl => note(dutch()),
        Lang::Fr => note(french()),
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::{dutch, french, Lang};
    use std::cell::Cell;

    type Texts = Option<&'static [&'static str]>;

    thread_local! {
        static LOADED: Cell<(Texts, Texts)> = const { Cell::new((None, None)) };
    }

    pub(super) fn table(lang: Lang) -> Texts {
        let (nl, fr) = LOADED.get();
        match lang {
            Lang::En => None,
            Lang::Nl => nl,
            Lang::Fr => fr,
        }
    }

    pub fn is_loaded(lang: Lang) -> bool {
        lang == Lang::En || table(lang).is_some()
    }

    pub async fn load(lang: Lang) {
        if is_loaded(lang) {
            return;
        }
        // Read the slots only after the part has arrived: the other language may have been
        // loaded meanwhile.
        match lang {
            Lang::Nl => {
                let texts = dutch().await;
                LOADED.set((Some(texts), LOADED.get().1));
            }
            Lang::Fr => {
                let texts = french().await;
                LOADED.set((LOADED.get().0, Some(texts)));
            }
            Lang::En => {}
        }
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

/// A field error in words, for the message under that field.
pub fn problem_message(lang: Lang, field: Field, problem: Problem) -> String {
    match (field, problem) {
        (Field::Email, Problem::Invalid) => text(lang, Key::ErrInvalidEmail).into(),
        (Field::Email, Problem::Taken) => text(lang, Key::ErrEmailTaken).into(),
        (Field::MasterPassword, Problem::Invalid) => text(lang, Key::ErrWrongMasterPassword).into(),
        (Field::KeyMaterial, _) => text(lang, Key::ErrKeyMaterial).into(),
        (Field::Folder, Problem::Invalid) => text(lang, Key::ErrFolderGone).into(),
        (Field::VerificationLink, _) => text(lang, Key::ErrVerificationLink).into(),
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
                "C'est trop volumineux pour être envoyé : la limite est de {max} Mo.",
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
