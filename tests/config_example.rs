//! The shipped example config is the documentation of every setting, so it
//! must stay equal to the built-in defaults; and a user's mistakes in a real
//! config file must be reported with file, line and key.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use gloss::config::{self, Config, ConfigError};
use gloss::keymap::{Action, Context, Keymap};

fn example_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("config.example.toml")
}

fn write_config(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("config.toml");
    std::fs::write(&file, text).unwrap();
    (dir, file)
}

fn load_error(text: &str) -> (ConfigError, PathBuf, tempfile::TempDir) {
    let (dir, file) = write_config(text);
    let err = config::load(Some(&file)).unwrap_err();
    (err, file, dir)
}

fn key_paths(value: &toml::Value, prefix: &str, out: &mut BTreeSet<String>) {
    match value {
        toml::Value::Table(table) => {
            for (key, value) in table {
                let path = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                out.insert(path.clone());
                key_paths(value, &path, out);
            }
        }
        toml::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                key_paths(item, &format!("{prefix}[{i}]"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn example_equals_the_defaults() {
    let path = example_path();
    let (config, source) = config::load(Some(&path)).unwrap();
    assert_eq!(source, Some(path));
    assert_eq!(config, Config::default());
}

#[test]
fn example_writes_out_every_key() {
    let text = std::fs::read_to_string(example_path()).unwrap();
    let written: toml::Value = toml::from_str(&text).unwrap();
    let defaults = toml::Value::try_from(Config::default()).unwrap();
    let (mut in_example, mut in_defaults) = (BTreeSet::new(), BTreeSet::new());
    key_paths(&written, "", &mut in_example);
    key_paths(&defaults, "", &mut in_defaults);
    assert_eq!(in_example, in_defaults);
}

#[test]
fn example_comments_every_setting() {
    let text = std::fs::read_to_string(example_path()).unwrap();
    let mut previous = "";
    let mut in_palette = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_palette = line == "[[highlights.palette]]";
        } else if !line.is_empty() && !line.starts_with('#') && !in_palette {
            assert!(
                previous.starts_with('#'),
                "`{line}` has no comment line above it"
            );
        }
        previous = line;
    }
}

#[test]
fn unknown_key_names_file_line_and_key() {
    let (err, file, _dir) = load_error("library = []\n\n[reader]\ncolour = \"red\"\n");
    let text = err.to_string();
    assert!(text.contains(&file.display().to_string()), "{text}");
    assert!(text.contains("line 4"), "{text}");
    assert!(text.contains("`colour`"), "{text}");
    assert!(text.contains("[reader]"), "{text}");
    assert_eq!(err.line(), Some(4));
    assert_eq!(err.key(), Some("reader.colour"));
}

#[test]
fn bad_value_names_file_line_and_key() {
    let (err, file, _dir) = load_error("[export]\nfolder = \"out\"\nformat = \"docx\"\n");
    let text = err.to_string();
    assert!(text.contains(&file.display().to_string()), "{text}");
    assert!(text.contains("line 3"), "{text}");
    assert!(text.contains("export.format"), "{text}");
    assert!(text.contains("docx"), "{text}");

    let (err, _file, _dir) = load_error("[reader]\nreading_width = \"wide\"\n");
    assert_eq!(err.line(), Some(2));
    assert!(err.to_string().contains("reader.reading_width"), "{err}");
}

#[test]
fn user_key_table_merges_over_defaults() {
    let (_dir, file) = write_config("[keys.reader]\nj = \"page_down\"\n");
    let (config, _) = config::load(Some(&file)).unwrap();
    let keymap = Keymap::from_config(&config.keys).unwrap();
    let key = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
    assert_eq!(
        keymap.action(Context::Reader, &key('j')),
        Some(Action::PageDown)
    );
    assert_eq!(
        keymap.action(Context::Reader, &key('k')),
        Some(Action::ScrollUp)
    );
    assert_eq!(
        keymap.action(Context::List, &key('j')),
        Some(Action::ListDown)
    );
    let down = KeyEvent::new(KeyCode::Down, KeyModifiers::NONE);
    assert_eq!(
        keymap.action(Context::Reader, &down),
        Some(Action::ScrollDown)
    );

    let help = keymap.help();
    let reader = help.iter().find(|s| s.title == "Reader").unwrap();
    let keys_for = |description: &str| {
        reader
            .entries
            .iter()
            .find(|e| e.description == description)
            .map(|e| e.keys.clone())
            .unwrap()
    };
    assert_eq!(
        keys_for(Action::PageDown.description()),
        "j, Space, PgDn, Ctrl-f"
    );
    assert_eq!(keys_for(Action::ScrollDown.description()), "↓");
    assert_eq!(keys_for(Action::ScrollUp.description()), "k, ↑");
}

#[test]
fn binary_reports_a_bad_config_before_starting() {
    let (_dir, file) = write_config("[reader]\ntab_width = 40\n");
    let output = Command::new(env!("CARGO_BIN_EXE_gloss"))
        .arg("--config")
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty(), "nothing may be drawn");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(&file.display().to_string()), "{stderr}");
    assert!(stderr.contains("line 2"), "{stderr}");
    assert!(stderr.contains("reader.tab_width"), "{stderr}");
}
