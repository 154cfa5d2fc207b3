//! Blocks and spans: the structure of an article over its canonical text.

use std::ops::Range;

/// What a block is, which decides how it is laid out and whether page-break
/// repair may join it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlockKind {
    /// A heading of level 1 to 6; the article title is the first level-1 heading.
    Heading(u8),
    /// A body paragraph.
    Paragraph,
    /// A byline or date line under the title, shown dimmed.
    Byline,
    /// Preformatted code; its text keeps its line breaks and tabs.
    Code {
        /// The fence's info string (language), empty when none.
        lang: String,
    },
    /// A thematic break; its range is empty.
    Rule,
    /// A table: its cells are separated by `\t` and its rows by `\n` in the
    /// text (so a copied selection pastes into a spreadsheet), and
    /// [`Table`] says where each cell is and how its column is aligned.
    Table(Table),
}

/// How a table column's text sits in its column, from the delimiter row
/// (`:--`, `:-:`, `--:`) or an HTML `align` attribute.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum ColumnAlign {
    /// No alignment given: laid out like `Left`.
    #[default]
    Default,
    /// Text starts at the column's left edge.
    Left,
    /// Text is centred in the column.
    Center,
    /// Text ends at the column's right edge (numbers line up).
    Right,
}

/// One table row: where its cells are, so layout can put each in its column.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableRow {
    /// A header row (drawn bold, with a rule under the last one).
    pub header: bool,
    /// Byte ranges of the cells, relative to the start of the table block,
    /// in order; an empty cell has an empty range. A row may have fewer
    /// cells than the table has columns: the rest are empty.
    pub cells: Vec<Range<usize>>,
}

/// A table's structure over its block's text. Layout reads it to align
/// columns; everything else sees the block as text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    /// The alignment of each column; the table has at least this many
    /// columns (more when a row has more cells).
    pub align: Vec<ColumnAlign>,
    /// The rows in order, header rows first.
    pub rows: Vec<TableRow>,
}

impl Table {
    /// How many columns the table has: the most cells in a row, or the
    /// number of alignments when that is larger.
    pub fn columns(&self) -> usize {
        self.rows
            .iter()
            .map(|r| r.cells.len())
            .max()
            .unwrap_or(0)
            .max(self.align.len())
    }

    /// The alignment of column `i`.
    pub fn align_of(&self, i: usize) -> ColumnAlign {
        self.align.get(i).copied().unwrap_or_default()
    }
}

/// Where a block sits inside block quotes and lists, so layout can draw quote
/// bars, bullets and indentation without the block carrying them as text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Container {
    /// How many block quotes enclose the block.
    pub quote_depth: u8,
    /// How many lists enclose the block.
    pub list_depth: u8,
    /// The list marker ("•", "3.") when the block starts a list item.
    pub marker: Option<String>,
    /// How the lines of a plain-text block laid out by hand (a Debian
    /// changelog's nested items, an indented value under a field) sit right
    /// of the block's edge: the indentation is not canonical text, so
    /// anchors do not move when it is drawn. Sorted by line; lines without
    /// an entry start at the edge and do not hang.
    pub indents: Vec<LineIndent>,
}

/// One line of a block drawn indented: the author's indentation kept, as a
/// pager would show it, without putting blanks into the text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LineIndent {
    /// Which line of the block: the number of `\n` before it in the block.
    pub line: u32,
    /// Columns between the block's edge and the line's first character.
    pub indent: u16,
    /// Further columns for the rows the line wraps to: the width of a list
    /// item's marker, so its wrapped text lines up under the text.
    pub hang: u16,
}

/// Inline styles; several can apply at once (a strong link).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct SpanStyle {
    /// `*emphasis*`
    pub emphasis: bool,
    /// `**strong**`
    pub strong: bool,
    /// `` `code` ``
    pub code: bool,
    /// Link text.
    pub link: bool,
    /// `~~strikethrough~~`
    pub strike: bool,
    /// `==highlighted==` or `<mark>`: a highlight written into the article
    /// (by a web clipper or a Markdown editor), drawn like one.
    pub mark: bool,
}

impl SpanStyle {
    /// True when no style applies, so renderers can skip work.
    pub fn is_plain(self) -> bool {
        self == Self::default()
    }
}

/// A styled run of canonical text. Only styled runs are stored; text not covered
/// by a span is plain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    /// Byte range in the canonical text.
    pub range: Range<usize>,
    /// The run's style.
    pub style: SpanStyle,
}

/// A link's text range and target, kept for features that open or export it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// Byte range of the link text in the canonical text.
    pub range: Range<usize>,
    /// The destination URL as written.
    pub url: String,
}

/// One leaf block: a paragraph, heading, code block, rule or table row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// What kind of block this is.
    pub kind: BlockKind,
    /// Byte range of the block's text in the canonical text.
    pub range: Range<usize>,
    /// Styled runs inside `range`, sorted and non-overlapping.
    pub spans: Vec<Span>,
    /// Enclosing quotes and lists.
    pub container: Container,
}
