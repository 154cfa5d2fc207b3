//! The list pane's state: which articles are shown (after the filter) and which
//! one is selected.

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config as MatcherConfig, Matcher, Utf32Str};

use chrono::{DateTime, Utc};

use super::{App, ENTRY_HEIGHT, Focus};
use crate::keymap::{Action, Context};
use crate::library::Article;

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

/// Articles plus the filter and selection over them.
#[derive(Debug, Default)]
pub struct ListState {
    /// Every article, in library order.
    pub articles: Vec<Article>,
    /// Indices into `articles` that pass the filter, best match first.
    pub visible: Vec<usize>,
    /// Position in `visible` of the selected entry.
    pub selected: usize,
    /// The live filter text; empty shows everything.
    pub filter: String,
    /// First visible row of the list (kept by the ui between frames).
    pub scroll: usize,
}

impl ListState {
    /// A list over `articles` with nothing filtered.
    pub fn new(articles: Vec<Article>) -> Self {
        let visible = (0..articles.len()).collect();
        Self {
            articles,
            visible,
            ..Self::default()
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
        self.visible = rank(&self.articles, filter);
        self.selected = 0;
        self.scroll = 0;
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

    /// Selects the article read last, so that Enter reopens it: what a
    /// start does once the reading positions are known.
    pub fn select_last_read(&mut self) {
        if let Some(id) = self.figures.read_last() {
            self.list.select_article(id.0);
            self.keep_selection_visible();
        }
    }
}

/// Scores every article against the query. A contiguous (substring) match
/// outranks a scattered one, and a match of whole words outranks both, so typing
/// "border" finds "Border Patrol" before "Bored order".
fn rank(articles: &[Article], query: &str) -> Vec<usize> {
    let query = query.trim();
    if query.is_empty() {
        return (0..articles.len()).collect();
    }
    let mut matcher = Matcher::new(MatcherConfig::DEFAULT);
    let pattern = Pattern::parse(query, CaseMatching::Smart, Normalization::Smart);
    let needle = query.to_lowercase();
    let mut buf = Vec::new();
    let mut scored: Vec<(u32, usize)> = articles
        .iter()
        .enumerate()
        .filter_map(|(i, a)| {
            let hay = haystack(a);
            let fuzzy = pattern.score(Utf32Str::new(&hay, &mut buf), &mut matcher)?;
            let lower = hay.to_lowercase();
            let bonus = if contains_word(&lower, &needle) {
                2_000_000
            } else if lower.contains(&needle) {
                1_000_000
            } else {
                0
            };
            Some((fuzzy + bonus, i))
        })
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().map(|(_, i)| i).collect()
}

fn haystack(a: &Article) -> String {
    match &a.meta.author {
        Some(author) => format!("{} {}", a.title, author),
        None => a.title.clone(),
    }
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
