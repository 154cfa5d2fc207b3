//! Hostile article shapes (issue 8): huge files and lines, deep nesting,
//! thousands of links or table columns, emphasis that never closes. Each must
//! open and lay out at 80 columns and at 1 column without a panic, showing
//! every character of its text. The sizes here keep a debug build fast; the
//! full sizes are measured by `examples/pathological.rs` (see its header).
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly

mod pathological;

use std::fs;

use gloss::document::Document;
use gloss::layout::{Layout, LineKind};
use gloss::library::{self, Source};
use pathological::Input;

/// The scale each shape is tested at in a debug build.
fn test_scale(input: &Input) -> usize {
    match input.name {
        "big-file" | "single-line" | "huge-heading" => 256 * 1024,
        "many-links" => 10_000,
        _ => input.full_scale,
    }
}

/// Writes the shape to a file, opens it as the reader does, and lays the
/// whole article out at `width`; returns the text the lines show.
fn open_and_show(input: &Input, scale: usize, widths: &[u16]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(input.file);
    fs::write(&path, (input.build)(scale)).unwrap();
    let scan = library::scan(std::slice::from_ref(&path));
    assert_eq!(scan.articles.len(), 1, "{}: {:?}", input.name, scan.skipped);
    let loaded = library::load(&Source::File(path)).unwrap();
    let mut doc: Document = loaded.document(Default::default());
    doc.ensure_complete();
    widths
        .iter()
        .map(|&width| {
            let mut layout = Layout::new(width);
            let mut shown = String::new();
            for block in 0..doc.blocks().len() {
                for line in &layout.ensure(&doc, block).lines {
                    if line.kind == LineKind::Text {
                        shown.push_str(doc.slice(line.range.clone()));
                    }
                }
            }
            let visible = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
            assert_eq!(
                visible(&shown),
                visible(doc.text()),
                "{} at width {width}: some text is not on any line",
                input.name
            );
            shown
        })
        .collect()
}

fn shape(name: &str) -> &'static Input {
    pathological::INPUTS
        .iter()
        .find(|i| i.name == name)
        .unwrap()
}

#[test]
fn a_large_file_opens_and_shows_all_its_text() {
    let input = shape("big-file");
    open_and_show(input, test_scale(input), &[80, 1]);
}

#[test]
fn a_single_line_of_hundreds_of_kilobytes_opens_and_wraps() {
    let input = shape("single-line");
    open_and_show(input, test_scale(input), &[80, 1]);
}

#[test]
fn a_hundred_thousand_empty_lines_open() {
    let input = shape("empty-lines");
    let shown = open_and_show(input, test_scale(input), &[80, 1]);
    assert!(shown[0].contains("first") && shown[0].contains("last"));
}

#[test]
fn ten_thousand_nested_block_quotes_open_and_keep_their_text() {
    let input = shape("nested-quotes");
    let shown = open_and_show(input, test_scale(input), &[80, 1]);
    assert!(shown[0].contains("deep"));
}

#[test]
fn ten_thousand_nested_lists_open_and_keep_their_text() {
    let input = shape("nested-lists");
    let shown = open_and_show(input, test_scale(input), &[80, 1]);
    assert!(shown[0].contains("deep"));
}

#[test]
fn a_heading_of_hundreds_of_kilobytes_opens_and_wraps() {
    let input = shape("huge-heading");
    open_and_show(input, test_scale(input), &[80, 1]);
}

#[test]
fn thousands_of_links_open_with_their_text() {
    let input = shape("many-links");
    let shown = open_and_show(input, test_scale(input), &[80, 1]);
    assert!(shown[0].contains("link 9999"));
}

#[test]
fn fifty_thousand_unclosed_emphasis_marks_open() {
    let input = shape("emphasis");
    open_and_show(input, test_scale(input), &[80, 1]);
}

#[test]
fn a_table_of_a_thousand_columns_opens_with_every_cell() {
    let input = shape("wide-table");
    let shown = open_and_show(input, test_scale(input), &[80, 1]);
    assert!(shown[0].contains("r2c999"));
}
