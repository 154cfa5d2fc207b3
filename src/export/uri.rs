//! `file:` URIs for article paths, written by hand rather than with the `url`
//! crate because its path conversion follows the host OS: an export must give
//! the same bytes on every machine, and a Windows path stored in an annotation
//! file must still become `file:///C:/...` when exported on Linux.

#[cfg(unix)]
use crate::annotations::{path_to_text, text_to_path};

/// The `file:` URI of a stored path: absolute Unix paths give `file:///...`,
/// Windows drive paths give `file:///C:/...`, anything else (a relative path)
/// gives `file:<path>`. Every byte outside `A-Z a-z 0-9 - . _ ~ /` is
/// percent-encoded, so spaces, `#`, `?` and non-ASCII survive any reader. The
/// bytes encoded are the file name's own (a stored name that is not UTF-8
/// keeps its bytes, see [`crate::annotations::path_to_text`]), so
/// [`path_from_uri`] gives the same stored path back.
pub fn file_uri(path: &str) -> String {
    let is_drive = matches!(path.as_bytes(), [d, b':', ..] if d.is_ascii_alphabetic());
    if is_drive && let (Some(drive), Some(rest)) = (path.get(..2), path.get(2..)) {
        let rest = rest.replace('\\', "/");
        return format!("file:///{drive}{}", encode_path(&rest));
    }
    if path.starts_with('/') {
        // "//x" would read as a host name; a third slash keeps it a path.
        return format!("file://{}", encode_path(path));
    }
    format!("file:{}", encode_path(path))
}

/// Percent-encodes the bytes of the file name a stored path stands for.
fn encode_path(path: &str) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        percent_encode_bytes(text_to_path(path).as_os_str().as_bytes())
    }
    #[cfg(not(unix))]
    {
        percent_encode(path)
    }
}

/// Percent-encodes every byte outside `A-Z a-z 0-9 - . _ ~ /`.
pub(super) fn percent_encode(text: &str) -> String {
    percent_encode_bytes(text.as_bytes())
}

/// [`percent_encode`] over any bytes.
fn percent_encode_bytes(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The path a `file:` URI names, or `None` when `uri` is not a `file:` URI
/// (then the caller keeps it as a web address). Accepts `file:///p`,
/// `file://localhost/p`, `file:/p`, `file://host/share` (kept as `//host/share`)
/// and drive letters (`file:///C:/x` gives `C:/x`). Broken escapes are kept
/// literally; bytes that are not UTF-8 are kept as the store records them
/// ([`crate::annotations::path_to_text`]), so such a file is found again.
pub fn path_from_uri(uri: &str) -> Option<String> {
    let uri = uri.trim();
    let scheme = uri.get(..5)?;
    if !scheme.eq_ignore_ascii_case("file:") {
        return None;
    }
    let rest = uri.get(5..)?;
    // Drop any query or fragment: they are not part of a path.
    let rest = rest.split(['?', '#']).next().unwrap_or("");
    let path = match rest.strip_prefix("//") {
        Some(after) => {
            let (host, tail) = match after.find('/') {
                Some(i) => after.split_at(i),
                None => (after, ""),
            };
            if host.is_empty() || host.eq_ignore_ascii_case("localhost") {
                tail.to_owned()
            } else {
                format!("//{host}{tail}")
            }
        }
        None => rest.to_owned(),
    };
    // A drive letter is recognised only with a literal colon: `file_uri`
    // encodes the colon of a Unix path such as `/C:/x`, which must stay one.
    if matches!(path.as_bytes(), [b'/', d, b':', ..] if d.is_ascii_alphabetic())
        && let Some(rest) = path.get(1..)
    {
        return Some(decode_path(rest));
    }
    Some(decode_path(&path))
}

/// Undoes `%XX` escapes of a path, keeping bytes that are not UTF-8 as the
/// store records them.
fn decode_path(text: &str) -> String {
    let bytes = percent_decode_bytes(text);
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        path_to_text(std::path::Path::new(std::ffi::OsStr::from_bytes(&bytes)))
    }
    #[cfg(not(unix))]
    {
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

/// Undoes `%XX` escapes; broken ones stay as they are.
pub(super) fn percent_decode(text: &str) -> String {
    String::from_utf8_lossy(&percent_decode_bytes(text)).into_owned()
}

/// The bytes `%XX` escapes in `text` stand for.
fn percent_decode_bytes(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%'
            && let (Some(h), Some(l)) = (
                bytes.get(i + 1).and_then(|c| hex(*c)),
                bytes.get(i + 2).and_then(|c| hex(*c)),
            )
        {
            out.push(h * 16 + l);
            i += 3;
            continue;
        }
        out.push(b);
        i += 1;
    }
    out
}

fn hex(c: u8) -> Option<u8> {
    char::from(c)
        .to_digit(16)
        .and_then(|d| u8::try_from(d).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unix_paths_encode_and_decode() {
        let p = "/home/ann/My Notes/día #1?.md";
        let uri = file_uri(p);
        assert_eq!(uri, "file:///home/ann/My%20Notes/d%C3%ADa%20%231%3F.md");
        assert_eq!(path_from_uri(&uri).as_deref(), Some(p));
    }

    #[test]
    fn windows_and_relative_paths() {
        assert_eq!(
            file_uri(r"C:\Users\ann\a b.txt"),
            "file:///C:/Users/ann/a%20b.txt"
        );
        assert_eq!(
            path_from_uri("file:///C:/Users/ann/a%20b.txt").as_deref(),
            Some("C:/Users/ann/a b.txt")
        );
        assert_eq!(file_uri("notes/a.md"), "file:notes/a.md");
        assert_eq!(
            path_from_uri("file:notes/a.md").as_deref(),
            Some("notes/a.md")
        );
    }

    #[test]
    fn other_uri_forms() {
        assert_eq!(
            path_from_uri("FILE://localhost/tmp/x").as_deref(),
            Some("/tmp/x")
        );
        assert_eq!(path_from_uri("file:/tmp/x#frag").as_deref(), Some("/tmp/x"));
        assert_eq!(
            path_from_uri("file://server/share/x").as_deref(),
            Some("//server/share/x")
        );
        assert_eq!(path_from_uri("file:///a%zz%").as_deref(), Some("/a%zz%"));
        assert_eq!(path_from_uri("https://example.com/a"), None);
        assert_eq!(path_from_uri("fi"), None);
        assert_eq!(path_from_uri(&file_uri("/C:/x")).as_deref(), Some("/C:/x"));
    }
}

#[cfg(all(test, unix))]
mod byte_tests {
    use super::*;
    use crate::annotations::path_to_text;
    use std::os::unix::ffi::OsStrExt;

    #[test]
    fn a_name_that_is_not_utf8_is_encoded_by_its_own_bytes_and_comes_back() {
        let path = std::path::Path::new(std::ffi::OsStr::from_bytes(b"/a/caf\xe9 b.md"));
        let stored = path_to_text(path);
        let uri = file_uri(&stored);
        assert_eq!(uri, "file:///a/caf%E9%20b.md");
        assert_eq!(path_from_uri(&uri), Some(stored));
    }
}
