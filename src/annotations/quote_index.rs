//! Where each of many quotes occurs in one text, found in one pass: an
//! import of 100,000 W3C annotations on one article would otherwise search
//! the whole article once per quote.
//!
//! The quotes (their first [`KEY_BYTES`] bytes, so a 1 MB quote does not
//! make a 1 MB automaton) go into one Aho-Corasick automaton run over the
//! text with overlapping matches; each match is checked against the whole
//! quote. Each quote keeps at most `cap` occurrences, the first in the text,
//! as the one-at-a-time search does. When the quotes overlap so much that
//! one pass would report far more matches than the text has characters
//! (thousands of ever longer runs of one letter), the index gives up and
//! every quote is searched on its own, as before.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, MatchKind};

use crate::document::floor_char_boundary;

/// How much of a quote the automaton holds; the rest is compared at each
/// match.
const KEY_BYTES: usize = 256;

/// Matches one pass may report per byte of text before the index gives up.
const MATCHES_PER_BYTE: usize = 16;

/// Byte offsets of every occurrence (overlapping, first `cap` of each) of
/// each quote given.
#[derive(Debug, Default)]
pub(super) struct QuoteIndex {
    starts: HashMap<String, Vec<usize>>,
}

impl QuoteIndex {
    /// Finds `quotes` in `text`; an empty index when they could not all be
    /// found in one pass within budget (each is then searched on its own).
    pub(super) fn build<'q>(
        text: &str,
        quotes: impl IntoIterator<Item = &'q str>,
        cap: usize,
    ) -> Self {
        let mut distinct: Vec<&str> = quotes.into_iter().filter(|q| !q.is_empty()).collect();
        distinct.sort_unstable();
        distinct.dedup();
        if distinct.is_empty() {
            return Self::default();
        }
        // Quotes sharing their first KEY_BYTES bytes share a key.
        let mut keys: Vec<&str> = Vec::new();
        let mut by_key: HashMap<&str, usize> = HashMap::new();
        let mut quotes_of: Vec<Vec<&str>> = Vec::new();
        for q in &distinct {
            let key = &q[..floor_char_boundary(q, KEY_BYTES.min(q.len()))];
            let key = if key.is_empty() { *q } else { key };
            let k = *by_key.entry(key).or_insert_with(|| {
                keys.push(key);
                quotes_of.push(Vec::new());
                keys.len() - 1
            });
            if let Some(list) = quotes_of.get_mut(k) {
                list.push(q);
            }
        }
        let Ok(automaton) = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(&keys)
        else {
            return Self::default();
        };
        let budget = text.len().saturating_mul(MATCHES_PER_BYTE).max(1 << 20);
        let mut starts: HashMap<String, Vec<usize>> = HashMap::new();
        for (seen, m) in automaton.find_overlapping_iter(text).enumerate() {
            if seen >= budget {
                return Self::default();
            }
            let at = m.start();
            let rest = text.get(at..).unwrap_or("");
            for q in quotes_of.get(m.pattern().as_usize()).into_iter().flatten() {
                if rest.starts_with(q) {
                    let list = starts.entry((*q).to_string()).or_default();
                    if list.len() < cap {
                        list.push(at);
                    }
                }
            }
        }
        // A quote found nowhere is known to be nowhere.
        for q in distinct {
            starts.entry(q.to_string()).or_default();
        }
        Self { starts }
    }

    /// The occurrences of `quote`, when it was indexed.
    pub(super) fn get(&self, quote: &str) -> Option<&[usize]> {
        self.starts.get(quote).map(Vec::as_slice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every overlapping occurrence, one quote at a time.
    fn scan(text: &str, quote: &str) -> Vec<usize> {
        let mut out = Vec::new();
        let mut from = 0;
        while let Some(p) = text[from..].find(quote) {
            out.push(from + p);
            from += p + text[from + p..].chars().next().map_or(1, char::len_utf8);
        }
        out
    }

    #[test]
    fn finds_what_a_search_per_quote_finds() {
        let text = "aaa caf\u{e9} say yes. say yes! aaaa";
        let long = "x".repeat(KEY_BYTES + 10);
        let text = format!("{text} {long} {long}y");
        let quotes = ["aa", "say yes", "caf\u{e9}", "nowhere", "a", long.as_str()];
        let index = QuoteIndex::build(&text, quotes, usize::MAX);
        for q in quotes {
            assert_eq!(index.get(q), Some(scan(&text, q).as_slice()), "{q}");
        }
        let longer = format!("{long}y");
        let index = QuoteIndex::build(&text, [long.as_str(), longer.as_str()], usize::MAX);
        assert_eq!(index.get(&longer), Some(scan(&text, &longer).as_slice()));
        assert_eq!(index.get("unasked"), None);
        let capped = QuoteIndex::build(&text, ["a"], 2);
        assert_eq!(capped.get("a"), Some(&scan(&text, "a")[..2]));
    }
}
