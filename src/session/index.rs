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
use crate::annotations::{IndexEntry, path_to_text, text_to_path};
use crate::app::ArticleId;
use crate::library::{Source, store_path};

/// The store's summaries, by the article path they record and (for
/// articles no longer where they were) by fingerprint, kept so articles a
/// background scan brings in get their figures as they arrive.
#[derive(Debug, Default)]
pub(super) struct NotesIndex {
    by_path: HashMap<String, IndexEntry>,
    moved: HashMap<String, IndexEntry>,
}

impl Session {
    /// Reads the store's summaries and fills the list's progress and
    /// highlight counts of the articles listed so far.
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
        // Files whose article is no longer where it was: it may have moved into
        // this library, recognisable by its text.
        let moved = index
            .entries
            .iter()
            .filter(|e| e.article.path.starts_with('/') && !text_to_path(&e.article.path).exists())
            .map(|e| (e.article.fingerprint.clone(), e.clone()))
            .collect();
        let corrupt = index.corrupt.first().cloned();
        self.notes_index = NotesIndex {
            by_path: index
                .entries
                .into_iter()
                .map(|e| (e.article.path.clone(), e))
                .collect(),
            moved,
        };
        let all: Vec<ArticleId> = (0..self.app.list.articles.len()).map(ArticleId).collect();
        self.fill_figures(&all);
        self.app.relist();
        self.app.select_last_read();
        if let Some(bad) = corrupt {
            self.app.error(format!(
                "notes file not readable, left untouched: {}",
                short_corrupt(&bad)
            ));
        }
    }

    /// Fills the progress, highlight count and archived flag of `ids` from
    /// the store's summaries (call [`App::relist`] after).
    pub(super) fn fill_figures(&mut self, ids: &[ArticleId]) {
        let mut figures = Vec::new();
        for &id in ids {
            let Some(source) = self.app.list.article(id).map(|a| a.source.clone()) else {
                continue;
            };
            let path = store_path(&source);
            let mut entry = self
                .notes_index
                .by_path
                .get(path_to_text(&path).as_str())
                .cloned();
            if entry.is_none() && !self.notes_index.moved.is_empty() {
                entry = self
                    .fingerprint_of(&source, &path)
                    .and_then(|f| self.notes_index.moved.get(f.as_str()).cloned());
            }
            if let Some(entry) = entry {
                figures.push((id, entry));
            }
        }
        for (id, entry) in figures {
            if let Some(f) = self.app.figures.get_mut(id) {
                f.highlights = entry.highlight_count;
                f.progress = entry.position.as_ref().map(|p| p.progress);
                f.read_at = entry.position.as_ref().map(|p| p.updated);
                f.archived = entry.article.archived;
            }
        }
        // Only a shortcut for the next start: a failure costs some hashing.
        let _ = self.fingerprints.save();
    }

    /// The article path the store's summaries say was read last.
    pub(super) fn read_last_path(&self) -> Option<&str> {
        self.notes_index
            .by_path
            .values()
            .filter_map(|e| Some((e.position.as_ref()?.updated, e.article.path.as_str())))
            .max()
            .map(|(_, p)| p)
    }

    /// The fingerprint of an article's text: from the cache when its file is
    /// unchanged, else read and hashed (and remembered).
    pub(super) fn fingerprint_of(
        &mut self,
        source: &Source,
        path: &std::path::Path,
    ) -> Option<String> {
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
        let hashed = loaded.fingerprint();
        if let Some(stamp) = stamp {
            self.fingerprints.put(path, stamp, hashed.clone());
        }
        Some(hashed)
    }
}
