//! The headings of the open article, found as it is parsed, and the path of
//! sections that holds a place in it (`Version 1.95 > Language`).

use crate::app::list::ArticleId;
use crate::document::{BlockKind, Document};
use crate::text::one_line;

/// One heading of the article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// Its level, 1 to 6.
    pub level: u8,
    /// Its text on one line, with control characters as placeholders (it is
    /// drawn as it is).
    pub text: String,
    /// Byte offset of its text in the document.
    pub offset: usize,
    /// The nearest heading before it with a lower level: the section it is
    /// part of.
    pub parent: Option<usize>,
}

/// The headings of the open article found so far, in document order. Blocks
/// are only ever appended as parsing goes on, so each refresh looks at the new
/// blocks alone.
#[derive(Debug, Clone, Default)]
pub struct Headings {
    article: Option<ArticleId>,
    /// How many of the document's blocks have been looked at.
    scanned: usize,
    /// Where the document's text ended when last looked at: a different
    /// document for the same article (a reload) is noticed by it shrinking.
    text_len: usize,
    /// The headings, in document order.
    pub entries: Vec<Heading>,
    /// The headings enclosing the last one seen, outermost first.
    open: Vec<usize>,
    /// How many headings there are of each level (index 1 to 6).
    per_level: [usize; 7],
}

impl Headings {
    /// Brings the index up to date with `doc`, the document of `article`.
    pub fn refresh(&mut self, article: ArticleId, doc: &Document) {
        let blocks = doc.blocks();
        let same = self.article == Some(article)
            && self.scanned <= blocks.len()
            && self.text_len <= doc.text().len();
        if !same {
            *self = Headings {
                article: Some(article),
                ..Headings::default()
            };
        }
        for block in blocks.iter().skip(self.scanned) {
            let BlockKind::Heading(level) = block.kind else {
                continue;
            };
            let text = one_line(doc.slice(block.range.clone()));
            if text.is_empty() {
                continue;
            }
            while self
                .open
                .last()
                .is_some_and(|&i| self.entries.get(i).is_some_and(|h| h.level >= level))
            {
                self.open.pop();
            }
            let parent = self.open.last().copied();
            self.open.push(self.entries.len());
            if let Some(n) = self.per_level.get_mut(usize::from(level)) {
                *n += 1;
            }
            self.entries.push(Heading {
                level,
                text,
                offset: block.range.start,
                parent,
            });
        }
        self.scanned = blocks.len();
        self.text_len = doc.text().len();
    }

    /// Forgets everything (no article is open, or a new one is).
    pub fn clear(&mut self) {
        *self = Headings::default();
    }

    /// The heading whose section holds `offset`: the last one at or before it.
    pub fn at(&self, offset: usize) -> Option<usize> {
        self.entries
            .partition_point(|h| h.offset <= offset)
            .checked_sub(1)
    }

    /// The first heading after `offset`.
    pub fn after(&self, offset: usize) -> Option<usize> {
        let i = self.entries.partition_point(|h| h.offset <= offset);
        (i < self.entries.len()).then_some(i)
    }

    /// The last heading before `offset`.
    pub fn before(&self, offset: usize) -> Option<usize> {
        self.entries
            .partition_point(|h| h.offset < offset)
            .checked_sub(1)
    }

    /// Heading `i` and the headings enclosing it, outermost first (indices).
    pub fn path(&self, i: usize) -> Vec<usize> {
        let mut path = Vec::new();
        let mut at = Some(i);
        while let Some(i) = at.filter(|&i| i < self.entries.len()) {
            path.push(i);
            at = self.entries[i].parent;
        }
        path.reverse();
        path
    }

    /// The texts of [`Headings::path`].
    pub fn path_texts(&self, i: usize) -> Vec<&str> {
        self.path(i)
            .into_iter()
            .map(|i| self.entries[i].text.as_str())
            .collect()
    }

    /// Whether the first heading is the only one of its level or above found
    /// so far: then it is the article's title over everything, which the
    /// pane's title already shows, and a section's path can leave it out.
    fn first_is_title(&self) -> bool {
        let Some(first) = self.entries.first() else {
            return false;
        };
        let up_to = usize::from(first.level).min(self.per_level.len() - 1);
        self.per_level[..=up_to].iter().sum::<usize>() == 1
    }

    /// The names of the sections that hold `offset`, outermost first, without
    /// an article title that encloses everything (`["Version 1.95",
    /// "Language"]`).
    pub fn section_names(&self, offset: usize) -> Vec<&str> {
        self.at(offset).map(|i| self.names(i)).unwrap_or_default()
    }

    /// Heading `i`'s path as it is shown: the texts of [`Headings::path`],
    /// without an article title that encloses everything.
    pub fn names(&self, i: usize) -> Vec<&str> {
        let path = self.path(i);
        let skip = usize::from(path.len() > 1 && path[0] == 0 && self.first_is_title());
        path.into_iter()
            .skip(skip)
            .map(|i| self.entries[i].text.as_str())
            .collect()
    }
}

/// A section path shortened to `width` cells: all of it when it fits; else
/// the innermost section with as many enclosing ones from the outside as fit,
/// the ones left out shown as "…" (`Version 1.95 > … > Language`); else the
/// outermost one cut short before the innermost (`Version 1.9… > Language`),
/// which names the version in a changelog; else the innermost alone.
pub fn fit_path(names: &[&str], width: usize) -> String {
    const SEP: &str = " > ";
    /// The least of the outermost name worth showing when it is cut.
    const MIN_OUTER: usize = 6;
    let cells = |s: &str| unicode_width::UnicodeWidthStr::width(s);
    let full = names.join(SEP);
    if cells(&full) <= width {
        return full;
    }
    let Some((last, outer)) = names.split_last() else {
        return String::new();
    };
    let Some(first) = outer.first() else {
        return crate::text::fit(last, width);
    };
    for keep in (1..outer.len()).rev() {
        let mut parts: Vec<&str> = outer[..keep].to_vec();
        parts.push("…");
        parts.push(last);
        let text = parts.join(SEP);
        if cells(&text) <= width {
            return text;
        }
    }
    let gap = if outer.len() > 1 { "…" } else { "" };
    let tail = if gap.is_empty() {
        format!("{SEP}{last}")
    } else {
        format!("{SEP}{gap}{SEP}{last}")
    };
    let room = width.saturating_sub(cells(&tail));
    if room >= MIN_OUTER {
        let cut = crate::text::fit(first, room);
        // "Version 1.95…", not "Version 1.95 …".
        let cut = match cut.strip_suffix(" …") {
            Some(word) => format!("{}…", word.trim_end()),
            None => cut,
        };
        return format!("{cut}{tail}");
    }
    let short = format!("…{SEP}{last}");
    if cells(&short) <= width {
        return short;
    }
    crate::text::fit(last, width)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Format, ParseOptions};

    fn doc(src: &str) -> Document {
        Document::parse_complete(src, Format::Markdown, ParseOptions::default())
    }

    const CHANGELOG: &str = "# Notes\n\nIntro.\n\n## Version 1.95\n\n### Language\n\nA.\n\n### Compiler\n\nB.\n\n## Version 1.94\n\n### Language\n\nC.\n";

    #[test]
    fn headings_know_their_sections() {
        let d = doc(CHANGELOG);
        let mut h = Headings::default();
        h.refresh(ArticleId(0), &d);
        let texts: Vec<_> = h
            .entries
            .iter()
            .map(|e| (e.level, e.text.as_str()))
            .collect();
        assert_eq!(
            texts,
            [
                (1, "Notes"),
                (2, "Version 1.95"),
                (3, "Language"),
                (3, "Compiler"),
                (2, "Version 1.94"),
                (3, "Language")
            ]
        );
        let at_c = d.text().find("C.").unwrap();
        // The sole level-1 heading is the title: not part of the path.
        assert_eq!(h.section_names(at_c), ["Version 1.94", "Language"]);
        let at_b = d.text().find("B.").unwrap();
        assert_eq!(h.section_names(at_b), ["Version 1.95", "Compiler"]);
        assert_eq!(h.section_names(0), ["Notes"]);
    }

    #[test]
    fn a_changelog_of_many_top_headings_keeps_them_in_the_path() {
        let d = doc("# Version 2\n\n## Language\n\nA.\n\n# Version 1\n\n## Language\n\nB.\n");
        let mut h = Headings::default();
        h.refresh(ArticleId(0), &d);
        let at_a = d.text().find("A.").unwrap();
        assert_eq!(h.section_names(at_a), ["Version 2", "Language"]);
    }

    #[test]
    fn refresh_looks_only_at_new_blocks_and_notices_a_new_document() {
        let big: String = (0..3000)
            .map(|i| format!("## Part {i}\n\n{}\n\n", "Words and more words. ".repeat(20)))
            .collect();
        let mut d = Document::new(&big, Format::Markdown, ParseOptions::default());
        let mut h = Headings::default();
        h.refresh(ArticleId(3), &d);
        let first = h.entries.len();
        assert!(first > 0 && first < 3000, "{first}");
        d.ensure_complete();
        h.refresh(ArticleId(3), &d);
        assert_eq!(h.entries.len(), 3000);
        assert_eq!(h.entries[2999].text, "Part 2999");
        // A reload (a shorter document) starts over.
        h.refresh(ArticleId(3), &doc("# Only\n"));
        assert_eq!(h.entries.len(), 1);
    }

    #[test]
    fn paths_are_shortened_from_the_middle_then_to_the_last_name() {
        let names = ["Version 1.95 (2026-04-16)", "Libraries", "Stabilized APIs"];
        assert_eq!(
            fit_path(&names, 80),
            "Version 1.95 (2026-04-16) > Libraries > Stabilized APIs"
        );
        assert_eq!(
            fit_path(&names, 50),
            "Version 1.95 (2026-04-16) > … > Stabilized APIs"
        );
        assert_eq!(fit_path(&names, 35), "Version 1.95… > … > Stabilized APIs");
        assert_eq!(fit_path(&names, 25), "… > Stabilized APIs");
        assert_eq!(fit_path(&names, 10), "Stabilize…");
        assert_eq!(fit_path(&[], 10), "");
        let two = ["Version 1.95 (2026-04-16)", "Language"];
        assert_eq!(fit_path(&two, 25), "Version 1.95… > Language");
        assert_eq!(fit_path(&["Only"], 3), "On…");
    }
}
