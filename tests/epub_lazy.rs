#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly
//! A book opened for reading unpacks and parses only its first chapters;
//! the rest follows chapter by chapter (as the reader scrolls, or in the
//! background). The document it makes is the start of the whole book's
//! (the same text, blocks and offsets), so a highlight anywhere in the book
//! is placed as in a book read whole, and the fingerprint is the whole
//! book's.

#[path = "support/book_session.rs"]
mod book_session;
#[path = "support/epub.rs"]
mod epub_book;

use book_session::{run, start, until_notes_loaded};

use std::fs;
use std::path::{Path, PathBuf};

use gloss::document::{Document, ParseOptions};
use gloss::keymap::Action;
use gloss::library::{self, Source};
use gloss::session::Session;

fn long_book(dir: &Path) -> PathBuf {
    let path = dir.join("long.epub");
    fs::write(&path, epub_book::long_book(200 * 1024, "Prologuemark")).unwrap();
    path
}

/// The book read whole, as every tool but the reader reads it.
fn whole(path: &Path) -> Document {
    let loaded = library::load(&Source::File(path.to_path_buf())).unwrap();
    Document::parse_complete(&loaded.text, loaded.format, ParseOptions::default())
}

#[test]
fn the_first_chapters_are_the_start_of_the_whole_book() {
    let dir = tempfile::tempdir().unwrap();
    let path = long_book(dir.path());
    let whole = whole(&path);
    let source = Source::File(path.clone());
    let loaded = library::load_for_reading(&source, u64::MAX).unwrap();
    let mut doc = loaded.document(ParseOptions::default());

    assert!(!doc.is_complete(), "only the first chapters are read");
    assert!(doc.text().contains("Prologuemark"));
    assert!(doc.text().len() < whole.text().len() / 4);
    assert!(whole.text().starts_with(doc.text()));
    assert_eq!(doc.meta().title.as_deref(), Some("A Long Generated Book"));
    assert_eq!(doc.meta(), whole.meta());
    for (part, all) in doc.blocks().iter().zip(whole.blocks()) {
        assert_eq!(part.range, all.range);
        assert_eq!(part.kind, all.kind);
    }

    doc.ensure_complete();
    assert_eq!(doc.text(), whole.text());
    assert_eq!(doc.blocks().len(), whole.blocks().len());
    assert_eq!(doc.anchors().len(), whole.anchors().len());

    // Known by the whole book's source, like the book read whole.
    let read_whole = library::load(&source).unwrap();
    assert_eq!(loaded.fingerprint(), read_whole.fingerprint());
    assert_eq!(doc.identity_text(), read_whole.text.as_str());
}

#[test]
fn the_provisional_end_of_a_book_is_the_end_of_the_whole_book() {
    let dir = tempfile::tempdir().unwrap();
    let path = long_book(dir.path());
    let whole = whole(&path);
    let loaded = library::load_for_reading(&Source::File(path), u64::MAX).unwrap();
    let doc = loaded.document(ParseOptions::default());
    let tail = doc
        .provisional_tail(32 * 1024)
        .expect("many chapters are left");
    assert!(tail.is_complete());
    assert!(!tail.text().is_empty());
    assert!(whole.text().ends_with(tail.text()));
    let at = tail.text().len() / 2;
    let mapped = whole.offset_from_tail(&tail, at).unwrap();
    assert_eq!(whole.text().len() - mapped, tail.text().len() - at);
}

#[test]
fn a_small_book_reads_the_same_either_way() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("almanac.epub");
    fs::write(&path, epub_book::write(&epub_book::three_chapters())).unwrap();
    let whole = whole(&path);
    let loaded = library::load_for_reading(&Source::File(path), u64::MAX).unwrap();
    let mut doc = loaded.document(ParseOptions::default());
    doc.ensure_complete();
    assert_eq!(doc.text(), whole.text());
    let kinds = |d: &Document| {
        d.blocks()
            .iter()
            .map(|b| b.kind.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(kinds(&doc), kinds(&whole));
}

#[test]
fn a_highlight_in_chapter_seven_is_placed_when_the_book_opens_again() {
    let dir = tempfile::tempdir().unwrap();
    let book = long_book(dir.path());
    let mut s = start(dir.path(), &book);
    {
        let reader = s.app.reader.as_mut().expect("the book is open");
        assert!(!reader.doc.text().contains("Chapter 7"), "not read yet");
        // `/` searches the whole book (the rest is parsed for it).
        reader.search("Chapter 7");
        assert!(reader.doc.is_complete());
    }
    let mut effects = s.app.update(Action::SentenceNext);
    effects.extend(s.app.update(Action::SelectSentence));
    effects.extend(s.app.update(Action::Highlight));
    run(&mut s, effects);
    let (quote, at) = {
        let reader = s.app.reader.as_ref().unwrap();
        let placed = &reader.notes.placed[0];
        (
            reader.doc.slice(placed.range.clone()).to_string(),
            placed.range.start,
        )
    };
    let chapter_seven = whole(&book).text().find("Chapter 7").unwrap();
    assert!(at > chapter_seven, "{at} {chapter_seven}");
    s.finish();
    drop(s);

    let mut s = start(dir.path(), &book);
    {
        // The first screen does not wait for the whole book: its highlight
        // is placed by the background parse of the rest.
        let reader = s.app.reader.as_ref().unwrap();
        assert!(!reader.doc.is_complete(), "the book was parsed whole first");
        assert!(reader.notes.loading.is_some());
    }
    until_notes_loaded(&mut s);
    let reader = s.app.reader.as_ref().unwrap();
    assert!(reader.doc.is_complete());
    assert_eq!(reader.notes.orphans(), 0);
    assert_eq!(reader.notes.count(), 1);
    let placed = &reader.notes.placed[0];
    assert_eq!(placed.range.start, at);
    assert_eq!(reader.doc.slice(placed.range.clone()), quote);
    // And it can be changed like any other (the notes are not read-only).
    assert!(reader.notes.read_only.is_none());
}

#[test]
fn a_book_reopens_where_it_was_left_without_being_parsed_whole_first() {
    let dir = tempfile::tempdir().unwrap();
    let book = long_book(dir.path());
    let mut s = start(dir.path(), &book);
    s.app.reader.as_mut().unwrap().search("Chapter 7");
    // Reading on from there: the place is saved.
    let effects = s.app.update(Action::PageDown);
    assert!(!effects.is_empty());
    run(&mut s, effects);
    let top = s.app.reader.as_mut().unwrap().top_offset().unwrap();
    s.finish();
    drop(s);

    let mut s = start(dir.path(), &book);
    {
        let reader = s.app.reader.as_ref().unwrap();
        assert!(!reader.doc.is_complete());
        assert!(reader.doc.text().len() < top, "the place is not parsed yet");
    }
    until_notes_loaded(&mut s);
    let reader = s.app.reader.as_mut().unwrap();
    let again = reader.top_offset().unwrap();
    assert_eq!(
        reader.doc.text()[again..].get(..200),
        whole(&book).text()[top..].get(..200),
        "back at the saved place"
    );
}

/// `bytes` (an EPUB) with the entries named in `drop` left out.
fn without_entries(bytes: &[u8], drop: &[&str]) -> Vec<u8> {
    use std::io::{Cursor, Read, Write};
    let mut src = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut out = Vec::new();
    {
        let mut zip = zip::ZipWriter::new(Cursor::new(&mut out));
        for i in 0..src.len() {
            let mut f = src.by_index(i).unwrap();
            let name = f.name().unwrap().to_string();
            if drop.contains(&name.as_str()) {
                continue;
            }
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap();
            let options = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Stored);
            zip.start_file(name, options).unwrap();
            zip.write_all(&data).unwrap();
        }
        zip.finish().unwrap();
    }
    out
}

/// The book read chapter by chapter, to its end.
fn read_lazily(path: &Path) -> Document {
    let loaded = library::load_for_reading(&Source::File(path.to_path_buf()), u64::MAX).unwrap();
    let mut doc = loaded.document(ParseOptions::default());
    doc.ensure_complete();
    doc
}

#[test]
fn a_chapter_missing_from_the_archive_is_said_and_the_rest_reads_either_way() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("torn.epub");
    let bytes = epub_book::write(&epub_book::three_chapters());
    fs::write(
        &path,
        without_entries(&bytes, &["OEBPS/text/chapter-2.xhtml"]),
    )
    .unwrap();
    let whole = whole(&path);
    let lazy = read_lazily(&path);
    for doc in [&whole, &lazy] {
        let text = doc.text();
        let lamp = text.find("trimmed the wick").expect("chapter 1");
        let said = text
            .find("This chapter (OEBPS/text/chapter-2.xhtml) could not be read")
            .unwrap_or_else(|| panic!("the reader is told: {text}"));
        let chart = text.find("Every wreck").expect("chapter 3 still reads");
        assert!(lamp < said && said < chart, "{text}");
        // Under its name in the contents, so the outline still lists it.
        assert!(text.contains("Two: The Storm"), "{text}");
    }
    assert_eq!(lazy.text(), whole.text());
    assert_eq!(lazy.blocks().len(), whole.blocks().len());
}

#[test]
fn the_provisional_end_names_each_chapter_once_as_the_whole_book_does() {
    let dir = tempfile::tempdir().unwrap();
    let path = long_book(dir.path());
    let whole = whole(&path);
    let loaded = library::load_for_reading(&Source::File(path), u64::MAX).unwrap();
    let doc = loaded.document(ParseOptions::default());
    let tail = doc
        .provisional_tail(32 * 1024)
        .expect("many chapters are left");
    let names = |d: &Document| {
        d.anchors()
            .iter()
            .map(|a| a.name.clone())
            .collect::<Vec<_>>()
    };
    let chapters: Vec<String> = names(&tail)
        .into_iter()
        .filter(|n| n.starts_with("gloss-chapter-"))
        .collect();
    assert!(chapters.len() > 1, "{chapters:?}");
    let unique: std::collections::HashSet<&String> = chapters.iter().collect();
    assert_eq!(unique.len(), chapters.len(), "ids repeated: {chapters:?}");
    // The same places, with the same names, as at the end of the whole book.
    let whole_names = names(&whole);
    assert!(whole_names.ends_with(&names(&tail)), "{:?}", names(&tail));
    let last = whole.anchors().last().unwrap();
    let tail_last = tail.anchors().last().unwrap();
    assert_eq!(
        whole.text().len() - last.offset,
        tail.text().len() - tail_last.offset
    );
}

#[test]
fn a_chapter_holding_the_text_that_ends_a_section_reads_the_same_either_way() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tricky.epub");
    let mut book = epub_book::three_chapters();
    // What separates two chapters in the book's source, and what records
    // where they are, written by the book itself (in comments).
    book.chapters[0].body.push_str(
        "\n<!--\n</section>\n<section id=\"gloss-chapter-2\">\n-->\n\
         <!-- gloss: sections 5 -->\n<p>Still the lamp chapter after the comment.</p>",
    );
    fs::write(&path, epub_book::write(&book)).unwrap();
    let whole = whole(&path);
    let lazy = read_lazily(&path);
    assert_eq!(lazy.text(), whole.text());
    let text = whole.text();
    let after = text
        .find("Still the lamp chapter after the comment.")
        .expect("nothing after the comment is lost");
    let storm = text.find("Rain drove").expect("chapter 2");
    assert!(after < storm, "{text}");
    assert_eq!(lazy.blocks().len(), whole.blocks().len());
    for (a, b) in lazy.blocks().iter().zip(whole.blocks()) {
        assert_eq!(a.range, b.range);
        assert_eq!(a.kind, b.kind);
    }
}

#[test]
fn an_svg_cover_is_shown_as_an_image_marker() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("covered.epub");
    let mut book = epub_book::three_chapters();
    book.chapters.insert(
        0,
        epub_book::Chapter {
            file: "cover.xhtml".into(),
            label: "Cover".into(),
            body: "<div><svg xmlns=\"http://www.w3.org/2000/svg\" \
                   xmlns:xlink=\"http://www.w3.org/1999/xlink\" viewBox=\"0 0 600 800\">\
                   <title>The almanac's cover</title>\
                   <image width=\"600\" height=\"800\" xlink:href=\"../images/chart.png\"/>\
                   </svg></div>"
                .into(),
        },
    );
    fs::write(&path, epub_book::write(&book)).unwrap();
    for doc in [whole(&path), read_lazily(&path)] {
        let text = doc.text();
        assert!(text.contains("[image: The almanac's cover]"), "{text}");
        assert!(
            text.find("[image:").unwrap() < text.find("trimmed the wick").unwrap(),
            "the cover comes first: {text}"
        );
    }
}

#[test]
fn a_book_rewritten_after_the_command_line_checked_it_is_read_as_it_is_now() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("almanac.epub");
    fs::write(&path, epub_book::write(&epub_book::three_chapters())).unwrap();
    // `gloss open BOOK` checks the book first, and keeps it opened.
    library::check_article(&path, u64::MAX).unwrap();
    let mut second = epub_book::three_chapters();
    second.title = "The Almanac, Second Edition".into();
    second.chapters[0].body = "<h1>The New Lamp</h1>\n<p>An electric lamp now.</p>".into();
    fs::write(&path, epub_book::write(&second)).unwrap();

    let listed = library::scan(std::slice::from_ref(&path));
    assert_eq!(listed.articles[0].title, "The Almanac, Second Edition");
    let doc = read_lazily(&path);
    assert!(
        doc.text().contains("An electric lamp now."),
        "{}",
        doc.text()
    );
    assert!(!doc.text().contains("trimmed the wick"));
}

#[test]
fn a_book_checked_then_listed_then_opened_reads_as_one_read_whole() {
    let dir = tempfile::tempdir().unwrap();
    let path = long_book(dir.path());
    library::check_article(&path, u64::MAX).unwrap();
    let listed = library::scan(std::slice::from_ref(&path));
    assert_eq!(listed.articles[0].title, "A Long Generated Book");
    let lazy = read_lazily(&path);
    assert_eq!(lazy.text(), whole(&path).text());
}

/// `bytes` (an EPUB) with `from` replaced by `to` in the entry `name`.
fn with_bytes_replaced(bytes: &[u8], name: &str, from: &[u8], to: &[u8]) -> Vec<u8> {
    use std::io::{Cursor, Read, Write};
    let mut src = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut out = Vec::new();
    {
        let mut zip = zip::ZipWriter::new(Cursor::new(&mut out));
        for i in 0..src.len() {
            let mut f = src.by_index(i).unwrap();
            let entry = f.name().unwrap().to_string();
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap();
            if entry == name {
                let at = data.windows(from.len()).position(|w| w == from).unwrap();
                data.splice(at..at + from.len(), to.iter().copied());
            }
            let options = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Stored);
            zip.start_file(entry, options).unwrap();
            zip.write_all(&data).unwrap();
        }
        zip.finish().unwrap();
    }
    out
}

#[test]
fn a_chapter_read_after_the_first_screen_that_is_not_utf8_is_said() {
    let dir = tempfile::tempdir().unwrap();
    let mut book = epub_book::three_chapters();
    let filler: String = (0..800)
        .map(|i| format!("<p>Storm paragraph {i} of the long second chapter.</p>\n"))
        .collect();
    book.chapters[1].body.push_str(&filler);
    book.chapters[2]
        .body
        .push_str("<p>Latin-1 here: BADBYTE.</p>");
    let path = dir.path().join("latin.epub");
    fs::write(
        &path,
        with_bytes_replaced(
            &epub_book::write(&book),
            "OEBPS/text/chapter-3.xhtml",
            b"BADBYTE",
            b"caf\xe9",
        ),
    )
    .unwrap();
    let mut s = start(dir.path(), &path);
    let said = |s: &Session| {
        s.app
            .message
            .as_ref()
            .is_some_and(|m| m.text.contains("not valid UTF-8"))
    };
    {
        let reader = s.app.reader.as_ref().unwrap();
        assert!(!reader.doc.text().contains("Latin-1 here"), "not read yet");
    }
    assert!(!said(&s), "the first chapters are valid");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while !s.app.reader.as_ref().unwrap().doc.is_complete() && std::time::Instant::now() < deadline
    {
        s.collect_jobs();
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    let reader = s.app.reader.as_ref().unwrap();
    assert!(reader.doc.text().contains("Latin-1 here: caf\u{fffd}."));
    assert!(said(&s), "{:?}", s.app.message);
}

#[test]
fn books_among_several_paths_are_checked_by_their_package_document() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("almanac.epub");
    fs::write(&good, epub_book::write(&epub_book::three_chapters())).unwrap();
    let broken = dir.path().join("broken.epub");
    fs::write(&broken, b"PK\x03\x04 not really a zip").unwrap();
    assert!(library::check_listed_path(&good, u64::MAX).is_ok());
    let err = library::check_listed_path(&broken, u64::MAX).unwrap_err();
    assert!(err.contains("not a readable EPUB"), "{err}");
    assert!(err.contains("broken.epub"), "{err}");
    // A folder is still checked as a folder.
    assert!(library::check_listed_path(dir.path(), u64::MAX).is_ok());
}

#[test]
fn chapters_taken_from_the_whole_source_once_hashed_read_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let path = long_book(dir.path());
    let whole = whole(&path);
    let loaded = library::load_for_reading(&Source::File(path.clone()), u64::MAX).unwrap();
    let mut doc = loaded.document(ParseOptions::default());
    // The fingerprint makes the whole source; a scroll parses a little
    // more from it, then the rest is parsed at once.
    let _ = loaded.fingerprint();
    doc.parse_more(64 * 1024);
    assert!(!doc.is_complete());
    doc.ensure_complete();
    assert_eq!(doc.text(), whole.text());
    assert_eq!(doc.blocks().len(), whole.blocks().len());
    assert_eq!(doc.anchors(), whole.anchors());
}
