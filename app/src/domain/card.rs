//! What the item form checks of a card before sealing it. The server never sees these fields
//! (items reach it sealed), so these rules run in the browser only. Every field may stay empty:
//! people keep cards with only part of the details.

use super::item::{card_brand, CardData};
use super::{Field, FieldError, Problem};

/// The brand name [`card_brand`] gives American Express, whose security code has four digits.
const AMEX: &str = "American Express";

/// Card numbers are 12 to 19 digits long (ISO/IEC 7812).
const NUMBER_DIGITS: std::ops::RangeInclusive<usize> = 12..=19;

/// The digits of a card number as people write it (with spaces or dashes between groups).
fn digits(number: &str) -> String {
    number.chars().filter(char::is_ascii_digit).collect()
}

fn all_digits(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| c.is_ascii_digit())
}

/// The expiration month: 1 to 12, with or without a leading zero ("3" or "03").
pub fn month_problem(month: &str) -> Option<Problem> {
    let month = month.trim();
    if month.is_empty() {
        return None;
    }
    if !all_digits(month) || month.len() > 2 {
        return Some(Problem::Invalid);
    }
    match month.parse::<u32>() {
        Ok(1..=12) => None,
        _ => Some(Problem::OutOfRange),
    }
}

/// The expiration year, in four digits: "31" could be 2031 or a typo, and cards say "31" only
/// beside the month, where people read it as a year of this century.
pub fn year_problem(year: &str) -> Option<Problem> {
    let year = year.trim();
    let fine = year.is_empty() || (year.len() == 4 && all_digits(year));
    (!fine).then_some(Problem::Invalid)
}

/// How many digits the security code of the card with this number has: four for American
/// Express, three for the other brands [`card_brand`] knows, either for a brand it does not know.
pub fn code_lengths(number: &str) -> &'static [usize] {
    match card_brand(&digits(number)) {
        Some(AMEX) => &[4],
        Some(_) => &[3],
        None => &[3, 4],
    }
}

/// The security code: digits only, as many as the card's brand uses.
pub fn code_problem(code: &str, number: &str) -> Option<Problem> {
    let code = code.trim();
    if code.is_empty() {
        return None;
    }
    let lengths = code_lengths(number);
    if all_digits(code) && lengths.contains(&code.len()) {
        return None;
    }
    Some(match lengths {
        [count] => Problem::Digits {
            count: *count as u32,
        },
        _ => Problem::Invalid,
    })
}

/// True if the card number passes the Luhn check every card number carries (its last digit).
/// Only digits, spaces and dashes may appear, and 12 to 19 digits.
pub fn number_passes_check(number: &str) -> bool {
    if number
        .chars()
        .any(|c| !(c.is_ascii_digit() || c == ' ' || c == '-'))
    {
        return false;
    }
    let digits = digits(number);
    if !NUMBER_DIGITS.contains(&digits.len()) {
        return false;
    }
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            // Every second digit from the right counts double, its two digits added up.
            if i % 2 == 1 {
                let doubled = d * 2;
                if doubled > 9 {
                    doubled - 9
                } else {
                    doubled
                }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// True if the form should warn that the number looks mistyped. Only a warning: a card from a
/// network with other rules must still be savable.
pub fn number_looks_mistyped(number: &str) -> bool {
    !number.trim().is_empty() && !number_passes_check(number)
}

/// The card fields' problems, in the order the form shows them.
pub fn problems(card: &CardData) -> Vec<FieldError> {
    [
        (Field::ExpMonth, month_problem(&card.exp_month)),
        (Field::ExpYear, year_problem(&card.exp_year)),
        (Field::SecurityCode, code_problem(&card.code, &card.number)),
    ]
    .into_iter()
    .filter_map(|(field, problem)| problem.map(|p| FieldError::new(field, p)))
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_one_to_twelve_with_or_without_a_zero() {
        for ok in ["", " ", "1", "01", "9", "09", "10", "12", " 7 "] {
            assert_eq!(month_problem(ok), None, "{ok:?}");
        }
        for out in ["0", "00", "13", "99"] {
            assert_eq!(month_problem(out), Some(Problem::OutOfRange), "{out:?}");
        }
        for bad in ["001", "012", "1a", "-1", "+1", "jan", "1.5", "١"] {
            assert_eq!(month_problem(bad), Some(Problem::Invalid), "{bad:?}");
        }
    }

    #[test]
    fn years_have_four_digits() {
        for ok in ["", "2031", "1999", " 2031 "] {
            assert_eq!(year_problem(ok), None, "{ok:?}");
        }
        for bad in ["31", "031", "20311", "２０３１", "203a", "-2031", "20 31"] {
            assert_eq!(year_problem(bad), Some(Problem::Invalid), "{bad:?}");
        }
    }

    #[test]
    fn security_codes_follow_the_brand() {
        let amex = "3782 822463 10005";
        let visa = "4111 1111 1111 1111";
        let unknown = "9999 0000 1111 2222";
        assert_eq!(card_brand(&digits(amex)), Some(AMEX));
        assert_eq!(code_problem("1234", amex), None);
        assert_eq!(
            code_problem("123", amex),
            Some(Problem::Digits { count: 4 })
        );
        assert_eq!(code_problem("123", visa), None);
        assert_eq!(
            code_problem("1234", visa),
            Some(Problem::Digits { count: 3 })
        );
        assert_eq!(
            code_problem("12a", visa),
            Some(Problem::Digits { count: 3 })
        );
        assert_eq!(code_problem("123", unknown), None);
        assert_eq!(code_problem("1234", unknown), None);
        assert_eq!(code_problem("12", unknown), Some(Problem::Invalid));
        assert_eq!(code_problem("12345", ""), Some(Problem::Invalid));
        assert_eq!(code_problem("", visa), None);
        assert_eq!(code_problem("  ", amex), None);
    }

    #[test]
    fn card_numbers_are_checked_with_luhn() {
        for ok in [
            "4111111111111111",
            "4111 1111 1111 1111",
            "4111-1111-1111-1111",
            "378282246310005",
            "5500000000000004",
            "6011111111111117",
            "3530111333300000",
        ] {
            assert!(number_passes_check(ok), "{ok}");
            assert!(!number_looks_mistyped(ok), "{ok}");
        }
        for bad in [
            "4111111111111112",
            "4111 1111 1111 111",
            "411111111111",
            "0000000000",
            "41111111111111111111",
            "4111a111111111111",
            "４１１１１１１１１１１１１１１１",
        ] {
            assert!(!number_passes_check(bad), "{bad}");
            assert!(number_looks_mistyped(bad), "{bad}");
        }
        assert!(!number_looks_mistyped(""));
        assert!(!number_looks_mistyped("   "));
    }

    #[test]
    fn problems_name_their_fields_in_form_order() {
        let card = CardData {
            number: "4111 1111 1111 1112".into(),
            exp_month: "13".into(),
            exp_year: "31".into(),
            code: "12".into(),
            ..CardData::default()
        };
        assert_eq!(
            problems(&card),
            [
                FieldError::new(Field::ExpMonth, Problem::OutOfRange),
                FieldError::new(Field::ExpYear, Problem::Invalid),
                FieldError::new(Field::SecurityCode, Problem::Digits { count: 3 }),
            ]
        );
        // A failed Luhn check is a warning, never a problem that blocks saving.
        let mistyped = CardData {
            number: "4111 1111 1111 1112".into(),
            ..CardData::default()
        };
        assert!(problems(&mistyped).is_empty());
        assert!(problems(&CardData::default()).is_empty());
    }
}
