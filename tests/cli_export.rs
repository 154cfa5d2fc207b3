//! `gloss export` run as a user would from a shell or cron: the real binary,
//! no terminal, on a data directory filled through the library API; and once
//! end to end, after highlighting in the app in a pseudo-terminal.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod cli_common;
mod support;

use std::fs;

use cli_common::{Mark, World, stderr, stored};
use gloss::export::{CSV_HEADER, from_json, from_w3c};

const FIELD: &str = "field-notes.md";
const ORCHARD: &str = "more/orchard.txt";
const HERONS: &str = "The tide came in slowly over the mudflats while the herons waited.";
const SAMPHIRE: &str = "samphire grows in dense green mats";
const BEES: &str = "Bees arrived in April and worked the blossom for three warm weeks.";

/// Three highlights over two articles, with notes, tags, colours and dates
/// that the filters can tell apart.
fn world() -> World {
    let w = World::new();
    w.mark(&[
        Mark {
            note: "Herons are *patient*.\nSecond line.",
            tags: &["birds", "tides"],
            ..Mark::new(FIELD, HERONS, "01HZX3A6Q4W5V8F0J3M2K7N9A1")
        },
        Mark {
            color: "green",
            tags: &["plants"],
            updated: "2024-06-01T08:00:00Z",
            ..Mark::new(FIELD, SAMPHIRE, "01HZX3A6Q4W5V8F0J3M2K7N9A2")
        },
        Mark {
            color: "pink",
            note: "Spring.",
            updated: "2023-12-24T18:30:00Z",
            ..Mark::new(ORCHARD, BEES, "01HZX3A6Q4W5V8F0J3M2K7N9A3")
        },
    ]);
    w
}

fn quotes(json: &str) -> Vec<String> {
    from_json(json)
        .unwrap()
        .iter()
        .flat_map(|f| f.highlights.iter().map(|h| h.anchor.quote.clone()))
        .collect()
}

#[test]
fn markdown_on_stdout_has_quotes_notes_and_links_back() {
    let w = world();
    let out = w.gloss(&["export"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let md = String::from_utf8(out.stdout.clone()).unwrap();
    assert!(md.contains("# Field Notes on Tides"), "{md}");
    assert!(md.contains(&format!("> {HERONS}")), "{md}");
    assert!(md.contains("Herons are \\*patient\\*."), "{md}");
    assert!(md.contains("#birds #tides"), "{md}");
    let (start, _) = w.chars_of(FIELD, HERONS);
    let link = format!("gloss open '{}' --at {start}", w.article(FIELD).display());
    assert!(md.contains(&link), "no backlink {link:?} in:\n{md}");
    assert!(md.contains(BEES), "{md}");
    // Nothing but the document goes to stdout.
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
}

#[test]
fn output_folder_gets_one_markdown_file_per_article() {
    let w = world();
    let folder = w.tmp.path().join("notes/");
    let folder_arg = format!("{}/", folder.display());
    let out = w.ok(
        &w.data,
        &["export", "--output", &folder_arg, "--front-matter"],
    );
    assert!(
        out.contains("exported 3 highlights from 2 articles"),
        "{out}"
    );
    let mut names: Vec<String> = fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 2, "{names:?}");
    let field = fs::read_to_string(folder.join("field-notes-on-tides.md")).unwrap();
    assert!(field.starts_with("---\n"), "{field}");
    assert!(field.contains(HERONS) && !field.contains(BEES), "{field}");

    // Another format into an existing folder: one file named after gloss.
    w.ok(
        &w.data,
        &[
            "export",
            "--format",
            "csv",
            "-o",
            &folder.display().to_string(),
        ],
    );
    assert!(folder.join("gloss-export.csv").is_file());
}

#[test]
fn json_reads_back_as_exactly_what_is_stored() {
    let w = world();
    let json = w.ok(&w.data, &["export", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["gloss_export"], 2);
    let mut exported = from_json(&json).unwrap();
    exported.sort_by(|a, b| a.article.path.cmp(&b.article.path));
    assert_eq!(exported, stored(&w.data));
}

#[test]
fn csv_has_readwise_columns_and_one_row_per_highlight() {
    let w = world();
    let text = w.ok(&w.data, &["export", "--format", "csv"]);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(header, CSV_HEADER);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3);
    let herons = rows.iter().find(|r| &r[0] == HERONS).expect("herons row");
    assert_eq!(&herons[1], "Field Notes on Tides");
    assert!(herons[4].contains("Herons are *patient*."), "{herons:?}");
}

#[test]
fn w3c_is_an_annotation_collection_with_every_highlight() {
    let w = world();
    let text = w.ok(&w.data, &["export", "--format", "w3c"]);
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(value["type"], "AnnotationCollection");
    assert_eq!(value["total"], 3);
    let annotations = from_w3c(&text).unwrap();
    let herons = annotations.iter().find(|a| a.exact == HERONS).unwrap();
    assert_eq!(herons.source, w.article(FIELD).display().to_string());
    assert_eq!(herons.tags, ["birds", "tides"]);
    // Positions count the characters of the file the source names.
    let file = fs::read_to_string(w.article(FIELD)).unwrap();
    let start = file[..file.find(HERONS).unwrap()].chars().count();
    let end = start + HERONS.chars().count();
    assert_eq!(
        (herons.start.map(|c| c.get()), herons.end.map(|c| c.get())),
        (Some(start), Some(end))
    );
}

#[test]
fn two_runs_give_identical_bytes_in_every_format() {
    let w = world();
    for format in ["markdown", "json", "csv", "w3c"] {
        let first = w.ok(&w.data, &["export", "--format", format]);
        let second = w.ok(&w.data, &["export", "--format", format]);
        assert!(!first.is_empty());
        assert_eq!(first, second, "{format}");
    }
    // And the same bytes written to a file.
    let file = w.tmp.path().join("out.json");
    let file_arg = file.display().to_string();
    w.ok(&w.data, &["export", "-f", "json", "-o", &file_arg]);
    assert_eq!(
        fs::read_to_string(&file).unwrap(),
        w.ok(&w.data, &["export", "-f", "json"])
    );
}

#[test]
fn filters_select_highlights() {
    let w = world();
    // One more, orphaned, to filter on.
    w.add_orphan(
        FIELD,
        "01HZX3A6Q4W5V8F0J3M2K7N9A4",
        "words that were deleted",
    );

    let json = |args: &[&str]| {
        let mut all = vec!["export", "--format", "json"];
        all.extend_from_slice(args);
        quotes(&w.ok(&w.data, &all))
    };
    assert_eq!(json(&[]).len(), 4);
    assert_eq!(json(&["--tag", "plants"]), [SAMPHIRE]);
    assert_eq!(json(&["--tag", "#Plants", "--tag", "nothing"]), [SAMPHIRE]);
    assert_eq!(json(&["--color", "pink"]), [BEES]);
    assert_eq!(json(&["--orphaned"]), ["words that were deleted"]);
    assert_eq!(json(&["--since", "2024-05-01"]), [SAMPHIRE]);
    assert_eq!(json(&["--since", "2024-01-01", "--tag", "birds"]).len(), 2);
    assert!(json(&["--color", "purple"]).is_empty());

    // PATH limits to articles in a folder or one file.
    let more = w.article("more").display().to_string();
    assert_eq!(json(&[&more]), [BEES]);
    let field = w.article(FIELD).display().to_string();
    assert_eq!(json(&[&field]).len(), 3);
    // Relative paths are resolved against the current folder.
    assert_eq!(json(&["articles/more/"]), [BEES]);
}

#[test]
fn unknown_format_and_bad_dates_are_usage_errors() {
    let w = world();
    for args in [
        &["export", "--format", "pdf"][..],
        &["export", "--since", "last tuesday"],
        &["export", "no/such/article.md"],
    ] {
        let out = w.gloss(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = stderr(&out);
        assert!(err.starts_with("gloss: "), "{err}");
        assert!(out.stdout.is_empty());
    }
    let err = stderr(&w.gloss(&["export", "--format", "pdf"]));
    assert!(err.contains("unknown export format \"pdf\""), "{err}");
    assert!(err.contains("json"), "{err}");
    let err = stderr(&w.gloss(&["export", "--since", "last tuesday"]));
    assert!(err.contains("YYYY-MM-DD"), "{err}");
}

#[test]
fn unwritable_output_fails_with_status_1() {
    let w = world();
    // A path under a regular file cannot be created, even by root.
    let blocker = w.tmp.path().join("a-file");
    fs::write(&blocker, "x").unwrap();
    for (format, output) in [
        ("json", blocker.join("out.json")),
        ("markdown", blocker.join("folder/")),
    ] {
        let output = output.display().to_string();
        let output = if format == "markdown" {
            format!("{output}/")
        } else {
            output
        };
        let out = w.gloss(&["export", "--format", format, "--output", &output]);
        assert_eq!(out.status.code(), Some(1), "{format}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(err.starts_with("gloss: cannot "), "{err}");
        assert!(err.contains("a-file"), "{err}");
    }
}

#[test]
fn an_unreadable_annotation_file_is_reported_and_the_rest_exported() {
    let w = world();
    fs::write(w.data.join("annotations/broken.toml"), "version = [").unwrap();
    let out = w.gloss(&["export", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("broken.toml"), "{}", stderr(&out));
    assert_eq!(
        quotes(&String::from_utf8(out.stdout.clone()).unwrap()).len(),
        3
    );
}

#[test]
fn an_empty_data_dir_exports_nothing_without_failing() {
    let w = World::new();
    let out = w.gloss(&["export", "--format", "json"]);
    assert!(out.status.success());
    assert!(quotes(&String::from_utf8(out.stdout.clone()).unwrap()).is_empty());
    assert!(stderr(&out).contains("no highlights"), "{}", stderr(&out));
    assert!(!w.data.exists(), "export must not create the data folder");
}

/// Highlights made in the app, in a pseudo-terminal, come out of every
/// export format; `gloss open --at` puts the cursor where the backlink says.
#[test]
fn highlights_made_in_the_app_are_exported() {
    let w = World::new();
    let article = w.article(FIELD);
    let article_arg = article.display().to_string();
    // A sentence that ends in a word: the selection then ends exactly at
    // the sentence's end whichever way the app snaps it to words.
    let sentence = "Notes kept in pencil on the back of an old tide table";
    let (start, _) = w.chars_of(FIELD, "pencil");
    let at = start.to_string();
    let mut g = support::Gloss::start(&["open", &article_arg, "--at", &at], 100, 30);
    g.wait_for("pencil");
    g.send("s");
    g.send("m");
    g.send("\x1b");
    g.send("q");
    if g.wait_exit() != 0 {
        panic!("gloss failed:\n{}", g.screen());
    }
    let data = g.data_dir();
    let json = w.ok(&data, &["export", "--format", "json"]);
    assert_eq!(quotes(&json), [sentence], "{json}");
    let csv = w.ok(&data, &["export", "--format", "csv"]);
    assert!(csv.contains(sentence), "{csv}");
    let md = w.ok(&data, &["export"]);
    assert!(md.contains(&format!("> {sentence}")), "{md}");
    let (sentence_start, _) = w.chars_of(FIELD, sentence);
    assert!(md.contains(&format!("--at {sentence_start}")), "{md}");
    let w3c = w.ok(&data, &["export", "--format", "w3c"]);
    assert_eq!(from_w3c(&w3c).unwrap()[0].exact, sentence);
}

#[test]
fn paths_and_damaged_files_are_echoed_on_stderr_as_placeholders() {
    let w = World::new();
    let evil = "gone\u{1b}]0;OWNED\u{7}\u{9b}6n\u{202e}.md";
    let out = w.gloss(&["export", evil]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        cli_common::forbidden_bytes(&out.stderr).is_empty(),
        "{:?}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("gone␛]0;OWNED␇"), "{}", stderr(&out));

    // A config file named with an escape sequence that does not exist.
    let out = w.gloss(&["--config", evil, "export"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        cli_common::forbidden_bytes(&out.stderr).is_empty(),
        "{:?}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("config file gone␛]0;OWNED␇"),
        "{}",
        stderr(&out)
    );

    // A hand-damaged notes file: its parse error quotes the bad line.
    let notes = w.data.join("annotations");
    std::fs::create_dir_all(&notes).unwrap();
    std::fs::write(
        notes.join("damaged.toml"),
        b"version = 1\n\x1b]0;OWNED\x07\xc2\x9b6n = [\n",
    )
    .unwrap();
    let out = w.gloss(&["export", "--format", "csv"]);
    assert!(stderr(&out).contains("damaged.toml"), "{}", stderr(&out));
    assert!(
        cli_common::forbidden_bytes(&out.stderr).is_empty(),
        "{:?}",
        stderr(&out)
    );
    assert!(cli_common::forbidden_bytes(&out.stdout).is_empty());
}
