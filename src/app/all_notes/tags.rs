//! Renaming a tag everywhere: in every highlight's tags and in the `#words`
//! of every note, so the next edit of a note (which takes its tags from its
//! text) does not bring the old name back.

use chrono::{DateTime, Utc};

use crate::annotations::Op;
use crate::annotations::library_notes::{LibraryNote, LibraryNotes, NotesChange};
use crate::app::note_editor::{may_precede_tag, tag_name, tags_from_note};

/// The tag name `typed` means (a leading `#` and spaces dropped), or why it
/// cannot be one.
pub fn new_tag_name(typed: &str) -> Result<String, String> {
    let name = typed.trim().trim_start_matches('#').trim();
    if name.is_empty() {
        return Err("a tag needs a name".into());
    }
    if tags_from_note(&format!("#{name}")) != [name] {
        return Err(format!(
            "#{} is not a tag: use letters, digits, - _ and /, with at least one letter",
            crate::text::clean(name)
        ));
    }
    Ok(name.to_string())
}

/// `note` with every `#from` tag (any case) written as `#to`; other text,
/// and `#from` where it is not a tag (`C#from`, `#fromage`), is kept.
pub fn rename_in_note(note: &str, from: &str, to: &str) -> String {
    let from = from.to_lowercase();
    let mut out = String::with_capacity(note.len());
    let mut previous: Option<char> = None;
    let mut copied = 0;
    for (index, c) in note.char_indices() {
        let starts_tag = c == '#' && previous.is_none_or(may_precede_tag);
        previous = Some(c);
        if !starts_tag || index < copied {
            continue;
        }
        let start = index + c.len_utf8();
        let rest = note.get(start..).unwrap_or("");
        let Some(name) = tag_name(rest) else {
            continue;
        };
        if name.to_lowercase() != from {
            continue;
        }
        out.push_str(note.get(copied..start).unwrap_or(""));
        out.push_str(to);
        copied = start + name.len();
    }
    out.push_str(note.get(copied..).unwrap_or(""));
    out
}

/// What renaming tag `from` to `to` changes: one [`NotesChange`] per notes
/// file holding the tag, and the highlights as they were (for undo). A
/// highlight that already has `to` keeps it once.
pub fn rename_tag(
    notes: &LibraryNotes,
    from: &str,
    to: &str,
    now: DateTime<Utc>,
) -> (Vec<NotesChange>, Vec<LibraryNote>) {
    let key = from.to_lowercase();
    let mut changes: Vec<NotesChange> = Vec::new();
    let mut before = Vec::new();
    for note in &notes.notes {
        let h = &note.highlight;
        if !h.tags.iter().any(|t| t.to_lowercase() == key) {
            continue;
        }
        let mut renamed = h.clone();
        let mut tags: Vec<String> = Vec::new();
        for tag in &h.tags {
            let tag = if tag.to_lowercase() == key {
                to.to_string()
            } else {
                tag.clone()
            };
            if !tags.iter().any(|t| t.to_lowercase() == tag.to_lowercase()) {
                tags.push(tag);
            }
        }
        renamed.tags = tags;
        renamed.note = rename_in_note(&h.note, from, to);
        renamed.updated = now;
        before.push(note.clone());
        let op = Op::Upsert(renamed);
        match changes.iter_mut().find(|c| c.file == note.file) {
            Some(change) => change.ops.push(op),
            None => changes.push(NotesChange {
                file: note.file.clone(),
                article: note.article.clone(),
                ops: vec![op],
            }),
        }
    }
    (changes, before)
}

/// The changes that put `before` back (an undo), one per notes file, each
/// highlight stamped `now` so it wins over the change it undoes.
pub fn restore(before: &[LibraryNote], now: DateTime<Utc>) -> Vec<NotesChange> {
    let mut changes: Vec<NotesChange> = Vec::new();
    for note in before {
        let mut h = note.highlight.clone();
        h.updated = now;
        let op = Op::Upsert(h);
        match changes.iter_mut().find(|c| c.file == note.file) {
            Some(change) => change.ops.push(op),
            None => changes.push(NotesChange {
                file: note.file.clone(),
                article: note.article.clone(),
                ops: vec![op],
            }),
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renames_only_real_tags_in_the_note() {
        assert_eq!(
            rename_in_note("see #Maps and #maps, (#maps) C#maps #mapsx", "maps", "geo"),
            "see #geo and #geo, (#geo) C#maps #mapsx"
        );
        assert_eq!(rename_in_note("#a/b then #a", "a", "z"), "#a/b then #z");
        assert_eq!(
            rename_in_note("élan #été!", "ÉTÉ", "summer"),
            "élan #summer!"
        );
        assert_eq!(rename_in_note("", "x", "y"), "");
    }

    #[test]
    fn new_names_must_be_tags() {
        assert_eq!(new_tag_name(" #geo "), Ok("geo".to_string()));
        assert_eq!(new_tag_name("lang/rust"), Ok("lang/rust".to_string()));
        assert!(new_tag_name("").is_err());
        assert!(new_tag_name("two words").is_err());
        assert!(new_tag_name("2024").is_err());
        assert!(new_tag_name("a\x1b").unwrap_err().contains("not a tag"));
    }
}
