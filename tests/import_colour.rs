#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly
//! A W3C export and import keep each highlight's colour by its exact name
//! (`gloss:color`), also a custom colour the importing palette lacks.

mod cli_common;

use std::fs;

use cli_common::{Mark, World, stderr, stored};

const SEA_GREEN: &str = "[highlights]\ndefault = \"yellow\"\n\n\
[[highlights.palette]]\nname = \"yellow\"\nbackground = \"#ffe066\"\n\n\
[[highlights.palette]]\nname = \"sea green\"\nbackground = \"#2e8b57\"\n";

#[test]
fn a_w3c_round_trip_keeps_colours_also_under_another_palette() {
    let w = World::new();
    let config = w.tmp.path().join("config/gloss");
    fs::create_dir_all(&config).unwrap();
    fs::write(config.join("config.toml"), SEA_GREEN).unwrap();
    w.mark(&[
        Mark {
            color: "sea green",
            ..Mark::new(
                "field-notes.md",
                "herons waited",
                "01HZX3A6Q4W5V8F0J3M2K7N9PA",
            )
        },
        Mark {
            color: "yellow",
            ..Mark::new(
                "field-notes.md",
                "samphire grows",
                "01HZX3A6Q4W5V8F0J3M2K7N9PB",
            )
        },
    ]);
    let export = w.tmp.path().join("notes.jsonld");
    let out = w.gloss(&[
        "export",
        "--format",
        "w3c",
        "--output",
        &export.display().to_string(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = fs::read_to_string(&export).unwrap();
    assert!(
        text.contains("\"gloss:color\":\"sea green\"")
            || text.contains("\"gloss:color\": \"sea green\""),
        "{text}"
    );

    // Another machine whose palette is the default one (no "sea green").
    fs::remove_file(config.join("config.toml")).unwrap();
    let other = w.other_data("other");
    let out = w.gloss_in(
        &other,
        &[
            "import",
            &export.display().to_string(),
            "--library",
            &w.articles.display().to_string(),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let files = stored(&other);
    let mut colours: Vec<(String, String)> = files[0]
        .highlights
        .iter()
        .map(|h| (h.anchor.quote.clone(), h.color.clone()))
        .collect();
    colours.sort();
    assert_eq!(
        colours,
        [
            ("herons waited".to_string(), "sea green".to_string()),
            ("samphire grows".to_string(), "yellow".to_string()),
        ]
    );
}
