#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly
//! A background scan of the library brings each article's figures with it
//! (highlight counts from the notes store, found by path, or by fingerprint
//! for an article that moved into the library), worked out on the scan's
//! thread; the article read last is selected when it arrives; the
//! fingerprints it hashed are remembered for the next start.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use gloss::app::{App, ArticleId, Effect};
use gloss::config::Config;
use gloss::keymap::{Action, Keymap};
use gloss::library::{self, Scan};
use gloss::session::{Outcome, Session, Setup};

fn run(session: &mut Session, effects: Vec<Effect>) {
    for effect in effects {
        if let Outcome::Done(more) = session.carry_out(effect) {
            run(session, more);
        }
    }
}

/// Highlights the first sentence of the only article of `file` and reads a
/// page of it (a reading position is saved).
fn annotate(file: &Path, data: &Path) {
    let mut app = App::new(
        Config::default(),
        Keymap::default(),
        library::scan(&[file.to_path_buf()]),
    );
    app.resize(100, 30);
    let mut s = Session::start(app, Setup::new(data, u64::MAX));
    run(&mut s, vec![Effect::Open(ArticleId(0))]);
    let mut effects = s.app.update(Action::SentenceNext);
    effects.extend(s.app.update(Action::SelectSentence));
    effects.extend(s.app.update(Action::Highlight));
    effects.extend(s.app.update(Action::PageDown));
    run(&mut s, effects);
    s.flush_position();
    let _ = s.finish();
}

/// A session whose list fills from a background scan of `library`; waits
/// (without any limit on how long it may take, bar a generous deadline
/// against hanging) until the scan is over.
fn scanned(library: &Path, data: &Path, cache: &Path) -> Session {
    let mut app = App::new(Config::default(), Keymap::default(), Scan::default());
    app.resize(100, 30);
    let mut setup = Setup::new(data, u64::MAX);
    setup.cache_dir = Some(cache.to_path_buf());
    let mut s = Session::start(app, setup);
    s.scan_library(vec![library.to_path_buf()], u64::MAX, Some(cache));
    let deadline = Instant::now() + Duration::from_secs(60);
    while s.scanning() {
        assert!(Instant::now() < deadline, "the scan never ended");
        s.collect_jobs();
        std::thread::sleep(Duration::from_millis(5));
    }
    s
}

fn id_of(s: &Session, name: &str) -> ArticleId {
    ArticleId(
        s.app
            .list
            .articles
            .iter()
            .position(|a| a.source.file_name() == name)
            .unwrap(),
    )
}

fn highlights(s: &Session, name: &str) -> usize {
    s.app
        .figures
        .get(id_of(s, name))
        .map_or(0, |f| f.highlights)
}

fn write(dir: &Path, name: &str, title: &str) -> PathBuf {
    let path = dir.join(name);
    let body = "A sentence that fills the page a little more. ".repeat(40);
    fs::write(
        &path,
        format!("# {title}\n\nFirst sentence of {title}. {body}\n"),
    )
    .unwrap();
    path
}

#[test]
fn a_background_scan_brings_figures_and_selects_the_article_read_last() {
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("library");
    let data = dir.path().join("data");
    let cache = dir.path().join("cache");
    fs::create_dir_all(&lib).unwrap();
    for (name, title) in [("a.md", "Alpha"), ("b.md", "Beta"), ("c.md", "Gamma")] {
        write(&lib, name, title);
    }
    // An article read elsewhere, which then moves into the library.
    let away = write(dir.path(), "away.md", "Delta");
    annotate(&lib.join("b.md"), &data);
    annotate(&away, &data);
    fs::rename(&away, lib.join("d.md")).unwrap();
    annotate(&lib.join("c.md"), &data); // read last

    let s = scanned(&lib, &data, &cache);
    assert_eq!(s.app.list.articles.len(), 4);
    assert_eq!(highlights(&s, "a.md"), 0);
    assert_eq!(highlights(&s, "b.md"), 1);
    assert_eq!(
        highlights(&s, "d.md"),
        1,
        "the moved article, by fingerprint"
    );
    assert_eq!(
        s.app.list.selected_article(),
        Some(id_of(&s, "c.md").0),
        "the article read last is selected"
    );
    assert_eq!(
        s.app.list.visible.len(),
        4,
        "the list is in order at the end"
    );
    drop(s);
    // The scan's thread kept what it hashed for the next start.
    let cached = fs::read_to_string(cache.join("fingerprints.toml")).unwrap();
    assert!(cached.contains("d.md"), "{cached}");
}

#[test]
fn when_the_article_read_last_is_gone_the_list_keeps_its_first_row() {
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("library");
    let data = dir.path().join("data");
    let cache = dir.path().join("cache");
    fs::create_dir_all(&lib).unwrap();
    write(&lib, "a.md", "Alpha");
    write(&lib, "b.md", "Beta");
    annotate(&lib.join("b.md"), &data);
    fs::remove_file(lib.join("b.md")).unwrap();
    let s = scanned(&lib, &data, &cache);
    assert_eq!(s.app.list.articles.len(), 1);
    assert_eq!(s.app.list.selected, 0);
}
