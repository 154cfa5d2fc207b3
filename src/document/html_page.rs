//! Saved web pages (`.html`, `.htm`): the readable part of the page, found the
//! way Firefox's Reader View finds it (navigation, footers, cookie banners and
//! scripts left out), shown with the same blocks as Markdown.
//!
//! Extraction is `dom_smoothie`'s port of Mozilla's Readability; what it keeps
//! is rendered by the very code that renders HTML blocks inside Markdown
//! ([`super::html`] turns the tree into Markdown events, the Markdown builder
//! turns those into blocks), so a table in a page and a table in a Markdown
//! article read the same. The raw mode ([`Format::HtmlRaw`]) renders the whole
//! page's body through that same path without extraction: for pages where
//! extraction picks the wrong part, and for HTML that is already just content
//! (an EPUB chapter).
//!
//! A page is parsed in one go (HTML cannot be read a segment at a time), but
//! the work is bounded: nesting deeper than [`MAX_DEPTH`] is read as flat text
//! (a page nesting far deeper loses those tags before the tree is built, see
//! [`super::html_nesting`]),
//! and a page with more than [`MAX_ELEMENTS`] elements or more than
//! [`MAX_EXTRACTED_BYTES`] of text skips extraction (its whole text is
//! shown), so a hostile or enormous page cannot take unbounded time; the
//! reader parses pages of some size in a background job (`session::extract`).

use super::html;
use super::html_nesting;
use super::meta::{Metadata, parse_date};
use super::piece::Piece;
use super::sanitize::sanitize;
use super::{BlockKind, Container, Format, SpanStyle, markdown};
use scraper::{Html, Node, Selector};

/// Nesting deeper than this is read as plain text: recursion over the tree
/// stays shallow whatever the page (a browser limits nesting too).
pub(super) const MAX_DEPTH: usize = 256;

/// Pages with more elements than this are shown whole instead of extracted:
/// scoring every candidate of a huge page would take longer than reading it.
pub(super) const MAX_ELEMENTS: usize = 200_000;

/// Pages larger than this (bytes of text) are shown whole instead of
/// extracted, whatever their elements: extraction keeps a second tree of
/// the page, and a page this large is rarely one article.
pub const MAX_EXTRACTED_BYTES: usize = 16 * 1024 * 1024;

/// A parsed page: its metadata and its blocks in reading order.
pub(super) struct Page {
    pub meta: Metadata,
    pub pieces: Vec<Piece>,
}

/// Parses a whole page in `format` ([`Format::Html`] extracts the article,
/// [`Format::HtmlRaw`] shows the whole body).
pub(super) fn parse(source: &str, format: Format) -> Page {
    if super::epub::is_book_source(source, format)
        && let Some((head, sections)) = super::epub::split_source(source)
    {
        // A book's chapters are parsed one by one, as when it is read a
        // chapter at a time (see `epub::Rest`).
        return Page {
            meta: read_metadata(head),
            pieces: sections.into_iter().flat_map(section_pieces).collect(),
        };
    }
    let limited = html_nesting::limit_nesting(source, MAX_DEPTH);
    let source = &*limited;
    let tree = Html::parse_document(source);
    let mut meta = metadata(&tree);
    let depth = max_depth(&tree);
    let elements = tree
        .tree
        .values()
        .filter(|n| matches!(n, Node::Element(_)))
        .count();
    let extracted = match format {
        Format::Html
            if depth <= MAX_DEPTH
                && elements <= MAX_ELEMENTS
                && source.len() <= MAX_EXTRACTED_BYTES =>
        {
            extract(source, &mut meta)
        }
        _ => None,
    };
    let mut pieces = match extracted {
        Some(content) => {
            let fragment = Html::parse_fragment(&content);
            markdown::replay_html(html::tree_events(&fragment))
        }
        None => markdown::replay_html(html::tree_events(&tree)),
    };
    if format == Format::Html {
        pieces.splice(0..0, header(&meta, &pieces));
    }
    Page { meta, pieces }
}

/// The blocks of one chapter of a book (its `<section>`), shown whole.
pub(super) fn section_pieces(section: &str) -> Vec<Piece> {
    let fragment = Html::parse_fragment(&html_nesting::limit_nesting(section, MAX_DEPTH));
    markdown::replay_html(html::tree_events(&fragment))
}

/// The article's HTML as Readability extracts it, filling metadata the head
/// did not give; `None` when nothing readable was found.
fn extract(source: &str, meta: &mut Metadata) -> Option<String> {
    let config = dom_smoothie::Config {
        max_elements_to_parse: MAX_ELEMENTS,
        ..Default::default()
    };
    let document = dom_query::Document::from(source);
    inline_divs_as_paragraphs(&document);
    let mut readability =
        dom_smoothie::Readability::with_document(document, None, Some(config)).ok()?;
    let article = readability.parse().ok()?;
    if meta.author.is_none() {
        meta.author = article.byline.as_deref().and_then(field);
    }
    if meta.title.is_none() {
        meta.title = field(&article.title);
    }
    let content = article.content.to_string();
    let shows = !article.text_content.trim().is_empty();
    shows.then_some(content)
}

/// Makes every `<div>` that holds only text and inline elements a `<p>`
/// before Readability reads the page. Readability's last clean-up drops a
/// short `<div>` whose text is mostly a link, which took every "Stability:
/// 1 - Experimental" notice out of Node's API pages; it never drops a
/// paragraph, and such a div is shown as a paragraph anyway. The block
/// elements are those Readability itself looks for before turning a div
/// into a paragraph while it scores the page.
fn inline_divs_as_paragraphs(document: &dom_query::Document) {
    const INLINE_ONLY: &str = "div:not(:has(blockquote, dl, div, img, ol, p, pre, table, ul, section, h1, h2, h3, h4, h5, h6, figure, hr))";
    document.select(INLINE_ONLY).rename("p");
}

/// The title as a heading when the content does not start with it
/// (Readability drops the page's own title heading when it repeats the
/// title), so a page reads like an article and the outline has its title.
fn header(meta: &Metadata, pieces: &[Piece]) -> Vec<Piece> {
    let Some(title) = &meta.title else {
        return Vec::new();
    };
    let repeated = pieces
        .iter()
        .find(|p| !p.text.trim().is_empty())
        .is_some_and(|p| matches!(p.kind, BlockKind::Heading(_)) && p.text.trim() == title);
    if repeated {
        return Vec::new();
    }
    let mut piece = Piece::new(BlockKind::Heading(1), Container::default());
    piece.push_styled(title, SpanStyle::default());
    vec![piece]
}

/// How deep elements nest, counted without recursion.
fn max_depth(tree: &Html) -> usize {
    let mut deepest = 0;
    let mut depth = 0usize;
    for edge in tree.root_element().traverse() {
        match edge {
            ego_tree::iter::Edge::Open(_) => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            ego_tree::iter::Edge::Close(_) => depth = depth.saturating_sub(1),
        }
    }
    deepest
}

/// Title, author, date and address from the page's head alone: what the
/// library list needs from every file, read without extracting the body.
pub(super) fn read_metadata(source: &str) -> Metadata {
    metadata(&Html::parse_document(&html_nesting::limit_nesting(
        source, MAX_DEPTH,
    )))
}

/// A metadata value: trimmed, white space collapsed, control characters as
/// placeholders; `None` when empty.
fn field(value: &str) -> Option<String> {
    let words: Vec<&str> = value.split_whitespace().collect();
    (!words.is_empty()).then(|| sanitize(&words.join(" ")).into_owned())
}

/// The `content` of the first `<meta>` whose `property` or `name` is one of
/// `keys`, in the order of `keys`.
fn meta_content(tree: &Html, keys: &[&str]) -> Option<String> {
    let selector = Selector::parse("meta[content]").ok()?;
    let metas: Vec<_> = tree.select(&selector).collect();
    keys.iter().find_map(|key| {
        metas.iter().find_map(|m| {
            let el = m.value();
            let named = [el.attr("property"), el.attr("name"), el.attr("itemprop")]
                .into_iter()
                .flatten()
                .any(|n| n.trim().eq_ignore_ascii_case(key));
            if named {
                el.attr("content").and_then(field)
            } else {
                None
            }
        })
    })
}

/// A `<title>` without the site's name: "Assert | Node.js v20 Documentation"
/// is "Assert" when a heading of the page says "Assert". Only a part the
/// page itself repeats as a heading is taken, so a title whose separator is
/// part of it ("Rust - the good parts") stays whole.
fn without_site_name(title: &str, tree: &Html) -> String {
    const SEPARATORS: [&str; 7] = [" | ", " - ", " – ", " — ", " · ", " :: ", " » "];
    if !SEPARATORS.iter().any(|sep| title.contains(sep)) {
        return title.to_string();
    }
    let Ok(headings) = Selector::parse("h1, h2") else {
        return title.to_string();
    };
    // A heading's words are its text outside links: what generators put
    // beside a heading (a permalink sign, Node's "[src]") is a link; a
    // heading that is all link counts whole.
    let headings: Vec<String> = tree
        .select(&headings)
        .take(64)
        .flat_map(|h| {
            let whole: String = h.text().collect();
            let own = text_outside_links(h);
            [whole.trim().to_string(), own.trim().to_string()]
        })
        .filter(|text| !text.is_empty())
        .collect();
    let mut parts = vec![title];
    for sep in SEPARATORS {
        parts = parts.iter().flat_map(|p| p.split(sep)).collect();
    }
    parts
        .into_iter()
        .map(str::trim)
        .find(|part| !part.is_empty() && headings.iter().any(|h| h == part))
        .map_or_else(|| title.to_string(), str::to_string)
}

/// The text of `el` that is not inside a link.
fn text_outside_links(el: scraper::ElementRef<'_>) -> String {
    el.descendants()
        .filter_map(|node| {
            let text = node.value().as_text()?;
            let in_link = node
                .ancestors()
                .take_while(|a| a.id() != el.id())
                .any(|a| a.value().as_element().is_some_and(|e| e.name() == "a"));
            (!in_link).then_some(&**text)
        })
        .collect()
}

/// Reads title, author, date and address from `<title>`, `og:`/`article:`
/// meta tags, JSON-LD and `<link rel=canonical>`; the explicit tags win over
/// the `<title>`, which often carries the site's name.
fn metadata(tree: &Html) -> Metadata {
    let ld = json_ld(tree);
    let title = meta_content(tree, &["og:title", "twitter:title", "dc.title"])
        .or_else(|| ld.title.clone())
        .or_else(|| {
            let s = Selector::parse("title").ok()?;
            tree.select(&s)
                .next()
                .and_then(|t| field(&t.text().collect::<String>()))
                .map(|t| without_site_name(&t, tree))
        });
    let author = meta_content(tree, &["author", "article:author", "dc.creator", "byl"])
        .filter(|a| !a.starts_with("http://") && !a.starts_with("https://"))
        .or_else(|| ld.author.clone());
    let date_text = meta_content(
        tree,
        &[
            "article:published_time",
            "datePublished",
            "date",
            "dc.date",
            "publication_date",
        ],
    )
    .or_else(|| ld.date.clone());
    let date = date_text.as_deref().and_then(parse_date);
    let source_url = canonical(tree)
        .or_else(|| meta_content(tree, &["og:url"]))
        .or_else(|| ld.url.clone())
        .filter(|u| u.starts_with("http://") || u.starts_with("https://"));
    Metadata {
        title,
        author,
        date_text,
        date,
        source_url,
    }
}

/// `<link rel="canonical" href>`: the page's own address.
fn canonical(tree: &Html) -> Option<String> {
    let s = Selector::parse("link[rel][href]").ok()?;
    tree.select(&s)
        .find(|l| {
            l.value().attr("rel").is_some_and(|r| {
                r.split_whitespace()
                    .any(|w| w.eq_ignore_ascii_case("canonical"))
            })
        })
        .and_then(|l| l.value().attr("href"))
        .and_then(field)
}

/// What a JSON-LD `Article` (or `NewsArticle`, `BlogPosting`...) says.
#[derive(Default)]
struct LinkedData {
    title: Option<String>,
    author: Option<String>,
    date: Option<String>,
    url: Option<String>,
}

/// The first JSON-LD object with a headline or name, looked for at the top,
/// in a list and in `@graph`.
fn json_ld(tree: &Html) -> LinkedData {
    let Ok(s) = Selector::parse(r#"script[type="application/ld+json"]"#) else {
        return LinkedData::default();
    };
    for script in tree.select(&s) {
        let text: String = script.text().collect();
        let Ok(value) = serde_json::from_str::<serde_json::Value>(text.trim()) else {
            continue;
        };
        let mut candidates = vec![&value];
        if let Some(list) = value.as_array() {
            candidates.extend(list);
        }
        if let Some(graph) = value.get("@graph").and_then(|g| g.as_array()) {
            candidates.extend(graph);
        }
        for item in candidates {
            let title = ["headline", "name"]
                .iter()
                .find_map(|k| item.get(k).and_then(|v| v.as_str()).and_then(field));
            let is_article = item
                .get("@type")
                .map(|t| t.to_string().contains("Article") || t.to_string().contains("Posting"))
                .unwrap_or(false);
            if title.is_none() || !is_article {
                continue;
            }
            return LinkedData {
                title,
                author: item.get("author").and_then(person),
                date: item
                    .get("datePublished")
                    .and_then(|v| v.as_str())
                    .and_then(field),
                url: ["url", "mainEntityOfPage"].iter().find_map(|k| {
                    let v = item.get(k)?;
                    v.as_str()
                        .or_else(|| v.get("@id").and_then(|i| i.as_str()))
                        .and_then(field)
                }),
            };
        }
    }
    LinkedData::default()
}

/// A JSON-LD author: a name, a `Person` object, or a list of them.
fn person(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::String(s) => field(s),
        serde_json::Value::Object(o) => o.get("name").and_then(|n| n.as_str()).and_then(field),
        serde_json::Value::Array(list) => {
            let names: Vec<String> = list.iter().filter_map(person).collect();
            (!names.is_empty()).then(|| names.join(", "))
        }
        _ => None,
    }
}
