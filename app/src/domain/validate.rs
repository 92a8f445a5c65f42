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

/// Characters that change how the text around them reads without showing themselves, or that
/// draw nothing: format characters (bidirectional embeddings, overrides and isolates, zero-width
/// ones, tags), line and paragraph separators, blank-drawing letters, private use. In a name that
/// others read (in a mail, a list), "invoice" + U+202E + "fdp.exe" would read as
/// "invoiceexe.pdf", and U+3164 alone looks like no name at all.
pub fn is_hidden_char(c: char) -> bool {
    let c = u32::from(c);
    HIDDEN.iter().any(|&(from, to)| (from..=to).contains(&c))
}

/// The ranges `is_hidden_char` refuses (a table: smaller in the browser than a match).
const HIDDEN: &[(u32, u32)] = &[
    // Format characters (Unicode's Cf): soft hyphen, combining grapheme joiner, Arabic and
    // Syriac marks, Mongolian vowel separators, zero-width ones, bidirectional controls,
    // invisible operators, the byte order mark, interlinear annotations, tags.
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x0600, 0x0605),
    (0x061C, 0x061C),
    (0x06DD, 0x06DD),
    (0x070F, 0x070F),
    (0x08E2, 0x08E2),
    (0x180B, 0x180F),
    (0x200B, 0x200F),
    // Line and paragraph separators (Zl, Zp), then the embeddings and overrides.
    (0x2028, 0x202E),
    (0x2060, 0x206F),
    (0xFEFF, 0xFEFF),
    (0xFFF9, 0xFFFB),
    (0x110BD, 0x110BD),
    (0x110CD, 0x110CD),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE007F),
    // Letters that draw nothing: Hangul fillers, Khmer inherent vowels, the blank braille pattern.
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x2800, 0x2800),
    (0x3164, 0x3164),
    (0xFFA0, 0xFFA0),
    // Private use (Co): nobody else's font draws them the same.
    (0xE000, 0xF8FF),
    (0xF0000, 0x10FFFF),
];

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
