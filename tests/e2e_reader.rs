//! End to end: the real binary in a pseudo-terminal, read through vt100.

mod support;

use support::{Gloss, fixtures};

fn library() -> String {
    fixtures().join("library").display().to_string()
}

#[test]
fn opens_a_folder_lists_articles_and_quits_cleanly() {
    let mut g = Gloss::start(&[&library()], 100, 30);
    let screen = g.wait_for("Alpha Article");
    assert!(screen.contains("Beta Notes"), "{screen}");
    assert!(
        screen.contains("Gamma in a Folder"),
        "nested folders are read:\n{screen}"
    );
    g.send("q");
    assert_eq!(g.wait_exit(), 0);
}
