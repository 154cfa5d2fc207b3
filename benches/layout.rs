//! Lays out a generated 5 MB article page by page, as a reader paging to the
//! end would, and maps offsets back to the screen.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use gloss::document::{Document, Format, ParseOptions};
use gloss::layout::{Layout, LinePos};

/// A deterministic article of about `bytes` bytes: prose paragraphs with some
/// wide characters, emoji and long words.
fn article(bytes: usize) -> String {
    const WORDS: &[&str] = &[
        "the",
        "reader",
        "wraps",
        "paragraphs",
        "at",
        "word",
        "boundaries,",
        "and",
        "日本語の文章",
        "😀",
        "e\u{301}te\u{301}",
        "internationalization",
        "of",
        "a",
        "terminal",
        "with",
        "highlights.",
    ];
    let mut out = String::with_capacity(bytes + 256);
    let mut seed = 0x2545_f491_u32;
    let mut words_in_para = 0;
    while out.len() < bytes {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        out.push_str(WORDS[seed as usize % WORDS.len()]);
        words_in_para += 1;
        if words_in_para > 40 + (seed as usize % 120) {
            out.push_str("\n\n");
            words_in_para = 0;
        } else {
            out.push(' ');
        }
    }
    out
}

fn page_through(c: &mut Criterion) {
    let source = article(5 << 20);
    let doc = Document::parse_complete(&source, Format::Markdown, ParseOptions::default());
    let mut group = c.benchmark_group("layout");
    group.sample_size(10);
    for width in [80, 200] {
        group.bench_function(format!("page_through_5mb_at_{width}"), |b| {
            b.iter(|| {
                let mut layout = Layout::new(width);
                let mut pos = LinePos::default();
                let mut pages = 0usize;
                loop {
                    black_box(layout.lines_from(&doc, pos, 50));
                    let next = layout.step(&doc, pos, 50);
                    if next == pos {
                        break;
                    }
                    pos = next;
                    pages += 1;
                }
                pages
            });
        });
    }
    let mut layout = Layout::new(80);
    let last = layout.last_page_top(&doc, 50);
    black_box(layout.lines_from(&doc, last, 50));
    let len = doc.text().len();
    group.bench_function("locate_near_end_laid_out", |b| {
        b.iter(|| black_box(layout.locate(&doc, black_box(len - 1000))));
    });
    group.bench_function("first_page_of_fresh_layout", |b| {
        b.iter(|| {
            let mut layout = Layout::new(80);
            black_box(layout.lines_from(&doc, LinePos::default(), 50))
        });
    });
    group.finish();
}

criterion_group!(benches, page_through);
criterion_main!(benches);
