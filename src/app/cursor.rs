//! The reader's cursor and selection: motions by line, word, sentence and
//! block, and the view following the cursor. Word and sentence boundaries come
//! from [`crate::document::motion`].

use std::ops::Range;

use crate::document::motion;
use crate::layout::{LineKind, LinePos};

use super::reader::Reader;

/// Lines kept between the cursor and the top or bottom edge when the view
/// follows it.
const SCROLL_OFF: usize = 2;

/// A way to move the cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Motion {
    /// Start of the next word.
    WordNext,
    /// Start of the previous word.
    WordPrev,
    /// End of the word.
    WordEnd,
    /// Start of the next sentence.
    SentenceNext,
    /// Start of the previous sentence.
    SentencePrev,
    /// First word of the next block.
    BlockNext,
    /// First word of the previous block.
    BlockPrev,
}

impl Reader {
    /// Puts the cursor on the nearest word in view when it is not in view: the
    /// first one when the view moved down past it, the last line's otherwise.
    pub fn cursor_into_view(&mut self) {
        let visible = self.visible();
        let cursor_line = self.cursor_line();
        if visible.contains(&cursor_line) {
            return;
        }
        let view_is_below = visible.first().is_some_and(|first| cursor_line < *first);
        self.cursor_to_edge(!view_is_below);
    }

    /// Puts the cursor on the first word in view (`top`) or the first word of
    /// the last text line in view, as `g` and `G` do.
    pub fn cursor_to_edge(&mut self, bottom: bool) {
        let mut visible = self.visible();
        if bottom {
            visible.reverse();
        }
        for pos in visible {
            let Some(range) = self.line_range(pos) else {
                continue;
            };
            if let Some(word) = motion::first_word_at_or_after(self.doc.text(), range.start)
                && word < range.end
            {
                self.cursor = word;
                return;
            }
        }
    }

    /// The screen line holding the cursor.
    pub fn cursor_line(&mut self) -> LinePos {
        let cursor = self.cursor;
        let (doc, layout) = self.parts();
        layout.locate(doc, cursor).0
    }

    /// The text range of a text line, `None` for blank lines and rules.
    fn line_range(&mut self, pos: LinePos) -> Option<Range<usize>> {
        let (doc, layout) = self.parts();
        layout.ensure(doc, pos.block);
        let line = layout.line(pos)?;
        (line.kind == LineKind::Text && !line.range.is_empty()).then(|| line.range.clone())
    }

    /// Moves the cursor `delta` text lines, keeping its column, skipping blank
    /// lines. The view scrolls with it, so the cursor keeps its row while the
    /// article can scroll: `j` reads like scrolling, and the cursor follows.
    pub fn cursor_lines(&mut self, delta: isize) {
        self.scroll(delta);
        let cursor = self.cursor;
        let (doc, layout) = self.parts();
        let (mut pos, col) = layout.locate(doc, cursor);
        let step = delta.signum();
        let mut left = delta.unsigned_abs();
        let mut target = None;
        for _ in 0..10_000 {
            if left == 0 {
                break;
            }
            let next = layout.step(doc, pos, step);
            if next == pos {
                break;
            }
            pos = next;
            let is_text = layout
                .line(pos)
                .is_some_and(|l| l.kind == LineKind::Text && !l.range.is_empty());
            if is_text {
                left -= 1;
                target = layout.offset_at(doc, pos, col);
            }
        }
        if let Some(offset) = target {
            let text = self.doc.text();
            self.cursor = motion::word_at(text, offset)
                .map(|w| w.start)
                .or_else(|| motion::first_word_at_or_after(text, offset))
                .unwrap_or(offset);
        }
        self.follow();
    }

    /// Applies a word, sentence or block motion.
    pub fn cursor_motion(&mut self, m: Motion) {
        if matches!(
            m,
            Motion::WordNext | Motion::SentenceNext | Motion::BlockNext
        ) {
            self.parse_ahead_of_cursor();
        }
        let text = self.doc.text();
        let blocks = self.doc.blocks();
        let at = self.cursor;
        let next = match m {
            Motion::WordNext => motion::next_word(text, at),
            Motion::WordPrev => motion::prev_word(text, at),
            Motion::WordEnd => motion::word_end(text, at),
            Motion::SentenceNext => motion::next_sentence(text, blocks, at),
            Motion::SentencePrev => motion::prev_sentence(text, blocks, at),
            Motion::BlockNext => motion::next_block_start(text, blocks, at),
            Motion::BlockPrev => motion::prev_block_start(text, blocks, at),
        };
        if let Some(offset) = next {
            self.cursor = offset;
            self.follow();
        }
    }

    /// Parses a little past the cursor so forward motions can cross into text
    /// not parsed yet.
    fn parse_ahead_of_cursor(&mut self) {
        let last_block = self.doc.block_at(self.cursor).map_or(0, |b| b + 1);
        if last_block + 2 >= self.doc.blocks().len() && !self.doc.is_complete() {
            self.doc.parse_more(64 * 1024);
        }
    }

    /// Scrolls just enough to keep the cursor off the edges of the view.
    pub fn follow(&mut self) {
        let line = self.cursor_line();
        let margin = SCROLL_OFF.min(self.height.saturating_sub(1) / 2) as isize;
        let height = self.height.max(1) as isize;
        let top = self.top;
        let (doc, layout) = self.parts();
        let top_limit = layout.step(doc, line, -margin);
        let lowest_top = layout.step(doc, line, -(height - 1 - margin));
        if top_limit < top {
            self.top = top_limit;
        } else if lowest_top > top {
            self.top = lowest_top;
        }
        self.fill();
    }

    /// Moves the cursor to `offset` (snapped to its word) and brings it into view.
    pub fn cursor_to(&mut self, offset: usize) {
        let text = self.doc.text();
        self.cursor = motion::word_at(text, offset).map_or(offset, |w| w.start);
        self.follow();
    }

    /// Starts a selection at the cursor, or drops the one in progress.
    pub fn toggle_selection(&mut self) {
        if self.anchor.is_some() {
            self.clear_selection();
        } else {
            self.anchor = Some(self.cursor);
        }
    }

    /// Drops the selection.
    pub fn clear_selection(&mut self) {
        self.anchor = None;
        self.exact = None;
    }

    /// Selects `range` with the cursor on its last word, so motions extend it.
    pub fn select(&mut self, range: Range<usize>) {
        let text = self.doc.text();
        self.anchor = Some(range.start);
        self.cursor = motion::prev_word(text, range.end)
            .filter(|&w| w >= range.start)
            .unwrap_or(range.start);
        self.exact = (!range.is_empty()).then_some(range);
        self.follow();
    }

    /// The selected text range: whole words from the anchor to the cursor.
    pub fn selection(&self) -> Option<Range<usize>> {
        let anchor = self.anchor?;
        let mut range = motion::snap_to_words(self.doc.text(), anchor, self.cursor);
        if let Some(exact) = &self.exact {
            range = range.start.min(exact.start)..range.end.max(exact.end);
        }
        (!range.is_empty()).then_some(range)
    }

    /// The word the cursor is on, for drawing it.
    pub fn cursor_word(&self) -> Range<usize> {
        let text = self.doc.text();
        motion::word_at(text, self.cursor).unwrap_or_else(|| {
            let end = text[self.cursor.min(text.len())..]
                .chars()
                .next()
                .map_or(self.cursor, |c| self.cursor + c.len_utf8());
            self.cursor..end
        })
    }

    /// The sentence under the cursor.
    pub fn sentence_range(&self) -> Range<usize> {
        motion::sentence_at(self.doc.text(), self.doc.blocks(), self.cursor)
    }

    /// The block under the cursor.
    pub fn block_range(&self) -> Option<Range<usize>> {
        motion::block_range(self.doc.blocks(), self.cursor)
    }
}
