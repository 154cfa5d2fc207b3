#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly
//! Two data folders as two machines that share notes through a file-sync
//! tool (Syncthing, Dropbox, Nextcloud) or git: changes made on each (add,
//! edit, delete, colour, reading position), the copies swapped with the
//! conflict files those tools leave, then merged. Every change that happened
//! last is there, nothing deleted comes back, and both machines end with the
//! same notes whichever merged first.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{DateTime, TimeDelta, Utc};
use gloss::annotations::testing::highlight;
use gloss::annotations::{
    AnnotationFile, ArticleRecord, Highlight, Op, ReadingPosition, Store, is_conflict_copy,
};
use gloss::document::CharOffset;

const TEXT: &str = "Alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu.";

fn record(path: &str) -> ArticleRecord {
    ArticleRecord {
        title: "Greek letters".into(),
        path: path.into(),
        fingerprint: "sha256:greek".into(),
        ..ArticleRecord::default()
    }
}

const PATH_A: &str = "/nonexistent/machine-a/greek.md";
const PATH_B: &str = "/nonexistent/machine-b/Documents/greek.md";

fn hl(id: &str, word: &str, at: DateTime<Utc>) -> Highlight {
    highlight(id).first_of(TEXT, word).made_at(at).build()
}

fn position(offset: usize, at: DateTime<Utc>) -> ReadingPosition {
    ReadingPosition {
        offset: CharOffset::new(offset),
        quote: String::new(),
        progress: 0.5,
        updated: at,
    }
}

/// The one notes file of a data folder.
fn notes_file(data: &Path) -> PathBuf {
    let mut files: Vec<PathBuf> = fs::read_dir(data.join("annotations"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .filter(|p| !is_conflict_copy(&p.file_name().unwrap().to_string_lossy()))
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    files.remove(0)
}

fn content(data: &Path) -> AnnotationFile {
    Store::new(data).read(&notes_file(data)).unwrap()
}

fn note_of<'a>(c: &'a AnnotationFile, id: &str) -> Option<&'a Highlight> {
    c.highlights.iter().find(|h| h.id == id)
}

/// Machine A makes the notes; they reach machine B; then each changes them
/// on its own (B's clock five minutes behind). Returns the two data folders.
fn two_machines_with_changes(root: &Path) -> (PathBuf, PathBuf) {
    let a = root.join("a");
    let b = root.join("b");
    let start = Utc::now() - TimeDelta::hours(1);
    let store_a = Store::new(&a);
    let ops: Vec<Op> = [
        ("h1", "beta"),
        ("h2", "gamma"),
        ("h3", "delta"),
        ("h4", "epsilon"),
    ]
    .iter()
    .map(|(id, word)| Op::Upsert(hl(id, word, start)))
    .collect();
    let saved = store_a.apply(None, &record(PATH_A), &ops).unwrap();
    // The sync tool copies the file to B.
    fs::create_dir_all(b.join("annotations")).unwrap();
    let name = saved.file.file_name().unwrap();
    fs::copy(&saved.file, b.join("annotations").join(name)).unwrap();

    // On A: edit h1's note, delete h2, colour h3, add h6, read to offset 10.
    let found = store_a.find(Path::new(PATH_A), "").unwrap().unwrap();
    let mut h1 = note_of(&found.content, "h1").unwrap().clone();
    h1.note = "edited on A".into();
    h1.updated = start + TimeDelta::minutes(10);
    let mut h3 = note_of(&found.content, "h3").unwrap().clone();
    h3.color = "blue".into();
    h3.updated = start + TimeDelta::minutes(20);
    store_a
        .apply(
            Some(&found.file),
            &record(PATH_A),
            &[
                Op::Upsert(h1),
                Op::Delete("h2".into()),
                Op::Upsert(h3),
                Op::Upsert(hl("h6", "kappa", start + TimeDelta::minutes(30))),
                Op::SetPosition(position(10, start + TimeDelta::minutes(5))),
            ],
        )
        .unwrap();

    // On B, where the article has another path and the clock is behind:
    // found by its fingerprint; edit h4, add h5, delete h1 (after A's edit
    // of it), read on to offset 40.
    let store_b = Store::new(&b);
    let found = store_b
        .find(Path::new(PATH_B), "sha256:greek")
        .unwrap()
        .unwrap();
    let skew = TimeDelta::minutes(5);
    let mut h4 = note_of(&found.content, "h4").unwrap().clone();
    h4.note = "edited on B".into();
    h4.updated = Utc::now() - skew;
    store_b
        .apply(
            Some(&found.file),
            &record(PATH_B),
            &[
                Op::Upsert(h4),
                Op::Upsert(hl("h5", "theta", Utc::now() - skew)),
                Op::Delete("h1".into()),
                Op::SetPosition(position(40, Utc::now() - skew)),
            ],
        )
        .unwrap();
    (a, b)
}

/// What both machines must hold after merging.
fn assert_every_last_change(c: &AnnotationFile) {
    let ids: Vec<&str> = c.highlights.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids, ["h3", "h4", "h5", "h6"], "h1 and h2 stay deleted");
    assert_eq!(note_of(c, "h3").unwrap().color, "blue");
    assert_eq!(note_of(c, "h4").unwrap().note, "edited on B");
    assert_eq!(c.position.as_ref().unwrap().offset.get(), 40);
}

#[test]
fn syncthing_and_dropbox_conflict_copies_merge_to_the_same_notes_on_both_machines() {
    let root = tempfile::tempdir().unwrap();
    let (a, b) = two_machines_with_changes(root.path());
    let file_a = notes_file(&a);
    let file_b = notes_file(&b);
    let name = file_a.file_name().unwrap().to_str().unwrap();
    let stem = name.strip_suffix(".toml").unwrap();
    // Syncthing on A keeps A's file and puts B's beside it; Dropbox on B
    // keeps B's and puts A's beside it.
    let syncthing = a
        .join("annotations")
        .join(format!("{stem}.sync-conflict-20240501-101500-BBBBBBB.toml"));
    let dropbox = b
        .join("annotations")
        .join(format!("{stem} (Ann's conflicted copy 2024-05-01).toml"));
    fs::copy(&file_b, &syncthing).unwrap();
    fs::copy(&file_a, &dropbox).unwrap();

    // The conflict copy is not taken for a second notes file meanwhile.
    assert_eq!(Store::new(&a).index().unwrap().entries.len(), 1);

    let report = Store::new(&a).merge_conflict_copies().unwrap();
    assert_eq!(report.removed, std::slice::from_ref(&syncthing));
    let report = Store::new(&b).merge_conflict_copies().unwrap();
    assert_eq!(report.removed, std::slice::from_ref(&dropbox));
    assert!(!syncthing.exists() && !dropbox.exists());

    let (merged_a, merged_b) = (content(&a), content(&b));
    assert_every_last_change(&merged_a);
    assert_eq!(merged_a, merged_b, "the same whichever side merged");
    assert_eq!(
        fs::read_to_string(&file_a).unwrap(),
        fs::read_to_string(&file_b).unwrap()
    );

    // B's copy arriving once more (a second sync) changes nothing.
    let before = fs::read_to_string(&file_a).unwrap();
    let again = a
        .join("annotations")
        .join(format!("{stem} (conflicted copy 2024-05-01 120000).toml"));
    fs::copy(&file_b, &again).unwrap();
    Store::new(&a).merge_conflict_copies().unwrap();
    assert_eq!(fs::read_to_string(&file_a).unwrap(), before);
}

#[test]
fn an_older_copy_never_brings_a_deleted_highlight_back() {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    let store = Store::new(&data);
    let t = Utc::now() - TimeDelta::hours(2);
    let saved = store
        .apply(None, &record(PATH_A), &[Op::Upsert(hl("h1", "beta", t))])
        .unwrap();
    let before = fs::read_to_string(&saved.file).unwrap();
    store
        .apply(
            Some(&saved.file),
            &record(PATH_A),
            &[Op::Delete("h1".into())],
        )
        .unwrap();
    // The copy from before the deletion comes back as a Nextcloud conflict
    // and as git's .orig.
    let stem = saved
        .file
        .file_stem()
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    let dir = data.join("annotations");
    fs::write(
        dir.join(format!("{stem} (conflicted copy 2024-05-01 101500).toml")),
        &before,
    )
    .unwrap();
    fs::write(dir.join(format!("{stem}.toml.orig")), &before).unwrap();
    let report = Store::new(&data).merge_conflict_copies().unwrap();
    assert_eq!(report.removed.len(), 2);
    assert!(content(&data).highlights.is_empty());
    let raw = fs::read_to_string(&saved.file).unwrap();
    assert!(
        raw.contains("[[deleted]]") && raw.contains("id = \"h1\""),
        "{raw}"
    );

    // Undo (the same highlight saved again) brings it back, and that wins
    // over the tombstone in later merges.
    let store = Store::new(&data);
    let found = store.find(Path::new(PATH_A), "").unwrap().unwrap();
    store
        .apply(
            Some(&found.file),
            &record(PATH_A),
            &[Op::Upsert(hl("h1", "beta", t))],
        )
        .unwrap();
    fs::write(dir.join(format!("{stem}.toml.orig")), &raw).unwrap();
    Store::new(&data).merge_conflict_copies().unwrap();
    assert_eq!(content(&data).highlights.len(), 1);
}

#[test]
fn a_conflict_copy_that_does_not_parse_is_kept_and_reported() {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    let saved = Store::new(&data)
        .apply(
            None,
            &record(PATH_A),
            &[Op::Upsert(hl("h1", "beta", Utc::now()))],
        )
        .unwrap();
    let stem = saved
        .file
        .file_stem()
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    let broken = data
        .join("annotations")
        .join(format!("{stem}.sync-conflict-20240501-101500-CCCCCCC.toml"));
    fs::write(&broken, "version = [\nPRECIOUS").unwrap();
    let report = Store::new(&data).merge_conflict_copies().unwrap();
    assert!(report.removed.is_empty());
    assert_eq!(report.left.len(), 1);
    assert!(broken.exists());
    assert_eq!(
        fs::read_to_string(&broken).unwrap(),
        "version = [\nPRECIOUS"
    );
    assert_eq!(content(&data).highlights.len(), 1);
}

#[test]
fn tombstones_are_dropped_after_the_configured_age() {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    let store = Store::new(&data);
    let saved = store
        .apply(
            None,
            &record(PATH_A),
            &[Op::Upsert(hl("h1", "beta", Utc::now()))],
        )
        .unwrap();
    let old = format!(
        "{}\n[[deleted]]\nid = \"ancient\"\ndeleted = \"{}\"\n\n[[deleted]]\nid = \"recent\"\ndeleted = \"{}\"\n",
        fs::read_to_string(&saved.file).unwrap(),
        (Utc::now() - TimeDelta::days(40)).to_rfc3339(),
        (Utc::now() - TimeDelta::days(10)).to_rfc3339(),
    );
    fs::write(&saved.file, old).unwrap();
    let store = Store::new(&data).keep_tombstones(30);
    let found = store.find(Path::new(PATH_A), "").unwrap().unwrap();
    store
        .apply(
            Some(&found.file),
            &record(PATH_A),
            &[Op::Delete("h1".into())],
        )
        .unwrap();
    let raw = fs::read_to_string(&saved.file).unwrap();
    assert!(!raw.contains("ancient"), "{raw}");
    assert!(
        raw.contains("recent") && raw.contains("id = \"h1\""),
        "{raw}"
    );
}

#[test]
fn a_version_1_file_still_loads_and_is_saved_as_version_2() {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    let dir = data.join("annotations");
    fs::create_dir_all(&dir).unwrap();
    let v1 = format!(
        "version = 1\n\n[article]\ntitle = \"Greek letters\"\npath = \"{PATH_A}\"\n\
         fingerprint = \"sha256:greek\"\n\n[position]\noffset = 6\nquote = \"beta\"\n\
         progress = 0.1\nupdated = \"2024-05-01T10:00:00Z\"\n\n[[highlight]]\nid = \"old\"\n\
         created = \"2024-05-01T10:00:00Z\"\nupdated = \"2024-05-01T10:00:00Z\"\n\
         color = \"pink\"\ntags = [\"x\"]\nnote = \"kept\"\n\n[highlight.anchor]\n\
         quote = \"beta\"\nprefix = \"Alpha \"\nsuffix = \" gamma\"\nstart = 6\nend = 10\n"
    );
    fs::write(dir.join("greek-0000000000.toml"), v1).unwrap();
    let store = Store::new(&data);
    let found = store.find(Path::new(PATH_A), "").unwrap().unwrap();
    assert_eq!(found.content.version, 1);
    assert_eq!(found.content.highlights[0].note, "kept");
    assert_eq!(found.content.position.as_ref().unwrap().offset.get(), 6);
    store
        .apply(
            Some(&found.file),
            &record(PATH_A),
            &[Op::Delete("old".into())],
        )
        .unwrap();
    let raw = fs::read_to_string(&found.file).unwrap();
    assert!(raw.starts_with("version = 2\n"), "{raw}");
}

fn gloss() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gloss"));
    let home = std::env::temp_dir().join("gloss-sync-test-home");
    cmd.env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("XDG_DATA_HOME", home.join("data"));
    cmd
}

#[test]
fn gloss_sync_merge_merges_the_copies_and_says_so() {
    let root = tempfile::tempdir().unwrap();
    let (a, b) = two_machines_with_changes(root.path());
    let file_a = notes_file(&a);
    let stem = file_a.file_stem().unwrap().to_str().unwrap().to_string();
    let copy = a
        .join("annotations")
        .join(format!("{stem}.sync-conflict-20240501-101500-BBBBBBB.toml"));
    fs::copy(notes_file(&b), &copy).unwrap();
    let out = gloss()
        .arg("--data-dir")
        .arg(&a)
        .arg("sync-merge")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("merged and removed") && stdout.contains("sync-conflict"),
        "{stdout}"
    );
    assert!(!copy.exists());
    assert_every_last_change(&content(&a));
    let again = gloss()
        .arg("--data-dir")
        .arg(&a)
        .arg("sync-merge")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&again.stdout).contains("no conflict copies"));
}

fn git(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .unwrap()
}

fn git_ok(dir: &Path, args: &[&str]) {
    let out = git(dir, args);
    assert!(
        out.status.success(),
        "git {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `git pull` (here `git merge`) of two machines' notes with the driver
/// configured as the README says: no conflict markers, every last change.
#[test]
fn git_merge_with_the_driver_merges_notes_by_id() {
    if Command::new("git").arg("--version").output().is_err() {
        eprintln!("git is not installed: skipped");
        return;
    }
    let root = tempfile::tempdir().unwrap();
    let (a, b) = two_machines_with_changes(root.path());
    // Replay as git history: the first version on main, A's changes on
    // main, B's on a branch, both from that first version.
    let repo = root.path().join("repo");
    fs::create_dir_all(repo.join("annotations")).unwrap();
    git_ok(&repo, &["init", "-q", "-b", "main"]);
    git_ok(&repo, &["config", "user.email", "t@example.org"]);
    git_ok(&repo, &["config", "user.name", "T"]);
    let driver = format!("{} merge-notes %O %A %B", env!("CARGO_BIN_EXE_gloss"));
    git_ok(&repo, &["config", "merge.gloss-notes.name", "gloss notes"]);
    git_ok(&repo, &["config", "merge.gloss-notes.driver", &driver]);
    fs::write(
        repo.join(".gitattributes"),
        "annotations/*.toml merge=gloss-notes\n",
    )
    .unwrap();
    let name = notes_file(&a).file_name().unwrap().to_owned();
    let target = repo.join("annotations").join(&name);
    // The common ancestor: h1..h4 as first made (B's file without B's
    // changes is not kept, so take A's first version by replaying it).
    let base_data = root.path().join("base");
    let t = Utc::now() - TimeDelta::hours(1);
    let ops: Vec<Op> = [
        ("h1", "beta"),
        ("h2", "gamma"),
        ("h3", "delta"),
        ("h4", "epsilon"),
    ]
    .iter()
    .map(|(id, word)| Op::Upsert(hl(id, word, t)))
    .collect();
    let base = Store::new(&base_data)
        .apply(None, &record(PATH_A), &ops)
        .unwrap();
    fs::copy(&base.file, &target).unwrap();
    git_ok(&repo, &["add", "-A"]);
    git_ok(&repo, &["commit", "-q", "-m", "first"]);
    git_ok(&repo, &["checkout", "-q", "-b", "machine-b"]);
    fs::copy(notes_file(&b), &target).unwrap();
    git_ok(&repo, &["commit", "-q", "-am", "on b"]);
    git_ok(&repo, &["checkout", "-q", "main"]);
    fs::copy(notes_file(&a), &target).unwrap();
    git_ok(&repo, &["commit", "-q", "-am", "on a"]);
    let merge = git(&repo, &["merge", "-q", "--no-edit", "machine-b"]);
    assert!(
        merge.status.success(),
        "{}{}",
        String::from_utf8_lossy(&merge.stdout),
        String::from_utf8_lossy(&merge.stderr)
    );
    let merged = fs::read_to_string(&target).unwrap();
    assert!(
        !merged.contains("<<<<<<<") && !merged.contains(">>>>>>>"),
        "{merged}"
    );
    let data = root.path().join("after-git");
    fs::create_dir_all(data.join("annotations")).unwrap();
    fs::copy(&target, data.join("annotations").join(&name)).unwrap();
    assert_every_last_change(&content(&data));
}

/// gloss merges conflict copies when it starts, before it reads any notes:
/// the article opens with the highlights of both machines.
#[test]
fn a_start_merges_conflict_copies_and_the_article_shows_both_machines_notes() {
    use gloss::app::App;
    use gloss::config::Config;
    use gloss::keymap::Keymap;
    use gloss::session::{Session, Setup};

    let root = tempfile::tempdir().unwrap();
    let lib = root.path().join("library");
    fs::create_dir_all(&lib).unwrap();
    let article = lib.join("greek.md");
    fs::write(&article, TEXT).unwrap();
    let article = fs::canonicalize(&article).unwrap();
    let path = gloss::annotations::path_to_text(&article);
    let data = root.path().join("data");
    let t = Utc::now() - TimeDelta::hours(1);
    let store = Store::new(&data);
    let saved = store
        .apply(None, &record(&path), &[Op::Upsert(hl("mine", "beta", t))])
        .unwrap();
    let theirs = root.path().join("theirs");
    let other = Store::new(&theirs)
        .apply(
            None,
            &record(PATH_B),
            &[Op::Upsert(hl("theirs", "kappa", t + TimeDelta::minutes(1)))],
        )
        .unwrap();
    let stem = saved
        .file
        .file_stem()
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    let copy = data
        .join("annotations")
        .join(format!("{stem}.sync-conflict-20240501-101500-BBBBBBB.toml"));
    fs::copy(&other.file, &copy).unwrap();

    let app = App::new(
        Config::default(),
        Keymap::default(),
        gloss::library::scan(&[lib]),
    );
    let mut session = Session::start(app, Setup::new(&data, u64::MAX));
    let message = session
        .app
        .message
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default();
    assert!(message.contains("merged 1 conflict copy"), "{message}");
    assert!(!copy.exists());
    // The newer copy came from a machine where the article has another
    // path; this machine's path is kept, so the notes are found by it.
    assert_eq!(content(&data).article.path, path);
    session.open(0);
    let notes = &session.app.reader.as_ref().unwrap().notes;
    let mut ids: Vec<&str> = notes.highlights.iter().map(|h| h.id.as_str()).collect();
    ids.sort_unstable();
    assert_eq!(ids, ["mine", "theirs"]);
    assert_eq!(notes.placed.len(), 2, "both are drawn on their words");
}

#[test]
fn an_import_keeps_tombstones_as_long_as_the_config_says() {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    let store = Store::new(&data);
    let saved = store
        .apply(
            None,
            &record(PATH_A),
            &[Op::Upsert(hl("h1", "beta", Utc::now()))],
        )
        .unwrap();
    // Deleted 300 days ago: past the default age (180), within the user's.
    let with_tombstone = format!(
        "{}\n[[deleted]]\nid = \"deleted-long-ago\"\ndeleted = \"{}\"\n",
        fs::read_to_string(&saved.file).unwrap(),
        (Utc::now() - TimeDelta::days(300)).to_rfc3339(),
    );
    fs::write(&saved.file, with_tombstone).unwrap();
    let config = root.path().join("config.toml");
    fs::write(&config, "[sync]\ntombstone_days = 1000\n").unwrap();
    let backup = root.path().join("backup.json");
    fs::write(
        &backup,
        format!(
            r#"{{"gloss_export": 2, "articles": [{{"title": "Greek letters", "path": "{PATH_A}",
            "fingerprint": "sha256:greek", "highlights": [{{"id": "h2", "created": "2026-01-01T00:00:00Z",
            "updated": "2026-01-01T00:00:00Z", "color": "yellow", "quote": "gamma", "prefix": "beta ",
            "suffix": " delta", "start": 11, "end": 16}}]}}]}}"#
        ),
    )
    .unwrap();
    let out = gloss()
        .arg("--config")
        .arg(&config)
        .arg("--data-dir")
        .arg(&data)
        .arg("import")
        .arg(&backup)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let raw = fs::read_to_string(&saved.file).unwrap();
    assert!(raw.contains("id = \"h2\""), "the import was saved: {raw}");
    assert!(
        raw.contains("deleted-long-ago"),
        "a tombstone younger than tombstone_days is kept: {raw}"
    );
}
