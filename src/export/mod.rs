//! Export and import of highlights in formats other tools read: Markdown for
//! note apps such as Obsidian, a lossless JSON backup, Readwise CSV and W3C Web
//! Annotation JSON-LD.
//!
//! Everything here is pure: it turns [`AnnotationFile`]s into text and back and
//! never touches the file system, so the CLI and the app can share it and tests
//! can pin its output byte for byte. Every writer filters with a [`Filter`],
//! drops articles left without highlights, orders articles by title (then path)
//! and highlights by position, and never writes the current time, so exporting
//! the same data twice gives identical bytes.

mod anki;
mod clean;
mod filter;
mod json;
mod markdown;
mod merge;
mod mirror;
mod readwise;
mod uri;
mod w3c;

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use std::str::FromStr;

use crate::annotations::{AnnotationFile, ArticleRecord, Highlight, display_path};
use crate::config::PaletteColor;
use crate::document::CharOffset;

pub use anki::{ANKI_DECK, ANKI_NOTETYPE, anki_guid, anki_header, to_anki};
pub use clean::{clean_article, clean_article_text, clean_file, clean_highlight};
pub use filter::{Filter, InvalidSince, parse_since};
pub use json::{JSON_EXPORT_VERSION, from_json, to_json};
pub use markdown::{
    ArticleMarkdown, MarkdownOptions, markdown_articles, markdown_file_name, to_markdown,
    to_markdown_per_article,
};
pub use merge::{MergeCounts, merge_import};
pub use mirror::{MIRROR_BEGIN, MIRROR_END, MirrorOutcome, article_key, key_in, mirror_text};
pub use readwise::{CSV_HEADER, to_csv};
pub use uri::{file_uri, path_from_uri};
pub use w3c::{W3cAnnotation, from_w3c, read_w3c, to_w3c, to_w3c_with, w3c_to_files};

/// The export formats, so the CLI flag, the config value and the app's export
/// command all name them the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Format {
    /// One Markdown document (or one per article) for note apps.
    Markdown,
    /// gloss's own lossless JSON, the one format that can be imported back
    /// without re-anchoring.
    Json,
    /// Readwise's CSV import layout.
    Csv,
    /// W3C Web Annotation Data Model as JSON-LD, for annotation tools.
    W3c,
    /// A text file Anki imports as cards, one per highlight.
    Anki,
}

impl TryFrom<String> for Format {
    type Error = UnknownFormat;

    fn try_from(name: String) -> Result<Self, UnknownFormat> {
        name.parse()
    }
}

impl From<Format> for String {
    fn from(format: Format) -> String {
        format.name().to_string()
    }
}

impl Format {
    /// Every format, in the order help texts list them.
    pub const ALL: [Format; 5] = [
        Format::Markdown,
        Format::Json,
        Format::Csv,
        Format::W3c,
        Format::Anki,
    ];

    /// The canonical name, accepted by [`FromStr`] and written by [`Display`](fmt::Display).
    pub fn name(self) -> &'static str {
        match self {
            Format::Markdown => "markdown",
            Format::Json => "json",
            Format::Csv => "csv",
            Format::W3c => "w3c",
            Format::Anki => "anki",
        }
    }

    /// The format a file's extension names (`json`, `csv`, `jsonld`, `md`), so
    /// `--output notes.json` writes JSON without `--format`.
    pub fn from_extension(ext: &str) -> Option<Format> {
        Self::ALL
            .into_iter()
            .find(|f| f.extension().eq_ignore_ascii_case(ext))
    }

    /// The usual file extension (without the dot), so a default output file
    /// name can be chosen without a table in the caller.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Markdown => "md",
            Format::Json => "json",
            Format::Csv => "csv",
            Format::W3c => "jsonld",
            Format::Anki => "txt",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A format name that is not one of [`Format::ALL`]; its message lists the
/// valid names so a typo on the command line is easy to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown export format {given:?}; expected one of: markdown (or md), json, csv, w3c, anki")]
pub struct UnknownFormat {
    /// What was given.
    pub given: String,
}

impl FromStr for Format {
    type Err = UnknownFormat;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "markdown" | "md" => Ok(Format::Markdown),
            "json" => Ok(Format::Json),
            "csv" => Ok(Format::Csv),
            "w3c" => Ok(Format::W3c),
            "anki" => Ok(Format::Anki),
            _ => Err(UnknownFormat {
                given: s.to_owned(),
            }),
        }
    }
}

/// Renders `files` in `format` as one document, so a caller holding a
/// [`Format`] from the user needs no `match` of its own. `markdown` is used
/// only for [`Format::Markdown`].
pub fn render(
    format: Format,
    files: &[AnnotationFile],
    filter: &Filter,
    markdown: &MarkdownOptions,
) -> String {
    render_with(format, files, filter, markdown, &W3cOptions::default())
}

/// [`render`] with what only the W3C writer needs from outside the store:
/// the articles' source positions and the palette's colours.
pub fn render_with(
    format: Format,
    files: &[AnnotationFile],
    filter: &Filter,
    markdown: &MarkdownOptions,
    w3c: &W3cOptions,
) -> String {
    match format {
        Format::Markdown => to_markdown(files, filter, markdown),
        Format::Json => to_json(files, filter),
        Format::Csv => to_csv(files, filter),
        Format::W3c => to_w3c_with(files, filter, w3c),
        Format::Anki => to_anki(files, filter),
    }
}

/// What the W3C writer needs besides the annotation files: where each
/// passage is in its article's file (W3C positions are in the coordinates of
/// `target.source`, which only a caller that reads the files can know) and
/// the palette, so the stylesheet gives each colour its real value.
#[derive(Debug, Clone, Default)]
pub struct W3cOptions {
    /// Highlights' places in their article files.
    pub positions: SourcePositions,
    /// The palette of the configuration (empty: no stylesheet rules).
    pub palette: Vec<PaletteColor>,
}

/// Where highlights' passages are in the files of their articles, in
/// characters of the file (as a consumer reading the file counts them). A
/// highlight without an entry gets no position selector: its article could
/// not be read, or its passage is no longer in it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourcePositions {
    map: HashMap<(String, String), Range<CharOffset>>,
    /// The web address of each saved page, by its stored path.
    urls: HashMap<String, String>,
}

impl SourcePositions {
    /// Records that highlight `id` of the article stored as `path` is at
    /// `range` of that file.
    pub fn insert(&mut self, path: &str, id: &str, range: Range<CharOffset>) {
        self.map.insert((path.to_owned(), id.to_owned()), range);
    }

    /// Where highlight `id` of the article stored as `path` is in the file.
    pub fn get(&self, path: &str, id: &str) -> Option<Range<CharOffset>> {
        self.map.get(&(path.to_owned(), id.to_owned())).cloned()
    }

    /// Records that the article stored as `path` is a saved copy of the web
    /// page at `url`, so exports name the page as well as the file.
    pub fn insert_url(&mut self, path: &str, url: &str) {
        self.urls.insert(path.to_owned(), url.to_owned());
    }

    /// The web address of the page the article stored as `path` was saved
    /// from, when it is a saved page that names one.
    pub fn url(&self, path: &str) -> Option<&str> {
        self.urls.get(path).map(String::as_str)
    }
}

/// A tag as one word, written the same way by every format that cannot
/// carry spaces in a tag (Markdown `#tag`, Readwise `.tag`, front matter):
/// letters, digits, `-`, `/`, and `_` inside a word; anything else becomes
/// `-`. `None` when nothing is left.
pub(crate) fn tag_word(tag: &str) -> Option<String> {
    let chars: Vec<char> = tag.trim().trim_start_matches(['#', '.']).chars().collect();
    let word: String = chars
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let inner = |j: Option<usize>| {
                j.and_then(|j| chars.get(j))
                    .is_some_and(|c| c.is_alphanumeric())
            };
            if c.is_alphanumeric()
                || c == '-'
                || c == '/'
                || (c == '_' && inner(i.checked_sub(1)) && inner(Some(i + 1)))
            {
                c
            } else {
                '-'
            }
        })
        .collect();
    let word = word.trim_matches('-').to_owned();
    (!word.is_empty()).then_some(word)
}

/// Why an import file could not be read. Messages say what was expected so the
/// user can tell a wrong file from a damaged one.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The text is not JSON at all, or not the shape expected (serde's message
    /// carries the line and column).
    #[error("not valid JSON for this import: {0}")]
    Json(#[from] serde_json::Error),
    /// A gloss JSON export written by a newer gloss.
    #[error(
        "gloss export version {found} is newer than this gloss understands (up to {supported}); update gloss"
    )]
    UnsupportedVersion {
        /// The version in the file.
        found: u64,
        /// The newest version this build reads.
        supported: u64,
    },
    /// Well-formed JSON whose content cannot be used.
    #[error("{0}")]
    Invalid(String),
}

/// One article with the highlights that passed the filter, in export order.
/// Shared by every writer so they agree on what is exported and in which order.
pub(crate) struct Selected<'a> {
    pub article: &'a ArticleRecord,
    pub highlights: Vec<&'a Highlight>,
}

/// Applies `filter`, drops empty articles and sorts: articles by the title
/// shown (case-insensitively, then exactly), then path; highlights by start,
/// end, id.
pub(crate) fn select<'a>(files: &'a [AnnotationFile], filter: &Filter) -> Vec<Selected<'a>> {
    let selected: Vec<Selected<'a>> = files
        .iter()
        .filter_map(|file| {
            let mut highlights: Vec<&Highlight> =
                file.highlights.iter().filter(|h| filter.keep(h)).collect();
            if highlights.is_empty() {
                return None;
            }
            highlights.sort_by(|a, b| highlight_order(a, b));
            Some(Selected {
                article: &file.article,
                highlights,
            })
        })
        .collect();
    let mut keyed: Vec<(String, String, Selected<'a>)> = selected
        .into_iter()
        .map(|sel| {
            let title = display_title(sel.article);
            (title.to_lowercase(), title, sel)
        })
        .collect();
    keyed.sort_by(|(a_low, a_title, a), (b_low, b_title, b)| {
        a_low
            .cmp(b_low)
            .then_with(|| a_title.cmp(b_title))
            .then_with(|| a.article.path.cmp(&b.article.path))
            .then_with(|| a.article.fingerprint.cmp(&b.article.fingerprint))
    });
    keyed.into_iter().map(|(_, _, sel)| sel).collect()
}

/// The title shown for an article: its own, else its file name, else
/// "Untitled", because readers (and Readwise) group by title and an empty one
/// would lump unrelated articles together.
pub(crate) fn display_title(article: &ArticleRecord) -> String {
    let title = article.title.trim();
    if !title.is_empty() {
        return title.to_owned();
    }
    let path = display_path(&article.path);
    let name = path.rsplit(['/', '\\']).next().unwrap_or("").trim();
    if name.is_empty() {
        "Untitled".to_owned()
    } else {
        name.to_owned()
    }
}

/// Document order for highlights, with the id as a tie-break so equal anchors
/// still sort the same way every time.
pub(crate) fn highlight_order(a: &Highlight, b: &Highlight) -> std::cmp::Ordering {
    a.anchor
        .start
        .cmp(&b.anchor.start)
        .then_with(|| a.anchor.end.cmp(&b.anchor.end))
        .then_with(|| a.id.cmp(&b.id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_names_parse_and_print() {
        for f in Format::ALL {
            assert_eq!(f.to_string().parse::<Format>().unwrap(), f);
        }
        assert_eq!("md".parse::<Format>().unwrap(), Format::Markdown);
        assert_eq!(" JSON ".parse::<Format>().unwrap(), Format::Json);
    }

    #[test]
    fn unknown_format_lists_valid_names() {
        let err = "pdf".parse::<Format>().unwrap_err().to_string();
        assert!(err.contains("\"pdf\""), "{err}");
        for name in ["markdown", "md", "json", "csv", "w3c"] {
            assert!(err.contains(name), "{err}");
        }
    }
}
