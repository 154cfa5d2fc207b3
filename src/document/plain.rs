//! Plain text: a segment is one paragraph, and no character has a special
//! meaning. Prose wrapped by hand has its lines joined by spaces, so it
//! rewraps to the pane; lines the author broke on purpose (a list of names, a
//! `Field: value` record, a centred title, list items) keep their breaks, as
//! `less` would show them.

use super::piece::Piece;
use super::sanitize::sanitize;
use super::{BlockKind, Container, LineIndent};
use unicode_width::UnicodeWidthStr;

/// The document's margins. The left: the least indent of its lines read so
/// far, which indentation is drawn right of, so a nested item in the next
/// paragraph stays nested while a file indented throughout does not lose
/// columns to it; it only shrinks as the parse goes on, so a document
/// parsed from its head gets the same blocks as one parsed whole. The
/// right: the column its prose was wrapped at, from its start.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Margin {
    left: Option<usize>,
    /// The width of the wider lines at the document's start (nine in ten
    /// are narrower), 0 when unknown.
    fill: usize,
}

/// How much of a document's start [`Margin::of_head`] looks at: a bounded
/// amount, so a large document's first screen does not pay for its size,
/// and within the head a document opened from its head has read.
const MARGIN_HEAD: usize = 32 * 1024;

impl Margin {
    /// The least indent of the lines at the start of `source`: without it
    /// the first paragraphs would be drawn from their own indent until a
    /// less indented line came (the first entry of a Debian changelog flush,
    /// the next ones indented, though the file indents them alike).
    pub(super) fn of_head(source: &str) -> Self {
        let mut end = source.len().min(MARGIN_HEAD);
        while !source.is_char_boundary(end) {
            end -= 1;
        }
        let head = &source[..end];
        // A line cut by the end of the head still shows its indent.
        let lines = head.split('\n').filter(|line| !line.trim().is_empty());
        let left = lines.clone().map(indent_width).min();
        let mut widths: Vec<usize> = lines
            .map(|line| indent_width(line) + line.trim().width())
            .collect();
        widths.sort_unstable();
        let fill = widths.get(widths.len() * 9 / 10).copied().unwrap_or(0);
        Self { left, fill }
    }

    /// Takes in the least indent of a block about to be laid out.
    fn take(&mut self, least: usize) -> usize {
        let margin = self.left.map_or(least, |m| m.min(least));
        self.left = Some(margin);
        margin
    }
}

/// Turns one blank-line separated paragraph into blocks; `base` is where the
/// segment starts in the source, for the source map. A line holding only `.`
/// under an indent (a Debian copyright file's empty line inside a field)
/// splits the paragraph, and the lines after it go on with the field it was
/// in; a line underlined with `===` or `---` is a heading.
pub(super) fn parse(segment: &str, base: usize, margin: &mut Margin) -> Vec<Piece> {
    let mut lines: Vec<Line<'_>> = Vec::new();
    let mut pieces = Vec::new();
    // The name (`Copyright:`) of the field a `.` line split, which the
    // lines after it continue.
    let mut field: Option<&str> = None;
    let mut line_start = 0;
    for raw in segment.split_inclusive('\n') {
        let at = line_start;
        line_start += raw.len();
        let text = raw.trim();
        if text.is_empty() {
            continue;
        }
        let indent = indent_width(raw);
        if text == "." && indent > 0 {
            pieces.extend(block(&lines, base, margin, field));
            field = lines
                .iter()
                .rev()
                .find(|l| is_field_line(l))
                .map_or(field, |l| l.text.find(':').map(|colon| &l.text[..=colon]));
            lines.clear();
            continue;
        }
        // `text` is a subslice of `raw`, so its offset is a pointer difference.
        let from = at + (text.as_ptr() as usize - raw.as_ptr() as usize);
        let line = Line { text, from, indent };
        // A rule under a row of columns is a table's header rule: it stays
        // with the rows, which read together as a table.
        let under_columns = lines.last().is_some_and(|row| gap_columns(row).len() >= 2);
        if let Some(level) = underline_level(text).filter(|_| !under_columns)
            && let Some(title) = lines.last().copied()
        {
            lines.pop();
            // Alone, or under an overline (`****` / title / `----`).
            let alone = lines.iter().all(|l| underline_level(l.text).is_some());
            if underlines(&title, text, alone) {
                pieces.extend(block(&lines, base, margin, field.take()));
                lines.clear();
                pieces.push(heading(&title, level, base));
            } else {
                // A rule under a paragraph ends it, and stays a line of
                // its own.
                lines.push(title);
                pieces.extend(block(&lines, base, margin, field.take()));
                lines.clear();
                pieces.extend(block(&[line], base, margin, None));
            }
            continue;
        }
        lines.push(line);
    }
    pieces.extend(block(&lines, base, margin, field));
    pieces
}

/// The heading level a line of `=` (1) or `-`, `*` or `~` (2), at least
/// three long, gives the line above it: a title underlined, as plain text
/// has written titles long before Markdown took the habit from it.
fn underline_level(text: &str) -> Option<u8> {
    let level = match text.as_bytes().first()? {
        b'=' => 1,
        b'-' | b'*' | b'~' => 2,
        _ => return None,
    };
    (text.len() >= 3 && text.bytes().all(|b| b == text.as_bytes()[0])).then_some(level)
}

/// Whether the line `rule` under `title` underlines it: as wide as the
/// title (give or take a tenth, at least four columns), or, for `=` and
/// `-`, under a title
/// that is a paragraph of its own. A rule under the last line of a
/// paragraph, wider or narrower than it, separates (`in some cases, the
/// clause has been left as-is.` over a row of dashes is not a heading),
/// and a row of `*` is a heading's underline only when it fits the title.
fn underlines(title: &Line<'_>, rule: &str, alone: bool) -> bool {
    let width = title.text.width();
    let fits = width.abs_diff(rule.width()) <= (width / 10).max(4);
    fits || (alone && rule.starts_with(['=', '-']))
}

/// The heading block of an underlined title (the underline is not text).
fn heading(title: &Line<'_>, level: u8, base: usize) -> Piece {
    let mut piece = Piece::new(BlockKind::Heading(level), Container::default());
    let from = base + title.from;
    piece.mark_source(from..from + title.text.len());
    piece.text.push_str(&sanitize(title.text));
    piece
}

/// One non-blank line of a segment: its text without the surrounding blanks,
/// where that text starts in the segment, and how far it is indented.
#[derive(Clone, Copy)]
struct Line<'a> {
    text: &'a str,
    from: usize,
    indent: usize,
}

impl Line<'_> {
    /// Columns from the left margin to the end of the text.
    fn width(&self) -> usize {
        self.indent + self.text.width()
    }

    /// True for a line without blanks inside, such as a path.
    /// (Text in a script written without spaces, such as Chinese or
    /// Japanese, is not one word however long: it wraps anywhere.)
    fn is_one_word(&self) -> bool {
        !self.text.contains(char::is_whitespace) && !self.text.chars().any(is_wide)
    }

    /// Columns of the first word, which a wrapping author would have put on
    /// the line before had it fitted.
    fn first_word_width(&self) -> usize {
        self.text.split_whitespace().next().map_or(0, str::width)
    }
}

/// The block of `lines`, each break between them kept as a line break or
/// joined by a space (see [`kept_breaks`]); `field` names the field they go
/// on with, when a `.` line split it.
fn block(
    lines: &[Line<'_>],
    base: usize,
    margin: &mut Margin,
    field: Option<&str>,
) -> Option<Piece> {
    if lines.is_empty() {
        return None;
    }
    let mut piece = Piece::new(BlockKind::Paragraph, Container::default());
    let kept = match field {
        Some(name) => continued_field_breaks(name, lines, margin.fill),
        None => kept_breaks(lines, margin.fill),
    };
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            if kept[i - 1] {
                piece.text.push('\n');
            } else if !continues_word(&lines[i - 1], line) {
                piece.text.push(' ');
            }
            piece.wrapped = true;
        }
        let from = base + line.from;
        piece.mark_source(from..from + line.text.len());
        piece.text.push_str(&sanitize(line.text));
    }
    // Page-break repair may join prose, never lines laid out by hand.
    piece.joinable = !piece.text.contains('\n');
    piece.container.indents = line_indents(lines, &kept, margin);
    Some(piece)
}

/// How far the wrapped rows of a line the author broke on purpose hang.
const KEPT_LINE_HANG: usize = 2;

/// How each line of a block is indented right of the document's margin,
/// and how far its wrapped rows hang (a list item's text width past its
/// marker, or the indent of the line joined under it): a nested item in a
/// changelog stays nested, and its wrapped text stays under its words. A
/// line joined from source lines is as indented as the least of them, and a
/// block's first line is not indented past the rest unless it is a list
/// item: a paragraph whose first line alone is indented is not indented.
fn line_indents(lines: &[Line<'_>], kept: &[bool], margin: &mut Margin) -> Vec<LineIndent> {
    // The source lines that make each line of the block: from one start to
    // the next (joined when the break between them was not kept).
    let starts: Vec<usize> = std::iter::once(0)
        .chain(
            kept.iter()
                .enumerate()
                .filter(|(_, k)| **k)
                .map(|(i, _)| i + 1),
        )
        .chain(std::iter::once(lines.len()))
        .collect();
    let least_of = |from: usize, to: usize| lines[from..to].iter().map(|l| l.indent).min();
    let least = least_of(0, lines.len()).unwrap_or(0);
    let margin = margin.take(least);
    let columns = |n: usize| u16::try_from(n).unwrap_or(u16::MAX);
    starts
        .windows(2)
        .enumerate()
        .filter_map(|(line, pair)| {
            let (from, to) = (pair[0], pair[1]);
            let first = &lines[from];
            let mut indent = least_of(from, to).unwrap_or(first.indent);
            // A paragraph's first line indented past all the lines after
            // it is a paragraph indent, as the joined ones have.
            let below = lines[to..].iter().map(|l| l.indent).max();
            if line == 0 && list_marker(first.text).is_none() {
                indent = below.map_or(indent, |deepest| indent.min(deepest));
            }
            let hang = match (list_marker(first.text), lines.get(from + 1..to)) {
                (Some(marker), _) => marker,
                (None, Some([below, ..])) => below.indent.saturating_sub(first.indent),
                // A line kept as the author broke it (a copyright holder,
                // a command): its wrapped rows hang a little, so they are
                // not read as lines of their own.
                (None, _) if lines.len() > 1 => KEPT_LINE_HANG,
                (None, _) => 0,
            };
            let indent = LineIndent {
                line: u32::try_from(line).unwrap_or(u32::MAX),
                indent: columns(indent - margin),
                hang: columns(hang),
            };
            (indent.indent > 0 || indent.hang > 0).then_some(indent)
        })
        .collect()
}

/// True when the text goes on from `above` to `below` without a space: a
/// word hyphenated at the line end before a small letter (`position-` /
/// `independent`; the hyphen is kept, it may belong to the word), or two
/// lines of a script written without spaces (Chinese, Japanese), where a
/// space would show in the middle of a sentence.
fn continues_word(above: &Line<'_>, below: &Line<'_>) -> bool {
    let mut tail = above.text.chars().rev();
    let last = tail.next();
    let hyphenated = last == Some('-')
        && tail.next().is_some_and(char::is_alphabetic)
        && below.text.starts_with(char::is_lowercase);
    let unspaced = last.is_some_and(is_wide) && below.text.chars().next().is_some_and(is_wide);
    hyphenated || unspaced
}

/// A character two columns wide: the ideographs, kana and fullwidth forms of
/// scripts written without spaces between words.
fn is_wide(c: char) -> bool {
    unicode_width::UnicodeWidthChar::width(c) == Some(2)
}

/// For each break between two of `lines`, whether it stays a line break. A
/// record breaks before every field, and after a field's name when its value
/// starts on the next line; each value (with the field's line when it starts
/// there) is read by the rules for other text, and a `Copyright:` value keeps
/// every line. Other text keeps every break when it is laid out by line, and
/// only a few (see [`prose_breaks`]) when it is prose.
fn kept_breaks(lines: &[Line<'_>], fill: usize) -> Vec<bool> {
    let breaks = lines.len().saturating_sub(1);
    if !is_record(lines) {
        if is_laid_out_by_line(lines, fill) {
            return vec![true; breaks];
        }
        return prose_breaks(lines);
    }
    record_breaks(lines, fill)
}

/// True for a `License:` field, whose line names the licence (`MIT`,
/// `GPL-2+`) and whose text starts on the next line: the name stays on a line
/// of its own, not read as the text's first words.
fn names_a_licence(text: &str) -> bool {
    text.get(..8)
        .is_some_and(|name| name.eq_ignore_ascii_case("license:"))
}

/// [`kept_breaks`] for lines that go on with the field `name` (`License:`)
/// after a `.` line: read as that field's value when a field follows them
/// or the field lists copyright holders (one per line), else as other text.
fn continued_field_breaks(name: &str, lines: &[Line<'_>], fill: usize) -> Vec<bool> {
    let starts_a_field = lines.first().is_some_and(is_field_line);
    let holders = name.to_ascii_lowercase().starts_with("copyright:");
    let named: Vec<Line<'_>> = std::iter::once(Line {
        text: name,
        from: 0,
        indent: 0,
    })
    .chain(lines.iter().copied())
    .collect();
    if starts_a_field || !(holders || is_record(&named)) {
        return kept_breaks(lines, fill);
    }
    record_breaks(&named, fill).split_off(1)
}

/// [`kept_breaks`] for a record: a break before each field, each value
/// read alone.
fn record_breaks(lines: &[Line<'_>], fill: usize) -> Vec<bool> {
    let breaks = lines.len().saturating_sub(1);
    let mut kept = vec![true; breaks];
    let mut field = 0;
    while field < lines.len() {
        let next = (field + 1..lines.len())
            .find(|&i| is_field_line(&lines[i]))
            .unwrap_or(lines.len());
        let name_line = &lines[field];
        let continued = &lines[field + 1..next];
        // A value that starts on the field's own line goes on under it:
        // read them together, the first as indented as the rest.
        let has_value = name_line
            .text
            .split_once(':')
            .is_some_and(|(_, v)| !v.trim().is_empty());
        let (first, value): (usize, Vec<Line<'_>>) = match continued.first() {
            Some(below) if has_value && !names_a_licence(name_line.text) => (
                field,
                std::iter::once(Line {
                    indent: below.indent,
                    ..*name_line
                })
                .chain(continued.iter().copied())
                .collect(),
            ),
            _ => (field + 1, continued.to_vec()),
        };
        // A Copyright field lists one holder per line.
        let holders = name_line
            .text
            .to_ascii_lowercase()
            .starts_with("copyright:");
        let all = holders || is_laid_out_by_line(&value, fill);
        for (i, keep) in prose_breaks(&value).into_iter().enumerate() {
            kept[first + i] = all || keep;
        }
        field = next;
    }
    kept
}

/// The widths a file's prose is wrapped at by hand (`fmt`'s 75, an editor's
/// 72 or 80, a terminal's 100): in files with wider lines (a paragraph per
/// line) a short line says nothing.
const HAND_WRAPPED: std::ops::RangeInclusive<usize> = 40..=100;

/// How much of a line's width a line may fill and still count as ended on
/// purpose when the next line's first word would have fitted after it:
/// writers and `fmt` wrap short of the margin, so a line is only taken as
/// broken on purpose when it stops well before it.
const DELIBERATE_FILL: f64 = 0.8;

/// True when the author broke these lines on purpose rather than wrapping
/// prose at a margin: a record of fields (see [`is_record`]); a table or
/// code (half the lines or more aligned on gaps, or ending like code); or
/// text where at least a third of the breaks come where the next line's
/// first word would have fitted well inside the widest line, or between two
/// lines of one word each (a list of paths or names); or, in a file wrapped
/// by hand at a usual width (`fill`), lines all shorter than half of it
/// (commands, settings), which no one wrapping prose breaks so early.
fn is_laid_out_by_line(lines: &[Line<'_>], fill: usize) -> bool {
    if lines.len() < 2 {
        return false;
    }
    if is_record(lines) {
        return true;
    }
    if HAND_WRAPPED.contains(&fill) && lines.iter().all(|l| l.width() * 2 <= fill) {
        return true;
    }
    let tabular = aligned_lines(lines) + lines.iter().filter(|l| is_code(l.text)).count();
    if tabular >= 2 && tabular * 2 >= lines.len() {
        return true;
    }
    // A long URL or path alone on its line says nothing about the margin
    // the prose around it was wrapped at.
    let widest = lines
        .iter()
        .filter(|line| !line.is_one_word())
        .map(Line::width)
        .max()
        .or_else(|| lines.iter().map(Line::width).max())
        .unwrap_or(0);
    let room = widest as f64 * DELIBERATE_FILL;
    // A break before a list item or a notice is kept in prose too, so it
    // says nothing about the lines around it.
    let breaks: Vec<&[Line<'_>]> = lines
        .windows(2)
        .filter(|pair| list_marker(pair[1].text).is_none() && !is_copyright_notice(pair[1].text))
        .collect();
    let deliberate = breaks
        .iter()
        .filter(|pair| {
            let fits = (pair[0].width() + 1 + pair[1].first_word_width()) as f64 <= room;
            fits || (pair[0].is_one_word() && pair[1].is_one_word())
        })
        .count();
    !breaks.is_empty() && deliberate * 3 >= breaks.len()
}

/// How many of `lines` are rows of a table: a gap of two or more blanks
/// (not after the end of a sentence, where some writers put two) that ends
/// at the same column as a gap in another line.
fn aligned_lines(lines: &[Line<'_>]) -> usize {
    let gaps: Vec<Vec<usize>> = lines.iter().map(gap_columns).collect();
    let mut lines_at: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
    for columns in &gaps {
        for &column in columns {
            *lines_at.entry(column).or_default() += 1;
        }
    }
    gaps.iter()
        .filter(|columns| {
            columns
                .iter()
                .any(|c| lines_at.get(c).is_some_and(|&n| n > 1))
        })
        .count()
}

/// How many gaps of blanks a table's row would have inside `line` (see
/// [`gap_columns`]): for telling, from the outside, a file that lines its
/// words up in columns.
pub(super) fn column_gaps(line: &str) -> usize {
    let text = line.trim_start_matches([' ', '\t']);
    let line = Line {
        text: text.trim_end(),
        from: 0,
        indent: line.len() - text.len(),
    };
    gap_columns(&line).len()
}

/// The columns where text resumes after a gap of blanks inside `line`
/// (measured as it goes, so a long line with many gaps stays linear).
fn gap_columns(line: &Line<'_>) -> Vec<usize> {
    let text = line.text;
    let mut out = Vec::new();
    let (mut from, mut measured, mut column) = (0, 0, line.indent);
    while let Some(found) = text[from..].find(['\t', ' ']) {
        let at = from + found;
        let resume = text[at..]
            .find(|c: char| c != ' ' && c != '\t')
            .map_or(text.len(), |i| at + i);
        let blanks = &text[at..resume];
        let gap = blanks.len() >= 2 || blanks.contains('\t');
        let after_sentence = text[..at]
            .chars()
            .next_back()
            .is_some_and(|c| matches!(c, '.' | '?' | '!' | ':'));
        if gap && !after_sentence && resume < text.len() {
            column += text[measured..at].width();
            // Tabs reach the next multiple of eight, as `indent_width` counts.
            column = indent_width_from(column, blanks);
            measured = resume;
            out.push(column);
        }
        from = resume.max(at + 1);
    }
    out
}

/// A line of code: it ends with `{`, `}` or `;`, or starts with `}`.
fn is_code(text: &str) -> bool {
    text.ends_with(['{', '}', ';']) || text.starts_with('}')
}

/// A copyright notice: `Copyright (C) 2009 …`, `Copyright 1990 …`,
/// `© 2009 …`, `(c) 2009 …`. Each starts a line of its own in a list of
/// holders.
fn is_copyright_notice(text: &str) -> bool {
    let rest = text.strip_prefix("Copyright").map_or(text, str::trim_start);
    let rest = ["(C)", "(c)", "©"]
        .iter()
        .find_map(|mark| rest.strip_prefix(mark))
        .map_or(rest, str::trim_start);
    rest.len() < text.len() && rest.starts_with(|c: char| c.is_ascii_digit())
}

/// `Field: value` lines, as in a Debian copyright file, a control file or
/// mail headers: the first line and at least one more are fields.
fn is_record(lines: &[Line<'_>]) -> bool {
    lines.first().is_some_and(is_field_line) && lines.iter().skip(1).any(is_field_line)
}

/// A field's first line: not indented, starting with its name.
fn is_field_line(line: &Line<'_>) -> bool {
    line.indent == 0 && is_field(line.text)
}

/// `Name:` followed by a blank or the end of the line, the name a single
/// word of letters, digits and `-` starting with a letter.
fn is_field(text: &str) -> bool {
    let Some((name, rest)) = text.split_once(':') else {
        return false;
    };
    let named = name.len() <= MAX_FIELD_NAME
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    named && (rest.is_empty() || rest.starts_with(char::is_whitespace))
}

/// The longest field name [`is_field`] accepts.
const MAX_FIELD_NAME: usize = 32;

/// In wrapped prose, which breaks are kept anyway: before a list item or a
/// copyright notice, and
/// where the indent changes (a hanging indent, as under a `Comment:` field,
/// or the lines of a centred title), unless it is a paragraph whose first
/// line alone is indented or a line that continues a list item under its
/// text (`* Fix the lamp.` / `  It flickered.`), which joins the item.
fn prose_breaks(lines: &[Line<'_>]) -> Vec<bool> {
    let mut hang = None;
    // Inside a copyright notice and the lines it wraps onto (its holder's
    // address).
    let mut in_notice = false;
    (0..lines.len().saturating_sub(1))
        .map(|i| {
            let (above, below) = (&lines[i], &lines[i + 1]);
            if let Some(marker) = list_marker(above.text) {
                hang = Some(above.indent + marker);
            }
            in_notice |= is_copyright_notice(above.text);
            let item = list_marker(below.text).is_some()
                && (hang.is_some() || !is_wrapped_number(above, below));
            // After a notice (and its address), a capital starts a sentence
            // of its own (`All rights reserved.`, `Everyone is permitted…`),
            // where a small letter, a number or a line after a comma goes
            // on with it.
            let after_notice = in_notice
                && below.text.starts_with(|c: char| c.is_uppercase())
                && !above.text.ends_with(',');
            if item || is_copyright_notice(below.text) || after_notice {
                in_notice = false;
                return true;
            }
            if hang == Some(below.indent) {
                return false;
            }
            hang = None;
            let first_line_indent = i == 0
                && above.indent > below.indent
                && lines[1..].iter().all(|line| line.indent == below.indent);
            above.indent != below.indent && !first_line_indent
        })
        .collect()
}

/// True when `below` starts with a number and a full stop that the line
/// above, ending in the middle of a sentence, wrapped onto it (`...under
/// section` / `7.  This requirement...`): a list item, not the start of one
/// past its first, would follow a line that ends a sentence or an item.
fn is_wrapped_number(above: &Line<'_>, below: &Line<'_>) -> bool {
    let number: String = below
        .text
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let ends_mid_sentence = above.text.chars().last().is_some_and(char::is_alphanumeric);
    !number.is_empty()
        && number != "1"
        && below.text[number.len()..].starts_with(". ")
        && ends_mid_sentence
}

/// The columns a list item's marker takes with the blanks after it, for
/// `- item`, `* item`, `+ item`, `• item`, `1. item`, `2) item`, `(a) item`,
/// `c. item` (bash's NEWS);
/// `None` when `text` does not start with one.
fn list_marker(text: &str) -> Option<usize> {
    let bulleted = ["- ", "* ", "+ ", "• "].iter().any(|m| text.starts_with(m));
    let marked = bulleted || {
        let body = text.strip_prefix('(').unwrap_or(text);
        let mark = body
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect::<String>();
        let numbered = (1..=2).contains(&mark.len()) && mark.chars().all(|c| c.is_ascii_digit());
        let lettered = mark.len() == 1 && mark.chars().all(|c| c.is_ascii_lowercase());
        let closed = body[mark.len()..].starts_with(") ") || body[mark.len()..].starts_with(". ");
        (numbered || lettered) && closed
    };
    marked.then(|| {
        let word = text.find(char::is_whitespace).unwrap_or(text.len());
        let rest = &text[word..];
        text[..word].width() + (rest.len() - rest.trim_start().len())
    })
}

/// Columns of leading blanks; a tab reaches the next multiple of eight.
fn indent_width(raw: &str) -> usize {
    indent_width_from(0, raw)
}

/// The column after the leading blanks of `raw`, starting at `col`.
fn indent_width_from(mut col: usize, raw: &str) -> usize {
    for c in raw.chars() {
        match c {
            ' ' => col += 1,
            '\t' => col = (col / 8 + 1) * 8,
            _ => break,
        }
    }
    col
}
