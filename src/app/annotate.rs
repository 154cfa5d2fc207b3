//! Actions on highlights: making them from the selection, editing their notes,
//! colours and anchors, deleting and undoing. Each change becomes an
//! [`Effect::Save`] with store ops; the store's merged result comes back through
//! [`App::saved`].

use crate::annotations::{Anchor, Highlight, HighlightId, Op, Saved};
use crate::keymap::{Action, Context};
use crate::text::{fit, one_line};

use super::note_editor::{NoteEditor, tags_from_note};
use super::{App, ArticleId, Confirm, Effect, Focus, Mode, NoteEdit};

/// Longest quote shown in the editor's title and in messages.
const QUOTE_PREVIEW: usize = 60;

impl App {
    /// Handles the annotation actions of the reader.
    pub(super) fn annotate_action(&mut self, action: Action) -> Vec<Effect> {
        let Some(reader) = &self.reader else {
            return Vec::new();
        };
        if let Some(why) = &reader.notes.read_only
            && !matches!(
                action,
                Action::Copy | Action::NextHighlight | Action::PrevHighlight | Action::Panel
            )
        {
            let why = why.clone();
            self.error(format!("annotations are read-only: {why}"));
            return Vec::new();
        }
        match action {
            Action::Highlight => self.highlight_selection(None, false),
            Action::Color1 => self.color_key(0),
            Action::Color2 => self.color_key(1),
            Action::Color3 => self.color_key(2),
            Action::Color4 => self.color_key(3),
            Action::Color5 => self.color_key(4),
            Action::Annotate => self.annotate(),
            Action::ChangeColor => self.cycle_color(),
            Action::Delete => {
                match self.highlight_under_cursor() {
                    Some(h) => self.ask_delete(&h),
                    None => self.info("no highlight under the cursor"),
                }
                Vec::new()
            }
            Action::Undo => self.undo_delete(),
            Action::Reattach => self.reattach(),
            _ => Vec::new(),
        }
    }

    /// The highlight the cursor is on, if any.
    pub fn highlight_under_cursor(&self) -> Option<Highlight> {
        let reader = self.reader.as_ref()?;
        reader.notes.at(reader.cursor).cloned()
    }

    fn palette_name(&self, index: usize) -> Option<String> {
        self.config
            .highlights
            .palette
            .get(index)
            .map(|c| c.name.clone())
    }

    fn color_key(&mut self, index: usize) -> Vec<Effect> {
        let Some(color) = self.palette_name(index) else {
            self.info(format!("the palette has no colour {}", index + 1));
            return Vec::new();
        };
        let has_selection = self
            .reader
            .as_ref()
            .is_some_and(|r| r.selection().is_some());
        if has_selection {
            return self.highlight_selection(Some(color), false);
        }
        match self.highlight_under_cursor() {
            Some(mut h) => {
                h.color = color;
                self.save_highlight(h)
            }
            None => {
                self.ask_for_selection();
                Vec::new()
            }
        }
    }

    /// Makes a highlight from the selection; `with_note` opens the editor on it.
    fn highlight_selection(&mut self, color: Option<String>, with_note: bool) -> Vec<Effect> {
        let color = color.unwrap_or_else(|| self.config.highlights.default.clone());
        let Some(reader) = &mut self.reader else {
            return Vec::new();
        };
        let Some(range) = reader.selection() else {
            self.ask_for_selection();
            return Vec::new();
        };
        let same = reader.notes.exactly(&range).cloned();
        if let Some(existing) = same {
            // Never two highlights over the same words: reuse the one there.
            reader.clear_selection();
            return self.reuse_highlight(existing, &color, with_note);
        }
        let now = self.clock.now();
        let highlight = Highlight {
            id: HighlightId::from(self.clock.new_id()),
            created: now,
            updated: now,
            color,
            tags: Vec::new(),
            note: String::new(),
            orphaned: false,
            via: None,
            anchor: Anchor::from_document(&reader.doc, range),
        };
        reader.clear_selection();
        if with_note {
            self.open_over(Mode::Note(Box::new(NoteEdit {
                editor: NoteEditor::new(&preview(&highlight.anchor.quote), ""),
                highlight: highlight.id.clone(),
                made_for_note: true,
            })));
        }
        self.info(format!(
            "highlighted \"{}\"",
            preview(&highlight.anchor.quote)
        ));
        self.save_highlight(highlight)
    }

    /// A highlight over exactly the selected words already exists: Enter
    /// edits its note, a colour key gives it that colour (or says it has it).
    fn reuse_highlight(&mut self, mut h: Highlight, color: &str, with_note: bool) -> Vec<Effect> {
        if with_note {
            self.edit_note(h);
            return Vec::new();
        }
        if h.color == color {
            self.info(format!("already highlighted in {color}"));
            return Vec::new();
        }
        h.color = color.to_string();
        self.info(format!("colour: {color}"));
        self.save_highlight(h)
    }

    /// Esc in the editor of a highlight made for a note that was not written:
    /// the highlight goes too (`u` brings it back), so repeated tries do not
    /// pile up empty highlights.
    pub(super) fn drop_unwritten(&mut self, id: &HighlightId, made_for_note: bool) -> Vec<Effect> {
        if !made_for_note {
            self.info("note not changed");
            return Vec::new();
        }
        let Some(reader) = &mut self.reader else {
            return Vec::new();
        };
        let Some(h) = reader.notes.get(id).cloned() else {
            return Vec::new();
        };
        if !h.note.trim().is_empty() {
            self.info("note not changed");
            return Vec::new();
        }
        reader.notes.deleted.push(h);
        self.info("no note written: highlight removed (u undoes)");
        self.save(vec![Op::Delete(id.clone())])
    }

    fn annotate(&mut self) -> Vec<Effect> {
        let has_selection = self
            .reader
            .as_ref()
            .is_some_and(|r| r.selection().is_some());
        if has_selection {
            return self.highlight_selection(None, true);
        }
        match self.highlight_under_cursor() {
            Some(h) => {
                self.edit_note(h);
                Vec::new()
            }
            None => {
                let keys = self.selection_keys();
                self.info(format!(
                    "select a passage first ({keys}), or move onto a highlight"
                ));
                Vec::new()
            }
        }
    }

    fn cycle_color(&mut self) -> Vec<Effect> {
        match self.highlight_under_cursor() {
            Some(h) => self.cycle_color_of(h),
            None => {
                self.info("no highlight under the cursor");
                Vec::new()
            }
        }
    }

    /// Gives highlight `h` the next palette colour.
    pub(super) fn cycle_color_of(&mut self, mut h: Highlight) -> Vec<Effect> {
        if let Some(c) = next_color(&self.config.highlights.palette, &h.color) {
            h.color = c.name.clone();
            self.info(format!("colour: {}", c.name));
        }
        self.save_highlight(h)
    }

    /// Saves the note typed in the editor onto highlight `id`.
    pub(super) fn save_note(&mut self, id: &HighlightId, note: String) -> Vec<Effect> {
        if let Some(effects) = self.save_note_in_view(id, &note) {
            return effects;
        }
        let Some(reader) = &self.reader else {
            return Vec::new();
        };
        let Some(mut h) = reader.notes.get(id).cloned() else {
            self.error("the highlight was deleted meanwhile; the note is lost");
            return Vec::new();
        };
        h.tags = tags_from_note(&note);
        h.note = note;
        self.info("note saved");
        self.save_highlight(h)
    }

    /// Asks whether to delete `h`; the answer comes as the next key, and
    /// the mode asked from (the reader, the panel) follows.
    pub(super) fn ask_delete(&mut self, h: &Highlight) {
        self.open_over(Mode::ask(Confirm::Delete(h.id.clone())));
        self.info(format!(
            "delete the highlight \"{}\"? y/n",
            preview(&h.anchor.quote)
        ));
    }

    /// Reopens a note that was being typed when gloss last stopped (from the
    /// recovery file) on its highlight, adding the highlight back if it never
    /// reached the notes file. The note is not saved until the user says so:
    /// Ctrl-s keeps it, Esc asks before dropping it.
    pub fn resume_draft(&mut self, highlight: Highlight, text: &str) -> Vec<Effect> {
        self.reopen_note(
            highlight,
            text,
            "the note you were typing when gloss stopped is back",
        )
    }

    /// Gives back a note whose save lost to a later change of the same
    /// highlight in another window: the other version is what the notes file
    /// now holds, and the text typed here reopens in the editor, so saving it
    /// again (now made from the latest version) puts it over, and nothing
    /// typed is dropped without the user choosing to.
    pub fn resume_overruled_note(&mut self, highlight: Highlight, text: &str) -> Vec<Effect> {
        self.reopen_note(
            highlight,
            text,
            "another window changed this note meanwhile and its version was kept; yours is back in the editor",
        )
    }

    fn reopen_note(&mut self, highlight: Highlight, text: &str, lead: &str) -> Vec<Effect> {
        let Some(reader) = &self.reader else {
            return Vec::new();
        };
        let existing = reader.notes.get(&highlight.id).cloned();
        let (h, effects) = match existing {
            Some(h) => (h, Vec::new()),
            None => {
                let effects = self.save(vec![Op::Upsert(highlight.clone())]);
                (highlight, effects)
            }
        };
        let mut editor = NoteEditor::new(&preview(&h.anchor.quote), &h.note);
        editor.set_text(text);
        self.interrupt(Mode::Note(Box::new(NoteEdit {
            editor,
            highlight: h.id,
            made_for_note: false,
        })));
        self.info(format!(
            "{lead}: {} saves it, {} drops it",
            self.key_or(Context::Editor, Action::SaveNote, "Ctrl-s"),
            self.key_or(Context::Editor, Action::Back, "Esc"),
        ));
        effects
    }

    /// Opens the note editor on `h`, over the mode it was asked from (the
    /// reader, the panel), which comes back when the editor closes.
    pub(super) fn edit_note(&mut self, h: Highlight) {
        self.open_over(Mode::Note(Box::new(NoteEdit {
            editor: NoteEditor::new(&preview(&h.anchor.quote), &h.note),
            highlight: h.id,
            made_for_note: false,
        })));
    }

    /// Deletes highlight `id` after the user said yes.
    pub(super) fn delete_highlight(&mut self, id: &HighlightId) -> Vec<Effect> {
        let Some(reader) = &mut self.reader else {
            return Vec::new();
        };
        let Some(h) = reader.notes.get(id).cloned() else {
            return Vec::new();
        };
        reader.notes.deleted.push(h);
        self.info("highlight deleted (u undoes)");
        self.save(vec![Op::Delete(id.clone())])
    }

    pub(super) fn undo_delete(&mut self) -> Vec<Effect> {
        let Some(reader) = &mut self.reader else {
            return Vec::new();
        };
        let Some(mut h) = reader.notes.deleted.pop() else {
            self.info("nothing to undo");
            return Vec::new();
        };
        h.updated = self.clock.now();
        self.info(format!("restored \"{}\"", preview(&h.anchor.quote)));
        self.save(vec![Op::Upsert(h)])
    }

    /// `r`: on a highlight, marks it to be moved; with a selection and a marked
    /// highlight, moves it there keeping its note, tags and id.
    fn reattach(&mut self) -> Vec<Effect> {
        let Some(reader) = &mut self.reader else {
            return Vec::new();
        };
        if let (Some(range), Some(id)) = (reader.selection(), self.reattach.clone()) {
            let Some(mut h) = reader.notes.get(&id).cloned() else {
                self.reattach = None;
                return Vec::new();
            };
            h.anchor = Anchor::from_document(&reader.doc, range);
            h.orphaned = false;
            h.updated = self.clock.now();
            reader.clear_selection();
            self.reattach = None;
            self.info(format!(
                "moved the highlight to \"{}\"",
                preview(&h.anchor.quote)
            ));
            return self.save(vec![Op::Upsert(h)]);
        }
        match self.highlight_under_cursor() {
            Some(h) => {
                self.mark_for_reattach(h.id);
            }
            None if self.reattach.is_some() => {
                let keys = self.selection_keys();
                let r = self.key_or(Context::Reader, Action::Reattach, "r");
                self.info(format!("select the new passage ({keys}), then press {r}"));
            }
            None => {
                let r = self.key_or(Context::Reader, Action::Reattach, "r");
                self.info(format!("move onto a highlight and press {r} to move it"));
            }
        }
        Vec::new()
    }

    /// Marks highlight `id` to be moved onto the next selection confirmed with `r`.
    pub fn mark_for_reattach(&mut self, id: HighlightId) {
        self.reattach = Some(id);
        self.focus = Focus::Reader;
        let keys = self.selection_keys();
        let r = self.key_or(Context::Reader, Action::Reattach, "r");
        let esc = self.key_or(Context::Reader, Action::Back, "Esc");
        self.info(format!(
            "select the new passage ({keys}), then press {r}; {esc} cancels"
        ));
    }

    fn save_highlight(&mut self, mut h: Highlight) -> Vec<Effect> {
        h.updated = self.clock.now();
        self.save(vec![Op::Upsert(h)])
    }

    /// An effect that saves `ops` for the open article, applied to the app's
    /// copy at once so the screen does not wait for the disk.
    pub(super) fn save(&mut self, ops: Vec<Op>) -> Vec<Effect> {
        let Some(reader) = &mut self.reader else {
            return Vec::new();
        };
        reader.notes.apply_ops(&ops, reader.doc.text());
        let article = reader.article;
        if let Some(figures) = self.figures.get_mut(article) {
            figures.highlights = reader.notes.count();
        }
        vec![Effect::Save { article, ops }]
    }

    /// Takes the store's result after a save.
    pub fn saved(&mut self, article: ArticleId, saved: Saved) {
        let Some(reader) = &mut self.reader else {
            return;
        };
        if reader.article != article {
            return;
        }
        // Highlights this window does not have (another window's, merged
        // in by this save) are placed on the whole text, as an open places
        // them: an article still shown from its head, or parsed only part
        // of the way, is read and parsed to its end first.
        if !reader.doc.is_complete() {
            let known: std::collections::HashSet<_> =
                reader.notes.highlights.iter().map(|h| &h.id).collect();
            if saved
                .content
                .highlights
                .iter()
                .any(|h| !known.contains(&h.id))
            {
                reader.doc.ensure_complete();
            }
        }
        reader.notes.adopt(saved, reader.doc.text());
        if let Some(figures) = self.figures.get_mut(article) {
            figures.highlights = reader.notes.count();
        }
    }
}

/// The palette colour after `current` (the first one after the last, or
/// for a name not in the palette): what `c` gives a highlight, in the reader,
/// the panel and the all-notes view alike.
pub(super) fn next_color<'a>(
    palette: &'a [crate::config::PaletteColor],
    current: &str,
) -> Option<&'a crate::config::PaletteColor> {
    let next = palette
        .iter()
        .position(|c| c.name == current)
        .map_or(0, |i| (i + 1) % palette.len().max(1));
    palette.get(next)
}

/// A quote shortened to one line for messages and titles.
pub fn preview(quote: &str) -> String {
    fit(&one_line(quote), QUOTE_PREVIEW)
}
