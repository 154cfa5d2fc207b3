//! The library in the background: the folders are read on a worker thread
//! that hands articles over in batches as it finds them (the list appears at
//! once and fills; keys work all the while), listing unchanged files from
//! the metadata cache without reading them; a watcher on the folders starts
//! a new scan when files are added, changed or removed, and `R` starts one
//! by hand. A scan that ends complete drops the articles it no longer found.
//!
//! A start with a cache lists every article the cache knows under the
//! folders before looking at a single file (the first frame shows them
//! all); the first scan then confirms each, updates the ones that changed
//! while gloss was closed and drops the ones that are gone. The watcher is
//! set up by that scan on its thread, after the first titles are handed
//! over and before it walks on, so neither waits for the other.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher};

use super::Session;
use super::fingerprints::Fingerprints;
use super::index::{Known, NotesIndex, fingerprint_with};
use super::jobs::Notice;
use super::wake::Waker;
use crate::annotations::{Op, Stamped};
use crate::app::ArticleId;
use crate::library::{self, Article, Found, MetaCache, Scan, ScanCounts, store_path};

/// Articles handed over in the first batch: a screenful, so the first
/// frame has titles as soon as they are read.
const FIRST_BATCH: usize = 40;

/// Longest the first scan waits for the event loop to take the first
/// screenful of the cached listing before handing over the rest.
const LISTED_WAIT: Duration = Duration::from_millis(100);

/// How often later batches are handed over while a scan runs.
const BATCH_EVERY: Duration = Duration::from_millis(40);

/// How long file events are gathered before one rescan answers them all.
const DEBOUNCE: Duration = Duration::from_millis(300);

/// While a scan fills a list this long or longer, it is ordered again at
/// most every [`RELIST_EVERY`] (and at the scan's end), not at every batch.
const RELIST_ALL_BELOW: usize = 500;

/// How often a long list filling from a scan is ordered again.
const RELIST_EVERY: Duration = Duration::from_millis(250);

/// The scan number of the articles listed from the cache at start: no
/// scan's (scans count from 1), so the first scan's end drops those it did
/// not find.
const LISTED_FROM_CACHE: u64 = 0;

/// An article the scan found, with what the store knows of it (worked out
/// on the scan's thread).
struct Arrival {
    article: Article,
    known: Known,
}

/// What a scan left for the event loop since it last looked.
#[derive(Default)]
struct Batches {
    /// The articles the metadata cache lists under the folders, handed over
    /// before the walk (first scan only): listed at once, then confirmed,
    /// updated or dropped as the walk goes.
    listed: Vec<Arrival>,
    arrived: Vec<Arrival>,
    /// Skipped and ignored files.
    found: Vec<Found>,
    /// Files looked at so far.
    seen: usize,
    /// Set once when the scan ends.
    done: Option<Done>,
    /// Whether anything was handed over yet in this scan.
    delivered: bool,
}

/// How a scan ended.
#[derive(Debug, Clone, Copy)]
struct Done {
    generation: u64,
    /// False when it was stopped before the end (a newer scan replaces it).
    complete: bool,
    counts: ScanCounts,
}

type Shared = Arc<(Mutex<Batches>, Condvar)>;

/// The library's folders, their scans and their watcher.
pub(super) struct Library {
    roots: Vec<PathBuf>,
    limit: u64,
    /// The metadata cache, loaded by the first scan on its thread.
    cache: Arc<Mutex<Option<MetaCache>>>,
    cache_dir: Option<PathBuf>,
    /// What the store knows, and the fingerprints to recognise moved
    /// articles by, for the scan's thread.
    index: NotesIndex,
    fingerprints: Fingerprints,
    waker: Waker,
    /// When the list was last ordered again during a scan.
    relisted: Option<Instant>,
    shared: Shared,
    cancel: Arc<AtomicBool>,
    running: bool,
    /// A scan was asked for while one ran: start it when that one ends.
    again: bool,
    /// Scans started so far; the first one lists the cached articles
    /// before it walks the folders.
    generation: u64,
    sender: Sender<Notice>,
    /// The folders' watcher, set up by the first scan on its thread.
    watching: Arc<Mutex<Watching>>,
    /// How the last finished scan got its articles.
    pub(super) last_counts: Option<ScanCounts>,
}

/// What a [`Library`] is made from besides its folders.
pub(super) struct Parts {
    pub limit: u64,
    pub cache_dir: Option<PathBuf>,
    pub index: NotesIndex,
    pub fingerprints: Fingerprints,
    pub sender: Sender<Notice>,
    pub waker: Waker,
}

impl Library {
    fn new(roots: Vec<PathBuf>, parts: Parts) -> Self {
        let Parts {
            limit,
            cache_dir,
            index,
            fingerprints,
            sender,
            waker,
        } = parts;
        Self {
            roots,
            limit,
            cache: Arc::new(Mutex::new(None)),
            cache_dir,
            index,
            fingerprints,
            waker,
            relisted: None,
            shared: Arc::new((Mutex::new(Batches::default()), Condvar::new())),
            cancel: Arc::new(AtomicBool::new(false)),
            running: false,
            again: false,
            generation: 0,
            sender,
            watching: Arc::new(Mutex::new(Watching::default())),
            last_counts: None,
        }
    }

    /// Starts a scan, or asks for one after the scan under way.
    fn start(&mut self) -> Option<u64> {
        if self.running {
            self.again = true;
            return None;
        }
        self.running = true;
        self.again = false;
        self.generation += 1;
        self.cancel.store(false, Ordering::Relaxed);
        *lock(&self.shared.0) = Batches::default();
        self.relisted = None;
        let job = Worker {
            roots: self.roots.clone(),
            limit: self.limit,
            cache: Arc::clone(&self.cache),
            cache_dir: self.cache_dir.clone(),
            index: self.index.clone(),
            fingerprints: self.fingerprints.clone(),
            shared: Arc::clone(&self.shared),
            cancel: Arc::clone(&self.cancel),
            sender: self.sender.clone(),
            waker: self.waker.clone(),
            generation: self.generation,
            first: self.generation == 1,
            watching: Arc::clone(&self.watching),
        };
        let started = std::thread::Builder::new()
            .name("gloss-scan".into())
            .spawn(move || job.run());
        if let Err(e) = started {
            // No thread: the list stays as it is, and says why.
            self.running = false;
            let _ = e;
            return None;
        }
        Some(self.generation)
    }

    /// Takes what the scan left since the last call: the cached listing
    /// (once), the articles found, the other files, how many files were
    /// seen, and the end.
    fn drain(&self) -> (Vec<Arrival>, Vec<Arrival>, Vec<Found>, usize, Option<Done>) {
        let mut batches = lock(&self.shared.0);
        // The scan waits for the first screenful to be taken.
        self.shared.1.notify_all();
        (
            std::mem::take(&mut batches.listed),
            std::mem::take(&mut batches.arrived),
            std::mem::take(&mut batches.found),
            batches.seen,
            batches.done.take(),
        )
    }
}

/// The scan on its thread.
struct Worker {
    roots: Vec<PathBuf>,
    limit: u64,
    cache: Arc<Mutex<Option<MetaCache>>>,
    cache_dir: Option<PathBuf>,
    index: NotesIndex,
    fingerprints: Fingerprints,
    shared: Shared,
    cancel: Arc<AtomicBool>,
    sender: Sender<Notice>,
    waker: Waker,
    generation: u64,
    /// The session's first scan: it hands over the cached listing before
    /// walking, and starts watching the folders.
    first: bool,
    watching: Arc<Mutex<Watching>>,
}

/// The folders' watcher, kept alive for as long as the library is, or why
/// there is none.
#[derive(Default)]
struct Watching {
    watcher: Option<RecommendedWatcher>,
    /// Why the folders are not watched, until the event loop says so.
    error: Option<String>,
    /// Set once the watch was tried.
    tried: bool,
}

impl Worker {
    fn run(self) {
        let mut guard = lock(&self.cache);
        let cache = guard.get_or_insert_with(|| MetaCache::load(self.cache_dir.as_deref()));
        let limit = self.limit;
        let load = move |source: &library::Source| library::load_within(source, limit).ok();
        let mut buffer = Vec::new();
        let mut seen = 0;
        let mut last = Instant::now();
        let mut first = true;
        let mut others = Vec::new();
        if self.first {
            let arrival = |(path, cached): (PathBuf, &library::Cached)| {
                let article = library::cached_article(path, cached);
                let known = self.index.resolve(&article.source, &mut |source, path| {
                    fingerprint_with(&self.fingerprints, source, path, &load)
                });
                Arrival { article, known }
            };
            // A screenful first, in walk order, so the first frame is drawn
            // from it without waiting for the rest to be ordered and taken in.
            let mut listed = cache.listed_under_first(&self.roots, FIRST_BATCH);
            let rest = listed.split_off(FIRST_BATCH.min(listed.len()));
            let screenful: Vec<Arrival> = listed.into_iter().map(arrival).collect();
            if !screenful.is_empty() {
                self.hand_over_listed(screenful);
                // The rest is made ready while the event loop draws the
                // first frame, and handed over once that screenful is taken
                // (not in the same batch, which the first frame would wait
                // for).
                let mut rest = rest;
                library::sort_walk_order(&mut rest);
                let rest: Vec<Arrival> = rest.into_iter().map(arrival).collect();
                self.wait_taken(LISTED_WAIT);
                if !rest.is_empty() {
                    self.hand_over_listed(rest);
                }
                first = false;
                // Watched before the walk, so a change is either seen by
                // the walk or reported by the watcher.
                self.start_watching();
            }
        }
        let counts = library::scan_each(
            &self.roots,
            self.limit,
            cache,
            Some(&self.cancel),
            &mut |found| {
                seen += 1;
                match found {
                    Found::Article(article) => {
                        // Paths worked out, files hashed here, not on the
                        // event loop.
                        let known = self.index.resolve(&article.source, &mut |source, path| {
                            fingerprint_with(&self.fingerprints, source, path, &load)
                        });
                        buffer.push(Arrival { article, known });
                    }
                    other => others.push(other),
                }
                let due = if first {
                    buffer.len() >= FIRST_BATCH
                } else {
                    last.elapsed() >= BATCH_EVERY
                };
                if due {
                    self.hand_over(&mut buffer, &mut others, seen, None);
                    if first {
                        // After the first screenful: setting up a watch on
                        // every folder takes a while.
                        self.start_watching();
                    }
                    first = false;
                    last = Instant::now();
                }
            },
        );
        self.start_watching();
        let complete = !self.cancel.load(Ordering::Relaxed);
        if complete {
            cache.retain_seen();
        }
        // Only shortcuts for the next start: a failure costs some reading
        // and hashing.
        let _ = cache.save();
        drop(guard);
        let _ = self.fingerprints.save();
        let done = Done {
            generation: self.generation,
            complete,
            counts,
        };
        self.hand_over(&mut buffer, &mut others, seen, Some(done));
    }

    /// Watches the folders, once per library (the first scan does it, off
    /// the event loop, once the first titles are handed over).
    fn start_watching(&self) {
        if !self.first || std::mem::replace(&mut lock(&self.watching).tried, true) {
            return;
        }
        // Not locked meanwhile: the event loop looks for an error.
        let watched = watch(&self.roots, self.sender.clone(), self.waker.clone());
        let mut watching = lock(&self.watching);
        match watched {
            Ok(watcher) => watching.watcher = Some(watcher),
            Err(e) => watching.error = Some(e),
        }
    }

    /// Hands over (part of) the cached listing, woken like any batch.
    fn hand_over_listed(&self, mut listed: Vec<Arrival>) {
        {
            let mut batches = lock(&self.shared.0);
            if batches.listed.is_empty() {
                // Moved, not copied element by element.
                std::mem::swap(&mut batches.listed, &mut listed);
            } else {
                batches.listed.append(&mut listed);
            }
            batches.delivered = true;
        }
        self.shared.1.notify_all();
        let _ = self.sender.send(Notice::Scanned);
        self.waker.wake();
    }

    /// Waits up to `timeout` for the event loop to take the cached
    /// listing handed over.
    fn wait_taken(&self, timeout: Duration) {
        let (mutex, condvar) = &*self.shared;
        let _ = condvar
            .wait_timeout_while(lock(mutex), timeout, |b| !b.listed.is_empty())
            .map(drop);
    }

    fn hand_over(
        &self,
        buffer: &mut Vec<Arrival>,
        others: &mut Vec<Found>,
        seen: usize,
        done: Option<Done>,
    ) {
        {
            let mut batches = lock(&self.shared.0);
            batches.arrived.append(buffer);
            batches.found.append(others);
            batches.seen = seen;
            batches.delivered = true;
            if done.is_some() {
                batches.done = done;
            }
        }
        self.shared.1.notify_all();
        // The receiver is gone only when the session is being dropped.
        let _ = self.sender.send(Notice::Scanned);
        self.waker.wake();
    }
}

/// Watches `roots` (folders recursively, files themselves); every burst of
/// changes (files created, written, renamed or removed; not files merely
/// read, which gloss itself does) becomes one notice, [`DEBOUNCE`] after
/// the burst goes quiet.
fn watch(
    roots: &[PathBuf],
    sender: Sender<Notice>,
    waker: Waker,
) -> Result<RecommendedWatcher, String> {
    let (events, quiet) = std::sync::mpsc::channel::<()>();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        let changed = event.is_ok_and(|e| {
            matches!(
                e.kind,
                EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_) | EventKind::Any
            )
        });
        if changed {
            let _ = events.send(());
        }
    })
    .map_err(|e| e.to_string())?;
    for root in roots {
        let mode = if root.is_dir() {
            RecursiveMode::Recursive
        } else {
            RecursiveMode::NonRecursive
        };
        watcher
            .watch(root, mode)
            .map_err(|e| format!("{e}: {}", root.display()))?;
    }
    // The debounce: wait for a change, then for a quiet moment. The thread
    // ends when the watcher (and with it the sending end) is dropped.
    let _ = std::thread::Builder::new()
        .name("gloss-watch".into())
        .spawn(move || {
            while quiet.recv().is_ok() {
                while quiet.recv_timeout(DEBOUNCE).is_ok() {}
                if sender.send(Notice::FilesChanged).is_err() {
                    return;
                }
                waker.wake();
            }
        });
    Ok(watcher)
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Session {
    /// Reads the library `roots` in the background (folders recursively),
    /// listing unchanged files from the metadata cache in `cache_dir`, and
    /// watches them for changes. Returns at once; the list fills as
    /// articles are found.
    pub fn scan_library(
        &mut self,
        roots: Vec<PathBuf>,
        limit: u64,
        cache_dir: Option<&std::path::Path>,
    ) {
        let parts = Parts {
            limit,
            cache_dir: cache_dir.map(std::path::Path::to_path_buf),
            index: self.notes_index.clone(),
            fingerprints: self.fingerprints.clone(),
            sender: self.notice_sender.clone(),
            waker: self.waker.clone(),
        };
        let mut library = Library::new(roots, parts);
        let generation = library.start();
        self.app.list.scan.running = generation.is_some();
        self.app.list.scan.generation = generation.unwrap_or(0);
        self.library = Some(library);
    }

    /// Waits up to `timeout` for the scan's first batch (or its end), so
    /// the first frame already shows titles; keys are read right after.
    pub fn wait_first_batch(&mut self, timeout: Duration) {
        let Some(library) = &self.library else {
            return;
        };
        let (mutex, condvar) = &*library.shared;
        let guard = lock(mutex);
        let _ = condvar
            .wait_timeout_while(guard, timeout, |b| !b.delivered)
            .map(drop);
        self.take_scanned();
    }

    /// How the last finished scan got its articles (read, or from the
    /// cache), for tests and the status bar.
    pub fn scan_counts(&self) -> Option<ScanCounts> {
        self.library.as_ref().and_then(|l| l.last_counts)
    }

    /// True while the library is being scanned.
    pub fn scanning(&self) -> bool {
        self.library.as_ref().is_some_and(|l| l.running)
    }

    /// `R`, or files changed in a watched folder: scans again (after the
    /// scan under way, if one is).
    pub(super) fn rescan(&mut self) {
        let Some(library) = &mut self.library else {
            self.app.list.scan.asked = false;
            self.app
                .info("nothing to read again: the list is the bundled samples or single files");
            return;
        };
        if let Some(generation) = library.start() {
            self.app.list.scan = crate::app::list::ScanStatus {
                running: true,
                generation,
                asked: self.app.list.scan.asked,
                ..Default::default()
            };
        }
    }

    /// Takes the articles a scan handed over: adds them to the list with
    /// the figures the scan's thread found for them, orders the list again
    /// (a long one at most every [`RELIST_EVERY`]), and at the scan's end
    /// drops what it no longer found.
    pub(super) fn take_scanned(&mut self) {
        let Some(library) = &mut self.library else {
            return;
        };
        let (listed, arrived, others, seen, done) = library.drain();
        let watch_error = lock(&library.watching).error.take();
        if let Some(e) = watch_error {
            self.app.error(format!(
                "{e}: changes to the library are not picked up by themselves (R reads it again)"
            ));
        }
        let generation = library.generation;
        for item in others {
            match item {
                Found::Skipped(skipped) => self.app.list.scan.skipped.push(skipped),
                Found::Ignored => self.app.list.scan.ignored += 1,
                Found::Article(_) => {}
            }
        }
        self.app.list.scan.seen = seen;
        let mut read_last = None;
        // The cached listing goes in as found by no scan yet, so the walk
        // under way drops what it does not find again.
        let from_cache = !listed.is_empty();
        self.app.list.reserve(listed.len() + arrived.len());
        let listed = listed.into_iter().map(|a| (a, LISTED_FROM_CACHE));
        let arrived = arrived.into_iter().map(|a| (a, generation));
        for (Arrival { article, known }, generation) in listed.chain(arrived) {
            let entry = self.revised_entry(&article.source).unwrap_or(known.entry);
            let ids = self.app.library_found(vec![article], generation);
            let Some(&id) = ids.first() else {
                continue;
            };
            if let Some(entry) = &entry {
                self.apply_figures(id, entry);
            }
            if known.read_last && !self.picked_read_last {
                read_last = Some(id);
            }
        }
        self.relist_while_scanning(done.is_some() || read_last.is_some() || from_cache);
        // A search started on the cache's first screenful covers the whole
        // cached listing as soon as it is taken, not only at the scan's end.
        if from_cache && done.is_none() {
            for effect in self.app.refresh_library_search() {
                let _ = self.carry_out(effect);
            }
        }
        // At the first scan, the article read last is selected as soon as
        // it arrives (what a start with a known library does), once.
        if let Some(id) = read_last {
            self.picked_read_last = true;
            if self.app.reader.is_none() {
                self.app.list.select_article(id.0);
            }
        }
        let Some(done) = done else {
            return;
        };
        // Gone from the library, or never read: stop looking for it.
        self.picked_read_last = true;
        let again = {
            let Some(library) = &mut self.library else {
                return;
            };
            library.running = false;
            library.last_counts = Some(done.counts);
            library.again
        };
        let asked = self.app.list.scan.asked;
        self.app.library_scanned(done.generation, done.complete);
        // A library search started while the list was filling searched only
        // the articles listed then: run it again over all of them.
        for effect in self.app.refresh_library_search() {
            let _ = self.carry_out(effect);
        }
        let summary = Scan {
            articles: Vec::new(),
            skipped: std::mem::take(&mut self.app.list.scan.skipped),
            ignored: self.app.list.scan.ignored,
        };
        if let Some(text) = summary.summary() {
            match &mut self.app.message {
                None => self.app.info(text),
                // `R` says what it read and, as a start does, what it left out.
                Some(message) if asked && !message.error => {
                    message.text = format!("{}; {text}", message.text);
                }
                Some(_) => {}
            }
        }
        self.app.list.scan.skipped = summary.skipped;
        if again {
            self.rescan();
        }
    }

    /// Orders the list again for a batch: a short list every time, a long
    /// one at most every [`RELIST_EVERY`] unless `now` (the scan's end, or
    /// an article to select).
    fn relist_while_scanning(&mut self, now: bool) {
        let Some(library) = &mut self.library else {
            return;
        };
        let due = now
            || self.app.list.visible.len() < RELIST_ALL_BELOW
            || library
                .relisted
                .is_none_or(|at| at.elapsed() >= RELIST_EVERY);
        if due {
            library.relisted = Some(Instant::now());
            self.app.relist();
        }
    }

    /// Records in the article's notes file that it is archived or not
    /// (creating the file when the article has none yet), newest-wins.
    pub(super) fn archive(&mut self, article: ArticleId, archived: bool) {
        let Some(entry) = self.app.list.article(article).cloned() else {
            return;
        };
        let path = store_path(&entry.source);
        let mut record = super::open::record(&entry, &path);
        record.fingerprint = self
            .fingerprint_of(&entry.source, &path)
            .unwrap_or_default();
        let at = self.app.clock.now();
        record.archived = Some(Stamped::new(archived, at));
        let file = match self.store.find_article(&path, &record) {
            Ok(found) => found.map(|f| f.file),
            Err(e) => {
                let (reason, detail) = super::errors::reason_first(&e);
                self.app.error(format!("{reason}: not archived ({detail})"));
                return;
            }
        };
        let ops: [Op; 0] = [];
        match self.store.apply(file.as_deref(), &record, &ops) {
            Ok(saved) => {
                if let Some(f) = self.app.figures.get_mut(article) {
                    f.archived = saved.content.article.archived;
                }
                if let Some(reader) = self.app.reader.as_mut()
                    && reader.article == article
                {
                    reader.notes.record.archived = saved.content.article.archived;
                }
            }
            Err(e) => {
                let (reason, detail) = super::errors::reason_first(&e);
                self.app.error(format!("{reason}: not archived ({detail})"));
            }
        }
    }
}
