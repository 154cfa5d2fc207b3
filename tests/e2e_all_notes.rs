//! End to end in a pseudo-terminal: highlights with tagged notes made in two
//! articles, the all-notes view opened with `A`, filtered by a tag chosen in
//! the tag list, and a note opened in its article; the notes files on disk
//! hold what was typed.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly

mod support;

use std::fs;

use support::{Gloss, temp_home};

const CTRL_S: &str = "\x13";
const ESC: &str = "\x1b";

const HILLS: &str = "# Hills Above\n\nThe first wind is a breeze. It cools the hill.\n";
const SEA: &str = "# Sea Below\n\nCalm at first. The tide turns over the salt flats.\n";

/// Every notes file gloss wrote, as text, sorted.
fn notes_files(g: &Gloss) -> Vec<String> {
    let dir = g.data_dir().join("annotations");
    let mut out: Vec<String> = fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "toml"))
        .map(|e| fs::read_to_string(e.path()).unwrap())
        .collect();
    out.sort();
    out
}

/// Writes a note on the sentence under the cursor of the open article.
fn note(g: &mut Gloss, text: &str) {
    g.send("s");
    g.send("\r");
    g.wait_for("Ctrl-s save");
    g.send(text);
    g.send(CTRL_S);
    g.wait_for("note saved");
}

#[test]
fn notes_of_two_articles_are_listed_filtered_by_tag_and_opened() {
    let home = temp_home();
    let lib = home.path().join("lib");
    fs::create_dir_all(&lib).unwrap();
    fs::write(lib.join("hills.md"), HILLS).unwrap();
    fs::write(lib.join("sea.md"), SEA).unwrap();
    let lib = lib.display().to_string();
    let mut g = Gloss::start_in(home.clone(), &[&lib], 100, 30);

    g.wait_for("Hills Above");
    g.send("\r");
    g.wait_for("The first wind");
    g.send("}");
    note(&mut g, "cool air #wind");
    g.send(ESC);
    g.send("j");
    g.send("\r");
    g.wait_for("The tide turns");
    g.send("})");
    note(&mut g, "low water #sea");

    g.send("A");
    let screen = g.wait_for("All notes (2)");
    assert!(
        screen.contains("The tide turns over the salt flats."),
        "{screen}"
    );
    assert!(screen.contains("Hills Above"), "{screen}");
    assert!(screen.contains("yellow"), "the colour's name: {screen}");

    g.send("#");
    let screen = g.wait_for("Tags (2)");
    assert!(
        screen.contains("#sea") && screen.contains("#wind"),
        "{screen}"
    );
    g.send("j");
    g.send("\r");
    let screen = g.wait_for("All notes (1/2)");
    assert!(screen.contains("/#wind"), "{screen}");
    assert!(screen.contains("The first wind is a breeze."), "{screen}");
    assert!(!screen.contains("The tide turns over"), "{screen}");

    // Enter opens "Hills Above" (the sea article is the open one now).
    g.send("\r");
    let screen = g.wait_until("the view closed on the hills article", |s| {
        !s.contains("All notes") && s.contains("The first wind is a breeze.")
    });
    assert!(!screen.contains("The tide turns"), "{screen}");

    let files = notes_files(&g);
    assert_eq!(files.len(), 2, "{files:?}");
    assert!(
        files
            .iter()
            .any(|f| f.contains("note = \"cool air #wind\"") && f.contains("tags = [\"wind\"]")),
        "{files:?}"
    );
    assert!(
        files
            .iter()
            .any(|f| f.contains("note = \"low water #sea\"") && f.contains("tags = [\"sea\"]")),
        "{files:?}"
    );

    g.send("q");
    assert_eq!(g.wait_exit(), 0);
}
