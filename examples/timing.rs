//! Times the real gloss binary as a user meets it: in a 120x40 pseudo-terminal,
//! read back through a terminal emulator (vt100), on a generated 5.2 MB
//! Markdown article against `less` on the same file, and on a generated
//! library of 10,000 articles of ~5 KB against `head -qn1` over every file,
//! the tools one after the other in each run (interleaved), with each ratio.
//!
//! Each measure runs from the moment a key is written to the terminal (or the
//! process is spawned) until the text that proves the answer is on the
//! emulated screen. The output reader thread checks the screen after every
//! chunk the program writes, so a measure is not rounded to a polling period.
//!
//! Usage: `scripts/time-gloss [--runs N] [--settle-ms MS] [--bin PATH]
//! [--articles N] [--no-less] [--no-library] [--verbose]` (the script builds
//! the release binary first).
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

/// What proves an answer is on screen.
#[derive(Clone, Debug)]
enum Check {
    /// The text is on screen.
    Has(String),
    /// The text is on screen at least this many times.
    AtLeast(String, usize),
    /// The text is on this line of the screen (0 is the top line).
    OnLine(usize, String),
}

impl Check {
    fn holds(&self, screen: &str) -> bool {
        match self {
            Self::Has(text) => screen.contains(text.as_str()),
            Self::AtLeast(text, n) => screen.matches(text.as_str()).count() >= *n,
            Self::OnLine(line, text) => screen
                .lines()
                .nth(*line)
                .is_some_and(|l| l.contains(text.as_str())),
        }
    }
}

impl From<&str> for Check {
    fn from(text: &str) -> Self {
        Self::Has(text.to_string())
    }
}

/// What to wait for on screen, and when it first appeared.
struct Watch {
    parser: vt100::Parser,
    want: Option<Check>,
    seen: Option<Instant>,
}

impl Watch {
    fn check(&mut self) {
        if self.seen.is_none()
            && let Some(want) = &self.want
            && want.holds(&self.parser.screen().contents())
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
    /// The home and XDG folders; taken back by [`Session::take_home`] to
    /// start the program again on what it saved.
    home: Option<tempfile::TempDir>,
}

impl Session {
    /// Spawns `program args` with a fresh home and XDG folders (the cache in
    /// `cache` when given, to start with a warm one); returns the session
    /// and the time from spawning until `first` holds on screen.
    fn spawn(
        program: &Path,
        args: &[&Path],
        cache: Option<&Path>,
        first: impl Into<Check>,
    ) -> Result<(Self, Duration)> {
        Self::spawn_in(tempfile::tempdir()?, program, args, cache, first)
    }

    /// [`Session::spawn`] in the home `home` (one an earlier session left,
    /// with the notes and the reading position it saved).
    fn spawn_in(
        home: tempfile::TempDir,
        program: &Path,
        args: &[&Path],
        cache: Option<&Path>,
        first: impl Into<Check>,
    ) -> Result<(Self, Duration)> {
        let first = first.into();
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
        cmd.env(
            "XDG_CACHE_HOME",
            cache.map_or_else(|| home.path().join("cache"), Path::to_path_buf),
        );
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
            want: Some(first.clone()),
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
            home: Some(home),
        };
        let took = session.wait(start, &first)?;
        Ok((session, took))
    }

    /// The most memory the program has held resident so far (Linux's
    /// `VmHWM`), in MiB; `None` where `/proc` does not tell.
    fn peak_mib(&self) -> Option<f64> {
        let pid = self.child.process_id()?;
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        let kib: f64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))?
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()
            .ok()?;
        Some(kib / 1024.0)
    }

    fn screen(&self) -> String {
        self.watch
            .lock()
            .map(|w| w.parser.screen().contents())
            .unwrap_or_default()
    }

    /// Types `keys` and returns the time until `want` holds on screen.
    /// Fails if it already held (the measure would mean nothing).
    fn answer(&mut self, keys: &str, want: impl Into<Check>) -> Result<Duration> {
        let want = want.into();
        {
            let mut w = self.watch.lock().map_err(|_| anyhow::anyhow!("poisoned"))?;
            if want.holds(&w.parser.screen().contents()) {
                bail!("{want:?} holds before the key was sent");
            }
            w.want = Some(want.clone());
            w.seen = None;
        }
        let start = Instant::now();
        self.writer.write_all(keys.as_bytes())?;
        self.writer.flush()?;
        self.wait(start, &want)
    }

    /// Types `keys` without waiting for anything.
    fn type_keys(&mut self, keys: &str) -> Result<()> {
        self.writer.write_all(keys.as_bytes())?;
        self.writer.flush()?;
        Ok(())
    }

    fn wait(&mut self, start: Instant, what: &Check) -> Result<Duration> {
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

    /// The home the program ran in, to start it again there (once it has
    /// quit: see [`Session::quit`]).
    fn take_home(&mut self) -> Option<tempfile::TempDir> {
        self.home.take()
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

/// One row of the report: a figure for gloss and, when there is one, the
/// same figure for the reference tool it is held to.
#[derive(Default)]
struct Row {
    gloss: Samples,
    reference: Samples,
}

/// Everything measured, by row, in the order printed.
#[derive(Default)]
struct Results {
    rows: Vec<(String, String, Row)>,
    /// Peak resident memory (MiB) on the 5 MB article, by the same rows.
    memory: Vec<(String, String, Row)>,
}

impl Results {
    /// The row named `label` (compared with `reference`, "" for none).
    fn row(&mut self, label: &str, reference: &str) -> &mut Row {
        row_in(&mut self.rows, label, reference)
    }

    fn gloss(&mut self, label: &str, reference: &str, d: Duration) {
        self.row(label, reference).gloss.push(d);
    }

    fn reference(&mut self, label: &str, reference: &str, d: Duration) {
        self.row(label, reference).reference.push(d);
    }

    /// Records a peak of `mib` MiB, gloss's or (`of_reference`) the
    /// reference tool's.
    fn memory(&mut self, label: &str, reference: &str, mib: Option<f64>, of_reference: bool) {
        let Some(mib) = mib else { return };
        let row = row_in(&mut self.memory, label, reference);
        let samples = if of_reference {
            &mut row.reference
        } else {
            &mut row.gloss
        };
        samples.0.push(mib);
    }
}

/// The row named `label` in `rows`, added (compared with `reference`) when
/// it is not there yet.
fn row_in<'a>(
    rows: &'a mut Vec<(String, String, Row)>,
    label: &str,
    reference: &str,
) -> &'a mut Row {
    let i = match rows.iter().position(|(l, _, _)| l == label) {
        Some(i) => i,
        None => {
            rows.push((label.to_string(), reference.to_string(), Row::default()));
            rows.len() - 1
        }
    };
    &mut rows[i].2
}

/// The memory row: the peak once `G` has shown the end and the whole
/// article is parsed (the issue's bound: 10x the file).
const MEMORY: &str = "peak memory after G, settled";

struct Options {
    runs: usize,
    settle: Duration,
    bin: PathBuf,
    less: Option<PathBuf>,
    head: Option<PathBuf>,
    articles: usize,
    library: bool,
    verbose: bool,
}

fn options() -> Result<Options> {
    let mut runs = 5;
    let mut settle = Duration::from_millis(500);
    let mut bin = None;
    let mut use_less = true;
    let mut library = true;
    let mut articles = 10_000;
    let mut verbose = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--runs" => runs = args.next().context("--runs N")?.parse()?,
            "--settle-ms" => {
                settle = Duration::from_millis(args.next().context("--settle-ms MS")?.parse()?);
            }
            // Absolute: the sessions run in their own folders.
            "--bin" => bin = Some(std::path::absolute(args.next().context("--bin PATH")?)?),
            "--articles" => articles = args.next().context("--articles N")?.parse()?,
            "--no-less" => use_less = false,
            "--no-library" => library = false,
            "--verbose" => verbose = true,
            "--write-doc" => {
                // The generated 5.2 MB article alone, for profiling by hand
                // (`perf record` on the binary opening it).
                let path = PathBuf::from(args.next().context("--write-doc PATH")?);
                std::fs::write(&path, article::article(DOC_TITLE, 5 * 1024 * 1024))?;
                println!("wrote {}", path.display());
                std::process::exit(0);
            }
            "-h" | "--help" => {
                println!(
                    "usage: timing [--runs N] [--settle-ms MS] [--bin PATH] [--articles N]\n\
                     \x20             [--no-less] [--no-library] [--verbose] | --write-doc PATH\n\
                     Times target/release/gloss (or PATH) in a {COLS}x{ROWS} pty on a generated\n\
                     5.2 MB article against less, and on a generated library of N (10,000)\n\
                     ~5 KB articles against `head -qn1` over every file, interleaved;\n\
                     --verbose prints every sample; --write-doc writes the 5.2 MB article\n\
                     to PATH and exits (to profile the binary on it by hand)."
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
        head: find_in_path("head"),
        articles: articles.max(10),
        library,
        verbose,
    })
}

fn find_in_path(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// The generated article's title.
const DOC_TITLE: &str = "Long read 5mb";

const FIRST_SCREEN: &str = "first screen";
const G_AT_ONCE: &str = "G right after the first screen";
const G_SETTLED: &str = "G, settled";
const G_IDLE: &str = "G after 5 s idle";
const SEARCH_LAST: &str = "/word of the last line";
const QUIT: &str = "q -> exit";
const QUIT_AT_ONCE: &str = "q right after that G -> exit";
const FILE_FIRST: &str = "gloss FILE, first screen";
const FILE_AGAIN: &str = "gloss FILE read before, first screen";
const DIR_SEARCH: &str = "gloss DIR, Enter, /word of last";

/// The 5 MB article in gloss: `gloss open FILE` (where `G` and the search
/// must not wait for the whole parse), `gloss FILE` and `gloss DIR` + Enter.
fn time_gloss_doc(opts: &Options, file: &Path, title: &str, r: &mut Results) -> Result<()> {
    let less = "less";
    let open_args = [Path::new("open"), file];
    let (mut s, first) = Session::spawn(&opts.bin, &open_args, None, article::FIRST_MARK)?;
    r.gloss(FIRST_SCREEN, less, first);
    r.gloss(G_AT_ONCE, less, s.answer("G", article::LAST_MARK)?);
    r.gloss(QUIT_AT_ONCE, less, s.quit("q")?);
    drop(s);
    let (mut s, _) = Session::spawn(&opts.bin, &open_args, None, article::FIRST_MARK)?;
    thread::sleep(opts.settle);
    r.gloss(G_SETTLED, less, s.answer("G", article::LAST_MARK)?);
    thread::sleep(opts.settle);
    r.memory(MEMORY, less, s.peak_mib(), false);
    r.gloss(QUIT, less, s.quit("q")?);
    drop(s);
    let (mut s, _) = Session::spawn(&opts.bin, &open_args, None, article::FIRST_MARK)?;
    thread::sleep(IDLE_LOOK);
    r.gloss(G_IDLE, less, s.answer("G", article::LAST_MARK)?);
    s.quit("q")?;
    drop(s);
    let (mut s, _) = Session::spawn(&opts.bin, &open_args, None, article::FIRST_MARK)?;
    thread::sleep(opts.settle);
    r.gloss(
        SEARCH_LAST,
        less,
        s.answer(&search_keys(), article::LAST_WORDS)?,
    );
    s.quit("q")?;
    drop(s);
    // `gloss FILE` opens the article straight away, as `less FILE` does;
    // timed like `gloss open FILE`, from the start of the process (the
    // pseudo-terminal's set-up is not counted for either).
    let (mut s, first) = Session::spawn(&opts.bin, &[file], None, article::FIRST_MARK)?;
    r.gloss(FILE_FIRST, less, first);
    s.quit("q")?;
    // Read before: its notes file (the reading position, at the top) is
    // there, as it is for every article opened a second time.
    let home = s.take_home().context("the first session's home")?;
    drop(s);
    let (mut s, again) = Session::spawn_in(home, &opts.bin, &[file], None, article::FIRST_MARK)?;
    r.gloss(FILE_AGAIN, less, again);
    s.quit("q")?;
    drop(s);
    // `gloss DIR` + Enter: the rest is parsed while the reader looks.
    let dir = file.parent().context("the article's folder")?;
    let (mut s, _) = Session::spawn(&opts.bin, &[dir], None, title)?;
    s.answer("\r", article::FIRST_MARK)?;
    thread::sleep(opts.settle);
    r.gloss(
        DIR_SEARCH,
        less,
        s.answer(&search_keys(), article::LAST_WORDS)?,
    );
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
    let l = "less";
    let (mut s, first) = Session::spawn(less, &[file], None, article::FIRST_MARK)?;
    r.reference(FIRST_SCREEN, l, first);
    r.reference(FILE_FIRST, l, first);
    r.reference(FILE_AGAIN, l, first);
    let at_once = s.answer("G", article::LAST_MARK)?;
    r.reference(G_AT_ONCE, l, at_once);
    r.reference(QUIT_AT_ONCE, l, s.quit("q")?);
    drop(s);
    let (mut s, _) = Session::spawn(less, &[file], None, article::FIRST_MARK)?;
    thread::sleep(opts.settle);
    let settled = s.answer("G", article::LAST_MARK)?;
    r.reference(G_SETTLED, l, settled);
    r.reference(G_IDLE, l, settled);
    thread::sleep(opts.settle);
    r.memory(MEMORY, l, s.peak_mib(), true);
    r.reference(QUIT, l, s.quit("q")?);
    drop(s);
    let (mut s, _) = Session::spawn(less, &[file], None, article::FIRST_MARK)?;
    thread::sleep(opts.settle);
    let search = s.answer(&search_keys(), article::LAST_WORDS)?;
    r.reference(SEARCH_LAST, l, search);
    r.reference(DIR_SEARCH, l, search);
    s.quit("q")?;
    Ok(())
}

/// Every title of the generated library starts with this.
const LIBRARY_TITLE: &str = "Library article";

/// The title of article `i` (five digits, so a filter on them is exact).
fn library_title(i: usize) -> String {
    format!("{LIBRARY_TITLE} {i:05} on harbours")
}

/// Writes `n` articles of about 5 KB, each with its own words, into `dir`;
/// returns their file names.
fn write_library(dir: &Path, n: usize) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let mut names = Vec::with_capacity(n);
    for i in 0..n {
        let name = PathBuf::from(format!("a{i:05}.md"));
        let seed = u32::try_from(i).unwrap_or(u32::MAX);
        std::fs::write(
            dir.join(&name),
            article::article_seeded(&library_title(i), 5 * 1024, seed),
        )?;
        names.push(name);
    }
    Ok(names)
}

const LIB_COLD: &str = "library: 10 titles, cold cache";
const LIB_WARM: &str = "library: 10 titles, warm cache";
const LIB_FILTER: &str = "filter keystroke -> next frame";
const LIB_NOTED: &str = "library: 10 titles, all with notes";

/// The library in gloss: its first screen with at least ten titles from an
/// empty cache and from the cache that start left, and one keystroke of the
/// `/` filter that narrows it to one article.
fn time_gloss_library(
    opts: &Options,
    dir: &Path,
    names: &[PathBuf],
    r: &mut Results,
) -> Result<()> {
    let head = "head -qn1";
    let cache = tempfile::tempdir()?;
    let ten = Check::AtLeast(LIBRARY_TITLE.to_string(), 10);
    let (mut s, cold) = Session::spawn(&opts.bin, &[dir], Some(cache.path()), ten.clone())?;
    r.gloss(LIB_COLD, head, cold);
    // Let a background scan finish and write its cache before quitting.
    thread::sleep(opts.settle.max(Duration::from_secs(3)));
    s.quit("q")?;
    drop(s);
    let (mut s, warm) = Session::spawn(&opts.bin, &[dir], Some(cache.path()), ten)?;
    r.gloss(LIB_WARM, head, warm);
    // The filter: every digit of one title but the last, then the last
    // one, which puts that article first (the filter is fuzzy, best match
    // first, so other titles holding those digits in order stay below it).
    let target = names.len() * 7 / 9;
    let digits = format!("{target:05}");
    thread::sleep(opts.settle);
    s.type_keys("/")?;
    for c in digits[..4].chars() {
        thread::sleep(opts.settle / 4);
        s.type_keys(&c.to_string())?;
    }
    thread::sleep(opts.settle);
    let first = Check::OnLine(1, format!("{LIBRARY_TITLE} {digits}"));
    r.gloss(LIB_FILTER, "", s.answer(&digits[4..], first)?);
    // Esc leaves the filter field (a key of its own, so it is not read as
    // Alt-q), then q quits.
    s.type_keys("\x1b")?;
    thread::sleep(opts.settle);
    s.quit("q")?;
    drop(s);
    // A library read for years: every article has a notes file (its place).
    // The first start reads them all; it keeps their summaries in the cache
    // when it quits, and the second start is timed.
    let home = tempfile::tempdir()?;
    write_notes(&home.path().join("data/gloss/annotations"), dir, names)?;
    let ten = Check::AtLeast(LIBRARY_TITLE.to_string(), 10);
    let (mut s, _) = Session::spawn_in(home, &opts.bin, &[dir], Some(cache.path()), ten.clone())?;
    thread::sleep(opts.settle.max(Duration::from_secs(3)));
    s.quit("q")?;
    let home = s.take_home().context("the notes session's home")?;
    drop(s);
    let (mut s, noted) = Session::spawn_in(home, &opts.bin, &[dir], Some(cache.path()), ten)?;
    r.gloss(LIB_NOTED, head, noted);
    thread::sleep(opts.settle);
    s.quit("q")?;
    Ok(())
}

/// Writes a notes file into `annotations` for every article `names` of the
/// library in `dir`, each with a reading position a third of the way in.
fn write_notes(annotations: &Path, dir: &Path, names: &[PathBuf]) -> Result<()> {
    std::fs::create_dir_all(annotations)?;
    let dir = std::fs::canonicalize(dir)?;
    for (i, name) in names.iter().enumerate() {
        let path = dir.join(name);
        let toml = format!(
            "version = 2\n\n[article]\ntitle = \"{}\"\npath = \"{}\"\n\n\
             [position]\noffset = 1000\nquote = \"\"\nprogress = 0.33\n\
             updated = \"2026-11-01T10:00:00Z\"\n",
            library_title(i),
            path.display()
        );
        std::fs::write(annotations.join(format!("article-{i:05}.toml")), toml)?;
    }
    Ok(())
}

/// `head -qn1` over every file of the library: the time to read the first
/// line of each, the floor for listing them.
fn time_head(head: &Path, dir: &Path, names: &[PathBuf], r: &mut Results) -> Result<()> {
    let start = Instant::now();
    let status = std::process::Command::new(head)
        .arg("-qn1")
        .args(names)
        .current_dir(dir)
        .stdout(std::process::Stdio::null())
        .status()?;
    let took = start.elapsed();
    if !status.success() {
        bail!("head failed: {status}");
    }
    r.reference(LIB_COLD, "head -qn1", took);
    r.reference(LIB_WARM, "head -qn1", took);
    r.reference(LIB_NOTED, "head -qn1", took);
    Ok(())
}

fn fmt(v: Option<f64>) -> String {
    v.map_or_else(|| "-".to_string(), |v| format!("{v:.1}"))
}

/// How many times slower gloss is than the reference ("-" when there is none).
fn ratio(gloss: Option<f64>, reference: Option<f64>) -> String {
    match (gloss, reference) {
        (Some(g), Some(l)) if l > 0.0 => format!("{:.2}x", g / l),
        _ => "-".to_string(),
    }
}

fn print_table(title: &str, r: &Results, verbose: bool) {
    println!("\n{title}");
    println!(
        "  {:<33} {:>9} {:>9} | {:<9} {:>9} {:>9} | {:>9} {:>9}",
        "measure (ms)", "gloss min", "median", "reference", "min", "median", "ratio min", "median"
    );
    for (label, reference, row) in &r.rows {
        let (gloss, other) = (&row.gloss, &row.reference);
        println!(
            "  {:<33} {:>9} {:>9} | {:<9} {:>9} {:>9} | {:>9} {:>9}",
            label,
            fmt(gloss.min()),
            fmt(gloss.median()),
            if reference.is_empty() { "-" } else { reference },
            fmt(other.min()),
            fmt(other.median()),
            ratio(gloss.min(), other.min()),
            ratio(gloss.median(), other.median()),
        );
        if verbose {
            let all = |s: &Samples| {
                s.0.iter()
                    .map(|v| format!("{v:.1}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            println!("    gloss: {}", all(gloss));
            if !other.0.is_empty() {
                println!("    {reference}: {}", all(other));
            }
        }
    }
}

/// The memory rows: gloss's and the reference's peaks (MiB, medians) and
/// gloss's as a multiple of the article's size.
fn print_memory(r: &Results, file_bytes: usize) {
    if r.memory.is_empty() {
        return;
    }
    let file_mib = file_bytes as f64 / (1024.0 * 1024.0);
    println!("\nmemory (MiB resident, VmHWM; the article is {file_mib:.2} MiB)");
    for (label, reference, row) in &r.memory {
        let gloss = row.gloss.median();
        println!(
            "  {:<33} gloss {:>6} | {:<9} {:>6} | ratio {:>6} | {} the file",
            label,
            fmt(gloss),
            if reference.is_empty() { "-" } else { reference },
            fmt(row.reference.median()),
            ratio(gloss, row.reference.median()),
            gloss.map_or_else(|| "-".to_string(), |g| format!("{:.1}x", g / file_mib)),
        );
    }
}

fn main() -> Result<()> {
    let opts = options()?;
    let dir = tempfile::tempdir()?;
    let title = DOC_TITLE;
    let doc_dir = dir.path().join("doc");
    std::fs::create_dir_all(&doc_dir)?;
    let doc = doc_dir.join("long-read-5mb.md");
    let text = article::article(title, 5 * 1024 * 1024);
    std::fs::write(&doc, &text)?;
    let lib = dir.path().join("library");
    let names = if opts.library {
        write_library(&lib, opts.articles)?
    } else {
        Vec::new()
    };
    println!(
        "gloss: {}\nless:  {}\n{COLS}x{ROWS} pty, {} run(s), {} ms pause between keys",
        opts.bin.display(),
        opts.less
            .as_ref()
            .map_or_else(|| "(not timed)".to_string(), |p| p.display().to_string()),
        opts.runs,
        opts.settle.as_millis()
    );
    println!(
        "document: {} ({:.2} MB); library: {} articles of ~5 KB",
        doc.display(),
        text.len() as f64 / (1024.0 * 1024.0),
        names.len()
    );
    println!("ratio = gloss / reference; the tools run one after the other in each run");
    let mut results = Results::default();
    for run in 0..opts.runs {
        time_gloss_doc(&opts, &doc, title, &mut results)
            .with_context(|| format!("gloss on the document, run {}", run + 1))?;
        if let Some(less) = &opts.less {
            time_less(&opts, less, &doc, &mut results)
                .with_context(|| format!("less on the document, run {}", run + 1))?;
        }
        if opts.library {
            time_gloss_library(&opts, &lib, &names, &mut results)
                .with_context(|| format!("gloss on the library, run {}", run + 1))?;
            if let Some(head) = &opts.head {
                time_head(head, &lib, &names, &mut results)
                    .with_context(|| format!("head on the library, run {}", run + 1))?;
            }
        }
    }
    print_table("results", &results, opts.verbose);
    print_memory(&results, text.len());
    Ok(())
}
