//! Writes the small EPUB the tests read, `tests/fixtures/epub/three-chapters.epub`
//! (three chapters, a navigation document and an image), from the same code the
//! tests use (`tests/support/epub.rs`), so the committed file can be made again:
//! `cargo run --example make_epub_fixture`. `tests/epub_read.rs` checks that
//! the committed file is what this writes.

// A generator run by hand: a failure should stop it loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/support/epub.rs"]
mod epub;

fn main() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/epub/three-chapters.epub");
    let bytes = epub::write(&epub::three_chapters());
    std::fs::write(&path, &bytes).expect("write the fixture");
    println!("wrote {} ({} bytes)", path.display(), bytes.len());
}
