//! Plain text: a segment is one paragraph whose lines are joined by spaces, and
//! no character has a special meaning.

use super::piece::Piece;
use super::sanitize::sanitize;
use super::{BlockKind, Container};

/// Turns one blank-line separated paragraph into a block.
pub(super) fn parse(segment: &str) -> Vec<Piece> {
    let mut piece = Piece::new(BlockKind::Paragraph, Container::default());
    for line in segment.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if !piece.text.is_empty() {
            piece.text.push(' ');
            piece.wrapped = true;
        }
        piece.text.push_str(&sanitize(line));
    }
    if piece.text.is_empty() {
        return Vec::new();
    }
    piece.joinable = true;
    vec![piece]
}
