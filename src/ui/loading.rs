//! The reader pane while an article is prepared in the background (see
//! `app::loading`): the article's title is in the pane's border; inside, what
//! is being done and the keys that work meanwhile.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::theme;
use crate::app::App;
use crate::keymap::{Action, Context};

/// Draws the waiting article's state into the reader pane's `inner` area.
pub fn draw(frame: &mut Frame, app: &App, inner: Rect) {
    let Some(loading) = &app.loading else {
        return;
    };
    let key = |context, action, fallback: &str| {
        app.keymap
            .key_name(context, action)
            .unwrap_or_else(|| fallback.to_string())
    };
    let keys = format!(
        "{} goes back to the list, {} shows the keys, {} quits.",
        key(Context::Reader, Action::Back, "Esc"),
        key(Context::Reader, Action::Help, "?"),
        key(Context::Reader, Action::Quit, "q"),
    );
    let text = vec![
        Line::from(Span::styled(loading.what.as_str(), theme::TITLE)),
        Line::from(""),
        Line::from(Span::styled(keys, theme::ENTRY_DETAIL)),
    ];
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), inner);
}
