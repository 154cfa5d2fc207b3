//! Finding things in the config's source text: which line and column a byte
//! offset is on, which key a parse error points into, and where a key is
//! written. Error messages need these so the user can go straight to the
//! mistake; serde alone only knows the Rust field names.

use std::fmt;
use std::ops::Range;

use toml::de::{DeTable, DeValue};

/// One step into the config: a table key or an array position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Seg {
    /// A key in a table.
    Key(String),
    /// A position in an array (0-based).
    Index(usize),
}

/// A dotted key path as shown to the user, e.g. `reader.reading_width` or
/// `highlights.palette[2].background`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct KeyPath(pub(crate) Vec<Seg>);

impl KeyPath {
    /// A path of plain keys.
    pub(crate) fn keys(keys: &[&str]) -> Self {
        KeyPath(keys.iter().map(|k| Seg::Key((*k).to_string())).collect())
    }

    /// This path extended by one key.
    pub(crate) fn key(mut self, key: &str) -> Self {
        self.0.push(Seg::Key(key.to_string()));
        self
    }

    /// This path extended by one array position.
    pub(crate) fn index(mut self, index: usize) -> Self {
        self.0.push(Seg::Index(index));
        self
    }

    /// The path without its last step.
    pub(crate) fn parent(&self) -> KeyPath {
        let mut segs = self.0.clone();
        segs.pop();
        KeyPath(segs)
    }

    /// Whether the path has no steps (the top level).
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether the path starts with the given keys.
    pub(crate) fn starts_with(&self, keys: &[&str]) -> bool {
        keys.len() <= self.0.len()
            && keys
                .iter()
                .zip(&self.0)
                .all(|(want, seg)| matches!(seg, Seg::Key(k) if k == want))
    }
}

fn is_bare(key: &str) -> bool {
    !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

impl fmt::Display for KeyPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Seg::Key(k) => {
                    if i > 0 {
                        f.write_str(".")?;
                    }
                    if is_bare(k) {
                        f.write_str(k)?;
                    } else {
                        write!(f, "{k:?}")?;
                    }
                }
                Seg::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// 1-based line and column (in characters) of a byte offset; offsets past
/// the end or inside a character are clamped rather than trusted.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = text.get(..offset).unwrap_or_default();
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before.get(line_start..).unwrap_or_default().chars().count() + 1;
    (line, column)
}

/// Every key and array item in the document with the span of its key (or
/// item) and of its value.
struct Entry {
    path: KeyPath,
    key: Range<usize>,
    value: Range<usize>,
}

fn collect_value(value: &DeValue<'_>, path: &KeyPath, out: &mut Vec<Entry>) {
    match value {
        DeValue::Table(table) => collect_table(table, path, out),
        DeValue::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let item_path = path.clone().index(i);
                out.push(Entry {
                    path: item_path.clone(),
                    key: item.span(),
                    value: item.span(),
                });
                collect_value(item.get_ref(), &item_path, out);
            }
        }
        _ => {}
    }
}

fn collect_table(table: &DeTable<'_>, path: &KeyPath, out: &mut Vec<Entry>) {
    for (key, value) in table.iter() {
        let key_path = path.clone().key(key.get_ref());
        out.push(Entry {
            path: key_path.clone(),
            key: key.span(),
            value: value.span(),
        });
        collect_value(value.get_ref(), &key_path, out);
    }
}

fn entries(text: &str) -> Vec<Entry> {
    let mut out = Vec::new();
    if let Ok(root) = DeTable::parse(text) {
        collect_table(root.get_ref(), &KeyPath::default(), &mut out);
    }
    out
}

/// The key a byte offset (from a parse error) falls on or inside: the
/// narrowest key whose name contains it, else the narrowest value.
pub(crate) fn path_at(text: &str, offset: usize) -> Option<KeyPath> {
    let all = entries(text);
    let narrowest = |pick: fn(&Entry) -> &Range<usize>| {
        all.iter()
            .filter(|e| {
                let r = pick(e);
                r.start <= offset && offset < r.end.max(r.start + 1)
            })
            .min_by_key(|e| pick(e).len())
            .map(|e| e.path.clone())
    };
    narrowest(|e| &e.key).or_else(|| narrowest(|e| &e.value))
}

/// Byte offset where a key is written, or where its nearest written parent
/// is when the key itself comes from the defaults.
pub(crate) fn offset_of(text: &str, path: &KeyPath) -> Option<usize> {
    let all = entries(text);
    let mut path = path.clone();
    loop {
        if path.is_empty() {
            return None;
        }
        if let Some(entry) = all.iter().find(|e| e.path == path) {
            return Some(entry.key.start);
        }
        path = path.parent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "library = [\"~/papers\"]\n\n[reader]\nreading_width = 72\n\n[[highlights.palette]]\nname = \"red\"\nbackground = \"#aa0000\"\n\n[keys.reader]\n\"?\" = \"help\"\n";

    /// Config text whose keys and values hold an OSC title sequence, a CSI,
    /// a raw C1 CSI and a bidi override, in every place an error names.
    #[test]
    fn config_errors_never_echo_control_characters() {
        let cases = [
            "[reader]\n\"\\u001b]0;owned\\u0007\" = 1\n",
            "[keys.reader]\n\"\\u001b[2J\" = \"quit\"\n",
            "[keys.reader]\n\"\\u009b6n\\u202e\" = \"quit\"\n",
            "[keys.reader]\nj = \"\\u001b]52;c;eA==\\u0007\"\n",
            "[reader]\nreading_width = \"\\u001b]0;owned\\u0007\"\n",
            "[highlights]\ndefault = \"\\u001b]0;owned\\u0007\u{202e}\"\n",
            "\"\\u001b]0;owned\\u0007\" = 1\n",
        ];
        for text in cases {
            let err = crate::config::parse(text, std::path::Path::new("config.toml"))
                .expect_err(text)
                .to_string();
            let bad: Vec<char> = err
                .chars()
                .filter(|&c| c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c))
                .collect();
            assert!(bad.is_empty(), "{text:?} gave {err:?}");
        }
    }

    #[test]
    fn line_and_column_are_one_based_and_count_characters() {
        assert_eq!(line_col("abc", 0), (1, 1));
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
        assert_eq!(line_col("é = 1\nx", 3), (1, 3));
        assert_eq!(line_col("ab", 99), (1, 3));
        // Inside a multi-byte character: clamped to its start.
        assert_eq!(line_col("é", 1), (1, 1));
    }

    #[test]
    fn key_paths_display_like_toml() {
        assert_eq!(
            KeyPath::keys(&["reader", "tab_width"]).to_string(),
            "reader.tab_width"
        );
        let p = KeyPath::keys(&["highlights", "palette"])
            .index(2)
            .key("name");
        assert_eq!(p.to_string(), "highlights.palette[2].name");
        assert_eq!(
            KeyPath::keys(&["keys", "reader", "?"]).to_string(),
            "keys.reader.\"?\""
        );
    }

    #[test]
    fn keys_are_found_where_written() {
        let at = |p: &KeyPath| line_col(TEXT, offset_of(TEXT, p).unwrap());
        assert_eq!(at(&KeyPath::keys(&["reader", "reading_width"])), (4, 1));
        let bg = KeyPath::keys(&["highlights", "palette"])
            .index(0)
            .key("background");
        assert_eq!(at(&bg), (8, 1));
        assert_eq!(at(&KeyPath::keys(&["keys", "reader", "?"])), (11, 1));
        // A default not written in the file points at its written parent.
        let (line, _) = at(&KeyPath::keys(&["reader", "tab_width"]));
        assert_eq!(line, 3);
        assert_eq!(offset_of(TEXT, &KeyPath::keys(&["export", "format"])), None);
    }

    #[test]
    fn offsets_map_back_to_keys() {
        let offset = TEXT.find("72").unwrap();
        assert_eq!(
            path_at(TEXT, offset),
            Some(KeyPath::keys(&["reader", "reading_width"]))
        );
        let offset = TEXT.find("reading_width").unwrap();
        assert_eq!(
            path_at(TEXT, offset),
            Some(KeyPath::keys(&["reader", "reading_width"]))
        );
    }
}
