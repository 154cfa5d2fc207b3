//! Golden-file tests of every export format over hostile content, plus checks
//! that the Markdown really renders as plain quotes and notes.
//!
//! Rewrite the golden files with `UPDATE_GOLDEN=1 cargo test --test export_formats`
//! and review the diff.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "fixtures/export/fixture.rs"]
mod fixture;

use fixture::{assert_golden, files};
use gloss::export::{
    Filter, Format, MarkdownOptions, W3cOptions, markdown_file_name, render, to_csv, to_json,
    to_markdown, to_markdown_per_article, to_w3c_with,
};
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

fn all() -> Filter {
    Filter::default()
}

#[test]
fn golden_markdown() {
    assert_golden(
        "all.md",
        &to_markdown(&files(), &all(), &MarkdownOptions::default()),
    );
}

#[test]
fn golden_markdown_front_matter() {
    let opts = MarkdownOptions { front_matter: true };
    assert_golden("all_front_matter.md", &to_markdown(&files(), &all(), &opts));
}

#[test]
fn golden_json() {
    assert_golden("all.json", &to_json(&files(), &all()));
}

#[test]
fn golden_csv() {
    assert_golden("all.csv", &to_csv(&files(), &all()));
}

#[test]
fn golden_w3c() {
    let options = W3cOptions {
        palette: gloss::config::HighlightConfig::default().palette,
        ..W3cOptions::default()
    };
    assert_golden("all.w3c.jsonld", &to_w3c_with(&files(), &all(), &options));
}

#[test]
fn golden_per_article_with_colliding_titles() {
    let mut set = files();
    let mut twin = set[2].clone();
    twin.article.path = "/elsewhere/copy.md".into();
    set.push(twin);
    let opts = MarkdownOptions { front_matter: true };
    let docs = to_markdown_per_article(&set, &all(), &opts);
    let names: Vec<&str> = docs.iter().map(|(n, _)| n.as_str()).collect();
    // Both twins get a path-hash suffix; the untitled one is named after its file.
    assert_eq!(names.len(), 3);
    assert_eq!(names[0], "b-tick.md");
    assert!(names[1].starts_with("the-art-of-reading-part-1-id-") && names[1].ends_with(".md"));
    assert!(names[2].starts_with("the-art-of-reading-part-1-id-") && names[2] != names[1]);
    let mut joined = String::new();
    for (name, body) in &docs {
        joined.push_str(&format!("=== {name} ===\n{body}"));
    }
    assert_golden("per_article.txt", &joined);
    assert_eq!(markdown_file_name(&set[1]), "nothing-here.md");
}

#[test]
fn exports_are_deterministic_and_ignore_input_order() {
    let forward = files();
    let mut backward = files();
    backward.reverse();
    for f in &mut backward {
        f.highlights.reverse();
    }
    let md = MarkdownOptions { front_matter: true };
    for format in Format::ALL {
        let a = render(format, &forward, &all(), &md);
        let b = render(format, &forward, &all(), &md);
        let c = render(format, &backward, &all(), &md);
        assert_eq!(a, b, "{format} differs between runs");
        assert_eq!(a, c, "{format} depends on input order");
    }
}

#[test]
fn filters_apply_to_every_format_and_drop_empty_articles() {
    let only_pink = Filter {
        color: Some("pink".into()),
        ..Filter::default()
    };
    let md = to_markdown(&files(), &only_pink, &MarkdownOptions::default());
    assert_eq!(
        md.matches("\n> ").count() + usize::from(md.starts_with("> ")),
        3,
        "{md}"
    );
    assert!(md.contains("code fence?"));
    assert!(
        !md.contains("b\\`tick"),
        "the untitled article has no pink highlight:\n{md}"
    );
    let csv = to_csv(&files(), &only_pink);
    let records = csv::Reader::from_reader(csv.as_bytes()).records().count();
    assert_eq!(records, 1, "header + one row:\n{csv}");

    let orphans = Filter {
        orphaned_only: true,
        ..Filter::default()
    };
    let json = to_json(&files(), &orphans);
    assert_eq!(json.matches("\"id\"").count(), 1, "{json}");
    assert!(
        to_markdown(&files(), &orphans, &MarkdownOptions::default()).contains("**⚠ Orphaned:**")
    );
}

/// What a Markdown renderer makes of the export: headings, block quotes,
/// paragraphs and code spans only, with quote and note text intact.
#[test]
fn markdown_renders_only_intended_structure() {
    let text = to_markdown(&files(), &all(), &MarkdownOptions { front_matter: true });
    let options = Options::all() - Options::ENABLE_SMART_PUNCTUATION;
    let mut headings = Vec::new();
    let mut quotes: Vec<String> = Vec::new();
    let mut paragraphs: Vec<String> = Vec::new();
    let mut codes = Vec::new();
    let mut in_heading = false;
    let mut in_quote = 0;
    let mut current = String::new();
    let mut metadata_blocks = 0;
    for event in Parser::new_ext(&text, options) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                assert_eq!(level, HeadingLevel::H1);
                in_heading = true;
                current.clear();
            }
            Event::End(TagEnd::Heading(_)) => {
                in_heading = false;
                headings.push(std::mem::take(&mut current));
            }
            Event::Start(Tag::BlockQuote(kind)) => {
                assert!(kind.is_none(), "an Obsidian/GFM callout appeared");
                in_quote += 1;
                current.clear();
            }
            Event::End(TagEnd::BlockQuote(_)) => {
                in_quote -= 1;
                quotes.push(std::mem::take(&mut current).trim_end().to_owned());
            }
            Event::Start(Tag::Paragraph) if in_quote > 0 && !current.is_empty() => {
                current.push_str("\n\n")
            }
            Event::Start(Tag::Paragraph) if in_quote == 0 => current.clear(),
            Event::End(TagEnd::Paragraph) if in_quote == 0 => {
                paragraphs.push(std::mem::take(&mut current))
            }
            Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph) => {}
            Event::Start(Tag::MetadataBlock(_)) => metadata_blocks += 1,
            Event::End(TagEnd::MetadataBlock(_)) => {}
            Event::Text(t) => current.push_str(&t),
            // Notes keep their line breaks as hard breaks.
            Event::SoftBreak | Event::HardBreak => current.push('\n'),
            Event::Code(c) => {
                codes.push(c.to_string());
                current.push_str(&format!("`{c}`"));
            }
            // The backlink to the article, and the orphan mark.
            Event::Start(Tag::Link { dest_url, .. }) => {
                assert!(dest_url.starts_with("file:///"), "{dest_url}");
            }
            Event::Start(Tag::Strong) | Event::End(TagEnd::Strong | TagEnd::Link) => {}
            other => panic!("unexpected Markdown structure {other:?} in:\n{text}"),
        }
    }
    assert!(!in_heading);
    assert_eq!(metadata_blocks, 1, "one front matter, at the top");
    assert_eq!(
        headings,
        ["b`tick`.txt", "The *Art* of `Reading` — Part #1 {#id}"]
    );

    let expected_quotes = [
        // Same start and end: the smaller id first.
        "same start, other id",
        "indented    code?",
        "> not a quote, <b>not html</b> | pipe",
        "First paragraph, with \"quotes\", commas.\n\nSecond paragraph 🎉 ends here.",
        "a line\nwith CRLF, and ,commas,",
        "```\ncode fence?\n```",
        "emoji 👩‍👩‍👧 and RTL עברית",
    ];
    assert_eq!(quotes, expected_quotes);

    for note in [
        "+ plus\n= equals\n***\n: colon",
        "# not a heading\n- not a list\n1. not ordered",
        "Second note paragraph with *stars* and `ticks` and \"\"\"triple\"\"\".",
        "[link](http://x) ![img](y) [[wiki]] %%comment%% ==hl== $math$ ^block <!-- c -->",
        "Tom & Jerry &amp; 50%",
        "Orphan note\nsecond line",
    ] {
        assert!(
            paragraphs.iter().any(|p| p == note),
            "note {note:?} not rendered as text: {paragraphs:#?}"
        );
    }
    assert!(
        paragraphs
            .iter()
            .any(|p| p == "#ideas #to-read #highlight/yellow"),
        "{paragraphs:#?}"
    );
    assert!(
        paragraphs
            .iter()
            .any(|p| p == "#orphan #highlight/blue #highlight/orphaned"),
        "{paragraphs:#?}"
    );
    assert!(
        paragraphs
            .iter()
            .any(|p| p == "⚠ Orphaned: this passage is no longer in the article as it is now."),
        "{paragraphs:#?}"
    );
    assert!(
        codes.contains(&"gloss open '/home/ann/My Articles/art of reading.md' --at 100".to_owned())
    );
    assert!(
        codes.contains(&r"gloss open '/tmp/-odd '\''dir'\''/b`tick`.txt' --at 0".to_owned()),
        "{codes:#?}"
    );
}
