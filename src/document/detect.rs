//! Choosing between Markdown and plain text for a file, so `.txt` articles saved
//! with Markdown marks render styled while true plain text keeps its `*` and `\`.

use super::Format;

/// How many leading lines are inspected for Markdown marks.
const SNIFF_LINES: usize = 200;

/// How many leading lines are inspected for what Markdown would lose (a
/// table, a placeholder), which may come well after the first marks.
const LAYOUT_LINES: usize = 2000;

/// The format to parse a file with, from its extension and (for anything but
/// `.md`/`.markdown`) whether its first lines use Markdown marks: for a
/// `.txt` (a saved article) a link, a fence, `**strong**` or an escape, or
/// a heading or emphasis where Markdown would lose nothing of the file; a
/// link or a fence for a file not named as text.
pub fn detect_format(extension: &str, text: &str) -> Format {
    let ext = extension.trim_start_matches('.').to_ascii_lowercase();
    if matches!(
        ext.as_str(),
        "md" | "markdown" | "mdown" | "mkd" | "mkdn" | "mdwn"
    ) {
        return Format::Markdown;
    }
    if ext == "html" || ext == "htm" {
        return Format::Html;
    }
    if is_machine_readable_copyright(text) {
        return Format::Plain;
    }
    let lines = || text.lines().take(SNIFF_LINES);
    // A file not named as text (README, NEWS, copyright, README.Debian) is
    // plain text as a forge shows it, unless it holds a Markdown link or a
    // fenced code block: its `# ` lines are shell prompts and comments, its
    // ` * ` lines C comments, its `<x>` placeholders.
    if !matches!(ext.as_str(), "txt" | "text") {
        return if lines().any(|l| has_link(l) || l.trim_start().starts_with("```")) {
            Format::Markdown
        } else {
            Format::Plain
        };
    }
    if lines().any(has_sure_mark) {
        return Format::Markdown;
    }
    // Headings and emphasis are written in plain text too (a shell
    // comment, `*nix`, a word in stars). They make the file Markdown only
    // when Markdown would lose nothing the file shows: not a `<name>`
    // placeholder (Markdown hides it as an HTML tag), not a table aligned
    // with spaces (Markdown runs its rows into one paragraph). Numbered and
    // bulleted lines and `>` quotes alone do not: plain text draws them as
    // lists and quotes, and keeps everything else as it was written.
    let first: Vec<&str> = lines().collect();
    let likely = (0..first.len()).any(|i| has_likely_mark(&first, i));
    if likely && !has_plain_layout(text.lines().take(LAYOUT_LINES)) {
        Format::Markdown
    } else {
        Format::Plain
    }
}

/// A Debian `copyright` file in the machine-readable format (DEP-5): fields
/// holding globs such as `doc/*.pdf` and addresses in `<>`, which Markdown
/// would turn into emphasis and drop as HTML.
pub(super) fn is_machine_readable_copyright(text: &str) -> bool {
    text.lines().next().is_some_and(|first| {
        first.starts_with("Format: http") && first.contains("/copyright-format/")
    })
}

/// True when a line uses a Markdown construct a plain-text author would not
/// write by accident: a link, a fence, `**strong**`.
fn has_sure_mark(line: &str) -> bool {
    // Terminal-formatted text (a manual page's overstrikes, colour
    // sequences) is plain, whatever its marks look like.
    if is_terminal_formatted(line) {
        return false;
    }
    line.trim_start().starts_with("```") || has_pair(line, "**") || has_link(line)
}

/// Backspace overstrikes or escape sequences: a manual page as `man`
/// writes it.
fn is_terminal_formatted(line: &str) -> bool {
    line.contains(['\u{8}', '\u{1b}'])
}

/// Whether line `i` of `lines` uses a Markdown mark plain text also uses:
/// a `# heading` (indented three spaces at most, as Markdown wants, and
/// not one of a block of `#` lines: a script's or a config file's
/// comments), `*emphasis*`, `_emphasis_`, `__strong__` (also a C name
/// such as `__attribute__`), an escape such as `\$` (also a regular
/// expression's).
fn has_likely_mark(lines: &[&str], i: usize) -> bool {
    let Some(&line) = lines.get(i) else {
        return false;
    };
    if is_terminal_formatted(line) {
        return false;
    }
    let hashed = |j: Option<usize>| {
        j.and_then(|j| lines.get(j))
            .is_some_and(|l| l.trim_start().starts_with('#'))
    };
    let t = line.trim_start_matches(' ');
    let heading =
        line.len() - t.len() <= 3 && !hashed(i.checked_sub(1)) && !hashed(Some(i + 1)) && {
            let hashes = t.bytes().take_while(|&b| b == b'#').count();
            (1..=6).contains(&hashes) && t.as_bytes().get(hashes) == Some(&b' ')
        };
    heading
        || has_delimited(line, '*')
        || has_delimited(line, '_')
        || has_pair(line, "__")
        || has_escape(line)
        || without_code_spans(line).len() < line.len()
}

/// The line without its `code spans`: what is inside them shows as it is,
/// `<T>` included. A backtick left open (as in GNU's `quote' style) is kept.
fn without_code_spans(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(open) = rest.find('`') {
        let ticks = rest[open..].bytes().take_while(|&b| b == b'`').count();
        let fence = &rest[open..open + ticks];
        let after = &rest[open + ticks..];
        let Some(close) = after
            .find(fence)
            .filter(|&c| !after[..c].trim().is_empty() && !after[c + ticks..].starts_with('`'))
        else {
            out.push_str(&rest[..open + ticks]);
            rest = after;
            continue;
        };
        out.push_str(&rest[..open]);
        rest = &after[close + ticks..];
    }
    out.push_str(rest);
    out
}

/// `mark` (two characters) opening before text and closing after text
/// later on the line: `**strong**`. A longer run (a `____` rule, a line of
/// `****`) opens nothing.
fn has_pair(line: &str, mark: &str) -> bool {
    let Some(d) = mark.chars().next() else {
        return false;
    };
    let runs: Vec<(usize, usize)> = {
        let mut runs = Vec::new();
        let mut start = None;
        for (i, c) in line
            .char_indices()
            .chain(std::iter::once((line.len(), ' ')))
        {
            match (c == d, start) {
                (true, None) => start = Some(i),
                (false, Some(s)) => {
                    runs.push((s, i));
                    start = None;
                }
                _ => {}
            }
        }
        runs
    };
    let pairs = runs.iter().filter(|(s, e)| e - s == mark.len());
    let opens = pairs.clone().filter(|(_, e)| {
        line[*e..]
            .chars()
            .next()
            .is_some_and(|c| !c.is_whitespace())
    });
    opens.into_iter().any(|(_, open_end)| {
        pairs.clone().any(|(s, _)| {
            *s > *open_end
                && line[..*s]
                    .chars()
                    .next_back()
                    .is_some_and(|c| !c.is_whitespace())
        })
    })
}

/// Whether the file's first lines show something Markdown would lose: a
/// `<name>` placeholder with no `</name>` (Markdown takes it for an HTML
/// tag and shows nothing), or two rows in a row of a table aligned with
/// spaces.
fn has_plain_layout<'a>(lines: impl Iterator<Item = &'a str>) -> bool {
    let lines: Vec<&str> = lines.collect();
    // Closing tags, gathered once: a tag closed somewhere is real HTML.
    let closed: std::collections::HashSet<String> = lines
        .iter()
        .flat_map(|line| line.match_indices("</").map(|(at, _)| &line[at + 2..]))
        .filter_map(|rest| {
            rest.split_once('>')
                .map(|(name, _)| name.to_ascii_lowercase())
        })
        .collect();
    let placeholder = lines.iter().any(|line| {
        tag_names(&without_code_spans(line)).any(|name| {
            let name = name.to_ascii_lowercase();
            !super::markdown::is_void(&name) && !closed.contains(&name)
        })
    });
    placeholder
        || lines
            .windows(2)
            .any(|w| is_column_row(w[0]) && is_column_row(w[1]))
}

/// The names of `<name>` tags on a line (letters, digits and `-`, starting
/// with a letter, no attributes): what Markdown would pass as inline HTML.
fn tag_names(line: &str) -> impl Iterator<Item = &str> + '_ {
    line.split('<').skip(1).filter_map(|rest| {
        let (name, _) = rest.split_once('>')?;
        let mut chars = name.chars();
        (chars.next()?.is_ascii_alphabetic()
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '-'))
        .then_some(name)
    })
}

/// A row of a table aligned with spaces: indented less than a Markdown code
/// block, with at least two gaps of blanks between words, as plain text
/// reads a table's row (not the two spaces some put after a full stop).
fn is_column_row(line: &str) -> bool {
    let indent = line.len() - line.trim_start_matches(' ').len();
    indent < 4 && !line.starts_with('\t') && super::plain::column_gaps(line) >= 2
}

/// `[text](url)`
fn has_link(line: &str) -> bool {
    line.match_indices("](").any(|(i, _)| {
        line.get(..i).is_some_and(|head| head.contains('['))
            && line.get(i + 2..).is_some_and(|tail| tail.contains(')'))
    })
}

/// A backslash before ASCII punctuation, as in `\$` or `\*`.
fn has_escape(line: &str) -> bool {
    line.as_bytes()
        .windows(2)
        .any(|w| w[0] == b'\\' && w[1].is_ascii_punctuation() && w[1] != b'\\')
}

/// `*word*` or `_word_`: a delimiter opening before a word character and closing
/// after one, with no space just inside either end.
fn has_delimited(line: &str, d: char) -> bool {
    let chars: Vec<char> = line.chars().collect();
    let mut open: Option<usize> = None;
    for (i, &c) in chars.iter().enumerate() {
        if c != d {
            continue;
        }
        let before = i.checked_sub(1).and_then(|j| chars.get(j)).copied();
        let after = chars.get(i + 1).copied();
        let before_ok = before.is_none_or(|b| !b.is_alphanumeric());
        match open {
            Some(_)
                if before.is_some_and(|b| !b.is_whitespace() && b != d)
                    && after.is_none_or(|a| !a.is_alphanumeric()) =>
            {
                return true;
            }
            _ => {}
        }
        if before_ok && after.is_some_and(char::is_alphanumeric) {
            open = Some(i);
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_extensions_are_markdown() {
        assert_eq!(detect_format("md", "plain"), Format::Markdown);
        assert_eq!(detect_format(".Markdown", ""), Format::Markdown);
    }

    #[test]
    fn txt_with_marks_is_markdown() {
        for text in [
            "Intro\n\n# Heading\n",
            "some **bold** text",
            "an *emphasised* word",
            "an _emphasised_ word",
            "see [here](https://x.org)",
            "costs \\$500",
            "Build:\n\n```\nmake\n```\n",
            "a __strong__ word",
        ] {
            assert_eq!(detect_format("txt", text), Format::Markdown, "{text}");
        }
    }

    #[test]
    fn lists_and_quotes_alone_leave_a_txt_plain() {
        // Plain text draws them as lists and quotes, and keeps a table or
        // a `<placeholder>` further on that Markdown would lose.
        for text in [
            "> quoted line",
            "- item",
            "* item",
            "1. first",
            "Steps:\n\n1. build it\n2. run it\n\n    cargo run --release -- --help\n",
        ] {
            assert_eq!(detect_format("txt", text), Format::Plain, "{text}");
        }
    }

    #[test]
    fn txt_without_marks_is_plain() {
        for text in [
            "Just words.\n\nMore words, 5 * 3 * 2 = 30.",
            "snake_case_name and C:\\Users\\me",
            "#hashtag and a price of $5",
            "",
        ] {
            assert_eq!(detect_format("txt", text), Format::Plain, "{text}");
        }
    }

    #[test]
    fn an_indented_licence_with_numbered_sections_is_plain() {
        let licence = "                 Harbour Licence\n\n   1. Definitions.\n\n      \"Keeper\" shall mean the person who tends the light and\n      keeps the log of every ship that passes the harbour wall.\n\n      \"Vessel\" shall mean any boat that enters the harbour under\n      sail or oar, whether or not it pays the harbour fee.\n\n   2. Grant of Passage.\n";
        assert_eq!(detect_format("txt", licence), Format::Plain);
        // A strong mark wins over indented prose.
        let marked = format!("{licence}\nSee **section 2**.\n");
        assert_eq!(detect_format("txt", &marked), Format::Markdown);
    }

    #[test]
    fn a_machine_readable_copyright_file_is_plain_despite_its_globs() {
        let copyright = "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\
                         Upstream-Name: kettle\n\n\
                         Files: doc/*.pdf src/*/test_*.c\n\
                         Copyright: 2024 Wren Aldous <wren@example.org>\n\
                         License: MIT\n";
        assert_eq!(detect_format("", copyright), Format::Plain);
    }

    #[test]
    fn a_file_not_named_as_text_needs_a_link_or_a_fence_to_be_markdown() {
        // A README's shell prompts, a C comment, a placeholder.
        let readme = "To keep a copy:\n\n# mkdir backup\n# cd backup\n\n * See <file> for more.\n";
        assert_eq!(detect_format("", readme), Format::Plain);
        assert_eq!(detect_format("debian", readme), Format::Plain);
        // Named as text, its `# ` lines could be headings, but Markdown
        // would hide the `<file>` placeholder.
        assert_eq!(detect_format("txt", readme), Format::Plain);
        let linked = "# Lamp\n\nSee [the log](log.md).\n";
        assert_eq!(detect_format("", linked), Format::Markdown);
        assert_eq!(
            detect_format("", "Build:\n\n```\nmake\n```\n"),
            Format::Markdown
        );
    }

    #[test]
    fn text_markdown_would_lose_keeps_a_txt_file_plain() {
        // A placeholder Markdown would take for an HTML tag.
        let placeholder = "# Triggers\n\nNamed triggers use <kind>:<details>.\n";
        assert_eq!(detect_format("txt", placeholder), Format::Plain);
        // Real tags, opened and closed, are not placeholders.
        let tagged = "# Notes\n\nPress a <kbd>Tab</kbd> key.\n";
        assert_eq!(detect_format("txt", tagged), Format::Markdown);
        // A table aligned with spaces, which Markdown would run together.
        let table = "# Status\n\n  State      Pending   Remedy\n  unpacked   never     configure\n  installed  never     n/a\n";
        assert_eq!(detect_format("txt", table), Format::Plain);
        // Two spaces after full stops are prose, not columns.
        let prose =
            "# Lamp\n\nA lamp.  It burns.  All night long.\nThe keeper.  He trims.  The wick.\n";
        assert_eq!(detect_format("txt", prose), Format::Markdown);
        // Inside a code span, `<T>` shows as it is; `<br>` is never closed.
        let code = "# Changes\n\n* `From<usize>` is removed.\n* first line<br>second\n";
        assert_eq!(detect_format("txt", code), Format::Markdown);
        // A sure mark still wins.
        let linked = format!("{placeholder}\nSee [the log](log.md).\n");
        assert_eq!(detect_format("txt", &linked), Format::Markdown);
    }

    #[test]
    fn rules_overstrikes_and_indented_comments_are_not_markdown_marks() {
        // A rule of underscores under a contents list.
        let rules = "Contents\n     ____________________\n\n1. Users\n2. Groups\n     ____________________\n";
        assert!(!has_sure_mark(rules.lines().nth(1).unwrap()));
        // A manual page's underlined word, drawn with overstrikes.
        assert!(!has_sure_mark("a |\u{8}_b\u{8}_o\u{8}_x\u{8}_|\u{8}__"));
        // A script's tab-indented comment.
        let script = "\tset(A ON)\n\n\t# In this edition we need it\n\tset(B ON)\n";
        assert_eq!(detect_format("txt", script), Format::Plain);
        assert!(has_sure_mark("a **strong** word"));
        // A config file's block of comments.
        let config = "# The list of trusted keys.  Comment lines, like this\n# one, are ignored.\nkey 1234\n";
        assert_eq!(detect_format("txt", config), Format::Plain);
        // A C name in release notes with a placeholder further on.
        let notes = format!(
            "Notes\n=====\n\n * use __attribute__() to check formats.\n{}\n * \"git show <commit>\" works.\n",
            "\n".repeat(400)
        );
        assert_eq!(detect_format("txt", &notes), Format::Plain);
        assert!(!has_sure_mark("5 ** 3 ** 2"));
    }

    #[test]
    fn only_the_first_lines_are_inspected() {
        let text = "plain\n".repeat(300) + "# late heading\n";
        assert_eq!(detect_format("txt", &text), Format::Plain);
    }
}
