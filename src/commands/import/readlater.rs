//! Read-later exports (`gloss import --from omnivore|wallabag EXPORT DIR`):
//! what the two importers share. Each reads its export into
//! [`SavedArticle`]s ([`super::omnivore`], [`super::wallabag`]); this module
//! writes every article into DIR as a Markdown file with front matter, then
//! places its highlights in that file through the same placement as every
//! other import ([`super::place_annotations`]), keeping the tool's id as
//! `via` so a second import adds nothing.
//!
//! A written article records, in its front matter, the tool's id and a hash
//! of what gloss wrote. A second import finds the file by that id (whatever
//! its name), leaves it alone when nothing changed, rewrites it when the
//! export changed and the file is as gloss wrote it, and never overwrites a
//! file the user has edited since: that article is reported as skipped (its
//! highlights are still placed in the edited text).

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use super::{ImportReport, Notes, Options, Plan, Scope, merge_all, place_annotations};
use crate::annotations::{RealDisk, Store, path_to_text, replace_file};
use crate::config::Config;
use crate::document::sanitize_text;
use crate::export::W3cAnnotation;
use crate::text;

/// The read-later service an export came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    /// Omnivore (shut down in November 2024): a zip of HTML pages with
    /// Markdown highlight files.
    Omnivore,
    /// wallabag: a JSON array of entries with their annotations.
    Wallabag,
}

impl Tool {
    /// The name used in front matter, `via` ids and messages.
    pub fn name(self) -> &'static str {
        match self {
            Tool::Omnivore => "omnivore",
            Tool::Wallabag => "wallabag",
        }
    }
}

/// One highlight as the read-later tool exported it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SavedHighlight {
    /// The tool's id for it, unique within the tool (`omnivore:…`,
    /// `wallabag:…`): kept as the highlight's `via`, so importing again
    /// merges instead of duplicating.
    pub via: String,
    /// The highlighted words.
    pub quote: String,
    /// Text before and after the quote in the article, when the tool says.
    pub prefix: String,
    /// See `prefix`.
    pub suffix: String,
    /// The note written on it.
    pub note: String,
    /// Its labels.
    pub tags: Vec<String>,
    /// When it was made, when the tool says.
    pub created: Option<DateTime<Utc>>,
    /// When it last changed, when the tool says.
    pub updated: Option<DateTime<Utc>>,
}

/// One saved article of an export, without its page (read on demand through
/// [`Pages`], so a large export is never all in memory).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SavedArticle {
    /// The tool's id for the article.
    pub id: String,
    /// What its file is named after (a slug or the title).
    pub name_hint: String,
    /// Title.
    pub title: String,
    /// Author(s), as one line.
    pub author: String,
    /// Where it was saved from.
    pub url: String,
    /// When it was saved.
    pub saved: Option<DateTime<Utc>>,
    /// When it was published.
    pub published: Option<DateTime<Utc>>,
    /// Labels or tags.
    pub labels: Vec<String>,
    /// Its highlights.
    pub highlights: Vec<SavedHighlight>,
    /// Notes on the whole article (no passage): kept in the front matter.
    pub page_notes: Vec<String>,
}

/// Where the importer gets each article's HTML.
pub trait Pages {
    /// The article's HTML, or why there is none (the message names it).
    fn html(&mut self, article: &SavedArticle) -> Result<String, String>;
}

/// What a read-later import did.
#[derive(Debug, Clone, Default)]
pub struct ReadLaterReport {
    /// Articles written new.
    pub added: usize,
    /// Articles rewritten because the export changed them.
    pub updated: usize,
    /// Articles already there as this export has them.
    pub unchanged: usize,
    /// One message per article not written, saying why.
    pub skipped: Vec<String>,
    /// The highlights: placed, orphaned, skipped.
    pub highlights: ImportReport,
}

impl ReadLaterReport {
    /// The line about the articles printed before the highlights' summary.
    pub fn summary(&self, dir: &Path) -> String {
        let total = self.added + self.updated + self.unchanged + self.skipped.len();
        format!(
            "{total} article{} in {}: {} added, {} updated, {} left unchanged, {} skipped",
            if total == 1 { "" } else { "s" },
            text::path(dir),
            self.added,
            self.updated,
            self.unchanged,
            self.skipped.len()
        )
    }

    /// Whether anything, article or highlight, was skipped (exit status 3).
    pub fn skipped_any(&self) -> bool {
        !self.skipped.is_empty() || !self.highlights.skipped.is_empty()
    }
}

/// The front matter key that names the tool, the id and the hash.
const IMPORT_KEY: &str = "gloss_import";

/// How much of a file is read looking for its front matter.
const HEAD_BYTES: u64 = 64 * 1024;

/// Writes `articles` into `dir` and imports their highlights into `store`;
/// see the module documentation. `what` names the export in the journal.
pub fn import(
    store: &Store,
    config: &Config,
    tool: Tool,
    what: &str,
    articles: &[SavedArticle],
    pages: &mut dyn Pages,
    dir: &Path,
) -> anyhow::Result<ReadLaterReport> {
    // An earlier import killed while writing is finished first, so this
    // one is planned against the whole of it.
    let interrupted = super::journal::recover(store)?;
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", text::path(dir)))?;
    let dir = dir
        .canonicalize()
        .with_context(|| format!("cannot read {}", text::path(dir)))?;
    let mut known = written_before(&dir);
    let mut taken: HashSet<String> = fs::read_dir(&dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.file_name().to_string_lossy().to_lowercase())
                .collect()
        })
        .unwrap_or_default();
    let mut report = ReadLaterReport::default();
    let mut annotations: Vec<(usize, W3cAnnotation)> = Vec::new();
    for article in articles {
        let key = format!("{}:{}", tool.name(), safe_id(&article.id));
        let shown = text::one_line(&article.title);
        let html = match pages.html(article) {
            Ok(html) => html,
            Err(why) => {
                report.skipped.push(format!(
                    "article \"{shown}\": {why}{}",
                    lost(article.highlights.len())
                ));
                continue;
            }
        };
        let body = render(&key, article, &html);
        let file = match known.remove(&key) {
            Some(file) => file,
            None => new_name(&dir, article, &mut taken),
        };
        match write_article(&file, &body) {
            Ok(Wrote::Added) => report.added += 1,
            Ok(Wrote::Updated) => report.updated += 1,
            Ok(Wrote::Unchanged) => report.unchanged += 1,
            Ok(Wrote::KeptEdited) => report.skipped.push(format!(
                "article \"{shown}\": {} was changed since gloss wrote it and is left as it is \
                 (move it away to import it again); its highlights are placed in it as it is",
                text::path(&file)
            )),
            Err(why) => {
                report.skipped.push(format!(
                    "article \"{shown}\": {why}{}",
                    lost(article.highlights.len())
                ));
                continue;
            }
        }
        let source = path_to_text(&file);
        for h in &article.highlights {
            let n = annotations.len();
            annotations.push((n, annotation(&source, &article.title, h)));
        }
    }
    let options = Options {
        library: vec![dir.clone()],
        ..Options::default()
    };
    let scope = Scope::new(&options.library, &[], false);
    let index = store.index()?;
    let mut notes = Notes::default();
    let mut incoming = place_annotations(
        store,
        &index,
        config,
        &annotations,
        None,
        &options,
        &scope,
        &mut notes,
    )?;
    let cleaned = incoming.iter_mut().map(|i| i.clean()).sum();
    let (placed, counts, renamed, saves) = merge_all(incoming);
    let clean = |lines: Vec<String>| -> Vec<String> {
        lines.iter().map(|m| text::clean(m).into_owned()).collect()
    };
    let mut plan = Plan {
        report: ImportReport {
            articles: placed,
            counts,
            skipped: clean(notes.skipped),
            cleaned,
            renamed,
            matched: Vec::new(),
            orphaned: clean(notes.orphaned),
            interrupted,
        },
        saves,
    };
    plan.write_journaled(store, what)?;
    report.highlights = std::mem::take(&mut plan.report);
    report.skipped = clean(report.skipped);
    Ok(report)
}

/// "; its N highlights were not imported", or nothing when it had none.
fn lost(highlights: usize) -> String {
    match highlights {
        0 => String::new(),
        1 => "; its highlight was not imported".into(),
        n => format!("; its {n} highlights were not imported"),
    }
}

/// A highlight as a W3C annotation of the written file, so the W3C import's
/// placement takes it from here.
fn annotation(source: &str, title: &str, h: &SavedHighlight) -> W3cAnnotation {
    W3cAnnotation {
        id: Some(h.via.clone()),
        source: source.to_string(),
        exact: h.quote.clone(),
        prefix: h.prefix.clone(),
        suffix: h.suffix.clone(),
        start: None,
        end: None,
        note: (!h.note.trim().is_empty()).then(|| h.note.clone()),
        tags: h.tags.clone(),
        color: None,
        title: Some(title.to_string()),
        created: h.created,
        modified: h.updated,
        via: Some(h.via.clone()),
    }
}

/// What writing one article did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wrote {
    Added,
    Updated,
    Unchanged,
    KeptEdited,
}

/// Writes `body` to `file` (crash-safe) unless it is there already, or the
/// file there was edited since gloss wrote it.
fn write_article(file: &Path, body: &str) -> Result<Wrote, String> {
    let outcome = match fs::read(file) {
        Ok(old) if old == body.as_bytes() => return Ok(Wrote::Unchanged),
        Ok(old) => {
            let old = String::from_utf8_lossy(&old);
            if !as_written(&old) {
                return Ok(Wrote::KeptEdited);
            }
            Wrote::Updated
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Wrote::Added,
        Err(e) => return Err(format!("cannot read {}: {e}", text::path(file))),
    };
    replace_file(&RealDisk, file, body.as_bytes())
        .map_err(|e| format!("cannot {} {}: {}", e.action, text::path(&e.path), e.source))?;
    Ok(outcome)
}

/// Whether `text` is exactly what gloss wrote: its recorded hash is the
/// hash of the rest of it.
fn as_written(text: &str) -> bool {
    let Some((line, _)) = import_line(text) else {
        return false;
    };
    let Some(recorded) = line.split_whitespace().last() else {
        return false;
    };
    let without = text.replacen(&format!("{line}\n"), "", 1);
    let recorded = recorded.trim_end_matches('"');
    recorded == hash(&without)
}

/// The `gloss_import: "tool:id sha256:…"` line of the front matter, and the
/// `tool:id` it names.
fn import_line(text: &str) -> Option<(&str, String)> {
    let mut lines = text.lines();
    if lines.next()? != "---" {
        return None;
    }
    for line in lines {
        if line == "---" {
            return None;
        }
        if let Some(value) = line.strip_prefix(&format!("{IMPORT_KEY}: ")) {
            let value = value.trim().trim_matches('"');
            let key = value.split_whitespace().next()?.to_string();
            return Some((line, key));
        }
    }
    None
}

/// The files in `dir` an earlier read-later import wrote, by `tool:id`.
fn written_before(dir: &Path) -> HashMap<String, PathBuf> {
    let mut out = HashMap::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "md") || !path.is_file() {
            continue;
        }
        let mut head = Vec::new();
        let read = fs::File::open(&path).and_then(|f| f.take(HEAD_BYTES).read_to_end(&mut head));
        if read.is_err() {
            continue;
        }
        if let Some((_, key)) = import_line(&String::from_utf8_lossy(&head)) {
            out.entry(key).or_insert(path);
        }
    }
    out
}

/// `sha256:` and the hex digest of `text`.
fn hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

/// An id as it is written in front matter: anything but letters, digits and
/// `-_.` percent-encoded, so it is one word on one line.
fn safe_id(id: &str) -> String {
    let mut out = String::new();
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A new file name in `dir` for `article`: its slug or title made safe (no
/// separators, no dots at the start, at most 80 characters), unique within
/// the folder whatever the case; `-2`, `-3`... added when taken.
fn new_name(dir: &Path, article: &SavedArticle, taken: &mut HashSet<String>) -> PathBuf {
    let base = file_stem(if article.name_hint.trim().is_empty() {
        &article.title
    } else {
        &article.name_hint
    });
    let mut n = 1;
    loop {
        let name = if n == 1 {
            format!("{base}.md")
        } else {
            format!("{base}-{n}.md")
        };
        let path = dir.join(&name);
        if taken.insert(name.to_lowercase()) && !path.exists() {
            return path;
        }
        n += 1;
    }
}

/// Letters and digits of `hint` in lower case, every other run of
/// characters one `-`: never a separator, `..` or a hidden name.
pub fn file_stem(hint: &str) -> String {
    let mut stem = String::new();
    for c in hint.chars() {
        if c.is_alphanumeric() {
            stem.extend(c.to_lowercase());
        } else if !stem.is_empty() && !stem.ends_with('-') {
            stem.push('-');
        }
        if stem.chars().count() >= 80 {
            break;
        }
    }
    let stem = stem.trim_matches('-');
    if stem.is_empty() {
        "article".to_string()
    } else {
        stem.to_string()
    }
}

/// The Markdown file for `article`: front matter (title, author, date,
/// source, saved and published dates, labels as tags, notes on the whole
/// article, and the import line), the title as a heading, then the page
/// converted to Markdown. Control characters from the export become the
/// reader's placeholders.
fn render(key: &str, article: &SavedArticle, html: &str) -> String {
    let mut front = String::from("---\n");
    let title = text::one_line(&article.title);
    let title = if title.is_empty() {
        "Untitled".to_string()
    } else {
        title
    };
    field(&mut front, "title", &title);
    field(&mut front, "author", &text::one_line(&article.author));
    let day = |t: &DateTime<Utc>| t.format("%Y-%m-%d").to_string();
    let stamp = |t: &DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    if let Some(date) = article.published.as_ref().or(article.saved.as_ref()) {
        field(&mut front, "date", &day(date));
    }
    field(&mut front, "source", &text::one_line(&article.url));
    if let Some(saved) = &article.saved {
        field(&mut front, "saved", &stamp(saved));
    }
    if let Some(published) = &article.published {
        field(&mut front, "published", &stamp(published));
    }
    list(&mut front, "tags", &article.labels);
    list(&mut front, "notes", &article.page_notes);
    let mut body = String::new();
    let converted = to_markdown(html);
    // A page that starts with its own title does not get it twice.
    let starts_with_title = converted
        .lines()
        .find(|l| !l.trim().is_empty())
        .is_some_and(|l| l.trim_start_matches('#').trim() == title);
    if !starts_with_title {
        body.push_str(&format!("# {}\n\n", escape_line(&title)));
    }
    body.push_str(converted.trim());
    body.push('\n');
    // The hash covers everything but its own line.
    let unsigned = format!("{front}---\n\n{body}");
    let signed_line = format!("{IMPORT_KEY}: \"{key} {}\"\n", hash(&unsigned));
    format!("{front}{signed_line}---\n\n{body}")
}

/// `key: "value"` (a JSON string is a valid YAML double-quoted scalar);
/// nothing when the value is empty.
fn field(out: &mut String, key: &str, value: &str) {
    if value.trim().is_empty() {
        return;
    }
    let value = sanitize_text(value);
    let quoted = serde_json::to_string(value.as_ref()).unwrap_or_else(|_| "\"\"".into());
    out.push_str(&format!("{key}: {quoted}\n"));
}

/// A YAML list of strings; nothing when empty.
fn list(out: &mut String, key: &str, values: &[String]) {
    let values: Vec<&String> = values.iter().filter(|v| !v.trim().is_empty()).collect();
    if values.is_empty() {
        return;
    }
    out.push_str(&format!("{key}:\n"));
    for v in values {
        let v = sanitize_text(v.trim());
        let quoted = serde_json::to_string(v.as_ref()).unwrap_or_else(|_| "\"\"".into());
        out.push_str(&format!("  - {quoted}\n"));
    }
}

/// A title safe inside a Markdown heading line.
fn escape_line(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '#' | '='
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Tags whose content is never article text.
const SKIPPED_TAGS: &[&str] = &[
    "script", "style", "noscript", "template", "head", "title", "meta", "link", "iframe", "object",
    "embed", "canvas", "svg", "form", "button", "input", "select", "textarea", "nav",
];

/// The page as Markdown, by htmd (a turndown-style converter): scripts,
/// styles, forms and navigation dropped, `<mark>` kept as `==text==` (so
/// `gloss import --marks` can take it over), control characters made
/// visible.
pub fn to_markdown(html: &str) -> String {
    use htmd::element_handler::{HandlerResult, Handlers};
    let converter = htmd::HtmlToMarkdown::builder()
        .skip_tags(SKIPPED_TAGS.to_vec())
        .add_handler(
            vec!["mark"],
            |handlers: &dyn Handlers, element: htmd::Element| -> Option<HandlerResult> {
                let inner = handlers.walk_children(element.node).content;
                let trimmed = inner.trim();
                if trimmed.is_empty() || trimmed.contains("==") {
                    return Some(inner.into());
                }
                Some(format!("=={trimmed}==").into())
            },
        )
        .build();
    let markdown = converter
        .convert(html)
        .unwrap_or_else(|_| text::one_line(html));
    sanitize_text(&markdown).into_owned()
}

/// Parses a time the way read-later tools write them: RFC 3339 / ISO 8601,
/// with or without a colon in the offset, or a bare date.
pub fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%dT%H:%M:%S%z",
        "%Y-%m-%d %H:%M:%S%z",
    ] {
        if let Ok(t) = DateTime::parse_from_str(s, format) {
            return Some(t.with_timezone(&Utc));
        }
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S",
    ] {
        if let Ok(t) = chrono::NaiveDateTime::parse_from_str(s, format) {
            return Some(t.and_utc());
        }
    }
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
}

/// A stable id for a highlight the tool gave none: the article's id, a hash
/// of the quote, and which copy of the same quote it is.
pub fn quote_id(tool: Tool, article: &str, quote: &str, copy: usize) -> String {
    let digest = Sha256::digest(quote.as_bytes());
    let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    if copy == 0 {
        format!("{}:{}/{hex}", tool.name(), safe_id(article))
    } else {
        format!("{}:{}/{hex}-{}", tool.name(), safe_id(article), copy + 1)
    }
}

/// Refuses `text` as the bytes of `what` when it is not UTF-8.
pub fn utf8(bytes: Vec<u8>, what: &str) -> anyhow::Result<String> {
    String::from_utf8(bytes).map_err(|_| anyhow!("{what} is not UTF-8 text"))
}

/// For serde: a string, a number written as text (exports write ids and
/// counts either way), or nothing for `null` and others.
pub(super) fn text_or_none<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<String>, D::Error> {
    let value = <serde_json::Value as serde::Deserialize>::deserialize(d)?;
    Ok(match value {
        serde_json::Value::String(s) => Some(s),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_never_leave_the_folder() {
        assert_eq!(file_stem("../../etc/x"), "etc-x");
        assert_eq!(file_stem("/abs/path"), "abs-path");
        assert_eq!(file_stem("..."), "article");
        assert_eq!(file_stem("Café: Ünïcode!"), "café-ünïcode");
        assert_eq!(file_stem(&"a".repeat(300)).len(), 80);
    }

    #[test]
    fn a_written_article_knows_it_is_unedited() {
        let article = SavedArticle {
            id: "x 1".into(),
            title: "T \"q\"".into(),
            labels: vec!["a".into()],
            ..SavedArticle::default()
        };
        let text = render("omnivore:x%201", &article, "<p>Body</p>");
        assert!(as_written(&text), "{text}");
        assert_eq!(import_line(&text).unwrap().1, "omnivore:x%201");
        assert!(!as_written(&text.replace("Body", "Edited body")));
    }

    #[test]
    fn scripts_go_marks_stay_escapes_show() {
        let md = to_markdown(
            "<p>Read <mark>this part</mark>.</p><script>alert(1)</script><p>Bell \u{1b}[31m</p>",
        );
        assert!(md.contains("==this part=="), "{md}");
        assert!(!md.contains("alert"), "{md}");
        assert!(!md.contains('\u{1b}'), "{md}");
    }

    #[test]
    fn times_in_the_shapes_tools_write() {
        let t = parse_time("2024-03-01T10:00:00+0100").unwrap();
        assert_eq!(t.to_rfc3339(), "2024-03-01T09:00:00+00:00");
        assert!(parse_time("2024-03-01T10:00:00.000Z").is_some());
        assert!(parse_time("2024-03-01").is_some());
        assert!(parse_time("soon").is_none());
    }
}
