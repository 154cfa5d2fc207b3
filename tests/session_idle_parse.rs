//! `gloss open FILE` on a large article: the rest of the article is parsed
//! by a background job from the moment it opens, with no key, and its result
//! takes the place of the partial document without moving anything.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly

use std::fs;
use std::path::Path;

use gloss::app::notes::Notes;
use gloss::app::{App, ArticleId, Effect, Mode, Msg, Parsed};
use gloss::config::Config;
use gloss::document::{Document, Format, ParseOptions};
use gloss::keymap::{Action, Keymap};
use gloss::library;
use gloss::session::{Outcome, Session, Setup};

fn run(session: &mut Session, effects: Vec<Effect>) {
    for effect in effects {
        if let Outcome::Done(more) = session.carry_out(effect) {
            run(session, more);
        }
    }
}

/// A Markdown article of about `bytes` bytes whose last paragraph says
/// "The very last words".
fn long_article(bytes: usize) -> String {
    let mut text = String::from("# A long read\n\nThe opening paragraph.\n\n");
    let mut n = 0;
    while text.len() < bytes {
        n += 1;
        text.push_str(&format!(
            "Paragraph {n} walks along the harbour wall past the lanterns and the market stalls.\n\n"
        ));
        if n % 40 == 0 {
            text.push_str(&format!("## Part {}\n\n", n / 40));
        }
    }
    text.push_str("The very last words.\n");
    text
}

fn open(dir: &Path, source: &str) -> Session {
    let article = dir.join("long.md");
    fs::write(&article, source).unwrap();
    let mut app = App::new(
        Config::default(),
        Keymap::default(),
        library::scan(std::slice::from_ref(&article)),
    );
    app.resize(100, 30);
    let mut session = Session::start(app, Setup::new(&dir.join("data"), u64::MAX));
    let effects = session.open_path(&article, None);
    run(&mut session, effects);
    session
}

/// Collects background results until the open article is complete; the
/// generous deadline only keeps a broken job from hanging the test.
fn wait_until_complete(s: &mut Session) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while !s.app.reader.as_ref().unwrap().doc.is_complete() && std::time::Instant::now() < deadline
    {
        s.collect_jobs();
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

/// The text the reader pane shows.
fn shown(app: &mut App) -> String {
    let reader = app.reader.as_mut().unwrap();
    reader
        .visible()
        .into_iter()
        .filter_map(|pos| reader.layout().and_then(|l| l.line(pos)).cloned())
        .map(|line| reader.doc.slice(line.range).to_string())
        .collect()
}

/// What a finished parse job hands back: the open document, parsed to its end.
fn completed(app: &App) -> Parsed {
    let reader = app.reader.as_ref().unwrap();
    let mut doc = reader.doc.clone();
    doc.ensure_complete();
    Parsed {
        article: reader.article,
        doc: Box::new(doc),
    }
}

#[test]
fn a_large_article_opened_from_the_command_line_is_parsed_without_a_key() {
    let dir = tempfile::tempdir().unwrap();
    let source = long_article(2 * 1024 * 1024);
    let mut s = open(dir.path(), &source);
    {
        let reader = s.app.reader.as_ref().expect("the article is open");
        assert!(
            !reader.doc.is_complete(),
            "only the first screens are parsed when it opens"
        );
        assert!(!reader.doc.text().contains("The very last words"));
    }

    // No key: only the background job's result, collected as the runtime
    // does when its loop wakes.
    wait_until_complete(&mut s);

    let reader = s.app.reader.as_ref().unwrap();
    assert!(reader.doc.is_complete(), "the parse job never reported");
    assert!(reader.doc.text().ends_with("The very last words."));
    assert_eq!(reader.top, Default::default(), "the view did not move");
    assert!(matches!(s.app.mode, Mode::Browse));

    // The end is now there for G without parsing anything more.
    s.app.update(Action::Bottom);
    let shown = shown(&mut s.app);
    assert!(shown.contains("The very last words"), "{shown}");
}

#[test]
fn the_parsed_rest_keeps_the_cursor_the_view_and_the_highlights() {
    // The app alone, with no session: no job can finish behind the test's
    // back; the result is made here the way the job makes it.
    let source = long_article(2 * 1024 * 1024);
    let mut app = App::new(Config::default(), Keymap::default(), library::scan(&[]));
    app.resize(100, 30);
    let doc = Document::new(&source, Format::Markdown, ParseOptions::default());
    let _ = app.show_article(ArticleId(0), doc, Notes::default(), None);
    // Read a little, highlight a sentence, start a selection.
    app.update(Action::ScrollDown);
    app.update(Action::ScrollDown);
    app.update(Action::SentenceNext);
    app.update(Action::SentenceNext);
    app.update(Action::SelectSentence);
    app.update(Action::Highlight);
    app.update(Action::SentenceNext);
    app.update(Action::Select);
    app.update(Action::WordNext);
    let parsed = completed(&app);
    let before = {
        let reader = app.reader.as_ref().unwrap();
        assert!(!reader.doc.is_complete());
        assert_eq!(reader.notes.placed.len(), 1, "the highlight is placed");
        (
            reader.cursor,
            reader.top,
            reader.anchor,
            reader.notes.placed.clone(),
            reader.doc.text().to_string(),
        )
    };
    let screen_before = shown(&mut app);
    assert!(before.2.is_some(), "a selection is under way");

    let effects = app.update(Msg::Parsed(parsed));
    assert!(effects.is_empty(), "taking the document asks for nothing");

    let reader = app.reader.as_ref().unwrap();
    assert!(reader.doc.is_complete());
    assert!(reader.doc.text().ends_with("The very last words."));
    assert!(
        reader.doc.text().starts_with(&before.4),
        "the text only grew"
    );
    assert_eq!(reader.cursor, before.0, "the cursor stays");
    assert_eq!(reader.top, before.1, "the view stays");
    assert_eq!(reader.anchor, before.2, "the selection stays");
    assert_eq!(reader.notes.placed, before.3, "the highlight stays");
    assert_eq!(shown(&mut app), screen_before, "the screen is unchanged");
    // The outline's index now reaches the last heading of the article.
    app.update(Action::Bottom);
    let sections = app.section_names().join(" > ");
    let last_part = source.matches("\n## Part ").count();
    assert!(
        sections.ends_with(&format!("Part {last_part}")),
        "{sections:?}"
    );
}

#[test]
fn a_result_for_an_article_no_longer_open_is_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first.md");
    let second = dir.path().join("second.md");
    fs::write(&first, long_article(1024 * 1024)).unwrap();
    fs::write(
        &second,
        long_article(1024 * 1024).replace("harbour wall", "river bank"),
    )
    .unwrap();
    let mut app = App::new(
        Config::default(),
        Keymap::default(),
        library::scan(&[first.clone(), second.clone()]),
    );
    app.resize(100, 30);
    let mut s = Session::start(app, Setup::new(&dir.path().join("data"), u64::MAX));
    let effects = s.open_path(&first, None);
    run(&mut s, effects);
    let for_first = completed(&s.app);

    // Another article opened meanwhile: the first one's result is stale.
    let effects = s.open_path(&second, None);
    run(&mut s, effects);
    s.app.update(Msg::Parsed(for_first.clone()));
    let reader = s.app.reader.as_ref().unwrap();
    assert_ne!(reader.article, for_first.article);
    assert!(!reader.doc.is_complete(), "not completed by another's text");
    assert!(!reader.doc.text().contains("harbour wall"));

    // The same article read again (a reload) has a new text: a result
    // parsed from the text it had before is not taken either.
    let effects = s.open_path(&first, None);
    run(&mut s, effects);
    let reader = s.app.reader.as_ref().unwrap();
    assert_eq!(reader.article, ArticleId(for_first.article.0));
    s.app.update(Msg::Parsed(for_first));
    assert!(!s.app.reader.as_ref().unwrap().doc.is_complete());
}

#[test]
fn a_short_article_starts_no_parse_job() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(dir.path(), "# Short\n\nOne paragraph.\n");
    assert!(s.app.reader.as_ref().unwrap().doc.is_complete());
    // Fingerprinting may still run; nothing is left to parse.
    assert!(!s.parse_pending(), "nothing to parse in the background");
}

/// The code blocks the background parse handed to the highlighter.
static WARMED: std::sync::Mutex<Vec<(String, String)>> = std::sync::Mutex::new(Vec::new());

#[test]
fn the_background_parse_prepares_the_code_at_the_end_for_drawing() {
    let dir = tempfile::tempdir().unwrap();
    let mut source = long_article(2 * 1024 * 1024);
    source.push_str("\n```rust\nfn the_end() -> u8 { 42 }\n```\n\nClosing words.\n");
    let article = dir.path().join("long.md");
    fs::write(&article, &source).unwrap();
    let mut app = App::new(
        Config::default(),
        Keymap::default(),
        library::scan(std::slice::from_ref(&article)),
    );
    app.resize(100, 30);
    let mut setup = Setup::new(&dir.path().join("data"), u64::MAX);
    setup.warm_code = Some(|lang, code| {
        WARMED
            .lock()
            .unwrap()
            .push((lang.to_string(), code.to_string()));
    });
    let mut session = Session::start(app, setup);
    let effects = session.open_path(&article, None);
    run(&mut session, effects);
    assert!(!session.app.reader.as_ref().unwrap().doc.is_complete());
    wait_until_complete(&mut session);
    let warmed = WARMED.lock().unwrap().clone();
    assert_eq!(
        warmed,
        vec![("rust".to_string(), "fn the_end() -> u8 { 42 }".to_string())],
        "the last code block, before `G` draws it"
    );
    // The same text the reader draws for that block.
    let reader = session.app.reader.as_ref().unwrap();
    let block =
        reader.doc.blocks().iter().rev().find(
            |b| matches!(&b.kind, gloss::document::BlockKind::Code { lang } if lang == "rust"),
        );
    assert_eq!(
        block.map(|b| reader.doc.slice(b.range.clone())),
        Some("fn the_end() -> u8 { 42 }")
    );
}
