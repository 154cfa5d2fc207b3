//! Page-break repair: text extracted from PDFs often splits a paragraph at a
//! page boundary, leaving a blank line mid-sentence. A body paragraph that
//! does not end a sentence is joined with the body paragraph after it, but
//! only when both read as running prose, because most blank lines in
//! documents written by hand are meant.
//!
//! The rule was decided by counting every join over the Markdown and text
//! files of a system's documentation (`examples/count_joins.rs`): with only
//! the sentence-end test, 701 joins were made in 732 files and all but the
//! five page breaks of the news corpus were wrong (command synopses,
//! `Type: End-of-Life` labels, licence headings, badges, lines ending in a
//! URL, code, taglines without a full stop). A join is made only when:
//!
//! - the source's blank lines are not deliberate: it holds no fenced code and
//!   most of its prose paragraphs are not wrapped over several lines
//!   ([`uses_blank_lines_deliberately`]);
//! - the first paragraph is on one source line, ends without final
//!   punctuation on a plain word (not a URL, path, version, file name, issue
//!   number or closing bracket), and is prose: not a short label
//!   (`Type: End-of-Life`), not heading-like (`Preamble`,
//!   `Version 3, 29 June 2007`), not made only of links, code or bold text,
//!   not code-like (flags, braces, brackets, pipes, `=`, identifiers);
//! - the second paragraph is prose too, and does not start with an address,
//!   a bracket or an enumerator (`c.`, `(ii)`);
//! - the second starts in lower case, or the first has at least six words
//!   and the second does not open with a word that usually starts a sentence
//!   (`The`, `To`, `Please`…): `More than 172,000 migrants were arrested by
//!   the US` + `Border Patrol in March…` joins.

use super::SpanStyle;
use super::piece::Piece;
use super::segment::{Rules, is_list_marker, next_segment};

/// Characters that end a sentence (or introduce what follows, like a colon).
/// Full-width forms count too: Chinese and Japanese end sentences with `。！？`.
const FINAL: [char; 13] = [
    '.', '!', '?', '…', ':', ';', '。', '！', '？', '．', '：', '；', '｡',
];
/// Closing marks that may follow the final punctuation, CJK brackets included.
const CLOSERS: [char; 17] = [
    '"', '”', '’', '\'', ')', ']', '*', '_', '»', '›', '」', '』', '）', '】', '〉', '》', '＂',
];

/// A fragment followed by a paragraph that starts with a capital is joined
/// only when it has at least this many words: a sentence cut by a page break
/// is long, a heading, label or name line is short.
const MIN_WORDS_BEFORE_CAPITAL: usize = 6;
/// A label (`Type: End-of-Life`, `Present in: 2021`) names itself in at most
/// this many words before its colon...
const LABEL_NAME_WORDS: usize = 3;
/// ...and is at most this many words long in all.
const LABEL_WORDS: usize = 8;
/// How much of the source is read to decide whether it is hard-wrapped.
const WRAP_SCAN: usize = 64 * 1024;

/// True when a paragraph is only a page's number (`12`, `- 12 -`, `Page
/// 12`, `12 of 30`, `12/30`), as text extracted from a PDF leaves one at
/// each page break.
pub(super) fn is_page_number(text: &str) -> bool {
    let t = text.trim();
    let t = t
        .strip_prefix(['-', '–', '—'])
        .and_then(|t| t.strip_suffix(['-', '–', '—']))
        .map_or(t, str::trim);
    let t = t
        .strip_prefix("Page ")
        .or_else(|| t.strip_prefix("page "))
        .unwrap_or(t)
        .trim();
    let number = |n: &str| (1..=4).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_digit());
    match t.split_once(" of ").or_else(|| t.split_once('/')) {
        Some((page, pages)) => number(page.trim()) && number(pages.trim()),
        None => number(t),
    }
}

/// True when the paragraph text ends like a finished sentence, so no page break
/// is assumed after it.
pub(super) fn ends_sentence(text: &str) -> bool {
    let core = text.trim_end().trim_end_matches(CLOSERS);
    core.ends_with(FINAL)
}

/// True when a paragraph may be the first part of a sentence a page break
/// cut: it does not end a sentence, its author did not wrap it over several
/// lines, and it reads as a prose fragment ending in a plain word.
pub(super) fn may_continue(piece: &Piece) -> bool {
    // How it ends first: most paragraphs end a sentence, and the other
    // tests read the whole paragraph.
    leaves_open(piece) && is_prose(piece) && !is_heading_like(&piece.text) && !is_label(&piece.text)
}

/// True when a paragraph ends the way a cut sentence does: no final
/// punctuation, a plain last word, one source line. For a paragraph already
/// joined, only the part joined last decides.
pub(super) fn leaves_open(piece: &Piece) -> bool {
    let text = piece.text.as_str();
    !ends_sentence(text) && !piece.wrapped && !text.contains('\n') && ends_in_plain_word(text)
}

/// True when `next` is the rest of the sentence `first` began (given that
/// [`may_continue`] accepted `first`): `next` is prose that starts in lower
/// case, or `first` is a long fragment and `next` does not start with a word
/// that opens a sentence.
pub(super) fn continues(first: &Piece, next: &Piece) -> bool {
    let text = next.text.trim_start();
    // A code span's case is the code's (`kqueue(2) is a powerful API`
    // after the tagline `kqueue(2) library for rust`), not a sentence
    // going on.
    let lead = next.text.len() - text.len();
    let opens_with_code = next
        .spans
        .iter()
        .any(|(r, style)| style.code && r.start <= lead && lead < r.end);
    let starts_lower = !opens_with_code && text.chars().next().is_some_and(char::is_lowercase);
    let long_fragment =
        words(&first.text).take(MIN_WORDS_BEFORE_CAPITAL).count() == MIN_WORDS_BEFORE_CAPITAL;
    is_prose(next)
        && !is_heading_like(text)
        && !is_label(text)
        && !starts_with_address(text)
        && !starts_with_enumerator(text)
        && !text.starts_with(['(', '['])
        && (starts_lower || long_fragment && !opens_a_sentence(text))
}

/// Words that usually open an English sentence rather than continue one: a
/// capitalised paragraph that starts with one is a new sentence after a
/// missing full stop (`…the Beginner label` + `To make changes…`), whereas a
/// sentence cut by a page break goes on with a name (`…by the US` + `Border
/// Patrol…`).
const SENTENCE_OPENERS: [&str; 72] = [
    "a", "after", "all", "also", "although", "an", "and", "another", "any", "as", "at", "because",
    "before", "both", "but", "by", "check", "each", "every", "for", "from", "he", "her", "here",
    "his", "how", "however", "i", "if", "in", "it", "its", "many", "more", "most", "my", "no",
    "note", "on", "once", "or", "our", "please", "read", "see", "she", "since", "so", "some",
    "such", "that", "the", "their", "then", "there", "these", "they", "this", "those", "to",
    "unless", "use", "we", "what", "when", "where", "which", "while", "who", "why", "with", "you",
];

fn opens_a_sentence(text: &str) -> bool {
    let first = text.split_whitespace().next().unwrap_or("");
    let word: String = first
        .chars()
        .take_while(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
        .collect();
    SENTENCE_OPENERS.contains(&word.as_str())
}

/// True when a source's blank lines are meant, so page-break repair must
/// leave it alone: it holds fenced code (Markdown written by hand, never text
/// extracted from a page), or most of its prose paragraphs run over several
/// source lines, as text wrapped by its author does (extracted text holds a
/// paragraph on one line). Reads at most the first 64 KB.
pub(super) fn uses_blank_lines_deliberately(src: &str, rules: Rules) -> bool {
    let (mut wrapped, mut single) = (0usize, 0usize);
    let mut pos = 0;
    while pos < WRAP_SCAN {
        let Some(range) = next_segment(src, pos, rules) else {
            break;
        };
        pos = range.end;
        let segment = src.get(range).unwrap_or("");
        if rules == Rules::Markdown && segment.lines().any(is_fence_line) {
            return true;
        }
        let mut lines = segment.lines();
        let Some(first) = lines.next().filter(|l| is_prose_line(l, rules)) else {
            continue;
        };
        match lines.next() {
            None => single += 1,
            Some(second) if is_prose_line(second, rules) && !ends_in_hard_break(first) => {
                wrapped += 1;
            }
            Some(_) => {}
        }
    }
    wrapped >= 2 && wrapped >= single
}

/// A Markdown code fence (three backticks or tildes, indented less than
/// four spaces).
pub(super) fn is_fence_line(line: &str) -> bool {
    let indent = line.len() - line.trim_start_matches(' ').len();
    indent <= 3 && {
        let t = line.trim_start_matches(' ');
        t.starts_with("```") || t.starts_with("~~~")
    }
}

/// A line that starts running text: not indented like code, not a Markdown
/// block marker (heading, quote, list, table, fence, HTML, rule, underline).
fn is_prose_line(line: &str, rules: Rules) -> bool {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 || line.starts_with('\t') {
        return false;
    }
    let t = line.trim_start();
    let Some(c) = t.chars().next() else {
        return false;
    };
    let opener = c.is_alphanumeric() || "\"'“‘«(*_".contains(c);
    opener && !(rules == Rules::Markdown && is_list_marker(line))
}

/// Two trailing spaces or a backslash: a Markdown line break, not wrapping.
fn ends_in_hard_break(line: &str) -> bool {
    line.ends_with("  ") || line.ends_with('\\')
}

/// The words of a text: runs between spaces that hold a letter or digit.
fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
}

/// Running text, not code or a row of links: what a page break can cut in
/// two.
fn is_prose(piece: &Piece) -> bool {
    let text = piece.text.as_str();
    !text.trim().is_empty() && !is_code_like(text) && !mostly_marked(piece)
}

/// A heading or a name line, not a sentence: every word of four letters or
/// more starts with a capital (`Preamble`, `Version 3, 29 June 2007`, `How to
/// Apply These Terms`, `END OF TERMS AND CONDITIONS`); a line of numbers
/// counts too.
fn is_heading_like(text: &str) -> bool {
    let initials = |min: usize| {
        words(text)
            .filter(move |w| w.chars().filter(|c| c.is_alphabetic()).count() >= min)
            .filter_map(|w| w.chars().find(|c| c.is_alphanumeric()))
            .filter(|c| c.is_alphabetic())
            .collect::<Vec<char>>()
    };
    let long = initials(4);
    let initials = if long.is_empty() { initials(1) } else { long };
    initials.into_iter().all(char::is_uppercase)
}

/// Command lines, code and markup shapes: a flag (`-e`, `--v8-options`), a
/// shell prompt, braces, brackets, pipes, angle brackets, `=`, backslashes,
/// backticks, C comments, a path from the root (`/etc/pam.d`).
fn is_code_like(text: &str) -> bool {
    let t = text.trim_start();
    if t.starts_with(['$', '#', '%', '/', '.']) {
        return true;
    }
    if t.contains(['{', '}', '[', ']', '<', '>', '|', '=', '\\', '`'])
        || t.contains("/*")
        || t.contains("();")
    {
        return true;
    }
    t.split_whitespace().any(|w| {
        let flag = w
            .strip_prefix("--")
            .or_else(|| w.strip_prefix('-'))
            .and_then(|r| r.chars().next())
            .is_some_and(|c| c.is_ascii_alphanumeric());
        let identifier = w.contains('_') && w.chars().any(char::is_alphanumeric);
        flag || identifier || w.starts_with("~/") || w.starts_with("./")
    })
}

/// True when links, inline code or bold cover every word: a badge or link
/// row, a command, a bold pseudo-heading (`**Strict assertion mode**`).
fn mostly_marked(piece: &Piece) -> bool {
    let marked = |at: usize| {
        piece.links.iter().any(|(r, _)| r.contains(&at))
            || piece
                .spans
                .iter()
                .any(|(r, s)| r.contains(&at) && is_marking(*s))
    };
    let mut letters = piece
        .text
        .char_indices()
        .filter(|(_, c)| c.is_alphanumeric())
        .peekable();
    letters.peek().is_some() && letters.all(|(at, _)| marked(at))
}

/// Styles that set text apart from the sentence around it.
fn is_marking(style: SpanStyle) -> bool {
    style.code || style.link || style.strong
}

/// `Type: End-of-Life`, `Present in: 2021`, `Value: {boolean}`: a few words
/// naming a field, a colon, and a short value.
fn is_label(text: &str) -> bool {
    let Some((name, _)) = text.split_once(':') else {
        return false;
    };
    let name_words = name.split_whitespace().count();
    (1..=LABEL_NAME_WORDS).contains(&name_words)
        && !name.contains(['.', ',', ';'])
        && text.split_whitespace().count() <= LABEL_WORDS
}

/// A word that is an address: a URL, a `www.` host, an e-mail address or an
/// absolute path.
fn is_address(word: &str) -> bool {
    let w = word.trim_matches(|c: char| "()<>\"'.,;".contains(c));
    w.contains("://")
        || w.starts_with("www.")
        || w.starts_with('/')
        || w.split_once('@')
            .is_some_and(|(user, host)| !user.is_empty() && host.contains('.'))
}

/// The last word is a plain word or number, as where a page break cuts a
/// sentence (`the US`, `detentions of`), not a version, file name, issue
/// number, URL or figure (`1.0.2k`, `Node.js`, `#14574`, `60%`).
fn ends_in_plain_word(text: &str) -> bool {
    let Some(last) = text.split_whitespace().next_back() else {
        return false;
    };
    let dash_or_comma = |c: char| matches!(c, ',' | '—' | '–' | '-');
    // Quotes and emphasis may close mid-sentence; a closing bracket ends an
    // aside or a caption, which is not where a page break was seen to cut.
    let quotes = |c: char| CLOSERS.contains(&c) && !matches!(c, ')' | ']' | '）' | '】');
    let core = last
        .trim_end_matches(dash_or_comma)
        .trim_end_matches(quotes);
    if core.is_empty() {
        return last.chars().all(dash_or_comma);
    }
    core.chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '\'' | '’' | '-'))
}

/// `c. You must`, `(ii) the`, `3) Then`: a list item written as text.
fn starts_with_enumerator(text: &str) -> bool {
    let Some(first) = text.split_whitespace().next() else {
        return false;
    };
    let core = first.trim_start_matches('(');
    let Some(mark) = core.strip_suffix(['.', ')']) else {
        return false;
    };
    let roman = (1..=4).contains(&mark.len()) && mark.chars().all(|c| "ivxlcIVXLC".contains(c));
    let letter = mark.chars().count() == 1 && mark.chars().all(char::is_alphabetic);
    let number = !mark.is_empty() && mark.chars().all(|c| c.is_ascii_digit());
    roman || letter || number
}

fn starts_with_address(text: &str) -> bool {
    text.split_whitespace().next().is_some_and(is_address)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{BlockKind, Container};

    #[test]
    fn sentence_ends() {
        for t in [
            "Done.",
            "Really?",
            "Stop!",
            "And so…",
            "as follows:",
            "one; ",
            "He said “go.”",
            "(see above.)",
            "‘quoted.’",
            "*emphasis.*",
            "日本語の文です。",
            "次の段落です！",
            "最後の段落？",
            "「そうです。」",
        ] {
            assert!(ends_sentence(t), "{t}");
        }
        for t in [
            "as platforms",
            "the US",
            "a, b,",
            "word —",
            "2021",
            "",
            "“open",
        ] {
            assert!(!ends_sentence(t), "{t}");
        }
    }

    fn para(text: &str) -> Piece {
        let mut p = Piece::new(BlockKind::Paragraph, Container::default());
        p.text = text.to_owned();
        p.joinable = true;
        p
    }

    fn joins(a: &str, b: &str) -> bool {
        may_continue(&para(a)) && continues(&para(a), &para(b))
    }

    #[test]
    fn sentences_cut_by_a_page_break_join() {
        for (a, b) in [
            (
                "More than 172,000 migrants were arrested by the US",
                "Border Patrol in March, up sharply from February.",
            ),
            ("the harbour towns as reservoirs", "of cheap labour."),
            (
                "The deal holds and ever since, most detentions of",
                "US-bound travellers took place in the south.",
            ),
            ("One part", "two part"),
            ("Node.js and/or Deno users can", "read this."),
        ] {
            assert!(joins(a, b), "{a} + {b}");
        }
    }

    #[test]
    fn labels_headings_code_and_addresses_never_join() {
        for (a, b) in [
            ("Type: End-of-Life", "The old module is removed."),
            ("Present in: 2021", "Support for the protocol is key."),
            ("Version 3, 29 June 2007", "Copyright the authors"),
            ("Preamble", "The licence is a free one."),
            ("END OF TERMS AND CONDITIONS", "How to apply these terms"),
            ("node --v8-options", "Execute without arguments to start."),
            ("openssl genrsa -out key.pem 2048", "or"),
            (
                "node [options] [script.js | -e \"script\"]",
                "Please see more.",
            ),
            (
                "Join the chat at https://chat.example/room",
                "the tool lets you",
            ),
            ("Public key available at", "https://keys.example/abc"),
            (
                "Contact the maintainers at",
                "someone@example.org for help.",
            ),
            ("logs go to /var/log/app", "and are rotated weekly."),
            ("if (x) { y() }", "runs twice."),
            ("Backward compatibility notes", "UI, Workflows & Features"),
            ("a short fragment", "Begins with a capital."),
            (
                "How to Apply These Terms to Your New Programs",
                "If you write one",
            ),
            (
                "the licensor grants the rights of Section 3(b); and",
                "c. You must comply with the conditions.",
            ),
            (
                "Some methods might still change in future releases of Node.js",
                "Contributed by A Person - #26540.",
            ),
            (
                "This release upgrades the bundled library to version 1.0.2k",
                "Although the team rated the issue low, we update.",
            ),
            (
                "an extract from the first paragraphs of the novel (by its author)",
                "Compact example text follows here",
            ),
            (
                "the first line of the old poem in its own alphabet",
                "(Old English, which reads in Latin as follows)",
            ),
            (
                "If you are unsure what to work on, try the Beginner label",
                "To make changes to the code, fork the repository.",
            ),
            ("API Documentation", "html5ever is a parser."),
            (
                "01_compress_easy.c Multi-call compression using a preset",
                "02_decompress.c Multi-call decompression",
            ),
        ] {
            assert!(!joins(a, b), "{a} + {b}");
        }
    }

    #[test]
    fn a_paragraph_its_author_wrapped_never_joins() {
        let mut wrapped = para("it has support for the language with debugging support");
        assert!(may_continue(&wrapped));
        wrapped.wrapped = true;
        assert!(!may_continue(&wrapped));
    }

    #[test]
    fn link_code_and_bold_only_paragraphs_never_join() {
        let mut badge = para("Join the chat at the room Build Status");
        badge.links.push((0..badge.text.len(), "https://x".into()));
        assert!(!may_continue(&badge));
        let mut bold = para("Strict assertion mode");
        let strong = SpanStyle {
            strong: true,
            ..SpanStyle::default()
        };
        bold.spans.push((0..bold.text.len(), strong));
        assert!(!may_continue(&bold));
        // A link inside running text is fine.
        let mut prose = para("see the guide for how the tool");
        prose.links.push((8..13, "g.md".into()));
        assert!(may_continue(&prose));
    }

    #[test]
    fn hard_wrapped_sources_use_blank_lines_deliberately() {
        let wrapped = "# T\n\nA paragraph written by hand\nand wrapped at a column.\n\n\
                       Another one that is\nwrapped too.\n\nType: Label\n\nA fragment";
        assert!(uses_blank_lines_deliberately(wrapped, Rules::Markdown));
        let extracted = "# T\n\nAndrea Lobo  \n15 April 2021\n\nOne long line of a paragraph.\n\n\
                         A paragraph cut by the\n\npage break here.\n\nTo visit:  \nSomewhere";
        assert!(!uses_blank_lines_deliberately(extracted, Rules::Markdown));
        // Lists and code do not count as wrapping.
        let lists = "- a\n- b\n\n- c\n  d\n\n    code\n    code\n\nOne line.";
        assert!(!uses_blank_lines_deliberately(lists, Rules::Markdown));
        assert!(!uses_blank_lines_deliberately("", Rules::Plain));
    }
}
