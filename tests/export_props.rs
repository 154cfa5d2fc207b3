//! Properties over arbitrary text: the exported Markdown renders quotes and
//! notes back as themselves (modulo Markdown's own whitespace rules), never as
//! other structure; JSON, CSV and W3C exports read back to the same values.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "fixtures/export/fixture.rs"]
mod fixture;

use gloss::annotations::{AnnotationFile, ArticleRecord};
use gloss::export::{
    Filter, MarkdownOptions, from_json, from_w3c, to_csv, to_json, to_markdown, to_w3c,
};
use proptest::prelude::*;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// What a reader sees of `text`: lines trimmed, blank-line runs as one
/// paragraph break, leading and trailing blank lines gone.
fn normalized(text: &str) -> String {
    let mut paragraphs: Vec<Vec<&str>> = vec![vec![]];
    for line in text.split("\r\n").flat_map(|l| l.split(['\n', '\r'])) {
        let line = line.trim();
        if line.is_empty() {
            if paragraphs.last().is_some_and(|p| !p.is_empty()) {
                paragraphs.push(vec![]);
            }
        } else if let Some(p) = paragraphs.last_mut() {
            p.push(line);
        }
    }
    paragraphs
        .iter()
        .filter(|p| !p.is_empty())
        .map(|p| p.join("\n"))
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// The block quote's text and the note: the paragraphs between the heading
/// and byline and the last two (the colour line and the backlink).
fn rendered(markdown: &str) -> (String, String) {
    let options = Options::all() - Options::ENABLE_SMART_PUNCTUATION;
    let mut quote = String::new();
    let mut paragraphs: Vec<String> = Vec::new();
    let mut in_quote = false;
    for event in Parser::new_ext(markdown, options) {
        let target = if in_quote {
            &mut quote
        } else {
            paragraphs.last_mut().unwrap_or(&mut quote)
        };
        match event {
            Event::Start(Tag::BlockQuote(None)) => in_quote = true,
            // A quote of code (lines indented after the first) is a fenced
            // block in the quote: its text is the quote's lines.
            Event::Start(Tag::CodeBlock(_)) | Event::End(TagEnd::CodeBlock) if in_quote => {}
            Event::End(TagEnd::BlockQuote(_)) => in_quote = false,
            Event::Start(Tag::Paragraph) if in_quote => {
                if !quote.is_empty() {
                    quote.push_str("\n\n");
                }
            }
            Event::Start(Tag::Paragraph) => paragraphs.push(String::new()),
            Event::End(TagEnd::Paragraph) => {}
            Event::Start(Tag::Heading { .. }) => paragraphs.push(String::new()),
            Event::End(TagEnd::Heading(_)) => {}
            Event::Text(t) | Event::Code(t) => target.push_str(&t),
            Event::SoftBreak | Event::HardBreak => target.push('\n'),
            // The backlink to the article, in the last paragraph.
            Event::Start(Tag::Link { dest_url, .. }) if dest_url.as_ref() == "file:///a.md" => {}
            Event::End(TagEnd::Link) => {}
            other => panic!("unexpected structure {other:?} in:\n{markdown}"),
        }
    }
    let note = paragraphs
        .get(2..paragraphs.len().saturating_sub(2))
        .unwrap_or_default()
        .join("\n\n");
    (quote, note)
}

fn text_strategy() -> impl Strategy<Value = String> {
    // Printable ASCII (every Markdown mark), line breaks, and some non-ASCII.
    proptest::collection::vec(
        prop_oneof![
            8 => proptest::char::range(' ', '~'),
            1 => Just('\n'),
            1 => prop_oneof![Just('é'), Just('👩'), Just('\u{a0}'), Just('—'), Just('\r')],
        ],
        1..60,
    )
    .prop_map(|cs| cs.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn quotes_and_notes_render_as_themselves(quote in text_strategy(), note in text_strategy()) {
        prop_assume!(!normalized(&quote).is_empty() && !normalized(&note).is_empty());
        // A lone CR is a control character: exports show it as ␍.
        let mut h = fixture::hl("01HZX3A6Q4W5V8F0J3M2K7N9PB", "yellow", "x", "", &[], false, 5, "2024-01-01T00:00:00Z");
        h.anchor.quote = quote.clone();
        h.note = note.clone();
        let file = AnnotationFile {
            version: 1,
            article: ArticleRecord { title: "T".into(), path: "/a.md".into(), ..ArticleRecord::default() },
            position: None,
            highlights: vec![h],
        };
        let md = to_markdown(&[file], &Filter::default(), &MarkdownOptions::default());
        let (q, n) = rendered(&md);
        prop_assert_eq!(normalized(&q), normalized(&shown(&quote)), "quote in:\n{}", md);
        prop_assert_eq!(n, normalized(&shown(&note)), "note in:\n{}", md);
    }
}

/// `text` as every export writes it: control characters as placeholders.
fn shown(text: &str) -> String {
    gloss::document::sanitize_text(text).into_owned()
}

/// `files` as every export writes them.
fn clean(mut files: Vec<AnnotationFile>) -> Vec<AnnotationFile> {
    for f in &mut files {
        gloss::export::clean_file(f);
    }
    files
}

fn one_file(
    title: String,
    author: Option<String>,
    path: String,
    quote: String,
    note: String,
    tags: Vec<String>,
) -> AnnotationFile {
    let mut h = fixture::hl(
        "01HZX3A6Q4W5V8F0J3M2K7N9PB",
        "green",
        "x",
        "",
        &[],
        false,
        3,
        "2024-01-01T00:00:00Z",
    );
    h.anchor.quote = quote;
    h.note = note;
    h.tags = tags;
    AnnotationFile {
        version: gloss::annotations::SCHEMA_VERSION,
        article: ArticleRecord {
            title,
            author,
            date: None,
            path,
            fingerprint: "sha256:0".into(),
            archived: None,
        },
        position: None,
        highlights: vec![h],
    }
}

proptest! {
    #[test]
    fn json_round_trips_any_text(
        title in any::<String>(),
        author in proptest::option::of(any::<String>()),
        path in any::<String>(),
        quote in any::<String>(),
        note in any::<String>(),
        tags in proptest::collection::vec(any::<String>(), 0..3),
    ) {
        let files = vec![one_file(title, author, path, quote, note, tags)];
        let text = to_json(&files, &Filter::default());
        // What comes back is the text with control characters shown as placeholders.
        prop_assert_eq!(from_json(&text).unwrap(), clean(files));
    }

    #[test]
    fn csv_round_trips_any_text(title in any::<String>(), quote in any::<String>(), note in any::<String>()) {
        prop_assume!(!title.trim().is_empty());
        let files = vec![one_file(title.clone(), None, "/p".into(), quote.clone(), note.clone(), vec![])];
        let text = to_csv(&files, &Filter::default());
        let (title, quote, note) = (shown(&title), shown(&quote), shown(&note));
        let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
        let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
        prop_assert_eq!(rows.len(), 1);
        // A cell a spreadsheet would run as a formula gets a `'` in front.
        let inert = |cell: &str| if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
            format!("'{cell}")
        } else {
            cell.to_owned()
        };
        prop_assert_eq!(rows[0][0].to_owned(), inert(&quote));
        prop_assert_eq!(rows[0][1].to_owned(), inert(title.trim()));
        prop_assert_eq!(rows[0][4].to_owned(), inert(note.trim()));
    }

    #[test]
    fn w3c_round_trips_any_text(
        path in "/[^\\u{0}]{0,30}",
        quote in any::<String>(),
        note in any::<String>(),
        tags in proptest::collection::vec(any::<String>(), 0..3),
    ) {
        let files = vec![one_file("T".into(), None, path.clone(), quote.clone(), note.clone(), tags.clone())];
        let back = from_w3c(&to_w3c(&files, &Filter::default())).unwrap();
        let (path, quote, note) = (shown(&path), shown(&quote), shown(&note));
        let tags: Vec<String> = tags.iter().map(|t| shown(t)).collect();
        prop_assert_eq!(back.len(), 1);
        prop_assert_eq!(&back[0].source, &path);
        prop_assert_eq!(&back[0].exact, &quote);
        prop_assert_eq!(back[0].note.clone(), (!note.trim().is_empty()).then_some(note));
        prop_assert_eq!(&back[0].tags, &tags);
        // Positions name the file's characters, so only an export that read
        // the article (the command's) carries them.
        prop_assert_eq!((back[0].start, back[0].end), (None, None));
    }
}
