//! `file:` URIs for article paths, written by hand rather than with the `url`
//! crate because its path conversion follows the host OS: an export must give
//! the same bytes on every machine, and a Windows path stored in an annotation
//! file must still become `file:///C:/...` when exported on Linux.

/// The `file:` URI of a stored path: absolute Unix paths give `file:///...`,
/// Windows drive paths give `file:///C:/...`, anything else (a relative path)
/// gives `file:<path>`. Every byte outside `A-Z a-z 0-9 - . _ ~ /` is
/// percent-encoded, so spaces, `#`, `?` and non-ASCII survive any reader.
pub fn file_uri(path: &str) -> String {
    let is_drive = matches!(path.as_bytes(), [d, b':', ..] if d.is_ascii_alphabetic());
    if is_drive && let (Some(drive), Some(rest)) = (path.get(..2), path.get(2..)) {
        let rest = rest.replace('\\', "/");
        return format!("file:///{drive}{}", percent_encode(&rest));
    }
    if path.starts_with('/') {
        // "//x" would read as a host name; a third slash keeps it a path.
        return format!("file://{}", percent_encode(path));
    }
    format!("file:{}", percent_encode(path))
}

/// Percent-encodes every byte outside `A-Z a-z 0-9 - . _ ~ /`.
pub(super) fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for &b in text.as_bytes() {
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
/// literally and invalid UTF-8 is replaced, since an import must not fail on a
/// path it cannot open anyway.
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
        return Some(percent_decode(rest));
    }
    Some(percent_decode(&path))
}

/// Undoes `%XX` escapes; broken ones stay as they are.
pub(super) fn percent_decode(text: &str) -> String {
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
    String::from_utf8_lossy(&out).into_owned()
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
