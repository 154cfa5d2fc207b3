//! Footnotes across a document parsed a segment at a time.
//!
//! A reference `[^1]` and its definition `[^1]: ...` usually sit in different
//! segments, and pulldown-cmark (GitHub's rules) only reads `[^1]` as a
//! reference when it knows the definition. So the labels defined anywhere are
//! found once by a scan of the source, and a segment that mentions one is
//! parsed with a stand-in definition appended (its events are dropped).
//!
//! References are numbered in the order they are first met, as GitHub does,
//! and shown as `[1]`; each links to `#fn-LABEL` and is itself the place
//! `#fnref-LABEL`. Definitions are taken out of the flow and gathered at the
//! end of the document, after a rule, each shown as a list item marked `[1]`,
//! named `fn-LABEL` and ending in a `↩` link back to its first reference.

use super::piece::Piece;
use super::{BlockKind, Container, SpanStyle};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, OnceLock};

/// The style of footnote markers and back links: they are links.
pub(super) const MARK: SpanStyle = SpanStyle {
    emphasis: false,
    strong: false,
    code: false,
    link: true,
    strike: false,
    mark: false,
};

/// The name a label gets in anchors and links: case folded (labels match
/// without regard to case) and white space as `-`.
pub(super) fn key(label: &str) -> String {
    label
        .split_whitespace()
        .collect::<Vec<_>>()
        .join("-")
        .to_lowercase()
}

/// The label of a definition line (`[^label]:` after optional indentation or
/// quote marks), if the line is one.
fn defined_label(line: &str) -> Option<&str> {
    let rest = line.trim_start_matches([' ', '\t', '>']);
    let rest = rest.strip_prefix("[^")?;
    let end = rest.find("]:")?;
    let label = rest.get(..end)?;
    (!label.is_empty() && !label.contains(['[', ']'])).then_some(label)
}

/// The keys of every label defined in a source, found by a scan of the
/// whole source the first time a segment mentions a footnote (an article
/// without footnotes, and the first screen of one, never pays for it).
#[derive(Debug, Default)]
struct Defined {
    source: Option<Arc<String>>,
    keys: OnceLock<HashSet<String>>,
}

impl Defined {
    fn keys(&self) -> &HashSet<String> {
        self.keys.get_or_init(|| match &self.source {
            Some(source) if source.contains("[^") => {
                source.lines().filter_map(defined_label).map(key).collect()
            }
            _ => HashSet::new(),
        })
    }
}

/// Footnote state shared by every segment of one document.
#[derive(Debug, Clone, Default)]
pub(super) struct Footnotes {
    /// Keys of every label defined in the source (shared by the copies of
    /// a document and its provisional tail, so the source is scanned once).
    defined: Arc<Defined>,
    /// The number each referenced key is shown with.
    numbers: HashMap<String, usize>,
    /// How many references each key has had.
    refs: HashMap<String, usize>,
    /// Definitions taken out of the flow: key and blocks, in source order.
    definitions: Vec<(String, Vec<Piece>)>,
}

impl Footnotes {
    /// The footnotes of `source`, whose definition lines are looked for
    /// when a segment first mentions a footnote.
    pub(super) fn of(source: Arc<String>) -> Self {
        Self {
            defined: Arc::new(Defined {
                source: Some(source),
                keys: OnceLock::new(),
            }),
            ..Self::default()
        }
    }

    /// Fresh numbering over the same source, sharing the labels found (for
    /// a provisional parse of the source's end).
    pub(super) fn restart(&self) -> Self {
        Self {
            defined: Arc::clone(&self.defined),
            ..Self::default()
        }
    }

    /// `segment` with a stand-in definition appended for each defined label it
    /// mentions, so pulldown-cmark reads the references; events from past
    /// `segment.len()` come from the stand-ins and are dropped.
    pub(super) fn with_stand_ins<'a>(&self, segment: &'a str) -> Cow<'a, str> {
        if !segment.contains("[^") || self.defined.keys().is_empty() {
            return Cow::Borrowed(segment);
        }
        let defined = self.defined.keys();
        let mut labels: Vec<&str> = Vec::new();
        let mut keys: HashSet<String> = HashSet::new();
        for (at, _) in segment.match_indices("[^") {
            let rest = segment.get(at + 2..).unwrap_or("");
            let Some(end) = rest.find(']') else { continue };
            let label = rest.get(..end).unwrap_or("");
            if label.is_empty() || label.contains(['\n', '[']) {
                continue;
            }
            let key = key(label);
            if defined.contains(&key) && keys.insert(key) {
                labels.push(label);
            }
        }
        if labels.is_empty() {
            return Cow::Borrowed(segment);
        }
        let mut out = String::with_capacity(segment.len() + 16 * labels.len());
        out.push_str(segment);
        for label in labels {
            out.push_str("\n\n[^");
            out.push_str(label);
            out.push_str("]: .");
        }
        Cow::Owned(out)
    }

    /// A reference to `label`: its number, the anchor it is (`fnref-KEY`, then
    /// `fnref-KEY-2`...) and the link target of its definition.
    pub(super) fn reference(&mut self, label: &str) -> (usize, String, String) {
        let key = key(label);
        let next = self.numbers.len() + 1;
        let number = *self.numbers.entry(key.clone()).or_insert(next);
        let count = self.refs.entry(key.clone()).or_insert(0);
        *count += 1;
        let anchor = if *count == 1 {
            format!("fnref-{key}")
        } else {
            format!("fnref-{key}-{count}")
        };
        (number, anchor, format!("#fn-{key}"))
    }

    /// Keeps a definition's blocks for the end of the document.
    pub(super) fn define(&mut self, label: &str, pieces: Vec<Piece>) {
        self.definitions.push((key(label), pieces));
    }

    /// The gathered definitions as blocks for the end of the document: a rule,
    /// then each definition in reference order (unreferenced ones last), as a
    /// list item marked `[n]`, named `fn-KEY`, with a `↩` link back to the
    /// first reference. Empty when the document defined none.
    pub(super) fn finish(&mut self) -> Vec<Piece> {
        let mut definitions = std::mem::take(&mut self.definitions);
        if definitions.is_empty() {
            return Vec::new();
        }
        for (key, _) in &definitions {
            let next = self.numbers.len() + 1;
            self.numbers.entry(key.clone()).or_insert(next);
        }
        definitions.sort_by_key(|(key, _)| self.numbers.get(key).copied().unwrap_or(usize::MAX));
        let mut out = vec![Piece::new(BlockKind::Rule, Container::default())];
        for (key, mut pieces) in definitions {
            let number = self.numbers.get(&key).copied().unwrap_or(0);
            let referenced = self.refs.contains_key(&key);
            let needs_line = pieces
                .last()
                .is_none_or(|p| !matches!(p.kind, BlockKind::Paragraph | BlockKind::Heading(_)));
            if needs_line {
                pieces.push(Piece::new(BlockKind::Paragraph, Container::default()));
            }
            if referenced && let Some(last) = pieces.last_mut() {
                if !last.text.is_empty() {
                    last.push_styled(" ", SpanStyle::default());
                }
                let at = last.text.len();
                last.push_styled("↩", MARK);
                last.links
                    .push((at..last.text.len(), format!("#fnref-{key}")));
            }
            for piece in &mut pieces {
                piece.container.list_depth = piece.container.list_depth.saturating_add(1);
                piece.joinable = false;
            }
            if let Some(first) = pieces.first_mut() {
                first.anchors.insert(0, (0, format!("fn-{key}")));
                if first.container.marker.is_none() {
                    first.container.marker = Some(format!("[{number}]"));
                }
            }
            out.extend(pieces.into_iter().filter(|p| {
                !p.text.is_empty() || p.kind != BlockKind::Paragraph || !p.anchors.is_empty()
            }));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn definition_lines_are_found_by_label() {
        let notes = Footnotes::of(Arc::new(
            "x [^a]\n\n[^a]: one\n  [^Big Note]: two\n> [^q]: three\nno [^b] here\n".into(),
        ));
        let mut keys: Vec<_> = notes.defined.keys().iter().cloned().collect();
        keys.sort();
        assert_eq!(keys, ["a", "big-note", "q"]);
        assert!(
            Footnotes::of(Arc::new("no notes".into()))
                .defined
                .keys()
                .is_empty()
        );
    }

    #[test]
    fn stand_ins_only_for_defined_labels_mentioned() {
        let notes = Footnotes::of(Arc::new("[^a]: x\n[^b]: y\n".into()));
        assert_eq!(notes.with_stand_ins("plain"), "plain");
        assert_eq!(notes.with_stand_ins("see [^c]"), "see [^c]");
        assert_eq!(
            notes.with_stand_ins("see [^A] and [^a] and [^b]"),
            "see [^A] and [^a] and [^b]\n\n[^A]: .\n\n[^b]: ."
        );
    }

    #[test]
    fn references_are_numbered_by_first_use() {
        let mut notes = Footnotes::default();
        assert_eq!(notes.reference("b"), (1, "fnref-b".into(), "#fn-b".into()));
        assert_eq!(notes.reference("a").0, 2);
        assert_eq!(
            notes.reference("B"),
            (1, "fnref-b-2".into(), "#fn-b".into())
        );
    }

    #[test]
    fn definitions_come_out_in_reference_order_with_marks_and_back_links() {
        let mut notes = Footnotes::default();
        notes.reference("second");
        notes.reference("first");
        let para = |t: &str| {
            let mut p = Piece::new(BlockKind::Paragraph, Container::default());
            p.push_styled(t, SpanStyle::default());
            p
        };
        notes.define("first", vec![para("One.")]);
        notes.define("unused", vec![para("Three.")]);
        notes.define("second", vec![para("Two.")]);
        let out = notes.finish();
        let texts: Vec<_> = out.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(texts, ["", "Two. ↩", "One. ↩", "Three."]);
        assert_eq!(out[0].kind, BlockKind::Rule);
        assert_eq!(out[1].container.marker.as_deref(), Some("[1]"));
        assert_eq!(out[3].container.marker.as_deref(), Some("[3]"));
        assert_eq!(out[1].anchors, [(0, "fn-second".to_string())]);
        assert_eq!(out[1].links, [(5..8, "#fnref-second".to_string())]);
        assert!(notes.finish().is_empty());
    }
}
