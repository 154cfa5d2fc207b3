//! What a link's target is, from its text alone: a place in this article
//! (`#name`), a file (a relative path or a `file:` URL), an address for the
//! system opener, or a scheme to ask about or refuse; and how a long target
//! is shortened for a narrow bar.

use crate::document::sanitize;

/// Schemes whose links run code or smuggle content in (a browser would run a
/// `javascript:` URL): never handed to the system opener, only copied.
const REFUSED_SCHEMES: [&str; 3] = ["javascript", "vbscript", "data"];

/// Schemes the system opener gets without a question.
const SAFE_SCHEMES: [&str; 4] = ["http", "https", "mailto", "file"];

/// File extensions gloss reads itself when a link leads to them.
const TEXT_EXTENSIONS: [&str; 5] = ["md", "markdown", "txt", "html", "htm"];

/// What following a link does, decided from its target alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// `#name`: a place in the open article.
    Anchor(String),
    /// A path (relative to the article's folder, or a `file:` URL) to a file
    /// gloss reads, with the `#place` to go to there.
    File {
        /// The path, percent-decoded, without the fragment.
        path: String,
        /// The part after `#`, if any.
        fragment: Option<String>,
    },
    /// A web or mail address, or a file gloss does not read: the system
    /// opener gets it.
    Open(String),
    /// A scheme gloss knows nothing about (`ftp:`, `irc:`...): opened only
    /// after the user says yes.
    Ask(String),
    /// A scheme that runs code (`javascript:`...): never opened.
    Refused(String),
}

/// The scheme of a URL (`https` in `https://x`), lower case, when it has
/// one: letters first, then letters, digits, `+`, `-` or `.`, then `:`. A
/// one-letter scheme is taken for a Windows drive (`C:\x`) and not counted.
pub fn scheme(url: &str) -> Option<String> {
    let (head, _) = url.split_once(':')?;
    let mut chars = head.chars();
    let first = chars.next()?;
    let valid = first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && head.len() > 1;
    valid.then(|| head.to_ascii_lowercase())
}

/// Whether the system opener may get `url` without asking: only web, mail
/// and file addresses, and a scheme-less path (the session has made it
/// absolute).
pub fn opens_without_asking(url: &str) -> bool {
    scheme(url).is_none_or(|s| SAFE_SCHEMES.contains(&s.as_str()))
}

/// Whether `url` may ever reach the system opener, even after a yes.
pub fn may_ever_open(url: &str) -> bool {
    !scheme(url).is_some_and(|s| REFUSED_SCHEMES.contains(&s.as_str()))
}

/// Decodes `%xx` escapes (a link to `My%20Notes.md`); an invalid escape or
/// a result that is not UTF-8 is kept as written.
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(h), Some(l)) = (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

/// Whether a path names a file gloss reads (by extension, looking through a
/// `.gz`, which gloss unpacks; a name without one, like `LICENSE`, is tried
/// as text too).
pub fn is_text_path(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let lower = name.to_ascii_lowercase();
    let name = lower.strip_suffix(".gz").unwrap_or(&lower);
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => {
            TEXT_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str())
        }
        _ => true,
    }
}

/// What following `url` means.
pub fn classify(url: &str) -> Target {
    let url = url.trim();
    if let Some(name) = url.strip_prefix('#') {
        return Target::Anchor(percent_decode(name));
    }
    match scheme(url) {
        Some(s) if REFUSED_SCHEMES.contains(&s.as_str()) => Target::Refused(s),
        Some(s) if s == "file" => {
            let rest = &url[5..];
            let rest = rest.strip_prefix("//localhost").unwrap_or(rest);
            let rest = rest.strip_prefix("//").unwrap_or(rest);
            file_target(rest)
        }
        Some(s) if SAFE_SCHEMES.contains(&s.as_str()) => Target::Open(url.to_string()),
        Some(_) => Target::Ask(url.to_string()),
        None if url.is_empty() => Target::Refused(String::new()),
        None => file_target(url),
    }
}

/// A path link: gloss opens text files itself; others go to the opener
/// (the session makes the path absolute first).
fn file_target(path_and_more: &str) -> Target {
    let (path, fragment) = match path_and_more.split_once('#') {
        Some((p, f)) => (p, Some(percent_decode(f))),
        None => (path_and_more, None),
    };
    let path = path.split_once('?').map_or(path, |(p, _)| p);
    let path = percent_decode(path);
    if path.is_empty() {
        // `?x#y` alone: nothing to open but the place.
        return match fragment {
            Some(f) => Target::Anchor(f),
            None => Target::Refused(String::new()),
        };
    }
    // Whether gloss reads the file or the opener gets it is the session's
    // call, once it knows what the path is.
    Target::File {
        path,
        fragment: fragment.filter(|f| !f.is_empty()),
    }
}

/// `s` shortened to `width` cells by cutting its middle, so a long URL keeps
/// both its host and its last part ("https://exa…/page.md").
pub fn elide_middle(s: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthChar;
    let s = sanitize(s);
    let total: usize = s.chars().map(|c| c.width().unwrap_or(0)).sum();
    if total <= width {
        return s.into_owned();
    }
    if width == 0 {
        return String::new();
    }
    let room = width - 1;
    let head_room = room.div_ceil(2);
    let tail_room = room - head_room;
    let mut head = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > head_room {
            break;
        }
        used += w;
        head.push(c);
    }
    let mut tail: Vec<char> = Vec::new();
    let mut used = 0;
    for c in s.chars().rev() {
        let w = c.width().unwrap_or(0);
        if used + w > tail_room {
            break;
        }
        used += w;
        tail.push(c);
    }
    tail.reverse();
    format!("{head}…{}", tail.into_iter().collect::<String>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_classified_by_scheme_and_path() {
        assert_eq!(classify("#install"), Target::Anchor("install".into()));
        assert_eq!(
            classify("docs/My%20Notes.md#usage"),
            Target::File {
                path: "docs/My Notes.md".into(),
                fragment: Some("usage".into())
            }
        );
        assert_eq!(
            classify("https://example.com/a"),
            Target::Open("https://example.com/a".into())
        );
        assert_eq!(
            classify("mailto:a@b.c"),
            Target::Open("mailto:a@b.c".into())
        );
        assert_eq!(
            classify("JavaScript:alert(1)"),
            Target::Refused("javascript".into())
        );
        assert_eq!(classify("data:text/html,x"), Target::Refused("data".into()));
        assert_eq!(
            classify("ftp://host/file"),
            Target::Ask("ftp://host/file".into())
        );
        assert_eq!(
            classify("file:///tmp/x.txt"),
            Target::File {
                path: "/tmp/x.txt".into(),
                fragment: None
            }
        );
        assert_eq!(classify(""), Target::Refused(String::new()));
    }

    #[test]
    fn only_web_mail_and_file_open_without_asking() {
        assert!(opens_without_asking("https://x"));
        assert!(opens_without_asking("/abs/path/image.png"));
        assert!(!opens_without_asking("javascript:alert(1)"));
        assert!(!opens_without_asking("ssh://host"));
        assert!(!may_ever_open(" javascript:x".trim()));
        assert!(!may_ever_open("VBScript:x"));
        assert!(may_ever_open("ftp://x"));
    }

    #[test]
    fn long_targets_lose_their_middle() {
        let url = "https://example.com/a/very/long/path/to/some/page.html";
        let short = elide_middle(url, 21);
        assert_eq!(short, "https://ex…/page.html");
        assert_eq!(elide_middle("short", 10), "short");
        assert_eq!(elide_middle("a\u{1b}[31mb", 40), "a␛[31mb");
    }

    #[test]
    fn text_paths_are_told_by_extension() {
        assert!(is_text_path("a/b.MD"));
        assert!(is_text_path("LICENSE"));
        assert!(is_text_path("notes.txt"));
        assert!(!is_text_path("logo.png"));
        assert!(is_text_path(".hidden"));
        assert!(is_text_path("doc/NEWS.md.gz"));
        assert!(is_text_path("changelog.gz"));
        assert!(!is_text_path("logo.png.gz"));
    }
}
