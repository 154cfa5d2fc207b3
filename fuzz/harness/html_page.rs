//! Target `html_page`: page bytes -> decode -> the web page parser, extracted
//! (`Format::Html`) and raw (`Format::HtmlRaw`), and the page's metadata ->
//! layout at a width of 1 to 300.
//!
//! Input: byte 0 chooses the width; the rest is the page.

use gloss::document::{self, Document, Format, ParseOptions, is_clean};
use gloss::layout::{Layout, LinePos};

/// Runs one input; panics on a broken invariant.
pub fn run(data: &[u8]) {
    let (control, bytes) = data.split_at(data.len().min(1));
    let width = 1 + u16::from(control.first().copied().unwrap_or(0)) % 300;
    let Ok(decoded) = document::decode(bytes) else {
        return;
    };
    let source = decoded.text.as_ref();
    let meta = document::read_metadata(source, Format::Html);
    for field in [&meta.title, &meta.author, &meta.date_text, &meta.source_url]
        .into_iter()
        .flatten()
    {
        assert!(
            is_clean(field),
            "metadata holds a control character: {field:?}"
        );
    }
    for format in [Format::Html, Format::HtmlRaw] {
        let doc = Document::new(source, format, ParseOptions::default());
        assert!(doc.is_complete(), "a page is parsed whole");
        let text = doc.text();
        assert!(
            is_clean(text),
            "{format:?}: the text holds a control character"
        );
        let mut end = 0;
        for block in doc.blocks() {
            assert!(block.range.start >= end, "blocks out of order");
            assert!(text.is_char_boundary(block.range.start));
            assert!(text.is_char_boundary(block.range.end));
            end = block.range.end;
        }
        assert!(end <= text.len());
        for link in doc.links() {
            assert!(is_clean(&link.url), "a link holds a control character");
        }
        let mut layout = Layout::new(width);
        let lines = layout.lines_from(&doc, LinePos::default(), 10_000);
        assert!(lines.len() <= 10_000);
    }
    let identity = document::identity_text(source, Format::HtmlRaw);
    let extracted = Document::new(source, Format::Html, ParseOptions::default());
    assert_eq!(identity, extracted.text(), "a page is known by its article");
}
