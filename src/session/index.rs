//! Filling the list's progress and highlight counts from the store at start,
//! including articles whose notes file names a path that no longer exists:
//! such an article may have moved into this library, and is recognised by its
//! text's fingerprint. Fingerprints come from the cache when the file's
//! length and modification time are unchanged, so a start reads and hashes
//! only the articles that changed since they were last hashed.

use std::collections::HashMap;

use super::Session;
use super::errors::{reason_first, short_corrupt};
use super::fingerprints::FileStamp;
use crate::annotations::{fingerprint, path_to_text, text_to_path};
use crate::library::{Source, store_path};

impl Session {
    /// Fills the list's progress and highlight counts from the store.
    pub(super) fn load_index(&mut self) {
        let index = match self.store.index() {
            Ok(index) => index,
            Err(e) => {
                let (reason, detail) = reason_first(&e);
                self.app
                    .error(format!("{reason}: cannot read annotations ({detail})"));
                return;
            }
        };
        let by_path: HashMap<&str, _> = index
            .entries
            .iter()
            .map(|e| (e.article.path.as_str(), e))
            .collect();
        // Files whose article is no longer where it was: it may have moved into
        // this library, recognisable by its text.
        let moved: HashMap<&str, _> = index
            .entries
            .iter()
            .filter(|e| e.article.path.starts_with('/') && !text_to_path(&e.article.path).exists())
            .map(|e| (e.article.fingerprint.as_str(), e))
            .collect();
        let mut figures = Vec::new();
        let sources: Vec<Source> = self
            .app
            .list
            .articles
            .iter()
            .map(|a| a.source.clone())
            .collect();
        for (i, source) in sources.iter().enumerate() {
            let path = store_path(source);
            let mut entry = by_path.get(path_to_text(&path).as_str()).copied();
            if entry.is_none() && !moved.is_empty() {
                entry = self
                    .fingerprint_of(source, &path)
                    .and_then(|f| moved.get(f.as_str()).copied());
            }
            if let Some(entry) = entry {
                figures.push((
                    i,
                    entry.highlight_count,
                    entry.position.as_ref().map(|p| (p.progress, p.updated)),
                ));
            }
        }
        for (i, count, position) in figures {
            if let Some(f) = self.app.figures.get_mut(crate::app::ArticleId(i)) {
                f.highlights = count;
                f.progress = position.map(|p| p.0);
                f.read_at = position.map(|p| p.1);
            }
        }
        self.app.select_last_read();
        if let Some(bad) = index.corrupt.first() {
            self.app.error(format!(
                "notes file not readable, left untouched: {}",
                short_corrupt(bad)
            ));
        }
        // Only a shortcut for the next start: a failure costs some hashing.
        let _ = self.fingerprints.save();
    }

    /// The fingerprint of an article's text: from the cache when its file is
    /// unchanged, else read and hashed (and remembered).
    fn fingerprint_of(&mut self, source: &Source, path: &std::path::Path) -> Option<String> {
        let stamp = match source {
            Source::File(_) => FileStamp::of(path),
            Source::Bundled(..) => None,
        };
        if let Some(stamp) = stamp
            && let Some(known) = self.fingerprints.get(path, stamp)
        {
            return Some(known.to_string());
        }
        let loaded = self.reader.load(source).ok()?;
        let hashed = fingerprint(&loaded.text);
        if let Some(stamp) = stamp {
            self.fingerprints.put(path, stamp, hashed.clone());
        }
        Some(hashed)
    }
}
