//! Target `parse_layout`: file bytes -> decode -> document (incremental and
//! complete, with and without page-break repair) -> layout at a width of 1 to
//! 300 -> offsets to cells and back.
//!
//! Input: byte 0 and 1 choose the width, byte 2 the options (bit 0 page-break
//! repair first, bit 1 plain text instead of Markdown, bits 2-4 the tab width,
//! bits 5-7 the incremental parse budget); the rest is the file.

use gloss::document::{self, Document, Format, ParseOptions};
use gloss::layout::{Layout, LineKind, LinePos, line_cells};

/// Most cells whose offset round trip is checked per layout, so one input
/// stays fast.
const MAX_CELLS_CHECKED: usize = 4096;

/// Runs one input; panics on a broken invariant.
pub fn run(data: &[u8]) {
    let (control, bytes) = data.split_at(data.len().min(3));
    let byte = |i: usize| control.get(i).copied().unwrap_or(0);
    let width = 1 + (u16::from(byte(0)) << 8 | u16::from(byte(1))) % 300;
    let flags = byte(2);
    let repair_first = flags & 1 != 0;
    let format = if flags & 2 != 0 {
        Format::Plain
    } else {
        Format::Markdown
    };
    let tab_width = 1 + (flags >> 2) % 8;
    let budget = 16usize << (flags >> 5);

    let decoded = match document::decode(bytes) {
        Ok(decoded) => decoded,
        Err(e) => {
            // A compressed format's magic (gzip, bzip2, xz, zstd) is named
            // as such; otherwise only NUL bytes make a file binary.
            let compressed = matches!(e, document::DecodeError::Compressed(..));
            assert!(
                compressed || bytes.contains(&0),
                "only NUL bytes make a file binary"
            );
            assert!(document::decode_owned(bytes.to_vec()).is_err());
            return;
        }
    };
    assert_eq!(
        document::decode_owned(bytes.to_vec()).as_ref(),
        Ok(&decoded),
        "borrowed and owned decoding agree"
    );
    let text = decoded.text.as_str();
    assert!(!text.contains('\r'), "line endings are normalised");
    // Lossy means bytes the file's encoding cannot decode: invalid UTF-8,
    // or for a file with a UTF-16 byte-order mark, invalid UTF-16.
    let utf16 = bytes.starts_with(&[0xFE, 0xFF]) || bytes.starts_with(&[0xFF, 0xFE]);
    if !utf16 {
        assert_eq!(decoded.lossy, std::str::from_utf8(bytes).is_err());
    }

    let _ = document::detect_format("txt", text);
    let _ = document::read_metadata(text, format);

    for repair_page_breaks in [repair_first, !repair_first] {
        let options = ParseOptions { repair_page_breaks };
        let doc = Document::parse_complete(text, format, options);
        check_document(&doc);
        check_incremental(text, format, options, budget, &doc);
        check_layout(&doc, width, tab_width);
    }
}

/// The canonical text holds no control character but `\n` and `\t`, and
/// blocks lie in order on char boundaries inside it.
fn check_document(doc: &Document) {
    let text = doc.text();
    if let Some(c) = text
        .chars()
        .find(|&c| c.is_control() && c != '\n' && c != '\t')
    {
        panic!("control character {c:?} in the canonical text");
    }
    let mut end = 0;
    for block in doc.blocks() {
        let r = &block.range;
        assert!(
            r.start <= r.end && r.end <= text.len(),
            "block {r:?} outside the text"
        );
        assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
        assert!(
            r.start >= end,
            "blocks overlap or go backwards: {r:?} after {end}"
        );
        end = r.end;
    }
    let len_chars = document::CharOffset::new(text.chars().count());
    assert_eq!(doc.char_offset(text.len()), len_chars);
    assert_eq!(doc.byte_offset(len_chars), text.len());
    for (byte, _) in text.char_indices().step_by(37) {
        assert_eq!(
            doc.byte_offset(doc.char_offset(byte)),
            byte,
            "offset index round trip"
        );
    }
}

/// Parsing a little at a time (as the app does between frames) gives the
/// same canonical text and blocks as parsing at once: offsets handed out
/// early keep their meaning.
fn check_incremental(
    source: &str,
    format: Format,
    options: ParseOptions,
    budget: usize,
    complete: &Document,
) {
    let mut doc = Document::new(source, format, options);
    let mut rounds = 0usize;
    while !doc.is_complete() {
        let before = doc.text().len();
        doc.parse_more(budget);
        assert!(doc.text().len() >= before, "the text only grows");
        assert!(
            complete.text().starts_with(doc.text()),
            "a partial parse is a prefix of the complete one"
        );
        rounds += 1;
        assert!(rounds <= source.len() + 2, "parse_more makes no progress");
    }
    assert_eq!(doc.text(), complete.text());
    let ranges = |d: &Document| {
        d.blocks()
            .iter()
            .map(|b| b.range.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(ranges(&doc), ranges(complete));
}

/// Lines cover each block within the width; every cell maps back to its
/// offset and the offset to the cell; any offset locates within the width.
fn check_layout(doc: &Document, width: u16, tab_width: u8) {
    let text = doc.text();
    let mut layout = Layout::with_tab_width(width, tab_width);
    let mut total_lines = 0;
    let mut checked = 0;
    for b in 0..doc.blocks().len() {
        let lines = layout.ensure(doc, b).clone();
        total_lines += lines.lines.len();
        for (i, line) in lines.lines.iter().enumerate() {
            let r = &line.range;
            assert!(
                r.start <= r.end && r.end <= text.len(),
                "line {r:?} outside the text"
            );
            assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
            assert!(
                line.prefix_width + line.text_width <= width,
                "line wider than {width}: prefix {} + text {}",
                line.prefix_width,
                line.text_width
            );
            if line.kind == LineKind::Rule {
                continue;
            }
            let pos = LinePos { block: b, line: i };
            for cell in line_cells(text, line) {
                assert!(
                    cell.col + cell.width <= width,
                    "cell past the width {width}"
                );
                assert!(cell.range.0 < cell.range.1 && cell.range.1 <= text.len());
                if checked < MAX_CELLS_CHECKED {
                    checked += 1;
                    assert_eq!(layout.offset_at(doc, pos, cell.col), Some(cell.range.0));
                    assert_eq!(layout.locate(doc, cell.range.0), (pos, cell.col));
                }
            }
        }
    }
    let all = layout.lines_from(doc, LinePos::default(), usize::MAX);
    assert_eq!(all.len(), total_lines, "lines_from walks every line");
    if let Some(last) = all.last() {
        assert_eq!(layout.step(doc, LinePos::default(), isize::MAX), *last);
        let _ = layout.last_page_top(doc, 24);
    }
    let len = text.len();
    for offset in [0, 1, len / 3, len / 2, len.saturating_sub(1), len, len + 7] {
        let (pos, col) = layout.locate(doc, offset);
        if !doc.blocks().is_empty() {
            assert!(
                col < width,
                "offset {offset} located at column {col} of {width}"
            );
        }
        if let Some(back) = layout.offset_at(doc, pos, col) {
            assert!(back <= len && text.is_char_boundary(back));
        }
    }
}
