#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly

//! Generated Markdown with HTML in it: whatever the mix of inline tags, HTML
//! blocks, comments, scripts, tables and details, the reader's text holds no
//! raw tag or comment, nothing hidden shows, and every word of the content is
//! there in order, parsed at once or a little at a time.

use gloss::document::{Document, Format, ParseOptions};
use proptest::prelude::*;

/// Words that must show.
const WORDS: &[&str] = &[
    "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet",
    "kilo", "lima", "mike", "november", "oscar", "papa",
];

/// Words that must never show (in comments, scripts and styles).
const SECRETS: &[&str] = &["secretone", "secrettwo", "secretthree"];

/// Tag names the generator writes; none may reach the text.
const TAGS: &[&str] = &[
    "a", "b", "br", "code", "details", "div", "em", "h2", "i", "img", "kbd", "li", "p", "pre",
    "script", "span", "strong", "style", "summary", "sup", "table", "td", "th", "tr", "ul",
];

/// A piece of source and the words it must show, in order.
#[derive(Debug, Clone)]
struct Part {
    src: String,
    words: Vec<String>,
}

fn word() -> impl Strategy<Value = String> {
    prop::sample::select(WORDS).prop_map(str::to_string)
}

fn secret() -> impl Strategy<Value = String> {
    prop::sample::select(SECRETS).prop_map(str::to_string)
}

fn words(n: std::ops::Range<usize>) -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(word(), n)
}

/// Inline HTML (valid both inside Markdown paragraphs and HTML blocks).
fn html_inline() -> impl Strategy<Value = Part> {
    let wrapped = (
        prop::sample::select(&["b", "i", "em", "strong", "kbd", "code", "span", "sup"][..]),
        words(1..3),
    )
        .prop_map(|(tag, ws)| Part {
            src: format!("<{tag} class=\"x\">{}</{tag}>", ws.join(" ")),
            words: ws,
        });
    prop_oneof![
        word().prop_map(|w| Part {
            src: w.clone(),
            words: vec![w],
        }),
        wrapped,
        (word(), word()).prop_map(|(w, target)| Part {
            src: format!("<a href=\"https://example.org/{target}\">{w}</a>"),
            words: vec![w],
        }),
        word().prop_map(|id| Part {
            src: format!("<a id=\"{id}\"></a>"),
            words: vec![],
        }),
        Just(Part {
            src: "<br>".into(),
            words: vec![],
        }),
        secret().prop_map(|s| Part {
            src: format!("<!-- {s} -->"),
            words: vec![],
        }),
        words(1..3).prop_map(|ws| Part {
            src: format!("<img src=\"p.png\" alt=\"{}\">", ws.join(" ")),
            words: ws,
        }),
    ]
}

/// Inline content of a Markdown paragraph: HTML or Markdown marks.
fn md_inline() -> impl Strategy<Value = Part> {
    prop_oneof![
        3 => html_inline(),
        1 => word().prop_map(|w| Part { src: format!("*{w}*"), words: vec![w] }),
        1 => word().prop_map(|w| Part { src: format!("[{w}](https://example.org/x)"), words: vec![w] }),
        1 => word().prop_map(|w| Part { src: format!("![{w}](pic.png)"), words: vec![w] }),
        1 => secret().prop_map(|s| Part { src: format!("<script>{s}</script>"), words: vec![] }),
    ]
}

/// Joins inline parts with spaces or line breaks.
fn line_of(parts: Vec<Part>, breaks: Vec<bool>) -> Part {
    let mut src = String::new();
    let mut words = Vec::new();
    for (i, p) in parts.into_iter().enumerate() {
        if i > 0 {
            src.push(if breaks.get(i).copied().unwrap_or(false) {
                '\n'
            } else {
                ' '
            });
        }
        src.push_str(&p.src);
        words.extend(p.words);
    }
    Part { src, words }
}

fn inline_run(inner: impl Strategy<Value = Part>) -> impl Strategy<Value = Part> {
    (
        prop::collection::vec(inner, 1..6),
        prop::collection::vec(any::<bool>(), 6),
    )
        .prop_map(|(parts, breaks)| line_of(parts, breaks))
}

/// Inline HTML on one line (for table cells and HTML blocks).
fn html_line() -> impl Strategy<Value = Part> {
    (prop::collection::vec(html_inline(), 1..4)).prop_map(|parts| line_of(parts, vec![]))
}

fn table() -> impl Strategy<Value = Part> {
    (1usize..4, 1usize..4, any::<bool>()).prop_flat_map(|(rows, cols, head)| {
        prop::collection::vec(prop::collection::vec(html_line(), cols), rows).prop_map(
            move |grid| {
                let mut src = String::from("<table>\n");
                let mut ws = Vec::new();
                for (r, row) in grid.into_iter().enumerate() {
                    src.push_str("  <tr>");
                    let cell = if r == 0 && head { "th" } else { "td" };
                    for c in row {
                        src.push_str(&format!("<{cell}>{}</{cell}>", c.src));
                        ws.extend(c.words);
                    }
                    src.push_str("</tr>\n");
                }
                src.push_str("</table>");
                Part { src, words: ws }
            },
        )
    })
}

fn block() -> impl Strategy<Value = Part> {
    prop_oneof![
        4 => inline_run(md_inline()),
        1 => (words(1..3)).prop_map(|ws| Part { src: format!("## {}", ws.join(" ")), words: ws }),
        1 => (secret(), secret()).prop_map(|(a, b)| Part {
            src: format!("<!-- YAML\nadded: {a}\n\nchanges:\n  - {b}\n-->"),
            words: vec![],
        }),
        1 => html_line().prop_map(|p| Part { src: format!("<div align=\"center\">\n  {}\n</div>", p.src), words: p.words }),
        1 => (html_line(), inline_run(md_inline())).prop_map(|(s, body)| Part {
            src: format!("<details>\n<summary>{}</summary>\n\n{}\n\n</details>", s.src, body.src),
            words: s.words.into_iter().chain(body.words).collect(),
        }),
        1 => table(),
        1 => prop::collection::vec(html_line(), 1..4).prop_map(|items| {
            let src = items.iter().map(|i| format!("  <li>{}</li>", i.src)).collect::<Vec<_>>().join("\n");
            Part { src: format!("<ul>\n{src}\n</ul>"), words: items.into_iter().flat_map(|i| i.words).collect() }
        }),
        1 => words(1..3).prop_map(|ws| Part { src: format!("<h2 id=\"h\">{}</h2>", ws.join(" ")), words: ws }),
        1 => (words(1..3), words(1..3)).prop_map(|(a, b)| Part {
            src: format!("<pre>\n{}\n\n{}\n</pre>", a.join(" "), b.join(" ")),
            words: a.into_iter().chain(b).collect(),
        }),
        1 => secret().prop_map(|s| Part { src: format!("<style>\n.{s} {{ color: red }}\n\n</style>"), words: vec![] }),
        1 => words(1..3).prop_map(|ws| Part { src: format!("- {}", ws.join(" ")), words: ws }),
    ]
}

fn document() -> impl Strategy<Value = Part> {
    prop::collection::vec(block(), 1..10).prop_map(|blocks| {
        let mut src = String::from("# Generated\n\n");
        let mut ws = vec!["Generated".to_string()];
        for b in blocks {
            src.push_str(&b.src);
            src.push_str("\n\n");
            ws.extend(b.words);
        }
        Part { src, words: ws }
    })
}

fn text_words(text: &str) -> Vec<&str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect()
}

/// Raw tags or comment marks in `text`.
fn raw_html(text: &str) -> Option<String> {
    if text.contains("<!--") || text.contains("-->") {
        return Some("comment mark".into());
    }
    text.match_indices('<').find_map(|(at, _)| {
        let rest = text[at + 1..].trim_start_matches('/');
        let name: String = rest
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect();
        TAGS.contains(&name.as_str())
            .then(|| text[at..].chars().take(20).collect())
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn generated_html_shows_no_tag_and_loses_no_word(doc in document()) {
        let parsed = Document::parse_complete(&doc.src, Format::Markdown, ParseOptions::default());
        let text = parsed.text();
        prop_assert_eq!(raw_html(text), None, "{}", text);
        for s in SECRETS {
            prop_assert!(!text.contains(s), "{} shown in {}", s, text);
        }
        let have = text_words(text);
        let mut it = have.iter();
        for w in &doc.words {
            prop_assert!(it.any(|h| h == w), "`{}` lost or out of order\n{}\n--\n{}", w, doc.src, text);
        }
        prop_assert!(gloss::document::is_clean(text));

        // A little at a time, the same text.
        let mut lazy = Document::new(&doc.src, Format::Markdown, ParseOptions::default());
        while !lazy.is_complete() {
            lazy.parse_more(16);
        }
        prop_assert_eq!(lazy.text(), text);
    }
}
