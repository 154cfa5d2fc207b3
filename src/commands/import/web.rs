//! Finding the local article a web address names: annotations made in a
//! browser (Hypothesis) point at the page's URL, while the reader keeps a
//! copy of the page saved by a web clipper, whose front matter records where
//! it came from. `--map URL=PATH` names the copy when the front matter does
//! not.

use std::collections::HashMap;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::library;

/// Front matter keys that web clippers and note apps write for a page's
/// address (Obsidian Web Clipper `source`, MarkDownload `url`, Zotero and
/// others `link`, `original_url`...).
pub const URL_KEYS: &[&str] = &[
    "source",
    "url",
    "link",
    "original_url",
    "source_url",
    "canonical_url",
    "canonical",
    "href",
];

/// How much of a file is read looking for its front matter.
const HEAD_BYTES: u64 = 64 * 1024;

/// A local article found for a web address, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebMatch {
    /// The article file.
    pub path: PathBuf,
    /// How it was matched, for the summary ("--map", "front matter `url`").
    pub how: String,
}

/// The web addresses of the articles in the library, read once per import.
#[derive(Debug, Default)]
pub struct WebIndex {
    by_url: HashMap<String, Vec<(PathBuf, &'static str)>>,
}

impl WebIndex {
    /// Reads the front matter of every article under `roots` (the library).
    pub fn build(roots: &[PathBuf], limit: u64) -> Self {
        let mut by_url: HashMap<String, Vec<(PathBuf, &'static str)>> = HashMap::new();
        for article in library::scan_within(roots, limit).articles {
            let library::Source::File(path) = article.source else {
                continue;
            };
            let Some(head) = head_of(&path) else { continue };
            for (key, url) in front_matter_urls(&head) {
                by_url
                    .entry(normalize(&url))
                    .or_default()
                    .push((path.clone(), key));
            }
        }
        Self { by_url }
    }

    /// The article for `url`: from `maps` (the command line) first, else the
    /// front matter of exactly one article; why not otherwise.
    pub fn find(&self, url: &str, maps: &[(String, PathBuf)]) -> Result<WebMatch, String> {
        let key = normalize(url);
        if let Some((_, path)) = maps.iter().find(|(u, _)| normalize(u) == key) {
            return Ok(WebMatch {
                path: path.clone(),
                how: "--map".into(),
            });
        }
        match self.by_url.get(&key).map(Vec::as_slice) {
            Some([(path, field)]) => Ok(WebMatch {
                path: path.clone(),
                how: format!("front matter `{field}`"),
            }),
            Some(many) if many.len() > 1 => Err(format!(
                "{url} is the source of {} articles ({}); name one with --map {url}=PATH",
                many.len(),
                many.iter()
                    .map(|(p, _)| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            _ => Err(format!(
                "no article in the library names {url} in its front matter ({}); \
                 add --map {url}=PATH",
                URL_KEYS.join(", ")
            )),
        }
    }
}

/// The start of a file, where front matter is, as text.
fn head_of(path: &Path) -> Option<String> {
    let mut bytes = Vec::new();
    fs::File::open(path)
        .ok()?
        .take(HEAD_BYTES)
        .read_to_end(&mut bytes)
        .ok()?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

/// `(key, address)` for each URL key in a YAML (`---`) or TOML (`+++`)
/// front matter block at the start of `text`.
pub fn front_matter_urls(text: &str) -> Vec<(&'static str, String)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.lines();
    let delim = match lines.next().map(str::trim_end) {
        Some("---") => "---",
        Some("+++") => "+++",
        _ => return Vec::new(),
    };
    let mut out = Vec::new();
    for line in lines {
        let trimmed = line.trim_end();
        if trimmed == delim || (delim == "---" && trimmed == "...") {
            return out;
        }
        // Top-level keys only: nested values are indented.
        if line.starts_with([' ', '\t']) {
            continue;
        }
        let sep = if delim == "+++" { '=' } else { ':' };
        let Some((key, value)) = line.split_once(sep) else {
            continue;
        };
        let key = key.trim().trim_matches(['"', '\'']).to_ascii_lowercase();
        let Some(known) = URL_KEYS.iter().find(|k| **k == key) else {
            continue;
        };
        let value = value.trim().trim_matches(['"', '\'']).trim();
        if value.contains("://") {
            out.push((*known, value.to_string()));
        }
    }
    // No closing delimiter: not front matter.
    Vec::new()
}

/// One spelling per address: the fragment dropped, the scheme and host in
/// lower case, `http` and `https` alike, no trailing slash.
pub fn normalize(url: &str) -> String {
    let url = url.trim();
    let url = url.split_once('#').map_or(url, |(u, _)| u);
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let scheme = match scheme.to_ascii_lowercase().as_str() {
        "http" | "https" => "https".to_string(),
        other => other.to_string(),
    };
    let (host, path) = rest.split_once('/').map_or((rest, ""), |(h, p)| (h, p));
    let path = path.trim_end_matches('/');
    if path.is_empty() {
        format!("{scheme}://{}", host.to_ascii_lowercase())
    } else {
        format!("{scheme}://{}/{path}", host.to_ascii_lowercase())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_compared_in_one_spelling() {
        assert_eq!(
            normalize("HTTP://Example.COM/a/b/#section"),
            normalize("https://example.com/a/b")
        );
        assert_ne!(normalize("https://e.com/a"), normalize("https://e.com/b"));
    }

    #[test]
    fn front_matter_keys_of_web_clippers_are_read() {
        let yaml = "---\ntitle: \"A page\"\nsource: \"https://e.com/a\"\ntags:\n  - url: https://nested.example\n---\nBody url: https://body.example\n";
        assert_eq!(
            front_matter_urls(yaml),
            [("source", "https://e.com/a".to_string())]
        );
        let toml = "+++\nurl = \"https://e.com/t\"\n+++\n";
        assert_eq!(
            front_matter_urls(toml),
            [("url", "https://e.com/t".to_string())]
        );
        assert!(front_matter_urls("no front matter\nurl: https://x.y\n").is_empty());
        assert!(
            front_matter_urls("---\nurl: https://x.y\n").is_empty(),
            "unclosed"
        );
    }
}
