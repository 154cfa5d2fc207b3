#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly
//! A large web page opens without holding up the reader: its article is
//! extracted by a background job while the reader pane says so, keys that
//! make sense without the text work meanwhile (help, back to the list,
//! quitting), nothing can be highlighted against a placeholder, and the
//! article, with its highlights placed on the real extracted text, appears
//! when the job is done. No timing is asserted: the job's result is only
//! taken when the test collects it, as the runtime does when its loop wakes.

use std::fs;
use std::path::{Path, PathBuf};

use gloss::app::{App, Effect, Focus, Mode};
use gloss::config::Config;
use gloss::keymap::{Action, Keymap};
use gloss::library;
use gloss::session::{Outcome, Session, Setup};

fn run(session: &mut Session, effects: Vec<Effect>) {
    for effect in effects {
        if let Outcome::Done(more) = session.carry_out(effect) {
            run(session, more);
        }
    }
}

/// A saved web page of about `bytes` bytes: navigation, a cookie banner,
/// scripts, and an article of many paragraphs that opens with "The harbour
/// opening" and ends with "The page's very last words".
pub fn large_page(bytes: usize) -> String {
    let mut page = String::from(
        "<!DOCTYPE html><html><head><title>The Harbour Log</title>\
         <meta name=\"author\" content=\"Ines Varga\"></head><body>\
         <nav><a href=\"/\">Home</a> <a href=\"/about\">About</a></nav>\
         <div class=\"cookie-banner\">We use cookies. Accept?</div>\
         <script>var tracking = 1;</script>\
         <article><h1>The Harbour Log</h1>\
         <p>The harbour opening paragraph sets the scene for the whole log.</p>\n",
    );
    let mut n = 0;
    while page.len() < bytes {
        n += 1;
        page.push_str(&format!(
            "<p>Entry {n}: the keeper walked the harbour wall at dawn, counted the boats at \
             their moorings and wrote the tide into the log before the bell rang.</p>\n"
        ));
    }
    page.push_str("<p>The page's very last words.</p></article>");
    page.push_str("<footer>Copyright. Imprint. Privacy.</footer></body></html>\n");
    page
}

fn start(dir: &Path, page: &Path) -> Session {
    let mut app = App::new(
        Config::default(),
        Keymap::default(),
        library::scan(&[page.to_path_buf()]),
    );
    app.resize(100, 30);
    Session::start(app, Setup::new(&dir.join("data"), u64::MAX))
}

/// Collects background results until an article is shown; the generous
/// deadline only keeps a broken job from hanging the test.
fn wait_for_reader(s: &mut Session) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(300);
    while s.app.reader.is_none() && std::time::Instant::now() < deadline {
        s.collect_jobs();
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    assert!(s.app.reader.is_some(), "the page never arrived");
}

fn write_page(dir: &Path) -> PathBuf {
    let path = dir.join("harbour.html");
    fs::write(&path, large_page(600 * 1024)).unwrap();
    path
}

#[test]
fn keys_are_answered_while_a_large_page_is_extracted_and_the_article_appears_after() {
    let dir = tempfile::tempdir().unwrap();
    let page = write_page(dir.path());
    let mut s = start(dir.path(), &page);
    let effects = s.open_path(&page, None);
    run(&mut s, effects);

    // Nothing to read yet: no reader (so nothing to highlight), the pane
    // says what is happening, and the title is known from the head.
    assert!(s.app.reader.is_none());
    let loading = s.app.loading.clone().expect("the page is being prepared");
    assert!(
        loading
            .what
            .starts_with("extracting the article from harbour.html ("),
        "{}",
        loading.what
    );
    assert_eq!(s.app.list.articles[0].title, "The Harbour Log");
    assert_eq!(s.app.focus, Focus::Reader);

    // Help opens and closes; a highlight has nothing to act on.
    let effects = s.app.update(Action::Help);
    run(&mut s, effects);
    assert!(matches!(s.app.mode, Mode::Help { .. }));
    let effects = s.app.update(Action::Back);
    run(&mut s, effects);
    assert!(matches!(s.app.mode, Mode::Browse));
    let effects = s.app.update(Action::Highlight);
    assert!(
        !effects.iter().any(|e| matches!(e, Effect::Save { .. })),
        "{effects:?}"
    );
    // Back to the list, which keeps the focus when the article arrives.
    let effects = s.app.update(Action::Back);
    run(&mut s, effects);
    assert_eq!(s.app.focus, Focus::List);
    assert!(s.app.loading.is_some());

    wait_for_reader(&mut s);
    assert!(s.app.loading.is_none());
    assert_eq!(s.app.focus, Focus::List);
    let reader = s.app.reader.as_ref().unwrap();
    assert!(reader.doc.is_complete());
    let text = reader.doc.text();
    assert!(
        text.contains("The harbour opening paragraph"),
        "{text:.300}"
    );
    assert!(text.ends_with("The page's very last words."));
    assert!(
        !text.contains("We use cookies"),
        "extracted, banner left out"
    );
    assert!(
        !reader.notes.record.fingerprint.is_empty(),
        "the fingerprint of the extracted text came with it"
    );
}

#[test]
fn a_highlight_on_a_large_page_is_placed_on_the_extracted_text_when_it_arrives() {
    let dir = tempfile::tempdir().unwrap();
    let page = write_page(dir.path());
    let mut s = start(dir.path(), &page);
    let effects = s.open_path(&page, None);
    run(&mut s, effects);
    wait_for_reader(&mut s);
    let mut effects = s.app.update(Action::SentenceNext);
    effects.extend(s.app.update(Action::SelectSentence));
    effects.extend(s.app.update(Action::Highlight));
    assert!(
        effects.iter().any(|e| matches!(e, Effect::Save { .. })),
        "{effects:?}"
    );
    run(&mut s, effects);
    let quote = s.app.reader.as_ref().unwrap().notes.highlights[0]
        .anchor
        .quote
        .clone();
    s.finish();
    drop(s);

    // A new start: while the page is extracted nothing is placed (there is
    // nothing to place it on), and quitting then loses nothing.
    let mut s = start(dir.path(), &page);
    let effects = s.open_path(&page, None);
    run(&mut s, effects);
    assert!(s.app.reader.is_none() && s.app.loading.is_some());
    let effects = s.app.update(Action::Quit);
    run(&mut s, effects);
    assert!(s.app.quit);
    s.finish();
    drop(s);

    let mut s = start(dir.path(), &page);
    let effects = s.open_path(&page, None);
    run(&mut s, effects);
    wait_for_reader(&mut s);
    let reader = s.app.reader.as_ref().unwrap();
    assert_eq!(reader.notes.highlights.len(), 1);
    assert_eq!(reader.notes.highlights[0].anchor.quote, quote);
    assert_eq!(reader.notes.orphans(), 0, "placed on the extracted text");
    assert_eq!(reader.notes.placed.len(), 1);
    let placed = &reader.notes.placed[0];
    assert_eq!(reader.doc.slice(placed.range.clone()), quote);
}

#[test]
fn a_small_page_still_opens_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("small.html");
    fs::write(&page, large_page(8 * 1024)).unwrap();
    let mut s = start(dir.path(), &page);
    let effects = s.open_path(&page, None);
    run(&mut s, effects);
    assert!(s.app.loading.is_none());
    let reader = s.app.reader.as_ref().expect("opened at once");
    assert!(reader.doc.text().contains("The harbour opening paragraph"));
}

#[test]
fn a_place_asked_for_one_page_is_not_used_for_the_next_page_opened() {
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first.html");
    let second = dir.path().join("second.html");
    fs::write(&first, large_page(600 * 1024)).unwrap();
    fs::write(&second, large_page(600 * 1024)).unwrap();
    let mut app = App::new(
        Config::default(),
        Keymap::default(),
        library::scan(&[dir.path().to_path_buf()]),
    );
    app.resize(100, 30);
    let mut s = Session::start(app, Setup::new(&dir.path().join("data"), u64::MAX));
    // `gloss open --at 5000 first.html`, then, before it is ready, the user
    // opens the other page.
    let effects = s.open_path(&first, Some(5000));
    run(&mut s, effects);
    assert!(
        s.app.reader.is_none(),
        "the first page is still being extracted"
    );
    let other = s
        .app
        .list
        .articles
        .iter()
        .position(|a| library::store_path(&a.source).ends_with("second.html"))
        .unwrap();
    let effects = s.open(other);
    run(&mut s, effects);
    wait_for_reader(&mut s);
    let reader = s.app.reader.as_ref().unwrap();
    assert_eq!(reader.cursor, 0, "the second page opens at its start");
}
