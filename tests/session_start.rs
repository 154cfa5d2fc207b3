//! Starting gloss never re-reads and re-hashes every article: when a notes
//! file's recorded article has vanished, the start looks for it among the
//! library's articles by fingerprint, and those fingerprints come from the
//! cache for every file whose length and modification time are unchanged.
//! Reads are counted through the session's article-reader seam.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use gloss::app::{App, Effect};
use gloss::config::Config;
use gloss::keymap::{Action, Keymap};
use gloss::library::{self, Loaded, Source};
use gloss::session::{FromDisk, Outcome, ReadArticle, Session, Setup};

/// Reads from the disk and counts the reads.
struct Counting(Arc<AtomicUsize>);

impl ReadArticle for Counting {
    fn load(&self, source: &Source) -> Result<Loaded, String> {
        self.0.fetch_add(1, Ordering::SeqCst);
        FromDisk { max_size: u64::MAX }.load(source)
    }
}

fn start(paths: &[PathBuf], data: &Path, cache: Option<&Path>) -> (Session, usize) {
    let reads = Arc::new(AtomicUsize::new(0));
    let mut app = App::new(Config::default(), Keymap::default(), library::scan(paths));
    app.resize(100, 30);
    let mut setup = Setup::new(data, u64::MAX);
    setup.cache_dir = cache.map(Path::to_path_buf);
    setup.reader = Box::new(Counting(Arc::clone(&reads)));
    let session = Session::start(app, setup);
    let count = reads.load(Ordering::SeqCst);
    (session, count)
}

fn run(session: &mut Session, effects: Vec<Effect>) {
    for effect in effects {
        if let Outcome::Done(more) = session.carry_out(effect) {
            run(session, more);
        }
    }
}

#[test]
fn a_second_start_reads_no_unchanged_article() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let cache = dir.path().join("cache");
    let lib = dir.path().join("library");
    fs::create_dir_all(&lib).unwrap();
    let old_place = dir.path().join("moved-away.md");
    fs::write(
        &old_place,
        "# Moved\n\nThis article will move into the library.\n",
    )
    .unwrap();
    fs::write(lib.join("other.md"), "# Other\n\nNothing to do with it.\n").unwrap();
    fs::write(lib.join("third.md"), "# Third\n\nStill nothing.\n").unwrap();

    // Notes for an article, which then moves into the library.
    let (mut s, _) = start(std::slice::from_ref(&old_place), &data, None);
    run(&mut s, vec![Effect::Open(gloss::app::ArticleId(0))]);
    let mut effects = s.app.update(Action::SentenceNext);
    effects.extend(s.app.update(Action::SelectSentence));
    effects.extend(s.app.update(Action::Highlight));
    run(&mut s, effects);
    let _ = s.finish();
    drop(s);
    fs::rename(&old_place, lib.join("moved.md")).unwrap();
    let library = [lib.clone()];

    // The first start hashes the unmatched articles and finds the moved one.
    let (s, first) = start(&library, &data, Some(&cache));
    assert_eq!(first, 3, "every unmatched article is read once");
    let moved = s
        .app
        .list
        .articles
        .iter()
        .position(|a| a.source.file_name() == "moved.md")
        .unwrap();
    assert_eq!(
        s.app
            .figures
            .get(gloss::app::ArticleId(moved))
            .map_or(0, |f| f.highlights),
        1
    );
    drop(s);

    // The second reads nothing and still finds it.
    let (s, second) = start(&library, &data, Some(&cache));
    assert_eq!(second, 0, "an unchanged article is not read again");
    assert_eq!(
        s.app
            .figures
            .get(gloss::app::ArticleId(moved))
            .map_or(0, |f| f.highlights),
        1
    );
    drop(s);

    // A changed article is read again, and only that one.
    fs::write(
        lib.join("third.md"),
        "# Third\n\nChanged, and longer now.\n",
    )
    .unwrap();
    let (_, third) = start(&library, &data, Some(&cache));
    assert_eq!(third, 1);

    // A damaged cache only costs the hashing again.
    for entry in fs::read_dir(&cache).unwrap() {
        fs::write(entry.unwrap().path(), "\u{0}garbage[[").unwrap();
    }
    let (s, after) = start(&library, &data, Some(&cache));
    assert_eq!(after, 3);
    assert_eq!(
        s.app
            .figures
            .get(gloss::app::ArticleId(moved))
            .map_or(0, |f| f.highlights),
        1
    );
}

#[test]
fn an_opened_article_is_hashed_in_the_background_and_remembered() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let cache = dir.path().join("cache");
    let article = dir.path().join("article.md");
    let text = "# Hashed\n\nAn article with notes. Found by its path.\n";
    fs::write(&article, text).unwrap();
    let expected = gloss::annotations::fingerprint(text);
    let one = std::slice::from_ref(&article);

    // Notes for it, so the next open finds them by path without hashing.
    let (mut s, _) = start(one, &data, None);
    run(&mut s, vec![Effect::Open(gloss::app::ArticleId(0))]);
    let mut effects = s.app.update(Action::SentenceNext);
    effects.extend(s.app.update(Action::SelectSentence));
    effects.extend(s.app.update(Action::Highlight));
    run(&mut s, effects);
    let _ = s.finish();
    drop(s);

    let (mut s, _) = start(one, &data, Some(&cache));
    run(&mut s, vec![Effect::Open(gloss::app::ArticleId(0))]);
    // The job reports back (other jobs, such as counting the review, may
    // report first); wait generously only so a broken job cannot hang.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let hashed = |s: &gloss::session::Session| {
        s.app
            .reader
            .as_ref()
            .is_some_and(|r| !r.notes.record.fingerprint.is_empty())
    };
    while !hashed(&s) && std::time::Instant::now() < deadline {
        s.collect_jobs();
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    assert!(hashed(&s), "the hashing job never reported");
    let reader = s.app.reader.as_ref().unwrap();
    assert_eq!(reader.notes.record.fingerprint, expected);
    let _ = s.finish();
    drop(s);

    // The next run knows it from the cache as soon as the article opens.
    let (mut s, _) = start(one, &data, Some(&cache));
    run(&mut s, vec![Effect::Open(gloss::app::ArticleId(0))]);
    assert_eq!(
        s.app.reader.as_ref().unwrap().notes.record.fingerprint,
        expected
    );
    assert!(!s.hashing_busy(), "a cached article is not hashed again");
}

#[test]
fn a_fingerprint_computed_for_the_text_before_a_reload_is_not_taken_for_the_new_one() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let article = dir.path().join("article.md");
    fs::write(&article, "# Before\n\nThe text as it was. Long enough.\n").unwrap();
    let one = std::slice::from_ref(&article);
    let (mut s, _) = start(one, &data, None);
    run(&mut s, vec![Effect::Open(gloss::app::ArticleId(0))]);
    let mut effects = s.app.update(Action::SentenceNext);
    effects.extend(s.app.update(Action::SelectSentence));
    effects.extend(s.app.update(Action::Highlight));
    run(&mut s, effects);
    let _ = s.finish();
    drop(s);

    let wait_idle = |s: &Session| {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while s.jobs_busy() && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    };
    let (mut s, _) = start(one, &data, None);
    run(&mut s, vec![Effect::Open(gloss::app::ArticleId(0))]); // hashed in the background
    wait_idle(&s);
    let after = "# After\n\nThe text rewritten by an editor meanwhile.\n";
    fs::write(&article, after).unwrap();
    run(&mut s, vec![Effect::Open(gloss::app::ArticleId(0))]); // the reload
    s.collect_jobs(); // may hold the result for the old text
    wait_idle(&s);
    s.collect_jobs();
    assert_eq!(
        s.app.reader.as_ref().unwrap().notes.record.fingerprint,
        gloss::annotations::fingerprint(after)
    );
}
