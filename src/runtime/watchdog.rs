//! The backstop behind the orderly exit: a quit signal (SIGTERM, SIGHUP,
//! SIGINT, SIGQUIT) normally ends gloss through the event loop, which saves
//! everything; should the loop be stuck (a read that never returns, a
//! terminal that blocks), this thread keeps the shared recovery snapshot,
//! tries to restore the terminal and exits the process anyway.

use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};
use signal_hook::iterator::Signals;

use crate::recovery;

/// How long the event loop has to leave after a quit signal (a loaded
/// machine can take a few seconds; a stuck loop never leaves).
const GRACE: Duration = Duration::from_secs(5);

/// How long the orderly exit may take once the loop has left it and is
/// saving: it is making progress, and stepping in would cut a save short.
const FINISHING: Duration = Duration::from_secs(30);

/// How long restoring the terminal may take before the exit goes ahead.
const RESTORE_LIMIT: Duration = Duration::from_millis(500);

/// A running watchdog; [`Watchdog::stand_down`] once the orderly exit is done.
#[derive(Debug)]
pub struct Watchdog {
    done: Arc<AtomicBool>,
    leaving: Arc<AtomicBool>,
}

impl Watchdog {
    /// Starts the watchdog thread: it sleeps until a quit signal comes.
    /// `restore` gives the terminal back.
    pub fn arm(data_dir: PathBuf, shared: recovery::Shared, restore: fn()) -> io::Result<Self> {
        let mut signals = Signals::new([SIGTERM, SIGHUP, SIGINT, SIGQUIT])?;
        let done = Arc::new(AtomicBool::new(false));
        let finished = Arc::clone(&done);
        let leaving = Arc::new(AtomicBool::new(false));
        let left_loop = Arc::clone(&leaving);
        thread::Builder::new()
            .name("gloss-signal-watchdog".into())
            .spawn(move || {
                let Some(signal) = signals.forever().next() else {
                    return;
                };
                let signalled = Instant::now();
                loop {
                    if finished.load(Ordering::SeqCst) {
                        return;
                    }
                    let limit = if left_loop.load(Ordering::SeqCst) {
                        FINISHING
                    } else {
                        GRACE
                    };
                    if signalled.elapsed() >= limit {
                        break;
                    }
                    thread::sleep(Duration::from_millis(50));
                }
                if finished.load(Ordering::SeqCst) {
                    return;
                }
                take_over(&data_dir, &shared, restore, signal);
            })?;
        Ok(Self { done, leaving })
    }

    /// The event loop has left and the orderly exit is saving: give it the
    /// longer [`FINISHING`] time rather than cutting it short.
    pub fn leaving(&self) {
        self.leaving.store(true, Ordering::SeqCst);
    }

    /// The orderly exit is done: the watchdog must not step in.
    pub fn stand_down(&self) {
        self.done.store(true, Ordering::SeqCst);
    }
}

/// Keeps the snapshot, restores the terminal (within a time limit) and exits
/// with 128 + the signal's number, as a shell reports a process the signal
/// ended.
fn take_over(data_dir: &std::path::Path, shared: &recovery::Shared, restore: fn(), signal: i32) {
    super::hangup::silence_terminal_output();
    let mut err = io::stderr();
    let doing = super::phase::describe();
    let _ = writeln!(
        err,
        "gloss: the event loop did not leave within {} s of the signal; it was {doing}",
        GRACE.as_secs()
    );
    // Debug builds only: where an end-to-end test can read it after the
    // terminal is gone.
    #[cfg(debug_assertions)]
    let _ = std::fs::write(
        data_dir.join("watchdog-phase"),
        format!("{doing}; main thread: {}", main_thread_state()),
    );
    // This thread never holds the lock, and the event loop holds it only to
    // swap in a newer snapshot: waiting for it cannot hang, and skipping it
    // (as the panic hook must) would exit without the note just typed.
    match recovery::store_shared_waiting(data_dir, shared) {
        Some((_, Ok(path))) => {
            let _ = writeln!(
                err,
                "gloss: stopped without an orderly exit; your unsaved work is kept in {}",
                path.display()
            );
        }
        Some((kept, Err(e))) => super::exit::print_unwritable(&e, &kept),
        None => {}
    }
    let (sent, restored) = mpsc::channel();
    let _ = thread::Builder::new().spawn(move || {
        restore();
        let _ = sent.send(());
    });
    let _ = restored.recv_timeout(RESTORE_LIMIT);
    std::process::exit(128 + signal);
}

/// Debug builds only: what the main thread is doing in the kernel (its
/// state letter, wait channel and system call, from /proc), so a test that
/// sees the watchdog step in can tell a wait from a spin.
#[cfg(debug_assertions)]
fn main_thread_state() -> String {
    let task = format!("/proc/self/task/{}", std::process::id());
    let read = |name: &str| {
        std::fs::read_to_string(format!("{task}/{name}"))
            .map(|s| s.trim().to_owned())
            .unwrap_or_else(|e| format!("({e})"))
    };
    let stat = read("stat");
    let state = stat
        .rsplit_once(") ")
        .and_then(|(_, rest)| rest.split_whitespace().next())
        .unwrap_or("?")
        .to_owned();
    format!(
        "state {state}, wchan {}, syscall {}",
        read("wchan"),
        read("syscall")
    )
}
