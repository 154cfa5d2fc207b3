//! What placing highlights costs when a long article opens: indexing its
//! text, re-anchoring 300 highlights after the text shifted, and the slow
//! path, a passage that exists nowhere (it spends the approximate search's
//! budget before it is orphaned). This replaces a unit test that asserted a
//! time; the behaviour itself is tested in `src/annotations/reanchor.rs`.
//!
//! Run with `cargo bench --bench placement`.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use gloss::annotations::testing::repetitive_text;
use gloss::annotations::{Anchor, Locator};

fn placement(c: &mut Criterion) {
    let text = repetitive_text(5_000_000);
    let anchors: Vec<Anchor> = (0..300)
        .map(|k| {
            let start = (k * 16_661) % (text.len() - 200);
            let start = text[start..].find(' ').map_or(start, |p| start + p + 1);
            Anchor::from_range(&text, start..start + 60)
        })
        .collect();
    let mut edited = format!("Preface. {text}");
    edited.replace_range(1_000_000..1_000_010, "");
    let gone = Anchor {
        quote: "this passage no longer exists anywhere at all".into(),
        prefix: "nothing".into(),
        suffix: "nothing".into(),
        start: gloss::document::CharOffset::new(2_000_000),
        end: gloss::document::CharOffset::new(2_000_045),
    };

    let mut group = c.benchmark_group("placement_5mb");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    group.bench_function("index", |b| {
        b.iter(|| black_box(Locator::new(black_box(&edited))))
    });
    group.bench_function("index_and_settle_300_shifted", |b| {
        b.iter(|| {
            let locator = Locator::new(&edited);
            anchors.iter().filter(|a| locator.settle(a).is_ok()).count()
        })
    });
    // Re-anchoring after an edit, at the scale of a heavily annotated
    // article: 1,000 highlights, all shifted by the edit.
    let many: Vec<Anchor> = (0..1_000)
        .map(|k| {
            let start = (k * 4_999) % (text.len() - 200);
            let start = text[start..].find(' ').map_or(start, |p| start + p + 1);
            Anchor::from_range(&text, start..start + 60)
        })
        .collect();
    group.bench_function("index_and_settle_1000_shifted", |b| {
        b.iter(|| {
            let locator = Locator::new(&edited);
            many.iter().filter(|a| locator.settle(a).is_ok()).count()
        })
    });
    group.bench_function("index_and_one_orphan", |b| {
        b.iter(|| Locator::new(&edited).settle(black_box(&gone)).is_err())
    });
    group.finish();
}

criterion_group!(benches, placement);
criterion_main!(benches);
