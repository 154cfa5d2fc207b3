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
    unwrap_sections(&document);
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

/// Unwraps the sections of a page before Readability reads it: each
/// `<section>`, or `<div>` with a class, that starts with a heading, stands
/// beside other elements and repeats (two or more of the same element and
/// class start with a heading) gives its content to its parent. A
/// documentation page is such sections side by side, and Readability, built
/// to find one article among boilerplate, lost whole ones three ways:
///
/// - it scores a paragraph into its parent and, halved, its grandparent, so
///   the longest section outscored the element holding them all and became
///   the article, and a sibling joins that only with a fifth of its score
///   (Node's errors.html kept "Node.js error codes" and dropped the 30
///   sections around it, dgram.html its last one);
/// - its last clean-up drops a `<div>` whose text is more than a fifth link,
///   as a short section naming a linked constant is (26 of the 35 "Returns"
///   of gtk-doc's libtasn1 reference);
/// - it drops an element whose class or id contains a word such as
///   "related" anywhere (QEMU's `<section id="block-core-vm-unrelated">`,
///   more than half of its reference).
///
/// Unwrapped, the sections' paragraphs score into the element holding them
/// all, which then wins, and no section is left to drop as a whole. A
/// section's id becomes a permalink in its heading (`<a id href="#id">`, as
/// Node's headings have), so links still lead there; the heading itself
/// would be dropped for an id like "…-unrelated", and Readability drops an
/// empty anchor without `href`. A section that is its parent's only element
/// stays: it has no sibling to lose, and Readability counts a `<section>`
/// as one paragraph of all its text, which keeps its parent the article
/// (unwrapped, QEMU's page took in its menu bar's "QEMU").
///
/// Boilerplate stays Readability's to judge: a heading mostly linking
/// elsewhere (a list of other stories) does not make a section, nor does a
/// class or id with a word starting with a boilerplate name ("comments",
/// "sidebar-widget", but not "unrelated"), and a box seen once (a "Listen"
/// box in a story) stays whole.
fn unwrap_sections(document: &dom_query::Document) {
    let has_sibling = |node: &dom_query::NodeRef| {
        node.parent().is_some_and(|p| {
            p.children_it(false)
                .filter(|c| c.is_element())
                .nth(1)
                .is_some()
        })
    };
    let sections: Vec<_> = document
        .select("section, div")
        .nodes()
        .iter()
        .filter(|node| {
            let classed = node.attr("class").is_some_and(|c| !c.trim().is_empty());
            (classed || node.has_name("section")) && !names_boilerplate(node) && has_sibling(node)
        })
        .filter_map(|node| Some((*node, leading_heading(node)?)))
        .collect();
    let kind = |node: &dom_query::NodeRef| {
        let name = node.node_name().map(|n| n.to_string());
        (name, node.attr_or("class", "").to_string())
    };
    let mut kinds = std::collections::HashMap::new();
    for (node, _) in &sections {
        *kinds.entry(kind(node)).or_insert(0usize) += 1;
    }
    for (node, heading) in &sections {
        if kinds[&kind(node)] < 2 {
            continue;
        }
        if let Some(id) = node.attr("id") {
            let permalink = document.tree.new_element("a");
            permalink.set_attr("id", &id);
            permalink.set_attr("href", &format!("#{id}"));
            heading.prepend_child(&permalink);
        }
        if let Some(first) = node.first_child() {
            // Moves every child of `node` before it and removes `node`.
            first.unwrap_node();
        }
    }
}

/// The heading `node` starts with (after white space and empty elements
/// such as `<a name>`), unless the heading is mostly a link to elsewhere.
/// Counted without building any text, as on every `<div>` of a large page.
fn leading_heading<'a>(node: &dom_query::NodeRef<'a>) -> Option<dom_query::NodeRef<'a>> {
    let first = node.children_it(false).find(|child| {
        child.is_nonempty_text() || child.descendants_it().any(|d| d.is_nonempty_text())
    })?;
    let name = first.node_name()?;
    if !matches!(&*name, "h1" | "h2" | "h3" | "h4" | "h5" | "h6") {
        return None;
    }
    let linked: usize = first
        .descendants_it()
        .filter(|d| d.has_name("a") && !d.attr_or("href", "").starts_with('#'))
        .map(|a| a.normalized_char_count())
        .sum();
    (linked * 2 < first.normalized_char_count()).then_some(first)
}

/// Whether a word of `node`'s class or id starts with a name Readability
/// reads as boilerplate (its list of unlikely candidates, and "share",
/// "widget", "nav"...). Readability looks for these anywhere in the
/// attribute, which took "unrelated" for "related".
fn names_boilerplate(node: &dom_query::NodeRef) -> bool {
    const NAMES: [&str; 22] = [
        "banner",
        "breadcrumb",
        "comment",
        "community",
        "disqus",
        "footer",
        "header",
        "menu",
        "nav",
        "newsletter",
        "pager",
        "pagination",
        "popup",
        "promo",
        "related",
        "replies",
        "share",
        "sidebar",
        "social",
        "sponsor",
        "subscribe",
        "widget",
    ];
    let names = format!("{} {}", node.attr_or("class", ""), node.attr_or("id", ""));
    names
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .any(|word| NAMES.iter().any(|name| word.starts_with(name)))
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The text of the page's blocks, one block a line.
    fn text(page: &Page) -> String {
        let lines: Vec<&str> = page.pieces.iter().map(|p| p.text.as_str()).collect();
        lines.join("\n")
    }

    /// `count` paragraphs about brewing, numbered, in the plain sentences of
    /// reference prose (few commas, which Readability counts).
    fn paragraphs(topic: &str, count: usize) -> String {
        (1..=count)
            .map(|n| {
                format!(
                    "<p>Note {n} on {topic}. The kettle warms the water slowly and checks \
                     the element twice. It keeps a log of each batch so that a brewer who \
                     returns later can see what was poured and when.</p>"
                )
            })
            .collect()
    }

    /// A reference page shaped like Node's: a navigation column, then one
    /// element holding an introduction and sections, one of them far longer
    /// than the rest.
    fn reference_page() -> String {
        format!(
            r##"<!DOCTYPE html><html><head><title>Kettle | Brewkit docs</title></head><body>
<div id="column2" role="navigation"><ul>
<li><a href="cups.html">Cups</a></li><li><a href="kettle.html">Kettle</a></li>
<li><a href="teapots.html">Teapots</a></li></ul></div>
<div id="apicontent">
<p>The kettle module heats water for the other modules, one batch at a time.</p>
<ul><li>Batches are never mixed.</li><li>Heat is given in degrees.</li></ul>
<section><h2>Class: Kettle<a class="mark" href="#class-kettle">#</a></h2>{}</section>
<section><h2>kettle.descale()<a class="mark" href="#descale">#</a></h2>
<p>Removes the scale from the element; run it monthly where the water is hard.</p></section>
<section><h2>kettle.pour(cup)<a class="mark" href="#pour">#</a></h2>
<pre><code>kettle.pour(cups.mug());</code></pre></section>
</div>
<footer><p>Brewkit is free software. <a href="/license">License</a></p></footer>
</body></html>"##,
            paragraphs("the kettle class", 30)
        )
    }

    #[test]
    fn a_reference_page_keeps_every_section_not_only_the_longest() {
        let page = parse(&reference_page(), Format::Html);
        let text = text(&page);
        let missing = [
            "heats water for the other modules",
            "Batches are never mixed.",
            "Class: Kettle",
            "Note 30 on the kettle class",
            "kettle.descale()",
            "run it monthly",
            "kettle.pour(cups.mug());",
        ]
        .into_iter()
        .filter(|kept| !text.contains(kept))
        .collect::<Vec<_>>();
        assert!(missing.is_empty(), "{missing:?} missing from:\n{text}");
        for dropped in ["Teapots", "free software"] {
            assert!(!text.contains(dropped), "{dropped:?} kept in:\n{text}");
        }
    }

    #[test]
    fn a_section_whose_id_only_contains_a_boilerplate_word_is_kept() {
        // Sphinx's shape: nested sections named by ids, headings linking
        // back to the table of contents.
        let section = |id: &str, title: &str| {
            format!(
                r##"<section id="{id}"><h2><a class="toc-backref" href="#toc-{id}">{title}</a><a class="headerlink" href="#{id}">¶</a></h2>{}</section>"##,
                paragraphs(title, 4)
            )
        };
        let page = format!(
            r#"<html><head><title>Kettle reference</title></head><body>
<div class="wy-menu"><ul><li><a href="cups.html">Cups</a></li></ul></div>
<div class="document"><div itemprop="articleBody"><section id="kettle-reference"><h1>Kettle reference</h1>
{}{}{}</section></div></div></body></html>"#,
            section("heating", "Heating"),
            section("helpers-unrelated-to-heat", "Helpers unrelated to heat"),
            section("pouring", "Pouring"),
        );
        let page = parse(&page, Format::Html);
        let text = text(&page);
        for kept in [
            "Note 4 on Heating",
            "Note 4 on Helpers",
            "Note 4 on Pouring",
        ] {
            assert!(text.contains(kept), "{kept:?} missing from:\n{text}");
        }
        // The section's id still names its heading.
        let heading = page
            .pieces
            .iter()
            .find(|p| p.text == "Helpers unrelated to heat")
            .expect("the heading is kept");
        assert!(
            heading
                .anchors
                .iter()
                .any(|(_, name)| name == "helpers-unrelated-to-heat")
        );
    }

    #[test]
    fn short_sections_naming_linked_constants_are_kept() {
        // gtk-doc's shape: a function's "Returns" is a div of its own whose
        // text is mostly a link to a constant.
        let function = |name: &str| {
            format!(
                r#"<div class="refsect2"><a name="{name}"></a><h3>{name} ()</h3>
<pre class="programlisting">int {name} (brew_pot *pot);</pre>
<p>Warms the pot, fills it from the kettle, and waits, which takes a while, for
the leaves to settle before the pot is poured, stirred, or covered.</p>
<div class="refsect3"><a name="{name}.returns"></a><h4>Returns</h4>
<p><a class="link" href="brew.html#BREW-POT-WARM:CAPS"><code>BREW_POT_WARM</code></a> when ready.</p>
</div></div>"#
            )
        };
        let page = format!(
            r#"<html><head><title>brew</title></head><body>
<table class="navigation"><tr><td><a href="index.html">Home</a></td></tr></table>
<div class="refentry"><div class="refsect1"><h2>Functions</h2>{}{}{}{}</div></div>
</body></html>"#,
            function("brew_start"),
            function("brew_steep"),
            function("brew_pour"),
            function("brew_stop")
        );
        let text = text(&parse(&page, Format::Html));
        assert_eq!(text.matches("Returns").count(), 4, "{text}");
        assert_eq!(
            text.matches("BREW_POT_WARM when ready.").count(),
            4,
            "{text}"
        );
    }

    #[test]
    fn a_news_page_still_loses_its_boilerplate() {
        let repeat = |count: usize, make: &dyn Fn(usize) -> String| -> String {
            (1..=count).map(make).collect()
        };
        let page = format!(
            r#"<!DOCTYPE html><html><head><title>Harbour reopens | The Gazette</title></head><body>
<nav class="site-nav"><ul><li><a href="/">Home</a></li><li><a href="/sport">Sport</a></li></ul></nav>
<div class="layout"><article class="story">
<h1>Harbour reopens after the storm</h1>
<p>The harbour opened again on Monday, three weeks after the storm took the old pier,
and the first ferry left on time, with a full deck, under a clear sky.</p>
<section><h2>The repairs</h2><p>Divers checked every pile, the crane crews worked at night,
and the council paid for new lights along the quay, which the fishermen had wanted for years.</p></section>
<section><h2>What comes next</h2><p>A new pier is planned for the spring, though the money,
the design and the date are still argued over in the council, week after week.</p></section>
<div class="box"><h3>Listen</h3><p><a href="/audio/harbour">Hear this story read aloud</a> (4 min)</p></div>
{}
{}
</article>
<div class="col-side">{}</div></div>
<footer><p>The Gazette, all rights reserved.</p></footer>
</body></html>"#,
            repeat(3, &|n| format!(
                r#"<div class="card"><h3><a href="/s{n}">Another story, number {n}, about boats and the weather</a></h3>
<p>A teaser for the other story, which is about boats, the weather, and fish.</p></div>"#
            )),
            repeat(3, &|n| format!(
                r#"<div class="comment"><h4>Reader {n} says</h4><p>About time, though the new lights
are far too bright, and the parking, as ever, is a mess, frankly.</p></div>"#
            )),
            repeat(3, &|n| format!(
                r#"<div class="sidebar-widget"><h3>Most read {n}</h3><ul><li><a href="/r{n}">Tides, and the moon</a></li></ul></div>"#
            )),
        );
        let text = text(&parse(&page, Format::Html));
        for kept in [
            "first ferry left on time",
            "The repairs",
            "A new pier is planned",
        ] {
            assert!(text.contains(kept), "{kept:?} missing from:\n{text}");
        }
        for dropped in [
            "Sport",
            "read aloud",
            "Another story",
            "teaser",
            "Reader 1",
            "parking",
            "Most read",
            "rights reserved",
        ] {
            assert!(!text.contains(dropped), "{dropped:?} kept in:\n{text}");
        }
    }
}
