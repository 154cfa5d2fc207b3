//! What a reader waits for, measured in process: opening an article up to its
//! first drawn frame, paging, jumping to the end, searching, and drawing alone.
//! Comparing the 7 KB and 5 MB articles shows which costs follow the size of
//! the document and which follow only what is on screen.
//!
//! Run with `cargo bench --bench reader`; docs/benchmarks.md explains the
//! numbers and compares them with `less`.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "common/article.rs"]
mod article;

use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use criterion::{BatchSize, Criterion, SamplingMode, criterion_group, criterion_main};
use gloss::app::App;
use gloss::app::notes::Notes;
use gloss::config::Config;
use gloss::document::{Document, Format, ParseOptions};
use gloss::keymap::{Action, Keymap};
use gloss::library::{Article, Scan, Source};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// The terminal size every benchmark draws at.
const COLS: u16 = 120;
const ROWS: u16 = 40;

/// A word frequent in the generated text, so a search finds many matches.
const QUERY: &str = "harbour";

/// The two articles: a short one and a 5 MB long read.
fn sources() -> [(&'static str, String); 2] {
    [
        ("7kb", article::article("Short read 7kb", 7 * 1024)),
        ("5mb", article::article("Long read 5mb", 5 * 1024 * 1024)),
    ]
}

/// A library of one article, as `gloss FILE` scans it.
fn scan_of(source: &str) -> Scan {
    let doc = Document::new(source, Format::Markdown, ParseOptions::default());
    let meta = doc.meta().clone();
    let title = meta.title.clone().unwrap_or_default();
    Scan {
        articles: vec![Article {
            source: Source::File(PathBuf::from("article.md")),
            meta,
            title,
            lossy: false,
        }],
        ..Scan::default()
    }
}

/// Parses the article's first part and shows it at 120x40, as Enter in the
/// list does (after the file is read).
fn open(source: &str, scan: &Scan) -> App {
    let doc = Document::new(source, Format::Markdown, ParseOptions::default());
    let mut app = App::new(Config::default(), Keymap::default(), scan.clone());
    app.resize(COLS, ROWS);
    let _ = app.show_article(gloss::app::ArticleId(0), doc, Notes::default(), None);
    app
}

fn terminal() -> Terminal<TestBackend> {
    Terminal::new(TestBackend::new(COLS, ROWS)).expect("test terminal")
}

fn draw(terminal: &mut Terminal<TestBackend>, app: &App) {
    terminal
        .draw(|frame| gloss::ui::draw(frame, app))
        .expect("draw");
}

/// Opens the article with the whole text parsed and the view in the middle, as
/// after a while of reading.
fn open_in_middle(source: &str, scan: &Scan) -> App {
    let mut app = open(source, scan);
    if let Some(reader) = &mut app.reader {
        reader.doc.ensure_complete();
        let middle = reader.doc.text().len() / 2;
        reader.restore(middle);
    }
    app
}

fn open_first_frame(c: &mut Criterion, sources: &[(&str, String)]) {
    let mut group = c.benchmark_group("open_first_frame");
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(3));
    for (name, source) in sources {
        let scan = scan_of(source);
        group.bench_function(*name, |b| {
            b.iter_with_large_drop(|| {
                let app = open(source, &scan);
                let mut term = terminal();
                draw(&mut term, &app);
                app
            });
        });
    }
    group.finish();
}

fn scroll_page(c: &mut Criterion, source: &str) {
    let scan = scan_of(source);
    let mut group = c.benchmark_group("scroll_page");
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(3));
    // Each page down lays out text not seen before, as reading forward does;
    // near the end the article is reopened in the middle, outside the timing.
    group.bench_function("5mb", |b| {
        b.iter_custom(|iters| {
            let mut app = open_in_middle(source, &scan);
            let mut term = terminal();
            draw(&mut term, &app);
            let mut spent = Duration::ZERO;
            for _ in 0..iters {
                let before = app.reader.as_ref().map(|r| r.top);
                let start = Instant::now();
                black_box(app.update(Action::PageDown));
                draw(&mut term, &app);
                spent += start.elapsed();
                if app.reader.as_ref().map(|r| r.top) == before {
                    app = open_in_middle(source, &scan);
                    draw(&mut term, &app);
                }
            }
            spent
        });
    });
    group.finish();
}

fn bottom(c: &mut Criterion, source: &str) {
    let scan = scan_of(source);
    let mut group = c.benchmark_group("bottom");
    group.sample_size(10);
    group.sampling_mode(SamplingMode::Flat);
    group.measurement_time(Duration::from_secs(5));
    group.bench_function("5mb", |b| {
        b.iter_batched(
            || {
                let app = open(source, &scan);
                let mut term = terminal();
                draw(&mut term, &app);
                (app, term)
            },
            |(mut app, mut term)| {
                black_box(app.update(Action::Bottom));
                draw(&mut term, &app);
                (app, term)
            },
            BatchSize::PerIteration,
        );
    });
    // `G` once the whole article is parsed (the background parse has
    // finished), the first time it is pressed: what `scripts/time-gloss`
    // calls "G, settled".
    group.bench_function("5mb_settled", |b| {
        b.iter_batched(
            || {
                let mut app = open(source, &scan);
                if let Some(reader) = &mut app.reader {
                    reader.doc.ensure_complete();
                }
                let mut term = terminal();
                black_box(app.update(Action::ScrollDown));
                draw(&mut term, &app);
                (app, term)
            },
            |(mut app, mut term)| {
                black_box(app.update(Action::Bottom));
                draw(&mut term, &app);
                (app, term)
            },
            BatchSize::PerIteration,
        );
    });
    group.finish();
}

fn search(c: &mut Criterion, source: &str) {
    let scan = scan_of(source);
    let mut group = c.benchmark_group("search");
    group.sample_size(10);
    group.sampling_mode(SamplingMode::Flat);
    group.measurement_time(Duration::from_secs(5));
    // The whole text is parsed (as it is shortly after opening); each search
    // finds every match and moves to the first one below the view.
    let mut app = open(source, &scan);
    if let Some(reader) = &mut app.reader {
        reader.doc.ensure_complete();
    }
    let mut term = terminal();
    group.bench_function("5mb", |b| {
        b.iter(|| {
            if let Some(reader) = &mut app.reader {
                reader.search(QUERY);
            }
            draw(&mut term, &app);
        });
    });
    group.finish();
}

fn draw_only(c: &mut Criterion, sources: &[(&str, String)]) {
    let mut group = c.benchmark_group("draw_only");
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(2));
    for (name, source) in sources {
        let scan = scan_of(source);
        let app = open_in_middle(source, &scan);
        let mut term = terminal();
        draw(&mut term, &app);
        group.bench_function(*name, |b| b.iter(|| draw(&mut term, &app)));
    }
    group.finish();
}

/// CPU time this thread has used: a frame's cost without the time the
/// machine spends on other work (the target is under 2 ms of CPU).
fn thread_cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec for the call's duration.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID)");
    Duration::new(
        u64::try_from(ts.tv_sec).unwrap_or(0),
        u32::try_from(ts.tv_nsec).unwrap_or(0),
    )
}

/// One frame of the 5 MB article at 200x60 from the middle (fully parsed,
/// laid out), in CPU time: drawing costs what is visible.
fn frame_cpu(c: &mut Criterion, source: &str) {
    let (cols, rows) = (200, 60);
    let scan = scan_of(source);
    let mut app = open(source, &scan);
    app.resize(cols, rows);
    if let Some(reader) = &mut app.reader {
        reader.doc.ensure_complete();
        let middle = reader.doc.text().len() / 2;
        reader.restore(middle);
    }
    let mut term = Terminal::new(TestBackend::new(cols, rows)).expect("test terminal");
    draw(&mut term, &app);
    let mut group = c.benchmark_group("frame_cpu");
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(2));
    group.bench_function("200x60/5mb", |b| {
        b.iter_custom(|iters| {
            let start = thread_cpu();
            for _ in 0..iters {
                draw(&mut term, &app);
            }
            thread_cpu().saturating_sub(start)
        });
    });
    group.finish();
}

/// Makes sure each measured action shows what it claims to, so a change in
/// the app cannot turn a benchmark into a measure of nothing.
fn check_screens(source: &str) {
    let scan = scan_of(source);
    let mut app = open(source, &scan);
    let mut term = terminal();
    let shows =
        |term: &Terminal<TestBackend>, text: &str| term.backend().to_string().contains(text);
    draw(&mut term, &app);
    assert!(shows(&term, article::FIRST_MARK), "first page not drawn");
    let _ = app.update(Action::Bottom);
    draw(&mut term, &app);
    assert!(shows(&term, article::LAST_WORDS), "last page not drawn");
    let _ = app.update(Action::Top);
    if let Some(reader) = &mut app.reader {
        reader.search(article::LAST_MARK);
    }
    draw(&mut term, &app);
    assert!(
        shows(&term, article::LAST_WORDS),
        "search did not move to its match"
    );
}

/// The steps behind opening the 5 MB article in the real binary, one by one,
/// so a slow open can be traced to its step: reading and decoding the file
/// (done once for the list and again on Enter), its fingerprint (for the
/// annotation store), the first parse, and the rest of the parse that `G` and
/// search wait for.
fn phases(c: &mut Criterion, source: &str) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("long-read-5mb.md");
    std::fs::write(&path, source).expect("write article");
    let file = Source::File(path);
    let mut group = c.benchmark_group("phase");
    group.sample_size(10);
    group.sampling_mode(SamplingMode::Flat);
    group.measurement_time(Duration::from_secs(2));
    group.bench_function("read_and_decode/5mb", |b| {
        b.iter(|| gloss::library::load(&file).expect("load"));
    });
    group.bench_function("fingerprint/5mb", |b| {
        b.iter(|| gloss::annotations::fingerprint(black_box(source)));
    });
    group.bench_function("document_new/5mb", |b| {
        b.iter_with_large_drop(|| {
            Document::new(black_box(source), Format::Markdown, ParseOptions::default())
        });
    });
    group.bench_function("provisional_tail/5mb", |b| {
        let doc = Document::new(source, Format::Markdown, ParseOptions::default());
        b.iter_with_large_drop(|| doc.provisional_tail(32 * 1024));
    });
    group.bench_function("parse_rest/5mb", |b| {
        b.iter_batched(
            || Document::new(source, Format::Markdown, ParseOptions::default()),
            |mut doc| {
                doc.ensure_complete();
                doc
            },
            BatchSize::PerIteration,
        );
    });
    group.finish();
}

fn reader(c: &mut Criterion) {
    let sources = sources();
    for (_, source) in &sources {
        check_screens(source);
    }
    let long = &sources[1].1;
    open_first_frame(c, &sources);
    scroll_page(c, long);
    bottom(c, long);
    search(c, long);
    draw_only(c, &sources);
    frame_cpu(c, long);
    phases(c, long);
}

criterion_group!(benches, reader);
criterion_main!(benches);
