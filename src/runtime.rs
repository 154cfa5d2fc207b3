//! The runtime: the event loop and the terminal. It enters and leaves the
//! terminal's app mode (also around a suspension, an external editor and a
//! panic), answers signals, turns terminal events into app calls and hands
//! the app's effects to the [`Session`], which does everything that touches
//! the disk. Only the clipboard and the external editor, which need the
//! terminal, are carried out here.

#[cfg(unix)]
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Result;
use crossterm::event::{self, Event};

use crate::app::{App, Effect};
use crate::config::Config;
use crate::keymap::Keymap;
use crate::library::{self, Scan, Source};
use crate::session::{Outcome, ReadAhead, ReadAheadThread, Session, Setup};
use crate::{external_editor, paths};
use exit::{install_panic_hook, report_kept};
use terminal::{Term, copy_to_clipboard, draw, enter, is_suspend_key, leave, resume};

mod exit;
#[cfg(unix)]
mod hangup;
mod phase;
#[cfg(unix)]
mod signals;
mod terminal;
#[cfg(unix)]
mod watchdog;

/// How long the loop sleeps waiting for input when there is nothing to do:
/// short, because a signal (SIGTERM, SIGTSTP...) is acted on when it wakes.
/// Background work (a library search's results, a scan's batches, a parse)
/// wakes it at once through the session's wake-up socket.
const IDLE_TICK: Duration = Duration::from_millis(50);

/// Where there is no wake-up socket to wait on (not a Unix system, or
/// stdin is not the terminal), how long the loop sleeps while background
/// work runs, so its results are drawn soon after they come.
const BUSY_TICK: Duration = Duration::from_millis(10);

/// Longest time input may hold back a frame while events keep coming.
const FRAME_BUDGET: Duration = Duration::from_millis(100);

/// An article to open at start, and where (`gloss open PATH --at OFFSET`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Start {
    /// The article's file.
    pub path: PathBuf,
    /// A character offset in its canonical text to show and put the cursor on.
    pub at: Option<usize>,
}

/// Runs the interactive reader until the user quits.
pub fn run_app(
    config: Config,
    keymap: Keymap,
    paths: Vec<PathBuf>,
    data_dir: PathBuf,
) -> Result<()> {
    let start = start_article(&paths, None);
    let ahead = read_ahead(&config, start.as_ref(), ReadAheadThread::spawn());
    let begun = Begun {
        ahead,
        checked: library::Checked::default(),
    };
    run_app_at(config, keymap, paths, data_dir, start, begun)
}

/// What the command line began for the reader before it starts: the start
/// article's read ([`read_ahead`]), and what its checks of the paths found
/// out about their articles (so the list does not read them again).
#[derive(Default)]
pub struct Begun {
    /// The start article's read, begun by [`read_ahead`].
    pub ahead: Option<ReadAhead>,
    /// What the checks of the command line's paths found out.
    pub checked: library::Checked,
}

/// Runs the interactive reader, first opening `start` if given (as
/// [`start_article`] works it out; the article itself is the library when
/// no paths are given), with what the command line `begun` for it.
pub fn run_app_at(
    config: Config,
    keymap: Keymap,
    paths: Vec<PathBuf>,
    data_dir: PathBuf,
    start: Option<Start>,
    begun: Begun,
) -> Result<()> {
    run_with(config, keymap, paths, data_dir, start, begun, false)
}

/// The article the reader opens at once: the one `gloss open FILE` names,
/// or, like `less FILE`, the only path given when it is a file. Worked out
/// once, by the command line, and handed on.
pub fn start_article(paths: &[PathBuf], start: Option<Start>) -> Option<Start> {
    start.or_else(|| match paths {
        [one] if one.is_file() => Some(Start {
            path: one.clone(),
            at: None,
        }),
        _ => None,
    })
}

/// Starts reading the article the reader will open at once (see
/// [`start_article`]) and parsing its first screen, on a thread of its own,
/// as early as the configuration is known: the command line's check of
/// the file, the list, the session and the terminal are set up meanwhile.
/// `None` when there is no such article (or it is a bundled sample).
pub fn read_ahead(
    config: &Config,
    start: Option<&Start>,
    thread: Option<ReadAheadThread>,
) -> Option<ReadAhead> {
    let start = start.filter(|start| !library::is_sample_path(&start.path))?;
    Some(ReadAhead::start_on(
        thread,
        Source::File(start.path.clone()),
        config.reader.max_file_size(),
        config.reader.parse_options(),
    ))
}

/// Runs the interactive reader on the configured library and starts the
/// daily review at once (`gloss review`).
pub fn run_review(config: Config, keymap: Keymap, data_dir: PathBuf) -> Result<()> {
    run_with(
        config,
        keymap,
        Vec::new(),
        data_dir,
        None,
        Begun::default(),
        true,
    )
}

fn run_with(
    config: Config,
    keymap: Keymap,
    mut paths: Vec<PathBuf>,
    data_dir: PathBuf,
    start: Option<Start>,
    begun: Begun,
    review: bool,
) -> Result<()> {
    let options = config.reader.parse_options();
    let max_size = config.reader.max_file_size();
    // `gloss FILE`, like `less FILE`, shows that file at once (`start`, from
    // [`start_article`]); the list of the one article is a key away (Tab,
    // or `\`).
    if let Some(start) = &start
        && paths.is_empty()
        && !library::is_sample_path(&start.path)
    {
        paths.push(start.path.clone());
    }
    let roots = library_roots(&config, &paths);
    // Folders are read in the background: the list comes up at once and
    // fills. Files named one by one (or the article to start on) are read
    // now, so they are there for the first frame.
    let background = start.is_none() && roots.iter().any(|root| root.is_dir());
    let scan = match &start {
        Some(start) if library::is_sample_path(&start.path) => library::samples(),
        _ if background => Scan::default(),
        _ if roots.is_empty() => library::samples(),
        _ => library::scan_within_checked(&roots, max_size, begun.checked),
    };
    let mut setup = Setup::new(&data_dir, max_size);
    setup.options = options;
    if let Some(ahead) = begun.ahead {
        setup.reader = Box::new(ahead);
    }
    // The first screen is the article: the list's figures can wait for it.
    setup.figures_after_first_frame = start.is_some();
    setup.cache_dir = paths::cache_dir();
    if let Some(dir) = &setup.cache_dir {
        setup.store.keep_summaries_in(dir);
        crate::search::page_cache::keep_in(dir);
    }
    // Notes synced from a machine whose library lives elsewhere are found by
    // the article's place inside the library.
    setup.store.set_library_roots(
        roots
            .iter()
            .filter(|root| root.is_dir())
            .filter_map(|root| std::fs::canonicalize(root).ok())
            .collect(),
    );
    setup.warm_code = Some(|lang, code| {
        let _ = crate::ui::syntax::runs(lang, code);
    });
    let mut app = App::new(config, keymap, scan);
    // Debug builds only: GLOSS_TODAY moves the clock to another day, so the
    // daily review can be tried (and tested end to end) across days.
    if let Some(clock) = crate::app::clock::ShiftedClock::from_env() {
        app = app.with_clock(clock);
    }
    let cache_dir = setup.cache_dir.clone();
    let mut runtime = Runtime::new(|| Session::start(app, setup));
    if background {
        runtime
            .session
            .scan_library(roots, max_size, cache_dir.as_deref());
        // A moment for the first screenful of titles, so the first frame is
        // not an empty list; keys are read right after, whatever is found.
        runtime.session.wait_first_batch(FIRST_BATCH_WAIT);
    }
    #[cfg(unix)]
    let watchdog = watchdog::Watchdog::arm(data_dir.clone(), runtime.session.shared(), leave);
    install_panic_hook(data_dir, runtime.session.shared());
    #[cfg(unix)]
    hangup::remember_terminal();
    let mut terminal = enter()?;
    let result = match start {
        Some(start) => terminal
            .size()
            .map_err(anyhow::Error::from)
            .and_then(|size| {
                runtime.session.app.resize(size.width, size.height);
                let effects = runtime.session.open_path(&start.path, start.at);
                runtime.apply(effects, &mut terminal)
            }),
        None => Ok(()),
    };
    let result = result.and_then(|()| {
        if !review {
            return Ok(());
        }
        let size = terminal.size()?;
        runtime.session.app.resize(size.width, size.height);
        let effects = runtime.session.app.start_review();
        runtime.apply(effects, &mut terminal)
    });
    let result = result.and_then(|()| runtime.run(&mut terminal));
    phase::enter(phase::Phase::Outside);
    #[cfg(unix)]
    if let Ok(watchdog) = &watchdog {
        watchdog.leaving();
    }
    leave();
    let kept = runtime.session.finish();
    // Notes whether the terminal is gone, so no message is written to it.
    #[cfg(unix)]
    hangup::terminal_gone();
    report_kept(&runtime.session, &kept);
    let only_printed = matches!(kept, crate::session::Kept::Lost(..));
    #[cfg(unix)]
    if let Ok(watchdog) = &watchdog {
        watchdog.stand_down();
    }
    // Everything is on disk; freeing a large article's memory one piece at a
    // time would only delay the exit, and the system reclaims it at once.
    std::mem::forget(runtime);
    if only_printed && result.is_ok() {
        anyhow::bail!("your unsaved work could not be kept in a file; it is printed above");
    }
    result
}

/// Which library to open: the paths given, else the configured folders;
/// empty means the bundled samples.
fn library_roots(config: &Config, paths: &[PathBuf]) -> Vec<PathBuf> {
    if !paths.is_empty() {
        paths.to_vec()
    } else {
        let home = std::env::var_os("HOME").map(PathBuf::from);
        config
            .library
            .iter()
            .map(|p| expand_home(p, home.as_deref()))
            .collect()
    }
}

/// Longest the start waits for the library scan's first screenful.
const FIRST_BATCH_WAIT: Duration = Duration::from_millis(150);

/// `~/x` in a configured folder means `x` in the home folder, as in a shell.
fn expand_home(path: &Path, home: Option<&Path>) -> PathBuf {
    match (path.strip_prefix("~"), home) {
        (Ok(rest), Some(home)) => home.join(rest),
        _ => path.to_path_buf(),
    }
}

/// What the event loop does after [`Runtime::on_signal`].
#[cfg(unix)]
enum AfterSignal {
    /// No signal came.
    Nothing,
    /// The terminal was taken back: draw everything again.
    Redraw,
    /// A quit signal: leave the loop (the caller saves and restores).
    Exit,
}

/// The session plus what only the terminal side needs.
struct Runtime {
    session: Session,
    #[cfg(unix)]
    signals: Option<signals::Signals>,
    /// Debug builds only: F12 panics when `GLOSS_DEBUG_PANIC_KEY` is set, so
    /// the end-to-end tests can prove a panic keeps the user's work.
    #[cfg(debug_assertions)]
    panic_key: bool,
}

impl Runtime {
    /// Installs the signal handlers first, so a signal during the start
    /// (recovering, looking for moved articles) is answered too, then makes
    /// the session.
    fn new(session: impl FnOnce() -> Session) -> Self {
        #[cfg(unix)]
        let signals = signals::Signals::install();
        #[allow(unused_mut)]
        let mut runtime = Self {
            session: session(),
            #[cfg(unix)]
            signals: None,
            #[cfg(debug_assertions)]
            panic_key: std::env::var_os("GLOSS_DEBUG_PANIC_KEY").is_some(),
        };
        #[cfg(unix)]
        match signals {
            Ok(signals) => runtime.signals = Some(signals),
            Err(e) => runtime.session.app.error(format!(
                "{e}: signals not handled (kill may lose unsaved work)"
            )),
        }
        runtime
    }

    /// Ctrl-z or SIGTSTP: keeps the user's work safe, gives the terminal back,
    /// stops until continued (`fg`), then takes the terminal back and redraws.
    #[cfg(unix)]
    fn suspend(&mut self, terminal: &mut Term) -> Result<()> {
        self.session.secure();
        if let Some(signals) = &self.signals {
            signals.clear_resumed();
        }
        leave();
        // A SIGCONT that came while the terminal was being given back (a
        // script's `kill -TSTP` then `kill -CONT`) has nothing to continue
        // yet: stopping after it would stop for good.
        if !self.signals.as_ref().is_some_and(signals::Signals::resumed) {
            signals::stop_self()?;
        }
        if let Some(signals) = &self.signals {
            signals.clear_resumed();
        }
        resume(terminal)
    }

    /// Acts on a signal that arrived since the last call.
    #[cfg(unix)]
    fn on_signal(&mut self, terminal: &mut Term) -> Result<AfterSignal> {
        let Some(request) = self.signals.as_ref().and_then(signals::Signals::take) else {
            return Ok(AfterSignal::Nothing);
        };
        match request {
            signals::Request::Quit(_) => return Ok(AfterSignal::Exit),
            signals::Request::Suspend => self.suspend(terminal)?,
            signals::Request::Resumed => resume(terminal)?,
        }
        Ok(AfterSignal::Redraw)
    }

    fn run(&mut self, terminal: &mut Term) -> Result<()> {
        let size = terminal.size()?;
        self.session.app.resize(size.width, size.height);
        // The first frame comes before anything more a background scan has
        // found meanwhile is taken (a warm library can hand over thousands
        // of articles by now; they are ordered after the first screen).
        draw(terminal, &mut self.session.app)?;
        self.session.frame_drawn();
        self.prepare_code();
        let mut dirty = false;
        let mut last_draw = Instant::now();
        while !self.session.app.quit {
            #[cfg(unix)]
            match self.on_signal(terminal)? {
                AfterSignal::Exit => return Ok(()),
                AfterSignal::Redraw => dirty = true,
                AfterSignal::Nothing => {}
            }
            // A closed terminal is a SIGHUP.
            #[cfg(unix)]
            if hangup::terminal_gone() {
                return Ok(());
            }
            phase::enter(phase::Phase::Collecting);
            self.session.drain_wake();
            if self.session.collect_jobs() {
                dirty = true;
            }
            // Input that is already waiting is read before drawing, so a
            // burst (a resize storm, a held key, a paste) costs one frame,
            // not one per event; a frame is still drawn every FRAME_BUDGET.
            if dirty && (last_draw.elapsed() >= FRAME_BUDGET || !event::poll(Duration::ZERO)?) {
                phase::enter(phase::Phase::Drawing);
                draw(terminal, &mut self.session.app)?;
                self.session.frame_drawn();
                self.prepare_code();
                dirty = false;
                last_draw = Instant::now();
            }
            // Background work (the rest of a large article, a scan, a
            // library search) reports through the wake-up socket, so the
            // loop sleeps until a key, a result or the next tick.
            phase::enter(phase::Phase::Waiting);
            #[cfg(unix)]
            let ready = match self.wait_input()? {
                hangup::Input::Gone => return Ok(()),
                input => input == hangup::Input::Ready,
            };
            #[cfg(not(unix))]
            let ready = event::poll(if self.session.jobs_busy() {
                BUSY_TICK
            } else {
                IDLE_TICK
            })?;
            if ready {
                phase::enter(phase::Phase::Reading);
                let event = event::read()?;
                #[cfg(unix)]
                if is_suspend_key(&event) {
                    self.suspend(terminal)?;
                    dirty = true;
                    continue;
                }
                #[cfg(debug_assertions)]
                self.debug_panic(&event);
                phase::enter(phase::Phase::Acting);
                let effects = self.on_event(event);
                self.apply(effects, terminal)?;
                phase::enter(phase::Phase::Keeping);
                self.session.sync_recovery();
                dirty = true;
            } else {
                phase::enter(phase::Phase::Keeping);
                self.session.flush_due_position();
                self.session.sync_recovery();
                phase::enter(phase::Phase::Watching);
                if self.session.check_file() {
                    dirty = true;
                }
            }
        }
        Ok(())
    }

    /// Hands the code blocks the last frame drew plain (their grammar was
    /// not loaded yet) to the session to prepare off the event loop; their
    /// notice brings a frame that draws them in colour.
    fn prepare_code(&mut self) {
        self.session.prepare_code(crate::ui::syntax::take_wanted());
    }

    /// Waits up to [`IDLE_TICK`] for a key, or less when background work
    /// reports: poll(2) on the terminal and the session's wake-up socket
    /// together, then the terminal is asked (without waiting) what came.
    #[cfg(unix)]
    fn wait_input(&self) -> Result<hangup::Input> {
        let now = hangup::wait_input(Duration::ZERO)?;
        if now != hangup::Input::Nothing {
            return Ok(now);
        }
        let stdin = std::io::stdin().as_raw_fd();
        let Some(wake) = self
            .session
            .wake_fd()
            .filter(|_| hangup::stdin_is_terminal())
        else {
            let tick = if self.session.jobs_busy() {
                BUSY_TICK
            } else {
                IDLE_TICK
            };
            return Ok(hangup::wait_input(tick)?);
        };
        let mut fds = [
            libc::pollfd {
                fd: stdin,
                events: libc::POLLIN,
                revents: 0,
            },
            libc::pollfd {
                fd: wake,
                events: libc::POLLIN,
                revents: 0,
            },
        ];
        let millis = libc::c_int::try_from(IDLE_TICK.as_millis()).unwrap_or(libc::c_int::MAX);
        // SAFETY: two valid pollfds, and the count says two. An error (a
        // signal interrupting the wait) is the same as a wake-up: the loop
        // looks at everything again.
        let _ = unsafe { libc::poll(fds.as_mut_ptr(), 2, millis) };
        Ok(hangup::wait_input(Duration::ZERO)?)
    }

    /// Debug builds only (see `panic_key`): a panic on demand.
    #[cfg(debug_assertions)]
    fn debug_panic(&self, event: &Event) {
        if self.panic_key
            && matches!(
                event,
                Event::Key(event::KeyEvent {
                    code: event::KeyCode::F(12),
                    ..
                })
            )
        {
            panic!("panic requested with F12 (GLOSS_DEBUG_PANIC_KEY is set)");
        }
    }

    /// The one place terminal events become app calls.
    fn on_event(&mut self, event: Event) -> Vec<Effect> {
        let app = &mut self.session.app;
        match event {
            Event::Key(key) => app.on_key(key),
            Event::Mouse(mouse) => app.on_mouse(mouse),
            Event::Paste(text) => {
                app.on_paste(&text);
                Vec::new()
            }
            Event::Resize(width, height) => {
                app.resize(width, height);
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    /// Carries out effects: the session does all but the clipboard and the
    /// external editor.
    fn apply(&mut self, effects: Vec<Effect>, terminal: &mut Term) -> Result<()> {
        for effect in effects {
            match self.session.carry_out(effect) {
                Outcome::Done(more) => {
                    if !more.is_empty() {
                        self.apply(more, terminal)?;
                    }
                }
                Outcome::NeedsTerminal(Effect::Copy(text)) => copy_to_clipboard(&text),
                Outcome::NeedsTerminal(Effect::ExternalEdit(text)) => {
                    leave();
                    let result = external_editor::edit(&text).map_err(|e| format!("{e:#}"));
                    resume(terminal)?;
                    self.session.app.external_edit_done(result);
                }
                Outcome::NeedsTerminal(_) => {}
            }
        }
        if self.session.app.quit {
            self.session.flush_position();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tilde_means_home_in_configured_folders() {
        let home = Path::new("/home/me");
        assert_eq!(
            expand_home(Path::new("~/articles"), Some(home)),
            Path::new("/home/me/articles")
        );
        assert_eq!(
            expand_home(Path::new("~"), Some(home)),
            Path::new("/home/me")
        );
        assert_eq!(
            expand_home(Path::new("/srv/a"), Some(home)),
            Path::new("/srv/a")
        );
        assert_eq!(expand_home(Path::new("~/a"), None), Path::new("~/a"));
        assert_eq!(
            expand_home(Path::new("~bob/a"), Some(home)),
            Path::new("~bob/a")
        );
    }
}
