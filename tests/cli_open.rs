//! Paths on the command line (`gloss PATH`, `gloss open PATH`) that are not
//! articles are refused before the terminal is touched: exit status 2 and a
//! message that starts with the reason, never a hang or a panic. The binary
//! runs here without a terminal, so an accepted path gets as far as "the
//! reader needs a terminal".
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly

use std::ffi::{CString, OsStr, OsString};
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Only there so a regression fails instead of hanging the test run.
const HANG_GUARD: Duration = Duration::from_secs(120);

/// Runs gloss with `args` in a private home, config and data folder;
/// returns the exit code and stderr.
fn gloss(home: &Path, args: &[&OsStr]) -> (Option<i32>, String) {
    let config = home.join("config.toml");
    if !config.exists() {
        fs::write(&config, "").unwrap();
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_gloss"))
        .arg("--config")
        .arg(&config)
        .arg("--data-dir")
        .arg(home.join("data"))
        .args(args)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("xdg-config"))
        .env("XDG_DATA_HOME", home.join("xdg-data"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if start.elapsed() > HANG_GUARD {
            let _ = child.kill();
            panic!("gloss hung on {args:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn open(home: &Path, path: &Path) -> (Option<i32>, String) {
    gloss(home, &[OsStr::new("open"), path.as_os_str()])
}

fn mkfifo(path: &Path) {
    let c = CString::new(path.as_os_str().as_bytes()).unwrap();
    // SAFETY: `c` is a valid NUL-terminated path for the duration of the call.
    let rc = unsafe { libc::mkfifo(c.as_ptr(), 0o644) };
    assert_eq!(rc, 0, "mkfifo failed");
}

fn assert_refused(result: (Option<i32>, String), reason: &str, path: &Path) {
    let (code, stderr) = result;
    assert_eq!(code, Some(2), "{stderr}");
    let expected = format!("gloss: {reason}: {}\n", path.display());
    assert_eq!(stderr, expected);
}

#[test]
fn open_on_a_fifo_says_fifo_first_and_does_not_hang() {
    let home = tempfile::tempdir().unwrap();
    let pipe = home.path().join("x.md");
    mkfifo(&pipe);
    assert_refused(
        open(home.path(), &pipe),
        "a FIFO (named pipe), not a regular file",
        &pipe,
    );
    // Plain `gloss PATH` too, when no path is usable.
    assert_refused(
        gloss(home.path(), &[pipe.as_os_str()]),
        "a FIFO (named pipe), not a regular file",
        &pipe,
    );
}

#[test]
fn open_on_a_device_a_socket_or_a_folder_names_what_it_is() {
    let home = tempfile::tempdir().unwrap();
    let zero = Path::new("/dev/zero");
    assert_refused(
        open(home.path(), zero),
        "a character device, not a regular file",
        zero,
    );
    let socket = home.path().join("s.md");
    let _listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
    assert_refused(
        open(home.path(), &socket),
        "a socket, not a regular file",
        &socket,
    );
    let folder = home.path().join("folder.md");
    fs::create_dir(&folder).unwrap();
    assert_refused(
        open(home.path(), &folder),
        "a folder, not a regular file",
        &folder,
    );
}

#[test]
fn open_on_a_binary_file_says_binary() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("image.md");
    fs::write(&file, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap();
    assert_refused(
        open(home.path(), &file),
        "binary file (contains NUL bytes)",
        &file,
    );
}

#[test]
fn open_on_a_sparse_terabyte_is_refused_by_its_size() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("huge.md");
    fs::File::create(&file).unwrap().set_len(1 << 40).unwrap();
    assert_refused(
        open(home.path(), &file),
        "too large (1 TiB, the limit is 64 MiB; see reader.max_file_size_mib)",
        &file,
    );
}

#[test]
fn the_configured_size_limit_is_applied_to_command_line_paths() {
    let home = tempfile::tempdir().unwrap();
    fs::write(
        home.path().join("config.toml"),
        "[reader]\nmax_file_size_mib = 1\n",
    )
    .unwrap();
    let file = home.path().join("big.txt");
    fs::write(&file, "word ".repeat(300_000)).unwrap();
    assert_refused(
        open(home.path(), &file),
        "too large (1.4 MiB, the limit is 1 MiB; see reader.max_file_size_mib)",
        &file,
    );
}

#[test]
fn open_on_a_utf16_article_accepts_it() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("wide.txt");
    let mut bytes = vec![0xFE, 0xFF];
    for unit in "Hello from UTF-16\n".encode_utf16() {
        bytes.extend_from_slice(&unit.to_be_bytes());
    }
    fs::write(&file, bytes).unwrap();
    let (code, stderr) = open(home.path(), &file);
    assert_eq!(code, Some(2));
    assert!(
        stderr.starts_with("gloss: the reader needs a terminal"),
        "{stderr}"
    );
}

#[test]
fn an_unreadable_file_is_refused_with_permission_denied() {
    use std::os::unix::fs::PermissionsExt;
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("closed.md");
    fs::write(&file, "text\n").unwrap();
    fs::set_permissions(&file, fs::Permissions::from_mode(0o000)).unwrap();
    if fs::File::open(&file).is_ok() {
        // Running as root: permissions do not apply.
        return;
    }
    assert_refused(open(home.path(), &file), "permission denied", &file);
}

#[test]
fn a_missing_name_that_is_not_utf8_is_reported_without_a_panic() {
    let home = tempfile::tempdir().unwrap();
    let name: OsString = OsStr::from_bytes(b"caf\xe9.md").to_os_string();
    let file = home.path().join(name);
    let (code, stderr) = open(home.path(), &file);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.starts_with("gloss: no such file or folder: "),
        "{stderr}"
    );
    assert!(stderr.contains("caf\u{fffd}.md"), "{stderr}");
}

#[test]
fn an_escape_in_a_refused_name_is_not_printed_raw() {
    let home = tempfile::tempdir().unwrap();
    let pipe = home.path().join("t\x1b]0;owned\x07\u{202e}.md");
    mkfifo(&pipe);
    let (code, stderr) = open(home.path(), &pipe);
    assert_eq!(code, Some(2));
    assert!(stderr.starts_with("gloss: a FIFO (named pipe), not a regular file: "));
    assert!(
        !stderr.contains('\x1b') && !stderr.contains('\x07') && !stderr.contains('\u{202e}'),
        "{stderr:?}"
    );
}

#[test]
fn one_usable_path_among_refused_ones_still_opens_the_reader() {
    let home = tempfile::tempdir().unwrap();
    let pipe = home.path().join("x.md");
    mkfifo(&pipe);
    let good = home.path().join("good.md");
    fs::write(&good, "# Good\n").unwrap();
    let (code, stderr) = gloss(home.path(), &[pipe.as_os_str(), good.as_os_str()]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.starts_with("gloss: the reader needs a terminal"),
        "{stderr}"
    );
}
