//! Turning file bytes into text: binary files are refused, invalid UTF-8 is
//! decoded lossily and reported, UTF-16 with a byte-order mark is decoded,
//! line endings are normalised.

/// Text decoded from a file, with a note of whether bytes were replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The text, with `\r\n` and lone `\r` turned into `\n` and any BOM removed.
    pub text: String,
    /// True when invalid UTF-8 (or an unpaired UTF-16 surrogate) was
    /// replaced by U+FFFD.
    pub lossy: bool,
}

/// The byte order of a UTF-16 file, known from its byte-order mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Utf16 {
    Little,
    Big,
}

impl Utf16 {
    /// The byte order a file declares, if it starts with a UTF-16 BOM. (A
    /// UTF-32 LE BOM also starts with FF FE; such a file then holds NUL
    /// bytes and is refused as binary, which is what it is to gloss.)
    fn detect(bytes: &[u8]) -> Option<Self> {
        match bytes {
            [0xFF, 0xFE, ..] => Some(Utf16::Little),
            [0xFE, 0xFF, ..] => Some(Utf16::Big),
            _ => None,
        }
    }

    fn unit(self, pair: &[u8]) -> u16 {
        match (self, pair) {
            (Utf16::Little, [a, b]) => u16::from_le_bytes([*a, *b]),
            (Utf16::Big, [a, b]) => u16::from_be_bytes([*a, *b]),
            // An odd last byte: not a character.
            _ => 0xDC00,
        }
    }

    /// Decodes the text after the BOM; unpaired surrogates and an odd last
    /// byte become U+FFFD.
    fn decode(self, bytes: &[u8]) -> (String, bool) {
        let units = bytes[2..].chunks(2).map(|pair| self.unit(pair));
        let mut lossy = false;
        let mut text = String::with_capacity(bytes.len() / 2);
        for c in char::decode_utf16(units) {
            text.push(c.unwrap_or_else(|_| {
                lossy = true;
                char::REPLACEMENT_CHARACTER
            }));
        }
        (text, lossy)
    }
}

/// Drops a character cut in two at the end of `bytes`, the first part of a
/// longer file, so the cut is not mistaken for invalid text.
pub fn trim_cut_character(bytes: &mut Vec<u8>) {
    if let Some(order) = Utf16::detect(bytes) {
        bytes.truncate(bytes.len() & !1);
        if bytes.len() > 2 {
            let last = order.unit(&bytes[bytes.len() - 2..]);
            if (0xD800..0xDC00).contains(&last) {
                bytes.truncate(bytes.len() - 2);
            }
        }
        return;
    }
    if let Err(e) = std::str::from_utf8(bytes)
        && e.error_len().is_none()
    {
        bytes.truncate(e.valid_up_to());
    }
}

/// Why a file cannot be read as an article.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The file holds NUL bytes, so it is not text.
    #[error("binary file (contains NUL bytes)")]
    Binary,
}

/// Decodes file bytes as an article's text, so every later stage can assume
/// `\n` line endings and valid UTF-8. Runs in linear time.
pub fn decode(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    if let Some(order) = Utf16::detect(bytes) {
        return from_utf16(order, bytes);
    }
    if bytes.contains(&0) {
        return Err(DecodeError::Binary);
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let (raw, lossy) = match std::str::from_utf8(bytes) {
        Ok(s) => (std::borrow::Cow::Borrowed(s), false),
        Err(_) => (String::from_utf8_lossy(bytes), true),
    };
    Ok(Decoded {
        text: normalise_newlines(&raw),
        lossy,
    })
}

/// Like [`decode`], but takes the bytes by value so valid UTF-8 without `\r`
/// becomes the text without a copy: a 5 MB article is then copied once less.
pub fn decode_owned(mut bytes: Vec<u8>) -> Result<Decoded, DecodeError> {
    if let Some(order) = Utf16::detect(&bytes) {
        return from_utf16(order, &bytes);
    }
    if bytes.contains(&0) {
        return Err(DecodeError::Binary);
    }
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    let (text, lossy) = match String::from_utf8(bytes) {
        Ok(s) => (s, false),
        Err(e) => (String::from_utf8_lossy(e.as_bytes()).into_owned(), true),
    };
    let text = if text.contains('\r') {
        normalise_newlines(&text)
    } else {
        text
    };
    Ok(Decoded { text, lossy })
}

/// UTF-16 text as [`decode`] returns it; a NUL character still means binary.
fn from_utf16(order: Utf16, bytes: &[u8]) -> Result<Decoded, DecodeError> {
    let (text, lossy) = order.decode(bytes);
    if text.contains('\0') {
        return Err(DecodeError::Binary);
    }
    Ok(Decoded {
        text: normalise_newlines(&text),
        lossy,
    })
}

/// Turns `\r\n` and lone `\r` into `\n` in one pass.
fn normalise_newlines(s: &str) -> String {
    if !s.contains('\r') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('\r') {
        out.push_str(&rest[..i]);
        out.push('\n');
        rest = &rest[i + 1..];
        if let Some(after) = rest.strip_prefix('\n') {
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owned_decoding_matches_borrowed_decoding() {
        for bytes in [
            &b"plain"[..],
            b"\xEF\xBB\xBFbom\r\nline",
            b"caf\xe9\rx",
            b"a\0b",
            b"",
        ] {
            assert_eq!(decode_owned(bytes.to_vec()), decode(bytes));
        }
    }

    #[test]
    fn nul_bytes_mean_binary() {
        assert_eq!(decode(b"abc\0def"), Err(DecodeError::Binary));
        assert_eq!(decode(b"\0"), Err(DecodeError::Binary));
    }

    #[test]
    fn invalid_utf8_is_replaced_and_reported() {
        let d = decode(b"caf\xe9 ok").unwrap();
        assert_eq!(d.text, "caf\u{fffd} ok");
        assert!(d.lossy);
        let d = decode("café".as_bytes()).unwrap();
        assert_eq!(d.text, "café");
        assert!(!d.lossy);
    }

    #[test]
    fn bom_is_stripped_and_line_endings_normalised() {
        let d = decode(b"\xEF\xBB\xBFa\r\nb\rc\n\r\rd\r").unwrap();
        assert_eq!(d.text, "a\nb\nc\n\n\nd\n");
        assert!(!d.lossy);
    }

    #[test]
    fn empty_input_is_empty_text() {
        assert_eq!(decode(b"").unwrap().text, "");
    }

    #[test]
    fn large_single_line_decodes_quickly() {
        let big = "word ".repeat(400_000) + "\r\n";
        let start = std::time::Instant::now();
        let d = decode(big.as_bytes()).unwrap();
        assert_eq!(d.text.len(), big.len() - 1);
        assert!(start.elapsed().as_secs() < 5);
    }
}
