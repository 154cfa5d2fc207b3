//! Background work, in the shape of gitui's `AsyncSingleJob`: each kind of
//! job has one [`SingleJob`] slot; a worker thread runs the newest job given
//! to it (a job queued behind a running one is replaced by a newer one, never
//! run after it), keeps its result for the owner to take, and sends a small
//! [`Notice`] on one channel so the event loop knows to look. Hashing and
//! parsing the rest of the open article use it; library scans and searches
//! will get slots of their own the same way.

use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};

/// Work that runs off the event loop's thread.
pub trait Job: Send + 'static {
    /// What the work produces.
    type Output: Send + 'static;
    /// Does the work.
    fn run(self) -> Self::Output;
}

/// Which kind of job finished: all the event loop needs to wake up and
/// collect the result from the right slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    /// The open article's fingerprint was computed.
    Hashed,
    /// The rest of the open article was parsed.
    Parsed,
    /// Code blocks drawn plain were prepared for drawing in colour.
    CodePrepared,
    /// Every notes file was loaded for the all-notes view.
    AllNotes,
    /// The highlights due for review today were counted.
    Counted,
    /// The notes summaries shown at start were checked against the files.
    IndexChecked,
    /// The library scan handed over a batch of articles (or ended).
    Scanned,
    /// Files changed in a watched library folder.
    FilesChanged,
    /// A library search found more matches (they wait in its inbox).
    SearchFound,
    /// A library search ended.
    Searched,
    /// The mirror folder was brought in step after saves.
    Mirrored,
    /// Today's review queue was built (with each highlight's context).
    ReviewReady,
    /// A large web page's article was extracted for the reader.
    Extracted,
    /// A notes file's pending changes were folded into it.
    Folded,
    /// A large notes file was read and its highlights placed.
    NotesLoaded,
}

/// The channel every slot reports on, and its receiving end.
pub fn notices() -> (Sender<Notice>, Receiver<Notice>) {
    channel()
}

/// Shared between a slot and its worker.
struct Slot<J: Job> {
    pending: Option<J>,
    running: bool,
    last: Option<J::Output>,
    /// Jobs wait, none is started, until [`SingleJob::release`].
    held: bool,
}

/// One kind of background job: at most one runs at a time and only the
/// newest waiting one runs next.
pub struct SingleJob<J: Job> {
    slot: Arc<Mutex<Slot<J>>>,
    notice: Notice,
    sender: Sender<Notice>,
    /// Wakes the event loop after each notice (see `super::wake`).
    waker: super::wake::Waker,
    /// Workers run below the event loop's priority (see
    /// [`SingleJob::below_the_reader`]).
    yielding: bool,
}

impl<J: Job> SingleJob<J> {
    /// A slot that reports `notice` on `sender` when a job finishes.
    pub fn new(notice: Notice, sender: Sender<Notice>) -> Self {
        Self {
            slot: Arc::new(Mutex::new(Slot {
                pending: None,
                running: false,
                last: None,
                held: false,
            })),
            notice,
            sender,
            waker: super::wake::Waker::default(),
            yielding: false,
        }
    }

    /// The same slot, its workers running at a lower priority than the
    /// event loop: on two cores, the open article's hash and the parse of
    /// its rest then never delay a frame (a key pressed at once, `G`), and
    /// still take all the time the event loop leaves.
    pub fn below_the_reader(mut self) -> Self {
        self.yielding = true;
        self
    }

    /// The same slot, also waking the event loop through `waker` when a job
    /// finishes (so the loop need not look every few milliseconds).
    pub fn waking(mut self, waker: super::wake::Waker) -> Self {
        self.waker = waker;
        self
    }

    /// Queues `job`, replacing any job still waiting, and starts a worker if
    /// none is running. When no thread can be started the job runs here, so
    /// its result is never lost.
    pub fn spawn(&self, job: J) {
        {
            let mut slot = lock(&self.slot);
            slot.pending = Some(job);
            if slot.running || slot.held {
                return;
            }
            slot.running = true;
        }
        self.start_worker();
    }

    /// From now on a job given to [`SingleJob::spawn`] waits, and no worker
    /// starts, until [`SingleJob::release`]: so work that can wait does
    /// not take a core from the first frame.
    pub fn hold(&self) {
        lock(&self.slot).held = true;
    }

    /// Ends [`SingleJob::hold`]: the job waiting, if any, starts.
    pub fn release(&self) {
        {
            let mut slot = lock(&self.slot);
            if !slot.held {
                return;
            }
            slot.held = false;
            if slot.running || slot.pending.is_none() {
                return;
            }
            slot.running = true;
        }
        self.start_worker();
    }

    /// Starts a worker for the waiting job (the slot is marked running).
    fn start_worker(&self) {
        let slot = Arc::clone(&self.slot);
        let sender = self.sender.clone();
        let waker = self.waker.clone();
        let notice = self.notice;
        let yielding = self.yielding;
        let started = std::thread::Builder::new()
            .name("gloss-job".into())
            .spawn(move || {
                if yielding {
                    lower_priority();
                }
                work(&slot, &sender, &waker, notice)
            });
        if started.is_err() {
            work(&self.slot, &self.sender, &self.waker, self.notice);
        }
    }

    /// The result of the last finished job, once.
    pub fn take(&self) -> Option<J::Output> {
        lock(&self.slot).last.take()
    }

    /// True while a job runs or waits.
    pub fn is_busy(&self) -> bool {
        let slot = lock(&self.slot);
        slot.running || slot.pending.is_some()
    }
}

/// The worker: runs pending jobs until none is left.
fn work<J: Job>(
    slot: &Mutex<Slot<J>>,
    sender: &Sender<Notice>,
    waker: &super::wake::Waker,
    notice: Notice,
) {
    loop {
        let job = {
            let mut guard = lock(slot);
            match guard.pending.take() {
                Some(job) => job,
                None => {
                    guard.running = false;
                    return;
                }
            }
        };
        let output = job.run();
        lock(slot).last = Some(output);
        // The receiver is gone only when the session is being dropped.
        let _ = sender.send(notice);
        waker.wake();
    }
}

/// Lowers the calling thread's scheduling priority (on Linux a nice value
/// belongs to a thread); a failure leaves it as it was.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: gettid and setpriority take no pointers; `who` names this
    // thread only.
    unsafe {
        let tid = libc::gettid();
        let _ = libc::setpriority(libc::PRIO_PROCESS, tid as libc::id_t, 10);
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc::RecvTimeoutError;
    use std::time::Duration;

    use super::*;

    struct Double(u32, Option<Arc<std::sync::Barrier>>);

    impl Job for Double {
        type Output = u32;
        fn run(self) -> u32 {
            if let Some(b) = self.1 {
                b.wait();
                b.wait();
            }
            self.0 * 2
        }
    }

    #[test]
    fn a_result_comes_back_with_a_notice() {
        let (tx, rx) = notices();
        let job = SingleJob::new(Notice::Hashed, tx);
        job.spawn(Double(21, None));
        assert_eq!(rx.recv_timeout(Duration::from_secs(30)), Ok(Notice::Hashed));
        assert_eq!(job.take(), Some(42));
        assert_eq!(job.take(), None);
    }

    #[test]
    fn a_held_job_waits_for_its_release() {
        let (tx, rx) = notices();
        let job = SingleJob::new(Notice::Hashed, tx);
        job.hold();
        job.spawn(Double(1, None));
        job.spawn(Double(5, None));
        assert!(job.is_busy(), "it waits");
        assert_eq!(
            rx.recv_timeout(Duration::from_millis(200)),
            Err(RecvTimeoutError::Timeout)
        );
        job.release();
        assert_eq!(rx.recv_timeout(Duration::from_secs(30)), Ok(Notice::Hashed));
        assert_eq!(job.take(), Some(10), "only the newest ran");
        job.spawn(Double(7, None));
        assert_eq!(rx.recv_timeout(Duration::from_secs(30)), Ok(Notice::Hashed));
        assert_eq!(job.take(), Some(14), "released for good");
    }

    #[test]
    fn only_the_newest_waiting_job_runs() {
        let (tx, rx) = notices();
        let job = SingleJob::new(Notice::Hashed, tx);
        let gate = Arc::new(std::sync::Barrier::new(2));
        job.spawn(Double(1, Some(Arc::clone(&gate))));
        gate.wait(); // the first job is running
        job.spawn(Double(2, None));
        job.spawn(Double(3, None));
        gate.wait(); // let it finish
        let mut results = Vec::new();
        while results.last() != Some(&6) {
            match rx.recv_timeout(Duration::from_secs(30)) {
                Ok(_) => results.extend(job.take()),
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => break,
            }
        }
        assert!(
            !results.contains(&4),
            "the replaced job never ran: {results:?}"
        );
        assert_eq!(results.last(), Some(&6));
    }
}
