//! The session: everything between the app's state and the disk, with no
//! terminal in it. It owns the annotation store and the library's articles
//! (through the app's list), opens an article and finds its notes (by path,
//! then by fingerprint), saves with a queue of changes the disk refused,
//! debounces reading-position saves, keeps the recovery snapshot up to date,
//! looks for articles that moved, exports, and hashes in the background.
//! The runtime (`crate::runtime`) only turns terminal events into app calls
//! and hands the resulting effects to [`Session::carry_out`].

pub mod all_notes;
mod clock;
mod errors;
mod extract;
mod fingerprints;
mod index;
pub mod jobs;
pub mod links;
mod mirror;
mod notes_load;
mod open;
mod read_ahead;
mod recover;
mod review;
mod scan;
mod sync;
mod wake;

use std::path::{Path, PathBuf};
use std::sync::mpsc::Receiver;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub use clock::{Clock, ManualClock, SystemClock};
pub use errors::{reason_first, short_corrupt, short_error};
pub use fingerprints::{FileStamp, Fingerprints};
pub use notes_load::NOTES_IN_BACKGROUND_FROM;
pub use read_ahead::{ReadAhead, ReadAheadThread};
pub use recover::Kept;
pub use wake::Waker;

use crate::annotations::{Highlight, Op, Store, fingerprint};
use crate::app::{App, Effect, Msg};
use crate::commands;
use crate::document::ParseOptions;
use crate::library::{self, Loaded, Source, store_path};
use crate::recovery::{self, Recovery};
use jobs::{Notice, SingleJob};
use open::{Hash, Parse, Watched, record};

/// Reading positions are written this long after scrolling stops, so a held key
/// does not write a file per line.
pub const POSITION_DELAY: Duration = Duration::from_millis(800);

/// How often the open article's file is checked for changes on disk.
pub const WATCH_EVERY: Duration = Duration::from_secs(1);

/// How long a missing article file is looked for (back at its path, or
/// moved within the library, which the library's scan then lists) before
/// it is called deleted.
pub const MOVE_WAIT: Duration = Duration::from_secs(3);

/// Reads articles' text: the disk, within the size limit, in gloss; tests
/// count the reads through it.
pub trait ReadArticle: Send {
    /// The article's text, or a message saying why it cannot be read.
    fn load(&self, source: &Source) -> Result<Loaded, String>;
}

/// The real reader: files up to `max_size` bytes.
#[derive(Debug, Clone, Copy)]
pub struct FromDisk {
    /// Larger files are refused (`reader.max_file_size_mib`).
    pub max_size: u64,
}

impl ReadArticle for FromDisk {
    fn load(&self, source: &Source) -> Result<Loaded, String> {
        library::load_for_reading(source, self.max_size)
    }
}

/// What a session is made of besides the app: where things are kept and the
/// seams tests replace (the store's disk, the clock, the article reader).
pub struct Setup {
    /// The annotation store.
    pub store: Store,
    /// gloss's data folder (recovery file, default export folder).
    pub data_dir: PathBuf,
    /// The cache folder for fingerprints; `None` keeps them in memory only.
    pub cache_dir: Option<PathBuf>,
    /// How articles are parsed.
    pub options: ParseOptions,
    /// Where time comes from.
    pub clock: Box<dyn Clock>,
    /// How articles are read.
    pub reader: Box<dyn ReadArticle>,
    /// What opens web links and files gloss does not read (tests put in
    /// one that only records).
    pub opener: Box<dyn crate::opener::Opener>,
    /// Prepares the drawing of a fenced code block (language, code) off the
    /// event loop: the background parse calls it on the code at the end of
    /// a long article, so the first `G` does not compile a grammar's
    /// patterns (tens of milliseconds) in its frame; and on the blocks a
    /// frame drew plain because their grammar was not ready
    /// ([`Session::prepare_code`]). The session knows no drawing; the
    /// runtime passes the highlighter's memo in.
    pub warm_code: Option<fn(&str, &str)>,
    /// Notes files from this size on are read, and their highlights
    /// placed, in the background when their article opens
    /// ([`NOTES_IN_BACKGROUND_FROM`]; tests lower it).
    pub notes_in_background_from: u64,
    /// Notes files from this size on take a change as pending changes
    /// beside them ([`crate::annotations::PENDING_FROM_BYTES`]; tests lower
    /// it).
    pub pending_changes_from: u64,
    /// The list's figures (progress, highlight counts) are read from the
    /// store after the first frame ([`Session::frame_drawn`]), not at
    /// start: for `gloss FILE`, whose first screen is the article and not
    /// the list, so a notes file of 20,000 highlights is not counted (read
    /// whole) before it.
    pub figures_after_first_frame: bool,
}

impl Setup {
    /// The real thing for `data_dir`: the disk, the system clock, no cache.
    pub fn new(data_dir: &Path, max_size: u64) -> Self {
        Self {
            store: Store::new(data_dir),
            data_dir: data_dir.to_path_buf(),
            cache_dir: None,
            options: ParseOptions::default(),
            clock: Box::new(SystemClock),
            reader: Box::new(FromDisk { max_size }),
            opener: links::default_opener(),
            warm_code: None,
            notes_in_background_from: NOTES_IN_BACKGROUND_FROM,
            pending_changes_from: crate::annotations::PENDING_FROM_BYTES,
            figures_after_first_frame: false,
        }
    }
}

/// What [`Session::carry_out`] left for the runtime.
#[derive(Debug)]
pub enum Outcome {
    /// Done; these further effects follow from it (opening an article can
    /// ask for a save).
    Done(Vec<Effect>),
    /// Only the terminal can do this (clipboard, external editor).
    NeedsTerminal(Effect),
}

/// The app plus what carrying out its effects needs.
pub struct Session {
    /// The app's state; the runtime feeds it events and draws it.
    pub app: App,
    store: Store,
    data_dir: PathBuf,
    options: ParseOptions,
    clock: Box<dyn Clock>,
    reader: Box<dyn ReadArticle>,
    opener: Box<dyn crate::opener::Opener>,
    fingerprints: Fingerprints,
    pending_position: Option<(Effect, Instant)>,
    /// The open article's file as it was when read, to notice it being
    /// rewritten or deleted while open.
    watched: Option<Watched>,
    /// Changes the store refused (full disk...), retried with the next save.
    unsaved: Vec<(usize, Op)>,
    last_save_error: Option<String>,
    /// What the last session left in the recovery file and this one has not
    /// yet given back (a draft whose article is not open yet, changes the
    /// store still refuses).
    recovered: Recovery,
    /// The snapshot a panic hook writes: `recovered`, the note being typed
    /// and `unsaved`, brought up to date whenever one of them changes.
    shared: recovery::Shared,
    /// The draft (highlight id, text) last put in `shared`.
    draft_in_snapshot: Option<(String, String)>,
    /// Set when `unsaved` or `recovered` changed since `shared` was updated.
    snapshot_stale: bool,
    hashing: SingleJob<Hash>,
    /// Parses the rest of the open article off the event loop's thread.
    parsing: SingleJob<Parse>,
    /// See [`Setup::warm_code`].
    warm_code: Option<fn(&str, &str)>,
    /// Prepares code blocks a frame drew plain (see
    /// [`Session::prepare_code`]).
    preparing_code: SingleJob<open::PrepareCode>,
    /// Loads every notes file for the all-notes view.
    all_notes: SingleJob<all_notes::LoadNotes>,
    /// Counts the highlights due for review today, off the event loop's
    /// thread (it reads every notes file).
    counting: SingleJob<review::CountDue>,
    /// The check of the notes summaries a start showed from the cache.
    checking_index: SingleJob<index::CheckIndex>,
    /// What that check changed (see [`Session::revised_entry`]).
    revised: Option<index::Revised>,
    /// Builds today's review queue when `D` starts a review.
    reviewing: SingleJob<review::StartReview>,
    /// Keeps the `export.mirror` folder in step after saves.
    mirror: mirror::Mirror,
    /// Extracts a large web page's article off the event loop's thread.
    extracting: SingleJob<extract::Extract>,
    /// Whether the page being extracted is for the raw view (`None` when
    /// none is).
    extracting_raw: Option<bool>,
    /// Where `gloss open --at` asked the page being extracted to open.
    extract_at: Option<usize>,
    /// What to say when the page arrives (a page too large to extract).
    extract_note: Option<String>,
    /// Folds a large notes file's pending changes into it after a save.
    folding: SingleJob<FoldNotes>,
    /// Reads a large notes file and places its highlights when its article
    /// opens (see `notes_load`).
    loading_notes: SingleJob<notes_load::LoadNotes>,
    /// See [`Setup::notes_in_background_from`].
    notes_in_background_from: u64,
    /// Set while an article is opened to go to one of its highlights at
    /// once: its notes are read before it is shown, whatever their size.
    notes_now: bool,
    /// Counts opens, to match a background job to the open it was made for.
    openings: u64,
    /// The open article while only its head is read (see `open::HeadOnly`).
    head_only: Option<open::HeadOnly>,
    /// The article that was open before the last open, kept until the new
    /// one's first frame is drawn (see [`Session::frame_drawn`]): freeing
    /// an article with 20,000 placed highlights takes milliseconds that
    /// the first screen need not wait for.
    retired: Option<crate::app::reader::Reader>,
    /// The list's figures wait for the first frame (see
    /// [`Setup::figures_after_first_frame`]).
    figures_owed: bool,
    /// The open (see `openings`) of a book whose notes may have followed
    /// it from another path: looked for once its fingerprint is hashed.
    matching_moved: Option<u64>,
    /// The open whose notes were saved before its fingerprint was hashed:
    /// saved again with it when it comes.
    fingerprint_owed: Option<u64>,
    /// Set while a save takes the jobs' results first: a fingerprint that
    /// comes then is written by that save, not by one of its own (which
    /// would adopt another window's changes in the middle of this one).
    saving: bool,
    /// The library search (`F`), streaming its results back.
    searches: crate::search::job::Searches,
    notices: Receiver<Notice>,
    /// Where background work reports (the library scan and watcher too).
    notice_sender: std::sync::mpsc::Sender<Notice>,
    /// The library's folders, scanned and watched in the background; `None`
    /// for the bundled samples or files read at start.
    library: Option<scan::Library>,
    /// The store's summaries, for articles that arrive from a scan.
    notes_index: index::NotesIndex,
    /// Whether the article read last was selected yet (once per start).
    picked_read_last: bool,
    /// What the event loop waits on besides the terminal: written to after
    /// every notice, so results are drawn as soon as they come.
    wake: Option<wake::Wake>,
    /// The writing end of `wake`, for the workers.
    waker: wake::Waker,
}

impl Session {
    /// A session over `app`: gives back what the last run left in the
    /// recovery file, and fills the list's progress and counts.
    pub fn start(app: App, setup: Setup) -> Self {
        let (sender, notices) = jobs::notices();
        let (wake, waker) = match wake::Wake::new() {
            Some((wake, waker)) => (Some(wake), waker),
            None => (None, wake::Waker::default()),
        };
        let store = setup
            .store
            .keep_tombstones(app.config.sync.tombstone_days)
            .pending_changes_above(setup.pending_changes_from);
        let mirror = mirror::Mirror::new(
            app.config.export.mirror.clone(),
            sender.clone(),
            waker.clone(),
        );
        let mut session = Self {
            app,
            store,
            fingerprints: Fingerprints::load(setup.cache_dir.as_deref()),
            data_dir: setup.data_dir,
            options: setup.options,
            clock: setup.clock,
            reader: setup.reader,
            opener: setup.opener,
            warm_code: setup.warm_code,
            pending_position: None,
            watched: None,
            unsaved: Vec::new(),
            last_save_error: None,
            recovered: Recovery::default(),
            shared: Arc::new(Mutex::new(Recovery::default())),
            draft_in_snapshot: None,
            snapshot_stale: false,
            hashing: SingleJob::new(Notice::Hashed, sender.clone())
                .waking(waker.clone())
                .below_the_reader(),
            parsing: SingleJob::new(Notice::Parsed, sender.clone())
                .waking(waker.clone())
                .below_the_reader(),
            preparing_code: SingleJob::new(Notice::CodePrepared, sender.clone())
                .waking(waker.clone()),
            all_notes: SingleJob::new(Notice::AllNotes, sender.clone()).waking(waker.clone()),
            counting: SingleJob::new(Notice::Counted, sender.clone())
                .waking(waker.clone())
                .below_the_reader(),
            reviewing: SingleJob::new(Notice::ReviewReady, sender.clone()).waking(waker.clone()),
            checking_index: SingleJob::new(Notice::IndexChecked, sender.clone())
                .waking(waker.clone())
                .below_the_reader(),
            revised: None,
            mirror,
            extracting: SingleJob::new(Notice::Extracted, sender.clone()).waking(waker.clone()),
            extracting_raw: None,
            extract_at: None,
            extract_note: None,
            folding: SingleJob::new(Notice::Folded, sender.clone()).waking(waker.clone()),
            loading_notes: SingleJob::new(Notice::NotesLoaded, sender.clone())
                .waking(waker.clone())
                .below_the_reader(),
            notes_in_background_from: setup.notes_in_background_from,
            notes_now: false,
            searches: crate::search::job::Searches::new(sender.clone(), waker.clone()),
            openings: 0,
            head_only: None,
            retired: None,
            figures_owed: setup.figures_after_first_frame,
            matching_moved: None,
            fingerprint_owed: None,
            saving: false,
            notices,
            notice_sender: sender,
            library: None,
            notes_index: index::NotesIndex::default(),
            picked_read_last: false,
            wake,
            waker,
        };
        // The first article's hash, the parse of its rest, the reading of
        // its notes when they are large, and the count of today's review
        // (which reads every notes file) wait until the event loop first
        // looks for results, after its first frame (see
        // `release_held_jobs`): on two cores they would take one from it.
        session.hashing.hold();
        session.parsing.hold();
        session.loading_notes.hold();
        session.counting.hold();
        session.checking_index.hold();
        session.merge_conflict_copies();
        session.recover();
        if !session.figures_owed {
            session.load_index();
        }
        session.count_due();
        session.sync_recovery();
        session
    }

    /// The snapshot of unsaved work a panic hook should write.
    pub fn shared(&self) -> recovery::Shared {
        Arc::clone(&self.shared)
    }

    /// gloss's data folder.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Why the last save failed, for the report at exit.
    pub fn last_save_error(&self) -> Option<&str> {
        self.last_save_error.as_deref()
    }

    /// How many changes are waiting to be saved again.
    pub fn unsaved_count(&self) -> usize {
        self.unsaved.len()
    }

    /// Carries out one effect of the app; what needs the terminal is handed
    /// back.
    pub fn carry_out(&mut self, effect: Effect) -> Outcome {
        match effect {
            Effect::Open(index) => return Outcome::Done(self.open(index.0)),
            position @ Effect::SavePosition { .. } => {
                self.pending_position = Some((position, self.clock.now()));
            }
            Effect::Save { article, ops } => self.save(article.0, ops),
            Effect::Export(only) => self.export(only.map(|a| a.0)),
            Effect::FollowFile {
                from,
                path,
                fragment,
            } => return Outcome::Done(self.follow_file(from, &path, fragment.as_deref())),
            Effect::Return(place) => return Outcome::Done(self.go_back_to(place)),
            Effect::OpenUrl { url, confirmed } => self.open_url(&url, confirmed),
            Effect::LoadAllNotes => self.load_all_notes(),
            Effect::SaveNotes(changes) => self.save_notes(changes),
            Effect::OpenNote {
                path,
                highlight,
                reattach,
            } => return Outcome::Done(self.open_note(&path, &highlight, reattach)),
            Effect::Review(effect) => return Outcome::Done(self.review(*effect)),
            Effect::Archive { article, archived } => self.archive(article, archived),
            Effect::Rescan => self.rescan(),
            Effect::SearchLibrary(request) => self.search_library(&request),
            Effect::CancelLibrarySearch => self.searches.cancel(),
            other @ (Effect::Copy(_) | Effect::ExternalEdit(_)) => {
                return Outcome::NeedsTerminal(other);
            }
        }
        Outcome::Done(Vec::new())
    }

    /// Takes the results of background jobs that finished; true when any
    /// did. The runtime calls this when its loop wakes.
    pub fn collect_jobs(&mut self) -> bool {
        self.release_held_jobs();
        self.take_results()
    }

    /// [`Session::collect_jobs`] without starting the jobs held for the
    /// first frame: a save takes what has finished, but starts nothing.
    fn take_results(&mut self) -> bool {
        let mut any = self.collect_opener_failures();
        let mut scanned = false;
        while let Ok(notice) = self.notices.try_recv() {
            any = true;
            match notice {
                Notice::Hashed => self.take_fingerprint(),
                Notice::Parsed => self.take_parsed(),
                // Nothing to take: the next frame draws the code in colour.
                Notice::CodePrepared => {
                    let _prepared = self.preparing_code.take();
                }
                Notice::AllNotes => self.take_all_notes(),
                Notice::Counted => self.take_count(),
                Notice::IndexChecked => self.take_checked_index(),
                Notice::Mirrored => self.take_mirrored(),
                Notice::ReviewReady => self.take_review(),
                Notice::Extracted => self.take_extracted(),
                Notice::Folded => self.take_folded(),
                Notice::NotesLoaded => self.take_notes(),
                // Every batch waiting is taken at once below: one re-order
                // of the list however many batches came.
                Notice::Scanned => scanned = true,
                Notice::FilesChanged => self.rescan(),
                Notice::SearchFound => self.take_search_results(),
                Notice::Searched => {
                    self.take_search_results();
                    if let Some(done) = self.searches.finished() {
                        let _none = self.app.update(Msg::LibraryDone(done));
                    }
                }
            }
        }
        if scanned {
            self.take_scanned();
        }
        self.check_rest();
        any
    }

    /// The descriptor the event loop polls besides the terminal: readable
    /// when background work reported (see [`Session::drain_wake`]).
    #[cfg(unix)]
    pub fn wake_fd(&self) -> Option<std::os::fd::RawFd> {
        self.wake.as_ref().map(wake::Wake::fd)
    }

    /// Empties the wake-up socket; the runtime calls it before
    /// [`Session::collect_jobs`].
    pub fn drain_wake(&self) {
        if let Some(wake) = &self.wake {
            wake.drain();
        }
    }

    /// True while background work is under way (the runtime then polls for
    /// its end more often).
    pub fn jobs_busy(&self) -> bool {
        self.release_held_jobs();
        self.hashing.is_busy()
            || self.parsing.is_busy()
            || self.preparing_code.is_busy()
            || self.all_notes.is_busy()
            || self.counting.is_busy()
            || self.checking_index.is_busy()
            || self.reviewing.is_busy()
            || self.mirror.is_busy()
            || self.extracting.is_busy()
            || self.loading_notes.is_busy()
            || self.scanning()
            || self.searches.is_busy()
    }

    /// True while a large notes file's pending changes are being folded
    /// into it (see `fold_notes`): a benchmark waits for it to end.
    pub fn folding_busy(&self) -> bool {
        self.folding.is_busy()
    }

    /// Starts the jobs held since the session started (see
    /// [`Session::start`]): once the event loop looks for results or asks
    /// whether work is under way, its first frame is drawn.
    fn release_held_jobs(&self) {
        self.hashing.release();
        self.parsing.release();
        self.loading_notes.release();
        self.counting.release();
        self.checking_index.release();
    }

    /// True while a library search runs: the runtime then wakes often, so
    /// results reach the screen as they are found.
    pub fn search_busy(&self) -> bool {
        self.searches.is_busy()
    }

    /// Starts a library search over the app's articles and their notes.
    fn search_library(&mut self, request: &crate::search::job::Request) {
        if let Err(e) = self
            .searches
            .start(request, &self.app.list.articles, &self.data_dir)
        {
            self.app.error(e.to_string());
        }
    }

    /// Hands the library search's new matches to the app, as messages.
    fn take_search_results(&mut self) {
        for found in self.searches.found() {
            // Results ask nothing of the session (no effects).
            let _none = self.app.update(Msg::LibraryFound(found));
        }
    }

    /// True while an article's text is being hashed in the background (an
    /// article known to the fingerprint cache is not hashed again).
    pub fn hashing_busy(&self) -> bool {
        self.release_held_jobs();
        self.hashing.is_busy()
    }

    /// True while the rest of the open article is being parsed in the
    /// background.
    pub fn parse_pending(&self) -> bool {
        self.release_held_jobs();
        self.parsing.is_busy()
    }

    /// Hands the parsed rest of the open article to the app, as a message,
    /// when it was made for this very open (a reload or another article
    /// since makes it stale; the app checks the article again).
    fn take_parsed(&mut self) {
        let Some((opening, parsed)) = self.parsing.take() else {
            return;
        };
        if opening == self.openings {
            let was_lossy = self.open_book_was_lossy();
            // Taking a document asks nothing of the session (no effects).
            let _none = self.app.update(Msg::Parsed(parsed));
            self.say_if_newly_lossy(was_lossy);
        }
    }

    /// True when the open book's chapters read so far held invalid UTF-8.
    pub(super) fn open_book_was_lossy(&self) -> bool {
        self.app
            .reader
            .as_ref()
            .is_some_and(|r| r.doc.book_was_lossy())
    }

    /// Says that the open book is not valid UTF-8 when a chapter read
    /// after its first screen (by the background parse) showed it, and it
    /// was not said at open (`was_lossy`).
    pub(super) fn say_if_newly_lossy(&mut self, was_lossy: bool) {
        if !was_lossy && self.open_book_was_lossy() {
            self.app
                .info("this file is not valid UTF-8: invalid bytes are shown as �");
        }
    }

    fn take_fingerprint(&mut self) {
        let Some((opening, file, hashed)) = self.hashing.take() else {
            return;
        };
        if let Some((path, stamp)) = file {
            self.fingerprints.put(&path, stamp, hashed.clone());
        }
        if let Some(reader) = self.app.reader.as_mut()
            && opening == self.openings
            && reader.notes.record.fingerprint.is_empty()
        {
            reader.notes.record.fingerprint = hashed;
            let article = reader.article.0;
            self.match_moved_notes(opening);
            if !self.saving && self.fingerprint_owed.take() == Some(opening) {
                self.save(article, Vec::new());
            }
        }
    }

    /// At exit: a save made before the open article's fingerprint was
    /// hashed is made again with it, once the hash under way comes (the
    /// event loop never hashes a whole article or book itself).
    pub(super) fn settle_owed_fingerprint(&mut self) {
        if self.fingerprint_owed != Some(self.openings) {
            return;
        }
        self.release_held_jobs();
        let deadline = Instant::now() + Duration::from_secs(60);
        while self.hashing.is_busy() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(2));
        }
        self.collect_jobs();
    }

    /// Merges `ops` (and any earlier ones that failed) into the store.
    pub fn save(&mut self, article: usize, ops: Vec<Op>) {
        self.saving = true;
        self.take_results();
        // Asked once: a hash that ended after the notices were read is
        // taken now, so the save never hashes on the event loop what the
        // job has just hashed (a whole book), and only one still under way
        // leaves the fingerprint owed.
        let hashing = self.hashing.is_busy();
        if !hashing {
            self.take_fingerprint();
        }
        self.saving = false;
        let Some(reader) = &self.app.reader else {
            return;
        };
        if reader.article.0 != article || reader.notes.read_only.is_some() {
            return;
        }
        let mut all: Vec<Op> = self
            .unsaved
            .iter()
            .filter(|(a, _)| *a == article)
            .map(|(_, op)| op.clone())
            .collect();
        all.extend(ops);
        let file = reader.notes.file.clone();
        let mut record = reader.notes.record.clone();
        if record.fingerprint.is_empty() {
            if hashing {
                // Hashed off the event loop meanwhile: saved now, and
                // again with the fingerprint when it comes.
                self.fingerprint_owed = Some(self.openings);
            } else {
                record.fingerprint = fingerprint(&reader.doc.identity_text());
            }
        }
        if !record.fingerprint.is_empty() && self.fingerprint_owed == Some(self.openings) {
            // This save writes it.
            self.fingerprint_owed = None;
        }
        match self.store.apply_changes(file.as_deref(), &record, &all) {
            Ok(saved) => {
                self.unsaved.retain(|(a, _)| *a != article);
                self.snapshot_stale = true;
                // "saved" was said when the change was made; take it back when
                // another window changed the same highlight later and won.
                let overruled = all.iter().filter(|op| !saved.holds(op)).count();
                let lost_note = lost_note(&all, &saved);
                if all.iter().any(|op| !matches!(op, Op::SetPosition(_))) {
                    if !saved.partial {
                        self.mirror.saved(&saved.content);
                    } else if !self.app.config.export.mirror.as_os_str().is_empty()
                        && let Some(whole) = self.store.held(&saved.file)
                    {
                        // A copy of every highlight only when a mirror
                        // folder asks for them.
                        self.mirror.saved(&whole);
                    }
                }
                self.fold_notes();
                self.app.saved(crate::app::ArticleId(article), saved);
                if overruled > 0 {
                    self.app.error(format!(
                        "changed in another window meanwhile: its later version was kept ({overruled} change(s) of yours not applied)"
                    ));
                }
                // Typed text is never dropped unasked: a note that lost
                // reopens in the editor, or waits in the recovery file when
                // the user is busy with something else.
                if let Some((highlight, text)) = lost_note {
                    if self.app.is_busy() {
                        self.recovered.drafts.push(crate::recovery::Draft {
                            article: record,
                            highlight,
                            text,
                        });
                    } else {
                        // The highlight is in the notes just adopted, so
                        // reopening it asks for no save.
                        let _ = self.app.resume_overruled_note(highlight, &text);
                    }
                }
            }
            Err(e) => {
                let (reason, detail) = reason_first(&e);
                let message = format!(
                    "{reason}: not saved (kept in memory, retried at the next change; {detail})"
                );
                self.last_save_error = Some(reason);
                self.unsaved.retain(|(a, _)| *a != article);
                self.unsaved.extend(all.into_iter().map(|op| (article, op)));
                self.snapshot_stale = true;
                self.app.error(message);
            }
        }
    }

    /// Folds the pending changes of the notes file saved or read last, off
    /// the event loop, when the store left some.
    fn fold_notes(&mut self) {
        if let Some(fold) = self.store.fold_due() {
            self.folding.spawn(FoldNotes(fold));
        }
    }

    /// A fold that failed is said; the changes are saved all the same (the
    /// pending-changes file holds them) and the next save folds again.
    fn take_folded(&mut self) {
        if let Some(Err(why)) = self.folding.take() {
            self.app.error(format!(
                "saved, but the notes file was not brought up to date: {}",
                crate::document::sanitize(&why)
            ));
        }
    }

    /// Says in the status bar when the mirror folder could not be brought
    /// in step; the notes are saved, and the next save tries again.
    fn take_mirrored(&mut self) {
        if let Some(why) = self.mirror.failures().and_then(|f| f.into_iter().next()) {
            self.app.error(format!(
                "saved, but the mirror was not updated: {}",
                crate::document::sanitize(&why)
            ));
        }
    }

    /// Writes notes to the export folder in the configured format and says
    /// where.
    pub fn export(&mut self, only: Option<usize>) {
        self.flush_position();
        let config = &self.app.config.export;
        let format = config.format;
        let folder = if config.folder.as_os_str().is_empty() {
            self.data_dir.join("exports")
        } else {
            config.folder.clone()
        };
        let only_path = only
            .and_then(|i| self.app.list.articles.get(i))
            .map(|a| store_path(&a.source));
        match commands::export::export_to_folder(
            &self.store,
            format,
            &folder,
            only_path.as_deref(),
            false,
        ) {
            Ok(written) if written.is_empty() => self.app.info("no notes to export yet"),
            Ok(written) if written.len() == 1 => {
                self.app
                    .info(format!("exported to {}", written[0].display()));
            }
            Ok(written) => self.app.info(format!(
                "exported {} files to {}",
                written.len(),
                folder.display()
            )),
            Err(e) => self
                .app
                .error(format!("{}: export failed ({e:#})", e.root_cause())),
        }
    }

    /// Saves the reading position if scrolling stopped [`POSITION_DELAY`] ago.
    pub fn flush_due_position(&mut self) {
        let now = self.clock.now();
        if self
            .pending_position
            .as_ref()
            .is_some_and(|(_, at)| now.saturating_duration_since(*at) >= POSITION_DELAY)
        {
            self.flush_position();
        }
    }

    /// Saves the pending reading position now.
    pub fn flush_position(&mut self) {
        if let Some((Effect::SavePosition { article, position }, _)) = self.pending_position.take()
        {
            self.save(article.0, vec![Op::SetPosition(position)]);
        }
    }
}

/// A large notes file's pending changes are folded into it once no change
/// was saved for this long (see [`crate::annotations::Fold::run_when_quiet`]).
const FOLD_QUIET: Duration = Duration::from_millis(400);

/// [`crate::annotations::Fold`] as a job.
struct FoldNotes(crate::annotations::Fold);

impl jobs::Job for FoldNotes {
    /// Why the fold failed.
    type Output = Result<bool, String>;
    fn run(self) -> Self::Output {
        self.0.run_when_quiet(FOLD_QUIET).map_err(|e| e.to_string())
    }
}

/// The first note this save asked for that the notes file does not hold
/// because another window's later change of the same highlight won: the
/// highlight as it is now and the text that was typed here.
fn lost_note(ops: &[Op], saved: &crate::annotations::Saved) -> Option<(Highlight, String)> {
    ops.iter().find_map(|op| match op {
        Op::Upsert(mine) if !saved.holds(op) => {
            let theirs = saved.content.highlights.iter().find(|h| h.id == mine.id)?;
            (theirs.note != mine.note).then(|| (theirs.clone(), mine.note.clone()))
        }
        _ => None,
    })
}
