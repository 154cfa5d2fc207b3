//! The one disk operation a save makes that can fail half-way, behind a trait
//! so tests can make it fail (a full disk, an I/O error) without filling a
//! real disk.

use std::fs::OpenOptions;
use std::io::{self, Write};
use std::path::Path;

/// Writes a new file's bytes durably. A save calls this for its temporary
/// file and renames that over the annotation file only when it succeeded.
pub trait Disk: std::fmt::Debug + Send + Sync {
    /// Creates `path`, which must not exist yet (an existing file, folder or
    /// symlink there is an `AlreadyExists` error and is left alone), writes
    /// `bytes` and syncs them to the device. On error the caller removes
    /// whatever was created.
    fn write_new(&self, path: &Path, bytes: &[u8]) -> io::Result<()>;
}

/// The real file system.
#[derive(Debug, Clone, Copy, Default)]
pub struct RealDisk;

impl Disk for RealDisk {
    fn write_new(&self, path: &Path, bytes: &[u8]) -> io::Result<()> {
        // create_new never follows a symlink or truncates a file someone else
        // put there.
        let mut out = OpenOptions::new().write(true).create_new(true).open(path)?;
        out.write_all(bytes)?;
        out.sync_all()
    }
}
