//! Usage errors quote the arguments back; an argument holding a control or
//! bidi character must not reach the terminal raw (a U+202E would reverse
//! the rest of the line the user reads). Clap's exit codes are kept.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly

use std::process::{Command, Output};

fn gloss(args: &[&str]) -> Output {
    let home = tempfile::tempdir().unwrap();
    Command::new(env!("CARGO_BIN_EXE_gloss"))
        .arg("--data-dir")
        .arg(home.path().join("data"))
        .args(args)
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_DATA_HOME", home.path().join("xdg-data"))
        .output()
        .unwrap()
}

fn is_raw_control(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
}

#[test]
fn an_unexpected_argument_with_a_bidi_override_is_not_printed_raw() {
    for hostile in ["B\u{202E}gpj.exe", "B\u{1b}[31mred\u{7}", "B\u{9b}2J"] {
        let out = gloss(&["open", "A", hostile]);
        assert_eq!(out.status.code(), Some(2), "clap's usage exit code");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.starts_with("gloss: "), "{err}");
        assert!(err.contains("unexpected argument"), "{err}");
        assert!(!err.chars().any(is_raw_control), "{err:?}");
        assert!(
            err.contains("gpj.exe") || err.contains("red") || err.contains("2J"),
            "the argument is still named: {err}"
        );
    }
}

#[test]
fn an_invalid_value_is_not_printed_raw_and_help_still_exits_0() {
    let out = gloss(&["export", "--format", "p\u{202E}df"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.chars().any(is_raw_control), "{err:?}");

    let out = gloss(&["--help"]);
    assert_eq!(out.status.code(), Some(0));
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("Usage"), "{help}");
    assert!(!help.chars().any(is_raw_control), "{help:?}");
}
