//! Editing a note in the user's own editor (`$VISUAL`, else `$EDITOR`, else
//! `vi`), because long notes are more comfortable there than in a pop-up.
//!
//! This module only runs the editor on a temporary file: it does not touch the
//! terminal. The runtime leaves the TUI before calling [`edit`] and enters it
//! again afterwards, so the editor gets a normal terminal.
//!
//! The editor variable is split on whitespace into a program and its
//! arguments (so `code --wait` or `vim -c startinsert` work); quotes are not
//! understood, so a program path containing spaces cannot be used.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, anyhow, bail};

/// Used when neither `$VISUAL` nor `$EDITOR` is set: present on every Unix.
const FALLBACK_EDITOR: &str = "vi";

/// Edits `text` in the editor the user configured and returns the result.
pub fn edit(text: &str) -> Result<String> {
    edit_with(&editor_command(), text)
}

/// The editor command from the environment: `$VISUAL`, then `$EDITOR`, then
/// `vi`; empty or blank variables count as unset.
pub fn editor_command() -> String {
    ["VISUAL", "EDITOR"]
        .into_iter()
        .filter_map(|name| std::env::var(name).ok())
        .find(|value| !value.trim().is_empty())
        .unwrap_or_else(|| FALLBACK_EDITOR.to_owned())
}

/// Edits `text` with `command` (a program and arguments separated by
/// whitespace; the file name is added last). Kept apart from [`edit`] so the
/// command can be chosen without touching process-wide environment variables.
///
/// The file ends with a newline, as editors expect; exactly one trailing
/// newline is removed on reading back, so an unchanged note comes back equal.
pub fn edit_with(command: &str, text: &str) -> Result<String> {
    let mut words = command.split_whitespace();
    let program = words
        .next()
        .ok_or_else(|| anyhow!("no editor command: set $VISUAL or $EDITOR"))?;
    let file = TempNote::create(text)?;
    let status = Command::new(program)
        .args(words)
        .arg(file.path())
        .status()
        .with_context(|| format!("could not start the editor `{command}`"))?;
    if !status.success() {
        match status.code() {
            Some(code) => bail!("the editor `{command}` exited with status {code}; note unchanged"),
            None => bail!("the editor `{command}` was stopped by a signal; note unchanged"),
        }
    }
    let bytes = fs::read(file.path()).with_context(|| {
        format!(
            "could not read the note back from {}",
            file.path().display()
        )
    })?;
    let mut edited = String::from_utf8_lossy(&bytes).into_owned();
    if edited.ends_with('\n') {
        edited.pop();
        if edited.ends_with('\r') {
            edited.pop();
        }
    }
    Ok(edited)
}

/// A uniquely named `.md` file in the temp directory (so editors pick Markdown
/// highlighting), removed when dropped whether or not editing succeeded.
struct TempNote {
    path: PathBuf,
}

impl TempNote {
    fn create(text: &str) -> Result<Self> {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir();
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let mut last_error = None;
        for _ in 0..16 {
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let name = format!("gloss-note-{}-{nanos}-{n}.md", std::process::id());
            let path = dir.join(name);
            match OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(file) => {
                    let note = Self { path };
                    write_note(file, text)
                        .with_context(|| format!("could not write {}", note.path.display()))?;
                    return Ok(note);
                }
                Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {
                    last_error = Some(error);
                }
                Err(error) => {
                    return Err(error).with_context(|| {
                        format!("could not create a temporary file in {}", dir.display())
                    });
                }
            }
        }
        Err(anyhow!(
            "could not create a temporary file in {}: {}",
            dir.display(),
            last_error.map_or_else(String::new, |e| e.to_string())
        ))
    }

    fn path(&self) -> &Path {
        &self.path
    }
}

fn write_note(mut file: File, text: &str) -> io::Result<()> {
    file.write_all(text.as_bytes())?;
    file.write_all(b"\n")?;
    file.sync_all()
}

impl Drop for TempNote {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    /// Writes an executable shell script standing in for the user's editor.
    fn script(dir: &Path, name: &str, body: &str) -> String {
        let path = dir.join(name);
        fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
        path.to_str().unwrap().to_owned()
    }

    #[test]
    fn the_editor_changes_come_back() {
        let dir = tempfile::tempdir().unwrap();
        let editor = script(dir.path(), "ed.sh", r#"printf 'added #tag\n' >> "$1""#);
        let edited = edit_with(&editor, "first line\nsecond").unwrap();
        assert_eq!(edited, "first line\nsecond\nadded #tag");
    }

    #[test]
    fn an_untouched_note_comes_back_equal() {
        let dir = tempfile::tempdir().unwrap();
        let editor = script(dir.path(), "noop.sh", "exit 0");
        for text in ["", "one", "two\nlines", "trailing\n", "ünïcödé 👍"] {
            assert_eq!(edit_with(&editor, text).unwrap(), text);
        }
    }

    #[test]
    fn only_one_trailing_newline_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        let editor = script(dir.path(), "crlf.sh", r#"printf 'x\n\r\n' > "$1""#);
        assert_eq!(edit_with(&editor, "").unwrap(), "x\n");
    }

    #[test]
    fn arguments_in_the_command_are_passed_before_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let editor = script(
            dir.path(),
            "args.sh",
            r#"[ "$1" = "--wait" ] && [ "$2" = "-n" ] || exit 3
printf '%s' "$3" > "$3""#,
        );
        let edited = edit_with(&format!("  {editor}   --wait -n "), "").unwrap();
        assert!(edited.ends_with(".md"), "{edited}");
        assert!(edited.contains("gloss-note-"), "{edited}");
    }

    #[test]
    fn the_temporary_file_is_removed_afterwards() {
        let dir = tempfile::tempdir().unwrap();
        let record = dir.path().join("seen");
        let body = format!(r#"printf '%s' "$1" > '{}'"#, record.display());
        let editor = script(dir.path(), "rec.sh", &body);
        edit_with(&editor, "text").unwrap();
        let used = fs::read_to_string(&record).unwrap();
        assert!(!Path::new(&used).exists(), "{used} still exists");

        let failing = script(dir.path(), "fail.sh", &format!("{body}\nexit 1"));
        assert!(edit_with(&failing, "text").is_err());
        let used = fs::read_to_string(&record).unwrap();
        assert!(
            !Path::new(&used).exists(),
            "{used} still exists after failure"
        );
    }

    #[test]
    fn a_failing_editor_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let editor = script(dir.path(), "fail.sh", "exit 2");
        let error = edit_with(&editor, "text").unwrap_err().to_string();
        assert!(error.contains("fail.sh"), "{error}");
        assert!(error.contains("status 2"), "{error}");
    }

    #[test]
    fn a_missing_editor_is_an_error_naming_it() {
        let error = edit_with("/no/such/editor-gloss --flag", "text").unwrap_err();
        let message = format!("{error:#}");
        assert!(
            message.contains("could not start the editor `/no/such/editor-gloss --flag`"),
            "{message}"
        );
    }

    #[test]
    fn a_blank_command_is_an_error() {
        let error = edit_with("   ", "text").unwrap_err().to_string();
        assert!(error.contains("$EDITOR"), "{error}");
    }
}
