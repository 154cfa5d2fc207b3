#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly
//! An article with a large notes file (issue 12: 20,000 highlights, 8 MB)
//! opens at once: its text is shown while a background job reads the notes
//! and places the highlights, which are drawn when they arrive. Meanwhile a
//! change to them is refused with a message (the file is never written from
//! an incomplete set), quitting leaves the file as it was, and a result for
//! an older open is dropped. The threshold is lowered so a few hundred
//! highlights are "large".

#[path = "support/book_session.rs"]
mod book_session;

use book_session::{highlight_op, run, until_notes_loaded};

use std::fs;
use std::path::{Path, PathBuf};

use gloss::annotations::{ArticleRecord, HighlightId, Op, ReadingPosition, Store};
use gloss::app::App;
use gloss::config::Config;
use gloss::keymap::{Action, Keymap};
use gloss::library;
use gloss::session::{Session, Setup};

/// Highlights in the article's notes file.
const HIGHLIGHTS: usize = 300;

fn article_text() -> String {
    let mut text = String::from("# Many highlights\n\n");
    for i in 0..HIGHLIGHTS {
        text.push_str(&format!(
            "Sentence {i} of the long article says something about topic {}. ",
            i % 7
        ));
        if i % 8 == 7 {
            text.push_str("\n\n");
        }
    }
    text
}

struct World {
    _dir: tempfile::TempDir,
    library: PathBuf,
    article: PathBuf,
    other: PathBuf,
    data: PathBuf,
}

fn session(world: &World) -> Session {
    session_with(world, gloss::annotations::PENDING_FROM_BYTES)
}

/// [`session`] whose saves go to pending changes for notes files from
/// `pending_from` bytes on.
fn session_with(world: &World, pending_from: u64) -> Session {
    let scan = library::scan(std::slice::from_ref(&world.library));
    let mut app = App::new(Config::default(), Keymap::default(), scan);
    app.resize(100, 30);
    let mut setup = Setup::new(&world.data, u64::MAX);
    // Every notes file counts as large here.
    setup.notes_in_background_from = 1;
    setup.pending_changes_from = pending_from;
    Session::start(app, setup)
}

/// A library with the article and a short other one, and a notes file
/// with one highlight per sentence of the article and a reading position
/// half-way down.
fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    let library = dir.path().join("library");
    fs::create_dir_all(&library).unwrap();
    fs::write(library.join("many.md"), article_text()).unwrap();
    fs::write(
        library.join("other.md"),
        "# Other\n\nA short other article.\n",
    )
    .unwrap();
    let article = fs::canonicalize(library.join("many.md")).unwrap();
    let other = fs::canonicalize(library.join("other.md")).unwrap();
    let data = dir.path().join("data");
    let world = World {
        library,
        article,
        other,
        data,
        _dir: dir,
    };
    // The canonical text, as the app anchors to it.
    let text = {
        let mut s = session(&world);
        open(&mut s, &world.article);
        let reader = s.app.reader.as_mut().unwrap();
        reader.doc.ensure_complete();
        reader.doc.text().to_string()
    };
    let mut ops: Vec<Op> = (0..HIGHLIGHTS)
        .map(|i| {
            let quote = format!("Sentence {i} of the long article");
            let at = text.find(&format!("{quote} says")).unwrap();
            highlight_op(
                &text,
                format!("h{i:05}"),
                at..at + quote.len(),
                format!("note {i}"),
            )
        })
        .collect();
    let half = text.find("Sentence 150 of").unwrap();
    ops.push(Op::SetPosition(ReadingPosition {
        offset: gloss::document::CharOffset::new(text[..half].chars().count()),
        quote: text[half..half + 40].to_string(),
        progress: 0.5,
        updated: chrono::Utc::now() - chrono::TimeDelta::days(1),
    }));
    let record = ArticleRecord {
        title: "Many highlights".into(),
        path: gloss::annotations::path_to_text(&world.article),
        ..ArticleRecord::default()
    };
    Store::new(&world.data).apply(None, &record, &ops).unwrap();
    world
}

/// The article's notes file.
fn notes_file(world: &World) -> PathBuf {
    let dir = world.data.join("annotations");
    fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.extension().is_some_and(|e| e == "toml")
                && !p.file_name().unwrap().to_string_lossy().starts_with('.')
        })
        .unwrap()
}

/// Everything the store reads for the article now (pending changes joined).
fn stored(world: &World) -> gloss::annotations::AnnotationFile {
    Store::new(&world.data)
        .find(&world.article, "")
        .unwrap()
        .unwrap()
        .content
}

/// Waits until the notes job has finished, without taking its result.
fn until_job_done(s: &Session) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while s.notes_pending() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
}

fn message(s: &Session) -> String {
    s.app
        .message
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default()
}

fn open(s: &mut Session, path: &Path) {
    let effects = s.open_path(path, None);
    run(s, effects);
}

#[test]
fn the_text_shows_at_once_and_the_highlights_arrive_after() {
    let world = world();
    let mut s = session(&world);
    open(&mut s, &world.article);
    until_job_done(&s);
    // Not taken yet: the article is shown, its highlights are loading.
    let reader = s.app.reader.as_ref().unwrap();
    assert!(reader.doc.text().starts_with("Many highlights"));
    assert!(reader.notes.loading.is_some());
    assert_eq!(reader.notes.count(), 0);
    assert_eq!(message(&s), "loading 300 highlights…");
    // The list keeps the count it had.
    let id = reader.article;
    assert_eq!(s.app.figures.get(id).unwrap().highlights, HIGHLIGHTS);

    s.collect_jobs();
    let reader = s.app.reader.as_mut().unwrap();
    assert!(reader.notes.loading.is_none());
    assert!(reader.doc.is_complete());
    assert_eq!(reader.notes.count(), HIGHLIGHTS);
    assert_eq!(reader.notes.placed.len(), HIGHLIGHTS, "every one placed");
    // The saved position (sentence 150) is restored: the reader had not moved.
    let top = reader.top_offset().unwrap();
    assert!(
        reader.doc.text()[top..].contains("Sentence 150 of"),
        "{}",
        &reader.doc.text()[top..top + 80]
    );
    assert!(!reader.doc.text()[top..].contains("Sentence 140 of"));
    // The loading message is gone; no orphan to report.
    assert_eq!(message(&s), "");
    assert_eq!(s.app.figures.get(id).unwrap().highlights, HIGHLIGHTS);
}

#[test]
fn a_highlight_made_while_loading_is_refused_and_saved_once_they_are_there() {
    let world = world();
    let file = notes_file(&world);
    let before = fs::read(&file).unwrap();
    let mut s = session(&world);
    open(&mut s, &world.article);
    until_job_done(&s);

    // Before the result is taken: the change is refused, nothing written.
    let mut effects = s.app.update(Action::SelectSentence);
    effects.extend(s.app.update(Action::Highlight));
    run(&mut s, effects);
    assert!(
        message(&s).contains("the highlights are still loading"),
        "{}",
        message(&s)
    );
    assert_eq!(fs::read(&file).unwrap(), before, "nothing written");

    until_notes_loaded(&mut s);
    // Now the same keys make the highlight, saved with all the others.
    let mut effects = s.app.update(Action::SelectSentence);
    effects.extend(s.app.update(Action::Highlight));
    run(&mut s, effects);
    assert_eq!(s.app.reader.as_ref().unwrap().notes.count(), HIGHLIGHTS + 1);
    let content = stored(&world);
    assert_eq!(content.highlights.len(), HIGHLIGHTS + 1);
    for i in [0, 150, HIGHLIGHTS - 1] {
        let id = format!("h{i:05}");
        let h = content
            .highlights
            .iter()
            .find(|h| h.id == id.as_str())
            .unwrap();
        assert_eq!(h.note, format!("note {i}"));
    }
}

#[test]
fn a_note_edited_after_loading_is_saved_with_every_other_highlight() {
    let world = world();
    let mut s = session(&world);
    open(&mut s, &world.article);
    until_notes_loaded(&mut s);
    let reader = s.app.reader.as_mut().unwrap();
    let mut h = reader.notes.highlights[42].clone();
    h.note = "edited after loading".into();
    h.updated = chrono::Utc::now();
    let ops = vec![Op::Upsert(h.clone())];
    reader.notes.apply_ops(&ops, reader.doc.text());
    s.save(0, ops);
    let content = stored(&world);
    assert_eq!(content.highlights.len(), HIGHLIGHTS);
    let saved = content.highlights.iter().find(|x| x.id == h.id).unwrap();
    assert_eq!(saved.note, "edited after loading");
    // The window's copy holds them all, the edit included.
    let notes = &s.app.reader.as_ref().unwrap().notes;
    assert_eq!(notes.count(), HIGHLIGHTS);
    assert_eq!(notes.get(&h.id).unwrap().note, "edited after loading");
    assert_eq!(notes.placed.len(), HIGHLIGHTS);
}

#[test]
fn quitting_while_loading_leaves_the_file_as_it_was() {
    let world = world();
    let file = notes_file(&world);
    let before = fs::read(&file).unwrap();
    let mut s = session(&world);
    open(&mut s, &world.article);
    // Reading on, then quitting before the highlights are taken.
    let mut effects = s.app.update(Action::PageDown);
    effects.extend(s.app.update(Action::PageDown));
    effects.extend(s.app.update(Action::Quit));
    run(&mut s, effects);
    s.flush_position();
    assert!(s.app.quit);
    drop(s);
    assert_eq!(fs::read(&file).unwrap(), before, "byte for byte");
    let content = stored(&world);
    assert_eq!(content.highlights.len(), HIGHLIGHTS);
}

#[test]
fn a_reader_that_moved_while_loading_stays_where_it_is() {
    let world = world();
    let mut s = session(&world);
    open(&mut s, &world.article);
    let effects = s.app.update(Action::PageDown);
    run(&mut s, effects);
    let top = s.app.reader.as_mut().unwrap().top_offset().unwrap();
    until_notes_loaded(&mut s);
    let reader = s.app.reader.as_mut().unwrap();
    assert_eq!(
        reader.top_offset(),
        Some(top),
        "not sent to the saved place"
    );
    assert_eq!(reader.notes.count(), HIGHLIGHTS);
}

#[test]
fn a_result_for_an_older_open_is_dropped() {
    let world = world();
    let mut s = session(&world);
    open(&mut s, &world.article);
    until_job_done(&s);
    // Another article opened before the result was taken.
    open(&mut s, &world.other);
    s.collect_jobs();
    let reader = s.app.reader.as_ref().unwrap();
    assert!(reader.doc.text().contains("A short other article"));
    assert_eq!(reader.notes.count(), 0);
    assert!(reader.notes.loading.is_none());
    assert_eq!(message(&s), "");
    // And opened again, the article gets its own.
    open(&mut s, &world.article);
    until_notes_loaded(&mut s);
    assert_eq!(s.app.reader.as_ref().unwrap().notes.count(), HIGHLIGHTS);
}

/// With the notes file taking changes as pending changes (as a file of
/// 20,000 highlights does), a save hands back only what it named; the
/// window's copy still holds every highlight, and the file, once folded,
/// holds every highlight and each change.
#[test]
fn changes_saved_to_pending_changes_keep_every_highlight() {
    let world = world();
    let file = notes_file(&world);
    let mut s = session_with(&world, 1);
    open(&mut s, &world.article);
    until_notes_loaded(&mut s);
    let edit = |s: &mut Session, i: usize, note: &str| {
        let reader = s.app.reader.as_mut().unwrap();
        let mut h = reader.notes.highlights[i].clone();
        h.note = note.into();
        h.updated = chrono::Utc::now();
        let ops = vec![Op::Upsert(h.clone())];
        reader.notes.apply_ops(&ops, reader.doc.text());
        s.save(0, ops);
        h.id
    };
    let first = edit(&mut s, 7, "first edit");
    let second = edit(&mut s, 250, "second edit");
    assert!(
        gloss::annotations::pending_of(&file).exists(),
        "went to the pending changes"
    );
    // A highlight deleted with d and y, then brought back with u.
    let reader = s.app.reader.as_mut().unwrap();
    let gone = reader.notes.highlights[100].id.clone();
    let at = reader.notes.range_of(&gone).unwrap().start;
    reader.cursor_to(at);
    let mut effects = s.app.update(Action::Delete);
    effects.extend(s.app.update(Action::Yes));
    run(&mut s, effects);
    assert_eq!(s.app.reader.as_ref().unwrap().notes.count(), HIGHLIGHTS - 1);
    assert_eq!(stored(&world).highlights.len(), HIGHLIGHTS - 1);
    let effects = s.app.update(Action::Undo);
    run(&mut s, effects);

    let notes = &s.app.reader.as_ref().unwrap().notes;
    assert_eq!(notes.count(), HIGHLIGHTS);
    assert_eq!(notes.placed.len(), HIGHLIGHTS);
    assert_eq!(notes.get(&first).unwrap().note, "first edit");
    assert_eq!(notes.get(&second).unwrap().note, "second edit");
    assert!(notes.get(&gone).is_some());
    let check = |content: &gloss::annotations::AnnotationFile| {
        assert_eq!(content.highlights.len(), HIGHLIGHTS);
        let note = |id: &HighlightId| {
            content
                .highlights
                .iter()
                .find(|h| &h.id == id)
                .map(|h| h.note.clone())
        };
        assert_eq!(note(&first).as_deref(), Some("first edit"));
        assert_eq!(note(&second).as_deref(), Some("second edit"));
        assert_eq!(note(&gone).as_deref(), Some("note 100"));
    };
    check(&stored(&world));
    // Folded in the background: the notes file alone holds it all.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while gloss::annotations::pending_of(&file).exists() && std::time::Instant::now() < deadline {
        s.collect_jobs();
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    assert!(!gloss::annotations::pending_of(&file).exists(), "folded");
    check(&Store::new(&world.data).read(&file).unwrap());
}

/// `gloss FILE` shows the article first, not the list: the list's figures
/// are read from the store after the first frame (a notes file of 20,000
/// highlights is read whole to count them), and arrive then.
#[test]
fn when_the_article_is_the_first_screen_the_lists_figures_follow_its_first_frame() {
    let world = world();
    let scan = library::scan(std::slice::from_ref(&world.library));
    let mut app = App::new(Config::default(), Keymap::default(), scan);
    app.resize(100, 30);
    let mut setup = Setup::new(&world.data, u64::MAX);
    setup.notes_in_background_from = 1;
    setup.figures_after_first_frame = true;
    let mut s = Session::start(app, setup);
    open(&mut s, &world.article);
    let id = s.app.reader.as_ref().unwrap().article;
    assert!(s.app.reader.as_ref().unwrap().notes.loading.is_some());
    assert_eq!(message(&s), "loading highlights…", "not counted yet");

    s.frame_drawn();
    assert_eq!(s.app.figures.get(id).unwrap().highlights, HIGHLIGHTS);
    until_notes_loaded(&mut s);
    let reader = s.app.reader.as_ref().unwrap();
    assert_eq!(reader.notes.placed.len(), HIGHLIGHTS, "every one placed");
    assert_eq!(s.app.figures.get(id).unwrap().highlights, HIGHLIGHTS);
}
