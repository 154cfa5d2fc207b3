//! Cursor motions over the canonical text: words, sentences and blocks.
//!
//! The reader pane has a word-sized cursor that moves like vim's (`w`, `b`, `e`,
//! `(`, `)`, `{`, `}`), selects a sentence (`s`) or a paragraph (`V`), and snaps
//! mouse drags to whole words. These functions hold that logic as pure functions
//! of the text (and, where structure matters, the blocks), so it can be tested
//! without a screen.
//!
//! Words and sentences are Unicode text segments (UAX #29, from the
//! `unicode-segmentation` crate). A *word* is a word segment holding at least
//! one alphanumeric character, so `don't`, `3.5` and `naïve` are single words,
//! punctuation and spaces are skipped, a hyphen splits `US-bound` in two, and
//! each CJK ideograph is a word of its own. Sentences follow UAX #29 too,
//! except that a sentence does not end after a common abbreviation (`e.g.`,
//! `i.e.`, `etc.`, `vs.`, `Mr.`, `Dr.`), dotted initials (`U.S.`, `J.`) or a
//! version (`v1.2.`); decimals (`3.5`, `1.95.0`) never ended one. A hard line
//! break ends a sentence, and a sentence never crosses a block boundary (a
//! heading is its own sentence).
//!
//! All offsets are byte offsets into the canonical text, on `char` boundaries.
//! Offsets past the end or inside a character are clamped, never a panic.
//!
//! # Cost
//!
//! Articles can be megabytes long, and a keypress must not walk the whole text.
//! Every function looks only at a bounded window around the offset:
//!
//! - word segmentation starts at the last whitespace before the offset (at most
//!   [`WORD_CONTEXT`] bytes back; in longer runs without whitespace, such as an
//!   inline data blob, segment edges near the cut are approximate);
//! - sentence segmentation runs over the line (up to a hard break or the block's
//!   end) holding the offset, cut at [`LINE_WINDOW`] bytes either side;
//! - blocks are found by binary search;
//! - searches for the next or previous word, sentence or block stop after
//!   [`SCAN_LIMIT`] bytes and report `None`, which only happens after that much
//!   text without a single letter or digit.

use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;

use super::{Block, BlockKind, floor_char_boundary};

/// How far back word segmentation may start before the offset, so a word is
/// always segmented in full without reading the text before it.
pub const WORD_CONTEXT: usize = 4 * 1024;

/// How far either side of the offset sentence segmentation may reach inside one
/// line, so a pathological paragraph with no line break stays cheap.
pub const LINE_WINDOW: usize = 64 * 1024;

/// How far a search for the next or previous word, sentence or block may go, so
/// a motion costs the same on a 5 MB article as on a short one.
pub const SCAN_LIMIT: usize = 256 * 1024;

/// The word under the cursor, for highlighting it and for snapping selections;
/// `None` when the offset is on whitespace or punctuation.
pub fn word_at(text: &str, offset: usize) -> Option<Range<usize>> {
    let offset = clamp(text, offset);
    if offset >= text.len() {
        return None;
    }
    let start = safe_start(text, offset);
    let end = offset.saturating_add(WORD_CONTEXT);
    let (at, segment) = segments(text, start, end).find(|(at, s)| at + s.len() > offset)?;
    word_range(at, segment).filter(|word| word.contains(&offset))
}

/// Where `w` moves the cursor: the start of the first word that starts after
/// `offset`, skipping punctuation and blank lines.
pub fn next_word(text: &str, offset: usize) -> Option<usize> {
    let offset = clamp(text, offset);
    words_in(
        text,
        safe_start(text, offset),
        offset.saturating_add(SCAN_LIMIT),
    )
    .map(|word| word.start)
    .find(|&start| start > offset)
}

/// Where `b` moves the cursor: the start of the word holding `offset` when the
/// cursor is inside it, else the start of the previous word.
pub fn prev_word(text: &str, offset: usize) -> Option<usize> {
    let offset = clamp(text, offset);
    // Words starting at or after `hi` are known not to qualify; each round
    // segments one more stretch before `hi`, so the total work is linear.
    // Cutting the text at `hi` may split a word that runs past it, but never
    // moves a word's start.
    let mut hi = offset;
    while hi > 0 && offset - hi <= SCAN_LIMIT {
        let start = safe_start(text, hi);
        let found = words_in(text, start, hi).last();
        if let Some(word) = found {
            return Some(word.start);
        }
        hi = start;
    }
    None
}

/// Where `e` moves the cursor: onto the last character (grapheme) of the word
/// under the cursor, or of the next word when already there, as in vim.
pub fn word_end(text: &str, offset: usize) -> Option<usize> {
    let offset = clamp(text, offset);
    words_in(
        text,
        safe_start(text, offset),
        offset.saturating_add(SCAN_LIMIT),
    )
    .filter_map(|word| last_grapheme_start(text, word))
    .find(|&end| end > offset)
}

/// Where the cursor lands when it first appears: the first word starting at or
/// after `offset` (the top of the view).
pub fn first_word_at_or_after(text: &str, offset: usize) -> Option<usize> {
    let offset = clamp(text, offset);
    words_in(
        text,
        safe_start(text, offset),
        offset.saturating_add(SCAN_LIMIT),
    )
    .map(|word| word.start)
    .find(|&start| start >= offset)
}

/// What `s` selects: the sentence holding `offset`, without the whitespace
/// around it and never reaching outside its block. Whitespace after a sentence
/// belongs to it, as in UAX #29. Empty (at `offset`) when the offset is not
/// inside a block, e.g. in the blank line between two blocks.
pub fn sentence_at(text: &str, blocks: &[Block], offset: usize) -> Range<usize> {
    let offset = clamp(text, offset);
    let Some(block) = block_index_at(blocks, offset).and_then(|i| span(text, blocks, i)) else {
        return offset..offset;
    };
    let window = line_window(text, block, offset);
    let Some(slice) = text.get(window.clone()) else {
        return offset..offset;
    };
    let segments = sentence_bounds(slice).map(|(i, s)| (window.start + i, s));
    let mut chosen = None;
    for (at, segment) in segments {
        chosen = Some((at, segment));
        if at + segment.len() > offset {
            break;
        }
    }
    chosen
        .and_then(|(at, segment)| trimmed(at, segment))
        .unwrap_or(offset..offset)
}

/// Where `)` moves the cursor: the first word of the next sentence, looking
/// across hard line breaks and into later blocks.
pub fn next_sentence(text: &str, blocks: &[Block], offset: usize) -> Option<usize> {
    let offset = clamp(text, offset);
    let limit = offset.saturating_add(SCAN_LIMIT);
    forward_windows(text, blocks, offset)
        .take_while(|window| window.start <= limit)
        .flat_map(|window| sentence_starts(text, window))
        .find(|&start| start > offset)
}

/// Where `(` moves the cursor: the first word of the sentence holding the
/// cursor when the cursor is past it, else of the previous sentence.
pub fn prev_sentence(text: &str, blocks: &[Block], offset: usize) -> Option<usize> {
    let offset = clamp(text, offset);
    backward_windows(text, blocks, offset)
        .take_while(|window| window.end.saturating_add(SCAN_LIMIT) >= offset)
        .find_map(|window| {
            sentence_starts(text, window)
                .take_while(|&start| start < offset)
                .last()
        })
}

/// What `V` selects: the whole block (paragraph, heading, list item, byline
/// line) holding `offset`; `None` between blocks.
pub fn block_range(blocks: &[Block], offset: usize) -> Option<Range<usize>> {
    let i = block_index_at(blocks, offset)?;
    blocks.get(i).map(|block| block.range.clone())
}

/// Where `}` moves the cursor: the first word of the next block that has one,
/// skipping rules and blocks of bare punctuation.
pub fn next_block_start(text: &str, blocks: &[Block], offset: usize) -> Option<usize> {
    let offset = clamp(text, offset);
    let limit = offset.saturating_add(SCAN_LIMIT);
    let first = blocks.partition_point(|block| block.range.start <= offset);
    (first..blocks.len())
        .take_while(|&i| blocks.get(i).is_some_and(|b| b.range.start <= limit))
        .find_map(|i| first_word_of_block(text, blocks, i))
}

/// Where `{` moves the cursor: the first word of the block holding the cursor
/// when the cursor is past it, else of the previous block that has a word.
pub fn prev_block_start(text: &str, blocks: &[Block], offset: usize) -> Option<usize> {
    let offset = clamp(text, offset);
    let last = blocks.partition_point(|block| block.range.start <= offset);
    (0..last)
        .rev()
        .take_while(|&i| {
            blocks
                .get(i)
                .is_some_and(|b| b.range.end.saturating_add(SCAN_LIMIT) >= offset)
        })
        .find_map(|i| first_word_of_block(text, blocks, i).filter(|&start| start < offset))
}

/// A mouse selection: the text between two offsets (either order, both ends
/// inclusive as the characters under the pointer), widened to whole words at
/// each end and trimmed of whitespace. An end on whitespace or punctuation is
/// not widened, so a drag that starts in a gap does not grab the neighbouring
/// word. Empty only when no word or punctuation lies between the ends.
pub fn snap_to_words(text: &str, a: usize, b: usize) -> Range<usize> {
    let lo = clamp(text, a.min(b));
    let hi = clamp(text, a.max(b));
    let start = word_at(text, lo).map_or(lo, |word| word.start);
    let end = word_at(text, hi).map_or_else(|| next_char(text, hi), |word| word.end);
    let end = end.max(start);
    text.get(start..end)
        .and_then(|selected| trimmed(start, selected))
        .unwrap_or(lo..lo)
}

/// Clamps an offset into the text and down to a char boundary.
fn clamp(text: &str, offset: usize) -> usize {
    floor_char_boundary(text, offset)
}

/// The offset just past the character at `offset` (the text's end stays put).
fn next_char(text: &str, offset: usize) -> usize {
    text.get(offset..)
        .and_then(|rest| rest.chars().next())
        .map_or(offset, |c| offset + c.len_utf8())
}

/// A place at or before `pos` where word segmentation can start and agree with
/// segmenting the whole text, as far as words go: the start of a whitespace run
/// (no UAX #29 rule joins a letter or digit across whitespace, and the rules
/// that look back cannot see past it). Falls back to a cut `WORD_CONTEXT`
/// bytes back.
fn safe_start(text: &str, pos: usize) -> usize {
    let pos = clamp(text, pos);
    let lo = clamp(text, pos.saturating_sub(WORD_CONTEXT));
    let Some(before) = text.get(lo..pos) else {
        return lo;
    };
    let Some(space) = before.rfind(char::is_whitespace) else {
        return lo;
    };
    // Back to the start of the run, so a long run is segmented once, not once
    // per character.
    before
        .get(..space)
        .and_then(|run| run.char_indices().rev().find(|(_, c)| !c.is_whitespace()))
        .map_or(lo, |(i, c)| lo + i + c.len_utf8())
}

/// Word-bound segments of `text[start..end]` with absolute offsets.
fn segments(text: &str, start: usize, end: usize) -> impl Iterator<Item = (usize, &str)> {
    let end = clamp(text, end);
    let start = clamp(text, start.min(end));
    text.get(start..end)
        .unwrap_or_default()
        .split_word_bound_indices()
        .map(move |(i, segment)| (start + i, segment))
}

/// Words of `text[start..end]`.
fn words_in(text: &str, start: usize, end: usize) -> impl Iterator<Item = Range<usize>> {
    segments(text, start, end).filter_map(|(at, segment)| word_range(at, segment))
}

/// The word in a segment: `None` unless it holds a letter or digit. Trimmed,
/// because UAX #29 lets a combining mark cling to a preceding space.
fn word_range(at: usize, segment: &str) -> Option<Range<usize>> {
    if segment.chars().any(char::is_alphanumeric) {
        trimmed(at, segment)
    } else {
        None
    }
}

/// The range of `s` (found at `at`) without surrounding whitespace; `None`
/// when nothing is left.
fn trimmed(at: usize, s: &str) -> Option<Range<usize>> {
    let inner = s.trim();
    if inner.is_empty() {
        return None;
    }
    let start = at + (s.len() - s.trim_start().len());
    Some(start..start + inner.len())
}

/// Start of the last grapheme of a word, where `e` puts the cursor.
fn last_grapheme_start(text: &str, word: Range<usize>) -> Option<usize> {
    let slice = text.get(word.clone())?;
    slice
        .grapheme_indices(true)
        .next_back()
        .map(|(i, _)| word.start + i)
}

/// Index of the non-empty block holding `offset` (its end counts, so a cursor
/// just past the last character still belongs to the block).
fn block_index_at(blocks: &[Block], offset: usize) -> Option<usize> {
    let first = blocks.partition_point(|block| block.range.end < offset);
    (first..blocks.len())
        .take_while(|&i| blocks.get(i).is_some_and(|b| b.range.start <= offset))
        .find(|&i| blocks.get(i).is_some_and(|b| !b.range.is_empty()))
}

/// A block's range clamped into the text, so a stale or malformed block can
/// never make a slice panic.
fn span(text: &str, blocks: &[Block], i: usize) -> Option<Range<usize>> {
    let range = &blocks.get(i)?.range;
    let end = clamp(text, range.end);
    let start = clamp(text, range.start.min(end));
    Some(start..end)
}

/// The first word of block `i`, if it has one; rules never do.
fn first_word_of_block(text: &str, blocks: &[Block], i: usize) -> Option<usize> {
    if blocks.get(i)?.kind == BlockKind::Rule {
        return None;
    }
    first_word_in(text, span(text, blocks, i)?)
}

/// The line (between hard breaks) of `block` holding `pos`, cut at
/// `LINE_WINDOW` bytes either side. Sentence segmentation may start and end
/// at a line break without changing any boundary, since UAX #29 always breaks
/// after one.
fn line_window(text: &str, block: Range<usize>, pos: usize) -> Range<usize> {
    let pos = pos.clamp(block.start, block.end);
    let lo = clamp(text, block.start.max(pos.saturating_sub(LINE_WINDOW)));
    let hi = clamp(text, block.end.min(pos.saturating_add(LINE_WINDOW)));
    let start = text
        .get(lo..pos)
        .and_then(|s| s.rfind('\n'))
        .map_or(lo, |i| lo + i + 1);
    let end = text
        .get(pos..hi)
        .and_then(|s| s.find('\n'))
        .map_or(hi, |i| pos + i);
    start.min(pos)..end.max(pos)
}

/// Sentence windows (lines of blocks) from the one holding `offset` onwards.
fn forward_windows(
    text: &str,
    blocks: &[Block],
    offset: usize,
) -> impl Iterator<Item = Range<usize>> {
    let first = match block_index_at(blocks, offset) {
        Some(i) => span(text, blocks, i).map(|b| (i, line_window(text, b, offset))),
        None => {
            let i = blocks.partition_point(|block| block.range.start <= offset);
            span(text, blocks, i).map(|b| (i, line_window(text, b.clone(), b.start)))
        }
    };
    std::iter::successors(first, move |(i, window)| {
        let block = span(text, blocks, *i)?;
        if window.end < block.end {
            let pos = if text.get(window.end..)?.starts_with('\n') {
                window.end + 1
            } else {
                window.end
            };
            let line = line_window(text, block, pos);
            Some((*i, pos..line.end.max(pos)))
        } else {
            let next = span(text, blocks, i + 1)?;
            Some((i + 1, line_window(text, next.clone(), next.start)))
        }
    })
    .map(|(_, window)| window)
}

/// Sentence windows (lines of blocks) from the one holding `offset` backwards.
fn backward_windows(
    text: &str,
    blocks: &[Block],
    offset: usize,
) -> impl Iterator<Item = Range<usize>> {
    let first = match block_index_at(blocks, offset) {
        Some(i) => span(text, blocks, i).map(|b| (i, line_window(text, b, offset))),
        None => blocks
            .partition_point(|block| block.range.start <= offset)
            .checked_sub(1)
            .and_then(|i| span(text, blocks, i).map(|b| (i, line_window(text, b.clone(), b.end)))),
    };
    std::iter::successors(first, move |(i, window)| {
        let block = span(text, blocks, *i)?;
        if window.start > block.start {
            let pos = if text.get(..window.start)?.ends_with('\n') {
                window.start - 1
            } else {
                window.start
            };
            let line = line_window(text, block, pos);
            Some((*i, line.start.min(pos)..pos))
        } else {
            let prev = i.checked_sub(1)?;
            let block = span(text, blocks, prev)?;
            Some((prev, line_window(text, block.clone(), block.end)))
        }
    })
    .map(|(_, window)| window)
}

/// Where the cursor goes for each sentence in a window: its first word.
/// Sentences of bare punctuation have none and are skipped, and so are the
/// rare sentences whose only word begins in the sentence before (UAX #29 may
/// put a sentence break inside a word, as in "A.ײַ"). Words are segmented as
/// the word motions segment them, so the cursor lands where `w` would, and in
/// one pass over the window however many sentences it holds.
fn sentence_starts(text: &str, window: Range<usize>) -> impl Iterator<Item = usize> {
    let base = window.start;
    let mut words = words_in(text, safe_start(text, window.start), window.end)
        .map(|word| word.start)
        .peekable();
    sentence_bounds(text.get(window).unwrap_or_default()).filter_map(move |(i, sentence)| {
        let start = base + i;
        let end = start + sentence.len();
        while words.next_if(|&word| word < start).is_some() {}
        words.next_if(|&word| word < end)
    })
}

/// Words that end in a full stop but seldom end a sentence, lower-cased.
const ABBREVIATIONS: [&str; 27] = [
    "e.g.", "i.e.", "etc.", "vs.", "cf.", "viz.", "approx.", "mr.", "mrs.", "ms.", "dr.", "prof.",
    "st.", "jr.", "sr.", "gen.", "gov.", "sen.", "rep.", "lt.", "col.", "capt.", "sgt.", "fig.",
    "figs.", "vol.", "pp.",
];

/// UAX #29 sentences of `s` with their byte offsets, where a sentence that
/// ends in an abbreviation, initials or a version runs on into the next.
fn sentence_bounds(s: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut raw = s.split_sentence_bound_indices();
    std::iter::from_fn(move || {
        let (start, first) = raw.next()?;
        let mut end = start + first.len();
        while s.get(start..end).is_some_and(ends_in_abbreviation) {
            let Some((at, next)) = raw.next() else {
                break;
            };
            end = at + next.len();
        }
        Some((start, s.get(start..end).unwrap_or_default()))
    })
}

/// True when a UAX #29 sentence ends in a word that does not end a sentence
/// (`e.g.`, `Mr.`, `U.S.`, `J.`, `v1.2.`) followed by spaces on the same line.
fn ends_in_abbreviation(sentence: &str) -> bool {
    let core = sentence.trim_end();
    if core.len() == sentence.len() || sentence[core.len()..].contains('\n') {
        return false;
    }
    let word = core
        .rsplit(char::is_whitespace)
        .next()
        .unwrap_or_default()
        .trim_start_matches(['(', '[', '"', '\'', '“', '‘']);
    let lower = word.to_lowercase();
    ABBREVIATIONS.contains(&lower.as_str()) || is_initials(word) || is_version(word)
}

/// `U.S.`, `e.g.`, `J.`: letters each followed by a full stop (a single one
/// only when it is a capital, as in a name's initial).
fn is_initials(word: &str) -> bool {
    let bytes = word.as_bytes();
    if bytes.len() < 2 || !bytes.len().is_multiple_of(2) {
        return false;
    }
    let pairs_ok = bytes
        .chunks(2)
        .all(|pair| pair[0].is_ascii_alphabetic() && pair[1] == b'.');
    pairs_ok && (bytes.len() > 2 || bytes[0].is_ascii_uppercase())
}

/// `v1.2.`, `V10.4.1.`: a version with its dots, then a full stop.
fn is_version(word: &str) -> bool {
    let Some(number) = word
        .strip_prefix(['v', 'V'])
        .and_then(|w| w.strip_suffix('.'))
    else {
        return false;
    };
    number.contains('.')
        && number
            .split('.')
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
}

/// The start of the first word that starts inside `range`, segmented as the
/// word motions segment it so the cursor lands on a word `w` would reach.
fn first_word_in(text: &str, range: Range<usize>) -> Option<usize> {
    let end = range.end.min(range.start.saturating_add(SCAN_LIMIT));
    words_in(text, safe_start(text, range.start), end)
        .map(|word| word.start)
        .find(|&start| start >= range.start)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Container;
    use proptest::prelude::*;

    /// The cursor marker in test strings: `"The qu|ick fox"` is the text
    /// `"The quick fox"` with the cursor on the `i`.
    const CURSOR: char = '|';

    fn parse_marked(marked: &str) -> (String, usize) {
        let offset = marked.find(CURSOR).expect("test string has a cursor");
        (marked.replacen(CURSOR, "", 1), offset)
    }

    fn mark(text: &str, offset: usize) -> String {
        format!("{}{CURSOR}{}", &text[..offset], &text[offset..])
    }

    /// Marks a range as `[...]`.
    fn mark_range(text: &str, range: Range<usize>) -> String {
        format!(
            "{}[{}]{}",
            &text[..range.start],
            &text[range.clone()],
            &text[range.end..]
        )
    }

    /// Runs a text motion from a marked string, giving the marked result.
    fn run(motion: fn(&str, usize) -> Option<usize>, before: &str) -> Option<String> {
        let (text, offset) = parse_marked(before);
        motion(&text, offset).map(|to| mark(&text, to))
    }

    fn check(name: &str, motion: fn(&str, usize) -> Option<usize>, cases: &[(&str, Option<&str>)]) {
        for (before, after) in cases {
            assert_eq!(
                run(motion, before).as_deref(),
                *after,
                "{name} from {before:?}"
            );
        }
    }

    /// Builds a document from marked parts joined by blank lines, as the
    /// canonical text joins blocks: `"# "` makes a heading, `"---"` a rule
    /// (no text, an empty range), anything else a paragraph.
    fn doc(parts: &[&str]) -> (String, Vec<Block>, usize) {
        let mut text = String::new();
        let mut blocks = Vec::new();
        for part in parts {
            if !text.is_empty() {
                text.push_str("\n\n");
            }
            let start = text.len();
            let kind = if *part == "---" {
                BlockKind::Rule
            } else if let Some(heading) = part.strip_prefix("# ") {
                text.push_str(heading);
                BlockKind::Heading(1)
            } else {
                text.push_str(part);
                BlockKind::Paragraph
            };
            blocks.push(Block {
                kind,
                range: start..text.len(),
                spans: Vec::new(),
                container: Container::default(),
            });
        }
        let (text, offset) = parse_marked(&text);
        for block in &mut blocks {
            let shift = |x: usize| if x > offset { x - 1 } else { x };
            block.range = shift(block.range.start)..shift(block.range.end);
        }
        (text, blocks, offset)
    }

    type DocMotion = fn(&str, &[Block], usize) -> Option<usize>;

    fn check_doc(name: &str, motion: DocMotion, cases: &[(&[&str], Option<&str>)]) {
        for (parts, after) in cases {
            let (text, blocks, offset) = doc(parts);
            let got = motion(&text, &blocks, offset).map(|to| mark(&text, to));
            assert_eq!(got.as_deref(), *after, "{name} from {parts:?}");
        }
    }

    #[test]
    fn word_at_finds_whole_words_only() {
        let cases: &[(&str, Option<&str>)] = &[
            ("The qu|ick fox", Some("The [quick] fox")),
            ("|The quick", Some("[The] quick")),
            ("The| quick", None),
            ("She said |\"hi\"", None),
            ("I do|n't know", Some("I [don't] know")),
            ("Pi is 3.1|4 or so", Some("Pi is [3.14] or so")),
            ("a na|ïve café", Some("a [naïve] café")),
            ("US-bo|und", Some("US-[bound]")),
            ("東京|都", Some("東京[都]")),
            ("end|", None),
            ("|", None),
        ];
        for (before, after) in cases {
            let (text, offset) = parse_marked(before);
            let got = word_at(&text, offset).map(|r| mark_range(&text, r));
            assert_eq!(got.as_deref(), *after, "word_at {before:?}");
        }
    }

    #[test]
    fn w_moves_to_the_next_word_start() {
        check(
            "w",
            next_word,
            &[
                ("|The quick fox", Some("The |quick fox")),
                ("The q|uick fox", Some("The quick |fox")),
                ("The| quick", Some("The |quick")),
                ("Hello|, world!", Some("Hello, |world!")),
                ("He|llo, \"world\"", Some("Hello, \"|world\"")),
                ("I |don't know", Some("I don't |know")),
                ("costs |3.50 now", Some("costs 3.50 |now")),
                ("|US-bound", Some("US-|bound")),
                ("|東京", Some("東|京")),
                ("|I 😀 you", Some("I 😀 |you")),
                ("|naïve café", Some("naïve |café")),
                (
                    "end of a |paragraph.\n\nNext one",
                    Some("end of a paragraph.\n\n|Next one"),
                ),
                ("last |word", None),
                ("last word|", None),
                ("|", None),
                ("| ... --- !!!", None),
            ],
        );
    }

    #[test]
    fn b_moves_to_the_word_start_or_the_previous_word() {
        check(
            "b",
            prev_word,
            &[
                ("The quick |fox", Some("The |quick fox")),
                ("The quick fo|x", Some("The quick |fox")),
                ("The |quick", Some("|The quick")),
                ("Hello, |world!", Some("|Hello, world!")),
                ("Hello, world|!", Some("Hello, |world!")),
                ("I don't |know", Some("I |don't know")),
                ("東京|都", Some("東|京都")),
                ("I 😀 |you", Some("|I 😀 you")),
                ("first.\n\n|Second", Some("|first.\n\nSecond")),
                ("|First", None),
                ("  ... |First", None),
                ("|", None),
            ],
        );
    }

    #[test]
    fn e_moves_to_the_last_character_of_a_word() {
        check(
            "e",
            word_end,
            &[
                ("|The quick", Some("Th|e quick")),
                ("Th|e quick", Some("The quic|k")),
                ("The| quick", Some("The quic|k")),
                ("|don't stop", Some("don'|t stop")),
                ("|café au lait", Some("caf|é au lait")),
                // A combining accent stays with its letter.
                ("|cafe\u{301} ok", Some("caf|e\u{301} ok")),
                // Each ideograph is a one-character word.
                ("|東京", Some("東|京")),
                ("東|京", None),
                // Emoji are not words, and a one-letter word is already at its end.
                ("|I 😀 you", Some("I 😀 yo|u")),
                ("wo|rd.\n\nNext", Some("wor|d.\n\nNext")),
                ("wor|d.\n\nNext", Some("word.\n\nNex|t")),
                ("word|.\n\nNext", Some("word.\n\nNex|t")),
                ("wor|d", None),
                ("last|", None),
            ],
        );
    }

    #[test]
    fn first_word_at_or_after_skips_to_a_word() {
        check(
            "first word",
            first_word_at_or_after,
            &[
                ("|The quick", Some("|The quick")),
                ("|  — \"Quick", Some("  — \"|Quick")),
                ("Th|e quick", Some("The |quick")),
                ("done.|\n\n", None),
            ],
        );
    }

    fn sentence(parts: &[&str]) -> String {
        let (text, blocks, offset) = doc(parts);
        mark_range(&text, sentence_at(&text, &blocks, offset))
    }

    #[test]
    fn s_selects_the_sentence_under_the_cursor() {
        let cases: &[(&[&str], &str)] = &[
            (&["One. Tw|o here. Three."], "One. [Two here.] Three."),
            (&["|One. Two."], "[One.] Two."),
            (&["One. Two thr|ee"], "One. [Two three]"),
            // Closing quotes and brackets stay with their sentence.
            (
                &["He said \"St|op.\" Then left."],
                "[He said \"Stop.\"] Then left.",
            ),
            (&["(It wo|rks.) Next one."], "[(It works.)] Next one."),
            (&["Really?! Ye|s."], "Really?! [Yes.]"),
            // Abbreviations, initials and versions do not end a sentence.
            (&["Ask Mr. Sm|ith now. Next."], "[Ask Mr. Smith now.] Next."),
            (
                &["Some fruit, e.g. Ap|ples and i.e. Pears. Next."],
                "[Some fruit, e.g. Apples and i.e. Pears.] Next.",
            ),
            (
                &["Pens, ink etc. Wer|e sold vs. Bought. Next."],
                "[Pens, ink etc. Were sold vs. Bought.] Next.",
            ),
            (
                &["Dr. Who met the U.S. Bor|der Patrol. Next."],
                "[Dr. Who met the U.S. Border Patrol.] Next.",
            ),
            (
                &["J. R. R. Tolk|ien wrote it. Next."],
                "[J. R. R. Tolkien wrote it.] Next.",
            ),
            (
                &["Get v1.2. It fi|xes bugs. Next."],
                "[Get v1.2. It fixes bugs.] Next.",
            ),
            (
                &["Rust 1.95.0 is o|ut. Next."],
                "[Rust 1.95.0 is out.] Next.",
            ),
            // A plain word or a bare number with a full stop still ends one.
            (
                &["It rose to 12. Th|en fell."],
                "It rose to 12. [Then fell.]",
            ),
            (&["We left. Th|en ate."], "We left. [Then ate.]"),
            // A decimal point does not end a sentence.
            (
                &["It costs 3.|5 dollars. Yes."],
                "[It costs 3.5 dollars.] Yes.",
            ),
            // A heading is its own sentence, even without a full stop.
            (
                &["# Intro|duction", "Body text."],
                "[Introduction]\n\nBody text.",
            ),
            (
                &["No full stop", "Ne|xt block"],
                "No full stop\n\n[Next block]",
            ),
            // A hard line break ends a sentence.
            (&["Line o|ne\nline two"], "[Line one]\nline two"),
            // Trailing whitespace belongs to the sentence before it.
            (&["One.| Two."], "[One.] Two."),
        ];
        for (parts, after) in cases {
            assert_eq!(sentence(parts), *after, "s in {parts:?}");
        }
    }

    #[test]
    fn s_outside_any_block_selects_nothing() {
        let (text, blocks, _) = doc(&["One.|", "Two."]);
        assert_eq!(sentence_at(&text, &blocks, 5), 5..5);
        // Past the end is the end of the last block.
        assert_eq!(sentence_at(&text, &blocks, 99), 6..10);
        assert_eq!(sentence_at("", &[], 3), 0..0);
    }

    #[test]
    fn close_paren_moves_to_the_next_sentence() {
        check_doc(
            ")",
            next_sentence,
            &[
                (&["|One two. Three."], Some("One two. |Three.")),
                (&["One t|wo. Three."], Some("One two. |Three.")),
                (
                    &["One. \"|Two.\" (Three.)"],
                    Some("One. \"Two.\" (|Three.)"),
                ),
                (&["One. |Two."], None),
                (&["On|e.", "Two."], Some("One.\n\n|Two.")),
                (&["On|e.", "---", "# Two"], Some("One.\n\n\n\n|Two")),
                (&["On|e.", "...", "Two."], Some("One.\n\n...\n\n|Two.")),
                (&["Line |one\nline two"], Some("Line one\n|line two")),
                (
                    &["Mr. |Smith is here. Ok."],
                    Some("Mr. Smith is here. |Ok."),
                ),
                (
                    &["|Use e.g. Rust or i.e. Go. Ok."],
                    Some("Use e.g. Rust or i.e. Go. |Ok."),
                ),
                (
                    &["|Ask Dr. Lee in the U.S. Now. Ok."],
                    Some("Ask Dr. Lee in the U.S. Now. |Ok."),
                ),
                // An abbreviation before a hard line break does not join lines.
                (&["|See Mr.\nSmith"], Some("See Mr.\n|Smith")),
                (&["|"], None),
            ],
        );
    }

    #[test]
    fn open_paren_moves_to_the_sentence_start_or_the_previous_one() {
        check_doc(
            "(",
            prev_sentence,
            &[
                (&["One two. Thr|ee."], Some("One two. |Three.")),
                (&["One two. |Three."], Some("|One two. Three.")),
                (&["\"One.\" |Two."], Some("\"|One.\" Two.")),
                (&["|One. Two."], None),
                (&["One.", "|Two."], Some("|One.\n\nTwo.")),
                (&["# One", "---", "|Two."], Some("|One\n\n\n\nTwo.")),
                (&["Line one\n|line two"], Some("|Line one\nline two")),
                (
                    &["Ask Mr. Smith. Get v1.2. Now |ok."],
                    Some("Ask Mr. Smith. |Get v1.2. Now ok."),
                ),
            ],
        );
        // From inside the punctuation-only block, back to the last sentence.
        let (text, blocks, _) = doc(&["One. Two.|", "..."]);
        assert_eq!(prev_sentence(&text, &blocks, text.len()), Some(5));
    }

    #[test]
    fn a_sentence_break_inside_a_word_does_not_strand_the_cursor() {
        // UAX #29 reads "A.ײַ" as one word but two sentences; `)` must not land
        // mid-word, where `w` and `b` could never reach.
        let (text, blocks, offset) = doc(&["|A.ײַ"]);
        assert_eq!(word_at(&text, offset), Some(0..text.len()));
        assert_eq!(next_sentence(&text, &blocks, offset), None);
    }

    #[test]
    fn capital_v_selects_the_block() {
        let (text, blocks, offset) = doc(&["# Title", "One. Tw|o.", "Three."]);
        let range = block_range(&blocks, offset).unwrap();
        assert_eq!(mark_range(&text, range), "Title\n\n[One. Two.]\n\nThree.");
        assert_eq!(block_range(&blocks, 6), None, "between blocks");
        assert_eq!(block_range(&[], 0), None);
    }

    #[test]
    fn close_brace_moves_to_the_next_block_with_a_word() {
        check_doc(
            "}",
            next_block_start,
            &[
                (&["# Ti|tle", "Body."], Some("Title\n\n|Body.")),
                (
                    &["O|ne.", "---", "* * *", "\"Two\""],
                    Some("One.\n\n\n\n* * *\n\n\"|Two\""),
                ),
                (&["One.", "|Two."], None),
                (&["|"], None),
            ],
        );
    }

    #[test]
    fn open_brace_moves_to_the_block_start_or_the_previous_block() {
        check_doc(
            "{",
            prev_block_start,
            &[
                (&["One.", "Two th|ree."], Some("One.\n\n|Two three.")),
                (&["One two.", "|Three."], Some("|One two.\n\nThree.")),
                (
                    &["# One", "---", "* * *", "|Two."],
                    Some("|One\n\n\n\n* * *\n\nTwo."),
                ),
                (&["|One."], None),
            ],
        );
    }

    #[test]
    fn mouse_drags_snap_to_whole_words() {
        let cases: &[(&str, usize, usize, &str)] = &[
            ("The quick brown fox", 5, 12, "The [quick brown] fox"),
            ("The quick brown fox", 12, 5, "The [quick brown] fox"),
            ("The quick brown fox", 6, 6, "The [quick] brown fox"),
            // An end on a space does not reach into the next word.
            ("The quick brown fox", 3, 12, "The [quick brown] fox"),
            ("The quick brown fox", 5, 15, "The [quick brown] fox"),
            // Punctuation under the pointer is kept, not widened past.
            ("Hello, world!", 1, 12, "[Hello, world!]"),
            ("Hello, world!", 1, 5, "[Hello,] world!"),
            ("a  b", 1, 2, "a[]  b"),
            ("", 0, 4, "[]"),
            ("tail", 2, 99, "[tail]"),
        ];
        for (text, a, b, after) in cases {
            let got = mark_range(text, snap_to_words(text, *a, *b));
            assert_eq!(got, *after, "drag {a}..{b} over {text:?}");
        }
    }

    #[test]
    fn offsets_inside_a_character_are_clamped() {
        let text = "café au lait";
        assert_eq!(word_at(text, 4), Some(0..5));
        assert_eq!(next_word(text, 4), Some(6));
        assert_eq!(prev_word(text, 4), Some(0));
    }

    #[test]
    fn motions_on_a_large_text_stay_local() {
        // 5 MB of prose with no blank line: every motion still answers at once,
        // since none of them reads the whole text.
        let para = "Lorem ipsum dolor sit amet. Consectetur adipiscing elit? ";
        let text = para.repeat(5 * 1024 * 1024 / para.len());
        let blocks = [Block {
            kind: BlockKind::Paragraph,
            range: 0..text.len(),
            spans: Vec::new(),
            container: Container::default(),
        }];
        let mid = text.len() / 2;
        for _ in 0..20 {
            assert!(next_word(&text, mid).is_some());
            assert!(prev_word(&text, mid).is_some());
            assert!(word_end(&text, mid).is_some());
            assert!(next_sentence(&text, &blocks, mid).is_some());
            assert!(prev_sentence(&text, &blocks, mid).is_some());
            assert!(!sentence_at(&text, &blocks, mid).is_empty());
            assert!(next_word(&text, text.len() - 3).is_none());
        }
    }

    #[test]
    fn pathological_texts_stay_cheap() {
        // Long runs of spaces, of punctuation, of one endless "word", and of
        // one-word sentences: each keypress still does bounded work.
        let mb = 3 * 1024 * 1024;
        let texts = [
            format!("start{}end", " ".repeat(mb)),
            format!("start {} end", "-".repeat(mb)),
            format!("start {} end", "ab".repeat(mb / 2)),
            format!("start {} end", "x!".repeat(mb / 2)),
        ];
        for text in &texts {
            let blocks = [Block {
                kind: BlockKind::Paragraph,
                range: 0..text.len(),
                spans: Vec::new(),
                container: Container::default(),
            }];
            for at in [0, text.len() / 2, text.len() - 1] {
                let _ = word_at(text, at);
                let _ = next_word(text, at);
                let _ = prev_word(text, at);
                let _ = word_end(text, at);
                let _ = first_word_at_or_after(text, at);
                let _ = sentence_at(text, &blocks, at);
                let _ = next_sentence(text, &blocks, at);
                let _ = prev_sentence(text, &blocks, at);
                let _ = snap_to_words(text, at, at + 10);
            }
        }
    }

    /// Text mixing letters, digits, punctuation, spaces, line breaks and
    /// arbitrary Unicode, weighted towards the characters motions care about.
    fn arb_text() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            3 => "[a-zA-Z]{1,6}",
            1 => "[0-9.,']{1,3}",
            2 => Just(" ".to_string()),
            1 => Just("\n\n".to_string()),
            1 => Just("\n".to_string()),
            1 => "[.!?\"()—-]{1,2}",
            1 => "[éü東京😀\u{301}\u{200d}\u{1F1E6}]{1,2}",
            1 => any::<char>().prop_map(String::from),
        ];
        prop::collection::vec(piece, 0..40).prop_map(|pieces| pieces.concat())
    }

    /// Blocks as the canonical text makes them: split at blank lines.
    fn blocks_of(text: &str) -> Vec<Block> {
        let mut blocks = Vec::new();
        let mut start = 0;
        for part in text.split("\n\n") {
            blocks.push(Block {
                kind: BlockKind::Paragraph,
                range: start..start + part.len(),
                spans: Vec::new(),
                container: Container::default(),
            });
            start += part.len() + 2;
        }
        blocks
    }

    fn on_boundary(text: &str, offset: usize) -> bool {
        offset <= text.len() && text.is_char_boundary(offset)
    }

    proptest! {
        #[test]
        fn word_motions_stay_on_boundaries_and_move(text in arb_text(), at in 0usize..200) {
            let at = at.min(text.len() + 2);
            let here = clamp(&text, at);
            if let Some(word) = word_at(&text, at) {
                prop_assert!(on_boundary(&text, word.start) && on_boundary(&text, word.end));
                prop_assert!(word.contains(&here));
            }
            if let Some(to) = next_word(&text, at) {
                prop_assert!(on_boundary(&text, to) && to > here);
                prop_assert_eq!(word_at(&text, to).map(|w| w.start), Some(to));
            }
            if let Some(to) = prev_word(&text, at) {
                prop_assert!(on_boundary(&text, to) && to < here);
                prop_assert_eq!(word_at(&text, to).map(|w| w.start), Some(to));
            }
            if let Some(to) = word_end(&text, at) {
                prop_assert!(on_boundary(&text, to) && to > here);
                prop_assert!(word_at(&text, to).is_some());
            }
            if let Some(to) = first_word_at_or_after(&text, at) {
                prop_assert!(on_boundary(&text, to) && to >= here);
            }
        }

        #[test]
        fn snapping_keeps_both_ends_words(text in arb_text(), a in 0usize..200, b in 0usize..200) {
            let range = snap_to_words(&text, a, b);
            prop_assert!(on_boundary(&text, range.start) && on_boundary(&text, range.end));
            prop_assert!(range.start <= range.end);
            for end in [a, b] {
                if let Some(word) = word_at(&text, end) {
                    prop_assert!(range.start <= word.start && word.end <= range.end);
                }
            }
        }

        #[test]
        fn sentence_and_block_motions_stay_on_boundaries(text in arb_text(), at in 0usize..200) {
            let blocks = blocks_of(&text);
            let here = clamp(&text, at);
            let sentence = sentence_at(&text, &blocks, at);
            prop_assert!(on_boundary(&text, sentence.start) && on_boundary(&text, sentence.end));
            prop_assert!(sentence.start <= sentence.end);
            if !sentence.is_empty() {
                let block = block_range(&blocks, here).unwrap();
                prop_assert!(block.start <= sentence.start && sentence.end <= block.end);
            }
            for (to, forward) in [
                (next_sentence(&text, &blocks, at), true),
                (next_block_start(&text, &blocks, at), true),
                (prev_sentence(&text, &blocks, at), false),
                (prev_block_start(&text, &blocks, at), false),
            ] {
                if let Some(to) = to {
                    prop_assert!(on_boundary(&text, to));
                    let moved = if forward { to > here } else { to < here };
                    prop_assert!(moved, "moved the wrong way");
                    prop_assert_eq!(word_at(&text, to).map(|w| w.start), Some(to));
                }
            }
        }
    }
}
