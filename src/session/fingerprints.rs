//! Article fingerprints remembered between runs, keyed by the file's path,
//! length and modification time, so a start that looks for moved articles
//! reads and hashes only files that changed since they were last hashed.
//!
//! The cache lives in gloss's cache folder (`$XDG_CACHE_HOME/gloss` on
//! Linux). It is only ever a shortcut: a missing, unreadable or damaged cache
//! is taken as empty and rebuilt, and it is written to a temporary file that
//! is renamed over the old one, so a crash leaves the old or the new cache.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use serde::{Deserialize, Serialize};

use crate::annotations::path_to_text;

/// The cache file's name inside the cache folder.
const FILE_NAME: &str = "fingerprints.toml";

pub use crate::library::FileStamp;

/// One cached fingerprint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Entry {
    path: String,
    #[serde(flatten)]
    stamp: FileStamp,
    fingerprint: String,
}

/// The file's layout.
#[derive(Debug, Default, Serialize, Deserialize)]
struct CacheFile {
    #[serde(default)]
    entry: Vec<Entry>,
}

/// Fingerprints by path, each valid only for the stamp it was taken at. A
/// handle: clones share one cache, so the library scan can look up and hash
/// on its own thread and save there.
#[derive(Debug, Default, Clone)]
pub struct Fingerprints {
    inner: Arc<Mutex<Inner>>,
}

#[derive(Debug, Default)]
struct Inner {
    file: Option<PathBuf>,
    entries: HashMap<String, (FileStamp, String)>,
    changed: bool,
}

impl Fingerprints {
    /// The cache kept in `cache_dir`, or an empty one (kept in memory only
    /// when `cache_dir` is `None`). A damaged file is ignored and replaced at
    /// the next [`Fingerprints::save`].
    pub fn load(cache_dir: Option<&Path>) -> Self {
        let file = cache_dir.map(|dir| dir.join(FILE_NAME));
        let entries = file
            .as_deref()
            .and_then(|f| fs::read_to_string(f).ok())
            .and_then(|text| toml::from_str::<CacheFile>(&text).ok())
            .map(|c| {
                c.entry
                    .into_iter()
                    .map(|e| (e.path, (e.stamp, e.fingerprint)))
                    .collect()
            })
            .unwrap_or_default();
        Self {
            inner: Arc::new(Mutex::new(Inner {
                file,
                entries,
                changed: false,
            })),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The fingerprint of `path` if it was taken at `stamp`.
    pub fn get(&self, path: &Path, stamp: FileStamp) -> Option<String> {
        match self.lock().entries.get(&path_to_text(path)) {
            Some((at, fingerprint)) if *at == stamp => Some(fingerprint.clone()),
            _ => None,
        }
    }

    /// Remembers the fingerprint of `path` at `stamp`.
    pub fn put(&self, path: &Path, stamp: FileStamp, fingerprint: String) {
        let key = path_to_text(path);
        let mut inner = self.lock();
        if inner.entries.get(&key) != Some(&(stamp, fingerprint.clone())) {
            inner.entries.insert(key, (stamp, fingerprint));
            inner.changed = true;
        }
    }

    /// Writes the cache if it changed (temporary file, then rename). A
    /// failure only costs the next start some hashing, so it is returned for
    /// the caller to ignore or mention.
    pub fn save(&self) -> std::io::Result<()> {
        let mut inner = self.lock();
        let Some(file) = inner.file.clone() else {
            return Ok(());
        };
        if !inner.changed {
            return Ok(());
        }
        let mut entry: Vec<Entry> = inner
            .entries
            .iter()
            .map(|(path, (stamp, fingerprint))| Entry {
                path: path.clone(),
                stamp: *stamp,
                fingerprint: fingerprint.clone(),
            })
            .collect();
        entry.sort_by(|a, b| a.path.cmp(&b.path));
        let text = toml::to_string(&CacheFile { entry }).map_err(std::io::Error::other)?;
        if let Some(dir) = file.parent() {
            fs::create_dir_all(dir)?;
        }
        crate::annotations::replace_file(&crate::annotations::RealDisk, &file, text.as_bytes())?;
        inner.changed = false;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STAMP: FileStamp = FileStamp {
        len: 10,
        modified_ns: 5,
    };

    #[test]
    fn a_fingerprint_survives_a_restart_for_the_same_stamp_only() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Fingerprints::load(Some(dir.path()));
        cache.put(Path::new("/a/b.md"), STAMP, "abc".into());
        cache.save().unwrap();
        let cache = Fingerprints::load(Some(dir.path()));
        assert_eq!(
            cache.get(Path::new("/a/b.md"), STAMP).as_deref(),
            Some("abc")
        );
        let later = FileStamp {
            modified_ns: 6,
            ..STAMP
        };
        assert_eq!(cache.get(Path::new("/a/b.md"), later), None);
        assert_eq!(cache.get(Path::new("/a/c.md"), STAMP), None);
    }

    #[test]
    fn a_damaged_cache_is_rebuilt() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(FILE_NAME), "entry = [ {{{ not toml").unwrap();
        let cache = Fingerprints::load(Some(dir.path()));
        assert_eq!(cache.get(Path::new("/a/b.md"), STAMP), None);
        cache.put(Path::new("/a/b.md"), STAMP, "abc".into());
        cache.save().unwrap();
        let cache = Fingerprints::load(Some(dir.path()));
        assert_eq!(
            cache.get(Path::new("/a/b.md"), STAMP).as_deref(),
            Some("abc")
        );
        let left: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary file is left behind");
    }
}
