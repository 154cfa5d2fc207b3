//! Front matter: a YAML (`---`) or TOML (`+++`) block at the very start of a
//! file that states title, author and date outright. It is metadata, not
//! article text, so it never reaches the canonical text.

use super::meta::{Metadata, parse_date};
use super::sanitize::sanitize;

/// How far to look for the closing delimiter, so a stray `---` first line never
/// makes opening a large file scan all of it.
const MAX_SCAN: usize = 64 * 1024;

/// Metadata from the front matter, and the byte offset where the body starts
/// (0 when there is no front matter).
pub(super) fn split(src: &str) -> (Metadata, usize) {
    let mut lines = LineIter { src, pos: 0 };
    let Some((first, _)) = lines.next() else {
        return (Metadata::default(), 0);
    };
    let delim = first.trim_end();
    let toml = match delim {
        "---" => false,
        "+++" => true,
        _ => return (Metadata::default(), 0),
    };
    let content_start = lines.pos;
    while let Some((line, start)) = lines.next() {
        if start > MAX_SCAN {
            break;
        }
        let l = line.trim_end();
        let closes = l == delim || (!toml && l == "...");
        if !closes {
            continue;
        }
        let content = src.get(content_start..start).unwrap_or("");
        let fields = if toml {
            Some(toml_fields(content))
        } else {
            yaml_fields(content)
        };
        return match fields {
            Some(f) => (f.into_metadata(), lines.pos),
            None => (Metadata::default(), 0),
        };
    }
    (Metadata::default(), 0)
}

/// Lines with their start offsets.
struct LineIter<'a> {
    src: &'a str,
    pos: usize,
}

impl<'a> Iterator for LineIter<'a> {
    type Item = (&'a str, usize);
    fn next(&mut self) -> Option<Self::Item> {
        let start = self.pos;
        let rest = self.src.get(start..).filter(|r| !r.is_empty())?;
        let (line, len) = match rest.find('\n') {
            Some(i) => (rest.get(..i)?, i + 1),
            None => (rest, rest.len()),
        };
        self.pos = start + len;
        Some((line, start))
    }
}

/// Raw field values before cleaning.
#[derive(Default)]
struct Fields {
    title: Option<String>,
    author: Option<String>,
    date: Option<String>,
}

impl Fields {
    fn set(&mut self, key: &str, value: String) {
        let slot = match key.to_ascii_lowercase().as_str() {
            "title" => &mut self.title,
            "author" | "authors" | "by" => &mut self.author,
            "date" => &mut self.date,
            _ => return,
        };
        if slot.is_none() {
            *slot = Some(value);
        }
    }

    fn into_metadata(self) -> Metadata {
        let clean = |v: Option<String>| {
            v.map(|s| sanitize(s.trim()).into_owned())
                .filter(|s| !s.is_empty())
        };
        let date_text = clean(self.date);
        Metadata {
            title: clean(self.title),
            author: clean(self.author),
            date: date_text.as_deref().and_then(parse_date),
            date_text,
        }
    }
}

/// Strips one pair of matching quotes.
fn unquote(s: &str) -> &str {
    let s = s.trim();
    for q in ['"', '\''] {
        if let Some(inner) = s.strip_prefix(q).and_then(|r| r.strip_suffix(q)) {
            return inner;
        }
    }
    s
}

/// Reads simple `key: value` lines; a list value (`[a, b]` or `- a` lines)
/// yields its first entry. `None` when nothing looks like YAML keys, so a
/// `---` rule followed by text is left to the Markdown parser.
fn yaml_fields(content: &str) -> Option<Fields> {
    let mut fields = Fields::default();
    let mut any_key = content.trim().is_empty();
    let mut pending_list_key: Option<String> = None;
    for line in content.lines() {
        if let Some(key) = &pending_list_key {
            let item = line.trim_start();
            if let Some(entry) = item.strip_prefix("- ") {
                fields.set(key, unquote(entry).to_owned());
                pending_list_key = None;
                continue;
            }
            if item.is_empty() {
                continue;
            }
            pending_list_key = None;
        }
        if line.starts_with([' ', '\t', '#', '-']) {
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let key = key.trim();
        if key.is_empty()
            || !key
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
        {
            continue;
        }
        any_key = true;
        let value = value.trim();
        if value.is_empty() {
            pending_list_key = Some(key.to_owned());
        } else if let Some(list) = value.strip_prefix('[') {
            let list = list.trim_end().trim_end_matches(']');
            if let Some(first) = list.split(',').next() {
                fields.set(key, unquote(first).to_owned());
            }
        } else {
            fields.set(key, unquote(value).to_owned());
        }
    }
    any_key.then_some(fields)
}

/// Reads the TOML table with the toml crate; invalid TOML yields no fields but
/// the block is still front matter.
fn toml_fields(content: &str) -> Fields {
    let mut fields = Fields::default();
    let Ok(table) = content.parse::<toml::Table>() else {
        return fields;
    };
    for (key, value) in &table {
        let text = match value {
            toml::Value::String(s) => Some(s.clone()),
            toml::Value::Datetime(d) => Some(d.to_string()),
            toml::Value::Array(items) => items.first().and_then(|v| match v {
                toml::Value::String(s) => Some(s.clone()),
                toml::Value::Table(t) => t.get("name").and_then(|n| n.as_str()).map(str::to_owned),
                _ => None,
            }),
            toml::Value::Table(t) => t.get("name").and_then(|n| n.as_str()).map(str::to_owned),
            _ => None,
        };
        if let Some(text) = text {
            fields.set(key, text);
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn yaml_front_matter_is_read_and_skipped() {
        let src = "---\ntitle: \"A \\x Day\"\nauthor: 'Jane Doe'\ndate: 2021-04-15\ntags: [a]\n---\n\n# Body\n";
        let (m, start) = split(src);
        assert_eq!(m.title.as_deref(), Some("A \\x Day"));
        assert_eq!(m.author.as_deref(), Some("Jane Doe"));
        assert_eq!(m.date_text.as_deref(), Some("2021-04-15"));
        assert_eq!(m.date, NaiveDate::from_ymd_opt(2021, 4, 15));
        assert_eq!(&src[start..], "\n# Body\n");
    }

    #[test]
    fn yaml_author_lists_give_the_first_entry() {
        let (m, _) = split("---\nauthors:\n  - Ann\n  - Bob\n---\n");
        assert_eq!(m.author.as_deref(), Some("Ann"));
        let (m, _) = split("---\nby: [\"Cy\", Di]\n---\n");
        assert_eq!(m.author.as_deref(), Some("Cy"));
    }

    #[test]
    fn toml_front_matter_is_read_and_skipped() {
        let src = "+++\ntitle = \"T\"\nauthors = [\"A\", \"B\"]\ndate = 2020-03-03\n+++\nbody";
        let (m, start) = split(src);
        assert_eq!(m.title.as_deref(), Some("T"));
        assert_eq!(m.author.as_deref(), Some("A"));
        assert_eq!(m.date, NaiveDate::from_ymd_opt(2020, 3, 3));
        assert_eq!(&src[start..], "body");
    }

    #[test]
    fn front_matter_values_are_sanitized() {
        let (m, _) = split("---\ntitle: a\x1b]0;x\x07b\n---\n");
        assert_eq!(m.title.as_deref(), Some("a␛]0;x␇b"));
    }

    #[test]
    fn not_front_matter() {
        assert_eq!(split("no\n---\n").1, 0);
        assert_eq!(split("---\nJust a heading\n---\n").1, 0);
        assert_eq!(split("---\ntitle: unclosed\n").1, 0);
        assert_eq!(split("").1, 0);
    }
}
