//! Opening a 5 MB EPUB book up to its parsed first screen as the reader does
//! it (`library::load_for_reading`: the container, package and navigation
//! documents, then only the first chapters unpacked and parsed), and what
//! the rest costs off the event loop: the whole book unzipped and joined
//! into one HTML source (`library::load`, what the fingerprint and the other
//! tools read) and parsed whole (what the background parse does). The book
//! is generated here (a zip written in memory, about 5 MB packed, ~15 MB of
//! XHTML); nothing large is committed.
//!
//! Run with `cargo bench --bench epub`; compare with `less` on the book's
//! text as docs/benchmarks.md does for Markdown.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/support/epub.rs"]
mod epub_book;

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use gloss::document::{Document, ParseOptions};
use gloss::library::{self, Source};

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.epub");
    std::fs::write(&path, epub_book::long_book(5 * 1024 * 1024, "Prologuemark")).unwrap();
    let source = Source::File(path);
    let mut group = c.benchmark_group("epub_5mb");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    group.bench_function("first_screen", |b| {
        b.iter(|| {
            let loaded = library::load_for_reading(&source, u64::MAX).unwrap();
            black_box(loaded.document(ParseOptions::default()))
        });
    });
    group.bench_function("rest_parse", |b| {
        let loaded = library::load_for_reading(&source, u64::MAX).unwrap();
        let first = loaded.document(ParseOptions::default());
        b.iter(|| {
            let mut doc = first.clone();
            doc.ensure_complete();
            black_box(doc)
        });
    });
    group.bench_function("unzip_and_join", |b| {
        b.iter(|| black_box(library::load(&source).unwrap()));
    });
    let loaded = library::load(&source).unwrap();
    group.bench_function("whole_parse", |b| {
        b.iter(|| black_box(loaded.document(ParseOptions::default())));
    });
    group.bench_function("whole_open_total", |b| {
        b.iter(|| {
            let loaded = library::load(&source).unwrap();
            black_box(Document::from_shared(
                loaded.text.clone(),
                loaded.format,
                ParseOptions::default(),
            ))
        });
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
