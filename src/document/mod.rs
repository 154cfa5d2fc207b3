//! The document model: an article parsed into blocks of styled spans over one
//! canonical text. Nothing here knows about terminals, so the model can be tested
//! and reused (layout, anchoring, export) without a screen.
//!
//! Offsets are byte offsets into [`Document::text`], always on `char` boundaries.
//! They are stable: parsing more of a large document only appends to the text, so
//! an offset handed out once never changes meaning. Stored anchors use character
//! offsets; [`Document::char_offset`] and [`Document::byte_offset`] convert.

mod anchors;
mod blocks;
mod char_offset;
mod decode;
mod detect;
pub mod epub;
mod footnotes;
mod front_matter;
mod head;
mod header;
mod html;
mod html_nesting;
mod html_page;
mod markdown;
mod meta;
pub mod motion;
mod offsets;
mod pandoc;
mod parse;
mod piece;
mod plain;
mod references;
mod repair;
mod sanitize;
mod segment;
mod source_map;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_html;
pub mod urls;

pub use anchors::{Anchor, heading_slug};
pub use blocks::{
    Block, BlockKind, ColumnAlign, Container, LineIndent, Link, Span, SpanStyle, Table, TableRow,
};
pub use char_offset::CharOffset;
pub use decode::{DecodeError, Decoded, decode, decode_owned, trim_cut_character};
pub use detect::detect_format;
pub use head::{Remainder, Whole};
pub use html_page::MAX_EXTRACTED_BYTES;
pub use meta::{Metadata, parse_date};
pub use sanitize::{fits_a_field, is_clean, placeholder_for, sanitize, sanitize_text};

use std::ops::Range;
use std::sync::Arc;

/// How the source text is read: CommonMark, or plain paragraphs with no marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// CommonMark via pulldown-cmark.
    Markdown,
    /// Blank-line separated paragraphs; no character has a special meaning.
    Plain,
    /// A saved web page: the readable content extracted (navigation, banners
    /// and scripts left out) and shown with the same blocks as Markdown.
    Html,
    /// HTML shown whole, without extraction: the raw view of a page whose
    /// extraction picked the wrong part, and HTML that is all content already
    /// (an EPUB chapter).
    HtmlRaw,
}

impl Format {
    /// True for both HTML formats (a page, extracted or raw).
    pub fn is_html(self) -> bool {
        matches!(self, Format::Html | Format::HtmlRaw)
    }
}

/// Options that change the canonical text, so two parses with equal options give
/// equal offsets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParseOptions {
    /// Join paragraphs that a PDF page break split mid-sentence.
    pub repair_page_breaks: bool,
}

impl Default for ParseOptions {
    fn default() -> Self {
        Self {
            repair_page_breaks: true,
        }
    }
}

/// An article: metadata plus blocks over one canonical text, parsed lazily so a
/// multi-megabyte file shows its first screen before the rest is read.
#[derive(Debug, Clone)]
pub struct Document {
    text: String,
    blocks: Vec<Block>,
    links: Vec<Link>,
    anchors: Vec<Anchor>,
    meta: Metadata,
    index: offsets::CharIndex,
    source_map: source_map::SourceMap,
    pending: parse::Pending,
}

impl Document {
    /// Reads the header (front matter, title, byline) and the first blocks; the
    /// rest is parsed on demand by [`Document::parse_more`].
    pub fn new(source: &str, format: Format, options: ParseOptions) -> Self {
        parse::start(Arc::new(source.to_string()), format, options)
    }

    /// Like [`Document::new`], but shares the caller's copy of the source
    /// instead of making its own (a large article is then held once).
    pub fn from_shared(source: Arc<String>, format: Format, options: ParseOptions) -> Self {
        parse::start(source, format, options)
    }

    /// A document of an article of which only the head is read yet (a
    /// long file's first part, cut at a line end): its first screen is
    /// parsed from `head`, and `rest` reads the rest when anything past it
    /// is needed; from then on it is the whole text's document, with the
    /// same offsets for everything parsed from the head. When the first
    /// screen could differ in the whole text (a reference defined further
    /// on), the rest is read at once.
    pub fn from_head(
        head: Arc<String>,
        format: Format,
        options: ParseOptions,
        rest: Arc<dyn Remainder>,
    ) -> Self {
        parse::from_head(head, format, options, rest)
    }

    /// True while only the head of the article is read (see
    /// [`Document::from_head`]).
    pub fn is_head_only(&self) -> bool {
        self.pending.is_head_only()
    }

    /// Why the rest of an article opened from its head could not be read
    /// (or changed while it was), when it could not: then the head was
    /// parsed as all there is, and saving notes against it would be wrong.
    pub fn unread_rest(&self) -> Option<&str> {
        self.pending.failure()
    }

    /// The source text as given, for fingerprinting the article.
    pub fn source(&self) -> &str {
        self.pending.source()
    }

    /// How the source was read, so a key can offer what only some formats
    /// have (the raw view of a web page).
    pub fn format(&self) -> Format {
        self.pending.format()
    }

    /// The text an article is identified by (its fingerprint): the source
    /// as written for Markdown and plain text, the extracted article for a
    /// web page, so a page saved again with another cookie banner or
    /// different scripts around the same article is still the same article.
    pub fn identity_text(&self) -> std::borrow::Cow<'_, str> {
        // A book read chapter by chapter is known by its whole source.
        if let Some(whole) = self.pending.book_rest().and_then(epub::Rest::whole_source) {
            return std::borrow::Cow::Borrowed(whole);
        }
        // An article opened from its head is known by its whole text.
        if let Some(whole) = self.pending.whole_source() {
            return identity_text(whole, self.format());
        }
        identity_text(self.source(), self.format())
    }

    /// True when both documents were parsed from the same read of the
    /// source (one shared copy), so one can extend the other: a later
    /// parse of the same open article, not of a reload or another file.
    pub fn shares_source(&self, other: &Document) -> bool {
        std::ptr::eq(self.source(), other.source()) || self.pending.same_origin(&other.pending)
    }

    /// Parses the whole source at once: for tests, exports and anchoring, where
    /// every offset is needed.
    pub fn parse_complete(source: &str, format: Format, options: ParseOptions) -> Self {
        let mut doc = Self::new(source, format, options);
        doc.ensure_complete();
        doc
    }

    /// The canonical text: what a reader sees, with markup removed, blocks joined
    /// by a blank line ("\n\n") and hard line breaks as "\n". It holds no control
    /// characters other than `\n` and `\t`.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Blocks parsed so far, in document order.
    pub fn blocks(&self) -> &[Block] {
        &self.blocks
    }

    /// Link targets, for features that open or export them.
    pub fn links(&self) -> &[Link] {
        &self.links
    }

    /// Named places written in the source (`<a id>`, footnote definitions), for
    /// in-document links; headings are found by [`Document::find_anchor`].
    pub fn anchors(&self) -> &[Anchor] {
        &self.anchors
    }

    /// Where an in-document link `#name` leads: an explicit anchor of that name,
    /// else the heading whose slug it is (GitHub's rule, duplicates numbered
    /// `-1`, `-2`); `None` when nothing parsed so far has that name.
    pub fn find_anchor(&self, name: &str) -> Option<usize> {
        let name = name.strip_prefix('#').unwrap_or(name);
        if let Some(a) = self.anchors.iter().find(|a| a.name == name) {
            return Some(a.offset);
        }
        anchors::find_heading(self, name)
    }

    /// Title, author and date, known before the body is parsed.
    pub fn meta(&self) -> &Metadata {
        &self.meta
    }

    /// True once every block of the source is in [`Document::blocks`].
    pub fn is_complete(&self) -> bool {
        self.pending.is_done()
    }

    /// Parses roughly `budget` more bytes of source; returns whether any block was
    /// added. Lets the app parse a large article between frames.
    pub fn parse_more(&mut self, budget: usize) -> bool {
        parse::more(self, budget)
    }

    /// A provisional document of about the last `bytes` of the source,
    /// complete on its own, so the end of a long article can be shown before
    /// everything above it is parsed (its offsets are its own: see
    /// [`Document::offset_from_tail`]). `None` when this document is complete
    /// or parsed nearly that far.
    pub fn provisional_tail(&self, bytes: usize) -> Option<Document> {
        parse::tail(self, bytes)
    }

    /// Where an offset of a provisional tail (from
    /// [`Document::provisional_tail`] of the same source) is in this complete
    /// document: by the tail's text being the end of this one, or else by
    /// finding the block that holds it. `None` when neither finds it.
    pub fn offset_from_tail(&self, tail: &Document, offset: usize) -> Option<usize> {
        let (text, part) = (self.text(), tail.text());
        if text.ends_with(part) {
            return Some(text.len() - part.len() + offset.min(part.len()));
        }
        let block = tail.blocks.get(tail.block_at(offset)?)?;
        let found = text.rfind(tail.slice(block.range.clone()))?;
        let within = offset.saturating_sub(block.range.start);
        Some(floor_char_boundary(text, found + within))
    }

    /// Parses whatever is left.
    pub fn ensure_complete(&mut self) {
        while !self.is_complete() {
            self.parse_more(usize::MAX);
        }
    }

    /// Fraction of the source parsed so far (1.0 when complete), for progress
    /// estimates before the whole text is known.
    pub fn parsed_fraction(&self) -> f64 {
        self.pending.fraction()
    }

    /// Index of the block that holds `offset`, or the first block after it when
    /// the offset falls between blocks; `None` past the last parsed block.
    pub fn block_at(&self, offset: usize) -> Option<usize> {
        let i = self.blocks.partition_point(|b| b.range.end < offset);
        (i < self.blocks.len()).then_some(i)
    }

    /// Converts a byte offset in the canonical text to a character offset, the
    /// unit stored in annotation files and W3C selectors.
    pub fn char_offset(&self, byte: usize) -> CharOffset {
        let byte = floor_char_boundary(&self.text, byte.min(self.text.len()));
        CharOffset::new(self.index.char_offset(&self.text, byte))
    }

    /// Converts a stored character offset to a byte offset (clamped to the
    /// text's end).
    pub fn byte_offset(&self, chars: CharOffset) -> usize {
        self.index.byte_offset(&self.text, chars.get())
    }

    /// The canonical text of a range, clamped to the text parsed so far.
    pub fn slice(&self, range: Range<usize>) -> &str {
        let end = floor_char_boundary(&self.text, range.end.min(self.text.len()));
        let start = floor_char_boundary(&self.text, range.start.min(end));
        &self.text[start..end]
    }
}

/// Title, author and date from the start of a source alone (front matter,
/// title line and byline), without parsing the body: what the library list
/// needs from every file.
pub fn read_metadata(source: &str, format: Format) -> Metadata {
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    if format.is_html() {
        return html_page::read_metadata(source).or(Metadata::default());
    }
    let (front, body_from) = front_matter::split(source);
    let references = std::sync::OnceLock::new();
    let lookup = |label: &str| {
        references
            .get_or_init(|| references::References::gather(source))
            .get(label)
            .map(str::to_string)
    };
    front.or(header::read(source, body_from, format, &lookup).meta)
}

/// The text an article with this source is identified by (see
/// [`Document::identity_text`]): the source itself, except for a web page,
/// whose extracted article it is (also when the page is shown raw); an EPUB
/// book's HTML source is its own text, identified as it is.
pub fn identity_text(source: &str, format: Format) -> std::borrow::Cow<'_, str> {
    if format.is_html() && !epub::is_book_source(source, format) {
        let doc = Document::parse_complete(source, Format::Html, ParseOptions::default());
        std::borrow::Cow::Owned(doc.text)
    } else {
        std::borrow::Cow::Borrowed(source)
    }
}

/// Whether page-break repair would run on this source: false when its blank
/// lines are deliberate (hand-wrapped paragraphs or fenced code in its first
/// 64 KB), so tools and the reader can tell why nothing was joined.
pub fn repair_applies(source: &str, format: Format) -> bool {
    !format.is_html() && !repair::uses_blank_lines_deliberately(source, parse::rules(format))
}

/// The largest char boundary at or below `i` (stable `str::floor_char_boundary`
/// is not available on our minimum Rust).
pub fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}
