//! Handing a link to the program that opens it: `$BROWSER` (a `:`-separated
//! list of commands, `%s` standing for the URL), else `xdg-open` on Linux or
//! `open` on macOS. The program runs detached, in a session of its own with
//! no terminal and its input and output going nowhere, so it can neither
//! block gloss nor write over the screen; gloss does not wait for it, and a
//! program that fails is reported later through [`Opener::failures`]. It is a
//! trait so tests (and the end-to-end harness) never start a browser.

use std::process::{Command, Stdio};
use std::sync::mpsc::{Receiver, Sender, channel};

/// Something that opens URLs and paths outside gloss.
pub trait Opener: Send {
    /// Starts opening `url` and returns at once: the program's name, or why
    /// none could be started.
    fn open(&mut self, url: &str) -> Result<String, String>;

    /// Messages about programs that were started but failed, since the last
    /// call.
    fn failures(&mut self) -> Vec<String> {
        Vec::new()
    }
}

/// The real opener: `$BROWSER`, else the desktop's own.
pub struct SystemOpener {
    /// The value of `$BROWSER` when gloss started.
    browser: Option<String>,
    /// The desktop's opener tried after `$BROWSER`.
    system: Option<&'static str>,
    sender: Sender<String>,
    receiver: Receiver<String>,
}

impl std::fmt::Debug for SystemOpener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SystemOpener")
            .field("browser", &self.browser)
            .finish_non_exhaustive()
    }
}

impl SystemOpener {
    /// The opener for this environment (`$BROWSER` read now).
    pub fn from_env() -> Self {
        Self::with_programs(std::env::var("BROWSER").ok(), system_opener())
    }

    /// An opener with `browser` standing for `$BROWSER` and `system` for
    /// the desktop's opener.
    pub fn with_programs(browser: Option<String>, system: Option<&'static str>) -> Self {
        let (sender, receiver) = channel();
        Self {
            browser: browser.filter(|b| !b.trim().is_empty()),
            system,
            sender,
            receiver,
        }
    }
}

/// The commands to try for `url`, in order: each `$BROWSER` entry, then the
/// system's opener. An entry with `%s` gets the URL there (`%%` is a `%`),
/// otherwise after its last word.
pub fn commands(browser: Option<&str>, system: Option<&str>, url: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for entry in browser.into_iter().flat_map(|b| b.split(':')) {
        let Ok(words) = shell_words::split(entry) else {
            continue;
        };
        if words.is_empty() {
            continue;
        }
        let mut placed = false;
        let mut words: Vec<String> = words
            .into_iter()
            .map(|w| {
                if w.contains("%s") {
                    placed = true;
                    w.replace("%s", url).replace("%%", "%")
                } else {
                    w
                }
            })
            .collect();
        if !placed {
            words.push(url.to_string());
        }
        out.push(words);
    }
    if let Some(system) = system {
        out.push(vec![system.to_string(), url.to_string()]);
    }
    out
}

/// The desktop's opener on this system, if it has a usual one.
pub fn system_opener() -> Option<&'static str> {
    if cfg!(target_os = "macos") {
        Some("open")
    } else if cfg!(unix) {
        Some("xdg-open")
    } else {
        None
    }
}

impl Opener for SystemOpener {
    fn open(&mut self, url: &str) -> Result<String, String> {
        let mut tried = Vec::new();
        for words in commands(self.browser.as_deref(), self.system, url) {
            let Some((program, args)) = words.split_first() else {
                continue;
            };
            match spawn_detached(program, args) {
                Ok(mut child) => {
                    let sender = self.sender.clone();
                    let name = std::path::Path::new(program)
                        .file_name()
                        .map_or_else(|| program.clone(), |n| n.to_string_lossy().into_owned());
                    let name = crate::document::sanitize(&name).into_owned();
                    let shown = crate::document::sanitize(url).into_owned();
                    // Reaped off the event loop, so no zombie is left and a
                    // failure can still be told.
                    std::thread::spawn(move || {
                        if let Ok(status) = child.wait()
                            && !status.success()
                        {
                            let _ = sender.send(format!("{name} failed ({status}): {shown}"));
                        }
                    });
                    return Ok(program.clone());
                }
                Err(e) => tried.push(format!("{program}: {e}")),
            }
        }
        Err(if tried.is_empty() {
            "no program to open links with: set $BROWSER".to_string()
        } else {
            format!(
                "could not start a program to open links ({}); set $BROWSER",
                tried.join("; ")
            )
        })
    }

    fn failures(&mut self) -> Vec<String> {
        self.receiver.try_iter().collect()
    }
}

/// Starts `program` with no terminal: its own session (so it has no
/// controlling terminal to write to or read from), input and output to the
/// null device.
fn spawn_detached(program: &str, args: &[String]) -> std::io::Result<std::process::Child> {
    let mut command = Command::new(program);
    command
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // SAFETY: setsid is async-signal-safe and touches no memory of the
        // parent; it only makes the child a session leader without a terminal.
        unsafe {
            command.pre_exec(|| {
                libc::setsid();
                Ok(())
            });
        }
    }
    command.spawn()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browser_entries_come_first_with_the_url_in_place() {
        let cmds = commands(
            Some("firefox --new-tab %s:lynx"),
            Some("xdg-open"),
            "https://a.b/c",
        );
        assert_eq!(cmds[0], vec!["firefox", "--new-tab", "https://a.b/c"]);
        assert_eq!(cmds[1], vec!["lynx", "https://a.b/c"]);
        assert_eq!(cmds[2], vec!["xdg-open", "https://a.b/c"]);
    }

    #[test]
    fn without_browser_the_system_opener_is_used() {
        let cmds = commands(None, Some("open"), "https://a.b");
        assert_eq!(cmds, vec![vec!["open".to_string(), "https://a.b".into()]]);
        if cfg!(target_os = "linux") {
            assert_eq!(system_opener(), Some("xdg-open"));
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_failing_program_is_reported_later_and_a_missing_one_at_once() {
        let mut opener = SystemOpener::with_programs(Some("false".into()), None);
        assert_eq!(opener.open("https://x").unwrap(), "false");
        let mut failures = Vec::new();
        for _ in 0..500 {
            failures = opener.failures();
            if !failures.is_empty() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        assert_eq!(failures[0], "false failed (exit status: 1): https://x");

        let mut missing = SystemOpener::with_programs(Some("/nonexistent/browser".into()), None);
        let e = missing.open("https://x").unwrap_err();
        assert!(e.contains("/nonexistent/browser"), "{e}");
    }
}
