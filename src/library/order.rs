//! How the list can be ordered and filtered by reading state: the orders
//! `o` cycles through, natural comparison of titles and names (`Node.js 4`
//! before `Node.js 10`), and the reading states `S` filters by.

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};

/// An order of the article list; `o` goes to the next one and the status
/// bar names it. `[list] sort` in the config chooses the first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    /// By title, numbers in titles compared as numbers.
    #[default]
    Title,
    /// By author (articles without one last), then title.
    Author,
    /// Newest date first (undated last).
    Date,
    /// Read most recently first (never opened last).
    RecentlyRead,
    /// Most highlights first.
    MostAnnotated,
    /// By file name, numbers compared as numbers.
    FileName,
}

impl Sort {
    /// Every order, in the order `o` cycles through them.
    pub const ALL: [Sort; 6] = [
        Sort::Title,
        Sort::Author,
        Sort::Date,
        Sort::RecentlyRead,
        Sort::MostAnnotated,
        Sort::FileName,
    ];

    /// The order after this one.
    pub fn next(self) -> Sort {
        let at = Sort::ALL.iter().position(|s| *s == self).unwrap_or(0);
        Sort::ALL[(at + 1) % Sort::ALL.len()]
    }

    /// Its name in the status bar.
    pub fn name(self) -> &'static str {
        match self {
            Sort::Title => "title",
            Sort::Author => "author",
            Sort::Date => "date",
            Sort::RecentlyRead => "recently read",
            Sort::MostAnnotated => "most annotated",
            Sort::FileName => "file name",
        }
    }
}

/// Compares two [`sort_key`]s: plain byte order, which is natural order
/// because the keys pad their numbers.
pub fn natural(a: &str, b: &str) -> Ordering {
    a.cmp(b)
}

/// Digits a number in a sort key is padded to: longer numbers keep their
/// length (and sort after every shorter one, as their value does).
const NUMBER_WIDTH: usize = 20;

/// The key that orders a title or name as a reader expects: lower case,
/// accents dropped (`Über` among the u's, `Élan` among the e's), and
/// every run of digits padded with zeros to one width, so comparing keys
/// byte by byte puts `Title 2` before `Title 10` and `Node.js 4` before
/// `Node.js 10`. Made once per article, so sorting 10,000 is plain string
/// comparison.
pub fn sort_key(text: &str) -> String {
    if text.is_ascii() {
        ascii_sort_key(text)
    } else {
        any_sort_key(text)
    }
}

/// [`sort_key`] of any text.
fn any_sort_key(text: &str) -> String {
    let lower = text.to_lowercase();
    let mut key = String::with_capacity(lower.len() + 8);
    let mut digits = String::new();
    let flush = |digits: &mut String, key: &mut String| {
        if digits.is_empty() {
            return;
        }
        let value = digits.trim_start_matches('0');
        let value = if value.is_empty() { "0" } else { value };
        for _ in value.len()..NUMBER_WIDTH {
            key.push('0');
        }
        key.push_str(value);
        digits.clear();
    };
    for c in lower.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else {
            flush(&mut digits, &mut key);
            // `Über` with the u's, not after `z`.
            key.push(crate::search::base_of(c));
        }
    }
    flush(&mut digits, &mut key);
    key
}

/// [`sort_key`] of ASCII text, made in one pass without copies (a start
/// from the cache makes three keys for each of 10,000 articles on the event
/// loop); the same key as the general path.
fn ascii_sort_key(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut key = String::with_capacity(text.len() + 8);
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            let value = text[start..i].trim_start_matches('0');
            let value = if value.is_empty() { "0" } else { value };
            for _ in value.len()..NUMBER_WIDTH {
                key.push('0');
            }
            key.push_str(value);
        } else {
            key.push(char::from(bytes[i].to_ascii_lowercase()));
            i += 1;
        }
    }
    key
}

/// Where a reader is with an article, from its saved reading progress (or
/// its archived flag, which wins).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadingState {
    /// Never opened, or never scrolled.
    Unread,
    /// Started.
    Reading,
    /// Read to the end.
    Finished,
    /// Put away with `x`.
    Archived,
}

/// Progress at or past this is read to the end: the last screen of an
/// article stops the position just short of 100%.
pub const FINISHED_AT: f64 = 0.97;

impl ReadingState {
    /// The state of an article with this progress and archived flag.
    pub fn of(progress: Option<f64>, archived: bool) -> ReadingState {
        if archived {
            return ReadingState::Archived;
        }
        match progress {
            Some(p) if p.is_finite() && p >= FINISHED_AT => ReadingState::Finished,
            Some(p) if p.is_finite() && p > 0.0 => ReadingState::Reading,
            _ => ReadingState::Unread,
        }
    }
}

/// Which articles the list shows by state; `S` cycles through them. The
/// first hides archived articles, as a reader expects of "all".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StateFilter {
    /// Every article not archived.
    #[default]
    All,
    /// Unread only.
    Unread,
    /// Started, not finished.
    Reading,
    /// Read to the end.
    Finished,
    /// Archived only.
    Archived,
}

impl StateFilter {
    /// The filter after this one.
    pub fn next(self) -> StateFilter {
        match self {
            StateFilter::All => StateFilter::Unread,
            StateFilter::Unread => StateFilter::Reading,
            StateFilter::Reading => StateFilter::Finished,
            StateFilter::Finished => StateFilter::Archived,
            StateFilter::Archived => StateFilter::All,
        }
    }

    /// Whether an article in `state` is shown.
    pub fn shows(self, state: ReadingState) -> bool {
        match self {
            StateFilter::All => state != ReadingState::Archived,
            StateFilter::Unread => state == ReadingState::Unread,
            StateFilter::Reading => state == ReadingState::Reading,
            StateFilter::Finished => state == ReadingState::Finished,
            StateFilter::Archived => state == ReadingState::Archived,
        }
    }

    /// Its name in the status bar.
    pub fn name(self) -> &'static str {
        match self {
            StateFilter::All => "all but archived",
            StateFilter::Unread => "unread",
            StateFilter::Reading => "reading",
            StateFilter::Finished => "finished",
            StateFilter::Archived => "archived",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_titles_sort_by_value() {
        let mut titles = vec![
            "Node.js 10",
            "node.js 4",
            "Title 10",
            "Title 2",
            "Node.js 20",
        ];
        titles.sort_by_key(|t| sort_key(t));
        assert_eq!(
            titles,
            [
                "node.js 4",
                "Node.js 10",
                "Node.js 20",
                "Title 2",
                "Title 10"
            ]
        );
    }

    #[test]
    fn accented_titles_sort_with_their_letters() {
        let mut titles = vec!["zebra", "Über alles", "Élan", "Uber", "ergo", "apple"];
        titles.sort_by_key(|t| sort_key(t));
        assert_eq!(
            titles,
            ["apple", "Élan", "ergo", "Uber", "Über alles", "zebra"]
        );
    }

    #[test]
    fn every_order_comes_round() {
        let mut sort = Sort::Title;
        let mut seen = Vec::new();
        for _ in 0..6 {
            seen.push(sort.name());
            sort = sort.next();
        }
        assert_eq!(sort, Sort::Title);
        assert_eq!(
            seen,
            [
                "title",
                "author",
                "date",
                "recently read",
                "most annotated",
                "file name"
            ]
        );
    }

    #[test]
    fn the_ascii_key_is_the_general_one() {
        for text in [
            "Node.js 10",
            "Title 2",
            "007 and 0",
            "A 12345678901234567890123 long number",
            "",
            "0",
            "x9y",
            "MiXeD Case-file_name.md",
        ] {
            assert_eq!(ascii_sort_key(text), any_sort_key(text), "{text:?}");
        }
        assert!(sort_key("Node.js 4") < sort_key("Node.js 10"));
    }

    #[test]
    fn states_come_from_progress_and_archive() {
        assert_eq!(ReadingState::of(None, false), ReadingState::Unread);
        assert_eq!(ReadingState::of(Some(0.0), false), ReadingState::Unread);
        assert_eq!(ReadingState::of(Some(0.4), false), ReadingState::Reading);
        assert_eq!(ReadingState::of(Some(1.0), false), ReadingState::Finished);
        assert_eq!(ReadingState::of(Some(0.4), true), ReadingState::Archived);
        assert!(!StateFilter::All.shows(ReadingState::Archived));
        assert!(StateFilter::Archived.shows(ReadingState::Archived));
    }
}
