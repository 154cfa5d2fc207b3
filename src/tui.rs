//! The runtime: owns the terminal and the annotation store, turns terminal
//! events into app calls, carries out the app's effects (file reads, saves,
//! clipboard, external editor) and parses large articles while the user is
//! idle. Everything else lives in the library modules.

use std::collections::HashMap;
use std::io::{self, Stdout, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Result;
use base64::Engine;
use crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
    Event,
};
use crossterm::execute;
use crossterm::terminal::{EnterAlternateScreen, enable_raw_mode};
use ratatui::Terminal;
use ratatui::prelude::CrosstermBackend;

use crate::annotations::{ArticleRecord, MatchedBy, Op, Store, StoreError, fingerprint};
use crate::app::notes::Notes;
use crate::app::{App, Effect};
use crate::config::Config;
use crate::document::ParseOptions;
use crate::keymap::Keymap;
use crate::library::{self, Article, Scan, Source};
use crate::{commands, external_editor, ui};

/// How long the loop sleeps waiting for input when there is nothing to do.
const IDLE_TICK: Duration = Duration::from_millis(250);

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
    let mut terminal = enter()?;
    if let Some(start) = start {
        let size = terminal.size()?;
        session.app.resize(size.width, size.height);
        session.open_start(&start, &mut terminal)?;
    }
    let result = session.run(&mut terminal);
    leave();
    session.flush_position();
    report_unsaved(&session);
    // Everything is on disk; freeing a large article's memory one piece at a
    // time would only delay the exit, and the system reclaims it at once.
    std::mem::forget(session);
    result
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

/// Says on stderr which changes could not be saved, so none is lost silently.
fn report_unsaved(session: &Session) {
    if !session.unsaved.is_empty() {
        eprintln!(
            "gloss: {} change(s) could not be saved to {}: {}",
            session.unsaved.len(),
            session.store.dir().display(),
            session
                .last_save_error
                .as_deref()
                .unwrap_or("unknown error")
        );
    }
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

/// Switches the terminal to the app's mode and makes sure a panic switches it
/// back before the panic message is printed.
fn enter() -> Result<Term> {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        leave();
        previous(info);
    }));
    let terminal = ratatui::try_init()?;
    execute!(io::stdout(), EnableMouseCapture, EnableBracketedPaste)?;
    Ok(terminal)
}

/// Re-enters the app's terminal mode after [`leave`] (around an external editor).
fn resume(terminal: &mut Term) -> Result<()> {
    enable_raw_mode()?;
    execute!(
        io::stdout(),
        EnterAlternateScreen,
        EnableMouseCapture,
        EnableBracketedPaste
    )?;
    terminal.clear()?;
    Ok(())
}

/// Restores the terminal; safe to call more than once.
fn leave() {
    let _ = execute!(io::stdout(), DisableBracketedPaste, DisableMouseCapture);
    ratatui::restore();
}

/// The path an article is known by in the annotation store: the absolute path
/// of its file, or a stable pseudo-path for a bundled sample.
pub fn store_path(source: &Source) -> PathBuf {
    match source {
        Source::File(p) => std::fs::canonicalize(p).unwrap_or_else(|_| p.clone()),
        Source::Bundled(..) => PathBuf::from(source.display_path()),
    }
}

/// The record of an article as the store keeps it.
/// The fingerprint is left empty: hashing a large article is only worth it
/// when the path alone does not find its notes, or when they are first saved.
fn record(article: &Article, path: &Path) -> ArticleRecord {
    ArticleRecord {
        title: article.title.clone(),
        author: article.meta.author.clone(),
        date: article.meta.date_text.clone(),
        path: path.display().to_string(),
        fingerprint: String::new(),
    }
}

/// The app plus what the runtime needs to carry out its effects.
struct Session {
    app: App,
    store: Store,
    data_dir: PathBuf,
    options: ParseOptions,
    pending_position: Option<(Effect, Instant)>,
    /// Changes the store refused (full disk...), retried with the next save.
    unsaved: Vec<(usize, Op)>,
    last_save_error: Option<String>,
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
            unsaved: Vec::new(),
            last_save_error: None,
        };
        session.load_index();
        session
    }

    /// Fills the list's progress and highlight counts from the store.
    fn load_index(&mut self) {
        let index = match self.store.index() {
            Ok(index) => index,
            Err(e) => {
                self.app.error(format!("cannot read annotations: {e}"));
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
            .filter(|e| e.article.path.starts_with('/') && !Path::new(&e.article.path).exists())
            .map(|e| (e.article.fingerprint.as_str(), e))
            .collect();
        for (i, article) in self.app.list.articles.iter().enumerate() {
            let path = store_path(&article.source);
            let mut entry = by_path.get(path.to_string_lossy().as_ref()).copied();
            if entry.is_none() && !moved.is_empty() {
                entry = library::load(&article.source)
                    .ok()
                    .and_then(|loaded| moved.get(fingerprint(&loaded.text).as_str()).copied());
            }
            if let Some(entry) = entry {
                self.app.counts[i] = entry.highlight_count;
                self.app.progress[i] = entry.position.as_ref().map(|p| p.progress);
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
        while !self.app.quit {
            if dirty {
                draw(terminal, &mut self.app)?;
                dirty = false;
            }
            let timeout = if busy { Duration::ZERO } else { IDLE_TICK };
            if event::poll(timeout)? {
                let effects = self.on_event(event::read()?);
                self.apply(effects, terminal)?;
                dirty = true;
                busy = true;
            } else if busy {
                busy = self.app.idle();
            } else {
                self.flush_due_position();
            }
        }
        Ok(())
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
                    let more = self.open(index);
                    self.apply(more, terminal)?;
                }
                position @ Effect::SavePosition { .. } => {
                    self.pending_position = Some((position, Instant::now()));
                }
                Effect::Save { article, ops } => self.save(article, ops),
                Effect::Copy(text) => copy_to_clipboard(&text),
                Effect::Export(only) => self.export(only),
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
        let mut found = self.store.find(&path, "");
        if matches!(found, Ok(None)) {
            record.fingerprint = fingerprint(&loaded.text);
            found = self.store.find(&path, &record.fingerprint);
        }
        let notes = match found {
            Ok(Some(found)) => {
                moved = found.matched == MatchedBy::Fingerprint;
                Notes::new(record, Some(found.file), Some(found.content))
            }
            Ok(None) => Notes::new(record, None, None),
            Err(e) => Notes::read_only(record, short_error(&e)),
        };
        let doc = loaded.document(self.options);
        let note = loaded
            .lossy
            .then(|| "this file is not valid UTF-8: invalid bytes are shown as �".to_string());
        let mut effects = self.app.show_article(index, doc, notes, note);
        if moved {
            self.app
                .info("annotations followed the article to its new path");
            effects.push(Effect::Save {
                article: index,
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
        if reader.article != article || reader.notes.read_only.is_some() {
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
                self.app.saved(article, saved);
            }
            Err(e) => {
                let message =
                    format!("not saved (kept in memory, retried at the next change): {e}");
                self.last_save_error = Some(e.to_string());
                self.unsaved.retain(|(a, _)| *a != article);
                self.unsaved.extend(all.into_iter().map(|op| (article, op)));
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
            Err(e) => self.app.error(format!("export failed: {e:#}")),
        }
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
            self.save(article, vec![Op::SetPosition(position)]);
        }
    }
}

/// A store error for the status bar: the reason before the (shortened)
/// file name, so a narrow screen still shows what is wrong.
fn short_error(e: &StoreError) -> String {
    match e {
        StoreError::Corrupt(c) => short_corrupt(c),
        other => other.to_string(),
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
