//! Hostile text in exports: a note, tag, colour or title that came from
//! someone else's export or a hand-edited notes file must never carry a
//! terminal control sequence out of `gloss export`, in any format.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "fixtures/export/fixture.rs"]
mod fixture;

use gloss::annotations::{AnnotationFile, ArticleRecord};
use gloss::export::{
    Filter, MarkdownOptions, from_json, to_csv, to_json, to_markdown, to_markdown_per_article,
    to_w3c,
};
use proptest::prelude::*;

/// Every sequence the issue names: CSI (cursor report, clear), OSC 0/2
/// title, OSC 52 clipboard, OSC 8 link, DCS, raw C1 (CSI, OSC as U+009B,
/// U+009D), BEL, ENQ, BS, VT, FF, CR, DEL and the bidi overrides/isolates.
const HOSTILE: &str = "x\u{1b}[6n\u{1b}[2J\u{1b}]0;owned\u{7}\u{1b}]2;owned\u{1b}\\\
\u{1b}]52;c;cm0gLXJmIH4=\u{7}\u{1b}]8;;http://evil\u{1b}\\link\u{1b}]8;;\u{1b}\\\
\u{1b}P1$r\u{1b}\\\u{9b}6n\u{9d}0;c1\u{9c}\u{5}\u{8}\u{b}\u{c}\r\u{7f}\
\u{202e}gnp.exe\u{202c}\u{2066}\u{2067}\u{2068}\u{2069}\u{202a}\u{202b}\u{202d} end";

/// What no export may hold: any control character but `\n` and `\t` (C0,
/// DEL and C1), a bidi embedding/override/isolate control, or a zero width
/// joiner that joins nothing (first, or after white space or a joiner).
fn forbidden(text: &str) -> Vec<char> {
    let mut found = Vec::new();
    let mut prev: Option<char> = None;
    for c in text.chars() {
        let bad = (c.is_control() && c != '\n' && c != '\t')
            || ('\u{202a}'..='\u{202e}').contains(&c)
            || ('\u{2066}'..='\u{2069}').contains(&c)
            || (c == '\u{200d}' && prev.is_none_or(|p| p == '\u{200d}' || p.is_whitespace()));
        if bad {
            found.push(c);
        }
        prev = Some(c);
    }
    found
}

fn hostile_file(title: &str, note: &str, tag: &str, color: &str, author: &str) -> AnnotationFile {
    let mut h = fixture::hl(
        "01HZX3A6Q4W5V8F0J3M2K7N9PB",
        color,
        "quote",
        note,
        &[tag],
        false,
        3,
        "2024-01-01T00:00:00Z",
    );
    h.anchor.quote = format!("q{note}");
    h.anchor.prefix = note.to_owned();
    AnnotationFile {
        version: gloss::annotations::SCHEMA_VERSION,
        article: ArticleRecord {
            title: title.to_owned(),
            author: Some(author.to_owned()),
            date: Some(note.to_owned()),
            path: format!("/articles/{title}.md"),
            fingerprint: "sha256:0".into(),
            archived: None,
        },
        position: None,
        highlights: vec![h],
    }
}

/// Every export gloss can write of `files`, named for the failure message.
fn every_export(files: &[AnnotationFile]) -> Vec<(String, String)> {
    let all = Filter::default();
    let mut out = vec![
        ("json".to_owned(), to_json(files, &all)),
        ("csv".to_owned(), to_csv(files, &all)),
        ("w3c".to_owned(), to_w3c(files, &all)),
    ];
    for front_matter in [false, true] {
        let opts = MarkdownOptions { front_matter };
        out.push((
            format!("markdown {front_matter}"),
            to_markdown(files, &all, &opts),
        ));
        for (name, body) in to_markdown_per_article(files, &all, &opts) {
            out.push((format!("markdown file {name}"), format!("{name}\n{body}")));
        }
    }
    out
}

#[test]
fn no_export_format_writes_a_terminal_control_sequence() {
    let files = vec![hostile_file(HOSTILE, HOSTILE, HOSTILE, HOSTILE, HOSTILE)];
    for (format, text) in every_export(&files) {
        assert_eq!(forbidden(&text), Vec::<char>::new(), "{format}:\n{text:?}");
        assert!(
            text.contains("␛]52;c;") && text.contains("\u{fffd}gnp.exe"),
            "{format} shows what was there as placeholders:\n{text}"
        );
    }
}

#[test]
fn a_zero_width_joiner_inside_an_emoji_survives_every_export() {
    let family = "👨\u{200d}👩\u{200d}👧";
    let files = vec![hostile_file(family, family, family, "yellow", family)];
    for (format, text) in every_export(&files) {
        assert_eq!(forbidden(&text), Vec::<char>::new(), "{format}");
        if format != "csv" && !format.starts_with("markdown file") {
            assert!(text.contains(family), "{format} keeps the emoji:\n{text}");
        }
    }
}

#[test]
fn a_hostile_json_export_imports_back_as_placeholders() {
    let files = vec![hostile_file("T", HOSTILE, HOSTILE, HOSTILE, HOSTILE)];
    let back = from_json(&to_json(&files, &Filter::default())).unwrap();
    let h = &back[0].highlights[0];
    for field in [&h.note, &h.color, &h.tags[0]] {
        assert_eq!(forbidden(field), Vec::<char>::new(), "{field:?}");
        assert!(field.starts_with("x␛[6n"), "{field:?}");
    }
}

/// Arbitrary text, biased towards the characters that matter here.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        proptest::collection::vec(
            prop_oneof![
                4 => proptest::char::range(' ', '~'),
                2 => proptest::char::range('\u{0}', '\u{1f}'),
                1 => proptest::char::range('\u{7f}', '\u{a0}'),
                1 => proptest::char::range('\u{2000}', '\u{206f}'),
                1 => Just('👩'),
            ],
            0..40,
        )
        .prop_map(|cs| cs.into_iter().collect()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn no_export_holds_a_forbidden_character(
        title in text(), note in text(), tag in text(), color in text(), author in text(),
    ) {
        let files = vec![hostile_file(&title, &note, &tag, &color, &author)];
        for (format, text) in every_export(&files) {
            prop_assert_eq!(forbidden(&text), Vec::<char>::new(), "{}:\n{:?}", format, text);
        }
    }
}
