//! The article gloss starts on (`gloss FILE`, `gloss open FILE`), read and
//! its first screen parsed on a thread of its own while the list, the
//! session and the terminal are set up on the main one: the two halves of
//! the start-up overlap, so the first screen comes about a millisecond
//! sooner on a two-core machine (see docs/benchmarks.md).

use std::sync::Mutex;
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::thread;
use std::time::{Duration, Instant};

use super::{FromDisk, ReadArticle};
use crate::document::ParseOptions;
use crate::library::{Loaded, Source};

/// Which article the read-ahead thread reads, and where its result comes:
/// sent before the thread ends, so the open does not wait for the thread's
/// own teardown (a join took about 0.2 ms after the result was ready).
type Reading = (Source, Receiver<Result<Loaded, String>>);

/// How long the open asks again and again for the read-ahead's result
/// before it sleeps until the result comes. The result is usually a
/// fraction of a millisecond away; a thread put to sleep is woken up that
/// much later again on a virtual machine whose other core has gone idle.
const ASK_AGAIN_FOR: Duration = Duration::from_millis(2);

/// Reads articles from disk, the first one from a read begun at start.
pub struct ReadAhead {
    disk: FromDisk,
    /// The article read ahead and its reading thread, until it is asked for.
    first: Mutex<Option<Reading>>,
}

impl ReadAhead {
    /// Starts reading `source` (within `max_size` bytes) and parsing its
    /// first screen with `options`, and returns at once. A book is left to
    /// the open, which reads it from the copy the command line's check
    /// kept; when no thread can be started the open reads it as usual.
    pub fn start(source: Source, max_size: u64, options: ParseOptions) -> Self {
        let disk = FromDisk { max_size };
        let first = match &source {
            Source::File(path)
                if !path
                    .extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case(crate::document::epub::EXTENSION)) =>
            {
                let read = source.clone();
                let (send, receive) = mpsc::sync_channel(1);
                thread::Builder::new()
                    .name("gloss-read-ahead".into())
                    .spawn(move || {
                        let loaded = disk.load(&read);
                        if let Ok(loaded) = &loaded {
                            loaded.parse_ahead(options);
                        }
                        // The open may have read the file itself by now.
                        let _ = send.send(loaded);
                    })
                    .ok()
                    .map(|_| (source, receive))
            }
            _ => None,
        };
        Self {
            disk,
            first: Mutex::new(first),
        }
    }
}

impl ReadArticle for ReadAhead {
    /// The read begun at start for its article, the first time it is asked
    /// for (a later open reads the file again, and sees any change); the
    /// disk for anything else, or when the read ahead's thread failed.
    fn load(&self, source: &Source) -> Result<Loaded, String> {
        let first = self
            .first
            .lock()
            .ok()
            .and_then(|mut first| first.take_if(|(read, _)| read == source));
        if let Some(read) = first.and_then(|(_, result)| wait_for(&result)) {
            return read;
        }
        self.disk.load(source)
    }
}

/// The read-ahead's result, asked for again and again for a moment (the
/// other thread is usually about to send it; see [`ASK_AGAIN_FOR`]), then
/// waited for; `None` when the thread ended without one (it panicked).
fn wait_for(result: &Receiver<Result<Loaded, String>>) -> Option<Result<Loaded, String>> {
    let until = Instant::now() + ASK_AGAIN_FOR;
    loop {
        match result.try_recv() {
            Ok(read) => return Some(read),
            Err(TryRecvError::Disconnected) => return None,
            // Yielding, not spinning: on one free core the reading thread
            // gets it.
            Err(TryRecvError::Empty) if Instant::now() < until => thread::yield_now(),
            Err(TryRecvError::Empty) => return result.recv().ok(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Format;

    fn options() -> ParseOptions {
        ParseOptions {
            repair_page_breaks: true,
        }
    }

    /// A Markdown file longer than the head read before the first screen.
    fn long_article(dir: &std::path::Path) -> std::path::PathBuf {
        let path = dir.join("long.md");
        let mut text = String::from("# Read ahead\n\n");
        for i in 0..20_000 {
            text.push_str(&format!(
                "Paragraph {i} of a long article about harbours.\n\n"
            ));
        }
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn the_first_open_gets_the_document_a_plain_read_would_give() {
        let dir = tempfile::tempdir().unwrap();
        let source = Source::File(long_article(dir.path()));
        let ahead = ReadAhead::start(source.clone(), u64::MAX, options());
        let (doc, lossy) = ahead
            .load(&source)
            .unwrap()
            .document_noting_lossy(options());
        let (plain, plain_lossy) = FromDisk { max_size: u64::MAX }
            .load(&source)
            .unwrap()
            .document_noting_lossy(options());
        assert_eq!(doc.text(), plain.text());
        assert_eq!(doc.blocks(), plain.blocks());
        assert_eq!(doc.meta(), plain.meta());
        assert_eq!(doc.is_head_only(), plain.is_head_only());
        assert_eq!(lossy, plain_lossy);
    }

    #[test]
    fn a_second_open_reads_the_file_again_and_sees_it_changed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("short.md");
        std::fs::write(&path, "# Before\n\nText.\n").unwrap();
        let source = Source::File(path.clone());
        let ahead = ReadAhead::start(source.clone(), u64::MAX, options());
        let first = ahead.load(&source).unwrap();
        assert!(first.text.contains("Before"));
        std::fs::write(&path, "# After\n\nText.\n").unwrap();
        let again = ahead.load(&source).unwrap();
        assert!(again.text.contains("After"), "{}", again.text);
        let doc = again.document(options());
        assert_eq!(doc.meta().title.as_deref(), Some("After"));
    }

    #[test]
    fn another_article_is_read_from_disk_and_the_first_still_waits() {
        let dir = tempfile::tempdir().unwrap();
        let first = dir.path().join("first.md");
        let other = dir.path().join("other.txt");
        std::fs::write(&first, "# First\n\nText.\n").unwrap();
        std::fs::write(&other, "Other text.\n").unwrap();
        let ahead = ReadAhead::start(Source::File(first.clone()), u64::MAX, options());
        let read = ahead.load(&Source::File(other)).unwrap();
        assert_eq!(read.format, Format::Plain);
        assert!(read.text.contains("Other"));
        let read = ahead.load(&Source::File(first)).unwrap();
        assert!(read.text.contains("First"));
    }

    #[test]
    fn a_document_parsed_ahead_is_not_given_for_other_options_or_once_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let source = Source::File(long_article(dir.path()));
        let loaded = FromDisk { max_size: u64::MAX }.load(&source).unwrap();
        loaded.parse_ahead(options());
        let other = ParseOptions {
            repair_page_breaks: false,
        };
        assert!(loaded.parsed_ahead.is_waiting());
        // Taken by neither: other options, and the copy read whole.
        let _ = loaded.document(other);
        let whole = loaded.clone().read_whole().unwrap();
        let _ = whole.document(options());
        assert!(loaded.parsed_ahead.is_waiting());
        // Taken once, by the same options.
        let taken = loaded.document(options());
        assert!(taken.is_head_only());
        assert!(!loaded.parsed_ahead.is_waiting());
    }
}
