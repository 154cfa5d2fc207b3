//! The raw view of a web page (`W`, `--raw`): the whole page's text instead
//! of the article extraction found, for pages where it picked the wrong part.
//!
//! Highlights anchor to the extracted article, so the raw view shows none and
//! takes none: its notes are read-only, which also keeps its reading position
//! (an offset of another text) out of the store. `W` again goes back to the
//! article, with its highlights and the position it was left at.

use super::{App, Effect};
use crate::keymap::{Action, Context};

impl App {
    /// Switches every web page between the extracted article and the raw
    /// page, and reopens the open one in the other view.
    pub(super) fn toggle_raw_page(&mut self) -> Vec<Effect> {
        let Some(reader) = &self.reader else {
            return Vec::new();
        };
        if !reader.doc.format().is_html() {
            let key = self.key_or(Context::Reader, Action::ToggleRawPage, "W");
            self.info(format!(
                "{key} shows the whole page only for web pages (.html)"
            ));
            return Vec::new();
        }
        let article = reader.article;
        // The article's position is kept before leaving it; the raw view
        // saves none (see the module comment).
        let mut effects: Vec<Effect> = self.position_effect().into_iter().collect();
        self.raw_pages = !self.raw_pages;
        effects.push(Effect::Open(article));
        effects
    }
}
