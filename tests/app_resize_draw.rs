//! Drawing never writes outside the frame it is given, whatever size the app
//! was last told: resizes interleaved with keys, in every mode, at sizes from
//! 1x1 to 500x200, into buffers of the app's size and of other sizes (the
//! terminal may change size between the last resize event and the draw).
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly

mod support;

use crossterm::event::{KeyCode, KeyEvent};
use gloss::app::notes::Notes;
use gloss::app::{App, Effect, Focus};
use gloss::config::Config;
use gloss::document::ParseOptions;
use gloss::keymap::{Action, Keymap};
use gloss::library;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const WIDTHS: &[u16] = &[1, 2, 3, 5, 9, 20, 40, 59, 60, 61, 80, 120, 500];
const HEIGHTS: &[u16] = &[1, 2, 3, 4, 5, 8, 24, 40, 200];

/// Carries out `Open` as the runtime would (no store: empty notes).
fn run(app: &mut App, effects: Vec<Effect>) {
    for effect in effects {
        if let Effect::Open(i) = effect
            && let Ok(loaded) = library::load(&app.list.articles[i.0].source)
        {
            let doc = loaded.document(ParseOptions::default());
            let more = app.show_article(i, doc, Notes::default(), None);
            run(app, more);
        }
    }
}

fn key(c: char) -> KeyEvent {
    KeyEvent::from(KeyCode::Char(c))
}

/// An app over the fixture library with the long article open in the reader.
fn reader_app() -> App {
    let scan = library::scan(&[support::fixtures().join("library")]);
    let mut app = App::new(Config::default(), Keymap::default(), scan);
    app.resize(120, 40);
    let beta = app
        .list
        .articles
        .iter()
        .position(|a| a.title.contains("Beta"))
        .expect("beta fixture");
    app.list.select_article(beta);
    let effects = app.update(Action::OpenArticle);
    run(&mut app, effects);
    assert!(app.reader.is_some(), "the article opened");
    app
}

/// The modes a user can be in, each reached by keys from a fresh app.
fn modes() -> Vec<(&'static str, App)> {
    let mut out = Vec::new();

    let mut list = reader_app();
    list.update(Action::Back);
    assert_eq!(list.focus, Focus::List);
    out.push(("list", list));

    let mut filter = reader_app();
    filter.update(Action::Back);
    filter.update(Action::FilterList);
    for c in "bet".chars() {
        filter.on_key(key(c));
    }
    assert!(filter.field().is_some());
    out.push(("list filter field", filter));

    let mut reader = reader_app();
    for _ in 0..30 {
        reader.on_key(key('j'));
    }
    reader.update(Action::ToggleNotes);
    out.push(("reader", reader));

    let mut selection = reader_app();
    selection.update(Action::SelectParagraph);
    selection.update(Action::NextParagraph);
    assert!(
        selection
            .reader
            .as_ref()
            .is_some_and(|r| r.anchor.is_some())
    );
    out.push(("selection", selection));

    let mut panel = reader_app();
    panel.update(Action::SelectSentence);
    panel.update(Action::Color3);
    panel.update(Action::Panel);
    assert!(panel.panel().is_some());
    out.push(("panel", panel));

    let mut panel_filter = reader_app();
    panel_filter.update(Action::SelectSentence);
    panel_filter.update(Action::Highlight);
    panel_filter.update(Action::Panel);
    panel_filter.on_key(key('/'));
    panel_filter.on_key(key('x'));
    out.push(("panel filter", panel_filter));

    let mut editor = reader_app();
    editor.update(Action::SelectSentence);
    editor.update(Action::Annotate);
    for c in "a note typed while the window changes size".chars() {
        editor.on_key(key(c));
    }
    assert!(editor.note_editor().is_some());
    out.push(("note editor", editor));

    let mut help = reader_app();
    help.update(Action::Help);
    out.push(("help", help));

    let mut search = reader_app();
    search.update(Action::Search);
    for c in "paragraph".chars() {
        search.on_key(key(c));
    }
    assert!(search.field().is_some());
    out.push(("search field", search));

    out
}

fn draw(terminal: &mut Terminal<TestBackend>, app: &App, width: u16, height: u16) {
    terminal.backend_mut().resize(width, height);
    terminal
        .draw(|f| gloss::ui::draw(f, app))
        .expect("draw into the test backend");
}

#[test]
fn every_mode_draws_at_every_size_even_when_the_buffer_differs_from_the_app() {
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    for (mode, mut app) in modes() {
        let mut previous = (120, 40);
        for &w in WIDTHS {
            for &h in HEIGHTS {
                app.resize(w, h);
                // The buffer the app was told about, then the one it was told
                // about before (the terminal changed size again meanwhile),
                // then the case: told 120x40, drawn into 80x24.
                draw(&mut terminal, &app, w, h);
                draw(&mut terminal, &app, previous.0, previous.1);
                app.resize(120, 40);
                draw(&mut terminal, &app, 80, 24);
                app.resize(w, h);
                previous = (w, h);
            }
        }
        // Still in the same mode afterwards: the draws changed nothing.
        match mode {
            "note editor" => assert!(app.note_editor().is_some()),
            "search field" | "list filter field" => assert!(app.field().is_some()),
            "help" => assert!(matches!(app.mode, gloss::app::Mode::Help { .. })),
            "panel" | "panel filter" => assert!(app.panel().is_some()),
            _ => {}
        }
    }
}

#[test]
fn keys_between_resizes_and_stale_draws_do_not_panic_in_any_mode() {
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    let sizes: Vec<(u16, u16)> = WIDTHS
        .iter()
        .zip(HEIGHTS.iter().cycle())
        .map(|(&w, &h)| (w, h))
        .collect();
    for (mode, mut app) in modes() {
        for (i, &(w, h)) in sizes.iter().enumerate() {
            // The resize event arrives, keys arrive, and the terminal is
            // already at the next size when the frame is drawn.
            app.resize(w, h);
            let keys: &[KeyEvent] = &[
                key('j'),
                KeyEvent::from(KeyCode::Down),
                key('x'),
                KeyEvent::from(KeyCode::PageDown),
                key('k'),
            ];
            for k in keys {
                let effects = app.on_key(*k);
                run(&mut app, effects);
            }
            let (nw, nh) = sizes[(i + 1) % sizes.len()];
            draw(&mut terminal, &app, nw, nh);
        }
        if mode == "note editor" {
            let (editor, _) = app.note_editor().expect("the editor stays open");
            // The keys typed in between went into the note too (the arrows
            // moved its cursor); without them the note is intact.
            let typed: String = editor
                .text()
                .chars()
                .filter(|c| !matches!(c, 'j' | 'k' | 'x'))
                .collect();
            assert_eq!(typed, "a note typed while the window changes size");
        }
    }
}

#[test]
fn reader_told_120x40_drawn_at_80x24_while_scrolling() {
    // The trace: a resize to 80x24 lands while `j` is held at 120x40.
    let mut app = reader_app();
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    for _ in 0..40 {
        app.on_key(key('j'));
        draw(&mut terminal, &app, 80, 24);
    }
    let screen: String = terminal
        .backend()
        .buffer()
        .content()
        .iter()
        .map(|c| c.symbol())
        .collect();
    assert!(
        screen.contains("Paragraph"),
        "the article is drawn: {screen}"
    );
}
