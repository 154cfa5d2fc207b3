//! Document-level tests of HTML inside Markdown, images and footnotes: the
//! canonical text, blocks, styles, links and anchors a reader gets.

use super::*;

fn md(src: &str) -> Document {
    Document::parse_complete(src, Format::Markdown, ParseOptions::default())
}

fn texts(doc: &Document) -> Vec<&str> {
    doc.blocks()
        .iter()
        .map(|b| doc.slice(b.range.clone()))
        .collect()
}

fn kinds(doc: &Document) -> Vec<BlockKind> {
    doc.blocks().iter().map(|b| b.kind.clone()).collect()
}

/// The text of every span with `pick`'s style.
fn styled_with(doc: &Document, pick: impl Fn(SpanStyle) -> bool) -> Vec<&str> {
    doc.blocks()
        .iter()
        .flat_map(|b| b.spans.iter())
        .filter(|s| pick(s.style))
        .map(|s| doc.slice(s.range.clone()))
        .collect()
}

fn links(doc: &Document) -> Vec<(&str, &str)> {
    doc.links()
        .iter()
        .map(|l| (doc.slice(l.range.clone()), l.url.as_str()))
        .collect()
}

// ---- HTML blocks ------------------------------------------------------------

#[test]
fn yaml_comment_blocks_show_nothing_even_across_blank_lines() {
    let d = md(
        "# fs\n\n## fs.open()\n<!-- YAML\nadded: v0.0.2\n\nchanges:\n  - version: v11.1.0\n    description: The `flags` argument is now optional.\n-->\n\nOpens a file.\n\n<!--lint disable maximum-line-length-->\n",
    );
    assert_eq!(texts(&d), ["fs", "fs.open()", "Opens a file."]);
}

#[test]
fn a_comment_first_in_the_file_shows_nothing() {
    let d = md("<!--\n  Generated file.\n\n  Do not edit.\n-->\n\n# Real title\n\nBody.");
    assert!(!d.text().contains("<!--"));
    assert!(!d.text().contains("Generated"));
    assert!(d.text().contains("Real title"));
}

#[test]
fn details_show_the_summary_as_a_bold_line_and_the_body_as_markdown() {
    let d = md(
        "<details>\n<summary>TSC emeriti</summary>\n\n* one *person*\n* two\n\n</details>\n\nAfter.",
    );
    assert_eq!(texts(&d), ["TSC emeriti", "one person", "two", "After."]);
    assert_eq!(styled_with(&d, |s| s.strong), ["TSC emeriti"]);
    assert!(!d.text().contains('<'));
}

#[test]
fn block_html_becomes_paragraphs_headings_lists_and_code() {
    let d = md(concat!(
        "<div align=\"center\">\n",
        "  <h2>Gloss</h2>\n",
        "  <p>A <em>reader</em>.</p>\n",
        "  <ul><li>one</li><li>two</li></ul>\n",
        "  <ol start=\"3\"><li>three</li></ol>\n",
        "  <blockquote>quoted</blockquote>\n",
        "  <pre class=\"language-sh\">make\n  install</pre>\n",
        "</div>"
    ));
    assert_eq!(
        texts(&d),
        [
            "Gloss",
            "A reader.",
            "one",
            "two",
            "three",
            "quoted",
            "make\n  install"
        ]
    );
    let k = kinds(&d);
    assert_eq!(k[0], BlockKind::Heading(2));
    assert_eq!(
        k[6],
        BlockKind::Code {
            lang: "sh".to_string()
        }
    );
    let markers: Vec<_> = d
        .blocks()
        .iter()
        .map(|b| b.container.marker.as_deref())
        .collect();
    assert_eq!(markers[2..5], [Some("•"), Some("•"), Some("3.")]);
    assert_eq!(d.blocks()[5].container.quote_depth, 1);
    assert_eq!(styled_with(&d, |s| s.emphasis), ["reader"]);
}

#[test]
fn pre_keeps_blank_lines_inside_one_code_block() {
    let d = md("<pre>\nline one\n\n  line three\n</pre>\n\nafter");
    assert_eq!(texts(&d), ["line one\n\n  line three", "after"]);
}

#[test]
fn an_html_table_is_the_table_its_markdown_twin_makes() {
    let html = md(concat!(
        "<table>\n",
        "  <tr><th>Constant</th><th align=\"right\">Value</th></tr>\n",
        "  <tr><td><code>O_RDONLY</code></td><td>0</td></tr>\n",
        "  <tr><td>O_WRONLY <!-- note --></td><td>1</td></tr>\n",
        "</table>"
    ));
    let markdown = md("| Constant | Value |\n| --- | ---: |\n| `O_RDONLY` | 0 |\n| O_WRONLY | 1 |");
    assert_eq!(texts(&html), texts(&markdown));
    assert_eq!(kinds(&html), kinds(&markdown));
    assert_eq!(
        styled_with(&html, |s| s.code),
        styled_with(&markdown, |s| s.code)
    );
}

#[test]
fn a_br_in_an_html_table_cell_breaks_the_cells_line_as_in_markdown() {
    let html = md(concat!(
        "<table>\n",
        "  <tr><th>Name</th><th>Notes</th></tr>\n",
        "  <tr><td>alpha <br> beta</td><td>one<br/>two<br>three<br></td></tr>\n",
        "</table>"
    ));
    let markdown = md("| Name | Notes |\n| --- | --- |\n| alpha<br>beta | one<br/>two<br>three |");
    assert_eq!(texts(&html), texts(&markdown));
    assert!(
        texts(&html)[0].contains("alpha\nbeta"),
        "{:?}",
        texts(&html)
    );
}

#[test]
fn scripts_and_styles_never_show() {
    let d = md(
        "<script>\nalert('secret');\n\nvar x = 1;\n</script>\n\n<style>p { color: red }</style>\n\nText <script>hidden()</script>shown.",
    );
    assert_eq!(d.text(), "Text shown.");
}

#[test]
fn html_text_is_sanitized() {
    let d = md("<div>bell\x07 and esc\x1b[2J</div>");
    assert!(is_clean(d.text()));
    assert_eq!(d.text(), "bell␇ and esc␛[2J");
}

#[test]
fn the_paragraph_after_an_html_block_is_not_joined_across_it() {
    let d = md("# T\n\nA paragraph that stops short\n\n<!-- a comment -->\n\nand a new one.");
    assert_eq!(
        texts(&d),
        ["T", "A paragraph that stops short", "and a new one."]
    );
    // Without the comment, page-break repair joins them.
    let d = md("# T\n\nA paragraph that stops short\n\nand a new one.");
    assert_eq!(
        texts(&d),
        ["T", "A paragraph that stops short and a new one."]
    );
}

// ---- inline HTML ------------------------------------------------------------

#[test]
fn inline_tags_are_reduced_to_styled_text() {
    let d = md(
        "Press <kbd>Ctrl</kbd>+<kbd>C</kbd>, <b>bold</b> <i>it</i> <s>old</s> <span class=\"x\">plain</span><br>next <code>x</code>.",
    );
    assert_eq!(d.text(), "Press Ctrl+C, bold it old plain\nnext x.");
    assert_eq!(styled_with(&d, |s| s.code), ["Ctrl", "C", "x"]);
    assert_eq!(styled_with(&d, |s| s.strong), ["bold"]);
    assert_eq!(styled_with(&d, |s| s.emphasis), ["it"]);
    assert_eq!(styled_with(&d, |s| s.strike), ["old"]);
}

#[test]
fn inline_comments_hide_even_over_several_lines() {
    let d = md("Before <!-- one\ntwo --> after.");
    assert_eq!(d.text(), "Before  after.");
}

#[test]
fn raised_numbers_read_as_powers() {
    let d = md("At most 2<sup>32</sup> - 1 bytes, H<sub>2</sub>O, the 4<sup>th</sup>.");
    assert_eq!(d.text(), "At most 2³² - 1 bytes, H₂O, the 4th.");
}

#[test]
fn words_in_angle_brackets_that_are_not_html_are_kept() {
    let d = md("Returns Option<T> or <filename>, not <b>this</b>. <Buffer></Buffer>");
    assert_eq!(
        d.text(),
        "Returns Option<T> or <filename>, not this. <Buffer></Buffer>"
    );
}

#[test]
fn an_unclosed_inline_tag_ends_with_its_block() {
    let d = md("<b>bold to the end\n\nplain again <a href=\"x\">link\n\nafter");
    assert_eq!(styled_with(&d, |s| s.strong), ["bold to the end"]);
    assert_eq!(links(&d), [("link", "x")]);
    assert_eq!(styled_with(&d, |s| s.link), ["link"]);
}

#[test]
fn html_links_are_links() {
    let d = md("See <a href=\"https://nodejs.org/?a=1&amp;b=2\">the site</a>.");
    assert_eq!(d.text(), "See the site.");
    assert_eq!(links(&d), [("the site", "https://nodejs.org/?a=1&b=2")]);
    let d = md("<p>Read <a href=\"#usage\">usage</a></p>");
    assert_eq!(links(&d), [("usage", "#usage")]);
}

#[test]
fn a_ids_and_names_become_anchors() {
    let d = md("Intro.\n\n<a id=\"ERR_X\"></a>\n\n### `ERR_X`\n\nText <a name=\"mid\"></a>here.");
    let heading = d.find_anchor("ERR_X").unwrap();
    assert!(d.text()[heading..].starts_with("ERR_X"));
    assert_eq!(d.blocks()[1].range.start, heading);
    let mid = d.find_anchor("#mid").unwrap();
    assert!(d.text()[mid..].starts_with("here."));
    // An id on an HTML heading names the heading, not the end of the text before.
    let d = md("Before.\n\n<h2 id=\"top\">Top</h2>");
    assert!(d.text()[d.find_anchor("top").unwrap()..].starts_with("Top"));
    // One with nothing after it names the end.
    let d = md("Text.\n\n<a id=\"end\"></a>");
    assert_eq!(d.find_anchor("end"), Some(d.text().len()));
}

// ---- images -----------------------------------------------------------------

#[test]
fn images_are_marked_and_link_to_the_picture() {
    let d = md("Look: ![a *red* boat](img/boat.png) here.");
    assert_eq!(d.text(), "Look: [image: a red boat] here.");
    assert_eq!(links(&d), [("[image: a red boat]", "img/boat.png")]);
    let styled = styled_with(&d, |s| s.link && s.emphasis);
    assert_eq!(styled.concat(), "[image: a red boat]");
}

#[test]
fn an_image_without_alt_text_is_named_by_its_file() {
    let d = md("![](https://x.org/a/logo.svg?v=2)\n\n<img src=\"\">");
    assert_eq!(texts(&d), ["[image: logo.svg]", "[image]"]);
}

#[test]
fn a_badge_inside_a_link_links_once_to_the_link_target() {
    let d = md("[![Build Status](https://ci/badge.svg)](https://ci/job)");
    assert_eq!(d.text(), "[image: Build Status]");
    assert_eq!(links(&d), [("[image: Build Status]", "https://ci/job")]);
}

#[test]
fn html_images_are_marked_too() {
    let d = md(
        "<p align=\"center\"><img src=\"logo.png\" alt=\"Gloss logo\" width=\"200\"></p>\n\nInline <img src=\"i.png\" alt=\"icon\"> too.",
    );
    assert_eq!(
        texts(&d),
        ["[image: Gloss logo]", "Inline [image: icon] too."]
    );
    assert_eq!(d.links().len(), 2);
}

#[test]
fn an_image_line_is_never_joined_to_prose() {
    let d = md("# T\n\nA caption that runs on\n\n![chart](c.png)\n\nand the next paragraph.");
    assert_eq!(d.blocks().len(), 4);
}

// ---- footnotes --------------------------------------------------------------

#[test]
fn footnote_references_are_numbered_markers_and_definitions_go_to_the_end() {
    let d = md(concat!(
        "# Notes\n\n",
        "First claim[^src] and second[^1].\n\n",
        "[^1]: The second note.\n",
        "[^src]: Where the first\n    claim comes from.\n\n",
        "More text.\n"
    ));
    assert_eq!(
        texts(&d),
        [
            "Notes",
            "First claim[1] and second[2].",
            "More text.",
            "",
            "Where the first claim comes from. ↩",
            "The second note. ↩"
        ]
    );
    assert_eq!(d.blocks()[3].kind, BlockKind::Rule);
    let markers: Vec<_> = d.blocks()[4..]
        .iter()
        .map(|b| b.container.marker.as_deref())
        .collect();
    assert_eq!(markers, [Some("[1]"), Some("[2]")]);
    assert_eq!(styled_with(&d, |s| s.link)[..2], ["[1]", "[2]"]);
}

#[test]
fn footnote_links_lead_to_the_note_and_back() {
    let d = md("Claim[^a], again[^a].\n\n[^a]: Note.\n");
    let to_note = &d.links()[0];
    assert_eq!(d.slice(to_note.range.clone()), "[1]");
    let note = d.find_anchor(&to_note.url).unwrap();
    assert!(d.text()[note..].starts_with("Note."));
    let back = d
        .links()
        .iter()
        .find(|l| l.url.starts_with("#fnref"))
        .unwrap();
    assert_eq!(d.slice(back.range.clone()), "↩");
    let reference = d.find_anchor(&back.url).unwrap();
    assert!(d.text()[reference..].starts_with("[1], again"));
    let second = d.find_anchor("fnref-a-2").unwrap();
    assert!(d.text()[second..].starts_with("[1]."));
}

#[test]
fn an_undefined_reference_stays_as_written_and_unused_notes_are_kept() {
    let d = md("See [^nope].\n\n[^lonely]: Nobody cites me.");
    assert_eq!(texts(&d), ["See [^nope].", "", "Nobody cites me."]);
    assert_eq!(d.blocks()[2].container.marker.as_deref(), Some("[1]"));
}

#[test]
fn footnotes_wait_for_the_end_when_parsed_lazily() {
    let body = "A paragraph of filler text that goes on.\n\n".repeat(4000);
    let src = format!("# T\n\nCited[^1].\n\n[^1]: The note.\n\n{body}Last.\n");
    let mut doc = Document::new(&src, Format::Markdown, ParseOptions::default());
    assert!(!doc.is_complete());
    assert!(doc.find_anchor("fn-1").is_none());
    doc.ensure_complete();
    let note = doc.find_anchor("fn-1").unwrap();
    assert!(doc.text()[note..].starts_with("The note."));
    assert!(note > doc.text().find("Last.").unwrap());
    assert_eq!(doc.text(), md(&src).text());
}

#[test]
fn a_headings_permalink_sign_is_not_text_but_its_anchor_stays() {
    let doc = Document::parse_complete(
        "<html><body><h2 id=\"fs_fs_open\">fs.open(path)<span><a class=\"mark\" href=\"#fs_fs_open\">#</a></span></h2>\
         <p>Opens a file. See <a href=\"#x\">#</a> and <a href=\"#notes\">the notes</a>.</p></body></html>",
        Format::HtmlRaw,
        ParseOptions::default(),
    );
    let texts = texts(&doc);
    assert!(texts.contains(&"fs.open(path)"), "{texts:?}");
    assert!(
        texts.contains(&"Opens a file. See and the notes."),
        "{texts:?}"
    );
    assert!(doc.find_anchor("fs_fs_open").is_some());
    assert_eq!(doc.links().len(), 1);
}

#[test]
fn a_permalink_drawn_with_an_icon_font_or_named_headerlink_is_not_text() {
    let doc = Document::parse_complete(
        "<html><body><h2 id=\"synopsis\">Synopsis<a class=\"headerlink\" href=\"#synopsis\">\u{f0c1}</a></h2>\
         <h2 id=\"usage\">Usage<a class=\"headerlink\" href=\"#usage\">link here</a></h2>\
         <p>Run it. See <a href=\"#usage\">the usage</a>.</p></body></html>",
        Format::HtmlRaw,
        ParseOptions::default(),
    );
    let texts = texts(&doc);
    assert!(texts.contains(&"Synopsis"), "{texts:?}");
    assert!(texts.contains(&"Usage"), "{texts:?}");
    assert!(!doc.text().contains('\u{f0c1}'), "{:?}", doc.text());
    assert!(doc.find_anchor("synopsis").is_some());
    assert_eq!(doc.links().len(), 1, "the real link stays a link");
}

#[test]
fn one_pre_with_a_code_per_flavour_reads_as_one_code_block_each() {
    let doc = Document::parse_complete(
        "<html><body><p>To use it:</p><pre><input type=\"checkbox\" class=\"js-flavor-toggle\">\
         <code class=\"language-js mjs\">import assert from 'node:assert';</code>\
         <code class=\"language-js cjs\">const assert = require('node:assert');</code></pre>\
         <p>Then call it.</p></body></html>",
        Format::HtmlRaw,
        ParseOptions::default(),
    );
    let texts = texts(&doc);
    assert_eq!(
        texts,
        [
            "To use it:",
            "import assert from 'node:assert';",
            "const assert = require('node:assert');",
            "Then call it."
        ],
        "{texts:?}"
    );
    let code: Vec<_> = doc
        .blocks()
        .iter()
        .filter(|b| matches!(b.kind, BlockKind::Code { .. }))
        .collect();
    assert_eq!(code.len(), 2);
}

#[test]
fn a_page_nested_thousands_deep_shows_its_title_and_text() {
    // 20,000 nested elements: the tree builder alone took seconds on such
    // a page; the tags past the reader's depth are dropped first.
    let n = 20_000;
    let page = format!(
        "<html><head><title>Deep page</title></head><body>{}<p>The bottom line.</p>{}</body></html>",
        "<div><section>".repeat(n / 2),
        "</section></div>".repeat(n / 2)
    );
    for format in [Format::Html, Format::HtmlRaw] {
        let doc = Document::parse_complete(&page, format, ParseOptions::default());
        assert!(doc.text().contains("The bottom line."), "{format:?}");
        assert_eq!(doc.meta().title.as_deref(), Some("Deep page"));
    }
    let nested_md = format!(
        "Before.\n\n{}inner{}\n\nAfter.\n",
        "<div>".repeat(n),
        "</div>".repeat(n)
    );
    let doc = md(&nested_md);
    assert!(doc.text().contains("inner"));
    assert!(doc.text().contains("After."));
}

#[test]
fn a_short_notice_made_mostly_of_a_link_survives_article_extraction() {
    // Node's API pages mark each function "Stability: 1 - Experimental" in
    // a div whose text is mostly a link; Readability's clean-up dropped
    // every one of them.
    let prose = "The reader keeps what the page says about each call, and this \
                 paragraph is long enough, with commas, that the extractor takes \
                 the column it sits in for the article itself. ";
    let mut body = String::new();
    for name in ["open", "close", "watch"] {
        body.push_str(&format!(
            "<h3 id=\"{name}\">fs.{name}()</h3>\
             <p></p><div class=\"api_stability api_stability_1\">\
             <a href=\"documentation.html#stability-index\">Stability: 1</a> - Experimental</div><p></p>\
             <p>{}</p>",
            prose.repeat(3)
        ));
    }
    let page = format!(
        "<html><head><title>File system</title></head><body>\
         <div id=\"nav\"><ul><li><a href=\"a.html\">About</a></li></ul></div>\
         <div id=\"content\">{body}</div></body></html>"
    );
    let doc = Document::parse_complete(&page, Format::Html, ParseOptions::default());
    assert_eq!(
        doc.text().matches("Stability: 1 - Experimental").count(),
        3,
        "{}",
        doc.text()
    );
    assert!(doc.text().contains("fs.watch()"));
}

#[test]
fn a_heading_wrapped_in_a_link_to_itself_reads_as_a_heading_not_a_link() {
    // mdBook's headings (the Rust book): the whole title links to its own id.
    let doc = Document::parse_complete(
        "<html><body><h2 id=\"defining-strings\"><a class=\"header\" href=\"#defining-strings\">Defining Strings</a></h2>\
         <p>Strings grow. See <a href=\"#defining-strings\">the definition</a>.</p>\
         <h3><a id=\"updating\" href=\"#updating\">Updating a String</a></h3>\
         <h3 id=\"other\"><a href=\"#defining-strings\">Back to the start</a></h3></body></html>",
        Format::HtmlRaw,
        ParseOptions::default(),
    );
    let headings: Vec<&str> = doc
        .blocks()
        .iter()
        .filter(|b| matches!(b.kind, BlockKind::Heading { .. }))
        .map(|b| &doc.text()[b.range.clone()])
        .collect();
    assert_eq!(
        headings,
        ["Defining Strings", "Updating a String", "Back to the start"]
    );
    assert!(doc.find_anchor("defining-strings").is_some());
    assert!(doc.find_anchor("updating").is_some());
    // The link in the prose and the heading that leads elsewhere stay links.
    let targets: Vec<&str> = links(&doc).iter().map(|(_, to)| *to).collect();
    assert_eq!(
        targets,
        ["#defining-strings", "#defining-strings"],
        "{targets:?}"
    );
}
