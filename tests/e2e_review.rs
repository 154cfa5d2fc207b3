//! End to end: the daily review across three simulated days, with the real
//! binary in a pseudo-terminal. The day comes from outside: debug builds (the
//! ones tests run) read `GLOSS_TODAY=YYYY-MM-DD` and put the whole app on that
//! day, highlights made included; release builds never read it. Everything
//! else (the keys, the files written, the screen) is what a user would see.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::fs;
use std::path::PathBuf;

use support::{Gloss, fixtures, temp_home};

const CTRL_S: &str = "\x13";

/// A copy of the alpha fixture in its own folder.
fn library_copy(home: &tempfile::TempDir) -> PathBuf {
    let dir = home.path().join("lib");
    fs::create_dir_all(&dir).expect("lib dir");
    fs::copy(fixtures().join("library/alpha.md"), dir.join("alpha.md")).expect("copy fixture");
    dir
}

/// The review files gloss wrote.
fn review_files(g: &Gloss) -> Vec<String> {
    let mut out: Vec<String> = fs::read_dir(g.data_dir().join("review"))
        .map(|rd| {
            rd.flatten()
                .filter(|e| e.path().extension().is_some_and(|x| x == "toml"))
                .filter_map(|e| fs::read_to_string(e.path()).ok())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

fn on(day: &str) -> [(&'static str, String); 1] {
    [("GLOSS_TODAY", day.to_string())]
}

fn start(home: &std::sync::Arc<tempfile::TempDir>, args: &[&str], day: &str) -> Gloss {
    let env = on(day);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    Gloss::start_with_env(home.clone(), args, &env, 100, 30)
}

#[test]
fn highlights_come_back_over_three_days() {
    let home = temp_home();
    let lib = library_copy(&home).display().to_string();

    // Day 1: a highlight with a note; nothing is due on the day it is made.
    let mut g = start(&home, &[&lib], "2026-03-01");
    g.wait_for("Alpha Article");
    g.send("\r");
    g.wait_for("Ada Writer");
    g.send("/zephyr\r");
    g.wait_for("1/3");
    g.send("s");
    g.send("\r");
    g.wait_for("Ctrl-s save");
    g.send("windy day #weather");
    g.send(CTRL_S);
    g.wait_for("note saved");
    // The first Esc clears the search's marks, the second goes to the list.
    g.send("\x1b");
    g.wait_for("search cleared");
    g.send("\x1b");
    g.send("D");
    g.wait_for("nothing to review today");
    g.send("q");
    assert_eq!(g.wait_exit(), 0);

    // Day 2: `gloss review` opens on it, with its context, note and colour.
    let mut g = start(&home, &["review"], "2026-03-02");
    let shown = [
        "Review · 1 of 1 today",
        "Alpha Article",
        "yellow",
        "The third paragraph mentions a zephyr from the west",
        "✎ windy day #weather",
        "1 again/soon",
    ];
    g.wait_until("the review with context, note and colour", |screen| {
        shown.iter().all(|s| screen.contains(s))
    });
    g.send("1");
    g.wait_for("again (soon): back on Tue 3 Mar");
    g.send("q");
    assert_eq!(g.wait_exit(), 0);
    let files = review_files(&g);
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(files[0].contains("answer = \"again\""), "{}", files[0]);
    assert!(files[0].contains("due = \"2026-03-03\""), "{}", files[0]);

    // Day 3: the list says it is due; D shows it; good sends it further.
    let mut g = start(&home, &[&lib], "2026-03-03");
    g.wait_for("1 to review today (D)");
    g.send("D");
    g.wait_for("reviewed 1 time(s)");
    g.send("3");
    let screen = g.wait_for("good (keep): back on");
    assert!(
        !screen.contains("to review today"),
        "nothing left today:\n{screen}"
    );
    g.send("q");
    assert_eq!(g.wait_exit(), 0);
    let files = review_files(&g);
    assert!(files[0].contains("answer = \"good\""), "{}", files[0]);
    assert!(files[0].contains("reps = 2"), "{}", files[0]);
    assert!(!files[0].contains("due = \"2026-03-03\""), "{}", files[0]);
}
