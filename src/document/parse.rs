//! The lazy parsing driver: reads the header at once, then parses the body a
//! segment at a time, appending blocks so offsets never change once handed out.

use super::front_matter;
use super::head::Remainder;
use super::header;
use super::piece::Piece;
use super::references::References;
use super::repair;
use super::segment::{Rules, next_segment};
use super::{
    Anchor, Block, Document, Format, Link, ParseOptions, Span, html_page, markdown, plain,
};
use std::sync::{Arc, OnceLock};

/// Source bytes parsed by [`Document::new`] beyond the header: about a
/// first screen of prose at 120x40, so opening a long article parses no
/// more than it shows. A larger screen, or paragraphs that wait for a
/// continuation (page-break repair), get the rest from the reader, which
/// parses on until its screen is full (for an article opened from its
/// head, within the head: see [`more_until`]).
const FIRST_BUDGET: usize = 8 * 1024;

/// A repaired paragraph stops waiting for continuations at this size: real
/// page-break chains are short, and an unpunctuated file must not hide its
/// whole text behind one pending paragraph.
const JOIN_LIMIT: usize = 16 * 1024;

/// What is left to parse.
#[derive(Debug, Clone)]
pub(super) struct Pending {
    source: Arc<String>,
    format: Format,
    /// Where the next segment search starts.
    pos: usize,
    /// Where the body started, for progress estimates.
    body_start: usize,
    /// Whether page-break repair runs: asked for, and the source is not one
    /// whose blank lines are deliberate (decided once, from its start).
    repair: bool,
    /// A body paragraph that may continue in the next segment (page-break
    /// repair looks one block ahead before committing it).
    carry: Option<Piece>,
    /// A page number between the paragraph held in `carry` and what comes
    /// next: dropped when the next part continues the paragraph (the page
    /// break's debris), kept otherwise.
    debris: Option<Piece>,
    /// Markdown state that spans segments (footnotes, waiting anchors).
    markdown: markdown::Context,
    /// Plain text's least indent so far, which indentation is drawn from.
    margin: plain::Margin,
    done: bool,
    /// The article's link reference definitions, gathered from the whole
    /// source the first time a segment uses one it does not define (an
    /// article without reference links never pays for the pass).
    references: OnceLock<References>,
    /// A book's chapters not parsed yet, read from its archive as the
    /// reader gets to them (see `epub::Rest`); `None` for anything else.
    book: Option<Box<super::epub::Rest>>,
    /// The rest of an article opened from its head (`source` is then only
    /// the head): read, and the whole document put in this one's place,
    /// before anything past the first screen is parsed (see [`from_head`]).
    unread: Option<Unread>,
    /// Where a document opened from its head gets its rest, also once it
    /// is read: a document parsed from the whole text extends one parsed
    /// from the head of the same open file.
    origin: Option<Arc<dyn Remainder>>,
    /// Why the rest of an article opened from its head could not be read;
    /// the head was then parsed as all there is.
    failed: Option<String>,
}

/// The rest of an article opened from its head, and how to parse the whole.
#[derive(Debug, Clone)]
struct Unread {
    rest: Arc<dyn Remainder>,
    options: ParseOptions,
}

/// How far from the end of the head the first screen's parse must stop for
/// it to be the same as the whole text's: the segment it stopped in, and
/// anything the header or page-break repair looked at, ended well before
/// the cut.
const HEAD_MARGIN: usize = 64 * 1024;

impl Pending {
    /// What is left of a book whose chapters are read one by one: `source`
    /// is the start of its HTML source (the head), `rest` its chapters.
    pub(super) fn book(source: Arc<String>, format: Format, rest: Box<super::epub::Rest>) -> Self {
        Self {
            source,
            format,
            pos: 0,
            body_start: 0,
            repair: false,
            carry: None,
            debris: None,
            markdown: markdown::Context::default(),
            done: false,
            references: OnceLock::new(),
            book: Some(rest),
            unread: None,
            origin: None,
            failed: None,
            margin: plain::Margin::default(),
        }
    }

    /// A book's chapters still to read, taken out to read some.
    pub(super) fn take_book(&mut self) -> Option<Box<super::epub::Rest>> {
        self.book.take()
    }

    /// Puts a book's chapters back after reading some; `done` when none is
    /// left.
    pub(super) fn put_book(&mut self, rest: Box<super::epub::Rest>, done: bool) {
        self.book = Some(rest);
        self.done = done;
    }

    /// A book's chapters, when this is a book read chapter by chapter.
    pub(super) fn book_rest(&self) -> Option<&super::epub::Rest> {
        self.book.as_deref()
    }

    /// The whole source text.
    pub(super) fn source(&self) -> &str {
        &self.source
    }

    /// How the source is read.
    pub(super) fn format(&self) -> Format {
        self.format
    }

    pub(super) fn is_done(&self) -> bool {
        self.done
    }

    pub(super) fn fraction(&self) -> f64 {
        if let Some(book) = &self.book {
            return if self.done { 1.0 } else { book.fraction() };
        }
        let len = match &self.unread {
            Some(unread) => unread.rest.len(),
            None => self.source.len(),
        };
        let total = len.saturating_sub(self.body_start);
        if self.done || total == 0 {
            return 1.0;
        }
        let parsed = self.pos.saturating_sub(self.body_start);
        (parsed as f64 / total as f64).clamp(0.0, 1.0)
    }

    fn rules(&self) -> Rules {
        rules(self.format)
    }

    /// True while only the head of the article is read (see [`from_head`]).
    pub(super) fn is_head_only(&self) -> bool {
        self.unread.is_some()
    }

    /// The whole text of an article opened from its head (read now when it
    /// is not yet), or `None` for anything else or when it cannot be read.
    pub(super) fn whole_source(&self) -> Option<&str> {
        let rest = self.origin.as_ref()?;
        rest.whole().ok().map(|w| w.text.as_str())
    }

    /// See [`Pending::failed`].
    pub(super) fn failure(&self) -> Option<&str> {
        self.failed.as_deref()
    }

    /// True when both were opened from the head of the same open file.
    pub(super) fn same_origin(&self, other: &Pending) -> bool {
        match (&self.origin, &other.origin) {
            (Some(a), Some(b)) => super::head::same(a, b),
            _ => false,
        }
    }
}

/// A document of an article of which only the head (its first part, cut at
/// a line end) is read yet: the first screen is parsed from the head, and
/// `rest` reads the rest when anything past it is needed. The head is used
/// only when its parse cannot differ from the whole text's: it stopped well
/// before the cut, and used nothing gathered from the whole source (link
/// reference definitions, footnotes, which may be defined at the end);
/// otherwise the whole text is read at once, as if no head had been read.
pub(super) fn from_head(
    head: Arc<String>,
    format: Format,
    options: ParseOptions,
    rest: Arc<dyn Remainder>,
) -> Document {
    // The head's parse stops at the first reference link: its target may
    // be defined anywhere in the rest, so the whole text is read anyway.
    let mut doc = unparsed(head, format, options);
    if !doc.pending.done {
        more_until(&mut doc, FIRST_BUDGET, |p| p.references.get().is_some());
    }
    let pending = &doc.pending;
    let parsed = pending.source.get(..pending.pos).unwrap_or("");
    let certain = !format.is_html()
        && pending.book.is_none()
        && !pending.done
        && pending.pos.saturating_add(HEAD_MARGIN) <= pending.source.len()
        && pending.references.get().is_none()
        && !parsed.contains("[^");
    if certain {
        doc.pending.origin = Some(Arc::clone(&rest));
        doc.pending.unread = Some(Unread { rest, options });
        return doc;
    }
    // Nothing of the head's document was handed out yet: the whole one
    // simply takes its place.
    match rest.whole() {
        Ok(whole) => {
            let mut full = start(Arc::clone(&whole.text), format, options);
            full.pending.origin = Some(rest);
            full
        }
        Err(reason) => {
            doc.pending.failed = Some(reason);
            doc
        }
    }
}

/// How much of the whole text [`read_rest`] parses at a time to catch up
/// with the head's document.
const REST_STEP: usize = 64 * 1024;

/// Puts the whole document in the place of one opened from its head: the
/// rest is read (or taken, when another copy of the document read it),
/// and the whole text parsed as far as the head was, which gives the same
/// blocks at the same offsets. When the rest cannot be read, or the whole
/// text does not begin as the head did (the file changed between the two
/// reads), the head is parsed as all there is and the reason kept.
fn read_rest(doc: &mut Document) {
    let Some(unread) = doc.pending.unread.take() else {
        return;
    };
    let origin = doc.pending.origin.clone();
    match unread.rest.whole() {
        Ok(whole) => {
            let mut full = start(Arc::clone(&whole.text), doc.pending.format, unread.options);
            // As far as the head was parsed, a step at a time: a parse
            // going on to a reading position a megabyte in (while the
            // background parse still runs) must not parse to the end.
            while full.blocks.len() < doc.blocks.len() && !full.pending.done {
                more(&mut full, REST_STEP);
            }
            if extends(&full, doc) {
                full.pending.origin = origin;
                *doc = full;
                return;
            }
            doc.pending.failed = Some("the file changed while it was being read".to_string());
        }
        Err(reason) => doc.pending.failed = Some(reason),
    }
}

/// True when `full` holds every block of `part` as it is there, at the same
/// offsets: nothing handed out from `part` changes meaning in `full`.
fn extends(full: &Document, part: &Document) -> bool {
    let n = part.blocks.len();
    full.text.starts_with(&part.text)
        && full.blocks.get(..n) == Some(&part.blocks[..])
        && full.links.get(..part.links.len()) == Some(&part.links[..])
        && full.anchors.get(..part.anchors.len()) == Some(&part.anchors[..])
        && full.meta == part.meta
}

pub(super) fn rules(format: Format) -> Rules {
    match format {
        Format::Markdown => Rules::Markdown,
        Format::Plain | Format::Html | Format::HtmlRaw => Rules::Plain,
    }
}

pub(super) fn start(source: Arc<String>, format: Format, options: ParseOptions) -> Document {
    let mut doc = unparsed(source, format, options);
    if !doc.pending.done {
        more(&mut doc, FIRST_BUDGET);
    }
    doc
}

/// A document with its header read and none of its body parsed yet (a
/// page, which is parsed whole, comes back complete).
fn unparsed(source: Arc<String>, format: Format, options: ParseOptions) -> Document {
    // A BOM is not text; `decode` drops it, but callers may pass raw strings.
    let source: Arc<String> = match source.strip_prefix('\u{feff}') {
        Some(rest) => Arc::new(rest.to_string()),
        None => source,
    };
    if format.is_html() {
        return page(source, format);
    }
    let (fm_meta, body_from) = front_matter::split(&source);
    // The title's reference links are looked up in the whole source (of a
    // head, the head: asking makes the whole text be read, see
    // `from_head`).
    let references = OnceLock::new();
    let lookup = |label: &str| {
        references
            .get_or_init(|| References::gather(&source))
            .get(label)
            .map(str::to_string)
    };
    let header = header::read(&source, body_from, format, &lookup);
    let repair = options.repair_page_breaks
        && !repair::uses_blank_lines_deliberately(&source, rules(format));
    let markdown = match format {
        Format::Markdown => markdown::Context::new(&source),
        Format::Plain | Format::Html | Format::HtmlRaw => markdown::Context::default(),
    };
    let margin = match format {
        Format::Plain => plain::Margin::of_head(&source),
        Format::Markdown | Format::Html | Format::HtmlRaw => plain::Margin::default(),
    };
    let mut doc = Document {
        text: String::new(),
        blocks: Vec::new(),
        links: Vec::new(),
        anchors: Vec::new(),
        meta: fm_meta.or(header.meta),
        index: Default::default(),
        source_map: Default::default(),
        pending: Pending {
            source,
            format,
            pos: header.body_start,
            body_start: header.body_start,
            repair,
            carry: None,
            debris: None,
            markdown,
            done: false,
            references,
            book: None,
            unread: None,
            origin: None,
            failed: None,
            margin,
        },
    };
    for piece in header.pieces {
        commit(&mut doc, piece);
    }
    doc
}

/// A web page, parsed whole: HTML cannot be read a segment at a time, and
/// the page parser bounds its own work (see `html_page`).
fn page(source: Arc<String>, format: Format) -> Document {
    let page = html_page::parse(&source, format);
    let end = source.len();
    let mut doc = Document {
        text: String::new(),
        blocks: Vec::new(),
        links: Vec::new(),
        anchors: Vec::new(),
        meta: page.meta,
        index: Default::default(),
        source_map: Default::default(),
        pending: Pending {
            source,
            format,
            pos: end,
            body_start: 0,
            repair: false,
            carry: None,
            debris: None,
            markdown: markdown::Context::default(),
            done: true,
            references: OnceLock::new(),
            book: None,
            unread: None,
            origin: None,
            failed: None,
            margin: plain::Margin::default(),
        },
    };
    for piece in page.pieces {
        commit(&mut doc, piece);
    }
    doc
}

pub(super) fn more(doc: &mut Document, budget: usize) -> bool {
    more_until(doc, budget, |_| false)
}

/// [`more`], also stopping after a segment when `stop` says so.
///
/// An article opened from its head is parsed on within the head for as
/// long as the head alone gives what the whole text would (see
/// [`Step::NeedsWhole`]): scrolling through the first pages of a long
/// article then reads nothing more, however small the first screen's parse
/// was. A budget of everything (the background parse, the end of the
/// article) goes to the whole text at once.
fn more_until(doc: &mut Document, budget: usize, stop: fn(&Pending) -> bool) -> bool {
    let before = doc.blocks.len();
    if doc.pending.unread.is_some() && budget == usize::MAX {
        read_rest(doc);
    }
    if doc.pending.book.is_some() {
        super::epub::parse_chapters(doc, budget);
        return doc.blocks.len() > before;
    }
    let mut used = 0usize;
    while !doc.pending.done && (used == 0 || used < budget) {
        match step(doc) {
            Step::Parsed(bytes) => used = used.saturating_add(bytes).max(1),
            Step::NeedsWhole => {
                read_rest(doc);
                continue;
            }
            Step::End => break,
        }
        if stop(&doc.pending) {
            break;
        }
    }
    doc.blocks.len() > before
}

/// What [`step`] did.
enum Step {
    /// It parsed a segment of this many source bytes.
    Parsed(usize),
    /// Only the head of the article is read, and the next segment cannot be
    /// parsed from it as the whole text would parse it: it ends near the
    /// cut, or uses something gathered from the whole source (a footnote, a
    /// reference link; a segment that asks for one is put back as it was).
    NeedsWhole,
    /// The source is all parsed.
    End,
}

/// Parses the next segment of the source and feeds its blocks in.
fn step(doc: &mut Document) -> Step {
    let src = Arc::clone(&doc.pending.source);
    let head_only = doc.pending.unread.is_some();
    let Some(range) = next_segment(&src, doc.pending.pos, doc.pending.rules()) else {
        if head_only {
            return Step::NeedsWhole;
        }
        finish(doc);
        return Step::End;
    };
    let base = range.start;
    let segment = src.get(range.clone()).unwrap_or("");
    if head_only && (range.end.saturating_add(HEAD_MARGIN) > src.len() || segment.contains("[^")) {
        return Step::NeedsWhole;
    }
    let pieces = match doc.pending.format {
        Format::Markdown if head_only => {
            let before = doc.pending.markdown.clone();
            let asked = std::cell::Cell::new(false);
            let lookup = |_: &str| {
                asked.set(true);
                None
            };
            let pieces = markdown::parse_in(segment, base, &mut doc.pending.markdown, &lookup);
            if asked.get() {
                doc.pending.markdown = before;
                return Step::NeedsWhole;
            }
            pieces
        }
        Format::Markdown => {
            let references = &doc.pending.references;
            let lookup = |label: &str| {
                references
                    .get_or_init(|| References::gather(&src))
                    .get(label)
                    .map(str::to_string)
            };
            markdown::parse_in(segment, base, &mut doc.pending.markdown, &lookup)
        }
        // Pages are parsed whole by `page` and never get here.
        Format::Plain | Format::Html | Format::HtmlRaw => {
            plain::parse(segment, base, &mut doc.pending.margin)
        }
    };
    let bytes = range.end - doc.pending.pos;
    doc.pending.pos = range.end;
    for piece in pieces {
        feed(doc, piece);
    }
    Step::Parsed(bytes)
}

/// Commits what waits for the end of the source: the last paragraph held
/// for a continuation, the gathered footnotes, anchors no block followed.
fn finish(doc: &mut Document) {
    doc.pending.pos = doc.pending.source.len();
    if let Some(carry) = doc.pending.carry.take() {
        commit(doc, carry);
    }
    if let Some(debris) = doc.pending.debris.take() {
        commit(doc, debris);
    }
    let (notes, anchors) = doc.pending.markdown.finish();
    for piece in notes {
        commit(doc, piece);
    }
    let end = doc.text.len();
    doc.anchors
        .extend(anchors.into_iter().map(|name| Anchor { name, offset: end }));
    doc.pending.done = true;
}

/// Passes a block through page-break repair: a body paragraph that may be
/// the first part of a sentence cut by a page break waits for the next block,
/// and is joined with it when that block continues the sentence (the rule is
/// in [`repair`]).
fn feed(doc: &mut Document, piece: Piece) {
    if doc.pending.carry.is_some()
        && doc.pending.debris.is_none()
        && piece.joinable
        && repair::is_page_number(&piece.text)
    {
        doc.pending.debris = Some(piece);
        return;
    }
    let debris = doc.pending.debris.take();
    if let Some(mut carry) = doc.pending.carry.take() {
        if piece.joinable && repair::continues(&carry, &piece) {
            // The page's number, between the two halves of a sentence,
            // is not the text's.
            drop(debris);
            // Only the part joined in can change how the paragraph ends, so a
            // long chain is checked a part at a time.
            let open = repair::leaves_open(&piece);
            carry.join(piece);
            if open && carry.text.len() < JOIN_LIMIT {
                doc.pending.carry = Some(carry);
            } else {
                commit(doc, carry);
            }
            return;
        }
        commit(doc, carry);
    }
    if let Some(debris) = debris {
        commit(doc, debris);
    }
    let may_continue = doc.pending.repair
        && piece.joinable
        && piece.text.len() < JOIN_LIMIT
        && repair::may_continue(&piece);
    if may_continue {
        doc.pending.carry = Some(piece);
    } else {
        commit(doc, piece);
    }
}

/// Appends a block to the canonical text, after a blank line when it is not the
/// first.
pub(super) fn commit(doc: &mut Document, mut piece: Piece) {
    piece.link_bare_urls();
    if !doc.blocks.is_empty() {
        doc.text.push_str("\n\n");
    }
    let base = doc.text.len();
    doc.text.push_str(&piece.text);
    doc.source_map.add(base, piece.text.len(), &piece.source);
    let spans = piece
        .spans
        .into_iter()
        .map(|(r, style)| Span {
            range: base + r.start..base + r.end,
            style,
        })
        .collect();
    doc.links
        .extend(piece.links.into_iter().map(|(r, url)| Link {
            range: base + r.start..base + r.end,
            url,
        }));
    doc.anchors
        .extend(piece.anchors.into_iter().map(|(at, name)| Anchor {
            offset: base + at,
            name,
        }));
    doc.blocks.push(Block {
        kind: piece.kind,
        range: base..doc.text.len(),
        spans,
        container: piece.container,
    });
    doc.index.extend(&doc.text);
}

/// A provisional, complete document of the last `budget` bytes of `doc`'s
/// source, parsed on its own: what `G` shows at once while the rest of a long
/// article is still being parsed. It starts at a blank line followed by a
/// line that opens nothing (no indentation, fence or list marker), so it
/// parses as that part of the whole would, except for what the part before
/// decides (a fence left open, footnote numbers). `None` when the whole is
/// already parsed or the tail would start where parsing stands.
pub(super) fn tail(doc: &Document, budget: usize) -> Option<Document> {
    let pending = &doc.pending;
    if pending.done {
        return None;
    }
    if let Some(book) = &pending.book {
        return super::epub::tail(doc, book, budget);
    }
    // Only the head is read: the end is read from the file, as a pager
    // does (what the whole text's references or footnotes change in it is
    // put right when the whole document takes its place).
    let last;
    let (src, from) = match &pending.unread {
        Some(unread) => {
            last = Arc::new(unread.rest.last(budget)?);
            (&last, 0)
        }
        None => (&pending.source, pending.source.len().saturating_sub(budget)),
    };
    let cut = tail_start(src, from)?;
    if pending.unread.is_none() && cut <= pending.pos {
        return None;
    }
    let mut tail = Document {
        text: String::new(),
        blocks: Vec::new(),
        links: Vec::new(),
        anchors: Vec::new(),
        meta: doc.meta.clone(),
        index: Default::default(),
        source_map: Default::default(),
        pending: Pending {
            source: Arc::clone(src),
            format: pending.format,
            pos: cut,
            body_start: cut,
            repair: pending.repair,
            carry: None,
            debris: None,
            markdown: pending.markdown.restart(),
            done: false,
            references: pending.references.clone(),
            book: None,
            unread: None,
            origin: None,
            failed: None,
            margin: pending.margin,
        },
    };
    while !tail.pending.done {
        more(&mut tail, usize::MAX);
    }
    Some(tail)
}

/// The first place at or after `from` where a segment can start on its own:
/// the start of a line after a blank line, that is not indented and opens no
/// fence or list.
fn tail_start(src: &str, from: usize) -> Option<usize> {
    let mut at = super::floor_char_boundary(src, from);
    loop {
        let blank = src.get(at..)?.find("\n\n")? + at;
        let line_start = blank + 2;
        let rest = src.get(line_start..)?;
        let line = rest.split('\n').next().unwrap_or("");
        let opens = line.is_empty()
            || line.starts_with([' ', '\t', '`', '~', '<'])
            || super::segment::is_list_marker(line)
            || line.starts_with(['|', '>']);
        if !opens {
            return Some(line_start);
        }
        at = line_start;
    }
}
