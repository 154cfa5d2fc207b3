//! How long a 1 MB saved web page takes to become a document (what opening
//! it costs before the first frame): extracted (`Format::Html`), raw
//! (`Format::HtmlRaw`), and the head alone for the library list. The page is
//! generated: navigation, a cookie banner, scripts, and an article of
//! paragraphs, lists, tables and code around 1 MB.
#![allow(clippy::unwrap_used, clippy::expect_used)] // benchmarks may fail loudly

use criterion::{Criterion, criterion_group, criterion_main};
use gloss::document::{self, Document, Format, ParseOptions};

/// A saved page of about `bytes` bytes.
fn page(bytes: usize) -> String {
    let mut s = String::from(
        "<!DOCTYPE html><html><head><title>A long read | Site</title>\
         <meta property=\"og:title\" content=\"A long read\">\
         <meta name=\"author\" content=\"Bench Writer\">\
         <link rel=\"canonical\" href=\"https://site.example/long-read\">\
         <script>window.x = 1;</script><style>p { margin: 0 }</style></head><body>\
         <div class=\"cookie-banner\"><p>We use cookies.</p><button>OK</button></div>\
         <nav><ul><li><a href=\"/\">Home</a></li><li><a href=\"/about\">About</a></li></ul></nav>\
         <main><article><h1>A long read</h1>",
    );
    let mut i = 0;
    while s.len() < bytes {
        i += 1;
        s.push_str(&format!(
            "<h2>Section {i}</h2><p>Paragraph {i} of the article, with <em>emphasis</em>, \
             a <a href=\"https://site.example/{i}\">link</a> and <strong>strong words</strong>, \
             long enough to read like prose in a saved page of some length.</p>\
             <p>A second paragraph follows, so that the section has more text than markup, \
             as real articles do; it talks about nothing in particular at length.</p>"
        ));
        if i % 10 == 0 {
            s.push_str(
                "<ul><li>one item</li><li>two items</li></ul>\
                        <table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2</td></tr></table>\
                        <pre><code>let x = 1;\nlet y = 2;</code></pre>",
            );
        }
    }
    s.push_str(
        "</article></main><footer><p>Footer</p></footer><script>track()</script></body></html>",
    );
    s
}

fn html_page(c: &mut Criterion) {
    let source = page(1024 * 1024);
    let mut group = c.benchmark_group("html_page");
    group.sample_size(10);
    group.bench_function("extract/1mb", |b| {
        b.iter(|| Document::new(&source, Format::Html, ParseOptions::default()))
    });
    group.bench_function("raw/1mb", |b| {
        b.iter(|| Document::new(&source, Format::HtmlRaw, ParseOptions::default()))
    });
    let head = &source[..64 * 1024];
    group.bench_function("metadata/64kb-head", |b| {
        b.iter(|| document::read_metadata(head, Format::Html))
    });
    group.finish();
}

criterion_group!(benches, html_page);
criterion_main!(benches);
