//! Times the real gloss binary as a user meets it: in a 120x40 pseudo-terminal,
//! read back through a terminal emulator (vt100), on a generated 5 MB and a
//! 7 KB Markdown article. When `less` is installed it is timed the same way, as
//! the yardstick the product requirement names ("within 2x of less").
//!
//! Each measure runs from the moment a key is written to the terminal (or the
//! process is spawned) until the text that proves the answer is on the
//! emulated screen. The output reader thread checks the screen after every
//! chunk the program writes, so a measure is not rounded to a polling period.
//!
//! Usage: `scripts/time-gloss [--runs N] [--settle-ms MS] [--bin PATH] [--no-less]`
//! (the script builds the release binary first).
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly

#[path = "../benches/common/article.rs"]
mod article;

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

/// How long any one answer may take before the run is declared failed.
const TIMEOUT: Duration = Duration::from_secs(30);

/// How long the reader looks at the first page of `gloss open FILE`
/// before pressing G, in the measure of idle-time parsing.
const IDLE_LOOK: Duration = Duration::from_secs(5);

/// How often the waiting side looks for the answer (the reader thread stamps
/// the exact time; this only bounds how soon we notice).
const POLL: Duration = Duration::from_millis(1);

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
        let home = tempfile::tempdir()?;
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
        cmd.env("TERM", "xterm-256color");
        cmd.env("LESSHISTFILE", "-");
        for var in [
            "GLOSS_DATA_DIR",
            "LESS",
            "LESSOPEN",
            "LESSCLOSE",
            "VISUAL",
            "EDITOR",
        ] {
            cmd.env_remove(var);
        }
        let rows = NonZeroU16::new(ROWS).context("rows")?;
        let cols = NonZeroU16::new(COLS).context("cols")?;
        let watch = Arc::new(Mutex::new(Watch {
            parser: vt100::Parser::new(rows, cols, 0),
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

    /// Types `keys` and returns the time until `want` is on screen. Fails if
    /// it was already there (the measure would mean nothing).
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

    /// Types `keys` and returns the time until the program exits.
    fn quit(&mut self, keys: &str) -> Result<Duration> {
        let start = Instant::now();
        self.writer.write_all(keys.as_bytes())?;
        self.writer.flush()?;
        loop {
            if self.child.try_wait()?.is_some() {
                return Ok(start.elapsed());
            }
            if start.elapsed() > TIMEOUT {
                let _ = self.child.kill();
                bail!("did not exit; screen:\n{}", self.screen());
            }
            thread::sleep(Duration::from_micros(200));
        }
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

/// Samples of one measure, in milliseconds.
#[derive(Default, Clone)]
struct Samples(Vec<f64>);

impl Samples {
    fn push(&mut self, d: Duration) {
        self.0.push(d.as_secs_f64() * 1000.0);
    }

    fn sorted(&self) -> Vec<f64> {
        let mut v = self.0.clone();
        v.sort_by(f64::total_cmp);
        v
    }

    fn min(&self) -> Option<f64> {
        self.sorted().first().copied()
    }

    fn median(&self) -> Option<f64> {
        let v = self.sorted();
        let n = v.len();
        match n {
            0 => None,
            _ if n % 2 == 1 => v.get(n / 2).copied(),
            _ => Some((v[n / 2 - 1] + v[n / 2]) / 2.0),
        }
    }
}

/// Everything measured on one file.
#[derive(Default)]
struct Results {
    list: Samples,
    open: Samples,
    list_open: Samples,
    bottom: Samples,
    bottom_at_once: Samples,
    open_bottom_at_once: Samples,
    open_bottom_idle: Samples,
    search: Samples,
    quit: Samples,
    less_first: Samples,
    less_bottom: Samples,
    less_search: Samples,
    less_quit: Samples,
}

struct Options {
    runs: usize,
    settle: Duration,
    bin: PathBuf,
    less: Option<PathBuf>,
    verbose: bool,
}

fn options() -> Result<Options> {
    let mut runs = 5;
    let mut settle = Duration::from_millis(500);
    let mut bin = None;
    let mut use_less = true;
    let mut verbose = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--runs" => runs = args.next().context("--runs N")?.parse()?,
            "--settle-ms" => {
                settle = Duration::from_millis(args.next().context("--settle-ms MS")?.parse()?);
            }
            "--bin" => bin = Some(PathBuf::from(args.next().context("--bin PATH")?)),
            "--no-less" => use_less = false,
            "--verbose" => verbose = true,
            "-h" | "--help" => {
                println!(
                    "usage: timing [--runs N] [--settle-ms MS] [--bin PATH] [--no-less] [--verbose]\n\
                     Times target/release/gloss (or PATH) and less in a 120x40 pty;\n\
                     --verbose prints every sample."
                );
                std::process::exit(0);
            }
            other => bail!("unknown argument {other:?} (try --help)"),
        }
    }
    let bin = match bin {
        Some(bin) => bin,
        None => std::env::var_os("CARGO_TARGET_DIR")
            .map_or_else(
                || Path::new(env!("CARGO_MANIFEST_DIR")).join("target"),
                PathBuf::from,
            )
            .join("release/gloss"),
    };
    if !bin.is_file() {
        bail!(
            "{} not found: build it with `cargo build --release` or pass --bin",
            bin.display()
        );
    }
    let less = use_less.then(|| find_in_path("less")).flatten();
    Ok(Options {
        runs: runs.max(1),
        settle,
        bin,
        less,
        verbose,
    })
}

fn find_in_path(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

fn time_gloss(opts: &Options, file: &Path, title: &str, r: &mut Results) -> Result<()> {
    // Settled: the user looks at each screen before the next key.
    let (mut s, list) = Session::spawn(&opts.bin, &[file], title)?;
    thread::sleep(opts.settle);
    let open = s.answer("\r", article::FIRST_MARK)?;
    thread::sleep(opts.settle);
    let bottom = s.answer("G", article::LAST_MARK)?;
    thread::sleep(opts.settle);
    let quit = s.quit("q")?;
    r.list.push(list);
    r.open.push(open);
    r.list_open.push(list + open);
    r.bottom.push(bottom);
    r.quit.push(quit);
    drop(s);
    // Impatient: G as soon as the first page shows, before the rest is parsed.
    let (mut s, _) = Session::spawn(&opts.bin, &[file], title)?;
    thread::sleep(opts.settle);
    s.answer("\r", article::FIRST_MARK)?;
    r.bottom_at_once.push(s.answer("G", article::LAST_MARK)?);
    s.quit("q")?;
    drop(s);
    // `gloss open FILE`: G as soon as the first page shows, and G after the
    // reader has looked at it for a while without pressing anything (the
    // rest of the article is parsed in the meantime, no key needed).
    let open_args = [Path::new("open"), file];
    let (mut s, _) = Session::spawn(&opts.bin, &open_args, article::FIRST_MARK)?;
    r.open_bottom_at_once
        .push(s.answer("G", article::LAST_MARK)?);
    s.quit("q")?;
    drop(s);
    let (mut s, _) = Session::spawn(&opts.bin, &open_args, article::FIRST_MARK)?;
    thread::sleep(IDLE_LOOK);
    r.open_bottom_idle.push(s.answer("G", article::LAST_MARK)?);
    s.quit("q")?;
    drop(s);
    // Search for the word that opens the last paragraph.
    let (mut s, _) = Session::spawn(&opts.bin, &[file], title)?;
    thread::sleep(opts.settle);
    s.answer("\r", article::FIRST_MARK)?;
    thread::sleep(opts.settle);
    r.search
        .push(s.answer(&search_keys(), article::LAST_WORDS)?);
    s.quit("q")?;
    Ok(())
}

/// `/`, the word that opens the last paragraph, Enter: the same keys in gloss
/// and less. The answer is awaited as [`article::LAST_WORDS`], which the
/// typed query does not contain.
fn search_keys() -> String {
    format!("/{}\r", article::LAST_MARK)
}

fn time_less(opts: &Options, less: &Path, file: &Path, r: &mut Results) -> Result<()> {
    let (mut s, first) = Session::spawn(less, &[file], article::FIRST_MARK)?;
    thread::sleep(opts.settle);
    let bottom = s.answer("G", article::LAST_MARK)?;
    thread::sleep(opts.settle);
    let quit = s.quit("q")?;
    r.less_first.push(first);
    r.less_bottom.push(bottom);
    r.less_quit.push(quit);
    drop(s);
    let (mut s, _) = Session::spawn(less, &[file], article::FIRST_MARK)?;
    thread::sleep(opts.settle);
    r.less_search
        .push(s.answer(&search_keys(), article::LAST_WORDS)?);
    s.quit("q")?;
    Ok(())
}

fn fmt(v: Option<f64>) -> String {
    v.map_or_else(|| "-".to_string(), |v| format!("{v:.1}"))
}

/// How many times slower gloss is than less ("-" when less was not timed).
fn ratio(gloss: Option<f64>, less: Option<f64>) -> String {
    match (gloss, less) {
        (Some(g), Some(l)) if l > 0.0 => format!("{:.1}x", g / l),
        _ => "-".to_string(),
    }
}

fn print_table(name: &str, r: &Results, verbose: bool) {
    let rows: [(&str, &Samples, Option<&Samples>); 9] = [
        ("spawn -> list shows title", &r.list, Some(&r.less_first)),
        ("Enter -> first paragraph", &r.open, None),
        (
            "spawn + Enter -> first page",
            &r.list_open,
            Some(&r.less_first),
        ),
        (
            "G -> last paragraph (settled)",
            &r.bottom,
            Some(&r.less_bottom),
        ),
        (
            "G right after opening",
            &r.bottom_at_once,
            Some(&r.less_bottom),
        ),
        (
            "open FILE, G at once",
            &r.open_bottom_at_once,
            Some(&r.less_bottom),
        ),
        (
            "open FILE, 5 s idle, G",
            &r.open_bottom_idle,
            Some(&r.less_bottom),
        ),
        ("/word of last paragraph", &r.search, Some(&r.less_search)),
        ("q -> exit", &r.quit, Some(&r.less_quit)),
    ];
    println!("\n{name}");
    println!(
        "  {:<31} {:>9} {:>9} | {:>9} {:>9} | {:>9} {:>9}",
        "measure (ms)", "gloss min", "median", "less min", "median", "ratio min", "median"
    );
    for (label, gloss, less) in rows {
        let (lmin, lmed) = less.map_or((None, None), |l| (l.min(), l.median()));
        println!(
            "  {:<31} {:>9} {:>9} | {:>9} {:>9} | {:>9} {:>9}",
            label,
            fmt(gloss.min()),
            fmt(gloss.median()),
            fmt(lmin),
            fmt(lmed),
            ratio(gloss.min(), lmin),
            ratio(gloss.median(), lmed),
        );
        if verbose {
            let all = |s: &Samples| {
                s.0.iter()
                    .map(|v| format!("{v:.1}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            println!("    gloss: {}", all(gloss));
            if let Some(less) = less {
                println!("    less:  {}", all(less));
            }
        }
    }
}

fn main() -> Result<()> {
    let opts = options()?;
    let dir = tempfile::tempdir()?;
    let files = [
        ("Short read 7kb", 7 * 1024, "short-read-7kb.md"),
        ("Long read 5mb", 5 * 1024 * 1024, "long-read-5mb.md"),
    ];
    println!(
        "gloss: {}\nless:  {}\n{COLS}x{ROWS} pty, {} run(s) per file, {} ms pause between keys",
        opts.bin.display(),
        opts.less
            .as_ref()
            .map_or_else(|| "(not timed)".to_string(), |p| p.display().to_string()),
        opts.runs,
        opts.settle.as_millis()
    );
    println!("ratio = gloss / less (less shows the raw file at once: it has no list and no Enter)");
    for (title, bytes, name) in files {
        let path = dir.path().join(name);
        let text = article::article(title, bytes);
        std::fs::write(&path, &text)?;
        let mut results = Results::default();
        for run in 0..opts.runs {
            time_gloss(&opts, &path, title, &mut results)
                .with_context(|| format!("gloss on {name}, run {}", run + 1))?;
            if let Some(less) = &opts.less {
                time_less(&opts, less, &path, &mut results)
                    .with_context(|| format!("less on {name}, run {}", run + 1))?;
            }
        }
        let label = format!("{name} ({:.2} MB)", text.len() as f64 / (1024.0 * 1024.0));
        print_table(&label, &results, opts.verbose);
    }
    Ok(())
}
