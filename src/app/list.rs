//! The list pane's state: which articles are shown (after the filter) and which
//! one is selected.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::path::PathBuf;

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config as MatcherConfig, Matcher, Utf32Str, Utf32String};

use chrono::{DateTime, Utc};

use super::{App, ENTRY_HEIGHT, Effect, Focus};
use crate::keymap::{Action, Context};
use crate::library::order::{ReadingState, Sort, StateFilter, natural, sort_key};
use crate::library::{Article, Skipped, Source};

/// Which article of the library, wherever it is referred to (effects, the
/// open reader, per-article figures): its place in the scanned library, typed
/// so it cannot be confused with a row of the filtered list or a highlight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ArticleId(pub usize);

/// What the list shows for one article besides its title.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ArticleFigures {
    /// Reading progress, 0..=1, once the article was read.
    pub progress: Option<f64>,
    /// How many highlights it has.
    pub highlights: usize,
    /// When its reading position was last saved, so the list can start on
    /// the article read last.
    pub read_at: Option<DateTime<Utc>>,
    /// Whether it was archived (`x`), and when that was set, as its notes
    /// file records it.
    pub archived: Option<crate::annotations::Stamped<bool>>,
}

impl ArticleFigures {
    /// Where the reader is with the article.
    pub fn state(&self) -> ReadingState {
        ReadingState::of(self.progress, self.archived.is_some_and(|a| a.value))
    }
}

/// The figures of every article, by [`ArticleId`]: one place instead of
/// parallel vectors that could fall out of step.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Figures(Vec<ArticleFigures>);

impl Figures {
    /// Empty figures for `count` articles.
    pub fn new(count: usize) -> Self {
        Self(vec![ArticleFigures::default(); count])
    }

    /// The figures of one article.
    pub fn get(&self, id: ArticleId) -> Option<&ArticleFigures> {
        self.0.get(id.0)
    }

    /// Makes room for articles added to the library during the session
    /// (a file opened by following a link).
    pub fn grow(&mut self, count: usize) {
        if self.0.len() < count {
            self.0.resize(count, ArticleFigures::default());
        }
    }

    /// The figures of one article, to update.
    pub fn get_mut(&mut self, id: ArticleId) -> Option<&mut ArticleFigures> {
        self.0.get_mut(id.0)
    }

    /// The article whose reading position was saved last, if any was.
    pub fn read_last(&self) -> Option<ArticleId> {
        self.0
            .iter()
            .enumerate()
            .filter_map(|(i, f)| Some((f.read_at?, i)))
            // The earlier article wins a tie, as in the list's order.
            .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)))
            .map(|(_, i)| ArticleId(i))
    }
}

/// What the list keeps per article to order and filter 10,000 of them on
/// every keystroke without allocating: sort keys and the text the filter
/// matches, made once when the article arrives.
#[derive(Debug, Clone)]
struct Keys {
    title: String,
    author: Option<String>,
    file: String,
    /// Title, author and file name, for the fuzzy matcher.
    hay: Utf32String,
    /// The same in lower case, for the substring and whole-word bonuses.
    lower: String,
}

impl Keys {
    fn of(article: &Article) -> Self {
        let file = article.source.file_name();
        let mut hay = article.title.clone();
        if let Some(author) = &article.meta.author {
            hay.push(' ');
            hay.push_str(author);
        }
        if file != article.title {
            hay.push(' ');
            hay.push_str(&file);
        }
        Self {
            title: sort_key(&article.title),
            author: article.meta.author.as_deref().map(sort_key),
            file: sort_key(&file),
            lower: hay.to_lowercase(),
            hay: Utf32String::from(hay.as_str()),
        }
    }
}

/// What the list needs of an article's figures to order and filter it,
/// copied from [`Figures`] when the list is re-ordered (not at every save,
/// so the list does not jump while one reads).
#[derive(Debug, Clone, Copy, Default)]
struct Facts {
    state: Option<ReadingState>,
    highlights: usize,
    read_at: Option<DateTime<Utc>>,
}

/// The scan number of articles added for the session only, which no scan
/// drops.
const KEPT: u64 = u64::MAX;

/// The background scan as the status bar tells it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScanStatus {
    /// True while folders are being read.
    pub running: bool,
    /// Files looked at so far in this scan.
    pub seen: usize,
    /// Which scan this is (each rescan counts one up).
    pub generation: u64,
    /// Files that could not be listed, from the last scan.
    pub skipped: Vec<Skipped>,
    /// Files left out for their extension.
    pub ignored: usize,
    /// True when the reader asked for this scan (`R`), so its end is
    /// reported.
    pub asked: bool,
}

/// Articles plus the filter, order and selection over them.
#[derive(Debug, Default)]
pub struct ListState {
    /// Every article, in the order it arrived (an [`ArticleId`] is its place
    /// here; removed articles stay, marked gone, so ids never shift).
    pub articles: Vec<Article>,
    /// Indices into `articles` that are shown: best match first while a
    /// filter is typed, else in `sort` order.
    pub visible: Vec<usize>,
    /// Position in `visible` of the selected entry.
    pub selected: usize,
    /// Whether a key (or the start, selecting the article read last) has
    /// chosen the selection: until then the first article stays selected
    /// while a scan fills the list, whatever order the files arrive in.
    pub touched: bool,
    /// The live filter text; empty shows everything.
    pub filter: String,
    /// First visible row of the list (kept by the ui between frames).
    pub scroll: usize,
    /// The order without a filter.
    pub sort: Sort,
    /// Which reading states are shown.
    pub states: StateFilter,
    /// The background scan.
    pub scan: ScanStatus,
    /// The article `x` just archived out of sight, while no other key has
    /// come since: `x` again brings that one back (the selection has moved
    /// on to the next article).
    pub just_archived: Option<ArticleId>,
    keys: Vec<Keys>,
    facts: Vec<Facts>,
    /// Files removed from the library since they were listed.
    gone: Vec<bool>,
    /// The scan each article was last found by.
    found_in: Vec<u64>,
    /// The scan each article was first found by: a file new to the scan
    /// that dropped another with the same title and metadata was moved.
    first_found: Vec<u64>,
    /// Where each article a scan found moved went (see [`Dropped`]).
    moved: HashMap<usize, usize>,
    by_path: HashMap<PathBuf, usize>,
    /// Counts every change of what the articles are (one added, changed
    /// or removed), so a library search knows whether the articles it
    /// searched are still the list's.
    version: u64,
    /// Counts every [`ListState::take_facts`], which can change the order.
    facts_version: u64,
    /// Each article's place in the order without a filter, kept between
    /// keystrokes of the filter (see [`Ranks`]).
    ranks: Option<Ranks>,
    /// The articles the last filter matched, to narrow from when the
    /// next keystroke only adds to it (see [`Narrowing`]).
    narrowing: Option<Narrowing>,
}

/// An article a scan no longer found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dropped {
    /// The article whose file is gone.
    pub id: ArticleId,
    /// The new file the same scan found with its title and metadata: the
    /// file was moved or renamed there.
    pub moved_to: Option<ArticleId>,
}

/// What an ordering or a filter result was made from: when any of it
/// changed, it is made again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    version: u64,
    facts: u64,
    sort: Sort,
    states: StateFilter,
}

/// Every article's place in the list order without a filter: the filter
/// shows equal scores in that order, and comparing two places is cheaper
/// than comparing two titles (a keystroke over 10,000 titles sorted them
/// by title every time).
#[derive(Debug)]
struct Ranks {
    stamp: Stamp,
    rank: Vec<u32>,
}

/// The articles a filter matched (those passing the state filter), for the
/// next keystroke: a query that only adds characters to it matches a
/// subset of them (see [`narrows`]), so only those are scored again.
#[derive(Debug)]
struct Narrowing {
    stamp: Stamp,
    query: String,
    matched: Vec<usize>,
}

impl ListState {
    /// A list over `articles` with nothing filtered, in title order.
    pub fn new(articles: Vec<Article>) -> Self {
        let mut list = Self::default();
        list.add(articles, 0);
        list.refresh();
        list
    }

    /// Adds articles a scan found (scan `generation`): one already listed
    /// (the same file) is updated in place and keeps its id. Returns the
    /// ids of articles that are new or changed. Call [`ListState::refresh`]
    /// after.
    pub fn add(&mut self, articles: Vec<Article>, generation: u64) -> Vec<ArticleId> {
        let mut ids = Vec::with_capacity(articles.len());
        for article in articles {
            // Looked up and, when new, listed under its path with one hash
            // of the path (10,000 at a start from the cache).
            let next = self.articles.len();
            let known = match &article.source {
                Source::File(p) => match self.by_path.entry(p.clone()) {
                    std::collections::hash_map::Entry::Occupied(e) => Some(*e.get()),
                    std::collections::hash_map::Entry::Vacant(e) => {
                        e.insert(next);
                        None
                    }
                },
                Source::Bundled(..) => None,
            };
            let id = match known {
                Some(id) => {
                    self.found_in[id] = generation;
                    let was_gone = std::mem::replace(&mut self.gone[id], false);
                    if was_gone {
                        self.moved.remove(&id);
                    }
                    let same = self.articles[id].title == article.title
                        && self.articles[id].meta == article.meta;
                    if same && !was_gone {
                        continue;
                    }
                    self.keys[id] = Keys::of(&article);
                    self.articles[id] = article;
                    self.version += 1;
                    id
                }
                None => {
                    let id = next;
                    self.keys.push(Keys::of(&article));
                    self.facts.push(Facts::default());
                    self.gone.push(false);
                    self.found_in.push(generation);
                    self.first_found.push(generation);
                    self.articles.push(article);
                    self.version += 1;
                    id
                }
            };
            ids.push(ArticleId(id));
        }
        ids
    }

    /// Makes room for `additional` more articles at once (a start from the
    /// cache adds 10,000 in one go: growing every column again and again
    /// moved them all several times on the event loop).
    pub fn reserve(&mut self, additional: usize) {
        self.articles.reserve(additional);
        self.keys.reserve(additional);
        self.facts.reserve(additional);
        self.gone.reserve(additional);
        self.found_in.reserve(additional);
        self.first_found.reserve(additional);
        self.by_path.reserve(additional);
    }

    /// Adds one article for this session only (a file a link led to): it
    /// is never dropped by a scan of the library folders. A file already
    /// listed keeps its id. Call [`ListState::refresh`] after.
    pub fn add_kept(&mut self, article: Article) -> ArticleId {
        if let Source::File(path) = &article.source
            && let Some(&id) = self.by_path.get(path)
        {
            return ArticleId(id);
        }
        let id = self.articles.len();
        self.add(vec![article], KEPT);
        ArticleId(id)
    }

    /// Marks every file-backed article that scan `generation` did not find
    /// as gone (deleted or moved away); returns them, each with the
    /// article it moved to when the same scan found a new file with its
    /// title and metadata (a file moved or renamed within the library).
    pub fn drop_unfound(&mut self, generation: u64) -> Vec<Dropped> {
        let mut dropped = Vec::new();
        for (id, article) in self.articles.iter().enumerate() {
            if matches!(article.source, Source::File(_))
                && self.found_in[id] != generation
                && self.found_in[id] != KEPT
                && !self.gone[id]
            {
                self.gone[id] = true;
                dropped.push(Dropped {
                    id: ArticleId(id),
                    moved_to: None,
                });
                self.version += 1;
            }
        }
        if dropped.is_empty() {
            return dropped;
        }
        let mut new: HashMap<(&str, &crate::document::Metadata), Vec<usize>> = HashMap::new();
        for (id, article) in self.articles.iter().enumerate() {
            if self.first_found[id] == generation
                && !self.gone[id]
                && matches!(article.source, Source::File(_))
            {
                new.entry((article.title.as_str(), &article.meta))
                    .or_default()
                    .push(id);
            }
        }
        for drop in &mut dropped {
            let old = &self.articles[drop.id.0];
            if let Some(ids) = new.get_mut(&(old.title.as_str(), &old.meta)) {
                drop.moved_to = ids.pop().map(ArticleId);
            }
            if let Some(to) = drop.moved_to {
                self.moved.insert(drop.id.0, to.0);
            }
        }
        dropped
    }

    /// Where article `id` is now listed, if a scan found it moved (through
    /// every later move, while the file stays away from each place).
    pub fn moved_to(&self, id: ArticleId) -> Option<ArticleId> {
        let mut at = *self.moved.get(&id.0)?;
        for _ in 0..self.moved.len() {
            match self.moved.get(&at) {
                Some(&next) if self.gone[at] => at = next,
                _ => break,
            }
        }
        (!self.gone[at]).then_some(ArticleId(at))
    }

    /// A number that changes whenever an article is added, changed or
    /// removed (not when the list is only ordered or filtered again).
    pub fn version(&self) -> u64 {
        self.version
    }

    /// How many articles the library holds now (gone ones not counted).
    pub fn count(&self) -> usize {
        self.gone.iter().filter(|g| !**g).count()
    }

    /// Whether article `id` was removed from the library.
    pub fn is_gone(&self, id: ArticleId) -> bool {
        self.gone.get(id.0).copied().unwrap_or(true)
    }

    /// Copies what ordering and the state filter need from `figures`.
    pub fn take_facts(&mut self, figures: &Figures) {
        self.facts_version += 1;
        for (i, facts) in self.facts.iter_mut().enumerate() {
            if let Some(f) = figures.get(ArticleId(i)) {
                *facts = Facts {
                    state: Some(f.state()),
                    highlights: f.highlights,
                    read_at: f.read_at,
                };
            }
        }
    }

    /// The selected article's index in `articles`.
    pub fn selected_article(&self) -> Option<usize> {
        self.visible.get(self.selected).copied()
    }

    /// The article with id `id`, if the library has it.
    pub fn article(&self, id: ArticleId) -> Option<&Article> {
        self.articles.get(id.0)
    }

    /// Moves the selection by `delta`, clamped to the list.
    pub fn move_by(&mut self, delta: isize) {
        let last = self.visible.len().saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(delta).min(last);
    }

    /// Selects the first or last entry.
    pub fn select_edge(&mut self, last: bool) {
        self.selected = if last {
            self.visible.len().saturating_sub(1)
        } else {
            0
        };
    }

    /// Selects the entry showing article `index`, if it passes the filter.
    pub fn select_article(&mut self, index: usize) {
        if let Some(pos) = self.visible.iter().position(|&i| i == index) {
            self.selected = pos;
        }
    }

    /// Sets the filter and re-ranks: the best match comes first and is selected.
    pub fn set_filter(&mut self, filter: &str) {
        self.filter = filter.to_string();
        self.visible = self.shown();
        self.selected = 0;
        self.scroll = 0;
    }

    /// Clears the filter: the whole list again, with the article selected
    /// in the filtered one still selected (the match one went to find).
    pub fn clear_filter(&mut self) {
        let selected = self.selected_article();
        self.set_filter("");
        if let Some(index) = selected {
            self.select_article(index);
        }
    }

    /// Recomputes what is shown after articles, the order or the state
    /// filter changed; the selected article stays selected when it is
    /// still shown.
    pub fn refresh(&mut self) {
        let selected = self.selected_article().filter(|_| self.touched);
        self.visible = self.shown();
        match selected.and_then(|s| self.visible.iter().position(|&i| i == s)) {
            Some(pos) => self.selected = pos,
            None => self.selected = self.selected.min(self.visible.len().saturating_sub(1)),
        }
    }

    /// The articles that pass the state filter and the text filter, in
    /// the order to show.
    fn shown(&mut self) -> Vec<usize> {
        let passes = |i: usize| {
            !self.gone[i]
                && self
                    .states
                    .shows(self.facts[i].state.unwrap_or(ReadingState::Unread))
        };
        let query = self.filter.trim();
        if query.is_empty() {
            self.narrowing = None;
            let mut shown: Vec<usize> = (0..self.articles.len()).filter(|&i| passes(i)).collect();
            shown.sort_by(|&a, &b| self.compare(a, b));
            return shown;
        }
        let stamp = self.stamp();
        let query = query.to_string();
        let candidates: Vec<usize> = match &self.narrowing {
            Some(n) if n.stamp == stamp && narrows(&n.query, &query) => n.matched.clone(),
            _ => (0..self.articles.len()).filter(|&i| passes(i)).collect(),
        };
        let mut matcher = Matcher::new(MatcherConfig::DEFAULT);
        let pattern = Pattern::parse(&query, CaseMatching::Smart, Normalization::Smart);
        let needle = query.to_lowercase();
        let mut scored: Vec<(u32, usize)> = candidates
            .into_iter()
            .filter_map(|i| {
                let keys = &self.keys[i];
                let fuzzy = pattern.score(keys.hay.slice(..), &mut matcher)?;
                let bonus = if contains_word(&keys.lower, &needle) {
                    2_000_000
                } else if keys.lower.contains(&needle) {
                    1_000_000
                } else {
                    0
                };
                Some((fuzzy + bonus, i))
            })
            .collect();
        let rank = self.ranks(stamp);
        // Best score first, equal scores in list order: `compare` is a
        // total order, so places never tie.
        scored.sort_unstable_by_key(|&(score, i)| {
            (
                std::cmp::Reverse(score),
                rank.get(i).copied().unwrap_or(u32::MAX),
            )
        });
        let shown: Vec<usize> = scored.into_iter().map(|(_, i)| i).collect();
        self.narrowing = Some(Narrowing {
            stamp,
            query,
            matched: shown.clone(),
        });
        shown
    }

    /// What the order and the filter's candidates depend on, as it is now.
    fn stamp(&self) -> Stamp {
        Stamp {
            version: self.version,
            facts: self.facts_version,
            sort: self.sort,
            states: self.states,
        }
    }

    /// Every article's place in the order without a filter, made again
    /// only when `stamp` changed.
    fn ranks(&mut self, stamp: Stamp) -> &[u32] {
        if self.ranks.as_ref().is_none_or(|r| r.stamp != stamp) {
            let mut order: Vec<usize> = (0..self.articles.len()).collect();
            order.sort_by(|&a, &b| self.compare(a, b));
            let mut rank = vec![u32::MAX; order.len()];
            for (place, &i) in order.iter().enumerate() {
                rank[i] = u32::try_from(place).unwrap_or(u32::MAX);
            }
            self.ranks = Some(Ranks { stamp, rank });
        }
        self.ranks.as_ref().map_or(&[], |r| &r.rank)
    }

    /// The list order of two articles: by the chosen key, then by title,
    /// then by arrival (so equal entries never swap places).
    fn compare(&self, a: usize, b: usize) -> Ordering {
        let (ka, kb) = (&self.keys[a], &self.keys[b]);
        let (fa, fb) = (&self.facts[a], &self.facts[b]);
        let by_title = || natural(&ka.title, &kb.title);
        let first = match self.sort {
            Sort::Title => Ordering::Equal,
            Sort::Author => match (&ka.author, &kb.author) {
                (Some(x), Some(y)) => natural(x, y),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            },
            Sort::Date => {
                let (da, db) = (self.articles[a].meta.date, self.articles[b].meta.date);
                match (da, db) {
                    (Some(x), Some(y)) => y.cmp(&x),
                    (Some(_), None) => Ordering::Less,
                    (None, Some(_)) => Ordering::Greater,
                    (None, None) => Ordering::Equal,
                }
            }
            Sort::RecentlyRead => match (fa.read_at, fb.read_at) {
                (Some(x), Some(y)) => y.cmp(&x),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            },
            Sort::MostAnnotated => fb.highlights.cmp(&fa.highlights),
            Sort::FileName => natural(&ka.file, &kb.file),
        };
        first.then_with(by_title).then(a.cmp(&b))
    }

    /// The characters of article `index`'s title that the filter matched
    /// (character positions), for the list to mark. `marker` is made once
    /// per frame with [`ListState::marker`].
    pub fn title_matches(&self, marker: &mut Marker, index: usize) -> Vec<usize> {
        let Some(article) = self.articles.get(index) else {
            return Vec::new();
        };
        // The filter matched title, author and file name together: the
        // positions that fall in the title are its marks.
        let title_len = article.title.chars().count();
        let hay: String = self.keys[index].hay.slice(..).chars().collect();
        let mut marks = marker.indices(&hay);
        marks.retain(|&i| i < title_len);
        marks
    }

    /// A matcher for the current filter, to mark matched characters; `None`
    /// without a filter.
    pub fn marker(&self) -> Option<Marker> {
        let query = self.filter.trim();
        (!query.is_empty()).then(|| Marker {
            matcher: Matcher::new(MatcherConfig::DEFAULT),
            pattern: Pattern::parse(query, CaseMatching::Smart, Normalization::Smart),
            buf: Vec::new(),
        })
    }
}

/// Finds which characters of a title the list filter matched.
pub struct Marker {
    matcher: Matcher,
    pattern: Pattern,
    buf: Vec<char>,
}

impl Marker {
    /// Character positions in `text` the filter matched, sorted.
    pub fn indices(&mut self, text: &str) -> Vec<usize> {
        let mut indices = Vec::new();
        let hay = Utf32Str::new(text, &mut self.buf);
        let _ = self.pattern.indices(hay, &mut self.matcher, &mut indices);
        indices.sort_unstable();
        indices.dedup();
        indices.into_iter().map(|i| i as usize).collect()
    }
}

impl App {
    /// How many entries the list pane shows at once.
    pub fn list_rows(&self) -> usize {
        (usize::from(self.areas().list.height.saturating_sub(2)) / ENTRY_HEIGHT).max(1)
    }

    /// Pages the list: the selection and the view move together by a page
    /// (or half of one), so the selected entry keeps its row.
    pub(super) fn page_list(&mut self, action: Action) {
        let page = self.list_rows() as isize;
        let delta = match action {
            Action::PageDown => page,
            Action::PageUp => -page,
            Action::HalfPageDown => (page / 2).max(1),
            _ => -(page / 2).max(1),
        };
        self.list.move_by(delta);
        self.list.scroll = self.list.scroll.saturating_add_signed(delta);
    }

    /// Hides the list so the reader has the whole width, or shows it again.
    /// A hidden list comes back whenever it has the focus (Tab, Esc), so it
    /// can always be reached.
    pub(super) fn toggle_list(&mut self) {
        if self.reader.is_none() {
            self.info("open an article first: the list stays while nothing is open");
            return;
        }
        self.list_hidden = !self.list_hidden;
        if self.list_hidden {
            self.focus = Focus::Reader;
            let key = self.key_or(Context::Reader, Action::ToggleList, "\\");
            self.info(format!("list hidden: {key} shows it"));
        } else {
            self.info("list shown");
        }
        self.fit_reader();
    }

    /// Takes articles a background scan found: new ones are added, known
    /// ones updated in place. Returns the ids whose figures the session
    /// should fill; call [`App::relist`] after.
    pub fn library_found(
        &mut self,
        articles: Vec<crate::library::Article>,
        generation: u64,
    ) -> Vec<ArticleId> {
        let ids = self.list.add(articles, generation);
        self.figures.grow(self.list.articles.len());
        ids
    }

    /// The background scan ended: when it went through every folder, the
    /// articles it no longer found are dropped from the list; one moved
    /// within the library passes its figures (progress, highlights,
    /// reading state) to its new entry, whose notes follow it by the text.
    pub fn library_scanned(&mut self, generation: u64, complete: bool) {
        self.list.scan.running = false;
        let asked = std::mem::take(&mut self.list.scan.asked);
        let dropped = if complete {
            self.list.drop_unfound(generation)
        } else {
            Vec::new()
        };
        let mut moved = 0;
        for drop in &dropped {
            let Some(to) = drop.moved_to else {
                continue;
            };
            moved += 1;
            let figures = self.figures.get(drop.id).copied().unwrap_or_default();
            if let Some(new) = self.figures.get_mut(to)
                && *new == ArticleFigures::default()
            {
                *new = figures;
            }
        }
        let removed = dropped.len() - moved;
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        let mut changes = Vec::new();
        if moved > 0 {
            changes.push(format!("{moved} article{} moved", plural(moved)));
        }
        if removed > 0 {
            changes.push(format!(
                "{removed} article{} removed from the library",
                plural(removed)
            ));
        }
        let changes = changes.join(", ");
        if asked {
            let count = self.list.count();
            let mut text = format!("library read again: {count} article{}", plural(count));
            if !changes.is_empty() {
                text.push_str(&format!(", {changes}"));
            }
            self.info(text);
        } else if !changes.is_empty() && self.message.is_none() {
            self.info(changes);
        }
        self.relist();
    }

    /// Orders and filters the list again from the current figures, keeping
    /// the selected article selected.
    pub fn relist(&mut self) {
        self.list.take_facts(&self.figures);
        self.list.refresh();
        self.keep_selection_visible();
    }

    /// `o`: the next order.
    pub(super) fn cycle_sort(&mut self) {
        self.list.sort = self.list.sort.next();
        self.relist();
        self.info(format!("sorted by {}", self.list.sort.name()));
    }

    /// `S`: the next reading-state filter.
    pub(super) fn cycle_states(&mut self) {
        self.list.states = self.list.states.next();
        self.relist();
        let n = self.list.visible.len();
        self.info(format!(
            "showing {}: {n} article{}",
            self.list.states.name(),
            if n == 1 { "" } else { "s" }
        ));
    }

    /// `x`: archives the selected article, or brings it back; right after
    /// archiving one out of sight, brings that one back and selects it
    /// again (`undo` is [`ListState::just_archived`] as the key found it).
    /// The list shows the change at once; the session records it in the
    /// notes file.
    pub(super) fn toggle_archived(&mut self, undo: Option<ArticleId>) -> Option<Effect> {
        let undo = undo.filter(|id| {
            self.figures
                .get(*id)
                .and_then(|f| f.archived)
                .is_some_and(|a| a.value)
        });
        let id = match undo {
            Some(id) => id,
            None => ArticleId(self.list.selected_article()?),
        };
        let now = self.clock.now();
        let figures = self.figures.get_mut(id)?;
        let archived = !figures.archived.is_some_and(|a| a.value);
        figures.archived = Some(crate::annotations::Stamped {
            value: archived,
            updated: now,
        });
        let title = self
            .list
            .article(id)
            .map(|a| crate::text::fit(&a.title, 40))
            .unwrap_or_default();
        let position = self.list.selected;
        self.relist();
        if undo.is_some() {
            self.list.select_article(id.0);
            self.keep_selection_visible();
        } else if self.list.selected_article() != Some(id.0) {
            // The next article takes the place of one that left the list;
            // `x` again, before any other key, brings this one back.
            self.list.selected = position.min(self.list.visible.len().saturating_sub(1));
            self.list.just_archived = Some(id);
        }
        let key = self.key_or(Context::List, Action::ToggleArchived, "x");
        let states = self.key_or(Context::List, Action::CycleStateFilter, "S");
        self.info(match (archived, self.list.just_archived.is_some()) {
            (true, true) => format!(
                "archived \"{title}\" ({key} now brings it back; {states} shows archived articles)"
            ),
            (true, false) => format!("archived \"{title}\" ({key} again brings it back)"),
            (false, _) => format!("\"{title}\" is back in the library"),
        });
        Some(Effect::Archive {
            article: id,
            archived,
        })
    }

    /// The status bar's line for the list: how many articles, the order,
    /// the state filter and the scan's progress.
    pub fn list_status(&self) -> String {
        let n = self.list.visible.len();
        let mut text = format!(" {n} article{}", if n == 1 { "" } else { "s" });
        let total = self.list.count();
        if total != n {
            text.push_str(&format!(" of {total}"));
        }
        text.push_str(&format!(" · by {}", self.list.sort.name()));
        if self.list.states != StateFilter::All {
            text.push_str(&format!(" · {}", self.list.states.name()));
        }
        if self.list.scan.running {
            text.push_str(&format!(" · scanning… {} files", self.list.scan.seen));
        }
        text
    }

    /// Selects the article read last, so that Enter reopens it: what a
    /// start does once the reading positions are known. Before anything
    /// was read, among the bundled samples, the guided tour.
    pub fn select_last_read(&mut self) {
        let last = self.figures.read_last().map(|id| id.0);
        let tour = || {
            self.list
                .articles
                .iter()
                .position(crate::library::Article::is_tour)
        };
        if let Some(index) = last.or_else(tour) {
            self.list.select_article(index);
            self.list.touched = true;
            self.keep_selection_visible();
        }
    }
}

/// Whether every article `query` matches is among those `previous`
/// matched, so the next keystroke scores only those: true when `query` only
/// adds characters at the end of `previous` (a fuzzy match of the longer
/// text is a match of the shorter; an upper-case or accented letter only
/// makes a word stricter), unless either holds a character whose meaning
/// a later one can change (`!` negates a word, `$` anchors only at a
/// word's end, `\` escapes the next character).
fn narrows(previous: &str, query: &str) -> bool {
    !previous.is_empty() && query.starts_with(previous) && !query.contains(['!', '$', '\\'])
}

/// True when `needle` occurs in `hay` bounded by non-alphanumerics on both sides.
pub(crate) fn contains_word(hay: &str, needle: &str) -> bool {
    hay.match_indices(needle).any(|(i, m)| {
        let before = hay[..i].chars().next_back();
        let after = hay[i + m.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Metadata;
    use crate::library::Source;

    fn article(title: &str, author: &str) -> Article {
        Article {
            source: Source::Bundled("x.md", ""),
            meta: Metadata {
                title: Some(title.into()),
                author: Some(author.into()),
                ..Metadata::default()
            },
            title: title.into(),
            lossy: false,
        }
    }

    #[test]
    fn a_file_found_elsewhere_by_the_scan_that_lost_it_moved_there() {
        let at = |title: &str, path: &str| Article {
            source: Source::File(path.into()),
            ..article(title, "Ada")
        };
        let mut list = ListState::new(vec![at("Lamps", "/l/a.md"), at("Wicks", "/l/w.md")]);
        // Scan 1: a.md is now b.md; w.md is gone for good.
        list.add(vec![at("Lamps", "/l/b.md")], 1);
        let dropped = list.drop_unfound(1);
        assert_eq!(
            dropped,
            [
                Dropped {
                    id: ArticleId(0),
                    moved_to: Some(ArticleId(2))
                },
                Dropped {
                    id: ArticleId(1),
                    moved_to: None
                }
            ]
        );
        // Scan 2: b.md is now c.md; the first place leads to the last.
        list.add(vec![at("Lamps", "/l/c.md")], 2);
        list.drop_unfound(2);
        assert_eq!(list.moved_to(ArticleId(0)), Some(ArticleId(3)));
        assert_eq!(list.moved_to(ArticleId(1)), None);
        // A file with the title of a removed one, found by a later scan,
        // is a new article, not the removed one moved.
        list.add(vec![at("Lamps", "/l/c.md"), at("Wicks", "/l/w2.md")], 3);
        assert!(list.drop_unfound(3).is_empty());
        assert_eq!(list.moved_to(ArticleId(1)), None);
    }

    fn titles(list: &ListState) -> Vec<&str> {
        list.visible
            .iter()
            .map(|&i| list.articles[i].title.as_str())
            .collect()
    }

    #[test]
    fn whole_word_beats_substring_beats_scattered() {
        let mut list = ListState::new(vec![
            article("Bored order of things", "Ann"),
            article("Borderlands", "Ben"),
            article("The Border Patrol", "Cy"),
        ]);
        list.set_filter("border");
        assert_eq!(
            titles(&list),
            ["The Border Patrol", "Borderlands", "Bored order of things"]
        );
        assert_eq!(list.selected_article(), Some(2));
    }

    #[test]
    fn filter_matches_author_and_clearing_restores_all() {
        let mut list = ListState::new(vec![article("One", "Ada Writer"), article("Two", "Bo")]);
        list.set_filter("ada");
        assert_eq!(titles(&list), ["One"]);
        list.set_filter("");
        assert_eq!(titles(&list), ["One", "Two"]);
        // Clearing keeps the article the filter found selected.
        list.set_filter("two");
        list.clear_filter();
        assert_eq!(titles(&list), ["One", "Two"]);
        assert_eq!(list.selected, 1);
    }

    #[test]
    fn each_keystroke_shows_what_the_whole_query_typed_at_once_shows() {
        let articles = || {
            vec![
                article("Harbour lights", "Ann"),
                article("Harvest moon", "Ben"),
                article("The harbour master", "Cy"),
                article("Hard times", "Dee"),
                article("A harbour", "Eve"),
                article("Shore", "Harb Writer"),
            ]
        };
        let mut typed = ListState::new(articles());
        // Narrowing from the last keystroke's matches, and the cases where
        // a longer query matches more than a shorter one (negation, an
        // anchor that moves, an escape) or the order changes in between.
        for query in [
            "h", "ha", "har", "harb", "harbo", "harbo!", "harbo !s", "har", "har$", "har$x", "hA",
            "hAR", "ha\\", "ha\\ ", "ha", "ha ",
        ] {
            typed.set_filter(query);
            let mut fresh = ListState::new(articles());
            fresh.set_filter(query);
            assert_eq!(titles(&typed), titles(&fresh), "{query:?}");
        }
        typed.set_filter("ha");
        typed.sort = Sort::Author;
        typed.refresh();
        typed.set_filter("har");
        let mut fresh = ListState::new(articles());
        fresh.sort = Sort::Author;
        fresh.set_filter("har");
        assert_eq!(titles(&typed), titles(&fresh), "after a new order");
    }

    #[test]
    fn the_first_article_stays_selected_while_a_scan_fills_an_untouched_list() {
        let selected = |list: &ListState| {
            let i = list.selected_article().unwrap();
            list.articles[i].title.clone()
        };
        let mut list = ListState::new(vec![article("Milk", "A")]);
        list.add(vec![article("Apples", "B")], 0);
        list.refresh();
        assert_eq!(
            selected(&list),
            "Apples",
            "the top, not the first to arrive"
        );
        // Once a key chose it, the chosen article stays selected.
        list.touched = true;
        list.add(vec![article("Aardvark", "C")], 0);
        list.refresh();
        assert_eq!(selected(&list), "Apples");
        assert_eq!(list.selected, 1);
    }

    #[test]
    fn selection_is_clamped() {
        let mut list = ListState::new(vec![article("a", "x"), article("b", "y")]);
        list.move_by(5);
        assert_eq!(list.selected, 1);
        list.move_by(-9);
        assert_eq!(list.selected, 0);
        list.set_filter("zzzz");
        list.move_by(1);
        assert_eq!(list.selected_article(), None);
    }
}
