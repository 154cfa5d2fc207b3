//! Turning one Markdown segment into blocks with pulldown-cmark, removing the
//! markup so the canonical text is what a reader sees.

use super::footnotes::Footnotes;
use super::html::{self, InlineTag, Out};
use super::piece::Piece;
use super::sanitize::sanitize;
use super::{BlockKind, ColumnAlign, Container, SpanStyle, Table, TableRow};
use pulldown_cmark::{
    Alignment, BrokenLink, CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Options, Parser,
    Tag, TagEnd,
};
use std::sync::Arc;

/// The CommonMark extensions articles use; smart punctuation stays off so the
/// text keeps the characters the author typed.
fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_GFM
}

/// The label GitHub shows for an alert (`> [!WARNING]` over a quote), in
/// place of its marker.
fn alert_label(kind: pulldown_cmark::BlockQuoteKind) -> &'static str {
    use pulldown_cmark::BlockQuoteKind as K;
    match kind {
        K::Note => "Note",
        K::Tip => "Tip",
        K::Important => "Important",
        K::Warning => "Warning",
        K::Caution => "Caution",
    }
}

/// What parsing one segment leaves for the next and for the end of the
/// document: footnotes (numbers, definitions) and named places not yet
/// attached to any text.
#[derive(Debug, Clone, Default)]
pub(super) struct Context {
    footnotes: Footnotes,
    /// Anchors (`<a id="x"></a>` on a line of its own) waiting for the next
    /// block.
    anchors: Vec<String>,
    /// An HTML block (often a comment that shows nothing) came last: the next
    /// paragraph is not the continuation of the one before it.
    barrier: bool,
}

impl Context {
    /// The context for a whole source (the footnote labels it defines are
    /// looked for when a segment first mentions a footnote).
    pub(super) fn new(source: &Arc<String>) -> Self {
        Self {
            footnotes: Footnotes::of(Arc::clone(source)),
            ..Self::default()
        }
    }

    /// A context for parsing a later part of the same source on its own
    /// (a provisional tail): nothing numbered or waiting yet, the labels
    /// found so far shared.
    pub(super) fn restart(&self) -> Self {
        Self {
            footnotes: self.footnotes.restart(),
            ..Self::default()
        }
    }

    /// What goes after the last block once the whole source is parsed: the
    /// gathered footnote definitions, and anchors that no block followed.
    pub(super) fn finish(&mut self) -> (Vec<Piece>, Vec<String>) {
        (self.footnotes.finish(), std::mem::take(&mut self.anchors))
    }
}

/// Parses a segment alone into blocks in document order, knowing only the
/// link definitions inside it (footnote definitions stay where they are).
pub(super) fn parse(segment: &str, base: usize) -> Vec<Piece> {
    parse_with(segment, base, &|_| None)
}

/// [`parse`], with `lookup` finding the target of a link label defined
/// elsewhere in the article: for the header, which reads the title before
/// the body (a README's title heading holds badges whose definitions are
/// at its end).
pub(super) fn parse_with(
    segment: &str,
    base: usize,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Vec<Piece> {
    let mut b = Builder {
        base,
        ..Builder::default()
    };
    run(&mut b, segment, lookup);
    b.out
}

/// Parses a body segment in document order: footnote references are numbered
/// and definitions kept in `context` for the end of the document; `lookup`
/// finds the target of a link label defined anywhere in the article (it is
/// only asked about references the segment itself does not define).
/// `base` is where the segment starts in the source, for the source map.
pub(super) fn parse_in(
    segment: &str,
    base: usize,
    context: &mut Context,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Vec<Piece> {
    let mut b = Builder {
        notes: std::mem::take(&mut context.footnotes),
        divert_notes: true,
        pending_anchors: std::mem::take(&mut context.anchors),
        barrier: context.barrier,
        base,
        ..Builder::default()
    };
    run(&mut b, segment, lookup);
    context.footnotes = std::mem::take(&mut b.notes);
    context.anchors = std::mem::take(&mut b.pending_anchors);
    context.barrier = b.barrier;
    b.out
}

/// Blocks of HTML read as events by [`html::tree_events`]: a whole web page
/// (see `html_page`) goes through the same builder as an HTML block in a
/// Markdown article, so it shows the same blocks.
pub(super) fn replay_html(events: Vec<Out>) -> Vec<Piece> {
    let mut b = Builder {
        in_html: true,
        ..Builder::default()
    };
    for out in events {
        match out {
            Out::Md(event) => b.event(event),
            Out::Anchor(name) => b.anchor(&name),
        }
    }
    b.end_table();
    b.close_leaf();
    b.out
}

fn run(b: &mut Builder, segment: &str, lookup: &dyn Fn(&str) -> Option<String>) {
    // Segments are parsed alone, so a definition elsewhere in the article is
    // looked up; an undefined `[text][ref]` shows as its text rather than as
    // brackets, without inventing a target.
    let unknown_reference = |link: BrokenLink<'_>| {
        let found = matches!(
            link.link_type,
            LinkType::Reference | LinkType::Collapsed | LinkType::Shortcut
        )
        .then(|| lookup(&link.reference))
        .flatten();
        match (found, link.link_type) {
            (Some(url), _) => Some((CowStr::from(url), CowStr::from(""))),
            (None, LinkType::Reference | LinkType::Collapsed) => {
                Some((CowStr::from(""), CowStr::from("")))
            }
            _ => None,
        }
    };
    let source = b.notes.with_stand_ins(segment);
    let parser = Parser::new_with_broken_link_callback(&source, options(), Some(unknown_reference));
    for (event, range) in parser.into_offset_iter() {
        // Stand-in footnote definitions follow the segment; they show nothing.
        if range.start >= segment.len() {
            break;
        }
        b.src = Some(b.base + range.start..b.base + range.end);
        b.event(event);
    }
    b.end_table();
    b.close_leaf();
}

/// Nesting counts for inline styles (the same style may nest).
#[derive(Default)]
struct Styles {
    emphasis: u32,
    strong: u32,
    strike: u32,
    link: u32,
    /// Inline HTML `<code>`, `<kbd>`...
    code: u32,
    /// Inside an image's `[image: alt]` marker.
    image: u32,
    /// Inline HTML `<mark>`.
    mark: u32,
}

impl Styles {
    fn current(&self) -> SpanStyle {
        SpanStyle {
            emphasis: self.emphasis > 0 || self.image > 0,
            strong: self.strong > 0,
            code: self.code > 0,
            link: self.link > 0 || self.image > 0,
            strike: self.strike > 0,
            mark: self.mark > 0,
        }
    }
}

/// How an image marker starts; it ends with `]`.
pub(super) const IMAGE_OPEN: &str = "[image: ";

/// HTML elements that never have content or an end tag.
pub(super) fn is_void(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "link"
            | "meta"
            | "param"
            | "source"
            | "track"
            | "wbr"
    )
}

/// The file an image URL names (`logo.png` of `https://x/a/logo.png?v=2`),
/// sanitized, to name an image without alt text.
fn file_name(url: &str) -> String {
    if url.starts_with("data:") {
        return String::new();
    }
    let path = url.split(['?', '#']).next().unwrap_or("");
    let name = path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    sanitize(name).into_owned()
}

/// What an inline HTML start tag changed, undone by its end tag (or by the
/// end of the block).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Effect {
    None,
    Strong,
    Emphasis,
    Strike,
    Code,
    Link,
    Raise,
    Mark,
}

/// Event-to-block state for one segment. The HTML reader feeds it too, so a
/// `<table>` becomes the same table block as a Markdown table.
#[derive(Default)]
pub(super) struct Builder {
    out: Vec<Piece>,
    leaf: Option<Piece>,
    /// Whether the open leaf is raw HTML (never joined by page-break repair).
    leaf_is_html: bool,
    quote_depth: u8,
    /// One entry per open list: the next item number, `None` for bullets.
    lists: Vec<Option<u64>>,
    /// The marker of a list item whose first block has not started yet.
    marker: Option<String>,
    styles: Styles,
    /// Open links: where their text starts in the leaf and the URL, or `None`
    /// for a reference whose target is unknown.
    links: Vec<Option<(usize, String)>>,
    /// The raw HTML block being read, parsed when it ends.
    html_block: Option<String>,
    /// Replaying an HTML block's events: its blocks are never joined.
    in_html: bool,
    /// Open inline HTML elements and what each changed.
    inline_html: Vec<(String, Effect)>,
    /// Inside an inline `<script>` or `<style>`: text is hidden until this
    /// element closes.
    hidden_until: Option<String>,
    /// Inside an inline comment that pulldown-cmark split.
    in_comment: bool,
    /// Raised text (`<sup>`: true, `<sub>`: false) in effect.
    raise: Vec<bool>,
    /// Open images: where the marker starts in the leaf and the URL.
    images: Vec<(usize, String)>,
    /// The open leaf shows an image marker (never joined to prose).
    leaf_has_image: bool,
    /// Anchors waiting for the next block (their own block showed nothing).
    pending_anchors: Vec<String>,
    /// Footnote numbering and gathered definitions.
    notes: Footnotes,
    /// Take footnote definitions out of the flow into `notes`.
    divert_notes: bool,
    /// The open footnote definition: its label and its first block's index.
    note: Option<(String, usize)>,
    /// The next block follows an HTML block, so page-break repair must not
    /// join it to the paragraph before that block.
    barrier: bool,
    /// The table being built, if any: while it is open, its block is the open
    /// leaf and no other leaf opens or closes.
    table: Option<TableState>,
    /// Where the segment starts in the document's source.
    base: usize,
    /// The source range of the event being read, recorded with the text it
    /// adds (see [`super::source_map`]).
    src: Option<std::ops::Range<usize>>,
}

/// `text` with each run of spaces made one space.
fn collapse_blanks(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if !(c == ' ' && out.ends_with(' ')) {
            out.push(c);
        }
    }
    out
}

/// A table under construction.
#[derive(Default)]
struct TableState {
    table: Table,
    /// The open row.
    row: Option<TableRow>,
    /// Where the open cell's text starts in the leaf, once the cell has begun.
    cell: Option<usize>,
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

fn depth(n: usize) -> u8 {
    u8::try_from(n).unwrap_or(u8::MAX)
}

impl Builder {
    fn container(&mut self) -> Container {
        Container {
            quote_depth: self.quote_depth,
            list_depth: depth(self.lists.len()),
            marker: self.marker.take(),
            indents: Vec::new(),
        }
    }

    fn open_leaf(&mut self, kind: BlockKind) {
        if self.table.is_some() {
            // Blocks inside a table cell (HTML) are part of the cell.
            return;
        }
        self.close_leaf();
        let container = self.container();
        let mut piece = Piece::new(kind, container);
        piece.anchors = self.pending_anchors.drain(..).map(|a| (0, a)).collect();
        self.leaf = Some(piece);
        self.leaf_is_html = self.in_html;
        self.leaf_has_image = false;
    }

    fn close_leaf(&mut self) {
        if self.table.is_some() {
            return;
        }
        self.end_inline_html();
        let Some(mut piece) = self.leaf.take() else {
            return;
        };
        // Links left open (should not happen) end with the block.
        for (start, url) in self.links.drain(..).flatten() {
            let end = piece.text.len();
            piece.links.push((start.min(end)..end, url));
        }
        match piece.kind {
            BlockKind::Code { .. } => piece.trim_trailing_newlines(),
            BlockKind::Paragraph if self.leaf_is_html => piece.trim_trailing_newlines(),
            _ => {}
        }
        let keep_empty = matches!(
            piece.kind,
            BlockKind::Code { .. } | BlockKind::Rule | BlockKind::Table(_)
        );
        if piece.text.is_empty() && !keep_empty {
            // Give the unused marker back to the item's next block, and its
            // named places to the next block that shows something.
            if piece.container.marker.is_some() {
                self.marker = piece.container.marker.take();
            }
            self.pending_anchors
                .extend(piece.anchors.into_iter().map(|(_, a)| a));
            return;
        }
        let after_html = std::mem::take(&mut self.barrier);
        piece.joinable = piece.kind == BlockKind::Paragraph
            && !self.leaf_is_html
            && !self.leaf_has_image
            && !after_html
            && self.note.is_none()
            && piece.container.quote_depth == 0
            && piece.container.list_depth == 0;
        self.out.push(piece);
    }

    /// The open leaf, opening an implicit paragraph for inline content that
    /// appears outside one (tight list items have no paragraph events).
    fn leaf(&mut self) -> &mut Piece {
        if self.leaf.is_none() {
            self.open_leaf(BlockKind::Paragraph);
        }
        self.leaf
            .get_or_insert_with(|| Piece::new(BlockKind::Paragraph, Container::default()))
    }

    /// Appends inline text with a style to the open block (inside a table, to
    /// the open cell, which it begins if needed).
    pub(super) fn push(&mut self, text: &str, style: SpanStyle) {
        let clean = sanitize(text);
        if let Some(range) = self.src.clone() {
            self.leaf().mark_source(range);
        }
        if self.table.is_some() {
            if !self.in_cell() && clean.trim().is_empty() {
                // Whitespace between HTML rows and cells is not cell text.
                return;
            }
            self.begin_cell();
            // Tabs and line feeds separate cells and rows; inside a cell they
            // are spaces, except a hard break (`<br>`), which stays a break.
            let clean = clean.replace('\t', " ");
            if text == "\n" || style.code {
                // A code span keeps its spaces, as CommonMark says.
                self.leaf().push_styled(&clean, style);
                return;
            }
            // Blanks an author padded a cell with to line up its pipes
            // show as one space, as on GitHub; none at the cell's start.
            let clean = collapse_blanks(&clean.replace('\n', " "));
            let start = self.table.as_ref().and_then(|t| t.cell).unwrap_or(0);
            let leaf = self.leaf();
            let after_blank = leaf.text.len() <= start || leaf.text.ends_with([' ', '\n']);
            let clean = if after_blank {
                clean.trim_start_matches(' ')
            } else {
                &clean
            };
            leaf.push_styled(clean, style);
            return;
        }
        self.leaf().push_styled(&clean, style);
    }

    /// Text from the source, unless an inline script, style or comment hides
    /// it; raised when a `<sup>`/`<sub>` is open and it can be.
    fn push_text(&mut self, text: &str, style: SpanStyle) {
        if self.hidden_until.is_some() || self.in_comment {
            return;
        }
        match self.raise.last().and_then(|&sup| html::raised(text, sup)) {
            Some(raised) => self.push(&raised, style),
            None => self.push(text, style),
        }
    }

    /// A named place at the current position, or at the next block's start
    /// when no block is open.
    fn anchor(&mut self, name: &str) {
        let name = sanitize(name).into_owned();
        match self.leaf.as_mut() {
            Some(leaf) => leaf.anchors.push((leaf.text.len(), name)),
            None => self.pending_anchors.push(name),
        }
    }

    /// Replays a raw HTML block as the events of what it shows.
    fn html(&mut self, raw: &str) {
        let was = self.in_html;
        self.in_html = true;
        for out in html::block_events(raw) {
            match out {
                Out::Md(event) => self.event(event),
                Out::Anchor(name) => self.anchor(&name),
            }
        }
        self.close_leaf();
        self.in_html = was;
        self.barrier = true;
    }

    /// One inline HTML token: a tag changes style, opens a link or names a
    /// place; comments, scripts and styles hide what they hold; a word in angle
    /// brackets that is no HTML element (`<T>`) is shown as typed.
    fn inline_html(&mut self, raw: &str) {
        if self.in_comment {
            self.in_comment = !raw.contains("-->");
            return;
        }
        let tag = html::inline_tag(raw);
        if let Some(hidden) = &self.hidden_until {
            if matches!(&tag, InlineTag::Close { name } if name == hidden) {
                self.hidden_until = None;
            }
            return;
        }
        let name = match &tag {
            InlineTag::Comment { ended } => return self.in_comment = !ended,
            InlineTag::Other => return,
            InlineTag::Close { name } if html::is_element(name) => {
                return self.close_inline(name);
            }
            InlineTag::Close { name } | InlineTag::Open { name, .. } => name.as_str(),
        };
        if !html::is_element(name) {
            let style = self.styles.current();
            return self.push(raw, style);
        }
        let id = tag.attr("id").or_else(|| match name {
            "a" => tag.attr("name"),
            _ => None,
        });
        if let Some(id) = id.filter(|id| !id.is_empty()) {
            self.anchor(id);
        }
        let effect = match name {
            "br" => {
                if self.leaf.as_ref().is_some_and(|l| !l.text.is_empty()) {
                    self.push("\n", SpanStyle::default());
                }
                return;
            }
            "img" => {
                self.start_image(tag.attr("src").unwrap_or(""));
                let alt = tag.attr("alt").or(tag.attr("title")).unwrap_or("");
                let style = self.styles.current();
                self.push(alt, style);
                return self.end_image();
            }
            _ if is_void(name) => return,
            _ if html::is_hidden(name) => {
                self.hidden_until = Some(name.to_owned());
                return;
            }
            "a" => match tag.attr("href") {
                Some(href) => {
                    self.start(Tag::Link {
                        link_type: LinkType::Inline,
                        dest_url: CowStr::from(href.to_owned()),
                        title: CowStr::from(""),
                        id: CowStr::from(""),
                    });
                    Effect::Link
                }
                None => Effect::None,
            },
            "strong" | "b" => {
                self.styles.strong += 1;
                Effect::Strong
            }
            "em" | "i" | "cite" | "var" | "dfn" => {
                self.styles.emphasis += 1;
                Effect::Emphasis
            }
            "s" | "strike" | "del" => {
                self.styles.strike += 1;
                Effect::Strike
            }
            "mark" => {
                self.styles.mark += 1;
                Effect::Mark
            }
            "sup" | "sub" => {
                self.raise.push(name == "sup");
                Effect::Raise
            }
            _ if html::is_code(name) => {
                self.styles.code += 1;
                Effect::Code
            }
            _ => Effect::None,
        };
        self.inline_html.push((name.to_owned(), effect));
    }

    /// An inline end tag: closes the innermost open element of that name and
    /// any left open inside it; a stray end tag is ignored.
    fn close_inline(&mut self, name: &str) {
        if let Some(at) = self.inline_html.iter().rposition(|(n, _)| n == name) {
            while self.inline_html.len() > at {
                if let Some((_, effect)) = self.inline_html.pop() {
                    self.undo(effect);
                }
            }
        }
    }

    fn undo(&mut self, effect: Effect) {
        let s = &mut self.styles;
        match effect {
            Effect::None => {}
            Effect::Strong => s.strong = s.strong.saturating_sub(1),
            Effect::Emphasis => s.emphasis = s.emphasis.saturating_sub(1),
            Effect::Strike => s.strike = s.strike.saturating_sub(1),
            Effect::Code => s.code = s.code.saturating_sub(1),
            Effect::Mark => s.mark = s.mark.saturating_sub(1),
            Effect::Raise => {
                self.raise.pop();
            }
            Effect::Link => self.end(TagEnd::Link),
        }
    }

    /// Inline HTML left open ends with its block.
    fn end_inline_html(&mut self) {
        while let Some((_, effect)) = self.inline_html.pop() {
            self.undo(effect);
        }
        self.hidden_until = None;
        self.in_comment = false;
    }

    /// Starts an image's `[image: alt]` marker.
    fn start_image(&mut self, url: &str) {
        let start = self.leaf().text.len();
        self.leaf_has_image = true;
        self.images.push((start, sanitize(url).into_owned()));
        self.styles.image += 1;
        let style = self.styles.current();
        self.push(IMAGE_OPEN, style);
    }

    /// Ends an image marker; an image without alt text is named by its file.
    /// The marker links to the image unless it sits inside a link already.
    fn end_image(&mut self) {
        let Some((start, url)) = self.images.pop() else {
            return;
        };
        let style = self.styles.current();
        self.styles.image = self.styles.image.saturating_sub(1);
        let in_link = self.links.iter().any(Option::is_some);
        let leaf = self.leaf();
        if leaf.text.len() <= start + IMAGE_OPEN.len() {
            leaf.truncate(start);
            let name = file_name(&url);
            let marker = if name.is_empty() {
                "[image]".to_owned()
            } else {
                format!("{IMAGE_OPEN}{name}]")
            };
            leaf.push_styled(&marker, style);
        } else {
            leaf.push_styled("]", style);
        }
        // An inline `data:` image has no place to go.
        if !in_link && !url.is_empty() && !url.starts_with("data:") {
            let end = leaf.text.len();
            leaf.links.push((start..end, url));
        }
    }

    /// A footnote reference: a `[n]` marker linking to the definition, and
    /// itself the place the definition links back to.
    fn footnote_reference(&mut self, label: &str) {
        let (number, anchor, target) = self.notes.reference(label);
        let style = SpanStyle {
            link: true,
            ..self.styles.current()
        };
        let leaf = self.leaf();
        let at = leaf.text.len();
        leaf.anchors.push((at, sanitize(&anchor).into_owned()));
        leaf.push_styled(&format!("[{number}]"), style);
        let end = leaf.text.len();
        leaf.links.push((at..end, sanitize(&target).into_owned()));
    }

    /// Starts a table whose columns are aligned as `align` says (one entry per
    /// column; an HTML table without `align` attributes may pass an empty
    /// list). Its rows follow with [`Builder::start_row`]. A table started
    /// while another is open ends that one first.
    pub(super) fn start_table(&mut self, align: Vec<ColumnAlign>) {
        self.end_table();
        self.open_leaf(BlockKind::Table(Table::default()));
        self.table = Some(TableState {
            table: Table {
                align,
                rows: Vec::new(),
            },
            ..TableState::default()
        });
    }

    /// Starts a row of the open table (a header row when `header`); ends the
    /// row before it if still open. Its cells' text follows through
    /// [`Builder::push`], each cell ended by [`Builder::end_cell`]. Outside a
    /// table it starts one.
    pub(super) fn start_row(&mut self, header: bool) {
        if self.table.is_none() {
            self.start_table(Vec::new());
        }
        self.end_row();
        let separate = self
            .table
            .as_ref()
            .is_some_and(|t| !t.table.rows.is_empty());
        if separate {
            self.leaf().push_styled("\n", SpanStyle::default());
        }
        if let Some(t) = self.table.as_mut() {
            t.row = Some(TableRow {
                header,
                cells: Vec::new(),
            });
        }
    }

    /// Ends the open cell (an empty one when no text was pushed since the
    /// last cell ended). Outside a row it starts a body row.
    pub(super) fn end_cell(&mut self) {
        self.begin_cell();
        let start = self.table.as_ref().and_then(|t| t.cell).unwrap_or(0);
        // No blank ends a cell (see `push`), unless a code span's own.
        let leaf = self.leaf();
        let trimmed = leaf.text.trim_end_matches(' ').len().max(start);
        let code_end = leaf
            .spans
            .last()
            .is_some_and(|(r, s)| s.code && r.end == leaf.text.len());
        if !code_end {
            leaf.truncate(trimmed);
        }
        let end = self.leaf().text.len();
        if let Some(t) = self.table.as_mut()
            && let Some(start) = t.cell.take()
            && let Some(row) = t.row.as_mut()
        {
            row.cells.push(start..end);
        }
    }

    /// Ends the open row, ending its open cell first; does nothing when no row
    /// is open.
    pub(super) fn end_row(&mut self) {
        if self.in_cell() {
            self.end_cell();
        }
        if let Some(t) = self.table.as_mut()
            && let Some(row) = t.row.take()
        {
            t.table.rows.push(row);
        }
    }

    /// Ends the open table and commits it as one block; does nothing when no
    /// table is open.
    pub(super) fn end_table(&mut self) {
        self.end_row();
        let Some(state) = self.table.take() else {
            return;
        };
        if let Some(leaf) = self.leaf.as_mut() {
            leaf.kind = BlockKind::Table(state.table);
        }
        self.close_leaf();
    }

    /// Whether a table cell has begun and not ended.
    fn in_cell(&self) -> bool {
        self.table.as_ref().is_some_and(|t| t.cell.is_some())
    }

    /// Begins a cell of the open table if none has begun: starts a body row
    /// when none is open, and writes the tab that separates it from the cell
    /// before it.
    fn begin_cell(&mut self) {
        let Some(t) = self.table.as_ref() else {
            return;
        };
        if t.cell.is_some() {
            return;
        }
        if t.row.is_none() {
            self.start_row(false);
        }
        let separate = self
            .table
            .as_ref()
            .and_then(|t| t.row.as_ref())
            .is_some_and(|r| !r.cells.is_empty());
        if separate {
            self.leaf().push_styled("\t", SpanStyle::default());
        }
        let start = self.leaf().text.len();
        if let Some(t) = self.table.as_mut() {
            t.cell = Some(start);
        }
    }

    fn event(&mut self, event: Event<'_>) {
        if let Some(block) = self.html_block.as_mut()
            && let Event::Html(t) | Event::Text(t) = &event
        {
            block.push_str(t);
            return;
        }
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(t) => {
                let style = self.styles.current();
                let in_code = self
                    .leaf
                    .as_ref()
                    .is_some_and(|l| matches!(l.kind, BlockKind::Code { .. }));
                if in_code {
                    self.push_text(&t, style);
                } else {
                    for (part, marked) in split_marks(&t) {
                        self.push_text(
                            part,
                            SpanStyle {
                                mark: style.mark || marked,
                                ..style
                            },
                        );
                    }
                }
            }
            Event::Code(t) => {
                let style = SpanStyle {
                    code: true,
                    ..self.styles.current()
                };
                self.push_text(&t, style);
            }
            Event::InlineMath(t) | Event::DisplayMath(t) => {
                let style = self.styles.current();
                self.push_text(&t, style);
            }
            // Raw HTML outside an HTML block (pulldown-cmark gives none).
            Event::Html(t) => self.html(&t),
            Event::InlineHtml(t) => self.inline_html(&t),
            Event::FootnoteReference(label) => self.footnote_reference(&label),
            Event::SoftBreak => {
                // A source line break right after an HTML `<br>` adds nothing.
                if self.leaf.as_ref().is_some_and(|l| l.text.ends_with('\n')) {
                    return;
                }
                let style = self.styles.current();
                self.push_text(" ", style);
                self.leaf().wrapped = true;
            }
            Event::HardBreak => {
                if self.hidden_until.is_none() && !self.in_comment {
                    self.push("\n", SpanStyle::default());
                }
            }
            Event::Rule => {
                self.open_leaf(BlockKind::Rule);
                self.close_leaf();
            }
            Event::TaskListMarker(done) => {
                let mark = if done { "[x] " } else { "[ ] " };
                self.push(mark, SpanStyle::default());
            }
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Paragraph => self.open_leaf(BlockKind::Paragraph),
            Tag::Heading { level, .. } => self.open_leaf(BlockKind::Heading(heading_level(level))),
            Tag::BlockQuote(kind) => {
                self.close_leaf();
                self.quote_depth = self.quote_depth.saturating_add(1);
                // An alert's marker line is read by the parser; its label
                // opens the quote, strong, as GitHub shows it.
                if let Some(kind) = kind {
                    self.open_leaf(BlockKind::Paragraph);
                    self.styles.strong += 1;
                    let style = self.styles.current();
                    self.push(alert_label(kind), style);
                    self.styles.strong = self.styles.strong.saturating_sub(1);
                    self.close_leaf();
                }
            }
            Tag::CodeBlock(kind) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => info
                        .split_whitespace()
                        .next()
                        .map(|l| sanitize(l).into_owned())
                        .unwrap_or_default(),
                    CodeBlockKind::Indented => String::new(),
                };
                self.open_leaf(BlockKind::Code { lang });
            }
            Tag::HtmlBlock => {
                self.close_leaf();
                self.html_block = Some(String::new());
            }
            Tag::List(start) => {
                self.close_leaf();
                self.lists.push(start);
            }
            Tag::Item => {
                self.close_leaf();
                let marker = match self.lists.last_mut() {
                    Some(Some(n)) => {
                        let m = format!("{n}.");
                        *n = n.saturating_add(1);
                        m
                    }
                    _ => "•".to_owned(),
                };
                self.marker = Some(marker);
            }
            Tag::Table(align) => {
                let align = align
                    .iter()
                    .map(|a| match a {
                        Alignment::None => ColumnAlign::Default,
                        Alignment::Left => ColumnAlign::Left,
                        Alignment::Center => ColumnAlign::Center,
                        Alignment::Right => ColumnAlign::Right,
                    })
                    .collect();
                self.start_table(align);
            }
            Tag::TableHead => self.start_row(true),
            Tag::TableRow => self.start_row(false),
            Tag::TableCell => self.begin_cell(),
            Tag::Emphasis => self.styles.emphasis += 1,
            Tag::Strong => self.styles.strong += 1,
            Tag::Strikethrough => self.styles.strike += 1,
            Tag::Link {
                link_type: LinkType::ReferenceUnknown | LinkType::CollapsedUnknown,
                dest_url,
                ..
            } if dest_url.is_empty() => self.links.push(None),
            Tag::Link { dest_url, .. } => {
                let start = self.leaf().text.len();
                self.links
                    .push(Some((start, sanitize(&dest_url).into_owned())));
                self.styles.link += 1;
            }
            Tag::FootnoteDefinition(label) => {
                self.close_leaf();
                if self.divert_notes {
                    self.note = Some((label.to_string(), self.out.len()));
                }
            }
            Tag::Image { dest_url, .. } => self.start_image(&dest_url),
            Tag::DefinitionList | Tag::DefinitionListTitle | Tag::DefinitionListDefinition => {
                self.close_leaf()
            }
            Tag::Superscript | Tag::Subscript | Tag::MetadataBlock(_) => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::CodeBlock => self.close_leaf(),
            TagEnd::HtmlBlock => {
                if let Some(block) = self.html_block.take() {
                    self.html(&block);
                }
            }
            TagEnd::TableHead | TagEnd::TableRow => self.end_row(),
            TagEnd::TableCell => self.end_cell(),
            TagEnd::Table => self.end_table(),
            TagEnd::FootnoteDefinition => {
                self.close_leaf();
                if let Some((label, first)) = self.note.take() {
                    let pieces = self.out.split_off(first.min(self.out.len()));
                    self.notes.define(&label, pieces);
                }
            }
            TagEnd::Image => self.end_image(),
            TagEnd::BlockQuote(_) => {
                self.close_leaf();
                self.quote_depth = self.quote_depth.saturating_sub(1);
            }
            TagEnd::List(_) => {
                self.close_leaf();
                self.lists.pop();
            }
            TagEnd::Item => {
                self.close_leaf();
                self.marker = None;
            }
            TagEnd::Emphasis => self.styles.emphasis = self.styles.emphasis.saturating_sub(1),
            TagEnd::Strong => self.styles.strong = self.styles.strong.saturating_sub(1),
            TagEnd::Strikethrough => self.styles.strike = self.styles.strike.saturating_sub(1),
            TagEnd::Link => {
                if let Some(Some((start, url))) = self.links.pop() {
                    self.styles.link = self.styles.link.saturating_sub(1);
                    if let Some(leaf) = self.leaf.as_mut() {
                        let end = leaf.text.len();
                        leaf.links.push((start.min(end)..end, url));
                    }
                }
            }
            _ => {}
        }
    }
}
/// `text` cut into runs, each flagged when it was between `==` and `==`
/// (the delimiters themselves dropped), as Obsidian and Typora write
/// highlights. A delimiter must touch its text (`== x ==` is not a mark)
/// and both must be in the same run of text (a mark spanning other markup
/// shows its delimiters).
pub(super) fn split_marks(text: &str) -> Vec<(&str, bool)> {
    let mut out: Vec<(&str, bool)> = Vec::new();
    let mut plain_from = 0;
    let mut at = 0;
    while let Some(found) = text.get(at..).and_then(|r| r.find("==")) {
        let open = at + found;
        let inner_start = open + 2;
        let after = &text[inner_start..];
        let close = after.find("==").filter(|&c| {
            let inner = &after[..c];
            !inner.is_empty()
                && !inner.starts_with(char::is_whitespace)
                && !inner.ends_with(char::is_whitespace)
                && !inner.starts_with('=')
        });
        match close {
            Some(close) => {
                if open > plain_from {
                    out.push((&text[plain_from..open], false));
                }
                out.push((&after[..close], true));
                at = inner_start + close + 2;
                plain_from = at;
            }
            // Not a mark: look again past this run of `=`.
            None => {
                at = open
                    + text[open..]
                        .find(|c: char| c != '=')
                        .unwrap_or(text.len() - open);
            }
        }
    }
    if plain_from < text.len() {
        out.push((&text[plain_from..], false));
    }
    out
}
