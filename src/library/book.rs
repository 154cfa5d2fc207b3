//! EPUB books in the library: their list entry and their opening for the
//! reader, sharing one opened archive.
//!
//! `gloss open BOOK` asks three times about the same book before its first
//! screen: the command line checks that it can be read, the list makes its
//! entry, and the reader opens it. Each asks the zip's directory and the
//! package document (OPF), which for a 5 MB book is most of the time to
//! its first screen. So the check opens the book as the reader needs it and
//! keeps it (one book, [`KEPT`]); the list entry and the reader then take it
//! from there as long as the file is the same one, unchanged (its identity,
//! size and modification time, and the same size limit).

use std::io::BufReader;
use std::path::Path;
use std::sync::Mutex;

use super::cache::FileStamp;
use super::file::{self, FileId};
use crate::document::Metadata;
use crate::document::epub::{self, Opened};

/// Which file a kept book was opened from, and within which limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Key {
    id: FileId,
    stamp: FileStamp,
    limit: u64,
}

impl Key {
    /// The key of the file at `path` now; `None` when it cannot be read or
    /// has no modification time (then nothing is kept for it).
    fn of(path: &Path, limit: u64) -> Option<Self> {
        Self::of_metadata(&std::fs::metadata(path).ok()?, limit)
    }

    fn of_metadata(meta: &std::fs::Metadata, limit: u64) -> Option<Self> {
        Some(Self {
            id: FileId::of(meta),
            stamp: FileStamp::of_metadata(meta)?,
            limit,
        })
    }
}

/// The one book opened ahead of its reader (see the module's comment).
static KEPT: Mutex<Option<(Key, Opened)>> = Mutex::new(None);

fn kept() -> std::sync::MutexGuard<'static, Option<(Key, Opened)>> {
    KEPT.lock().unwrap_or_else(|e| e.into_inner())
}

/// Opens the book at `path` as the reader will (container, package and
/// navigation documents; no chapter unpacked), checking that it can be
/// read, and keeps it for the list entry and the reader that follow. The
/// error is the reason alone.
pub(super) fn check_and_keep(path: &Path, limit: u64) -> Result<(), String> {
    let (opened, meta) = open(path, limit)?;
    // The key of the file as opened, so a book rewritten meanwhile is not
    // kept under its new stamp.
    if let Some(key) = Key::of_metadata(&meta, limit) {
        *kept() = Some((key, opened));
    }
    Ok(())
}

/// The list's metadata of the book at `path`: from the kept book when it
/// is this file, else from the zip's directory and package document only.
/// The error is the reason alone.
pub(super) fn metadata(path: &Path, limit: u64) -> Result<Metadata, String> {
    if let Some(key) = Key::of(path, limit)
        && let Some((kept_key, opened)) = kept().as_ref()
        && *kept_key == key
    {
        return Ok(opened.meta().clone());
    }
    let (file, _) = file::open(path, limit).map_err(|e| e.to_string())?;
    epub::read_metadata(BufReader::new(file), limit).map_err(|e| e.to_string())
}

/// The book at `path` opened for reading: the kept one when it is this
/// file (it is given up, so a reload opens the file afresh), else opened
/// now. The error is the reason alone.
pub(super) fn open_for_reading(path: &Path, limit: u64) -> Result<Opened, String> {
    let key = Key::of(path, limit);
    {
        let mut kept = kept();
        if let Some((kept_key, _)) = kept.as_ref()
            && Some(*kept_key) == key
            && let Some((_, opened)) = kept.take()
        {
            return Ok(opened);
        }
    }
    open(path, limit).map(|(opened, _)| opened)
}

/// Opens the book at `path` from its file (only the zip's directory and the
/// documents asked for are read from disk).
fn open(path: &Path, limit: u64) -> Result<(Opened, std::fs::Metadata), String> {
    let (file, meta) = file::open(path, limit).map_err(|e| e.to_string())?;
    let opened = epub::open_book(BufReader::new(file), limit).map_err(|e| e.to_string())?;
    Ok((opened, meta))
}
