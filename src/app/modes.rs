//! Which layer has the keys, and the messages that change the app.
//!
//! gloss is in exactly one [`Mode`] at a time, so a question can never be
//! answered by the help overlay or the editor swallow a search. A key press is
//! routed by one `match` on the mode to the mode's keymap table
//! ([`App::context`]); what comes out is a [`Msg`] for [`App::update`]. Typed
//! text, pastes, the mouse and resizes are messages too, so `update` is the
//! one place state changes.
//!
//! A mode can open over another (the help, a question or the note editor over
//! the annotations panel; a question over a text field): the one it opened
//! over waits, without keys, on a stack ([`App::open_over`]), and takes the
//! keys again when the one above closes. Only the mode on top is ever routed
//! to; the stack is read for nothing but drawing what lies underneath.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};

use super::links::LinkPicker;
use super::list::ArticleId;
use super::note_editor::NoteEditor;
use super::outline::Outline;
use super::panel::Panel;
use super::{App, Confirm, Focus, Input};
use crate::document::Document;
use crate::keymap::{Action, Context};

/// The layer that receives keys. A mode opened over another (see
/// [`App::open_over`]) gives the keys back to it when it closes.
#[derive(Debug, Default)]
pub enum Mode {
    /// Keys go to the focused pane: the list or the reader.
    #[default]
    Browse,
    /// The annotations panel over the reader: every highlight of the open
    /// article, to jump to, edit, recolour, delete or filter. The help, a
    /// question or the note editor can open over it; it comes back, with
    /// its selection and filter, when they close.
    Panel(Box<Panel>),
    /// The help overlay, scrolled this many lines.
    Help {
        /// Lines scrolled.
        scroll: u16,
    },
    /// A text field in the status bar (filter, search).
    Field(Input),
    /// A yes/no question in the status bar. What it interrupted (a text
    /// field, the panel) waits under it and comes back after the answer.
    Question {
        /// What it asks.
        ask: Confirm,
    },
    /// The note editor.
    Note(Box<NoteEdit>),
    /// The outline of the open article's headings, over the reader.
    Outline(Box<Outline>),
    /// The link list over the reader.
    Links(Box<LinkPicker>),
    /// Every highlight of the library in one list (`A`), over the panes;
    /// the note editor, a question or the help can open over it.
    AllNotes(Box<super::all_notes::AllNotes>),
    /// The daily review: today's highlights one at a time, over the panes.
    /// The note editor and the help open over it.
    Review(Box<super::review::Review>),
    /// The library search over the whole screen.
    LibrarySearch(Box<super::library_search::LibrarySearch>),
}

impl Mode {
    /// A yes/no question.
    pub fn ask(confirm: Confirm) -> Mode {
        Mode::Question { ask: confirm }
    }

    /// A pane rather than something over one: the reader (with the list) or
    /// the panel. What the runtime brings up unasked (a reload question, a
    /// recovered note) closes any other mode and opens over the pane.
    fn is_pane(&self) -> bool {
        matches!(self, Mode::Browse | Mode::Panel(_) | Mode::AllNotes(_))
    }
}

/// The note editor and what it writes to.
#[derive(Debug)]
pub struct NoteEdit {
    /// The editor's text and cursor.
    pub editor: NoteEditor,
    /// The id of the highlight the note belongs to.
    pub highlight: crate::annotations::HighlightId,
    /// Whether the highlight was made by `Enter` just to hold this note: if
    /// the note is left unwritten (Esc), the highlight is removed again.
    pub made_for_note: bool,
}

/// A mouse action at a cell of the screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pointer {
    /// The wheel turned one notch over a cell.
    Wheel {
        /// Towards the end of the text.
        down: bool,
        /// Column of the pointer.
        column: u16,
        /// Row of the pointer.
        row: u16,
    },
    /// The left button went down: opens a list entry, or starts a selection
    /// in the reader.
    Press {
        /// Column of the pointer.
        column: u16,
        /// Row of the pointer.
        row: u16,
    },
    /// The pointer moved with the left button down: extends the selection.
    Drag {
        /// Column of the pointer.
        column: u16,
        /// Row of the pointer.
        row: u16,
    },
    /// The left button came up: a click without a drag selects nothing.
    Release,
}

impl Pointer {
    /// The pointer action a terminal mouse event is, if gloss uses it.
    pub fn from_event(mouse: &MouseEvent) -> Option<Pointer> {
        let (column, row) = (mouse.column, mouse.row);
        Some(match mouse.kind {
            MouseEventKind::ScrollDown => Pointer::Wheel {
                down: true,
                column,
                row,
            },
            MouseEventKind::ScrollUp => Pointer::Wheel {
                down: false,
                column,
                row,
            },
            MouseEventKind::Down(MouseButton::Left) => Pointer::Press { column, row },
            MouseEventKind::Drag(MouseButton::Left) => Pointer::Drag { column, row },
            MouseEventKind::Up(MouseButton::Left) => Pointer::Release,
            _ => return None,
        })
    }

    /// What each mouse action does, for the help overlay (mouse actions are
    /// not rebindable, but they are listed with the keys).
    pub const HELP: [(&'static str, &'static str); 4] = [
        ("wheel", "scroll the list or the reader under the pointer"),
        ("click", "open an article; in the reader, move the cursor"),
        ("drag", "select text in the reader"),
        ("release", "a click without a drag leaves no selection"),
    ];
}

/// Everything that changes the app, handled by [`App::update`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Msg {
    /// A bound key's action, in the current mode.
    Action(Action),
    /// A character typed into a text field.
    Type(char),
    /// A key no table of the current mode binds (closes the help, answers
    /// no to a question).
    Unbound,
    /// A key for the note editor, which binds some keys (save, cancel) from
    /// the keymap and gives the rest to its text area.
    EditorKey(KeyEvent),
    /// A key for the annotations panel, which reads its own and its filter's
    /// tables.
    PanelKey(KeyEvent),
    /// Bracketed-paste text, for the open text field or editor.
    Paste(String),
    /// A mouse action.
    Mouse(Pointer),
    /// The rest of the open article, parsed by a background job started
    /// when it opened.
    Parsed(Parsed),
    /// The open article's highlights, read and placed by a background job
    /// (a large notes file).
    NotesLoaded(Box<super::notes::LoadedNotes>),
    /// Every highlight of the library, loaded by a background job for the
    /// all-notes view.
    AllNotesLoaded(Box<crate::annotations::library_notes::LibraryNotes>),
    /// Matches found by the library search since the last batch.
    LibraryFound(crate::search::job::Found),
    /// The library search ended.
    LibraryDone(crate::search::job::Done),
    /// The terminal's new size.
    Resize {
        /// Columns.
        width: u16,
        /// Rows.
        height: u16,
    },
}

impl Msg {
    /// Whether the reader sent it (a key, a paste, the mouse), as opposed to
    /// a background job or the terminal.
    pub fn is_input(&self) -> bool {
        matches!(
            self,
            Msg::Action(_)
                | Msg::Type(_)
                | Msg::Unbound
                | Msg::EditorKey(_)
                | Msg::PanelKey(_)
                | Msg::Paste(_)
                | Msg::Mouse(_)
        )
    }
}

/// A complete document parsed off the event loop's thread from a clone of
/// the one an article opened with: it extends that one exactly (same text
/// up to where that one stopped, same blocks, links and anchors), so it can
/// take its place without moving anything that points into it.
#[derive(Debug, Clone)]
pub struct Parsed {
    /// The article it was parsed for.
    pub article: ArticleId,
    /// The whole article.
    pub doc: Box<Document>,
}

/// Two results are equal when they are for the same article and the same
/// read of its text (the same shared source) and hold as much of it.
impl PartialEq for Parsed {
    fn eq(&self, other: &Self) -> bool {
        self.article == other.article
            && self.doc.shares_source(&other.doc)
            && self.doc.text().len() == other.doc.text().len()
    }
}

impl Eq for Parsed {}

impl From<Action> for Msg {
    fn from(action: Action) -> Self {
        Msg::Action(action)
    }
}

impl App {
    /// The question being asked, if the app is waiting for y or n.
    pub fn question(&self) -> Option<&Confirm> {
        match &self.mode {
            Mode::Question { ask, .. } => Some(ask),
            _ => None,
        }
    }

    /// The text field being typed in, if any.
    pub fn field(&self) -> Option<&Input> {
        match &self.mode {
            Mode::Field(input) => Some(input),
            _ => None,
        }
    }

    /// The annotations panel, when it is open: taking the keys, or waiting
    /// under the help, a question or the note editor.
    pub fn panel(&self) -> Option<&Panel> {
        std::iter::once(&self.mode)
            .chain(self.under.iter().rev())
            .find_map(|mode| match mode {
                Mode::Panel(panel) => Some(&**panel),
                _ => None,
            })
    }

    /// Opens `mode` over the current one, which waits under it and takes
    /// the keys again when `mode` closes. The reader is never stacked: it
    /// is what is left when nothing else is open.
    pub(super) fn open_over(&mut self, mode: Mode) {
        let below = std::mem::replace(&mut self.mode, mode);
        if !matches!(below, Mode::Browse) {
            self.under.push(below);
        }
    }

    /// Opens `mode` for the runtime (a reload question, a recovered note),
    /// which does not wait for a moment the user chooses: the help, a text
    /// field or a list open on top are closed, and `mode` opens over the
    /// pane under them (the reader or the panel).
    pub(super) fn interrupt(&mut self, mode: Mode) {
        while !self.mode.is_pane() {
            self.mode = self.under.pop().unwrap_or_default();
        }
        self.open_over(mode);
    }

    /// After a mode closed (leaving [`Mode::Browse`] behind), the mode it
    /// was opened over takes the keys again.
    pub(super) fn back_to_under(&mut self) {
        if matches!(self.mode, Mode::Browse)
            && let Some(below) = self.under.pop()
        {
            self.mode = below;
        }
    }

    /// Closes the mode on top now, giving the keys back to the one under it.
    pub(super) fn close_mode(&mut self) {
        self.mode = self.under.pop().unwrap_or_default();
    }

    /// The keymap table the current mode reads.
    pub fn context(&self) -> Context {
        match &self.mode {
            Mode::Help { .. } => Context::Help,
            Mode::Field(_) => Context::Input,
            Mode::Question { .. } => Context::Confirm,
            Mode::Note(edit) if edit.editor.confirming_discard() => Context::Confirm,
            Mode::Note(_) => Context::Editor,
            Mode::Outline(outline) if outline.filtering => Context::Input,
            Mode::Outline(_) => Context::Outline,
            Mode::Links(picker) if picker.filtering => Context::LinksFilter,
            Mode::Links(_) => Context::Links,
            Mode::AllNotes(view) => App::all_notes_context(view),
            Mode::Review(_) => Context::Review,
            Mode::LibrarySearch(_) => Context::LibrarySearch,
            Mode::Panel(panel) => match self.focus {
                Focus::Reader if panel.filtering => Context::PanelFilter,
                Focus::Reader => Context::Panel,
                Focus::List => Context::List,
            },
            Mode::Browse => match self.focus {
                Focus::Reader => Context::Reader,
                Focus::List => Context::List,
            },
        }
    }

    /// The message a key press is in the current mode, if any.
    pub fn route(&self, key: &KeyEvent) -> Option<Msg> {
        let context = self.context();
        match context {
            Context::Editor | Context::Confirm if matches!(self.mode, Mode::Note(_)) => {
                Some(Msg::EditorKey(*key))
            }
            // `A` opens the all-notes view from the panel too.
            Context::Panel if self.opens_all_notes(key) => Some(Msg::Action(Action::AllNotes)),
            Context::Panel | Context::PanelFilter => Some(Msg::PanelKey(*key)),
            _ => match self.keymap.action(context, key) {
                Some(action) => Some(Msg::Action(action)),
                None => match context {
                    Context::Input | Context::LinksFilter | Context::LibrarySearch => {
                        typed(key, true).map(Msg::Type)
                    }
                    // Any other character starts the outline's filter.
                    Context::Outline => typed(key, false).map(Msg::Type),
                    Context::Links => App::links_typed(key),
                    Context::Help | Context::Confirm => Some(Msg::Unbound),
                    _ => None,
                },
            },
        }
    }
}

/// The character a key types into a text field: plain or shifted characters
/// (with Alt too when `alt` allows it), never a Ctrl chord.
pub fn typed(key: &KeyEvent, alt: bool) -> Option<char> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let alt_held = key.modifiers.contains(KeyModifiers::ALT);
    match key.code {
        KeyCode::Char(c) if !ctrl && (alt || !alt_held) => Some(c),
        _ => None,
    }
}
