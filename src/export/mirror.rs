//! The Obsidian mirror: one Markdown file per article in a vault folder, kept
//! in step with the notes. gloss owns one block of each file, between two
//! HTML comments (which Obsidian does not show); everything outside it is the
//! user's and is never changed.
//!
//! ```markdown
//! ---                       (written once, when the file is created)
//! title: "On Reading"
//! ---
//! My own thoughts, kept.
//!
//! <!-- gloss:begin 3fa2b1c0 (gloss rewrites this block; write outside it) -->
//! # On Reading
//! …one block per highlight, each ending in a stable `^gloss-<id>` block id…
//! <!-- gloss:end -->
//!
//! More of my own writing, kept.
//! ```
//!
//! The begin marker names the article by a hash of its stored path, so the
//! file is found again even after the user renames it; running the mirror
//! again rewrites only the block, so edited highlights change in place,
//! deleted ones disappear and nothing is ever added twice.

use sha2::{Digest, Sha256};

/// How a managed block starts (followed by the article key).
pub const MIRROR_BEGIN: &str = "<!-- gloss:begin ";

/// How a managed block ends.
pub const MIRROR_END: &str = "<!-- gloss:end -->";

/// What the rest of the begin marker says to a reader of the file.
const BEGIN_NOTE: &str = "(gloss rewrites this block; write outside it) -->";

/// What one mirror run did, for the summary and for tests.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MirrorOutcome {
    /// Files created.
    pub created: Vec<std::path::PathBuf>,
    /// Files whose block changed.
    pub updated: Vec<std::path::PathBuf>,
    /// Files already in step.
    pub unchanged: usize,
    /// Files that could not be read or written, with why.
    pub failed: Vec<String>,
}

/// The block of an article left without highlights.
pub const NO_HIGHLIGHTS: &str = "_No highlights in gloss for this article any more._";

/// `name`, or `name-2.md`, `name-3.md`... when a file of that name (in any
/// lower-cased `taken`) is already in the folder: a new mirror file never
/// replaces one the user has.
pub fn free_name(name: &str, taken: &std::collections::HashSet<String>) -> String {
    let stem = name.strip_suffix(".md").unwrap_or(name);
    let mut candidate = name.to_owned();
    let mut n = 2;
    while taken.contains(&candidate.to_lowercase()) {
        candidate = format!("{stem}-{n}.md");
        n += 1;
    }
    candidate
}

/// The key of an article in the begin marker: 16 hex digits of the SHA-256
/// of its stored path (or fingerprint when it has no path).
pub fn article_key(path: &str, fingerprint: &str) -> String {
    let id = if path.is_empty() { fingerprint } else { path };
    Sha256::digest(id.as_bytes())
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The key named by the first managed block of `text`, if it has one.
pub fn key_in(text: &str) -> Option<&str> {
    let at = text.find(MIRROR_BEGIN)?;
    let rest = text.get(at + MIRROR_BEGIN.len()..)?;
    let key = rest.split_whitespace().next()?;
    (!key.is_empty() && key.chars().all(|c| c.is_ascii_hexdigit())).then_some(key)
}

/// The whole managed block for `body` (the article's Markdown section).
fn block(key: &str, body: &str) -> String {
    format!(
        "{MIRROR_BEGIN}{key} {BEGIN_NOTE}\n{}\n{MIRROR_END}\n",
        body.trim_end_matches('\n')
    )
}

/// The new text of a mirror file: `existing` with its managed block replaced
/// by one holding `body` (everything outside the block kept byte for byte),
/// or, for a new file (`existing` is `None`), `front_matter` followed by the
/// block. A file without a block gets the block appended after its text.
pub fn mirror_text(existing: Option<&str>, key: &str, front_matter: &str, body: &str) -> String {
    let new_block = block(key, body);
    let Some(old) = existing else {
        return format!("{front_matter}{new_block}");
    };
    if let Some(begin) = old.find(MIRROR_BEGIN)
        && let Some(end_rel) = old.get(begin..).and_then(|rest| rest.find(MIRROR_END))
    {
        let mut end = begin + end_rel + MIRROR_END.len();
        if old.get(end..).is_some_and(|r| r.starts_with('\n')) {
            end += 1;
        }
        let before = old.get(..begin).unwrap_or("");
        let after = old.get(end..).unwrap_or("");
        return format!("{before}{new_block}{after}");
    }
    let mut out = old.to_owned();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out.push_str(&new_block);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_block_changes() {
        let first = mirror_text(None, "ab12", "---\ntitle: \"T\"\n---\n", "# T\n\n> one\n");
        assert!(first.starts_with("---\ntitle"), "{first}");
        assert_eq!(key_in(&first), Some("ab12"));
        let edited = first.replace("---\n<!--", "---\nMy thoughts.\n\n<!--") + "\nAfter, mine.\n";
        let second = mirror_text(Some(&edited), "ab12", "ignored", "# T\n\n> two\n");
        assert!(
            second.contains("My thoughts.\n\n<!-- gloss:begin ab12"),
            "{second}"
        );
        assert!(
            second.ends_with("<!-- gloss:end -->\n\nAfter, mine.\n"),
            "{second}"
        );
        assert!(
            second.contains("> two") && !second.contains("> one"),
            "{second}"
        );
        assert_eq!(second.matches(MIRROR_BEGIN).count(), 1);
        // Running again with the same body changes nothing.
        assert_eq!(
            mirror_text(Some(&second), "ab12", "", "# T\n\n> two\n"),
            second
        );
    }

    #[test]
    fn a_file_without_a_block_gets_one_appended() {
        let out = mirror_text(Some("mine"), "ab12", "", "# T\n");
        assert!(out.starts_with("mine\n\n<!-- gloss:begin ab12"), "{out}");
    }

    #[test]
    fn keys_are_stable_hex() {
        let k = article_key("/a/b.md", "");
        assert_eq!(k.len(), 16);
        assert_eq!(k, article_key("/a/b.md", "sha256:x"));
        assert_ne!(k, article_key("/a/c.md", ""));
        assert_eq!(key_in("<!-- gloss:begin zz -->"), None);
    }
}
