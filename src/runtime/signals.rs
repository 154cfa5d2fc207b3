//! Signals the runtime answers instead of dying with the terminal left raw:
//! SIGTERM, SIGHUP, SIGINT and SIGQUIT ask gloss to save and exit; SIGTSTP
//! asks it to suspend (leave the terminal, then stop); SIGCONT says it was
//! continued and must take the terminal back. The handlers only set flags;
//! the event loop, which wakes at least every [`super::IDLE_TICK`], acts on
//! them.

use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use signal_hook::consts::{SIGCONT, SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGTSTP};
use signal_hook::flag;

/// The signals that end gloss after saving.
const QUIT: [i32; 4] = [SIGTERM, SIGHUP, SIGINT, SIGQUIT];

/// What a signal asks of the runtime.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Request {
    /// Save, restore the terminal and exit (the signal's number).
    Quit(i32),
    /// Restore the terminal and stop until continued.
    Suspend,
    /// Continued after a stop: take the terminal back and redraw.
    Resumed,
}

/// The flags the signal handlers set.
#[derive(Debug)]
pub struct Signals {
    quit: Arc<AtomicUsize>,
    suspend: Arc<AtomicBool>,
    resumed: Arc<AtomicBool>,
}

impl Signals {
    /// Installs the handlers.
    pub fn install() -> io::Result<Self> {
        let signals = Self {
            quit: Arc::new(AtomicUsize::new(0)),
            suspend: Arc::new(AtomicBool::new(false)),
            resumed: Arc::new(AtomicBool::new(false)),
        };
        for signal in QUIT {
            let number = usize::try_from(signal).unwrap_or(usize::MAX);
            flag::register_usize(signal, Arc::clone(&signals.quit), number)?;
        }
        flag::register(SIGTSTP, Arc::clone(&signals.suspend))?;
        flag::register(SIGCONT, Arc::clone(&signals.resumed))?;
        Ok(signals)
    }

    /// The most urgent request since the last call, if any.
    pub fn take(&self) -> Option<Request> {
        let quit = self.quit.swap(0, Ordering::SeqCst);
        if quit != 0 {
            return Some(Request::Quit(i32::try_from(quit).unwrap_or(SIGTERM)));
        }
        if self.suspend.swap(false, Ordering::SeqCst) {
            return Some(Request::Suspend);
        }
        if self.resumed.swap(false, Ordering::SeqCst) {
            return Some(Request::Resumed);
        }
        None
    }

    /// Whether a SIGCONT came since the last [`Signals::clear_resumed`]
    /// (without taking it), so a suspension can tell it was already
    /// continued.
    pub fn resumed(&self) -> bool {
        self.resumed.load(Ordering::SeqCst)
    }

    /// Forgets a SIGCONT that the runtime has already answered (the one that
    /// ended its own suspension).
    pub fn clear_resumed(&self) {
        self.resumed.store(false, Ordering::SeqCst);
    }
}

/// Stops the process as SIGTSTP would have without a handler; returns once it
/// is continued.
pub fn stop_self() -> io::Result<()> {
    signal_hook::low_level::emulate_default_handler(SIGTSTP)
}
