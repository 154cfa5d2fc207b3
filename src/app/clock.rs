//! Where the app gets the time and the ids of new highlights. `update` never
//! reads the system clock or a random source itself: the runtime hands in a
//! [`SystemClock`], and tests hand in a [`FixedClock`] so that the same keys
//! always give the same state.

use chrono::{DateTime, Utc};

/// A source of timestamps and new highlight ids.
pub trait Clock: std::fmt::Debug + Send {
    /// The time to stamp a change with.
    fn now(&mut self) -> DateTime<Utc>;
    /// A new, unique highlight id (a ULID in the running app).
    fn new_id(&mut self) -> String;
}

/// The real clock and ULIDs, for the running app.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&mut self) -> DateTime<Utc> {
        Utc::now()
    }

    fn new_id(&mut self) -> String {
        ulid::Ulid::new().to_string()
    }
}

/// A clock for tests: always the same time, and ids counting up from one
/// ("h0001", "h0002"...), so states and snapshots are reproducible.
#[derive(Debug, Clone)]
pub struct FixedClock {
    /// The time every change is stamped with.
    pub at: DateTime<Utc>,
    /// How many ids were handed out.
    pub issued: u32,
}

impl FixedClock {
    /// A clock stopped at `at`.
    pub fn new(at: DateTime<Utc>) -> Self {
        Self { at, issued: 0 }
    }
}

impl Clock for FixedClock {
    fn now(&mut self) -> DateTime<Utc> {
        self.at
    }

    fn new_id(&mut self) -> String {
        self.issued += 1;
        format!("h{:04}", self.issued)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_clock_repeats_its_time_and_counts_ids() {
        let at = DateTime::<Utc>::UNIX_EPOCH;
        let mut clock = FixedClock::new(at);
        assert_eq!(clock.now(), at);
        assert_eq!(clock.new_id(), "h0001");
        assert_eq!(clock.new_id(), "h0002");
        assert_eq!(clock.now(), at);
    }

    #[test]
    fn system_ids_are_distinct_ulids() {
        let mut clock = SystemClock;
        let (a, b) = (clock.new_id(), clock.new_id());
        assert_ne!(a, b);
        assert!(a.parse::<ulid::Ulid>().is_ok());
    }
}
