//! Splitting source text into independently parsable segments.
// STUB: replaced by the document work.
