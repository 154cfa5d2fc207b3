//! `gloss notes` run as a script would: the real binary, no terminal, on a
//! data directory filled through the library API.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly

mod cli_common;

use std::fs;

use cli_common::{Mark, World};

const FIELD: &str = "field-notes.md";
const ORCHARD: &str = "more/orchard.txt";
const HERONS: &str = "The tide came in slowly over the mudflats while the herons waited.";
const SAMPHIRE: &str = "samphire grows in dense green mats";
const BEES: &str = "Bees arrived in April and worked the blossom for three warm weeks.";

/// Three highlights over two articles with notes, tags, colours and dates
/// the filters tell apart.
fn world() -> World {
    let w = World::new();
    w.mark(&[
        Mark {
            note: "Herons are patient. #birds #tides\nSecond line.",
            tags: &["birds", "tides"],
            updated: "2024-03-04T10:00:00Z",
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
            note: "Spring. #Birds",
            tags: &["Birds"],
            updated: "2024-05-01T08:00:00Z",
            ..Mark::new(ORCHARD, BEES, "01HZX3A6Q4W5V8F0J3M2K7N9A3")
        },
    ]);
    w
}

fn json(w: &World, args: &[&str]) -> Vec<serde_json::Value> {
    let mut all = vec!["notes", "--json"];
    all.extend_from_slice(args);
    let out = w.ok(&w.data, &all);
    serde_json::from_str::<serde_json::Value>(&out)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn ids(notes: &[serde_json::Value]) -> Vec<String> {
    notes
        .iter()
        .map(|n| n["id"].as_str().unwrap()[24..].to_string())
        .collect()
}

#[test]
fn lists_every_note_newest_first_as_text() {
    let w = world();
    let out = w.ok(&w.data, &["notes"]);
    let samphire = out.find("samphire").unwrap();
    let bees = out.find("> Bees arrived").unwrap();
    let herons = out.find("> The tide came in").unwrap();
    assert!(samphire < bees && bees < herons, "{out}");
    assert!(
        out.contains("Field Notes on Tides · 2024-03-04 · yellow · #birds #tides\n> The tide"),
        "{out}"
    );
    assert!(
        out.contains("Herons are patient. #birds #tides\nSecond line.\n"),
        "{out}"
    );
}

#[test]
fn filters_by_tag_colour_date_and_query() {
    let w = world();
    assert_eq!(
        ids(&json(&w, &["--tag", "birds"])),
        ["A3", "A1"],
        "tag, any case"
    );
    assert_eq!(ids(&json(&w, &["--color", "green"])), ["A2"]);
    assert_eq!(ids(&json(&w, &["--since", "2024-04-01"])), ["A2", "A3"]);
    assert_eq!(ids(&json(&w, &["patient"])), ["A1"], "note text");
    assert_eq!(ids(&json(&w, &["#birds", "in:orchard"])), ["A3"]);
    assert_eq!(ids(&json(&w, &["color:pink"])), ["A3"]);
    assert_eq!(ids(&json(&w, &["--sort", "colour"])), ["A1", "A2", "A3"]);
    assert!(json(&w, &["nothing-like-this"]).is_empty());
}

#[test]
fn json_carries_what_scripts_need() {
    let w = world();
    let notes = json(&w, &["--tag", "plants"]);
    let n = &notes[0];
    assert_eq!(n["quote"], SAMPHIRE);
    assert_eq!(n["color"], "green");
    assert_eq!(n["article"], "Field Notes on Tides");
    assert_eq!(n["path"], w.article(FIELD).display().to_string());
    assert_eq!(n["tags"], serde_json::json!(["plants"]));
    assert_eq!(n["updated"], "2024-06-01T08:00:00+00:00");
    let (start, end) = w.chars_of(FIELD, SAMPHIRE);
    assert_eq!(
        (n["start"].as_u64(), n["end"].as_u64()),
        (Some(start as u64), Some(end as u64))
    );
}

#[test]
fn a_colour_not_in_the_palette_is_a_usage_error() {
    let w = world();
    let out = w.gloss(&["notes", "--color", "mauve"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no colour \"mauve\" in the palette"), "{err}");
}

#[test]
fn an_unreadable_notes_file_is_named_and_fails_the_run() {
    let w = world();
    fs::write(w.data.join("annotations/broken.toml"), "version = [").unwrap();
    let out = w.gloss(&["notes", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("broken.toml"));
    let listed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        listed.as_array().unwrap().len(),
        3,
        "the readable ones still listed"
    );
}

#[test]
fn control_characters_from_a_notes_file_never_reach_the_terminal() {
    let w = World::new();
    w.mark(&[Mark {
        note: "evil \x1b]0;owned\x07 note",
        ..Mark::new(FIELD, HERONS, "01HZX3A6Q4W5V8F0J3M2K7N9A9")
    }]);
    let out = w.ok(&w.data, &["notes"]);
    assert!(!out.contains('\x1b') && !out.contains('\x07'), "{out:?}");
    assert!(out.contains("evil"));
}

#[test]
fn no_notes_says_so_on_stderr() {
    let w = World::new();
    let out = w.gloss(&["notes"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no notes match"));
}

#[test]
fn json_gives_an_orphan_no_current_offsets() {
    let w = world();
    let (start, end) = w.add_orphan(
        FIELD,
        "01HZX3A6Q4W5V8F0J3M2K7N9A4",
        "words that were deleted",
    );
    let notes = json(&w, &[]);
    let lost = notes
        .iter()
        .find(|n| n["quote"] == "words that were deleted")
        .unwrap();
    // A script that opens `--at start` must not land on some other passage.
    assert!(lost["start"].is_null() && lost["end"].is_null(), "{lost}");
    assert_eq!(
        (lost["last_start"].as_u64(), lost["last_end"].as_u64()),
        (Some(start as u64), Some(end as u64))
    );
    let placed = notes.iter().find(|n| n["quote"] == SAMPHIRE).unwrap();
    assert!(placed.get("last_start").is_none());
}
