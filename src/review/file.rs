//! The review state of one article, exactly as written to its TOML file in
//! `<data dir>/review/`, and how two copies of it merge (two machines that
//! both reviewed, a synced folder): per highlight, the newer review wins.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::card::Card;
use crate::annotations::HighlightId;

/// Bumped when the layout changes incompatibly, so an older gloss refuses a
/// newer file rather than overwrite it.
pub const REVIEW_VERSION: u32 = 1;

/// Everything stored about reviewing one article's highlights.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewFile {
    /// [`REVIEW_VERSION`] when written.
    pub version: u32,
    /// The article's title when last reviewed, for a person reading the file.
    #[serde(default)]
    pub title: String,
    /// The article's path when last reviewed, for a person reading the file.
    #[serde(default)]
    pub path: String,
    /// Each reviewed highlight's card, by highlight id.
    #[serde(default, rename = "card")]
    pub cards: BTreeMap<HighlightId, Card>,
}

impl Default for ReviewFile {
    fn default() -> Self {
        Self {
            version: REVIEW_VERSION,
            title: String::new(),
            path: String::new(),
            cards: BTreeMap::new(),
        }
    }
}

/// Whether `a` is the later review of the same highlight than `b`: the later
/// answer time wins; on an exact tie the one reviewed more often, then the one
/// due later, so that merging is the same whichever copy comes first.
fn newer(a: &Card, b: &Card) -> bool {
    (a.reviewed, a.reps, a.due, a.answer.name()) > (b.reviewed, b.reps, b.due, b.answer.name())
}

/// Merges two copies of an article's review file: every highlight either
/// copy knows, with the newer review of each. The title and path are taken
/// from `ours` unless it has none. Merging a copy with itself, or in either
/// order, gives the same cards.
pub fn merge(ours: &ReviewFile, theirs: &ReviewFile) -> ReviewFile {
    let mut cards = ours.cards.clone();
    for (id, card) in &theirs.cards {
        match cards.get(id) {
            Some(mine) if !newer(card, mine) => {}
            _ => {
                cards.insert(id.clone(), card.clone());
            }
        }
    }
    let pick = |a: &String, b: &String| if a.is_empty() { b.clone() } else { a.clone() };
    ReviewFile {
        version: REVIEW_VERSION,
        title: pick(&ours.title, &theirs.title),
        path: pick(&ours.path, &theirs.path),
        cards,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::{Answer, schedule};
    use chrono::{TimeZone, Utc};

    fn card_at(day: u32, answer: Answer) -> Card {
        let now = Utc.with_ymd_and_hms(2026, 3, day, 12, 0, 0).unwrap();
        schedule(None, answer, now, now.date_naive())
    }

    #[test]
    fn two_copies_merge_with_the_newer_review_of_each_highlight() {
        let mut laptop = ReviewFile {
            title: "Deal".into(),
            path: "/a/deal.md".into(),
            ..ReviewFile::default()
        };
        let mut desktop = ReviewFile::default();
        // Reviewed on both: the desktop's is later.
        laptop.cards.insert("h1".into(), card_at(2, Answer::Good));
        desktop.cards.insert("h1".into(), card_at(4, Answer::Again));
        // Reviewed on both: the laptop's is later.
        laptop.cards.insert("h2".into(), card_at(6, Answer::Easy));
        desktop.cards.insert("h2".into(), card_at(3, Answer::Hard));
        // Only on one each.
        laptop.cards.insert("h3".into(), card_at(1, Answer::Good));
        desktop.cards.insert("h4".into(), card_at(1, Answer::Never));

        let merged = merge(&laptop, &desktop);
        assert_eq!(merged.cards.len(), 4);
        assert_eq!(merged.cards["h1"].answer, Answer::Again);
        assert_eq!(merged.cards["h2"].answer, Answer::Easy);
        assert_eq!(merged.cards["h3"], laptop.cards["h3"]);
        assert!(merged.cards["h4"].retired());
        assert_eq!(merged.title, "Deal");
        assert_eq!(merged.path, "/a/deal.md");

        // The same whichever copy is "ours", and merging again changes nothing.
        assert_eq!(merge(&desktop, &laptop).cards, merged.cards);
        assert_eq!(merge(&merged, &desktop).cards, merged.cards);
        assert_eq!(merge(&merged, &merged), merged);
    }

    #[test]
    fn the_file_reads_back_as_written() {
        let mut file = ReviewFile {
            title: "T \"quoted\"".into(),
            path: "/x/y.md".into(),
            ..ReviewFile::default()
        };
        file.cards.insert("01J0".into(), card_at(2, Answer::Hard));
        let text = toml::to_string(&file).unwrap();
        assert!(text.contains("[card.01J0]"), "{text}");
        assert!(text.contains("answer = \"hard\""), "{text}");
        let back: ReviewFile = toml::from_str(&text).unwrap();
        assert_eq!(back, file);
    }
}
