//! Store errors worded for the status bar and stderr: the reason first, so a
//! narrow screen still shows what is wrong.

use crate::annotations::{Corrupt, StoreError};

/// A store error for the status bar: the reason before the (shortened)
/// file name.
pub fn short_error(e: &StoreError) -> String {
    match e {
        StoreError::Corrupt(c) => short_corrupt(c),
        other => {
            let (reason, detail) = reason_first(other);
            format!("{reason} ({detail})")
        }
    }
}

/// Splits a store error into its reason ("No space left on device (os error
/// 28)", "Permission denied (os error 13)") and what was being done to which
/// file, so messages can put the reason first: a status bar shortens the end
/// of a message, and the reason is what the user needs to see.
pub fn reason_first(e: &StoreError) -> (String, String) {
    match e {
        StoreError::Io {
            action,
            path,
            source,
        } => (
            source.to_string(),
            format!("cannot {action} {}", path.display()),
        ),
        StoreError::Corrupt(c) => (short_corrupt(c), c.file.display().to_string()),
        other => {
            let text = other.to_string();
            match text.rsplit_once(": ") {
                Some((detail, reason)) => (reason.to_string(), detail.to_string()),
                None => (text, String::new()),
            }
        }
    }
}

/// "invalid string (us-deal-2nn.toml, line 20, column 9)": the file, line
/// and column the README promises, so the user can go straight there.
pub fn short_corrupt(c: &Corrupt) -> String {
    let name = c.file.file_name().map_or_else(
        || c.file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let reason = c.message.lines().next().unwrap_or("").trim();
    match (c.line, c.column) {
        (Some(line), Some(column)) => format!("{reason} ({name}, line {line}, column {column})"),
        (Some(line), None) => format!("{reason} ({name}, line {line})"),
        _ => format!("{reason} ({name})"),
    }
}

#[cfg(test)]
mod tests {
    use std::io;
    use std::path::PathBuf;

    use super::*;

    #[test]
    fn a_corrupt_file_is_named_with_line_and_column() {
        let c = Corrupt {
            file: PathBuf::from("/data/gloss/annotations/deal.toml"),
            message: "invalid string\nexpected `\"`".into(),
            line: Some(20),
            column: Some(9),
        };
        assert_eq!(
            short_corrupt(&c),
            "invalid string (deal.toml, line 20, column 9)"
        );
    }

    #[test]
    fn save_errors_give_the_reason_first() {
        for (code, reason) in [
            (28, "No space left on device"),
            (13, "Permission denied"),
            (30, "Read-only file system"),
        ] {
            let e = StoreError::Io {
                action: "create",
                path: PathBuf::from("/data/gloss/annotations/.a-long-name.toml.1.tmp"),
                source: io::Error::from_raw_os_error(code),
            };
            let (first, detail) = reason_first(&e);
            assert!(first.starts_with(reason), "{first}");
            assert!(detail.starts_with("cannot create /data/gloss"), "{detail}");
            assert!(short_error(&e).starts_with(reason));
        }
    }
}
