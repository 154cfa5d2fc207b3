//! The runtime: owns the terminal, turns terminal events into app calls, carries
//! out the app's effects (file reads, saves) and parses large articles while the
//! user is idle. Everything else lives in the library modules.

use std::io::{self, Stdout};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Result;
use crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
    Event,
};
use crossterm::execute;
use ratatui::Terminal;
use ratatui::prelude::CrosstermBackend;

use crate::app::{App, Effect};
use crate::config::Config;
use crate::document::ParseOptions;
use crate::keymap::Keymap;
use crate::library::{self, Scan};
use crate::ui;

/// How long the loop sleeps waiting for input when there is nothing to do.
const IDLE_TICK: Duration = Duration::from_millis(250);

/// Reading positions are written this long after scrolling stops, so a held key
/// does not write a file per line.
const POSITION_DELAY: Duration = Duration::from_millis(800);

/// Runs the interactive reader until the user quits.
pub fn run_app(
    config: Config,
    keymap: Keymap,
    paths: Vec<PathBuf>,
    data_dir: PathBuf,
) -> Result<()> {
    let options = ParseOptions {
        repair_page_breaks: config.reader.repair_page_breaks,
    };
    let scan = open_library(&config, &paths, options);
    let mut session = Session::new(config, keymap, scan, data_dir, options);
    let mut terminal = enter()?;
    let result = session.run(&mut terminal);
    leave();
    session.flush_position();
    result
}

/// Which library to open: the paths given, else the configured folders, else
/// the bundled samples.
fn open_library(config: &Config, paths: &[PathBuf], options: ParseOptions) -> Scan {
    if !paths.is_empty() {
        library::scan(paths, options)
    } else if !config.library.is_empty() {
        library::scan(&config.library, options)
    } else {
        library::samples()
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

/// Restores the terminal; safe to call more than once.
fn leave() {
    let _ = execute!(io::stdout(), DisableBracketedPaste, DisableMouseCapture);
    ratatui::restore();
}

/// The app plus what the runtime needs to carry out its effects.
struct Session {
    app: App,
    #[allow(dead_code)]
    data_dir: PathBuf,
    options: ParseOptions,
    pending_position: Option<(Effect, Instant)>,
}

impl Session {
    fn new(
        config: Config,
        keymap: Keymap,
        scan: Scan,
        data_dir: PathBuf,
        options: ParseOptions,
    ) -> Self {
        Self {
            app: App::new(config, keymap, scan),
            data_dir,
            options,
            pending_position: None,
        }
    }

    fn run(&mut self, terminal: &mut Term) -> Result<()> {
        let size = terminal.size()?;
        self.app.resize(size.width, size.height);
        let mut dirty = true;
        let mut busy = false;
        while !self.app.quit {
            if dirty {
                terminal.draw(|frame| ui::draw(frame, &self.app))?;
                dirty = false;
            }
            let timeout = if busy { Duration::ZERO } else { IDLE_TICK };
            if event::poll(timeout)? {
                let effects = self.on_event(event::read()?);
                self.apply(effects);
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

    fn apply(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            match effect {
                Effect::Open(index) => self.open(index),
                position @ Effect::SavePosition { .. } => {
                    self.pending_position = Some((position, Instant::now()));
                }
            }
        }
        if self.app.quit {
            self.flush_position();
        }
    }

    fn open(&mut self, index: usize) {
        self.flush_position();
        let Some(article) = self.app.list.articles.get(index) else {
            return;
        };
        match library::load(&article.source) {
            Ok(loaded) => {
                let doc = loaded.document(self.options);
                let note = loaded.lossy.then(|| {
                    "this file is not valid UTF-8: invalid bytes are shown as �".to_string()
                });
                self.app.show_article(index, doc, None, note);
            }
            Err(message) => self.app.error(message),
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
        if let Some((Effect::SavePosition { .. }, _)) = self.pending_position.take() {
            // Saved through the annotation store (wired when the store lands).
        }
    }
}
