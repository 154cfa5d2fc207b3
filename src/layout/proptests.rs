//! Property tests: wrapping never draws past the width, covers the text in
//! order, and maps offsets to cells and back.

use proptest::prelude::*;
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

use super::*;
use crate::document::{BlockKind, Container, Format, ParseOptions};

const FAMILY: &str = "👨\u{200d}👩\u{200d}👧";

fn atom() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-z]{1,8}",
        4 => Just(" ".to_string()),
        1 => Just("   ".to_string()),
        1 => Just("\t".to_string()),
        1 => Just("\n".to_string()),
        1 => Just("日本語の".to_string()),
        1 => Just("中".to_string()),
        1 => Just("😀".to_string()),
        1 => Just(FAMILY.to_string()),
        1 => Just("❤\u{fe0f}".to_string()),
        1 => Just("e\u{301}".to_string()),
        1 => Just("\u{301}".to_string()),
        1 => Just("\u{200b}".to_string()),
        1 => Just("!".to_string()),
        1 => Just("，".to_string()),
        1 => "[a-z]{15,60}",
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(atom(), 0..50).prop_map(|v| v.concat())
}

fn kind() -> impl Strategy<Value = BlockKind> {
    prop_oneof![
        3 => Just(BlockKind::Paragraph),
        1 => Just(BlockKind::Heading(2)),
        2 => Just(BlockKind::Code { lang: String::new() }),
    ]
}

fn container() -> impl Strategy<Value = Container> {
    (
        0u8..4,
        0u8..3,
        prop_oneof![Just(None), Just(Some("•")), Just(Some("12."))],
    )
        .prop_map(|(quote_depth, list_depth, marker)| Container {
            quote_depth,
            list_depth,
            marker: marker.filter(|_| list_depth > 0).map(str::to_string),
        })
}

/// Every cluster of `s` is whitespace, a line feed or invisible: nothing a
/// reader would miss when it is not drawn.
fn undrawn_only(s: &str) -> bool {
    s.graphemes(true)
        .all(|g| g == " " || g == "\t" || g == "\n" || g.width() == 0)
}

/// Checks one block's lines against the block's text; returns the cells seen.
fn check_block(text: &str, range: Range<usize>, lines: &BlockLines, width: u16) {
    let n = lines.lines.len();
    assert!(n >= 2, "a block has text lines and a separator");
    let blank = &lines.lines[n - 1];
    assert_eq!(blank.kind, LineKind::Blank);
    assert_eq!(blank.range, range.end..range.end);
    let mut at = range.start;
    for (i, line) in lines.lines[..n - 1].iter().enumerate() {
        assert_ne!(line.kind, LineKind::Blank);
        assert_eq!(line.range.start, at, "lines cover the text without gaps");
        at = line.range.end;
        assert_eq!(usize::from(line.prefix_width), line.prefix.width());
        assert!(line.text_width >= 1);
        assert!(line.prefix_width + line.text_width <= width);
        if line.kind == LineKind::Rule {
            continue;
        }
        let mut next = line.range.start;
        let mut prev_col = None;
        for cell in line_cells(text, line) {
            assert_eq!(cell.range.0, next, "cells follow each other");
            next = cell.range.1;
            assert!(cell.width >= 1);
            assert!(cell.col >= line.prefix_width);
            assert!(cell.col + cell.width <= width, "cell past the width");
            assert!(prev_col.is_none_or(|p| cell.col > p));
            prev_col = Some(cell.col);
            assert_eq!(cell.text.width(), usize::from(cell.width));
            assert_eq!(
                locate_in(text, lines, cell.range.0, width),
                (i, cell.col),
                "locate finds the cell"
            );
            for col in cell.col..cell.col + cell.width {
                assert_eq!(offset_in(text, line, col), Some(cell.range.0));
            }
        }
        assert!(next <= line.range.end);
        assert!(
            undrawn_only(&text[next..line.range.end]),
            "only whitespace goes undrawn: {:?}",
            &text[next..line.range.end]
        );
        let (li, col) = locate_in(text, lines, next.max(line.range.start), width);
        assert!(col < width && li <= i + 1);
    }
    assert_eq!(at, range.end, "lines reach the block's end");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn blocks_fit_cover_and_round_trip(
        text in text(),
        kind in kind(),
        container in container(),
        width in 1u16..=120,
        tab_width in 1u8..=8,
    ) {
        let options = WrapOptions { width, tab_width };
        let lines = wrap_block(&text, 0..text.len(), &kind, &container, &[], &[4, 2], 7, options);
        check_block(&text, 0..text.len(), &lines, width);
    }

    #[test]
    fn document_offsets_round_trip(
        paras in prop::collection::vec(text(), 1..6),
        width in 1u16..=120,
    ) {
        let source = paras.join("\n\n");
        let doc = Document::parse_complete(&source, Format::Plain, ParseOptions::default());
        let mut layout = Layout::new(width);
        let mut total = 0;
        for (b, block) in doc.blocks().iter().enumerate() {
            let lines = layout.ensure(&doc, b).clone();
            total += lines.lines.len();
            check_block(doc.text(), block.range.clone(), &lines, width);
            for (i, line) in lines.lines.iter().enumerate() {
                for cell in line_cells(doc.text(), line) {
                    let pos = LinePos { block: b, line: i };
                    prop_assert_eq!(layout.locate(&doc, cell.range.0), (pos, cell.col));
                    prop_assert_eq!(layout.offset_at(&doc, pos, cell.col), Some(cell.range.0));
                }
            }
        }
        let all = layout.lines_from(&doc, LinePos::default(), usize::MAX);
        prop_assert_eq!(all.len(), total);
        for (k, pos) in all.iter().enumerate().step_by(7) {
            prop_assert_eq!(layout.step(&doc, LinePos::default(), k as isize), *pos);
            prop_assert_eq!(layout.step(&doc, *pos, -(k as isize)), LinePos::default());
        }
        if let Some(last) = all.last() {
            prop_assert_eq!(layout.step(&doc, LinePos::default(), isize::MAX), *last);
            let top = layout.last_page_top(&doc, 10);
            let expected = all.len().saturating_sub(10);
            prop_assert_eq!(top, all[expected]);
        }
    }
}
