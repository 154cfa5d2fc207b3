//! Following a link out of the open article: a path is resolved against the
//! article's folder, must name a regular file, and is opened in gloss when
//! gloss reads it (added to the library's list for this session only, never
//! saved as a library change) or handed to the system opener otherwise. URLs
//! go to the [`Opener`] only when their scheme is safe or the user said yes.

use std::path::{Path, PathBuf};

use super::Session;
use crate::app::links::{Place, is_text_path, may_ever_open, opens_without_asking};
use crate::app::{App, ArticleId, Effect};
use crate::document::sanitize;
use crate::library::{self, Source, store_path};
use crate::opener::Opener;

/// Where a link to a file leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Linked {
    /// An article in the list (found there, or added).
    Article(ArticleId),
    /// A file gloss does not read, for the system opener.
    Elsewhere(PathBuf),
}

/// The file `path` (as a link in the article from `from` writes it) names:
/// relative to the article's folder unless absolute, with `..` and links
/// resolved; it must exist and be a regular file.
pub fn resolve(from: &Source, path: &str) -> Result<PathBuf, String> {
    let shown = sanitize(path).into_owned();
    let wanted = Path::new(path);
    let joined = if wanted.is_absolute() {
        wanted.to_path_buf()
    } else {
        match from {
            Source::File(file) => file
                .parent()
                .map_or_else(|| wanted.to_path_buf(), |dir| dir.join(wanted)),
            Source::Bundled(..) => {
                return Err(format!(
                    "this article comes with gloss and has no folder: its link to {shown} leads nowhere"
                ));
            }
        }
    };
    let found = std::fs::canonicalize(&joined).map_err(|e| {
        let reason = crate::library::Refusal::from(e);
        format!("{reason}: {}", sanitize(&joined.display().to_string()))
    })?;
    let meta = std::fs::metadata(&found).map_err(|e| {
        let reason = crate::library::Refusal::from(e);
        format!("{reason}: {}", sanitize(&found.display().to_string()))
    })?;
    if meta.is_dir() {
        return Err(format!(
            "a folder, not a file: {}",
            sanitize(&found.display().to_string())
        ));
    }
    if !meta.is_file() {
        return Err(format!(
            "not a regular file: {}",
            sanitize(&found.display().to_string())
        ));
    }
    Ok(found)
}

/// Finds (or adds to the list, for this session) the article a link from
/// article `from` to `path` leads to; a file gloss does not read is given
/// back for the opener.
pub fn linked_article(app: &mut App, from: ArticleId, path: &str) -> Result<Linked, String> {
    let source = app
        .list
        .article(from)
        .map(|a| a.source.clone())
        .ok_or_else(|| "the article with this link is gone".to_string())?;
    let file = resolve(&source, path)?;
    let name = file.file_name().map(|n| n.to_string_lossy().into_owned());
    if !name.as_deref().is_some_and(is_text_path) {
        return Ok(Linked::Elsewhere(file));
    }
    if let Some(i) = app
        .list
        .articles
        .iter()
        .position(|a| store_path(&a.source) == file)
    {
        return Ok(Linked::Article(ArticleId(i)));
    }
    let article = library::article_at(&file, app.config.reader.max_file_size())?;
    Ok(Linked::Article(app.add_article(article)))
}

impl Session {
    /// Carries out [`Effect::FollowFile`].
    pub(super) fn follow_file(
        &mut self,
        from: Place,
        path: &str,
        fragment: Option<&str>,
    ) -> Vec<Effect> {
        match linked_article(&mut self.app, from.article, path) {
            Err(message) => {
                self.app.error(message);
                Vec::new()
            }
            Ok(Linked::Elsewhere(file)) => {
                self.open_url(&file.to_string_lossy(), false);
                Vec::new()
            }
            Ok(Linked::Article(id)) => {
                let already = self.app.reader.as_ref().map(|r| r.article) == Some(id);
                let effects = if already { Vec::new() } else { self.open(id.0) };
                self.app.arrived(from, id, fragment);
                effects
            }
        }
    }

    /// Carries out [`Effect::Return`]: reopens the article and puts the
    /// view and cursor back.
    pub(super) fn go_back_to(&mut self, place: Place) -> Vec<Effect> {
        let effects = self.open(place.article.0);
        self.app.land(place);
        effects
    }

    /// Carries out [`Effect::OpenUrl`]: hands `url` to the opener, unless its
    /// scheme may run code, or is unusual and the user did not say yes.
    pub(super) fn open_url(&mut self, url: &str, confirmed: bool) {
        let shown = crate::app::links::elide_middle(url, 60);
        if !may_ever_open(url) || !(confirmed || opens_without_asking(url)) {
            self.app.error(format!("not opened: {shown}"));
            return;
        }
        match self.opener.open(url) {
            Ok(program) => {
                let name = Path::new(&program)
                    .file_name()
                    .map_or(program.clone(), |n| n.to_string_lossy().into_owned());
                self.app
                    .info(format!("opening {shown} with {}", sanitize(&name)));
            }
            Err(message) => self.app.error(message),
        }
    }

    /// Reports openers that failed since the last look; true when any did.
    pub(super) fn collect_opener_failures(&mut self) -> bool {
        let failures = self.opener.failures();
        let any = !failures.is_empty();
        for failure in failures {
            self.app.error(failure);
        }
        any
    }
}

/// The opener a session starts with: `$BROWSER`, else the desktop's.
pub fn default_opener() -> Box<dyn Opener> {
    Box::new(crate::opener::SystemOpener::from_env())
}
