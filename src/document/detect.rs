//! Choosing between Markdown and plain text for a file, so `.txt` articles saved
//! with Markdown marks render styled while true plain text keeps its `*` and `\`.

use super::Format;

/// How many leading lines are inspected.
const SNIFF_LINES: usize = 200;

/// The format to parse a file with, from its extension and (for anything but
/// `.md`/`.markdown`) whether its first lines use Markdown marks: any of
/// them for a `.txt` (a saved article), a link or a fence for a file not
/// named as text.
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
    if lines().any(has_strong_mark) {
        return Format::Markdown;
    }
    // Numbered and bulleted lines and `>` quotes are written in plain text
    // too. A licence numbers its sections and indents its paragraphs, which
    // Markdown would show as code: such indented prose outweighs them.
    let indented_prose = lines().filter(|l| is_indented_prose(l)).count();
    if indented_prose < INDENTED_PROSE_LINES && lines().any(has_weak_mark) {
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

/// How many indented lines of prose make a file with only list or quote
/// marks plain text (an indented code sample has few such lines).
const INDENTED_PROSE_LINES: usize = 3;

/// A line indented like a Markdown code block that reads as a sentence: at
/// least six words, nearly all of them letters.
fn is_indented_prose(line: &str) -> bool {
    let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
    if indent < 4 && !line.starts_with('\t') {
        return false;
    }
    let words: Vec<&str> = line.split_whitespace().collect();
    let wordy = words
        .iter()
        .filter(|w| {
            let core = w.trim_matches(|c: char| c.is_ascii_punctuation());
            !core.is_empty() && core.chars().all(char::is_alphabetic)
        })
        .count();
    words.len() >= 6 && wordy * 5 >= words.len() * 4
}

/// A list item or a `>` quote: Markdown, unless the file reads as an indented
/// licence (see [`detect_format`]).
fn has_weak_mark(line: &str) -> bool {
    let t = line.trim_start();
    let quote = t.starts_with("> ") || t == ">";
    let list = t.starts_with("- ") || t.starts_with("* ") || t.starts_with("+ ") || {
        let digits = t.bytes().take_while(u8::is_ascii_digit).count();
        (1..=9).contains(&digits) && t.get(digits..).is_some_and(|r| r.starts_with(". "))
    };
    quote || list
}

/// True when a line uses a Markdown construct a plain-text author would not
/// write by accident.
fn has_strong_mark(line: &str) -> bool {
    let t = line.trim_start();
    let heading = {
        let hashes = t.bytes().take_while(|&b| b == b'#').count();
        (1..=6).contains(&hashes) && t.as_bytes().get(hashes) == Some(&b' ')
    };
    heading
        || line.contains("**")
        || line.contains("__")
        || has_link(line)
        || has_escape(line)
        || has_delimited(line, '*')
        || has_delimited(line, '_')
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
            "> quoted line",
            "- item",
            "* item",
            "1. first",
            "costs \\$500",
        ] {
            assert_eq!(detect_format("txt", text), Format::Markdown, "{text}");
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
        // Lists with an indented code sample stay Markdown.
        let notes = "Steps:\n\n1. build it\n2. run it\n\n    cargo run --release -- --help\n";
        assert_eq!(detect_format("txt", notes), Format::Markdown);
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
        assert_eq!(detect_format("txt", readme), Format::Markdown);
        let linked = "# Lamp\n\nSee [the log](log.md).\n";
        assert_eq!(detect_format("", linked), Format::Markdown);
        assert_eq!(
            detect_format("", "Build:\n\n```\nmake\n```\n"),
            Format::Markdown
        );
    }

    #[test]
    fn only_the_first_lines_are_inspected() {
        let text = "plain\n".repeat(300) + "# late heading\n";
        assert_eq!(detect_format("txt", &text), Format::Plain);
    }
}
