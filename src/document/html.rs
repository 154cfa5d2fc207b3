//! HTML inside Markdown, read the way a viewer shows it: tags become structure
//! and style, comments, scripts and styles disappear, and only text reaches the
//! canonical text.
//!
//! A raw HTML block is parsed with a real HTML parser (html5ever, through
//! `scraper`'s tree) and turned into the same events pulldown-cmark gives for
//! Markdown, so a `<table>` becomes a table through the very builder code a
//! Markdown table goes through, a `<ul>` a list, an `<a href>` a link. An
//! inline tag inside a paragraph (`<kbd>`, `<a id>`, `<br>`) arrives alone from
//! pulldown-cmark; [`inline_tag`] reads it with html5ever's tokenizer so its
//! attributes and entities are decoded as a browser would.

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use pulldown_cmark::{
    Alignment, CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Tag, TagEnd,
};
use scraper::{ElementRef, Html, Node};
use std::cell::RefCell;

/// What an HTML block contributes, in document order.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Out {
    /// A Markdown event, replayed through the Markdown builder.
    Md(Event<'static>),
    /// A named place (`id="..."`, `<a name="...">`) at the current position.
    Anchor(String),
}

/// Elements whose content is never shown: code, styling, templates and
/// embedded documents.
const HIDDEN: &[&str] = &[
    "script", "style", "template", "noscript", "head", "title", "meta", "link", "base", "svg",
    "iframe", "object", "embed", "canvas", "frameset", "frame", "param", "source", "track", "area",
    "map", "input", "select", "rp", "datalist",
];

/// Elements that start and end a block of text (a paragraph boundary).
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "header",
    "footer",
    "main",
    "nav",
    "aside",
    "figure",
    "center",
    "address",
    "details",
    "dl",
    "dd",
    "fieldset",
    "form",
    "hgroup",
    "search",
    "dialog",
    "body",
    "html",
    "menu",
    "picture",
    "video",
    "audio",
    "optgroup",
    "option",
    "textarea",
    "output",
    "tr",
    "td",
    "th",
    "thead",
    "tbody",
    "tfoot",
    "colgroup",
    "col",
    "plaintext",
    "listing",
    "xmp",
];

/// Elements shown as a bold line of their own (a caption or label for what
/// follows).
const LABELS: &[&str] = &["summary", "dt", "caption", "legend", "figcaption"];

/// Every HTML element name, so a tag-like word that names none (`<T>`,
/// `<filename>`) is shown as the text the author typed rather than hidden.
const ELEMENTS: &[&str] = &[
    "a",
    "abbr",
    "acronym",
    "address",
    "area",
    "article",
    "aside",
    "audio",
    "b",
    "base",
    "basefont",
    "bdi",
    "bdo",
    "big",
    "blink",
    "blockquote",
    "body",
    "br",
    "button",
    "canvas",
    "caption",
    "center",
    "cite",
    "code",
    "col",
    "colgroup",
    "data",
    "datalist",
    "dd",
    "del",
    "details",
    "dfn",
    "dialog",
    "dir",
    "div",
    "dl",
    "dt",
    "em",
    "embed",
    "fieldset",
    "figcaption",
    "figure",
    "font",
    "footer",
    "form",
    "frame",
    "frameset",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hgroup",
    "hr",
    "html",
    "i",
    "iframe",
    "img",
    "input",
    "ins",
    "kbd",
    "label",
    "legend",
    "li",
    "link",
    "listing",
    "main",
    "map",
    "mark",
    "marquee",
    "math",
    "menu",
    "meta",
    "meter",
    "nav",
    "nobr",
    "noscript",
    "object",
    "ol",
    "optgroup",
    "option",
    "output",
    "p",
    "param",
    "picture",
    "plaintext",
    "pre",
    "progress",
    "q",
    "rp",
    "rt",
    "ruby",
    "s",
    "samp",
    "script",
    "search",
    "section",
    "select",
    "small",
    "source",
    "span",
    "strike",
    "strong",
    "style",
    "sub",
    "summary",
    "sup",
    "svg",
    "table",
    "tbody",
    "td",
    "template",
    "textarea",
    "tfoot",
    "th",
    "thead",
    "time",
    "title",
    "tr",
    "track",
    "tt",
    "u",
    "ul",
    "var",
    "video",
    "wbr",
    "xmp",
];

/// Whether `name` (lower case) is an HTML element, not a word in angle brackets.
pub(super) fn is_element(name: &str) -> bool {
    ELEMENTS.contains(&name)
}

/// Elements whose text is shown in the code style.
pub(super) fn is_code(name: &str) -> bool {
    matches!(name, "code" | "kbd" | "samp" | "tt")
}

/// Elements whose content is hidden; see [`HIDDEN`].
pub(super) fn is_hidden(name: &str) -> bool {
    HIDDEN.contains(&name)
}

/// A same-page link whose only text is a permalink sign, as documentation
/// generators put beside every heading (Node.js docs, Sphinx, rustdoc): a
/// sign, or an icon font's glyph (a private-use character, which a terminal
/// shows as an empty box), or Sphinx's `headerlink` whatever its text.
fn is_permalink(el: ElementRef<'_>) -> bool {
    let same_page = el.value().attr("href").is_some_and(|h| h.starts_with('#'));
    same_page && {
        let text: String = el.text().collect();
        let text = text.trim();
        matches!(text, "#" | "¶" | "§" | "🔗")
            || (!text.is_empty() && text.chars().all(is_private_use))
            || el.value().classes().any(|c| c == "headerlink")
    }
}

/// A link that leads to the heading it is in, around the heading's own text
/// (mdBook and many site generators write `<h2 id="x"><a href="#x">Title</a></h2>`):
/// following it goes nowhere, and drawn as a link the heading looked like
/// one, so its text is shown as the heading's plain text.
fn is_link_to_own_heading(el: ElementRef<'_>) -> bool {
    let Some(target) = el.value().attr("href").and_then(|h| h.strip_prefix('#')) else {
        return false;
    };
    if target.is_empty() {
        return false;
    }
    let names_target = |e: ElementRef<'_>| {
        e.value().attr("id") == Some(target) || e.value().attr("name") == Some(target)
    };
    names_target(el)
        || el
            .ancestors()
            .filter_map(ElementRef::wrap)
            .find(|a| heading_level(a.value().name()).is_some())
            .is_some_and(names_target)
}

/// A character of the Unicode private-use areas: icon fonts draw their
/// icons there; no terminal font has them.
pub(super) fn is_private_use(c: char) -> bool {
    matches!(c, '\u{e000}'..='\u{f8ff}' | '\u{f0000}'..='\u{ffffd}' | '\u{100000}'..='\u{10fffd}')
}

/// HTML's white space (not the no-break space, which is text).
fn is_html_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{c}')
}

/// `2<sup>32</sup>` reads as 2³² only when the raised text is shown raised: the
/// superscript (or subscript) form of `text` when every character has one,
/// else `None` (the text is then shown as it is).
pub(super) fn raised(text: &str, sup: bool) -> Option<String> {
    const DIGITS_SUP: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    const DIGITS_SUB: [char; 10] = ['₀', '₁', '₂', '₃', '₄', '₅', '₆', '₇', '₈', '₉'];
    let t = text.trim_matches(is_html_space);
    if t.is_empty() {
        return None;
    }
    t.chars()
        .map(|c| {
            if let Some(d) = c.to_digit(10) {
                let table = if sup { DIGITS_SUP } else { DIGITS_SUB };
                return table.get(d as usize).copied();
            }
            match (c, sup) {
                ('+', true) => Some('⁺'),
                ('-' | '−', true) => Some('⁻'),
                ('=', true) => Some('⁼'),
                ('(', true) => Some('⁽'),
                (')', true) => Some('⁾'),
                ('n', true) => Some('ⁿ'),
                ('+', false) => Some('₊'),
                ('-' | '−', false) => Some('₋'),
                ('=', false) => Some('₌'),
                ('(', false) => Some('₍'),
                (')', false) => Some('₎'),
                _ => None,
            }
        })
        .collect()
}

/// An owned pulldown-cmark string.
fn cow(s: impl Into<String>) -> CowStr<'static> {
    CowStr::from(s.into())
}

fn heading_level(name: &str) -> Option<HeadingLevel> {
    Some(match name {
        "h1" => HeadingLevel::H1,
        "h2" => HeadingLevel::H2,
        "h3" => HeadingLevel::H3,
        "h4" => HeadingLevel::H4,
        "h5" => HeadingLevel::H5,
        "h6" => HeadingLevel::H6,
        _ => return None,
    })
}

/// A cell's alignment from `align="right"` or `style="text-align: right"`.
fn alignment(el: ElementRef<'_>) -> Alignment {
    let from_style = el.value().attr("style").and_then(|s| {
        let s = s.to_ascii_lowercase();
        let at = s.find("text-align")?;
        let value = s.get(at..)?.split([';', '"']).next()?.to_owned();
        Some(value)
    });
    let value = el
        .value()
        .attr("align")
        .map(str::to_ascii_lowercase)
        .or(from_style)
        .unwrap_or_default();
    if value.contains("center") {
        Alignment::Center
    } else if value.contains("right") {
        Alignment::Right
    } else if value.contains("left") {
        Alignment::Left
    } else {
        Alignment::None
    }
}

/// The code block language named by a `class="language-rust"` (or `lang-`,
/// `highlight-source-`) on `<pre>` or its `<code>`.
fn code_language(pre: ElementRef<'_>) -> String {
    let code = pre.child_elements().find(|c| c.value().name() == "code");
    std::iter::once(pre)
        .chain(code)
        .flat_map(|el| el.value().classes())
        .find_map(|class| {
            ["language-", "lang-", "highlight-source-"]
                .iter()
                .find_map(|p| class.strip_prefix(p))
        })
        .unwrap_or("")
        .to_owned()
}

/// The text of every text node under `el` (comments and hidden elements left
/// out), as written: what `<pre>` shows.
fn raw_text(el: ElementRef<'_>, out: &mut String) {
    for child in el.children() {
        match child.value() {
            Node::Text(t) => out.push_str(t),
            Node::Element(e) if !is_hidden(e.name()) => {
                if e.name() == "br" {
                    out.push('\n');
                } else if let Some(child) = ElementRef::wrap(child) {
                    raw_text(child, out);
                }
            }
            _ => {}
        }
    }
}

/// Whether `el` shows anything: text that is not white space, or an image.
fn shows_something(el: ElementRef<'_>) -> bool {
    el.children().any(|child| match child.value() {
        Node::Text(t) => !t.chars().all(is_html_space),
        Node::Element(e) if e.name() == "img" => true,
        Node::Element(e) if is_hidden(e.name()) => false,
        Node::Element(_) => ElementRef::wrap(child).is_some_and(shows_something),
        _ => false,
    })
}

/// Whether a raw HTML block is one comment and nothing else (the Node docs'
/// YAML metadata blocks), which shows nothing without parsing.
fn only_a_comment(html: &str) -> bool {
    let t = html.trim_matches(is_html_space);
    t.starts_with("<!--") && t.len() >= 7 && t.find("-->") == Some(t.len() - 3)
}

/// Parses a raw HTML block and returns its visible content as events.
pub(super) fn block_events(html: &str) -> Vec<Out> {
    if only_a_comment(html) {
        return Vec::new();
    }
    let html = super::html_nesting::limit_nesting(html, MAX_DEPTH as usize);
    tree_events(&Html::parse_fragment(&html))
}

/// The visible content of a parsed page or fragment as events: what a raw
/// HTML block, a whole saved page and an extracted article all go through.
pub(super) fn tree_events(tree: &Html) -> Vec<Out> {
    let mut w = Walker::default();
    w.children(tree.root_element());
    w.close_leaf();
    w.out
}

/// Elements nested deeper than this are read as plain text, so walking a
/// hostile page (a hundred thousand `<div>`s) cannot exhaust the stack.
const MAX_DEPTH: u32 = 200;

/// One table cell: its inline events and how it is drawn.
struct Cell {
    header: bool,
    align: Alignment,
    /// Columns it covers (`colspan`), at least one.
    span: usize,
    events: Vec<Out>,
    shows: bool,
}

/// One table row.
struct Row {
    /// In `<thead>`.
    head: bool,
    cells: Vec<Cell>,
}

/// Walks a parsed HTML tree and writes events, collapsing white space as a
/// browser does.
#[derive(Default)]
struct Walker {
    out: Vec<Out>,
    /// The end of the open leaf block (paragraph or heading), if one is open.
    leaf: Option<TagEnd>,
    /// Text was written in the open leaf (so a space before more text counts).
    wrote: bool,
    /// White space seen since the last text, written only before more text.
    space: bool,
    /// Inside an element that holds only inline content (a heading, a table
    /// cell, a styled run): block elements there are word breaks.
    flat: u32,
    /// Inside `<code>`, `<kbd>`...
    code: u32,
    /// How many elements are open around the one being read.
    depth: u32,
    /// Reading a table cell, where `<br>` breaks the cell's line (as it does
    /// in a Markdown table) where elsewhere in flat content it is a space.
    in_cell: bool,
    /// A `<br>` in a cell, written as a line break only if text follows
    /// (a trailing one would leave an empty line in the cell).
    cell_break: bool,
}

impl Walker {
    fn emit(&mut self, event: Event<'static>) {
        self.out.push(Out::Md(event));
    }

    /// Ends the open paragraph or heading.
    fn close_leaf(&mut self) {
        if let Some(end) = self.leaf.take() {
            self.emit(Event::End(end));
        }
        self.wrote = false;
        self.space = false;
    }

    /// A block boundary: a new paragraph, or only a word break where blocks
    /// cannot be.
    fn boundary(&mut self) {
        if self.flat > 0 {
            self.space = true;
        } else {
            self.close_leaf();
        }
    }

    /// Opens a paragraph for inline content when none is open.
    fn ensure_leaf(&mut self) {
        if self.flat == 0 && self.leaf.is_none() {
            self.emit(Event::Start(Tag::Paragraph));
            self.leaf = Some(TagEnd::Paragraph);
            self.wrote = false;
        }
    }

    /// Writes the pending space when text follows text.
    fn flush_space(&mut self) {
        if self.space && self.wrote {
            self.emit(Event::Text(cow(" ")));
        }
        self.space = false;
    }

    fn text(&mut self, s: &str) {
        let mut buf = String::new();
        for c in s.chars() {
            if is_html_space(c) {
                self.space = true;
                continue;
            }
            if self.cell_break {
                self.cell_break = false;
                if self.wrote && buf.is_empty() {
                    self.emit(Event::HardBreak);
                    self.space = false;
                }
            }
            if self.space && (self.wrote || !buf.is_empty()) {
                buf.push(' ');
            }
            self.space = false;
            buf.push(c);
        }
        if buf.is_empty() {
            return;
        }
        self.ensure_leaf();
        let text = cow(buf);
        self.emit(if self.code > 0 {
            Event::Code(text)
        } else {
            Event::Text(text)
        });
        self.wrote = true;
    }

    fn children(&mut self, el: ElementRef<'_>) {
        for child in el.children() {
            match child.value() {
                Node::Text(t) => self.text(t),
                Node::Element(_) => {
                    if let Some(child) = ElementRef::wrap(child) {
                        self.element(child);
                    }
                }
                // Comments, doctypes and processing instructions are not shown.
                _ => {}
            }
        }
    }

    /// An inline run wrapped in `tag` (strong, a link...): its content stays
    /// inline so the start and end events pair up inside one block.
    fn styled(&mut self, el: ElementRef<'_>, tag: Tag<'static>, end: TagEnd) {
        self.ensure_leaf();
        self.flush_space();
        self.emit(Event::Start(tag));
        self.flat += 1;
        self.children(el);
        self.flat -= 1;
        self.emit(Event::End(end));
    }

    /// `<mark>`: a highlight written into the page, drawn like `==text==`
    /// (the Markdown builder reads the inline tags as it does in a paragraph).
    fn marked(&mut self, el: ElementRef<'_>) {
        self.ensure_leaf();
        self.flush_space();
        self.emit(Event::InlineHtml(cow("<mark>")));
        self.flat += 1;
        self.children(el);
        self.flat -= 1;
        self.emit(Event::InlineHtml(cow("</mark>")));
    }

    /// A bold line of its own (`<summary>`, `<dt>`, `<caption>`).
    fn label(&mut self, el: ElementRef<'_>) {
        if self.flat > 0 {
            self.space = true;
            self.children(el);
            self.space = true;
            return;
        }
        self.close_leaf();
        self.ensure_leaf();
        self.emit(Event::Start(Tag::Strong));
        self.flat += 1;
        self.children(el);
        self.flat -= 1;
        self.emit(Event::End(TagEnd::Strong));
        self.close_leaf();
    }

    fn image(&mut self, el: ElementRef<'_>) {
        let src = el.value().attr("src").unwrap_or("");
        let alt = el
            .value()
            .attr("alt")
            .or_else(|| el.value().attr("title"))
            .unwrap_or("");
        self.picture(src, alt);
    }

    /// An SVG that shows a picture (`<image href=...>`, as an EPUB's cover
    /// page does) is marked as an `<img>` is, named by the SVG's `<title>`;
    /// the rest of its drawing is not shown.
    fn svg_picture(&mut self, el: ElementRef<'_>) {
        let Some(src) = el
            .descendants()
            .filter_map(ElementRef::wrap)
            .filter(|e| e.value().name() == "image")
            .find_map(|e| {
                e.value()
                    .attrs()
                    .find(|(name, _)| *name == "href")
                    .map(|(_, href)| href)
            })
        else {
            return;
        };
        let mut alt = String::new();
        if let Some(title) = el
            .children()
            .filter_map(ElementRef::wrap)
            .find(|e| e.value().name() == "title")
        {
            raw_text(title, &mut alt);
        }
        self.picture(src, &alt);
    }

    /// An image marker for the picture at `src`, described by `alt`.
    fn picture(&mut self, src: &str, alt: &str) {
        self.ensure_leaf();
        self.flush_space();
        self.emit(Event::Start(Tag::Image {
            link_type: LinkType::Inline,
            dest_url: cow(src),
            title: cow(""),
            id: cow(""),
        }));
        let alt: String = alt
            .split(is_html_space)
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        if !alt.is_empty() {
            self.emit(Event::Text(cow(alt)));
        }
        self.emit(Event::End(TagEnd::Image));
        self.wrote = true;
    }

    fn raised(&mut self, el: ElementRef<'_>, sup: bool) {
        let mut text = String::new();
        raw_text(el, &mut text);
        match raised(&text, sup) {
            Some(r) => {
                // Raised text sticks to what it follows, as it looks.
                self.space = false;
                self.text(&r);
            }
            None => self.children(el),
        }
    }

    fn element(&mut self, el: ElementRef<'_>) {
        let name = el.value().name();
        if is_hidden(name) {
            if name == "svg" {
                self.svg_picture(el);
            }
            return;
        }
        if self.depth >= MAX_DEPTH {
            // Too deep to walk: its text, read without recursion.
            return self.flat_text(el);
        }
        self.depth += 1;
        self.element_within(el, name);
        self.depth -= 1;
    }

    /// The text under `el` as one run, hidden elements left out, read
    /// iteratively (for nesting too deep to walk).
    fn flat_text(&mut self, el: ElementRef<'_>) {
        let mut text = String::new();
        for node in el.descendants() {
            let hidden = node
                .parent()
                .is_some_and(|a| matches!(a.value(), Node::Element(e) if is_hidden(e.name())));
            if let Node::Text(t) = node.value()
                && !hidden
            {
                text.push_str(t);
                text.push(' ');
            }
        }
        self.space = true;
        self.text(&text);
    }

    fn element_within(&mut self, el: ElementRef<'_>, name: &str) {
        let block = heading_level(name).is_some()
            || BLOCKS.contains(&name)
            || LABELS.contains(&name)
            || matches!(
                name,
                "ul" | "ol" | "li" | "blockquote" | "pre" | "table" | "hr"
            );
        if block && self.flat == 0 {
            // A block's name belongs to its start, not the end of what came before.
            self.close_leaf();
        }
        let id = el.value().id().or_else(|| match name {
            "a" => el.value().attr("name"),
            _ => None,
        });
        if let Some(id) = id.filter(|id| !id.is_empty()) {
            self.out.push(Out::Anchor(id.to_owned()));
        }
        if let Some(level) = heading_level(name) {
            return self.heading(el, level);
        }
        match name {
            "br" => {
                if self.in_cell {
                    self.cell_break = true;
                } else if self.flat > 0 || self.leaf.is_none() {
                    self.space = true;
                } else if self.wrote {
                    self.emit(Event::HardBreak);
                    self.space = false;
                }
            }
            "hr" => {
                if self.flat > 0 {
                    self.space = true;
                } else {
                    self.close_leaf();
                    self.emit(Event::Rule);
                }
            }
            "img" => self.image(el),
            // A heading's permalink (`<a href="#id">#</a>`, `¶`, `§`) is a
            // mark for the mouse, not text: its place is the anchor above.
            "a" if is_permalink(el) => {}
            "a" if is_link_to_own_heading(el) => self.children(el),
            "a" => match el.value().attr("href") {
                Some(href) if shows_something(el) => self.styled(
                    el,
                    Tag::Link {
                        link_type: LinkType::Inline,
                        dest_url: cow(href),
                        title: cow(""),
                        id: cow(""),
                    },
                    TagEnd::Link,
                ),
                _ => self.children(el),
            },
            "strong" | "b" => self.styled(el, Tag::Strong, TagEnd::Strong),
            "em" | "i" | "cite" | "var" | "dfn" => self.styled(el, Tag::Emphasis, TagEnd::Emphasis),
            "s" | "strike" | "del" => self.styled(el, Tag::Strikethrough, TagEnd::Strikethrough),
            "mark" => self.marked(el),
            "sup" => self.raised(el, true),
            "sub" => self.raised(el, false),
            "q" => {
                self.text("“");
                self.children(el);
                self.space = false;
                self.text("”");
            }
            _ if is_code(name) => {
                self.code += 1;
                self.children(el);
                self.code -= 1;
            }
            "pre" if self.flat == 0 => self.pre(el),
            "ul" | "ol" if self.flat == 0 => {
                self.close_leaf();
                let start = (name == "ol").then(|| {
                    el.value()
                        .attr("start")
                        .and_then(|s| s.trim().parse::<u64>().ok())
                        .unwrap_or(1)
                });
                self.emit(Event::Start(Tag::List(start)));
                self.children(el);
                self.close_leaf();
                self.emit(Event::End(TagEnd::List(start.is_some())));
            }
            "li" if self.flat == 0 => {
                self.close_leaf();
                self.emit(Event::Start(Tag::Item));
                self.children(el);
                self.close_leaf();
                self.emit(Event::End(TagEnd::Item));
            }
            "blockquote" if self.flat == 0 => {
                self.close_leaf();
                self.emit(Event::Start(Tag::BlockQuote(None)));
                self.children(el);
                self.close_leaf();
                self.emit(Event::End(TagEnd::BlockQuote(None)));
            }
            "table" if self.flat == 0 => self.table(el),
            _ if LABELS.contains(&name) => self.label(el),
            "ul" | "ol" | "li" | "blockquote" | "pre" | "table" => {
                self.space = true;
                self.children(el);
                self.space = true;
            }
            _ if BLOCKS.contains(&name) => {
                self.boundary();
                self.children(el);
                self.boundary();
            }
            _ => self.children(el),
        }
    }

    fn heading(&mut self, el: ElementRef<'_>, level: HeadingLevel) {
        if self.flat > 0 {
            self.space = true;
            self.children(el);
            self.space = true;
            return;
        }
        self.close_leaf();
        self.emit(Event::Start(Tag::Heading {
            level,
            id: None,
            classes: Vec::new(),
            attrs: Vec::new(),
        }));
        self.leaf = Some(TagEnd::Heading(level));
        self.flat += 1;
        self.children(el);
        self.flat -= 1;
        self.close_leaf();
    }

    fn pre(&mut self, el: ElementRef<'_>) {
        self.close_leaf();
        // One `<pre>` holding several `<code>`s side by side is one program
        // in several flavours, shown one at a time by a toggle (the Node.js
        // docs' ES module and CommonJS forms): each is a code block of its
        // own, not one line run into the next.
        let codes: Vec<ElementRef<'_>> = el
            .child_elements()
            .filter(|c| c.value().name() == "code")
            .collect();
        if codes.len() > 1 {
            for code in codes {
                self.code_block(code, code_language(code));
            }
            return;
        }
        self.code_block(el, code_language(el));
    }

    /// A code block of the text under `el`, in `lang`.
    fn code_block(&mut self, el: ElementRef<'_>, lang: String) {
        let mut text = String::new();
        raw_text(el, &mut text);
        self.emit(Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(cow(
            lang,
        )))));
        if !text.is_empty() {
            self.emit(Event::Text(cow(text)));
        }
        self.emit(Event::End(TagEnd::CodeBlock));
    }

    /// Writes a cell's content into its own event list.
    fn cell(el: ElementRef<'_>) -> Cell {
        let mut w = Walker {
            flat: 1,
            in_cell: true,
            ..Walker::default()
        };
        w.children(el);
        let span = el
            .value()
            .attr("colspan")
            .and_then(|s| s.trim().parse::<usize>().ok())
            .unwrap_or(1)
            .clamp(1, 64);
        Cell {
            header: el.value().name() == "th",
            align: alignment(el),
            span,
            shows: shows_something(el),
            events: w.out,
        }
    }

    /// Gathers the rows under `el`, not those of tables nested in cells.
    fn rows<'a>(
        el: ElementRef<'a>,
        head: bool,
        rows: &mut Vec<Row>,
        captions: &mut Vec<ElementRef<'a>>,
    ) {
        for child in el.child_elements() {
            match child.value().name() {
                "thead" => Self::rows(child, true, rows, captions),
                "tbody" | "tfoot" => Self::rows(child, false, rows, captions),
                "caption" => captions.push(child),
                "tr" => rows.push(Row {
                    head,
                    cells: child
                        .child_elements()
                        .filter(|c| matches!(c.value().name(), "td" | "th"))
                        .map(Self::cell)
                        .collect(),
                }),
                _ => {}
            }
        }
    }

    /// An HTML table as a Markdown table: a header row when the first row is
    /// in `<thead>` or all `<th>`, every row padded to the same columns, a
    /// spanning cell followed by empty ones.
    fn table(&mut self, el: ElementRef<'_>) {
        self.close_leaf();
        let mut rows = Vec::new();
        let mut captions = Vec::new();
        Self::rows(el, false, &mut rows, &mut captions);
        for caption in captions {
            self.label(caption);
        }
        let shows = rows.iter().flat_map(|r| &r.cells).any(|c| c.shows);
        if !shows {
            // Nothing to draw (often the first half of a table that a blank
            // line cut in two); keep its named places.
            for cell in rows.into_iter().flat_map(|r| r.cells) {
                self.out.extend(
                    cell.events
                        .into_iter()
                        .filter(|e| matches!(e, Out::Anchor(_))),
                );
            }
            return;
        }
        let columns = rows
            .iter()
            .map(|r| r.cells.iter().map(|c| c.span).sum::<usize>())
            .max()
            .unwrap_or(0)
            .max(1);
        let has_head = rows
            .first()
            .is_some_and(|r| r.head || (!r.cells.is_empty() && r.cells.iter().all(|c| c.header)));
        let mut aligns = vec![Alignment::None; columns];
        if let Some(first) = rows.first() {
            let mut col = 0;
            for cell in &first.cells {
                if let Some(a) = aligns.get_mut(col) {
                    *a = cell.align;
                }
                col += cell.span;
            }
        }
        self.emit(Event::Start(Tag::Table(aligns)));
        for (i, row) in rows.into_iter().enumerate() {
            let head = i == 0 && has_head;
            self.emit(Event::Start(if head {
                Tag::TableHead
            } else {
                Tag::TableRow
            }));
            let mut col = 0;
            for cell in row.cells {
                self.emit(Event::Start(Tag::TableCell));
                self.out.extend(cell.events);
                self.emit(Event::End(TagEnd::TableCell));
                for _ in 1..cell.span {
                    self.emit(Event::Start(Tag::TableCell));
                    self.emit(Event::End(TagEnd::TableCell));
                }
                col += cell.span;
            }
            for _ in col..columns {
                self.emit(Event::Start(Tag::TableCell));
                self.emit(Event::End(TagEnd::TableCell));
            }
            self.emit(Event::End(if head {
                TagEnd::TableHead
            } else {
                TagEnd::TableRow
            }));
        }
        self.emit(Event::End(TagEnd::Table));
    }
}

/// One inline HTML token as pulldown-cmark hands it over inside a paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum InlineTag {
    /// `<name attr="v">`; `closed` for `<br/>`-style tags.
    Open {
        /// Lower-case element name.
        name: String,
        /// Attributes with entities decoded.
        attrs: Vec<(String, String)>,
        /// Written as `<name ... />`.
        closed: bool,
    },
    /// `</name>`.
    Close {
        /// Lower-case element name.
        name: String,
    },
    /// `<!-- ... -->`; `ended` is false when the comment runs on past this
    /// token (pulldown-cmark gave only its start).
    Comment {
        /// The token holds the comment's end.
        ended: bool,
    },
    /// A declaration, processing instruction or CDATA section: not shown.
    Other,
}

impl InlineTag {
    /// The value of attribute `name` on an opening tag.
    pub(super) fn attr(&self, name: &str) -> Option<&str> {
        match self {
            InlineTag::Open { attrs, .. } => attrs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str()),
            _ => None,
        }
    }
}

/// Collects the first token html5ever reads.
#[derive(Default)]
struct FirstToken(RefCell<Option<Token>>);

impl TokenSink for FirstToken {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut first = self.0.borrow_mut();
        if first.is_none()
            && matches!(
                token,
                Token::TagToken(_) | Token::CommentToken(_) | Token::DoctypeToken(_)
            )
        {
            *first = Some(token);
        }
        TokenSinkResult::Continue
    }
}

/// Reads one inline HTML token with html5ever's tokenizer.
pub(super) fn inline_tag(raw: &str) -> InlineTag {
    let trimmed = raw.trim_start();
    if trimmed.starts_with("<!--") {
        let ended = trimmed.len() >= 7 && trimmed.trim_end().ends_with("-->");
        return InlineTag::Comment { ended };
    }
    let tokenizer = Tokenizer::new(FirstToken::default(), TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from(trimmed));
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    let token = tokenizer.sink.0.borrow_mut().take();
    match token {
        Some(Token::TagToken(tag)) => {
            let name = tag.name.to_string();
            match tag.kind {
                TagKind::StartTag => InlineTag::Open {
                    name,
                    attrs: tag
                        .attrs
                        .iter()
                        .map(|a| (a.name.local.to_string(), a.value.to_string()))
                        .collect(),
                    closed: tag.self_closing,
                },
                TagKind::EndTag => InlineTag::Close { name },
            }
        }
        Some(Token::CommentToken(_)) | Some(Token::DoctypeToken(_)) | Some(_) | None => {
            InlineTag::Other
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(out: &[Out]) -> String {
        out.iter()
            .filter_map(|o| match o {
                Out::Md(Event::Text(t) | Event::Code(t)) => Some(t.to_string()),
                Out::Md(Event::End(TagEnd::Paragraph | TagEnd::Heading(_))) => Some("|".into()),
                Out::Md(Event::HardBreak) => Some("\n".into()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn comments_scripts_and_styles_show_nothing() {
        let out = block_events(
            "<!-- YAML\nadded: v0.1.90\nchanges:\n  - version: v15\n-->\n<script>alert(1)</script><style>p{}</style>",
        );
        assert_eq!(texts(&out), "");
    }

    #[test]
    fn a_lone_comment_is_seen_without_parsing_and_others_are_parsed() {
        assert!(only_a_comment("<!-- YAML\nadded: v1\n-->\n"));
        assert!(only_a_comment("<!---->"));
        assert!(!only_a_comment("<!-- a --> shown <!-- b -->"));
        assert!(!only_a_comment("<!-- a --> shown"));
        assert_eq!(
            texts(&block_events("<!-- a --> shown <!-- b -->")),
            "shown|"
        );
    }

    #[test]
    fn white_space_collapses_and_blocks_make_paragraphs() {
        let out = block_events("<div>\n  one\n  <b>two</b>   three\n<p>four</p>five</div>");
        assert_eq!(texts(&out), "one two three|four|five|");
    }

    #[test]
    fn br_breaks_a_line_only_inside_text() {
        let out = block_events("<p><br>a<br/>b<br></p>");
        assert_eq!(texts(&out), "a\nb\n|");
    }

    #[test]
    fn sup_and_sub_read_as_raised_digits() {
        let out = block_events("<p>2<sup>32</sup> and H<sub>2</sub>O and 4<sup>th</sup></p>");
        assert_eq!(texts(&out), "2³² and H₂O and 4th|");
        assert_eq!(raised(" -64 ", true).as_deref(), Some("⁻⁶⁴"));
        assert_eq!(raised("", true), None);
    }

    #[test]
    fn anchors_come_from_ids_and_names() {
        let out = block_events(r#"<a id="x"></a><h2 id="y">T</h2><a name="z">w</a>"#);
        let anchors: Vec<_> = out
            .iter()
            .filter_map(|o| match o {
                Out::Anchor(a) => Some(a.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(anchors, ["x", "y", "z"]);
    }

    #[test]
    fn a_table_becomes_table_events_with_a_head_and_padded_rows() {
        let out = block_events(
            "<table><tr><th>A</th><th align=right>B</th></tr>\n<tr><td>1</td></tr>\n<tr><td colspan=2>wide</td></tr></table>",
        );
        let tags: Vec<String> = out
            .iter()
            .filter_map(|o| match o {
                Out::Md(Event::Start(Tag::Table(a))) => Some(format!("table{a:?}")),
                Out::Md(Event::Start(Tag::TableHead)) => Some("head".into()),
                Out::Md(Event::Start(Tag::TableRow)) => Some("row".into()),
                Out::Md(Event::Start(Tag::TableCell)) => Some("cell".into()),
                Out::Md(Event::Text(t)) => Some(t.to_string()),
                _ => None,
            })
            .collect();
        assert_eq!(
            tags,
            [
                "table[None, Right]",
                "head",
                "cell",
                "A",
                "cell",
                "B",
                "row",
                "cell",
                "1",
                "cell",
                "row",
                "cell",
                "wide",
                "cell"
            ]
        );
    }

    #[test]
    fn a_table_cut_by_a_blank_line_draws_nothing() {
        assert_eq!(block_events("<table>\n<tr>\n<td>"), []);
    }

    #[test]
    fn inline_tags_are_read_with_decoded_attributes() {
        assert_eq!(
            inline_tag(r#"<a href="x?a=1&amp;b=2" ID='q'>"#),
            InlineTag::Open {
                name: "a".into(),
                attrs: vec![
                    ("href".into(), "x?a=1&b=2".into()),
                    ("id".into(), "q".into())
                ],
                closed: false
            }
        );
        assert_eq!(
            inline_tag("</SPAN>"),
            InlineTag::Close {
                name: "span".into()
            }
        );
        assert_eq!(inline_tag("<!-- a -->"), InlineTag::Comment { ended: true });
        assert_eq!(inline_tag("<!-- a"), InlineTag::Comment { ended: false });
        assert_eq!(inline_tag("<?php x ?>"), InlineTag::Other);
        assert!(matches!(
            inline_tag("<br/>"),
            InlineTag::Open { closed: true, .. }
        ));
    }
}
