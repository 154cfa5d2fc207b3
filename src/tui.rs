//! The runtime: owns the terminal and the annotation store, turns terminal
//! events into app calls, carries out the app's effects (file reads, saves,
//! clipboard, external editor) and parses large articles while the user is
//! idle. Everything else lives in the library modules.

use std::collections::HashMap;
use std::io::{self, Stdout, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Result;
use base64::Engine;
use crossterm::cursor::Show;
use crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers,
};
use crossterm::execute;
use crossterm::terminal::{
    Clear, ClearType, EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::prelude::CrosstermBackend;

use crate::annotations::{
    ArticleRecord, MatchedBy, Op, Store, StoreError, fingerprint, path_to_text, text_to_path,
};
use crate::app::notes::Notes;
use crate::app::{App, Effect, Unsaved};
use crate::config::Config;
use crate::document::ParseOptions;
use crate::keymap::Keymap;
use crate::library::{self, Article, Scan, Source};
use crate::recovery::{self, Change, Draft, Pending, Recovery};
use crate::{commands, external_editor, ui};

#[cfg(unix)]
mod signals;

/// How long the loop sleeps waiting for input when there is nothing to do:
/// short, because a signal (SIGTERM, SIGTSTP...) is acted on when it wakes.
const IDLE_TICK: Duration = Duration::from_millis(50);

/// Longest time input may hold back a frame while events keep coming.
const FRAME_BUDGET: Duration = Duration::from_millis(100);

/// Reading positions are written this long after scrolling stops, so a held key
/// does not write a file per line.
const POSITION_DELAY: Duration = Duration::from_millis(800);

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
    run_app_at(config, keymap, paths, data_dir, None)
}

/// Runs the interactive reader, first opening `start` if given (the article
/// itself is the library when no paths are given).
pub fn run_app_at(
    config: Config,
    keymap: Keymap,
    mut paths: Vec<PathBuf>,
    data_dir: PathBuf,
    start: Option<Start>,
) -> Result<()> {
    let options = ParseOptions {
        repair_page_breaks: config.reader.repair_page_breaks,
    };
    if let Some(start) = &start
        && paths.is_empty()
        && !library::is_sample_path(&start.path)
    {
        paths.push(start.path.clone());
    }
    let scan = match &start {
        Some(start) if library::is_sample_path(&start.path) => library::samples(),
        _ => open_library(&config, &paths),
    };
    let mut session = Session::new(config, keymap, scan, &data_dir, options);
    install_panic_hook(data_dir.clone(), Arc::clone(&session.shared));
    let mut terminal = enter()?;
    let result = match start {
        Some(start) => terminal
            .size()
            .map_err(anyhow::Error::from)
            .and_then(|size| {
                session.app.resize(size.width, size.height);
                session.open_start(&start, &mut terminal)
            }),
        None => Ok(()),
    };
    let result = result.and_then(|()| session.run(&mut terminal));
    leave();
    let kept = session.finish();
    report_kept(&session, &kept);
    // Everything is on disk; freeing a large article's memory one piece at a
    // time would only delay the exit, and the system reclaims it at once.
    std::mem::forget(session);
    result
}

/// Says on stderr what could not be saved and where it is kept, so nothing is
/// lost silently.
fn report_kept(session: &Session, kept: &Kept) {
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
                        .last_save_error
                        .as_deref()
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

/// What [`Session::finish`] did with work that is not in a notes file.
enum Kept {
    /// There was none.
    Nothing,
    /// It is in the recovery file.
    InRecovery {
        /// The file.
        path: PathBuf,
        /// Changes not saved.
        changes: usize,
        /// Notes being typed.
        drafts: usize,
    },
    /// The recovery file could not be written either (the reason, and what
    /// it would have held).
    Lost(io::Error, Recovery),
}

/// The last resort when even the recovery file cannot be written (the data
/// directory is full or read-only): the work goes to stderr, as TOML (which
/// escapes control characters), so it is at least in the terminal's
/// scrollback to copy.
fn print_unwritable(e: &io::Error, kept: &Recovery) {
    eprintln!("gloss: {e}: the recovery file could not be written; your unsaved work follows");
    match recovery::printable_toml(kept) {
        Ok(text) => eprintln!("{text}"),
        Err(e) => eprintln!("gloss: {e}: and it could not be printed"),
    }
}

/// Makes a panic restore the terminal and keep the user's work (the shared
/// snapshot) in the recovery file before the panic message is printed.
fn install_panic_hook(data_dir: PathBuf, shared: recovery::Shared) {
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

/// Draws the app into the terminal's live size: the app is first resized to
/// the frame ratatui hands out (the terminal may have changed size since the
/// last resize event was read), so its layout and the drawing always agree.
fn draw(terminal: &mut Term, app: &mut App) -> Result<()> {
    terminal.draw(|frame| {
        let area = frame.area();
        if area != app.screen {
            app.resize(area.width, area.height);
        }
        ui::draw(frame, app);
    })?;
    Ok(())
}

/// Which library to open: the paths given, else the configured folders, else
/// the bundled samples.
fn open_library(config: &Config, paths: &[PathBuf]) -> Scan {
    if !paths.is_empty() {
        library::scan(paths)
    } else if !config.library.is_empty() {
        let home = std::env::var_os("HOME").map(PathBuf::from);
        let folders: Vec<PathBuf> = config
            .library
            .iter()
            .map(|p| expand_home(p, home.as_deref()))
            .collect();
        library::scan(&folders)
    } else {
        library::samples()
    }
}

/// `~/x` in a configured folder means `x` in the home folder, as in a shell.
fn expand_home(path: &Path, home: Option<&Path>) -> PathBuf {
    match (path.strip_prefix("~"), home) {
        (Ok(rest), Some(home)) => home.join(rest),
        _ => path.to_path_buf(),
    }
}

type Term = Terminal<CrosstermBackend<Stdout>>;

/// Switches the terminal to the app's mode (a panic switches it back: ratatui's
/// hook and [`install_panic_hook`]).
fn enter() -> Result<Term> {
    let terminal = ratatui::try_init()?;
    execute!(io::stdout(), EnableMouseCapture, EnableBracketedPaste)?;
    Ok(terminal)
}

/// Re-enters the app's terminal mode after [`leave`] (around an external
/// editor, after a suspension) and clears the screen for a full redraw.
fn resume(terminal: &mut Term) -> Result<()> {
    enable_raw_mode()?;
    execute!(
        io::stdout(),
        EnterAlternateScreen,
        EnableMouseCapture,
        EnableBracketedPaste,
        Clear(ClearType::All)
    )?;
    // A fresh terminal has no previous frame, so the next draw writes every
    // cell. (`Terminal::clear` would ask the terminal for the cursor
    // position and wait for an answer some terminals never send.)
    *terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
    Ok(())
}

/// Restores the terminal: cooked mode, the main screen, no mouse reporting,
/// no bracketed paste, a visible cursor. Safe to call more than once, and
/// when the terminal is gone (errors are ignored: there is no one to tell).
fn leave() {
    let _ = disable_raw_mode();
    let _ = execute!(
        io::stdout(),
        DisableBracketedPaste,
        DisableMouseCapture,
        LeaveAlternateScreen,
        Show
    );
}

/// Whether a key event is `Ctrl-z`, which suspends gloss as it would any
/// program in a shell (raw mode turns it into a key instead of a signal).
fn is_suspend_key(event: &Event) -> bool {
    matches!(
        event,
        Event::Key(KeyEvent {
            code: KeyCode::Char('z'),
            modifiers,
            kind: KeyEventKind::Press | KeyEventKind::Repeat,
            ..
        }) if modifiers.contains(KeyModifiers::CONTROL)
    )
}

/// The path an article is known by in the annotation store: the absolute path
/// of its file, or a stable pseudo-path for a bundled sample.
pub fn store_path(source: &Source) -> PathBuf {
    match source {
        Source::File(p) => std::fs::canonicalize(p).unwrap_or_else(|_| p.clone()),
        Source::Bundled(..) => PathBuf::from(source.display_path()),
    }
}

/// The record of an article as the store keeps it, with the path's exact
/// bytes (a name that is not UTF-8 must not share notes with another).
/// The fingerprint is left empty: hashing a large article is only worth it
/// when the path alone does not find its notes, or when they are first saved.
fn record(article: &Article, path: &Path) -> ArticleRecord {
    ArticleRecord {
        title: article.title.clone(),
        author: article.meta.author.clone(),
        date: article.meta.date_text.clone(),
        path: path_to_text(path),
        fingerprint: String::new(),
    }
}

/// How often the open article's file is checked for changes on disk.
const WATCH_EVERY: Duration = Duration::from_secs(1);

/// The open article's file: its size and modification time when last seen.
struct Watched {
    article: usize,
    path: PathBuf,
    stamp: Option<(u64, std::time::SystemTime)>,
    checked: Instant,
}

/// The size and modification time of `path`; `None` when it is gone.
fn stamp_of(path: &Path) -> Option<(u64, std::time::SystemTime)> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.len(), meta.modified().ok()?))
}

/// What the event loop does after [`Session::on_signal`].
#[cfg(unix)]
enum AfterSignal {
    /// No signal came.
    Nothing,
    /// The terminal was taken back: draw everything again.
    Redraw,
    /// A quit signal: leave the loop (the caller saves and restores).
    Exit,
}

/// The app plus what the runtime needs to carry out its effects.
struct Session {
    app: App,
    store: Store,
    data_dir: PathBuf,
    options: ParseOptions,
    pending_position: Option<(Effect, Instant)>,
    /// The open article's file as it was when read, to notice it being
    /// rewritten or deleted while open.
    watched: Option<Watched>,
    /// Changes the store refused (full disk...), retried with the next save.
    unsaved: Vec<(usize, Op)>,
    last_save_error: Option<String>,
    /// What the last session left in the recovery file and this one has not
    /// yet given back (a draft whose article is not open yet, changes the
    /// store still refuses).
    recovered: Recovery,
    /// The snapshot the panic hook writes: `recovered`, the note being typed
    /// and `unsaved`, brought up to date whenever one of them changes.
    shared: recovery::Shared,
    /// The draft (highlight id, text) last put in `shared`.
    draft_in_snapshot: Option<(String, String)>,
    /// Set when `unsaved` or `recovered` changed since `shared` was updated.
    snapshot_stale: bool,
    #[cfg(unix)]
    signals: Option<signals::Signals>,
    /// Debug builds only: F12 panics when `GLOSS_DEBUG_PANIC_KEY` is set, so
    /// the end-to-end tests can prove a panic keeps the user's work.
    #[cfg(debug_assertions)]
    panic_key: bool,
}

impl Session {
    fn new(
        config: Config,
        keymap: Keymap,
        scan: Scan,
        data_dir: &Path,
        options: ParseOptions,
    ) -> Self {
        let mut session = Self {
            app: App::new(config, keymap, scan),
            store: Store::new(data_dir),
            data_dir: data_dir.to_path_buf(),
            options,
            pending_position: None,
            watched: None,
            unsaved: Vec::new(),
            last_save_error: None,
            recovered: Recovery::default(),
            shared: Arc::new(Mutex::new(Recovery::default())),
            draft_in_snapshot: None,
            snapshot_stale: false,
            #[cfg(unix)]
            signals: None,
            #[cfg(debug_assertions)]
            panic_key: std::env::var_os("GLOSS_DEBUG_PANIC_KEY").is_some(),
        };
        #[cfg(unix)]
        match signals::Signals::install() {
            Ok(signals) => session.signals = Some(signals),
            Err(e) => session.app.error(format!(
                "{e}: signals not handled (kill may lose unsaved work)"
            )),
        }
        session.recover();
        session.load_index();
        session.sync_recovery();
        session
    }

    /// Gives back what the last session kept in the recovery file: its
    /// changes are saved now (they were made and meant to be kept), and a note
    /// that was being typed is reopened in the editor when its article is
    /// opened (it was never confirmed, so it is not saved unasked).
    fn recover(&mut self) {
        let found = match recovery::load(&self.data_dir) {
            Ok(Some(found)) => found,
            Ok(None) => return,
            Err(e) => {
                self.app.error(e.to_string());
                return;
            }
        };
        let mut saved = 0;
        let mut failed = None;
        let mut kept = Recovery {
            drafts: found.drafts,
            ..Recovery::default()
        };
        for pending in found.changes {
            let ops: Vec<Op> = pending.changes.iter().cloned().map(Op::from).collect();
            match self.apply_for(&pending.article, &ops) {
                Ok(()) => saved += ops.len(),
                Err(e) => {
                    failed = Some(reason_first(&e).0);
                    kept.changes.push(pending);
                }
            }
        }
        let mut parts = Vec::new();
        if saved > 0 {
            parts.push(format!("{saved} change(s) from the last session saved"));
        }
        if let Some(draft) = kept.drafts.first() {
            parts.push(format!(
                "a note you were typing in \"{}\": open it to finish the note",
                draft.article.title
            ));
        }
        self.recovered = kept;
        self.snapshot_stale = true;
        if let Some(reason) = failed {
            self.last_save_error = Some(reason.clone());
            self.app.error(format!(
                "{reason}: {} recovered change(s) still not saved, kept in {}",
                self.recovered.change_count(),
                recovery::path(&self.data_dir).display()
            ));
        } else if !parts.is_empty() {
            self.app.info(format!("recovered: {}", parts.join("; ")));
        }
        if let Err(e) = recovery::store(&self.data_dir, &self.recovered) {
            self.app
                .error(format!("{e}: the recovery file could not be updated"));
        }
    }

    /// Saves `ops` into the notes file of the article `record` names (found by
    /// its path or its text's fingerprint, else a new file).
    fn apply_for(&self, record: &ArticleRecord, ops: &[Op]) -> Result<(), StoreError> {
        let found = self
            .store
            .find_article(&text_to_path(&record.path), record)?;
        self.store
            .apply(found.as_ref().map(|f| f.file.as_path()), record, ops)?;
        Ok(())
    }

    /// Everything not in a notes file right now, as the recovery file holds it.
    fn snapshot(&self) -> Recovery {
        let mut out = self.recovered.clone();
        if let (Some((editor, id)), Some(reader)) = (self.app.note_editor(), &self.app.reader)
            && editor.is_modified()
            && let Some(h) = reader.notes.highlights.iter().find(|h| h.id == id)
        {
            out.drafts.push(Draft {
                article: reader.notes.record.clone(),
                highlight: h.clone(),
                text: editor.text(),
            });
        }
        let mut groups: Vec<(usize, Pending)> = Vec::new();
        for (article, op) in &self.unsaved {
            let at = match groups.iter().position(|(a, _)| a == article) {
                Some(at) => at,
                None => {
                    let Some(record) = self.record_of(*article) else {
                        continue;
                    };
                    groups.push((
                        *article,
                        Pending {
                            article: record,
                            changes: Vec::new(),
                        },
                    ));
                    groups.len() - 1
                }
            };
            groups[at].1.changes.push(Change::from(op));
        }
        out.changes.extend(groups.into_iter().map(|(_, p)| p));
        out
    }

    /// The store record of article `index` (the open one's as loaded).
    fn record_of(&self, index: usize) -> Option<ArticleRecord> {
        if let Some(reader) = self.app.reader.as_ref().filter(|r| r.article.0 == index) {
            return Some(reader.notes.record.clone());
        }
        let article = self.app.list.articles.get(index)?;
        Some(record(article, &store_path(&article.source)))
    }

    /// Brings the panic hook's snapshot up to date, if the note being typed or
    /// the unsaved changes differ from what it holds (cheap otherwise: one
    /// copy of the note's text while the editor is open).
    fn sync_recovery(&mut self) {
        let draft = self
            .app
            .note_editor()
            .map(|(editor, id)| (id.to_string(), editor.text()));
        if draft == self.draft_in_snapshot && !self.snapshot_stale {
            return;
        }
        let snapshot = self.snapshot();
        match self.shared.lock() {
            Ok(mut shared) => *shared = snapshot,
            Err(poisoned) => *poisoned.into_inner() = snapshot,
        }
        self.draft_in_snapshot = draft;
        self.snapshot_stale = false;
        self.app.unsaved =
            (!self.unsaved.is_empty() || self.recovered.change_count() > 0).then(|| Unsaved {
                count: self.unsaved.len() + self.recovered.change_count(),
                reason: self
                    .last_save_error
                    .clone()
                    .unwrap_or_else(|| "the notes folder refused them".into()),
                kept_in: recovery::path(&self.data_dir),
            });
    }

    /// At exit (a quit, a signal, an error): saves the pending position,
    /// retries what could not be saved, and puts whatever is still unsaved,
    /// and a note being typed, in the recovery file (which is removed when
    /// nothing is left).
    fn finish(&mut self) -> Kept {
        self.flush_position();
        self.retry_unsaved();
        let snapshot = self.snapshot();
        let changes = snapshot.change_count();
        let drafts = snapshot.drafts.len();
        match recovery::store(&self.data_dir, &snapshot) {
            Ok(_) if snapshot.is_empty() => Kept::Nothing,
            Ok(path) => Kept::InRecovery {
                path,
                changes,
                drafts,
            },
            Err(_) if snapshot.is_empty() => Kept::Nothing,
            Err(e) => Kept::Lost(e, snapshot),
        }
    }

    /// Tries once more to save every article's unsaved changes.
    fn retry_unsaved(&mut self) {
        let mut articles: Vec<usize> = self.unsaved.iter().map(|(a, _)| *a).collect();
        articles.dedup();
        for article in articles {
            let Some(record) = self.record_of(article) else {
                continue;
            };
            let ops: Vec<Op> = self
                .unsaved
                .iter()
                .filter(|(a, _)| *a == article)
                .map(|(_, op)| op.clone())
                .collect();
            let open_file = self
                .app
                .reader
                .as_ref()
                .filter(|r| r.article.0 == article)
                .map(|r| r.notes.file.clone());
            let result = match open_file {
                Some(file) => self.store.apply(file.as_deref(), &record, &ops).map(|_| ()),
                None => self.apply_for(&record, &ops),
            };
            match result {
                Ok(()) => self.unsaved.retain(|(a, _)| *a != article),
                Err(e) => self.last_save_error = Some(reason_first(&e).0),
            }
        }
    }

    /// Ctrl-z or SIGTSTP: keeps the user's work safe, gives the terminal back,
    /// stops until continued (`fg`), then takes the terminal back and redraws.
    #[cfg(unix)]
    fn suspend(&mut self, terminal: &mut Term) -> Result<()> {
        self.flush_position();
        self.sync_recovery();
        let _ = recovery::store(&self.data_dir, &self.snapshot());
        leave();
        signals::stop_self()?;
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

    /// Fills the list's progress and highlight counts from the store.
    fn load_index(&mut self) {
        let index = match self.store.index() {
            Ok(index) => index,
            Err(e) => {
                let (reason, detail) = reason_first(&e);
                self.app
                    .error(format!("{reason}: cannot read annotations ({detail})"));
                return;
            }
        };
        let by_path: HashMap<&str, _> = index
            .entries
            .iter()
            .map(|e| (e.article.path.as_str(), e))
            .collect();
        // Files whose article is no longer where it was: it may have moved into
        // this library, recognisable by its text.
        let moved: HashMap<&str, _> = index
            .entries
            .iter()
            .filter(|e| e.article.path.starts_with('/') && !text_to_path(&e.article.path).exists())
            .map(|e| (e.article.fingerprint.as_str(), e))
            .collect();
        for (i, article) in self.app.list.articles.iter().enumerate() {
            let path = store_path(&article.source);
            let mut entry = by_path.get(path_to_text(&path).as_str()).copied();
            if entry.is_none() && !moved.is_empty() {
                entry = library::load(&article.source)
                    .ok()
                    .and_then(|loaded| moved.get(fingerprint(&loaded.text).as_str()).copied());
            }
            if let Some(entry) = entry
                && let Some(f) = self.app.figures.get_mut(crate::app::ArticleId(i))
            {
                f.highlights = entry.highlight_count;
                f.progress = entry.position.as_ref().map(|p| p.progress);
            }
        }
        if let Some(bad) = index.corrupt.first() {
            self.app.error(format!(
                "notes file not readable, left untouched: {}",
                short_corrupt(bad)
            ));
        }
    }

    fn run(&mut self, terminal: &mut Term) -> Result<()> {
        let size = terminal.size()?;
        self.app.resize(size.width, size.height);
        let mut dirty = true;
        let mut busy = false;
        let mut last_draw = Instant::now();
        while !self.app.quit {
            #[cfg(unix)]
            match self.on_signal(terminal)? {
                AfterSignal::Exit => return Ok(()),
                AfterSignal::Redraw => dirty = true,
                AfterSignal::Nothing => {}
            }
            // Input that is already waiting is read before drawing, so a
            // burst (a resize storm, a held key, a paste) costs one frame,
            // not one per event; a frame is still drawn every FRAME_BUDGET.
            if dirty && (last_draw.elapsed() >= FRAME_BUDGET || !event::poll(Duration::ZERO)?) {
                draw(terminal, &mut self.app)?;
                dirty = false;
                last_draw = Instant::now();
            }
            let timeout = if busy { Duration::ZERO } else { IDLE_TICK };
            if event::poll(timeout)? {
                let event = event::read()?;
                #[cfg(unix)]
                if is_suspend_key(&event) {
                    self.suspend(terminal)?;
                    dirty = true;
                    continue;
                }
                #[cfg(debug_assertions)]
                self.debug_panic(&event);
                let effects = self.on_event(event);
                self.apply(effects, terminal)?;
                self.sync_recovery();
                dirty = true;
                busy = true;
            } else if busy {
                busy = self.app.idle();
            } else {
                self.flush_due_position();
                self.sync_recovery();
                if self.check_file() {
                    dirty = true;
                }
            }
        }
        Ok(())
    }

    /// Debug builds only (see `panic_key`): a panic on demand.
    #[cfg(debug_assertions)]
    fn debug_panic(&self, event: &Event) {
        if self.panic_key
            && matches!(
                event,
                Event::Key(KeyEvent {
                    code: KeyCode::F(12),
                    ..
                })
            )
        {
            panic!("panic requested with F12 (GLOSS_DEBUG_PANIC_KEY is set)");
        }
    }

    fn on_event(&mut self, event: Event) -> Vec<Effect> {
        match event {
            Event::Key(key) => self.app.on_key(key),
            Event::Mouse(mouse) => self.app.on_mouse(mouse),
            Event::Paste(text) => {
                self.app.on_paste(&text);
                Vec::new()
            }
            Event::Resize(width, height) => {
                self.app.resize(width, height);
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    fn apply(&mut self, effects: Vec<Effect>, terminal: &mut Term) -> Result<()> {
        for effect in effects {
            match effect {
                Effect::Open(index) => {
                    let more = self.open(index.0);
                    self.apply(more, terminal)?;
                }
                position @ Effect::SavePosition { .. } => {
                    self.pending_position = Some((position, Instant::now()));
                }
                Effect::Save { article, ops } => self.save(article.0, ops),
                Effect::Copy(text) => copy_to_clipboard(&text),
                Effect::Export(only) => self.export(only.map(|a| a.0)),
                Effect::ExternalEdit(text) => {
                    leave();
                    let result = external_editor::edit(&text).map_err(|e| format!("{e:#}"));
                    resume(terminal)?;
                    self.app.external_edit_done(result);
                }
            }
        }
        if self.app.quit {
            self.flush_position();
        }
        Ok(())
    }

    /// Opens the article `start` names, at its offset.
    fn open_start(&mut self, start: &Start, terminal: &mut Term) -> Result<()> {
        let wanted = std::fs::canonicalize(&start.path).unwrap_or_else(|_| start.path.clone());
        let index = self
            .app
            .list
            .articles
            .iter()
            .position(|a| store_path(&a.source) == wanted);
        let Some(index) = index else {
            self.app.error(format!(
                "{} is not an article gloss can open",
                start.path.display()
            ));
            return Ok(());
        };
        self.app.list.select_article(index);
        let effects = self.open(index);
        self.apply(effects, terminal)?;
        if let (Some(at), Some(reader)) = (start.at, self.app.reader.as_mut()) {
            reader.doc.ensure_complete();
            let byte = reader.doc.byte_offset(at);
            reader.reveal(byte);
            reader.cursor_to(byte);
        }
        Ok(())
    }

    /// Reads article `index` and its annotations, and shows it.
    fn open(&mut self, index: usize) -> Vec<Effect> {
        self.flush_position();
        let Some(article) = self.app.list.articles.get(index) else {
            return Vec::new();
        };
        let loaded = match library::load(&article.source) {
            Ok(loaded) => loaded,
            Err(message) => {
                self.app.error(message);
                return Vec::new();
            }
        };
        let path = store_path(&article.source);
        let mut record = record(article, &path);
        let mut moved = false;
        let mut found = self.store.find_article(&path, &record);
        if matches!(found, Ok(None)) {
            record.fingerprint = fingerprint(&loaded.text);
            found = self.store.find_article(&path, &record);
        }
        let mut repaired = None;
        let notes = match found {
            Ok(Some(found)) => {
                moved = found.matched == MatchedBy::Fingerprint;
                repaired = found.repairs.describe();
                Notes::new(record, Some(found.file), Some(found.content))
            }
            Ok(None) => Notes::new(record, None, None),
            Err(e) => Notes::read_only(record, short_error(&e)),
        };
        let doc = loaded.document(self.options);
        let note = loaded
            .lossy
            .then(|| "this file is not valid UTF-8: invalid bytes are shown as �".to_string());
        self.watched = match &article.source {
            Source::File(file) => Some(Watched {
                article: index,
                path: file.clone(),
                stamp: stamp_of(file),
                checked: Instant::now(),
            }),
            Source::Bundled(..) => None,
        };
        let mut effects = self
            .app
            .show_article(crate::app::ArticleId(index), doc, notes, note);
        if let Some(repaired) = repaired {
            self.app.info(repaired);
        }
        let path_key = self
            .app
            .reader
            .as_ref()
            .map(|r| r.notes.record.path.clone());
        if let Some(at) = self
            .recovered
            .drafts
            .iter()
            .position(|d| Some(&d.article.path) == path_key.as_ref())
        {
            let draft = self.recovered.drafts.remove(at);
            effects.extend(self.app.resume_draft(draft.highlight, &draft.text));
            self.snapshot_stale = true;
        }
        if moved {
            self.app
                .info("annotations followed the article to its new path");
            effects.push(Effect::Save {
                article: crate::app::ArticleId(index),
                ops: Vec::new(),
            });
        }
        effects
    }

    /// Merges `ops` (and any earlier ones that failed) into the store.
    fn save(&mut self, article: usize, ops: Vec<Op>) {
        let Some(reader) = &self.app.reader else {
            return;
        };
        if reader.article.0 != article || reader.notes.read_only.is_some() {
            return;
        }
        let mut all: Vec<Op> = self
            .unsaved
            .iter()
            .filter(|(a, _)| *a == article)
            .map(|(_, op)| op.clone())
            .collect();
        all.extend(ops);
        let file = reader.notes.file.clone();
        let mut record = reader.notes.record.clone();
        if record.fingerprint.is_empty() {
            record.fingerprint = fingerprint(reader.doc.source());
        }
        match self.store.apply(file.as_deref(), &record, &all) {
            Ok(saved) => {
                self.unsaved.retain(|(a, _)| *a != article);
                self.snapshot_stale = true;
                // "saved" was said when the change was made; take it back when
                // another window changed the same highlight later and won.
                let overruled = all.iter().filter(|op| !saved.holds(op)).count();
                self.app.saved(crate::app::ArticleId(article), saved);
                if overruled > 0 {
                    self.app.error(format!(
                        "changed in another window meanwhile: its later version was kept ({overruled} change(s) of yours not applied)"
                    ));
                }
            }
            Err(e) => {
                let (reason, detail) = reason_first(&e);
                let message = format!(
                    "{reason}: not saved (kept in memory, retried at the next change; {detail})"
                );
                self.last_save_error = Some(reason);
                self.unsaved.retain(|(a, _)| *a != article);
                self.unsaved.extend(all.into_iter().map(|op| (article, op)));
                self.snapshot_stale = true;
                self.app.error(message);
            }
        }
    }

    /// Writes notes to the export folder in the configured format and says
    /// where.
    fn export(&mut self, only: Option<usize>) {
        self.flush_position();
        let config = &self.app.config.export;
        let format = config.format;
        let folder = if config.folder.as_os_str().is_empty() {
            self.data_dir.join("exports")
        } else {
            config.folder.clone()
        };
        let only_path = only
            .and_then(|i| self.app.list.articles.get(i))
            .map(|a| store_path(&a.source));
        match commands::export::export_to_folder(
            &self.store,
            format,
            &folder,
            only_path.as_deref(),
            false,
        ) {
            Ok(written) if written.is_empty() => self.app.info("no notes to export yet"),
            Ok(written) if written.len() == 1 => {
                self.app
                    .info(format!("exported to {}", written[0].display()));
            }
            Ok(written) => self.app.info(format!(
                "exported {} files to {}",
                written.len(),
                folder.display()
            )),
            Err(e) => self
                .app
                .error(format!("{}: export failed ({e:#})", e.root_cause())),
        }
    }

    /// Notices the open article's file being rewritten or deleted (by an
    /// editor, a sync tool): a rewrite offers a reload, in which highlights
    /// re-anchor to the new text; a deletion is said, and the text in memory
    /// stays readable with its notes. True when a message was shown.
    fn check_file(&mut self) -> bool {
        let Some(watched) = &mut self.watched else {
            return false;
        };
        if watched.checked.elapsed() < WATCH_EVERY {
            return false;
        }
        watched.checked = Instant::now();
        if self.app.reader.as_ref().map(|r| r.article.0) != Some(watched.article) {
            self.watched = None;
            return false;
        }
        let now = stamp_of(&watched.path);
        if now == watched.stamp {
            return false;
        }
        watched.stamp = now;
        if self.app.is_busy() {
            // Asked later, not in the middle of typing or of another question.
            watched.stamp = Some((u64::MAX, std::time::UNIX_EPOCH));
            return false;
        }
        match now {
            Some(_) => self.app.offer_reload(),
            None => self.app.info(
                "this article's file was deleted: the text stays open here and its notes are kept",
            ),
        }
        true
    }

    fn flush_due_position(&mut self) {
        if self
            .pending_position
            .as_ref()
            .is_some_and(|(_, at)| at.elapsed() >= POSITION_DELAY)
        {
            self.flush_position();
        }
    }

    fn flush_position(&mut self) {
        if let Some((Effect::SavePosition { article, position }, _)) = self.pending_position.take()
        {
            self.save(article.0, vec![Op::SetPosition(position)]);
        }
    }
}

/// A store error for the status bar: the reason before the (shortened)
/// file name, so a narrow screen still shows what is wrong.
fn short_error(e: &StoreError) -> String {
    match e {
        StoreError::Corrupt(c) => short_corrupt(c),
        other => {
            let (reason, detail) = reason_first(other);
            format!("{reason} ({detail})")
        }
    }
}

/// Splits a store error into its reason ("No space left on device (os error
/// 28)", "Permission denied (os error 13)") and what was being done to which
/// file, so messages can put the reason first: a status bar shortens the end
/// of a message, and the reason is what the user needs to see.
fn reason_first(e: &StoreError) -> (String, String) {
    match e {
        StoreError::Io {
            action,
            path,
            source,
        } => (
            source.to_string(),
            format!("cannot {action} {}", path.display()),
        ),
        StoreError::Corrupt(c) => (short_corrupt(c), c.file.display().to_string()),
        other => {
            let text = other.to_string();
            match text.rsplit_once(": ") {
                Some((detail, reason)) => (reason.to_string(), detail.to_string()),
                None => (text, String::new()),
            }
        }
    }
}

/// "invalid string (us-deal-2nn.toml, line 20)".
fn short_corrupt(c: &crate::annotations::Corrupt) -> String {
    let name = c.file.file_name().map_or_else(
        || c.file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let reason = c.message.lines().next().unwrap_or("").trim();
    match c.line {
        Some(line) => format!("{reason} ({name}, line {line})"),
        None => format!("{reason} ({name})"),
    }
}

/// Puts text on the clipboard with OSC 52, which terminals honour even over ssh.
fn copy_to_clipboard(text: &str) {
    let encoded = base64::engine::general_purpose::STANDARD.encode(text);
    let mut out = io::stdout();
    let _ = write!(out, "\x1b]52;c;{encoded}\x07");
    let _ = out.flush();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn save_errors_give_the_reason_first() {
        for (code, reason) in [
            (28, "No space left on device"),
            (13, "Permission denied"),
            (30, "Read-only file system"),
        ] {
            let e = StoreError::Io {
                action: "create",
                path: PathBuf::from("/data/gloss/annotations/.a-long-name.toml.1.tmp"),
                source: io::Error::from_raw_os_error(code),
            };
            let (first, detail) = reason_first(&e);
            assert!(first.starts_with(reason), "{first}");
            assert!(detail.starts_with("cannot create /data/gloss"), "{detail}");
            assert!(short_error(&e).starts_with(reason));
        }
    }

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
