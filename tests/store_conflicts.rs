//! A user's edit always wins over the version it was made from, whatever the
//! clocks of the machines involved say; only a change made elsewhere after
//! that version was read is weighed by time.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::path::Path;

use chrono::{DateTime, TimeDelta, Utc};
use gloss::annotations::testing::{self, CharOffset};
use gloss::annotations::{AnnotationFile, ArticleRecord, Highlight, Op, Store};
use proptest::prelude::*;

const ARTICLE: &str = "/articles/skew.md";

fn record() -> ArticleRecord {
    ArticleRecord {
        title: "Skewed clocks".into(),
        author: None,
        date: None,
        path: ARTICLE.into(),
        fingerprint: "sha256:skew".into(),
        archived: None,
    }
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A notes file as a machine whose clock runs `ahead` would write it.
fn file_from_a_fast_clock(ahead: TimeDelta) -> String {
    let future = rfc3339(Utc::now() + ahead);
    format!(
        "version = 1\n\n[article]\ntitle = \"Skewed clocks\"\npath = \"{ARTICLE}\"\n\
         fingerprint = \"sha256:skew\"\n\n[[highlight]]\nid = \"01HZX3V0AAAAAAAAAAAAAAAAAA\"\n\
         created = \"{future}\"\nupdated = \"{future}\"\ncolor = \"yellow\"\ntags = []\n\
         note = \"written on the fast machine\"\n\n[highlight.anchor]\nquote = \"words\"\n\
         prefix = \"some \"\nsuffix = \" here\"\nstart = 5\nend = 10\n"
    )
}

fn on_disk(dir: &Path) -> AnnotationFile {
    Store::new(dir)
        .find(Path::new(ARTICLE), "")
        .unwrap()
        .expect("the file is found")
        .content
}

/// The reported case: the stored `updated` is two minutes ahead of this
/// machine; editing the note and then the colour here must reach the file.
#[test]
fn an_edit_of_a_highlight_stored_with_a_future_time_is_saved() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("annotations");
    fs::create_dir_all(&folder).unwrap();
    let stored_time = Utc::now() + TimeDelta::minutes(2);
    fs::write(
        folder.join("skewed-clocks-0000000001.toml"),
        file_from_a_fast_clock(TimeDelta::minutes(2)),
    )
    .unwrap();

    let store = Store::new(dir.path());
    let found = store.find(Path::new(ARTICLE), "").unwrap().unwrap();
    let mut edited = found.content.highlights[0].clone();
    edited.note = "edited on this machine".into();
    edited.updated = Utc::now();
    let op = Op::Upsert(edited);
    let saved = store
        .apply(Some(&found.file), &record(), std::slice::from_ref(&op))
        .unwrap();
    assert!(saved.holds(&op), "reported saved only because it is");
    let after_note = on_disk(dir.path());
    assert_eq!(after_note.highlights[0].note, "edited on this machine");
    assert!(
        after_note.highlights[0].updated >= stored_time - TimeDelta::seconds(1),
        "the edit's time is never below the version it replaced"
    );

    // Then the colour, from the version just saved (the app adopts it).
    let mut recoloured = saved.content.highlights[0].clone();
    recoloured.color = "green".into();
    recoloured.updated = Utc::now();
    let op = Op::Upsert(recoloured);
    let saved = store
        .apply(Some(&saved.file), &record(), std::slice::from_ref(&op))
        .unwrap();
    assert!(saved.holds(&op));
    let after_colour = on_disk(dir.path());
    assert_eq!(after_colour.highlights[0].color, "green");
    assert_eq!(after_colour.highlights[0].note, "edited on this machine");
    assert!(after_colour.highlights[0].updated > after_note.highlights[0].updated);
}

/// A window holding an older copy stays older when the same process reads
/// the file for an export: a later edit made elsewhere is not overwritten
/// by an edit of the older copy with an earlier time.
#[test]
fn reading_for_an_export_does_not_make_an_older_copy_current() {
    let dir = tempfile::tempdir().unwrap();
    let here = Store::new(dir.path());
    let there = Store::new(dir.path());
    let mut h = testing::highlight("01HZX3V0AAAAAAAAAAAAAAAAAA")
        .made_at(Utc::now())
        .quote_at("words", CharOffset::new(0))
        .note("first")
        .build();
    let file = here
        .apply(None, &record(), &[Op::Upsert(h.clone())])
        .unwrap()
        .file;
    let theirs = there.find(Path::new(ARTICLE), "").unwrap().unwrap();
    let mut later = theirs.content.highlights[0].clone();
    later.note = "edited there, later".into();
    later.updated = Utc::now() + TimeDelta::minutes(5);
    there
        .apply(Some(&file), &record(), &[Op::Upsert(later)])
        .unwrap();
    here.read(&file).unwrap();
    h.note = "edited here from the first version".into();
    h.updated = Utc::now();
    let op = Op::Upsert(h);
    let saved = here
        .apply(Some(&file), &record(), std::slice::from_ref(&op))
        .unwrap();
    assert!(!saved.holds(&op));
    assert_eq!(
        on_disk(dir.path()).highlights[0].note,
        "edited there, later"
    );
}

/// One step of two processes working on one article.
#[derive(Debug, Clone)]
enum Step {
    /// Process `p` re-reads the file (opens the article again).
    Read(usize),
    /// Process `p` edits highlight `h` (note or colour) from its copy.
    Edit { p: usize, h: usize, colour: bool },
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (0..2usize).prop_map(Step::Read),
        (0..2usize, 0..2usize, any::<bool>()).prop_map(|(p, h, colour)| Step::Edit {
            p,
            h,
            colour
        }),
    ]
}

/// The copy of highlight `id` in `content`.
fn copy<'a>(content: &'a AnnotationFile, id: &str) -> Option<&'a Highlight> {
    content.highlights.iter().find(|h| h.id == id)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Any interleaving of edits by two processes (two store handles on one
    /// folder) whose clocks are off by up to ten minutes either way keeps
    /// every edit made from the version on disk, and says so; an edit made
    /// from an older version is kept or reported as not kept, never both.
    #[test]
    fn every_edit_made_from_the_latest_version_is_kept(
        skews in prop::array::uniform2(-600i64..600),
        stored_skew in -600i64..600,
        steps in prop::collection::vec(step(), 1..24),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let ids = ["01HZX3V0AAAAAAAAAAAAAAAAAA", "01HZX3V0BBBBBBBBBBBBBBBBBB"];
        // The starting file comes from a third machine with its own clock.
        let setup = Store::new(dir.path());
        let base = Utc::now() + TimeDelta::seconds(stored_skew);
        let start: Vec<Op> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| {
                Op::Upsert(
                    testing::highlight(id)
                        .made_at(base)
                        .quote_at(&format!("quote {i}"), CharOffset::new(10 * i))
                        .note(&format!("start {i}"))
                        .build(),
                )
            })
            .collect();
        let file = setup.apply(None, &record(), &start).unwrap().file;

        let processes = [Store::new(dir.path()), Store::new(dir.path())];
        let mut copies: Vec<AnnotationFile> = processes
            .iter()
            .map(|s| s.find(Path::new(ARTICLE), "").unwrap().unwrap().content)
            .collect();
        for (n, step) in steps.into_iter().enumerate() {
            match step {
                Step::Read(p) => {
                    copies[p] = processes[p].find(Path::new(ARTICLE), "").unwrap().unwrap().content;
                }
                Step::Edit { p, h, colour } => {
                    let Some(mine) = copy(&copies[p], ids[h]).cloned() else { continue };
                    let latest = copy(&on_disk(dir.path()), ids[h]).cloned();
                    let from_latest = latest.as_ref() == Some(&mine);
                    let mut edited = mine;
                    if colour {
                        edited.color = format!("colour {n}");
                    } else {
                        edited.note = format!("note {n} by {p}");
                    }
                    edited.updated = Utc::now() + TimeDelta::seconds(skews[p]);
                    let op = Op::Upsert(edited.clone());
                    let saved = processes[p].apply(Some(&file), &record(), std::slice::from_ref(&op)).unwrap();
                    let now = on_disk(dir.path());
                    let stored = copy(&now, ids[h]).unwrap();
                    let kept = stored.note == edited.note && stored.color == edited.color;
                    if from_latest {
                        prop_assert!(kept, "edit {n} by {p} from the latest version was lost");
                    }
                    prop_assert_eq!(saved.holds(&op), kept, "saved is said exactly when kept");
                    prop_assert_eq!(&saved.content, &now, "the result is what the disk holds");
                    copies[p] = saved.content;
                }
            }
        }
    }
}
