//! Opening a large web page without holding up the event loop: its article
//! is extracted (or, in the raw view, the whole page is parsed) by a
//! background job while the reader pane says so (see `app::loading`), and
//! the page is shown, with its notes, once the job hands the document back.
//!
//! Extraction reads the whole page at once (HTML cannot be read a piece at
//! a time, and Readability scores the whole tree), so a page of megabytes
//! takes a noticeable time, seconds for tens of megabytes: keys are answered
//! meanwhile (quit, help, back to the list, another article), and nothing
//! can be highlighted or saved until the real text is there.

use std::sync::Arc;

use super::Session;
use super::fingerprints::FileStamp;
use super::jobs::Job;
use crate::annotations::fingerprint;
use crate::app::{ArticleId, Effect};
use crate::document::{Document, Format, MAX_EXTRACTED_BYTES, ParseOptions, sanitize};
use crate::library::{Loaded, Source, store_path};

/// Web pages at least this large (bytes of text) are prepared in the
/// background: extracting a smaller one takes a few milliseconds, less than
/// drawing a frame that says it is being extracted.
pub(super) const BACKGROUND_FROM: usize = 128 * 1024;

/// Extracting (or parsing whole, for the raw view) a web page off the event
/// loop's thread.
pub(super) struct Extract {
    /// Which open this was started for (see `Session::openings`): a result
    /// for an open since replaced by another is dropped.
    pub(super) opening: u64,
    /// The article's place in the list.
    pub(super) index: usize,
    /// The page's text, as read.
    pub(super) loaded: Loaded,
    /// Whether the raw view was asked for (the whole page, no extraction).
    pub(super) raw: bool,
    /// How articles are parsed.
    pub(super) options: ParseOptions,
}

/// A page made ready by [`Extract`]: the text as read, its complete
/// document, and the fingerprint of its extracted article when that is
/// what the document holds.
pub(super) struct Prepared {
    /// The page's text, as read.
    pub(super) loaded: Loaded,
    /// The complete document (extracted article, or whole page when raw).
    pub(super) doc: Document,
    /// The page's fingerprint (of its extracted text); `None` for the raw
    /// view, whose text is not the one notes are known by.
    pub(super) fingerprint: Option<String>,
    /// Whether `doc` is the raw view.
    pub(super) raw: bool,
}

impl Job for Extract {
    type Output = (u64, usize, Prepared);
    fn run(self) -> Self::Output {
        let format = if self.raw {
            Format::HtmlRaw
        } else {
            self.loaded.format
        };
        let mut doc = Document::from_shared(Arc::clone(&self.loaded.text), format, self.options);
        doc.ensure_complete();
        // The identity of a page is its extracted text, which is this very
        // document's text (see `document::identity_text`).
        let fingerprint = (format == Format::Html).then(|| fingerprint(doc.text()));
        (
            self.opening,
            self.index,
            Prepared {
                loaded: self.loaded,
                doc,
                fingerprint,
                raw: self.raw,
            },
        )
    }
}

/// "8.4 MB", "512 KB": a size as the reader pane says it.
fn size_words(bytes: usize) -> String {
    const MB: f64 = 1024.0 * 1024.0;
    if bytes as f64 >= MB {
        format!("{:.1} MB", bytes as f64 / MB)
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

impl Session {
    /// Starts preparing article `index` in the background when it is a web
    /// page of at least [`BACKGROUND_FROM`] bytes, and shows that it is
    /// being prepared; true when it did (the open then ends here and goes
    /// on in [`Session::take_extracted`]).
    /// Enter again on the page being prepared (in the same view) starts
    /// nothing new, and reads nothing again.
    pub(super) fn already_preparing(&self, index: usize) -> bool {
        self.app.is_loading(ArticleId(index)) && self.extracting_raw == Some(self.app.raw_pages)
    }

    pub(super) fn prepare_in_background(&mut self, index: usize, loaded: &Loaded) -> bool {
        if loaded.format != Format::Html || loaded.text.len() < BACKGROUND_FROM {
            return false;
        }
        let Some(article) = self.app.list.articles.get(index) else {
            return false;
        };
        let raw = self.app.raw_pages;
        if self.already_preparing(index) {
            return true;
        }
        let name = match &article.source {
            Source::File(path) => path.file_name().map_or_else(
                || path.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            ),
            Source::Bundled(name, _) => (*name).to_string(),
        };
        let whole = loaded.text.len() > MAX_EXTRACTED_BYTES;
        let what = if raw || whole {
            "reading the whole page"
        } else {
            "extracting the article from"
        };
        let message = format!(
            "{what} {} ({})…",
            sanitize(&name),
            size_words(loaded.text.len())
        );
        self.openings += 1;
        self.watched = None;
        self.extracting_raw = Some(raw);
        self.extract_note = (whole && !raw).then(|| {
            format!(
                "{} is larger than {} MB: its whole text is shown, no article is extracted",
                sanitize(&name),
                MAX_EXTRACTED_BYTES / (1024 * 1024)
            )
        });
        self.extracting.spawn(Extract {
            opening: self.openings,
            index,
            loaded: loaded.clone(),
            raw,
            options: self.options,
        });
        self.retire_reader();
        self.app.show_loading(ArticleId(index), message);
        true
    }

    /// Shows the page a background [`Extract`] made ready, when it is still
    /// the one the reader waits for; effects of the open (a save of notes
    /// that followed the page) are carried out here.
    pub(super) fn take_extracted(&mut self) {
        let Some((opening, index, prepared)) = self.extracting.take() else {
            return;
        };
        // Quitting drops it: nothing was shown, so nothing is lost.
        if opening != self.openings || !self.app.is_loading(ArticleId(index)) || self.app.quit {
            return;
        }
        self.extracting_raw = None;
        if prepared.raw != self.app.raw_pages {
            // `--raw` or `W` changed meanwhile: the other view is wanted,
            // at the place `--at` asked for.
            let at = self.extract_at.take();
            let effects = self.open(index);
            if self.app.is_loading(ArticleId(index)) {
                self.extract_at = at;
            }
            self.carry_out_all(effects);
            return;
        }
        if let (Some(known), Some(article)) =
            (&prepared.fingerprint, self.app.list.articles.get(index))
            && let Source::File(_) = &article.source
        {
            let path = store_path(&article.source);
            if let Some(stamp) = FileStamp::of(&path) {
                self.fingerprints.put(&path, stamp, known.clone());
            }
        }
        // The reader's focus stays where the user put it while waiting.
        let focus = self.app.focus;
        let effects = self.open_with(index, Some(prepared));
        if focus == crate::app::Focus::List {
            self.app.focus_list();
        }
        if let Some(note) = self.extract_note.take()
            && self.app.reader.is_some()
        {
            self.app.info(note);
        }
        let at = self.extract_at.take();
        if let (Some(at), Some(reader)) = (at, self.app.reader.as_mut()) {
            let byte = reader.doc.byte_offset(crate::document::CharOffset::new(at));
            reader.reveal(byte);
            reader.cursor_to(byte);
        }
        self.carry_out_all(effects);
    }

    /// Carries out effects that followed from something the session did on
    /// its own (a background result): opening never needs the terminal.
    pub(super) fn carry_out_all(&mut self, effects: Vec<Effect>) {
        let mut queue = effects;
        while !queue.is_empty() {
            for effect in std::mem::take(&mut queue) {
                if let super::Outcome::Done(more) = self.carry_out(effect) {
                    queue.extend(more);
                }
            }
        }
    }
}
