//! Breaking one block into screen lines: greedy first-fit over Unicode line
//! break opportunities, measured in grapheme clusters. Works on a block's text,
//! kind and container alone, so it is testable without a parsed document.

use std::collections::VecDeque;
use std::ops::Range;

use unicode_linebreak::linebreaks;

use super::cells::{MAX_TAB_WIDTH, cluster_indices, cluster_width, is_blank, tab_advance};
use super::prefix::prefixes;
use super::{BlockLines, LineKind, ViewLine};
use crate::document::{BlockKind, Container, LineIndent, Span};

/// Drawn instead of the code indent before a code line that continues the
/// source line above it (the line was too long for the column).
pub const CONTINUATION: &str = "↪ ";

/// What a block's lines depend on besides the block itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WrapOptions {
    /// Width of the whole text column in cells, prefixes included (at least 1).
    pub width: u16,
    /// Tab stops every this many cells (1 to 8).
    pub tab_width: u8,
}

/// Lays out the block `index` whose text is `text[range]`. `list_indents` gives
/// the indentation of each enclosing list level (see [`prefixes`]); `spans`
/// are the block's styled runs (an inline code span is kept on one line when
/// it fits).
#[allow(clippy::too_many_arguments)]
pub fn wrap_block(
    text: &str,
    range: Range<usize>,
    kind: &BlockKind,
    container: &Container,
    spans: &[Span],
    list_indents: &[u16],
    index: usize,
    options: WrapOptions,
) -> BlockLines {
    let width = options.width.max(1);
    let tab_width = options.tab_width.clamp(1, MAX_TAB_WIDTH);
    let end = range.end.min(text.len());
    let start = range.start.min(end);
    let (start, end) = if text.get(start..end).is_some() {
        (start, end)
    } else {
        (start, start)
    };
    if let BlockKind::Table(table) = kind {
        let pre = prefixes(container, false, list_indents, width);
        let keep = unbreakable_runs(text, start..end, spans);
        return super::table::lay_out(text, start..end, table, &pre, &keep, index, options);
    }
    let code = matches!(kind, BlockKind::Code { .. });
    let pre = prefixes(container, code, list_indents, width);
    let text_width = width.saturating_sub(pre.width).max(1);
    let line = |kind, prefix: &str, prefix_width, range| ViewLine {
        block: index,
        kind,
        prefix: prefix.to_string(),
        prefix_width,
        range,
        text_width,
        tab_width,
        shift: 0,
        segments: Vec::new(),
        frame: String::new(),
        header: false,
    };
    let mut lines = Vec::new();
    if *kind == BlockKind::Rule {
        lines.push(line(LineKind::Rule, &pre.first, pre.width, start..end));
    } else {
        let keep = if code {
            Vec::new()
        } else {
            unbreakable_runs(text, start..end, spans)
        };
        let indents = if code {
            &[][..]
        } else {
            &container.indents[..]
        };
        let ranges = break_lines(
            text,
            start..end,
            Breaks {
                code,
                keep: &keep,
                indents,
            },
            usize::from(text_width),
            usize::from(tab_width),
        );
        let continued = code
            .then(|| pre.rest.strip_suffix(super::prefix::CODE_INDENT))
            .flatten()
            .map(|outer| format!("{outer}{CONTINUATION}"));
        let mut prev_end = None;
        let mut hang = 0;
        // The line of the block (counted in `\n`) the row belongs to.
        let mut source_line = 0u32;
        let mut indents = indents.iter().peekable();
        for (i, r) in ranges.into_iter().enumerate() {
            let continues = prev_end.is_some_and(|e: usize| !text[..e].ends_with('\n'));
            if prev_end.is_some() && !continues {
                source_line += 1;
            }
            prev_end = Some(r.end);
            if let Some(mark) = continued.as_ref().filter(|_| continues) {
                // A row of a code line too long for the column, indented
                // as the line is (see `hang_indent`).
                let prefix = format!("{mark}{}", " ".repeat(hang));
                let hung = u16::try_from(hang).unwrap_or(0);
                let mut row = line(LineKind::Text, &prefix, pre.width + hung, r);
                row.text_width = text_width - hung;
                lines.push(row);
                continue;
            }
            if code {
                let source_line = text[r.start..end].split('\n').next().unwrap_or("");
                hang = hang_indent(source_line, usize::from(text_width), usize::from(tab_width));
            }
            let prefix = if i == 0 { &pre.first } else { &pre.rest };
            while indents.next_if(|l| l.line < source_line).is_some() {}
            let shift = indents
                .peek()
                .filter(|l| l.line == source_line)
                .map_or(0, |l| {
                    let (indent, hang) = fitted_indent(l, usize::from(text_width));
                    indent + if continues { hang } else { 0 }
                });
            if shift == 0 {
                lines.push(line(LineKind::Text, prefix, pre.width, r));
                continue;
            }
            // An indented line of plain text: blanks after the container's
            // prefix, never in the text (see `LineIndent`).
            let shifted = u16::try_from(shift).unwrap_or(0);
            let prefix = format!("{prefix}{}", " ".repeat(shift));
            let mut row = line(LineKind::Text, &prefix, pre.width + shifted, r);
            row.text_width = text_width - shifted;
            lines.push(row);
        }
        if let BlockKind::Heading(level @ 1..=2) = kind {
            let drawn = lines
                .iter()
                .map(|l| {
                    super::line_cells(text, l)
                        .map(|c| usize::from(c.width))
                        .sum::<usize>()
                })
                .max()
                .unwrap_or(0);
            let mark = if *level == 1 { "═" } else { "─" };
            let mut under = line(LineKind::Frame, &pre.rest, pre.width, end..end);
            under.frame = mark.repeat(drawn.max(1));
            lines.push(under);
        }
    }
    let mut blank = line(LineKind::Blank, "", 0, end..end);
    blank.text_width = width;
    lines.push(blank);
    BlockLines { lines }
}

/// Where lines may break besides at spaces.
#[derive(Debug, Clone, Copy)]
pub(super) struct Breaks<'k> {
    /// Code: lines break only after whitespace, or anywhere when a word is
    /// wider than the column.
    pub code: bool,
    /// Runs (document offsets, sorted) that do not break at all while they
    /// fit on a row: bare URLs, paths and inline code spans (spaces in a
    /// span included). A longer one breaks after a space inside it, else
    /// where Unicode allows.
    pub keep: &'k [Range<usize>],
    /// Lines (counted in `\n`) that start right of the edge or hang their
    /// wrapped rows, sorted by line: they have that much less room.
    pub indents: &'k [LineIndent],
}

/// The columns a [`LineIndent`] takes in a `width`-cell text column: the
/// indent at most half of it, the hang at most half of what is left, so a
/// deeply nested line still shows its words. `wrap_block` draws what
/// `break_lines` made room for, both from here.
pub(super) fn fitted_indent(line: &LineIndent, width: usize) -> (usize, usize) {
    let indent = usize::from(line.indent).min(width / 2);
    let hang = usize::from(line.hang).min((width - indent) / 2);
    (indent, hang)
}

/// The runs of `text[range]` that should not break while they fit on a
/// row: inline code spans (`--with-libyaml`, `f(a[, b])`) and bare URLs
/// (`https://a.org/x-y`), which a reader copies or reads as one thing.
pub(super) fn unbreakable_runs(
    text: &str,
    range: Range<usize>,
    spans: &[Span],
) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = spans
        .iter()
        .filter(|s| s.style.code && s.range.start >= range.start && s.range.end <= range.end)
        .map(|s| s.range.clone())
        .collect();
    let body = text.get(range.clone()).unwrap_or("");
    out.extend(
        crate::document::urls::addresses(body).map(|r| range.start + r.start..range.start + r.end),
    );
    out.extend(
        path_runs(body)
            .into_iter()
            .map(|r| range.start + r.start..range.start + r.end),
    );
    out.sort_by_key(|r| r.start);
    out
}

/// The file paths in `body` (`/usr/share/common-licenses/GPL-3`,
/// `~/notes/todo.md`, `doc/examples`), mail addresses and command-line
/// options (`--target=TARGET`), without the quotes or brackets around them:
/// a reader copies them whole, so they break at `/`, `-` or `.` only when
/// wider than the column.
fn path_runs(body: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut at = 0;
    for token in body.split_inclusive(char::is_whitespace) {
        let start = at;
        at += token.len();
        let word = token.trim_end();
        let lead = word.len()
            - word
                .trim_start_matches(['`', '\'', '"', '(', '<', '['])
                .len();
        let path =
            word[lead..].trim_end_matches(['`', '\'', '"', ')', '>', ']', ',', '.', ';', ':']);
        if is_path(path) || is_address(path) || is_option(path) {
            out.push(start + lead..start + lead + path.len());
        }
    }
    out
}

/// A file path: rooted (`/usr/share`, `~/notes/a.md`), or two or more
/// names joined by `/` with a letter or digit on each side of every `/`
/// (`doc/examples`, `gdb-12/gdb/doc`), though not a short `and/or`.
fn is_path(word: &str) -> bool {
    if word.starts_with('/') || word.starts_with("~/") {
        return word[1..].contains('/');
    }
    let parts: Vec<&str> = word.split('/').collect();
    parts.len() >= 2
        && word.len() > 7
        && parts.iter().all(|p| {
            p.starts_with(|c: char| c.is_alphanumeric())
                && p.ends_with(|c: char| c.is_alphanumeric())
        })
}

/// A mail address: `name@host.domain`.
fn is_address(word: &str) -> bool {
    word.split_once('@').is_some_and(|(name, host)| {
        !name.is_empty() && host.contains('.') && !host.starts_with('.') && !host.ends_with('.')
    })
}

/// A command-line option: `--long-name`, `--name=VALUE`, `-name`, `-f`.
fn is_option(word: &str) -> bool {
    let name = word.strip_prefix("--").or_else(|| word.strip_prefix('-'));
    name.is_some_and(|n| n.starts_with(|c: char| c.is_ascii_alphabetic()))
}

/// The line ranges of `text[range]`: each `\n` ends a line (and belongs to it),
/// and each piece between is wrapped to `width` cells.
pub(super) fn break_lines(
    text: &str,
    range: Range<usize>,
    breaks: Breaks<'_>,
    width: usize,
    tab_width: usize,
) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let body = text.get(range.clone()).unwrap_or("");
    let mut seg_start = range.start;
    let mut pieces = body.split('\n').peekable();
    let mut indents = breaks.indents.iter().peekable();
    let mut line = 0u32;
    while let Some(piece) = pieces.next() {
        let last = pieces.peek().is_none();
        // A trailing "\n" ends the last line; it does not open an empty one.
        if last && piece.is_empty() && !out.is_empty() {
            break;
        }
        while indents.next_if(|l| l.line < line).is_some() {}
        let (first, rest) = match indents.peek().filter(|l| l.line == line) {
            Some(l) => {
                let (indent, hang) = fitted_indent(l, width);
                (width - indent, width - indent - hang)
            }
            None if breaks.code => (width, width - hang_indent(piece, width, tab_width)),
            None => (width, width),
        };
        line = line.saturating_add(1);
        let widths = RowWidths { first, rest };
        wrap_segment(piece, seg_start, breaks, widths, tab_width, &mut out);
        seg_start += piece.len();
        if !last {
            if let Some(r) = out.last_mut() {
                r.end += 1;
            }
            seg_start += 1;
        }
    }
    if out.is_empty() {
        out.push(range.start..range.start);
    }
    out
}

/// One grapheme cluster of a segment, as the wrapper sees it.
#[derive(Debug, Clone, Copy)]
struct Cluster {
    start: usize,
    /// Cells, except for tabs whose width depends on the column.
    width: usize,
    tab: bool,
    blank: bool,
    /// A line may start here.
    break_before: bool,
    /// A line may start here when nothing better is on the line (inside a
    /// word of code, a URL or a code span wider than the column).
    soft_break: bool,
    /// After a space inside a URL or code span wider than the column: a
    /// better break than `soft_break`, never better than `break_before`,
    /// so a span that fits on a row moves to the next one whole.
    kept_space: bool,
}

/// A segment's clusters, made as the wrapper reaches them and dropped once
/// their line is done: memory follows the longest line, not the segment (a
/// 5 MB line without a break would otherwise hold 24 bytes per character).
struct Clusters<I> {
    source: I,
    /// The clusters from number `first` on.
    window: VecDeque<Cluster>,
    first: usize,
}

impl<I: Iterator<Item = Cluster>> Clusters<I> {
    /// Cluster number `k` of the segment, if there is one; `k` is never
    /// below a number already passed to [`Clusters::forget_before`].
    fn get(&mut self, k: usize) -> Option<Cluster> {
        while self.first + self.window.len() <= k {
            let c = self.source.next()?;
            self.window.push_back(c);
        }
        self.window.get(k.checked_sub(self.first)?).copied()
    }

    /// Drops the clusters before number `k`: a line ended there.
    fn forget_before(&mut self, k: usize) {
        let n = k.saturating_sub(self.first).min(self.window.len());
        self.window.drain(..n);
        self.first += n;
    }
}

/// How far the rows that continue a code line too long for the column are
/// indented, past the `↪` mark: as far as the line itself (its leading
/// blanks, tabs expanded), so wrapped code keeps its shape; at most half the
/// column, so the rows keep room for text.
pub(super) fn hang_indent(line: &str, width: usize, tab_width: usize) -> usize {
    let mut col = 0;
    for c in line.chars() {
        match c {
            ' ' => col += 1,
            '\t' => col = tab_advance(col, tab_width, usize::MAX).map_or(col, |w| col + w),
            _ => break,
        }
    }
    col.min(width / 2)
}

/// How wide the rows of one line may be: a code line's continuation rows
/// are narrower by its [`hang_indent`], an indented plain line's by its
/// [`fitted_indent`], which `wrap_block` draws before them (both work it out
/// from the same line, so they agree).
#[derive(Debug, Clone, Copy)]
struct RowWidths {
    /// The line's first row (at least 1).
    first: usize,
    /// Every row after it (at least 1).
    rest: usize,
}

/// The clusters of a segment without line feeds starting at byte `base`,
/// each with where a row may start, by the rules of `rules`.
fn segment_clusters<'s>(
    seg: &'s str,
    base: usize,
    rules: Breaks<'s>,
) -> impl Iterator<Item = Cluster> + 's {
    let mut breaks = linebreaks(seg).map(|(at, _)| at).peekable();
    let mut keep = rules.keep.iter().peekable();
    let mut prev_blank = false;
    cluster_indices(seg).map(move |(i, g)| {
        while breaks.next_if(|&b| b < i).is_some() {}
        let at = base + i;
        while keep.next_if(|r| r.end <= at).is_some() {}
        let kept = !rules.code && keep.peek().is_some_and(|r| r.start < at);
        let inside = rules.code || kept;
        let opportunity = breaks.peek() == Some(&i);
        let blank = is_blank(g);
        let after_blank = prev_blank && !blank;
        // Inside code: after whitespace, always (UAX 14 would keep `x //`
        // together), and nowhere else while the word fits. Inside a URL or
        // a code span: nowhere while it fits on a row.
        let break_before = if rules.code {
            after_blank
        } else {
            opportunity && !kept
        };
        prev_blank = blank;
        let tab = g == "\t";
        Cluster {
            start: i,
            width: if tab { 0 } else { cluster_width(g) },
            tab,
            blank,
            break_before,
            soft_break: inside && opportunity && !break_before,
            kept_space: kept && after_blank,
        }
    })
}

/// The widest piece of `text[range]`, in cells, that the wrapper breaks
/// only when a row is narrower than it: a word between two break
/// opportunities, a URL, path or code span between the spaces in it
/// (blanks not counted). A table column narrower than this would split
/// a word where nothing allows it (`document_di` / `r`).
pub(super) fn widest_unbreakable(text: &str, range: Range<usize>, rules: Breaks<'_>) -> usize {
    let body = text.get(range.clone()).unwrap_or("");
    let mut widest = 0;
    let mut base = range.start;
    for piece in body.split('\n') {
        let mut run = 0;
        for c in segment_clusters(piece, base, rules) {
            if c.break_before || c.kept_space {
                run = 0;
            }
            if !c.blank {
                run += c.width;
                widest = widest.max(run);
            }
        }
        base += piece.len() + 1;
    }
    widest
}

/// Greedy first-fit wrapping of a segment without line feeds starting at byte
/// `base`; pushes the line ranges to `out`.
fn wrap_segment(
    seg: &str,
    base: usize,
    rules: Breaks<'_>,
    widths: RowWidths,
    tab_width: usize,
    out: &mut Vec<Range<usize>>,
) {
    if seg.is_empty() {
        out.push(base..base);
        return;
    }
    let source = segment_clusters(seg, base, rules);
    let mut clusters = Clusters {
        source,
        window: VecDeque::new(),
        first: 0,
    };
    let pos = |clusters: &mut Clusters<_>, k: usize| {
        base + clusters.get(k).map_or(seg.len(), |c| c.start)
    };
    let mut i = 0;
    while clusters.get(i).is_some() {
        let width = if i == 0 { widths.first } else { widths.rest }.max(1);
        let mut col = 0;
        let mut last_break = None;
        let mut last_soft = None;
        let mut last_space = None;
        let mut hung = false;
        let mut j = i;
        let end = loop {
            // Past the last cluster: the segment ends on this line.
            let Some(c) = clusters.get(j) else { break j };
            if j > i && c.break_before {
                last_break = Some(j);
            }
            if j > i && c.soft_break {
                last_soft = Some(j);
            }
            if j > i && c.kept_space {
                last_space = Some(j);
            }
            if hung {
                // Whitespace past the edge stays on this line, undrawn; so do
                // invisible clusters. The next visible cluster starts a line.
                if c.blank || (!c.tab && c.width == 0) {
                    j += 1;
                    continue;
                }
                break last_break.or(last_space).or(last_soft).unwrap_or(j);
            }
            let advance = if c.tab {
                tab_advance(col, tab_width, width)
            } else {
                Some(c.width)
            };
            if let Some(w) = advance.filter(|w| col + w <= width) {
                col += w;
                j += 1;
                continue;
            }
            if c.blank {
                hung = true;
                j += 1;
                continue;
            }
            if j == i {
                // Wider than the whole column: alone on its line, drawn as a
                // placeholder by `line_cells`.
                break i + 1;
            }
            break last_break.or(last_space).or(last_soft).unwrap_or(j);
        };
        let range = pos(&mut clusters, i)..pos(&mut clusters, end);
        out.push(range);
        clusters.forget_before(end);
        i = end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_width::UnicodeWidthStr;

    fn opts(width: u16) -> WrapOptions {
        WrapOptions {
            width,
            tab_width: 4,
        }
    }

    /// The drawn text of each text line: prefix then cells.
    fn render(text: &str, kind: &BlockKind, container: &Container, width: u16) -> Vec<String> {
        let lines = wrap_block(
            text,
            0..text.len(),
            kind,
            container,
            &[],
            &[],
            0,
            opts(width),
        );
        lines
            .lines
            .iter()
            .filter(|l| l.kind != LineKind::Blank)
            .map(|l| {
                let mut s = l.prefix.clone();
                for c in crate::layout::line_cells(text, l) {
                    s.push_str(c.text);
                }
                s
            })
            .collect()
    }

    fn para(text: &str, width: u16) -> Vec<String> {
        render(text, &BlockKind::Paragraph, &Container::default(), width)
    }

    fn code(text: &str, width: u16) -> Vec<String> {
        let kind = BlockKind::Code {
            lang: String::new(),
        };
        render(text, &kind, &Container::default(), width)
    }

    #[test]
    fn wraps_at_spaces() {
        assert_eq!(
            para("the quick brown fox jumps", 10),
            ["the quick ", "brown fox ", "jumps"]
        );
    }

    #[test]
    fn extra_spaces_at_wrap_point_hang_undrawn() {
        let text = "abcdefghi   jk";
        let lines = wrap_block(
            text,
            0..text.len(),
            &BlockKind::Paragraph,
            &Container::default(),
            &[],
            &[],
            0,
            opts(10),
        );
        // The spaces belong to the first line; only the one that fits is drawn.
        assert_eq!(lines.lines[0].range, 0..12);
        assert_eq!(lines.lines[1].range, 12..14);
        assert_eq!(para(text, 10), ["abcdefghi ", "jk"]);
    }

    #[test]
    fn long_word_breaks_at_grapheme_boundaries() {
        assert_eq!(para("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(para("go abcdefghij", 4), ["go ", "abcd", "efgh", "ij"]);
    }

    #[test]
    fn cjk_wraps_between_characters() {
        assert_eq!(para("日本語の文章です", 6), ["日本語", "の文章", "です"]);
    }

    #[test]
    fn wide_char_never_straddles_the_edge() {
        assert_eq!(para("a日本", 4), ["a日", "本"]);
    }

    #[test]
    fn emoji_take_two_cells() {
        assert_eq!(para("😀😀😀", 5), ["😀😀", "😀"]);
        let family = "👨\u{200d}👩\u{200d}👧";
        assert_eq!(para(&format!("{family}{family}"), 3), [family, family]);
    }

    #[test]
    fn combining_mark_stays_with_its_base() {
        let e = "e\u{301}";
        assert_eq!(
            para(&e.repeat(5), 2),
            [e.repeat(2), e.repeat(2), e.to_string()]
        );
    }

    #[test]
    fn a_wrapped_code_line_continues_under_its_own_indent() {
        let got = code("fn main() {\n    let total = items.sum();\n}", 22);
        assert_eq!(
            got,
            [
                "  fn main() {",
                "      let total = ",
                "↪     items.sum();",
                "  }"
            ]
        );
        // The hang is at most half the column, so the rows keep room.
        let deep = format!("{}x = 1 + 2 + 3", " ".repeat(12));
        let got = code(&deep, 16);
        assert!(
            got.iter().skip(1).all(|row| row.starts_with("↪       ")),
            "{got:?}"
        );
        assert_eq!(got.concat().replace(['↪', ' '], ""), "x=1+2+3");
    }

    #[test]
    fn tabs_expand_to_stops_from_the_text_start() {
        let got = code("a\tb\n\tc", 20);
        assert_eq!(got, ["  a   b", "      c"]);
    }

    #[test]
    fn hard_break_forces_a_line_and_belongs_to_it() {
        let text = "one\ntwo";
        assert_eq!(para(text, 20), ["one", "two"]);
        let lines = wrap_block(
            text,
            0..text.len(),
            &BlockKind::Paragraph,
            &Container::default(),
            &[],
            &[],
            0,
            opts(20),
        );
        assert_eq!(lines.lines[0].range, 0..4);
        assert_eq!(lines.lines[1].range, 4..7);
    }

    #[test]
    fn code_keeps_empty_lines_and_marks_continued_lines() {
        assert_eq!(
            code("a b c d e\n\nx", 6),
            ["  a b ", "↪ c d ", "↪ e", "  ", "  x"]
        );
    }

    #[test]
    fn code_breaks_between_words_not_inside_them() {
        assert_eq!(
            code("let total = items.sum(); // and more", 16),
            ["  let total = ", "↪ items.sum(); ", "↪ // and more"]
        );
        // A word wider than the column still shows whole, over several lines.
        assert_eq!(code("abcdefghij", 6), ["  abcd", "↪ efgh", "↪ ij"]);
    }

    #[test]
    fn bare_urls_and_code_spans_stay_on_one_line_when_they_fit() {
        assert_eq!(
            para("read https://ex.org/a-b now", 20),
            ["read ", "https://ex.org/a-b ", "now"]
        );
        assert_eq!(
            code_span_rows(
                &BlockKind::Paragraph,
                "use --with-libyaml here",
                "--with-libyaml",
                16
            ),
            ["use ", "--with-libyaml ", "here"]
        );
    }

    /// The rows of a heading `text` at `width` with `code` (a piece of it)
    /// as an inline code span.
    fn with_code_span(text: &str, code: &str, width: u16) -> Vec<String> {
        code_span_rows(&BlockKind::Heading(2), text, code, width)
    }

    /// The text rows of a block of `kind` holding `text`, at `width`, with
    /// `code` (a piece of it) as an inline code span.
    fn code_span_rows(kind: &BlockKind, text: &str, code: &str, width: u16) -> Vec<String> {
        let at = text.find(code).unwrap();
        let spans = [Span {
            range: at..at + code.len(),
            style: crate::document::SpanStyle {
                code: true,
                ..Default::default()
            },
        }];
        let lines = wrap_block(
            text,
            0..text.len(),
            kind,
            &Container::default(),
            &spans,
            &[],
            0,
            opts(width),
        );
        lines
            .lines
            .iter()
            .filter(|l| l.kind == LineKind::Text)
            .map(|l| text[l.range.clone()].to_string())
            .collect()
    }

    #[test]
    fn a_code_span_with_spaces_moves_whole_to_the_next_row_when_it_fits() {
        let code = "Lamp.trim(wick[, oil[, flame]])";
        let text = format!("Keeper's method: {code}");
        assert_eq!(
            with_code_span(&text, code, 40),
            ["Keeper's method: ", code],
            "the span was cut at a space inside it"
        );
        // Only a span wider than the row breaks, at a space inside it
        // rather than at its brackets.
        let got = with_code_span(&text, code, 24);
        assert_eq!(
            got,
            ["Keeper's method: ", "Lamp.trim(wick[, oil[, ", "flame]])"]
        );
    }

    #[test]
    fn file_paths_stay_on_one_line_when_they_fit() {
        assert_eq!(
            para("see `/usr/share/common-licenses/GPL-3' for it", 36),
            ["see ", "`/usr/share/common-licenses/GPL-3' ", "for it"]
        );
        assert_eq!(
            para("in ~/notes/harbour-log.md today", 24),
            ["in ", "~/notes/harbour-log.md ", "today"]
        );
        // A fraction or an and/or is not a path.
        assert_eq!(
            para("either and/or both", 10),
            ["either ", "and/or ", "both"]
        );
        // Relative paths, mail addresses and options neither.
        assert_eq!(
            para("examples are in \"doc/examples\" here", 24),
            ["examples are in ", "\"doc/examples\" here"]
        );
        assert_eq!(
            para("mail <wren@harbour-office.example.org> now", 36),
            ["mail ", "<wren@harbour-office.example.org> ", "now"]
        );
        assert_eq!(
            para("run tail -f on it", 6),
            ["run ", "tail ", "-f on ", "it"]
        );
        assert_eq!(
            para("build with the `--norecursion' option", 20),
            ["build with the ", "`--norecursion' ", "option"]
        );
    }

    #[test]
    fn a_url_wider_than_the_line_breaks_where_it_may() {
        let url = "https://example.org/a-very-long-path/to-a-page";
        let got = para(url, 20);
        assert!(got.len() > 1 && got.iter().all(|l| l.chars().count() <= 20));
        assert_eq!(got.concat(), url);
        // At its slashes and hyphens rather than at the edge.
        assert!(got[0].ends_with('/') || got[0].ends_with('-'), "{got:?}");
    }

    #[test]
    fn quote_and_list_prefixes_with_hanging_indent() {
        let container = Container {
            quote_depth: 1,
            list_depth: 1,
            marker: Some("12.".to_string()),
            ..Default::default()
        };
        let got = render("alpha beta gamma", &BlockKind::Paragraph, &container, 14);
        assert_eq!(got, ["│ 12. alpha ", "│     beta ", "│     gamma"]);
    }

    #[test]
    fn indented_plain_lines_keep_their_indent_and_hang_under_their_text() {
        // "* Fix the lamp." nested under an item, wrapped: the rows hang
        // under the words, not under the marker; the text holds no blanks.
        let text = "* Rebuilt.\n* Fix the lamp that flickered\n* Done.";
        let container = Container {
            indents: vec![
                LineIndent {
                    line: 0,
                    indent: 0,
                    hang: 2,
                },
                LineIndent {
                    line: 1,
                    indent: 2,
                    hang: 2,
                },
                LineIndent {
                    line: 2,
                    indent: 0,
                    hang: 2,
                },
            ],
            ..Default::default()
        };
        let got = render(text, &BlockKind::Paragraph, &container, 16);
        assert_eq!(
            got,
            [
                "* Rebuilt.",
                "  * Fix the lamp",
                "    that ",
                "    flickered",
                "* Done."
            ]
        );
        // In a narrow column the indent takes at most half, the hang half
        // of the rest, and every word still shows.
        let got = render(text, &BlockKind::Paragraph, &container, 4);
        assert_eq!(got.concat().replace(' ', ""), text.replace([' ', '\n'], ""));
        assert!(got.iter().all(|row| row.width() <= 4), "{got:?}");
    }

    #[test]
    fn rule_is_one_line_then_blank() {
        let lines = wrap_block(
            "",
            0..0,
            &BlockKind::Rule,
            &Container::default(),
            &[],
            &[],
            3,
            opts(10),
        );
        let kinds: Vec<_> = lines.lines.iter().map(|l| l.kind).collect();
        assert_eq!(kinds, [LineKind::Rule, LineKind::Blank]);
        assert!(lines.lines.iter().all(|l| l.block == 3));
    }

    #[test]
    fn every_block_ends_with_one_blank_line() {
        let text = "some words here";
        let lines = wrap_block(
            text,
            0..text.len(),
            &BlockKind::Heading(1),
            &Container::default(),
            &[],
            &[],
            0,
            opts(5),
        );
        let last = lines.lines.last().unwrap();
        assert_eq!(last.kind, LineKind::Blank);
        assert_eq!(last.range, text.len()..text.len());
        let blanks = lines
            .lines
            .iter()
            .filter(|l| l.kind == LineKind::Blank)
            .count();
        assert_eq!(blanks, 1);
    }

    #[test]
    fn width_one_and_two_place_every_cluster() {
        assert_eq!(para("ab c", 1), ["a", "b", "c"]);
        assert_eq!(para("日本", 1), ["?", "?"]);
        assert_eq!(para("日本", 2), ["日", "本"]);
        let container = Container {
            quote_depth: 2,
            list_depth: 1,
            marker: Some("•".to_string()),
            ..Default::default()
        };
        let got = render("ab", &BlockKind::Paragraph, &container, 2);
        assert_eq!(got, ["•a", " b"]);
        let got = render("ab", &BlockKind::Paragraph, &container, 1);
        assert_eq!(got, ["a", "b"]);
    }
}
