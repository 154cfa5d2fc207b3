//! What a large `gloss import` costs, end to end (parse, plan, write), on
//! generated inputs: a gloss JSON backup of 5,000 articles into an empty
//! data folder, a W3C collection of 100,000 annotations on one article, and
//! one annotation quoting 1 MB. Issue 11 asked that each take seconds, not
//! minutes; tests never assert times, this bench reports them.
//!
//! Run with `cargo bench --bench import`.
#![allow(clippy::unwrap_used, clippy::expect_used)] // benches may fail loudly

use std::fmt::Write as _;
use std::path::Path;
use std::time::Duration;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use gloss::annotations::Store;
use gloss::annotations::testing::repetitive_text;
use gloss::commands::import::{Options, run};
use gloss::config::Config;
use gloss::export::file_uri;

/// A gloss JSON export of `articles` articles with three highlights each.
fn gloss_backup(articles: usize) -> String {
    let mut out = String::from("{\"gloss_export\":1,\"articles\":[");
    for a in 0..articles {
        if a > 0 {
            out.push(',');
        }
        write!(
            out,
            "{{\"title\":\"Article {a}\",\"path\":\"/elsewhere/article-{a}.md\",\"fingerprint\":\"sha256:{a:064x}\",\"highlights\":["
        )
        .unwrap();
        for h in 0..3 {
            if h > 0 {
                out.push(',');
            }
            write!(
                out,
                "{{\"id\":\"01HZX3A6Q4W5V8F0J3M{a:05}{h:02}\",\"created\":\"2024-01-01T00:00:00Z\",\"updated\":\"2024-01-01T00:00:00Z\",\"color\":\"yellow\",\"note\":\"note {h}\",\"quote\":\"quoted words {h}\",\"prefix\":\"before \",\"suffix\":\" after\",\"start\":{},\"end\":{}}}",
                h * 100,
                h * 100 + 14
            )
            .unwrap();
        }
        out.push_str("]}");
    }
    out.push_str("]}");
    out
}

/// A W3C collection of `count` annotations on the article `uri` whose text
/// is `text`: quotes with Hypothesis's 32 characters of context and, when
/// `positions`, a `TextPositionSelector`.
fn w3c_collection(text: &str, uri: &str, count: usize, positions: bool) -> String {
    let mut out = String::from(
        "{\"@context\":\"http://www.w3.org/ns/anno.jsonld\",\"type\":\"AnnotationCollection\",\"first\":{\"type\":\"AnnotationPage\",\"items\":[",
    );
    let starts: Vec<usize> = text.match_indices(' ').map(|(i, _)| i + 1).collect();
    for k in 0..count {
        if k > 0 {
            out.push(',');
        }
        let start = starts[(k * 7919) % (starts.len() - 40)];
        let end = starts[starts.partition_point(|&s| s <= start) + 3] - 1;
        let prefix = &text[start.saturating_sub(32)..start];
        let suffix = &text[end..(end + 32).min(text.len())];
        let position = if positions {
            format!(",{{\"type\":\"TextPositionSelector\",\"start\":{start},\"end\":{end}}}")
        } else {
            String::new()
        };
        write!(
            out,
            "{{\"id\":\"https://annotations.example/a/{k}\",\"type\":\"Annotation\",\"created\":\"2024-01-01T00:00:00Z\",\"target\":{{\"source\":\"{uri}\",\"selector\":[{{\"type\":\"TextQuoteSelector\",\"exact\":\"{}\",\"prefix\":\"{prefix}\",\"suffix\":\"{suffix}\"}}{position}]}}}}",
            &text[start..end]
        )
        .unwrap();
    }
    out.push_str("]}}");
    out
}

/// A W3C collection quoting each of `sentences` (joined by spaces into
/// `text`) once, with 32 characters of context and its position.
fn sentence_collection(text: &str, uri: &str, sentences: &[String]) -> String {
    let mut out = String::from(
        "{\"@context\":\"http://www.w3.org/ns/anno.jsonld\",\"type\":\"AnnotationCollection\",\"first\":{\"type\":\"AnnotationPage\",\"items\":[",
    );
    let mut start = 0;
    for (k, s) in sentences.iter().enumerate() {
        if k > 0 {
            out.push(',');
        }
        let end = start + s.len();
        let prefix = &text[start.saturating_sub(32)..start];
        let suffix = &text[end..(end + 32).min(text.len())];
        write!(
            out,
            "{{\"id\":\"https://annotations.example/s/{k}\",\"type\":\"Annotation\",\"created\":\"2024-01-01T00:00:00Z\",\"body\":{{\"type\":\"TextualBody\",\"value\":\"note {k}\"}},\"target\":{{\"source\":\"{uri}\",\"selector\":[{{\"type\":\"TextQuoteSelector\",\"exact\":\"{s}\",\"prefix\":\"{}\",\"suffix\":\"{}\"}},{{\"type\":\"TextPositionSelector\",\"start\":{start},\"end\":{end}}}]}}}}",
            prefix.replace('\n', "\\n"),
            suffix.replace('\n', "\\n"),
        )
        .unwrap();
        start = end + 1;
    }
    out.push_str("]}}");
    out
}

/// An empty data folder and the import file, written.
fn setup(dir: &Path, name: &str, content: &str) -> (Store, std::path::PathBuf) {
    let data = dir.join(format!("data-{}", ulid::Ulid::new()));
    let file = dir.join(name);
    if !file.exists() {
        std::fs::write(&file, content).unwrap();
    }
    (Store::new(&data), file)
}

fn import(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let options = Options {
        library: vec![dir.path().to_path_buf()],
        ..Options::default()
    };
    let config = Config::default();

    // The article: plain text (no Markdown), 200 kB of repetitive words, so
    // quotes recur and only their context tells the copies apart.
    let text = repetitive_text(200_000);
    let article = dir.path().join("long.txt");
    std::fs::write(&article, &text).unwrap();
    let uri = file_uri(&article.display().to_string());

    let backup = gloss_backup(5_000);
    let positioned = w3c_collection(&text, &uri, 100_000, true);
    let quotes_only = w3c_collection(&text, &uri, 10_000, false);

    // The article of scripts/gen-import-bench: 100,000 sentences, each
    // quoted once with 32 characters of context and its position.
    let sentences: Vec<String> = (0..100_000)
        .map(|n| format!("Sentence number {n} ends here."))
        .collect();
    let sentence_text = format!("{}\n", sentences.join(" "));
    let sentence_article = dir.path().join("sentences.txt");
    std::fs::write(&sentence_article, &sentence_text).unwrap();
    let sentence_w3c = sentence_collection(
        &sentence_text,
        &file_uri(&sentence_article.display().to_string()),
        &sentences,
    );

    let huge = "lorem ipsum dolor sit amet ".repeat(40_000); // ~1 MB
    let huge_article = dir.path().join("huge.txt");
    std::fs::write(&huge_article, format!("Intro.\n\n{huge}\n\nOutro.\n")).unwrap();
    let huge_w3c = format!(
        "{{\"type\":\"Annotation\",\"id\":\"urn:x:huge\",\"target\":{{\"source\":\"{}\",\"selector\":{{\"type\":\"TextQuoteSelector\",\"exact\":\"{}\"}}}}}}",
        file_uri(&huge_article.display().to_string()),
        huge.trim_end()
    );

    let mut group = c.benchmark_group("import");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    let cases: [(&str, &str, &str); 5] = [
        ("gloss_json_5000_articles", "backup.json", &backup),
        (
            "w3c_100000_sentences_one_each",
            "sentences.jsonld",
            &sentence_w3c,
        ),
        (
            "w3c_100000_annotations_with_positions",
            "positioned.jsonld",
            &positioned,
        ),
        (
            "w3c_10000_annotations_quotes_only",
            "quotes.jsonld",
            &quotes_only,
        ),
        ("w3c_one_1mb_quote", "huge.jsonld", &huge_w3c),
    ];
    for (name, file, content) in cases {
        group.bench_function(name, |b| {
            b.iter_batched(
                || setup(dir.path(), file, content),
                |(store, file)| {
                    let report = run(&store, &config, &file, &options).unwrap();
                    assert!(report.skipped.is_empty(), "{:?}", report.skipped.first());
                    report
                },
                BatchSize::PerIteration,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, import);
criterion_main!(benches);
