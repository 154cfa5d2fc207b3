//! End to end: the real binary in a pseudo-terminal, read through vt100, as a
//! user would see it.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use support::{Gloss, fixtures};

const DOWN: &str = "\x1b[B";
const ESC: &str = "\x1b";

fn library() -> String {
    fixtures().join("library").display().to_string()
}

/// The row of the screen that holds `needle`.
fn row_of(screen: &str, needle: &str) -> Option<usize> {
    screen.lines().position(|l| l.contains(needle))
}

#[test]
fn opens_a_folder_lists_titles_and_authors_and_quits_cleanly() {
    let mut g = Gloss::start(&[&library()], 100, 30);
    // The whole first frame: the status bar (here the count of skipped
    // files) is its last row, written after the list (a loaded machine
    // showed the screen between the two).
    let screen = g.wait_until("the list and the status bar's skipped files", |s| {
        s.contains("Alpha Article") && s.contains("skipped")
    });
    assert!(screen.contains("Ada Writer"), "author shown:\n{screen}");
    assert!(screen.contains("2 January 2024"), "date shown:\n{screen}");
    assert!(screen.contains("Beta Notes"), "{screen}");
    assert!(
        screen.contains("Gamma in a Folder"),
        "nested folders are read:\n{screen}"
    );
    assert!(
        screen.contains("skipped"),
        "skipped files are counted:\n{screen}"
    );
    g.send("q");
    assert_eq!(g.wait_exit(), 0);
}

#[test]
fn opens_an_article_scrolls_and_goes_back() {
    let mut g = Gloss::start(&[&library()], 100, 20);
    g.wait_for("Beta Notes");
    g.send("j");
    g.send("\r");
    let screen = g.wait_for("Paragraph 1.");
    assert!(!screen.contains("Paragraph 30."), "{screen}");
    g.send(" ");
    let after_page = g.wait_until("a page further", |s| {
        !s.contains("Paragraph 1.") && s.contains("Paragraph")
    });
    g.send("G");
    let end = g.wait_for("Paragraph 40.");
    assert_ne!(after_page, end);
    g.send("g");
    g.wait_for("Paragraph 1.");
    for _ in 0..3 {
        g.send(DOWN);
    }
    g.send(ESC);
    g.send("q");
    assert_eq!(g.wait_exit(), 0);
}

#[test]
fn search_moves_to_matches_and_counts_them() {
    let mut g = Gloss::start(&[&library()], 100, 12);
    g.wait_for("Alpha Article");
    g.send("\r");
    g.wait_for("Ada Writer");
    g.send("/zephyr\r");
    let screen = g.wait_for("1/3");
    assert!(screen.contains("zephyr"), "{screen}");
    g.send("n");
    g.wait_for("2/3");
    g.send("n");
    let third = g.wait_for("3/3");
    assert!(
        third.contains("zephyr"),
        "the view shows the match:\n{third}"
    );
    g.send("N");
    g.wait_for("2/3");
    g.send("q");
    assert_eq!(g.wait_exit(), 0);
}

#[test]
fn resize_keeps_the_first_visible_text_at_the_top() {
    let mut g = Gloss::start(&[&library()], 110, 16);
    g.wait_for("Beta Notes");
    g.send("j\r");
    g.wait_for("Paragraph 1.");
    for _ in 0..12 {
        g.send("j");
    }
    let before = g.screen();
    let top = before
        .lines()
        .nth(1)
        .and_then(|l| l.split("Paragraph ").nth(1))
        .map(|rest| rest.split('.').next().unwrap_or("").to_string());
    g.resize(70, 20);
    g.resize(140, 14);
    // The emulator takes the new size at once; wait for gloss's redraw at it,
    // whose top border reaches the last of the 140 columns.
    let after = g.wait_until("a redraw at the new size", |s| {
        s.lines().count() == 14
            && s.lines()
                .next()
                .is_some_and(|l| l.trim_end().chars().count() == 140)
    });
    if let Some(n) = top {
        let first = after.lines().nth(1).unwrap_or("");
        assert!(
            first.contains(&format!("Paragraph {n}.")),
            "top line kept:\nbefore:\n{before}\nafter:\n{after}"
        );
    }
    g.send("q");
    assert_eq!(g.wait_exit(), 0);
}

#[test]
fn escape_sequences_in_articles_never_reach_the_terminal() {
    let mut g = Gloss::start(&[&library()], 100, 20);
    g.wait_for("Escape Test");
    let row = row_of(&g.screen(), "Escape Test").expect("listed");
    // Select it with the mouse-free keys: go to the entry by filtering.
    g.send("/escape");
    g.send("\r");
    g.send("\r");
    let screen = g.wait_for("PWNED-TITLE");
    assert!(
        screen.contains('␛'),
        "ESC shown as a visible placeholder:\n{screen}"
    );
    g.with_parser(|p| {
        let events = p.callbacks();
        assert!(
            events.titles.is_empty(),
            "title changed: {:?}",
            events.titles
        );
        assert!(
            events.clipboard.is_empty(),
            "clipboard written: {:?}",
            events.clipboard
        );
        assert!(p.screen().alternate_screen(), "still on gloss's screen");
    });
    assert!(
        screen.contains("Library"),
        "screen not cleared (row {row}):\n{screen}"
    );
    g.send("q");
    assert_eq!(g.wait_exit(), 0);
}

#[test]
fn tiny_and_changing_sizes_do_not_crash() {
    let mut g = Gloss::start(&[&library()], 80, 24);
    g.wait_for("Alpha Article");
    g.send("\r");
    for (w, h) in [(1, 1), (3, 2), (20, 5), (1, 40), (200, 3), (80, 24)] {
        g.resize(w, h);
        g.send("j");
    }
    g.wait_for("Alpha Article");
    g.send("q");
    assert_eq!(g.wait_exit(), 0);
}

#[test]
fn bad_config_exits_2_before_touching_the_terminal() {
    let home = support::temp_home();
    let dir = home.path().join("config/gloss");
    std::fs::create_dir_all(&dir).expect("config dir");
    std::fs::write(dir.join("config.toml"), "[reader]\nreading_widht = 70\n")
        .expect("write config");
    let mut g = Gloss::start_in(home, &[&library()], 80, 24);
    assert_eq!(g.wait_exit(), 2);
    // The last output may still be on its way to the emulator after the exit.
    let screen = g.wait_for("line 2");
    assert!(screen.contains("reading_widht"), "{screen}");
}

#[test]
fn a_2mb_single_line_file_opens_without_a_hang() {
    let home = support::temp_home();
    let dir = home.path().join("big");
    std::fs::create_dir_all(&dir).expect("dir");
    let line: String = "endless words without any break ".repeat(65_000);
    std::fs::write(dir.join("one-line.txt"), format!("{line}THE-END")).expect("write");
    let mut g = Gloss::start_in(home, &[&dir.display().to_string()], 90, 20);
    g.wait_for("endless words");
    g.send("\r");
    g.wait_for("0%");
    g.send("G");
    g.wait_for("THE-END");
    g.send("q");
    assert_eq!(g.wait_exit(), 0);
}

#[test]
fn invalid_utf8_is_decoded_with_a_note() {
    let mut g = Gloss::start(&[&library()], 100, 20);
    g.wait_for("Latin-1");
    g.send("/latin");
    g.send("\r");
    g.send("\r");
    // The emulator drops U+FFFD when drawing, so the note is what is checked.
    let screen = g.wait_for("not valid UTF-8");
    assert!(screen.contains("Latin-1 byte"), "{screen}");
    g.send("q");
    assert_eq!(g.wait_exit(), 0);
}

#[test]
fn configured_library_folders_open_without_paths() {
    let home = support::temp_home();
    let dir = home.path().join("config/gloss");
    std::fs::create_dir_all(&dir).expect("config dir");
    let config = format!(
        "library = [{:?}]\n",
        fixtures().join("library/nested").display().to_string()
    );
    std::fs::write(dir.join("config.toml"), config).expect("write config");
    let mut g = Gloss::start_in(home, &[], 100, 20);
    let screen = g.wait_for("Gamma in a Folder");
    assert!(!screen.contains("Alpha Article"), "{screen}");
    g.send("q");
    assert_eq!(g.wait_exit(), 0);
}

#[test]
fn mouse_click_opens_an_entry_and_the_wheel_scrolls_the_reader() {
    let mut g = Gloss::start(&[&library()], 100, 20);
    let screen = g.wait_for("Beta Notes");
    let row = row_of(&screen, "Beta Notes").expect("listed") + 1;
    // SGR mouse report: left button press and release at column 5 of that row.
    g.send(&format!("\x1b[<0;5;{row}M\x1b[<0;5;{row}m"));
    g.wait_for("Paragraph 1.");
    for _ in 0..4 {
        g.send("\x1b[<65;60;10M");
    }
    g.wait_until("the wheel scrolled", |s| {
        !s.contains("Paragraph 1.") && s.contains("Paragraph 5.")
    });
    g.send("q");
    assert_eq!(g.wait_exit(), 0);
}

#[test]
fn the_reading_position_is_restored_after_a_restart() {
    let home = support::temp_home();
    let mut g = Gloss::start_in(home.clone(), &[&library()], 100, 16);
    g.wait_for("Beta Notes");
    g.send("j\r");
    g.wait_for("Paragraph 1.");
    g.send("  ");
    let screen = g.wait_until("two pages down", |s| {
        !s.contains("Paragraph 1.") && s.contains("Paragraph")
    });
    // The first paragraph in view (the row under the border may be blank:
    // a heading's underline shifts the lines by one).
    let top = screen
        .lines()
        .skip(1)
        .find_map(|l| l.split("Paragraph ").nth(1))
        .and_then(|rest| rest.split('.').next())
        .map(str::to_string)
        .expect("a paragraph at the top");
    g.send("q");
    assert_eq!(g.wait_exit(), 0);

    let mut g = Gloss::start_in(home, &[&library()], 100, 16);
    let list = g.wait_for("Beta Notes");
    assert!(
        !list.contains("Bo Author · February 3, 2023    0%"),
        "progress shown in the list:\n{list}"
    );
    // The list starts on the article read last: Enter alone reopens it.
    g.send("\r");
    let screen = g.wait_for(&format!("Paragraph {top}."));
    assert!(!screen.contains("Paragraph 1."), "{screen}");
    g.send("q");
    assert_eq!(g.wait_exit(), 0);
}
