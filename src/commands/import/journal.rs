//! The journal of an import: what it is putting in place, so that a run
//! killed at any moment leaves the store as it was or finishable.
//!
//! [`Plan::write`](super::Plan::write) writes every merged file to a
//! temporary file first, syncs them all, then lists them here (each with a
//! digest of the annotation file before and after) and only then renames
//! them into place. So a killed import either changed nothing (killed while
//! preparing: the journal lists no files) or left temporary files that are
//! complete and synced. The next import finishes the job ([`recover`]): each
//! listed file still as it was before gets its new version, one already
//! renamed is left, and one changed since by someone else is left alone and
//! named (importing the same file again then merges it: nothing is
//! duplicated).

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::Utc;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::annotations::{RealDisk, STAGED_SUFFIX, Staged, Store, replace_file, sync_folder};
use crate::text;

/// The journal's name in the annotations folder.
pub const JOURNAL: &str = ".import-journal";

/// What the journal file holds.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Entries {
    /// The import (its file), for messages.
    import: String,
    /// When it started.
    started: String,
    /// The files being put in place; empty while the import prepares them.
    files: Vec<Entry>,
}

/// One file being put in place.
#[derive(Debug, Serialize, Deserialize)]
struct Entry {
    /// The annotation file.
    file: PathBuf,
    /// The synced temporary file holding its new version.
    temp: PathBuf,
    /// Digest of the annotation file before (`None`: it did not exist).
    before: Option<String>,
    /// Digest of its new version.
    after: String,
}

/// The journal of the import running now.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    entries: Entries,
}

fn digest(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Journal {
    /// Starts the journal of the import `what` (no files yet), durably.
    pub fn begin(store: &Store, what: &str) -> anyhow::Result<Self> {
        let journal = Self {
            path: store.dir().join(JOURNAL),
            entries: Entries {
                import: what.to_string(),
                started: Utc::now().format("%Y-%m-%d %H:%M:%S UTC").to_string(),
                files: Vec::new(),
            },
        };
        journal.save()?;
        Ok(journal)
    }

    /// Lists the staged files, durably, before any is put in place.
    pub fn list(&mut self, staged: &[Staged]) -> anyhow::Result<()> {
        self.entries.files = staged
            .iter()
            .map(|s| Entry {
                file: s.file.clone(),
                temp: s.temp.clone(),
                before: s.before.as_deref().map(digest),
                after: digest(&s.after),
            })
            .collect();
        self.save()
    }

    fn save(&self) -> anyhow::Result<()> {
        let bytes = serde_json::to_vec(&self.entries)?;
        replace_file(&RealDisk, &self.path, &bytes)
            .map_err(std::io::Error::from)
            .with_context(|| format!("cannot write {}", text::path(&self.path)))
    }

    /// The import is done: the journal goes.
    pub fn finish(self) {
        let _ = fs::remove_file(&self.path);
    }

    /// The import was given up with nothing changed: the journal goes.
    pub fn remove(&self) {
        let _ = fs::remove_file(&self.path);
    }
}

/// Finishes an import that was killed while writing, if its journal is
/// there, and says what happened (`None`: there was none). Removes the
/// temporary files it left. Run under no lock of the caller's: it takes the
/// store's.
pub fn recover(store: &Store) -> anyhow::Result<Option<String>> {
    let path = store.dir().join(JOURNAL);
    let Ok(raw) = fs::read(&path) else {
        return Ok(None);
    };
    let lock = store.lock_batch()?;
    let message = match serde_json::from_slice::<Entries>(&raw) {
        Err(_) => {
            // A journal of an older gloss names the import only.
            let what = text::clean(String::from_utf8_lossy(&raw).trim()).into_owned();
            format!(
                "an earlier import was interrupted while writing ({what}); \
                 import that file again to finish it (nothing is duplicated)"
            )
        }
        Ok(entries) if entries.files.is_empty() => format!(
            "an earlier import ({}, started {}) was stopped before it changed anything; \
             the notes are as they were before it",
            text::clean(&entries.import),
            entries.started
        ),
        Ok(entries) => {
            let mut finished = 0;
            let mut left = Vec::new();
            for e in &entries.files {
                let now = fs::read(&e.file).ok();
                if now.as_deref().map(digest).as_deref() == Some(e.after.as_str()) {
                    continue;
                }
                let temp_ok = fs::read(&e.temp)
                    .ok()
                    .is_some_and(|t| digest(&t) == e.after);
                let unchanged = now.as_deref().map(digest) == e.before;
                // Only our own staged files, beside the file they replace.
                let ours = e.temp.parent() == e.file.parent()
                    && e.file.parent() == Some(store.dir())
                    && e.temp.to_string_lossy().ends_with(STAGED_SUFFIX);
                if ours && temp_ok && unchanged && fs::rename(&e.temp, &e.file).is_ok() {
                    finished += 1;
                } else {
                    left.push(text::clean(&e.file.display().to_string()).into_owned());
                }
            }
            let _ = sync_folder(store.dir());
            if left.is_empty() {
                format!(
                    "an earlier import ({}, started {}) was interrupted while writing; \
                     it is finished now ({finished} more file{} written)",
                    text::clean(&entries.import),
                    entries.started,
                    if finished == 1 { "" } else { "s" },
                )
            } else {
                format!(
                    "an earlier import ({}, started {}) was interrupted while writing, and \
                     these files changed since, so it could not be finished: {}; \
                     import that file again to finish it (nothing is duplicated)",
                    text::clean(&entries.import),
                    entries.started,
                    left.join(", ")
                )
            }
        }
    };
    remove_staged(store.dir());
    let _ = fs::remove_file(&path);
    drop(lock);
    Ok(Some(message))
}

/// Removes every staged temporary file in `dir` (under the store's lock no
/// import is writing).
fn remove_staged(dir: &Path) {
    let Ok(listing) = fs::read_dir(dir) else {
        return;
    };
    for entry in listing.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') && name.ends_with(STAGED_SUFFIX) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Debug builds only: `GLOSS_IMPORT_PAUSE=PHASE:N` (PHASE `staged` or
/// `written`) makes an import stop for good once it has staged or put in
/// place N files, saying so on stderr, so a test can kill it there without
/// depending on timing. Release builds never read it.
pub fn pause_for_tests(phase: &str, count: usize) {
    if !cfg!(debug_assertions) {
        return;
    }
    let Ok(wanted) = std::env::var("GLOSS_IMPORT_PAUSE") else {
        return;
    };
    if wanted != format!("{phase}:{count}") {
        return;
    }
    eprintln!("gloss: import paused after {count} files {phase} (GLOSS_IMPORT_PAUSE)");
    loop {
        std::thread::sleep(std::time::Duration::from_secs(3600));
    }
}
