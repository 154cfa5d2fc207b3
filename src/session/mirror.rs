//! The Obsidian mirror kept in step after every save that changes notes
//! (`export.mirror = "DIR"`): the reader's, the all-notes view's (notes,
//! colours, deletes, tag renames, undo) and the daily review's.
//!
//! Only the saved article's file is touched, and off the event loop's
//! thread: saves queue the article's notes (the newest content per article
//! wins), a [`SingleJob`] writes what is queued. The job remembers where each
//! article's file is, so a save reads that one file; the vault folder is read
//! whole only when an article's file is not where it was last seen (not yet
//! found this session, or renamed by the user), and then once.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex, MutexGuard};

use super::jobs::{Job, Notice, SingleJob};
use crate::annotations::{AnnotationFile, RealDisk, replace_file};
use crate::export::{
    Filter, NO_HIGHLIGHTS, article_key, free_name, key_in, markdown_articles, markdown_file_name,
    mirror_text,
};
use crate::text;

/// The mirror of one session: what waits to be written, where files are.
pub(super) struct Mirror {
    folder: PathBuf,
    shared: Arc<Shared>,
    job: SingleJob<Update>,
}

/// Shared between the session and the job's worker.
#[derive(Default)]
struct Shared {
    /// Articles saved since the job last took them, by article key.
    waiting: Mutex<BTreeMap<String, AnnotationFile>>,
    /// Where the files are.
    vault: Mutex<Vault>,
}

/// What the job knows of the vault folder.
#[derive(Default)]
struct Vault {
    /// Each article's file, by article key, as last seen.
    files: HashMap<String, PathBuf>,
    /// Whether `files` holds every managed file of the folder (it was read
    /// whole since the last time a file was not where it was seen).
    complete: bool,
}

/// Writing what is queued.
pub(super) struct Update {
    folder: PathBuf,
    shared: Arc<Shared>,
}

impl Job for Update {
    /// Why files could not be written, one message each.
    type Output = Vec<String>;
    fn run(self) -> Vec<String> {
        self.shared.write_waiting(&self.folder)
    }
}

impl Mirror {
    /// The mirror of `folder` (empty: no mirror), reporting on `sender`.
    pub(super) fn new(folder: PathBuf, sender: Sender<Notice>, waker: super::wake::Waker) -> Self {
        Self {
            folder,
            shared: Arc::default(),
            job: SingleJob::new(Notice::Mirrored, sender).waking(waker),
        }
    }

    /// Queues the article of `content` (its notes as just saved) and starts
    /// the job; nothing when no mirror is configured.
    pub(super) fn saved(&self, content: &AnnotationFile) {
        if self.folder.as_os_str().is_empty() {
            return;
        }
        let key = article_key(&content.article.path, &content.article.fingerprint);
        lock(&self.shared.waiting).insert(key, content.clone());
        self.job.spawn(Update {
            folder: self.folder.clone(),
            shared: Arc::clone(&self.shared),
        });
    }

    /// What the last finished job could not write, once.
    pub(super) fn failures(&self) -> Option<Vec<String>> {
        self.job.take()
    }

    /// True while files wait to be written or are being written.
    pub(super) fn is_busy(&self) -> bool {
        self.job.is_busy()
    }

    /// Writes what still waits now, on this thread (at the end of the
    /// session, so the last save reaches the vault); waits for a running job.
    pub(super) fn finish(&self) -> Vec<String> {
        if self.folder.as_os_str().is_empty() {
            return Vec::new();
        }
        self.shared.write_waiting(&self.folder)
    }
}

impl Shared {
    /// Writes every article waiting. The vault stays locked meanwhile, so a
    /// job and [`Mirror::finish`] never write the same file at once.
    fn write_waiting(&self, folder: &Path) -> Vec<String> {
        let mut vault = lock(&self.vault);
        let waiting = std::mem::take(&mut *lock(&self.waiting));
        if waiting.is_empty() {
            return Vec::new();
        }
        if let Err(e) = fs::create_dir_all(folder) {
            return vec![format!("{}: {e}", text::path(folder))];
        }
        waiting
            .iter()
            .filter_map(|(key, file)| vault.write(folder, key, file).err())
            .collect()
    }
}

impl Vault {
    /// Brings the file of the article `key` (notes `file`) in step: its
    /// block rewritten, or a new file made when it has none; a file whose
    /// highlights are all gone gets the empty block.
    fn write(&mut self, folder: &Path, key: &str, file: &AnnotationFile) -> Result<(), String> {
        let article = markdown_articles(std::slice::from_ref(file), &Filter::default())
            .into_iter()
            .next();
        let found = self.find(folder, key, file);
        let (path, old, new) = match (found, article) {
            (Some((path, old)), Some(article)) => {
                let new = mirror_text(Some(&old), key, "", &article.section);
                (path, Some(old), new)
            }
            (Some((path, old)), None) => {
                let new = mirror_text(Some(&old), key, "", NO_HIGHLIGHTS);
                (path, Some(old), new)
            }
            (None, Some(article)) => {
                let path = folder.join(free_name(&article.name, &names_in(folder)));
                let front = format!("{}\n", article.front_matter);
                (path, None, mirror_text(None, key, &front, &article.section))
            }
            (None, None) => return Ok(()),
        };
        if old.as_deref() == Some(new.as_str()) {
            return Ok(());
        }
        replace_file(&RealDisk, &path, new.as_bytes())
            .map_err(|e| format!("{}: {}", text::path(&path), e.source))?;
        self.files.insert(key.to_owned(), path);
        Ok(())
    }

    /// The article's file and text: where it was last seen, else under the
    /// name an export gives it, else found by reading the folder (once, until
    /// a file moves again).
    fn find(
        &mut self,
        folder: &Path,
        key: &str,
        file: &AnnotationFile,
    ) -> Option<(PathBuf, String)> {
        let holds = |path: &Path| {
            fs::read_to_string(path)
                .ok()
                .filter(|text| key_in(text) == Some(key))
        };
        if let Some(path) = self.files.get(key).cloned() {
            if let Some(text) = holds(&path) {
                return Some((path, text));
            }
            // Renamed or removed by the user: read the folder again.
            self.files.remove(key);
            self.complete = false;
        }
        let named = folder.join(markdown_file_name(file));
        if let Some(text) = holds(&named) {
            self.files.insert(key.to_owned(), named.clone());
            return Some((named, text));
        }
        if !self.complete {
            self.read_folder(folder);
        }
        let path = self.files.get(key)?.clone();
        holds(&path).map(|text| (path, text))
    }

    /// Reads every `.md` file of the folder for the key in its block.
    fn read_folder(&mut self, folder: &Path) {
        self.files.clear();
        for entry in fs::read_dir(folder).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.extension().is_none_or(|e| e != "md") || !path.is_file() {
                continue;
            }
            if let Some(key) = fs::read_to_string(&path).ok().as_deref().and_then(key_in) {
                self.files.entry(key.to_owned()).or_insert(path);
            }
        }
        self.complete = true;
    }
}

/// The lower-cased names in `folder`, so a new file takes a free one.
fn names_in(folder: &Path) -> HashSet<String> {
    fs::read_dir(folder)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_lowercase())
        .collect()
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
