//! What a start costs when a notes file's article has vanished: the session
//! then looks for the article among the library's by fingerprint. Cold, with
//! an empty fingerprint cache, every unmatched article is read and hashed;
//! warm, each is only stat'ed. The gap is what the cache saves on every
//! start after the first.
//!
//! Run with `cargo bench --bench start`.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly

use std::fs;
use std::path::Path;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use gloss::annotations::{ArticleRecord, Op, ReadingPosition, Store};
use gloss::app::App;
use gloss::config::Config;
use gloss::keymap::Keymap;
use gloss::library;
use gloss::session::{Session, Setup};

/// Articles in the library, and the size of each.
const ARTICLES: usize = 200;
const ARTICLE_BYTES: usize = 50_000;

fn library_with_a_vanished_article(root: &Path) {
    let lib = root.join("library");
    fs::create_dir_all(&lib).unwrap();
    let paragraph = "A sentence of an article that takes some room on the disk. ";
    for i in 0..ARTICLES {
        let mut text = format!("# Article {i}\n\n");
        while text.len() < ARTICLE_BYTES {
            text.push_str(paragraph);
            text.push_str(&i.to_string());
            text.push_str("\n\n");
        }
        fs::write(lib.join(format!("article-{i:04}.md")), text).unwrap();
    }
    let record = ArticleRecord {
        title: "Gone".into(),
        author: None,
        date: None,
        path: "/nowhere/gone.md".into(),
        fingerprint: "sha256:0000".into(),
        archived: None,
    };
    let position = ReadingPosition {
        offset: gloss::document::CharOffset::ZERO,
        quote: String::new(),
        progress: 0.5,
        updated: chrono::Utc::now(),
    };
    Store::new(&root.join("data"))
        .apply(None, &record, &[Op::SetPosition(position)])
        .unwrap();
}

fn start(root: &Path, cache: &Path) -> Session {
    let scan = library::scan(&[root.join("library")]);
    let app = App::new(Config::default(), Keymap::default(), scan);
    let mut setup = Setup::new(&root.join("data"), u64::MAX);
    setup.cache_dir = Some(cache.to_path_buf());
    Session::start(app, setup)
}

fn bench(c: &mut Criterion) {
    let root = tempfile::tempdir().unwrap();
    library_with_a_vanished_article(root.path());
    let mut group = c.benchmark_group("start_with_a_vanished_article");
    group.sample_size(10);
    group.bench_function("cold_cache", |b| {
        b.iter_batched(
            || tempfile::tempdir().unwrap(),
            |cache| start(root.path(), cache.path()),
            BatchSize::PerIteration,
        );
    });
    let warm = tempfile::tempdir().unwrap();
    drop(start(root.path(), warm.path()));
    group.bench_function("warm_cache", |b| b.iter(|| start(root.path(), warm.path())));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
