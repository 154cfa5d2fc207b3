//! Quitting never drops typed text or unsaved changes without asking: Ctrl-c
//! in any field holding text asks first, the note editor (also when opened
//! from the panel) asks before discarding, and `q` with changes that could not
//! be saved says why and where they will be kept.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly

mod support;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use gloss::app::notes::Notes;
use gloss::app::{App, Confirm, Unsaved};
use gloss::config::Config;
use gloss::document::{Document, Format, ParseOptions};
use gloss::keymap::{Action, Keymap};
use gloss::library;

const TEXT: &str = "# Title\n\nThe first sentence is here. The second sentence follows it.";

fn app() -> App {
    let scan = library::scan(&[support::fixtures().join("library/alpha.md")]);
    let mut app = App::new(Config::default(), Keymap::default(), scan);
    app.resize(100, 30);
    let doc = Document::new(TEXT, Format::Markdown, ParseOptions::default());
    let _ = app.show_article(gloss::app::ArticleId(0), doc, Notes::default(), None);
    app
}

fn ctrl_c() -> KeyEvent {
    KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)
}

fn key(c: char) -> KeyEvent {
    KeyEvent::from(KeyCode::Char(c))
}

fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        app.on_key(key(c));
    }
}

fn message(app: &App) -> String {
    app.message
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default()
}

/// Ctrl-c asks, `n` keeps the text, Ctrl-c then `y` quits.
fn ctrl_c_asks_then_quits(mut app: App, what: &str, still_typing: impl Fn(&App) -> bool) {
    app.on_key(ctrl_c());
    assert!(!app.quit, "{what}: not at once");
    assert_eq!(app.question(), Some(&Confirm::Quit));
    assert!(message(&app).contains(what), "{}", message(&app));
    app.on_key(key('n'));
    assert!(!app.quit);
    assert!(still_typing(&app), "{what}: the text is still there");
    app.on_key(ctrl_c());
    app.on_key(key('y'));
    assert!(app.quit, "{what}: y quits");
}

#[test]
fn ctrl_c_in_the_search_field_with_text_asks_first() {
    let mut app = app();
    app.update(Action::Search);
    typed(&mut app, "second");
    ctrl_c_asks_then_quits(app, "the search you typed", |a| {
        a.field().is_some_and(|i| i.text == "second")
    });
}

#[test]
fn ctrl_c_in_the_list_filter_with_text_asks_first() {
    let mut app = app();
    app.update(Action::Back);
    app.update(Action::FilterList);
    typed(&mut app, "alp");
    ctrl_c_asks_then_quits(app, "the filter you typed", |a| {
        a.field().is_some_and(|i| i.text == "alp")
    });
}

#[test]
fn ctrl_c_in_the_panel_filter_with_text_asks_first() {
    let mut app = app();
    app.update(Action::SelectSentence);
    app.update(Action::Highlight);
    app.update(Action::Panel);
    app.on_key(key('/'));
    typed(&mut app, "first");
    ctrl_c_asks_then_quits(app, "the panel filter you typed", |a| {
        a.panel().is_some_and(|p| p.filter == "first")
    });
}

#[test]
fn ctrl_c_in_an_empty_field_quits_at_once() {
    let mut app = app();
    app.update(Action::Search);
    app.on_key(ctrl_c());
    assert!(app.quit);
}

#[test]
fn ctrl_c_in_a_note_opened_from_the_panel_asks_before_discarding() {
    let mut app = app();
    app.update(Action::SelectSentence);
    app.update(Action::Highlight);
    app.update(Action::Panel);
    app.on_key(key('e'));
    assert!(app.note_editor().is_some(), "e opens the note");
    typed(&mut app, "from the panel");
    app.on_key(ctrl_c());
    assert!(!app.quit);
    let (editor, _) = app.note_editor().expect("still open");
    assert!(editor.confirming_discard(), "asks before dropping the text");
    app.on_key(key('n'));
    let (editor, _) = app.note_editor().expect("kept");
    assert_eq!(editor.text(), "from the panel");
}

#[test]
fn q_with_unsaved_changes_gives_the_reason_first_and_where_they_are_kept() {
    let mut app = app();
    app.unsaved = Some(Unsaved {
        count: 2,
        reason: "No space left on device (os error 28)".into(),
        kept_in: Some("/data/gloss/recovery.toml".into()),
    });
    app.update(Action::Quit);
    assert!(!app.quit, "not at once");
    let text = message(&app);
    assert!(
        text.starts_with(
            "No space left on device: 2 change(s) not saved. Quit? y/n (kept in recovery.toml"
        ),
        "{text}"
    );
    assert!(text.contains("/data/gloss/recovery.toml"), "{text}");
    app.on_key(key('n'));
    assert!(!app.quit);
    app.on_key(key('q'));
    app.on_key(key('y'));
    assert!(app.quit);
}

#[test]
fn q_without_unsaved_changes_quits_at_once() {
    let mut app = app();
    app.on_key(key('q'));
    assert!(app.quit);
}
