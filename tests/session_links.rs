//! The session's side of links: the opener (a recording one here, so no
//! browser starts) never gets a URL whose scheme runs code, nor an unusual
//! one without a yes; a linked file is resolved against the article's
//! folder, must be a regular file, and is added to the list for the session
//! only; a file gloss does not read goes to the opener as an absolute path.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly

use std::path::Path;
use std::sync::{Arc, Mutex};

use gloss::app::{App, Effect};
use gloss::config::Config;
use gloss::keymap::Keymap;
use gloss::library;
use gloss::opener::Opener;
use gloss::session::{Outcome, Session, Setup};

/// Writes down what it was asked to open and starts nothing.
struct Recording(Arc<Mutex<Vec<String>>>);

impl Opener for Recording {
    fn open(&mut self, url: &str) -> Result<String, String> {
        self.0.lock().unwrap().push(url.to_string());
        Ok("recorder".into())
    }
}

fn start(dir: &Path) -> (Session, Arc<Mutex<Vec<String>>>) {
    let index = dir.join("index.md");
    std::fs::write(
        &index,
        "# Index\n\nSee [a](sub/a.md) and [the logo](logo.png).\n",
    )
    .unwrap();
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::write(dir.join("sub/a.md"), "# A\n\nText of a.\n").unwrap();
    std::fs::write(dir.join("logo.png"), [0x89, b'P', b'N', b'G', 0]).unwrap();
    std::fs::write(dir.join("bin.md"), [b'#', 0, 1, 2]).unwrap();
    let mut app = App::new(
        Config::default(),
        Keymap::default(),
        library::scan(&[index]),
    );
    app.resize(100, 30);
    let opened = Arc::new(Mutex::new(Vec::new()));
    let mut setup = Setup::new(&dir.join("data"), u64::MAX);
    setup.opener = Box::new(Recording(Arc::clone(&opened)));
    let mut session = Session::start(app, setup);
    run(&mut session, vec![Effect::Open(gloss::app::ArticleId(0))]);
    (session, opened)
}

fn run(session: &mut Session, effects: Vec<Effect>) {
    for effect in effects {
        if let Outcome::Done(more) = session.carry_out(effect) {
            run(session, more);
        }
    }
}

fn status(session: &Session) -> String {
    session
        .app
        .message
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default()
}

#[test]
fn the_opener_never_runs_for_a_scheme_that_runs_code_even_after_a_yes() {
    let dir = tempfile::tempdir().unwrap();
    let (mut s, opened) = start(dir.path());
    for url in [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "vbscript:msgbox",
        "data:text/html,<script>x</script>",
    ] {
        for confirmed in [false, true] {
            run(
                &mut s,
                vec![Effect::OpenUrl {
                    url: url.into(),
                    confirmed,
                }],
            );
            assert!(status(&s).starts_with("not opened"), "{}", status(&s));
        }
    }
    // An unusual scheme needs the yes.
    run(
        &mut s,
        vec![Effect::OpenUrl {
            url: "gopher://x".into(),
            confirmed: false,
        }],
    );
    assert!(opened.lock().unwrap().is_empty(), "{:?}", opened.lock());
    run(
        &mut s,
        vec![Effect::OpenUrl {
            url: "gopher://x".into(),
            confirmed: true,
        }],
    );
    run(
        &mut s,
        vec![Effect::OpenUrl {
            url: "https://example.com".into(),
            confirmed: false,
        }],
    );
    assert_eq!(
        *opened.lock().unwrap(),
        vec!["gopher://x".to_string(), "https://example.com".into()]
    );
    assert!(status(&s).contains("with recorder"), "{}", status(&s));
}

fn follow(s: &mut Session, path: &str) {
    let from = gloss::app::links::Place {
        article: s.app.reader.as_ref().unwrap().article,
        top: Default::default(),
        top_offset: 0,
        cursor: 0,
        width: 60,
    };
    run(
        s,
        vec![Effect::FollowFile {
            from,
            path: path.into(),
            fragment: None,
        }],
    );
}

#[test]
fn a_linked_file_is_resolved_against_the_articles_folder_and_added_for_the_session() {
    let dir = tempfile::tempdir().unwrap();
    let (mut s, opened) = start(dir.path());
    follow(&mut s, "sub/a.md");
    let reader = s.app.reader.as_ref().unwrap();
    assert_eq!(s.app.list.article(reader.article).unwrap().title, "A");
    assert_eq!(s.app.list.articles.len(), 2);
    assert_eq!(s.app.links.back.len(), 1);
    // From sub/a.md, ../logo.png is the index's neighbour: not read by
    // gloss, given to the opener as an absolute path.
    follow(&mut s, "../logo.png");
    let got = opened.lock().unwrap().clone();
    assert_eq!(got.len(), 1);
    assert!(Path::new(&got[0]).is_absolute());
    assert!(got[0].ends_with("logo.png"), "{got:?}");
    // A binary file with a text extension is refused with the reason.
    follow(&mut s, "../bin.md");
    assert!(status(&s).contains("bin.md"), "{}", status(&s));
    assert_eq!(s.app.list.articles.len(), 2);
    // A folder and a missing file are refused too; nothing is left behind.
    follow(&mut s, "..");
    assert!(
        status(&s).contains("a folder, not a file"),
        "{}",
        status(&s)
    );
    follow(&mut s, "../missing.md");
    assert!(status(&s).contains("missing.md"), "{}", status(&s));
    assert_eq!(s.app.links.back.len(), 1);
    assert_eq!(
        s.app
            .list
            .article(s.app.reader.as_ref().unwrap().article)
            .unwrap()
            .title,
        "A"
    );
}
