//! `gloss search QUERY [PATH...]`: the library search on the command line,
//! printing like ripgrep (`path:line: snippet`, or one JSON object per line
//! with `--json`) so it fits in pipes, and exiting 1 when nothing matched.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use serde::Serialize;

use crate::search::{self, ArticleHits, Hit, NoteTargets, Options, Query};

/// What to search and how to print it.
#[derive(Debug, Clone)]
pub struct SearchRequest {
    /// The query as typed.
    pub query: String,
    /// Whole word, regular expression, accents.
    pub options: Options,
    /// Files and folders to search.
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
/// file is done (the order of files is the order they finish in, as with
/// ripgrep). An invalid query is an error before anything is searched.
pub fn run(request: &SearchRequest, out: &mut (dyn Write + Send)) -> anyhow::Result<Outcome> {
    let query = Query::new(&request.query, request.options)
        .map_err(|e| super::UsageError(e.to_string()))?;
    let out = Mutex::new(out);
    let matches = AtomicUsize::new(0);
    let broken = AtomicBool::new(false);
    let print = |path: &Path, hits: ArticleHits| {
        let text = format_hits(path, &hits, request.json);
        matches.fetch_add(hits.count, Ordering::Relaxed);
        let mut out = out.lock().unwrap_or_else(|e| e.into_inner());
        // A closed pipe (`| head`) ends the output quietly.
        if broken.load(Ordering::Relaxed) || out.write_all(text.as_bytes()).is_err() {
            broken.store(true, Ordering::Relaxed);
        }
    };
    let notes = NoteTargets::for_roots(&request.data_dir, &request.paths);
    let never = AtomicBool::new(false);
    let files = std::thread::scope(|scope| {
        scope.spawn(|| search::search_notes(&notes, &query, &never, &print));
        search::walk(&request.paths, &query, search::threads(), &print)
    });
    let out = out.into_inner().unwrap_or_else(|e| e.into_inner());
    let _ = out.flush();
    Ok(Outcome {
        matches: matches.into_inner(),
        files,
    })
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
