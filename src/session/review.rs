//! The session's side of the daily review: building today's queue (the
//! notes, the review files and, for context, the articles themselves),
//! saving answers and notes, and opening a highlight's article.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::Session;
use super::jobs::Job;
use crate::annotations::Store;
use crate::annotations::{Op, locate, text_to_path};
use crate::app::review::{ReviewEffect, ReviewItem};
use crate::app::{ArticleId, Effect};
use crate::commands::read_all;
use crate::config::ReviewConfig;
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
                let day = today(self.app.clock.now());
                match self.build_queue() {
                    Ok(built) => {
                        let items = built
                            .due
                            .into_iter()
                            .map(|d| self.with_context(d))
                            .collect();
                        self.app.show_review(items, day, built.unreadable);
                    }
                    Err(message) => self.app.error(message),
                }
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
                let effects = self.open(index.0);
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

    fn build_queue(&mut self) -> Result<Built, String> {
        let day = today(self.app.clock.now());
        build(&self.store, &self.data_dir, &self.app.config.review, day)
    }

    /// The text around the highlight: from its article when it can be read
    /// and the passage found in it, else the stored prefix and suffix.
    fn with_context(&mut self, due: Due) -> ReviewItem {
        let file = text_to_path(&due.article.path);
        let source = self
            .app
            .list
            .articles
            .iter()
            .find(|a| store_path(&a.source) == file)
            .map_or_else(|| Source::File(file.clone()), |a| a.source.clone());
        let found = self.reader.load(&source).ok().and_then(|loaded| {
            let mut doc = loaded.document(self.options);
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
