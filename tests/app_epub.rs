#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly
//! An EPUB book in the reader: how it reads (chapters in order, the second
//! chapter named from the contents, the image as a marker), its outline of
//! chapters, and jumping to a chapter from the outline.

mod testapp;

use gloss::app::Mode;
use testapp::TestApp;

fn fixture() -> Vec<u8> {
    std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/epub/three-chapters.epub"),
    )
    .unwrap()
}

fn book(width: u16, height: u16) -> TestApp {
    let bytes = fixture();
    let mut t = TestApp::with_bytes(width, height, &[("almanac.epub", &bytes)]);
    t.keys("enter");
    t
}

#[test]
fn the_book_reads_chapter_after_chapter() {
    let mut t = book(100, 60);
    let screen = t.text();
    insta::assert_snapshot!("epub_reads", screen);
    let lamp = screen.find("trimmed the wick").expect("chapter 1");
    let storm = screen.find("Rain drove").expect("chapter 2");
    let chart = screen.find("Every wreck").expect("chapter 3");
    assert!(lamp < storm && storm < chart, "{screen}");
    assert!(screen.contains("Two: The Storm"), "{screen}");
    assert!(screen.contains("A hand-drawn chart of the bay"), "{screen}");
}

#[test]
fn the_outline_lists_the_three_chapters_and_jumps_to_one() {
    let mut t = book(80, 24);
    t.keys("T");
    assert!(matches!(t.app.mode, Mode::Outline(_)));
    let screen = t.text();
    insta::assert_snapshot!("epub_outline", screen);
    let names: Vec<&str> = t
        .app
        .headings
        .entries
        .iter()
        .map(|h| h.text.as_str())
        .collect();
    assert!(
        names.ends_with(&["The Lamp", "Two: The Storm", "The Chart"]),
        "{names:?}"
    );
    t.type_text("storm");
    t.keys("enter");
    assert!(matches!(t.app.mode, Mode::Browse));
    assert!(
        t.marked().contains("|Two: The Storm\n\nRain drove"),
        "{}",
        t.marked()
    );
    assert!(t.status().starts_with("Two: The Storm"), "{}", t.status());
}
