//! A generated long-read article in Markdown, shared by `benches/reader.rs` and
//! `examples/timing.rs` so the in-process benchmarks and the timings of the real
//! binary measure the very same text.
//!
//! It is deterministic (a fixed xorshift seed, no `rand`), looks like a real
//! article (sections, ~80-word paragraphs with inline marks and links, lists,
//! quotes, code blocks), and carries two marker words a screen reader can wait
//! for: [`FIRST_MARK`] opens the first paragraph, [`LAST_MARK`] opens the short
//! last one.

/// Opens the first paragraph: on screen means the article's first page is shown.
pub const FIRST_MARK: &str = "Prologuemark";

/// Opens the last paragraph: on screen means the end of the article is shown.
pub const LAST_MARK: &str = "Epiloguemark";

/// The rest of the last paragraph, to wait for after searching for
/// [`LAST_MARK`] (whose query is echoed on screen).
pub const LAST_WORDS: &str = "closes the article";

const WORDS: &[&str] = &[
    "the",
    "reader",
    "wraps",
    "long",
    "paragraphs",
    "at",
    "word",
    "boundaries",
    "and",
    "keeps",
    "every",
    "highlight",
    "attached",
    "to",
    "its",
    "text",
    "while",
    "a",
    "terminal",
    "window",
    "changes",
    "size",
    "of",
    "notes",
    "margin",
    "chapter",
    "river",
    "mountain",
    "village",
    "history",
    "archive",
    "letter",
    "morning",
    "evening",
    "quiet",
    "careful",
    "ordinary",
    "remarkable",
    "in",
    "on",
    "with",
    "from",
    "under",
    "between",
    "through",
    "because",
    "after",
    "before",
    "people",
    "written",
    "printed",
    "library",
    "argument",
    "evidence",
    "question",
    "answer",
    "small",
    "large",
    "old",
    "new",
    "city",
    "harbour",
    "winter",
    "summer",
    "light",
    "shadow",
    "memory",
    "record",
    "is",
    "was",
    "were",
    "has",
    "had",
    "could",
    "would",
    "not",
    "only",
    "also",
    "then",
    "there",
    "this",
    "that",
    "which",
    "what",
    "internationalization",
    "naïve",
    "café",
    "über",
];

const CODE_LINES: &[&str] = &[
    "fn wrap(text: &str, width: usize) -> Vec<String> {",
    "    let mut lines = Vec::new();",
    "    for word in text.split_whitespace() {",
    "        if line.len() + word.len() > width { lines.push(std::mem::take(&mut line)); }",
    "    }",
    "    lines",
    "}",
    "let total: u64 = pages.iter().map(|p| p.words).sum();",
];

/// A tiny deterministic generator (xorshift32).
struct Rng(u32);

impl Rng {
    fn next(&mut self) -> u32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 17;
        self.0 ^= self.0 << 5;
        self.0
    }

    /// A number in `lo..hi` (hi > lo).
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.next() as usize % (hi - lo)
    }

    fn word(&mut self) -> &'static str {
        WORDS[self.next() as usize % WORDS.len()]
    }
}

/// A sentence-cased run of a number of words in `words`, with occasional
/// inline marks, ending in a full stop.
fn prose(rng: &mut Rng, out: &mut String, words: std::ops::Range<usize>) {
    let n = rng.range(words.start, words.end);
    let mut sentence_start = true;
    for i in 0..n {
        if i > 0 {
            out.push(' ');
        }
        let word = rng.word();
        let word = if sentence_start {
            let mut c = word.chars();
            c.next().map_or_else(String::new, |f| {
                f.to_uppercase().collect::<String>() + c.as_str()
            })
        } else {
            word.to_string()
        };
        sentence_start = false;
        match rng.next() % 40 {
            0 => out.push_str(&format!("*{word}*")),
            1 => out.push_str(&format!("**{word}**")),
            2 => out.push_str(&format!("`{word}`")),
            3 => out.push_str(&format!("[{word}](https://example.org/{word})")),
            _ => out.push_str(&word),
        }
        if i + 1 < n && rng.next().is_multiple_of(12) {
            out.push(if rng.next().is_multiple_of(3) {
                ','
            } else {
                '.'
            });
            sentence_start = out.ends_with('.');
        }
    }
    out.push('.');
}

/// A Markdown article of about `bytes` bytes (at least a title and the two
/// marked paragraphs) titled `title`.
pub fn article(title: &str, bytes: usize) -> String {
    article_seeded(title, bytes, 0)
}

/// Like [`article`], with its own words for each `seed` (a library of many
/// articles that are not all the same text).
#[allow(dead_code)] // the generated library of examples/timing.rs
pub fn article_seeded(title: &str, bytes: usize, seed: u32) -> String {
    let mut rng = Rng((0x2545_f491 ^ seed.wrapping_mul(0x9e37_79b9)).max(1));
    let mut out = String::with_capacity(bytes + 4096);
    out.push_str(&format!(
        "# {title}\n\nBy A. Benchmark\n\n{FIRST_MARK} opens the article. "
    ));
    prose(&mut rng, &mut out, 60..61);
    out.push_str("\n\n");
    let mut section = 0;
    while out.len() < bytes {
        if rng.next().is_multiple_of(12) {
            section += 1;
            out.push_str(&format!("## Section {section}: "));
            prose(&mut rng, &mut out, 4..5);
            out.push_str("\n\n");
        }
        match rng.next() % 20 {
            0 | 1 => {
                for _ in 0..rng.range(3, 7) {
                    out.push_str("- ");
                    prose(&mut rng, &mut out, 6..24);
                    out.push('\n');
                }
            }
            2 => {
                for i in 1..=rng.range(3, 6) {
                    out.push_str(&format!("{i}. "));
                    prose(&mut rng, &mut out, 8..30);
                    out.push('\n');
                }
            }
            3 => {
                out.push_str("> ");
                prose(&mut rng, &mut out, 30..70);
                out.push('\n');
            }
            4 => {
                out.push_str("```rust\n");
                for _ in 0..rng.range(3, 10) {
                    out.push_str(CODE_LINES[rng.range(0, CODE_LINES.len())]);
                    out.push('\n');
                }
                out.push_str("```\n");
            }
            _ => prose(&mut rng, &mut out, 60..100),
        }
        out.push_str("\n\n");
    }
    out.push_str(&format!("{LAST_MARK} {LAST_WORDS}.\n"));
    out
}
