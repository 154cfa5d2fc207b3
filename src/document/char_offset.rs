//! The one unit that is not a byte: character offsets, as stored.
//!
//! Inside gloss every offset into the canonical text is a byte offset (a plain
//! `usize`, what slicing a `str` takes). Annotation files and W3C selectors
//! count characters instead (Unicode scalar values), so that other tools can
//! read them. The two agree on ASCII text and differ on everything else, which
//! is how a highlight ends up a few letters off. [`CharOffset`] keeps the
//! stored unit apart: it cannot be used to slice text or be passed where a
//! byte offset is meant, and it becomes a byte offset only through
//! [`super::Document::byte_offset`] (or the annotations' index over a bare
//! text, which counts the same way).

use serde::{Deserialize, Serialize};

/// A character offset into the canonical text, the unit stored in annotation
/// files and W3C selectors. On disk it is the plain number it always was.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct CharOffset(usize);

impl CharOffset {
    /// The start of the text.
    pub const ZERO: CharOffset = CharOffset(0);

    /// An offset of `chars` characters: a number read from a file, or one
    /// counted with `str::chars`. Never a byte offset.
    pub const fn new(chars: usize) -> Self {
        Self(chars)
    }

    /// The number of characters, for writing it out.
    pub const fn get(self) -> usize {
        self.0
    }

    /// The offset `chars` characters further on (saturating), as the end of a
    /// quote is its start plus its length in characters.
    pub const fn plus(self, chars: usize) -> Self {
        Self(self.0.saturating_add(chars))
    }
}

impl std::fmt::Display for CharOffset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_as_a_plain_number() {
        #[derive(Serialize, Deserialize, PartialEq, Debug)]
        struct At {
            start: CharOffset,
        }
        let text = toml::to_string(&At {
            start: CharOffset::new(42),
        })
        .unwrap_or_default();
        assert_eq!(text.trim(), "start = 42");
        let back: At = toml::from_str("start = 7").unwrap_or(At {
            start: CharOffset::ZERO,
        });
        assert_eq!(back.start, CharOffset::new(7).plus(0));
        assert_eq!(CharOffset::new(7).plus(3).get(), 10);
    }
}
