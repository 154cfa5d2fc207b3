//! The outline overlay: the open article's headings over the reader pane,
//! indented by level, the current section marked, the filter typed at the
//! bottom.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use unicode_width::UnicodeWidthStr;

use super::theme;
use crate::app::App;
use crate::app::outline::{Outline, fit_path};
use crate::text::fit;

/// Cells of indentation per heading level below the outermost one.
const INDENT: usize = 2;

/// Marks the heading whose section the cursor is in.
const CURRENT_MARK: &str = "▸ ";

/// Draws the outline over `area` (the reader pane).
pub fn draw(frame: &mut Frame, app: &App, outline: &Outline, area: Rect) {
    let area = area.intersection(frame.area());
    if area.width < 3 || area.height < 3 {
        return;
    }
    let entries = &app.headings.entries;
    let title = if outline.filter.is_empty() {
        format!(" Outline · {} headings ", entries.len())
    } else {
        format!(
            " Outline · {} of {} match ",
            outline.visible.len(),
            entries.len()
        )
    };
    // The filter being typed; the keys are in the status bar.
    let bottom = if outline.filtering || !outline.filter.is_empty() {
        format!(" filter: {} ", outline.filter)
    } else {
        String::new()
    };
    let inner_width = usize::from(area.width - 2);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme::FOCUSED_BORDER)
        .title(Span::styled(fit(&title, inner_width), theme::TITLE))
        .title_bottom(Span::styled(fit(&bottom, inner_width), theme::TITLE));
    let inner = block.inner(area);
    frame.render_widget(Clear, area);
    frame.render_widget(block, area);

    let width = usize::from(inner.width);
    let top_level = entries.iter().map(|h| h.level).min().unwrap_or(1);
    let filtered = !outline.filter.trim().is_empty();
    let mut lines = Vec::new();
    for (row, &i) in outline
        .visible
        .iter()
        .enumerate()
        .skip(outline.scroll)
        .take(usize::from(inner.height))
    {
        let Some(heading) = entries.get(i) else {
            continue;
        };
        let current = outline.current == Some(i);
        let mark = if current { CURRENT_MARK } else { "  " };
        let room = width.saturating_sub(mark.width());
        let text = if filtered {
            // Out of document order, each heading says where it is.
            fit_path(&app.headings.names(i), room)
        } else {
            let indent = INDENT * usize::from(heading.level.saturating_sub(top_level));
            let indent = indent.min(room / 2);
            format!(
                "{}{}",
                " ".repeat(indent),
                fit(&heading.text, room - indent)
            )
        };
        let style = if heading.level <= top_level.saturating_add(1) {
            theme::ENTRY_TITLE
        } else {
            ratatui::style::Style::new()
        };
        let pad = room.saturating_sub(text.width());
        let mut line = Line::from(vec![
            Span::styled(mark, theme::HEADING),
            Span::styled(text, style),
            Span::raw(" ".repeat(pad)),
        ]);
        if row == outline.selected {
            line = line.patch_style(theme::SELECTED);
        }
        lines.push(line);
    }
    if outline.visible.is_empty() {
        lines.push(Line::from(Span::styled("no match", theme::ENTRY_DETAIL)));
    }
    frame.render_widget(Paragraph::new(lines), inner);
    if outline.filtering {
        let x = (" filter: ".width() + outline.filter.width()).min(inner_width);
        frame.set_cursor_position((area.x + 1 + x as u16, area.bottom() - 1));
    }
}
