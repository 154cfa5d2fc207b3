//! Notes and quotes come back from disk exactly as written, whatever they
//! hold; broken files are reported and never touched.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly

use std::fs;
use std::path::Path;

use chrono::{TimeZone, Utc};
use gloss::annotations::testing::{self, CharOffset};
use gloss::annotations::{
    ArticleRecord, Highlight, MatchedBy, Op, ReadingPosition, Store, StoreError,
};
use proptest::prelude::*;

fn article(path: &str) -> ArticleRecord {
    ArticleRecord {
        title: "Hostile notes: a test".into(),
        author: None,
        date: None,
        path: path.into(),
        fingerprint: "sha256:abc".into(),
        archived: None,
    }
}

fn highlight(id: &str, start: usize, note: &str) -> Highlight {
    let prefix: String = note.chars().rev().take(5).collect();
    let suffix: String = note.chars().take(5).collect();
    testing::highlight(id)
        .at("2024-01-02T03:04:05Z")
        .tags(&["a tag", &note.chars().take(3).collect::<String>()])
        .note(note)
        .quote_at(&format!("q{note}"), CharOffset::new(start))
        .context(&prefix, &suffix)
        .build()
}

fn hostile_notes() -> Vec<(&'static str, String)> {
    let controls: String = (0u8..0x20).chain([0x7f]).map(char::from).collect();
    vec![
        ("quotes", r#"He said "yes" and 'no'"#.to_string()),
        (
            "backslashes",
            r"C:\path\to\file \n not a newline \\".to_string(),
        ),
        ("triple double", r#"a """ b """" c """"" end""#.to_string()),
        ("triple single", "a ''' b '''' c ''''' end'".to_string()),
        ("ends in quotes", "ends with two \"\"".to_string()),
        ("tabs", "col1\tcol2\t\tcol3\t".to_string()),
        ("crlf", "line one\r\nline two\r\n".to_string()),
        ("lone cr", "old mac\rline\r".to_string()),
        ("mixed newlines", "\na\n\r\nb\r\rc\n\n".to_string()),
        ("leading newline", "\nstarts with a newline".to_string()),
        ("emoji", "👍🏽 family: 👨‍👩‍👧‍👦 flag: 🇫🇷 and é vs é".to_string()),
        ("controls", controls),
        ("only spaces", "   ".to_string()),
        ("empty", String::new()),
        (
            "toml lookalike",
            "[article]\npath = \"x\"\n[[highlight]]\n".to_string(),
        ),
        (
            "big",
            "A long note line with words.\n".repeat(100 * 1024 / 29 + 1),
        ),
    ]
}

#[test]
fn hostile_notes_round_trip_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::new(dir.path());
    let record = article("/articles/hostile.md");
    let notes = hostile_notes();
    let ops: Vec<Op> = notes
        .iter()
        .enumerate()
        .map(|(i, (_, note))| Op::Upsert(highlight(&format!("h{i:02}"), i * 10, note)))
        .collect();
    let saved = store.apply(None, &record, &ops).unwrap();
    assert!(saved.file.starts_with(dir.path().join("annotations")));
    let name = saved
        .file
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert!(name.starts_with("hostile-notes-a-test-"), "{name}");
    assert!(name.ends_with(".toml"));

    let found = store
        .find(Path::new("/articles/hostile.md"), "sha256:abc")
        .unwrap()
        .unwrap();
    assert_eq!(found.matched, MatchedBy::Path);
    assert_eq!(found.file, saved.file);
    for (i, (what, note)) in notes.iter().enumerate() {
        let h = &found.content.highlights[i];
        assert_eq!(&h.note, note, "{what}");
        assert_eq!(h, &highlight(&format!("h{i:02}"), i * 10, note), "{what}");
    }
    assert_eq!(found.content, saved.content);

    // The file reads by hand: a multi-line note is a multi-line string.
    let text = fs::read_to_string(&saved.file).unwrap();
    assert!(text.contains("note = \"\"\"\nA long note line with words.\nA long"));
    assert!(text.starts_with("version = 2\n"), "{text}");
}

#[test]
fn a_position_round_trips_and_one_saved_elsewhere_later_wins() {
    let dir = tempfile::tempdir().unwrap();
    let here = Store::new(dir.path());
    let there = Store::new(dir.path());
    let record = article("/a.md");
    let at = |secs: u32, offset: usize| ReadingPosition {
        offset: CharOffset::new(offset),
        quote: "Once upon".into(),
        progress: 0.5,
        updated: Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, secs).unwrap(),
    };
    let file = here
        .apply(None, &record, &[Op::SetPosition(at(10, 100))])
        .unwrap()
        .file;
    there.find(Path::new("/a.md"), "").unwrap().unwrap();
    let saved = here
        .apply(Some(&file), &record, &[Op::SetPosition(at(30, 300))])
        .unwrap();
    assert_eq!(saved.content.position, Some(at(30, 300)));
    // `there` read the position of 0:10; the one saved here since is later.
    let late = Op::SetPosition(at(20, 200));
    let saved = there
        .apply(Some(&file), &record, std::slice::from_ref(&late))
        .unwrap();
    assert_eq!(saved.content.position, Some(at(30, 300)));
    assert!(!saved.holds(&late), "not reported as saved");
    // Now `there` has seen 0:30: its next position wins even with a clock
    // behind, and its time is put just past the one it replaces.
    let next = Op::SetPosition(at(5, 50));
    let saved = there
        .apply(Some(&file), &record, std::slice::from_ref(&next))
        .unwrap();
    assert!(saved.holds(&next));
    let position = saved.content.position.unwrap();
    assert_eq!(position.offset, CharOffset::new(50));
    assert!(position.updated > at(30, 0).updated);
    let index = Store::new(dir.path()).index().unwrap();
    assert_eq!(index.entries.len(), 1);
    assert_eq!(
        index.entries[0].position.as_ref().unwrap().offset,
        CharOffset::new(50)
    );
}

#[test]
fn upsert_keeps_a_copy_changed_elsewhere_later_and_delete_removes() {
    let dir = tempfile::tempdir().unwrap();
    let here = Store::new(dir.path());
    let there = Store::new(dir.path());
    let record = article("/a.md");
    let saved = here
        .apply(None, &record, &[Op::Upsert(highlight("x", 5, "first"))])
        .unwrap();
    there.find(Path::new("/a.md"), "").unwrap().unwrap();
    let mut newer = highlight("x", 5, "newer note");
    newer.updated = Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap();
    here.apply(Some(&saved.file), &record, &[Op::Upsert(newer.clone())])
        .unwrap();
    // `there` edits the version it read, which is no longer on disk, with
    // an earlier time: the later change made here is kept.
    let mut stale = highlight("x", 5, "stale note");
    stale.updated = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap();
    let stale = Op::Upsert(stale);
    let saved = there
        .apply(Some(&saved.file), &record, std::slice::from_ref(&stale))
        .unwrap();
    assert_eq!(saved.content.highlights, vec![newer]);
    assert!(!saved.holds(&stale));
    let saved = here
        .apply(
            Some(&saved.file),
            &record,
            &[
                Op::Upsert(highlight("b", 50, "second")),
                Op::Upsert(highlight("a", 1, "first")),
                Op::Delete("x".into()),
            ],
        )
        .unwrap();
    let ids: Vec<&str> = saved
        .content
        .highlights
        .iter()
        .map(|h| h.id.as_str())
        .collect();
    assert_eq!(ids, ["a", "b"], "document order");
}

#[test]
fn a_corrupt_file_is_reported_and_never_touched() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::new(dir.path());
    let good = store
        .apply(
            None,
            &article("/good.md"),
            &[Op::Upsert(highlight("g", 0, "ok"))],
        )
        .unwrap();
    let bad = dir.path().join("annotations").join("broken-01abc.toml");
    let bytes =
        b"version = 1\n[article]\npath = \"/bad.md\"\ntitle = \"unterminated\n\n[[highlight]]\n"
            .to_vec();
    fs::write(&bad, &bytes).unwrap();

    let index = store.index().unwrap();
    assert_eq!(index.entries.len(), 1, "the good file is still listed");
    assert_eq!(index.entries[0].file, good.file);
    assert_eq!(index.corrupt.len(), 1);
    let corrupt = &index.corrupt[0];
    assert_eq!(corrupt.file, bad);
    assert_eq!(corrupt.line, Some(4));
    assert!(corrupt.column.is_some());
    assert!(
        corrupt.to_string().contains("broken-01abc.toml:4:"),
        "{corrupt}"
    );

    // Loading its article reports it (so the article opens read-only rather
    // than starting a second file), and does not change it.
    let found = store.find(Path::new("/bad.md"), "");
    assert!(
        matches!(found, Err(StoreError::Corrupt(ref c)) if c.file == bad),
        "{found:?}"
    );
    assert!(store.find(Path::new("/other.md"), "").unwrap().is_none());
    assert_eq!(fs::read(&bad).unwrap(), bytes);

    // Saving into it is refused; nothing is written.
    let err = store
        .apply(
            Some(&bad),
            &article("/bad.md"),
            &[Op::Upsert(highlight("n", 0, "x"))],
        )
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Corrupt(ref c) if c.line == Some(4)),
        "{err}"
    );
    assert_eq!(fs::read(&bad).unwrap(), bytes);

    // Wrong types and invalid UTF-8 are corrupt too.
    let typed = dir.path().join("annotations").join("typed.toml");
    fs::write(&typed, "version = \"one\"\n[article]\n").unwrap();
    let binary = dir.path().join("annotations").join("binary.toml");
    fs::write(&binary, [0xff, 0xfe, 0x00]).unwrap();
    let newer = dir.path().join("annotations").join("newer.toml");
    fs::write(&newer, "version = 99\n[article]\npath = \"/n.md\"\n").unwrap();
    let index = store.index().unwrap();
    assert_eq!(index.corrupt.len(), 4);
    for file in [&typed, &binary, &newer] {
        let before = fs::read(file).unwrap();
        assert!(store.apply(Some(file), &article("/n.md"), &[]).is_err());
        assert_eq!(fs::read(file).unwrap(), before);
    }
    let names: Vec<_> = fs::read_dir(dir.path().join("annotations"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    assert_eq!(names.len(), 5, "nothing renamed or added: {names:?}");
}

#[test]
fn nothing_is_created_before_the_first_save() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::new(dir.path());
    assert!(store.index().unwrap().entries.is_empty());
    assert!(
        store
            .find(Path::new("/x.md"), "sha256:1")
            .unwrap()
            .is_none()
    );
    assert!(!dir.path().join("annotations").exists());
}

#[test]
fn unknown_keys_written_by_hand_survive_a_save() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::new(dir.path());
    let saved = store
        .apply(
            None,
            &article("/a.md"),
            &[Op::Upsert(highlight("k", 3, "n"))],
        )
        .unwrap();
    let text = fs::read_to_string(&saved.file).unwrap();
    let text = text
        .replace("[article]\n", "[article]\nlanguage = \"fr\"\n")
        .replace("color = ", "reviewed = true\ncolor = ");
    fs::write(&saved.file, format!("sync_id = 42\n{text}")).unwrap();
    store
        .apply(
            Some(&saved.file),
            &article("/a.md"),
            &[Op::Upsert(highlight("m", 9, "x"))],
        )
        .unwrap();
    let raw: toml::Table = toml::from_str(&fs::read_to_string(&saved.file).unwrap()).unwrap();
    assert_eq!(raw["sync_id"].as_integer(), Some(42));
    assert_eq!(raw["article"]["language"].as_str(), Some("fr"));
    let highlights = raw["highlight"].as_array().unwrap();
    assert_eq!(highlights.len(), 2);
    assert_eq!(highlights[0]["reviewed"].as_bool(), Some(true));
    assert!(highlights[1].get("reviewed").is_none());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn any_note_round_trips(note in any::<String>(), quote in "\\PC{1,40}") {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        let mut h = highlight("p", 0, &note);
        h.anchor.quote = quote;
        let saved = store.apply(None, &article("/p.md"), &[Op::Upsert(h.clone())]).unwrap();
        let found = store.find(Path::new("/p.md"), "").unwrap().unwrap();
        prop_assert_eq!(&found.content.highlights, &vec![h]);
        prop_assert_eq!(found.file, saved.file);
    }
}

#[test]
fn anything_in_the_way_of_the_temp_file_is_left_alone_and_the_save_succeeds() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::new(dir.path());
    let record = article("/w.md");
    let saved = store
        .apply(None, &record, &[Op::Upsert(highlight("a", 0, "kept"))])
        .unwrap();
    let name = saved
        .file
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let temp = |suffix: &str| {
        saved
            .file
            .with_file_name(format!(".{name}.{}{suffix}.tmp", std::process::id()))
    };
    // A folder, a symlink to a file of the user's and a leftover file sit
    // where the temporary files would go.
    let outside = dir.path().join("precious.txt");
    fs::write(&outside, "do not truncate me").unwrap();
    fs::create_dir(temp("")).unwrap();
    std::os::unix::fs::symlink(&outside, temp("-1")).unwrap();
    fs::write(temp("-2"), "leftover").unwrap();
    let saved = store
        .apply(
            Some(&saved.file),
            &record,
            &[Op::Upsert(highlight("b", 5, "saved anyway"))],
        )
        .unwrap();
    assert_eq!(saved.content.highlights.len(), 2);
    let again = Store::new(dir.path())
        .find(Path::new("/w.md"), "")
        .unwrap()
        .unwrap();
    assert_eq!(again.content.highlights.len(), 2);
    assert!(temp("").is_dir());
    assert_eq!(fs::read_to_string(&outside).unwrap(), "do not truncate me");
    assert_eq!(fs::read_to_string(temp("-2")).unwrap(), "leftover");
    let listed = Store::new(dir.path()).index().unwrap();
    assert_eq!(listed.entries.len(), 1, "no temp file is taken for notes");
    assert!(listed.corrupt.is_empty());
}
