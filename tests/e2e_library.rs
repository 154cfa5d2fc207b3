//! The real binary on library folders: the list comes up while a large
//! folder is still being read and `q` quits at once; a file added to (or
//! removed from) the folder shows without a restart; a second start lists
//! unchanged articles from the metadata cache without reading them.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly

mod support;

use std::fs;
use std::path::Path;

use support::{Gloss, temp_home};

fn write_library(dir: &Path, count: usize) {
    fs::create_dir_all(dir).unwrap();
    let body = "Words of an article that take some room on the disk. ".repeat(80);
    for i in 0..count {
        fs::write(
            dir.join(format!("a{i:05}.md")),
            format!("# Article number {i}\n\n{body}\n"),
        )
        .unwrap();
    }
}

#[test]
fn the_list_shows_while_a_big_folder_is_read_and_q_quits_at_once() {
    let home = temp_home();
    let lib = home.path().join("lib");
    write_library(&lib, 6000);
    let mut g = Gloss::start_in(home.clone(), &[lib.to_str().unwrap()], 100, 24);
    let screen = g.wait_until("titles while the scan runs", |s| {
        s.contains("Article number") && s.contains("scanning…")
    });
    assert!(screen.contains("Library ("), "{screen}");
    g.send("q");
    assert_eq!(g.wait_exit(), 0);
}

#[test]
fn a_file_added_to_the_folder_shows_without_a_restart() {
    let home = temp_home();
    let lib = home.path().join("lib");
    write_library(&lib, 3);
    let mut g = Gloss::start_in(home.clone(), &[lib.to_str().unwrap()], 100, 24);
    g.wait_for("3 articles · by title");
    fs::write(lib.join("new.md"), "# A piece that just arrived\n\nText.\n").unwrap();
    g.wait_for("A piece that just arrived");
    g.wait_for("4 articles");
    fs::remove_file(lib.join("new.md")).unwrap();
    g.wait_until("the removed article gone", |s| {
        !s.contains("A piece that just arrived") && s.contains("Library (3)")
    });
    g.send("q");
    g.wait_exit();
}

#[test]
fn a_second_start_lists_unchanged_articles_from_the_cache() {
    let home = temp_home();
    let lib = home.path().join("lib");
    fs::create_dir_all(&lib).unwrap();
    let file = lib.join("piece.md");
    fs::write(&file, "# Original title\n\nText.\n").unwrap();
    fs::write(lib.join("other.md"), "# Other article\n\nText.\n").unwrap();
    let modified = fs::metadata(&file).unwrap().modified().unwrap();

    let mut g = Gloss::start_in(home.clone(), &[lib.to_str().unwrap()], 100, 24);
    g.wait_for("2 articles · by title");
    assert!(g.screen().contains("Original title"));
    g.send("q");
    g.wait_exit();

    // The same length and modification time, another title: a start that
    // read the file would show the new title; one that trusts the cache
    // shows the old one.
    fs::write(&file, "# Replaced title\n\nText.\n").unwrap();
    fs::File::options()
        .write(true)
        .open(&file)
        .unwrap()
        .set_modified(modified)
        .unwrap();
    let mut g = Gloss::start_in(home.clone(), &[lib.to_str().unwrap()], 100, 24);
    let screen = g.wait_for("2 articles · by title");
    assert!(screen.contains("Original title"), "{screen}");
    assert!(!screen.contains("Replaced title"), "{screen}");
    g.send("q");
    g.wait_exit();

    // A changed modification time is a changed file: read again.
    fs::File::options()
        .write(true)
        .open(&file)
        .unwrap()
        .set_modified(std::time::SystemTime::now())
        .unwrap();
    let mut g = Gloss::start_in(home.clone(), &[lib.to_str().unwrap()], 100, 24);
    g.wait_for("Replaced title");
    g.send("q");
    g.wait_exit();
}

#[test]
fn one_file_opens_in_the_reader_and_the_list_is_a_key_away() {
    let home = temp_home();
    let file = home.path().join("piece.md");
    fs::write(
        &file,
        "# A single piece\n\nThe first paragraph of the piece.\n",
    )
    .unwrap();
    let mut g = Gloss::start_in(home.clone(), &[file.to_str().unwrap()], 100, 24);
    // Open at once, the cursor in the text.
    g.wait_for("The first paragraph of the piece.");
    g.wait_for("A single piece");
    // Tab gives the list the focus.
    g.send("\t");
    g.wait_for("1 article · by title");
    g.send("q");
    g.wait_exit();
}

#[test]
fn r_reads_the_folders_again_and_says_when_it_is_done() {
    let home = temp_home();
    let lib = home.path().join("lib");
    write_library(&lib, 3);
    let mut g = Gloss::start_in(home.clone(), &[lib.to_str().unwrap()], 100, 24);
    g.wait_for("3 articles · by title");
    g.send("R");
    g.wait_for("library read again: 3 articles");
    // A file it cannot read is named, as at a start.
    fs::write(lib.join("broken.md"), b"not\0text\0at all").unwrap();
    g.send("R");
    g.wait_for("library read again: 3 articles; 1 skipped");
    g.send("q");
    g.wait_exit();
}
