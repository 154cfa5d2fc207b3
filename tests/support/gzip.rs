//! Gzip for test fixtures: articles kept as `.gz`, the way /usr/share/doc
//! keeps most of its text.

use std::io::Write as _;

/// `text` packed as one gzip member, as `gzip` writes it.
pub fn gzipped(text: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(text).expect("writing to memory");
    encoder.finish().expect("writing to memory")
}
