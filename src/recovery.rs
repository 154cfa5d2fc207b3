//! The recovery file: the user's work that is not (yet) in a notes file — a
//! note being typed, and changes the store refused (full or read-only disk) —
//! kept in `<data dir>/recovery.toml` when gloss stops without saving them (a
//! panic, a signal, quitting with unsaved changes), and offered back at the
//! next start. Written crash-safely (a temporary file, then a rename), so a
//! reader only ever sees a whole file.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, TryLockError};

use serde::{Deserialize, Serialize};

use crate::annotations::{ArticleRecord, Highlight, Op, ReadingPosition};

/// The file's name inside the data directory.
pub const FILE_NAME: &str = "recovery.toml";

/// The version written; a file from a newer gloss is left alone.
const VERSION: u32 = 1;

/// Everything a session could lose, as written to the recovery file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Recovery {
    /// The file format's version.
    #[serde(default = "version")]
    pub version: u32,
    /// Notes being typed when gloss stopped, not saved by the user yet.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub drafts: Vec<Draft>,
    /// Changes that were made but could not be saved to the notes files.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<Pending>,
}

fn version() -> u32 {
    VERSION
}

/// A note being typed, with the highlight it belongs to (which may itself
/// never have reached the disk).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    /// The article, as its notes file names it.
    pub article: ArticleRecord,
    /// The highlight the note is for, as it was when the editor opened.
    pub highlight: Highlight,
    /// The text typed so far.
    pub text: String,
}

/// Changes to one article's notes that could not be saved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pending {
    /// The article, as its notes file names it.
    pub article: ArticleRecord,
    /// The changes, oldest first.
    pub changes: Vec<Change>,
}

/// One stored change; mirrors the store's [`Op`] in a form TOML can hold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Change {
    /// A highlight added or changed.
    Upsert {
        /// The highlight as the user left it.
        highlight: Highlight,
    },
    /// A highlight deleted.
    Delete {
        /// Its id.
        id: crate::annotations::HighlightId,
    },
    /// The reading position.
    Position {
        /// Where the reader was.
        position: ReadingPosition,
    },
}

impl From<&Op> for Change {
    fn from(op: &Op) -> Self {
        match op {
            Op::Upsert(h) => Self::Upsert {
                highlight: h.clone(),
            },
            Op::Delete(id) => Self::Delete { id: id.clone() },
            Op::SetPosition(p) => Self::Position {
                position: p.clone(),
            },
        }
    }
}

impl From<Change> for Op {
    fn from(change: Change) -> Self {
        match change {
            Change::Upsert { highlight } => Op::Upsert(highlight),
            Change::Delete { id } => Op::Delete(id),
            Change::Position { position } => Op::SetPosition(position),
        }
    }
}

impl Recovery {
    /// Whether there is nothing to keep.
    pub fn is_empty(&self) -> bool {
        self.drafts.is_empty() && self.changes.is_empty()
    }

    /// Number of highlight and note changes held, for messages: the question
    /// at quit and the report after it count the same way. Reading positions
    /// are kept too but not counted (gloss saves them on its own, and how
    /// many are pending depends on when the count is taken).
    pub fn change_count(&self) -> usize {
        self.changes
            .iter()
            .flat_map(|p| &p.changes)
            .filter(|c| !matches!(c, Change::Position { .. }))
            .count()
    }
}

/// The snapshot the runtime keeps current and the panic hook writes out: a
/// panic hook cannot borrow the app, so it reads this copy instead.
pub type Shared = Arc<Mutex<Recovery>>;

/// Where the recovery file of `data_dir` is.
pub fn path(data_dir: &Path) -> PathBuf {
    data_dir.join(FILE_NAME)
}

/// Writes `recovery` to `data_dir` (a temporary file, flushed to disk, then
/// renamed over the old one), or removes the file when there is nothing to
/// keep. Returns the file's path.
///
/// A recovery file that cannot be read (broken, or from a newer gloss) holds
/// work this gloss cannot see, so it is never removed or overwritten: with
/// nothing to keep it stays where it is, and new work is written only after
/// it has been moved aside to `recovery.unreadable-<n>.toml`.
pub fn store(data_dir: &Path, recovery: &Recovery) -> io::Result<PathBuf> {
    let target = path(data_dir);
    let unreadable = is_unreadable(&target);
    if recovery.is_empty() {
        if unreadable {
            return Ok(target);
        }
        return match fs::remove_file(&target) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(target),
        };
    }
    let text = to_toml(recovery).map_err(io::Error::other)?;
    fs::create_dir_all(data_dir)?;
    if unreadable {
        set_aside(data_dir, &target)?;
    }
    // A writer of its own per call: the signal watchdog may write while the
    // main thread does.
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let temp = data_dir.join(format!(
        ".{FILE_NAME}.{}.{}.tmp",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let written = (|| {
        let mut file = fs::File::create(&temp)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        fs::rename(&temp, &target)
    })();
    if written.is_err() {
        let _ = fs::remove_file(&temp);
    }
    written.map(|()| target)
}

/// Whether `target` is a file that [`load`] would refuse (a folder in the
/// way is not: writing over it fails and says so).
fn is_unreadable(target: &Path) -> bool {
    fs::metadata(target).is_ok_and(|m| m.is_file()) && load_file(target).is_err()
}

/// The name an unreadable recovery file is moved to: the first free
/// `recovery.unreadable-<n>.toml`.
pub fn aside_path(data_dir: &Path) -> PathBuf {
    (1..)
        .map(|n| data_dir.join(format!("recovery.unreadable-{n}.toml")))
        .find(|p| fs::symlink_metadata(p).is_err())
        .unwrap_or_else(|| data_dir.join("recovery.unreadable.toml"))
}

/// Moves an unreadable recovery file out of the way, never over another file.
fn set_aside(data_dir: &Path, target: &Path) -> io::Result<()> {
    let aside = aside_path(data_dir);
    // A hard link fails rather than replace a file that appeared meanwhile.
    match fs::hard_link(target, &aside) {
        Ok(()) => fs::remove_file(target),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(e),
        Err(_) => fs::rename(target, &aside),
    }
}

/// The file's text.
pub fn to_toml(recovery: &Recovery) -> Result<String, toml::ser::Error> {
    toml::to_string(&Recovery {
        version: VERSION,
        ..recovery.clone()
    })
}

/// The file's text made safe to print to a terminal, the last resort when the
/// file cannot be written (the data directory is full or read-only): every
/// control character but the line break (TOML leaves C1 ones such as U+009B,
/// a terminal's CSI, as they are) becomes a `\uXXXX` escape, which TOML reads
/// back as the same character inside a quoted string.
pub fn printable_toml(recovery: &Recovery) -> Result<String, toml::ser::Error> {
    let text = to_toml(recovery)?;
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() && c != '\n' {
            out.push_str(&format!("\\u{:04X}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Ok(out)
}

/// Writes the shared snapshot from a panic hook: never blocks (a lock held by
/// the panicking thread is skipped) and takes the data even from a poisoned lock.
pub fn store_shared(data_dir: &Path, shared: &Shared) -> Option<(Recovery, io::Result<PathBuf>)> {
    let recovery = match shared.try_lock() {
        Ok(guard) => guard.clone(),
        Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner().clone(),
        Err(TryLockError::WouldBlock) => return None,
    };
    store_snapshot(data_dir, recovery)
}

/// Writes the shared snapshot from a thread other than the one that updates
/// it (the signal watchdog): it waits for the lock, which the event loop holds
/// only while it swaps in a newer snapshot, so a quit signal that lands at
/// that moment still has the work written instead of skipped; takes the data
/// even from a poisoned lock. Never call it from the updating thread.
pub fn store_shared_waiting(
    data_dir: &Path,
    shared: &Shared,
) -> Option<(Recovery, io::Result<PathBuf>)> {
    let recovery = match shared.lock() {
        Ok(guard) => guard.clone(),
        Err(poisoned) => poisoned.into_inner().clone(),
    };
    store_snapshot(data_dir, recovery)
}

/// Writes a copy of the shared snapshot, if it holds anything.
fn store_snapshot(data_dir: &Path, recovery: Recovery) -> Option<(Recovery, io::Result<PathBuf>)> {
    if recovery.is_empty() {
        return None;
    }
    let written = store(data_dir, &recovery);
    Some((recovery, written))
}

/// Why a recovery file could not be read; it is then left where it is.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be read.
    #[error("{reason} (recovery file {path})")]
    Read {
        /// The system's reason.
        reason: io::Error,
        /// The file.
        path: String,
    },
    /// The file does not parse or comes from a newer gloss.
    #[error(
        "{reason} (recovery file {path}, left untouched; new work to keep moves it to recovery.unreadable-<n>.toml first)"
    )]
    Parse {
        /// What is wrong.
        reason: String,
        /// The file.
        path: String,
    },
}

/// Reads the recovery file of `data_dir`, if there is one.
pub fn load(data_dir: &Path) -> Result<Option<Recovery>, LoadError> {
    load_file(&path(data_dir))
}

/// Reads the recovery file `file`, if there is one.
fn load_file(file: &Path) -> Result<Option<Recovery>, LoadError> {
    let shown = || file.display().to_string();
    let text = match fs::read_to_string(file) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(reason) => {
            return Err(LoadError::Read {
                reason,
                path: shown(),
            });
        }
    };
    let recovery: Recovery = toml::from_str(&text).map_err(|e| LoadError::Parse {
        reason: e.message().to_string(),
        path: shown(),
    })?;
    if recovery.version > VERSION {
        return Err(LoadError::Parse {
            reason: format!("written by a newer gloss (version {})", recovery.version),
            path: shown(),
        });
    }
    Ok(Some(recovery))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotations::Anchor;

    fn highlight() -> Highlight {
        let anchor = Anchor {
            quote: "quoted \"text\"\nwith a line".into(),
            prefix: String::new(),
            suffix: String::new(),
            start: crate::document::CharOffset::new(3),
            end: crate::document::CharOffset::new(9),
        };
        crate::annotations::testing::highlight("01HZX3A6Q4W5V8F0J3M2K7N9PB")
            .anchor(anchor)
            .tags(&["a"])
            .build()
    }

    fn sample() -> Recovery {
        let article = ArticleRecord {
            title: "T".into(),
            path: "/a/b.md".into(),
            ..ArticleRecord::default()
        };
        Recovery {
            version: VERSION,
            drafts: vec![Draft {
                article: article.clone(),
                highlight: highlight(),
                text: "half a thought #idea\n\tand more".into(),
            }],
            changes: vec![Pending {
                article,
                changes: vec![
                    Change::from(&Op::Upsert(highlight())),
                    Change::from(&Op::Delete("x".into())),
                ],
            }],
        }
    }

    #[test]
    fn what_is_stored_loads_back_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let recovery = sample();
        let written = store(dir.path(), &recovery).unwrap();
        assert_eq!(written, path(dir.path()));
        assert_eq!(load(dir.path()).unwrap(), Some(recovery));
        let leftovers: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .filter_map(Result::ok)
            .filter(|e| e.file_name() != FILE_NAME)
            .collect();
        assert!(leftovers.is_empty(), "no temporary file left behind");
    }

    #[test]
    fn the_printed_form_carries_no_control_character() {
        let mut recovery = sample();
        recovery.drafts[0].text = "a \u{1b}]52;c;aGk=\u{7} b \u{9b}31m".into();
        let text = printable_toml(&recovery).unwrap();
        assert!(
            !text.chars().any(|c| c.is_control() && c != '\n'),
            "{text:?}"
        );
        let back: Recovery = toml::from_str(&text).unwrap();
        assert_eq!(back.drafts[0].text, recovery.drafts[0].text);
    }

    #[test]
    fn storing_nothing_removes_the_file() {
        let dir = tempfile::tempdir().unwrap();
        store(dir.path(), &sample()).unwrap();
        store(dir.path(), &Recovery::default()).unwrap();
        assert!(!path(dir.path()).exists());
        assert_eq!(load(dir.path()).unwrap(), None);
    }

    #[test]
    fn a_broken_or_newer_file_is_reported_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(path(dir.path()), "drafts = 3 = 4").unwrap();
        assert!(matches!(load(dir.path()), Err(LoadError::Parse { .. })));
        fs::write(path(dir.path()), "version = 99").unwrap();
        let err = load(dir.path()).unwrap_err().to_string();
        assert!(err.starts_with("written by a newer gloss"), "{err}");
        assert_eq!(
            fs::read_to_string(path(dir.path())).unwrap(),
            "version = 99"
        );
    }

    #[test]
    fn a_poisoned_snapshot_is_still_written() {
        let dir = tempfile::tempdir().unwrap();
        let recovery = sample();
        let shared: Shared = Arc::new(Mutex::new(recovery.clone()));
        let poisoner = Arc::clone(&shared);
        let _ = std::thread::spawn(move || {
            let _guard = poisoner.lock().unwrap();
            panic!("poison the lock");
        })
        .join();
        assert!(shared.is_poisoned());
        store_shared(dir.path(), &shared).unwrap().1.unwrap();
        assert_eq!(load(dir.path()).unwrap(), Some(recovery));
    }

    #[test]
    fn the_watchdog_waits_for_a_snapshot_being_swapped_in_instead_of_skipping_it() {
        let dir = tempfile::tempdir().unwrap();
        let shared: Shared = Arc::new(Mutex::new(Recovery::default()));
        // The event loop holds the lock while it puts the typed note in.
        let mut guard = shared.lock().unwrap();
        let watchdog = {
            let shared = Arc::clone(&shared);
            let dir = dir.path().to_path_buf();
            std::thread::spawn(move || store_shared_waiting(&dir, &shared).map(|(_, w)| w.is_ok()))
        };
        *guard = sample();
        drop(guard);
        assert_eq!(watchdog.join().unwrap(), Some(true), "written, not skipped");
        assert_eq!(load(dir.path()).unwrap(), Some(sample()));
    }
}
