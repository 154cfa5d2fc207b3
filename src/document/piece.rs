//! A block parsed from one segment but not yet placed in the canonical text.
//!
//! Page-break repair must look one block ahead before a paragraph's final text
//! is known, so blocks are built with offsets relative to their own text and are
//! only given document offsets when committed.

use super::{BlockKind, Container, SpanStyle};
use std::ops::Range;

/// A block with its own text; spans and links are relative to `text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Piece {
    pub kind: BlockKind,
    pub container: Container,
    pub text: String,
    pub spans: Vec<(Range<usize>, SpanStyle)>,
    pub links: Vec<(Range<usize>, String)>,
    /// Named places inside the block (`<a id>`, footnote definitions): offset
    /// relative to `text` and the name an in-document link uses.
    pub anchors: Vec<(usize, String)>,
    /// True for top-level body paragraphs, the only blocks page-break repair may
    /// join (not titles, bylines, HTML, quotes or list items).
    pub joinable: bool,
    /// True when the block's source ran over several lines: its author wrapped
    /// it by hand, so the blank line after it is meant (page-break repair
    /// never joins it to what follows).
    pub wrapped: bool,
}

impl Piece {
    /// An empty block of `kind` inside `container`.
    pub fn new(kind: BlockKind, container: Container) -> Self {
        Self {
            kind,
            container,
            text: String::new(),
            spans: Vec::new(),
            links: Vec::new(),
            anchors: Vec::new(),
            joinable: false,
            wrapped: false,
        }
    }

    /// Appends already sanitized text with a style, merging with the previous
    /// span when the style continues.
    pub fn push_styled(&mut self, text: &str, style: SpanStyle) {
        let start = self.text.len();
        self.text.push_str(text);
        let end = self.text.len();
        if style.is_plain() || start == end {
            return;
        }
        if let Some((last, last_style)) = self.spans.last_mut()
            && last.end == start
            && *last_style == style
        {
            last.end = end;
            return;
        }
        self.spans.push((start..end, style));
    }

    /// Cuts the text back to `len` bytes (a char boundary), dropping or
    /// clipping what lay beyond: an image marker rewritten once its alt text
    /// turns out empty.
    pub fn truncate(&mut self, len: usize) {
        if len >= self.text.len() || !self.text.is_char_boundary(len) {
            return;
        }
        self.text.truncate(len);
        self.spans.retain_mut(|(r, _)| {
            r.end = r.end.min(len);
            r.start < r.end
        });
        self.links.retain(|(r, _)| r.start < len);
        for (r, _) in &mut self.links {
            r.end = r.end.min(len);
        }
        for (at, _) in &mut self.anchors {
            *at = (*at).min(len);
        }
    }

    /// Drops trailing newlines (code and HTML blocks end with one per line),
    /// clipping spans and links that reached into them.
    pub fn trim_trailing_newlines(&mut self) {
        let len = self.text.trim_end_matches('\n').len();
        self.text.truncate(len);
        self.spans.retain_mut(|(r, _)| {
            r.end = r.end.min(len);
            r.start < r.end
        });
        for (r, _) in &mut self.links {
            r.end = r.end.min(len);
            r.start = r.start.min(r.end);
        }
        for (at, _) in &mut self.anchors {
            *at = (*at).min(len);
        }
    }

    /// Appends `next` after a space: the repair of a paragraph split by a page
    /// break.
    pub fn join(&mut self, next: Piece) {
        self.wrapped |= next.wrapped;
        self.text.push(' ');
        let shift = self.text.len();
        self.text.push_str(&next.text);
        self.spans.extend(
            next.spans
                .into_iter()
                .map(|(r, s)| (r.start + shift..r.end + shift, s)),
        );
        self.links.extend(
            next.links
                .into_iter()
                .map(|(r, u)| (r.start + shift..r.end + shift, u)),
        );
        self.anchors.extend(
            next.anchors
                .into_iter()
                .map(|(at, name)| (at + shift, name)),
        );
    }
}
