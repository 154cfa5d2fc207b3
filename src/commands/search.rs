//! `gloss search QUERY [PATH...]`: the library search on the command line,
//! printing like ripgrep (`path:line: snippet`, or one JSON object per line
//! with `--json`) so it fits in pipes, and exiting 1 when nothing matched.
//! Files come out in path order (as `rg --sort path`), each file's text
//! matches followed by its notes', the same from run to run.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use serde::Serialize;

use crate::library::{self, Source};
use crate::search::{self, ArticleHits, Hit, NoteTargets, Options, Query, Searched};

/// What to search and how to print it.
#[derive(Debug, Clone)]
pub struct SearchRequest {
    /// The query as typed.
    pub query: String,
    /// Whole word, regular expression, accents.
    pub options: Options,
    /// Files and folders to search. Empty means no library: every note in
    /// the store and the bundled sample articles (what the app shows then).
    pub paths: Vec<PathBuf>,
    /// gloss's data folder, whose notes are searched too.
    pub data_dir: PathBuf,
    /// One JSON object per line instead of text.
    pub json: bool,
}

/// How a search went, for the exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    /// Matches printed.
    pub matches: usize,
    /// Files searched.
    pub files: usize,
    /// Files and folders that could not be read (each said on standard
    /// error as it came); ripgrep's exit status 2.
    pub refused: usize,
}

/// One line of `--json` output.
#[derive(Serialize)]
struct JsonHit<'a> {
    path: &'a str,
    kind: &'static str,
    line: u64,
    text: &'a str,
    matches: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    highlight: Option<&'a str>,
}

/// Runs the search, writing each file's matches to `out` as soon as that
/// file and every file before it in path order are done, its notes' matches
/// right after its text's; notes whose article was not among the files come
/// last, in path order. A file or folder that cannot be read is told to
/// `refused` as `PATH: reason`, in its turn, and the search goes on. An
/// invalid query is an error before anything is searched.
pub fn run(
    request: &SearchRequest,
    out: &mut (dyn Write + Send),
    refused: &(dyn Fn(&str) + Sync),
) -> anyhow::Result<Outcome> {
    let query = Query::new(&request.query, request.options)
        .map_err(|e| super::UsageError(e.to_string()))?;
    let out = Mutex::new(out);
    let matches = AtomicUsize::new(0);
    let refusals = AtomicUsize::new(0);
    let refuse = |why: &str| {
        refusals.fetch_add(1, Ordering::Relaxed);
        refused(&crate::text::clean(why));
    };
    let broken = AtomicBool::new(false);
    let print = |path: &Path, hits: &ArticleHits| {
        let text = format_hits(path, hits, request.json);
        matches.fetch_add(hits.count, Ordering::Relaxed);
        let mut out = out.lock().unwrap_or_else(|e| e.into_inner());
        // A closed pipe (`| head`) ends the output quietly.
        if broken.load(Ordering::Relaxed) || out.write_all(text.as_bytes()).is_err() {
            broken.store(true, Ordering::Relaxed);
        }
    };
    let notes = if request.paths.is_empty() {
        NoteTargets::for_all(&request.data_dir)
    } else {
        NoteTargets::for_roots(&request.data_dir, &request.paths)
    };
    // The notes are searched while the folders are listed; both are done
    // before the first file is printed, so its notes can follow it.
    let (files, noted) = std::thread::scope(|scope| {
        let noted = scope.spawn(|| collect_notes(&notes, &query));
        let files = search::list_files_reporting(&request.paths, &mut |why| refuse(&why));
        (files, noted.join().unwrap_or_default())
    });
    let noted = Mutex::new(noted);
    let each = |path: &Path, text: Searched| {
        match text {
            Ok(Some(hits)) => print(path, &hits),
            Ok(None) => {}
            Err(why) => refuse(&format!("{}: {why}", path.display())),
        }
        let notes = noted.lock().unwrap_or_else(|e| e.into_inner()).remove(path);
        for hits in notes.iter().flatten() {
            print(path, hits);
        }
    };
    let searched = if request.paths.is_empty() {
        search_samples(&query, &each)
    } else {
        search::search_in_order(&files, &query, search::threads(), &each);
        files.len()
    };
    let rest = std::mem::take(&mut *noted.lock().unwrap_or_else(|e| e.into_inner()));
    for (path, hits) in &rest {
        for hits in hits {
            print(path, hits);
        }
    }
    let out = out.into_inner().unwrap_or_else(|e| e.into_inner());
    let _ = out.flush();
    Ok(Outcome {
        matches: matches.into_inner(),
        files: searched,
        refused: refusals.into_inner(),
    })
}

/// The note matches of `notes`, by the path to print them under.
fn collect_notes(notes: &NoteTargets, query: &Query) -> BTreeMap<PathBuf, Vec<ArticleHits>> {
    let found = Mutex::new(BTreeMap::<PathBuf, Vec<ArticleHits>>::new());
    let never = AtomicBool::new(false);
    search::search_notes(
        notes,
        query,
        search::Keep::AllLines,
        &never,
        &|path, hits| {
            found
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .entry(path.to_path_buf())
                .or_default()
                .push(hits);
        },
    );
    found.into_inner().unwrap_or_else(|e| e.into_inner())
}

/// Searches the bundled sample articles in order, named by the path the
/// store knows them by (`gloss:samples/...`); returns how many.
fn search_samples(query: &Query, each: &dyn Fn(&Path, Searched)) -> usize {
    let samples = library::samples().articles;
    let never = AtomicBool::new(false);
    let mut searcher = search::TextSearcher::new(query).unlimited();
    for article in &samples {
        if let Source::Bundled(_, text) = article.source {
            let hits = searcher.bytes(0, text.as_bytes(), &never);
            each(Path::new(&article.source.display_path()), Ok(hits));
        }
    }
    samples.len()
}

/// The lines printed for one file's (or one article's notes') matches.
fn format_hits(path: &Path, hits: &ArticleHits, json: bool) -> String {
    let shown = crate::text::clean(&path.display().to_string()).into_owned();
    let mut text = String::new();
    for hit in &hits.hits {
        if json {
            let line = JsonHit {
                path: &shown,
                kind: hit.kind.label(),
                line: hit.line,
                text: &hit.snippet.text,
                matches: hit
                    .snippet
                    .marks
                    .iter()
                    .map(|m| &hit.snippet.text[m.clone()])
                    .collect(),
                highlight: hit.highlight.as_deref(),
            };
            if let Ok(json) = serde_json::to_string(&line) {
                text.push_str(&json);
                text.push('\n');
            }
        } else {
            text.push_str(&plain(&shown, hit));
        }
    }
    text
}

/// `path:line: snippet` for a match in the text, `path:note: snippet` (or
/// `highlight:`, `tag:`) for one in the notes.
fn plain(path: &str, hit: &Hit) -> String {
    match hit.kind {
        search::HitKind::Text => format!("{path}:{}: {}\n", hit.line, hit.snippet.text),
        kind => format!("{path}:{}: {}\n", kind.label(), hit.snippet.text),
    }
}

/// Writes to stdout through one lock, for [`run`].
pub fn stdout() -> impl Write + Send {
    io::BufWriter::new(io::stdout())
}
