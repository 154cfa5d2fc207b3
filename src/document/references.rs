//! Link reference definitions (`[label]: https://...`) gathered from the
//! whole source before any part is parsed. gloss parses a Markdown article a
//! segment at a time, so a `[text][label]` link far from its definition
//! (the Node.js docs keep every definition at the end of the file) would
//! otherwise lead nowhere. One pass over the lines, skipping fenced code.

use std::collections::HashMap;

/// Definitions by normalised label.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct References(HashMap<String, String>);

/// A label as CommonMark matches it: case-insensitive, inner whitespace
/// collapsed, outer whitespace dropped.
pub fn normalize(label: &str) -> String {
    label
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

impl References {
    /// Every definition in `source`; the first definition of a label wins,
    /// as in CommonMark.
    pub fn gather(source: &str) -> Self {
        let mut map = HashMap::new();
        let mut fence: Option<(char, usize)> = None;
        let mut lines = source.lines().peekable();
        while let Some(line) = lines.next() {
            let indent = line.len() - line.trim_start_matches(' ').len();
            let body = line.trim_start_matches(' ');
            if indent <= 3
                && let Some((c, n)) = fence_mark(body)
            {
                match fence {
                    None => fence = Some((c, n)),
                    Some((open, len))
                        if open == c && n >= len && body.trim_end().chars().all(|x| x == c) =>
                    {
                        fence = None;
                    }
                    Some(_) => {}
                }
                continue;
            }
            if fence.is_some() || indent > 3 || !body.starts_with('[') {
                continue;
            }
            let Some((label, rest)) = split_definition(body) else {
                continue;
            };
            let rest = rest.trim();
            let dest = if rest.is_empty() {
                lines.peek().map(|next| next.trim()).unwrap_or("")
            } else {
                rest
            };
            let Some(url) = destination(dest) else {
                continue;
            };
            map.entry(normalize(label)).or_insert(url);
        }
        Self(map)
    }

    /// The target of `label`, if defined.
    pub fn get(&self, label: &str) -> Option<&str> {
        self.0.get(&normalize(label)).map(String::as_str)
    }
}

/// A code fence's character and length, if `line` opens or closes one.
fn fence_mark(line: &str) -> Option<(char, usize)> {
    let c = line.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let n = line.chars().take_while(|x| *x == c).count();
    (n >= 3).then_some((c, n))
}

/// `[label]: rest` split into the label and what follows the colon. A
/// footnote definition (`[^1]:`) is not a link reference.
fn split_definition(line: &str) -> Option<(&str, &str)> {
    let inner = line.strip_prefix('[')?;
    let mut escaped = false;
    for (i, c) in inner.char_indices() {
        match c {
            '\\' if !escaped => {
                escaped = true;
                continue;
            }
            '[' if !escaped => return None,
            ']' if !escaped => {
                let label = &inner[..i];
                let rest = inner[i + 1..].strip_prefix(':')?;
                if label.trim().is_empty() || label.starts_with('^') {
                    return None;
                }
                return Some((label, rest));
            }
            _ => {}
        }
        escaped = false;
    }
    None
}

/// The destination at the start of `s`: `<...>` or the first word.
fn destination(s: &str) -> Option<String> {
    let url = if let Some(inner) = s.strip_prefix('<') {
        inner.split_once('>')?.0
    } else {
        s.split_whitespace().next()?
    };
    (!url.is_empty()).then(|| url.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn definitions_anywhere_are_found_but_not_in_code() {
        let src = "Text [a][] and [B c][x].\n\n```\n[code]: https://no\n```\n\n[a]: https://a.example \"Title\"\n  [X]:\n    <https://x.example/with space>\n[^1]: a footnote\n[a]: https://second\n    [indented]: https://no\n";
        let refs = References::gather(src);
        assert_eq!(refs.get("A"), Some("https://a.example"));
        assert_eq!(refs.get("x"), Some("https://x.example/with space"));
        assert_eq!(refs.get(" b  C "), None);
        assert_eq!(refs.get("code"), None);
        assert_eq!(refs.get("^1"), None);
        assert_eq!(refs.get("indented"), None);
        assert_eq!(normalize("  `Buffer`   Class "), "`buffer` class");
    }

    #[test]
    fn a_definition_far_below_the_first_screens_is_used() {
        use crate::document::{Document, Format, ParseOptions};
        let mut src = String::from("# T\n\nSee [`Buffer`][] and [the API][api].\n\n");
        for i in 0..3000 {
            src.push_str(&format!("Filler paragraph {i} of the article.\n\n"));
        }
        src.push_str("[`Buffer`]: buffer.md#class-buffer\n[API]: https://nodejs.org/api/\n");
        let doc = Document::new(&src, Format::Markdown, ParseOptions::default());
        assert!(!doc.is_complete(), "the definitions are not parsed yet");
        let links: Vec<(&str, &str)> = doc
            .links()
            .iter()
            .map(|l| (doc.slice(l.range.clone()), l.url.as_str()))
            .collect();
        assert_eq!(
            links,
            [
                ("Buffer", "buffer.md#class-buffer"),
                ("the API", "https://nodejs.org/api/")
            ]
        );
    }
}
