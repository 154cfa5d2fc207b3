//! End to end: an article whose text, front matter and file name, and whose
//! notes, tags, colour and stored title all hold terminal attacks (CSI, OSC
//! 0/2 title, OSC 52 clipboard, OSC 8 link, DCS, raw C1 bytes and their UTF-8
//! forms, bidi overrides) is opened in a pseudo-terminal, its panel and inline
//! notes shown, and every export format printed: the emulator's title and
//! clipboard are never set, the frame around the text stays whole, the
//! attacks show as placeholders, and no export carries a forbidden byte.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod cli_common;
mod support;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use cli_common::{HOSTILE, forbidden_bytes, forbidden_chars};
use gloss::annotations::{Anchor, ArticleRecord, Highlight, Op, Store, fingerprint};
use gloss::document::{Document, ParseOptions};
use gloss::library::{self, Source};
use support::{Gloss, temp_home};

/// The attacks as raw bytes in an article file: UTF-8 forms of every
/// sequence, and C1 controls also as bare bytes (invalid UTF-8, which some
/// terminals obey as 8-bit CSI / OSC / DCS / ST).
fn hostile_article() -> Vec<u8> {
    let mut text = Vec::new();
    text.extend_from_slice(
        "---\n\
         title: Hostile \u{1b}]0;OWNED-TITLE\u{7} harbour \u{202e}evil\u{202c}\n\
         author: Mallory \u{1b}]52;c;T1dORUQ=\u{7}\n\
         date: 1 April 2024 \u{1b}[6n\n\
         ---\n\n\
         The harbour light \u{1b}]0;OWNED-TITLE\u{7}flashed twice \u{1b}]52;c;T1dORUQ=\u{7}and \
         the keeper \u{1b}]8;;http://evil.example\u{1b}\\wrote\u{1b}]8;;\u{1b}\\ it down \
         \u{1b}P1$rq\u{1b}\\every night \u{1b}[2J\u{1b}[6n. UTF-8 C1: \u{9b}6n \u{9d}2;OWNED-TITLE\u{9c} \
         \u{90}q\u{9c}. Bidi: \u{202e}gnp.exe\u{202c} \u{2066}x\u{2069}. Raw C1: "
            .as_bytes(),
    );
    text.extend_from_slice(b"\x9b6n \x9d2;OWNED-TITLE\x9c \x90q\x9c.\n\n");
    text.extend_from_slice(b"A quiet sentence about the tide closes the article.\n");
    text
}

/// Notes for the article, written through the store as a synced or
/// hand-edited notes file would hold them: `HOSTILE` in the note, a tag, the
/// colour and the stored title.
fn hostile_notes(data: &Path, article: &Path) {
    let source = Source::File(article.to_path_buf());
    let loaded = library::load(&source).expect("article loads");
    let doc = Document::parse_complete(&loaded.text, loaded.format, ParseOptions::default());
    let text = doc.text();
    let quote = "A quiet sentence about the tide";
    let start = text.find(quote).expect("quote in the canonical text");
    let t = "2024-04-01T10:00:00Z".parse().expect("time");
    let highlight = Highlight {
        id: "01HZX3A6Q4W5V8F0J3M2K7N9PB".into(),
        created: t,
        updated: t,
        color: HOSTILE.into(),
        tags: vec![HOSTILE.into(), "tide".into()],
        note: format!("{HOSTILE}\nsecond line {HOSTILE}"),
        orphaned: false,
        via: None,
        anchor: Anchor::from_range(text, start..start + quote.len()),
    };
    let record = ArticleRecord {
        title: HOSTILE.into(),
        author: Some(HOSTILE.into()),
        date: Some(HOSTILE.into()),
        path: fs::canonicalize(article)
            .expect("canonical path")
            .display()
            .to_string(),
        fingerprint: fingerprint(&loaded.text),
        archived: None,
    };
    Store::new(data)
        .apply(None, &record, &[Op::Upsert(highlight)])
        .expect("notes saved");
}

/// A library of two hostile articles: one with the attacks inside (and in
/// its name), and an empty one whose title falls back to its file name.
fn hostile_library(home: &Path) -> (PathBuf, PathBuf) {
    let lib = home.join("lib");
    fs::create_dir_all(&lib).expect("lib");
    let article = lib.join("hostile-\u{202e}dm.\u{1b}]0;OWNED-TITLE\u{7}.md");
    fs::write(&article, hostile_article()).expect("article");
    fs::write(
        lib.join("\u{202e}named\u{1b}]2;OWNED-TITLE\u{7}\u{9b}6n.md"),
        "",
    )
    .expect("empty article");
    (lib, article)
}

/// The emulator was never asked to set a title or the clipboard.
fn assert_no_terminal_side_effects(g: &Gloss, when: &str) {
    g.with_parser(|p| {
        let events = p.callbacks();
        assert!(
            events.titles.is_empty(),
            "{when}: title set: {:?}",
            events.titles
        );
        assert!(
            events.clipboard.is_empty(),
            "{when}: clipboard written: {:?}",
            events.clipboard
        );
        if when != "quitting" {
            assert!(
                p.screen().alternate_screen(),
                "{when}: still on gloss's screen"
            );
        }
    });
}

/// The frame around the text is whole: corners on the first row, a side
/// border on every row in between, the bottom corners on the row above the
/// status bar. An interpreted clear, cursor move or bidi override breaks it.
/// And no cell holds a forbidden character (vt100 keeps a bidi control or a
/// joiner it is sent in the cell before it, so it would show up here).
/// (vt100 drops U+FFFD when it is printed, so the placeholder for a C1 or
/// bidi control is not visible in these screens; its absence is checked
/// instead.)
fn assert_frame_whole(screen: &str, rows: usize, when: &str) {
    assert_eq!(
        forbidden_chars(screen),
        Vec::<char>::new(),
        "{when}:\n{screen}"
    );
    let lines: Vec<&str> = screen.split('\n').collect();
    assert!(lines.len() >= rows - 1, "{when}: rows lost:\n{screen}");
    let top = lines[0];
    assert!(
        top.starts_with('┌') && top.trim_end().ends_with('┐'),
        "{when}: top border:\n{screen}"
    );
    for (i, line) in lines.iter().enumerate().take(rows - 2).skip(1) {
        assert!(
            line.starts_with('│') && line.trim_end().ends_with('│'),
            "{when}: row {i} lost its border: {line:?}\n{screen}"
        );
    }
    let bottom = lines[rows - 2];
    assert!(
        bottom.starts_with('└') && bottom.trim_end().ends_with('┘'),
        "{when}: bottom border:\n{screen}"
    );
}

#[test]
fn hostile_articles_notes_and_names_never_reach_the_terminal() {
    let (cols, rows) = (110u16, 32u16);
    let home = temp_home();
    let (lib, article) = hostile_library(home.path());
    let data = home.path().join("data/gloss");
    hostile_notes(&data, &article);

    let mut g = Gloss::start_in(home.clone(), &[&lib.display().to_string()], cols, rows);
    let screen = g.wait_for("Hostile");
    assert_no_terminal_side_effects(&g, "the list");
    assert_frame_whole(&screen, rows.into(), "the list");
    assert!(
        screen.contains("named␛]2;OWNED-TITLE␇6n.md"),
        "the name-titled article is listed with placeholders:\n{screen}"
    );

    g.send("/Hostile");
    g.send("\r");
    g.send("\r");
    let screen = g.wait_for("quiet sentence");
    assert_no_terminal_side_effects(&g, "the article");
    assert_frame_whole(&screen, rows.into(), "the article");
    let title_bar = screen.lines().next().unwrap_or_default();
    assert!(
        title_bar.contains("Hostile ␛]0;OWNED-TITLE␇ harbour evil"),
        "front matter title with placeholders: {title_bar:?}"
    );
    assert!(
        screen.contains("␛]52;c;T1dORUQ=␇")
            && screen.contains("gnp.exe x. Raw C1: 6n 2;OWNED-TITLE q."),
        "the text shows the attacks as placeholders:\n{screen}"
    );

    g.send("a");
    let screen = g.wait_for("1 annotation");
    assert_no_terminal_side_effects(&g, "the panel");
    assert!(
        screen.contains("x␛[6n␛[2J␛]0;OWNED-TITLE␇"),
        "the note shows with placeholders in the panel:\n{screen}"
    );
    g.send("\x1b");
    g.wait_until("the panel to close", |s| !s.contains("1 annotation"));

    g.send("i");
    let screen = g.wait_for("┆ x␛[6n");
    assert_no_terminal_side_effects(&g, "inline notes");
    assert_frame_whole(&screen, rows.into(), "inline notes");
    assert!(
        screen.contains("┆ second line")
            && screen.matches("┆ x␛[6n␛[2J␛]0;OWNED-TITLE␇").count() == 2,
        "every note line drawn with placeholders:\n{screen}"
    );

    // Back to the list, and open the article titled by its file name.
    g.send("\x1b");
    g.send("\x1b");
    g.send("/named");
    g.send("\r");
    g.send("\r");
    let screen = g.wait_until("the name-titled article", |s| {
        s.lines()
            .next()
            .is_some_and(|top| top.contains("named␛]2;OWNED-TITLE␇"))
    });
    assert_no_terminal_side_effects(&g, "the name-titled article");
    assert_frame_whole(&screen, rows.into(), "the name-titled article");

    g.send("q");
    assert_eq!(g.wait_exit(), 0);
    assert_no_terminal_side_effects(&g, "quitting");

    for format in ["markdown", "json", "csv", "w3c"] {
        let out = Command::new(env!("CARGO_BIN_EXE_gloss"))
            .args(["export", "--format", format])
            .env("HOME", home.path())
            .env("XDG_DATA_HOME", home.path().join("data"))
            .env("XDG_CONFIG_HOME", home.path().join("config"))
            .env_remove("GLOSS_DATA_DIR")
            .stdin(Stdio::null())
            .output()
            .expect("gloss export runs");
        assert!(out.status.success(), "{format}: {out:?}");
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("quiet sentence"),
            "{format} exported the highlight"
        );
        assert_eq!(
            forbidden_bytes(&out.stdout),
            Vec::<String>::new(),
            "{format} stdout"
        );
        assert_eq!(
            forbidden_bytes(&out.stderr),
            Vec::<String>::new(),
            "{format} stderr"
        );
    }
}
