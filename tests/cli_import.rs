//! `gloss import` run as a user would: the real binary, no terminal. Exports
//! go back in without loss, W3C annotations from other tools are anchored in
//! the article (or orphaned, never misplaced), and a bad file changes nothing.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod cli_common;

use std::fs;
use std::path::Path;

use cli_common::{
    HOSTILE, Mark, World, fixture_dir, forbidden_bytes, forbidden_chars, snapshot, stderr, stored,
};
use gloss::export::file_uri;

const FIELD: &str = "field-notes.md";
const ORCHARD: &str = "more/orchard.txt";
const HERONS: &str = "The tide came in slowly over the mudflats while the herons waited.";
const SAMPHIRE: &str = "samphire grows in dense green mats";
const BEES: &str = "Bees arrived in April and worked the blossom for three warm weeks.";
const FRUIT: &str = "the branches bent under the weight of the fruit";

const H1: &str = "01HZX3A6Q4W5V8F0J3M2K7N9A1";
const H2: &str = "01HZX3A6Q4W5V8F0J3M2K7N9A2";
const H3: &str = "01HZX3A6Q4W5V8F0J3M2K7N9A3";
const H4: &str = "01HZX3A6Q4W5V8F0J3M2K7N9A4";

fn world() -> World {
    let w = World::new();
    w.mark(&[
        Mark {
            note: "Herons are patient.\n\nA second paragraph of note with #birds.",
            tags: &["birds"],
            ..Mark::new(FIELD, HERONS, H1)
        },
        Mark {
            color: "green",
            tags: &["plants", "coast"],
            updated: "2024-06-01T08:00:00.123Z",
            ..Mark::new(FIELD, SAMPHIRE, H2)
        },
        Mark {
            color: "pink",
            note: "Spring, \"finally\".",
            ..Mark::new(ORCHARD, BEES, H3)
        },
    ]);
    w
}

/// Writes `text` into the world's folder and returns its path as an argument.
fn write(w: &World, name: &str, text: &str) -> String {
    let path = w.tmp.path().join(name);
    fs::write(&path, text).unwrap();
    path.display().to_string()
}

fn summary(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).trim_end().to_owned()
}

#[test]
fn json_export_imported_into_an_empty_data_dir_exports_identically() {
    let w = world();
    let json = w.ok(&w.data, &["export", "--format", "json"]);
    let file = write(&w, "backup.json", &json);
    let fresh = w.other_data("fresh");
    let out = w.gloss_in(&fresh, &["import", &file]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        summary(&out),
        "imported 2 articles: 3 added, 0 updated, 0 left unchanged, 0 skipped"
    );
    assert_eq!(w.ok(&fresh, &["export", "--format", "json"]), json);
}

#[test]
fn w3c_export_imported_into_an_empty_data_dir_gives_the_same_highlights() {
    let w = world();
    let w3c = w.ok(&w.data, &["export", "--format", "w3c"]);
    let file = write(&w, "annotations.jsonld", &w3c);
    let fresh = w.other_data("fresh");
    let out = w.gloss_in(&fresh, &["import", &file]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        summary(&out),
        "imported 2 articles: 3 added, 0 updated, 0 left unchanged, 0 skipped"
    );
    // Ids, times, colours, tags, notes, anchors and article records all match.
    assert_eq!(
        w.ok(&fresh, &["export", "--format", "json"]),
        w.ok(&w.data, &["export", "--format", "json"])
    );
}

fn hypothesis(w: &World) -> String {
    let text = fs::read_to_string(fixture_dir().join("hypothesis.json")).unwrap();
    let uri = file_uri(&w.article(FIELD).display().to_string());
    write(w, "hypothesis.json", &text.replace("ARTICLE_URI", &uri))
}

#[test]
fn hypothesis_annotations_are_placed_orphaned_or_skipped() {
    let w = World::new();
    let file = hypothesis(&w);
    let out = w.gloss(&["import", &file]);
    // Some were skipped: the documented status 3, not 0.
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert_eq!(
        summary(&out),
        "imported 1 article: 2 added, 0 updated, 0 left unchanged, 3 skipped"
    );
    let err = stderr(&out);
    let (orphans, lines): (Vec<&str>, Vec<&str>) = err
        .lines()
        .partition(|l| l.starts_with("gloss: imported as an orphan"));
    assert_eq!(lines.len(), 3, "{err}");
    assert_eq!(
        orphans.len(),
        1,
        "the orphan is named with its reason: {err}"
    );
    assert!(orphans[0].contains("not in the article"), "{err}");
    assert!(
        lines
            .iter()
            .all(|l| l.starts_with("gloss: skipped annotation")),
        "{err}"
    );
    assert!(
        err.contains("hYp0lost3") && err.contains("/no/such/folder/lost-article.md"),
        "{err}"
    );
    assert!(
        err.contains("hYp0web4") && err.contains("https://example.com/essay"),
        "{err}"
    );
    assert!(
        err.contains("hYp0page5") && err.contains("no passage"),
        "{err}"
    );

    let files = stored(&w.data);
    assert_eq!(files.len(), 1);
    let file = &files[0];
    assert_eq!(file.article.title, "Field Notes on Tides");
    assert_eq!(file.article.path, w.article(FIELD).display().to_string());

    // The quote that fits is placed where it is, whatever the position said.
    let placed = file
        .highlights
        .iter()
        .find(|h| h.anchor.quote == SAMPHIRE)
        .unwrap();
    assert!(!placed.orphaned);
    assert_eq!(
        (placed.anchor.start.get(), placed.anchor.end.get()),
        w.chars_of(FIELD, SAMPHIRE)
    );
    assert_eq!(placed.note, "Dense mats, noted on the walk.");
    assert_eq!(placed.tags, ["plants", "coast"]);
    assert_eq!(
        placed.color, "yellow",
        "Hypothesis has no colour: the default"
    );
    assert_eq!(placed.updated.to_rfc3339(), "2024-04-03T10:30:00+00:00");

    // The one whose text is gone is kept, orphaned, with its quote.
    let gone = file
        .highlights
        .iter()
        .find(|h| h.anchor.quote.contains("lighthouse"))
        .unwrap();
    assert!(gone.orphaned);
    assert_eq!(gone.note, "This paragraph was cut from the article later.");
    let orphans = w.ok(&w.data, &["export", "--format", "json", "--orphaned"]);
    assert!(orphans.contains("lighthouse keeper"), "{orphans}");
}

#[test]
fn importing_the_same_file_twice_adds_nothing() {
    let w = world();
    let json = write(
        &w,
        "backup.json",
        &w.ok(&w.data, &["export", "--format", "json"]),
    );
    let hyp = hypothesis(&w);
    let first = w.gloss(&["import", &hyp]);
    // Three of its annotations cannot be used: status 3 (see the README).
    assert_eq!(first.status.code(), Some(3), "{}", stderr(&first));
    let before = snapshot(&w.data);

    let again = w.gloss(&["import", &hyp]);
    assert_eq!(
        summary(&again),
        "imported 1 article: 0 added, 0 updated, 2 left unchanged, 3 skipped"
    );
    let own = w.gloss(&["import", &json]);
    assert_eq!(
        summary(&own),
        "imported 2 articles: 0 added, 0 updated, 3 left unchanged, 0 skipped"
    );
    assert_eq!(
        snapshot(&w.data),
        before,
        "a repeated import must not write"
    );
    assert_eq!(
        stored(&w.data)
            .iter()
            .map(|f| f.highlights.len())
            .sum::<usize>(),
        5
    );
}

#[test]
fn merging_keeps_newer_and_local_highlights() {
    let w = world();
    let export = w.ok(&w.data, &["export", "--format", "json"]);
    let file = write(&w, "backup.json", &export);

    // Another data dir: a newer edit of H1, an older copy of H2, and a
    // highlight only it has.
    let local = w.other_data("local");
    w.mark_in(
        &local,
        &[
            Mark {
                note: "edited here later",
                updated: "2025-01-01T00:00:00Z",
                ..Mark::new(FIELD, HERONS, H1)
            },
            Mark {
                note: "older copy",
                updated: "2024-01-01T00:00:00Z",
                ..Mark::new(FIELD, SAMPHIRE, H2)
            },
            Mark::new(ORCHARD, FRUIT, H4),
        ],
    );
    let out = w.gloss_in(&local, &["import", &file]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        summary(&out),
        "imported 2 articles: 1 added, 1 updated, 1 left unchanged, 0 skipped"
    );
    let files = stored(&local);
    assert_eq!(files.len(), 2, "no duplicate annotation files");
    let all: Vec<_> = files.iter().flat_map(|f| f.highlights.iter()).collect();
    let note = |id: &str| all.iter().find(|h| h.id == id).map(|h| h.note.clone());
    assert_eq!(note(H1).as_deref(), Some("edited here later"));
    assert_eq!(note(H2).as_deref(), Some(""));
    assert_eq!(note(H3).as_deref(), Some("Spring, \"finally\"."));
    assert_eq!(note(H4).as_deref(), Some(""));
    assert_eq!(all.len(), 4);
}

#[test]
fn foreign_paths_merge_by_fingerprint() {
    let w = world();
    let field = w.article(FIELD).display().to_string();
    let export = w.ok(&w.data, &["export", "--format", "json", &field]);
    let foreign = export.replace(&field, "/home/someone-else/reading/field-notes.md");
    assert_ne!(foreign, export);
    let file = write(&w, "from-laptop.json", &foreign);

    // Only H4 is stored here for the same article text.
    let local = w.other_data("local");
    w.mark_in(&local, &[Mark::new(FIELD, "Later the water turned", H4)]);
    let out = w.gloss_in(&local, &["import", &file]);
    assert!(out.status.success(), "{}", stderr(&out));
    let files = stored(&local);
    assert_eq!(files.len(), 1, "merged into the local article's file");
    assert_eq!(files[0].article.path, field, "the local path is kept");
    assert_eq!(files[0].highlights.len(), 3);
}

#[test]
fn a_malformed_file_changes_nothing() {
    let w = world();
    let before = snapshot(&w.data);
    let good = w.ok(&w.data, &["export", "--format", "json"]);
    let cases = [
        ("truncated.json", good[..good.len() / 2].to_owned()),
        ("not-json.json", "gloss_export = 1\n".to_owned()),
        (
            "bad-highlight.json",
            good.replacen("\"start\": ", "\"start\": -", 1),
        ),
        (
            "newer.json",
            good.replacen("\"gloss_export\": 2", "\"gloss_export\": 3", 1),
        ),
        ("numbers.json", "[1, 2, 3]".to_owned()),
    ];
    for (name, text) in cases {
        let file = write(&w, name, &text);
        let out = w.gloss(&["import", &file]);
        assert_eq!(out.status.code(), Some(1), "{name}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(err.starts_with("gloss: "), "{name}: {err}");
        assert!(
            err.contains(name),
            "{name}: the message names the file: {err}"
        );
        assert!(err.contains("nothing was imported"), "{name}: {err}");
        assert!(
            err.matches(" at line ").count() <= 1,
            "{name}: said twice: {err}"
        );
        assert!(out.stdout.is_empty(), "{name}");
        assert_eq!(snapshot(&w.data), before, "{name} changed the data dir");
    }

    // An empty data dir stays empty (not even created).
    let fresh = w.other_data("fresh");
    let file = write(&w, "truncated.json", &good[..10]);
    assert_eq!(
        w.gloss_in(&fresh, &["import", &file]).status.code(),
        Some(1)
    );
    assert!(!fresh.exists());
}

#[test]
fn a_missing_import_file_is_reported() {
    let w = World::new();
    let out = w.gloss(&["import", "no-such-export.json"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.starts_with("gloss: cannot read no-such-export.json"),
        "{err}"
    );
    assert!(!Path::new(&w.data).exists());
}

/// Someone else's JSON export with `HOSTILE` in every text field a person
/// writes: the article title, author and date, and a highlight's note, tags
/// and colour.
fn hostile_export(w: &World) -> String {
    let json = w.ok(&w.data, &["export", "--format", "json"]);
    let mut value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let article = &mut value["articles"][0];
    for field in ["title", "author", "date"] {
        article[field] = HOSTILE.into();
    }
    let h = &mut article["highlights"][0];
    h["note"] = HOSTILE.into();
    h["color"] = HOSTILE.into();
    h["tags"] = serde_json::json!([HOSTILE, "plain"]);
    write(w, "hostile.json", &value.to_string())
}

#[test]
fn an_import_stores_control_characters_as_placeholders() {
    let w = world();
    let file = hostile_export(&w);
    let fresh = w.other_data("fresh");
    let out = w.gloss_in(&fresh, &["import", &file]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        summary(&out).ends_with("control characters in 6 fields were replaced by placeholders"),
        "{}",
        summary(&out)
    );
    let files = stored(&fresh);
    let hostile = files
        .iter()
        .flat_map(|f| &f.highlights)
        .find(|h| h.tags.iter().any(|t| t == "plain"))
        .expect("the hostile highlight was imported");
    let article = &files
        .iter()
        .find(|f| f.highlights.iter().any(|h| h.id == hostile.id))
        .unwrap()
        .article;
    let fields = [
        &hostile.note,
        &hostile.color,
        &hostile.tags[0],
        &article.title,
        article.author.as_ref().unwrap(),
        article.date.as_ref().unwrap(),
    ];
    for field in fields {
        assert_eq!(forbidden_chars(field), Vec::<char>::new(), "{field:?}");
        assert!(field.starts_with("x␛[6n␛[2J␛]0;OWNED-TITLE␇"), "{field:?}");
    }
    // And what goes back out is as clean, in every format.
    for format in ["markdown", "json", "csv", "w3c"] {
        let out = w.gloss_in(&fresh, &["export", "--format", format]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert_eq!(
            forbidden_bytes(&out.stdout),
            Vec::<String>::new(),
            "{format}"
        );
    }
}

#[test]
fn two_imported_highlights_with_one_id_are_both_kept() {
    let w = world();
    let json = w.ok(&w.data, &["export", "--format", "json"]);
    let mut value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let highlights = value["articles"][0]["highlights"].as_array_mut().unwrap();
    assert_eq!(highlights.len(), 2, "{json}");
    let first_id = highlights[0]["id"].clone();
    highlights[1]["id"] = first_id.clone();
    let file = write(&w, "duplicated.json", &value.to_string());

    let fresh = w.other_data("fresh");
    let out = w.gloss_in(&fresh, &["import", &file]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        summary(&out),
        "imported 2 articles: 3 added, 0 updated, 0 left unchanged, 0 skipped; \
         1 highlight shared an id with another and was kept under a new id"
    );
    let files = stored(&fresh);
    let field = files.iter().find(|f| f.highlights.len() == 2).unwrap();
    let ids: Vec<&str> = field.highlights.iter().map(|h| h.id.as_str()).collect();
    assert!(ids.contains(&first_id.as_str().unwrap()), "{ids:?}");
    assert_ne!(ids[0], ids[1]);
    let quotes: Vec<&str> = field
        .highlights
        .iter()
        .map(|h| h.anchor.quote.as_str())
        .collect();
    assert!(
        quotes.contains(&HERONS) && quotes.contains(&SAMPHIRE),
        "{quotes:?}"
    );

    // The new id is the same every time: importing again adds nothing.
    let before = snapshot(&fresh);
    let again = w.gloss_in(&fresh, &["import", &file]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(
        summary(&again).starts_with("imported 2 articles: 0 added, 0 updated, 3 left unchanged"),
        "{}",
        summary(&again)
    );
    assert_eq!(snapshot(&fresh), before);
}

/// An article whose file name is not UTF-8 (a Latin-1 "é"), highlighted
/// through the store as the app records it (the exact bytes of its path).
#[cfg(unix)]
fn latin1_article(w: &World) -> std::path::PathBuf {
    use gloss::annotations::{ArticleRecord, Op, Store, path_to_text, testing};
    use gloss::document::{Document, ParseOptions};
    use gloss::library::{self, Source};
    use std::os::unix::ffi::OsStrExt;
    let path = w
        .articles
        .join(std::ffi::OsStr::from_bytes(b"caf\xe9-notes.md"));
    fs::write(
        &path,
        "A first line.\n\nThe kettle sang while the rain kept on.\n",
    )
    .unwrap();
    let loaded = library::load(&Source::File(path.clone())).unwrap();
    let doc = Document::parse_complete(&loaded.text, loaded.format, ParseOptions::default());
    let text = doc.text();
    let quote = "The kettle sang while the rain kept on.";
    let record = ArticleRecord {
        title: "Kettle".into(),
        path: path_to_text(&path),
        fingerprint: gloss::annotations::fingerprint(&loaded.text),
        ..ArticleRecord::default()
    };
    let highlight = testing::highlight(H4)
        .first_of(text, quote)
        .at("2024-03-04T10:00:00Z")
        .note("By the window.")
        .build();
    Store::new(&w.data)
        .apply(None, &record, &[Op::Upsert(highlight)])
        .unwrap();
    path
}

/// The notes stored for the file at `path` in `data`, found as the app finds
/// them: by the file's exact path, with no fingerprint to fall back on.
#[cfg(unix)]
fn notes_of(data: &Path, path: &Path) -> Option<gloss::annotations::AnnotationFile> {
    gloss::annotations::Store::new(data)
        .find(path, "")
        .unwrap()
        .map(|f| f.content)
}

/// `gloss --data-dir DATA export --format json PATH` for a path that is not
/// UTF-8 (the shared helper takes text arguments only).
#[cfg(unix)]
fn export_one(w: &World, data: &Path, path: &Path) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gloss"))
        .arg("--data-dir")
        .arg(data)
        .args(["export", "--format", "json"])
        .arg(path)
        .current_dir(w.tmp.path())
        .env("HOME", w.tmp.path())
        .env("XDG_CONFIG_HOME", w.tmp.path().join("config"))
        .env("XDG_DATA_HOME", w.tmp.path().join("xdg-data"))
        .env_remove("GLOSS_DATA_DIR")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    String::from_utf8(out.stdout).unwrap()
}

#[cfg(unix)]
#[test]
fn a_file_name_that_is_not_utf8_survives_a_json_export_and_import() {
    let w = World::new();
    let path = latin1_article(&w);
    let json = w.ok(&w.data, &["export", "--format", "json"]);
    let file = write(&w, "backup.json", &json);
    let fresh = w.other_data("fresh");
    let out = w.gloss_in(&fresh, &["import", &file]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        summary(&out),
        "imported 1 article: 1 added, 0 updated, 0 left unchanged, 0 skipped"
    );
    // The imported notes are the very same file's, found by its exact path.
    let notes = notes_of(&fresh, &path).expect("found by the file's own path");
    assert_eq!(notes.highlights.len(), 1);
    assert_eq!(notes.highlights[0].note, "By the window.");
    assert_eq!(Some(notes), notes_of(&w.data, &path));
    // Naming the file on the command line selects its notes.
    let only: serde_json::Value = serde_json::from_str(&export_one(&w, &fresh, &path)).unwrap();
    assert_eq!(only["articles"].as_array().map(Vec::len), Some(1), "{only}");
    // Importing it again adds nothing.
    let again = w.gloss_in(&fresh, &["import", &file]);
    assert!(
        summary(&again).starts_with("imported 1 article: 0 added, 0 updated, 1 left unchanged"),
        "{}",
        summary(&again)
    );
}

#[cfg(unix)]
#[test]
fn a_file_name_that_is_not_utf8_survives_a_w3c_export_and_import() {
    let w = World::new();
    let path = latin1_article(&w);
    let w3c = w.ok(&w.data, &["export", "--format", "w3c"]);
    // The URI carries the name's own byte, percent-encoded.
    assert!(w3c.contains("caf%E9-notes.md"), "{w3c}");
    let file = write(&w, "annotations.jsonld", &w3c);
    let fresh = w.other_data("fresh");
    let out = w.gloss_in(&fresh, &["import", &file]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        summary(&out),
        "imported 1 article: 1 added, 0 updated, 0 left unchanged, 0 skipped"
    );
    let notes = notes_of(&fresh, &path).expect("found by the file's own path");
    assert_eq!(notes.highlights[0].note, "By the window.");
    assert!(!notes.highlights[0].orphaned);
}

#[cfg(unix)]
#[test]
fn a_markdown_export_shows_a_name_that_is_not_utf8_with_a_replacement_character() {
    let w = World::new();
    latin1_article(&w);
    let md = w.ok(&w.data, &["export", "--format", "md"]);
    assert!(md.contains("caf\u{fffd}-notes.md"), "{md}");
    // The command to open it names the file's own byte.
    assert!(md.contains(r"caf\xe9-notes.md' --at "), "{md}");
    assert!(
        !md.chars()
            .any(|c| ('\u{10ff00}'..='\u{10ffff}').contains(&c)),
        "{md}"
    );
}
