//! Merging two copies of one notes file, as two machines left them (a file
//! sync tool's conflict copy, the two sides of a `git merge`): per highlight
//! id the later change wins, a deletion included (it leaves a
//! [`Tombstone`]), so nothing deleted comes back and no edit is lost.
//!
//! "Later" is the time each change carries. Those times are a hybrid
//! logical clock, not the wall clock alone: a change made from a version is
//! always stamped after that version (see [`super::merge`]), so a machine
//! whose clock runs behind still wins over what it edited. Only changes made
//! independently on two machines are ordered by their clocks, which is the
//! best anyone can say about them.
//!
//! The merge is a join: commutative, associative and idempotent, so the
//! result is the same whichever machine merges, in whatever order, however
//! often. Ties (the same time on both sides) are broken by content, never by
//! which side came first.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, TimeDelta, Utc};
use toml::{Table, Value};

use super::format::{ARTICLE_KEYS, Extras, Parsed};
use super::{AnnotationFile, ArticleRecord, Highlight, HighlightId, ReadingPosition, Tombstone};

/// One copy of a notes file, everything in it: what [`merge_copies`] takes
/// and gives.
#[derive(Debug, Clone)]
pub(crate) struct Copy {
    pub content: AnnotationFile,
    pub tombstones: Vec<Tombstone>,
    pub extras: Extras,
}

impl From<Parsed> for Copy {
    fn from(parsed: Parsed) -> Self {
        Self {
            content: parsed.content,
            tombstones: parsed.tombstones,
            extras: parsed.extras,
        }
    }
}

/// The state of one highlight id in a copy.
#[derive(Clone, Copy)]
enum State<'a> {
    Live(&'a Highlight, &'a Copy),
    Dead(DateTime<Utc>),
}

impl State<'_> {
    fn time(&self) -> DateTime<Utc> {
        match self {
            State::Live(h, _) => h.updated,
            State::Dead(t) => *t,
        }
    }
}

/// Which of two states of one id wins: the later; at the same time a
/// deletion; between two versions of the same time, the greater content.
fn newer(a: &State<'_>, b: &State<'_>) -> Ordering {
    a.time().cmp(&b.time()).then_with(|| match (a, b) {
        (State::Dead(_), State::Dead(_)) => Ordering::Equal,
        (State::Dead(_), State::Live(..)) => Ordering::Greater,
        (State::Live(..), State::Dead(_)) => Ordering::Less,
        (State::Live(x, cx), State::Live(y, cy)) => tie_key(x, cx).cmp(&tie_key(y, cy)),
    })
}

/// A highlight's content (with its unknown keys) as text, to order two
/// versions of the same time the same way on every machine.
fn tie_key(h: &Highlight, copy: &Copy) -> String {
    let extras = copy.extras.highlights.get(h.id.as_str());
    let extras = extras.map(|(own, anchor)| (own.to_string(), anchor.to_string()));
    format!("{}{extras:?}", serde_json::to_string(h).unwrap_or_default())
}

/// The latest time anything in `copy` carries: the copy changed last
/// describes the article (title, path, unknown keys).
fn latest(copy: &Copy) -> Option<DateTime<Utc>> {
    let highlights = copy.content.highlights.iter().map(|h| h.updated);
    let tombstones = copy.tombstones.iter().map(|t| t.deleted);
    let position = copy.content.position.iter().map(|p| p.updated);
    let stamped = article_table(copy)
        .values()
        .filter_map(stamp_of)
        .collect::<Vec<_>>();
    highlights
        .chain(tombstones)
        .chain(position)
        .chain(stamped)
        .max()
}

/// The `[article]` table of a copy, unknown keys included.
fn article_table(copy: &Copy) -> Table {
    let mut table = match Value::try_from(&copy.content.article) {
        Ok(Value::Table(table)) => table,
        _ => Table::new(),
    };
    for (k, v) in &copy.extras.article {
        table.entry(k.clone()).or_insert_with(|| v.clone());
    }
    table
}

/// The time of a value written as a [`super::Stamped`] (a table with an
/// `updated` time), or `None` for any other value.
fn stamp_of(value: &Value) -> Option<DateTime<Utc>> {
    let updated = value.as_table()?.get("updated")?;
    let text = match updated {
        Value::String(s) => s.clone(),
        Value::Datetime(d) => d.to_string(),
        _ => return None,
    };
    DateTime::parse_from_rfc3339(&text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// Which copy is the newer as a whole: the later [`latest`] time, then the
/// greater content.
fn first_is_newer(a: &Copy, b: &Copy) -> bool {
    match latest(a).cmp(&latest(b)) {
        Ordering::Greater => true,
        Ordering::Less => false,
        Ordering::Equal => article_table(a).to_string() >= article_table(b).to_string(),
    }
}

/// The article of two copies: fields written as [`super::Stamped`] each from
/// the copy that set them last; every other field from the newer copy (or
/// the other when the newer lacks it).
fn merge_article(newer: &Copy, older: &Copy) -> (ArticleRecord, Table) {
    let mut table = article_table(newer);
    for (key, theirs) in article_table(older) {
        match table.get(&key) {
            None => {
                table.insert(key, theirs);
            }
            Some(ours) => {
                if let (Some(a), Some(b)) = (stamp_of(ours), stamp_of(&theirs))
                    && (b > a || (b == a && theirs.to_string() > ours.to_string()))
                {
                    table.insert(key, theirs);
                }
            }
        }
    }
    let record = Value::Table(table.clone())
        .try_into::<ArticleRecord>()
        .unwrap_or_else(|_| newer.content.article.clone());
    let extras = table
        .into_iter()
        .filter(|(k, _)| !ARTICLE_KEYS.contains(&k.as_str()))
        .collect();
    (record, extras)
}

/// The newer of two reading positions (the greater one at the same time).
fn merge_position(
    a: Option<&ReadingPosition>,
    b: Option<&ReadingPosition>,
) -> Option<ReadingPosition> {
    let key = |p: &ReadingPosition| (p.updated, p.offset, p.quote.clone(), p.progress.to_bits());
    match (a, b) {
        (Some(a), Some(b)) => Some(if key(b) > key(a) {
            b.clone()
        } else {
            a.clone()
        }),
        (a, b) => a.or(b).cloned(),
    }
}

/// Merges two copies of one notes file; see the module docs.
pub(crate) fn merge_copies(a: &Copy, b: &Copy) -> Copy {
    let (newer_copy, older_copy) = if first_is_newer(a, b) { (a, b) } else { (b, a) };
    let mut states: BTreeMap<&HighlightId, State<'_>> = BTreeMap::new();
    for copy in [newer_copy, older_copy] {
        let live = copy
            .content
            .highlights
            .iter()
            .map(|h| (&h.id, State::Live(h, copy)));
        let dead = copy
            .tombstones
            .iter()
            .map(|t| (&t.id, State::Dead(t.deleted)));
        for (id, state) in live.chain(dead) {
            match states.get(id) {
                Some(kept) if newer(kept, &state) != Ordering::Less => {}
                _ => {
                    states.insert(id, state);
                }
            }
        }
    }
    let mut highlights = Vec::new();
    let mut tombstones = Vec::new();
    let mut highlight_extras = HashMap::new();
    for (id, state) in states {
        match state {
            State::Live(h, copy) => {
                if let Some(extras) = copy.extras.highlights.get(id.as_str()) {
                    highlight_extras.insert(id.to_string(), extras.clone());
                }
                highlights.push(h.clone());
            }
            State::Dead(deleted) => tombstones.push(Tombstone {
                id: id.clone(),
                deleted,
            }),
        }
    }
    highlights.sort_by(|x, y| {
        (x.anchor.start, x.anchor.end, &x.id).cmp(&(y.anchor.start, y.anchor.end, &y.id))
    });
    let (article, article_extras) = merge_article(newer_copy, older_copy);
    let mut top = newer_copy.extras.top.clone();
    for (k, v) in &older_copy.extras.top {
        top.entry(k.clone()).or_insert_with(|| v.clone());
    }
    let position = merge_position(
        newer_copy.content.position.as_ref(),
        older_copy.content.position.as_ref(),
    );
    let position_extras = match (&position, &newer_copy.content.position) {
        (Some(p), Some(n)) if p == n => newer_copy.extras.position.clone(),
        _ => older_copy.extras.position.clone(),
    };
    Copy {
        content: AnnotationFile {
            version: a.content.version.max(b.content.version),
            article,
            position,
            highlights,
        },
        tombstones,
        extras: Extras {
            top,
            article: article_extras,
            position: position_extras,
            highlights: highlight_extras,
        },
    }
}

/// Keeps this machine's name for the article: when the merged record names
/// a path that does not exist here but one of the `copies` names one that
/// does, that path (and its fingerprint) is taken, so the notes are found by
/// path at once instead of by fingerprint. Run only where the files live
/// (conflict copies, the git driver), after the merge.
pub(crate) fn prefer_local_path(merged: &mut Copy, copies: &[&ArticleRecord]) {
    let exists = |path: &str| !path.is_empty() && super::text_to_path(path).exists();
    if exists(&merged.content.article.path) {
        return;
    }
    if let Some(local) = copies.iter().find(|r| exists(&r.path)) {
        merged.content.article.path = local.path.clone();
        merged.content.article.fingerprint = local.fingerprint.clone();
    }
}

/// Tombstones for highlights that `base` (the common ancestor of a git
/// merge) had and `copy` no longer has, without a tombstone: deleted by a
/// gloss from before tombstones, or by hand. Each is dated at the version it
/// deleted, so the deletion wins over that version and loses to a later
/// edit on the other side.
pub(crate) fn deletions_since(base: &Copy, copy: &mut Copy) {
    for h in &base.content.highlights {
        let present = copy.content.highlights.iter().any(|x| x.id == h.id)
            || copy.tombstones.iter().any(|t| t.id == h.id);
        if !present {
            copy.tombstones.push(Tombstone {
                id: h.id.clone(),
                deleted: h.updated,
            });
        }
    }
}

/// Drops tombstones older than `keep` before `now`: by then every copy is
/// expected to have seen the deletion.
pub(crate) fn compact(tombstones: &mut Vec<Tombstone>, now: DateTime<Utc>, keep: TimeDelta) {
    tombstones.retain(|t| now.signed_duration_since(t.deleted) <= keep);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotations::testing::highlight;
    use proptest::prelude::*;

    fn t(secs: i64) -> DateTime<Utc> {
        DateTime::<Utc>::from_timestamp(1_714_550_400 + secs, 0).unwrap()
    }

    fn copy(highlights: Vec<Highlight>, tombstones: Vec<Tombstone>) -> Copy {
        Copy {
            content: AnnotationFile {
                version: 2,
                article: ArticleRecord {
                    title: "Deal".into(),
                    path: "/a/deal.md".into(),
                    ..ArticleRecord::default()
                },
                position: None,
                highlights,
            },
            tombstones,
            extras: Extras::default(),
        }
    }

    /// The whole of a copy as text, to compare two merges exactly.
    fn text(c: &Copy) -> String {
        super::super::format::render(&c.content, &c.tombstones, &c.extras).unwrap()
    }

    fn hl(id: &str, secs: i64, note: &str) -> Highlight {
        highlight(id).made_at(t(secs)).note(note).build()
    }

    #[test]
    fn the_later_change_wins_per_id_and_deletions_stay_deleted() {
        let a = copy(
            vec![hl("edited", 10, "new here"), hl("kept", 0, "k")],
            vec![Tombstone {
                id: "gone".into(),
                deleted: t(20),
            }],
        );
        let b = copy(
            vec![
                hl("edited", 5, "older there"),
                hl("gone", 3, "before the delete"),
                hl("added", 7, "only there"),
            ],
            Vec::new(),
        );
        let merged = merge_copies(&a, &b);
        let notes: Vec<(&str, &str)> = merged
            .content
            .highlights
            .iter()
            .map(|h| (h.id.as_str(), h.note.as_str()))
            .collect();
        assert!(notes.contains(&("edited", "new here")), "{notes:?}");
        assert!(notes.contains(&("added", "only there")), "{notes:?}");
        assert!(notes.contains(&("kept", "k")), "{notes:?}");
        assert!(!notes.iter().any(|(id, _)| *id == "gone"), "{notes:?}");
        assert_eq!(merged.tombstones.len(), 1);
        // An edit made after the deletion, elsewhere, is the last change.
        let c = copy(vec![hl("gone", 30, "edited after")], Vec::new());
        let merged = merge_copies(&merged, &c);
        assert!(
            merged
                .content
                .highlights
                .iter()
                .any(|h| h.note == "edited after")
        );
        assert!(merged.tombstones.is_empty());
    }

    #[test]
    fn the_newer_position_and_each_stamped_article_field_win() {
        let mut a = copy(Vec::new(), Vec::new());
        let mut b = copy(Vec::new(), Vec::new());
        let position = |secs, offset| ReadingPosition {
            offset: crate::document::CharOffset::new(offset),
            quote: String::new(),
            progress: 0.5,
            updated: t(secs),
        };
        a.content.position = Some(position(10, 100));
        b.content.position = Some(position(20, 200));
        let stamped = |value: bool, secs| {
            Value::try_from(crate::annotations::Stamped::new(value, t(secs))).unwrap()
        };
        a.content.article.archived = Some(crate::annotations::Stamped::new(true, t(30)));
        a.extras.article.insert("starred".into(), stamped(false, 1));
        b.content.article.archived = Some(crate::annotations::Stamped::new(false, t(5)));
        b.extras.article.insert("starred".into(), stamped(true, 2));
        for merged in [merge_copies(&a, &b), merge_copies(&b, &a)] {
            assert_eq!(merged.content.position.as_ref().unwrap().offset.get(), 200);
            assert_eq!(
                merged.content.article.archived,
                Some(crate::annotations::Stamped::new(true, t(30)))
            );
            assert_eq!(merged.extras.article["starred"], stamped(true, 2));
        }
    }

    #[test]
    fn a_deletion_without_tombstone_is_told_by_the_base() {
        let base = copy(vec![hl("x", 1, "old"), hl("y", 1, "old")], Vec::new());
        let mut ours = copy(vec![hl("y", 1, "old")], Vec::new());
        let mut theirs = copy(vec![hl("x", 1, "old"), hl("y", 9, "edited")], Vec::new());
        deletions_since(&base, &mut ours);
        deletions_since(&base, &mut theirs);
        let merged = merge_copies(&ours, &theirs);
        let ids: Vec<&str> = merged
            .content
            .highlights
            .iter()
            .map(|h| h.id.as_str())
            .collect();
        assert_eq!(ids, ["y"]);
        assert_eq!(merged.content.highlights[0].note, "edited");
    }

    /// One machine's copy: for each of a few ids, absent, a version (time,
    /// note, colour) or a deletion at a time; plus a reading position.
    fn arb_copy() -> impl Strategy<Value = Copy> {
        let state = prop_oneof![
            Just(None),
            (0i64..6, 0u8..3, any::<bool>())
                .prop_map(|(time, note, blue)| Some(Ok((time, note, blue)))),
            (0i64..6).prop_map(|time| Some(Err(time))),
        ];
        (
            proptest::collection::vec(state, 5),
            proptest::option::of((0i64..6, 0usize..3)),
        )
            .prop_map(|(states, position)| {
                let mut highlights = Vec::new();
                let mut tombstones = Vec::new();
                for (i, state) in states.into_iter().enumerate() {
                    let id = format!("id{i}");
                    match state {
                        None => {}
                        Some(Ok((time, note, blue))) => highlights.push(
                            highlight(&id)
                                .made_at(t(time))
                                .note(&format!("note {note}"))
                                .color(if blue { "blue" } else { "yellow" })
                                .build(),
                        ),
                        Some(Err(time)) => tombstones.push(Tombstone {
                            id: id.into(),
                            deleted: t(time),
                        }),
                    }
                }
                let mut c = copy(highlights, tombstones);
                c.content.position = position.map(|(time, offset)| ReadingPosition {
                    offset: crate::document::CharOffset::new(offset),
                    quote: String::new(),
                    progress: 0.0,
                    updated: t(time),
                });
                c
            })
    }

    proptest! {
        #[test]
        fn merging_is_commutative_associative_and_idempotent(
            a in arb_copy(), b in arb_copy(), c in arb_copy()
        ) {
            let ab = merge_copies(&a, &b);
            prop_assert_eq!(text(&ab), text(&merge_copies(&b, &a)));
            prop_assert_eq!(text(&merge_copies(&ab, &ab)), text(&ab));
            prop_assert_eq!(text(&merge_copies(&ab, &a)), text(&ab));
            prop_assert_eq!(
                text(&merge_copies(&ab, &c)),
                text(&merge_copies(&a, &merge_copies(&b, &c)))
            );
            // Every id's last change is there: the latest state of each id
            // over both copies.
            for i in 0..5 {
                let id = format!("id{i}");
                let latest = [&a, &b]
                    .iter()
                    .flat_map(|c| {
                        let live = c.content.highlights.iter().filter(|h| h.id == id.as_str()).map(|h| (h.updated, false));
                        let dead = c.tombstones.iter().filter(|t| t.id == id.as_str()).map(|t| (t.deleted, true));
                        live.chain(dead).collect::<Vec<_>>()
                    })
                    .max();
                let live = ab.content.highlights.iter().any(|h| h.id == id.as_str());
                match latest {
                    None => prop_assert!(!live),
                    Some((_, dead)) => prop_assert_eq!(live, !dead, "id {}", id),
                }
            }
        }
    }
}
