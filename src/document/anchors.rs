//! Named places in a document, so an in-document link (`#install`, a footnote
//! reference) can be followed to the text it names.

use super::{BlockKind, Document};
use std::collections::HashMap;

/// A named place: `<a id="x">`, a footnote definition, or any other target an
/// in-document link may name. Headings are not stored here; their names are
/// derived from their text by [`heading_slug`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    /// The name a link uses after `#`.
    pub name: String,
    /// Byte offset in the canonical text where the place starts.
    pub offset: usize,
}

/// The anchor name a heading gets on GitHub and in most Markdown renderers:
/// lower case, punctuation dropped (but `-` and `_` kept), spaces as `-`. Lets a
/// `[see](#getting-started)` link written for those renderers lead somewhere.
pub fn heading_slug(text: &str) -> String {
    text.trim()
        .chars()
        .flat_map(char::to_lowercase)
        .filter_map(|c| match c {
            ' ' => Some('-'),
            '-' | '_' => Some(c),
            c if c.is_alphanumeric() => Some(c),
            _ => None,
        })
        .collect()
}

/// The offset of the heading whose slug is `name`; a repeated heading's later
/// copies answer to `name-1`, `name-2`, ... as on GitHub.
pub(super) fn find_heading(doc: &Document, name: &str) -> Option<usize> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    for block in doc.blocks() {
        if !matches!(block.kind, BlockKind::Heading(_)) {
            continue;
        }
        let base = heading_slug(doc.slice(block.range.clone()));
        let count = seen.entry(base.clone()).or_insert(0);
        let slug = if *count == 0 {
            base
        } else {
            format!("{base}-{count}")
        };
        *count += 1;
        if slug == name {
            return Some(block.range.start);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Format, ParseOptions};

    #[test]
    fn slugs_follow_githubs_rule() {
        assert_eq!(heading_slug("Getting Started"), "getting-started");
        assert_eq!(heading_slug("What's new in v1.2?"), "whats-new-in-v12");
        assert_eq!(
            heading_slug("  snake_case and-dash "),
            "snake_case-and-dash"
        );
        assert_eq!(heading_slug("Überblick"), "überblick");
    }

    #[test]
    fn headings_and_repeats_are_found() {
        let src = "# Title\n\nText.\n\n## Usage\n\nOne.\n\n## Usage\n\nTwo.\n";
        let doc = Document::parse_complete(src, Format::Markdown, ParseOptions::default());
        let first = doc.find_anchor("#usage").unwrap();
        let second = doc.find_anchor("usage-1").unwrap();
        assert!(doc.text()[first..].starts_with("Usage"));
        assert!(second > first && doc.text()[second..].starts_with("Usage"));
        assert_eq!(doc.find_anchor("missing"), None);
    }
}
