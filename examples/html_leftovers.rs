//! Evidence for HTML inside Markdown: parses every Markdown file under the
//! given folders (or the given files) and reports any raw HTML tag or comment
//! left in the text a reader sees (outside code), with counts of the images,
//! footnotes, tables and anchors found, and the time parsing took.
//!
//! `cargo run --example html_leftovers -- /usr/share/doc/nodejs`

#![allow(clippy::unwrap_used, clippy::expect_used)] // a measuring tool may fail loudly

use gloss::document::{BlockKind, Document, Format, ParseOptions};
use std::path::{Path, PathBuf};

/// HTML element names whose tags must never reach the screen.
const TAGS: &[&str] = &[
    "a", "b", "br", "code", "details", "div", "em", "h1", "h2", "h3", "i", "img", "kbd", "li",
    "ol", "p", "pre", "span", "strong", "sub", "summary", "sup", "table", "td", "th", "tr", "ul",
];

fn files(roots: &[String]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for root in roots {
        for entry in walkdir::WalkDir::new(root).into_iter().flatten() {
            let p = entry.path();
            if p.is_file() && p.extension().is_some_and(|e| e == "md" || e == "markdown") {
                out.push(p.to_path_buf());
            }
        }
    }
    out.sort();
    out
}

/// Raw tags or comment marks in `text`, as short excerpts.
fn leftovers(text: &str) -> Vec<String> {
    let lower = text.to_ascii_lowercase();
    let mut found = Vec::new();
    for (at, _) in lower.match_indices('<') {
        let rest = &lower[at + 1..];
        let rest = rest.strip_prefix('/').unwrap_or(rest);
        let hit = rest.starts_with("!--")
            || TAGS.iter().any(|t| {
                rest.strip_prefix(t)
                    .is_some_and(|r| r.starts_with([' ', '>', '/', '\n']))
            });
        if hit {
            let end = (at + 60).min(text.len());
            let end = gloss::document::floor_char_boundary(text, end);
            found.push(text[at..end].replace('\n', "⏎"));
        }
    }
    if lower.contains("-->") {
        found.push("-->".into());
    }
    found
}

fn main() {
    let roots: Vec<String> = std::env::args().skip(1).collect();
    let mut totals = [0usize; 6];
    let mut parse_time = std::time::Duration::ZERO;
    let mut slowest = (String::new(), std::time::Duration::ZERO);
    for path in files(&roots) {
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let Ok(decoded) = gloss::document::decode(&bytes) else {
            continue;
        };
        let src = decoded.text;
        let started = std::time::Instant::now();
        let doc = Document::parse_complete(&src, Format::Markdown, ParseOptions::default());
        let took = started.elapsed();
        parse_time += took;
        if took > slowest.1 {
            slowest = (display(&path), took);
        }
        let mut shown = String::new();
        for b in doc.blocks() {
            if matches!(b.kind, BlockKind::Code { .. }) {
                continue;
            }
            let mut last = b.range.start;
            for s in b.spans.iter().filter(|s| s.style.code) {
                shown.push_str(doc.slice(last..s.range.start));
                last = s.range.end;
            }
            shown.push_str(doc.slice(last..b.range.end));
            shown.push('\n');
        }
        let left = leftovers(&shown);
        let text = doc.text();
        let counts = [
            1,
            text.matches("[image").count(),
            doc.anchors()
                .iter()
                .filter(|a| a.name.starts_with("fn-"))
                .count(),
            doc.blocks()
                .iter()
                .filter(|b| matches!(b.kind, BlockKind::Table(_)))
                .count(),
            doc.anchors().len(),
            left.len(),
        ];
        for (t, c) in totals.iter_mut().zip(counts) {
            *t += c;
        }
        for l in &left {
            println!("{}: {l}", display(&path));
        }
    }
    println!(
        "files {}  images {}  footnotes {}  tables {}  anchors {}  raw tags left {}",
        totals[0], totals[1], totals[2], totals[3], totals[4], totals[5]
    );
    println!(
        "parse time {:.1} ms in all, slowest {} ({:.1} ms)",
        parse_time.as_secs_f64() * 1e3,
        slowest.0,
        slowest.1.as_secs_f64() * 1e3
    );
}

fn display(p: &Path) -> String {
    p.display().to_string()
}
