//! Every highlight of the library at once, each with the notes file and the
//! article it belongs to: what the all-notes view (`A`) and `gloss notes`
//! list. Highlights are only worth keeping if they come back to the reader,
//! and they come back from here: one query language (words, `#tag`,
//! `color:NAME`, `in:WORDS`) and one set of sort orders for the view and the
//! command line, so both find the same notes.

use std::cmp::Ordering;
use std::path::PathBuf;

use super::{AnnotationFile, ArticleRecord, Highlight, HighlightId, Op};

/// One highlight with where it is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LibraryNote {
    /// The notes file holding it, for saving a change to it.
    pub file: PathBuf,
    /// The article, as its notes file records it (title, path).
    pub article: ArticleRecord,
    /// The highlight itself.
    pub highlight: Highlight,
}

impl LibraryNote {
    /// The article's title, or its file name when it has none, so every note
    /// names where it comes from.
    pub fn article_title(&self) -> &str {
        let title = self.article.title.trim();
        if !title.is_empty() {
            return title;
        }
        let path = self.article.path.as_str();
        path.rsplit(['/', '\\']).next().unwrap_or(path)
    }
}

/// Every readable highlight of the store, and the notes files that could not
/// be read (so the view can say some are missing instead of hiding them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LibraryNotes {
    /// The highlights, in notes-file order, then document order.
    pub notes: Vec<LibraryNote>,
    /// One message per notes file left out.
    pub unreadable: Vec<String>,
}

impl LibraryNotes {
    /// The highlights of these notes files (as `commands::read_all` gives
    /// them).
    pub fn from_files(files: Vec<(PathBuf, AnnotationFile)>, unreadable: Vec<String>) -> Self {
        let mut notes = Vec::new();
        for (file, content) in files {
            for highlight in content.highlights {
                notes.push(LibraryNote {
                    file: file.clone(),
                    article: content.article.clone(),
                    highlight,
                });
            }
        }
        Self { notes, unreadable }
    }

    /// Every tag with how many highlights carry it, by name. Tags that
    /// differ only in case are one tag (as in a note), shown as first seen.
    pub fn tag_counts(&self) -> Vec<(String, usize)> {
        // By lower-cased name: the name first seen, and the count.
        let mut counts: std::collections::HashMap<String, (String, usize)> =
            std::collections::HashMap::new();
        for note in &self.notes {
            let mut seen = std::collections::HashSet::new();
            for tag in &note.highlight.tags {
                let key = tag.to_lowercase();
                if seen.insert(key.clone()) {
                    counts.entry(key).or_insert_with(|| (tag.clone(), 0)).1 += 1;
                }
            }
        }
        let mut counts: Vec<(String, (String, usize))> = counts.into_iter().collect();
        counts.sort_by(|(ka, (a, _)), (kb, (b, _))| ka.cmp(kb).then_with(|| a.cmp(b)));
        counts.into_iter().map(|(_, shown)| shown).collect()
    }

    /// The note holding highlight `id` kept in `file`.
    pub fn get(&self, file: &std::path::Path, id: &HighlightId) -> Option<&LibraryNote> {
        self.notes
            .iter()
            .find(|n| n.file == file && &n.highlight.id == id)
    }

    /// Takes what a save left in a notes file: that file's highlights are
    /// replaced by the ones it now holds (other windows' changes included).
    pub fn adopt(&mut self, file: &std::path::Path, content: &AnnotationFile) {
        let at = self.notes.iter().position(|n| n.file == file);
        self.notes.retain(|n| n.file != file);
        let fresh = content.highlights.iter().map(|h| LibraryNote {
            file: file.to_path_buf(),
            article: content.article.clone(),
            highlight: h.clone(),
        });
        let at = at.unwrap_or(self.notes.len()).min(self.notes.len());
        let tail = self.notes.split_off(at);
        self.notes.extend(fresh);
        self.notes.extend(tail);
    }

    /// Applies changes to this copy at once, as the store will apply them
    /// to the files, so the view does not wait for the disk.
    pub fn apply(&mut self, changes: &[NotesChange]) {
        for change in changes {
            for op in &change.ops {
                match op {
                    Op::Upsert(h) => {
                        match self
                            .notes
                            .iter_mut()
                            .find(|n| n.file == change.file && n.highlight.id == h.id)
                        {
                            Some(slot) => slot.highlight = h.clone(),
                            None => self.notes.push(LibraryNote {
                                file: change.file.clone(),
                                article: change.article.clone(),
                                highlight: h.clone(),
                            }),
                        }
                    }
                    Op::Delete(id) => self
                        .notes
                        .retain(|n| !(n.file == change.file && &n.highlight.id == id)),
                    Op::SetPosition(_) => {}
                }
            }
        }
    }
}

/// Changes to one notes file, which may belong to an article that is not
/// open: how the all-notes view saves (one per file, each crash-safe through
/// the store).
#[derive(Debug, Clone, PartialEq)]
pub struct NotesChange {
    /// The notes file.
    pub file: PathBuf,
    /// Its article, as the file records it (kept as it is).
    pub article: ArticleRecord,
    /// The changes.
    pub ops: Vec<Op>,
}

/// What a filter asks for, read from what the user typed: every part must
/// match (case-insensitively).
///
/// - `#tag`: carries that tag;
/// - `color:NAME` (or `colour:NAME`, `c:NAME`): has that palette colour;
/// - `in:WORDS` (or `article:WORDS`): the article's title or path holds them;
/// - any other word: occurs in the quote, the note, a tag, the colour's
///   name or the article's title.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    words: Vec<String>,
    tags: Vec<String>,
    colors: Vec<String>,
    articles: Vec<String>,
}

impl Query {
    /// Reads a filter as typed.
    pub fn parse(text: &str) -> Self {
        let mut query = Self::default();
        for word in text.split_whitespace() {
            let lower = word.to_lowercase();
            if let Some(tag) = lower.strip_prefix('#').filter(|t| !t.is_empty()) {
                query.tags.push(tag.to_string());
            } else if let Some(color) = ["color:", "colour:", "c:"]
                .iter()
                .find_map(|p| lower.strip_prefix(p))
                .filter(|c| !c.is_empty())
            {
                query.colors.push(color.to_string());
            } else if let Some(article) = ["in:", "article:"]
                .iter()
                .find_map(|p| lower.strip_prefix(p))
                .filter(|a| !a.is_empty())
            {
                query.articles.push(article.to_string());
            } else {
                query.words.push(lower);
            }
        }
        query
    }

    /// Whether the query asks for nothing (every note matches).
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
            && self.tags.is_empty()
            && self.colors.is_empty()
            && self.articles.is_empty()
    }

    /// Whether `note` passes.
    pub fn matches(&self, note: &LibraryNote) -> bool {
        let h = &note.highlight;
        let has_tag = |want: &String| h.tags.iter().any(|t| t.to_lowercase() == *want);
        if !self.tags.iter().all(has_tag) {
            return false;
        }
        let color = h.color.trim().to_lowercase();
        if !self.colors.iter().all(|c| *c == color) {
            return false;
        }
        let place = format!("{}\n{}", note.article.title, note.article.path).to_lowercase();
        if !self.articles.iter().all(|a| place.contains(a.as_str())) {
            return false;
        }
        if self.words.is_empty() {
            return true;
        }
        let tags: Vec<String> = h.tags.iter().map(|t| format!("#{t}")).collect();
        let haystack = format!(
            "{}\n{}\n{}\n{}\n{}",
            h.anchor.quote,
            h.note,
            tags.join(" "),
            h.color,
            note.article_title()
        )
        .to_lowercase();
        self.words.iter().all(|w| haystack.contains(w.as_str()))
    }
}

/// The orders the notes can be listed in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SortBy {
    /// Newest first.
    #[default]
    Date,
    /// By article title, then where the highlight is in the article.
    Article,
    /// By palette colour (palette order), then newest first.
    Color,
    /// By first tag (alphabetically; untagged last), then newest first.
    Tag,
}

impl SortBy {
    /// The next order, for the key that cycles them.
    pub fn next(self) -> Self {
        match self {
            SortBy::Date => SortBy::Article,
            SortBy::Article => SortBy::Color,
            SortBy::Color => SortBy::Tag,
            SortBy::Tag => SortBy::Date,
        }
    }

    /// The order's name, for the view's title and `--sort`.
    pub fn name(self) -> &'static str {
        match self {
            SortBy::Date => "date",
            SortBy::Article => "article",
            SortBy::Color => "colour",
            SortBy::Tag => "tag",
        }
    }

    /// The order a name means (`date`, `article`, `colour`/`color`, `tag`).
    pub fn from_name(name: &str) -> Option<Self> {
        match name.trim().to_lowercase().as_str() {
            "date" => Some(SortBy::Date),
            "article" => Some(SortBy::Article),
            "colour" | "color" => Some(SortBy::Color),
            "tag" => Some(SortBy::Tag),
            _ => None,
        }
    }
}

/// The notes `query` keeps, in order `by`; `palette` (colour names in key
/// order) orders the colours, names not in it after them alphabetically.
/// Ties fall back to the highlight's id, so the order never changes between
/// two frames.
pub fn select<'a>(
    notes: &'a LibraryNotes,
    query: &Query,
    by: SortBy,
    palette: &[&str],
) -> Vec<&'a LibraryNote> {
    select_positions(notes, query, by, palette)
        .into_iter()
        .filter_map(|i| notes.notes.get(i))
        .collect()
}

/// What [`select`] selects, as positions in `notes.notes`: what a view
/// keeps between frames (it owns no borrow of the notes).
pub fn select_positions(
    notes: &LibraryNotes,
    query: &Query,
    by: SortBy,
    palette: &[&str],
) -> Vec<usize> {
    let palette: Vec<String> = palette.iter().map(|p| p.to_lowercase()).collect();
    // Each note's key is made once (lower-cased titles, colours, tags), not
    // at every comparison.
    let mut keyed: Vec<((usize, String), usize, &LibraryNote)> = notes
        .notes
        .iter()
        .enumerate()
        .filter(|(_, n)| query.matches(n))
        .map(|(i, n)| (sort_key(n, by, &palette), i, n))
        .collect();
    keyed.sort_by(|(ka, _, a), (kb, _, b)| ka.cmp(kb).then_with(|| tie_break(a, b, by)));
    keyed.into_iter().map(|(_, i, _)| i).collect()
}

/// What a note sorts by first: a rank, then a text.
fn sort_key(note: &LibraryNote, by: SortBy, palette: &[String]) -> (usize, String) {
    let h = &note.highlight;
    match by {
        SortBy::Date => (0, String::new()),
        SortBy::Article => (0, note.article_title().to_lowercase()),
        SortBy::Color => {
            let name = h.color.trim().to_lowercase();
            let at = palette
                .iter()
                .position(|p| *p == name)
                .unwrap_or(palette.len());
            (at, name)
        }
        // Notes without a tag come after every tagged one.
        SortBy::Tag => match h.tags.iter().map(|t| t.to_lowercase()).min() {
            Some(first) => (0, first),
            None => (1, String::new()),
        },
    }
}

/// The order of notes whose keys are equal: within an article by place,
/// otherwise newest first; then by file and id, so the order is total.
fn tie_break(a: &LibraryNote, b: &LibraryNote, by: SortBy) -> Ordering {
    let (ha, hb) = (&a.highlight, &b.highlight);
    let then = match by {
        SortBy::Article => a
            .file
            .cmp(&b.file)
            .then_with(|| ha.anchor.start.cmp(&hb.anchor.start)),
        SortBy::Date | SortBy::Color | SortBy::Tag => hb.created.cmp(&ha.created),
    };
    then.then_with(|| a.file.cmp(&b.file))
        .then_with(|| ha.id.cmp(&hb.id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotations::testing::{CharOffset, highlight};
    use crate::annotations::{AnnotationFile, SCHEMA_VERSION};

    fn file(title: &str, path: &str, highlights: Vec<Highlight>) -> (PathBuf, AnnotationFile) {
        (
            PathBuf::from(format!("/data/annotations/{title}.toml")),
            AnnotationFile {
                version: SCHEMA_VERSION,
                article: ArticleRecord {
                    title: title.into(),
                    path: path.into(),
                    ..ArticleRecord::default()
                },
                position: None,
                highlights,
            },
        )
    }

    fn library() -> LibraryNotes {
        LibraryNotes::from_files(
            vec![
                file(
                    "Winds",
                    "/lib/winds.md",
                    vec![
                        highlight("w1")
                            .quote_at("a breeze", CharOffset::new(30))
                            .color("green")
                            .note("cool #Weather")
                            .tags(&["Weather"])
                            .at("2024-03-01T00:00:00Z")
                            .build(),
                        highlight("w2")
                            .quote_at("zephyr", CharOffset::new(5))
                            .color("question")
                            .at("2024-01-01T00:00:00Z")
                            .build(),
                    ],
                ),
                file(
                    "Apples",
                    "/lib/fruit/apples.md",
                    vec![
                        highlight("a1")
                            .quote_at("red apples", CharOffset::new(3))
                            .tags(&["weather", "food"])
                            .at("2024-02-01T00:00:00Z")
                            .build(),
                    ],
                ),
            ],
            Vec::new(),
        )
    }

    fn ids(notes: &LibraryNotes, query: &str, by: SortBy) -> Vec<String> {
        select(
            notes,
            &Query::parse(query),
            by,
            &["yellow", "green", "question"],
        )
        .iter()
        .map(|n| n.highlight.id.to_string())
        .collect()
    }

    #[test]
    fn filters_by_words_tags_colours_and_articles() {
        let notes = library();
        assert_eq!(ids(&notes, "", SortBy::Date), ["w1", "a1", "w2"]);
        assert_eq!(ids(&notes, "BREEZE", SortBy::Date), ["w1"], "quote");
        assert_eq!(ids(&notes, "cool", SortBy::Date), ["w1"], "note");
        assert_eq!(ids(&notes, "#weather", SortBy::Date), ["w1", "a1"]);
        assert_eq!(ids(&notes, "#weather #food", SortBy::Date), ["a1"]);
        assert_eq!(ids(&notes, "#weath", SortBy::Date), Vec::<String>::new());
        assert_eq!(ids(&notes, "color:Question", SortBy::Date), ["w2"]);
        assert_eq!(ids(&notes, "question", SortBy::Date), ["w2"], "colour name");
        assert_eq!(ids(&notes, "in:fruit", SortBy::Date), ["a1"], "path");
        assert_eq!(ids(&notes, "apples", SortBy::Date), ["a1"], "title");
        assert_eq!(ids(&notes, "in:winds #weather", SortBy::Date), ["w1"]);
    }

    #[test]
    fn sorts_by_each_order() {
        let notes = library();
        assert_eq!(ids(&notes, "", SortBy::Article), ["a1", "w2", "w1"]);
        assert_eq!(ids(&notes, "", SortBy::Color), ["a1", "w1", "w2"]);
        assert_eq!(ids(&notes, "", SortBy::Tag), ["a1", "w1", "w2"]);
        let mut by = SortBy::Date;
        let mut seen = Vec::new();
        for _ in 0..4 {
            seen.push(by.name());
            by = by.next();
        }
        assert_eq!(seen, ["date", "article", "colour", "tag"]);
        assert_eq!(by, SortBy::Date);
        assert_eq!(SortBy::from_name("Color"), Some(SortBy::Color));
    }

    #[test]
    fn tags_are_counted_once_per_highlight_ignoring_case() {
        assert_eq!(
            library().tag_counts(),
            [("food".to_string(), 1), ("Weather".to_string(), 2)]
        );
    }

    #[test]
    fn changes_apply_to_the_copy_and_a_save_replaces_one_file() {
        let mut notes = library();
        let (path, mut content) = file("Apples", "/lib/fruit/apples.md", Vec::new());
        let mut a1 = notes.notes[2].highlight.clone();
        a1.note = "crisp".into();
        notes.apply(&[NotesChange {
            file: path.clone(),
            article: content.article.clone(),
            ops: vec![Op::Upsert(a1.clone()), Op::Delete("nothing".into())],
        }]);
        assert_eq!(notes.notes[2].highlight.note, "crisp");
        content.highlights = vec![a1.clone(), highlight("a2").build()];
        notes.adopt(&path, &content);
        let kept: Vec<&str> = notes
            .notes
            .iter()
            .map(|n| n.highlight.id.as_str())
            .collect();
        assert_eq!(kept, ["w1", "w2", "a1", "a2"]);
        assert_eq!(notes.notes[0].article_title(), "Winds");
    }

    #[test]
    fn an_untitled_article_is_named_by_its_file() {
        let (_, content) = file("", "/lib/x/notes.md", vec![highlight("n").build()]);
        let notes = LibraryNotes::from_files(vec![("/f.toml".into(), content)], Vec::new());
        assert_eq!(notes.notes[0].article_title(), "notes.md");
    }
}
