//! Accent folding for library search: `café` finds `cafe` and `cafe` finds
//! `café`. Rather than rewriting every file before searching it (which would
//! cost a copy of the whole library per query and move every byte offset),
//! the *query* is widened: each letter becomes a character class of itself
//! and its accented forms (`e` -> `[eéèêë...]`), so the fast byte-level
//! searcher runs unchanged over the files as they are.

use std::collections::HashMap;
use std::sync::OnceLock;

use unicode_normalization::char::{decompose_canonical, is_combining_mark};

/// Letters with no canonical decomposition that readers still expect to
/// fold (Danish ø, Polish ł, Croatian đ, Maltese ħ, dotless ı).
const EXTRA: &[(char, char)] = &[
    ('ø', 'o'),
    ('Ø', 'O'),
    ('ł', 'l'),
    ('Ł', 'L'),
    ('đ', 'd'),
    ('Đ', 'D'),
    ('ħ', 'h'),
    ('Ħ', 'H'),
    ('ı', 'i'),
];

/// Base letter -> every accented form of it (same case), and accented form
/// -> base letter.
struct Table {
    variants: HashMap<char, Vec<char>>,
    base: HashMap<char, char>,
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut base = HashMap::new();
        // Latin-1 Supplement, Latin Extended-A and -B, Latin Extended
        // Additional: where accented Latin letters live.
        let ranges = [0xC0u32..=0x24F, 0x1E00..=0x1EFF];
        for c in ranges.into_iter().flatten().filter_map(char::from_u32) {
            let mut parts = Vec::new();
            decompose_canonical(c, |d| parts.push(d));
            if let [first, rest @ ..] = parts.as_slice()
                && first.is_ascii_alphabetic()
                && !rest.is_empty()
                && rest.iter().all(|&m| is_combining_mark(m))
            {
                base.insert(c, *first);
            }
        }
        base.extend(EXTRA.iter().copied());
        let mut variants: HashMap<char, Vec<char>> = HashMap::new();
        for (&accented, &plain) in &base {
            variants.entry(plain).or_default().push(accented);
        }
        for list in variants.values_mut() {
            list.sort_unstable();
        }
        Table { variants, base }
    })
}

/// The letter without its accent (`é` -> `e`); other characters as they are.
pub fn base_of(c: char) -> char {
    table().base.get(&c).copied().unwrap_or(c)
}

/// A regular expression that finds `text` literally, except that every
/// letter also matches its accented and unaccented forms.
pub fn folded_pattern(text: &str) -> String {
    let table = table();
    let mut out = String::with_capacity(text.len() * 4);
    for c in text.chars() {
        let plain = base_of(c);
        match table.variants.get(&plain) {
            Some(forms) => {
                out.push('[');
                out.push(plain);
                out.extend(forms.iter().copied());
                out.push(']');
            }
            None => out.push_str(&regex_syntax::escape(&c.to_string())),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accented_letters_fold_to_their_base() {
        assert_eq!(base_of('é'), 'e');
        assert_eq!(base_of('Ç'), 'C');
        assert_eq!(base_of('ø'), 'o');
        assert_eq!(base_of('x'), 'x');
        assert_eq!(base_of('字'), '字');
    }

    #[test]
    fn a_pattern_widens_letters_and_escapes_the_rest() {
        let p = folded_pattern("é.");
        assert!(p.starts_with("[eé") || p.starts_with("[e"), "{p}");
        assert!(
            p.contains('é') && p.contains('è') && p.ends_with("\\."),
            "{p}"
        );
    }
}
