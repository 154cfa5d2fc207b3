//! Layout: wraps document blocks to a width and maps text offsets to screen cells
//! and back. Blocks are laid out one at a time and cached per width, so the cost
//! of a frame follows what is visible, not the size of the document.
// STUB bodies: a naive one-cell-per-char, no-wrap version so the app can be built;
// the real wrapping (grapheme clusters, unicode-width, tabs) replaces it.

use std::ops::Range;

use crate::document::{BlockKind, Document};

/// What a screen line shows besides text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    /// Text of a block (possibly empty, as a blank line inside a code block).
    Text,
    /// The blank line that separates a block from the next.
    Blank,
    /// A thematic break, drawn across the width.
    Rule,
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
    /// belong to the line that ends there).
    pub range: Range<usize>,
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
pub fn line_cells<'a>(text: &'a str, line: &ViewLine) -> impl Iterator<Item = Cell<'a>> + 'a {
    let start = line.range.start;
    let mut col = line.prefix_width;
    text[line.range.clone()].char_indices().map(move |(i, c)| {
        let cell = Cell {
            range: (start + i, start + i + c.len_utf8()),
            col,
            width: 1,
            text: &text[start + i..start + i + c.len_utf8()],
        };
        col += 1;
        cell
    })
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

/// Every block laid out so far at one width.
#[derive(Debug, Clone)]
pub struct Layout {
    width: u16,
    blocks: Vec<Option<BlockLines>>,
}

impl Layout {
    /// An empty layout for a text column `width` cells wide (at least 1).
    pub fn new(width: u16) -> Self {
        Self {
            width: width.max(1),
            blocks: Vec::new(),
        }
    }

    /// The width this layout wraps to.
    pub fn width(&self) -> u16 {
        self.width
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

    /// Lays out a block (once) and returns its lines.
    pub fn ensure(&mut self, doc: &Document, block: usize) -> &BlockLines {
        if self.blocks.len() <= block {
            self.blocks.resize(block + 1, None);
        }
        let width = self.width;
        self.blocks[block].get_or_insert_with(|| lay_out_block(doc, block, width))
    }

    /// Moves `delta` screen lines from `pos`, clamped to the blocks parsed so far.
    pub fn step(&mut self, doc: &Document, pos: LinePos, delta: isize) -> LinePos {
        let mut pos = pos;
        let mut left = delta.unsigned_abs();
        if doc.blocks().is_empty() {
            return LinePos::default();
        }
        while left > 0 {
            if delta > 0 {
                let n = self.ensure(doc, pos.block).lines.len();
                if pos.line + 1 < n {
                    pos.line += 1;
                } else if pos.block + 1 < doc.blocks().len() {
                    pos = LinePos { block: pos.block + 1, line: 0 };
                } else {
                    break;
                }
            } else if pos.line > 0 {
                pos.line -= 1;
            } else if pos.block > 0 {
                let n = self.ensure(doc, pos.block - 1).lines.len();
                pos = LinePos { block: pos.block - 1, line: n.saturating_sub(1) };
            } else {
                break;
            }
            left -= 1;
        }
        pos
    }

    /// Lays out and returns up to `n` line positions starting at `pos`.
    pub fn lines_from(&mut self, doc: &Document, pos: LinePos, n: usize) -> Vec<LinePos> {
        let mut out = Vec::with_capacity(n);
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

    /// The screen line and column of a text offset (the nearest place when the
    /// offset falls between blocks).
    pub fn locate(&mut self, doc: &Document, offset: usize) -> (LinePos, u16) {
        let Some(block) = doc.block_at(offset) else {
            let last = doc.blocks().len().saturating_sub(1);
            return (LinePos { block: last, line: 0 }, 0);
        };
        let lines = self.ensure(doc, block).lines.clone();
        for (i, l) in lines.iter().enumerate() {
            if l.kind == LineKind::Text && offset <= l.range.end {
                for cell in line_cells(doc.text(), l) {
                    if cell.range.1 > offset {
                        return (LinePos { block, line: i }, cell.col);
                    }
                }
                return (LinePos { block, line: i }, l.prefix_width + (l.range.end - l.range.start) as u16);
            }
        }
        (LinePos { block, line: 0 }, 0)
    }

    /// The text offset under a column of a screen line, if the line shows text.
    pub fn offset_at(&mut self, doc: &Document, pos: LinePos, col: u16) -> Option<usize> {
        self.ensure(doc, pos.block);
        let line = self.line(pos)?.clone();
        if line.kind != LineKind::Text {
            return None;
        }
        let mut last = None;
        for cell in line_cells(doc.text(), &line) {
            if col < cell.col + cell.width {
                return Some(cell.range.0);
            }
            last = Some(cell.range.0);
        }
        last.or(Some(line.range.start))
    }

    /// The top line of the last page, for jumping to the end.
    pub fn last_page_top(&mut self, doc: &Document, height: usize) -> LinePos {
        let last = doc.blocks().len().saturating_sub(1);
        let n = self.ensure(doc, last).lines.len();
        let end = LinePos { block: last, line: n.saturating_sub(1) };
        self.step(doc, end, -(height.saturating_sub(1) as isize))
    }
}

fn lay_out_block(doc: &Document, index: usize, width: u16) -> BlockLines {
    let block = &doc.blocks()[index];
    let mut lines = Vec::new();
    if block.kind == BlockKind::Rule {
        lines.push(ViewLine { block: index, kind: LineKind::Rule, prefix: String::new(), prefix_width: 0, range: block.range.clone() });
    } else {
        let text = doc.text();
        let mut start = block.range.start;
        let mut count = 0u16;
        for (i, c) in text[block.range.clone()].char_indices() {
            let at = block.range.start + i;
            if c == '\n' || count == width {
                lines.push(ViewLine { block: index, kind: LineKind::Text, prefix: String::new(), prefix_width: 0, range: start..at });
                start = if c == '\n' { at + 1 } else { at };
                count = 0;
            }
            if c != '\n' {
                count += 1;
            }
        }
        lines.push(ViewLine { block: index, kind: LineKind::Text, prefix: String::new(), prefix_width: 0, range: start..block.range.end });
    }
    lines.push(ViewLine { block: index, kind: LineKind::Blank, prefix: String::new(), prefix_width: 0, range: block.range.end..block.range.end });
    BlockLines { lines }
}
