//! Reading exports back: JSON restores every stored field, the CSV parses to
//! the same fields with a real CSV reader, the W3C output has what the data
//! model requires and reads back, other tools' annotations parse, and an
//! import merges without duplicates.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "fixtures/export/fixture.rs"]
mod fixture;

use fixture::{at, files, files_as_exported, read_fixture};
use gloss::export::{
    CSV_HEADER, Filter, MergeCounts, SourcePositions, W3cOptions, file_uri, from_json, from_w3c,
    merge_import, to_csv, to_json, to_w3c_with, w3c_to_files,
};
use serde_json::Value;

#[test]
fn json_reads_back_to_the_same_files() {
    let text = to_json(&files(), &Filter::default());
    let back = from_json(&text).unwrap();
    assert_eq!(back, files_as_exported());
    // And again: a re-export of the import is byte-identical.
    assert_eq!(to_json(&back, &Filter::default()), text);
}

#[test]
fn csv_parses_to_the_same_fields() {
    let text = to_csv(&files(), &Filter::default());
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(header, CSV_HEADER);
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();

    let mut expected: Vec<Vec<String>> = Vec::new();
    for f in files_as_exported() {
        let title = if f.article.title.is_empty() {
            f.article.path.rsplit('/').next().unwrap().to_owned()
        } else {
            f.article.title.clone()
        };
        for h in &f.highlights {
            // Orphans say so in the note and have no location; tags are
            // the words the Markdown export writes; a cell a spreadsheet
            // would run as a formula starts with `'`.
            let mut note: Vec<String> = Vec::new();
            if h.orphaned {
                note.push("[orphaned]".into());
            }
            note.extend(
                h.tags
                    .iter()
                    .map(|t| format!(".{}", t.trim_start_matches('#').replace(' ', "-"))),
            );
            if !h.note.is_empty() {
                note.push(h.note.clone());
            }
            let inert = |cell: String| {
                if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                    format!("'{cell}")
                } else {
                    cell
                }
            };
            expected.push(vec![
                inert(h.anchor.quote.clone()),
                title.clone(),
                f.article.author.clone().unwrap_or_default(),
                file_uri(&f.article.path),
                inert(note.join(" ")),
                if h.orphaned {
                    String::new()
                } else {
                    h.anchor.start.to_string()
                },
                h.created.format("%Y-%m-%d %H:%M:%S").to_string(),
            ]);
        }
    }
    assert_eq!(rows, expected);
    assert!(
        rows.iter()
            .any(|r| r[0].contains("a line\nwith CRLF") && !r[0].contains('\r')),
        "a CRLF inside a quote survives as a line break, without the CR"
    );
    assert!(rows.iter().any(|r| r[4].contains("\"\"\"triple\"\"\"")));
}

fn as_array(v: &Value) -> Vec<&Value> {
    match v {
        Value::Array(a) => a.iter().collect(),
        other => vec![other],
    }
}

/// The W3C export as the command writes it: the palette's colours, and
/// positions in the article files (here the files are taken to hold the
/// canonical text, so a passage is where its anchor says).
fn w3c_export() -> String {
    let mut positions = SourcePositions::default();
    for f in files() {
        for h in &f.highlights {
            positions.insert(&f.article.path, h.id.as_str(), h.anchor.start..h.anchor.end);
        }
    }
    let options = W3cOptions {
        positions,
        palette: gloss::config::HighlightConfig::default().palette,
    };
    to_w3c_with(&files(), &Filter::default(), &options)
}

#[test]
fn w3c_has_what_the_data_model_requires() {
    let text = w3c_export();
    let root: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(root["@context"][0], "http://www.w3.org/ns/anno.jsonld");
    assert_eq!(root["@context"][1]["gloss"], "urn:gloss:vocab#");
    assert_eq!(root["type"], "AnnotationCollection");
    assert!(root["id"].as_str().unwrap().starts_with("urn:"));
    assert!(root["label"].is_string());
    let page = &root["first"];
    assert_eq!(page["type"], "AnnotationPage");
    assert!(page["id"].as_str().unwrap().starts_with("urn:"));
    let items = page["items"].as_array().unwrap();
    assert_eq!(root["total"].as_u64().unwrap() as usize, items.len());
    assert_eq!(items.len(), 7);

    let mut ids = std::collections::HashSet::new();
    for item in items {
        let id = item["id"].as_str().unwrap();
        assert!(id.starts_with("urn:gloss:highlight:"), "{id}");
        assert!(ids.insert(id), "duplicate id {id}");
        assert_eq!(item["type"], "Annotation");
        for key in ["created", "modified"] {
            let t = item[key].as_str().unwrap();
            assert!(
                chrono::DateTime::parse_from_rfc3339(t).is_ok() && t.ends_with('Z'),
                "{t}"
            );
        }
        let motivation = item["motivation"].as_str().unwrap();
        let bodies = item.get("body").map(as_array).unwrap_or_default();
        let has_note = bodies.iter().any(|b| b["purpose"] == "commenting");
        assert_eq!(
            motivation,
            if has_note {
                "commenting"
            } else {
                "highlighting"
            }
        );
        for b in &bodies {
            assert_eq!(b["type"], "TextualBody");
            assert!(b["value"].is_string());
            match b["purpose"].as_str().unwrap() {
                "commenting" => assert_eq!(b["format"], "text/plain"),
                "tagging" => {}
                other => panic!("unexpected purpose {other}"),
            }
        }
        let target = &item["target"];
        assert!(target["source"].as_str().unwrap().starts_with("file:///"));
        let selectors = as_array(&target["selector"]);
        let types: Vec<&str> = selectors
            .iter()
            .map(|s| s["type"].as_str().unwrap())
            .collect();
        assert!(selectors[0]["exact"].is_string());
        if item["gloss:orphaned"] == true {
            // An orphan's old offsets name other text: none are given.
            assert_eq!(types, ["TextQuoteSelector"]);
        } else {
            assert_eq!(types, ["TextQuoteSelector", "TextPositionSelector"]);
            assert!(
                selectors[1]["start"].as_u64().unwrap() <= selectors[1]["end"].as_u64().unwrap()
            );
        }
        let class = target["styleClass"].as_str().unwrap();
        assert_eq!(item["stylesheet"]["type"], "CssStylesheet");
        // The palette's value, a CSS colour any stylesheet reader accepts.
        let value = item["stylesheet"]["value"].as_str().unwrap();
        let colour = value
            .strip_prefix(&format!(".{class} {{ background-color: #"))
            .and_then(|rest| rest.strip_suffix("; }"))
            .unwrap_or_else(|| panic!("{value}"));
        assert!(
            colour.len() == 6 && colour.chars().all(|c| c.is_ascii_hexdigit()),
            "{value}"
        );
    }
}

#[test]
fn w3c_reads_back_quotes_notes_tags_and_offsets() {
    let text = w3c_export();
    let back = from_w3c(&text).unwrap();
    let expected: Vec<(String, gloss::annotations::Highlight)> = files_as_exported()
        .into_iter()
        .flat_map(|f| {
            let path = f.article.path.clone();
            f.highlights.into_iter().map(move |h| (path.clone(), h))
        })
        .collect();
    assert_eq!(back.len(), expected.len());
    for (a, (path, h)) in back.iter().zip(&expected) {
        assert_eq!(&a.source, path);
        assert_eq!(a.exact, h.anchor.quote);
        assert_eq!(a.prefix, h.anchor.prefix);
        assert_eq!(a.suffix, h.anchor.suffix);
        if h.orphaned {
            assert_eq!((a.start, a.end), (None, None));
        } else {
            assert_eq!((a.start, a.end), (Some(h.anchor.start), Some(h.anchor.end)));
        }
        assert_eq!(a.note.clone().unwrap_or_default(), h.note);
        assert_eq!(a.tags, h.tags);
        assert_eq!(a.color.as_deref(), Some(h.color.as_str()));
        assert_eq!((a.created, a.modified), (Some(h.created), Some(h.updated)));
        assert_eq!(a.highlight_id(), h.id);
        // Apart from the orphaned flag, the highlight comes back whole.
        let mut round = a.to_highlight("yellow", at("2030-01-01T00:00:00Z"));
        round.orphaned = h.orphaned;
        if h.orphaned {
            round.anchor.start = h.anchor.start;
            round.anchor.end = h.anchor.end;
        }
        assert_eq!(&round, h);
    }
}

#[test]
fn hypothesis_api_rows_parse() {
    let anns = from_w3c(&read_fixture("hypothesis_api.json")).unwrap();
    assert_eq!(anns.len(), 3);
    let a = &anns[0];
    assert_eq!(a.source, "https://example.org/essays/attention");
    assert_eq!(a.exact, "Attention is the currency of the mind.");
    assert_eq!(a.prefix, "As the saying goes: ");
    assert_eq!((a.start, a.end), (Some(chars(2051)), Some(chars(2092))));
    assert_eq!(
        a.note.as_deref(),
        Some("Compare with the *deep work* chapter.")
    );
    assert_eq!(a.tags, ["focus", "to revisit"]);
    assert_eq!(a.title.as_deref(), Some("On Attention"));
    assert_eq!(a.created, Some(at("2023-11-04T17:21:09.112233Z")));
    assert_eq!(a.modified, Some(at("2023-11-05T08:00:00Z")));

    assert!(!anns[1].has_passage(), "a page note has no passage");
    assert_eq!(anns[2].source, "/home/ann/Papers/local copy.pdf");
    assert_eq!(anns[2].note, None);
    assert_eq!((anns[2].start, anns[2].end), (None, None));

    let grouped = w3c_to_files(&anns, "yellow", at("2030-01-01T00:00:00Z"));
    let paths: Vec<&str> = grouped.iter().map(|f| f.article.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "/home/ann/Papers/local copy.pdf",
            "https://example.org/essays/attention"
        ]
    );
    assert_eq!(grouped[1].highlights.len(), 1, "the page note is skipped");
    assert_eq!(grouped[1].article.title, "On Attention");
    assert!(
        grouped[0].highlights[0].orphaned,
        "no offsets: must be re-anchored"
    );
}

#[test]
fn hypothesis_jsonld_annotation_parses() {
    let anns = from_w3c(&read_fixture("hypothesis_annotation.jsonld")).unwrap();
    assert_eq!(anns.len(), 1);
    let a = &anns[0];
    assert_eq!(a.id.as_deref(), Some("https://example.org/a/Qm9va21hcmsx"));
    assert_eq!(
        a.note.as_deref(),
        Some("Compare with the *deep work* chapter.")
    );
    assert_eq!(a.tags, ["focus", "to revisit"]);
    assert_eq!(
        (a.start, a.end),
        (Some(chars(2051)), Some(chars(2092))),
        "refinedBy is ignored"
    );
    assert_eq!(a.exact, "Attention is the currency of the mind.");
    // Importing the same annotation twice gives the same highlight id.
    let again = from_w3c(&read_fixture("hypothesis_annotation.jsonld")).unwrap();
    assert_eq!(a.highlight_id(), again[0].highlight_id());
}

#[test]
fn importing_an_export_merges_without_duplicates() {
    let exported = from_json(&to_json(&files(), &Filter::default())).unwrap();
    let mut local = files_as_exported().remove(1);
    // Locally: one highlight deleted, one edited later than the export, one new.
    local
        .highlights
        .retain(|h| h.id != "01HZX3A6Q4W5V8F0J3M2K7N9P2");
    local.highlights[0].note = "edited after the export".into();
    local.highlights[0].updated = at("2025-01-01T00:00:00Z");
    let mut mine = local.highlights[0].clone();
    mine.id = "01HZX3A6Q4W5V8F0J3M2K7N9Z9".into();
    mine.anchor.start = chars(999);
    mine.anchor.end = chars(1000);
    local.highlights.push(mine);

    let incoming = &exported[1];
    let counts = merge_import(&mut local, incoming);
    assert_eq!(
        counts,
        MergeCounts {
            added: 1,
            updated: 0,
            unchanged: 4
        }
    );
    assert_eq!(local.highlights.len(), 6);
    assert!(
        local
            .highlights
            .iter()
            .any(|h| h.note == "edited after the export")
    );
    let again = merge_import(&mut local, incoming);
    assert_eq!(again.added + again.updated, 0);
}

/// A character offset, the unit selectors and anchors store.
fn chars(n: usize) -> gloss::document::CharOffset {
    gloss::document::CharOffset::new(n)
}
