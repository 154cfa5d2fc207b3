//! Moving around a long article by its headings: the outline (`T`), the
//! next/previous heading motions, and the current section's path for the
//! status bar. A 900 KB changelog has thousands of headings, so they are found
//! once, as the document is parsed, in a [`Headings`] index that grows with it;
//! everything here then costs what it shows, not the size of the article.

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config as MatcherConfig, Matcher, Utf32Str};
use ratatui::layout::Rect;

use super::list::ArticleId;
use super::modes::Mode;
use super::{App, Effect, Pointer};
use crate::document::{BlockKind, Document};
use crate::keymap::Action;
use crate::text::one_line;

/// How much source to parse per step while looking for the next heading in
/// an article not parsed to its end yet.
const PARSE_STEP: usize = 64 * 1024;

/// One heading of the article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// Its level, 1 to 6.
    pub level: u8,
    /// Its text on one line, with control characters as placeholders (it is
    /// drawn as it is).
    pub text: String,
    /// Byte offset of its text in the document.
    pub offset: usize,
    /// The nearest heading before it with a lower level: the section it is
    /// part of.
    pub parent: Option<usize>,
}

/// The headings of the open article found so far, in document order. Blocks
/// are only ever appended as parsing goes on, so each refresh looks at the new
/// blocks alone.
#[derive(Debug, Clone, Default)]
pub struct Headings {
    article: Option<ArticleId>,
    /// How many of the document's blocks have been looked at.
    scanned: usize,
    /// Where the document's text ended when last looked at: a different
    /// document for the same article (a reload) is noticed by it shrinking.
    text_len: usize,
    /// The headings, in document order.
    pub entries: Vec<Heading>,
    /// The headings enclosing the last one seen, outermost first.
    open: Vec<usize>,
    /// How many headings there are of each level (index 1 to 6).
    per_level: [usize; 7],
}

impl Headings {
    /// Brings the index up to date with `doc`, the document of `article`.
    pub fn refresh(&mut self, article: ArticleId, doc: &Document) {
        let blocks = doc.blocks();
        let same = self.article == Some(article)
            && self.scanned <= blocks.len()
            && self.text_len <= doc.text().len();
        if !same {
            *self = Headings {
                article: Some(article),
                ..Headings::default()
            };
        }
        for block in blocks.iter().skip(self.scanned) {
            let BlockKind::Heading(level) = block.kind else {
                continue;
            };
            let text = one_line(doc.slice(block.range.clone()));
            if text.is_empty() {
                continue;
            }
            while self
                .open
                .last()
                .is_some_and(|&i| self.entries.get(i).is_some_and(|h| h.level >= level))
            {
                self.open.pop();
            }
            let parent = self.open.last().copied();
            self.open.push(self.entries.len());
            if let Some(n) = self.per_level.get_mut(usize::from(level)) {
                *n += 1;
            }
            self.entries.push(Heading {
                level,
                text,
                offset: block.range.start,
                parent,
            });
        }
        self.scanned = blocks.len();
        self.text_len = doc.text().len();
    }

    /// Forgets everything (no article is open, or a new one is).
    pub fn clear(&mut self) {
        *self = Headings::default();
    }

    /// The heading whose section holds `offset`: the last one at or before it.
    pub fn at(&self, offset: usize) -> Option<usize> {
        self.entries
            .partition_point(|h| h.offset <= offset)
            .checked_sub(1)
    }

    /// The first heading after `offset`.
    pub fn after(&self, offset: usize) -> Option<usize> {
        let i = self.entries.partition_point(|h| h.offset <= offset);
        (i < self.entries.len()).then_some(i)
    }

    /// The last heading before `offset`.
    pub fn before(&self, offset: usize) -> Option<usize> {
        self.entries
            .partition_point(|h| h.offset < offset)
            .checked_sub(1)
    }

    /// Heading `i` and the headings enclosing it, outermost first (indices).
    pub fn path(&self, i: usize) -> Vec<usize> {
        let mut path = Vec::new();
        let mut at = Some(i);
        while let Some(i) = at.filter(|&i| i < self.entries.len()) {
            path.push(i);
            at = self.entries[i].parent;
        }
        path.reverse();
        path
    }

    /// The texts of [`Headings::path`].
    pub fn path_texts(&self, i: usize) -> Vec<&str> {
        self.path(i)
            .into_iter()
            .map(|i| self.entries[i].text.as_str())
            .collect()
    }

    /// Whether the first heading is the only one of its level or above found
    /// so far: then it is the article's title over everything, which the
    /// pane's title already shows, and a section's path can leave it out.
    fn first_is_title(&self) -> bool {
        let Some(first) = self.entries.first() else {
            return false;
        };
        let up_to = usize::from(first.level).min(self.per_level.len() - 1);
        self.per_level[..=up_to].iter().sum::<usize>() == 1
    }

    /// The names of the sections that hold `offset`, outermost first, without
    /// an article title that encloses everything (`["Version 1.95",
    /// "Language"]`).
    pub fn section_names(&self, offset: usize) -> Vec<&str> {
        let Some(i) = self.at(offset) else {
            return Vec::new();
        };
        let path = self.path(i);
        let skip = usize::from(path.len() > 1 && path[0] == 0 && self.first_is_title());
        path.into_iter()
            .skip(skip)
            .map(|i| self.entries[i].text.as_str())
            .collect()
    }
}

/// A section path shortened to `width` cells: all of it when it fits; else
/// the innermost section with as many enclosing ones from the outside as fit,
/// the ones left out shown as "…" (`Version 1.95 > … > Language`); else the
/// outermost one cut short before the innermost (`Version 1.9… > Language`),
/// which names the version in a changelog; else the innermost alone.
pub fn fit_path(names: &[&str], width: usize) -> String {
    const SEP: &str = " > ";
    /// The least of the outermost name worth showing when it is cut.
    const MIN_OUTER: usize = 6;
    let cells = |s: &str| unicode_width::UnicodeWidthStr::width(s);
    let full = names.join(SEP);
    if cells(&full) <= width {
        return full;
    }
    let Some((last, outer)) = names.split_last() else {
        return String::new();
    };
    let Some(first) = outer.first() else {
        return crate::text::fit(last, width);
    };
    for keep in (1..outer.len()).rev() {
        let mut parts: Vec<&str> = outer[..keep].to_vec();
        parts.push("…");
        parts.push(last);
        let text = parts.join(SEP);
        if cells(&text) <= width {
            return text;
        }
    }
    let gap = if outer.len() > 1 { "…" } else { "" };
    let tail = if gap.is_empty() {
        format!("{SEP}{last}")
    } else {
        format!("{SEP}{gap}{SEP}{last}")
    };
    let room = width.saturating_sub(cells(&tail));
    if room >= MIN_OUTER {
        let cut = crate::text::fit(first, room);
        // "Version 1.95…", not "Version 1.95 …".
        let cut = match cut.strip_suffix(" …") {
            Some(word) => format!("{}…", word.trim_end()),
            None => cut,
        };
        return format!("{cut}{tail}");
    }
    let short = format!("…{SEP}{last}");
    if cells(&short) <= width {
        return short;
    }
    crate::text::fit(last, width)
}

/// The outline's place in a reader pane `reader` whose text is at most
/// `reading_width` wide.
pub fn outline_area(reader: Rect, reading_width: u16) -> Rect {
    let width = reader.width.min(reading_width.saturating_add(4));
    Rect {
        x: reader.x + (reader.width - width) / 2,
        width,
        ..reader
    }
}

/// The outline overlay: the article's headings, narrowed by a filter, one
/// of them selected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outline {
    /// The filter typed so far.
    pub filter: String,
    /// Whether keys are typed into the filter.
    pub filtering: bool,
    /// Indices into the headings that pass the filter: in document order
    /// without a filter, best match first with one.
    pub visible: Vec<usize>,
    /// Position in `visible` of the selected heading.
    pub selected: usize,
    /// First row shown.
    pub scroll: usize,
    /// The heading whose section the cursor was in when the outline opened.
    pub current: Option<usize>,
}

impl Outline {
    /// An outline over `headings` with the current section selected.
    pub fn open(headings: &Headings, current: Option<usize>) -> Self {
        let mut outline = Outline {
            filter: String::new(),
            filtering: false,
            visible: Vec::new(),
            selected: 0,
            scroll: 0,
            current,
        };
        outline.refilter(headings);
        outline
    }

    /// The index into the headings of the selected entry.
    pub fn selected_heading(&self) -> Option<usize> {
        self.visible.get(self.selected).copied()
    }

    /// Ranks the headings against the filter again; without a filter the
    /// current section is selected, with one the best match.
    fn refilter(&mut self, headings: &Headings) {
        self.visible = rank(headings, &self.filter);
        self.selected = match (self.filter.trim().is_empty(), self.current) {
            (true, Some(current)) => current.min(self.visible.len().saturating_sub(1)),
            _ => 0,
        };
        self.scroll = 0;
    }

    /// Moves the selection by `delta`, clamped.
    fn move_by(&mut self, delta: isize) {
        let last = self.visible.len().saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(delta).min(last);
    }

    /// Keeps the selected row among the `rows` shown, and the list as full as
    /// it can be.
    pub fn keep_visible(&mut self, rows: usize) {
        let rows = rows.max(1);
        if self.selected < self.scroll {
            self.scroll = self.selected;
        } else if self.selected >= self.scroll + rows {
            self.scroll = self.selected + 1 - rows;
        }
        self.scroll = self.scroll.min(self.visible.len().saturating_sub(rows));
    }
}

/// The headings passing `query`, best first. The query is matched against
/// each heading's whole path, so "1.80 lang" finds "Language" under "Version
/// 1.80.0". When some paths hold every word of the query as written (any case)
/// only those are shown: in a changelog "1.80" must not bring back "1.8.0".
/// Otherwise the match is fuzzy (smart case), so a typo still finds its
/// heading. A heading whose own text holds the query as whole words ranks
/// above one that holds it inside a word, and both above the rest; ties keep
/// document order.
fn rank(headings: &Headings, query: &str) -> Vec<usize> {
    let query = query.trim();
    if query.is_empty() {
        return (0..headings.entries.len()).collect();
    }
    let needle = query.to_lowercase();
    let words: Vec<&str> = needle.split_whitespace().collect();
    let paths: Vec<String> = (0..headings.entries.len())
        .map(|i| headings.path_texts(i).join(" "))
        .collect();
    let bonus = |i: usize| {
        let own = headings.entries[i].text.to_lowercase();
        if contains_word(&own, &needle) {
            2_000_000
        } else if own.contains(&needle) {
            1_000_000
        } else {
            0
        }
    };
    let exact: Vec<usize> = paths
        .iter()
        .enumerate()
        .filter(|(_, path)| {
            let path = path.to_lowercase();
            words.iter().all(|w| path.contains(w))
        })
        .map(|(i, _)| i)
        .collect();
    let mut scored: Vec<(u32, usize)> = if exact.is_empty() {
        let mut matcher = Matcher::new(MatcherConfig::DEFAULT);
        let pattern = Pattern::parse(query, CaseMatching::Smart, Normalization::Smart);
        let mut buf = Vec::new();
        paths
            .iter()
            .enumerate()
            .filter_map(|(i, hay)| {
                let score = pattern.score(Utf32Str::new(hay, &mut buf), &mut matcher)?;
                Some((score + bonus(i), i))
            })
            .collect()
    } else {
        exact.into_iter().map(|i| (bonus(i), i)).collect()
    };
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().map(|(_, i)| i).collect()
}

/// True when `needle` occurs in `hay` bounded by non-alphanumerics.
fn contains_word(hay: &str, needle: &str) -> bool {
    hay.match_indices(needle).any(|(i, m)| {
        let before = hay[..i].chars().next_back();
        let after = hay[i + m.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

impl App {
    /// Brings the heading index up to date with the open article.
    pub(super) fn refresh_headings(&mut self) {
        match &self.reader {
            Some(reader) => self.headings.refresh(reader.article, &reader.doc),
            None => self.headings.clear(),
        }
    }

    /// Keeps the outline's selected heading in view (after a resize).
    pub(super) fn keep_outline_visible(&mut self) {
        let rows = self.outline_rows();
        if let Mode::Outline(outline) = &mut self.mode {
            outline.keep_visible(rows);
        }
    }

    /// The names of the sections holding the reader's cursor, outermost
    /// first, for the status bar.
    pub fn section_names(&self) -> Vec<&str> {
        match &self.reader {
            Some(reader) => self.headings.section_names(reader.cursor),
            None => Vec::new(),
        }
    }

    /// The outline, when it is open.
    pub fn outline(&self) -> Option<&Outline> {
        match &self.mode {
            Mode::Outline(outline) => Some(outline),
            _ => None,
        }
    }

    /// Where the outline is drawn: over the reader pane, as wide as the
    /// text column and its frame (headings are short; a 200-column pane of
    /// them would be mostly empty), centred on it.
    pub fn outline_area(&self) -> Rect {
        outline_area(self.areas().reader, self.config.reader.reading_width)
    }

    /// Rows of headings the outline shows: its area inside the border.
    pub fn outline_rows(&self) -> usize {
        usize::from(self.outline_area().height.saturating_sub(2)).max(1)
    }

    /// Opens the outline over the whole article: the rest of a large article
    /// is parsed first, so no heading is missing.
    pub(super) fn open_outline(&mut self) {
        let Some(reader) = &mut self.reader else {
            self.info("open an article first");
            return;
        };
        reader.doc.ensure_complete();
        self.refresh_headings();
        if self.headings.entries.is_empty() {
            self.info("this article has no headings");
            return;
        }
        let current = self
            .reader
            .as_ref()
            .and_then(|r| self.headings.at(r.cursor));
        let mut outline = Outline::open(&self.headings, current);
        outline.keep_visible(self.outline_rows());
        // The selected (current) heading in the middle, when there is room.
        let rows = self.outline_rows();
        outline.scroll = outline
            .selected
            .saturating_sub(rows / 2)
            .min(outline.visible.len().saturating_sub(rows));
        self.mode = Mode::Outline(Box::new(outline));
    }

    /// A message while the outline is open.
    pub(super) fn on_outline(&mut self, mut outline: Box<Outline>, msg: super::Msg) -> Vec<Effect> {
        use super::Msg;
        let rows = self.outline_rows();
        let page = rows as isize;
        match msg {
            Msg::Action(action) if outline.filtering => match action {
                Action::Submit => return self.jump_to_heading(outline.selected_heading()),
                Action::Back => {
                    outline.filter.clear();
                    outline.filtering = false;
                    outline.refilter(&self.headings);
                }
                Action::DeleteChar => {
                    outline.filter.pop();
                    outline.refilter(&self.headings);
                }
                Action::ClearText => {
                    outline.filter.clear();
                    outline.refilter(&self.headings);
                }
                Action::ListDown => outline.move_by(1),
                Action::ListUp => outline.move_by(-1),
                Action::Quit if outline.filter.is_empty() => return self.apply(Action::Quit),
                Action::Quit => {
                    self.ask_quit("the outline filter you typed", None);
                    return Vec::new();
                }
                _ => {}
            },
            Msg::Action(action) => match action {
                Action::ListDown => outline.move_by(1),
                Action::ListUp => outline.move_by(-1),
                Action::ListFirst => outline.selected = 0,
                Action::ListLast => outline.selected = outline.visible.len().saturating_sub(1),
                Action::PageDown | Action::PageUp | Action::HalfPageDown | Action::HalfPageUp => {
                    let delta = match action {
                        Action::PageDown => page,
                        Action::PageUp => -page,
                        Action::HalfPageDown => (page / 2).max(1),
                        _ => -(page / 2).max(1),
                    };
                    outline.move_by(delta);
                    outline.scroll = outline.scroll.saturating_add_signed(delta);
                }
                Action::OpenArticle => return self.jump_to_heading(outline.selected_heading()),
                Action::FilterList => outline.filtering = true,
                Action::Back | Action::Outline => return Vec::new(),
                Action::Quit => return self.apply(Action::Quit),
                _ => {}
            },
            Msg::Type(c) => {
                outline.filtering = true;
                outline.filter.push(c);
                outline.refilter(&self.headings);
            }
            _ => {}
        }
        outline.keep_visible(rows);
        self.mode = Mode::Outline(outline);
        Vec::new()
    }

    /// Pasted text goes into the outline's filter.
    pub(super) fn paste_into_outline(&mut self, text: &str) {
        let headings = &self.headings;
        if let Mode::Outline(outline) = &mut self.mode {
            outline.filtering = true;
            outline
                .filter
                .extend(text.chars().filter(|&c| crate::document::fits_a_field(c)));
            outline.refilter(headings);
        }
    }

    /// The mouse over the outline: the wheel moves the selection, a click on
    /// a heading jumps to it, a click outside closes the outline.
    pub(super) fn on_outline_pointer(&mut self, pointer: Pointer) -> Vec<Effect> {
        let area = self.outline_area();
        let rows = self.outline_rows();
        let Mode::Outline(outline) = &mut self.mode else {
            return Vec::new();
        };
        match pointer {
            Pointer::Wheel { down, .. } => {
                outline.move_by(if down { 3 } else { -3 });
                outline.keep_visible(rows);
            }
            Pointer::Press { column, row } => {
                let inside = column > area.x
                    && column + 1 < area.right()
                    && row > area.y
                    && row + 1 < area.bottom();
                if !inside {
                    self.mode = Mode::Browse;
                    return Vec::new();
                }
                let entry = outline.scroll + usize::from(row - area.y - 1);
                if entry < outline.visible.len() {
                    outline.selected = entry;
                    let target = outline.selected_heading();
                    self.mode = Mode::Browse;
                    return self.jump_to_heading(target);
                }
            }
            Pointer::Drag { .. } | Pointer::Release => {}
        }
        Vec::new()
    }

    /// Closes the outline and puts the cursor on heading `i`, the heading
    /// near the top of the view.
    fn jump_to_heading(&mut self, i: Option<usize>) -> Vec<Effect> {
        self.mode = Mode::Browse;
        let Some(offset) = i
            .and_then(|i| self.headings.entries.get(i))
            .map(|h| h.offset)
        else {
            return Vec::new();
        };
        if let Some(reader) = &mut self.reader {
            reader.clear_selection();
            reader.reveal(offset);
            reader.cursor_to(offset);
        }
        self.position_effect().into_iter().collect()
    }

    /// Moves the cursor to the next heading (parsing ahead when the article
    /// is not parsed that far yet) or to the previous one; returns the
    /// status message when there is none.
    pub(super) fn heading_motion(&mut self, backward: bool) -> Option<String> {
        let reader = self.reader.as_mut()?;
        let cursor = reader.cursor;
        let target = if backward {
            self.headings.before(cursor)
        } else {
            loop {
                self.headings.refresh(reader.article, &reader.doc);
                if let Some(i) = self.headings.after(cursor) {
                    break Some(i);
                }
                if reader.doc.is_complete() {
                    break None;
                }
                reader.doc.parse_more(PARSE_STEP);
            }
        };
        let Some(offset) = target
            .and_then(|i| self.headings.entries.get(i))
            .map(|h| h.offset)
        else {
            return Some(
                if backward {
                    "no heading above"
                } else {
                    "no heading below"
                }
                .into(),
            );
        };
        reader.reveal(offset);
        reader.cursor_to(offset);
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Format, ParseOptions};

    fn doc(src: &str) -> Document {
        Document::parse_complete(src, Format::Markdown, ParseOptions::default())
    }

    const CHANGELOG: &str = "# Notes\n\nIntro.\n\n## Version 1.95\n\n### Language\n\nA.\n\n### Compiler\n\nB.\n\n## Version 1.94\n\n### Language\n\nC.\n";

    #[test]
    fn headings_know_their_sections() {
        let d = doc(CHANGELOG);
        let mut h = Headings::default();
        h.refresh(ArticleId(0), &d);
        let texts: Vec<_> = h
            .entries
            .iter()
            .map(|e| (e.level, e.text.as_str()))
            .collect();
        assert_eq!(
            texts,
            [
                (1, "Notes"),
                (2, "Version 1.95"),
                (3, "Language"),
                (3, "Compiler"),
                (2, "Version 1.94"),
                (3, "Language")
            ]
        );
        let at_c = d.text().find("C.").unwrap();
        // The sole level-1 heading is the title: not part of the path.
        assert_eq!(h.section_names(at_c), ["Version 1.94", "Language"]);
        let at_b = d.text().find("B.").unwrap();
        assert_eq!(h.section_names(at_b), ["Version 1.95", "Compiler"]);
        assert_eq!(h.section_names(0), ["Notes"]);
    }

    #[test]
    fn a_changelog_of_many_top_headings_keeps_them_in_the_path() {
        let d = doc("# Version 2\n\n## Language\n\nA.\n\n# Version 1\n\n## Language\n\nB.\n");
        let mut h = Headings::default();
        h.refresh(ArticleId(0), &d);
        let at_a = d.text().find("A.").unwrap();
        assert_eq!(h.section_names(at_a), ["Version 2", "Language"]);
    }

    #[test]
    fn refresh_looks_only_at_new_blocks_and_notices_a_new_document() {
        let big: String = (0..3000)
            .map(|i| format!("## Part {i}\n\n{}\n\n", "Words and more words. ".repeat(20)))
            .collect();
        let mut d = Document::new(&big, Format::Markdown, ParseOptions::default());
        let mut h = Headings::default();
        h.refresh(ArticleId(3), &d);
        let first = h.entries.len();
        assert!(first > 0 && first < 3000, "{first}");
        d.ensure_complete();
        h.refresh(ArticleId(3), &d);
        assert_eq!(h.entries.len(), 3000);
        assert_eq!(h.entries[2999].text, "Part 2999");
        // A reload (a shorter document) starts over.
        h.refresh(ArticleId(3), &doc("# Only\n"));
        assert_eq!(h.entries.len(), 1);
    }

    #[test]
    fn paths_are_shortened_from_the_middle_then_to_the_last_name() {
        let names = ["Version 1.95 (2026-04-16)", "Libraries", "Stabilized APIs"];
        assert_eq!(
            fit_path(&names, 80),
            "Version 1.95 (2026-04-16) > Libraries > Stabilized APIs"
        );
        assert_eq!(
            fit_path(&names, 50),
            "Version 1.95 (2026-04-16) > … > Stabilized APIs"
        );
        assert_eq!(fit_path(&names, 35), "Version 1.95… > … > Stabilized APIs");
        assert_eq!(fit_path(&names, 25), "… > Stabilized APIs");
        assert_eq!(fit_path(&names, 10), "Stabilize…");
        assert_eq!(fit_path(&[], 10), "");
        let two = ["Version 1.95 (2026-04-16)", "Language"];
        assert_eq!(fit_path(&two, 25), "Version 1.95… > Language");
        assert_eq!(fit_path(&["Only"], 3), "On…");
    }

    #[test]
    fn filter_matches_the_path_and_ranks_the_heading_itself_first() {
        let d = doc(CHANGELOG);
        let mut h = Headings::default();
        h.refresh(ArticleId(0), &d);
        let texts = |v: Vec<usize>| -> Vec<String> {
            v.into_iter().map(|i| h.path_texts(i).join(">")).collect()
        };
        assert_eq!(
            texts(rank(&h, "1.94 lang")),
            ["Notes>Version 1.94>Language"]
        );
        let lang = texts(rank(&h, "language"));
        assert_eq!(lang.len(), 2, "{lang:?}");
        assert_eq!(rank(&h, "").len(), 6);
        assert!(rank(&h, "zzz").is_empty());
    }
}
