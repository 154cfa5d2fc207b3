//! Measures how gloss copes with the hostile article shapes of issue 8 at
//! their full sizes: time to parse and lay out the whole article at 80 and at
//! 1 column, and the process's peak memory.
//!
//! `cargo run --release --example pathological -- measure NAME` measures one
//! shape (run each in its own process, so the peak memory is its own);
//! `... -- write DIR` writes every shape as a file, to time the real binary
//! (`gloss open DIR/FILE`). Names: see `tests/pathological/mod.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly

#[path = "../tests/pathological/mod.rs"]
mod pathological;

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use gloss::document::{Document, ParseOptions, decode_owned, detect_format};
use gloss::layout::Layout;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [cmd, dir] if cmd == "write" => {
            for input in pathological::INPUTS {
                let path = std::path::Path::new(dir).join(input.file);
                if let Err(e) = std::fs::write(&path, (input.build)(input.full_scale)) {
                    eprintln!("{}: {e}", path.display());
                    return ExitCode::FAILURE;
                }
            }
            ExitCode::SUCCESS
        }
        [cmd, name] if cmd == "measure" => {
            match pathological::INPUTS.iter().find(|i| i.name == name) {
                Some(input) => {
                    measure(input);
                    ExitCode::SUCCESS
                }
                None => {
                    eprintln!("unknown input {name}");
                    ExitCode::FAILURE
                }
            }
        }
        _ => {
            eprintln!("usage: pathological write DIR | measure NAME");
            ExitCode::FAILURE
        }
    }
}

fn measure(input: &pathological::Input) {
    let bytes = (input.build)(input.full_scale).into_bytes();
    let size = bytes.len();
    let base = peak_kib();
    let start = Instant::now();
    let Ok(decoded) = decode_owned(bytes) else {
        println!("{}: refused as binary", input.name);
        return;
    };
    let ext = input.file.rsplit('.').next().unwrap_or("");
    let format = detect_format(ext, &decoded.text);
    let mut doc = Document::from_shared(Arc::new(decoded.text), format, ParseOptions::default());
    let mut first = Layout::new(80);
    let (mut block, mut rows) = (0, 0);
    while rows < 40 {
        if block < doc.blocks().len() {
            rows += first.ensure(&doc, block).lines.len();
            block += 1;
        } else if doc.is_complete() {
            break;
        } else {
            doc.parse_more(64 * 1024);
        }
    }
    let first_screen = start.elapsed();
    let first_peak = peak_kib();
    doc.ensure_complete();
    let parsed = start.elapsed();
    let mut lines = [0usize; 2];
    for (i, width) in [80u16, 1].into_iter().enumerate() {
        let mut layout = Layout::new(width);
        for block in 0..doc.blocks().len() {
            lines[i] += layout.ensure(&doc, block).lines.len();
        }
    }
    let total = start.elapsed();
    println!(
        "{:<14} {:>9} bytes  first screen {:>8.1} ms  parse {:>8.1} ms  parse+layout(80,1) {:>8.1} ms  \
         blocks {:>6}  lines@80 {:>8}  lines@1 {:>9}  peak at first screen {:>7} KiB, at end {:>7} KiB (input alone {:>6} KiB)",
        input.name,
        size,
        first_screen.as_secs_f64() * 1e3,
        parsed.as_secs_f64() * 1e3,
        total.as_secs_f64() * 1e3,
        doc.blocks().len(),
        lines[0],
        lines[1],
        first_peak,
        peak_kib(),
        base,
    );
}

/// The process's peak resident memory so far, from /proc.
fn peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}
