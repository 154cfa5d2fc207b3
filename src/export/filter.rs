//! Which highlights an export includes, so `--tag`, `--color`, `--since` and
//! `--orphaned` mean the same thing in every format.

use chrono::{DateTime, NaiveDate, Utc};

use crate::annotations::Highlight;

/// A selection of highlights. The default keeps everything; each set field
/// narrows the selection further (the conditions are ANDed).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Keep a highlight carrying ANY of these tags (compared case-insensitively,
    /// a leading `#` ignored). Empty means no tag condition.
    pub tags: Vec<String>,
    /// Keep only this palette colour (case-insensitive).
    pub color: Option<String>,
    /// Keep highlights created or changed at or after this instant (compared
    /// with `updated`, which is never earlier than `created`), so an export
    /// "since last week" also carries notes edited since then.
    pub since: Option<DateTime<Utc>>,
    /// Keep only highlights that could not be placed in the current text, to
    /// review and fix them.
    pub orphaned_only: bool,
}

impl Filter {
    /// Whether `highlight` is exported.
    pub fn keep(&self, highlight: &Highlight) -> bool {
        if self.orphaned_only && !highlight.orphaned {
            return false;
        }
        if let Some(color) = &self.color
            && !color.trim().eq_ignore_ascii_case(highlight.color.trim())
        {
            return false;
        }
        if let Some(since) = self.since
            && highlight.updated < since
        {
            return false;
        }
        if !self.tags.is_empty() {
            let wanted: Vec<String> = self.tags.iter().map(|t| normalize_tag(t)).collect();
            if !highlight
                .tags
                .iter()
                .any(|t| wanted.contains(&normalize_tag(t)))
            {
                return false;
            }
        }
        true
    }
}

fn normalize_tag(tag: &str) -> String {
    tag.trim().trim_start_matches('#').to_lowercase()
}

/// A `--since` value that is neither a date nor an RFC 3339 time.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid date {given:?}: expected YYYY-MM-DD or an RFC 3339 time such as 2024-05-01T09:30:00Z"
)]
pub struct InvalidSince {
    /// What was given.
    pub given: String,
}

/// Reads a `--since` argument: a calendar date (meaning its start, in UTC) or a
/// full RFC 3339 time, so users can type the short form.
pub fn parse_since(text: &str) -> Result<DateTime<Utc>, InvalidSince> {
    let text = text.trim();
    if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(date.and_time(chrono::NaiveTime::MIN).and_utc());
    }
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| InvalidSince {
            given: text.to_owned(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotations::testing::highlight;

    /// A highlight that differs only in what the filter looks at.
    fn hl(color: &str, tags: &[&str], orphaned: bool, updated: &str) -> Highlight {
        highlight("01J00000000000000000000000")
            .color(color)
            .tags(tags)
            .orphaned(orphaned)
            .at(updated)
            .build()
    }

    #[test]
    fn default_keeps_everything() {
        assert!(Filter::default().keep(&hl("pink", &[], true, "2020-01-01T00:00:00Z")));
    }

    #[test]
    fn conditions_combine() {
        let f = Filter {
            tags: vec!["#Ideas".into(), "todo".into()],
            color: Some("Yellow".into()),
            since: Some(parse_since("2024-01-01").unwrap()),
            orphaned_only: false,
        };
        assert!(f.keep(&hl("yellow", &["ideas"], false, "2024-01-01T00:00:00Z")));
        assert!(f.keep(&hl("yellow", &["x", "TODO"], false, "2024-06-01T00:00:00Z")));
        assert!(!f.keep(&hl("green", &["ideas"], false, "2024-06-01T00:00:00Z")));
        assert!(!f.keep(&hl("yellow", &["other"], false, "2024-06-01T00:00:00Z")));
        assert!(!f.keep(&hl("yellow", &["ideas"], false, "2023-12-31T23:59:59Z")));
    }

    #[test]
    fn orphaned_only() {
        let f = Filter {
            orphaned_only: true,
            ..Filter::default()
        };
        assert!(f.keep(&hl("yellow", &[], true, "2024-01-01T00:00:00Z")));
        assert!(!f.keep(&hl("yellow", &[], false, "2024-01-01T00:00:00Z")));
    }

    #[test]
    fn since_accepts_date_and_time() {
        assert_eq!(
            parse_since("2024-05-01").unwrap().to_rfc3339(),
            "2024-05-01T00:00:00+00:00"
        );
        assert_eq!(
            parse_since("2024-05-01T09:30:00+02:00")
                .unwrap()
                .to_rfc3339(),
            "2024-05-01T07:30:00+00:00"
        );
        assert!(
            parse_since("last week")
                .unwrap_err()
                .to_string()
                .contains("YYYY-MM-DD")
        );
    }
}
