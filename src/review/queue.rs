//! Which highlights come back today: those whose card is due, then new ones
//! made before today, minus the tags and colours the config leaves out, up to
//! the daily limit less what was already answered today.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::card::Card;
use crate::annotations::{ArticleRecord, Highlight, HighlightId};
use crate::config::ReviewConfig;

/// A highlight that could be reviewed, with where it is kept.
#[derive(Debug, Clone, Copy)]
pub struct Candidate<'a> {
    /// The notes file it is stored in.
    pub notes: &'a Path,
    /// Its article.
    pub article: &'a ArticleRecord,
    /// The highlight.
    pub highlight: &'a Highlight,
}

/// A highlight in today's queue.
#[derive(Debug, Clone, PartialEq)]
pub struct Due {
    /// The notes file it is stored in (the review file sits beside it).
    pub notes: PathBuf,
    /// Its article.
    pub article: ArticleRecord,
    /// The highlight.
    pub highlight: Highlight,
    /// Its card; `None` for a highlight never reviewed.
    pub card: Option<Card>,
}

/// Whether the config leaves this highlight out of the review (by one of its
/// tags or its colour; tags compare without `#` and case).
pub fn left_out(highlight: &Highlight, config: &ReviewConfig) -> bool {
    let norm = |t: &str| t.trim().trim_start_matches('#').to_lowercase();
    let tag_out = highlight
        .tags
        .iter()
        .any(|t| config.exclude_tags.iter().any(|x| norm(x) == norm(t)));
    let color_out = config
        .exclude_colors
        .iter()
        .any(|c| c.trim().eq_ignore_ascii_case(highlight.color.trim()));
    tag_out || color_out
}

/// How many highlights were answered on `today` (they count against the
/// daily limit).
pub fn answered_on(cards: &HashMap<HighlightId, Card>, today: NaiveDate) -> usize {
    cards
        .values()
        .filter(|c| super::today(c.reviewed) == today)
        .count()
}

/// Today's queue: due cards first (the longest overdue first), then new
/// highlights (the oldest first; one made today waits for tomorrow), none
/// left out by the config or retired by "never", at most the daily limit less
/// what was answered today.
pub fn due_today<'a>(
    candidates: impl IntoIterator<Item = Candidate<'a>>,
    cards: &HashMap<HighlightId, Card>,
    config: &ReviewConfig,
    today: NaiveDate,
) -> Vec<Due> {
    let mut due = Vec::new();
    let mut new = Vec::new();
    for c in candidates {
        let h = c.highlight;
        if left_out(h, config) {
            continue;
        }
        let entry = |card: Option<&Card>| Due {
            notes: c.notes.to_path_buf(),
            article: c.article.clone(),
            highlight: h.clone(),
            card: card.cloned(),
        };
        match cards.get(&h.id) {
            Some(card) if card.retired() => {}
            Some(card) if card.due <= today => due.push(entry(Some(card))),
            Some(_) => {}
            None if super::today(h.created) < today => new.push(entry(None)),
            None => {}
        }
    }
    due.sort_by(|a, b| {
        let day = |d: &Due| d.card.as_ref().map(|c| c.due);
        day(a)
            .cmp(&day(b))
            .then_with(|| a.highlight.id.cmp(&b.highlight.id))
    });
    new.sort_by(|a, b| {
        (a.highlight.created, &a.highlight.id).cmp(&(b.highlight.created, &b.highlight.id))
    });
    let room = usize::try_from(config.daily_limit)
        .unwrap_or(usize::MAX)
        .saturating_sub(answered_on(cards, today));
    due.into_iter().chain(new).take(room).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotations::testing::highlight;
    use crate::review::{Answer, schedule};
    use chrono::{DateTime, TimeZone, Utc};

    fn at(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, day, 12, 0, 0).unwrap()
    }

    fn day(d: u32) -> NaiveDate {
        crate::review::today(at(d))
    }

    struct Library {
        notes: PathBuf,
        article: ArticleRecord,
        highlights: Vec<Highlight>,
    }

    impl Library {
        fn new(made: &[(&str, u32, &str, &[&str])]) -> Self {
            let highlights = made
                .iter()
                .map(|(id, d, color, tags)| {
                    let mut h = highlight(id).color(color).build();
                    h.created = at(*d);
                    h.updated = at(*d);
                    h.tags = tags.iter().map(|t| t.to_string()).collect();
                    h
                })
                .collect();
            Self {
                notes: PathBuf::from("/data/annotations/a-1.toml"),
                article: ArticleRecord::default(),
                highlights,
            }
        }

        fn queue(
            &self,
            cards: &HashMap<HighlightId, Card>,
            config: &ReviewConfig,
            d: u32,
        ) -> Vec<String> {
            let candidates = self.highlights.iter().map(|h| Candidate {
                notes: &self.notes,
                article: &self.article,
                highlight: h,
            });
            due_today(candidates, cards, config, day(d))
                .into_iter()
                .map(|d| d.highlight.id.to_string())
                .collect()
        }
    }

    #[test]
    fn new_highlights_come_the_day_after_they_are_made_and_answers_move_them_on() {
        let lib = Library::new(&[("a", 1, "yellow", &[]), ("b", 2, "yellow", &[])]);
        let config = ReviewConfig::default();
        let mut cards = HashMap::new();
        assert!(lib.queue(&cards, &config, 1).is_empty(), "nothing on day 1");
        assert_eq!(lib.queue(&cards, &config, 2), ["a"], "b is made on day 2");
        cards.insert("a".into(), schedule(None, Answer::Good, at(2), day(2)));
        assert!(
            lib.queue(&cards, &config, 2).is_empty(),
            "a is done for today"
        );
        let on_3 = lib.queue(&cards, &config, 3);
        assert_eq!(on_3, ["b"], "a (good) is not due the next day");
        let a_due = cards[&HighlightId::from("a")].due;
        let d = chrono::Datelike::day(&a_due);
        assert!(lib.queue(&cards, &config, d).contains(&"a".to_string()));
        // "never" keeps it out for good.
        cards.insert("a".into(), schedule(None, Answer::Never, at(3), day(3)));
        assert!(!lib.queue(&cards, &config, 28).contains(&"a".to_string()));
    }

    #[test]
    fn the_daily_limit_counts_what_was_answered_today() {
        let made: Vec<(String, u32)> = (0..6).map(|i| (format!("h{i}"), 1)).collect();
        let spec: Vec<(&str, u32, &str, &[&str])> = made
            .iter()
            .map(|(id, d)| (id.as_str(), *d, "yellow", &[][..]))
            .collect();
        let lib = Library::new(&spec);
        let config = ReviewConfig {
            daily_limit: 4,
            ..ReviewConfig::default()
        };
        let mut cards = HashMap::new();
        assert_eq!(lib.queue(&cards, &config, 2), ["h0", "h1", "h2", "h3"]);
        cards.insert("h0".into(), schedule(None, Answer::Good, at(2), day(2)));
        cards.insert("h1".into(), schedule(None, Answer::Again, at(2), day(2)));
        assert_eq!(lib.queue(&cards, &config, 2), ["h2", "h3"]);
        // The next day the limit is whole again: h1 (again) is due first.
        let next = lib.queue(&cards, &config, 3);
        assert_eq!(next.len(), 4);
        assert_eq!(next[0], "h1");
    }

    #[test]
    fn tags_and_colours_can_be_left_out() {
        let lib = Library::new(&[
            ("plain", 1, "yellow", &[]),
            ("todo", 1, "yellow", &["todo"]),
            ("question", 1, "Blue", &["idea"]),
        ]);
        let config = ReviewConfig {
            exclude_tags: vec!["#TODO".into()],
            exclude_colors: vec!["blue".into()],
            ..ReviewConfig::default()
        };
        assert_eq!(lib.queue(&HashMap::new(), &config, 2), ["plain"]);
    }
}
