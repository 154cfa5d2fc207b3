//! `gloss import --from omnivore EXPORT.zip DIR`: Omnivore's export (the
//! service shut down in November 2024) is a zip holding
//!
//! - `metadata_<from>_to_<to>.json`: an array of items (`id`, `slug`,
//!   `title`, `description`, `author`, `url`, `state`, `labels` (names),
//!   `savedAt`, `updatedAt`, `publishedAt`...);
//! - `content/<slug>.html`: each article's readable page (`.pdf` for PDFs);
//! - `highlights/<slug>.md`: for an article with highlights, each one as
//!   `> quote`, then its labels (`#a #b`) and its note as paragraphs, joined
//!   by blank lines; a note on the whole article is a paragraph of its own.
//!
//! The zip is checked before anything is written: an entry whose name is
//! absolute or climbs out (`../`) makes gloss refuse the whole file, and no
//! entry is unpacked past the reader's file-size limit, so a zip bomb cannot
//! fill the disk or the memory. Entry names are only looked up, never used
//! as paths: written files are named by [`super::readlater`].

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io::Read;
use std::path::Path;

use anyhow::{Context, anyhow};
use serde::Deserialize;

use super::readlater::{
    self, Pages, ReadLaterReport, SavedArticle, SavedHighlight, Tool, parse_time, quote_id,
    text_or_none,
};
use crate::annotations::Store;
use crate::config::Config;
use crate::text;

/// At most this many entries: more is not an export but an attack on the
/// central directory's memory.
const MAX_ENTRIES: usize = 500_000;

/// Imports the Omnivore export `zip` into `dir`; see the module documentation.
pub fn run(
    store: &Store,
    config: &Config,
    zip: &Path,
    dir: &Path,
) -> anyhow::Result<ReadLaterReport> {
    let shown = text::path(zip);
    let limit = config.reader.max_file_size();
    let (articles, mut export) =
        read(zip, limit).with_context(|| format!("{shown}: nothing was imported"))?;
    readlater::import(
        store,
        config,
        Tool::Omnivore,
        &shown,
        &articles,
        &mut export,
        dir,
    )
}

/// An opened export: the zip, where its folders are, and its entries by name.
pub struct Export {
    archive: zip::ZipArchive<fs::File>,
    /// The folder holding `metadata_*.json`, `content/` and `highlights/`
    /// (empty at the top; `name/` when the zip was made of a folder).
    root: String,
    names: HashMap<String, usize>,
    limit: u64,
}

/// Opens `zip`, checks every entry name, and reads the metadata and the
/// highlight files; the pages are read one at a time later.
pub fn read(zip: &Path, limit: u64) -> anyhow::Result<(Vec<SavedArticle>, Export)> {
    let file = fs::File::open(zip).context("cannot open it")?;
    let archive =
        zip::ZipArchive::new(file).map_err(|e| anyhow!("not a zip file gloss can read ({e})"))?;
    if archive.len() > MAX_ENTRIES {
        return Err(anyhow!(
            "it holds {} entries, more than an Omnivore export has ({MAX_ENTRIES})",
            archive.len()
        ));
    }
    let mut names = HashMap::new();
    for (i, raw) in archive.file_names_raw().enumerate() {
        let name = String::from_utf8_lossy(raw).into_owned();
        if let Some(why) = unsafe_name(&name) {
            return Err(anyhow!(
                "entry \"{}\" {why}; gloss does not unpack such a zip",
                text::clean(&name)
            ));
        }
        // The first of two entries with one name wins (Omnivore's exporter
        // sometimes added a page twice).
        names.entry(name).or_insert(i);
    }
    let mut metadata: Vec<&String> = names
        .keys()
        .filter(|n| {
            let file = n.rsplit('/').next().unwrap_or(n);
            file.starts_with("metadata_") && file.ends_with(".json")
        })
        .collect();
    metadata.sort_by_key(|n| batch_start(n));
    let Some(first) = metadata.first() else {
        return Err(anyhow!(
            "it has no metadata_*.json, so it is not an Omnivore export"
        ));
    };
    let root = match first.rfind('/') {
        Some(i) => first[..=i].to_string(),
        None => String::new(),
    };
    let metadata: Vec<String> = metadata
        .into_iter()
        .filter(|n| n.starts_with(&root))
        .cloned()
        .collect();
    let mut export = Export {
        archive,
        root,
        names,
        limit,
    };
    let mut articles = Vec::new();
    let mut seen = HashSet::new();
    for name in &metadata {
        let bytes = export.entry(name)?;
        let items: Vec<Item> = serde_json::from_slice(&bytes)
            .map_err(|e| anyhow!("{}: not an Omnivore metadata file ({e})", text::clean(name)))?;
        for item in items {
            let id = item.id.clone().unwrap_or_default();
            let slug = item.slug.clone().unwrap_or_default();
            if id.is_empty() && slug.is_empty() {
                return Err(anyhow!(
                    "{}: an item has neither an id nor a slug",
                    text::clean(name)
                ));
            }
            let key = if id.is_empty() {
                slug.clone()
            } else {
                id.clone()
            };
            if !seen.insert(key.clone()) {
                continue;
            }
            let highlights_name = format!("{}highlights/{slug}.md", export.root);
            let (highlights, page_notes) = if slug.is_empty() {
                (Vec::new(), Vec::new())
            } else if export.names.contains_key(&highlights_name) {
                let bytes = export.entry(&highlights_name)?;
                parse_highlights(&String::from_utf8_lossy(&bytes), &key)
            } else {
                (Vec::new(), Vec::new())
            };
            articles.push(item.into_article(key, highlights, page_notes));
        }
    }
    Ok((articles, export))
}

impl Export {
    /// The bytes of entry `name`, refused past the size limit (counted as
    /// unpacked, not as the zip claims).
    fn entry(&mut self, name: &str) -> anyhow::Result<Vec<u8>> {
        let index = *self
            .names
            .get(name)
            .ok_or_else(|| anyhow!("the export has no {}", text::clean(name)))?;
        let limit = self.limit;
        let file = self
            .archive
            .by_index(index)
            .map_err(|e| anyhow!("cannot unpack {}: {e}", text::clean(name)))?;
        let too_big = || {
            anyhow!(
                "{} unpacks to more than {} MiB, the reader's file-size limit (a zip bomb?)",
                text::clean(name),
                limit / (1024 * 1024)
            )
        };
        if file.size() > limit {
            return Err(too_big());
        }
        let mut bytes = Vec::new();
        file.take(limit + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| anyhow!("cannot unpack {}: {e}", text::clean(name)))?;
        if bytes.len() as u64 > limit {
            return Err(too_big());
        }
        Ok(bytes)
    }
}

impl Pages for Export {
    fn html(&mut self, article: &SavedArticle) -> Result<String, String> {
        let html = format!("{}content/{}.html", self.root, article.name_hint);
        if self.names.contains_key(&html) {
            let bytes = self.entry(&html).map_err(|e| e.to_string())?;
            return Ok(String::from_utf8_lossy(&bytes).into_owned());
        }
        let pdf = format!("{}content/{}.pdf", self.root, article.name_hint);
        if self.names.contains_key(&pdf) {
            return Err(format!(
                "it is a PDF ({}), which this import does not unpack",
                text::clean(&pdf)
            ));
        }
        Err(format!("the export has no {}", text::clean(&html)))
    }
}

/// Why an entry name is refused: absolute, climbing out, or not a plain
/// name; `None` when it is safe.
fn unsafe_name(name: &str) -> Option<&'static str> {
    if name.contains('\0') {
        return Some("has a NUL in its name");
    }
    if name.starts_with('/') || name.starts_with('\\') {
        return Some("has an absolute path");
    }
    let bytes = name.as_bytes();
    if bytes.len() >= 2 && bytes[1] == b':' && bytes[0].is_ascii_alphabetic() {
        return Some("has an absolute path (a drive letter)");
    }
    if name.split(['/', '\\']).any(|part| part == "..") {
        return Some("climbs out of the archive (..)");
    }
    None
}

/// The `0` of `metadata_0_to_20.json`, so batches are read in order.
fn batch_start(name: &str) -> u64 {
    let file = name.rsplit('/').next().unwrap_or(name);
    file.trim_start_matches("metadata_")
        .split('_')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(u64::MAX)
}

/// One item of `metadata_*.json`; every field optional, unknown ones
/// ignored (the export changed over Omnivore's life).
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct Item {
    #[serde(deserialize_with = "text_or_none")]
    id: Option<String>,
    #[serde(deserialize_with = "text_or_none")]
    slug: Option<String>,
    #[serde(deserialize_with = "text_or_none")]
    title: Option<String>,
    #[serde(deserialize_with = "text_or_none")]
    author: Option<String>,
    #[serde(deserialize_with = "text_or_none")]
    url: Option<String>,
    #[serde(deserialize_with = "text_or_none")]
    original_url: Option<String>,
    #[serde(deserialize_with = "text_or_none")]
    saved_at: Option<String>,
    #[serde(deserialize_with = "text_or_none")]
    published_at: Option<String>,
    labels: Option<Vec<Label>>,
}

/// A label: its name (the export), or an object with a `name` (the API).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Label {
    Name(String),
    Object { name: String },
}

impl Item {
    fn into_article(
        self,
        id: String,
        highlights: Vec<SavedHighlight>,
        page_notes: Vec<String>,
    ) -> SavedArticle {
        let slug = self.slug.unwrap_or_default();
        SavedArticle {
            id,
            title: self
                .title
                .filter(|t| !t.trim().is_empty())
                .unwrap_or_else(|| slug.clone()),
            name_hint: slug,
            author: self.author.unwrap_or_default(),
            url: self.url.or(self.original_url).unwrap_or_default(),
            saved: self.saved_at.as_deref().and_then(parse_time),
            published: self.published_at.as_deref().and_then(parse_time),
            labels: self
                .labels
                .unwrap_or_default()
                .into_iter()
                .map(|l| match l {
                    Label::Name(n) | Label::Object { name: n } => n,
                })
                .collect(),
            highlights,
            page_notes,
        }
    }
}

/// The highlights of one `highlights/<slug>.md` and its notes on the whole
/// article. Each `> ` block is a quote (its lines without `> `, lines the
/// exporter left unmarked included); a paragraph of `#labels` right after it
/// is its labels; the paragraphs after that, up to the next quote, its note.
/// Paragraphs before the first quote are notes on the article.
pub fn parse_highlights(md: &str, article: &str) -> (Vec<SavedHighlight>, Vec<String>) {
    let md = md.replace("\r\n", "\n");
    let mut blocks: Vec<Vec<&str>> = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in md.split('\n') {
        if line.trim().is_empty() {
            if !current.is_empty() {
                blocks.push(std::mem::take(&mut current));
            }
        } else {
            current.push(line);
        }
    }
    if !current.is_empty() {
        blocks.push(current);
    }
    let mut highlights: Vec<SavedHighlight> = Vec::new();
    let mut page_notes = Vec::new();
    // Whether the current highlight has had a paragraph after its quote.
    let mut after_quote = false;
    for block in blocks {
        let first = block.first().copied().unwrap_or("");
        if first.starts_with('>') {
            let lines: Vec<&str> = block
                .iter()
                .map(|l| {
                    l.strip_prefix("> ")
                        .or_else(|| l.strip_prefix('>'))
                        .unwrap_or(l)
                })
                .collect();
            highlights.push(SavedHighlight {
                quote: lines.join("\n").trim().to_string(),
                ..SavedHighlight::default()
            });
            after_quote = false;
            continue;
        }
        let paragraph = block.join("\n");
        let Some(h) = highlights.last_mut() else {
            page_notes.push(paragraph.trim().to_string());
            continue;
        };
        let is_labels = paragraph
            .split_whitespace()
            .all(|w| w.len() > 1 && w.starts_with('#') && !w[1..].contains('#'));
        if !after_quote && is_labels {
            h.tags = paragraph
                .split_whitespace()
                .map(|w| w.trim_start_matches('#').to_string())
                .collect();
        } else if h.note.is_empty() {
            h.note = paragraph.trim().to_string();
        } else {
            h.note.push_str("\n\n");
            h.note.push_str(paragraph.trim());
        }
        after_quote = true;
    }
    highlights.retain(|h| !h.quote.is_empty());
    let mut copies: HashMap<String, usize> = HashMap::new();
    for h in &mut highlights {
        let copy = copies.entry(h.quote.clone()).or_insert(0);
        h.via = quote_id(Tool::Omnivore, article, &h.quote, *copy);
        *copy += 1;
    }
    (highlights, page_notes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlight_files_are_read_as_omnivore_wrote_them() {
        // As Omnivore's highlightToMarkdown joined them: quote (blank lines
        // inside it became "> "), a space, labels, note.
        let md = "A note on the whole page\n\n\
                  > First quote \n\n#work #read\n\nMy note\n\nsecond paragraph\n\n\
                  > Two paras\n> \nsecond para \n\n\
                  > First quote ";
        let (hs, page) = parse_highlights(md, "item-1");
        assert_eq!(page, ["A note on the whole page"]);
        assert_eq!(hs.len(), 3);
        assert_eq!(hs[0].quote, "First quote");
        assert_eq!(hs[0].tags, ["work", "read"]);
        assert_eq!(hs[0].note, "My note\n\nsecond paragraph");
        assert_eq!(hs[1].quote, "Two paras\n\nsecond para");
        assert_eq!(hs[1].note, "");
        assert_eq!(hs[2].quote, "First quote");
        assert_ne!(hs[0].via, hs[2].via, "copies get ids of their own");
        assert!(hs[0].via.starts_with("omnivore:item-1/"));
    }

    #[test]
    fn entry_names_that_leave_the_archive_are_refused() {
        assert!(unsafe_name("content/a.html").is_none());
        assert!(unsafe_name("/etc/passwd").is_some());
        assert!(unsafe_name("content/../../etc/x.html").is_some());
        assert!(unsafe_name("C:/Windows/x").is_some());
        assert!(unsafe_name("..\\x").is_some());
    }
}
