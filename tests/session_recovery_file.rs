//! A recovery file gloss cannot read (broken, or written by a newer gloss)
//! holds someone's work: session-level tests (no terminal) that it is never
//! removed or overwritten, whether the session ends with nothing to keep or
//! with a note being typed, and that new work still reaches the recovery file.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly

use std::fs;
use std::path::{Path, PathBuf};

use gloss::app::{App, Effect};
use gloss::config::Config;
use gloss::keymap::{Action, Keymap};
use gloss::library;
use gloss::session::{Kept, Outcome, Session, Setup};

const ARTICLE: &str = "# Kept\n\nThe first sentence is here. The second sentence follows it.\n";

const BROKEN: &str = "version = 1\n[[drafts]\ntext = \"PRECIOUS\"\n";
const NEWER: &str = "version = 2\n[[drafts]]\ntext = \"PRECIOUS\"\nmood = \"from the future\"\n";

struct World {
    _dir: tempfile::TempDir,
    data: PathBuf,
    article: PathBuf,
}

fn world(recovery: &str) -> World {
    let dir = tempfile::tempdir().unwrap();
    let article = dir.path().join("kept.md");
    fs::write(&article, ARTICLE).unwrap();
    let data = dir.path().join("data");
    fs::create_dir_all(&data).unwrap();
    fs::write(data.join("recovery.toml"), recovery).unwrap();
    World {
        data,
        article,
        _dir: dir,
    }
}

fn session(world: &World) -> Session {
    let scan = library::scan(std::slice::from_ref(&world.article));
    let mut app = App::new(Config::default(), Keymap::default(), scan);
    app.resize(100, 30);
    Session::start(app, Setup::new(&world.data, u64::MAX))
}

fn run(session: &mut Session, effects: Vec<Effect>) {
    for effect in effects {
        match session.carry_out(effect) {
            Outcome::Done(more) => run(session, more),
            Outcome::NeedsTerminal(e) => panic!("unexpected terminal effect {e:?}"),
        }
    }
    session.sync_recovery();
}

fn message(session: &Session) -> String {
    session
        .app
        .message
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default()
}

fn recovery_files(data: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(data)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("recovery"))
        .collect();
    names.sort();
    names
}

#[test]
fn an_unreadable_recovery_file_survives_a_session_that_keeps_nothing() {
    for content in [BROKEN, NEWER] {
        let w = world(content);
        let mut s = session(&w);
        let said = message(&s);
        assert!(said.contains("left untouched"), "{said}");
        run(&mut s, vec![Effect::Open(gloss::app::ArticleId(0))]);
        let effects = s.app.update(Action::ScrollDown);
        run(&mut s, effects);
        let effects = s.app.update(Action::Quit);
        run(&mut s, effects);
        assert!(matches!(s.finish(), Kept::Nothing));
        assert_eq!(
            fs::read_to_string(w.data.join("recovery.toml")).unwrap(),
            content,
            "the file the status bar called untouched is untouched"
        );
        assert_eq!(recovery_files(&w.data), ["recovery.toml"]);
    }
}

#[test]
fn a_note_typed_beside_an_unreadable_recovery_file_moves_it_aside_not_over() {
    for content in [BROKEN, NEWER] {
        let w = world(content);
        let mut s = session(&w);
        run(&mut s, vec![Effect::Open(gloss::app::ArticleId(0))]);
        let mut effects = s.app.update(Action::SelectSentence);
        effects.extend(s.app.update(Action::Annotate));
        run(&mut s, effects);
        assert!(s.app.note_editor().is_some(), "{}", message(&s));
        s.app.on_paste("a new thought");
        s.sync_recovery();
        // A signal ends the session as finish does.
        let kept = s.finish();
        assert!(
            matches!(kept, Kept::InRecovery { drafts: 1, .. }),
            "{kept:?}"
        );
        assert_eq!(
            recovery_files(&w.data),
            ["recovery.toml", "recovery.unreadable-1.toml"]
        );
        assert_eq!(
            fs::read_to_string(w.data.join("recovery.unreadable-1.toml")).unwrap(),
            content
        );
        let new = fs::read_to_string(w.data.join("recovery.toml")).unwrap();
        assert!(new.contains("a new thought"), "{new}");

        // A second unreadable file later gets the next free name.
        fs::write(w.data.join("recovery.toml"), content).unwrap();
        let mut s = session(&w);
        run(&mut s, vec![Effect::Open(gloss::app::ArticleId(0))]);
        let mut effects = s.app.update(Action::SelectSentence);
        effects.extend(s.app.update(Action::Annotate));
        run(&mut s, effects);
        s.app.on_paste("another");
        s.sync_recovery();
        s.finish();
        assert_eq!(
            recovery_files(&w.data),
            [
                "recovery.toml",
                "recovery.unreadable-1.toml",
                "recovery.unreadable-2.toml"
            ]
        );
        assert_eq!(
            fs::read_to_string(w.data.join("recovery.unreadable-2.toml")).unwrap(),
            content
        );
    }
}
