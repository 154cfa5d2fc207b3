//! Noticing that the terminal is gone (its window closed, its ssh link cut,
//! its tmux session killed) without asking crossterm: crossterm 0.29 spins
//! forever in its read loop once the terminal's read returns end-of-file or
//! an error, so the runtime polls the terminal itself and calls crossterm
//! only when there is input to read. A terminal that is gone is treated as a
//! SIGHUP: the runtime leaves its loop and exits in order.
//!
//! Polling first is not enough on its own: a crossterm call already under
//! way when the terminal goes (it read the terminal an instant before) can
//! spin on the end of file all the same. So a small thread also waits for
//! the hang-up and, when it comes, puts an empty pipe in the terminal's
//! place: crossterm's next read finds nothing to read and returns, and the
//! loop sees the terminal gone.

use std::fs::File;
use std::io;
use std::os::fd::{AsRawFd, RawFd};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crossterm::event;

/// What the terminal has for the event loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// An event is ready for `crossterm::event::read`.
    Ready,
    /// Nothing came within the timeout (or a signal interrupted the wait).
    Nothing,
    /// The terminal hung up: no input will ever come.
    Gone,
}

/// The terminal gloss reads keys from: stdin when it is a terminal (as
/// crossterm does), else `/dev/tty` opened once; `None` when there is none
/// (then crossterm alone decides). Found once, at the first call (see
/// [`remember_terminal`]) and kept: a terminal that hung up no longer
/// answers `isatty`, and asked again it would look like no terminal at
/// all, leaving crossterm to spin on its end of file.
fn tty() -> Option<RawFd> {
    static TTY: OnceLock<Option<(RawFd, Option<File>)>> = OnceLock::new();
    TTY.get_or_init(|| {
        let stdin = io::stdin().as_raw_fd();
        // SAFETY: isatty only inspects the descriptor number it is given.
        if unsafe { libc::isatty(stdin) } == 1 {
            return Some((stdin, None));
        }
        File::open("/dev/tty")
            .ok()
            .map(|file| (file.as_raw_fd(), Some(file)))
    })
    .as_ref()
    .map(|(fd, _)| *fd)
}

/// Finds the terminal keys come from while it is surely there (the
/// runtime calls it as it takes the terminal over), so a hang-up later is
/// seen as one.
pub fn remember_terminal() {
    static WATCHING: OnceLock<()> = OnceLock::new();
    if let Some(fd) = tty() {
        WATCHING.get_or_init(|| {
            let _ = std::thread::Builder::new()
                .name("gloss-hangup".into())
                .spawn(move || watch_hangup(fd));
        });
    }
}

/// Set once the terminal has hung up; from then on [`terminal_gone`] says
/// so without asking (the descriptor is then a pipe, see [`watch_hangup`]).
static GONE: AtomicBool = AtomicBool::new(false);

/// The hang-up thread: sleeps in poll(2) asking for no input at all (so it
/// never wakes for keys, and never takes them from an external editor)
/// until the terminal hangs up, then marks it [`GONE`] and puts the read
/// end of an empty, non-blocking pipe on its descriptor, whose write end is
/// kept open: a read there, crossterm's included, returns "would block"
/// instead of the end of file crossterm would read forever.
fn watch_hangup(fd: RawFd) {
    loop {
        let mut pollfd = libc::pollfd {
            fd,
            events: 0,
            revents: 0,
        };
        // SAFETY: one valid pollfd, and the count says one.
        let ready = unsafe { libc::poll(&mut pollfd, 1, -1) };
        if ready < 0 {
            if io::Error::last_os_error().kind() == io::ErrorKind::Interrupted {
                continue;
            }
            return;
        }
        if pollfd.revents & (libc::POLLHUP | libc::POLLERR) != 0 {
            break;
        }
        if pollfd.revents & libc::POLLNVAL != 0 {
            return;
        }
    }
    GONE.store(true, Ordering::SeqCst);
    let mut ends = [0 as libc::c_int; 2];
    // SAFETY: pipe2 writes two descriptors into the array it is given.
    if unsafe { libc::pipe2(ends.as_mut_ptr(), libc::O_NONBLOCK | libc::O_CLOEXEC) } != 0 {
        return;
    }
    // SAFETY: dup2 acts on descriptor numbers only: it replaces the dead
    // terminal at `fd` with the pipe's read end in one step. Both ends stay
    // open for the rest of the process, on purpose.
    unsafe {
        libc::dup2(ends[0], fd);
    }
}

/// True when the terminal keys come from is stdin (found while it was a
/// terminal, so still true once it hung up).
pub fn stdin_is_terminal() -> bool {
    tty() == Some(io::stdin().as_raw_fd())
}

/// What poll(2) says about the terminal within `timeout`: `Ok(None)` when
/// nothing happened, `Ok(Some(true))` when it hung up, `Ok(Some(false))` when
/// it is readable.
fn poll_tty(fd: RawFd, timeout: Duration) -> io::Result<Option<bool>> {
    let mut pollfd = libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    };
    let millis = libc::c_int::try_from(timeout.as_millis()).unwrap_or(libc::c_int::MAX);
    // SAFETY: one valid pollfd, and the count says one.
    let ready = unsafe { libc::poll(&mut pollfd, 1, millis) };
    if ready < 0 {
        return Err(io::Error::last_os_error());
    }
    if ready == 0 {
        return Ok(None);
    }
    let gone = pollfd.revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0;
    Ok(Some(gone))
}

/// Debug builds only: once the file named by `GLOSS_DEBUG_STUCK_FILE`
/// exists, the event loop hangs here for good (after creating
/// `<file>.stuck` to say so), as it used to hang inside crossterm, so that
/// an end-to-end test can prove the signal watchdog still gets the user's
/// work out.
#[cfg(debug_assertions)]
fn debug_stuck() {
    static MARKER: OnceLock<Option<std::ffi::OsString>> = OnceLock::new();
    let Some(marker) = MARKER.get_or_init(|| std::env::var_os("GLOSS_DEBUG_STUCK_FILE")) else {
        return;
    };
    let marker = std::path::Path::new(marker);
    if marker.exists() {
        let mut stuck = marker.as_os_str().to_owned();
        stuck.push(".stuck");
        let _ = std::fs::write(stuck, "");
        loop {
            std::thread::park();
        }
    }
}

/// Whether the terminal has hung up (checked without waiting). When it has,
/// stdout and stderr, if they are that terminal, are pointed at /dev/null:
/// a later message on a hung-up terminal would fail, and `eprintln!` panics
/// when it does.
pub fn terminal_gone() -> bool {
    #[cfg(debug_assertions)]
    debug_stuck();
    let gone = GONE.load(Ordering::SeqCst)
        || tty().is_some_and(|fd| matches!(poll_tty(fd, Duration::ZERO), Ok(Some(true))));
    if gone {
        silence_terminal_output();
    }
    gone
}

/// Waits up to `timeout` for terminal input; calls crossterm (which reads)
/// only when the terminal is readable, or to hand out an event it already
/// holds.
pub fn wait_input(timeout: Duration) -> io::Result<Input> {
    let Some(fd) = tty() else {
        return Ok(if event::poll(timeout)? {
            Input::Ready
        } else {
            Input::Nothing
        });
    };
    if terminal_gone() {
        return Ok(Input::Gone);
    }
    // Events crossterm parsed from an earlier read are not on the fd.
    if ask_crossterm()? {
        return Ok(Input::Ready);
    }
    if timeout.is_zero() {
        return Ok(Input::Nothing);
    }
    match poll_tty(fd, timeout) {
        Ok(None) => Ok(Input::Nothing),
        Ok(Some(true)) => {
            silence_terminal_output();
            Ok(Input::Gone)
        }
        Ok(Some(false)) => Ok(if ask_crossterm()? {
            Input::Ready
        } else {
            Input::Nothing
        }),
        // A signal (a resize, a quit) woke the wait: the loop looks at it.
        Err(e) if e.kind() == io::ErrorKind::Interrupted => Ok(Input::Nothing),
        Err(e) => Err(e),
    }
}

/// crossterm's answer to whether an event is ready, the loop's phase
/// saying so meanwhile (it reads the terminal, and spins on one that is
/// gone).
fn ask_crossterm() -> io::Result<bool> {
    let was = super::phase::current();
    super::phase::enter(super::phase::Phase::AskingCrossterm);
    let ready = event::poll(Duration::ZERO);
    super::phase::restore(was);
    ready
}

/// Points stdout and stderr at /dev/null when they hang up too (they are
/// the terminal that is gone; a terminal that hung up no longer answers
/// `isatty`, so poll(2) is asked); a file they were redirected to is kept.
pub fn silence_terminal_output() {
    let Ok(null) = File::options().write(true).open("/dev/null") else {
        return;
    };
    for fd in [io::stdout().as_raw_fd(), io::stderr().as_raw_fd()] {
        if matches!(poll_tty(fd, Duration::ZERO), Ok(Some(true))) {
            // SAFETY: dup2 acts on descriptor numbers only; it replaces the
            // dead terminal at 1 or 2 with /dev/null in one step.
            unsafe {
                libc::dup2(null.as_raw_fd(), fd);
            }
        }
    }
}
