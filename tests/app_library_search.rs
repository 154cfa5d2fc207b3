#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly
//! The library search mode (`F`): typing starts a search, results stream in
//! as batches of messages, a new keystroke makes the old search's results
//! stale, and Enter opens the article at the chosen match with every match
//! marked so `n` goes on from there. The searching itself is the real
//! engine, run here on the test's thread and fed back as the session does.

#[path = "support/gzip.rs"]
mod gzip;
mod testapp;

use std::sync::atomic::AtomicBool;

use gloss::app::library_search::{Row, State};
use gloss::app::{Effect, Mode, Msg};
use gloss::search::job::{Done, Found, Request, targets};
use gloss::search::{self, ArticleHits, Progress, Query};
use testapp::TestApp;

const FILES: &[(&str, &str)] = &[
    (
        "a-winds.md",
        "# Winds\n\nA zephyr comes from the west.\n\nAnother **zephyr** follows. See [zephyr](http://zephyr.example).\n\nThe last zephyr is calm.\n",
    ),
    ("b-plain.md", "# Plain\n\nNothing to see.\n"),
    ("c-cafe.md", "# Café\n\nThe café opens. A Zephyr passes.\n"),
];

/// The last search the app asked for.
fn last_request(t: &TestApp) -> Request {
    t.effects
        .iter()
        .rev()
        .find_map(|e| match e {
            Effect::SearchLibrary(r) => Some(r.clone()),
            _ => None,
        })
        .expect("a search was asked for")
}

/// Runs `request` over the app's list with the real engine.
fn run(t: &TestApp, request: &Request) -> Vec<ArticleHits> {
    let query = Query::new(&request.query, request.options).unwrap();
    let targets = targets(&t.app.list.articles);
    let found = std::sync::Mutex::new(Vec::new());
    search::run(
        &targets,
        &query,
        2,
        &AtomicBool::new(false),
        &Progress::default(),
        None,
        &|hits| found.lock().unwrap().push(hits),
    );
    let mut found = found.into_inner().unwrap();
    // Arrival order varies between runs; the app must not depend on it.
    found.sort_by_key(|h| std::cmp::Reverse(h.article));
    found
}

/// Delivers the results one batch per article, then the end.
fn deliver(t: &mut TestApp, request: &Request, hits: Vec<ArticleHits>) {
    let n = t.app.list.articles.len();
    for h in hits {
        t.app.update(Msg::LibraryFound(Found {
            generation: request.generation,
            hits: vec![h],
        }));
    }
    t.app.update(Msg::LibraryDone(Done {
        generation: request.generation,
        searched: n,
        cancelled: false,
    }));
}

/// Searches the only article for `query` (a new query, whatever was typed
/// before) and opens its first result; the result must be there.
fn search_and_open_the_first(t: &mut TestApp, query: &str) {
    t.keys("F ctrl-u").type_text(query);
    let request = last_request(t);
    let hits = run(t, &request);
    assert_eq!(hits.len(), 1, "{query}: the file holds it");
    deliver(t, &request, hits);
    t.keys("down enter");
}

fn search_of(t: &TestApp) -> &gloss::app::library_search::LibrarySearch {
    match &t.app.mode {
        Mode::LibrarySearch(s) => s,
        other => panic!("not searching: {other:?}"),
    }
}

#[test]
fn typing_asks_for_a_search_and_results_stream_in_in_list_order() {
    let mut t = TestApp::with_articles(100, 30, FILES);
    t.keys("F").type_text("zephyr");
    let request = last_request(&t);
    assert_eq!(request.query, "zephyr");
    assert_eq!(search_of(&t).state, State::Running);
    let hits = run(&t, &request);
    // The list is sorted by title: Café (0), Plain (1), Winds (2); the
    // last article's matches arrive first.
    assert_eq!(hits[0].article, 2);
    // First batch only: already on screen while the rest is searched.
    t.app.update(Msg::LibraryFound(Found {
        generation: request.generation,
        hits: vec![hits[0].clone()],
    }));
    let screen = t.text();
    assert!(screen.contains("Winds  5 matches"), "{screen}");
    assert!(!screen.contains("Café"), "{screen}");
    assert!(screen.contains("searching"), "{screen}");
    deliver(&mut t, &request, hits[1..].to_vec());
    let s = search_of(&t);
    assert_eq!(s.state, State::Done(3));
    let titles: Vec<usize> = s.results.iter().map(|r| r.article.0).collect();
    assert_eq!(titles, [0, 2], "list order, whatever the arrival order");
    // Five in the file of Winds (two in a link), one in Café.
    assert_eq!(s.results[0].count, 1);
    assert_eq!(s.results[1].count, 5);
    let screen = t.text();
    assert!(screen.contains("Winds  5 matches"), "{screen}");
    assert!(screen.contains("A zephyr comes from the west."), "{screen}");
    assert!(screen.contains("6 matches in 2 articles"), "{screen}");
}

#[test]
fn articles_of_the_same_title_are_told_apart_by_their_file_names() {
    let files = [
        ("harbour.md", "# Harbour\n\nThe breakwater was finished.\n"),
        (
            "harbour-old.md",
            "# Harbour\n\nThe breakwater was rebuilt.\n",
        ),
    ];
    let mut t = TestApp::with_articles(100, 30, &files);
    t.keys("F").type_text("breakwater");
    let request = last_request(&t);
    let hits = run(&t, &request);
    deliver(&mut t, &request, hits);
    let screen = t.text();
    assert!(
        screen.contains("Harbour  1 match  harbour-old.md · articles/"),
        "{screen}"
    );
    assert!(
        screen.contains("Harbour  1 match  harbour.md · articles/"),
        "{screen}"
    );
}

#[test]
fn a_new_keystroke_makes_the_old_results_stale() {
    let mut t = TestApp::with_articles(100, 30, FILES);
    t.keys("F").type_text("zeph");
    let old = last_request(&t);
    let old_hits = run(&t, &old);
    t.type_text("yrx");
    let new = last_request(&t);
    assert!(new.generation > old.generation);
    // The old search's results arrive late: they are dropped.
    deliver(&mut t, &old, old_hits);
    let s = search_of(&t);
    assert!(s.results.is_empty());
    assert_eq!(s.state, State::Running);
    let hits = run(&t, &new);
    assert!(hits.is_empty());
    deliver(&mut t, &new, hits);
    assert!(t.text().contains("no match"));
    // Clearing the query stops the search.
    t.keys("ctrl-u");
    assert!(matches!(
        t.effects.last(),
        Some(Effect::CancelLibrarySearch)
    ));
}

#[test]
fn enter_opens_the_article_at_the_match_with_every_match_marked() {
    let mut t = TestApp::with_articles(100, 30, FILES);
    t.keys("F").type_text("zephyr");
    let request = last_request(&t);
    let hits = run(&t, &request);
    deliver(&mut t, &request, hits);
    // Rows: Café, its line, Winds, its three lines. Choose "The last zephyr".
    let s = search_of(&t);
    let rows = s.rows();
    let last = rows
        .iter()
        .position(|r| matches!(r, Row::Hit(1, 2)))
        .unwrap();
    for _ in 0..last {
        t.keys("down");
    }
    t.keys("enter");
    assert!(matches!(t.app.mode, Mode::Browse));
    let reader = t.app.reader.as_ref().expect("article open");
    assert_eq!(reader.article.0, 2);
    let search = reader.search.as_ref().expect("matches marked");
    // The canonical text has no link target: four matches, not five, so
    // the match is found by where it is in the file.
    assert_eq!(search.matches.len(), 4);
    let text = reader.doc.text();
    let at = reader.cursor;
    assert!(text[at..].starts_with("zephyr is calm"), "{}", &text[at..]);
    assert_eq!(search.current, Some(3));
    // n goes on from there: wraps to the first.
    t.keys("n");
    let reader = t.app.reader.as_ref().unwrap();
    assert!(reader.doc.text()[reader.cursor..].starts_with("zephyr comes"));
    // F shows the same search again.
    t.keys("F");
    assert_eq!(search_of(&t).query, "zephyr");
}

#[test]
fn a_match_only_in_a_link_address_opens_where_it_is_and_says_so() {
    let files = [(
        "links.md",
        "# Links\n\nFirst paragraph.\n\nSecond paragraph.\n\nSee [the pull request](https://example.org/pull/50330) for more.\n",
    )];
    let mut t = TestApp::with_articles(100, 30, &files);
    search_and_open_the_first(&mut t, "pull/50330");
    let reader = t.app.reader.as_ref().expect("article open");
    let text = reader.doc.text();
    assert!(
        text[reader.cursor..].starts_with(" for more"),
        "just after the link, not at the top: {:?}",
        &text[reader.cursor..]
    );
    let status = t.status();
    assert!(status.contains("markup"), "{status}");
}

#[test]
fn a_phrase_is_found_across_the_markup_between_its_words() {
    let files = [(
        "pool.md",
        "# Pool\n\nThey provide async tracking for a [`Worker`][] pool, and\nsee [the guide](guide.md) now, in **bold** text.\n\n[`Worker`]: worker.md\n",
    )];
    let mut t = TestApp::with_articles(100, 30, &files);
    for phrase in [
        "tracking for a Worker pool",
        "the guide now",
        "in bold text",
    ] {
        search_and_open_the_first(&mut t, phrase);
        let reader = t.app.reader.as_ref().expect("article open");
        let search = reader.search.as_ref().expect("matches marked");
        assert_eq!(search.matches.len(), 1, "{phrase}: the text shows it once");
        assert_eq!(search.current, Some(0), "{phrase}");
    }
}

#[test]
fn modes_are_flipped_by_keys_and_restart_the_search() {
    let mut t = TestApp::with_articles(100, 30, FILES);
    t.keys("F").type_text("cafe");
    let plain = last_request(&t);
    assert!(run(&t, &plain).is_empty(), "no accent folding by default");
    t.keys("ctrl-a");
    let folded = last_request(&t);
    assert!(folded.options.fold_accents && folded.generation > plain.generation);
    let hits = run(&t, &folded);
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].count, 2, "Café and café");
    assert!(t.text().contains("[accents]"));
    t.keys("ctrl-u").type_text("zeph(yr").keys("ctrl-r");
    let s = search_of(&t);
    assert!(
        matches!(&s.state, State::Invalid(m) if m.contains("regular expression")),
        "{:?}",
        s.state
    );
    t.keys("backspace").type_text(")");
    let regex = last_request(&t);
    assert!(regex.options.regex);
    assert_eq!(run(&t, &regex).iter().map(|h| h.count).sum::<usize>(), 6);
    // Smart case: an upper-case letter makes it case-sensitive.
    t.keys("ctrl-r ctrl-u").type_text("Zephyr");
    let upper = last_request(&t);
    let hits = run(&t, &upper);
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].article, 0);
    // Whole word.
    t.keys("ctrl-u").type_text("zeph").keys("ctrl-w");
    let word = last_request(&t);
    assert!(word.options.whole_word);
    assert!(run(&t, &word).is_empty());
}

#[test]
fn esc_closes_and_the_keys_are_in_the_help() {
    let mut t = TestApp::with_articles(100, 40, FILES);
    t.keys("F");
    assert!(t.text().contains("type to search"));
    t.keys("esc");
    assert!(matches!(t.app.mode, Mode::Browse));
    t.keys("?");
    let help = t.text();
    assert!(
        help.contains("search the text and notes of every article"),
        "{help}"
    );
}

#[test]
fn notes_and_highlights_of_the_listed_articles_are_found_and_marked() {
    use gloss::annotations::{Anchor, ArticleRecord, Highlight, Op, Store};
    let t = TestApp::with_articles(100, 30, FILES);
    let data = tempfile::tempdir().unwrap();
    let store = Store::new(data.path());
    let gloss::library::Source::File(path) = &t.app.list.articles[1].source else {
        panic!("a file")
    };
    let path = std::fs::canonicalize(path).unwrap();
    let record = ArticleRecord {
        title: "Plain".into(),
        path: path.display().to_string(),
        ..ArticleRecord::default()
    };
    let at = chrono::DateTime::UNIX_EPOCH;
    let highlight = Highlight {
        via: None,
        id: "01HNOTE".into(),
        created: at,
        updated: at,
        color: "yellow".into(),
        tags: vec!["weather".into()],
        note: "a zephyr I remember".into(),
        orphaned: false,
        anchor: Anchor::from_range("Plain\nNothing to see.", 6..13),
    };
    store
        .apply(None, &record, &[Op::Upsert(highlight)])
        .unwrap();

    let mut t = t;
    t.keys("F").type_text("zephyr");
    let request = last_request(&t);
    let query = Query::new(&request.query, request.options).unwrap();
    let list = targets(&t.app.list.articles);
    let notes = search::NoteTargets::for_list(data.path(), &list);
    let found = std::sync::Mutex::new(Vec::new());
    search::run(
        &list,
        &query,
        1,
        &AtomicBool::new(false),
        &Progress::default(),
        Some(&notes),
        &|hits| found.lock().unwrap().push(hits),
    );
    let hits = found.into_inner().unwrap();
    deliver(&mut t, &request, hits);
    let screen = t.text();
    assert!(screen.contains("Plain  1 match"), "{screen}");
    assert!(screen.contains("note:  a zephyr I remember"), "{screen}");
    // Enter on the note opens its article on the highlight, and says the
    // note is where the words are (the text has none).
    let s = search_of(&t);
    let plain = s.results.iter().position(|r| r.article.0 == 1).unwrap();
    let row = s
        .rows()
        .iter()
        .position(|r| matches!(r, Row::Hit(i, 0) if *i == plain))
        .unwrap();
    for _ in 0..row {
        t.keys("down");
    }
    t.keys("enter");
    assert_eq!(t.app.reader.as_ref().unwrap().article.0, 1);
    let status = t.status();
    assert!(
        status.contains("on the highlight whose note holds \"zephyr\""),
        "{status}"
    );
    assert!(!status.contains("no match"), "{status}");
    t.keys("F");
    // A tag is found as a tag.
    t.keys("ctrl-u").type_text("weather");
    let request = last_request(&t);
    let query = Query::new(&request.query, request.options).unwrap();
    let mut tags = Vec::new();
    let cancel = AtomicBool::new(false);
    let tags_found = std::sync::Mutex::new(Vec::new());
    search::search_notes(&notes, &query, search::Keep::Rows, &cancel, &|_, h| {
        tags_found.lock().unwrap().push(h)
    });
    tags.extend(tags_found.into_inner().unwrap());
    assert_eq!(tags.len(), 1);
    assert_eq!(tags[0].hits[0].kind, search::HitKind::Tag);
}

/// A Markdown file whose first matches are in link targets the reader does
/// not show, then three lines of text with matches, the middle one with two.
fn hidden_then_shown(line_end: &str) -> String {
    let mut text = format!("# Once{line_end}{line_end}");
    for i in 0..40 {
        text.push_str(&format!(
            "See [part {i}](#once-{i}) and [more](#once-more-{i}).{line_end}{line_end}"
        ));
    }
    for line in [
        "First, once upon a time.",
        "Second: once, and once more.",
        "Third and last once.",
    ] {
        text.push_str(line);
        text.push_str(line_end);
        text.push_str(line_end);
    }
    text
}

#[test]
fn enter_lands_on_the_chosen_line_when_markup_hides_matches_before_it() {
    for line_end in ["\n", "\r\n"] {
        let file = hidden_then_shown(line_end);
        let mut t = TestApp::with_articles(100, 30, &[("once.md", &file)]);
        t.keys("F").type_text("once");
        let request = last_request(&t);
        let hits = run(&t, &request);
        deliver(&mut t, &request, hits);
        let rows = search_of(&t).rows();
        let hit_rows = |t: &TestApp| {
            let s = search_of(t);
            s.results[0]
                .hits
                .iter()
                .map(|h| h.snippet.text.clone())
                .collect::<Vec<_>>()
        };
        let snippets = hit_rows(&t);
        let second = snippets
            .iter()
            .position(|s| s.starts_with("Second"))
            .expect("the second line is a result");
        let row = rows
            .iter()
            .position(|r| matches!(r, Row::Hit(0, j) if *j == second))
            .unwrap();
        for _ in 0..row {
            t.keys("down");
        }
        t.keys("enter");
        let reader = t.app.reader.as_ref().expect("article open");
        let text = reader.doc.text();
        assert!(
            text[reader.cursor..].starts_with("once, and once more"),
            "{line_end:?}: at {:?}",
            &text[reader.cursor..(reader.cursor + 30).min(text.len())]
        );
        // The title's match and this line's two: the title, then this is
        // the second shown; n goes on to the same line's second match.
        let search = reader.search.as_ref().unwrap();
        assert_eq!(search.matches.len(), 5, "{line_end:?}");
        assert_eq!(search.current, Some(2), "{line_end:?}");
        t.keys("n");
        let reader = t.app.reader.as_ref().unwrap();
        assert!(reader.doc.text()[reader.cursor..].starts_with("once more"));
    }
}

#[test]
fn at_80_columns_the_search_shows_its_keys_not_the_readers_section() {
    let mut body = String::from("# Guide\n\n## Part one\n\n");
    for i in 0..80 {
        body.push_str(&format!(
            "Paragraph {i} of the first part, long enough to wrap a little at eighty columns.\n\n"
        ));
    }
    let mut t = TestApp::with_articles(80, 24, &[("guide.md", &body)]);
    t.keys("enter");
    for _ in 0..30 {
        t.keys("j");
    }
    t.keys("F");
    let status = t.status();
    assert!(status.contains("open"), "{status}");
    assert!(!status.contains("Part one"), "{status}");
}

#[test]
fn enter_on_a_match_in_a_gzipped_article_lands_on_that_match() {
    // The first match is on the file's fifth line, inside a paragraph the
    // reader shows as one line; the second is on the file's seventh line,
    // which is the fifth line the reader shows: read as a line of the file,
    // it led to the first match.
    let text = "Notes\n\nThe keeper of the harbour light went up\nat dusk, as every keeper had done, to the\n\
                tower where the lantern hung.\n\nAt dawn the lantern was put out.\n";
    let packed = gzip::gzipped(text.as_bytes());
    let mut t = TestApp::with_bytes(100, 30, &[("notes.txt.gz", &packed)]);
    t.keys("F").type_text("lantern");
    let request = last_request(&t);
    let hits = run(&t, &request);
    deliver(&mut t, &request, hits);
    let rows = search_of(&t).rows();
    let second = rows
        .iter()
        .position(|r| matches!(r, Row::Hit(0, 1)))
        .expect("two matches listed");
    for _ in 0..second {
        t.keys("down");
    }
    t.keys("enter");
    let reader = t.app.reader.as_ref().expect("article open");
    assert!(
        reader.doc.text()[reader.cursor..].starts_with("lantern was put out"),
        "at {:?}",
        &reader.doc.text()[reader.cursor..]
    );
    assert_eq!(reader.search.as_ref().unwrap().current, Some(1));
}
