//! EPUB books: the container read with `rbook`, the chapters joined in spine
//! order into one HTML source that the HTML path parses like any saved page.
//!
//! A book becomes one article so that highlights, positions, search and
//! exports need nothing new: offsets are in the text of that one HTML source,
//! which depends only on the book's contents (not on how the zip was packed),
//! so a re-zipped copy of the same book keeps its notes.
//!
//! Nothing from the archive is trusted: the declared sizes in the zip's
//! directory are checked against the caller's limit before anything is
//! unpacked (the zip reader then refuses an entry that unpacks past its
//! declared size), every read is bounded again while it is copied, and an
//! encrypted (DRM) book is refused with a reason instead of shown as noise.

use std::borrow::Cow;
use std::fmt;
use std::io::{Cursor, Read, Seek, Write};
use std::sync::{Arc, OnceLock};

use rbook::Epub;
use rbook::ebook::toc::TocEntryKind;

use super::Format;
use super::meta::{Metadata, parse_date};

/// The file extension of EPUB books (compared lower-cased).
pub const EXTENSION: &str = "epub";

/// How a book's HTML source is parsed: shown whole, nothing extracted (the
/// chapters are all content; extraction would keep one and drop the rest).
pub const FORMAT: Format = Format::HtmlRaw;

/// The first line of every book's HTML source. It tells
/// [`super::identity_text`] that the source is a book's own text, identified
/// as it is: extraction (which identifies a web page) would drop chapters.
pub const MARK: &str = "<!DOCTYPE html><!-- gloss: EPUB book -->\n";

/// Whether `source` is a book's HTML source made by [`read_book`].
pub fn is_book_source(source: &str, format: Format) -> bool {
    format == FORMAT && source.starts_with(MARK)
}

/// Why a book cannot be read, worded for the status bar (the reason first;
/// the caller adds the path).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EpubError {
    /// Not a zip archive, or one whose directory is damaged.
    NotAZip,
    /// A zip, but not an EPUB (no container, no package document), or one
    /// whose package document cannot be read.
    Malformed(String),
    /// The chapters are encrypted (DRM); gloss cannot decrypt them.
    Encrypted,
    /// The book's text would unpack past the size gloss reads.
    TooLarge {
        /// Bytes of text the archive declares.
        size: u64,
        /// The limit in force.
        limit: u64,
    },
    /// The spine lists nothing that can be read as text.
    NoChapters,
}

impl fmt::Display for EpubError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EpubError::NotAZip => write!(f, "not a readable EPUB (the zip archive is damaged)"),
            EpubError::Malformed(why) => write!(f, "not a readable EPUB ({why})"),
            EpubError::Encrypted => {
                write!(f, "an encrypted (DRM) EPUB: gloss cannot read its chapters")
            }
            EpubError::TooLarge { size, limit } => write!(
                f,
                "an EPUB too large once unpacked ({} MiB of text, over the {} MiB limit)",
                size.div_ceil(1024 * 1024),
                limit / (1024 * 1024)
            ),
            EpubError::NoChapters => write!(f, "an EPUB with no readable chapters"),
        }
    }
}

impl std::error::Error for EpubError {}

/// One entry of the book's table of contents, from its navigation document
/// (EPUB 3) or its NCX (EPUB 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TocEntry {
    /// The entry's words, as the book's contents page gives them.
    pub label: String,
    /// The document it points to, as a path inside the archive (no fragment).
    pub path: String,
    /// The fragment it points to inside that document, if any.
    pub fragment: Option<String>,
    /// Nesting depth, 0 for the top level.
    pub depth: usize,
}

/// One spine document of the book, in reading order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chapter {
    /// Its path inside the archive.
    pub path: String,
    /// Its name in the table of contents, else its own `<title>`.
    pub title: Option<String>,
    /// True when the chapter has a heading of its own; otherwise one is
    /// written for it (from [`Chapter::title`]) so the outline lists it.
    pub has_heading: bool,
    /// Where its body is in [`Book::html`] (bytes).
    pub range: std::ops::Range<usize>,
    /// True when it was not valid UTF-8 and invalid bytes were replaced.
    pub lossy: bool,
}

/// A book read from an EPUB: its metadata, chapters and contents, and the one
/// HTML source its text is parsed from.
#[derive(Debug, Clone)]
pub struct Book {
    /// Title, author and date from the package document.
    pub meta: Metadata,
    /// The spine documents, in reading order.
    pub chapters: Vec<Chapter>,
    /// The table of contents, flattened in order.
    pub toc: Vec<TocEntry>,
    /// Every chapter's body in spine order, each in a `<section>` with a
    /// heading, to be parsed as raw HTML (no extraction).
    pub html: String,
    /// True when a chapter was not valid UTF-8 and invalid bytes were replaced.
    pub lossy: bool,
}

/// Reads a whole book from the bytes of an `.epub` file, unpacking at most
/// `limit` bytes of text (chapters, package and navigation documents).
pub fn read_book(bytes: Vec<u8>, limit: u64) -> Result<Book, EpubError> {
    let cursor = Cursor::new(bytes);
    let (epub, _) = open(cursor, limit, false)?;
    build(&epub, limit)
}

/// Reads only the metadata (title, author, date) of a book, for the library
/// list: the zip's directory and the package document, not the chapters.
pub fn read_metadata<R>(reader: R, limit: u64) -> Result<Metadata, EpubError>
where
    R: Read + Seek + Send + Sync + 'static,
{
    let (epub, _) = open(reader, limit, true)?;
    Ok(metadata(&epub))
}

/// Checks the archive, then opens it with rbook. `only_metadata` skips the
/// spine, manifest and table of contents.
fn open<R>(mut reader: R, limit: u64, only_metadata: bool) -> Result<(Epub, u64), EpubError>
where
    R: Read + Seek + Send + Sync + 'static,
{
    let text_bytes = check_archive(&mut reader, limit)?;
    reader.rewind().map_err(|_| EpubError::NotAZip)?;
    let mut options = Epub::options();
    options.strict(false);
    if only_metadata {
        options.skip_spine(true).skip_toc(true);
    }
    let epub = options
        .read(reader)
        .map_err(|e| EpubError::Malformed(first_line(&e.to_string())))?;
    Ok((epub, text_bytes))
}

/// Looks at the zip's directory before anything is unpacked: refuses a
/// damaged archive, an encrypted book and one whose text (everything but
/// images, fonts, audio and video) declares more than `limit` bytes. Gives
/// the declared bytes of text.
fn check_archive<R: Read + Seek>(reader: &mut R, limit: u64) -> Result<u64, EpubError> {
    let mut zip = zip::ZipArchive::new(reader).map_err(|_| EpubError::NotAZip)?;
    let mut text_bytes = 0u64;
    let mut encryption = None;
    for i in 0..zip.len() {
        // From the central directory alone: reading each entry's local
        // header too would be a seek and a read per entry (most of opening
        // a book of a thousand files). A damaged entry is found when read.
        let Ok(entry) = zip.by_index_data(i) else {
            return Err(EpubError::NotAZip);
        };
        let Ok(name) = entry.name() else {
            return Err(EpubError::NotAZip);
        };
        let name = name.to_ascii_lowercase();
        if name == "meta-inf/rights.xml" {
            return Err(EpubError::Encrypted);
        }
        if entry.encrypted() && is_text_name(&name) {
            return Err(EpubError::Encrypted);
        }
        if name == "meta-inf/encryption.xml" {
            encryption = Some(i);
        }
        if is_text_name(&name) {
            text_bytes = text_bytes.saturating_add(entry.size());
        }
    }
    if text_bytes > limit {
        return Err(EpubError::TooLarge {
            size: text_bytes,
            limit,
        });
    }
    if let Some(i) = encryption {
        let mut xml = Vec::new();
        let entry = zip.by_index(i).map_err(|_| EpubError::NotAZip)?;
        entry
            .take(limit)
            .read_to_end(&mut xml)
            .map_err(|_| EpubError::NotAZip)?;
        if encrypts_text(&String::from_utf8_lossy(&xml)) {
            return Err(EpubError::Encrypted);
        }
    }
    Ok(text_bytes)
}

/// Entries that hold text gloss may unpack (everything but media and fonts).
fn is_text_name(name: &str) -> bool {
    const MEDIA: &[&str] = &[
        ".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp", ".tif", ".tiff", ".ttf", ".otf", ".woff",
        ".woff2", ".mp3", ".mp4", ".m4a", ".ogg", ".webm", ".opus", ".aac", ".wav", ".avif",
        ".jxl",
    ];
    !name.ends_with('/') && !MEDIA.iter().any(|m| name.ends_with(m))
}

/// Whether `META-INF/encryption.xml` encrypts any content document (DRM),
/// rather than only obfuscating fonts, which many free books do.
fn encrypts_text(xml: &str) -> bool {
    let lower = xml.to_ascii_lowercase();
    lower
        .split("<")
        .filter_map(|tag| {
            let rest = tag
                .strip_prefix("cipherreference")
                .or_else(|| tag.strip_prefix("enc:cipherreference"))?;
            let uri = rest.split("uri=").nth(1)?;
            let quote = uri.chars().next()?;
            uri[quote.len_utf8()..]
                .split(quote)
                .next()
                .map(str::to_string)
        })
        .any(|uri| {
            let uri = uri.split('#').next().unwrap_or("");
            [".xhtml", ".html", ".htm", ".xml", ".opf", ".ncx"]
                .iter()
                .any(|ext| uri.ends_with(ext))
        })
}

/// The first line of an error message (rbook's can span several).
fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or("").chars().take(120).collect()
}

/// Title, author and date from the package document's Dublin Core.
fn metadata(epub: &Epub) -> Metadata {
    let meta = epub.metadata();
    let title = meta
        .title()
        .map(|t| collapse(t.value()))
        .filter(|t| !t.is_empty());
    let authors: Vec<String> = meta
        .creators()
        .map(|c| collapse(c.value()))
        .filter(|c| !c.is_empty())
        .collect();
    let author = (!authors.is_empty()).then(|| authors.join(", "));
    let date_text = meta
        .published_entry()
        .map(|d| collapse(d.value()))
        .filter(|d| !d.is_empty());
    let date = date_text.as_deref().and_then(parse_date);
    Metadata::default().or(Metadata {
        title,
        author,
        date_text,
        date,
        ..Metadata::default()
    })
}

/// `s` with runs of white space as one space, trimmed.
fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A writer that refuses to grow past a limit, so no entry can unpack more
/// than the book's budget whatever its header says.
struct Bounded<'a> {
    out: &'a mut Vec<u8>,
    left: u64,
}

impl Write for Bounded<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if buf.len() as u64 > self.left {
            return Err(std::io::Error::other("over the size limit"));
        }
        self.left -= buf.len() as u64;
        self.out.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Media types read as chapters; anything else in the spine (an image, a
/// PDF) is left out.
fn is_document(media_type: &str) -> bool {
    matches!(
        media_type.trim().to_ascii_lowercase().as_str(),
        "application/xhtml+xml" | "text/html" | "application/xml" | "text/xml"
    )
}

fn build(epub: &Epub, limit: u64) -> Result<Book, EpubError> {
    let meta = metadata(epub);
    let toc = contents(epub);
    let docs = spine_documents(epub);
    if docs.is_empty() {
        return Err(EpubError::NoChapters);
    }
    let mut html = head_html(&meta);
    let mut left = limit;
    let mut lossy = false;
    let mut chapters = Vec::new();
    let mut writer = SectionWriter::default();
    for (index, (position, path)) in docs.iter().enumerate() {
        let start = html.len();
        let read = read_chapter(epub, *position, &mut left);
        let over = matches!(read, Unpacked::OverLimit);
        let written = writer.write_read(
            &mut html,
            Place {
                number: index + 1,
                path,
                toc: &toc,
                book_title: meta.title.as_ref(),
                limit,
            },
            read,
        );
        lossy |= written.lossy;
        chapters.push(Chapter {
            path: path.clone(),
            title: written.title,
            has_heading: written.has_heading,
            range: start..html.len(),
            lossy: written.lossy,
        });
        if over {
            break;
        }
    }
    html.push_str(BOOK_END);
    push_trailer(&mut html, &chapters);
    Ok(Book {
        meta,
        chapters,
        toc,
        html,
        lossy,
    })
}

/// What ends a book's HTML source, after its last chapter.
const BOOK_END: &str = "</body></html>\n";

/// The start of a book's HTML source: [`MARK`], then a head with the book's
/// title, author and date (what the list and the reader show of it), then
/// the body's start tag; the chapters follow.
fn head_html(meta: &Metadata) -> String {
    let mut html = String::new();
    html.push_str(MARK);
    html.push_str("<html><head>");
    if let Some(title) = &meta.title {
        html.push_str("<title>");
        push_escaped(&mut html, title);
        html.push_str("</title>");
    }
    if let Some(author) = &meta.author {
        html.push_str("<meta name=\"author\" content=\"");
        push_escaped(&mut html, author);
        html.push_str("\">");
    }
    if let Some(date) = &meta.date_text {
        html.push_str("<meta name=\"date\" content=\"");
        push_escaped(&mut html, date);
        html.push_str("\">");
    }
    html.push_str("</head>\n<body>\n");
    html
}

/// The spine's documents in reading order: each one's place in the spine
/// and its path inside the archive (anything else in the spine, an image
/// or a PDF, is left out).
fn spine_documents(epub: &Epub) -> Vec<(usize, String)> {
    epub.spine()
        .iter()
        .enumerate()
        .filter_map(|(position, entry)| {
            let item = entry.manifest_entry()?;
            is_document(item.media_type())
                .then(|| (position, item.href().path().decode().into_owned()))
        })
        .collect()
}

/// What unpacking one spine document gave.
enum Unpacked {
    /// Its text, and whether invalid UTF-8 in it was replaced.
    Text(String, bool),
    /// It is missing from the archive, or cannot be unpacked (damaged).
    Unreadable,
    /// It would unpack past what is left of the book's limit: the book is
    /// read no further.
    OverLimit,
}

/// Unpacks the spine document at `position`, at most `left` bytes (which it
/// uses up).
fn read_chapter(epub: &Epub, position: usize, left: &mut u64) -> Unpacked {
    // By index, not by walking the spine (a walk per chapter made reading
    // a book of thousands of chapters quadratic).
    let Some(item) = epub
        .spine()
        .get(position)
        .and_then(|entry| entry.manifest_entry())
    else {
        return Unpacked::Unreadable;
    };
    let mut bytes = Vec::new();
    let mut out = Bounded {
        out: &mut bytes,
        left: *left,
    };
    match item.copy_bytes(&mut out) {
        Ok(_) => {}
        Err(_) if out.left == 0 || bytes.len() as u64 >= *left => return Unpacked::OverLimit,
        Err(_) => return Unpacked::Unreadable,
    }
    *left = left.saturating_sub(bytes.len() as u64);
    match String::from_utf8(bytes) {
        Ok(text) => Unpacked::Text(text, false),
        Err(e) => Unpacked::Text(String::from_utf8_lossy(e.as_bytes()).into_owned(), true),
    }
}

/// Where a chapter goes in the book: what [`SectionWriter`] needs besides
/// the chapter's text.
#[derive(Clone, Copy)]
struct Place<'a> {
    /// Its place among the spine's documents, from 1: its section's number.
    number: usize,
    /// Its path inside the archive.
    path: &'a str,
    /// The book's table of contents (a chapter's name comes from it).
    toc: &'a [TocEntry],
    /// The book's own title (a chapter's `<title>` repeating it is no name).
    book_title: Option<&'a String>,
    /// The limit of text the book is read within (said when it is met).
    limit: u64,
}

/// What [`SectionWriter::write_read`] wrote.
struct Written {
    /// The chapter's name (see [`Chapter::title`]).
    title: Option<String>,
    /// See [`Chapter::has_heading`].
    has_heading: bool,
    /// True when invalid UTF-8 in it was replaced.
    lossy: bool,
}

/// Writes chapters into a book's HTML source one after the other, each in
/// a `<section>` numbered by its place among the spine's documents; a
/// chapter without a heading of its own gets one (its name in the table of
/// contents, else its own `<title>`) at the level the book's chapters so
/// far start with (the highest first heading among them), else 1.
/// Everything it needs is in the chapters before, so the first chapters of
/// a book are written the same whether the rest is read or not. A chapter
/// that cannot be read is written too, as a section that says so (under
/// its name), so the book reads the same in every reader of it and the
/// reader sees where something is missing.
#[derive(Debug, Clone, Default)]
struct SectionWriter {
    /// The highest (smallest) first heading level among the chapters so far.
    level: Option<u8>,
}

impl SectionWriter {
    /// Appends the chapter at `place`, as [`read_chapter`] read it, to `html`.
    fn write_read(&mut self, html: &mut String, place: Place<'_>, read: Unpacked) -> Written {
        match read {
            Unpacked::Text(text, lossy) => {
                let (title, has_heading) = self.write(html, place, &text);
                Written {
                    title,
                    has_heading,
                    lossy,
                }
            }
            Unpacked::Unreadable => {
                let why = format!(
                    "[This chapter ({}) could not be read from the book: it is missing or damaged.]",
                    place.path.trim_start_matches('/')
                );
                self.write_notice(html, place, &why)
            }
            Unpacked::OverLimit => {
                let why = format!(
                    "[The rest of the book is not shown: it unpacks past the {} MiB limit \
                     (reader.max_file_size_mib in the configuration).]",
                    place.limit.div_ceil(1024 * 1024)
                );
                self.write_notice(html, place, &why)
            }
        }
    }

    /// Appends chapter `text` at `place` to `html`; gives its title and
    /// whether it had a heading of its own.
    fn write(&mut self, html: &mut String, place: Place<'_>, text: &str) -> (Option<String>, bool) {
        let inner = body(text);
        let own = first_heading_level(inner);
        if let Some(own) = own {
            self.level = Some(self.level.map_or(own, |l| l.min(own)));
        }
        let title =
            toc_label(place).or_else(|| own_title(text).filter(|t| Some(t) != place.book_title));
        self.open(html, place, title.as_deref().filter(|_| own.is_none()));
        html.push_str(inner.trim());
        html.push_str(SECTION_CLOSE);
        (title, own.is_some())
    }

    /// Appends a section for the chapter at `place` that holds only `notice`
    /// (under the chapter's name in the table of contents, if it has one).
    fn write_notice(&mut self, html: &mut String, place: Place<'_>, notice: &str) -> Written {
        let title = toc_label(place);
        self.open(html, place, title.as_deref());
        html.push_str("<p>");
        push_escaped(html, notice);
        html.push_str("</p>");
        html.push_str(SECTION_CLOSE);
        Written {
            title,
            has_heading: false,
            lossy: false,
        }
    }

    /// Opens the section at `place`, with `heading` written as the
    /// chapter's heading when it has none of its own.
    fn open(&self, html: &mut String, place: Place<'_>, heading: Option<&str>) {
        html.push_str(&format!("{SECTION_OPEN}{}\">\n", place.number));
        if let Some(title) = heading {
            let level = self.level.unwrap_or(1);
            html.push_str(&format!("<h{level}>"));
            push_escaped(html, title);
            html.push_str(&format!("</h{level}>\n"));
        }
    }
}

/// How every section of a book's HTML source starts, before its number.
const SECTION_OPEN: &str = "<section id=\"gloss-chapter-";

/// How every section of a book's HTML source ends.
const SECTION_CLOSE: &str = "\n</section>\n";

/// The chapter's name in the table of contents.
fn toc_label(place: Place<'_>) -> Option<String> {
    place
        .toc
        .iter()
        .find(|t| t.path == place.path)
        .map(|t| t.label.clone())
}

/// The table of contents, flattened: the EPUB 3 navigation document when
/// there is one, else the NCX (rbook prefers them in that order).
fn contents(epub: &Epub) -> Vec<TocEntry> {
    let Some(root) = epub.toc().by_kind(TocEntryKind::Toc) else {
        return Vec::new();
    };
    root.flatten()
        .filter_map(|entry| {
            let href = entry.href()?;
            let label = collapse(entry.label());
            if label.is_empty() {
                return None;
            }
            Some(TocEntry {
                label,
                path: href.path().decode().into_owned(),
                fragment: href.fragment().map(str::to_string),
                depth: entry.depth().saturating_sub(1),
            })
        })
        .collect()
}

/// The part of a chapter between `<body ...>` and `</body>`, or the whole
/// text when it has no body element (an HTML fragment).
fn body(text: &str) -> &str {
    let lower_find = |hay: &str, needle: &str| -> Option<usize> {
        hay.as_bytes()
            .windows(needle.len())
            .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
    };
    let Some(open) = lower_find(text, "<body") else {
        return strip_prologue(text);
    };
    let Some(gt) = text[open..].find('>') else {
        return "";
    };
    let from = open + gt + 1;
    let rest = &text[from..];
    let end = rfind_ignore_case(rest, "</body").unwrap_or(rest.len());
    &rest[..end]
}

/// A chapter without `<body>`: drops an XML declaration and doctype.
fn strip_prologue(text: &str) -> &str {
    let mut t = text.trim_start_matches('\u{feff}').trim_start();
    while t.starts_with("<?") || t.starts_with("<!") {
        match t.find('>') {
            Some(i) => t = t[i + 1..].trim_start(),
            None => return "",
        }
    }
    t
}

fn rfind_ignore_case(hay: &str, needle: &str) -> Option<usize> {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    if n.len() > h.len() {
        return None;
    }
    (0..=h.len() - n.len())
        .rev()
        .find(|&i| h[i..i + n.len()].eq_ignore_ascii_case(n))
}

/// The level of the first `<h1>`..`<h6>` in a chapter body, if any.
fn first_heading_level(body: &str) -> Option<u8> {
    let b = body.as_bytes();
    let mut i = 0;
    while let Some(at) = b[i..].iter().position(|&c| c == b'<') {
        let tag = &b[i + at + 1..];
        if tag.len() >= 3
            && tag[0].eq_ignore_ascii_case(&b'h')
            && (b'1'..=b'6').contains(&tag[1])
            && (tag[2] == b'>' || tag[2].is_ascii_whitespace() || tag[2] == b'/')
        {
            return Some(tag[1] - b'0');
        }
        i += at + 1;
    }
    None
}

/// A chapter's own `<title>`, when it has one with text.
fn own_title(text: &str) -> Option<String> {
    let head_end = text.len().min(64 * 1024);
    let head = &text[..super::floor_char_boundary(text, head_end)];
    let lower: Cow<'_, str> = Cow::Owned(head.to_ascii_lowercase());
    let open = lower.find("<title")?;
    let gt = open + lower[open..].find('>')? + 1;
    let close = gt + lower[gt..].find("</title")?;
    let title = collapse(&unescape(&head[gt..close]));
    (!title.is_empty()).then_some(title)
}

/// The five XML entities and numeric references, for a `<title>`.
fn unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(semi) = rest[..super::floor_char_boundary(rest, 12)].find(';') else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let name = &rest[1..semi];
        let ch = match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => name
                .strip_prefix("#x")
                .or_else(|| name.strip_prefix("#X"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match ch {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Appends `s` escaped for HTML text and attribute values.
fn push_escaped(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
}

/// Bytes of chapter XHTML opening a book reads and parses before its first
/// screen (whole chapters, at least one): a screenful of text at any size,
/// in a few milliseconds whatever the book's length.
const FIRST_CHAPTER_BYTES: usize = 32 * 1024;

/// A book opened for reading: only its container, package and navigation
/// documents are read at first, and its chapters are unpacked and parsed
/// one after another as the reader (or the background parse) gets to them.
/// The document it makes has the same text, blocks and offsets as the one
/// parsed from the whole book's HTML source ([`read_book`]): each chapter
/// is parsed on its own in both, from the same `<section>` (see
/// [`SectionWriter`]), so a document of the first chapters is the start of
/// the whole book's, and every offset in it keeps its meaning.
#[derive(Clone)]
pub struct Rest {
    shelf: Arc<Shelf>,
    /// The next spine document to read (an index into `Shelf::docs`).
    next: usize,
    /// How the chapters read so far were written.
    writer: SectionWriter,
    /// Bytes of text that may still be unpacked.
    left: u64,
    /// True once a chapter read so far was not valid UTF-8 (its invalid
    /// bytes replaced), also by the background parse, so the reader can
    /// say so when that parse arrives.
    lossy: bool,
}

/// What every copy of a [`Rest`] shares: the opened book.
struct Shelf {
    epub: Epub,
    meta: Metadata,
    toc: Vec<TocEntry>,
    docs: Vec<(usize, String)>,
    limit: u64,
    /// The whole book's HTML source, once made (for its fingerprint).
    whole: OnceLock<Option<Whole>>,
}

/// The whole book's HTML source and where each chapter's section is in it:
/// once made (for the fingerprint), chapters still to parse are taken from
/// it instead of being unpacked again.
struct Whole {
    html: String,
    /// Each section's bytes in `html` and whether its chapter was lossy,
    /// in spine order (fewer than the spine's documents when the book
    /// unpacks past its limit: the last one says so).
    sections: Vec<(std::ops::Range<usize>, bool)>,
}

impl fmt::Debug for Rest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rest")
            .field("chapters", &self.shelf.docs.len())
            .field("next", &self.next)
            .finish_non_exhaustive()
    }
}

/// A book opened with [`open_book`]: the start of its HTML source (the
/// head, which holds its metadata), the chapters still to read, and
/// whether a chapter read so far was not valid UTF-8.
#[derive(Debug, Clone)]
pub struct Opened {
    /// [`MARK`] and the head: the source a book's document is known by
    /// until the whole book is read.
    pub head: String,
    /// The chapters, all still to read.
    pub rest: Rest,
}

impl Opened {
    /// Title, author and date from the package document: what the list
    /// shows of the book, without opening it again.
    pub fn meta(&self) -> &Metadata {
        &self.rest.shelf.meta
    }
}

/// Opens a book from an `.epub` file (or its bytes) without unpacking its
/// chapters: the archive is checked as [`read_book`] checks it, then only the
/// container, package and navigation documents are read. Given the file
/// itself, only the zip's directory and those documents are read from disk
/// for the first screen, not the whole book.
pub fn open_book<R>(reader: R, limit: u64) -> Result<Opened, EpubError>
where
    R: Read + Seek + Send + Sync + 'static,
{
    let (epub, _) = open(reader, limit, false)?;
    let meta = metadata(&epub);
    let toc = contents(&epub);
    let docs = spine_documents(&epub);
    if docs.is_empty() {
        return Err(EpubError::NoChapters);
    }
    Ok(Opened {
        head: head_html(&meta),
        rest: Rest {
            shelf: Arc::new(Shelf {
                epub,
                meta,
                toc,
                docs,
                limit,
                whole: OnceLock::new(),
            }),
            next: 0,
            writer: SectionWriter::default(),
            left: limit,
            lossy: false,
        },
    })
}

impl Rest {
    /// The whole book's HTML source, as [`read_book`] makes it: what the
    /// book is identified by (its fingerprint), made once (every chapter is
    /// unpacked, so it belongs off the event loop). `None` when the book
    /// cannot be read whole.
    pub fn whole_source(&self) -> Option<&str> {
        self.whole().map(|w| w.html.as_str())
    }

    /// [`Rest::whole_source`] with its sections, made once (a second
    /// caller waits for the first).
    fn whole(&self) -> Option<&Whole> {
        self.shelf
            .whole
            .get_or_init(|| {
                build(&self.shelf.epub, self.shelf.limit)
                    .ok()
                    .map(|b| Whole {
                        sections: b
                            .chapters
                            .iter()
                            .map(|c| (c.range.clone(), c.lossy))
                            .collect(),
                        html: b.html,
                    })
            })
            .as_ref()
    }

    /// True once every chapter was read.
    fn is_done(&self) -> bool {
        self.next >= self.shelf.docs.len()
    }

    /// The share of the chapters read so far.
    pub(super) fn fraction(&self) -> f64 {
        let total = self.shelf.docs.len().max(1);
        (self.next as f64 / total as f64).clamp(0.0, 1.0)
    }

    /// Reads the next chapter: its `<section>` of the book's HTML source,
    /// and whether it was not valid UTF-8; `None` at the end. A chapter
    /// that cannot be read, or that unpacks past the book's limit, is a
    /// section that says so, as in [`read_book`] (which then stops there too).
    fn next_section(&mut self) -> Option<(String, bool)> {
        // Taken from the whole source once it is made (never waited for
        // here): the same section, without unpacking the chapter again.
        if let Some(Some(whole)) = self.shelf.whole.get()
            && let Some((range, lossy)) = whole.sections.get(self.next)
            && let Some(section) = whole.html.get(range.clone())
        {
            self.next += 1;
            if self.next == whole.sections.len() {
                // Past the limit, the whole book stops here too.
                self.next = self.shelf.docs.len();
            }
            self.lossy |= *lossy;
            return Some((section.to_string(), *lossy));
        }
        let (position, path) = self.shelf.docs.get(self.next)?;
        let place = Place {
            number: self.next + 1,
            path,
            toc: &self.shelf.toc,
            book_title: self.shelf.meta.title.as_ref(),
            limit: self.shelf.limit,
        };
        self.next += 1;
        let read = read_chapter(&self.shelf.epub, *position, &mut self.left);
        if matches!(read, Unpacked::OverLimit) {
            self.next = self.shelf.docs.len();
        }
        let mut section = String::new();
        let written = self.writer.write_read(&mut section, place, read);
        self.lossy |= written.lossy;
        Some((section, written.lossy))
    }
}

impl super::Document {
    /// True when a chapter of this book read so far was not valid UTF-8
    /// (invalid bytes are shown as U+FFFD): chapters read after the first
    /// screen, by the background parse, are told of by this.
    pub fn book_was_lossy(&self) -> bool {
        self.pending.book_rest().is_some_and(|r| r.lossy)
    }
}

/// The document of an opened book, with its first chapters parsed (about
/// [`FIRST_CHAPTER_BYTES`]); the rest is parsed as for any long article
/// (`Document::parse_more`, the background parse). `lossy` tells whether a
/// chapter read so far was not valid UTF-8.
pub fn document(opened: &Opened) -> (super::Document, bool) {
    let meta = super::html_page::read_metadata(&opened.head);
    let mut doc = super::Document {
        text: String::new(),
        blocks: Vec::new(),
        links: Vec::new(),
        anchors: Vec::new(),
        meta,
        index: Default::default(),
        source_map: Default::default(),
        pending: super::parse::Pending::book(
            Arc::new(opened.head.clone()),
            FORMAT,
            Box::new(opened.rest.clone()),
        ),
    };
    let lossy = parse_chapters(&mut doc, FIRST_CHAPTER_BYTES);
    (doc, lossy)
}

/// Parses whole chapters of a book's document until about `budget` bytes
/// of XHTML were read (at least one chapter); true when one was not valid
/// UTF-8. Marks the document complete after the last chapter.
pub(super) fn parse_chapters(doc: &mut super::Document, budget: usize) -> bool {
    let Some(mut rest) = doc.pending.take_book() else {
        return false;
    };
    if budget == usize::MAX {
        // Everything left (a background parse, or a search over the whole
        // book): the whole source is made once, or waited for while the
        // fingerprint's job makes it, and the chapters are taken from it,
        // not unpacked twice.
        let _ = rest.whole();
    }
    let mut used = 0usize;
    let mut lossy = false;
    while used == 0 || used < budget {
        let Some((section, was_lossy)) = rest.next_section() else {
            break;
        };
        lossy |= was_lossy;
        used = used.saturating_add(section.len()).max(1);
        for piece in super::html_page::section_pieces(&section) {
            super::parse::commit(doc, piece);
        }
    }
    let done = rest.is_done();
    doc.pending.put_book(rest, done);
    lossy
}

/// A provisional document of the book's last chapters (about `budget`
/// bytes of XHTML), parsed on its own: its text is exactly the end of the
/// whole book's, since each chapter is parsed on its own and numbered by
/// its place in the spine. `None` when few chapters are left to parse, or
/// when the book is not read to its end (a chapter unpacks past its limit).
pub(super) fn tail(doc: &super::Document, rest: &Rest, budget: usize) -> Option<super::Document> {
    let docs = &rest.shelf.docs;
    // Count back from the end until the budget is met (declared sizes are
    // not known without unpacking; chapters are read to find out). Headings
    // written for chapters without one take the level of the chapters read
    // so far; the whole book's may differ in level, never in text.
    let mut sections = Vec::new();
    let mut used = 0usize;
    let mut from = docs.len();
    let mut left = rest.left;
    while from > rest.next + 1 && used < budget {
        from -= 1;
        let (position, path) = &docs[from];
        let read = read_chapter(&rest.shelf.epub, *position, &mut left);
        if matches!(read, Unpacked::OverLimit) {
            return None;
        }
        let place = Place {
            number: from + 1,
            path,
            toc: &rest.shelf.toc,
            book_title: rest.shelf.meta.title.as_ref(),
            limit: rest.shelf.limit,
        };
        let mut section = String::new();
        rest.writer.clone().write_read(&mut section, place, read);
        used += section.len();
        sections.push(section);
    }
    if used < budget || sections.is_empty() {
        return None;
    }
    let mut tail = super::Document {
        text: String::new(),
        blocks: Vec::new(),
        links: Vec::new(),
        anchors: Vec::new(),
        meta: doc.meta.clone(),
        index: Default::default(),
        source_map: Default::default(),
        pending: super::parse::Pending::book(
            Arc::new(String::new()),
            FORMAT,
            Box::new(rest.clone()),
        ),
    };
    for section in sections.iter().rev() {
        for piece in super::html_page::section_pieces(section) {
            super::parse::commit(&mut tail, piece);
        }
    }
    let done = true;
    if let Some(rest) = tail.pending.take_book() {
        tail.pending.put_book(rest, done);
    }
    Some(tail)
}

/// The id of every chapter's section, before its number (see
/// [`SECTION_OPEN`]): the anchor where each chapter starts.
const CHAPTER_ID: &str = "gloss-chapter-";

/// Where a link inside a book leads when it names the book's own chapters
/// (`chapter3.xhtml#section`, `../text/chapter3.xhtml`, or `#section` in
/// the chapter it is in): an EPUB's chapters are separate files, joined
/// here into one article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BookPlace {
    /// The place named: the element with that id in that chapter, or the
    /// chapter's start when no place was named.
    At(usize),
    /// The chapter's start: it has no place called by the link's fragment.
    ChapterOnly(usize),
}

impl super::Document {
    /// True for a book read chapter by chapter (the reader's way of opening
    /// an EPUB), whose links between chapters [`Self::book_place`] follows.
    pub fn is_book(&self) -> bool {
        self.pending.book_rest().is_some()
    }

    /// Where the link at `from` leads in this book: `path` as written in
    /// its chapter (percent-decoded, relative to that chapter's file, no
    /// fragment), `None` for a bare `#fragment`. `None` when this is not a
    /// book, when `path` names no chapter of it, or when a bare fragment
    /// names no place in the link's own chapter (the caller then looks in
    /// the whole book). Places past what is parsed are not found: the
    /// caller completes the document first.
    pub fn book_place(
        &self,
        from: usize,
        path: Option<&str>,
        fragment: Option<&str>,
    ) -> Option<BookPlace> {
        let docs = &self.pending.book_rest()?.shelf.docs;
        // Each chapter's number (its place among the spine's documents,
        // from 1) and where it starts, in order.
        let starts: Vec<(usize, usize)> = self
            .anchors
            .iter()
            .filter_map(|a| {
                let n = a.name.strip_prefix(CHAPTER_ID)?.parse::<usize>().ok()?;
                Some((n, a.offset))
            })
            .collect();
        let here = starts
            .iter()
            .rev()
            .find(|(_, at)| *at <= from)
            .map_or(1, |(n, _)| *n);
        let number = match path {
            None => here,
            Some(path) => {
                let base = &docs.get(here.checked_sub(1)?)?.1;
                let wanted = resolve_href(base, path);
                1 + docs
                    .iter()
                    .position(|(_, p)| p.trim_start_matches('/') == wanted)?
            }
        };
        let start = starts.iter().find(|(n, _)| *n == number)?.1;
        let end = starts
            .iter()
            .map(|(_, at)| *at)
            .find(|at| *at > start)
            .unwrap_or(self.text.len());
        let Some(name) = fragment.filter(|f| !f.is_empty()) else {
            return Some(BookPlace::At(start));
        };
        let found = self
            .anchors
            .iter()
            .find(|a| a.name == name && (start..=end).contains(&a.offset));
        match (found, path) {
            (Some(a), _) => Some(BookPlace::At(a.offset)),
            (None, Some(_)) => Some(BookPlace::ChapterOnly(start)),
            (None, None) => None,
        }
    }
}

/// The archive path `href` names, written in the document at archive path
/// `base`: relative to `base`'s folder (or from the archive's root when it
/// starts with `/`), with `.` and `..` resolved; without a leading `/`.
fn resolve_href(base: &str, href: &str) -> String {
    let mut parts: Vec<&str> = if href.starts_with('/') {
        Vec::new()
    } else {
        let mut folder: Vec<&str> = base.split('/').filter(|p| !p.is_empty()).collect();
        folder.pop();
        folder
    };
    for part in href.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            part => parts.push(part),
        }
    }
    parts.join("/")
}

/// What opens the last line of a book's HTML source, which records where
/// its sections are (their lengths in bytes, in order), so they are found
/// again without looking for any text a chapter might hold.
const TRAILER_OPEN: &str = "<!-- gloss: sections";

/// What closes that line.
const TRAILER_CLOSE: &str = " -->\n";

/// Appends the trailer that records the lengths of `chapters`' sections.
fn push_trailer(html: &mut String, chapters: &[Chapter]) {
    html.push_str(TRAILER_OPEN);
    for chapter in chapters {
        html.push_str(&format!(" {}", chapter.range.len()));
    }
    html.push_str(TRAILER_CLOSE);
}

/// The `<section>`s of a book's HTML source made by [`read_book`], in
/// order, and its head (up to the body), found by the section lengths its
/// trailer records (whatever text the chapters hold); `None` when the
/// source is not laid out as [`read_book`] lays it out.
pub(super) fn split_source(source: &str) -> Option<(&str, Vec<&str>)> {
    const BODY: &str = "</head>\n<body>\n";
    // The head is written escaped, so its end is the first one.
    let body = source.find(BODY)? + BODY.len();
    // The trailer holds only digits, so the last one is the real one.
    let trailer = source.rfind(TRAILER_OPEN)?;
    let lengths = source[trailer + TRAILER_OPEN.len()..].strip_suffix(TRAILER_CLOSE)?;
    let mut sections = Vec::new();
    let mut at = body;
    for (n, length) in lengths.split(' ').skip(1).enumerate() {
        let end = at.checked_add(length.parse::<usize>().ok()?)?;
        let section = source.get(at..end)?;
        let number = section.strip_prefix(SECTION_OPEN)?.split('"').next()?;
        if number.parse::<usize>().ok()? != n + 1 || !section.ends_with(SECTION_CLOSE) {
            return None;
        }
        sections.push(section);
        at = end;
    }
    (source.get(at..trailer)? == BOOK_END).then_some((&source[..body], sections))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_is_found_whatever_its_case_and_attributes() {
        assert_eq!(body("<html><BODY class=x>hi</BODY></html>"), "hi");
        assert_eq!(body("<?xml version=\"1.0\"?><p>frag</p>"), "<p>frag</p>");
    }

    #[test]
    fn headings_are_found_but_not_header_or_hr() {
        assert_eq!(
            first_heading_level("<header>x</header><hr/><h2 id=a>T</h2>"),
            Some(2)
        );
        assert_eq!(first_heading_level("<p>no heading</p><hr>"), None);
    }

    #[test]
    fn font_obfuscation_is_not_drm() {
        let fonts = r#"<encryption><EncryptedData><EncryptionMethod Algorithm="http://www.idpf.org/2008/embedding"/><CipherData><CipherReference URI="fonts/a.otf"/></CipherData></EncryptedData></encryption>"#;
        assert!(!encrypts_text(fonts));
        let drm = r#"<encryption><enc:EncryptedData><enc:CipherData><enc:CipherReference URI="OEBPS/ch1.xhtml"/></enc:CipherData></enc:EncryptedData></encryption>"#;
        assert!(encrypts_text(drm));
    }

    #[test]
    fn titles_are_unescaped() {
        assert_eq!(
            own_title("<head><title>A &amp; B &#x2014; C</title></head>").as_deref(),
            Some("A & B \u{2014} C")
        );
    }

    #[test]
    fn links_between_chapters_resolve_against_the_linking_chapter() {
        assert_eq!(
            resolve_href("/OEBPS/text/ch1.xhtml", "ch3.xhtml"),
            "OEBPS/text/ch3.xhtml"
        );
        assert_eq!(
            resolve_href("OEBPS/text/ch1.xhtml", "../notes/n.xhtml"),
            "OEBPS/notes/n.xhtml"
        );
        assert_eq!(resolve_href("ch1.xhtml", "./ch2.xhtml"), "ch2.xhtml");
        assert_eq!(resolve_href("a/b/ch1.xhtml", "/c/ch2.xhtml"), "c/ch2.xhtml");
        assert_eq!(resolve_href("ch1.xhtml", "../../x.xhtml"), "x.xhtml");
    }

    #[test]
    fn garbage_is_not_a_zip() {
        assert_eq!(
            read_book(b"not a zip at all".to_vec(), 1 << 20).unwrap_err(),
            EpubError::NotAZip
        );
    }

    #[test]
    fn an_entity_cut_inside_a_wide_character_does_not_panic() {
        // The twelve-byte window for an entity name ends inside the 'é'.
        assert_eq!(unescape("&abcdefghij\u{e9};x"), "&abcdefghij\u{e9};x");
        assert_eq!(unescape("&amp;\u{e9}"), "&\u{e9}");
    }

    #[test]
    fn an_encryption_uri_quoted_by_a_wide_character_does_not_panic() {
        let xml = "<enc:CipherReference URI=\u{e9}OEBPS/ch1.xhtml\u{e9}/>";
        let _ = encrypts_text(xml);
    }
}
