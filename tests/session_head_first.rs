//! `gloss open FILE` on a long Markdown file reads only its head before the
//! first screen; the rest is read in the background, and the whole
//! document takes the head's place with every offset the same. What the
//! whole text decides (reference definitions at the end, invalid UTF-8
//! further on) comes out as with one read of the whole file, and a file
//! changed between the two reads is never shown half old, half new.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly

#[path = "support/book_session.rs"]
mod book_session;

use book_session::{highlight_op, run, until_notes_loaded};

use std::fs;
use std::path::{Path, PathBuf};

use gloss::annotations::{ArticleRecord, Op, ReadingPosition, Store};
use gloss::app::App;
use gloss::config::Config;
use gloss::document::{Document, Format, ParseOptions};
use gloss::keymap::{Action, Keymap};
use gloss::library;
use gloss::session::{Session, Setup};

/// A Markdown article of about `bytes` bytes, starting with `opening` and
/// ending with "The very last words." and then `end`.
fn article(bytes: usize, opening: &str, end: &str) -> Vec<u8> {
    let mut text = format!("# A long read\n\n{opening}\n\n");
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
    text.push_str(end);
    text.into_bytes()
}

fn open(dir: &Path, bytes: &[u8]) -> Session {
    let file = dir.join("long.md");
    fs::write(&file, bytes).unwrap();
    open_file(&file, Setup::new(&dir.join("data"), u64::MAX))
}

/// Opens `file`, already written, in a session made from `setup`.
fn open_file(file: &Path, setup: Setup) -> Session {
    let file = file.to_path_buf();
    let mut app = App::new(
        Config::default(),
        Keymap::default(),
        library::scan(std::slice::from_ref(&file)),
    );
    app.resize(100, 30);
    let mut session = Session::start(app, setup);
    let effects = session.open_path(&file, None);
    run(&mut session, effects);
    session
}

/// Collects background results until the open article is complete; the
/// generous deadline only keeps a broken job from hanging the test.
fn wait_until_complete(s: &mut Session) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    let done = |s: &Session| {
        let reader = s.app.reader.as_ref().unwrap();
        reader.doc.is_complete() && !reader.is_provisional()
    };
    while !done(s) && std::time::Instant::now() < deadline {
        s.collect_jobs();
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    // The report of what the rest changed comes with the next look.
    s.collect_jobs();
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

fn whole(bytes: &[u8]) -> Document {
    let text = gloss::document::decode(bytes).unwrap().text;
    Document::parse_complete(&text, Format::Markdown, ParseOptions::default())
}

#[test]
fn a_long_file_shows_its_head_and_becomes_the_whole_document_at_the_same_offsets() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = article(2 * 1024 * 1024, "The opening paragraph.", "");
    let mut s = open(dir.path(), &bytes);
    let (head_text, head_blocks) = {
        let reader = s.app.reader.as_ref().expect("the article is open");
        assert!(reader.doc.is_head_only(), "only the head is read at first");
        assert!(reader.doc.text().contains("The opening paragraph."));
        (reader.doc.text().to_string(), reader.doc.blocks().to_vec())
    };
    let first = shown(&mut s.app);
    assert!(first.contains("The opening paragraph."), "{first}");

    wait_until_complete(&mut s);

    let reader = s.app.reader.as_ref().unwrap();
    let expected = whole(&bytes);
    assert!(!reader.doc.is_head_only());
    assert_eq!(reader.doc.unread_rest(), None);
    assert_eq!(
        reader.doc.text(),
        expected.text(),
        "as one read of the whole"
    );
    assert_eq!(reader.doc.blocks(), expected.blocks());
    assert_eq!(reader.doc.links(), expected.links());
    assert!(reader.doc.text().starts_with(&head_text));
    assert_eq!(&reader.doc.blocks()[..head_blocks.len()], &head_blocks[..]);
    assert_eq!(reader.top, Default::default(), "the view did not move");
    assert!(reader.notes.read_only.is_none(), "notes can be changed");
    assert_eq!(s.app.message, None);
}

#[test]
fn g_before_the_rest_is_read_shows_the_end_read_from_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = article(2 * 1024 * 1024, "The opening paragraph.", "");
    let mut s = open(dir.path(), &bytes);
    assert!(s.app.reader.as_ref().unwrap().doc.is_head_only());

    s.app.update(Action::Bottom);
    let end = shown(&mut s.app);
    assert!(end.contains("The very last words."), "{end}");

    wait_until_complete(&mut s);
    let end = shown(&mut s.app);
    assert!(end.contains("The very last words."), "{end}");
    let reader = s.app.reader.as_ref().unwrap();
    assert_eq!(reader.doc.text(), whole(&bytes).text());
}

#[test]
fn a_reference_defined_at_the_end_is_a_link_on_the_first_screen() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = article(
        1024 * 1024,
        "The walk starts at [the harbour][h].",
        "\n[h]: https://example.com/harbour\n",
    );
    let mut s = open(dir.path(), &bytes);
    let reader = s
        .app
        .reader
        .as_ref()
        .unwrap_or_else(|| panic!("{:?}", s.app.message));
    assert!(
        reader
            .doc
            .links()
            .iter()
            .any(|l| l.url == "https://example.com/harbour"),
        "{:?}",
        reader.doc.links()
    );
    let head_text = reader.doc.text().to_string();
    assert!(head_text.contains("The walk starts at the harbour."));
    wait_until_complete(&mut s);
    let reader = s.app.reader.as_ref().unwrap();
    assert_eq!(reader.doc.text(), whole(&bytes).text());
}

#[test]
fn invalid_utf8_after_the_head_is_noted_once_the_rest_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = article(1024 * 1024, "The opening paragraph.", "");
    let at = bytes.len() - 200;
    bytes.splice(at..at, b"caf\xe9 ".iter().copied());
    let mut s = open(dir.path(), &bytes);
    assert!(s.app.reader.as_ref().unwrap().doc.is_head_only());
    assert_eq!(s.app.message, None, "the head is valid");

    wait_until_complete(&mut s);
    let message = s
        .app
        .message
        .clone()
        .expect("a note about the invalid bytes");
    assert!(message.text.contains("not valid UTF-8"), "{message:?}");
    let reader = s.app.reader.as_ref().unwrap();
    assert_eq!(reader.doc.text(), whole(&bytes).text());
    assert!(reader.doc.text().contains("caf\u{fffd} "));
}

#[test]
fn a_file_changed_between_the_two_reads_is_not_mixed_and_its_notes_are_kept_safe() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = article(1024 * 1024, "The opening paragraph.", "");
    let mut s = open(dir.path(), &bytes);
    let head_text = s.app.reader.as_ref().unwrap().doc.text().to_string();
    // Written over before the rest is read (the jobs start at the first
    // look for results).
    let mut changed = bytes.clone();
    changed.extend_from_slice(b"\nA paragraph added later.\n");
    fs::write(dir.path().join("long.md"), &changed).unwrap();

    wait_until_complete(&mut s);
    let reader = s.app.reader.as_ref().unwrap();
    assert!(reader.doc.unread_rest().is_some());
    assert!(!reader.doc.text().contains("A paragraph added later"));
    assert!(!reader.doc.text().contains("The very last words"));
    assert!(reader.doc.text().starts_with(&head_text), "nothing moved");
    assert!(reader.notes.read_only.is_some(), "no notes on half a text");
    let message = s.app.message.clone().expect("an error");
    assert!(message.error, "{message:?}");
    assert!(
        message.text.contains("changed while it was being read"),
        "{message:?}"
    );
}

#[test]
fn a_file_that_shrinks_before_the_rest_is_read_is_said_to_have_changed() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = article(1024 * 1024, "The opening paragraph.", "");
    let mut s = open(dir.path(), &bytes);
    let file = fs::OpenOptions::new()
        .write(true)
        .open(dir.path().join("long.md"))
        .unwrap();
    file.set_len(300 * 1024).unwrap();
    drop(file);

    s.app.update(Action::Bottom);
    s.app.update(Action::Top);
    wait_until_complete(&mut s);
    let reader = s.app.reader.as_ref().unwrap();
    assert!(reader.doc.unread_rest().is_some());
    assert!(reader.notes.read_only.is_some());
    assert!(s.app.message.clone().expect("an error").error);
}

#[test]
fn a_short_file_is_read_whole() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = article(100 * 1024, "The opening paragraph.", "");
    let s = open(dir.path(), &bytes);
    assert!(!s.app.reader.as_ref().unwrap().doc.is_head_only());
}

#[test]
fn a_long_text_file_whose_format_is_told_from_its_lines_is_read_whole_when_they_are_few() {
    let dir = tempfile::tempdir().unwrap();
    // Four long lines: more than the head holds.
    let line = "word ".repeat(100_000);
    let text = format!("{line}\n\n{line}\n\n# Not a heading in plain text\n");
    let file = dir.path().join("long.txt");
    fs::write(&file, &text).unwrap();
    let loaded = library::load_for_reading(&library::Source::File(file.clone()), u64::MAX).unwrap();
    assert!(loaded.rest.is_none(), "read whole");
    assert_eq!(loaded.text.len(), text.len());
    assert_eq!(
        loaded.format,
        gloss::document::detect_format("txt", &text),
        "as one read of the whole tells it"
    );
}

#[test]
fn a_highlight_made_from_the_head_is_kept_and_an_article_with_notes_opens_whole() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = article(1024 * 1024, "The opening paragraph.", "");
    let mut s = open(dir.path(), &bytes);
    assert!(s.app.reader.as_ref().unwrap().doc.is_head_only());
    // A highlight on the first screen, before the rest is read.
    s.app.update(Action::SentenceNext);
    let effects = s.app.update(Action::SelectSentence);
    run(&mut s, effects);
    let effects = s.app.update(Action::Highlight);
    run(&mut s, effects);
    let quote = {
        let reader = s.app.reader.as_ref().unwrap();
        assert_eq!(reader.notes.highlights.len(), 1, "{:?}", s.app.message);
        reader.notes.highlights[0].anchor.quote.clone()
    };
    wait_until_complete(&mut s);
    assert_eq!(s.app.message.as_ref().filter(|m| m.error), None);
    s.flush_position();
    let kept = s.finish();
    drop(kept);

    // Opened again: its notes are placed on the whole text, read first.
    let s = open(dir.path(), &bytes);
    let reader = s.app.reader.as_ref().unwrap();
    assert!(!reader.doc.is_head_only(), "read whole: it has notes");
    assert_eq!(reader.notes.highlights.len(), 1);
    assert_eq!(reader.notes.highlights[0].anchor.quote, quote);
    assert_eq!(reader.notes.placed.len(), 1, "placed");
}

/// Writes the article `bytes` as `long.md` in `dir`, with a notes file in
/// `dir/data` holding a reading position (no highlight) at the paragraph
/// starting with `at`, as a first reading leaves it; the article's file is
/// returned.
fn read_before(dir: &Path, bytes: &[u8], at: &str) -> PathBuf {
    let file = dir.join("long.md");
    fs::write(&file, bytes).unwrap();
    let path = fs::canonicalize(&file).unwrap();
    let text = whole(bytes).text().to_string();
    let start = text.find(at).unwrap();
    let position = ReadingPosition {
        offset: gloss::document::CharOffset::new(text[..start].chars().count()),
        quote: text[start..start + 40].to_string(),
        progress: start as f64 / text.len() as f64,
        updated: chrono::Utc::now(),
    };
    let record = ArticleRecord {
        title: "A long read".into(),
        path: gloss::annotations::path_to_text(&path),
        ..ArticleRecord::default()
    };
    Store::new(&dir.join("data"))
        .apply(None, &record, &[Op::SetPosition(position)])
        .unwrap();
    file
}

#[test]
fn an_article_read_before_without_highlights_opens_again_from_its_head_at_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = article(2 * 1024 * 1024, "The opening paragraph.", "");
    let file = read_before(dir.path(), &bytes, "Paragraph 120 walks");
    let mut s = open_file(&file, Setup::new(&dir.path().join("data"), u64::MAX));
    {
        let reader = s.app.reader.as_ref().expect("the article is open");
        assert!(
            reader.doc.is_head_only(),
            "a reading position alone does not need the whole text first"
        );
        assert!(reader.notes.read_only.is_none(), "notes can be changed");
    }
    let first = shown(&mut s.app);
    assert!(first.starts_with("Paragraph 120 walks"), "{first}");

    wait_until_complete(&mut s);
    let reader = s.app.reader.as_ref().unwrap();
    assert_eq!(reader.doc.text(), whole(&bytes).text(), "the whole text");
    assert!(
        shown(&mut s.app).starts_with("Paragraph 120 walks"),
        "still there"
    );
    assert_eq!(s.app.message.as_ref().filter(|m| m.error), None);
}

#[test]
fn an_article_read_before_past_its_head_opens_at_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = article(2 * 1024 * 1024, "The opening paragraph.", "");
    // About a megabyte in: far past the head read for the first screen.
    let file = read_before(dir.path(), &bytes, "Paragraph 12000 walks");
    let mut s = open_file(&file, Setup::new(&dir.path().join("data"), u64::MAX));
    let first = shown(&mut s.app);
    assert!(first.starts_with("Paragraph 12000 walks"), "{first}");
    assert!(
        !s.app.reader.as_ref().unwrap().doc.is_complete(),
        "parsed to the place, not to the end, before the first screen"
    );
    wait_until_complete(&mut s);
    assert!(shown(&mut s.app).starts_with("Paragraph 12000 walks"));
    assert_eq!(s.app.message.as_ref().filter(|m| m.error), None);
}

#[test]
fn another_windows_highlight_past_the_head_is_placed_when_a_save_brings_it_in() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = article(2 * 1024 * 1024, "The opening paragraph.", "");
    let file = read_before(dir.path(), &bytes, "Paragraph 3 walks");
    let mut s = open_file(&file, Setup::new(&dir.path().join("data"), u64::MAX));
    assert!(s.app.reader.as_ref().unwrap().doc.is_head_only());
    // Another window highlights the last words, far past the head.
    let text = whole(&bytes).text().to_string();
    let at = text.find("The very last words.").unwrap();
    let record = ArticleRecord {
        title: "A long read".into(),
        path: gloss::annotations::path_to_text(&fs::canonicalize(&file).unwrap()),
        ..ArticleRecord::default()
    };
    Store::new(&dir.path().join("data"))
        .apply(
            None,
            &record,
            &[highlight_op(
                &text,
                "far".into(),
                at..at + 20,
                "theirs".into(),
            )],
        )
        .unwrap();
    // This window highlights a sentence of its first screen: its save
    // merges the other window's highlight in.
    s.app.update(Action::SentenceNext);
    let effects = s.app.update(Action::SelectSentence);
    run(&mut s, effects);
    let effects = s.app.update(Action::Highlight);
    run(&mut s, effects);
    let reader = s.app.reader.as_ref().unwrap();
    assert_eq!(reader.notes.highlights.len(), 2, "{:?}", s.app.message);
    assert_eq!(reader.notes.orphans(), 0, "placed in the whole text");
    assert_eq!(reader.notes.placed.len(), 2);
}

/// Every file under `dir`, read as text.
fn all_text_under(dir: &Path) -> String {
    let mut out = String::new();
    for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.push_str(&all_text_under(&path));
        } else if let Ok(text) = fs::read_to_string(&path) {
            out.push_str(&text);
        }
    }
    out
}

#[test]
fn notes_saved_from_the_head_carry_the_whole_texts_fingerprint() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = article(1024 * 1024, "The opening paragraph.", "");
    let mut s = open(dir.path(), &bytes);
    assert!(s.app.reader.as_ref().unwrap().doc.is_head_only());
    s.app.update(Action::SentenceNext);
    let effects = s.app.update(Action::SelectSentence);
    run(&mut s, effects);
    let effects = s.app.update(Action::Highlight);
    run(&mut s, effects);
    wait_until_complete(&mut s);
    drop(s.finish());
    let text = gloss::document::decode(&bytes).unwrap().text;
    let stored = all_text_under(&dir.path().join("data"));
    assert!(
        stored.contains(&gloss::annotations::fingerprint(&text)),
        "{stored}"
    );
}

#[test]
fn a_long_list_at_the_start_still_opens_from_the_head() {
    // A changelog's first release: some 70 KiB of commits in one tight list,
    // so the first screen's parse ends past 64 KiB into the file.
    let mut list = String::new();
    let mut n = 0;
    while list.len() < 70 * 1024 {
        n += 1;
        list.push_str(&format!(
            "* [`{n:07x}`](https://example.org/commit/{n}) - **docs**: fix a typo in part {n}\n"
        ));
    }
    let dir = tempfile::tempdir().unwrap();
    let bytes = article(2 * 1024 * 1024, &list, "");
    let mut s = open(dir.path(), &bytes);
    let reader = s.app.reader.as_ref().unwrap();
    assert!(reader.doc.is_head_only(), "only the head is read at first");
    assert!(shown(&mut s.app).contains("fix a typo in part 1"));
    wait_until_complete(&mut s);
    let reader = s.app.reader.as_ref().unwrap();
    let mut whole = whole(&bytes);
    whole.ensure_complete();
    assert_eq!(reader.doc.text(), whole.text());
}

/// Writes the article `bytes` as `long.md` in `dir`, with a notes file in
/// `dir/data` holding one highlight on each of `quotes` (placed in the whole
/// text); the article's file is returned.
fn with_notes(dir: &Path, bytes: &[u8], quotes: &[&str]) -> PathBuf {
    let file = dir.join("long.md");
    fs::write(&file, bytes).unwrap();
    let path = fs::canonicalize(&file).unwrap();
    let text = whole(bytes).text().to_string();
    let ops: Vec<Op> = quotes
        .iter()
        .enumerate()
        .map(|(i, quote)| {
            let at = text.find(quote).unwrap();
            highlight_op(
                &text,
                format!("h{i}"),
                at..at + quote.len(),
                format!("note {i}"),
            )
        })
        .collect();
    let record = ArticleRecord {
        title: "A long read".into(),
        path: gloss::annotations::path_to_text(&path),
        ..ArticleRecord::default()
    };
    Store::new(&dir.join("data"))
        .apply(None, &record, &ops)
        .unwrap();
    file
}

/// A session whose every notes file is read and placed in the background
/// (as a file of 20,000 highlights is).
fn notes_later(dir: &Path) -> Setup {
    let mut setup = Setup::new(&dir.join("data"), u64::MAX);
    setup.notes_in_background_from = 1;
    setup
}

#[test]
fn an_article_whose_notes_load_in_the_background_opens_from_its_head_like_one_without() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = article(1024 * 1024, "The opening paragraph.", "");
    let file = with_notes(
        dir.path(),
        &bytes,
        &["The opening paragraph.", "The very last words."],
    );
    let mut s = open_file(&file, notes_later(dir.path()));
    {
        let reader = s.app.reader.as_ref().expect("the article is open");
        assert!(
            reader.doc.is_head_only(),
            "only the head before the first screen"
        );
        assert!(reader.notes.loading.is_some(), "its notes load meanwhile");
    }
    assert!(shown(&mut s.app).contains("The opening paragraph."));

    until_notes_loaded(&mut s);
    let reader = s.app.reader.as_ref().unwrap();
    assert_eq!(reader.doc.text(), whole(&bytes).text(), "the whole text");
    assert_eq!(reader.notes.highlights.len(), 2);
    assert_eq!(
        reader.notes.placed.len(),
        2,
        "both placed, the last one too"
    );
    assert_eq!(reader.notes.orphans(), 0);
    assert!(reader.notes.read_only.is_none(), "notes can be changed");
    assert_eq!(s.app.message.as_ref().filter(|m| m.error), None);
}

#[test]
fn notes_loading_in_the_background_are_not_placed_in_a_file_changed_before_its_rest_was_read() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = article(1024 * 1024, "The opening paragraph.", "");
    let file = with_notes(
        dir.path(),
        &bytes,
        &["The opening paragraph.", "The very last words."],
    );
    let notes_before = all_text_under(&dir.path().join("data"));
    let mut s = open_file(&file, notes_later(dir.path()));
    assert!(s.app.reader.as_ref().unwrap().doc.is_head_only());
    // Written over before the rest is read (the jobs start at the first
    // look for results).
    let mut changed = bytes.clone();
    changed.extend_from_slice(b"\nA paragraph added later.\n");
    fs::write(&file, &changed).unwrap();

    until_notes_loaded(&mut s);
    let reader = s.app.reader.as_ref().unwrap();
    assert!(reader.doc.unread_rest().is_some());
    assert!(!reader.doc.text().contains("A paragraph added later"));
    assert!(reader.notes.placed.is_empty(), "none placed in half a text");
    assert!(reader.notes.read_only.is_some(), "no changes taken");
    let message = s.app.message.clone().expect("an error");
    assert!(message.error, "{message:?}");
    assert!(
        message.text.contains("changed while it was being read"),
        "{message:?}"
    );
    s.flush_position();
    drop(s.finish());
    assert_eq!(
        all_text_under(&dir.path().join("data")),
        notes_before,
        "the notes file is left as it was"
    );
}
