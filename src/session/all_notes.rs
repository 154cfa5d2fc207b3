//! The session's side of the all-notes view: loading every notes file of the
//! store off the event loop's thread (a library of thousands of notes files
//! must not freeze the screen), saving the view's changes file by file
//! through the store, and opening the article of a note.
//!
//! Every load reads the files afresh through the store's index, so what was
//! saved in this session (from the reader, the panel or the view) is there.

use std::path::{Path, PathBuf};

use super::Session;
use super::jobs::Job;
use crate::annotations::library_notes::{LibraryNotes, NotesChange};
use crate::annotations::{HighlightId, Store, text_to_path};
use crate::app::{App, ArticleId, Msg};
use crate::library::{self, store_path};

/// Reading every notes file of the store in `data_dir`.
pub(super) struct LoadNotes {
    /// gloss's data folder (the store is `<data_dir>/annotations`).
    pub(super) data_dir: PathBuf,
}

impl Job for LoadNotes {
    type Output = LibraryNotes;
    fn run(self) -> LibraryNotes {
        load(&Store::new(&self.data_dir))
    }
}

/// Every readable highlight of `store`, and a message per notes file that
/// could not be read; a store that cannot even be listed is one message.
pub fn load(store: &Store) -> LibraryNotes {
    match crate::commands::read_all(store) {
        Ok(all) => LibraryNotes::from_files(all.files, all.unreadable),
        Err(e) => LibraryNotes {
            notes: Vec::new(),
            unreadable: vec![crate::text::clean(&e.to_string()).into_owned()],
        },
    }
}

/// The list entry of the article whose notes file records `path`: found in
/// the list, or added to it for this session (as a followed link is) when
/// the file is still there and gloss can read it.
pub fn note_article(app: &mut App, path: &str) -> Result<ArticleId, String> {
    let recorded = text_to_path(path);
    let wanted = std::fs::canonicalize(&recorded).unwrap_or_else(|_| recorded.clone());
    if let Some(i) = app
        .list
        .articles
        .iter()
        .position(|a| store_path(&a.source) == wanted)
    {
        app.list.select_article(i);
        return Ok(ArticleId(i));
    }
    let article = library::article_at(&wanted, app.config.reader.max_file_size())?;
    Ok(app.add_article(article))
}

impl Session {
    /// Carries out [`crate::app::Effect::LoadAllNotes`].
    pub(super) fn load_all_notes(&mut self) {
        let data_dir = self
            .store
            .dir()
            .parent()
            .map_or_else(|| self.data_dir.clone(), Path::to_path_buf);
        self.all_notes.spawn(LoadNotes { data_dir });
    }

    /// Hands the loaded notes to the app, as a message.
    pub(super) fn take_all_notes(&mut self) {
        if let Some(notes) = self.all_notes.take() {
            // Taking the notes asks nothing of the session (no effects).
            let _none = self.app.update(Msg::AllNotesLoaded(Box::new(notes)));
        }
    }

    /// Carries out [`crate::app::Effect::SaveNotes`]: each file's changes are
    /// merged by the store (locked, re-read, replaced atomically). The open
    /// article's notes take the result too when the file is theirs. A change
    /// the disk refuses is kept like the reader's (retried, and put in the
    /// recovery file) when its article is in the list.
    pub(super) fn save_notes(&mut self, changes: Vec<NotesChange>) {
        for change in changes {
            match self
                .store
                .apply(Some(&change.file), &change.article, &change.ops)
            {
                Ok(saved) => {
                    self.snapshot_stale = true;
                    self.mirror.saved(&saved.content);
                    let open = self.app.reader.as_ref().and_then(|r| {
                        (r.notes.file.as_deref() == Some(saved.file.as_path())).then_some(r.article)
                    });
                    if let Some(article) = open {
                        self.app.saved(article, saved.clone());
                    }
                    self.app.all_notes_saved(&saved.file, &saved.content);
                }
                Err(e) => {
                    let (reason, detail) = super::reason_first(&e);
                    self.last_save_error = Some(reason.clone());
                    let recorded = text_to_path(&change.article.path);
                    let article = self
                        .app
                        .list
                        .articles
                        .iter()
                        .position(|a| store_path(&a.source) == recorded);
                    let kept = match article {
                        Some(i) => {
                            self.unsaved
                                .extend(change.ops.iter().cloned().map(|op| (i, op)));
                            self.snapshot_stale = true;
                            "kept in memory, retried when the article is saved"
                        }
                        None => "not kept: the article is not in the library",
                    };
                    self.app
                        .error(format!("{reason}: not saved ({kept}; {detail})"));
                }
            }
        }
    }

    /// Carries out [`crate::app::Effect::OpenNote`].
    pub(super) fn open_note(
        &mut self,
        path: &str,
        highlight: &HighlightId,
        reattach: bool,
    ) -> Vec<crate::app::Effect> {
        let id = match note_article(&mut self.app, path) {
            Ok(id) => id,
            Err(message) => {
                self.app
                    .error(format!("cannot open the article: {message}"));
                return Vec::new();
            }
        };
        let already = self.app.reader.as_ref().map(|r| r.article) == Some(id);
        let effects = if already {
            Vec::new()
        } else {
            self.open_placed(id.0)
        };
        self.app.go_to_note(id, highlight, reattach);
        effects
    }
}
