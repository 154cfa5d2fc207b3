//! The library search as a session job: it runs off the event loop's
//! thread in the search slot (a newer search replaces a waiting one and
//! cancels a running one through a shared flag the searcher checks after
//! every file and every matching line), and its results come back in
//! batches: each finished article goes into an inbox and a notice wakes the
//! event loop, which hands the batch to the app as a message.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex};

use super::{ArticleHits, NoteTargets, Options, Progress, Query, QueryError, Target};
use crate::library::{Article, Source};
use crate::session::Waker;
use crate::session::jobs::{Job, Notice, SingleJob};

/// A search the app asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// Which search of the app this is: results of an older one are dropped.
    pub generation: u64,
    /// The query as typed.
    pub query: String,
    /// Its modes.
    pub options: Options,
    /// The articles to search (indexes into the list's articles), in the
    /// order to search them: the list's order as shown, so the first
    /// results are the ones at the top.
    pub order: Vec<usize>,
}

/// Matches found since the last batch, for the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The search they belong to.
    pub generation: u64,
    /// One entry per article part (text or notes) that matched.
    pub hits: Vec<ArticleHits>,
}

/// The end of a search, for the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Done {
    /// The search that ended.
    pub generation: u64,
    /// How many articles were searched.
    pub searched: usize,
    /// Whether a newer search stopped it.
    pub cancelled: bool,
}

/// Results waiting for the event loop, with the channel that wakes it.
#[derive(Clone)]
struct Inbox {
    batches: Arc<Mutex<Vec<(u64, ArticleHits)>>>,
    sender: Sender<Notice>,
    waker: Waker,
}

impl Inbox {
    fn push(&self, generation: u64, hits: ArticleHits) {
        let mut batches = lock(&self.batches);
        let first = batches.is_empty();
        batches.push((generation, hits));
        drop(batches);
        // One notice per batch the loop has not taken yet.
        if first {
            let _ = self.sender.send(Notice::SearchFound);
            self.waker.wake();
        }
    }
}

/// One library search.
pub struct SearchJob {
    generation: u64,
    query: Query,
    targets: Arc<Vec<Target>>,
    order: Vec<usize>,
    notes: Arc<NoteTargets>,
    cancel: Arc<AtomicBool>,
    inbox: Inbox,
}

impl Job for SearchJob {
    type Output = Done;

    fn run(self) -> Done {
        let progress = Progress::default();
        let generation = self.generation;
        let inbox = &self.inbox;
        super::run_in_order(
            &self.targets,
            &self.order,
            &self.query,
            super::threads(),
            &self.cancel,
            &progress,
            Some(&self.notes),
            &|hits| inbox.push(generation, hits),
        );
        Done {
            generation,
            searched: progress.searched.into_inner(),
            cancelled: self.cancel.load(Ordering::Relaxed),
        }
    }
}

/// The session's library search slot.
pub struct Searches {
    job: SingleJob<SearchJob>,
    inbox: Inbox,
    cancel: Arc<AtomicBool>,
    /// What to search, made once and extended as articles arrive (ids
    /// only grow and a listed article keeps its file), so a keystroke does
    /// not copy every path of a large library again.
    targets: Arc<Vec<Target>>,
    notes: Option<Arc<NoteTargets>>,
}

impl Searches {
    /// A slot reporting on `sender` and waking the event loop through
    /// `waker`.
    pub fn new(sender: Sender<Notice>, waker: Waker) -> Self {
        Self {
            job: SingleJob::new(Notice::Searched, sender.clone()).waking(waker.clone()),
            inbox: Inbox {
                batches: Arc::new(Mutex::new(Vec::new())),
                sender,
                waker,
            },
            cancel: Arc::new(AtomicBool::new(false)),
            targets: Arc::new(Vec::new()),
            notes: None,
        }
    }

    /// Cancels the running search (if any) and starts `request` over
    /// `articles`, with the notes kept under `data_dir`.
    pub fn start(
        &mut self,
        request: &Request,
        articles: &[Article],
        data_dir: &Path,
    ) -> Result<(), QueryError> {
        self.cancel();
        let query = Query::new(&request.query, request.options)?;
        let (targets, notes) = self.targets_for(articles, data_dir);
        self.job.spawn(SearchJob {
            generation: request.generation,
            query,
            targets,
            order: request.order.clone(),
            notes,
            cancel: Arc::clone(&self.cancel),
            inbox: self.inbox.clone(),
        });
        Ok(())
    }

    /// The targets for `articles`: the ones made before, extended with the
    /// articles that arrived since (made again only if the list shrank,
    /// which it never does, or the notes folder changed). The notes'
    /// targets share them and are made again only when they grew.
    fn targets_for(
        &mut self,
        articles: &[Article],
        data_dir: &Path,
    ) -> (Arc<Vec<Target>>, Arc<NoteTargets>) {
        let known = self.targets.len();
        let same_store = self.notes.as_ref().is_some_and(|n| n.store() == data_dir);
        if known > articles.len() || !same_store {
            self.targets = Arc::new(Vec::new());
            self.notes = None;
        }
        let known = self.targets.len();
        if known < articles.len() {
            let more = targets_from(&articles[known..], known);
            Arc::make_mut(&mut self.targets).extend(more);
            self.notes = None;
        }
        let notes = Arc::clone(self.notes.get_or_insert_with(|| {
            Arc::new(NoteTargets::for_shared(data_dir, Arc::clone(&self.targets)))
        }));
        (Arc::clone(&self.targets), notes)
    }

    /// Stops the running search.
    pub fn cancel(&mut self) {
        self.cancel.store(true, Ordering::Relaxed);
        self.cancel = Arc::new(AtomicBool::new(false));
        lock(&self.inbox.batches).clear();
    }

    /// The matches found since the last call, per search.
    pub fn found(&self) -> Vec<Found> {
        let batches = std::mem::take(&mut *lock(&self.inbox.batches));
        let mut out: Vec<Found> = Vec::new();
        for (generation, hits) in batches {
            match out.last_mut() {
                Some(f) if f.generation == generation => f.hits.push(hits),
                _ => out.push(Found {
                    generation,
                    hits: vec![hits],
                }),
            }
        }
        out
    }

    /// The end of the last search, once.
    pub fn finished(&self) -> Option<Done> {
        self.job.take()
    }

    /// True while a search runs.
    pub fn is_busy(&self) -> bool {
        self.job.is_busy()
    }
}

/// What to search for the app's list: the one place the engine reads the
/// library (the articles in list order, whichever way they were scanned).
pub fn targets(articles: &[Article]) -> Vec<Target> {
    targets_from(articles, 0)
}

/// The targets of `articles`, the first of which has index `first`.
fn targets_from(articles: &[Article], first: usize) -> Vec<Target> {
    articles
        .iter()
        .enumerate()
        .map(|(i, a)| (first + i, a))
        .map(|(i, a)| match &a.source {
            Source::File(path) => Target::File(i, path.clone()),
            Source::Bundled(_, text) => Target::Text(i, text),
        })
        .collect()
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
