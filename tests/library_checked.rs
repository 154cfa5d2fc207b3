//! `gloss FILE` checks the file before the terminal is taken over, and the
//! list takes the title, author and date the check read instead of reading
//! the file's start a second time; a file changed between the two is read
//! again, so the list never shows what the file no longer says.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly

use std::fs;
use std::path::Path;

use gloss::library;

fn write(path: &Path, text: &str) {
    fs::write(path, text).unwrap();
}

fn titles(scan: &library::Scan) -> Vec<String> {
    scan.articles.iter().map(|a| a.title.clone()).collect()
}

#[test]
fn the_list_shows_what_the_check_read_without_reading_the_file_again() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("harbour.md");
    write(&path, "# Alpha harbour\n\nBy Ada Quay\n\nText.\n");
    let modified = fs::metadata(&path).unwrap().modified().unwrap();
    let checked = library::check_article(&path, u64::MAX).unwrap();
    // The same size and time, other words: only a second read would see it.
    write(&path, "# Bravo harbour\n\nBy Ada Quay\n\nText.\n");
    fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(modified)
        .unwrap();
    let roots = [path.clone()];
    let listed = library::scan_within_checked(&roots, u64::MAX, checked);
    assert_eq!(titles(&listed), ["Alpha harbour"]);
    // Without the check's listing the file is read.
    let read = library::scan_within(&roots, u64::MAX);
    assert_eq!(titles(&read), ["Bravo harbour"]);
}

#[test]
fn a_file_changed_after_its_check_is_read_again() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("harbour.md");
    write(&path, "# Before\n\nText.\n");
    let checked = library::check_article(&path, u64::MAX).unwrap();
    write(&path, "# After the storm\n\nLonger text than before.\n");
    let listed = library::scan_within_checked(&[path], u64::MAX, checked);
    assert_eq!(titles(&listed), ["After the storm"]);
}

#[test]
fn a_file_the_check_refuses_is_named_in_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("binary.md");
    fs::write(&path, b"\0\0\0binary").unwrap();
    let err = library::check_article(&path, u64::MAX).unwrap_err();
    assert!(err.contains("binary.md"), "{err}");
}
