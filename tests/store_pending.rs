#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly
//! A large notes file takes a change as pending changes beside it (issue
//! 12: rewriting 6 MB for each change took most of a second), folded into
//! it later. Every reader sees the pending changes; a change made by another
//! process is merged, never overwritten; a fold changes nothing a reader sees.

use std::fs;
use std::path::{Path, PathBuf};

use chrono::{TimeDelta, Utc};
use gloss::annotations::testing::{self, CharOffset};
use gloss::annotations::{ArticleRecord, Highlight, Op, Store, pending_of};

const ARTICLE: &str = "/articles/long.md";

fn record() -> ArticleRecord {
    ArticleRecord {
        title: "A long article".into(),
        path: ARTICLE.into(),
        fingerprint: "sha256:long".into(),
        ..ArticleRecord::default()
    }
}

fn highlight(id: &str, start: usize, note: &str) -> Highlight {
    testing::highlight(id)
        .made_at(Utc::now() - TimeDelta::hours(1))
        .note(note)
        .quote_at("some words", CharOffset::new(start))
        .build()
}

/// A store that writes every change to pending changes (no size floor),
/// with a notes file of three highlights already written.
fn store_with_file(data: &Path) -> (Store, PathBuf) {
    let store = Store::new(data).pending_changes_above(0);
    let ops: Vec<Op> = ["a", "b", "c"]
        .iter()
        .enumerate()
        .map(|(i, id)| Op::Upsert(highlight(id, i * 20, &format!("note {id}"))))
        .collect();
    let saved = store.apply(None, &record(), &ops).unwrap();
    (store, saved.file)
}

fn note_of(content: &gloss::annotations::AnnotationFile, id: &str) -> Option<String> {
    content
        .highlights
        .iter()
        .find(|h| h.id == id)
        .map(|h| h.note.clone())
}

#[test]
fn a_change_goes_to_pending_changes_that_every_reader_sees() {
    let dir = tempfile::tempdir().unwrap();
    let (store, file) = store_with_file(dir.path());
    let before = fs::read(&file).unwrap();

    let mut b = highlight("b", 20, "edited");
    b.updated = Utc::now();
    let saved = store
        .apply(
            Some(&file),
            &record(),
            &[Op::Upsert(b), Op::Delete("c".into())],
        )
        .unwrap();
    assert_eq!(note_of(&saved.content, "b").as_deref(), Some("edited"));
    assert_eq!(
        fs::read(&file).unwrap(),
        before,
        "the notes file is not rewritten"
    );
    let pending = pending_of(&file);
    let text = fs::read_to_string(&pending).unwrap();
    assert!(text.contains("edited"), "{text}");
    assert!(
        !text.contains("note a"),
        "only the changed highlights: {text}"
    );

    // Another process (another store) finds, lists and reads the change.
    let other = Store::new(dir.path());
    let found = other.find(Path::new(ARTICLE), "").unwrap().unwrap();
    assert_eq!(note_of(&found.content, "b").as_deref(), Some("edited"));
    assert_eq!(note_of(&found.content, "c"), None, "the deletion holds");
    assert_eq!(other.index().unwrap().entries[0].highlight_count, 2);
    assert_eq!(other.read(&file).unwrap(), found.content);
    assert_eq!(
        other.index().unwrap().entries.len(),
        1,
        "pending changes are not a notes file"
    );

    // Folded: the notes file holds it all, the pending changes are gone, and
    // nothing a reader sees changed.
    assert!(store.fold_due().unwrap().run().unwrap());
    assert!(!pending.exists());
    assert!(store.fold_due().is_none(), "nothing more to fold");
    let text = fs::read_to_string(&file).unwrap();
    assert!(
        text.contains("edited") && !text.contains("note c"),
        "{text}"
    );
    let again = Store::new(dir.path())
        .find(Path::new(ARTICLE), "")
        .unwrap()
        .unwrap();
    assert_eq!(again.content, found.content);
}

#[test]
fn a_change_made_by_another_process_meanwhile_is_merged_not_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let (store, file) = store_with_file(dir.path());
    store
        .apply(
            Some(&file),
            &record(),
            &[Op::Upsert(highlight("d", 80, "mine, pending"))],
        )
        .unwrap();

    // Another gloss adds a highlight: it reads the pending change too and
    // rewrites the notes file.
    let other = Store::new(dir.path());
    let theirs = other.find(Path::new(ARTICLE), "").unwrap().unwrap();
    other
        .apply(
            Some(&theirs.file),
            &record(),
            &[Op::Upsert(highlight("e", 100, "theirs"))],
        )
        .unwrap();

    // This process's next change sees the file changed behind its back and
    // merges into it.
    let saved = store
        .apply(
            Some(&file),
            &record(),
            &[Op::Upsert(highlight("f", 120, "mine again"))],
        )
        .unwrap();
    for (id, note) in [("d", "mine, pending"), ("e", "theirs"), ("f", "mine again")] {
        assert_eq!(note_of(&saved.content, id).as_deref(), Some(note), "{id}");
    }
    let read = Store::new(dir.path())
        .find(Path::new(ARTICLE), "")
        .unwrap()
        .unwrap();
    assert_eq!(read.content.highlights.len(), 6);

    // A fold prepared before another process's change is given up, not
    // written over it.
    store
        .apply(
            Some(&file),
            &record(),
            &[Op::Upsert(highlight("g", 140, "pending again"))],
        )
        .unwrap();
    let fold = store.fold_due().unwrap();
    let theirs = other.find(Path::new(ARTICLE), "").unwrap().unwrap();
    other
        .apply(
            Some(&theirs.file),
            &record(),
            &[Op::Upsert(highlight("h", 160, "theirs again"))],
        )
        .unwrap();
    assert!(
        !fold.run().unwrap(),
        "the file changed: the fold is given up"
    );
    let read = Store::new(dir.path())
        .find(Path::new(ARTICLE), "")
        .unwrap()
        .unwrap();
    assert_eq!(
        note_of(&read.content, "g").as_deref(),
        Some("pending again")
    );
    assert_eq!(note_of(&read.content, "h").as_deref(), Some("theirs again"));
}

#[test]
fn a_small_notes_file_is_rewritten_as_before() {
    let dir = tempfile::tempdir().unwrap();
    let store =
        Store::new(dir.path()).pending_changes_above(gloss::annotations::PENDING_FROM_BYTES);
    let saved = store
        .apply(None, &record(), &[Op::Upsert(highlight("a", 0, "one"))])
        .unwrap();
    store
        .apply(
            Some(&saved.file),
            &record(),
            &[Op::Upsert(highlight("b", 20, "two"))],
        )
        .unwrap();
    assert!(!pending_of(&saved.file).exists());
    assert!(store.fold_due().is_none());
    assert!(fs::read_to_string(&saved.file).unwrap().contains("two"));
}

#[test]
fn pending_changes_a_crash_left_are_read_and_folded_by_the_next_process() {
    let dir = tempfile::tempdir().unwrap();
    let (store, file) = store_with_file(dir.path());
    store
        .apply(
            Some(&file),
            &record(),
            &[Op::Upsert(highlight("d", 80, "left pending"))],
        )
        .unwrap();
    drop(store); // the process ends before folding

    let next = Store::new(dir.path()).pending_changes_above(0);
    let found = next.find(Path::new(ARTICLE), "").unwrap().unwrap();
    assert_eq!(
        note_of(&found.content, "d").as_deref(),
        Some("left pending")
    );
    assert!(next.fold_due().unwrap().run().unwrap());
    assert!(!pending_of(&file).exists());
    assert!(fs::read_to_string(&file).unwrap().contains("left pending"));
}

/// In the app: a note saved in an article whose notes file is large goes to
/// the pending changes at once, and the session's background job folds it
/// into the notes file.
#[test]
fn the_session_saves_a_large_file_pending_and_folds_it_in_the_background() {
    use gloss::annotations::Anchor;
    use std::fmt::Write as _;
    const COUNT: usize = 1_500;
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("library");
    fs::create_dir_all(&lib).unwrap();
    let mut text = String::from("# Many highlights\n\n");
    for i in 0..COUNT {
        let _ = write!(text, "Sentence {i} of the long article. ");
    }
    let path = lib.join("many.md");
    fs::write(&path, &text).unwrap();
    let path = fs::canonicalize(&path).unwrap();
    let data = dir.path().join("data");
    let session = |data: &Path| {
        let scan = gloss::library::scan(std::slice::from_ref(&lib));
        let app = gloss::app::App::new(
            gloss::config::Config::default(),
            gloss::keymap::Keymap::default(),
            scan,
        );
        gloss::session::Session::start(app, gloss::session::Setup::new(data, u64::MAX))
    };
    let canonical = {
        let mut s = session(&dir.path().join("none"));
        s.open(0);
        let reader = s.app.reader.as_mut().unwrap();
        reader.doc.ensure_complete();
        reader.doc.text().to_string()
    };
    let time = Utc::now() - TimeDelta::days(1);
    let ops: Vec<Op> = (0..COUNT)
        .map(|i| {
            let quote = format!("Sentence {i} of the long article");
            let at = canonical.find(&quote).unwrap();
            let mut h = testing::highlight(&format!("h{i:05}"))
                .made_at(time)
                .note(&"A note long enough to make the file large. ".repeat(8))
                .build();
            h.anchor = Anchor::from_range(&canonical, at..at + quote.len());
            Op::Upsert(h)
        })
        .collect();
    let record = ArticleRecord {
        title: "Many highlights".into(),
        path: gloss::annotations::path_to_text(&path),
        ..ArticleRecord::default()
    };
    let file = Store::new(&data).apply(None, &record, &ops).unwrap().file;
    assert!(fs::metadata(&file).unwrap().len() >= gloss::annotations::PENDING_FROM_BYTES);

    let mut s = session(&data);
    s.open(0);
    // A notes file this large is read in the background: its highlights
    // arrive through the session's jobs (bounded wait).
    for _ in 0..6000 {
        if s.app.reader.as_ref().unwrap().notes.loading.is_none() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
        s.collect_jobs();
    }
    let reader = s.app.reader.as_mut().unwrap();
    assert_eq!(reader.notes.count(), COUNT);
    let mut h = reader.notes.highlights[700].clone();
    h.note = "Edited in the app".into();
    h.updated = Utc::now();
    let ops = vec![Op::Upsert(h)];
    reader.notes.apply_ops(&ops, reader.doc.text());
    s.save(0, ops);

    let found = Store::new(&data).find(&path, "").unwrap().unwrap();
    assert!(
        found
            .content
            .highlights
            .iter()
            .any(|h| h.note == "Edited in the app"),
        "saved: every reader sees it"
    );
    // The fold runs in the background; wait for it (bounded, so a broken
    // fold fails the test instead of hanging it).
    for _ in 0..600 {
        if !pending_of(&file).exists() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
        s.collect_jobs();
    }
    assert!(!pending_of(&file).exists(), "folded: {:?}", s.app.message);
    assert!(
        fs::read_to_string(&file)
            .unwrap()
            .contains("Edited in the app")
    );
}

/// A second article of the same store, at `path`.
fn record_of(path: &str) -> ArticleRecord {
    ArticleRecord {
        title: format!("Article {path}"),
        path: path.into(),
        fingerprint: format!("sha256:{path}"),
        ..ArticleRecord::default()
    }
}

#[test]
fn a_fold_made_for_one_article_folds_that_article_after_another_was_saved() {
    let dir = tempfile::tempdir().unwrap();
    let (store, file_a) = store_with_file(dir.path());
    // A change to A goes to A's pending changes; its fold is due.
    store
        .apply(
            Some(&file_a),
            &record(),
            &[Op::Upsert(highlight("b", 20, "edited in A"))],
        )
        .unwrap();
    assert!(pending_of(&file_a).exists());
    let fold_a = store.fold_due().expect("A's fold is due");
    // Then article B is saved twice (its second change pending too) before
    // A's fold runs: the store now holds B.
    let b = record_of("/articles/other.md");
    let file_b = store
        .apply(None, &b, &[Op::Upsert(highlight("x", 0, "note x"))])
        .unwrap()
        .file;
    store
        .apply(
            Some(&file_b),
            &b,
            &[Op::Upsert(highlight("y", 20, "note y"))],
        )
        .unwrap();
    assert!(pending_of(&file_b).exists());

    assert!(fold_a.run().unwrap(), "A's pending changes are folded");
    assert!(!pending_of(&file_a).exists());
    let text_a = fs::read_to_string(&file_a).unwrap();
    assert!(
        text_a.contains("edited in A") && text_a.contains("note a") && text_a.contains("note c")
    );
    assert!(!text_a.contains("note x") && !text_a.contains("note y"));
    // B is untouched by A's fold, and folds on its own.
    assert!(pending_of(&file_b).exists());
    let text_b = fs::read_to_string(&file_b).unwrap();
    assert!(text_b.contains("note x") && !text_b.contains("note a"));
    assert!(store.fold_due().unwrap().run().unwrap());
    let b_now = store.read(&file_b).unwrap();
    assert_eq!(note_of(&b_now, "y").as_deref(), Some("note y"));
    assert_eq!(note_of(&b_now, "x").as_deref(), Some("note x"));
    assert_eq!(b_now.highlights.len(), 2);
    let a_now = store.read(&file_a).unwrap();
    assert_eq!(a_now.highlights.len(), 3);
    assert_eq!(note_of(&a_now, "b").as_deref(), Some("edited in A"));
}

#[test]
fn a_fold_drops_expired_tombstones_like_a_whole_save() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::new(dir.path())
        .pending_changes_above(0)
        .keep_tombstones(0);
    let file = store
        .apply(None, &record(), &[Op::Upsert(highlight("a", 0, "note a"))])
        .unwrap()
        .file;
    let gone = testing::highlight("a").build().id;
    store
        .apply(Some(&file), &record(), &[Op::Delete(gone)])
        .unwrap();
    // The deletion waits in the pending changes, with its tombstone.
    assert!(
        fs::read_to_string(pending_of(&file))
            .unwrap()
            .contains("[[deleted]]")
    );
    assert!(store.fold_due().unwrap().run().unwrap());
    let text = fs::read_to_string(&file).unwrap();
    assert!(!text.contains("[[deleted]]"), "kept 0 days: {text}");
    assert!(!text.contains("note a"));
    assert!(store.read(&file).unwrap().highlights.is_empty());
}

/// Highlights with notes long enough that `count` of them make a notes
/// file of more than half a megabyte.
fn long_notes(count: usize) -> Vec<Op> {
    (0..count)
        .map(|i| {
            let note = format!("note {i}: {}", "a long thought about it. ".repeat(40));
            Op::Upsert(highlight(&format!("h{i:04}"), i * 20, &note))
        })
        .collect()
}

#[test]
fn the_library_index_of_a_large_notes_file_counts_its_highlights_and_pending_changes() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::new(dir.path()).pending_changes_above(0);
    let saved = store.apply(None, &record(), &long_notes(600)).unwrap();
    let file = saved.file;
    assert!(fs::metadata(&file).unwrap().len() >= gloss::annotations::PENDING_FROM_BYTES);
    // Read by another process's store, which holds nothing in memory.
    let entry = |store: &Store| {
        let index = store.index().unwrap();
        assert!(index.corrupt.is_empty());
        index.entries.into_iter().find(|e| e.file == file).unwrap()
    };
    let fresh = Store::new(dir.path());
    let summary = entry(&fresh);
    assert_eq!(summary.highlight_count, 600);
    assert_eq!(summary.article, saved.content.article);
    // One added and one deleted in the pending changes: still 600; one
    // more added: 601; the position saved pending is the index's too.
    let deleted = testing::highlight("h0003").build().id;
    store
        .apply(
            Some(&file),
            &record(),
            &[Op::Upsert(highlight("new1", 7, "new")), Op::Delete(deleted)],
        )
        .unwrap();
    assert!(pending_of(&file).exists());
    assert_eq!(entry(&Store::new(dir.path())).highlight_count, 600);
    let position = gloss::annotations::ReadingPosition {
        offset: CharOffset::new(40),
        quote: "some words".into(),
        progress: 0.5,
        updated: Utc::now(),
    };
    store
        .apply(
            Some(&file),
            &record(),
            &[
                Op::Upsert(highlight("new2", 9, "new")),
                Op::SetPosition(position),
            ],
        )
        .unwrap();
    let summary = entry(&Store::new(dir.path()));
    assert_eq!(summary.highlight_count, 601);
    assert_eq!(
        summary.position.map(|p| p.offset),
        Some(CharOffset::new(40))
    );
    // The same as reading the file whole.
    assert_eq!(
        Store::new(dir.path()).read(&file).unwrap().highlights.len(),
        601
    );
}

#[test]
fn a_large_notes_file_broken_past_its_header_is_reported_when_its_article_opens() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::new(dir.path());
    let file = store.apply(None, &record(), &long_notes(600)).unwrap().file;
    let mut text = fs::read_to_string(&file).unwrap();
    text.push_str("\n[[highlight]]\nid = \"broken\nnot toml at all\n");
    fs::write(&file, &text).unwrap();
    let fresh = Store::new(dir.path());
    // The list still shows it (from its header)...
    assert_eq!(fresh.index().unwrap().entries.len(), 1);
    // ...and opening the article says what is wrong, leaving it untouched.
    let err = fresh
        .find(Path::new(ARTICLE), "sha256:long")
        .expect_err("a broken file is reported");
    assert!(
        matches!(err, gloss::annotations::StoreError::Corrupt(_)),
        "{err}"
    );
    assert_eq!(fs::read_to_string(&file).unwrap(), text);
}
