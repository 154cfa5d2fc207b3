//! A guard run before a page reaches the HTML tree builder. html5ever's tree
//! builder looks through the stack of open elements for every tag, so a page
//! of 100,000 nested `<div>`s (1 MB) took 27 s to parse and 50 s to show, the
//! reader frozen meanwhile, and a folder holding it listed nothing for as
//! long. Such a page is read with html5ever's tokenizer (which takes time in
//! proportion to the page) and written again without the tags nested deeper
//! than the reader shows as structure anyway ([`super::html_page::MAX_DEPTH`]):
//! every character of text is kept. Any other page is passed on untouched.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

/// Nesting past this is pathological (real pages stay under a hundred): only
/// then is the page written again.
const TRIGGER: usize = 1024;

/// Elements that never hold others or whose end tag may be left out (an
/// unclosed `<p>` or `<li>` is closed by the next one): they do not count as
/// nesting, so a long list of unclosed items is not taken for a deep one.
const NOT_NESTING: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "tbody",
    "thead", "tfoot", "colgroup", "rb", "rt", "rp", "html", "head", "body",
];

/// The page with tags nested deeper than `keep` left out when it nests
/// deeper than [`TRIGGER`]; otherwise the page itself.
pub(super) fn limit_nesting(source: &str, keep: usize) -> Cow<'_, str> {
    // Nesting cannot exceed the number of tags.
    if source.bytes().filter(|&b| b == b'<').count() <= TRIGGER {
        return Cow::Borrowed(source);
    }
    if run(source, Rewrite::measuring()).deepest.get() <= TRIGGER {
        return Cow::Borrowed(source);
    }
    let sink = run(source, Rewrite::writing(keep, source.len()));
    Cow::Owned(sink.out.into_inner().unwrap_or_default())
}

fn run(source: &str, sink: Rewrite) -> Rewrite {
    let tokenizer = Tokenizer::new(sink, TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from(source));
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    tokenizer.sink
}

/// Counts nesting and, when writing, writes the page again without the tags
/// deeper than `keep`.
struct Rewrite {
    keep: usize,
    depth: Cell<usize>,
    deepest: Cell<usize>,
    /// Inside a script, style or similar element whose content is not
    /// markup: `Some(true)` when that element was left out (and so is its
    /// content, which would otherwise show as text).
    raw: Cell<Option<bool>>,
    out: RefCell<Option<String>>,
}

impl Rewrite {
    fn measuring() -> Self {
        Self {
            keep: usize::MAX,
            depth: Cell::new(0),
            deepest: Cell::new(0),
            raw: Cell::new(None),
            out: RefCell::new(None),
        }
    }

    fn writing(keep: usize, capacity: usize) -> Self {
        Self {
            keep,
            out: RefCell::new(Some(String::with_capacity(capacity))),
            ..Self::measuring()
        }
    }

    fn write(&self, text: &str) {
        if let Some(out) = self.out.borrow_mut().as_mut() {
            out.push_str(text);
        }
    }

    fn write_escaped(&self, text: &str, attribute: bool) {
        if let Some(out) = self.out.borrow_mut().as_mut() {
            for c in text.chars() {
                match c {
                    '&' => out.push_str("&amp;"),
                    '<' => out.push_str("&lt;"),
                    '>' => out.push_str("&gt;"),
                    '"' if attribute => out.push_str("&quot;"),
                    c => out.push(c),
                }
            }
        }
    }

    fn tag(&self, tag: &html5ever::tokenizer::Tag) -> TokenSinkResult<()> {
        let name: &str = &tag.name;
        let nests = !tag.self_closing && !NOT_NESTING.contains(&name);
        let raw_kind = match name {
            "script" => Some(RawKind::ScriptData),
            "style" | "xmp" | "iframe" | "noembed" | "noframes" => Some(RawKind::Rawtext),
            "title" | "textarea" => Some(RawKind::Rcdata),
            _ => None,
        };
        let kept = match tag.kind {
            TagKind::StartTag => {
                let depth = self.depth.get();
                if nests {
                    self.depth.set(depth + 1);
                    self.deepest.set(self.deepest.get().max(depth + 1));
                }
                !nests || depth < self.keep
            }
            TagKind::EndTag => {
                self.raw.set(None);
                if nests {
                    self.depth.set(self.depth.get().saturating_sub(1));
                }
                !nests || self.depth.get() < self.keep
            }
        };
        if kept {
            self.write(if tag.kind == TagKind::StartTag {
                "<"
            } else {
                "</"
            });
            self.write(name);
            if tag.kind == TagKind::StartTag {
                for attr in &tag.attrs {
                    self.write(" ");
                    self.write(&attr.name.local);
                    self.write("=\"");
                    self.write_escaped(&attr.value, true);
                    self.write("\"");
                }
                if tag.self_closing {
                    self.write("/");
                }
            }
            self.write(">");
        }
        match (tag.kind, raw_kind) {
            (TagKind::StartTag, Some(kind)) if !tag.self_closing => {
                self.raw.set(Some(!kept));
                TokenSinkResult::RawData(kind)
            }
            _ => TokenSinkResult::Continue,
        }
    }
}

impl TokenSink for Rewrite {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        match token {
            Token::TagToken(tag) => return self.tag(&tag),
            Token::CharacterTokens(text) => match self.raw.get() {
                Some(true) => {}
                Some(false) => self.write(&text),
                None => self.write_escaped(&text, false),
            },
            Token::CommentToken(text) => {
                self.write("<!--");
                self.write(&text);
                self.write("-->");
            }
            Token::DoctypeToken(_) => self.write("<!DOCTYPE html>"),
            Token::NullCharacterToken => self.write("\u{FFFD}"),
            Token::EOFToken | Token::ParseError(_) => {}
        }
        TokenSinkResult::Continue
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested(n: usize, inner: &str) -> String {
        format!(
            "<html><head><title>Deep</title></head><body>{}{inner}{}</body></html>",
            "<div>".repeat(n),
            "</div>".repeat(n)
        )
    }

    #[test]
    fn an_ordinary_page_is_passed_on_untouched() {
        let page = format!("<body>{}</body>", "<p>one <b>two</b><li>three".repeat(2000));
        assert!(matches!(limit_nesting(&page, 256), Cow::Borrowed(_)));
        let shallow = nested(1000, "text");
        assert!(matches!(limit_nesting(&shallow, 256), Cow::Borrowed(_)));
    }

    #[test]
    fn a_deep_page_keeps_its_text_and_loses_the_deep_tags() {
        let page = nested(
            5000,
            "deep <b>text</b> &amp; <script>if (a<b) x()</script>end",
        );
        let limited = limit_nesting(&page, 256);
        assert!(matches!(limited, Cow::Owned(_)));
        assert_eq!(limited.matches("<div>").count(), 256);
        assert_eq!(limited.matches("</div>").count(), 256);
        assert!(
            limited.contains("<title>Deep</title>"),
            "{}",
            &limited[..80]
        );
        // Text, its markup past the limit dropped, entities kept escaped;
        // the script's content goes with its dropped tag.
        assert!(limited.contains("deep text &amp; end"), "{limited:.0}");
        assert!(!limited.contains("x()"));
    }

    #[test]
    fn attributes_and_comments_survive_the_rewrite() {
        let page = nested(
            2000,
            "<!-- a note --><a href=\"x?a=1&amp;b=&quot;2&quot;\">link</a>",
        );
        let limited = limit_nesting(&page, 4000);
        assert!(limited.contains("<!-- a note -->"));
        assert!(limited.contains("<a href=\"x?a=1&amp;b=&quot;2&quot;\">link</a>"));
        assert_eq!(limited.matches("<div>").count(), 2000);
    }
}
