#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly
//! Links between a book's chapters: an EPUB's chapters are separate files,
//! so a link in chapter 1 names `chapter-3.xhtml#wrecks`. In the reader,
//! where the book is one article, such a link moves the reader to that
//! place like an `#anchor` link in an article, also into a chapter not
//! parsed yet, and the back key returns; `#name` alone means the place in
//! the link's own chapter (ids repeat across chapters).

#[path = "support/book_session.rs"]
mod book_session;
#[path = "support/epub.rs"]
mod epub_book;

use book_session::{run, start};

use std::fs;
use std::path::{Path, PathBuf};

use gloss::app::Msg;
use gloss::keymap::Action;
use gloss::session::Session;

/// Chapter 1 links to chapter 2, to a place in chapter 3 (past the first
/// chapters parsed: chapter 2 is long), to a place in itself whose id
/// chapter 3 uses too, and to a place chapter 3 does not have.
fn linked_book(dir: &Path) -> PathBuf {
    let mut book = epub_book::three_chapters();
    book.chapters[0].body.push_str(
        "\n<p>See <a href=\"chapter-3.xhtml#wrecks\">the red ink</a>, \
         <a href=\"chapter-2.xhtml\">the storm</a>, \
         <a href=\"#dusk\">the dusk note</a> and \
         <a href=\"../text/chapter-3.xhtml#nowhere\">a lost place</a>.</p>\n\
         <p id=\"dusk\">Dusk came early in the lamp chapter.</p>",
    );
    let filler: String = (0..800)
        .map(|i| format!("<p>Storm paragraph {i} of the long second chapter, rain and wind.</p>\n"))
        .collect();
    book.chapters[1].body.push_str(&filler);
    book.chapters[2].body = book.chapters[2]
        .body
        .replace("<p>Every wreck", "<p id=\"wrecks\">Every wreck")
        + "\n<p id=\"dusk\">Dusk in the chart chapter.</p>";
    let path = dir.join("linked.epub");
    fs::write(&path, epub_book::write(&book)).unwrap();
    path
}

/// Follows the link whose text holds `words`, from the link list (`L`).
fn follow(s: &mut Session, words: &str) {
    let mut effects = s.app.update(Action::LinkList);
    for c in words.chars() {
        effects.extend(s.app.update(Msg::Type(c)));
    }
    effects.extend(s.app.update(Action::FollowLink));
    run(s, effects);
}

fn status(s: &Session) -> String {
    s.app
        .message
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default()
}

/// Where the cursor is, as the text from there on.
fn at_cursor(s: &Session) -> String {
    let reader = s.app.reader.as_ref().unwrap();
    reader.doc.text()[reader.cursor..]
        .chars()
        .take(40)
        .collect()
}

#[test]
fn a_link_to_a_place_in_a_later_chapter_moves_there_and_back_returns() {
    let dir = tempfile::tempdir().unwrap();
    let book = linked_book(dir.path());
    let mut s = start(dir.path(), &book);
    assert!(
        !s.app
            .reader
            .as_ref()
            .unwrap()
            .doc
            .text()
            .contains("Every wreck"),
        "chapter 3 is not parsed yet"
    );
    let before = s.app.reader.as_ref().unwrap().cursor;

    follow(&mut s, "red ink");
    assert!(
        at_cursor(&s).starts_with("Every wreck"),
        "{}",
        at_cursor(&s)
    );
    assert!(status(&s).contains("#wrecks"), "{}", status(&s));
    assert_eq!(
        s.app.reader.as_ref().unwrap().article.0,
        0,
        "no file opened"
    );

    let effects = s.app.update(Action::GoBack);
    run(&mut s, effects);
    assert_eq!(s.app.reader.as_ref().unwrap().cursor, before);
}

#[test]
fn a_link_to_a_chapter_moves_to_its_start() {
    let dir = tempfile::tempdir().unwrap();
    let book = linked_book(dir.path());
    let mut s = start(dir.path(), &book);
    follow(&mut s, "the storm");
    // Chapter 2 has no heading of its own: the one written for it, from the
    // table of contents, is where it starts.
    assert!(
        at_cursor(&s).starts_with("Two: The Storm"),
        "{}",
        at_cursor(&s)
    );
}

#[test]
fn a_bare_fragment_means_the_place_in_the_links_own_chapter() {
    let dir = tempfile::tempdir().unwrap();
    let book = linked_book(dir.path());
    let mut s = start(dir.path(), &book);
    follow(&mut s, "dusk note");
    assert!(
        at_cursor(&s).starts_with("Dusk came early in the lamp chapter"),
        "{}",
        at_cursor(&s)
    );
}

#[test]
fn a_link_to_a_place_a_chapter_lacks_moves_to_the_chapter_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let book = linked_book(dir.path());
    let mut s = start(dir.path(), &book);
    follow(&mut s, "lost place");
    assert!(at_cursor(&s).starts_with("The Chart"), "{}", at_cursor(&s));
    assert!(
        status(&s).contains("no place called #nowhere"),
        "{}",
        status(&s)
    );
}
