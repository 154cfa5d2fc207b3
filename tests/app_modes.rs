//! The app driven by key strings through `TestApp`: one mode at a time, every
//! mode's keys from the keymap, hints that follow rebound keys, selections and
//! highlights as marker strings, and styled snapshots in which a highlight, a
//! search match, the cursor and a selection are visible.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly

mod testapp;

use gloss::app::{Confirm, Mode};
use gloss::keymap::{Action, KeyConfig};
use testapp::TestApp;

fn open() -> TestApp {
    let mut t = TestApp::new(100, 20);
    t.keys("enter");
    t
}

#[test]
fn sentence_select_and_highlight_as_markers() {
    let mut t = open();
    t.keys("}");
    assert!(t.marked().contains("|The first wind"), "{}", t.marked());
    t.keys("s");
    assert!(
        t.marked()
            .contains("#[The first wind is a |breeze.]# It cools"),
        "{}",
        t.marked()
    );
    t.keys("m");
    assert!(
        t.marked()
            .contains("«The first wind is a |breeze.» It cools"),
        "{}",
        t.marked()
    );
    let reader = t.app.reader.as_ref().unwrap();
    assert_eq!(
        reader.notes.highlights[0].id, "h0001",
        "ids come from the clock"
    );
    assert_eq!(
        reader.notes.highlights[0].created,
        chrono::DateTime::<chrono::Utc>::UNIX_EPOCH
    );
}

#[test]
fn delete_asks_then_y_deletes_and_u_undoes() {
    let mut t = open();
    t.keys("} s m d");
    assert!(matches!(t.app.question(), Some(Confirm::Delete(_))));
    assert!(
        t.status().contains("delete the highlight"),
        "{}",
        t.status()
    );
    t.keys("n");
    assert!(matches!(t.app.mode, Mode::Browse));
    assert_eq!(
        t.app.reader.as_ref().unwrap().notes.count(),
        1,
        "n keeps it"
    );
    t.keys("d y");
    assert_eq!(t.app.reader.as_ref().unwrap().notes.count(), 0);
    assert!(!t.marked().contains('«'));
    t.keys("u");
    assert_eq!(t.app.reader.as_ref().unwrap().notes.count(), 1);
    assert!(t.marked().contains("«The first wind is a |breeze.»"));
}

#[test]
fn the_answer_keys_can_be_rebound() {
    let mut keys = KeyConfig::default();
    keys.confirm.insert("o".into(), Action::Yes);
    keys.confirm.insert("y".into(), Action::No);
    let mut t = TestApp::with_keys(100, 20, keys);
    t.keys("enter } s m d y");
    assert_eq!(
        t.app.reader.as_ref().unwrap().notes.count(),
        1,
        "y is no now"
    );
    t.keys("d o");
    assert_eq!(t.app.reader.as_ref().unwrap().notes.count(), 0, "o is yes");
}

#[test]
fn typing_in_the_search_field_never_runs_global_keys() {
    let mut t = open();
    t.keys("/");
    t.type_text("q?zephyr");
    assert!(!t.app.quit);
    assert_eq!(t.app.field().map(|f| f.text.as_str()), Some("q?zephyr"));
    t.keys("ctrl-u");
    t.type_text("zephyr");
    t.keys("enter");
    assert!(matches!(t.app.mode, Mode::Browse));
    assert!(t.status().contains("match 1/2"), "{}", t.status());
}

#[test]
fn the_search_field_keys_can_be_rebound() {
    let mut keys = KeyConfig::default();
    keys.input.insert("ctrl-j".into(), Action::Submit);
    keys.input.insert("enter".into(), Action::ClearText);
    let mut t = TestApp::with_keys(100, 20, keys);
    t.keys("enter /");
    t.type_text("zephyr");
    t.keys("enter");
    assert_eq!(t.app.field().map(|f| f.text.as_str()), Some(""));
    t.type_text("zephyr");
    t.keys("ctrl-j");
    assert!(t.app.field().is_none());
    assert!(t.app.reader.as_ref().unwrap().search.is_some());
}

#[test]
fn help_scrolls_with_its_keys_and_closes_on_any_other() {
    let mut t = TestApp::new(80, 200);
    t.keys("?");
    assert!(matches!(t.app.mode, Mode::Help { scroll: 0 }));
    t.keys("j j");
    assert!(matches!(t.app.mode, Mode::Help { scroll: 2 }));
    assert!(
        t.text().contains("Questions (y/n)"),
        "the help lists the modes"
    );
    t.keys("x");
    assert!(matches!(t.app.mode, Mode::Browse));
    assert!(!t.app.quit, "x only closed the help");
}

#[test]
fn the_help_lists_the_editor_keys_questions_and_mouse() {
    // Tall enough for the whole help, every mode's table included.
    let mut t = TestApp::new(80, 400);
    t.keys("?");
    let text = t.text();
    for needle in [
        "Note editor",
        "save the note",
        "Ctrl-s",
        "yes: delete, quit, reload or discard as asked",
        "Mouse",
        "select text in the reader",
        "keep a filter, run a search, jump to a heading",
        "Terminal",
        "Ctrl-z",
        "suspend gloss to the shell",
    ] {
        assert!(text.contains(needle), "{needle} missing:\n{text}");
    }
}

#[test]
fn the_note_editor_saves_with_its_rebound_key() {
    let mut keys = KeyConfig::default();
    keys.editor.insert("f2".into(), Action::SaveNote);
    keys.editor.insert("ctrl-s".into(), Action::Back);
    let mut t = TestApp::with_keys(100, 20, keys);
    t.keys("enter } s enter");
    assert!(t.app.note_editor().is_some());
    assert!(
        t.text().contains("F2 save"),
        "editor hints follow the keymap"
    );
    t.type_text("windy #weather");
    t.keys("f2");
    assert!(t.app.note_editor().is_none());
    let reader = t.app.reader.as_ref().unwrap();
    assert_eq!(reader.notes.highlights[0].note, "windy #weather");
    assert_eq!(reader.notes.highlights[0].tags, ["weather"]);
}

#[test]
fn the_editor_discard_question_takes_the_confirm_keys() {
    let mut t = open();
    t.keys("} s enter");
    t.type_text("draft");
    t.keys("esc");
    assert!(t.text().contains("Discard changes? y/n"));
    t.keys("x");
    assert!(t.app.note_editor().is_some(), "a stray key decides nothing");
    t.keys("n");
    assert_eq!(
        t.app.note_editor().map(|(e, _)| e.text()),
        Some("draft".into())
    );
    t.keys("esc y");
    assert!(t.app.note_editor().is_none());
    assert_eq!(
        t.app.reader.as_ref().unwrap().notes.count(),
        0,
        "the highlight made for the note goes with it"
    );
}

#[test]
fn panel_and_its_filter_use_their_tables() {
    let mut t = open();
    t.keys("} s m } s 2 a");
    assert!(t.app.panel().is_some());
    assert!(t.text().contains("Enter jump"), "{}", t.text());
    t.keys("/");
    t.type_text("zeph");
    assert_eq!(t.app.panel().unwrap().filter, "zeph");
    assert!(
        t.status()
            .contains("type to filter · Enter keep · Esc clear")
    );
    t.keys("enter");
    assert!(!t.app.panel().unwrap().filtering);
    t.keys("esc esc");
    assert!(
        t.app.panel().is_none(),
        "Esc clears the filter, then closes"
    );
}

#[test]
fn hints_follow_rebound_keys() {
    let mut keys = KeyConfig::default();
    keys.reader.insert("x".into(), Action::Select);
    keys.reader.insert("v".into(), Action::Copy);
    keys.reader.insert("z".into(), Action::Highlight);
    keys.list.insert("o".into(), Action::OpenArticle);
    keys.panel.insert("J".into(), Action::OpenArticle);
    let mut t = TestApp::with_keys(100, 20, keys);
    assert!(t.status().contains("o open"), "{}", t.status());
    t.keys("o");
    let status = t.status();
    assert!(status.contains("x select"), "{status}");
    assert!(!status.contains("v select"), "{status}");
    t.keys("x w");
    let status = t.status();
    assert!(status.contains("z highlight"), "{status}");
    t.keys("z a");
    let text = t.text();
    assert!(text.contains("J jump"), "panel hints: {text}");
}

#[test]
fn a_question_from_a_text_field_gives_the_field_back() {
    let mut t = open();
    t.keys("/");
    t.type_text("zep");
    t.keys("ctrl-c");
    assert!(matches!(t.app.question(), Some(Confirm::Quit)));
    t.keys("n");
    assert_eq!(t.app.field().map(|f| f.text.as_str()), Some("zep"));
}

#[test]
fn styled_search_matches() {
    let mut t = open();
    t.keys("/");
    t.type_text("zephyr");
    t.keys("enter");
    insta::assert_snapshot!(t.styled());
}

#[test]
fn styled_highlight_cursor_and_selection() {
    let mut t = open();
    t.keys("} s m } w v w w");
    insta::assert_snapshot!(t.styled());
}

#[test]
fn a_drag_in_the_reader_is_a_message_that_selects() {
    use gloss::app::{Msg, Pointer};
    let mut t = open();
    let text = t.app.areas().text;
    // Row 3 of the text shows "The first wind is a breeze. ..." (title,
    // its underline, blank line, paragraph).
    let row = text.y + 3;
    t.app.update(Msg::Mouse(Pointer::Press {
        column: text.x,
        row,
    }));
    t.app.update(Msg::Mouse(Pointer::Drag {
        column: text.x + 10,
        row,
    }));
    assert!(t.marked().contains("#[The first |wind]#"), "{}", t.marked());
    t.app.update(Msg::Mouse(Pointer::Release));
    assert!(
        t.marked().contains("#[The first |wind]#"),
        "a drag stays selected"
    );
    t.app.update(Msg::Mouse(Pointer::Press {
        column: text.x,
        row,
    }));
    t.app.update(Msg::Mouse(Pointer::Release));
    assert!(!t.marked().contains("#["), "a click alone selects nothing");
}

#[test]
fn resize_and_paste_are_messages_too() {
    use gloss::app::Msg;
    let mut t = open();
    t.app.update(Msg::Resize {
        width: 60,
        height: 12,
    });
    assert_eq!(t.app.screen.width, 60);
    t.keys("/");
    t.app.update(Msg::Paste("zep\u{1b}hyr".into()));
    assert_eq!(
        t.app.field().map(|f| f.text.as_str()),
        Some("zephyr"),
        "control characters are dropped from a paste"
    );
}

/// A terminal sends Esc and a key typed right after it as one Alt-key: where
/// Alt-key means nothing, gloss takes it as the two keys (the panel closes
/// and `q` quits, as typed).
#[test]
fn esc_then_a_key_read_as_one_alt_key_is_taken_as_both() {
    let mut t = open();
    t.keys("} s m a");
    assert!(t.app.panel().is_some());
    t.keys("alt-q");
    assert!(t.app.panel().is_none(), "Esc closed the panel");
    assert!(t.app.quit, "then q quit");
}

#[test]
fn the_note_editor_shows_its_first_lines_again_after_a_tiny_terminal() {
    let mut t = TestApp::new(80, 24);
    t.keys("enter } s enter");
    assert!(t.app.note_editor().is_some());
    let words: Vec<String> = (1..=24).map(|i| format!("word{i:02}")).collect();
    t.type_text(&words.join(" "));
    assert!(t.text().contains("word01"));
    t.resize(10, 5);
    let _ = t.text();
    t.resize(80, 24);
    let screen = t.text();
    assert!(screen.contains("word01"), "{screen}");
    assert!(screen.contains("word24"), "{screen}");
    // The cursor stayed at the end: typing goes on there.
    t.type_text(" end");
    let note = t.app.note_editor().unwrap().0.text();
    assert!(note.ends_with("word24 end"), "{note}");
}

#[test]
fn the_jump_to_a_searched_word_moves_the_percentage_and_the_saved_place() {
    let mut body = String::from("# Long\n\n");
    for i in 0..300 {
        body.push_str(&format!("Paragraph {i} of ordinary filler text.\n\n"));
    }
    body.push_str("The quokka waits at the very end.\n");
    let mut t = TestApp::with_articles(80, 24, &[("long.md", &body)]);
    t.keys("enter");
    assert!(t.app.progress_of(gloss::app::ArticleId(0)).unwrap_or(0.0) < 0.1);
    t.keys("/");
    t.type_text("quokka");
    t.keys("enter");
    // Right after the jump, before any other key: the list's figure and
    // the saved position say the reader is near the end.
    let progress = t.app.progress_of(gloss::app::ArticleId(0)).unwrap();
    assert!(progress > 0.9, "{progress}");
    assert!(
        t.effects
            .iter()
            .any(|e| matches!(e, gloss::app::Effect::SavePosition { .. })),
        "no position saved"
    );
}

#[test]
fn esc_after_a_search_clears_its_marks_before_leaving_the_reader() {
    let mut t = open();
    t.keys("/");
    t.type_text("zephyr");
    t.keys("enter");
    assert!(t.app.reader.as_ref().unwrap().search.is_some());
    t.keys("esc");
    assert!(
        t.app.reader.as_ref().unwrap().search.is_none(),
        "marks gone"
    );
    assert!(t.status().contains("search cleared"), "{}", t.status());
    assert_eq!(t.app.focus, gloss::app::Focus::Reader, "still reading");
    t.keys("esc");
    assert_eq!(t.app.focus, gloss::app::Focus::List);
}
