//! Plain text: a segment is one paragraph, and no character has a special
//! meaning. Prose wrapped by hand has its lines joined by spaces, so it
//! rewraps to the pane; lines the author broke on purpose (a list of names, a
//! `Field: value` record, a centred title, list items) keep their breaks, as
//! `less` would show them.

use super::piece::Piece;
use super::sanitize::sanitize;
use super::{BlockKind, Container};
use unicode_width::UnicodeWidthStr;

/// Turns one blank-line separated paragraph into blocks; `base` is where the
/// segment starts in the source, for the source map. A line holding only `.`
/// under an indent (a Debian copyright file's empty line inside a field)
/// splits the paragraph.
pub(super) fn parse(segment: &str, base: usize) -> Vec<Piece> {
    let mut lines: Vec<Line<'_>> = Vec::new();
    let mut pieces = Vec::new();
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
            pieces.extend(block(&lines, base));
            lines.clear();
            continue;
        }
        // `text` is a subslice of `raw`, so its offset is a pointer difference.
        let from = at + (text.as_ptr() as usize - raw.as_ptr() as usize);
        lines.push(Line { text, from, indent });
    }
    pieces.extend(block(&lines, base));
    pieces
}

/// One non-blank line of a segment: its text without the surrounding blanks,
/// where that text starts in the segment, and how far it is indented.
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
    fn is_one_word(&self) -> bool {
        !self.text.contains(char::is_whitespace)
    }

    /// Columns of the first word, which a wrapping author would have put on
    /// the line before had it fitted.
    fn first_word_width(&self) -> usize {
        self.text.split_whitespace().next().map_or(0, str::width)
    }
}

/// The block of `lines`, each break between them kept as a line break or
/// joined by a space (see [`kept_breaks`]).
fn block(lines: &[Line<'_>], base: usize) -> Option<Piece> {
    if lines.is_empty() {
        return None;
    }
    let mut piece = Piece::new(BlockKind::Paragraph, Container::default());
    let kept = kept_breaks(lines);
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            piece.text.push(if kept[i - 1] { '\n' } else { ' ' });
            piece.wrapped = true;
        }
        let from = base + line.from;
        piece.mark_source(from..from + line.text.len());
        piece.text.push_str(&sanitize(line.text));
    }
    // Page-break repair may join prose, never lines laid out by hand.
    piece.joinable = !piece.text.contains('\n');
    Some(piece)
}

/// For each break between two of `lines`, whether it stays a line break. A
/// record breaks before every field and after the field's name line, and its
/// values are read as lines of their own; other text keeps every break when
/// it is laid out by line, and only a few (see [`keeps_break`]) when it is
/// prose.
fn kept_breaks(lines: &[Line<'_>]) -> Vec<bool> {
    let breaks = lines.len().saturating_sub(1);
    if !is_record(lines) {
        let all = is_laid_out_by_line(lines);
        return (0..breaks).map(|i| all || keeps_break(lines, i)).collect();
    }
    let mut kept = vec![true; breaks];
    let mut field = 0;
    while field < lines.len() {
        let next = (field + 1..lines.len())
            .find(|&i| is_field_line(&lines[i]))
            .unwrap_or(lines.len());
        // The value's lines after the field's own: field + 1 .. next.
        let value = &lines[field + 1..next];
        let all = is_laid_out_by_line(value);
        for i in 0..value.len().saturating_sub(1) {
            kept[field + 1 + i] = all || keeps_break(value, i);
        }
        field = next;
    }
    kept
}

/// How much of a line's width a line may fill and still count as ended on
/// purpose when the next line's first word would have fitted after it:
/// writers and `fmt` wrap short of the margin, so a line is only taken as
/// broken on purpose when it stops well before it.
const DELIBERATE_FILL: f64 = 0.8;

/// True when the author broke these lines on purpose rather than wrapping
/// prose at a margin: at least a third of the breaks come where the next
/// line's first word would have fitted well inside the widest line, or
/// between two lines of one word each (a list of paths or names).
fn is_laid_out_by_line(lines: &[Line<'_>]) -> bool {
    if lines.len() < 2 {
        return false;
    }
    if is_record(lines) {
        return true;
    }
    let widest = lines.iter().map(Line::width).max().unwrap_or(0);
    let room = widest as f64 * DELIBERATE_FILL;
    let deliberate = lines
        .windows(2)
        .filter(|pair| {
            let fits = (pair[0].width() + 1 + pair[1].first_word_width()) as f64 <= room;
            fits || (pair[0].is_one_word() && pair[1].is_one_word())
        })
        .count();
    deliberate * 3 >= lines.len() - 1
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

/// In wrapped prose, whether the break after `lines[i]` is kept anyway:
/// before a list item, and where the indent changes (a hanging indent, as
/// under a `Comment:` field, or the lines of a centred title), unless it is
/// a paragraph whose first line alone is indented.
fn keeps_break(lines: &[Line<'_>], i: usize) -> bool {
    let (above, below) = (&lines[i], &lines[i + 1]);
    if is_list_item(below.text) {
        return true;
    }
    let first_line_indent = i == 0
        && above.indent > below.indent
        && lines[1..].iter().all(|line| line.indent == below.indent);
    above.indent != below.indent && !first_line_indent
}

/// `- item`, `* item`, `• item`, `1. item`, `2) item`, `(a) item`.
fn is_list_item(text: &str) -> bool {
    if ["- ", "* ", "+ ", "• "].iter().any(|m| text.starts_with(m)) {
        return true;
    }
    let body = text.strip_prefix('(').unwrap_or(text);
    let mark = body
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect::<String>();
    let numbered = (1..=2).contains(&mark.len()) && mark.chars().all(|c| c.is_ascii_digit());
    let lettered = mark.len() == 1 && mark.chars().all(|c| c.is_ascii_lowercase());
    let closed =
        body[mark.len()..].starts_with(") ") || (numbered && body[mark.len()..].starts_with(". "));
    (numbered || lettered) && closed
}

/// Columns of leading blanks; a tab reaches the next multiple of eight.
fn indent_width(raw: &str) -> usize {
    let mut col = 0;
    for c in raw.chars() {
        match c {
            ' ' => col += 1,
            '\t' => col = (col / 8 + 1) * 8,
            _ => break,
        }
    }
    col
}
