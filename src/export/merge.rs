//! Folding imported highlights into the stored ones, so importing the same
//! export twice, or an older copy, never duplicates or loses anything.

use super::highlight_order;
use crate::annotations::AnnotationFile;

/// What an import changed in one article, for the summary the user sees.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MergeCounts {
    /// Highlights that were not stored before.
    pub added: usize,
    /// Stored highlights replaced by a copy with a newer `updated` time.
    pub updated: usize,
    /// Incoming highlights ignored because the stored copy is as new or newer.
    pub unchanged: usize,
}

impl std::ops::AddAssign for MergeCounts {
    fn add_assign(&mut self, other: Self) {
        self.added += other.added;
        self.updated += other.updated;
        self.unchanged += other.unchanged;
    }
}

/// Merges `incoming` into `local` by highlight id: new ids are added, a copy
/// whose `updated` is strictly newer replaces the stored one, and anything
/// else is left alone, so no stored highlight is ever removed. Highlights end
/// in document order. Empty article fields of `local` are filled from
/// `incoming` (the stored record otherwise wins, as it describes the file on
/// this machine), and a newer reading position is taken.
pub fn merge_import(local: &mut AnnotationFile, incoming: &AnnotationFile) -> MergeCounts {
    let mut counts = MergeCounts::default();
    // Where each id is: an import of 100,000 highlights into one article
    // would otherwise look through the list once per highlight.
    let mut at: std::collections::HashMap<crate::annotations::HighlightId, usize> =
        std::collections::HashMap::with_capacity(local.highlights.len());
    for (i, h) in local.highlights.iter().enumerate() {
        at.entry(h.id.clone()).or_insert(i);
    }
    for theirs in &incoming.highlights {
        match at
            .get(&theirs.id)
            .and_then(|&i| local.highlights.get_mut(i))
        {
            None => {
                at.insert(theirs.id.clone(), local.highlights.len());
                local.highlights.push(theirs.clone());
                counts.added += 1;
            }
            Some(ours) if theirs.updated > ours.updated => {
                *ours = theirs.clone();
                counts.updated += 1;
            }
            Some(_) => counts.unchanged += 1,
        }
    }
    local.highlights.sort_by(highlight_order);

    let (ours, theirs) = (&mut local.article, &incoming.article);
    fill(&mut ours.title, &theirs.title);
    fill(&mut ours.path, &theirs.path);
    fill(&mut ours.fingerprint, &theirs.fingerprint);
    if ours.author.is_none() {
        ours.author.clone_from(&theirs.author);
    }
    if ours.date.is_none() {
        ours.date.clone_from(&theirs.date);
    }
    if let Some(pos) = &incoming.position
        && local
            .position
            .as_ref()
            .is_none_or(|p| pos.updated > p.updated)
    {
        local.position = Some(pos.clone());
    }
    counts
}

fn fill(ours: &mut String, theirs: &str) {
    if ours.trim().is_empty() && !theirs.trim().is_empty() {
        theirs.clone_into(ours);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotations::testing::{CharOffset, highlight};
    use crate::annotations::{ArticleRecord, Highlight};

    fn file(highlights: Vec<Highlight>) -> AnnotationFile {
        AnnotationFile {
            version: 1,
            article: ArticleRecord::default(),
            position: None,
            highlights,
        }
    }

    #[test]
    fn adds_updates_and_keeps() {
        let mut local = file(vec![
            highlight("a")
                .quote_at("q", CharOffset::new(10))
                .at("2024-01-02T00:00:00Z")
                .note("local a")
                .build(),
            highlight("b")
                .quote_at("q", CharOffset::new(20))
                .at("2024-01-02T00:00:00Z")
                .note("local b")
                .build(),
            highlight("only-local")
                .quote_at("q", CharOffset::new(30))
                .at("2024-01-01T00:00:00Z")
                .note("mine")
                .build(),
        ]);
        let mut incoming = file(vec![
            highlight("a")
                .quote_at("q", CharOffset::new(10))
                .at("2024-01-03T00:00:00Z")
                .note("newer a")
                .build(),
            highlight("b")
                .quote_at("q", CharOffset::new(20))
                .at("2024-01-01T00:00:00Z")
                .note("older b")
                .build(),
            highlight("c")
                .quote_at("q", CharOffset::new(5))
                .at("2024-01-01T00:00:00Z")
                .note("new c")
                .build(),
        ]);
        incoming.article.title = "From backup".into();
        let counts = merge_import(&mut local, &incoming);
        assert_eq!(
            counts,
            MergeCounts {
                added: 1,
                updated: 1,
                unchanged: 1
            }
        );
        let notes: Vec<&str> = local.highlights.iter().map(|h| h.note.as_str()).collect();
        assert_eq!(notes, ["new c", "newer a", "local b", "mine"]);
        assert_eq!(local.article.title, "From backup");

        // A second import of the same data changes nothing.
        let before = local.clone();
        let again = merge_import(&mut local, &incoming);
        assert_eq!(
            again,
            MergeCounts {
                added: 0,
                updated: 0,
                unchanged: 3
            }
        );
        assert_eq!(local, before);
    }

    #[test]
    fn stored_article_fields_win() {
        let mut local = file(vec![]);
        local.article.title = "Mine".into();
        local.article.path = "/here.md".into();
        let mut incoming = file(vec![]);
        incoming.article.title = "Theirs".into();
        incoming.article.path = "/there.md".into();
        incoming.article.author = Some("A".into());
        merge_import(&mut local, &incoming);
        assert_eq!(local.article.title, "Mine");
        assert_eq!(local.article.path, "/here.md");
        assert_eq!(local.article.author.as_deref(), Some("A"));
    }
}
