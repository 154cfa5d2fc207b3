//! Measuring grapheme clusters and turning a laid-out line into cells. Wrapping
//! and drawing both measure through here, so a line never draws wider than the
//! wrapper planned.

use std::ops::Range;

use unicode_segmentation::{GraphemeIndices, UnicodeSegmentation};
use unicode_width::UnicodeWidthStr;

use super::{Cell, ViewLine};

/// Drawn instead of a cluster that is wider than the whole text column (a CJK
/// character at width 1): the layout never places a cell past the width.
pub const PLACEHOLDER: &str = "?";

/// Spaces a tab is drawn with; tabs are at most `MAX_TAB_WIDTH` wide.
const SPACES: &str = "        ";

/// The widest tab stop we honour, so a tab's cells fit in one slice of spaces.
pub const MAX_TAB_WIDTH: u8 = 8;

/// Cells a cluster other than a tab or a line feed takes.
pub(super) fn cluster_width(g: &str) -> usize {
    g.width()
}

/// The grapheme clusters of `s` with their byte offsets, exactly as
/// `grapheme_indices(true)` gives them, without the Unicode tables when `s`
/// is ASCII (most prose): there each character is a cluster of its own,
/// except a CR LF pair. Wrapping and drawing walk every cluster of what
/// they show, so this is most of their work on plain English text.
pub(super) fn cluster_indices(s: &str) -> ClusterIndices<'_> {
    if s.is_ascii() {
        ClusterIndices::Ascii { s, at: 0 }
    } else {
        ClusterIndices::Unicode(s.grapheme_indices(true))
    }
}

/// The iterator of [`cluster_indices`].
pub(super) enum ClusterIndices<'a> {
    /// An ASCII string, a byte (or CR LF) at a time from `at`.
    Ascii { s: &'a str, at: usize },
    /// Anything else, through the Unicode segmentation rules.
    Unicode(GraphemeIndices<'a>),
}

impl<'a> Iterator for ClusterIndices<'a> {
    type Item = (usize, &'a str);

    fn next(&mut self) -> Option<(usize, &'a str)> {
        match self {
            Self::Ascii { s, at } => {
                let start = *at;
                let bytes = s.as_bytes();
                let first = *bytes.get(start)?;
                let len = if first == b'\r' && bytes.get(start + 1) == Some(&b'\n') {
                    2
                } else {
                    1
                };
                *at = start + len;
                Some((start, s.get(start..start + len)?))
            }
            Self::Unicode(graphemes) => graphemes.next(),
        }
    }
}

/// True for whitespace that may hang past the right edge at a wrap point.
pub(super) fn is_blank(g: &str) -> bool {
    g == " " || g == "\t"
}

/// Cells a tab at `col` takes: up to the next stop, cut at the edge `limit`.
/// `None` when the line is already full.
pub(super) fn tab_advance(col: usize, tab_width: usize, limit: usize) -> Option<usize> {
    if col >= limit {
        return None;
    }
    let tab_width = tab_width.max(1);
    Some((tab_width - col % tab_width).min(limit - col))
}

/// Cells a cluster takes at `col` on a text column `limit` wide, `None` for a
/// tab that finds the line full.
pub(super) fn advance(g: &str, col: usize, tab_width: usize, limit: usize) -> Option<usize> {
    if g == "\t" {
        tab_advance(col, tab_width, limit)
    } else {
        Some(cluster_width(g))
    }
}

/// Iterator behind [`super::line_cells`]: the cells of each of the line's
/// pieces of text in turn (one piece, or one per table cell).
pub(super) struct LineCells<'a> {
    current: PartCells<'a>,
    /// The table pieces after the current one: range, first column, width.
    rest: std::vec::IntoIter<(Range<usize>, u16, u16)>,
}

impl<'a> LineCells<'a> {
    pub(super) fn new(text: &'a str, line: &ViewLine) -> Self {
        if line.segments.is_empty() {
            return Self {
                current: PartCells::new(
                    text,
                    line.range.clone(),
                    line.prefix_width,
                    line.text_width,
                    line.tab_width,
                ),
                rest: Vec::new().into_iter(),
            };
        }
        let mut parts: Vec<(Range<usize>, u16, u16)> = line
            .segments
            .iter()
            .map(|s| {
                (
                    s.range.clone(),
                    line.prefix_width.saturating_add(s.col),
                    s.width,
                )
            })
            .collect();
        let first = parts.remove(0);
        Self {
            current: PartCells::new(text, first.0, first.1, first.2, line.tab_width),
            rest: parts.into_iter(),
        }
    }
}

impl<'a> Iterator for LineCells<'a> {
    type Item = Cell<'a>;

    fn next(&mut self) -> Option<Cell<'a>> {
        loop {
            if let Some(cell) = self.current.next() {
                return Some(cell);
            }
            let (range, base, width) = self.rest.next()?;
            let tab_width = self.current.tab_width as u8;
            self.current = PartCells::new(self.current.text, range, base, width, tab_width);
        }
    }
}

/// How many cells `text[range]` takes when drawn in a column `limit` cells
/// wide (whitespace hanging past the edge does not count).
pub(super) fn drawn_width(text: &str, range: Range<usize>, limit: u16, tab_width: u8) -> u16 {
    PartCells::new(text, range, 0, limit, tab_width)
        .last()
        .map_or(0, |c| c.col + c.width)
}

/// The cells of one run of text placed at column `base` in `limit` cells.
struct PartCells<'a> {
    text: &'a str,
    offset: usize,
    graphemes: std::iter::Peekable<ClusterIndices<'a>>,
    base: u16,
    col: usize,
    limit: usize,
    tab_width: usize,
    done: bool,
}

impl<'a> PartCells<'a> {
    fn new(text: &'a str, range: Range<usize>, base: u16, limit: u16, tab_width: u8) -> Self {
        let end = range.end.min(text.len());
        let start = range.start.min(end);
        let slice = text.get(start..end).unwrap_or("");
        Self {
            text,
            offset: start,
            graphemes: cluster_indices(slice).peekable(),
            base,
            col: 0,
            limit: usize::from(limit),
            tab_width: usize::from(tab_width),
            done: false,
        }
    }

    /// Absorbs the zero-width clusters after a cell, returning the new end.
    fn absorb_zero_width(&mut self, mut end: usize) -> usize {
        while let Some(&(j, h)) = self.graphemes.peek() {
            if h == "\n" || h == "\t" || cluster_width(h) != 0 {
                break;
            }
            end = self.offset + j + h.len();
            self.graphemes.next();
        }
        end
    }
}

impl<'a> Iterator for PartCells<'a> {
    type Item = Cell<'a>;

    fn next(&mut self) -> Option<Cell<'a>> {
        if self.done {
            return None;
        }
        // Zero-width clusters at the start of a line join the first cell.
        let mut start = None;
        loop {
            let Some((i, g)) = self.graphemes.next() else {
                self.done = true;
                return None;
            };
            let at = self.offset + i;
            if g == "\n" || g == "\r\n" {
                self.done = true;
                return None;
            }
            let Some(mut width) = advance(g, self.col, self.tab_width, self.limit) else {
                self.done = true;
                return None;
            };
            if width == 0 {
                start.get_or_insert(at);
                continue;
            }
            let mut placeholder = false;
            if self.col + width > self.limit {
                if self.col > 0 || self.limit == 0 {
                    // Whitespace hanging past the edge at a wrap point: not drawn.
                    self.done = true;
                    return None;
                }
                placeholder = true;
                width = 1;
            }
            let from = start.unwrap_or(at);
            let end = self.absorb_zero_width(at + g.len());
            let text = if g == "\t" {
                SPACES.get(..width).unwrap_or(" ")
            } else if placeholder {
                PLACEHOLDER
            } else {
                self.text.get(from..end).unwrap_or(PLACEHOLDER)
            };
            let col = self.base.saturating_add(self.col as u16);
            self.col += width;
            return Some(Cell {
                range: (from, end),
                col,
                width: width as u16,
                text,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::LineKind;

    fn line(range: std::ops::Range<usize>, text_width: u16) -> ViewLine {
        ViewLine {
            block: 0,
            kind: LineKind::Text,
            prefix: String::new(),
            prefix_width: 0,
            range,
            text_width,
            tab_width: 4,
            shift: 0,
            segments: Vec::new(),
            frame: String::new(),
            header: false,
        }
    }

    fn cells(text: &str, width: u16) -> Vec<(usize, usize, u16, u16, String)> {
        LineCells::new(text, &line(0..text.len(), width))
            .map(|c| (c.range.0, c.range.1, c.col, c.width, c.text.to_string()))
            .collect()
    }

    #[test]
    fn wide_and_combining_clusters() {
        // "é" as e + combining acute stays one 1-cell cluster; CJK takes 2 cells.
        let got = cells("e\u{301}中", 10);
        assert_eq!(
            got,
            vec![
                (0, 3, 0, 1, "e\u{301}".to_string()),
                (3, 6, 1, 2, "中".to_string())
            ]
        );
    }

    #[test]
    fn emoji_zwj_sequence_is_one_two_cell_cluster() {
        let family = "👨\u{200d}👩\u{200d}👧";
        let got = cells(family, 10);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].3, 2);
        assert_eq!((got[0].0, got[0].1), (0, family.len()));
    }

    #[test]
    fn tab_expands_to_next_stop() {
        let got = cells("ab\tc", 10);
        assert_eq!(got[2], (2, 3, 2, 2, "  ".to_string()));
        assert_eq!(got[3].2, 4);
    }

    #[test]
    fn zero_width_space_joins_previous_cell() {
        let got = cells("a\u{200b}b", 10);
        assert_eq!(got.len(), 2);
        assert_eq!((got[0].0, got[0].1), (0, 4));
        assert_eq!(got[1].2, 1);
    }

    #[test]
    fn wide_cluster_at_width_one_becomes_placeholder() {
        let got = cells("中", 1);
        assert_eq!(got, vec![(0, 3, 0, 1, PLACEHOLDER.to_string())]);
    }

    #[test]
    fn blanks_past_the_edge_are_not_drawn() {
        let got = cells("ab   ", 3);
        assert_eq!(got.len(), 3);
        assert!(got.iter().all(|c| c.2 + c.3 <= 3));
    }
}
