//! A session as the runtime makes one, for tests of opening a book (or
//! any article) through the session: the effects an open returns are
//! carried out, with what they lead to, as the event loop would.
#![allow(dead_code)] // each test file uses what it needs

use std::path::Path;

use gloss::annotations::{Anchor, Highlight, HighlightId, Op};
use gloss::app::{App, Effect};
use gloss::config::Config;
use gloss::keymap::Keymap;
use gloss::library;
use gloss::session::{Outcome, Session, Setup};

/// Carries out `effects` and every effect they lead to.
pub fn run(session: &mut Session, effects: Vec<Effect>) {
    for effect in effects {
        if let Outcome::Done(more) = session.carry_out(effect) {
            run(session, more);
        }
    }
}

/// Carries out what `action` leads to, as the event loop would.
pub fn act(session: &mut Session, action: gloss::keymap::Action) {
    let effects = session.app.update(action);
    run(session, effects);
}

/// A 100x30 session over `library` (a folder, or one article), its data in
/// `data`, nothing opened yet.
pub fn start_library(library: &Path, data: &Path) -> Session {
    let mut app = App::new(
        Config::default(),
        Keymap::default(),
        library::scan(&[library.to_path_buf()]),
    );
    app.resize(100, 30);
    Session::start(app, Setup::new(data, u64::MAX))
}

/// A 100x30 session over `book` alone, its data under `dir/data`, with the
/// book opened.
pub fn start(dir: &Path, book: &Path) -> Session {
    let mut s = start_library(book, &dir.join("data"));
    let effects = s.open_path(book, None);
    run(&mut s, effects);
    s
}

/// Collects background results until the open article's highlights, read
/// and placed by the background job, are there; the generous deadline only
/// keeps a broken job from hanging the test. What the rest of the article
/// changed is said with the look after that, which is taken too.
pub fn until_notes_loaded(s: &mut Session) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while s
        .app
        .reader
        .as_ref()
        .is_some_and(|r| r.notes.loading.is_some())
        && std::time::Instant::now() < deadline
    {
        s.collect_jobs();
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    assert!(
        s.app
            .reader
            .as_ref()
            .is_some_and(|r| r.notes.loading.is_none()),
        "the highlights never arrived"
    );
    s.collect_jobs();
}

/// A yellow highlight made yesterday over `text[range]`, with `note`, as a
/// store operation (for notes files written before a test opens them).
pub fn highlight_op(text: &str, id: String, range: std::ops::Range<usize>, note: String) -> Op {
    let time = chrono::Utc::now() - chrono::TimeDelta::days(1);
    Op::Upsert(Highlight {
        via: None,
        id: HighlightId::from(id),
        created: time,
        updated: time,
        color: "yellow".into(),
        tags: Vec::new(),
        note,
        orphaned: false,
        anchor: Anchor::from_range(text, range),
    })
}
