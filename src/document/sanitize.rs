//! Keeping terminal control out of text gloss shows or writes: every control or
//! bidi override character becomes a visible placeholder before it can reach the
//! screen or an export.
//!
//! Article files, imported exports, hand-edited notes and file names are all
//! untrusted: an escape sequence inside one could retitle the terminal, write the
//! clipboard, clear the screen or reorder what the reader sees. Text therefore
//! never holds such characters once it is inside gloss; only `\n` and `\t`
//! survive.
//!
//! The rule, in one place for the whole app:
//! - C0 controls (U+0000-U+001F) except `\n` and `\t`, and DEL (U+007F), become
//!   their Unicode Control Pictures (ESC shows as `␛`, CR as `␍`);
//! - C1 controls (U+0080-U+009F, which some terminals obey as CSI, OSC, DCS...)
//!   and the bidi embedding, override and isolate controls (U+202A-U+202E,
//!   U+2066-U+2069, the "Trojan Source" set) become U+FFFD;
//! - a zero width joiner (U+200D) is kept where it joins, between two visible
//!   characters (emoji sequences such as 👨‍👩‍👧, Indic conjuncts); one at the
//!   start or end of the text, next to white space, another joiner or a
//!   replaced character joins nothing and only hides, so it becomes U+FFFD.
//!
//! Bidi *marks* (U+200E, U+200F, U+061C) are left alone: they cannot reorder a
//! run of text, and right-to-left writing needs them.

use std::borrow::Cow;

/// The zero width joiner, kept only where it joins two visible characters.
const ZWJ: char = '\u{200d}';

/// The visible stand-in for a character that must not reach the terminal, or
/// `None` when the character is safe to print wherever it stands.
///
/// C0 controls and DEL become their Unicode Control Pictures (ESC shows as `␛`)
/// so a reader can still tell what the file held; C1 controls and bidi
/// overrides/isolates, which have no picture, become U+FFFD. (A zero width
/// joiner depends on its neighbour; [`sanitize`] decides it.)
pub fn placeholder_for(c: char) -> Option<char> {
    match c {
        '\n' | '\t' => None,
        '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + c as u32),
        '\u{7f}' => Some('\u{2421}'),
        '\u{80}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => Some('\u{fffd}'),
        _ => None,
    }
}

/// Whether a joiner next to `c` has something visible to join there.
fn joinable(c: Option<char>) -> bool {
    c.is_some_and(|c| c != ZWJ && !c.is_whitespace() && placeholder_for(c).is_none())
}

/// Whether a pasted character may go into a one-line text field: no control
/// character (not even a line break) and nothing that needs a placeholder.
pub fn fits_a_field(c: char) -> bool {
    !c.is_control() && placeholder_for(c).is_none()
}

/// The stand-in for `c` between the characters `prev` and `next` (`None` at
/// either end of the text), or `None` when `c` is printed as it is.
fn placeholder_between(prev: Option<char>, c: char, next: Option<char>) -> Option<char> {
    if c == ZWJ {
        let joins = joinable(prev) && joinable(next);
        return (!joins).then_some('\u{fffd}');
    }
    placeholder_for(c)
}

/// Replaces unsafe characters with placeholders; borrows when nothing changes,
/// which is the common case for ordinary prose. Keeps the character count, so
/// offsets into the text stay valid.
pub fn sanitize(s: &str) -> Cow<'_, str> {
    match first_unsafe(s) {
        None => Cow::Borrowed(s),
        Some(first) => {
            let mut out = String::with_capacity(s.len() + 8);
            out.push_str(&s[..first]);
            let mut prev = s[..first].chars().next_back();
            let mut chars = s[first..].chars().peekable();
            while let Some(c) = chars.next() {
                let next = chars.peek().copied();
                out.push(placeholder_between(prev, c, next).unwrap_or(c));
                prev = Some(c);
            }
            Cow::Owned(out)
        }
    }
}

/// [`sanitize`] for text a person wrote and gloss stores or exports (notes,
/// tags, colours, titles, imported quotes): Windows line ends (`\r\n`) become
/// `\n` first, so a note written on Windows keeps its line breaks instead of
/// showing `␍` at the end of every line.
pub fn sanitize_text(s: &str) -> Cow<'_, str> {
    if s.contains("\r\n") {
        Cow::Owned(sanitize(&s.replace("\r\n", "\n")).into_owned())
    } else {
        sanitize(s)
    }
}

/// Whether `s` holds nothing [`sanitize`] would replace, for checks and tests
/// that must not copy.
pub fn is_clean(s: &str) -> bool {
    first_unsafe(s).is_none()
}

/// Byte offset of the first character that needs a placeholder. Scans bytes:
/// every such character is ASCII or starts with 0xC2 (C1 controls) or 0xE2
/// (bidi controls, the joiner), all char boundaries, so only those few are
/// decoded.
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
        let prev = s.get(..i).and_then(|before| before.chars().next_back());
        let next = s
            .get(i + c.len_utf8()..)
            .and_then(|after| after.chars().next());
        if placeholder_between(prev, c, next).is_some() {
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

    /// A joiner that joins nothing: at the start, after white space or after
    /// another joiner.
    fn stray_joiner(s: &str) -> bool {
        let mut prev: Option<char> = None;
        for c in s.chars() {
            if c == ZWJ && prev.is_none_or(|p| p == ZWJ || p.is_whitespace()) {
                return true;
            }
            prev = Some(c);
        }
        false
    }

    #[test]
    fn a_joiner_inside_an_emoji_survives_and_a_stray_one_does_not() {
        let family = "👨\u{200d}👩\u{200d}👧 and क्\u{200d}ष";
        assert!(matches!(sanitize(family), Cow::Borrowed(_)));
        assert_eq!(
            sanitize("\u{200d}a\u{200d}\u{200d}b \u{200d}c"),
            "\u{fffd}a\u{fffd}\u{fffd}b \u{fffd}c"
        );
        // A joiner before white space or at the end joins nothing either.
        assert_eq!(sanitize("K\u{200d} L\u{200d}"), "K\u{fffd} L\u{fffd}");
        assert_eq!(sanitize("\u{1b}\u{200d}x"), "␛\u{fffd}x");
    }

    #[test]
    fn windows_line_ends_become_newlines_and_a_lone_cr_is_shown() {
        assert_eq!(sanitize_text("a\r\nb\rc"), "a\nb␍c");
        assert!(matches!(sanitize_text("plain\n"), Cow::Borrowed(_)));
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
            let walk = s
                .char_indices()
                .find(|&(i, c)| {
                    let prev = s[..i].chars().next_back();
                    let next = s[i + c.len_utf8()..].chars().next();
                    placeholder_between(prev, c, next).is_some()
                })
                .map(|(i, _)| i);
            prop_assert_eq!(first_unsafe(&s), walk);
        }

        #[test]
        fn sanitized_text_has_no_forbidden_chars(s in any::<String>()) {
            let clean = sanitize(&s);
            prop_assert!(!clean.chars().any(forbidden));
            prop_assert!(!stray_joiner(&clean));
            prop_assert!(is_clean(&clean));
            prop_assert_eq!(clean.chars().count(), s.chars().count());
        }
    }
}
