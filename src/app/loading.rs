//! An article still being prepared off the event loop (a large web page
//! whose article is being extracted): the reader pane shows its title and
//! what is happening, and every key that makes sense without the text works
//! (quitting, help, back to the list, choosing another article). No reader
//! exists meanwhile, so nothing can be highlighted or saved against a
//! placeholder; the article is shown by `show_article` once it is ready.

use super::{App, ArticleId, Focus};

/// What the reader pane says while an article is prepared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loading {
    /// The article being prepared.
    pub article: ArticleId,
    /// What is being done, for the reader pane ("extracting the article
    /// from page.html (8.4 MB)…"); made safe to print by the caller.
    pub what: String,
}

impl App {
    /// Shows that `article` is being prepared in the background: the open
    /// article (if any) is closed, the reader pane says `what`, and the
    /// reader has focus so that Esc goes back to the list.
    pub fn show_loading(&mut self, article: ArticleId, what: String) {
        self.reader = None;
        self.headings.clear();
        self.loading = Some(Loading { article, what });
        self.focus = Focus::Reader;
        self.fit_reader();
    }

    /// True while `article` is being prepared in the background.
    pub fn is_loading(&self, article: ArticleId) -> bool {
        self.loading.as_ref().is_some_and(|l| l.article == article)
    }

    /// Gives the list the focus again (the user went back to it while the
    /// article was being prepared, and keeps browsing when it arrives).
    pub fn focus_list(&mut self) {
        self.focus = Focus::List;
        self.fit_reader();
    }
}
