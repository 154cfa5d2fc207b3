//! Annotations: highlights with notes and tags, anchored to an article's
//! canonical text so they survive edits and moves, stored as one TOML file per
//! article under the data directory.

mod model;

pub use model::{Anchor, AnnotationFile, ArticleRecord, Highlight, ReadingPosition, SCHEMA_VERSION};
