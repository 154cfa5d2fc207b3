//! Cleaning annotation data that came from outside gloss's own editor (an
//! import of someone else's export, a synced or hand-edited notes file) before
//! it is written out or stored: every text field goes through the app's one
//! sanitizer, so no export and no stored note can carry a terminal control
//! sequence, and the placeholders are the ones the reader shows.

use std::borrow::Cow;

use crate::annotations::{AnnotationFile, ArticleRecord, Highlight};
use crate::document::sanitize_text;

/// Replaces `field` by its clean form; true when something changed.
fn clean(field: &mut String) -> bool {
    match sanitize_text(field) {
        Cow::Borrowed(_) => false,
        Cow::Owned(clean) => {
            *field = clean;
            true
        }
    }
}

/// Cleans every text field of an article record; returns how many changed.
pub fn clean_article(article: &mut ArticleRecord) -> usize {
    clean_article_text(article) + usize::from(clean(&mut article.path))
}

/// Cleans what an article record shows (title, author, date, fingerprint) but
/// not its path: the path names a file on this machine and is how its notes
/// are found again, so the store keeps it as it is and only what is drawn or
/// exported of it is cleaned.
pub fn clean_article_text(article: &mut ArticleRecord) -> usize {
    let mut changed = usize::from(clean(&mut article.title));
    for field in [&mut article.author, &mut article.date]
        .into_iter()
        .flatten()
    {
        changed += usize::from(clean(field));
    }
    changed + usize::from(clean(&mut article.fingerprint))
}

/// Cleans every text field of a highlight (note, tags, colour, id, quote and
/// its context); returns how many changed.
pub fn clean_highlight(h: &mut Highlight) -> usize {
    let mut id = h.id.to_string();
    let mut changed = usize::from(clean(&mut id));
    h.id = id.into();
    for field in [
        &mut h.color,
        &mut h.note,
        &mut h.anchor.quote,
        &mut h.anchor.prefix,
        &mut h.anchor.suffix,
    ] {
        changed += usize::from(clean(field));
    }
    for tag in &mut h.tags {
        changed += usize::from(clean(tag));
    }
    changed
}

/// Cleans a whole annotation file in place; returns how many text fields held
/// something that had to be replaced, so an import can say so.
pub fn clean_file(file: &mut AnnotationFile) -> usize {
    let mut changed = clean_article(&mut file.article);
    if let Some(position) = &mut file.position {
        changed += usize::from(clean(&mut position.quote));
    }
    for h in &mut file.highlights {
        changed += clean_highlight(h);
    }
    changed
}

/// Clean copies of `files`, for the writers: an export is rare and small next
/// to the text it writes, so one copy buys a single place that decides what
/// is safe.
pub(crate) fn cleaned(files: &[AnnotationFile]) -> Vec<AnnotationFile> {
    let mut owned = files.to_vec();
    for file in &mut owned {
        clean_file(file);
    }
    owned
}
