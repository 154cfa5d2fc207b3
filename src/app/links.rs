//! Following links: what a link's target is (a place in this article, another
//! Markdown or text file, a web address, something to be careful with), the
//! link list (`L`) that shows them all with their targets, and the trail of
//! places a followed link left, so the back key returns to the exact line and
//! cursor. Nothing here touches the disk or the terminal: opening another file
//! or a browser is an [`Effect`] for the session.

use std::ops::Range;

use crossterm::event::KeyEvent;
use ratatui::layout::{Position, Rect};

use super::geometry::Areas;
use super::list::ArticleId;
use super::reader::Reader;
use super::{App, Confirm, Effect, Mode, Msg, Pointer};
use crate::document::{Document, Link, sanitize};
use crate::keymap::{Action, Context};
use crate::layout::{LineKind, LinePos};
use crate::library::Article;

/// Schemes whose links run code or smuggle content in (a browser would run a
/// `javascript:` URL): never handed to the system opener, only copied.
const REFUSED_SCHEMES: [&str; 3] = ["javascript", "vbscript", "data"];

/// Schemes the system opener gets without a question.
const SAFE_SCHEMES: [&str; 4] = ["http", "https", "mailto", "file"];

/// File extensions gloss reads itself when a link leads to them.
const TEXT_EXTENSIONS: [&str; 3] = ["md", "markdown", "txt"];

/// What following a link does, decided from its target alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// `#name`: a place in the open article.
    Anchor(String),
    /// A path (relative to the article's folder, or a `file:` URL) to a file
    /// gloss reads, with the `#place` to go to there.
    File {
        /// The path, percent-decoded, without the fragment.
        path: String,
        /// The part after `#`, if any.
        fragment: Option<String>,
    },
    /// A web or mail address, or a file gloss does not read: the system
    /// opener gets it.
    Open(String),
    /// A scheme gloss knows nothing about (`ftp:`, `irc:`...): opened only
    /// after the user says yes.
    Ask(String),
    /// A scheme that runs code (`javascript:`...): never opened.
    Refused(String),
}

/// The scheme of a URL (`https` in `https://x`), lower case, when it has
/// one: letters first, then letters, digits, `+`, `-` or `.`, then `:`. A
/// one-letter scheme is taken for a Windows drive (`C:\x`) and not counted.
pub fn scheme(url: &str) -> Option<String> {
    let (head, _) = url.split_once(':')?;
    let mut chars = head.chars();
    let first = chars.next()?;
    let valid = first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && head.len() > 1;
    valid.then(|| head.to_ascii_lowercase())
}

/// Whether the system opener may get `url` without asking: only web, mail
/// and file addresses, and a scheme-less path (the session has made it
/// absolute).
pub fn opens_without_asking(url: &str) -> bool {
    scheme(url).is_none_or(|s| SAFE_SCHEMES.contains(&s.as_str()))
}

/// Whether `url` may ever reach the system opener, even after a yes.
pub fn may_ever_open(url: &str) -> bool {
    !scheme(url).is_some_and(|s| REFUSED_SCHEMES.contains(&s.as_str()))
}

/// Decodes `%xx` escapes (a link to `My%20Notes.md`); an invalid escape or
/// a result that is not UTF-8 is kept as written.
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(h), Some(l)) = (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

/// Whether a path names a file gloss reads (by extension; a name without
/// one, like `LICENSE`, is tried as text too).
pub fn is_text_path(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => {
            TEXT_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str())
        }
        _ => true,
    }
}

/// What following `url` means.
pub fn classify(url: &str) -> Target {
    let url = url.trim();
    if let Some(name) = url.strip_prefix('#') {
        return Target::Anchor(percent_decode(name));
    }
    match scheme(url) {
        Some(s) if REFUSED_SCHEMES.contains(&s.as_str()) => Target::Refused(s),
        Some(s) if s == "file" => {
            let rest = &url[5..];
            let rest = rest.strip_prefix("//localhost").unwrap_or(rest);
            let rest = rest.strip_prefix("//").unwrap_or(rest);
            file_target(rest)
        }
        Some(s) if SAFE_SCHEMES.contains(&s.as_str()) => Target::Open(url.to_string()),
        Some(_) => Target::Ask(url.to_string()),
        None if url.is_empty() => Target::Refused(String::new()),
        None => file_target(url),
    }
}

/// A path link: gloss opens text files itself; others go to the opener
/// (the session makes the path absolute first).
fn file_target(path_and_more: &str) -> Target {
    let (path, fragment) = match path_and_more.split_once('#') {
        Some((p, f)) => (p, Some(percent_decode(f))),
        None => (path_and_more, None),
    };
    let path = path.split_once('?').map_or(path, |(p, _)| p);
    let path = percent_decode(path);
    if path.is_empty() {
        // `?x#y` alone: nothing to open but the place.
        return match fragment {
            Some(f) => Target::Anchor(f),
            None => Target::Refused(String::new()),
        };
    }
    // Whether gloss reads the file or the opener gets it is the session's
    // call, once it knows what the path is.
    Target::File {
        path,
        fragment: fragment.filter(|f| !f.is_empty()),
    }
}

/// `s` shortened to `width` cells by cutting its middle, so a long URL keeps
/// both its host and its last part ("https://exa…/page.md").
pub fn elide_middle(s: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthChar;
    let s = sanitize(s);
    let total: usize = s.chars().map(|c| c.width().unwrap_or(0)).sum();
    if total <= width {
        return s.into_owned();
    }
    if width == 0 {
        return String::new();
    }
    let room = width - 1;
    let head_room = room.div_ceil(2);
    let tail_room = room - head_room;
    let mut head = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > head_room {
            break;
        }
        used += w;
        head.push(c);
    }
    let mut tail: Vec<char> = Vec::new();
    let mut used = 0;
    for c in s.chars().rev() {
        let w = c.width().unwrap_or(0);
        if used + w > tail_room {
            break;
        }
        used += w;
        tail.push(c);
    }
    tail.reverse();
    format!("{head}…{}", tail.into_iter().collect::<String>())
}

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

/// One entry of the link list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkEntry {
    /// The link's text as the article shows it, on one line.
    pub text: String,
    /// The target as written.
    pub target: String,
    /// Where the link's text starts in the canonical text.
    pub start: usize,
    /// Whether the link is in view in the reader.
    pub on_screen: bool,
    /// Text and target in lower case, for the filter.
    haystack: String,
}

/// The link list's state (`Mode::Links`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinkPicker {
    /// Every link of the article, in document order.
    pub entries: Vec<LinkEntry>,
    /// The filter; every word must occur in a link's text or target.
    pub filter: String,
    /// Whether keys are typed into the filter.
    pub filtering: bool,
    /// Position of the selected entry among [`LinkPicker::shown`].
    pub selected: usize,
    /// First shown entry at the top of the list.
    pub scroll: usize,
}

impl LinkPicker {
    /// The list for `doc`, links inside `screen` marked as on screen, the
    /// one at `cursor` (else the first on screen) selected.
    pub fn new(doc: &Document, screen: Range<usize>, cursor: usize) -> Self {
        let entries: Vec<LinkEntry> = sorted_links(doc)
            .into_iter()
            .map(|link| {
                let text = crate::text::one_line(doc.slice(link.range.clone()));
                let target = sanitize(&link.url).into_owned();
                let haystack = format!("{text}\n{target}").to_lowercase();
                LinkEntry {
                    text,
                    target,
                    start: link.range.start,
                    on_screen: link.range.start < screen.end && link.range.end > screen.start,
                    haystack,
                }
            })
            .collect();
        let under = sorted_links(doc)
            .iter()
            .position(|l| l.range.start <= cursor && cursor < l.range.end.max(l.range.start + 1));
        let selected = under
            .or_else(|| entries.iter().position(|e| e.on_screen))
            .unwrap_or(0);
        Self {
            entries,
            selected,
            ..Self::default()
        }
    }

    /// The entries that pass the filter, as indices into `entries`.
    pub fn shown(&self) -> Vec<usize> {
        let words: Vec<String> = self
            .filter
            .split_whitespace()
            .map(str::to_lowercase)
            .collect();
        self.entries
            .iter()
            .enumerate()
            .filter(|(_, e)| words.iter().all(|w| e.haystack.contains(w.as_str())))
            .map(|(i, _)| i)
            .collect()
    }

    /// The selected entry, if any passes the filter.
    pub fn chosen(&self) -> Option<&LinkEntry> {
        let shown = self.shown();
        shown.get(self.selected).and_then(|&i| self.entries.get(i))
    }

    fn move_by(&mut self, delta: isize) {
        let last = self.shown().len().saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(delta).min(last);
    }

    /// Keeps the selection inside `rows` rows of list.
    pub fn keep_visible(&mut self, rows: usize) {
        let rows = rows.max(1);
        let count = self.shown().len();
        self.selected = self.selected.min(count.saturating_sub(1));
        if self.selected < self.scroll {
            self.scroll = self.selected;
        } else if self.selected >= self.scroll + rows {
            self.scroll = self.selected + 1 - rows;
        }
        self.scroll = self.scroll.min(count.saturating_sub(rows));
    }
}

/// The document's links by where their text starts (nested links end first
/// in the parser's order).
fn sorted_links(doc: &Document) -> Vec<&Link> {
    let mut links: Vec<&Link> = doc.links().iter().collect();
    links.sort_by_key(|l| (l.range.start, l.range.end));
    links
}

/// Where the link list is drawn: over both panes (the list pane is of no
/// use while choosing a link, and at 80 columns the reader alone is too
/// narrow for a link's text and its target side by side).
pub fn picker_area(areas: &Areas) -> Rect {
    let empty = |r: Rect| r.width == 0 || r.height == 0;
    match (empty(areas.list), empty(areas.reader)) {
        (false, false) => areas.list.union(areas.reader),
        (true, false) => areas.reader,
        _ => areas.list,
    }
}

/// The rows of entries inside the list's `area` (inside the border, below
/// the filter line when there is one).
pub fn entry_rows(area: Rect, picker: &LinkPicker) -> Rect {
    let inner = Rect {
        x: area.x.saturating_add(1),
        y: area.y.saturating_add(1),
        width: area.width.saturating_sub(2),
        height: area.height.saturating_sub(2),
    };
    let filter_line = u16::from(picker.filtering || !picker.filter.is_empty());
    Rect {
        y: inner.y.saturating_add(filter_line),
        height: inner.height.saturating_sub(filter_line),
        ..inner
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
                let chosen = picker.chosen().map(|e| e.target.clone());
                return match chosen {
                    Some(target) => self.follow(&target),
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
        match self.link_under_cursor().map(|l| l.url.clone()) {
            Some(url) => self.follow(&url),
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

    /// Follows a link's target: a place in this article, another file, or
    /// the system opener (asking first for an unusual scheme).
    pub(super) fn follow(&mut self, url: &str) -> Vec<Effect> {
        let Some(here) = self.here() else {
            return Vec::new();
        };
        let back = self.key_or(Context::Reader, Action::GoBack, "backspace");
        match classify(url) {
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
        let id = ArticleId(self.list.articles.len());
        self.list.articles.push(article);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_classified_by_scheme_and_path() {
        assert_eq!(classify("#install"), Target::Anchor("install".into()));
        assert_eq!(
            classify("docs/My%20Notes.md#usage"),
            Target::File {
                path: "docs/My Notes.md".into(),
                fragment: Some("usage".into())
            }
        );
        assert_eq!(
            classify("https://example.com/a"),
            Target::Open("https://example.com/a".into())
        );
        assert_eq!(
            classify("mailto:a@b.c"),
            Target::Open("mailto:a@b.c".into())
        );
        assert_eq!(
            classify("JavaScript:alert(1)"),
            Target::Refused("javascript".into())
        );
        assert_eq!(classify("data:text/html,x"), Target::Refused("data".into()));
        assert_eq!(
            classify("ftp://host/file"),
            Target::Ask("ftp://host/file".into())
        );
        assert_eq!(
            classify("file:///tmp/x.txt"),
            Target::File {
                path: "/tmp/x.txt".into(),
                fragment: None
            }
        );
        assert_eq!(classify(""), Target::Refused(String::new()));
    }

    #[test]
    fn only_web_mail_and_file_open_without_asking() {
        assert!(opens_without_asking("https://x"));
        assert!(opens_without_asking("/abs/path/image.png"));
        assert!(!opens_without_asking("javascript:alert(1)"));
        assert!(!opens_without_asking("ssh://host"));
        assert!(!may_ever_open(" javascript:x".trim()));
        assert!(!may_ever_open("VBScript:x"));
        assert!(may_ever_open("ftp://x"));
    }

    #[test]
    fn long_targets_lose_their_middle() {
        let url = "https://example.com/a/very/long/path/to/some/page.html";
        let short = elide_middle(url, 21);
        assert_eq!(short, "https://ex…/page.html");
        assert_eq!(elide_middle("short", 10), "short");
        assert_eq!(elide_middle("a\u{1b}[31mb", 40), "a␛[31mb");
    }

    #[test]
    fn text_paths_are_told_by_extension() {
        assert!(is_text_path("a/b.MD"));
        assert!(is_text_path("LICENSE"));
        assert!(is_text_path("notes.txt"));
        assert!(!is_text_path("logo.png"));
        assert!(is_text_path(".hidden"));
    }
}
