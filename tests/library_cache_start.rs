#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly
//! A second start of a large library lists the articles the metadata cache
//! knows at once, before the background scan has looked at one file again;
//! the scan then corrects what changed while gloss was closed (a new title,
//! a removed file, a new file). A library search is not run again (its
//! results are not wiped) when a scan's end brings no change, and is when
//! it brings articles.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use gloss::app::library_search::State;
use gloss::app::{App, ArticleId, Effect, Mode, Msg};
use gloss::config::Config;
use gloss::keymap::{Action, Keymap};
use gloss::library::Scan;
use gloss::session::{Outcome, Session, Setup};

const ARTICLES: usize = 2000;

fn write(dir: &Path, i: usize, title: &str) -> PathBuf {
    let path = dir.join(format!("note-{i:05}.md"));
    fs::write(&path, format!("# {title}\n\nA heliotrope in {title}.\n")).unwrap();
    path
}

fn session(data: &Path, cache: &Path) -> Session {
    let mut app = App::new(Config::default(), Keymap::default(), Scan::default());
    app.resize(100, 30);
    let mut setup = Setup::new(data, u64::MAX);
    setup.cache_dir = Some(cache.to_path_buf());
    Session::start(app, setup)
}

fn run(session: &mut Session, effects: Vec<Effect>) {
    for effect in effects {
        if let Outcome::Done(more) = session.carry_out(effect) {
            run(session, more);
        }
    }
}

/// Collects background work until `done` holds (a generous deadline only
/// guards against hanging).
fn until(s: &mut Session, what: &str, done: impl Fn(&Session) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !done(s) {
        assert!(Instant::now() < deadline, "never: {what}");
        s.collect_jobs();
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn titles(s: &Session) -> Vec<String> {
    s.app
        .list
        .articles
        .iter()
        .map(|a| a.title.clone())
        .collect()
}

fn id_of(s: &Session, title: &str) -> ArticleId {
    ArticleId(
        s.app
            .list
            .articles
            .iter()
            .position(|a| a.title == title)
            .unwrap_or_else(|| panic!("{title} is not listed")),
    )
}

/// A library of [`ARTICLES`] notes, read once so the cache knows them.
fn known_library(home: &Path) -> PathBuf {
    let lib = home.join("lib");
    fs::create_dir_all(&lib).unwrap();
    for i in 0..ARTICLES {
        write(&lib, i, &format!("Note {i}"));
    }
    let mut s = session(&home.join("data"), &home.join("cache"));
    s.scan_library(vec![lib.clone()], u64::MAX, Some(&home.join("cache")));
    until(&mut s, "the first scan ends", |s| !s.scanning());
    assert_eq!(s.app.list.count(), ARTICLES);
    let _ = s.finish();
    lib
}

#[test]
fn a_second_start_lists_every_cached_article_at_once_then_corrects_what_changed() {
    let home = tempfile::tempdir().unwrap();
    let lib = known_library(home.path());
    // While gloss was closed: one article retitled, one removed, one added.
    write(&lib, 5, "Note five, retitled");
    fs::remove_file(lib.join("note-00007.md")).unwrap();
    write(&lib, ARTICLES, "A new note");

    let cache = home.path().join("cache");
    let mut s = session(&home.path().join("data"), &cache);
    s.scan_library(vec![lib.clone()], u64::MAX, Some(&cache));
    s.wait_first_batch(Duration::from_secs(30));
    // The first frame: a screenful from the cache, the removed article
    // among them, whatever the scan has looked at so far.
    let first = titles(&s);
    for i in (0..30).filter(|&i| i != 5) {
        assert!(first.contains(&format!("Note {i}")), "Note {i} missing");
    }
    // Then the rest of the cache, before the walk brings anything new.
    until(&mut s, "every cached article is listed", |s| {
        s.app.list.articles.len() >= ARTICLES
    });

    until(&mut s, "the scan ends", |s| !s.scanning());
    // Corrected in place: the new title, the removed file gone, the new
    // one listed, and the count right.
    let all = titles(&s);
    assert!(all.contains(&"Note five, retitled".to_string()));
    assert!(
        !all.contains(&"Note 5".to_string()),
        "a stale title was kept"
    );
    assert!(s.app.list.is_gone(id_of(&s, "Note 7")));
    assert!(!s.app.list.is_gone(id_of(&s, "A new note")));
    assert_eq!(s.app.list.count(), ARTICLES);
    assert_eq!(s.app.list.visible.len(), ARTICLES);
    let counts = s.scan_counts().unwrap();
    assert_eq!((counts.read, counts.cached), (2, ARTICLES - 2));
    let _ = s.finish();
}

/// Opens `F` and types `query`.
fn search(s: &mut Session, query: &str) {
    let effects = s.app.update(Action::LibrarySearch);
    run(s, effects);
    for c in query.chars() {
        let effects = s.app.update(Msg::Type(c));
        run(s, effects);
    }
}

/// Closes the search, reads the library again (`R`), and opens the search
/// again once the scan is over.
fn rescan(s: &mut Session) {
    for action in [Action::Back, Action::Rescan] {
        let effects = s.app.update(action);
        run(s, effects);
    }
    until(s, "the rescan ends", |s| !s.scanning());
    let effects = s.app.update(Action::LibrarySearch);
    run(s, effects);
}

fn search_state(s: &Session) -> (u64, usize, State) {
    match &s.app.mode {
        Mode::LibrarySearch(search) => (
            search.generation,
            search.results.len(),
            search.state.clone(),
        ),
        other => panic!("not searching: {other:?}"),
    }
}

#[test]
fn a_search_keeps_its_results_when_the_scan_ends_with_nothing_new_and_runs_again_when_it_brings_articles()
 {
    let home = tempfile::tempdir().unwrap();
    let lib = known_library(home.path());
    let cache = home.path().join("cache");
    let mut s = session(&home.path().join("data"), &cache);
    s.scan_library(vec![lib.clone()], u64::MAX, Some(&cache));
    until(&mut s, "the scan ends", |s| !s.scanning());
    search(&mut s, "heliotrope");
    let (generation, _, _) = search_state(&s);
    until(&mut s, "the search ends", |s| {
        matches!(search_state(s).2, State::Done(_))
    });
    assert_eq!(
        search_state(&s),
        (generation, ARTICLES, State::Done(ARTICLES))
    );
    // Read again with nothing changed: the results stay as they are.
    rescan(&mut s);
    let (after, found, _) = search_state(&s);
    assert_eq!(after, generation, "the search was started over");
    assert_eq!(found, ARTICLES);

    // A file added: the next scan brings it, and the search covers it.
    write(&lib, ARTICLES, "A new note");
    rescan(&mut s);
    until(&mut s, "the search ends again", |s| {
        matches!(search_state(s).2, State::Done(_))
    });
    let (again, found, _) = search_state(&s);
    assert!(again > generation, "the search did not run again");
    assert_eq!(found, ARTICLES + 1);
    let _ = s.finish();
}
