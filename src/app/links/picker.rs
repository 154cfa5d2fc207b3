//! The link list's state: every link of the article with its target, those
//! in view marked, a filter typed over them, and where it is drawn.

use std::ops::Range;

use ratatui::layout::Rect;

use super::super::geometry::Areas;
use crate::document::{Document, Link, sanitize};

/// One entry of the link list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkEntry {
    /// The link's text as the article shows it, on one line.
    pub text: String,
    /// The target as written.
    pub target: String,
    /// Where the link's text starts in the canonical text.
    pub start: usize,
    /// Whether the link is in view in the reader.
    pub on_screen: bool,
    /// Text and target in lower case, for the filter.
    haystack: String,
}

/// The link list's state (`Mode::Links`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinkPicker {
    /// Every link of the article, in document order.
    pub entries: Vec<LinkEntry>,
    /// The filter; every word must occur in a link's text or target.
    pub filter: String,
    /// Whether keys are typed into the filter.
    pub filtering: bool,
    /// Position of the selected entry among [`LinkPicker::shown`].
    pub selected: usize,
    /// First shown entry at the top of the list.
    pub scroll: usize,
}

impl LinkPicker {
    /// The list for `doc`, links inside `screen` marked as on screen, the
    /// one at `cursor` (else the first on screen) selected.
    pub fn new(doc: &Document, screen: Range<usize>, cursor: usize) -> Self {
        let entries: Vec<LinkEntry> = sorted_links(doc)
            .into_iter()
            .map(|link| {
                let text = crate::text::one_line(doc.slice(link.range.clone()));
                let target = sanitize(&link.url).into_owned();
                let haystack = format!("{text}\n{target}").to_lowercase();
                LinkEntry {
                    text,
                    target,
                    start: link.range.start,
                    on_screen: link.range.start < screen.end && link.range.end > screen.start,
                    haystack,
                }
            })
            .collect();
        let under = sorted_links(doc)
            .iter()
            .position(|l| l.range.start <= cursor && cursor < l.range.end.max(l.range.start + 1));
        let selected = under
            .or_else(|| entries.iter().position(|e| e.on_screen))
            .unwrap_or(0);
        Self {
            entries,
            selected,
            ..Self::default()
        }
    }

    /// The entries that pass the filter, as indices into `entries`.
    pub fn shown(&self) -> Vec<usize> {
        let words: Vec<String> = self
            .filter
            .split_whitespace()
            .map(str::to_lowercase)
            .collect();
        self.entries
            .iter()
            .enumerate()
            .filter(|(_, e)| words.iter().all(|w| e.haystack.contains(w.as_str())))
            .map(|(i, _)| i)
            .collect()
    }

    /// The selected entry, if any passes the filter.
    pub fn chosen(&self) -> Option<&LinkEntry> {
        let shown = self.shown();
        shown.get(self.selected).and_then(|&i| self.entries.get(i))
    }

    /// Moves the selection by `delta` entries, within the list.
    pub(in crate::app) fn move_by(&mut self, delta: isize) {
        let last = self.shown().len().saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(delta).min(last);
    }

    /// Keeps the selection inside `rows` rows of list.
    pub fn keep_visible(&mut self, rows: usize) {
        let rows = rows.max(1);
        let count = self.shown().len();
        self.selected = self.selected.min(count.saturating_sub(1));
        if self.selected < self.scroll {
            self.scroll = self.selected;
        } else if self.selected >= self.scroll + rows {
            self.scroll = self.selected + 1 - rows;
        }
        self.scroll = self.scroll.min(count.saturating_sub(rows));
    }
}

/// The document's links by where their text starts (nested links end first
/// in the parser's order).
fn sorted_links(doc: &Document) -> Vec<&Link> {
    let mut links: Vec<&Link> = doc.links().iter().collect();
    links.sort_by_key(|l| (l.range.start, l.range.end));
    links
}

/// Where the link list is drawn: over both panes (the list pane is of no
/// use while choosing a link, and at 80 columns the reader alone is too
/// narrow for a link's text and its target side by side).
pub fn picker_area(areas: &Areas) -> Rect {
    let empty = |r: Rect| r.width == 0 || r.height == 0;
    match (empty(areas.list), empty(areas.reader)) {
        (false, false) => areas.list.union(areas.reader),
        (true, false) => areas.reader,
        _ => areas.list,
    }
}

/// The rows of entries inside the list's `area` (inside the border, below
/// the filter line when there is one).
pub fn entry_rows(area: Rect, picker: &LinkPicker) -> Rect {
    let inner = Rect {
        x: area.x.saturating_add(1),
        y: area.y.saturating_add(1),
        width: area.width.saturating_sub(2),
        height: area.height.saturating_sub(2),
    };
    let filter_line = u16::from(picker.filtering || !picker.filter.is_empty());
    Rect {
        y: inner.y.saturating_add(filter_line),
        height: inner.height.saturating_sub(filter_line),
        ..inner
    }
}
