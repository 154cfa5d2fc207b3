//! Reading and writing one annotation file's TOML, keeping keys this version
//! does not know about so a newer gloss (or a hand edit) loses nothing when an
//! older one saves.
//!
//! Unknown keys are kept at the top level, in `[article]`, in `[position]`, in
//! each `[[highlight]]` (matched by `id`) and in its `[highlight.anchor]`; they
//! are written back after the known keys. Comments and the original layout
//! are not kept: the file is regenerated on every save.

use crate::document::floor_char_boundary;
use std::collections::HashMap;

use serde::Serialize;
use toml::{Table, Value};

use super::repair::{Repairs, repair};
use super::{Anchor, AnnotationFile, ArticleRecord, Highlight, ReadingPosition, Tombstone};

/// Why a file could not be read, with where in it, as toml reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ParseFailure {
    pub message: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
}

/// A parsed file: the data model plus the keys it does not describe.
#[derive(Debug, Clone)]
pub(crate) struct Parsed {
    pub content: AnnotationFile,
    /// Highlights deleted recently (`[[deleted]]`), kept apart from the
    /// content the app and the exports see.
    pub tombstones: Vec<Tombstone>,
    pub extras: Extras,
    /// What was set right while reading (see [`super::repair`]).
    pub repairs: Repairs,
}

/// Keys found in a file that the data model does not know.
#[derive(Debug, Clone, Default)]
pub(crate) struct Extras {
    pub(super) top: Table,
    pub(super) article: Table,
    pub(super) position: Table,
    /// By highlight id: the highlight's own unknown keys, and its anchor's.
    pub(super) highlights: HashMap<String, (Table, Table)>,
}

const TOP_KEYS: &[&str] = &["version", "article", "position", "highlight", "deleted"];
pub(super) const ARTICLE_KEYS: &[&str] =
    &["title", "author", "date", "path", "fingerprint", "archived"];
const POSITION_KEYS: &[&str] = &["offset", "quote", "progress", "updated"];
const HIGHLIGHT_KEYS: &[&str] = &[
    "id", "created", "updated", "color", "tags", "note", "orphaned", "via", "anchor",
];
const ANCHOR_KEYS: &[&str] = &["quote", "prefix", "suffix", "start", "end"];

/// Parses a whole file.
/// Highlights sharing an id are told apart and odd values made sane here, so
/// every reader of the file sees the same repaired content.
pub(crate) fn parse(text: &str) -> Result<Parsed, ParseFailure> {
    // The text is parsed once; the typed data is read from the parsed
    // table, and only a file with a wrong type is parsed again, for the
    // line and column of the problem.
    let raw: Table = toml::from_str(text).map_err(|e| failure(text, &e))?;
    let typed: FileIn = match Value::Table(raw.clone()).try_into() {
        Ok(typed) => typed,
        Err(e) => {
            return Err(match toml::from_str::<FileIn>(text) {
                Err(spanned) => failure(text, &spanned),
                Ok(_) => ParseFailure {
                    message: e.message().trim().to_string(),
                    line: None,
                    column: None,
                },
            });
        }
    };
    let FileIn {
        version,
        article,
        position,
        highlights,
        tombstones,
    } = typed;
    let mut content = AnnotationFile {
        version,
        article,
        position,
        highlights,
    };
    let repairs = repair(&mut content);
    let ids: Vec<&str> = content.highlights.iter().map(|h| h.id.as_str()).collect();
    let extras = Extras::from_raw(&raw, &ids);
    Ok(Parsed {
        content,
        tombstones,
        extras,
        repairs,
    })
}

/// The file as read: [`AnnotationFile`] plus the tombstones.
#[derive(serde::Deserialize)]
struct FileIn {
    version: u32,
    article: ArticleRecord,
    #[serde(default)]
    position: Option<ReadingPosition>,
    #[serde(default, rename = "highlight")]
    highlights: Vec<Highlight>,
    #[serde(default, rename = "deleted")]
    tombstones: Vec<Tombstone>,
}

fn failure(text: &str, error: &toml::de::Error) -> ParseFailure {
    let (line, column) = match error.span() {
        Some(span) => {
            let at = floor_char_boundary(text, span.start);
            let before = &text[..at];
            let line = before.matches('\n').count() + 1;
            let line_start = before.rfind('\n').map_or(0, |i| i + 1);
            let column = before[line_start..].chars().count() + 1;
            (Some(line), Some(column))
        }
        None => (None, None),
    };
    ParseFailure {
        message: error.message().trim().to_string(),
        line,
        column,
    }
}

fn unknown(table: Option<&Value>, known: &[&str]) -> Table {
    let Some(Value::Table(table)) = table else {
        return Table::new();
    };
    table
        .iter()
        .filter(|(k, _)| !known.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

impl Extras {
    /// `ids` are the highlights' ids after repair, in file order: a copy
    /// that got a new id keeps its own unknown keys under it.
    fn from_raw(raw: &Table, ids: &[&str]) -> Self {
        let top = raw
            .iter()
            .filter(|(k, _)| !TOP_KEYS.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let mut highlights = HashMap::new();
        if let Some(Value::Array(items)) = raw.get("highlight") {
            for (item, id) in items.iter().zip(ids) {
                let Value::Table(table) = item else { continue };
                let own = unknown(Some(item), HIGHLIGHT_KEYS);
                let anchor = unknown(table.get("anchor"), ANCHOR_KEYS);
                if !own.is_empty() || !anchor.is_empty() {
                    highlights.insert((*id).to_string(), (own, anchor));
                }
            }
        }
        Self {
            top,
            article: unknown(raw.get("article"), ARTICLE_KEYS),
            position: unknown(raw.get("position"), POSITION_KEYS),
            highlights,
        }
    }
}

#[derive(Serialize)]
struct FileOut<'a> {
    version: u32,
    #[serde(flatten)]
    extra: &'a Table,
    article: WithExtra<'a, ArticleRecord>,
    #[serde(skip_serializing_if = "Option::is_none")]
    position: Option<WithExtra<'a, ReadingPosition>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    highlight: Vec<HighlightOut<'a>>,
    #[serde(skip_serializing_if = "<[Tombstone]>::is_empty")]
    deleted: &'a [Tombstone],
}

#[derive(Serialize)]
struct WithExtra<'a, T> {
    #[serde(flatten)]
    value: &'a T,
    #[serde(flatten)]
    extra: &'a Table,
}

#[derive(Serialize)]
struct HighlightOut<'a> {
    id: &'a str,
    created: &'a chrono::DateTime<chrono::Utc>,
    updated: &'a chrono::DateTime<chrono::Utc>,
    color: &'a str,
    tags: &'a [String],
    note: &'a str,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    orphaned: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    via: Option<&'a str>,
    #[serde(flatten)]
    extra: &'a Table,
    anchor: WithExtra<'a, Anchor>,
}

/// Each highlight's `[[highlight]]` text as last rendered and checked, by
/// id, so a save of a file with many highlights renders and checks only the
/// ones that changed (issue 12: 20,000 highlights took a second to save).
#[derive(Debug, Clone, Default)]
pub(crate) struct Chunks {
    by_id: HashMap<String, Chunk>,
}

impl Chunks {
    /// True when nothing is remembered (nothing rendered yet, or taken).
    pub(crate) fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }
}

#[derive(Debug, Clone)]
struct Chunk {
    highlight: Highlight,
    extras: Option<(Table, Table)>,
    text: String,
}

/// One highlight alone, as a file holds it, to render and check it apart.
#[derive(Serialize)]
struct OneOut<'a> {
    highlight: [HighlightOut<'a>; 1],
}

#[derive(serde::Deserialize)]
struct OneIn {
    highlight: Vec<Highlight>,
}

#[derive(Serialize)]
struct DeletedOut<'a> {
    deleted: &'a [Tombstone],
}

#[derive(serde::Deserialize)]
struct DeletedIn {
    deleted: Vec<Tombstone>,
}

const NOT_SURVIVED: &str = "the data did not survive conversion to TOML";

/// Renders a file, then reads it back to make sure it holds exactly the same
/// data: a note that would not survive is an error, not silent damage.
pub(crate) fn render(
    content: &AnnotationFile,
    tombstones: &[Tombstone],
    extras: &Extras,
) -> Result<String, String> {
    render_with(content, tombstones, extras, &mut Chunks::default())
}

/// [`render`], reusing the text of highlights unchanged since `chunks` was
/// filled, and filling it for the next save. The file is the header
/// (version, article, position), then each highlight, then the tombstones:
/// each part is checked on its own when it is rendered, which checks the
/// whole (TOML tables that follow each other are read independently).
pub(crate) fn render_with(
    content: &AnnotationFile,
    tombstones: &[Tombstone],
    extras: &Extras,
    chunks: &mut Chunks,
) -> Result<String, String> {
    let header = FileOut {
        version: content.version,
        extra: &extras.top,
        article: WithExtra {
            value: &content.article,
            extra: &extras.article,
        },
        position: content.position.as_ref().map(|p| WithExtra {
            value: p,
            extra: &extras.position,
        }),
        highlight: Vec::new(),
        deleted: &[],
    };
    let mut text = toml::to_string(&header).map_err(|e| e.to_string())?;
    let back = parse(&text).map_err(|e| e.message)?;
    if back.content.article != content.article
        || back.content.position != content.position
        || back.content.version != content.version
        || !back.content.highlights.is_empty()
    {
        return Err(NOT_SURVIVED.to_string());
    }
    let mut next = HashMap::with_capacity(content.highlights.len());
    for h in &content.highlights {
        let own = extras.highlights.get(h.id.as_str());
        let chunk = match chunks.by_id.remove(h.id.as_str()) {
            Some(chunk) if chunk.highlight == *h && chunk.extras.as_ref() == own => chunk,
            _ => Chunk {
                highlight: h.clone(),
                extras: own.cloned(),
                text: render_one(h, own)?,
            },
        };
        if !text.is_empty() && !text.ends_with("\n\n") {
            text.push('\n');
        }
        text.push_str(&chunk.text);
        next.insert(h.id.as_str().to_string(), chunk);
    }
    chunks.by_id = next;
    if !tombstones.is_empty() {
        let deleted = toml::to_string(&DeletedOut {
            deleted: tombstones,
        })
        .map_err(|e| e.to_string())?;
        let back: DeletedIn = toml::from_str(&deleted).map_err(|e| e.message().to_string())?;
        if back.deleted != tombstones {
            return Err(NOT_SURVIVED.to_string());
        }
        if !text.ends_with("\n\n") {
            text.push('\n');
        }
        text.push_str(&deleted);
    }
    Ok(text)
}

/// One `[[highlight]]` table, checked by reading it back.
fn render_one(h: &Highlight, extras: Option<&(Table, Table)>) -> Result<String, String> {
    let empty = Table::new();
    let (own, anchor) = extras.map_or((&empty, &empty), |(a, b)| (a, b));
    let out = OneOut {
        highlight: [HighlightOut {
            id: h.id.as_str(),
            created: &h.created,
            updated: &h.updated,
            color: &h.color,
            tags: &h.tags,
            note: &h.note,
            orphaned: h.orphaned,
            via: h.via.as_deref(),
            extra: own,
            anchor: WithExtra {
                value: &h.anchor,
                extra: anchor,
            },
        }],
    };
    let text = toml::to_string(&out).map_err(|e| e.to_string())?;
    let back: OneIn = toml::from_str(&text).map_err(|e| e.message().to_string())?;
    if back.highlight.as_slice() != std::slice::from_ref(h) {
        return Err(NOT_SURVIVED.to_string());
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn sample() -> AnnotationFile {
        let t = Utc.with_ymd_and_hms(2024, 5, 1, 10, 0, 0).unwrap();
        AnnotationFile {
            version: 1,
            article: ArticleRecord {
                title: "US announces deal".into(),
                author: Some("A. Writer".into()),
                date: None,
                path: "/home/me/articles/deal.md".into(),
                fingerprint: "sha256:00".into(),
                archived: None,
            },
            position: Some(ReadingPosition {
                offset: crate::document::CharOffset::new(120),
                quote: "The deal".into(),
                progress: 0.25,
                updated: t,
            }),
            highlights: vec![Highlight {
                id: "01HZX".into(),
                created: t,
                updated: t,
                color: "yellow".into(),
                tags: vec!["trade".into()],
                note: "First line\nsecond line".into(),
                orphaned: false,
                via: None,
                anchor: Anchor {
                    quote: "the deal".into(),
                    prefix: "Today ".into(),
                    suffix: " was".into(),
                    start: crate::document::CharOffset::new(6),
                    end: crate::document::CharOffset::new(14),
                },
            }],
        }
    }

    #[test]
    fn layout_is_readable() {
        let text = render(&sample(), &[], &Extras::default()).unwrap();
        insta::assert_snapshot!(text);
    }

    #[test]
    fn unknown_keys_survive() {
        let mut text = render(&sample(), &[], &Extras::default()).unwrap();
        text = text.replace("version = 1\n", "version = 1\nfuture = \"x\"\n");
        text = text.replace("[article]\n", "[article]\nlanguage = \"en\"\n");
        text = text.replace("[position]\n", "[position]\nscroll = 3\n");
        text = text.replace("color = ", "mood = \"happy\"\ncolor = ");
        text = text.replace(
            "[highlight.anchor]\n",
            "[highlight.anchor]\nxpath = \"/p[2]\"\n",
        );
        text.push_str("\n[highlight.extra]\ndeep = [1, 2]\n");
        let parsed = parse(&text).unwrap();
        let again = render(&parsed.content, &parsed.tombstones, &parsed.extras).unwrap();
        let raw: Table = toml::from_str(&again).unwrap();
        assert_eq!(raw["future"].as_str(), Some("x"));
        assert_eq!(raw["article"]["language"].as_str(), Some("en"));
        assert_eq!(raw["position"]["scroll"].as_integer(), Some(3));
        let h = &raw["highlight"][0];
        assert_eq!(h["mood"].as_str(), Some("happy"));
        assert_eq!(h["anchor"]["xpath"].as_str(), Some("/p[2]"));
        assert_eq!(h["extra"]["deep"][1].as_integer(), Some(2));
        assert_eq!(parse(&again).unwrap().content, sample());
    }

    #[test]
    fn native_toml_datetimes_are_read() {
        let text = "version = 1\n[article]\n[[highlight]]\nid = \"x\"\n\
            created = 2024-01-01T10:00:00+02:00\nupdated = \"2024-01-01T08:00:00Z\"\n\
            color = \"y\"\n[highlight.anchor]\nquote = \"q\"\nstart = 0\nend = 1\n";
        let h = &parse(text).unwrap().content.highlights[0];
        assert_eq!(h.created, h.updated);
        let local = text.replace("10:00:00+02:00", "10:00:00");
        let err = parse(&local).unwrap_err();
        assert!(err.message.contains("offset"), "{}", err.message);
    }

    #[test]
    fn parse_errors_have_line_and_column() {
        let err = parse("version = 1\n[article]\ntitle = \"x\n").unwrap_err();
        assert_eq!(err.line, Some(3));
        assert!(err.column.is_some());
    }
}
