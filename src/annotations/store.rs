//! The annotation files on disk: one TOML file per article in
//! `<data_dir>/annotations/`, found again by the article's path or, after a
//! move, by its text fingerprint.
//!
//! Every save takes an exclusive lock, re-reads the file, merges the change
//! into what is on disk and replaces the file atomically, so two gloss
//! processes never lose each other's highlights and a crash never leaves a
//! half-written file. A file that does not parse is reported and left alone:
//! it is never overwritten or renamed.

use std::collections::HashMap;
use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

use super::disk::{Disk, RealDisk};
use super::format::{self, Extras, ParseFailure};
use super::merge::{Seen, merge};
use super::path_text::{path_to_text, text_to_path};
use super::repair::Repairs;
use super::sync::compact;
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
    cache: Mutex<HashMap<PathBuf, Cached>>,
    /// Whether this process has cleared temporary files a crashed save left;
    /// once is enough, so saves do not list the folder each time.
    swept: std::sync::atomic::AtomicBool,
    /// The version of each file this process last read or wrote: a change
    /// made from it wins over it, whatever the clocks say.
    seen: Mutex<HashMap<PathBuf, Seen>>,
    /// Where saves write (the real disk, or a failing one in tests).
    disk: Box<dyn Disk>,
    /// How long a deleted highlight's tombstone is kept (`[sync]
    /// tombstone_days`).
    tombstone_age: chrono::TimeDelta,
    /// The library folders (canonical paths): an article is also found by
    /// its path inside one of them, for notes synced from a machine where
    /// the library lives elsewhere (see [`Store::set_library_roots`]).
    library_roots: Vec<PathBuf>,
    /// The file this process read or wrote last, parsed, with its
    /// highlights' rendered text: the next save of the same, unchanged file
    /// neither parses it again nor renders what did not change.
    last: Mutex<Option<Last>>,
}

/// See [`Store::last`].
#[derive(Debug)]
struct Last {
    file: PathBuf,
    stamp: Stamp,
    parsed: format::Parsed,
    chunks: format::Chunks,
}

/// Tombstones are kept this many days unless the config says otherwise:
/// long enough for a laptop left in a drawer for a season to sync again
/// without bringing deleted highlights back.
pub const DEFAULT_TOMBSTONE_DAYS: u32 = 180;

#[derive(Debug, Clone)]
struct Cached {
    stamp: Stamp,
    summary: Result<IndexEntry, Corrupt>,
}

/// What identifies one version of a file cheaply: a save replaces the file
/// (new inode), so a same-size rewrite within one clock tick is still seen.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
    inode: u64,
}

impl Stamp {
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

/// One annotation file as the library list needs it.
#[derive(Debug, Clone, PartialEq)]
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
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
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
    /// Its content as written.
    pub content: AnnotationFile,
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
        Self {
            dir: data_dir.join("annotations"),
            cache: Mutex::new(HashMap::new()),
            swept: std::sync::atomic::AtomicBool::new(false),
            seen: Mutex::new(HashMap::new()),
            disk,
            tombstone_age: chrono::TimeDelta::days(i64::from(DEFAULT_TOMBSTONE_DAYS)),
            library_roots: Vec::new(),
            last: Mutex::new(None),
        }
    }

    /// Reads `file` as [`read_file`] does, from [`Store::last`] when the file
    /// on disk is still the version kept there; also returns the rendered
    /// highlights kept for it.
    fn read_remembered(
        &self,
        file: &Path,
    ) -> Result<(Option<format::Parsed>, format::Chunks), StoreError> {
        let stamp = fs::metadata(file).ok().map(|m| Stamp::of(&m));
        let last = self.last.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(last) = last
            && last.file == file
        {
            if stamp.as_ref() == Some(&last.stamp) {
                return Ok((Some(last.parsed), last.chunks));
            }
            return Ok((read_file(file)?, last.chunks));
        }
        Ok((read_file(file)?, format::Chunks::default()))
    }

    /// Keeps `parsed` as the version of `file` on disk now, if `stamp` (taken
    /// before it was read or just after it was written) is still the file's.
    fn remember(
        &self,
        file: &Path,
        stamp: Option<Stamp>,
        parsed: format::Parsed,
        chunks: format::Chunks,
    ) {
        let now = fs::metadata(file).ok().map(|m| Stamp::of(&m));
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        *last = match (stamp, now) {
            (Some(stamp), Some(now)) if stamp == now => Some(Last {
                file: file.to_path_buf(),
                stamp,
                parsed,
                chunks,
            }),
            _ => None,
        };
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
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        seen.insert(file.to_path_buf(), Seen::of(content));
    }

    /// The folder holding the annotation files.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Summaries of every annotation file, re-reading only files that changed
    /// since the last call. Temporary and lock files are ignored.
    pub fn index(&self) -> Result<Index, StoreError> {
        let listing = match fs::read_dir(&self.dir) {
            Ok(listing) => listing,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Index::default()),
            Err(e) => return Err(io_error("list", &self.dir)(e)),
        };
        let mut files = Vec::new();
        for entry in listing {
            let entry = entry.map_err(io_error("list", &self.dir))?;
            if is_annotation_file(&entry.path()) {
                files.push(entry.path());
            }
        }
        files.sort();

        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        cache.retain(|path, _| files.binary_search(path).is_ok());
        let mut index = Index::default();
        for file in files {
            let meta = match fs::metadata(&file) {
                Ok(meta) if meta.is_file() => meta,
                // Removed since listing, or a folder named like a file.
                _ => continue,
            };
            let stamp = Stamp::of(&meta);
            let fresh = cache.get(&file).filter(|c| c.stamp == stamp).cloned();
            let cached = match fresh {
                Some(cached) => cached,
                None => {
                    let summary = match read_file(&file) {
                        Ok(Some(parsed)) => Ok(summary_of(&file, &parsed.content, parsed.repairs)),
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
                    let cached = Cached { stamp, summary };
                    cache.insert(file.clone(), cached.clone());
                    cached
                }
            };
            match cached.summary {
                Ok(entry) => index.entries.push(entry),
                Err(corrupt) => index.corrupt.push(corrupt),
            }
        }
        Ok(index)
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
        let index = self.index()?;
        if !index.corrupt.is_empty() {
            return Ok(true);
        }
        Ok(index.entries.iter().any(|e| {
            e.article.path.is_empty() || {
                let recorded = text_to_path(&e.article.path);
                recorded != path && !recorded.exists()
            }
        }))
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
        let index = self.index()?;
        let Some((file, matched)) = choose(&index, path, fingerprint, &self.library_roots) else {
            if let Some(corrupt) = broken_file_of(&index, path, fingerprint, title) {
                return Err(StoreError::Corrupt(corrupt));
            }
            return Ok(None);
        };
        let stamp = fs::metadata(&file).ok().map(|m| Stamp::of(&m));
        match read_file(&file)? {
            Some(parsed) => {
                self.saw(&file, &parsed.content);
                let found = Found {
                    file,
                    content: parsed.content.clone(),
                    matched,
                    repairs: parsed.repairs.clone(),
                };
                self.remember(&found.file, stamp, parsed, format::Chunks::default());
                Ok(Some(found))
            }
            None => Ok(None),
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
        fs::create_dir_all(&self.dir).map_err(io_error("create", &self.dir))?;
        let _lock = self.lock()?;
        if !self.swept.swap(true, std::sync::atomic::Ordering::Relaxed) {
            self.remove_stale_temps();
        }

        let target = match file {
            Some(file) => file.to_path_buf(),
            None => {
                let path = text_to_path(&article.path);
                let index = self.index()?;
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
        let (parsed, mut chunks) = self.read_remembered(&target)?;
        let (mut content, mut tombstones, extras) = match parsed {
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
        };
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
        compact(&mut tombstones, now, self.tombstone_age);

        let text = format::render_with(&content, &tombstones, &extras, &mut chunks).map_err(
            |message| StoreError::Encode {
                path: target.clone(),
                message,
            },
        )?;
        self.write_atomically(&target, text.as_bytes())?;
        drop(text);
        self.saw(&target, &content);
        let written = fs::metadata(&target).ok().map(|m| Stamp::of(&m));
        self.remember(
            &target,
            written,
            format::Parsed {
                content: content.clone(),
                tombstones,
                extras,
                repairs: Repairs::default(),
            },
            chunks,
        );
        if let Ok(meta) = fs::metadata(&target) {
            let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
            // What was repaired at the read is on disk now.
            cache.insert(
                target.clone(),
                Cached {
                    stamp: Stamp::of(&meta),
                    summary: Ok(summary_of(&target, &content, Repairs::default())),
                },
            );
        }
        Ok(Saved {
            file: target,
            content,
        })
    }

    pub(super) fn lock(&self) -> Result<File, StoreError> {
        let path = self.dir.join(LOCK_NAME);
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(io_error("open", &path))?;
        file.lock().map_err(io_error("lock", &path))?;
        Ok(file)
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
        super::replace_file(self.disk.as_ref(), target, bytes).map_err(|e| StoreError::Io {
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
            Some(bytes) => Some(parse_bytes(file, bytes.clone())?),
            None => None,
        };
        let (mut content, mut tombstones, extras) = match parsed {
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
        };
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
        if let Err(e) = self.disk.write_new_unsynced(&temp, &after) {
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
        self.saw(&staged.file, &staged.content);
        if let Ok(meta) = fs::metadata(&staged.file) {
            let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
            cache.insert(
                staged.file.clone(),
                Cached {
                    stamp: Stamp::of(&meta),
                    summary: Ok(summary_of(
                        &staged.file,
                        &staged.content,
                        Repairs::default(),
                    )),
                },
            );
        }
        Ok(Saved {
            file: staged.file.clone(),
            content: staged.content.clone(),
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

/// Reads and parses a file; `Ok(None)` when it does not exist.
pub(super) fn read_file(file: &Path) -> Result<Option<format::Parsed>, StoreError> {
    let bytes = match fs::read(file) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io_error("read", file)(e)),
    };
    parse_bytes(file, bytes).map(Some)
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
