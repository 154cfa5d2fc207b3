//! The help overlay, generated from the keymap so it always shows the keys that
//! really work, including the user's own bindings.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::theme;
use crate::app::{App, Pointer};
use crate::keymap::{Action, Context, Keymap};

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
    lines.push(Line::default());
    lines.push(Line::from(Span::styled("Mouse", theme::TITLE)));
    for (what, description) in Pointer::HELP {
        lines.push(Line::from(vec![
            Span::styled(format!("  {what:<key_width$}"), theme::HELP_KEY),
            Span::raw(description),
        ]));
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme::FOCUSED_BORDER)
        .title(Span::styled(title(&app.keymap), theme::TITLE));
    let max_scroll = (lines.len() as u16).saturating_sub(area.height.saturating_sub(2));
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .scroll((scroll.min(max_scroll), 0)),
        area,
    );
}

/// The overlay's title: how to scroll it, with the keys in force.
fn title(keymap: &Keymap) -> String {
    let down = keymap.key_name(Context::Help, Action::ScrollDown);
    let up = keymap.key_name(Context::Help, Action::ScrollUp);
    match (down, up) {
        (Some(down), Some(up)) => format!(" Help: {down}/{up} scroll, any other key closes "),
        _ => " Help: any unbound key closes ".to_string(),
    }
}
