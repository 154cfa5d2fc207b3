#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly
//! A book opened for reading unpacks and parses only its first chapters;
//! the rest follows chapter by chapter (as the reader scrolls, or in the
//! background). The document it makes is the start of the whole book's
//! (the same text, blocks and offsets), so a highlight anywhere in the book
//! is placed as in a book read whole, and the fingerprint is the whole
//! book's.

#[path = "support/epub.rs"]
mod epub_book;

use std::fs;
use std::path::{Path, PathBuf};

use gloss::app::{App, Effect};
use gloss::config::Config;
use gloss::document::{Document, ParseOptions};
use gloss::keymap::{Action, Keymap};
use gloss::library::{self, Source};
use gloss::session::{Outcome, Session, Setup};

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

fn run(session: &mut Session, effects: Vec<Effect>) {
    for effect in effects {
        if let Outcome::Done(more) = session.carry_out(effect) {
            run(session, more);
        }
    }
}

fn start(dir: &Path, book: &Path) -> Session {
    let mut app = App::new(
        Config::default(),
        Keymap::default(),
        library::scan(&[book.to_path_buf()]),
    );
    app.resize(100, 30);
    let mut s = Session::start(app, Setup::new(&dir.join("data"), u64::MAX));
    let effects = s.open_path(book, None);
    run(&mut s, effects);
    s
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

    let s = start(dir.path(), &book);
    let reader = s.app.reader.as_ref().unwrap();
    assert_eq!(reader.notes.orphans(), 0);
    let placed = &reader.notes.placed[0];
    assert_eq!(placed.range.start, at);
    assert_eq!(reader.doc.slice(placed.range.clone()), quote);
}
