//! The data kept for one article, exactly as it is written to TOML.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::document::CharOffset;

/// Bumped when the file layout changes incompatibly, so an old gloss can refuse
/// a newer file instead of damaging it. Version 2 added tombstones
/// (`[[deleted]]`): a gloss that knew nothing of them would delete a
/// highlight without leaving one, and a merge would bring it back. Version 1
/// files are read as they always were (no tombstones).
pub const SCHEMA_VERSION: u32 = 2;

/// Where a passage is in the canonical text, kept redundantly (quote, context,
/// offsets) so it can be found again after the text changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Anchor {
    /// The exact text highlighted.
    pub quote: String,
    /// Up to about 32 characters of text before the quote.
    #[serde(default)]
    pub prefix: String,
    /// Up to about 32 characters of text after the quote.
    #[serde(default)]
    pub suffix: String,
    /// Start, in characters (Unicode scalar values) of the canonical text.
    pub start: CharOffset,
    /// End (exclusive), in characters.
    pub end: CharOffset,
}

/// A highlight's stable identity: the ULID stored in its notes file (any
/// other non-empty text a file holds is kept as it is). The app names
/// highlights by it, never by their position in a list, so a save, a delete
/// or another window's change can never make a key act on the wrong one. On
/// disk it is the plain string it always was.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct HighlightId(String);

impl HighlightId {
    /// A new id, unique and sortable by creation time (a ULID).
    pub fn generate() -> Self {
        Self(ulid::Ulid::new().to_string())
    }

    /// The id as written in the notes file.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<String> for HighlightId {
    fn from(id: String) -> Self {
        Self(id)
    }
}

impl From<&str> for HighlightId {
    fn from(id: &str) -> Self {
        Self(id.to_string())
    }
}

impl std::fmt::Display for HighlightId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for HighlightId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for HighlightId {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for HighlightId {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for HighlightId {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl PartialEq<HighlightId> for String {
    fn eq(&self, other: &HighlightId) -> bool {
        *self == other.0
    }
}

impl PartialEq<HighlightId> for &str {
    fn eq(&self, other: &HighlightId) -> bool {
        *self == other.0
    }
}

/// One highlighted passage with its note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Highlight {
    /// Stable identity (a ULID), used to merge copies of the same highlight.
    pub id: HighlightId,
    /// When it was made.
    #[serde(deserialize_with = "super::datetime::deserialize")]
    pub created: DateTime<Utc>,
    /// When its note, colour, tags or anchor last changed; the newer copy wins a
    /// merge.
    #[serde(deserialize_with = "super::datetime::deserialize")]
    pub updated: DateTime<Utc>,
    /// A palette colour name ("yellow").
    pub color: String,
    /// Tags, from `#words` in the note.
    #[serde(default)]
    pub tags: Vec<String>,
    /// The note, possibly empty or many lines long.
    #[serde(default)]
    pub note: String,
    /// True when re-anchoring could not place it in the current text; the anchor
    /// is then the last one that fit.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub orphaned: bool,
    /// The id another tool (Hypothesis, a W3C annotation server) gave it,
    /// when it was imported from one: a second import of the same annotation,
    /// in whatever shape, updates this highlight instead of adding a copy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
    /// Where the passage is.
    pub anchor: Anchor,
}

/// The article a file belongs to, so annotations follow it when it moves.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleRecord {
    /// Title when last seen.
    #[serde(default)]
    pub title: String,
    /// Author when last seen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// Date as written when last seen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Absolute path when last seen.
    #[serde(default)]
    pub path: String,
    /// Hash of the article's text as read from its file, when last seen
    /// (`"sha256:<hex>"`): how notes find an article that moved.
    #[serde(default)]
    pub fingerprint: String,
    /// Whether the reader put the article away (`x` in the list), with the
    /// time it was set so copies of the notes merge newest-wins.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archived: Option<Stamped<bool>>,
}

/// Where the reader stopped: an offset plus a short quote so it survives a
/// change of width and an edit of the file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReadingPosition {
    /// Character offset of the first visible text.
    pub offset: CharOffset,
    /// A few words of text starting at `offset`.
    #[serde(default)]
    pub quote: String,
    /// Fraction of the article read, 0.0 to 1.0, for the list pane.
    #[serde(default)]
    pub progress: f64,
    /// When it was saved; the newer one wins a merge.
    #[serde(deserialize_with = "super::datetime::deserialize")]
    pub updated: DateTime<Utc>,
}

/// What is left of a deleted highlight: its id and when it was deleted, so a
/// merge with a copy made before the deletion does not bring it back. Kept
/// until it is older than `[sync] tombstone_days`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tombstone {
    /// The deleted highlight's id.
    pub id: HighlightId,
    /// When it was deleted, on the same clock as [`Highlight::updated`]: never
    /// earlier than the version it deleted, so it wins over that version and
    /// every older one, and loses to a change made after it.
    #[serde(deserialize_with = "super::datetime::deserialize")]
    pub deleted: DateTime<Utc>,
}

/// A value with the time it was last set, for a field of an article that
/// merges on its own (newest wins) rather than with the whole record: two
/// machines that change two different such fields both keep their change.
/// Written as `{ value = ..., updated = "..." }`; any table in `[article]`
/// with an `updated` time merges this way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamped<T> {
    /// The value.
    pub value: T,
    /// When it was set.
    #[serde(deserialize_with = "super::datetime::deserialize")]
    pub updated: DateTime<Utc>,
}

impl<T> Stamped<T> {
    /// `value`, set at `updated`.
    pub fn new(value: T, updated: DateTime<Utc>) -> Self {
        Self { value, updated }
    }

    /// The newer of two optional stamped values (`a` on a tie).
    pub fn newest(a: Option<Self>, b: Option<Self>) -> Option<Self> {
        match (a, b) {
            (Some(a), Some(b)) => Some(if b.updated > a.updated { b } else { a }),
            (a, b) => a.or(b),
        }
    }
}

/// Everything stored for one article: the whole content of one TOML file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnnotationFile {
    /// [`SCHEMA_VERSION`] when written.
    pub version: u32,
    /// The article.
    pub article: ArticleRecord,
    /// The reading position, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<ReadingPosition>,
    /// Highlights in document order.
    #[serde(default, rename = "highlight")]
    pub highlights: Vec<Highlight>,
}
