//! Replays every input saved under `tests/fixtures/fuzz/<target>/` (crashes
//! the fuzzers found, minimised) and every committed seed under
//! `fuzz/corpus/<target>/` through the fuzz targets' own code, so a fixed
//! crash stays fixed in a normal `cargo test` without nightly or libFuzzer.
//! The targets and their checks live in `fuzz/harness/` (see docs/fuzzing.md).

#[path = "../fuzz/harness/mod.rs"]
#[allow(dead_code)]
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
            .filter(|p| !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')))
            .collect(),
        Err(_) => Vec::new(),
    };
    files.sort();
    files
}

/// Runs `target` on every saved crash and seed of `name`; reports all that
/// panic, by file, rather than stopping at the first.
fn replay(name: &str, target: fn(&[u8])) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = inputs(&root.join("tests/fixtures/fuzz").join(name));
    files.extend(inputs(&root.join("fuzz/corpus").join(name)));
    let mut failed = Vec::new();
    for file in &files {
        let bytes = fs::read(file).unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
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
