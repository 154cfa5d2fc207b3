//! Finding a highlighted passage again after the article changed.
//!
//! The strategy follows the one Hypothesis uses for web annotations, made
//! stricter so a highlight is orphaned rather than moved onto other text.
//! Steps, first success wins:
//!
//! 1. the stored offsets, if the quote and both sides of its context are
//!    still there;
//! 2. the quote with its whole stored prefix or whole suffix next to it:
//!    candidates fitting on both sides first, then the one whose other side
//!    agrees furthest, then the best context similarity and closeness;
//! 3. the stored prefix and suffix still standing near the old place around
//!    other text: the passage was edited where it is, so it may only be placed
//!    between them (exactly, or approximately, see below), else orphaned;
//! 4. every exact occurrence of the quote, scored by similarity of the text
//!    around it to the stored prefix and suffix (edit distance) and by
//!    closeness to the old offset. The best is taken only when it is
//!    convincing: context at least half the same on one side and clearly
//!    better than the runner-up, or the quote is distinctive (at least
//!    [`MIN_FUZZY_CHARS`] long and occurring once). A deleted "the" is not
//!    moved to another "the";
//! 5. only when the quote occurs nowhere: an approximate match (edit distance
//!    at most a fifth of the quote), first near the old offset, then as widely
//!    as a fixed work budget allows, accepted only for quotes of at least
//!    [`MIN_FUZZY_CHARS`] characters, at least 80% similar, with the context
//!    on one side at least half the same.
//!
//! So a highlight is never placed on text different from its quote unless
//! that text is at least 80% similar to it and sits where the passage was
//! (step 3) or where its context is (step 5). When an edited passage has an
//! identical copy elsewhere, the highlight may move to that copy: it then
//! marks the same words.
//!
//! This module is the search; what a found passage means for the stored
//! anchor and for what is drawn is decided in one place, [`Locator::settle`]
//! (`placement.rs`).
//!
//! Ranges returned are BYTE ranges of the canonical text; anchors hold
//! CHARACTER offsets.

use crate::document::{CharOffset, floor_char_boundary};
use std::cell::Cell;
use std::ops::Range;

use super::Anchor;
use super::anchor::{CONTEXT_CHARS, CharIndex, context_after, context_before};
use super::fuzzy::{Columns, Pattern, edit_distance, prefix_distance};

/// Quotes shorter than this (in characters) are only ever found exactly: a
/// few letters are too easily "similar" to unrelated text.
pub const MIN_FUZZY_CHARS: usize = 10;

/// Minimum similarity (1 - distance / length) of an approximate match.
const MIN_QUOTE_SIMILARITY: f64 = 0.8;

/// Minimum similarity of the better side of the context for a match that is
/// not confirmed otherwise.
const MIN_CONTEXT_SIMILARITY: f64 = 0.5;

/// Context similarity (average of both sides) above which an exact
/// occurrence is taken without looking for approximate ones.
const CONFIDENT_CONTEXT: f64 = 0.9;

/// Weight of closeness to the old position in a candidate's score; context
/// and quote similarity weigh 1 each.
const POSITION_WEIGHT: f64 = 0.5;

/// How much better than the runner-up an exact occurrence must score to be
/// taken when its context is not conclusive: copies that fit about equally
/// well make the highlight an orphan rather than a guess.
const AMBIGUITY_MARGIN: f64 = 0.25;

/// Words (64-bit steps) an approximate search may spend on one highlight,
/// beyond the window near its old place: about 50 ms.
const WIDE_BUDGET: usize = 40_000_000;

/// Words all the wide searches of one [`Locator`] may spend together, so a
/// rewritten article with hundreds of orphans still opens in well under a
/// second.
const WIDE_TOTAL: usize = 200_000_000;

/// How many chars around the expected place the first approximate search
/// covers, in addition to a few quote lengths.
const NEAR_CHARS: usize = 4096;

/// How many exact occurrences are scored in full (the rest only cheaply).
const FULL_SCORED: usize = 16;

/// Stop collecting exact occurrences past this many (a one-letter quote in a
/// huge text).
const MAX_OCCURRENCES: usize = 200_000;

/// How a highlight was found, which decides what may be written back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlacementKind {
    /// At its stored offsets, unchanged.
    Stored,
    /// An exact occurrence of the quote somewhere else.
    Exact,
    /// An approximate match: the passage was edited.
    Fuzzy,
}

/// Where the search found a passage (before the policy in
/// [`super::placement`] decides what is drawn and stored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Placement {
    /// Byte range in the canonical text.
    pub(super) range: Range<usize>,
    /// How it was found.
    pub(super) kind: PlacementKind,
}

/// Why a passage could not be placed: the highlight becomes an orphan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Orphan {
    /// The stored quote is empty: there is nothing to look for.
    EmptyQuote,
    /// The text around the passage is where it was, but what stands between
    /// is no longer like the quote: the passage was rewritten.
    Rewritten,
    /// The quote occurs more than once and no copy fits the stored context
    /// clearly better than the others: a guess could mark other words.
    Ambiguous,
    /// The quote is nowhere in the text, exactly or (when it is long enough
    /// to be matched approximately) nearly.
    Gone,
}

impl Orphan {
    /// Why, in words, for messages (an import names each orphan with it).
    pub fn reason(self) -> &'static str {
        match self {
            Orphan::EmptyQuote => "it quotes no text",
            Orphan::Rewritten => "the passage was rewritten",
            Orphan::Ambiguous => {
                "the quote occurs more than once and its context fits no copy better than another"
            }
            Orphan::Gone => "the quote is not in the article",
        }
    }
}

/// One text prepared for placing many anchors in it.
pub struct Locator<'a> {
    pub(super) text: &'a str,
    pub(super) index: CharIndex<'a>,
    wide_left: Cell<usize>,
    /// True for passages described by other tools: a context shorter than
    /// [`CONTEXT_CHARS`] is just short (Apache Annotator keeps the shortest
    /// unique one), not a sign that the quote touched the text's edge.
    partial_context: bool,
    /// Occurrences of the quotes an import will place, found in one pass
    /// ([`Locator::for_import_of`]); quotes not in it are searched for.
    quotes: super::quote_index::QuoteIndex,
}

/// A passage as another tool describes it (a W3C `TextQuoteSelector`, maybe
/// with a `TextPositionSelector`), to be placed once on import.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QuoteSelector {
    /// The exact text.
    pub exact: String,
    /// Text right before it, of any length (empty: none given).
    pub prefix: String,
    /// Text right after it, of any length (empty: none given).
    pub suffix: String,
    /// Where the tool says it is, in CHARACTERS of this text; a hint that
    /// counts only where it agrees with the quote.
    pub position: Option<Range<CharOffset>>,
}

/// Quotes longer than this are only placed exactly on import: an approximate
/// search costs time in proportion to the quote's length times the text's.
const MAX_IMPORT_FUZZY_CHARS: usize = 2_000;

/// A candidate placement with the evidence for it.
#[derive(Debug, Clone)]
struct Candidate {
    range: Range<usize>,
    quote_similarity: f64,
    prefix_similarity: f64,
    suffix_similarity: f64,
    closeness: f64,
}

impl Candidate {
    fn score(&self) -> f64 {
        self.quote_similarity
            + self.prefix_similarity
            + self.suffix_similarity
            + POSITION_WEIGHT * self.closeness
    }

    fn context(&self) -> f64 {
        (self.prefix_similarity + self.suffix_similarity) / 2.0
    }

    fn context_supports(&self) -> bool {
        self.prefix_similarity.max(self.suffix_similarity) >= MIN_CONTEXT_SIMILARITY
    }
}

impl<'a> Locator<'a> {
    /// Indexes the text once (a single pass).
    pub fn new(text: &'a str) -> Self {
        Self {
            text,
            index: CharIndex::new(text),
            wide_left: Cell::new(WIDE_TOTAL),
            partial_context: false,
            quotes: Default::default(),
        }
    }

    /// A locator for passages from other tools (see
    /// [`Locator::place_selector`](super::Locator::place_selector)).
    pub fn for_import(text: &'a str) -> Self {
        Self {
            partial_context: true,
            ..Self::new(text)
        }
    }

    /// [`Locator::for_import`] for placing many passages whose quotes are
    /// known up front: every quote is found in one pass over the text.
    pub fn for_import_of<'q>(text: &'a str, quotes: impl IntoIterator<Item = &'q str>) -> Self {
        Self {
            quotes: super::quote_index::QuoteIndex::build(text, quotes, MAX_OCCURRENCES),
            ..Self::for_import(text)
        }
    }

    /// Finds a passage another tool described. In order:
    ///
    /// 1. a position that selects exactly the quote is trusted;
    /// 2. every exact occurrence of the quote is scored by how many
    ///    characters of the given prefix and suffix match next to it (a
    ///    context counts only as far as it goes, whatever its length); the
    ///    single best wins. Copies scoring the same are told apart only by a
    ///    position strictly nearer to one of them; otherwise the passage is
    ///    [`Orphan::Ambiguous`], never placed on one by chance. A single copy
    ///    with less than half of either side of its given context is taken
    ///    only when the quote is long enough to be distinctive;
    /// 3. when the quote occurs nowhere, an approximate match as in step 5 of
    ///    the stored-anchor search (quotes of [`MIN_FUZZY_CHARS`] to a few
    ///    thousand characters).
    pub(super) fn search_selector(&self, sel: &QuoteSelector) -> Result<Placement, Orphan> {
        let quote = sel.exact.as_str();
        if quote.is_empty() {
            return Err(Orphan::EmptyQuote);
        }
        let hint = sel
            .position
            .as_ref()
            .map(|r| self.index.byte_of(r.start)..self.index.byte_of(r.end));
        if let Some(h) = &hint
            && self.text.get(h.clone()) == Some(quote)
        {
            return Ok(Placement {
                range: h.clone(),
                kind: PlacementKind::Stored,
            });
        }
        let prefix: Vec<char> = sel.prefix.chars().collect();
        let suffix: Vec<char> = sel.suffix.chars().collect();
        let mut best = 0;
        let mut tied: Vec<usize> = Vec::new();
        let mut count = 0;
        let mut score_at = |start: usize| {
            let end = start + quote.len();
            let score = common_suffix_len(&prefix, &self.text[..start])
                + common_prefix_len(&suffix, &self.text[end..]);
            if score > best || tied.is_empty() {
                best = score;
                tied.clear();
            }
            if score == best {
                tied.push(start);
            }
            count += 1;
        };
        if let Some(starts) = self.quotes.get(quote) {
            starts.iter().for_each(|&s| score_at(s));
        } else {
            let mut from = 0;
            let mut scanned = 0;
            while let Some(pos) = self.text.get(from..).and_then(|rest| rest.find(quote)) {
                let start = from + pos;
                score_at(start);
                scanned += 1;
                if scanned >= MAX_OCCURRENCES {
                    break;
                }
                from = start + self.text[start..].chars().next().map_or(1, char::len_utf8);
            }
        }
        let quote_chars = quote.chars().count();
        if count == 0 {
            if !(MIN_FUZZY_CHARS..=MAX_IMPORT_FUZZY_CHARS).contains(&quote_chars) {
                return Err(Orphan::Gone);
            }
            let anchor = Anchor {
                quote: sel.exact.clone(),
                prefix: sel.prefix.clone(),
                suffix: sel.suffix.clone(),
                start: sel.position.as_ref().map_or(CharOffset::ZERO, |r| r.start),
                end: sel.position.as_ref().map_or(CharOffset::ZERO, |r| r.end),
            };
            let chars: Vec<char> = quote.chars().collect();
            let expected = hint.map_or(0, |h| h.start);
            return self
                .fuzzy_candidate(&anchor, &chars, expected)
                .map(|c| Placement {
                    range: c.range,
                    kind: PlacementKind::Fuzzy,
                })
                .ok_or(Orphan::Gone);
        }
        let chosen = match tied.as_slice() {
            [only] => Some(*only),
            _ => hint.and_then(|h| {
                let mut by_distance: Vec<(usize, usize)> =
                    tied.iter().map(|&s| (s.abs_diff(h.start), s)).collect();
                by_distance.sort_unstable();
                match by_distance.as_slice() {
                    [(d1, s), (d2, _), ..] if d1 < d2 => Some(*s),
                    _ => None,
                }
            }),
        };
        let Some(start) = chosen else {
            return Err(Orphan::Ambiguous);
        };
        if count == 1 && quote_chars < MIN_FUZZY_CHARS && !(prefix.is_empty() && suffix.is_empty())
        {
            // One short copy: taken when at least half of one side of the
            // given context is next to it, else it stands in other words.
            let before = common_suffix_len(&prefix, &self.text[..start]);
            let after = common_prefix_len(&suffix, &self.text[start + quote.len()..]);
            let half = |got: usize, given: usize| given > 0 && 2 * got >= given;
            if !half(before, prefix.len()) && !half(after, suffix.len()) {
                return Err(Orphan::Gone);
            }
        }
        Ok(Placement {
            range: start..start + quote.len(),
            kind: PlacementKind::Exact,
        })
    }

    /// Converts a byte offset of this text to a character offset.
    pub fn char_of(&self, byte: usize) -> CharOffset {
        self.index.char_of(byte)
    }

    /// Finds where `anchor` is now; see the module documentation. The
    /// policy built on it is [`Locator::settle`].
    pub(super) fn search(&self, anchor: &Anchor) -> Result<Placement, Orphan> {
        let quote = anchor.quote.as_str();
        if quote.is_empty() {
            return Err(Orphan::EmptyQuote);
        }
        let expected = self.index.byte_of(anchor.start);
        if let Some(range) = self.at_stored_offsets(anchor, expected) {
            return Ok(Placement {
                range,
                kind: PlacementKind::Stored,
            });
        }

        if let Some(range) = self.with_one_side(anchor, expected) {
            return Ok(Placement {
                range,
                kind: PlacementKind::Exact,
            });
        }
        let quote_chars: Vec<char> = quote.chars().collect();
        if let Some(region) = self.bracket(anchor, expected) {
            return self
                .place_within(anchor, &quote_chars, region, expected)
                .ok_or(Orphan::Rewritten);
        }
        // Exact occurrences near the old place first: a confident one there
        // saves scanning a long text.
        let near = 2 * quote.len() + NEAR_CHARS;
        let near_window = self.window(expected, near, near + quote.len());
        let nearby = self.exact_candidates(anchor, expected, near_window);
        let exact = match nearby.first() {
            Some(top) if top.context() >= CONFIDENT_CONTEXT => nearby,
            _ => self.exact_candidates(anchor, expected, 0..self.text.len()),
        };
        if let Some(top) = exact.first() {
            let distinctive = exact.len() == 1 && quote_chars.len() >= MIN_FUZZY_CHARS;
            // Among several copies, only a clear winner is taken.
            let clear = exact
                .get(1)
                .is_none_or(|second| top.score() - second.score() >= AMBIGUITY_MARGIN);
            let convincing = top.context() >= CONFIDENT_CONTEXT
                || (top.context_supports() && clear)
                || distinctive;
            // With copies of the quote around, a near-copy is more likely a
            // different passage than the edited one: no approximate search.
            return if convincing {
                Ok(Placement {
                    range: top.range.clone(),
                    kind: PlacementKind::Exact,
                })
            } else if exact.len() > 1 {
                Err(Orphan::Ambiguous)
            } else {
                // One short copy with unlike context: not the passage.
                Err(Orphan::Gone)
            };
        }
        if quote_chars.len() < MIN_FUZZY_CHARS {
            return Err(Orphan::Gone);
        }
        self.fuzzy_candidate(anchor, &quote_chars, expected)
            .map(|c| Placement {
                range: c.range,
                kind: PlacementKind::Fuzzy,
            })
            .ok_or(Orphan::Gone)
    }

    /// Step 1: the quote is still at its offsets with its context unchanged
    /// on both sides. An anchor with no context at all (written by hand or
    /// by a tool that keeps none) has nothing to contradict: the quote at its
    /// own offsets is all the evidence there can be.
    fn at_stored_offsets(&self, anchor: &Anchor, start: usize) -> Option<Range<usize>> {
        let end = start.checked_add(anchor.quote.len())?;
        if self.text.get(start..end)? != anchor.quote {
            return None;
        }
        let no_context = anchor.prefix.is_empty() && anchor.suffix.is_empty();
        (no_context || self.sides_fitting(anchor, start, end) == 2).then_some(start..end)
    }

    /// Step 2: the quote together with its whole prefix or whole suffix,
    /// nearest the old place (looking near it first): the passage moved with
    /// at least one side of its surroundings.
    fn with_one_side(&self, anchor: &Anchor, expected: usize) -> Option<Range<usize>> {
        let quote = anchor.quote.as_str();
        let near = 2 * quote.len() + NEAR_CHARS;
        let sides = [
            (format!("{}{quote}", anchor.prefix), anchor.prefix.len()),
            (format!("{quote}{}", anchor.suffix), 0),
        ];
        let near_window = self.window(expected, near + anchor.prefix.len(), near + quote.len());
        for window in [near_window, 0..self.text.len()] {
            let mut found: Vec<(usize, usize)> = sides
                .iter()
                .flat_map(|(needle, skip)| {
                    occurrences(self.text, window.clone(), needle)
                        .into_iter()
                        .map(move |at| at + skip)
                })
                .map(|start| {
                    let sides = self.sides_fitting(anchor, start, start + quote.len());
                    (2 - sides, start)
                })
                .filter(|&(missing, _)| missing < 2)
                .collect();
            found.sort_by_key(|&(missing, start)| (missing, start.abs_diff(expected)));
            found.dedup();
            // Among those fitting on as many sides, the one whose other side
            // agrees furthest wins, then the best context overall.
            let prefix: Vec<char> = anchor.prefix.chars().collect();
            let suffix: Vec<char> = anchor.suffix.chars().collect();
            let best = found
                .iter()
                .take(FULL_SCORED)
                .map(|&(missing, start)| {
                    let end = start + quote.len();
                    let agree = common_suffix_len(&prefix, &self.text[..start])
                        + common_prefix_len(&suffix, &self.text[end..]);
                    (
                        missing,
                        agree,
                        self.candidate(anchor, start..end, 1.0, expected),
                    )
                })
                .min_by(|(ma, ga, a), (mb, gb, b)| {
                    ma.cmp(mb)
                        .then(gb.cmp(ga))
                        .then(b.score().total_cmp(&a.score()))
                })
                .map(|(_, _, c)| c.range.start);
            if let Some(start) = best {
                return Some(start..start + quote.len());
            }
        }
        None
    }

    /// On how many sides (0 to 2) the stored context around `start..end` is
    /// exactly the text's.
    fn sides_fitting(&self, anchor: &Anchor, start: usize, end: usize) -> usize {
        usize::from(context_before(self.text, start) == anchor.prefix)
            + usize::from(context_after(self.text, end) == anchor.suffix)
    }

    /// Step 3: the stored prefix and suffix still stand near the old place,
    /// around text that is not just the quote: the passage was edited where
    /// it is (or text was added next to it). The returned region lies between
    /// the two; the highlight may go only there. A context shorter than
    /// [`CONTEXT_CHARS`] must still touch the text's start or end, as it did.
    fn bracket(&self, anchor: &Anchor, expected: usize) -> Option<Range<usize>> {
        let prefix = anchor.prefix.as_str();
        let suffix = anchor.suffix.as_str();
        let max_gap = 2 * anchor.quote.len() + 64;
        let starts: Vec<usize> = if prefix.chars().count() >= CONTEXT_CHARS {
            let near = 2 * anchor.quote.len() + NEAR_CHARS;
            let window = self.window(expected, near + prefix.len(), near);
            occurrences(self.text, window, prefix)
                .into_iter()
                .map(|s| s + prefix.len())
                .collect()
        } else if self.text.starts_with(prefix) {
            vec![prefix.len()]
        } else {
            Vec::new()
        };
        let mut best: Option<Range<usize>> = None;
        for start in starts {
            let end = if suffix.chars().count() >= CONTEXT_CHARS {
                let limit = floor_char_boundary(self.text, start + max_gap + suffix.len());
                self.text
                    .get(start..limit)
                    .and_then(|gap| gap.find(suffix))
                    .map(|q| start + q)
            } else {
                let q = self.text.len().saturating_sub(suffix.len());
                (self.text.ends_with(suffix) && q >= start && q - start <= max_gap).then_some(q)
            };
            if let Some(end) = end
                && best
                    .as_ref()
                    .is_none_or(|b| start.abs_diff(expected) < b.start.abs_diff(expected))
            {
                best = Some(start..end);
            }
        }
        best
    }

    /// Places the quote inside a bracketed region: exactly if it is there,
    /// else the whole region or the best part of it if similar enough, else
    /// nowhere.
    fn place_within(
        &self,
        anchor: &Anchor,
        quote: &[char],
        region: Range<usize>,
        expected: usize,
    ) -> Option<Placement> {
        let text = self.text.get(region.clone())?;
        if let Some(at) = text.find(anchor.quote.as_str()) {
            let start = region.start + at;
            return Some(Placement {
                range: start..start + anchor.quote.len(),
                kind: PlacementKind::Exact,
            });
        }
        if quote.len() < MIN_FUZZY_CHARS {
            return None;
        }
        let pattern = Pattern::new(quote);
        let max_distance = max_distance(quote.len());
        let mut columns = Columns::new(&pattern, true);
        let mut whole = quote.len();
        for c in text.chars() {
            whole = columns.step(c);
        }
        if whole <= max_distance {
            return Some(Placement {
                range: region,
                kind: PlacementKind::Fuzzy,
            });
        }
        let reversed_quote: Vec<char> = quote.iter().rev().copied().collect();
        let reversed = Pattern::new(&reversed_quote);
        self.match_ends(&pattern, max_distance, region.clone(), expected)
            .into_iter()
            .filter_map(|(_, end)| {
                let (start, distance) =
                    self.match_start(&reversed, end, max_distance, region.start)?;
                (distance <= max_distance).then_some((distance, start, end))
            })
            .min()
            .map(|(_, start, end)| Placement {
                range: start..end,
                kind: PlacementKind::Fuzzy,
            })
    }

    /// Step 4: every exact occurrence, best first (only the best few are fully
    /// scored; the list is empty when the quote does not occur).
    fn exact_candidates(
        &self,
        anchor: &Anchor,
        expected: usize,
        window: Range<usize>,
    ) -> Vec<Candidate> {
        let quote = anchor.quote.as_str();
        let haystack = self.text.get(window.clone()).unwrap_or("");
        let prefix: Vec<char> = anchor.prefix.chars().collect();
        let suffix: Vec<char> = anchor.suffix.chars().collect();
        // (cheap score, distance, start)
        let mut found: Vec<(usize, usize, usize)> = Vec::new();
        let mut from = 0;
        while let Some(pos) = haystack.get(from..).and_then(|rest| rest.find(quote)) {
            let start = window.start + from + pos;
            let end = start + quote.len();
            let cheap = common_suffix_len(&prefix, &self.text[..start])
                + common_prefix_len(&suffix, &self.text[end..]);
            found.push((cheap, start.abs_diff(expected), start));
            if found.len() >= MAX_OCCURRENCES {
                break;
            }
            let step = self.text[start..].chars().next().map_or(1, char::len_utf8);
            from = start + step - window.start;
        }
        // Fully score the best by cheap score, and the nearest ones.
        found.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut chosen: Vec<usize> = found.iter().take(FULL_SCORED).map(|f| f.2).collect();
        found.sort_by_key(|f| f.1);
        chosen.extend(found.iter().take(FULL_SCORED / 4).map(|f| f.2));
        chosen.sort_unstable();
        chosen.dedup();
        let mut candidates: Vec<Candidate> = chosen
            .into_iter()
            .map(|start| self.candidate(anchor, start..start + quote.len(), 1.0, expected))
            .collect();
        candidates.sort_by(|a, b| b.score().total_cmp(&a.score()));
        // More than one occurrence always yields more than one candidate (the
        // best few are all kept), so the caller can tell a unique quote by
        // the length.
        candidates
    }

    /// Scores a candidate range against the anchor's context and position.
    fn candidate(
        &self,
        anchor: &Anchor,
        range: Range<usize>,
        quote_similarity: f64,
        expected: usize,
    ) -> Candidate {
        let before: Vec<char> = self.text[..range.start]
            .chars()
            .rev()
            .take((anchor.prefix.chars().count() * 3 / 2 + 4).max(CONTEXT_CHARS))
            .collect();
        let after: Vec<char> = self.text[range.end..]
            .chars()
            .take((anchor.suffix.chars().count() * 3 / 2 + 4).max(CONTEXT_CHARS))
            .collect();
        let prefix_rev: Vec<char> = anchor.prefix.chars().rev().collect();
        let suffix: Vec<char> = anchor.suffix.chars().collect();
        let span = self.text.len().max(1) as f64;
        Candidate {
            prefix_similarity: context_similarity(&prefix_rev, &before, self.partial_context),
            suffix_similarity: context_similarity(&suffix, &after, self.partial_context),
            closeness: 1.0 - (range.start.abs_diff(expected) as f64 / span).min(1.0),
            quote_similarity,
            range,
        }
    }

    /// Step 5: the best acceptable approximate match, near the old place
    /// first, then as widely as the budget allows.
    fn fuzzy_candidate(
        &self,
        anchor: &Anchor,
        quote: &[char],
        expected: usize,
    ) -> Option<Candidate> {
        let pattern = Pattern::new(quote);
        let max_distance = ((quote.len() as f64) * (1.0 - MIN_QUOTE_SIMILARITY)).floor() as usize;
        let quote_bytes = anchor.quote.len();
        let near = 2 * quote_bytes + NEAR_CHARS;
        let near_window = self.window(expected, near, near + quote_bytes);
        if let Some(found) = self.fuzzy_in(
            anchor,
            &pattern,
            max_distance,
            near_window.clone(),
            expected,
        ) {
            return Some(found);
        }
        let budget = WIDE_BUDGET.min(self.wide_left.get());
        let radius = budget / pattern.blocks() / 2;
        let wide = self.window(expected, radius, radius + quote_bytes);
        if wide.len() <= near_window.len() {
            return None;
        }
        let cost = wide.len().saturating_mul(pattern.blocks());
        self.wide_left
            .set(self.wide_left.get().saturating_sub(cost));
        self.fuzzy_in(anchor, &pattern, max_distance, wide, expected)
    }

    /// A byte window around `at`, on char boundaries.
    fn window(&self, at: usize, before: usize, after: usize) -> Range<usize> {
        let start = floor_char_boundary(self.text, at.saturating_sub(before));
        let end = floor_char_boundary(self.text, at.saturating_add(after));
        start..end
    }

    fn fuzzy_in(
        &self,
        anchor: &Anchor,
        pattern: &Pattern,
        max_distance: usize,
        window: Range<usize>,
        expected: usize,
    ) -> Option<Candidate> {
        let ends = self.match_ends(pattern, max_distance, window.clone(), expected);
        let m = pattern.len();
        let reversed_quote: Vec<char> = anchor.quote.chars().rev().collect();
        let reversed = Pattern::new(&reversed_quote);
        let mut best: Option<Candidate> = None;
        for (_, end) in ends {
            let Some((start, distance)) =
                self.match_start(&reversed, end, max_distance, window.start)
            else {
                continue;
            };
            let similarity = 1.0 - distance as f64 / m as f64;
            if similarity + 1e-9 < MIN_QUOTE_SIMILARITY {
                continue;
            }
            let candidate = self.candidate(anchor, start..end, similarity, expected);
            if !candidate.context_supports() {
                continue;
            }
            if best.as_ref().is_none_or(|b| candidate.score() > b.score()) {
                best = Some(candidate);
            }
        }
        best
    }

    /// Ends (byte offsets) of the best approximate matches in `window`: the
    /// lowest distance within each run of acceptable positions, at most a few
    /// dozen, best and nearest first.
    fn match_ends(
        &self,
        pattern: &Pattern,
        max_distance: usize,
        window: Range<usize>,
        expected: usize,
    ) -> Vec<(usize, usize)> {
        const KEEP: usize = 16;
        let mut columns = Columns::new(pattern, false);
        let mut ends: Vec<(usize, usize)> = Vec::new();
        let mut run: Option<(usize, usize)> = None;
        let slice = self.text.get(window.clone()).unwrap_or("");
        let rank = |e: &(usize, usize)| (e.0, e.1.abs_diff(expected));
        for (i, c) in slice.char_indices() {
            let score = columns.step(c);
            let end = window.start + i + c.len_utf8();
            if score <= max_distance {
                match run {
                    Some((best, _)) if best <= score => {}
                    _ => run = Some((score, end)),
                }
            } else if let Some(done) = run.take() {
                ends.push(done);
                if ends.len() > 8 * KEEP {
                    ends.sort_by_key(rank);
                    ends.truncate(KEEP);
                }
            }
        }
        ends.extend(run);
        ends.sort_by_key(rank);
        ends.truncate(KEEP);
        ends
    }

    /// Start of the best match ending at byte `end`, and its distance: the
    /// reversed quote is matched globally against the text read backwards
    /// from `end` (never before `floor`).
    fn match_start(
        &self,
        reversed: &Pattern,
        end: usize,
        max_distance: usize,
        floor: usize,
    ) -> Option<(usize, usize)> {
        let head = self.text.get(floor..end)?;
        let m = reversed.len();
        let mut columns = Columns::new(reversed, true);
        // (distance, difference from the quote's length, start)
        let mut best: Option<(usize, usize, usize)> = None;
        let mut start = end;
        for (j, c) in head.chars().rev().take(m + max_distance).enumerate() {
            let score = columns.step(c);
            start -= c.len_utf8();
            let key = (score, (j + 1).abs_diff(m));
            if best.is_none_or(|b| key < (b.0, b.1)) {
                best = Some((key.0, key.1, start));
            }
        }
        best.map(|(distance, _, start)| (start, distance))
    }
}

/// The most edits an approximate match of a quote of `len` chars may have.
fn max_distance(len: usize) -> usize {
    ((len as f64) * (1.0 - MIN_QUOTE_SIMILARITY) + 1e-9).floor() as usize
}

/// Start offsets of every (possibly overlapping) occurrence of `needle`
/// within `window` of `text`.
fn occurrences(text: &str, window: Range<usize>, needle: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let Some(haystack) = text.get(window.clone()) else {
        return out;
    };
    let mut from = 0;
    while let Some(pos) = haystack.get(from..).and_then(|rest| rest.find(needle)) {
        let at = from + pos;
        out.push(window.start + at);
        from = at + haystack[at..].chars().next().map_or(1, char::len_utf8);
    }
    out
}

/// Similarity of stored context `stored` (read outward from the quote) to
/// the text next to a candidate `actual` (also read outward): 1 when equal, 0
/// when nothing matches. Empty stored context means the quote was at an end of
/// the text; it matches only a candidate that is too.
///
/// A complete context ([`CONTEXT_CHARS`] long) may have been shifted by an
/// edit, so it is compared with the nearby text allowing a cut-off end. A
/// shorter one ended at the text's edge, so it is compared with the whole
/// context the candidate has: a copy in the middle of the text fits badly.
/// With `partial` (a passage from another tool) any context may be short by
/// choice: it is compared like a complete one, and an empty one is no
/// evidence at all (0), so an approximate match needs given context next to
/// it (copies of "Pull Requests" are not a "pull request" by chance).
fn context_similarity(stored: &[char], actual: &[char], partial: bool) -> f64 {
    if stored.is_empty() {
        return if !partial && actual.is_empty() {
            1.0
        } else {
            0.0
        };
    }
    let distance = if partial || stored.len() >= CONTEXT_CHARS {
        prefix_distance(stored, actual)
    } else {
        let near = actual.get(..CONTEXT_CHARS).unwrap_or(actual);
        edit_distance(stored, near)
    };
    let longest = stored.len().max(1) as f64;
    1.0 - (distance as f64 / longest).min(1.0)
}

/// How many characters at the end of `stored` also end `text`.
fn common_suffix_len(stored: &[char], text: &str) -> usize {
    stored
        .iter()
        .rev()
        .zip(text.chars().rev())
        .take_while(|(a, b)| *a == b)
        .count()
}

/// How many characters at the start of `stored` also start `text`.
fn common_prefix_len(stored: &[char], text: &str) -> usize {
    stored
        .iter()
        .zip(text.chars())
        .take_while(|(a, b)| *a == b)
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotations::locate;
    use crate::annotations::testing::repetitive_text;

    const ARTICLE: &str = "The committee met on Tuesday to discuss the budget. \
        After a long debate, the members agreed to fund the new library wing, \
        while postponing the decision on the swimming pool until spring. \
        The mayor said the library would open next year.";

    fn anchor_for(text: &str, quote: &str) -> Anchor {
        let start = text.find(quote).unwrap();
        Anchor::from_range(text, start..start + quote.len())
    }

    fn located<'t>(text: &'t str, anchor: &Anchor) -> Option<&'t str> {
        locate(text, anchor).map(|r| &text[r])
    }

    #[test]
    fn unchanged_text_places_at_stored_offsets() {
        let a = anchor_for(ARTICLE, "fund the new library wing");
        let p = Locator::new(ARTICLE).search(&a).unwrap();
        assert_eq!(p.kind, PlacementKind::Stored);
        assert_eq!(&ARTICLE[p.range], "fund the new library wing");
    }

    #[test]
    fn text_inserted_before_moves_the_highlight() {
        let a = anchor_for(ARTICLE, "fund the new library wing");
        let edited = format!("BREAKING NEWS. {ARTICLE}");
        let p = Locator::new(&edited).search(&a).unwrap();
        assert_eq!(p.kind, PlacementKind::Exact);
        assert_eq!(&edited[p.range.clone()], "fund the new library wing");
        assert_eq!(p.range.start, edited.find("fund the").unwrap());
    }

    #[test]
    fn repeated_word_is_told_apart_by_context() {
        let text = "the library wing; later the library would open";
        let start = text.rfind("library").unwrap();
        let a = Anchor::from_range(text, start..start + 7);
        let edited = format!("Intro text here. {text}");
        let r = locate(&edited, &a).unwrap();
        assert_eq!(r.start, edited.rfind("library").unwrap());
    }

    #[test]
    fn small_edit_inside_is_found_fuzzily() {
        let a = anchor_for(ARTICLE, "postponing the decision on the swimming pool");
        let edited = ARTICLE.replace("swimming pool", "swiming pool");
        let p = Locator::new(&edited).search(&a).unwrap();
        assert_eq!(p.kind, PlacementKind::Fuzzy);
        assert_eq!(
            &edited[p.range],
            "postponing the decision on the swiming pool"
        );
    }

    #[test]
    fn deleted_passage_is_orphaned() {
        let a = anchor_for(ARTICLE, "postponing the decision on the swimming pool");
        let edited = ARTICLE.replace(
            "while postponing the decision on the swimming pool until spring. ",
            "",
        );
        assert_eq!(located(&edited, &a), None);
    }

    #[test]
    fn deleted_short_word_does_not_jump_to_another_copy() {
        let text = "alpha beta gamma delta the epsilon zeta eta theta iota kappa the lambda";
        let at = text.find("the epsilon").unwrap();
        let a = Anchor::from_range(text, at..at + "the".len());
        let edited = "alpha beta gamma delta epsilon zeta eta theta iota kappa the lambda";
        let got = locate(edited, &a);
        assert_eq!(got.clone(), None, "{:?}", got.map(|r| &edited[r]));
    }

    #[test]
    fn heavily_rewritten_passage_is_orphaned() {
        let a = anchor_for(ARTICLE, "the members agreed to fund the new library wing");
        let edited = ARTICLE.replace(
            "the members agreed to fund the new library wing",
            "nobody could agree on anything at all",
        );
        assert_eq!(located(&edited, &a), None);
    }

    /// In a long text shifted by a preface and cut in one place, every
    /// passage away from the cut is found on its own words (nearly all at
    /// exactly their shifted place; a few may sit on an identical copy), and
    /// a passage that exists nowhere is an orphan every time it is asked for,
    /// even after the wide searches' shared budget was spent.
    #[test]
    fn passages_in_a_long_shifted_text_are_found_and_a_missing_one_is_orphaned() {
        let text = repetitive_text(1_000_000);
        let mut anchors = Vec::new();
        for k in 0..300 {
            let start = floor_char_boundary(&text, (k * 3_331) % (text.len() - 200));
            let start = text[start..].find(' ').map_or(start, |p| start + p + 1);
            anchors.push((start, Anchor::from_range(&text, start..start + 60)));
        }
        let preface = "Preface. ";
        let cut = 500_000..500_010;
        let mut edited = format!("{preface}{text}");
        edited.replace_range(cut.start + preface.len()..cut.end + preface.len(), "");
        let locator = Locator::new(&edited);
        let (mut on_words, mut in_place, mut away) = (0, 0, 0);
        for (start, anchor) in &anchors {
            let end = start + 60;
            if end + CONTEXT_CHARS >= cut.start && *start <= cut.end + CONTEXT_CHARS {
                continue;
            }
            away += 1;
            let shifted = start + preface.len() - if *start > cut.start { cut.len() } else { 0 };
            let found = locator.search(anchor).map(|p| p.range);
            let Ok(range) = found else {
                panic!("{:?} not found", anchor.quote);
            };
            on_words += usize::from(edited[range.clone()] == anchor.quote);
            in_place += usize::from(range.start == shifted);
        }
        assert!(away > 290, "{away}");
        assert_eq!(on_words, away, "every passage on its own words");
        assert!(in_place * 100 >= away * 95, "{in_place} of {away}");
        let gone = Anchor {
            quote: "this passage no longer exists anywhere at all".into(),
            prefix: "nothing".into(),
            suffix: "nothing".into(),
            start: CharOffset::new(400_000),
            end: CharOffset::new(400_045),
        };
        for _ in 0..3 {
            assert_eq!(locator.search(&gone), Err(Orphan::Gone));
        }
    }
}
