//! The list as a library: orders (`o`, natural title order), the reading
//! state filter (`S`) and archiving (`x`), and the `/` filter over title,
//! author and file name with its matched characters marked.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly

mod testapp;

use testapp::TestApp;

fn titles(t: &TestApp) -> Vec<String> {
    t.app
        .list
        .visible
        .iter()
        .map(|&i| t.app.list.articles[i].title.clone())
        .collect()
}

fn library() -> TestApp {
    TestApp::with_articles(
        100,
        20,
        &[
            (
                "a.md",
                "---\ntitle: Node.js 10\nauthor: Zed\ndate: 2020-01-01\n---\n\nText.\n",
            ),
            (
                "b.md",
                "---\ntitle: Node.js 4\nauthor: Amy\ndate: 2016-01-01\n---\n\nText.\n",
            ),
            (
                "c.md",
                "---\ntitle: Title 2\nauthor: Mo\ndate: 2024-05-05\n---\n\nText.\n",
            ),
            ("harbour-notes.md", "---\ntitle: Title 10\n---\n\nText.\n"),
        ],
    )
}

#[test]
fn titles_sort_naturally_and_o_cycles_the_orders() {
    let mut t = library();
    assert_eq!(
        titles(&t),
        ["Node.js 4", "Node.js 10", "Title 2", "Title 10"]
    );
    assert!(t.status().contains("by title"), "{}", t.status());
    t.keys("o");
    assert_eq!(
        titles(&t),
        ["Node.js 4", "Title 2", "Node.js 10", "Title 10"]
    );
    assert!(t.status().contains("sorted by author"), "{}", t.status());
    t.keys("o");
    assert_eq!(
        titles(&t),
        ["Title 2", "Node.js 10", "Node.js 4", "Title 10"]
    );
    t.keys("o o o");
    assert!(t.status().contains("file name"), "{}", t.status());
    assert_eq!(
        titles(&t),
        ["Node.js 10", "Node.js 4", "Title 2", "Title 10"]
    );
    t.keys("o");
    assert!(t.status().contains("by title"), "{}", t.status());
}

#[test]
fn archived_articles_are_hidden_and_s_shows_them() {
    let mut t = library();
    t.keys("x");
    assert!(
        t.status().contains("archived \"Node.js 4\""),
        "{}",
        t.status()
    );
    assert_eq!(titles(&t), ["Node.js 10", "Title 2", "Title 10"]);
    // all but archived -> unread -> reading -> finished -> archived
    t.keys("S");
    assert!(
        t.status().contains("showing unread: 3 articles"),
        "{}",
        t.status()
    );
    t.keys("S S S");
    assert!(t.status().contains("showing archived"), "{}", t.status());
    assert_eq!(titles(&t), ["Node.js 4"]);
    t.keys("x");
    assert!(t.status().contains("is back"), "{}", t.status());
    t.keys("S");
    assert_eq!(titles(&t).len(), 4);
}

#[test]
fn the_filter_finds_file_names_and_marks_matched_characters() {
    let mut t = library();
    t.keys("/");
    t.type_text("harbour");
    assert_eq!(titles(&t), ["Title 10"]);
    // Esc clears the filter and keeps the article it found selected.
    t.keys("esc");
    assert_eq!(titles(&t).len(), 4);
    let selected = t.app.list.selected_article().unwrap();
    assert_eq!(t.app.list.articles[selected].title, "Title 10");
    t.keys("/");
    t.type_text("node 4");
    assert_eq!(titles(&t).first().map(String::as_str), Some("Node.js 4"));
    insta::assert_snapshot!(t.styled());
}

#[test]
fn recently_read_counts_the_articles_read_in_this_session() {
    let mut t = library();
    let open_title = |t: &TestApp| {
        let id = t.app.reader.as_ref().expect("an article open").article;
        t.app.list.articles[id.0].title.clone()
    };
    // Open one article, back to the list, then another and back.
    t.keys("j j enter");
    let first = open_title(&t);
    t.keys("esc k enter");
    let second = open_title(&t);
    assert_ne!(first, second);
    t.keys("esc o o o");
    assert!(t.status().contains("recently read"), "{}", t.status());
    let order = titles(&t);
    assert_eq!(order[..2], [second, first], "{order:?}");
}

#[test]
fn x_right_after_archiving_brings_the_same_article_back() {
    let mut t = library();
    let selected = |t: &TestApp| {
        let i = t.app.list.selected_article().unwrap();
        t.app.list.articles[i].title.clone()
    };
    assert_eq!(selected(&t), "Node.js 4");
    t.keys("x");
    assert!(
        t.status().contains("x now brings it back"),
        "{}",
        t.status()
    );
    assert_eq!(selected(&t), "Node.js 10", "the next one takes its place");
    t.keys("x");
    assert!(
        t.status().contains("\"Node.js 4\" is back"),
        "{}",
        t.status()
    );
    assert_eq!(selected(&t), "Node.js 4");
    assert_eq!(titles(&t).len(), 4);
    // After another key, x archives the article selected then.
    t.keys("x j x");
    assert_eq!(titles(&t), ["Node.js 10", "Title 10"]);
}
