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

/// The system clock moved to another day, for testing the daily review by
/// hand and end to end (the review's days come from the clock): debug builds
/// honour `GLOSS_TODAY=YYYY-MM-DD`, release builds never read it. The time
/// of day is the real one; ids are real ULIDs.
#[derive(Debug, Clone, Copy)]
pub struct ShiftedClock {
    /// The day it is on.
    pub day: chrono::NaiveDate,
}

impl ShiftedClock {
    /// The clock `GLOSS_TODAY` asks for, in a debug build; `None` otherwise
    /// (or when the variable is not a date).
    pub fn from_env() -> Option<Self> {
        if !cfg!(debug_assertions) {
            return None;
        }
        let text = std::env::var("GLOSS_TODAY").ok()?;
        let day = chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()?;
        Some(Self { day })
    }
}

impl Clock for ShiftedClock {
    fn now(&mut self) -> DateTime<Utc> {
        use chrono::TimeZone;
        let time = chrono::Local::now().time();
        chrono::Local
            .from_local_datetime(&self.day.and_time(time))
            .earliest()
            .map_or_else(
                || Utc.from_utc_datetime(&self.day.and_time(time)),
                |t| t.with_timezone(&Utc),
            )
    }

    fn new_id(&mut self) -> String {
        ulid::Ulid::new().to_string()
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
    fn a_shifted_clock_is_on_its_day() {
        let day = chrono::NaiveDate::from_ymd_opt(2031, 7, 14).unwrap();
        let mut clock = ShiftedClock { day };
        assert_eq!(crate::review::today(clock.now()), day);
    }

    #[test]
    fn system_ids_are_distinct_ulids() {
        let mut clock = SystemClock;
        let (a, b) = (clock.new_id(), clock.new_id());
        assert_ne!(a, b);
        assert!(a.parse::<ulid::Ulid>().is_ok());
    }
}
