#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly
//! A book is known by the fingerprint of its whole text, which needs every
//! chapter unpacked: it is hashed in the background, never before the first
//! screen or inside a save. A highlight made before the hash is done is
//! saved at once and its fingerprint written when the hash comes (at the
//! latest when gloss quits), and a book moved to another path finds its
//! notes by that fingerprint once it is hashed.

#[path = "support/book_session.rs"]
mod book_session;
#[path = "support/epub.rs"]
mod epub_book;

use book_session::{run, start};

use std::fs;
use std::path::{Path, PathBuf};

use gloss::annotations::Store;
use gloss::keymap::Action;
use gloss::library::{self, Source};
use gloss::session::Session;

fn long_book(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    fs::write(&path, epub_book::long_book(200 * 1024, "Prologuemark")).unwrap();
    fs::canonicalize(&path).unwrap()
}

/// The whole book's fingerprint, as every tool but the reader computes it.
fn whole_fingerprint(book: &Path) -> String {
    library::load(&Source::File(book.to_path_buf()))
        .unwrap()
        .fingerprint()
}

fn stored(dir: &Path, book: &Path) -> gloss::annotations::AnnotationFile {
    Store::new(&dir.join("data"))
        .find(book, "")
        .unwrap()
        .expect("a notes file")
        .content
}

fn highlight_first_sentence(s: &mut Session) {
    let mut effects = s.app.update(Action::SelectSentence);
    effects.extend(s.app.update(Action::Highlight));
    run(s, effects);
}

/// Collects background results until the open book's highlights are
/// there; the generous deadline only keeps a broken job from hanging.
fn until_loaded(s: &mut Session) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while (s.app.reader.as_ref().unwrap().notes.loading.is_some() || s.jobs_busy())
        && std::time::Instant::now() < deadline
    {
        s.collect_jobs();
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    s.collect_jobs();
    assert!(
        s.app.reader.as_ref().unwrap().notes.loading.is_none(),
        "the highlights never arrived"
    );
}

#[test]
fn a_highlight_made_before_the_book_is_hashed_is_saved_at_once_and_quitting_adds_the_fingerprint() {
    let dir = tempfile::tempdir().unwrap();
    let book = long_book(dir.path(), "long.epub");
    let mut s = start(dir.path(), &book);
    highlight_first_sentence(&mut s);
    // Saved without waiting for the whole book to be hashed.
    let saved = stored(dir.path(), &book);
    assert_eq!(saved.highlights.len(), 1);
    assert_eq!(saved.article.fingerprint, "", "the save did not hash");

    s.finish();
    drop(s);
    let saved = stored(dir.path(), &book);
    assert_eq!(saved.highlights.len(), 1);
    assert_eq!(saved.article.fingerprint, whole_fingerprint(&book));
}

#[test]
fn the_fingerprint_follows_an_early_save_as_soon_as_it_is_hashed() {
    let dir = tempfile::tempdir().unwrap();
    let book = long_book(dir.path(), "long.epub");
    let mut s = start(dir.path(), &book);
    highlight_first_sentence(&mut s);
    until_loaded(&mut s);
    assert_eq!(
        stored(dir.path(), &book).article.fingerprint,
        whole_fingerprint(&book)
    );
}

#[test]
fn a_moved_book_finds_its_notes_by_fingerprint_after_its_first_screen() {
    let dir = tempfile::tempdir().unwrap();
    let book = long_book(dir.path(), "long.epub");
    let mut s = start(dir.path(), &book);
    highlight_first_sentence(&mut s);
    s.finish();
    drop(s);

    let moved = dir.path().join("moved.epub");
    fs::rename(&book, &moved).unwrap();
    let moved = fs::canonicalize(&moved).unwrap();
    // A fresh cache: nothing remembers the moved file's fingerprint.
    let mut s = start(dir.path(), &moved);
    {
        let reader = s.app.reader.as_ref().unwrap();
        assert!(!reader.doc.is_complete(), "not parsed whole to hash it");
        assert!(
            reader.notes.loading.is_some(),
            "no highlight taken meanwhile"
        );
    }
    until_loaded(&mut s);
    let reader = s.app.reader.as_ref().unwrap();
    assert_eq!(reader.notes.count(), 1);
    assert_eq!(reader.notes.placed.len(), 1);
    let saved = stored(dir.path(), &moved);
    assert_eq!(saved.highlights.len(), 1);
    assert_eq!(
        gloss::annotations::text_to_path(&saved.article.path),
        moved,
        "the notes follow the book to its new path"
    );
}

#[test]
fn a_book_with_no_notes_anywhere_takes_highlights_once_hashed() {
    let dir = tempfile::tempdir().unwrap();
    let other = long_book(dir.path(), "other.epub");
    // Notes of a book that is gone: the next book opened may be it, moved.
    let mut s = start(dir.path(), &other);
    highlight_first_sentence(&mut s);
    s.finish();
    drop(s);
    fs::remove_file(&other).unwrap();

    let mut book = epub_book::three_chapters();
    book.chapters[0].body.push_str(
        &(0..600)
            .map(|i| format!("<p>Another book entirely, paragraph {i}.</p>\n"))
            .collect::<String>(),
    );
    let path = dir.path().join("fresh.epub");
    fs::write(&path, epub_book::write(&book)).unwrap();
    let path = fs::canonicalize(&path).unwrap();
    let mut s = start(dir.path(), &path);
    until_loaded(&mut s);
    assert_eq!(s.app.reader.as_ref().unwrap().notes.count(), 0);
    assert!(s.app.reader.as_ref().unwrap().notes.read_only.is_none());
    highlight_first_sentence(&mut s);
    assert_eq!(stored(dir.path(), &path).highlights.len(), 1);
}
