//! Article metadata: title, author and date from front matter or the byline.
// STUB: replaced by the document work.

use chrono::NaiveDate;

/// What the list pane shows about an article before its body is parsed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
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
}

/// Parses a date written in a common form ("15 April 2021", "April 15, 2021",
/// "2021-04-15").
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    ["%d %B %Y", "%B %d, %Y", "%Y-%m-%d"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(s, f).ok())
}
