//! Making a file that parses safe to use: two highlights sharing an id are
//! told apart, and stored values no reader could mean (a progress of NaN or
//! 7.5) are brought into range. Done at every read, the same way each time, so
//! every process sees the same ids until a save writes them down.

use std::collections::HashSet;

use sha2::{Digest, Sha256};

use super::{AnnotationFile, Highlight, HighlightId};

/// Crockford's base 32 alphabet, the one ULIDs are written in.
const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Length of a ULID's time part, kept when a duplicate gets a new id so it
/// still sorts by when it was made.
const ULID_TIME_CHARS: usize = 10;

/// Length of a ULID.
const ULID_CHARS: usize = 26;

/// What was set right in a file as it was read, so the user can be told; the
/// fixes reach the disk with the next save.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Repairs {
    /// Highlights that shared their id with an earlier one and got a new id.
    pub renamed_ids: usize,
    /// The reading progress was not a number from 0 to 1 and was clamped.
    pub progress_clamped: bool,
    /// Highlights with an empty quote: kept, but they can never be placed.
    pub empty_quotes: usize,
}

impl Repairs {
    /// True when nothing needed fixing.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// A one-line account for the status bar, reason first; `None` when
    /// there is nothing to say.
    pub fn describe(&self) -> Option<String> {
        let mut parts = Vec::new();
        if self.renamed_ids > 0 {
            parts.push(format!(
                "{} highlight(s) shared an id with another and got a new one",
                self.renamed_ids
            ));
        }
        if self.empty_quotes > 0 {
            parts.push(format!(
                "{} highlight(s) have an empty quote and cannot be placed",
                self.empty_quotes
            ));
        }
        if self.progress_clamped {
            parts.push("the stored reading progress was out of range and was reset".to_string());
        }
        (!parts.is_empty()).then(|| format!("notes repaired: {}", parts.join("; ")))
    }
}

/// Fixes `content` in place and says what was fixed.
pub(crate) fn repair(content: &mut AnnotationFile) -> Repairs {
    let mut repairs = Repairs {
        renamed_ids: distinct_ids(&mut content.highlights),
        ..Repairs::default()
    };
    if let Some(position) = &mut content.position {
        let sane = sane_progress(position.progress);
        if sane.to_bits() != position.progress.to_bits() {
            position.progress = sane;
            repairs.progress_clamped = true;
        }
    }
    repairs.empty_quotes = content
        .highlights
        .iter()
        .filter(|h| h.anchor.quote.is_empty())
        .count();
    repairs
}

/// A progress fraction a list can show: NaN becomes 0, anything else is
/// clamped to 0..=1.
pub(crate) fn sane_progress(progress: f64) -> f64 {
    if progress.is_nan() {
        0.0
    } else {
        progress.clamp(0.0, 1.0)
    }
}

/// Gives every highlight whose id an earlier one already has a new id derived
/// from its old id, its place among the copies and what it marks, so the same
/// list always yields the same ids. Returns how many were renamed. The store
/// does this to every file it reads; an importer calls it on incoming
/// highlights so a duplicated id is kept as a second highlight, not dropped.
pub fn distinct_ids(highlights: &mut [Highlight]) -> usize {
    let mut taken: HashSet<HighlightId> = HashSet::with_capacity(highlights.len());
    let mut duplicates = Vec::new();
    for (i, h) in highlights.iter().enumerate() {
        if !taken.insert(h.id.clone()) {
            duplicates.push(i);
        }
    }
    for (copy, &i) in duplicates.iter().enumerate() {
        let Some(h) = highlights.get_mut(i) else {
            continue;
        };
        let mut attempt = 0u32;
        let id = loop {
            let id = derived_id(h, copy, attempt);
            if !taken.contains(&id) {
                break id;
            }
            attempt += 1;
        };
        taken.insert(id.clone());
        h.id = id;
    }
    duplicates.len()
}

/// A ULID-shaped id: the old id's time part when it is a ULID (else the
/// creation time's), then 16 characters of a hash of the old id, which copy
/// this is, the highlight's creation time and anchor.
fn derived_id(h: &Highlight, copy: usize, attempt: u32) -> HighlightId {
    let mut hasher = Sha256::new();
    for part in [
        h.id.as_str().as_bytes(),
        &copy.to_le_bytes(),
        &attempt.to_le_bytes(),
        h.created.to_rfc3339().as_bytes(),
        &h.anchor.start.get().to_le_bytes(),
        h.anchor.quote.as_bytes(),
    ] {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    let digest = hasher.finalize();
    let time = match ulid::Ulid::from_string(h.id.as_str()) {
        Ok(_) => {
            h.id.as_str()
                .get(..ULID_TIME_CHARS)
                .unwrap_or_default()
                .to_uppercase()
        }
        Err(_) => {
            let millis = u64::try_from(h.created.timestamp_millis()).unwrap_or(0);
            ulid::Ulid::from_parts(millis, 0)
                .to_string()
                .get(..ULID_TIME_CHARS)
                .unwrap_or_default()
                .to_string()
        }
    };
    let random: String = digest
        .iter()
        .take(ULID_CHARS - ULID_TIME_CHARS)
        .map(|b| char::from(CROCKFORD[usize::from(b % 32)]))
        .collect();
    HighlightId::from(format!("{time}{random}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotations::testing::highlight;

    fn hl(id: &str, note: &str) -> Highlight {
        highlight(id).at("2024-05-01T10:00:00Z").note(note).build()
    }

    #[test]
    fn copies_get_new_stable_ulid_shaped_ids_and_the_first_keeps_its_own() {
        let id = "01HZX3V0AAAAAAAAAAAAAAAAAA";
        let mut list = vec![hl(id, "a"), hl(id, "b"), hl(id, "c"), hl("other", "d")];
        let mut again = list.clone();
        assert_eq!(distinct_ids(&mut list), 2);
        distinct_ids(&mut again);
        assert_eq!(list, again, "the same file yields the same ids");
        assert_eq!(list[0].id, id);
        let ids: HashSet<&str> = list.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids.len(), 4);
        for h in &list[1..3] {
            assert!(ulid::Ulid::from_string(h.id.as_str()).is_ok(), "{}", h.id);
            assert!(h.id.as_str().starts_with("01HZX3V0AA"), "{}", h.id);
        }
        let notes: Vec<&str> = list.iter().map(|h| h.note.as_str()).collect();
        assert_eq!(notes, ["a", "b", "c", "d"], "nothing lost or reordered");
    }

    #[test]
    fn progress_is_made_sane() {
        assert_eq!(sane_progress(f64::NAN), 0.0);
        assert_eq!(sane_progress(7.5), 1.0);
        assert_eq!(sane_progress(-0.5), 0.0);
        assert_eq!(sane_progress(f64::INFINITY), 1.0);
        assert_eq!(sane_progress(0.3), 0.3);
    }
}
