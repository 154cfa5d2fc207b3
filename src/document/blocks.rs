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
    /// One table row; cells are separated by " | " in the text.
    TableRow {
        /// Whether this is the header row.
        header: bool,
    },
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
