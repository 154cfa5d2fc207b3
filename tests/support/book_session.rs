//! A session as the runtime makes one, for tests of opening a book (or
//! any article) through the session: the effects an open returns are
//! carried out, with what they lead to, as the event loop would.
#![allow(dead_code)] // each test file uses what it needs

use std::path::Path;

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

/// A 100x30 session over `book` alone, its data under `dir/data`, with the
/// book opened.
pub fn start(dir: &Path, book: &Path) -> Session {
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
