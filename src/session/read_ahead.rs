//! The article gloss starts on (`gloss FILE`, `gloss open FILE`), read and
//! its first screen parsed on a thread of its own while the list, the
//! session and the terminal are set up on the main one: the two halves of
//! the start-up overlap, so the first screen comes sooner on a two-core
//! machine (see docs/benchmarks.md). The thread is started before the
//! command line is read ([`ReadAheadThread`]), so it is usually running by
//! the time it is told what to read; when it is not running yet by the
//! time the open needs the article, the open reads it itself.

use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant};

use super::{FromDisk, ReadArticle};
use crate::document::ParseOptions;
use crate::library::{Loaded, Source};

/// What the read-ahead thread is told to do: read this article within
/// this size, and parse its first screen with these options.
type Job = (Source, FromDisk, ParseOptions);

/// How long a thread asks again and again for what the other gives (the
/// open for the read-ahead's article, the read-ahead thread for what to
/// read) before it sleeps until it comes. It is usually a fraction of a
/// millisecond away; a thread put to sleep is woken up that much later
/// again on a virtual machine whose other core has gone idle.
const ASK_AGAIN_FOR: Duration = Duration::from_millis(2);

/// Where the read-ahead stands: not told yet; told, the article waiting for
/// whoever takes it first (the thread, or the open when the thread has not
/// run yet); being read by the thread; read; or never to come (taken back,
/// the thread gone, or no article to read).
enum Told {
    Nothing,
    Read(Job),
    Taken,
    Done(Result<Loaded, String>),
    Closed,
}

/// The article handed to the read-ahead thread and back, and the wake-up
/// of whichever side waits.
struct Handoff {
    told: Mutex<Told>,
    woken: Condvar,
}

impl Handoff {
    fn new() -> Arc<Self> {
        Arc::new(Self {
            told: Mutex::new(Told::Nothing),
            woken: Condvar::new(),
        })
    }

    /// Puts `now` in place of what is there, waking the other side.
    fn set(&self, mut told: MutexGuard<'_, Told>, now: Told) {
        *told = now;
        self.woken.notify_all();
    }

    /// Waits for `take` to take what it waits for from the state: asked
    /// again and again for a moment (see [`ASK_AGAIN_FOR`]), then slept
    /// for. `take` answers `None` to wait on, `Some(None)` when what it
    /// waits for will never come.
    fn wait<T>(&self, mut take: impl FnMut(&mut Told) -> Option<Option<T>>) -> Option<T> {
        let until = Instant::now() + ASK_AGAIN_FOR;
        let mut told = self.told.lock().ok()?;
        loop {
            if let Some(taken) = take(&mut told) {
                self.woken.notify_all();
                return taken;
            }
            if Instant::now() < until {
                // Yielding, not spinning: on one free core the other
                // thread gets it.
                drop(told);
                thread::yield_now();
                told = self.told.lock().ok()?;
            } else {
                told = self.woken.wait(told).ok()?;
            }
        }
    }

    /// Hands the thread its article; `false` when it takes none (it was
    /// told already, or is gone).
    fn tell(&self, job: Job) -> bool {
        match self.told.lock() {
            Ok(told) if matches!(*told, Told::Nothing) => {
                self.set(told, Told::Read(job));
                true
            }
            _ => false,
        }
    }

    /// The thread's side: the article to read, once told; `None` when none
    /// is to come or the open took it back.
    fn next(&self) -> Option<Job> {
        self.wait(|told| match std::mem::replace(told, Told::Taken) {
            Told::Read(job) => Some(Some(job)),
            Told::Nothing => {
                *told = Told::Nothing;
                None
            }
            ended => {
                *told = ended;
                Some(None)
            }
        })
    }

    /// The thread's side: the article read.
    fn done(&self, read: Result<Loaded, String>) {
        if let Ok(told) = self.told.lock() {
            self.set(told, Told::Done(read));
        }
    }

    /// The open's side: the article to read itself, if the thread has not
    /// taken it yet (the thread then ends with nothing to do); else `None`
    /// and [`Handoff::read`] gives what the thread read.
    fn take_back(&self) -> Option<Job> {
        let mut told = self.told.lock().ok()?;
        match std::mem::replace(&mut *told, Told::Closed) {
            Told::Read(job) => {
                self.woken.notify_all();
                Some(job)
            }
            other => {
                *told = other;
                None
            }
        }
    }

    /// The open's side: what the thread read, waited for; `None` when the
    /// thread ended without it (it panicked).
    fn read(&self) -> Option<Result<Loaded, String>> {
        self.wait(|told| match std::mem::replace(told, Told::Closed) {
            Told::Done(read) => Some(Some(read)),
            Told::Taken => {
                *told = Told::Taken;
                None
            }
            _ => Some(None),
        })
    }
}

/// One side's hold on the hand-off: dropped, it says it is gone (the open
/// without telling the thread anything, the thread in a panic), so the
/// other side never waits for it.
struct Side(Arc<Handoff>);

impl Drop for Side {
    fn drop(&mut self) {
        if let Ok(told) = self.0.told.lock()
            && !matches!(*told, Told::Done(_))
        {
            self.0.set(told, Told::Closed);
        }
    }
}

/// The read-ahead's thread, started first thing and waiting for its
/// article. A thread started on this two-core virtual machine ran 0.1-1.5
/// ms later (the other core woken from idle), longer than the read-ahead
/// itself; started before the command line and the configuration are
/// read, it is usually running when told what to read. Dropped untold
/// (another command, a library, a book), it ends.
pub struct ReadAheadThread(Side);

impl ReadAheadThread {
    /// Starts the thread; `None` when no thread can be started (the open
    /// then reads the article itself).
    pub fn spawn() -> Option<Self> {
        let handoff = Handoff::new();
        let thread_side = Side(Arc::clone(&handoff));
        thread::Builder::new()
            .name("gloss-read-ahead".into())
            .spawn(move || {
                let Some((source, disk, options)) = thread_side.0.next() else {
                    return;
                };
                let loaded = disk.load(&source);
                if let Ok(loaded) = &loaded {
                    loaded.parse_ahead(options);
                }
                thread_side.0.done(loaded);
            })
            .ok()?;
        Some(Self(Side(handoff)))
    }

    fn handoff(&self) -> &Handoff {
        &self.0.0
    }
}

/// The article read ahead: which it is, and its thread.
struct Reading {
    source: Source,
    thread: ReadAheadThread,
}

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
        Self::start_on(ReadAheadThread::spawn(), source, max_size, options)
    }

    /// [`ReadAhead::start`] on a thread started earlier.
    pub fn start_on(
        thread: Option<ReadAheadThread>,
        source: Source,
        max_size: u64,
        options: ParseOptions,
    ) -> Self {
        let disk = FromDisk { max_size };
        let first = match (&source, thread) {
            (Source::File(path), Some(thread))
                if !path
                    .extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case(crate::document::epub::EXTENSION))
                    && thread.handoff().tell((source.clone(), disk, options)) =>
            {
                Some(Reading { source, thread })
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
    /// for (a later open reads the file again, and sees any change); read
    /// here when the thread has not begun it yet; the disk for anything
    /// else, or when the read-ahead's thread failed.
    fn load(&self, source: &Source) -> Result<Loaded, String> {
        let first = self
            .first
            .lock()
            .ok()
            .and_then(|mut first| first.take_if(|reading| reading.source == *source));
        if let Some(Reading { thread, .. }) = first
            && thread.handoff().take_back().is_none()
            && let Some(read) = thread.handoff().read()
        {
            return read;
        }
        self.disk.load(source)
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

    fn job(name: &str) -> Job {
        (
            Source::File(name.into()),
            FromDisk { max_size: u64::MAX },
            options(),
        )
    }

    #[test]
    fn an_article_the_thread_has_not_begun_is_taken_back_and_the_thread_ends() {
        let handoff = Handoff::new();
        assert!(handoff.tell(job("a.md")));
        let (source, _, _) = handoff.take_back().expect("still there");
        assert_eq!(source, Source::File("a.md".into()));
        // The thread, running late, finds nothing and ends.
        assert!(handoff.next().is_none());
        assert!(!handoff.tell(job("b.md")));
    }

    #[test]
    fn an_article_the_thread_took_is_not_taken_back() {
        let handoff = Handoff::new();
        assert!(handoff.tell(job("a.md")));
        assert!(handoff.next().is_some());
        assert!(handoff.take_back().is_none());
    }

    #[test]
    fn a_thread_never_told_what_to_read_ends() {
        let handoff = Handoff::new();
        let waiting = {
            let handoff = Arc::clone(&handoff);
            thread::spawn(move || handoff.next().is_none())
        };
        drop(Side(handoff));
        assert!(waiting.join().unwrap());
    }

    #[test]
    fn the_open_reads_the_article_itself_when_the_thread_never_ran() {
        let dir = tempfile::tempdir().unwrap();
        let source = Source::File(long_article(dir.path()));
        // A thread that never asks for its article: the open takes it back.
        let thread = ReadAheadThread(Side(Handoff::new()));
        let ahead = ReadAhead::start_on(Some(thread), source.clone(), u64::MAX, options());
        let read = ahead.load(&source).unwrap();
        let plain = FromDisk { max_size: u64::MAX }.load(&source).unwrap();
        assert_eq!(read.text, plain.text);
    }

    #[test]
    fn the_open_gets_what_the_thread_read_and_a_thread_gone_without_it_is_not_waited_for() {
        let handoff = Handoff::new();
        assert!(handoff.tell(job("a.md")));
        assert!(handoff.next().is_some());
        let reader = {
            let handoff = Arc::clone(&handoff);
            thread::spawn(move || handoff.read().map(|read| read.unwrap_err()))
        };
        handoff.done(Err("read".into()));
        assert_eq!(reader.join().unwrap().as_deref(), Some("read"));

        // A thread that panicked while reading: its side, dropped, says so.
        let handoff = Handoff::new();
        assert!(handoff.tell(job("a.md")));
        let thread_side = Side(Arc::clone(&handoff));
        assert!(thread_side.0.next().is_some());
        drop(thread_side);
        assert!(handoff.read().is_none());
    }
}
