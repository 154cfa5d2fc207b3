//! The reader pane's state: the open article, its layout at the current width and
//! where the view is. Every motion here costs what it passes over, not the size
//! of the article.

use crate::document::{CharOffset, Document, floor_char_boundary};
use crate::layout::{Layout, LayoutCache, LineKind, LinePos};

use super::list::ArticleId;
use super::modes::Parsed;
use super::modes::{Mode, Msg};
use super::notes::Notes;
use super::search::Search;
use super::{App, Focus};
use crate::keymap::Action;

/// How much source to parse per step when the view needs more blocks: enough for
/// several screens, small enough to keep a keypress instant.
const PARSE_STEP: usize = 64 * 1024;

/// How much source to parse per step while the screen is not yet full:
/// the first screen is usually nearly there, and filling it must not cost
/// more than it shows.
const FILL_STEP: usize = 8 * 1024;

/// How many lines stay visible above a search match or jump target.
const CONTEXT_LINES: usize = 3;

/// Source bytes per cell of the reader pane that the provisional view `G`
/// shows first takes, while the rest of a long article is still being
/// parsed: prose fills about a cell per byte, and the tail's start is moved
/// on to the next paragraph that opens nothing, so three screens' worth
/// nearly always fills the last page. When it does not (long link targets,
/// short lines), four times as much is taken, up to [`MAX_TAIL_BYTES`].
const TAIL_BYTES_PER_CELL: usize = 3;

/// The least the provisional view parses first (a tiny pane still gets a
/// few paragraphs), and the most: 16 KiB is a screen of prose even at
/// 200x60, parsed in about half a millisecond.
const TAIL_BYTES: std::ops::RangeInclusive<usize> = 4 * 1024..=16 * 1024;

/// The longest quote kept with a reading position saved from a provisional
/// view (see [`Reader::provisional_position`]): more than the last page
/// holds at 120x40.
const PROVISIONAL_QUOTE_CHARS: usize = 4096;

/// The largest provisional view `G` parses before settling for what it has.
const MAX_TAIL_BYTES: usize = 256 * 1024;

/// `part`, a measure of what `doc` has parsed so far (bytes or characters
/// of its text), scaled to the whole article by how far its parse has come:
/// the estimate a progress figure or a position in a provisional view rests
/// on before the rest is parsed.
fn scaled_to_whole(doc: &Document, part: f64) -> f64 {
    part / doc.parsed_fraction().max(1e-9)
}

impl App {
    /// [`super::Msg::Parsed`]: the rest of the open article, parsed by the
    /// session's background job, takes the place of the partial document,
    /// when it is for the same open article and that is still incomplete
    /// (a key that needed the end, `G` or a search, may have parsed it here
    /// meanwhile; then the job's work is simply not needed). Nothing that
    /// points into the text moves: the complete document extends the partial
    /// one exactly, so the cursor, the view, the selection, a search and the
    /// placed highlights keep their offsets, and the layouts (built block by
    /// block on demand) stay valid. `update` brings the outline's heading
    /// index up to date afterwards.
    pub(super) fn take_parsed(&mut self, parsed: Parsed) {
        let Some(reader) = &mut self.reader else {
            return;
        };
        let Parsed { article, doc } = parsed;
        let tail = reader.leave_tail();
        if reader.article != article
            || reader.doc.is_complete()
            || !doc.is_complete()
            || !doc.shares_source(&reader.doc)
            || doc.text().len() < reader.doc.text().len()
            || doc.blocks().len() < reader.doc.blocks().len()
        {
            match tail {
                // Not this article's result: finish the parse here, so the
                // view of the end is not lost.
                Some(tail) => {
                    reader.doc.ensure_complete();
                    reader.land(tail);
                }
                None => reader.fill(),
            }
            return;
        }
        reader.doc = *doc;
        match tail {
            Some(tail) => reader.land(tail),
            None => reader.fill(),
        }
    }
}

impl App {
    /// Ends a provisional view of the end of an article (see
    /// [`Reader::is_provisional`]) before any message except the background
    /// parse's result, quitting (its position is saved from the view, see
    /// [`Reader::provisional_position`], rather than parsing the rest first)
    /// and the motions that stay inside the view (scrolling, paging, `G`;
    /// upward only while the view's first line is not in view), and a
    /// resize to the size the screen already has (the runtime sizes the app
    /// to the terminal before its first frame).
    pub(super) fn settle_unless_kept(&mut self, msg: &Msg) {
        let screen = self.screen;
        let Some(reader) = self.reader.as_mut().filter(|r| r.is_provisional()) else {
            return;
        };
        let kept = match msg {
            Msg::Parsed(_) | Msg::Action(Action::Quit) => true,
            Msg::Resize { width, height } => {
                screen == ratatui::layout::Rect::new(0, 0, *width, *height)
            }
            Msg::Action(action)
                if matches!(self.mode, Mode::Browse) && self.focus == Focus::Reader =>
            {
                match action {
                    Action::ScrollDown
                    | Action::PageDown
                    | Action::HalfPageDown
                    | Action::Bottom => true,
                    Action::ScrollUp | Action::PageUp | Action::HalfPageUp => {
                        reader.top != LinePos::default()
                    }
                    _ => false,
                }
            }
            _ => false,
        };
        if !kept {
            reader.settle();
        }
    }
}

/// The real document and what points into it, put aside while `G` shows a
/// provisional view of the end of an article still being parsed.
#[derive(Debug)]
struct Held {
    doc: Document,
    layouts: LayoutCache,
    placed: Vec<crate::annotations::Placed>,
    search: Option<Search>,
}

/// Where the reader was in a provisional view it has just left: the view's
/// document and its offsets, to find the same place in the whole.
#[derive(Debug)]
pub(super) struct TailView {
    doc: Document,
    /// The start of the top line's block, and the line within that block.
    top: Option<(usize, usize)>,
    cursor: usize,
    at_bottom: bool,
}

/// An open article and the view into it.
#[derive(Debug)]
pub struct Reader {
    /// Which article of the library this is.
    pub article: ArticleId,
    /// The parsed article (growing while parsing continues in the background).
    pub doc: Document,
    /// Layouts for recent widths, so resizing back and forth is free.
    layouts: LayoutCache,
    /// The text column's width.
    width: u16,
    /// The first screen line shown.
    pub top: LinePos,
    /// Lines the pane shows.
    pub height: usize,
    /// The active search, if any.
    pub search: Option<Search>,
    /// The cursor: byte offset of the start of the word it is on.
    pub cursor: usize,
    /// Where the selection started, while selecting.
    pub anchor: Option<usize>,
    /// A range selected whole (a sentence, a paragraph), kept exactly as it is
    /// (with its final punctuation) while motions extend the selection.
    pub exact: Option<std::ops::Range<usize>>,
    /// The article's highlights.
    pub notes: Notes,
    /// Tabs expand to this many columns (for the layouts of a provisional view).
    tab_width: u8,
    /// While `G` shows a provisional view of the end of an article whose
    /// rest is still being parsed: the real document, put aside.
    held: Option<Box<Held>>,
}

impl Reader {
    /// A reader at the start of `doc`, laid out for a text column `width` wide.
    pub fn new(
        article: ArticleId,
        doc: Document,
        width: u16,
        height: usize,
        tab_width: u8,
    ) -> Self {
        let mut layouts = LayoutCache::new(tab_width);
        layouts.get_mut(width);
        let mut reader = Self {
            article,
            doc,
            layouts,
            width: width.max(1),
            top: LinePos::default(),
            height,
            search: None,
            cursor: 0,
            anchor: None,
            exact: None,
            notes: Notes::default(),
            tab_width,
            held: None,
        };
        reader.fill();
        reader.cursor_into_view();
        reader
    }

    /// The layout at the current width, for drawing.
    pub fn layout(&self) -> Option<&Layout> {
        self.layouts.current()
    }

    /// The document and the current layout, borrowed together.
    pub(super) fn parts(&mut self) -> (&mut Document, &mut Layout) {
        (&mut self.doc, self.layouts.get_mut(self.width))
    }

    /// Adapts to a new pane size. The line holding the first visible text stays
    /// at the top, whatever the new width.
    pub fn resize(&mut self, width: u16, height: usize) {
        self.height = height;
        if width.max(1) != self.width {
            let anchor = self.top_offset();
            self.width = width.max(1);
            if let Some(offset) = anchor {
                self.top = self.locate(offset);
            }
        }
        self.fill();
    }

    /// Parses and lays out enough for the current view; drawing then only reads.
    pub fn fill(&mut self) {
        loop {
            let (top, height) = (self.top, self.height.max(1));
            let (doc, layout) = self.parts();
            let got = layout.lines_from(doc, top, height).len();
            if got >= height || doc.is_complete() {
                break;
            }
            doc.parse_more(FILL_STEP);
        }
    }

    /// The screen lines in view, in order.
    pub fn visible(&mut self) -> Vec<LinePos> {
        let (top, height) = (self.top, self.height);
        let (doc, layout) = self.parts();
        layout.lines_from(doc, top, height)
    }

    /// Byte offset of the first text in view, the anchor of the reading position.
    pub fn top_offset(&mut self) -> Option<usize> {
        let (top, height) = (self.top, self.height.max(1));
        let (doc, layout) = self.parts();
        let lines = layout.lines_from(doc, top, height);
        lines.into_iter().find_map(|pos| {
            let line = layout.line(pos)?;
            (line.kind == LineKind::Text).then_some(line.range.start)
        })
    }

    /// The screen line that holds a text offset.
    pub(super) fn locate(&mut self, offset: usize) -> LinePos {
        while self.doc.block_at(offset).is_none() && !self.doc.is_complete() {
            self.doc.parse_more(PARSE_STEP);
        }
        let (doc, layout) = self.parts();
        layout.locate(doc, offset).0
    }

    /// Scrolls by `delta` lines. Scrolling down stops when the last line of the
    /// article reaches the bottom of the pane.
    pub fn scroll(&mut self, delta: isize) {
        if delta > 0 {
            self.ensure_parsed_below(delta.unsigned_abs() + self.height);
            let limit = self.bottom_top();
            let top = self.top;
            let (doc, layout) = self.parts();
            let next = layout.step(doc, top, delta);
            self.top = match limit {
                Some(limit) if next > limit => limit.max(self.top),
                _ => next,
            };
        } else {
            let top = self.top;
            let (doc, layout) = self.parts();
            self.top = layout.step(doc, top, delta);
        }
        self.fill();
    }

    /// Makes sure `lines` lines below the top are parsed, when the source has them.
    fn ensure_parsed_below(&mut self, lines: usize) {
        loop {
            let top = self.top;
            let (doc, layout) = self.parts();
            if layout.lines_from(doc, top, lines + 1).len() > lines || doc.is_complete() {
                return;
            }
            doc.parse_more(PARSE_STEP);
        }
    }

    /// The top line of the last page, once the end of the article is parsed.
    fn bottom_top(&mut self) -> Option<LinePos> {
        if !self.doc.is_complete() {
            return None;
        }
        let height = self.height.max(1);
        let (doc, layout) = self.parts();
        Some(layout.last_page_top(doc, height))
    }

    /// Scrolls by a page (or half of one) in either direction.
    pub fn page(&mut self, pages: f32) {
        let lines = ((self.height as f32 * pages.abs()).round() as isize).max(1);
        self.scroll(if pages < 0.0 { -lines } else { lines });
    }

    /// Goes to the start.
    pub fn to_top(&mut self) {
        self.top = LinePos::default();
        self.fill();
    }

    /// Goes to the end. While the rest of a long article is still being
    /// parsed, the end is shown at once from a provisional parse of its last
    /// part (see [`Reader::is_provisional`]); with a selection under way, or
    /// when little is left, whatever is left is parsed here.
    pub fn to_bottom(&mut self) {
        let cells = usize::from(self.width).saturating_mul(self.height);
        let mut bytes = cells
            .saturating_mul(TAIL_BYTES_PER_CELL)
            .clamp(*TAIL_BYTES.start(), *TAIL_BYTES.end());
        while self.held.is_none()
            && self.anchor.is_none()
            && let Some(tail) = self.doc.provisional_tail(bytes)
        {
            self.hold(tail);
            // A last page with text above it is full; otherwise more of
            // the end is taken, from the real document put back.
            let full = self
                .bottom_top()
                .is_some_and(|top| top != LinePos::default());
            if full || bytes >= MAX_TAIL_BYTES {
                break;
            }
            let _ = self.leave_tail();
            bytes *= 4;
        }
        self.doc.ensure_complete();
        self.top = self.bottom_top().unwrap_or_default();
        self.fill();
    }

    /// Shows a saved place on the last pages of an article still being
    /// parsed from a provisional parse of its end, as `G` does, when the
    /// place's `quote` is found there once: reopening a long article read
    /// to its end does not parse all of it first. `false`, with the view as
    /// it was, when it is not found there (or the article is complete).
    pub(super) fn show_in_tail(&mut self, quote: &str) -> bool {
        if quote.is_empty() || self.doc.is_complete() || self.anchor.is_some() {
            return false;
        }
        let top = self.top;
        self.to_bottom();
        if !self.is_provisional() {
            // Little was left: the article is whole now; the caller finds
            // the place in it.
            self.top = top;
            self.fill();
            return false;
        }
        let mut found = self.doc.text().match_indices(quote).map(|(at, _)| at);
        match (found.next(), found.next()) {
            (Some(at), None) => {
                self.restore(at);
                true
            }
            _ => {
                let _ = self.leave_tail();
                self.top = top;
                self.fill();
                false
            }
        }
    }

    /// True while the view shows a provisional parse of the article's end
    /// (after `G` on an article still being parsed): its offsets are not the
    /// article's, so anything that keeps or compares offsets (highlights,
    /// search, the outline, the reading position) waits for
    /// [`Reader::settle`].
    pub fn is_provisional(&self) -> bool {
        self.held.is_some()
    }

    /// The article's own document, also while a provisional view shows a
    /// parse of its end in its place: what the background parse completes.
    pub fn article_doc(&self) -> &Document {
        self.held.as_ref().map_or(&self.doc, |held| &held.doc)
    }

    /// Shows `tail` in place of the document, putting the real one aside.
    fn hold(&mut self, tail: Document) {
        let mut layouts = LayoutCache::new(self.tab_width);
        layouts.set_wide(self.layouts.wide());
        layouts.get_mut(self.width);
        let held = Held {
            doc: std::mem::replace(&mut self.doc, tail),
            layouts: std::mem::replace(&mut self.layouts, layouts),
            placed: std::mem::take(&mut self.notes.placed),
            search: self.search.take(),
        };
        self.held = Some(Box::new(held));
        self.exact = None;
    }

    /// The reading position of a provisional view, so quitting from it
    /// saves where the reader is without parsing the rest of the article
    /// first (a 5 MB article's rest takes about 100 ms). The offset is an
    /// estimate, the view's share of the whole worked out from how far the
    /// real parse has come, as [`Reader::progress`] does, and can be some
    /// pages out; so the quote, which is how a saved position is found
    /// again (see [`super::notes::resolve_position`]), runs from the top
    /// line to the end of the article (up to [`PROVISIONAL_QUOTE_CHARS`]):
    /// on the last pages that is found in one place only, even where the
    /// top line's words repeat (a code line, a refrain). A settled view's
    /// next save puts back the usual short quote. `None` outside a
    /// provisional view.
    pub(super) fn provisional_position(
        &mut self,
        offset: usize,
        progress: f64,
    ) -> Option<crate::annotations::ReadingPosition> {
        let held = self.held.as_ref()?;
        let parsed = held.doc.char_offset(held.doc.text().len()).get();
        let total = scaled_to_whole(&held.doc, parsed as f64).round() as usize;
        let tail_chars = self.doc.char_offset(self.doc.text().len()).get();
        let mut position =
            super::notes::position_quoting(&self.doc, offset, progress, PROVISIONAL_QUOTE_CHARS);
        position.offset = CharOffset::new(
            total
                .saturating_sub(tail_chars)
                .saturating_add(position.offset.get()),
        );
        Some(position)
    }

    /// Puts the real document back after a provisional view; returns where
    /// the reader was in that view.
    pub(super) fn leave_tail(&mut self) -> Option<TailView> {
        let held = self.held.take()?;
        let top = self
            .doc
            .blocks()
            .get(self.top.block)
            .map(|b| (b.range.start, self.top.line));
        let at_bottom = self.bottom_top().is_some_and(|b| self.top >= b);
        let cursor = self.cursor;
        let Held {
            doc,
            layouts,
            placed,
            search,
        } = *held;
        let tail = std::mem::replace(&mut self.doc, doc);
        self.layouts = layouts;
        self.notes.placed = placed;
        self.search = search;
        Some(TailView {
            doc: tail,
            top,
            cursor,
            at_bottom,
        })
    }

    /// Brings the view of a provisional tail to the same place in the
    /// (complete) document: the last page when the view was there, else the
    /// same first line and cursor.
    pub(super) fn land(&mut self, view: TailView) {
        let top = view.top.and_then(|(start, line)| {
            let start = self.doc.offset_from_tail(&view.doc, start)?;
            Some((start, line))
        });
        match top {
            Some((top, line)) if !view.at_bottom => {
                self.restore(top);
                // The same line of the same block, blank lines included.
                let block = self.top.block;
                let (doc, layout) = self.parts();
                let first = LinePos { block, line: 0 };
                self.top = layout.step(doc, first, isize::try_from(line).unwrap_or(0));
                self.fill();
                self.cursor = self
                    .doc
                    .offset_from_tail(&view.doc, view.cursor)
                    .unwrap_or(top);
                self.cursor_into_view();
            }
            _ => {
                self.to_bottom();
                self.cursor = self
                    .doc
                    .offset_from_tail(&view.doc, view.cursor)
                    .unwrap_or(self.cursor);
                self.cursor_into_view();
            }
        }
    }

    /// Ends a provisional view of the end: parses whatever is left of the
    /// article (the background job has usually done it already) and shows the
    /// same place in it.
    pub fn settle(&mut self) {
        if let Some(view) = self.leave_tail() {
            self.doc.ensure_complete();
            self.land(view);
        }
    }

    /// Restores a saved reading position (a byte offset of the first visible text).
    pub fn restore(&mut self, offset: usize) {
        let offset = floor_char_boundary(self.doc.text(), offset);
        self.top = self.locate(offset);
        self.fill();
    }

    /// Brings a text offset into view with a few lines of context above it, unless
    /// it is already comfortably visible.
    pub fn reveal(&mut self, offset: usize) {
        let pos = self.locate(offset);
        let visible = self.visible();
        let comfortable = visible
            .iter()
            .position(|p| *p == pos)
            .is_some_and(|i| i >= CONTEXT_LINES.min(self.height / 3) && i + 1 < visible.len());
        if !comfortable {
            let context = CONTEXT_LINES.min(self.height.saturating_sub(1) / 2) as isize;
            let (doc, layout) = self.parts();
            self.top = layout.step(doc, pos, -context);
        }
        self.fill();
    }

    /// Runs a search over the whole article and moves to the first match at or
    /// after the view.
    pub fn search(&mut self, query: &str) {
        self.doc.ensure_complete();
        let mut search = Search::new(query, self.doc.text());
        // From the cursor, like n: the first match at or after it, wrapping.
        let from = self.cursor;
        search.current = search.next_from(from, false);
        let target = search.current.map(|i| search.matches[i].start);
        self.search = Some(search);
        if let Some(offset) = target {
            self.reveal(offset);
            self.cursor = offset;
        }
    }

    /// Moves to the next (or previous) match of the active search.
    pub fn search_step(&mut self, backward: bool) {
        let Some(search) = &self.search else { return };
        // From the cursor, so n after moving (G, }, a click) finds the next
        // match below where the reader is now.
        let from = if backward {
            self.cursor
        } else {
            self.cursor + 1
        };
        let Some(i) = search.next_from(from, backward) else {
            return;
        };
        let offset = search.matches[i].start;
        if let Some(s) = &mut self.search {
            s.current = Some(i);
        }
        self.reveal(offset);
        self.cursor = offset;
    }

    /// Fraction read: how far the first visible text is into the article.
    pub fn progress(&mut self) -> f64 {
        let within = self.progress_in_doc();
        let Some(held) = &self.held else {
            return within;
        };
        // A provisional view is the end of the article: its share of the
        // whole, estimated from how far the real parse has come.
        let total = scaled_to_whole(&held.doc, held.doc.text().len() as f64);
        let share = (self.doc.text().len() as f64 / total.max(1.0)).clamp(0.0, 1.0);
        1.0 - (1.0 - within) * share
    }

    /// Fraction read of the document the view shows.
    fn progress_in_doc(&mut self) -> f64 {
        let parsed = self.doc.text().len();
        let Some(offset) = self.top_offset() else {
            return if self.top.block > 0 { 1.0 } else { 0.0 };
        };
        let at_end = self.doc.is_complete() && self.bottom_top().is_some_and(|b| self.top >= b);
        if at_end || parsed == 0 {
            return if parsed == 0 { 0.0 } else { 1.0 };
        }
        let total = scaled_to_whole(&self.doc, parsed as f64);
        (offset as f64 / total).clamp(0.0, 1.0)
    }

    /// Lets tables and code blocks spread over up to `wide` columns (the
    /// pane's whole text width) when the reading width is too narrow for
    /// them; the first visible text stays at the top.
    pub fn set_wide(&mut self, wide: u16) {
        if self.layouts.wide() == wide {
            return;
        }
        let anchor = self.top_offset();
        self.layouts.set_wide(wide);
        if let Some(offset) = anchor {
            self.top = self.locate(offset);
        }
        self.fill();
    }

    /// Lays out the block at `block` for hit-testing (mouse).
    pub fn offset_at(&mut self, pos: LinePos, col: u16) -> Option<usize> {
        let (doc, layout) = self.parts();
        layout.offset_at(doc, pos, col)
    }
}
