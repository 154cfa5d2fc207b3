//! Document-level tests: canonical text, blocks, metadata and laziness as a
//! reader would notice them.

use super::*;
use proptest::prelude::*;

fn md(src: &str) -> Document {
    Document::parse_complete(src, Format::Markdown, ParseOptions::default())
}

fn plain(src: &str) -> Document {
    Document::parse_complete(src, Format::Plain, ParseOptions::default())
}

fn no_repair(src: &str) -> Document {
    Document::parse_complete(
        src,
        Format::Markdown,
        ParseOptions {
            repair_page_breaks: false,
        },
    )
}

/// Each of a block's indented lines as (line, indent, hang).
fn indents(block: &Block) -> Vec<(u32, u16, u16)> {
    block
        .container
        .indents
        .iter()
        .map(|i| (i.line, i.indent, i.hang))
        .collect()
}

fn texts(doc: &Document) -> Vec<&str> {
    doc.blocks()
        .iter()
        .map(|b| doc.slice(b.range.clone()))
        .collect()
}

fn kinds(doc: &Document) -> Vec<BlockKind> {
    doc.blocks().iter().map(|b| b.kind.clone()).collect()
}

fn styled(doc: &Document) -> Vec<(&str, SpanStyle)> {
    doc.blocks()
        .iter()
        .flat_map(|b| b.spans.iter())
        .map(|s| (doc.slice(s.range.clone()), s.style))
        .collect()
}

const EM: SpanStyle = SpanStyle {
    emphasis: true,
    strong: false,
    code: false,
    link: false,
    strike: false,
    mark: false,
};
const STRONG: SpanStyle = SpanStyle {
    emphasis: false,
    strong: true,
    code: false,
    link: false,
    strike: false,
    mark: false,
};

// ---- canonical text -------------------------------------------------------

#[test]
fn blocks_are_joined_by_blank_lines_and_breaks_resolved() {
    let d = md("First line\nsoft break.\n\nHard  \nbreak.\n\nBack\\slash \\$500 & &amp; \\*x\\*.");
    assert_eq!(
        d.text(),
        "First line soft break.\n\nHard\nbreak.\n\nBack\\slash $500 & & *x*."
    );
    assert_eq!(kinds(&d), vec![BlockKind::Paragraph; 3]);
}

#[test]
fn a_byte_order_mark_is_not_text() {
    let d = md("\u{feff}# Title\n\nBody.");
    assert_eq!(d.meta().title.as_deref(), Some("Title"));
    assert_eq!(d.text(), "Title\n\nBody.");
}

#[test]
fn smart_punctuation_is_off() {
    let d = md("He said \"hi\" -- 'ok'...");
    assert_eq!(d.text(), "He said \"hi\" -- 'ok'...");
}

#[test]
fn inline_styles_become_spans() {
    let d = md("a *em* **strong** `co de` ~~gone~~ ***both*** **out *in* out**.");
    assert_eq!(d.text(), "a em strong co de gone both out in out.");
    let s = styled(&d);
    assert_eq!(s[0], ("em", EM));
    assert_eq!(s[1], ("strong", STRONG));
    assert_eq!(s[2].0, "co de");
    assert!(s[2].1.code);
    assert_eq!(s[3].0, "gone");
    assert!(s[3].1.strike);
    assert_eq!(s[4].0, "both");
    assert!(s[4].1.strong && s[4].1.emphasis);
    assert_eq!(s[5], ("out ", STRONG));
    assert_eq!(s[6].0, "in");
    assert!(s[6].1.strong && s[6].1.emphasis);
    assert_eq!(s[7], (" out", STRONG));
}

#[test]
fn links_are_styled_and_recorded() {
    let d = md("See [the **site**](https://example.org/a) and <https://b.org>.");
    assert_eq!(d.text(), "See the site and https://b.org.");
    let links: Vec<(&str, &str)> = d
        .links()
        .iter()
        .map(|l| (d.slice(l.range.clone()), l.url.as_str()))
        .collect();
    assert_eq!(
        links,
        [
            ("the site", "https://example.org/a"),
            ("https://b.org", "https://b.org")
        ]
    );
    let s = styled(&d);
    assert_eq!(s[0].0, "the ");
    assert!(s[0].1.link && !s[0].1.strong);
    assert_eq!(s[1].0, "site");
    assert!(s[1].1.link && s[1].1.strong);
}

#[test]
fn references_defined_in_another_segment_lead_to_their_targets() {
    let d = md("See [the report][r], [it][] and [sic].\n\n[r]: http://x\n[it]: http://y");
    assert_eq!(d.text(), "See the report, it and [sic].");
    let links: Vec<(&str, &str)> = d
        .links()
        .iter()
        .map(|l| (d.slice(l.range.clone()), l.url.as_str()))
        .collect();
    assert_eq!(links, [("the report", "http://x"), ("it", "http://y")]);
    assert!(d.blocks()[0].spans.iter().all(|s| s.style.link));
    // An undefined reference still shows as its text, with no target.
    let d = md("See [the report][nowhere] now.");
    assert_eq!(d.text(), "See the report now.");
    assert!(d.links().is_empty());
    let d = md("- See [the report][r].\n\n  [r]: http://x");
    assert_eq!(d.text(), "See the report.");
    assert_eq!(d.links()[0].url, "http://x");
}

#[test]
fn images_become_marked_alt_text() {
    let d = md("Look: ![a *red* boat](boat.png) here.");
    assert_eq!(d.text(), "Look: [image: a red boat] here.");
}

#[test]
fn html_shows_its_text_sanitized() {
    let d = md("<div class=\"x\">\nhi\x1b[2J\n</div>\n\nText <b>bold</b> end.");
    assert_eq!(d.text(), "hi␛[2J\n\nText bold end.");
    assert_eq!(kinds(&d), vec![BlockKind::Paragraph; 2]);
}

#[test]
fn code_blocks_keep_lines_and_tabs() {
    let d = md("```rust\nfn main() {\n\tlet x = 1;\n\n}\n```\n\n    indented\n    code\n\nafter");
    assert_eq!(
        texts(&d),
        ["fn main() {\n\tlet x = 1;\n\n}", "indented\ncode", "after"]
    );
    assert_eq!(
        d.blocks()[0].kind,
        BlockKind::Code {
            lang: "rust".into()
        }
    );
    assert_eq!(
        d.blocks()[1].kind,
        BlockKind::Code {
            lang: String::new()
        }
    );
}

#[test]
fn headings_carry_their_level() {
    let d = md("Intro para.\n\n## Two\n\n### Three *x*\n\nSetext\n------");
    assert_eq!(
        kinds(&d),
        [
            BlockKind::Paragraph,
            BlockKind::Heading(2),
            BlockKind::Heading(3),
            BlockKind::Heading(2)
        ]
    );
    assert_eq!(texts(&d)[2], "Three x");
}

#[test]
fn a_table_is_one_block_that_knows_its_cells_and_alignments() {
    let d = md("Intro.\n\n| A | *B* | C |\n|:--|--:|:-:|\n| 1 | 2 |\n| 3 | | x |");
    assert_eq!(texts(&d), ["Intro.", "A\tB\tC\n1\t2\t\n3\t\tx"]);
    let BlockKind::Table(table) = &d.blocks()[1].kind else {
        panic!("not a table: {:?}", d.blocks()[1].kind);
    };
    assert_eq!(
        table.align,
        [ColumnAlign::Left, ColumnAlign::Right, ColumnAlign::Center]
    );
    assert_eq!(table.columns(), 3);
    let block = &d.blocks()[1];
    let cell = |r: usize, c: usize| {
        let range = table.rows[r].cells[c].clone();
        d.slice(block.range.start + range.start..block.range.start + range.end)
    };
    assert!(table.rows[0].header && !table.rows[1].header);
    assert_eq!([cell(0, 0), cell(0, 1), cell(0, 2)], ["A", "B", "C"]);
    // Pulldown pads a short row with empty cells: they keep their column.
    assert_eq!([cell(1, 0), cell(1, 1), cell(1, 2)], ["1", "2", ""]);
    assert_eq!([cell(2, 0), cell(2, 1), cell(2, 2)], ["3", "", "x"]);
    assert_eq!(styled(&d), [("B", EM)]);
}

#[test]
fn table_cells_never_hold_the_separators() {
    let d = md("| a\tb | c |\n|---|---|\n| `x\ty` | z |");
    let BlockKind::Table(table) = &d.blocks()[0].kind else {
        panic!("not a table");
    };
    for row in &table.rows {
        for cell in &row.cells {
            assert!(!d.slice(cell.clone()).contains(['\t', '\n']));
        }
    }
}

#[test]
fn runs_of_blanks_in_a_table_cell_read_as_one_space() {
    // Authors pad a cell to line its pipes up with the rows around it; the
    // padding shows as one space, as it does on GitHub. A code span keeps
    // its own spaces, as CommonMark says.
    let d = md("| Lamp | Fuel |\n|---|---|\n\
                | `wick`        or `oil` | paraffin  \t and   tallow |\n\
                | `a  b`   | x |\n");
    assert_eq!(
        texts(&d),
        ["Lamp\tFuel\nwick or oil\tparaffin and tallow\na  b\tx"]
    );
    let code: Vec<&str> = styled(&d).into_iter().map(|(s, _)| s).collect();
    assert_eq!(code, ["wick", "oil", "a  b"]);
}

#[test]
fn rules_are_empty_blocks_between_blank_lines() {
    let d = md("Above.\n\n---\n\nBelow.");
    assert_eq!(d.text(), "Above.\n\n\n\nBelow.");
    assert_eq!(d.blocks()[1].kind, BlockKind::Rule);
    assert_eq!(d.blocks()[1].range, 8..8);
}

#[test]
fn lists_set_depth_and_markers() {
    let d = md("Intro.\n\n- one\n- two\n  - nested\n\n  two more\n\n3. three\n4. four");
    assert_eq!(
        texts(&d),
        [
            "Intro.", "one", "two", "nested", "two more", "three", "four"
        ]
    );
    let c: Vec<(u8, Option<&str>)> = d
        .blocks()
        .iter()
        .map(|b| (b.container.list_depth, b.container.marker.as_deref()))
        .collect();
    assert_eq!(
        c,
        [
            (0, None),
            (1, Some("•")),
            (1, Some("•")),
            (2, Some("•")),
            (1, None),
            (1, Some("3.")),
            (1, Some("4."))
        ]
    );
}

#[test]
fn loose_lists_stay_one_list() {
    let d = md("Intro.\n\n1. one\n\n2. two\n\n   more\n\n3. three");
    let markers: Vec<Option<&str>> = d
        .blocks()
        .iter()
        .map(|b| b.container.marker.as_deref())
        .collect();
    assert_eq!(markers, [None, Some("1."), Some("2."), None, Some("3.")]);
}

#[test]
fn a_github_alert_shows_its_label_not_its_marker() {
    let d = md("> [!WARNING]\n> The lamp is hot.\n\n> [!NOTE] not a marker here\n");
    assert_eq!(
        texts(&d),
        ["Warning", "The lamp is hot.", "[!NOTE] not a marker here"]
    );
    let q: Vec<u8> = d.blocks().iter().map(|b| b.container.quote_depth).collect();
    assert_eq!(q, [1, 1, 1], "the label is inside the quote");
    assert!(d.blocks()[0].spans.iter().all(|s| s.style.strong));
}

#[test]
fn quotes_set_depth() {
    let d = md("Intro.\n\n> quoted\n>\n> > deeper\n\nout");
    let q: Vec<u8> = d.blocks().iter().map(|b| b.container.quote_depth).collect();
    assert_eq!(texts(&d), ["Intro.", "quoted", "deeper", "out"]);
    assert_eq!(q, [0, 1, 2, 0]);
}

#[test]
fn control_characters_never_reach_the_text() {
    let evil = "# T\x1b]0;evil title\x07\n\nA\x1b[2J b\u{9b}c \u{202e}d `\x1b[1m` [x\x07](u\x1b)";
    for d in [md(evil), plain(evil)] {
        assert!(!d.text().chars().any(forbidden), "{:?}", d.text());
        assert!(d.text().contains("␛[2J"));
        let title = d.meta().title.clone().unwrap_or_default();
        assert!(!title.chars().any(forbidden), "{title:?}");
        assert!(d.links().iter().all(|l| !l.url.chars().any(forbidden)));
    }
}

// ---- plain format ---------------------------------------------------------

#[test]
fn plain_text_has_no_special_characters() {
    let d =
        plain("Title here\n\nA *star* and \\$5\nnext line.\n\n# not a heading.\n\n- nor a list.");
    assert_eq!(
        texts(&d),
        [
            "Title here",
            "A *star* and \\$5 next line.",
            "# not a heading.",
            "- nor a list."
        ]
    );
    assert!(
        d.blocks()
            .iter()
            .all(|b| b.kind == BlockKind::Paragraph && b.spans.is_empty())
    );
    assert_eq!(d.meta().title.as_deref(), Some("Title here"));
}

#[test]
fn plain_text_repairs_page_breaks_too() {
    let d = plain("Title\n\nBody text that was cut\n\nby a page.\n\nNext.");
    assert_eq!(
        texts(&d),
        ["Title", "Body text that was cut by a page.", "Next."]
    );
}

// ---- empty ----------------------------------------------------------------

#[test]
fn empty_sources_make_empty_documents() {
    for src in ["", "\n\n  \n", "---\ntitle:\n---\n", "+++\n+++\n\n"] {
        let d = Document::new(src, Format::Markdown, ParseOptions::default());
        assert!(d.is_complete(), "{src:?}");
        assert_eq!(d.text(), "");
        assert!(d.blocks().is_empty());
        assert_eq!(d.meta().title, None);
        assert_eq!(d.parsed_fraction(), 1.0);
    }
    let d = md("---\ntitle: Only Meta\n---\n");
    assert!(d.blocks().is_empty());
    assert_eq!(d.meta().title.as_deref(), Some("Only Meta"));
}

// ---- metadata -------------------------------------------------------------

#[test]
fn news_article_header() {
    let d = md("\n\n# US *announces* deal\n\nAndrea Lobo  \n15 April 2021\n\nFirst paragraph.");
    let m = d.meta();
    assert_eq!(m.title.as_deref(), Some("US announces deal"));
    assert_eq!(m.author.as_deref(), Some("Andrea Lobo"));
    assert_eq!(m.date_text.as_deref(), Some("15 April 2021"));
    assert_eq!(m.date, chrono::NaiveDate::from_ymd_opt(2021, 4, 15));
    assert_eq!(
        kinds(&d),
        [
            BlockKind::Heading(1),
            BlockKind::Byline,
            BlockKind::Paragraph
        ]
    );
    assert_eq!(
        texts(&d),
        [
            "US announces deal",
            "Andrea Lobo\n15 April 2021",
            "First paragraph."
        ]
    );
}

#[test]
fn byline_lines_in_separate_segments_or_one_line() {
    let d = md("# T\n\nBy Jane Doe\n\nApril 15, 2021\n\nBody starts here.");
    assert_eq!(d.meta().author.as_deref(), Some("Jane Doe"));
    assert_eq!(d.meta().date_text.as_deref(), Some("April 15, 2021"));
    assert_eq!(kinds(&d)[1..3], [BlockKind::Byline, BlockKind::Paragraph]);
    assert_eq!(
        texts(&d)[1],
        "By Jane Doe\nApril 15, 2021",
        "one compact byline block"
    );

    let d = md("Title Without Hash\n\nJane Doe | March 3, 2020\n\nBody.");
    assert_eq!(d.meta().title.as_deref(), Some("Title Without Hash"));
    assert_eq!(d.meta().author.as_deref(), Some("Jane Doe"));
    assert_eq!(d.meta().date, chrono::NaiveDate::from_ymd_opt(2020, 3, 3));
    assert_eq!(
        kinds(&d),
        [
            BlockKind::Paragraph,
            BlockKind::Byline,
            BlockKind::Paragraph
        ]
    );
}

#[test]
fn body_lines_are_not_bylines() {
    // A name line directly followed by body text in the same paragraph.
    let d = md("# T\n\nJane Doe\nwrote this paragraph.\n\nMore.");
    assert_eq!(d.meta().author, None);
    assert!(!kinds(&d).contains(&BlockKind::Byline));
    // A sentence after the title.
    let d = md("# T\n\nIt was a cold day.\n\nMore.");
    assert_eq!(d.meta().author, None);
    assert!(!kinds(&d).contains(&BlockKind::Byline));
}

#[test]
fn title_falls_back_to_the_first_line() {
    let long = format!(
        "{} end of a long first line\nsecond line",
        "word ".repeat(30)
    );
    let d = md(&long);
    let t = d.meta().title.clone().unwrap_or_default();
    assert!(t.starts_with("word word"));
    assert!(t.chars().count() <= 101);
    assert!(!t.contains("second"));

    // A long opening paragraph is the body: a heading after it is a section.
    let intro = format!(
        "{}\n\n# Later Heading\n",
        "An opening paragraph. ".repeat(20)
    );
    let d = md(&intro);
    let t = d.meta().title.clone().unwrap_or_default();
    assert!(t.starts_with("An opening paragraph."), "{t}");

    let d = md("## Section *two*\n\nText.");
    assert_eq!(d.meta().title.as_deref(), Some("Section two"));
}

/// The title from the whole document and from the cheap metadata reader the
/// library uses: they must agree.
fn title_of(src: &str) -> Option<String> {
    let d = md(src);
    let cheap = crate::document::read_metadata(src, Format::Markdown);
    assert_eq!(d.meta(), &cheap, "{src}");
    cheap.title
}

#[test]
fn the_first_level_one_heading_near_the_start_is_the_title() {
    // A short preface or a badge line before the heading is not the title.
    let d = md("Intro paragraph, not a heading.\n\n# Later Heading\n\nBody.");
    assert_eq!(d.meta().title.as_deref(), Some("Later Heading"));
    assert_eq!(
        texts(&d),
        ["Intro paragraph, not a heading.", "Later Heading", "Body."],
        "the preface keeps its place"
    );
    assert_eq!(kinds(&d)[1], BlockKind::Heading(1));
    let badge = "[![Chat at https://chat.example](https://b.example/c.svg)](https://chat.example)\n\n\
                 # pyenv-like\n\nBody.";
    assert_eq!(title_of(badge).as_deref(), Some("pyenv-like"));
    let setext = "A preface line\n\nThe Tool\n========\n\nBody.";
    assert_eq!(title_of(setext).as_deref(), Some("The Tool"));
}

#[test]
fn a_leading_html_comment_is_never_the_title() {
    let yaml_comment = "<!-- YAML\nadded: v1.0.0\nchanges:\n  - version: v2.0.0\n-->\n\n\
                        # Web API\n\nThe module provides things.";
    assert_eq!(title_of(yaml_comment).as_deref(), Some("Web API"));
    // Without a heading, the first line of text after the comments.
    let no_heading = "<!--\n  A note for maintainers.\n-->\n\n<!--introduced_in=v0.10.0-->\n\n\
                      About this documentation\n\nMore.";
    assert_eq!(
        title_of(no_heading).as_deref(),
        Some("About this documentation")
    );
    let d = md(no_heading);
    assert!(d.text().ends_with("About this documentation\n\nMore."));
}

#[test]
fn a_pandoc_title_block_is_the_title() {
    let src = "% Release Notes\n% Ann Lee\n% 15 April 2021\n\nVersion 1.2 (2021-04-15)\n========\n\nText.";
    let d = md(src);
    assert_eq!(title_of(src).as_deref(), Some("Release Notes"));
    assert_eq!(d.meta().author.as_deref(), Some("Ann Lee"));
    assert_eq!(d.meta().date, chrono::NaiveDate::from_ymd_opt(2021, 4, 15));
    assert_eq!(
        texts(&d),
        [
            "Release Notes",
            "Ann Lee\n15 April 2021",
            "Version 1.2 (2021-04-15)",
            "Text."
        ]
    );
    assert_eq!(kinds(&d)[..2], [BlockKind::Heading(1), BlockKind::Byline]);
    // Front matter still wins; a `%` in plain text means nothing.
    assert_eq!(
        title_of("---\ntitle: \"From \\\"FM\\\"\"\n---\n% Pandoc\n\nBody.").as_deref(),
        Some("From \"FM\"")
    );
    let d = plain("% not a title block\n\nBody.");
    assert_eq!(d.meta().title.as_deref(), Some("% not a title block"));
}

#[test]
fn front_matter_is_metadata_not_text() {
    let d = md("---\ntitle: From FM\nauthor: Ann\ndate: 2021-04-15\n---\n# Heading\n\nBody.");
    assert_eq!(d.meta().title.as_deref(), Some("From FM"));
    assert_eq!(d.meta().author.as_deref(), Some("Ann"));
    assert_eq!(d.meta().date, chrono::NaiveDate::from_ymd_opt(2021, 4, 15));
    assert_eq!(d.text(), "Heading\n\nBody.");

    let d = md("+++\ntitle = \"Toml\"\nby = \"Bo\"\n+++\n\nBody.");
    assert_eq!(d.meta().title.as_deref(), Some("Toml"));
    assert_eq!(d.meta().author.as_deref(), Some("Bo"));
    assert_eq!(d.text(), "Body.");
}

#[test]
fn setext_title() {
    let d = md("The Title\n=========\n\nBy Someone\n\nBody.");
    assert_eq!(d.meta().title.as_deref(), Some("The Title"));
    assert_eq!(d.meta().author.as_deref(), Some("Someone"));
    assert_eq!(kinds(&d)[0], BlockKind::Heading(1));
}

// ---- page-break repair ----------------------------------------------------

const FIXTURE: &str = include_str!("../../tests/fixtures/document/page_breaks.md");

#[test]
fn fixture_page_breaks_are_joined() {
    let d = md(FIXTURE);
    let t = texts(&d);
    for (a, b) in [
        ("as reservoirs", "of cheap seasonal labour"),
        ("hearing on the", "new ferry contract"),
        ("by the Coast", "Guard in March"),
        ("detentions of", "northbound travellers"),
        ("which were in", "turn a reaction"),
    ] {
        let joined = format!("{a} {b}");
        assert!(t.iter().any(|p| p.contains(&joined)), "{joined}");
    }
    let plain = no_repair(FIXTURE);
    assert_eq!(plain.blocks().len(), d.blocks().len() + 5);
    assert_eq!(
        &t[..3],
        [
            "Harbour towns agree to share patrol boats along the northern coast",
            "Marta Kessler\n15 April 2021",
            "Three harbour councils signed an agreement on Tuesday to pool their patrol boats and crews, a move officials described as a response to rising traffic on the northern shipping lanes."
        ]
    );
    assert_eq!(d.meta().author.as_deref(), Some("Marta Kessler"));
    assert_eq!(d.meta().date_text.as_deref(), Some("15 April 2021"));
}

#[test]
fn fixture_without_repair_joins_nothing() {
    let d = no_repair(FIXTURE);
    let t = texts(&d);
    // Every source paragraph after the header is its own block.
    let body: Vec<&str> = FIXTURE
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .skip(2)
        .map(|p| p.trim_start_matches("## "))
        .collect();
    assert_eq!(&t[2..], &body[..]);
    assert!(t.contains(&"new ferry contract until after the spring holiday."));
}

#[test]
fn page_break_chains_join_repeatedly() {
    let d = md("Title.\n\nOne part\n\ntwo part\n\nthree part\n\nend.\n\nNext.");
    assert_eq!(
        texts(&d)[1..],
        ["One part two part three part end.", "Next."]
    );
}

#[test]
fn a_page_number_between_the_halves_of_a_sentence_is_dropped() {
    for number in ["2", "- 14 -", "Page 3", "3 of 12", "7/12"] {
        let d = plain(&format!(
            "Harbour news\n\nMore than two hundred boats were counted by the harbour\n\n{number}\n\nmaster before the storm.\n\nNext."
        ));
        assert_eq!(
            texts(&d)[1..],
            [
                "More than two hundred boats were counted by the harbour master before the storm.",
                "Next."
            ],
            "{number}"
        );
    }
    // A number after a finished sentence, or before text that does not go
    // on with it, is kept where it is.
    let d = plain("Harbour news\n\nThe boats were counted.\n\n2\n\nThe storm came.");
    assert_eq!(
        texts(&d)[1..],
        ["The boats were counted.", "2", "The storm came."]
    );
    let d = plain("Harbour news\n\nCounted by the harbour\n\n2\n\n- a list item");
    assert_eq!(
        texts(&d)[1..],
        ["Counted by the harbour", "2", "- a list item"]
    );
}

#[test]
fn a_paragraph_opening_with_code_is_not_a_sentence_going_on() {
    let src = "# lampd\n\n`lampd(8)` daemon for harbours\n\n`lampd(8)` keeps the harbour lamps lit through the night.\n";
    assert_eq!(md(src).text(), no_repair(src).text());
}

#[test]
fn page_break_repair_never_joins_structure() {
    let cases = [
        // heading after a fragment, fragment before a heading
        "# T\n\nfragment\n\n## Heading\n\nbody.",
        "# T\n\n## Heading without stop\n\nbody.",
        // list items, quotes, code, tables, html, rules
        "# T\n\nfragment\n\n- item\n\nbody.",
        "# T\n\n- item without stop\n\nbody.",
        "# T\n\n> quote without stop\n\nbody.",
        "# T\n\nfragment\n\n> quote.",
        "# T\n\n```\ncode\n```\n\nbody.",
        "# T\n\nfragment\n\n```\ncode\n```",
        "# T\n\n| a | b |\n|---|---|\n| c | d |\n\nbody.",
        "# T\n\n<div>\nhtml\n</div>\n\nbody.",
        "# T\n\nfragment\n\n<div>\nhtml\n</div>",
        "# T\n\nfragment\n\n---\n\nbody.",
    ];
    for src in cases {
        let a = md(src);
        let b = no_repair(src);
        assert_eq!(a.text(), b.text(), "{src}");
    }
}

#[test]
fn titles_bylines_and_the_last_paragraph_are_never_joined() {
    let d = md("Short Title\n\nJane Doe\n\nBody fragment");
    assert_eq!(texts(&d), ["Short Title", "Jane Doe", "Body fragment"]);
    let d = md("# Title\n\nJane Doe  \n15 April 2021\n\nbody.");
    assert_eq!(texts(&d), ["Title", "Jane Doe\n15 April 2021", "body."]);
    // Sentence-final punctuation with closing marks ends a paragraph.
    let d = md("# T\n\nHe said “go.”\n\nnext.\n\n(An aside.)\n\nlast");
    assert_eq!(
        texts(&d)[1..],
        ["He said “go.”", "next.", "(An aside.)", "last"]
    );
}

/// Each source paragraph stays its own block when repair is on.
fn joins_nothing(src: &str, format: Format) {
    let on = Document::parse_complete(src, format, ParseOptions::default());
    let off = Document::parse_complete(
        src,
        format,
        ParseOptions {
            repair_page_breaks: false,
        },
    );
    assert_eq!(on.text(), off.text(), "{src}");
}

#[test]
fn api_reference_shapes_are_never_joined() {
    // A command synopsis in code, a label line, a bold pseudo-heading, a
    // line ending in a URL, a badge: each followed by a capitalised paragraph.
    for src in [
        "# Tool\n\n`tool --list-options`\n\nRun it without arguments to start a shell.",
        "# Removals\n\nType: End-of-Life\n\nThe old module has been removed.",
        "# Modes\n\n**Strict comparison mode**\n\nAn alias of the strict check.",
        "# Notes\n\nSee https://example.org/security/advisory-2019\n\nfor the details.",
        "# App\n\n[![Chat with us at https://chat.example/room](https://b.example/b.svg)](https://chat.example/room)\n\napp lets you switch versions easily.",
        "# Keys\n\nThe public key is available at\n\nhttps://keys.example/by-fingerprint/ABCD",
        "# Usage\n\ntool [options] [file | -e \"script\"] [--] [args]\n\nPlease see the options page.",
    ] {
        joins_nothing(src, Format::Markdown);
    }
}

#[test]
fn licence_headings_are_never_joined() {
    let licence = "THE EXAMPLE PUBLIC LICENSE\n\nVersion 3, 1 May 2001\n\n\
                   Copyright the Example Foundation\n\nPreamble\n\n\
                   The licence is meant to keep the program free.\n\n\
                   END OF TERMS AND CONDITIONS\n\nHow to Apply These Terms to Your Programs\n\n\
                   If you write a program, attach these notices.";
    joins_nothing(licence, Format::Plain);
}

#[test]
fn hand_wrapped_or_code_holding_sources_are_left_alone() {
    // The author wraps lines, so a blank line after an unpunctuated line is
    // deliberate.
    let wrapped = "# Events\n\nThe stream emits events in the order the tests\nare defined, one per test\n\n\
                   Some events are emitted in the order\nthe tests are run\n\nsee below for more.";
    joins_nothing(wrapped, Format::Markdown);
    // A fenced code block marks Markdown written by hand.
    let fenced = "# Crate\n\nA small bitset container for the language\n\n\
                  which is fast\n\n```rust\nlet x = 1;\n```\n";
    joins_nothing(fenced, Format::Markdown);
}

#[test]
fn a_long_fragment_joins_a_capitalised_continuation() {
    let d = md(
        "# T\n\nMore than 90,000 travellers were stopped by the US\n\n\
                Coast Guard in March, far more than in February.\n\nNext.",
    );
    assert_eq!(
        texts(&d)[1..],
        [
            "More than 90,000 travellers were stopped by the US Coast Guard in March, far more than in February.",
            "Next."
        ]
    );
}

#[test]
fn page_break_chains_span_many_segments() {
    let src = format!("# T\n\n{}", "a fragment\n\n".repeat(1_000) + "end.");
    let mut d = Document::new(&src, Format::Markdown, ParseOptions::default());
    d.ensure_complete();
    assert_eq!(d.blocks().len(), 2);
    assert!(d.text().ends_with("a fragment a fragment end."));
}

#[test]
fn unpunctuated_files_still_show_text_early() {
    let src = format!("# T\n\n{}", "a fragment\n\n".repeat(200_000));
    let mut d = Document::new(&src, Format::Markdown, ParseOptions::default());
    // The reader parses on in small steps until its screen has text: a
    // paragraph waiting for its continuation stops waiting soon.
    let mut steps = 0;
    while d.blocks().len() <= 1 && steps < 3 {
        d.parse_more(8 * 1024);
        steps += 1;
    }
    assert!(d.blocks().len() > 1, "text after {steps} steps");
    assert!(d.text().len() < 300_000);
}

// ---- laziness -------------------------------------------------------------

#[test]
fn new_parses_only_the_start_of_a_large_source() {
    let para = "A sentence that ends properly, with *some* emphasis.\n\n";
    let src = format!("# Big\n\n{}", para.repeat(100_000));
    assert!(src.len() > 5_000_000);
    let mut d = Document::new(&src, Format::Markdown, ParseOptions::default());
    assert!(!d.is_complete());
    assert!(d.text().len() < 200_000, "{}", d.text().len());
    assert!(d.parsed_fraction() > 0.0 && d.parsed_fraction() < 0.05);
    assert!(d.parse_more(10_000));
    let before = d.parsed_fraction();
    d.ensure_complete();
    assert!(before < d.parsed_fraction());
    assert_eq!(d.parsed_fraction(), 1.0);
    assert_eq!(d.blocks().len(), 100_001);
}

#[test]
fn a_two_megabyte_line_is_fine() {
    let src = "word ".repeat(400_000);
    let d = Document::parse_complete(&src, Format::Markdown, ParseOptions::default());
    assert_eq!(d.blocks().len(), 1);
    assert_eq!(d.text(), src.trim_end());
}

// ---- offsets --------------------------------------------------------------

#[test]
fn char_and_byte_offsets_round_trip() {
    let src = "ünïcødé ✓ text. ".repeat(2_000);
    let d = plain(&src);
    let text = d.text();
    for (chars, (byte, _)) in text.char_indices().enumerate().step_by(97) {
        assert_eq!(d.char_offset(byte), CharOffset::new(chars));
        assert_eq!(d.byte_offset(CharOffset::new(chars)), byte);
    }
    let total = CharOffset::new(text.chars().count());
    assert_eq!(d.char_offset(text.len()), total);
    assert_eq!(d.char_offset(usize::MAX), total);
    assert_eq!(d.byte_offset(total), text.len());
    assert_eq!(d.byte_offset(total.plus(10)), text.len());
    // Offsets inside a character round down.
    assert_eq!(d.char_offset(1), CharOffset::ZERO);
    assert_eq!(d.block_at(0), Some(0));
    assert_eq!(d.block_at(text.len() + 1), None);
}

// ---- properties -----------------------------------------------------------

fn forbidden(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || ('\u{202a}'..='\u{202e}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

/// Markdown-heavy sources: lines drawn from constructs and punctuation.
fn markdownish() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        Just(String::new()),
        Just(String::new()),
        Just("# Title".to_owned()),
        Just("## Sub *head*".to_owned()),
        Just("```".to_owned()),
        Just("~~~~".to_owned()),
        Just("- item".to_owned()),
        Just("1. first".to_owned()),
        Just("  continued".to_owned()),
        Just("    code".to_owned()),
        Just("> quote".to_owned()),
        Just("| a | b |".to_owned()),
        Just("|---|---|".to_owned()),
        Just("---".to_owned()),
        Just("+++".to_owned()),
        Just("title: x".to_owned()),
        Just("Andrea Lobo  ".to_owned()),
        Just("15 April 2021".to_owned()),
        Just("<div>".to_owned()),
        Just("<!-- c".to_owned()),
        Just("-->".to_owned()),
        Just("[a][r] [b][]".to_owned()),
        Just("[r]: http://x".to_owned()),
        Just("a fragment without stop".to_owned()),
        Just("A full sentence.".to_owned()),
        "[a-z *_`\\[\\]()!<>#\\\\$~|.-]{0,20}",
        any::<String>().prop_map(|s| s.chars().take(12).collect()),
    ];
    prop::collection::vec(line, 0..40).prop_map(|lines| lines.join("\n"))
}

fn check_invariants(d: &Document) -> Result<(), TestCaseError> {
    let text = d.text();
    prop_assert!(!text.chars().any(forbidden));
    let mut prev_end = 0;
    for (i, b) in d.blocks().iter().enumerate() {
        prop_assert!(b.range.start <= b.range.end);
        prop_assert!(b.range.end <= text.len());
        if i > 0 {
            prop_assert!(b.range.start >= prev_end + 2, "blocks overlap or touch");
            prop_assert_eq!(&text[prev_end..b.range.start], "\n\n");
        } else {
            prop_assert_eq!(b.range.start, 0);
        }
        prop_assert!(text.is_char_boundary(b.range.start));
        prop_assert!(text.is_char_boundary(b.range.end));
        let mut span_end = b.range.start;
        for s in &b.spans {
            prop_assert!(s.range.start >= span_end, "spans sorted and disjoint");
            prop_assert!(s.range.start < s.range.end);
            prop_assert!(s.range.end <= b.range.end);
            prop_assert!(!s.style.is_plain());
            span_end = s.range.end;
        }
        prev_end = b.range.end;
    }
    prop_assert_eq!(prev_end, text.len());
    for l in d.links() {
        prop_assert!(l.range.start <= l.range.end && l.range.end <= text.len());
        prop_assert!(!l.url.chars().any(forbidden));
    }
    for field in [&d.meta().title, &d.meta().author, &d.meta().date_text] {
        prop_assert!(!field.iter().flat_map(|s| s.chars()).any(forbidden));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn lazy_parsing_equals_complete_parsing(
        src in markdownish(),
        budgets in prop::collection::vec(0usize..200, 1..50),
        plain_format in any::<bool>(),
        repair in any::<bool>(),
    ) {
        let format = if plain_format { Format::Plain } else { Format::Markdown };
        let options = ParseOptions { repair_page_breaks: repair };
        let complete = Document::parse_complete(&src, format, options);
        let mut lazy = Document::new(&src, format, options);
        for b in budgets {
            let before = lazy.parsed_fraction();
            lazy.parse_more(b);
            prop_assert!(lazy.parsed_fraction() >= before);
        }
        lazy.ensure_complete();
        prop_assert_eq!(lazy.text(), complete.text());
        prop_assert_eq!(lazy.blocks(), complete.blocks());
        prop_assert_eq!(lazy.links(), complete.links());
        prop_assert_eq!(lazy.meta(), complete.meta());
    }

    #[test]
    fn markdownish_sources_keep_invariants(src in markdownish(), repair in any::<bool>()) {
        let options = ParseOptions { repair_page_breaks: repair };
        check_invariants(&Document::parse_complete(&src, Format::Markdown, options))?;
        check_invariants(&Document::parse_complete(&src, Format::Plain, options))?;
    }

    #[test]
    fn arbitrary_strings_keep_invariants(src in any::<String>()) {
        check_invariants(&Document::parse_complete(&src, Format::Markdown, ParseOptions::default()))?;
        check_invariants(&Document::parse_complete(&src, Format::Plain, ParseOptions::default()))?;
    }

    #[test]
    fn char_offsets_match_counting(src in markdownish(), probe in 0usize..2000) {
        let d = Document::parse_complete(&src, Format::Markdown, ParseOptions::default());
        let text = d.text();
        let byte = floor_char_boundary(text, probe.min(text.len()));
        prop_assert_eq!(d.char_offset(probe), CharOffset::new(text[..byte].chars().count()));
        let expected = text.char_indices().nth(probe).map_or(text.len(), |(i, _)| i);
        prop_assert_eq!(d.byte_offset(CharOffset::new(probe)), expected);
    }
}

#[test]
fn highlights_written_in_the_article_are_drawn_as_marks() {
    let doc = md(
        "Some ==important words== and <mark>a tagged phrase</mark>; a == b stays.\n\n\
                  ```\nif a ==b== c\n```\n",
    );
    assert_eq!(
        texts(&doc)[0],
        "Some important words and a tagged phrase; a == b stays."
    );
    let marked: Vec<&str> = styled(&doc)
        .into_iter()
        .filter(|(_, s)| s.mark)
        .map(|(t, _)| t)
        .collect();
    assert_eq!(marked, ["important words", "a tagged phrase"]);
    assert_eq!(texts(&doc)[1], "if a ==b== c", "code is left as written");
    assert_eq!(
        markdown::split_marks("x ==== y ==z== =="),
        [("x ==== y ", false), ("z", true), (" ==", false)]
    );
}

/// The rest of an article opened from its head, counting how often it is
/// read.
#[derive(Debug)]
struct CountedRest {
    whole: Whole,
    reads: std::sync::atomic::AtomicUsize,
}

impl Remainder for CountedRest {
    fn whole(&self) -> Result<&Whole, String> {
        self.reads.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Ok(&self.whole)
    }
    fn last(&self, _bytes: usize) -> Option<String> {
        None
    }
    fn len(&self) -> usize {
        self.whole.text.len()
    }
}

/// A long Markdown article with `extra` as the paragraph after about
/// `at` bytes, the document opened from its first 256 KiB, and its rest.
fn opened_from_head(at: usize, extra: &str) -> (String, Document, Arc<CountedRest>) {
    let mut text = String::from("# Long\n\n");
    let mut n = 0;
    while text.len() < 1024 * 1024 {
        n += 1;
        text.push_str(&format!(
            "Paragraph {n} follows the towpath past the locks and the moored boats.\n\n"
        ));
        if text.len() >= at && !extra.is_empty() && !text.contains(extra) {
            text.push_str(extra);
            text.push_str("\n\n");
        }
    }
    text.push_str("[later]: https://example.org/later\n");
    let cut = text[..256 * 1024].rfind('\n').unwrap() + 1;
    let rest = Arc::new(CountedRest {
        whole: Whole {
            text: Arc::new(text.clone()),
            lossy: false,
        },
        reads: Default::default(),
    });
    let doc = Document::from_head(
        Arc::new(text[..cut].to_string()),
        Format::Markdown,
        ParseOptions::default(),
        Arc::clone(&rest) as Arc<dyn Remainder>,
    );
    (text, doc, rest)
}

fn reads(rest: &CountedRest) -> usize {
    rest.reads.load(std::sync::atomic::Ordering::SeqCst)
}

#[test]
fn scrolling_through_the_head_of_a_long_article_reads_nothing_more() {
    let (text, mut doc, rest) = opened_from_head(usize::MAX, "");
    assert!(doc.is_head_only());
    let first = doc.blocks().len();
    // A few pages on, as scrolling asks for them.
    for _ in 0..2 {
        assert!(doc.parse_more(64 * 1024));
    }
    assert!(doc.blocks().len() > first * 2);
    assert!(doc.is_head_only(), "still only the head");
    assert_eq!(reads(&rest), 0, "the rest was not read");
    let whole = md(&text);
    let n = doc.blocks().len();
    assert_eq!(
        doc.blocks(),
        &whole.blocks()[..n],
        "as the whole text has them"
    );
    // Past the head the whole text takes over, offset for offset.
    doc.ensure_complete();
    assert!(!doc.is_head_only());
    assert_eq!(doc.text(), whole.text());
    assert_eq!(doc.blocks(), whole.blocks());
}

#[test]
fn a_reference_link_further_in_the_head_reads_the_rest_before_it_is_parsed() {
    let (text, mut doc, rest) =
        opened_from_head(60 * 1024, "A [reference][later] defined at the very end.");
    assert!(doc.is_head_only());
    while doc.is_head_only() && !doc.text().contains("reference") {
        doc.parse_more(16 * 1024);
    }
    assert!(!doc.is_head_only(), "the rest was read for the reference");
    assert_eq!(reads(&rest), 1);
    let whole = md(&text);
    let n = doc.blocks().len();
    assert_eq!(doc.blocks(), &whole.blocks()[..n]);
    assert!(
        doc.links()
            .iter()
            .any(|l| l.url == "https://example.org/later"),
        "the link has the target defined at the end"
    );
}

#[test]
fn hand_wrapped_plain_prose_rewraps_but_lines_laid_out_by_hand_stay() {
    // Prose wrapped near a margin joins into one paragraph.
    let prose = plain(
        "The keeper climbs the tower every evening at dusk and trims\n\
         the wick before the boats come home across the dark water,\n\
         then writes the hour in the log.",
    );
    assert_eq!(
        texts(&prose),
        [
            "The keeper climbs the tower every evening at dusk and trims the wick before the boats come home across the dark water, then writes the hour in the log."
        ]
    );
    // Lines that end where the next word would have fitted (an address, a
    // verse) keep their breaks.
    let address = plain(
        "Ida Marsh, Keeper of the Light\n\
         The Lighthouse\n\
         Harbour Wall 3\n\
         Port Wren",
    );
    assert_eq!(
        texts(&address),
        ["Ida Marsh, Keeper of the Light\nThe Lighthouse\nHarbour Wall 3\nPort Wren"]
    );
    // So does a list of paths, one word per line, whatever their length.
    let paths = plain(
        "src/harbour/keeper_log_rotation.rs\nsrc/harbour/tide_tables_loader.rs\nsrc/light.rs",
    );
    assert_eq!(texts(&paths)[0].lines().count(), 3);
}

#[test]
fn a_record_of_fields_keeps_a_line_per_field_and_rewraps_long_values() {
    let record = plain(
        "Files: debian/*\n\
         Copyright: 2019, Wren Aldous <wren@example.org>\n \
         2021, Ida Marsh <ida@example.org>\n\
         License: MIT\n\
         Comment:\n \
         The harbour files were written again from the old paper logs after\n \
         the flood of that winter, so their dates are the dates of copying.\n \
         .\n \
         A second paragraph of the comment.",
    );
    assert_eq!(
        texts(&record),
        [
            "Files: debian/*\nCopyright: 2019, Wren Aldous <wren@example.org>\n2021, Ida Marsh <ida@example.org>\nLicense: MIT\nComment:\nThe harbour files were written again from the old paper logs after the flood of that winter, so their dates are the dates of copying.",
            "A second paragraph of the comment.",
        ]
    );
}

#[test]
fn nested_plain_list_items_keep_their_indent_and_hang_outside_the_text() {
    // A Debian changelog entry: items under items, each wrapped by hand.
    let d = plain(
        "  * New upstream release, see the notes for the harbour charts\n    \
         and the tide tables.\n    \
         * Fixes a lamp that flickered when the wind came from the\n      \
         north (closes: #1024).\n  \
         * Rebuilt.",
    );
    assert_eq!(
        texts(&d),
        [
            "* New upstream release, see the notes for the harbour charts and the tide tables.\n\
             * Fixes a lamp that flickered when the wind came from the north (closes: #1024).\n\
             * Rebuilt."
        ],
        "the indentation is drawn, never put into the text"
    );
    assert_eq!(indents(&d.blocks()[0]), [(0, 0, 2), (1, 2, 2), (2, 0, 2)]);
    // A nested item in a paragraph of its own stays as deep as it was,
    // joined or not, and so does the paragraph under it.
    let d = plain(
        "  * Second release.\n    * Mends the chart of the north reef, which was\n      \
         drawn a mile too far west.\n\n      \
         Thanks to the pilots who reported it.\n\n  \
         * Rebuilt.",
    );
    let got: Vec<_> = d.blocks().iter().map(indents).collect();
    assert_eq!(
        got,
        [vec![(0, 0, 2), (1, 2, 2)], vec![(0, 4, 0)], vec![(0, 0, 2)]]
    );
    // Prose joined into one line has no indents when it is all indented
    // alike, nor when only its first line is indented.
    let prose =
        plain("    The keeper climbs the tower every evening at dusk and trims\n    the wick.");
    assert!(prose.blocks()[0].container.indents.is_empty());
    let prose = plain("   The keeper climbs the tower every evening at dusk and trims\nthe wick.");
    assert!(prose.blocks()[0].container.indents.is_empty());
    let kept = plain(
        "  Before dusk the keeper does two things:\n(1) trims the wick, and\n(2) winds the clock.",
    );
    assert_eq!(
        indents(&kept.blocks()[0]),
        [(0, 0, 2), (1, 0, 4), (2, 0, 4)],
        "{:?}",
        texts(&kept)
    );
    // A record's value lines are joined to their field, and its wrapped
    // rows hang under the value as the source laid them out.
    let record = plain("Files: *\nComment: kept\n  by hand\n  here");
    assert_eq!(texts(&record), ["Files: *\nComment: kept by hand here"]);
    assert_eq!(indents(&record.blocks()[0]), [(0, 0, 2), (1, 0, 2)]);
}

#[test]
fn short_command_lines_in_a_file_wrapped_by_hand_keep_their_breaks() {
    let prose = "The lamp is built in a folder of its own, so that the sources stay\n\
                 clean and one tree of sources can serve several builds at once, each\n\
                 with its own settings and its own place for the finished programs.\n\n";
    let d = plain(&format!(
        "{prose}       cd lamp-2.0\n       mkdir ../lamp-build\n       cd ../lamp-build\n\n\
         {prose}      wick_length: 12\n      oil_kind: paraffin\n"
    ));
    let t = texts(&d);
    assert_eq!(t[0].lines().count(), 1, "prose still joins: {t:?}");
    assert_eq!(t[1], "cd lamp-2.0\nmkdir ../lamp-build\ncd ../lamp-build");
    assert_eq!(t[3], "wick_length: 12\noil_kind: paraffin");
}

#[test]
fn lettered_items_with_a_full_stop_are_items_and_their_lines_join() {
    let d = plain(
        "1. New Features in the Lamp\n\n\
         c. Rewrote the wick trimmer so that it trims to the height of the glass\n   \
         and keeps the flame steady. This allows a brighter beam on windy nights.\n",
    );
    assert_eq!(
        texts(&d)[1],
        "c. Rewrote the wick trimmer so that it trims to the height of the glass and keeps the flame steady. This allows a brighter beam on windy nights."
    );
    assert_eq!(indents(&d.blocks()[1]), [(0, 0, 3)]);
}

#[test]
fn a_rule_under_a_row_of_columns_keeps_the_table_together() {
    let d = plain(
        "The charts come in separate sheets:\n\n\
         Sheet     Harbour      Soundings     Lights\n\
         ------------------------------------------\n\
         North                  north-deep    north-lamps\n\
         South     south-dock\n",
    );
    assert!(
        d.blocks()
            .iter()
            .all(|b| !matches!(b.kind, BlockKind::Heading(_))),
        "{:?}",
        texts(&d)
    );
    assert_eq!(texts(&d)[1].lines().count(), 4, "{:?}", texts(&d));
}

#[test]
fn a_rule_under_a_paragraph_is_no_heading_and_stars_underline_a_title() {
    let d = plain(
        "In some cases the old clause was taken out of the chart notes and\n\
         in some cases it was left as it was.\n\
         ----------------------------------------------------------------------\n\n\
         Installing the lamp\n*******************\n\n\
         The lamp goes on the top floor.\n",
    );
    let kinds: Vec<(BlockKind, &str)> = d
        .blocks()
        .iter()
        .map(|b| (b.kind.clone(), &d.text()[b.range.clone()]))
        .collect();
    assert!(
        kinds
            .iter()
            .any(|(k, t)| *k == BlockKind::Heading(2) && *t == "Installing the lamp"),
        "{kinds:?}"
    );
    assert!(
        !kinds
            .iter()
            .any(|(k, t)| matches!(k, BlockKind::Heading(_)) && t.starts_with("in some cases")),
        "{kinds:?}"
    );
    assert!(texts(&d)[0].ends_with("left as it was."), "{:?}", texts(&d));
    // A title between an overline and an underline of other widths.
    let d = plain(
        "Some words before.\n\n************************\nBuilding on an old harbour computer\n------------------------\n\nThe text.\n",
    );
    assert!(
        d.blocks().iter().any(|b| b.kind == BlockKind::Heading(2)
            && &d.text()[b.range.clone()] == "Building on an old harbour computer"),
        "{:?}",
        texts(&d)
    );
}

#[test]
fn a_copyright_notice_keeps_its_line_from_the_sentence_after_it() {
    let d = plain(
        "Copyright (c) 1998-2000, The Harbour Board of the Northern Estuary\nAll rights reserved.\n\n\
         Copyright (c) 2001, The Harbour Board of the Northern Estuary and\nthe pilots who sail it.",
    );
    assert_eq!(
        texts(&d),
        [
            "Copyright (c) 1998-2000, The Harbour Board of the Northern Estuary\nAll rights reserved.",
            "Copyright (c) 2001, The Harbour Board of the Northern Estuary and the pilots who sail it.",
        ]
    );
    // The holder's address goes on with the notice; the sentence after
    // it starts a line of its own.
    let d = plain(
        " Copyright (C) 1991 Harbour Lamp Foundation, Inc.,\n 12 Quay Street, Fifth Floor, Portsea PO1 3AB UK\n Anyone may copy and hand on this notice in full\n but nobody may change a word of it.\n",
    );
    assert_eq!(
        texts(&d),
        [
            "Copyright (C) 1991 Harbour Lamp Foundation, Inc., 12 Quay Street, Fifth Floor, Portsea PO1 3AB UK\nAnyone may copy and hand on this notice in full but nobody may change a word of it."
        ]
    );
}

#[test]
fn entries_indented_alike_are_drawn_alike_from_the_first_one_on() {
    // The first entry's items come before any line at the left edge of
    // the body (the title line above them is the header's).
    let d = plain(
        "lamp (2.0-1) unstable; urgency=medium\n\n  \
         * New upstream release.\n  * Brighter wick.\n\n \
         -- Wren Aldous <wren@example.org>  Mon, 02 Mar 2026 10:00:00 +0000\n\n\
         lamp (1.0-1) unstable; urgency=low\n\n  \
         * First release.\n  * Oil tank.\n",
    );
    let items: Vec<Vec<u16>> = d
        .blocks()
        .iter()
        .filter(|b| b.container.indents.iter().any(|i| i.hang == 2))
        .map(|b| b.container.indents.iter().map(|i| i.indent).collect())
        .collect();
    assert_eq!(items, [vec![2, 2], vec![2, 2]], "{:?}", texts(&d));
}

#[test]
fn lines_after_a_dot_line_go_on_with_the_field_they_were_in() {
    // A Debian copyright file's holders, split by a `.` line, stay one per
    // line; a licence's paragraphs split the same way still rewrap.
    let d = plain(
        "Files: charts/*\nCopyright: 2019,\n\tWren Aldous\n\tHarbour Office\n .\n\
         \tIda Marsh\n\tTide Tables Ltd\nLicense: MIT\n \
         Permission is granted to anyone to use, copy and change the charts\n \
         for any purpose, with or without a fee, provided that this notice\n \
         is kept in every copy of them.\n .\n \
         The charts are given as they are,\n without any warranty.",
    );
    assert_eq!(
        texts(&d),
        [
            "Files: charts/*\nCopyright: 2019,\nWren Aldous\nHarbour Office",
            "Ida Marsh\nTide Tables Ltd\nLicense: MIT\nPermission is granted to anyone to use, copy and change the charts for any purpose, with or without a fee, provided that this notice is kept in every copy of them.",
            "The charts are given as they are, without any warranty.",
        ]
    );
    // The holders after the `.` line stay as indented as the ones before.
    assert_eq!(
        indents(&d.blocks()[1]),
        [(0, 8, 2), (1, 8, 2), (2, 0, 2), (3, 1, 0)]
    );
}

#[test]
fn a_number_wrapped_to_the_start_of_a_line_is_not_a_list_item() {
    let d = plain(
        "    b) The chart must say that it was redrawn under\n    \
         released terms, and any rule added under section\n    \
         7.  This rule changes the rule in section 4.\n\n\
         Steps, in order:\n\
         1. Trim the wick\n\
         2. Wind the clock",
    );
    assert_eq!(
        texts(&d),
        [
            "b) The chart must say that it was redrawn under released terms, and any rule added under section 7.  This rule changes the rule in section 4.",
            "Steps, in order:\n1. Trim the wick\n2. Wind the clock",
        ]
    );
}

#[test]
fn plain_prose_keeps_breaks_before_list_items_and_deeper_indents() {
    let d = plain(
        "Before you sail, check the following things with care and in order:\n\
         1. the tide table for the harbour mouth, which changes every day\n\
         2. the weather report from the coast station at noon and at six\n\
         - a spare lantern",
    );
    assert_eq!(texts(&d)[0].lines().count(), 4, "{:?}", texts(&d));
    let title = plain(
        "                    THE HARBOUR LICENCE\n                       Version 2, May 2024",
    );
    assert_eq!(texts(&title), ["THE HARBOUR LICENCE\nVersion 2, May 2024"]);
}

#[test]
fn a_centred_title_keeps_its_lines_and_a_first_line_indent_joins() {
    let title = plain(
        "                          The Harbour Licence\n\
         \x20                    Version 2, May 2024\n\
         \x20                 https://harbour.example/licence",
    );
    assert_eq!(texts(&title)[0].lines().count(), 3, "{:?}", texts(&title));
    let indented = plain(
        "     The keeper climbs the tower every evening at dusk and\n\
         trims the wick before the boats come home across the water.",
    );
    assert_eq!(
        texts(&indented)[0].lines().count(),
        1,
        "{:?}",
        texts(&indented)
    );
}

#[test]
fn a_list_item_continued_under_its_text_joins_the_item() {
    let d = plain(
        "  * Mend the lamp on the north tower before the winter storms\n    \
         come, and log the hours it was dark.\n  \
         * Paint the railings.",
    );
    assert_eq!(
        texts(&d),
        [
            "* Mend the lamp on the north tower before the winter storms come, and log the hours it was dark.\n* Paint the railings."
        ]
    );
}

#[test]
fn tables_code_and_copyright_lists_keep_their_lines() {
    let table = plain(
        "Berth    Vessel          Master\n\
         3        Grey Heron      I. Marsh\n\
         7        Sea Lantern     W. Aldous",
    );
    assert_eq!(texts(&table)[0].lines().count(), 3, "{:?}", texts(&table));
    let code = plain("int main(void) {\n    light_lamp(3);\n    return 0;\n}");
    assert_eq!(texts(&code)[0].lines().count(), 4, "{:?}", texts(&code));
    let holders = plain(
        "Copyright (C) 2003-2006 Wren Aldous and the keepers of the harbour\n\
         Copyright © 2009 Ida Marsh\n\
         Copyright 1990-1992 Ossian Pike, the first keeper of the light",
    );
    assert_eq!(
        texts(&holders)[0].lines().count(),
        3,
        "{:?}",
        texts(&holders)
    );
    // A record's Copyright field lists one holder per line, however long.
    let record = plain(
        "Files: *\n\
         Copyright: 2011, Wren Aldous <wren@example.org>\n \
         2011, Ida Marsh <ida@example.org>\n \
         2014-2016, Ossian Pike <ossian.pike@harbour.example.org>\n \
         2015, Tam Reed <tam@example.org>\n\
         License: MIT",
    );
    assert_eq!(texts(&record)[0].lines().count(), 6, "{:?}", texts(&record));
    // Sentences with two spaces after the full stop are still prose.
    let prose = plain(
        "The keeper climbs the tower at dusk.  He trims the wick before the\n\
         boats come home.  Then he writes the hour in the log, as every\n\
         keeper did before him.",
    );
    assert_eq!(texts(&prose)[0].lines().count(), 1, "{:?}", texts(&prose));
}

#[test]
fn a_word_hyphenated_at_a_line_end_is_joined_without_a_space() {
    let d = plain(
        "The lamp holds position-\nindependent lenses, and the keeper -\nwho is old - cleans them.",
    );
    assert_eq!(
        texts(&d),
        ["The lamp holds position-independent lenses, and the keeper - who is old - cleans them."]
    );
}

#[test]
fn a_machine_readable_copyright_file_is_titled_by_its_upstream_name() {
    let src = "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\
               Upstream-Name: lamplighter\n\n\
               Files: *\nCopyright: 2024 Wren Aldous\nLicense: MIT\n";
    assert_eq!(
        plain(src).meta().title.as_deref(),
        Some("lamplighter copyright")
    );
    let nameless = "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\n\
                    Files: *\nCopyright: 2024 Wren Aldous\nLicense: MIT\n";
    assert_eq!(plain(nameless).meta().title, None);
}

#[test]
fn tab_aligned_tables_keep_their_lines() {
    let d = plain(
        "README\t\tthis file, which tells you where to start\nINSTALL\t\thow to build the lamp from its parts\nCOPYING\t\tthe licence",
    );
    assert_eq!(texts(&d)[0].lines().count(), 3, "{:?}", texts(&d));
}

#[test]
fn a_long_url_alone_on_its_line_does_not_stop_prose_rewrapping() {
    let d = plain(
        "The keeper keeps the log of every ship that passes the\n\
         harbour wall, and the log is published each winter at\n\
         https://harbour.example.org/records/keepers-log/winter-edition/full-text.html\n\
         for anyone who wants to read it again.",
    );
    assert_eq!(texts(&d)[0].lines().count(), 1, "{:?}", texts(&d));
}

#[test]
fn a_field_value_that_starts_on_its_line_rewraps_with_the_lines_under_it() {
    let d = plain(
        "Files: *\n\
         Comment: This is the packaged version of the harbour lamp keeper's\n \
         utilities.\n\
         License: MIT",
    );
    assert_eq!(
        texts(&d),
        [
            "Files: *\nComment: This is the packaged version of the harbour lamp keeper's utilities.\nLicense: MIT"
        ]
    );
}

#[test]
fn wrapped_chinese_and_japanese_prose_joins_without_a_space() {
    let d = plain("灯台守は毎晩、塔に登って\nランプの芯を切りそろえる。\n船が港に戻るまで。");
    assert_eq!(
        texts(&d),
        ["灯台守は毎晩、塔に登ってランプの芯を切りそろえる。船が港に戻るまで。"]
    );
}

#[test]
fn an_underlined_title_in_plain_text_is_a_heading() {
    let d = plain(
        "Version 2.54.7\n==============\n\n- Mend the lamp.\n\nAbstract\n--------\nThe keeper keeps the log.",
    );
    assert_eq!(
        texts(&d),
        [
            "Version 2.54.7",
            "- Mend the lamp.",
            "Abstract",
            "The keeper keeps the log."
        ]
    );
    assert_eq!(
        kinds(&d),
        [
            BlockKind::Heading(1),
            BlockKind::Paragraph,
            BlockKind::Heading(2),
            BlockKind::Paragraph
        ]
    );
    // A rule on its own is text, and so is a table's rule under its header.
    let d = plain("-----\n\nName    Berth\n----    -----\nHeron   3");
    assert_eq!(kinds(&d)[0], BlockKind::Paragraph, "{:?}", texts(&d));
    assert!(texts(&d).iter().all(|t| !t.is_empty()));
}

#[test]
fn a_title_heading_finds_its_reference_links_at_the_end_and_lists_without_its_badges() {
    let src = "# Lamp JSON &emsp; [![Build Status]][ci] [Docs]\n\nBody [Docs].\n\n\
               [Build Status]: https://ci.example/badge.svg\n[ci]: https://ci.example\n\
               [Docs]: https://docs.example\n";
    let d = md(src);
    // The heading is drawn as the body's headings are: the badge is an
    // image marker, the shortcut reference its text, both links.
    assert_eq!(
        texts(&d)[0],
        "Lamp JSON \u{2003} [image: Build Status] Docs"
    );
    assert!(d.links().iter().any(|l| l.url == "https://docs.example"));
    // The list names the article without its badges.
    assert_eq!(title_of(src).as_deref(), Some("Lamp JSON Docs"));
}

#[test]
fn a_title_is_not_taken_from_markup_definitions_or_code() {
    // A heading inside the HTML block a README opens with.
    let centred = "<div align=\"center\">\n  <h1><code>lampwick</code></h1>\n  <p><strong>Wicks for lamps.</strong></p>\n</div>\n\nBody.\n";
    assert_eq!(title_of(centred).as_deref(), Some("lampwick"));
    let heading = "<h1 align=\"center\">Lamp.<span></span>rs</h1>\n\n<div align=\"center\">Oil lamps in Rust</div>\n\nBody.\n";
    assert_eq!(title_of(heading).as_deref(), Some("Lamp.rs"));
    // Link definitions show nothing; a console session is not a title.
    let defs = "[lamp shield]: https://img.example/lamp.svg\n\nKeeps the lamp lit.\n";
    assert_eq!(title_of(defs).as_deref(), Some("Keeps the lamp lit."));
    let console = "```console\n$ lamp --help\n```\n\nBy default the lamp stays lit.\n";
    assert_eq!(
        title_of(console).as_deref(),
        Some("By default the lamp stays lit.")
    );
    // A link the author's wrapping split is read whole.
    let wrapped = "For more on wicks, see [the lamp\nbook](https://lamp.example/book).\n";
    assert_eq!(
        title_of(wrapped).as_deref(),
        Some("For more on wicks, see the lamp book.")
    );
}
