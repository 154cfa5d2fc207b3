//! Turning one Markdown segment into blocks with pulldown-cmark, removing the
//! markup so the canonical text is what a reader sees.

use super::piece::Piece;
use super::sanitize::sanitize;
use super::{BlockKind, Container, SpanStyle};
use pulldown_cmark::{
    BrokenLink, CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd,
};

/// The CommonMark extensions articles use; smart punctuation stays off so the
/// text keeps the characters the author typed.
fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

/// Parses a segment into blocks in document order, knowing only the link
/// definitions inside it (enough for a title and byline).
pub(super) fn parse(segment: &str) -> Vec<Piece> {
    parse_with(segment, &|_| None)
}

/// Parses a segment into blocks in document order; `lookup` finds the
/// target of a link label defined anywhere in the article (it is only asked
/// about references the segment itself does not define).
pub(super) fn parse_with(segment: &str, lookup: &dyn Fn(&str) -> Option<String>) -> Vec<Piece> {
    let mut b = Builder::default();
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
    let parser = Parser::new_with_broken_link_callback(segment, options(), Some(unknown_reference));
    for event in parser {
        b.event(event);
    }
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

/// Event-to-block state for one segment.
#[derive(Default)]
struct Builder {
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
    /// Cells already written in the open table row.
    cells: usize,
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
        self.close_leaf();
        let container = self.container();
        self.leaf = Some(Piece::new(kind, container));
        self.leaf_is_html = false;
        self.cells = 0;
    }

    fn close_leaf(&mut self) {
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
            BlockKind::Code { .. } | BlockKind::Rule | BlockKind::TableRow { .. }
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

    fn push(&mut self, text: &str, style: SpanStyle) {
        let clean = sanitize(text);
        self.leaf().push_styled(&clean, style);
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
                self.leaf().wrapped = true;
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
            Tag::TableHead => self.open_leaf(BlockKind::TableRow { header: true }),
            Tag::TableRow => self.open_leaf(BlockKind::TableRow { header: false }),
            Tag::TableCell => {
                let cells = self.cells;
                if cells > 0 {
                    self.push(" | ", SpanStyle::default());
                } else {
                    self.leaf();
                }
                self.cells = cells + 1;
            }
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
            Tag::FootnoteDefinition(_)
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition => self.close_leaf(),
            Tag::Table(_)
            | Tag::Superscript
            | Tag::Subscript
            | Tag::Image { .. }
            | Tag::MetadataBlock(_) => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph
            | TagEnd::Heading(_)
            | TagEnd::CodeBlock
            | TagEnd::HtmlBlock
            | TagEnd::TableHead
            | TagEnd::TableRow => self.close_leaf(),
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
