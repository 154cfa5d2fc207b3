//! Small text helpers for showing text in a fixed number of terminal cells:
//! the one place that decides how a long title, quote or note is flattened and
//! cut, for the ui, the app's messages and the exports alike.

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// `s` on one line: every run of white space, line breaks included, becomes
/// one space.
pub fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `s` cut to at most `width` cells, ending in "…" when cut. Cuts between
/// grapheme clusters, so an accent or an emoji is never split.
pub fn fit(s: &str, width: usize) -> String {
    if s.width() <= width {
        return s.to_string();
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
