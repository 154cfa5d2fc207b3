//! One highlight's place in the review schedule and how an answer moves it,
//! by FSRS (the Free Spaced Repetition Scheduler, the algorithm Anki ships)
//! through the small pure-Rust `rs-fsrs` crate. Days are whole calendar days:
//! the long-term scheduler is used, so the next review is always at least a
//! day away and a highlight never comes back twice on the same day.

use chrono::{DateTime, Days, NaiveDate, Utc};
use rs_fsrs::{FSRS, Parameters, Rating, State};
use serde::{Deserialize, Serialize};

/// What the reader said about a highlight. The first four are FSRS's grades;
/// the plain words the review shows for them are in [`Answer::plain`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    /// Forgotten or wanted back soon: tomorrow, or a day or two.
    Again,
    /// Remembered with effort: sooner than "good".
    Hard,
    /// Remembered: the normal next interval.
    Good,
    /// Obvious now: a longer interval.
    Easy,
    /// Never show this highlight in the review again.
    Never,
}

impl Answer {
    /// The answers in key order (1 to 4, then never).
    pub const ALL: [Answer; 5] = [
        Answer::Again,
        Answer::Hard,
        Answer::Good,
        Answer::Easy,
        Answer::Never,
    ];

    /// The FSRS name of the answer, as written in the review files.
    pub fn name(self) -> &'static str {
        match self {
            Answer::Again => "again",
            Answer::Hard => "hard",
            Answer::Good => "good",
            Answer::Easy => "easy",
            Answer::Never => "never",
        }
    }

    /// The plain word for readers who would rather not grade themselves:
    /// again = soon, hard = keep close, good = keep, easy = later.
    pub fn plain(self) -> &'static str {
        match self {
            Answer::Again => "soon",
            Answer::Hard => "keep close",
            Answer::Good => "keep",
            Answer::Easy => "later",
            Answer::Never => "never",
        }
    }

    fn rating(self) -> Option<Rating> {
        match self {
            Answer::Again => Some(Rating::Again),
            Answer::Hard => Some(Rating::Hard),
            Answer::Good => Some(Rating::Good),
            Answer::Easy => Some(Rating::Easy),
            Answer::Never => None,
        }
    }
}

/// The review state of one highlight, as stored in its article's review
/// file. A highlight without one has never been reviewed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Card {
    /// The day it is due again.
    pub due: NaiveDate,
    /// FSRS stability: days until recall drops to 90%.
    pub stability: f64,
    /// FSRS difficulty, 1 to 10.
    pub difficulty: f64,
    /// Times reviewed.
    pub reps: u32,
    /// Times answered "again" after the first review.
    pub lapses: u32,
    /// The last answer.
    pub answer: Answer,
    /// When it was last answered; the newer review wins when two copies of
    /// the file merge.
    pub reviewed: DateTime<Utc>,
}

impl Card {
    /// Whether the reader said "never": it stays out of the review.
    pub fn retired(&self) -> bool {
        self.answer == Answer::Never
    }
}

/// FSRS with its published default weights, whole-day intervals (no
/// same-day learning steps) and no random fuzz, so the same answers on the
/// same days always give the same dates.
fn fsrs() -> FSRS {
    FSRS::new(Parameters {
        enable_short_term: false,
        enable_fuzz: false,
        ..Parameters::default()
    })
}

/// The card after answering `answer` at `now` on the reader's day `today`,
/// given the card before (`None` for a first review).
pub fn schedule(
    previous: Option<&Card>,
    answer: Answer,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Card {
    let Some(rating) = answer.rating() else {
        let mut card = previous.cloned().unwrap_or(Card {
            due: today,
            stability: 0.0,
            difficulty: 0.0,
            reps: 0,
            lapses: 0,
            answer,
            reviewed: now,
        });
        card.answer = Answer::Never;
        card.reviewed = now;
        return card;
    };
    let before = match previous {
        // A card retired by "never" and brought back starts again.
        Some(card) if !card.retired() && card.reps > 0 => rs_fsrs::Card {
            due: now,
            stability: card.stability,
            difficulty: card.difficulty,
            elapsed_days: 0,
            scheduled_days: 0,
            reps: i32::try_from(card.reps).unwrap_or(i32::MAX),
            lapses: i32::try_from(card.lapses).unwrap_or(i32::MAX),
            state: State::Review,
            last_review: card.reviewed,
        },
        _ => rs_fsrs::Card {
            due: now,
            last_review: now,
            ..rs_fsrs::Card::default()
        },
    };
    let after = fsrs().next(before, now, rating).card;
    let days = u64::try_from(after.scheduled_days.max(1)).unwrap_or(1);
    Card {
        due: today.checked_add_days(Days::new(days)).unwrap_or(today),
        stability: after.stability,
        difficulty: after.difficulty,
        reps: u32::try_from(after.reps).unwrap_or(0),
        lapses: u32::try_from(after.lapses).unwrap_or(0),
        answer,
        reviewed: now,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn day(d: u32) -> (DateTime<Utc>, NaiveDate) {
        let now = Utc.with_ymd_and_hms(2026, 3, d, 12, 0, 0).unwrap();
        (now, now.date_naive())
    }

    #[test]
    fn a_first_answer_sets_the_next_day_further_out_for_better_answers() {
        let (now, today) = day(1);
        let due: Vec<NaiveDate> = [Answer::Again, Answer::Hard, Answer::Good, Answer::Easy]
            .into_iter()
            .map(|a| schedule(None, a, now, today).due)
            .collect();
        assert!(due[0] > today, "again is never today: {due:?}");
        assert!(
            due.windows(2).all(|w| w[0] < w[1]),
            "again < hard < good < easy: {due:?}"
        );
    }

    #[test]
    fn good_answers_on_their_due_days_spread_the_reviews_out() {
        let (now, today) = day(1);
        let mut card = schedule(None, Answer::Good, now, today);
        let mut gaps = Vec::new();
        let mut at = today;
        for _ in 0..4 {
            let next = card.due;
            gaps.push((next - at).num_days());
            at = next;
            let now = Utc.from_utc_datetime(&next.and_hms_opt(12, 0, 0).unwrap());
            card = schedule(Some(&card), Answer::Good, now, next);
        }
        assert!(gaps.windows(2).all(|w| w[0] < w[1]), "gaps grow: {gaps:?}");
        assert_eq!(card.reps, 5);
        assert_eq!(card.lapses, 0);
    }

    #[test]
    fn again_after_a_long_interval_brings_it_back_soon_and_counts_a_lapse() {
        let (now, today) = day(1);
        let card = schedule(None, Answer::Easy, now, today);
        let later = card.due;
        let now = Utc.from_utc_datetime(&later.and_hms_opt(9, 0, 0).unwrap());
        let forgot = schedule(Some(&card), Answer::Again, now, later);
        assert!(forgot.due > later);
        assert!((forgot.due - later) < (later - today), "{forgot:?}");
        assert_eq!(forgot.lapses, 1);
    }

    #[test]
    fn never_retires_the_card_and_keeps_its_history() {
        let (now, today) = day(1);
        let card = schedule(None, Answer::Good, now, today);
        let (later, next) = day(5);
        let retired = schedule(Some(&card), Answer::Never, later, next);
        assert!(retired.retired());
        assert_eq!(retired.reps, card.reps);
        assert_eq!(retired.reviewed, later);
    }
}
