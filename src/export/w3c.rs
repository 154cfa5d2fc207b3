//! W3C Web Annotation Data Model export and import (JSON-LD), so highlights can
//! move between gloss and annotation tools such as Hypothesis.
//!
//! # What is written
//!
//! One `AnnotationCollection` with the context
//! `["http://www.w3.org/ns/anno.jsonld", {"gloss": "urn:gloss:vocab#"}]` (the
//! model's context, then a prefix for gloss's two properties), a deterministic `urn:gloss:export:<hash>`
//! id (a hash of the exported highlight ids and times), `label`, `total`, and,
//! when there is anything to export, `first`: one embedded `AnnotationPage`
//! holding every annotation in `items` (a single page keeps the file
//! self-contained; pages are only useful when served over HTTP).
//!
//! Each item is an `Annotation`:
//!
//! ```json
//! {
//!   "id": "urn:gloss:highlight:01HZX3A6Q4W5V8F0J3M2K7N9PB",
//!   "type": "Annotation",
//!   "created": "2024-05-02T08:15:00Z",
//!   "modified": "2024-05-03T10:00:00Z",
//!   "motivation": "commenting",
//!   "body": [
//!     { "type": "TextualBody", "value": "the note", "format": "text/plain", "purpose": "commenting" },
//!     { "type": "TextualBody", "value": "ideas", "purpose": "tagging" }
//!   ],
//!   "target": {
//!     "source": "file:///home/ann/on-reading.md",
//!     "styleClass": "yellow",
//!     "selector": [
//!       { "type": "TextQuoteSelector", "exact": "…", "prefix": "…", "suffix": "…" },
//!       { "type": "TextPositionSelector", "start": 1290, "end": 1318 }
//!     ]
//!   },
//!   "stylesheet": { "type": "CssStylesheet", "value": ".yellow { background-color: #ffe066; }" }
//! }
//! ```
//!
//! - `motivation` is `commenting` when there is a note, else `highlighting`;
//!   `body` is left out when there is neither note nor tag.
//! - The colour uses the model's own styling: the target's `styleClass` names
//!   it and an embedded `CssStylesheet` gives that class the palette's value
//!   for it as its CSS background (`#ffe066`). A colour name that is not a
//!   CSS identifier gets a class made of its letters and digits joined by
//!   `-` (`light blue` → `light-blue`) and the exact name in `gloss:color`; a
//!   name the palette does not have gets no stylesheet (its value is unknown).
//! - `TextPositionSelector` offsets are Unicode characters of the file named
//!   by `target.source`, as the model specifies: a consumer reading that file
//!   finds the passage there, with the file's own markup inside it
//!   (`*amber bowls*`, `\$12`, the blank line of a page break). The caller
//!   reads the files and passes the places in [`W3cOptions`]; a highlight
//!   whose article could not be read, or whose passage is no longer in it,
//!   has only its `TextQuoteSelector`.
//! - An orphan (its passage was not found in the article as it is now) has
//!   `"gloss:orphaned": true` and no `TextPositionSelector`: its old offsets
//!   no longer name its text.
//! - A saved web page (`.html`) names the page's address (its canonical
//!   URL, else `og:url`) as the target's `scope`, the model's resource "in
//!   which the target was seen", beside the file as `source`. Its passages
//!   have only a `TextQuoteSelector`: the text shown is extracted from the
//!   page's markup, so no character range of the file holds it as written.
//! - Not carried: the article's title, author, date and fingerprint.
//!
//! # What is read
//!
//! [`from_w3c`] accepts a single annotation, an array of them, a collection
//! or page with embedded `items` (following embedded `first` / `next` pages),
//! and Hypothesis API output (`rows`, `text`, `tags`, `uri`, `updated`,
//! `document.title`). Bodies may be an object, a string or an array of
//! either; a body whose `purpose` is `tagging` is a tag, other textual bodies
//! (and `bodyValue`) join into the note; a plain string body that looks like
//! an IRI is a link to elsewhere and ignored. Targets may be an object, a
//! string or an array (the first with selectors is used); selectors an object
//! or an array, of which the first `TextQuoteSelector` and
//! `TextPositionSelector` are used and the rest, like `refinedBy`, ignored.
//! Unknown fields are ignored.

use std::collections::BTreeMap;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::clean::cleaned;
use super::uri::{file_uri, path_from_uri, percent_decode, percent_encode};
use super::{Filter, ImportError, W3cOptions, select};
use crate::annotations::{Anchor, AnnotationFile, ArticleRecord, Highlight, SCHEMA_VERSION};
use crate::document::CharOffset;

const CONTEXT: &str = "http://www.w3.org/ns/anno.jsonld";
/// The IRI gloss's own properties (`gloss:orphaned`, `gloss:color`) expand to.
const VOCAB: &str = "urn:gloss:vocab#";
const HIGHLIGHT_URN: &str = "urn:gloss:highlight:";

#[derive(Serialize)]
struct Collection {
    #[serde(rename = "@context")]
    context: (&'static str, BTreeMap<&'static str, &'static str>),
    id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    label: &'static str,
    total: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    first: Option<Page>,
}

#[derive(Serialize)]
struct Page {
    id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(rename = "startIndex")]
    start_index: usize,
    items: Vec<Annotation>,
}

#[derive(Serialize)]
struct Annotation {
    id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    created: String,
    modified: String,
    motivation: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    body: Vec<Body>,
    target: Target,
    #[serde(skip_serializing_if = "Option::is_none")]
    stylesheet: Option<Stylesheet>,
    #[serde(rename = "gloss:orphaned", skip_serializing_if = "std::ops::Not::not")]
    orphaned: bool,
    #[serde(rename = "gloss:color", skip_serializing_if = "Option::is_none")]
    color: Option<String>,
}

#[derive(Serialize)]
struct Body {
    #[serde(rename = "type")]
    kind: &'static str,
    value: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    format: Option<&'static str>,
    purpose: &'static str,
}

#[derive(Serialize)]
struct Target {
    source: String,
    /// The web page a saved page was saved from: the model's `scope`, the
    /// resource the target (the saved file) was seen in.
    #[serde(skip_serializing_if = "Option::is_none")]
    scope: Option<String>,
    #[serde(rename = "styleClass", skip_serializing_if = "Option::is_none")]
    style_class: Option<String>,
    selector: Vec<Selector>,
}

#[derive(Serialize)]
#[serde(tag = "type")]
enum Selector {
    TextQuoteSelector {
        exact: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        prefix: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        suffix: String,
    },
    TextPositionSelector {
        start: CharOffset,
        end: CharOffset,
    },
}

#[derive(Serialize)]
struct Stylesheet {
    #[serde(rename = "type")]
    kind: &'static str,
    value: String,
}

fn time(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// The W3C Web Annotation JSON-LD export of `files` without reading the
/// articles: no position selectors, no palette (see [`to_w3c_with`]).
pub fn to_w3c(files: &[AnnotationFile], filter: &Filter) -> String {
    to_w3c_with(files, filter, &W3cOptions::default())
}

/// The W3C Web Annotation JSON-LD export of `files` (see the module
/// documentation): pretty-printed with a trailing newline.
pub fn to_w3c_with(files: &[AnnotationFile], filter: &Filter, options: &W3cOptions) -> String {
    let mut items = Vec::new();
    let mut hasher = Sha256::new();
    let files = cleaned(files);
    for sel in select(&files, filter) {
        let source = source_iri(sel.article);
        let scope = options.positions.url(&sel.article.path).map(str::to_owned);
        for h in sel.highlights {
            hasher.update(h.id.as_str().as_bytes());
            hasher.update([0]);
            hasher.update(time(&h.updated).as_bytes());
            hasher.update([0]);
            let position = options.positions.get(&sel.article.path, h.id.as_str());
            let mut item = annotation(h, &source, position, options);
            item.target.scope.clone_from(&scope);
            items.push(item);
        }
    }
    let hash: String = hasher
        .finalize()
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect();
    let id = format!("urn:gloss:export:{hash}");
    let collection = Collection {
        context: (CONTEXT, BTreeMap::from([("gloss", VOCAB)])),
        id: id.clone(),
        kind: "AnnotationCollection",
        label: "gloss highlights",
        total: items.len(),
        first: (!items.is_empty()).then(|| Page {
            id: format!("{id}:page:1"),
            kind: "AnnotationPage",
            start_index: 0,
            items,
        }),
    };
    // Serialising plain strings and numbers cannot fail.
    let mut text = serde_json::to_string_pretty(&collection).unwrap_or_default();
    text.push('\n');
    text
}

fn source_iri(article: &ArticleRecord) -> String {
    if !article.path.is_empty() {
        file_uri(&article.path)
    } else if !article.fingerprint.is_empty() {
        format!("urn:gloss:text:{}", percent_encode(&article.fingerprint))
    } else {
        "urn:gloss:text:unknown".to_owned()
    }
}

fn annotation(
    h: &Highlight,
    source: &str,
    position: Option<std::ops::Range<CharOffset>>,
    options: &W3cOptions,
) -> Annotation {
    let has_note = !h.note.trim().is_empty();
    let mut body = Vec::new();
    if has_note {
        body.push(Body {
            kind: "TextualBody",
            value: h.note.clone(),
            format: Some("text/plain"),
            purpose: "commenting",
        });
    }
    for tag in &h.tags {
        body.push(Body {
            kind: "TextualBody",
            value: tag.clone(),
            format: None,
            purpose: "tagging",
        });
    }
    let color = h.color.trim();
    let class = css_class(color);
    let value = options
        .palette
        .iter()
        .find(|p| p.name == color)
        .map(|p| p.background.trim())
        .filter(|v| is_hex_colour(v));
    let stylesheet = class
        .as_deref()
        .zip(value)
        .map(|(class, value)| Stylesheet {
            kind: "CssStylesheet",
            value: format!(".{class} {{ background-color: {value}; }}"),
        });
    let exact_name =
        (class.as_deref() != Some(color) && !color.is_empty()).then(|| color.to_owned());
    let mut selector = vec![Selector::TextQuoteSelector {
        exact: h.anchor.quote.clone(),
        prefix: h.anchor.prefix.clone(),
        suffix: h.anchor.suffix.clone(),
    }];
    if let Some(range) = position.filter(|_| !h.orphaned) {
        selector.push(Selector::TextPositionSelector {
            start: range.start,
            end: range.end,
        });
    }
    Annotation {
        id: format!("{HIGHLIGHT_URN}{}", percent_encode(h.id.as_str())),
        kind: "Annotation",
        created: time(&h.created),
        modified: time(&h.updated),
        motivation: if has_note {
            "commenting"
        } else {
            "highlighting"
        },
        body,
        target: Target {
            source: source.to_owned(),
            scope: None,
            style_class: class,
            selector,
        },
        stylesheet,
        orphaned: h.orphaned,
        color: exact_name,
    }
}

/// A CSS class for a colour name: the name itself when it is a plain CSS
/// identifier, else its ASCII letters and digits joined by `-` (with `c-`
/// before a leading digit); `None` when nothing is left.
fn css_class(name: &str) -> Option<String> {
    if is_css_identifier(name) {
        return Some(name.to_owned());
    }
    let words: Vec<String> = name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    let class = words.join("-");
    match class.chars().next() {
        None => None,
        Some(c) if c.is_ascii_digit() => Some(format!("c-{class}")),
        Some(_) => Some(class),
    }
}

fn is_css_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// `#rgb` or `#rrggbb`: a palette value that is safe to put in CSS.
fn is_hex_colour(value: &str) -> bool {
    value
        .strip_prefix('#')
        .is_some_and(|hex| matches!(hex.len(), 3 | 6) && hex.chars().all(|c| c.is_ascii_hexdigit()))
}

/// One annotation read from W3C JSON-LD (or Hypothesis JSON), reduced to what
/// gloss can use. The import command re-anchors it in the article's text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct W3cAnnotation {
    /// The annotation's IRI, when it has one.
    pub id: Option<String>,
    /// The annotated document: a path when the target was a `file:` URI,
    /// otherwise the IRI as given (a web address, say).
    pub source: String,
    /// `TextQuoteSelector.exact`; empty when there was none (a page note).
    pub exact: String,
    /// `TextQuoteSelector.prefix`.
    pub prefix: String,
    /// `TextQuoteSelector.suffix`.
    pub suffix: String,
    /// `TextPositionSelector.start`, characters; `None` if absent or invalid.
    pub start: Option<CharOffset>,
    /// `TextPositionSelector.end`, exclusive; `None` if absent or invalid.
    pub end: Option<CharOffset>,
    /// The textual bodies that are not tags, joined by blank lines.
    pub note: Option<String>,
    /// Bodies with purpose `tagging`, in order.
    pub tags: Vec<String>,
    /// The target's `styleClass` (gloss writes the colour name there).
    pub color: Option<String>,
    /// Document title, when the tool recorded one (Hypothesis does).
    pub title: Option<String>,
    /// When it was made.
    pub created: Option<DateTime<Utc>>,
    /// When it last changed.
    pub modified: Option<DateTime<Utc>>,
    /// The tool's own id for it in one canonical spelling (a Hypothesis API
    /// row's bare id becomes the `https://hypothes.is/a/<id>` IRI its JSON-LD
    /// carries), kept on the highlight so the same annotation imported in
    /// two shapes is recognised. `None` for gloss's own highlights.
    pub via: Option<String>,
}

impl W3cAnnotation {
    /// Whether it points at a passage at all; page notes and bookmarks do not,
    /// and cannot become highlights.
    pub fn has_passage(&self) -> bool {
        !self.exact.is_empty() || (self.start.is_some() && self.end.is_some())
    }

    /// The gloss highlight id for it, the same on every import so a second
    /// import merges instead of duplicating: the original id for annotations
    /// gloss exported, otherwise a ULID whose time is `created` and whose
    /// random part is a hash of the IRI (or, without one, of the content).
    pub fn highlight_id(&self) -> String {
        if let Some(rest) = self
            .id
            .as_deref()
            .and_then(|id| id.strip_prefix(HIGHLIGHT_URN))
        {
            let id = percent_decode(rest);
            if !id.is_empty() {
                return id;
            }
        }
        let mut hasher = Sha256::new();
        match self.via.as_ref().or(self.id.as_ref()) {
            Some(iri) => hasher.update(iri.as_bytes()),
            None => {
                for part in [
                    &self.source,
                    &self.exact,
                    self.note.as_deref().unwrap_or(""),
                ] {
                    hasher.update(part.as_bytes());
                    hasher.update([0]);
                }
                hasher.update(format!("{:?}:{:?}", self.start, self.end).as_bytes());
            }
        }
        let digest = hasher.finalize();
        let random = digest
            .iter()
            .take(16)
            .fold(0u128, |acc, b| (acc << 8) | u128::from(*b));
        let ms = self
            .created
            .or(self.modified)
            .and_then(|t| u64::try_from(t.timestamp_millis()).ok())
            .unwrap_or(0);
        ulid::Ulid::from_parts(ms, random).to_string()
    }

    /// A highlight from it, for re-anchoring and [`merge_import`](super::merge_import).
    /// Missing offsets give an orphaned highlight at 0..0 that re-anchoring
    /// must place by its quote; missing times fall back to `now`.
    pub fn to_highlight(&self, default_color: &str, now: DateTime<Utc>) -> Highlight {
        let created = self.created.or(self.modified).unwrap_or(now);
        let (start, end, placed) = match (self.start, self.end) {
            (Some(s), Some(e)) => (s, e, true),
            _ => (CharOffset::ZERO, CharOffset::ZERO, false),
        };
        Highlight {
            id: self.highlight_id().into(),
            created,
            updated: self.modified.unwrap_or(created).max(created),
            color: self
                .color
                .clone()
                .unwrap_or_else(|| default_color.to_owned()),
            tags: self.tags.clone(),
            note: self.note.clone().unwrap_or_default(),
            orphaned: !placed,
            via: self.via.clone(),
            anchor: Anchor {
                quote: self.exact.clone(),
                prefix: self.prefix.clone(),
                suffix: self.suffix.clone(),
                start,
                end,
            },
        }
    }
}

/// Groups imported annotations by source into annotation files (path = the
/// source, title from the first annotation that has one), skipping those
/// without a passage, so each can be merged into the store's file for that
/// article. Files come sorted by source.
pub fn w3c_to_files(
    annotations: &[W3cAnnotation],
    default_color: &str,
    now: DateTime<Utc>,
) -> Vec<AnnotationFile> {
    let mut by_source: BTreeMap<&str, AnnotationFile> = BTreeMap::new();
    for a in annotations.iter().filter(|a| a.has_passage()) {
        let file = by_source
            .entry(a.source.as_str())
            .or_insert_with(|| AnnotationFile {
                version: SCHEMA_VERSION,
                article: ArticleRecord {
                    path: a.source.clone(),
                    ..ArticleRecord::default()
                },
                position: None,
                highlights: Vec::new(),
            });
        if file.article.title.is_empty()
            && let Some(title) = &a.title
        {
            file.article.title.clone_from(title);
        }
        file.highlights.push(a.to_highlight(default_color, now));
    }
    let mut files: Vec<AnnotationFile> = by_source.into_values().collect();
    for f in &mut files {
        f.highlights.sort_by(super::highlight_order);
    }
    files
}

/// Reads W3C Web Annotation JSON(-LD) or Hypothesis JSON (see the module
/// documentation for the shapes accepted).
pub fn from_w3c(text: &str) -> Result<Vec<W3cAnnotation>, ImportError> {
    let root: Value = serde_json::from_str(text)?;
    let items = top_level_items(&root)?;
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            read_annotation(item)
                .map_err(|why| ImportError::Invalid(format!("annotation {}: {why}", i + 1)))
        })
        .collect()
}

/// One annotation as read by [`read_w3c`]: usable, or its id (when it has
/// one) and why not.
pub type ReadItem = Result<W3cAnnotation, (Option<String>, String)>;

/// Like [`from_w3c`], but an annotation that cannot be read (no target, a
/// target gloss cannot use) is an `Err` with the reason in its place, so the
/// import can skip it, say why, and keep its neighbours. Only a file that is
/// not JSON, or not annotations at all, is an error as a whole.
/// Each `Err` holds the annotation's id (when it has one) and the reason.
pub fn read_w3c(text: &str) -> Result<Vec<ReadItem>, ImportError> {
    let root: Value = serde_json::from_str(text)?;
    let items = top_level_items(&root)?;
    if !items.is_empty() && !items.iter().any(|i| i.is_object()) {
        return Err(ImportError::Invalid(
            "expected annotations (JSON objects), found none".into(),
        ));
    }
    Ok(items
        .iter()
        .map(|item| {
            read_annotation(item).map_err(|why| {
                let id = item
                    .get("id")
                    .or_else(|| item.get("@id"))
                    .and_then(Value::as_str)
                    .map(str::to_owned);
                (id, why)
            })
        })
        .collect())
}

/// The id another tool gave `item`, spelled the same whichever way the tool
/// exported it (see [`W3cAnnotation::via`]).
fn canonical_via(map: &serde_json::Map<String, Value>, id: Option<&str>) -> Option<String> {
    let id = id?.trim();
    if id.is_empty() || id.starts_with(HIGHLIGHT_URN) {
        return None;
    }
    // A Hypothesis API row: a bare id next to `uri`.
    if !id.contains(':') && map.contains_key("uri") {
        return Some(format!("https://hypothes.is/a/{id}"));
    }
    Some(id.strip_prefix("http://hypothes.is/a/").map_or_else(
        || id.to_owned(),
        |rest| format!("https://hypothes.is/a/{rest}"),
    ))
}

fn top_level_items(root: &Value) -> Result<Vec<&Value>, ImportError> {
    match root {
        Value::Array(items) => Ok(items.iter().collect()),
        Value::Object(map) => {
            if let Some(Value::Array(rows)) = map.get("rows") {
                return Ok(rows.iter().collect());
            }
            let kind = type_names(map.get("type"));
            let is_container = kind
                .iter()
                .any(|k| k == "AnnotationCollection" || k == "AnnotationPage")
                || map.contains_key("items")
                || map.contains_key("first");
            if !is_container {
                return Ok(vec![root]);
            }
            let mut out = Vec::new();
            if let Some(Value::Array(items)) = map.get("items") {
                out.extend(items.iter());
            }
            // Follow embedded pages; a page linked only by IRI cannot be read
            // from a file.
            let mut page = map.get("first");
            let mut guard = 0;
            while let Some(p) = page {
                guard += 1;
                match p {
                    Value::Object(pm) if guard < 10_000 => {
                        if let Some(Value::Array(items)) = pm.get("items") {
                            out.extend(items.iter());
                        }
                        page = pm.get("next");
                    }
                    Value::String(iri) => {
                        return Err(ImportError::Invalid(format!(
                            "the collection's page {iri} is linked, not included; download the page itself"
                        )));
                    }
                    _ => break,
                }
            }
            Ok(out)
        }
        _ => Err(ImportError::Invalid(
            "expected an annotation, an array of annotations or an AnnotationCollection".into(),
        )),
    }
}

fn type_names(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

fn str_of<'a>(map: &'a serde_json::Map<String, Value>, key: &str) -> Option<&'a str> {
    map.get(key).and_then(Value::as_str)
}

fn date_of(map: &serde_json::Map<String, Value>, keys: &[&str]) -> Option<DateTime<Utc>> {
    keys.iter()
        .filter_map(|k| str_of(map, k))
        .find_map(|s| DateTime::parse_from_rfc3339(s.trim()).ok())
        .map(|t| t.with_timezone(&Utc))
}

fn as_list(value: Option<&Value>) -> Vec<&Value> {
    match value {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a.iter().collect(),
        Some(v) => vec![v],
    }
}

fn read_annotation(item: &Value) -> Result<W3cAnnotation, String> {
    let Value::Object(map) = item else {
        return Err("not a JSON object".into());
    };
    let mut out = W3cAnnotation {
        id: str_of(map, "id")
            .or_else(|| str_of(map, "@id"))
            .map(str::to_owned),
        created: date_of(map, &["created"]),
        modified: date_of(map, &["modified", "updated"]),
        ..W3cAnnotation::default()
    };
    out.via = canonical_via(map, out.id.as_deref());

    let mut notes: Vec<String> = Vec::new();
    for body in as_list(map.get("body")) {
        read_body(body, &mut notes, &mut out.tags);
    }
    if let Some(v) = str_of(map, "bodyValue") {
        notes.push(v.to_owned());
    }
    // Hypothesis's own API format.
    if let Some(v) = str_of(map, "text") {
        notes.push(v.to_owned());
    }
    for tag in as_list(map.get("tags"))
        .into_iter()
        .filter_map(Value::as_str)
    {
        out.tags.push(tag.to_owned());
    }
    let notes: Vec<String> = notes.into_iter().filter(|n| !n.trim().is_empty()).collect();
    out.note = (!notes.is_empty()).then(|| notes.join("\n\n"));
    out.title = map
        .get("document")
        .and_then(|d| as_list(d.get("title")).into_iter().find_map(Value::as_str))
        .map(str::to_owned);

    let targets = as_list(map.get("target"));
    for t in &targets {
        let kinds = type_names(t.get("type"));
        if let Some(kind) = kinds
            .iter()
            .find(|k| matches!(k.as_str(), "Composite" | "List" | "Independents"))
        {
            return Err(format!(
                "its target is a {kind} (several resources), which gloss cannot use"
            ));
        }
    }
    let target = targets
        .iter()
        .find(|t| t.get("selector").is_some())
        .or_else(|| targets.first())
        .copied();
    let source = match target {
        Some(Value::String(iri)) => Some(iri.as_str()),
        Some(Value::Object(t)) => str_of(t, "source").or_else(|| str_of(t, "id")),
        _ => None,
    }
    .or_else(|| str_of(map, "uri"));
    let Some(source) = source else {
        return Err("it has no target".into());
    };
    out.source = path_from_uri(source).unwrap_or_else(|| source.to_owned());

    if let Some(Value::Object(t)) = target {
        out.color = as_list(t.get("styleClass"))
            .into_iter()
            .find_map(Value::as_str)
            .map(str::to_owned);
        read_selectors(t.get("selector"), &mut out);
    }
    Ok(out)
}

fn read_body(body: &Value, notes: &mut Vec<String>, tags: &mut Vec<String>) {
    match body {
        Value::String(s) if !looks_like_iri(s) => notes.push(s.clone()),
        Value::Object(b) => {
            let purposes = type_names(b.get("purpose"));
            let Some(value) = str_of(b, "value").or_else(|| str_of(b, "chars")) else {
                return;
            };
            if purposes.iter().any(|p| p == "tagging") {
                tags.push(value.to_owned());
            } else {
                notes.push(value.to_owned());
            }
        }
        _ => {}
    }
}

/// `scheme:rest` with no whitespace: a reference to another resource rather
/// than text.
fn looks_like_iri(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !rest.is_empty()
        && !s.chars().any(char::is_whitespace)
}

fn read_selectors(selector: Option<&Value>, out: &mut W3cAnnotation) {
    let mut quote_seen = false;
    let mut position_seen = false;
    for sel in as_list(selector) {
        let Value::Object(s) = sel else { continue };
        let kind = type_names(s.get("type"));
        if !quote_seen && kind.iter().any(|k| k == "TextQuoteSelector") {
            quote_seen = true;
            out.exact = str_of(s, "exact").unwrap_or("").to_owned();
            out.prefix = str_of(s, "prefix").unwrap_or("").to_owned();
            out.suffix = str_of(s, "suffix").unwrap_or("").to_owned();
        } else if !position_seen && kind.iter().any(|k| k == "TextPositionSelector") {
            position_seen = true;
            let num = |k: &str| {
                s.get(k)
                    .and_then(Value::as_u64)
                    .and_then(|n| usize::try_from(n).ok())
            };
            if let (Some(start), Some(end)) = (num("start"), num("end"))
                && start <= end
            {
                out.start = Some(CharOffset::new(start));
                out.end = Some(CharOffset::new(end));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_forms() {
        let one = r#"{"type":"Annotation","body":"just text","target":"https://e.org/a"}"#;
        let a = &from_w3c(one).unwrap()[0];
        assert_eq!(a.note.as_deref(), Some("just text"));
        assert_eq!(a.source, "https://e.org/a");
        assert!(!a.has_passage());

        let iri =
            r#"{"type":"Annotation","body":"https://e.org/post","target":"file:///tmp/a%20b.md"}"#;
        let a = &from_w3c(iri).unwrap()[0];
        assert_eq!(a.note, None);
        assert_eq!(a.source, "/tmp/a b.md");

        let obj = r#"[{"body":{"type":"TextualBody","value":"t","purpose":["tagging"]},
            "target":{"source":"x:y","selector":{"type":"TextQuoteSelector","exact":"e",
            "refinedBy":{"type":"TextPositionSelector","start":1,"end":2}}}}]"#;
        let a = &from_w3c(obj).unwrap()[0];
        assert_eq!(a.tags, ["t"]);
        assert_eq!(a.exact, "e");
        assert_eq!(a.start, None);
    }

    #[test]
    fn missing_target_is_an_error_naming_the_item() {
        let err = from_w3c(r#"[{"type":"Annotation","target":"a:b"},{"type":"Annotation"}]"#)
            .unwrap_err();
        assert!(err.to_string().contains("annotation 2"), "{err}");
        assert!(from_w3c("42").is_err());
    }

    #[test]
    fn linked_pages_are_reported() {
        let err =
            from_w3c(r#"{"type":"AnnotationCollection","first":"https://e.org/p1"}"#).unwrap_err();
        assert!(err.to_string().contains("https://e.org/p1"), "{err}");
        let empty = from_w3c(r#"{"type":"AnnotationCollection","total":0}"#).unwrap();
        assert!(empty.is_empty());
    }

    #[test]
    fn invalid_positions_are_dropped() {
        let t = r#"{"target":{"source":"s","selector":[{"type":"TextPositionSelector","start":9,"end":2}]}}"#;
        let a = &from_w3c(t).unwrap()[0];
        assert_eq!((a.start, a.end), (None, None));
    }

    #[test]
    fn ids_are_stable() {
        let a = W3cAnnotation {
            id: Some("urn:gloss:highlight:01HZX3A6Q4W5V8F0J3M2K7N9PB".into()),
            ..W3cAnnotation::default()
        };
        assert_eq!(a.highlight_id(), "01HZX3A6Q4W5V8F0J3M2K7N9PB");
        let b = W3cAnnotation {
            id: Some("https://hypothes.is/a/abc".into()),
            created: Some(
                DateTime::parse_from_rfc3339("2024-01-01T00:00:00Z")
                    .unwrap()
                    .with_timezone(&Utc),
            ),
            ..W3cAnnotation::default()
        };
        let id = b.highlight_id();
        assert_eq!(id, b.highlight_id());
        assert_eq!(id.len(), 26);
        assert!(ulid::Ulid::from_string(&id).is_ok());
        let c = W3cAnnotation {
            exact: "x".into(),
            ..W3cAnnotation::default()
        };
        assert_ne!(c.highlight_id(), W3cAnnotation::default().highlight_id());
    }
}
