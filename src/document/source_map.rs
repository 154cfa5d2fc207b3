//! Where each run of canonical text came from in the source, so an exported
//! position can name the characters of the file itself (W3C
//! `TextPositionSelector` offsets are in the coordinates of `target.source`)
//! and a position read from another tool can be turned back into a place in
//! the canonical text.
//!
//! The parser records, for every piece of text it appends, the source byte
//! range of the event it came from (a pulldown-cmark text event, a line of
//! plain text). Inside a run the two texts are aligned character by
//! character: markup that shows nothing (`\` of an escape, entity names,
//! indentation) is skipped in the source, whitespace matches whitespace, and
//! text gloss adds (list markers, footnote numbers, the space joining a
//! paragraph split by a page break) matches nothing and keeps its place. A
//! range that starts at a run's start takes the run's whole source start, so
//! the markup that opened it (an escape's backslash, a code span's backtick)
//! is inside the source range.

use std::ops::Range;

use super::{CharOffset, Document};

/// One run: canonical bytes and the source bytes they came from.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Run {
    text: Range<usize>,
    source: Range<usize>,
}

/// The runs of a document in canonical order (a footnote definition, moved to
/// the end of the text, is the one place their sources go backwards).
#[derive(Debug, Clone, Default)]
pub(super) struct SourceMap {
    runs: Vec<Run>,
}

impl SourceMap {
    /// Adds the runs of a block committed at canonical byte `base` whose text
    /// is `len` bytes long; `marks` are the piece's `source` records.
    pub(super) fn add(&mut self, base: usize, len: usize, marks: &[(usize, Range<usize>)]) {
        for (i, (at, source)) in marks.iter().enumerate() {
            let end = marks.get(i + 1).map_or(len, |(next, _)| *next).min(len);
            if *at < end {
                self.runs.push(Run {
                    text: base + at..base + end,
                    source: source.clone(),
                });
            }
        }
    }

    /// The run holding canonical byte `at` (the first character of a range).
    fn run_at(&self, at: usize) -> Option<&Run> {
        let i = self.runs.partition_point(|r| r.text.end <= at);
        self.runs.get(i).filter(|r| r.text.start <= at)
    }

    /// The first run that starts at or after canonical byte `at`.
    fn run_after(&self, at: usize) -> Option<&Run> {
        let i = self.runs.partition_point(|r| r.text.start < at);
        self.runs.get(i)
    }

    /// The last run that ends at or before canonical byte `at`, or that holds
    /// the character just before it.
    fn run_before(&self, at: usize) -> Option<&Run> {
        let i = self.runs.partition_point(|r| r.text.start < at);
        i.checked_sub(1).and_then(|i| self.runs.get(i))
    }
}

/// Whether a canonical character may stand for a source character.
fn same(text: char, source: char) -> bool {
    text == source || (text.is_whitespace() && source.is_whitespace())
}

/// Aligns `text` with `source` greedily: for each character of `text`, its
/// byte offset and the source byte range it matched (`None` for text gloss
/// added), calling `visit` until it returns true.
fn align(
    text: &str,
    source: &str,
    mut visit: impl FnMut(usize, char, Option<Range<usize>>) -> bool,
) {
    let mut cursor = 0;
    for (i, c) in text.char_indices() {
        let found = source.get(cursor..).and_then(|rest| {
            rest.char_indices()
                .find(|&(_, s)| same(c, s))
                .map(|(j, s)| cursor + j..cursor + j + s.len_utf8())
        });
        if let Some(r) = &found {
            cursor = r.end;
        }
        if visit(i, c, found) {
            return;
        }
    }
}

impl Document {
    /// The source byte range a canonical byte range came from, with the
    /// markup inside it (`*amber bowls*`, `\$12`, a page break's blank line);
    /// `None` when no parsed text was read from the source there (a title
    /// made up from a Pandoc title block) or the range is empty.
    pub fn source_range(&self, range: Range<usize>) -> Option<Range<usize>> {
        if range.start >= range.end || range.end > self.text.len() {
            return None;
        }
        let map = &self.source_map;
        let source = self.source();
        let mut start = match map.run_at(range.start) {
            Some(run) => source_offset(&self.text, source, run, range.start, false)?,
            None => map.run_after(range.start)?.source.start,
        };
        // An escaped character starts with its backslash (`\$12`).
        let escaped = source
            .as_bytes()
            .get(start)
            .is_some_and(u8::is_ascii_punctuation);
        if escaped && start > 0 && source.as_bytes().get(start - 1) == Some(&b'\\') {
            start -= 1;
        }
        let end = match map.run_at(range.end - 1) {
            Some(run) => source_offset(&self.text, source, run, range.end, true)?,
            None => map.run_before(range.end)?.source.end,
        };
        (start < end).then_some(start..end)
    }

    /// The canonical byte range that shows a source byte range: markup at
    /// either end that shows nothing is left out. `None` when nothing shown
    /// came from inside it.
    pub fn text_range(&self, range: Range<usize>) -> Option<Range<usize>> {
        if range.start >= range.end {
            return None;
        }
        let source = self.source();
        let runs = &self.source_map.runs;
        let start = match runs
            .iter()
            .find(|r| r.source.start <= range.start && range.start < r.source.end)
        {
            Some(run) => text_offset(&self.text, source, run, range.start, false)?,
            None => {
                runs.iter()
                    .filter(|r| r.source.start > range.start)
                    .min_by_key(|r| r.source.start)?
                    .text
                    .start
            }
        };
        let end = match runs
            .iter()
            .rev()
            .find(|r| r.source.start < range.end && range.end <= r.source.end)
        {
            Some(run) => text_offset(&self.text, source, run, range.end, true)?,
            None => {
                runs.iter()
                    .filter(|r| r.source.end < range.end)
                    .max_by_key(|r| r.source.end)?
                    .text
                    .end
            }
        };
        (start < end).then_some(start..end)
    }

    /// [`Document::source_range`] in characters, the unit of W3C selectors:
    /// canonical characters in, characters of [`Document::source`] out.
    pub fn source_chars(&self, start: CharOffset, end: CharOffset) -> Option<Range<CharOffset>> {
        let range = self.source_range(self.byte_offset(start)..self.byte_offset(end))?;
        let source = self.source();
        let before = source.get(..range.start)?.chars().count();
        let len = source.get(range.clone())?.chars().count();
        Some(CharOffset::new(before)..CharOffset::new(before + len))
    }

    /// [`Document::text_range`] in characters: characters of
    /// [`Document::source`] in, canonical characters out (for reading a W3C
    /// position selector); `None` when the range reaches past the source.
    pub fn text_chars(&self, start: CharOffset, end: CharOffset) -> Option<Range<CharOffset>> {
        let source = self.source();
        // A position past the end of the file names nothing in it.
        if source.chars().count() < end.get() {
            return None;
        }
        let byte = |chars: CharOffset| {
            source
                .char_indices()
                .nth(chars.get())
                .map_or(source.len(), |(i, _)| i)
        };
        let range = self.text_range(byte(start)..byte(end))?;
        Some(self.char_offset(range.start)..self.char_offset(range.end))
    }
}

impl Document {
    /// [`Document::text_chars`] for many ranges at once, with the same
    /// answers: an import of 100,000 W3C positions on one article would
    /// otherwise count the source's characters and align a whole run from
    /// its start for each of them. The source is walked once for all the
    /// ranges; a run whose text is its source byte for byte (plain text)
    /// maps offsets directly, and runs are found by binary search when
    /// their sources are in order (otherwise each range is converted on its
    /// own).
    pub fn text_chars_many(
        &self,
        ranges: &[(CharOffset, CharOffset)],
    ) -> Vec<Option<Range<CharOffset>>> {
        let runs = &self.source_map.runs;
        let ordered = runs
            .windows(2)
            .all(|w| w[0].source.end <= w[1].source.start && w[0].text.end <= w[1].text.start);
        if !ordered {
            return ranges.iter().map(|&(s, e)| self.text_chars(s, e)).collect();
        }
        let source = self.source();
        let text = &self.text;
        let identical: Vec<bool> = runs
            .iter()
            .map(|r| {
                text.get(r.text.clone()).is_some()
                    && text.get(r.text.clone()) == source.get(r.source.clone())
            })
            .collect();
        // Every end point's byte in the source, in one walk.
        let mut wanted: Vec<usize> = ranges
            .iter()
            .flat_map(|&(s, e)| [s.get(), e.get()])
            .collect();
        wanted.sort_unstable();
        wanted.dedup();
        let mut bytes: Vec<(usize, usize)> = Vec::with_capacity(wanted.len());
        let mut next = wanted.iter().peekable();
        let mut count = 0;
        for (i, (b, _)) in source.char_indices().enumerate() {
            while next.peek().is_some_and(|&&w| w == i) {
                bytes.push((i, b));
                next.next();
            }
            count = i + 1;
        }
        for &w in next {
            if w == count {
                bytes.push((w, source.len()));
            }
        }
        let byte_of = |chars: usize| {
            bytes
                .binary_search_by_key(&chars, |p| p.0)
                .ok()
                .and_then(|i| bytes.get(i))
                .map(|p| p.1)
        };
        let offset = |i: usize, at: usize, end: bool| -> Option<usize> {
            let run = runs.get(i)?;
            if identical.get(i).copied().unwrap_or(false) {
                let at = at.checked_sub(run.source.start)?;
                return Some(run.text.start + at.min(run.text.len()));
            }
            text_offset(text, source, run, at, end)
        };
        ranges
            .iter()
            .map(|&(start, end)| {
                // A position past the end of the file names nothing in it.
                if count < end.get() {
                    return None;
                }
                let (s, e) = (byte_of(start.get())?, byte_of(end.get())?);
                if s >= e {
                    return None;
                }
                // The run holding `s`, else the first starting after it.
                let i = runs.partition_point(|r| r.source.end <= s);
                let t_start = match runs.get(i) {
                    Some(r) if r.source.start <= s => offset(i, s, false)?,
                    Some(r) => r.text.start,
                    None => return None,
                };
                // The run holding the byte before `e`, else the last ending
                // before it.
                let j = runs.partition_point(|r| r.source.end < e);
                let t_end = match runs.get(j) {
                    Some(r) if r.source.start < e => offset(j, e, true)?,
                    _ => runs.get(j.checked_sub(1)?)?.text.end,
                };
                (t_start < t_end).then(|| self.char_offset(t_start)..self.char_offset(t_end))
            })
            .collect()
    }
}

/// The source byte for canonical byte `at` inside `run`: where the character
/// at `at` starts (`end` false) or where the one before `at` ends (`end`
/// true).
fn source_offset(text: &str, source: &str, run: &Run, at: usize, end: bool) -> Option<usize> {
    let run_text = text.get(run.text.clone())?;
    let run_source = source.get(run.source.clone())?;
    let at = at.checked_sub(run.text.start)?;
    if at == 0 && !end {
        return Some(run.source.start);
    }
    if at >= run_text.len() {
        return Some(run.source.end);
    }
    let mut out = 0;
    align(run_text, run_source, |i, c, found| {
        if !end && i == at {
            out = found.map_or(out, |r| r.start);
            return true;
        }
        if let Some(r) = found {
            out = r.end;
        }
        end && i + c.len_utf8() >= at
    });
    Some(run.source.start + out)
}

/// The canonical byte for source byte `at` inside `run`: the first character
/// shown from at or after it (`end` false), or the end of the last one shown
/// from before it (`end` true).
fn text_offset(text: &str, source: &str, run: &Run, at: usize, end: bool) -> Option<usize> {
    let run_text = text.get(run.text.clone())?;
    let run_source = source.get(run.source.clone())?;
    let at = at.checked_sub(run.source.start)?;
    if at == 0 && !end {
        return Some(run.text.start);
    }
    if at >= run_source.len() {
        return Some(run.text.end);
    }
    let mut out = if end { 0 } else { run_text.len() };
    align(run_text, run_source, |i, c, found| {
        let Some(r) = found else {
            return false;
        };
        if end {
            if r.end <= at {
                out = i + c.len_utf8();
                false
            } else {
                true
            }
        } else if r.start >= at {
            out = i;
            true
        } else {
            false
        }
    });
    Some(run.text.start + out)
}

#[cfg(test)]
mod tests {
    use super::super::{Format, ParseOptions};
    use super::*;

    fn doc(source: &str, format: Format) -> Document {
        Document::parse_complete(source, format, ParseOptions::default())
    }

    /// The source text behind the first occurrence of `quote`.
    fn behind<'a>(d: &'a Document, quote: &str) -> &'a str {
        let start = d.text().find(quote).unwrap();
        let range = d.source_range(start..start + quote.len()).unwrap();
        &d.source()[range]
    }

    #[test]
    fn markdown_markup_stays_inside_the_source_range() {
        let d = doc(
            "# Title\n\nThe *amber bowls* cost \\$12 at `the fair`, said Ann.\n",
            Format::Markdown,
        );
        assert_eq!(behind(&d, "The amber bowls cost"), "The *amber bowls* cost");
        assert_eq!(behind(&d, "$12"), "\\$12");
        assert_eq!(
            behind(&d, "cost $12 at the fair,"),
            "cost \\$12 at `the fair`,"
        );
        assert_eq!(behind(&d, "amber"), "amber");
    }

    #[test]
    fn a_page_break_join_spans_the_blank_line() {
        let source =
            "A Tale\n\nIt was the best of times, it was the worst\n\nof times, said the clerk.\n";
        let d = doc(source, Format::Plain);
        assert!(d.text().contains("worst of times"), "{:?}", d.text());
        assert_eq!(behind(&d, "worst of times"), "worst\n\nof times");
    }

    #[test]
    fn lists_and_entities_map_to_their_words() {
        let d = doc(
            "Intro line.\n\n- first &amp; best\n- second item\n",
            Format::Markdown,
        );
        assert_eq!(behind(&d, "second item"), "second item");
        assert_eq!(behind(&d, "& best"), "&amp; best");
    }

    #[test]
    fn source_ranges_map_back_to_the_same_text() {
        let d = doc(
            "# Title\n\nThe *amber bowls* cost \\$12.\n\nAnother paragraph here.\n",
            Format::Markdown,
        );
        for quote in ["amber bowls cost", "$12", "Another paragraph", "Title"] {
            let start = d.text().find(quote).unwrap();
            let source = d.source_range(start..start + quote.len()).unwrap();
            assert_eq!(
                d.text_range(source),
                Some(start..start + quote.len()),
                "{quote}"
            );
        }
        // Markup around the words is left out going back.
        let star = d.source().find("*amber").unwrap();
        let back = d.text_range(star..star + "*amber bowls*".len()).unwrap();
        assert_eq!(d.slice(back), "amber bowls");
    }

    #[test]
    fn a_padded_table_cell_maps_its_words_to_the_file() {
        let source =
            "| Lamp | Fuel |\n|---|---|\n| `wick`        or `oil` | paraffin   and tallow |\n";
        let d = doc(source, Format::Markdown);
        assert!(
            d.text().contains("wick or oil\tparaffin and tallow"),
            "{:?}",
            d.text()
        );
        assert_eq!(behind(&d, "or"), "or");
        assert_eq!(behind(&d, "wick or"), "`wick`        or");
        assert_eq!(behind(&d, "paraffin and"), "paraffin   and");
        for quote in ["wick or oil", "or", "paraffin and tallow", "tallow"] {
            let start = d.text().find(quote).unwrap();
            let found = d.source_range(start..start + quote.len()).unwrap();
            assert_eq!(
                d.text_range(found),
                Some(start..start + quote.len()),
                "{quote}"
            );
        }
    }

    #[test]
    fn character_offsets_count_the_file_characters() {
        let d = doc("Café *crème* brûlée is sweet.\n", Format::Markdown);
        let start = d.char_offset(d.text().find("crème").unwrap());
        let end = CharOffset::new(start.get() + "crème brûlée".chars().count());
        let source = d.source_chars(start, end).unwrap();
        let got: String = d
            .source()
            .chars()
            .skip(source.start.get())
            .take(source.end.get() - source.start.get())
            .collect();
        assert_eq!(got, "crème* brûlée");
        assert_eq!(d.text_chars(source.start, source.end), Some(start..end));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]

        /// The batch conversion an import uses answers exactly as one range
        /// at a time does, in Markdown (markup, escapes, footnotes) and
        /// plain text (page breaks).
        #[test]
        fn many_ranges_convert_as_one_at_a_time(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "word ", "caf\u{e9} ", "*amber* ", "\\$12 ", "`code` ", "\n\n",
                    "x[^1] ", "\n\n[^1]: a note\n\n", "# Head\n\n", "- item\n", "  ",
                ]),
                0..40,
            ),
            markdown in proptest::prelude::any::<bool>(),
            ends in proptest::collection::vec((0usize..400, 0usize..400), 1..30),
        ) {
            let source: String = pieces.concat();
            let d = doc(&source, if markdown { Format::Markdown } else { Format::Plain });
            let ranges: Vec<(CharOffset, CharOffset)> = ends
                .iter()
                .map(|&(a, b)| (CharOffset::new(a), CharOffset::new(b)))
                .collect();
            let one: Vec<_> = ranges.iter().map(|&(s, e)| d.text_chars(s, e)).collect();
            proptest::prop_assert_eq!(d.text_chars_many(&ranges), one);
        }
    }
}
