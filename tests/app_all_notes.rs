//! The all-notes view as a state: `A` opens it, the loaded notes are
//! filtered by text, `#tag`, colour and article as typed, sorted by each
//! order in turn, and changed with the panel's actions (note, colour,
//! delete with undo) and a tag rename that spans articles — each change
//! going out as one save per notes file.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly

mod testapp;

use std::path::PathBuf;

use gloss::annotations::library_notes::{LibraryNotes, NotesChange};
use gloss::annotations::testing::{CharOffset, highlight};
use gloss::annotations::{AnnotationFile, ArticleRecord, Highlight, Op, SCHEMA_VERSION};
use gloss::app::{Effect, Mode, Msg};
use gloss::keymap::Context;
use gloss::library::store_path;
use testapp::TestApp;

fn winds_file() -> PathBuf {
    PathBuf::from("/data/annotations/winds-01.toml")
}

fn second_file() -> PathBuf {
    PathBuf::from("/data/annotations/second-02.toml")
}

/// Notes over the test library's two articles: "breeze" (green, #weather,
/// March), "zephyr" (purple, no tags, January) in "Winds"; "Another"
/// (yellow, #Weather #draft, February, orphaned) in "Zz Other".
fn library(t: &TestApp) -> LibraryNotes {
    let path = |i: usize| {
        store_path(&t.app.list.articles[i].source)
            .display()
            .to_string()
    };
    let record = |title: &str, i: usize| ArticleRecord {
        title: title.into(),
        path: path(i),
        ..ArticleRecord::default()
    };
    let file = |p: PathBuf, r: ArticleRecord, hs: Vec<Highlight>| {
        (
            p,
            AnnotationFile {
                version: SCHEMA_VERSION,
                article: r,
                position: None,
                highlights: hs,
            },
        )
    };
    LibraryNotes::from_files(
        vec![
            file(
                winds_file(),
                record("Winds", 0),
                vec![
                    highlight("breeze")
                        .quote_at("The first wind is a breeze.", CharOffset::new(6))
                        .color("green")
                        .note("cool air #weather")
                        .tags(&["weather"])
                        .at("2024-03-01T00:00:00Z")
                        .build(),
                    highlight("zephyr")
                        .quote_at("A zephyr comes from the west.", CharOffset::new(54))
                        .color("purple")
                        .at("2024-01-01T00:00:00Z")
                        .build(),
                ],
            ),
            file(
                second_file(),
                record("Zz Other", 1),
                vec![
                    highlight("another")
                        .quote_at("Another article.", CharOffset::new(9))
                        .note("#Weather report, #draft")
                        .tags(&["Weather", "draft"])
                        .orphaned(true)
                        .at("2024-02-01T00:00:00Z")
                        .build(),
                ],
            ),
        ],
        Vec::new(),
    )
}

/// The view open over the library with the notes loaded.
fn view() -> TestApp {
    let mut t = TestApp::new(100, 24);
    t.keys("A");
    assert!(t.effects.contains(&Effect::LoadAllNotes));
    assert!(matches!(t.app.mode, Mode::AllNotes(_)));
    let notes = library(&t);
    t.app.update(Msg::AllNotesLoaded(Box::new(notes)));
    t.effects.clear();
    t
}

/// The ids of the rows shown, in order.
fn rows(t: &TestApp) -> Vec<String> {
    t.app
        .all_notes()
        .unwrap()
        .rows()
        .iter()
        .map(|n| n.highlight.id.to_string())
        .collect()
}

fn selected(t: &TestApp) -> String {
    t.app
        .all_notes()
        .unwrap()
        .selected_note()
        .unwrap()
        .highlight
        .id
        .to_string()
}

/// The changes of the last `SaveNotes` effect.
fn last_save(t: &TestApp) -> Vec<NotesChange> {
    t.effects
        .iter()
        .rev()
        .find_map(|e| match e {
            Effect::SaveNotes(changes) => Some(changes.clone()),
            _ => None,
        })
        .expect("a save")
}

fn upserted(change: &NotesChange) -> Vec<Highlight> {
    change
        .ops
        .iter()
        .filter_map(|op| match op {
            Op::Upsert(h) => Some(h.clone()),
            _ => None,
        })
        .collect()
}

fn note<'a>(t: &'a TestApp, id: &str) -> &'a Highlight {
    &t.app
        .all_notes()
        .unwrap()
        .notes
        .notes
        .iter()
        .find(|n| n.highlight.id == id)
        .unwrap()
        .highlight
}

#[test]
fn a_opens_the_view_from_the_list_the_reader_and_the_panel() {
    let mut t = TestApp::new(100, 24);
    t.keys("A");
    assert!(matches!(t.app.mode, Mode::AllNotes(_)));
    assert_eq!(t.app.context(), Context::Notes);
    assert!(t.text().contains("loading every note"), "{}", t.text());
    t.keys("A");
    assert!(matches!(t.app.mode, Mode::Browse), "A again closes it");
    t.keys("enter A");
    assert!(matches!(t.app.mode, Mode::AllNotes(_)), "from the reader");
    t.keys("esc a A");
    assert!(matches!(t.app.mode, Mode::AllNotes(_)), "from the panel");
    t.keys("esc");
    assert!(t.app.panel().is_some(), "the panel is back under it");
}

#[test]
fn newest_first_then_each_order_in_turn() {
    let mut t = view();
    assert_eq!(rows(&t), ["breeze", "another", "zephyr"], "by date");
    t.keys("o");
    assert_eq!(rows(&t), ["breeze", "zephyr", "another"], "by article");
    assert!(t.status().contains("sorted by article"));
    t.keys("o");
    assert_eq!(rows(&t), ["another", "breeze", "zephyr"], "by colour");
    t.keys("o");
    assert_eq!(rows(&t), ["another", "breeze", "zephyr"], "by tag");
    t.keys("o");
    assert_eq!(rows(&t), ["breeze", "another", "zephyr"], "by date again");
}

#[test]
fn the_filter_narrows_by_text_tag_colour_and_article_as_typed() {
    let mut t = view();
    t.keys("/");
    assert_eq!(t.app.context(), Context::Input);
    t.type_text("west");
    assert_eq!(rows(&t), ["zephyr"], "quote");
    t.keys("ctrl-u");
    t.type_text("cool");
    assert_eq!(rows(&t), ["breeze"], "note");
    t.keys("ctrl-u");
    t.type_text("#weather");
    assert_eq!(rows(&t), ["breeze", "another"], "tag, any case");
    t.keys("ctrl-u");
    t.type_text("color:purple");
    assert_eq!(rows(&t), ["zephyr"], "colour");
    t.keys("ctrl-u");
    t.type_text("in:zz #draft");
    assert_eq!(rows(&t), ["another"], "article and tag");
    t.keys("enter");
    assert_eq!(t.app.context(), Context::Notes, "Enter keeps the filter");
    assert_eq!(rows(&t), ["another"]);
    t.keys("esc");
    assert_eq!(rows(&t).len(), 3, "Esc clears it");
    assert!(matches!(t.app.mode, Mode::AllNotes(_)), "and stays open");
    t.keys("esc");
    assert!(matches!(t.app.mode, Mode::Browse), "a second Esc closes");
}

#[test]
fn the_tag_list_counts_and_filters() {
    let mut t = view();
    t.keys("#");
    assert_eq!(t.app.context(), Context::Tags);
    let text = t.text();
    assert!(text.contains("Tags (2)"), "{text}");
    assert!(text.contains("#draft"), "{text}");
    assert!(text.contains("#weather"), "{text}");
    t.keys("j enter");
    assert_eq!(t.app.context(), Context::Notes);
    assert_eq!(t.app.all_notes().unwrap().filter, "#weather");
    assert_eq!(rows(&t), ["breeze", "another"]);
}

#[test]
fn enter_opens_the_article_at_the_highlight_and_orphans_to_reattach() {
    let mut t = view();
    t.keys("G k");
    assert_eq!(selected(&t), "another");
    t.keys("enter");
    assert!(matches!(t.app.mode, Mode::Browse), "the view gives way");
    let path = store_path(&t.app.list.articles[1].source)
        .display()
        .to_string();
    assert!(t.effects.contains(&Effect::OpenNote {
        path,
        highlight: "another".into(),
        reattach: true,
    }));
    let mut t = view();
    t.keys("enter");
    let path = store_path(&t.app.list.articles[0].source)
        .display()
        .to_string();
    assert_eq!(
        t.effects,
        [Effect::OpenNote {
            path,
            highlight: "breeze".into(),
            reattach: false,
        }]
    );
}

#[test]
fn a_note_is_edited_in_the_readers_editor_and_saved_to_its_file() {
    let mut t = view();
    t.keys("j e");
    assert!(t.app.note_editor().is_some());
    t.type_text(" now #windy");
    t.keys("ctrl-s");
    assert!(matches!(t.app.mode, Mode::AllNotes(_)), "back in the view");
    let changes = last_save(&t);
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].file, second_file());
    let h = &upserted(&changes[0])[0];
    assert_eq!(h.id, "another");
    assert_eq!(h.note, "#Weather report, #draft now #windy");
    assert_eq!(h.tags, ["Weather", "draft", "windy"], "tags from the note");
    assert_eq!(
        note(&t, "another").note,
        h.note,
        "the view shows it at once"
    );
}

#[test]
fn recolouring_cycles_or_picks_a_palette_colour() {
    let mut t = view();
    t.keys("c");
    let h = &upserted(&last_save(&t)[0])[0];
    assert_eq!((h.id.as_str(), h.color.as_str()), ("breeze", "blue"));
    assert!(t.status().contains("colour: blue"));
    t.keys("4");
    assert_eq!(note(&t, "breeze").color, "pink");
    assert_eq!(last_save(&t)[0].file, winds_file());
}

#[test]
fn delete_asks_then_u_brings_the_highlight_back() {
    let mut t = view();
    t.keys("j d");
    assert!(t.app.question().is_some());
    t.keys("y");
    assert_eq!(
        last_save(&t)[0].ops,
        [Op::Delete("another".into())],
        "deleted from its own file"
    );
    assert_eq!(rows(&t), ["breeze", "zephyr"]);
    assert!(t.status().contains("u undoes"), "{}", t.status());
    t.keys("u");
    let back = upserted(&last_save(&t)[0]);
    assert_eq!(back[0].id, "another");
    assert_eq!(back[0].note, "#Weather report, #draft");
    assert_eq!(rows(&t), ["breeze", "another", "zephyr"]);
    assert_eq!(selected(&t), "another");
    t.keys("u");
    assert!(t.status().contains("nothing to undo"));
}

#[test]
fn renaming_a_tag_changes_every_article_in_one_undoable_change() {
    let mut t = view();
    t.keys("/");
    t.type_text("#weather");
    t.keys("enter # j r");
    assert_eq!(t.app.context(), Context::Input, "typing the new name");
    t.keys("ctrl-u");
    t.type_text("climate");
    t.keys("enter");
    let changes = last_save(&t);
    let files: Vec<&PathBuf> = changes.iter().map(|c| &c.file).collect();
    assert_eq!(files, [&winds_file(), &second_file()], "one save per file");
    let winds = &upserted(&changes[0])[0];
    assert_eq!(winds.tags, ["climate"]);
    assert_eq!(winds.note, "cool air #climate");
    let other = &upserted(&changes[1])[0];
    assert_eq!(other.tags, ["climate", "draft"]);
    assert_eq!(other.note, "#climate report, #draft");
    assert!(
        t.status()
            .contains("renamed #weather to #climate in 2 note(s) of 2 article(s)"),
        "{}",
        t.status()
    );
    assert_eq!(
        t.app.all_notes().unwrap().filter,
        "#climate",
        "the filter follows"
    );
    assert_eq!(rows(&t), ["breeze", "another"]);

    t.keys("esc u");
    let undone = last_save(&t);
    assert_eq!(undone.len(), 2, "one undo puts both files back");
    assert_eq!(upserted(&undone[0])[0].tags, ["weather"]);
    assert_eq!(upserted(&undone[1])[0].note, "#Weather report, #draft");
    assert_eq!(note(&t, "breeze").note, "cool air #weather");
}

#[test]
fn typing_a_new_tag_name_replaces_the_offered_one_and_backspace_corrects_it() {
    let mut t = view();
    // The offered old name goes as soon as a new one is typed.
    t.keys("# r");
    t.type_text("climate");
    assert!(t.text().contains("new name: #climate"), "{}", t.text());
    t.keys("enter");
    assert!(
        t.status().contains("renamed #draft to #climate"),
        "{}",
        t.status()
    );
    // Backspace keeps the offered name to correct its end.
    t.keys("esc u #");
    t.keys("r backspace");
    t.type_text("ts");
    t.keys("enter");
    assert!(
        t.status().contains("renamed #draft to #drafts"),
        "{}",
        t.status()
    );
    // Pasting replaces the offered name too.
    t.keys("esc u # r");
    t.app.on_paste("later");
    t.keys("enter");
    assert!(
        t.status().contains("renamed #draft to #later"),
        "{}",
        t.status()
    );
}

#[test]
fn a_bad_tag_name_is_refused_and_kept_to_correct() {
    let mut t = view();
    t.keys("# r ctrl-u");
    t.type_text("two words");
    t.keys("enter");
    assert!(t.status().contains("not a tag"), "{}", t.status());
    assert_eq!(t.app.context(), Context::Input, "still typing");
    assert!(!t.effects.iter().any(|e| matches!(e, Effect::SaveNotes(_))));
    t.keys("esc");
    assert_eq!(t.app.context(), Context::Tags);
}

#[test]
fn the_view_shows_colour_names_dates_articles_and_styles() {
    let mut t = view();
    t.keys("j");
    insta::assert_snapshot!(t.styled());
}

#[test]
fn hostile_text_is_drawn_harmless_at_every_size() {
    let mut t = view();
    let mut notes = library(&t);
    for n in &mut notes.notes {
        n.highlight.anchor.quote = "evil \x1b]0;owned\x07 quote\nsecond line".into();
        n.highlight.note = "note \x1b[31mred".into();
        n.highlight.tags = vec!["t\x1bag".into()];
        n.highlight.color = "re\x1bd".into();
        n.article.title = "title \u{202e}reversed".into();
    }
    t.app.update(Msg::AllNotesLoaded(Box::new(notes)));
    t.keys("#");
    for (w, h) in [(200, 60), (80, 24), (30, 8), (10, 5), (3, 3), (1, 1)] {
        t.resize(w, h);
        let text = t.text();
        assert!(
            !text.contains('\x1b') && !text.contains('\x07') && !text.contains('\u{202e}'),
            "{w}x{h}: {text:?}"
        );
    }
    t.resize(100, 24).keys("esc");
    assert!(t.text().contains("evil"), "{}", t.text());
}
