#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly
//! `gloss import --from omnivore|wallabag EXPORT DIR` run as a user would:
//! the real binary, no terminal (and once in a terminal, to see an imported
//! highlight drawn). The Omnivore zip is made here from the files under
//! tests/fixtures/readlater/omnivore; the wallabag export is
//! tests/fixtures/readlater/wallabag.json.

mod cli_common;
mod support;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Output;

use cli_common::{HOSTILE, World, forbidden_chars, snapshot, stderr, stored};

const HARBOUR: &str = "the-quiet-harbour-18c2f0a1b2c";
const BREAD: &str = "notes-on-bread-18c2f0a1b2d";
const CLOCK: &str = "Nobody in the village owned a clock that agreed with the church.";
const NETS: &str = "Mending nets is a winter job, done by the stove with the radio on.";
const BOATS: &str = "the boats came home";

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/readlater")
        .join(rel)
}

/// A zip at `path` holding `entries` (name, bytes), deflated as Omnivore's
/// exporter did.
fn zip(path: &Path, entries: &[(String, Vec<u8>)]) {
    let mut w = zip::ZipWriter::new(fs::File::create(path).unwrap());
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        w.start_file(name.as_str(), options).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap();
}

/// The fixture export's entries, by their names in the zip.
fn omnivore_entries() -> Vec<(String, Vec<u8>)> {
    let root = fixture("omnivore");
    let mut out = vec![(
        "metadata_0_to_2.json".to_string(),
        fs::read(root.join("metadata_0_to_2.json")).unwrap(),
    )];
    for folder in ["content", "highlights"] {
        let mut names: Vec<_> = fs::read_dir(root.join(folder))
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        for name in names {
            out.push((
                format!("{folder}/{name}"),
                fs::read(root.join(folder).join(&name)).unwrap(),
            ));
        }
    }
    out
}

/// The fixture export zipped into the world; returns its path.
fn omnivore_zip(w: &World) -> String {
    let path = w.tmp.path().join("omnivore-export.zip");
    zip(&path, &omnivore_entries());
    path.display().to_string()
}

fn out_text(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Every quote stored, with its note and whether it is orphaned, sorted.
fn highlights(data: &Path) -> Vec<(String, String, Vec<String>, bool)> {
    let mut out: Vec<_> = stored(data)
        .into_iter()
        .flat_map(|f| f.highlights)
        .map(|h| (h.anchor.quote, h.note, h.tags, h.orphaned))
        .collect();
    out.sort();
    out
}

#[test]
fn an_omnivore_export_becomes_markdown_articles_with_their_highlights_once() {
    let w = World::new();
    let export = omnivore_zip(&w);
    let lib = w.tmp.path().join("lib");
    let lib_arg = lib.display().to_string();
    let out = w.gloss(&["import", "--from", "omnivore", &export, &lib_arg]);
    // An ambiguous quote is kept as an orphan, not skipped: exit 0.
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let lib = fs::canonicalize(&lib).unwrap();
    let stdout = out_text(&out);
    assert!(
        stdout.contains("2 articles in")
            && stdout.contains("2 added, 0 updated, 0 left unchanged, 0 skipped"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "highlights: imported 1 article: 3 added, 0 updated, 0 left unchanged, 0 skipped"
        ),
        "{stdout}"
    );

    let harbour = fs::read_to_string(lib.join(format!("{HARBOUR}.md"))).unwrap();
    assert!(harbour.starts_with("---\ntitle: \"The Quiet Harbour\"\nauthor: \"Mara Lind\"\ndate: \"2024-04-30\"\nsource: \"https://example.org/essays/quiet-harbour\"\nsaved: \"2024-05-02T08:15:00Z\"\n"), "{harbour}");
    assert!(
        harbour.contains("tags:\n  - \"coast\"\n  - \"slow reading\"\n"),
        "{harbour}"
    );
    assert!(harbour.contains("\n# The Quiet Harbour\n"), "{harbour}");
    assert!(harbour.contains("## Winter"), "{harbour}");
    assert!(harbour.contains(NETS), "{harbour}");
    assert!(
        !harbour.contains("tracking pixel"),
        "scripts are dropped: {harbour}"
    );
    let bread = fs::read_to_string(lib.join(format!("{BREAD}.md"))).unwrap();
    assert!(
        bread.contains("==Feed it at the same hour every day=="),
        "{bread}"
    );
    assert_eq!(
        bread.matches("Notes on Bread").count(),
        2,
        "title once in the front matter, once as the page's own heading: {bread}"
    );

    // The notes: placed by quote, note and labels kept; the quote found
    // twice in the article is an orphan, with the reason on stderr.
    let stored_highlights = highlights(&w.data);
    assert_eq!(
        stored_highlights,
        [
            (
                NETS.to_string(),
                "Ask Dad about the radio.".to_string(),
                vec![],
                false
            ),
            (
                CLOCK.to_string(),
                "The clock line is the best in the piece.".to_string(),
                vec!["time".to_string(), "village".to_string()],
                false
            ),
            (BOATS.to_string(), String::new(), vec![], true),
        ]
    );
    assert!(
        stderr(&out).contains("imported as an orphan (not placed)"),
        "{}",
        stderr(&out)
    );
    let files = stored(&w.data);
    assert_eq!(
        files[0].article.path,
        lib.join(format!("{HARBOUR}.md")).display().to_string()
    );
    assert!(
        files[0].highlights.iter().all(|h| h
            .via
            .as_deref()
            .is_some_and(|v| v.starts_with("omnivore:0f6f2b4e"))),
        "{:?}",
        files[0].highlights
    );

    // Again: nothing changes, on disk or in the notes.
    let lib_before = snapshot(&lib);
    let notes_before = stored(&w.data);
    let again = w.gloss(&["import", "--from", "omnivore", &export, &lib_arg]);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    let stdout = out_text(&again);
    assert!(
        stdout.contains("0 added, 0 updated, 2 left unchanged, 0 skipped"),
        "{stdout}"
    );
    assert!(
        stdout.contains("0 added, 0 updated, 3 left unchanged, 0 skipped"),
        "{stdout}"
    );
    assert_eq!(snapshot(&lib), lib_before);
    assert_eq!(stored(&w.data), notes_before);

    // The clipped <mark> is drawn as a mark and taken over by --marks.
    let bread_path = lib.join(format!("{BREAD}.md")).display().to_string();
    let marks = w.gloss(&["import", "--marks", &bread_path, "--library", &lib_arg]);
    assert!(marks.status.success(), "{}", stderr(&marks));
    assert!(out_text(&marks).contains("1 added"), "{}", out_text(&marks));
}

#[test]
fn an_article_edited_after_the_import_is_never_overwritten() {
    let w = World::new();
    let export = omnivore_zip(&w);
    let lib = w.tmp.path().join("lib");
    let lib_arg = lib.display().to_string();
    assert!(
        w.gloss(&["import", "--from", "omnivore", &export, &lib_arg])
            .status
            .success()
    );
    let harbour = lib.join(format!("{HARBOUR}.md"));
    let bread = lib.join(format!("{BREAD}.md"));
    let edited = fs::read_to_string(&harbour)
        .unwrap()
        .replace("Winter", "Winter (my heading)");
    fs::write(&harbour, &edited).unwrap();
    // A later export that changed both articles' metadata.
    let mut entries = omnivore_entries();
    let meta = String::from_utf8(entries[0].1.clone())
        .unwrap()
        .replace("\"coast\"", "\"harbours\"")
        .replace("\"labels\": []", "\"labels\": [\"baking\"]");
    entries[0].1 = meta.into_bytes();
    let path = w.tmp.path().join("later.zip");
    zip(&path, &entries);
    let out = w.gloss(&[
        "import",
        "--from",
        "omnivore",
        &path.display().to_string(),
        &lib_arg,
    ]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        out_text(&out).contains("0 added, 1 updated, 0 left unchanged, 1 skipped"),
        "{}",
        out_text(&out)
    );
    assert!(
        stderr(&out).contains("was changed since gloss wrote it"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        fs::read_to_string(&harbour).unwrap(),
        edited,
        "the user's edit is kept"
    );
    assert!(
        fs::read_to_string(&bread)
            .unwrap()
            .contains("  - \"baking\"")
    );
    // The highlights are still there, none twice.
    assert_eq!(highlights(&w.data).len(), 3);
}

#[test]
fn a_wallabag_export_becomes_articles_with_their_annotations_once() {
    let w = World::new();
    let export = fixture("wallabag.json").display().to_string();
    let lib = w.tmp.path().join("wallabag");
    let lib_arg = lib.display().to_string();
    let out = w.gloss(&["import", "--from", "wallabag", &export, &lib_arg]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let stdout = out_text(&out);
    assert!(
        stdout.contains("2 added, 0 updated, 0 left unchanged, 0 skipped"),
        "{stdout}"
    );
    assert!(
        stdout.contains("2 added, 0 updated, 0 left unchanged, 0 skipped"),
        "{stdout}"
    );
    // Two entries with one title get two files.
    let first = fs::read_to_string(lib.join("why-compost-heats-up.md")).unwrap();
    let second = fs::read_to_string(lib.join("why-compost-heats-up-2.md")).unwrap();
    assert!(first.contains("author: \"Ruth Okafor\""), "{first}");
    assert!(
        first.contains("date: \"2024-08-31\""),
        "published, in UTC: {first}"
    );
    assert!(
        first.contains("source: \"https://example.com/garden/compost-heat\""),
        "{first}"
    );
    assert!(
        first.contains("  - \"gardening\"\n  - \"soil\"\n"),
        "{first}"
    );
    assert!(first.contains("## The short answer"), "{first}");
    assert!(
        second.contains("author: \"example.org\""),
        "the domain when no author: {second}"
    );
    assert_eq!(
        highlights(&w.data),
        [
            (
                "Turning the heap lets air in".to_string(),
                String::new(),
                vec![],
                false
            ),
            (
                "a large heap holds that heat in its middle".to_string(),
                "So size matters: a small heap loses its heat.".to_string(),
                vec![],
                false
            ),
            (
                "the heap".to_string(),
                "The wet heap, not the turned one.".to_string(),
                vec![],
                false
            ),
        ]
    );
    // "the heap" is in the article twice: the annotation's range put
    // it on the second.
    let files = stored(&w.data);
    let heap = files[0]
        .highlights
        .iter()
        .find(|h| h.anchor.quote == "the heap")
        .unwrap();
    assert!(
        heap.anchor.prefix.ends_with("Too wet and "),
        "{:?}",
        heap.anchor
    );
    let before = (snapshot(&lib), stored(&w.data));
    let again = w.gloss(&["import", "--from", "wallabag", &export, &lib_arg]);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert!(out_text(&again).contains("0 added, 0 updated, 2 left unchanged, 0 skipped"));
    assert_eq!((snapshot(&lib), stored(&w.data)), before);
}

#[test]
fn an_imported_highlight_is_drawn_when_the_article_is_opened() {
    let w = World::new();
    let export = omnivore_zip(&w);
    let lib = w.tmp.path().join("lib");
    let lib_arg = lib.display().to_string();
    assert!(
        w.gloss(&["import", "--from", "omnivore", &export, &lib_arg])
            .status
            .success()
    );
    let article = lib.join(format!("{HARBOUR}.md")).display().to_string();
    let data = w.data.display().to_string();
    let g = support::Gloss::start(&["--data-dir", &data, &article], 80, 24);
    g.wait_for("Nobody in the village");
    let yellow = vt100::Color::Rgb(0xff, 0xe0, 0x66);
    let background = g.with_parser(|p| {
        let screen = p.screen();
        let (_, cols) = screen.size();
        screen
            .rows(0, cols.into())
            .enumerate()
            .find_map(|(row, text)| {
                let byte = text.find("Nobody in the village")?;
                let col = text[..byte].chars().count() as u16;
                screen.cell(row as u16, col).map(|c| c.bgcolor())
            })
    });
    assert_eq!(background, Some(yellow), "{}", g.screen());
}

#[test]
fn hostile_exports_are_refused_or_cleaned_and_nothing_lands_outside_dir() {
    let w = World::new();
    let lib = w.tmp.path().join("lib");
    let lib_arg = lib.display().to_string();
    let meta = |slug: &str| {
        format!(r#"[{{"id":"x1","slug":"{slug}","title":"T","url":"https://e.com/x"}}]"#)
            .into_bytes()
    };

    // Zip slip: an entry climbing out, an absolute entry.
    for bad in ["content/../../etc/x.html", "/etc/x.html"] {
        let path = w.tmp.path().join("slip.zip");
        zip(
            &path,
            &[
                ("metadata_0_to_1.json".into(), meta("../../etc/x")),
                (bad.into(), b"<p>owned</p>".to_vec()),
            ],
        );
        let out = w.gloss(&[
            "import",
            "--from",
            "omnivore",
            &path.display().to_string(),
            &lib_arg,
        ]);
        assert_eq!(out.status.code(), Some(1), "{bad}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("gloss does not unpack such a zip"),
            "{}",
            stderr(&out)
        );
        assert!(
            stderr(&out).contains("nothing was imported"),
            "{}",
            stderr(&out)
        );
        assert!(!lib.exists(), "{bad}: nothing written");
        assert!(!w.tmp.path().join("etc").exists());
    }

    // A hostile slug with a page under the name it gives: the file is named
    // safely inside DIR.
    let path = w.tmp.path().join("slug.zip");
    zip(
        &path,
        &[
            ("metadata_0_to_1.json".into(), meta("..%2F..%2Fetc%2Fx")),
            (
                "content/..%2F..%2Fetc%2Fx.html".into(),
                format!("<p>Text {HOSTILE}</p><script>alert(1)</script><a href=\"javascript:alert(1)\">x</a>")
                    .into_bytes(),
            ),
        ],
    );
    let out = w.gloss(&[
        "import",
        "--from",
        "omnivore",
        &path.display().to_string(),
        &lib_arg,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let names: Vec<String> = fs::read_dir(&lib)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["2f-2fetc-2fx.md"]);
    let written = fs::read_to_string(lib.join("2f-2fetc-2fx.md")).unwrap();
    assert!(forbidden_chars(&written).is_empty(), "{written:?}");
    assert!(!written.contains("alert(1)</script>"), "{written}");
    fs::remove_dir_all(&lib).unwrap();

    // Broken metadata JSON: refused whole, nothing written.
    let path = w.tmp.path().join("broken.zip");
    zip(
        &path,
        &[("metadata_0_to_1.json".into(), b"[{\"id\": ".to_vec())],
    );
    let out = w.gloss(&[
        "import",
        "--from",
        "omnivore",
        &path.display().to_string(),
        &lib_arg,
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("not an Omnivore metadata file"),
        "{}",
        stderr(&out)
    );
    assert!(!lib.exists());

    // Not a zip, no metadata: clear errors.
    let path = w.tmp.path().join("plain.zip");
    fs::write(&path, "just text").unwrap();
    let out = w.gloss(&[
        "import",
        "--from",
        "omnivore",
        &path.display().to_string(),
        &lib_arg,
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("not a zip file"), "{}", stderr(&out));
    zip(&path, &[("readme.txt".into(), b"hi".to_vec())]);
    let out = w.gloss(&[
        "import",
        "--from",
        "omnivore",
        &path.display().to_string(),
        &lib_arg,
    ]);
    assert!(
        stderr(&out).contains("not an Omnivore export"),
        "{}",
        stderr(&out)
    );

    // A page that unpacks past the size limit (a zip bomb) is skipped with
    // the reason; the rest is imported.
    let config = w.tmp.path().join("small.toml");
    fs::write(&config, "[reader]\nmax_file_size_mib = 1\n").unwrap();
    let path = w.tmp.path().join("bomb.zip");
    let mut entries = omnivore_entries();
    entries.retain(|(n, _)| !n.starts_with("content/notes-on-bread"));
    entries.push((format!("content/{BREAD}.html"), vec![b' '; 3 * 1024 * 1024]));
    zip(&path, &entries);
    let out = w.gloss(&[
        "--config",
        &config.display().to_string(),
        "import",
        "--from",
        "omnivore",
        &path.display().to_string(),
        &lib_arg,
    ]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("zip bomb"), "{}", stderr(&out));
    assert!(lib.join(format!("{HARBOUR}.md")).exists());
    assert!(!lib.join(format!("{BREAD}.md")).exists());
    fs::remove_dir_all(&lib).unwrap();

    // Broken wallabag JSON: refused, nothing written.
    let path = w.tmp.path().join("broken.json");
    fs::write(&path, "[{\"id\": 1, \"title\": ").unwrap();
    let out = w.gloss(&[
        "import",
        "--from",
        "wallabag",
        &path.display().to_string(),
        &lib_arg,
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("not valid JSON"), "{}", stderr(&out));
    assert!(!lib.exists());

    // Messages never carry the export's escape sequences.
    fs::write(
        &path,
        format!(
            "[{{\"id\": 1, \"title\": {}}}]",
            serde_json::to_string(HOSTILE).unwrap()
        ),
    )
    .unwrap();
    let out = w.gloss(&[
        "import",
        "--from",
        "wallabag",
        &path.display().to_string(),
        &lib_arg,
    ]);
    assert_eq!(out.status.code(), Some(3), "no content: skipped");
    assert!(
        forbidden_chars(&stderr(&out)).is_empty(),
        "{:?}",
        stderr(&out)
    );
}

#[test]
fn from_needs_a_folder_and_a_folder_needs_from() {
    let w = World::new();
    let out = w.gloss(&["import", "--from", "omnivore", "x.zip"]);
    assert_eq!(out.status.code(), Some(2));
    let out = w.gloss(&["import", "x.json", "somewhere"]);
    assert_eq!(out.status.code(), Some(2));
}
