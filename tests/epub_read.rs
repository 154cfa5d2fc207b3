#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly
//! EPUB books read from their container: metadata, chapters in spine order,
//! the table of contents, the list entry, the fingerprint that survives a
//! re-zip, and clear refusals of damaged, huge and encrypted books.

#[path = "support/epub.rs"]
mod epub_book;

use std::io::{Cursor, Write};
use std::path::Path;

use gloss::annotations::fingerprint;
use gloss::document::epub::{EpubError, read_book};
use gloss::library::{self, Source};
use zip::write::SimpleFileOptions;

const LIMIT: u64 = 64 * 1024 * 1024;

fn fixture() -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/epub/three-chapters.epub"),
    )
    .unwrap()
}

#[test]
fn the_committed_fixture_is_what_the_generator_writes() {
    // `cargo run --example make_epub_fixture` makes it again.
    assert_eq!(fixture(), epub_book::write(&epub_book::three_chapters()));
}

#[test]
fn the_book_has_its_metadata_chapters_in_spine_order_and_contents() {
    let book = read_book(fixture(), LIMIT).unwrap();
    assert_eq!(
        book.meta.title.as_deref(),
        Some("The Lighthouse Keeper's Almanac")
    );
    assert_eq!(book.meta.author.as_deref(), Some("Mara Quill"));
    assert_eq!(book.meta.date_text.as_deref(), Some("2021-03-14"));
    assert!(book.meta.date.is_some());
    let paths: Vec<&str> = book.chapters.iter().map(|c| c.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "/OEBPS/text/chapter-1.xhtml",
            "/OEBPS/text/chapter-2.xhtml",
            "/OEBPS/text/chapter-3.xhtml"
        ]
    );
    let labels: Vec<&str> = book.toc.iter().map(|t| t.label.as_str()).collect();
    assert_eq!(
        labels,
        ["One: The Lamp", "Two: The Storm", "Three: The Chart"]
    );
    // Chapter 2 has no heading: the contents' words become one.
    assert!(!book.chapters[1].has_heading);
    assert!(book.html.contains("<h1>Two: The Storm</h1>"));
    // Chapters with their own heading keep it and get no second one.
    assert!(book.chapters[0].has_heading);
    assert!(!book.html.contains("<h1>One: The Lamp</h1>"));
    // The image stays, with its alt text, for the HTML path to mark.
    assert!(book.html.contains("alt=\"A hand-drawn chart of the bay\""));
    // In order, each body once.
    let lamp = book.html.find("trimmed the wick").unwrap();
    let storm = book.html.find("Rain drove").unwrap();
    let chart = book.html.find("chart of the bay hung").unwrap();
    assert!(lamp < storm && storm < chart);
    // The navigation document is not in the spine, so not in the text.
    assert!(!book.html.contains("Contents</h1>"));
}

#[test]
fn a_rezipped_copy_of_the_same_book_has_the_same_text_and_fingerprint() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.epub");
    let b = dir.path().join("b.epub");
    std::fs::write(&a, fixture()).unwrap();
    let mut other = epub_book::three_chapters();
    other.level = 0;
    other.reverse = true;
    let repacked = epub_book::write(&other);
    assert_ne!(repacked, fixture());
    std::fs::write(&b, repacked).unwrap();
    let la = library::load(&Source::File(a)).unwrap();
    let lb = library::load(&Source::File(b)).unwrap();
    assert_eq!(la.text, lb.text);
    assert_eq!(fingerprint(&la.text), fingerprint(&lb.text));
}

#[test]
fn the_library_lists_a_book_with_its_title_author_and_date() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("almanac.epub"), fixture()).unwrap();
    std::fs::write(dir.path().join("note.md"), "# A note\n\nText.\n").unwrap();
    let scan = library::scan(&[dir.path().to_path_buf()]);
    assert!(scan.skipped.is_empty(), "{:?}", scan.skipped);
    let book = scan
        .articles
        .iter()
        .find(|a| a.source.file_name() == "almanac.epub")
        .expect("the book is listed");
    assert_eq!(book.title, "The Lighthouse Keeper's Almanac");
    assert_eq!(book.meta.author.as_deref(), Some("Mara Quill"));
    assert_eq!(book.meta.date_text.as_deref(), Some("2021-03-14"));
}

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in entries {
        zip.start_file(*name, SimpleFileOptions::default()).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn refusal(bytes: Vec<u8>, limit: u64) -> (EpubError, String) {
    // Through the library too: the message names the reason, then the file.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.epub");
    std::fs::write(&path, &bytes).unwrap();
    let listed = library::scan_within(std::slice::from_ref(&path), limit);
    assert!(listed.articles.is_empty());
    assert_eq!(listed.skipped.len(), 1, "{listed:?}");
    let message = library::load_within(&Source::File(path), limit).unwrap_err();
    assert!(message.ends_with("book.epub"), "{message}");
    (read_book(bytes, limit).unwrap_err(), message)
}

#[test]
fn a_damaged_book_is_refused_with_a_reason() {
    let (e, message) = refusal(b"PK\x03\x04 certainly not a zip".to_vec(), LIMIT);
    assert_eq!(e, EpubError::NotAZip);
    assert!(message.starts_with("not a readable EPUB"), "{message}");
    let mut truncated = fixture();
    truncated.truncate(truncated.len() / 2);
    assert_eq!(refusal(truncated, LIMIT).0, EpubError::NotAZip);
    let (e, message) = refusal(zip_of(&[("hello.txt", b"hello")]), LIMIT);
    assert!(matches!(e, EpubError::Malformed(_)), "{e:?}");
    assert!(message.starts_with("not a readable EPUB"), "{message}");
}

#[test]
fn a_book_that_unpacks_past_the_limit_is_refused_before_unpacking() {
    // Highly compressible chapters: a small zip that unpacks large.
    let mut book = epub_book::three_chapters();
    book.chapters[0].body = format!("<p>{}</p>", "a".repeat(4 * 1024 * 1024));
    let bytes = epub_book::write(&book);
    assert!(bytes.len() < 64 * 1024, "{}", bytes.len());
    let (e, message) = refusal(bytes, 1024 * 1024);
    assert!(matches!(e, EpubError::TooLarge { .. }), "{e:?}");
    assert!(message.contains("too large"), "{message}");
}

#[test]
fn an_encrypted_book_is_refused_but_font_obfuscation_is_not() {
    let mut with_drm = Vec::new();
    {
        let mut zip = zip::ZipWriter::new(Cursor::new(&mut with_drm));
        let src = zip::ZipArchive::new(Cursor::new(fixture())).unwrap();
        let mut src = src;
        for i in 0..src.len() {
            let mut f = src.by_index(i).unwrap();
            let name = f.name().unwrap().to_string();
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut f, &mut bytes).unwrap();
            zip.start_file(name, SimpleFileOptions::default()).unwrap();
            zip.write_all(&bytes).unwrap();
        }
        zip.start_file("META-INF/encryption.xml", SimpleFileOptions::default())
            .unwrap();
        zip.write_all(
            br#"<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" xmlns:enc="http://www.w3.org/2001/04/xmlenc#"><enc:EncryptedData><enc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"/><enc:CipherData><enc:CipherReference URI="OEBPS/text/chapter-1.xhtml"/></enc:CipherData></enc:EncryptedData></encryption>"#,
        )
        .unwrap();
        zip.finish().unwrap();
    }
    let (e, message) = refusal(with_drm, LIMIT);
    assert_eq!(e, EpubError::Encrypted);
    assert!(message.starts_with("an encrypted (DRM) EPUB"), "{message}");
}

#[test]
fn a_book_with_no_readable_chapter_says_so() {
    let mut book = epub_book::three_chapters();
    book.chapters.clear();
    let (e, message) = {
        let bytes = epub_book::write(&book);
        let e = read_book(bytes.clone(), LIMIT).unwrap_err();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("empty.epub");
        std::fs::write(&path, bytes).unwrap();
        (e, library::load(&Source::File(path)).unwrap_err())
    };
    assert_eq!(e, EpubError::NoChapters);
    assert!(
        message.starts_with("an EPUB with no readable chapters"),
        "{message}"
    );
}
