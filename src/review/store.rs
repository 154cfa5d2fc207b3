//! The review files on disk: `<data dir>/review/<name>.toml`, one per article,
//! named like the article's notes file in `<data dir>/annotations/`, so the
//! two sit side by side and a person can tell which is which.
//!
//! A save takes a lock, re-reads the file, merges the new cards into it (the
//! newer review of a highlight wins, see [`merge`]) and replaces it through a
//! temporary file and a rename, as the notes store does: a crash leaves the
//! old file or the new one, and two gloss windows never lose each other's
//! answers. A file that does not parse is reported and never overwritten.

use std::collections::HashMap;
use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};

use super::card::Card;
use super::file::{REVIEW_VERSION, ReviewFile, merge};
use crate::annotations::{HighlightId, RealDisk, lock_file, replace_file};

/// Serialises writers in the review folder.
const LOCK_NAME: &str = ".lock";

/// Why reading or saving review state failed; the file on disk is unchanged.
#[derive(Debug, thiserror::Error)]
pub enum ReviewStoreError {
    /// The file system refused (full disk, permissions...).
    #[error("{source} (cannot {action} {})", crate::text::path(path))]
    Io {
        /// What was being done.
        action: &'static str,
        /// The file or folder.
        path: PathBuf,
        /// The system's error.
        source: io::Error,
    },
    /// The file is not a review file this gloss can read; it is left alone.
    #[error("{}: {message}", crate::text::path(path))]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}

fn io_error(action: &'static str, path: &Path) -> impl FnOnce(io::Error) -> ReviewStoreError {
    let path = path.to_path_buf();
    move |source| ReviewStoreError::Io {
        action,
        path,
        source,
    }
}

/// Every card the review folder holds, and the files that could not be read.
#[derive(Debug, Clone, Default)]
pub struct AllCards {
    /// Cards by highlight id (ids are unique across articles).
    pub cards: HashMap<HighlightId, Card>,
    /// One message per file left out.
    pub unreadable: Vec<String>,
}

/// The review folder of one data directory.
#[derive(Debug, Clone)]
pub struct ReviewStore {
    dir: PathBuf,
}

impl ReviewStore {
    /// Uses `<data_dir>/review/`; nothing is created before the first save.
    pub fn new(data_dir: &Path) -> Self {
        Self {
            dir: data_dir.join("review"),
        }
    }

    /// The folder holding the review files.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The review file that belongs beside the notes file `notes`.
    pub fn file_for(&self, notes: &Path) -> PathBuf {
        let name = notes
            .file_name()
            .map_or_else(|| "article.toml".into(), |n| n.to_os_string());
        self.dir.join(name)
    }

    /// Reads one review file; an absent file is an empty one.
    pub fn read(&self, file: &Path) -> Result<ReviewFile, ReviewStoreError> {
        let text = match fs::read(file) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(ReviewFile::default()),
            Err(e) => return Err(io_error("read", file)(e)),
        };
        let corrupt = |message: String| ReviewStoreError::Corrupt {
            path: file.to_path_buf(),
            message,
        };
        let text = String::from_utf8(text).map_err(|e| corrupt(format!("not UTF-8 ({e})")))?;
        let parsed: ReviewFile =
            toml::from_str(&text).map_err(|e| corrupt(e.message().trim().to_string()))?;
        if parsed.version > REVIEW_VERSION {
            return Err(corrupt(format!(
                "written by a newer gloss (review format {}, this one reads up to {REVIEW_VERSION})",
                parsed.version
            )));
        }
        Ok(parsed)
    }

    /// Every card of every readable review file. Should two files hold the
    /// same highlight (a copied file), the newer review is kept.
    pub fn load_all(&self) -> Result<AllCards, ReviewStoreError> {
        let listing = match fs::read_dir(&self.dir) {
            Ok(listing) => listing,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(AllCards::default()),
            Err(e) => return Err(io_error("list", &self.dir)(e)),
        };
        let mut files: Vec<PathBuf> = listing
            .flatten()
            .map(|e| e.path())
            .filter(|p| is_review_file(p))
            .collect();
        files.sort();
        let mut all = ReviewFile::default();
        let mut unreadable = Vec::new();
        for file in files {
            match self.read(&file) {
                Ok(content) => all = merge(&all, &content),
                Err(e) => unreadable.push(crate::text::clean(&e.to_string()).into_owned()),
            }
        }
        Ok(AllCards {
            cards: all.cards.into_iter().collect(),
            unreadable,
        })
    }

    /// Merges `cards` into the review file beside the notes file `notes` and
    /// saves it crash-safe; `title` and `path` describe the article for a
    /// person reading the file. Returns what the file now holds.
    pub fn save(
        &self,
        notes: &Path,
        title: &str,
        path: &str,
        cards: &[(HighlightId, Card)],
    ) -> Result<ReviewFile, ReviewStoreError> {
        fs::create_dir_all(&self.dir).map_err(io_error("create", &self.dir))?;
        let _lock = self.lock()?;
        let target = self.file_for(notes);
        let on_disk = self.read(&target)?;
        let mine = ReviewFile {
            version: REVIEW_VERSION,
            title: title.to_string(),
            path: path.to_string(),
            cards: cards.iter().cloned().collect(),
        };
        let merged = merge(&mine, &on_disk);
        let text = toml::to_string(&merged).map_err(|e| ReviewStoreError::Corrupt {
            path: target.clone(),
            message: format!("cannot write the review state: {e}"),
        })?;
        write_atomically(&target, text.as_bytes())?;
        Ok(merged)
    }

    fn lock(&self) -> Result<File, ReviewStoreError> {
        lock_file(&self.dir.join(LOCK_NAME)).map_err(|e| ReviewStoreError::Io {
            action: e.action,
            path: e.path,
            source: e.source,
        })
    }
}

/// Replaces `target` crash-safely ([`crate::annotations::replace_file`]).
fn write_atomically(target: &Path, bytes: &[u8]) -> Result<(), ReviewStoreError> {
    replace_file(&RealDisk, target, bytes).map_err(|e| ReviewStoreError::Io {
        action: e.action,
        path: e.path,
        source: e.source,
    })
}

fn is_review_file(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| !n.starts_with('.') && n.ends_with(".toml"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::{Answer, schedule};
    use chrono::{TimeZone, Utc};

    fn card(day: u32, answer: Answer) -> Card {
        let now = Utc.with_ymd_and_hms(2026, 3, day, 12, 0, 0).unwrap();
        schedule(None, answer, now, now.date_naive())
    }

    #[test]
    fn saves_merge_into_the_file_beside_the_notes_and_load_back() {
        let dir = tempfile::tempdir().unwrap();
        let store = ReviewStore::new(dir.path());
        let notes = dir.path().join("annotations/deal-01abcdefgh.toml");
        store
            .save(
                &notes,
                "Deal",
                "/a.md",
                &[("h1".into(), card(1, Answer::Good))],
            )
            .unwrap();
        // Another window answers another highlight, then an older copy of h1
        // arrives: the newer review stays.
        store
            .save(
                &notes,
                "Deal",
                "/a.md",
                &[("h2".into(), card(2, Answer::Hard))],
            )
            .unwrap();
        let saved = store
            .save(
                &notes,
                "Deal",
                "/a.md",
                &[("h1".into(), card(1, Answer::Easy))],
            )
            .unwrap();
        assert_eq!(saved.cards.len(), 2);
        let file = dir.path().join("review/deal-01abcdefgh.toml");
        assert!(file.is_file());
        let all = store.load_all().unwrap();
        assert_eq!(all.cards.len(), 2);
        assert_eq!(all.cards[&HighlightId::from("h2")].answer, Answer::Hard);
        // No temporary file is left behind.
        let names: Vec<String> = fs::read_dir(store.dir())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".tmp"))
            .collect();
        assert!(names.is_empty(), "{names:?}");
    }

    #[test]
    fn a_damaged_file_is_reported_and_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let store = ReviewStore::new(dir.path());
        fs::create_dir_all(store.dir()).unwrap();
        let notes = Path::new("/x/annotations/a-1.toml");
        let file = store.file_for(notes);
        fs::write(&file, "version = [").unwrap();
        let err = store
            .save(notes, "A", "/a", &[("h".into(), card(1, Answer::Good))])
            .unwrap_err();
        assert!(err.to_string().contains("a-1.toml"), "{err}");
        assert_eq!(fs::read_to_string(&file).unwrap(), "version = [");
        let all = store.load_all().unwrap();
        assert!(all.cards.is_empty());
        assert_eq!(all.unreadable.len(), 1);
    }
}
