#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly
//! No text lost: every word of an article appears on screen, in order, when
//! the reader pages through it from the first line to the last; and no raw
//! HTML tag or comment ever does. Over the fixtures that hold tables, code,
//! headings, HTML, images and footnotes, and over generated Markdown.

mod testapp;

use gloss::document::{Document, Format, ParseOptions};
use proptest::prelude::*;
use testapp::TestApp;

/// Words: runs of letters and digits, so punctuation, markers and borders
/// around them do not matter.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The reader pane's text on every page from the top to the end, page after
/// page (with the list hidden, the pane is the whole screen but its border and
/// the status bar).
fn pages(app: &mut TestApp, height: u16) -> String {
    app.keys("enter \\ g");
    let mut all = String::new();
    let mut last = String::new();
    for _ in 0..2000 {
        let screen = app.text();
        let body: Vec<&str> = screen
            .lines()
            .skip(1)
            .take(usize::from(height).saturating_sub(3))
            .collect();
        let body = body.join("\n");
        if body == last {
            return all;
        }
        all.push_str(&body);
        all.push('\n');
        last = body;
        app.keys("space");
    }
    panic!("paging never reached the end");
}

/// Checks that `want` is a subsequence of `have`, naming the first word
/// missing and what surrounds it.
fn in_order(want: &[String], have: &[String]) -> Result<(), String> {
    let mut at = 0;
    for (i, w) in want.iter().enumerate() {
        match have[at..].iter().position(|h| h == w) {
            Some(p) => at += p + 1,
            None => {
                let from = i.saturating_sub(5);
                return Err(format!(
                    "word {i} `{w}` not on screen after the words before it (…{:?})",
                    &want[from..(i + 5).min(want.len())]
                ));
            }
        }
    }
    Ok(())
}

/// Opens `source` alone at `width` x `height`, pages through it and checks
/// that every word of its text is on screen in order and that no tag is.
fn check(name: &str, source: &str, width: u16, height: u16) -> Result<(), String> {
    let doc = Document::parse_complete(source, Format::Markdown, ParseOptions::default());
    let mut app = TestApp::with_articles(width, height, &[(name, source)]);
    let shown = pages(&mut app, height);
    for raw in [
        "<!--", "-->", "<div", "<table", "<details", "<span", "<br", "</",
    ] {
        if shown.contains(raw) && !source.contains(&format!("`{raw}")) {
            return Err(format!(
                "{name} at {width}: raw `{raw}` on screen:\n{shown}"
            ));
        }
    }
    in_order(&words(doc.text()), &words(&shown))
        .map_err(|e| format!("{name} at {width}x{height}: {e}\n{shown}"))
}

const FIXTURES: [(&str, &str); 6] = [
    ("blocks.md", include_str!("fixtures/html/blocks.md")),
    ("images.md", include_str!("fixtures/html/images.md")),
    ("footnotes.md", include_str!("fixtures/html/footnotes.md")),
    ("code.md", include_str!("fixtures/blocks/code.md")),
    ("headings.md", include_str!("fixtures/blocks/headings.md")),
    ("tables.md", include_str!("fixtures/blocks/tables.md")),
];

#[test]
fn every_word_of_each_fixture_is_on_screen_in_order_at_200_columns() {
    for (name, source) in FIXTURES {
        check(name, source, 200, 50).unwrap();
    }
}

#[test]
fn every_word_of_each_fixture_is_on_screen_at_80_columns() {
    // At 80 columns a table wraps inside its cells, so the words of one row's
    // cells interleave line by line: every word must be there, as often as
    // in the text, though not in reading order across cells.
    for (name, source) in FIXTURES {
        let doc = Document::parse_complete(source, Format::Markdown, ParseOptions::default());
        let mut app = TestApp::with_articles(80, 24, &[(name, source)]);
        let shown = words(&pages(&mut app, 24));
        let mut count = std::collections::HashMap::<String, isize>::new();
        for w in words(doc.text()) {
            *count.entry(w).or_default() += 1;
        }
        for w in shown {
            if let Some(c) = count.get_mut(&w) {
                *c -= 1;
            }
        }
        let missing: Vec<_> = count.iter().filter(|(_, c)| **c > 0).collect();
        assert!(missing.is_empty(), "{name}: not on screen: {missing:?}");
    }
}

/// A word of generated text: short, so it never needs breaking.
fn word() -> impl Strategy<Value = String> {
    "[a-z]{1,9}"
}

fn sentence() -> impl Strategy<Value = String> {
    prop::collection::vec(word(), 1..14).prop_map(|w| w.join(" "))
}

/// One Markdown block of a kind articles hold.
fn block() -> impl Strategy<Value = String> {
    prop_oneof![
        sentence().prop_map(|s| format!("{s}.")),
        (1u8..4, sentence()).prop_map(|(l, s)| format!("{} {s}", "#".repeat(l.into()))),
        prop::collection::vec(sentence(), 1..4).prop_map(|items| items
            .iter()
            .map(|i| format!("- {i}"))
            .collect::<Vec<_>>()
            .join("\n")),
        sentence().prop_map(|s| format!("> {s}")),
        prop::collection::vec(sentence(), 1..4)
            .prop_map(|lines| format!("```\n{}\n```", lines.join("\n"))),
        (sentence(), word(), word()).prop_map(|(s, a, b)| format!(
            "{s} *{a}* and **{b}**, see [{a}](https://example.org/{b})."
        )),
        (word(), word(), sentence(), sentence())
            .prop_map(|(h1, h2, a, b)| format!("| {h1} | {h2} |\n|---|--:|\n| {a} | {b} |")),
        (sentence(), word())
            .prop_map(|(s, w)| format!("<div>\n<p>{s}</p>\n<!-- hidden {w} -->\n</div>")),
        (sentence(), word()).prop_map(|(s, alt)| format!("{s} ![{alt}](pic.png)")),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn generated_markdown_loses_no_word_on_screen(blocks in prop::collection::vec(block(), 1..12)) {
        let source = format!("# Generated\n\n{}\n", blocks.join("\n\n"));
        if let Err(e) = check("generated.md", &source, 200, 40) {
            prop_assert!(false, "{}\nsource:\n{}", e, source);
        }
    }
}
