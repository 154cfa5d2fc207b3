//! `gloss sync-merge` and `gloss merge-notes`: keeping notes in step across
//! machines that share the data folder through git or a file-sync tool.
//! The merging itself is in [`crate::annotations`]; this module reports it.

use std::path::Path;

use crate::annotations::{ConflictReport, MergeFailure, Store, merge_notes_files};

/// `gloss sync-merge`: merges every conflict copy in the store's folder into
/// its notes file. Returns the lines to print and whether every copy was
/// merged (the exit status).
pub fn sync_merge(store: &Store) -> Result<(Vec<String>, bool), crate::annotations::StoreError> {
    let report = store.merge_conflict_copies()?;
    Ok((describe(&report), report.left.is_empty()))
}

/// One line per file: what was merged, removed, or left and why.
fn describe(report: &ConflictReport) -> Vec<String> {
    let mut lines = Vec::new();
    for file in &report.removed {
        lines.push(format!("merged and removed {}", file.display()));
    }
    for (file, why) in &report.left {
        lines.push(format!("left {}: {why}", file.display()));
    }
    if lines.is_empty() {
        lines.push("no conflict copies to merge".to_string());
    } else if !report.merged.is_empty() {
        lines.push(format!(
            "{} notes file(s) now hold every change",
            report.merged.len()
        ));
    }
    lines
}

/// `gloss merge-notes BASE OURS THEIRS`, the git merge driver: writes the
/// merge over OURS.
pub fn merge_notes(base: &Path, ours: &Path, theirs: &Path) -> Result<(), MergeFailure> {
    merge_notes_files(base, ours, theirs)
}
