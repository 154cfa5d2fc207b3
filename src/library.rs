//! The library: which articles there are, read from files and folders or from the
//! samples bundled in the binary, with the metadata the list pane shows.

mod book;
mod cache;
mod file;
pub mod order;

use std::collections::HashSet;
use std::fs::{self, Metadata as FileMetadata};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use walkdir::WalkDir;

use crate::document::{self, Document, Format, Metadata, ParseOptions, sanitize};
pub(crate) use cache::write_atomically;
pub use cache::{Cached, FileStamp, MetaCache, sort_walk_order};
use file::FileId;
pub use file::{DEFAULT_MAX_FILE_SIZE, Kind, Refusal, io_reason};

/// How much of a file the list reads: enough for front matter, title and
/// byline, so listing a folder of large articles stays quick.
const HEAD_BYTES: u64 = 64 * 1024;

/// How much of a web page the list reads: its head (title, meta tags,
/// JSON-LD) often comes after large inline styles and scripts.
const PAGE_HEAD_BYTES: u64 = 512 * 1024;

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
const EXTENSIONS: &[&str] = &[
    "md",
    "markdown",
    "txt",
    "html",
    "htm",
    document::epub::EXTENSION,
];

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

    /// True for an EPUB book, which is a zip to unpack rather than text.
    fn is_book(&self) -> bool {
        let name = self.file_name();
        matches!(self, Source::File(_))
            && Path::new(&name)
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case(document::epub::EXTENSION))
    }

    /// The extension that names the text's format, looking through a `.gz`
    /// (`README.md.gz` is Markdown), lower-cased.
    fn extension(&self) -> String {
        text_extension(Path::new(&self.file_name()))
    }
}

/// The bytes of the article file at `path` as gloss reads them: a regular
/// file of at most `limit` bytes, unpacked when it is gzip (for commands
/// that parse a file themselves, such as the export's W3C positions).
pub fn read_file(path: &Path, limit: u64) -> Result<Vec<u8>, Refusal> {
    file::read(path, limit, None)
}

/// The extension of `path` that names its text's format, lower-cased: the
/// one before `.gz` for a gzip file (which [`file::read`] unpacks), so
/// `NEWS.md.gz` is Markdown; empty when there is none.
pub fn text_extension(path: &Path) -> String {
    let ext = |p: &Path| {
        p.extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default()
    };
    match ext(path).as_str() {
        GZIP_EXTENSION => ext(&path.with_extension("")),
        other => other.to_owned(),
    }
}

/// The extension of a gzip file.
const GZIP_EXTENSION: &str = "gz";

/// True for a gzip file by its name: its text is searched unpacked, not
/// in the file's bytes.
pub fn is_gzip_name(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case(GZIP_EXTENSION))
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
    /// An EPUB book opened to be read chapter by chapter
    /// ([`load_for_reading`]): `text` is then only the start of its HTML
    /// source, and its document and fingerprint come from here.
    pub book: Option<document::epub::Opened>,
    /// A long text file opened for reading from its head
    /// ([`load_for_reading`]): `text` is then only its first part, and
    /// this reads the rest (see [`document::Document::from_head`]).
    pub rest: Option<Arc<dyn document::Remainder>>,
    /// Its first screen's document, parsed ahead on another thread (see
    /// [`Loaded::parse_ahead`]).
    pub(crate) parsed_ahead: ParsedAhead,
}

/// A document parsed from a [`Loaded`] before anyone asked for it, so the
/// article `gloss FILE` starts on is parsed while the terminal is set up.
/// The first [`Loaded::document_noting_lossy`] for the same options and
/// format takes it; a copy read whole ([`Loaded::read_whole`]) has none,
/// and anything else parses its own. Shared by a [`Loaded`]'s clones.
#[derive(Clone, Default)]
pub struct ParsedAhead(Arc<Mutex<Option<Ahead>>>);

/// What [`ParsedAhead`] holds: the document and what it was parsed with.
struct Ahead {
    options: ParseOptions,
    format: Format,
    made: (Document, bool),
}

impl ParsedAhead {
    /// The document parsed ahead with `options` as `format`, once.
    fn take(&self, options: ParseOptions, format: Format) -> Option<(Document, bool)> {
        let mut slot = self.0.lock().ok()?;
        slot.take_if(|a| a.options == options && a.format == format)
            .map(|a| a.made)
    }

    /// Whether a document is waiting to be taken.
    #[cfg(test)]
    pub(crate) fn is_waiting(&self) -> bool {
        self.0.lock().is_ok_and(|slot| slot.is_some())
    }

    fn put(&self, ahead: Ahead) {
        if let Ok(mut slot) = self.0.lock() {
            *slot = Some(ahead);
        }
    }
}

impl std::fmt::Debug for ParsedAhead {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let held = self.0.lock().is_ok_and(|slot| slot.is_some());
        f.debug_tuple("ParsedAhead").field(&held).finish()
    }
}

impl Loaded {
    /// Parses the header and first blocks; the rest is parsed on demand.
    pub fn document(&self, options: ParseOptions) -> Document {
        self.document_noting_lossy(options).0
    }

    /// [`Loaded::document`], and whether invalid UTF-8 was replaced in what
    /// was read so far: the file's text, or a book's first chapters (a book
    /// read chapter by chapter learns it only as they are unpacked).
    pub fn document_noting_lossy(&self, options: ParseOptions) -> (Document, bool) {
        if let Some(made) = self.parsed_ahead.take(options, self.format) {
            return made;
        }
        if let Some(book) = &self.book {
            return document::epub::document(book);
        }
        if let Some(rest) = &self.rest {
            let doc = Document::from_head(
                Arc::clone(&self.text),
                self.format,
                options,
                Arc::clone(rest),
            );
            // Read at once when the first screen needed it.
            let lossy = match doc.is_head_only() {
                true => self.lossy,
                false => rest.whole().map_or(self.lossy, |w| w.lossy),
            };
            return (doc, lossy);
        }
        (
            Document::from_shared(Arc::clone(&self.text), self.format, options),
            self.lossy,
        )
    }

    /// Parses the document [`Loaded::document_noting_lossy`] will give for
    /// `options` now, and keeps it for it: on a thread of its own, while
    /// the caller does something else (see `session::ReadAhead`). Books and
    /// web pages are left alone: their opens parse in the background
    /// already.
    pub fn parse_ahead(&self, options: ParseOptions) {
        if self.book.is_some() || self.format.is_html() {
            return;
        }
        let made = self.document_noting_lossy(options);
        self.parsed_ahead.put(Ahead {
            options,
            format: self.format,
            made,
        });
    }

    /// The fingerprint the article's notes are found by: of the source, or
    /// of the extracted article for a web page (see
    /// [`document::identity_text`]), so a page saved again with another
    /// banner around the same article keeps its notes.
    pub fn fingerprint(&self) -> String {
        if let Some(book) = &self.book {
            let whole = book.rest.whole_source().unwrap_or(&book.head);
            return crate::annotations::fingerprint(whole);
        }
        crate::annotations::fingerprint(&document::identity_text(self.whole_text(), self.format))
    }

    /// The whole text: of a file opened from its head, read now (the head
    /// when the rest cannot be read: the document says why).
    pub fn whole_text(&self) -> &str {
        match self.rest.as_ref().map(|r| r.whole()) {
            Some(Ok(whole)) => &whole.text,
            _ => &self.text,
        }
    }

    /// The whole article read now: a file opened from its head becomes one
    /// read whole, as [`load_within`] reads it (for an open that needs the
    /// whole text before its first screen: notes to place). The error is
    /// the reason, for the caller to add the path to.
    pub fn read_whole(self) -> Result<Loaded, String> {
        let Some(rest) = &self.rest else {
            return Ok(self);
        };
        let whole = rest.whole()?;
        Ok(Loaded {
            text: Arc::clone(&whole.text),
            format: self.format,
            lossy: whole.lossy,
            book: None,
            rest: None,
            parsed_ahead: ParsedAhead::default(),
        })
    }
}

/// How much of a long text file the reader reads before its first screen
/// (see [`load_for_reading`]): many screens at any size, a few hundred
/// microseconds to read and decode. The first screen's parse must end
/// 64 KiB before the head's end for the head to be used (see
/// `document::parse::from_head`), and it ends at a segment's end: a long
/// list at the start (a changelog's commits) takes it to 70 KiB and more,
/// so a head of 128 KiB made such a file read and parse twice.
const READ_HEAD_BYTES: u64 = 256 * 1024;

/// More lines than `document::detect_format` looks at (200) to tell plain
/// text from Markdown.
const SNIFFED_LINES: usize = 1000;

/// Reads an article's text; the error is a message for the status bar, the
/// reason first and then the file. Only a regular file no larger than
/// [`DEFAULT_MAX_FILE_SIZE`] is read (the session and the commands pass the
/// configured limit to [`load_within`]), and its size is checked before reading.
pub fn load(source: &Source) -> Result<Loaded, String> {
    load_within(source, DEFAULT_MAX_FILE_SIZE)
}

/// [`load`] with an explicit size limit.
pub fn load_within(source: &Source, limit: u64) -> Result<Loaded, String> {
    if let Source::File(p) = source
        && source.is_book()
    {
        return load_book(p, limit);
    }
    let bytes = match source {
        Source::File(p) => file::read(p, limit, None).map_err(|e| with_path(&e, p))?,
        Source::Bundled(_, text) => text.as_bytes().to_vec(),
    };
    decoded(source, bytes, None)
}

/// The article of `bytes` read from `source` (the whole file, or its head
/// when `rest` reads the rest): decoded, its format told.
fn decoded(
    source: &Source,
    bytes: Vec<u8>,
    rest: Option<Arc<dyn document::Remainder>>,
) -> Result<Loaded, String> {
    let decoded = document::decode_owned(bytes)
        .map_err(|e| format!("{e}: {}", sanitize(&source.display_path())))?;
    let format = document::detect_format(&source.extension(), &decoded.text);
    Ok(Loaded {
        text: Arc::new(decoded.text),
        format,
        lossy: decoded.lossy,
        book: None,
        rest,
        parsed_ahead: ParsedAhead::default(),
    })
}

/// [`load_within`] for the reader: an EPUB book is opened without
/// unpacking its chapters (see [`document::epub::open_book`]), so its
/// first screen does not wait for the whole book; a long Markdown or text
/// file is read from its head (the rest later, see [`Loaded::rest`]);
/// anything else is read whole.
pub fn load_for_reading(source: &Source, limit: u64) -> Result<Loaded, String> {
    let Source::File(path) = source else {
        return load_within(source, limit);
    };
    if !source.is_book() {
        if is_page_extension(&source.extension()) {
            return load_within(source, limit);
        }
        return load_head_first(source, path, limit);
    }
    // The file itself, not its bytes: the first screen reads the zip's
    // directory and the first chapters, not all of a 5 MB book (opened
    // once, when the command line checked it, see `book`).
    let book = book::open_for_reading(path, limit).map_err(|e| with_path(&e, path))?;
    Ok(Loaded {
        text: Arc::new(book.head.clone()),
        format: document::epub::FORMAT,
        lossy: false,
        book: Some(book),
        rest: None,
        parsed_ahead: ParsedAhead::default(),
    })
}

/// [`load_for_reading`] for a text file: its head only when it is long.
fn load_head_first(source: &Source, path: &Path, limit: u64) -> Result<Loaded, String> {
    let read = file::read_head(path, limit, READ_HEAD_BYTES).map_err(|e| with_path(&e, path))?;
    let (bytes, mut rest) = match read {
        file::Read::Whole(bytes) => (bytes, None),
        file::Read::Head(bytes, rest) => (bytes, Some(rest)),
    };
    // Text without an extension that names its format is told from its
    // first lines (see `document::detect_format`): they must all be in
    // the head for the head to tell what the whole would.
    let named = matches!(source.extension().as_str(), "md" | "markdown");
    let few_lines = || bytes.iter().filter(|&&b| b == b'\n').count() <= SNIFFED_LINES;
    if let Some(unread) = rest.take_if(|_| !named && few_lines()) {
        let loaded = Loaded {
            text: Arc::new(String::new()),
            format: Format::Plain,
            lossy: false,
            book: None,
            rest: Some(Arc::new(unread)),
            parsed_ahead: ParsedAhead::default(),
        }
        .read_whole()
        .map_err(|e| with_path(&e, path))?;
        let format = document::detect_format(&source.extension(), &loaded.text);
        return Ok(Loaded { format, ..loaded });
    }
    decoded(
        source,
        bytes,
        rest.map(|r| Arc::new(r) as Arc<dyn document::Remainder>),
    )
}

/// Reads an EPUB book (at most `limit` bytes of file, and of text unpacked
/// from it) into the one HTML source its chapters make.
fn load_book(path: &Path, limit: u64) -> Result<Loaded, String> {
    let bytes = file::read(path, limit, None).map_err(|e| with_path(&e, path))?;
    let book = document::epub::read_book(bytes, limit).map_err(|e| with_path(&e, path))?;
    Ok(Loaded {
        text: Arc::new(book.html),
        format: document::epub::FORMAT,
        lossy: book.lossy,
        book: None,
        rest: None,
        parsed_ahead: ParsedAhead::default(),
    })
}

/// The path an article is known by in the annotation store: the absolute path
/// of its file, or a stable pseudo-path for a bundled sample. It lives here,
/// below both the session and the batch commands, so neither needs the other
/// to name an article.
pub fn store_path(source: &Source) -> PathBuf {
    match source {
        Source::File(p) => std::fs::canonicalize(p).unwrap_or_else(|_| p.clone()),
        Source::Bundled(..) => PathBuf::from(source.display_path()),
    }
}

/// `reason: path`, with the path made safe to print.
fn with_path(reason: &dyn std::fmt::Display, path: &Path) -> String {
    format!("{reason}: {}", sanitize(&path.display().to_string()))
}

/// What the checks of the command line's paths found out about the text
/// files they read (title, author, date), so the list does not read their
/// start a second time (see [`scan_within_checked`]): before the first
/// screen of `gloss FILE` the check and the list each read and decoded the
/// same 64 KiB.
#[derive(Debug, Default)]
pub struct Checked(Vec<(PathBuf, Cached)>);

impl Checked {
    /// Adds what another check found.
    pub fn add(&mut self, other: Checked) {
        self.0.extend(other.0);
    }
}

/// Checks a path given on the command line before the terminal is taken
/// over: a folder must be readable, a file must be an article gloss can
/// open within `limit` bytes. The error is the reason first, then the path.
pub fn check_path(path: &Path, limit: u64) -> Result<Checked, String> {
    let meta = fs::metadata(path).map_err(|e| with_path(&Refusal::from(e), path))?;
    if meta.is_dir() {
        return fs::read_dir(path)
            .map(|_| Checked::default())
            .map_err(|e| with_path(&Refusal::from(e), path));
    }
    check_article(path, limit)
}

/// [`check_path`] for one of several paths, none of which the reader opens
/// at once: a book is checked by its package document alone and not kept
/// for the reader (see `book`), which only a book opened at start needs.
pub fn check_listed_path(path: &Path, limit: u64) -> Result<Checked, String> {
    let source = Source::File(path.to_path_buf());
    if source.is_book() && fs::metadata(path).is_ok_and(|m| m.is_file()) {
        return book::metadata(path, limit)
            .map(|_| Checked::default())
            .map_err(|reason| with_path(&reason, path));
    }
    check_path(path, limit)
}

/// Checks that `path` is an article gloss can open (a regular text file
/// within `limit` bytes), reading no more than its start. The error is the
/// reason first, then the path.
pub fn check_article(path: &Path, limit: u64) -> Result<Checked, String> {
    let source = Source::File(path.to_path_buf());
    if source.is_book() {
        // Opened as the reader will open it next, and kept for it.
        return book::check_and_keep(path, limit)
            .map(|()| Checked::default())
            .map_err(|reason| with_path(&reason, path));
    }
    // What can go wrong is in reading and decoding the head; the metadata
    // read from it is kept for the list. Its stamp is taken first: a file
    // changed meanwhile is read again by the list.
    let stamp = fs::metadata(path)
        .ok()
        .and_then(|meta| FileStamp::of_metadata(&meta));
    let (meta, lossy) = list_meta(&source, limit).map_err(|reason| with_path(&reason, path))?;
    Ok(Checked(
        stamp
            .map(|stamp| (path.to_path_buf(), Cached::new(stamp, &meta, lossy)))
            .into_iter()
            .collect(),
    ))
}

/// What the list shows of an article: its metadata, from the start of a text
/// file or from an EPUB's package document (its chapters unread), and
/// whether its text was decoded lossily. The error is the reason alone.
fn list_meta(source: &Source, limit: u64) -> Result<(Metadata, bool), String> {
    if let Source::File(p) = source
        && source.is_book()
    {
        return Ok((book::metadata(p, limit)?, false));
    }
    let (head, format, lossy) = load_head(source, limit)?;
    Ok((document::read_metadata(&head, format), lossy))
}

/// Reads the start of an article, enough for its metadata. A NUL byte there
/// marks a binary file; a character cut at the end is dropped, not reported
/// as invalid UTF-8. The error is the reason alone.
fn load_head(source: &Source, limit: u64) -> Result<(String, Format, bool), String> {
    let head = if is_page_extension(&source.extension()) {
        PAGE_HEAD_BYTES
    } else {
        HEAD_BYTES
    };
    let mut bytes = match source {
        Source::File(p) => file::read(p, limit, Some(head)).map_err(|e| e.to_string())?,
        Source::Bundled(_, text) => text.as_bytes().to_vec(),
    };
    if bytes.len() as u64 == head {
        document::trim_cut_character(&mut bytes);
    }
    let decoded = document::decode_owned(bytes).map_err(|e| e.to_string())?;
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

impl Article {
    /// True for the bundled guided tour, which a first start selects so
    /// that Enter opens it (the README says to start there).
    pub fn is_tour(&self) -> bool {
        matches!(self.source, Source::Bundled(name, _) if name == SAMPLES[0].0)
    }
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
    /// A one-line summary of what was left out, for the status bar: the
    /// count first, then each file's reason and name in the order found.
    pub fn summary(&self) -> Option<String> {
        let mut parts = Vec::new();
        if !self.skipped.is_empty() {
            // Every reason, first come first, so a narrow bar still shows the
            // first one whole and a wide one shows them all.
            let each: Vec<String> = self
                .skipped
                .iter()
                .map(|skipped| {
                    let name = skipped
                        .path
                        .file_name()
                        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
                    format!("{}: {}", skipped.reason, sanitize(&name))
                })
                .collect();
            parts.push(format!(
                "{} skipped ({})",
                self.skipped.len(),
                each.join("; ")
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
        add(&mut scan, Source::Bundled(name, text), u64::MAX);
    }
    scan
}

/// Scans files and folders (folders recursively, in name order) for articles,
/// with the default size limit ([`DEFAULT_MAX_FILE_SIZE`]; the runtime passes the
/// configured one to [`scan_within`]). A path that does not
/// exist is reported as skipped rather than failing.
pub fn scan(paths: &[PathBuf]) -> Scan {
    scan_within(paths, DEFAULT_MAX_FILE_SIZE)
}

/// [`scan`] with an explicit size limit.
pub fn scan_within(paths: &[PathBuf], limit: u64) -> Scan {
    scan_within_checked(paths, limit, Checked::default())
}

/// [`scan_within`], listing the files the command line's checks read from
/// what the checks found (unless changed since).
pub fn scan_within_checked(paths: &[PathBuf], limit: u64, checked: Checked) -> Scan {
    let mut cache = MetaCache::load(None);
    for (path, listing) in checked.0 {
        cache.put(&path, listing);
    }
    let mut scan = Scan::default();
    let _counts = scan_each(paths, limit, &mut cache, None, &mut |found| {
        found.add_to(&mut scan);
    });
    sort(&mut scan);
    scan
}

/// One thing a scan found, handed over as soon as it is found so a list can
/// fill while a large library is still being read.
#[derive(Debug, Clone)]
pub enum Found {
    /// An article to list.
    Article(Article),
    /// A file that cannot be listed, with the reason.
    Skipped(Skipped),
    /// A file left out for its extension.
    Ignored,
}

impl Found {
    /// Adds it to a collected scan.
    pub fn add_to(self, scan: &mut Scan) {
        match self {
            Found::Article(article) => scan.articles.push(article),
            Found::Skipped(skipped) => scan.skipped.push(skipped),
            Found::Ignored => scan.ignored += 1,
        }
    }
}

/// How a scan got its articles: read from disk, or listed from the cache
/// without reading the file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScanCounts {
    /// Articles whose start was read.
    pub read: usize,
    /// Articles listed from the cache, their file unread.
    pub cached: usize,
}

/// Scans `paths` like [`scan_within`], handing each article, skipped file and
/// ignored file to `found` as it is met, in walk order. An article whose
/// path, length and modification time are in `cache` is listed from it
/// without being read; every article read is put in the cache (the caller
/// saves it). `cancel`, when set, stops the walk early.
///
/// Symbolic links are followed, but every folder is entered once and every
/// file listed once (both known by device and inode), so links to `.` or a
/// link loop cannot make the walk repeat or grow. Only regular files are
/// read, through [`file::read`], which cannot block.
pub fn scan_each(
    paths: &[PathBuf],
    limit: u64,
    cache: &mut MetaCache,
    cancel: Option<&AtomicBool>,
    found: &mut dyn FnMut(Found),
) -> ScanCounts {
    let mut walk = Walk {
        files: HashSet::new(),
        folders: HashSet::new(),
        limit,
        cache,
        found,
        cancel,
        counts: ScanCounts::default(),
    };
    for path in paths {
        if walk.cancelled() {
            break;
        }
        walk.root(path);
    }
    walk.counts
}

/// The state of one scan: what was already seen, and where findings go.
struct Walk<'a> {
    files: HashSet<FileId>,
    folders: HashSet<FileId>,
    limit: u64,
    cache: &'a mut MetaCache,
    found: &'a mut dyn FnMut(Found),
    cancel: Option<&'a AtomicBool>,
    counts: ScanCounts,
}

impl Walk<'_> {
    fn cancelled(&self) -> bool {
        self.cancel.is_some_and(|c| c.load(Ordering::Relaxed))
    }

    /// A path given by the user: a file is taken whatever its extension.
    fn root(&mut self, path: &Path) {
        let meta: FileMetadata = match fs::metadata(path) {
            Ok(m) => m,
            Err(e) => return self.skip(path, Refusal::from(e).to_string()),
        };
        if !meta.is_dir() {
            return self.file(path, &meta);
        }
        let mut folders = std::mem::take(&mut self.folders);
        let walker = WalkDir::new(path)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|entry| {
                if entry.depth() > 0 && entry.file_name().as_encoded_bytes().starts_with(b".") {
                    return false;
                }
                if !entry.file_type().is_dir() {
                    return true;
                }
                // A folder seen before (through a link, or a second root) is
                // not entered again.
                entry
                    .metadata()
                    .map_or(true, |m| folders.insert(FileId::of(&m)))
            });
        for entry in walker {
            if self.cancelled() {
                break;
            }
            match entry {
                Ok(entry) if entry.file_type().is_dir() => {}
                Ok(entry) => self.entry(entry.path(), entry.metadata()),
                // A link back to a folder above: its files are listed already.
                Err(e) if e.loop_ancestor().is_some() => {}
                Err(e) => match e.path() {
                    Some(p) if is_article_name(p) || e.depth() == 0 || is_folder(p) => {
                        let reason = walk_reason(&e);
                        self.skip(p, reason);
                    }
                    _ => (self.found)(Found::Ignored),
                },
            }
        }
        self.folders.extend(folders);
    }

    /// A file found in a folder: only article extensions are looked at.
    fn entry(&mut self, path: &Path, meta: Result<FileMetadata, walkdir::Error>) {
        if !is_article_name(path) {
            (self.found)(Found::Ignored);
            return;
        }
        match meta {
            Ok(meta) => self.file(path, &meta),
            Err(e) => {
                let reason = walk_reason(&e);
                self.skip(path, reason);
            }
        }
    }

    fn file(&mut self, path: &Path, meta: &FileMetadata) {
        if !self.files.insert(FileId::of(meta)) {
            return;
        }
        let stamp = if meta.is_file() && meta.len() <= self.limit {
            FileStamp::of_metadata(meta)
        } else {
            None
        };
        let source = Source::File(path.to_path_buf());
        if let Some(stamp) = stamp
            && let Some(known) = self.cache.get(path, stamp)
        {
            let article = listed(source, known.metadata(), known.lossy);
            self.counts.cached += 1;
            (self.found)(Found::Article(article));
            return;
        }
        match list_meta(&source, self.limit) {
            Ok((meta, lossy)) => {
                let article = listed(source, meta, lossy);
                self.counts.read += 1;
                if let Some(stamp) = stamp {
                    self.cache
                        .put(path, Cached::new(stamp, &article.meta, lossy));
                }
                (self.found)(Found::Article(article));
            }
            Err(reason) => self.skip(path, reason),
        }
    }

    fn skip(&mut self, path: &Path, reason: String) {
        (self.found)(Found::Skipped(Skipped {
            path: path.to_path_buf(),
            reason,
        }));
    }
}

/// The reason in a walk error, worded like every other refusal.
fn walk_reason(e: &walkdir::Error) -> String {
    match e.io_error() {
        Some(io) => file::io_reason(io),
        None => e.to_string(),
    }
}

/// Whether gloss reads the file at `path` as an article, by its extension
/// (the library scan and the full-text search agree on it): one of
/// [`EXTENSIONS`], or a text one of them before `.gz` (`README.md.gz`).
pub fn is_article_name(path: &Path) -> bool {
    let ext = text_extension(path);
    if is_gzip_name(path) {
        return (ext != document::epub::EXTENSION && EXTENSIONS.contains(&ext.as_str()))
            || is_document_name(&path.with_extension(""));
    }
    EXTENSIONS.contains(&ext.as_str()) || is_document_name(path)
}

/// The names plain-text documents have been given by convention since
/// before extensions, and their Debian forms: `README`, `NEWS.Debian`,
/// `changelog.Debian`, `copyright`, `AUTHORS`...
const DOCUMENT_NAMES: &[&str] = &[
    "readme",
    "news",
    "changelog",
    "changes",
    "history",
    "copying",
    "license",
    "licence",
    "copyright",
    "authors",
    "thanks",
    "todo",
    "install",
    "notice",
    "bugs",
    "faq",
];

/// Whether the file name is one of [`DOCUMENT_NAMES`] (any case), alone or
/// with `.Debian` or `.source` after it (as Debian ships them): text a
/// reader of `/usr/share/doc` wants listed, where an extension list would
/// leave out every changelog and copyright file.
fn is_document_name(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    let (stem, rest) = name.split_once('.').unwrap_or((name, ""));
    DOCUMENT_NAMES.iter().any(|d| stem.eq_ignore_ascii_case(d))
        && (rest.is_empty()
            || rest.eq_ignore_ascii_case("debian")
            || rest.eq_ignore_ascii_case("source"))
}

/// Whether the file at `path` is read through a parse (a saved web page or
/// an EPUB book, gzipped or not) rather than as the text it holds: a search
/// looks in the text the reader shows, not in markup or a zip.
pub fn is_parsed_name(path: &Path) -> bool {
    let ext = text_extension(path);
    is_page_extension(&ext) || ext == document::epub::EXTENSION
}

/// Whether an extension names a saved web page.
fn is_page_extension(ext: &str) -> bool {
    ext.eq_ignore_ascii_case("html") || ext.eq_ignore_ascii_case("htm")
}

fn is_folder(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.is_dir())
}

/// The list entry for one file (a file a link leads to, added during the
/// session), or the reason it cannot be one, then the path.
pub fn article_at(path: &Path, limit: u64) -> Result<Article, String> {
    let source = Source::File(path.to_path_buf());
    let (meta, lossy) = list_meta(&source, limit).map_err(|r| with_path(&r, path))?;
    Ok(listed(source, meta, lossy))
}

/// The list entry the metadata cache remembers for `path`, shown at start
/// before the scan has looked at the file again.
pub fn cached_article(path: PathBuf, cached: &Cached) -> Article {
    listed(Source::File(path), cached.metadata(), cached.lossy)
}

/// The list entry for metadata read now or earlier (from the cache).
fn listed(source: Source, meta: Metadata, lossy: bool) -> Article {
    let title = meta
        .title
        .clone()
        .unwrap_or_else(|| sanitize(&source.file_name()).into_owned());
    Article {
        source,
        meta,
        title,
        lossy,
    }
}

fn add(scan: &mut Scan, source: Source, limit: u64) {
    match list_meta(&source, limit) {
        Ok((meta, lossy)) => {
            scan.articles.push(listed(source, meta, lossy));
        }
        Err(reason) => {
            let path = match &source {
                Source::File(p) => p.clone(),
                Source::Bundled(n, _) => PathBuf::from(n),
            };
            scan.skipped.push(Skipped { path, reason });
        }
    }
}

fn sort(scan: &mut Scan) {
    scan.articles.sort_by_cached_key(|a| a.title.to_lowercase());
}
