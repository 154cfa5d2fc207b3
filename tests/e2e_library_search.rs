#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly
//! End to end: `F` in the real binary in a pseudo-terminal searches every
//! article in the background, shows the results as they come, and Enter
//! opens the article at the chosen match with the matches counted in the
//! status bar, `n` going on from there.

mod support;

use support::{Gloss, temp_home};

const DOWN: &str = "\x1b[B";

#[test]
fn f_searches_the_library_and_enter_opens_at_the_match() {
    let home = temp_home();
    let lib = home.path().join("lib");
    std::fs::create_dir_all(&lib).unwrap();
    std::fs::write(
        lib.join("one.md"),
        "# Harbour Log\n\nBoats left early.\n\nA heliotrope grew by the quay.\n\nLater, another heliotrope.\n",
    )
    .unwrap();
    std::fs::write(
        lib.join("two.md"),
        "# Garden Book\n\nNo flowers named here.\n",
    )
    .unwrap();
    let lib = lib.display().to_string();
    let mut g = Gloss::start_in(home, &[&lib], 100, 30);
    g.wait_for("Garden Book");
    g.send("F");
    g.wait_for("search:");
    g.send("heliotrope");
    let screen = g.wait_for("2 matches in 1 article");
    assert!(screen.contains("Harbour Log  2 matches"), "{screen}");
    assert!(
        screen.contains("A heliotrope grew by the quay."),
        "{screen}"
    );
    assert!(!screen.contains("Garden Book"), "{screen}");
    // The second matching line, then Enter.
    g.send(DOWN);
    g.send(DOWN);
    g.send("\r");
    let screen = g.wait_for("match 2/2");
    assert!(screen.contains("Later, another heliotrope."), "{screen}");
    g.send("n");
    g.wait_for("wrapped to the top");
    g.send("q");
    g.wait_restored();
}

#[test]
fn a_search_started_while_the_library_is_read_covers_every_article_in_the_end() {
    let home = temp_home();
    let lib = home.path().join("lib");
    std::fs::create_dir_all(&lib).unwrap();
    const ARTICLES: usize = 4000;
    for i in 0..ARTICLES {
        std::fs::write(
            lib.join(format!("note-{i:05}.md")),
            format!("# Note {i}\n\nA heliotrope in note {i}.\n"),
        )
        .unwrap();
    }
    let lib = lib.display().to_string();
    let mut g = Gloss::start_in(home, &[&lib], 100, 30);
    // As soon as the first titles show, while the folder is still read.
    g.wait_for("Note ");
    g.send("F");
    g.wait_for("search:");
    g.send("heliotrope");
    g.wait_for(&format!("{ARTICLES} matches in {ARTICLES} articles"));
    g.send("\x1b");
    g.send("q");
    g.wait_restored();
}
