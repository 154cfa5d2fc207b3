//! Article metadata: title, author and date from front matter or the byline.

use std::borrow::Cow;

use chrono::NaiveDate;

use super::sanitize::sanitize;

/// What the list pane shows about an article before its body is parsed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Metadata {
    /// The title; `None` when the article has no heading or text at all (the
    /// library then falls back to the file name).
    pub title: Option<String>,
    /// The author from front matter or the byline.
    pub author: Option<String>,
    /// The date as written in the article.
    pub date_text: Option<String>,
    /// The date parsed, so the list can sort by it.
    pub date: Option<NaiveDate>,
    /// Where a saved web page came from (its canonical URL), so exports can
    /// name the page as well as the file; `None` for other articles.
    pub source_url: Option<String>,
}

impl Metadata {
    /// Fills fields still missing from `other`, so front matter wins over what
    /// the byline suggests. Every text field of the result holds placeholders
    /// instead of control characters, whichever reader produced it, because
    /// titles, authors and dates are drawn in title bars, lists and exports.
    pub(super) fn or(self, other: Metadata) -> Metadata {
        Metadata {
            title: clean(self.title.or(other.title)),
            author: clean(self.author.or(other.author)),
            date_text: clean(self.date_text.or(other.date_text)),
            date: self.date.or(other.date),
            source_url: clean(self.source_url.or(other.source_url)),
        }
    }

    /// The title to show: the article's own, else `file_name`, cleaned the
    /// same way, so a bidi override or an escape sequence in a file name
    /// reaches no title bar, list or export.
    pub fn title_or_name(&self, file_name: &str) -> String {
        match &self.title {
            Some(title) => sanitize(title).into_owned(),
            None => sanitize(file_name).into_owned(),
        }
    }
}

/// `text` with control characters as placeholders.
fn clean(text: Option<String>) -> Option<String> {
    text.map(|t| match sanitize(&t) {
        Cow::Borrowed(_) => t,
        Cow::Owned(clean) => clean,
    })
}

const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// Formats tried after normalisation; chrono reads full and abbreviated month
/// names for both `%B` and `%b`.
const FORMATS: [&str; 6] = [
    "%d %B %Y",
    "%d %B, %Y",
    "%B %d, %Y",
    "%B %d %Y",
    "%Y-%m-%d",
    "%Y/%m/%d",
];

/// Parses a date written in a common form ("15 April 2021", "15 Apr 2021",
/// "April 15, 2021", "Apr 15 2021", "2021-04-15", "2021/04/15", an ISO
/// datetime), so articles can be sorted by the date their byline shows.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    if s.is_empty() || s.len() > 60 {
        return None;
    }
    if let Some(d) = iso_datetime_date(s) {
        return Some(d);
    }
    let normal = normalise(s);
    FORMATS
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(&normal, f).ok())
        .filter(|d| (1000..=9999).contains(&chrono::Datelike::year(d)))
}

/// The date part of "2021-04-15T10:00:00Z" or "2021-04-15 10:00".
fn iso_datetime_date(s: &str) -> Option<NaiveDate> {
    let (date, rest) = (s.get(..10)?, s.get(10..)?);
    let time_follows = rest.is_empty()
        || ((rest.starts_with('T') || rest.starts_with(' '))
            && rest
                .get(1..2)
                .is_some_and(|c| c.bytes().all(|b| b.is_ascii_digit())));
    if !time_follows {
        return None;
    }
    NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()
}

/// Lower-noise form of a written date: no weekday, no ordinal suffixes, no dots
/// after month abbreviations, single spaces.
fn normalise(s: &str) -> String {
    let mut words: Vec<String> = s.split_whitespace().map(str::to_owned).collect();
    if let Some(first) = words.first() {
        let w = first.trim_end_matches(',').to_lowercase();
        if w.len() >= 3 && WEEKDAYS.iter().any(|d| d.starts_with(&w)) && words.len() > 1 {
            words.remove(0);
        }
    }
    for w in &mut words {
        let comma = w.ends_with(',');
        let core = w.trim_end_matches(',').trim_end_matches('.');
        let digits = core.bytes().take_while(u8::is_ascii_digit).count();
        let core = if digits > 0
            && ["st", "nd", "rd", "th"].iter().any(|suffix| {
                core.get(digits..)
                    .is_some_and(|r| r.eq_ignore_ascii_case(suffix))
            }) {
            core.get(..digits).unwrap_or(core).to_owned()
        } else if core.eq_ignore_ascii_case("sept") {
            "Sep".to_owned()
        } else {
            core.to_owned()
        };
        *w = if comma { format!("{core},") } else { core };
    }
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    #[test]
    fn common_date_forms_parse() {
        for s in [
            "15 April 2021",
            "15 Apr 2021",
            "April 15, 2021",
            "Apr 15, 2021",
            "April 15 2021",
            "2021-04-15",
            "2021/04/15",
            "2021-04-15T08:30:00Z",
            "2021-04-15 08:30",
            "Thursday, 15 April 2021",
            "April 15th, 2021",
            "Apr. 15, 2021",
            "  15 april 2021 ",
        ] {
            assert_eq!(parse_date(s), ymd(2021, 4, 15), "{s}");
        }
        assert_eq!(parse_date("Sept 3, 2020"), ymd(2020, 9, 3));
    }

    #[test]
    fn non_dates_do_not_parse() {
        for s in [
            "",
            "Andrea Lobo",
            "April 2021",
            "15 Foo 2021",
            "2021-13-01",
            "2021-04-15 and more",
            "The 15 April 2021 meeting",
        ] {
            assert_eq!(parse_date(s), None, "{s}");
        }
    }

    #[test]
    fn titles_authors_and_dates_never_hold_control_characters() {
        let evil = |s: &str| Some(format!("{s}\u{202e}gnp.exe\u{1b}]0;owned\u{7}\u{9b}"));
        let m = Metadata {
            title: evil("t"),
            ..Metadata::default()
        }
        .or(Metadata {
            author: evil("a"),
            date_text: evil("d"),
            ..Metadata::default()
        });
        for field in [&m.title, &m.author, &m.date_text] {
            let field = field.as_deref().unwrap_or_default();
            assert!(
                field.ends_with("\u{fffd}gnp.exe␛]0;owned␇\u{fffd}"),
                "{field:?}"
            );
        }
        let untitled = Metadata::default();
        assert_eq!(
            untitled.title_or_name("\u{202e}txt.md\u{1b}[2J"),
            "\u{fffd}txt.md␛[2J"
        );
        assert_eq!(m.title_or_name("ignored.md"), m.title.unwrap_or_default());
    }

    #[test]
    fn front_matter_values_win() {
        let fm = Metadata {
            title: Some("A".into()),
            ..Metadata::default()
        };
        let body = Metadata {
            title: Some("B".into()),
            author: Some("C".into()),
            ..Metadata::default()
        };
        let m = fm.or(body);
        assert_eq!(m.title.as_deref(), Some("A"));
        assert_eq!(m.author.as_deref(), Some("C"));
    }
}
