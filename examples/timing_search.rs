//! Times library search with the real gloss binary against `rg -c` on the
//! same generated library (10,000 articles of about 5 KB, seeded): in a
//! 120x40 pseudo-terminal, `F` and a query until the first result row is on
//! screen; on the command line, `gloss search` until it exits. Prints each
//! median and its ratio to `rg -c QUERY LIBRARY` (which must be installed).
//! The targets: first results <= 1x `rg -c`, complete <= 2x.
//!
//! Usage: `cargo run --release --example timing_search -- --bin target/release/gloss --runs 5
//! [--articles 10000]`
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly

#[path = "../benches/common/search_library.rs"]
mod search_library;

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

const COLS: u16 = 120;
const ROWS: u16 = 40;
const TIMEOUT: Duration = Duration::from_secs(60);

/// What only a result row shows: an article's match count after its title
/// (each generated article holds the rare word once).
const RESULT_ROW: &str = "  1 match";

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

/// gloss in a pseudo-terminal.
struct Session {
    watch: Arc<Mutex<Watch>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    _master: Box<dyn MasterPty + Send>,
}

impl Session {
    fn spawn(program: &Path, home: &Path, library: &Path, first: &str) -> Result<Self> {
        let pty = native_pty_system().openpty(PtySize {
            rows: ROWS,
            cols: COLS,
            pixel_width: 0,
            pixel_height: 0,
        })?;
        let mut cmd = CommandBuilder::new(program);
        cmd.arg(library);
        cmd.cwd(home);
        cmd.env("HOME", home);
        cmd.env("XDG_DATA_HOME", home.join("data"));
        cmd.env("XDG_CONFIG_HOME", home.join("config"));
        cmd.env("XDG_CACHE_HOME", home.join("cache"));
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("GLOSS_DATA_DIR");
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
        };
        session.wait(start, first)?;
        Ok(session)
    }

    fn screen(&self) -> String {
        self.watch
            .lock()
            .map(|w| w.parser.screen().contents())
            .unwrap_or_default()
    }

    /// Types `keys` and returns the time until `want` is on screen.
    fn answer(&mut self, keys: &str, want: &str) -> Result<Duration> {
        {
            let mut w = self.watch.lock().map_err(|_| anyhow::anyhow!("poisoned"))?;
            if w.parser.screen().contents().contains(want) {
                bail!("{want:?} is on screen before the keys were sent");
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
            if let Some(at) = self.watch.lock().ok().and_then(|w| w.seen) {
                return Ok(at.saturating_duration_since(start));
            }
            if start.elapsed() > TIMEOUT {
                bail!("timed out waiting for {what:?}; screen:\n{}", self.screen());
            }
            if let Some(status) = self.child.try_wait()? {
                bail!("exited ({status:?}) before showing {what:?}");
            }
            thread::sleep(Duration::from_micros(500));
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = self.writer.write_all(b"q");
        let _ = self.writer.flush();
        thread::sleep(Duration::from_millis(50));
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

/// Wall time of a command run to its end, its output thrown away.
fn run_to_end(program: &Path, args: &[&std::ffi::OsStr], home: &Path) -> Result<Duration> {
    let start = Instant::now();
    let status = Command::new(program)
        .args(args)
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env_remove("GLOSS_DATA_DIR")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()?;
    let took = start.elapsed();
    // rg and gloss search exit 1 when nothing matched; here something must.
    if status.code() != Some(0) {
        bail!("{} exited with {status}", program.display());
    }
    Ok(took)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn main() -> Result<()> {
    let mut bin = PathBuf::from("target/release/gloss");
    let mut runs = 5usize;
    let mut articles = 10_000usize;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            // Absolute: the sessions run in their own folders.
            "--bin" => bin = std::path::absolute(args.next().context("--bin PATH")?)?,
            "--runs" => runs = args.next().context("--runs N")?.parse()?,
            "--articles" => articles = args.next().context("--articles N")?.parse()?,
            other => bail!("unknown argument {other}; usage: --bin PATH --runs N [--articles N]"),
        }
    }
    // portable-pty looks a relative program up in PATH.
    let bin = std::path::absolute(&bin)?;
    let rg = which("rg").context("rg (ripgrep) must be installed: it is the yardstick")?;
    let dir = tempfile::tempdir()?;
    let library = dir.path().join("library");
    search_library::write(&library, articles);
    let home = dir.path().join("home");
    std::fs::create_dir_all(&home)?;
    let query = search_library::RARE;
    println!(
        "library search: {articles} generated articles (~5 KB), query {query:?}, {runs} runs, {COLS}x{ROWS}"
    );

    let (mut rg_times, mut cli_times, mut first_times) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        // Interleaved, so a busy moment of the machine hits both sides.
        rg_times.push(run_to_end(
            &rg,
            &["-c".as_ref(), query.as_ref(), library.as_os_str()],
            &home,
        )?);
        cli_times.push(run_to_end(
            &bin,
            &["search".as_ref(), query.as_ref(), library.as_os_str()],
            &home,
        )?);
        let mut session = Session::spawn(&bin, &home, &library, "Dispatch")?;
        // The whole empty search screen, not just its first line.
        session.answer("F", "type to search")?;
        first_times.push(session.answer(query, RESULT_ROW)?);
    }
    let rg_t = median(rg_times);
    let cli_t = median(cli_times);
    let first_t = median(first_times);
    let ratio = |d: Duration| d.as_secs_f64() / rg_t.as_secs_f64();
    println!("{:<44} {:>10}", "rg -c (reference)", ms(rg_t));
    println!(
        "{:<44} {:>10}  {:.2}x rg -c (target <= 1x)",
        "F + query to first result row on screen",
        ms(first_t),
        ratio(first_t)
    );
    println!(
        "{:<44} {:>10}  {:.2}x rg -c (target <= 2x)",
        "gloss search to completion",
        ms(cli_t),
        ratio(cli_t)
    );
    Ok(())
}

fn which(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|d| Path::new(d).join(name))
        .find(|p| p.is_file())
}
