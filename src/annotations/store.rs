//! The annotation files on disk: one TOML file per article in
//! `<data_dir>/annotations/`, found again by the article's path or, after a
//! move, by its text fingerprint.
//!
//! Every save takes an exclusive lock, re-reads the file, merges the change
//! into what is on disk and replaces the file atomically, so two gloss
//! processes never lose each other's highlights and a crash never leaves a
//! half-written file. A file that does not parse is reported and left alone:
//! it is never overwritten or renamed.

use std::collections::{HashMap, HashSet};
use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use super::disk::{Disk, RealDisk};
use super::format::{self, Extras, ParseFailure};
use super::merge::{Seen, merge};
use super::path_text::{path_to_text, text_to_path};
use super::repair::Repairs;
use super::sync::{Copy, compact, merge_copies};
use super::{
    AnnotationFile, ArticleRecord, Highlight, HighlightId, ReadingPosition, SCHEMA_VERSION,
};

/// Name of the lock file that serialises writers in the annotations folder.
const LOCK_NAME: &str = ".lock";

/// Suffix of temporary files; they start with a dot, so they are never taken
/// for annotation files.
use super::disk::TEMP_SUFFIX;

/// Length of the id part of an annotation file's name (`<slug>-<id>.toml`).
const NAME_ID_CHARS: usize = 10;

/// The annotation store of one data directory, with a cache of what each file
/// holds so listing a library does not re-read every file each time.
#[derive(Debug)]
pub struct Store {
    dir: PathBuf,
    /// What a [`Fold`] running off the event loop shares with the store.
    shared: Arc<Shared>,
    /// Whether this process has cleared temporary files a crashed save left;
    /// once is enough, so saves do not list the folder each time.
    swept: std::sync::atomic::AtomicBool,
    /// The version of each file this process last read or wrote: a change
    /// made from it wins over it, whatever the clocks say. Shared with a
    /// [`ReadNotes`] running off the event loop.
    seen: Arc<Mutex<HashMap<PathBuf, Seen>>>,
    /// How long a deleted highlight's tombstone is kept (`[sync]
    /// tombstone_days`).
    tombstone_age: chrono::TimeDelta,
    /// The library folders (canonical paths): an article is also found by
    /// its path inside one of them, for notes synced from a machine where
    /// the library lives elsewhere (see [`Store::set_library_roots`]).
    library_roots: Vec<PathBuf>,
    /// Notes files at least this large take a change as a pending-changes
    /// file beside them ([`Store::pending_changes_above`]); `None`: every
    /// save rewrites the notes file.
    pending_from: Option<u64>,
}

/// The store's state that a [`Fold`] updates from its own thread.
#[derive(Debug)]
struct Shared {
    dir: PathBuf,
    cache: Mutex<HashMap<PathBuf, Cached>>,
    /// Where `cache` is kept between runs (see [`Store::keep_summaries_in`]).
    kept: Mutex<super::summaries::Kept>,
    /// Where saves write (the real disk, or a failing one in tests).
    disk: Box<dyn Disk>,
    /// The file this process read or wrote last, parsed, with its
    /// highlights' rendered text: the next save of the same, unchanged file
    /// neither parses it again nor renders what did not change.
    last: Mutex<Option<Last>>,
    /// The highlights of the pending changes as last rendered, so each
    /// save renders and checks only what changed since (they pile up while
    /// saves come faster than a fold).
    pending_chunks: Mutex<format::Chunks>,
    /// When pending changes were last written (see [`Fold::run_when_quiet`]).
    pending_written: Mutex<Option<std::time::Instant>>,
}

/// See [`Shared::last`]. `parsed` is the notes file with its pending
/// changes (if any) joined in.
#[derive(Debug)]
struct Last {
    file: PathBuf,
    stamp: Stamp,
    /// The pending-changes file as this process last read or wrote it.
    pending: Option<Pending>,
    parsed: format::Parsed,
    chunks: format::Chunks,
}

/// A pending-changes file: its version, and the highlight ids it holds (as
/// highlights or tombstones), so the next change rewrites them all.
#[derive(Debug, Clone)]
struct Pending {
    stamp: Stamp,
    ids: HashSet<HighlightId>,
}

/// Notes files from this size on take changes in a pending-changes file
/// when the session asks for it: below it a whole rewrite costs about as
/// much as writing the change alone.
pub const PENDING_FROM_BYTES: u64 = 512 * 1024;

/// The pending-changes file of notes file `file`: `.<name>.pending.toml`
/// beside it. It is a notes file of its own (the same TOML, holding only the
/// highlights changed since the last fold, and their tombstones), joined
/// into `file` by the same per-id newest-wins merge as a sync conflict copy,
/// so applying it twice, or to a file that already holds it, changes
/// nothing. The leading dot keeps it out of listings, exports and search.
pub fn pending_of(file: &Path) -> PathBuf {
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = name.strip_suffix(".toml").unwrap_or(&name);
    file.with_file_name(format!(".{stem}{PENDING_SUFFIX}"))
}

/// How a pending-changes file's name ends (see [`pending_of`]).
pub const PENDING_SUFFIX: &str = ".pending.toml";

/// Tombstones are kept this many days unless the config says otherwise:
/// long enough for a laptop left in a drawer for a season to sync again
/// without bringing deleted highlights back.
pub const DEFAULT_TOMBSTONE_DAYS: u32 = 180;

/// What [`Store::index`] read of one notes file, and which version of it:
/// used again while the file (and its pending changes) are unchanged, and
/// kept between runs in the cache folder (see `summaries`).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(super) struct Cached {
    stamp: Stamp,
    /// The pending-changes file's version, when there was one.
    pending: Option<Stamp>,
    summary: Result<IndexEntry, Corrupt>,
    /// Whether `summary` counts the highlights (see [`Store::index_uncounted`]).
    counted: bool,
}

impl Cached {
    /// Whether the notes file could be read (a summary, not a reason).
    pub(super) fn is_readable(&self) -> bool {
        self.summary.is_ok()
    }
}

/// What identifies one version of a file cheaply: a save replaces the file
/// (new inode), so a same-size rewrite within one clock tick is still seen.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
    inode: u64,
}

impl Stamp {
    /// The version of `path` now; `None` when it is not there.
    fn now(path: &Path) -> Option<Self> {
        fs::metadata(path).ok().map(|m| Self::of(&m))
    }

    fn of(meta: &fs::Metadata) -> Self {
        #[cfg(unix)]
        let inode = std::os::unix::fs::MetadataExt::ino(meta);
        #[cfg(not(unix))]
        let inode = 0;
        Self {
            len: meta.len(),
            modified: meta.modified().ok(),
            inode,
        }
    }
}

impl Shared {
    /// See [`Store::index_counting`]. Every notes file is looked at (its
    /// length, time and inode) before the summaries are locked, so a save
    /// or an open on the event loop never waits for 10,000 stats.
    fn index_counting(&self, counting: bool) -> Result<Index, StoreError> {
        let listing = match fs::read_dir(&self.dir) {
            Ok(listing) => listing,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Index::default()),
            Err(e) => return Err(io_error("list", &self.dir)(e)),
        };
        let mut files = Vec::new();
        // Pending changes are seen in the same listing, so a library of
        // notes files costs no second look per file.
        let mut pending = HashSet::new();
        for entry in listing {
            let entry = entry.map_err(io_error("list", &self.dir))?;
            let path = entry.path();
            if is_annotation_file(&path) {
                files.push((path, entry));
            } else if entry
                .file_name()
                .to_string_lossy()
                .ends_with(PENDING_SUFFIX)
            {
                pending.insert(path);
            }
        }
        // By the bytes of the path (all in one folder, so in the order
        // `Path`'s comparison gives, which goes component by component and
        // cost a start with 10,000 notes files tens of milliseconds).
        files.sort_unstable_by(|(a, _), (b, _)| a.as_os_str().cmp(b.as_os_str()));

        let stamped: Vec<(PathBuf, Stamp, Option<Stamp>)> = files
            .into_iter()
            .filter_map(|(file, entry)| {
                let pending_stamp = if pending.is_empty() {
                    None
                } else {
                    let pending_file = pending_of(&file);
                    pending
                        .contains(&pending_file)
                        .then(|| Stamp::now(&pending_file))
                        .flatten()
                };
                // Looked up from the listed folder (no walk of the whole
                // path per file); a link is followed, as opening it
                // follows it.
                let meta = match entry.file_type() {
                    Ok(kind) if kind.is_symlink() => fs::metadata(&file),
                    _ => entry.metadata(),
                };
                match meta {
                    Ok(meta) if meta.is_file() => Some((file, Stamp::of(&meta), pending_stamp)),
                    // Removed since listing, or a folder named like a file.
                    _ => None,
                }
            })
            .collect();

        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        self.load_kept(&mut cache);
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        // Rebuilt from the listing: what the old one holds at the end is of
        // files that are gone.
        let mut old = std::mem::take(&mut *cache);
        let mut index = Index::default();
        for (file, stamp, pending_stamp) in stamped {
            let fresh = old
                .remove(&file)
                .filter(|c| c.stamp == stamp && c.pending == pending_stamp)
                .filter(|c| c.counted || !counting);
            let cached = match fresh {
                Some(cached) => cached,
                None => {
                    let mut counted = true;
                    let summary = match read_summary(&file, counting) {
                        Ok(Some((entry, all))) => {
                            counted = all;
                            Ok(entry)
                        }
                        // Vanished between listing and reading.
                        Ok(None) => continue,
                        Err(StoreError::Corrupt(corrupt)) => Err(corrupt),
                        Err(other) => {
                            // Unreadable for now (permissions...): report it,
                            // but do not remember it, so it is tried again.
                            index.corrupt.push(Corrupt {
                                file: file.clone(),
                                message: other.to_string(),
                                line: None,
                                column: None,
                            });
                            continue;
                        }
                    };
                    let cached = Cached {
                        stamp,
                        pending: pending_stamp,
                        summary,
                        counted,
                    };
                    // (One that could not be read is not kept: see
                    // `summaries::save`.)
                    kept.changed |= cached.is_readable();
                    cached
                }
            };
            match &cached.summary {
                Ok(entry) => index.entries.push(entry.clone()),
                Err(corrupt) => index.corrupt.push(corrupt.clone()),
            }
            cache.insert(file, cached);
        }
        kept.changed |= !old.is_empty();
        Ok(index)
    }

    /// Reads the summaries kept from the last run into `cache`, once, when
    /// nothing was read into it yet.
    fn load_kept(&self, cache: &mut HashMap<PathBuf, Cached>) {
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        if !kept.loaded {
            kept.loaded = true;
            if let Some(file) = &kept.file
                && cache.is_empty()
            {
                *cache = super::summaries::load(file);
            }
        }
    }
}

/// [`Store::index`] run off the event loop (see [`Store::index_check`]).
#[derive(Debug)]
pub struct IndexCheck(Arc<Shared>);

impl IndexCheck {
    /// Every notes file looked at, and those that changed since their
    /// summary was kept read again.
    pub fn run(&self) -> Result<Index, StoreError> {
        self.0.index_counting(true)
    }
}

/// One annotation file as the library list needs it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct IndexEntry {
    /// The annotation file.
    pub file: PathBuf,
    /// The article it belongs to.
    pub article: ArticleRecord,
    /// Number of highlights (orphans included).
    pub highlight_count: usize,
    /// Where the reader stopped, for progress in the list (its progress is
    /// always a number from 0 to 1).
    pub position: Option<ReadingPosition>,
    /// What had to be set right when the file was read.
    pub repairs: Repairs,
}

/// An annotation file that cannot be read (bad TOML, wrong types, not UTF-8,
/// or written by a newer gloss); it is never written to.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize)]
#[error("{}: {message}", location(file, *line, *column))]
pub struct Corrupt {
    /// The file.
    pub file: PathBuf,
    /// What is wrong, as the TOML parser said it.
    pub message: String,
    /// 1-based line of the problem, when known.
    pub line: Option<usize>,
    /// 1-based column (in characters) of the problem, when known.
    pub column: Option<usize>,
}

fn location(file: &Path, line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(l), Some(c)) => format!("{}:{l}:{c}", file.display()),
        (Some(l), None) => format!("{}:{l}", file.display()),
        _ => file.display().to_string(),
    }
}

/// Every annotation file: the readable ones and the ones to warn about.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Index {
    /// Readable files, sorted by file name.
    pub entries: Vec<IndexEntry>,
    /// Files that could not be read, sorted by file name.
    pub corrupt: Vec<Corrupt>,
}

/// How an article's file was recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchedBy {
    /// The recorded path is the article's path (it may have been edited).
    Path,
    /// The recorded path no longer exists but the text is the same: the
    /// article was moved or renamed, and the app should save the new path.
    Fingerprint,
    /// The recorded path no longer exists but ends in the article's path
    /// inside a library folder: notes synced from a machine whose library
    /// lives elsewhere; the app should save the new path.
    LibraryPath,
}

/// The annotations found for an article.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    /// The annotation file, to pass to [`Store::apply`].
    pub file: PathBuf,
    /// Its content, repaired (see [`Repairs`]).
    pub content: AnnotationFile,
    /// How it was recognised.
    pub matched: MatchedBy,
    /// What had to be set right when it was read, to tell the user; the
    /// repaired content is written at the next save.
    pub repairs: Repairs,
}

/// Where an article's notes file is ([`Store::locate`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// The notes file.
    pub file: PathBuf,
    /// How it was recognised.
    pub matched: MatchedBy,
    /// Its size with its pending changes', to decide whether reading it
    /// is worth a background job.
    pub bytes: u64,
}

/// [`Store::locate`]'s answer, with the listing it was found in.
#[derive(Debug, Clone)]
pub struct Lookup {
    /// The notes file, when the article has one.
    pub located: Option<Located>,
    index: Index,
}

impl Lookup {
    /// [`Store::may_match_by_fingerprint`] from the listing `locate` made,
    /// so opening an article without notes lists the folder once.
    pub fn may_match_by_fingerprint(&self, path: &Path) -> bool {
        may_match_in(&self.index, path)
    }
}

/// Reading one article's notes file ([`Store::read_notes`]): a job that
/// may run off the event loop; what it read becomes the version this
/// store's later changes are made from.
#[derive(Debug)]
pub struct ReadNotes {
    shared: Arc<Shared>,
    seen: Arc<Mutex<HashMap<PathBuf, Seen>>>,
    located: Located,
}

impl ReadNotes {
    /// The notes file this reads.
    pub fn file(&self) -> &Path {
        &self.located.file
    }

    /// Reads and parses the file, its pending changes joined in; `Ok(None)`
    /// when it vanished since it was located.
    pub fn run(self) -> Result<Option<Found>, StoreError> {
        let Located { file, matched, .. } = self.located;
        let pending_stamp = Stamp::now(&pending_of(&file));
        let stamp = Stamp::now(&file);
        let Some((parsed, ids)) = read_joined(&file)? else {
            return Ok(None);
        };
        saw_in(&self.seen, &file, &parsed.content);
        let found = Found {
            file,
            content: parsed.content.clone(),
            matched,
            repairs: parsed.repairs.clone(),
        };
        let pending = match (pending_stamp, ids) {
            (Some(stamp), Some(ids)) => Some(Pending { stamp, ids }),
            _ => None,
        };
        self.shared.remember(
            &found.file,
            stamp,
            pending,
            parsed,
            format::Chunks::default(),
        );
        Ok(Some(found))
    }
}

/// A set of highlight ids asked about for each of a file's highlights:
/// compared one by one when it holds a handful (the usual one-change save),
/// since hashing each of 20,000 ids cost more than the rest of the save.
pub(super) enum IdSet<'a> {
    /// A few ids.
    Few(Vec<&'a HighlightId>),
    /// Many: hashed.
    Many(&'a HashSet<HighlightId>),
}

impl<'a> IdSet<'a> {
    /// Up to this many ids are compared one by one.
    const FEW: usize = 16;

    /// The set `ids`, as asked about.
    pub(super) fn new(ids: &'a HashSet<HighlightId>) -> Self {
        if ids.len() <= Self::FEW {
            Self::Few(ids.iter().collect())
        } else {
            Self::Many(ids)
        }
    }

    /// Whether `id` is in the set.
    pub(super) fn contains(&self, id: &HighlightId) -> bool {
        match self {
            Self::Few(few) => few.contains(&id),
            Self::Many(many) => many.contains(id),
        }
    }
}

/// Remembers in `seen` the version of `file` this process now holds.
fn saw_in(seen: &Mutex<HashMap<PathBuf, Seen>>, file: &Path, content: &AnnotationFile) {
    let versions = Seen::of(content);
    let mut seen = seen.lock().unwrap_or_else(|e| e.into_inner());
    seen.insert(file.to_path_buf(), versions);
}

/// See [`Store::may_match_by_fingerprint`].
fn may_match_in(index: &Index, path: &Path) -> bool {
    if !index.corrupt.is_empty() {
        return true;
    }
    index.entries.iter().any(|e| {
        e.article.path.is_empty() || {
            let recorded = text_to_path(&e.article.path);
            recorded != path && !recorded.exists()
        }
    })
}

/// One change to an article's annotations, merged into the file on disk.
///
/// A change made from the version this [`Store`] last read or wrote always
/// wins, whatever the clocks say. Only a copy that another process changed
/// after that is compared by `updated` time, the later winning.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    /// Adds or replaces a highlight by id.
    Upsert(Highlight),
    /// Removes the highlight with this id (nothing if absent).
    Delete(HighlightId),
    /// Saves the reading position.
    SetPosition(ReadingPosition),
}

/// The result of a save: where, and everything the file now holds (including
/// other processes' changes merged in).
#[derive(Debug, Clone, PartialEq)]
pub struct Saved {
    /// The annotation file.
    pub file: PathBuf,
    /// Its content as written; after [`Store::apply_changes`] it may hold
    /// only some highlights (see `partial`).
    pub content: AnnotationFile,
    /// Set when `content.highlights` holds only the highlights the ops
    /// named (those still there): the rest are as the saving window last
    /// had them, since nothing but this process changed the file since
    /// ([`Store::apply_changes`] on a large file).
    pub partial: bool,
}

impl Saved {
    /// Whether the file as written holds what `op` asked for, so the app says
    /// "saved" only when it is true. It is false when another process changed
    /// the same highlight (or position) later than this one read it, and
    /// later by the clock: the other change was kept.
    pub fn holds(&self, op: &Op) -> bool {
        match op {
            Op::Upsert(new) => self.content.highlights.iter().any(|h| {
                h.id == new.id
                    && h.note == new.note
                    && h.color == new.color
                    && h.tags == new.tags
                    && h.anchor == new.anchor
                    && h.orphaned == new.orphaned
            }),
            Op::Delete(id) => !self.content.highlights.iter().any(|h| &h.id == id),
            Op::SetPosition(new) => self
                .content
                .position
                .as_ref()
                .is_some_and(|p| p.offset == new.offset && p.quote == new.quote),
        }
    }
}

/// Why loading or saving failed; the file on disk is then unchanged.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The file system refused (full disk, permissions, ...). The reason
    /// comes first so a narrow status bar still shows it.
    #[error("{source} (cannot {action} {})", path.display())]
    Io {
        /// What was being done ("write", "read", ...).
        action: &'static str,
        /// The file or folder concerned.
        path: PathBuf,
        /// The system's error.
        source: io::Error,
    },
    /// The file does not parse; it is left as it is for the user to repair.
    #[error(transparent)]
    Corrupt(#[from] Corrupt),
    /// The data could not be turned into TOML that reads back identically.
    #[error("cannot save {}: {message}", path.display())]
    Encode {
        /// The annotation file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
}

fn io_error(action: &'static str, path: &Path) -> impl FnOnce(io::Error) -> StoreError {
    let path = path.to_path_buf();
    move |source| StoreError::Io {
        action,
        path,
        source,
    }
}

impl Store {
    /// Uses `<data_dir>/annotations/`; nothing is created until the first save.
    pub fn new(data_dir: &Path) -> Self {
        Self::with_disk(data_dir, Box::new(RealDisk))
    }

    /// [`Store::new`] writing through `disk`: how tests make saves fail the
    /// way a full or broken disk does.
    pub fn with_disk(data_dir: &Path, disk: Box<dyn Disk>) -> Self {
        let dir = data_dir.join("annotations");
        Self {
            shared: Arc::new(Shared {
                dir: dir.clone(),
                cache: Mutex::new(HashMap::new()),
                kept: Mutex::new(super::summaries::Kept::default()),
                disk,
                last: Mutex::new(None),
                pending_chunks: Mutex::new(format::Chunks::default()),
                pending_written: Mutex::new(None),
            }),
            dir,
            swept: std::sync::atomic::AtomicBool::new(false),
            seen: Arc::new(Mutex::new(HashMap::new())),
            tombstone_age: chrono::TimeDelta::days(i64::from(DEFAULT_TOMBSTONE_DAYS)),
            library_roots: Vec::new(),
            pending_from: None,
        }
    }

    /// Saves a change to a notes file of at least `bytes` bytes by writing
    /// only the changed highlights to its pending-changes file
    /// ([`pending_of`]), which [`Store::fold_due`] later folds into it off
    /// the event loop: rewriting and syncing a 6 MB file for each change took
    /// far longer than a keystroke may (issue 12). Every read of the store
    /// joins the pending changes in, so nothing else needs to know.
    pub fn pending_changes_above(mut self, bytes: u64) -> Self {
        self.pending_from = Some(bytes);
        self
    }

    /// The fold of the pending changes this process wrote or read last, when
    /// there are any: the session runs it as a background job after a save.
    pub fn fold_due(&self) -> Option<Fold> {
        let last = self.shared.last.lock().unwrap_or_else(|e| e.into_inner());
        last.as_ref().filter(|l| l.pending.is_some()).map(|l| Fold {
            shared: Arc::clone(&self.shared),
            file: l.file.clone(),
            tombstone_age: self.tombstone_age,
        })
    }

    /// Reads `file` as [`read_file`] does, from [`Shared::last`] when the
    /// file on disk (and its pending changes) are still the version kept
    /// there; also returns the rendered highlights kept for it, and the ids
    /// in the pending changes when the version on disk is the one this
    /// process holds.
    fn read_remembered(&self, file: &Path) -> Result<Remembered, StoreError> {
        let pending = Stamp::now(&pending_of(file));
        let stamp = Stamp::now(file);
        let last = self
            .shared
            .last
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        if let Some(last) = last
            && last.file == file
        {
            if stamp.is_some()
                && stamp.as_ref() == Some(&last.stamp)
                && pending.as_ref() == last.pending.as_ref().map(|p| &p.stamp)
            {
                return Ok(Remembered {
                    parsed: Some(last.parsed),
                    chunks: last.chunks,
                    current: Some(last.pending.map(|p| p.ids).unwrap_or_default()),
                    stamp,
                });
            }
            return Ok(Remembered {
                parsed: read_file(file)?,
                chunks: last.chunks,
                current: None,
                stamp,
            });
        }
        Ok(Remembered {
            parsed: read_file(file)?,
            chunks: format::Chunks::default(),
            current: None,
            stamp,
        })
    }

    /// Keeps `parsed` as the version of `file` (and of its pending changes,
    /// `pending`) on disk now, if those stamps (taken before it was read or
    /// just after it was written) are still the files'.
    fn remember(
        &self,
        file: &Path,
        stamp: Option<Stamp>,
        pending: Option<Pending>,
        parsed: format::Parsed,
        chunks: format::Chunks,
    ) {
        self.shared.remember(file, stamp, pending, parsed, chunks);
    }

    /// Keeps tombstones of deleted highlights `days` days (then they are
    /// dropped at the next save of their file): a copy of a notes file older
    /// than that, merged in, would bring those highlights back.
    pub fn keep_tombstones(mut self, days: u32) -> Self {
        self.tombstone_age = chrono::TimeDelta::days(i64::from(days));
        self
    }

    /// Names the library folders, so notes synced from another machine,
    /// where the same library sits under another folder, are found by the
    /// article's path inside the library when neither its full path nor its
    /// fingerprint (the article was edited) finds them.
    pub fn set_library_roots(&mut self, roots: Vec<PathBuf>) {
        self.library_roots = roots;
    }

    /// How long tombstones are kept.
    pub(super) fn tombstone_age(&self) -> chrono::TimeDelta {
        self.tombstone_age
    }

    /// Remembers the version of `file` this process now holds.
    fn saw(&self, file: &Path, content: &AnnotationFile) {
        saw_in(&self.seen, file, content);
    }

    /// [`Store::saw`] after a change of only the highlights `ids` (and the
    /// position) of the version this process held.
    fn saw_changes(&self, file: &Path, content: &AnnotationFile, ids: &HashSet<&HighlightId>) {
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        match seen.get_mut(file) {
            Some(versions) => versions.update(content, ids),
            None => {
                seen.insert(file.to_path_buf(), Seen::of(content));
            }
        }
    }

    /// The folder holding the annotation files.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Summaries of every annotation file, re-reading only files that changed
    /// since the last call. Temporary and lock files are ignored.
    pub fn index(&self) -> Result<Index, StoreError> {
        self.index_counting(true)
    }

    /// [`Store::index`] for finding an article's notes file, not for its
    /// figures: a large notes file is read for its header only (article,
    /// position), and its `highlight_count` is 0 until [`Store::index`]
    /// counts them. Counting reads the whole file (8.7 MB for 20,000
    /// highlights), which opening such an article need not wait for.
    pub fn index_uncounted(&self) -> Result<Index, StoreError> {
        self.index_counting(false)
    }

    /// Keeps what [`Store::index`] reads of each notes file in the cache
    /// folder `cache_dir` between runs (see `summaries`), so a start reads
    /// only the notes files that changed since [`Store::save_summaries`]
    /// last wrote it. Without it, they are kept in memory only.
    pub fn keep_summaries_in(&self, cache_dir: &Path) {
        let mut kept = self.shared.kept.lock().unwrap_or_else(|e| e.into_inner());
        kept.file = Some(cache_dir.join(super::summaries::FILE_NAME));
        kept.loaded = false;
    }

    /// Writes the summaries for the next run when they changed since they
    /// were read (see [`Store::keep_summaries_in`]). A failure only costs the
    /// next start some reading, so it is returned for the caller to ignore.
    pub fn save_summaries(&self) -> io::Result<()> {
        let cache = self.shared.cache.lock().unwrap_or_else(|e| e.into_inner());
        let mut kept = self.shared.kept.lock().unwrap_or_else(|e| e.into_inner());
        let Some(file) = kept.file.clone().filter(|_| kept.changed) else {
            return Ok(());
        };
        super::summaries::save(&file, &cache)?;
        kept.changed = false;
        Ok(())
    }

    /// [`Store::index`], counting every file's highlights or (for
    /// [`Store::index_uncounted`]) not those of large files.
    fn index_counting(&self, counting: bool) -> Result<Index, StoreError> {
        self.shared.index_counting(counting)
    }

    /// The summaries kept from the last run (see
    /// [`Store::keep_summaries_in`]) as they were written, not checked
    /// against the notes files: what a start shows at once, since looking
    /// at every notes file (10,000 of them take about 50 ms to stat here)
    /// would delay its first screen. `None` when none were kept (a first
    /// run, another gloss version, no cache folder): [`Store::index`] is
    /// then the only way. An [`IndexCheck`] brings them up to date after.
    pub fn index_kept(&self) -> Option<Index> {
        let mut cache = self.shared.cache.lock().unwrap_or_else(|e| e.into_inner());
        self.shared.load_kept(&mut cache);
        let mut kept: Vec<(&PathBuf, &IndexEntry)> = cache
            .iter()
            .filter_map(|(file, cached)| Some((file, cached.summary.as_ref().ok()?)))
            .collect();
        if kept.is_empty() {
            return None;
        }
        kept.sort_unstable_by(|(a, _), (b, _)| a.as_os_str().cmp(b.as_os_str()));
        Some(Index {
            entries: kept.into_iter().map(|(_, entry)| entry.clone()).collect(),
            corrupt: Vec::new(),
        })
    }

    /// A [`Store::index`] to run on another thread (it shares this store's
    /// summaries): checking the summaries [`Store::index_kept`] gave.
    pub fn index_check(&self) -> IndexCheck {
        IndexCheck(Arc::clone(&self.shared))
    }

    /// Finds the annotations of the article at `path` whose canonical text
    /// has `fingerprint`: a file recording that path wins (the article may
    /// have been edited in place); otherwise a file with the same fingerprint
    /// whose recorded path no longer exists (the article was moved). A file
    /// whose recorded path still exists belongs to that other copy and is not
    /// taken.
    ///
    /// A file that does not parse but seems to be this article's is reported
    /// as [`StoreError::Corrupt`], so the article opens read-only instead of
    /// starting a second file; see [`Store::find_article`].
    pub fn find(&self, path: &Path, fingerprint: &str) -> Result<Option<Found>, StoreError> {
        self.find_owned(path, fingerprint, None)
    }

    /// Whether a fingerprint could find notes for the article at `path`
    /// that its path does not: some file records a path that is gone (or
    /// none), the only kind [`Store::find`] matches by fingerprint, or some
    /// file does not parse (it may name the fingerprint). When not, opening
    /// an article without notes need not hash its whole text before its
    /// first screen: nothing the hash could find is there.
    pub fn may_match_by_fingerprint(&self, path: &Path) -> Result<bool, StoreError> {
        Ok(may_match_in(&self.index_uncounted()?, path))
    }

    /// [`Store::find`] for the article `record` describes, found at `path`
    /// (its exact bytes; `record.path` may be empty). Knowing the title lets a
    /// broken file with no readable `path` line (garbage, an empty file) be
    /// recognised by its file name, which is made from the title.
    pub fn find_article(
        &self,
        path: &Path,
        record: &ArticleRecord,
    ) -> Result<Option<Found>, StoreError> {
        self.find_owned(path, &record.fingerprint, Some(&record.title))
    }

    fn find_owned(
        &self,
        path: &Path,
        fingerprint: &str,
        title: Option<&str>,
    ) -> Result<Option<Found>, StoreError> {
        match self.locate_owned(path, fingerprint, title)?.located {
            Some(located) => self.read_notes(located).run(),
            None => Ok(None),
        }
    }

    /// Where the notes of the article `record` describes, found at `path`,
    /// are, from the listing alone (nothing is parsed): the first half of
    /// [`Store::find_article`], so a caller can decide how to read a large
    /// file ([`Store::read_notes`], off the event loop) before reading it.
    /// A broken file that seems to be this article's is an error, as there.
    pub fn locate(&self, path: &Path, record: &ArticleRecord) -> Result<Lookup, StoreError> {
        self.locate_owned(path, &record.fingerprint, Some(&record.title))
    }

    fn locate_owned(
        &self,
        path: &Path,
        fingerprint: &str,
        title: Option<&str>,
    ) -> Result<Lookup, StoreError> {
        let index = self.index_uncounted()?;
        let Some((file, matched)) = choose(&index, path, fingerprint, &self.library_roots) else {
            if let Some(corrupt) = broken_file_of(&index, path, fingerprint, title) {
                return Err(StoreError::Corrupt(corrupt));
            }
            return Ok(Lookup {
                located: None,
                index,
            });
        };
        let size = |f: &Path| fs::metadata(f).map_or(0, |m| m.len());
        let bytes = size(&file) + size(&pending_of(&file));
        Ok(Lookup {
            located: Some(Located {
                file,
                matched,
                bytes,
            }),
            index,
        })
    }

    /// Reads the notes file `located` names, with its pending changes, as
    /// the version later changes are made from (as [`Store::find`] does); the
    /// job can run on another thread.
    pub fn read_notes(&self, located: Located) -> ReadNotes {
        ReadNotes {
            shared: Arc::clone(&self.shared),
            seen: Arc::clone(&self.seen),
            located,
        }
    }

    /// Reads one annotation file in full, for tools (export, import) that
    /// need every highlight rather than the summary [`Store::index`] keeps.
    /// A file that vanished is reported as an I/O "not found" error. This
    /// does not count as the version later changes are made from (only
    /// [`Store::find`] and [`Store::apply`] do).
    pub fn read(&self, file: &Path) -> Result<AnnotationFile, StoreError> {
        // Not remembered as this process's version: a tool reading for an
        // export must not make a window's older copy look current.
        match read_file(file)? {
            Some(parsed) => Ok(parsed.content),
            None => Err(StoreError::Io {
                action: "read",
                path: file.to_path_buf(),
                source: io::Error::from(io::ErrorKind::NotFound),
            }),
        }
    }

    /// Merges `ops` into the article's file and saves it atomically under an
    /// exclusive lock; see [`Op`] for how conflicts resolve. `file` is the
    /// file [`Store::find`] returned, or `None` for an article without one
    /// yet (a file made meanwhile by another process is then found and used).
    /// `article` replaces the recorded title, path and fingerprint. A file
    /// that does not parse is refused and left untouched, also when `file` is
    /// `None` and the broken file seems to be this article's (see
    /// [`Store::find_article`]): a second file is never started beside it.
    ///
    /// On any error nothing on disk changed and `ops` can be passed again.
    pub fn apply(
        &self,
        file: Option<&Path>,
        article: &ArticleRecord,
        ops: &[Op],
    ) -> Result<Saved, StoreError> {
        self.apply_with(file, article, ops, false)
    }

    /// [`Store::apply`] for a window that holds the article's highlights
    /// and applied `ops` to its copy already: when the change only went to
    /// a large file's pending changes (no other process changed the file
    /// since this one read or wrote it), the result holds only the
    /// highlights `ops` named ([`Saved::partial`]), so one change to a file
    /// of 20,000 highlights does not copy them all.
    pub fn apply_changes(
        &self,
        file: Option<&Path>,
        article: &ArticleRecord,
        ops: &[Op],
    ) -> Result<Saved, StoreError> {
        self.apply_with(file, article, ops, true)
    }

    /// The whole content of `file` as this process last read or wrote it,
    /// when that is still the version on disk: what a [`Saved::partial`]
    /// result leaves out (the mirror folder needs every highlight).
    pub fn held(&self, file: &Path) -> Option<AnnotationFile> {
        let last = self.shared.last.lock().unwrap_or_else(|e| e.into_inner());
        last.as_ref()
            .filter(|l| l.file == file)
            .map(|l| l.parsed.content.clone())
    }

    fn apply_with(
        &self,
        file: Option<&Path>,
        article: &ArticleRecord,
        ops: &[Op],
        partial: bool,
    ) -> Result<Saved, StoreError> {
        fs::create_dir_all(&self.dir).map_err(io_error("create", &self.dir))?;
        let _lock = self.lock()?;
        if !self.swept.swap(true, std::sync::atomic::Ordering::Relaxed) {
            self.remove_stale_temps();
        }

        let target = match file {
            Some(file) => file.to_path_buf(),
            None => {
                let path = text_to_path(&article.path);
                let index = self.index_uncounted()?;
                match choose(&index, &path, &article.fingerprint, &self.library_roots) {
                    Some((file, _)) => file,
                    None => {
                        if let Some(corrupt) = broken_file_of(
                            &index,
                            &path,
                            &article.fingerprint,
                            Some(&article.title),
                        ) {
                            return Err(StoreError::Corrupt(corrupt));
                        }
                        self.new_file_name(&article.title)
                    }
                }
            }
        };
        let Remembered {
            parsed,
            mut chunks,
            current,
            stamp,
        } = self.read_remembered(&target)?;
        let (mut content, mut tombstones, extras) = parts_or_new(parsed, article);
        let before = content.article.clone();
        // The archived flag is kept newest-wins: a save from a window that
        // never saw it (or saw an older one) does not undo it.
        let archived =
            super::model::Stamped::newest(content.article.archived.take(), article.archived);
        content.article = article.clone();
        content.article.archived = archived;
        let now = chrono::Utc::now();
        {
            let seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
            merge(&mut content, &mut tombstones, ops, seen.get(&target), now);
        }
        // Only a change of highlights or position of a large file this
        // process holds goes to the pending changes: the article's record
        // is decided by the newer copy in a join, so a change of it is
        // written into the file itself.
        let pending_ids = match current {
            Some(ids)
                if content.article == before
                    && self.pending_from.is_some_and(|from| {
                        stamp.as_ref().is_some_and(|s| s.len >= from) || !ids.is_empty()
                    }) =>
            {
                Some(ids)
            }
            _ => None,
        };
        let mut only_named = false;
        let content = match pending_ids {
            Some(mut ids) => {
                let named: HashSet<&HighlightId> = ops
                    .iter()
                    .filter_map(|op| match op {
                        Op::Upsert(h) => Some(&h.id),
                        Op::Delete(id) => Some(id),
                        Op::SetPosition(_) => None,
                    })
                    .collect();
                ids.extend(named.iter().map(|id| (*id).clone()));
                let parsed = format::Parsed {
                    content,
                    tombstones,
                    extras,
                    repairs: Repairs::default(),
                };
                let pending = self.write_pending(&target, &parsed, ids)?;
                self.saw_changes(&target, &parsed.content, &named);
                let content = if partial {
                    only_named = true;
                    AnnotationFile {
                        version: parsed.content.version,
                        article: parsed.content.article.clone(),
                        position: parsed.content.position.clone(),
                        highlights: parsed
                            .content
                            .highlights
                            .iter()
                            .filter(|h| named.contains(&h.id))
                            .cloned()
                            .collect(),
                    }
                } else {
                    parsed.content.clone()
                };
                self.shared.cache_summary(&target, &parsed.content);
                self.remember(&target, stamp, Some(pending), parsed, chunks);
                content
            }
            None => {
                compact(&mut tombstones, now, self.tombstone_age);
                let text = format::render_with(&content, &tombstones, &extras, &mut chunks)
                    .map_err(|message| StoreError::Encode {
                        path: target.clone(),
                        message,
                    })?;
                self.write_atomically(&target, text.as_bytes())?;
                drop(text);
                // What the pending changes held is in the file now.
                remove_pending(&target);
                self.saw(&target, &content);
                let written = Stamp::now(&target);
                let parsed = format::Parsed {
                    content,
                    tombstones,
                    extras,
                    repairs: Repairs::default(),
                };
                let content = parsed.content.clone();
                self.remember(&target, written, None, parsed, chunks);
                self.shared.cache_summary(&target, &content);
                content
            }
        };
        Ok(Saved {
            file: target,
            content,
            partial: only_named,
        })
    }

    /// Writes the pending changes of `file`: the highlights `ids` as
    /// `parsed` holds them (or their tombstones), with its header, replacing
    /// the pending-changes file crash-safely. Returns its new version.
    fn write_pending(
        &self,
        file: &Path,
        parsed: &format::Parsed,
        ids: HashSet<HighlightId>,
    ) -> Result<Pending, StoreError> {
        let wanted = IdSet::new(&ids);
        let content = AnnotationFile {
            version: parsed.content.version,
            article: parsed.content.article.clone(),
            position: parsed.content.position.clone(),
            highlights: parsed
                .content
                .highlights
                .iter()
                .filter(|h| wanted.contains(&h.id))
                .cloned()
                .collect(),
        };
        let tombstones: Vec<_> = parsed
            .tombstones
            .iter()
            .filter(|t| wanted.contains(&t.id))
            .cloned()
            .collect();
        let extras = Extras {
            top: parsed.extras.top.clone(),
            article: parsed.extras.article.clone(),
            position: parsed.extras.position.clone(),
            highlights: parsed
                .extras
                .highlights
                .iter()
                .filter(|(id, _)| ids.contains(id.as_str()))
                .map(|(id, e)| (id.clone(), e.clone()))
                .collect(),
        };
        let path = pending_of(file);
        let text = {
            let mut chunks = self
                .shared
                .pending_chunks
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            format::render_with(&content, &tombstones, &extras, &mut chunks).map_err(|message| {
                StoreError::Encode {
                    path: path.clone(),
                    message,
                }
            })?
        };
        self.write_atomically(&path, text.as_bytes())?;
        *self
            .shared
            .pending_written
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = Some(std::time::Instant::now());
        let stamp = Stamp::now(&path).ok_or_else(|| StoreError::Io {
            action: "read",
            path: path.clone(),
            source: io::Error::from(io::ErrorKind::NotFound),
        })?;
        Ok(Pending { stamp, ids })
    }

    pub(super) fn lock(&self) -> Result<File, StoreError> {
        lock_in(&self.dir)
    }

    /// Under the lock no save is in progress, so any temporary file left is
    /// from a process that died mid-save.
    fn remove_stale_temps(&self) {
        let Ok(listing) = fs::read_dir(&self.dir) else {
            return;
        };
        for entry in listing.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with('.') && name.ends_with(TEMP_SUFFIX) {
                let _ = fs::remove_file(entry.path());
            }
        }
    }

    /// A name for a new annotation file of the article titled `title`, as
    /// [`Store::apply`] would choose; a batch (the import) that already
    /// knows the article has no file passes it to `apply`, which spares a
    /// scan of every file per article.
    pub fn new_file_for(&self, title: &str) -> PathBuf {
        self.new_file_name(title)
    }

    fn new_file_name(&self, title: &str) -> PathBuf {
        let slug = slug(title);
        loop {
            let id = ulid::Ulid::new().to_string().to_lowercase();
            let suffix = id.get(16..).unwrap_or(&id);
            let candidate = self.dir.join(format!("{slug}-{suffix}.toml"));
            if !candidate.exists() {
                return candidate;
            }
        }
    }

    /// Replaces `target` crash-safely through this store's disk
    /// ([`super::replace_file`]).
    pub(super) fn write_atomically(&self, target: &Path, bytes: &[u8]) -> Result<(), StoreError> {
        super::replace_file(self.shared.disk.as_ref(), target, bytes).map_err(|e| StoreError::Io {
            action: e.action,
            path: e.path,
            source: e.source,
        })
    }
}

/// The store's lock, held by a batch of saves ([`Store::lock_batch`]) from
/// its first [`Store::stage`] to its last [`Store::commit_staged`], so no
/// other save can come between a file's read and its replacement.
#[derive(Debug)]
pub struct BatchLock {
    _file: File,
}

/// A save prepared by [`Store::stage`] but not in place yet: its new bytes
/// are in a temporary file beside the annotation file.
#[derive(Debug, Clone)]
pub struct Staged {
    /// The annotation file it replaces or creates.
    pub file: PathBuf,
    /// The temporary file holding the new bytes.
    pub temp: PathBuf,
    /// The annotation file's bytes before (`None`: it did not exist).
    pub before: Option<Vec<u8>>,
    /// The new bytes.
    pub after: Vec<u8>,
    content: AnnotationFile,
}

/// Suffix of the temporary files of a batch: not [`TEMP_SUFFIX`], so a
/// save's sweep of leftover temporary files does not take the ones an
/// interrupted import still needs to finish.
pub const STAGED_SUFFIX: &str = ".staged";

impl Store {
    /// Takes the lock for a batch of saves (an import): every
    /// [`Store::stage`] and [`Store::commit_staged`] is made under it.
    pub fn lock_batch(&self) -> Result<BatchLock, StoreError> {
        fs::create_dir_all(&self.dir).map_err(io_error("create", &self.dir))?;
        let file = self.lock()?;
        if !self.swept.swap(true, std::sync::atomic::Ordering::Relaxed) {
            self.remove_stale_temps();
        }
        Ok(BatchLock { _file: file })
    }

    /// [`Store::apply`] up to the write: merges `ops` into `file` (an
    /// existing annotation file, or the name of a new one) and writes the
    /// result to a temporary file, unsynced. Nothing visible changes until
    /// [`Store::commit_staged`]; until then [`Store::discard_staged`] takes
    /// it back. A batch syncs all its temporary files at once
    /// ([`super::sync_files`]) before committing any.
    pub fn stage(
        &self,
        _lock: &BatchLock,
        file: &Path,
        article: &ArticleRecord,
        ops: &[Op],
    ) -> Result<Staged, StoreError> {
        let before = match fs::read(file) {
            Ok(bytes) => Some(bytes),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(io_error("read", file)(e)),
        };
        let parsed = match &before {
            // Under the batch lock no fold can remove the pending changes
            // between the two reads.
            Some(bytes) => Some(join(parse_bytes(file, bytes.clone())?, read_pending(file)?).0),
            None => None,
        };
        let (mut content, mut tombstones, extras) = parts_or_new(parsed, article);
        let archived =
            super::model::Stamped::newest(content.article.archived.take(), article.archived);
        content.article = article.clone();
        content.article.archived = archived;
        let now = chrono::Utc::now();
        {
            let seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
            merge(&mut content, &mut tombstones, ops, seen.get(file), now);
        }
        compact(&mut tombstones, now, self.tombstone_age);
        let text = format::render_with(
            &content,
            &tombstones,
            &extras,
            &mut format::Chunks::default(),
        )
        .map_err(|message| StoreError::Encode {
            path: file.to_path_buf(),
            message,
        })?;
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let temp = file.with_file_name(format!(".{name}.{}{STAGED_SUFFIX}", std::process::id()));
        let after = text.into_bytes();
        if let Err(e) = self.shared.disk.write_new_unsynced(&temp, &after) {
            if e.kind() != io::ErrorKind::AlreadyExists {
                let _ = fs::remove_file(&temp);
            }
            return Err(io_error("write", &temp)(e));
        }
        Ok(Staged {
            file: file.to_path_buf(),
            temp,
            before,
            after,
            content,
        })
    }

    /// Puts a staged save in place (a rename; the caller syncs the folder
    /// once after the batch) and remembers it as this process's version.
    pub fn commit_staged(&self, _lock: &BatchLock, staged: &Staged) -> Result<Saved, StoreError> {
        fs::rename(&staged.temp, &staged.file).map_err(io_error("replace", &staged.file))?;
        // The staged content joined the pending changes in.
        remove_pending(&staged.file);
        self.saw(&staged.file, &staged.content);
        self.shared.cache_summary(&staged.file, &staged.content);
        Ok(Saved {
            file: staged.file.clone(),
            content: staged.content.clone(),
            partial: false,
        })
    }

    /// Removes a staged save's temporary file (the batch was given up).
    pub fn discard_staged(&self, staged: &Staged) {
        let _ = fs::remove_file(&staged.temp);
    }
}

fn is_annotation_file(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    !name.starts_with('.') && name.ends_with(".toml") && !super::conflicts::is_conflict_copy(name)
}

/// The readable file of the article at `path` (compared byte for byte), or
/// of one that moved and has this `fingerprint`.
/// The notes file of the article at `path`: the one that records this path;
/// else one whose article is gone and had the same text (`fingerprint`);
/// else the only one whose article is gone and had the same path inside a
/// library folder (`roots`), as notes synced from a machine whose library
/// lives elsewhere do (two such files: none is chosen, rather than a wrong
/// one).
fn choose(
    index: &Index,
    path: &Path,
    fingerprint: &str,
    roots: &[PathBuf],
) -> Option<(PathBuf, MatchedBy)> {
    if let Some(entry) = index
        .entries
        .iter()
        .find(|e| !e.article.path.is_empty() && text_to_path(&e.article.path) == path)
    {
        return Some((entry.file.clone(), MatchedBy::Path));
    }
    let gone =
        |e: &&IndexEntry| e.article.path.is_empty() || !text_to_path(&e.article.path).exists();
    if !fingerprint.is_empty()
        && let Some(entry) = index
            .entries
            .iter()
            .filter(|e| e.article.fingerprint == fingerprint)
            .find(gone)
    {
        return Some((entry.file.clone(), MatchedBy::Fingerprint));
    }
    let inside = roots
        .iter()
        .filter_map(|root| path.strip_prefix(root).ok())
        .find(|rel| rel.components().next().is_some())?;
    let mut same_place = index
        .entries
        .iter()
        .filter(|e| !e.article.path.is_empty() && text_to_path(&e.article.path).ends_with(inside));
    let entry = same_place.find(gone)?;
    if same_place.any(|e| gone(&e)) {
        return None;
    }
    Some((entry.file.clone(), MatchedBy::LibraryPath))
}

fn summary_of(file: &Path, content: &AnnotationFile, repairs: Repairs) -> IndexEntry {
    IndexEntry {
        file: file.to_path_buf(),
        article: content.article.clone(),
        highlight_count: content.highlights.len(),
        position: content.position.clone(),
        repairs,
    }
}

/// A file that does not parse and seems to belong to the article at `path`:
/// its `path` line names the article, or it holds the article's fingerprint,
/// or it has no readable `path` line at all (garbage, an empty file) and is
/// named after the article's `title`. Better to keep an article read-only
/// because of a broken file that is not its own than to start a second file
/// beside its own broken one.
fn broken_file_of(
    index: &Index,
    path: &Path,
    fingerprint: &str,
    title: Option<&str>,
) -> Option<Corrupt> {
    let quoted = toml::Value::String(path_to_text(path)).to_string();
    let fingerprint =
        (!fingerprint.is_empty()).then(|| toml::Value::String(fingerprint.to_string()).to_string());
    let named = title.map(|t| format!("{}-", slug(t)));
    index
        .corrupt
        .iter()
        .find(|c| {
            let Ok(raw) = fs::read(&c.file) else {
                return false;
            };
            let raw = String::from_utf8_lossy(&raw);
            let values = |key: &'static str| {
                raw.lines().filter_map(move |line| {
                    let rest = line.trim().strip_prefix(key)?.trim_start();
                    Some(rest.strip_prefix('=')?.trim().to_string())
                })
            };
            let mut paths = values("path").peekable();
            if paths.peek().is_some() {
                return paths.any(|v| v == quoted)
                    || fingerprint
                        .as_ref()
                        .is_some_and(|f| values("fingerprint").any(|v| &v == f));
            }
            if fingerprint
                .as_ref()
                .is_some_and(|f| values("fingerprint").any(|v| &v == f))
            {
                return true;
            }
            named
                .as_deref()
                .is_some_and(|prefix| is_named_for(&c.file, prefix))
        })
        .cloned()
}

/// Whether `file` is named `<prefix><id>.toml`, as [`Store`] names files.
fn is_named_for(file: &Path, prefix: &str) -> bool {
    file.file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.strip_prefix(prefix))
        .and_then(|n| n.strip_suffix(".toml"))
        .is_some_and(|id| {
            id.chars().count() == NAME_ID_CHARS && id.chars().all(|c| c.is_ascii_alphanumeric())
        })
}

/// Notes files from this size on are summarised for [`Store::index`] from
/// their header (article, position) and a count of their highlights, not
/// parsed whole: the index is read at start, and parsing an 8 MB file of
/// 20,000 highlights took longer than the rest of the start together (issue
/// 12); finding an article's notes ([`Store::index_uncounted`]) reads their
/// header only. The rest of such a file is parsed when its article opens
/// (off the event loop), where a broken highlight is reported as for any
/// file.
const SUMMARY_FROM_BYTES: u64 = PENDING_FROM_BYTES;

/// The start of a highlight table as [`format::render_with`] writes it.
const HIGHLIGHT_START: &str = "\n[[highlight]]\nid = \"";

/// The summary [`Store::index`] keeps of notes file `file`, with its
/// pending changes joined in, and whether it counts the highlights (a large
/// file's are counted only when `counting`); `Ok(None)` when it does not
/// exist.
fn read_summary(file: &Path, counting: bool) -> Result<Option<(IndexEntry, bool)>, StoreError> {
    // The pending changes first, as in `read_joined`.
    let pending = read_pending(file)?;
    let mut handle = match File::open(file) {
        Ok(handle) => handle,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io_error("read", file)(e)),
    };
    let large = handle
        .metadata()
        .is_ok_and(|m| m.len() >= SUMMARY_FROM_BYTES);
    if large
        && let Some(entry) = summary_from_header(file, &mut handle, pending.as_ref(), counting)
            .map_err(io_error("read", file))?
    {
        return Ok(Some((entry, counting)));
    }
    // Parsed whole from the handle already open (from its start again,
    // when the summary above read some of it and gave up).
    let mut bytes = Vec::new();
    io::Seek::rewind(&mut handle)
        .and_then(|()| io::Read::read_to_end(&mut handle, &mut bytes))
        .map_err(io_error("read", file))?;
    let (parsed, _) = join(parse_bytes(file, bytes)?, pending);
    Ok(Some((
        summary_of(file, &parsed.content, parsed.repairs),
        true,
    )))
}

/// How much of a large notes file [`summary_from_header`] reads at a time.
const SUMMARY_CHUNK: usize = 256 * 1024;

/// What a highlight's id may take after [`HIGHLIGHT_START`], up to its
/// closing quote (ids are 26 characters).
const ID_ROOM: usize = 64;

/// [`read_summary`] of a large file as gloss writes it: the header (all
/// before the first `[[` table) parsed, the highlights counted by the lines
/// that start them. The file is read a piece at a time through one buffer:
/// reading 8 MB into fresh memory cost more than the rest of a start. `None`
/// when the file is not laid out so (hand-edited, a header not UTF-8 or that
/// does not parse or does not fit the first piece, a newer format): it is
/// then parsed whole, which says what is wrong with it. Unless `counting`,
/// only the header is read and the count is 0.
fn summary_from_header(
    file: &Path,
    handle: &mut File,
    pending: Option<&format::Parsed>,
    counting: bool,
) -> io::Result<Option<IndexEntry>> {
    let mut window: Vec<u8> = Vec::with_capacity(SUMMARY_CHUNK + HIGHLIGHT_START.len() + ID_ROOM);
    let mut chunk = vec![0u8; SUMMARY_CHUNK];
    let mut header = None;
    let mut count = 0usize;
    let mut live: HashSet<Vec<u8>> = HashSet::new();
    let finder = memchr::memmem::Finder::new(HIGHLIGHT_START.as_bytes());
    // Each window is what is kept of the last (its final bytes, where a
    // start may be cut) and the next piece; a start is counted in the window
    // where it begins before that kept tail, so it is counted once, id and all.
    let keep = HIGHLIGHT_START.len() + ID_ROOM;
    loop {
        let n = read_full(handle, &mut chunk)?;
        let last = n < chunk.len();
        window.extend_from_slice(chunk.get(..n).unwrap_or_default());
        if header.is_none() {
            // Only the header is decoded: the rest is searched as bytes (a
            // body that is not UTF-8 is reported when the article opens).
            let Some(end) = memchr::memmem::find(&window, b"\n[[").map(|at| at + 1) else {
                return Ok(None);
            };
            let Some(parsed) = window
                .get(..end)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| format::parse(h).ok())
            else {
                return Ok(None);
            };
            if parsed.content.version > SCHEMA_VERSION || !parsed.content.highlights.is_empty() {
                return Ok(None);
            }
            header = Some(parsed);
            if !counting {
                break;
            }
        }
        let counted_before = if last {
            window.len()
        } else {
            window.len().saturating_sub(keep)
        };
        for at in finder
            .find_iter(&window)
            .take_while(|&at| at < counted_before)
        {
            count += 1;
            if pending.is_some() {
                let id = window
                    .get(at + HIGHLIGHT_START.len()..)
                    .and_then(|rest| rest.get(..memchr::memchr(b'"', rest)?));
                if let Some(id) = id {
                    live.insert(id.to_vec());
                }
            }
        }
        if last {
            break;
        }
        window.drain(..counted_before);
    }
    let Some(header) = header else {
        return Ok(None);
    };
    let highlight_count = match pending {
        _ if !counting => 0,
        None => count,
        Some(pending) => {
            // The pending changes hold the highlights changed since the
            // file was written: new ones are added, deleted ones taken out.
            for h in &pending.content.highlights {
                live.insert(h.id.as_str().as_bytes().to_vec());
            }
            for t in &pending.tombstones {
                live.remove(t.id.as_str().as_bytes());
            }
            live.len()
        }
    };
    let (joined, _) = join(header, pending.cloned());
    let mut entry = summary_of(file, &joined.content, joined.repairs);
    entry.highlight_count = highlight_count;
    Ok(Some(entry))
}

/// Fills `buf` from `from` unless the file ends first; the bytes read.
fn read_full(from: &mut File, buf: &mut [u8]) -> io::Result<usize> {
    use std::io::Read;
    let mut filled = 0;
    while filled < buf.len() {
        match from.read(buf.get_mut(filled..).unwrap_or_default()) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// Reads and parses a notes file, its pending changes joined in; `Ok(None)`
/// when it does not exist.
pub(super) fn read_file(file: &Path) -> Result<Option<format::Parsed>, StoreError> {
    Ok(read_joined(file)?.map(|(parsed, _)| parsed))
}

/// A notes file with its pending changes joined in, and the ids these held
/// (`None`: there were none).
type Joined = (format::Parsed, Option<HashSet<HighlightId>>);

/// [`read_file`], also giving the ids the pending changes held (`None`: there
/// were none). The pending changes are read first: a fold writes the notes
/// file before it removes them, so whatever the order of events, the notes
/// file read after them holds them or they are joined in.
fn read_joined(file: &Path) -> Result<Option<Joined>, StoreError> {
    let pending = read_pending(file)?;
    let bytes = match fs::read(file) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io_error("read", file)(e)),
    };
    Ok(Some(join(parse_bytes(file, bytes)?, pending)))
}

/// The pending changes of notes file `file`, parsed; `None` when there are
/// none.
fn read_pending(file: &Path) -> Result<Option<format::Parsed>, StoreError> {
    let pending_file = pending_of(file);
    match fs::read(&pending_file) {
        Ok(bytes) => Ok(Some(parse_bytes(&pending_file, bytes)?)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io_error("read", &pending_file)(e)),
    }
}

/// Joins pending changes into a notes file, per id newest-wins as two sync
/// copies are merged; also gives the ids the pending changes held.
fn join(parsed: format::Parsed, pending: Option<format::Parsed>) -> Joined {
    let Some(pending) = pending else {
        return (parsed, None);
    };
    let ids: HashSet<HighlightId> = pending
        .content
        .highlights
        .iter()
        .map(|h| h.id.clone())
        .chain(pending.tombstones.iter().map(|t| t.id.clone()))
        .collect();
    let repairs = parsed.repairs.clone();
    let joined = merge_copies(&Copy::from(parsed), &Copy::from(pending));
    (
        format::Parsed {
            content: joined.content,
            tombstones: joined.tombstones,
            extras: joined.extras,
            repairs,
        },
        Some(ids),
    )
}

/// Takes the lock that serialises writers in the annotations folder `dir`.
fn lock_in(dir: &Path) -> Result<File, StoreError> {
    super::disk::lock_file(&dir.join(LOCK_NAME)).map_err(|e| StoreError::Io {
        action: e.action,
        path: e.path,
        source: e.source,
    })
}

/// Removes the pending changes of `file` once the file itself holds them.
/// Should it fail (or a crash come first), they are joined in again at the
/// next read, which changes nothing.
fn remove_pending(file: &Path) {
    let _ = fs::remove_file(pending_of(file));
}

/// What [`Store::read_remembered`] found.
struct Remembered {
    parsed: Option<format::Parsed>,
    chunks: format::Chunks,
    /// The ids in the pending changes, when the files on disk are the
    /// version this process holds (empty: it holds them, and there are no
    /// pending changes).
    current: Option<HashSet<HighlightId>>,
    /// The notes file's version, taken before it was read.
    stamp: Option<Stamp>,
}

impl Shared {
    /// See [`Store::remember`].
    fn remember(
        &self,
        file: &Path,
        stamp: Option<Stamp>,
        pending: Option<Pending>,
        parsed: format::Parsed,
        chunks: format::Chunks,
    ) {
        let pending_now = Stamp::now(&pending_of(file));
        let now = Stamp::now(file);
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        *last = match (stamp, now) {
            (Some(stamp), Some(now))
                if stamp == now && pending.as_ref().map(|p| &p.stamp) == pending_now.as_ref() =>
            {
                Some(Last {
                    file: file.to_path_buf(),
                    stamp,
                    pending,
                    parsed,
                    chunks,
                })
            }
            _ => None,
        };
    }

    /// Keeps the summary of `file` as just written, so the next listing
    /// does not read it again.
    fn cache_summary(&self, file: &Path, content: &AnnotationFile) {
        let pending = Stamp::now(&pending_of(file));
        if let Some(stamp) = Stamp::now(file) {
            let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
            // What was repaired at the read is on disk now.
            cache.insert(
                file.to_path_buf(),
                Cached {
                    stamp,
                    pending,
                    summary: Ok(summary_of(file, content, Repairs::default())),
                    counted: true,
                },
            );
        }
    }
}

/// Folds a notes file's pending changes into it ([`Store::fold_due`]), off
/// the event loop: the whole file is rendered and written (in a temporary
/// file, synced) without the store's lock, then put in place under it only
/// if neither file changed meanwhile; else it is given up, and the next save
/// asks again. A crash at any moment leaves the notes file with its pending
/// changes or the folded file, which read the same.
///
/// A fold is of the file named when it was made: when another article's
/// notes were read or saved before it runs (the store keeps one file
/// parsed), it reads its file again rather than fold the other one.
#[derive(Debug)]
pub struct Fold {
    shared: Arc<Shared>,
    /// The notes file whose pending changes are folded.
    file: PathBuf,
    /// How long tombstones are kept: the fold writes the whole file, so it
    /// drops the expired ones, as a save that writes the whole file does.
    tombstone_age: chrono::TimeDelta,
}

impl Fold {
    /// [`Fold::run`] once no pending changes were written for `quiet`:
    /// while changes come one after another, a fold would be given up at
    /// each (the file changed under it) after rendering megabytes, on the
    /// core the next change needs. Changes wait safely in the pending
    /// changes meanwhile.
    pub fn run_when_quiet(&self, quiet: std::time::Duration) -> Result<bool, StoreError> {
        loop {
            let written = *self
                .shared
                .pending_written
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            let since = written.map_or(quiet, |w| w.elapsed());
            if since >= quiet {
                break;
            }
            std::thread::sleep(quiet - since);
        }
        self.run()
    }

    /// Folds; true when the pending changes are in the notes file now. A
    /// fold that is given up or fails hands the rendered highlights it took
    /// back, so the next save of a large file does not render them all again.
    pub fn run(&self) -> Result<bool, StoreError> {
        let mut taken = (PathBuf::new(), format::Chunks::default());
        let result = self.fold(&mut taken);
        let (file, chunks) = taken;
        if !matches!(result, Ok(true)) && !chunks.is_empty() {
            let mut last = self.shared.last.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(last) = last.as_mut()
                && last.file == file
                && last.chunks.is_empty()
            {
                last.chunks = chunks;
            }
        }
        result
    }

    /// [`Fold::run`]'s work; `taken` holds the notes file and the rendered
    /// highlights taken from the store while it runs.
    fn fold(&self, taken: &mut (PathBuf, format::Chunks)) -> Result<bool, StoreError> {
        let shared = &self.shared;
        let file = self.file.clone();
        let held = {
            let mut last = shared.last.lock().unwrap_or_else(|e| e.into_inner());
            match last.as_mut() {
                Some(last) if last.file == file => match &last.pending {
                    Some(pending) => {
                        let fields = (
                            last.stamp.clone(),
                            pending.stamp.clone(),
                            last.parsed.clone(),
                        );
                        *taken = (last.file.clone(), std::mem::take(&mut last.chunks));
                        Some(fields)
                    }
                    // Folded already, or written whole since.
                    None => return Ok(false),
                },
                _ => None,
            }
        };
        let (stamp, pending, mut parsed) = match held {
            Some(held) => held,
            None => {
                // Another file was read or saved since: this one is read
                // again (its versions taken first, so a change made while
                // it is read makes the fold give up below).
                let Some(pending) = Stamp::now(&pending_of(&file)) else {
                    return Ok(false);
                };
                let Some(stamp) = Stamp::now(&file) else {
                    return Ok(false);
                };
                let Some((parsed, _)) = read_joined(&file)? else {
                    return Ok(false);
                };
                (stamp, pending, parsed)
            }
        };
        let now = chrono::Utc::now();
        compact(&mut parsed.tombstones, now, self.tombstone_age);
        let chunks = &mut taken.1;
        let text = format::render_with(&parsed.content, &parsed.tombstones, &parsed.extras, chunks)
            .map_err(|message| StoreError::Encode {
                path: file.clone(),
                message,
            })?;
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let temp = file.with_file_name(format!(".{name}.{}.fold{TEMP_SUFFIX}", std::process::id()));
        let _ = fs::remove_file(&temp);
        if let Err(e) = shared.disk.write_new(&temp, text.as_bytes()) {
            let _ = fs::remove_file(&temp);
            return Err(io_error("write", &temp)(e));
        }
        drop(text);
        let lock = lock_in(&shared.dir)?;
        let unchanged = Stamp::now(&file).as_ref() == Some(&stamp)
            && Stamp::now(&pending_of(&file)).as_ref() == Some(&pending);
        if !unchanged {
            let _ = fs::remove_file(&temp);
            return Ok(false);
        }
        if let Err(e) = fs::rename(&temp, &file) {
            let _ = fs::remove_file(&temp);
            if e.kind() == io::ErrorKind::NotFound {
                // A first save of this process swept the temporary file
                // away as a dead save's leftover (it is written before the
                // lock is taken): given up like a fold overtaken by a change,
                // and done again after the next save; the pending changes
                // are still beside the file.
                return Ok(false);
            }
            return Err(io_error("replace", &file)(e));
        }
        let folder = file.parent().unwrap_or(Path::new("."));
        super::sync_folder(folder).map_err(io_error("sync", folder))?;
        remove_pending(&file);
        let written = Stamp::now(&file);
        {
            let mut last = shared.last.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(last) = last.as_mut()
                && last.file == file
                && last.stamp == stamp
                && last.pending.as_ref().map(|p| &p.stamp) == Some(&pending)
                && let Some(written) = written
            {
                last.stamp = written;
                last.pending = None;
                compact(&mut last.parsed.tombstones, now, self.tombstone_age);
                last.chunks = std::mem::take(chunks);
            }
        }
        shared.cache_summary(&file, &parsed.content);
        drop(lock);
        Ok(true)
    }
}

/// What a save starts from: the file as read, or, when there is none yet,
/// an empty one for `article`.
fn parts_or_new(
    parsed: Option<format::Parsed>,
    article: &ArticleRecord,
) -> (AnnotationFile, Vec<super::Tombstone>, Extras) {
    match parsed {
        Some(parsed) => (parsed.content, parsed.tombstones, parsed.extras),
        None => (
            AnnotationFile {
                version: SCHEMA_VERSION,
                article: article.clone(),
                position: None,
                highlights: Vec::new(),
            },
            Vec::new(),
            Extras::default(),
        ),
    }
}

/// Parses the bytes of annotation file `file`, as [`read_file`] does.
fn parse_bytes(file: &Path, bytes: Vec<u8>) -> Result<format::Parsed, StoreError> {
    let corrupt = |f: ParseFailure| Corrupt {
        file: file.to_path_buf(),
        message: f.message,
        line: f.line,
        column: f.column,
    };
    let text = String::from_utf8(bytes).map_err(|e| Corrupt {
        file: file.to_path_buf(),
        message: format!("not UTF-8 text ({e})"),
        line: None,
        column: None,
    })?;
    let parsed = format::parse(&text).map_err(corrupt)?;
    if parsed.content.version > SCHEMA_VERSION {
        return Err(Corrupt {
            file: file.to_path_buf(),
            message: format!(
                "written by a newer gloss (format {}, this one reads up to {SCHEMA_VERSION})",
                parsed.content.version
            ),
            line: None,
            column: None,
        }
        .into());
    }
    Ok(parsed)
}

/// A file-name-safe short form of a title: lowercase ASCII letters and digits
/// joined by dashes, at most 40 characters, "article" when nothing is left.
fn slug(title: &str) -> String {
    let mut out = String::new();
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
        if out.len() >= 40 {
            break;
        }
    }
    let out = out.trim_end_matches('-');
    if out.is_empty() {
        "article".to_string()
    } else {
        out.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A notes file as gloss writes it, with `n` highlights, the first
    /// starting at `first_at` bytes (a comment in the header puts it there).
    fn notes_file(n: usize, first_at: usize) -> Vec<u8> {
        let mut head = String::from(
            "version = 2\n\n[article]\ntitle = \"T\"\npath = \"/a.md\"\nfingerprint = \"\"\n",
        );
        let filler = first_at.saturating_sub(head.len() + "# \n".len());
        head.push_str(&format!("# {}\n", "x".repeat(filler)));
        let mut out = head.into_bytes();
        for i in 0..n {
            out.extend_from_slice(
                format!(
                    "\n[[highlight]]\nid = \"01H{i:023}\"\ncreated = \"2026-12-01T02:12:15Z\"\n\
                     updated = \"2026-12-01T02:12:15Z\"\ncolor = \"yellow\"\ntags = []\nnote = \"\"\n\n\
                     [highlight.anchor]\nquote = \"q{i}\"\nprefix = \"\"\nsuffix = \"\"\nstart = 0\nend = 2\n"
                )
                .as_bytes(),
            );
        }
        out
    }

    #[test]
    fn a_large_files_highlights_are_counted_once_wherever_the_pieces_cut_them() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("big.toml");
        let record = notes_file(1, 0).len() - notes_file(0, 0).len();
        // Shifting the highlights by every offset within one of them puts
        // the cut between two pieces everywhere in a highlight's first
        // lines, its id included.
        for shift in 0..record {
            let bytes = notes_file(3_000, 200 + shift);
            assert!(bytes.len() as u64 >= SUMMARY_FROM_BYTES);
            fs::write(&file, &bytes).unwrap();
            // Read a piece at a time (not parsed whole, which would count
            // right anyway).
            let mut handle = File::open(&file).unwrap();
            let entry = summary_from_header(&file, &mut handle, None, true)
                .unwrap()
                .expect("summarised from the header");
            assert_eq!(entry.highlight_count, 3_000, "shifted by {shift}");
        }
        let (entry, _) = read_summary(&file, true).unwrap().unwrap();
        assert_eq!(entry.highlight_count, 3_000);
        // A header longer than the first piece is not summarised from it:
        // the file is read again from its start and parsed whole.
        fs::write(&file, notes_file(3_000, SUMMARY_CHUNK + 10)).unwrap();
        let mut handle = File::open(&file).unwrap();
        assert!(
            summary_from_header(&file, &mut handle, None, true)
                .unwrap()
                .is_none()
        );
        let (entry, _) = read_summary(&file, true).unwrap().unwrap();
        assert_eq!(entry.highlight_count, 3_000);
    }

    #[test]
    fn finding_a_large_files_article_reads_its_header_and_the_index_counts_it_later() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        fs::create_dir_all(store.dir()).unwrap();
        let file = store.dir().join("t-0000000001.toml");
        fs::write(&file, notes_file(3_000, 200)).unwrap();
        let (entry, counted) = read_summary(&file, false).unwrap().unwrap();
        assert!(!counted);
        assert_eq!(entry.article.path, "/a.md", "the header is read");
        assert_eq!(entry.highlight_count, 0, "not counted");
        // Finding the file needs no count...
        let found = store.index_uncounted().unwrap();
        assert_eq!(found.entries.len(), 1);
        assert_eq!(found.entries[0].article.path, "/a.md");
        // ...and the index made for figures counts, though the uncounted
        // summary was kept first.
        assert_eq!(store.index().unwrap().entries[0].highlight_count, 3_000);
        assert_eq!(
            store.index_uncounted().unwrap().entries[0].highlight_count,
            3_000,
            "a counted summary serves both"
        );
    }

    #[test]
    fn slugs_are_safe_and_short() {
        assert_eq!(slug("U.S. announces deal!"), "u-s-announces-deal");
        assert_eq!(slug("Ελληνικά"), "article");
        assert_eq!(slug("../../etc/passwd"), "etc-passwd");
        assert!(slug(&"word ".repeat(40)).len() <= 40);
    }

    #[test]
    fn only_notes_of_a_moved_article_or_a_broken_file_need_the_fingerprint() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        let here = dir.path().join("here.md");
        std::fs::write(&here, "# Here\n").unwrap();
        assert!(
            !store.may_match_by_fingerprint(&here).unwrap(),
            "no notes at all"
        );
        let record = |path: &Path| ArticleRecord {
            title: "Here".into(),
            path: path_to_text(path),
            fingerprint: "sha256:1".into(),
            ..ArticleRecord::default()
        };
        // Notes of an article that is still where they say: not a candidate.
        let other = dir.path().join("other.md");
        std::fs::write(&other, "# Other\n").unwrap();
        store.apply(None, &record(&other), &[]).unwrap();
        assert!(!store.may_match_by_fingerprint(&here).unwrap());
        // Notes whose article is gone (moved): the fingerprint may find them.
        store
            .apply(None, &record(&dir.path().join("gone.md")), &[])
            .unwrap();
        assert!(store.may_match_by_fingerprint(&here).unwrap());
        let fresh = tempfile::tempdir().unwrap();
        let store = Store::new(fresh.path());
        std::fs::create_dir_all(store.dir()).unwrap();
        std::fs::write(store.dir().join("broken-0123456789.toml"), "not = [toml").unwrap();
        assert!(
            store.may_match_by_fingerprint(&here).unwrap(),
            "a broken file"
        );
    }

    #[test]
    fn temp_and_lock_files_are_not_annotation_files() {
        assert!(is_annotation_file(Path::new("/a/deal-01ab.toml")));
        assert!(!is_annotation_file(Path::new("/a/.deal-01ab.toml.123.tmp")));
        assert!(!is_annotation_file(Path::new("/a/.lock")));
        assert!(!is_annotation_file(Path::new("/a/notes.txt")));
        assert!(!is_annotation_file(Path::new(
            "/a/deal-01ab.sync-conflict-20240501-101500-ABCDEFG.toml"
        )));
    }
}
