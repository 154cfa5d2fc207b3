//! Whole frames drawn into ratatui's TestBackend and compared with insta
//! snapshots: the list and reader at two sizes, search (with its styled
//! cells, since matches are only visible as styles), and the help overlay.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;
mod testapp;

use gloss::app::{App, Effect};
use gloss::config::Config;
use gloss::document::ParseOptions;
use gloss::keymap::{Action, Keymap};
use gloss::library;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// An app over the fixture library, sized to `w` x `h`.
fn app(w: u16, h: u16) -> App {
    let scan = library::scan(&[support::fixtures().join("library")]);
    let mut app = App::new(Config::default(), Keymap::default(), scan);
    app.resize(w, h);
    app
}

/// Runs actions, carrying out `Open` effects the way the runtime does.
fn act(app: &mut App, actions: &[Action]) {
    for &action in actions {
        for effect in app.update(action) {
            if let Effect::Open(i) = effect {
                let loaded = library::load(&app.list.articles[i.0].source).expect("fixture loads");
                let doc = loaded.document(ParseOptions::default());
                let _ = app.show_article(i, doc, gloss::app::notes::Notes::default(), None);
            }
        }
    }
}

fn frame(app: &App) -> TestBackend {
    let (w, h) = (app.screen.width, app.screen.height);
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    terminal.draw(|f| gloss::ui::draw(f, app)).expect("draw");
    terminal.backend().clone()
}

#[test]
fn list_and_reader_wide() {
    let mut app = app(100, 24);
    act(&mut app, &[Action::OpenArticle]);
    insta::assert_snapshot!(frame(&app));
}

#[test]
fn list_and_reader_narrow_scrolled() {
    let mut app = app(50, 16);
    act(
        &mut app,
        &[Action::ListDown, Action::OpenArticle, Action::PageDown],
    );
    insta::assert_snapshot!(frame(&app));
}

#[test]
fn help_overlay() {
    let mut app = app(80, 30);
    act(&mut app, &[Action::Help]);
    insta::assert_snapshot!(frame(&app));
}

#[test]
fn help_overlay_80x24() {
    let mut app = app(80, 24);
    act(&mut app, &[Action::Help]);
    insta::assert_snapshot!(frame(&app));
}

#[test]
fn help_overlay_200x60() {
    let mut app = app(200, 60);
    act(&mut app, &[Action::Help]);
    insta::assert_snapshot!(frame(&app));
}

/// The text of every row of `frame`, trimmed.
fn rows(frame: &TestBackend) -> Vec<String> {
    let buffer = frame.buffer();
    (0..buffer.area.height)
        .map(|y| {
            (0..buffer.area.width)
                .map(|x| buffer[(x, y)].symbol())
                .collect::<String>()
        })
        .collect()
}

#[test]
fn every_key_and_whole_description_in_the_help_is_reachable_at_80x24() {
    let mut app = app(80, 24);
    act(&mut app, &[Action::Help]);
    // Scroll to the end, gathering every line shown (inside the border).
    let mut seen: Vec<String> = Vec::new();
    for _ in 0..400 {
        for row in rows(&frame(&app)).iter().skip(2).take(20) {
            let inner: String = row.chars().skip(1).take(78).collect();
            if !seen.contains(&inner) {
                seen.push(inner);
            }
        }
        act(&mut app, &[Action::ScrollDown]);
    }
    let words: String = seen.join(" ");
    let words: Vec<&str> = words.split_whitespace().collect();
    let text = words.join(" ");
    for section in Keymap::default().help() {
        assert!(text.contains(section.title), "{}", section.title);
        for entry in section.entries {
            let description = entry
                .description
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            assert!(
                text.contains(&description),
                "{:?} is cut or missing:\n{}",
                entry.description,
                seen.join("\n")
            );
            assert!(text.contains(&entry.keys), "{}", entry.keys);
        }
    }
}

#[test]
fn search_highlights_matches() {
    let mut app = app(100, 24);
    act(&mut app, &[Action::OpenArticle]);
    if let Some(reader) = &mut app.reader {
        reader.search("zephyr");
    }
    // Styled: the matches are only visible as styles.
    insta::assert_snapshot!(testapp::styled(frame(&app).buffer()));
}

#[test]
fn tiny_terminals_do_not_panic() {
    for (w, h) in [(1, 1), (2, 1), (1, 3), (5, 2), (12, 4), (30, 3)] {
        let mut app = app(w, h);
        act(
            &mut app,
            &[
                Action::OpenArticle,
                Action::PageDown,
                Action::Bottom,
                Action::Help,
            ],
        );
        let _ = frame(&app);
        app.resize(w + 7, h + 3);
        let _ = frame(&app);
    }
}

#[test]
fn highlight_with_note_and_the_note_editor() {
    let mut app = app(100, 24);
    act(&mut app, &[Action::OpenArticle]);
    if let Some(reader) = &mut app.reader {
        reader.search("zephyr");
    }
    act(&mut app, &[Action::SelectSentence, Action::Annotate]);
    assert!(
        app.note_editor().is_some(),
        "Enter on a selection opens the editor"
    );
    for c in "gusty #wind".chars() {
        app.on_key(crossterm::event::KeyEvent::from(
            crossterm::event::KeyCode::Char(c),
        ));
    }
    insta::assert_snapshot!("editor_open", frame(&app));
    let ctrl_s = crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::Char('s'),
        crossterm::event::KeyModifiers::CONTROL,
    );
    let effects = app.on_key(ctrl_s);
    assert!(
        matches!(effects.as_slice(), [Effect::Save { .. }]),
        "{effects:?}"
    );
    // Styled: the new highlight is only visible as a style.
    insta::assert_snapshot!("note_saved", testapp::styled(frame(&app).buffer()));
}
