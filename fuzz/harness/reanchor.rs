//! Target `reanchor`: highlights made on a text (or made up from the input)
//! are placed again after arbitrary edits of that text.
//!
//! What `gloss::annotations::reanchor` promises, and is checked here: a
//! placement is a range of the current text on char boundaries; a `Stored` or
//! `Exact` placement marks exactly the quote; a `Fuzzy` one marks text at
//! least 80% similar to it (edit distance at most a fifth of the quote's
//! characters). A highlight made on a text is found at its own range in that
//! same text. Re-anchoring a file never changes a quote or a note, and
//! orphans exactly the highlights that cannot be placed.

use std::ops::Range;

use arbitrary::{Arbitrary, Unstructured};
use chrono::{DateTime, Utc};
use gloss::annotations::{
    Anchor, AnnotationFile, ArticleRecord, CharIndex, Highlight, Locator, PlacementKind,
    SCHEMA_VERSION, locate, reanchor_all,
};
use gloss::document::{CharOffset, floor_char_boundary};

/// At most this many highlights and edits per input, so one run stays fast.
const MAX_HIGHLIGHTS: usize = 8;
const MAX_EDITS: usize = 4;

/// Largest quote x text product for which the edit distance is computed.
const MAX_DISTANCE_CELLS: usize = 4_000_000;

/// One case: a text, the highlights on it, and the edits made afterwards.
#[derive(Debug, Arbitrary)]
pub struct Case {
    text: String,
    highlights: Vec<Spec>,
    edits: Vec<Edit>,
}

/// A highlight as the app makes it (a selection of the text) or as a file
/// may hold it (anything at all).
#[derive(Debug, Arbitrary)]
enum Spec {
    Selection {
        start: u16,
        len: u16,
    },
    Stored {
        quote: String,
        prefix: String,
        suffix: String,
        start: u16,
        end: u16,
    },
}

/// Replaces `remove` bytes at `at` (both moved down to char boundaries) by
/// `insert`; `copy` instead inserts a slice of the text itself, so passages
/// get duplicated the way real edits duplicate them.
#[derive(Debug, Arbitrary)]
struct Edit {
    at: u16,
    remove: u8,
    insert: String,
    copy: Option<(u16, u8)>,
}

/// Runs one input; panics on a broken invariant.
pub fn run(data: &[u8]) {
    let Ok(case) = Case::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    check(&case);
}

fn check(case: &Case) {
    let original = case.text.as_str();
    let before = Locator::new(original);
    let mut anchors = Vec::new();
    for spec in case.highlights.iter().take(MAX_HIGHLIGHTS) {
        match *spec {
            Spec::Selection { start, len } => {
                let start = usize::from(start);
                let end = start + usize::from(len);
                let anchor = Anchor::from_range(original, start..end);
                let end = floor_char_boundary(original, end);
                let start = floor_char_boundary(original, start.min(end));
                assert_eq!(anchor.quote, original[start..end]);
                if !anchor.quote.is_empty() {
                    let placed = before.settle(&anchor).ok();
                    assert_eq!(
                        placed.map(|p| (p.range, p.kind)),
                        Some((start..end, PlacementKind::Stored)),
                        "a highlight is not found where it was made, in the unchanged text"
                    );
                }
                anchors.push(anchor);
            }
            Spec::Stored {
                ref quote,
                ref prefix,
                ref suffix,
                start,
                end,
            } => anchors.push(Anchor {
                quote: quote.clone(),
                prefix: prefix.clone(),
                suffix: suffix.clone(),
                start: CharOffset::new(usize::from(start)),
                end: CharOffset::new(usize::from(end)),
            }),
        }
    }

    let edited = apply_edits(original, &case.edits);
    let after = Locator::new(&edited);
    let mut placed = Vec::new();
    for anchor in &anchors {
        let placement = after.settle(anchor).ok();
        if let Some(p) = &placement {
            check_range(&edited, &p.range);
            let marked = &edited[p.range.clone()];
            match p.kind {
                PlacementKind::Stored | PlacementKind::Exact => assert_eq!(
                    marked, anchor.quote,
                    "an exact placement marks other text than the quote"
                ),
                // The policy widens an approximate match to whole words, so
                // the marked text may be longer than the match itself.
                PlacementKind::Fuzzy => check_similar_within_words(marked, &anchor.quote),
            }
        }
        assert_eq!(
            locate(&edited, anchor),
            placement.as_ref().map(|p| p.range.clone()),
            "locate and Locator::settle disagree"
        );
        placed.push(placement.is_some());
    }
    check_file(&edited, &anchors, &placed);
}

/// Re-anchoring a whole file keeps quotes and notes, orphans exactly the
/// highlights that were not placed, and leaves offsets inside the text.
fn check_file(text: &str, anchors: &[Anchor], placed: &[bool]) {
    let when = DateTime::<Utc>::from_timestamp(1_700_000_000, 0).unwrap_or_default();
    let mut file = AnnotationFile {
        version: SCHEMA_VERSION,
        article: ArticleRecord::default(),
        position: None,
        highlights: anchors
            .iter()
            .enumerate()
            .map(|(i, anchor)| Highlight {
                id: format!("h{i:02}").into(),
                created: when,
                updated: when,
                color: "yellow".into(),
                tags: Vec::new(),
                note: format!("note {i}"),
                orphaned: false,
                via: None,
                anchor: anchor.clone(),
            })
            .collect(),
    };
    let report = reanchor_all(text, &mut file);
    assert_eq!(
        file.highlights.len(),
        anchors.len(),
        "re-anchoring lost a highlight"
    );
    let len_chars = CharIndex::new(text).len_chars();
    for h in &file.highlights {
        let i: usize = h.id.as_str()[1..].parse().unwrap_or(usize::MAX);
        assert!(i < anchors.len(), "unknown highlight {}", h.id);
        assert_eq!(h.note, format!("note {i}"), "a note changed");
        assert_eq!(h.anchor.quote, anchors[i].quote, "a quote was rewritten");
        assert_eq!(
            h.orphaned, !placed[i],
            "orphaned flag disagrees with placement"
        );
        if !h.orphaned {
            assert!(
                h.anchor.start <= h.anchor.end && h.anchor.end <= len_chars,
                "offsets {}..{} outside a text of {len_chars} chars",
                h.anchor.start,
                h.anchor.end
            );
        }
    }
    assert_eq!(report.orphaned, placed.iter().filter(|p| !**p).count());
}

fn apply_edits(original: &str, edits: &[Edit]) -> String {
    let mut text = original.to_string();
    for edit in edits.iter().take(MAX_EDITS) {
        let at = floor_char_boundary(&text, usize::from(edit.at));
        let end = floor_char_boundary(&text, at + usize::from(edit.remove));
        let insert = match edit.copy {
            Some((from, len)) => {
                let from = floor_char_boundary(&text, usize::from(from));
                let to = floor_char_boundary(&text, from + usize::from(len));
                text[from..to].to_string()
            }
            None => edit.insert.clone(),
        };
        text.replace_range(at..end, &insert);
    }
    text
}

fn check_range(text: &str, range: &Range<usize>) {
    assert!(
        range.start <= range.end && range.end <= text.len(),
        "placement {range:?} outside a text of {} bytes",
        text.len()
    );
    assert!(
        text.is_char_boundary(range.start) && text.is_char_boundary(range.end),
        "placement {range:?} not on char boundaries"
    );
}

/// Like a plain edit-distance check for a match widened to whole words: some stretch of
/// the marked text must be within a fifth of the quote in edits (the edit
/// distance of the quote to its best-fitting substring of `marked`).
fn check_similar_within_words(marked: &str, quote: &str) {
    let text: Vec<char> = marked.chars().collect();
    let pattern: Vec<char> = quote.chars().collect();
    let limit = pattern.len() / 5;
    if text.len().saturating_mul(pattern.len()) > MAX_DISTANCE_CELLS {
        return;
    }
    // row[j]: distance of the pattern so far to the best substring ending at j.
    let mut row = vec![0usize; text.len() + 1];
    for (i, cp) in pattern.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, ct) in text.iter().enumerate() {
            let next = (diagonal + usize::from(cp != ct))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            diagonal = row[j + 1];
            row[j + 1] = next;
        }
    }
    let distance = row.iter().copied().min().unwrap_or(pattern.len());
    assert!(
        distance <= limit,
        "fuzzy placement {marked:?} holds nothing within {limit} edits of {quote:?} (best {distance})"
    );
}
