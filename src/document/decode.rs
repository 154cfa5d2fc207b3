//! Turning file bytes into text: binary files are refused, invalid UTF-8 is
//! decoded lossily and reported, line endings are normalised.
// STUB: replaced by the document work.

/// Text decoded from a file, with a note of whether bytes were replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The text, with `\r\n` and lone `\r` turned into `\n` and any BOM removed.
    pub text: String,
    /// True when invalid UTF-8 was replaced by U+FFFD.
    pub lossy: bool,
}

/// Why a file cannot be read as an article.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The file holds NUL bytes, so it is not text.
    #[error("binary file (contains NUL bytes)")]
    Binary,
}

/// Decodes file bytes as an article's text.
pub fn decode(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    if bytes.contains(&0) {
        return Err(DecodeError::Binary);
    }
    let lossy = std::str::from_utf8(bytes).is_err();
    let text = String::from_utf8_lossy(bytes).replace("\r\n", "\n");
    Ok(Decoded { text, lossy })
}
