//! Links in the app: the link list (`L`) with its filter, following a link to
//! a place in the article, to another file (added to the list for the
//! session) or to the system opener, and the back key returning to the exact
//! line and cursor. Effects are carried out as the session would
//! (`TestApp`), with an opener that only records.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly

mod testapp;

use gloss::app::links::Place;
use gloss::app::{Confirm, Effect, Mode};
use gloss::layout::LinePos;
use testapp::TestApp;

const INDEX: &str = "# Index

See the [guide](docs/guide.md#second-part) and [the notes](notes.txt).

Jump to [the end](#the-end) or read [the web page](https://example.com/a/very/long/path/that/goes/on/and/on/to/the/page.html).

Do not click [this one](javascript:alert(1)) or [that one](gopher://old.host/1).

A [missing file](nowhere.md) and a [folder](docs).

One filler paragraph to scroll past, long enough to wrap on a narrow screen.

Two filler paragraph to scroll past, long enough to wrap on a narrow screen.

Three filler paragraph to scroll past, long enough to wrap on a narrow screen.

Four filler paragraph to scroll past, long enough to wrap on a narrow screen.

Five filler paragraph to scroll past, long enough to wrap on a narrow screen.

## The end

Last words, and [the guide's start](docs/guide.md).
";

const GUIDE: &str = "# Guide

The first part.

Filler one.

Filler two.

Filler three.

## Second part

Read the [index again](../index.md).
";

fn app() -> TestApp {
    let mut t = TestApp::with_tree(
        100,
        16,
        &[
            ("index.md", INDEX),
            ("docs/guide.md", GUIDE),
            ("notes.txt", "Plain notes.\n\nNothing more.\n"),
        ],
        &["index.md"],
    );
    t.keys("enter");
    assert!(t.app.reader.is_some(), "the index opens");
    t
}

/// Where the reader is: its top line and cursor.
fn place(t: &TestApp) -> (LinePos, usize) {
    let r = t.app.reader.as_ref().unwrap();
    (r.top, r.cursor)
}

fn article_title(t: &TestApp) -> String {
    let r = t.app.reader.as_ref().unwrap();
    t.app.list.article(r.article).unwrap().title.clone()
}

fn chosen_target(t: &TestApp) -> String {
    t.app
        .link_picker()
        .unwrap()
        .chosen()
        .unwrap()
        .target
        .clone()
}

#[test]
fn the_list_shows_every_link_with_its_target_and_typing_filters_it() {
    let mut t = app();
    t.keys("L");
    let picker = t.app.link_picker().expect("L opens the link list");
    assert_eq!(picker.entries.len(), 9);
    let screen = t.text();
    assert!(screen.contains("Links (9)"), "{screen}");
    assert!(screen.contains("guide"), "{screen}");
    assert!(screen.contains("docs/guide.md#second-part"), "{screen}");
    // Typing filters at once (`w` is not a key of the list); every word must
    // match the text or the target.
    t.type_text("web");
    assert_eq!(t.app.link_picker().unwrap().shown().len(), 1);
    assert!(chosen_target(&t).starts_with("https://example.com/"));
    let status = t.status();
    assert!(status.contains("1 of 9 links"), "{status}");
    assert!(status.contains("→ https://example.com/a/"), "{status}");
    assert!(t.text().contains("Links (1 of 9)"));
    // Esc clears the filter, a second Esc closes the list.
    t.keys("esc");
    assert_eq!(t.app.link_picker().unwrap().shown().len(), 9);
    t.keys("esc");
    assert!(matches!(t.app.mode, Mode::Browse));
}

#[test]
fn j_k_and_the_arrows_move_and_the_links_in_view_come_marked() {
    let mut t = app();
    t.keys("L");
    let picker = t.app.link_picker().unwrap();
    assert!(picker.entries[0].on_screen, "the first link is in view");
    assert!(
        !picker.entries.iter().all(|e| e.on_screen),
        "not every link fits a 16-row screen"
    );
    assert_eq!(chosen_target(&t), "docs/guide.md#second-part");
    t.keys("j j");
    assert_eq!(chosen_target(&t), "#the-end");
    t.keys("k");
    assert_eq!(chosen_target(&t), "notes.txt");
    t.keys("down G");
    assert_eq!(chosen_target(&t), "docs/guide.md");
    t.keys("g up");
    assert_eq!(chosen_target(&t), "docs/guide.md#second-part");
    assert!(t.text().contains("▸ guide"), "{}", t.text());
}

#[test]
fn an_anchor_link_jumps_and_back_returns_to_the_exact_place() {
    let mut t = app();
    t.keys("j j j w w");
    let before = place(&t);
    t.keys("L");
    t.type_text("end");
    t.keys("enter");
    assert!(matches!(t.app.mode, Mode::Browse));
    let reader = t.app.reader.as_ref().unwrap();
    assert!(
        reader.doc.text()[reader.cursor..].starts_with("The end"),
        "the cursor is on the heading"
    );
    assert!(t.status().contains("#the-end"), "{}", t.status());
    assert!(t.text().contains("Last words"));
    t.keys("backspace");
    assert_eq!(place(&t), before, "back at the same line and word");
    t.keys("backspace");
    assert!(t.status().contains("nowhere to go back"), "{}", t.status());
}

#[test]
fn a_relative_link_opens_the_file_in_gloss_for_the_session_and_back_returns() {
    let mut t = app();
    assert_eq!(t.app.list.articles.len(), 1);
    t.keys("j j j w");
    let before = place(&t);
    let index_id = t.app.reader.as_ref().unwrap().article;
    t.keys("L");
    t.type_text("guide");
    t.keys("enter");
    assert_eq!(article_title(&t), "Guide");
    assert_eq!(t.app.list.articles.len(), 2, "added to the list");
    let reader = t.app.reader.as_ref().unwrap();
    assert!(
        reader.doc.text()[reader.cursor..].starts_with("Second part"),
        "the link's #second-part is where the cursor is"
    );
    assert!(t.text().contains("Guide"));
    t.keys("ctrl-o");
    assert_eq!(t.app.reader.as_ref().unwrap().article, index_id);
    assert_eq!(place(&t), before, "back at the same line and word");
    assert!(
        t.effects
            .iter()
            .any(|e| matches!(e, Effect::Return(p) if p.article == index_id)),
        "the index was reopened"
    );
    // The guide stays in the list, and following again does not add it twice.
    t.keys("L");
    t.type_text("guide");
    t.keys("enter");
    assert_eq!(t.app.list.articles.len(), 2);
}

#[test]
fn enter_on_a_link_follows_it_and_the_status_bar_shows_the_target() {
    let mut t = app();
    // The search leaves the cursor on "notes" inside "the notes"; `b` moves
    // to "the", still in the link.
    t.keys("/ n o t e s enter b");
    assert!(t.status().contains("→ notes.txt"), "{}", t.status());
    assert!(t.status().contains("o follow"), "{}", t.status());
    t.keys("enter");
    assert_eq!(article_title(&t), "Plain notes.");
    t.keys("backspace");
    assert_eq!(article_title(&t), "Index");
}

#[test]
fn a_selection_shows_the_first_link_it_touches() {
    let mut t = app();
    t.keys("/ g u i d e enter V");
    assert!(
        t.status().contains("→ docs/guide.md#second-part"),
        "{}",
        t.status()
    );
}

#[test]
fn web_links_go_to_the_opener_and_dangerous_schemes_never_do() {
    let mut t = app();
    t.keys("L");
    t.type_text("web");
    t.keys("enter");
    assert_eq!(t.opened.len(), 1);
    assert!(t.opened[0].starts_with("https://example.com/a/very"));

    t.keys("L");
    t.type_text("this one");
    t.keys("enter");
    assert_eq!(t.opened.len(), 1, "javascript: is never opened");
    assert!(t.status().contains("not opened"), "{}", t.status());
    assert!(
        !t.effects
            .iter()
            .any(|e| matches!(e, Effect::OpenUrl { url, .. } if url.starts_with("javascript"))),
        "no effect even asks for it"
    );

    t.keys("L");
    t.type_text("that one");
    t.keys("enter");
    assert!(matches!(t.app.question(), Some(Confirm::OpenUrl(_))));
    assert!(t.status().contains("gopher://old.host/1"), "{}", t.status());
    t.keys("n");
    assert_eq!(t.opened.len(), 1, "no means not opened");
    t.keys("L");
    t.type_text("that one");
    t.keys("enter y");
    assert_eq!(t.opened.len(), 2);
    assert!(t.effects.contains(&Effect::OpenUrl {
        url: "gopher://old.host/1".into(),
        confirmed: true
    }));
}

#[test]
fn y_in_the_list_copies_the_target() {
    let mut t = app();
    t.keys("L j j y");
    assert!(t.effects.contains(&Effect::Copy("#the-end".into())));
    assert!(t.status().contains("copied #the-end"), "{}", t.status());
    assert!(t.app.link_picker().is_some(), "the list stays open");
}

#[test]
fn letters_the_list_does_not_bind_filter_it_even_o() {
    let mut t = app();
    t.keys("L");
    t.type_text("open");
    let picker = t.app.link_picker().expect("still the link list");
    assert_eq!(picker.filter, "open");
    assert!(t.opened.is_empty(), "nothing followed");
    assert!(
        !t.effects
            .iter()
            .any(|e| matches!(e, Effect::OpenUrl { .. })),
        "{:?}",
        t.effects
    );
}

#[test]
fn a_link_to_a_missing_file_or_a_folder_says_so_and_leaves_no_trail() {
    let mut t = app();
    t.keys("L");
    t.type_text("missing");
    t.keys("enter");
    assert_eq!(article_title(&t), "Index");
    assert!(t.status().contains("nowhere.md"), "{}", t.status());
    t.keys("L");
    t.type_text("folder");
    t.keys("enter");
    assert!(
        t.status().contains("a folder, not a file"),
        "{}",
        t.status()
    );
    assert!(t.app.links.back.is_empty());
    assert_eq!(t.app.list.articles.len(), 1);
}

#[test]
fn a_click_on_an_entry_follows_it() {
    let mut t = app();
    t.keys("L");
    let area = gloss::app::links::picker_area(&t.app.areas());
    // Rows start inside the border; the third entry is "the end".
    let row = area.y + 1 + 2;
    let effects = t.app.on_mouse(crossterm::event::MouseEvent {
        kind: crossterm::event::MouseEventKind::Down(crossterm::event::MouseButton::Left),
        column: area.x + 4,
        row,
        modifiers: crossterm::event::KeyModifiers::NONE,
    });
    assert!(matches!(t.app.mode, Mode::Browse));
    assert!(effects.iter().all(|e| !matches!(e, Effect::OpenUrl { .. })));
    let reader = t.app.reader.as_ref().unwrap();
    assert!(reader.doc.text()[reader.cursor..].starts_with("The end"));
    let _: Option<Place> = t.app.links.back.last().copied();
    assert_eq!(t.app.links.back.len(), 1);
}

#[test]
fn the_link_list_snapshot() {
    let mut t = app();
    t.keys("L j");
    insta::assert_snapshot!("link_list", t.text());
}

#[test]
fn a_long_target_in_the_status_bar_loses_its_middle_not_its_end() {
    let mut t = TestApp::with_tree(80, 16, &[("index.md", INDEX)], &["index.md"]);
    t.keys("enter / w e b enter b");
    let status = t.status();
    assert!(status.contains("→ https://example.com/"), "{status}");
    assert!(status.contains('…'), "{status}");
    assert!(status.contains("page.html"), "{status}");
}

#[test]
fn a_marker_right_after_a_word_is_followed_from_that_word_and_back() {
    let mut doc = String::from("# Notes test\n\nA claim[1](#n1) stands here.\n\n");
    for i in 0..20 {
        doc.push_str(&format!("Filler paragraph number {i}.\n\n"));
    }
    doc.push_str("## N1\n\nThe note itself.\n");
    let mut t = TestApp::with_tree(100, 16, &[("notes.md", doc.as_str())], &["notes.md"]);
    // The search's message goes with the next keys; `w b` comes back to
    // the start of "claim1", whose "1" is the link.
    t.keys("enter / c l a i m enter w b");
    let reader = t.app.reader.as_ref().unwrap();
    assert!(reader.doc.text()[reader.cursor..].starts_with("claim1"));
    assert!(t.status().contains("→ #n1"), "{}", t.status());
    let before = place(&t);
    t.keys("enter");
    assert!(t.text().contains("The note itself."), "{}", t.text());
    t.keys("backspace");
    assert_eq!(place(&t), before);
}

#[test]
fn links_are_drawn_underlined_and_coloured() {
    let mut t = app();
    t.keys("tab");
    let styled = t.styled();
    let lines: Vec<&str> = styled.lines().collect();
    let i = lines
        .iter()
        .position(|l| l.contains("See the guide and the notes."))
        .unwrap();
    let row: Vec<char> = lines[i].chars().collect();
    let marks: Vec<char> = lines[i + 1].chars().collect();
    let text: String = row.iter().collect();
    let start = text
        .find("guide")
        .map(|b| text[..b].chars().count())
        .unwrap();
    let letters: Vec<char> = (start..start + 5).map(|c| marks[c]).collect();
    assert!(
        letters.iter().all(|c| *c == letters[0] && *c != ' '),
        "{styled}"
    );
    let before = marks.get(start - 2).copied().unwrap_or(' ');
    assert_eq!(before, ' ', "plain text around the link is not marked");
    let legend = styled
        .lines()
        .find(|l| l.starts_with(&format!("{} = ", letters[0])))
        .unwrap();
    assert!(
        legend.contains("UNDERLINED") && legend.contains("Blue"),
        "{legend}"
    );
}
