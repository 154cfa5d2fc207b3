//! Notes files that parse but hold what no gloss wrote (two highlights with
//! one id, values out of range, an empty quote), files that do not parse at
//! all, and articles whose names are not UTF-8: told apart, reported, made
//! safe, never lost, never overwritten.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::ffi::OsStr;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use chrono::Utc;
use gloss::annotations::testing::{self, CharOffset};
use gloss::annotations::{
    ArticleRecord, Highlight, MatchedBy, Op, Store, StoreError, path_to_text, reanchor_all,
};
use gloss::app::notes::resolve_position;
use gloss::document::{Document, Format};

const ARTICLE: &str = "/articles/twins.md";

fn record(path: &str, title: &str) -> ArticleRecord {
    ArticleRecord {
        title: title.into(),
        author: None,
        date: None,
        path: path.into(),
        fingerprint: String::new(),
        archived: None,
    }
}

fn highlight(id: &str, start: usize, note: &str) -> Highlight {
    testing::highlight(id)
        .quote_at("words", CharOffset::new(start))
        .note(note)
        .build()
}

fn folder(dir: &Path) -> PathBuf {
    let folder = dir.join("annotations");
    fs::create_dir_all(&folder).unwrap();
    folder
}

const TWIN: &str = "01HZX3V0AAAAAAAAAAAAAAAAAA";

/// Two highlights with one id, as a hand copy or a merge of two copies
/// leaves them; the second has a key this gloss does not know.
fn twins_file() -> String {
    let block = |note: &str, start: usize, extra: &str| {
        format!(
            "[[highlight]]\nid = \"{TWIN}\"\ncreated = \"2024-05-01T10:00:00Z\"\n\
             updated = \"2024-05-01T10:00:00Z\"\ncolor = \"yellow\"\nnote = \"{note}\"\n{extra}\n\
             [highlight.anchor]\nquote = \"words\"\nstart = {start}\nend = {}\n\n",
            start + 5
        )
    };
    format!(
        "version = 1\n[article]\ntitle = \"Twins\"\npath = \"{ARTICLE}\"\n\n{}{}",
        block("the first note", 0, ""),
        block("the second note", 20, "mood = \"kept\"\n")
    )
}

fn notes_on_disk(dir: &Path) -> Vec<(String, String)> {
    let found = Store::new(dir)
        .find(Path::new(ARTICLE), "")
        .unwrap()
        .unwrap();
    found
        .content
        .highlights
        .into_iter()
        .map(|h| (h.id.to_string(), h.note))
        .collect()
}

#[test]
fn highlights_sharing_an_id_are_told_apart_reported_and_written_back() {
    let dir = tempfile::tempdir().unwrap();
    let file = folder(dir.path()).join("twins-0000000001.toml");
    fs::write(&file, twins_file()).unwrap();

    let here = Store::new(dir.path());
    let there = Store::new(dir.path());
    let found = here.find(Path::new(ARTICLE), "").unwrap().unwrap();
    assert_eq!(found.repairs.renamed_ids, 1);
    let message = found.repairs.describe().unwrap();
    assert!(message.contains("1 highlight(s) shared an id"), "{message}");
    let ids: Vec<&str> = found
        .content
        .highlights
        .iter()
        .map(|h| h.id.as_str())
        .collect();
    assert_eq!(ids[0], TWIN, "the first keeps its id");
    assert_ne!(ids[1], TWIN);
    // Another process reading the same file sees the same new id.
    let theirs = there.find(Path::new(ARTICLE), "").unwrap().unwrap();
    assert_eq!(theirs.content.highlights, found.content.highlights);

    // Editing the second touches only the second...
    let mut second = found.content.highlights[1].clone();
    second.note = "the second, edited".into();
    second.updated = Utc::now();
    here.apply(
        Some(&file),
        &record(ARTICLE, "Twins"),
        &[Op::Upsert(second.clone())],
    )
    .unwrap();
    assert_eq!(
        notes_on_disk(dir.path()),
        [
            (TWIN.to_string(), "the first note".to_string()),
            (second.id.to_string(), "the second, edited".to_string())
        ]
    );
    let raw: toml::Table = toml::from_str(&fs::read_to_string(&file).unwrap()).unwrap();
    let written = raw["highlight"].as_array().unwrap();
    assert_eq!(
        written[1]["id"].as_str(),
        Some(second.id.as_str()),
        "new id written"
    );
    assert_eq!(
        written[1]["mood"].as_str(),
        Some("kept"),
        "its own unknown keys kept"
    );
    assert!(written[0].get("mood").is_none());

    // ...and deleting the first (from the other process, which read the file
    // before the new id was written) never deletes the second.
    there
        .apply(
            Some(&file),
            &record(ARTICLE, "Twins"),
            &[Op::Delete(TWIN.into())],
        )
        .unwrap();
    assert_eq!(
        notes_on_disk(dir.path()),
        [(second.id.to_string(), "the second, edited".to_string())]
    );
    assert!(
        Store::new(dir.path())
            .find(Path::new(ARTICLE), "")
            .unwrap()
            .unwrap()
            .repairs
            .is_empty()
    );
}

#[test]
fn deleting_the_second_of_two_highlights_sharing_an_id_keeps_the_first() {
    let dir = tempfile::tempdir().unwrap();
    let file = folder(dir.path()).join("twins-0000000001.toml");
    fs::write(&file, twins_file()).unwrap();
    let store = Store::new(dir.path());
    let found = store.find(Path::new(ARTICLE), "").unwrap().unwrap();
    let second = found.content.highlights[1].id.clone();
    store
        .apply(
            Some(&file),
            &record(ARTICLE, "Twins"),
            &[Op::Delete(second)],
        )
        .unwrap();
    assert_eq!(
        notes_on_disk(dir.path()),
        [(TWIN.to_string(), "the first note".to_string())]
    );
}

/// The title the broken files below are named after, as gloss names them.
const TITLE: &str = "Lost and found";

#[test]
fn a_broken_file_with_no_path_line_keeps_its_article_read_only_and_is_never_touched() {
    let cases: [(&str, Vec<u8>); 5] = [
        ("garbage", b"this is not toml at all {{{".to_vec()),
        ("binary", vec![0x00, 0xff, 0xfe, 0x13, 0x37, 0x00]),
        ("empty", Vec::new()),
        (
            "no version",
            b"[article]\ntitle = \"Lost and found\"\n".to_vec(),
        ),
        ("newer", b"version = 9\n[article]\n".to_vec()),
    ];
    for (what, bytes) in cases {
        let dir = tempfile::tempdir().unwrap();
        let broken = folder(dir.path()).join("lost-and-found-01abcdefgh.toml");
        fs::write(&broken, &bytes).unwrap();
        let store = Store::new(dir.path());
        let mine = record("/articles/lost.md", TITLE);

        let found = store.find_article(Path::new("/articles/lost.md"), &mine);
        match &found {
            Err(StoreError::Corrupt(c)) => {
                assert_eq!(c.file, broken, "{what}");
                assert!(
                    c.to_string().contains("lost-and-found-01abcdefgh.toml"),
                    "{what}: {c}"
                );
            }
            other => panic!("{what}: expected the broken file to be reported, got {other:?}"),
        }
        // Saving (the app would not, but an import might) starts no second file.
        let err = store
            .apply(None, &mine, &[Op::Upsert(highlight("n", 0, "new"))])
            .unwrap_err();
        assert!(
            matches!(err, StoreError::Corrupt(ref c) if c.file == broken),
            "{what}: {err}"
        );
        assert_eq!(fs::read(&broken).unwrap(), bytes, "{what}: untouched");
        let names: Vec<_> = fs::read_dir(broken.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .filter(|n| !n.to_string_lossy().starts_with('.'))
            .collect();
        assert_eq!(names.len(), 1, "{what}: no second file");

        // Another article is not held up by it.
        let other = record("/articles/other.md", "Something else");
        assert!(
            store
                .find_article(Path::new("/articles/other.md"), &other)
                .unwrap()
                .is_none()
        );
        store
            .apply(None, &other, &[Op::Upsert(highlight("o", 0, "fine"))])
            .unwrap();
    }
}

#[test]
fn a_broken_file_naming_another_article_does_not_block_this_one() {
    let dir = tempfile::tempdir().unwrap();
    let broken = folder(dir.path()).join("lost-and-found-01abcdefgh.toml");
    let bytes = b"version = 1\n[article]\npath = \"/elsewhere.md\"\ntitle = \"oops\n";
    fs::write(&broken, bytes).unwrap();
    let store = Store::new(dir.path());
    let mine = record("/articles/lost.md", TITLE);
    assert!(
        store
            .find_article(Path::new("/articles/lost.md"), &mine)
            .unwrap()
            .is_none()
    );
    store
        .apply(None, &mine, &[Op::Upsert(highlight("n", 0, "new"))])
        .unwrap();
    assert_eq!(fs::read(&broken).unwrap(), bytes);
}

fn file_with(position: &str, anchor: &str) -> String {
    format!(
        "version = 1\n[article]\ntitle = \"Odd\"\npath = \"/odd.md\"\n\n[position]\n{position}\n\
         updated = \"2024-05-01T10:00:00Z\"\n\n[[highlight]]\nid = \"h\"\n\
         created = \"2024-05-01T10:00:00Z\"\nupdated = \"2024-05-01T10:00:00Z\"\ncolor = \"red\"\n\
         note = \"kept\"\n\n[highlight.anchor]\n{anchor}\n"
    )
}

#[test]
fn out_of_range_progress_is_made_sane_on_load_and_written_so() {
    for (stored, expected) in [
        ("nan", 0.0),
        ("7.5", 1.0),
        ("-3.0", 0.0),
        ("inf", 1.0),
        ("0.25", 0.25),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let file = folder(dir.path()).join("odd-0000000001.toml");
        let text = file_with(
            &format!("offset = 3\nquote = \"x\"\nprogress = {stored}"),
            "quote = \"words\"\nstart = 0\nend = 5",
        );
        fs::write(&file, text).unwrap();
        let store = Store::new(dir.path());
        let index = store.index().unwrap();
        let listed = index.entries[0].position.as_ref().unwrap().progress;
        assert_eq!(listed, expected, "{stored}");
        assert_eq!(
            index.entries[0].repairs.progress_clamped,
            expected.to_string() != stored,
            "{stored}"
        );
        let found = store.find(Path::new("/odd.md"), "").unwrap().unwrap();
        assert_eq!(found.content.position.as_ref().unwrap().progress, expected);
        let saved = store
            .apply(Some(&file), &record("/odd.md", "Odd"), &[])
            .unwrap();
        assert_eq!(saved.content.position.unwrap().progress, expected);
        assert_eq!(saved.content.highlights[0].note, "kept");
    }
}

#[test]
fn absurd_anchors_and_positions_never_panic_and_lose_nothing() {
    let text = "Some words here, and more words there.";
    let doc = Document::parse_complete(text, Format::Plain, Default::default());
    let anchors = [
        // Offsets far past the end: found again by the quote.
        (
            "quote = \"more words\"\nstart = 1000000000000000\nend = 1000000000000010",
            false,
        ),
        // End before start.
        ("quote = \"words here\"\nstart = 30\nend = 2", false),
        // An empty quote: kept, reported, never placed.
        ("quote = \"\"\nstart = 0\nend = 0", true),
        (
            "quote = \"not in the text at all\"\nstart = 9223372036854775807\nend = 0",
            true,
        ),
    ];
    for (anchor, orphan) in anchors {
        let dir = tempfile::tempdir().unwrap();
        let file = folder(dir.path()).join("odd-0000000001.toml");
        fs::write(
            &file,
            file_with(
                "offset = 9223372036854775807\nquote = \"gone\"\nprogress = 0.5",
                anchor,
            ),
        )
        .unwrap();
        let store = Store::new(dir.path());
        let mut found = store.find(Path::new("/odd.md"), "").unwrap().unwrap();
        assert_eq!(
            found.repairs.empty_quotes,
            usize::from(anchor.starts_with("quote = \"\""))
        );
        let position = found.content.position.clone().unwrap();
        assert!(resolve_position(&doc, &position) <= doc.text().len());
        reanchor_all(doc.text(), &mut found.content);
        assert_eq!(found.content.highlights[0].orphaned, orphan, "{anchor}");
        let ops: Vec<Op> = found
            .content
            .highlights
            .iter()
            .cloned()
            .map(Op::Upsert)
            .collect();
        let saved = store
            .apply(Some(&found.file), &record("/odd.md", "Odd"), &ops)
            .unwrap();
        assert_eq!(saved.content.highlights.len(), 1, "{anchor}");
        assert_eq!(saved.content.highlights[0].note, "kept");
    }
}

#[test]
fn bad_values_that_cannot_be_read_are_reported_with_their_line_and_left_alone() {
    let cases = [
        (
            "a negative offset",
            file_with(
                "offset = -4\nprogress = 0.5",
                "quote = \"w\"\nstart = 0\nend = 1",
            ),
            7,
        ),
        (
            "a negative start",
            file_with(
                "offset = 4\nprogress = 0.5",
                "quote = \"w\"\nstart = -1\nend = 1",
            ),
            20,
        ),
        (
            "an offset too large",
            file_with(
                "offset = 4\nprogress = 0.5",
                "quote = \"w\"\nstart = 0\nend = 99999999999999999999",
            ),
            21,
        ),
    ];
    for (what, text, line) in cases {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        let good = store
            .apply(
                None,
                &record("/good.md", "Good"),
                &[Op::Upsert(highlight("g", 0, "fine"))],
            )
            .unwrap();
        let file = folder(dir.path()).join("odd-0000000001.toml");
        fs::write(&file, &text).unwrap();
        let index = store.index().unwrap();
        assert_eq!(index.entries.len(), 1, "{what}: the rest keeps working");
        assert_eq!(index.entries[0].file, good.file);
        assert_eq!(index.corrupt.len(), 1, "{what}");
        assert_eq!(
            index.corrupt[0].line,
            Some(line),
            "{what}: {}",
            index.corrupt[0]
        );
        let err = store.find(Path::new("/odd.md"), "").unwrap_err();
        assert!(matches!(err, StoreError::Corrupt(_)), "{what}");
        assert!(
            store
                .apply(Some(&file), &record("/odd.md", "Odd"), &[])
                .is_err()
        );
        assert_eq!(
            fs::read_to_string(&file).unwrap(),
            text,
            "{what}: untouched"
        );
    }
}

#[test]
fn an_older_schema_version_is_read_and_upgraded_a_newer_one_refused() {
    let dir = tempfile::tempdir().unwrap();
    let folder = folder(dir.path());
    let old = folder.join("old-0000000001.toml");
    let text = file_with(
        "offset = 1\nprogress = 0.5",
        "quote = \"w\"\nstart = 0\nend = 1",
    )
    .replace("version = 1", "version = 0");
    fs::write(&old, &text).unwrap();
    let store = Store::new(dir.path());
    let found = store.find(Path::new("/odd.md"), "").unwrap().unwrap();
    assert_eq!(found.content.highlights[0].note, "kept");
    let saved = store
        .apply(Some(&old), &record("/odd.md", "Odd"), &[])
        .unwrap();
    assert_eq!(saved.content.version, gloss::annotations::SCHEMA_VERSION);

    let newer = folder.join("new-0000000001.toml");
    let text = text
        .replace("version = 0", "version = 3")
        .replace("/odd.md", "/new.md");
    fs::write(&newer, &text).unwrap();
    let err = store.find(Path::new("/new.md"), "").unwrap_err();
    assert!(
        err.to_string().contains("written by a newer gloss"),
        "{err}"
    );
    assert_eq!(fs::read_to_string(&newer).unwrap(), text);
}

fn exact(dir: &Path, name: &[u8]) -> PathBuf {
    let path = dir.join(OsStr::from_bytes(name));
    fs::write(&path, "Some words here.").unwrap();
    path
}

#[test]
fn names_that_are_not_utf8_keep_their_own_notes() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let ff = exact(dir.path(), b"\xff-a.md");
    let fe = exact(dir.path(), b"\xfe-a.md");
    let cafe = exact(dir.path(), b"caf\xe9.md");
    let store = Store::new(&data);
    let rec = |p: &Path| ArticleRecord {
        path: path_to_text(p),
        fingerprint: "sha256:same-text".into(),
        ..record("", "a")
    };

    let saved = store
        .apply(None, &rec(&ff), &[Op::Upsert(highlight("ff", 0, "for ff"))])
        .unwrap();
    assert!(
        store.find_article(&fe, &rec(&fe)).unwrap().is_none(),
        "a name differing only in a non-UTF-8 byte is another article"
    );
    let other = store
        .apply(None, &rec(&fe), &[Op::Upsert(highlight("fe", 0, "for fe"))])
        .unwrap();
    assert_ne!(saved.file, other.file);
    for (path, note) in [(&ff, "for ff"), (&fe, "for fe")] {
        let found = Store::new(&data)
            .find_article(path, &rec(path))
            .unwrap()
            .unwrap();
        assert_eq!(found.matched, MatchedBy::Path);
        assert_eq!(found.content.highlights.len(), 1);
        assert_eq!(found.content.highlights[0].note, note);
    }

    // Saved, then opened again in place: found by its path, not "moved".
    store
        .apply(None, &rec(&cafe), &[Op::Upsert(highlight("c", 0, "café"))])
        .unwrap();
    let found = Store::new(&data)
        .find_article(&cafe, &rec(&cafe))
        .unwrap()
        .unwrap();
    assert_eq!(found.matched, MatchedBy::Path);
    assert_eq!(
        gloss::annotations::text_to_path(&found.content.article.path),
        cafe
    );
    // The file on disk is valid UTF-8 TOML.
    let raw = fs::read(&found.file).unwrap();
    assert!(std::str::from_utf8(&raw).is_ok());
}
