//! The all-notes view (`A`, from the list, the reader or the panel): every
//! highlight of the library in one list, filtered as typed and sorted by
//! date, article, colour or tag, with the article panel's actions (edit the
//! note, recolour, delete with undo, re-attach an orphan) and a tag list
//! (`#`) whose tags can be renamed everywhere at once.
//!
//! The highlights are loaded by the session off the event loop's thread
//! ([`Effect::LoadAllNotes`], answered with [`Msg::AllNotesLoaded`]); changes
//! go out as [`Effect::SaveNotes`], one [`NotesChange`] per notes file, which
//! the session merges through the store (crash-safe per file) and answers
//! with [`App::all_notes_saved`]. The note editor and the delete question
//! are the reader's own, opened over the view: their answers come back here
//! when the highlight is one of the view's.

pub mod tags;
pub mod view;

use std::path::Path;

use crossterm::event::KeyEvent;

use super::{App, ArticleId, Effect, Focus, Mode, Msg};
use crate::annotations::library_notes::{LibraryNote, LibraryNotes, NotesChange};
use crate::annotations::{AnnotationFile, HighlightId, Op};
use crate::app::note_editor::tags_from_note;
use crate::keymap::{Action, Context};
pub use view::{AllNotes, ENTRY_LINES, NoteKey, TagList, Undo};

/// Rows of the screen the view does not give to its list: the status bar,
/// the border and the filter and hint lines.
const CHROME_ROWS: u16 = 5;

impl App {
    /// The palette's colour names in key order (the colour sort follows it).
    pub fn palette_names(&self) -> Vec<&str> {
        self.config.highlights.palette_names()
    }

    /// The all-notes view, when it is open: taking the keys, or waiting
    /// under the note editor, a question or the help.
    pub fn all_notes(&self) -> Option<&AllNotes> {
        std::iter::once(&self.mode)
            .chain(self.under.iter().rev())
            .find_map(|mode| match mode {
                Mode::AllNotes(view) => Some(&**view),
                _ => None,
            })
    }

    fn all_notes_mut(&mut self) -> Option<&mut AllNotes> {
        std::iter::once(&mut self.mode)
            .chain(self.under.iter_mut().rev())
            .find_map(|mode| match mode {
                Mode::AllNotes(view) => Some(&mut **view),
                _ => None,
            })
    }

    /// `A`: opens the view over what is open, and asks the session to load
    /// every notes file (again, so changes made since are in).
    pub(super) fn open_all_notes(&mut self) -> Vec<Effect> {
        let palette = self.palette_names().into_iter().map(String::from).collect();
        self.open_over(Mode::AllNotes(Box::new(AllNotes::loading(palette))));
        self.info("loading every note…");
        vec![Effect::LoadAllNotes]
    }

    /// The loader's result: the view shows it, keeping its filter, order
    /// and (when still listed) its selected note.
    pub(super) fn take_all_notes(&mut self, notes: LibraryNotes) {
        let Some(view) = self.all_notes_mut() else {
            return;
        };
        let kept = view.selected_note().map(NoteKey::of);
        let unreadable = notes.unreadable.len();
        view.notes = notes;
        view.loading = false;
        view.refresh();
        if let Some(key) = kept {
            view.select(&key);
        }
        let count = view.notes.notes.len();
        if unreadable > 0 {
            self.error(format!(
                "{unreadable} notes file(s) could not be read and are not listed: see `gloss notes`"
            ));
        } else if count == 0 {
            let keys = self.selection_keys();
            self.info(format!(
                "no highlights yet: open an article, select a passage ({keys}) and highlight it"
            ));
        } else if matches!(self.mode, Mode::AllNotes(_)) {
            self.message = None;
        }
    }

    /// What a save of the view's changes left in `file`: the view takes it
    /// (with other windows' changes merged in).
    pub fn all_notes_saved(&mut self, file: &Path, content: &AnnotationFile) {
        if let Some(view) = self.all_notes_mut() {
            view.notes.adopt(file, content);
            view.refresh();
        }
    }

    /// After the session opened the article of a note: the cursor goes to
    /// the highlight, or, for an orphan (or when asked), the highlight is
    /// marked to be moved onto the next selection (the reader's `r` flow).
    pub fn go_to_note(&mut self, article: ArticleId, id: &HighlightId, reattach: bool) {
        if self.reader.as_ref().map(|r| r.article) != Some(article) {
            return;
        }
        self.focus = Focus::Reader;
        self.fit_reader();
        let Some(reader) = self.reader.as_mut() else {
            return;
        };
        let range = reader.notes.range_of(id);
        match range {
            Some(range) if !reattach => {
                reader.reveal(range.start);
                reader.cursor_to(range.start);
            }
            _ if reader.notes.get(id).is_some() => {
                if let Some(range) = range {
                    reader.reveal(range.start);
                    reader.cursor_to(range.start);
                }
                self.mark_for_reattach(id.clone());
            }
            _ => self.error("this highlight is no longer in the article's notes"),
        }
    }

    /// A message while the view has the keys.
    pub(super) fn on_all_notes(&mut self, mut view: Box<AllNotes>, msg: Msg) -> Vec<Effect> {
        view.clamp();
        if let Some(list) = view.tags.as_mut().filter(|t| t.renaming.is_some()) {
            match msg {
                Msg::Type(c) => list.type_name(std::iter::once(c)),
                Msg::Action(Action::DeleteChar) => list.delete_char(),
                Msg::Action(Action::ClearText) => list.rename(Some(String::new())),
                Msg::Action(Action::Back) => {
                    list.rename(None);
                    self.info("tag not renamed");
                }
                Msg::Action(Action::Submit) => {
                    let typed = list.renaming.clone().unwrap_or_default();
                    return self.rename_selected_tag(view, &typed);
                }
                Msg::Action(Action::Quit) => {
                    self.mode = Mode::AllNotes(view);
                    self.ask_quit("the tag name you typed");
                    return Vec::new();
                }
                _ => {}
            }
            self.mode = Mode::AllNotes(view);
            return Vec::new();
        }
        if view.tags.is_some() {
            return self.on_tag_list(view, msg);
        }
        if view.filtering {
            match msg {
                Msg::Type(c) => {
                    view.filter.push(c);
                    view.selected = 0;
                    view.refresh();
                }
                Msg::Action(Action::DeleteChar) => {
                    view.filter.pop();
                    view.selected = 0;
                    view.refresh();
                }
                Msg::Action(Action::ClearText) => {
                    view.filter.clear();
                    view.selected = 0;
                    view.refresh();
                }
                Msg::Action(Action::Back) => {
                    view.filter.clear();
                    view.filtering = false;
                    view.selected = 0;
                    view.refresh();
                }
                Msg::Action(Action::Submit) => view.filtering = false,
                Msg::Action(Action::ListDown) => {
                    let count = view.row_count();
                    view.move_by(1, count);
                }
                Msg::Action(Action::ListUp) => {
                    let count = view.row_count();
                    view.move_by(-1, count);
                }
                Msg::Action(Action::Quit) => {
                    let typed = !view.filter.is_empty();
                    self.mode = Mode::AllNotes(view);
                    if typed {
                        self.ask_quit("the filter you typed");
                        return Vec::new();
                    }
                    self.close_mode();
                    return self.apply(Action::Quit);
                }
                _ => {}
            }
            self.finish(view);
            return Vec::new();
        }
        let Msg::Action(action) = msg else {
            self.mode = Mode::AllNotes(view);
            return Vec::new();
        };
        let count = view.row_count();
        let chosen: Option<LibraryNote> = view.selected_note().cloned();
        match action {
            Action::ListDown => view.move_by(1, count),
            Action::ListUp => view.move_by(-1, count),
            Action::ListFirst => view.selected = 0,
            Action::ListLast => view.selected = count.saturating_sub(1),
            Action::PageDown | Action::PageUp => {
                let page = self.notes_rows().max(1);
                let by = isize::try_from(page).unwrap_or(1);
                view.move_by(if action == Action::PageDown { by } else { -by }, count);
            }
            Action::FilterList => view.filtering = true,
            Action::TagList => {
                if view.tag_counts().is_empty() {
                    self.info("no tags yet: write #words in a note to tag it");
                } else {
                    view.tags = Some(TagList::default());
                }
            }
            Action::CycleSort => {
                let key = chosen.as_ref().map(NoteKey::of);
                view.sort = view.sort.next();
                view.refresh();
                if let Some(key) = key {
                    view.select(&key);
                }
                self.info(format!("sorted by {}", view.sort.name()));
            }
            Action::Back if !view.filter.is_empty() => {
                view.filter.clear();
                view.selected = 0;
                view.refresh();
            }
            Action::Back | Action::AllNotes => {
                self.close_mode();
                return Vec::new();
            }
            Action::Help => {
                self.mode = Mode::AllNotes(view);
                return self.apply(Action::Help);
            }
            Action::Quit => {
                self.close_mode();
                return self.apply(Action::Quit);
            }
            Action::Undo => return self.undo_in_view(view),
            // The daily review takes the screen; closing it returns to the
            // panes.
            Action::Review => {
                self.close_mode();
                return self.start_review();
            }
            Action::OpenArticle | Action::Reattach => {
                let Some(note) = chosen else {
                    self.mode = Mode::AllNotes(view);
                    return Vec::new();
                };
                let reattach = action == Action::Reattach || note.highlight.orphaned;
                // The view (and any pane mode under it) gives way to the
                // article.
                self.under.clear();
                self.mode = Mode::Browse;
                return vec![Effect::OpenNote {
                    path: note.article.path.clone(),
                    highlight: note.highlight.id.clone(),
                    reattach,
                }];
            }
            Action::Annotate => {
                if let Some(note) = chosen {
                    self.mode = Mode::AllNotes(view);
                    self.edit_note(note.highlight);
                    return Vec::new();
                }
            }
            Action::ChangeColor => {
                if let Some(note) = chosen {
                    let next = super::annotate::next_color(
                        &self.config.highlights.palette,
                        &note.highlight.color,
                    )
                    .map(|c| c.name.clone());
                    return self.recolor_in_view(view, note, next);
                }
            }
            Action::Color1 | Action::Color2 | Action::Color3 | Action::Color4 | Action::Color5 => {
                if let Some(note) = chosen {
                    let index = match action {
                        Action::Color1 => 0,
                        Action::Color2 => 1,
                        Action::Color3 => 2,
                        Action::Color4 => 3,
                        _ => 4,
                    };
                    let name = self
                        .config
                        .highlights
                        .palette
                        .get(index)
                        .map(|c| c.name.clone());
                    if name.is_none() {
                        self.info(format!("the palette has no colour {}", index + 1));
                    }
                    return self.recolor_in_view(view, note, name);
                }
            }
            Action::Delete => {
                if let Some(note) = chosen {
                    self.mode = Mode::AllNotes(view);
                    self.ask_delete(&note.highlight);
                    return Vec::new();
                }
            }
            _ => {}
        }
        self.finish(view);
        Vec::new()
    }

    /// Puts the view back as the mode, its list scrolled to the selection.
    fn finish(&mut self, mut view: Box<AllNotes>) {
        let rows = self.notes_rows();
        view.keep_visible(rows * ENTRY_LINES);
        self.mode = Mode::AllNotes(view);
    }

    /// How many notes the view shows at once on this screen.
    fn notes_rows(&self) -> usize {
        usize::from(self.screen.height.saturating_sub(CHROME_ROWS)) / ENTRY_LINES
    }

    fn on_tag_list(&mut self, mut view: Box<AllNotes>, msg: Msg) -> Vec<Effect> {
        let count = view.tag_counts().len();
        let Msg::Action(action) = msg else {
            self.mode = Mode::AllNotes(view);
            return Vec::new();
        };
        let selected = view.selected_tag();
        let mut refilter = false;
        if let Some(list) = view.tags.as_mut() {
            list.selected = list.selected.min(count.saturating_sub(1));
            match action {
                Action::ListDown => {
                    list.selected = (list.selected + 1).min(count.saturating_sub(1))
                }
                Action::ListUp => list.selected = list.selected.saturating_sub(1),
                Action::ListFirst => list.selected = 0,
                Action::ListLast => list.selected = count.saturating_sub(1),
                Action::OpenArticle => {
                    if let Some(tag) = selected {
                        view.filter = format!("#{tag}");
                        view.filtering = false;
                        view.selected = 0;
                        view.scroll = 0;
                        refilter = true;
                    }
                    view.tags = None;
                }
                Action::RenameTag => list.rename(selected),
                Action::Back | Action::TagList => view.tags = None,
                Action::Help => {
                    self.mode = Mode::AllNotes(view);
                    return self.apply(Action::Help);
                }
                Action::Quit => {
                    self.close_mode();
                    return self.apply(Action::Quit);
                }
                _ => {}
            }
        }
        if refilter {
            view.refresh();
        }
        let rows = self.notes_rows() * ENTRY_LINES;
        if let Some(list) = view.tags.as_mut() {
            list.scroll = super::panel::scroll_for(list.scroll, list.selected, rows);
        }
        self.finish(view);
        Vec::new()
    }

    /// Renames the tag selected in the tag list to `typed`, in every note
    /// at once: one change (one undo), saved per notes file.
    fn rename_selected_tag(&mut self, mut view: Box<AllNotes>, typed: &str) -> Vec<Effect> {
        let Some(from) = view.selected_tag() else {
            self.mode = Mode::AllNotes(view);
            return Vec::new();
        };
        let to = match tags::new_tag_name(typed) {
            Ok(to) => to,
            Err(why) => {
                // The name stays in the field to be corrected.
                self.error(why);
                self.mode = Mode::AllNotes(view);
                return Vec::new();
            }
        };
        if let Some(list) = view.tags.as_mut() {
            list.rename(None);
        }
        if to == from {
            self.info("tag not renamed");
            self.mode = Mode::AllNotes(view);
            return Vec::new();
        }
        let (changes, before) = tags::rename_tag(&view.notes, &from, &to, self.clock.now());
        let notes = before.len();
        let files = changes.len();
        view.notes.apply(&changes);
        if view
            .filter
            .to_lowercase()
            .split_whitespace()
            .any(|w| w == format!("#{}", from.to_lowercase()))
        {
            view.filter = rename_in_filter(&view.filter, &from, &to);
        }
        view.refresh();
        // Keep the renamed tag selected in the list.
        if let (Some(at), Some(list)) = (
            view.tag_counts()
                .iter()
                .position(|(t, _)| t.to_lowercase() == to.to_lowercase()),
            view.tags.as_mut(),
        ) {
            list.selected = at;
        }
        view.undo.push(Undo {
            what: format!("renaming #{from} to #{to}"),
            before,
        });
        let u = self.key_or(Context::Notes, Action::Undo, "u");
        self.info(format!(
            "renamed #{} to #{} in {notes} note(s) of {files} article(s) ({u} undoes)",
            crate::text::clean(&from),
            crate::text::clean(&to)
        ));
        self.mode = Mode::AllNotes(view);
        vec![Effect::SaveNotes(changes)]
    }

    fn recolor_in_view(
        &mut self,
        view: Box<AllNotes>,
        note: LibraryNote,
        color: Option<String>,
    ) -> Vec<Effect> {
        let Some(color) = color else {
            self.mode = Mode::AllNotes(view);
            return Vec::new();
        };
        let mut h = note.highlight.clone();
        h.color = color.clone();
        h.updated = self.clock.now();
        self.info(format!("colour: {}", crate::text::clean(&color)));
        self.mode = Mode::AllNotes(view);
        self.change_in_view(&note, Op::Upsert(h))
    }

    /// Applies one change to a note of the view now and asks the session to
    /// save it.
    fn change_in_view(&mut self, note: &LibraryNote, op: Op) -> Vec<Effect> {
        let change = NotesChange {
            file: note.file.clone(),
            article: note.article.clone(),
            ops: vec![op],
        };
        if let Some(view) = self.all_notes_mut() {
            view.notes.apply(std::slice::from_ref(&change));
            view.refresh();
        }
        vec![Effect::SaveNotes(vec![change])]
    }

    fn undo_in_view(&mut self, mut view: Box<AllNotes>) -> Vec<Effect> {
        let Some(undo) = view.undo.pop() else {
            self.info("nothing to undo");
            self.mode = Mode::AllNotes(view);
            return Vec::new();
        };
        let changes = tags::restore(&undo.before, self.clock.now());
        view.notes.apply(&changes);
        view.refresh();
        if let Some(first) = undo.before.first() {
            view.select(&NoteKey::of(first));
        }
        self.info(format!("undone: {}", crate::text::clean(&undo.what)));
        self.finish(view);
        vec![Effect::SaveNotes(changes)]
    }

    /// The note editor's text for a highlight of the view (opened from it):
    /// saved to its notes file. `None` when the highlight is not the view's,
    /// so the reader's own save goes on.
    pub(super) fn save_note_in_view(
        &mut self,
        id: &HighlightId,
        text: &str,
    ) -> Option<Vec<Effect>> {
        let note = self.view_note(id)?;
        let mut h = note.highlight.clone();
        h.tags = tags_from_note(text);
        h.note = text.to_string();
        h.updated = self.clock.now();
        self.info("note saved");
        Some(self.change_in_view(&note, Op::Upsert(h)))
    }

    /// The answer yes to deleting a highlight of the view.
    pub(super) fn delete_in_view(&mut self, id: &HighlightId) -> Option<Vec<Effect>> {
        let note = self.view_note(id)?;
        let u = self.key_or(Context::Notes, Action::Undo, "u");
        if let Some(view) = self.all_notes_mut() {
            view.undo.push(Undo {
                what: "delete".into(),
                before: vec![note.clone()],
            });
        }
        self.info(format!("highlight deleted ({u} undoes)"));
        Some(self.change_in_view(&note, Op::Delete(id.clone())))
    }

    /// The view's note for highlight `id`, when the view is open (under the
    /// editor or the question that asks about it).
    fn view_note(&self, id: &HighlightId) -> Option<LibraryNote> {
        let view = self.all_notes()?;
        view.notes
            .notes
            .iter()
            .find(|n| &n.highlight.id == id)
            .cloned()
    }

    /// The mouse over the view: the wheel moves the selection; clicks do
    /// nothing, so nothing under the view changes unseen.
    pub(super) fn on_all_notes_pointer(&mut self, pointer: super::Pointer) {
        let rows = self.notes_rows();
        if let (super::Pointer::Wheel { down, .. }, Mode::AllNotes(view)) =
            (pointer, &mut self.mode)
            && view.tags.is_none()
        {
            let count = view.row_count();
            view.move_by(if down { 1 } else { -1 }, count);
            view.keep_visible(rows * ENTRY_LINES);
        }
    }

    /// Pasted text goes into the filter or the new tag name being typed.
    pub(super) fn paste_into_all_notes(&mut self, text: &str) {
        let Mode::AllNotes(view) = &mut self.mode else {
            return;
        };
        let clean = text.chars().filter(|&c| crate::document::fits_a_field(c));
        if let Some(list) = view.tags.as_mut().filter(|t| t.renaming.is_some()) {
            list.type_name(clean);
        } else if view.filtering {
            view.filter.extend(clean);
            view.selected = 0;
            view.refresh();
        }
    }

    /// The keymap table the view reads in its current state.
    pub(super) fn all_notes_context(view: &AllNotes) -> Context {
        match &view.tags {
            Some(list) if list.renaming.is_some() => Context::Input,
            Some(_) => Context::Tags,
            None if view.filtering => Context::Input,
            None => Context::Notes,
        }
    }

    /// Whether `key` opens the all-notes view from the annotations panel
    /// (whose keys the panel reads itself).
    pub(super) fn opens_all_notes(&self, key: &KeyEvent) -> bool {
        self.keymap.action(Context::Panel, key) == Some(Action::AllNotes)
    }
}

/// `filter` with the word `#from` (any case) written `#to`, so a filter
/// chosen from the tag list keeps showing the renamed tag's notes.
fn rename_in_filter(filter: &str, from: &str, to: &str) -> String {
    let old = format!("#{}", from.to_lowercase());
    filter
        .split_whitespace()
        .map(|w| {
            if w.to_lowercase() == old {
                format!("#{to}")
            } else {
                w.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}
