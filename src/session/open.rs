//! Opening an article: reading it, finding its notes (by path, then by the
//! fingerprint of its text, from the cache when the file is unchanged),
//! starting the background hash when the fingerprint is still unknown,
//! giving back a note that was being typed, and watching its file for
//! changes while it is open.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use super::errors::short_error;
use super::fingerprints::FileStamp;
use super::jobs::Job;
use super::{Session, WATCH_EVERY};
use crate::annotations::{ArticleRecord, Lookup, MatchedBy, fingerprint, path_to_text};
use crate::app::Effect;
use crate::app::notes::Notes;
use crate::document::Remainder;
use crate::library::{Article, Source, store_path};

/// Fingerprinting an article's text off the event loop. `opening` numbers
/// the open it was started for, so a result that arrives after the article
/// was opened again (a reload) is not taken for the new text.
pub(super) struct Hash {
    pub(super) opening: u64,
    pub(super) file: Option<(PathBuf, FileStamp)>,
    pub(super) text: Arc<String>,
    /// How the text is read: a web page is known by its extracted article.
    pub(super) format: crate::document::Format,
    /// A book read chapter by chapter is known by its whole source.
    pub(super) book: Option<crate::document::epub::Rest>,
    /// A long file opened from its head is known by its whole text, read
    /// here when the reader has not read it yet.
    pub(super) rest: Option<Arc<dyn Remainder>>,
}

impl Job for Hash {
    type Output = (u64, Option<(PathBuf, FileStamp)>, String);
    fn run(self) -> Self::Output {
        if let Some(whole) = self.book.as_ref().and_then(|b| b.whole_source()) {
            return (self.opening, self.file, fingerprint(whole));
        }
        let (source, file) = match self.rest.as_ref().map(|r| r.whole()) {
            Some(Ok(whole)) => (whole.text.as_str(), self.file),
            // Not kept for the next start: the notes are refused then (see
            // `Session::check_rest`).
            Some(Err(_)) => (self.text.as_str(), None),
            None => (self.text.as_str(), self.file),
        };
        let text = crate::document::identity_text(source, self.format);
        (self.opening, file, fingerprint(&text))
    }
}

/// The open article while only its head is read (a long file, see
/// `library::load_for_reading`): once the reader's document is the whole
/// one, what the rest changes is said (invalid UTF-8 further on), or why it
/// could not be read (then its notes are refused: the text is not all there).
pub(super) struct HeadOnly {
    opening: u64,
    /// Whether the head's note about invalid UTF-8 was already shown.
    head_lossy: bool,
    rest: Arc<dyn Remainder>,
    /// The file, for messages.
    name: String,
}

/// The open article's file: its size and modification time when last seen.
/// Parses the rest of an article that opened with only its first screens
/// parsed, so the event loop can sleep while a large article completes.
/// It works on a clone of the open document: parsing only appends, so the
/// result extends the open one exactly (every offset keeps its meaning).
pub(super) struct Parse {
    /// Which open (see `Session::openings`) the document belongs to.
    pub(super) opening: u64,
    /// The article, for the app's own check that it is still the open one.
    pub(super) article: crate::app::ArticleId,
    /// The document as far as it was parsed when the article opened.
    pub(super) doc: crate::document::Document,
    /// See [`super::Setup::warm_code`].
    pub(super) warm_code: Option<fn(&str, &str)>,
}

/// Source bytes at the end of an article whose code blocks the background
/// parse prepares for drawing: more than the last page shows at any width.
const WARM_TAIL: usize = 32 * 1024;

/// At most this many code blocks are prepared (the highlighter remembers
/// only so many).
const WARM_BLOCKS: usize = 16;

impl Job for Parse {
    type Output = (u64, crate::app::Parsed);
    fn run(mut self) -> Self::Output {
        // The end first (what `G` shows, from a provisional tail), then the
        // rest of the parse; when little was left, the end of the whole.
        let end = self
            .warm_code
            .and_then(|_| self.doc.provisional_tail(WARM_TAIL));
        if let (Some(warm), Some(end)) = (self.warm_code, &end) {
            warm_code_blocks(end, warm);
        }
        self.doc.ensure_complete();
        if let (Some(warm), None) = (self.warm_code, &end) {
            warm_code_blocks(&self.doc, warm);
        }
        (
            self.opening,
            crate::app::Parsed {
                article: self.article,
                doc: Box::new(self.doc),
            },
        )
    }
}

/// Prepares code blocks that a frame drew plain because their language's
/// grammar was not loaded yet (see [`Session::prepare_code`]), so the frame
/// never waits for it; the notice that it is done brings the next frame.
pub(super) struct PrepareCode {
    /// (language, code) of each block.
    pub(super) blocks: Vec<(String, String)>,
    /// See [`super::Setup::warm_code`].
    pub(super) warm: fn(&str, &str),
}

impl Job for PrepareCode {
    type Output = ();
    fn run(self) {
        for (lang, code) in &self.blocks {
            (self.warm)(lang, code);
        }
    }
}

/// Hands the last [`WARM_BLOCKS`] fenced code blocks with a language of
/// `doc` to `warm`, in document order.
fn warm_code_blocks(doc: &crate::document::Document, warm: fn(&str, &str)) {
    use crate::document::BlockKind;
    let blocks = doc.blocks();
    let code: Vec<_> = blocks
        .iter()
        .rev()
        .filter_map(|b| match &b.kind {
            BlockKind::Code { lang } if !lang.is_empty() => Some((lang.as_str(), b.range.clone())),
            _ => None,
        })
        .take(WARM_BLOCKS)
        .collect();
    for (lang, range) in code.into_iter().rev() {
        warm(lang, doc.slice(range));
    }
}

pub(super) struct Watched {
    article: usize,
    path: PathBuf,
    stamp: Option<(u64, std::time::SystemTime)>,
    checked: Instant,
    /// When the file was first missed, and the size and time it had: it
    /// may come back (an editor that saves by renaming) or turn up under
    /// another name in the library before it is called deleted.
    vanished: Option<(Instant, (u64, std::time::SystemTime))>,
}

/// The size and modification time of `path`; `None` when it is gone.
fn stamp_of(path: &Path) -> Option<(u64, std::time::SystemTime)> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.len(), meta.modified().ok()?))
}
impl Session {
    /// Opens the article at `path` (`gloss open PATH`), at character offset
    /// `at`; the effects that follow are returned for the runtime.
    pub fn open_path(&mut self, path: &Path, at: Option<usize>) -> Vec<Effect> {
        let wanted = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let index = self
            .app
            .list
            .articles
            .iter()
            .position(|a| store_path(&a.source) == wanted);
        let Some(index) = index else {
            self.app.error(format!(
                "{} is not an article gloss can open",
                path.display()
            ));
            return Vec::new();
        };
        self.app.list.select_article(index);
        let effects = self.open(index);
        if self.app.is_loading(crate::app::ArticleId(index)) {
            // Placed once the page's text is there (see `extract`).
            self.extract_at = at;
        }
        if let (Some(at), Some(reader)) = (at, self.app.reader.as_mut()) {
            reader.doc.ensure_complete();
            // `--at` counts characters, as the notes files do.
            let byte = reader.doc.byte_offset(crate::document::CharOffset::new(at));
            reader.reveal(byte);
            reader.cursor_to(byte);
        }
        effects
    }

    /// Reads article `index` and its annotations, and shows it.
    pub fn open(&mut self, index: usize) -> Vec<Effect> {
        self.open_with(index, None)
    }

    /// [`Session::open`], with the article's text and document already
    /// made off the event loop when `prepared` is given (a large web page,
    /// see `super::extract`).
    pub(super) fn open_with(
        &mut self,
        index: usize,
        prepared: Option<super::extract::Prepared>,
    ) -> Vec<Effect> {
        self.flush_position();
        let Some(source) = self.app.list.articles.get(index).map(|a| a.source.clone()) else {
            return Vec::new();
        };
        if prepared.is_none() {
            if self.already_preparing(index) {
                return Vec::new();
            }
            // A new open: a place `gloss open --at` asked for belongs to
            // the page it named, not to this one.
            self.extract_at = None;
        }
        let (mut loaded, prepared) = match prepared {
            Some(p) => (p.loaded, Some((p.doc, p.fingerprint))),
            None => match self.reader.load(&source) {
                Ok(loaded) => (loaded, None),
                Err(message) => {
                    match &source {
                        Source::File(file) if std::fs::symlink_metadata(file).is_err() => {
                            let name = crate::document::sanitize(&source.file_name()).into_owned();
                            self.app.article_gone(&name);
                        }
                        _ => self.app.error(message),
                    }
                    return Vec::new();
                }
            },
        };
        if prepared.is_none() && self.prepare_in_background(index, &loaded) {
            return Vec::new();
        }
        let Some(article) = self.app.list.articles.get(index) else {
            return Vec::new();
        };
        let path = store_path(&article.source);
        let mut record = record(article, &path);
        if let Some((_, Some(known))) = &prepared {
            record.fingerprint = known.clone();
        }
        let file = match &article.source {
            Source::File(f) => FileStamp::of(&path).map(|s| (f.clone(), s)),
            Source::Bundled(..) => None,
        };
        if let Some((_, stamp)) = &file
            && let Some(known) = self.fingerprints.get(&path, *stamp)
        {
            record.fingerprint = known.to_string();
        }
        let mut lookup = self.store.locate(&path, &record);
        // Hashing a 5 MB text takes milliseconds before the first screen:
        // only when a moved article's notes could be waiting for it (the
        // listing the lookup made tells). A book's fingerprint needs every
        // chapter unpacked: it is hashed in the background, and its notes
        // looked for again when the hash comes (see `match_moved_notes`).
        let mut match_later = false;
        if let Ok(Lookup { located: None, .. }) = &lookup
            && record.fingerprint.is_empty()
            && lookup
                .as_ref()
                .is_ok_and(|l| l.may_match_by_fingerprint(&path))
        {
            // (Going to one of its highlights at once needs them now.)
            if loaded.book.is_some() && !self.notes_now {
                match_later = true;
                self.matching_moved = Some(self.openings + 1);
            } else {
                record.fingerprint = loaded.fingerprint();
                if let Some((_, stamp)) = &file {
                    self.fingerprints
                        .put(&path, *stamp, record.fingerprint.clone());
                }
                lookup = self.store.locate(&path, &record);
            }
        }
        if !match_later {
            self.matching_moved = None;
        }
        // Megabytes of notes are read and placed off the event loop, by a
        // job that reads and parses the rest of the article first.
        let notes_later = !self.notes_now
            && matches!(&lookup, Ok(Lookup { located: Some(located), .. })
                if located.bytes >= self.notes_in_background_from);
        let raw = self.app.raw_pages && loaded.format == crate::document::Format::Html;
        // The notes placed now are read before the text: whether the text
        // is needed whole depends on what they hold.
        let mut read_now = None;
        if loaded.rest.is_some()
            && !notes_later
            && !match_later
            && !raw
            && let Ok(Lookup {
                located: Some(located),
                ..
            }) = &lookup
        {
            read_now = Some(self.store.read_notes(located.clone()).run());
        }
        // Highlights are placed on the whole text: an article with
        // highlights placed now (or with a note typed when the last run
        // ended) is read whole before it is shown; one without (a reading
        // position alone is found in the head, or by parsing on to it), or
        // whose notes the job places, shows its first screen from its head
        // (any highlight made meanwhile anchors in text the whole document
        // keeps at the same offsets; none is taken while the notes load).
        let places_highlights = match &read_now {
            Some(Ok(Some(found))) => !found.content.highlights.is_empty(),
            Some(Ok(None) | Err(_)) => false,
            None => !matches!(lookup, Ok(Lookup { located: None, .. })),
        };
        if loaded.rest.is_some() && !notes_later && (places_highlights || self.has_draft(&path)) {
            loaded = match loaded.read_whole() {
                Ok(whole) => whole,
                Err(reason) => {
                    self.app.error(with_file(&reason, &source));
                    return Vec::new();
                }
            };
        }
        let from_head = match (&prepared, &loaded.rest) {
            (None, Some(_)) => {
                let (doc, lossy) = loaded.document_noting_lossy(self.options);
                if let Some(reason) = doc.unread_rest() {
                    self.app.error(with_file(reason, &source));
                    return Vec::new();
                }
                Some((doc, lossy))
            }
            _ => None,
        };
        if record.fingerprint.is_empty() {
            // Hashed off the event loop, ready for the first save.
            self.hashing.spawn(Hash {
                opening: self.openings + 1,
                file: file.map(|(_, stamp)| (path.clone(), stamp)),
                text: Arc::clone(&loaded.text),
                format: loaded.format,
                book: loaded.book.as_ref().map(|b| b.rest.clone()),
                rest: loaded.rest.clone(),
            });
        }
        // A book's first chapters are parsed now; when more are left, its
        // notes are placed by the background job that parses the rest, so
        // a book with one highlight opens as fast as one without.
        let book_doc = match (&prepared, &loaded.book) {
            (None, Some(_)) => Some(loaded.document_noting_lossy(self.options)),
            _ => None,
        };
        let book_incomplete = book_doc.as_ref().is_some_and(|(d, _)| !d.is_complete());
        let mut moved = false;
        let mut repaired = None;
        let mut later = None;
        let notes = match lookup {
            // Read-only until the book's fingerprint tells whether a moved
            // copy's notes are its own (no second notes file is started).
            _ if match_later => Notes::loading(record, None),
            // The raw view of a page shows and takes no highlights: they
            // anchor to the extracted article (see `app::raw_page`).
            _ if raw => {
                loaded.format = crate::document::Format::HtmlRaw;
                Notes::read_only(
                    record,
                    "the whole page is shown: highlights are in the article (W)".into(),
                )
            }
            Ok(Lookup {
                located: Some(located),
                ..
            }) if notes_later || (book_incomplete && !self.notes_now) => {
                let count = self
                    .app
                    .figures
                    .get(crate::app::ArticleId(index))
                    .map(|f| f.highlights);
                later = Some((self.store.read_notes(located), record.clone()));
                Notes::loading(record, count)
            }
            Ok(Lookup {
                located: Some(located),
                ..
            }) => match read_now.unwrap_or_else(|| self.store.read_notes(located).run()) {
                Ok(Some(found)) => {
                    moved = matches!(
                        found.matched,
                        MatchedBy::Fingerprint | MatchedBy::LibraryPath
                    );
                    repaired = found.repairs.describe();
                    Notes::new(record, Some(found.file), Some(found.content))
                }
                Ok(None) => Notes::new(record, None, None),
                Err(e) => Notes::read_only(record, short_error(&e)),
            },
            Ok(Lookup { located: None, .. }) => Notes::new(record, None, None),
            Err(e) => Notes::read_only(record, short_error(&e)),
        };
        let (doc, lossy) = match (prepared, from_head.or(book_doc)) {
            (Some((doc, _)), _) => (doc, loaded.lossy),
            (None, Some(made)) => made,
            (None, None) => loaded.document_noting_lossy(self.options),
        };
        let note =
            lossy.then(|| "this file is not valid UTF-8: invalid bytes are shown as �".to_string());
        self.watched = match &article.source {
            Source::File(file) => Some(Watched {
                article: index,
                path: file.clone(),
                stamp: stamp_of(file),
                checked: self.clock.now(),
                vanished: None,
            }),
            Source::Bundled(..) => None,
        };
        self.openings += 1;
        self.head_only = match &loaded.rest {
            Some(rest) if doc.is_head_only() => Some(HeadOnly {
                opening: self.openings,
                head_lossy: lossy,
                rest: Arc::clone(rest),
                name: crate::document::sanitize(&source.display_path()).into_owned(),
            }),
            _ => None,
        };
        self.retire_reader();
        let mut effects = self
            .app
            .show_article(crate::app::ArticleId(index), doc, notes, note);
        if let Some((read, record)) = later {
            // The job parses the rest of the article too; what follows
            // reading the notes follows when they are there.
            self.load_notes(read, record);
            return effects;
        }
        self.parse_rest();
        // Changes a crash left pending are folded in at once.
        self.fold_notes();
        if let Some(repaired) = repaired {
            self.app.info(repaired);
        }
        effects.extend(self.resume_draft());
        if moved {
            self.app
                .info("annotations followed the article to its new path");
            effects.push(Effect::Save {
                article: crate::app::ArticleId(index),
                ops: Vec::new(),
            });
        }
        effects
    }

    /// Takes the open article out of the app before another takes its
    /// place, to be freed once the new one's first frame is drawn (see
    /// [`Session::frame_drawn`]). One is kept at most: an older one still
    /// waiting (no frame was drawn in between) is freed now.
    pub(super) fn retire_reader(&mut self) {
        if let Some(old) = self.app.take_reader() {
            self.retired = Some(old);
        }
    }

    /// The runtime calls this after drawing a frame: the article that was
    /// open before the last open is freed now, after the new one's first
    /// screen (freeing 20,000 placed highlights and a parsed megabyte took
    /// longer than the rest of an open).
    /// The list's figures, when they waited for the first frame (see
    /// [`super::Setup::figures_after_first_frame`]), are read now too.
    pub fn frame_drawn(&mut self) {
        self.retired = None;
        if std::mem::take(&mut self.figures_owed) {
            self.load_index();
        }
    }

    /// [`Session::open`] for going to one of the article's highlights at
    /// once (from the all-notes view, the review): its notes are read
    /// before it is shown, however large.
    pub(super) fn open_placed(&mut self, index: usize) -> Vec<Effect> {
        self.notes_now = true;
        let effects = self.open(index);
        self.notes_now = false;
        effects
    }

    /// Starts reading the open article's notes (and parsing its rest) in
    /// the background (see `super::notes_load`).
    fn load_notes(&mut self, read: crate::annotations::ReadNotes, record: ArticleRecord) {
        let Some(reader) = &self.app.reader else {
            return;
        };
        self.loading_notes.spawn(super::notes_load::LoadNotes {
            opening: self.openings,
            article: reader.article,
            read,
            record,
            parse: Parse {
                opening: self.openings,
                article: reader.article,
                doc: reader.article_doc().clone(),
                warm_code: self.warm_code,
            },
        });
    }

    /// Starts parsing the rest of the open article in the background when it
    /// opened incomplete (a newer open replaces a job still waiting), also
    /// when it opened on a provisional view of its end (a long article
    /// reopened where it was left, on its last pages).
    fn parse_rest(&mut self) {
        let Some(reader) = &self.app.reader else {
            return;
        };
        let doc = reader.article_doc();
        if doc.is_complete() {
            return;
        }
        self.parsing.spawn(Parse {
            opening: self.openings,
            article: reader.article,
            doc: doc.clone(),
            warm_code: self.warm_code,
        });
    }

    /// Prepares, off the event loop, the code blocks (language, code) a
    /// frame drew plain because their grammar was not loaded yet; the
    /// runtime passes them after drawing, and draws again when they are
    /// ready. A newer request replaces one still waiting (what is still
    /// plain on screen is asked for again by the next frame).
    pub fn prepare_code(&mut self, blocks: Vec<(String, String)>) {
        if let (Some(warm), false) = (self.warm_code, blocks.is_empty()) {
            self.preparing_code.spawn(PrepareCode { blocks, warm });
        }
    }

    /// True when a note for the article at `path` was being typed when the
    /// last run ended (it is given back once the article is open).
    fn has_draft(&self, path: &Path) -> bool {
        let key = path_to_text(path);
        self.recovered.drafts.iter().any(|d| d.article.path == key)
    }

    /// Once the open article's document is the whole one (see
    /// [`HeadOnly`]): says what the rest changed, or why it could not be
    /// read, and then refuses changes to the notes of a text not all there.
    pub(super) fn check_rest(&mut self) {
        let Some(head) = &self.head_only else {
            return;
        };
        let Some(reader) = self.app.reader.as_mut() else {
            self.head_only = None;
            return;
        };
        if head.opening != self.openings {
            self.head_only = None;
            return;
        }
        if reader.is_provisional() || reader.doc.is_head_only() {
            return;
        }
        if let Some(reason) = reader.doc.unread_rest() {
            let message = format!(
                "only the start of {} is shown: {reason}; its notes cannot be changed (reload with the file complete)",
                head.name
            );
            reader.notes.read_only = Some(message.clone());
            self.app.error(message);
        } else if !head.head_lossy && head.rest.whole().is_ok_and(|w| w.lossy) {
            self.app
                .info("this file is not valid UTF-8: invalid bytes are shown as �");
        }
        self.head_only = None;
    }

    /// Reopens the note that was being typed in the open article when the
    /// last run ended, if there was one.
    pub(super) fn resume_draft(&mut self) -> Vec<Effect> {
        let path_key = self
            .app
            .reader
            .as_ref()
            .map(|r| r.notes.record.path.clone());
        let Some(at) = self
            .recovered
            .drafts
            .iter()
            .position(|d| Some(&d.article.path) == path_key.as_ref())
        else {
            return Vec::new();
        };
        let draft = self.recovered.drafts.remove(at);
        self.snapshot_stale = true;
        self.app.resume_draft(draft.highlight, &draft.text)
    }

    /// Notices the open article's file being rewritten or deleted (by an
    /// editor, a sync tool): a rewrite offers a reload, in which highlights
    /// re-anchor to the new text; a deletion is said, and the text in memory
    /// stays readable with its notes. True when a message was shown.
    pub fn check_file(&mut self) -> bool {
        let now_time = self.clock.now();
        let Some(watched) = &mut self.watched else {
            return false;
        };
        if now_time.saturating_duration_since(watched.checked) < WATCH_EVERY {
            return false;
        }
        watched.checked = now_time;
        if self.app.reader.as_ref().map(|r| r.article.0) != Some(watched.article) {
            self.watched = None;
            return false;
        }
        let now = stamp_of(&watched.path);
        if let Some((since, last)) = watched.vanished {
            if now.is_none() {
                return self.look_for_missing(since, last, now_time);
            }
            // Back where it was: compared with the text as it was opened.
            watched.vanished = None;
            watched.stamp = Some(last);
        }
        if now == watched.stamp {
            return false;
        }
        let was = std::mem::replace(&mut watched.stamp, now);
        if now.is_none() {
            // Said once it has been looked for (see MOVE_WAIT).
            watched.vanished = was.map(|stamp| (now_time, stamp));
            return false;
        }
        if self.app.is_busy() {
            // Asked later, not in the middle of typing or of another question.
            watched.stamp = Some((u64::MAX, std::time::UNIX_EPOCH));
            return false;
        }
        self.app.offer_reload();
        true
    }
}

impl Session {
    /// The open article's file has been missing since `since` (it had
    /// size and time `last`): followed when the library's scan found it
    /// moved, said to be deleted once [`super::MOVE_WAIT`] has passed. True
    /// when a message was shown.
    fn look_for_missing(
        &mut self,
        since: Instant,
        last: (u64, std::time::SystemTime),
        now: Instant,
    ) -> bool {
        let Some(watched) = &mut self.watched else {
            return false;
        };
        let list = &self.app.list;
        let moved = list.moved_to(crate::app::ArticleId(watched.article));
        if let Some(Source::File(path)) = moved.map(|to| list.articles[to.0].source.clone()) {
            let shown = crate::document::sanitize(&path.display().to_string()).into_owned();
            watched.vanished = None;
            watched.stamp = Some(last);
            watched.path = path;
            self.app.info(format!(
                "this article's file moved to {shown}: its notes go with it"
            ));
            return true;
        }
        if now.saturating_duration_since(since) < super::MOVE_WAIT {
            return false;
        }
        watched.vanished = None;
        watched.stamp = None;
        self.app.info(
            "this article's file was deleted: the text stays open here and its notes are kept",
        );
        true
    }
}

/// `reason: file`, for an article that could not be read.
fn with_file(reason: &str, source: &Source) -> String {
    format!(
        "{reason}: {}",
        crate::document::sanitize(&source.display_path())
    )
}

impl Session {
    /// Once the open book's fingerprint is known (`hashed`), looks again
    /// for notes that followed it from another path: found, they are read
    /// and placed in the background as any large notes file; else the book
    /// has none yet and takes highlights from now on.
    pub(super) fn match_moved_notes(&mut self, opening: u64) {
        if self.matching_moved != Some(opening) || opening != self.openings {
            return;
        }
        self.matching_moved = None;
        let Some(reader) = &self.app.reader else {
            return;
        };
        let article = reader.article;
        let record = reader.notes.record.clone();
        let Some(path) = self
            .app
            .list
            .articles
            .get(article.0)
            .map(|a| store_path(&a.source))
        else {
            return;
        };
        let notes = match self.store.locate(&path, &record) {
            Ok(Lookup {
                located: Some(located),
                ..
            }) => {
                let read = self.store.read_notes(located);
                self.load_notes(read, record);
                return;
            }
            Ok(Lookup { located: None, .. }) => Notes::new(record, None, None),
            Err(e) => Notes::read_only(record, short_error(&e)),
        };
        let effects = self.app.update(crate::app::Msg::NotesLoaded(Box::new(
            crate::app::notes::LoadedNotes {
                article,
                notes,
                ops: Vec::new(),
            },
        )));
        self.carry_out_all(effects);
        let effects = self.resume_draft();
        self.carry_out_all(effects);
    }
}

/// The record of an article as the store keeps it, with the path's exact
/// bytes (a name that is not UTF-8 must not share notes with another).
/// The fingerprint is left empty: hashing a large article is only worth it
/// when the path alone does not find its notes, or when they are first saved.
pub(super) fn record(article: &Article, path: &Path) -> ArticleRecord {
    ArticleRecord {
        title: article.title.clone(),
        author: article.meta.author.clone(),
        date: article.meta.date_text.clone(),
        path: path_to_text(path),
        fingerprint: String::new(),
        archived: None,
    }
}
