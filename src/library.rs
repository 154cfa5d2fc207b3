//! The library: which articles there are, read from files and folders or from the
//! samples bundled in the binary, with the metadata the list pane shows.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::document::{self, Document, Format, Metadata, ParseOptions};

/// How much of a file the list reads: enough for front matter, title and
/// byline, so listing a folder of large articles stays quick.
const HEAD_BYTES: u64 = 64 * 1024;

/// The sample articles compiled into the binary, so `gloss` with no library
/// shows something from any folder.
const SAMPLES: &[(&str, &str)] = &[
    (
        "01-welcome-tour.md",
        include_str!("../assets/01-welcome-tour.md"),
    ),
    (
        "02-markdown-showcase.md",
        include_str!("../assets/02-markdown-showcase.md"),
    ),
    ("03-long-read.md", include_str!("../assets/03-long-read.md")),
    (
        "04-plain-text-dispatch.txt",
        include_str!("../assets/04-plain-text-dispatch.txt"),
    ),
];

/// The pseudo-path prefix under which bundled samples are known to the store
/// and in exports' backlinks.
pub const SAMPLE_PREFIX: &str = "gloss:samples/";

/// Whether `path` names a bundled sample (as exports' backlinks do).
pub fn is_sample_path(path: &Path) -> bool {
    path.to_str()
        .and_then(|p| p.strip_prefix(SAMPLE_PREFIX))
        .is_some_and(|name| SAMPLES.iter().any(|(n, _)| *n == name))
}

/// File extensions gloss reads as articles.
const EXTENSIONS: &[&str] = &["md", "markdown", "txt"];

/// Where an article's text comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A file on disk.
    File(PathBuf),
    /// A sample compiled into the binary: its name and text.
    Bundled(&'static str, &'static str),
}

impl Source {
    /// A path-like name for messages, exports and the annotation store. Bundled
    /// samples get a stable pseudo-path so their notes are kept like any other.
    pub fn display_path(&self) -> String {
        match self {
            Source::File(p) => p.display().to_string(),
            Source::Bundled(name, _) => format!("{SAMPLE_PREFIX}{name}"),
        }
    }

    /// The file name, used as a title of last resort.
    pub fn file_name(&self) -> String {
        match self {
            Source::File(p) => p.file_name().map_or_else(
                || p.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            ),
            Source::Bundled(name, _) => (*name).to_string(),
        }
    }

    fn extension(&self) -> String {
        let name = self.file_name();
        Path::new(&name)
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default()
    }
}

/// An article's text, read and decoded, ready to parse.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The decoded text, shared with the document parsed from it.
    pub text: Arc<String>,
    /// How to parse it.
    pub format: Format,
    /// True when invalid UTF-8 was replaced.
    pub lossy: bool,
}

impl Loaded {
    /// Parses the header and first blocks; the rest is parsed on demand.
    pub fn document(&self, options: ParseOptions) -> Document {
        Document::from_shared(Arc::clone(&self.text), self.format, options)
    }
}

/// Reads an article's text; the error is a message for the status bar.
pub fn load(source: &Source) -> Result<Loaded, String> {
    let bytes = match source {
        Source::File(p) => fs::read(p).map_err(|e| format!("cannot read {}: {e}", p.display()))?,
        Source::Bundled(_, text) => text.as_bytes().to_vec(),
    };
    let decoded =
        document::decode_owned(bytes).map_err(|e| format!("{}: {e}", source.display_path()))?;
    let format = document::detect_format(&source.extension(), &decoded.text);
    Ok(Loaded {
        text: Arc::new(decoded.text),
        format,
        lossy: decoded.lossy,
    })
}

/// Reads the start of an article, enough for its metadata. A NUL byte there
/// marks a binary file; a character cut at the end is dropped, not reported
/// as invalid UTF-8.
fn load_head(source: &Source) -> Result<(String, Format, bool), String> {
    let mut bytes = Vec::new();
    match source {
        Source::File(p) => {
            fs::File::open(p)
                .and_then(|f| f.take(HEAD_BYTES).read_to_end(&mut bytes))
                .map_err(|e| format!("cannot read {}: {e}", p.display()))?;
        }
        Source::Bundled(_, text) => bytes.extend_from_slice(text.as_bytes()),
    }
    if bytes.len() as u64 == HEAD_BYTES
        && let Err(e) = std::str::from_utf8(&bytes)
        && e.error_len().is_none()
    {
        bytes.truncate(e.valid_up_to());
    }
    let decoded =
        document::decode_owned(bytes).map_err(|e| format!("{}: {e}", source.display_path()))?;
    let format = document::detect_format(&source.extension(), &decoded.text);
    Ok((decoded.text, format, decoded.lossy))
}

/// One entry of the list pane.
#[derive(Debug, Clone)]
pub struct Article {
    /// Where the text is.
    pub source: Source,
    /// Title, author and date (title falls back to the file name).
    pub meta: Metadata,
    /// The title to show: from the metadata or the file name.
    pub title: String,
    /// True when the file is not valid UTF-8 and was decoded lossily.
    pub lossy: bool,
}

/// A file that was found but cannot be shown, with the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The file.
    pub path: PathBuf,
    /// Why it was skipped, for the status bar and logs.
    pub reason: String,
}

/// The result of scanning the paths given to gloss.
#[derive(Debug, Clone, Default)]
pub struct Scan {
    /// Articles, sorted by title.
    pub articles: Vec<Article>,
    /// Files with an article extension that could not be read.
    pub skipped: Vec<Skipped>,
    /// Files ignored because of their extension.
    pub ignored: usize,
}

impl Scan {
    /// A one-line summary of what was left out, for the status bar.
    pub fn summary(&self) -> Option<String> {
        let mut parts = Vec::new();
        if !self.skipped.is_empty() {
            let first = &self.skipped[0];
            parts.push(format!(
                "{} skipped ({}: {})",
                self.skipped.len(),
                first
                    .path
                    .file_name()
                    .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
                first.reason
            ));
        }
        if self.ignored > 0 {
            let files = if self.ignored == 1 { "file" } else { "files" };
            parts.push(format!("{} other {files} ignored", self.ignored));
        }
        (!parts.is_empty()).then(|| parts.join(", "))
    }
}

/// The bundled sample articles.
pub fn samples() -> Scan {
    let mut scan = Scan::default();
    for (name, text) in SAMPLES {
        add(&mut scan, Source::Bundled(name, text));
    }
    scan
}

/// Scans files and folders (folders recursively, in name order) for articles.
/// A path that does not exist is reported as skipped rather than failing.
pub fn scan(paths: &[PathBuf]) -> Scan {
    let mut scan = Scan::default();
    for path in paths {
        walk(path, true, &mut scan);
    }
    sort(&mut scan);
    scan
}

fn walk(path: &Path, explicit: bool, scan: &mut Scan) {
    let meta = match fs::metadata(path) {
        Ok(m) => m,
        Err(e) => {
            scan.skipped.push(Skipped {
                path: path.to_path_buf(),
                reason: e.to_string(),
            });
            return;
        }
    };
    if meta.is_dir() {
        let mut entries: Vec<PathBuf> = match fs::read_dir(path) {
            Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
            Err(e) => {
                scan.skipped.push(Skipped {
                    path: path.to_path_buf(),
                    reason: e.to_string(),
                });
                return;
            }
        };
        entries.sort();
        for entry in entries {
            let hidden = entry
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'));
            if !hidden {
                walk(&entry, false, scan);
            }
        }
        return;
    }
    let source = Source::File(path.to_path_buf());
    if !explicit && !EXTENSIONS.contains(&source.extension().as_str()) {
        scan.ignored += 1;
        return;
    }
    add(scan, source);
}

fn add(scan: &mut Scan, source: Source) {
    match load_head(&source) {
        Ok((head, format, lossy)) => {
            let meta = document::read_metadata(&head, format);
            let title = meta.title.clone().unwrap_or_else(|| source.file_name());
            scan.articles.push(Article {
                source,
                meta,
                title,
                lossy,
            });
        }
        Err(reason) => {
            let path = match &source {
                Source::File(p) => p.clone(),
                Source::Bundled(n, _) => PathBuf::from(n),
            };
            let reason = reason.rsplit(": ").next().unwrap_or(&reason).to_string();
            scan.skipped.push(Skipped { path, reason });
        }
    }
}

fn sort(scan: &mut Scan) {
    scan.articles.sort_by_cached_key(|a| a.title.to_lowercase());
}
