//! Cards for Anki: a UTF-8 text file that Anki's File > Import reads with no
//! setting changed, one note per highlight, following the file headers of
//! Anki's text import (<https://docs.ankiweb.net/importing/text-files.html>,
//! "File Headers", Anki 2.1.55 and later):
//!
//! ```text
//! #separator:tab
//! #html:false
//! #notetype:Basic
//! #deck:gloss
//! #columns:GUID→Front→Back→Tags
//! #guid column:1
//! #tags column:4
//! gloss-01J0…→The quote→"The note
//!
//! On Reading
//! gloss open '/home/ann/on-reading.md' --at 1234"→ideas todo
//! ```
//!
//! (→ stands for a tab.)
//!
//! - Note type **Basic** (Front, Back), which every Anki collection has: the
//!   front is the quote, the back the note, then the article's title and a
//!   backlink (`gloss open PATH --at OFFSET`, then the article's `file:` URI).
//!   A cloze of the highlighted words was left aside: gloss keeps only a few
//!   words of context around a highlight, and a whole highlighted paragraph
//!   makes a poor cloze.
//! - The first column is a stable GUID made from the highlight's id
//!   (`gloss-<id>`): importing a newer export again updates those notes
//!   instead of adding duplicates.
//! - Fields are separated by tabs. A field holding a tab, a line break or a
//!   double quote is put in double quotes with its quotes doubled (as the
//!   Anki manual describes); `#html:false` makes Anki show the text as
//!   written, `<` and `&` included, with line breaks kept.
//! - Tags are separated by spaces; a space inside a gloss tag becomes `_`.
//! - Articles are in title order and highlights in text order, as in every
//!   export, so exporting the same notes twice gives the same bytes.

use super::clean::cleaned;
use super::uri::file_uri;
use super::{Filter, display_title, select};
use crate::annotations::AnnotationFile;

/// The deck the cards go to (Anki creates it when missing).
pub const ANKI_DECK: &str = "gloss";

/// The note type the cards use; every collection has it.
pub const ANKI_NOTETYPE: &str = "Basic";

/// The header lines, in the order written.
pub fn anki_header() -> String {
    format!(
        "#separator:tab\n#html:false\n#notetype:{ANKI_NOTETYPE}\n#deck:{ANKI_DECK}\n\
         #columns:GUID\tFront\tBack\tTags\n#guid column:1\n#tags column:4\n"
    )
}

/// The stable id of the Anki note made from a highlight.
pub fn anki_guid(highlight_id: &str) -> String {
    format!("gloss-{highlight_id}")
}

/// The Anki import file of `files` (see the module documentation).
pub fn to_anki(files: &[AnnotationFile], filter: &Filter) -> String {
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b'\t')
        .terminator(csv::Terminator::Any(b'\n'))
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(Vec::new());
    let files = cleaned(files);
    for sel in select(&files, filter) {
        let title = display_title(sel.article);
        let path = sel.article.path.trim();
        for h in sel.highlights {
            let mut back = String::new();
            let note = h.note.trim();
            if !note.is_empty() {
                back.push_str(note);
                back.push_str("\n\n");
            }
            back.push_str(&title);
            if !path.is_empty() {
                back.push_str(&format!(
                    "\ngloss open {} --at {}\n{}",
                    shell_words::quote(path),
                    h.anchor.start,
                    file_uri(path)
                ));
            }
            let tags: Vec<String> = h
                .tags
                .iter()
                .map(|t| t.split_whitespace().collect::<Vec<_>>().join("_"))
                .filter(|t| !t.is_empty())
                .collect();
            // Writing to a Vec cannot fail; a failed row would only be missing.
            let _ = writer.write_record([
                anki_guid(h.id.as_str()),
                h.anchor.quote.trim().to_string(),
                back,
                tags.join(" "),
            ]);
        }
    }
    let rows = writer.into_inner().unwrap_or_default();
    let mut out = anki_header();
    out.push_str(&String::from_utf8_lossy(&rows));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotations::ArticleRecord;
    use crate::annotations::testing::highlight;

    fn library() -> Vec<AnnotationFile> {
        let mut tricky = highlight("01TRICKY")
            .note("Line one\twith a tab\nline \"two\" <b>bold?</b> & more")
            .tags(&["ideas", "to do"])
            .build();
        tricky.anchor.quote = "A quote\nover two lines".into();
        tricky.anchor.start = crate::document::CharOffset::new(42);
        let plain = highlight("01PLAIN").build();
        vec![AnnotationFile {
            version: 1,
            article: ArticleRecord {
                title: "On Reading".into(),
                path: "/home/ann/on reading.md".into(),
                ..ArticleRecord::default()
            },
            position: None,
            highlights: vec![tricky, plain],
        }]
    }

    /// Reads the file the way Anki's importer does: `#` lines are headers,
    /// the rest tab-separated fields with double-quote escaping.
    fn read(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
        let headers = text
            .lines()
            .take_while(|l| l.starts_with('#'))
            .map(str::to_string)
            .collect();
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(b'\t')
            .comment(Some(b'#'))
            .has_headers(false)
            .from_reader(text.as_bytes());
        let rows = reader
            .records()
            .map(|r| r.unwrap().iter().map(str::to_string).collect())
            .collect();
        (headers, rows)
    }

    #[test]
    fn the_header_says_everything_anki_needs_to_import_unasked() {
        let text = to_anki(&library(), &Filter::default());
        let (headers, rows) = read(&text);
        assert_eq!(
            headers,
            [
                "#separator:tab",
                "#html:false",
                "#notetype:Basic",
                "#deck:gloss",
                "#columns:GUID\tFront\tBack\tTags",
                "#guid column:1",
                "#tags column:4",
            ]
        );
        // Every row has the four columns the header names.
        assert_eq!(rows.len(), 2);
        assert!(rows.iter().all(|r| r.len() == 4), "{rows:?}");
    }

    #[test]
    fn fields_keep_tabs_newlines_quotes_and_markup_as_written() {
        let text = to_anki(&library(), &Filter::default());
        let (_, rows) = read(&text);
        let tricky = rows.iter().find(|r| r[0] == "gloss-01TRICKY").unwrap();
        assert_eq!(tricky[1], "A quote\nover two lines");
        assert!(
            tricky[2].starts_with(
                "Line one\twith a tab\nline \"two\" <b>bold?</b> & more\n\nOn Reading\n"
            ),
            "{:?}",
            tricky[2]
        );
        assert!(
            tricky[2].contains("gloss open '/home/ann/on reading.md' --at 42"),
            "{:?}",
            tricky[2]
        );
        assert!(
            tricky[2].ends_with("file:///home/ann/on%20reading.md"),
            "{:?}",
            tricky[2]
        );
        assert_eq!(tricky[3], "ideas to_do");
        // The raw line quotes the fields with a tab or a newline, and no data
        // line can be taken for a header.
        assert!(text.contains("\t\"A quote\nover two lines\"\t"), "{text}");
        let data: Vec<&str> = text.lines().skip(7).collect();
        assert!(data[0].starts_with("gloss-"), "{data:?}");
    }

    #[test]
    fn guids_are_stable_so_a_second_import_updates() {
        let once = to_anki(&library(), &Filter::default());
        let twice = to_anki(&library(), &Filter::default());
        assert_eq!(once, twice);
        let (_, rows) = read(&once);
        let mut guids: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
        guids.sort_unstable();
        assert_eq!(guids, ["gloss-01PLAIN", "gloss-01TRICKY"]);
    }

    #[test]
    fn the_filter_applies() {
        let filter = Filter {
            tags: vec!["ideas".into()],
            ..Filter::default()
        };
        let (_, rows) = read(&to_anki(&library(), &filter));
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0][0], "gloss-01TRICKY");
    }
}
