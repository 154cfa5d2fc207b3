//! What syntax highlighting costs the first frame that shows a fenced code
//! block with a language: loading the grammars (once per run) and
//! highlighting one block.
#![allow(clippy::unwrap_used, clippy::expect_used)] // benchmarks may fail loudly

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use gloss::ui::syntax;

/// A 60-line JavaScript block like those in the Node.js API docs.
fn block() -> String {
    let mut out = String::new();
    for i in 0..20 {
        out.push_str(&format!(
            "const server{i} = http.createServer((req, res) => {{\n  res.end('hello {i}'); // reply\n}});\n"
        ));
    }
    out
}

fn highlighting(c: &mut Criterion) {
    let mut group = c.benchmark_group("syntax");
    group.sample_size(10);
    group.bench_function("load_grammars", |b| {
        b.iter(|| black_box(syntect::parsing::SyntaxSet::load_defaults_newlines()));
    });
    let code = block();
    // Loads the grammars once, outside the measurement.
    black_box(syntax::highlight("js", "let a = 1;"));
    group.bench_function("highlight_60_line_js_block", |b| {
        b.iter(|| black_box(syntax::highlight("js", black_box(&code))));
    });
    group.finish();
}

criterion_group!(benches, highlighting);
criterion_main!(benches);
