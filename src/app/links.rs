//! Following links: what a link's target is (a place in this article, another
//! Markdown or text file, a web address, something to be careful with), the
//! link list (`L`) that shows them all with their targets, and the trail of
//! places a followed link left, so the back key returns to the exact line and
//! cursor. Nothing here touches the disk or the terminal: opening another file
//! or a browser is an [`Effect`] for the session.

mod picker;
mod target;

pub use picker::{LinkEntry, LinkPicker, entry_rows, picker_area};
pub use target::{
    Target, classify, elide_middle, is_text_path, may_ever_open, opens_without_asking,
    percent_decode, scheme,
};

use crossterm::event::KeyEvent;
use std::ops::Range;

use ratatui::layout::Position;

use super::list::ArticleId;
use super::reader::Reader;
use super::{App, Confirm, Effect, Mode, Msg, Pointer};
use crate::document::epub::BookPlace;
use crate::document::{Document, Link, sanitize};
use crate::keymap::{Action, Context};
use crate::layout::{LineKind, LinePos};
use crate::library::Article;

/// A place in an article to come back to: the top line, the cursor and the
/// width they were laid out at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    /// The article.
    pub article: ArticleId,
    /// The first screen line shown.
    pub top: LinePos,
    /// The first text in view, for when the width changed meanwhile.
    pub top_offset: usize,
    /// The cursor.
    pub cursor: usize,
    /// The text column's width `top` belongs to.
    pub width: u16,
}

/// Places followed links left, most recent last, so the back key can return
/// through them in turn; the trail lasts for the session.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trail {
    /// Where to go back to.
    pub back: Vec<Place>,
}

/// Most places the trail keeps; the oldest are dropped beyond it.
const TRAIL_LIMIT: usize = 100;

impl Trail {
    /// Remembers a place to return to.
    pub fn push(&mut self, place: Place) {
        if self.back.len() >= TRAIL_LIMIT {
            self.back.remove(0);
        }
        self.back.push(place);
    }
}

/// The link whose text holds `offset`.
pub fn link_at(doc: &Document, offset: usize) -> Option<&Link> {
    doc.links()
        .iter()
        .find(|l| l.range.start <= offset && offset < l.range.end)
}

/// The text range in view in the reader, for marking links on screen.
fn screen_range(reader: &mut Reader) -> Range<usize> {
    let visible = reader.visible();
    let Some(layout) = reader.layout() else {
        return 0..0;
    };
    let mut ranges = visible
        .iter()
        .filter_map(|pos| layout.line(*pos))
        .filter(|line| line.kind == LineKind::Text)
        .map(|line| line.range.clone());
    let first = ranges.next();
    let last = ranges.next_back().or_else(|| first.clone());
    match (first, last) {
        (Some(f), Some(l)) => f.start..l.end,
        _ => 0..0,
    }
}

impl App {
    /// The link the reader's cursor is on, or the first one the selection
    /// touches: its target, for the status bar.
    pub fn link_under_cursor(&self) -> Option<&Link> {
        let reader = self.reader.as_ref()?;
        match reader.selection() {
            Some(range) => reader
                .doc
                .links()
                .iter()
                .filter(|l| l.range.start < range.end && l.range.end > range.start)
                .min_by_key(|l| l.range.start),
            // The cursor sits at the start of its word; a link inside the
            // word (a footnote marker right after it) counts too.
            None => link_at(&reader.doc, reader.cursor).or_else(|| {
                let word = reader.cursor_word();
                reader
                    .doc
                    .links()
                    .iter()
                    .filter(|l| l.range.start < word.end && l.range.end > word.start)
                    .min_by_key(|l| l.range.start)
            }),
        }
    }

    /// The open link list, if any.
    pub fn link_picker(&self) -> Option<&LinkPicker> {
        match &self.mode {
            Mode::Links(picker) => Some(picker),
            _ => None,
        }
    }

    /// Opens the link list over the reader.
    pub(super) fn open_link_list(&mut self) {
        let Some(reader) = self.reader.as_mut() else {
            self.info("open an article first");
            return;
        };
        // Every link, not only those parsed so far.
        reader.doc.ensure_complete();
        let screen = screen_range(reader);
        let picker = LinkPicker::new(&reader.doc, screen, reader.cursor);
        if picker.entries.is_empty() {
            self.info("this article has no links");
            return;
        }
        let mut picker = Box::new(picker);
        picker.keep_visible(self.link_rows(&picker));
        self.mode = Mode::Links(picker);
    }

    /// Rows the link list has for entries on the current screen.
    fn link_rows(&self, picker: &LinkPicker) -> usize {
        usize::from(entry_rows(picker_area(&self.areas()), picker).height)
    }

    /// A key's message in the link list.
    pub(super) fn on_links(&mut self, mut picker: Box<LinkPicker>, msg: Msg) -> Vec<Effect> {
        let page = self.link_rows(&picker).max(2) as isize - 1;
        match msg {
            Msg::Action(Action::FollowLink) => {
                let chosen = picker.chosen().map(|e| (e.target.clone(), e.start));
                return match chosen {
                    Some((target, from)) => self.follow(&target, from),
                    None => {
                        self.info("no link matches the filter");
                        self.mode = Mode::Links(picker);
                        Vec::new()
                    }
                };
            }
            Msg::Action(Action::CopyLink) => {
                if let Some(target) = picker.chosen().map(|e| e.target.clone()) {
                    self.info(format!(
                        "copied {} to the clipboard",
                        elide_middle(&target, 60)
                    ));
                    // Open still: another link may be copied or followed.
                    self.mode = Mode::Links(picker);
                    return vec![Effect::Copy(target)];
                }
            }
            // A link filter is not work to keep: quitting asks only for
            // what quitting from the reader would ask about.
            Msg::Action(Action::Quit) => return self.apply(Action::Quit),
            Msg::Action(Action::Back) if picker.filtering || !picker.filter.is_empty() => {
                picker.filtering = false;
                picker.filter.clear();
                picker.selected = 0;
            }
            Msg::Action(Action::Back | Action::LinkList) => return Vec::new(),
            Msg::Action(Action::ListDown) => picker.move_by(1),
            Msg::Action(Action::ListUp) => picker.move_by(-1),
            Msg::Action(Action::PageDown) => picker.move_by(page),
            Msg::Action(Action::PageUp) => picker.move_by(-page),
            Msg::Action(Action::ListFirst) => picker.selected = 0,
            Msg::Action(Action::ListLast) => picker.move_by(isize::MAX),
            Msg::Action(Action::FilterList) => picker.filtering = true,
            Msg::Action(Action::DeleteChar) => {
                picker.filter.pop();
                picker.selected = 0;
            }
            Msg::Action(Action::ClearText) => {
                picker.filter.clear();
                picker.selected = 0;
            }
            Msg::Type(c) => {
                picker.filtering = true;
                picker.filter.push(c);
                picker.selected = 0;
            }
            _ => {}
        }
        let rows = self.link_rows(&picker);
        picker.keep_visible(rows);
        self.mode = Mode::Links(picker);
        Vec::new()
    }

    /// Pasted text goes into the link list's filter.
    pub(super) fn paste_into_links(&mut self, text: &str) {
        let rows = match &self.mode {
            Mode::Links(p) => self.link_rows(p),
            _ => return,
        };
        if let Mode::Links(picker) = &mut self.mode {
            picker.filtering = true;
            picker
                .filter
                .extend(text.chars().filter(|&c| crate::document::fits_a_field(c)));
            picker.selected = 0;
            picker.keep_visible(rows);
        }
    }

    /// The mouse over the link list: the wheel moves the selection, a click
    /// follows the entry clicked, a click outside closes the list.
    pub(super) fn on_links_pointer(&mut self, pointer: Pointer) -> Vec<Effect> {
        let area = picker_area(&self.areas());
        let Mode::Links(picker) = &mut self.mode else {
            return Vec::new();
        };
        let rows = entry_rows(area, picker);
        match pointer {
            Pointer::Wheel { down, .. } => {
                picker.move_by(if down { 1 } else { -1 });
                picker.keep_visible(usize::from(rows.height));
            }
            Pointer::Press { column, row } => {
                let at = Position::new(column, row);
                if !area.contains(at) {
                    self.mode = Mode::Browse;
                } else if rows.contains(at) {
                    let line = picker.scroll + usize::from(row - rows.y);
                    if line < picker.shown().len() {
                        picker.selected = line;
                        let picker = match std::mem::take(&mut self.mode) {
                            Mode::Links(p) => p,
                            other => {
                                self.mode = other;
                                return Vec::new();
                            }
                        };
                        return self.on_links(picker, Msg::Action(Action::FollowLink));
                    }
                }
            }
            Pointer::Drag { .. } | Pointer::Release => {}
        }
        Vec::new()
    }

    /// Enter in the reader on a link, with nothing selected and no highlight
    /// under the cursor (where Enter would only explain itself): follows it.
    pub(super) fn enter_follows_link(&self) -> bool {
        self.reader
            .as_ref()
            .is_some_and(|r| r.selection().is_none())
            && self.highlight_under_cursor().is_none()
            && self.link_under_cursor().is_some()
    }

    /// Follows the link under the cursor.
    pub(super) fn follow_under_cursor(&mut self) -> Vec<Effect> {
        match self
            .link_under_cursor()
            .map(|l| (l.url.clone(), l.range.start))
        {
            Some((url, from)) => self.follow(&url, from),
            None => {
                let l = self.key_or(Context::Reader, Action::LinkList, "L");
                self.info(format!(
                    "no link under the cursor: {l} lists the article's links"
                ));
                Vec::new()
            }
        }
    }

    /// The place the reader is at, to come back to.
    fn here(&mut self) -> Option<Place> {
        let width = self.areas().text.width;
        let reader = self.reader.as_mut()?;
        Some(Place {
            article: reader.article,
            top: reader.top,
            top_offset: reader.top_offset().unwrap_or(0),
            cursor: reader.cursor,
            width,
        })
    }

    /// Follows a link's target (the link's text starts at `from`): a place
    /// in this article (in a book, another chapter of it too), another
    /// file, or the system opener (asking first for an unusual scheme).
    pub(super) fn follow(&mut self, url: &str, from: usize) -> Vec<Effect> {
        let Some(here) = self.here() else {
            return Vec::new();
        };
        let back = self.key_or(Context::Reader, Action::GoBack, "backspace");
        let target = classify(url);
        if let Some(effects) = self.follow_in_book(&target, from, here) {
            return effects;
        }
        match target {
            Target::Anchor(name) => {
                let Some(reader) = self.reader.as_mut() else {
                    return Vec::new();
                };
                reader.doc.ensure_complete();
                match reader.doc.find_anchor(&name) {
                    Some(at) => {
                        self.links.push(here);
                        reader.reveal(at);
                        reader.cursor_to(at);
                        reader.clear_selection();
                        self.info(format!("at #{} · {back} goes back", sanitize(&name)));
                        self.position_effect().into_iter().collect()
                    }
                    None => {
                        self.error(format!(
                            "no place called #{} in this article",
                            sanitize(&name)
                        ));
                        Vec::new()
                    }
                }
            }
            Target::File { path, fragment } => {
                let mut effects: Vec<Effect> = self.position_effect().into_iter().collect();
                effects.push(Effect::FollowFile {
                    from: here,
                    path,
                    fragment,
                });
                effects
            }
            Target::Open(url) => {
                vec![Effect::OpenUrl {
                    url,
                    confirmed: false,
                }]
            }
            Target::Ask(url) => {
                self.mode = Mode::ask(Confirm::OpenUrl(url.clone()));
                self.info(format!(
                    "{} is not a web address: open it with the system opener? y/n",
                    elide_middle(&url, 50)
                ));
                Vec::new()
            }
            Target::Refused(scheme) if scheme.is_empty() => {
                self.error("this link has no target");
                Vec::new()
            }
            Target::Refused(scheme) => {
                let y = self.key_or(Context::Links, Action::CopyLink, "y");
                self.error(format!(
                    "not opened: a {scheme}: link can run code (the link list's {y} copies it)"
                ));
                Vec::new()
            }
        }
    }

    /// In a book, a link to one of its own chapters (`chapter3.xhtml`,
    /// `chapter3.xhtml#section`) or to a place in the link's own chapter
    /// (`#section`, when the chapter has it: ids repeat across chapters)
    /// moves the reader there, as an `#anchor` link does in an article;
    /// `None` when the link leads out of the book (or this is no book).
    fn follow_in_book(&mut self, target: &Target, from: usize, here: Place) -> Option<Vec<Effect>> {
        let (path, fragment) = match target {
            Target::Anchor(name) => (None, Some(name.as_str())),
            Target::File { path, fragment } => (Some(path.as_str()), fragment.as_deref()),
            _ => return None,
        };
        let reader = self.reader.as_mut()?;
        if !reader.doc.is_book() {
            return None;
        }
        // Chapters past the ones parsed so far are looked in too.
        reader.doc.ensure_complete();
        let place = reader.doc.book_place(from, path, fragment)?;
        let at = match place {
            BookPlace::At(at) | BookPlace::ChapterOnly(at) => at,
        };
        reader.reveal(at);
        reader.cursor_to(at);
        reader.clear_selection();
        self.links.push(here);
        let back = self.key_or(Context::Reader, Action::GoBack, "backspace");
        let named = match (fragment, path) {
            (Some(f), _) => format!("#{f}"),
            (None, Some(p)) => p.rsplit('/').next().unwrap_or(p).to_string(),
            (None, None) => String::new(),
        };
        match place {
            BookPlace::At(_) => self.info(format!("at {} · {back} goes back", sanitize(&named))),
            BookPlace::ChapterOnly(_) => self.error(format!(
                "no place called {} in that chapter: at its start · {back} goes back",
                sanitize(&named)
            )),
        }
        Some(self.position_effect().into_iter().collect())
    }

    /// Goes back to where the last followed link was.
    pub(super) fn go_back(&mut self) -> Vec<Effect> {
        let Some(place) = self.links.back.pop() else {
            let l = self.key_or(Context::Reader, Action::LinkList, "L");
            self.info(format!("nowhere to go back to: follow a link first ({l})"));
            return Vec::new();
        };
        let mut effects: Vec<Effect> = self.position_effect().into_iter().collect();
        if self
            .reader
            .as_ref()
            .is_some_and(|r| r.article == place.article)
        {
            self.land(place);
            effects.extend(self.position_effect());
        } else {
            effects.push(Effect::Return(place));
        }
        effects
    }

    /// Puts the open article's view and cursor back at `place` (after going
    /// back); the runtime calls it once a [`Effect::Return`] reopened it.
    pub fn land(&mut self, place: Place) {
        let width = self.areas().text.width;
        let Some(reader) = self.reader.as_mut() else {
            return;
        };
        if reader.article != place.article {
            return;
        }
        reader.clear_selection();
        reader.restore(place.top_offset);
        if width == place.width && reader.doc.blocks().len() > place.top.block {
            // The exact line (a blank line above the text counts), unless the
            // text changed meanwhile and that line is gone.
            let fallback = reader.top;
            reader.top = place.top;
            reader.fill();
            if reader.layout().and_then(|l| l.line(place.top)).is_none() {
                reader.top = fallback;
                reader.fill();
            }
        }
        let text = reader.doc.text();
        let cursor = crate::document::floor_char_boundary(text, place.cursor.min(text.len()));
        reader.cursor = cursor;
        self.focus = super::Focus::Reader;
        self.info("back");
    }

    /// After a linked file was opened as `opened` (the session or a test
    /// did): remembers where the link was, and goes to the link's `#place`.
    pub fn arrived(&mut self, from: Place, opened: ArticleId, fragment: Option<&str>) {
        if self.reader.as_ref().map(|r| r.article) != Some(opened) {
            return;
        }
        self.links.push(from);
        let back = self.key_or(Context::Reader, Action::GoBack, "backspace");
        let mut missing = None;
        if let (Some(name), Some(reader)) = (fragment, self.reader.as_mut()) {
            reader.doc.ensure_complete();
            match reader.doc.find_anchor(name) {
                Some(at) => {
                    reader.reveal(at);
                    reader.cursor_to(at);
                }
                None => missing = Some(name.to_string()),
            }
        }
        match missing {
            Some(name) => self.error(format!(
                "no place called #{} in this article · {back} goes back",
                sanitize(&name)
            )),
            None => self.info(format!("{back} goes back")),
        }
    }

    /// Adds an article found by following a link to the list, for this
    /// session only (the library on disk and in the config is unchanged).
    pub fn add_article(&mut self, article: Article) -> ArticleId {
        let id = self.list.add_kept(article);
        self.figures.grow(self.list.articles.len());
        let filter = self.list.filter.clone();
        self.list.set_filter(&filter);
        self.list.select_article(id.0);
        id
    }

    /// The message after a key in the link list routed as typed text, for
    /// keys the list does not bind.
    pub(super) fn links_typed(key: &KeyEvent) -> Option<Msg> {
        super::modes::typed(key, false).map(Msg::Type)
    }
}
