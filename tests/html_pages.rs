//! Saved web pages (`.html`): what a page reads like in the reader (the
//! article extracted, navigation, banners and scripts left out, styles shown),
//! its metadata in the list, the fingerprint that survives a re-save with
//! another banner, the raw view, hostile pages, and a no-text-lost property.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly

mod testapp;

use gloss::annotations::fingerprint;
use gloss::document::{self, Document, Format, ParseOptions, is_clean};
use proptest::prelude::*;
use testapp::TestApp;

const ARTICLE: &str = include_str!("fixtures/html/article.html");
const RESAVED: &str = include_str!("fixtures/html/article-resaved.html");
const HOSTILE: &str = include_str!("fixtures/html/hostile.html");

fn page(src: &str, format: Format) -> Document {
    Document::parse_complete(src, format, ParseOptions::default())
}

/// An app showing the page `text` saved as `name`, opened from the list.
fn reading(name: &str, text: &str, width: u16, height: u16) -> TestApp {
    let mut t = TestApp::with_articles(width, height, &[(name, text)]);
    t.keys("enter");
    t
}

#[test]
fn a_page_reads_as_its_article_with_styles_at_80_columns() {
    let mut t = reading("bowls.html", ARTICLE, 80, 60);
    let shot = t.styled();
    for gone in [
        "cookie",
        "Subscribe",
        "Related posts",
        "All rights reserved",
        "TRACKED",
        "analytics",
    ] {
        assert!(
            !shot.contains(gone),
            "{gone} is not part of the article:\n{shot}"
        );
    }
    insta::assert_snapshot!(shot);
}

#[test]
fn a_page_reads_as_its_article_at_200_columns() {
    let mut t = reading("bowls.html", ARTICLE, 200, 60);
    insta::assert_snapshot!(t.text());
}

#[test]
fn the_list_shows_the_pages_title_and_author() {
    let mut t = TestApp::with_articles(100, 20, &[("saved-page.html", ARTICLE)]);
    let screen = t.text();
    assert!(
        screen.contains("The Quiet Art of Repairing Bowls"),
        "{screen}"
    );
    assert!(screen.contains("Mara Lindqvist"), "{screen}");
    assert!(!screen.contains("saved-page.html\n"), "{screen}");
}

#[test]
fn metadata_comes_from_meta_tags_json_ld_and_the_canonical_link() {
    let meta = document::read_metadata(ARTICLE, Format::Html);
    assert_eq!(
        meta.title.as_deref(),
        Some("The Quiet Art of Repairing Bowls")
    );
    assert_eq!(meta.author.as_deref(), Some("Mara Lindqvist"));
    assert_eq!(
        meta.date.map(|d| d.to_string()).as_deref(),
        Some("2024-03-18")
    );
    assert_eq!(
        meta.source_url.as_deref(),
        Some("https://fieldnotes.example/2024/repairing-bowls"),
        "the canonical link wins over og:url"
    );
    // JSON-LD alone, a title tag with the site's name.
    let ld = r#"<html><head><title>Site | Home</title><script type="application/ld+json">
        {"@graph": [{"@type": "WebSite", "name": "Site"},
                    {"@type": "BlogPosting", "headline": "Only in JSON-LD",
                     "author": [{"@type": "Person", "name": "A. One"}, {"name": "B. Two"}],
                     "datePublished": "2023-11-02", "url": "https://blog.example/p/1"}]}
        </script></head><body><p>x</p></body></html>"#;
    let meta = document::read_metadata(ld, Format::Html);
    assert_eq!(meta.title.as_deref(), Some("Only in JSON-LD"));
    assert_eq!(meta.author.as_deref(), Some("A. One, B. Two"));
    assert_eq!(meta.date_text.as_deref(), Some("2023-11-02"));
    assert_eq!(meta.source_url.as_deref(), Some("https://blog.example/p/1"));
    // Nothing but a <title>.
    let bare = "<title>  Just   a title </title><p>text</p>";
    assert_eq!(
        document::read_metadata(bare, Format::Html).title.as_deref(),
        Some("Just a title")
    );
    // A <title> with the site's name, whose first part the page repeats as a
    // heading (the Node.js docs, Sphinx): the heading's part is the title.
    let node = "<html><head><title>Assert | Node.js v20 Documentation</title></head><body>\
                <h1>Node.js v20 documentation</h1><h2>Assert<span><a class=\"mark\" href=\"#assert\">#</a></span></h2>\
                <p>The assert module.</p></body></html>";
    assert_eq!(
        document::read_metadata(node, Format::Html).title.as_deref(),
        Some("Assert")
    );
    // Node's module pages add a link to the source after the heading.
    let node_module = "<html><head><title>Stream | Node.js v20 Documentation</title></head><body>\
                <h1>Node.js v20 documentation</h1><h2>Stream<a class=\"srclink\" href=\"https://github.com/nodejs/node/blob/v20/lib/stream.js\">[src]</a>\
                <span><a class=\"mark\" href=\"#stream\">#</a></span></h2><p>Streams.</p></body></html>";
    assert_eq!(
        document::read_metadata(node_module, Format::Html)
            .title
            .as_deref(),
        Some("Stream")
    );
    let sphinx = "<html><head><title>Disk images \u{2014} Emulator 10.0 documentation</title></head><body>\
                  <h1>Disk images<a class=\"headerlink\" href=\"#disk\">\u{f0c1}</a></h1><p>Text.</p></body></html>";
    assert_eq!(
        document::read_metadata(sphinx, Format::Html)
            .title
            .as_deref(),
        Some("Disk images")
    );
    // A separator that is part of the title stays when no heading repeats a part.
    let whole = "<html><head><title>Tides - a field guide</title></head><body><h1>Chapter one</h1><p>x</p></body></html>";
    assert_eq!(
        document::read_metadata(whole, Format::Html)
            .title
            .as_deref(),
        Some("Tides - a field guide")
    );
}

#[test]
fn a_page_saved_again_with_another_banner_has_the_same_fingerprint() {
    assert_ne!(ARTICLE, RESAVED);
    let a = document::identity_text(ARTICLE, Format::Html);
    let b = document::identity_text(RESAVED, Format::Html);
    assert_eq!(fingerprint(&a), fingerprint(&b));
    assert!(a.contains("Kintsugi begins"), "{a}");
    // The raw view is known by the same article.
    assert_eq!(document::identity_text(ARTICLE, Format::HtmlRaw), a);
    // A changed article is another text.
    let edited = ARTICLE.replace("slow part", "hard part");
    assert_ne!(
        fingerprint(&document::identity_text(&edited, Format::Html)),
        fingerprint(&a)
    );
}

#[test]
fn the_raw_view_shows_the_whole_page_without_scripts_or_comments() {
    let raw = page(ARTICLE, Format::HtmlRaw);
    let text = raw.text();
    for shown in [
        "We use cookies",
        "Subscribe",
        "Related posts",
        "Kintsugi begins",
        "All rights reserved",
    ] {
        assert!(text.contains(shown), "{shown} is on the page:\n{text}");
    }
    for hidden in [
        "analytics",
        "TRACKED",
        "font-family",
        "begin article",
        "NewsArticle",
    ] {
        assert!(!text.contains(hidden), "{hidden} is no text:\n{text}");
    }
}

#[test]
fn the_raw_key_switches_to_the_whole_page_and_back() {
    let mut t = reading("bowls.html", ARTICLE, 100, 60);
    assert!(!t.text().contains("We use cookies"));
    // The session reopens the article on the app's effect; the app alone
    // says which view it asks for.
    t.keys("W");
    assert!(t.app.raw_pages, "W asks for the whole page");
    t.keys("W");
    assert!(!t.app.raw_pages, "W again goes back to the article");
    let mut md = reading("notes.md", "# Notes\n\nPlain words.\n", 100, 20);
    md.keys("W");
    assert!(!md.app.raw_pages);
    assert!(
        md.status().contains("only for web pages"),
        "{}",
        md.status()
    );
}

#[test]
fn mark_in_html_is_drawn_like_a_written_highlight() {
    let d = page(ARTICLE, Format::Html);
    let at = d.text().find("logbook of every repair").unwrap();
    let marked = d
        .blocks()
        .iter()
        .flat_map(|b| &b.spans)
        .any(|s| s.style.mark && s.range.start == at);
    assert!(marked, "<mark> is a mark span");
    // Inline styles of the article are the Markdown ones.
    let style_at = |word: &str| {
        let at = d.text().find(word).unwrap();
        d.blocks()
            .iter()
            .flat_map(|b| &b.spans)
            .find(|s| s.range.start <= at && at < s.range.end)
            .map(|s| s.style)
            .unwrap_or_default()
    };
    assert!(style_at("flakes").emphasis);
    assert!(style_at("material requirement").strong);
    assert!(style_at("powdered gold").code);
    // The same inside Markdown's HTML blocks.
    let md = Document::parse_complete(
        "<p>a <mark>noted</mark> word</p>\n",
        Format::Markdown,
        ParseOptions::default(),
    );
    assert!(
        md.blocks()
            .iter()
            .flat_map(|b| &b.spans)
            .any(|s| s.style.mark)
    );
}

#[test]
fn hostile_pages_reach_no_terminal_raw() {
    for format in [Format::Html, Format::HtmlRaw] {
        let d = page(HOSTILE, format);
        assert!(is_clean(d.text()), "{format:?}: {:?}", d.text());
        for link in d.links() {
            assert!(is_clean(&link.url), "{:?}", link.url);
        }
        for shown in [d.meta().title.as_deref(), d.meta().author.as_deref()]
            .into_iter()
            .flatten()
        {
            assert!(is_clean(shown), "{shown:?}");
        }
        assert!(!d.text().contains("script text"), "{}", d.text());
        assert!(!d.text().contains("written by script"), "{}", d.text());
        assert!(!d.text().contains("STYLE"), "{}", d.text());
    }
    let mut t = reading("hostile.html", HOSTILE, 100, 40);
    let screen = t.text();
    assert!(!screen.contains('\u{1b}'), "{screen:?}");
    assert!(
        screen.contains("An image with a hostile alt text"),
        "{screen}"
    );
}

#[test]
fn deeply_nested_and_large_pages_are_read_without_overflow() {
    // Nesting far deeper than the walker goes: read flat, no stack overflow.
    let depth = 3_000;
    let mut deep = String::from("<html><body>");
    for _ in 0..depth {
        deep.push_str("<div><span>");
    }
    deep.push_str("the bottom of the well");
    for _ in 0..depth {
        deep.push_str("</span></div>");
    }
    deep.push_str("</body></html>");
    for format in [Format::Html, Format::HtmlRaw] {
        let d = page(&deep, format);
        assert!(d.text().contains("the bottom of the well"), "{format:?}");
    }
    // Unclosed tags by the thousand, and many paragraphs.
    let unclosed = "<b><i><u>x ".repeat(1_000);
    assert!(page(&unclosed, Format::Html).text().contains('x'));
    let mut big = String::from("<html><body><article>");
    for i in 0..3_000 {
        big.push_str(&format!("<p>Paragraph {i} of a long page with words.</p>"));
    }
    big.push_str("</article></body></html>");
    let d = page(&big, Format::Html);
    assert!(d.text().contains("Paragraph 2999 of"));
}

/// A page with navigation, a banner and scripts around an article of
/// `paragraphs`: every paragraph must be on screen, in order.
fn page_around(paragraphs: &[String]) -> String {
    let mut s = String::from(
        "<html><head><title>Prop</title><script>var x = '<p>not text</p>';</script></head><body>\
         <div class=\"cookie-banner\"><p>We use cookies.</p><button>OK</button></div>\
         <nav><ul><li><a href=\"/\">Home</a></li><li><a href=\"/a\">About</a></li></ul></nav>\
         <!-- a comment --><article>",
    );
    for p in paragraphs {
        s.push_str("<p>");
        s.push_str(p);
        s.push_str("</p>\n");
    }
    s.push_str(
        "</article><footer><p>Footer links</p></footer><script>track()</script></body></html>",
    );
    s
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn no_text_of_the_article_body_is_lost(
        paragraphs in prop::collection::vec("[A-Z][a-z]{2,9}( [a-z]{1,9}){12,40}[.]", 3..12)
    ) {
        let html = page_around(&paragraphs);
        let d = page(&html, Format::Html);
        let text = d.text();
        let mut from = 0;
        for p in &paragraphs {
            let found = text[from..].find(p.as_str());
            prop_assert!(found.is_some(), "{p:?} missing after {from} in {text:?}");
            from += found.unwrap_or(0) + p.len();
        }
        prop_assert!(!text.contains("not text"));
    }

    #[test]
    fn any_markup_parses_clean_and_complete(s in "(<[a-z]{1,6}( [a-z]{1,5}=\"[^\"]{0,8}\")?>|</[a-z]{1,6}>|[^<]{0,20}|&#x1b;|\u{1b}\\[2J){0,60}") {
        for format in [Format::Html, Format::HtmlRaw] {
            let d = page(&s, format);
            prop_assert!(d.is_complete());
            prop_assert!(is_clean(d.text()), "{:?}", d.text());
        }
    }
}
