//! The session's side of the recovery file: what the last run left is given
//! back at start, the panic hook's snapshot is kept current, and at exit
//! whatever could not be saved is retried once and then kept in the file.

use std::io;
use std::path::PathBuf;

use super::errors::reason_first;
use super::{Session, record};
use crate::annotations::{ArticleRecord, Op, StoreError, text_to_path};
use crate::app::Unsaved;
use crate::library::store_path;
use crate::recovery::{self, Change, Draft, Pending, Recovery};

/// What [`Session::finish`] did with work that is not in a notes file.
#[derive(Debug)]
pub enum Kept {
    /// There was none.
    Nothing,
    /// It is in the recovery file.
    InRecovery {
        /// The file.
        path: PathBuf,
        /// Changes not saved.
        changes: usize,
        /// Notes being typed.
        drafts: usize,
    },
    /// The recovery file could not be written either (the reason, and what
    /// it would have held).
    Lost(io::Error, Recovery),
}

impl Session {
    /// Gives back what the last session kept in the recovery file: its
    /// changes are saved now (they were made and meant to be kept), and a note
    /// that was being typed is reopened in the editor when its article is
    /// opened (it was never confirmed, so it is not saved unasked).
    pub(super) fn recover(&mut self) {
        let found = match recovery::load(&self.data_dir) {
            Ok(Some(found)) => found,
            Ok(None) => return,
            Err(e) => {
                self.app.error(e.to_string());
                return;
            }
        };
        let mut saved = 0;
        let mut failed = None;
        let mut kept = Recovery {
            drafts: found.drafts,
            ..Recovery::default()
        };
        for pending in found.changes {
            let ops: Vec<Op> = pending.changes.iter().cloned().map(Op::from).collect();
            // Counted as the question at quit counted them: a reading
            // position is kept too, but is not one of the reader's changes.
            let changes = pending
                .changes
                .iter()
                .filter(|c| !matches!(c, recovery::Change::Position { .. }))
                .count();
            match self.apply_for(&pending.article, &ops) {
                Ok(()) => saved += changes,
                Err(e) => {
                    failed = Some(reason_first(&e).0);
                    kept.changes.push(pending);
                }
            }
        }
        let mut parts = Vec::new();
        if saved > 0 {
            parts.push(format!("{saved} change(s) from the last session saved"));
        }
        if let Some(draft) = kept.drafts.first() {
            parts.push(format!(
                "a note you were typing in \"{}\": open it to finish the note",
                draft.article.title
            ));
        }
        self.recovered = kept;
        self.snapshot_stale = true;
        if let Some(reason) = failed {
            self.last_save_error = Some(reason.clone());
            self.app.error(format!(
                "{reason}: {} recovered change(s) still not saved, kept in {}",
                self.recovered.change_count(),
                recovery::path(&self.data_dir).display()
            ));
        } else if !parts.is_empty() {
            self.app.info(format!("recovered: {}", parts.join("; ")));
        }
        if let Err(e) = recovery::store(&self.data_dir, &self.recovered) {
            self.app
                .error(format!("{e}: the recovery file could not be updated"));
        }
    }

    /// Saves `ops` into the notes file of the article `record` names (found by
    /// its path or its text's fingerprint, else a new file).
    fn apply_for(&self, record: &ArticleRecord, ops: &[Op]) -> Result<(), StoreError> {
        let found = self
            .store
            .find_article(&text_to_path(&record.path), record)?;
        self.store
            .apply(found.as_ref().map(|f| f.file.as_path()), record, ops)?;
        Ok(())
    }

    /// Everything not in a notes file right now, as the recovery file holds it.
    pub fn snapshot(&self) -> Recovery {
        let mut out = self.recovered.clone();
        if let (Some((editor, id)), Some(reader)) = (self.app.note_editor(), &self.app.reader)
            && editor.is_modified()
            && let Some(h) = reader.notes.highlights.iter().find(|h| h.id == id)
        {
            out.drafts.push(Draft {
                article: reader.notes.record.clone(),
                highlight: h.clone(),
                text: editor.text(),
            });
        }
        let mut groups: Vec<(usize, Pending)> = Vec::new();
        for (article, op) in &self.unsaved {
            let at = match groups.iter().position(|(a, _)| a == article) {
                Some(at) => at,
                None => {
                    let Some(record) = self.record_of(*article) else {
                        continue;
                    };
                    groups.push((
                        *article,
                        Pending {
                            article: record,
                            changes: Vec::new(),
                        },
                    ));
                    groups.len() - 1
                }
            };
            groups[at].1.changes.push(Change::from(op));
        }
        out.changes.extend(groups.into_iter().map(|(_, p)| p));
        out
    }

    /// The store record of article `index` (the open one's as loaded).
    fn record_of(&self, index: usize) -> Option<ArticleRecord> {
        if let Some(reader) = self.app.reader.as_ref().filter(|r| r.article.0 == index) {
            return Some(reader.notes.record.clone());
        }
        let article = self.app.list.articles.get(index)?;
        Some(record(article, &store_path(&article.source)))
    }

    /// Brings the panic hook's snapshot up to date, if the note being typed or
    /// the unsaved changes differ from what it holds (cheap otherwise: one
    /// copy of the note's text while the editor is open).
    pub fn sync_recovery(&mut self) {
        let draft = self
            .app
            .note_editor()
            .map(|(editor, id)| (id.to_string(), editor.text()));
        if draft == self.draft_in_snapshot && !self.snapshot_stale {
            return;
        }
        let snapshot = self.snapshot();
        // Changes the notes folder refused are kept in the recovery file at
        // once (not only at exit), so the question at quit can say truly
        // where they are; a file written before is brought up to date (or
        // removed) once they are saved.
        // Only when the changes moved: not at every key typed in a note.
        let file = recovery::path(&self.data_dir);
        let kept_in = if !self.snapshot_stale {
            self.app
                .unsaved
                .as_ref()
                .map_or(Some(file), |u| u.kept_in.clone())
        } else if snapshot.change_count() > 0 || file.is_file() {
            recovery::store(&self.data_dir, &snapshot).ok()
        } else {
            Some(file)
        };
        let count = snapshot.change_count();
        match self.shared.lock() {
            Ok(mut shared) => *shared = snapshot,
            Err(poisoned) => *poisoned.into_inner() = snapshot,
        }
        self.draft_in_snapshot = draft;
        self.snapshot_stale = false;
        self.app.unsaved = (count > 0).then(|| Unsaved {
            count,
            reason: self
                .last_save_error
                .clone()
                .unwrap_or_else(|| "the notes folder refused them".into()),
            kept_in,
        });
    }

    /// Before the terminal is given away (a suspension): saves the pending
    /// position and writes the recovery file, in case gloss is never
    /// continued.
    pub fn secure(&mut self) {
        self.flush_position();
        self.sync_recovery();
        let _ = recovery::store(&self.data_dir, &self.snapshot());
    }

    /// At exit (a quit, a signal, an error): saves the pending position,
    /// retries what could not be saved, and puts whatever is still unsaved,
    /// and a note being typed, in the recovery file (which is removed when
    /// nothing is left). The fingerprint cache is written too.
    pub fn finish(&mut self) -> Kept {
        self.flush_position();
        self.retry_unsaved();
        self.collect_jobs();
        self.settle_owed_fingerprint();
        // The last saves reach the mirror folder before gloss ends.
        let _ = self.mirror.finish();
        // Only a shortcut for the next start: a failure costs some hashing.
        let _ = self.fingerprints.save();
        // The same: a failure costs the next start reading the notes files.
        let _ = self.store.save_summaries();
        let snapshot = self.snapshot();
        let changes = snapshot.change_count();
        let drafts = snapshot.drafts.len();
        match recovery::store(&self.data_dir, &snapshot) {
            Ok(_) if snapshot.is_empty() => Kept::Nothing,
            Ok(path) => Kept::InRecovery {
                path,
                changes,
                drafts,
            },
            Err(_) if snapshot.is_empty() => Kept::Nothing,
            Err(e) => Kept::Lost(e, snapshot),
        }
    }

    /// Tries once more to save every article's unsaved changes.
    fn retry_unsaved(&mut self) {
        let mut articles: Vec<usize> = self.unsaved.iter().map(|(a, _)| *a).collect();
        articles.dedup();
        for article in articles {
            let Some(record) = self.record_of(article) else {
                continue;
            };
            let ops: Vec<Op> = self
                .unsaved
                .iter()
                .filter(|(a, _)| *a == article)
                .map(|(_, op)| op.clone())
                .collect();
            let open_file = self
                .app
                .reader
                .as_ref()
                .filter(|r| r.article.0 == article)
                .map(|r| r.notes.file.clone());
            let result = match open_file {
                Some(file) => self.store.apply(file.as_deref(), &record, &ops).map(|_| ()),
                None => self.apply_for(&record, &ops),
            };
            match result {
                Ok(()) => self.unsaved.retain(|(a, _)| *a != article),
                Err(e) => self.last_save_error = Some(reason_first(&e).0),
            }
        }
    }
}
