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
//!   the import file's folder). The article is read and each quote anchored
//!   in its canonical text; a quote that no longer fits is kept as an orphaned
//!   highlight, never placed on other text. Annotations whose article cannot
//!   be found or read, or that point at no passage, are skipped and reported.

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow};
use chrono::Utc;

use crate::annotations::{
    Anchor, AnnotationFile, ArticleRecord, CharIndex, Highlight, HighlightId, Locator, Op,
    SCHEMA_VERSION, Store, display_path, distinct_ids, fingerprint, path_to_text, text_to_path,
};
use crate::config::Config;
use crate::document::{Document, ParseOptions, sanitize_text};
use crate::export::{
    MergeCounts, W3cAnnotation, clean_article_text, clean_highlight, from_json, from_w3c,
    merge_import,
};
use crate::library::store_path;
use crate::library::{self, Source};
use crate::text;

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

/// Reads `file` and imports it into `store`; see the module documentation.
/// Nothing is written unless the whole file could be read and resolved.
pub fn run(store: &Store, config: &Config, file: &Path) -> anyhow::Result<ImportReport> {
    let shown = text::path(file);
    let bytes = fs::read(file).with_context(|| format!("cannot read {shown}"))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| anyhow!("{shown}: not UTF-8 text; nothing was imported"))?;
    let plan = plan(store, config, &text, file.parent())
        .with_context(|| format!("{shown}: nothing was imported"))?;
    plan.write(store)?;
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
) -> anyhow::Result<Plan> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| anyhow!("not valid JSON: {e}"))?;
    let is_gloss = value
        .as_object()
        .is_some_and(|o| o.contains_key("gloss_export"));
    let mut skipped = Vec::new();
    let mut incoming = if is_gloss {
        from_gloss_json(store, text, &mut skipped)?
    } else {
        from_web_annotations(store, config, text, base, &mut skipped)?
    };
    let cleaned = incoming.iter_mut().map(Incoming::clean).sum();
    let (articles, counts, renamed, saves) = merge_all(incoming);
    Ok(Plan {
        report: ImportReport {
            articles,
            counts,
            // Ids and paths in these come from the file: shown, not obeyed.
            skipped: skipped
                .iter()
                .map(|m| text::clean(m).into_owned())
                .collect(),
            cleaned,
            renamed,
        },
        saves,
    })
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
    text: &str,
    skipped: &mut Vec<String>,
) -> anyhow::Result<Vec<Incoming>> {
    // The message already includes serde's; the error's source would repeat it.
    let files = from_json(text).map_err(|e| anyhow!("{e}"))?;
    let index = store.index()?;
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
        let mut found = store
            .find(&text_to_path(&article.path), &article.fingerprint)?
            .map(|f| (f.file, f.content));
        // An export from another machine names a path that does not exist
        // here; the same text stored under a local path is the same article.
        if found.is_none()
            && !article.fingerprint.is_empty()
            && !text_to_path(&article.path).exists()
            && let Some(entry) = index
                .entries
                .iter()
                .find(|e| e.article.fingerprint == article.fingerprint)
        {
            found = Some((entry.file.clone(), store.read(&entry.file)?));
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

/// An article file that W3C annotations point at, read and parsed.
struct Resolved {
    source: Source,
    path: PathBuf,
}

/// The annotations (with their number in the file) that point at one article.
type Group<'a> = (Source, Vec<(usize, &'a W3cAnnotation)>);

fn from_web_annotations(
    store: &Store,
    config: &Config,
    text: &str,
    base: Option<&Path>,
    skipped: &mut Vec<String>,
) -> anyhow::Result<Vec<Incoming>> {
    let annotations = from_w3c(text).map_err(|e| anyhow!("{e}"))?;
    let mut sources: BTreeMap<String, Result<Resolved, String>> = BTreeMap::new();
    let mut groups: BTreeMap<PathBuf, Group<'_>> = BTreeMap::new();
    for (i, a) in annotations.iter().enumerate() {
        if !a.has_passage() {
            skipped.push(format!("{}: it marks no passage", name(i, a)));
            continue;
        }
        let resolved = sources
            .entry(a.source.clone())
            .or_insert_with(|| resolve(&a.source, base));
        match resolved {
            Ok(r) => groups
                .entry(r.path.clone())
                .or_insert_with(|| (r.source.clone(), Vec::new()))
                .1
                .push((i, a)),
            Err(why) => skipped.push(format!("{}: {why}", name(i, a))),
        }
    }

    let options = ParseOptions {
        repair_page_breaks: config.reader.repair_page_breaks,
    };
    let now = Utc::now();
    let mut out = Vec::new();
    for (path, (source, items)) in groups {
        let loaded = match library::load_within(&source, config.reader.max_file_size()) {
            Ok(loaded) => loaded,
            Err(why) => {
                // Found but unreadable (permissions, not text): like a
                // missing article, its annotations cannot be placed.
                skipped.extend(items.iter().map(|(i, a)| format!("{}: {why}", name(*i, a))));
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
            fingerprint: fingerprint(&loaded.text),
            archived: None,
        };
        let anchorer = Anchorer::new(doc.text());
        let mut highlights = Vec::new();
        let mut timeless = HashSet::new();
        for (i, a) in items {
            // W3C positions count the characters of the file (markup and
            // all); anchors count the text gloss shows.
            let mut a = a.clone();
            if let (Some(start), Some(end)) = (a.start, a.end) {
                let shown = doc.text_chars(start, end);
                a.start = shown.as_ref().map(|r| r.start);
                a.end = shown.map(|r| r.end);
            }
            let a = &a;
            let mut h = a.to_highlight(&config.highlights.default, now);
            h.color = palette_color(config, a.color.as_deref());
            match anchorer.anchor(a, h) {
                Some(h) => {
                    if a.created.or(a.modified).is_none() {
                        timeless.insert(h.id.clone());
                    }
                    highlights.push(h);
                }
                None => skipped.push(format!(
                    "{}: its position is outside {}",
                    name(i, a),
                    source.display_path()
                )),
            }
        }
        let found = store
            .find(&path, &record.fingerprint)?
            .map(|f| (f.file, f.content));
        out.push(Incoming {
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
        });
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
    fn new(text: &'a str) -> Self {
        Self {
            text,
            locator: Locator::new(text),
            chars: CharIndex::new(text),
        }
    }

    /// `h` anchored in the text: a quote is searched for (using the position
    /// and context as hints) and orphaned when it cannot be placed with
    /// confidence; a position without a quote is taken as given. `None` when
    /// a position-only annotation lies outside the text.
    fn anchor(&self, a: &W3cAnnotation, mut h: Highlight) -> Option<Highlight> {
        if a.exact.is_empty() {
            let (start, end) = (a.start?, a.end?);
            if start >= end || end > self.chars.len_chars() {
                return None;
            }
            let range = self.chars.byte_of(start)..self.chars.byte_of(end);
            h.anchor = Anchor::from_range(self.text, range);
            h.orphaned = false;
            return Some(h);
        }
        // The one placement policy decides, as when the article opens.
        match self.locator.settle(&h.anchor) {
            Ok(settled) => {
                h.anchor = settled.anchor;
                h.orphaned = false;
            }
            Err(_) => h.orphaned = true,
        }
        Some(h)
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
    let mut counts = MergeCounts::default();
    for inc in incoming {
        let slot = targets.iter().position(|t| match (&t.file, &inc.found) {
            (Some(a), Some((b, _))) => a == b,
            (None, None) => {
                t.merged.article.path == inc.record.path
                    && t.merged.article.fingerprint == inc.record.fingerprint
            }
            _ => false,
        });
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
            targets.len() - 1
        });
        let Some(target) = targets.get_mut(slot) else {
            continue;
        };
        let mut content = inc.content;
        // The store's own rule tells copies apart, over everything this
        // import brought for the article: earlier highlights keep their ids,
        // so the same file always yields the same ones.
        let earlier = target.imported.len();
        target.imported.append(&mut content.highlights);
        renamed += distinct_ids(&mut target.imported);
        content.highlights = target.imported.get(earlier..).unwrap_or_default().to_vec();
        for h in &mut content.highlights {
            if inc.timeless.contains(&h.id)
                && let Some(stored) = target.merged.highlights.iter().find(|s| s.id == h.id)
            {
                *h = stored.clone();
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
            let ops: Vec<Op> = t
                .merged
                .highlights
                .iter()
                .filter(|h| !t.original.contains(h))
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
    /// Writes the planned changes through the store. When one save fails, the
    /// files this import already wrote are put back as they were (unless
    /// something else changed them meanwhile) and the error is returned.
    pub fn write(&self, store: &Store) -> anyhow::Result<()> {
        let dir_existed = store.dir().exists();
        let mut done: Vec<Written> = Vec::new();
        for save in &self.saves {
            let existing: HashSet<PathBuf> = list(store.dir());
            let before = save.file.as_deref().and_then(|f| fs::read(f).ok());
            match store.apply(save.file.as_deref(), &save.record, &save.ops) {
                Ok(saved) => {
                    let after = fs::read(&saved.file).unwrap_or_default();
                    // A file the store found by itself may predate this
                    // import without our having its old bytes: never undone.
                    let undo = match (&save.file, before) {
                        (Some(_), Some(before)) => Undo::Restore(before),
                        (None, _) if !existing.contains(&saved.file) => Undo::Remove,
                        _ => Undo::Keep,
                    };
                    done.push(Written {
                        file: saved.file,
                        after,
                        undo,
                    });
                }
                Err(e) => {
                    let not_undone = undo_all(&done);
                    if !dir_existed {
                        let _ = fs::remove_file(store.dir().join(".lock"));
                        let _ = fs::remove_dir(store.dir());
                    }
                    let mut message = format!(
                        "cannot save the notes of {}: {}",
                        text::clean(&if save.record.path.is_empty() {
                            save.record.title.clone()
                        } else {
                            display_path(&save.record.path)
                        }),
                        text::clean(&e.to_string()),
                    );
                    if not_undone.is_empty() {
                        message.push_str("; nothing was imported");
                    } else {
                        message.push_str(&format!(
                            "; these files were changed by the import and could not be restored: {}",
                            not_undone.join(", ")
                        ));
                    }
                    return Err(anyhow!(message));
                }
            }
        }
        Ok(())
    }
}

/// A file an import wrote, and how to take the write back.
struct Written {
    file: PathBuf,
    after: Vec<u8>,
    undo: Undo,
}

enum Undo {
    Restore(Vec<u8>),
    Remove,
    Keep,
}

/// What is in the annotations folder now.
fn list(dir: &Path) -> HashSet<PathBuf> {
    fs::read_dir(dir)
        .map(|rd| rd.flatten().map(|e| e.path()).collect())
        .unwrap_or_default()
}

/// Takes back writes, newest first; returns the files that could not be.
fn undo_all(done: &[Written]) -> Vec<String> {
    let mut failed = Vec::new();
    for w in done.iter().rev() {
        // Changed by someone else since: leave their version.
        if fs::read(&w.file).ok().as_deref() != Some(w.after.as_slice()) {
            if !matches!(w.undo, Undo::Keep) {
                failed.push(w.file.display().to_string());
            }
            continue;
        }
        let result = match &w.undo {
            Undo::Restore(bytes) => restore(&w.file, bytes),
            Undo::Remove => fs::remove_file(&w.file),
            Undo::Keep => Err(std::io::Error::other("not restorable")),
        };
        if result.is_err() {
            failed.push(w.file.display().to_string());
        }
    }
    failed
}

/// Puts `bytes` back in place by rename, so a crash leaves old or new.
fn restore(file: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = file.with_file_name(format!(".{name}.undo"));
    fs::write(&temp, bytes)?;
    fs::rename(&temp, file).inspect_err(|_| {
        let _ = fs::remove_file(&temp);
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotations::testing::{CharOffset, highlight};

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
        let first = plan(&store, &config, json, None).unwrap();
        assert_eq!(first.report.counts.added, 1);
        first.write(&store).unwrap();
        let second = plan(&store, &config, json, None).unwrap();
        assert_eq!(second.report.counts.unchanged, 1);
        assert!(second.saves.is_empty());
        // Two entries for one article in a single file count once.
        let doubled = json.replace(
            "]}]}",
            "]},{\"title\":\"T\",\"path\":\"/t.md\",\"fingerprint\":\"sha256:1\",\"highlights\":[]}]}",
        );
        assert_eq!(
            plan(&store, &config, &doubled, None)
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
        let plan = plan(&store, &Config::default(), json, None).unwrap();
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
            assert!(plan(&store, &config, bad, None).is_err(), "{bad}");
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
        let first = plan(&store, &config, &w3c, None).unwrap();
        assert_eq!(first.report.counts.added, 1);
        first.write(&store).unwrap();
        let stored = crate::commands::read_all(&store).unwrap().files;
        let h = &stored[0].1.highlights[0];
        assert!(!h.orphaned);
        assert_eq!((h.anchor.start.get(), h.anchor.end.get()), (27, 42));
        assert_eq!(h.note, "n");

        let second = plan(&store, &config, &w3c, None).unwrap();
        assert_eq!(second.report.counts.unchanged, 1, "{:?}", second.report);
        assert!(second.saves.is_empty());
    }

    #[test]
    fn a_position_without_a_quote_is_taken_as_given_or_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let article = dir.path().join("a.txt");
        fs::write(&article, "One two three.\n").unwrap();
        let uri = crate::export::file_uri(&article.display().to_string());
        let w3c = format!(
            r#"[{{"id":"a","created":"2024-01-01T00:00:00Z","target":{{"source":"{uri}","selector":{{"type":"TextPositionSelector","start":4,"end":7}}}}}},
               {{"id":"b","created":"2024-01-01T00:00:00Z","target":{{"source":"{uri}","selector":{{"type":"TextPositionSelector","start":4,"end":700}}}}}}]"#
        );
        let store = Store::new(&dir.path().join("data"));
        let plan = plan(&store, &Config::default(), &w3c, None).unwrap();
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
        let plan = plan(&store, &Config::default(), &w3c, None).unwrap();
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
