//! Annotations: highlights with notes and tags, anchored to an article's
//! canonical text so they survive edits and moves, stored as one TOML file per
//! article under the data directory.
//!
//! Ranges passed to and returned by this module's functions are BYTE ranges of
//! the canonical text ([`crate::document::Document::text`]); the offsets
//! stored in an [`Anchor`] are CHARACTER offsets.

mod anchor;
mod conflicts;
mod datetime;
mod disk;
mod format;
mod fuzzy;
pub mod library_notes;
mod merge;
mod model;
mod path_text;
mod placement;
mod quote_index;
mod reanchor;
mod repair;
mod store;
mod summaries;
mod sync;
#[doc(hidden)]
pub mod testing;

pub use anchor::{CharIndex, fingerprint};
pub use conflicts::{
    ConflictReport, MergeFailure, is_conflict_copy, merge_notes_files, original_of,
};
pub use disk::{Disk, RealDisk, ReplaceError, lock_file, replace_file, sync_files, sync_folder};
pub use model::{
    Anchor, AnnotationFile, ArticleRecord, Highlight, HighlightId, ReadingPosition, SCHEMA_VERSION,
    Stamped, Tombstone,
};
pub use path_text::{display_path, path_to_text, text_to_path};
pub use placement::{Placed, ReanchorReport, Settled, locate, reanchor_all, reanchor_with};
pub use reanchor::{Locator, MIN_FUZZY_CHARS, Orphan, PlacementKind, QuoteSelector};
pub use repair::{Repairs, distinct_ids};
pub use store::{
    BatchLock, Corrupt, DEFAULT_TOMBSTONE_DAYS, Fold, Found, Index, IndexCheck, IndexEntry,
    Located, Lookup, MatchedBy, Op, PENDING_FROM_BYTES, PENDING_SUFFIX, ReadNotes, STAGED_SUFFIX,
    Saved, Staged, Store, StoreError, pending_of,
};
