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
    /// Where the text came from: each entry is an offset in `text` and the
    /// source byte range (of the whole document) of the text from there on
    /// (see [`super::source_map`]).
    pub source: Vec<(usize, Range<usize>)>,
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
            source: Vec::new(),
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
        self.source.retain(|(at, _)| *at < len);
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
        self.source.retain(|(at, _)| *at < len);
    }

    /// Makes the bare web addresses in the block's text links (as GitHub
    /// does, and as a plain-text file means them), outside code and outside
    /// the links it already has, so `o` and the link list follow them.
    pub fn link_bare_urls(&mut self) {
        if matches!(self.kind, BlockKind::Code { .. }) || !self.text.contains("://") {
            return;
        }
        let taken = |r: &Range<usize>,
                     spans: &[(Range<usize>, SpanStyle)],
                     links: &[(Range<usize>, String)]| {
            links
                .iter()
                .any(|(l, _)| l.start < r.end && r.start < l.end)
                || spans
                    .iter()
                    .any(|(s, style)| style.code && s.start < r.end && r.start < s.end)
        };
        let found: Vec<Range<usize>> = super::urls::addresses(&self.text)
            .filter(|r| super::urls::is_web(&self.text[r.clone()]))
            .filter(|r| !taken(r, &self.spans, &self.links))
            .collect();
        if found.is_empty() {
            return;
        }
        for r in &found {
            self.links
                .push((r.clone(), self.text[r.clone()].to_string()));
        }
        self.links.sort_by_key(|(r, _)| r.start);
        self.spans = with_link_style(&self.spans, &found);
    }

    /// Records that text appended from now on comes from `range` of the
    /// source, unless the last record already says so.
    pub fn mark_source(&mut self, range: Range<usize>) {
        let at = self.text.len();
        match self.source.last_mut() {
            Some((_, last)) if *last == range => {}
            Some((last_at, last)) if *last_at == at => *last = range,
            // A run whose text is as long as its source, followed by the
            // source right after it (a line, then its line break): one run,
            // so a long article keeps few records.
            Some((last_at, last))
                if last.end == range.start && at - *last_at == last.end - last.start =>
            {
                last.end = range.end;
            }
            _ => self.source.push((at, range)),
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
        self.source
            .extend(next.source.into_iter().map(|(at, r)| (at + shift, r)));
    }
}

/// `spans` with the link style added over `ranges` (sorted, apart):
/// spans split where a range starts or ends inside them.
fn with_link_style(
    spans: &[(Range<usize>, SpanStyle)],
    ranges: &[Range<usize>],
) -> Vec<(Range<usize>, SpanStyle)> {
    let mut cuts: Vec<usize> = spans
        .iter()
        .flat_map(|(r, _)| [r.start, r.end])
        .chain(ranges.iter().flat_map(|r| [r.start, r.end]))
        .collect();
    cuts.sort_unstable();
    cuts.dedup();
    let mut out: Vec<(Range<usize>, SpanStyle)> = Vec::new();
    for w in cuts.windows(2) {
        let (start, end) = (w[0], w[1]);
        let mut style = spans
            .iter()
            .find(|(r, _)| r.start <= start && end <= r.end)
            .map(|(_, s)| *s)
            .unwrap_or_default();
        if ranges.iter().any(|r| r.start <= start && end <= r.end) {
            style.link = true;
        }
        if style.is_plain() {
            continue;
        }
        match out.last_mut() {
            Some((last, last_style)) if last.end == start && *last_style == style => last.end = end,
            _ => out.push((start..end, style)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bare_url_becomes_a_link_outside_code_and_existing_links() {
        let mut p = Piece::new(BlockKind::Paragraph, Container::default());
        let code = SpanStyle {
            code: true,
            ..SpanStyle::default()
        };
        let strong = SpanStyle {
            strong: true,
            ..SpanStyle::default()
        };
        p.push_styled("Read ", SpanStyle::default());
        p.push_styled("bold https://a.example/x", strong);
        p.push_styled(" or ", SpanStyle::default());
        p.push_styled("https://code.example", code);
        p.link_bare_urls();
        assert_eq!(
            p.links,
            [(10..29, "https://a.example/x".to_string())],
            "code is not linked"
        );
        let styles: Vec<(&str, bool, bool)> = p
            .spans
            .iter()
            .map(|(r, s)| (&p.text[r.clone()], s.strong, s.link))
            .collect();
        assert_eq!(
            styles,
            [
                ("bold ", true, false),
                ("https://a.example/x", true, true),
                ("https://code.example", false, false)
            ]
        );
        let mut block = Piece::new(
            BlockKind::Code {
                lang: String::new(),
            },
            Container::default(),
        );
        block.push_styled("curl https://a.example", SpanStyle::default());
        block.link_bare_urls();
        assert!(block.links.is_empty());
    }
}
