//! Saving is crash-safe and safe between processes. The children are this
//! test binary run again on an ignored test, told by an environment variable
//! where the data directory is; without it they do nothing.

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use chrono::Utc;
use gloss::annotations::{Anchor, ArticleRecord, Highlight, Op, Store};

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
    }
}

fn highlight(id: String, start: usize) -> Highlight {
    Highlight {
        id,
        created: Utc::now(),
        updated: Utc::now(),
        color: "green".into(),
        tags: vec!["crash".into()],
        note: "A note that makes the file\nlonger, so writes take a while.\n".repeat(4),
        orphaned: false,
        anchor: Anchor {
            quote: "some words".into(),
            prefix: "before ".into(),
            suffix: " after".into(),
            start,
            end: start + 10,
        },
    }
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

/// Child: adds highlight number N (N = how many there are) again and again,
/// printing "ready" after its first save.
#[test]
#[ignore = "child process of saves_survive_sigkill"]
fn child_save_loop() {
    let Some(dir) = std::env::var_os(DIR_VAR) else {
        return;
    };
    let store = Store::new(Path::new(&dir));
    let mut file: Option<PathBuf> = store
        .find(Path::new(ARTICLE), "")
        .unwrap()
        .map(|found| found.file);
    let mut announced = false;
    loop {
        let count = match &file {
            Some(f) => store
                .find(Path::new(ARTICLE), "")
                .unwrap()
                .filter(|found| &found.file == f)
                .map_or(0, |found| found.content.highlights.len()),
            None => 0,
        };
        let saved = store
            .apply(
                file.as_deref(),
                &record(),
                &[Op::Upsert(highlight(format!("{count:06}"), count))],
            )
            .unwrap();
        file = Some(saved.file);
        if !announced {
            println!("ready");
            announced = true;
        }
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

#[test]
fn saves_survive_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let seed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    eprintln!("seed {seed}");
    let mut rng = Rng(seed);
    let mut last = 0;
    let mut temps_seen = 0;
    for round in 0..30 {
        let mut child = spawn_child("child_save_loop", dir.path(), "");
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        while !line.contains("ready") {
            line.clear();
            if out.read_line(&mut line).unwrap() == 0 {
                panic!("child ended without saving (round {round})");
            }
        }
        std::thread::sleep(Duration::from_micros(rng.next(40_000)));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();

        let files = annotation_files(dir.path());
        assert_eq!(files.len(), 1, "one article, one file: {files:?}");
        let text = fs::read_to_string(&files[0]).unwrap();
        let content: gloss::annotations::AnnotationFile = toml::from_str(&text)
            .unwrap_or_else(|e| panic!("round {round}: file does not parse: {e}\n{text}"));
        let ids: Vec<String> = content.highlights.iter().map(|h| h.id.clone()).collect();
        let expected: Vec<String> = (0..ids.len()).map(|n| format!("{n:06}")).collect();
        assert_eq!(ids, expected, "round {round}: saves are all-or-nothing");
        assert!(
            ids.len() > last,
            "round {round}: every round saved at least once"
        );
        last = ids.len();

        let store = Store::new(dir.path());
        let index = store.index().unwrap();
        assert!(index.corrupt.is_empty(), "{:?}", index.corrupt);
        assert_eq!(index.entries.len(), 1);
        assert_eq!(index.entries[0].highlight_count, last);
        temps_seen += fs::read_dir(dir.path().join("annotations"))
            .unwrap()
            .filter(|e| {
                let name = e.as_ref().unwrap().file_name();
                name.to_string_lossy().ends_with(".tmp")
            })
            .count();
    }
    eprintln!("{last} saves, {temps_seen} leftover temp files seen");
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
        .map(|h| h.id.clone())
        .collect();
    ids.sort();
    let mut expected: Vec<String> = ["a", "b"]
        .iter()
        .flat_map(|w| (0..50).map(move |i| format!("{w}-{i:02}")))
        .collect();
    expected.sort();
    assert_eq!(ids, expected);
    // Document order on disk.
    let starts: Vec<usize> = found
        .content
        .highlights
        .iter()
        .map(|h| h.anchor.start)
        .collect();
    assert!(starts.windows(2).all(|w| w[0] <= w[1]));
}
