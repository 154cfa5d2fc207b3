//! End to end: a highlight made in a saved web page in a pseudo-terminal is
//! found again after the page is saved anew with another cookie banner and
//! navigation; `W` and `--raw` show the whole page.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly

mod support;

use std::fs;

use support::{Gloss, fixtures, temp_home};

const CTRL_S: &str = "\x13";
const YELLOW: vt100::Color = vt100::Color::Rgb(0xff, 0xe0, 0x66);

/// Background colour of the first cell showing `needle` on screen.
fn background_of(g: &Gloss, needle: &str) -> Option<vt100::Color> {
    g.with_parser(|p| {
        let screen = p.screen();
        let (_, cols) = screen.size();
        for (row, text) in screen.rows(0, cols.into()).enumerate() {
            if let Some(byte) = text.find(needle) {
                let col = text[..byte].chars().count() as u16;
                return screen.cell(row as u16, col).map(|c| c.bgcolor());
            }
        }
        None
    })
}

#[test]
fn a_highlight_in_a_page_is_found_again_after_the_page_is_saved_anew() {
    let home = temp_home();
    let dir = home.path().join("lib");
    fs::create_dir_all(&dir).unwrap();
    let page = dir.join("bowls.html");
    fs::copy(fixtures().join("html/article.html"), &page).unwrap();
    let lib = dir.display().to_string();

    let mut g = Gloss::start_in(home.clone(), &[&lib], 100, 30);
    g.wait_for("Mara Lindqvist");
    g.send("\r");
    g.wait_for("Kintsugi begins");
    let screen = g.screen();
    assert!(!screen.contains("We use cookies"), "{screen}");
    g.send("/logbook\r");
    g.wait_for("1/1");
    g.send("s");
    g.send("\r");
    g.wait_for("Ctrl-s save");
    g.send("kept for decades");
    g.send(CTRL_S);
    g.wait_for("note saved");
    g.send("q");
    assert_eq!(g.wait_exit(), 0);

    // Saved again from the browser: another banner, another menu, another
    // script; the same article.
    fs::copy(fixtures().join("html/article-resaved.html"), &page).unwrap();

    let mut g = Gloss::start_in(home.clone(), &[&lib], 100, 30);
    let list = g.wait_for("Mara Lindqvist");
    assert!(
        list.contains("✎1"),
        "the list counts the highlight:\n{list}"
    );
    g.send("\r");
    g.wait_for("Menders in Kyoto");
    g.send("]");
    g.wait_for("✎ kept for decades");
    assert_eq!(background_of(&g, "Menders in Kyoto"), Some(YELLOW));

    // The whole page, banner and all, without highlights; and back.
    g.send("W");
    g.wait_for("privacy notice");
    assert_eq!(
        background_of(&g, "This site uses cookies"),
        background_of(&g, "Home")
    );
    g.send("W");
    g.wait_for("Menders in Kyoto");
    g.send("]");
    g.wait_for("✎ kept for decades");
    g.send("q");
    assert_eq!(g.wait_exit(), 0);
}

#[test]
fn raw_on_the_command_line_shows_the_whole_page() {
    let home = temp_home();
    let page = home.path().join("bowls.html");
    fs::copy(fixtures().join("html/article.html"), &page).unwrap();
    let path = page.display().to_string();
    let mut g = Gloss::start_in(home, &["--raw", &path], 100, 30);
    g.wait_for("We use cookies");
    g.send("q");
    assert_eq!(g.wait_exit(), 0);
}
