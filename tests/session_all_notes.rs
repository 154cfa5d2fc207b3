//! The all-notes view over a real store (no terminal): highlights made with
//! the keys in two articles are listed by `A` (loaded off the event loop's
//! thread, with this session's saves in), a tag rename is written to both
//! notes files and undone in one step, and Enter opens the article with the
//! cursor on the highlight.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crossterm::event::KeyEvent;
use gloss::annotations::{AnnotationFile, Store};
use gloss::app::{App, Effect, Mode};
use gloss::config::Config;
use gloss::keymap::{KeySpec, Keymap};
use gloss::library;
use gloss::session::{Outcome, Session, Setup};

const FIRST: &str = "# A First\n\nThe first wind is a breeze. It cools the hill.\n";
const SECOND: &str = "# B Second\n\nCalm at first. The second sentence is the warm one.\n";

struct World {
    _dir: tempfile::TempDir,
    data: PathBuf,
}

fn start() -> (World, Session) {
    start_with(Config::default())
}

fn start_with(config: Config) -> (World, Session) {
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("lib");
    fs::create_dir(&lib).unwrap();
    fs::write(lib.join("a-first.md"), FIRST).unwrap();
    fs::write(lib.join("b-second.md"), SECOND).unwrap();
    let data = dir.path().join("data");
    let scan = library::scan(&[lib]);
    let mut app = App::new(config, Keymap::default(), scan);
    app.resize(100, 30);
    let session = Session::start(app, Setup::new(&data, u64::MAX));
    (World { _dir: dir, data }, session)
}

fn run(session: &mut Session, effects: Vec<Effect>) {
    for effect in effects {
        match session.carry_out(effect) {
            Outcome::Done(more) => run(session, more),
            Outcome::NeedsTerminal(e) => panic!("unexpected terminal effect {e:?}"),
        }
    }
}

/// Presses keys written as in the config ("s enter", "ctrl-s").
fn keys(session: &mut Session, keys: &str) {
    for token in keys.split_whitespace() {
        let spec: KeySpec = token.parse().unwrap();
        let effects = session
            .app
            .on_key(KeyEvent::new(spec.code(), spec.modifiers()));
        run(session, effects);
    }
}

fn type_text(session: &mut Session, text: &str) {
    for c in text.chars() {
        let effects = session
            .app
            .on_key(KeyEvent::from(crossterm::event::KeyCode::Char(c)));
        run(session, effects);
    }
}

/// Waits for the background load the view asked for (a bounded number of
/// looks; no time is asserted).
fn wait_loaded(session: &mut Session) {
    for _ in 0..2000 {
        session.collect_jobs();
        if session.app.all_notes().is_some_and(|v| !v.loading) {
            return;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    panic!("the notes never loaded");
}

/// Every notes file of the data folder, by article path.
fn files(data: &Path) -> Vec<AnnotationFile> {
    let store = Store::new(data);
    let mut out: Vec<AnnotationFile> = store
        .index()
        .unwrap()
        .entries
        .iter()
        .map(|e| store.read(&e.file).unwrap())
        .collect();
    out.sort_by(|a, b| a.article.path.cmp(&b.article.path));
    out
}

/// Highlights the first sentence of article one and the second of article
/// two, each with a note tagging it `#weather` (in two spellings).
fn two_notes(session: &mut Session) {
    keys(session, "enter } s enter");
    type_text(session, "cool #weather");
    keys(session, "ctrl-s esc j enter } ) s enter");
    type_text(session, "warm #Weather");
    keys(session, "ctrl-s");
}

#[test]
fn a_tag_renamed_in_the_view_is_renamed_in_both_files_and_undone_together() {
    let (world, mut session) = start();
    two_notes(&mut session);
    keys(&mut session, "A");
    wait_loaded(&mut session);
    let view = session.app.all_notes().unwrap();
    assert_eq!(view.notes.notes.len(), 2, "this session's saves are listed");
    assert_eq!(view.tag_counts(), [("weather".to_string(), 2)]);

    keys(&mut session, "# r ctrl-u");
    type_text(&mut session, "climate");
    keys(&mut session, "enter");
    let on_disk = files(&world.data);
    assert_eq!(on_disk.len(), 2);
    for file in &on_disk {
        let h = &file.highlights[0];
        assert_eq!(h.tags, ["climate"], "{}", file.article.path);
        assert!(h.note.ends_with("#climate"), "{:?}", h.note);
    }
    // The open article (the second) shows the new tag too.
    let reader = session.app.reader.as_ref().unwrap();
    assert_eq!(reader.notes.highlights[0].tags, ["climate"]);

    keys(&mut session, "esc u");
    let on_disk = files(&world.data);
    assert_eq!(on_disk[0].highlights[0].note, "cool #weather");
    assert_eq!(on_disk[1].highlights[0].note, "warm #Weather");
    assert_eq!(on_disk[1].highlights[0].tags, ["Weather"]);
}

/// Waits for the session's background work (the mirror) to end.
fn settle(session: &mut Session) {
    for _ in 0..4000 {
        session.collect_jobs();
        if !session.jobs_busy() {
            session.collect_jobs();
            return;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    panic!("the background work never ended");
}

/// The text of each Markdown file in `vault`, by name.
fn vault(vault: &Path) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = fs::read_dir(vault)
        .unwrap()
        .flatten()
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                fs::read_to_string(e.path()).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn changes_in_the_view_reach_the_mirror_folder() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("vault");
    let mut config = Config::default();
    config.export.mirror = folder.clone();
    let (_world, mut session) = start_with(config);
    two_notes(&mut session);
    settle(&mut session);
    let files = vault(&folder);
    assert_eq!(files.len(), 2, "{files:?}");
    assert!(
        files[0].1.contains("#weather #highlight/yellow"),
        "{files:?}"
    );
    assert!(
        files[1].1.contains("#Weather #highlight/yellow"),
        "{files:?}"
    );

    // A tag renamed in the view: both articles' files.
    keys(&mut session, "A");
    wait_loaded(&mut session);
    keys(&mut session, "# r ctrl-u");
    type_text(&mut session, "climate");
    keys(&mut session, "enter");
    settle(&mut session);
    let files = vault(&folder);
    assert_eq!(files.len(), 2, "no file twice: {files:?}");
    for (name, text) in &files {
        // The front matter is written once, when the file is made; the
        // block gloss manages follows the notes.
        let block = text.split("<!-- gloss:begin").nth(1).unwrap();
        assert!(
            block.contains("#climate #highlight/yellow"),
            "{name}: {text}"
        );
        assert!(!block.to_lowercase().contains("weather"), "{name}: {text}");
    }

    // A colour changed in the view: that article's file only.
    keys(&mut session, "esc");
    let before = vault(&folder);
    keys(&mut session, "2");
    settle(&mut session);
    let after = vault(&folder);
    let changed: Vec<&String> = after
        .iter()
        .zip(&before)
        .filter(|(a, b)| a != b)
        .map(|(a, _)| &a.0)
        .collect();
    assert_eq!(changed.len(), 1, "{after:?}");
    assert!(
        after
            .iter()
            .any(|(_, t)| t.contains("#climate #highlight/green")),
        "{after:?}"
    );
}

#[test]
fn enter_opens_the_other_article_at_the_highlight() {
    let (_world, mut session) = start();
    two_notes(&mut session);
    // Back to the first article, so Enter must open the second.
    keys(&mut session, "esc k enter A");
    assert_eq!(session.app.reader.as_ref().unwrap().article.0, 0);
    wait_loaded(&mut session);
    keys(&mut session, "/");
    type_text(&mut session, "in:b-second");
    keys(&mut session, "enter enter");
    assert!(matches!(session.app.mode, Mode::Browse));
    let reader = session.app.reader.as_ref().unwrap();
    assert_eq!(reader.article.0, 1);
    let at = reader.doc.text().find("The second").unwrap();
    assert_eq!(reader.cursor, at, "the cursor is on the highlight");
}

#[test]
fn deleting_in_the_view_removes_it_from_the_file_and_u_restores_it() {
    let (world, mut session) = start();
    two_notes(&mut session);
    keys(&mut session, "A");
    wait_loaded(&mut session);
    keys(&mut session, "/");
    type_text(&mut session, "cool");
    keys(&mut session, "enter d y");
    assert!(files(&world.data)[0].highlights.is_empty());
    keys(&mut session, "u");
    assert_eq!(files(&world.data)[0].highlights[0].note, "cool #weather");
}
