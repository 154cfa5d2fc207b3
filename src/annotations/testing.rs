//! One builder for highlights in tests (unit tests here and the integration
//! tests under `tests/`), so every test counts offsets the same way: an
//! anchor is given by its quote and its start as a [`CharOffset`] (the
//! stored unit, which a byte offset cannot be passed as), or made from a
//! byte range of a text by [`Anchor::from_range`]. Not for the app: it
//! builds fixed times and ids.

use std::ops::Range;

use chrono::{DateTime, Utc};

use super::{Anchor, Highlight};
pub use crate::document::CharOffset;

/// A highlight being built; [`highlight`] starts one.
#[derive(Debug, Clone)]
pub struct HighlightBuilder(Highlight);

/// A yellow highlight `id` made and updated at 2024-01-01T00:00:00Z, with no
/// note or tags, quoting "q" at character 0 with no context.
pub fn highlight(id: &str) -> HighlightBuilder {
    let time = DateTime::<Utc>::from_timestamp(1_704_067_200, 0).unwrap_or_default();
    HighlightBuilder(Highlight {
        id: id.into(),
        created: time,
        updated: time,
        color: "yellow".to_string(),
        tags: Vec::new(),
        note: String::new(),
        orphaned: false,
        via: None,
        anchor: Anchor {
            quote: "q".to_string(),
            prefix: String::new(),
            suffix: String::new(),
            start: CharOffset::ZERO,
            end: CharOffset::new(1),
        },
    })
}

impl HighlightBuilder {
    /// Quotes `quote` starting at character `start`, with no context; the
    /// end is counted in characters too.
    pub fn quote_at(mut self, quote: &str, start: CharOffset) -> Self {
        self.0.anchor = Anchor {
            quote: quote.to_string(),
            prefix: String::new(),
            suffix: String::new(),
            start,
            end: start.plus(quote.chars().count()),
        };
        self
    }

    /// Marks the bytes `range` of `text`, with the context and character
    /// offsets the app would store.
    pub fn range_of(mut self, text: &str, range: Range<usize>) -> Self {
        self.0.anchor = Anchor::from_range(text, range);
        self
    }

    /// Marks the first copy of `quote` in `text` (as [`Self::range_of`]);
    /// a quote not in the text is quoted at character 0 without context.
    pub fn first_of(self, text: &str, quote: &str) -> Self {
        match text.find(quote) {
            Some(at) => self.range_of(text, at..at + quote.len()),
            None => self.quote_at(quote, CharOffset::ZERO),
        }
    }

    /// Uses `anchor` as it is.
    pub fn anchor(mut self, anchor: Anchor) -> Self {
        self.0.anchor = anchor;
        self
    }

    /// Made and last updated at `time` (RFC 3339). A test's literal that
    /// does not parse fails the test loudly.
    #[allow(clippy::expect_used)]
    pub fn at(mut self, time: &str) -> Self {
        let time = DateTime::parse_from_rfc3339(time)
            .expect("an RFC 3339 time in a test")
            .with_timezone(&Utc);
        self.0.created = time;
        self.0.updated = time;
        self
    }

    /// Made and last updated at `time` (a test that needs the clock: now,
    /// or another machine's skewed clock).
    pub fn made_at(mut self, time: DateTime<Utc>) -> Self {
        self.0.created = time;
        self.0.updated = time;
        self
    }

    /// The stored context on each side of the quote.
    pub fn context(mut self, prefix: &str, suffix: &str) -> Self {
        self.0.anchor.prefix = prefix.to_string();
        self.0.anchor.suffix = suffix.to_string();
        self
    }

    /// Last updated at `time` (RFC 3339), keeping when it was made.
    #[allow(clippy::expect_used)]
    pub fn updated(mut self, time: &str) -> Self {
        self.0.updated = DateTime::parse_from_rfc3339(time)
            .expect("an RFC 3339 time in a test")
            .with_timezone(&Utc);
        self
    }

    /// Its colour.
    pub fn color(mut self, color: &str) -> Self {
        self.0.color = color.to_string();
        self
    }

    /// Its tags.
    pub fn tags(mut self, tags: &[&str]) -> Self {
        self.0.tags = tags.iter().map(|t| (*t).to_string()).collect();
        self
    }

    /// Its note.
    pub fn note(mut self, note: &str) -> Self {
        self.0.note = note.to_string();
        self
    }

    /// Marked orphaned (or not).
    pub fn orphaned(mut self, orphaned: bool) -> Self {
        self.0.orphaned = orphaned;
        self
    }

    /// The highlight.
    pub fn build(self) -> Highlight {
        self.0
    }
}

/// A long repetitive text of a few words and numbered markers, deterministic,
/// so the placement tests and the `placement` bench search the same kind of
/// text (many near-identical contexts) at the size each needs.
pub fn repetitive_text(len: usize) -> String {
    let words = [
        "lorem ",
        "ipsum ",
        "dolor ",
        "sit ",
        "amet ",
        "consectetur ",
    ];
    let mut text = String::new();
    let mut i = 0u64;
    while text.len() < len {
        i = i
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        text.push_str(words[(i >> 60) as usize % words.len()]);
        if i.is_multiple_of(13) {
            text.push_str(&format!("marker{} ", i % 100_000));
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_are_characters_whichever_way_the_anchor_is_given() {
        let text = "Caf\u{e9} au lait, s'il vous pla\u{ee}t.";
        let by_chars = highlight("a")
            .quote_at("au lait", CharOffset::new(5))
            .build();
        let by_text = highlight("a").first_of(text, "au lait").build();
        assert_eq!(
            (by_chars.anchor.start, by_chars.anchor.end),
            (by_text.anchor.start, by_text.anchor.end)
        );
        assert_eq!(
            (by_text.anchor.start.get(), by_text.anchor.end.get()),
            (5, 12)
        );
        let dated = highlight("a").at("2024-05-01T10:00:00Z").build();
        assert_eq!(dated.created, dated.updated);
    }
}
