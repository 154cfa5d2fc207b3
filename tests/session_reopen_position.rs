//! Reopening a long article where the reader left off parses it as far as
//! that place, not to its end: the first screen is at the saved place and
//! the rest is left to the background parse. A place on the last pages is
//! shown from a provisional parse of the article's end, as `G` shows it. A place moved by text added
//! above it is still found, after the whole article is parsed.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly

#[path = "support/book_session.rs"]
mod book_session;

use std::fs;
use std::path::{Path, PathBuf};

use book_session::{act, start_library as start};
use gloss::keymap::Action;
use gloss::session::Session;

/// A library folder holding the harbour log (see [`long_article`]), and
/// where its notes are kept.
fn harbour_library() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let library = dir.path().join("library");
    let data = dir.path().join("data");
    fs::create_dir_all(&library).unwrap();
    long_article(&library.join("log.md"), "");
    (dir, library, data)
}

/// A Markdown article of about 1.3 MB whose paragraphs each say which
/// they are.
fn long_article(path: &Path, preface: &str) {
    let mut text = format!("# Harbour log\n\n{preface}");
    for i in 0..20_000 {
        text.push_str(&format!(
            "Calm paragraph {i} of the harbour log, about tides and ropes.\n\n"
        ));
    }
    fs::write(path, text).unwrap();
}

/// The paragraph the reader's first line on screen is part of.
fn top_line(session: &mut Session) -> String {
    let reader = session.app.reader.as_mut().unwrap();
    let offset = reader.top_offset().unwrap();
    let text = reader.doc.text();
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    text[start..].lines().next().unwrap_or("").to_string()
}

/// Opens the only article, pages down `pages` times, goes back to the list
/// and saves the reading position; returns the top line read there.
fn read_to(session: &mut Session, pages: usize) -> String {
    session.app.list.selected = 0;
    act(session, Action::OpenArticle);
    for _ in 0..pages {
        act(session, Action::PageDown);
    }
    let top = top_line(session);
    act(session, Action::Back);
    session.flush_position();
    top
}

/// A new session over `library` with its only article opened, sized as
/// the runtime sizes it before the first frame (the same size keeps the
/// view).
fn reopen(library: &Path, data: &Path) -> Session {
    let mut again = start(library, data);
    again.app.list.selected = 0;
    act(&mut again, Action::OpenArticle);
    again.app.resize(100, 30);
    again
}

#[test]
fn a_long_article_reopens_at_the_saved_place_parsed_only_that_far() {
    let (_dir, library, data) = harbour_library();
    let mut first = start(&library, &data);
    let left_at = read_to(&mut first, 400);
    assert!(left_at.contains("paragraph"), "{left_at}");
    drop(first);

    let mut again = start(&library, &data);
    again.app.list.selected = 0;
    act(&mut again, Action::OpenArticle);
    assert_eq!(top_line(&mut again), left_at);
    let doc = &again.app.reader.as_ref().unwrap().doc;
    assert!(
        !doc.is_complete(),
        "the whole article was parsed before the first screen"
    );
}

#[test]
fn a_saved_place_moved_by_text_added_above_is_found_in_the_whole_article() {
    let (_dir, library, data) = harbour_library();
    let path = library.join("log.md");
    let mut first = start(&library, &data);
    let left_at = read_to(&mut first, 400);
    drop(first);

    // A preface written above: every offset moves on.
    long_article(
        &path,
        &"A preface about the log, added later.\n\n".repeat(30),
    );
    let mut again = start(&library, &data);
    again.app.list.selected = 0;
    act(&mut again, Action::OpenArticle);
    let top = top_line(&mut again);
    let number = |line: &str| {
        line.split_whitespace()
            .skip_while(|w| *w != "paragraph")
            .nth(1)
            .map(str::to_string)
    };
    assert!(number(&left_at).is_some(), "{left_at}");
    assert_eq!(number(&top), number(&left_at), "{top} / {left_at}");
}

#[test]
fn a_long_article_read_to_its_end_reopens_there_from_a_parse_of_its_end() {
    let (_dir, library, data) = harbour_library();
    let mut first = start(&library, &data);
    first.app.list.selected = 0;
    act(&mut first, Action::OpenArticle);
    act(&mut first, Action::Bottom);
    act(&mut first, Action::PageUp);
    // Leaving settles the view on the whole article, and the place is saved.
    act(&mut first, Action::Back);
    first.flush_position();
    first.app.list.selected = 0;
    act(&mut first, Action::OpenArticle);
    let left_at = top_line(&mut first);
    assert!(left_at.contains("paragraph 19"), "{left_at}");
    act(&mut first, Action::Back);
    first.flush_position();
    drop(first);

    let mut again = reopen(&library, &data);
    let reader = again.app.reader.as_ref().unwrap();
    assert!(
        reader.is_provisional(),
        "the whole article was parsed first"
    );
    assert_eq!(top_line(&mut again), left_at);
    // Leaving settles it on the same place in the whole article, which is
    // where the next open finds it.
    act(&mut again, Action::Back);
    again.flush_position();
    again.app.list.selected = 0;
    act(&mut again, Action::OpenArticle);
    assert_eq!(top_line(&mut again), left_at);
}

#[test]
fn a_long_article_reopened_on_its_last_pages_is_parsed_whole_in_the_background() {
    let (_dir, library, data) = harbour_library();
    let mut first = start(&library, &data);
    first.app.list.selected = 0;
    act(&mut first, Action::OpenArticle);
    act(&mut first, Action::Bottom);
    act(&mut first, Action::Back);
    first.flush_position();
    drop(first);

    let mut again = reopen(&library, &data);
    assert!(again.app.reader.as_ref().unwrap().is_provisional());
    let left_at = top_line(&mut again);
    // No key is pressed: the rest is parsed all the same, so `gg`, the
    // outline or a search later find the whole article ready. The
    // generous deadline only keeps a parse that never starts from hanging
    // the test.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while again.app.reader.as_ref().unwrap().is_provisional()
        && std::time::Instant::now() < deadline
    {
        again.collect_jobs();
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    let reader = again.app.reader.as_ref().unwrap();
    assert!(!reader.is_provisional(), "the rest was never parsed");
    assert!(reader.doc.is_complete());
    assert_eq!(top_line(&mut again), left_at, "the view stays where it was");
}
