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
        let (mut at, mut count) = self.tail;
        let bytes = text.as_bytes();
        let mut next_mark = self.marks.last().map_or(0, |m| m.0) + STEP;
        while at < bytes.len() {
            if at >= next_mark {
                self.marks.push((at, count));
                next_mark = at + STEP;
            }
            // A character starts at every byte that is not a continuation
            // byte (0b10xx_xxxx); counting those counts characters, quickly.
            let end = next_mark.min(bytes.len());
            count += bytes[at..end]
                .iter()
                .filter(|&&b| (b as i8) >= -0x40)
                .count();
            at = end;
            while at < bytes.len() && !text.is_char_boundary(at) {
                at += 1;
            }
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
