//! The app driven by actions alone, as the runtime would drive it: re-attaching a
//! highlight, and an orphan listed in the panel after its text is gone.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use gloss::annotations::{AnnotationFile, ArticleRecord, Op, SCHEMA_VERSION, testing};
use gloss::app::notes::Notes;
use gloss::app::{App, Effect};
use gloss::config::Config;
use gloss::document::{Document, Format, ParseOptions};
use gloss::keymap::{Action, Keymap};
use gloss::library;

fn app_with(source: &str, notes: Notes) -> App {
    let scan = library::scan(&[support::fixtures().join("library/alpha.md")]);
    let mut app = App::new(Config::default(), Keymap::default(), scan);
    app.resize(100, 30);
    let doc = Document::new(source, Format::Markdown, ParseOptions::default());
    let _ = app.show_article(gloss::app::ArticleId(0), doc, notes, None);
    app
}

fn upserts(effects: &[Effect]) -> Vec<gloss::annotations::Highlight> {
    effects
        .iter()
        .flat_map(|e| match e {
            Effect::Save { ops, .. } => ops.clone(),
            _ => Vec::new(),
        })
        .filter_map(|op| match op {
            Op::Upsert(h) => Some(h),
            _ => None,
        })
        .collect()
}

const TEXT: &str =
    "# Title\n\nThe first sentence is here. The second sentence follows it.\n\nA last paragraph.";

#[test]
fn reattach_moves_a_highlight_keeping_its_id_and_note() {
    let mut app = app_with(TEXT, Notes::default());
    app.update(Action::SentenceNext);
    app.update(Action::SelectSentence);
    let made = upserts(&app.update(Action::Highlight));
    assert_eq!(made.len(), 1);
    let id = made[0].id.clone();

    // Mark it, select the next sentence, confirm with r.
    app.update(Action::Reattach);
    assert_eq!(app.reattach.as_ref().map(|i| i.as_str()), Some(id.as_str()));
    app.update(Action::SentenceNext);
    app.update(Action::SelectSentence);
    let moved = upserts(&app.update(Action::Reattach));
    assert_eq!(moved.len(), 1);
    assert_eq!(moved[0].id, id);
    assert_eq!(moved[0].anchor.quote, "The second sentence follows it.");
    assert!(app.reattach.is_none());
}

#[test]
fn an_orphan_is_listed_in_the_panel_and_never_placed() {
    let old = "# Title\n\nA sentence that will be removed entirely from the text.\n\nKept.";
    let doc = Document::parse_complete(old, Format::Markdown, ParseOptions::default());
    let start = doc.text().find("A sentence").expect("found");
    let end = doc.text().find(" from the text").expect("found");
    let h = testing::highlight("01HZX3A6Q4W5V8F0J3M2K7N9PB")
        .range_of(doc.text(), start..end)
        .color("green")
        .note("remember this")
        .build();
    let file = AnnotationFile {
        version: SCHEMA_VERSION,
        article: ArticleRecord::default(),
        position: None,
        highlights: vec![h],
    };
    let notes = Notes::new(ArticleRecord::default(), None, Some(file));
    let app = &mut app_with("# Title\n\nSomething else entirely now.\n\nKept.", notes);
    let reader = app.reader.as_ref().expect("open");
    assert!(reader.notes.placed.is_empty(), "not placed on other text");
    assert!(reader.notes.highlights[0].orphaned);
    assert_eq!(
        reader.notes.highlights[0].note, "remember this",
        "kept in full"
    );
    // The reader is told at once, in the singular, and where to look.
    let said = app
        .message
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default();
    assert_eq!(
        said,
        "1 highlight could not be placed in the changed text: see the panel (a)"
    );
    app.update(Action::Panel);
    assert!(app.panel().is_some());
    let rows = gloss::app::panel::rows(&app.reader.as_ref().expect("open").notes, "");
    assert_eq!(rows.len(), 1, "the orphan is listed");
    assert_eq!(rows[0].note, "remember this");
}

fn highlight_count(app: &App) -> usize {
    app.reader.as_ref().map_or(0, |r| r.notes.highlights.len())
}

#[test]
fn enter_then_esc_does_not_pile_up_empty_highlights_and_u_brings_one_back() {
    let mut app = app_with(TEXT, Notes::default());
    app.update(Action::SentenceNext);
    for _ in 0..26 {
        app.update(Action::SelectSentence);
        app.update(Action::Annotate);
        assert!(app.note_editor().is_some(), "the editor opened");
        assert_eq!(highlight_count(&app), 1, "made for the note");
        let effects = app.on_key(crossterm::event::KeyEvent::from(
            crossterm::event::KeyCode::Esc,
        ));
        assert!(app.note_editor().is_none());
        assert_eq!(highlight_count(&app), 0, "left without a note: removed");
        assert!(
            effects.iter().any(|e| matches!(e, Effect::Save { ops, .. }
                if matches!(ops.as_slice(), [Op::Delete(_)]))),
            "the removal is saved: {effects:?}"
        );
    }
    app.update(Action::Undo);
    assert_eq!(highlight_count(&app), 1, "u undoes the last removal");
}

#[test]
fn esc_on_the_note_of_an_existing_highlight_keeps_the_highlight() {
    let mut app = app_with(TEXT, Notes::default());
    app.update(Action::SelectSentence);
    app.update(Action::Highlight);
    app.update(Action::Annotate);
    assert!(
        app.note_editor().is_some(),
        "Enter on a highlight edits its note"
    );
    app.on_key(crossterm::event::KeyEvent::from(
        crossterm::event::KeyCode::Esc,
    ));
    assert_eq!(highlight_count(&app), 1);
}

#[test]
fn the_same_words_and_colour_are_never_highlighted_twice() {
    let mut app = app_with(TEXT, Notes::default());
    app.update(Action::SelectSentence);
    assert_eq!(upserts(&app.update(Action::Color3)).len(), 1);
    for _ in 0..5 {
        app.update(Action::SelectSentence);
        assert!(
            upserts(&app.update(Action::Color3)).is_empty(),
            "nothing new is made"
        );
        assert_eq!(highlight_count(&app), 1);
    }
    // Another colour key on the same words recolours the one highlight.
    app.update(Action::SelectSentence);
    let recoloured = upserts(&app.update(Action::Color1));
    assert_eq!(recoloured.len(), 1);
    assert_eq!(highlight_count(&app), 1);
    // Enter on the same words edits that highlight's note.
    app.update(Action::SelectSentence);
    app.update(Action::Annotate);
    let (_, id) = app.note_editor().expect("editor");
    assert_eq!(id, recoloured[0].id.as_str());
    assert_eq!(highlight_count(&app), 1);
}
