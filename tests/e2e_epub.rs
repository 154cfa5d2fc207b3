#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly
//! End to end with an EPUB book: `gloss BOOK.epub` opens it, a passage of
//! chapter 2 is highlighted with a note, and after quitting, the highlight is
//! found again on the same words: at the same path, and after the book is
//! re-zipped and moved (by the fingerprint of its text, not of the zip). The
//! W3C export names the .epub file as the source.

#[path = "support/epub.rs"]
mod epub_book;
mod support;

use std::fs;
use std::path::PathBuf;
use std::process::Command;

use support::{Gloss, fixtures, temp_home};

const CTRL_S: &str = "\x13";
const YELLOW: vt100::Color = vt100::Color::Rgb(0xff, 0xe0, 0x66);

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

fn book_copy(home: &tempfile::TempDir) -> PathBuf {
    let dir = home.path().join("books");
    fs::create_dir_all(&dir).unwrap();
    let path = dir.join("almanac.epub");
    fs::copy(fixtures().join("epub/three-chapters.epub"), &path).unwrap();
    path
}

/// Opens the book and waits for its list entry, then for its text.
fn open(g: &mut Gloss) {
    g.wait_for("Mara Quill");
    g.send("\r");
    g.wait_for("trimmed the wick");
}

#[test]
fn a_highlight_in_chapter_two_is_found_again_after_a_restart_and_a_rezip() {
    let home = temp_home();
    let book = book_copy(&home);
    let arg = book.display().to_string();
    let mut g = Gloss::start_in(home.clone(), &[&arg], 100, 30);
    open(&mut g);
    g.send("/gull sheltered\r");
    g.wait_for("1/1");
    g.send("s");
    g.send("\r");
    g.wait_for("Ctrl-s save");
    g.send("the gull #birds");
    g.send(CTRL_S);
    g.wait_for("note saved");
    g.send("q");
    assert_eq!(g.wait_exit(), 0);

    // Same file: found by its path.
    let mut g = Gloss::start_in(home.clone(), &[&arg], 100, 30);
    let list = g.wait_for("Mara Quill");
    assert!(
        list.contains("✎1"),
        "the list counts the highlight:\n{list}"
    );
    g.send("\r");
    g.wait_for("gull sheltered");
    g.send("]");
    g.wait_for("✎ the gull #birds");
    assert_eq!(background_of(&g, "gull sheltered"), Some(YELLOW));
    g.send("q");
    assert_eq!(g.wait_exit(), 0);

    // The same book packed again (stored, entries in another order) under
    // another name: found by the fingerprint of its text.
    fs::remove_file(&book).unwrap();
    let mut again = epub_book::three_chapters();
    again.level = 0;
    again.reverse = true;
    let moved = book.with_file_name("almanac-repacked.epub");
    fs::write(&moved, epub_book::write(&again)).unwrap();
    let moved_arg = moved.display().to_string();
    let mut g = Gloss::start_in(home.clone(), &[&moved_arg], 100, 30);
    let list = g.wait_for("Mara Quill");
    assert!(
        list.contains("✎1"),
        "the moved book keeps its highlight:\n{list}"
    );
    g.send("\r");
    g.wait_for("trimmed the wick");
    g.send("/gull\r");
    g.wait_for("1/1");
    // (the search match itself is drawn in the search colour)
    assert_eq!(background_of(&g, "sheltered on the"), Some(YELLOW));
    g.send("q");
    assert_eq!(g.wait_exit(), 0);

    // The W3C export names the book's file.
    let out = Command::new(env!("CARGO_BIN_EXE_gloss"))
        .args(["export", "--format", "w3c"])
        .current_dir(home.path())
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .env_remove("GLOSS_DATA_DIR")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let text = json.to_string();
    assert!(text.contains("almanac-repacked.epub"), "{text}");
    assert!(
        text.contains("On the fourth morning a gull sheltered on the gallery rail."),
        "{text}"
    );
}

#[test]
fn a_damaged_book_on_the_command_line_is_refused_before_the_terminal_is_taken() {
    let home = temp_home();
    let path = home.path().join("broken.epub");
    fs::write(&path, b"PK\x03\x04 this is not really a zip").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_gloss"))
        .arg(&path)
        .current_dir(home.path())
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .env_remove("GLOSS_DATA_DIR")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not a readable EPUB"), "{err}");
    assert!(err.contains("broken.epub"), "{err}");
}
