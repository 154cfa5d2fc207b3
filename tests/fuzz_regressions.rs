//! Replays every input saved under `tests/fixtures/fuzz/<target>/` (crashes
//! the fuzzers found, minimised) and every committed seed under
//! `fuzz/corpus/<target>/` through the fuzz targets' own code, so a fixed
//! crash stays fixed in a normal `cargo test` without nightly or libFuzzer.
//! The targets and their checks live in `fuzz/harness/` (see docs/fuzzing.md).
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly

#[path = "../fuzz/harness/mod.rs"]
mod harness;

use std::fs;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

/// Every file of `dir` but dot files, sorted, so a failure names one input.
fn inputs(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = match fs::read_dir(dir) {
        Ok(list) => list
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_file())
            .filter(|p| {
                !p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'))
            })
            .collect(),
        Err(_) => Vec::new(),
    };
    files.sort();
    files
}

/// Crashes found by fuzzing whose fix belongs to another part of the code
/// and has not landed yet (path under `tests/fixtures/fuzz/`). They are left
/// out of the default replay and each has an `#[ignore]`d test below; remove
/// the entry when the fix lands.
const OPEN: &[&str] = &[];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `target` on every saved crash and seed of `name` (but the open
/// ones); reports all that panic, by file, rather than stopping at the first.
fn replay(name: &str, target: fn(&[u8])) {
    let fixtures = root().join("tests/fixtures/fuzz");
    let mut files: Vec<PathBuf> = inputs(&fixtures.join(name))
        .into_iter()
        .filter(|f| !OPEN.iter().any(|open| fixtures.join(open) == *f))
        .collect();
    files.extend(inputs(&root().join("fuzz/corpus").join(name)));
    let mut failed = Vec::new();
    for file in &files {
        let bytes =
            fs::read(file).unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
        if catch_unwind(AssertUnwindSafe(|| target(&bytes))).is_err() {
            failed.push(file.display().to_string());
        }
    }
    assert!(failed.is_empty(), "{name}: these inputs fail: {failed:#?}");
    assert!(!files.is_empty(), "{name}: no seeds found");
}

#[test]
fn parse_layout_crashes_and_seeds_stay_fixed() {
    replay("parse_layout", harness::parse_layout::run);
}

#[test]
fn html_page_crashes_and_seeds_stay_fixed() {
    replay("html_page", harness::html_page::run);
}

#[test]
fn store_load_crashes_and_seeds_stay_fixed() {
    replay("store_load", harness::store_load::run);
}

#[test]
fn reanchor_crashes_and_seeds_stay_fixed() {
    replay("reanchor", harness::reanchor::run);
}

#[test]
fn import_crashes_and_seeds_stay_fixed() {
    replay("import", harness::import::run);
}

/// Replays one saved input by its path under `tests/fixtures/fuzz/`.
fn replay_open(path: &str, target: fn(&[u8])) {
    let file = root().join("tests/fixtures/fuzz").join(path);
    let bytes = fs::read(&file).unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
    target(&bytes);
}

/// A gloss JSON article with neither `path` nor `fingerprint` is stored in a
/// new notes file on every import (the store cannot find the first one by an
/// empty path or fingerprint), so importing the same export twice duplicates
/// every highlight.
#[test]
fn reimporting_an_article_without_path_or_fingerprint_adds_nothing() {
    replay_open(
        "import/reimport-of-article-without-path-or-fingerprint-duplicates.json",
        harness::import::run,
    );
}

#[test]
fn epub_crashes_and_seeds_stay_fixed() {
    replay("epub", harness::epub::run);
}
