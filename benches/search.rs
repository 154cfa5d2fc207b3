//! A full-text query over a generated library of 10,000 articles of about
//! 5 KB each (seeded, so every run searches the same text): the command
//! line's walk of the folders, and the app's search of its list plus the
//! notes store. `rg -c` on the same files is the yardstick; the timing
//! example (`examples/timing_search.rs`) measures that side by side.
//!
//! Run with `cargo bench --bench search`.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly

#[path = "common/search_library.rs"]
mod search_library;

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use criterion::{Criterion, criterion_group, criterion_main};
use gloss::search::{self, NoteTargets, Options, Progress, Query, Target};

const ARTICLES: usize = 10_000;

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let library = dir.path().join("library");
    search_library::write(&library, ARTICLES);
    let data = dir.path().join("data");
    let query = Query::new(search_library::RARE, Options::default()).unwrap();
    let roots = vec![library.clone()];
    let threads = search::threads();

    let mut group = c.benchmark_group("search");
    group.sample_size(10);
    group.bench_function("walk 10,000 articles (gloss search)", |b| {
        b.iter(|| {
            let matches = AtomicUsize::new(0);
            search::walk(&roots, &query, threads, &|_, hits| {
                matches.fetch_add(hits.count, Ordering::Relaxed);
            });
            assert_eq!(matches.into_inner(), ARTICLES / 100);
        });
    });
    let mut files: Vec<PathBuf> = Vec::new();
    for entry in walk_files(&library) {
        files.push(entry);
    }
    files.sort();
    let targets: Vec<Target> = files
        .into_iter()
        .enumerate()
        .map(|(i, p)| Target::File(i, p))
        .collect();
    let notes = NoteTargets::for_list(&data, &targets);
    group.bench_function("list of 10,000 articles and notes (F)", |b| {
        b.iter(|| {
            let matches = AtomicUsize::new(0);
            search::run(
                &targets,
                &query,
                threads,
                &AtomicBool::new(false),
                &Progress::default(),
                Some(&notes),
                &|hits| {
                    matches.fetch_add(hits.count, Ordering::Relaxed);
                },
            );
            assert_eq!(matches.into_inner(), ARTICLES / 100);
        });
    });
    let folded = Query::new(
        "cafe",
        Options {
            fold_accents: true,
            ..Options::default()
        },
    )
    .unwrap();
    group.bench_function(
        "list of 10,000 articles, accents folded (common word)",
        |b| {
            b.iter(|| {
                search::run(
                    &targets,
                    &folded,
                    threads,
                    &AtomicBool::new(false),
                    &Progress::default(),
                    None,
                    &|_| {},
                );
            });
        },
    );
    group.finish();
}

fn walk_files(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk_files(&path));
        } else {
            out.push(path);
        }
    }
    out
}

criterion_group!(benches, bench);
criterion_main!(benches);
