#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly

//! HTML inside Markdown, images and footnotes as a reader sees them: whole
//! frames of the fixtures under tests/fixtures/html compared with insta
//! snapshots, and the "no raw tag, no text lost" check over the same fixtures.

mod support;

use gloss::app::{App, Effect};
use gloss::config::Config;
use gloss::document::{Document, Format, ParseOptions};
use gloss::keymap::{Action, Keymap};
use gloss::library;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::path::PathBuf;

fn fixture(name: &str) -> PathBuf {
    support::fixtures().join("html").join(name)
}

/// An app whose library is the one fixture, opened, at `w` x `h`.
fn open(name: &str, w: u16, h: u16) -> App {
    let scan = library::scan(&[fixture(name)]);
    let mut app = App::new(Config::default(), Keymap::default(), scan);
    app.resize(w, h);
    act(&mut app, &[Action::OpenArticle]);
    app
}

fn act(app: &mut App, actions: &[Action]) {
    for &action in actions {
        for effect in app.update(action) {
            if let Effect::Open(i) = effect {
                let loaded = library::load(&app.list.articles[i.0].source).expect("fixture loads");
                let mut doc = loaded.document(ParseOptions::default());
                doc.ensure_complete();
                let _ = app.show_article(i, doc, gloss::app::notes::Notes::default(), None);
            }
        }
    }
}

fn frame(app: &App) -> String {
    let (w, h) = (app.screen.width, app.screen.height);
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    terminal.draw(|f| gloss::ui::draw(f, app)).expect("draw");
    terminal.backend().to_string()
}

#[test]
fn html_blocks_frame() {
    let app = open("blocks.md", 100, 32);
    insta::assert_snapshot!(frame(&app));
}

#[test]
fn images_frame() {
    let app = open("images.md", 100, 24);
    insta::assert_snapshot!(frame(&app));
}

#[test]
fn footnotes_frame() {
    let app = open("footnotes.md", 100, 30);
    insta::assert_snapshot!(frame(&app));
}

// ---- no raw tag, no text lost -------------------------------------------------

/// The words a reader must find, in order, from a fixture's source: comments,
/// scripts and styles removed, every tag dropped, link targets dropped, then
/// the runs of letters and digits.
fn expected_words(src: &str) -> Vec<String> {
    let mut s = src.replace("<br>", " ");
    for (open, close) in [
        ("<!--", "-->"),
        ("<script", "</script>"),
        ("<style", "</style>"),
    ] {
        while let Some(at) = s.find(open) {
            let end = s[at..]
                .find(close)
                .map_or(s.len(), |e| at + e + close.len());
            s.replace_range(at..end, " ");
        }
    }
    let mut out = String::new();
    let mut in_tag = false;
    let mut in_target = false;
    let mut prev = ' ';
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            '(' if prev == ']' && !in_tag => in_target = true,
            ')' if in_target => in_target = false,
            _ if in_tag || in_target => {}
            _ => out.push(c),
        }
        prev = c;
    }
    words(&out)
}

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// Superscript digits back to digits, so `2¹⁰` still holds the word `10`
/// (next to `2`, as the source had it split by a tag).
fn unraise(text: &str) -> String {
    text.chars()
        .map(|c| match "⁰¹²³⁴⁵⁶⁷⁸⁹".chars().position(|d| d == c) {
            Some(i) => char::from_digit(i as u32, 10).map_or(c, |d| d),
            None => c,
        })
        .collect()
}

/// Raw tags or comment marks left in the text.
fn raw_html(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (at, _) in text.match_indices('<') {
        let rest = &text[at + 1..];
        let rest = rest.strip_prefix('/').unwrap_or(rest);
        let name: String = rest
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect();
        let known = [
            "a", "b", "br", "code", "details", "div", "em", "h1", "h2", "i", "img", "kbd", "li",
            "p", "pre", "script", "span", "strong", "style", "summary", "sup", "table", "td", "th",
            "tr", "ul",
        ];
        if rest.starts_with("!--") || known.contains(&name.to_ascii_lowercase().as_str()) {
            found.push(text[at..].chars().take(30).collect());
        }
    }
    if text.contains("-->") {
        found.push("-->".to_string());
    }
    found
}

/// The source without its footnote definitions (a `[^x]:` line and the
/// indented paragraphs under it) and without `[^x]` references, and the
/// definitions' texts.
fn split_notes(src: &str) -> (String, Vec<String>) {
    let mut body = String::new();
    let mut notes: Vec<String> = Vec::new();
    let mut in_note = false;
    for line in src.lines() {
        if let Some(rest) = line.strip_prefix("[^").and_then(|r| r.split_once("]:")) {
            notes.push(rest.1.to_string());
            in_note = true;
        } else if in_note && (line.is_empty() || line.starts_with("    ")) {
            if let Some(n) = notes.last_mut() {
                n.push(' ');
                n.push_str(line);
            }
        } else {
            in_note = false;
            body.push_str(line);
            body.push('\n');
        }
    }
    let mut clean = String::new();
    let mut rest = body.as_str();
    while let Some(at) = rest.find("[^") {
        clean.push_str(&rest[..at]);
        rest = rest[at..].find(']').map_or("", |e| &rest[at + e + 1..]);
    }
    clean.push_str(rest);
    (clean, notes)
}

/// Whether `want` appears in `have` in order (other words may come between).
fn in_order(want: &[String], have: &[String]) -> Result<(), String> {
    let mut it = have.iter();
    for w in want {
        if !it.any(|h| h == w) {
            return Err(format!("`{w}` missing or out of order"));
        }
    }
    Ok(())
}

#[test]
fn fixtures_show_no_raw_html_and_lose_no_text() {
    for name in ["blocks.md", "images.md", "footnotes.md"] {
        let src = std::fs::read_to_string(fixture(name)).unwrap();
        let doc = Document::parse_complete(&src, Format::Markdown, ParseOptions::default());
        let text = doc.text();
        assert_eq!(raw_html(text), Vec::<String>::new(), "{name}: {text}");
        assert!(
            !text.contains("HIDDEN"),
            "{name}: hidden text shown: {text}"
        );
        let have = words(&unraise(text));
        // Footnote definitions move to the end: check the body without them,
        // then each note on its own.
        let (body, notes) = split_notes(&src);
        in_order(&expected_words(&body), &have).unwrap_or_else(|e| panic!("{name}: {e}\n{text}"));
        for note in notes {
            in_order(&expected_words(&note), &have).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
    }
}

#[test]
fn fixture_links_and_anchors_lead_somewhere() {
    let src = std::fs::read_to_string(fixture("blocks.md")).unwrap();
    let doc = Document::parse_complete(&src, Format::Markdown, ParseOptions::default());
    let berths = doc.find_anchor("#berths").unwrap();
    assert!(doc.text()[berths..].starts_with("Berths"));
    assert!(doc.links().iter().any(
        |l| l.url == "https://example.org/tides" && doc.slice(l.range.clone()) == "tide tables"
    ));
    let src = std::fs::read_to_string(fixture("footnotes.md")).unwrap();
    let doc = Document::parse_complete(&src, Format::Markdown, ParseOptions::default());
    for link in doc.links() {
        let at = doc.find_anchor(&link.url);
        assert!(at.is_some(), "{} leads nowhere", link.url);
    }
    assert_eq!(doc.links().len(), 4 + 3);
}
