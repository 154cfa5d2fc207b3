#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly
//! An article listed, then moved or deleted before it is opened (the list of
//! a start comes from the last run's cache until the folder is read again):
//! Enter says so in words, and names the key that reads the folder again,
//! instead of a bare "no such file".

use std::fs;

use gloss::app::App;
use gloss::config::Config;
use gloss::keymap::Keymap;
use gloss::library;
use gloss::session::{Session, Setup};

#[test]
fn an_article_deleted_after_it_was_listed_is_said_to_be_gone_with_the_rescan_key() {
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("library");
    fs::create_dir(&lib).unwrap();
    fs::write(lib.join("gone.md"), "# Gone soon\n\nA short article.\n").unwrap();
    let scan = library::scan(std::slice::from_ref(&lib));
    let app = App::new(Config::default(), Keymap::default(), scan);
    let mut s = Session::start(app, Setup::new(&dir.path().join("data"), u64::MAX));
    fs::remove_file(lib.join("gone.md")).unwrap();

    let _effects = s.open(0);

    assert!(s.app.reader.is_none(), "nothing was opened");
    let message = s.app.message.clone().expect("a message");
    assert!(message.error, "{message:?}");
    assert!(
        message
            .text
            .starts_with("gone.md is no longer there (moved or deleted since it was listed)"),
        "{}",
        message.text
    );
    assert!(
        message.text.ends_with(": R reads the folders again"),
        "{}",
        message.text
    );
}
