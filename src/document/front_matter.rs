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
            source_url: None,
            date_text,
        }
    }
}

/// Reads the YAML mapping with yaml-rust2, a maintained YAML 1.2 parser, so
/// quoting and escapes (`"A \\"quoted\\" word"`) mean what YAML says. `None`
/// when the block is not a YAML mapping (a `---` rule followed by text, or
/// invalid YAML), so it is left to the Markdown parser and shown as written.
fn yaml_fields(content: &str) -> Option<Fields> {
    if content.trim().is_empty() {
        return Some(Fields::default());
    }
    let docs = yaml_rust2::YamlLoader::load_from_str(content).ok()?;
    let yaml_rust2::Yaml::Hash(map) = docs.into_iter().next()? else {
        return None;
    };
    let mut fields = Fields::default();
    for (key, value) in &map {
        let (Some(key), Some(text)) = (yaml_scalar(key), yaml_text(value)) else {
            continue;
        };
        fields.set(&key, text);
    }
    Some(fields)
}

/// A scalar as text (`title: 1984` is a title too).
fn yaml_scalar(value: &yaml_rust2::Yaml) -> Option<String> {
    use yaml_rust2::Yaml;
    match value {
        Yaml::String(s) | Yaml::Real(s) => Some(s.clone()),
        Yaml::Integer(i) => Some(i.to_string()),
        Yaml::Boolean(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A field's value: a scalar, the first entry of a list, or the `name` of a
/// mapping (`author: {name: Ann}`, `authors: [{name: Ann}]`).
fn yaml_text(value: &yaml_rust2::Yaml) -> Option<String> {
    use yaml_rust2::Yaml;
    match value {
        Yaml::Array(items) => items.first().and_then(yaml_text),
        Yaml::Hash(map) => map
            .iter()
            .find(|(k, _)| k.as_str() == Some("name"))
            .and_then(|(_, v)| yaml_scalar(v)),
        other => yaml_scalar(other),
    }
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
        let src = "---\ntitle: \"A \\\"Big\\\" Day\"\nauthor: 'Jane O''Doe'\ndate: 2021-04-15\ntags: [a]\n---\n\n# Body\n";
        let (m, start) = split(src);
        assert_eq!(m.title.as_deref(), Some("A \"Big\" Day"));
        assert_eq!(m.author.as_deref(), Some("Jane O'Doe"));
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
    fn yaml_is_read_by_a_real_parser() {
        // Escapes, folded blocks, numbers and author mappings.
        let (m, _) = split(
            "---\ntitle: \"Caf\\u00e9 \\\"Noir\\\"\"\nauthor:\n  name: Ann Lee\n  email: a@b\n---\n",
        );
        assert_eq!(m.title.as_deref(), Some("Café \"Noir\""));
        assert_eq!(m.author.as_deref(), Some("Ann Lee"));
        let (m, _) =
            split("---\ntitle: >\n  A long title\n  over two lines\nauthors: [{name: Bo}]\n---\n");
        assert_eq!(m.title.as_deref(), Some("A long title over two lines"));
        assert_eq!(m.author.as_deref(), Some("Bo"));
        let (m, _) = split("---\ntitle: 1984\n---\n");
        assert_eq!(m.title.as_deref(), Some("1984"));
    }

    #[test]
    fn invalid_yaml_is_shown_as_written() {
        // Nothing is lost: the block stays in the body for the reader.
        assert_eq!(split("---\ntitle: \"unclosed\n---\nbody").1, 0);
        assert_eq!(split("---\n- a list\n- not a mapping\n---\n").1, 0);
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
