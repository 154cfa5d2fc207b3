//! Conflict copies that file-sync tools and git leave beside a notes file
//! when two machines changed it at once, and merging them back into it:
//!
//! - Syncthing: `name.sync-conflict-20240501-101500-ABCDEFG.toml`
//! - Dropbox: `name (Ann's conflicted copy 2024-05-01).toml`
//! - Nextcloud: `name (conflicted copy 2024-05-01 101500).toml`
//! - git (a merge tool's backup): `name.toml.orig`
//!
//! Each copy is merged into the notes file by id ([`super::sync`]), so
//! nothing in it is lost, and removed only once the merged file is safely
//! written. A copy that does not parse is left where it is and reported.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::format;
use super::store::{Store, StoreError, read_file};
use super::sync::{Copy, compact, merge_copies, prefer_local_path};

/// The notes file a conflict copy was made from (its file name), or `None`
/// when `name` is not a conflict copy of a notes file.
pub fn original_of(name: &str) -> Option<String> {
    if let Some(original) = name.strip_suffix(".orig") {
        return original.ends_with(".toml").then(|| original.to_string());
    }
    let stem = name.strip_suffix(".toml")?;
    if let Some(at) = stem.find(".sync-conflict-") {
        let base = &stem[..at];
        return (!base.is_empty()).then(|| format!("{base}.toml"));
    }
    if stem.ends_with(')') {
        // The first " (" whose bracket says "conflicted copy": a title's own
        // brackets come before it and stay.
        let mut from = 0;
        while let Some(found) = stem[from..].find(" (") {
            let at = from + found;
            if stem[at..].contains("conflicted copy") && at > 0 {
                return Some(format!("{}.toml", &stem[..at]));
            }
            from = at + 2;
        }
    }
    None
}

/// Whether `name` is a conflict copy (never taken for a notes file itself).
pub fn is_conflict_copy(name: &str) -> bool {
    original_of(name).is_some()
}

/// What [`Store::merge_conflict_copies`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConflictReport {
    /// Notes files that had copies merged into them.
    pub merged: Vec<PathBuf>,
    /// Copies merged and removed.
    pub removed: Vec<PathBuf>,
    /// Copies (or notes files) that could not be merged, with why; they are
    /// left as they are.
    pub left: Vec<(PathBuf, String)>,
}

impl ConflictReport {
    /// A one-line account for the status bar; `None` when there was nothing.
    pub fn describe(&self) -> Option<String> {
        if self.removed.is_empty() && self.left.is_empty() {
            return None;
        }
        let mut parts = Vec::new();
        if !self.removed.is_empty() {
            parts.push(format!(
                "merged {} conflict copy(ies) into {} notes file(s)",
                self.removed.len(),
                self.merged.len()
            ));
        }
        if let Some((file, why)) = self.left.first() {
            parts.push(format!(
                "{} conflict copy(ies) could not be merged and were kept ({}: {why})",
                self.left.len(),
                file.file_name().unwrap_or_default().to_string_lossy()
            ));
        }
        Some(parts.join("; "))
    }
}

impl Store {
    /// Merges every conflict copy in the notes folder into the notes file
    /// it was made from, then removes it; see the module docs. Safe to run
    /// at any time: under the store's lock, with the same atomic writes as a
    /// save. Tombstones older than the store's limit are dropped as well.
    pub fn merge_conflict_copies(&self) -> Result<ConflictReport, StoreError> {
        let mut report = ConflictReport::default();
        let listing = match fs::read_dir(self.dir()) {
            Ok(listing) => listing,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(report),
            Err(e) => {
                return Err(StoreError::Io {
                    action: "list",
                    path: self.dir().to_path_buf(),
                    source: e,
                });
            }
        };
        let mut groups: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
        for entry in listing.flatten() {
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            if name.starts_with('.') {
                continue;
            }
            // The name first: a look at every file cost a start with 10,000
            // notes files tens of milliseconds.
            if let Some(original) = original_of(name)
                && entry.path().is_file()
            {
                groups
                    .entry(self.dir().join(original))
                    .or_default()
                    .push(entry.path());
            }
        }
        if groups.is_empty() {
            return Ok(report);
        }
        let _lock = self.lock()?;
        for (original, mut copies) in groups {
            copies.sort();
            let mut merged: Option<Copy> = match read_file(&original) {
                Ok(parsed) => parsed.map(Copy::from),
                Err(e) => {
                    // The notes file itself is broken: leave it and its
                    // copies for the user, as every save does.
                    for copy in copies {
                        report.left.push((copy, e.to_string()));
                    }
                    continue;
                }
            };
            let mut taken = Vec::new();
            let mut records = merged
                .iter()
                .map(|m| m.content.article.clone())
                .collect::<Vec<_>>();
            for copy in copies {
                match read_file(&copy) {
                    Ok(Some(parsed)) => {
                        let parsed = Copy::from(parsed);
                        records.push(parsed.content.article.clone());
                        merged = Some(match merged {
                            Some(m) => merge_copies(&m, &parsed),
                            None => parsed,
                        });
                        taken.push(copy);
                    }
                    Ok(None) => {}
                    Err(e) => report.left.push((copy, e.to_string())),
                }
            }
            let Some(mut merged) = merged else { continue };
            if taken.is_empty() {
                continue;
            }
            prefer_local_path(&mut merged, &records.iter().collect::<Vec<_>>());
            compact(
                &mut merged.tombstones,
                chrono::Utc::now(),
                self.tombstone_age(),
            );
            let text = format::render(&merged.content, &merged.tombstones, &merged.extras)
                .map_err(|message| StoreError::Encode {
                    path: original.clone(),
                    message,
                })?;
            self.write_atomically(&original, text.as_bytes())?;
            report.merged.push(original);
            for copy in taken {
                match fs::remove_file(&copy) {
                    Ok(()) => report.removed.push(copy),
                    Err(e) => report.left.push((copy, e.to_string())),
                }
            }
        }
        Ok(report)
    }
}

/// Why `gloss merge-notes` could not merge: the user resolves the files by
/// hand, as git then asks.
#[derive(Debug, thiserror::Error)]
#[error("{}: {message}", file.display())]
pub struct MergeFailure {
    /// The version that could not be read.
    pub file: PathBuf,
    /// Why.
    pub message: String,
}

/// The git merge driver: merges `theirs` into `ours` by id, with `base`
/// (their common ancestor; git passes an empty file when there is none)
/// telling deletions made without a tombstone, and writes the result over
/// `ours`, as git expects. On error `ours` is left as it was.
pub fn merge_notes_files(base: &Path, ours: &Path, theirs: &Path) -> Result<(), MergeFailure> {
    let read = |file: &Path, empty_ok: bool| -> Result<Option<Copy>, MergeFailure> {
        let failure = |message: String| MergeFailure {
            file: file.to_path_buf(),
            message,
        };
        let text = fs::read(file).map_err(|e| failure(e.to_string()))?;
        let text = String::from_utf8(text).map_err(|e| failure(format!("not UTF-8 text ({e})")))?;
        if empty_ok && text.trim().is_empty() {
            return Ok(None);
        }
        let parsed = format::parse(&text).map_err(|f| {
            let at = f.line.map(|l| format!(" (line {l})")).unwrap_or_default();
            failure(format!("not a gloss notes file: {}{at}", f.message))
        })?;
        Ok(Some(Copy::from(parsed)))
    };
    let base = read(base, true)?;
    let empty = |file: &Path| MergeFailure {
        file: file.to_path_buf(),
        message: "empty".to_string(),
    };
    let mut mine = read(ours, false)?.ok_or_else(|| empty(ours))?;
    let mut other = read(theirs, false)?.ok_or_else(|| empty(theirs))?;
    if let Some(base) = &base {
        super::sync::deletions_since(base, &mut mine);
        super::sync::deletions_since(base, &mut other);
    }
    let mut merged = merge_copies(&mine, &other);
    prefer_local_path(
        &mut merged,
        &[&mine.content.article, &other.content.article],
    );
    let text =
        format::render(&merged.content, &merged.tombstones, &merged.extras).map_err(|message| {
            MergeFailure {
                file: ours.to_path_buf(),
                message,
            }
        })?;
    fs::write(ours, text).map_err(|e| MergeFailure {
        file: ours.to_path_buf(),
        message: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conflict_copies_are_recognised_by_each_tool() {
        let cases = [
            (
                "deal-01ab.sync-conflict-20240501-101500-ABCDEFG.toml",
                Some("deal-01ab.toml"),
            ),
            (
                "deal-01ab (Ann's conflicted copy 2024-05-01).toml",
                Some("deal-01ab.toml"),
            ),
            (
                "deal-01ab (conflicted copy 2024-05-01 101500).toml",
                Some("deal-01ab.toml"),
            ),
            ("deal-01ab.toml.orig", Some("deal-01ab.toml")),
            ("deal-01ab.toml", None),
            ("notes.orig", None),
            ("a-(b)-01ab.toml", None),
        ];
        for (name, want) in cases {
            assert_eq!(original_of(name).as_deref(), want, "{name}");
        }
    }
}
