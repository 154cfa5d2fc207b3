//! Reading a large notes file off the event loop (issue 12): an article
//! with 20,000 highlights has a notes file of megabytes, and reading,
//! parsing and placing them all took most of a second before its first
//! screen. Such an article is shown at once with its highlights marked as
//! loading (every change to them is refused with a message until they are
//! there, so none is lost and the file is never written from an incomplete
//! set); this job reads the file, parses the rest of the article and places
//! every highlight in it, and the session hands the result to the app as
//! [`crate::app::Msg::NotesLoaded`]. A result for an older open (the
//! article was reopened, or another one opened) is dropped.

use super::Session;
use super::errors::short_error;
use super::jobs::Job;
use super::open::Parse;
use crate::annotations::{ArticleRecord, MatchedBy, ReadNotes};
use crate::app::notes::{LoadedNotes, Notes};
use crate::app::{ArticleId, Effect, Msg, Parsed};

/// Notes files from this size on (with their pending changes) are read in
/// the background when an article opens: below it reading and placing
/// them takes a few milliseconds.
pub const NOTES_IN_BACKGROUND_FROM: u64 = crate::annotations::PENDING_FROM_BYTES;

/// The job: read the notes file, complete the document, place the highlights.
pub(super) struct LoadNotes {
    /// Which open (see `Session::openings`) it was started for.
    pub(super) opening: u64,
    /// The open article.
    pub(super) article: ArticleId,
    /// The store's reading of the notes file.
    pub(super) read: ReadNotes,
    /// The article's record as the open made it.
    pub(super) record: ArticleRecord,
    /// The rest of the article to parse first, when it opened incomplete:
    /// the highlights are placed in the whole text.
    pub(super) parse: Parse,
}

/// What [`LoadNotes`] hands back.
pub(super) struct NotesRead {
    opening: u64,
    /// The complete document, when the open one was not.
    parsed: Option<Parsed>,
    loaded: LoadedNotes,
    /// The notes were found by the article's text or library path: its new
    /// path is saved.
    moved: bool,
    /// What was set right in the file as it was read.
    repaired: Option<String>,
}

impl Job for LoadNotes {
    type Output = NotesRead;
    fn run(self) -> NotesRead {
        let Self {
            opening,
            article,
            read,
            record,
            parse,
        } = self;
        // Placed in the whole text (no copy of it is made).
        let whole = if parse.doc.is_complete() {
            Err(parse.doc)
        } else {
            Ok(parse.run().1)
        };
        let text = match &whole {
            Ok(parsed) => parsed.doc.text(),
            Err(doc) => doc.text(),
        };
        let unread = match &whole {
            Ok(parsed) => parsed.doc.unread_rest(),
            Err(doc) => doc.unread_rest(),
        };
        let mut moved = false;
        let mut repaired = None;
        let mut ops = Vec::new();
        // The rest of an article opened from its head could not be read
        // (or changed meanwhile): its highlights are not placed in half a
        // text, and no change is taken (`Session::check_rest` says why).
        if let Some(reason) = unread {
            return NotesRead {
                opening,
                loaded: LoadedNotes {
                    article,
                    notes: Notes::read_only(record, reason.to_string()),
                    ops,
                },
                parsed: whole.ok(),
                moved,
                repaired,
            };
        }
        let notes = match read.run() {
            Ok(Some(found)) => {
                moved = matches!(
                    found.matched,
                    MatchedBy::Fingerprint | MatchedBy::LibraryPath
                );
                repaired = found.repairs.describe();
                let mut notes = Notes::new(record, Some(found.file), Some(found.content));
                ops = notes.anchor(text);
                notes
            }
            // Removed since it was found: no notes (yet).
            Ok(None) => Notes::new(record, None, None),
            Err(e) => Notes::read_only(record, short_error(&e)),
        };
        NotesRead {
            opening,
            parsed: whole.ok(),
            loaded: LoadedNotes {
                article,
                notes,
                ops,
            },
            moved,
            repaired,
        }
    }
}

impl Session {
    /// True while an open article's highlights are being read in the
    /// background (asking, as the event loop does, starts what waited for
    /// the first frame).
    pub fn notes_pending(&self) -> bool {
        self.release_held_jobs();
        self.loading_notes.is_busy()
    }

    /// Hands the highlights read in the background to the app, when they
    /// are for this very open, and carries out what follows (the anchors
    /// that moved are written back, a moved article's new path saved, a
    /// note that was being typed given back).
    pub(super) fn take_notes(&mut self) {
        let Some(read) = self.loading_notes.take() else {
            return;
        };
        if read.opening != self.openings {
            return;
        }
        if let Some(parsed) = read.parsed
            && self
                .app
                .reader
                .as_ref()
                .is_some_and(|r| !r.doc.is_complete())
        {
            let was_lossy = self.open_book_was_lossy();
            // Taking a document asks nothing of the session (no effects).
            let _none = self.app.update(Msg::Parsed(parsed));
            self.say_if_newly_lossy(was_lossy);
        }
        let article = read.loaded.article;
        let mut effects = self.app.update(Msg::NotesLoaded(Box::new(read.loaded)));
        // Changes a crash left pending are folded in at once.
        self.fold_notes();
        if let Some(repaired) = read.repaired {
            self.app.info(repaired);
        }
        effects.extend(self.resume_draft());
        if read.moved {
            self.app
                .info("annotations followed the article to its new path");
            effects.push(Effect::Save {
                article,
                ops: Vec::new(),
            });
        }
        self.carry_out_all(effects);
    }
}
