//! A long article opened from its first part: the first screen is parsed
//! from the head of the file while the rest is still unread, so opening a
//! 5 MB article costs what its first screen costs, as it does in a pager.
//!
//! The document layer reads no files: whoever opened the file hands over a
//! [`Remainder`] that reads the rest when asked (once, shared by every copy
//! of the document). The head's document is used only while it is exactly
//! what the whole text would give (see `parse::from_head`); when the rest
//! is needed it is swapped for the whole one, which extends it offset for
//! offset.

use std::fmt;
use std::sync::Arc;

/// The whole text of an article opened from its head, decoded as a whole
/// read would decode it.
#[derive(Debug, Clone)]
pub struct Whole {
    /// The text, head and rest.
    pub text: Arc<String>,
    /// True when invalid UTF-8 was replaced anywhere in it.
    pub lossy: bool,
}

/// The unread rest of an article opened from its head.
pub trait Remainder: Send + Sync + fmt::Debug {
    /// The whole text, read and decoded on the first call and kept (every
    /// later call, from any thread, gets the same result). The error, when
    /// the rest cannot be read or the file changed since its head was read,
    /// is a reason for the status bar.
    fn whole(&self) -> Result<&Whole, String>;

    /// About the last `bytes` of the file decoded (a character cut at the
    /// start dropped), for a provisional view of the end before the rest
    /// is read; `None` when they cannot be read.
    fn last(&self, bytes: usize) -> Option<String>;

    /// The file's size in bytes, for progress estimates.
    fn len(&self) -> usize;

    /// True when the file is empty (never, for a file opened from a head).
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Whether two remainders are the same one (the same open file): a
/// document parsed from the whole text then extends one parsed from the
/// head.
pub(super) fn same(a: &Arc<dyn Remainder>, b: &Arc<dyn Remainder>) -> bool {
    std::ptr::addr_eq(Arc::as_ptr(a), Arc::as_ptr(b))
}
