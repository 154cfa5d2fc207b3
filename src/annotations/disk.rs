//! The one disk operation a save makes that can fail half-way, behind a trait
//! so tests can make it fail (a full disk, an I/O error) without filling a
//! real disk; and [`replace_file`], the crash-safe rewrite every file gloss
//! keeps goes through.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Writes a new file's bytes durably. A save calls this for its temporary
/// file and renames that over the annotation file only when it succeeded.
pub trait Disk: std::fmt::Debug + Send + Sync {
    /// Creates `path`, which must not exist yet (an existing file, folder or
    /// symlink there is an `AlreadyExists` error and is left alone), writes
    /// `bytes` and syncs them to the device. On error the caller removes
    /// whatever was created.
    fn write_new(&self, path: &Path, bytes: &[u8]) -> io::Result<()>;

    /// [`Disk::write_new`] without the sync, for a batch (an import of
    /// thousands of files) that syncs everything once with [`sync_files`]
    /// before putting any of it in place. Unless a disk says otherwise it
    /// is `write_new`, so a failing test disk fails here too.
    fn write_new_unsynced(&self, path: &Path, bytes: &[u8]) -> io::Result<()> {
        self.write_new(path, bytes)
    }
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

    fn write_new_unsynced(&self, path: &Path, bytes: &[u8]) -> io::Result<()> {
        let mut out = OpenOptions::new().write(true).create_new(true).open(path)?;
        out.write_all(bytes)
    }
}

/// Makes `files` (all in `folder`) durable at once: on Linux one `syncfs`
/// of the file system holding them (one journal commit instead of one per
/// file: a backup of 5,000 articles took 15 s in fsyncs alone), elsewhere
/// each file in turn; then the folder itself.
pub fn sync_files(folder: &Path, files: &[PathBuf]) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        let _ = files;
        let dir = fs::File::open(folder)?;
        // SAFETY: the descriptor is open for the whole call (dir lives on).
        if unsafe { libc::syncfs(dir.as_raw_fd()) } != 0 {
            return Err(io::Error::last_os_error());
        }
    }
    #[cfg(not(target_os = "linux"))]
    for file in files {
        fs::File::open(file)?.sync_all()?;
    }
    sync_folder(folder)
}

/// Why [`replace_file`] failed: what it was doing, on which file.
#[derive(Debug)]
pub struct ReplaceError {
    /// "write", "replace" or "sync".
    pub action: &'static str,
    /// The temporary file, the target or its folder.
    pub path: PathBuf,
    /// The system's error.
    pub source: io::Error,
}

impl From<ReplaceError> for io::Error {
    fn from(e: ReplaceError) -> Self {
        e.source
    }
}

/// How many temporary names are tried when one is already taken (by a file,
/// folder or symlink someone else put there).
const TEMP_NAMES: usize = 16;

/// The temporary files [`replace_file`] makes end in this (and start with a
/// dot), so a listing of the folder can leave them out.
pub const TEMP_SUFFIX: &str = ".tmp";

/// Replaces `target` with `bytes` so that a crash at any moment leaves the old
/// file or the new one, never a mix: a temporary file in the same folder,
/// created new (never through something already there: another name is
/// tried), written and synced through `disk`, renamed over the target, then
/// the folder synced. Every file gloss rewrites (notes, review state, caches,
/// the mirror) goes through here.
pub fn replace_file(disk: &dyn Disk, target: &Path, bytes: &[u8]) -> Result<(), ReplaceError> {
    let fail = |action, path: &Path| {
        let path = path.to_path_buf();
        move |source| ReplaceError {
            action,
            path,
            source,
        }
    };
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let folder = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let pid = std::process::id();
    let mut attempt = 0;
    let temp = loop {
        let temp = if attempt == 0 {
            folder.join(format!(".{name}.{pid}{TEMP_SUFFIX}"))
        } else {
            folder.join(format!(".{name}.{pid}-{attempt}{TEMP_SUFFIX}"))
        };
        match disk.write_new(&temp, bytes) {
            Ok(()) => break temp,
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempt + 1 < TEMP_NAMES => {
                attempt += 1;
            }
            Err(e) => {
                if e.kind() != io::ErrorKind::AlreadyExists {
                    let _ = fs::remove_file(&temp);
                }
                return Err(fail("write", &temp)(e));
            }
        }
    };
    if let Err(e) = fs::rename(&temp, target) {
        let _ = fs::remove_file(&temp);
        return Err(fail("replace", target)(e));
    }
    sync_folder(folder).map_err(fail("sync", folder))
}

/// Takes the exclusive lock of lock file `path` (made when missing), held
/// until the returned file is dropped: how the notes store and the review
/// state keep two processes (or a save and a fold) from writing at once.
pub fn lock_file(path: &Path) -> Result<fs::File, ReplaceError> {
    let fail = |action| {
        let path = path.to_path_buf();
        move |source| ReplaceError {
            action,
            path,
            source,
        }
    };
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .map_err(fail("open"))?;
    file.lock().map_err(fail("lock"))?;
    Ok(file)
}

/// Syncs a folder's entries (renames, new and removed files) to the device.
#[cfg(unix)]
pub fn sync_folder(folder: &Path) -> io::Result<()> {
    fs::File::open(folder)?.sync_all()
}

/// Nothing to sync on this system.
#[cfg(not(unix))]
pub fn sync_folder(_folder: &Path) -> io::Result<()> {
    Ok(())
}
