//! Annotations: highlights with notes and tags, anchored to an article's
//! canonical text so they survive edits and moves, stored as one TOML file per
//! article under the data directory.
//!
//! Ranges passed to and returned by this module's functions are BYTE ranges of
//! the canonical text ([`crate::document::Document::text`]); the offsets
//! stored in an [`Anchor`] are CHARACTER offsets.

mod anchor;
mod datetime;
mod format;
mod fuzzy;
mod model;
mod reanchor;
mod store;

pub use anchor::{CharIndex, fingerprint};
pub use model::{
    Anchor, AnnotationFile, ArticleRecord, Highlight, ReadingPosition, SCHEMA_VERSION,
};
pub use reanchor::{
    Locator, MIN_FUZZY_CHARS, Placement, PlacementKind, ReanchorReport, locate, reanchor_all,
    reanchor_with,
};
pub use store::{Corrupt, Found, Index, IndexEntry, MatchedBy, Op, Saved, Store, StoreError};
