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
//!   tag once, as `.tag`, the same word the Markdown export writes as `#tag`
//!   (spaces inside a tag become `-`), separated by spaces, before the note
//!   text, e.g. `.ideas .todo Compare with last week.` Readwise reads tags only
//!   at the start of a note, so a `#tag` word the note itself holds (gloss's
//!   way of tagging) moves there rather than being written twice: the note
//!   `Compare #ideas with last week.` becomes `.ideas Compare with last week.`
//!   An orphan's note starts with `[orphaned]`.
//! - `Location` is the highlight's start as a character offset in the
//!   article's canonical text, which keeps Readwise's ordering the document's;
//!   empty for an orphan, whose old offset no longer names its text.
//! - `Date` is when the highlight was made, `YYYY-MM-DD HH:MM:SS` in UTC.
//! - Not carried: colour, prefix/suffix context (Readwise has no column for
//!   them); use the JSON export for a lossless copy.
//! - Safe to open in a spreadsheet: a cell that starts with `=`, `+`, `-`,
//!   `@`, a tab or a carriage return gets a `'` in front, as OWASP recommends
//!   against CSV injection, so no spreadsheet runs it as a formula (the quote
//!   shows; the words are unchanged).

use super::clean::cleaned;
use super::{Filter, display_title, select, tag_word, uri::file_uri};
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
            let location = if h.orphaned {
                String::new()
            } else {
                h.anchor.start.to_string()
            };
            let _ = writer.write_record([
                inert(&h.anchor.quote).as_ref(),
                inert(&title).as_ref(),
                inert(&author).as_ref(),
                inert(&url).as_ref(),
                inert(&note_with_tags(h)).as_ref(),
                location.as_str(),
                h.created.format("%Y-%m-%d %H:%M:%S").to_string().as_str(),
            ]);
        }
    }
    let bytes = writer.into_inner().unwrap_or_default();
    // Every field came from a `&str`, so the bytes are UTF-8.
    String::from_utf8(bytes).unwrap_or_default()
}

/// A cell a spreadsheet will not run as a formula: OWASP's advice for CSV
/// injection, a `'` before a cell that starts with `=`, `+`, `-`, `@`, tab
/// or carriage return.
fn inert(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// The note with the tags in front as Readwise `.tag`s, after `[orphaned]`
/// for an orphan.
fn note_with_tags(h: &Highlight) -> String {
    let mut parts: Vec<String> = Vec::new();
    if h.orphaned {
        parts.push("[orphaned]".to_owned());
    }
    parts.extend(
        h.tags
            .iter()
            .filter_map(|t| tag_word(t))
            .map(|t| format!(".{t}")),
    );
    let note = without_tag_words(&h.note, &h.tags);
    if !note.is_empty() {
        parts.push(note);
    }
    parts.join(" ")
}

/// `note` without its `#tag` words that name one of `tags` (any case, a
/// trailing `.`, `,`, `;`, `:`, `!` or `?` kept), so the tags written in
/// front are not written again; every other character is kept as it is.
fn without_tag_words(note: &str, tags: &[String]) -> String {
    let named: Vec<String> = tags
        .iter()
        .filter_map(|t| tag_word(t))
        .map(|t| t.to_lowercase())
        .collect();
    let is_tag = |word: &str| {
        word.strip_prefix('#')
            .and_then(tag_word)
            .is_some_and(|w| named.contains(&w.to_lowercase()))
    };
    let mut out = String::with_capacity(note.len());
    let mut rest = note.trim();
    while !rest.is_empty() {
        // One piece: the white space before a word, and the word.
        let start = rest
            .find(|c: char| !c.is_whitespace())
            .unwrap_or(rest.len());
        let (space, tail) = rest.split_at(start);
        let end = tail.find(char::is_whitespace).unwrap_or(tail.len());
        let (word, after) = tail.split_at(end);
        rest = after;
        let bare = word.trim_end_matches(['.', ',', ';', ':', '!', '?']);
        if !is_tag(bare) {
            out.push_str(space);
            out.push_str(word);
            continue;
        }
        // The tag goes with the space before it, a line break excepted.
        if space.contains('\n') {
            out.push_str(space);
        }
        out.push_str(word.get(bare.len()..).unwrap_or(""));
    }
    out.trim().to_owned()
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
             \"a, \"\"b\"\"\nc\",a b.md,,file:///tmp/a%20b.md,.x-y .z,7,2024-05-02 08:15:00\n"
        );
    }

    #[test]
    fn formula_cells_are_neutralised() {
        // A carriage return is shown as a placeholder anyway (as every
        // control character in an export), so only these can start a cell.
        for start in ["=", "+", "-", "@", "\t"] {
            let quote = format!("{start}SUM(A1:A9)");
            let out = to_csv(&[file(&quote, "@1 and more", &[])], &Filter::default());
            let mut reader = csv::Reader::from_reader(out.as_bytes());
            let row = reader.records().next().unwrap().unwrap();
            assert_eq!(&row[0], format!("'{quote}"), "{out:?}");
            assert_eq!(&row[4], "'@1 and more", "{out:?}");
        }
        let plain = to_csv(&[file("a - b", "fine", &[])], &Filter::default());
        assert!(plain.contains("\na - b,"), "{plain}");
    }

    #[test]
    fn orphans_say_so_and_have_no_location() {
        let mut f = file("q", "note", &["t"]);
        f.highlights[0].orphaned = true;
        let out = to_csv(&[f], &Filter::default());
        assert!(out.contains(",[orphaned] .t note,,2024"), "{out}");
    }

    #[test]
    fn tags_written_in_the_note_are_written_once() {
        let out = to_csv(
            &[file(
                "q",
                "#ideas Compare with #Todo, last week\nthen #ideas again. C#ideas #ideasx",
                &["ideas", "Todo", "other"],
            )],
            &Filter::default(),
        );
        let mut reader = csv::Reader::from_reader(out.as_bytes());
        let row = reader.records().next().unwrap().unwrap();
        assert_eq!(
            &row[4],
            ".ideas .Todo .other Compare with, last week\nthen again. C#ideas #ideasx"
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
