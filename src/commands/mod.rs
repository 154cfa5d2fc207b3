//! The non-interactive subcommands (`gloss export`, `gloss import`): they run
//! in pipes and cron jobs, so they never touch the terminal, report problems
//! as text on stderr and keep their work apart from the reader's runtime.
//!
//! The formats themselves live in [`crate::export`], which is pure; this
//! module adds the file system: reading the store, resolving articles, and
//! writing outputs and merged annotation files.

pub mod export;
pub mod import;
pub mod notes;
pub mod search;
pub mod sync;

use std::fmt;
use std::path::PathBuf;

use crate::annotations::{AnnotationFile, Store, StoreError};

/// A problem with what the user asked for (a path that names nothing, say),
/// as opposed to a failure while doing it; the CLI exits with 2 for it,
/// like clap does for bad options, so scripts can tell the two apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError(pub String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// Every annotation file of a store that could be read, and the ones that
/// could not, so an export can go on without them but still say so.
#[derive(Debug, Clone, Default)]
pub struct StoredFiles {
    /// Annotation file path and content, in file name order.
    pub files: Vec<(PathBuf, AnnotationFile)>,
    /// One message per file left out (corrupt, unreadable, from a newer gloss).
    pub unreadable: Vec<String>,
}

/// Reads every annotation file through the store's index, so the commands see
/// exactly the files the reader would.
pub fn read_all(store: &Store) -> Result<StoredFiles, StoreError> {
    let index = store.index()?;
    let mut out = StoredFiles {
        // A parse error quotes the damaged line, which may hold anything.
        unreadable: index
            .corrupt
            .iter()
            .map(|c| crate::text::clean(&c.to_string()).into_owned())
            .collect(),
        ..StoredFiles::default()
    };
    for entry in index.entries {
        match store.read(&entry.file) {
            Ok(content) => out.files.push((entry.file, content)),
            Err(StoreError::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
                // Removed since the index was taken: nothing to export.
            }
            Err(e) => out
                .unreadable
                .push(crate::text::clean(&e.to_string()).into_owned()),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotations::{ArticleRecord, Op};

    #[test]
    fn read_all_returns_files_and_reports_corrupt_ones() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        assert!(read_all(&store).unwrap().files.is_empty());

        let record = ArticleRecord {
            title: "T".into(),
            path: "/t.md".into(),
            ..ArticleRecord::default()
        };
        store.apply(None, &record, &[] as &[Op]).unwrap();
        std::fs::write(store.dir().join("broken.toml"), "version = [").unwrap();
        let all = read_all(&store).unwrap();
        assert_eq!(all.files.len(), 1);
        assert_eq!(all.files[0].1.article.title, "T");
        assert_eq!(all.unreadable.len(), 1);
        assert!(
            all.unreadable[0].contains("broken.toml"),
            "{:?}",
            all.unreadable
        );
    }
}
