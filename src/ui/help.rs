//! The help overlay, generated from the keymap so it always shows the keys that
//! really work, including the user's own bindings.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::theme;
use crate::app::App;

/// Draws the help overlay centred on the screen, scrolled by `scroll` lines.
pub fn draw(frame: &mut Frame, app: &App, scroll: u16) {
    let screen = frame.area();
    let width = screen.width.min(72);
    let height = screen.height.saturating_sub(2).max(screen.height.min(3));
    let area = Rect {
        x: screen.x + (screen.width - width) / 2,
        y: screen.y + (screen.height - height) / 2,
        width,
        height,
    };
    let mut lines = Vec::new();
    let sections = app.keymap.help();
    let key_width = sections
        .iter()
        .flat_map(|s| s.entries.iter())
        .map(|e| unicode_width::UnicodeWidthStr::width(e.keys.as_str()))
        .max()
        .unwrap_or(0)
        + 2;
    for section in sections {
        if !lines.is_empty() {
            lines.push(Line::default());
        }
        lines.push(Line::from(Span::styled(section.title, theme::TITLE)));
        for entry in section.entries {
            lines.push(Line::from(vec![
                Span::styled(format!("  {:<key_width$}", entry.keys), theme::HELP_KEY),
                Span::raw(entry.description),
            ]));
        }
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme::FOCUSED_BORDER)
        .title(Span::styled(
            " Help: j/k scroll, any other key closes ",
            theme::TITLE,
        ));
    let max_scroll = (lines.len() as u16).saturating_sub(area.height.saturating_sub(2));
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .scroll((scroll.min(max_scroll), 0)),
        area,
    );
}
