//! The session's side of the daily review: building today's queue (the
//! notes, the review files and, for context, the articles themselves) off
//! the event loop's thread, so `D` never freezes the screen on a large
//! library; saving answers and notes, and opening a highlight's article.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::jobs::Job;
use super::{FromDisk, ReadArticle, Session};
use crate::annotations::Store;
use crate::annotations::{Op, locate, text_to_path};
use crate::app::review::{ReviewEffect, ReviewItem};
use crate::app::{ArticleId, Effect};
use crate::commands::read_all;
use crate::config::ReviewConfig;
use crate::document::ParseOptions;
use crate::library::{self, Source, store_path};
use crate::review::context::around;
use crate::review::queue::{Candidate, Due, due_today};
use crate::review::{ReviewStore, today};

/// Counting today's queue off the event loop (the list shows the number).
pub(super) struct CountDue {
    data_dir: PathBuf,
    config: ReviewConfig,
    today: NaiveDate,
}

impl Job for CountDue {
    type Output = Option<usize>;
    fn run(self) -> Option<usize> {
        let store = Store::new(&self.data_dir);
        build(&store, &self.data_dir, &self.config, self.today)
            .ok()
            .map(|b| b.due.len())
    }
}

/// Building today's review (`D`): the queue, and each highlight's context
/// read from its article.
pub(super) struct StartReview {
    data_dir: PathBuf,
    config: ReviewConfig,
    today: NaiveDate,
    /// The library's articles by stored path (a sample is no file).
    articles: Vec<(PathBuf, Source)>,
    options: ParseOptions,
    max_size: u64,
}

/// The review's items and how many files could not be read, or why there
/// is no queue; with the day it was built for.
pub(super) type Started = (NaiveDate, Result<(Vec<ReviewItem>, usize), String>);

impl Job for StartReview {
    type Output = Started;
    fn run(self) -> Started {
        let store = Store::new(&self.data_dir);
        let built = build(&store, &self.data_dir, &self.config, self.today).map(|built| {
            let reader = FromDisk {
                max_size: self.max_size,
            };
            let items = built
                .due
                .into_iter()
                .map(|due| with_context(due, &self.articles, &reader, self.options))
                .collect();
            (items, built.unreadable)
        });
        (self.today, built)
    }
}

/// Today's queue from the notes and the review files of `data_dir`.
fn build(
    store: &Store,
    data_dir: &Path,
    config: &ReviewConfig,
    day: NaiveDate,
) -> Result<Built, String> {
    let stored = read_all(store).map_err(|e| format!("cannot read the notes: {e}"))?;
    let cards = ReviewStore::new(data_dir)
        .load_all()
        .map_err(|e| format!("cannot read the review state: {e}"))?;
    let candidates = stored.files.iter().flat_map(|(notes, file)| {
        file.highlights.iter().map(move |h| Candidate {
            notes: notes.as_path(),
            article: &file.article,
            highlight: h,
        })
    });
    let due = due_today(candidates, &cards.cards, config, day);
    Ok(Built {
        due,
        unreadable: stored.unreadable.len() + cards.unreadable.len(),
    })
}

/// Today's queue with what could not be read.
struct Built {
    due: Vec<Due>,
    unreadable: usize,
}

impl Session {
    /// Carries out one of the review's effects.
    pub(super) fn review(&mut self, effect: ReviewEffect) -> Vec<Effect> {
        match effect {
            ReviewEffect::Start => {
                self.reviewing.spawn(StartReview {
                    data_dir: self.data_dir.clone(),
                    config: self.app.config.review.clone(),
                    today: today(self.app.clock.now()),
                    articles: self
                        .app
                        .list
                        .articles
                        .iter()
                        .map(|a| (store_path(&a.source), a.source.clone()))
                        .collect(),
                    options: self.options,
                    max_size: self.app.config.reader.max_file_size(),
                });
                Vec::new()
            }
            ReviewEffect::Answer {
                notes,
                article,
                highlight,
                card,
            } => {
                let store = ReviewStore::new(&self.data_dir);
                if let Err(e) =
                    store.save(&notes, &article.title, &article.path, &[(highlight, card)])
                {
                    self.app.error(format!(
                        "the answer was not saved (the highlight stays due): {e}"
                    ));
                }
                Vec::new()
            }
            ReviewEffect::SaveHighlight {
                notes,
                article,
                highlight,
            } => {
                match self
                    .store
                    .apply(Some(&notes), &article, &[Op::Upsert(highlight)])
                {
                    Ok(saved) => {
                        self.mirror.saved(&saved.content);
                        let open = self
                            .app
                            .reader
                            .as_ref()
                            .filter(|r| r.notes.file.as_deref() == Some(notes.as_path()))
                            .map(|r| r.article);
                        if let Some(open) = open {
                            self.app.saved(open, saved);
                        }
                    }
                    Err(e) => {
                        let (reason, detail) = super::reason_first(&e);
                        self.app
                            .error(format!("{reason}: the note was not saved ({detail})"));
                    }
                }
                Vec::new()
            }
            ReviewEffect::Open { path, highlight } => {
                let file = text_to_path(&path);
                let Some(index) = self.article_for(&file) else {
                    return Vec::new();
                };
                self.app.list.select_article(index.0);
                let effects = self.open_placed(index.0);
                self.app.land_on_highlight(&highlight);
                effects
            }
        }
    }

    /// Starts counting today's queue for the list's status line, in the
    /// background: it reads every notes file.
    pub fn count_due(&mut self) {
        self.counting.spawn(CountDue {
            data_dir: self.data_dir.clone(),
            config: self.app.config.review.clone(),
            today: today(self.app.clock.now()),
        });
    }

    /// Takes the count when it is done.
    pub(super) fn take_count(&mut self) {
        // A review started meanwhile knows better (it counts its answers).
        if let Some(count) = self.counting.take().flatten()
            && self.app.review_due.is_none()
        {
            self.app.review_due = Some(count);
        }
    }

    /// Opens the review built in the background (or says why there is
    /// none); its count is today's due count too.
    pub(super) fn take_review(&mut self) {
        match self.reviewing.take() {
            Some((day, Ok((items, unreadable)))) => self.app.show_review(items, day, unreadable),
            Some((_, Err(message))) => self.app.error(message),
            None => {}
        }
    }

    /// The library's entry for the article at `file`, added for this
    /// session when the library does not hold it.
    fn article_for(&mut self, file: &Path) -> Option<ArticleId> {
        if let Some(i) = self
            .app
            .list
            .articles
            .iter()
            .position(|a| store_path(&a.source) == file)
        {
            return Some(ArticleId(i));
        }
        match library::article_at(file, self.app.config.reader.max_file_size()) {
            Ok(article) => Some(self.app.add_article(article)),
            Err(message) => {
                self.app.error(message);
                None
            }
        }
    }
}

/// The text around the highlight: from its article when it can be read and
/// the passage found in it, else the stored prefix and suffix.
fn with_context(
    due: Due,
    articles: &[(PathBuf, Source)],
    reader: &dyn ReadArticle,
    options: ParseOptions,
) -> ReviewItem {
    let file = text_to_path(&due.article.path);
    let source = articles
        .iter()
        .find(|(path, _)| *path == file)
        .map_or_else(|| Source::File(file.clone()), |(_, source)| source.clone());
    let found = reader.load(&source).ok().and_then(|loaded| {
        let mut doc = loaded.document(options);
        doc.ensure_complete();
        let range = locate(doc.text(), &due.highlight.anchor)?;
        Some(around(doc.text(), range))
    });
    match found {
        Some((before, after)) => ReviewItem {
            due,
            before,
            after,
            from_article: true,
        },
        None => {
            let squash = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
            ReviewItem {
                before: squash(&due.highlight.anchor.prefix),
                after: squash(&due.highlight.anchor.suffix),
                due,
                from_article: false,
            }
        }
    }
}
