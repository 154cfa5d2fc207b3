//! Splitting source text into independently parsable segments.
//!
//! Lazy parsing needs places where the source can be cut without changing how
//! either side parses. A blank line is such a place, except inside a fenced code
//! block, before an indented line (a list item's continuation or indented code)
//! and between two list items (a loose list must stay one list). Segments are
//! found one at a time, so finding the next costs only the segment's length.

use std::ops::Range;

/// Which splitting rules apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Rules {
    /// CommonMark-aware: fences, indentation and list items hold segments together.
    Markdown,
    /// Every blank line separates paragraphs.
    Plain,
}

/// One source line: its range without the newline, and where the next starts.
struct Line {
    range: Range<usize>,
    next: usize,
}

/// The line starting at `from`, or `None` at the end of the source.
fn line_at(src: &str, from: usize) -> Option<Line> {
    if from >= src.len() {
        return None;
    }
    let rest = src.get(from..)?;
    Some(match rest.find('\n') {
        Some(i) => Line {
            range: from..from + i,
            next: from + i + 1,
        },
        None => Line {
            range: from..src.len(),
            next: src.len(),
        },
    })
}

/// True for lines that hold only whitespace.
pub(super) fn is_blank(line: &str) -> bool {
    line.chars().all(char::is_whitespace)
}

/// How far the line is indented, in columns (a tab reaches the next multiple of
/// four), so continuation lines and indented code can be told apart.
fn indent_columns(line: &str) -> usize {
    let mut col = 0;
    for b in line.bytes() {
        match b {
            b' ' => col += 1,
            b'\t' => col = (col / 4 + 1) * 4,
            _ => break,
        }
    }
    col
}

/// A loose list is held in one segment only up to this size; beyond it a new
/// item may start a new segment (the next list starts at the right number, so a
/// reader sees no difference) and laziness survives very long lists.
const LIST_HOLD: usize = 64 * 1024;

/// Strips up to three leading spaces, the indentation CommonMark allows before a
/// block marker; `None` when the line is indented further (or by a tab).
fn block_indent(line: &str) -> Option<&str> {
    let spaces = line.bytes().take_while(|&b| b == b' ').count();
    if spaces > 3 || line.as_bytes().get(spaces) == Some(&b'\t') {
        None
    } else {
        line.get(spaces..)
    }
}

/// True when the line starts with a bullet (`-`, `*`, `+`) or ordered (`1.`,
/// `1)`) list marker.
pub(super) fn is_list_marker(line: &str) -> bool {
    let Some(rest) = block_indent(line) else {
        return false;
    };
    let after = if let Some(r) = rest.strip_prefix(['-', '*', '+']) {
        r
    } else {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 || digits > 9 {
            return false;
        }
        match rest.get(digits..).and_then(|r| r.strip_prefix(['.', ')'])) {
            Some(r) => r,
            None => return false,
        }
    };
    after.is_empty() || after.starts_with([' ', '\t'])
}

/// A code fence: its character and length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Fence {
    ch: u8,
    len: usize,
}

/// The fence a line opens or closes, if it is a fence line at all.
fn fence_of(line: &str) -> Option<(Fence, &str)> {
    let rest = block_indent(line)?;
    let ch = *rest.as_bytes().first()?;
    if ch != b'`' && ch != b'~' {
        return None;
    }
    let len = rest.bytes().take_while(|&b| b == ch).count();
    if len < 3 {
        return None;
    }
    Some((Fence { ch, len }, rest.get(len..).unwrap_or("")))
}

/// Raw HTML blocks that, unlike other HTML, may contain blank lines: the
/// opening text and the text that ends the block.
const HTML_SPANS: [(&str, &str); 8] = [
    ("<script", "</script>"),
    ("<pre", "</pre>"),
    ("<style", "</style>"),
    ("<textarea", "</textarea>"),
    ("<!--", "-->"),
    ("<?", "?>"),
    ("<![cdata[", "]]>"),
    ("<!", ">"),
];

/// The end marker of a multi-line HTML block this line opens and does not close.
fn html_block_start(line: &str) -> Option<&'static str> {
    let rest = block_indent(line)?;
    if !rest.starts_with('<') {
        return None;
    }
    let lower = rest.to_ascii_lowercase();
    for (open, end) in HTML_SPANS {
        let Some(after) = lower.strip_prefix(open) else {
            continue;
        };
        let is_tag = open.as_bytes().get(1).is_some_and(u8::is_ascii_alphabetic);
        if is_tag && !(after.is_empty() || after.starts_with([' ', '\t', '>'])) {
            continue;
        }
        if open == "<!" && !after.starts_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        return (!after.contains(end)).then_some(end);
    }
    None
}

/// What a blank line cannot end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Open {
    Fence(Fence),
    Html(&'static str),
}

/// Tracks whether the scan is inside a fenced code block or a multi-line HTML
/// block, where blank lines do not end the block.
#[derive(Default)]
struct FenceState {
    open: Option<Open>,
}

impl FenceState {
    fn feed(&mut self, line: &str) {
        match self.open {
            None => {
                if let Some((fence, info)) = fence_of(line) {
                    if fence.ch != b'`' || !info.contains('`') {
                        self.open = Some(Open::Fence(fence));
                    }
                } else if let Some(end) = html_block_start(line) {
                    self.open = Some(Open::Html(end));
                }
            }
            Some(Open::Fence(open)) => {
                if let Some((fence, info)) = fence_of(line)
                    && fence.ch == open.ch
                    && fence.len >= open.len
                    && is_blank(info)
                {
                    self.open = None;
                }
            }
            Some(Open::Html(end)) => {
                if line.to_ascii_lowercase().contains(end) {
                    self.open = None;
                }
            }
        }
    }
}

/// The next segment at or after `from`: a byte range from the start of its first
/// non-blank line to the end of its last non-blank line (newline excluded).
/// `None` when only blank lines remain.
pub(super) fn next_segment(src: &str, from: usize, rules: Rules) -> Option<Range<usize>> {
    let mut pos = from;
    let first = loop {
        let line = line_at(src, pos)?;
        if !is_blank(src.get(line.range.clone())?) {
            break line;
        }
        pos = line.next;
    };
    let start = first.range.start;
    let first_text = src.get(first.range.clone()).unwrap_or("");
    let starts_list = rules == Rules::Markdown && is_list_marker(first_text);
    let mut has_list = starts_list;
    let mut fences = FenceState::default();
    if rules == Rules::Markdown {
        fences.feed(first_text);
    }
    let mut end = first.range.end;
    let mut pos = first.next;
    loop {
        let Some(line) = line_at(src, pos) else {
            return Some(start..end);
        };
        let text = src.get(line.range.clone()).unwrap_or("");
        if !is_blank(text) {
            if rules == Rules::Markdown {
                has_list |= fences.open.is_none() && is_list_marker(text);
                fences.feed(text);
            }
            end = line.range.end;
            pos = line.next;
            continue;
        }
        if fences.open.is_some() {
            pos = line.next;
            continue;
        }
        // A run of blank lines outside a fence: look at what follows it.
        let mut after = line.next;
        let next = loop {
            match line_at(src, after) {
                None => break None,
                Some(l) if is_blank(src.get(l.range.clone()).unwrap_or("")) => after = l.next,
                Some(l) => break Some(l),
            }
        };
        let Some(next) = next else {
            return Some(start..end);
        };
        let next_text = src.get(next.range.clone()).unwrap_or("");
        // Indented code (4+ columns) and list item continuations need the lines
        // before them; a line indented less with no list open is a paragraph
        // either way.
        let indent = indent_columns(next_text);
        let holds_together = rules == Rules::Markdown
            && (indent >= 4
                || (indent > 0 && has_list)
                || (starts_list && is_list_marker(next_text) && end - start < LIST_HOLD));
        if !holds_together {
            return Some(start..end);
        }
        pos = next.range.start;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segments(src: &str, rules: Rules) -> Vec<&str> {
        let mut out = Vec::new();
        let mut pos = 0;
        while let Some(r) = next_segment(src, pos, rules) {
            pos = r.end;
            out.push(&src[r]);
        }
        out
    }

    #[test]
    fn blank_lines_split_paragraphs() {
        let src = "\n\nOne\nline two\n\n  \n\nTwo\n\n";
        assert_eq!(segments(src, Rules::Markdown), ["One\nline two", "Two"]);
        assert_eq!(segments("", Rules::Markdown), Vec::<&str>::new());
        assert_eq!(segments("\n \n", Rules::Markdown), Vec::<&str>::new());
    }

    #[test]
    fn fences_of_any_length_hold_blank_lines() {
        let src = "```rust\na\n\nb\n```\n\nafter\n\n~~~~\nx\n\n```\ny\n~~~~\n\nend";
        assert_eq!(
            segments(src, Rules::Markdown),
            [
                "```rust\na\n\nb\n```",
                "after",
                "~~~~\nx\n\n```\ny\n~~~~",
                "end"
            ]
        );
        // A shorter closing fence does not close; an unclosed fence runs to the end.
        let src = "````\na\n```\n\nb\n````\n\nc";
        assert_eq!(
            segments(src, Rules::Markdown),
            ["````\na\n```\n\nb\n````", "c"]
        );
        let src = "```\na\n\nb";
        assert_eq!(segments(src, Rules::Markdown), ["```\na\n\nb"]);
    }

    #[test]
    fn indented_lines_continue_the_segment() {
        let src = "- item\n\n  more of item\n\n    code\n\npara";
        assert_eq!(
            segments(src, Rules::Markdown),
            ["- item\n\n  more of item\n\n    code", "para"]
        );
    }

    #[test]
    fn slightly_indented_paragraphs_split_when_no_list_is_open() {
        let src = "para\n\n  indented para\n\n    code\n\n    more code\n\n\tend";
        assert_eq!(
            segments(src, Rules::Markdown),
            [
                "para",
                "  indented para\n\n    code\n\n    more code\n\n\tend"
            ]
        );
        // A list item inside the segment holds its continuation.
        let src = "para\n- item\n\n  continued\n\nnext";
        assert_eq!(
            segments(src, Rules::Markdown),
            ["para\n- item\n\n  continued", "next"]
        );
        // A list marker inside a fence opens no list.
        let src = "```\n- x\n```\n\n  para";
        assert_eq!(segments(src, Rules::Markdown), ["```\n- x\n```", "  para"]);
    }

    #[test]
    fn very_long_lists_split_between_items() {
        let src = "- item\n\n".repeat(30_000);
        let segs = segments(&src, Rules::Markdown);
        assert!(segs.len() > 1);
        assert!(segs.iter().all(|s| s.len() <= LIST_HOLD + 10));
        assert_eq!(segs.concat().len(), src.len() - 2 * segs.len());
    }

    #[test]
    fn loose_list_items_stay_together() {
        let src = "- a\n\n- b\n\n* c\n\npara\n\n1. x\n\n2) y\n\n- z";
        assert_eq!(
            segments(src, Rules::Markdown),
            ["- a\n\n- b\n\n* c", "para", "1. x\n\n2) y\n\n- z"]
        );
        // A paragraph followed by a list item is not a list segment.
        assert_eq!(segments("p\n\n- a", Rules::Markdown), ["p", "- a"]);
    }

    #[test]
    fn multi_line_html_blocks_hold_blank_lines() {
        let src = "<!-- a\n\nb -->\n\nc\n\n<PRE>\nx\n\ny\n</pre>\n\n<!-- one line -->\n\nd";
        assert_eq!(
            segments(src, Rules::Markdown),
            [
                "<!-- a\n\nb -->",
                "c",
                "<PRE>\nx\n\ny\n</pre>",
                "<!-- one line -->",
                "d"
            ]
        );
        assert_eq!(segments("<div>\n\nx", Rules::Markdown), ["<div>", "x"]);
        assert_eq!(
            segments("<prefix>\n\nx", Rules::Markdown),
            ["<prefix>", "x"]
        );
    }

    #[test]
    fn plain_rules_split_at_every_blank_line() {
        let src = "```\na\n\n  b\n\n- c\n\n- d";
        assert_eq!(segments(src, Rules::Plain), ["```\na", "  b", "- c", "- d"]);
    }

    #[test]
    fn list_marker_shapes() {
        assert!(is_list_marker("- a"));
        assert!(is_list_marker("   * a"));
        assert!(is_list_marker("+"));
        assert!(is_list_marker("12. a"));
        assert!(is_list_marker("3) a"));
        assert!(!is_list_marker("-a"));
        assert!(!is_list_marker("    - a"));
        assert!(!is_list_marker("1.5 cups"));
        assert!(!is_list_marker("1234567890. a"));
    }

    #[test]
    fn long_single_line_is_one_segment() {
        let src = "x".repeat(2_000_000);
        assert_eq!(segments(&src, Rules::Markdown).len(), 1);
    }
}
