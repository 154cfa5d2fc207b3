//! A seeded generated library for the search benchmark and timing example:
//! `count` Markdown articles of about 5 KB each (a title, an author line,
//! headings, paragraphs with emphasis and links), the same on every run.
//! One article in a hundred mentions "heliotrope", the rare word searched.
#![allow(dead_code)]

use std::fs;
use std::path::Path;

/// The rare word: in one article of a hundred.
pub const RARE: &str = "heliotrope";

const WORDS: &[&str] = &[
    "the", "river", "morning", "light", "across", "a", "field", "of", "wheat", "and", "quiet",
    "houses", "where", "people", "read", "letters", "from", "distant", "towns", "while", "rain",
    "fell", "on", "slate", "roofs", "market", "bread", "window", "garden", "stone", "bridge",
    "evening", "lamp", "harbour", "boats", "sailed", "north", "winter", "came", "early", "that",
    "year", "with", "snow", "over", "hills", "children", "walked", "to", "school", "through",
    "woods", "café", "naïve", "résumé", "library", "paper", "ink", "story", "chapter",
];

/// A small deterministic generator (64-bit LCG), so no crate is needed
/// and every run writes the same library.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn word(&mut self) -> &'static str {
        WORDS[(self.next() as usize) % WORDS.len()]
    }
}

/// One article's text.
pub fn article(i: usize, rng_seed: u64) -> String {
    let mut rng = Lcg(rng_seed ^ (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let mut text = format!(
        "# Dispatch {i:05}: {} {}\n\nBy Writer {}\n\n",
        rng.word(),
        rng.word(),
        rng.next() % 300
    );
    let mut paragraph = 0;
    while text.len() < 5_000 {
        if paragraph % 4 == 3 {
            text.push_str(&format!("## Part {}\n\n", paragraph / 4 + 1));
        }
        for s in 0..5 {
            let words = 8 + (rng.next() % 10) as usize;
            for w in 0..words {
                let word = rng.word();
                if w == 0 {
                    let mut c = word.chars();
                    if let Some(first) = c.next() {
                        text.extend(first.to_uppercase());
                        text.push_str(c.as_str());
                    }
                } else if rng.next().is_multiple_of(40) {
                    text.push_str(&format!("**{word}**"));
                } else if rng.next().is_multiple_of(60) {
                    text.push_str(&format!("[{word}](https://example.org/{word})"));
                } else {
                    text.push_str(word);
                }
                text.push(if w + 1 == words { '.' } else { ' ' });
            }
            if i % 100 == 7 && paragraph == 2 && s == 1 {
                text.push_str(&format!(" The {RARE} bloomed by the wall."));
            }
            text.push(' ');
        }
        text.push_str("\n\n");
        paragraph += 1;
    }
    text
}

/// Writes `count` articles into `dir` (in ten folders, as a library grows).
pub fn write(dir: &Path, count: usize) {
    for i in 0..count {
        let folder = dir.join(format!("shelf-{}", i % 10));
        fs::create_dir_all(&folder).expect("library folder");
        fs::write(folder.join(format!("dispatch-{i:05}.md")), article(i, 42)).expect("article");
    }
}
