//! Searching an article's file: ripgrep's line searcher (`grep-searcher`)
//! with the query's matcher, collecting per matching line a snippet and
//! where the match is in the file. [`walk`] is the command line's search of
//! whole folders with ripgrep's parallel directory walker (`ignore`).

use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use grep_regex::RegexMatcher;
use grep_searcher::{Searcher, SearcherBuilder, Sink, SinkFinish, SinkMatch};

use super::{
    ArticleHits, FileFigures, Hit, HitKind, MAX_HITS_PER_ARTICLE, Place, Query, Snippet, find_in,
};

/// File extensions gloss reads as articles (as the library scan does).
const EXTENSIONS: &[&str] = &["md", "markdown", "txt", "html", "htm"];

/// A line searcher and matcher, reused from file to file by one thread.
pub struct TextSearcher {
    searcher: Searcher,
    matcher: RegexMatcher,
    limit: usize,
}

impl TextSearcher {
    /// A searcher for `query`.
    pub fn new(query: &Query) -> Self {
        Self {
            searcher: SearcherBuilder::new().line_number(true).build(),
            matcher: query.matcher().clone(),
            limit: MAX_HITS_PER_ARTICLE,
        }
    }

    /// The same searcher keeping a snippet for every matching line (the
    /// command line prints them all, as ripgrep does).
    pub fn unlimited(mut self) -> Self {
        self.limit = usize::MAX;
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
        if is_page(path) {
            let text = page_text(path)?;
            return self.bytes(article, text.as_bytes(), cancel);
        }
        let mut sink = Collect::new(&self.matcher, cancel, self.limit);
        self.searcher
            .search_path(&self.matcher, path, &mut sink)
            .ok()?;
        sink.into_hits(article)
    }

    /// The matches in text already in memory.
    pub fn bytes(
        &mut self,
        article: usize,
        bytes: &[u8],
        cancel: &AtomicBool,
    ) -> Option<ArticleHits> {
        let mut sink = Collect::new(&self.matcher, cancel, self.limit);
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
    limit: usize,
}

impl<'a> Collect<'a> {
    fn new(matcher: &'a RegexMatcher, cancel: &'a AtomicBool, limit: usize) -> Self {
        Self {
            limit,
            matcher,
            cancel,
            count: 0,
            hits: Vec::new(),
            len: 0,
        }
    }

    fn into_hits(self, article: usize) -> Option<ArticleHits> {
        (self.count > 0).then_some(ArticleHits {
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
        let line = String::from_utf8_lossy(mat.bytes());
        let ranges = find_in(self.matcher, line.as_bytes());
        if let Some(first) = ranges.first() {
            if self.hits.len() < self.limit {
                self.hits.push(Hit {
                    kind: HitKind::Text,
                    line: mat.line_number().unwrap_or(0),
                    snippet: Snippet::of(&line, &ranges).trimmed(),
                    place: Some(Place {
                        ordinal: self.count,
                        offset: mat.absolute_byte_offset() + first.start as u64,
                    }),
                    highlight: None,
                });
            }
            self.count += ranges.len();
        }
        Ok(!self.cancel.load(Ordering::Relaxed))
    }

    fn finish(&mut self, _: &Searcher, finish: &SinkFinish) -> Result<(), io::Error> {
        self.len = finish.byte_count();
        Ok(())
    }
}

/// Whether `path` is a saved web page, searched in the text the reader
/// shows rather than in its markup.
fn is_page(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("html") || e.eq_ignore_ascii_case("htm"))
}

/// A web page's text as the reader shows it (the extracted article): a
/// search then matches only words a reader sees, its snippets show no tags
/// or scripts, and the n-th match is the n-th the reader finds. Line
/// numbers count lines of that text, not of the file.
fn page_text(path: &Path) -> Option<String> {
    let source = crate::library::Source::File(path.to_path_buf());
    let loaded = crate::library::load(&source).ok()?;
    let doc = crate::document::Document::parse_complete(
        &loaded.text,
        crate::document::Format::Html,
        crate::document::ParseOptions::default(),
    );
    Some(doc.text().to_owned())
}

/// Whether gloss reads the file at `path` as an article, by its extension.
pub fn is_article(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.iter().any(|x| e.eq_ignore_ascii_case(x)))
}

/// Searches every article file under `roots` (files or folders, recursively,
/// following links, hidden files included as the library scan includes them)
/// on `threads` threads, calling `found` with each file's path and matches
/// as soon as it is done. Returns how many files were searched.
pub fn walk(
    roots: &[PathBuf],
    query: &Query,
    threads: usize,
    found: &(dyn Fn(&Path, ArticleHits) + Sync),
) -> usize {
    let Some((first, rest)) = roots.split_first() else {
        return 0;
    };
    let mut builder = ignore::WalkBuilder::new(first);
    for root in rest {
        builder.add(root);
    }
    builder
        .standard_filters(false)
        .follow_links(true)
        .threads(threads.max(1));
    let searched = AtomicUsize::new(0);
    let never = AtomicBool::new(false);
    builder.build_parallel().run(|| {
        let mut searcher = TextSearcher::new(query).unlimited();
        let searched = &searched;
        let never = &never;
        Box::new(move |entry| {
            let Ok(entry) = entry else {
                return ignore::WalkState::Continue;
            };
            let is_file = entry.file_type().is_some_and(|t| t.is_file());
            // A root named on the command line is searched whatever its name.
            if is_file && (entry.depth() == 0 || is_article(entry.path())) {
                searched.fetch_add(1, Ordering::Relaxed);
                if let Some(hits) = searcher.file(0, entry.path(), never) {
                    found(entry.path(), hits);
                }
            }
            ignore::WalkState::Continue
        })
    });
    searched.into_inner()
}
