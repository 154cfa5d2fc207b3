//! The one placement policy: where a stored highlight goes in the current
//! text, what is drawn, and what is written back. The app (on open and after
//! every save), the import (passages from other tools) and the tests all go
//! through [`Locator::settle`]; nothing else decides.
//!
//! In order (first success wins; the search itself is `reanchor.rs`):
//!
//! 1. the stored offsets, when the quote and its context are still there;
//! 2. the exact quote, told apart from its copies by the stored context and
//!    the old position;
//! 3. an approximate match of an edited passage (long quotes only, close
//!    enough to the quote and to its context);
//! 4. otherwise an orphan, with the [`Orphan`] reason; so is a quote whose
//!    copies fit about equally well (ambiguous).
//!
//! A passage found exactly gets fresh context (prefix and suffix) and
//! offsets; an approximate one gets new offsets but keeps its quote and
//! context (the user's words are never rewritten behind their back) and is
//! drawn widened to whole words (an edited match must never mark half a
//! word).

use std::ops::Range;

use super::anchor::{context_after, context_before};
use super::reanchor::{Locator, Orphan, PlacementKind, QuoteSelector};
use super::{Anchor, AnnotationFile, Highlight, HighlightId};

/// What the policy decided for a passage that could be placed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settled {
    /// Byte range of the canonical text to draw (whole words when the match
    /// was approximate).
    pub range: Range<usize>,
    /// How the passage was found.
    pub kind: PlacementKind,
    /// The anchor to store from now on.
    pub anchor: Anchor,
}

/// Where one highlight is drawn in the current text: the answer the app
/// keeps for each placed highlight, named by id so it can never be read
/// against the wrong entry of a list. Orphans have none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed {
    /// The highlight.
    pub id: HighlightId,
    /// Byte range of the canonical text to draw.
    pub range: Range<usize>,
}

/// What re-anchoring did to a file, so the caller knows whether to save it and
/// what to tell the user.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReanchorReport {
    /// Highlights whose offsets changed.
    pub moved: usize,
    /// Highlights that could not be placed (now or before).
    pub orphaned: usize,
    /// True when anything in the file changed and it should be saved.
    pub changed: bool,
}

impl Locator<'_> {
    /// Applies the policy (see the module documentation) to one stored
    /// anchor: where it is drawn and what is stored, or why it is an orphan.
    pub fn settle(&self, anchor: &Anchor) -> Result<Settled, Orphan> {
        let found = self.search(anchor)?;
        let mut stored = anchor.clone();
        stored.start = self.index.char_of(found.range.start);
        stored.end = self.index.char_of(found.range.end);
        let range = if found.kind == PlacementKind::Fuzzy {
            whole_words(self.text, found.range)
        } else {
            stored.prefix = context_before(self.text, found.range.start).to_string();
            stored.suffix = context_after(self.text, found.range.end).to_string();
            found.range
        };
        Ok(Settled {
            range,
            kind: found.kind,
            anchor: stored,
        })
    }

    /// Places a passage another tool described (see
    /// [`Locator::for_import`]) and gives it the anchor a highlight made in
    /// gloss on the same words would have: gloss's own full context and
    /// offsets, so later edits of the article re-anchor it like any other.
    /// An approximate match keeps the tool's quote (the annotator's words)
    /// and is drawn widened to whole words.
    pub fn place_selector(&self, sel: &QuoteSelector) -> Result<Settled, Orphan> {
        let found = self.search_selector(sel)?;
        let anchor = Anchor {
            quote: if found.kind == PlacementKind::Fuzzy {
                sel.exact.clone()
            } else {
                self.text[found.range.clone()].to_string()
            },
            prefix: context_before(self.text, found.range.start).to_string(),
            suffix: context_after(self.text, found.range.end).to_string(),
            start: self.index.char_of(found.range.start),
            end: self.index.char_of(found.range.end),
        };
        let range = if found.kind == PlacementKind::Fuzzy {
            whole_words(self.text, found.range)
        } else {
            found.range
        };
        Ok(Settled {
            range,
            kind: found.kind,
            anchor,
        })
    }

    /// Where a stored highlight is drawn, without re-anchoring it: nowhere
    /// while it is marked orphaned (only re-anchoring, on open, brings an
    /// orphan back), else where [`Locator::settle`] puts it.
    pub fn shown(&self, highlight: &Highlight) -> Option<Placed> {
        if highlight.orphaned {
            return None;
        }
        self.settle(&highlight.anchor).ok().map(|s| Placed {
            id: highlight.id.clone(),
            range: s.range,
        })
    }

    /// Re-anchors `highlights` as done when an article opens: each placed one
    /// takes its settled anchor (quotes, notes and `updated` are never
    /// touched) and loses its orphan mark; one that cannot be placed is
    /// marked orphaned and keeps its anchor. When anything changed the list
    /// is put in document order. Returns the report and where each placed
    /// highlight is drawn, in the final order (orphans have no entry).
    pub fn reanchor(&self, highlights: &mut [Highlight]) -> (ReanchorReport, Vec<Placed>) {
        let mut report = ReanchorReport::default();
        let mut drawn = Vec::with_capacity(highlights.len());
        for highlight in highlights.iter_mut() {
            match self.settle(&highlight.anchor) {
                Ok(settled) => {
                    let anchor = &mut highlight.anchor;
                    if (anchor.start, anchor.end) != (settled.anchor.start, settled.anchor.end) {
                        report.moved += 1;
                    }
                    if *anchor != settled.anchor {
                        *anchor = settled.anchor;
                        report.changed = true;
                    }
                    if highlight.orphaned {
                        highlight.orphaned = false;
                        report.changed = true;
                    }
                    drawn.push(Placed {
                        id: highlight.id.clone(),
                        range: settled.range,
                    });
                }
                Err(_) => {
                    if !highlight.orphaned {
                        highlight.orphaned = true;
                        report.changed = true;
                    }
                    report.orphaned += 1;
                }
            }
        }
        if report.changed {
            highlights.sort_by(|a, b| {
                (a.anchor.start, a.anchor.end, &a.id).cmp(&(b.anchor.start, b.anchor.end, &b.id))
            });
        }
        drawn.sort_by_key(|p| (p.range.start, p.range.end));
        (report, drawn)
    }
}

/// Where `anchor` is drawn in `text` now, as a byte range; `None` when the
/// passage cannot be placed with confidence (the highlight is then an
/// orphan). For many anchors over one text, [`Locator`] avoids repeated work.
pub fn locate(text: &str, anchor: &Anchor) -> Option<Range<usize>> {
    Locator::new(text).settle(anchor).ok().map(|s| s.range)
}

/// Re-anchors every highlight of `file` against `text`, as done when an
/// article opens; see [`Locator::reanchor`].
pub fn reanchor_all(text: &str, file: &mut AnnotationFile) -> ReanchorReport {
    reanchor_with(&Locator::new(text), file)
}

/// [`reanchor_all`] with a locator the caller already built, so the text is
/// indexed once when the caller also places the highlights.
pub fn reanchor_with(locator: &Locator, file: &mut AnnotationFile) -> ReanchorReport {
    locator.reanchor(&mut file.highlights).0
}

/// Widens a range that starts or ends inside a word to the whole word: an
/// approximate match of edited text must never mark half a word.
fn whole_words(text: &str, range: Range<usize>) -> Range<usize> {
    use crate::document::motion::word_at;
    let start = word_at(text, range.start).map_or(range.start, |w| w.start.min(range.start));
    let last = range.end.saturating_sub(1).max(range.start);
    let end = word_at(text, last).map_or(range.end, |w| w.end.max(range.end));
    start..end
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotations::testing::highlight;
    use crate::document::CharOffset;

    const ARTICLE: &str = "The committee met on Tuesday to discuss the budget. \
        After a long debate, the members agreed to fund the new library wing, \
        while postponing the decision on the swimming pool until spring. \
        The mayor said the library would open next year.";

    /// What a row expects: the passage drawn on the `n`th copy of some words
    /// of the edited text, found in a given way, or an orphan for a reason.
    #[derive(Debug)]
    enum Want {
        At(&'static str, usize, PlacementKind),
        Orphan(Orphan),
    }

    /// One case of the policy: a text, the highlight made on the `nth` copy
    /// of `quote` in it (with its context dropped when `bare`: a file written
    /// by hand or by a tool that keeps none), and edits applied (each replaces
    /// the first copy of its left side).
    struct Row {
        name: &'static str,
        text: &'static str,
        quote: &'static str,
        nth: usize,
        bare: bool,
        edits: &'static [(&'static str, &'static str)],
        want: Want,
    }

    fn nth_range(text: &str, words: &str, nth: usize) -> Range<usize> {
        let start = text
            .match_indices(words)
            .nth(nth)
            .map(|(at, _)| at)
            .unwrap_or_else(|| panic!("no copy {nth} of {words:?} in {text:?}"));
        start..start + words.len()
    }

    const ROWS: &[Row] = &[
        Row {
            name: "unchanged text: the stored offsets",
            text: ARTICLE,
            quote: "fund the new library wing",
            nth: 0,
            bare: false,
            edits: &[],
            want: Want::At("fund the new library wing", 0, PlacementKind::Stored),
        },
        Row {
            name: "text inserted before: the same words, further on",
            text: ARTICLE,
            quote: "fund the new library wing",
            nth: 0,
            bare: false,
            edits: &[("The committee", "BREAKING NEWS. The committee")],
            want: Want::At("fund the new library wing", 0, PlacementKind::Exact),
        },
        Row {
            name: "a repeated word is told apart by its context",
            text: "the library wing; later the library would open",
            quote: "library",
            nth: 1,
            bare: false,
            edits: &[("the library wing", "Intro text here. the library wing")],
            want: Want::At("library", 1, PlacementKind::Exact),
        },
        Row {
            name: "the context changed next to the quote: refreshed",
            text: ARTICLE,
            quote: "fund the new library wing",
            nth: 0,
            bare: false,
            edits: &[("agreed to", "voted to")],
            want: Want::At("fund the new library wing", 0, PlacementKind::Exact),
        },
        Row {
            name: "a small edit inside: found approximately",
            text: ARTICLE,
            quote: "postponing the decision on the swimming pool",
            nth: 0,
            bare: false,
            edits: &[("swimming pool", "swiming pool")],
            want: Want::At(
                "postponing the decision on the swiming pool",
                0,
                PlacementKind::Fuzzy,
            ),
        },
        Row {
            name: "an approximate match is widened to whole words",
            text: "After a long debate the members agreed to postpone the decision on the \
                swimming pool until spring came back to the town.",
            quote: "the decision on the swimming pool until spring",
            nth: 0,
            bare: false,
            edits: &[
                (
                    "long debate the members agreed to postpone",
                    "short talk they chose to delay",
                ),
                ("pool until spring came", "pools until springtime arrived"),
            ],
            want: Want::At(
                "the decision on the swimming pools until springtime",
                0,
                PlacementKind::Fuzzy,
            ),
        },
        Row {
            name: "a quote at its offsets with no context: placed there",
            text: "The cat sat. The cat ran. Caf\u{e9} au lait, the end.",
            quote: "The cat",
            nth: 1,
            bare: true,
            edits: &[],
            want: Want::At("The cat", 1, PlacementKind::Stored),
        },
        Row {
            name: "a deleted passage is an orphan",
            text: ARTICLE,
            quote: "postponing the decision on the swimming pool",
            nth: 0,
            bare: false,
            edits: &[(
                "while postponing the decision on the swimming pool until spring. ",
                "",
            )],
            want: Want::Orphan(Orphan::Gone),
        },
        Row {
            name: "a heavily rewritten passage is an orphan",
            text: ARTICLE,
            quote: "the members agreed to fund the new library wing",
            nth: 0,
            bare: false,
            edits: &[(
                "the members agreed to fund the new library wing",
                "nobody could agree on anything at all",
            )],
            want: Want::Orphan(Orphan::Rewritten),
        },
        Row {
            name: "a deleted short word does not jump to another copy",
            text: "alpha beta gamma delta the epsilon zeta eta theta iota kappa the lambda",
            quote: "the",
            nth: 0,
            bare: false,
            edits: &[("the epsilon", "epsilon")],
            want: Want::Orphan(Orphan::Ambiguous),
        },
        Row {
            name: "copies that fit equally well: ambiguous",
            text: "Yes, said the first. No, said the second. Yes, said the third. \
                No, said the fourth. Yes, said the fifth.",
            quote: "Yes",
            nth: 1,
            bare: true,
            edits: &[("Yes", "XYes")],
            want: Want::Orphan(Orphan::Ambiguous),
        },
    ];

    #[test]
    fn the_policy_table() {
        for row in ROWS {
            let mut anchor = Anchor::from_range(row.text, nth_range(row.text, row.quote, row.nth));
            if row.bare {
                anchor.prefix.clear();
                anchor.suffix.clear();
            }
            let mut edited = row.text.to_string();
            for (from, to) in row.edits {
                edited = edited.replacen(from, to, 1);
            }
            let got = Locator::new(&edited).settle(&anchor);
            match (&row.want, got) {
                (Want::At(words, nth, kind), Ok(settled)) => {
                    let range = nth_range(&edited, words, *nth);
                    assert_eq!(settled.range, range, "{}", row.name);
                    assert_eq!(settled.kind, *kind, "{}", row.name);
                    if *kind == PlacementKind::Fuzzy {
                        // The user's words and their context are kept.
                        assert_eq!(settled.anchor.quote, anchor.quote, "{}", row.name);
                        assert_eq!(settled.anchor.prefix, anchor.prefix, "{}", row.name);
                        assert_eq!(settled.anchor.suffix, anchor.suffix, "{}", row.name);
                    } else {
                        // Fresh context and offsets: the anchor a new
                        // highlight of these words would have.
                        let fresh = Anchor::from_range(&edited, range);
                        assert_eq!(settled.anchor, fresh, "{}", row.name);
                    }
                }
                (Want::Orphan(why), got) => assert_eq!(got, Err(*why), "{}", row.name),
                (want, got) => panic!("{}: wanted {want:?}, got {got:?}", row.name),
            }
        }
    }

    /// The widening row's raw match ends inside "springtime" (and the
    /// stored anchor keeps those offsets); only what is drawn is widened.
    #[test]
    fn the_widening_row_ends_inside_a_word_before_widening() {
        let row = ROWS
            .iter()
            .find(|r| r.name.contains("widened"))
            .expect("the row");
        let mut edited = row.text.to_string();
        for (from, to) in row.edits {
            edited = edited.replacen(from, to, 1);
        }
        let anchor = Anchor::from_range(row.text, nth_range(row.text, row.quote, row.nth));
        let locator = Locator::new(&edited);
        let raw = locator.search(&anchor).map(|p| p.range).expect("found");
        assert_eq!(
            &edited[raw.clone()],
            "the decision on the swimming pools until spring"
        );
        let settled = locator.settle(&anchor).expect("found");
        assert_eq!(
            (settled.anchor.start, settled.anchor.end),
            (locator.char_of(raw.start), locator.char_of(raw.end))
        );
    }

    #[test]
    fn reanchoring_updates_offsets_and_orphans_and_draws_in_the_final_order() {
        let make = |id: &str, quote: &str| highlight(id).first_of(ARTICLE, quote).note("n").build();
        // Stored out of document order, so the re-anchored list is sorted.
        let mut file = AnnotationFile {
            version: 1,
            article: Default::default(),
            position: None,
            highlights: vec![make("b", "swimming pool"), make("a", "discuss the budget")],
        };
        let edited = format!("Update: {}", ARTICLE.replace("the swimming pool ", ""));
        let (report, drawn) = Locator::new(&edited).reanchor(&mut file.highlights);
        assert_eq!(report.moved, 1);
        assert_eq!(report.orphaned, 1);
        assert!(report.changed);
        let a = &file.highlights[0];
        assert_eq!(a.anchor.quote, "discuss the budget");
        let before = &ARTICLE[..ARTICLE.find("discuss").unwrap()];
        let moved_by = "Update: ".chars().count();
        assert_eq!(
            a.anchor.start,
            CharOffset::new(before.chars().count()).plus(moved_by)
        );
        assert_eq!(drawn.len(), 1, "the orphan is not drawn");
        assert_eq!(drawn[0].id, a.id);
        assert_eq!(&edited[drawn[0].range.clone()], "discuss the budget");
        let b = &file.highlights[1];
        assert!(b.orphaned);
        assert_eq!(
            b.anchor,
            make("b", "swimming pool").anchor,
            "kept as it was"
        );

        // The passage comes back: un-orphaned.
        let report = reanchor_all(ARTICLE, &mut file);
        assert_eq!(report.orphaned, 0);
        assert!(!file.highlights[1].orphaned);
        let again = reanchor_all(ARTICLE, &mut file);
        assert!(!again.changed);
    }

    #[test]
    fn an_empty_quote_is_an_orphan() {
        let anchor = Anchor {
            quote: String::new(),
            prefix: String::new(),
            suffix: String::new(),
            start: CharOffset::ZERO,
            end: CharOffset::ZERO,
        };
        assert_eq!(
            Locator::new(ARTICLE).settle(&anchor),
            Err(Orphan::EmptyQuote)
        );
    }
}

/// Passages from other tools: contexts of any length, ties, positions.
#[cfg(test)]
mod selector_tests {
    use super::*;
    use crate::annotations::QuoteSelector;
    use crate::document::CharOffset;
    use proptest::prelude::*;

    fn sel(exact: &str, prefix: &str, suffix: &str) -> QuoteSelector {
        QuoteSelector {
            exact: exact.into(),
            prefix: prefix.into(),
            suffix: suffix.into(),
            position: None,
        }
    }

    fn placed<'t>(text: &'t str, s: &QuoteSelector) -> Result<(usize, &'t str), Orphan> {
        Locator::for_import(text)
            .place_selector(s)
            .map(|p| (p.range.start, &text[p.range]))
    }

    #[test]
    fn a_short_suffix_picks_the_copy_it_follows() {
        let text = "Alpha beta comes first. Then Alpha beta gamma delta.";
        let second = text.rfind("Alpha beta").unwrap();
        assert_eq!(
            placed(text, &sel("Alpha beta", "", " gamma delta")),
            Ok((second, "Alpha beta"))
        );
        // A one-character prefix that only one copy has.
        assert_eq!(
            placed(text, &sel("Alpha beta", "n ", "")),
            Ok((second, "Alpha beta"))
        );
    }

    #[test]
    fn a_short_context_fitting_exactly_in_one_place_wins_over_a_longer_partial_fit() {
        let text = "xx one two yy. zz one two ww. one two";
        let at = text.find("zz one two").unwrap() + 3;
        assert_eq!(
            placed(text, &sel("one two", "z ", " w")),
            Ok((at, "one two"))
        );
    }

    #[test]
    fn copies_that_fit_equally_are_ambiguous_not_guessed() {
        let text = "say yes. say yes. say yes.";
        assert_eq!(
            placed(text, &sel("yes", "say ", ".")),
            Err(Orphan::Ambiguous)
        );
        assert_eq!(placed(text, &sel("yes", "", "")), Err(Orphan::Ambiguous));
    }

    #[test]
    fn a_position_on_the_quote_is_trusted_and_a_position_near_a_copy_breaks_a_tie() {
        let text = "say yes. say yes. say yes.";
        let third = text.rfind("yes").unwrap();
        let mut s = sel("yes", "say ", ".");
        s.position = Some(CharOffset::new(third)..CharOffset::new(third + 3));
        assert_eq!(placed(text, &s), Ok((third, "yes")));
        // Off by a few characters (another tool's coordinates): the nearest
        // of the equally fitting copies.
        s.position = Some(CharOffset::new(third - 2)..CharOffset::new(third + 1));
        assert_eq!(placed(text, &s), Ok((third, "yes")));
        // A position on other words is no more than a hint.
        let text = "the cat and the dog";
        let mut s = sel("dog", "", "");
        s.position = Some(CharOffset::new(4)..CharOffset::new(7));
        assert_eq!(placed(text, &s), Ok((16, "dog")));
    }

    #[test]
    fn the_stored_anchor_has_full_context_and_survives_a_later_edit() {
        let text = "First line of the article, long enough to have context.\n\n\
                    The one that matters is here, then the end of the text.";
        let s = sel("one that matters", "e ", " i");
        let settled = Locator::for_import(text).place_selector(&s).unwrap();
        let fresh = Anchor::from_range(text, settled.range.clone());
        assert_eq!(
            settled.anchor, fresh,
            "the anchor a highlight made in gloss has"
        );
        // An edit elsewhere in the article: re-anchored like any highlight.
        let edited = text.replace("First line", "A new first line");
        let moved = Locator::new(&edited).settle(&settled.anchor).unwrap();
        assert_eq!(&edited[moved.range], "one that matters");
    }

    #[test]
    fn a_near_copy_without_context_is_not_taken_for_the_quote() {
        let text = "See Pull Requests for more. Reviewing Pull Requests is next.";
        assert_eq!(
            placed(text, &sel("pull request", "", "")),
            Err(Orphan::Gone)
        );
        // With its context next to it, an edited passage is found.
        let text = "Before the text, the committee decided to fund the new library wing today.";
        let got = placed(
            text,
            &sel(
                "decided to fund the new libary wing",
                "committee ",
                " today",
            ),
        );
        assert_eq!(got.map(|p| p.1), Ok("decided to fund the new library wing"));
    }

    #[test]
    fn a_short_quote_found_once_in_other_words_is_not_taken() {
        let text = "nothing to see there";
        assert_eq!(placed(text, &sel("the", "by ", " way")), Err(Orphan::Gone));
        assert_eq!(placed(text, &sel("the", "", "")), Ok((15, "the")));
        assert_eq!(placed(text, &sel("the", "see ", "")), Ok((15, "the")));
    }

    #[test]
    fn a_huge_quote_is_placed_exactly_or_orphaned_without_an_approximate_search() {
        let quote = "lorem ipsum dolor ".repeat(60_000);
        let text = format!("Intro. {quote} outro.");
        assert_eq!(
            placed(&text, &sel(&quote, "Intro. ", "")).map(|p| p.0),
            Ok(7)
        );
        let missing = format!("{quote}!");
        assert_eq!(placed(&text, &sel(&missing, "", "")), Err(Orphan::Gone));
    }

    /// Up to `n` characters of `text` ending at byte `at` / starting at `at`.
    fn before(text: &str, at: usize, n: usize) -> &str {
        let head = &text[..at];
        let from = head
            .char_indices()
            .rev()
            .nth(n.saturating_sub(1))
            .map_or(0, |(i, _)| i);
        if n == 0 { "" } else { &head[from..] }
    }

    fn after(text: &str, at: usize, n: usize) -> &str {
        let tail = &text[at..];
        let to = tail.char_indices().nth(n).map_or(tail.len(), |(i, _)| i);
        &tail[..to]
    }

    /// Start of every copy of `quote` with exactly this context around it.
    fn fitting(text: &str, quote: &str, prefix: &str, suffix: &str) -> Vec<usize> {
        let mut out = Vec::new();
        let mut from = 0;
        while let Some(p) = text[from..].find(quote) {
            let s = from + p;
            if text[..s].ends_with(prefix) && text[s + quote.len()..].starts_with(suffix) {
                out.push(s);
            }
            from = s + 1;
        }
        out
    }

    fn document() -> impl Strategy<Value = (Vec<&'static str>, prop::sample::Index, usize)> {
        let words = prop::collection::vec(
            prop::sample::select(vec!["alpha", "beta", "gamma", "d\u{e9}lta", "beta."]),
            4..120,
        );
        (words, any::<prop::sample::Index>(), 1..4usize)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        /// A selector with the shortest unique context (as Apache Annotator
        /// makes) and one with 32 characters (as Hypothesis makes) land on
        /// the occurrence they were made from, every time; a 32-character
        /// context that fits several copies equally is an orphan, never
        /// another copy.
        #[test]
        fn selectors_land_on_their_own_occurrence((words, pick, len) in document()) {
            let text = words.join(" ");
            let starts: Vec<usize> = std::iter::once(0)
                .chain(text.match_indices(' ').map(|(i, _)| i + 1))
                .collect();
            let first = pick.index(starts.len());
            let last = (first + len).min(starts.len());
            let start = starts[first];
            let end = starts.get(last).map_or(text.len(), |s| s - 1);
            let quote = &text[start..end];

            // Shortest unique context, growing both sides together.
            let total = text.chars().count();
            let unique = (0..=total).find(|&n| {
                fitting(&text, quote, before(&text, start, n), after(&text, end, n)) == [start]
            });
            if let Some(n) = unique {
                let s = sel(quote, before(&text, start, n), after(&text, end, n));
                prop_assert_eq!(placed(&text, &s), Ok((start, quote)));
            }

            let s = sel(quote, before(&text, start, 32), after(&text, end, 32));
            let copies = fitting(&text, quote, &s.prefix, &s.suffix);
            let got = placed(&text, &s);
            if copies == [start] {
                prop_assert_eq!(got, Ok((start, quote)));
            } else {
                prop_assert_eq!(got, Err(Orphan::Ambiguous));
            }
            // With the position too (in characters): always its own copy.
            let mut s = s;
            let index = crate::annotations::CharIndex::new(&text);
            s.position = Some(index.char_of(start)..index.char_of(end));
            prop_assert_eq!(placed(&text, &s), Ok((start, quote)));
        }
    }
}
