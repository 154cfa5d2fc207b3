//! An article's path as text that keeps its exact bytes, so two files whose
//! names differ only in bytes that are not UTF-8 never share notes, and a
//! file is always recognised by the path it was saved under.
//!
//! A path that is valid UTF-8 is its own text (so every file written before
//! reads the same). Each byte that is not part of valid UTF-8 is written as
//! the character U+10FF00 + byte, from the end of the last private-use plane,
//! which no file name uses in practice; such a character in a real name is
//! itself written as its bytes, so the mapping can always be undone.

use std::path::{Path, PathBuf};

/// First character of the escape range; the byte is added to it.
const ESCAPE_BASE: u32 = 0x10_FF00;

/// Escapes stand for bytes 0x80 to 0xFF (lower bytes are always valid UTF-8).
const ESCAPE_FIRST: u32 = ESCAPE_BASE + 0x80;

fn escape(byte: u8) -> char {
    char::from_u32(ESCAPE_BASE + u32::from(byte)).unwrap_or(char::REPLACEMENT_CHARACTER)
}

fn is_escape(c: char) -> bool {
    (ESCAPE_FIRST..=ESCAPE_BASE + 0xFF).contains(&u32::from(c))
}

/// The text recorded for `path`; [`text_to_path`] gives the path back.
pub fn path_to_text(path: &Path) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let mut out = String::new();
        let mut buf = [0u8; 4];
        for chunk in path.as_os_str().as_bytes().utf8_chunks() {
            for c in chunk.valid().chars() {
                if is_escape(c) {
                    out.extend(c.encode_utf8(&mut buf).bytes().map(escape));
                } else {
                    out.push(c);
                }
            }
            out.extend(chunk.invalid().iter().copied().map(escape));
        }
        out
    }
    #[cfg(not(unix))]
    {
        path.to_string_lossy().into_owned()
    }
}

/// The path recorded as `text` by [`path_to_text`] (or by an older gloss,
/// which wrote UTF-8 paths the same way).
pub fn text_to_path(text: &str) -> PathBuf {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt;
        if !text.chars().any(is_escape) {
            return PathBuf::from(text);
        }
        let mut bytes = Vec::with_capacity(text.len());
        let mut buf = [0u8; 4];
        for c in text.chars() {
            if is_escape(c) {
                bytes.push((u32::from(c) - ESCAPE_BASE) as u8);
            } else {
                bytes.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
        PathBuf::from(std::ffi::OsString::from_vec(bytes))
    }
    #[cfg(not(unix))]
    {
        PathBuf::from(text)
    }
}

/// The path recorded as `text`, for showing to a person: bytes that are not
/// UTF-8 appear as U+FFFD.
pub fn display_path(text: &str) -> String {
    text_to_path(text).to_string_lossy().into_owned()
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;

    #[test]
    fn every_byte_string_round_trips_and_utf8_is_unchanged() {
        assert_eq!(path_to_text(Path::new("/a/café.md")), "/a/café.md");
        let cases: [&[u8]; 6] = [
            b"/a/\xff-a.md",
            b"/a/\xfe-a.md",
            b"/a/caf\xe9.md",
            b"/a/\xf4\x8f\xbf\xbf-real-escape-char.md",
            b"/a/\xc3",
            b"/a/\x80\x80\xc3\xa9",
        ];
        let mut texts = Vec::new();
        for bytes in cases {
            let path = Path::new(OsStr::from_bytes(bytes));
            let text = path_to_text(path);
            assert_eq!(text_to_path(&text), path, "{bytes:?}");
            texts.push(text);
        }
        assert_eq!(display_path(&texts[0]), "/a/\u{fffd}-a.md");
        texts.sort();
        texts.dedup();
        assert_eq!(texts.len(), cases.len(), "distinct paths, distinct texts");
    }
}
