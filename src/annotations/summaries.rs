//! The store's summaries kept between runs: what [`super::Store::index`]
//! read from each notes file (title, path, progress, highlight count), by
//! the notes file's path and version (length, modification time, inode, and
//! its pending-changes file's). A start with 10,000 notes files read and
//! parsed every one of them before the list came up (about 300 ms here);
//! with this file it reads only those that changed since.
//!
//! It lives in gloss's cache folder (`$XDG_CACHE_HOME/gloss/notes-index.json`
//! on Linux) and is only ever a shortcut: a missing, damaged or older-format
//! file is taken as empty, every entry is checked against the notes file's
//! version before it is used, and it is written to a temporary file renamed
//! over the old one, so a crash leaves the old or the new file, never half.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::store::Cached;

/// The file's name inside the cache folder.
pub const FILE_NAME: &str = "notes-index.json";

/// Bumped when what is kept or how it is read changes, so a file written by
/// another version is rebuilt rather than trusted.
const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct SummariesFile {
    version: u32,
    /// The gloss that wrote it: another one may read notes files otherwise
    /// (one "written by a newer gloss" may be readable after an upgrade),
    /// so its summaries are not trusted.
    #[serde(default)]
    gloss: String,
    #[serde(default)]
    entries: HashMap<String, Cached>,
}

/// The gloss a summaries file was written by (see [`SummariesFile::gloss`]).
const GLOSS: &str = env!("CARGO_PKG_VERSION");

/// Where the summaries are kept, and whether they changed since they were
/// read or written.
#[derive(Debug, Default)]
pub(super) struct Kept {
    /// The file; `None`: kept in memory only.
    pub file: Option<PathBuf>,
    /// Whether the file was read into the store's cache yet.
    pub loaded: bool,
    /// Whether the store's cache differs from the file.
    pub changed: bool,
}

/// The summaries in `file`, by notes file; empty when it is missing,
/// damaged or of another version.
pub(super) fn load(file: &Path) -> HashMap<PathBuf, Cached> {
    fs::read(file)
        .ok()
        .and_then(|bytes| serde_json::from_slice::<SummariesFile>(&bytes).ok())
        .filter(|f| f.version == VERSION && f.gloss == GLOSS)
        .map(|f| {
            f.entries
                .into_iter()
                .map(|(path, cached)| (PathBuf::from(path), cached))
                .collect()
        })
        .unwrap_or_default()
}

/// Writes `entries` to `file` (a notes file whose path is not UTF-8 is
/// left out: it is read again at each start). A failure only costs the
/// next start some reading, so it is returned for the caller to ignore.
pub(super) fn save(file: &Path, entries: &HashMap<PathBuf, Cached>) -> std::io::Result<()> {
    #[derive(Serialize)]
    struct Borrowed<'a> {
        version: u32,
        gloss: &'a str,
        entries: HashMap<&'a str, &'a Cached>,
    }
    // A notes file that could not be read is read again at the next start
    // (it may have been mended, or gloss may read it now), never kept.
    let kept = Borrowed {
        version: VERSION,
        gloss: GLOSS,
        entries: entries
            .iter()
            .filter(|(_, cached)| cached.is_readable())
            .filter_map(|(path, cached)| Some((path.to_str()?, cached)))
            .collect(),
    };
    let bytes = serde_json::to_vec(&kept).map_err(std::io::Error::other)?;
    // Not through `write_atomically`: it syncs, and this is written as gloss
    // exits (a hangup's exit must beat the watchdog on a busy disk); a lost
    // file only costs the next start some reading.
    if let Some(dir) = file.parent() {
        fs::create_dir_all(dir)?;
    }
    let temp = file.with_extension(format!("json.{}.tmp", std::process::id()));
    fs::write(&temp, bytes)
        .and_then(|()| fs::rename(&temp, file))
        .inspect_err(|_| {
            let _ = fs::remove_file(&temp);
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotations::Store;

    /// Writes a notes file for article `article` with `progress` read.
    fn notes(dir: &Path, name: &str, article: &str, progress: f64) {
        let dir = dir.join("annotations");
        fs::create_dir_all(&dir).unwrap();
        // Written beside and renamed into place, as gloss and sync tools
        // write: a new version (a new inode) whatever the clock says.
        let temp = dir.join(format!("{name}.new"));
        fs::write(
            &temp,
            format!(
                "version = 2\n\n[article]\ntitle = \"{article}\"\npath = \"/lib/{article}.md\"\n\n\
                 [position]\noffset = 0\nquote = \"\"\nprogress = {progress}\n\
                 updated = \"2026-11-01T10:00:00Z\"\n"
            ),
        )
        .unwrap();
        fs::rename(temp, dir.join(name)).unwrap();
    }

    /// The progress [`Store::index`] gives for each article, by title.
    fn progress(store: &Store) -> Vec<(String, f64)> {
        let mut out: Vec<_> = store
            .index()
            .unwrap()
            .entries
            .into_iter()
            .map(|e| (e.article.title, e.position.map_or(0.0, |p| p.progress)))
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }

    /// A store over `data` holding the notes file of article "a" (a
    /// quarter read), whose summaries were read and kept in `cache`, as a
    /// first run leaves them.
    fn kept_once(data: &Path, cache: &Path) -> Store {
        notes(data, "a.toml", "a", 0.25);
        let first = Store::new(data);
        first.keep_summaries_in(cache);
        assert_eq!(progress(&first), [("a".into(), 0.25)]);
        first.save_summaries().unwrap();
        first
    }

    #[test]
    fn a_start_finds_the_summaries_the_last_one_kept_and_reads_only_changed_files() {
        let data = tempfile::tempdir().unwrap();
        let cache = tempfile::tempdir().unwrap();
        notes(data.path(), "a.toml", "a", 0.25);
        notes(data.path(), "b.toml", "b", 0.5);
        let first = Store::new(data.path());
        first.keep_summaries_in(cache.path());
        assert_eq!(progress(&first), [("a".into(), 0.25), ("b".into(), 0.5)]);
        first.save_summaries().unwrap();
        let kept = load(&cache.path().join(FILE_NAME));
        assert_eq!(kept.len(), 2, "both kept");

        // The next run: b is read again (it changed), a is not. To tell,
        // a is overwritten in place with junk of the same length, its time
        // set back: its version looks unchanged, so the kept summary is
        // used and the junk never read.
        let a = data.path().join("annotations/a.toml");
        let modified = fs::metadata(&a).unwrap().modified().unwrap();
        let len = fs::metadata(&a).unwrap().len();
        let handle = fs::OpenOptions::new().write(true).open(&a).unwrap();
        std::io::Write::write_all(&mut &handle, &vec![b'#'; usize::try_from(len).unwrap()])
            .unwrap();
        handle.set_modified(modified).unwrap();
        drop(handle);
        notes(data.path(), "b.toml", "b", 0.75);
        notes(data.path(), "c.toml", "c", 1.0);
        let next = Store::new(data.path());
        next.keep_summaries_in(cache.path());
        assert_eq!(
            progress(&next),
            [("a".into(), 0.25), ("b".into(), 0.75), ("c".into(), 1.0)]
        );
        // A removed notes file is dropped from the summaries too.
        fs::remove_file(data.path().join("annotations/a.toml")).unwrap();
        assert_eq!(progress(&next), [("b".into(), 0.75), ("c".into(), 1.0)]);
        next.save_summaries().unwrap();
        let kept = load(&cache.path().join(FILE_NAME));
        assert_eq!(kept.len(), 2);
    }

    #[test]
    fn a_kept_summary_is_not_used_for_a_file_that_changed_since() {
        let data = tempfile::tempdir().unwrap();
        let cache = tempfile::tempdir().unwrap();
        kept_once(data.path(), cache.path());
        // Same length, new content, written as gloss writes (see `notes`).
        notes(data.path(), "a.toml", "a", 0.75);
        let next = Store::new(data.path());
        next.keep_summaries_in(cache.path());
        assert_eq!(progress(&next), [("a".into(), 0.75)]);
    }

    #[test]
    fn a_damaged_or_foreign_summaries_file_is_taken_as_empty() {
        let data = tempfile::tempdir().unwrap();
        let cache = tempfile::tempdir().unwrap();
        notes(data.path(), "a.toml", "a", 0.25);
        for junk in [
            &b"{ not json"[..],
            b"{\"version\": 999, \"entries\": {}}",
            b"\0\xff",
        ] {
            fs::write(cache.path().join(FILE_NAME), junk).unwrap();
            let store = Store::new(data.path());
            store.keep_summaries_in(cache.path());
            assert_eq!(progress(&store), [("a".into(), 0.25)]);
            store.save_summaries().unwrap();
            assert_eq!(load(&cache.path().join(FILE_NAME)).len(), 1, "rebuilt");
        }
    }

    #[test]
    fn a_notes_file_that_cannot_be_read_is_not_kept_for_the_next_run() {
        let data = tempfile::tempdir().unwrap();
        let cache = tempfile::tempdir().unwrap();
        notes(data.path(), "a.toml", "a", 0.25);
        fs::write(data.path().join("annotations/b.toml"), "version = 99\n").unwrap();
        let store = Store::new(data.path());
        store.keep_summaries_in(cache.path());
        let index = store.index().unwrap();
        assert_eq!((index.entries.len(), index.corrupt.len()), (1, 1));
        store.save_summaries().unwrap();
        let kept = load(&cache.path().join(FILE_NAME));
        assert_eq!(kept.len(), 1, "only the readable one");
        // Kept by another gloss: not trusted.
        let text = fs::read_to_string(cache.path().join(FILE_NAME)).unwrap();
        let other = text.replace(&format!("\"gloss\":\"{GLOSS}\""), "\"gloss\":\"0.0.1\"");
        assert_ne!(other, text);
        fs::write(cache.path().join(FILE_NAME), other).unwrap();
        assert!(load(&cache.path().join(FILE_NAME)).is_empty());
    }

    #[test]
    fn the_kept_summaries_show_at_once_and_the_check_brings_them_up_to_date() {
        let data = tempfile::tempdir().unwrap();
        let cache = tempfile::tempdir().unwrap();
        kept_once(data.path(), cache.path());
        notes(data.path(), "b.toml", "b", 0.5);
        let titles_and_progress = |index: &crate::annotations::Index| {
            let mut out: Vec<(String, f64)> = index
                .entries
                .iter()
                .map(|e| {
                    let read = e.position.as_ref().map_or(0.0, |p| p.progress);
                    (e.article.title.clone(), read)
                })
                .collect();
            out.sort_by(|a, b| a.0.cmp(&b.0));
            out
        };
        // Changed since it was kept, then a notes file the last run never saw.
        notes(data.path(), "a.toml", "a", 0.75);
        let next = Store::new(data.path());
        next.keep_summaries_in(cache.path());
        // At once: what the last run kept, the notes files not looked at.
        let kept = next.index_kept().expect("summaries were kept");
        assert_eq!(titles_and_progress(&kept), [("a".into(), 0.25)]);
        // The check, as the session runs it off the event loop.
        let checked = next.index_check().run().unwrap();
        assert_eq!(
            titles_and_progress(&checked),
            [("a".into(), 0.75), ("b".into(), 0.5)]
        );
        // Nothing kept (a first run, a cache folder emptied): no shortcut.
        let bare = Store::new(data.path());
        bare.keep_summaries_in(&cache.path().join("empty"));
        assert!(bare.index_kept().is_none());
    }

    #[test]
    fn nothing_is_written_when_nothing_changed() {
        let data = tempfile::tempdir().unwrap();
        let cache = tempfile::tempdir().unwrap();
        let first = kept_once(data.path(), cache.path());
        let file = cache.path().join(FILE_NAME);
        fs::write(&file, b"{\"version\": 1, \"entries\": {}}").unwrap();
        // Read again, unchanged: the kept file is not written over.
        progress(&first);
        first.save_summaries().unwrap();
        assert_eq!(
            fs::read(&file).unwrap(),
            b"{\"version\": 1, \"entries\": {}}"
        );
    }
}
