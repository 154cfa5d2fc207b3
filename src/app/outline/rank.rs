//! Narrowing the outline as a filter is typed.

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config as MatcherConfig, Matcher, Utf32Str};

use super::Headings;
use crate::app::list::contains_word;

/// The headings passing `query`, best first. The query is matched against
/// each heading's whole path, so "1.80 lang" finds "Language" under "Version
/// 1.80.0". When some paths hold every word of the query as written (any case)
/// only those are shown: in a changelog "1.80" must not bring back "1.8.0".
/// Otherwise each heading's own text is matched fuzzily (smart case), so a
/// typo still finds its heading (a whole path is long enough to hold the
/// letters of almost any word scattered). A heading whose own text holds the query as whole words ranks
/// above one that holds it inside a word, and both above the rest; ties keep
/// document order.
pub(super) fn rank(headings: &Headings, query: &str) -> Vec<usize> {
    let query = query.trim();
    if query.is_empty() {
        return (0..headings.entries.len()).collect();
    }
    let needle = query.to_lowercase();
    let words: Vec<&str> = needle.split_whitespace().collect();
    let paths: Vec<String> = (0..headings.entries.len())
        .map(|i| headings.path_texts(i).join(" "))
        .collect();
    let bonus = |i: usize| {
        let own = headings.entries[i].text.to_lowercase();
        if contains_word(&own, &needle) {
            2_000_000
        } else if own.contains(&needle) {
            1_000_000
        } else {
            0
        }
    };
    let exact: Vec<usize> = paths
        .iter()
        .enumerate()
        .filter(|(_, path)| {
            let path = path.to_lowercase();
            words.iter().all(|w| path.contains(w))
        })
        .map(|(i, _)| i)
        .collect();
    let mut scored: Vec<(u32, usize)> = if exact.is_empty() {
        let mut matcher = Matcher::new(MatcherConfig::DEFAULT);
        let pattern = Pattern::parse(query, CaseMatching::Smart, Normalization::Smart);
        let mut buf = Vec::new();
        headings
            .entries
            .iter()
            .enumerate()
            .filter_map(|(i, h)| {
                let score = pattern.score(Utf32Str::new(&h.text, &mut buf), &mut matcher)?;
                Some((score + bonus(i), i))
            })
            .collect()
    } else {
        exact.into_iter().map(|i| (bonus(i), i)).collect()
    };
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().map(|(_, i)| i).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::ArticleId;
    use crate::document::{Document, Format, ParseOptions};

    const CHANGELOG: &str = "# Notes\n\nIntro.\n\n## Version 1.95\n\n### Language\n\nA.\n\n### Compiler\n\nB.\n\n## Version 1.94\n\n### Language\n\nC.\n";

    fn doc(src: &str) -> Document {
        Document::parse_complete(src, Format::Markdown, ParseOptions::default())
    }

    #[test]
    fn filter_matches_the_path_and_ranks_the_heading_itself_first() {
        let d = doc(CHANGELOG);
        let mut h = Headings::default();
        h.refresh(ArticleId(0), &d);
        let texts = |v: Vec<usize>| -> Vec<String> {
            v.into_iter().map(|i| h.path_texts(i).join(">")).collect()
        };
        assert_eq!(
            texts(rank(&h, "1.94 lang")),
            ["Notes>Version 1.94>Language"]
        );
        let lang = texts(rank(&h, "language"));
        assert_eq!(lang.len(), 2, "{lang:?}");
        assert_eq!(rank(&h, "").len(), 6);
        assert!(rank(&h, "zzz").is_empty());
    }

    #[test]
    fn a_scattered_match_is_looked_for_in_the_heading_alone() {
        let d = doc(CHANGELOG);
        let mut h = Headings::default();
        h.refresh(ArticleId(0), &d);
        let found: Vec<&str> = rank(&h, "vrsn")
            .into_iter()
            .map(|i| h.entries[i].text.as_str())
            .collect();
        // Not the sections under them, whose paths hold the same letters.
        assert_eq!(found, ["Version 1.95", "Version 1.94"]);
    }
}
