//! The library search mode (`F`): a query typed over the whole screen,
//! results streaming in from a background search (one entry per article,
//! with its match count and a snippet per matching line, notes and
//! highlights marked), and `Enter` opening the article at the chosen match
//! with every match of the query marked, so `n`/`N` go on from there.
//!
//! The state changes only through messages: keys (typed text, the mode
//! toggles, moving, Enter), [`Msg::LibraryFound`] batches and
//! [`Msg::LibraryDone`]. Every change of the query or its modes starts a new
//! search with a new generation number; results of an older one are
//! dropped, and the session cancels it.

use super::search::Search;
use super::{App, ArticleId, Effect, Mode, Msg};
use crate::keymap::Action;
use crate::search::job::{Done, Found, Request};
use crate::search::{ArticleHits, FileFigures, Hit, HitKind, Options, Place, Query};

/// The search being typed and what it found so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LibrarySearch {
    /// The query as typed.
    pub query: String,
    /// Whole word, regex, accents.
    pub options: Options,
    /// The search the results belong to.
    pub generation: u64,
    /// Articles with matches, in list order.
    pub results: Vec<ArticleResult>,
    /// Each article's place in the list when the search began (by
    /// article id), the order results are shown and searched in.
    rank: Vec<usize>,
    /// The list's [`ListState::version`](super::list::ListState::version)
    /// when the search began: when it changed by the scan's end, the
    /// search runs again over the articles as they are now.
    list_version: u64,
    /// The selected row (see [`LibrarySearch::rows`]).
    pub selected: usize,
    /// The first row shown.
    pub scroll: usize,
    /// Whether the user moved the selection (otherwise it stays on the
    /// first row while results stream in above and below).
    pub moved: bool,
    /// Where the search is.
    pub state: State,
}

/// Where a search is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum State {
    /// Nothing typed.
    Empty,
    /// Searching.
    Running,
    /// Finished, after this many articles.
    Done(usize),
    /// The query cannot run (a bad regular expression).
    Invalid(String),
}

/// One article's matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleResult {
    /// The article.
    pub article: ArticleId,
    /// Matches in its text and notes.
    pub count: usize,
    /// Matching lines: the text's first, then the notes'.
    pub hits: Vec<Hit>,
    /// The file's match count and length, to place a text match.
    pub file: Option<FileFigures>,
}

/// A row of the results: an article, or one of its matching lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Row {
    /// The article's entry (index into `results`).
    Article(usize),
    /// A matching line (indexes into `results` and its `hits`).
    Hit(usize, usize),
}

/// Where to put the reader once the chosen article is open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Jump {
    article: ArticleId,
    query: String,
    options: Options,
    target: Target,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    First,
    Text(Place, FileFigures),
    Highlight(String, HitKind),
}

/// What the app keeps of library search between uses of the mode.
#[derive(Debug, Default)]
pub struct Kept {
    /// The last search, shown again by `F` (its results keep filling while
    /// the reader is open).
    pub last: Option<Box<LibrarySearch>>,
    /// A jump waiting for its article to open.
    jump: Option<Jump>,
    /// The last generation given out.
    generation: u64,
}

impl LibrarySearch {
    /// An empty search with the configured modes.
    pub fn new(options: Options) -> Self {
        Self {
            query: String::new(),
            options,
            generation: 0,
            results: Vec::new(),
            rank: Vec::new(),
            list_version: 0,
            selected: 0,
            scroll: 0,
            moved: false,
            state: State::Empty,
        }
    }

    /// Every row, in order.
    pub fn rows(&self) -> Vec<Row> {
        let mut rows = Vec::new();
        for (i, r) in self.results.iter().enumerate() {
            rows.push(Row::Article(i));
            rows.extend((0..r.hits.len()).map(|j| Row::Hit(i, j)));
        }
        rows
    }

    /// Total matches found so far.
    pub fn matches(&self) -> usize {
        self.results.iter().map(|r| r.count).sum()
    }

    /// Adds one article part's matches, keeping list order and keeping the
    /// selection on the row it was on.
    fn add(&mut self, hits: ArticleHits) {
        let article = ArticleId(hits.article);
        let place = |id: ArticleId| (self.rank.get(id.0).copied().unwrap_or(usize::MAX), id);
        let at = place(article);
        let pos = self.results.partition_point(|r| place(r.article) < at);
        let start = self.row_of(pos);
        if let Some(existing) = self.results.get_mut(pos).filter(|r| r.article == article) {
            existing.count += hits.count;
            let old = existing.hits.len();
            let added = hits.hits.len();
            // The text's lines go before the notes'; rows after the ones
            // added move down with the selection on them.
            let after = if hits.file.is_some() {
                existing.file = hits.file;
                let notes = std::mem::take(&mut existing.hits);
                existing.hits = hits.hits;
                existing.hits.extend(notes);
                start
            } else {
                existing.hits.extend(hits.hits);
                start + old
            };
            if self.moved && self.selected > after {
                self.selected += added;
            }
            return;
        }
        let added = 1 + hits.hits.len();
        self.results.insert(
            pos,
            ArticleResult {
                article,
                count: hits.count,
                hits: hits.hits,
                file: hits.file,
            },
        );
        if self.moved && self.selected >= start {
            self.selected += added;
        }
    }

    /// The first row of `results[index]`.
    fn row_of(&self, index: usize) -> usize {
        self.results[..index].iter().map(|r| 1 + r.hits.len()).sum()
    }

    fn move_by(&mut self, delta: isize) {
        let last = self.rows().len().saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(delta).min(last);
        self.moved = true;
    }

    /// Keeps the selected row within `height` rows from `scroll`.
    pub fn keep_visible(&mut self, height: usize) {
        let height = height.max(1);
        if self.selected < self.scroll {
            self.scroll = self.selected;
        } else if self.selected >= self.scroll + height {
            self.scroll = self.selected + 1 - height;
        }
    }
}

impl App {
    /// `F`: opens the library search, with the last query and its results.
    pub(super) fn open_library_search(&mut self) -> Vec<Effect> {
        let search = self
            .library_search
            .last
            .take()
            .unwrap_or_else(|| Box::new(LibrarySearch::new(self.config.search)));
        self.open_over(Mode::LibrarySearch(search));
        Vec::new()
    }

    /// A key (or typed text) in the library search.
    pub(super) fn on_library_search(
        &mut self,
        mut search: Box<LibrarySearch>,
        msg: Msg,
    ) -> Vec<Effect> {
        let mut effects = Vec::new();
        let restart = match msg {
            Msg::Type(c) => {
                search.query.push(c);
                true
            }
            Msg::Paste(text) => {
                search
                    .query
                    .extend(text.chars().filter(|&c| crate::document::fits_a_field(c)));
                true
            }
            Msg::Action(Action::DeleteChar) => search.query.pop().is_some(),
            Msg::Action(Action::ClearText) => {
                search.query.clear();
                true
            }
            Msg::Action(Action::SearchWholeWord) => {
                search.options.whole_word = !search.options.whole_word;
                true
            }
            Msg::Action(Action::SearchRegex) => {
                search.options.regex = !search.options.regex;
                true
            }
            Msg::Action(Action::SearchAccents) => {
                search.options.fold_accents = !search.options.fold_accents;
                true
            }
            Msg::Action(Action::ListDown) => {
                search.move_by(1);
                false
            }
            Msg::Action(Action::ListUp) => {
                search.move_by(-1);
                false
            }
            Msg::Action(Action::PageDown) => {
                search.move_by(self.library_search_page());
                false
            }
            Msg::Action(Action::PageUp) => {
                search.move_by(-self.library_search_page());
                false
            }
            Msg::Action(Action::ListFirst) => {
                search.move_by(isize::MIN / 2);
                false
            }
            Msg::Action(Action::ListLast) => {
                search.move_by(isize::MAX / 2);
                false
            }
            Msg::Action(Action::Back) => {
                // Closed; the search goes on filling for the next `F`.
                self.library_search.last = Some(search);
                return effects;
            }
            Msg::Action(Action::Quit) => {
                effects.push(Effect::CancelLibrarySearch);
                effects.extend(self.apply(Action::Quit));
                return effects;
            }
            Msg::Action(Action::Submit) => {
                effects.extend(self.open_match(&search));
                self.library_search.last = Some(search);
                return effects;
            }
            _ => false,
        };
        if restart {
            effects.extend(self.restart_library_search(&mut search));
        }
        search.keep_visible(usize::from(self.screen.height.saturating_sub(4)));
        self.mode = Mode::LibrarySearch(search);
        effects
    }

    /// Rows a page key moves: the height of the results area.
    fn library_search_page(&self) -> isize {
        isize::try_from(self.screen.height.saturating_sub(4).max(1)).unwrap_or(1)
    }

    /// Starts the search for the query as it is now (or stops searching
    /// when it is empty or invalid).
    fn restart_library_search(&mut self, search: &mut LibrarySearch) -> Vec<Effect> {
        self.library_search.generation += 1;
        search.generation = self.library_search.generation;
        search.results.clear();
        search.selected = 0;
        search.scroll = 0;
        search.moved = false;
        search.list_version = self.list.version();
        if search.query.is_empty() {
            search.state = State::Empty;
            return vec![Effect::CancelLibrarySearch];
        }
        match Query::new(&search.query, search.options) {
            Ok(_) => {
                search.state = State::Running;
                let order = self.search_order();
                search.rank = vec![usize::MAX; self.list.articles.len()];
                for (place, &id) in order.iter().enumerate() {
                    if let Some(rank) = search.rank.get_mut(id) {
                        *rank = place;
                    }
                }
                vec![Effect::SearchLibrary(Request {
                    generation: search.generation,
                    query: search.query.clone(),
                    options: search.options,
                    order,
                })]
            }
            Err(e) => {
                search.state = State::Invalid(e.0);
                vec![Effect::CancelLibrarySearch]
            }
        }
    }

    /// The articles to search, in the order to search them: the list's as
    /// shown (so results fill the screen from the top), then the articles
    /// the list hides (archived, or filtered out), in arrival order.
    fn search_order(&self) -> Vec<usize> {
        let mut order = self.list.visible.clone();
        let mut shown = vec![false; self.list.articles.len()];
        for &id in &order {
            if let Some(s) = shown.get_mut(id) {
                *s = true;
            }
        }
        order.extend(
            (0..self.list.articles.len())
                .filter(|&id| !shown[id] && !self.list.is_gone(ArticleId(id))),
        );
        order
    }

    /// Runs the shown or kept search again over the whole library: called
    /// when a library scan ends, since a search started while the list was
    /// still filling covered only the articles listed then (nothing is
    /// done when no article was added, changed or removed since it began).
    pub(crate) fn refresh_library_search(&mut self) -> Vec<Effect> {
        let shown = matches!(self.mode, Mode::LibrarySearch(_));
        let taken = if shown {
            match std::mem::replace(&mut self.mode, Mode::Browse) {
                Mode::LibrarySearch(search) => Some(search),
                _ => None,
            }
        } else {
            self.library_search.last.take()
        };
        let Some(mut search) = taken else {
            return Vec::new();
        };
        let effects = if search.query.is_empty() || search.list_version == self.list.version() {
            Vec::new()
        } else {
            self.restart_library_search(&mut search)
        };
        if shown {
            self.mode = Mode::LibrarySearch(search);
        } else {
            self.library_search.last = Some(search);
        }
        effects
    }

    /// The search being shown or kept, if `generation` is its.
    fn library_search_of(&mut self, generation: u64) -> Option<&mut LibrarySearch> {
        let shown = match &mut self.mode {
            Mode::LibrarySearch(search) => Some(&mut **search),
            _ => None,
        };
        shown
            .or(self.library_search.last.as_deref_mut())
            .filter(|s| s.generation == generation)
    }

    /// A batch of matches from the background search.
    pub(super) fn search_found(&mut self, found: Found) {
        let height = usize::from(self.screen.height.saturating_sub(4));
        if let Some(search) = self.library_search_of(found.generation) {
            for hits in found.hits {
                search.add(hits);
            }
            search.keep_visible(height);
        }
    }

    /// The background search ended.
    pub(super) fn library_done(&mut self, done: Done) {
        if let Some(search) = self.library_search_of(done.generation)
            && !done.cancelled
        {
            search.state = State::Done(done.searched);
        }
    }

    /// Enter: opens the article of the selected row at that match.
    fn open_match(&mut self, search: &LibrarySearch) -> Vec<Effect> {
        let rows = search.rows();
        let Some(row) = rows.get(search.selected) else {
            return Vec::new();
        };
        let (index, target) = match *row {
            Row::Article(i) => (i, Target::First),
            Row::Hit(i, j) => {
                let result = &search.results[i];
                let hit = &result.hits[j];
                let target = match (hit.kind, hit.place, result.file, &hit.highlight) {
                    (HitKind::Text, Some(place), Some(file), _) => Target::Text(place, file),
                    (kind, _, _, Some(id)) => Target::Highlight(id.clone(), kind),
                    _ => Target::First,
                };
                (i, target)
            }
        };
        let article = search.results[index].article;
        self.library_search.jump = Some(Jump {
            article,
            query: search.query.clone(),
            options: search.options,
            target,
        });
        if self.reader.as_ref().is_some_and(|r| r.article == article) {
            self.land_library_jump();
            self.focus = super::Focus::Reader;
            self.fit_reader();
            return Vec::new();
        }
        vec![Effect::Open(article)]
    }

    /// Once the chosen article is open: every match of the query marked
    /// (the reader's search, so `n`/`N` go on), the cursor on the chosen one.
    pub(super) fn land_library_jump(&mut self) {
        let Some(jump) = self.library_search.jump.take() else {
            return;
        };
        let Some(reader) = self.reader.as_mut().filter(|r| r.article == jump.article) else {
            return;
        };
        let Ok(query) = Query::new(&jump.query, jump.options) else {
            return;
        };
        reader.doc.ensure_complete();
        let text = reader.doc.text();
        let matches = query.find_all(text);
        let current = match &jump.target {
            Target::First => (!matches.is_empty()).then_some(0),
            Target::Text(place, file) => {
                let shown = shown_at(&reader.doc, *place);
                place.pick(*file, &matches, text.len(), shown)
            }
            Target::Highlight(id, _) => {
                let id = crate::annotations::HighlightId::from(id.as_str());
                reader.notes.range_of(&id).map(|range| {
                    // On the highlight; the next match from there for n.
                    matches
                        .iter()
                        .position(|m| m.start >= range.start)
                        .unwrap_or(0)
                })
            }
        };
        let at = match (&jump.target, current) {
            (Target::Highlight(id, _), _) => reader
                .notes
                .range_of(&crate::annotations::HighlightId::from(id.as_str()))
                .map(|r| r.start),
            (_, Some(i)) => matches.get(i).map(|m| m.start),
            _ => None,
        };
        // Found only in markup the text does not show (a link's address):
        // the cursor goes where it is, and the status says why nothing is
        // marked.
        let in_markup = match (&jump.target, at) {
            (Target::Text(place, _), None) => shown_at(&reader.doc, *place),
            _ => None,
        };
        let at = at.or(in_markup);
        let search = Search {
            query: jump.query,
            matches,
            current: current.filter(|_| !matches!(jump.target, Target::Highlight(..))),
        };
        let status = match &jump.target {
            _ if in_markup.is_some() && search.matches.is_empty() => format!(
                "\"{}\" is in this article's markup (a link's address, say), not in its text: the cursor is where it is",
                search.query
            ),
            // Found in a note or a tag, which the text need not hold.
            Target::Highlight(_, kind) if *kind != HitKind::Text => {
                let what = match kind {
                    HitKind::Note => "note",
                    HitKind::Tag => "tags",
                    _ => "passage",
                };
                let mut status =
                    format!("on the highlight whose {what} holds \"{}\"", search.query);
                if !search.matches.is_empty() {
                    let n = search.matches.len();
                    status.push_str(&format!(
                        " · {n} match{} in the text",
                        if n == 1 { "" } else { "es" }
                    ));
                }
                status
            }
            _ => search.status(),
        };
        reader.search = Some(search);
        if let Some(offset) = at {
            reader.cursor_to(offset);
        }
        self.info(status);
    }
}

/// Where the document shows a match its file search found: the file's line
/// and column in the document's source, mapped to the canonical text. Only
/// for Markdown and plain text, whose source is the file's text (a web
/// page's or a book's matches were found in the canonical text itself, and
/// their ordinals agree).
fn shown_at(doc: &crate::document::Document, place: Place) -> Option<usize> {
    use crate::document::Format;
    if !matches!(doc.format(), Format::Markdown | Format::Plain) {
        return None;
    }
    let at = place.in_source(doc.source())?;
    // A match in markup the text does not show (a link target) maps to
    // the next text shown after it.
    let end = doc.source().len();
    doc.text_range(at.clone())
        .or_else(|| doc.text_range(at.start..end))
        .map(|r| r.start)
}
