//! End to end: signals, suspension, panics and unsaveable changes, with the real
//! binary in a pseudo-terminal. Whatever stops gloss, the terminal is given
//! back as it was, the reading position is saved, and a note being typed is
//! kept in the recovery file and offered back at the next start.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly

mod support;

use std::fs;
use std::path::PathBuf;

use support::{Gloss, fixtures, temp_home};

const CTRL_Z: &str = "\x1a";
const F12: &str = "\x1b[24~";

/// A copy of the alpha fixture in its own folder.
fn library_copy(home: &tempfile::TempDir) -> PathBuf {
    let dir = home.path().join("lib");
    fs::create_dir_all(&dir).expect("lib dir");
    fs::copy(fixtures().join("library/alpha.md"), dir.join("alpha.md")).expect("copy fixture");
    fs::copy(fixtures().join("library/beta.txt"), dir.join("beta.txt")).expect("copy fixture");
    dir
}

/// The notes files gloss wrote, as text.
fn notes_files(g: &Gloss) -> Vec<String> {
    fs::read_dir(g.data_dir().join("annotations"))
        .map(|rd| {
            rd.filter_map(Result::ok)
                .filter(|e| e.path().extension().is_some_and(|x| x == "toml"))
                .filter_map(|e| fs::read_to_string(e.path()).ok())
                .collect()
        })
        .unwrap_or_default()
}

fn recovery_file(g: &Gloss) -> PathBuf {
    g.data_dir().join("recovery.toml")
}

/// Opens Alpha, selects its third paragraph's first sentence and starts a
/// note on it, typing `text` without saving.
fn start_typing(g: &mut Gloss, text: &str) {
    g.wait_for("Alpha Article");
    g.send("\r");
    g.wait_for("Ada Writer");
    g.send("/zephyr\r");
    g.wait_for("1/3");
    g.send("s");
    g.send("\r");
    g.wait_for("Ctrl-s save");
    g.send(text);
    g.wait_for(text);
}

/// The next start offers the typed note back: a message names the article,
/// and opening it shows the note in the editor, unsaved until Ctrl-s.
fn note_is_offered_back(home: std::sync::Arc<tempfile::TempDir>, lib: &str, text: &str) {
    let mut g = Gloss::start_in(home, &[lib], 120, 30);
    let screen = g.wait_for("recovered");
    assert!(
        screen.contains("Alpha Article\": open it to finish"),
        "the start says where the note is:\n{screen}"
    );
    g.send("\r");
    // Both on one screen: a frame read half drawn may show the note before
    // the editor's help line.
    g.wait_until(&format!("{text:?} in the editor"), |s| {
        s.contains(text) && s.contains("Ctrl-s save")
    });
    g.send("\x13");
    g.wait_for("note saved");
    g.send("q");
    assert_eq!(g.wait_exit(), 0);
    assert!(
        notes_files(&g).iter().any(|f| f.contains(text)),
        "saved once the user said so"
    );
    assert!(
        !recovery_file(&g).exists(),
        "nothing left to recover once it is saved"
    );
}

#[test]
fn sigterm_while_typing_a_note_exits_0_restores_the_terminal_and_keeps_the_note() {
    let home = temp_home();
    let lib = library_copy(&home).display().to_string();
    let mut g = Gloss::start_in(home.clone(), &[&lib], 120, 30);
    start_typing(&mut g, "typed before a kill");
    assert!(g.terminal_in_app_mode());
    g.signal("TERM");
    assert_eq!(g.wait_exit(), 0, "a clean exit");
    g.wait_restored();
    let kept = fs::read_to_string(recovery_file(&g)).expect("recovery file written");
    assert!(kept.contains("typed before a kill"), "{kept}");
    note_is_offered_back(home, &lib, "typed before a kill");
}

#[test]
fn closing_the_terminal_while_typing_a_note_ends_gloss_and_keeps_the_note() {
    let home = temp_home();
    let lib = library_copy(&home).display().to_string();
    let mut g = Gloss::start_in(home.clone(), &[&lib], 120, 30);
    start_typing(&mut g, "typed before the window closed");
    g.close_terminal();
    // Gloss must exit on its own (wait_exit fails after a generous wait),
    // and in order: the event loop sees the hang-up, where a loop spinning
    // on the dead terminal's end of file would be ended by the signal
    // watchdog with 128 + SIGHUP.
    let status = g.wait_exit();
    // Debug builds say where the loop was when the watchdog stepped in.
    let phase = fs::read_to_string(g.data_dir().join("watchdog-phase")).unwrap_or_default();
    assert_eq!(
        status, 0,
        "the orderly exit, not the watchdog's (the loop was {phase})"
    );
    let kept = fs::read_to_string(recovery_file(&g)).expect("recovery file written");
    assert!(kept.contains("typed before the window closed"), "{kept}");
    note_is_offered_back(home, &lib, "typed before the window closed");
}

#[test]
fn a_stuck_event_loop_is_ended_by_the_signal_watchdog_with_the_note_kept() {
    let home = temp_home();
    let lib = library_copy(&home).display().to_string();
    // Debug builds only: once `marker` exists the event loop hangs for good
    // (as it did inside crossterm's read of a closed terminal) and says so
    // by creating `marker.stuck`.
    let marker = home.path().join("hang-now");
    let stuck = home.path().join("hang-now.stuck");
    let mut g = Gloss::start_with_env(
        home.clone(),
        &[&lib],
        &[(
            "GLOSS_DEBUG_STUCK_FILE",
            marker.to_str().expect("utf-8 temp path"),
        )],
        120,
        30,
    );
    start_typing(&mut g, "kept by the watchdog");
    fs::write(&marker, "").expect("marker");
    // A hang guard, not a measure: up to 500 looks, 40 ms apart.
    for _ in 0..500 {
        if stuck.exists() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(40));
    }
    assert!(stuck.exists(), "the loop never hung");
    g.signal("TERM");
    assert_eq!(
        g.wait_exit(),
        128 + 15,
        "128 + SIGTERM, as a shell reports it"
    );
    g.wait_restored();
    let kept = fs::read_to_string(recovery_file(&g)).expect("recovery file written");
    assert!(kept.contains("kept by the watchdog"), "{kept}");
    note_is_offered_back(home, &lib, "kept by the watchdog");
}

#[test]
fn sighup_saves_the_reading_position_of_the_last_second() {
    let home = temp_home();
    let lib = library_copy(&home).display().to_string();
    let mut g = Gloss::start_in(home.clone(), &[&lib], 100, 20);
    g.wait_for("Beta Notes");
    g.send("j");
    g.send("\r");
    g.wait_for("Paragraph 1.");
    // G, then the window closes at once: the position is still pending (it is
    // written when scrolling stops).
    g.send("G");
    g.wait_for("Paragraph 40.");
    g.signal("HUP");
    assert_eq!(g.wait_exit(), 0);
    g.wait_restored();
    assert!(
        notes_files(&g).iter().any(|f| f.contains("[position]")),
        "position written: {:?}",
        notes_files(&g)
    );
    let mut g = Gloss::start_in(home, &[&lib], 100, 20);
    g.wait_for("Beta Notes");
    g.send("j");
    g.send("\r");
    g.wait_for("Paragraph 40.");
    g.send("q");
    assert_eq!(g.wait_exit(), 0);
}

#[test]
fn sigint_and_sigquit_also_exit_cleanly() {
    for signal in ["INT", "QUIT"] {
        let home = temp_home();
        let lib = library_copy(&home).display().to_string();
        let mut g = Gloss::start_in(home, &[&lib], 100, 24);
        g.wait_for("Alpha Article");
        g.signal(signal);
        assert_eq!(g.wait_exit(), 0, "SIG{signal}");
        g.wait_restored();
    }
}

#[test]
fn sigtstp_then_sigcont_gives_the_terminal_back_then_takes_it_again() {
    let home = temp_home();
    let lib = library_copy(&home).display().to_string();
    let mut g = Gloss::start_in(home, &[&lib], 100, 24);
    g.wait_for("Alpha Article");
    g.send("\r");
    g.wait_for("Ada Writer");
    g.signal("TSTP");
    g.wait_restored();
    g.wait_stopped();
    let before = g.output().len();
    g.signal("CONT");
    g.wait_for_terminal("gloss's modes back", |s| {
        s.alternate_screen() && s.bracketed_paste()
    });
    assert!(g.terminal_in_app_mode(), "mouse and paste back");
    // Redrawn, and keys reach gloss again (raw mode: no Enter needed).
    g.wait_for_output(before, b"Ada Writer");
    g.send("?");
    g.wait_for("Help");
    g.send("x");
    g.send("q");
    assert_eq!(g.wait_exit(), 0);
}

#[test]
fn ctrl_z_suspends_and_fg_resumes_with_the_modes_restored() {
    let home = temp_home();
    let lib = library_copy(&home).display().to_string();
    let mut g = Gloss::start_in(home, &[&lib], 100, 24);
    g.wait_for("Alpha Article");
    g.send(CTRL_Z);
    g.wait_restored();
    g.wait_stopped();
    g.signal("CONT");
    g.wait_for_terminal("resumed", |s| s.alternate_screen());
    assert!(g.terminal_in_app_mode());
    g.wait_for("Alpha Article");
    g.send("\r");
    g.wait_for("Ada Writer");
    g.send("q");
    assert_eq!(g.wait_exit(), 0);
}

#[test]
fn a_panic_while_typing_a_note_keeps_it_for_the_next_start() {
    let home = temp_home();
    let lib = library_copy(&home).display().to_string();
    let mut g = Gloss::start_with_env(
        home.clone(),
        &[&lib],
        &[("GLOSS_DEBUG_PANIC_KEY", "1")],
        120,
        30,
    );
    start_typing(&mut g, "typed before a panic");
    g.send(F12);
    assert_ne!(g.wait_exit(), 0, "the panic ends gloss");
    g.wait_restored();
    let kept = fs::read_to_string(recovery_file(&g)).expect("recovery file written");
    assert!(kept.contains("typed before a panic"), "{kept}");
    note_is_offered_back(home, &lib, "typed before a panic");
}

#[test]
fn quitting_with_unsaveable_changes_asks_and_keeps_them_for_the_next_start() {
    let home = temp_home();
    let lib = library_copy(&home).display().to_string();
    // An injected write error that holds even for root (unlike a read-only
    // folder): a folder where the store's lock file goes makes every save
    // fail with "Is a directory", while the notes can still be read.
    let data = home.path().join("data/gloss");
    let blocker = data.join("annotations/.lock");
    fs::create_dir_all(&blocker).expect("blocker");
    let mut g = Gloss::start_in(home.clone(), &[&lib], 160, 30);
    g.wait_for("Alpha Article");
    g.send("\r");
    g.wait_for("Ada Writer");
    g.send("/zephyr\r");
    g.wait_for("1/3");
    g.send("s");
    g.send("3");
    g.wait_for("not saved");
    g.send("q");
    let screen = g.wait_for("y/n");
    assert!(
        screen.contains("change(s) not saved") && screen.contains("recovery.toml"),
        "q says what is unsaved and where it will be kept:\n{screen}"
    );
    g.send("n");
    g.wait_for("kept");
    g.send("q");
    g.wait_for("y/n");
    g.send("y");
    assert_eq!(g.wait_exit(), 0);
    let kept = fs::read_to_string(recovery_file(&g)).expect("recovery file");
    assert!(kept.contains("mentions a zephyr from the west"), "{kept}");

    // The disk is fixed: the next start saves the change.
    fs::remove_dir(&blocker).expect("unblock");
    let mut g = Gloss::start_in(home, &[&lib], 160, 30);
    g.wait_for("saved");
    assert!(
        notes_files(&g)
            .iter()
            .any(|f| f.contains("mentions a zephyr from the west")),
        "the recovered change is in the notes file"
    );
    assert!(!recovery_file(&g).exists());
    g.send("q");
    assert_eq!(g.wait_exit(), 0);
}

#[test]
fn when_not_even_the_recovery_file_can_be_written_the_work_is_printed() {
    let home = temp_home();
    let lib = library_copy(&home).display().to_string();
    let data = home.path().join("data/gloss");
    // Saves fail (a folder where the store's lock file goes) and so does the
    // recovery file (a non-empty folder where it goes).
    fs::create_dir_all(data.join("annotations/.lock")).expect("blocker");
    fs::create_dir_all(data.join("recovery.toml/x")).expect("blocker");
    let mut g = Gloss::start_in(home, &[&lib], 160, 40);
    g.wait_for("Alpha Article");
    g.send("\r");
    g.wait_for("Ada Writer");
    g.send("/zephyr\r");
    g.wait_for("1/3");
    g.send("s");
    g.send("3");
    g.wait_for("not saved");
    g.signal("TERM");
    assert_eq!(g.wait_exit(), 1, "work only on stderr is a failure");
    g.wait_restored();
    // Printed after the terminal was restored (it may scroll off the screen,
    // so the output is read rather than the screen).
    g.wait_for_output(0, b"your unsaved work follows");
    g.wait_for_output(0, b"mentions a zephyr from the west");
    let out = String::from_utf8_lossy(&g.output()).into_owned();
    let tail = &out[out.find("your unsaved work follows").unwrap_or(0)..];
    assert!(tail.contains("kind = \"upsert\""), "{tail}");
}
