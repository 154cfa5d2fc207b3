//! The annotations panel is a mode: it takes the keys alone, the help, a
//! question and the note editor open over it, and when they close the panel
//! is back with its selection and its filter as they were.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly

mod testapp;

use gloss::annotations::HighlightId;
use gloss::app::{Confirm, Mode, Msg};
use gloss::keymap::Context;
use testapp::TestApp;

/// The reader with two highlights, "The first wind is a breeze." (h0001)
/// and "A zephyr comes from the west." (h0002), and the panel open on the
/// second (the one under the cursor).
fn panel_open() -> TestApp {
    let mut t = TestApp::new(100, 20);
    t.keys("enter } s m } s 2 a");
    assert!(matches!(t.app.mode, Mode::Panel(_)));
    assert_eq!(selected(&t), Some("h0002".into()));
    t
}

/// The id of the panel's selected highlight.
fn selected(t: &TestApp) -> Option<HighlightId> {
    let notes = &t.app.reader.as_ref().unwrap().notes;
    t.app.panel()?.selected_highlight(notes)
}

fn count(t: &TestApp) -> usize {
    t.app.reader.as_ref().unwrap().notes.count()
}

#[test]
fn help_opens_over_the_panel_and_closes_back_to_it() {
    let mut t = panel_open();
    t.keys("k");
    assert_eq!(selected(&t), Some("h0001".into()));
    t.keys("?");
    assert!(matches!(t.app.mode, Mode::Help { scroll: 0 }));
    assert_eq!(t.app.context(), Context::Help, "the help has the keys");
    // `j` scrolls the help; in the panel it would move the selection.
    t.keys("j");
    assert!(matches!(t.app.mode, Mode::Help { scroll: 1 }));
    t.keys("esc");
    assert!(matches!(t.app.mode, Mode::Panel(_)), "back to the panel");
    assert_eq!(t.app.context(), Context::Panel);
    assert_eq!(selected(&t), Some("h0001".into()), "same selection");
    assert!(t.text().contains("Annotations (2)"), "{}", t.text());
}

#[test]
fn a_note_edited_from_the_panel_saves_and_returns_to_the_same_entry() {
    let mut t = panel_open();
    t.keys("e");
    assert!(t.app.note_editor().is_some());
    assert_eq!(t.app.context(), Context::Editor);
    assert!(t.app.panel().is_some(), "the panel waits under the editor");
    t.type_text("west wind");
    t.keys("ctrl-s");
    assert!(t.app.note_editor().is_none());
    assert!(matches!(t.app.mode, Mode::Panel(_)), "back to the panel");
    assert_eq!(selected(&t), Some("h0002".into()), "same selection");
    let notes = &t.app.reader.as_ref().unwrap().notes;
    assert_eq!(notes.get(&"h0002".into()).unwrap().note, "west wind");
    assert!(t.text().contains("west wind"), "{}", t.text());
    // The panel has the keys again: `k` moves its selection.
    t.keys("k");
    assert_eq!(selected(&t), Some("h0001".into()));
}

#[test]
fn esc_in_a_note_opened_from_the_panel_returns_to_the_panel() {
    let mut t = panel_open();
    t.keys("e esc");
    assert!(t.app.note_editor().is_none());
    assert!(matches!(t.app.mode, Mode::Panel(_)));
    assert_eq!(selected(&t), Some("h0002".into()));
    assert_eq!(count(&t), 2, "an existing highlight stays");
}

#[test]
fn delete_from_the_panel_asks_and_either_answer_returns_to_the_panel() {
    let mut t = panel_open();
    t.keys("d");
    assert_eq!(t.app.question(), Some(&Confirm::Delete("h0002".into())));
    assert_eq!(t.app.context(), Context::Confirm);
    assert!(
        t.app.panel().is_some(),
        "the panel shows under the question"
    );
    assert!(t.text().contains("Annotations (2)"), "{}", t.text());
    t.keys("n");
    assert!(
        matches!(t.app.mode, Mode::Panel(_)),
        "no: back to the panel"
    );
    assert_eq!(count(&t), 2);
    assert_eq!(selected(&t), Some("h0002".into()));

    t.keys("d y");
    assert!(
        matches!(t.app.mode, Mode::Panel(_)),
        "yes: back to the panel"
    );
    assert_eq!(count(&t), 1);
    assert_eq!(selected(&t), Some("h0001".into()), "the one left");
    assert!(t.text().contains("Annotations (1)"), "{}", t.text());
    // `u` in the panel brings it back.
    t.keys("u");
    assert_eq!(count(&t), 2);
    assert!(matches!(t.app.mode, Mode::Panel(_)));
}

#[test]
fn typing_a_filter_in_the_panel_narrows_it_and_keeps_the_keys_there() {
    let mut t = panel_open();
    t.keys("/");
    assert_eq!(t.app.context(), Context::PanelFilter);
    // Letters are text, not commands: `d` asks nothing, `q` quits nothing.
    t.type_text("breeze dq");
    assert!(t.app.question().is_none() && !t.app.quit);
    assert_eq!(t.app.panel().unwrap().filter, "breeze dq");
    t.keys("backspace backspace backspace");
    assert_eq!(t.app.panel().unwrap().filter, "breeze");
    assert!(
        t.status().contains("1 of 2 annotations match \"breeze\""),
        "{}",
        t.status()
    );
    assert_eq!(selected(&t), Some("h0001".into()), "the only match");
    t.keys("enter");
    assert_eq!(t.app.context(), Context::Panel, "Enter keeps the filter");
    assert_eq!(t.app.panel().unwrap().filter, "breeze");
    t.app.update(Msg::Paste("ignored".into()));
    assert_eq!(
        t.app.panel().unwrap().filter,
        "breeze",
        "a paste goes into the filter only while typing it"
    );
    t.keys("esc");
    assert!(matches!(t.app.mode, Mode::Panel(_)), "Esc clears first");
    assert!(t.app.panel().unwrap().filter.is_empty());
}

#[test]
fn esc_closes_the_panel_and_the_reader_has_the_keys() {
    let mut t = panel_open();
    t.keys("esc");
    assert!(matches!(t.app.mode, Mode::Browse));
    assert!(t.app.panel().is_none());
    assert_eq!(t.app.context(), Context::Reader);
    assert!(!t.text().contains("Annotations ("), "{}", t.text());
    // Nothing comes back later: a help opened now closes to the reader.
    t.keys("? esc");
    assert!(matches!(t.app.mode, Mode::Browse));
    assert!(t.app.panel().is_none());
}

#[test]
fn enter_in_the_panel_jumps_and_leaves_it() {
    let mut t = panel_open();
    t.keys("k enter");
    assert!(matches!(t.app.mode, Mode::Browse));
    assert!(t.app.panel().is_none());
    assert!(
        t.marked().contains("|The first wind is a breeze."),
        "{}",
        t.marked()
    );
}

#[test]
fn a_resize_with_the_editor_over_the_panel_keeps_both() {
    let mut t = panel_open();
    t.keys("e");
    t.type_text("typed before");
    t.app.update(Msg::Resize {
        width: 60,
        height: 14,
    });
    let (editor, id) = t.app.note_editor().expect("the editor stays open");
    assert_eq!(editor.text(), "typed before");
    assert_eq!(id, "h0002");
    assert!(t.app.panel().is_some(), "the panel still waits under it");
    t.app.resize(140, 40);
    t.type_text(" and after");
    t.keys("ctrl-s");
    assert!(matches!(t.app.mode, Mode::Panel(_)));
    assert_eq!(selected(&t), Some("h0002".into()));
    let text = t.text();
    assert!(text.contains("Annotations (2)"), "{text}");
    assert!(text.contains("typed before and after"), "{text}");
}

#[test]
fn a_reload_question_from_the_runtime_closes_the_help_and_returns_to_the_panel() {
    let mut t = panel_open();
    t.keys("?");
    t.app.offer_reload();
    assert_eq!(t.app.question(), Some(&Confirm::Reload));
    assert!(t.app.panel().is_some());
    t.keys("n");
    assert!(
        matches!(t.app.mode, Mode::Panel(_)),
        "the help was dropped; the panel is back"
    );
    assert_eq!(selected(&t), Some("h0002".into()));
}

#[test]
fn the_reload_question_waits_for_an_answer_while_reading_keys_arrive() {
    let mut t = panel_open();
    t.app.offer_reload();
    // Keys meant for the text, typed as the question came up, neither
    // answer it nor act on the old text.
    t.keys("j");
    t.keys("q");
    assert_eq!(t.app.question(), Some(&Confirm::Reload), "still asked");
    let said = t
        .app
        .message
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default();
    assert!(
        said.contains("y reloads it") && said.contains("n keeps"),
        "{said}"
    );
    assert_eq!(selected(&t), Some("h0002".into()), "j moved nothing");
    // Ctrl-c answers no, so gloss is never held by the question.
    t.keys("ctrl-c");
    assert!(t.app.question().is_none());
    assert!(matches!(t.app.mode, Mode::Panel(_)));
}

#[test]
fn quitting_from_the_help_over_the_panel_with_unsaved_changes_asks_over_the_panel() {
    let mut t = panel_open();
    t.app.unsaved = Some(gloss::app::Unsaved {
        count: 1,
        reason: "Read-only file system (os error 30)".into(),
        kept_in: None,
    });
    t.keys("? ctrl-c");
    assert_eq!(t.app.question(), Some(&Confirm::Quit));
    assert!(
        t.app.panel().is_some(),
        "the help closed, the panel did not"
    );
    assert!(!t.app.quit);
    t.keys("n");
    assert!(
        matches!(t.app.mode, Mode::Panel(_)),
        "no: back to the panel"
    );
    t.keys("q y");
    assert!(t.app.quit);
}
