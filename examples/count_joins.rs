//! Counts what page-break repair joins in real documents, so its rule is
//! decided from evidence: every Markdown and text file under the given
//! folders (or the files given) is parsed with repair on and with repair off,
//! and each place where two source paragraphs became one is printed with the
//! end of the first and the start of the second, then the totals.
//!
//! Usage: `cargo run --example count_joins -- [--quiet] PATH...`
//! (`.md`, `.markdown` and `.txt` files; other extensions are skipped unless
//! a file is named outright).

use std::path::{Path, PathBuf};

use gloss::document::{self, Document, ParseOptions};

/// How much of each side of a join is shown.
const CONTEXT_CHARS: usize = 60;

fn main() {
    let mut quiet = false;
    let mut roots = Vec::new();
    for arg in std::env::args().skip(1) {
        if arg == "--quiet" {
            quiet = true;
        } else {
            roots.push(PathBuf::from(arg));
        }
    }
    if roots.is_empty() {
        eprintln!("usage: count_joins [--quiet] PATH...");
        std::process::exit(2);
    }
    let mut totals = Totals::default();
    for root in &roots {
        if root.is_file() {
            scan(root, quiet, &mut totals);
            continue;
        }
        for entry in walkdir::WalkDir::new(root)
            .sort_by_file_name()
            .into_iter()
            .filter_map(Result::ok)
        {
            let path = entry.path();
            if entry.file_type().is_file() && wanted(path) {
                scan(path, quiet, &mut totals);
            }
        }
    }
    println!(
        "files scanned: {}  (unreadable or binary: {})\n\
         files left alone (hand-wrapped or holding fenced code): {}\n\
         files with joins: {}\njoins: {}",
        totals.files, totals.skipped, totals.left_alone, totals.files_with_joins, totals.joins
    );
}

#[derive(Default)]
struct Totals {
    files: usize,
    skipped: usize,
    files_with_joins: usize,
    joins: usize,
    /// Files whose blank lines are deliberate, so repair leaves them alone.
    left_alone: usize,
}

/// True for the extensions gloss opens as articles.
fn wanted(path: &Path) -> bool {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    matches!(ext.as_deref(), Some("md" | "markdown" | "txt"))
}

fn scan(path: &Path, quiet: bool, totals: &mut Totals) {
    let Ok(bytes) = std::fs::read(path) else {
        totals.skipped += 1;
        return;
    };
    let Ok(decoded) = document::decode(&bytes) else {
        totals.skipped += 1;
        return;
    };
    totals.files += 1;
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    let format = document::detect_format(ext, &decoded.text);
    if !document::repair_applies(&decoded.text, format) {
        totals.left_alone += 1;
    }
    let on = Document::parse_complete(&decoded.text, format, ParseOptions::default());
    let off = Document::parse_complete(
        &decoded.text,
        format,
        ParseOptions {
            repair_page_breaks: false,
        },
    );
    let joins = joins(&on, &off);
    if joins.is_empty() {
        return;
    }
    totals.files_with_joins += 1;
    totals.joins += joins.len();
    if quiet {
        return;
    }
    for (first, second) in joins {
        println!(
            "{}\n    …{}\n    + {}…",
            path.display(),
            tail(&first),
            head(&second)
        );
    }
}

/// The joins repair made: pairs of neighbouring unrepaired blocks that are
/// parts of one repaired block. Repair only ever merges neighbours with a
/// space, so walking both block lists side by side finds them.
fn joins(on: &Document, off: &Document) -> Vec<(String, String)> {
    let text = |d: &Document, i: usize| d.slice(d.blocks()[i].range.clone()).to_owned();
    let mut out = Vec::new();
    let mut j = 0;
    for i in 0..on.blocks().len() {
        let whole = text(on, i);
        if j >= off.blocks().len() {
            break;
        }
        let mut built = text(off, j);
        j += 1;
        while built != whole && j < off.blocks().len() {
            let next = text(off, j);
            let candidate = format!("{built} {next}");
            if !whole.starts_with(&candidate) {
                break;
            }
            out.push((built.clone(), next));
            built = candidate;
            j += 1;
        }
    }
    out
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn tail(s: &str) -> String {
    let s = one_line(s);
    let n = s.chars().count();
    s.chars().skip(n.saturating_sub(CONTEXT_CHARS)).collect()
}

fn head(s: &str) -> String {
    one_line(s).chars().take(CONTEXT_CHARS).collect()
}
