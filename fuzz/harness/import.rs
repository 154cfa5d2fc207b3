//! Target `import`: the bytes are a file given to `gloss import` (a gloss
//! JSON export, or W3C / Hypothesis annotations), planned and written into an
//! empty store in a fresh data directory, then imported a second time.
//!
//! Input: the import file, optionally followed by a NUL byte and the text of
//! the article W3C annotations point at (saved as [`ARTICLE_NAME`] in the
//! import file's folder; JSON text cannot hold a raw NUL, so the split is
//! unambiguous). To keep the fuzzer away from this machine's files, a W3C
//! input is only imported when every passage names that article, a bundled
//! sample, or a web address.
//!
//! Checked: a plan that fails or a write that fails leaves no notes file;
//! a successful import stores every highlight it counted as added, in files
//! that load; importing the same file again adds nothing and loses nothing.

use std::fs;
use std::path::Path;

use gloss::annotations::Store;
use gloss::commands::import::plan;
use gloss::config::Config;
use gloss::export::{from_json, from_w3c};
use gloss::library::SAMPLE_PREFIX;

/// The article file W3C annotations of the input may name.
pub const ARTICLE_NAME: &str = "fuzz-article.md";

/// Used when the input brings no article text.
const DEFAULT_ARTICLE: &str = "# A fuzzed article\n\nThe quick brown fox jumps over the lazy dog.\n\n\
     A second paragraph, with *emphasis* and a [link](https://example.com).\n";

/// Runs one input; panics on a broken invariant.
pub fn run(data: &[u8]) {
    let (json, article) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, DEFAULT_ARTICLE.as_bytes()),
    };
    // `gloss import` refuses a file that is not UTF-8 before parsing it.
    let Ok(text) = std::str::from_utf8(json) else {
        return;
    };
    let _ = from_json(text);
    let is_gloss = serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|v| v.as_object().map(|o| o.contains_key("gloss_export")))
        .unwrap_or(false);
    if !is_gloss
        && let Ok(annotations) = from_w3c(text)
        && !annotations
            .iter()
            .filter(|a| a.has_passage())
            .all(|a| sandboxed(&a.source))
    {
        return;
    }

    let dir = super::scratch();
    let base = dir.path().join("articles");
    if let Err(e) =
        fs::create_dir_all(&base).and_then(|()| fs::write(base.join(ARTICLE_NAME), article))
    {
        panic!("cannot write the article: {e}");
    }
    let store = Store::new(&dir.path().join("data"));
    let config = Config::default();
    // The fuzzed file may read only the scratch article's folder.
    let options = gloss::commands::import::Options {
        library: vec![base.clone()],
        ..Default::default()
    };

    let first = match plan(&store, &config, text, Some(&base), &options) {
        Ok(first) => first,
        Err(_) => {
            assert!(!store.dir().exists(), "a failed plan wrote to the store");
            return;
        }
    };
    if first.write(&store).is_err() {
        assert_eq!(
            notes_files(store.dir()),
            0,
            "a failed import left notes files"
        );
        return;
    }
    let stored = stored_highlights(&store);
    assert_eq!(
        stored, first.report.counts.added,
        "highlights counted as added are not all stored"
    );

    let second = match plan(&store, &config, text, Some(&base), &options) {
        Ok(second) => second,
        Err(e) => panic!("a file that imported once does not plan again: {e:#}"),
    };
    assert_eq!(
        second.report.counts.added, 0,
        "a second import added highlights again"
    );
    if let Err(e) = second.write(&store) {
        panic!("the second import of the same file failed: {e:#}");
    }
    assert_eq!(
        stored_highlights(&store),
        stored,
        "a second import changed the count"
    );
}

/// Whether importing annotations on `source` reads nothing outside the
/// scratch folder: the article there, a bundled sample, or a web address
/// (refused without touching the disk).
fn sandboxed(source: &str) -> bool {
    source == ARTICLE_NAME
        || source.starts_with(SAMPLE_PREFIX)
        || source.starts_with("https://")
        || source.starts_with("http://")
        || source.starts_with("urn:")
}

/// Highlights in the store, after checking that every notes file loads.
fn stored_highlights(store: &Store) -> usize {
    let index = match store.index() {
        Ok(index) => index,
        Err(e) => panic!("cannot list the store: {e}"),
    };
    assert!(
        index.corrupt.is_empty(),
        "an import wrote a file that does not load: {:?}",
        index.corrupt
    );
    index.entries.iter().map(|e| e.highlight_count).sum()
}

fn notes_files(dir: &Path) -> usize {
    fs::read_dir(dir).map_or(0, |list| {
        list.flatten()
            .filter(|e| e.file_name().to_string_lossy().ends_with(".toml"))
            .count()
    })
}
