//! The open article's annotations as the app sees them: the stored highlights,
//! where each one sits in the current text, and the changes to send to the
//! store. Placement and bookkeeping only; saving is the runtime's job.

use std::ops::Range;
use std::path::PathBuf;

use chrono::Utc;

use crate::document::Document;

use crate::annotations::{
    Anchor, AnnotationFile, ArticleRecord, Highlight, HighlightId, Locator, Op, Placed,
    ReadingPosition, Saved,
};

/// Characters of text kept with a reading position, to find it again after an
/// edit.
const POSITION_QUOTE_CHARS: usize = 40;

/// An article's highlights and where they are in its text.
#[derive(Debug, Clone, Default)]
pub struct Notes {
    /// The annotation file, once there is one.
    pub file: Option<PathBuf>,
    /// The article as recorded in the file.
    pub record: ArticleRecord,
    /// Highlights in document order, as stored.
    pub highlights: Vec<Highlight>,
    /// Where each placed highlight is in the current text, by start; orphans
    /// have no entry. Named by id, so it never has to line up with
    /// `highlights`.
    pub placed: Vec<Placed>,
    /// Why the annotations cannot be changed (the file does not parse).
    pub read_only: Option<String>,
    /// The saved reading position.
    pub position: Option<ReadingPosition>,
    /// Deleted highlights, most recent last, for undo.
    pub deleted: Vec<Highlight>,
    /// Where each highlight was found in the text last placed in, so that
    /// placing again after a change looks up only what changed.
    pub memo: PlaceMemo,
    /// Set while the highlights are being read in the background (a large
    /// notes file); they are then empty and read-only.
    pub loading: Option<Loading>,
}

/// Highlights being read in the background ([`Notes::loading`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Loading {
    /// How many there are, when the list knows.
    pub count: Option<usize>,
    /// Where the reader's view and cursor were when the article was shown:
    /// the saved reading position is restored when they arrive only if the
    /// reader has not moved since.
    pub shown_at: Option<(crate::layout::LinePos, usize)>,
}

/// Why the highlights cannot be changed while they load.
pub const STILL_LOADING: &str = "the highlights are still loading, try again in a moment";

impl Loading {
    /// What the status bar says meanwhile: "loading 20,000 highlights…".
    pub fn status(&self) -> String {
        match self.count {
            Some(n) if n > 0 => format!("loading {} highlights…", thousands(n)),
            _ => "loading highlights…".to_string(),
        }
    }
}

/// `n` with a comma between thousands.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// An open article's notes read and placed off the event loop
/// ([`super::Msg::NotesLoaded`]).
#[derive(Debug, Clone)]
pub struct LoadedNotes {
    /// The article they were read for.
    pub article: super::ArticleId,
    /// The notes, placed in the article's complete text.
    pub notes: Notes,
    /// The anchors that moved, to write back.
    pub ops: Vec<Op>,
}

/// Two results are equal when they hold the same highlights for the same
/// article (messages are compared in tests).
impl PartialEq for LoadedNotes {
    fn eq(&self, other: &Self) -> bool {
        self.article == other.article
            && self.notes.file == other.notes.file
            && self.notes.highlights == other.notes.highlights
            && self.ops == other.ops
    }
}

impl Eq for LoadedNotes {}

/// See [`Notes::place`]: the text's hash, and per highlight id the hash of
/// its anchor (and orphan mark) with where it was drawn. Public only so
/// `Notes { .., ..Notes::default() }` can be written; it has nothing to set.
#[derive(Debug, Clone, Default)]
pub struct PlaceMemo {
    text: Option<u64>,
    /// The length in bytes of the text placed in: a result placed off the
    /// event loop is checked by it, without hashing megabytes there.
    len: Option<usize>,
    by_id: std::collections::HashMap<HighlightId, (u64, Option<Range<usize>>)>,
}

fn hash_of(value: impl std::hash::Hash) -> u64 {
    use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
    BuildHasherDefault::<DefaultHasher>::default().hash_one(value)
}

/// Whether `a` and `b` are the same highlights in the same order, anchored
/// alike, so they are drawn in the same places.
fn same_places(a: &[Highlight], b: &[Highlight]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| x.id == y.id && x.orphaned == y.orphaned && x.anchor == y.anchor)
}

/// What decides where a highlight is drawn.
fn anchor_key(h: &Highlight) -> u64 {
    let a = &h.anchor;
    hash_of((
        &a.quote,
        &a.prefix,
        &a.suffix,
        a.start.get(),
        a.end.get(),
        h.orphaned,
    ))
}

impl Notes {
    /// Notes from a stored file (or none yet) for the article `record`.
    pub fn new(
        record: ArticleRecord,
        file: Option<PathBuf>,
        content: Option<AnnotationFile>,
    ) -> Self {
        let (highlights, position) =
            content.map_or_else(Default::default, |c| (c.highlights, c.position));
        Self {
            file,
            record,
            highlights,
            position,
            ..Self::default()
        }
    }

    /// Notes whose highlights are still being read in the background
    /// (`count` of them, when known): read-only until they arrive, so no
    /// change is made to an incomplete set.
    pub fn loading(record: ArticleRecord, count: Option<usize>) -> Self {
        Self {
            record,
            read_only: Some(STILL_LOADING.to_string()),
            loading: Some(Loading {
                count,
                shown_at: None,
            }),
            ..Self::default()
        }
    }

    /// Notes that can be read but never written, because the file is broken.
    pub fn read_only(record: ArticleRecord, message: String) -> Self {
        Self {
            record,
            read_only: Some(message),
            ..Self::default()
        }
    }

    /// Re-anchors every highlight in `text` (the complete canonical text)
    /// under the one placement policy ([`Locator::reanchor`]). Returns the ops
    /// that write changed anchors back, empty when nothing moved or the file
    /// is read-only.
    pub fn anchor(&mut self, text: &str) -> Vec<Op> {
        let before = self.highlights.clone();
        let (report, placed) = Locator::new(text).reanchor(&mut self.highlights);
        self.placed = placed;
        self.remember_placement(text);
        if !report.changed || self.read_only.is_some() {
            return Vec::new();
        }
        // By id: comparing each with every one before was quadratic.
        let before: std::collections::HashMap<&HighlightId, &Highlight> =
            before.iter().map(|h| (&h.id, h)).collect();
        self.highlights
            .iter()
            .filter(|h| before.get(&h.id).is_none_or(|b| *b != *h))
            .cloned()
            .map(Op::Upsert)
            .collect()
    }

    /// Finds where each highlight is in `text` ([`Locator::shown`]), without
    /// changing anything stored.
    /// Only highlights that are new or changed since the last placement in
    /// the same text are looked up: with 20,000 highlights, placing them all
    /// again after each change took most of a second.
    pub fn place(&mut self, text: &str) {
        self.placed.clear();
        if self.highlights.is_empty() {
            // Indexing a large text for nothing would make every save slow.
            self.memo = PlaceMemo::default();
            return;
        }
        let text_hash = hash_of(text);
        let mut memo = std::mem::take(&mut self.memo);
        if memo.text != Some(text_hash) {
            memo.by_id.clear();
        }
        let mut locator = None;
        let mut by_id = std::collections::HashMap::with_capacity(self.highlights.len());
        for h in &self.highlights {
            let key = anchor_key(h);
            let range = match memo.by_id.remove(&h.id) {
                Some((known, range)) if known == key => range,
                _ => locator
                    .get_or_insert_with(|| Locator::new(text))
                    .shown(h)
                    .map(|p| p.range),
            };
            if let Some(range) = &range {
                self.placed.push(Placed {
                    id: h.id.clone(),
                    range: range.clone(),
                });
            }
            by_id.insert(h.id.clone(), (key, range));
        }
        self.memo = PlaceMemo {
            text: Some(text_hash),
            len: Some(text.len()),
            by_id,
        };
        self.placed.sort_by_key(|p| (p.range.start, p.range.end));
    }

    /// Remembers `placed` as where the highlights are in `text`.
    fn remember_placement(&mut self, text: &str) {
        let mut by_id: std::collections::HashMap<_, _> = self
            .highlights
            .iter()
            .map(|h| (h.id.clone(), (anchor_key(h), None)))
            .collect();
        for p in &self.placed {
            if let Some(entry) = by_id.get_mut(&p.id) {
                entry.1 = Some(p.range.clone());
            }
        }
        self.memo = PlaceMemo {
            text: Some(hash_of(text)),
            len: Some(text.len()),
            by_id,
        };
    }

    /// Takes the store's merged result after a save (other processes' changes
    /// included) and places it again.
    pub fn adopt(&mut self, saved: Saved, text: &str) {
        if saved.partial {
            self.adopt_named(saved, text);
            return;
        }
        self.file = Some(saved.file);
        self.record = saved.content.article;
        // Usually the file holds what this window just placed (the store
        // only stamped the change): then every highlight is where it was,
        // and placing 20,000 again would only cost time.
        let same_places = same_places(&self.highlights, &saved.content.highlights)
            && self.memo.text == Some(hash_of(text));
        self.highlights = saved.content.highlights;
        self.position = saved.content.position;
        if !same_places {
            self.place(text);
        }
    }

    /// [`Notes::adopt`] for a result that holds only the highlights the
    /// save named ([`Saved::partial`]): those take the store's version (a
    /// stamp moved on, or another window's later change that won), the rest
    /// stay as they are.
    fn adopt_named(&mut self, saved: Saved, text: &str) {
        self.file = Some(saved.file);
        self.record = saved.content.article;
        self.position = saved.content.position;
        let mut moved = false;
        let mut by_id: std::collections::HashMap<HighlightId, Highlight> = saved
            .content
            .highlights
            .into_iter()
            .map(|h| (h.id.clone(), h))
            .collect();
        if by_id.is_empty() {
            return;
        }
        for slot in &mut self.highlights {
            if let Some(h) = by_id.remove(&slot.id) {
                moved |= anchor_key(slot) != anchor_key(&h);
                *slot = h;
            }
        }
        // Named but not in this copy (cannot happen after this window's own
        // change; kept rather than dropped).
        moved |= !by_id.is_empty();
        self.highlights.extend(by_id.into_values());
        if moved {
            self.highlights.sort_by(|a, b| {
                (a.anchor.start, a.anchor.end, &a.id).cmp(&(b.anchor.start, b.anchor.end, &b.id))
            });
            self.place(text);
        }
    }

    /// Applies `ops` to the highlights as the store will, keeping document
    /// order, and places what they changed. A change of note, colour or
    /// tags moves nothing, so the highlights are not placed again for it.
    pub fn apply_ops(&mut self, ops: &[Op], text: &str) {
        let mut moved = false;
        for op in ops {
            match op {
                Op::Upsert(h) => match self.highlights.iter_mut().find(|x| x.id == h.id) {
                    Some(slot) => {
                        moved |= anchor_key(slot) != anchor_key(h);
                        *slot = h.clone();
                    }
                    None => {
                        moved = true;
                        self.highlights.push(h.clone());
                    }
                },
                Op::Delete(id) => {
                    moved = true;
                    self.highlights.retain(|h| &h.id != id);
                }
                Op::SetPosition(p) => self.position = Some(p.clone()),
            }
        }
        if moved || self.memo.text != Some(hash_of(text)) {
            self.highlights.sort_by(|a, b| {
                (a.anchor.start, a.anchor.end, &a.id).cmp(&(b.anchor.start, b.anchor.end, &b.id))
            });
            self.place(text);
        }
    }

    /// The highlight `id`, if it is (still) there.
    pub fn get(&self, id: &HighlightId) -> Option<&Highlight> {
        self.highlights.iter().find(|h| &h.id == id)
    }

    /// Where highlight `id` is drawn now; `None` for an orphan or an id that
    /// is gone.
    pub fn range_of(&self, id: &HighlightId) -> Option<Range<usize>> {
        self.placed
            .iter()
            .find(|p| &p.id == id)
            .map(|p| p.range.clone())
    }

    /// The innermost highlight covering `offset`.
    pub fn at(&self, offset: usize) -> Option<&Highlight> {
        self.placed
            .iter()
            .filter(|p| p.range.start <= offset && offset < p.range.end)
            .min_by_key(|p| p.range.end - p.range.start)
            .and_then(|p| self.get(&p.id))
    }

    /// The highlight drawn over exactly `range`, if any.
    pub fn exactly(&self, range: &Range<usize>) -> Option<&Highlight> {
        self.placed
            .iter()
            .find(|p| &p.range == range)
            .and_then(|p| self.get(&p.id))
    }

    /// The nearest placed highlight starting after (or, `backward`, before)
    /// `offset`.
    pub fn next_from(&self, offset: usize, backward: bool) -> Option<&Placed> {
        let mut starts = self.placed.iter();
        if backward {
            starts
                .filter(|p| p.range.start < offset)
                .max_by_key(|p| p.range.start)
        } else {
            starts.find(|p| p.range.start > offset)
        }
    }

    /// Placed highlights that overlap `range`, with where each is drawn.
    pub fn overlapping(
        &self,
        range: Range<usize>,
    ) -> impl Iterator<Item = (Range<usize>, &Highlight)> + '_ {
        self.placed
            .iter()
            .filter(move |p| p.range.start < range.end && range.start < p.range.end)
            .filter_map(|p| Some((p.range.clone(), self.get(&p.id)?)))
    }

    /// How many highlights there are, orphans included.
    pub fn count(&self) -> usize {
        self.highlights.len()
    }

    /// How many highlights have no place in the current text.
    pub fn orphans(&self) -> usize {
        self.highlights.len().saturating_sub(self.placed.len())
    }
}

/// A reading position at byte `offset` of the document's text.
pub fn position_at(doc: &Document, offset: usize, progress: f64) -> ReadingPosition {
    position_quoting(doc, offset, progress, POSITION_QUOTE_CHARS)
}

/// [`position_at`] keeping `quote_chars` characters of text from there, for
/// a position whose offset is only an estimate and whose quote must find
/// it alone.
pub fn position_quoting(
    doc: &Document,
    offset: usize,
    progress: f64,
    quote_chars: usize,
) -> ReadingPosition {
    let text = doc.text();
    let offset = crate::document::floor_char_boundary(text, offset);
    let quote: String = text[offset..].chars().take(quote_chars).collect();
    ReadingPosition {
        offset: doc.char_offset(offset),
        quote,
        progress,
        updated: Utc::now(),
    }
}

/// How much more of an article is parsed at a time while looking for a
/// saved reading position in it (see [`resolve_position_parsing`]).
const POSITION_PARSE_STEP: usize = 64 * 1024;

/// [`resolve_position`] in an article still being parsed, parsing only as
/// far as the position and its quote when the quote still starts at its
/// offset: reopening a 5 MB article at a place halfway in parses half of it
/// before the first screen, not all of it (the rest is parsed in the
/// background as after any open). Anywhere else the quote may be found
/// again in the part not parsed yet, so the whole article is parsed first.
pub fn resolve_position_parsing(doc: &mut Document, position: &ReadingPosition) -> usize {
    let through = position
        .offset
        .get()
        .saturating_add(position.quote.chars().count());
    while !doc.is_complete() && doc.char_offset(doc.text().len()).get() < through {
        doc.parse_more(POSITION_PARSE_STEP);
    }
    let at = doc.byte_offset(position.offset);
    if doc.text()[at..].starts_with(&position.quote) {
        return at;
    }
    doc.ensure_complete();
    resolve_position(doc, position)
}

/// Where a saved position is in the document now: at its offset if the quote
/// still starts there (found without scanning the text), else where the quote
/// is found again, else the old offset.
pub fn resolve_position(doc: &Document, position: &ReadingPosition) -> usize {
    let text = doc.text();
    let at = doc.byte_offset(position.offset);
    if text[at..].starts_with(&position.quote) {
        return at;
    }
    let anchor = Anchor {
        quote: position.quote.clone(),
        prefix: String::new(),
        suffix: String::new(),
        start: position.offset,
        end: position.offset.plus(position.quote.chars().count()),
    };
    Locator::new(text)
        .settle(&anchor)
        .map_or(at, |settled| settled.range.start)
}

impl super::App {
    /// Clears the status bar's "loading … highlights" of the open article
    /// (another article is shown in its place).
    pub(super) fn forget_loading_message(&mut self) {
        let status = self
            .reader
            .as_ref()
            .and_then(|r| r.notes.loading)
            .map(|l| l.status());
        if status.is_some() && self.message.as_ref().map(|m| &m.text) == status.as_ref() {
            self.message = None;
        }
    }

    /// [`super::Msg::NotesLoaded`]: the open article's highlights, read
    /// and placed in the background, take the place of the loading ones;
    /// then, as when an article opens with its notes, the anchors that moved
    /// are written back, orphans are said, and the saved reading position is
    /// restored (only if the reader has not moved meanwhile; else the place
    /// reached is saved).
    pub(super) fn take_loaded_notes(&mut self, loaded: LoadedNotes) -> Vec<super::Effect> {
        let LoadedNotes {
            article,
            mut notes,
            ops,
        } = loaded;
        let Some(reader) = self.reader.as_mut() else {
            return Vec::new();
        };
        let Some(loading) = reader.notes.loading else {
            return Vec::new();
        };
        if reader.article != article {
            return Vec::new();
        }
        // Placed in the complete text (the job parsed it; a book found to
        // have no notes yet is not parsed whole for nothing).
        if !notes.highlights.is_empty() || notes.position.is_some() {
            reader.doc.ensure_complete();
        }
        // The fingerprint hashed and the archived flag set meanwhile.
        notes.record = std::mem::take(&mut reader.notes.record);
        let moved = loading.shown_at != Some((reader.top, reader.cursor));
        reader.notes = notes;
        // A result of this open was placed in the same parse of the same
        // source, so the length tells (hashing megabytes here would hold
        // up the event loop for nothing).
        if reader.notes.memo.len != Some(reader.doc.text().len()) {
            // Not the text they were placed in (cannot happen for a result
            // of this open; placing again is only the safe answer).
            reader.notes.place(reader.doc.text());
        }
        let position = reader.notes.position.clone();
        let count = reader.notes.count();
        let orphans = reader.notes.orphans();
        let read_only = reader.notes.read_only.clone();
        let mut effects = Vec::new();
        if !ops.is_empty() && read_only.is_none() {
            effects.push(super::Effect::Save { article, ops });
        }
        if let Some(figures) = self.figures.get_mut(article) {
            figures.highlights = count;
        }
        if self
            .message
            .as_ref()
            .is_some_and(|m| m.text == loading.status())
        {
            self.message = None;
        }
        if let Some(why) = read_only {
            self.error(format!("annotations read-only: {why}"));
        } else if orphans > 0 {
            self.info(self.orphans_message(orphans));
        }
        match position {
            Some(position) if !moved && position.offset > crate::document::CharOffset::ZERO => {
                if let Some(reader) = self.reader.as_mut() {
                    let offset = resolve_position(&reader.doc, &position);
                    reader.restore(offset);
                    reader.cursor_into_view();
                }
            }
            _ if moved => effects.extend(self.position_effect()),
            _ => {}
        }
        effects
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotations::testing::highlight;
    use crate::document::CharOffset;

    /// Notes with highlights "h0", "h1"... over the byte `ranges` of `text`.
    fn notes_with(text: &str, ranges: &[Range<usize>]) -> Notes {
        let mut notes = Notes {
            highlights: ranges
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    highlight(&format!("h{i}"))
                        .range_of(text, r.clone())
                        .build()
                })
                .collect(),
            ..Notes::default()
        };
        notes.place(text);
        notes
    }

    fn id_at(notes: &Notes, offset: usize) -> Option<&str> {
        notes.at(offset).map(|h| h.id.as_str())
    }

    fn next_id(notes: &Notes, offset: usize, backward: bool) -> Option<&str> {
        notes.next_from(offset, backward).map(|p| p.id.as_str())
    }

    #[test]
    fn innermost_highlight_wins_and_jumps_go_in_order() {
        let text = "one two three four five";
        let notes = notes_with(text, &[0..13, 4..7, 14..18]);
        assert_eq!(id_at(&notes, 5), Some("h1"));
        assert_eq!(id_at(&notes, 1), Some("h0"));
        assert_eq!(id_at(&notes, 13), None);
        assert_eq!(next_id(&notes, 0, false), Some("h1"));
        assert_eq!(next_id(&notes, 4, false), Some("h2"));
        assert_eq!(next_id(&notes, 14, true), Some("h1"));
        assert_eq!(notes.range_of(&"h2".into()), Some(14..18));
        assert_eq!(notes.exactly(&(4..7)).map(|h| h.id.as_str()), Some("h1"));
    }

    #[test]
    fn a_highlight_is_found_by_id_whatever_the_order_it_is_stored_in() {
        let text = "one two three four five";
        let mut notes = notes_with(text, &[14..18, 0..3]);
        notes.highlights.reverse();
        notes.place(text);
        assert_eq!(id_at(&notes, 15), Some("h0"));
        assert_eq!(id_at(&notes, 1), Some("h1"));
        notes.highlights[0].orphaned = true;
        notes.place(text);
        assert_eq!(notes.orphans(), 1);
        assert_eq!(notes.range_of(&"h1".into()), None);
        assert_eq!(id_at(&notes, 15), Some("h0"));
    }

    #[test]
    fn a_changed_note_keeps_every_place_and_a_moved_anchor_is_placed_again() {
        let text = "one two three four five";
        let mut notes = notes_with(text, &[0..3, 8..13, 19..23]);
        let mut edited = notes.highlights[1].clone();
        edited.note = "why it matters".into();
        notes.apply_ops(&[Op::Upsert(edited)], text);
        assert_eq!(
            notes.get(&"h1".into()).map(|h| h.note.as_str()),
            Some("why it matters")
        );
        assert_eq!(notes.range_of(&"h1".into()), Some(8..13));
        assert_eq!(notes.count(), 3);
        // Moved onto "four": drawn there at once, and the order follows.
        let moved = highlight("h1").range_of(text, 14..18).build();
        notes.apply_ops(&[Op::Upsert(moved)], text);
        assert_eq!(notes.range_of(&"h1".into()), Some(14..18));
        assert_eq!(id_at(&notes, 15), Some("h1"));
        assert_eq!(next_id(&notes, 4, false), Some("h1"));
        notes.apply_ops(&[Op::Delete("h0".into())], text);
        assert_eq!(id_at(&notes, 1), None);
        assert_eq!(notes.count(), 2);
        let added = highlight("h9").range_of(text, 4..7).build();
        notes.apply_ops(&[Op::Upsert(added)], text);
        assert_eq!(id_at(&notes, 5), Some("h9"));
    }

    #[test]
    fn adopting_a_save_places_what_another_window_moved() {
        let text = "one two three four five";
        let mut notes = notes_with(text, &[0..3, 8..13]);
        // The store's answer: the same highlights, stamped (nothing moves).
        let mut same = AnnotationFile {
            version: 1,
            article: ArticleRecord::default(),
            position: None,
            highlights: notes.highlights.clone(),
        };
        same.highlights[0].updated += chrono::TimeDelta::seconds(1);
        notes.adopt(saved(same.clone()), text);
        assert_eq!(notes.range_of(&"h0".into()), Some(0..3));
        assert_eq!(notes.range_of(&"h1".into()), Some(8..13));
        // Another window moved h0 onto "five" meanwhile.
        let mut moved = same;
        moved.highlights[0] = highlight("h0").range_of(text, 19..23).build();
        notes.adopt(saved(moved), text);
        assert_eq!(notes.range_of(&"h0".into()), Some(19..23));
        assert_eq!(id_at(&notes, 1), None);
    }

    fn saved(content: AnnotationFile) -> Saved {
        Saved {
            file: PathBuf::from("notes.toml"),
            content,
            partial: false,
        }
    }

    #[test]
    fn anchoring_after_an_edit_reports_what_to_write_back() {
        let old = "Alpha beta gamma. Delta epsilon.";
        let mut notes = notes_with(old, std::slice::from_ref(&(18..31)));
        let new = "Inserted words. Alpha beta gamma. Delta epsilon.";
        let ops = notes.anchor(new);
        assert_eq!(ops.len(), 1);
        let r = notes.placed[0].range.clone();
        assert_eq!(&new[r], "Delta epsilon");
        assert!(notes.anchor(new).is_empty(), "nothing more to write");
    }

    #[test]
    fn an_edited_passage_is_marked_in_whole_words() {
        let old =
            "Before it. \u{201c}The objective is to make the journey harder,\u{201d} she said.";
        let start = old.find("The objective").expect("found");
        let mut notes = notes_with(
            old,
            std::slice::from_ref(&(start..start + "The objective is".len())),
        );
        let new = "Before it. \u{201c}The main objective is to make the journey harder,\u{201d} she said.";
        notes.place(new);
        if let Some(r) = notes.placed.first().map(|p| p.range.clone()) {
            let marked = &new[r];
            assert!(
                marked == "main objective is" || marked == "The main objective is",
                "{marked:?}"
            );
        }
    }

    /// A highlight written without context (by hand, or by a tool that keeps
    /// none) whose quote still sits at its stored offsets is placed there (not
    /// on another copy of the same words) and never written back as orphaned.
    #[test]
    fn a_quote_at_its_offsets_without_context_is_placed_not_orphaned() {
        let text = "The cat sat. The cat ran. Caf\u{e9} au lait, the end.";
        // (quote, char start, expected byte range, or None for an orphan)
        let table: &[(&str, usize, Option<Range<usize>>)] = &[
            ("The", 0, Some(0..3)),
            ("The cat", 13, Some(13..20)),
            ("the end.", 40, Some(41..49)),
            ("au lait", 31, Some(32..39)),
            ("cat", 4, Some(4..7)),
            // Not in the text at all: still an orphan.
            ("nowhere", 3, None),
        ];
        for (quote, start, expected) in table {
            let anchor = Anchor {
                quote: (*quote).to_string(),
                prefix: String::new(),
                suffix: String::new(),
                start: CharOffset::new(*start),
                end: CharOffset::new(*start).plus(quote.chars().count()),
            };
            let mut notes = Notes {
                highlights: vec![highlight("a").anchor(anchor).build()],
                ..Notes::default()
            };
            let ops = notes.anchor(text);
            let placed = notes.placed.first().map(|p| p.range.clone());
            assert_eq!(&placed, expected, "{quote:?} at {start}");
            let orphaned = notes.highlights[0].orphaned;
            assert_eq!(orphaned, expected.is_none(), "{quote:?} at {start}");
            let written_orphan = ops
                .iter()
                .any(|op| matches!(op, Op::Upsert(h) if h.orphaned));
            assert_eq!(written_orphan, expected.is_none(), "{quote:?} at {start}");
        }
    }

    #[test]
    fn positions_survive_edits_above_them() {
        let text = "First line here. The reader stopped right at this sentence.";
        let doc =
            Document::parse_complete(text, crate::document::Format::Plain, Default::default());
        let at = doc.text().find("The reader").expect("found");
        let pos = position_at(&doc, at, 0.5);
        let edited = format!("A new opening paragraph.\n\n{text}");
        let edited =
            Document::parse_complete(&edited, crate::document::Format::Plain, Default::default());
        let now = resolve_position(&edited, &pos);
        assert!(edited.text()[now..].starts_with("The reader stopped"));
    }
}
