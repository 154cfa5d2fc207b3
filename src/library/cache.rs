//! The library's metadata cache: each article's title, author and date,
//! remembered by path, length and modification time, so a start that finds
//! a file unchanged lists it without reading a byte of it.
//!
//! It lives in gloss's cache folder (`$XDG_CACHE_HOME/gloss/library.json` on
//! Linux) and is only ever a shortcut: a missing, damaged or older-format
//! cache is taken as empty and rebuilt by the next scan, and it is written to
//! a temporary file renamed over the old one, so a crash leaves the old or
//! the new cache, never half of one.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::document::Metadata;

/// The cache file's name inside the cache folder.
const FILE_NAME: &str = "library.json";

/// Bumped when what is cached or how it is read changes, so a cache written
/// by another version is rebuilt rather than trusted.
const VERSION: u32 = 3; // 2: web pages' titles lose the site's name; 3: also beside a source link

/// What identifies one version of a file without reading it: the one key
/// of both caches (this metadata cache and the session's fingerprints).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileStamp {
    /// Length in bytes.
    pub len: u64,
    /// Modification time, nanoseconds since the Unix epoch.
    pub modified_ns: u64,
}

impl FileStamp {
    /// The stamp of `path` now; `None` when it cannot be read (then nothing
    /// is cached for it).
    pub fn of(path: &Path) -> Option<Self> {
        Self::of_metadata(&fs::metadata(path).ok()?)
    }

    /// The stamp in `meta`; `None` when the system gives no modification
    /// time (then nothing is cached for the file).
    pub fn of_metadata(meta: &fs::Metadata) -> Option<Self> {
        let modified = meta.modified().ok()?.duration_since(UNIX_EPOCH).ok()?;
        Some(Self {
            len: meta.len(),
            modified_ns: u64::try_from(modified.as_nanos()).unwrap_or(u64::MAX),
        })
    }
}

/// One file's listing as cached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cached {
    /// The version of the file it was read from.
    pub stamp: FileStamp,
    /// Title from the text, if it has one (else the file name is shown).
    pub title: Option<String>,
    /// Author.
    pub author: Option<String>,
    /// Date as written.
    pub date_text: Option<String>,
    /// Date parsed, `YYYY-MM-DD`.
    pub date: Option<NaiveDate>,
    /// Whether invalid UTF-8 was replaced.
    pub lossy: bool,
}

impl Cached {
    /// The listing of a file read at `stamp`.
    pub fn new(stamp: FileStamp, meta: &Metadata, lossy: bool) -> Self {
        Self {
            stamp,
            title: meta.title.clone(),
            author: meta.author.clone(),
            date_text: meta.date_text.clone(),
            date: meta.date,
            lossy,
        }
    }

    /// The metadata to list.
    pub fn metadata(&self) -> Metadata {
        Metadata {
            title: self.title.clone(),
            author: self.author.clone(),
            date_text: self.date_text.clone(),
            date: self.date,
            source_url: None,
        }
    }
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct CacheFile {
    version: u32,
    #[serde(default)]
    entries: HashMap<String, Cached>,
}

/// Listings by path, each valid only for the stamp it was taken at.
#[derive(Debug, Default)]
pub struct MetaCache {
    file: Option<PathBuf>,
    entries: HashMap<String, Cached>,
    /// Paths looked up or stored since the last [`MetaCache::retain_seen`].
    seen: HashSet<String>,
    changed: bool,
}

impl MetaCache {
    /// The cache kept in `cache_dir` (in memory only when `None`). A missing,
    /// damaged or older cache gives an empty one, replaced at the next save.
    pub fn load(cache_dir: Option<&Path>) -> Self {
        let file = cache_dir.map(|dir| dir.join(FILE_NAME));
        let entries = file
            .as_deref()
            .and_then(|f| fs::read(f).ok())
            .and_then(|bytes| serde_json::from_slice::<CacheFile>(&bytes).ok())
            .filter(|c| c.version == VERSION)
            .map(|c| c.entries)
            .unwrap_or_default();
        Self {
            file,
            entries,
            seen: HashSet::new(),
            changed: false,
        }
    }

    /// How many files the cache knows.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when the cache knows no file.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Every file the cache knows at or under one of `roots` (as the scan
    /// was given them, so as its paths are written), in the order a scan
    /// walks them (each folder's names sorted, folders entered where their
    /// name comes). A start lists these at once, before the scan confirms
    /// each file is still there and unchanged.
    pub fn listed_under(&self, roots: &[PathBuf]) -> Vec<(PathBuf, &Cached)> {
        let mut found = self.listed_under_unsorted(roots);
        sort_walk_order(&mut found);
        found
    }

    /// [`Self::listed_under`] with only its first `first` entries in walk
    /// order (the rest in no order): a start shows those at once and orders
    /// the rest with [`sort_walk_order`] after, instead of sorting 10,000
    /// paths before its first frame.
    pub fn listed_under_first(&self, roots: &[PathBuf], first: usize) -> Vec<(PathBuf, &Cached)> {
        let mut found = self.listed_under_unsorted(roots);
        let order =
            |(a, _): &(PathBuf, &Cached), (b, _): &(PathBuf, &Cached)| walk_order_path(a, b);
        if first < found.len() {
            found.select_nth_unstable_by(first, order);
        }
        let head = first.min(found.len());
        found[..head].sort_unstable_by(order);
        found
    }

    fn listed_under_unsorted(&self, roots: &[PathBuf]) -> Vec<(PathBuf, &Cached)> {
        let roots: Vec<String> = roots.iter().map(|r| key(r)).collect();
        let under = |k: &str| {
            roots.iter().any(|root| {
                let root = root.strip_suffix('/').unwrap_or(root);
                k.strip_prefix(root)
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
            })
        };
        self.entries
            .iter()
            .filter(|(k, _)| under(k))
            .map(|(k, cached)| (crate::annotations::text_to_path(k), cached))
            .collect()
    }

    /// The listing of `path` if it was read at `stamp`.
    pub fn get(&mut self, path: &Path, stamp: FileStamp) -> Option<&Cached> {
        let key = key(path);
        self.seen.insert(key.clone());
        self.entries.get(&key).filter(|c| c.stamp == stamp)
    }

    /// Remembers the listing of `path`.
    pub fn put(&mut self, path: &Path, cached: Cached) {
        let key = key(path);
        self.seen.insert(key.clone());
        if self.entries.get(&key) != Some(&cached) {
            self.entries.insert(key, cached);
            self.changed = true;
        }
    }

    /// Forgets every file not looked at since the last call (files deleted
    /// from the library), so the cache does not grow forever.
    pub fn retain_seen(&mut self) {
        let before = self.entries.len();
        let seen = std::mem::take(&mut self.seen);
        self.entries.retain(|k, _| seen.contains(k));
        if self.entries.len() != before {
            self.changed = true;
        }
    }

    /// Writes the cache if it changed: a temporary file, then a rename. A
    /// failure only costs the next start some reading, so it is returned for
    /// the caller to ignore or mention.
    pub fn save(&mut self) -> std::io::Result<()> {
        let Some(file) = &self.file else {
            return Ok(());
        };
        if !self.changed {
            return Ok(());
        }
        let out = CacheFile {
            version: VERSION,
            entries: std::mem::take(&mut self.entries),
        };
        let text = serde_json::to_vec(&out);
        self.entries = out.entries;
        let text = text.map_err(std::io::Error::other)?;
        write_atomically(file, &text)?;
        self.changed = false;
        Ok(())
    }
}

/// The order a scan meets paths in, as a byte of a path's sort key: by
/// name within a folder, a folder's files where its name sorts. The
/// separator becomes the lowest byte, 0, so `a/x` comes before `a-b/x`, as
/// the walk has it (no path holds a 0 byte, so nothing else ties with it).
fn walk_rank(c: u8) -> u8 {
    if c == b'/' { 0 } else { c }
}

fn walk_order_path(a: &Path, b: &Path) -> std::cmp::Ordering {
    // Compared as they go: this runs once per pair in a selection over
    // 10,000 paths, where a key made per call would allocate twice.
    walk_ranks(a).cmp(walk_ranks(b))
}

/// A path's bytes as [`walk_rank`]s.
fn walk_ranks(path: &Path) -> impl Iterator<Item = u8> + '_ {
    path.as_os_str()
        .as_encoded_bytes()
        .iter()
        .copied()
        .map(walk_rank)
}

/// Orders cached listings as a scan walks them (see
/// [`MetaCache::listed_under`]).
pub fn sort_walk_order(listed: &mut [(PathBuf, &Cached)]) {
    // Each path's key made once and compared as plain bytes: comparing
    // pair by pair over 10,000 paths was the scan thread's largest cost
    // between a start's first screen and the rest of the cached listing.
    listed.sort_by_cached_key(|(path, _)| walk_ranks(path).collect::<Vec<u8>>());
}

fn key(path: &Path) -> String {
    crate::annotations::path_to_text(path)
}

/// Writes `bytes` to `file` crash-safely, creating its folder: every cache
/// file gloss keeps goes through here (and so through `replace_file`).
pub(crate) fn write_atomically(file: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = file.parent() {
        fs::create_dir_all(dir)?;
    }
    Ok(crate::annotations::replace_file(
        &crate::annotations::RealDisk,
        file,
        bytes,
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;

    const STAMP: FileStamp = FileStamp {
        len: 10,
        modified_ns: 5,
    };

    fn listing(title: &str) -> Cached {
        Cached {
            stamp: STAMP,
            title: Some(title.into()),
            author: None,
            date_text: None,
            date: NaiveDate::from_ymd_opt(2021, 4, 15),
            lossy: false,
        }
    }

    #[test]
    fn a_listing_survives_a_restart_for_the_same_stamp_only() {
        let dir = tempfile::tempdir().unwrap();
        let mut cache = MetaCache::load(Some(dir.path()));
        cache.put(Path::new("/a/b.md"), listing("B"));
        cache.save().unwrap();
        let mut cache = MetaCache::load(Some(dir.path()));
        assert_eq!(
            cache
                .get(Path::new("/a/b.md"), STAMP)
                .and_then(|c| c.title.clone()),
            Some("B".to_string())
        );
        let later = FileStamp {
            modified_ns: 6,
            ..STAMP
        };
        assert!(cache.get(Path::new("/a/b.md"), later).is_none());
    }

    #[test]
    fn a_damaged_or_older_cache_is_rebuilt() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(FILE_NAME), "{ not json").unwrap();
        let mut cache = MetaCache::load(Some(dir.path()));
        assert!(cache.is_empty());
        cache.put(Path::new("/a/b.md"), listing("B"));
        cache.save().unwrap();
        assert_eq!(MetaCache::load(Some(dir.path())).len(), 1);
        let left: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary file is left behind");

        let old = r#"{"version":0,"entries":{"/a/b.md":{}}}"#;
        fs::write(dir.path().join(FILE_NAME), old).unwrap();
        assert!(MetaCache::load(Some(dir.path())).is_empty());
    }

    #[test]
    fn files_under_the_roots_are_listed_in_walk_order() {
        let mut cache = MetaCache::load(None);
        for path in [
            "/lib/b.md",
            "/lib/a-b/x.md",
            "/lib/a/y.md",
            "/other/c.md",
            "/library.md",
        ] {
            cache.put(Path::new(path), listing(path));
        }
        let listed: Vec<PathBuf> = cache
            .listed_under(&[PathBuf::from("/lib/")])
            .into_iter()
            .map(|(p, _)| p)
            .collect();
        assert_eq!(
            listed,
            [
                PathBuf::from("/lib/a/y.md"),
                PathBuf::from("/lib/a-b/x.md"),
                PathBuf::from("/lib/b.md")
            ]
        );
        let one = cache.listed_under(&[PathBuf::from("/other/c.md")]);
        assert_eq!(one.len(), 1);
    }

    #[test]
    fn files_no_longer_seen_are_forgotten() {
        let mut cache = MetaCache::load(None);
        cache.put(Path::new("/a.md"), listing("A"));
        cache.put(Path::new("/b.md"), listing("B"));
        cache.retain_seen();
        assert_eq!(cache.len(), 2);
        let _ = cache.get(Path::new("/a.md"), STAMP);
        cache.retain_seen();
        assert_eq!(cache.len(), 1);
    }
}
