//! A little of the text around a highlight, for the review: from the
//! article itself when it can be read (the rest of the sentence before and
//! after, at most a few lines), else the prefix and suffix stored with the
//! highlight.

use std::ops::Range;

/// At most this many characters of context on each side.
pub const CONTEXT_CHARS: usize = 240;

/// The text before and after `range` in `text`, each cut at a sentence or
/// paragraph boundary when one is within [`CONTEXT_CHARS`] characters, else at
/// a word; whitespace runs (line breaks included) become single spaces.
pub fn around(text: &str, range: Range<usize>) -> (String, String) {
    let start = floor(text, range.start.min(text.len()));
    let end = floor(text, range.end.min(text.len())).max(start);
    let before = &text[..start];
    let after = &text[end..];
    (lead_in(before), follow_on(after))
}

/// The largest char boundary at or below `i`.
fn floor(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The end of `before`: from the last sentence or paragraph start.
fn lead_in(before: &str) -> String {
    let window: String = {
        let chars: Vec<char> = before.chars().collect();
        chars[chars.len().saturating_sub(CONTEXT_CHARS)..]
            .iter()
            .collect()
    };
    let cut_whole = window.chars().count() < before.chars().count();
    let from = window
        .rfind("\n\n")
        .map(|i| i + 2)
        .or_else(|| {
            window
                .char_indices()
                .filter(|&(i, c)| {
                    matches!(c, '.' | '!' | '?')
                        && window[i + c.len_utf8()..].starts_with(char::is_whitespace)
                })
                .map(|(i, c)| i + c.len_utf8())
                .next_back()
        })
        .or_else(|| {
            // No boundary: start after the first space so no word is cut.
            cut_whole.then(|| window.find(' ').map_or(0, |i| i + 1))
        })
        .unwrap_or(0);
    squash(&window[from..])
}

/// The start of `after`: up to the end of the sentence or paragraph.
fn follow_on(after: &str) -> String {
    let window: String = after.chars().take(CONTEXT_CHARS).collect();
    let cut_whole = window.len() < after.len();
    let to = window
        .find("\n\n")
        .into_iter()
        .chain(
            window
                .char_indices()
                .find(|&(i, c)| {
                    matches!(c, '.' | '!' | '?')
                        && window[i + c.len_utf8()..]
                            .chars()
                            .next()
                            .is_none_or(char::is_whitespace)
                })
                .map(|(i, c)| i + c.len_utf8()),
        )
        .min()
        .or_else(|| cut_whole.then(|| window.rfind(' ').unwrap_or(window.len())))
        .unwrap_or(window.len());
    squash(&window[..to])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(text: &str, quote: &str) -> (String, String) {
        let start = text.find(quote).unwrap();
        around(text, start..start + quote.len())
    }

    #[test]
    fn the_rest_of_the_sentence_on_each_side() {
        let text = "First one. The deal was signed\nin March by both. Then nothing.";
        assert_eq!(
            ctx(text, "signed"),
            ("The deal was".to_string(), "in March by both.".to_string())
        );
    }

    #[test]
    fn paragraphs_bound_the_context() {
        let text = "Heading\n\nA short paragraph with the quote in it\n\nNext one.";
        assert_eq!(
            ctx(text, "quote"),
            (
                "A short paragraph with the".to_string(),
                "in it".to_string()
            )
        );
    }

    #[test]
    fn long_runs_are_cut_at_a_word() {
        let words = "word ".repeat(200);
        let text = format!("{words}QUOTE {words}");
        let (before, after) = ctx(&text, "QUOTE");
        assert!(before.chars().count() <= CONTEXT_CHARS);
        assert!(before.split(' ').all(|w| w == "word"), "{before}");
        assert!(after.split(' ').all(|w| w == "word"), "{after}");
    }
}
