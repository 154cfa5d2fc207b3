//! Merging one process's changes into the file on disk.
//!
//! A change wins over the stored copy when it was made from that copy: the
//! process read exactly this version (the same `updated` time) and changed
//! it. Clocks do not take part in that decision, so an edit of a highlight
//! last written by a machine whose clock runs ahead is never dropped. Only
//! when another process changed the copy after this one read it do the
//! `updated` times decide (the later change wins), as they always did.
//!
//! An edit's `updated` never goes below the time of the version it replaces
//! (it becomes that time plus [`TICK`] when this machine's clock is behind),
//! so every later reader, here or on another machine, sees it as the newer
//! one.

use std::collections::HashMap;

use chrono::{DateTime, TimeDelta, Utc};

use super::repair::sane_progress;
use super::store::Op;
use super::{AnnotationFile, HighlightId, SCHEMA_VERSION, Tombstone};

/// How far an edit's time is put past the version it replaces when this
/// machine's clock is behind that version's.
const TICK: TimeDelta = TimeDelta::milliseconds(1);

/// The versions one process last read or wrote of one file: what its next
/// changes are based on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Seen {
    /// `updated` of each highlight, by id.
    highlights: HashMap<HighlightId, DateTime<Utc>>,
    /// `updated` of the reading position, when there was one.
    position: Option<DateTime<Utc>>,
}

impl Seen {
    /// The versions in `content`.
    pub(crate) fn of(content: &AnnotationFile) -> Self {
        Self {
            highlights: content
                .highlights
                .iter()
                .map(|h| (h.id.clone(), h.updated))
                .collect(),
            position: content.position.as_ref().map(|p| p.updated),
        }
    }

    /// Brings the versions of the highlights `ids` (and of the position) up
    /// to `content`, which differs from the version last seen only in them:
    /// a save of one change to a large file does not rebuild the versions
    /// of all 20,000 highlights.
    pub(crate) fn update(
        &mut self,
        content: &AnnotationFile,
        ids: &std::collections::HashSet<&HighlightId>,
    ) {
        for id in ids {
            self.highlights.remove(*id);
        }
        // A few ids are compared one by one: hashing each of 20,000 ids
        // costs more.
        let mut left = ids.len();
        for h in &content.highlights {
            if left == 0 {
                break;
            }
            let named = if ids.len() <= 16 {
                ids.iter().any(|id| **id == h.id)
            } else {
                ids.contains(&h.id)
            };
            if named {
                self.highlights.insert(h.id.clone(), h.updated);
                left -= 1;
            }
        }
        self.position = content.position.as_ref().map(|p| p.updated);
    }
}

/// A batch this small finds each highlight by a scan rather than by an
/// index of all of them (building one costs more than a few scans).
const SCAN_BELOW: usize = 8;

/// Applies `ops` to `content` (the file as just re-read under the lock, with
/// its `tombstones`), given the versions this process saw, and restores
/// document order. A deletion leaves a tombstone dated `now`, or just after
/// the version it deleted when this machine's clock is behind that; adding a
/// highlight back (undo) lifts its tombstone.
pub(crate) fn merge(
    content: &mut AnnotationFile,
    tombstones: &mut Vec<Tombstone>,
    ops: &[Op],
    seen: Option<&Seen>,
    now: DateTime<Utc>,
) {
    // A change applied earlier in this same batch is the base of the next
    // one for the same highlight (changes queued while the disk was full):
    // what this batch wrote, looked up before what was seen (which is not
    // copied: it holds every highlight of the file).
    let mut batch = Seen::default();
    let mut seen_position = seen.and_then(|s| s.position);
    let seen_version = |batch: &Seen, id: &HighlightId| {
        batch
            .highlights
            .get(id)
            .or_else(|| seen.and_then(|s| s.highlights.get(id)))
            .copied()
    };
    // Where each id is, so a batch of many upserts (an import) is not
    // quadratic; rebuilt after a delete moves the rest. A small batch scans.
    let mut at: HashMap<HighlightId, usize> = HashMap::new();
    let mut indexed = false;
    let scan = ops.len() < SCAN_BELOW;
    for op in ops {
        match op {
            Op::Upsert(new) => {
                if !indexed && !scan {
                    at = content
                        .highlights
                        .iter()
                        .enumerate()
                        .map(|(i, h)| (h.id.clone(), i))
                        .collect();
                    indexed = true;
                }
                let found = if scan {
                    content.highlights.iter().position(|h| h.id == new.id)
                } else {
                    at.get(&new.id).copied()
                };
                let Some(old) = found.and_then(|i| content.highlights.get_mut(i)) else {
                    let mut written = new.clone();
                    if let Some(at) = tombstones.iter().position(|t| t.id == new.id) {
                        // Brought back here (undo): later than its deletion,
                        // so a merge keeps it.
                        let deleted = tombstones.swap_remove(at).deleted;
                        written.updated = written.updated.max(deleted + TICK);
                    }
                    batch.highlights.insert(written.id.clone(), written.updated);
                    if !scan {
                        at.insert(written.id.clone(), content.highlights.len());
                    }
                    content.highlights.push(written);
                    continue;
                };
                let from_this_version = seen_version(&batch, &new.id) == Some(old.updated);
                if !from_this_version && old.updated > new.updated {
                    // Changed elsewhere after this process read it, and later.
                    continue;
                }
                let mut written = new.clone();
                if from_this_version && written.updated != old.updated {
                    written.updated = written.updated.max(old.updated + TICK);
                }
                batch.highlights.insert(written.id.clone(), written.updated);
                *old = written;
            }
            Op::Delete(id) => {
                let mut deleted = now;
                content.highlights.retain(|h| {
                    if &h.id == id {
                        deleted = deleted.max(h.updated + TICK);
                    }
                    &h.id != id
                });
                indexed = false;
                match tombstones.iter_mut().find(|t| &t.id == id) {
                    Some(t) => t.deleted = t.deleted.max(deleted),
                    None => tombstones.push(Tombstone {
                        id: id.clone(),
                        deleted,
                    }),
                }
            }
            Op::SetPosition(new) => {
                let old = content.position.as_ref().map(|p| p.updated);
                let from_this_version = old.is_none() || seen_position == old;
                if !from_this_version && old.is_some_and(|old| old > new.updated) {
                    continue;
                }
                let mut written = new.clone();
                if let Some(old) = old
                    && from_this_version
                {
                    written.updated = written.updated.max(old + TICK);
                }
                seen_position = Some(written.updated);
                content.position = Some(written);
            }
        }
    }
    if let Some(position) = &mut content.position {
        position.progress = sane_progress(position.progress);
    }
    content.version = content.version.max(SCHEMA_VERSION);
    content.highlights.sort_by(|a, b| {
        (a.anchor.start, a.anchor.end, &a.id).cmp(&(b.anchor.start, b.anchor.end, &b.id))
    });
    tombstones.sort_by(|a, b| a.id.cmp(&b.id));
}
