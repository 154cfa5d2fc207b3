//! Times the real gloss binary on a book as a user meets it: in a 120x40
//! pseudo-terminal read back through a terminal emulator (vt100), `gloss open
//! BOOK.epub` on a generated 5 MB EPUB (seeded, ~15 MB of XHTML) against
//! `less` on a text file of the same book's text, one after the other in
//! each run, with the ratio. Measured: the first screen (from spawning until
//! the book's first paragraph is on screen) and `G` right after it (until
//! the last paragraph is).
//!
//! Usage: `cargo run --release --example timing_formats -- [--runs N]
//! [--bin PATH] [--verbose]` (`scripts/time-gloss` runs it after
//! examples/timing.rs).
#![allow(clippy::unwrap_used, clippy::expect_used)] // a measuring tool may fail loudly

#[path = "../tests/support/epub.rs"]
mod epub_book;

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

const COLS: u16 = 120;
const ROWS: u16 = 40;
const TIMEOUT: Duration = Duration::from_secs(30);
const POLL: Duration = Duration::from_millis(1);

/// The first paragraph of the book starts with this word.
const FIRST_MARK: &str = "Prologuemark";
/// The last paragraph of the book ends with this word.
const LAST_MARK: &str = "Epiloguemark";

/// What to wait for on screen, and when it first appeared.
struct Watch {
    parser: vt100::Parser,
    want: Option<String>,
    seen: Option<Instant>,
}

impl Watch {
    fn check(&mut self) {
        if self.seen.is_none()
            && let Some(want) = &self.want
            && self.parser.screen().contents().contains(want.as_str())
        {
            self.seen = Some(Instant::now());
        }
    }
}

/// A program running in a pseudo-terminal.
struct Session {
    watch: Arc<Mutex<Watch>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    _master: Box<dyn MasterPty + Send>,
    _home: tempfile::TempDir,
}

impl Session {
    /// Spawns `program args` with a fresh home and XDG folders; returns the
    /// session and the time from spawning until `first` is on screen.
    fn spawn(program: &Path, args: &[&Path], first: &str) -> Result<(Self, Duration)> {
        Self::spawn_in(tempfile::tempdir()?, program, args, first)
    }

    /// [`Session::spawn`] in the given home (one where gloss already keeps
    /// notes, for a book with highlights).
    fn spawn_in(
        home: tempfile::TempDir,
        program: &Path,
        args: &[&Path],
        first: &str,
    ) -> Result<(Self, Duration)> {
        let pty = native_pty_system().openpty(PtySize {
            rows: ROWS,
            cols: COLS,
            pixel_width: 0,
            pixel_height: 0,
        })?;
        let mut cmd = CommandBuilder::new(program);
        for arg in args {
            cmd.arg(arg);
        }
        cmd.cwd(home.path());
        cmd.env("HOME", home.path());
        cmd.env("XDG_DATA_HOME", home.path().join("data"));
        cmd.env("XDG_CONFIG_HOME", home.path().join("config"));
        cmd.env("XDG_CACHE_HOME", home.path().join("cache"));
        cmd.env("TERM", "xterm-256color");
        cmd.env("LESSHISTFILE", "-");
        for var in ["GLOSS_DATA_DIR", "LESS", "LESSOPEN", "LESSCLOSE"] {
            cmd.env_remove(var);
        }
        let watch = Arc::new(Mutex::new(Watch {
            parser: vt100::Parser::new(
                NonZeroU16::new(ROWS).context("rows")?,
                NonZeroU16::new(COLS).context("cols")?,
                0,
            ),
            want: Some(first.to_string()),
            seen: None,
        }));
        let mut reader = pty.master.try_clone_reader()?;
        let writer = pty.master.take_writer()?;
        let start = Instant::now();
        let child = pty.slave.spawn_command(cmd)?;
        drop(pty.slave);
        let sink = Arc::clone(&watch);
        thread::spawn(move || {
            let mut buf = [0u8; 16 * 1024];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let Ok(mut w) = sink.lock() else { break };
                w.parser.process(&buf[..n]);
                w.check();
            }
        });
        let mut session = Self {
            watch,
            writer,
            child,
            _master: pty.master,
            _home: home,
        };
        let took = session.wait(start, first)?;
        Ok((session, took))
    }

    fn screen(&self) -> String {
        self.watch
            .lock()
            .map(|w| w.parser.screen().contents())
            .unwrap_or_default()
    }

    /// Types `keys` without waiting for anything.
    fn send(&mut self, keys: &str) -> Result<()> {
        self.writer.write_all(keys.as_bytes())?;
        Ok(self.writer.flush()?)
    }

    /// Types `keys` and returns the time until `want` is on screen.
    fn answer(&mut self, keys: &str, want: &str) -> Result<Duration> {
        {
            let mut w = self.watch.lock().map_err(|_| anyhow::anyhow!("poisoned"))?;
            if w.parser.screen().contents().contains(want) {
                bail!("{want:?} is on screen before the key was sent");
            }
            w.want = Some(want.to_string());
            w.seen = None;
        }
        let start = Instant::now();
        self.writer.write_all(keys.as_bytes())?;
        self.writer.flush()?;
        self.wait(start, want)
    }

    fn wait(&mut self, start: Instant, what: &str) -> Result<Duration> {
        loop {
            let seen = self.watch.lock().ok().and_then(|w| w.seen);
            if let Some(at) = seen {
                return Ok(at.saturating_duration_since(start));
            }
            if start.elapsed() > TIMEOUT {
                bail!("timed out waiting for {what:?}; screen:\n{}", self.screen());
            }
            if let Some(status) = self.child.try_wait()? {
                bail!("exited ({status:?}) before showing {what:?}");
            }
            thread::sleep(POLL);
        }
    }

    /// Quits and gives back the home, for the next run in it.
    fn quit_keeping_home(mut self) -> Result<tempfile::TempDir> {
        self.quit()?;
        let home = std::mem::replace(&mut self._home, tempfile::tempdir()?);
        Ok(home)
    }

    fn quit(&mut self) -> Result<()> {
        self.writer.write_all(b"q")?;
        self.writer.flush()?;
        let start = Instant::now();
        while self.child.try_wait()?.is_none() {
            if start.elapsed() > TIMEOUT {
                let _ = self.child.kill();
                bail!("did not exit; screen:\n{}", self.screen());
            }
            thread::sleep(Duration::from_micros(200));
        }
        Ok(())
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median(v: &[f64]) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

fn min(v: &[f64]) -> f64 {
    v.iter().copied().fold(f64::INFINITY, f64::min)
}

fn find_in_path(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// Samples of one measure, gloss and less.
#[derive(Default)]
struct Row {
    gloss: Vec<f64>,
    less: Vec<f64>,
}

fn main() -> Result<()> {
    let mut runs = 5usize;
    let mut bin = None;
    let mut verbose = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--runs" => runs = args.next().context("--runs N")?.parse()?,
            // Absolute: the sessions run in their own folders.
            "--bin" => bin = Some(std::path::absolute(args.next().context("--bin PATH")?)?),
            "--verbose" => verbose = true,
            "-h" | "--help" => {
                println!(
                    "usage: timing_formats [--runs N] [--bin PATH] [--verbose]\n\
                     Times target/release/gloss (or PATH) in a {COLS}x{ROWS} pty on a generated\n\
                     5 MB EPUB against less on the same book's text, interleaved."
                );
                return Ok(());
            }
            other => bail!("unknown argument {other:?} (try --help)"),
        }
    }
    let bin = bin.unwrap_or_else(|| {
        std::env::var_os("CARGO_TARGET_DIR")
            .map_or_else(
                || Path::new(env!("CARGO_MANIFEST_DIR")).join("target"),
                PathBuf::from,
            )
            .join("release/gloss")
    });
    if !bin.is_file() {
        bail!(
            "{} not found: build it with `cargo build --release` or pass --bin",
            bin.display()
        );
    }
    let less = find_in_path("less").context("less is not on PATH")?;
    let dir = tempfile::tempdir()?;
    // The generator aims at a size before compression; once more with the
    // aim scaled, so the book itself is 5 MB or a little more.
    const BOOK: usize = 5 * 1024 * 1024;
    let (book, _) = epub_book::long_book_and_text(BOOK, FIRST_MARK, LAST_MARK);
    let aim = BOOK * BOOK / book.len().max(1) + 64 * 1024;
    let (book, text) = epub_book::long_book_and_text(aim, FIRST_MARK, LAST_MARK);
    let book_path = dir.path().join("long-book.epub");
    let text_path = dir.path().join("long-book.txt");
    std::fs::write(&book_path, &book)?;
    std::fs::write(&text_path, &text)?;
    println!(
        "gloss: {}\nless:  {}\n{COLS}x{ROWS} pty, {runs} run(s)\nbook: {:.2} MB EPUB; its text: {:.2} MB",
        bin.display(),
        less.display(),
        book.len() as f64 / (1024.0 * 1024.0),
        text.len() as f64 / (1024.0 * 1024.0),
    );
    let open = Path::new("open");
    // A home where the book has three highlights (its first sentence, a
    // chapter heading halfway and its last sentence), made through the
    // reader as a user makes them.
    let chapters = text.lines().filter(|l| l.starts_with("Chapter ")).count();
    let mut noted_home = {
        let (mut s, _) = Session::spawn(&bin, &[open, &book_path], FIRST_MARK)
            .context("gloss, making highlights")?;
        for (search, quote) in [
            (FIRST_MARK.to_string(), FIRST_MARK.to_string()),
            (
                format!("Chapter {}", chapters / 2),
                format!("Chapter {}", chapters / 2),
            ),
            (LAST_MARK.to_string(), String::new()),
        ] {
            s.answer(&format!("/{search}\r"), "1/1")?;
            s.send("s")?;
            s.answer("m", &format!("highlighted \"{quote}"))?;
        }
        // Back to the start, so the book reopens at its first screen.
        s.answer("g", FIRST_MARK)?;
        s.quit_keeping_home()?
    };
    let mut first = Row::default();
    let mut end = Row::default();
    let mut noted_first = Row::default();
    let mut noted_end = Row::default();
    for run in 0..runs.max(1) {
        let (mut s, took) = Session::spawn(&bin, &[open, &book_path], FIRST_MARK)
            .with_context(|| format!("gloss, run {}", run + 1))?;
        first.gloss.push(ms(took));
        end.gloss.push(ms(s.answer("G", LAST_MARK)?));
        s.quit()?;
        drop(s);
        let (mut s, took) = Session::spawn(&less, &[&text_path], FIRST_MARK)
            .with_context(|| format!("less, run {}", run + 1))?;
        first.less.push(ms(took));
        end.less.push(ms(s.answer("G", LAST_MARK)?));
        s.quit()?;
        drop(s);
        let (mut s, took) = Session::spawn_in(noted_home, &bin, &[open, &book_path], FIRST_MARK)
            .with_context(|| format!("gloss with highlights, run {}", run + 1))?;
        noted_first.gloss.push(ms(took));
        noted_end.gloss.push(ms(s.answer("G", LAST_MARK)?));
        s.answer("g", FIRST_MARK)?;
        noted_home = s.quit_keeping_home()?;
        let (mut s, took) = Session::spawn(&less, &[&text_path], FIRST_MARK)
            .with_context(|| format!("less, run {}", run + 1))?;
        noted_first.less.push(ms(took));
        noted_end.less.push(ms(s.answer("G", LAST_MARK)?));
        s.quit()?;
    }
    println!(
        "\n  {:<42} {:>9} {:>9} | {:>9} {:>9} | {:>9} {:>9}",
        "measure (ms)", "gloss min", "median", "less min", "median", "ratio min", "median"
    );
    for (label, row) in [
        ("5 MB EPUB, first screen", &first),
        ("G right after the first screen", &end),
        ("the same with 3 highlights, first screen", &noted_first),
        ("G right after it", &noted_end),
    ] {
        println!(
            "  {:<42} {:>9.1} {:>9.1} | {:>9.1} {:>9.1} | {:>8.2}x {:>8.2}x",
            label,
            min(&row.gloss),
            median(&row.gloss),
            min(&row.less),
            median(&row.less),
            min(&row.gloss) / min(&row.less),
            median(&row.gloss) / median(&row.less),
        );
        if verbose {
            println!("    gloss: {:?}\n    less:  {:?}", row.gloss, row.less);
        }
    }
    Ok(())
}
