//! Where the event loop is, kept in one atomic as it goes round, so the
//! signal watchdog can say what the loop was doing when it did not leave in
//! time (a draw to a terminal that blocks, a save waiting on the disk)
//! rather than only that it did not.

use std::sync::atomic::{AtomicU8, Ordering};

/// A step of one turn of the event loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Phase {
    /// Not in the loop (starting, or leaving it).
    Outside = 0,
    /// Taking the results of background jobs.
    Collecting,
    /// Drawing a frame.
    Drawing,
    /// Waiting for a key, a wake-up or the next tick.
    Waiting,
    /// Reading the event that came.
    Reading,
    /// Carrying out what a key asked for (a save, an open).
    Acting,
    /// Writing the recovery snapshot or a due reading position.
    Keeping,
    /// Looking whether the open article's file changed.
    Watching,
    /// Asking crossterm for an event (it reads the terminal when it is
    /// readable).
    AskingCrossterm,
}

static PHASE: AtomicU8 = AtomicU8::new(Phase::Outside as u8);

/// Marks the loop as being at `phase`.
pub fn enter(phase: Phase) {
    PHASE.store(phase as u8, Ordering::Relaxed);
}

/// The mark as it is, for [`restore`] after a step within a step.
pub fn current() -> u8 {
    PHASE.load(Ordering::Relaxed)
}

/// Puts back a mark [`current`] gave.
pub fn restore(mark: u8) {
    PHASE.store(mark, Ordering::Relaxed);
}

/// What the loop was last marked as doing, in words for a message.
pub fn describe() -> &'static str {
    match PHASE.load(Ordering::Relaxed) {
        1 => "taking background results",
        2 => "drawing a frame",
        3 => "waiting for input",
        4 => "reading input",
        5 => "acting on a key",
        6 => "keeping unsaved work or the reading position",
        7 => "looking at the article's file",
        8 => "asking crossterm for an event",
        _ => "outside its loop",
    }
}
