//! The article header: its title and the byline lines under it, read before the
//! body so the list pane knows title, author and date without a full parse.

use super::meta::{Metadata, parse_date};
use super::piece::Piece;
use super::segment::{Rules, is_blank, next_segment};
use super::{BlockKind, Container, Format, markdown, pandoc, plain};
use std::ops::Range;

/// A title taken from the first line of a longer paragraph is cut to about
/// this many characters.
const TITLE_CHARS: usize = 100;
/// Byline and date lines are short.
const BYLINE_CHARS: usize = 60;
/// At most this many byline lines follow a title.
const MAX_BYLINE_LINES: usize = 3;

/// What the header yields: metadata, the blocks it consumed (title, bylines)
/// and where body parsing resumes.
pub(super) struct Header {
    pub meta: Metadata,
    pub pieces: Vec<Piece>,
    pub body_start: usize,
}

/// Finds the target of a link reference defined elsewhere in the article
/// (`[Build Status]: https://…` at its end, for a badge in the title).
pub(super) type Lookup<'a> = &'a dyn Fn(&str) -> Option<String>;

/// Parses a source range as one segment in the document's format.
fn parse(src: &str, base: usize, format: Format, lookup: Lookup) -> Vec<Piece> {
    match format {
        Format::Markdown => markdown::parse_with(src, base, lookup),
        Format::Plain => plain::parse(src, base, &mut plain::Margin::default()),
        // Pages have no header of lines (see `html_page`).
        Format::Html | Format::HtmlRaw => Vec::new(),
    }
}

fn rules(format: Format) -> Rules {
    match format {
        Format::Markdown => Rules::Markdown,
        Format::Plain | Format::Html | Format::HtmlRaw => Rules::Plain,
    }
}

/// A level-1 heading counts as the title when at most this many short
/// segments (a preface, a badge line, an HTML comment) come before it...
const PREFACE_SEGMENTS: usize = 5;
/// ...within this many bytes of the start, so finding it stays cheap.
const PREFACE_BYTES: usize = 8 * 1024;
/// A preface paragraph is short: longer text before a heading is the body.
const PREFACE_CHARS: usize = 300;

/// The title of a Debian machine-readable copyright file: `NAME copyright`
/// from its `Upstream-Name` field, rather than its first line (the format's
/// URL, the same in every such file, which would make them all one title
/// in the list). `None` (the file name) when the field is missing.
fn copyright_title(src: &str) -> Option<String> {
    let header = src.split("\n\n").next().unwrap_or("");
    header.lines().find_map(|line| {
        let name = line.strip_prefix("Upstream-Name:")?.trim();
        (!name.is_empty()).then(|| format!("{} copyright", super::sanitize::sanitize(name)))
    })
}

/// Reads the title and byline starting at `from`: a Pandoc title block
/// (`% Title`), else the first level-1 heading near the start, else the first
/// line of text (leading HTML comments, HTML blocks and badge lines skipped); a Debian
/// copyright file is titled by [`copyright_title`].
pub(super) fn read(src: &str, from: usize, format: Format, lookup: Lookup) -> Header {
    let mut header = read_header(src, from, format, lookup);
    header.meta.title = header.meta.title.map(without_mode_line).map(without_images);
    // A first line of marks only (`#`, `/*`, `---`) names nothing: the file
    // name says more.
    if header
        .meta
        .title
        .as_deref()
        .is_some_and(|t| !t.chars().any(char::is_alphanumeric))
    {
        header.meta.title = None;
    }
    header
}

/// A title without the images its heading shows (a README's build badges
/// beside its name: `Serde JSON [image: Build Status]` is listed as `Serde
/// JSON`), its spaces run together; unchanged when images are all there is.
fn without_images(title: String) -> String {
    let mut kept = String::with_capacity(title.len());
    let mut rest = title.as_str();
    while let Some(at) = rest.find("[image") {
        let marker = &rest[at..];
        let end = if marker.starts_with("[image]") {
            Some("[image]".len())
        } else if marker.starts_with(markdown::IMAGE_OPEN) {
            marker.find(']').map(|e| e + 1)
        } else {
            None
        };
        let Some(end) = end else {
            kept.push_str(&rest[..at + 1]);
            rest = &rest[at + 1..];
            continue;
        };
        kept.push_str(&rest[..at]);
        kept.push(' ');
        rest = &marker[end..];
    }
    kept.push_str(rest);
    let words = kept.split_whitespace().collect::<Vec<_>>().join(" ");
    if words.chars().any(char::is_alphanumeric) {
        words
    } else {
        title
    }
}

/// A title without the Emacs mode line at its end (`GNU gzip NEWS
/// -*- outline -*-`, which tells an editor how to show the file, not the
/// reader what it is).
fn without_mode_line(title: String) -> String {
    let Some(body) = title.trim_end().strip_suffix("-*-") else {
        return title;
    };
    match body.rfind("-*-") {
        Some(start) if !body[..start].trim().is_empty() => body[..start].trim_end().to_owned(),
        _ => title,
    }
}

/// [`read`], before a title of marks only is let go.
fn read_header(src: &str, from: usize, format: Format, lookup: Lookup) -> Header {
    let mut header = Header {
        meta: Metadata::default(),
        pieces: Vec::new(),
        body_start: from,
    };
    if format == Format::Markdown
        && let Some(block) = pandoc::title_block(src, from)
    {
        header.meta = block.meta;
        header.pieces = block.pieces;
        header.body_start = block.end;
        return header;
    }
    if format == Format::Plain
        && super::detect::is_machine_readable_copyright(src.get(from..).unwrap_or(""))
    {
        header.meta.title = copyright_title(src.get(from..).unwrap_or(""));
        return header;
    }
    let Some(first) = next_segment(src, from, rules(format)) else {
        header.body_start = src.len();
        return header;
    };
    // A heading inside an HTML block at the top (`<h1>` in a centred
    // `<div>`, as many READMEs open) names the article; the block itself
    // is left to the body, which draws it.
    let near = heading_near_start(src, from, format);
    if near.is_none()
        && let Some(title) = html_heading_near_start(src, from, format, lookup)
    {
        header.meta.title = Some(title);
        return header;
    }
    // A segment that is only images has no title in it (an image's alt
    // text describes the picture, it does not name the article).
    let Some(title_seg) = near
        .or_else(|| first_text_segment(src, from, format))
        .or_else(|| {
            let seg = src.get(first.clone()).unwrap_or("");
            (!(opens_with_image(seg) || format == Format::Markdown && is_code_block(seg)))
                .then_some(first)
        })
    else {
        return header;
    };
    let seg = src.get(title_seg.clone()).unwrap_or("");
    let Some(title_end) = title_block(seg, format).map(|len| title_seg.start + len) else {
        header.meta.title = first_line_title(seg, format, lookup);
        return header;
    };
    let mut pieces = parse(
        src.get(title_seg.start..title_end).unwrap_or(""),
        title_seg.start,
        format,
        lookup,
    );
    let title = pieces
        .first()
        .map(|p| p.text.replace('\n', " ").trim().to_owned());
    if pieces.len() != 1 || title.as_deref().is_none_or(str::is_empty) {
        header.meta.title = first_line_title(seg, format, lookup);
        return header;
    }
    // What comes before the title (a preface, badges, comments) keeps its
    // place in the text, ahead of the title.
    let mut preface = parse(
        src.get(from..title_seg.start).unwrap_or(""),
        from,
        format,
        lookup,
    );
    preface.append(&mut pieces);
    for p in &mut preface {
        p.joinable = false;
    }
    header.meta.title = title;
    header.pieces = preface;
    header.body_start = title_end;
    read_byline(src, title_end, format, lookup, &mut header);
    header
}

/// The segments at the start of the source, within the preface bounds.
fn leading_segments(src: &str, from: usize, format: Format) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut pos = from;
    while out.len() <= PREFACE_SEGMENTS && pos.saturating_sub(from) <= PREFACE_BYTES {
        let Some(range) = next_segment(src, pos, rules(format)) else {
            break;
        };
        pos = range.end;
        out.push(range);
    }
    out
}

/// The segment that opens with the first level-1 heading, when only a short
/// preface, badge lines or HTML come before it.
fn heading_near_start(src: &str, from: usize, format: Format) -> Option<Range<usize>> {
    if format != Format::Markdown {
        return None;
    }
    for range in leading_segments(src, from, format) {
        let seg = src.get(range.clone()).unwrap_or("");
        // A MyST label (`(name)=`) right above the heading is not text.
        let skip = myst_targets_len(seg);
        if opens_with_h1(seg.get(skip..).unwrap_or("")) {
            return Some(range.start + skip..range.end);
        }
        let short = seg.chars().count() <= PREFACE_CHARS && seg.lines().count() <= 3;
        if !(short || is_markup_only(seg)) {
            return None;
        }
    }
    None
}

/// The text of the first heading inside an HTML block among the leading
/// segments (`<h1>` first, else the first heading of any level), when only
/// markup comes before it.
fn html_heading_near_start(
    src: &str,
    from: usize,
    format: Format,
    lookup: Lookup,
) -> Option<String> {
    if format != Format::Markdown {
        return None;
    }
    for range in leading_segments(src, from, format) {
        let seg = src.get(range.clone()).unwrap_or("");
        if !is_markup_only(seg) {
            return None;
        }
        if !seg.trim_start().starts_with('<') {
            continue;
        }
        let pieces = parse(seg, range.start, format, lookup);
        let level = |p: &Piece| match p.kind {
            BlockKind::Heading(level) => Some(level),
            _ => None,
        };
        let heading = pieces
            .iter()
            .filter(|p| level(p).is_some() && !p.text.trim().is_empty())
            .min_by_key(|p| level(p));
        if let Some(heading) = heading {
            return Some(truncate_title(&heading.text.replace('\n', " ")));
        }
    }
    None
}

/// The first segment that holds text a reader would call the first line:
/// not an HTML comment or block, not a row of badges or links, not link
/// definitions, not a code block (a tutorial opening with a console
/// session).
fn first_text_segment(src: &str, from: usize, format: Format) -> Option<Range<usize>> {
    if format != Format::Markdown {
        return None;
    }
    leading_segments(src, from, format).into_iter().find(|r| {
        let seg = src.get(r.clone()).unwrap_or("");
        !is_markup_only(seg) && !is_code_block(seg)
    })
}

/// A fenced code block (or an indented one, four spaces or a tab in).
fn is_code_block(seg: &str) -> bool {
    let indent = seg.len() - seg.trim_start_matches(' ').len();
    super::repair::is_fence_line(seg) || seg.starts_with('\t') || indent >= 4
}

/// An HTML comment or block, a line (or heading) of images and links
/// (badges, a logo), a table (of build badges, above a README's title), or
/// only MyST labels.
fn is_markup_only(seg: &str) -> bool {
    let t = seg.trim_start();
    t.starts_with('<')
        || t.starts_with('|')
        || opens_with_image(t)
        || opens_with_image(t.trim_start_matches('#'))
        || myst_targets_len(seg) == seg.len()
        || is_link_definitions(seg)
}

/// Lines of link reference definitions (`[name]: https://…`), which show
/// nothing.
fn is_link_definitions(seg: &str) -> bool {
    seg.lines().filter(|l| !l.trim().is_empty()).all(|line| {
        let t = line.trim_start_matches(' ');
        line.len() - t.len() <= 3 && t.starts_with('[') && t.find("]:").is_some_and(|end| end > 1)
    })
}

/// The length of the MyST labels (`(name)=` lines, Sphinx's link targets in
/// Markdown) that open `seg`.
fn myst_targets_len(seg: &str) -> usize {
    let mut len = 0;
    for line in seg.split_inclusive('\n') {
        let t = line.trim();
        let target =
            t.len() > 3 && t.starts_with('(') && t.ends_with(")=") && !t[1..].contains(' ');
        if !target {
            break;
        }
        len += line.len();
    }
    len
}

/// A line that starts with an image, or a linked image (a logo, a badge).
fn opens_with_image(text: &str) -> bool {
    let t = text.trim_start();
    t.starts_with("[![") || t.starts_with("![")
}

/// `# Title` or `Title` over `===`, whose text is not an image: a logo set
/// as the heading (`![name](logo.png)` over `===`) names no title.
fn opens_with_h1(seg: &str) -> bool {
    let mut lines = seg.split('\n');
    let first = lines.next().unwrap_or("");
    let atx_text = first.trim_start_matches(' ').trim_start_matches('#');
    (is_atx_h1(first) && !opens_with_image(atx_text))
        || (lines.next().is_some_and(is_setext_h1_underline) && !opens_with_image(first))
}

/// The length of the segment's leading title block when it has one: a level-1
/// heading (ATX or setext), or a whole segment that is one short line.
fn title_block(seg: &str, format: Format) -> Option<usize> {
    let mut lines = seg.split('\n');
    let first = lines.next().unwrap_or("");
    if format == Format::Markdown {
        if is_atx_h1(first) {
            return Some(first.len());
        }
        if let Some(second) = lines.next()
            && is_setext_h1_underline(second)
        {
            return Some(first.len() + 1 + second.len());
        }
    }
    let single = !seg.contains('\n');
    let t = seg.trim();
    let looks_like_title =
        single && t.chars().count() <= TITLE_CHARS && !t.ends_with(['.', ':', ';', ',']);
    looks_like_title.then_some(seg.len())
}

/// `# Title` with at most three spaces before the `#`.
fn is_atx_h1(line: &str) -> bool {
    let t = line.trim_start_matches(' ');
    line.len() - t.len() <= 3
        && t.strip_prefix('#')
            .is_some_and(|r| r.is_empty() || r.starts_with([' ', '\t']))
}

/// `===` under a line makes it a level-1 heading.
fn is_setext_h1_underline(line: &str) -> bool {
    let t = line.trim_start_matches(' ');
    line.len() - t.len() <= 3 && {
        let t = t.trim_end();
        !t.is_empty() && t.bytes().all(|b| b == b'=')
    }
}

/// The first line of text as shown to a reader, cut to about 100
/// characters. Markdown's first paragraph is read whole, so a link the
/// author's wrapping split (`see [the cargo` / `book](…)`) is its text.
fn first_line_title(seg: &str, format: Format, lookup: Lookup) -> Option<String> {
    let line = seg.split('\n').next().unwrap_or("");
    let source = match format {
        Format::Markdown => seg,
        Format::Plain | Format::Html | Format::HtmlRaw => line,
    };
    let rendered = parse(source, 0, format, lookup)
        .into_iter()
        .map(|p| p.text)
        .find(|t| !t.trim().is_empty())
        .unwrap_or_else(|| super::sanitize(line.trim()).into_owned());
    let rendered = rendered.split('\n').next().unwrap_or("").trim().to_owned();
    (!rendered.is_empty()).then(|| truncate_title(&rendered))
}

/// Cuts a long line at a word boundary near [`TITLE_CHARS`] and marks the cut.
fn truncate_title(s: &str) -> String {
    if s.chars().count() <= TITLE_CHARS {
        return s.to_owned();
    }
    let cut = s
        .char_indices()
        .nth(TITLE_CHARS)
        .map_or(s.len(), |(i, _)| i);
    let head = s.get(..cut).unwrap_or(s);
    let head = match head.rfind(' ') {
        Some(space) if space > cut / 2 => head.get(..space).unwrap_or(head),
        _ => head,
    };
    format!("{}…", head.trim_end())
}

/// What one byline line says.
#[derive(Debug, Default, PartialEq, Eq)]
struct BylineInfo {
    author: Option<String>,
    date: Option<(String, chrono::NaiveDate)>,
}

/// Reads byline lines after the title: short name or date lines, ending at a
/// blank line (so a body paragraph's first line is never taken for one).
fn read_byline(src: &str, title_end: usize, format: Format, lookup: Lookup, header: &mut Header) {
    let mut pos = title_end;
    if src.get(pos..).is_some_and(|r| r.starts_with('\n')) {
        pos += 1;
    }
    let mut accepted: Vec<(Range<usize>, Piece, BylineInfo)> = Vec::new();
    let mut confirmed = 0;
    loop {
        let rest = src.get(pos..).unwrap_or("");
        if rest.is_empty() {
            confirmed = accepted.len();
            break;
        }
        let len = rest.find('\n').unwrap_or(rest.len());
        let line = rest.get(..len).unwrap_or("");
        let next = pos + len + usize::from(len < rest.len());
        if is_blank(line) {
            confirmed = accepted.len();
            pos = next;
            continue;
        }
        if accepted.len() >= MAX_BYLINE_LINES {
            break;
        }
        // A line over an underline (`----`, `====`) is a section's
        // heading, however much it looks like a name.
        let underlined = rest
            .get(next - pos..)
            .and_then(|r| r.lines().next())
            .is_some_and(|below| {
                let t = below.trim();
                t.len() >= 3 && t.bytes().all(|b| matches!(b, b'-' | b'=' | b'~' | b'*'))
            });
        if underlined {
            break;
        }
        let Some((piece, info)) = byline_line(line, pos, format, lookup) else {
            break;
        };
        accepted.push((pos..pos + len, piece, info));
        pos = next;
    }
    accepted.truncate(confirmed);
    for (range, piece, info) in accepted {
        header.body_start = range.end;
        if header.meta.author.is_none() {
            header.meta.author = info.author;
        }
        if header.meta.date.is_none()
            && let Some((text, date)) = info.date
        {
            header.meta.date_text = Some(text);
            header.meta.date = Some(date);
        }
        push_byline(&mut header.pieces, piece);
    }
}

/// Adds a byline line, joining it to a byline just before it with a line
/// break, so author and date read as one compact block under the title.
fn push_byline(pieces: &mut Vec<Piece>, mut piece: Piece) {
    match pieces.last_mut() {
        Some(last) if last.kind == BlockKind::Byline => {
            last.text.push('\n');
            let shift = last.text.len();
            last.text.push_str(&piece.text);
            let moved = |r: Range<usize>| r.start + shift..r.end + shift;
            last.spans
                .extend(piece.spans.drain(..).map(|(r, s)| (moved(r), s)));
            last.links
                .extend(piece.links.drain(..).map(|(r, u)| (moved(r), u)));
            last.source
                .extend(piece.source.drain(..).map(|(at, r)| (at + shift, r)));
        }
        _ => pieces.push(piece),
    }
}

/// A source line rendered as a byline block, when it reads as one.
fn byline_line(
    line: &str,
    base: usize,
    format: Format,
    lookup: Lookup,
) -> Option<(Piece, BylineInfo)> {
    let mut line = line.trim_end();
    if format == Format::Markdown {
        line = line.strip_suffix('\\').unwrap_or(line).trim_end();
    }
    let mut pieces = parse(line, base, format, lookup);
    if pieces.len() != 1 {
        return None;
    }
    let mut piece = pieces.pop()?;
    if piece.kind != BlockKind::Paragraph
        || piece.container != Container::default()
        || !piece.joinable
        || piece.text.contains('\n')
    {
        return None;
    }
    let info = classify(&piece.text)?;
    piece.kind = BlockKind::Byline;
    piece.joinable = false;
    Some((piece, info))
}

/// Separators between author and date on one byline line.
const SEPARATORS: [&str; 5] = ["|", " · ", " • ", " — ", " – "];

/// Reads a byline line: "Jane Doe", "By Jane Doe", "15 April 2021",
/// "Jane Doe | March 3, 2020"; `None` when the line reads like prose.
fn classify(text: &str) -> Option<BylineInfo> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > BYLINE_CHARS {
        return None;
    }
    let mut info = BylineInfo::default();
    if let Some(d) = parse_date(text) {
        info.date = Some((text.to_owned(), d));
        return Some(info);
    }
    let core = text.trim_end_matches(['"', '”', '’', '\'', ')', ']', '*', '_']);
    if core.ends_with(['.', '!', '?', '…', ':', ';']) {
        return None;
    }
    let mut parts = vec![text];
    for sep in SEPARATORS {
        parts = parts.iter().flat_map(|p| p.split(sep)).collect();
    }
    let several = parts.len() > 1;
    for part in parts {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        if let Some(d) = parse_date(part) {
            info.date.get_or_insert((part.to_owned(), d));
            continue;
        }
        let (name, date) = split_trailing_date(part);
        let name = author_name(name, several || date.is_some())?;
        info.author.get_or_insert(name);
        if let Some(d) = date {
            info.date.get_or_insert(d);
        }
    }
    (info.author.is_some() || info.date.is_some()).then_some(info)
}

/// "Jane Doe, March 3, 2020" or "Jane Doe on 3 March 2020": the name part and
/// the date after it.
fn split_trailing_date(part: &str) -> (&str, Option<(String, chrono::NaiveDate)>) {
    for (i, _) in part.match_indices([',', ' ']) {
        let (head, tail) = (part.get(..i).unwrap_or(""), part.get(i + 1..).unwrap_or(""));
        let tail = tail.trim();
        let tail = tail.strip_prefix("on ").unwrap_or(tail);
        if let Some(d) = parse_date(tail) {
            let head = head.trim().trim_end_matches(',');
            let head = head.strip_suffix(" on").unwrap_or(head);
            return (head, Some((tail.to_owned(), d)));
        }
    }
    (part, None)
}

/// Lower-case words allowed inside a name ("Ursula von der Leyen").
/// Words of section headings that are nobody's name.
const HEADING_WORDS: [&str; 40] = [
    "about",
    "appendix",
    "building",
    "changes",
    "chapter",
    "configuration",
    "contents",
    "description",
    "documentation",
    "example",
    "examples",
    "features",
    "fixes",
    "getting",
    "guide",
    "install",
    "installation",
    "introduction",
    "license",
    "licence",
    "news",
    "notes",
    "overview",
    "package",
    "packages",
    "preface",
    "quick",
    "reference",
    "release",
    "requirements",
    "roadmap",
    "section",
    "started",
    "summary",
    "support",
    "table",
    "updates",
    "usage",
    "version",
    "workflows",
];

const NAME_PARTICLES: [&str; 16] = [
    "and", "&", "de", "da", "del", "della", "der", "den", "van", "von", "la", "le", "di", "du",
    "bin", "al",
];

/// The author named by a byline part, or `None` when it does not read as a
/// name. A lone capitalised word counts only with a "By" or next to a date.
fn author_name(part: &str, has_company: bool) -> Option<String> {
    let part = part.trim();
    let lower = part.to_lowercase();
    for prefix in ["written by ", "words by ", "by "] {
        if lower.starts_with(prefix) {
            let name = part.get(prefix.len()..)?.trim();
            return (!name.is_empty()).then(|| name.to_owned());
        }
    }
    let words: Vec<&str> = part.split_whitespace().collect();
    // A section's name, title-cased as names are (`Kerberos Package
    // Roadmap`, `Release Notes`, `Quick Install`).
    if words.iter().any(|w| {
        let w = w.trim_matches(|c: char| !c.is_alphanumeric());
        HEADING_WORDS.iter().any(|h| h.eq_ignore_ascii_case(w))
    }) {
        return None;
    }
    let min_words = if has_company { 1 } else { 2 };
    let name_like = (min_words..=6).contains(&words.len())
        && words.iter().all(|w| {
            let w = w.trim_end_matches(',');
            w.chars().next().is_some_and(char::is_uppercase)
                && !w.chars().any(|c| c.is_ascii_digit())
                || NAME_PARTICLES.contains(&w)
        })
        && words
            .first()
            .is_some_and(|w| w.chars().next().is_some_and(char::is_uppercase));
    name_like.then(|| part.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn info(text: &str) -> Option<(Option<String>, Option<NaiveDate>)> {
        classify(text).map(|i| (i.author, i.date.map(|d| d.1)))
    }

    #[test]
    fn byline_forms() {
        let apr15 = NaiveDate::from_ymd_opt(2021, 4, 15);
        assert_eq!(
            info("Andrea Lobo"),
            Some((Some("Andrea Lobo".into()), None))
        );
        assert_eq!(info("15 April 2021"), Some((None, apr15)));
        assert_eq!(info("By Jane Doe"), Some((Some("Jane Doe".into()), None)));
        assert_eq!(
            info("Jane Doe | March 3, 2020"),
            Some((Some("Jane Doe".into()), NaiveDate::from_ymd_opt(2020, 3, 3)))
        );
        assert_eq!(
            info("Jane Doe, April 15, 2021"),
            Some((Some("Jane Doe".into()), apr15))
        );
        assert_eq!(
            info("Ursula von der Leyen"),
            Some((Some("Ursula von der Leyen".into()), None))
        );
    }

    #[test]
    fn section_headings_are_not_bylines() {
        assert_eq!(info("Kerberos Package Roadmap"), None);
        assert_eq!(info("UI, Workflows & Features"), None);
        assert_eq!(info("Release Notes"), None);
        assert_eq!(info("Quick Install"), None);
        // Under its title, a line over an underline is a section.
        let src =
            "Lamp 2.0 Notes\n==============\n\nHarbour Lights\n--------------\n\n * Brighter.\n";
        let header = read(src, 0, Format::Plain, &|_| None);
        assert_eq!(header.meta.author, None);
    }

    #[test]
    fn prose_is_not_a_byline() {
        assert_eq!(info("The talks ended."), None);
        assert_eq!(info("Introduction"), None);
        assert_eq!(info("the talks went on"), None);
        assert_eq!(info(&"Name ".repeat(20)), None);
        assert_eq!(info("Jane Doe said so:"), None);
    }

    #[test]
    fn an_emacs_mode_line_is_not_part_of_the_title() {
        let src = "Lamp NEWS                               -*- outline -*-\n\n* Noteworthy changes in 2.0\n";
        assert_eq!(
            read(src, 0, Format::Plain, &|_| None).meta.title.as_deref(),
            Some("Lamp NEWS")
        );
        let only = "-*- outline -*-\n\nThe lamp.\n";
        assert_eq!(
            read(only, 0, Format::Plain, &|_| None)
                .meta
                .title
                .as_deref(),
            Some("-*- outline -*-")
        );
    }

    #[test]
    fn titles_cut_at_a_word() {
        let long = "word ".repeat(40);
        let t = truncate_title(long.trim());
        assert!(t.ends_with("word…"));
        assert!(t.chars().count() <= TITLE_CHARS + 1);
        assert_eq!(truncate_title("short"), "short");
    }

    fn title_of(src: &str) -> Option<String> {
        read(src, 0, Format::Markdown, &|_| None).meta.title
    }

    #[test]
    fn an_image_alt_text_is_never_the_title() {
        // A logo set as the heading, under a row of badges (libsodium's
        // README): the title is the first line of text.
        let logo = "[![Build](b.svg)](ci)\n\n![libsodium](logo.png)\n============\n\nSodium is a library.\n";
        assert_eq!(title_of(logo).as_deref(), Some("Sodium is a library."));
        assert_eq!(
            title_of("# ![logo](x.png)\n\nFirst words here\n").as_deref(),
            Some("First words here")
        );
        assert_eq!(title_of("![alt](x.png)\n").as_deref(), None);
        // A heading with words keeps them; the list names it without the
        // images beside them (the reader draws them).
        assert_eq!(
            title_of("# Real ![icon](i.png) Title\n\nBody.\n").as_deref(),
            Some("Real Title")
        );
    }

    #[test]
    fn labels_badge_tables_and_marks_are_never_the_title() {
        // A MyST label right above the heading (pip's docs).
        assert_eq!(
            title_of("(repeatability)=\n# Repeatable Installs\n\npip can be used.\n").as_deref(),
            Some("Repeatable Installs")
        );
        // A table of build badges above the heading (GnuTLS's README).
        let badges = "[![CII](b.svg)](x)\n\n|Branch|CI|Status|\n|:-:|:-:|-:|\n|master|Gitlab|[![ok](s.svg)](p)|\n\n# GnuTLS -- Information for developers\n\nBody.\n";
        assert_eq!(
            title_of(badges).as_deref(),
            Some("GnuTLS -- Information for developers")
        );
        // Marks only: no title (the list shows the file name).
        assert_eq!(title_of("#\n\nset(X 1)\n").as_deref(), None);
        assert_eq!(
            read("/*\n * a comment\n */\n", 0, Format::Plain, &|_| None)
                .meta
                .title,
            None
        );
    }

    #[test]
    fn atx_and_setext_titles() {
        assert!(is_atx_h1("# T"));
        assert!(is_atx_h1("   #"));
        assert!(!is_atx_h1("## T"));
        assert!(!is_atx_h1("#T"));
        assert!(!is_atx_h1("    # T"));
        assert!(is_setext_h1_underline("==="));
        assert!(!is_setext_h1_underline("=-="));
    }
}
