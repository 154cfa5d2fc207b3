//! Small text helpers for showing text in a fixed number of terminal cells:
//! the one place that decides how a long title, quote or note is flattened and
//! cut, for the ui, the app's messages and the exports alike.

use std::borrow::Cow;
use std::path::Path;

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

use crate::document::sanitize;

/// `s` with every control character shown as the reader's placeholder (see
/// [`crate::document::sanitize`]), for any text from a file, a note, a file
/// name or a config that ends up in a message or on the screen.
pub fn clean(s: &str) -> Cow<'_, str> {
    sanitize(s)
}

/// A path as a message shows it: lossy for names that are not UTF-8, and
/// with control characters as placeholders, so a file named with an escape
/// sequence cannot retitle the terminal from an error on stderr.
pub fn path(p: &Path) -> String {
    sanitize(&p.to_string_lossy()).into_owned()
}

/// `s` on one line: every run of white space, line breaks included, becomes
/// one space, and control characters become placeholders.
pub fn one_line(s: &str) -> String {
    sanitize(&s.split_whitespace().collect::<Vec<_>>().join(" ")).into_owned()
}

/// `s` cut to at most `width` cells, ending in "…" when cut. Cuts between
/// grapheme clusters, so an accent or an emoji is never split. What it
/// returns is drawn on one row: control characters become placeholders and
/// a line break or tab becomes a space, so nothing in `s` can move the
/// cursor or speak to the terminal.
pub fn fit(s: &str, width: usize) -> String {
    let clean = sanitize(s);
    let s: Cow<'_, str> = if clean.contains(['\n', '\t']) {
        Cow::Owned(clean.replace(['\n', '\t'], " "))
    } else {
        clean
    };
    if s.width() <= width {
        return s.into_owned();
    }
    if width == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for g in s.graphemes(true) {
        let w = g.width();
        if used + w + 1 > width {
            break;
        }
        used += w;
        out.push_str(g);
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What must never reach a terminal cell.
    fn control(c: char) -> bool {
        c.is_control()
            || ('\u{202a}'..='\u{202e}').contains(&c)
            || ('\u{2066}'..='\u{2069}').contains(&c)
    }

    #[test]
    fn fitted_and_flattened_text_holds_no_control_character() {
        let evil = "t\u{1b}]0;owned\u{7}\u{9b}6n\u{202e}x\ny\tz\r";
        for out in [fit(evil, 80), one_line(evil), fit(evil, 5)] {
            assert!(!out.chars().any(control), "{out:?}");
        }
        assert_eq!(fit(evil, 80), "t␛]0;owned␇\u{fffd}6n\u{fffd}x y z␍");
        assert_eq!(one_line(evil), "t␛]0;owned␇\u{fffd}6n\u{fffd}x y z");
        assert_eq!(path(Path::new("/a/\u{1b}[2J.md")), "/a/␛[2J.md");
    }

    #[test]
    fn flattens_white_space() {
        assert_eq!(one_line("  a\n\nb\tc  "), "a b c");
    }

    #[test]
    fn fits_by_cells_and_marks_the_cut() {
        assert_eq!(fit("short", 10), "short");
        assert_eq!(fit("exactly10!", 10), "exactly10!");
        assert_eq!(fit("a longer title", 8), "a longe…");
        assert_eq!(fit("日本語日本語", 5), "日本…");
        assert_eq!(fit("cafe\u{301}s", 4), "caf…");
        assert_eq!(fit("anything", 0), "");
        assert_eq!(fit("ab", 1), "…");
    }

    #[test]
    fn never_wider_than_asked() {
        for s in ["👨‍👩‍👧 family", "mixed 中文 text", "plain ascii words"] {
            for w in 0..20 {
                assert!(fit(s, w).width() <= w, "{s:?} at {w}");
            }
        }
    }
}
