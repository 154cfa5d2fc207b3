//! Keeping terminal control out of article text: every control or bidi override
//! character becomes a visible placeholder before it can reach the screen.
//!
//! Article files are untrusted: an escape sequence inside one could retitle the
//! terminal, clear the screen or reorder what the reader sees. The canonical text
//! therefore never holds such characters; only `\n` and `\t` survive.

use std::borrow::Cow;

/// The visible stand-in for a character that must not reach the terminal, or
/// `None` when the character is safe to print.
///
/// C0 controls and DEL become their Unicode Control Pictures (ESC shows as `␛`)
/// so a reader can still tell what the file held; C1 controls and bidi
/// overrides/isolates, which have no picture, become U+FFFD.
pub fn placeholder_for(c: char) -> Option<char> {
    match c {
        '\n' | '\t' => None,
        '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + c as u32),
        '\u{7f}' => Some('\u{2421}'),
        '\u{80}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => Some('\u{fffd}'),
        _ => None,
    }
}

/// Replaces unsafe characters with placeholders; borrows when nothing changes,
/// which is the common case for ordinary prose.
pub fn sanitize(s: &str) -> Cow<'_, str> {
    match first_unsafe(s) {
        None => Cow::Borrowed(s),
        Some(first) => {
            let mut out = String::with_capacity(s.len() + 8);
            out.push_str(&s[..first]);
            out.extend(s[first..].chars().map(|c| placeholder_for(c).unwrap_or(c)));
            Cow::Owned(out)
        }
    }
}

/// Byte offset of the first character that needs a placeholder. Scans bytes:
/// every such character is ASCII or starts with 0xC2 (C1 controls) or 0xE2
/// (bidi controls), all char boundaries, so only those few are decoded.
fn first_unsafe(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let suspicious =
            (b < 0x20 && b != b'\n' && b != b'\t') || b == 0x7f || b == 0xC2 || b == 0xE2;
        if !suspicious {
            i += 1;
            continue;
        }
        let c = s.get(i..).and_then(|rest| rest.chars().next())?;
        if placeholder_for(c).is_some() {
            return Some(i);
        }
        i += c.len_utf8();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// True for characters the canonical text must never hold.
    pub(crate) fn forbidden(c: char) -> bool {
        (c.is_control() && c != '\n' && c != '\t')
            || ('\u{202a}'..='\u{202e}').contains(&c)
            || ('\u{2066}'..='\u{2069}').contains(&c)
    }

    #[test]
    fn terminal_escapes_become_visible_placeholders() {
        let evil = "a\x1b]0;evil title\x07b\x1b[2Jc\u{9b}d\u{202e}e";
        let clean = sanitize(evil);
        assert_eq!(clean, "a␛]0;evil title␇b␛[2Jc\u{fffd}d\u{fffd}e");
        assert!(!clean.chars().any(forbidden));
    }

    #[test]
    fn newlines_and_tabs_survive_and_clean_text_is_borrowed() {
        assert!(matches!(sanitize("a\tb\nc ünï"), Cow::Borrowed(_)));
        assert_eq!(sanitize("\r\u{7f}\u{0}"), "␍\u{2421}␀");
        assert_eq!(sanitize("\u{2066}x\u{2069}"), "\u{fffd}x\u{fffd}");
    }

    proptest! {
        #[test]
        fn the_byte_scan_finds_what_a_char_walk_finds(s in any::<String>()) {
            let walk = s.char_indices().find(|&(_, c)| placeholder_for(c).is_some()).map(|(i, _)| i);
            prop_assert_eq!(first_unsafe(&s), walk);
        }

        #[test]
        fn sanitized_text_has_no_forbidden_chars(s in any::<String>()) {
            let clean = sanitize(&s);
            prop_assert!(!clean.chars().any(forbidden));
            prop_assert_eq!(clean.chars().count(), s.chars().count());
        }
    }
}
