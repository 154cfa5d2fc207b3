//! Keeping terminal control out of article text: every control or bidi override
//! character becomes a visible placeholder before it can reach the screen.
// STUB: replaced by the document work.

use std::borrow::Cow;

/// The visible stand-in for a character that must not reach the terminal, or
/// `None` when the character is safe to print.
pub fn placeholder_for(c: char) -> Option<char> {
    match c {
        '\n' | '\t' => None,
        '\u{1b}' => Some('\u{241b}'),
        c if c.is_control() => Some('\u{fffd}'),
        _ => None,
    }
}

/// Replaces unsafe characters with placeholders; borrows when nothing changes.
pub fn sanitize(s: &str) -> Cow<'_, str> {
    if s.chars().all(|c| placeholder_for(c).is_none()) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.chars().map(|c| placeholder_for(c).unwrap_or(c)).collect())
}
