//! Leaving gloss without losing work: what could not be saved is reported
//! on stderr at exit, printed whole when not even the recovery file can be
//! written, and a panic restores the terminal and writes the recovery file
//! before its message.

use std::io::{self, Write};
use std::path::PathBuf;

use super::terminal::leave;
use crate::recovery::{self, Recovery};
use crate::session::{Kept, Session};

/// Says on stderr what could not be saved and where it is kept, so nothing is
/// lost silently.
pub(super) fn report_kept(session: &Session, kept: &Kept) {
    match kept {
        Kept::Nothing => {}
        Kept::InRecovery {
            path,
            changes,
            drafts,
        } => {
            if *changes > 0 {
                eprintln!(
                    "gloss: {}: {changes} change(s) could not be saved; kept in {} and saved at the next start",
                    session
                        .last_save_error()
                        .unwrap_or("the notes folder refused them"),
                    path.display()
                );
            }
            if *drafts > 0 {
                eprintln!(
                    "gloss: the note you were typing is kept in {}; it comes back when you open its article",
                    path.display()
                );
            }
        }
        Kept::Lost(e, kept) => print_unwritable(e, kept),
    }
}

/// The last resort when even the recovery file cannot be written (the data
/// directory is full or read-only): the work goes to stderr, as TOML (which
/// escapes control characters), so it is at least in the terminal's
/// scrollback to copy.
/// Writes that fail are ignored: this runs in the panic hook and the signal
/// watchdog too, where stderr may be a closed terminal and a second panic
/// would abort.
pub(super) fn print_unwritable(e: &io::Error, kept: &Recovery) {
    let mut err = io::stderr();
    let _ = writeln!(
        err,
        "gloss: {e}: the recovery file could not be written; your unsaved work follows"
    );
    let _ = match recovery::printable_toml(kept) {
        Ok(text) => writeln!(err, "{text}"),
        Err(e) => writeln!(err, "gloss: {e}: and it could not be printed"),
    };
}

/// Makes a panic restore the terminal and keep the user's work (the shared
/// snapshot) in the recovery file before the panic message is printed.
pub(super) fn install_panic_hook(data_dir: PathBuf, shared: recovery::Shared) {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        leave();
        match recovery::store_shared(&data_dir, &shared) {
            Some((_, Ok(path))) => eprintln!(
                "gloss: your unsaved work is kept in {} and offered back at the next start",
                path.display()
            ),
            Some((kept, Err(e))) => print_unwritable(&e, &kept),
            None => {}
        }
        previous(info);
    }));
}
