//! Searching the notes store: every note, highlighted passage and tag of the
//! articles being searched. Notes files are few and small next to the
//! library, but parsing every one per keystroke would still cost, so a file
//! is parsed only when its raw TOML holds the query (when the query is text
//! TOML writes verbatim; otherwise every file is parsed).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use super::{ArticleHits, Hit, HitKind, Keep, Options, Query, Snippet, Target};
use crate::annotations::{Store, text_to_path};

/// Where the notes are and which articles' notes to search.
#[derive(Debug, Clone)]
pub struct NoteTargets {
    store: PathBuf,
    locate: Locate,
}

#[derive(Debug, Clone)]
enum Locate {
    /// The articles of a list, shared with the text search, by absolute
    /// path (and by canonical path, worked out only when a note's article
    /// is not found by the first). The map by absolute path is made on the
    /// search's thread the first time a notes file matches, and kept for
    /// the next searches over the same articles: a keystroke on the event
    /// loop only hands over the list.
    List {
        targets: Arc<Vec<Target>>,
        by_path: Arc<OnceLock<HashMap<PathBuf, usize>>>,
    },
    /// Every article under these paths (the command line): each as
    /// canonical path and as given, to print paths the way they were given.
    Roots(Vec<(PathBuf, PathBuf)>),
    /// Every notes file, whatever its article (`gloss search` with no
    /// library): printed with the path its notes record.
    All,
}

impl NoteTargets {
    /// The notes in the store of `data_dir` of the articles `targets`.
    pub fn for_list(data_dir: &Path, targets: &[Target]) -> Self {
        Self::for_shared(data_dir, Arc::new(targets.to_vec()))
    }

    /// The same over a list the text search shares (nothing is copied or
    /// worked out until a notes file matches).
    pub fn for_shared(data_dir: &Path, targets: Arc<Vec<Target>>) -> Self {
        Self {
            store: data_dir.to_path_buf(),
            locate: Locate::List {
                targets,
                by_path: Arc::new(OnceLock::new()),
            },
        }
    }

    /// The data folder whose notes are searched.
    pub fn store(&self) -> &Path {
        &self.store
    }

    /// The notes in the store of `data_dir` of every article under `roots`.
    pub fn for_roots(data_dir: &Path, roots: &[PathBuf]) -> Self {
        let roots = roots
            .iter()
            .map(|r| {
                (
                    std::fs::canonicalize(r).unwrap_or_else(|_| r.clone()),
                    r.clone(),
                )
            })
            .collect();
        Self {
            store: data_dir.to_path_buf(),
            locate: Locate::Roots(roots),
        }
    }

    /// The notes in the store of `data_dir` of every article.
    pub fn for_all(data_dir: &Path) -> Self {
        Self {
            store: data_dir.to_path_buf(),
            locate: Locate::All,
        }
    }

    /// The article a notes file recorded at `path` belongs to, and its path
    /// to show.
    fn locate(
        &self,
        path: &Path,
        canonical: &mut Option<HashMap<PathBuf, usize>>,
    ) -> Option<(usize, PathBuf)> {
        match &self.locate {
            Locate::All => Some((0, path.to_path_buf())),
            Locate::Roots(roots) => {
                let (root, given) = roots.iter().find(|(r, _)| path.starts_with(r))?;
                let rest = path.strip_prefix(root).ok()?;
                let shown = if rest.as_os_str().is_empty() {
                    given.clone()
                } else {
                    given.join(rest)
                };
                path.is_file().then_some((0, shown))
            }
            Locate::List { targets, by_path } => {
                let by_path = by_path.get_or_init(|| {
                    targets
                        .iter()
                        .filter_map(|t| match t {
                            Target::File(i, p) => {
                                Some((std::path::absolute(p).unwrap_or_else(|_| p.clone()), *i))
                            }
                            Target::Text(..) => None,
                        })
                        .collect()
                });
                if let Some(i) = by_path.get(path) {
                    return Some((*i, path.to_path_buf()));
                }
                if !path.exists() {
                    return None;
                }
                let map = canonical.get_or_insert_with(|| {
                    targets
                        .iter()
                        .filter_map(|t| match t {
                            Target::File(i, p) => std::fs::canonicalize(p).ok().map(|c| (c, *i)),
                            Target::Text(..) => None,
                        })
                        .collect()
                });
                map.get(path).map(|i| (*i, path.to_path_buf()))
            }
        }
    }
}

/// Searches the notes of `targets`, calling `found` with the article's
/// recorded path and its note matches, one call per notes file that has any.
pub fn search_notes(
    targets: &NoteTargets,
    query: &Query,
    keep: Keep,
    cancel: &AtomicBool,
    found: &(dyn Fn(&Path, ArticleHits) + Sync),
) {
    let store = Store::new(&targets.store);
    let Ok(listing) = std::fs::read_dir(store.dir()) else {
        return;
    };
    let prefilter = prefilter(query);
    let mut canonical = None;
    for entry in listing.flatten() {
        if cancel.load(Ordering::Relaxed) {
            return;
        }
        let file = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') || !name.ends_with(".toml") {
            continue;
        }
        if let Some(pre) = &prefilter {
            let Ok(mut raw) = std::fs::read_to_string(&file) else {
                continue;
            };
            // Changes not yet folded into the notes file are read with it.
            if let Ok(pending) = std::fs::read_to_string(crate::annotations::pending_of(&file)) {
                raw.push_str(&pending);
            }
            // Escaped characters (\u00e9) would hide the query from the raw
            // text: such a file is always parsed.
            if !raw.contains('\\') && pre.find_all(&raw).is_empty() {
                continue;
            }
        }
        let Ok(content) = store.read(&file) else {
            continue;
        };
        let path = text_to_path(&content.article.path);
        let Some((article, shown)) = targets.locate(&path, &mut canonical) else {
            continue;
        };
        if let Some(hits) = note_hits(article, &content.highlights, query, keep) {
            found(&shown, hits);
        }
    }
}

/// A looser query that every notes file holding a match also matches in its
/// raw TOML: the same text without whole-word (an escape such as `\n` can
/// stand right before a word). `None` when the raw text cannot be trusted
/// (a regular expression, or text TOML escapes).
fn prefilter(query: &Query) -> Option<Query> {
    let options = query.options();
    let text = query.text();
    if options.regex
        || text
            .chars()
            .any(|c| c == '"' || c == '\\' || c.is_control())
    {
        return None;
    }
    Query::new(
        text,
        Options {
            whole_word: false,
            ..options
        },
    )
    .ok()
}

/// The matches `ranges` of `text` grouped by the line each starts on: the
/// 1-based line, a snippet of the lines the group covers (a phrase found
/// across a line break shows on one line), and the group's match count.
fn line_hits(
    text: &str,
    ranges: &[std::ops::Range<usize>],
    keep: Keep,
) -> Vec<(u64, Snippet, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(first) = ranges.get(i) {
        let start = text[..first.start].rfind('\n').map_or(0, |n| n + 1);
        let line = text[..start].matches('\n').count() as u64 + 1;
        let first_end = text[first.start..first.end.max(first.start)]
            .trim_end_matches(['\n', '\r'])
            .len()
            + first.start;
        let end = text[first_end..]
            .find('\n')
            .map_or(text.len(), |n| first_end + n);
        let group: Vec<_> = ranges[i..]
            .iter()
            .take_while(|r| r.start < end.max(start + 1))
            .map(|r| r.start - start..r.end.min(end) - start)
            .collect();
        i += group.len().max(1);
        let joined = text[start..end].replace(['\n', '\r'], " ");
        out.push((line, keep.snippet(&joined, &group), group.len()));
    }
    out
}

/// Every match in the notes, quotes and tags of `highlights`.
fn note_hits(
    article: usize,
    highlights: &[crate::annotations::Highlight],
    query: &Query,
    keep: Keep,
) -> Option<ArticleHits> {
    let mut out = ArticleHits {
        article,
        count: 0,
        hits: Vec::new(),
        file: None,
    };
    for h in highlights {
        let tags: Vec<String> = h.tags.iter().map(|t| format!("#{t}")).collect();
        let fields = [
            (HitKind::Quote, h.anchor.quote.as_str()),
            (HitKind::Note, h.note.as_str()),
        ];
        // A tag written in the note is found there already.
        let tag_fields = tags
            .iter()
            .filter(|t| !h.note.contains(t.as_str()))
            .map(|t| (HitKind::Tag, t.as_str()));
        for (kind, text) in fields.into_iter().chain(tag_fields) {
            for (line, snippet, count) in line_hits(text, &query.find_all(text), keep) {
                out.count += count;
                if out.hits.len() < keep.limit() {
                    out.hits.push(Hit {
                        kind,
                        line,
                        snippet,
                        place: None,
                        highlight: Some(h.id.as_str().to_string()),
                    });
                }
            }
        }
    }
    (out.count > 0).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_phrase_across_a_line_break_of_a_note_is_one_hit_on_its_first_line() {
        let text = "first line\nthe tide\ncame in\nand the tide came back";
        let query = Query::new("tide came", Options::default()).unwrap();
        let hits = line_hits(text, &query.find_all(text), Keep::Rows);
        let lines: Vec<(u64, &str, usize)> = hits
            .iter()
            .map(|(line, snippet, count)| (*line, snippet.text.as_str(), *count))
            .collect();
        assert_eq!(
            lines,
            [(2, "the tide came in", 1), (4, "and the tide came back", 1)]
        );
        let marked = &hits[0].1;
        assert_eq!(&marked.text[marked.marks[0].clone()], "tide came");
    }

    #[test]
    fn matches_on_one_line_are_one_hit() {
        let text = "tide, tide\nno\ntide";
        let query = Query::new("tide", Options::default()).unwrap();
        let hits = line_hits(text, &query.find_all(text), Keep::Rows);
        let lines: Vec<(u64, usize)> = hits.iter().map(|(l, _, c)| (*l, *c)).collect();
        assert_eq!(lines, [(1, 2), (3, 1)]);
    }
}
