#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly
//! `gloss import` of annotations as other tools really export them: web
//! addresses matched to local articles, the same annotations in two shapes,
//! targets gloss cannot use, the library fence, contexts of any length,
//! marks written in the article, and the exit status scripts rely on.

mod cli_common;

use std::fs;
use std::path::Path;

use cli_common::{World, stderr, stored};

const CLIP: &str = "---\ntitle: A clipped essay\nsource: \"https://example.com/essays/tides/\"\n---\n\n\
# A clipped essay\n\nAlpha beta comes first here. Later, Alpha beta gamma delta closes the thought.\n\n\
The marsh floods twice a day and the herons wait on the bank.\n";

fn world_with_clip() -> World {
    let w = World::new();
    fs::write(w.articles.join("clip.md"), CLIP).unwrap();
    w
}

fn write(w: &World, name: &str, text: &str) -> String {
    let path = w.tmp.path().join(name);
    fs::write(&path, text).unwrap();
    path.display().to_string()
}

fn summary(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .last()
        .unwrap_or("")
        .to_string()
}

/// Two annotations as the Hypothesis API returns them (`rows`).
const ROWS: &str = r#"{"total":2,"rows":[
 {"id":"AbC123","created":"2024-04-02T09:00:00.000000+00:00","updated":"2024-04-02T09:00:00.000000+00:00",
  "uri":"https://example.com/essays/tides","text":"the second one","tags":["t"],
  "target":[{"source":"https://example.com/essays/tides","selector":[
    {"type":"TextQuoteSelector","exact":"Alpha beta","suffix":" gamma delta"}]}]},
 {"id":"XyZ789","created":"2024-04-02T09:01:00.000000+00:00","updated":"2024-04-02T09:01:00.000000+00:00",
  "uri":"https://example.com/essays/tides","text":"herons",
  "target":[{"source":"https://example.com/essays/tides","selector":[
    {"type":"TextQuoteSelector","exact":"herons wait","prefix":"the ","suffix":" on"}]}]}]}"#;

/// The same two annotations as Hypothesis's JSON-LD (W3C) form.
const JSONLD: &str = r#"[
 {"@context":"http://www.w3.org/ns/anno.jsonld","type":"Annotation","id":"https://hypothes.is/a/AbC123",
  "created":"2024-04-02T09:00:00.000000+00:00","modified":"2024-04-02T09:00:00.000000+00:00",
  "body":[{"type":"TextualBody","value":"the second one","format":"text/markdown"}],
  "target":{"source":"https://example.com/essays/tides#intro","selector":[
    {"type":"TextQuoteSelector","exact":"Alpha beta","prefix":"Later, ","suffix":" gamma delta closes the thought."}]}},
 {"@context":"http://www.w3.org/ns/anno.jsonld","type":"Annotation","id":"https://hypothes.is/a/XyZ789",
  "created":"2024-04-02T09:01:00.000000+00:00","modified":"2024-04-02T09:01:00.000000+00:00",
  "body":[{"type":"TextualBody","value":"herons"}],
  "target":{"source":"https://example.com/essays/tides","selector":
    {"type":"TextQuoteSelector","exact":"herons wait"}}}]"#;

#[test]
fn web_annotations_find_the_clipped_article_and_two_shapes_never_duplicate() {
    let w = world_with_clip();
    let rows = write(&w, "rows.json", ROWS);
    let out = w.gloss(&["import", &rows]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("matched https://example.com/essays/tides -> ")
            && stdout.contains("clip.md (by front matter `source`)"),
        "the summary says what was matched and how: {stdout}"
    );
    assert_eq!(
        summary(&out),
        "imported 1 article: 2 added, 0 updated, 0 left unchanged, 0 skipped"
    );
    let files = stored(&w.data);
    let h = &files[0].highlights;
    assert_eq!(h.len(), 2);
    let alpha = h.iter().find(|h| h.anchor.quote == "Alpha beta").unwrap();
    // The copy followed by " gamma delta", not the first one.
    let (text, _) = w.read_article("clip.md");
    let second = text.rfind("Alpha beta").unwrap();
    assert_eq!(alpha.anchor.start.get(), text[..second].chars().count());
    assert_eq!(alpha.via.as_deref(), Some("https://hypothes.is/a/AbC123"));
    // Stored with gloss's own full context.
    assert_eq!(alpha.anchor.suffix.chars().count(), 32);

    // The same annotations as JSON-LD: already there, nothing added.
    let ld = write(&w, "annotations.jsonld", JSONLD);
    let out = w.gloss(&["import", &ld]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        summary(&out),
        "imported 1 article: 0 added, 0 updated, 2 left unchanged, 0 skipped"
    );
    assert_eq!(stored(&w.data)[0].highlights.len(), 2);
}

#[test]
fn map_names_the_article_when_no_front_matter_does() {
    let w = World::new();
    fs::write(
        w.articles.join("saved.md"),
        "# Saved\n\nThe herons wait on the bank.\n",
    )
    .unwrap();
    let rows = write(
        &w,
        "rows.json",
        &ROWS.replace("Alpha beta", "Nowhere at all"),
    );
    let out = w.gloss(&["import", &rows]);
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("--map"), "{}", stderr(&out));
    assert!(stored(&w.data).is_empty());

    let map = format!(
        "https://example.com/essays/tides={}",
        w.articles.join("saved.md").display()
    );
    let out = w.gloss(&["import", "--map", &map, &rows]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("saved.md (by --map)"), "{stdout}");
    // "Nowhere at all" is not in the article: imported as an orphan, named.
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("imported as an orphan") && stderr(&out).contains("AbC123"),
        "{}",
        stderr(&out)
    );
    let files = stored(&w.data);
    assert_eq!(files[0].highlights.len(), 2);
}

#[test]
fn unusable_annotations_are_skipped_by_name_and_their_neighbours_imported() {
    let w = world_with_clip();
    let uri = gloss::export::file_uri(&w.articles.join("clip.md").display().to_string());
    let text = format!(
        r#"[{{"id":"urn:x:good","type":"Annotation","target":{{"source":"{uri}","selector":{{"type":"TextQuoteSelector","exact":"herons wait"}}}}}},
            {{"id":"urn:x:composite","type":"Annotation","target":{{"type":"Composite","items":["{uri}","https://e.org/b"]}}}},
            {{"id":"urn:x:list","type":"Annotation","target":{{"type":"List","items":["{uri}"]}}}},
            {{"id":"urn:x:noselector","type":"Annotation","target":{{"source":"{uri}"}}}},
            {{"id":"urn:x:notarget","type":"Annotation","body":"just a note"}}]"#
    );
    let file = write(&w, "mixed.jsonld", &text);
    let out = w.gloss(&["import", &file]);
    assert_eq!(out.status.code(), Some(3), "some were skipped");
    let err = stderr(&out);
    for (name, why) in [
        ("urn:x:composite", "Composite"),
        ("urn:x:list", "List"),
        ("urn:x:noselector", "no selector"),
        ("annotation 5", "no target"),
    ] {
        assert!(
            err.lines().any(|l| l.contains(name) && l.contains(why)),
            "{name}: {err}"
        );
    }
    let files = stored(&w.data);
    assert_eq!(files[0].highlights.len(), 1);
    assert_eq!(files[0].highlights[0].anchor.quote, "herons wait");
    // Everything already there: status 0.
    let good = write(
        &w,
        "good.jsonld",
        &text[..text.find("},\n").unwrap() + 1].replace("[{", "{"),
    );
    let out = w.gloss(&["import", &good]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        summary(&out).contains("1 left unchanged"),
        "{}",
        summary(&out)
    );
}

#[test]
fn articles_outside_the_library_are_not_read_unless_allowed() {
    let w = World::new();
    let outside = w.tmp.path().join("elsewhere");
    fs::create_dir(&outside).unwrap();
    fs::write(outside.join("secret.txt"), "root:x:0:0 secret line\n").unwrap();
    let uri = gloss::export::file_uri(&outside.join("secret.txt").display().to_string());
    let text = format!(
        r#"[{{"id":"urn:x:q","type":"Annotation","target":{{"source":"{uri}","selector":{{"type":"TextQuoteSelector","exact":"secret line"}}}}}},
            {{"id":"urn:x:p","type":"Annotation","target":{{"source":"{uri}","selector":{{"type":"TextPositionSelector","start":0,"end":10}}}}}}]"#
    );
    let file = write(&w, "theirs.jsonld", &text);
    let library = w.articles.display().to_string();
    let out = w.gloss(&["import", "--library", &library, &file]);
    assert_eq!(out.status.code(), Some(3));
    let err = stderr(&out);
    assert_eq!(
        err.lines()
            .filter(|l| l.contains("outside the library"))
            .count(),
        2,
        "{err}"
    );
    assert!(stored(&w.data).is_empty(), "nothing read, nothing stored");

    // Allowed: the quote is placed; the position alone still copies nothing
    // from a file gloss has no notes for.
    let out = w.gloss(&["import", "--library", &library, "--allow-outside", &file]);
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("no quote"), "{}", stderr(&out));
    let files = stored(&w.data);
    assert_eq!(files[0].highlights.len(), 1);
    assert_eq!(files[0].highlights[0].anchor.quote, "secret line");
    assert!(
        !files
            .iter()
            .flat_map(|f| &f.highlights)
            .any(|h| h.anchor.quote.contains("root"))
    );
}

#[test]
fn an_imported_highlight_with_a_one_character_context_survives_a_later_edit() {
    let w = world_with_clip();
    let uri = gloss::export::file_uri(&w.articles.join("clip.md").display().to_string());
    let text = format!(
        r#"{{"id":"urn:x:short","type":"Annotation","target":{{"source":"{uri}","selector":{{"type":"TextQuoteSelector","exact":"Alpha beta","prefix":" ","suffix":" g"}}}}}}"#
    );
    let file = write(&w, "short.jsonld", &text);
    let out = w.gloss(&["import", &file]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // The article is edited elsewhere; the highlight re-anchors as any other.
    let path = w.articles.join("clip.md");
    fs::write(
        &path,
        CLIP.replace(
            "# A clipped essay\n",
            "# A clipped essay, revised\n\nA new opening paragraph.\n",
        ),
    )
    .unwrap();
    let (edited, _) = w.read_article("clip.md");
    let mut file = stored(&w.data).remove(0);
    let report = gloss::annotations::reanchor_all(&edited, &mut file);
    assert_eq!(report.orphaned, 0);
    let h = &file.highlights[0];
    let second = edited.rfind("Alpha beta").unwrap();
    assert_eq!(h.anchor.start.get(), edited[..second].chars().count());
}

#[test]
fn marks_written_in_an_article_become_highlights() {
    let w = World::new();
    let path = w.articles.join("marked.md");
    fs::write(
        &path,
        "# Marked\n\nSome ==important words== here and <mark>a tagged phrase</mark> there.\n",
    )
    .unwrap();
    let shown = path.display().to_string();
    let out = w.gloss(&["import", "--marks", &shown]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(summary(&out).contains("2 added"), "{}", summary(&out));
    let files = stored(&w.data);
    let quotes: Vec<&str> = files[0]
        .highlights
        .iter()
        .map(|h| h.anchor.quote.as_str())
        .collect();
    assert_eq!(quotes, ["important words", "a tagged phrase"]);
    let again = w.gloss(&["import", "--marks", &shown]);
    assert!(summary(&again).contains("0 added"), "{}", summary(&again));
}

#[test]
fn an_interrupted_import_is_reported_by_the_next_one() {
    let w = world_with_clip();
    // What a killed import leaves: its journal.
    let dir = w.data.join("annotations");
    fs::create_dir_all(&dir).unwrap();
    fs::write(
        dir.join(".import-journal"),
        "rows.json, started 2024-01-01 00:00:00 UTC",
    )
    .unwrap();
    let rows = write(&w, "rows.json", ROWS);
    let out = w.gloss(&["import", &rows]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("interrupted"), "{}", stderr(&out));
    assert!(!Path::new(&dir.join(".import-journal")).exists());
}
