//! Searching an article's file: ripgrep's line searcher (`grep-searcher`)
//! with the query's matcher, collecting per matching line a snippet and
//! where the match is in the file. [`walk`] is the command line's search of
//! whole folders with ripgrep's parallel directory walker (`ignore`).

use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use grep_regex::RegexMatcher;
use grep_searcher::{BinaryDetection, Searcher, SearcherBuilder, Sink, SinkFinish, SinkMatch};

use super::{ArticleHits, FileFigures, Hit, HitKind, Keep, Place, Query, find_in};

/// One file searched: its matches (`None` when it has none), or why it
/// could not be read, in words a reader expects.
pub type Searched = Result<Option<ArticleHits>, String>;

/// A line searcher and matcher, reused from file to file by one thread.
pub struct TextSearcher {
    searcher: Searcher,
    matcher: RegexMatcher,
    keep: Keep,
}

impl TextSearcher {
    /// A searcher for `query`.
    pub fn new(query: &Query) -> Self {
        Self {
            searcher: SearcherBuilder::new()
                .line_number(true)
                .multi_line(query.multi_line())
                // A NUL byte makes a file binary, as for the library (which
                // does not list it) and ripgrep: it is not searched on.
                .binary_detection(BinaryDetection::quit(0))
                .build(),
            matcher: query.matcher().clone(),
            keep: Keep::Rows,
        }
    }

    /// The same searcher keeping every matching line whole (the command
    /// line prints them all, as ripgrep does).
    pub fn unlimited(mut self) -> Self {
        self.keep = Keep::AllLines;
        self
    }

    /// The matches in the file at `path`; `None` when there are none (or
    /// it cannot be read: the library list already said so).
    pub fn file(
        &mut self,
        article: usize,
        path: &Path,
        cancel: &AtomicBool,
    ) -> Option<ArticleHits> {
        self.try_file(article, path, cancel).ok().flatten()
    }

    /// [`Self::file`], with why the file could not be searched in words a
    /// reader expects (the command line prints it, as ripgrep does, where
    /// the app's list has said it already).
    pub fn try_file(&mut self, article: usize, path: &Path, cancel: &AtomicBool) -> Searched {
        if crate::library::is_parsed_name(path) {
            let text = page_text(path)?;
            return Ok(self.bytes(article, text.as_bytes(), cancel));
        }
        if crate::library::is_gzip_name(path) {
            // The unpacked text, whose lines are the ones the reader's
            // source has, as for the same file unpacked.
            let text = crate::library::read_file(path, crate::library::DEFAULT_MAX_FILE_SIZE)
                .map_err(|refusal| refusal.to_string())?;
            return Ok(self.bytes(article, &text, cancel));
        }
        let mut sink = Collect::new(&self.matcher, cancel, self.keep);
        self.searcher
            .search_path(&self.matcher, path, &mut sink)
            .map_err(|e| crate::library::io_reason(&e))?;
        Ok(sink.into_hits(article))
    }

    /// The matches in text already in memory.
    pub fn bytes(
        &mut self,
        article: usize,
        bytes: &[u8],
        cancel: &AtomicBool,
    ) -> Option<ArticleHits> {
        let mut sink = Collect::new(&self.matcher, cancel, self.keep);
        self.searcher
            .search_slice(&self.matcher, bytes, &mut sink)
            .ok()?;
        sink.into_hits(article)
    }
}

/// Gathers the matching lines of one file.
struct Collect<'a> {
    matcher: &'a RegexMatcher,
    cancel: &'a AtomicBool,
    count: usize,
    hits: Vec<Hit>,
    len: u64,
    keep: Keep,
    /// A NUL byte was found: a binary file, none of whose matches count.
    binary: bool,
}

impl<'a> Collect<'a> {
    fn new(matcher: &'a RegexMatcher, cancel: &'a AtomicBool, keep: Keep) -> Self {
        Self {
            keep,
            matcher,
            cancel,
            count: 0,
            hits: Vec::new(),
            len: 0,
            binary: false,
        }
    }

    fn into_hits(self, article: usize) -> Option<ArticleHits> {
        (self.count > 0 && !self.binary).then_some(ArticleHits {
            article,
            count: self.count,
            hits: self.hits,
            file: Some(FileFigures {
                matches: self.count,
                len: self.len,
            }),
        })
    }
}

impl Sink for Collect<'_> {
    type Error = io::Error;

    fn matched(&mut self, _: &Searcher, mat: &SinkMatch<'_>) -> Result<bool, io::Error> {
        let lines = String::from_utf8_lossy(mat.bytes()).into_owned();
        let ranges = find_in(self.matcher, lines.as_bytes());
        // In multi-line mode (a phrase) the searcher hands over matches on
        // neighbouring lines together: each line is its own hit, as
        // ripgrep prints it, unless a match goes on across its end.
        let first_line = mat.line_number().unwrap_or(0);
        for group in line_groups(&lines, &ranges) {
            let text = &lines[group.lines.clone()];
            // A phrase found across a line break: its lines become one (a
            // space for each line end, so every offset stays where it was).
            let text = text
                .trim_end_matches(['\n', '\r'])
                .replace(['\n', '\r'], " ");
            let at = group.lines.start;
            let found: Vec<_> = ranges[group.matches]
                .iter()
                .map(|r| r.start - at..r.end - at)
                .collect();
            let line = first_line + lines[..at].matches('\n').count() as u64;
            if self.hits.len() < self.keep.limit() {
                self.hits.push(Hit {
                    kind: HitKind::Text,
                    line,
                    snippet: self.keep.snippet(&text, &found),
                    place: Some(Place {
                        ordinal: self.count,
                        offset: mat.absolute_byte_offset() + (at + found[0].start) as u64,
                        line,
                        column: found[0].start,
                    }),
                    highlight: None,
                });
            }
            self.count += found.len();
        }
        Ok(!self.cancel.load(Ordering::Relaxed))
    }

    fn binary_data(&mut self, _: &Searcher, _: u64) -> Result<bool, io::Error> {
        self.binary = true;
        Ok(false)
    }

    fn finish(&mut self, _: &Searcher, finish: &SinkFinish) -> Result<(), io::Error> {
        self.len = finish.byte_count();
        Ok(())
    }
}

/// Matches of a multi-line chunk that make one hit: the byte range of the
/// whole lines they are on, and which of the chunk's matches they are.
#[derive(Debug, PartialEq, Eq)]
struct LineGroup {
    lines: std::ops::Range<usize>,
    matches: std::ops::Range<usize>,
}

/// Splits a chunk of lines and its matches (in order, not empty) into one
/// group per line with matches, a match across a line end taking the lines
/// it spans into one group.
fn line_groups(chunk: &str, ranges: &[std::ops::Range<usize>]) -> Vec<LineGroup> {
    // Bytes, not characters: a match may end inside a character's bytes
    // here (`range.end - 1`), and a line break is one byte either way.
    let bytes = chunk.as_bytes();
    let start_of_line = |at: usize| {
        bytes[..at]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1)
    };
    let end_of_line = |at: usize| {
        bytes[at..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |i| at + i + 1)
    };
    let mut groups: Vec<LineGroup> = Vec::new();
    for (i, range) in ranges.iter().enumerate() {
        let lines = start_of_line(range.start)..end_of_line(range.end.max(range.start + 1) - 1);
        match groups.last_mut() {
            Some(last) if lines.start < last.lines.end => {
                last.lines.end = last.lines.end.max(lines.end);
                last.matches.end = i + 1;
            }
            _ => groups.push(LineGroup {
                lines,
                matches: i..i + 1,
            }),
        }
    }
    groups
}

/// A web page's or a book's text as the reader shows it (the extracted
/// article, the chapters in order): a search then matches only words a
/// reader sees, its snippets show no tags, scripts or zip bytes, and the
/// n-th match is the n-th the reader finds. Line numbers count lines of
/// that text, not of the file. Kept between searches (see `page_cache`).
fn page_text(path: &Path) -> Result<String, String> {
    match super::page_cache::kept() {
        Some(texts) => texts.text_of(path, || extract_page_text(path)),
        None => extract_page_text(path),
    }
}

/// [`page_text`], extracted from the file now.
fn extract_page_text(path: &Path) -> Result<String, String> {
    let source = crate::library::Source::File(path.to_path_buf());
    let loaded = crate::library::load(&source)?;
    let doc = crate::document::Document::parse_complete(
        &loaded.text,
        loaded.format,
        crate::document::ParseOptions::default(),
    );
    Ok(doc.text().to_owned())
}

/// Whether gloss reads the file at `path` as an article, by its extension.
pub fn is_article(path: &Path) -> bool {
    crate::library::is_article_name(path)
}

/// Every article file under `roots` (files or folders, recursively,
/// following links, hidden files included as the library scan includes
/// them), in path order: the roots as given, each folder's entries by file
/// name, as `rg --sort path` prints. A root named on the command line is
/// taken whatever its name. Folders that cannot be listed are left out;
/// [`list_files_reporting`] says which.
pub fn list_files(roots: &[PathBuf]) -> Vec<PathBuf> {
    list_files_reporting(roots, &mut |_| {})
}

/// [`list_files`], telling `refused` in words (`PATH: permission denied`)
/// of every folder or file the walk could not enter, so the command line
/// can say so as ripgrep does rather than find nothing silently.
pub fn list_files_reporting(roots: &[PathBuf], refused: &mut dyn FnMut(String)) -> Vec<PathBuf> {
    let Some((first, rest)) = roots.split_first() else {
        return Vec::new();
    };
    let mut builder = ignore::WalkBuilder::new(first);
    for root in rest {
        builder.add(root);
    }
    builder
        .standard_filters(false)
        .follow_links(true)
        .sort_by_file_name(|a, b| a.cmp(b));
    let mut files = Vec::new();
    for entry in builder.build() {
        match entry {
            Ok(entry) => {
                if entry.file_type().is_some_and(|t| t.is_file())
                    && (entry.depth() == 0 || is_article(entry.path()))
                {
                    files.push(entry.into_path());
                }
            }
            Err(e) => refused(walk_reason(&e, None)),
        }
    }
    files
}

/// A walk error as `PATH: reason`, without the OS error number.
fn walk_reason(e: &ignore::Error, path: Option<&Path>) -> String {
    let shown = |p: Option<&Path>, reason: String| match p {
        Some(p) => format!("{}: {reason}", p.display()),
        None => reason,
    };
    match e {
        ignore::Error::WithPath { path, err } => walk_reason(err, Some(path)),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            walk_reason(err, path)
        }
        ignore::Error::Loop { ancestor, child } => format!(
            "{}: a link that leads back to {}",
            child.display(),
            ancestor.display()
        ),
        ignore::Error::Io(io) => shown(path, crate::library::io_reason(io)),
        other => shown(path, other.to_string()),
    }
}

/// Searches `files` on `threads` threads and calls `each` with every file
/// and its matches (`Ok(None)` when it has none, `Err` saying why it could
/// not be read), in the order of `files`
/// whichever thread finishes first: a file searched early waits in a small
/// reorder buffer until the ones before it are handed over, so the output
/// is the same from run to run and still streams.
pub fn search_in_order(
    files: &[PathBuf],
    query: &Query,
    threads: usize,
    each: &(dyn Fn(&Path, Searched) + Sync),
) {
    let next = AtomicUsize::new(0);
    let order = std::sync::Mutex::new(Reorder::default());
    let never = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let worker = || {
            let mut searcher = TextSearcher::new(query).unlimited();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(path) = files.get(i) else { return };
                let hits = searcher.try_file(0, path, &never);
                // Handed over under the lock, so two threads never print
                // out of order.
                let mut order = order.lock().unwrap_or_else(|e| e.into_inner());
                let Reorder {
                    next: turn,
                    waiting,
                } = &mut *order;
                waiting.insert(i, hits);
                while let Some(hits) = waiting.remove(turn) {
                    each(&files[*turn], hits);
                    *turn += 1;
                }
            }
        };
        for _ in 1..threads.max(1) {
            scope.spawn(worker);
        }
        worker();
    });
}

/// Results searched ahead of their turn.
#[derive(Default)]
struct Reorder {
    next: usize,
    waiting: std::collections::HashMap<usize, Searched>,
}

/// Searches every article file under `roots` (see [`list_files`]) on
/// `threads` threads, calling `found` with each file's path and matches in
/// path order. Returns how many files were searched.
pub fn walk(
    roots: &[PathBuf],
    query: &Query,
    threads: usize,
    found: &(dyn Fn(&Path, ArticleHits) + Sync),
) -> usize {
    let files = list_files(roots);
    search_in_order(&files, query, threads, &|path, hits| {
        if let Ok(Some(hits)) = hits {
            found(path, hits);
        }
    });
    files.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::Options;

    #[test]
    fn a_phrase_wrapped_over_two_lines_is_one_hit_on_its_first_line() {
        let text = b"# Title\n\nThe estuary keeps its salt\nmarsh, and salt marsh again.\nsalt\n";
        let query = Query::new("salt marsh", Options::default()).unwrap();
        let never = AtomicBool::new(false);
        let hits = TextSearcher::new(&query).bytes(0, text, &never).unwrap();
        assert_eq!(hits.count, 2);
        let first = &hits.hits[0];
        assert_eq!(first.line, 3);
        assert_eq!(
            first.snippet.text,
            "The estuary keeps its salt marsh, and salt marsh again."
        );
        let marked: Vec<&str> = first
            .snippet
            .marks
            .iter()
            .map(|m| &first.snippet.text[m.clone()])
            .collect();
        assert_eq!(marked, ["salt marsh", "salt marsh"]);
        assert_eq!(first.place.unwrap().offset, 31);
    }

    #[test]
    fn a_phrase_on_neighbouring_lines_is_a_hit_per_line_as_ripgrep_prints_it() {
        let text = b"the event loop turns\nthe event loop waits, the event loop\nsleeps\nan event\nloop wraps\nnone\n";
        let query = Query::new("event loop", Options::default()).unwrap();
        let never = AtomicBool::new(false);
        let hits = TextSearcher::new(&query)
            .unlimited()
            .bytes(0, text, &never)
            .unwrap();
        assert_eq!(hits.count, 4);
        let rows: Vec<(u64, &str, usize)> = hits
            .hits
            .iter()
            .map(|h| (h.line, h.snippet.text.as_str(), h.snippet.marks.len()))
            .collect();
        assert_eq!(
            rows,
            [
                (1, "the event loop turns", 1),
                (2, "the event loop waits, the event loop", 2),
                (4, "an event loop wraps", 1),
            ]
        );
        let places: Vec<(usize, u64)> = hits
            .hits
            .iter()
            .map(|h| h.place.map(|p| (p.ordinal, p.offset)).unwrap())
            .collect();
        assert_eq!(places, [(0, 4), (1, 25), (3, 68)]);
    }

    #[test]
    fn a_file_with_a_nul_byte_is_binary_and_has_no_matches() {
        let dir = tempfile::tempdir().unwrap();
        let binary = dir.path().join("binary.txt");
        std::fs::write(&binary, b"abc\0def\nabc again\n").unwrap();
        let text = dir.path().join("text.txt");
        std::fs::write(&text, b"abc\n").unwrap();
        let query = Query::new("abc", Options::default()).unwrap();
        let never = AtomicBool::new(false);
        let mut searcher = TextSearcher::new(&query).unlimited();
        assert!(searcher.file(0, &binary, &never).is_none());
        assert_eq!(searcher.file(0, &text, &never).unwrap().count, 1);
    }

    #[test]
    fn files_are_handed_over_in_path_order() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["c.md", "a.md", "b/z.md", "b/a.txt", "skip.bin"] {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, "word\n").unwrap();
        }
        let files = list_files(&[dir.path().to_path_buf()]);
        let names: Vec<String> = files
            .iter()
            .map(|f| f.strip_prefix(dir.path()).unwrap().display().to_string())
            .collect();
        assert_eq!(names, ["a.md", "b/a.txt", "b/z.md", "c.md"]);
        let query = Query::new("word", Options::default()).unwrap();
        let seen = std::sync::Mutex::new(Vec::new());
        search_in_order(&files, &query, 3, &|path, hits| {
            assert!(matches!(hits, Ok(Some(_))));
            seen.lock().unwrap().push(path.to_path_buf());
        });
        assert_eq!(seen.into_inner().unwrap(), files);
    }
}
