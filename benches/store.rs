//! What one change costs in an article with many highlights (issue 12): a
//! 20,000-highlight notes file of about 6 MB, one note edited and saved the
//! way the app saves it (the app applies it to its copy, the store merges
//! and writes, the app takes the result back), and opening that article next
//! to opening the same article with no notes.
//!
//! A save of such a file writes the change to the pending changes beside it
//! and returns (what the user waits for); the session folds them into the
//! notes file in a background job. `save_and_fold_20k_highlights` times
//! both, one after the other, so the work moved off the keystroke is
//! counted too.
//!
//! Such a notes file is read, and its highlights placed, in a background
//! job when the article opens: `open_20k_highlights` times what the user
//! waits for before the first screen (the job runs on after it, untimed,
//! and is waited for between samples so each open starts alike);
//! `open_20k_highlights_placed` times the open until every highlight is
//! placed and drawn.
//!
//! Each open reopens the same article, so it replaces the article opened
//! by the sample before. The session frees the replaced article after the
//! new one's first frame (`Session::frame_drawn`, which the runtime calls
//! after drawing): the timed opens are followed, untimed, by that call and
//! by the end of the open's background work, for the article with notes
//! and the one without alike.
//!
//! Run with `cargo bench --bench store`.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use gloss::annotations::{Anchor, ArticleRecord, Highlight, HighlightId, Op, Store};
use gloss::app::App;
use gloss::config::Config;
use gloss::keymap::Keymap;
use gloss::library;
use gloss::session::{Session, Setup};

/// Highlights in the article.
const HIGHLIGHTS: usize = 20_000;

/// An article of numbered sentences, each distinct, so every highlight has
/// exactly one place.
fn article() -> String {
    let mut text = String::from("# Many highlights\n\n");
    for i in 0..HIGHLIGHTS {
        let _ = write!(
            text,
            "Sentence {i} of the long article says something about topic {}. ",
            i % 97
        );
        if i % 8 == 7 {
            text.push_str("\n\n");
        }
    }
    text
}

/// A data folder whose notes file for `path` holds one highlight per
/// sentence, each with a note of about a hundred characters.
fn notes(data: &Path, path: &Path, canonical: &str) {
    let time = chrono::Utc::now() - chrono::TimeDelta::days(1);
    let highlights: Vec<Op> = (0..HIGHLIGHTS)
        .map(|i| {
            let quote = format!("Sentence {i} of the long article");
            let at = canonical.find(&format!("{quote} says")).unwrap();
            Op::Upsert(Highlight {
                via: None,
                id: HighlightId::generate(),
                created: time,
                updated: time,
                color: if i % 3 == 0 { "blue" } else { "yellow" }.into(),
                tags: vec!["bench".into()],
                note: format!(
                    "A note on sentence {i}, long enough to look like a real one: why it matters."
                ),
                orphaned: false,
                anchor: Anchor::from_range(canonical, at..at + quote.len()),
            })
        })
        .collect();
    let record = ArticleRecord {
        title: "Many highlights".into(),
        path: gloss::annotations::path_to_text(path),
        ..ArticleRecord::default()
    };
    Store::new(data).apply(None, &record, &highlights).unwrap();
}

fn session(root: &Path, data: &Path) -> Session {
    let scan = library::scan(&[root.join("library")]);
    let app = App::new(Config::default(), Keymap::default(), scan);
    Session::start(app, Setup::new(data, u64::MAX))
}

/// Waits for the session's background work (start-up jobs, a fold) to
/// end, so the next benchmark does not share the cores with it.
fn settle(s: &mut Session) {
    while s.jobs_busy() || s.notes_pending() || s.folding_busy() {
        s.collect_jobs();
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    s.collect_jobs();
}

/// `iters` reopens of the article, each timed to its first screen; after
/// each, untimed, what the runtime does after the first frame (the replaced
/// article is freed), then the open's background work (every highlight
/// placed, when `placed`), so each open starts alike.
fn timed_reopens(s: &mut Session, iters: u64, placed: bool) -> std::time::Duration {
    let mut spent = std::time::Duration::ZERO;
    for _ in 0..iters {
        let start = std::time::Instant::now();
        std::hint::black_box(s.open(0));
        spent += start.elapsed();
        s.frame_drawn();
        if placed {
            until_placed(s);
        }
        settle(s);
    }
    spent
}

/// Collects background results until the open article's highlights are
/// placed (they load in the background from a large notes file).
fn until_placed(s: &mut Session) {
    while s.app.reader.as_ref().unwrap().notes.loading.is_some() {
        s.collect_jobs();
        std::thread::sleep(std::time::Duration::from_micros(50));
    }
}

fn bench(c: &mut Criterion) {
    let root = tempfile::tempdir().unwrap();
    let lib = root.path().join("library");
    fs::create_dir_all(&lib).unwrap();
    let path = lib.join("many.md");
    fs::write(&path, article()).unwrap();
    let path = fs::canonicalize(&path).unwrap();
    let with_notes = root.path().join("with-notes");
    let without = root.path().join("without-notes");
    {
        // The canonical text, as the app anchors to it.
        let mut s = session(root.path(), &without);
        s.open(0);
        let reader = s.app.reader.as_mut().unwrap();
        reader.doc.ensure_complete();
        let text = reader.doc.text().to_string();
        notes(&with_notes, &path, &text);
    }
    let size = fs::read_dir(with_notes.join("annotations"))
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".toml"))
        .map(|e| e.metadata().unwrap().len())
        .sum::<u64>();
    eprintln!("notes file: {HIGHLIGHTS} highlights, {size} bytes");

    let mut group = c.benchmark_group("many_highlights");
    group.sample_size(10);
    // Each sample opens in a session started for it, once that session's
    // start-up work in the background is done (criterion calls the closure
    // again for every sample; the work of a session started just before
    // shared the cores with the timed open).
    group.bench_function("open_without_notes", |b| {
        let mut s = session(root.path(), &without);
        settle(&mut s);
        b.iter_custom(|iters| timed_reopens(&mut s, iters, false));
    });
    group.bench_function("open_20k_highlights", |b| {
        let mut s = session(root.path(), &with_notes);
        settle(&mut s);
        b.iter_custom(|iters| timed_reopens(&mut s, iters, true));
        let reader = s.app.reader.as_ref().unwrap();
        assert_eq!(reader.notes.placed.len(), HIGHLIGHTS);
    });
    group.bench_function("open_20k_highlights_placed", |b| {
        let mut s = session(root.path(), &with_notes);
        settle(&mut s);
        b.iter(|| {
            let effects = s.open(0);
            s.frame_drawn();
            until_placed(&mut s);
            effects
        });
        let reader = s.app.reader.as_ref().unwrap();
        assert_eq!(reader.notes.placed.len(), HIGHLIGHTS);
    });
    // The saves are made in one session, started once: a session started
    // per sample left the last one's fold of the pending changes running,
    // which rewrote the notes file under the next session's saves (each
    // then read and wrote the whole file again).
    let mut s = session(root.path(), &with_notes);
    settle(&mut s);
    s.open(0);
    until_placed(&mut s);
    let mut n = 0u64;
    group.bench_function("save_one_note_20k_highlights", |b| {
        b.iter(|| {
            n += 1;
            let reader = s.app.reader.as_mut().unwrap();
            let mut h = reader.notes.highlights[(n as usize * 7919) % HIGHLIGHTS].clone();
            h.note = format!("Edited note {n}");
            h.updated = chrono::Utc::now();
            let ops = vec![Op::Upsert(h)];
            // The app's copy first, as `App::save` does, then the store.
            reader.notes.apply_ops(&ops, reader.doc.text());
            s.save(0, ops);
        });
    });
    settle(&mut s);
    drop(s);
    group.bench_function("save_and_fold_20k_highlights", |b| {
        let store =
            Store::new(&with_notes).pending_changes_above(gloss::annotations::PENDING_FROM_BYTES);
        let found = store.find(&path, "").unwrap().unwrap();
        let record = found.content.article.clone();
        let mut highlights = found.content.highlights;
        let mut n = 0u64;
        b.iter(|| {
            n += 1;
            let h = &mut highlights[(n as usize * 7919) % HIGHLIGHTS];
            h.note = format!("Edited and folded note {n}");
            h.updated = chrono::Utc::now();
            store
                .apply(Some(&found.file), &record, &[Op::Upsert(h.clone())])
                .unwrap();
            if let Some(fold) = store.fold_due() {
                assert!(fold.run().unwrap());
            }
        });
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
