//! gloss's own JSON export: a complete, versioned copy of the highlights that
//! can be imported back without loss, and a stable shape for scripts (`jq`).
//!
//! # Schema (version 2)
//!
//! ```json
//! {
//!   "gloss_export": 2,
//!   "articles": [
//!     {
//!       "title": "On Reading",
//!       "author": "Ann Example",
//!       "date": "2024-05-01",
//!       "path": "/home/ann/articles/on-reading.md",
//!       "fingerprint": "sha256:9f86d08188…",
//!       "highlights": [
//!         {
//!           "id": "01HZX3A6Q4W5V8F0J3M2K7N9PB",
//!           "created": "2024-05-02T08:15:00Z",
//!           "updated": "2024-05-03T10:00:00Z",
//!           "color": "yellow",
//!           "tags": ["ideas"],
//!           "note": "Compare with #ideas from last week.",
//!           "orphaned": false,
//!           "quote": "the exact highlighted text",
//!           "prefix": "up to 32 characters before ",
//!           "suffix": " and after",
//!           "start": 1234,
//!           "end": 1260
//!         }
//!       ]
//!     }
//!   ]
//! }
//! ```
//!
//! - `gloss_export` is the schema version; a reader refuses a larger one.
//! - `author` and `date` are `null` when unknown; `date` is the article's date
//!   as written in it, not normalised.
//! - `created` / `updated` are RFC 3339 times in UTC.
//! - The anchor is flattened into the highlight: `quote` is the exact text,
//!   `prefix` / `suffix` its context, `start` / `end` (end exclusive) are
//!   offsets in Unicode characters (scalar values) of the article's canonical
//!   text (what gloss shows: Markdown marks removed, page breaks joined).
//! - An orphan (`"orphaned": true`: its passage was not found in the article
//!   as it is now) has `start` and `end` set to `null`: its old offsets no
//!   longer name its text. They are kept as `last_start` / `last_end` (where
//!   it was last seen), which only orphans have, so an import gives back the
//!   same highlight.
//! - Version 1 files (every highlight with numeric `start` / `end`, no
//!   `last_*` fields) are read as before; version 2 added the `null`
//!   offsets and `last_start` / `last_end` of orphans.
//! - Articles are ordered by title then path, highlights by `start`, `end`,
//!   `id`; articles left without highlights by the filter are omitted.
//! - The reading position is not exported: it is a per-machine convenience,
//!   not an annotation. Everything else in the stored file is, so
//!   `from_json(to_json(x))` gives back `x` with `position: None`.
//! - On import, unknown fields are ignored and `tags`, `note`, `orphaned`,
//!   `prefix`, `suffix`, `title`, `path`, `fingerprint`, `author`, `date` may
//!   be missing.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::clean::cleaned;
use super::{Filter, ImportError, select};
use crate::annotations::{Anchor, AnnotationFile, ArticleRecord, Highlight, SCHEMA_VERSION};
use crate::document::CharOffset;

/// The schema version written in `gloss_export`, bumped on incompatible
/// changes so old readers refuse new files instead of misreading them.
pub const JSON_EXPORT_VERSION: u64 = 2;

/// The oldest version [`from_json`] still reads.
const OLDEST_READ_VERSION: u64 = 1;

#[derive(Serialize, Deserialize)]
struct ExportDoc {
    gloss_export: u64,
    articles: Vec<JsonArticle>,
}

#[derive(Serialize, Deserialize)]
struct JsonArticle {
    #[serde(default)]
    title: String,
    #[serde(default)]
    author: Option<String>,
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    path: String,
    #[serde(default)]
    fingerprint: String,
    #[serde(default)]
    highlights: Vec<JsonHighlight>,
}

#[derive(Serialize, Deserialize)]
struct JsonHighlight {
    id: String,
    created: DateTime<Utc>,
    updated: DateTime<Utc>,
    color: String,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    note: String,
    #[serde(default)]
    orphaned: bool,
    quote: String,
    #[serde(default)]
    prefix: String,
    #[serde(default)]
    suffix: String,
    /// `None` (`null`) for an orphan.
    start: Option<usize>,
    end: Option<usize>,
    /// An orphan's stale offsets: where its passage was last seen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last_start: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last_end: Option<usize>,
}

/// Only the version, read first so a newer file is refused with a clear
/// message rather than a confusing shape error.
#[derive(Deserialize)]
struct VersionProbe {
    gloss_export: Option<serde_json::Value>,
}

/// The JSON export of `files` (see the module documentation for the schema):
/// pretty-printed with a trailing newline.
pub fn to_json(files: &[AnnotationFile], filter: &Filter) -> String {
    let files = cleaned(files);
    let articles = select(&files, filter)
        .into_iter()
        .map(|sel| JsonArticle {
            title: sel.article.title.clone(),
            author: sel.article.author.clone(),
            date: sel.article.date.clone(),
            path: sel.article.path.clone(),
            fingerprint: sel.article.fingerprint.clone(),
            highlights: sel
                .highlights
                .into_iter()
                .map(|h| JsonHighlight {
                    id: h.id.to_string(),
                    created: h.created,
                    updated: h.updated,
                    color: h.color.clone(),
                    tags: h.tags.clone(),
                    note: h.note.clone(),
                    orphaned: h.orphaned,
                    quote: h.anchor.quote.clone(),
                    prefix: h.anchor.prefix.clone(),
                    suffix: h.anchor.suffix.clone(),
                    start: (!h.orphaned).then(|| h.anchor.start.get()),
                    end: (!h.orphaned).then(|| h.anchor.end.get()),
                    last_start: h.orphaned.then(|| h.anchor.start.get()),
                    last_end: h.orphaned.then(|| h.anchor.end.get()),
                })
                .collect(),
        })
        .collect();
    let doc = ExportDoc {
        gloss_export: JSON_EXPORT_VERSION,
        articles,
    };
    // Serialising plain strings, numbers and UTC times cannot fail.
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

/// Reads a gloss JSON export back into annotation files (one per article
/// entry, `position: None`, current [`SCHEMA_VERSION`]) for the import
/// command to merge with [`merge_import`](super::merge_import).
pub fn from_json(text: &str) -> Result<Vec<AnnotationFile>, ImportError> {
    let probe: VersionProbe = serde_json::from_str(text)?;
    match probe.gloss_export {
        None => {
            return Err(ImportError::Invalid(
                "not a gloss JSON export: the \"gloss_export\" version field is missing".into(),
            ));
        }
        Some(v) => match v.as_u64() {
            Some(found) if (OLDEST_READ_VERSION..=JSON_EXPORT_VERSION).contains(&found) => {}
            Some(found) if found > JSON_EXPORT_VERSION => {
                return Err(ImportError::UnsupportedVersion {
                    found,
                    supported: JSON_EXPORT_VERSION,
                });
            }
            _ => {
                return Err(ImportError::Invalid(format!(
                    "not a gloss JSON export: \"gloss_export\" is {v}, expected {JSON_EXPORT_VERSION}"
                )));
            }
        },
    }
    let doc: ExportDoc = serde_json::from_str(text)?;
    doc.articles
        .into_iter()
        .enumerate()
        .map(|(i, a)| article_from_json(i, a))
        .collect()
}

fn article_from_json(index: usize, a: JsonArticle) -> Result<AnnotationFile, ImportError> {
    let highlights = a
        .highlights
        .into_iter()
        .map(|h| {
            if h.id.trim().is_empty() {
                return Err(ImportError::Invalid(format!(
                    "article {} ({:?}): a highlight has an empty id",
                    index + 1,
                    a.title
                )));
            }
            let (Some(start), Some(end)) = (h.start.or(h.last_start), h.end.or(h.last_end)) else {
                return Err(ImportError::Invalid(format!(
                    "article {} ({:?}): highlight {} has no start or end",
                    index + 1,
                    a.title,
                    h.id
                )));
            };
            if start > end {
                return Err(ImportError::Invalid(format!(
                    "article {} ({:?}): highlight {} starts after it ends ({} > {})",
                    index + 1,
                    a.title,
                    h.id,
                    start,
                    end
                )));
            }
            Ok(Highlight {
                id: h.id.into(),
                created: h.created,
                updated: h.updated,
                color: h.color,
                tags: h.tags,
                note: h.note,
                orphaned: h.orphaned,
                via: None,
                anchor: Anchor {
                    quote: h.quote,
                    prefix: h.prefix,
                    suffix: h.suffix,
                    start: CharOffset::new(start),
                    end: CharOffset::new(end),
                },
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(AnnotationFile {
        version: SCHEMA_VERSION,
        article: ArticleRecord {
            title: a.title,
            author: a.author,
            date: a.date,
            path: a.path,
            fingerprint: a.fingerprint,
            archived: None,
        },
        position: None,
        highlights,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> AnnotationFile {
        let t = DateTime::parse_from_rfc3339("2024-05-02T08:15:00.123Z")
            .unwrap()
            .with_timezone(&Utc);
        AnnotationFile {
            version: SCHEMA_VERSION,
            article: ArticleRecord {
                title: "T".into(),
                author: None,
                date: Some("May 2024".into()),
                path: "/a.md".into(),
                fingerprint: "sha256:00".into(),
                archived: None,
            },
            position: None,
            highlights: vec![Highlight {
                id: "01HZX3A6Q4W5V8F0J3M2K7N9PB".into(),
                created: t,
                updated: t,
                color: "yellow".into(),
                tags: vec!["a".into()],
                note: "n \"q\"\nline".into(),
                orphaned: true,
                via: None,
                anchor: Anchor {
                    quote: "x".into(),
                    prefix: "p".into(),
                    suffix: "s".into(),
                    start: CharOffset::new(3),
                    end: CharOffset::new(4),
                },
            }],
        }
    }

    #[test]
    fn round_trip_keeps_every_field() {
        let files = vec![sample()];
        let text = to_json(&files, &Filter::default());
        assert!(text.ends_with("}\n"));
        assert_eq!(from_json(&text).unwrap(), files);
    }

    #[test]
    fn orphans_carry_no_offsets_as_true() {
        let text = to_json(&[sample()], &Filter::default());
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        let h = &v["articles"][0]["highlights"][0];
        assert_eq!(v["gloss_export"], 2);
        assert_eq!(h["orphaned"], true);
        assert!(h["start"].is_null() && h["end"].is_null(), "{h}");
        assert_eq!(
            (h["last_start"].clone(), h["last_end"].clone()),
            (3.into(), 4.into())
        );
        let mut placed = sample();
        placed.highlights[0].orphaned = false;
        let text = to_json(&[placed], &Filter::default());
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        let h = &v["articles"][0]["highlights"][0];
        assert_eq!((h["start"].clone(), h["end"].clone()), (3.into(), 4.into()));
        assert!(h.get("last_start").is_none(), "{h}");
    }

    #[test]
    fn version_1_files_are_still_read() {
        let v1 = r#"{"gloss_export":1,"articles":[{"title":"T","highlights":[{"id":"a",
            "created":"2024-01-01T00:00:00Z","updated":"2024-01-01T00:00:00Z","color":"green",
            "orphaned":true,"quote":"q","start":5,"end":6}]}]}"#;
        let files = from_json(v1).unwrap();
        let h = &files[0].highlights[0];
        assert!(h.orphaned);
        assert_eq!((h.anchor.start.get(), h.anchor.end.get()), (5, 6));
    }

    #[test]
    fn newer_version_is_refused() {
        let err = from_json(r#"{"gloss_export": 7, "articles": []}"#).unwrap_err();
        assert!(
            matches!(err, ImportError::UnsupportedVersion { found: 7, .. }),
            "{err}"
        );
    }

    #[test]
    fn other_json_is_refused_clearly() {
        let err = from_json(r#"{"articles": []}"#).unwrap_err().to_string();
        assert!(err.contains("gloss_export"), "{err}");
        assert!(from_json("[1,2]").is_err());
        assert!(from_json("not json").is_err());
    }

    #[test]
    fn minimal_highlight_uses_defaults_and_checks_offsets() {
        let ok = r#"{"gloss_export":1,"articles":[{"highlights":[{"id":"a","created":"2024-01-01T00:00:00Z",
            "updated":"2024-01-01T00:00:00Z","color":"green","quote":"q","start":1,"end":2,"extra":true}]}]}"#;
        let files = from_json(ok).unwrap();
        assert_eq!(files[0].highlights[0].anchor.quote, "q");
        assert!(files[0].highlights[0].tags.is_empty());
        let bad = ok.replace("\"start\":1", "\"start\":5");
        assert!(
            from_json(&bad)
                .unwrap_err()
                .to_string()
                .contains("starts after it ends")
        );
    }
}
