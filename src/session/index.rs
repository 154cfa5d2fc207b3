//! Filling the list's progress and highlight counts from the store at start,
//! including articles whose notes file names a path that no longer exists:
//! such an article may have moved into this library, and is recognised by its
//! text's fingerprint. Fingerprints come from the cache when the file's
//! length and modification time are unchanged, so a start reads and hashes
//! only the articles that changed since they were last hashed.
//!
//! The same lookup runs on the library scan's thread for the articles a
//! background scan finds ([`NotesIndex::resolve`]), so the event loop never
//! works out paths, reads or hashes for a batch: it only copies figures.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use super::Session;
use super::errors::{reason_first, short_corrupt};
use super::fingerprints::{FileStamp, Fingerprints};
use crate::annotations::{IndexEntry, path_to_text, text_to_path};
use crate::app::ArticleId;
use crate::library::{Loaded, Source, store_path};

/// The store's summaries, by the article path they record and (for
/// articles no longer where they were) by fingerprint, kept so articles a
/// background scan brings in get their figures as they arrive. A handle:
/// clones share the maps (the scan's thread holds one).
#[derive(Debug, Default, Clone)]
pub(super) struct NotesIndex {
    maps: Arc<Maps>,
}

#[derive(Debug, Default)]
struct Maps {
    by_path: HashMap<String, IndexEntry>,
    /// The keys of `by_path` that are absolute paths: the articles that may
    /// have moved (see [`Maps::moved`]).
    absolute: Vec<String>,
    /// The summaries whose article is no longer where they say, by
    /// fingerprint: worked out when first needed (an article without notes
    /// by its path), since it looks at every such path on the disk.
    moved: std::sync::OnceLock<HashMap<String, IndexEntry>>,
    /// The article path read last, if any article was read.
    read_last: Option<String>,
}

impl Maps {
    /// The summaries whose article is no longer at the path they record,
    /// by fingerprint: an article of the library without notes by its path
    /// may be one of them, moved. Each such path is looked at on the disk
    /// once, the first time an article without notes asks.
    fn moved(&self) -> &HashMap<String, IndexEntry> {
        self.moved.get_or_init(|| {
            self.absolute
                .iter()
                .filter(|path| !text_to_path(path).exists())
                .filter_map(|path| self.by_path.get(path))
                .map(|e| (e.article.fingerprint.clone(), e.clone()))
                .collect()
        })
    }
}

/// What the store knows of one article the scan found.
#[derive(Debug, Clone, Default)]
pub(super) struct Known {
    /// Its summary (progress, highlights, archived), when it has notes.
    pub entry: Option<IndexEntry>,
    /// Whether it is the article read last.
    pub read_last: bool,
}

impl NotesIndex {
    /// Finds the summary of the article at `source`: by its path in the
    /// store, else, when notes whose article vanished exist, by its
    /// fingerprint, which `hash` gives (from the cache, or read and hashed).
    /// Works out nothing when the store is empty (a new library).
    pub(super) fn resolve(
        &self,
        source: &Source,
        hash: &mut dyn FnMut(&Source, &Path) -> Option<String>,
    ) -> Known {
        let maps = &*self.maps;
        if maps.by_path.is_empty() {
            return Known::default();
        }
        let path = store_path(source);
        let key = path_to_text(&path);
        let read_last = maps.read_last.as_deref() == Some(key.as_str());
        let mut entry = maps.by_path.get(key.as_str()).cloned();
        if entry.is_none() && !maps.moved().is_empty() {
            entry = hash(source, &path).and_then(|f| maps.moved().get(f.as_str()).cloned());
        }
        Known { entry, read_last }
    }
}

/// The fingerprint of an article's text: from `cache` when its file is
/// unchanged, else loaded by `load`, hashed and remembered.
pub(super) fn fingerprint_with(
    cache: &Fingerprints,
    source: &Source,
    path: &Path,
    load: &dyn Fn(&Source) -> Option<Loaded>,
) -> Option<String> {
    let stamp = match source {
        Source::File(_) => FileStamp::of(path),
        Source::Bundled(..) => None,
    };
    if let Some(stamp) = stamp
        && let Some(known) = cache.get(path, stamp)
    {
        return Some(known);
    }
    let loaded = load(source)?;
    let hashed = loaded.fingerprint();
    if let Some(stamp) = stamp {
        cache.put(path, stamp, hashed.clone());
    }
    Some(hashed)
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
        // this library, recognisable by its text (see `Maps::moved`).
        let absolute = index
            .entries
            .iter()
            .filter(|e| e.article.path.starts_with('/'))
            .map(|e| e.article.path.clone())
            .collect();
        let read_last = index
            .entries
            .iter()
            .filter_map(|e| Some((e.position.as_ref()?.updated, e.article.path.as_str())))
            .max()
            .map(|(_, p)| p.to_string());
        let corrupt = index.corrupt.first().cloned();
        self.notes_index = NotesIndex {
            maps: Arc::new(Maps {
                by_path: index
                    .entries
                    .into_iter()
                    .map(|e| (e.article.path.clone(), e))
                    .collect(),
                absolute,
                moved: std::sync::OnceLock::new(),
                read_last,
            }),
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
    /// the store's summaries (call [`App::relist`] after). For the articles
    /// listed at start; a background scan does this on its own thread.
    pub(super) fn fill_figures(&mut self, ids: &[ArticleId]) {
        let index = self.notes_index.clone();
        let mut figures = Vec::new();
        for &id in ids {
            let Some(source) = self.app.list.article(id).map(|a| a.source.clone()) else {
                continue;
            };
            let known = index.resolve(&source, &mut |source, path| {
                self.fingerprint_of(source, path)
            });
            if let Some(entry) = known.entry {
                figures.push((id, entry));
            }
        }
        for (id, entry) in figures {
            self.apply_figures(id, &entry);
        }
        // Only a shortcut for the next start: a failure costs some hashing.
        let _ = self.fingerprints.save();
    }

    /// Copies an article's summary into its figures.
    pub(super) fn apply_figures(&mut self, id: ArticleId, entry: &IndexEntry) {
        if let Some(f) = self.app.figures.get_mut(id) {
            f.highlights = entry.highlight_count;
            f.progress = entry.position.as_ref().map(|p| p.progress);
            f.read_at = entry.position.as_ref().map(|p| p.updated);
            f.archived = entry.article.archived;
        }
    }

    /// The fingerprint of an article's text: from the cache when its file is
    /// unchanged, else read and hashed (and remembered).
    pub(super) fn fingerprint_of(
        &mut self,
        source: &Source,
        path: &std::path::Path,
    ) -> Option<String> {
        let reader = &self.reader;
        fingerprint_with(&self.fingerprints, source, path, &|s| reader.load(s).ok())
    }
}
