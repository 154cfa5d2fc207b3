//! `gloss export --format anki` run as a user would: the real binary on a data
//! directory filled through the library API, checked against the layout of
//! Anki's text import (header lines, one note per highlight, tab-separated
//! fields with tabs and line breaks quoted, a stable GUID, tags carried over).

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod cli_common;

use std::fs;

use cli_common::{Mark, World, stderr};

const FIELD: &str = "field-notes.md";
const HERONS: &str = "The tide came in slowly over the mudflats while the herons waited.";
const SAMPHIRE: &str = "samphire grows in dense green mats";

fn world() -> World {
    let w = World::new();
    w.mark(&[
        Mark {
            note: "Herons are patient.\nSecond\tline.",
            tags: &["birds", "tides"],
            ..Mark::new(FIELD, HERONS, "01HZX3A6Q4W5V8F0J3M2K7N9A1")
        },
        Mark {
            color: "green",
            ..Mark::new(FIELD, SAMPHIRE, "01HZX3A6Q4W5V8F0J3M2K7N9A2")
        },
    ]);
    w
}

/// The file as Anki's importer reads it: `#` header lines, then records.
fn parse(text: &str) -> (Vec<&str>, Vec<Vec<String>>) {
    let headers = text.lines().take_while(|l| l.starts_with('#')).collect();
    let rows = csv::ReaderBuilder::new()
        .delimiter(b'\t')
        .comment(Some(b'#'))
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    (headers, rows)
}

#[test]
fn an_anki_file_anki_imports_without_changing_a_setting() {
    let w = world();
    let out = w.gloss(&["export", "--format", "anki"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    let (headers, rows) = parse(&text);
    assert_eq!(
        headers,
        [
            "#separator:tab",
            "#html:false",
            "#notetype:Basic",
            "#deck:gloss",
            "#columns:GUID\tFront\tBack\tTags",
            "#guid column:1",
            "#tags column:4",
        ]
    );
    assert_eq!(rows.len(), 2, "one note per highlight: {rows:?}");
    let herons = rows
        .iter()
        .find(|r| r[0] == "gloss-01HZX3A6Q4W5V8F0J3M2K7N9A1")
        .unwrap();
    assert_eq!(herons[1], HERONS);
    assert!(
        herons[2]
            .starts_with("Herons are patient.\nSecond\tline.\n\nField Notes on Tides\ngloss open "),
        "{:?}",
        herons[2]
    );
    assert!(herons[2].contains("field-notes.md"), "{:?}", herons[2]);
    assert_eq!(herons[3], "birds tides");
}

#[test]
fn the_txt_extension_picks_anki_and_a_second_export_has_the_same_ids() {
    let w = world();
    let file = w.tmp.path().join("cards.txt");
    let out = w.gloss(&["export", "--output", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let first = fs::read_to_string(&file).unwrap();
    assert!(first.starts_with("#separator:tab\n"), "{first}");
    let again = w.gloss(&["export", "--format", "anki"]);
    assert_eq!(String::from_utf8(again.stdout).unwrap(), first);
}
