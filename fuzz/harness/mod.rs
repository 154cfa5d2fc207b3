//! The code paths the fuzz targets drive, with the invariants they check.
//!
//! This file is both the root of the `gloss_fuzz` library (used by the
//! libFuzzer targets in `fuzz/fuzz_targets/`) and a module of the main crate's
//! `tests/fuzz_regressions.rs`, which replays every saved crash input through
//! the same functions in a normal `cargo test`. Each `run` takes the raw bytes
//! libFuzzer hands over and panics when gloss breaks a promise, so a target
//! and its regression test cannot drift apart.
//!
//! Only gloss's public library API is used, the way the app and the batch
//! commands call it.

pub mod epub;
pub mod html_page;
pub mod import;
pub mod parse_layout;
pub mod reanchor;
pub mod store_load;

/// A scratch folder for one run, in `$TMPDIR` (point it at a tmpfs such as
/// `/dev/shm` when fuzzing: the store syncs every save).
fn scratch() -> tempfile::TempDir {
    match tempfile::tempdir() {
        Ok(dir) => dir,
        Err(e) => panic!("cannot make a temporary folder: {e}"),
    }
}
