//! Target `epub`: the bytes are an `.epub` file, read by
//! `document::epub::read_book` (and `read_metadata`, as the library list does)
//! with a small unpacking limit, then parsed as the reader shows a book.
//!
//! Input: the file as is. The committed seeds are small valid books, so the
//! fuzzer mutates real zips (directory, local headers, package document).
//!
//! Checked: no panic; a refusal is one of the reasons the user is told; a
//! book read has chapters whose ranges lie in order inside its HTML source,
//! an HTML source no larger than the limit allows, and text whose canonical
//! form holds no control character but `\n`/`\t`; a book whose metadata
//! reads alone has the same metadata when read whole.

use std::io::Cursor;

use gloss::document::epub::{FORMAT, read_book, read_metadata};
use gloss::document::{Document, ParseOptions};

/// Unpacking limit for one input: small, so a zip bomb is refused fast.
const LIMIT: u64 = 1 << 20;

/// Runs one input; panics on a broken invariant.
pub fn run(data: &[u8]) {
    let meta = read_metadata(Cursor::new(data.to_vec()), LIMIT);
    let book = match read_book(data.to_vec(), LIMIT) {
        Ok(book) => book,
        Err(e) => {
            assert!(!e.to_string().is_empty());
            return;
        }
    };
    if let Ok(meta) = meta {
        assert_eq!(meta, book.meta, "the list and the reader agree");
    }
    assert!(!book.chapters.is_empty());
    let mut end = 0;
    for chapter in &book.chapters {
        assert!(chapter.range.start >= end, "chapters in order");
        assert!(chapter.range.end <= book.html.len());
        assert!(book.html.is_char_boundary(chapter.range.start));
        assert!(book.html.is_char_boundary(chapter.range.end));
        end = chapter.range.end;
    }
    // The chapters' bytes were bounded by the limit; headings and wrappers
    // add a little per chapter.
    let overhead = 4096
        + book.chapters.len() * 256
        + book.toc.iter().map(|t| t.label.len() * 2).sum::<usize>();
    assert!(
        book.html.len() as u64 <= LIMIT + overhead as u64,
        "{} bytes of HTML from a {LIMIT} byte limit",
        book.html.len()
    );
    let doc = Document::parse_complete(&book.html, FORMAT, ParseOptions::default());
    assert!(
        doc.text()
            .chars()
            .all(|c| c == '\n' || c == '\t' || !c.is_control()),
        "control characters reach the text"
    );
}
