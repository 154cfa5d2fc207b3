//! Syntax highlighting of fenced code blocks by their language, with
//! syntect's grammars (the ones bat uses). Highlighting is presentation: it is
//! worked out here, when a block is drawn, and never touches the canonical
//! text. The grammars are loaded the first time a block with a language is
//! drawn, so articles without code pay nothing.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::ops::Range;
use std::sync::{Arc, Mutex, OnceLock};

use ratatui::style::{Color, Modifier, Style};
use syntect::parsing::{ParseState, Scope, ScopeStack, SyntaxSet};

/// Blocks larger than this are drawn plain: highlighting costs about a
/// quarter of a millisecond a line (benches/syntax.rs), and the first frame
/// that shows a block pays for all of it.
const MAX_BLOCK: usize = 8 * 1024;

/// Highlighted blocks kept; the memo is emptied when it grows past this.
const MEMO_BLOCKS: usize = 64;

/// What a run of code is, in the few kinds a reader tells apart by colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `// like this`
    Comment,
    /// `"like this"`
    Text,
    /// Numbers and named constants.
    Constant,
    /// `fn`, `if`, `let`, `class` and storage words.
    Keyword,
    /// A function's name where it is defined or called.
    Function,
    /// A type's name.
    Type,
}

/// The style of a kind: the terminal's own palette colours, so code reads on
/// dark and light themes alike.
pub fn style(kind: Kind) -> Style {
    match kind {
        Kind::Comment => Style::new()
            .fg(Color::DarkGray)
            .add_modifier(Modifier::ITALIC),
        Kind::Text => Style::new().fg(Color::Green),
        Kind::Constant => Style::new().fg(Color::Yellow),
        Kind::Keyword => Style::new().fg(Color::Magenta),
        Kind::Function => Style::new().fg(Color::Blue),
        Kind::Type => Style::new().fg(Color::Cyan),
    }
}

/// Runs of a block's text (offsets relative to the block) and their kinds,
/// sorted and not overlapping; text in no run is plain.
pub type Runs = Arc<Vec<(Range<usize>, Kind)>>;

/// The grammars and the scopes that decide a run's kind, loaded once.
struct Grammars {
    set: SyntaxSet,
    /// Scope prefixes and the kind each means, the more specific first.
    kinds: Vec<(Scope, Kind)>,
}

fn grammars() -> &'static Grammars {
    static GRAMMARS: OnceLock<Grammars> = OnceLock::new();
    GRAMMARS.get_or_init(|| {
        let kinds = [
            ("comment", Kind::Comment),
            ("string", Kind::Text),
            ("constant", Kind::Constant),
            ("entity.name.function", Kind::Function),
            ("support.function", Kind::Function),
            ("variable.function", Kind::Function),
            ("entity.name.type", Kind::Type),
            ("entity.name.class", Kind::Type),
            ("support.type", Kind::Type),
            ("support.class", Kind::Type),
            ("storage.type", Kind::Keyword),
            ("storage", Kind::Keyword),
            ("keyword", Kind::Keyword),
        ]
        .into_iter()
        .filter_map(|(name, kind)| Scope::new(name).ok().map(|s| (s, kind)))
        .collect();
        Grammars {
            set: SyntaxSet::load_defaults_newlines(),
            kinds,
        }
    })
}

/// The runs of `code` written in `lang` (a fence's info word such as `rust`,
/// `js`, `sh`), remembered between frames; `None` when the language is
/// unknown, empty or the block too large, so the block is drawn plain.
pub fn runs(lang: &str, code: &str) -> Option<Runs> {
    if lang.is_empty() || code.len() > MAX_BLOCK {
        return None;
    }
    static MEMO: OnceLock<Mutex<HashMap<u64, Option<Runs>>>> = OnceLock::new();
    let key = {
        let mut h = DefaultHasher::new();
        lang.hash(&mut h);
        code.hash(&mut h);
        h.finish()
    };
    let memo = MEMO.get_or_init(Default::default);
    if let Ok(memo) = memo.lock()
        && let Some(found) = memo.get(&key)
    {
        return found.clone();
    }
    let found = highlight(lang, code).map(Arc::new);
    if let Ok(mut memo) = memo.lock() {
        if memo.len() >= MEMO_BLOCKS {
            memo.clear();
        }
        memo.insert(key, found.clone());
    }
    found
}

/// Parses `code` line by line with the grammar for `lang`, without the memo
/// [`runs`] keeps (benchmarks measure this).
pub fn highlight(lang: &str, code: &str) -> Option<Vec<(Range<usize>, Kind)>> {
    let g = grammars();
    let syntax = g
        .set
        .find_syntax_by_token(lang)
        .or_else(|| g.set.find_syntax_by_extension(&lang.to_ascii_lowercase()))?;
    let mut state = ParseState::new(syntax);
    let mut stack = ScopeStack::new();
    let mut out: Vec<(Range<usize>, Kind)> = Vec::new();
    let mut push = |range: Range<usize>, kind: Option<Kind>| {
        let Some(kind) = kind.filter(|_| !range.is_empty()) else {
            return;
        };
        match out.last_mut() {
            Some((last, k)) if last.end == range.start && *k == kind => last.end = range.end,
            _ => out.push((range, kind)),
        }
    };
    let mut base = 0;
    let mut line = String::new();
    for piece in code.split_inclusive('\n') {
        // The grammars expect every line to end with a line feed.
        line.clear();
        line.push_str(piece);
        if !line.ends_with('\n') {
            line.push('\n');
        }
        let ops = state.parse_line(&line, &g.set).ok()?;
        let mut at = 0;
        for (i, op) in ops {
            let i = i.min(piece.len());
            push(base + at..base + i, kind_of(&stack, &g.kinds));
            stack.apply(&op).ok()?;
            at = i.max(at);
        }
        push(base + at..base + piece.len(), kind_of(&stack, &g.kinds));
        base += piece.len();
    }
    Some(out)
}

/// The kind of the innermost scope on `stack` that has one.
fn kind_of(stack: &ScopeStack, kinds: &[(Scope, Kind)]) -> Option<Kind> {
    stack.as_slice().iter().rev().find_map(|scope| {
        kinds
            .iter()
            .find(|(prefix, _)| prefix.is_prefix_of(*scope))
            .map(|(_, k)| *k)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(lang: &str, code: &str) -> Vec<(String, Kind)> {
        runs(lang, code)
            .unwrap()
            .iter()
            .map(|(r, k)| (code[r.clone()].to_string(), *k))
            .collect()
    }

    #[test]
    fn rust_keywords_strings_and_comments() {
        let got = kinds("rust", "fn main() {\n    let s = \"hi\"; // greet\n}");
        assert!(got.contains(&("fn".into(), Kind::Keyword)), "{got:?}");
        assert!(got.contains(&("main".into(), Kind::Function)), "{got:?}");
        assert!(
            got.iter()
                .any(|(t, k)| t.contains("hi") && *k == Kind::Text),
            "{got:?}"
        );
        assert!(
            got.iter()
                .any(|(t, k)| t.contains("greet") && *k == Kind::Comment),
            "{got:?}"
        );
    }

    #[test]
    fn unknown_or_missing_languages_are_plain() {
        assert!(runs("", "let x = 1;").is_none());
        assert!(runs("no-such-language", "let x = 1;").is_none());
    }

    #[test]
    fn runs_stay_inside_the_text_and_in_order() {
        let code = "const a = 'x';\n\n\tfunction f(b) { return b + 1 }";
        let runs = runs("js", code).unwrap();
        let mut end = 0;
        for (r, _) in runs.iter() {
            assert!(r.start >= end && r.end <= code.len() && r.start < r.end);
            end = r.end;
        }
    }
}
