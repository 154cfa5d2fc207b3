//! The daily review: highlights come back to the reader on a schedule set by
//! a published spaced-repetition algorithm (FSRS, through the `rs-fsrs`
//! crate), a few a day.
//!
//! What is here has no terminal in it: [`card`] turns an answer into the next
//! due date, [`queue`] picks today's highlights (a daily limit, tags and
//! colours left out, new highlights from the day after they were made),
//! [`file`] is the review state of one article as written to TOML and how two
//! copies of it merge, and [`store`] keeps those files in
//! `<data dir>/review/`, written crash-safe like the notes. The day is always
//! passed in (see [`today`]), so tests move through simulated days.

pub mod card;
pub mod context;
pub mod file;
pub mod queue;
pub mod store;

pub use card::{Answer, Card, schedule};
pub use file::{REVIEW_VERSION, ReviewFile, merge};
pub use queue::{Candidate, due_today};
pub use store::{ReviewStore, ReviewStoreError};

use chrono::{DateTime, Local, NaiveDate, Utc};

/// The calendar day a moment falls on for the reader (their local time zone):
/// "due today" and "made yesterday" are about the reader's days, not UTC's.
pub fn today(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&Local).date_naive()
}
