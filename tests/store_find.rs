//! Annotations follow their article: by path when it was edited in place, by
//! text fingerprint when it was moved or renamed.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly

use std::fs;

use gloss::annotations::testing;
use gloss::annotations::{
    ArticleRecord, Highlight, MatchedBy, Op, Store, fingerprint, locate, reanchor_all,
};

const TEXT: &str = "Negotiators from both sides met in Geneva on Monday. \
    The agreement cuts tariffs on steel by half over five years.";

fn record(path: &std::path::Path, text: &str) -> ArticleRecord {
    ArticleRecord {
        title: "US announces deal".into(),
        author: None,
        date: None,
        path: path.to_string_lossy().into_owned(),
        fingerprint: fingerprint(text),
        archived: None,
    }
}

fn highlight_of(text: &str, quote: &str) -> Highlight {
    testing::highlight(&ulid::Ulid::new().to_string())
        .first_of(text, quote)
        .note("check the numbers")
        .build()
}

#[test]
fn a_moved_article_is_found_by_fingerprint() {
    let dir = tempfile::tempdir().unwrap();
    let articles = dir.path().join("articles");
    fs::create_dir_all(&articles).unwrap();
    let old = articles.join("deal.md");
    fs::write(&old, TEXT).unwrap();
    let store = Store::new(&dir.path().join("data"));
    let h = highlight_of(TEXT, "cuts tariffs on steel");
    let saved = store
        .apply(None, &record(&old, TEXT), &[Op::Upsert(h.clone())])
        .unwrap();

    let new = articles.join("2024-us-deal.md");
    fs::rename(&old, &new).unwrap();
    let found = store.find(&new, &fingerprint(TEXT)).unwrap().unwrap();
    assert_eq!(found.matched, MatchedBy::Fingerprint);
    assert_eq!(found.file, saved.file);
    assert_eq!(found.content.highlights, vec![h]);

    // The app records the new path; the file keeps its name.
    let saved = store
        .apply(Some(&found.file), &record(&new, TEXT), &[])
        .unwrap();
    assert_eq!(saved.file, found.file);
    let found = store.find(&new, &fingerprint(TEXT)).unwrap().unwrap();
    assert_eq!(found.matched, MatchedBy::Path);
}

#[test]
fn a_copy_does_not_take_the_original_annotations() {
    let dir = tempfile::tempdir().unwrap();
    let original = dir.path().join("deal.md");
    fs::write(&original, TEXT).unwrap();
    let store = Store::new(dir.path());
    store
        .apply(
            None,
            &record(&original, TEXT),
            &[Op::Upsert(highlight_of(TEXT, "Geneva"))],
        )
        .unwrap();
    let copy = dir.path().join("copy of deal.md");
    fs::write(&copy, TEXT).unwrap();
    assert!(store.find(&copy, &fingerprint(TEXT)).unwrap().is_none());
}

#[test]
fn an_article_edited_in_place_is_found_by_path_and_reanchored() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("deal.md");
    fs::write(&path, TEXT).unwrap();
    let store = Store::new(dir.path());
    let h1 = highlight_of(TEXT, "cuts tariffs on steel");
    let h2 = highlight_of(TEXT, "met in Geneva on Monday");
    store
        .apply(
            None,
            &record(&path, TEXT),
            &[Op::Upsert(h1.clone()), Op::Upsert(h2.clone())],
        )
        .unwrap();

    let edited = format!(
        "Update: corrected the day.\n\n{}",
        TEXT.replace("met in Geneva on Monday", "met in Geneva on Tuesday")
    );
    fs::write(&path, &edited).unwrap();
    let mut found = store.find(&path, &fingerprint(&edited)).unwrap().unwrap();
    assert_eq!(found.matched, MatchedBy::Path);

    let report = reanchor_all(&edited, &mut found.content);
    assert_eq!(report.moved, 2);
    assert_eq!(report.orphaned, 0);
    let by_id = |id: &str| {
        found
            .content
            .highlights
            .iter()
            .find(|h| h.id == id)
            .unwrap()
            .clone()
    };
    let moved = by_id(h1.id.as_str());
    let r = locate(&edited, &moved.anchor).unwrap();
    assert_eq!(&edited[r], "cuts tariffs on steel");
    let fuzzy = by_id(h2.id.as_str());
    assert_eq!(fuzzy.anchor.quote, "met in Geneva on Monday", "quote kept");
    let r = locate(&edited, &fuzzy.anchor).unwrap();
    assert_eq!(&edited[r], "met in Geneva on Tuesday");

    // Saved back with the new fingerprint; notes untouched.
    let ops: Vec<Op> = found
        .content
        .highlights
        .iter()
        .cloned()
        .map(Op::Upsert)
        .collect();
    let saved = store
        .apply(Some(&found.file), &record(&path, &edited), &ops)
        .unwrap();
    assert_eq!(saved.content.article.fingerprint, fingerprint(&edited));
    assert!(
        saved
            .content
            .highlights
            .iter()
            .all(|h| h.note == "check the numbers")
    );
}

#[test]
fn the_index_tracks_counts_and_ignores_temp_files() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::new(dir.path());
    let mut files = Vec::new();
    for i in 0..5 {
        let path = dir.path().join(format!("a{i}.md"));
        fs::write(&path, TEXT).unwrap();
        let ops: Vec<Op> = (0..i)
            .map(|_| Op::Upsert(highlight_of(TEXT, "Geneva")))
            .collect();
        files.push(store.apply(None, &record(&path, TEXT), &ops).unwrap().file);
    }
    let annotations = dir.path().join("annotations");
    fs::write(annotations.join(".a0-x.toml.999.tmp"), "garbage").unwrap();
    fs::write(annotations.join("notes.txt"), "not ours").unwrap();
    let index = store.index().unwrap();
    assert!(index.corrupt.is_empty());
    let mut counts: Vec<usize> = index.entries.iter().map(|e| e.highlight_count).collect();
    counts.sort();
    assert_eq!(counts, [0, 1, 2, 3, 4]);

    // A change made by another process is seen; unchanged files come from
    // the cache.
    let other = Store::new(dir.path());
    other
        .apply(
            Some(&files[0]),
            &record(&dir.path().join("a0.md"), TEXT),
            &[Op::Upsert(highlight_of(TEXT, "steel"))],
        )
        .unwrap();
    let index = store.index().unwrap();
    let entry = index.entries.iter().find(|e| e.file == files[0]).unwrap();
    assert_eq!(entry.highlight_count, 1);
    // The stale temp file was cleaned by that save.
    assert!(!annotations.join(".a0-x.toml.999.tmp").exists());
}

/// Notes synced from another machine, where the library is another folder
/// and the article was edited since (so its fingerprint differs too), are
/// found by the article's path inside the library; two candidates in the
/// same place are refused rather than guessed between.
#[test]
fn an_edited_article_whose_library_lives_elsewhere_is_found_by_its_place_in_the_library() {
    let dir = tempfile::tempdir().unwrap();
    // The other machine's library: /home/ann/articles (never on this disk).
    let theirs = dir.path().join("ann-laptop/articles/2024/us-deal.md");
    let mine_root = dir.path().join("me/reading");
    let mine = mine_root.join("2024/us-deal.md");
    fs::create_dir_all(mine.parent().unwrap()).unwrap();
    let edited = format!("{TEXT} A correction was added.");
    fs::write(&mine, &edited).unwrap();

    let mut store = Store::new(&dir.path().join("data"));
    let h = highlight_of(TEXT, "cuts tariffs on steel");
    let saved = store
        .apply(None, &record(&theirs, TEXT), &[Op::Upsert(h.clone())])
        .unwrap();

    // Without the library named, neither path nor fingerprint finds them.
    assert!(store.find(&mine, &fingerprint(&edited)).unwrap().is_none());

    store.set_library_roots(vec![mine_root.clone()]);
    let found = store.find(&mine, &fingerprint(&edited)).unwrap().unwrap();
    assert_eq!(found.matched, MatchedBy::LibraryPath);
    assert_eq!(found.file, saved.file);
    assert_eq!(found.content.highlights, vec![h]);

    // Another article in another folder is not taken for it.
    let other = mine_root.join("2025/us-deal-2.md");
    assert!(store.find(&other, "sha256:none").unwrap().is_none());

    // A second gone file in the same place makes it ambiguous: nothing is
    // chosen rather than the wrong one.
    let also = dir.path().join("old-desktop/lib/2024/us-deal.md");
    let mut second = record(&also, "other text");
    second.title = "Another deal".into();
    store.apply(None, &second, &[]).unwrap();
    assert!(store.find(&mine, &fingerprint(&edited)).unwrap().is_none());
}
