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
        // Plain text's indented lines: any indent and hang, even wider
        // than the column, on some of the first lines.
        prop::collection::btree_map(0u32..6, (0u16..90, 0u16..40), 0..4),
    )
        .prop_map(|(quote_depth, list_depth, marker, indents)| Container {
            quote_depth,
            list_depth,
            marker: marker.filter(|_| list_depth > 0).map(str::to_string),
            indents: indents
                .into_iter()
                .map(|(line, (indent, hang))| crate::document::LineIndent { line, indent, hang })
                .collect(),
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
    /// The ASCII shortcut finds the clusters the Unicode rules find, on any
    /// text: ASCII with control characters and CR LF pairs, and mixed.
    #[test]
    fn clusters_are_the_unicode_grapheme_clusters(
        s in prop_oneof![
            "[ -~\t\r\n\x00-\x1f]{0,40}",
            prop::collection::vec(prop_oneof![atom(), Just("\r\n".to_string()), Just("\r".to_string())], 0..20)
                .prop_map(|v| v.concat()),
        ]
    ) {
        let ours: Vec<(usize, &str)> = cells::cluster_indices(&s).collect();
        let unicode: Vec<(usize, &str)> = s.grapheme_indices(true).collect();
        prop_assert_eq!(ours, unicode);
    }
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

/// A table cell's text: words, wide characters, code-like runs, sometimes
/// empty.
fn cell_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => "[a-z]{1,8}",
            1 => Just("日本語".to_string()),
            1 => Just("😀".to_string()),
            1 => Just("e\u{301}".to_string()),
            1 => Just("--with-libyaml".to_string()),
            1 => Just("https://ex.org/a-b".to_string()),
            1 => "[a-z]{15,40}",
        ],
        0..6,
    )
    .prop_map(|words| words.join(" "))
}

/// A Markdown table with `cols` columns (cells escaped of pipes by
/// construction) and the alignment row `align`.
fn table_source() -> impl Strategy<Value = String> {
    (1usize..7).prop_flat_map(|cols| {
        (
            prop::collection::vec(prop::collection::vec(cell_text(), cols), 1..5),
            prop::collection::vec(
                prop_oneof![Just("---"), Just(":--"), Just("--:"), Just(":-:")],
                cols,
            ),
        )
            .prop_map(|(rows, align)| {
                let line = |cells: &[String]| format!("| {} |\n", cells.join(" | "));
                let mut src = line(&rows[0]);
                src.push_str(&format!("|{}|\n", align.join("|")));
                for row in &rows[1..] {
                    src.push_str(&line(row));
                }
                src
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Every character of a table's text is drawn once, inside the width, in
    /// order within its cell, never over another cell or a border, and maps
    /// to its cell and back.
    #[test]
    fn tables_show_every_character_in_order(
        source in table_source(),
        width in 1u16..=100,
        wide_extra in 0u16..=60,
    ) {
        let doc = Document::parse_complete(&source, Format::Markdown, ParseOptions::default());
        prop_assert_eq!(doc.blocks().len(), 1);
        let BlockKind::Table(table) = &doc.blocks()[0].kind else {
            panic!("not a table: {source:?}");
        };
        let text = doc.text();
        let wide = width + wide_extra;
        let mut layout = Layout::with_room(width, wide, 4);
        let lines = layout.ensure(&doc, 0).clone();
        // (line, col, range) of every drawn cell.
        let mut drawn = Vec::new();
        for (i, line) in lines.lines.iter().enumerate() {
            let mut taken = vec![false; usize::from(wide)];
            let mut at = usize::from(line.prefix_width);
            for g in line.frame.graphemes(true) {
                let w = g.width();
                if g != " " {
                    for t in taken.iter_mut().skip(at).take(w) {
                        *t = true;
                    }
                }
                at += w;
            }
            for cell in line_cells(text, line) {
                prop_assert!(cell.col + cell.width <= wide, "past the width");
                for c in cell.col..cell.col + cell.width {
                    let slot = &mut taken[usize::from(c)];
                    prop_assert!(!*slot, "cells overlap on line {}", i);
                    *slot = true;
                }
                drawn.push((i, cell.col, cell.range));
                let pos = LinePos { block: 0, line: i };
                let (at, col) = layout.locate(&doc, cell.range.0);
                prop_assert_eq!(at, pos);
                // Columns count from the text column; a cell in the margin
                // left of it (a shifted wide table) has none of its own.
                prop_assert_eq!(col, cell.col.saturating_sub(line.shift));
                if cell.col >= line.shift {
                    prop_assert_eq!(layout.offset_at(&doc, pos, col), Some(cell.range.0));
                }
            }
        }
        // Each non-blank cluster of the text is drawn exactly once.
        let mut by_offset = drawn.clone();
        by_offset.sort_by_key(|d| d.2);
        let visible: Vec<(usize, usize)> = text
            .grapheme_indices(true)
            .filter(|(_, g)| !matches!(*g, " " | "\t" | "\n"))
            .map(|(i, g)| (i, i + g.len()))
            .collect();
        let shown: Vec<(usize, usize)> = by_offset
            .iter()
            .map(|d| d.2)
            .filter(|r| !matches!(&text[r.0..r.1], " " | "\t" | "\n"))
            .collect();
        prop_assert_eq!(shown, visible);
        // Within a cell, text reads on in order: down the lines, then right.
        let base = doc.blocks()[0].range.start;
        for row in &table.rows {
            for cell in &row.cells {
                let inside: Vec<_> = by_offset
                    .iter()
                    .filter(|d| d.2.0 >= base + cell.start && d.2.1 <= base + cell.end)
                    .collect();
                for pair in inside.windows(2) {
                    let (a, b) = (pair[0], pair[1]);
                    prop_assert!(a.0 < b.0 || (a.0 == b.0 && a.1 < b.1), "out of order");
                }
            }
        }
    }
}
