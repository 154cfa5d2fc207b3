//! The real binary in a pseudo-terminal, started on a library folder that
//! holds everything that used to hang or flood the start (issue 8): a FIFO
//! named like an article, an article linked to the terminal itself, two links
//! to the folder and a link loop. The list must show, each article once, with
//! the special files named as skipped.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly

mod support;

use std::ffi::CString;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::symlink;
use std::path::Path;

use support::Gloss;

fn mkfifo(path: &Path) {
    let c = CString::new(path.as_os_str().as_bytes()).unwrap();
    // SAFETY: `c` is a valid NUL-terminated path for the duration of the call.
    let rc = unsafe { libc::mkfifo(c.as_ptr(), 0o644) };
    assert_eq!(rc, 0, "mkfifo failed");
}

#[test]
fn a_hostile_library_folder_shows_its_list_with_each_article_once() {
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("lib");
    let sub = lib.join("sub");
    fs::create_dir_all(&sub).unwrap();
    fs::write(lib.join("real.md"), "# Harbour notes\n\nText.\n").unwrap();
    fs::write(sub.join("other.md"), "# Tide tables\n\nText.\n").unwrap();
    mkfifo(&lib.join("a-pipe.md"));
    // The terminal gloss runs in: reading it would take the keyboard.
    symlink("/dev/tty", lib.join("b-tty.md")).unwrap();
    symlink(".", lib.join("self1")).unwrap();
    symlink(".", lib.join("self2")).unwrap();
    symlink(&lib, sub.join("up")).unwrap();

    let mut gloss = Gloss::start(&[lib.to_str().unwrap()], 120, 30);
    // The list and the status bar may arrive in separate reads.
    let screen = gloss.wait_until("the list and the skipped files", |s| {
        s.contains("Tide tables") && s.contains("skipped (")
    });
    assert_eq!(screen.matches("Harbour notes").count(), 1, "{screen}");
    assert_eq!(screen.matches("Tide tables").count(), 1, "{screen}");
    assert!(
        screen.contains("2 skipped (a FIFO (named pipe), not a regular file: a-pipe.md; "),
        "{screen}"
    );
    gloss.send("q");
    gloss.wait_exit();
}
