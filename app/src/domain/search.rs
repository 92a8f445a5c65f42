//! Text as search compares it: lower-case and without diacritics, so "osterberg" finds
//! "Österberg". One function folds both the text searched and the query, so they always agree.
//!
//! A hand-written table rather than Unicode decomposition: the tables of `unicode-normalization`
//! would weigh tens of kilobytes in the browser's WASM, while the letters people type without
//! their accents are almost all in Latin-1 and Latin Extended-A. Decomposed input (a letter
//! followed by combining marks) folds too, since the marks are dropped.

/// Latin-1 Supplement and Latin Extended-A (U+00C0 to U+017F), one ASCII letter each; `*` marks
/// a character that folds to two letters or is not a letter (`×`, `÷`), handled in [`fold_char`].
const LATIN: &[u8; 192] = b"\
aaaaaa*ceeeeiiiidnooooo*ouuuuy**aaaaaa*ceeeeiiiidnooooo*ouuuuy*y\
aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiii**jjkkkllllllllllnnnnnnnnnoooooo**rrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";

/// Appends `c` folded: lower-case, without diacritics.
fn fold_char(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    let code = u32::from(c);
    let pair = match c {
        'Æ' | 'æ' => Some("ae"),
        'Þ' | 'þ' => Some("th"),
        'ß' | 'ẞ' => Some("ss"),
        'Ĳ' | 'ĳ' => Some("ij"),
        'Œ' | 'œ' => Some("oe"),
        // Romanian writes these with a comma below, outside the table's range.
        'Ș' | 'ș' => Some("s"),
        'Ț' | 'ț' => Some("t"),
        _ => None,
    };
    if let Some(pair) = pair {
        out.push_str(pair);
    } else if (0x300..=0x36f).contains(&code) {
        // A combining mark: the letter before it is already in `out`.
    } else if let Some(&b) = code
        .checked_sub(0xc0)
        .and_then(|i| LATIN.get(i as usize))
        .filter(|&&b| b != b'*')
    {
        out.push(char::from(b));
    } else {
        out.extend(c.to_lowercase());
    }
}

/// `text` lower-cased and without diacritics.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        fold_char(c, &mut out);
    }
    out
}

/// The words of a search query, folded as [`fold`] folds the text they are looked for in.
pub fn search_words(query: &str) -> Vec<String> {
    fold(query).split_whitespace().map(str::to_owned).collect()
}

/// True if every word of `query` appears in `folded` (text that went through [`fold`]).
pub fn matches_words(folded: &str, words: &[String]) -> bool {
    words.iter().all(|w| folded.contains(w.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_and_accents() {
        assert_eq!(fold("Österberg"), "osterberg");
        assert_eq!(fold("Crème Brûlée À LA CARTE"), "creme brulee a la carte");
        assert_eq!(fold("Straße STRAẞE"), "strasse strasse");
        assert_eq!(fold("Æsir Œuvre Øre Łódź"), "aesir oeuvre ore lodz");
        assert_eq!(
            fold("Þór Đorđe Ğüçlü İstanbul"),
            "thor dorde guclu istanbul"
        );
        assert_eq!(fold("Ĳsselmeer Șțară Ÿvon ſ"), "ijsselmeer stara yvon s");
        // A decomposed "é" (e + U+0301) folds like the composed one.
        assert_eq!(fold("Cafe\u{301}"), "cafe");
        // Outside Latin, plain lower-casing; signs that are not letters stay.
        assert_eq!(fold("ΑΘΗΝΑ Москва 2×3÷1"), "αθηνα москва 2×3÷1");
        assert_eq!(fold(""), "");
    }

    #[test]
    fn the_table_lines_up_with_the_code_points() {
        // A letter out of step would shift every letter after it.
        for (c, want) in [
            ('À', 'a'),
            ('Ç', 'c'),
            ('Ñ', 'n'),
            ('Ø', 'o'),
            ('Ý', 'y'),
            ('ÿ', 'y'),
            ('Ā', 'a'),
            ('Đ', 'd'),
            ('Ħ', 'h'),
            ('ı', 'i'),
            ('ĸ', 'k'),
            ('Ł', 'l'),
            ('ŉ', 'n'),
            ('Ő', 'o'),
            ('Ř', 'r'),
            ('Š', 's'),
            ('Ŧ', 't'),
            ('Ų', 'u'),
            ('Ŵ', 'w'),
            ('Ÿ', 'y'),
            ('Ž', 'z'),
            ('ſ', 's'),
        ] {
            assert_eq!(fold(&c.to_string()), want.to_string(), "{c}");
        }
    }

    #[test]
    fn query_words_fold_like_the_text() {
        assert_eq!(search_words("  Österberg  CAFÉ "), ["osterberg", "cafe"]);
        assert!(search_words(" \t ").is_empty());
        let hay = fold("Familie Österberg, Café de Flore");
        assert!(matches_words(&hay, &search_words("osterberg CAFE")));
        assert!(matches_words(&hay, &search_words("ÖSTERBERG")));
        assert!(!matches_words(&hay, &search_words("osterberg paris")));
        assert!(matches_words(&hay, &[]));
    }
}
