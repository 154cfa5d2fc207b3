//! The daily review through the session (no terminal): highlights saved on
//! one simulated day come back the next, answers are scheduled by FSRS and
//! written to the review files, the list's status line counts what is due,
//! the daily limit and the left-out tags and colours hold, a note edited in
//! the review reaches the notes file, and Enter opens the article at the
//! highlight. The clock is a fixed one set to noon of each simulated day.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly

use std::fs;
use std::path::{Path, PathBuf};

use chrono::{DateTime, TimeZone, Utc};
use gloss::annotations::{Anchor, Highlight, Op, Store, fingerprint};
use gloss::app::clock::FixedClock;
use gloss::app::{App, Effect, Mode};
use gloss::config::{Config, ReviewConfig};
use gloss::document::{Document, ParseOptions};
use gloss::keymap::{Action, Keymap};
use gloss::library::{self, Source};
use gloss::review::{Answer, ReviewStore};
use gloss::session::{Outcome, Session, Setup};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const ALPHA: &str = "# Alpha Notes\n\nThe first paragraph sets the scene. A patient reader keeps what matters. The rest is detail.\n\nAnother paragraph closes it.\n";
const BETA: &str =
    "# Beta Report\n\nHarbour dredging stalled in May. The council blamed the weather.\n";

struct World {
    _dir: tempfile::TempDir,
    lib: PathBuf,
    data: PathBuf,
}

fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("lib");
    fs::create_dir_all(&lib).unwrap();
    fs::write(lib.join("alpha.md"), ALPHA).unwrap();
    fs::write(lib.join("beta.md"), BETA).unwrap();
    let lib = fs::canonicalize(lib).unwrap();
    let data = dir.path().join("data");
    World {
        _dir: dir,
        lib,
        data,
    }
}

/// Noon UTC on day `d` of March 2026.
fn noon(d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, d, 12, 0, 0).unwrap()
}

/// Saves a highlight of `quote` in `file`, made on day `made`, as the app does.
fn mark(world: &World, file: &str, quote: &str, id: &str, made: u32, color: &str, note: &str) {
    let path = world.lib.join(file);
    let source = Source::File(path.clone());
    let loaded = library::load(&source).unwrap();
    let doc = Document::parse_complete(&loaded.text, loaded.format, ParseOptions::default());
    let record = gloss::annotations::ArticleRecord {
        title: doc.meta().title.clone().unwrap_or_default(),
        path: path.display().to_string(),
        fingerprint: fingerprint(&loaded.text),
        ..Default::default()
    };
    let text = doc.text();
    let start = text.find(quote).unwrap();
    let highlight = Highlight {
        via: None,
        id: id.into(),
        created: noon(made),
        updated: noon(made),
        color: color.into(),
        tags: gloss::app::note_editor::tags_from_note(note),
        note: note.into(),
        orphaned: false,
        anchor: Anchor::from_range(text, start..start + quote.len()),
    };
    let store = Store::new(&world.data);
    let found = store.find(&path, &record.fingerprint).unwrap();
    store
        .apply(
            found.as_ref().map(|f| f.file.as_path()),
            &record,
            &[Op::Upsert(highlight)],
        )
        .unwrap();
}

fn session_on(world: &World, day: u32, config: Config) -> Session {
    let scan = library::scan(std::slice::from_ref(&world.lib));
    let mut app = App::new(config, Keymap::default(), scan).with_clock(FixedClock::new(noon(day)));
    app.resize(100, 30);
    Session::start(app, Setup::new(&world.data, u64::MAX))
}

/// The count of highlights due today, once the background count is in.
fn due_count(session: &mut Session) -> Option<usize> {
    while session.jobs_busy() {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    session.collect_jobs();
    session.app.review_due
}

fn run(session: &mut Session, effects: Vec<Effect>) {
    for effect in effects {
        match session.carry_out(effect) {
            Outcome::Done(more) => run(session, more),
            Outcome::NeedsTerminal(e) => panic!("unexpected terminal effect {e:?}"),
        }
    }
}

fn act(session: &mut Session, action: Action) {
    let effects = session.app.update(action);
    run(session, effects);
    // The review is built (and notes reach the mirror) in the background.
    settle(session);
}

/// Waits for the session's background work and takes its results (a
/// bounded number of looks; no time is asserted).
fn settle(session: &mut Session) {
    for _ in 0..4000 {
        session.collect_jobs();
        if !session.jobs_busy() {
            session.collect_jobs();
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    panic!("the background work never ended");
}

/// The text of every Markdown file in `vault`.
fn vault_text(vault: &Path) -> String {
    let mut names: Vec<PathBuf> = fs::read_dir(vault)
        .map(|rd| rd.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    names.sort();
    names
        .iter()
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .map(|p| fs::read_to_string(p).unwrap())
        .collect()
}

fn screen(app: &App) -> String {
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
    terminal.draw(|f| gloss::ui::draw(f, app)).unwrap();
    let buffer = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..buffer.area.height {
        for x in 0..buffer.area.width {
            out.push_str(buffer[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

fn shown_quote(app: &App) -> String {
    app.review()
        .and_then(|r| r.current())
        .map(|i| i.due.highlight.anchor.quote.clone())
        .unwrap_or_default()
}

fn review_files(data: &Path) -> usize {
    fs::read_dir(data.join("review"))
        .map(|rd| {
            rd.flatten()
                .filter(|e| e.path().extension().is_some_and(|x| x == "toml"))
                .count()
        })
        .unwrap_or(0)
}

#[test]
fn a_review_across_three_simulated_days() {
    let world = world();
    mark(
        &world,
        "alpha.md",
        "A patient reader keeps what matters.",
        "h-alpha",
        1,
        "yellow",
        "why it stuck #idea",
    );
    mark(
        &world,
        "beta.md",
        "The council blamed the weather.",
        "h-beta",
        1,
        "green",
        "",
    );

    // Day 1: made today, so nothing is due yet.
    let mut s = session_on(&world, 1, Config::default());
    assert_eq!(due_count(&mut s), Some(0));
    act(&mut s, Action::Review);
    assert!(s.app.review().is_none());
    assert!(
        s.app
            .message
            .as_ref()
            .unwrap()
            .text
            .contains("nothing to review today"),
        "{:?}",
        s.app.message
    );

    // Day 2: both are new and due; the list's status line says so.
    let mut s = session_on(&world, 2, Config::default());
    assert_eq!(due_count(&mut s), Some(2));
    assert!(
        screen(&s.app).contains("2 to review today (D)"),
        "{}",
        screen(&s.app)
    );
    let effects = s.app.on_key(crossterm::event::KeyEvent::from(
        crossterm::event::KeyCode::Char('D'),
    ));
    run(&mut s, effects);
    // The queue is gathered in the background; the screen says so meanwhile.
    assert!(
        screen(&s.app).contains("gathering today's review"),
        "{}",
        screen(&s.app)
    );
    settle(&mut s);
    let review = s.app.review().expect("the review opened");
    assert_eq!(review.total, 2);
    // The oldest first (both made on day 1: by id).
    assert_eq!(shown_quote(&s.app), "A patient reader keeps what matters.");
    let item = review.current().unwrap();
    assert!(item.from_article);
    assert_eq!(item.before, "The first paragraph sets the scene.");
    assert_eq!(item.after, "The rest is detail.");
    let text = screen(&s.app);
    for shown in [
        "Review · 1 of 2 today",
        "Alpha Notes",
        "yellow",
        "A patient reader keeps what matters.",
        "The first paragraph sets the scene.",
        "✎ why it stuck #idea",
        "1 again/soon",
        "Enter open",
    ] {
        assert!(text.contains(shown), "{shown:?} not on screen:\n{text}");
    }
    act(&mut s, Action::ReviewGood);
    assert_eq!(shown_quote(&s.app), "The council blamed the weather.");
    assert!(screen(&s.app).contains("green"));
    act(&mut s, Action::ReviewAgain);
    assert!(
        s.app.review().is_none(),
        "the review ends when the queue is empty"
    );
    assert!(matches!(s.app.mode, Mode::Browse));
    assert_eq!(s.app.review_due, Some(0));
    assert_eq!(review_files(&world.data), 2, "one review file per article");
    let cards = ReviewStore::new(&world.data).load_all().unwrap().cards;
    let alpha = &cards["h-alpha"];
    let beta = &cards["h-beta"];
    assert_eq!(alpha.answer, Answer::Good);
    assert_eq!(beta.answer, Answer::Again);
    assert!(beta.due < alpha.due, "again comes back before good");

    // Day 3: only "again" is back.
    let mut s = session_on(&world, 3, Config::default());
    assert_eq!(due_count(&mut s), Some(1));
    act(&mut s, Action::Review);
    assert_eq!(shown_quote(&s.app), "The council blamed the weather.");
    act(&mut s, Action::ReviewEasy);
    assert!(s.app.review().is_none());

    // On the day "good" set, the alpha highlight is back; never retires it.
    let day = chrono::Datelike::day(&alpha.due);
    let mut s = session_on(&world, day, Config::default());
    act(&mut s, Action::Review);
    assert_eq!(shown_quote(&s.app), "A patient reader keeps what matters.");
    act(&mut s, Action::ReviewNever);
    for later in [day + 1, 28] {
        let mut s = session_on(&world, later, Config::default());
        act(&mut s, Action::Review);
        let queued: Vec<String> = s
            .app
            .review()
            .map(|r| {
                r.queue
                    .iter()
                    .map(|i| i.due.highlight.id.to_string())
                    .collect()
            })
            .unwrap_or_default();
        assert!(
            !queued.contains(&"h-alpha".to_string()),
            "day {later}: {queued:?}"
        );
    }
    let cards = ReviewStore::new(&world.data).load_all().unwrap().cards;
    assert!(cards["h-alpha"].retired());
}

#[test]
fn the_daily_limit_and_left_out_colours_and_tags_hold() {
    let world = world();
    mark(
        &world,
        "alpha.md",
        "The first paragraph sets the scene.",
        "a1",
        1,
        "yellow",
        "",
    );
    mark(
        &world,
        "alpha.md",
        "The rest is detail.",
        "a2",
        1,
        "yellow",
        "#todo later",
    );
    mark(
        &world,
        "alpha.md",
        "Another paragraph closes it.",
        "a3",
        1,
        "yellow",
        "",
    );
    mark(
        &world,
        "beta.md",
        "Harbour dredging stalled in May.",
        "b1",
        1,
        "blue",
        "",
    );
    let config = Config {
        review: ReviewConfig {
            daily_limit: 1,
            exclude_tags: vec!["todo".into()],
            exclude_colors: vec!["blue".into()],
        },
        ..Config::default()
    };
    let mut s = session_on(&world, 2, config.clone());
    assert_eq!(due_count(&mut s), Some(1), "the limit caps the count");
    act(&mut s, Action::Review);
    assert_eq!(shown_quote(&s.app), "The first paragraph sets the scene.");
    act(&mut s, Action::ReviewHard);
    // The limit is reached for today, even in a new window.
    let mut s = session_on(&world, 2, config.clone());
    assert_eq!(due_count(&mut s), Some(0));
    act(&mut s, Action::Review);
    assert!(s.app.review().is_none());
    // Tomorrow the one left (a3) comes: never the #todo one, never the blue one.
    let mut seen = Vec::new();
    for day in 3..=6 {
        let mut s = session_on(&world, day, config.clone());
        act(&mut s, Action::Review);
        if s.app.review().is_some() {
            seen.push(shown_quote(&s.app));
            act(&mut s, Action::ReviewGood);
        }
    }
    assert!(
        seen.contains(&"Another paragraph closes it.".to_string()),
        "{seen:?}"
    );
    assert!(
        !seen
            .iter()
            .any(|q| q.contains("detail") || q.contains("Harbour")),
        "{seen:?}"
    );
}

#[test]
fn skip_leaves_it_due_and_a_note_edited_in_the_review_is_saved() {
    let world = world();
    mark(
        &world,
        "alpha.md",
        "A patient reader keeps what matters.",
        "h1",
        1,
        "yellow",
        "first",
    );
    mark(
        &world,
        "beta.md",
        "The council blamed the weather.",
        "h2",
        1,
        "yellow",
        "",
    );
    let mut s = session_on(&world, 2, Config::default());
    act(&mut s, Action::Review);
    act(&mut s, Action::ReviewSkip);
    assert_eq!(shown_quote(&s.app), "The council blamed the weather.");
    // Write a note on it in the editor the reader uses.
    act(&mut s, Action::Annotate);
    assert!(matches!(s.app.mode, Mode::Note(_)));
    s.app.on_paste("asked #council");
    act(&mut s, Action::SaveNote);
    assert!(s.app.review().is_some(), "back in the review after saving");
    let item = s.app.review().unwrap().current().unwrap();
    assert_eq!(item.due.highlight.note, "asked #council");
    let notes = gloss::commands::read_all(&Store::new(&world.data)).unwrap();
    let saved = notes
        .files
        .iter()
        .flat_map(|(_, f)| f.highlights.iter())
        .find(|h| h.id == "h2")
        .unwrap();
    assert_eq!(saved.note, "asked #council");
    assert_eq!(saved.tags, ["council"]);
    act(&mut s, Action::Back);
    assert!(s.app.review().is_none());
    // Nothing was answered: both are still due.
    let mut s = session_on(&world, 2, Config::default());
    assert_eq!(due_count(&mut s), Some(2));
}

#[test]
fn a_note_edited_in_the_review_reaches_the_mirror_folder() {
    let world = world();
    mark(
        &world,
        "beta.md",
        "The council blamed the weather.",
        "h2",
        1,
        "yellow",
        "",
    );
    let vault = world.data.with_file_name("vault");
    let mut config = Config::default();
    config.export.mirror = vault.clone();
    let mut s = session_on(&world, 2, config);
    act(&mut s, Action::Review);
    assert_eq!(shown_quote(&s.app), "The council blamed the weather.");
    act(&mut s, Action::Annotate);
    s.app.on_paste("asked #council");
    act(&mut s, Action::SaveNote);
    let text = vault_text(&vault);
    assert!(text.contains("The council blamed the weather."), "{text}");
    assert!(text.contains("#council #highlight/yellow"), "{text}");
    // A second edit rewrites the same file's block; the user's words stay.
    let file = fs::read_dir(&vault)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    fs::write(
        &file,
        format!("{}\nMy own words.\n", fs::read_to_string(&file).unwrap()),
    )
    .unwrap();
    act(&mut s, Action::Annotate);
    s.app.on_paste(" #later");
    act(&mut s, Action::SaveNote);
    assert_eq!(fs::read_dir(&vault).unwrap().count(), 1);
    let text = vault_text(&vault);
    assert!(text.contains("#council #later #highlight/yellow"), "{text}");
    assert!(text.ends_with("My own words.\n"), "{text}");
}

#[test]
fn enter_opens_the_article_at_the_highlight() {
    let world = world();
    mark(
        &world,
        "alpha.md",
        "Another paragraph closes it.",
        "h1",
        1,
        "yellow",
        "",
    );
    let mut s = session_on(&world, 2, Config::default());
    act(&mut s, Action::Review);
    act(&mut s, Action::OpenArticle);
    assert!(s.app.review().is_none());
    let reader = s.app.reader.as_ref().expect("the article is open");
    let at = reader
        .doc
        .text()
        .find("Another paragraph closes it.")
        .unwrap();
    assert_eq!(reader.cursor, at);
}

#[test]
fn without_its_article_the_stored_context_is_shown() {
    let world = world();
    mark(
        &world,
        "beta.md",
        "The council blamed the weather.",
        "h1",
        1,
        "yellow",
        "",
    );
    fs::remove_file(world.lib.join("beta.md")).unwrap();
    let mut s = session_on(&world, 2, Config::default());
    act(&mut s, Action::Review);
    let item = s.app.review().unwrap().current().unwrap();
    assert!(!item.from_article);
    assert!(
        item.before.ends_with("stalled in May."),
        "{:?}",
        item.before
    );
    assert!(screen(&s.app).contains("The council blamed the weather."));
}
