//! A library search query: what was typed plus the modes (whole word,
//! regular expression, accent folding), compiled once into a matcher that
//! both the file searcher and the reader's in-article search use, so a match
//! in the list is a match in the article.

use std::ops::Range;

use grep_matcher::Matcher;
use grep_regex::{RegexMatcher, RegexMatcherBuilder};
use serde::{Deserialize, Serialize};

use super::fold;

/// How a query is matched; the defaults come from the `[search]` config
/// table and each can be flipped by a key while searching.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Options {
    /// Only whole words match (`art` does not find `article`).
    pub whole_word: bool,
    /// The query is a regular expression (Rust `regex` syntax) rather than
    /// literal text.
    pub regex: bool,
    /// Letters match their accented forms and back (`cafe` finds `café`).
    pub fold_accents: bool,
}

impl Options {
    /// Short flags for the search line and `--json` ("word regex accents").
    pub fn labels(self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.whole_word {
            out.push("word");
        }
        if self.regex {
            out.push("regex");
        }
        if self.fold_accents {
            out.push("accents");
        }
        out
    }
}

/// A compiled query.
#[derive(Debug, Clone)]
pub struct Query {
    text: String,
    options: Options,
    case_sensitive: bool,
    /// A plain-text query of several words: its spaces match any run of
    /// white space, line breaks included, so a phrase is found where the
    /// file wraps it (the searcher then runs in multi-line mode).
    multi_line: bool,
    matcher: RegexMatcher,
}

/// Why a query cannot run: an invalid regular expression, or one that
/// matches empty text (it would match everywhere).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct QueryError(pub String);

impl Query {
    /// Compiles `text` with `options`. Case is smart: the query is
    /// case-sensitive exactly when it holds an upper-case letter (in a
    /// regular expression, an upper-case letter that is literal text, so
    /// `\S` alone does not count).
    pub fn new(text: &str, options: Options) -> Result<Self, QueryError> {
        if text.is_empty() {
            return Err(QueryError("type something to search for".into()));
        }
        let multi_line = !options.regex && text.chars().any(char::is_whitespace);
        let mut builder = RegexMatcherBuilder::new();
        builder
            .line_terminator((!multi_line).then_some(b'\n'))
            .word(options.whole_word)
            .size_limit(10 * (1 << 20))
            .dfa_size_limit(20 * (1 << 20));
        let (pattern, case_sensitive) = if options.regex {
            builder.case_smart(true);
            (text.to_string(), has_literal_upper(text))
        } else {
            let sensitive = text.chars().any(char::is_uppercase);
            builder.case_insensitive(!sensitive);
            (literal_pattern(text, options.fold_accents), sensitive)
        };
        let matcher = builder.build(&pattern).map_err(|e| {
            let message = e.to_string();
            // The parser's message is several lines with a caret diagram;
            // its last line says what is wrong.
            let last = message.lines().rev().find(|l| !l.trim().is_empty());
            QueryError(format!(
                "not a valid regular expression: {}",
                last.unwrap_or(&message)
                    .trim()
                    .trim_start_matches("error: ")
            ))
        })?;
        if matcher.is_match(b"").unwrap_or(false) {
            return Err(QueryError(
                "the pattern matches empty text: it would match everywhere".into(),
            ));
        }
        Ok(Self {
            text: text.to_string(),
            options,
            case_sensitive,
            multi_line,
            matcher,
        })
    }

    /// Whether a match can span lines (a plain-text query of several
    /// words): the file searcher must then look past line ends.
    pub fn multi_line(&self) -> bool {
        self.multi_line
    }

    /// The query as typed.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The modes it was compiled with.
    pub fn options(&self) -> Options {
        self.options
    }

    /// Whether upper and lower case are told apart (smart case).
    pub fn case_sensitive(&self) -> bool {
        self.case_sensitive
    }

    /// The matcher for the byte searcher.
    pub fn matcher(&self) -> &RegexMatcher {
        &self.matcher
    }

    /// Every non-empty match in `text`, as byte ranges on char boundaries
    /// (the matcher is Unicode-aware, so a match never splits a character).
    pub fn find_all(&self, text: &str) -> Vec<Range<usize>> {
        find_in(&self.matcher, text.as_bytes())
    }
}

/// What a run of white space in a plain-text query matches: white space,
/// with the Markdown markup a reader does not see around it (`**`, `_`,
/// backticks, the brackets of a link and its `(address)` or `[label]`), so
/// a phrase the reader shows is found in the file that marks it up ("a
/// Worker pool" where the word is a link whose text is code).
const GAP: &str = r"(?:\]\([^()\s]*\)|\]\[[^\]\s]*\]|[*_~`\[\]])*\s+(?:[*_~`\[])*";

/// The pattern for plain text: each run of white space matches any run of
/// white space (so a phrase is found across a line break or a double
/// space) and the markup around it (see [`GAP`]), everything else
/// literally, or with its accented forms.
fn literal_pattern(text: &str, fold_accents: bool) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if !word.is_empty() {
            out.push_str(&if fold_accents {
                fold::folded_pattern(word)
            } else {
                regex_syntax::escape(word)
            });
            word.clear();
        }
    };
    let mut in_space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            flush(&mut word, &mut out);
            if !in_space {
                out.push_str(GAP);
            }
            in_space = true;
        } else {
            word.push(c);
            in_space = false;
        }
    }
    flush(&mut word, &mut out);
    out
}

/// Every non-empty match of `matcher` in `bytes`.
pub fn find_in(matcher: &RegexMatcher, bytes: &[u8]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let _ = matcher.find_iter(bytes, |m| {
        if m.start() < m.end() {
            out.push(m.start()..m.end());
        }
        true
    });
    out
}

/// Whether a regular expression holds an upper-case letter as literal text
/// (what smart case looks at): letters after a backslash name classes or
/// escapes, not text.
fn has_literal_upper(pattern: &str) -> bool {
    let mut escaped = false;
    for c in pattern.chars() {
        if escaped {
            escaped = false;
            continue;
        }
        if c == '\\' {
            escaped = true;
        } else if c.is_uppercase() {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(q: &Query, text: &str) -> Vec<String> {
        q.find_all(text)
            .into_iter()
            .map(|r| text[r].to_string())
            .collect()
    }

    #[test]
    fn smart_case() {
        let text = "Zephyr zephyr ZEPHYR";
        let lower = Query::new("zephyr", Options::default()).unwrap();
        assert_eq!(texts(&lower, text).len(), 3);
        assert!(!lower.case_sensitive());
        let upper = Query::new("Zephyr", Options::default()).unwrap();
        assert_eq!(texts(&upper, text), ["Zephyr"]);
    }

    #[test]
    fn whole_word() {
        let word = Options {
            whole_word: true,
            ..Options::default()
        };
        let q = Query::new("art", word).unwrap();
        assert_eq!(texts(&q, "art, article, part; Art"), ["art", "Art"]);
    }

    #[test]
    fn regex_mode_and_literal_mode() {
        let regex = Options {
            regex: true,
            ..Options::default()
        };
        let q = Query::new(r"colou?r", regex).unwrap();
        assert_eq!(texts(&q, "color colour"), ["color", "colour"]);
        let literal = Query::new("a.c", Options::default()).unwrap();
        assert_eq!(texts(&literal, "abc a.c"), ["a.c"]);
        // \S is not an upper-case letter of the text: still ignores case.
        let q = Query::new(r"x\S", regex).unwrap();
        assert_eq!(texts(&q, "xa XB"), ["xa", "XB"]);
    }

    #[test]
    fn accents_fold_both_ways() {
        let fold = Options {
            fold_accents: true,
            ..Options::default()
        };
        let q = Query::new("café", fold).unwrap();
        assert_eq!(texts(&q, "cafe café CAFÈ"), ["cafe", "café", "CAFÈ"]);
        let q = Query::new("cafe", fold).unwrap();
        assert_eq!(texts(&q, "le café"), ["café"]);
        let strict = Query::new("cafe", Options::default()).unwrap();
        assert!(texts(&strict, "le café").is_empty());
    }

    #[test]
    fn a_phrase_matches_across_line_breaks_and_spaces() {
        let q = Query::new("tide came", Options::default()).unwrap();
        assert!(q.multi_line());
        assert_eq!(
            texts(&q, "the tide\ncame in; the TIDE  came"),
            ["tide\ncame", "TIDE  came"]
        );
        let word = Query::new("one word", Options::default()).unwrap();
        assert!(texts(&word, "one words").len() == 1);
        let single = Query::new("tide", Options::default()).unwrap();
        assert!(!single.multi_line());
        let folded = Options {
            fold_accents: true,
            ..Options::default()
        };
        let q = Query::new("cafe noir", folded).unwrap();
        assert_eq!(texts(&q, "un café\nnoir"), ["café\nnoir"]);
        // A regular expression means what it says.
        let regex = Options {
            regex: true,
            ..Options::default()
        };
        assert!(!Query::new("a b", regex).unwrap().multi_line());
    }

    #[test]
    fn bad_and_empty_patterns_are_errors() {
        let regex = Options {
            regex: true,
            ..Options::default()
        };
        assert!(
            Query::new("(", regex)
                .unwrap_err()
                .0
                .contains("regular expression")
        );
        assert!(Query::new("a*", regex).unwrap_err().0.contains("empty"));
        assert!(Query::new("", Options::default()).is_err());
    }
}
