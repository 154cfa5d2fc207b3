//! `gloss notes`: every highlight of the library on the command line, for
//! scripts (`--json`) and for a quick look (plain text). It filters with
//! the export's `--tag`/`--color`/`--since` ([`Filter`]) and the all-notes
//! view's query (words, `#tag`, `color:NAME`, `in:ARTICLE`), and sorts as
//! the view does, so the command and the view find the same notes.

use std::io::Write;

use anyhow::Context;
use serde::Serialize;

use super::{UsageError, read_all};
use crate::annotations::Store;
use crate::annotations::library_notes::{LibraryNote, LibraryNotes, Query, SortBy, select};
use crate::export::Filter;
use crate::text::clean;

/// What `gloss notes` was asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotesRequest {
    /// `--tag`, `--color`, `--since`.
    pub filter: Filter,
    /// The query words, as the view's filter reads them.
    pub query: String,
    /// The order.
    pub sort: SortBy,
    /// JSON instead of text.
    pub json: bool,
}

/// What the listing did, for the CLI's exit code and messages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NotesOutcome {
    /// Notes listed.
    pub listed: usize,
    /// Notes files that could not be read and were left out.
    pub unreadable: Vec<String>,
}

/// One note as `--json` writes it: stable field names for scripts.
#[derive(Debug, Serialize)]
struct JsonNote<'a> {
    id: &'a str,
    article: &'a str,
    path: &'a str,
    color: &'a str,
    quote: &'a str,
    note: &'a str,
    tags: &'a [String],
    created: String,
    updated: String,
    orphaned: bool,
    /// Character offsets in the article's text (`gloss open PATH --at`);
    /// null for an orphan, whose offsets no longer name its passage (as in
    /// `gloss export --format json`).
    start: Option<usize>,
    end: Option<usize>,
    /// An orphan's offsets from before it lost its place, only for orphans.
    #[serde(skip_serializing_if = "Option::is_none")]
    last_start: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_end: Option<usize>,
}

/// Lists the notes of `store` that pass `request` to `out`; `palette`
/// (colour names in key order) orders the colour sort and checks `--color`.
pub fn run(
    store: &Store,
    palette: &[&str],
    request: &NotesRequest,
    out: &mut dyn Write,
) -> anyhow::Result<NotesOutcome> {
    if let Some(color) = &request.filter.color
        && !palette.iter().any(|c| c.eq_ignore_ascii_case(color.trim()))
    {
        return Err(UsageError(format!(
            "no colour {:?} in the palette; the colours are {}",
            clean(color),
            palette.join(", ")
        ))
        .into());
    }
    let stored = read_all(store).context("cannot read the notes")?;
    let all = LibraryNotes::from_files(stored.files, stored.unreadable);
    let query = Query::parse(&request.query);
    let notes: Vec<&LibraryNote> = select(&all, &query, request.sort, palette)
        .into_iter()
        .filter(|n| request.filter.keep(&n.highlight))
        .collect();
    if request.json {
        let list: Vec<JsonNote> = notes.iter().map(|n| json_note(n)).collect();
        serde_json::to_writer_pretty(&mut *out, &list).context("cannot write the notes")?;
        writeln!(out).context("cannot write the notes")?;
    } else {
        for (i, note) in notes.iter().enumerate() {
            if i > 0 {
                writeln!(out).context("cannot write the notes")?;
            }
            write_text(note, out).context("cannot write the notes")?;
        }
    }
    Ok(NotesOutcome {
        listed: notes.len(),
        unreadable: all.unreadable,
    })
}

fn json_note(n: &LibraryNote) -> JsonNote<'_> {
    let h = &n.highlight;
    JsonNote {
        id: h.id.as_str(),
        article: n.article_title(),
        path: &n.article.path,
        color: &h.color,
        quote: &h.anchor.quote,
        note: &h.note,
        tags: &h.tags,
        created: h.created.to_rfc3339(),
        updated: h.updated.to_rfc3339(),
        orphaned: h.orphaned,
        start: (!h.orphaned).then(|| h.anchor.start.get()),
        end: (!h.orphaned).then(|| h.anchor.end.get()),
        last_start: h.orphaned.then(|| h.anchor.start.get()),
        last_end: h.orphaned.then(|| h.anchor.end.get()),
    }
}

/// One note as text: a heading line (article, date, colour, tags), the
/// quote after `> `, then the note, every line from the file sanitized.
fn write_text(n: &LibraryNote, out: &mut dyn Write) -> std::io::Result<()> {
    let h = &n.highlight;
    let mut head = format!(
        "{} · {} · {}",
        clean(n.article_title()),
        h.created.format("%Y-%m-%d"),
        clean(&h.color)
    );
    if !h.tags.is_empty() {
        let tags: Vec<String> = h.tags.iter().map(|t| format!("#{}", clean(t))).collect();
        head.push_str(" · ");
        head.push_str(&tags.join(" "));
    }
    if h.orphaned {
        head.push_str(" · orphaned");
    }
    writeln!(out, "{head}")?;
    for line in h.anchor.quote.lines() {
        writeln!(out, "> {}", clean(line))?;
    }
    for line in h.note.lines() {
        writeln!(out, "{}", clean(line))?;
    }
    Ok(())
}
