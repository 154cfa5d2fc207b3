//! `gloss import --from wallabag EXPORT.json DIR`: wallabag's JSON export
//! (Export > JSON, one entry or all) is an array of entries serialized with
//! the `entries_for_user` group: `id`, `title`, `url`, `given_url`,
//! `content` (the article's HTML), `created_at`, `published_at`,
//! `published_by` (a list of names), `tags` (labels; the API writes
//! `{"label": ...}` objects), `domain_name`, and `annotations`, each with
//! `id`, `quote`, `text` (the note), `ranges` (annotator.js XPaths) and
//! `created_at`/`updated_at`. The range gives the quote's context, so a
//! quote found twice in the article is placed where it was made.

use std::collections::HashMap;
use std::fs;
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

/// Imports the wallabag export `json` into `dir`; see the module
/// documentation.
pub fn run(
    store: &Store,
    config: &Config,
    json: &Path,
    dir: &Path,
) -> anyhow::Result<ReadLaterReport> {
    let shown = text::path(json);
    let bytes = fs::read(json).with_context(|| format!("cannot read {shown}"))?;
    let (articles, mut pages) =
        parse(&bytes).with_context(|| format!("{shown}: nothing was imported"))?;
    readlater::import(
        store,
        config,
        Tool::Wallabag,
        &shown,
        &articles,
        &mut pages,
        dir,
    )
}

/// Each entry's HTML, by entry id.
pub struct Contents(HashMap<String, Option<String>>);

impl Pages for Contents {
    fn html(&mut self, article: &SavedArticle) -> Result<String, String> {
        match self.0.remove(&article.id) {
            Some(Some(html)) if !html.trim().is_empty() => Ok(html),
            _ => Err("the export has no content for it".into()),
        }
    }
}

/// The articles of a wallabag JSON export, and their pages.
pub fn parse(bytes: &[u8]) -> anyhow::Result<(Vec<SavedArticle>, Contents)> {
    let text = std::str::from_utf8(bytes).map_err(|_| anyhow!("not UTF-8 text"))?;
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| anyhow!("not valid JSON: {e}"))?;
    // One entry exported alone is an array of one; accept a bare object too.
    let values = match value {
        serde_json::Value::Array(items) => items,
        object @ serde_json::Value::Object(_) => vec![object],
        _ => {
            return Err(anyhow!(
                "not a wallabag export: expected an array of entries"
            ));
        }
    };
    let mut articles = Vec::new();
    let mut contents = HashMap::new();
    for (n, value) in values.into_iter().enumerate() {
        let entry: Entry = serde_json::from_value(value)
            .map_err(|e| anyhow!("entry {}: not a wallabag entry ({e})", n + 1))?;
        let id = entry
            .id
            .clone()
            .unwrap_or_else(|| format!("entry-{}", n + 1));
        if contents.contains_key(&id) {
            continue;
        }
        contents.insert(id.clone(), entry.content.clone());
        articles.push(entry.into_article(id));
    }
    Ok((articles, Contents(contents)))
}

/// One entry; every field optional, unknown ones ignored.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Entry {
    #[serde(deserialize_with = "text_or_none")]
    id: Option<String>,
    #[serde(deserialize_with = "text_or_none")]
    title: Option<String>,
    #[serde(deserialize_with = "text_or_none")]
    url: Option<String>,
    #[serde(deserialize_with = "text_or_none")]
    given_url: Option<String>,
    #[serde(deserialize_with = "text_or_none")]
    content: Option<String>,
    #[serde(deserialize_with = "text_or_none")]
    created_at: Option<String>,
    #[serde(deserialize_with = "text_or_none")]
    published_at: Option<String>,
    published_by: Option<Names>,
    #[serde(deserialize_with = "text_or_none")]
    domain_name: Option<String>,
    tags: Option<Vec<Tag>>,
    annotations: Option<Vec<Annotation>>,
}

/// `published_by`: a list of names, or one.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Names {
    List(Vec<Option<String>>),
    One(String),
}

/// A tag: its label (the export), or an object with a `label` (the API).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Tag {
    Label(String),
    Object { label: String },
}

/// One annotation (annotator.js's shape).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Annotation {
    #[serde(deserialize_with = "text_or_none")]
    id: Option<String>,
    #[serde(deserialize_with = "text_or_none")]
    quote: Option<String>,
    #[serde(deserialize_with = "text_or_none")]
    text: Option<String>,
    #[serde(deserialize_with = "text_or_none")]
    created_at: Option<String>,
    #[serde(deserialize_with = "text_or_none")]
    updated_at: Option<String>,
    ranges: Option<Vec<XRange>>,
}

/// Where annotator.js found the quote: an XPath from the article's root to
/// the element the quote starts in and ends in, and character offsets in
/// those elements' text.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct XRange {
    #[serde(deserialize_with = "text_or_none")]
    start: Option<String>,
    #[serde(deserialize_with = "text_or_none")]
    start_offset: Option<String>,
    #[serde(deserialize_with = "text_or_none")]
    end: Option<String>,
    #[serde(deserialize_with = "text_or_none")]
    end_offset: Option<String>,
}

/// How many characters of context around a quote are taken from its range.
const CONTEXT: usize = 32;

/// The text before and after `quote` in `html` as its annotator.js range
/// says, so a quote found twice in the article is told apart; `None` when
/// the range does not lead to the quote (the page changed since).
fn range_context(html: &scraper::Html, range: &XRange, quote: &str) -> Option<(String, String)> {
    let start = element_text(html, range.start.as_deref()?)?;
    let end = element_text(html, range.end.as_deref()?)?;
    let start_at: usize = range.start_offset.as_deref()?.trim().parse().ok()?;
    let end_at: usize = range.end_offset.as_deref()?.trim().parse().ok()?;
    let start_chars: Vec<char> = start.chars().collect();
    let end_chars: Vec<char> = end.chars().collect();
    if start_at > start_chars.len() || end_at > end_chars.len() {
        return None;
    }
    // The range must lead to the quote: its first word starts there.
    let first_word = quote.split_whitespace().next()?;
    let from: String = start_chars[start_at..].iter().collect();
    if !from.trim_start().starts_with(first_word) {
        return None;
    }
    let prefix: String = start_chars[start_at.saturating_sub(CONTEXT)..start_at]
        .iter()
        .collect();
    let suffix: String = end_chars[end_at..].iter().take(CONTEXT).collect();
    Some((prefix, suffix))
}

/// The text of the element an annotator.js XPath (`/div[1]/p[3]`, tag
/// names with 1-based positions among same-named siblings) names, from
/// the root of the article's HTML.
fn element_text(html: &scraper::Html, xpath: &str) -> Option<String> {
    let mut node = html.root_element();
    for step in xpath.split('/').filter(|s| !s.is_empty()) {
        let (tag, n) = match step.split_once('[') {
            Some((tag, rest)) => (tag, rest.trim_end_matches(']').parse::<usize>().ok()?),
            None => (step, 1),
        };
        node = node
            .children()
            .filter_map(scraper::ElementRef::wrap)
            .filter(|e| e.value().name().eq_ignore_ascii_case(tag))
            .nth(n.checked_sub(1)?)?;
    }
    Some(node.text().collect())
}

impl Entry {
    fn into_article(self, id: String) -> SavedArticle {
        let url = self.url.or(self.given_url).unwrap_or_default();
        let author = match self.published_by {
            Some(Names::List(names)) => names
                .into_iter()
                .flatten()
                .filter(|n| !n.trim().is_empty())
                .collect::<Vec<_>>()
                .join(", "),
            Some(Names::One(name)) => name,
            None => String::new(),
        };
        let author = if author.trim().is_empty() {
            self.domain_name.unwrap_or_default()
        } else {
            author
        };
        let mut copies: HashMap<String, usize> = HashMap::new();
        let annotations = self.annotations.unwrap_or_default();
        let page = annotations
            .iter()
            .any(|a| a.ranges.as_ref().is_some_and(|r| !r.is_empty()))
            .then(|| scraper::Html::parse_fragment(self.content.as_deref().unwrap_or("")));
        let highlights = annotations
            .into_iter()
            .filter_map(|a| {
                let quote = a.quote.filter(|q| !q.trim().is_empty())?;
                let quote = quote.trim().to_string();
                let via = match &a.id {
                    Some(aid) => format!("wallabag:{id}/annotation/{aid}"),
                    None => {
                        let copy = copies.entry(quote.clone()).or_insert(0);
                        *copy += 1;
                        quote_id(Tool::Wallabag, &id, &quote, *copy - 1)
                    }
                };
                let created = a.created_at.as_deref().and_then(parse_time);
                let (prefix, suffix) = page
                    .as_ref()
                    .zip(a.ranges.as_ref().and_then(|r| r.first()))
                    .and_then(|(page, range)| range_context(page, range, &quote))
                    .unwrap_or_default();
                Some(SavedHighlight {
                    via,
                    quote,
                    prefix,
                    suffix,
                    note: a.text.unwrap_or_default(),
                    created,
                    updated: a.updated_at.as_deref().and_then(parse_time).or(created),
                    ..SavedHighlight::default()
                })
            })
            .collect();
        SavedArticle {
            name_hint: self.title.clone().unwrap_or_default(),
            title: self
                .title
                .filter(|t| !t.trim().is_empty())
                .unwrap_or_else(|| url.clone()),
            id,
            author,
            url,
            saved: self.created_at.as_deref().and_then(parse_time),
            published: self.published_at.as_deref().and_then(parse_time),
            labels: self
                .tags
                .unwrap_or_default()
                .into_iter()
                .map(|t| match t {
                    Tag::Label(l) | Tag::Object { label: l } => l,
                })
                .collect(),
            highlights,
            page_notes: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_read_in_both_tag_shapes() {
        let json = br#"[{"id": 7, "title": "T", "url": "https://e.com/a", "content": "<p>x</p>",
            "created_at": "2024-03-01T10:00:00+0100", "published_by": ["Ann", null, "Bo"],
            "tags": ["one", {"id": 2, "label": "two", "slug": "two"}],
            "annotations": [{"id": 3, "quote": "x", "text": "note", "ranges": [],
                             "created_at": "2024-03-02T10:00:00+01:00"}]},
            {"id": 8, "url": "https://e.com/b", "content": null, "annotations": []}]"#;
        let (articles, mut pages) = parse(json).unwrap();
        assert_eq!(articles.len(), 2);
        let a = &articles[0];
        assert_eq!(a.author, "Ann, Bo");
        assert_eq!(a.labels, ["one", "two"]);
        assert_eq!(a.highlights[0].via, "wallabag:7/annotation/3");
        assert_eq!(a.highlights[0].note, "note");
        assert_eq!(articles[1].title, "https://e.com/b");
        assert!(pages.html(&articles[1]).is_err());
        assert!(pages.html(a).is_ok());
        assert!(parse(b"{\"broken\": ").is_err());
        let page = scraper::Html::parse_fragment(
            "<h2>H</h2><p>one two</p><div><p>x</p><p>a b the heap c</p></div>",
        );
        let range = |start: &str, s: &str, e: &str| XRange {
            start: Some(start.into()),
            start_offset: Some(s.into()),
            end: Some(start.into()),
            end_offset: Some(e.into()),
        };
        assert_eq!(
            range_context(&page, &range("/div[1]/p[2]", "4", "12"), "the heap"),
            Some(("a b ".to_string(), " c".to_string()))
        );
        assert_eq!(
            range_context(&page, &range("/div[1]/p[2]", "0", "3"), "the heap"),
            None
        );
        assert_eq!(range_context(&page, &range("/p[9]", "0", "3"), "one"), None);
        assert!(parse(b"42").is_err());
    }
}
