//! Parsing source text into blocks, a segment at a time.
// STUB: a minimal non-lazy parser so other layers can be built; replaced by the
// document work.

use super::{Block, BlockKind, Container, Document, Format, Metadata, ParseOptions, sanitize};

#[derive(Debug, Clone, Default)]
pub(super) struct Pending {
    rest: Vec<String>,
    total: usize,
}

impl Pending {
    pub(super) fn is_done(&self) -> bool {
        self.rest.is_empty()
    }
    pub(super) fn fraction(&self) -> f64 {
        if self.total == 0 {
            1.0
        } else {
            1.0 - self.rest.len() as f64 / self.total as f64
        }
    }
}

pub(super) fn start(source: &str, _format: Format, _options: ParseOptions) -> Document {
    let mut rest: Vec<String> = source
        .split("\n\n")
        .map(|p| p.trim().replace('\n', " "))
        .filter(|p| !p.is_empty())
        .collect();
    rest.reverse();
    let title = rest.last().map(|t| t.trim_start_matches('#').trim().to_string());
    let total = rest.len();
    Document {
        text: String::new(),
        blocks: Vec::new(),
        links: Vec::new(),
        meta: Metadata {
            title,
            ..Metadata::default()
        },
        pending: Pending { rest, total },
    }
}

pub(super) fn more(doc: &mut Document, budget: usize) -> bool {
    let mut used = 0;
    let mut added = false;
    while used < budget {
        let Some(p) = doc.pending.rest.pop() else { break };
        used += p.len();
        let (kind, body) = match p.strip_prefix("# ") {
            Some(h) => (BlockKind::Heading(1), h.to_string()),
            None => (BlockKind::Paragraph, p),
        };
        if !doc.text.is_empty() {
            doc.text.push_str("\n\n");
        }
        let start = doc.text.len();
        doc.text.push_str(&sanitize(&body));
        doc.blocks.push(Block {
            kind,
            range: start..doc.text.len(),
            spans: Vec::new(),
            container: Container::default(),
        });
        added = true;
    }
    added
}
