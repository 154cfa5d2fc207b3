//! Tables: columns sized to their text and to the width, each cell wrapped
//! inside its column, the cells of a row side by side; and finding a text
//! offset among the cells again.

use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

use super::cells::{cluster_width, drawn_width};
use super::prefix::Prefixes;
use super::wrap::{Breaks, WrapOptions, break_lines, widest_unbreakable};
use super::{BlockLines, LineKind, Segment, ViewLine, line_cells};
use crate::document::{ColumnAlign, Table};

/// Drawn between two columns.
const GAP: &str = " │ ";
/// Drawn between two columns when the wide gap leaves no room for the text.
const NARROW_GAP: &str = "│";
/// The header rule's crossing under [`GAP`] and [`NARROW_GAP`].
const GAP_RULE: &str = "─┼─";
const NARROW_GAP_RULE: &str = "┼";

/// How the columns are placed: their widths and the gap between them.
struct Columns {
    widths: Vec<usize>,
    gap: &'static str,
    gap_rule: &'static str,
}

impl Columns {
    /// Where column `c` starts, counted from the end of the prefix.
    fn start(&self, c: usize) -> usize {
        let gap = self.gap.chars().count();
        self.widths.iter().take(c).map(|w| w + gap).sum()
    }

    /// The column borders behind a row's text.
    fn borders(&self) -> String {
        self.line(" ", self.gap)
    }

    /// The rule under the header and between rows of several lines.
    fn rule(&self) -> String {
        self.line("─", self.gap_rule)
    }

    fn line(&self, fill: &str, gap: &str) -> String {
        let mut out = String::new();
        for (c, w) in self.widths.iter().enumerate() {
            if c > 0 {
                out.push_str(gap);
            }
            out.push_str(&fill.repeat(*w));
        }
        out
    }
}

/// Lays out the table over `text[range]` (the block `index`) after the
/// prefixes `pre`; `keep` are the runs that break only when wider than
/// their column (see [`Breaks::keep`]).
pub(super) fn lay_out(
    text: &str,
    range: Range<usize>,
    table: &Table,
    pre: &Prefixes,
    keep: &[Range<usize>],
    index: usize,
    options: WrapOptions,
) -> BlockLines {
    let width = options.width.max(1);
    let avail = width.saturating_sub(pre.width).max(1);
    let rows = cell_ranges(table, range.clone());
    let tab = options.tab_width;
    let breaks = Breaks {
        code: false,
        keep,
        indents: &[],
    };
    let blank_line = |range: Range<usize>| ViewLine {
        block: index,
        kind: LineKind::Blank,
        prefix: String::new(),
        prefix_width: 0,
        range,
        text_width: width,
        tab_width: tab,
        shift: 0,
        segments: Vec::new(),
        frame: String::new(),
        header: false,
    };
    let mut out = Lines {
        lines: Vec::new(),
        pre,
        index,
        avail,
        tab,
    };
    let labels = labels(text, &rows, usize::from(avail) / 3);
    match columns(text, &rows, table, breaks, &labels, usize::from(avail)) {
        Some(cols) => {
            let several = rows.iter().any(|(header, cells)| {
                !header
                    && cells.iter().zip(&cols.widths).any(|(cell, w)| {
                        break_lines(text, cell.clone(), breaks, *w, usize::from(tab)).len() > 1
                    })
            });
            let borders = cols.borders();
            for (r, (header, cells)) in rows.iter().enumerate() {
                let pieces: Vec<Vec<Range<usize>>> = cells
                    .iter()
                    .zip(&cols.widths)
                    .map(|(cell, w)| break_lines(text, cell.clone(), breaks, *w, usize::from(tab)))
                    .collect();
                let height = pieces.iter().map(Vec::len).max().unwrap_or(1);
                for k in 0..height {
                    let segments = pieces
                        .iter()
                        .enumerate()
                        .filter_map(|(c, p)| {
                            let piece = p.get(k)?.clone();
                            let w = cols.widths.get(c).copied().unwrap_or(1);
                            let w16 = u16::try_from(w).unwrap_or(u16::MAX);
                            let drawn = usize::from(drawn_width(text, piece.clone(), w16, tab));
                            let shift = match table.align_of(c) {
                                _ if drawn == 0 => 0,
                                ColumnAlign::Right => w.saturating_sub(drawn),
                                ColumnAlign::Center => w.saturating_sub(drawn) / 2,
                                ColumnAlign::Left | ColumnAlign::Default => 0,
                            };
                            Some(Segment {
                                range: piece,
                                col: to_u16(cols.start(c) + shift),
                                width: to_u16(w - shift),
                            })
                        })
                        .collect();
                    out.text(segments, borders.clone(), *header);
                }
                let row_end = cells.last().map_or(range.start, |c| c.end);
                let next_header = rows.get(r + 1).map(|(h, _)| *h);
                let rule = match next_header {
                    None => false,
                    Some(next) => (*header && !next) || (!*header && several),
                };
                if rule {
                    out.frame(cols.rule(), row_end);
                }
            }
        }
        None => {
            // Too many columns for the width: each cell on its own lines,
            // a body cell after its column's header as a label, rows
            // between rules.
            let w = usize::from(avail);
            for (r, (header, cells)) in rows.iter().enumerate() {
                if r > 0 {
                    let at = cells.first().map_or(range.start, |c| c.start);
                    out.frame("─".repeat(w), at);
                }
                // Every body cell carries its column's name: the header
                // row itself is only a line of the names, side by side.
                if *header && !labels.is_empty() {
                    pack_names(text, cells, breaks, w, tab, &mut out);
                    continue;
                }
                for (c, cell) in cells.iter().enumerate() {
                    let label = match labels.get(c) {
                        Some(l) if !*header => l.as_str(),
                        _ => "",
                    };
                    let indent = label.width();
                    let room = w.saturating_sub(indent).max(1);
                    let pieces = break_lines(text, cell.clone(), breaks, room, usize::from(tab));
                    for (k, piece) in pieces.into_iter().enumerate() {
                        let segment = Segment {
                            range: piece,
                            col: to_u16(indent),
                            width: to_u16(room),
                        };
                        let frame = if k == 0 {
                            label.to_string()
                        } else {
                            String::new()
                        };
                        out.text(vec![segment], frame, *header);
                    }
                }
            }
        }
    }
    let mut lines = out.lines;
    if lines.is_empty() {
        let segment = Segment {
            range: range.start..range.start,
            col: 0,
            width: avail,
        };
        let mut out = Lines {
            lines: Vec::new(),
            pre,
            index,
            avail,
            tab,
        };
        out.text(vec![segment], String::new(), false);
        lines = out.lines;
    }
    lines.push(blank_line(range.end..range.end));
    BlockLines { lines }
}

/// The lines of a table as they are made.
struct Lines<'p> {
    lines: Vec<ViewLine>,
    pre: &'p Prefixes,
    index: usize,
    avail: u16,
    tab: u8,
}

impl Lines<'_> {
    fn line(&self, kind: LineKind, range: Range<usize>) -> ViewLine {
        let prefix = if self.lines.is_empty() {
            &self.pre.first
        } else {
            &self.pre.rest
        };
        ViewLine {
            block: self.index,
            kind,
            prefix: prefix.clone(),
            prefix_width: self.pre.width,
            range,
            text_width: self.avail,
            tab_width: self.tab,
            shift: 0,
            segments: Vec::new(),
            frame: String::new(),
            header: false,
        }
    }

    /// A line of text: `segments` in text order over `frame`.
    fn text(&mut self, segments: Vec<Segment>, frame: String, header: bool) {
        let shown = segments.iter().filter(|s| !s.range.is_empty());
        let start = shown.clone().map(|s| s.range.start).min();
        let end = shown.map(|s| s.range.end).max();
        let range = match (start, end) {
            (Some(s), Some(e)) => s..e,
            _ => {
                let at = segments.first().map_or(0, |s| s.range.start);
                at..at
            }
        };
        let mut line = self.line(LineKind::Text, range);
        line.segments = segments;
        line.frame = frame;
        line.header = header;
        self.lines.push(line);
    }

    /// A rule: decoration only, placed at offset `at`.
    fn frame(&mut self, frame: String, at: usize) {
        let mut line = self.line(LineKind::Frame, at..at);
        line.frame = frame;
        self.lines.push(line);
    }
}

/// The header row of a stacked table: its cells side by side, ` · `
/// between them, on as many lines as they take (each still a piece of the
/// text, so a search or a selection finds them).
fn pack_names(
    text: &str,
    cells: &[Range<usize>],
    breaks: Breaks<'_>,
    w: usize,
    tab: u8,
    out: &mut Lines<'_>,
) {
    const BETWEEN: &str = " · ";
    const BETWEEN_CELLS: usize = 3;
    let (mut segments, mut frame, mut col) = (Vec::new(), String::new(), 0usize);
    for cell in cells {
        for piece in break_lines(text, cell.clone(), breaks, w, usize::from(tab)) {
            let width = usize::from(drawn_width(text, piece.clone(), to_u16(w), tab));
            if col > 0 && col + BETWEEN_CELLS + width > w {
                out.text(
                    std::mem::take(&mut segments),
                    std::mem::take(&mut frame),
                    true,
                );
                col = 0;
            }
            if col > 0 {
                frame.push_str(BETWEEN);
                col += BETWEEN_CELLS;
            }
            segments.push(Segment {
                range: piece,
                col: to_u16(col),
                width: to_u16(width.max(1)),
            });
            frame.push_str(&" ".repeat(width));
            col += width;
        }
    }
    if !segments.is_empty() {
        out.text(segments, frame, true);
    }
}

/// Each column's label for stacked rows: its header text cut to `max` cells,
/// then `: `; none when the table has no header row.
fn labels(text: &str, rows: &[(bool, Vec<Range<usize>>)], max: usize) -> Vec<String> {
    let Some((true, header)) = rows.first() else {
        return Vec::new();
    };
    header
        .iter()
        .map(|cell| {
            let name = text
                .get(cell.clone())
                .unwrap_or("")
                .replace(['\n', '\t'], " ");
            let mut out = String::new();
            let mut used = 0;
            for g in name.trim().graphemes(true) {
                let w = cluster_width(g);
                if used + w > max.saturating_sub(2) {
                    break;
                }
                used += w;
                out.push_str(g);
            }
            if out.is_empty() { out } else { out + ": " }
        })
        .collect()
}

fn to_u16(n: usize) -> u16 {
    u16::try_from(n).unwrap_or(u16::MAX)
}

/// Each row's header flag and its cells as document ranges, padded with
/// empty cells (at the row's end) to the table's column count.
fn cell_ranges(table: &Table, range: Range<usize>) -> Vec<(bool, Vec<Range<usize>>)> {
    let cols = table.columns();
    let base = range.start;
    let clamp = |at: usize| base.saturating_add(at).clamp(range.start, range.end);
    let mut last = range.start;
    table
        .rows
        .iter()
        .map(|row| {
            let mut cells: Vec<Range<usize>> = row
                .cells
                .iter()
                .map(|c| {
                    let start = clamp(c.start).max(last);
                    let end = clamp(c.end).max(start);
                    last = end;
                    start..end
                })
                .collect();
            while cells.len() < cols {
                cells.push(last..last);
            }
            (row.header, cells)
        })
        .collect()
}

/// A cell's widest line, in cells.
fn measure(text: &str, cell: Range<usize>, tab: u8) -> usize {
    let (mut widest, mut line) = (0, 0);
    for g in text.get(cell).unwrap_or("").graphemes(true) {
        match g {
            "\n" | "\r\n" => line = 0,
            "\t" => line += usize::from(tab),
            _ => line += cluster_width(g),
        }
        widest = widest.max(line);
    }
    widest
}

/// Column widths for `avail` cells: the text's own widths when they fit,
/// else every column gets its widest unbreakable word (see
/// [`widest_unbreakable`]) and the rest of the room goes to the columns
/// that want more, in proportion. `None` when not even one cell per column
/// fits, or when some column would have to split a word where the wrapper
/// may not break it, unless the word is too wide for a stacked cell after
/// its column's label in `labels` too: the cells read better stacked.
fn columns(
    text: &str,
    rows: &[(bool, Vec<Range<usize>>)],
    table: &Table,
    breaks: Breaks<'_>,
    labels: &[String],
    avail: usize,
) -> Option<Columns> {
    let n = table.columns().max(1);
    let (gap, gap_rule) = if n + 3 * (n - 1) <= avail {
        (GAP, GAP_RULE)
    } else if n + (n - 1) <= avail {
        (NARROW_GAP, NARROW_GAP_RULE)
    } else {
        return None;
    };
    let space = avail - gap.chars().count() * (n - 1);
    let mut natural = vec![1usize; n];
    let mut words = vec![1usize; n];
    for (_, cells) in rows {
        for (c, cell) in cells.iter().enumerate() {
            let w = measure(text, cell.clone(), 4);
            let label = labels.get(c).map_or(0, |l| l.width());
            let stacked = avail.saturating_sub(label).max(1);
            let word = widest_unbreakable(text, cell.clone(), breaks).min(stacked);
            if let (Some(nat), Some(wd)) = (natural.get_mut(c), words.get_mut(c)) {
                *nat = (*nat).max(w);
                *wd = (*wd).max(word);
            }
        }
    }
    let widths = if natural.iter().sum::<usize>() <= space {
        natural
    } else {
        let least: Vec<usize> = natural
            .iter()
            .zip(&words)
            .map(|(n, w)| (*n).min(*w).max(1))
            .collect();
        if least.iter().sum::<usize>() > space {
            // Some column is too narrow for a word of its own: words cut
            // anywhere (`document_di` / `r`) read worse than cells stacked
            // one under the other.
            return None;
        }
        grow(least, &natural, space)
    };
    Some(Columns {
        widths,
        gap,
        gap_rule,
    })
}

/// Widens columns from `least` towards `natural` in proportion to what each
/// still wants, until they fill `space`.
fn grow(mut widths: Vec<usize>, natural: &[usize], space: usize) -> Vec<usize> {
    let extra = space.saturating_sub(widths.iter().sum());
    let wants: Vec<usize> = widths
        .iter()
        .zip(natural)
        .map(|(w, n)| n.saturating_sub(*w))
        .collect();
    let total: usize = wants.iter().sum();
    if total == 0 {
        return widths;
    }
    for (w, want) in widths.iter_mut().zip(&wants) {
        let share = (extra as u128 * *want as u128 / total as u128) as usize;
        *w += share.min(*want);
    }
    let mut left = space.saturating_sub(widths.iter().sum());
    while left > 0 {
        let mut gave = false;
        for (w, n) in widths.iter_mut().zip(natural) {
            if left > 0 && *w < *n {
                *w += 1;
                left -= 1;
                gave = true;
            }
        }
        if !gave {
            break;
        }
    }
    widths
}

/// The line and column of `offset` in a table's lines: the cell that holds it,
/// else the end of the nearest cell piece before it (an offset on a tab or
/// line feed between cells, or at the end of an empty cell).
pub(super) fn locate(text: &str, lines: &BlockLines, offset: usize, width: u16) -> (usize, u16) {
    let mut best: Option<(usize, &Segment)> = None;
    for (i, line) in lines.lines.iter().enumerate() {
        for seg in &line.segments {
            if seg.range.start <= offset && offset < seg.range.end {
                let col = line_cells(text, line)
                    .find(|c| c.range.0 <= offset && offset < c.range.1)
                    .map(|c| c.col)
                    .unwrap_or_else(|| after(text, line, seg));
                return (i, col.min(width.saturating_sub(1)));
            }
            let key = (seg.range.end, seg.range.start);
            if seg.range.end <= offset
                && best.is_none_or(|(_, b)| key > (b.range.end, b.range.start))
            {
                best = Some((i, seg));
            }
        }
    }
    match best {
        Some((i, seg)) => {
            let col = lines.lines.get(i).map_or(0, |l| after(text, l, seg));
            (i, col.min(width.saturating_sub(1)))
        }
        None => {
            let first = lines.lines.iter().position(|l| l.kind == LineKind::Text);
            let i = first.unwrap_or(0);
            let col = lines.lines.get(i).map_or(0, |l| l.prefix_width);
            (i, col.min(width.saturating_sub(1)))
        }
    }
}

/// The column just after the last drawn cell of `seg` on `line`.
fn after(text: &str, line: &ViewLine, seg: &Segment) -> u16 {
    let drawn = drawn_width(text, seg.range.clone(), seg.width, line.tab_width);
    line.prefix_width + seg.col + drawn
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::document::{Document, Format, ParseOptions};
    use crate::layout::Layout;
    use unicode_width::UnicodeWidthStr;

    /// What a block's lines show: prefix, frame, then the cells over them.
    pub(crate) fn screen(text: &str, lines: &BlockLines) -> Vec<String> {
        lines
            .lines
            .iter()
            .filter(|l| l.kind != LineKind::Blank)
            .map(|l| {
                let mut row: Vec<String> = Vec::new();
                let mut put = |col: usize, s: &str| {
                    for (k, g) in s.graphemes(true).enumerate() {
                        while row.len() <= col + k {
                            row.push(" ".to_string());
                        }
                        row[col + k] = g.to_string();
                        for _ in 1..g.width() {
                            row.insert(col + k + 1, String::new());
                        }
                    }
                };
                put(0, &l.prefix);
                put(usize::from(l.prefix_width), &l.frame);
                for c in line_cells(text, l) {
                    put(usize::from(c.col), c.text);
                }
                row.concat().trim_end().to_string()
            })
            .collect()
    }

    fn table_screen(src: &str, width: u16) -> Vec<String> {
        let d = Document::parse_complete(src, Format::Markdown, ParseOptions::default());
        let mut layout = Layout::new(width);
        let lines = layout.ensure(&d, 0).clone();
        screen(d.text(), &lines)
    }

    const SMALL: &str =
        "| Name | Qty | Note |\n|:-----|----:|:----:|\n| apple | 3 | |\n| fig | 12 | ripe |\n";

    #[test]
    fn columns_line_up_with_a_header_rule_and_alignments() {
        assert_eq!(
            table_screen(SMALL, 40),
            [
                "Name  │ Qty │ Note",
                "──────┼─────┼─────",
                "apple │   3 │",
                "fig   │  12 │ ripe",
            ]
        );
    }

    #[test]
    fn narrow_tables_wrap_inside_their_cells() {
        let src = "| Option | Meaning |\n|---|---|\n| `--with-libyaml` | build against the system libyaml instead of the bundled copy |\n| `-q` | quiet |\n";
        let got = table_screen(src, 30);
        assert_eq!(
            got,
            [
                "Option         │ Meaning",
                "───────────────┼──────────────",
                "--with-libyaml │ build against",
                "               │ the system",
                "               │ libyaml",
                "               │ instead of",
                "               │ the bundled",
                "               │ copy",
                "───────────────┼──────────────",
                "-q             │ quiet",
            ]
        );
        for line in &got {
            assert!(line.width() <= 30, "{line}");
        }
    }

    #[test]
    fn too_many_columns_stack_the_cells() {
        let src = "| a | b | c | d |\n|---|---|---|---|\n| 1 | 2 | 3 | 4 |\n";
        assert_eq!(
            table_screen(src, 5),
            ["a · b", "c · d", "─────", "1", "2", "3", "4"]
        );
        let src = "| Name | Remarks |\n|---|---|\n| Marigold | keep clear of the buoys |\n";
        assert_eq!(
            table_screen(src, 12),
            [
                "Name",
                "Remarks",
                "────────────",
                "Na: Marigold",
                "Re: keep",
                "    clear of",
                "    the",
                "    buoys",
            ]
        );
    }

    #[test]
    fn columns_too_narrow_for_a_word_stack_the_cells_instead_of_cutting_it() {
        let src = "| Name | On the coast | Inland |\n|---|---|---|\n\
                   | `harbour_chart_dir` | `Some(HARBOUR_CHARTS_DIR)` or `None` | `Some({FOLDER_Charts})` |\n\
                   | `tide_dir` | `None` | `None` |\n";
        let got = table_screen(src, 40);
        let words = [
            "harbour_chart_dir",
            "Some(HARBOUR_CHARTS_DIR)",
            "Some({FOLDER_Charts})",
            "tide_dir",
        ];
        for word in words {
            assert!(
                got.iter().any(|line| line.contains(word)),
                "{word} was cut: {got:#?}"
            );
        }
        assert!(!got.iter().any(|l| l.contains(" │ ")), "{got:#?}");
    }

    #[test]
    fn a_table_whose_words_fit_their_columns_stays_a_table() {
        // Each column holds its longest word, though not its whole text: the
        // text wraps inside its cell, a compound at its hyphens.
        let src =
            "| Step | Task |\n|---|---|\n| 1 | relight the lighthouse-keeper-approved lamp |\n";
        assert_eq!(
            table_screen(src, 20),
            [
                "Step │ Task",
                "─────┼──────────────",
                "1    │ relight the",
                "     │ lighthouse-",
                "     │ keeper-",
                "     │ approved lamp",
            ]
        );
        // A word wider than a stacked cell too is cut either way: the table
        // keeps its columns.
        let src = "| Link |\n|---|\n| https://example.org/charts/harbour-approaches |\n";
        let got = table_screen(src, 24);
        assert_eq!(got[..2], ["Link", "────────────────────────"]);
    }

    #[test]
    fn offsets_map_to_their_cells_and_back() {
        let d = Document::parse_complete(SMALL, Format::Markdown, ParseOptions::default());
        let mut layout = Layout::new(40);
        let text = d.text();
        let lines = layout.ensure(&d, 0).clone();
        for (i, line) in lines.lines.iter().enumerate() {
            for cell in line_cells(text, line) {
                assert_eq!(locate(text, &lines, cell.range.0, 40), (i, cell.col));
                assert_eq!(
                    layout.offset_at(&d, crate::layout::LinePos { block: 0, line: i }, cell.col),
                    Some(cell.range.0)
                );
            }
        }
        // The empty cell of "apple": its line, at its column.
        let apple = text.find("apple").unwrap();
        let empty = text[apple..].find('\n').unwrap() + apple;
        assert_eq!(locate(text, &lines, empty, 40), (2, 14));
    }
}
