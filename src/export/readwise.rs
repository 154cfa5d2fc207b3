//! Readwise's CSV import layout, so highlights can join a Readwise library (and
//! any spreadsheet).
//!
//! - Columns, in this order: `Highlight,Title,Author,URL,Note,Location,Date`.
//! - RFC 4180 quoting: fields holding a comma, a double quote or LF are quoted
//!   and quotes doubled; UTF-8 without a byte-order mark. Records end in LF,
//!   not CRLF: no export carries a control character but newline and tab, and
//!   CSV readers, spreadsheets included, accept LF.
//! - `Highlight` is the quote; `Title` the article title (its file name when it
//!   has none); `Author` empty when unknown; `URL` the `file:` URI of the
//!   article's path, percent-encoded.
//! - `Note` carries the tags the way Readwise's inline tagging reads them: each
//!   tag as `.tag` (spaces inside a tag become `_`), separated by spaces,
//!   before the note text, e.g. `.ideas .todo Compare with last week.`
//! - `Location` is the highlight's start as a character offset in the
//!   article's canonical text, which keeps Readwise's ordering the document's.
//! - `Date` is when the highlight was made, `YYYY-MM-DD HH:MM:SS` in UTC.
//! - Not carried: colour, orphaned state, prefix/suffix context (Readwise has
//!   no column for them); use the JSON export for a lossless copy.
//! - Fields are not altered to defuse spreadsheet formulas (`=`, `+`, `-`, `@`
//!   at the start): the file is data for Readwise, and changing quotes would
//!   corrupt them.

use super::clean::cleaned;
use super::{Filter, display_title, select, uri::file_uri};
use crate::annotations::{AnnotationFile, Highlight};

/// The header row, exactly as Readwise's template spells it.
pub const CSV_HEADER: [&str; 7] = [
    "Highlight",
    "Title",
    "Author",
    "URL",
    "Note",
    "Location",
    "Date",
];

/// The Readwise CSV of `files` (see the module documentation for columns and
/// quoting). Always has the header row, even when nothing is selected.
pub fn to_csv(files: &[AnnotationFile], filter: &Filter) -> String {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(Vec::new());
    // Writing to a Vec cannot fail; a failed row would only be missing.
    let _ = writer.write_record(CSV_HEADER);
    let files = cleaned(files);
    for sel in select(&files, filter) {
        let title = display_title(sel.article);
        let author = sel
            .article
            .author
            .as_deref()
            .unwrap_or("")
            .trim()
            .to_owned();
        let url = file_uri(&sel.article.path);
        for h in sel.highlights {
            let _ = writer.write_record([
                h.anchor.quote.as_str(),
                title.as_str(),
                author.as_str(),
                url.as_str(),
                note_with_tags(h).as_str(),
                h.anchor.start.to_string().as_str(),
                h.created.format("%Y-%m-%d %H:%M:%S").to_string().as_str(),
            ]);
        }
    }
    let bytes = writer.into_inner().unwrap_or_default();
    // Every field came from a `&str`, so the bytes are UTF-8.
    String::from_utf8(bytes).unwrap_or_default()
}

/// The note with the tags in front as Readwise `.tag`s.
fn note_with_tags(h: &Highlight) -> String {
    let mut parts: Vec<String> = h
        .tags
        .iter()
        .map(|t| {
            t.trim()
                .trim_start_matches(['#', '.'])
                .split_whitespace()
                .collect::<Vec<_>>()
                .join("_")
        })
        .filter(|t| !t.is_empty())
        .map(|t| format!(".{t}"))
        .collect();
    let note = h.note.trim();
    if !note.is_empty() {
        parts.push(note.to_owned());
    }
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotations::ArticleRecord;
    use crate::annotations::testing::{CharOffset, highlight};

    fn file(quote: &str, note: &str, tags: &[&str]) -> AnnotationFile {
        AnnotationFile {
            version: 1,
            article: ArticleRecord {
                title: String::new(),
                author: None,
                date: None,
                path: "/tmp/a b.md".into(),
                fingerprint: String::new(),
                archived: None,
            },
            position: None,
            highlights: vec![
                highlight("x")
                    .quote_at(quote, CharOffset::new(7))
                    .at("2024-05-02T08:15:00Z")
                    .tags(tags)
                    .note(note)
                    .build(),
            ],
        }
    }

    #[test]
    fn quoting_and_columns() {
        let out = to_csv(
            &[file("a, \"b\"\nc", "", &["x y", "#z"])],
            &Filter::default(),
        );
        assert_eq!(
            out,
            "Highlight,Title,Author,URL,Note,Location,Date\n\
             \"a, \"\"b\"\"\nc\",a b.md,,file:///tmp/a%20b.md,.x_y .z,7,2024-05-02 08:15:00\n"
        );
    }

    #[test]
    fn empty_selection_still_has_header() {
        let f = Filter {
            orphaned_only: true,
            ..Filter::default()
        };
        assert_eq!(
            to_csv(&[file("q", "n", &[])], &f),
            "Highlight,Title,Author,URL,Note,Location,Date\n"
        );
    }
}
