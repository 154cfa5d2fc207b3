//! Target `store_load`: the bytes are a notes TOML file in a fresh data
//! directory; the store indexes it, finds it by the article it records and
//! saves one new highlight into it. A file that does not load is reported and
//! never changed; one that loads keeps every highlight it had.

use std::fs;
use std::path::Path;

use chrono::{DateTime, Utc};
use gloss::annotations::{Anchor, ArticleRecord, Highlight, Op, Store};

/// File name the input is stored under (any `*.toml` not starting with a dot
/// is an annotation file).
const FILE_NAME: &str = "fuzzed-article-01.toml";

/// Runs one input; panics on a broken invariant.
pub fn run(data: &[u8]) {
    let dir = super::scratch();
    let store = Store::new(dir.path());
    if let Err(e) = fs::create_dir_all(store.dir()) {
        panic!("cannot make the store folder: {e}");
    }
    let file = store.dir().join(FILE_NAME);
    if let Err(e) = fs::write(&file, data) {
        panic!("cannot write the input: {e}");
    }
    let on_disk = || fs::read(&file).unwrap_or_default();

    let index = match store.index() {
        Ok(index) => index,
        Err(e) => panic!("listing a readable folder failed: {e}"),
    };
    let entry = index.entries.iter().find(|e| e.file == file);
    let corrupt = index.corrupt.iter().find(|c| c.file == file);
    match (entry, corrupt) {
        (Some(entry), None) => {
            let before = match store.read(&file) {
                Ok(content) => content,
                Err(e) => panic!("the index read the file but a full read failed: {e}"),
            };
            assert_eq!(entry.highlight_count, before.highlights.len());
            if !entry.article.path.is_empty() {
                match store.find(Path::new(&entry.article.path), &entry.article.fingerprint) {
                    Ok(Some(found)) => assert_eq!(found.file, file, "found another file"),
                    Ok(None) => panic!("the file recording this path was not found"),
                    Err(e) => panic!("find failed on a readable file: {e}"),
                }
            }
            let added = new_highlight(before.highlights.iter().map(|h| h.id.as_str()));
            match store.apply(Some(&file), &entry.article, &[Op::Upsert(added.clone())]) {
                Ok(saved) => {
                    assert_eq!(saved.file, file, "the save went to another file");
                    let after = match store.read(&file) {
                        Ok(content) => content,
                        Err(e) => panic!("a file the store just saved does not read back: {e}"),
                    };
                    assert_eq!(
                        after, saved.content,
                        "the file holds what the save reported"
                    );
                    assert!(
                        after.highlights.contains(&added),
                        "the new highlight was lost"
                    );
                    for h in &before.highlights {
                        assert!(
                            after
                                .highlights
                                .iter()
                                .any(|a| a.id == h.id && a.note == h.note),
                            "highlight {:?} (note {:?}) was lost by an unrelated save",
                            h.id,
                            h.note
                        );
                    }
                    assert!(after.highlights.len() > before.highlights.len());
                }
                Err(_) => assert_eq!(on_disk(), data, "a failed save changed the file"),
            }
        }
        (None, Some(_)) => {
            assert!(
                store.read(&file).is_err(),
                "read accepts what index rejected"
            );
            let article = ArticleRecord {
                title: "fuzz".into(),
                path: "/nonexistent/gloss-fuzz/article.md".into(),
                ..ArticleRecord::default()
            };
            let added = new_highlight(std::iter::empty());
            assert!(
                store
                    .apply(Some(&file), &article, &[Op::Upsert(added)])
                    .is_err(),
                "a save into a file that does not load was accepted"
            );
            let _ = store.find(Path::new(&article.path), "");
            assert_eq!(on_disk(), data, "a file that does not load was changed");
        }
        (entry, corrupt) => {
            panic!("the file is neither indexed nor reported: entry {entry:?}, corrupt {corrupt:?}")
        }
    }
}

/// A highlight whose id none of `taken` has.
fn new_highlight<'a>(taken: impl Iterator<Item = &'a str>) -> Highlight {
    let taken: Vec<&str> = taken.collect();
    let mut n = 0u32;
    let id = loop {
        let id = format!("01FUZZ{n:020}");
        if !taken.contains(&id.as_str()) {
            break id;
        }
        n += 1;
    };
    // Whole seconds, in the past: the fuzzer tests loading, not clocks.
    let now = DateTime::<Utc>::from_timestamp(1_700_000_000, 0).unwrap_or_default();
    Highlight {
        id: id.into(),
        created: now,
        updated: now,
        color: "yellow".into(),
        tags: vec!["fuzz".into()],
        note: "added by the fuzzer".into(),
        orphaned: false,
        via: None,
        anchor: Anchor {
            quote: "quote".into(),
            prefix: String::new(),
            suffix: String::new(),
            start: gloss::document::CharOffset::ZERO,
            end: gloss::document::CharOffset::new(5),
        },
    }
}
