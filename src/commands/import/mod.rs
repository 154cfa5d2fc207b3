//! `gloss import`: folds a gloss JSON export or W3C Web Annotations into the
//! store without duplicating or losing anything.
//!
//! An import runs in two phases so that a bad file changes nothing: first the
//! whole file is parsed and every article and passage resolved in memory
//! ([`plan`]); only when that succeeds are the merged files written
//! ([`Plan::write`]), and a write that fails part way undoes the ones before
//! it.
//!
//! - gloss JSON is lossless: each article's highlights are merged by id into
//!   the annotation file found by path (or by text fingerprint when the export
//!   came from another machine), newer `updated` winning.
//! - W3C annotations name their article by `target.source` (a path or a
//!   `file:` URI; relative paths are tried against the current folder, then
//!   the import file's folder; a web address is matched to a library article
//!   by its front matter or `--map`, see [`web`]). Only articles inside the
//!   library are read ([`scope`]). Each quote is placed in the article's
//!   canonical text by [`Locator::place_selector`]: context of any length,
//!   ties orphaned, never placed on other text. Annotations whose article
//!   cannot be found or read, or that point at no passage, are skipped and
//!   reported; their neighbours are imported.
//! - The tool's own id is kept on each highlight (`via`), so the same
//!   annotations imported again, in any shape, are merged, not duplicated.
//! - `--marks` turns `==text==` and `<mark>` in an article into highlights
//!   ([`marks`]).
//!
//! While an import writes, a journal in the annotations folder lists what it
//! is putting in place ([`journal`]): a run killed while preparing left the
//! store as it was, and the next import finishes a run killed while putting
//! files in place, and says so.

pub mod journal;
pub mod marks;
pub mod omnivore;
pub mod readlater;
pub mod scope;
pub mod wallabag;
pub mod web;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow};
use chrono::Utc;

use crate::annotations::{
    Anchor, AnnotationFile, ArticleRecord, CharIndex, Highlight, HighlightId, Index, Locator, Op,
    QuoteSelector, SCHEMA_VERSION, Staged, Store, display_path, distinct_ids, path_to_text,
    text_to_path,
};
use crate::config::Config;
use crate::document::CharOffset;
use crate::document::{Document, sanitize_text};
use crate::export::{
    MergeCounts, W3cAnnotation, clean_article_text, clean_highlight, from_json, merge_import,
    read_w3c,
};
use crate::library::store_path;
use crate::library::{self, Source};
use crate::text;
use scope::Scope;
use web::WebIndex;

/// What an import did (or, before [`Plan::write`], will do).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Articles the import had highlights for.
    pub articles: usize,
    /// Highlights added, updated and left unchanged, over all articles.
    pub counts: MergeCounts,
    /// One message per annotation that was not imported, saying why.
    pub skipped: Vec<String>,
    /// Text fields (notes, tags, colours, titles...) that held control
    /// characters, now stored with the reader's placeholders instead.
    pub cleaned: usize,
    /// Highlights that came with an id another imported highlight of the
    /// same article already had: kept, each under an id of its own.
    pub renamed: usize,
    /// One line per web address matched to a local article, saying how.
    pub matched: Vec<String>,
    /// One message per annotation imported as an orphan (its quote could not
    /// be placed with confidence), with the reason.
    pub orphaned: Vec<String>,
    /// Set when an earlier import was interrupted: what it was and what
    /// became of it (finished now, or what is left to do), for the user.
    pub interrupted: Option<String>,
}

impl ImportReport {
    /// The one-line summary printed on stdout.
    pub fn summary(&self) -> String {
        let mut line = format!(
            "imported {} article{}: {} added, {} updated, {} left unchanged, {} skipped",
            self.articles,
            if self.articles == 1 { "" } else { "s" },
            self.counts.added,
            self.counts.updated,
            self.counts.unchanged,
            self.skipped.len()
        );
        if self.renamed > 0 {
            line.push_str(&format!(
                "; {} highlight{} shared an id with another and {} kept under a new id",
                self.renamed,
                if self.renamed == 1 { "" } else { "s" },
                if self.renamed == 1 { "was" } else { "were" },
            ));
        }
        if self.cleaned > 0 {
            line.push_str(&format!(
                "; control characters in {} field{} were replaced by placeholders",
                self.cleaned,
                if self.cleaned == 1 { "" } else { "s" },
            ));
        }
        line
    }
}

/// A fully resolved import, held in memory until it is written.
#[derive(Debug, Clone)]
pub struct Plan {
    /// What writing it will do.
    pub report: ImportReport,
    saves: Vec<Save>,
}

/// One annotation file to write: where (`None`: a new file, or one the store
/// finds for `record`), the article record, and the highlights to upsert.
#[derive(Debug, Clone)]
struct Save {
    file: Option<PathBuf>,
    record: ArticleRecord,
    ops: Vec<Op>,
}

/// What the command line adds to an import.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// `--map URL=PATH`: the local article for a web address.
    pub maps: Vec<(String, PathBuf)>,
    /// `--library PATH`: the folders articles may be read from (else the
    /// config's `library`, else the current folder).
    pub library: Vec<PathBuf>,
    /// `--allow-outside`: read articles wherever they are.
    pub allow_outside: bool,
}

/// Reads `file` and imports it into `store`; see the module documentation.
/// Nothing is written unless the whole file could be read and resolved.
pub fn run(
    store: &Store,
    config: &Config,
    file: &Path,
    options: &Options,
) -> anyhow::Result<ImportReport> {
    let shown = text::path(file);
    let bytes = fs::read(file).with_context(|| format!("cannot read {shown}"))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| anyhow!("{shown}: not UTF-8 text; nothing was imported"))?;
    // An earlier import killed while writing is finished first, so this
    // one is planned against the whole of it.
    let interrupted = journal::recover(store)?;
    let mut plan = plan(store, config, &text, file.parent(), options)
        .with_context(|| format!("{shown}: nothing was imported"))?;
    plan.report.interrupted = interrupted;
    plan.write_journaled(store, &shown)?;
    Ok(plan.report)
}

/// Parses `text` (gloss JSON or W3C, told apart by the `gloss_export` field)
/// and works out every change, reading the store and the articles but
/// writing nothing. `base` is the import file's folder, for relative sources.
pub fn plan(
    store: &Store,
    config: &Config,
    text: &str,
    base: Option<&Path>,
    options: &Options,
) -> anyhow::Result<Plan> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| anyhow!("not valid JSON: {e}"))?;
    let is_gloss = value
        .as_object()
        .is_some_and(|o| o.contains_key("gloss_export"));
    // Parsed once: the value is no longer needed.
    drop(value);
    let mut notes = Notes::default();
    let index = store.index()?;
    let mut incoming = if is_gloss {
        from_gloss_json(store, &index, text, &mut notes)?
    } else {
        let scope = Scope::new(&options.library, &config.library, options.allow_outside);
        from_web_annotations(
            store, &index, config, text, base, options, &scope, &mut notes,
        )?
    };
    let cleaned = incoming.iter_mut().map(Incoming::clean).sum();
    let (articles, counts, renamed, saves) = merge_all(incoming);
    // Ids and paths in these come from the file: shown, not obeyed.
    let clean = |lines: Vec<String>| -> Vec<String> {
        lines.iter().map(|m| text::clean(m).into_owned()).collect()
    };
    Ok(Plan {
        report: ImportReport {
            articles,
            counts,
            skipped: clean(notes.skipped),
            cleaned,
            renamed,
            matched: clean(notes.matched),
            orphaned: clean(notes.orphaned),
            interrupted: None,
        },
        saves,
    })
}

/// Messages gathered while planning.
#[derive(Debug, Default)]
struct Notes {
    skipped: Vec<String>,
    matched: Vec<String>,
    orphaned: Vec<String>,
}

/// Highlights for one article, with where they go.
struct Incoming {
    /// The stored file and its content, when the article has one.
    found: Option<(PathBuf, AnnotationFile)>,
    /// The article record to save: for gloss JSON the exported one (the
    /// stored record wins where it has a value), for W3C the record of the
    /// article file as it is now.
    record: ArticleRecord,
    /// True when `record` describes the file now and replaces the stored one.
    fresh_record: bool,
    /// The highlights, in an annotation file.
    content: AnnotationFile,
    /// Ids of highlights that came without any time: a stored copy of them
    /// is kept as it is rather than replaced by one stamped with the time of
    /// this import, so importing the same file twice changes nothing.
    timeless: HashSet<HighlightId>,
}

impl Incoming {
    /// Highlights placed in an article file read now (W3C, `--marks`): its
    /// record describes the file as it is and replaces the stored one.
    fn placed(
        found: Option<(PathBuf, AnnotationFile)>,
        record: ArticleRecord,
        highlights: Vec<Highlight>,
        timeless: HashSet<HighlightId>,
    ) -> Self {
        Self {
            found,
            record: record.clone(),
            fresh_record: true,
            content: AnnotationFile {
                version: SCHEMA_VERSION,
                article: record,
                position: None,
                highlights,
            },
            timeless,
        }
    }
}

impl Incoming {
    /// Replaces control characters in everything the import will store or
    /// show (not the article's path, which names a file here) with the
    /// reader's placeholders; returns how many fields held some.
    fn clean(&mut self) -> usize {
        self.timeless = self
            .timeless
            .iter()
            .map(|id| HighlightId::from(sanitize_text(id.as_str()).into_owned()))
            .collect();
        clean_article_text(&mut self.content.article);
        let mut cleaned = clean_article_text(&mut self.record);
        for h in &mut self.content.highlights {
            cleaned += clean_highlight(h);
        }
        cleaned
    }
}

fn from_gloss_json(
    store: &Store,
    index: &Index,
    text: &str,
    notes: &mut Notes,
) -> anyhow::Result<Vec<Incoming>> {
    // The message already includes serde's; the error's source would repeat it.
    let files = from_json(text).map_err(|e| anyhow!("{e}"))?;
    let skipped = &mut notes.skipped;
    let by_path = PathIndex::new(index);
    let mut out = Vec::new();
    for content in files {
        let article = &content.article;
        // Notes tied to no path and no text could never be shown by any
        // article, and a second import could not find them to merge with.
        if article.path.is_empty() && article.fingerprint.is_empty() {
            skipped.push(format!(
                "article \"{}\": it names neither a path nor a fingerprint, so no article could show its {} highlight(s)",
                article.title,
                content.highlights.len()
            ));
            continue;
        }
        let mut found = match by_path.find(&text_to_path(&article.path), &article.fingerprint) {
            Some(file) => Some((file.to_path_buf(), store.read(file)?)),
            None => None,
        };
        // An export from another machine names a path that does not exist
        // here; the same text stored under a local path is the same article.
        if found.is_none()
            && !article.fingerprint.is_empty()
            && !text_to_path(&article.path).exists()
            && let Some(file) = by_path.by_fingerprint(&article.fingerprint)
        {
            found = Some((file.to_path_buf(), store.read(file)?));
        }
        out.push(Incoming {
            found,
            record: article.clone(),
            fresh_record: false,
            content,
            timeless: HashSet::new(),
        });
    }
    Ok(out)
}

/// The store's files by recorded article path and by fingerprint, built
/// once per import (looking each article up with [`Store::find`] would list
/// the whole folder again for every article of a large backup). Same rule as
/// the store's: a file recording the path wins; else one with the
/// fingerprint whose recorded path no longer exists (the article moved).
struct PathIndex<'i> {
    by_path: HashMap<PathBuf, &'i Path>,
    by_fingerprint: HashMap<&'i str, Vec<(&'i Path, &'i str)>>,
}

impl<'i> PathIndex<'i> {
    fn new(index: &'i Index) -> Self {
        let mut by_path = HashMap::new();
        let mut by_fingerprint: HashMap<&str, Vec<(&Path, &str)>> = HashMap::new();
        for e in &index.entries {
            if !e.article.path.is_empty() {
                by_path
                    .entry(text_to_path(&e.article.path))
                    .or_insert(e.file.as_path());
            }
            if !e.article.fingerprint.is_empty() {
                by_fingerprint
                    .entry(e.article.fingerprint.as_str())
                    .or_default()
                    .push((e.file.as_path(), e.article.path.as_str()));
            }
        }
        Self {
            by_path,
            by_fingerprint,
        }
    }

    /// The file of the article at `path` with `fingerprint`.
    fn find(&self, path: &Path, fingerprint: &str) -> Option<&'i Path> {
        if let Some(file) = self.by_path.get(path) {
            return Some(file);
        }
        self.by_fingerprint
            .get(fingerprint)?
            .iter()
            .find(|(_, recorded)| recorded.is_empty() || !text_to_path(recorded).exists())
            .map(|(file, _)| *file)
    }

    /// Any file of an article with `fingerprint`.
    fn by_fingerprint(&self, fingerprint: &str) -> Option<&'i Path> {
        self.by_fingerprint
            .get(fingerprint)
            .and_then(|v| v.first())
            .map(|(file, _)| *file)
    }
}

/// An article file that W3C annotations point at, read and parsed.
struct Resolved {
    source: Source,
    path: PathBuf,
}

/// The annotations (with their number in the file) that point at one article.
type Group<'a> = (Source, Vec<(usize, &'a W3cAnnotation)>);

#[allow(clippy::too_many_arguments)]
fn from_web_annotations(
    store: &Store,
    index: &Index,
    config: &Config,
    text: &str,
    base: Option<&Path>,
    options: &Options,
    scope: &Scope,
    notes: &mut Notes,
) -> anyhow::Result<Vec<Incoming>> {
    let read = read_w3c(text).map_err(|e| anyhow!("{e}"))?;
    let mut annotations = Vec::with_capacity(read.len());
    for (i, item) in read.into_iter().enumerate() {
        match item {
            Ok(a) => annotations.push((i, a)),
            Err((Some(id), why)) => notes
                .skipped
                .push(format!("annotation {} ({id}): {why}", i + 1)),
            Err((None, why)) => notes.skipped.push(format!("annotation {}: {why}", i + 1)),
        }
    }
    place_annotations(
        store,
        index,
        config,
        &annotations,
        base,
        options,
        scope,
        notes,
    )
}

/// Places annotations already read (numbered as in their file) in the
/// articles they name, as the W3C import does: grouped by article, each
/// quote placed by [`Anchorer`], the unplaceable orphaned with the reason.
/// Read-later imports build their annotations themselves and come here too.
#[allow(clippy::too_many_arguments)]
fn place_annotations(
    store: &Store,
    index: &Index,
    config: &Config,
    annotations: &[(usize, W3cAnnotation)],
    base: Option<&Path>,
    options: &Options,
    scope: &Scope,
    notes: &mut Notes,
) -> anyhow::Result<Vec<Incoming>> {
    let limit = config.reader.max_file_size();
    let mut web: Option<WebIndex> = None;
    let mut sources: BTreeMap<String, Result<Resolved, String>> = BTreeMap::new();
    let mut groups: BTreeMap<PathBuf, Group<'_>> = BTreeMap::new();
    for (i, a) in annotations {
        let (i, a) = (*i, a);
        if !a.has_passage() {
            notes.skipped.push(format!(
                "{}: it has no selector gloss can use (a TextQuoteSelector or TextPositionSelector), so it marks no passage",
                name(i, a)
            ));
            continue;
        }
        let resolved = sources.entry(a.source.clone()).or_insert_with(|| {
            let found = if has_scheme(&a.source) && !a.source.starts_with(library::SAMPLE_PREFIX) {
                let web = web.get_or_insert_with(|| WebIndex::build(scope.roots(), limit));
                web.find(&a.source, &options.maps).map(|m| {
                    notes.matched.push(format!(
                        "{} -> {} (by {})",
                        a.source,
                        m.path.display(),
                        m.how
                    ));
                    let source = Source::File(m.path);
                    Resolved {
                        path: store_path(&source),
                        source,
                    }
                })
            } else {
                resolve(&a.source, base)
            };
            found.and_then(|r| match &r.source {
                Source::File(file) => scope.check(file).map(|()| r),
                _ => Ok(r),
            })
        });
        match resolved {
            Ok(r) => groups
                .entry(r.path.clone())
                .or_insert_with(|| (r.source.clone(), Vec::new()))
                .1
                .push((i, a)),
            Err(why) => notes.skipped.push(format!("{}: {why}", name(i, a))),
        }
    }

    let options = config.reader.parse_options();
    let by_path = PathIndex::new(index);
    let now = Utc::now();
    let mut out = Vec::new();
    for (path, (source, items)) in groups {
        let loaded = match library::load_within(&source, limit) {
            Ok(loaded) => loaded,
            Err(why) => {
                // Found but unreadable (permissions, not text): like a
                // missing article, its annotations cannot be placed.
                notes
                    .skipped
                    .extend(items.iter().map(|(i, a)| format!("{}: {why}", name(*i, a))));
                continue;
            }
        };
        let doc = Document::parse_complete(&loaded.text, loaded.format, options);
        let meta = doc.meta();
        let record = ArticleRecord {
            title: meta.title_or_name(&source.file_name()),
            author: meta.author.clone(),
            date: meta.date_text.clone(),
            path: path_to_text(&path),
            fingerprint: loaded.fingerprint(),
            archived: None,
        };
        let found = match by_path.find(&path, &record.fingerprint) {
            Some(file) => Some((file.to_path_buf(), store.read(file)?)),
            None => None,
        };
        // Every quote is found in one pass, every position converted in one.
        let anchorer = Anchorer::new(doc.text(), items.iter().map(|(_, a)| a.exact.as_str()));
        let positioned: Vec<(CharOffset, CharOffset)> = items
            .iter()
            .filter_map(|(_, a)| Some((a.start?, a.end?)))
            .collect();
        let mut shown = doc.text_chars_many(&positioned).into_iter();
        let mut highlights = Vec::with_capacity(items.len());
        let mut timeless = HashSet::new();
        // A position alone is taken only in an article the user has opened
        // in gloss: it has a reading position, which imports never set (so
        // a second import of the same file decides the same way).
        let opened = found.as_ref().is_some_and(|(_, f)| f.position.is_some());
        for (i, a) in items {
            // W3C positions count the characters of the file (markup and
            // all); anchors count the text gloss shows.
            let mut a = a.clone();
            if let (Some(_), Some(_)) = (a.start, a.end) {
                let shown = shown.next().flatten();
                a.start = shown.as_ref().map(|r| r.start);
                a.end = shown.map(|r| r.end);
            }
            let a = &a;
            let mut h = a.to_highlight(&config.highlights.default, now);
            h.color = palette_color(config, a.color.as_deref());
            match anchorer.anchor(a, h, opened) {
                Ok((h, orphan)) => {
                    if let Some(why) = orphan {
                        notes.orphaned.push(format!(
                            "{} in {}: {why}",
                            name(i, a),
                            source.display_path(),
                        ));
                    }
                    if a.created.or(a.modified).is_none() {
                        timeless.insert(h.id.clone());
                    }
                    highlights.push(h);
                }
                Err(why) => {
                    notes
                        .skipped
                        .push(format!("{}: {why} ({})", name(i, a), source.display_path()))
                }
            }
        }
        out.push(Incoming::placed(found, record, highlights, timeless));
    }
    Ok(out)
}

/// How an annotation is named in messages: its number in the file and its id.
fn name(index: usize, a: &W3cAnnotation) -> String {
    match &a.id {
        Some(id) => format!("annotation {} ({id})", index + 1),
        None => format!("annotation {}", index + 1),
    }
}

/// The palette's spelling of `color`; a name the palette does not have is
/// kept as written (one line, at most 40 characters), the default colour
/// only when there is none.
fn palette_color(config: &Config, color: Option<&str>) -> String {
    color
        .and_then(|c| {
            config
                .highlights
                .palette
                .iter()
                .find(|p| p.name.eq_ignore_ascii_case(c.trim()))
        })
        .map(|p| p.name.clone())
        // A colour this palette lacks is kept by name (another machine's
        // palette may have it), not turned into the default.
        .or_else(|| {
            color
                .map(|c| crate::text::one_line(c.trim()))
                .filter(|c| !c.is_empty() && c.chars().count() <= 40)
        })
        .unwrap_or_else(|| config.highlights.default.clone())
}

/// The article file a W3C source names, or why there is none.
fn resolve(source: &str, base: Option<&Path>) -> Result<Resolved, String> {
    if source.starts_with(library::SAMPLE_PREFIX) {
        return library::samples()
            .articles
            .into_iter()
            .find(|a| a.source.display_path() == source)
            .map(|a| Resolved {
                path: store_path(&a.source),
                source: a.source,
            })
            .ok_or_else(|| format!("no bundled sample is called {source}"));
    }
    if has_scheme(source) {
        return Err(format!("{source} is not a file on this computer"));
    }
    let given = text_to_path(source);
    let candidates: Vec<PathBuf> = if given.is_absolute() {
        vec![given.clone()]
    } else {
        let mut c = Vec::new();
        if let Ok(cwd) = std::env::current_dir() {
            c.push(cwd.join(&given));
        }
        if let Some(base) = base {
            c.push(base.join(&given));
        }
        c
    };
    candidates
        .into_iter()
        .find(|c| c.is_file())
        .map(|file| {
            let source = Source::File(file);
            Resolved {
                path: store_path(&source),
                source,
            }
        })
        .ok_or_else(|| format!("article not found: {}", display_path(source)))
}

/// `scheme:` at the start, as in `https://...`; a one-letter "scheme" is a
/// Windows drive.
fn has_scheme(text: &str) -> bool {
    let Some((scheme, _)) = text.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    scheme.len() > 1
        && chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// Places imported passages in one article's canonical text.
struct Anchorer<'a> {
    text: &'a str,
    locator: Locator<'a>,
    chars: CharIndex<'a>,
}

impl<'a> Anchorer<'a> {
    fn new<'q>(text: &'a str, quotes: impl IntoIterator<Item = &'q str>) -> Self {
        Self {
            text,
            locator: Locator::for_import_of(text, quotes),
            chars: CharIndex::new(text),
        }
    }

    /// `h` anchored in the text: a quote is placed by
    /// [`Locator::place_selector`] and orphaned when it cannot be placed with
    /// confidence. A position without a quote is taken as given, but only in
    /// an article the user has opened in gloss (`known`): it would
    /// otherwise copy text from a file they never opened in gloss. `Err`
    /// says why a position-only annotation is skipped.
    fn anchor(
        &self,
        a: &W3cAnnotation,
        mut h: Highlight,
        known: bool,
    ) -> Result<(Highlight, Option<&'static str>), String> {
        if a.exact.is_empty() {
            if !known {
                return Err(
                    "it gives a position but no quote, and a position alone is only taken in an article you have opened in gloss"
                        .into(),
                );
            }
            let Some(range) = self.position(a).filter(|r| r.start < r.end) else {
                return Err("its position is outside the article".into());
            };
            let range = self.chars.byte_of(range.start)..self.chars.byte_of(range.end);
            h.anchor = Anchor::from_range(self.text, range);
            h.orphaned = false;
            return Ok((h, None));
        }
        match self.locator.place_selector(&self.selector(a)) {
            Ok(settled) => {
                h.anchor = settled.anchor;
                h.orphaned = false;
                Ok((h, None))
            }
            Err(orphan) => {
                // Kept as the tool gave it: nothing in the text confirmed
                // any offsets, so none are claimed.
                h.anchor.start = CharOffset::ZERO;
                h.anchor.end = CharOffset::ZERO;
                h.orphaned = true;
                Ok((h, Some(orphan.reason())))
            }
        }
    }

    fn selector(&self, a: &W3cAnnotation) -> QuoteSelector {
        QuoteSelector {
            exact: a.exact.clone(),
            prefix: a.prefix.clone(),
            suffix: a.suffix.clone(),
            position: self.position(a),
        }
    }

    /// The annotation's `TextPositionSelector` as a range of this text's
    /// characters (the one place positions are converted); `None` when it
    /// has none or it lies outside the text. A hint: the search trusts it
    /// only where it selects the quote.
    fn position(&self, a: &W3cAnnotation) -> Option<std::ops::Range<CharOffset>> {
        let (start, end) = (a.start?, a.end?);
        (start <= end && end <= self.chars.len_chars()).then_some(start..end)
    }
}

/// Merges every incoming article into its stored file (several incoming
/// entries for one file merge together) and returns the article count, the
/// totals, and the saves that change something.
fn merge_all(incoming: Vec<Incoming>) -> (usize, MergeCounts, usize, Vec<Save>) {
    struct Target {
        file: Option<PathBuf>,
        original: Vec<Highlight>,
        merged: AnnotationFile,
        record: Option<ArticleRecord>,
        /// Highlights this import brought for the article so far, with the
        /// ids they are stored under.
        imported: Vec<Highlight>,
    }
    let mut renamed = 0;
    let mut targets: Vec<Target> = Vec::new();
    // Where each article's target is: by its stored file, or (no file yet)
    // by recorded path and fingerprint.
    let mut slots: HashMap<(Option<PathBuf>, String, String), usize> = HashMap::new();
    let mut counts = MergeCounts::default();
    for inc in incoming {
        let key = match &inc.found {
            Some((file, _)) => (Some(file.clone()), String::new(), String::new()),
            None => (
                None,
                inc.record.path.clone(),
                inc.record.fingerprint.clone(),
            ),
        };
        let slot = slots.get(&key).copied();
        let slot = slot.unwrap_or_else(|| {
            let (file, merged) = match inc.found {
                Some((file, content)) => (Some(file), content),
                None => (
                    None,
                    AnnotationFile {
                        version: SCHEMA_VERSION,
                        article: inc.record.clone(),
                        position: None,
                        highlights: Vec::new(),
                    },
                ),
            };
            targets.push(Target {
                file,
                original: merged.highlights.clone(),
                merged,
                record: None,
                imported: Vec::new(),
            });
            slots.insert(key, targets.len() - 1);
            targets.len() - 1
        });
        let Some(target) = targets.get_mut(slot) else {
            continue;
        };
        let mut content = inc.content;
        // The same annotation from the same tool, imported before in another
        // shape (API rows, then JSON-LD) and so maybe under another id: the
        // stored highlight's id, so it is merged rather than added.
        let via_ids: HashMap<&str, &HighlightId> = target
            .merged
            .highlights
            .iter()
            .filter_map(|h| h.via.as_deref().map(|v| (v, &h.id)))
            .collect();
        if !via_ids.is_empty() {
            for h in &mut content.highlights {
                if let Some(id) = h.via.as_deref().and_then(|v| via_ids.get(v)) {
                    h.id = (*id).clone();
                }
            }
        }
        // The store's own rule tells copies apart, over everything this
        // import brought for the article: earlier highlights keep their ids,
        // so the same file always yields the same ones.
        let earlier = target.imported.len();
        target.imported.append(&mut content.highlights);
        renamed += distinct_ids(&mut target.imported);
        content.highlights = target.imported.get(earlier..).unwrap_or_default().to_vec();
        if !inc.timeless.is_empty() {
            let stored: HashMap<&HighlightId, &Highlight> = target
                .merged
                .highlights
                .iter()
                .map(|s| (&s.id, s))
                .collect();
            for h in &mut content.highlights {
                if inc.timeless.contains(&h.id)
                    && let Some(stored) = stored.get(&h.id)
                {
                    *h = (*stored).clone();
                }
            }
        }
        counts += merge_import(&mut target.merged, &content);
        if inc.fresh_record {
            target.record = Some(inc.record);
        }
    }
    let articles = targets.len();
    let saves = targets
        .into_iter()
        .filter_map(|t| {
            let original: HashMap<&HighlightId, &Highlight> =
                t.original.iter().map(|h| (&h.id, h)).collect();
            let ops: Vec<Op> = t
                .merged
                .highlights
                .iter()
                .filter(|h| original.get(&h.id) != Some(h))
                .map(|h| Op::Upsert(h.clone()))
                .collect();
            (!ops.is_empty()).then(|| Save {
                file: t.file,
                record: t.record.unwrap_or(t.merged.article),
                ops,
            })
        })
        .collect();
    (articles, counts, renamed, saves)
}

impl Plan {
    /// Writes the planned changes through the store, in three steps so that
    /// a failure or a kill at any moment leaves the store as it was, or
    /// finishable from the journal (see [`journal`]):
    ///
    /// 1. every file's merged content is written beside it to a temporary
    ///    file (nothing visible changes; a failure removes them all);
    /// 2. all of them are synced at once and the journal lists them;
    /// 3. each is renamed over its annotation file, then the folder synced.
    ///
    /// A rename that fails puts back the files renamed before it.
    pub fn write(&self, store: &Store) -> anyhow::Result<()> {
        self.write_as(store, "an import")
    }

    /// [`Plan::write`] of the import named `what` (the file, for the
    /// journal and the messages).
    fn write_as(&self, store: &Store, what: &str) -> anyhow::Result<()> {
        let dir_existed = store.dir().exists();
        let lock = store
            .lock_batch()
            .with_context(|| "cannot lock the notes folder; nothing was imported")?;
        let mut journal = journal::Journal::begin(store, what)?;
        let give_up = |staged: &[Staged], journal: &journal::Journal| {
            for s in staged {
                store.discard_staged(s);
            }
            journal.remove();
            if !dir_existed {
                let _ = fs::remove_file(store.dir().join(".lock"));
                let _ = fs::remove_dir(store.dir());
            }
        };
        let mut staged: Vec<Staged> = Vec::with_capacity(self.saves.len());
        for save in &self.saves {
            // An article with no file gets its new name here, so the store
            // need not look through every file for each new article.
            let file = match &save.file {
                Some(file) => file.clone(),
                None => store.new_file_for(&save.record.title),
            };
            match store.stage(&lock, &file, &save.record, &save.ops) {
                Ok(s) => staged.push(s),
                Err(e) => {
                    give_up(&staged, &journal);
                    return Err(anyhow!(
                        "cannot save the notes of {}: {}; nothing was imported",
                        shown_article(&save.record),
                        text::clean(&e.to_string()),
                    ));
                }
            }
            journal::pause_for_tests("staged", staged.len());
        }
        let temps: Vec<PathBuf> = staged.iter().map(|s| s.temp.clone()).collect();
        if let Err(e) = crate::annotations::sync_files(store.dir(), &temps)
            .map_err(anyhow::Error::from)
            .and_then(|()| journal.list(&staged))
        {
            give_up(&staged, &journal);
            return Err(anyhow!(
                "cannot write the notes: {}; nothing was imported",
                text::clean(&e.to_string())
            ));
        }
        let mut done: Vec<&Staged> = Vec::with_capacity(staged.len());
        for s in &staged {
            if let Err(e) = store.commit_staged(&lock, s) {
                let not_undone = undo_all(&done);
                for rest in staged.iter().skip(done.len()) {
                    store.discard_staged(rest);
                }
                let mut message = format!(
                    "cannot save the notes of {}: {}",
                    text::clean(&s.file.display().to_string()),
                    text::clean(&e.to_string()),
                );
                if not_undone.is_empty() {
                    journal.remove();
                    message.push_str("; nothing was imported");
                } else {
                    message.push_str(&format!(
                        "; these files were changed by the import and could not be restored: {}",
                        not_undone.join(", ")
                    ));
                }
                return Err(anyhow!(message));
            }
            done.push(s);
            journal::pause_for_tests("written", done.len());
        }
        let _ = crate::annotations::sync_folder(store.dir());
        journal.finish();
        drop(lock);
        Ok(())
    }
}

impl Plan {
    /// [`Plan::write`] of the import named `what` (its file), when there is
    /// anything to write. Plan after [`journal::recover`]: an import
    /// planned against a half-written earlier one would start second files
    /// for the articles the earlier one had not put in place yet.
    pub fn write_journaled(&self, store: &Store, what: &str) -> anyhow::Result<()> {
        if self.saves.is_empty() {
            return Ok(());
        }
        self.write_as(store, what)
    }
}

/// How an article is named in a message about its notes.
fn shown_article(record: &ArticleRecord) -> String {
    text::clean(&if record.path.is_empty() {
        record.title.clone()
    } else {
        display_path(&record.path)
    })
    .into_owned()
}

/// Takes back renames, newest first (the files' old bytes are in the
/// staged saves); returns the files that could not be.
fn undo_all(done: &[&Staged]) -> Vec<String> {
    let mut failed = Vec::new();
    for s in done.iter().rev() {
        // Changed by someone else since: leave their version.
        if fs::read(&s.file).ok().as_deref() != Some(s.after.as_slice()) {
            failed.push(s.file.display().to_string());
            continue;
        }
        let result = match &s.before {
            Some(bytes) => restore(&s.file, bytes),
            None => fs::remove_file(&s.file),
        };
        if result.is_err() {
            failed.push(s.file.display().to_string());
        }
    }
    failed
}

/// Puts `bytes` back in place by rename, so a crash leaves old or new.
fn restore(file: &Path, bytes: &[u8]) -> std::io::Result<()> {
    crate::annotations::replace_file(&crate::annotations::RealDisk, file, bytes)
        .map_err(std::io::Error::from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotations::testing::{CharOffset, highlight};

    /// Options whose library is `dir`.
    fn inside(dir: &Path) -> Options {
        Options {
            library: vec![dir.to_path_buf()],
            ..Options::default()
        }
    }

    #[test]
    fn schemes_and_paths_are_told_apart() {
        assert!(has_scheme("https://example.com/a"));
        assert!(has_scheme("urn:x:y"));
        assert!(!has_scheme("C:/Users/a.md"));
        assert!(!has_scheme("/home/a.md"));
        assert!(!has_scheme("notes/a.md"));
    }

    #[test]
    fn unknown_colours_are_kept_by_name() {
        let config = Config::default();
        assert_eq!(palette_color(&config, Some("Green")), "green");
        assert_eq!(palette_color(&config, Some("hl-123")), "hl-123");
        assert_eq!(palette_color(&config, Some("  ")), "yellow");
        assert_eq!(palette_color(&config, None), "yellow");
    }

    #[test]
    fn summary_reads_well() {
        let report = ImportReport {
            articles: 1,
            counts: MergeCounts {
                added: 2,
                updated: 1,
                unchanged: 0,
            },
            skipped: vec!["x".into()],
            cleaned: 0,
            renamed: 0,
            ..ImportReport::default()
        };
        assert_eq!(
            report.summary(),
            "imported 1 article: 2 added, 1 updated, 0 left unchanged, 1 skipped"
        );
        let report = ImportReport {
            cleaned: 3,
            renamed: 1,
            ..report
        };
        assert_eq!(
            report.summary(),
            "imported 1 article: 2 added, 1 updated, 0 left unchanged, 1 skipped; \
             1 highlight shared an id with another and was kept under a new id; \
             control characters in 3 fields were replaced by placeholders"
        );
    }

    #[test]
    fn a_failed_save_undoes_the_earlier_ones() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        let kept = ArticleRecord {
            title: "Kept".into(),
            path: "/kept.md".into(),
            ..ArticleRecord::default()
        };
        let saved = store
            .apply(
                None,
                &kept,
                &[Op::Upsert(
                    highlight("a")
                        .quote_at("q", CharOffset::new(0))
                        .at("2024-01-01T00:00:00Z")
                        .build(),
                )],
            )
            .unwrap();
        let before = fs::read(&saved.file).unwrap();
        // A folder where the store expects a file makes the last save fail.
        let blocker = store.dir().join("blocker.toml");
        fs::create_dir(&blocker).unwrap();
        let plan = Plan {
            report: ImportReport::default(),
            saves: vec![
                Save {
                    file: Some(saved.file.clone()),
                    record: kept.clone(),
                    ops: vec![Op::Upsert(
                        highlight("b")
                            .quote_at("r", CharOffset::new(5))
                            .at("2024-01-02T00:00:00Z")
                            .build(),
                    )],
                },
                Save {
                    file: None,
                    record: ArticleRecord {
                        title: "New".into(),
                        path: "/new.md".into(),
                        ..ArticleRecord::default()
                    },
                    ops: vec![Op::Upsert(
                        highlight("c")
                            .quote_at("s", CharOffset::new(1))
                            .at("2024-01-02T00:00:00Z")
                            .build(),
                    )],
                },
                Save {
                    file: Some(blocker.clone()),
                    record: kept,
                    ops: vec![],
                },
            ],
        };
        let err = plan.write(&store).unwrap_err().to_string();
        assert!(err.contains("nothing was imported"), "{err}");
        assert_eq!(fs::read(&saved.file).unwrap(), before);
        let mut names: Vec<String> = fs::read_dir(store.dir())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| !n.starts_with('.'))
            .collect();
        names.sort();
        let original = saved
            .file
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let mut expected = vec!["blocker.toml".to_string(), original];
        expected.sort();
        assert_eq!(names, expected);
    }

    #[test]
    fn the_same_export_twice_merges_into_one_file_without_changes() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        let json = r#"{"gloss_export":1,"articles":[{"title":"T","path":"/t.md","fingerprint":"sha256:1",
            "highlights":[{"id":"a","created":"2024-01-01T00:00:00Z","updated":"2024-01-01T00:00:00Z",
            "color":"green","quote":"q","start":1,"end":2}]}]}"#;
        let config = Config::default();
        let first = plan(&store, &config, json, None, &Options::default()).unwrap();
        assert_eq!(first.report.counts.added, 1);
        first.write(&store).unwrap();
        let second = plan(&store, &config, json, None, &Options::default()).unwrap();
        assert_eq!(second.report.counts.unchanged, 1);
        assert!(second.saves.is_empty());
        // Two entries for one article in a single file count once.
        let doubled = json.replace(
            "]}]}",
            "]},{\"title\":\"T\",\"path\":\"/t.md\",\"fingerprint\":\"sha256:1\",\"highlights\":[]}]}",
        );
        assert_eq!(
            plan(&store, &config, &doubled, None, &Options::default())
                .unwrap()
                .report
                .articles,
            1
        );
    }

    #[test]
    fn an_article_with_neither_path_nor_fingerprint_is_skipped_with_the_reason() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        let json = r#"{"gloss_export":1,"articles":[{"title":"No path","highlights":[
            {"id":"a","created":"2024-01-01T00:00:00Z","updated":"2024-01-01T00:00:00Z",
            "color":"green","quote":"q","start":1,"end":2}]}]}"#;
        let plan = plan(&store, &Config::default(), json, None, &Options::default()).unwrap();
        assert!(plan.saves.is_empty(), "nothing is stored");
        assert_eq!(plan.report.skipped.len(), 1);
        assert!(
            plan.report.skipped[0].contains("neither a path nor a fingerprint"),
            "{:?}",
            plan.report.skipped
        );
    }

    #[test]
    fn bad_input_is_refused_before_anything_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        let config = Config::default();
        for bad in ["{", "[1]", r#"{"gloss_export": 99, "articles": []}"#] {
            assert!(
                plan(&store, &config, bad, None, &Options::default()).is_err(),
                "{bad}"
            );
        }
        assert!(!store.dir().exists());
    }

    #[test]
    fn annotations_without_times_do_not_change_on_a_second_import() {
        let dir = tempfile::tempdir().unwrap();
        let article = dir.path().join("a.txt");
        fs::write(
            &article,
            "First paragraph here.\n\nThe quick brown fox jumps.\n",
        )
        .unwrap();
        let w3c = format!(
            r#"{{"type":"Annotation","body":"n","target":{{"source":"{}","selector":{{"type":"TextQuoteSelector","exact":"quick brown fox"}}}}}}"#,
            crate::export::file_uri(&article.display().to_string())
        );
        let store = Store::new(&dir.path().join("data"));
        let config = Config::default();
        let first = plan(&store, &config, &w3c, None, &inside(dir.path())).unwrap();
        assert_eq!(first.report.counts.added, 1);
        first.write(&store).unwrap();
        let stored = crate::commands::read_all(&store).unwrap().files;
        let h = &stored[0].1.highlights[0];
        assert!(!h.orphaned);
        assert_eq!((h.anchor.start.get(), h.anchor.end.get()), (27, 42));
        assert_eq!(h.note, "n");

        let second = plan(&store, &config, &w3c, None, &inside(dir.path())).unwrap();
        assert_eq!(second.report.counts.unchanged, 1, "{:?}", second.report);
        assert!(second.saves.is_empty());
    }

    #[test]
    fn a_position_without_a_quote_is_taken_only_in_an_article_opened_in_gloss() {
        let dir = tempfile::tempdir().unwrap();
        let article = dir.path().join("a.txt");
        fs::write(&article, "One two three.\n").unwrap();
        let uri = crate::export::file_uri(&article.display().to_string());
        let w3c = format!(
            r#"[{{"id":"a","created":"2024-01-01T00:00:00Z","target":{{"source":"{uri}","selector":{{"type":"TextPositionSelector","start":4,"end":7}}}}}},
               {{"id":"b","created":"2024-01-01T00:00:00Z","target":{{"source":"{uri}","selector":{{"type":"TextPositionSelector","start":4,"end":700}}}}}}]"#
        );
        let store = Store::new(&dir.path().join("data"));
        let options = inside(dir.path());
        // Never read text from a file by position alone when gloss has no
        // notes for it.
        let first = plan(&store, &Config::default(), &w3c, None, &options).unwrap();
        assert_eq!(first.report.counts.added, 0);
        assert_eq!(first.report.skipped.len(), 2);
        assert!(
            first.report.skipped[0].contains("no quote"),
            "{:?}",
            first.report.skipped
        );
        assert!(first.saves.is_empty());
        // Once the article was opened (it has a reading position), a
        // position inside it is taken.
        let record = ArticleRecord {
            title: "a".into(),
            path: path_to_text(&article),
            fingerprint: crate::annotations::fingerprint("One two three.\n"),
            ..ArticleRecord::default()
        };
        store
            .apply(
                None,
                &record,
                &[Op::SetPosition(crate::annotations::ReadingPosition {
                    offset: CharOffset::ZERO,
                    quote: "One".into(),
                    progress: 0.0,
                    updated: Utc::now(),
                })],
            )
            .unwrap();
        let plan = plan(&store, &Config::default(), &w3c, None, &options).unwrap();
        assert_eq!(plan.report.counts.added, 1);
        assert_eq!(plan.report.skipped.len(), 1);
        assert!(
            plan.report.skipped[0].contains("outside"),
            "{:?}",
            plan.report.skipped
        );
        plan.write(&store).unwrap();
        let stored = crate::commands::read_all(&store).unwrap().files;
        assert_eq!(stored[0].1.highlights[0].anchor.quote, "two");
    }

    #[test]
    fn an_article_that_cannot_be_read_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let article = dir.path().join("binary.md");
        fs::write(&article, b"abc\0def").unwrap();
        let w3c = format!(
            r#"{{"id":"x","type":"Annotation","target":{{"source":"{}","selector":{{"type":"TextQuoteSelector","exact":"abc"}}}}}}"#,
            crate::export::file_uri(&article.display().to_string())
        );
        let store = Store::new(&dir.path().join("data"));
        let plan = plan(&store, &Config::default(), &w3c, None, &inside(dir.path())).unwrap();
        assert_eq!(plan.report.articles, 0);
        assert_eq!(plan.report.skipped.len(), 1);
        assert!(
            plan.report.skipped[0].starts_with("annotation 1 (x): "),
            "{:?}",
            plan.report.skipped
        );
        assert!(plan.saves.is_empty());
    }

    #[test]
    fn bundled_samples_are_found_by_their_pseudo_path() {
        let found = resolve("gloss:samples/01-welcome-tour.md", None)
            .ok()
            .unwrap();
        assert_eq!(
            found.path,
            PathBuf::from("gloss:samples/01-welcome-tour.md")
        );
        assert!(resolve("gloss:samples/nope.md", None).is_err());
        assert!(resolve("relative/missing.md", Some(Path::new("/nowhere"))).is_err());
    }
}
