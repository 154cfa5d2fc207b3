//! Waking the event loop as soon as background work reports, instead of
//! having it wake every few milliseconds to look: every job slot, the
//! library scan and the library search write one byte to a socket pair
//! after sending their notice, and the runtime waits on that socket and the
//! terminal together (poll(2)). A byte written after a notice is sent means
//! no notice is ever left unseen until the next idle tick.

#[cfg(unix)]
use std::io::{Read, Write};
#[cfg(unix)]
use std::os::unix::net::UnixStream;
use std::sync::Arc;

/// The sending side, cloned into every worker that reports.
#[derive(Clone, Default)]
pub struct Waker {
    #[cfg(unix)]
    write: Option<Arc<UnixStream>>,
    #[cfg(not(unix))]
    write: Option<Arc<()>>,
}

impl Waker {
    /// Wakes the loop waiting on the matching [`Wake`] (a no-op when there
    /// is none). A full socket already holds a wake-up, so that is fine too.
    pub fn wake(&self) {
        #[cfg(unix)]
        if let Some(write) = &self.write {
            let _ = (&**write).write(&[1]);
        }
    }
}

impl std::fmt::Debug for Waker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Waker").finish_non_exhaustive()
    }
}

/// The receiving side, which the event loop waits on.
pub struct Wake {
    #[cfg(unix)]
    read: UnixStream,
}

impl Wake {
    /// A wake-up socket and the waker that writes to it; `None` where the
    /// system gives none (the loop then looks at every tick, as before).
    pub fn new() -> Option<(Self, Waker)> {
        #[cfg(unix)]
        {
            let (read, write) = UnixStream::pair().ok()?;
            read.set_nonblocking(true).ok()?;
            write.set_nonblocking(true).ok()?;
            Some((
                Self { read },
                Waker {
                    write: Some(Arc::new(write)),
                },
            ))
        }
        #[cfg(not(unix))]
        {
            None
        }
    }

    /// The descriptor to poll for reading.
    #[cfg(unix)]
    pub fn fd(&self) -> std::os::fd::RawFd {
        use std::os::fd::AsRawFd;
        self.read.as_raw_fd()
    }

    /// Empties the socket; call before taking the notices, so a notice sent
    /// afterwards wakes the next wait.
    pub fn drain(&self) {
        #[cfg(unix)]
        {
            let mut buf = [0u8; 64];
            while matches!((&self.read).read(&mut buf), Ok(n) if n > 0) {}
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_wake_is_readable_until_drained() {
        let (wake, waker) = Wake::new().unwrap();
        let mut buf = [0u8; 1];
        assert!((&wake.read).read(&mut buf).is_err(), "nothing yet");
        waker.clone().wake();
        waker.wake();
        assert_eq!((&wake.read).read(&mut buf).unwrap(), 1);
        wake.drain();
        assert!((&wake.read).read(&mut buf).is_err(), "drained");
    }

    struct Answer;

    impl crate::session::jobs::Job for Answer {
        type Output = u32;
        fn run(self) -> u32 {
            42
        }
    }

    #[test]
    fn a_finished_job_wakes_the_loop_after_its_notice_is_sent() {
        let (wake, waker) = Wake::new().unwrap();
        let (tx, rx) = crate::session::jobs::notices();
        let job = crate::session::jobs::SingleJob::new(crate::session::jobs::Notice::Counted, tx)
            .waking(waker);
        job.spawn(Answer);
        // Blocks until the byte comes (the socket is made blocking for the
        // test), so no tick is needed to see the job finish.
        wake.read.set_nonblocking(false).unwrap();
        let mut buf = [0u8; 1];
        assert_eq!((&wake.read).read(&mut buf).unwrap(), 1);
        assert!(
            rx.try_recv().is_ok(),
            "the notice was there before the wake-up"
        );
        assert_eq!(job.take(), Some(42));
    }
}
