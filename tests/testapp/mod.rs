//! `TestApp`: drives the real [`App`] with key strings such as `"v s m"` and
//! returns the screen as a [`TestBackend`] draws it, with the styled cells
//! spelled out, so a state test reads like what a user types and sees.
//!
//! Keys are written as in the config's `[keys]` tables ("j", "G", "enter",
//! "ctrl-s", "space"), separated by spaces. `Open` effects are carried out
//! the way the runtime does (the article is read and shown); the app's own
//! copy of the notes already holds every change, so saves need no disk. The
//! clock is fixed, so new highlights get the ids "h0001", "h0002"...

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use crossterm::event::KeyEvent;
use gloss::app::clock::FixedClock;
use gloss::app::notes::Notes;
use gloss::app::{App, ArticleId, Effect};
use gloss::config::Config;
use gloss::document::ParseOptions;
use gloss::keymap::{KeyConfig, KeySpec, Keymap};
use gloss::library;
use gloss::session::links::{Linked, linked_article};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Modifier, Style};

/// The article every `TestApp` library holds first: short paragraphs with
/// a word ("zephyr") to search for.
pub const ARTICLE: &str = "# Winds\n\nThe first wind is a breeze. It cools the hill.\n\nA zephyr comes from the west. Another zephyr follows.\n\nThe last paragraph is calm.\n";

/// An app over a small library in a temp dir, with a terminal to draw on.
pub struct TestApp {
    /// The app under test.
    pub app: App,
    /// Every effect the keys produced, in order.
    pub effects: Vec<Effect>,
    /// URLs and paths handed to the system opener (none is started).
    pub opened: Vec<String>,
    terminal: Terminal<TestBackend>,
    _dir: tempfile::TempDir,
}

impl TestApp {
    /// A `width` x `height` app with the default keys.
    pub fn new(width: u16, height: u16) -> Self {
        Self::with_keys(width, height, KeyConfig::default())
    }

    /// A `width` x `height` app with the user's key tables laid over the
    /// defaults.
    pub fn with_keys(width: u16, height: u16, keys: KeyConfig) -> Self {
        Self::with_files(
            width,
            height,
            keys,
            &[
                ("winds.md", ARTICLE),
                ("zz-second.md", "# Zz Other\n\nAnother article.\n"),
            ],
        )
    }

    /// A `width` x `height` app whose library holds `files` (name, text),
    /// with the default keys.
    pub fn with_articles(width: u16, height: u16, files: &[(&str, &str)]) -> Self {
        Self::with_files(width, height, KeyConfig::default(), files)
    }

    /// A `width` x `height` app over a library of these files (name, text),
    /// listed in the order of their names.
    pub fn with_files(width: u16, height: u16, keys: KeyConfig, files: &[(&str, &str)]) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        // A folder with a fixed name, so the list's file-name lines are the
        // same on every run.
        let library = dir.path().join("articles");
        std::fs::create_dir(&library).expect("library folder");
        for (name, text) in files {
            write(&library, name, text);
        }
        let scan = library::scan(&[library]);
        Self::over(width, height, &keys, scan, dir)
    }

    /// A `width` x `height` app over a library of files given as bytes (an
    /// EPUB book is a zip, not text), with the default keys.
    pub fn with_bytes(width: u16, height: u16, files: &[(&str, &[u8])]) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let library = dir.path().join("articles");
        std::fs::create_dir(&library).expect("library folder");
        for (name, bytes) in files {
            std::fs::write(library.join(name), bytes).expect("fixture file");
        }
        let scan = library::scan(&[library]);
        Self::over(width, height, &KeyConfig::default(), scan, dir)
    }

    /// A `width` x `height` app over files of its own: every `(name, text)`
    /// is written in a temp folder (names may have folders), and only those
    /// named in `library` are given to gloss, as on its command line.
    pub fn with_tree(width: u16, height: u16, files: &[(&str, &str)], library: &[&str]) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        for (name, text) in files {
            if let Some(parent) = dir.path().join(name).parent() {
                std::fs::create_dir_all(parent).expect("fixture folder");
            }
            write(dir.path(), name, text);
        }
        let paths: Vec<PathBuf> = library.iter().map(|n| dir.path().join(n)).collect();
        let scan = library::scan(&paths);
        Self::over(width, height, &KeyConfig::default(), scan, dir)
    }

    /// The app over a scanned library at a fixed clock, sized `width` x
    /// `height`; `dir` holds the files and lives as long as the app.
    fn over(
        width: u16,
        height: u16,
        keys: &KeyConfig,
        scan: library::Scan,
        dir: tempfile::TempDir,
    ) -> Self {
        let keymap = Keymap::from_config(keys).expect("test keys are valid");
        let at: DateTime<Utc> = DateTime::UNIX_EPOCH;
        let mut app = App::new(Config::default(), keymap, scan).with_clock(FixedClock::new(at));
        app.resize(width, height);
        let terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
        Self {
            app,
            effects: Vec::new(),
            opened: Vec::new(),
            terminal,
            _dir: dir,
        }
    }

    /// Resizes the terminal and tells the app, as a resize event does.
    pub fn resize(&mut self, width: u16, height: u16) -> &mut Self {
        self.app.resize(width, height);
        self.terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
        self
    }

    /// Presses the keys in `keys` ("v s m", "ctrl-s", "/ z e p enter").
    pub fn keys(&mut self, keys: &str) -> &mut Self {
        for token in keys.split_whitespace() {
            let spec: KeySpec = token
                .parse()
                .unwrap_or_else(|e| panic!("bad key `{token}` in a test: {e}"));
            let event = KeyEvent::new(spec.code(), spec.modifiers());
            let effects = self.app.on_key(event);
            self.carry_out(effects);
        }
        self
    }

    /// Types `text` character by character (spaces too).
    pub fn type_text(&mut self, text: &str) -> &mut Self {
        for c in text.chars() {
            let effects = self
                .app
                .on_key(KeyEvent::from(crossterm::event::KeyCode::Char(c)));
            self.carry_out(effects);
        }
        self
    }

    fn carry_out(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            match &effect {
                Effect::Open(i) => self.open(*i),
                // As the session does: a linked file is found or added to
                // the list, opened, and the link's place remembered.
                Effect::FollowFile {
                    from,
                    path,
                    fragment,
                } => match linked_article(&mut self.app, from.article, path) {
                    Ok(Linked::Article(id)) => {
                        if self.app.reader.as_ref().map(|r| r.article) != Some(id) {
                            self.open(id);
                        }
                        self.app.arrived(*from, id, fragment.as_deref());
                    }
                    Ok(Linked::Elsewhere(file)) => {
                        self.opened.push(file.display().to_string());
                    }
                    Err(message) => self.app.error(message),
                },
                Effect::Return(place) => {
                    self.open(place.article);
                    self.app.land(*place);
                }
                Effect::OpenUrl { url, .. } => self.opened.push(url.clone()),
                _ => {}
            }
            self.effects.push(effect);
        }
    }

    fn open(&mut self, id: ArticleId) {
        let source = self.app.list.articles[id.0].source.clone();
        let loaded = library::load(&source).expect("test article loads");
        let doc = loaded.document(ParseOptions::default());
        let more = self.app.show_article(id, doc, Notes::default(), None);
        self.effects.extend(more);
    }

    /// The folder the test library is in, to add files links lead to.
    pub fn dir(&self) -> &Path {
        self._dir.path()
    }

    /// Draws the app and returns the backend (its `Display` is the text),
    /// as the screen is once background work for it is done: the open
    /// article's code blocks are prepared for drawing in colour first (the
    /// runtime does that off the event loop and draws again).
    pub fn screen(&mut self) -> &TestBackend {
        if let Some(reader) = &self.app.reader {
            for block in reader.doc.blocks() {
                if let gloss::document::BlockKind::Code { lang } = &block.kind {
                    let _ = gloss::ui::syntax::runs(lang, reader.doc.slice(block.range.clone()));
                }
            }
        }
        self.frame()
    }

    /// Draws one frame as it is now, before any background work (a code
    /// block whose grammar is not loaded yet is drawn plain).
    pub fn frame(&mut self) -> &TestBackend {
        let app = &self.app;
        self.terminal
            .draw(|f| gloss::ui::draw(f, app))
            .expect("draw");
        self.terminal.backend()
    }

    /// The screen's text, one line per row, trailing spaces kept.
    pub fn text(&mut self) -> String {
        buffer_text(self.screen().buffer())
    }

    /// The screen with its styles: see [`styled`].
    pub fn styled(&mut self) -> String {
        styled(self.screen().buffer())
    }

    /// The status bar's text (the last row), trimmed.
    pub fn status(&mut self) -> String {
        self.text()
            .lines()
            .last()
            .unwrap_or_default()
            .trim()
            .to_string()
    }

    /// The open article's text with helix-style markers: the selection as
    /// `#[` ... `]#`, the cursor as `|` (inside the selection at its moving
    /// end), every highlight as `«` ... `»`.
    pub fn marked(&self) -> String {
        let Some(reader) = &self.app.reader else {
            return String::new();
        };
        let text = reader.doc.text();
        let mut marks: BTreeMap<usize, String> = BTreeMap::new();
        let mut put = |at: usize, mark: &str, front: bool| {
            let slot = marks.entry(at).or_default();
            if front {
                slot.insert_str(0, mark);
            } else {
                slot.push_str(mark);
            }
        };
        for range in reader.notes.placed.iter().map(|p| &p.range) {
            put(range.start, "«", false);
            put(range.end, "»", true);
        }
        if let Some(range) = reader.selection() {
            put(range.start, "#[", false);
            put(range.end, "]#", true);
        }
        put(reader.cursor, "|", false);
        let mut out = String::new();
        let mut last = 0;
        for (at, mark) in marks {
            let at = at.min(text.len());
            out.push_str(&text[last..at]);
            out.push_str(&mark);
            last = at;
        }
        out.push_str(&text[last..]);
        out
    }
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write fixture");
    path
}

/// The buffer's text, one line per row.
pub fn buffer_text(buffer: &Buffer) -> String {
    let area = buffer.area;
    let mut out = String::new();
    for y in area.top()..area.bottom() {
        let mut skip = 0;
        for x in area.left()..area.right() {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let symbol = buffer[(x, y)].symbol();
            skip = unicode_width::UnicodeWidthStr::width(symbol).saturating_sub(1);
            out.push_str(symbol);
        }
        out.push('\n');
    }
    out
}

/// The buffer as text, and under every row that has styled cells a row of
/// letters, one per cell (a space for a plain cell); a legend at the end says
/// which style each letter is. Only the styles a user sees as marks are
/// lettered (a background, reversed or underlined cells), so a highlight,
/// a search match, the cursor and a selection all show, and a broken style
/// changes the snapshot.
pub fn styled(buffer: &Buffer) -> String {
    let area = buffer.area;
    let mut legend: Vec<Style> = Vec::new();
    let mut out = String::new();
    let text = buffer_text(buffer);
    for (row, line) in (area.top()..area.bottom()).zip(text.lines()) {
        out.push_str(line);
        out.push('\n');
        let mut marks = String::new();
        for x in area.left()..area.right() {
            let cell = &buffer[(x, row)];
            let style = cell.style();
            let visible = style
                .bg
                .is_some_and(|bg| bg != ratatui::style::Color::Reset)
                || style
                    .add_modifier
                    .intersects(Modifier::REVERSED | Modifier::UNDERLINED);
            if !visible {
                marks.push(' ');
                continue;
            }
            let index = legend.iter().position(|s| *s == style).unwrap_or_else(|| {
                legend.push(style);
                legend.len() - 1
            });
            marks.push(letter(index));
        }
        if !marks.trim().is_empty() {
            out.push_str(marks.trim_end());
            out.push('\n');
        }
    }
    out.push_str("--\n");
    for (i, style) in legend.iter().enumerate() {
        out.push_str(&format!(
            "{} = fg {:?} bg {:?} {:?}\n",
            letter(i),
            style.fg,
            style.bg,
            style.add_modifier
        ));
    }
    out
}

fn letter(index: usize) -> char {
    const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    LETTERS.get(index).map_or('?', |b| char::from(*b))
}
