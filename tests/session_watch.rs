//! The open article's file is watched on the session's clock: a rewrite is
//! offered for reload and a deletion is said, each only once the check
//! interval has passed (a clock set by hand, no sleeping).
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly

use std::fs;

use gloss::app::{App, Confirm, Effect};
use gloss::config::Config;
use gloss::keymap::Keymap;
use gloss::library;
use gloss::session::{ManualClock, Outcome, Session, Setup, WATCH_EVERY};

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
    assert!(s.check_file());
    let said = s
        .app
        .message
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default();
    assert!(said.contains("deleted"), "{said}");
    assert!(s.app.reader.is_some(), "the text stays open");
}
