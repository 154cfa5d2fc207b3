#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly
//! A start shows the list's reading figures from the notes summaries the
//! last run kept, without looking at every notes file first; those files
//! are looked at in the background, and what changed while gloss was
//! closed (a notes file synced from another machine, one removed by hand)
//! then shows in the list.

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use gloss::app::{App, ArticleId};
use gloss::config::Config;
use gloss::keymap::Keymap;
use gloss::library::Scan;
use gloss::session::{Session, Setup};

/// Writes a notes file for the article at `article` (read to `progress`),
/// beside and renamed into place as gloss and sync tools write.
fn notes(data: &Path, name: &str, article: &Path, title: &str, progress: f64) {
    let dir = data.join("annotations");
    fs::create_dir_all(&dir).unwrap();
    let temp = dir.join(format!("{name}.new"));
    let path = article.to_str().unwrap().replace('\\', "\\\\");
    fs::write(
        &temp,
        format!(
            "version = 2\n\n[article]\ntitle = \"{title}\"\npath = \"{path}\"\n\n\
             [position]\noffset = 0\nquote = \"\"\nprogress = {progress}\n\
             updated = \"2026-11-01T10:00:00Z\"\n"
        ),
    )
    .unwrap();
    fs::rename(temp, dir.join(name)).unwrap();
}

fn start(data: &Path, cache: &Path, lib: &Path) -> Session {
    let mut app = App::new(Config::default(), Keymap::default(), Scan::default());
    app.resize(100, 30);
    let mut setup = Setup::new(data, u64::MAX);
    setup.cache_dir = Some(cache.to_path_buf());
    setup.store.keep_summaries_in(cache);
    let mut s = Session::start(app, setup);
    s.scan_library(vec![lib.to_path_buf()], u64::MAX, Some(cache));
    s
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

/// The progress the list shows for the article titled `title`.
fn progress(s: &Session, title: &str) -> Option<f64> {
    let i = s.app.list.articles.iter().position(|a| a.title == title)?;
    s.app.figures.get(ArticleId(i)).and_then(|f| f.progress)
}

#[test]
fn notes_changed_while_gloss_was_closed_show_once_the_kept_summaries_are_checked() {
    let home = tempfile::tempdir().unwrap();
    let (data, cache, lib) = (
        home.path().join("data"),
        home.path().join("cache"),
        home.path().join("lib"),
    );
    fs::create_dir_all(&lib).unwrap();
    for name in ["Alder", "Birch", "Cedar"] {
        let file = lib.join(format!("{}.md", name.to_lowercase()));
        fs::write(&file, format!("# {name}\n\nAbout the {name} tree.\n")).unwrap();
    }
    notes(&data, "alder.toml", &lib.join("alder.md"), "Alder", 0.25);
    notes(&data, "birch.toml", &lib.join("birch.md"), "Birch", 0.5);

    // The first run reads every notes file and keeps their summaries.
    let mut first = start(&data, &cache, &lib);
    until(&mut first, "the first scan ends", |s| !s.scanning());
    assert_eq!(progress(&first, "Alder"), Some(0.25));
    assert_eq!(progress(&first, "Birch"), Some(0.5));
    let _ = first.finish();
    assert!(cache.join("notes-index.json").is_file());

    // While gloss was closed: Alder read further on another machine and
    // synced, Birch's notes removed, Cedar's written.
    notes(&data, "alder.toml", &lib.join("alder.md"), "Alder", 0.75);
    fs::remove_file(data.join("annotations/birch.toml")).unwrap();
    notes(&data, "cedar.toml", &lib.join("cedar.md"), "Cedar", 1.0);

    let mut next = start(&data, &cache, &lib);
    until(&mut next, "every change shows", |s| {
        !s.scanning()
            && progress(s, "Alder") == Some(0.75)
            && progress(s, "Birch").is_none()
            && progress(s, "Cedar") == Some(1.0)
    });
    let _ = next.finish();

    // The summaries kept for the run after are the checked ones.
    let mut third = start(&data, &cache, &lib);
    until(&mut third, "the scan ends", |s| !s.scanning());
    assert_eq!(progress(&third, "Alder"), Some(0.75));
    assert_eq!(progress(&third, "Birch"), None);
    assert_eq!(progress(&third, "Cedar"), Some(1.0));
    let _ = third.finish();
}
