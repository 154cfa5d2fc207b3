//! Web addresses written out in text (`https://a.org/x-y`): the one place
//! that decides where such an address starts and ends, for the document,
//! which makes the `http`/`https` ones links, and the layout, which keeps
//! any of them on one row when it fits.

use std::ops::Range;

/// The byte ranges of the `scheme://…` addresses in `text`: from the scheme
/// (letters, digits, `+`, `-`, `.`, starting with a letter) up to white
/// space or `<>"` and a backquote, without the punctuation that ends the
/// sentence around them or a closing bracket they did not open.
pub fn addresses(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    text.match_indices("://").filter_map(move |(at, _)| {
        let head = &text[..at];
        // Just after the last character that cannot be in a scheme (which
        // may take more than one byte).
        let scheme_start = head
            .char_indices()
            .rev()
            .find(|(_, c)| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
            .map_or(0, |(i, c)| i + c.len_utf8());
        // The scheme starts with a letter, and not inside a path
        // (`a/b://`).
        let scheme = &head[scheme_start..];
        if !scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            || head[..scheme_start].ends_with('/')
        {
            return None;
        }
        let rest = &text[at..];
        let len = rest
            .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`'))
            .unwrap_or(rest.len());
        let mut url = &rest[..len];
        loop {
            let trimmed = url.trim_end_matches(['.', ',', ';', ':', '!', '?', '\'', '*', '_']);
            let unbalanced = |open: char, close: char| {
                trimmed.ends_with(close)
                    && trimmed.matches(close).count() > trimmed.matches(open).count()
            };
            let trimmed = if unbalanced('(', ')') || unbalanced('[', ']') {
                &trimmed[..trimmed.len() - 1]
            } else {
                trimmed
            };
            if trimmed.len() == url.len() {
                break;
            }
            url = trimmed;
        }
        (url.len() > "://".len()).then(|| scheme_start..at + url.len())
    })
}

/// Whether the address `url` (one [`addresses`] found) is a web page's,
/// which a reader follows: `http` or `https`.
pub fn is_web(url: &str) -> bool {
    url.split_once("://").is_some_and(|(scheme, _)| {
        scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<&str> {
        addresses(text).map(|r| &text[r]).collect()
    }

    #[test]
    fn addresses_end_where_the_sentence_goes_on() {
        assert_eq!(
            found("See https://lamp.example/a-b. And (http://x.example/p?q=1), done"),
            ["https://lamp.example/a-b", "http://x.example/p?q=1"]
        );
        assert_eq!(
            found("wiki: https://en.example/Lamp_(oil) here"),
            ["https://en.example/Lamp_(oil)"]
        );
        assert_eq!(
            found("get ftp://files.example/lamp.tar"),
            ["ftp://files.example/lamp.tar"]
        );
        assert!(found("an http:// alone, 1://x and a://").is_empty());
        // A character of several bytes just before the scheme.
        assert_eq!(found("a\u{dae55}http://x.example"), ["http://x.example"]);
        assert!(found("\u{dae55}://x").is_empty());
    }

    #[test]
    fn only_web_addresses_are_followed() {
        assert!(is_web("https://lamp.example"));
        assert!(is_web("HTTP://LAMP.EXAMPLE"));
        assert!(!is_web("xhttps://no.example"));
        assert!(!is_web("ftp://files.example"));
    }
}
