//! Full-text search across the library: every article's text and every
//! note, quote and tag, for `F` in the app and `gloss search` on the command
//! line. See docs/search.md for why it searches the files directly with
//! ripgrep's crates (no index) and how a match in a file is found again in
//! the article's canonical text.
//!
//! The engine has no terminal and no app state in it: [`run`] searches a list
//! of articles (the app's list) and [`walk`] searches folders (the command
//! line), both in parallel and both handing each article's matches to a
//! callback as soon as that article is done, so results stream; a shared
//! cancellation flag stops a search that a newer keystroke replaced.

mod fold;
pub mod job;
mod notes;
pub mod page_cache;
mod query;
mod snippet;
mod text;

use std::ops::Range;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

pub use fold::base_of;
pub use notes::{NoteTargets, search_notes};
pub use query::{Options, Query, QueryError, find_in};
pub use snippet::{Keep, Snippet};
pub use text::{Searched, TextSearcher, list_files, list_files_reporting, search_in_order, walk};

/// At most this many matches of one article keep a snippet; the count goes
/// on past it.
pub const MAX_HITS_PER_ARTICLE: usize = 50;

/// What a match was found in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HitKind {
    /// The article's own text.
    Text,
    /// The note of a highlight.
    Note,
    /// The highlighted passage (the quote kept with the highlight).
    Quote,
    /// A tag of a highlight.
    Tag,
}

impl HitKind {
    /// The word shown before the snippet and printed by `gloss search`
    /// in place of a line number.
    pub fn label(self) -> &'static str {
        match self {
            HitKind::Text => "text",
            HitKind::Note => "note",
            HitKind::Quote => "highlight",
            HitKind::Tag => "tag",
        }
    }
}

/// Where in the article's file a text match is, to find it again in the
/// canonical text (see [`Place::pick`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    /// Which match of the file this is, counting from 0.
    pub ordinal: usize,
    /// Byte offset of the match in the file.
    pub offset: u64,
    /// 1-based line of the file the match starts on.
    pub line: u64,
    /// Byte offset of the match in that line.
    pub column: usize,
}

/// One line (of the file, or of a note) with matches in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// Text, note, highlight or tag.
    pub kind: HitKind,
    /// 1-based line number in the file (text) or in the note.
    pub line: u64,
    /// The line around the first match, made safe to show, with every
    /// match in it marked.
    pub snippet: Snippet,
    /// For text: where the match is in the file.
    pub place: Option<Place>,
    /// For notes, highlights and tags: the highlight's id.
    pub highlight: Option<String>,
}

/// All matches of one article found by one part of the search (its file,
/// or its notes): the app merges the two.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleHits {
    /// The article's index in the list searched.
    pub article: usize,
    /// Number of matches (not lines).
    pub count: usize,
    /// The first [`MAX_HITS_PER_ARTICLE`] matching lines.
    pub hits: Vec<Hit>,
    /// For text: the number of matches in the whole file and its length in
    /// bytes, to map a match to the canonical text.
    pub file: Option<FileFigures>,
}

/// A file's match count and length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileFigures {
    /// Matches in the file.
    pub matches: usize,
    /// The file's length in bytes.
    pub len: u64,
}

impl Place {
    /// Where this match is in `source`, the file's text as the document
    /// read it (decoded, line ends normalised): its line and column, not
    /// its byte offset in the file, since a `\r\n` file's offsets shift by a
    /// byte per line once decoded. `None` when the text has changed so the
    /// line is gone or the column falls inside a character.
    pub fn in_source(self, source: &str) -> Option<Range<usize>> {
        let skip = usize::try_from(self.line.checked_sub(1)?).ok()?;
        let line_start = if skip == 0 {
            0
        } else {
            source
                .match_indices('\n')
                .nth(skip - 1)
                .map(|(i, _)| i + 1)?
        };
        let at = line_start.checked_add(self.column)?;
        let c = source.get(at..)?.chars().next()?;
        Some(at..at + c.len_utf8())
    }

    /// The match among `matches` (byte ranges in the canonical text of
    /// `text_len` bytes) that this file match is. `shown` is where the
    /// document shows the file's match ([`Place::in_source`] mapped through
    /// the document's source map), when it could say: the first match that
    /// ends past it is taken (a match hidden in markup, a link target, takes
    /// the next one shown). Otherwise the file holds markup the canonical
    /// text does not (link targets, `**`, front matter), so the counts can
    /// differ: when they agree the same ordinal is taken; otherwise the
    /// match at the nearest relative position in the text.
    pub fn pick(
        self,
        file: FileFigures,
        matches: &[Range<usize>],
        text_len: usize,
        shown: Option<usize>,
    ) -> Option<usize> {
        if matches.is_empty() {
            return None;
        }
        if let Some(at) = shown {
            let i = matches.partition_point(|m| m.end <= at);
            return Some(i.min(matches.len() - 1));
        }
        if matches.len() == file.matches && self.ordinal < matches.len() {
            return Some(self.ordinal);
        }
        let at = self.offset as f64 / file.len.max(1) as f64;
        let target = (at * text_len as f64) as usize;
        let i = matches.partition_point(|m| m.start < target);
        let before = i.checked_sub(1);
        match (before, matches.get(i)) {
            (Some(b), Some(a)) => {
                let db = target - matches[b].start;
                let da = a.start - target;
                Some(if db <= da { b } else { i })
            }
            (Some(b), None) => Some(b),
            (None, _) => Some(0),
        }
    }
}

/// An article to search: its index in the list and where its text is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A file on disk.
    File(usize, PathBuf),
    /// Text already in memory (a bundled sample).
    Text(usize, &'static str),
}

impl Target {
    /// The article's index.
    pub fn article(&self) -> usize {
        match self {
            Target::File(i, _) | Target::Text(i, _) => *i,
        }
    }
}

/// How many articles were searched, for the status line.
#[derive(Debug, Default)]
pub struct Progress {
    /// Articles searched so far.
    pub searched: AtomicUsize,
}

/// Searches `targets` on `threads` threads (at least one), calling `found`
/// with each article's matches as soon as it is done, and `notes` first on
/// a thread of its own when given. Stops early when `cancel` is set.
pub fn run(
    targets: &[Target],
    query: &Query,
    threads: usize,
    cancel: &AtomicBool,
    progress: &Progress,
    notes: Option<&NoteTargets>,
    found: &(dyn Fn(ArticleHits) + Sync),
) {
    let order: Vec<usize> = (0..targets.len()).collect();
    run_in_order(
        targets, &order, query, threads, cancel, progress, notes, found,
    );
}

/// [`run`] over `targets` taken in `order` (indexes into `targets`; the
/// list's order as shown), so the app's search reuses its targets as they
/// are instead of copying every path into a new order at each keystroke.
#[allow(clippy::too_many_arguments)] // run's arguments plus the order
pub fn run_in_order(
    targets: &[Target],
    order: &[usize],
    query: &Query,
    threads: usize,
    cancel: &AtomicBool,
    progress: &Progress,
    notes: Option<&NoteTargets>,
    found: &(dyn Fn(ArticleHits) + Sync),
) {
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        if let Some(notes) = notes {
            scope.spawn(|| search_notes(notes, query, Keep::Rows, cancel, &|_, hits| found(hits)));
        }
        let worker = || {
            let mut searcher = TextSearcher::new(query);
            loop {
                if cancel.load(Ordering::Relaxed) {
                    return;
                }
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(&at) = order.get(i) else { return };
                let Some(target) = targets.get(at) else {
                    continue;
                };
                let hits = match target {
                    Target::File(article, path) => searcher.file(*article, path, cancel),
                    Target::Text(article, text) => {
                        searcher.bytes(*article, text.as_bytes(), cancel)
                    }
                };
                progress.searched.fetch_add(1, Ordering::Relaxed);
                if let Some(hits) = hits {
                    found(hits);
                }
            }
        };
        for _ in 1..threads.max(1) {
            scope.spawn(worker);
        }
        worker();
    });
}

/// Threads to search with: one per core.
pub fn threads() -> usize {
    std::thread::available_parallelism().map_or(2, usize::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_place_maps_by_ordinal_or_by_position() {
        let figures = FileFigures {
            matches: 3,
            len: 300,
        };
        let same = [0..1, 10..11, 20..21];
        let third = Place {
            ordinal: 2,
            offset: 290,
            line: 3,
            column: 0,
        };
        assert_eq!(third.pick(figures, &same, 30, None), Some(2));
        // The file had a match in a link target the text does not show.
        let fewer = [0..1, 25..26];
        assert_eq!(third.pick(figures, &fewer, 30, None), Some(1));
        let first = Place {
            ordinal: 0,
            offset: 0,
            line: 1,
            column: 0,
        };
        assert_eq!(first.pick(figures, &fewer, 30, None), Some(0));
        assert_eq!(first.pick(figures, &[], 30, None), None);
        // Where the document shows it wins over both.
        assert_eq!(first.pick(figures, &same, 30, Some(10)), Some(1));
        assert_eq!(first.pick(figures, &same, 30, Some(12)), Some(2));
        assert_eq!(first.pick(figures, &same, 30, Some(99)), Some(2));
    }

    #[test]
    fn a_place_is_found_in_the_decoded_source_by_line_and_column() {
        let place = |line, column| Place {
            ordinal: 0,
            offset: 0,
            line,
            column,
        };
        let source = "one\ntwo é three\nfour";
        assert_eq!(place(1, 1).in_source(source), Some(1..2));
        assert_eq!(place(2, 4).in_source(source), Some(8..10));
        assert_eq!(place(3, 0).in_source(source), Some(17..18));
        // Inside a character, past the end, or a line that is gone.
        assert_eq!(place(2, 5).in_source(source), None);
        assert_eq!(place(3, 9).in_source(source), None);
        assert_eq!(place(7, 0).in_source(source), None);
        assert_eq!(place(0, 0).in_source(source), None);
    }
}
