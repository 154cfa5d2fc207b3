//! Hostile article shapes, generated at any size: the tests build them small
//! enough to run fast in a debug build, and `examples/pathological.rs` builds
//! them at the sizes of issue 8 to measure time and memory.
#![allow(dead_code)]

/// One generated input: a file name (its extension picks the format) and the
/// bytes, from a scale `n` (the sizes are in [`full_scale`]).
pub struct Input {
    /// Names the shape, as used by the example's command line.
    pub name: &'static str,
    /// The extension of the file written for it.
    pub file: &'static str,
    /// Builds the text for scale `n`.
    pub build: fn(usize) -> String,
    /// The size for this shape.
    pub full_scale: usize,
}

/// Every shape of issue 8's "pathological inputs".
pub const INPUTS: &[Input] = &[
    Input {
        name: "big-file",
        file: "big-file.md",
        build: big_file,
        full_scale: 50 << 20,
    },
    Input {
        name: "single-line",
        file: "single-line.txt",
        build: single_line,
        full_scale: 5 << 20,
    },
    Input {
        name: "empty-lines",
        file: "empty-lines.md",
        build: empty_lines,
        full_scale: 100_000,
    },
    Input {
        name: "nested-quotes",
        file: "nested-quotes.md",
        build: nested_quotes,
        full_scale: 10_000,
    },
    Input {
        name: "nested-lists",
        file: "nested-lists.md",
        build: nested_lists,
        full_scale: 10_000,
    },
    Input {
        name: "huge-heading",
        file: "huge-heading.md",
        build: huge_heading,
        full_scale: 1 << 20,
    },
    Input {
        name: "many-links",
        file: "many-links.md",
        build: many_links,
        full_scale: 100_000,
    },
    Input {
        name: "emphasis",
        file: "emphasis.md",
        build: emphasis,
        full_scale: 50_000,
    },
    Input {
        name: "wide-table",
        file: "wide-table.md",
        build: wide_table,
        full_scale: 1_000,
    },
];

/// About `bytes` of ordinary Markdown prose in paragraphs.
pub fn big_file(bytes: usize) -> String {
    let para = "The harbour was quiet that morning, and the boats rocked against \
                their moorings while gulls argued over the catch. *Nobody* spoke \
                of the storm, though everyone had heard it in the night.\n\n";
    let mut text = String::from("# A very long read\n\n");
    while text.len() < bytes {
        text.push_str(para);
    }
    text
}

/// One line of about `bytes` words and no line break.
pub fn single_line(bytes: usize) -> String {
    "word ".repeat(bytes / 5)
}

/// `n` empty lines between two words.
pub fn empty_lines(n: usize) -> String {
    format!("first\n{}last\n", "\n".repeat(n))
}

/// A paragraph inside `n` nested block quotes.
pub fn nested_quotes(n: usize) -> String {
    format!("{}deep\n", "> ".repeat(n))
}

/// An item inside `n` nested lists, each opened on the same line.
pub fn nested_lists(n: usize) -> String {
    format!("{}deep\n", "- ".repeat(n))
}

/// A heading of about `bytes`.
pub fn huge_heading(bytes: usize) -> String {
    format!("# {}\n\nAfter.\n", "title ".repeat(bytes / 6))
}

/// `n` links in one paragraph.
pub fn many_links(n: usize) -> String {
    (0..n)
        .map(|i| format!("[link {i}](https://example.org/{i}) "))
        .collect()
}

/// `*a **a ` repeated `n` times: emphasis that never closes.
pub fn emphasis(n: usize) -> String {
    "*a **a ".repeat(n)
}

/// A table of `n` columns and three rows.
pub fn wide_table(n: usize) -> String {
    let row = |f: &dyn Fn(usize) -> String| {
        let cells: Vec<String> = (0..n).map(f).collect();
        format!("| {} |\n", cells.join(" | "))
    };
    let mut text = row(&|i| format!("h{i}"));
    text.push_str(&row(&|_| "---".to_string()));
    for r in 0..3 {
        text.push_str(&row(&|i| format!("r{r}c{i}")));
    }
    text
}
