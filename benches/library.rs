//! The library at scale: scanning a generated 10,000-article folder cold
//! (every article's start read) and from the metadata cache (each file only
//! stat'ed), the list a second start shows before its scan (every cached
//! article under the folder, ordered by title), and one keystroke of the `/` filter over 10,000 titles.
//!
//! Run with `cargo bench --bench library`. The library is generated from a
//! fixed seed in a temporary folder (about 5 KB an article), so every run
//! measures the same files.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly

use std::fs;
use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{Criterion, criterion_group, criterion_main};
use gloss::app::list::ListState;
use gloss::library::{self, DEFAULT_MAX_FILE_SIZE, Found, MetaCache};

const ARTICLES: usize = 10_000;
const ARTICLE_BYTES: usize = 5_000;

/// A small deterministic generator (xorshift), so the library is the same
/// on every run without a dependency.
struct Seeded(u64);

impl Seeded {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<'a>(&mut self, words: &[&'a str]) -> &'a str {
        words[(self.next() % words.len() as u64) as usize]
    }
}

const WORDS: &[&str] = &[
    "harbour", "tide", "light", "keeper", "storm", "north", "ferry", "salt", "rope", "lamp",
    "chart", "border", "patrol", "release", "node", "version", "notes", "winter", "river",
];
const AUTHORS: &[&str] = &[
    "Ann Lee",
    "Bo Sun",
    "Cy Day",
    "Mira Okafor",
    "Jonas Ferreira",
];

fn generate(dir: &Path) {
    fs::create_dir_all(dir).unwrap();
    let mut rng = Seeded(0x9E37_79B9_7F4A_7C15);
    for i in 0..ARTICLES {
        let mut title = String::new();
        for _ in 0..4 {
            title.push_str(rng.pick(WORDS));
            title.push(' ');
        }
        title.push_str(&(rng.next() % 40).to_string());
        let mut text = format!(
            "---\ntitle: {title}\nauthor: {}\ndate: {}-{:02}-{:02}\n---\n\n",
            rng.pick(AUTHORS),
            2000 + rng.next() % 25,
            1 + rng.next() % 12,
            1 + rng.next() % 28
        );
        while text.len() < ARTICLE_BYTES {
            for _ in 0..60 {
                text.push_str(rng.pick(WORDS));
                text.push(' ');
            }
            text.push_str("\n\n");
        }
        let folder = dir.join(format!("f{:02}", i % 20));
        fs::create_dir_all(&folder).unwrap();
        fs::write(folder.join(format!("article-{i:05}.md")), text).unwrap();
    }
}

fn scan(roots: &[PathBuf], cache: &mut MetaCache) -> usize {
    let mut articles = 0;
    library::scan_each(roots, DEFAULT_MAX_FILE_SIZE, cache, None, &mut |found| {
        if matches!(found, Found::Article(_)) {
            articles += 1;
        }
    });
    articles
}

fn benches(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("library");
    generate(&lib);
    let roots = vec![lib];

    let mut group = c.benchmark_group("library");
    group.sample_size(10);
    group.bench_function("scan 10,000 articles cold", |b| {
        b.iter(|| {
            let mut cache = MetaCache::load(None);
            assert_eq!(scan(&roots, &mut cache), ARTICLES);
        });
    });
    let cache_dir = dir.path().join("cache");
    let mut cache = MetaCache::load(Some(&cache_dir));
    scan(&roots, &mut cache);
    cache.save().unwrap();
    group.bench_function("scan 10,000 articles from the cache", |b| {
        b.iter(|| {
            // As a start does: the cache read from its file, then the walk.
            let mut cache = MetaCache::load(Some(&cache_dir));
            assert_eq!(scan(&roots, &mut cache), ARTICLES);
        });
    });
    group.bench_function("list 10,000 articles from the cache, sorted", |b| {
        b.iter(|| {
            // What a second start shows before the walk confirms it.
            let cache = MetaCache::load(Some(&cache_dir));
            let listed: Vec<_> = cache
                .listed_under(&roots)
                .into_iter()
                .map(|(path, cached)| library::cached_article(path, cached))
                .collect();
            let list = ListState::new(listed);
            assert_eq!(list.visible.len(), ARTICLES);
        });
    });
    group.finish();

    let mut found = Vec::new();
    library::scan_each(&roots, DEFAULT_MAX_FILE_SIZE, &mut cache, None, &mut |f| {
        if let Found::Article(a) = f {
            found.push(a);
        }
    });
    let mut list = ListState::new(found);
    let mut typed = false;
    c.bench_function("filter keystroke over 10,000 titles", |b| {
        b.iter(|| {
            // "harb" then "harbo": each call is one keystroke.
            typed = !typed;
            list.set_filter(if typed { "harb" } else { "harbo" });
            black_box(list.visible.len())
        });
    });
}

criterion_group!(library_benches, benches);
criterion_main!(library_benches);
