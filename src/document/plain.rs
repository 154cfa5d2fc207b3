//! Plain text: a segment is one paragraph whose lines are joined by spaces, and
//! no character has a special meaning.

use super::piece::Piece;
use super::sanitize::sanitize;
use super::{BlockKind, Container};

/// Turns one blank-line separated paragraph into a block; `base` is where
/// the segment starts in the source, for the source map.
pub(super) fn parse(segment: &str, base: usize) -> Vec<Piece> {
    let mut piece = Piece::new(BlockKind::Paragraph, Container::default());
    let mut line_start = 0;
    for raw in segment.split_inclusive('\n') {
        let at = line_start;
        line_start += raw.len();
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        if !piece.text.is_empty() {
            piece.text.push(' ');
            piece.wrapped = true;
        }
        // `line` is a subslice of `raw`, so its offset is a pointer difference.
        let from = base + at + (line.as_ptr() as usize - raw.as_ptr() as usize);
        piece.mark_source(from..from + line.len());
        piece.text.push_str(&sanitize(line));
    }
    if piece.text.is_empty() {
        return Vec::new();
    }
    piece.joinable = true;
    vec![piece]
}
