//! The link list (`L`): every link of the article with its target, those in
//! view marked, over the reader pane; and the escape sequences that put a
//! link's target on the clipboard (OSC 52), made so no character of a URL can
//! reach the terminal as a control character.

use base64::Engine;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use unicode_width::UnicodeWidthStr;

use super::theme;
use crate::app::App;
use crate::app::links::{LinkPicker, elide_middle, entry_rows, picker_area};
use crate::text::fit;

/// Marks a link that is in view in the reader.
const ON_SCREEN: &str = "▸ ";
/// Shown after the filter while it is being typed.
const FILTER_CURSOR: &str = "▏";
/// Share of a row the link's text may take before its target.
const TEXT_SHARE: f32 = 0.45;

/// Draws the link list over `reader` (the reader pane's area).
pub fn draw(frame: &mut Frame, app: &App, picker: &LinkPicker, reader: Rect) {
    let area = picker_area(reader).intersection(frame.area());
    if area.width < 4 || area.height < 3 {
        return;
    }
    let shown = picker.shown();
    let title = if picker.filter.is_empty() {
        format!(" Links ({}) ", picker.entries.len())
    } else {
        format!(" Links ({} of {}) ", shown.len(), picker.entries.len())
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme::FOCUSED_BORDER)
        .title(Span::styled(title, theme::TITLE));
    let inner = block.inner(area);
    frame.render_widget(Clear, area);
    frame.render_widget(block, area);
    let rows = entry_rows(area, picker);
    if rows.y > inner.y {
        let cursor = if picker.filtering { FILTER_CURSOR } else { "" };
        let text = format!("filter: {}{cursor}", picker.filter);
        let line = Line::from(Span::styled(
            fit(&text, usize::from(inner.width)),
            theme::HELP_KEY,
        ));
        frame.render_widget(Paragraph::new(line), Rect { height: 1, ..inner });
    }
    if shown.is_empty() {
        let line = Line::from(Span::styled("no link matches", theme::ENTRY_DETAIL));
        frame.render_widget(Paragraph::new(line), Rect { height: 1, ..rows });
        return;
    }
    let width = usize::from(rows.width);
    let room = width.saturating_sub(ON_SCREEN.width());
    // Targets line up in a column after the longest text that fits.
    let text_column = shown
        .iter()
        .filter_map(|&i| picker.entries.get(i))
        .map(|e| e.text.width())
        .max()
        .unwrap_or(0)
        .min(((room as f32 * TEXT_SHARE) as usize).max(1));
    for (row, (pos, &index)) in shown
        .iter()
        .enumerate()
        .skip(picker.scroll)
        .take(usize::from(rows.height))
        .enumerate()
    {
        let Some(entry) = picker.entries.get(index) else {
            continue;
        };
        let selected = pos == picker.selected;
        let marker = if entry.on_screen { ON_SCREEN } else { "  " };
        let text = fit(&entry.text, text_column);
        let gap = " ".repeat(2 + text_column.saturating_sub(text.width()));
        let target_room = room.saturating_sub(text.width() + gap.width());
        let target = elide_middle(&entry.target, target_room);
        let pad = room.saturating_sub(text.width() + gap.width() + target.width());
        let (base, detail) = if selected {
            (theme::SELECTED, theme::SELECTED)
        } else {
            (Style::new(), theme::ENTRY_DETAIL)
        };
        let line = Line::from(vec![
            Span::styled(marker, theme::DECORATION.patch(base)),
            Span::styled(text, theme::span(link_style()).patch(base)),
            Span::styled(gap, base),
            Span::styled(target, detail),
            Span::styled(" ".repeat(pad), base),
        ]);
        let y = rows.y + row as u16;
        frame.render_widget(Paragraph::new(line), Rect { y, height: 1, ..rows });
    }
    let _ = app;
}

/// The inline style of link text, so the list shows links as the reader does.
fn link_style() -> crate::document::SpanStyle {
    crate::document::SpanStyle {
        link: true,
        ..Default::default()
    }
}

/// The OSC 52 sequence that puts `text` on the clipboard. The text travels
/// base64-encoded, so nothing in it can end the sequence early or start
/// another one.
pub fn osc52(text: &str) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(text);
    format!("\x1b]52;c;{encoded}\x07")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clipboard_sequence_carries_no_control_character_of_the_url() {
        let url = "https://evil.example/\u{1b}]0;pwned\u{7}\u{9b}x\n";
        let seq = osc52(url);
        let body = seq
            .strip_prefix("\x1b]52;c;")
            .and_then(|s| s.strip_suffix('\x07'))
            .unwrap();
        assert!(body.chars().all(|c| c.is_ascii_graphic()), "{body:?}");
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(body)
            .unwrap();
        assert_eq!(decoded, url.as_bytes());
    }
}
