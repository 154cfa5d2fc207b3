//! The open article's file is watched on the session's clock: a rewrite is
//! offered for reload and a deletion is said, each only once the check
//! interval has passed (a clock set by hand, no sleeping); a file moved
//! within the library is followed, and one renamed over is a change.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly

use std::fs;

use gloss::app::{App, Confirm, Effect};
use gloss::config::Config;
use gloss::keymap::Keymap;
use gloss::library;
use gloss::session::{MOVE_WAIT, ManualClock, Outcome, Session, Setup, WATCH_EVERY};

fn run(session: &mut Session, effects: Vec<Effect>) {
    for effect in effects {
        if let Outcome::Done(more) = session.carry_out(effect) {
            run(session, more);
        }
    }
}

#[test]
fn a_rewritten_file_is_offered_for_reload_and_a_deleted_one_is_said() {
    let dir = tempfile::tempdir().unwrap();
    let article = dir.path().join("watched.md");
    fs::write(&article, "# Watched\n\nAs first read.\n").unwrap();
    let clock = ManualClock::default();
    let mut app = App::new(
        Config::default(),
        Keymap::default(),
        library::scan(std::slice::from_ref(&article)),
    );
    app.resize(80, 24);
    let mut setup = Setup::new(&dir.path().join("data"), u64::MAX);
    setup.clock = Box::new(clock.clone());
    let mut s = Session::start(app, setup);
    run(&mut s, vec![Effect::Open(gloss::app::ArticleId(0))]);

    assert!(!s.check_file(), "unchanged");
    fs::write(
        &article,
        "# Watched\n\nRewritten by an editor, and longer.\n",
    )
    .unwrap();
    assert!(!s.check_file(), "not checked again before the interval");
    clock.advance(WATCH_EVERY);
    assert!(s.check_file());
    assert_eq!(s.app.question(), Some(&Confirm::Reload));

    s.app.mode = gloss::app::Mode::Browse;
    fs::remove_file(&article).unwrap();
    clock.advance(WATCH_EVERY);
    assert!(
        !s.check_file(),
        "looked for a moment before it is called deleted"
    );
    clock.advance(MOVE_WAIT);
    assert!(s.check_file());
    let said = said(&s);
    assert!(said.contains("deleted"), "{said}");
    assert!(s.app.reader.is_some(), "the text stays open");
}

/// The message in the status bar.
fn said(s: &Session) -> String {
    s.app
        .message
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default()
}

/// A session over the library folder `dir/library` with its first
/// article open, on a clock set by hand.
fn open_first(dir: &std::path::Path) -> (Session, ManualClock) {
    let clock = ManualClock::default();
    let mut app = App::new(
        Config::default(),
        Keymap::default(),
        library::scan(&[dir.join("library")]),
    );
    app.resize(80, 24);
    let mut setup = Setup::new(&dir.join("data"), u64::MAX);
    setup.clock = Box::new(clock.clone());
    let mut s = Session::start(app, setup);
    run(&mut s, vec![Effect::Open(gloss::app::ArticleId(0))]);
    (s, clock)
}

#[test]
fn a_file_moved_within_the_library_is_followed_not_called_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("library");
    fs::create_dir_all(folder.join("read")).unwrap();
    let old = folder.join("watched.md");
    fs::write(&old, "# Watched\n\nAs first read.\n").unwrap();
    let (mut s, clock) = open_first(dir.path());
    let new = folder.join("read").join("watched.md");
    fs::rename(&old, &new).unwrap();
    clock.advance(WATCH_EVERY);
    assert!(!s.check_file(), "not yet listed where it went");
    // The library's scan (the folder watcher's, or R) lists it there.
    s.app
        .library_found(library::scan(std::slice::from_ref(&folder)).articles, 7);
    s.app.library_scanned(7, true);
    assert_eq!(said(&s), "1 article moved");
    clock.advance(WATCH_EVERY);
    assert!(s.check_file());
    let said = said(&s);
    assert!(
        said.contains("moved to") && said.contains("read/watched.md"),
        "{said}"
    );
    // From then on its new place is the one watched: an edit there is
    // offered for reload.
    fs::write(&new, "# Watched\n\nEdited where it was moved to, longer.\n").unwrap();
    clock.advance(WATCH_EVERY);
    assert!(s.check_file());
    assert_eq!(s.app.question(), Some(&Confirm::Reload));
}

#[test]
fn a_file_saved_by_renaming_over_it_is_a_change_not_a_deletion() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("library");
    fs::create_dir_all(&folder).unwrap();
    let path = folder.join("watched.md");
    fs::write(&path, "# Watched\n\nAs first read.\n").unwrap();
    let (mut s, clock) = open_first(dir.path());
    // An editor writes a new file and renames it over the old one; the
    // check came in between.
    fs::remove_file(&path).unwrap();
    clock.advance(WATCH_EVERY);
    assert!(!s.check_file());
    fs::write(&path, "# Watched\n\nSaved again by the editor, longer.\n").unwrap();
    clock.advance(WATCH_EVERY);
    assert!(s.check_file());
    assert_eq!(s.app.question(), Some(&Confirm::Reload));
    assert!(!said(&s).contains("deleted"), "{}", said(&s));
}
