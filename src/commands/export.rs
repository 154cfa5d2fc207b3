//! `gloss export`: the stored highlights in one of the export formats, to
//! stdout, a file, or a folder; and [`export_to_folder`] for the app's export
//! key, so both write the same files.

use std::fs;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};

use anyhow::Context;

use super::{UsageError, read_all};
use crate::annotations::{AnnotationFile, Locator, Store, text_to_path};
use crate::config::PaletteColor;
use crate::document::{self, Document, ParseOptions};
use crate::export::{
    Filter, Format, MarkdownOptions, MirrorOutcome, NO_HIGHLIGHTS, SourcePositions, W3cOptions,
    article_key, free_name, key_in, markdown_articles, markdown_file_name, mirror_text,
    render_with, to_markdown_per_article,
};
use crate::text;

/// File name (before the extension) used when a format that makes one
/// document is written into a folder.
pub const EXPORT_STEM: &str = "gloss-export";

/// What `gloss export` was asked to do, gathered from the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportRequest {
    /// The output format.
    pub format: Format,
    /// A file, a folder (existing, or a path ending in `/`), or `None` for
    /// stdout.
    pub output: Option<PathBuf>,
    /// Which highlights to include.
    pub filter: Filter,
    /// YAML front matter in Markdown output.
    pub front_matter: bool,
    /// Only articles whose recorded path is one of these files or lies under
    /// one of these folders; empty means every article.
    pub paths: Vec<PathBuf>,
    /// The palette, for the W3C stylesheet's colour values.
    pub palette: Vec<PaletteColor>,
    /// How articles are parsed, to find where each passage is in its file
    /// (W3C positions); the reader's options, so offsets agree with the app.
    pub parse: ParseOptions,
    /// Articles larger than this many bytes are not read for positions.
    pub max_file_size: u64,
    /// Keep one Markdown file per article in `output` in step (see
    /// [`mirror_files`]) instead of writing an export.
    pub mirror: bool,
}

/// What an export did, for the summary the CLI prints and for tests.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportOutcome {
    /// Articles with at least one exported highlight.
    pub articles: usize,
    /// Highlights exported.
    pub highlights: usize,
    /// Files written (empty when writing to stdout).
    pub written: Vec<PathBuf>,
    /// Annotation files that could not be read and were left out.
    pub unreadable: Vec<String>,
    /// Mirror files that could not be written, with why.
    pub failed: Vec<String>,
}

/// Runs an export; document output goes to `stdout` when no output path is
/// given. Errors that the user caused (a path naming nothing) are
/// [`UsageError`]s inside the `anyhow::Error`.
pub fn run(
    store: &Store,
    request: &ExportRequest,
    stdout: &mut dyn Write,
) -> anyhow::Result<ExportOutcome> {
    let stored = read_all(store)
        .with_context(|| format!("cannot read the annotations in {}", text::path(store.dir())))?;
    let mut files: Vec<AnnotationFile> = stored.files.into_iter().map(|(_, f)| f).collect();
    if !request.paths.is_empty() {
        let scopes = resolve_scopes(&request.paths, &files)?;
        files.retain(|f| scopes.iter().any(|s| in_scope(&f.article.path, s)));
    }
    let (articles, highlights) = count(&files, &request.filter);
    let markdown = MarkdownOptions {
        front_matter: request.front_matter,
    };
    let mut outcome = ExportOutcome {
        articles,
        highlights,
        written: Vec::new(),
        unreadable: stored.unreadable,
        failed: Vec::new(),
    };
    if request.mirror {
        let Some(folder) = request.output.as_deref() else {
            return Err(UsageError("--mirror needs a folder to keep in step".into()).into());
        };
        let done = mirror_files(folder, &files, &request.filter);
        outcome.written = done.created.into_iter().chain(done.updated).collect();
        outcome.failed = done.failed;
        return Ok(outcome);
    }
    let w3c = if request.format == Format::W3c {
        W3cOptions {
            positions: source_positions(&files, request.parse, request.max_file_size),
            palette: request.palette.clone(),
        }
    } else {
        W3cOptions::default()
    };
    match request.output.as_deref() {
        None => {
            let text = render_with(request.format, &files, &request.filter, &markdown, &w3c);
            match stdout
                .write_all(text.as_bytes())
                .and_then(|()| stdout.flush())
            {
                // A reader that stops early (`| head`) is not an error.
                Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
                    return Err(e).context("cannot write to standard output");
                }
                _ => {}
            }
        }
        Some(path) if is_folder_target(path) => {
            outcome.written = write_folder(
                path,
                request.format,
                &files,
                &request.filter,
                &markdown,
                None,
                &w3c,
            )?;
        }
        Some(path) => {
            let text = render_with(request.format, &files, &request.filter, &markdown, &w3c);
            write_file(path, text.as_bytes())?;
            outcome.written.push(path.to_path_buf());
        }
    }
    Ok(outcome)
}

/// Writes the notes of one article (`only`, its recorded path) or of every
/// article into `folder`, creating it if missing, and returns the files
/// written. This is what the app's export key does, so an export from the
/// app and `gloss export --output FOLDER/` give the same files. Markdown gives
/// one file per article; other formats give one file, named after the article
/// when `only` is given, else `gloss-export.<ext>`. Annotation files that
/// cannot be read are left out (the app reports them when it starts).
pub fn export_to_folder(
    store: &Store,
    format: Format,
    folder: &Path,
    only: Option<&Path>,
    front_matter: bool,
) -> anyhow::Result<Vec<PathBuf>> {
    let stored = read_all(store)
        .with_context(|| format!("cannot read the annotations in {}", text::path(store.dir())))?;
    let mut files: Vec<AnnotationFile> = stored.files.into_iter().map(|(_, f)| f).collect();
    if let Some(only) = only {
        files.retain(|f| text_to_path(&f.article.path) == only);
    }
    let single = match (only, files.as_slice()) {
        (Some(_), [one]) => Some(markdown_file_name(one)),
        _ => None,
    };
    write_folder(
        folder,
        format,
        &files,
        &Filter::default(),
        &MarkdownOptions { front_matter },
        single.as_deref(),
        &W3cOptions::default(),
    )
}

/// Writes an export into `folder`: one Markdown file per article, or one file
/// for the other formats named `name_hint` (with the format's extension) or
/// [`EXPORT_STEM`]. Nothing is written when nothing is selected.
fn write_folder(
    folder: &Path,
    format: Format,
    files: &[AnnotationFile],
    filter: &Filter,
    markdown: &MarkdownOptions,
    name_hint: Option<&str>,
    w3c: &W3cOptions,
) -> anyhow::Result<Vec<PathBuf>> {
    let (articles, _) = count(files, filter);
    if articles == 0 {
        return Ok(Vec::new());
    }
    fs::create_dir_all(folder)
        .with_context(|| format!("cannot create the folder {}", text::path(folder)))?;
    let mut written = Vec::new();
    if format == Format::Markdown {
        for (name, body) in to_markdown_per_article(files, filter, markdown) {
            let path = folder.join(name);
            write_file(&path, body.as_bytes())?;
            written.push(path);
        }
    } else {
        let stem = name_hint
            .and_then(|n| n.strip_suffix(".md"))
            .unwrap_or(EXPORT_STEM);
        let path = folder.join(format!("{stem}.{}", format.extension()));
        write_file(
            &path,
            render_with(format, files, filter, markdown, w3c).as_bytes(),
        )?;
        written.push(path);
    }
    Ok(written)
}

/// Where each placed highlight's passage is in its article's file, in
/// characters of the file as it is on disk (a byte-order mark and the `\r`
/// of CRLF line ends counted), for W3C position selectors. Highlights whose
/// article cannot be read, or whose passage is not in it now, get none.
pub fn source_positions(
    files: &[AnnotationFile],
    parse: ParseOptions,
    limit: u64,
) -> SourcePositions {
    let mut positions = SourcePositions::default();
    for file in files {
        if file.article.path.is_empty() || file.highlights.iter().all(|h| h.orphaned) {
            continue;
        }
        let path = text_to_path(&file.article.path);
        let Some((doc, raw)) = read_article(&path, parse, limit) else {
            continue;
        };
        if let Some(url) = &doc.meta().source_url {
            positions.insert_url(&file.article.path, url);
        }
        let locator = Locator::new(doc.text());
        let source = doc.source();
        let extra = FileChars::new(&raw);
        for h in &file.highlights {
            let Some(placed) = locator.shown(h) else {
                continue;
            };
            let Some(range) = doc.source_range(placed.range) else {
                continue;
            };
            let (Some(before), Some(inside)) = (source.get(..range.start), source.get(range))
            else {
                continue;
            };
            let start = before.chars().count();
            let end = start + inside.chars().count();
            positions.insert(
                &file.article.path,
                h.id.as_str(),
                extra.file(start)..extra.file(end),
            );
        }
    }
    positions
}

/// An article parsed completely, and its bytes as on disk (unpacked, for a
/// gzip file); `None` when it cannot be read or is too large.
fn read_article(path: &Path, parse: ParseOptions, limit: u64) -> Option<(Document, Vec<u8>)> {
    let raw = crate::library::read_file(path, limit).ok()?;
    let decoded = document::decode(&raw).ok()?;
    let ext = crate::library::text_extension(path);
    let format = document::detect_format(&ext, &decoded.text);
    Some((Document::parse_complete(&decoded.text, format, parse), raw))
}

/// Turns character offsets of the decoded text (no byte-order mark, line
/// ends as `\n`) into characters of the file on disk.
struct FileChars {
    /// One when the file starts with a byte-order mark.
    bom: usize,
    /// Decoded character offsets of the `\n`s that were `\r\n` on disk.
    crlf: Vec<usize>,
}

impl FileChars {
    fn new(raw: &[u8]) -> Self {
        let text = String::from_utf8_lossy(raw);
        let body = text.strip_prefix('\u{feff}');
        let bom = usize::from(body.is_some());
        let body = body.unwrap_or(&text);
        let mut crlf = Vec::new();
        let mut decoded = 0;
        let mut chars = body.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '\r' && chars.peek() == Some(&'\n') {
                chars.next();
                crlf.push(decoded);
            }
            decoded += 1;
        }
        Self { bom, crlf }
    }

    /// The file's character offset of decoded offset `chars`.
    fn file(&self, chars: usize) -> document::CharOffset {
        let before = self.crlf.partition_point(|&at| at < chars);
        document::CharOffset::new(chars + self.bom + before)
    }
}

/// Keeps one Markdown file per article in `folder` in step with the notes:
/// each article's file is found by the key in its managed block (so a file
/// the user renamed is still found), its block rewritten, and a new file
/// created (with front matter) for an article that has none. Articles whose
/// highlights were all deleted get an empty block; what the user wrote
/// outside the blocks is kept. Every write goes through a temporary file
/// and a rename, so a crash leaves the old file or the new one.
pub fn mirror_files(folder: &Path, files: &[AnnotationFile], filter: &Filter) -> MirrorOutcome {
    let mut outcome = MirrorOutcome::default();
    if let Err(e) = fs::create_dir_all(folder) {
        outcome.failed.push(format!("{}: {e}", text::path(folder)));
        return outcome;
    }
    // The files already there, by the key of the article they mirror.
    let mut by_key: std::collections::HashMap<String, (PathBuf, String)> =
        std::collections::HashMap::new();
    let mut names: std::collections::HashSet<String> = std::collections::HashSet::new();
    if let Ok(entries) = fs::read_dir(folder) {
        for entry in entries.flatten() {
            let path = entry.path();
            if let Some(name) = path.file_name() {
                names.insert(name.to_string_lossy().to_lowercase());
            }
            if path.extension().is_none_or(|e| e != "md") || !path.is_file() {
                continue;
            }
            let Ok(text) = fs::read_to_string(&path) else {
                continue;
            };
            if let Some(key) = key_in(&text) {
                let key = key.to_owned();
                by_key.entry(key).or_insert((path, text));
            }
        }
    }
    let articles = markdown_articles(files, filter);
    let mut seen = std::collections::HashSet::new();
    for article in &articles {
        let key = article_key(&article.path, &article.fingerprint);
        seen.insert(key.clone());
        let (path, new_text, created) = match by_key.get(&key) {
            Some((path, old)) => (
                path.clone(),
                mirror_text(Some(old), &key, "", &article.section),
                false,
            ),
            None => {
                let name = free_name(&article.name, &names);
                names.insert(name.to_lowercase());
                (
                    folder.join(name),
                    mirror_text(
                        None,
                        &key,
                        &format!("{}\n", article.front_matter),
                        &article.section,
                    ),
                    true,
                )
            }
        };
        if !created && by_key.get(&key).is_some_and(|(_, old)| *old == new_text) {
            outcome.unchanged += 1;
            continue;
        }
        match write_atomically(&path, new_text.as_bytes()) {
            Ok(()) if created => outcome.created.push(path),
            Ok(()) => outcome.updated.push(path),
            Err(e) => outcome.failed.push(format!("{}: {e}", text::path(&path))),
        }
    }
    // Articles whose highlights are all gone: empty their blocks.
    for (key, (path, old)) in &by_key {
        let known = files
            .iter()
            .any(|f| article_key(&f.article.path, &f.article.fingerprint) == *key);
        if seen.contains(key) || !known {
            continue;
        }
        let new_text = mirror_text(Some(old), key, "", NO_HIGHLIGHTS);
        if new_text == *old {
            outcome.unchanged += 1;
            continue;
        }
        match write_atomically(path, new_text.as_bytes()) {
            Ok(()) => outcome.updated.push(path.clone()),
            Err(e) => outcome.failed.push(format!("{}: {e}", text::path(path))),
        }
    }
    outcome
}

/// Replaces `path` crash-safely ([`crate::annotations::replace_file`]).
fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    Ok(crate::annotations::replace_file(
        &crate::annotations::RealDisk,
        path,
        bytes,
    )?)
}

fn write_file(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    fs::write(path, bytes).with_context(|| format!("cannot write {}", text::path(path)))
}

/// An existing folder, or a path the user marked as one with a trailing
/// separator.
fn is_folder_target(path: &Path) -> bool {
    let text = path.as_os_str().to_string_lossy();
    path.is_dir() || text.ends_with('/') || text.ends_with(std::path::MAIN_SEPARATOR)
}

/// Articles and highlights that `filter` keeps.
fn count(files: &[AnnotationFile], filter: &Filter) -> (usize, usize) {
    files
        .iter()
        .map(|f| f.highlights.iter().filter(|h| filter.keep(h)).count())
        .filter(|&n| n > 0)
        .fold((0, 0), |(a, h), n| (a + 1, h + n))
}

/// The absolute forms of the PATH arguments, as the store records article
/// paths (`gloss:samples/...` names a bundled sample and is kept as is). A
/// path that does not exist is still accepted when some article was recorded
/// under it (its notes outlive the file); otherwise it is a typo.
fn resolve_scopes(paths: &[PathBuf], files: &[AnnotationFile]) -> anyhow::Result<Vec<PathBuf>> {
    let mut scopes = Vec::new();
    for path in paths {
        let scope = if path
            .to_string_lossy()
            .starts_with(crate::library::SAMPLE_PREFIX)
        {
            path.clone()
        } else {
            fs::canonicalize(path).unwrap_or_else(|_| absolute(path))
        };
        let known = files.iter().any(|f| in_scope(&f.article.path, &scope));
        if !known && !path.exists() {
            return Err(UsageError(format!(
                "{}: no such file or folder, and no notes recorded for it",
                text::path(path)
            ))
            .into());
        }
        scopes.push(scope);
    }
    Ok(scopes)
}

/// `path` made absolute against the current folder, with `.` and `..`
/// removed lexically (the file may no longer exist to be canonicalized).
fn absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|cwd| cwd.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    };
    let mut out = PathBuf::new();
    for part in joined.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Whether an article recorded at `recorded` is `scope` or inside it
/// (comparing whole path components, so `/a/b` is not inside `/a/bc`).
fn in_scope(recorded: &str, scope: &Path) -> bool {
    !recorded.is_empty() && text_to_path(recorded).starts_with(scope)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotations::testing::{CharOffset, highlight};
    use crate::annotations::{ArticleRecord, Op};

    fn store_with(dir: &Path, articles: &[(&str, &str)]) -> Store {
        let store = Store::new(dir);
        for (i, (title, path)) in articles.iter().enumerate() {
            let record = ArticleRecord {
                title: (*title).into(),
                path: (*path).into(),
                fingerprint: format!("sha256:{i}"),
                ..ArticleRecord::default()
            };
            let id = format!("01HZX3A6Q4W5V8F0J3M2K7N9P{i}");
            store
                .apply(
                    None,
                    &record,
                    &[Op::Upsert(
                        highlight(&id)
                            .quote_at(title, CharOffset::new(3))
                            .at("2024-03-04T10:00:00Z")
                            .build(),
                    )],
                )
                .unwrap();
        }
        store
    }

    #[test]
    fn scopes_match_whole_components() {
        assert!(in_scope("/a/b/c.md", Path::new("/a/b")));
        assert!(in_scope("/a/b/c.md", Path::new("/a/b/c.md")));
        assert!(!in_scope("/a/bc/d.md", Path::new("/a/b")));
        assert!(!in_scope("", Path::new("/")));
    }

    #[test]
    fn absolute_removes_dots() {
        assert_eq!(absolute(Path::new("/x/./y/../z")), PathBuf::from("/x/z"));
        assert!(absolute(Path::new("rel")).is_absolute());
    }

    #[test]
    fn a_missing_path_without_notes_is_a_usage_error() {
        let dir = tempfile::tempdir().unwrap();
        let store = store_with(dir.path(), &[("One", "/gone/one.md")]);
        let mut request = ExportRequest {
            format: Format::Json,
            output: None,
            filter: Filter::default(),
            front_matter: false,
            paths: vec![PathBuf::from("/nowhere/at/all")],
            palette: Vec::new(),
            parse: ParseOptions::default(),
            max_file_size: 1 << 20,
            mirror: false,
        };
        let err = run(&store, &request, &mut Vec::new()).unwrap_err();
        assert!(err.downcast_ref::<UsageError>().is_some(), "{err:#}");

        // A deleted article's notes can still be exported by its old path.
        request.paths = vec![PathBuf::from("/gone")];
        let mut out = Vec::new();
        let outcome = run(&store, &request, &mut out).unwrap();
        assert_eq!((outcome.articles, outcome.highlights), (1, 1));
        assert!(String::from_utf8(out).unwrap().contains("/gone/one.md"));
    }

    #[test]
    fn export_to_folder_writes_one_article_or_all() {
        let dir = tempfile::tempdir().unwrap();
        let store = store_with(dir.path(), &[("One", "/a/one.md"), ("Two", "/a/two.md")]);
        let out = dir.path().join("exports/new");

        let all = export_to_folder(&store, Format::Markdown, &out, None, false).unwrap();
        let names: Vec<_> = all.iter().map(|p| p.file_name().unwrap()).collect();
        assert_eq!(names, ["one.md", "two.md"]);

        let one = export_to_folder(
            &store,
            Format::Json,
            &out,
            Some(Path::new("/a/two.md")),
            true,
        )
        .unwrap();
        assert_eq!(one, [out.join("two.json")]);
        let text = fs::read_to_string(&one[0]).unwrap();
        assert!(
            text.contains("/a/two.md") && !text.contains("/a/one.md"),
            "{text}"
        );

        let csv = export_to_folder(&store, Format::Csv, &out, None, false).unwrap();
        assert_eq!(csv, [out.join("gloss-export.csv")]);

        let none = export_to_folder(
            &store,
            Format::W3c,
            &out,
            Some(Path::new("/other.md")),
            false,
        )
        .unwrap();
        assert!(none.is_empty());
    }
}
