//! Fast conversion between byte and character offsets in the canonical text.
//!
//! Annotations are stored with character offsets, and converting by counting
//! from the start would cost a pass over a long article per highlight. A sparse
//! list of checkpoints bounds each conversion to one short stretch of text.

/// Bytes between checkpoints.
const STEP: usize = 4096;

/// Checkpoints `(byte, chars)` at char boundaries, grown as text is appended.
#[derive(Debug, Clone)]
pub(super) struct CharIndex {
    marks: Vec<(usize, usize)>,
    /// How far the text has been counted.
    tail: (usize, usize),
}

impl Default for CharIndex {
    fn default() -> Self {
        Self {
            marks: vec![(0, 0)],
            tail: (0, 0),
        }
    }
}

impl CharIndex {
    /// Counts the text appended since the last call.
    pub fn extend(&mut self, text: &str) {
        let (start, mut count) = self.tail;
        let mut next_mark = self.marks.last().map_or(0, |m| m.0) + STEP;
        for (i, _) in text.get(start..).unwrap_or("").char_indices() {
            let at = start + i;
            if at >= next_mark {
                self.marks.push((at, count));
                next_mark = at + STEP;
            }
            count += 1;
        }
        self.tail = (text.len(), count);
    }

    /// The character offset of `byte` (a char boundary within `text`).
    pub fn char_offset(&self, text: &str, byte: usize) -> usize {
        let i = self
            .marks
            .partition_point(|m| m.0 <= byte)
            .saturating_sub(1);
        let (b, c) = self.marks.get(i).copied().unwrap_or((0, 0));
        c + text.get(b..byte).map_or(0, |s| s.chars().count())
    }

    /// The byte offset of character `chars`, clamped to the text's end.
    pub fn byte_offset(&self, text: &str, chars: usize) -> usize {
        let i = self
            .marks
            .partition_point(|m| m.1 <= chars)
            .saturating_sub(1);
        let (b, c) = self.marks.get(i).copied().unwrap_or((0, 0));
        text.get(b..)
            .and_then(|rest| rest.char_indices().nth(chars - c.min(chars)))
            .map_or(text.len(), |(i, _)| b + i)
    }
}
