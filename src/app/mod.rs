//! Application state and how it changes. A terminal event becomes a [`Msg`]
//! (a key is routed by the current [`Mode`] to that mode's keymap table; typed
//! text, pastes, the mouse and resizes are messages too), and [`App::update`]
//! applies it. The runtime's answers (a loaded article, a save's result, the
//! external editor's text, a failed save) come back through the few methods it
//! calls for them (`show_article`, `saved`, `external_edit_done`, `offer_reload`,
//! `resume_draft`, `info`/`error`, and the `unsaved` field). Anything that
//! touches the outside world (reading files, saving) is returned as an
//! [`Effect`] for the runtime to do; the time and new ids come from the
//! [`clock::Clock`] the runtime (or a test) gives. So the whole app can be
//! driven in tests without a terminal, and the same keys give the same state.

pub mod all_notes;
mod annotate;
pub mod clock;
pub mod cursor;
pub mod geometry;
pub mod library_search;
pub mod links;
pub mod list;
pub mod loading;
pub mod modes;
pub mod note_editor;
pub mod notes;
pub mod outline;
pub mod panel;
mod raw_page;
pub mod reader;
pub mod review;
pub mod search;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEvent};
use ratatui::layout::{Position, Rect};

use crate::annotations::{HighlightId, Op, ReadingPosition};
use crate::config::Config;
use crate::document::Document;
use crate::keymap::{Action, Context, Keymap};
use crate::library::Scan;
use clock::{Clock, SystemClock};
use cursor::Motion;
use geometry::Areas;
use list::ListState;
pub use list::{ArticleFigures, ArticleId, Figures};
pub use modes::{Mode, Msg, NoteEdit, Parsed, Pointer};
use note_editor::{EditorOutcome, NoteEditor};
use notes::{Notes, position_at, resolve_position_parsing};
use outline::Headings;
use panel::Panel;
use reader::Reader;

pub use annotate::preview;

/// Lines of the list pane each article takes (title, then byline and progress).
pub const ENTRY_HEIGHT: usize = 2;

/// Lines one mouse-wheel notch scrolls the reader.
const WHEEL_LINES: isize = 3;

/// From this share of an article read on, a saved place is first looked
/// for on the article's last pages, from a provisional parse of its end
/// (see `Reader::show_in_tail`), before the article is parsed that far.
const NEAR_THE_END: f64 = 0.98;

/// Which pane has focus: it receives the keys while the app is in
/// [`Mode::Browse`] (and the list does in [`Mode::Panel`] when it has focus).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    /// The article list.
    List,
    /// The reader.
    Reader,
}

/// A single-line text field shown in the status bar while typing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// What the text is for.
    pub kind: InputKind,
    /// The text typed so far.
    pub text: String,
}

/// What a text field is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    /// Live filter of the list.
    Filter,
    /// Search in the article.
    Search,
}

/// A line in the status bar until the next key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The text.
    pub text: String,
    /// Shown in the error style.
    pub error: bool,
}

/// Work for the runtime: things `update` must not do itself.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Read this article and call [`App::show_article`].
    Open(ArticleId),
    /// Save the reading position of the open article (the runtime may wait
    /// for scrolling to stop first).
    SavePosition {
        /// The article.
        article: ArticleId,
        /// The position.
        position: ReadingPosition,
    },
    /// Merge these changes into the article's annotation file now, then call
    /// [`App::saved`].
    Save {
        /// The article.
        article: ArticleId,
        /// The changes.
        ops: Vec<Op>,
    },
    /// Put text on the clipboard (OSC 52).
    Copy(String),
    /// Hand the note being edited to `$VISUAL`/`$EDITOR`, then call
    /// [`App::external_edit_done`].
    ExternalEdit(String),
    /// Export notes to the configured folder: one article's, or (`None`)
    /// every article's.
    Export(Option<ArticleId>),
    /// Open the file a link leads to (relative to the folder of the article
    /// at `from`) in gloss, adding it to the library for the session, then
    /// call [`App::arrived`]; a file gloss does not read goes to the system
    /// opener.
    FollowFile {
        /// Where the link was, to come back to.
        from: links::Place,
        /// The path as the link gives it, decoded.
        path: String,
        /// The `#place` to go to in the file.
        fragment: Option<String>,
    },
    /// Reopen an article and call [`App::land`] with this place (the back
    /// key, after a link led to another article).
    Return(links::Place),
    /// Load every notes file of the library (off the event loop's thread)
    /// and send them back as [`Msg::AllNotesLoaded`], for the all-notes view.
    LoadAllNotes,
    /// Merge changes made in the all-notes view into their notes files
    /// (one save per file, each crash-safe), then call
    /// [`App::all_notes_saved`] for each.
    SaveNotes(Vec<crate::annotations::library_notes::NotesChange>),
    /// Open the article whose notes file records `path` (adding it to the
    /// list for the session when the library does not hold it), then call
    /// [`App::go_to_note`].
    OpenNote {
        /// The article's path as its notes file records it.
        path: String,
        /// The highlight to go to.
        highlight: HighlightId,
        /// Mark the highlight to be moved onto the next selection (orphans).
        reattach: bool,
    },
    /// Record in the article's notes file that it is archived (or not).
    Archive {
        /// The article.
        article: ArticleId,
        /// Archived or brought back.
        archived: bool,
    },
    /// Read the library folders again (`R`).
    Rescan,
    /// Search the library in the background; the results come back as
    /// [`Msg::LibraryFound`] and [`Msg::LibraryDone`].
    SearchLibrary(crate::search::job::Request),
    /// Stop the library search that is running.
    CancelLibrarySearch,
    /// Hand a URL to the system opener (`$BROWSER`, else xdg-open/open).
    OpenUrl {
        /// The URL.
        url: String,
        /// Whether the user said yes to an unusual scheme.
        confirmed: bool,
    },
    /// Work for the daily review (build the queue, save an answer or a
    /// note, open a highlight's article).
    Review(Box<review::ReviewEffect>),
}

/// A yes/no question in the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Confirm {
    /// Delete the highlight with this id.
    Delete(HighlightId),
    /// Quit although typed text would be dropped or changes are unsaved.
    Quit,
    /// Read the open article again: its file changed on disk.
    Reload,
    /// Hand a URL with an unusual scheme to the system opener.
    OpenUrl(String),
}

/// Changes the runtime could not save (full or read-only disk), so that `q`
/// asks before quitting and says where they will be kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsaved {
    /// How many changes.
    pub count: usize,
    /// Why the last save failed ("No space left on device (os error 28)").
    pub reason: String,
    /// The recovery file they are already kept in; `None` when it could not
    /// be written either (they are then printed on stderr at exit).
    pub kept_in: Option<std::path::PathBuf>,
}

/// Everything the ui draws.
#[derive(Debug)]
pub struct App {
    /// Settings.
    pub config: Config,
    /// Key bindings.
    pub keymap: Keymap,
    /// The list pane.
    pub list: ListState,
    /// Reading progress and highlight count per article, for the list pane.
    pub figures: Figures,
    /// The layer that has the keys: exactly one at a time.
    pub mode: Mode,
    /// The modes `mode` was opened over, the nearest last (the panel under
    /// the help, a text field under a question): they take no keys, and the
    /// top one takes them again when `mode` closes. See [`App::open_over`].
    under: Vec<Mode>,
    /// A highlight waiting to be moved onto the next selection.
    pub reattach: Option<HighlightId>,
    /// Whether notes are shown under their paragraphs.
    pub inline_notes: bool,
    /// The open article.
    pub reader: Option<Reader>,
    /// Which pane has focus.
    pub focus: Focus,
    /// The status bar message.
    pub message: Option<Message>,
    /// The terminal size.
    pub screen: Rect,
    /// Set when the user asked to quit.
    pub quit: bool,
    /// Changes that could not be saved, set by the runtime.
    pub unsaved: Option<Unsaved>,
    /// Whether the list pane is hidden while the reader has focus, so the
    /// text has the whole width.
    pub list_hidden: bool,
    /// The open article's headings, for the outline, the heading motions
    /// and the section named in the status bar.
    pub headings: Headings,
    /// Where changes get their time and new highlights their ids: the
    /// system in the running app, a fixed clock in tests.
    pub clock: Box<dyn Clock>,
    /// Places followed links left, for the back key.
    pub links: links::Trail,
    /// How many highlights are due for review today, when the session has
    /// counted them (the list's status line shows it).
    pub review_due: Option<usize>,
    /// The last library search and a jump waiting for its article.
    pub library_search: library_search::Kept,
    /// Web pages are shown whole, without extraction (`--raw`, `W`).
    pub raw_pages: bool,
    /// The article being prepared in the background, when one is (see
    /// [`loading`]).
    pub loading: Option<loading::Loading>,
}

impl App {
    /// An app over a scanned library, with the list focused.
    pub fn new(config: Config, keymap: Keymap, scan: Scan) -> Self {
        let inline_notes = config.reader.inline_notes;
        let raw_pages = config.reader.raw_pages;
        let message = scan.summary().map(|text| Message { text, error: false });
        let count = scan.articles.len();
        let mut list = ListState::new(scan.articles);
        list.sort = config.list.sort;
        list.refresh();
        Self {
            config,
            keymap,
            list,
            figures: Figures::new(count),
            mode: Mode::Browse,
            under: Vec::new(),
            reattach: None,
            inline_notes,
            reader: None,
            focus: Focus::List,
            message,
            screen: Rect::default(),
            quit: false,
            unsaved: None,
            list_hidden: false,
            headings: Headings::default(),
            clock: Box::new(SystemClock),
            links: links::Trail::default(),
            review_due: None,
            library_search: library_search::Kept::default(),
            raw_pages,
            loading: None,
        }
    }

    /// The same app with another clock: tests pass a [`clock::FixedClock`]
    /// so that timestamps and new ids are the same on every run.
    pub fn with_clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Box::new(clock);
        self
    }

    /// The panes for the current screen.
    pub fn areas(&self) -> Areas {
        self.areas_in(self.screen)
    }

    /// The panes for a given screen: the ui lays out from the frame it draws
    /// into, which may differ from [`App::screen`] when the terminal changed
    /// size after the last resize event was read.
    pub fn areas_in(&self, screen: Rect) -> Areas {
        geometry::areas(
            screen,
            self.config.reader.list_width,
            self.config.reader.reading_width,
            self.focus == Focus::List,
            self.list_hidden,
        )
    }

    fn fit_reader(&mut self) {
        let areas = self.areas();
        let text = areas.text;
        if let Some(reader) = &mut self.reader {
            reader.set_wide(geometry::wide_column(areas.reader, text).width);
            reader.resize(text.width, usize::from(text.height));
        }
        self.keep_selection_visible();
    }

    fn keep_selection_visible(&mut self) {
        let rows = self.list_rows();
        let list = &mut self.list;
        if list.selected < list.scroll {
            list.scroll = list.selected;
        } else if list.selected >= list.scroll + rows {
            list.scroll = list.selected + 1 - rows;
        }
        // When the pane grows, show as many entries as fit rather than keeping
        // an old scroll that leaves rows empty.
        list.scroll = list.scroll.min(list.visible.len().saturating_sub(rows));
    }

    /// Shows a freshly loaded article with its annotations: places the
    /// highlights (writing back anchors that moved) and restores the saved
    /// reading position.
    pub fn show_article(
        &mut self,
        article: ArticleId,
        doc: Document,
        notes: Notes,
        note: Option<String>,
    ) -> Vec<Effect> {
        let text = self.areas().text;
        let tab_width = self.config.reader.tab_width;
        let mut reader = Reader::new(
            article,
            doc,
            text.width,
            usize::from(text.height),
            tab_width,
        );
        reader.notes = notes;
        self.loading = None;
        self.forget_loading_message();
        let mut effects = Vec::new();
        if !reader.notes.highlights.is_empty() {
            reader.doc.ensure_complete();
            let ops = reader.notes.anchor(reader.doc.text());
            if !ops.is_empty() {
                effects.push(Effect::Save { article, ops });
            }
            let orphans = reader.notes.orphans();
            if orphans > 0 {
                self.info(self.orphans_message(orphans));
            }
        }
        if let Some(position) = reader.notes.position.clone()
            && position.offset > crate::document::CharOffset::ZERO
        {
            if position.progress < NEAR_THE_END || !reader.show_in_tail(&position.quote) {
                let offset = resolve_position_parsing(&mut reader.doc, &position);
                reader.restore(offset);
            }
            reader.cursor_into_view();
        }
        if let Some(figures) = self.figures.get_mut(article)
            && reader.notes.loading.is_none()
        {
            figures.highlights = reader.notes.count();
        }
        if let Some(loading) = &reader.notes.loading {
            self.info(loading.status());
        } else if let Some(read_only) = &reader.notes.read_only {
            self.error(format!("annotations read-only: {read_only}"));
        } else if let Some(text) = note {
            self.info(text);
        }
        self.reader = Some(reader);
        self.headings.clear();
        self.refresh_headings();
        self.focus = Focus::Reader;
        self.fit_reader();
        self.land_library_jump();
        if let Some(reader) = self.reader.as_mut()
            && let Some(loading) = reader.notes.loading.as_mut()
        {
            loading.shown_at = Some((reader.top, reader.cursor));
        }
        effects
    }

    /// Takes the open article out before another takes its place, for the
    /// session to free after the next frame (see
    /// `Session::frame_drawn`); the message that its highlights are
    /// loading goes with it.
    pub fn take_reader(&mut self) -> Option<Reader> {
        self.forget_loading_message();
        self.reader.take()
    }

    /// The reading progress of an article as a fraction to show: a stored
    /// value that is not a number, or out of 0..=1 (a hand-edited or damaged
    /// notes file), is clamped rather than shown as "NaN%" or "750%".
    pub fn progress_of(&self, article: ArticleId) -> Option<f64> {
        let p = self.figures.get(article)?.progress?;
        p.is_finite().then(|| p.clamp(0.0, 1.0))
    }

    /// Shows an informational message in the status bar.
    pub fn info(&mut self, text: impl Into<String>) {
        self.message = Some(Message {
            text: text.into(),
            error: false,
        });
    }

    /// Says that the article chosen is no longer where the list says: it was
    /// moved or deleted since it was listed (while gloss was closed, the list
    /// then coming from the cache, or before the folder's watcher told), and
    /// how to catch up at once. `name` is shown as given (already safe).
    pub fn article_gone(&mut self, name: &str) {
        let rescan = self.key_or(Context::List, Action::Rescan, "R");
        self.error(format!(
            "{name} is no longer there (moved or deleted since it was listed): {rescan} reads the folders again"
        ));
    }

    /// Reports a failure in the status bar.
    pub fn error(&mut self, text: impl Into<String>) {
        self.message = Some(Message {
            text: text.into(),
            error: true,
        });
    }

    /// Turns a key press into a message for the current mode and applies it.
    pub fn on_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        if key.kind == KeyEventKind::Release {
            return Vec::new();
        }
        // A terminal sends Esc and a key typed right after it as one Alt-key;
        // where Alt-key means nothing, it was meant as the two keys.
        if key.modifiers.contains(KeyModifiers::ALT)
            && matches!(
                self.context(),
                Context::List | Context::Reader | Context::Panel | Context::Help | Context::Outline
            )
            && self.keymap.action(self.context(), &key).is_none()
        {
            let mut effects = self.on_key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE));
            let mut rest = key;
            rest.modifiers.remove(KeyModifiers::ALT);
            effects.extend(self.on_key(rest));
            return effects;
        }
        match self.route(&key) {
            Some(msg) => self.update(msg),
            // A key that means nothing still clears the last message.
            None => {
                self.message = None;
                Vec::new()
            }
        }
    }

    /// A mouse event from the terminal, as a message.
    pub fn on_mouse(&mut self, mouse: MouseEvent) -> Vec<Effect> {
        match Pointer::from_event(&mouse) {
            Some(pointer) => self.update(Msg::Mouse(pointer)),
            None => Vec::new(),
        }
    }

    /// Pasted text, as a message: it goes into an open text field.
    pub fn on_paste(&mut self, text: &str) {
        self.update(Msg::Paste(text.to_string()));
    }

    /// Takes a new terminal size (as a message) and re-lays out the reader.
    pub fn resize(&mut self, width: u16, height: u16) {
        self.update(Msg::Resize { width, height });
    }

    /// Applies one message. Every change the user causes (keys, typed text,
    /// pastes, the mouse, a resize) comes through here; what the runtime
    /// reports back (a loaded article, a save's result) comes through the
    /// `show_article`, `saved` and similar methods it calls.
    pub fn update(&mut self, msg: impl Into<Msg>) -> Vec<Effect> {
        let msg = msg.into();
        self.settle_unless_kept(&msg);
        if msg.is_input() {
            self.list.touched = true;
            // Only the key right after archiving can undo it (a click on
            // another article, or any other key, ends that chance).
            if msg != Msg::Action(Action::ToggleArchived) {
                self.list.just_archived = None;
            }
        }
        let effects = match msg {
            Msg::Resize { width, height } => {
                self.screen = Rect::new(0, 0, width, height);
                self.fit_reader();
                if let Mode::Note(edit) = &mut self.mode {
                    edit.editor.refit();
                }
                Vec::new()
            }
            Msg::Paste(text) if matches!(self.mode, Mode::LibrarySearch(_)) => {
                self.on_mode_msg(Msg::Paste(text))
            }
            Msg::Paste(text) => {
                self.paste(&text);
                Vec::new()
            }
            Msg::Mouse(pointer) if matches!(self.mode, Mode::Links(_)) => {
                self.on_links_pointer(pointer)
            }
            Msg::Mouse(pointer) if matches!(self.mode, Mode::AllNotes(_)) => {
                self.on_all_notes_pointer(pointer);
                Vec::new()
            }
            Msg::Mouse(_) if matches!(self.mode, Mode::Review(_)) => Vec::new(),
            Msg::Mouse(pointer) => self.on_pointer(pointer),
            Msg::Parsed(parsed) => {
                self.take_parsed(parsed);
                Vec::new()
            }
            Msg::AllNotesLoaded(notes) => {
                self.take_all_notes(*notes);
                Vec::new()
            }
            Msg::NotesLoaded(loaded) => self.take_loaded_notes(*loaded),
            Msg::LibraryFound(found) => {
                self.search_found(found);
                Vec::new()
            }
            Msg::LibraryDone(done) => {
                self.library_done(done);
                Vec::new()
            }
            msg => {
                self.message = None;
                self.on_mode_msg(msg)
            }
        };
        self.back_to_under();
        self.keep_selection_visible();
        self.refresh_headings();
        self.keep_outline_visible();
        effects
    }

    /// A key's message, by mode.
    fn on_mode_msg(&mut self, msg: Msg) -> Vec<Effect> {
        match std::mem::take(&mut self.mode) {
            Mode::Browse => match msg {
                Msg::Action(action) => self.apply(action),
                _ => Vec::new(),
            },
            Mode::Panel(panel) => self.on_panel(panel, msg),
            Mode::Help { scroll } => self.on_help(scroll, msg),
            Mode::Field(input) => self.on_field(input, msg),
            Mode::Question { ask } => self.on_question(ask, msg),
            Mode::Note(edit) => self.on_editor(edit, msg),
            Mode::Outline(outline) => self.on_outline(outline, msg),
            Mode::Links(picker) => self.on_links(picker, msg),
            Mode::AllNotes(view) => self.on_all_notes(view, msg),
            Mode::Review(review) => self.on_review(review, msg),
            Mode::LibrarySearch(search) => self.on_library_search(search, msg),
        }
    }

    fn on_editor(&mut self, mut edit: Box<NoteEdit>, msg: Msg) -> Vec<Effect> {
        let outcome = match msg {
            Msg::EditorKey(key) => edit.editor.on_key(&self.keymap, key),
            Msg::Action(Action::SaveNote) => EditorOutcome::Save(edit.editor.text()),
            _ => EditorOutcome::Continue,
        };
        match outcome {
            EditorOutcome::Continue => {
                self.mode = Mode::Note(edit);
                Vec::new()
            }
            EditorOutcome::Cancel => {
                let made_for_note = edit.made_for_note;
                self.drop_unwritten(&edit.highlight, made_for_note)
            }
            EditorOutcome::Save(text) if self.editing_from_review() => {
                self.save_review_note(&edit.highlight, text)
            }
            EditorOutcome::Save(text) => self.save_note(&edit.highlight, text),
            EditorOutcome::External => {
                let text = edit.editor.text();
                self.mode = Mode::Note(edit);
                vec![Effect::ExternalEdit(text)]
            }
        }
    }

    /// The note being edited and the id of its highlight, for the runtime
    /// (which keeps a draft of it for the recovery file).
    pub fn note_editor(&self) -> Option<(&NoteEditor, &str)> {
        match &self.mode {
            Mode::Note(edit) => Some((&edit.editor, edit.highlight.as_str())),
            _ => None,
        }
    }

    /// Whether the user is answering a question or writing a note, so that
    /// the runtime does not ask another question on top.
    pub fn is_busy(&self) -> bool {
        matches!(self.mode, Mode::Question { .. } | Mode::Note(_))
    }

    /// Takes the note back from the external editor.
    pub fn external_edit_done(&mut self, result: Result<String, String>) {
        match (result, &mut self.mode) {
            (Ok(text), Mode::Note(edit)) => edit.editor.set_text(&text),
            (Err(e), _) => self.error(e),
            _ => {}
        }
    }

    /// The keys that select, for messages: "v, s or V" with the keys in force.
    pub(super) fn selection_keys(&self) -> String {
        let v = self.key_or(Context::Reader, Action::Select, "v");
        let s = self.key_or(Context::Reader, Action::SelectSentence, "s");
        let p = self.key_or(Context::Reader, Action::SelectParagraph, "V");
        format!("{v}, {s} or {p}")
    }

    /// Says that an action needs a selection, naming the keys that make one.
    pub(super) fn ask_for_selection(&mut self) {
        let v = self.key_or(Context::Reader, Action::Select, "v");
        let s = self.key_or(Context::Reader, Action::SelectSentence, "s");
        let p = self.key_or(Context::Reader, Action::SelectParagraph, "V");
        self.info(format!(
            "select a passage first: {v}, {s} (sentence) or {p} (paragraph)"
        ));
    }

    /// The first key bound to `action` in `context`, for a message that
    /// names it; `fallback` when the user unbound it.
    pub(super) fn key_or(&self, context: Context, action: Action, fallback: &str) -> String {
        self.keymap
            .key_name(context, action)
            .unwrap_or_else(|| fallback.to_string())
    }

    /// The answer to a question; whatever the question opened over (the
    /// panel, a text field) takes the keys again afterwards.
    fn on_question(&mut self, confirm: Confirm, msg: Msg) -> Vec<Effect> {
        match (confirm, msg) {
            (Confirm::Delete(id), Msg::Action(Action::Yes)) => self
                .delete_in_view(&id)
                .unwrap_or_else(|| self.delete_highlight(&id)),
            (Confirm::Quit, Msg::Action(Action::Yes)) => self.quit_now(),
            (Confirm::OpenUrl(url), Msg::Action(Action::Yes)) => vec![Effect::OpenUrl {
                url,
                confirmed: true,
            }],
            (Confirm::OpenUrl(_), _) => {
                self.info("not opened");
                Vec::new()
            }
            (Confirm::Reload, Msg::Action(Action::Yes)) => {
                let mut effects: Vec<Effect> = self.position_effect().into_iter().collect();
                if let Some(reader) = &self.reader {
                    effects.push(Effect::Open(reader.article));
                }
                effects
            }
            // The question comes unasked, while keys for reading may be on
            // their way: only an answer ends it, so a `j` meant for the
            // text neither dismisses it unseen nor moves the old text.
            (Confirm::Reload, msg) if !matches!(msg, Msg::Action(Action::No)) => {
                self.mode = Mode::ask(Confirm::Reload);
                self.ask_reload();
                Vec::new()
            }
            _ => {
                self.info("kept");
                Vec::new()
            }
        }
    }

    fn on_help(&mut self, scroll: u16, msg: Msg) -> Vec<Effect> {
        let scroll = match msg {
            Msg::Action(Action::ScrollDown) => scroll.saturating_add(1),
            Msg::Action(Action::ScrollUp) => scroll.saturating_sub(1),
            Msg::Action(Action::PageDown) => scroll.saturating_add(10),
            Msg::Action(Action::PageUp) => scroll.saturating_sub(10),
            Msg::Action(Action::Quit) => {
                // A question about unsaved changes opens over what the help
                // was opened over.
                self.close_mode();
                return self.apply(Action::Quit);
            }
            _ => return Vec::new(),
        };
        self.mode = Mode::Help { scroll };
        Vec::new()
    }

    fn on_field(&mut self, mut input: Input, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::Action(Action::Back) => {
                if input.kind == InputKind::Filter {
                    self.list.clear_filter();
                    self.keep_selection_visible();
                }
                return Vec::new();
            }
            Msg::Action(Action::Submit) => {
                if input.kind == InputKind::Search {
                    self.run_search(&input.text);
                    // The jump to the first match is reading too: the list's
                    // and status bar's percentage and the saved position follow.
                    return self.position_effect().into_iter().collect();
                }
                return Vec::new();
            }
            Msg::Action(Action::DeleteChar) => {
                input.text.pop();
                self.refilter(&input);
            }
            Msg::Action(Action::ClearText) => {
                input.text.clear();
                self.refilter(&input);
            }
            Msg::Action(Action::Quit) => {
                if input.text.is_empty() {
                    return self.apply(Action::Quit);
                }
                let what = match input.kind {
                    InputKind::Filter => "the filter you typed",
                    InputKind::Search => "the search you typed",
                };
                // The field waits under the question and is back after a no.
                self.mode = Mode::Field(input);
                self.ask_quit(what);
                return Vec::new();
            }
            Msg::Type(c) => {
                input.text.push(c);
                self.refilter(&input);
            }
            Msg::Action(Action::ListDown | Action::ListUp) if input.kind == InputKind::Filter => {
                let down = msg == Msg::Action(Action::ListDown);
                self.list.move_by(if down { 1 } else { -1 });
            }
            _ => {}
        }
        self.mode = Mode::Field(input);
        Vec::new()
    }

    /// The list follows a filter as it is typed.
    fn refilter(&mut self, input: &Input) {
        if input.kind == InputKind::Filter {
            self.list.set_filter(&input.text);
        }
    }

    /// Pasted text goes into an open text field.
    fn paste(&mut self, text: &str) {
        match &mut self.mode {
            Mode::Note(edit) => edit.editor.on_paste(text),
            Mode::Field(input) => {
                input
                    .text
                    .extend(text.chars().filter(|&c| crate::document::fits_a_field(c)));
                let input = input.clone();
                self.refilter(&input);
            }
            Mode::Panel(panel) => panel.on_paste(text),
            Mode::Outline(_) => self.paste_into_outline(text),
            Mode::Links(_) => self.paste_into_links(text),
            Mode::AllNotes(_) => self.paste_into_all_notes(text),
            Mode::Browse
            | Mode::Help { .. }
            | Mode::Question { .. }
            | Mode::Review(_)
            | Mode::LibrarySearch(_) => {}
        }
    }

    fn run_search(&mut self, query: &str) {
        let Some(reader) = &mut self.reader else {
            return;
        };
        if query.is_empty() {
            reader.search = None;
            return;
        }
        reader.search(query);
        let status = reader.search.as_ref().map(|s| s.status());
        if let Some(text) = status {
            let error = reader.search.as_ref().is_some_and(|s| s.matches.is_empty());
            self.message = Some(Message { text, error });
        }
    }

    /// Asks whether to read the open article again after its file changed.
    pub fn offer_reload(&mut self) {
        self.interrupt(Mode::ask(Confirm::Reload));
        self.ask_reload();
    }

    /// The reload question in the status bar, naming its answer keys; said
    /// again while other keys arrive (see `on_question`).
    fn ask_reload(&mut self) {
        let yes = self.key_or(Context::Confirm, Action::Yes, "y");
        let no = self.key_or(Context::Confirm, Action::No, "n");
        self.info(format!(
            "this article changed on disk: {yes} reloads it (highlights re-anchor), {no} keeps reading the text as it was"
        ));
    }

    /// Asks, over the current mode, before quitting would drop `what` (text
    /// typed in a field, which comes back when the answer is no).
    fn ask_quit(&mut self, what: &str) {
        self.open_over(Mode::ask(Confirm::Quit));
        self.info(format!("quit and drop {what}? y/n"));
    }

    /// Quits: the reading position is saved first.
    fn quit_now(&mut self) -> Vec<Effect> {
        let effects = self.position_effect().into_iter().collect();
        self.quit = true;
        effects
    }

    /// Applies one action of a pane (list, reader, or from the panel).
    fn apply(&mut self, action: Action) -> Vec<Effect> {
        let mut effects = Vec::new();
        match action {
            Action::Quit => match self.unsaved.clone() {
                Some(unsaved) => {
                    self.open_over(Mode::ask(Confirm::Quit));
                    // The reason and the question first: the status bar
                    // shortens the end of a long message.
                    // At 80 columns the file's name still shows; its whole
                    // path follows for a wider bar.
                    let fate = match &unsaved.kept_in {
                        Some(file) => format!(
                            "kept in {}, saved at the next start: {}",
                            file.file_name().map_or_else(
                                || file.display().to_string(),
                                |n| n.to_string_lossy().into_owned()
                            ),
                            file.display()
                        ),
                        None => "the recovery file cannot be written either: they will be printed on stderr".to_string(),
                    };
                    let reason = unsaved
                        .reason
                        .split(" (os error")
                        .next()
                        .unwrap_or_default();
                    self.error(format!(
                        "{reason}: {} change(s) not saved. Quit? y/n ({fate})",
                        unsaved.count
                    ));
                }
                None => effects.extend(self.quit_now()),
            },
            Action::Help => self.open_over(Mode::Help { scroll: 0 }),
            Action::AllNotes => effects.extend(self.open_all_notes()),
            Action::LibrarySearch => effects.extend(self.open_library_search()),
            Action::SwitchFocus => {
                self.focus = match self.focus {
                    Focus::List if self.reader.is_some() => Focus::Reader,
                    _ => Focus::List,
                };
                self.fit_reader();
            }
            Action::ListDown => self.list.move_by(1),
            Action::ListUp => self.list.move_by(-1),
            Action::PageDown | Action::PageUp | Action::HalfPageDown | Action::HalfPageUp
                if self.focus == Focus::List =>
            {
                self.page_list(action);
            }
            Action::ToggleList => self.toggle_list(),
            Action::Outline => self.open_outline(),
            Action::NextHeading | Action::PrevHeading => {
                if let Some(text) = self.heading_motion(action == Action::PrevHeading) {
                    self.info(text);
                }
                effects.extend(self.position_effect());
            }
            Action::CycleSort => self.cycle_sort(),
            Action::CycleStateFilter => self.cycle_states(),
            Action::ToggleArchived => {
                let undo = self.list.just_archived.take();
                effects.extend(self.toggle_archived(undo));
            }
            Action::ToggleRawPage => effects.extend(self.toggle_raw_page()),
            Action::Rescan => {
                self.info("reading the library folders again…");
                self.list.scan.asked = true;
                effects.push(Effect::Rescan);
            }
            Action::ListFirst => self.list.select_edge(false),
            Action::ListLast => self.list.select_edge(true),
            Action::OpenArticle => effects.extend(self.open_selected()),
            Action::FilterList => {
                self.mode = Mode::Field(Input {
                    kind: InputKind::Filter,
                    text: self.list.filter.clone(),
                });
            }
            Action::Search => {
                self.mode = Mode::Field(Input {
                    kind: InputKind::Search,
                    text: String::new(),
                });
            }
            // Esc in the list clears a filter that was kept with Enter.
            Action::Back if self.focus == Focus::List => {
                self.list.clear_filter();
                self.keep_selection_visible();
            }
            Action::Back => {
                let selecting = self.reader.as_ref().is_some_and(|r| r.anchor.is_some());
                if selecting {
                    if let Some(r) = &mut self.reader {
                        r.clear_selection();
                    }
                } else if self.reattach.take().is_some() {
                    self.info("not moved");
                } else if self.focus == Focus::Reader
                    && let Some(r) = self.reader.as_mut().filter(|r| r.search.is_some())
                {
                    // As in less and vim: Esc first clears the search's
                    // marks; the next Esc goes back to the list.
                    r.search = None;
                    self.info("search cleared");
                } else {
                    effects.extend(self.position_effect());
                    if let Some(r) = &mut self.reader {
                        r.search = None;
                    }
                    self.focus = Focus::List;
                    self.fit_reader();
                }
            }
            Action::Review => effects.extend(self.start_review()),
            Action::LinkList => self.open_link_list(),
            Action::FollowLink => effects.extend(self.follow_under_cursor()),
            Action::GoBack => effects.extend(self.go_back()),
            Action::Annotate if self.focus == Focus::Reader && self.enter_follows_link() => {
                effects.extend(self.follow_under_cursor());
            }
            Action::Highlight
            | Action::Color1
            | Action::Color2
            | Action::Color3
            | Action::Color4
            | Action::Color5
            | Action::Annotate
            | Action::ChangeColor
            | Action::Delete
            | Action::Undo
            | Action::Reattach => effects.extend(self.annotate_action(action)),
            Action::Copy => effects.extend(self.copy()),
            Action::Export => {
                let only = match (self.focus, &self.reader) {
                    (Focus::Reader, Some(reader)) => Some(reader.article),
                    _ => None,
                };
                effects.extend(self.position_effect());
                effects.push(Effect::Export(only));
            }
            Action::Panel => match &self.reader {
                Some(reader) => {
                    let current = reader.notes.at(reader.cursor).map(|h| &h.id);
                    self.mode = Mode::Panel(Box::new(Panel::open(&reader.notes, current)));
                    self.focus = Focus::Reader;
                }
                None => self.info("open an article first"),
            },
            Action::ToggleNotes => {
                self.inline_notes = !self.inline_notes;
                self.info(if self.inline_notes {
                    "notes shown inline"
                } else {
                    "notes hidden"
                });
            }
            other => {
                let message = self.reader_action(other);
                if let Some(text) = message {
                    self.message = Some(Message { text, error: false });
                }
                effects.extend(self.position_effect());
            }
        }
        effects
    }
    /// Actions on the open article; returns a status message when there is one.
    fn reader_action(&mut self, action: Action) -> Option<String> {
        let reader = self.reader.as_mut()?;
        match action {
            Action::ScrollDown => reader.cursor_lines(1),
            Action::ScrollUp => reader.cursor_lines(-1),
            Action::PageDown | Action::PageUp | Action::HalfPageDown | Action::HalfPageUp => {
                let pages = match action {
                    Action::PageDown => 1.0,
                    Action::PageUp => -1.0,
                    Action::HalfPageDown => 0.5,
                    _ => -0.5,
                };
                reader.page(pages);
                reader.cursor_into_view();
            }
            Action::Top => {
                reader.to_top();
                reader.cursor_to_edge(false);
            }
            Action::Bottom => {
                reader.to_bottom();
                reader.cursor_to_edge(true);
            }
            Action::NextParagraph => reader.cursor_motion(Motion::BlockNext),
            Action::PrevParagraph => reader.cursor_motion(Motion::BlockPrev),
            Action::WordNext => reader.cursor_motion(Motion::WordNext),
            Action::WordPrev => reader.cursor_motion(Motion::WordPrev),
            Action::WordEnd => reader.cursor_motion(Motion::WordEnd),
            Action::SentenceNext => reader.cursor_motion(Motion::SentenceNext),
            Action::SentencePrev => reader.cursor_motion(Motion::SentencePrev),
            Action::Select => reader.toggle_selection(),
            Action::SelectSentence => {
                let range = reader.sentence_range();
                reader.select(range);
            }
            Action::SelectParagraph => {
                if let Some(range) = reader.block_range() {
                    reader.select(range);
                }
            }
            Action::NextHighlight | Action::PrevHighlight => {
                let backward = action == Action::PrevHighlight;
                match reader.notes.next_from(reader.cursor, backward) {
                    Some(placed) => {
                        let start = placed.range.start;
                        reader.cursor_to(start);
                    }
                    None => {
                        return Some(
                            if backward {
                                "no highlight above"
                            } else {
                                "no highlight below"
                            }
                            .into(),
                        );
                    }
                }
            }
            Action::SearchNext | Action::SearchPrev => {
                if reader.search.is_none() {
                    let slash = self
                        .keymap
                        .key_name(Context::Reader, Action::Search)
                        .unwrap_or_else(|| "/".into());
                    return Some(format!("no search yet: press {slash} to search"));
                }
                let backward = action == Action::SearchPrev;
                let before = reader.search.as_ref().and_then(|s| s.current);
                reader.search_step(backward);
                let after = reader.search.as_ref().and_then(|s| s.current);
                let wrapped = match (before, after) {
                    (Some(b), Some(a)) => (backward && a > b) || (!backward && a < b),
                    _ => false,
                };
                return reader.search.as_ref().map(|s| match (wrapped, backward) {
                    (true, false) => format!("{} · wrapped to the top", s.status()),
                    (true, true) => format!("{} · wrapped to the bottom", s.status()),
                    _ => s.status(),
                });
            }
            _ => {}
        }
        None
    }

    /// Copies the selection (or the highlight under the cursor) to the clipboard.
    fn copy(&mut self) -> Option<Effect> {
        let reader = self.reader.as_mut()?;
        let text = match reader.selection() {
            Some(range) => reader.doc.slice(range).to_string(),
            None => match reader.notes.at(reader.cursor) {
                Some(h) => h.anchor.quote.clone(),
                None => {
                    self.ask_for_selection();
                    return None;
                }
            },
        };
        reader.clear_selection();
        self.info(format!(
            "copied {} characters to the clipboard",
            text.chars().count()
        ));
        Some(Effect::Copy(text))
    }

    fn open_selected(&mut self) -> Option<Effect> {
        let index = ArticleId(self.list.selected_article()?);
        if self.reader.as_ref().is_some_and(|r| r.article == index) {
            self.focus = Focus::Reader;
            self.fit_reader();
            return None;
        }
        Some(Effect::Open(index))
    }

    /// What the status bar says when `orphans` highlights of the article
    /// just opened could not be placed in its changed text, with the key
    /// that lists them.
    fn orphans_message(&self, orphans: usize) -> String {
        let a = self.key_or(Context::Reader, Action::Panel, "a");
        let what = if orphans == 1 {
            "highlight"
        } else {
            "highlights"
        };
        format!("{orphans} {what} could not be placed in the changed text: see the panel ({a})")
    }

    /// The reading position to save for the open article.
    fn position_effect(&mut self) -> Option<Effect> {
        let reader = self.reader.as_mut()?;
        let offset = reader.top_offset()?;
        let progress = reader.progress();
        let article = reader.article;
        if let Some(figures) = self.figures.get_mut(article) {
            figures.progress = Some(progress);
        }
        if reader.notes.read_only.is_some() {
            return None;
        }
        // A provisional view's offsets are not the article's: its position
        // is an estimate that its quote puts right when it is restored.
        let position = match reader.provisional_position(offset, progress) {
            Some(position) => position,
            None => position_at(&reader.doc, offset, progress),
        };
        // The "recently read" order counts this session's reading too.
        if let Some(figures) = self.figures.get_mut(article) {
            figures.read_at = Some(position.updated);
        }
        Some(Effect::SavePosition { article, position })
    }

    /// The mouse: the wheel scrolls the pane under the pointer, a click on a
    /// list entry opens it, a press and drag in the reader selects.
    fn on_pointer(&mut self, pointer: Pointer) -> Vec<Effect> {
        if matches!(self.mode, Mode::Outline(_)) {
            return self.on_outline_pointer(pointer);
        }
        let areas = self.areas();
        let inside = |column: u16, row: u16| {
            let at = Position::new(column, row);
            (areas.list.contains(at), areas.reader.contains(at))
        };
        match pointer {
            Pointer::Wheel { down, column, row } => {
                let (in_list, in_reader) = inside(column, row);
                if in_list {
                    self.list.move_by(if down { 1 } else { -1 });
                } else if in_reader {
                    if let Some(reader) = &mut self.reader {
                        reader.scroll(if down { WHEEL_LINES } else { -WHEEL_LINES });
                    }
                    return self.position_effect().into_iter().collect();
                }
            }
            Pointer::Press { column, row } => {
                let (in_list, in_reader) = inside(column, row);
                if in_list {
                    let line = usize::from(row.saturating_sub(areas.list.y + 1));
                    let entry = self.list.scroll + line / ENTRY_HEIGHT;
                    if entry < self.list.visible.len() && row > areas.list.y {
                        self.list.selected = entry;
                        return self.apply(Action::OpenArticle);
                    }
                } else if in_reader && self.reader.is_some() {
                    self.focus = Focus::Reader;
                    if let Some(offset) = self.offset_under(column, row)
                        && let Some(reader) = &mut self.reader
                    {
                        reader.cursor = offset;
                        reader.anchor = Some(offset);
                        reader.exact = None;
                    }
                }
            }
            Pointer::Drag { column, row } if self.focus == Focus::Reader => {
                let text = areas.text;
                let row = if row < text.y {
                    if let Some(r) = &mut self.reader {
                        r.scroll(-1);
                    }
                    text.y
                } else if row >= text.bottom() {
                    if let Some(r) = &mut self.reader {
                        r.scroll(1);
                    }
                    text.bottom().saturating_sub(1)
                } else {
                    row
                };
                if let Some(offset) = self.offset_under(column, row)
                    && let Some(reader) = &mut self.reader
                    && reader.anchor.is_some()
                {
                    reader.cursor = offset;
                }
            }
            Pointer::Drag { .. } => {}
            Pointer::Release => {
                if let Some(reader) = &mut self.reader
                    && reader.anchor.is_some_and(|a| a == reader.cursor)
                {
                    reader.clear_selection();
                    let at = reader.cursor;
                    reader.cursor_to(at);
                }
            }
        }
        Vec::new()
    }
    /// The text offset under a screen cell of the reader, if it shows text.
    fn offset_under(&mut self, column: u16, row: u16) -> Option<usize> {
        let text = self.areas().text;
        let reader = self.reader.as_mut()?;
        if row < text.y || row >= text.bottom() {
            return None;
        }
        let visible = reader.visible();
        let pos = *visible.get(usize::from(row - text.y))?;
        reader.offset_at(pos, column.saturating_sub(text.x))
    }
}
