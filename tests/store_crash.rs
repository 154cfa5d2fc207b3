//! Saving is crash-safe and safe between processes. The children are this
//! test binary run again on an ignored test, told by an environment variable
//! where the data directory is; without it they do nothing.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use chrono::Utc;
use gloss::annotations::testing::{self, CharOffset};
use gloss::annotations::{ArticleRecord, Highlight, Op, Store};

const DIR_VAR: &str = "GLOSS_STORE_TEST_DIR";
const WORKER_VAR: &str = "GLOSS_STORE_TEST_WORKER";
const ARTICLE: &str = "/articles/shared.md";

fn record() -> ArticleRecord {
    ArticleRecord {
        title: "Shared article".into(),
        author: None,
        date: None,
        path: ARTICLE.into(),
        fingerprint: "sha256:shared".into(),
        archived: None,
    }
}

fn highlight(id: String, start: usize) -> Highlight {
    testing::highlight(&id)
        .made_at(Utc::now())
        .color("green")
        .tags(&["crash"])
        .note(&"A note that makes the file\nlonger, so writes take a while.\n".repeat(4))
        .quote_at("some words", CharOffset::new(start))
        .context("before ", " after")
        .build()
}

fn spawn_child(test: &str, dir: &Path, worker: &str) -> Child {
    Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            test,
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(DIR_VAR, dir)
        .env(WORKER_VAR, worker)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// The highlight every save of [`child_save_loop`] rewrites.
const COUNTER_ID: &str = "01HZX3V0CCCCCCCCCCCCCCCCCC";

/// The counter highlight at save number `n`: the number is in the note and
/// the offsets, with padding so each write takes a while.
fn counter(n: u64) -> Highlight {
    let mut h = highlight(COUNTER_ID.to_string(), 0);
    h.note = format!(
        "{n}\n{}",
        "Padding that makes every write a few kilobytes long.\n".repeat(60)
    );
    h.anchor.start = CharOffset::new(usize::try_from(n).unwrap());
    h.anchor.end = h.anchor.start.plus(10);
    h
}

/// The save number a file on disk holds.
fn counter_of(content: &gloss::annotations::AnnotationFile) -> u64 {
    let h = content
        .highlights
        .iter()
        .find(|h| h.id == COUNTER_ID)
        .expect("the counter highlight is there");
    let n: u64 = h.note.lines().next().unwrap().parse().unwrap();
    assert_eq!(
        h.anchor.start,
        CharOffset::new(usize::try_from(n).unwrap()),
        "one save's note and offsets"
    );
    n
}

/// Child: saves the counter, one more each time, as fast as it can,
/// printing "saved N" after each save returned.
#[test]
#[ignore = "child process of saves_survive_a_thousand_sigkills"]
fn child_save_loop() {
    let Some(dir) = std::env::var_os(DIR_VAR) else {
        return;
    };
    let store = Store::new(Path::new(&dir));
    let found = store.find(Path::new(ARTICLE), "").unwrap();
    let mut n = found.as_ref().map_or(0, |f| counter_of(&f.content));
    let mut file: Option<PathBuf> = found.map(|f| f.file);
    loop {
        n += 1;
        let saved = store
            .apply(file.as_deref(), &record(), &[Op::Upsert(counter(n))])
            .unwrap();
        file = Some(saved.file);
        println!("saved {n}");
    }
}

/// Child: adds 50 highlights of its own, one save each.
#[test]
#[ignore = "child process of two_processes_lose_nothing"]
fn child_add_fifty() {
    let (Some(dir), Some(worker)) = (std::env::var_os(DIR_VAR), std::env::var_os(WORKER_VAR))
    else {
        return;
    };
    let worker = worker.to_string_lossy().into_owned();
    let store = Store::new(Path::new(&dir));
    let mut file = store
        .find(Path::new(ARTICLE), "")
        .unwrap()
        .map(|found| found.file);
    for i in 0..50 {
        let saved = store
            .apply(
                file.as_deref(),
                &record(),
                &[Op::Upsert(highlight(format!("{worker}-{i:02}"), i * 2))],
            )
            .unwrap();
        file = Some(saved.file);
    }
}

fn annotation_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(listing) = fs::read_dir(dir.join("annotations")) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = listing
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.ends_with(".toml") && !name.starts_with('.')
        })
        .collect();
    files.sort();
    files
}

/// A small xorshift generator, seeded from the clock and printed, so a
/// failure can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self, below: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % below
    }
}

/// How many times a saving child is killed; each kill is one short-lived
/// child process, killed at a random moment after its first save, so kills
/// land before, during and after writing the temporary file, syncing it and
/// renaming it.
const KILLS: usize = 1000;

/// A folder in memory (/dev/shm) when there is one: a kill -9 ends the
/// process, not the machine, so the page cache survives it and what is
/// tested (a save is whole or absent) does not depend on how slowly the
/// disk syncs; without it a thousand rounds would spend most of a minute in
/// fsync.
fn crash_dir() -> tempfile::TempDir {
    match tempfile::tempdir_in("/dev/shm") {
        Ok(dir) => dir,
        Err(e) => {
            eprintln!("no /dev/shm ({e}): using the default temporary folder");
            tempfile::tempdir().unwrap()
        }
    }
}

#[test]
fn saves_survive_a_thousand_sigkills() {
    let dir = crash_dir();
    let seed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    eprintln!("seed {seed}");
    let started = Instant::now();
    let mut rng = Rng(seed);
    let mut on_disk = 0;
    let mut temps_seen = 0;
    let mut in_flight_landed = 0;
    for round in 0..KILLS {
        let mut child = spawn_child("child_save_loop", dir.path(), "");
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        let saved_number = |line: &str| {
            line.trim()
                .strip_prefix("saved ")
                .map(|n| n.parse::<u64>().unwrap())
        };
        let mut last_reported = loop {
            line.clear();
            if out.read_line(&mut line).unwrap() == 0 {
                panic!("child ended without saving (round {round})");
            }
            if let Some(n) = saved_number(&line) {
                break n;
            }
        };
        std::thread::sleep(Duration::from_micros(rng.next(3_000)));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        for line in out.lines() {
            if let Some(n) = saved_number(&line.unwrap()) {
                last_reported = n;
            }
        }

        // Only the notes file and maybe a temporary file a save left; the
        // notes file parses and holds the last save reported, or the one in
        // flight when the kill came.
        let files = annotation_files(dir.path());
        assert_eq!(
            files.len(),
            1,
            "round {round}: one article, one file: {files:?}"
        );
        let text = fs::read_to_string(&files[0]).unwrap();
        let content: gloss::annotations::AnnotationFile = toml::from_str(&text)
            .unwrap_or_else(|e| panic!("round {round}: file does not parse: {e}\n{text}"));
        let n = counter_of(&content);
        assert!(
            n == last_reported || n == last_reported + 1,
            "round {round}: disk holds save {n}, the child had reported {last_reported}"
        );
        in_flight_landed += usize::from(n == last_reported + 1);
        assert!(
            n > on_disk,
            "round {round}: every round saved at least once"
        );
        on_disk = n;
        let temps = fs::read_dir(dir.path().join("annotations"))
            .unwrap()
            .filter(|e| {
                let name = e.as_ref().unwrap().file_name();
                name.to_string_lossy().ends_with(".tmp")
            })
            .count();
        temps_seen += temps;
        if temps > 0 || round % 50 == 0 {
            // A temporary file is never taken for notes.
            let index = Store::new(dir.path()).index().unwrap();
            assert!(
                index.corrupt.is_empty(),
                "round {round}: {:?}",
                index.corrupt
            );
            assert_eq!(index.entries.len(), 1, "round {round}");
        }
    }
    eprintln!(
        "{KILLS} kills, {on_disk} saves, {in_flight_landed} kills after a save reached disk but \
         before it was reported, {temps_seen} leftover temporary files seen, {:?}",
        started.elapsed()
    );
}

#[test]
fn two_processes_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let mut children = [
        spawn_child("child_add_fifty", dir.path(), "a"),
        spawn_child("child_add_fifty", dir.path(), "b"),
    ];
    for child in &mut children {
        assert!(child.wait().unwrap().success());
    }
    eprintln!("two workers took {:?}", started.elapsed());
    let files = annotation_files(dir.path());
    assert_eq!(files.len(), 1, "both found the same file: {files:?}");
    let store = Store::new(dir.path());
    let found = store.find(Path::new(ARTICLE), "").unwrap().unwrap();
    let mut ids: Vec<String> = found
        .content
        .highlights
        .iter()
        .map(|h| h.id.to_string())
        .collect();
    ids.sort();
    let mut expected: Vec<String> = ["a", "b"]
        .iter()
        .flat_map(|w| (0..50).map(move |i| format!("{w}-{i:02}")))
        .collect();
    expected.sort();
    assert_eq!(ids, expected);
    // Document order on disk.
    let starts: Vec<CharOffset> = found
        .content
        .highlights
        .iter()
        .map(|h| h.anchor.start)
        .collect();
    assert!(starts.windows(2).all(|w| w[0] <= w[1]));
}

/// Child: [`child_save_loop`] through pending changes (as the session saves
/// a large notes file), folding them into the notes file after every other
/// save, so kills land in the pending write and in the fold alike.
#[test]
#[ignore = "child process of pending_changes_survive_sigkills"]
fn child_save_loop_pending() {
    let Some(dir) = std::env::var_os(DIR_VAR) else {
        return;
    };
    let store = Store::new(Path::new(&dir)).pending_changes_above(0);
    let found = store.find(Path::new(ARTICLE), "").unwrap();
    let mut n = found.as_ref().map_or(0, |f| counter_of(&f.content));
    let mut file: Option<PathBuf> = found.map(|f| f.file);
    loop {
        n += 1;
        let saved = store
            .apply(file.as_deref(), &record(), &[Op::Upsert(counter(n))])
            .unwrap();
        file = Some(saved.file);
        println!("saved {n}");
        if n.is_multiple_of(2)
            && let Some(fold) = store.fold_due()
        {
            fold.run().unwrap();
        }
    }
}

/// Child: [`child_add_fifty`] through pending changes, folding after every
/// fifth save.
#[test]
#[ignore = "child process of two_processes_with_pending_changes_lose_nothing"]
fn child_add_fifty_pending() {
    let (Some(dir), Some(worker)) = (std::env::var_os(DIR_VAR), std::env::var_os(WORKER_VAR))
    else {
        return;
    };
    let worker = worker.to_string_lossy().into_owned();
    let store = Store::new(Path::new(&dir)).pending_changes_above(0);
    let mut file = store
        .find(Path::new(ARTICLE), "")
        .unwrap()
        .map(|found| found.file);
    for i in 0..50 {
        let saved = store
            .apply(
                file.as_deref(),
                &record(),
                &[Op::Upsert(highlight(format!("{worker}-{i:02}"), i * 2))],
            )
            .unwrap();
        file = Some(saved.file);
        if i % 5 == 4
            && let Some(fold) = store.fold_due()
        {
            fold.run().unwrap();
        }
    }
}

/// A kill -9 at any moment of a save through pending changes, or of their
/// fold into the notes file, loses no reported save: every reader (another
/// store, as another gloss process is) finds the last one.
#[test]
fn pending_changes_survive_sigkills() {
    let dir = crash_dir();
    let seed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    eprintln!("seed {seed}");
    let mut rng = Rng(seed);
    let mut on_disk = 0;
    let mut pending_seen = 0;
    for round in 0..KILLS / 4 {
        let mut child = spawn_child("child_save_loop_pending", dir.path(), "");
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        let saved_number = |line: &str| {
            line.trim()
                .strip_prefix("saved ")
                .map(|n| n.parse::<u64>().unwrap())
        };
        let mut last_reported = loop {
            line.clear();
            if out.read_line(&mut line).unwrap() == 0 {
                panic!("child ended without saving (round {round})");
            }
            if let Some(n) = saved_number(&line) {
                break n;
            }
        };
        std::thread::sleep(Duration::from_micros(rng.next(3_000)));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        for line in out.lines() {
            if let Some(n) = saved_number(&line.unwrap()) {
                last_reported = n;
            }
        }
        let files = annotation_files(dir.path());
        assert_eq!(files.len(), 1, "round {round}: one notes file: {files:?}");
        // The notes file itself always parses, whatever the kill cut.
        let text = fs::read_to_string(&files[0]).unwrap();
        let _: gloss::annotations::AnnotationFile = toml::from_str(&text)
            .unwrap_or_else(|e| panic!("round {round}: file does not parse: {e}\n{text}"));
        pending_seen += usize::from(gloss::annotations::pending_of(&files[0]).exists());
        let found = Store::new(dir.path())
            .find(Path::new(ARTICLE), "")
            .unwrap()
            .unwrap();
        let n = counter_of(&found.content);
        assert!(
            n == last_reported || n == last_reported + 1,
            "round {round}: the store holds save {n}, the child had reported {last_reported}"
        );
        assert!(
            n > on_disk,
            "round {round}: every round saved at least once"
        );
        on_disk = n;
    }
    eprintln!("{on_disk} saves, pending changes left by {pending_seen} kills");
}

/// Two processes saving through pending changes (and folding them) at once
/// lose none of each other's highlights.
#[test]
fn two_processes_with_pending_changes_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut children = [
        spawn_child("child_add_fifty_pending", dir.path(), "a"),
        spawn_child("child_add_fifty_pending", dir.path(), "b"),
        spawn_child("child_add_fifty", dir.path(), "c"),
    ];
    for child in &mut children {
        assert!(child.wait().unwrap().success());
    }
    let files = annotation_files(dir.path());
    assert_eq!(files.len(), 1, "all found the same file: {files:?}");
    let found = Store::new(dir.path())
        .find(Path::new(ARTICLE), "")
        .unwrap()
        .unwrap();
    let mut ids: Vec<String> = found
        .content
        .highlights
        .iter()
        .map(|h| h.id.to_string())
        .collect();
    ids.sort();
    let mut expected: Vec<String> = ["a", "b", "c"]
        .iter()
        .flat_map(|w| (0..50).map(move |i| format!("{w}-{i:02}")))
        .collect();
    expected.sort();
    assert_eq!(ids, expected);
}
