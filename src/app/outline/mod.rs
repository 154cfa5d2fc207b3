//! Moving around a long article by its headings: the outline (`T`), the
//! next/previous heading motions, and the current section's path for the
//! status bar. A 900 KB changelog has thousands of headings, so they are found
//! once, as the document is parsed, in a [`Headings`] index that grows with it;
//! everything here then costs what it shows, not the size of the article.

mod headings;
mod rank;

use ratatui::layout::Rect;

use super::modes::Mode;
use super::{App, Effect, Pointer};
use crate::keymap::Action;
pub use headings::{Heading, Headings, fit_path};
use rank::rank;

/// How much source to parse per step while looking for the next heading in
/// an article not parsed to its end yet.
const PARSE_STEP: usize = 64 * 1024;

/// The outline's place in a reader pane `reader` whose text is at most
/// `reading_width` wide.
pub fn outline_area(reader: Rect, reading_width: u16) -> Rect {
    let width = reader.width.min(reading_width.saturating_add(4));
    Rect {
        x: reader.x + (reader.width - width) / 2,
        width,
        ..reader
    }
}

/// The outline overlay: the article's headings, narrowed by a filter, one
/// of them selected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outline {
    /// The filter typed so far.
    pub filter: String,
    /// Whether keys are typed into the filter.
    pub filtering: bool,
    /// Indices into the headings that pass the filter: in document order
    /// without a filter, best match first with one.
    pub visible: Vec<usize>,
    /// Position in `visible` of the selected heading.
    pub selected: usize,
    /// First row shown.
    pub scroll: usize,
    /// The heading whose section the cursor was in when the outline opened.
    pub current: Option<usize>,
}

impl Outline {
    /// An outline over `headings` with the current section selected.
    pub fn open(headings: &Headings, current: Option<usize>) -> Self {
        let mut outline = Outline {
            filter: String::new(),
            filtering: false,
            visible: Vec::new(),
            selected: 0,
            scroll: 0,
            current,
        };
        outline.refilter(headings);
        outline
    }

    /// The index into the headings of the selected entry.
    pub fn selected_heading(&self) -> Option<usize> {
        self.visible.get(self.selected).copied()
    }

    /// Ranks the headings against the filter again; without a filter the
    /// current section is selected, with one the best match.
    fn refilter(&mut self, headings: &Headings) {
        self.visible = rank(headings, &self.filter);
        self.selected = match (self.filter.trim().is_empty(), self.current) {
            (true, Some(current)) => current.min(self.visible.len().saturating_sub(1)),
            _ => 0,
        };
        self.scroll = 0;
    }

    /// Moves the selection by `delta`, clamped.
    fn move_by(&mut self, delta: isize) {
        let last = self.visible.len().saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(delta).min(last);
    }

    /// Keeps the selected row among the `rows` shown, and the list as full as
    /// it can be.
    pub fn keep_visible(&mut self, rows: usize) {
        let rows = rows.max(1);
        if self.selected < self.scroll {
            self.scroll = self.selected;
        } else if self.selected >= self.scroll + rows {
            self.scroll = self.selected + 1 - rows;
        }
        self.scroll = self.scroll.min(self.visible.len().saturating_sub(rows));
    }
}

impl App {
    /// Brings the heading index up to date with the open article.
    pub(super) fn refresh_headings(&mut self) {
        match &self.reader {
            // A provisional view's offsets are not the article's.
            Some(reader) if reader.is_provisional() => {}
            Some(reader) => self.headings.refresh(reader.article, &reader.doc),
            None => self.headings.clear(),
        }
    }

    /// Keeps the outline's selected heading in view (after a resize).
    pub(super) fn keep_outline_visible(&mut self) {
        let rows = self.outline_rows();
        if let Mode::Outline(outline) = &mut self.mode {
            outline.keep_visible(rows);
        }
    }

    /// The names of the sections holding the reader's cursor, outermost
    /// first, for the status bar.
    pub fn section_names(&self) -> Vec<&str> {
        match &self.reader {
            Some(reader) if !reader.is_provisional() => self.headings.section_names(reader.cursor),
            _ => Vec::new(),
        }
    }

    /// The outline, when it is open.
    pub fn outline(&self) -> Option<&Outline> {
        match &self.mode {
            Mode::Outline(outline) => Some(outline),
            _ => None,
        }
    }

    /// Where the outline is drawn: over the reader pane, as wide as the
    /// text column and its frame (headings are short; a 200-column pane of
    /// them would be mostly empty), centred on it.
    pub fn outline_area(&self) -> Rect {
        outline_area(self.areas().reader, self.config.reader.reading_width)
    }

    /// Rows of headings the outline shows: its area inside the border.
    pub fn outline_rows(&self) -> usize {
        usize::from(self.outline_area().height.saturating_sub(2)).max(1)
    }

    /// Opens the outline over the whole article: the rest of a large article
    /// is parsed first, so no heading is missing.
    pub(super) fn open_outline(&mut self) {
        let Some(reader) = &mut self.reader else {
            self.info("open an article first");
            return;
        };
        reader.doc.ensure_complete();
        self.refresh_headings();
        if self.headings.entries.is_empty() {
            self.info("this article has no headings");
            return;
        }
        let current = self
            .reader
            .as_ref()
            .and_then(|r| self.headings.at(r.cursor));
        let mut outline = Outline::open(&self.headings, current);
        outline.keep_visible(self.outline_rows());
        // The selected (current) heading in the middle, when there is room.
        let rows = self.outline_rows();
        outline.scroll = outline
            .selected
            .saturating_sub(rows / 2)
            .min(outline.visible.len().saturating_sub(rows));
        self.mode = Mode::Outline(Box::new(outline));
    }

    /// A message while the outline is open.
    pub(super) fn on_outline(&mut self, mut outline: Box<Outline>, msg: super::Msg) -> Vec<Effect> {
        use super::Msg;
        let rows = self.outline_rows();
        let page = rows as isize;
        match msg {
            Msg::Action(action) if outline.filtering => match action {
                Action::Submit => return self.jump_to_heading(outline.selected_heading()),
                Action::Back => {
                    outline.filter.clear();
                    outline.filtering = false;
                    outline.refilter(&self.headings);
                }
                Action::DeleteChar => {
                    outline.filter.pop();
                    outline.refilter(&self.headings);
                }
                Action::ClearText => {
                    outline.filter.clear();
                    outline.refilter(&self.headings);
                }
                Action::ListDown => outline.move_by(1),
                Action::ListUp => outline.move_by(-1),
                Action::Quit if outline.filter.is_empty() => return self.apply(Action::Quit),
                Action::Quit => {
                    self.ask_quit("the outline filter you typed");
                    return Vec::new();
                }
                _ => {}
            },
            Msg::Action(action) => match action {
                Action::ListDown => outline.move_by(1),
                Action::ListUp => outline.move_by(-1),
                Action::ListFirst => outline.selected = 0,
                Action::ListLast => outline.selected = outline.visible.len().saturating_sub(1),
                Action::PageDown | Action::PageUp | Action::HalfPageDown | Action::HalfPageUp => {
                    let delta = match action {
                        Action::PageDown => page,
                        Action::PageUp => -page,
                        Action::HalfPageDown => (page / 2).max(1),
                        _ => -(page / 2).max(1),
                    };
                    outline.move_by(delta);
                    outline.scroll = outline.scroll.saturating_add_signed(delta);
                }
                Action::OpenArticle => return self.jump_to_heading(outline.selected_heading()),
                Action::FilterList => outline.filtering = true,
                Action::Back | Action::Outline => return Vec::new(),
                Action::Quit => return self.apply(Action::Quit),
                _ => {}
            },
            Msg::Type(c) => {
                outline.filtering = true;
                outline.filter.push(c);
                outline.refilter(&self.headings);
            }
            _ => {}
        }
        outline.keep_visible(rows);
        self.mode = Mode::Outline(outline);
        Vec::new()
    }

    /// Pasted text goes into the outline's filter.
    pub(super) fn paste_into_outline(&mut self, text: &str) {
        let headings = &self.headings;
        if let Mode::Outline(outline) = &mut self.mode {
            outline.filtering = true;
            outline
                .filter
                .extend(text.chars().filter(|&c| crate::document::fits_a_field(c)));
            outline.refilter(headings);
        }
    }

    /// The mouse over the outline: the wheel moves the selection, a click on
    /// a heading jumps to it, a click outside closes the outline.
    pub(super) fn on_outline_pointer(&mut self, pointer: Pointer) -> Vec<Effect> {
        let area = self.outline_area();
        let rows = self.outline_rows();
        let Mode::Outline(outline) = &mut self.mode else {
            return Vec::new();
        };
        match pointer {
            Pointer::Wheel { down, .. } => {
                outline.move_by(if down { 3 } else { -3 });
                outline.keep_visible(rows);
            }
            Pointer::Press { column, row } => {
                let inside = column > area.x
                    && column + 1 < area.right()
                    && row > area.y
                    && row + 1 < area.bottom();
                if !inside {
                    self.mode = Mode::Browse;
                    return Vec::new();
                }
                let entry = outline.scroll + usize::from(row - area.y - 1);
                if entry < outline.visible.len() {
                    outline.selected = entry;
                    let target = outline.selected_heading();
                    self.mode = Mode::Browse;
                    return self.jump_to_heading(target);
                }
            }
            Pointer::Drag { .. } | Pointer::Release => {}
        }
        Vec::new()
    }

    /// Closes the outline and puts the cursor on heading `i`, the heading
    /// near the top of the view.
    fn jump_to_heading(&mut self, i: Option<usize>) -> Vec<Effect> {
        self.mode = Mode::Browse;
        let Some(offset) = i
            .and_then(|i| self.headings.entries.get(i))
            .map(|h| h.offset)
        else {
            return Vec::new();
        };
        if let Some(reader) = &mut self.reader {
            reader.clear_selection();
            reader.reveal(offset);
            reader.cursor_to(offset);
        }
        self.position_effect().into_iter().collect()
    }

    /// Moves the cursor to the next heading (parsing ahead when the article
    /// is not parsed that far yet) or to the previous one; returns the
    /// status message when there is none.
    pub(super) fn heading_motion(&mut self, backward: bool) -> Option<String> {
        let reader = self.reader.as_mut()?;
        let cursor = reader.cursor;
        let target = if backward {
            self.headings.before(cursor)
        } else {
            loop {
                self.headings.refresh(reader.article, &reader.doc);
                if let Some(i) = self.headings.after(cursor) {
                    break Some(i);
                }
                if reader.doc.is_complete() {
                    break None;
                }
                reader.doc.parse_more(PARSE_STEP);
            }
        };
        let Some(offset) = target
            .and_then(|i| self.headings.entries.get(i))
            .map(|h| h.offset)
        else {
            return Some(
                if backward {
                    "no heading above"
                } else {
                    "no heading below"
                }
                .into(),
            );
        };
        reader.reveal(offset);
        reader.cursor_to(offset);
        None
    }
}
