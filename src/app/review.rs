//! The daily review as app state: the queue of highlights due today, shown
//! one at a time, and what each key does to it. The session builds the queue
//! (reading the notes, the review files and the articles for context) and
//! saves the answers; this module only decides, so the whole review can be
//! driven in tests with a fixed clock and simulated days.

use std::path::PathBuf;

use chrono::NaiveDate;

use super::modes::{Mode, Msg, NoteEdit};
use super::note_editor::{NoteEditor, tags_from_note};
use super::{App, Effect, preview};
use crate::annotations::{ArticleRecord, Highlight, HighlightId};
use crate::keymap::{Action, Context};
use crate::review::queue::Due;
use crate::review::{Answer, Card, schedule};

/// One highlight of the queue, with the text around it.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewItem {
    /// The highlight, its article, its notes file and its card.
    pub due: Due,
    /// Text just before the quote (unsanitised: the ui sanitises).
    pub before: String,
    /// Text just after the quote.
    pub after: String,
    /// True when the context was read from the article; false when it is
    /// the prefix and suffix stored with the highlight.
    pub from_article: bool,
}

/// The review in progress.
#[derive(Debug, Clone, PartialEq)]
pub struct Review {
    /// What is left to show; the first is shown.
    pub queue: Vec<ReviewItem>,
    /// How many were in the queue when it opened.
    pub total: usize,
    /// Answered in this review.
    pub answered: usize,
    /// Skipped in this review (they stay due).
    pub skipped: usize,
    /// The reader's day the queue is for.
    pub today: NaiveDate,
}

impl Review {
    /// The highlight shown now.
    pub fn current(&self) -> Option<&ReviewItem> {
        self.queue.first()
    }
}

/// What the session does for the review: work that touches the disk.
#[derive(Debug, Clone, PartialEq)]
pub enum ReviewEffect {
    /// Build today's queue and call [`App::show_review`].
    Start,
    /// Save an answer into the review file beside `notes`.
    Answer {
        /// The notes file of the highlight's article.
        notes: PathBuf,
        /// The article, named in the review file.
        article: ArticleRecord,
        /// The highlight.
        highlight: HighlightId,
        /// Its new card.
        card: Card,
    },
    /// Save an edited highlight (its note) into the notes file `notes`.
    SaveHighlight {
        /// The notes file.
        notes: PathBuf,
        /// The article.
        article: ArticleRecord,
        /// The highlight as it now is.
        highlight: Highlight,
    },
    /// Open the article at the highlight.
    Open {
        /// The article's path as the notes file records it.
        path: String,
        /// The highlight to put the cursor on.
        highlight: HighlightId,
    },
}

impl App {
    /// Starts the daily review: any context can bind [`Action::Review`] to
    /// this, the session then builds the queue.
    pub fn start_review(&mut self) -> Vec<Effect> {
        // The session reads the notes and articles in the background; the
        // review opens when they are in.
        self.info("gathering today's review…");
        vec![Effect::Review(Box::new(ReviewEffect::Start))]
    }

    /// Shows today's queue (the session's answer to [`ReviewEffect::Start`]);
    /// an empty queue only says so.
    pub fn show_review(&mut self, items: Vec<ReviewItem>, today: NaiveDate, left_out: usize) {
        self.review_due = Some(items.len());
        if items.is_empty() {
            let note = if left_out > 0 {
                format!(" ({left_out} annotation file(s) could not be read)")
            } else {
                String::new()
            };
            self.info(format!("nothing to review today{note}"));
            return;
        }
        self.message = None;
        let total = items.len();
        let review = Review {
            queue: items,
            total,
            answered: 0,
            skipped: 0,
            today,
        };
        // The review opens over what was there and gives it back when it ends.
        self.open_over(Mode::Review(Box::new(review)));
    }

    /// The review, when it is open: taking the keys, or under the note
    /// editor or the help.
    pub fn review(&self) -> Option<&Review> {
        std::iter::once(&self.mode)
            .chain(self.under.iter().rev())
            .find_map(|mode| match mode {
                Mode::Review(review) => Some(&**review),
                _ => None,
            })
    }

    /// A key in the review.
    pub(super) fn on_review(&mut self, mut review: Box<Review>, msg: Msg) -> Vec<Effect> {
        let Msg::Action(action) = msg else {
            self.mode = Mode::Review(review);
            return Vec::new();
        };
        let answer = match action {
            Action::ReviewAgain => Some(Answer::Again),
            Action::ReviewHard => Some(Answer::Hard),
            Action::ReviewGood => Some(Answer::Good),
            Action::ReviewEasy => Some(Answer::Easy),
            Action::ReviewNever => Some(Answer::Never),
            _ => None,
        };
        if let Some(answer) = answer {
            return self.answer(review, answer);
        }
        match action {
            Action::ReviewSkip => {
                if !review.queue.is_empty() {
                    review.queue.remove(0);
                    review.skipped += 1;
                }
                self.info("skipped: it stays due");
                self.after_step(review);
                Vec::new()
            }
            Action::OpenArticle => {
                let Some(item) = review.current() else {
                    return Vec::new();
                };
                let effect = ReviewEffect::Open {
                    path: item.due.article.path.clone(),
                    highlight: item.due.highlight.id.clone(),
                };
                let left = review.queue.len();
                let d = self.key_or(Context::List, Action::Review, "D");
                self.info(format!("{left} left to review today: {d} goes on"));
                // The review closes; what is left stays due for the next one.
                vec![Effect::Review(Box::new(effect))]
            }
            Action::Annotate => {
                let Some(item) = review.current() else {
                    self.mode = Mode::Review(review);
                    return Vec::new();
                };
                let h = &item.due.highlight;
                let editor = NoteEditor::new(&preview(&h.anchor.quote), &h.note);
                let id = h.id.clone();
                self.mode = Mode::Review(review);
                self.open_over(Mode::Note(Box::new(NoteEdit {
                    editor,
                    highlight: id,
                    made_for_note: false,
                })));
                Vec::new()
            }
            Action::Help => {
                self.mode = Mode::Review(review);
                self.open_over(Mode::Help { scroll: 0 });
                Vec::new()
            }
            Action::Back => {
                self.end_review(&review);
                Vec::new()
            }
            Action::Quit => {
                self.end_review(&review);
                self.apply(Action::Quit)
            }
            _ => {
                self.mode = Mode::Review(review);
                Vec::new()
            }
        }
    }

    fn answer(&mut self, mut review: Box<Review>, answer: Answer) -> Vec<Effect> {
        if review.queue.is_empty() {
            self.after_step(review);
            return Vec::new();
        }
        let item = review.queue.remove(0);
        let now = self.clock.now();
        let card = schedule(item.due.card.as_ref(), answer, now, review.today);
        review.answered += 1;
        self.review_due = self.review_due.map(|n| n.saturating_sub(1));
        self.info(match answer {
            Answer::Never => "never again: it left the review".to_string(),
            _ => format!(
                "{} ({}): back on {}",
                answer.name(),
                answer.plain(),
                card.due.format("%a %-d %b")
            ),
        });
        let effect = ReviewEffect::Answer {
            notes: item.due.notes.clone(),
            article: item.due.article.clone(),
            highlight: item.due.highlight.id.clone(),
            card,
        };
        self.after_step(review);
        vec![Effect::Review(Box::new(effect))]
    }

    /// Shows the next highlight, or closes the review when none is left.
    fn after_step(&mut self, review: Box<Review>) {
        if review.queue.is_empty() {
            self.end_review(&review);
        } else {
            self.mode = Mode::Review(review);
        }
    }

    fn end_review(&mut self, review: &Review) {
        let skipped = if review.skipped > 0 {
            format!(", {} skipped (still due)", review.skipped)
        } else {
            String::new()
        };
        let left = review.queue.len();
        let left = if left > 0 {
            format!(", {left} left for later today")
        } else {
            String::new()
        };
        let summary = format!(
            "review: {} of {} answered{skipped}{left}",
            review.answered, review.total
        );
        // The last answer's message (when it is due again) stays in front.
        let text = match self.message.take() {
            Some(last) if !last.error => format!("{} · {summary}", last.text),
            _ => summary,
        };
        self.info(text);
    }

    /// Saves a note written in the editor over the review: the highlight in
    /// the queue changes, and its notes file is saved.
    pub(super) fn save_review_note(&mut self, id: &HighlightId, note: String) -> Vec<Effect> {
        let now = self.clock.now();
        let Some(Mode::Review(review)) = self.under.last_mut() else {
            return Vec::new();
        };
        let Some(item) = review.queue.iter_mut().find(|i| &i.due.highlight.id == id) else {
            return Vec::new();
        };
        let h = &mut item.due.highlight;
        h.tags = tags_from_note(&note);
        h.note = note;
        h.updated = now;
        let effect = ReviewEffect::SaveHighlight {
            notes: item.due.notes.clone(),
            article: item.due.article.clone(),
            highlight: h.clone(),
        };
        self.info("note saved");
        vec![Effect::Review(Box::new(effect))]
    }

    /// Whether the mode under the note editor is the review, so a saved
    /// note goes to the highlight shown there.
    pub(super) fn editing_from_review(&self) -> bool {
        matches!(self.under.last(), Some(Mode::Review(_)))
    }

    /// After the session opened a highlight's article: puts the cursor on
    /// the highlight when it is placed in the text.
    pub fn land_on_highlight(&mut self, id: &HighlightId) {
        let Some(reader) = &mut self.reader else {
            return;
        };
        match reader.notes.range_of(id) {
            Some(range) => {
                reader.reveal(range.start);
                reader.cursor_to(range.start);
            }
            None => self.info("this highlight could not be placed in the text: see the panel"),
        }
    }

    /// " · 3 to review (D)" for the list's status line, when any are due.
    pub fn review_status(&self) -> String {
        match self.review_due {
            Some(n) if n > 0 => {
                let d = self.key_or(Context::List, Action::Review, "D");
                format!(" · {n} to review today ({d})")
            }
            _ => String::new(),
        }
    }
}
