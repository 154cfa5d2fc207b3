//! Runs the real gloss binary in a pseudo-terminal and reads its screen through a
//! terminal emulator (vt100), as a user would see it. Each session gets its own
//! temporary XDG data and config folders, so tests never touch the user's files.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

/// How long to wait for the screen to show something before failing.
pub const TIMEOUT: Duration = Duration::from_secs(20);

/// What the emulated terminal was asked to do besides drawing.
#[derive(Default)]
pub struct Events {
    /// Window titles set (OSC 0/2).
    pub titles: Vec<String>,
    /// Clipboard writes (OSC 52), base64 as sent.
    pub clipboard: Vec<String>,
}

impl vt100::Callbacks for Events {
    fn set_window_title(&mut self, _: &mut vt100::Screen, title: &[u8]) {
        self.titles
            .push(String::from_utf8_lossy(title).into_owned());
    }
    fn set_window_icon_name(&mut self, _: &mut vt100::Screen, name: &[u8]) {
        self.titles.push(String::from_utf8_lossy(name).into_owned());
    }
    fn copy_to_clipboard(&mut self, _: &mut vt100::Screen, _ty: &[u8], data: &[u8]) {
        self.clipboard
            .push(String::from_utf8_lossy(data).into_owned());
    }
}

/// A duplicate of the pseudo-terminal master's descriptor to write keys
/// through; closing it sends nothing.
fn master_copy(master: &dyn MasterPty) -> std::fs::File {
    let fd = master.as_raw_fd().expect("the master has a descriptor");
    // SAFETY: `fd` is the master's open descriptor, alive while `master` is
    // borrowed; it is only duplicated here, never closed.
    let borrowed = unsafe { std::os::fd::BorrowedFd::borrow_raw(fd) };
    std::fs::File::from(borrowed.try_clone_to_owned().expect("dup the pty master"))
}

/// A running gloss in a pseudo-terminal.
pub struct Gloss {
    parser: Arc<Mutex<vt100::Parser<Events>>>,
    /// `None` once [`Gloss::close_terminal`] closed the terminal.
    master: Option<Box<dyn MasterPty + Send>>,
    writer: Option<Box<dyn Write + Send>>,
    /// Tells the output reader to stop and close its copy of the master.
    stop_reading: Arc<std::sync::atomic::AtomicBool>,
    reading: Option<thread::JoinHandle<()>>,
    child: Box<dyn Child + Send + Sync>,
    /// Every byte gloss wrote, in order (to see modes switched off and on).
    output: Arc<Mutex<Vec<u8>>>,
    /// The temporary home of this session (XDG folders inside).
    pub home: Arc<tempfile::TempDir>,
}

/// Where the fixtures are.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// A fresh temporary home for XDG folders.
pub fn temp_home() -> Arc<tempfile::TempDir> {
    Arc::new(tempfile::tempdir().expect("temp dir"))
}

impl Gloss {
    /// Starts gloss with `args` in a `cols` x `rows` terminal, with a new home.
    pub fn start(args: &[&str], cols: u16, rows: u16) -> Self {
        Self::start_in(temp_home(), args, cols, rows)
    }

    /// Starts gloss with `args` using an existing home (to test persistence).
    pub fn start_in(home: Arc<tempfile::TempDir>, args: &[&str], cols: u16, rows: u16) -> Self {
        Self::start_with_env(home, args, &[], cols, rows)
    }

    /// Starts gloss with extra environment variables.
    pub fn start_with_env(
        home: Arc<tempfile::TempDir>,
        args: &[&str],
        env: &[(&str, &str)],
        cols: u16,
        rows: u16,
    ) -> Self {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open pty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_gloss"));
        cmd.args(args);
        cmd.cwd(home.path());
        cmd.env("HOME", home.path());
        cmd.env("XDG_DATA_HOME", home.path().join("data"));
        cmd.env("XDG_CONFIG_HOME", home.path().join("config"));
        cmd.env("XDG_CACHE_HOME", home.path().join("cache"));
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("GLOSS_DATA_DIR");
        cmd.env_remove("VISUAL");
        cmd.env_remove("EDITOR");
        for (key, value) in env {
            cmd.env(key, value);
        }
        let child = pty.slave.spawn_command(cmd).expect("spawn gloss");
        drop(pty.slave);
        let parser = Arc::new(Mutex::new(vt100::Parser::new_with_callbacks(
            NonZeroU16::new(rows.max(1)).expect("rows"),
            NonZeroU16::new(cols.max(1)).expect("cols"),
            0,
            Events::default(),
        )));
        let mut reader = pty.master.try_clone_reader().expect("pty reader");
        let sink = Arc::clone(&parser);
        let output = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&output);
        let stop_reading = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stop = Arc::clone(&stop_reading);
        let master_fd = pty.master.as_raw_fd().expect("master fd");
        let reading = thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                // Waits in short steps, so that closing the terminal can
                // stop this thread (its reader is a copy of the master).
                let mut pollfd = libc::pollfd {
                    fd: master_fd,
                    events: libc::POLLIN,
                    revents: 0,
                };
                // SAFETY: one valid pollfd; the master outlives this thread
                // (close_terminal joins it before dropping the master).
                let ready = unsafe { libc::poll(&mut pollfd, 1, 50) };
                if stop.load(std::sync::atomic::Ordering::SeqCst) {
                    break;
                }
                if ready <= 0 {
                    continue;
                }
                let Ok(n) = reader.read(&mut buf) else {
                    break;
                };
                if n == 0 {
                    break;
                }
                if let Ok(mut p) = sink.lock() {
                    p.process(&buf[..n]);
                }
                if let Ok(mut log) = log.lock() {
                    log.extend_from_slice(&buf[..n]);
                }
            }
        });
        // A plain copy of the master's descriptor, not portable-pty's
        // `take_writer`: that writer, when dropped, types a newline and the
        // end-of-file character into the terminal (Ctrl-J, Ctrl-D in raw
        // mode), so closing the terminal would first send gloss two keys a
        // window closing never sends (in the note editor Ctrl-J deletes to
        // the start of the line, and the typed note was gone).
        let writer: Box<dyn Write + Send> = Box::new(master_copy(pty.master.as_ref()));
        Self {
            parser,
            master: Some(pty.master),
            writer: Some(writer),
            stop_reading,
            reading: Some(reading),
            child,
            output,
            home,
        }
    }

    /// Closes the terminal as closing its window does: every copy of the
    /// pseudo-terminal's master side is closed, so gloss's terminal hangs up
    /// (and the kernel sends it SIGHUP). Output after this is not read.
    pub fn close_terminal(&mut self) {
        self.stop_reading
            .store(true, std::sync::atomic::Ordering::SeqCst);
        if let Some(reading) = self.reading.take() {
            let _ = reading.join();
        }
        self.writer = None;
        self.master = None;
    }

    fn master(&self) -> &dyn MasterPty {
        self.master.as_deref().expect("the terminal is closed")
    }

    fn writer(&mut self) -> &mut (dyn Write + Send) {
        self.writer.as_deref_mut().expect("the terminal is closed")
    }

    /// Everything gloss has written to the terminal so far.
    pub fn output(&self) -> Vec<u8> {
        self.output.lock().expect("output").clone()
    }

    /// Sends a signal ("TERM", "HUP", "TSTP", "CONT"...) to gloss.
    pub fn signal(&self, name: &str) {
        let pid = self.child.process_id().expect("gloss has a pid");
        let status = std::process::Command::new("kill")
            .args(["-s", name, &pid.to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -s {name} {pid} failed");
    }

    /// Waits until the emulated terminal's state satisfies `pred`.
    pub fn wait_for_terminal(&self, what: &str, pred: impl Fn(&vt100::Screen) -> bool) {
        let start = Instant::now();
        loop {
            if pred(self.parser.lock().expect("parser").screen()) {
                return;
            }
            if start.elapsed() > TIMEOUT {
                panic!(
                    "timed out waiting for {what}; screen was:\n{}",
                    self.screen()
                );
            }
            thread::sleep(Duration::from_millis(40));
        }
    }

    /// Waits until gloss has written `needle` (raw bytes) after byte `from` of
    /// its output.
    pub fn wait_for_output(&self, from: usize, needle: &[u8]) {
        let start = Instant::now();
        loop {
            let out = self.output();
            if out.len() > from && out[from..].windows(needle.len()).any(|w| w == needle) {
                return;
            }
            if start.elapsed() > TIMEOUT {
                panic!(
                    "timed out waiting for {:?} in the output; screen was:\n{}",
                    String::from_utf8_lossy(needle),
                    self.screen()
                );
            }
            thread::sleep(Duration::from_millis(40));
        }
    }

    /// Waits until the terminal is restored (see [`Gloss::terminal_restored`]);
    /// the output may still be on its way when gloss has exited.
    pub fn wait_restored(&self) {
        self.wait_for_terminal(
            "main screen, cursor shown, no mouse reporting, no bracketed paste",
            restored,
        );
    }

    /// Waits until gloss is stopped (job control: state `T` in
    /// /proc/PID/stat). A SIGCONT sent before then, as soon as the terminal
    /// looks restored, could come before gloss stops itself and leave it
    /// stopped for good.
    pub fn wait_stopped(&self) {
        let pid = self.child.process_id().expect("gloss has a pid");
        let start = Instant::now();
        loop {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            let state = stat
                .rsplit_once(") ")
                .and_then(|(_, rest)| rest.split_whitespace().next());
            if matches!(state, Some("T" | "t")) {
                return;
            }
            if start.elapsed() > TIMEOUT {
                panic!("timed out waiting for gloss to stop; /proc says {stat}");
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Whether the emulated terminal is in the state a shell expects: main
    /// screen, cursor shown, no mouse reporting, no bracketed paste.
    pub fn terminal_restored(&self) -> bool {
        self.with_parser(|p| restored(p.screen()))
    }

    /// Whether the emulated terminal is in gloss's modes: alternate screen,
    /// mouse reporting, bracketed paste.
    pub fn terminal_in_app_mode(&self) -> bool {
        self.with_parser(|p| {
            let s = p.screen();
            s.alternate_screen()
                && s.mouse_protocol_mode() != vt100::MouseProtocolMode::None
                && s.bracketed_paste()
        })
    }

    /// The data directory gloss uses in this session.
    pub fn data_dir(&self) -> PathBuf {
        self.home.path().join("data/gloss")
    }

    /// Types raw bytes (keys as the terminal sends them).
    pub fn send(&mut self, bytes: &str) {
        self.writer()
            .write_all(bytes.as_bytes())
            .expect("write to pty");
        self.writer().flush().expect("flush pty");
        thread::sleep(Duration::from_millis(60));
    }

    /// The screen's text, rows joined by newlines.
    pub fn screen(&self) -> String {
        self.parser.lock().expect("parser").screen().contents()
    }

    /// Runs `f` on the emulator (for cell colours, titles, clipboard).
    pub fn with_parser<T>(&self, f: impl FnOnce(&vt100::Parser<Events>) -> T) -> T {
        f(&self.parser.lock().expect("parser"))
    }

    /// Waits until the screen satisfies `pred`; panics with the screen if not.
    pub fn wait_until(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if pred(&screen) {
                return screen;
            }
            if start.elapsed() > TIMEOUT {
                panic!("timed out waiting for {what}; screen was:\n{screen}");
            }
            thread::sleep(Duration::from_millis(40));
        }
    }

    /// Waits until `text` is on screen.
    pub fn wait_for(&self, text: &str) -> String {
        self.wait_until(&format!("{text:?}"), |s| s.contains(text))
    }

    /// Resizes the terminal, as a window resize would.
    pub fn resize(&mut self, cols: u16, rows: u16) {
        // The emulator first: gloss redraws as soon as the terminal size
        // changes, and that output must be read at the new size.
        if let (Some(r), Some(c)) = (NonZeroU16::new(rows), NonZeroU16::new(cols)) {
            self.parser.lock().expect("parser").set_size(r, c);
        }
        self.master()
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("resize pty");
        thread::sleep(Duration::from_millis(100));
    }

    /// Resizes the terminal at once, without waiting for gloss to redraw (for
    /// resize storms; finish with [`Gloss::resize`] before reading the screen).
    pub fn resize_now(&mut self, cols: u16, rows: u16) {
        if let (Some(r), Some(c)) = (NonZeroU16::new(rows), NonZeroU16::new(cols)) {
            self.parser.lock().expect("parser").set_size(r, c);
        }
        self.master()
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("resize pty");
    }

    /// Types raw bytes without waiting afterwards.
    pub fn send_now(&mut self, bytes: &str) {
        self.writer()
            .write_all(bytes.as_bytes())
            .expect("write to pty");
        self.writer().flush().expect("flush pty");
    }

    /// Waits for gloss to exit and returns its exit code.
    pub fn wait_exit(&mut self) -> u32 {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status.exit_code();
            }
            if start.elapsed() > TIMEOUT {
                let _ = self.child.kill();
                panic!("gloss did not exit; screen was:\n{}", self.screen());
            }
            thread::sleep(Duration::from_millis(30));
        }
    }
}

impl Drop for Gloss {
    fn drop(&mut self) {
        self.stop_reading
            .store(true, std::sync::atomic::Ordering::SeqCst);
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
    }
}

/// Main screen, cursor shown, no mouse reporting, no bracketed paste: the
/// state a shell expects its terminal in.
fn restored(s: &vt100::Screen) -> bool {
    !s.alternate_screen()
        && !s.hide_cursor()
        && s.mouse_protocol_mode() == vt100::MouseProtocolMode::None
        && !s.bracketed_paste()
}
