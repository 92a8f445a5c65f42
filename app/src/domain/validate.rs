//! Input rules shared by the browser (early, friendly feedback) and the server (the real check).

use super::{AppError, Field, FieldError, Problem};

pub const EMAIL_MAX: usize = 254;
pub const NAME_MAX: usize = 100;
pub const HINT_MAX: usize = 100;
/// Master passwords shorter than this are refused in the browser; the server never sees them.
pub const MASTER_PASSWORD_MIN: usize = 12;

/// Lower-cased, trimmed email: the account's identity and the KDF salt.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// A deliberately plain check: one `@`, a non-empty local part, a dotted domain, no spaces, and
/// nothing a mail header would read as more than an address (a display name in `<…>`, quotes,
/// comments, lists). ASCII only (an international domain in its `xn--` form): Unicode case
/// folding maps some letters onto ASCII ones (the Kelvin sign onto `k`), which would let a
/// second mailbox verify someone else's address.
pub const EMAIL_FORBIDDEN: &[char] = &['<', '>', '"', '(', ')', ',', ';', ':', '[', ']', '\\'];

pub fn email_problem(email: &str) -> Option<Problem> {
    let email = email.trim();
    if email.is_empty() {
        return Some(Problem::Required);
    }
    if email.chars().count() > EMAIL_MAX {
        return Some(Problem::TooLong {
            max: EMAIL_MAX as u32,
        });
    }
    let Some((local, domain)) = email.split_once('@') else {
        return Some(Problem::Invalid);
    };
    let labels_ok = domain.split('.').count() >= 2 && domain.split('.').all(|l| !l.is_empty());
    if local.is_empty()
        || domain.contains('@')
        || !labels_ok
        || email.chars().any(|c| {
            c.is_whitespace() || c.is_control() || !c.is_ascii() || EMAIL_FORBIDDEN.contains(&c)
        })
    {
        return Some(Problem::Invalid);
    }
    None
}

pub fn name_problem(name: &str) -> Option<Problem> {
    let name = name.trim();
    if name.is_empty() {
        Some(Problem::Required)
    } else if name.chars().count() > NAME_MAX {
        Some(Problem::TooLong {
            max: NAME_MAX as u32,
        })
    } else {
        shown_text_problem(name)
    }
}

/// Characters that change how the text around them reads without showing themselves: the
/// bidirectional embeddings, overrides and isolates (U+202A–202E, U+2066–2069) and marks, and
/// the zero-width characters. In a name that others read (in a mail, a list), "invoice" + U+202E +
/// "fdp.exe" would read as "invoiceexe.pdf".
pub fn is_hidden_char(c: char) -> bool {
    matches!(c,
        // Format characters (Unicode's Cf): soft hyphen, Arabic and Syriac marks, Mongolian
        // vowel separators, zero-width ones, bidirectional controls, invisible operators, the
        // byte order mark, interlinear annotations, tags.
        '\u{00AD}' | '\u{034F}' | '\u{0600}'..='\u{0605}' | '\u{061C}' | '\u{06DD}' | '\u{070F}'
        | '\u{08E2}' | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}'
        // Line and paragraph separators (Zl, Zp) and the embeddings and overrides after them.
        | '\u{2028}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}'
        | '\u{110BD}' | '\u{110CD}' | '\u{1BCA0}'..='\u{1BCA3}' | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0000}'..='\u{E007F}'
        // Letters that draw nothing (Hangul fillers, the blank braille pattern, Khmer inherent
        // vowels).
        | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}' | '\u{2800}' | '\u{3164}' | '\u{FFA0}'
        // Private use (Co): nobody else's font draws them the same.
        | '\u{E000}'..='\u{F8FF}' | '\u{F0000}'..='\u{10FFFF}')
}

/// A name people other than its author read (organization, group, collection, display name):
/// no control characters, nothing that hides itself or turns the text around.
pub fn shown_text_problem(text: &str) -> Option<Problem> {
    if text.chars().any(char::is_control) {
        Some(Problem::Invalid)
    } else if text.chars().any(is_hidden_char) {
        Some(Problem::HiddenCharacters)
    } else {
        None
    }
}

pub fn hint_problem(hint: &str) -> Option<Problem> {
    if hint.chars().count() > HINT_MAX {
        Some(Problem::TooLong {
            max: HINT_MAX as u32,
        })
    } else if hint.chars().any(char::is_control) {
        Some(Problem::Invalid)
    } else {
        None
    }
}

/// True if `hint` gives the master password away: it contains the password, or it is a piece of
/// the password at least half as long as it (case aside; the hint is stored in plain text).
pub fn hint_reveals(hint: &str, password: &str) -> bool {
    let (hint, password) = (hint.trim().to_lowercase(), password.to_lowercase());
    if hint.is_empty() || password.is_empty() {
        return false;
    }
    hint.contains(&password)
        || (password.contains(&hint) && hint.chars().count() * 2 >= password.chars().count())
}

/// Collects the problems of several fields into one error, or `Ok` when there are none.
pub fn collect(checks: impl IntoIterator<Item = (Field, Option<Problem>)>) -> Result<(), AppError> {
    let errors: Vec<FieldError> = checks
        .into_iter()
        .filter_map(|(field, problem)| problem.map(|p| FieldError::new(field, p)))
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Invalid(errors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hint_may_not_give_the_password_away() {
        let pw = "Tangerine orbit 47 lanterns!";
        assert!(hint_reveals("my pw is tangerine orbit 47 lanterns!", pw));
        assert!(
            hint_reveals("Tangerine orbit 47", pw),
            "more than half of it"
        );
        assert!(!hint_reveals("orbit", pw), "a word of it is a hint");
        assert!(!hint_reveals("the fruit and the lamps", pw));
        assert!(!hint_reveals("", pw));
    }

    #[test]
    fn emails() {
        assert_eq!(email_problem("a@b.co"), None);
        assert_eq!(email_problem("  Ann.Lee@Example.org "), None);
        assert_eq!(email_problem(""), Some(Problem::Required));
        assert_eq!(email_problem("no-at-sign"), Some(Problem::Invalid));
        assert_eq!(email_problem("a@b"), Some(Problem::Invalid));
        assert_eq!(email_problem("a@@b.co"), Some(Problem::Invalid));
        assert_eq!(email_problem("a b@c.de"), Some(Problem::Invalid));
        assert_eq!(email_problem("a@b..de"), Some(Problem::Invalid));
        for tricky in [
            "Anything<victim@example.org>",
            "\"x\"@example.org",
            "a@example.org,b@example.org",
            "a(comment)@example.org",
            "\u{212A}ate@example.org",
            "anné@example.org",
        ] {
            assert_eq!(email_problem(tricky), Some(Problem::Invalid), "{tricky}");
        }
        let long = format!("{}@example.org", "x".repeat(250));
        assert_eq!(email_problem(&long), Some(Problem::TooLong { max: 254 }));
        assert_eq!(normalize_email("  Ann@Example.ORG "), "ann@example.org");
    }

    #[test]
    fn names_and_hints() {
        assert_eq!(name_problem(" "), Some(Problem::Required));
        assert_eq!(name_problem(&"é".repeat(100)), None);
        assert_eq!(
            name_problem(&"é".repeat(101)),
            Some(Problem::TooLong { max: 100 })
        );
        assert_eq!(name_problem("a\u{0}b"), Some(Problem::Invalid));
        for hidden in [
            "Acme \u{202E}exe.nigol",
            "a\u{200B}b",
            "x\u{2066}y",
            "\u{FEFF}Acme",
        ] {
            assert_eq!(
                name_problem(hidden),
                Some(Problem::HiddenCharacters),
                "{hidden:?}"
            );
        }
        assert_eq!(name_problem("Zoë · Ørsted & Söhne (العربية)"), None);
        assert_eq!(hint_problem(""), None);
        assert_eq!(
            hint_problem(&"h".repeat(101)),
            Some(Problem::TooLong { max: 100 })
        );
    }
}
