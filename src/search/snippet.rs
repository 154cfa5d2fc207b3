//! The piece of a line shown for a match: a window of the line around its
//! first match, made safe for the terminal, with every match in the window
//! marked. Built once in the searcher so the ui and `gloss search` only print.

use std::borrow::Cow;
use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

use crate::document::sanitize;

/// Characters of context kept before the first match of a long line: enough
/// to fill a wide row, where [`Snippet::narrowed`] keeps less on a narrow one.
const BEFORE: usize = 80;
/// Characters a snippet holds at most: a 200-column row and some to spare.
const WIDTH: usize = 240;
/// At most this many cells of context before the first match when a row
/// is too narrow to show the snippet from its start.
const NARROW_BEFORE: usize = 40;

/// A line (or part of one) with its matches marked.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Snippet {
    /// The text, with no control characters (tabs are spaces).
    pub text: String,
    /// Byte ranges of `text` that matched.
    pub marks: Vec<Range<usize>>,
}

impl Snippet {
    /// The snippet of `line` whose matches are `matches` (byte ranges into
    /// `line`, in order, on char boundaries).
    pub fn of(line: &str, matches: &[Range<usize>]) -> Self {
        Self::window(line, matches, BEFORE, WIDTH)
    }

    /// The whole of `line`, made safe, with every match marked: what
    /// `gloss search` prints, as ripgrep prints whole lines.
    pub fn whole(line: &str, matches: &[Range<usize>]) -> Self {
        Self::window(line, matches, usize::MAX, usize::MAX)
    }

    /// At most `width` characters of `line`, from `before` characters
    /// before its first match.
    fn window(line: &str, matches: &[Range<usize>], before: usize, width: usize) -> Self {
        let line = line.trim_end_matches(['\n', '\r']);
        let first = matches.first().map_or(0, |m| m.start.min(line.len()));
        // A window of `width` characters starting `before` characters
        // before the first match (less at the start of the line).
        let start = line[..first]
            .char_indices()
            .rev()
            .nth(before.saturating_sub(1))
            .map_or(0, |(i, _)| i);
        let start = if line[..first].chars().count() <= before {
            0
        } else {
            word_start(line, start, first)
        };
        let end = line[start..]
            .char_indices()
            .nth(width)
            .map_or(line.len(), |(i, _)| start + i);
        let mut out = Snippet::default();
        if start > 0 {
            out.text.push('…');
        }
        let mut at = start;
        for m in matches {
            let (s, e) = (m.start.max(at), m.end.min(end));
            if s >= e {
                continue;
            }
            push_clean(&mut out.text, &line[at..s]);
            let mark_start = out.text.len();
            push_clean(&mut out.text, &line[s..e]);
            out.marks.push(mark_start..out.text.len());
            at = e;
        }
        push_clean(&mut out.text, &line[at..end]);
        if end < line.len() {
            out.text.push('…');
        }
        out
    }

    /// The snippet as a row of `width` cells shows it: whole when its first
    /// match ends within the row, else cut before that match (marked "…")
    /// so the match shows with up to a third of the row of context before
    /// it. The snippet is made before the row's width is known, so a wide
    /// row shows the line from its start and a narrow one still the match.
    pub fn narrowed(&self, width: usize) -> Cow<'_, Snippet> {
        let Some(first) = self.marks.first() else {
            return Cow::Borrowed(self);
        };
        let Some(upto) = self.text.get(..first.end) else {
            return Cow::Borrowed(self);
        };
        if upto.width() <= width {
            return Cow::Borrowed(self);
        }
        // One cell goes to the "…" that marks the cut.
        let lead = (width / 3).min(NARROW_BEFORE).saturating_sub(1);
        let mut cells = 0;
        let mut cut = first.start;
        for (i, g) in self.text[..first.start].grapheme_indices(true).rev() {
            cells += g.width();
            if cells > lead {
                break;
            }
            cut = i;
        }
        let cut = word_start(&self.text, cut, first.start);
        let ellipsis = "…";
        let mut text = String::with_capacity(ellipsis.len() + self.text.len() - cut);
        text.push_str(ellipsis);
        text.push_str(&self.text[cut..]);
        let shift = |at: usize| at - cut + ellipsis.len();
        // Every mark starts at or after the first, and the cut is before it.
        let marks = self
            .marks
            .iter()
            .map(|m| shift(m.start)..shift(m.end))
            .collect();
        Cow::Owned(Snippet { text, marks })
    }

    /// The text, trimmed of leading white space, with its marks moved to
    /// match (indented Markdown lines read better without the indent).
    pub fn trimmed(mut self) -> Self {
        let cut = self.text.len() - self.text.trim_start().len();
        if cut > 0 && self.marks.iter().all(|m| m.start >= cut) {
            self.text.drain(..cut);
            for m in &mut self.marks {
                *m = m.start - cut..m.end - cut;
            }
        }
        self
    }
}

/// What a search keeps of the lines it finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// For the app: the first [`super::MAX_HITS_PER_ARTICLE`] lines of an
    /// article, each a window around its first match without its indent
    /// (a row is one screen line).
    Rows,
    /// For `gloss search`: every matching line, whole, as ripgrep prints.
    AllLines,
}

impl Keep {
    /// The snippet kept of `line` with its `matches`.
    pub fn snippet(self, line: &str, matches: &[Range<usize>]) -> Snippet {
        match self {
            Keep::Rows => Snippet::of(line, matches).trimmed(),
            Keep::AllLines => Snippet::whole(line, matches),
        }
    }

    /// How many matching lines of one article are kept.
    pub fn limit(self) -> usize {
        match self {
            Keep::Rows => super::MAX_HITS_PER_ARTICLE,
            Keep::AllLines => usize::MAX,
        }
    }
}

/// Where a window cut at byte `at` of `text` should start: `at` itself
/// when a word starts there, else the start of the next word if one starts
/// within a few characters and before `limit` (the first match), so a snippet
/// opens with "…word" rather than "…rd".
fn word_start(text: &str, at: usize, limit: usize) -> usize {
    const NEAR: usize = 12;
    let prev_is_space = text[..at]
        .chars()
        .next_back()
        .is_none_or(char::is_whitespace);
    if prev_is_space {
        return at;
    }
    let mut seen_space = false;
    for (i, c) in text[at..limit].char_indices().take(NEAR) {
        if c.is_whitespace() {
            seen_space = true;
        } else if seen_space {
            return at + i;
        }
    }
    at
}

fn push_clean(out: &mut String, text: &str) {
    let clean = sanitize(text);
    out.extend(
        clean
            .chars()
            .map(|c| if c == '\t' || c == '\n' { ' ' } else { c }),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_every_match_and_cleans_controls() {
        let line = "a \u{1b}[31mfox and a fox\n";
        let first = line.find("fox").unwrap();
        let second = line.rfind("fox").unwrap();
        let s = Snippet::of(line, &[first..first + 3, second..second + 3]);
        assert!(!s.text.contains('\u{1b}'));
        let marked: Vec<&str> = s.marks.iter().map(|m| &s.text[m.clone()]).collect();
        assert_eq!(marked, ["fox", "fox"]);
    }

    #[test]
    fn a_long_line_is_cut_around_the_match() {
        let line = format!("{}needle{}", "x".repeat(500), "y".repeat(500));
        let s = Snippet::of(&line, std::slice::from_ref(&(500..506)));
        assert!(s.text.starts_with('…') && s.text.ends_with('…'));
        assert!(s.text.chars().count() <= WIDTH + 2);
        assert_eq!(&s.text[s.marks[0].clone()], "needle");
    }

    #[test]
    fn a_wide_row_shows_the_line_from_its_start_and_a_narrow_one_the_match() {
        // A paragraph line with the match 120 characters in: a 200-column
        // row has room for all of it before the match.
        let line = format!("{}needle and the rest of the line", "word ".repeat(24));
        let s = Keep::Rows.snippet(&line, std::slice::from_ref(&(120..126)));
        let wide = s.narrowed(190);
        assert!(wide.text.starts_with("…word"), "{}", wide.text);
        let cut_mid_word = Snippet::of(&format!("x{line}"), std::slice::from_ref(&(121..127)));
        assert!(
            cut_mid_word.text.starts_with("…word"),
            "{}",
            cut_mid_word.text
        );
        assert!(wide.text[..wide.marks[0].start].width() > 60);
        let short = Keep::Rows.snippet("short needle", std::slice::from_ref(&(6..12)));
        assert_eq!(short.narrowed(190).text, "short needle");
        // At 70 cells the match comes at most a third of the row in.
        let narrow = s.narrowed(70);
        assert!(narrow.text.starts_with('…'));
        let before = narrow.text[..narrow.marks[0].start].width();
        assert!((15..=23).contains(&before), "{before}: {}", narrow.text);
        assert_eq!(&narrow.text[narrow.marks[0].clone()], "needle");
    }

    #[test]
    fn narrowing_never_splits_a_wide_character() {
        let line = format!("{}needle", "語".repeat(100));
        let at = line.find("needle").unwrap();
        let s = Snippet::of(&line, std::slice::from_ref(&(at..at + 6)));
        let n = s.narrowed(31);
        assert_eq!(&n.text[n.marks[0].clone()], "needle");
        assert!(n.text[..n.marks[0].start].width() <= 10);
    }

    #[test]
    fn the_command_line_keeps_the_whole_line_with_its_indent() {
        let line = format!("    {}needle{}\n", "x".repeat(500), "y".repeat(500));
        let s = Keep::AllLines.snippet(&line, std::slice::from_ref(&(504..510)));
        assert_eq!(s.text, line.trim_end());
        assert_eq!(&s.text[s.marks[0].clone()], "needle");
        let rows = Keep::Rows.snippet("    short needle", std::slice::from_ref(&(10..16)));
        assert_eq!(rows.text, "short needle");
    }
}
