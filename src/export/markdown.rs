//! Markdown export for note apps (Obsidian in particular): one section per
//! article with each highlight as a block quote, its note, tags and a command
//! that reopens gloss at the passage.
//!
//! Layout of one article:
//!
//! ````markdown
//! ---                                   (only with front matter)
//! title: "On Reading"
//! author: "Ann Example"
//! date: 2024-05-01                      (ISO 8601, as Obsidian's date property wants)
//! date_written: "May 1st, 2024"         (only when the article wrote it otherwise)
//! source: "/home/ann/on-reading.md"
//! tags: ["ideas"]
//! ---
//!
//! # On Reading
//!
//! Ann Example · 2024-05-01 · `/home/ann/on-reading.md`
//!
//! > first paragraph of the quote
//! >
//! > second paragraph
//!
//! **⚠ Orphaned:** this passage is no longer in the article as it is now.   (orphans only)
//!
//! The note, as written.
//!
//! #ideas #highlight/yellow #highlight/orphaned
//!
//! [Open the article](file:///home/ann/on-reading.md) · `gloss open '/home/ann/on-reading.md' --at 1234` ^gloss-01hzx3a6q4w5v8f0j3m2k7n9pb
//! ````
//!
//! - The colour is a tag (`#highlight/yellow`), so note apps can search by
//!   it; an orphan also carries `#highlight/orphaned` and a visible line, and
//!   its command has no `--at` (its old offset names other text).
//! - The backlink is a `file://` link, which Obsidian opens in the system's
//!   default app for the file, followed by the `gloss open` command that
//!   opens gloss at the passage (Obsidian cannot run a command from a link,
//!   and gloss registers no URL scheme). The `^gloss-<id>` block id is
//!   stable, so `[[note#^gloss-…]]` links to one highlight keep working.
//! - A quote of code (several lines, some indented) is a fenced code block
//!   inside the block quote: its indentation kept, nothing escaped.
//!
//! Quotes, notes, titles and colours are escaped so that text from an article
//! never turns into Markdown structure: a line starting with `#`, `-`, `+`,
//! `=`, `:`, `>` or `1.` stays text, and `*`, `_`, backticks, brackets, `<`, `|`,
//! `~`, `$`, `^`, `%%`, `==` and entity-like `&` are backslash-escaped (the
//! last few because Obsidian gives them meaning). Leading and trailing spaces
//! of lines are dropped, as Markdown would not show them and leading ones
//! could make a code block. Single line breaks are kept as soft breaks;
//! blank lines separate paragraphs.

use crate::text::one_line;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use sha2::{Digest, Sha256};

use super::clean::cleaned;
use super::uri::file_uri;
use super::{Filter, Selected, display_title, select, tag_word};
use crate::annotations::{AnnotationFile, ArticleRecord, Highlight, display_path, text_to_path};
use crate::document::parse_date;

/// Choices for the Markdown export.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MarkdownOptions {
    /// Put YAML front matter (title, author, date, source, tags) at the top,
    /// so note apps index it as properties (see [`to_markdown`] for several
    /// articles in one document).
    pub front_matter: bool,
}

/// All selected articles in one document, separated by a blank line.
///
/// YAML front matter is only recognised at the very top of a file (a second
/// `---` block would render as a rule and a heading), so with
/// [`MarkdownOptions::front_matter`] a single article gets its own front
/// matter while several share one: `title: "gloss highlights"`, the
/// `sources` paths and the union of `tags`. Per-article files always get the
/// article's own, see [`to_markdown_per_article`].
pub fn to_markdown(files: &[AnnotationFile], filter: &Filter, opts: &MarkdownOptions) -> String {
    let files = cleaned(files);
    let selected = select(&files, filter);
    let mut out = String::new();
    if opts.front_matter {
        match selected.as_slice() {
            [] => {}
            [one] => {
                out.push_str(&front_matter(one.article, &one.highlights));
                out.push('\n');
            }
            many => {
                out.push_str(&combined_front_matter(many));
                out.push('\n');
            }
        }
    }
    let sections: Vec<String> = selected.iter().map(article_section).collect();
    out.push_str(&sections.join("\n"));
    out
}

/// One document per selected article with a file name for each, unique within
/// the export (case-insensitively, for case-insensitive file systems): when
/// two titles give the same name, each of them gets a suffix from a hash of
/// its path, so the name stays the same from one export to the next.
pub fn to_markdown_per_article(
    files: &[AnnotationFile],
    filter: &Filter,
    opts: &MarkdownOptions,
) -> Vec<(String, String)> {
    markdown_articles(files, filter)
        .into_iter()
        .map(|a| {
            let mut body = String::new();
            if opts.front_matter {
                body.push_str(&a.front_matter);
                body.push('\n');
            }
            body.push_str(&a.section);
            (a.name, body)
        })
        .collect()
}

/// One article's Markdown, in parts, for writers that place them
/// themselves (the mirror keeps the front matter out of the block it
/// rewrites).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleMarkdown {
    /// The article's stored path.
    pub path: String,
    /// The article's fingerprint.
    pub fingerprint: String,
    /// A file name unique within the export (see [`to_markdown_per_article`]).
    pub name: String,
    /// YAML front matter, `---` lines included.
    pub front_matter: String,
    /// The heading, byline and highlights.
    pub section: String,
}

/// Every selected article's Markdown in parts, in export order.
pub fn markdown_articles(files: &[AnnotationFile], filter: &Filter) -> Vec<ArticleMarkdown> {
    let files = cleaned(files);
    let selected = select(&files, filter);
    let stems: Vec<String> = selected.iter().map(|s| file_stem(s.article)).collect();
    let mut counts: HashMap<String, usize> = HashMap::new();
    for stem in &stems {
        *counts.entry(stem.to_ascii_lowercase()).or_default() += 1;
    }
    let mut taken: BTreeSet<String> = BTreeSet::new();
    selected
        .iter()
        .zip(stems)
        .map(|(sel, stem)| {
            let mut stem = stem;
            if counts.get(&stem.to_ascii_lowercase()).copied().unwrap_or(0) > 1 {
                stem = format!("{stem}-{}", path_hash(&sel.article.path));
            }
            let mut name = format!("{stem}.md");
            let mut n = 2;
            while taken.contains(&name.to_ascii_lowercase()) {
                name = format!("{stem}-{n}.md");
                n += 1;
            }
            taken.insert(name.to_ascii_lowercase());
            ArticleMarkdown {
                path: sel.article.path.clone(),
                fingerprint: sel.article.fingerprint.clone(),
                name,
                front_matter: front_matter(sel.article, &sel.highlights),
                section: article_section(sel),
            }
        })
        .collect()
}

/// A safe file name for an article's Markdown export: a lowercase ASCII slug of
/// the title (falling back to the path's file name, then "untitled"), at most
/// 80 characters before `.md`, with no separators, dots or names Windows
/// reserves. Two articles can share it; [`to_markdown_per_article`] resolves
/// that.
pub fn markdown_file_name(file: &AnnotationFile) -> String {
    format!("{}.md", file_stem(&file.article))
}

const MAX_STEM: usize = 80;

fn file_stem(article: &ArticleRecord) -> String {
    let from_title = slug(&article.title);
    let stem = if from_title.is_empty() {
        let path = display_path(&article.path);
        let name = path.rsplit(['/', '\\']).next().unwrap_or("");
        let name = match name.rfind('.') {
            Some(i) if i > 0 => name.get(..i).unwrap_or(name),
            _ => name,
        };
        slug(name)
    } else {
        from_title
    };
    if stem.is_empty() {
        return "untitled".to_owned();
    }
    let reserved = ["con", "prn", "aux", "nul"].contains(&stem.as_str())
        || ((stem.starts_with("com") || stem.starts_with("lpt"))
            && stem.len() == 4
            && stem.as_bytes().get(3).is_some_and(u8::is_ascii_digit));
    if reserved {
        format!("{stem}-notes")
    } else {
        stem
    }
}

/// Lowercase ASCII letters and digits joined by single dashes; common accented
/// Latin letters are folded to their base letter first so "Café" gives "cafe".
fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if let Some(folded) = fold(c) {
            out.push_str(folded);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
        if out.len() > MAX_STEM {
            break;
        }
    }
    if out.len() > MAX_STEM {
        // Only ASCII was pushed, so every index is a char boundary. Prefer to
        // cut at a word boundary.
        let cut = match out.get(..=MAX_STEM).and_then(|head| head.rfind('-')) {
            Some(i) if i > MAX_STEM / 2 => i,
            _ => MAX_STEM,
        };
        out.truncate(cut);
    }
    out.trim_matches('-').to_owned()
}

/// The ASCII spelling of a common accented Latin letter (already lowercase).
fn fold(c: char) -> Option<&'static str> {
    let folded = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'č' => "c",
        'ď' | 'đ' | 'ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' | 'ě' => "e",
        'ğ' => "g",
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'ı' => "i",
        'ł' | 'ľ' | 'ĺ' => "l",
        'ñ' | 'ń' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => "o",
        'œ' => "oe",
        'ř' | 'ŕ' => "r",
        'ś' | 'š' | 'ş' => "s",
        'ß' => "ss",
        'ť' | 'ţ' => "t",
        'þ' => "th",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' => "u",
        'ý' | 'ÿ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        _ => return None,
    };
    Some(folded)
}

/// Eight hex digits of the path's SHA-256: stable across runs and machines.
fn path_hash(path: &str) -> String {
    Sha256::digest(path.as_bytes())
        .iter()
        .take(4)
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn article_section(sel: &Selected<'_>) -> String {
    let article = sel.article;
    let mut out = String::new();
    out.push_str("# ");
    // `{` could end the heading with a `{#id .class}` attribute block.
    out.push_str(&escape_line(&one_line(&display_title(article))).replace('{', "\\{"));
    out.push_str("\n\n");

    let mut byline: Vec<String> = Vec::new();
    if let Some(author) = article
        .author
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())
    {
        byline.push(escape_line(&one_line(author)));
    }
    if let Some(date) = article
        .date
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        byline.push(escape_line(&one_line(date)));
    }
    if !article.path.is_empty() {
        byline.push(code_span(&visible_controls(&display_path(&article.path))));
    }
    if !byline.is_empty() {
        out.push_str(&byline.join(" · "));
        out.push_str("\n\n");
    }

    let blocks: Vec<String> = sel
        .highlights
        .iter()
        .map(|h| highlight_block(h, &article.path))
        .collect();
    out.push_str(&blocks.join("\n"));
    out
}

fn highlight_block(h: &Highlight, path: &str) -> String {
    let mut out = String::new();
    if is_code(&h.anchor.quote) {
        quote_code(&mut out, &h.anchor.quote);
    } else {
        quote_prose(&mut out, &h.anchor.quote);
    }
    out.push('\n');

    if h.orphaned {
        out.push_str(ORPHAN_MARK);
        out.push_str("\n\n");
    }

    let note = paragraphs_text(&h.note);
    if !note.is_empty() {
        out.push_str(&note);
        out.push_str("\n\n");
    }

    let mut tags: Vec<String> = h
        .tags
        .iter()
        .filter_map(|t| tag_word(t))
        .map(|t| format!("#{t}"))
        .collect();
    if let Some(color) = tag_word(h.color.trim()) {
        tags.push(format!("#{COLOR_TAG}/{color}"));
    }
    if h.orphaned {
        tags.push(format!("#{ORPHAN_TAG}"));
    }
    if !tags.is_empty() {
        out.push_str(&tags.join(" "));
        out.push_str("\n\n");
    }

    let mut link = Vec::new();
    if !path.is_empty() {
        link.push(format!("[Open the article]({})", file_uri(path)));
        // An orphan's old offset names other text: open the article instead.
        let command = if h.orphaned {
            format!("gloss open {}", shell_quote(path))
        } else {
            format!("gloss open {} --at {}", shell_quote(path), h.anchor.start)
        };
        link.push(code_span(&command));
    }
    if let Some(id) = block_id(h.id.as_str()) {
        link.push(format!("^{id}"));
    }
    if !link.is_empty() {
        out.push_str(&link.join(" · ").replacen(" · ^", " ^", 1));
        out.push('\n');
    }
    out
}

/// The visible line under an orphan's quote.
pub(super) const ORPHAN_MARK: &str =
    "**⚠ Orphaned:** this passage is no longer in the article as it is now.";

/// The tag that carries a highlight's colour (`#highlight/yellow`), so note
/// apps can search and style by it.
const COLOR_TAG: &str = "highlight";

/// The tag every orphan carries.
const ORPHAN_TAG: &str = "highlight/orphaned";

/// An Obsidian block id for a highlight (`^gloss-01hzx…`): stable from one
/// export to the next, so a link to the highlight keeps working. Letters,
/// digits and `-` only; `None` when the id has none.
pub(super) fn block_id(id: &str) -> Option<String> {
    let word: String = id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .flat_map(|c| c.to_lowercase())
        .collect();
    (!word.is_empty()).then(|| format!("gloss-{word}"))
}

/// Whether a quote reads as code: more than one line of text and a line
/// after the first indented, which only a code block keeps. (One line after
/// blank ones is prose: its indent says nothing.)
fn is_code(quote: &str) -> bool {
    quote
        .lines()
        .filter(|l| !l.trim().is_empty())
        .skip(1)
        .any(|l| l.starts_with("  ") || l.starts_with('\t'))
}

/// A quote of prose as escaped block-quote paragraphs.
fn quote_prose(out: &mut String, quote: &str) {
    let paragraphs = paragraphs(quote);
    if paragraphs.is_empty() {
        out.push_str(">\n");
    }
    for (i, para) in paragraphs.iter().enumerate() {
        if i > 0 {
            out.push_str(">\n");
        }
        for line in para {
            out.push_str("> ");
            out.push_str(&escape_line(line));
            out.push('\n');
        }
    }
}

/// A quote of code as a fenced code block inside the block quote: its lines
/// verbatim (indentation kept, nothing escaped), with a fence longer than any
/// run of backticks in it. Control characters other than tab show as U+FFFD.
fn quote_code(out: &mut String, quote: &str) {
    let longest = quote.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    out.push_str("> ");
    out.push_str(&fence);
    out.push('\n');
    let text = quote.replace("\r\n", "\n");
    for line in text.trim_matches('\n').split(['\n', '\r']) {
        let line: String = line
            .trim_end()
            .chars()
            .map(|c| {
                if c.is_control() && c != '\t' {
                    '\u{FFFD}'
                } else {
                    c
                }
            })
            .collect();
        out.push_str("> ");
        out.push_str(&line);
        out.push('\n');
    }
    out.push_str("> ");
    out.push_str(&fence);
    out.push('\n');
}

/// Lines grouped into paragraphs: blank lines separate, runs of them collapse,
/// and leading and trailing ones vanish.
fn paragraphs(text: &str) -> Vec<Vec<&str>> {
    let mut out: Vec<Vec<&str>> = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in text.split("\r\n").flat_map(|l| l.split(['\n', '\r'])) {
        if line.trim().is_empty() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
        } else {
            current.push(line);
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Plain text as escaped Markdown paragraphs.
fn paragraphs_text(text: &str) -> String {
    paragraphs(text)
        .iter()
        .map(|p| {
            // A note's line breaks are the writer's: keep them as hard breaks.
            p.iter()
                .map(|l| escape_line(l))
                .collect::<Vec<_>>()
                .join("\\\n")
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// One line of text made inert: see the module documentation for the rules.
fn escape_line(line: &str) -> String {
    let line = line.trim();
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        let next = chars.get(i + 1).copied();
        let escape = match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~' | '$' | '^' => true,
            '&' => next.is_some_and(|n| n.is_ascii_alphanumeric() || n == '#'),
            '%' => next == Some('%'),
            '=' => i == 0 || next == Some('=') || (i > 0 && chars.get(i - 1) == Some(&'=')),
            '-' | '+' | ':' => i == 0,
            _ => false,
        };
        if escape {
            out.push('\\');
        }
        out.push(c);
    }
    // "1. text" or "1) text" would start an ordered list.
    let digits = out.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && matches!(out.as_bytes().get(digits), Some(b'.' | b')')) {
        out.insert(digits, '\\');
    }
    out
}

/// An inline code span holding `content` verbatim, with a fence longer than
/// any run of backticks inside it.
fn code_span(content: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in content.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    let fence = "`".repeat(longest + 1);
    let pad = content.starts_with('`')
        || content.ends_with('`')
        || (content.starts_with(' ') && content.ends_with(' ') && !content.trim().is_empty());
    let pad = if pad { " " } else { "" };
    format!("{fence}{pad}{content}{pad}{fence}")
}

/// Control characters shown as U+FFFD so a path cannot break a line.
fn visible_controls(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
        .collect()
}

/// `path` as one shell word: single-quoted, or ANSI-C `$'...'` quoted when it
/// holds control characters such as newlines or bytes that are not UTF-8;
/// `./` is put before a path
/// starting with `-` so it is not read as an option.
fn shell_quote(path: &str) -> String {
    let path = if path.starts_with('-') {
        format!("./{path}")
    } else {
        path.to_owned()
    };
    // The file name's own bytes: one that is not UTF-8 is written with `\xHH`
    // escapes, so the command opens that very file.
    let bytes = path_bytes(&path);
    let plain = |chunk: std::str::Utf8Chunk<'_>| {
        chunk.invalid().is_empty() && !chunk.valid().chars().any(char::is_control)
    };
    if bytes.utf8_chunks().all(plain) {
        return format!("'{}'", path.replace('\'', r"'\''"));
    }
    let mut out = String::from("$'");
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\\' => out.push_str(r"\\"),
                '\'' => out.push_str(r"\'"),
                '\n' => out.push_str(r"\n"),
                '\r' => out.push_str(r"\r"),
                '\t' => out.push_str(r"\t"),
                c if c.is_control() && u32::from(c) < 0x80 => {
                    out.push_str(&format!("\\x{:02x}", u32::from(c)))
                }
                c if c.is_control() => out.push_str(&format!("\\u{:04x}", u32::from(c))),
                c => out.push(c),
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out.push('\'');
    out
}

/// The bytes of the file a stored path names (see
/// [`crate::annotations::path_to_text`]).
fn path_bytes(path: &str) -> Vec<u8> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt;
        text_to_path(path).into_os_string().into_vec()
    }
    #[cfg(not(unix))]
    {
        path.as_bytes().to_vec()
    }
}

fn tag_list(highlights: &[&Highlight]) -> String {
    // Note apps compare tags case-insensitively: keep one spelling of each
    // (the first in sort order), sorted by its lowercase form.
    let mut tags: BTreeMap<String, String> = BTreeMap::new();
    for word in highlights
        .iter()
        .flat_map(|h| h.tags.iter().filter_map(|t| tag_word(t)))
    {
        let entry = tags
            .entry(word.to_lowercase())
            .or_insert_with(|| word.clone());
        if word < *entry {
            *entry = word;
        }
    }
    let tags: Vec<String> = tags.values().map(|t| yaml_string(t)).collect();
    format!("[{}]", tags.join(", "))
}

fn combined_front_matter(selected: &[Selected<'_>]) -> String {
    let sources: Vec<String> = selected
        .iter()
        .map(|s| yaml_string(&display_path(&s.article.path)))
        .collect();
    let all: Vec<&Highlight> = selected
        .iter()
        .flat_map(|s| s.highlights.iter().copied())
        .collect();
    format!(
        "---\ntitle: \"gloss highlights\"\nsources: [{}]\ntags: {}\n---\n",
        sources.join(", "),
        tag_list(&all)
    )
}

fn front_matter(article: &ArticleRecord, highlights: &[&Highlight]) -> String {
    let mut out = String::from("---\n");
    out.push_str(&format!(
        "title: {}\n",
        yaml_string(&display_title(article))
    ));
    if let Some(author) = &article.author {
        out.push_str(&format!("author: {}\n", yaml_string(author)));
    }
    if let Some(date) = article
        .date
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        // Obsidian's date property takes ISO 8601; the date as the article
        // wrote it is kept beside it when it reads differently.
        match parse_date(date) {
            Some(day) => {
                let iso = day.format("%Y-%m-%d").to_string();
                out.push_str(&format!("date: {iso}\n"));
                if iso != date {
                    out.push_str(&format!("date_written: {}\n", yaml_string(date)));
                }
            }
            None => out.push_str(&format!("date_written: {}\n", yaml_string(date))),
        }
    }
    out.push_str(&format!(
        "source: {}\n",
        yaml_string(&display_path(&article.path))
    ));
    out.push_str(&format!("tags: {}\n", tag_list(highlights)));
    out.push_str("---\n");
    out
}

/// A YAML double-quoted scalar: every character YAML does not allow raw, or
/// that it would read as a line break, is escaped.
fn yaml_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{FEFF}' | '\u{FFFE}' | '\u{FFFF}' => {
                out.push_str(&format!("\\u{:04X}", u32::from(c)));
            }
            c if c.is_control() => out.push_str(&format!("\\x{:02X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_code_keeps_its_indentation_without_escapes() {
        let mut out = String::new();
        let code = "fn main() {\n    let x = *p; // `tick`\n}";
        assert!(is_code(code));
        quote_code(&mut out, code);
        assert_eq!(
            out,
            "> ```\n> fn main() {\n>     let x = *p; // `tick`\n> }\n> ```\n"
        );
        assert!(!is_code("one line of prose"));
        assert!(!is_code("two lines\nof prose"));
        assert!(!is_code("\n  one indented line after a blank one"));
    }

    #[test]
    fn block_starts_are_escaped() {
        assert_eq!(escape_line("# not a heading"), r"\# not a heading");
        assert_eq!(escape_line("- item"), r"\- item");
        assert_eq!(escape_line("+ item"), r"\+ item");
        assert_eq!(escape_line("12. item"), r"12\. item");
        assert_eq!(escape_line("3) item"), r"3\) item");
        assert_eq!(escape_line("    code?"), "code?");
        assert_eq!(escape_line("==="), r"\=\=\=");
        assert_eq!(escape_line("> quote"), r"\> quote");
        assert_eq!(escape_line("a - b = c + 1. d"), "a - b = c + 1. d");
    }

    #[test]
    fn inline_marks_are_escaped() {
        assert_eq!(
            escape_line("*a* _b_ `c` [d](e) <f>"),
            r"\*a\* \_b\_ \`c\` \[d\](e) \<f\>"
        );
        assert_eq!(
            escape_line("Tom & Jerry &amp; 50% %%x%% ==y== $5"),
            r"Tom & Jerry \&amp; 50% \%%x\%% \=\=y\=\= \$5"
        );
    }

    #[test]
    fn code_span_survives_backticks() {
        assert_eq!(code_span("a"), "`a`");
        assert_eq!(code_span("a`b"), "``a`b``");
        assert_eq!(code_span("`x``"), "``` `x`` ```");
    }

    #[test]
    fn shell_quoting() {
        assert_eq!(shell_quote("/a b/it's.md"), r"'/a b/it'\''s.md'");
        assert_eq!(shell_quote("-x"), "'./-x'");
        assert_eq!(shell_quote("/a\nb\\'"), r"$'/a\nb\\\''");
    }

    #[test]
    fn yaml_strings() {
        assert_eq!(
            yaml_string("a \"b\" \\ c\n\u{7f}\u{2028}"),
            r#""a \"b\" \\ c\n\x7F\u2028""#
        );
    }

    #[test]
    fn tags_become_obsidian_words() {
        assert_eq!(tag_word("#snake_case").as_deref(), Some("snake_case"));
        assert_eq!(tag_word("two words").as_deref(), Some("two-words"));
        assert_eq!(tag_word("_x*").as_deref(), Some("x"));
        assert_eq!(tag_word("日本/語").as_deref(), Some("日本/語"));
        assert_eq!(tag_word("***"), None);
    }

    #[test]
    fn slugs() {
        assert_eq!(slug("Café: The Über-Guide!"), "cafe-the-uber-guide");
        assert_eq!(slug("../../etc/passwd"), "etc-passwd");
        assert_eq!(slug("日本語"), "");
        let long = "word ".repeat(40);
        let s = slug(&long);
        assert!(s.len() <= MAX_STEM && !s.ends_with('-'), "{s}");
    }

    #[test]
    fn file_names_fall_back_and_avoid_reserved() {
        let mut a = ArticleRecord {
            title: "日本語".into(),
            path: "/x/.hidden Notes.txt".into(),
            ..ArticleRecord::default()
        };
        assert_eq!(file_stem(&a), "hidden-notes");
        a.path = "/x/日本.md".into();
        assert_eq!(file_stem(&a), "untitled");
        a.title = "CON".into();
        assert_eq!(file_stem(&a), "con-notes");
        a.title = "com1".into();
        assert_eq!(file_stem(&a), "com1-notes");
    }
}
