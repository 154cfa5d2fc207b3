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
use std::sync::{Arc, RwLock};

use super::Session;
use super::errors::{reason_first, short_corrupt};
use super::fingerprints::{FileStamp, Fingerprints};
use crate::annotations::{Index, IndexCheck, IndexEntry, StoreError, path_to_text, text_to_path};
use crate::app::ArticleId;
use crate::library::{Loaded, Source, store_path};

/// The store's summaries, by the article path they record and (for
/// articles no longer where they were) by fingerprint, kept so articles a
/// background scan brings in get their figures as they arrive. A handle:
/// clones share the maps (the scan's thread holds one), and see them
/// replaced when the summaries a start showed at once have been checked.
#[derive(Debug, Default, Clone)]
pub(super) struct NotesIndex {
    maps: Arc<RwLock<Arc<Maps>>>,
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
    /// The maps of `index`'s summaries.
    fn of(index: Index) -> Self {
        // Files whose article is no longer where it was: it may have moved
        // into this library, recognisable by its text (see `Maps::moved`).
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
        Self {
            by_path: index
                .entries
                .into_iter()
                .map(|e| (e.article.path.clone(), e))
                .collect(),
            absolute,
            moved: std::sync::OnceLock::new(),
            read_last,
        }
    }

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
    /// The maps as they are now.
    fn current(&self) -> Arc<Maps> {
        Arc::clone(&self.maps.read().unwrap_or_else(|e| e.into_inner()))
    }

    /// Puts `maps` in place of the ones every handle sees.
    fn replace(&self, maps: Maps) {
        *self.maps.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(maps);
    }

    /// Finds the summary of the article at `source`: by its path in the
    /// store, else, when notes whose article vanished exist, by its
    /// fingerprint, which `hash` gives (from the cache, or read and hashed).
    /// Works out nothing when the store is empty (a new library).
    pub(super) fn resolve(
        &self,
        source: &Source,
        hash: &mut dyn FnMut(&Source, &Path) -> Option<String>,
    ) -> Known {
        let maps = self.current();
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

/// [`IndexCheck`] as a background job.
pub(super) struct CheckIndex(pub IndexCheck);

impl super::jobs::Job for CheckIndex {
    type Output = Result<Index, StoreError>;

    fn run(self) -> Self::Output {
        self.0.run()
    }
}

/// The summaries the check of the kept ones changed, by article path
/// (`None`: its notes file is gone).
pub(super) type Revised = HashMap<String, Option<IndexEntry>>;

impl Session {
    /// Reads the store's summaries and fills the list's progress and
    /// highlight counts of the articles listed so far. The summaries kept
    /// from the last run are shown at once and checked against the notes
    /// files in the background ([`Session::take_checked_index`]); without
    /// them every notes file is read now.
    pub(super) fn load_index(&mut self) {
        if let Some(kept) = self.store.index_kept() {
            self.adopt_index(kept);
            self.checking_index
                .spawn(CheckIndex(self.store.index_check()));
            return;
        }
        match self.store.index() {
            Ok(index) => self.adopt_index(index),
            Err(e) => self.index_failed(&e),
        }
    }

    /// Says the notes folder could not be listed.
    fn index_failed(&mut self, e: &StoreError) {
        let (reason, detail) = reason_first(e);
        self.app
            .error(format!("{reason}: cannot read annotations ({detail})"));
    }

    /// Says a notes file could not be read.
    fn index_corrupt(&mut self, index: &Index) {
        if let Some(bad) = index.corrupt.first() {
            let shown = short_corrupt(bad);
            self.app
                .error(format!("notes file not readable, left untouched: {shown}"));
        }
    }

    /// Makes `index` the summaries the list's figures come from, and fills
    /// them in.
    fn adopt_index(&mut self, index: Index) {
        let corrupt = Index {
            entries: Vec::new(),
            corrupt: index.corrupt.clone(),
        };
        self.notes_index.replace(Maps::of(index));
        let all: Vec<ArticleId> = (0..self.app.list.articles.len()).map(ArticleId).collect();
        self.fill_figures(&all);
        self.app.relist();
        self.app.select_last_read();
        self.index_corrupt(&corrupt);
    }

    /// Takes the check of the summaries shown at start: the articles whose
    /// notes files changed since the summaries were kept (edited by hand,
    /// synced, written by another gloss) get their figures from the files,
    /// and so do those a scan brings in later.
    pub(super) fn take_checked_index(&mut self) {
        let Some(checked) = self.checking_index.take() else {
            return;
        };
        let index = match checked {
            Ok(index) => index,
            Err(e) => return self.index_failed(&e),
        };
        self.index_corrupt(&index);
        let old = self.notes_index.current();
        let new = Maps::of(index);
        let mut revised: Revised = new
            .by_path
            .iter()
            .filter(|(path, entry)| old.by_path.get(*path) != Some(*entry))
            .map(|(path, entry)| (path.clone(), Some(entry.clone())))
            .collect();
        revised.extend(
            old.by_path
                .keys()
                .filter(|path| !new.by_path.contains_key(*path))
                .map(|path| (path.clone(), None)),
        );
        if revised.is_empty() {
            return;
        }
        self.notes_index.replace(new);
        let listed: Vec<(ArticleId, String)> = self
            .app
            .list
            .articles
            .iter()
            .enumerate()
            .map(|(i, a)| (ArticleId(i), path_to_text(&store_path(&a.source))))
            .collect();
        // The open article's figures follow its saves, which may be newer
        // than what the check read.
        let open = self.app.reader.as_ref().map(|r| r.article);
        for (id, path) in listed.into_iter().filter(|(id, _)| Some(*id) != open) {
            match revised.get(&path) {
                Some(Some(entry)) => self.apply_figures(id, &entry.clone()),
                Some(None) => self.clear_figures(id),
                None => {}
            }
        }
        self.app.relist();
        self.revised
            .get_or_insert_with(Revised::new)
            .extend(revised);
    }

    /// The summary the check of the kept summaries gave for the article at
    /// `source`, when it changed it: a scan's batch resolved before the
    /// check ended carries the old one.
    pub(super) fn revised_entry(&self, source: &Source) -> Option<Option<IndexEntry>> {
        let revised = self.revised.as_ref()?;
        revised.get(&path_to_text(&store_path(source))).cloned()
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

    /// Clears an article's figures: its notes file is gone.
    pub(super) fn clear_figures(&mut self, id: ArticleId) {
        if let Some(f) = self.app.figures.get_mut(id) {
            f.highlights = 0;
            f.progress = None;
            f.read_at = None;
            f.archived = None;
        }
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
