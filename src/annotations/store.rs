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
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

use super::format::{self, Extras, ParseFailure};
use super::{AnnotationFile, ArticleRecord, Highlight, ReadingPosition, SCHEMA_VERSION};

/// Name of the lock file that serialises writers in the annotations folder.
const LOCK_NAME: &str = ".lock";

/// Suffix of temporary files; they start with a dot, so they are never taken
/// for annotation files.
const TEMP_SUFFIX: &str = ".tmp";

/// The annotation store of one data directory, with a cache of what each file
/// holds so listing a library does not re-read every file each time.
#[derive(Debug)]
pub struct Store {
    dir: PathBuf,
    cache: Mutex<HashMap<PathBuf, Cached>>,
    /// Whether this process has cleared temporary files a crashed save left;
    /// once is enough, so saves do not list the folder each time.
    swept: std::sync::atomic::AtomicBool,
}

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
    /// Where the reader stopped, for progress in the list.
    pub position: Option<ReadingPosition>,
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
}

/// The annotations found for an article.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    /// The annotation file, to pass to [`Store::apply`].
    pub file: PathBuf,
    /// Its content.
    pub content: AnnotationFile,
    /// How it was recognised.
    pub matched: MatchedBy,
}

/// One change to an article's annotations, merged into the file on disk.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    /// Adds or replaces a highlight by id; a copy on disk with a newer
    /// `updated` wins (another process changed it later).
    Upsert(Highlight),
    /// Removes the highlight with this id (nothing if absent).
    Delete(String),
    /// Saves the reading position unless the one on disk is newer.
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

/// Why loading or saving failed; the file on disk is then unchanged.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The file system refused (full disk, permissions, ...).
    #[error("cannot {action} {}: {source}", path.display())]
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
        Self {
            dir: data_dir.join("annotations"),
            cache: Mutex::new(HashMap::new()),
            swept: std::sync::atomic::AtomicBool::new(false),
        }
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
                        Ok(Some(parsed)) => Ok(summary_of(&file, &parsed.content)),
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
    pub fn find(&self, path: &Path, fingerprint: &str) -> Result<Option<Found>, StoreError> {
        let index = self.index()?;
        let Some((file, matched)) = choose(&index, path, fingerprint) else {
            // A file that does not parse may still be this article's: its
            // `path` line usually survives a bad edit elsewhere. Reporting it
            // keeps the article read-only instead of starting a second file.
            if let Some(corrupt) = index.corrupt.iter().find(|c| mentions_path(&c.file, path)) {
                return Err(StoreError::Corrupt(corrupt.clone()));
            }
            return Ok(None);
        };
        match read_file(&file)? {
            Some(parsed) => Ok(Some(Found {
                file,
                content: parsed.content,
                matched,
            })),
            None => Ok(None),
        }
    }

    /// Reads one annotation file in full, for tools (export, import) that
    /// need every highlight rather than the summary [`Store::index`] keeps.
    /// A file that vanished is reported as an I/O "not found" error.
    pub fn read(&self, file: &Path) -> Result<AnnotationFile, StoreError> {
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
    /// that does not parse is refused and left untouched.
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
                let path = Path::new(&article.path);
                match choose(&self.index()?, path, &article.fingerprint) {
                    Some((file, _)) => file,
                    None => self.new_file_name(&article.title),
                }
            }
        };
        let (mut content, extras) = match read_file(&target)? {
            Some(parsed) => (parsed.content, parsed.extras),
            None => (
                AnnotationFile {
                    version: SCHEMA_VERSION,
                    article: article.clone(),
                    position: None,
                    highlights: Vec::new(),
                },
                Extras::default(),
            ),
        };
        content.article = article.clone();
        merge(&mut content, ops);

        let text = format::render(&content, &extras).map_err(|message| StoreError::Encode {
            path: target.clone(),
            message,
        })?;
        self.write_atomically(&target, text.as_bytes())?;
        if let Ok(meta) = fs::metadata(&target) {
            let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
            cache.insert(
                target.clone(),
                Cached {
                    stamp: Stamp::of(&meta),
                    summary: Ok(summary_of(&target, &content)),
                },
            );
        }
        Ok(Saved {
            file: target,
            content,
        })
    }

    fn lock(&self) -> Result<File, StoreError> {
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

    /// Temp file in the same folder, written and synced, renamed over the
    /// target, then the folder synced: a crash leaves the old file or the
    /// new one, never a mix.
    fn write_atomically(&self, target: &Path, bytes: &[u8]) -> Result<(), StoreError> {
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let folder = target.parent().unwrap_or(&self.dir);
        let temp = folder.join(format!(".{name}.{}{TEMP_SUFFIX}", std::process::id()));
        let result = (|| {
            let mut out = OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(true)
                .open(&temp)
                .map_err(io_error("create", &temp))?;
            out.write_all(bytes).map_err(io_error("write", &temp))?;
            out.sync_all().map_err(io_error("sync", &temp))?;
            drop(out);
            fs::rename(&temp, target).map_err(io_error("replace", target))?;
            Ok(())
        })();
        if result.is_err() {
            let _ = fs::remove_file(&temp);
            return result;
        }
        sync_folder(folder).map_err(io_error("sync", folder))?;
        Ok(())
    }
}

#[cfg(unix)]
fn sync_folder(folder: &Path) -> io::Result<()> {
    File::open(folder)?.sync_all()
}

#[cfg(not(unix))]
fn sync_folder(_folder: &Path) -> io::Result<()> {
    Ok(())
}

fn is_annotation_file(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    !name.starts_with('.') && name.ends_with(".toml")
}

fn choose(index: &Index, path: &Path, fingerprint: &str) -> Option<(PathBuf, MatchedBy)> {
    if let Some(entry) = index
        .entries
        .iter()
        .find(|e| !e.article.path.is_empty() && Path::new(&e.article.path) == path)
    {
        return Some((entry.file.clone(), MatchedBy::Path));
    }
    if fingerprint.is_empty() {
        return None;
    }
    index
        .entries
        .iter()
        .filter(|e| e.article.fingerprint == fingerprint)
        .find(|e| e.article.path.is_empty() || !Path::new(&e.article.path).exists())
        .map(|e| (e.file.clone(), MatchedBy::Fingerprint))
}

fn summary_of(file: &Path, content: &AnnotationFile) -> IndexEntry {
    IndexEntry {
        file: file.to_path_buf(),
        article: content.article.clone(),
        highlight_count: content.highlights.len(),
        position: content.position.clone(),
    }
}

/// Reads and parses a file; `Ok(None)` when it does not exist.
/// Whether an annotation file that does not parse names `path` as its
/// article, judged from its raw text.
fn mentions_path(file: &Path, path: &Path) -> bool {
    let Ok(raw) = fs::read(file) else {
        return false;
    };
    let raw = String::from_utf8_lossy(&raw);
    let quoted = toml::Value::String(path.display().to_string()).to_string();
    raw.lines().any(|line| {
        let line = line.trim();
        line.strip_prefix("path")
            .map(str::trim_start)
            .and_then(|rest| rest.strip_prefix('='))
            .is_some_and(|value| value.trim() == quoted)
    })
}

fn read_file(file: &Path) -> Result<Option<format::Parsed>, StoreError> {
    let bytes = match fs::read(file) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io_error("read", file)(e)),
    };
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
    Ok(Some(parsed))
}

/// Applies the operations to the file's content and restores document order.
fn merge(content: &mut AnnotationFile, ops: &[Op]) {
    for op in ops {
        match op {
            Op::Upsert(new) => match content.highlights.iter_mut().find(|h| h.id == new.id) {
                Some(old) if old.updated > new.updated => {}
                Some(old) => *old = new.clone(),
                None => content.highlights.push(new.clone()),
            },
            Op::Delete(id) => content.highlights.retain(|h| &h.id != id),
            Op::SetPosition(new) => {
                let newer = content
                    .position
                    .as_ref()
                    .is_none_or(|old| old.updated <= new.updated);
                if newer {
                    content.position = Some(new.clone());
                }
            }
        }
    }
    // A NaN would never compare equal to itself when the save is verified.
    if let Some(position) = &mut content.position
        && !position.progress.is_finite()
    {
        position.progress = 0.0;
    }
    content.version = content.version.max(SCHEMA_VERSION);
    content.highlights.sort_by(|a, b| {
        (a.anchor.start, a.anchor.end, &a.id).cmp(&(b.anchor.start, b.anchor.end, &b.id))
    });
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
    fn temp_and_lock_files_are_not_annotation_files() {
        assert!(is_annotation_file(Path::new("/a/deal-01ab.toml")));
        assert!(!is_annotation_file(Path::new("/a/.deal-01ab.toml.123.tmp")));
        assert!(!is_annotation_file(Path::new("/a/.lock")));
        assert!(!is_annotation_file(Path::new("/a/notes.txt")));
    }
}
