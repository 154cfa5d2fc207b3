//! Syntax highlighting of fenced code blocks by their language, with
//! syntect's grammars (the ones bat uses). Highlighting is presentation: it is
//! worked out here, when a block is drawn, and never touches the canonical
//! text. The grammars are loaded the first time a block with a language is
//! drawn, so articles without code pay nothing.
//!
//! Loading the grammars and compiling one language's patterns takes tens of
//! milliseconds, far more than a frame: a block whose language is not ready
//! yet is drawn plain ([`ready_runs`]) and asked for ([`take_wanted`]), the
//! session prepares it off the event loop, and the next frame shows it in
//! colour. Once a language is ready its blocks are highlighted as drawn.

use std::collections::{HashMap, HashSet};
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

/// Blocks waiting to be prepared off the event loop are not queued past
/// this (a screen shows a few; the rest are asked for again when drawn).
const WANTED_BLOCKS: usize = 16;

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

/// Highlighted blocks by [`memo_key`], between frames.
fn memo() -> &'static Mutex<HashMap<u64, Option<Runs>>> {
    static MEMO: OnceLock<Mutex<HashMap<u64, Option<Runs>>>> = OnceLock::new();
    MEMO.get_or_init(Default::default)
}

/// Languages (fence words) whose grammar has been used once, so their
/// patterns are compiled and a block costs only its lines.
fn ready_languages() -> &'static Mutex<HashSet<String>> {
    static READY: OnceLock<Mutex<HashSet<String>>> = OnceLock::new();
    READY.get_or_init(Default::default)
}

/// Blocks drawn plain because their language was not ready, waiting for
/// [`take_wanted`].
fn wanted() -> &'static Mutex<Vec<(String, String)>> {
    static WANTED: Mutex<Vec<(String, String)>> = Mutex::new(Vec::new());
    &WANTED
}

fn memo_key(lang: &str, code: &str) -> u64 {
    let mut h = DefaultHasher::new();
    lang.hash(&mut h);
    code.hash(&mut h);
    h.finish()
}

/// The runs of `code` written in `lang` (a fence's info word such as `rust`,
/// `js`, `sh`), remembered between frames; `None` when the language is
/// unknown, empty or the block too large, so the block is drawn plain.
/// The first block of a language pays for loading its grammar: the drawing
/// calls [`ready_runs`] instead, and this runs off the event loop.
pub fn runs(lang: &str, code: &str) -> Option<Runs> {
    if lang.is_empty() || code.len() > MAX_BLOCK {
        return None;
    }
    let key = memo_key(lang, code);
    if let Ok(memo) = memo().lock()
        && let Some(found) = memo.get(&key)
    {
        return found.clone();
    }
    let found = highlight(lang, code).map(Arc::new);
    if let Ok(mut ready) = ready_languages().lock() {
        ready.insert(lang.to_string());
    }
    if let Ok(mut memo) = memo().lock() {
        if memo.len() >= MEMO_BLOCKS {
            memo.clear();
        }
        memo.insert(key, found.clone());
    }
    found
}

/// The runs for drawing a block now: as [`runs`] when the block was
/// highlighted before or its language is ready; otherwise `None` (the block
/// is drawn plain this frame) and the block is kept for [`take_wanted`], so
/// a frame never waits for a grammar to load.
pub fn ready_runs(lang: &str, code: &str) -> Option<Runs> {
    if lang.is_empty() || code.len() > MAX_BLOCK {
        return None;
    }
    if let Ok(memo) = memo().lock()
        && let Some(found) = memo.get(&memo_key(lang, code))
    {
        return found.clone();
    }
    let ready = ready_languages()
        .lock()
        .map(|ready| ready.contains(lang))
        .unwrap_or(false);
    if ready {
        return runs(lang, code);
    }
    if let Ok(mut wanted) = wanted().lock()
        && !wanted.iter().any(|(l, c)| l == lang && c == code)
    {
        if wanted.len() >= WANTED_BLOCKS {
            // The newest are the ones on screen.
            wanted.remove(0);
        }
        wanted.push((lang.to_string(), code.to_string()));
    }
    None
}

/// The blocks drawn plain since the last call because their language was
/// not ready: the caller prepares them with [`runs`] off the event loop and
/// draws again.
pub fn take_wanted() -> Vec<(String, String)> {
    wanted()
        .lock()
        .map(|mut wanted| std::mem::take(&mut *wanted))
        .unwrap_or_default()
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
    fn a_block_of_a_language_not_ready_is_drawn_plain_and_asked_for() {
        let code = "(defun ready-test () 1)";
        assert!(ready_runs("lisp", code).is_none(), "drawn plain at once");
        assert!(
            wanted()
                .lock()
                .unwrap()
                .iter()
                .any(|(l, c)| l == "lisp" && c == code)
        );
        // What the session's job does with it.
        assert!(runs("lisp", code).is_some());
        assert!(ready_runs("lisp", code).is_some(), "in colour from then on");
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
