//! Random sequences of actions, keys, resizes, pastes and quits over the
//! fixture articles (often with the note editor open), drawing every frame,
//! sometimes into a terminal whose size already changed again: whatever a user
//! does, gloss must not panic.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use gloss::app::notes::Notes;
use gloss::app::{App, Effect};
use gloss::config::Config;
use gloss::document::ParseOptions;
use gloss::keymap::{Action, Keymap};
use gloss::library;
use proptest::prelude::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const ACTIONS: &[Action] = &[
    Action::Help,
    Action::SwitchFocus,
    Action::ListDown,
    Action::ListUp,
    Action::ListFirst,
    Action::ListLast,
    Action::OpenArticle,
    Action::ScrollDown,
    Action::ScrollUp,
    Action::PageDown,
    Action::PageUp,
    Action::HalfPageDown,
    Action::HalfPageUp,
    Action::Top,
    Action::Bottom,
    Action::NextParagraph,
    Action::PrevParagraph,
    Action::NextHeading,
    Action::PrevHeading,
    Action::Outline,
    Action::ToggleList,
    Action::FilterList,
    Action::SearchNext,
    Action::SearchPrev,
    Action::Back,
    Action::WordNext,
    Action::WordPrev,
    Action::WordEnd,
    Action::SentenceNext,
    Action::SentencePrev,
    Action::Select,
    Action::SelectSentence,
    Action::SelectParagraph,
    Action::Highlight,
    Action::Color1,
    Action::Color3,
    Action::Color5,
    Action::Annotate,
    Action::Copy,
    Action::ChangeColor,
    Action::Delete,
    Action::Undo,
    Action::NextHighlight,
    Action::PrevHighlight,
    Action::ToggleNotes,
    Action::Reattach,
    Action::Panel,
];

#[derive(Debug, Clone)]
enum Step {
    Act(usize),
    Key(char),
    Esc,
    Enter,
    Resize(u16, u16),
    Click(u16, u16),
    Drag(u16, u16),
    Search(String),
    /// The app is told one size while the terminal is already another.
    StaleResize(u16, u16, u16, u16),
    Paste(String),
    /// `q` or `Ctrl-c`, as a quitting user presses them.
    Quit(bool),
    /// Select the sentence and open the note editor on it.
    OpenEditor,
    /// Ctrl + a letter (Ctrl-s saves a note, Ctrl-u clears a field...).
    Ctrl(char),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        6 => (0..ACTIONS.len()).prop_map(Step::Act),
        2 => proptest::char::range(' ', '~').prop_map(Step::Key),
        1 => Just(Step::Esc),
        1 => Just(Step::Enter),
        1 => (1u16..130, 1u16..50).prop_map(|(w, h)| Step::Resize(w, h)),
        1 => (0u16..130, 0u16..50).prop_map(|(x, y)| Step::Click(x, y)),
        1 => (0u16..130, 0u16..50).prop_map(|(x, y)| Step::Drag(x, y)),
        1 => "[a-z ]{0,6}".prop_map(Step::Search),
        1 => (1u16..300, 1u16..120, 1u16..300, 1u16..120)
            .prop_map(|(w, h, tw, th)| Step::StaleResize(w, h, tw, th)),
        1 => "[a-z #\n\t\x1b]{0,40}".prop_map(Step::Paste),
        1 => any::<bool>().prop_map(Step::Quit),
        1 => Just(Step::OpenEditor),
        1 => proptest::sample::select(vec!['s', 'c', 'u', 'e', 'z']).prop_map(Step::Ctrl),
    ]
}

/// Carries out the effects that matter to the screen, as the runtime would.
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

fn mouse(kind: MouseEventKind, x: u16, y: u16) -> MouseEvent {
    MouseEvent {
        kind,
        column: x,
        row: y,
        modifiers: KeyModifiers::NONE,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn no_sequence_of_inputs_panics(steps in proptest::collection::vec(step(), 1..60)) {
        let scan = library::scan(&[support::fixtures().join("library")]);
        let mut app = App::new(Config::default(), Keymap::default(), scan);
        app.resize(80, 24);
        let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
        for s in steps {
            let effects = match s {
                Step::Act(i) => app.update(ACTIONS[i]),
                Step::Key(c) => app.on_key(KeyEvent::from(KeyCode::Char(c))),
                Step::Esc => app.on_key(KeyEvent::from(KeyCode::Esc)),
                Step::Enter => app.on_key(KeyEvent::from(KeyCode::Enter)),
                Step::Resize(w, h) => {
                    app.resize(w, h);
                    terminal.backend_mut().resize(w, h);
                    Vec::new()
                }
                Step::Click(x, y) => app.on_mouse(mouse(MouseEventKind::Down(MouseButton::Left), x, y)),
                Step::Drag(x, y) => app.on_mouse(mouse(MouseEventKind::Drag(MouseButton::Left), x, y)),
                Step::StaleResize(w, h, tw, th) => {
                    app.resize(w, h);
                    terminal.backend_mut().resize(tw, th);
                    Vec::new()
                }
                Step::Paste(text) => {
                    app.on_paste(&text);
                    Vec::new()
                }
                Step::Quit(ctrl) => {
                    let key = if ctrl {
                        KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)
                    } else {
                        KeyEvent::from(KeyCode::Char('q'))
                    };
                    app.quit = false;
                    let had_editor = app.note_editor().is_some();
                    let effects = app.on_key(key);
                    // A note being typed is never dropped by a quit key.
                    prop_assert!(!had_editor || app.note_editor().is_some() || !app.quit);
                    app.quit = false;
                    effects
                }
                Step::OpenEditor => {
                    let mut effects = app.update(Action::SelectSentence);
                    effects.extend(app.update(Action::Annotate));
                    effects
                }
                Step::Ctrl(c) => app.on_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)),
                Step::Search(q) => {
                    if let Some(reader) = &mut app.reader {
                        reader.search(&q);
                    }
                    Vec::new()
                }
            };
            run(&mut app, effects);
            terminal.draw(|f| gloss::ui::draw(f, &app)).expect("draw");
        }
    }
}
