//! Making anchors from a selection, and the text fingerprint that lets
//! annotations follow an article that was moved or renamed.
//!
//! Ranges taken and returned here are BYTE ranges into the canonical text (the
//! unit the document and layout use); [`Anchor`] stores CHARACTER offsets so a
//! file stays meaningful to other tools. [`CharIndex`] converts between them.

use crate::document::{CharOffset, Document, floor_char_boundary};
use std::ops::Range;

use sha2::{Digest, Sha256};

use super::Anchor;

/// How many characters of context are kept on each side of a quote.
pub const CONTEXT_CHARS: usize = 32;

impl Anchor {
    /// Builds the anchor for a selection, so the passage can be found again
    /// after the text changes. `range` is a byte range; it is clamped to the text
    /// and moved down to char boundaries, so a bad range never panics.
    pub fn from_range(text: &str, range: Range<usize>) -> Anchor {
        let index = CharIndex::new(text);
        Self::build(text, range, |byte| index.char_of(byte))
    }

    /// Like [`Anchor::from_range`] over a document's text, using the offset
    /// index the document keeps, so making a highlight never rescans a large
    /// article.
    pub fn from_document(doc: &Document, range: Range<usize>) -> Anchor {
        Self::build(doc.text(), range, |byte| doc.char_offset(byte))
    }

    fn build(text: &str, range: Range<usize>, char_of: impl Fn(usize) -> CharOffset) -> Anchor {
        let end = floor_char_boundary(text, range.end);
        let start = floor_char_boundary(text, range.start.min(end));
        Anchor {
            quote: text[start..end].to_string(),
            prefix: context_before(text, start).to_string(),
            suffix: context_after(text, end).to_string(),
            start: char_of(start),
            end: char_of(end),
        }
    }
}

/// Identifies an article's text independently of where the file lives, so its
/// annotations are found again after a move (`"sha256:<hex>"`).
pub fn fingerprint(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    let mut out = String::with_capacity(7 + 64);
    out.push_str("sha256:");
    for byte in digest.iter() {
        out.push(hex_digit(byte >> 4));
        out.push(hex_digit(byte & 0xf));
    }
    out
}

fn hex_digit(nibble: u8) -> char {
    char::from_digit(u32::from(nibble), 16).unwrap_or('0')
}

/// Up to [`CONTEXT_CHARS`] characters ending at byte `at`.
pub(crate) fn context_before(text: &str, at: usize) -> &str {
    let at = floor_char_boundary(text, at);
    let head = &text[..at];
    let start = head
        .char_indices()
        .rev()
        .nth(CONTEXT_CHARS - 1)
        .map_or(0, |(i, _)| i);
    &head[start..]
}

/// Up to [`CONTEXT_CHARS`] characters starting at byte `at`.
pub(crate) fn context_after(text: &str, at: usize) -> &str {
    let at = floor_char_boundary(text, at);
    let tail = &text[at..];
    let end = tail
        .char_indices()
        .nth(CONTEXT_CHARS)
        .map_or(tail.len(), |(i, _)| i);
    &tail[..end]
}

/// Converts byte offsets to character offsets and back in O(1)-ish time, so
/// re-anchoring hundreds of highlights in a multi-megabyte text does not
/// rescan it from the start for each one.
#[derive(Debug, Clone)]
pub struct CharIndex<'a> {
    text: &'a str,
    /// Byte offset of every `STRIDE`-th character; empty for ASCII text,
    /// where bytes and characters coincide.
    samples: Vec<usize>,
    chars: usize,
}

const STRIDE: usize = 256;

impl<'a> CharIndex<'a> {
    /// Scans the text once.
    pub fn new(text: &'a str) -> Self {
        if text.is_ascii() {
            return Self {
                text,
                samples: Vec::new(),
                chars: text.len(),
            };
        }
        let mut samples = Vec::with_capacity(text.len() / STRIDE + 1);
        let mut chars = 0;
        for (i, (byte, _)) in text.char_indices().enumerate() {
            if i % STRIDE == 0 {
                samples.push(byte);
            }
            chars = i + 1;
        }
        Self {
            text,
            samples,
            chars,
        }
    }

    /// Number of characters in the text: the offset of its end.
    pub fn len_chars(&self) -> CharOffset {
        CharOffset::new(self.chars)
    }

    /// Character offset of byte offset `byte` (rounded down to a boundary).
    pub fn char_of(&self, byte: usize) -> CharOffset {
        let byte = floor_char_boundary(self.text, byte);
        if self.samples.is_empty() {
            return CharOffset::new(byte);
        }
        let slot = self.samples.partition_point(|&b| b <= byte).max(1) - 1;
        let base = self.samples.get(slot).copied().unwrap_or(0);
        CharOffset::new(slot * STRIDE + self.text.get(base..byte).map_or(0, |s| s.chars().count()))
    }

    /// Byte offset of character offset `chars` (clamped to the text's end).
    pub fn byte_of(&self, chars: CharOffset) -> usize {
        let chars = chars.get();
        if chars >= self.chars {
            return self.text.len();
        }
        if self.samples.is_empty() {
            return chars;
        }
        let slot = chars / STRIDE;
        let base = self.samples.get(slot).copied().unwrap_or(0);
        let rest = &self.text[base..];
        rest.char_indices()
            .nth(chars - slot * STRIDE)
            .map_or(self.text.len(), |(i, _)| base + i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_range_keeps_quote_context_and_char_offsets() {
        let text = "Ça va? Le café est très bon, merci.";
        let start = text.find("café").unwrap();
        let end = start + "café".len();
        let a = Anchor::from_range(text, start..end);
        assert_eq!(a.quote, "café");
        assert_eq!(a.prefix, "Ça va? Le ");
        assert_eq!(a.suffix, " est très bon, merci.");
        assert_eq!(a.start, CharOffset::new(10));
        assert_eq!(a.end, CharOffset::new(14));
    }

    #[test]
    fn context_is_capped_at_32_chars() {
        let text = format!("{}QUOTE{}", "é".repeat(50), "ü".repeat(50));
        let start = text.find("QUOTE").unwrap();
        let a = Anchor::from_range(&text, start..start + 5);
        assert_eq!(a.prefix, "é".repeat(32));
        assert_eq!(a.suffix, "ü".repeat(32));
        assert_eq!(a.start, CharOffset::new(50));
    }

    #[test]
    fn bad_ranges_do_not_panic() {
        let text = "héllo";
        // Byte 2 is inside "é": moved down to its start.
        let a = Anchor::from_range(text, 2..100);
        assert_eq!(a.quote, "éllo");
        assert_eq!(a.start, CharOffset::new(1));
        let (start, end) = (4, 1);
        let b = Anchor::from_range(text, start..end);
        assert_eq!(b.quote, "");
    }

    #[test]
    fn fingerprint_is_sha256_hex() {
        assert_eq!(
            fingerprint("abc"),
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn char_index_round_trips() {
        let text: String = (0..2000)
            .map(|i| if i % 7 == 0 { 'ж' } else { 'a' })
            .collect();
        let index = CharIndex::new(&text);
        for (c, (b, _)) in text.char_indices().enumerate() {
            assert_eq!(index.char_of(b), CharOffset::new(c));
            assert_eq!(index.byte_of(CharOffset::new(c)), b);
        }
        assert_eq!(index.byte_of(index.len_chars()), text.len());
        assert_eq!(index.char_of(text.len()), index.len_chars());
    }
}
