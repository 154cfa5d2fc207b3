//! The all-notes view's own state: the loaded highlights, the filter, the
//! order, the selection and the tag list. Which notes are listed (and the
//! tag counts) is worked out when the notes, the filter or the order change
//! ([`AllNotes::refresh`], called by every message that changes them), and
//! kept as positions in the loaded notes: a frame only reads them.

use std::path::PathBuf;

use crate::annotations::HighlightId;
use crate::annotations::library_notes::{
    LibraryNote, LibraryNotes, Query, SortBy, select_positions,
};

/// Lines each note takes in the view, as in the article panel: swatch,
/// colour, quote and date; then the article, the note's first line and the
/// tags. Fixed so scrolling is plain arithmetic.
pub use crate::app::panel::ENTRY_LINES;

/// Which note a row is: its notes file and its id (ids are unique, but the
/// file makes a save go to the right place even for a copied file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteKey {
    /// The notes file.
    pub file: PathBuf,
    /// The highlight.
    pub id: HighlightId,
}

impl NoteKey {
    /// The key of `note`.
    pub fn of(note: &LibraryNote) -> Self {
        Self {
            file: note.file.clone(),
            id: note.highlight.id.clone(),
        }
    }
}

/// A change made in the view, kept so `u` can take it back: the versions
/// of the highlights before it (a deleted one, or every one a tag rename
/// touched), put back as they were in one step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undo {
    /// What it was, for the message ("delete", "rename #a to #b").
    pub what: String,
    /// The highlights as they were.
    pub before: Vec<LibraryNote>,
}

/// The tag list (`#` in the view): every tag with its count.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TagList {
    /// Position of the selected tag.
    pub selected: usize,
    /// First tag shown.
    pub scroll: usize,
    /// The new name being typed for the selected tag, while renaming.
    pub renaming: Option<String>,
    /// True while `renaming` still holds the old name as offered, selected:
    /// typing or pasting replaces it, Backspace keeps it to be corrected.
    pub replaces: bool,
}

impl TagList {
    /// Starts renaming `tag`: its name is offered, selected.
    pub fn rename(&mut self, tag: Option<String>) {
        self.replaces = tag.is_some();
        self.renaming = tag;
    }

    /// Typed or pasted text for the new name: it replaces the offered name,
    /// or goes on the end of what was typed.
    pub fn type_name(&mut self, text: impl Iterator<Item = char>) {
        if let Some(name) = self.renaming.as_mut() {
            if std::mem::take(&mut self.replaces) {
                name.clear();
            }
            name.extend(text);
        }
    }

    /// Backspace: the offered name is kept (no longer selected) and its
    /// last character goes, so a name can be corrected.
    pub fn delete_char(&mut self) {
        self.replaces = false;
        if let Some(name) = self.renaming.as_mut() {
            name.pop();
        }
    }
}

/// What the view remembers between keys.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AllNotes {
    /// Every highlight of the library, as last loaded and changed here.
    pub notes: LibraryNotes,
    /// True until the loader's result came.
    pub loading: bool,
    /// The filter as typed (see [`Query`]); empty shows every note.
    pub filter: String,
    /// Whether keys are being typed into the filter.
    pub filtering: bool,
    /// The order.
    pub sort: SortBy,
    /// Position of the selected row.
    pub selected: usize,
    /// First row shown.
    pub scroll: usize,
    /// The tag list, when open over the view.
    pub tags: Option<TagList>,
    /// Changes made here, most recent last, for `u`.
    pub undo: Vec<Undo>,
    /// The palette's colour names in key order (the colour sort follows it).
    palette: Vec<String>,
    /// Positions in `notes.notes` of the rows shown, in order.
    shown: Vec<usize>,
    /// Every tag with its count, for the tag list.
    tag_counts: Vec<(String, usize)>,
}

impl AllNotes {
    /// A view waiting for the loader; `palette` holds the colour names in
    /// key order (the colour sort follows it).
    pub fn loading(palette: Vec<String>) -> Self {
        Self {
            loading: true,
            palette,
            ..Self::default()
        }
    }

    /// Works out the rows shown and the tag counts again: after the notes,
    /// the filter or the order changed. The selection stays inside the list.
    pub fn refresh(&mut self) {
        let palette: Vec<&str> = self.palette.iter().map(String::as_str).collect();
        self.shown = select_positions(
            &self.notes,
            &Query::parse(&self.filter),
            self.sort,
            &palette,
        );
        self.tag_counts = self.notes.tag_counts();
        self.clamp();
    }

    /// The rows shown, in order.
    pub fn rows(&self) -> Vec<&LibraryNote> {
        self.shown
            .iter()
            .filter_map(|&i| self.notes.notes.get(i))
            .collect()
    }

    /// How many rows are shown.
    pub fn row_count(&self) -> usize {
        self.shown.len()
    }

    /// The selected row's note.
    pub fn selected_note(&self) -> Option<&LibraryNote> {
        let at = self.selected.min(self.shown.len().saturating_sub(1));
        self.shown.get(at).and_then(|&i| self.notes.notes.get(i))
    }

    /// Moves the selection by `by` rows, kept inside the list.
    pub fn move_by(&mut self, by: isize, count: usize) {
        let last = count.saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(by).min(last);
    }

    /// Puts the selection on the note `key` when it is listed.
    pub fn select(&mut self, key: &NoteKey) {
        if let Some(at) = self
            .rows()
            .iter()
            .position(|n| n.file == key.file && n.highlight.id == key.id)
        {
            self.selected = at;
        }
    }

    /// Pulls the selection back inside the list (after a delete, a filter).
    pub fn clamp(&mut self) {
        self.selected = self.selected.min(self.shown.len().saturating_sub(1));
    }

    /// Scrolls so the selection is visible in `height` lines of list.
    pub fn keep_visible(&mut self, height: usize) {
        self.scroll =
            crate::app::panel::scroll_for(self.scroll, self.selected, height / ENTRY_LINES);
    }

    /// The tags with their counts, for the tag list.
    pub fn tag_counts(&self) -> &[(String, usize)] {
        &self.tag_counts
    }

    /// The tag selected in the tag list.
    pub fn selected_tag(&self) -> Option<String> {
        let list = self.tags.as_ref()?;
        let at = list.selected.min(self.tag_counts.len().saturating_sub(1));
        self.tag_counts.get(at).map(|(t, _)| t.clone())
    }
}
