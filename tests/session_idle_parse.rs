//! `gloss open FILE` on a large article: the rest of the article is parsed
//! in the moments no key is waiting, from the moment it opens. The runtime
//! sends `Msg::Idle` whenever its poll finds no input; here the test sends
//! them itself, with no key and no real time.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly

use std::fs;
use std::path::Path;

use gloss::app::{App, Effect, Mode, Msg};
use gloss::config::Config;
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
    assert!(s.app.has_idle_work());

    // No key: only the idle moments between (absent) keys.
    let mut ticks = 0;
    while s.app.has_idle_work() {
        let effects = s.app.update(Msg::Idle);
        assert!(
            effects.is_empty(),
            "idle parsing asks nothing of the session"
        );
        ticks += 1;
        assert!(ticks < 10_000, "idle parsing makes no progress");
    }
    assert!(
        ticks > 1,
        "parsed in steps, so keys are answered in between"
    );

    let reader = s.app.reader.as_ref().unwrap();
    assert!(reader.doc.is_complete());
    assert!(reader.doc.text().ends_with("The very last words."));
    assert_eq!(reader.top, Default::default(), "the view did not move");
    assert!(matches!(s.app.mode, Mode::Browse));

    // The end is now there for G without parsing anything more.
    s.app.update(Action::Bottom);
    let reader = s.app.reader.as_mut().unwrap();
    let shown: String = reader
        .visible()
        .into_iter()
        .filter_map(|pos| reader.layout().and_then(|l| l.line(pos)).cloned())
        .map(|line| reader.doc.slice(line.range).to_string())
        .collect();
    assert!(shown.contains("The very last words"), "{shown}");
}

#[test]
fn a_short_article_leaves_nothing_for_idle_time() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(dir.path(), "# Short\n\nOne paragraph.\n");
    assert!(s.app.reader.as_ref().unwrap().doc.is_complete());
    assert!(!s.app.has_idle_work(), "the runtime can wait for keys");
}
