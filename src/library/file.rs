//! Opening an article file without ever blocking or reading too much: only
//! regular files are read, their size is checked before the first byte, and
//! the check is repeated on the open handle so a file swapped in between
//! (a FIFO, a device) is still refused.

use std::fmt;
use std::fs::{self, File, Metadata};
use std::io::{Read as _, Seek, SeekFrom};
use std::os::unix::fs::{FileTypeExt, MetadataExt, OpenOptionsExt};
use std::path::Path;

/// The size limit used when the config gives none: large enough for any
/// article (a long book is a few MiB), small enough to hold in memory.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 64 * 1024 * 1024;

/// Which kind of file something is, named for messages, so a user is told
/// "a FIFO" rather than a generic failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A folder, where a file was expected.
    Folder,
    /// A named pipe: reading it waits for a writer, possibly forever.
    Fifo,
    /// A character device such as a terminal or `/dev/zero`.
    CharDevice,
    /// A block device such as a disk.
    BlockDevice,
    /// A Unix domain socket.
    Socket,
    /// Anything else that is not a regular file.
    Other,
}

impl Kind {
    /// The kind of a non-regular file, `None` for a regular file.
    fn of(meta: &Metadata) -> Option<Kind> {
        let t = meta.file_type();
        if t.is_file() {
            None
        } else if t.is_dir() {
            Some(Kind::Folder)
        } else if t.is_fifo() {
            Some(Kind::Fifo)
        } else if t.is_char_device() {
            Some(Kind::CharDevice)
        } else if t.is_block_device() {
            Some(Kind::BlockDevice)
        } else if t.is_socket() {
            Some(Kind::Socket)
        } else {
            Some(Kind::Other)
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Kind::Folder => "a folder",
            Kind::Fifo => "a FIFO (named pipe)",
            Kind::CharDevice => "a character device",
            Kind::BlockDevice => "a block device",
            Kind::Socket => "a socket",
            Kind::Other => "a special file",
        })
    }
}

/// Why a file is not read. Each message starts with the reason, so a
/// shortened status line still says what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// Not a regular file.
    #[error("{0}, not a regular file")]
    NotRegular(Kind),
    /// Larger than the limit.
    #[error("too large ({}, the limit is {}; see reader.max_file_size_mib)", Size(*.size), Size(*.limit))]
    TooLarge {
        /// The file's size in bytes.
        size: u64,
        /// The limit in bytes.
        limit: u64,
    },
    /// A gzip file whose text would be larger than the limit once unpacked
    /// (a compression bomb, or a very long text).
    #[error("too large once unpacked (over {}; see reader.max_file_size_mib)", Size(*.limit))]
    UnpacksTooLarge {
        /// The limit in bytes.
        limit: u64,
    },
    /// A gzip file that cannot be unpacked.
    #[error("damaged gzip file ({0})")]
    DamagedGzip(String),
    /// The system refused: missing, no permission, an I/O error.
    #[error("{0}")]
    Io(String),
}

impl From<std::io::Error> for Refusal {
    fn from(e: std::io::Error) -> Self {
        Refusal::Io(io_reason(&e))
    }
}

/// An I/O error in words a reader expects, without the OS error number.
pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or folder".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    }
}

/// A byte count in the largest binary unit that keeps it at or above 1.
struct Size(u64);

impl fmt::Display for Size {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const UNITS: [&str; 6] = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB"];
        if self.0 < 1024 {
            return write!(f, "{} bytes", self.0);
        }
        let mut value = self.0 as f64;
        let mut unit = 0;
        while value >= 1024.0 && unit + 1 < UNITS.len() {
            value /= 1024.0;
            unit += 1;
        }
        if value.fract() == 0.0 {
            write!(f, "{value:.0} {}", UNITS[unit])
        } else {
            write!(f, "{value:.1} {}", UNITS[unit])
        }
    }
}

/// A file's identity on this machine: the same article reached through
/// two links or two paths has one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FileId {
    dev: u64,
    ino: u64,
}

impl FileId {
    /// The identity recorded in `meta`.
    pub fn of(meta: &Metadata) -> Self {
        Self {
            dev: meta.dev(),
            ino: meta.ino(),
        }
    }
}

/// Checks what `path` points to, without opening it: a regular file no
/// larger than `limit`. Cheap enough for every file of a library.
pub fn check(path: &Path, limit: u64) -> Result<Metadata, Refusal> {
    let meta = fs::metadata(path)?;
    accept(&meta, limit)?;
    Ok(meta)
}

fn accept(meta: &Metadata, limit: u64) -> Result<(), Refusal> {
    if let Some(kind) = Kind::of(meta) {
        return Err(Refusal::NotRegular(kind));
    }
    if meta.len() > limit {
        return Err(Refusal::TooLarge {
            size: meta.len(),
            limit,
        });
    }
    Ok(())
}

/// Reads at most `max` bytes of the regular file at `path` (all of it when
/// `max` is `None`), refusing anything else or anything over `limit` before
/// reading. The open never blocks (`O_NONBLOCK`, so a FIFO swapped in after
/// the check cannot hang it) and never makes a terminal ours (`O_NOCTTY`);
/// the type and size are checked again on the open handle. A gzip file is
/// read whole and unpacked (see [`gunzip`]): `max` and `limit` then count
/// unpacked bytes.
pub fn read(path: &Path, limit: u64, max: Option<u64>) -> Result<Vec<u8>, Refusal> {
    let (file, meta) = open(path, limit)?;
    let want = max.map_or(meta.len(), |m| m.min(meta.len()));
    // One byte more than allowed tells a file that grew past the limit
    // since it was measured from one that did not.
    let cap = max.unwrap_or(limit).min(limit.saturating_add(1));
    let mut bytes = Vec::with_capacity(usize::try_from(want).unwrap_or(0));
    read_into(&file, cap, &mut bytes)?;
    if is_gzip(&bytes) {
        read_into(&file, rest_cap(limit, &bytes), &mut bytes)?;
        return gunzip(&bytes, limit, max);
    }
    if max.is_none() && bytes.len() as u64 > limit {
        return Err(Refusal::TooLarge {
            size: bytes.len() as u64,
            limit,
        });
    }
    Ok(bytes)
}

/// How much more of a file to read after `bytes`, so that all of it is at
/// most one byte over `limit` (which tells a file that grew past it).
fn rest_cap(limit: u64, bytes: &[u8]) -> u64 {
    limit.saturating_add(1).saturating_sub(bytes.len() as u64)
}

/// True when `bytes` start a gzip stream (its magic and the deflate
/// method): most text under /usr/share/doc is kept so, and gloss reads it as
/// `zless` does.
pub fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x1f, 0x8b, 0x08])
}

/// The text of the gzip file `compressed`, every member joined as `gunzip`
/// joins them: its first `max` bytes when a head is wanted, else all of it.
/// The whole stream is unpacked either way, to refuse one that unpacks to
/// more than `limit` (so a small file cannot fill the memory, nor be listed
/// and then refused when opened). Bytes after a member that do not start
/// another (the zeros a tape or a block device pads with) end the text, as
/// `gzip -d` ends it; a damaged or cut member is refused with the reason.
fn gunzip(compressed: &[u8], limit: u64, max: Option<u64>) -> Result<Vec<u8>, Refusal> {
    if compressed.len() as u64 > limit {
        return Err(Refusal::TooLarge {
            size: compressed.len() as u64,
            limit,
        });
    }
    let over = limit.saturating_add(1);
    let keep = max.map_or(over, |m| m.min(over));
    let damaged = |e: std::io::Error| Refusal::DamagedGzip(e.to_string());
    let mut text = Vec::new();
    let mut unpacked = 0u64;
    let mut rest = compressed;
    loop {
        let mut member = flate2::bufread::GzDecoder::new(rest);
        let room = keep.saturating_sub(text.len() as u64);
        let kept = (&mut member)
            .take(room)
            .read_to_end(&mut text)
            .map_err(damaged)? as u64;
        let counted = std::io::copy(
            &mut (&mut member).take(over.saturating_sub(unpacked + kept)),
            &mut std::io::sink(),
        )
        .map_err(damaged)?;
        unpacked += kept + counted;
        if unpacked > limit {
            return Err(Refusal::UnpacksTooLarge { limit });
        }
        rest = member.into_inner();
        if !is_gzip(rest) {
            return Ok(text);
        }
    }
}

/// Opens the regular file at `path` the way [`read`] does (never blocking,
/// never taking a terminal, checked again on the open handle), for readers
/// that seek instead of reading everything (an EPUB's zip directory).
pub fn open(path: &Path, limit: u64) -> Result<(File, Metadata), Refusal> {
    check(path, limit)?;
    let file = fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)?;
    let meta = file.metadata()?;
    accept(&meta, limit)?;
    Ok((file, meta))
}

fn read_into(file: &File, cap: u64, bytes: &mut Vec<u8>) -> std::io::Result<()> {
    file.take(cap).read_to_end(bytes).map(|_| ())
}

/// What [`read_head`] read.
#[derive(Debug)]
pub enum Read {
    /// The whole file (it was short, or its head could not be cut).
    Whole(Vec<u8>),
    /// The file's first part, cut after a line end, and the rest unread.
    Head(Vec<u8>, Rest),
}

/// Reads the regular file at `path` as [`read`] does, but when it is longer
/// than `head`, only its first part, cut after the last line end in the
/// first `head` bytes; the rest is read later from the same open handle
/// (see [`Rest`]), so a long article's first screen does not wait for it.
/// A UTF-16 file, and a head without a line end, are read whole; so is a
/// gzip file, unpacked (see [`gunzip`]).
pub fn read_head(path: &Path, limit: u64, head: u64) -> Result<Read, Refusal> {
    let (file, meta) = open(path, limit)?;
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len().min(head)).unwrap_or(0));
    (&file).take(head).read_to_end(&mut bytes)?;
    if is_gzip(&bytes) {
        read_into(&file, rest_cap(limit, &bytes), &mut bytes)?;
        return gunzip(&bytes, limit, None).map(Read::Whole);
    }
    let utf16 = matches!(bytes.as_slice(), [0xFF, 0xFE, ..] | [0xFE, 0xFF, ..]);
    let cut = bytes.iter().rposition(|&b| b == b'\n').map(|i| i + 1);
    match cut {
        Some(cut) if (bytes.len() as u64) == head && meta.len() > head && !utf16 => {
            bytes.truncate(cut);
            let rest = Rest {
                file,
                len: meta.len(),
                modified: meta.modified().ok(),
                limit,
                head: bytes.len(),
                whole: std::sync::OnceLock::new(),
            };
            Ok(Read::Head(bytes, rest))
        }
        _ => {
            read_into(&file, rest_cap(limit, &bytes), &mut bytes)?;
            if bytes.len() as u64 > limit {
                return Err(Refusal::TooLarge {
                    size: bytes.len() as u64,
                    limit,
                });
            }
            Ok(Read::Whole(bytes))
        }
    }
}

/// The unread rest of a file opened by [`read_head`]: read from the same
/// open handle, so a file renamed or replaced meanwhile is still the one
/// whose head was read; a file written to meanwhile (its size or time
/// changed) is refused rather than shown half old, half new.
pub struct Rest {
    file: File,
    len: u64,
    modified: Option<std::time::SystemTime>,
    limit: u64,
    /// How many bytes the head has (the whole is read again from the
    /// start of the same handle, not kept from the head: copying the head
    /// cost the first screen more than reading it again costs the job).
    head: usize,
    whole: std::sync::OnceLock<Result<crate::document::Whole, String>>,
}

impl fmt::Debug for Rest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rest")
            .field("len", &self.len)
            .field("head", &self.head)
            .finish_non_exhaustive()
    }
}

impl Rest {
    /// Reads the whole file again from its start, through the handle its
    /// head was read from, and decodes it; a file whose size or time
    /// changed since the head was read is refused.
    fn read_whole(&self) -> Result<crate::document::Whole, String> {
        let changed = || "the file changed while it was being read".to_string();
        let mut bytes = Vec::with_capacity(usize::try_from(self.len).unwrap_or(0));
        let mut file = &self.file;
        file.seek(SeekFrom::Start(0)).map_err(|e| io_reason(&e))?;
        // One byte more than allowed tells a file that grew past the limit.
        let cap = self
            .limit
            .saturating_add(1)
            .saturating_sub(bytes.len() as u64);
        file.take(cap)
            .read_to_end(&mut bytes)
            .map_err(|e| io_reason(&e))?;
        if bytes.len() as u64 > self.limit {
            return Err(Refusal::TooLarge {
                size: bytes.len() as u64,
                limit: self.limit,
            }
            .to_string());
        }
        let meta = self.file.metadata().map_err(|e| io_reason(&e))?;
        if bytes.len() as u64 != self.len
            || meta.len() != self.len
            || meta.modified().ok() != self.modified
        {
            return Err(changed());
        }
        let decoded = crate::document::decode_owned(bytes).map_err(|e| e.to_string())?;
        Ok(crate::document::Whole {
            text: std::sync::Arc::new(decoded.text),
            lossy: decoded.lossy,
        })
    }
}

impl crate::document::Remainder for Rest {
    fn whole(&self) -> Result<&crate::document::Whole, String> {
        self.whole
            .get_or_init(|| self.read_whole())
            .as_ref()
            .map_err(Clone::clone)
    }

    fn last(&self, bytes: usize) -> Option<String> {
        use std::os::unix::fs::FileExt;
        let want = u64::try_from(bytes).ok()?.min(self.len);
        let from = self.len - want;
        let mut buf = vec![0; usize::try_from(want).ok()?];
        let mut got = 0;
        while got < buf.len() {
            match self.file.read_at(&mut buf[got..], from + got as u64) {
                Ok(0) => break,
                Ok(n) => got += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => return None,
            }
        }
        buf.truncate(got);
        // A character cut at the start is not text.
        let start = buf
            .iter()
            .position(|&b| b & 0xC0 != 0x80)
            .unwrap_or(buf.len());
        buf.drain(..start);
        crate::document::decode_owned(buf).ok().map(|d| d.text)
    }

    fn len(&self) -> usize {
        usize::try_from(self.len).unwrap_or(usize::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_named_in_binary_units() {
        assert_eq!(Size(5).to_string(), "5 bytes");
        assert_eq!(Size(64 * 1024 * 1024).to_string(), "64 MiB");
        assert_eq!(Size(1536).to_string(), "1.5 KiB");
        assert_eq!(Size(1 << 40).to_string(), "1 TiB");
    }

    #[test]
    fn the_reason_comes_first() {
        let refusal = Refusal::TooLarge {
            size: 1 << 40,
            limit: DEFAULT_MAX_FILE_SIZE,
        };
        assert!(refusal.to_string().starts_with("too large (1 TiB"));
        assert_eq!(
            Refusal::NotRegular(Kind::Fifo).to_string(),
            "a FIFO (named pipe), not a regular file"
        );
    }

    fn gzipped(text: &[u8]) -> Vec<u8> {
        use std::io::Write as _;
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(text).unwrap();
        encoder.finish().unwrap()
    }

    fn file_with(bytes: &[u8]) -> tempfile::NamedTempFile {
        let file = tempfile::NamedTempFile::new().unwrap();
        fs::write(file.path(), bytes).unwrap();
        file
    }

    #[test]
    fn a_gzip_file_is_read_as_the_text_it_holds() {
        let text = "# Changes\n\nThe lamp was mended.\n".repeat(200);
        let file = file_with(&gzipped(text.as_bytes()));
        let limit = DEFAULT_MAX_FILE_SIZE;
        assert_eq!(read(file.path(), limit, None).unwrap(), text.as_bytes());
        // A head for the list is the first bytes of the text.
        assert_eq!(
            read(file.path(), limit, Some(9)).unwrap(),
            b"# Changes".as_slice()
        );
        // The reader's first read takes it whole, even when it is long.
        match read_head(file.path(), limit, 64).unwrap() {
            Read::Whole(bytes) => assert_eq!(bytes, text.as_bytes()),
            Read::Head(..) => panic!("a gzip file has no head to read first"),
        }
        // gunzip joins the members of a file made by `cat a.gz b.gz`.
        let two = [gzipped(b"first\n"), gzipped(b"second\n")].concat();
        let file = file_with(&two);
        assert_eq!(read(file.path(), limit, None).unwrap(), b"first\nsecond\n");
        // Zeros padding the end (as a tape leaves them) end the text, as
        // `gzip -d` ends it.
        let padded = [gzipped(b"lamp\n"), vec![0; 512]].concat();
        let file = file_with(&padded);
        assert_eq!(read(file.path(), limit, None).unwrap(), b"lamp\n");
    }

    #[test]
    fn a_gzip_file_that_unpacks_past_the_limit_or_is_damaged_is_refused() {
        // 1 MiB of zeros packs into about a kilobyte.
        let bomb = file_with(&gzipped(&vec![0; 1 << 20]));
        let err = read(bomb.path(), 64 * 1024, None).unwrap_err();
        assert_eq!(err, Refusal::UnpacksTooLarge { limit: 64 * 1024 });
        assert!(
            err.to_string()
                .starts_with("too large once unpacked (over 64 KiB")
        );
        assert!(matches!(
            read_head(bomb.path(), 64 * 1024, 16),
            Err(Refusal::UnpacksTooLarge { .. })
        ));
        // Listing reads a head only, but the whole stream is counted, so a
        // bomb is not listed and then refused when opened.
        assert_eq!(
            read(bomb.path(), 64 * 1024, Some(16)).unwrap_err(),
            Refusal::UnpacksTooLarge { limit: 64 * 1024 }
        );
        let mut cut = gzipped("The lamp was mended.\n".repeat(100).as_bytes());
        cut.truncate(cut.len() / 2);
        let damaged = file_with(&cut);
        let err = read(damaged.path(), DEFAULT_MAX_FILE_SIZE, None).unwrap_err();
        assert!(err.to_string().starts_with("damaged gzip file ("), "{err}");
    }
}
