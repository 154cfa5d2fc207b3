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
    /// The file is compressed (its first bytes are a compressor's magic
    /// number): named as such, with the command that unpacks it, since a
    /// reader who opens `README.md.gz` under /usr/share/doc wants to know
    /// what to do, not only that it is not text.
    #[error("{0}-compressed file: unpack it with `{1}` first")]
    Compressed(&'static str, &'static str),
}

/// The compressed format `bytes` start with, and the command that unpacks
/// it: gzip, bzip2, xz and zstd (zip is an EPUB's container, read elsewhere).
fn compression(bytes: &[u8]) -> Option<DecodeError> {
    let (name, unpack) = if bytes.starts_with(&[0x1f, 0x8b]) {
        ("gzip", "gunzip -k")
    } else if bytes.starts_with(b"BZh")
        && bytes.get(3).is_some_and(|d| (b'1'..=b'9').contains(d))
        && bytes.get(4..10) == Some(b"1AY&SY".as_slice())
    {
        ("bzip2", "bunzip2 -k")
    } else if bytes.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0x00]) {
        ("xz", "unxz -k")
    } else if bytes.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        ("zstd", "unzstd")
    } else {
        return None;
    };
    Some(DecodeError::Compressed(name, unpack))
}

/// Decodes file bytes as an article's text, so every later stage can assume
/// `\n` line endings and valid UTF-8. Runs in linear time.
pub fn decode(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    if let Some(compressed) = compression(bytes) {
        return Err(compressed);
    }
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
        text: without_terminal_formatting(normalise_newlines(&raw)),
        lossy,
    })
}

/// Like [`decode`], but takes the bytes by value so valid UTF-8 without `\r`
/// becomes the text without a copy: a 5 MB article is then copied once less.
pub fn decode_owned(mut bytes: Vec<u8>) -> Result<Decoded, DecodeError> {
    if let Some(compressed) = compression(&bytes) {
        return Err(compressed);
    }
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
    Ok(Decoded {
        text: without_terminal_formatting(text),
        lossy,
    })
}

/// UTF-16 text as [`decode`] returns it; a NUL character still means binary.
fn from_utf16(order: Utf16, bytes: &[u8]) -> Result<Decoded, DecodeError> {
    let (text, lossy) = order.decode(bytes);
    if text.contains('\0') {
        return Err(DecodeError::Binary);
    }
    Ok(Decoded {
        text: without_terminal_formatting(normalise_newlines(&text)),
        lossy,
    })
}

/// Text formatted for a terminal (a manual saved from `man`, a tool's
/// coloured output) as the words it shows, as `less` shows it: overstrikes
/// (`b\x08b` bold, `_\x08u` underlined, `+\x08o` a bullet) become the
/// character struck last, and colour and weight sequences (`ESC [ 1 m`) are
/// dropped rather than shown as `␛[1m`. Other escape sequences are left for
/// the sanitizer to show as placeholders: a title or clipboard sequence in
/// an article is an attack the reader should see. Text without a backspace
/// or an escape is returned as it is.
fn without_terminal_formatting(text: String) -> String {
    if memchr::memchr2(0x08, 0x1b, text.as_bytes()).is_none() {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{8}' => {
                // The character struck over the last one replaces it; `_`
                // struck over a character (or under, first) underlines it.
                let Some(&next) = chars.peek().filter(|n| !n.is_control()) else {
                    continue;
                };
                chars.next();
                match out.chars().next_back().filter(|&c| c != '\n') {
                    Some(_) if next == '_' => {}
                    Some(_) => {
                        out.pop();
                        out.push(next);
                    }
                    None => out.push(next),
                }
            }
            '\u{1b}' => {
                // SGR (`ESC [ 1 m`, `ESC [ 0 m`: bold, colours, reset) is
                // formatting and is dropped; any other sequence (a title, the
                // clipboard, a cursor report) has no place in a text and is
                // left for the sanitizer to show, as is an unfinished one.
                let mut ahead = chars.clone();
                let sgr = ahead.next() == Some('[')
                    && ahead
                        .find(|c| !(c.is_ascii_digit() || *c == ';' || *c == ':'))
                        .is_some_and(|c| c == 'm');
                if sgr {
                    chars = ahead;
                } else {
                    out.push(c);
                }
            }
            c => out.push(c),
        }
    }
    out
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
        // A compressed file is named as such, with what unpacks it.
        let gz = decode(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]).unwrap_err();
        assert_eq!(
            gz.to_string(),
            "gzip-compressed file: unpack it with `gunzip -k` first"
        );
        assert!(matches!(
            decode_owned(b"BZh91AY&SY\0".to_vec()),
            Err(DecodeError::Compressed("bzip2", _))
        ));
        assert!(matches!(
            decode(b"\xfd7zXZ\0\0"),
            Err(DecodeError::Compressed("xz", _))
        ));
        // Text that merely starts like one is still text.
        assert!(decode(b"BZh is not a number").is_ok());
        assert!(decode(b"BZh9 is a text that starts like bzip2").is_ok());
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
    fn terminal_formatting_shows_as_the_words_it_formats() {
        let manual = "\x1b[1mman-db\x1b[0m - the \x1b[4;31mmanual\x1b[24m\n\
                      +\x08o b\x08bo\x08ol\x08ld\x08d and _\x08u_\x08n_\x08d_\x08e_\x08r end\x08\n";
        let decoded = decode(manual.as_bytes()).unwrap();
        assert_eq!(decoded.text, "man-db - the manual\no bold and under end\n");
        assert_eq!(
            decode_owned(manual.as_bytes().to_vec()).unwrap().text,
            decoded.text
        );
        // A title or clipboard sequence, a cursor report, an unfinished
        // colour: left for the sanitizer to show.
        for kept in ["\x1b]0;T\x07", "\x1b]52;c;QQ==\x07", "\x1b[6n", "\x1b[1"] {
            let text = format!("a{kept}b");
            assert_eq!(decode(text.as_bytes()).unwrap().text, text);
        }
        // An escape that starts nothing known is left for the sanitizer.
        assert_eq!(decode(b"a\x1bb").unwrap().text, "a\x1bb");
    }

    #[test]
    fn empty_input_is_empty_text() {
        assert_eq!(decode(b"").unwrap().text, "");
    }

    #[test]
    fn a_large_single_line_with_a_windows_line_end_decodes_whole() {
        let big = "word ".repeat(400_000) + "\r\n";
        let d = decode(big.as_bytes()).unwrap();
        assert_eq!(d.text.len(), big.len() - 1);
        assert!(d.text.ends_with("word \n"));
    }

    fn utf16(text: &str, order: Utf16) -> Vec<u8> {
        let mut bytes = match order {
            Utf16::Little => vec![0xFF, 0xFE],
            Utf16::Big => vec![0xFE, 0xFF],
        };
        for unit in text.encode_utf16() {
            bytes.extend_from_slice(&match order {
                Utf16::Little => unit.to_le_bytes(),
                Utf16::Big => unit.to_be_bytes(),
            });
        }
        bytes
    }

    #[test]
    fn utf16_with_a_bom_is_decoded_in_either_byte_order() {
        let text = "Grüße, 世界 🌍\r\nline two";
        for order in [Utf16::Little, Utf16::Big] {
            let d = decode_owned(utf16(text, order)).unwrap();
            assert_eq!(d.text, "Grüße, 世界 🌍\nline two");
            assert!(!d.lossy);
        }
    }

    #[test]
    fn broken_utf16_is_replaced_and_reported_not_called_binary() {
        // An unpaired high surrogate, then an odd last byte.
        let mut bytes = utf16("ab", Utf16::Little);
        bytes.extend_from_slice(&[0x00, 0xD8, b'c', 0x00, b'x']);
        let d = decode(&bytes).unwrap();
        assert_eq!(d.text, "ab\u{fffd}c\u{fffd}");
        assert!(d.lossy);
    }

    #[test]
    fn utf16_holding_a_nul_character_is_binary() {
        assert_eq!(decode(&utf16("a\0b", Utf16::Big)), Err(DecodeError::Binary));
    }

    #[test]
    fn a_character_cut_at_the_end_of_a_head_is_dropped() {
        let mut bytes = utf16("a🌍", Utf16::Little);
        bytes.truncate(bytes.len() - 2); // half of the surrogate pair
        trim_cut_character(&mut bytes);
        assert_eq!(
            decode(&bytes).unwrap(),
            Decoded {
                text: "a".into(),
                lossy: false
            }
        );

        let mut bytes = utf16("ab", Utf16::Big);
        bytes.pop(); // half of a code unit
        trim_cut_character(&mut bytes);
        assert_eq!(decode(&bytes).unwrap().text, "a");

        let mut bytes = "a🌍".as_bytes().to_vec();
        bytes.pop();
        trim_cut_character(&mut bytes);
        assert_eq!(bytes, b"a");
    }

    #[test]
    fn an_invalid_byte_at_every_position_keeps_every_other_character() {
        let text = "aé€🌍\nz";
        for at in 0..=text.len() {
            // Bytes that are never part of valid UTF-8.
            for bad in [0xFF_u8, 0xFE, 0xC0, 0xC1, 0xF8] {
                let mut bytes = text.as_bytes().to_vec();
                bytes.insert(at, bad);
                let d = decode(&bytes).unwrap();
                assert!(d.lossy, "{bytes:?}");
                let kept: String = d.text.chars().filter(|&c| c != '\u{fffd}').collect();
                // A byte inserted inside a character breaks that one
                // character; every other character is kept, in order.
                let without_split: String = text
                    .char_indices()
                    .filter(|&(start, c)| !(start < at && at < start + c.len_utf8()))
                    .map(|(_, c)| c)
                    .collect();
                assert_eq!(kept, without_split, "{bytes:?}");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn decoding_any_bytes_never_panics_and_keeps_every_valid_character_but_terminal_formatting(
            bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..400)
        ) {
            let result = decode(&bytes);
            proptest::prop_assert_eq!(&decode_owned(bytes.clone()), &result);
            let Ok(d) = result else {
                proptest::prop_assert!(bytes.contains(&0) || Utf16::detect(&bytes).is_some());
                return Ok(());
            };
            if Utf16::detect(&bytes).is_some() {
                return Ok(());
            }
            let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
            let mut valid = String::new();
            let mut invalid = false;
            for chunk in body.utf8_chunks() {
                valid.push_str(chunk.valid());
                invalid |= !chunk.invalid().is_empty();
                if !chunk.invalid().is_empty() {
                    valid.push('\u{fffd}');
                }
            }
            // Every character kept, but for a terminal's formatting.
            proptest::prop_assert_eq!(
                d.text,
                without_terminal_formatting(normalise_newlines(&valid))
            );
            proptest::prop_assert_eq!(d.lossy, invalid);
        }

        #[test]
        fn any_text_without_nul_survives_utf16_in_both_byte_orders(text in "[^\u{0}]{0,80}") {
            for order in [Utf16::Little, Utf16::Big] {
                let d = decode(&utf16(&text, order)).unwrap();
                let shown = without_terminal_formatting(normalise_newlines(&text));
                proptest::prop_assert_eq!(&d.text, &shown);
                proptest::prop_assert!(!d.lossy);
            }
        }
    }
}
