//! `gloss import --marks ARTICLE`: highlights that web clippers and Markdown
//! editors write into the article itself (`==text==` in Obsidian and
//! Typora, `<mark>text</mark>` in HTML and many clippers) become gloss
//! highlights, placed by the same policy as any imported passage.

use std::collections::HashSet;
use std::fs;
use std::path::Path;

use anyhow::{Context, anyhow};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use super::{Anchorer, ImportReport, Incoming, Notes, Options, Scope, merge_all};
use crate::annotations::{
    Anchor, ArticleRecord, Highlight, QuoteSelector, Store, fingerprint, path_to_text,
};
use crate::config::Config;
use crate::document::Document;
use crate::library::{self, Source, store_path};
use crate::text;

/// How much text around a mark is given as context.
const CONTEXT: usize = 32;

/// One mark found in the source: its inner text, and the source text before
/// and after it twice, without and with the delimiters (whether the reader
/// shows them decides which one the canonical text has).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    /// The marked text.
    pub quote: String,
    /// Context outside the delimiters.
    pub outside: (String, String),
    /// Context including the delimiters.
    pub inside: (String, String),
}

/// Every `==text==` and `<mark>text</mark>` in `source`, in order. A mark
/// does not span a blank line; `====` and `== text` with inner spaces at
/// the edges are not marks (as in Obsidian).
pub fn find_marks(source: &str) -> Vec<Mark> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < source.len() {
        let rest = &source[at..];
        let next_eq = rest.find("==");
        let next_tag = find_ascii_ci(rest, "<mark");
        let (open, is_tag) = match (next_eq, next_tag) {
            (Some(e), Some(t)) if t < e => (t, true),
            (Some(e), _) => (e, false),
            (None, Some(t)) => (t, true),
            (None, None) => break,
        };
        let start = at + open;
        let found = if is_tag {
            source[start..].find('>').and_then(|gt| {
                let inner_start = start + gt + 1;
                find_ascii_ci(&source[inner_start..], "</mark>")
                    .map(|end| (start, inner_start, inner_start + end, inner_start + end + 7))
            })
        } else {
            let inner_start = start + 2;
            source[inner_start..]
                .find("==")
                .map(|end| (start, inner_start, inner_start + end, inner_start + end + 2))
        };
        let Some((open_at, inner_start, inner_end, close_end)) = found else {
            at = start + 2;
            continue;
        };
        let inner = &source[inner_start..inner_end];
        let usable = !inner.trim().is_empty()
            && !inner.contains("\n\n")
            && !inner.contains("\r\n\r\n")
            && (is_tag
                || (!inner.starts_with(char::is_whitespace)
                    && !inner.ends_with(char::is_whitespace)));
        if !usable {
            at = if is_tag { close_end } else { inner_start };
            continue;
        }
        out.push(Mark {
            quote: inner.trim().to_string(),
            outside: (tail(&source[..open_at]), head(&source[close_end..])),
            inside: (tail(&source[..inner_start]), head(&source[inner_end..])),
        });
        at = close_end;
    }
    out
}

fn find_ascii_ci(haystack: &str, needle: &str) -> Option<usize> {
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

fn tail(text: &str) -> String {
    let chars: Vec<char> = text.chars().rev().take(CONTEXT).collect();
    chars.into_iter().rev().collect()
}

fn head(text: &str) -> String {
    text.chars().take(CONTEXT).collect()
}

/// Imports the marks of the article `file`; see the module documentation.
pub fn run(
    store: &Store,
    config: &Config,
    file: &Path,
    options: &Options,
) -> anyhow::Result<ImportReport> {
    let shown = text::path(file);
    let file = std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf());
    let scope = Scope::new(&options.library, &config.library, options.allow_outside);
    scope
        .check(&file)
        .map_err(|e| anyhow!("{e}; nothing was imported"))?;
    let source = Source::File(file.clone());
    let loaded = library::load_within(&source, config.reader.max_file_size())
        .map_err(|e| anyhow!("{shown}: {e}; nothing was imported"))?;
    // Finished first, so the marks are planned against all of it.
    let interrupted = super::journal::recover(store)?;
    let doc = Document::parse_complete(&loaded.text, loaded.format, config.reader.parse_options());
    let path = store_path(&source);
    let meta = doc.meta();
    let record = ArticleRecord {
        title: meta.title_or_name(&source.file_name()),
        author: meta.author.clone(),
        date: meta.date_text.clone(),
        path: path_to_text(&path),
        fingerprint: fingerprint(&loaded.text),
        archived: None,
    };
    let made = fs::metadata(&file)
        .and_then(|m| m.modified())
        .map(DateTime::<Utc>::from)
        .unwrap_or_else(|_| Utc::now());
    let marks = find_marks(&loaded.text);
    let anchorer = Anchorer::new(doc.text(), marks.iter().map(|m| m.quote.as_str()));
    let mut notes = Notes::default();
    let mut highlights = Vec::new();
    let mut timeless = HashSet::new();
    for (n, mark) in marks.into_iter().enumerate() {
        let placed = [&mark.outside, &mark.inside]
            .into_iter()
            .find_map(|(p, s)| {
                anchorer
                    .locator
                    .place_selector(&QuoteSelector {
                        exact: mark.quote.clone(),
                        prefix: p.clone(),
                        suffix: s.clone(),
                        position: None,
                    })
                    .ok()
            });
        let Some(settled) = placed else {
            notes.skipped.push(format!(
                "mark {} (\"{}\"): its text could not be found in the article as gloss shows it",
                n + 1,
                text::clean(&mark.quote)
            ));
            continue;
        };
        let h = mark_highlight(config, &record.path, &settled.anchor, n, made);
        timeless.insert(h.id.clone());
        highlights.push(h);
    }
    let found = store
        .find(&path, &record.fingerprint)
        .with_context(|| format!("{shown}: nothing was imported"))?
        .map(|f| (f.file, f.content));
    let incoming = vec![Incoming::placed(found, record, highlights, timeless)];
    let (articles, counts, renamed, saves) = merge_all(incoming);
    let mut plan = super::Plan {
        report: ImportReport {
            articles,
            counts,
            skipped: notes.skipped,
            renamed,
            ..ImportReport::default()
        },
        saves,
    };
    plan.report.interrupted = interrupted;
    plan.write_journaled(store, &shown)?;
    Ok(plan.report)
}

/// The highlight for the `n`-th mark: its id comes from the article and the
/// marked words, so importing the marks again updates nothing.
fn mark_highlight(
    config: &Config,
    article: &str,
    anchor: &Anchor,
    n: usize,
    made: DateTime<Utc>,
) -> Highlight {
    let mut hasher = Sha256::new();
    for part in [
        article.as_bytes(),
        anchor.quote.as_bytes(),
        &n.to_le_bytes(),
    ] {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    let random = hasher
        .finalize()
        .iter()
        .take(16)
        .fold(0u128, |acc, b| (acc << 8) | u128::from(*b));
    let ms = u64::try_from(made.timestamp_millis()).unwrap_or(0);
    Highlight {
        id: ulid::Ulid::from_parts(ms, random).to_string().into(),
        created: made,
        updated: made,
        color: config.highlights.default.clone(),
        tags: Vec::new(),
        note: String::new(),
        orphaned: false,
        via: None,
        anchor: anchor.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_kinds_of_marks_are_found_with_their_context() {
        let src = "Plain ==marked words== and <mark>tagged text</mark>.\n\n== not a mark ==\n";
        let marks = find_marks(src);
        assert_eq!(
            marks.iter().map(|m| m.quote.as_str()).collect::<Vec<_>>(),
            ["marked words", "tagged text"]
        );
        assert_eq!(marks[0].outside.0, "Plain ");
        assert_eq!(marks[0].inside.0, "Plain ==");
        assert!(marks[1].outside.1.starts_with(".\n\n"));
        assert!(find_marks("a == b and c == d").is_empty());
        assert!(find_marks("==open\n\nclosed==").is_empty());
    }

    #[test]
    fn marks_become_highlights_once() {
        let dir = tempfile::tempdir().unwrap();
        let article = dir.path().join("clip.md");
        fs::write(
            &article,
            "# Clip\n\nThe ==first point== matters, and so does <mark>the second</mark> one.\n",
        )
        .unwrap();
        let store = Store::new(&dir.path().join("data"));
        let options = Options {
            library: vec![dir.path().to_path_buf()],
            ..Options::default()
        };
        let config = Config::default();
        let report = run(&store, &config, &article, &options).unwrap();
        assert_eq!(report.counts.added, 2, "{report:?}");
        assert!(report.skipped.is_empty(), "{report:?}");
        let files = crate::commands::read_all(&store).unwrap().files;
        let quotes: Vec<&str> = files[0]
            .1
            .highlights
            .iter()
            .map(|h| h.anchor.quote.as_str())
            .collect();
        assert_eq!(quotes, ["first point", "the second"]);
        let again = run(&store, &config, &article, &options).unwrap();
        assert_eq!(again.counts.added, 0);
        assert_eq!(again.counts.unchanged, 2);
    }
}
