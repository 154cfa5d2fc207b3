//! Shared set-up for the `gloss export` / `gloss import` tests: a private copy
//! of the fixture articles, a data directory filled through the library API
//! (as the app would fill it), and a way to run the real binary without a
//! terminal.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use chrono::{DateTime, Utc};
use gloss::annotations::{
    Anchor, AnnotationFile, ArticleRecord, Highlight, Op, Store, fingerprint,
};
use gloss::document::{Document, ParseOptions};
use gloss::library::{self, Source};

/// The fixture articles of these tests.
pub fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cli")
}

/// A temporary world: articles copied from the fixtures, an empty data
/// directory, and a home folder so nothing of the user's is read or written.
pub struct World {
    pub tmp: tempfile::TempDir,
    pub articles: PathBuf,
    pub data: PathBuf,
}

/// One highlight to create, found by its quote.
pub struct Mark<'a> {
    pub article: &'a str,
    pub quote: &'a str,
    pub id: &'a str,
    pub color: &'a str,
    pub note: &'a str,
    pub tags: &'a [&'a str],
    pub updated: &'a str,
}

impl<'a> Mark<'a> {
    /// A yellow highlight without note made on 2024-03-04.
    pub fn new(article: &'a str, quote: &'a str, id: &'a str) -> Self {
        Self {
            article,
            quote,
            id,
            color: "yellow",
            note: "",
            tags: &[],
            updated: "2024-03-04T10:00:00Z",
        }
    }
}

impl World {
    pub fn new() -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let articles = tmp.path().join("articles");
        copy_dir(&fixture_dir().join("articles"), &articles);
        let articles = fs::canonicalize(&articles).unwrap();
        let data = tmp.path().join("data");
        Self {
            tmp,
            articles,
            data,
        }
    }

    /// Another empty data directory in the same world.
    pub fn other_data(&self, name: &str) -> PathBuf {
        self.tmp.path().join(name)
    }

    /// The absolute path of a fixture article.
    pub fn article(&self, rel: &str) -> PathBuf {
        self.articles.join(rel)
    }

    /// The article's canonical text and the record the app would store.
    pub fn read_article(&self, rel: &str) -> (String, ArticleRecord) {
        let source = Source::File(self.article(rel));
        let loaded = library::load(&source).unwrap();
        let doc = Document::parse_complete(&loaded.text, loaded.format, ParseOptions::default());
        let meta = doc.meta();
        let record = ArticleRecord {
            title: meta.title.clone().unwrap_or_else(|| source.file_name()),
            author: meta.author.clone(),
            date: meta.date_text.clone(),
            path: self.article(rel).display().to_string(),
            fingerprint: fingerprint(&loaded.text),
            archived: None,
        };
        (doc.text().to_string(), record)
    }

    /// The character range of `quote` in an article's canonical text.
    pub fn chars_of(&self, rel: &str, quote: &str) -> (usize, usize) {
        let (text, _) = self.read_article(rel);
        let start = text
            .find(quote)
            .unwrap_or_else(|| panic!("{quote:?} not in {rel}"));
        let chars = text[..start].chars().count();
        (chars, chars + quote.chars().count())
    }

    /// Saves highlights into `data` through the store, as the app does.
    pub fn mark_in(&self, data: &Path, marks: &[Mark]) {
        let store = Store::new(data);
        for m in marks {
            let (text, record) = self.read_article(m.article);
            let start = text
                .find(m.quote)
                .unwrap_or_else(|| panic!("{:?} not in {}", m.quote, m.article));
            let updated: DateTime<Utc> = m.updated.parse().unwrap();
            let highlight = Highlight {
                id: m.id.into(),
                created: updated,
                updated,
                color: m.color.into(),
                tags: m.tags.iter().map(|t| t.to_string()).collect(),
                note: m.note.into(),
                orphaned: false,
                via: None,
                anchor: Anchor::from_range(&text, start..start + m.quote.len()),
            };
            let found = store
                .find(Path::new(&record.path), &record.fingerprint)
                .unwrap();
            store
                .apply(
                    found.as_ref().map(|f| f.file.as_path()),
                    &record,
                    &[Op::Upsert(highlight)],
                )
                .unwrap();
        }
    }

    /// Stores one more highlight on the article whose path ends in
    /// `article`: a copy of its first highlight, orphaned, with `id` and
    /// `quote` (text no longer in the article). Returns the offsets it keeps.
    #[allow(dead_code)] // not every test binary has orphans
    pub fn add_orphan(&self, article: &str, id: &str, quote: &str) -> (usize, usize) {
        let store = Store::new(&self.data);
        let entry = store
            .index()
            .unwrap()
            .entries
            .into_iter()
            .find(|e| e.article.path.ends_with(article))
            .unwrap();
        let mut orphan = store.read(&entry.file).unwrap().highlights[0].clone();
        orphan.id = id.into();
        orphan.anchor.quote = quote.into();
        orphan.orphaned = true;
        let kept = (orphan.anchor.start.get(), orphan.anchor.end.get());
        store
            .apply(Some(&entry.file), &entry.article, &[Op::Upsert(orphan)])
            .unwrap();
        kept
    }

    /// Saves highlights into the world's data directory.
    pub fn mark(&self, marks: &[Mark]) {
        self.mark_in(&self.data, marks);
    }

    /// Runs `gloss --data-dir <data> ARGS` with no terminal.
    pub fn gloss_in(&self, data: &Path, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_gloss"))
            .arg("--data-dir")
            .arg(data)
            .args(args)
            .current_dir(self.tmp.path())
            .env("HOME", self.tmp.path())
            .env("XDG_CONFIG_HOME", self.tmp.path().join("config"))
            .env("XDG_DATA_HOME", self.tmp.path().join("xdg-data"))
            .env("XDG_CACHE_HOME", self.tmp.path().join("xdg-cache"))
            .env_remove("GLOSS_DATA_DIR")
            .stdin(Stdio::null())
            .output()
            .unwrap()
    }

    /// Runs gloss on the world's data directory.
    pub fn gloss(&self, args: &[&str]) -> Output {
        self.gloss_in(&self.data, args)
    }

    /// Runs gloss, expects success and returns stdout.
    pub fn ok(&self, data: &Path, args: &[&str]) -> String {
        let out = self.gloss_in(data, args);
        assert!(
            out.status.success(),
            "gloss {args:?} failed ({:?}):\n{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }
}

/// Every annotation file of a data directory, sorted by article path.
pub fn stored(data: &Path) -> Vec<AnnotationFile> {
    let store = Store::new(data);
    let mut files: Vec<AnnotationFile> = store
        .index()
        .unwrap()
        .entries
        .iter()
        .map(|e| store.read(&e.file).unwrap())
        .collect();
    files.sort_by(|a, b| a.article.path.cmp(&b.article.path));
    files
}

/// Every file under `dir` with its bytes, to show nothing changed.
pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    if let Ok(entries) = fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                out.insert(path.clone(), Vec::new());
                out.extend(snapshot(&path));
            } else {
                out.insert(path.clone(), fs::read(&path).unwrap());
            }
        }
    }
    out
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Every terminal attack the hostile-content tests feed in: CSI (cursor
/// report, clear screen), OSC 0 and 2 (window title), OSC 52 (clipboard),
/// OSC 8 (link), DCS, raw C1 controls (U+009B CSI, U+009D OSC, U+0090 DCS,
/// U+009C ST), BEL, ENQ, BS, VT, FF, CR, DEL, the bidi overrides and
/// isolates, and joiners that join nothing.
pub const HOSTILE: &str = "x\u{1b}[6n\u{1b}[2J\u{1b}]0;OWNED-TITLE\u{7}\u{1b}]2;OWNED-TITLE\u{1b}\\\
\u{1b}]52;c;T1dORUQ=\u{7}\u{1b}]8;;http://evil.example\u{1b}\\link\u{1b}]8;;\u{1b}\\\
\u{1b}P1$rq\u{1b}\\\u{9b}6n\u{9d}2;OWNED-TITLE\u{9c}\u{90}q\u{9c}\u{5}\u{8}\u{b}\u{c}\r\u{7f}\
\u{202e}gnp.exe\u{202c}\u{2066}\u{2067}\u{2068}\u{2069}\u{202a}\u{202b}\u{202d}\u{200d}\u{200d} end";

/// The characters of `text` that no output of gloss may carry: control
/// characters but `\n` and `\t` (C0, DEL, C1), bidi embedding, override and
/// isolate controls, and a zero width joiner that joins nothing (first,
/// after white space or after another joiner). Empty when `text` is safe.
pub fn forbidden_chars(text: &str) -> Vec<char> {
    let mut found = Vec::new();
    let mut prev: Option<char> = None;
    for c in text.chars() {
        let bad = (c.is_control() && c != '\n' && c != '\t')
            || ('\u{202a}'..='\u{202e}').contains(&c)
            || ('\u{2066}'..='\u{2069}').contains(&c)
            || (c == '\u{200d}' && prev.is_none_or(|p| p == '\u{200d}' || p.is_whitespace()));
        if bad {
            found.push(c);
        }
        prev = Some(c);
    }
    found
}

/// The forbidden bytes of raw output (which may not even be UTF-8): ESC and
/// every other C0 control but `\n` and `\t`, DEL, and the forbidden
/// characters of its UTF-8 reading (C1 as U+0080-U+009F, bidi controls).
/// A raw C1 byte (0x80-0x9F) outside a UTF-8 sequence makes the text invalid
/// UTF-8 and shows up as a lossy U+FFFD plus a reported error.
pub fn forbidden_bytes(bytes: &[u8]) -> Vec<String> {
    let mut found: Vec<String> = bytes
        .iter()
        .filter(|&&b| (b < 0x20 && b != b'\n' && b != b'\t') || b == 0x7f)
        .map(|b| format!("byte {b:#04x}"))
        .collect();
    match std::str::from_utf8(bytes) {
        Ok(text) => found.extend(forbidden_chars(text).iter().map(|c| format!("{c:?}"))),
        Err(e) => found.push(format!("not UTF-8: {e}")),
    }
    found
}
