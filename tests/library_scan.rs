//! A library folder can hold anything: named pipes, links to devices, links
//! back to itself, huge or unreadable files, odd names. Scanning it must
//! list each real article once, say why anything else was skipped, and never
//! block or grow without bound.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly

#[path = "support/gzip.rs"]
mod gzip;

use std::ffi::{CString, OsStr};
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use gloss::library::{self, Scan, Source};

/// Long enough for any machine; only there so a regression fails instead of
/// hanging the test run.
const HANG_GUARD: Duration = Duration::from_secs(120);

/// Scans on another thread, so a scan that blocks fails the test.
fn scan_guarded(paths: Vec<PathBuf>, limit: u64) -> Scan {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(library::scan_within(&paths, limit));
    });
    rx.recv_timeout(HANG_GUARD)
        .expect("the scan blocked instead of listing the library")
}

fn scan_dir(dir: &Path) -> Scan {
    scan_guarded(vec![dir.to_path_buf()], library::DEFAULT_MAX_FILE_SIZE)
}

fn titles(scan: &Scan) -> Vec<&str> {
    scan.articles.iter().map(|a| a.title.as_str()).collect()
}

fn skipped_reason(scan: &Scan, name: &str) -> String {
    scan.skipped
        .iter()
        .find(|s| s.path.file_name() == Some(OsStr::new(name)))
        .map(|s| s.reason.clone())
        .unwrap_or_else(|| panic!("{name} not reported as skipped: {:?}", scan.skipped))
}

fn mkfifo(path: &Path) {
    let c = CString::new(path.as_os_str().as_bytes()).unwrap();
    // SAFETY: `c` is a valid NUL-terminated path for the duration of the call.
    let rc = unsafe { libc::mkfifo(c.as_ptr(), 0o644) };
    assert_eq!(rc, 0, "mkfifo failed");
}

fn article(dir: &Path, name: &str, title: &str) {
    fs::write(dir.join(name), format!("# {title}\n\nBody of {title}.\n")).unwrap();
}

#[test]
fn a_fifo_named_md_is_skipped_as_a_fifo_without_blocking_the_list() {
    let dir = tempfile::tempdir().unwrap();
    article(dir.path(), "real.md", "Real");
    mkfifo(&dir.path().join("pipe.md"));
    let scan = scan_dir(dir.path());
    assert_eq!(titles(&scan), ["Real"]);
    assert_eq!(
        skipped_reason(&scan, "pipe.md"),
        "a FIFO (named pipe), not a regular file"
    );
    let summary = scan.summary().unwrap();
    assert!(
        summary.starts_with("1 skipped (a FIFO (named pipe), not a regular file: pipe.md)"),
        "{summary}"
    );
}

#[test]
fn a_link_to_a_device_is_skipped_and_never_read() {
    let dir = tempfile::tempdir().unwrap();
    // /dev/zero would never end if read: being listed as skipped proves it
    // was recognised by its type alone.
    symlink("/dev/zero", dir.path().join("x.md")).unwrap();
    let scan = scan_dir(dir.path());
    assert!(scan.articles.is_empty());
    assert_eq!(
        skipped_reason(&scan, "x.md"),
        "a character device, not a regular file"
    );
}

#[test]
fn a_socket_named_md_is_skipped_as_a_socket() {
    let dir = tempfile::tempdir().unwrap();
    let _listener = std::os::unix::net::UnixListener::bind(dir.path().join("s.md")).unwrap();
    let scan = scan_dir(dir.path());
    assert!(scan.articles.is_empty());
    assert_eq!(
        skipped_reason(&scan, "s.md"),
        "a socket, not a regular file"
    );
}

#[test]
fn two_links_to_the_folder_itself_list_each_article_once() {
    let dir = tempfile::tempdir().unwrap();
    article(dir.path(), "a.md", "Alpha");
    article(dir.path(), "b.md", "Beta");
    symlink(".", dir.path().join("self1")).unwrap();
    symlink(".", dir.path().join("self2")).unwrap();
    let scan = scan_dir(dir.path());
    assert_eq!(titles(&scan), ["Alpha", "Beta"]);
    assert!(scan.skipped.is_empty(), "{:?}", scan.skipped);
}

#[test]
fn a_link_loop_between_folders_lists_the_article_once() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    fs::create_dir_all(&a).unwrap();
    fs::create_dir_all(&b).unwrap();
    article(&a, "deep.md", "Deep");
    symlink(&b, a.join("to-b")).unwrap();
    symlink(&a, b.join("to-a")).unwrap();
    let scan = scan_dir(dir.path());
    assert_eq!(titles(&scan), ["Deep"]);
}

#[test]
fn a_file_reached_by_two_names_is_listed_once() {
    let dir = tempfile::tempdir().unwrap();
    article(dir.path(), "one.md", "One");
    fs::hard_link(dir.path().join("one.md"), dir.path().join("hard.md")).unwrap();
    symlink("one.md", dir.path().join("soft.md")).unwrap();
    let scan = scan_guarded(
        vec![dir.path().to_path_buf(), dir.path().join("one.md")],
        library::DEFAULT_MAX_FILE_SIZE,
    );
    assert_eq!(titles(&scan), ["One"]);
}

#[test]
fn a_sparse_file_over_the_limit_is_refused_by_its_size_unread() {
    let dir = tempfile::tempdir().unwrap();
    let huge = fs::File::create(dir.path().join("huge.md")).unwrap();
    // 1 TiB of holes: reading it first would exhaust memory.
    huge.set_len(1 << 40).unwrap();
    article(dir.path(), "small.md", "Small");
    let scan = scan_dir(dir.path());
    assert_eq!(titles(&scan), ["Small"]);
    assert_eq!(
        skipped_reason(&scan, "huge.md"),
        "too large (1 TiB, the limit is 64 MiB; see reader.max_file_size_mib)"
    );
}

#[test]
fn the_summary_gives_every_skipped_file_its_reason() {
    let dir = tempfile::tempdir().unwrap();
    article(dir.path(), "ok.md", "Fine");
    mkfifo(&dir.path().join("a-pipe.md"));
    fs::write(dir.path().join("b-binary.md"), b"\0\x01\x02").unwrap();
    fs::File::create(dir.path().join("c-huge.md"))
        .unwrap()
        .set_len(1 << 40)
        .unwrap();
    let summary = scan_dir(dir.path()).summary().unwrap();
    assert!(summary.starts_with("3 skipped ("), "{summary}");
    for (reason, name) in [
        ("a FIFO (named pipe)", "a-pipe.md"),
        ("binary file", "b-binary.md"),
        ("too large", "c-huge.md"),
    ] {
        assert!(
            summary.contains(reason) && summary.contains(name),
            "{reason} / {name} missing from: {summary}"
        );
    }
}

#[test]
fn the_size_limit_is_exact_and_applies_to_opening_too() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("edge.md");
    fs::write(&path, "x".repeat(1000)).unwrap();
    let at_limit = scan_guarded(vec![path.clone()], 1000);
    assert_eq!(at_limit.articles.len(), 1);
    assert!(library::load_within(&Source::File(path.clone()), 1000).is_ok());

    let over = scan_guarded(vec![path.clone()], 999);
    assert!(over.articles.is_empty());
    let err = library::load_within(&Source::File(path), 999).unwrap_err();
    assert!(
        err.starts_with("too large (1000 bytes, the limit is 999 bytes"),
        "{err}"
    );
}

#[test]
fn loading_a_file_replaced_by_a_fifo_fails_with_the_reason_without_blocking() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("swap.md");
    article(dir.path(), "swap.md", "Swap");
    let scan = scan_dir(dir.path());
    assert_eq!(titles(&scan), ["Swap"]);
    fs::remove_file(&path).unwrap();
    mkfifo(&path);
    let source = scan.articles[0].source.clone();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(library::load(&source).map(drop));
    });
    let err = rx
        .recv_timeout(HANG_GUARD)
        .expect("load blocked")
        .unwrap_err();
    assert!(
        err.starts_with("a FIFO (named pipe), not a regular file: "),
        "{err}"
    );
}

#[test]
fn an_unreadable_folder_and_file_are_skipped_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let locked = dir.path().join("locked");
    fs::create_dir(&locked).unwrap();
    article(&locked, "inside.md", "Inside");
    article(dir.path(), "closed.md", "Closed");
    article(dir.path(), "open.md", "Open");
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
    fs::set_permissions(
        dir.path().join("closed.md"),
        fs::Permissions::from_mode(0o000),
    )
    .unwrap();
    // Root reads anything: then permissions cannot be tested, only that the
    // scan still lists everything.
    let root = fs::read_dir(&locked).is_ok();
    let scan = scan_dir(dir.path());
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o755)).unwrap();
    if root {
        assert_eq!(titles(&scan), ["Closed", "Inside", "Open"]);
        return;
    }
    assert_eq!(titles(&scan), ["Open"]);
    assert_eq!(skipped_reason(&scan, "locked"), "permission denied");
    assert_eq!(skipped_reason(&scan, "closed.md"), "permission denied");
}

#[test]
fn a_file_name_that_is_not_utf8_is_listed_and_loads() {
    let dir = tempfile::tempdir().unwrap();
    let name = OsStr::from_bytes(b"caf\xe9.md");
    fs::write(
        dir.path().join(name),
        "Just text, no title line here at all.\n",
    )
    .unwrap();
    let scan = scan_dir(dir.path());
    assert_eq!(scan.articles.len(), 1);
    // The path keeps its exact bytes, so the file is found again.
    assert_eq!(scan.articles[0].source, Source::File(dir.path().join(name)));
    let loaded = library::load(&scan.articles[0].source).unwrap();
    assert!(loaded.text.starts_with("Just text"));
}

#[test]
fn controls_in_file_names_never_reach_the_list_or_the_summary() {
    let dir = tempfile::tempdir().unwrap();
    // A bidi override and an escape sequence in names, one listed under its
    // name (no title in the text) and one skipped.
    let listed = "evil\u{202e}dm.txt\x1b[31m.md";
    fs::write(dir.path().join(listed), "").unwrap();
    mkfifo(&dir.path().join("pipe\x1b]0;owned\x07.md"));
    let scan = scan_dir(dir.path());
    assert_eq!(scan.articles.len(), 1);
    let title = &scan.articles[0].title;
    let summary = scan.summary().unwrap();
    for shown in [title.as_str(), summary.as_str()] {
        assert!(
            !shown.chars().any(|c| c.is_control() || c == '\u{202e}'),
            "{shown:?}"
        );
    }
    assert!(title.starts_with("evil"), "{title}");
}

#[test]
fn a_utf16_article_is_listed_with_its_title() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = vec![0xFF, 0xFE];
    for unit in "# Grüße aus 🌍\n\nText.\n".encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    fs::write(dir.path().join("wide.md"), bytes).unwrap();
    let scan = scan_dir(dir.path());
    assert_eq!(titles(&scan), ["Grüße aus 🌍"]);
    assert!(!scan.articles[0].lossy);
}

#[test]
fn gzipped_articles_are_listed_by_their_title_and_opened_as_their_format() {
    let dir = tempfile::tempdir().unwrap();
    let news = "# Harbour News\n\nThe **breakwater** was finished.\n";
    fs::write(
        dir.path().join("news.md.gz"),
        gzip::gzipped(news.as_bytes()),
    )
    .unwrap();
    // Compressed files that are not articles by name are not listed.
    fs::write(dir.path().join("data.json.gz"), gzip::gzipped(b"{}")).unwrap();
    fs::write(
        dir.path().join("changes.json.gz"),
        gzip::gzipped(b"lamp (1.0) stable\n"),
    )
    .unwrap();
    // A saved page gzipped is a page; a book gzipped is not read (a book
    // is opened by seeking in its zip).
    let page = "<html><head><title>Tide Tables</title></head><body><p>High water at six.</p></body></html>";
    fs::write(
        dir.path().join("tides.html.gz"),
        gzip::gzipped(page.as_bytes()),
    )
    .unwrap();
    fs::write(dir.path().join("book.epub.gz"), gzip::gzipped(b"PK")).unwrap();
    let scan = scan_dir(dir.path());
    assert_eq!(titles(&scan), ["Harbour News", "Tide Tables"]);
    let loaded = library::load(&scan.articles[0].source).unwrap();
    assert_eq!(loaded.format, gloss::document::Format::Markdown);
    assert_eq!(loaded.text.as_str(), news);
    // The reader's own read gives the same text.
    let reading = library::load_for_reading(&scan.articles[0].source, 1 << 20).unwrap();
    assert_eq!(reading.text.as_str(), news);
    // Named on the command line, any gzip file is read, told by its text.
    let changelog = scan_guarded(vec![dir.path().join("changes.json.gz")], 1 << 20);
    assert_eq!(titles(&changelog), ["lamp (1.0) stable"]);
}

#[test]
fn a_damaged_gzip_article_is_skipped_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let mut cut = gzip::gzipped("The lamp was mended.\n".repeat(500).as_bytes());
    cut.truncate(cut.len() / 2);
    fs::write(dir.path().join("cut.txt.gz"), cut).unwrap();
    let scan = scan_dir(dir.path());
    assert!(scan.articles.is_empty(), "{:?}", titles(&scan));
    assert!(skipped_reason(&scan, "cut.txt.gz").starts_with("damaged gzip file"));
}

#[test]
fn readme_news_changelog_and_copyright_files_are_listed_without_an_extension() {
    let dir = tempfile::tempdir().unwrap();
    let text = |name: &str, first: &str| {
        fs::write(dir.path().join(name), format!("{first}\n\nSome text.\n")).unwrap();
    };
    text("README", "Lamp README");
    text("copyright", "Lamp copyright notice");
    text("NEWS.Debian", "Lamp news for Debian");
    text("AUTHORS", "Lamp authors");
    fs::write(
        dir.path().join("changelog.Debian.gz"),
        gzip::gzipped(b"lamp (1.0-1) unstable; urgency=low\n\n  * First upload.\n"),
    )
    .unwrap();
    // Other names without an article extension are still left out.
    text("Makefile", "all:");
    text("README.c", "int main;");
    text("lamp", "a program");
    let scan = scan_dir(dir.path());
    let mut listed = titles(&scan);
    listed.sort_unstable();
    assert_eq!(
        listed,
        [
            "Lamp README",
            "Lamp authors",
            "Lamp copyright notice",
            "Lamp news for Debian",
            "lamp (1.0-1) unstable; urgency=low"
        ]
    );
    assert_eq!(scan.ignored, 3, "{:?}", scan.ignored);
}
