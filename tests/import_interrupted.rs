#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly
//! An import killed with SIGKILL part way leaves the notes as they were
//! before it (killed while preparing) or is finished by the next run
//! (killed while putting files in place), which says so; nothing is ever
//! duplicated. Where the import stops is set by `GLOSS_IMPORT_PAUSE`, which
//! only debug builds read, so the tests do not depend on timing.

mod cli_common;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use cli_common::{World, stderr, stored};

/// A gloss JSON backup of `articles` articles with two highlights each.
fn backup(articles: usize) -> String {
    let mut out = String::from("{\"gloss_export\":1,\"articles\":[");
    for a in 0..articles {
        if a > 0 {
            out.push(',');
        }
        write!(
            out,
            "{{\"title\":\"Article {a}\",\"path\":\"/elsewhere/article-{a}.md\",\"fingerprint\":\"sha256:{a:064x}\",\"highlights\":["
        )
        .unwrap();
        for h in 0..2 {
            if h > 0 {
                out.push(',');
            }
            write!(
                out,
                "{{\"id\":\"01HZX3A6Q4W5V8F0J3M{a:05}{h:02}\",\"created\":\"2024-01-01T00:00:00Z\",\"updated\":\"2024-01-01T00:00:00Z\",\"color\":\"yellow\",\"note\":\"note {h}\",\"quote\":\"quoted words {h}\",\"start\":{},\"end\":{}}}",
                h * 100,
                h * 100 + 14
            )
            .unwrap();
        }
        out.push_str("]}");
    }
    out.push_str("]}");
    out
}

/// The notes files of `data` (not the journal, lock or temporary files),
/// with their bytes.
fn notes_files(data: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let dir = data.join("annotations");
    let mut out = BTreeMap::new();
    for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.starts_with('.') {
            out.insert(entry.path(), fs::read(entry.path()).unwrap());
        }
    }
    out
}

/// Hidden files an import left in the annotations folder (the lock aside).
fn leftovers(data: &Path) -> Vec<String> {
    fs::read_dir(data.join("annotations"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.') && n != ".lock")
        .collect()
}

/// Runs `gloss import FILE` told to stop at `pause`, waits until it says it
/// stopped there, and kills it with SIGKILL.
fn import_killed_at(w: &World, file: &Path, pause: &str) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gloss"))
        .arg("--data-dir")
        .arg(&w.data)
        .arg("import")
        .arg(file)
        .current_dir(w.tmp.path())
        .env("HOME", w.tmp.path())
        .env("XDG_CONFIG_HOME", w.tmp.path().join("config"))
        .env("XDG_DATA_HOME", w.tmp.path().join("xdg-data"))
        .env_remove("GLOSS_DATA_DIR")
        .env("GLOSS_IMPORT_PAUSE", pause)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let err = child.stderr.take().unwrap();
    let mut said = Vec::new();
    for line in BufReader::new(err).lines() {
        let line = line.unwrap();
        let paused = line.contains("import paused");
        said.push(line);
        if paused {
            break;
        }
    }
    assert!(
        said.last().is_some_and(|l| l.contains("import paused")),
        "the import ended without reaching {pause}: {said:?}"
    );
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
}

fn summary(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .last()
        .unwrap_or("")
        .to_string()
}

/// Every highlight id of the store, with how many times it is there.
fn ids(data: &Path) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for file in stored(data) {
        for h in file.highlights {
            *out.entry(h.id.as_str().to_string()).or_default() += 1;
        }
    }
    out
}

#[test]
fn an_import_killed_while_preparing_leaves_the_notes_as_they_were() {
    let w = World::new();
    // Notes from before the import.
    let earlier = w.tmp.path().join("earlier.json");
    fs::write(&earlier, backup(1).replace("Article 0", "Earlier")).unwrap();
    let out = w.gloss(&["import", &earlier.display().to_string()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let before = notes_files(&w.data);
    assert_eq!(before.len(), 1);

    let big = w.tmp.path().join("big.json");
    fs::write(&big, backup(300)).unwrap();
    import_killed_at(&w, &big, "staged:150");
    assert_eq!(
        notes_files(&w.data),
        before,
        "nothing of the killed import is visible"
    );

    let out = w.gloss(&["import", &big.display().to_string()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("was stopped before it changed anything"),
        "{}",
        stderr(&out)
    );
    // Article 0 is the one imported before: merged, not added again.
    assert_eq!(
        summary(&out),
        "imported 300 articles: 598 added, 0 updated, 2 left unchanged, 0 skipped"
    );
    let ids = ids(&w.data);
    assert_eq!(ids.len(), 600);
    assert!(ids.values().all(|&n| n == 1), "nothing is duplicated");
    assert_eq!(stored(&w.data).len(), 300);
    assert_eq!(leftovers(&w.data), Vec::<String>::new());
}

#[test]
fn an_import_killed_while_writing_is_finished_by_the_next_run() {
    let w = World::new();
    let big = w.tmp.path().join("big.json");
    fs::write(&big, backup(300)).unwrap();
    import_killed_at(&w, &big, "written:100");
    // Part written, and the journal says so.
    assert_eq!(notes_files(&w.data).len(), 100);
    assert!(leftovers(&w.data).contains(&".import-journal".to_string()));

    let out = w.gloss(&["import", &big.display().to_string()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out)
            .contains("was interrupted while writing; it is finished now (200 more files written)"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        summary(&out),
        "imported 300 articles: 0 added, 0 updated, 600 left unchanged, 0 skipped"
    );
    let ids = ids(&w.data);
    assert_eq!(ids.len(), 600);
    assert!(ids.values().all(|&n| n == 1), "nothing is duplicated");
    assert_eq!(leftovers(&w.data), Vec::<String>::new());

    // A third run has nothing to finish and changes nothing.
    let files = notes_files(&w.data);
    let out = w.gloss(&["import", &big.display().to_string()]);
    assert!(!stderr(&out).contains("interrupted"), "{}", stderr(&out));
    assert_eq!(notes_files(&w.data), files);
}

#[test]
fn a_file_changed_after_the_kill_is_left_alone_and_named() {
    let w = World::new();
    let big = w.tmp.path().join("big.json");
    fs::write(&big, backup(20)).unwrap();
    import_killed_at(&w, &big, "written:5");
    // Someone else writes a notes file the import had not put in place yet
    // (the journal lists it): it is theirs now.
    let journal: serde_json::Value =
        serde_json::from_slice(&fs::read(w.data.join("annotations/.import-journal")).unwrap())
            .unwrap();
    let pending = journal["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| PathBuf::from(e["file"].as_str().unwrap()))
        .find(|f| !f.exists())
        .unwrap();
    let theirs = "version = 2\n[article]\ntitle = \"Theirs\"\npath = \"/theirs.md\"\n";
    fs::write(&pending, theirs).unwrap();

    let out = w.gloss(&["import", &big.display().to_string()]);
    let err = stderr(&out);
    assert!(
        err.contains("could not be finished") && err.contains("import that file again"),
        "{err}"
    );
    assert_eq!(fs::read_to_string(&pending).unwrap(), theirs);
    // That same run imported the file again: everything is there once.
    let ids = ids(&w.data);
    assert_eq!(ids.len(), 40);
    assert!(ids.values().all(|&n| n == 1));
}
