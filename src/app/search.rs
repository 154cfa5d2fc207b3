//! Finding text in an article: every match of a query in the canonical text.

use std::ops::Range;

/// A search and where its matches are.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Search {
    /// The query as typed.
    pub query: String,
    /// Byte ranges of every match, in order.
    pub matches: Vec<Range<usize>>,
    /// The match the reader was last moved to.
    pub current: Option<usize>,
}

impl Search {
    /// Finds every match of `query` in `text`. The search ignores case unless the
    /// query has an upper-case letter ("smart case", as in vim and less).
    pub fn new(query: &str, text: &str) -> Self {
        Self {
            query: query.to_string(),
            matches: find_all(text, query),
            current: None,
        }
    }

    /// The first match at or after `offset` (wrapping to the first), or the last
    /// match before `offset` (wrapping to the last) when `backward`.
    pub fn next_from(&self, offset: usize, backward: bool) -> Option<usize> {
        if self.matches.is_empty() {
            return None;
        }
        if backward {
            let i = self.matches.partition_point(|m| m.start < offset);
            Some(if i == 0 {
                self.matches.len() - 1
            } else {
                i - 1
            })
        } else {
            let i = self.matches.partition_point(|m| m.start < offset);
            Some(if i == self.matches.len() { 0 } else { i })
        }
    }

    /// "3/17" style position for the status bar.
    pub fn status(&self) -> String {
        match (self.matches.len(), self.current) {
            (0, _) => format!("no match for \"{}\"", self.query),
            (n, Some(i)) => format!("match {}/{n} for \"{}\"", i + 1, self.query),
            (n, None) => format!("{n} matches for \"{}\"", self.query),
        }
    }
}

fn fold(c: char, ignore_case: bool) -> char {
    if ignore_case {
        c.to_lowercase().next().unwrap_or(c)
    } else {
        c
    }
}

/// One step of a query: a character, or a blank (a run of white space in
/// the query) that matches any run of white space in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Char(char),
    Blank,
}

/// `query` as steps, case-folded when `ignore_case`.
fn steps(query: &str, ignore_case: bool) -> Vec<Step> {
    let mut out = Vec::new();
    for c in query.chars() {
        if c.is_whitespace() {
            if out.last() != Some(&Step::Blank) {
                out.push(Step::Blank);
            }
        } else {
            out.push(Step::Char(fold(c, ignore_case)));
        }
    }
    out
}

/// Where a match of `steps` starting at `start` ends, if one does.
fn match_at(text: &str, start: usize, steps: &[Step], ignore_case: bool) -> Option<usize> {
    let mut chars = text[start..].char_indices().peekable();
    let mut end = start;
    for step in steps {
        let (i, c) = chars.next()?;
        match *step {
            Step::Char(n) if fold(c, ignore_case) == n => end = start + i + c.len_utf8(),
            Step::Blank if c.is_whitespace() => {
                end = start + i + c.len_utf8();
                while let Some(&(i, c)) = chars.peek().filter(|(_, c)| c.is_whitespace()) {
                    end = start + i + c.len_utf8();
                    chars.next();
                }
            }
            _ => return None,
        }
    }
    Some(end)
}

/// Every non-overlapping match of `query` in `text`, compared char by char with
/// simple case folding so byte offsets stay exact. A space in the query
/// matches any run of white space, so `Chapter 1` finds the words however
/// the text spaces them (a no-break space, a line break in a code block,
/// two spaces after a full stop), as `F` does.
fn find_all(text: &str, query: &str) -> Vec<Range<usize>> {
    if query.is_empty() {
        return Vec::new();
    }
    let ignore_case = !query.chars().any(char::is_uppercase);
    if query.is_ascii() && !query.contains(|c: char| c.is_ascii_whitespace()) {
        return find_ascii(text.as_bytes(), query.as_bytes(), ignore_case);
    }
    let steps = steps(query, ignore_case);
    let mut out = Vec::new();
    let mut next_free = 0;
    for (start, _) in text.char_indices() {
        if start < next_free {
            continue;
        }
        if let Some(end) = match_at(text, start, &steps, ignore_case) {
            out.push(start..end);
            next_free = end;
        }
    }
    out
}

/// The common case, an ASCII query, compared byte by byte: ASCII bytes never
/// occur inside a multi-byte character, so every match is on char boundaries.
fn find_ascii(text: &[u8], needle: &[u8], ignore_case: bool) -> Vec<Range<usize>> {
    let eq = |a: u8, b: u8| {
        if ignore_case {
            a.eq_ignore_ascii_case(&b)
        } else {
            a == b
        }
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i + needle.len() <= text.len() {
        if text[i..i + needle.len()]
            .iter()
            .zip(needle)
            .all(|(&a, &b)| eq(a, b))
        {
            out.push(i..i + needle.len());
            i += needle.len();
        } else {
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smart_case() {
        let text = "Zephyr zephyr ZEPHYR";
        assert_eq!(Search::new("zephyr", text).matches.len(), 3);
        assert_eq!(Search::new("Zephyr", text).matches, vec![0..6]);
    }

    #[test]
    fn offsets_are_exact_with_multibyte_text() {
        let text = "café Café caf";
        let s = Search::new("café", text);
        assert_eq!(
            s.matches
                .iter()
                .map(|r| &text[r.clone()])
                .collect::<Vec<_>>(),
            ["café", "Café"]
        );
    }

    #[test]
    fn next_and_previous_wrap() {
        let s = Search::new("a", "a.a.a");
        assert_eq!(s.next_from(1, false), Some(1));
        assert_eq!(s.next_from(5, false), Some(0));
        assert_eq!(s.next_from(0, true), Some(2));
        assert_eq!(s.next_from(3, true), Some(1));
    }

    #[test]
    fn ascii_and_unicode_paths_agree() {
        let text = "Zephyr, zéphyr — ZEPHYR; zephyrzephyr ǅ";
        for query in ["zephyr", "Zephyr", "r z", "phyr", "ǅ"] {
            let fast = Search::new(query, text).matches;
            let ignore_case = !query.chars().any(char::is_uppercase);
            let needle: Vec<char> = query.chars().map(|c| fold(c, ignore_case)).collect();
            let slow: Vec<Range<usize>> = {
                let mut out = Vec::new();
                let mut free = 0;
                for (start, _) in text.char_indices() {
                    if start < free {
                        continue;
                    }
                    let got: Vec<(usize, char)> =
                        text[start..].char_indices().take(needle.len()).collect();
                    if got.len() == needle.len()
                        && got
                            .iter()
                            .zip(&needle)
                            .all(|((_, c), n)| fold(*c, ignore_case) == *n)
                    {
                        let (i, c) = got[got.len() - 1];
                        out.push(start..start + i + c.len_utf8());
                        free = start + i + c.len_utf8();
                    }
                }
                out
            };
            assert_eq!(fast, slow, "{query}");
        }
    }

    #[test]
    fn a_space_in_the_query_matches_any_run_of_white_space() {
        let text = "Chapter\u{a0}1. Protocol, chapter  1 again,\nchapter\n1 at a break; chapter1.";
        let found: Vec<&str> = find_all(text, "chapter 1")
            .into_iter()
            .map(|r| &text[r])
            .collect();
        assert_eq!(found, ["Chapter\u{a0}1", "chapter  1", "chapter\n1"]);
        // Upper case still makes it exact, spaces still flexible.
        assert_eq!(find_all(text, "Chapter 1"), vec![0..10_usize]);
        // Two spaces typed are one blank.
        assert_eq!(find_all(text, "chapter  1").len(), 3);
    }

    #[test]
    fn no_match_and_empty_query() {
        assert!(Search::new("", "abc").matches.is_empty());
        assert_eq!(Search::new("x", "abc").status(), "no match for \"x\"");
    }
}
