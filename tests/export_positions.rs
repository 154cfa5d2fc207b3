#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly
//! Exports that mean what they say: W3C positions name the characters of the
//! file in `target.source` (markup, escapes and page breaks included), orphans
//! are marked and carry no offsets as if true, colours are real CSS, and the
//! Obsidian mirror keeps one file per article in step without touching what
//! the user wrote.

use std::fs;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use gloss::annotations::{Anchor, ArticleRecord, Highlight, Op, Store, fingerprint};
use gloss::commands::export::{ExportRequest, mirror_files, run};
use gloss::config::HighlightConfig;
use gloss::document::{Document, Format as DocFormat, ParseOptions};
use gloss::export::{Filter, Format, MIRROR_BEGIN, MIRROR_END};
use serde_json::Value;

/// An article as a PDF converter and a Markdown writer leave it: one line per
/// paragraph, a sentence cut by a page break, escapes, emphasis, code, an
/// entity, a list, a quote and a footnote.
const ARTICLE: &str = "# The Amber Market\n\n\
The *amber bowls* at the stall cost \\$12 each, and the `vendor` said they came from the hills.\n\n\
Traders arrived before dawn and the square filled with the smell of bread while the light came over the roof of\n\n\
the old hall. Nobody spoke of the rain.\n\n\
- an item with **strong** words and a [link](https://example.com/x) inside\n\
- another item &amp; more besides\n\n\
> A quoted line with _emphasis_ inside it.\n\n\
A closing paragraph with a footnote[^1] in it.\n\n\
[^1]: The footnote text lives here.\n";

/// Passages of the canonical text to highlight, each crossing some markup.
const QUOTES: &[&str] = &[
    "The Amber Market",
    "amber bowls at the stall cost $12 each",
    "$12",
    "cost $12 each, and the vendor said",
    "roof of the old hall. Nobody",
    "strong words and a link inside",
    "another item & more",
    "emphasis inside it",
    "footnote text lives",
    "bowls",
];

fn time() -> DateTime<Utc> {
    "2024-05-02T08:15:00Z".parse().unwrap()
}

struct World {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    data: PathBuf,
}

impl World {
    fn new() -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let root = fs::canonicalize(tmp.path()).unwrap();
        let data = root.join("data");
        Self {
            _tmp: tmp,
            root,
            data,
        }
    }

    /// Writes an article and highlights `quotes` in it through the store, as
    /// the app does; returns its path.
    fn article(&self, name: &str, bytes: &[u8], quotes: &[&str], color: &str) -> PathBuf {
        let path = self.root.join(name);
        fs::write(&path, bytes).unwrap();
        let decoded = gloss::document::decode(bytes).unwrap();
        let doc =
            Document::parse_complete(&decoded.text, DocFormat::Markdown, ParseOptions::default());
        let record = ArticleRecord {
            title: "The Amber Market".into(),
            path: path.display().to_string(),
            fingerprint: fingerprint(&decoded.text),
            ..ArticleRecord::default()
        };
        let store = Store::new(&self.data);
        let ops: Vec<Op> = quotes
            .iter()
            .enumerate()
            .map(|(i, q)| {
                let start = doc
                    .text()
                    .find(q)
                    .unwrap_or_else(|| panic!("{q:?} not in {:?}", doc.text()));
                Op::Upsert(Highlight {
                    via: None,
                    id: format!("01HZX3A6Q4W5V8F0J3M2K7N{:03}", i).into(),
                    created: time(),
                    updated: time(),
                    color: color.into(),
                    tags: vec!["market".into()],
                    note: String::new(),
                    orphaned: false,
                    anchor: Anchor::from_range(doc.text(), start..start + q.len()),
                })
            })
            .collect();
        store.apply(None, &record, &ops).unwrap();
        path
    }

    fn export(&self, format: Format, output: Option<PathBuf>, mirror: bool) -> String {
        let request = ExportRequest {
            format,
            output,
            filter: Filter::default(),
            front_matter: true,
            paths: Vec::new(),
            palette: HighlightConfig::default().palette,
            parse: ParseOptions::default(),
            max_file_size: 64 << 20,
            mirror,
        };
        let mut out = Vec::new();
        run(&Store::new(&self.data), &request, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }
}

/// The words of a text once Markdown's marks are read: entity names and link
/// destinations are markup, every other run of letters or digits a word.
fn words(text: &str) -> Vec<String> {
    let mut plain = String::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c == '&'
            && let Some(end) = rest.find(';')
            && rest[1..end]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '#')
            && end > 1
        {
            rest = &rest[end + 1..];
            continue;
        }
        if rest.starts_with("](")
            && let Some(end) = rest.find(')')
        {
            rest = &rest[end + 1..];
            continue;
        }
        plain.push(c);
        rest = &rest[c.len_utf8()..];
    }
    plain
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The file's characters `[start, end)`, as a W3C consumer reads them.
fn file_chars(path: &Path, start: u64, end: u64) -> String {
    let text = String::from_utf8(fs::read(path).unwrap()).unwrap();
    text.chars()
        .skip(start as usize)
        .take((end - start) as usize)
        .collect()
}

fn items(jsonld: &str) -> Vec<Value> {
    let v: Value = serde_json::from_str(jsonld).unwrap();
    v["first"]["items"].as_array().unwrap().clone()
}

fn selector<'a>(item: &'a Value, kind: &str) -> Option<&'a Value> {
    item["target"]["selector"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["type"] == kind)
}

/// The assertion this suite makes of every exported highlight: the file's
/// characters at `[start, end)` of its `TextPositionSelector` are the source
/// form of the `TextQuoteSelector`'s exact text, that is, the same words with
/// only markup (emphasis marks, escapes, backticks, entities, link targets,
/// the blank line of a page break) around or between them.
fn assert_positions_name_the_quotes(jsonld: &str, path: &Path, expected: usize) {
    let items = items(jsonld);
    assert_eq!(items.len(), expected);
    for item in &items {
        let exact = selector(item, "TextQuoteSelector").unwrap()["exact"]
            .as_str()
            .unwrap();
        let position = selector(item, "TextPositionSelector")
            .unwrap_or_else(|| panic!("no position for {exact:?}"));
        let (start, end) = (
            position["start"].as_u64().unwrap(),
            position["end"].as_u64().unwrap(),
        );
        let source = file_chars(path, start, end);
        assert_eq!(
            words(&source),
            words(exact),
            "{exact:?} exported as {start}..{end}, which is {source:?} in the file"
        );
    }
}

#[test]
fn w3c_positions_select_the_quote_in_the_file_with_its_markup() {
    let w = World::new();
    let path = w.article("amber.md", ARTICLE.as_bytes(), QUOTES, "yellow");
    let jsonld = w.export(Format::W3c, None, false);
    assert_positions_name_the_quotes(&jsonld, &path, QUOTES.len());
    // The markup is inside: the escape, the emphasis, the page break.
    let all: Vec<String> = items(&jsonld)
        .iter()
        .map(|i| {
            let p = selector(i, "TextPositionSelector").unwrap();
            file_chars(
                &path,
                p["start"].as_u64().unwrap(),
                p["end"].as_u64().unwrap(),
            )
        })
        .collect();
    assert!(
        all.iter()
            .any(|s| s == "amber bowls* at the stall cost \\$12 each"),
        "{all:?}"
    );
    assert!(all.iter().any(|s| s == "\\$12"), "{all:?}");
    assert!(
        all.iter().any(|s| s == "roof of\n\nthe old hall. Nobody"),
        "{all:?}"
    );
    assert!(
        all.iter().any(|s| s == "another item &amp; more"),
        "{all:?}"
    );
}

#[test]
fn w3c_positions_count_a_crlf_file_and_its_byte_order_mark() {
    let w = World::new();
    let crlf = format!("\u{feff}{}", ARTICLE.replace('\n', "\r\n"));
    let path = w.article("amber-crlf.md", crlf.as_bytes(), QUOTES, "yellow");
    let jsonld = w.export(Format::W3c, None, false);
    assert_positions_name_the_quotes(&jsonld, &path, QUOTES.len());
}

#[test]
fn w3c_colours_are_css_values_and_orphans_are_marked() {
    let w = World::new();
    let path = w.article("amber.md", ARTICLE.as_bytes(), &["amber bowls"], "pink");
    // The article changes so the passage is gone: the highlight is orphaned.
    let store = Store::new(&w.data);
    let entry = store.index().unwrap().entries.remove(0);
    let mut file = store.read(&entry.file).unwrap();
    file.highlights[0].orphaned = true;
    store
        .apply(
            Some(&entry.file),
            &file.article,
            &[Op::Upsert(file.highlights[0].clone())],
        )
        .unwrap();
    fs::write(&path, ARTICLE.replace("amber bowls", "clay pots")).unwrap();

    let jsonld = w.export(Format::W3c, None, false);
    let v: Value = serde_json::from_str(&jsonld).unwrap();
    assert_eq!(v["@context"][0], "http://www.w3.org/ns/anno.jsonld");
    let item = &items(&jsonld)[0];
    assert_eq!(item["gloss:orphaned"], true, "{item}");
    assert!(selector(item, "TextPositionSelector").is_none(), "{item}");
    assert_eq!(item["target"]["styleClass"], "pink");
    assert_eq!(
        item["stylesheet"]["value"],
        ".pink { background-color: #ffb3d1; }"
    );

    let json = w.export(Format::Json, None, false);
    let v: Value = serde_json::from_str(&json).unwrap();
    let h = &v["articles"][0]["highlights"][0];
    assert!(h["start"].is_null() && h["orphaned"] == true, "{h}");

    let csv = w.export(Format::Csv, None, false);
    assert!(csv.contains("[orphaned]"), "{csv}");

    let md = w.export(Format::Markdown, None, false);
    assert!(md.contains("Orphaned"), "{md}");
    assert!(
        !md.contains("--at"),
        "an orphan's stale offset is no link target: {md}"
    );
}

#[test]
fn markdown_has_iso_dates_colour_tags_and_a_clickable_backlink() {
    let w = World::new();
    let path = w.article("amber.md", ARTICLE.as_bytes(), &["amber bowls"], "green");
    let store = Store::new(&w.data);
    let entry = store.index().unwrap().entries.remove(0);
    let mut file = store.read(&entry.file).unwrap();
    file.article.date = Some("March 3, 2020".into());
    store
        .apply(
            Some(&entry.file),
            &file.article,
            &[Op::Upsert(file.highlights[0].clone())],
        )
        .unwrap();
    let md = w.export(Format::Markdown, None, false);
    assert!(md.contains("\ndate: 2020-03-03\n"), "{md}");
    assert!(md.contains("#highlight/green"), "{md}");
    assert!(!md.contains("\ngreen\n"), "{md}");
    let uri = gloss::export::file_uri(&path.display().to_string());
    assert!(md.contains(&format!("[Open the article]({uri})")), "{md}");
    assert!(md.contains("^gloss-01hzx3a6q4w5v8f0j3m2k7n000"), "{md}");
}

fn mirror_file(dir: &Path) -> PathBuf {
    let files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    files[0].clone()
}

#[test]
fn the_mirror_keeps_one_file_in_step_and_the_users_writing() {
    let w = World::new();
    w.article(
        "amber.md",
        ARTICLE.as_bytes(),
        &["amber bowls", "old hall"],
        "yellow",
    );
    let vault = w.root.join("vault/gloss");
    w.export(Format::Markdown, Some(vault.clone()), true);
    let file = mirror_file(&vault);
    let first = fs::read_to_string(&file).unwrap();
    assert!(
        first.contains("amber bowls") && first.contains("old hall"),
        "{first}"
    );

    // The user writes above and below the block and renames the file.
    let mine = format!(
        "{}\nMy own thoughts.\n",
        first.replace(MIRROR_BEGIN, &format!("Above, mine.\n\n{MIRROR_BEGIN}"))
    );
    let renamed = vault.join("My amber notes.md");
    fs::write(&renamed, &mine).unwrap();
    fs::remove_file(&file).unwrap();

    // One highlight deleted, one note edited in gloss.
    let store = Store::new(&w.data);
    let entry = store.index().unwrap().entries.remove(0);
    let file_content = store.read(&entry.file).unwrap();
    let mut kept = file_content.highlights[1].clone();
    kept.note = "Where the market was.".into();
    kept.updated = "2024-06-01T00:00:00Z".parse().unwrap();
    store
        .apply(
            Some(&entry.file),
            &file_content.article,
            &[
                Op::Delete(file_content.highlights[0].id.clone()),
                Op::Upsert(kept),
            ],
        )
        .unwrap();

    w.export(Format::Markdown, Some(vault.clone()), true);
    w.export(Format::Markdown, Some(vault.clone()), true);
    let now = fs::read_to_string(mirror_file(&vault)).unwrap();
    assert_eq!(mirror_file(&vault), renamed);
    assert!(now.contains("Above, mine.\n\n<!-- gloss:begin"), "{now}");
    assert!(
        now.ends_with(&format!("{MIRROR_END}\n\nMy own thoughts.\n")),
        "{now}"
    );
    assert!(
        !now.contains("amber bowls"),
        "deleted highlight still there: {now}"
    );
    assert_eq!(now.matches("old hall").count(), 1, "{now}");
    assert!(now.contains("Where the market was."), "{now}");
    assert_eq!(now.matches(MIRROR_BEGIN).count(), 1, "{now}");

    // Every highlight deleted: the block empties, the file and the user's
    // writing stay.
    let file_content = store.read(&entry.file).unwrap();
    let ops: Vec<Op> = file_content
        .highlights
        .iter()
        .map(|h| Op::Delete(h.id.clone()))
        .collect();
    store
        .apply(Some(&entry.file), &file_content.article, &ops)
        .unwrap();
    let files = vec![store.read(&entry.file).unwrap()];
    let done = mirror_files(&vault, &files, &Filter::default());
    assert!(done.failed.is_empty(), "{done:?}");
    let emptied = fs::read_to_string(&renamed).unwrap();
    assert!(
        !emptied.contains("old hall") && emptied.contains("My own thoughts."),
        "{emptied}"
    );
}

mod after_save {
    //! `export.mirror`: the session brings the article's mirror file in step
    //! after every successful save (in the background), and a mirror it
    //! cannot write is reported without losing the note.

    use super::*;
    use gloss::app::{App, Effect};
    use gloss::config::Config;
    use gloss::keymap::{Action, Keymap};
    use gloss::library;
    use gloss::session::{Outcome, Session, Setup};

    const SHORT: &str = "# Saving\n\nThe first sentence is here. The second sentence follows it.\n\nA last paragraph to read.\n";

    fn run_effects(session: &mut Session, effects: Vec<Effect>) {
        for effect in effects {
            match session.carry_out(effect) {
                Outcome::Done(more) => run_effects(session, more),
                Outcome::NeedsTerminal(e) => panic!("unexpected terminal effect {e:?}"),
            }
        }
    }

    fn session(root: &Path, mirror: &Path) -> Session {
        let article = root.join("saving.md");
        fs::write(&article, SHORT).unwrap();
        let mut config = Config::default();
        config.export.mirror = mirror.to_path_buf();
        let scan = library::scan(std::slice::from_ref(&article));
        let mut app = App::new(config, Keymap::default(), scan);
        app.resize(100, 30);
        let mut s = Session::start(app, Setup::new(&root.join("data"), u64::MAX));
        run_effects(&mut s, vec![Effect::Open(gloss::app::ArticleId(0))]);
        assert!(s.app.reader.is_some(), "{:?}", s.app.message);
        s
    }

    fn highlight_next_sentence(s: &mut Session) {
        let mut effects = s.app.update(Action::SentenceNext);
        effects.extend(s.app.update(Action::SelectSentence));
        effects.extend(s.app.update(Action::Highlight));
        run_effects(s, effects);
        settle(s);
    }

    /// Waits for the mirror, written in the background, and takes its
    /// report (a bounded number of looks; no time is asserted).
    fn settle(s: &mut Session) {
        for _ in 0..4000 {
            s.collect_jobs();
            if !s.jobs_busy() {
                s.collect_jobs();
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        panic!("the background work never ended");
    }

    #[test]
    fn every_save_updates_the_mirror_file() {
        let w = World::new();
        let vault = w.root.join("vault");
        let mut s = session(&w.root, &vault);
        highlight_next_sentence(&mut s);
        let first = fs::read_to_string(mirror_file(&vault)).unwrap();
        assert_eq!(first.matches("\n> ").count(), 1, "{first}");
        highlight_next_sentence(&mut s);
        let second = fs::read_to_string(mirror_file(&vault)).unwrap();
        assert_eq!(second.matches("\n> ").count(), 2, "{second}");
        assert_eq!(second.matches(MIRROR_BEGIN).count(), 1, "{second}");
    }

    #[test]
    fn a_mirror_that_cannot_be_written_is_reported_and_the_note_kept() {
        let w = World::new();
        // A file where the mirror folder should be.
        let vault = w.root.join("vault");
        fs::write(&vault, "in the way").unwrap();
        let mut s = session(&w.root, &vault);
        highlight_next_sentence(&mut s);
        let message = s
            .app
            .message
            .as_ref()
            .map(|m| m.text.clone())
            .unwrap_or_default();
        assert!(message.contains("mirror was not updated"), "{message}");
        let store = Store::new(&w.root.join("data"));
        let entry = store.index().unwrap().entries.remove(0);
        assert_eq!(store.read(&entry.file).unwrap().highlights.len(), 1);
        assert_eq!(s.unsaved_count(), 0);
    }
}

#[test]
fn a_colour_the_palette_lacks_survives_an_import() {
    let w = World::new();
    let path = w.article("amber.md", ARTICLE.as_bytes(), &["amber bowls"], "teal");
    let other = w.root.join("other-data");
    let jsonld = w.export(Format::W3c, None, false);
    let file = w.root.join("notes.jsonld");
    fs::write(&file, &jsonld).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gloss"))
        .arg("--data-dir")
        .arg(&other)
        .arg("import")
        .arg(&file)
        .current_dir(&w.root)
        .env("HOME", &w.root)
        .env("XDG_CONFIG_HOME", w.root.join("config"))
        .env("XDG_DATA_HOME", w.root.join("xdg-data"))
        .env_remove("GLOSS_DATA_DIR")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let store = Store::new(&other);
    let entry = store.index().unwrap().entries.remove(0);
    let imported = store.read(&entry.file).unwrap();
    assert_eq!(imported.article.path, path.display().to_string());
    let h = &imported.highlights[0];
    assert_eq!(h.color, "teal");
    assert!(!h.orphaned);
    assert_eq!(h.anchor.quote, "amber bowls");
}
