//! Turning one Markdown segment into blocks with pulldown-cmark, removing the
//! markup so the canonical text is what a reader sees.

use super::piece::Piece;
use super::sanitize::sanitize;
use super::{BlockKind, ColumnAlign, Container, SpanStyle, Table, TableRow};
use pulldown_cmark::{
    Alignment, BrokenLink, CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Options, Parser,
    Tag, TagEnd,
};

/// The CommonMark extensions articles use; smart punctuation stays off so the
/// text keeps the characters the author typed.
fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

/// Parses a segment into blocks in document order.
pub(super) fn parse(segment: &str) -> Vec<Piece> {
    let mut b = Builder::default();
    // Segments are parsed alone, so a reference definition elsewhere in the
    // article is unknown here: show `[text][ref]` as its text rather than as
    // brackets, without inventing a target.
    let unknown_reference = |link: BrokenLink<'_>| match link.link_type {
        LinkType::Reference | LinkType::Collapsed => Some((CowStr::from(""), CowStr::from(""))),
        _ => None,
    };
    let parser = Parser::new_with_broken_link_callback(segment, options(), Some(unknown_reference));
    for event in parser {
        b.event(event);
    }
    b.end_table();
    b.close_leaf();
    b.out
}

/// Nesting counts for inline styles (the same style may nest).
#[derive(Default)]
struct Styles {
    emphasis: u32,
    strong: u32,
    strike: u32,
    link: u32,
}

impl Styles {
    fn current(&self) -> SpanStyle {
        SpanStyle {
            emphasis: self.emphasis > 0,
            strong: self.strong > 0,
            code: false,
            link: self.link > 0,
            strike: self.strike > 0,
        }
    }
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
    /// The table being built, if any: while it is open, its block is the open
    /// leaf and no other leaf opens or closes.
    table: Option<TableState>,
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
        }
    }

    fn open_leaf(&mut self, kind: BlockKind) {
        if self.table.is_some() {
            // Blocks inside a table cell (HTML) are part of the cell.
            return;
        }
        self.close_leaf();
        let container = self.container();
        self.leaf = Some(Piece::new(kind, container));
        self.leaf_is_html = false;
    }

    fn close_leaf(&mut self) {
        if self.table.is_some() {
            return;
        }
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
            // Give the unused marker back to the item's next block.
            if piece.container.marker.is_some() {
                self.marker = piece.container.marker.take();
            }
            return;
        }
        piece.joinable = piece.kind == BlockKind::Paragraph
            && !self.leaf_is_html
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
        if self.table.is_some() {
            if !self.in_cell() && clean.trim().is_empty() {
                // Whitespace between HTML rows and cells is not cell text.
                return;
            }
            self.begin_cell();
            // Tabs and line feeds separate cells and rows; inside a cell they
            // are spaces, except a hard break (`<br>`), which stays a break.
            let clean = clean.replace('\t', " ");
            let clean = if text == "\n" {
                clean
            } else {
                clean.replace('\n', " ")
            };
            self.leaf().push_styled(&clean, style);
            return;
        }
        self.leaf().push_styled(&clean, style);
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
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(t) => {
                let style = self.styles.current();
                self.push(&t, style);
            }
            Event::Code(t) => {
                let style = SpanStyle {
                    code: true,
                    ..self.styles.current()
                };
                self.push(&t, style);
            }
            Event::InlineMath(t) | Event::DisplayMath(t) => {
                let style = self.styles.current();
                self.push(&t, style);
            }
            Event::Html(t) | Event::InlineHtml(t) => {
                let style = self.styles.current();
                self.push(&t, style);
            }
            Event::FootnoteReference(t) => {
                let style = self.styles.current();
                self.push(&format!("[^{t}]"), style);
            }
            Event::SoftBreak => {
                let style = self.styles.current();
                self.push(" ", style);
            }
            Event::HardBreak => self.push("\n", SpanStyle::default()),
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
            Tag::BlockQuote(_) => {
                self.close_leaf();
                self.quote_depth = self.quote_depth.saturating_add(1);
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
                self.open_leaf(BlockKind::Paragraph);
                self.leaf_is_html = true;
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
                ..
            } => self.links.push(None),
            Tag::Link { dest_url, .. } => {
                let start = self.leaf().text.len();
                self.links
                    .push(Some((start, sanitize(&dest_url).into_owned())));
                self.styles.link += 1;
            }
            Tag::FootnoteDefinition(_)
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition => self.close_leaf(),
            Tag::Superscript | Tag::Subscript | Tag::Image { .. } | Tag::MetadataBlock(_) => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::CodeBlock | TagEnd::HtmlBlock => {
                self.close_leaf()
            }
            TagEnd::TableHead | TagEnd::TableRow => self.end_row(),
            TagEnd::TableCell => self.end_cell(),
            TagEnd::Table => self.end_table(),
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
