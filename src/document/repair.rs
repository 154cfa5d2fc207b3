//! Page-break repair: text extracted from PDFs often splits a paragraph at a
//! page boundary, leaving a blank line mid-sentence. A body paragraph that does
//! not end a sentence is joined with the body paragraph after it.

/// Characters that end a sentence (or introduce what follows, like a colon).
/// Full-width forms count too: Chinese and Japanese end sentences with `。！？`.
const FINAL: [char; 13] = [
    '.', '!', '?', '…', ':', ';', '。', '！', '？', '．', '：', '；', '｡',
];
/// Closing marks that may follow the final punctuation, CJK brackets included.
const CLOSERS: [char; 17] = [
    '"', '”', '’', '\'', ')', ']', '*', '_', '»', '›', '」', '』', '）', '】', '〉', '》', '＂',
];

/// True when the paragraph text ends like a finished sentence, so no page break
/// is assumed after it.
pub(super) fn ends_sentence(text: &str) -> bool {
    let core = text.trim_end().trim_end_matches(CLOSERS);
    core.ends_with(FINAL)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentence_ends() {
        for t in [
            "Done.",
            "Really?",
            "Stop!",
            "And so…",
            "as follows:",
            "one; ",
            "He said “go.”",
            "(see above.)",
            "‘quoted.’",
            "*emphasis.*",
            "日本語の文です。",
            "次の段落です！",
            "最後の段落？",
            "「そうです。」",
        ] {
            assert!(ends_sentence(t), "{t}");
        }
        for t in [
            "as platforms",
            "the US",
            "a, b,",
            "word —",
            "2021",
            "",
            "“open",
        ] {
            assert!(!ends_sentence(t), "{t}");
        }
    }
}
