//! A full disk and a read-only data directory: the save fails with an error
//! that says why, nothing on disk changes, the caller still has its changes
//! and a later save with them succeeds.
//!
//! The full disk is tested for real on a small tmpfs when this runs as root
//! and `mount` works, and always through a disk that fails on purpose. The
//! read-only directory is a read-only remount as root, else a folder without
//! write permission.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use gloss::annotations::testing::{self, CharOffset};
use gloss::annotations::{ArticleRecord, Disk, Highlight, Op, RealDisk, Store, StoreError};

/// errno for "No space left on device" on Linux.
const ENOSPC: i32 = 28;

const ARTICLE: &str = "/articles/full.md";

fn record() -> ArticleRecord {
    ArticleRecord {
        title: "Full disk".into(),
        author: None,
        date: None,
        path: ARTICLE.into(),
        fingerprint: String::new(),
        archived: None,
    }
}

fn highlight(id: &str, note: &str) -> Highlight {
    testing::highlight(id)
        .quote_at("words", CharOffset::new(0))
        .note(note)
        .build()
}

/// A disk that is full for its first `failures` writes: it writes half the
/// bytes, as a real full disk does, then fails.
#[derive(Debug)]
struct FullDisk {
    failures: AtomicUsize,
}

impl Disk for FullDisk {
    fn write_new(&self, path: &Path, bytes: &[u8]) -> io::Result<()> {
        let left = self.failures.load(Ordering::SeqCst);
        if left == 0 {
            return RealDisk.write_new(path, bytes);
        }
        self.failures.store(left - 1, Ordering::SeqCst);
        fs::write(path, &bytes[..bytes.len() / 2])?;
        Err(io::Error::from_raw_os_error(ENOSPC))
    }
}

fn folder_listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir.join("annotations"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn notes_on_disk(dir: &Path) -> Vec<String> {
    Store::new(dir)
        .find(Path::new(ARTICLE), "")
        .unwrap()
        .unwrap()
        .content
        .highlights
        .into_iter()
        .map(|h| h.note)
        .collect()
}

/// Checks what a failed save must leave: an error giving the reason first,
/// the file byte for byte as before, no temporary file, nothing new.
fn assert_failed_cleanly(
    err: &StoreError,
    reason: &str,
    file: &Path,
    before: &[u8],
    listing: &[String],
    dir: &Path,
) {
    assert!(err.to_string().starts_with(reason), "{err}");
    assert_eq!(fs::read(file).unwrap(), before, "the file is untouched");
    assert_eq!(folder_listing(dir), listing, "nothing left behind");
}

#[test]
fn a_full_disk_fails_the_save_keeps_the_file_and_a_later_save_succeeds() {
    let dir = tempfile::tempdir().unwrap();
    let first = Store::new(dir.path())
        .apply(None, &record(), &[Op::Upsert(highlight("a", "before"))])
        .unwrap();
    let before = fs::read(&first.file).unwrap();
    let listing = folder_listing(dir.path());

    let store = Store::with_disk(
        dir.path(),
        Box::new(FullDisk {
            failures: AtomicUsize::new(2),
        }),
    );
    let found = store.find(Path::new(ARTICLE), "").unwrap().unwrap();
    let mut edited = found.content.highlights[0].clone();
    edited.note = "typed while the disk was full".into();
    let mut queued = vec![Op::Upsert(edited.clone())];
    let err = store
        .apply(Some(&found.file), &record(), &queued)
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Io { source, .. } if source.raw_os_error() == Some(ENOSPC)),
        "{err:?}"
    );
    assert_failed_cleanly(
        &err,
        "No space left on device",
        &found.file,
        &before,
        &listing,
        dir.path(),
    );

    // The caller keeps its changes and adds more; still full.
    edited.note = "typed again, still full".into();
    queued.push(Op::Upsert(edited.clone()));
    queued.push(Op::Upsert(highlight("b", "a new one")));
    let err = store
        .apply(Some(&found.file), &record(), &queued)
        .unwrap_err();
    assert_failed_cleanly(
        &err,
        "No space left on device",
        &found.file,
        &before,
        &listing,
        dir.path(),
    );

    // Space again: everything queued is saved, the last edit winning.
    let saved = store.apply(Some(&found.file), &record(), &queued).unwrap();
    assert!(queued.iter().skip(1).all(|op| saved.holds(op)));
    assert_eq!(
        notes_on_disk(dir.path()),
        ["typed again, still full", "a new one"]
    );
}

/// Whether this process may mount file systems (root in a system that
/// allows it); says why not otherwise.
fn can_mount(probe: &Path) -> bool {
    let ok = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=16k", "tmpfs"])
        .arg(probe)
        .status()
        .is_ok_and(|s| s.success());
    if ok {
        let _ = Command::new("umount").arg(probe).status();
    } else {
        eprintln!(
            "skipped the real-device part: cannot mount a tmpfs here (not root, or no permission)"
        );
    }
    ok
}

/// A small tmpfs mounted at a temporary folder, unmounted when dropped.
struct Tmpfs {
    at: PathBuf,
    _dir: tempfile::TempDir,
}

impl Tmpfs {
    fn mount(size: &str) -> Option<Self> {
        let dir = tempfile::tempdir().unwrap();
        let at = dir.path().join("mnt");
        fs::create_dir(&at).unwrap();
        if !can_mount(&at) {
            return None;
        }
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(&at)
            .status()
            .unwrap()
            .success();
        ok.then_some(Self { at, _dir: dir })
    }

    fn remount(&self, mode: &str) {
        let ok = Command::new("mount")
            .args(["-o", &format!("remount,{mode}")])
            .arg(&self.at)
            .status()
            .unwrap()
            .success();
        assert!(ok, "remount {mode}");
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.at).status();
    }
}

#[test]
fn a_really_full_device_fails_the_save_and_keeps_everything() {
    let Some(tmpfs) = Tmpfs::mount("256k") else {
        return;
    };
    let dir = tmpfs.at.clone();
    let store = Store::new(&dir);
    let first = store
        .apply(None, &record(), &[Op::Upsert(highlight("a", "before"))])
        .unwrap();
    let before = fs::read(&first.file).unwrap();
    // Fill the device.
    let filler = dir.join("filler");
    let chunk = vec![b'x'; 4096];
    let mut out = fs::File::create(&filler).unwrap();
    loop {
        use std::io::Write;
        if out.write_all(&chunk).and_then(|()| out.sync_all()).is_err() {
            break;
        }
    }
    drop(out);
    let listing = folder_listing(&dir);
    let long = "A long note written when the disk was full.\n".repeat(400);
    let ops = [Op::Upsert(highlight("b", &long))];
    let err = store.apply(Some(&first.file), &record(), &ops).unwrap_err();
    assert_failed_cleanly(
        &err,
        "No space left on device",
        &first.file,
        &before,
        &listing,
        &dir,
    );
    fs::remove_file(&filler).unwrap();
    let saved = store.apply(Some(&first.file), &record(), &ops).unwrap();
    assert!(saved.holds(&ops[0]));
    assert_eq!(notes_on_disk(&dir), ["before".to_string(), long]);
}

#[test]
fn a_read_only_data_directory_fails_the_save_and_a_later_save_succeeds() {
    let tmpfs = Tmpfs::mount("1m");
    let plain = tempfile::tempdir().unwrap();
    let dir = tmpfs
        .as_ref()
        .map_or(plain.path(), |t| t.at.as_path())
        .to_path_buf();
    let store = Store::new(&dir);
    let first = store
        .apply(None, &record(), &[Op::Upsert(highlight("a", "before"))])
        .unwrap();
    let before = fs::read(&first.file).unwrap();
    let listing = folder_listing(&dir);
    let folder = dir.join("annotations");
    let make_read_only = |read_only: bool| match &tmpfs {
        Some(t) => t.remount(if read_only { "ro" } else { "rw" }),
        None => {
            use std::os::unix::fs::PermissionsExt;
            let mode = if read_only { 0o555 } else { 0o755 };
            fs::set_permissions(&folder, fs::Permissions::from_mode(mode)).unwrap();
        }
    };
    make_read_only(true);
    if tmpfs.is_none() && fs::write(folder.join("probe"), "").is_ok() {
        // Root ignores permission bits; without mount there is no way to
        // make a folder read-only for this process.
        eprintln!("skipped: running as root without mount, a folder cannot be made read-only");
        return;
    }
    let ops = [Op::Upsert(highlight("b", "typed on a read-only disk"))];
    let err = store.apply(Some(&first.file), &record(), &ops).unwrap_err();
    let reason = if tmpfs.is_some() {
        "Read-only file system"
    } else {
        "Permission denied"
    };
    assert_failed_cleanly(&err, reason, &first.file, &before, &listing, &dir);
    // An article without notes yet cannot start a file either.
    let other = ArticleRecord {
        path: "/articles/other.md".into(),
        ..record()
    };
    assert!(store.apply(None, &other, &ops).is_err());
    assert_eq!(folder_listing(&dir), listing);

    make_read_only(false);
    let saved = store.apply(Some(&first.file), &record(), &ops).unwrap();
    assert!(saved.holds(&ops[0]));
    assert_eq!(notes_on_disk(&dir), ["before", "typed on a read-only disk"]);
}
