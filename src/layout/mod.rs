//! Layout: wraps document blocks to a width and maps text offsets to screen cells
//! and back. Blocks are laid out one at a time and cached per width, so the cost
//! of a frame follows what is visible, not the size of the document.

mod cells;
mod prefix;
mod table;
mod wrap;

#[cfg(test)]
mod proptests;

use std::ops::Range;

use crate::document::{Block, BlockKind, Document};

pub use cells::{MAX_TAB_WIDTH, PLACEHOLDER};
use wrap::{WrapOptions, wrap_block};

/// Tab stops used when the caller does not choose.
pub const DEFAULT_TAB_WIDTH: u8 = 4;

/// How many widths a [`LayoutCache`] remembers.
pub const CACHED_WIDTHS: usize = 4;

/// How far back a list paragraph looks for its item's marker to align with it.
const MARKER_LOOKBACK: usize = 64;

/// What a screen line shows besides text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    /// Text of a block (possibly empty, as a blank line inside a code block).
    Text,
    /// The blank line that separates a block from the next.
    Blank,
    /// A thematic break, drawn across the width.
    Rule,
    /// Decoration only, drawn from [`ViewLine::frame`]: a table's header rule
    /// or row separator, a heading's underline. It shows no text.
    Frame,
}

/// One table cell's piece of text on a line: tables put several runs of text
/// on one line, each in its column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// The canonical text shown (part of one cell).
    pub range: Range<usize>,
    /// Where it starts, counted from the end of the prefix.
    pub col: u16,
    /// Cells it may take.
    pub width: u16,
}

/// One screen line of an article at a given width.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewLine {
    /// The block the line belongs to.
    pub block: usize,
    /// Text, separator or rule.
    pub kind: LineKind,
    /// Drawn before the text: indentation, quote bars, a list bullet. Not part of
    /// the canonical text, so it cannot be selected.
    pub prefix: String,
    /// Width of `prefix` in cells.
    pub prefix_width: u16,
    /// The canonical text shown on this line (trailing spaces at a wrap point
    /// belong to the line that ends there, and so does the `\n` of a hard break).
    pub range: Range<usize>,
    /// Cells left for text after the prefix, so [`line_cells`] knows where the
    /// edge is: whitespace past it is not drawn.
    pub text_width: u16,
    /// Tab stops of this layout, so [`line_cells`] expands tabs as wrapping did.
    pub tab_width: u8,
    /// How many columns left of the text column this line starts: a table or
    /// code block wider than the reading width may use the pane's margin.
    /// Cells' columns count from the line's own start.
    pub shift: u16,
    /// A table line's pieces of text, in text order; empty for every other
    /// line, whose text is `range`, drawn from the end of the prefix. On a
    /// table line `range` spans the pieces (other lines' pieces may fall
    /// inside it, since a row's cells wrap side by side).
    pub segments: Vec<Segment>,
    /// Drawn after the prefix, under the text, as decoration: a table's
    /// column borders and rules, a heading's underline. Empty for most lines.
    pub frame: String,
    /// Part of a table's header row, drawn bold.
    pub header: bool,
}

impl ViewLine {
    /// Whether this line draws the character at `offset` (for table lines,
    /// only their own pieces count, not the other cells' text `range` spans).
    pub fn shows(&self, offset: usize) -> bool {
        if self.segments.is_empty() {
            return self.range.contains(&offset);
        }
        self.segments.iter().any(|s| s.range.contains(&offset))
    }
}

/// A block's lines at one width.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BlockLines {
    /// Lines in order; the last is the blank separator after the block.
    pub lines: Vec<ViewLine>,
}

/// One grapheme cluster placed on a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cell<'a> {
    /// Byte range of the cluster in the canonical text.
    pub range: (usize, usize),
    /// Column of the cluster's first cell, counted from the start of the text
    /// column (the prefix occupies the first `prefix_width` columns).
    pub col: u16,
    /// Cells the cluster takes: 0 (never emitted), 1 or 2; a tab takes 1 to 8.
    pub width: u16,
    /// What to print: the cluster itself, or spaces for a tab.
    pub text: &'a str,
}

/// Walks the grapheme clusters of a line with their columns: the one place where
/// text becomes cells, shared by drawing and by offset mapping.
///
/// Zero-width clusters (a lone combining mark, a zero-width space) cannot be
/// pointed at, so they join the cell before them (or after them at the start of
/// a line). Whitespace hanging past the edge at a wrap point and the `\n` that
/// ends a line yield no cell. A cluster wider than the whole text column (a CJK
/// character at width 1) is drawn as a one-cell [`PLACEHOLDER`].
pub fn line_cells<'a>(text: &'a str, line: &ViewLine) -> impl Iterator<Item = Cell<'a>> + 'a {
    cells::LineCells::new(text, line)
}

/// A screen line identified by block and line within the block, so a position
/// stays valid without laying out the blocks before it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LinePos {
    /// Block index.
    pub block: usize,
    /// Line index within the block's [`BlockLines`].
    pub line: usize,
}

/// Every block laid out so far at one width. Blocks are laid out on demand and
/// never change once laid out, so positions stay valid while the document
/// grows.
#[derive(Debug, Clone)]
pub struct Layout {
    width: u16,
    /// What tables and code may use when they need more than `width`.
    wide: u16,
    tab_width: u8,
    blocks: Vec<Option<BlockLines>>,
}

/// What [`Layout::ensure`] returns for a block that is not parsed (yet).
static NO_LINES: BlockLines = BlockLines { lines: Vec::new() };

impl Layout {
    /// An empty layout for a text column `width` cells wide (at least 1), with
    /// tab stops every [`DEFAULT_TAB_WIDTH`] cells.
    pub fn new(width: u16) -> Self {
        Self::with_tab_width(width, DEFAULT_TAB_WIDTH)
    }

    /// An empty layout with tab stops every `tab_width` cells (1 to
    /// [`MAX_TAB_WIDTH`]), for readers who configure it.
    pub fn with_tab_width(width: u16, tab_width: u8) -> Self {
        Self::with_room(width, width, tab_width)
    }

    /// An empty layout whose text column is `width` cells wide, centred in a
    /// region `wide` cells wide that tables and code blocks may spread over
    /// when they need more room than the reading width.
    pub fn with_room(width: u16, wide: u16, tab_width: u8) -> Self {
        Self {
            width: width.max(1),
            wide: wide.max(width).max(1),
            tab_width: tab_width.clamp(1, MAX_TAB_WIDTH),
            blocks: Vec::new(),
        }
    }

    /// The width this layout wraps to.
    pub fn width(&self) -> u16 {
        self.width
    }

    /// The width wide blocks (tables, code) may use.
    pub fn wide(&self) -> u16 {
        self.wide
    }

    /// The tab stops this layout expands tabs to.
    pub fn tab_width(&self) -> u8 {
        self.tab_width
    }

    /// The lines of a block if it has been laid out; drawing uses this so it
    /// never needs `&mut`.
    pub fn get(&self, block: usize) -> Option<&BlockLines> {
        self.blocks.get(block).and_then(Option::as_ref)
    }

    /// The line at `pos`, if laid out.
    pub fn line(&self, pos: LinePos) -> Option<&ViewLine> {
        self.get(pos.block).and_then(|b| b.lines.get(pos.line))
    }

    /// Lays out a block (once) and returns its lines; no lines for a block that
    /// is not parsed.
    pub fn ensure(&mut self, doc: &Document, block: usize) -> &BlockLines {
        if block >= doc.blocks().len() {
            return &NO_LINES;
        }
        if self.blocks.len() <= block {
            self.blocks.resize(block + 1, None);
        }
        let options = WrapOptions {
            width: self.width,
            tab_width: self.tab_width,
        };
        let wide = self.wide;
        match self.blocks.get_mut(block) {
            Some(slot) => slot.get_or_insert_with(|| lay_out_wide_block(doc, block, options, wide)),
            None => &NO_LINES,
        }
    }

    /// Number of lines of a parsed block (at least 1: its blank separator).
    fn line_count(&mut self, doc: &Document, block: usize) -> usize {
        self.ensure(doc, block).lines.len().max(1)
    }

    /// `pos` moved onto a line that exists, or `None` for an empty document.
    fn clamp(&mut self, doc: &Document, pos: LinePos) -> Option<LinePos> {
        let last = doc.blocks().len().checked_sub(1)?;
        let block = pos.block.min(last);
        let n = self.line_count(doc, block);
        Some(LinePos {
            block,
            line: pos.line.min(n - 1),
        })
    }

    /// Moves `delta` screen lines from `pos`, clamped to the first line and to
    /// the last line of the blocks parsed so far.
    pub fn step(&mut self, doc: &Document, pos: LinePos, delta: isize) -> LinePos {
        let Some(mut pos) = self.clamp(doc, pos) else {
            return LinePos::default();
        };
        let last_block = doc.blocks().len().saturating_sub(1);
        let mut left = delta.unsigned_abs();
        if delta >= 0 {
            loop {
                let n = self.line_count(doc, pos.block);
                let room = n - 1 - pos.line;
                if left <= room {
                    pos.line += left;
                    return pos;
                }
                if pos.block >= last_block {
                    pos.line = n - 1;
                    return pos;
                }
                left -= room + 1;
                pos = LinePos {
                    block: pos.block + 1,
                    line: 0,
                };
            }
        }
        loop {
            if left <= pos.line {
                pos.line -= left;
                return pos;
            }
            if pos.block == 0 {
                pos.line = 0;
                return pos;
            }
            left -= pos.line + 1;
            let block = pos.block - 1;
            pos = LinePos {
                block,
                line: self.line_count(doc, block) - 1,
            };
        }
    }

    /// Lays out and returns up to `n` line positions starting at `pos`.
    pub fn lines_from(&mut self, doc: &Document, pos: LinePos, n: usize) -> Vec<LinePos> {
        let mut out = Vec::with_capacity(n.min(4096));
        let mut block = pos.block;
        let mut line = pos.line;
        while out.len() < n && block < doc.blocks().len() {
            let count = self.ensure(doc, block).lines.len();
            while line < count && out.len() < n {
                out.push(LinePos { block, line });
                line += 1;
            }
            block += 1;
            line = 0;
        }
        out
    }

    /// The screen line and column of a text offset. An offset between blocks
    /// maps to the start of the next block, one past the parsed text to the end
    /// of the last block. Whitespace hanging past the edge and the `\n` of a
    /// hard break map to just after the line's last cell (within the width).
    pub fn locate(&mut self, doc: &Document, offset: usize) -> (LinePos, u16) {
        let (block, offset) = match doc.block_at(offset) {
            Some(block) => (block, offset),
            None => match doc.blocks().len().checked_sub(1) {
                Some(last) => (last, doc.blocks().get(last).map_or(0, |b| b.range.end)),
                None => return (LinePos::default(), 0),
            },
        };
        let (width, wide) = (self.width, self.wide);
        let lines = self.ensure(doc, block);
        // A widened block's lines reach past the text column.
        let widened = lines
            .lines
            .iter()
            .any(|l| l.shift > 0 || l.prefix_width.saturating_add(l.text_width) > width);
        let edge = if widened { wide } else { width };
        let (line, col) = locate_in(doc.text(), lines, offset, edge);
        let shift = lines.lines.get(line).map_or(0, |l| l.shift);
        (LinePos { block, line }, col.saturating_sub(shift))
    }

    /// The text offset under a column of a screen line, if the line shows text:
    /// the cell under the column, the line's last cell past its end, the line's
    /// start when it has no cells. Columns count from the text column's left
    /// edge, as [`Layout::locate`]'s do, whatever the line's shift.
    pub fn offset_at(&mut self, doc: &Document, pos: LinePos, col: u16) -> Option<usize> {
        let line = self.ensure(doc, pos.block).lines.get(pos.line)?;
        offset_in(doc.text(), line, col.saturating_add(line.shift))
    }

    /// The top line of the last page, for jumping to the end: the last line sits
    /// at the bottom of a `height`-line screen, or the first line shows at the
    /// top when everything fits.
    pub fn last_page_top(&mut self, doc: &Document, height: usize) -> LinePos {
        let Some(last) = doc.blocks().len().checked_sub(1) else {
            return LinePos::default();
        };
        let n = self.line_count(doc, last);
        let end = LinePos {
            block: last,
            line: n - 1,
        };
        let up = isize::try_from(height.saturating_sub(1)).unwrap_or(isize::MAX);
        self.step(doc, end, -up)
    }
}

/// Layouts for the last few widths, so a reader resizing back and forth does not
/// lay the article out again each time.
#[derive(Debug, Clone)]
pub struct LayoutCache {
    tab_width: u8,
    /// The room wide blocks may use (see [`Layout::with_room`]); 0 for none.
    wide: u16,
    /// Least recently used first.
    layouts: Vec<Layout>,
}

impl Default for LayoutCache {
    fn default() -> Self {
        Self::new(DEFAULT_TAB_WIDTH)
    }
}

impl LayoutCache {
    /// An empty cache whose layouts expand tabs to `tab_width`.
    pub fn new(tab_width: u8) -> Self {
        Self {
            tab_width: tab_width.clamp(1, MAX_TAB_WIDTH),
            wide: 0,
            layouts: Vec::with_capacity(CACHED_WIDTHS),
        }
    }

    /// The layout used last (the current width), for drawing without `&mut`.
    pub fn current(&self) -> Option<&Layout> {
        self.layouts.last()
    }

    /// The layout for `width`, kept from earlier or made now (dropping the width
    /// used least recently when [`CACHED_WIDTHS`] are kept).
    pub fn get_mut(&mut self, width: u16) -> &mut Layout {
        let width = width.max(1);
        let wide = self.wide.max(width);
        match self
            .layouts
            .iter()
            .position(|l| l.width == width && l.wide == wide)
        {
            Some(i) => {
                let layout = self.layouts.remove(i);
                self.layouts.push(layout);
            }
            None => {
                if self.layouts.len() >= CACHED_WIDTHS {
                    self.layouts.remove(0);
                }
                self.layouts
                    .push(Layout::with_room(width, wide, self.tab_width));
            }
        }
        let last = self.layouts.len() - 1;
        &mut self.layouts[last]
    }

    /// Sets the room tables and code blocks may use from now on (the pane's
    /// full text width); layouts for other room are made anew.
    pub fn set_wide(&mut self, wide: u16) {
        self.wide = wide;
    }

    /// The room set by [`LayoutCache::set_wide`].
    pub fn wide(&self) -> u16 {
        self.wide
    }

    /// Forgets every layout, for when another document is opened.
    pub fn clear(&mut self) {
        self.layouts.clear();
    }
}

/// Lays out one block of `doc`; a table or code block that needs more than
/// the reading width is laid out in up to `wide` columns, shifted left into
/// the margin only as far as the room on the right does not suffice.
fn lay_out_wide_block(doc: &Document, index: usize, options: WrapOptions, wide: u16) -> BlockLines {
    let width = options.width.max(1);
    let may_widen = wide > width
        && doc
            .blocks()
            .get(index)
            .is_some_and(|b| matches!(b.kind, BlockKind::Table(_) | BlockKind::Code { .. }));
    if !may_widen {
        return lay_out_block(doc, index, options);
    }
    let mut lines = lay_out_block(
        doc,
        index,
        WrapOptions {
            width: wide,
            ..options
        },
    );
    let used = lines
        .lines
        .iter()
        .map(|l| line_extent(doc.text(), l))
        .max()
        .unwrap_or(0);
    if used <= width {
        return lay_out_block(doc, index, options);
    }
    let left = (wide - width) / 2;
    let right = wide - width - left;
    let shift = (used - width).saturating_sub(right).min(left);
    for line in &mut lines.lines {
        line.shift = shift;
    }
    lines
}

/// The columns a line takes from its start: prefix, frame and cells.
fn line_extent(text: &str, line: &ViewLine) -> u16 {
    if line.kind == LineKind::Blank {
        return 0;
    }
    let frame = u16::try_from(unicode_width::UnicodeWidthStr::width(line.frame.as_str()))
        .unwrap_or(u16::MAX);
    let cells = line_cells(text, line).last().map_or(0, |c| c.col + c.width);
    cells.max(line.prefix_width.saturating_add(frame))
}

/// Lays out one block of `doc`, looking back a few blocks for the markers that
/// set the indentation of the lists around it.
fn lay_out_block(doc: &Document, index: usize, options: WrapOptions) -> BlockLines {
    let Some(block) = doc.blocks().get(index) else {
        return BlockLines::default();
    };
    let indents = list_indents(doc.blocks(), index);
    let mut lines = wrap_block(
        doc.text(),
        block.range.clone(),
        &block.kind,
        &block.container,
        &block.spans,
        &indents,
        index,
        options,
    );
    if runs_into_next_item(doc.blocks(), index)
        && lines
            .lines
            .last()
            .is_some_and(|l| l.kind == LineKind::Blank)
    {
        lines.lines.pop();
    }
    lines
}

/// Whether the block at `index` runs straight into the next one: list items
/// into the next item sit on consecutive
/// lines, as lists read best.
fn runs_into_next_item(blocks: &[Block], index: usize) -> bool {
    let (Some(this), Some(next)) = (blocks.get(index), blocks.get(index + 1)) else {
        return false;
    };
    this.container.list_depth > 0
        && this.kind == BlockKind::Paragraph
        && next.container.list_depth > 0
        && next.container.marker.is_some()
        && next.container.quote_depth == this.container.quote_depth
}

/// The indentation of each list level around block `index`: the width of the
/// nearest earlier marker at that level plus its space, so a list item's second
/// paragraph lines up with its first.
fn list_indents(blocks: &[Block], index: usize) -> Vec<u16> {
    let depth = blocks
        .get(index)
        .map_or(0, |b| usize::from(b.container.list_depth));
    let mut indents = vec![0u16; depth];
    let mut missing = depth;
    for block in blocks
        .get(index.saturating_sub(MARKER_LOOKBACK)..index)
        .unwrap_or(&[])
        .iter()
        .rev()
    {
        if missing == 0 || block.container.list_depth == 0 {
            break;
        }
        let level = usize::from(block.container.list_depth);
        if let (Some(marker), Some(slot)) = (&block.container.marker, indents.get_mut(level - 1))
            && *slot == 0
        {
            let w = unicode_width::UnicodeWidthStr::width(marker.as_str()) + 1;
            *slot = u16::try_from(w).unwrap_or(u16::MAX);
            missing -= 1;
        }
    }
    for slot in &mut indents {
        if *slot == 0 {
            *slot = prefix::DEFAULT_LIST_INDENT;
        }
    }
    indents
}

/// Index of the line of `lines` that shows `offset`, and its column.
fn locate_in(text: &str, lines: &BlockLines, offset: usize, width: u16) -> (usize, u16) {
    if lines.lines.iter().any(|l| !l.segments.is_empty()) {
        return table::locate(text, lines, offset, width);
    }
    let shown = lines
        .lines
        .iter()
        .rposition(|l| l.kind == LineKind::Text)
        .unwrap_or(0);
    let i = lines
        .lines
        .partition_point(|l| l.kind != LineKind::Blank && l.range.end <= offset)
        .min(shown);
    let Some(line) = lines.lines.get(i) else {
        return (i, 0);
    };
    let mut after = line.prefix_width;
    for cell in line_cells(text, line) {
        if offset < cell.range.1 {
            return (i, cell.col);
        }
        after = cell.col + cell.width;
    }
    (i, after.min(width.saturating_sub(1)))
}

/// The offset under `col` on `line`; see [`Layout::offset_at`].
fn offset_in(text: &str, line: &ViewLine, col: u16) -> Option<usize> {
    if line.kind != LineKind::Text {
        return None;
    }
    let mut last = None;
    for cell in line_cells(text, line) {
        if col < cell.col + cell.width {
            return Some(cell.range.0);
        }
        last = Some(cell.range.0);
    }
    last.or(Some(line.range.start))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Format, ParseOptions};

    fn doc(src: &str) -> Document {
        Document::parse_complete(src, Format::Markdown, ParseOptions::default())
    }

    fn drawn(doc: &Document, layout: &mut Layout, block: usize) -> Vec<String> {
        let lines = layout.ensure(doc, block).clone();
        lines
            .lines
            .iter()
            .map(|l| {
                let mut s = l.prefix.clone();
                if l.kind == LineKind::Frame {
                    s.push_str(&l.frame);
                }
                s.extend(line_cells(doc.text(), l).map(|c| c.text));
                s
            })
            .collect()
    }

    #[test]
    fn paragraph_wraps_and_ends_with_blank() {
        let d = doc("# Title\n\nThe quick brown fox jumps over the lazy dog.");
        let mut layout = Layout::new(16);
        assert_eq!(drawn(&d, &mut layout, 0), ["Title", "═════", ""]);
        assert_eq!(
            drawn(&d, &mut layout, 1),
            ["The quick brown ", "fox jumps over ", "the lazy dog.", ""]
        );
    }

    #[test]
    fn step_and_lines_from_cross_blocks_and_clamp() {
        let d = doc("aaa bbb\n\nccc");
        let mut layout = Layout::new(4);
        // Block 0: "aaa ", "bbb", blank; block 1: "ccc", blank.
        let p = |block, line| LinePos { block, line };
        assert_eq!(layout.step(&d, p(0, 0), 3), p(1, 0));
        assert_eq!(layout.step(&d, p(0, 0), 100), p(1, 1));
        assert_eq!(layout.step(&d, p(1, 1), -4), p(0, 0));
        assert_eq!(layout.step(&d, p(1, 0), -100), p(0, 0));
        assert_eq!(
            layout.lines_from(&d, p(0, 2), 10),
            [p(0, 2), p(1, 0), p(1, 1)]
        );
        assert_eq!(layout.last_page_top(&d, 2), p(1, 0));
        assert_eq!(layout.last_page_top(&d, 50), p(0, 0));
    }

    #[test]
    fn empty_document_is_safe() {
        let d = doc("");
        let mut layout = Layout::new(1);
        assert_eq!(layout.step(&d, LinePos::default(), 5), LinePos::default());
        assert_eq!(layout.last_page_top(&d, 10), LinePos::default());
        assert_eq!(layout.locate(&d, 10), (LinePos::default(), 0));
        assert_eq!(layout.offset_at(&d, LinePos::default(), 0), None);
        assert!(layout.lines_from(&d, LinePos::default(), 5).is_empty());
    }

    #[test]
    fn locate_between_and_past_blocks() {
        let d = doc("abc\n\ndef");
        let mut layout = Layout::new(20);
        let second = d.blocks()[1].range.start;
        // In the separator: the start of the next block.
        assert_eq!(
            layout.locate(&d, second - 1),
            (LinePos { block: 1, line: 0 }, 0)
        );
        // Past the end: after the last cell of the last block.
        assert_eq!(layout.locate(&d, 999), (LinePos { block: 1, line: 0 }, 3));
    }

    #[test]
    fn offset_at_clicks_past_the_end_and_on_separators() {
        let d = doc("abc");
        let mut layout = Layout::new(20);
        let line = LinePos { block: 0, line: 0 };
        assert_eq!(layout.offset_at(&d, line, 1), Some(1));
        assert_eq!(layout.offset_at(&d, line, 15), Some(2));
        assert_eq!(layout.offset_at(&d, LinePos { block: 0, line: 1 }, 0), None);
    }

    fn list_block(depth: u8, marker: Option<&str>) -> Block {
        Block {
            kind: crate::document::BlockKind::Paragraph,
            range: 0..0,
            spans: Vec::new(),
            container: crate::document::Container {
                quote_depth: 0,
                list_depth: depth,
                marker: marker.map(str::to_string),
                ..Default::default()
            },
        }
    }

    #[test]
    fn list_paragraphs_line_up_with_their_item_markers() {
        let blocks = [
            list_block(0, None),
            list_block(1, Some("10.")),
            list_block(2, Some("•")),
            list_block(2, None),
            list_block(1, None),
        ];
        // Second paragraph of the nested item: under "10. " then "• ".
        assert_eq!(list_indents(&blocks, 3), [4, 2]);
        assert_eq!(list_indents(&blocks, 4), [4]);
        // No marker before (a new list after a plain paragraph): defaults.
        let plain = [list_block(0, None), list_block(2, None)];
        assert_eq!(list_indents(&plain, 1), [2, 2]);
    }

    #[test]
    fn cache_keeps_recent_widths() {
        let d = doc("one two three four");
        let mut cache = LayoutCache::default();
        cache.get_mut(10).ensure(&d, 0);
        cache.get_mut(20).ensure(&d, 0);
        assert!(cache.get_mut(10).get(0).is_some(), "width 10 was kept");
        for w in 30..30 + CACHED_WIDTHS as u16 {
            cache.get_mut(w);
        }
        assert!(cache.get_mut(10).get(0).is_none(), "oldest width dropped");
        assert_eq!(cache.get_mut(0).width(), 1);
    }

    #[test]
    fn layout_follows_a_growing_document() {
        // Large enough that opening it parses only a first part.
        let source: String = (0..30_000)
            .map(|i| format!("paragraph number {i}.\n\n"))
            .collect();
        let mut d = Document::new(&source, Format::Markdown, ParseOptions::default());
        let mut layout = Layout::new(20);
        assert!(!d.is_complete());
        let before = d.blocks().len();
        assert!(before >= 1);
        let first = layout.ensure(&d, 0).clone();
        assert!(layout.ensure(&d, before).lines.is_empty());
        d.ensure_complete();
        assert!(d.blocks().len() > before);
        assert_eq!(layout.ensure(&d, 0), &first);
        assert!(!layout.ensure(&d, before).lines.is_empty());
        let end = layout.step(&d, LinePos::default(), isize::MAX);
        assert_eq!(end.block, d.blocks().len() - 1);
    }
}
