#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly
//! `cargo run --release` with no library shows the bundled samples; the
//! README says to start with the guided tour, so a first start selects it
//! (Enter opens it) wherever the list's order puts it.

use gloss::app::App;
use gloss::config::Config;
use gloss::keymap::Keymap;
use gloss::library;
use gloss::session::{Session, Setup};

#[test]
fn a_first_start_on_the_samples_selects_the_guided_tour() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = App::new(Config::default(), Keymap::default(), library::samples());
    app.resize(100, 30);
    let s = Session::start(app, Setup::new(&dir.path().join("data"), u64::MAX));
    let selected = s
        .app
        .list
        .selected_article()
        .expect("an article is selected");
    let article = &s.app.list.articles[selected];
    assert!(article.is_tour(), "selected: {}", article.title);
    assert!(
        article.title.starts_with("Welcome to gloss"),
        "{}",
        article.title
    );
}
