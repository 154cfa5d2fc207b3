#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly
//! `gloss search QUERY [PATH...]`: prints `path:line: text` like ripgrep,
//! or one JSON object per match line with `--json`; notes, highlighted
//! passages and tags are searched too; the exit status is 0 when something
//! matched, 1 when nothing did, 2 for a bad query or path.

mod cli_common;
#[path = "support/epub.rs"]
mod epub_book;
#[path = "support/gzip.rs"]
mod gzip;

use cli_common::{Mark, World};

fn sorted_lines(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    lines.sort();
    lines
}

#[test]
fn plain_output_is_path_line_text() {
    let world = World::new();
    let out = world.gloss(&["search", "tide", "articles"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    let lines = sorted_lines(&text);
    assert!(
        lines.contains(&"articles/field-notes.md:1: # Field Notes on Tides".to_string()),
        "{text}"
    );
    assert!(
        lines.contains(
            &"articles/field-notes.md:6: The tide came in slowly over the mudflats while the herons waited."
                .to_string()
        ),
        "{text}"
    );
    assert!(lines.iter().all(|l| l.starts_with("articles/")), "{text}");
}

#[test]
fn nothing_found_exits_1_and_a_bad_regex_exits_2() {
    let world = World::new();
    let out = world.gloss(&["search", "no-such-word-anywhere", "articles"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let out = world.gloss(&["search", "--regex", "(", "articles"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(cli_common::stderr(&out).contains("not a valid regular expression"));
    let out = world.gloss(&["search", "tide", "missing-folder"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(cli_common::stderr(&out).contains("no such file or folder"));
}

#[test]
fn json_output_has_path_kind_line_text_and_matches() {
    let world = World::new();
    let out = world.gloss(&["search", "--json", "Herons", "articles"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "smart case: Herons is not herons"
    );
    let out = world.gloss(&["search", "--json", "herons", "articles"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let first: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert_eq!(first["path"], "articles/field-notes.md");
    assert_eq!(first["kind"], "text");
    assert_eq!(first["line"], 6);
    assert_eq!(first["matches"][0], "herons");
}

#[test]
fn notes_quotes_and_tags_are_found() {
    let world = World::new();
    world.mark(&[Mark {
        note: "Remember the heliotrope\nsecond line",
        tags: &["coastal"],
        ..Mark::new(
            "field-notes.md",
            "samphire grows in dense green mats",
            "01HNOTE",
        )
    }]);
    let text = world.ok(&world.data, &["search", "heliotrope", "articles"]);
    assert_eq!(
        text,
        "articles/field-notes.md:note: Remember the heliotrope\n"
    );
    let text = world.ok(&world.data, &["search", "coastal", "articles"]);
    assert_eq!(text, "articles/field-notes.md:tag: #coastal\n");
    let text = world.ok(&world.data, &["search", "--json", "samphire", "articles"]);
    let kinds: Vec<String> = text
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["kind"].to_string())
        .collect();
    assert!(kinds.contains(&"\"text\"".to_string()), "{text}");
    assert!(kinds.contains(&"\"highlight\"".to_string()), "{text}");
    // Notes of articles outside the paths searched are left out.
    let out = world.gloss(&["search", "heliotrope", "articles/more"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn word_and_accent_modes() {
    let world = World::new();
    std::fs::write(
        world.article("cafe.md"),
        "# Café\n\nThe café and the cafeteria.\n",
    )
    .unwrap();
    let out = world.gloss(&["search", "-w", "cafe", "articles"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "no whole word cafe without accents"
    );
    let text = world.ok(&world.data, &["search", "-w", "-a", "cafe", "articles"]);
    assert_eq!(
        sorted_lines(&text),
        [
            "articles/cafe.md:1: # Café",
            "articles/cafe.md:3: The café and the cafeteria."
        ]
    );
}

#[test]
fn text_from_files_is_sanitized() {
    let world = World::new();
    std::fs::write(world.article("evil.md"), "bad \u{1b}]0;owned\u{7} needle\n").unwrap();
    let out = world.gloss(&["search", "needle", "articles"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(cli_common::forbidden_chars(&text).is_empty(), "{text:?}");
    assert!(text.contains("needle"));
}

#[test]
fn files_come_out_in_path_order_every_time_with_notes_after_their_text() {
    let world = World::new();
    for name in [
        "zeta.md",
        "alpha.md",
        "mid/beta.md",
        "mid/aardvark.txt",
        "omega.md",
    ] {
        let path = world.article(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, "# Title\n\nA line with marram grass.\n").unwrap();
    }
    world.mark(&[Mark {
        note: "marram again",
        ..Mark::new(
            "field-notes.md",
            "samphire grows in dense green mats",
            "01HORDER",
        )
    }]);
    std::fs::write(
        world.article("field-notes.md"),
        std::fs::read_to_string(world.article("field-notes.md")).unwrap() + "\nmarram\n",
    )
    .unwrap();
    let first = world.ok(&world.data, &["search", "marram", "articles"]);
    let paths: Vec<&str> = first
        .lines()
        .map(|l| l.split(':').next().unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            "articles/alpha.md",
            "articles/field-notes.md",
            "articles/field-notes.md",
            "articles/mid/aardvark.txt",
            "articles/mid/beta.md",
            "articles/omega.md",
            "articles/zeta.md",
        ],
        "{first}"
    );
    assert!(
        first.contains("articles/field-notes.md:note: marram again"),
        "{first}"
    );
    let kinds: Vec<&str> = first
        .lines()
        .map(|l| l.split(':').nth(1).unwrap())
        .collect();
    assert_ne!(
        kinds[1], "note",
        "the text's lines come before the notes': {first}"
    );
    for _ in 0..5 {
        assert_eq!(
            world.ok(&world.data, &["search", "marram", "articles"]),
            first
        );
    }
}

#[test]
fn without_a_library_the_notes_and_the_samples_are_searched_and_it_says_so() {
    let world = World::new();
    world.mark(&[Mark {
        note: "a note about samphire",
        ..Mark::new(
            "field-notes.md",
            "samphire grows in dense green mats",
            "01HNOLIB",
        )
    }]);
    let out = world.gloss(&["search", "samphire"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = String::from_utf8(out.stdout.clone()).unwrap();
    assert!(
        text.contains("field-notes.md:note: a note about samphire"),
        "{text}"
    );
    assert!(
        cli_common::stderr(&out).contains("every note and the bundled sample articles"),
        "{}",
        cli_common::stderr(&out)
    );
    // The samples the app shows without a library are searched too.
    let out = world.gloss(&["search", "markdown"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("gloss:samples/"), "{text}");
}

#[test]
fn a_phrase_is_found_where_the_file_breaks_the_line() {
    let world = World::new();
    std::fs::write(
        world.article("wrapped.md"),
        "# Wrapped\n\nThe estuary keeps its brackish\nchannel in every season.\n",
    )
    .unwrap();
    let text = world.ok(&world.data, &["search", "brackish channel", "articles"]);
    assert_eq!(
        text,
        "articles/wrapped.md:3: The estuary keeps its brackish channel in every season.\n"
    );
    let json = world.ok(
        &world.data,
        &["search", "--json", "brackish channel", "articles"],
    );
    let hit: serde_json::Value = serde_json::from_str(json.lines().next().unwrap()).unwrap();
    assert_eq!(hit["matches"][0], "brackish channel");
}

#[test]
fn a_book_is_searched_in_the_text_the_reader_shows() {
    let world = World::new();
    let book = world.articles.join("almanac.epub");
    std::fs::write(&book, epub_book::write(&epub_book::three_chapters())).unwrap();
    let out = world.gloss(&["search", "gull", "articles/almanac.epub"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("On the fourth morning a gull sheltered on the gallery rail."),
        "{text}"
    );
    assert!(!text.contains("<p>"), "no markup in the snippet: {text}");
}

#[test]
fn whole_lines_are_printed_with_their_indent_and_long_notes_whole() {
    let world = World::new();
    let long = format!(
        "    {} the kelp line {}",
        "lead-in words ".repeat(20),
        "trailing words ".repeat(20)
    );
    std::fs::write(world.article("long.md"), format!("# Long\n\n{long}\n")).unwrap();
    let text = world.ok(&world.data, &["search", "kelp", "articles"]);
    assert_eq!(text, format!("articles/long.md:3: {long}\n"));
    let text = world.ok(&world.data, &["search", "--json", "kelp", "articles"]);
    let line: serde_json::Value = serde_json::from_str(text.trim_end()).unwrap();
    assert_eq!(line["text"], long.as_str());
    // A long note, and more matching notes than a screen row list keeps.
    let note = format!("{} a kelp note at the end", "words before it ".repeat(15));
    let quotes: Vec<String> = (0..60).map(|i| format!("mark{i:02}")).collect();
    let marks: Vec<Mark> = quotes
        .iter()
        .map(|q| Mark {
            note: &note,
            ..Mark::new("field-notes.md", "samphire grows in dense green mats", q)
        })
        .collect();
    world.mark(&marks);
    let text = world.ok(&world.data, &["search", "kelp note", "articles"]);
    let notes: Vec<&str> = text.lines().filter(|l| l.contains(":note: ")).collect();
    assert_eq!(notes.len(), 60, "{text}");
    assert!(
        notes[0].ends_with(&format!(":note: {note}")),
        "{}",
        notes[0]
    );
}

#[test]
fn a_gzipped_article_in_a_folder_is_searched_in_its_unpacked_lines() {
    let world = World::new();
    let gzip = |text: &str| gzip::gzipped(text.as_bytes());
    let news = "# Harbour News\n\nThe **breakwater** was finished in spring.\n";
    std::fs::write(world.articles.join("news.md.gz"), gzip(news)).unwrap();
    // Compressed data that is not an article is not searched.
    std::fs::write(world.articles.join("tides.json.gz"), gzip("breakwater")).unwrap();
    let out = world.gloss(&["search", "breakwater", "articles"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    // Lines of the unpacked file, as for the same file unpacked (and as
    // `zless +3` would show it).
    assert!(
        text.contains("articles/news.md.gz:3: The **breakwater** was finished in spring."),
        "{text}"
    );
    assert!(!text.contains("tides.json.gz"), "{text}");
}

#[test]
fn a_file_that_cannot_be_read_is_named_and_the_status_is_2_as_ripgreps() {
    let world = World::new();
    // A gzip file cut short: its header is good, its data ends too soon.
    let whole = gzip::gzipped(b"# Cut\n\nThe breakwater and the harbour wall.\n");
    std::fs::write(world.articles.join("cut.md.gz"), &whole[..whole.len() / 2]).unwrap();
    std::fs::write(
        world.article("pier.md"),
        "# Pier\n\nA breakwater of stone.\n",
    )
    .unwrap();
    let out = world.gloss(&["search", "breakwater", "articles"]);
    let text = String::from_utf8(out.stdout.clone()).unwrap();
    let err = cli_common::stderr(&out);
    // The other files are still searched and printed...
    assert!(
        text.contains("articles/pier.md:3: A breakwater of stone."),
        "{text}"
    );
    // ...the damaged one is named with the reason, not passed over in silence...
    assert!(
        err.contains("gloss: articles/cut.md.gz: damaged gzip file"),
        "{err}"
    );
    // ...and a script can tell that something was not searched.
    assert_eq!(out.status.code(), Some(2), "{out:?}");

    // The same for a missing path named beside one that is there.
    let out = world.gloss(&[
        "search",
        "breakwater",
        "articles/pier.md",
        "articles/gone.md",
    ]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("articles/pier.md:3:"));
    assert!(cli_common::stderr(&out).contains("no such file or folder: articles/gone.md"));
    assert_eq!(out.status.code(), Some(2));

    // Named alone, the damaged file is still an error, not "no match".
    let out = world.gloss(&["search", "breakwater", "articles/cut.md.gz"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(cli_common::stderr(&out).contains("damaged gzip file"));
}

#[test]
fn a_web_pages_text_is_kept_for_the_next_search_and_never_used_stale() {
    let world = World::new();
    let page = |body: &str| {
        format!(
            "<html><head><title>Quay</title></head><body><nav>Home | About</nav>\
             <article><h1>Quay</h1><p>{body}</p></article></body></html>"
        )
    };
    std::fs::write(
        world.article("quay.html"),
        page("The bollards were painted."),
    )
    .unwrap();
    let text = world.ok(&world.data, &["search", "bollards", "articles"]);
    assert!(text.contains("articles/quay.html:"), "{text}");
    let kept = world.tmp.path().join("xdg-cache/gloss/pages");
    let files: Vec<_> = std::fs::read_dir(&kept).unwrap().collect();
    assert_eq!(files.len(), 1, "the page's text is kept");

    // The page changes: the search reads the new text, not the kept one.
    std::fs::write(
        world.article("quay.html"),
        page("The capstans were oiled at dawn."),
    )
    .unwrap();
    let out = world.gloss(&["search", "bollards", "articles"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let text = world.ok(&world.data, &["search", "capstans", "articles"]);
    assert!(text.contains("articles/quay.html:"), "{text}");
}
