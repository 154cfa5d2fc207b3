//! The reader pane: the laid-out lines in view, with inline styles and search
//! matches. Only visible lines are touched, so the cost does not grow with the
//! article.

use std::ops::Range;

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Span;
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::list_pane::fit;
use super::theme;
use crate::app::reader::Reader;
use crate::app::{App, Focus};
use crate::document::{BlockKind, Span as TextSpan};
use crate::layout::{LineKind, ViewLine, line_cells};

/// Draws the reader pane into `area`, text into `text`.
pub fn draw(frame: &mut Frame, app: &App, area: Rect, text: Rect) {
    if area.width == 0 || area.height == 0 {
        return;
    }
    let title = app.reader.as_ref().map_or_else(
        || " gloss ".to_string(),
        |r| {
            let t = &app.list.articles[r.article].title;
            format!(" {} ", fit(t, usize::from(area.width.saturating_sub(4))))
        },
    );
    let border = if app.focus == Focus::Reader {
        theme::FOCUSED_BORDER
    } else {
        theme::BORDER
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(border)
        .title(Span::styled(title, theme::TITLE));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    match &app.reader {
        Some(reader) => draw_text(frame.buffer_mut(), reader, text),
        None => {
            let hint = "Choose an article in the list and press Enter. Press ? for help.";
            frame.render_widget(
                Paragraph::new(hint)
                    .style(theme::ENTRY_DETAIL)
                    .wrap(Wrap { trim: true }),
                inner,
            );
        }
    }
}

fn draw_text(buf: &mut Buffer, reader: &Reader, area: Rect) {
    let Some(layout) = reader.layout() else {
        return;
    };
    let matches = reader.search.as_ref().map(|s| (&s.matches[..], s.current));
    let mut pos = reader.top;
    for y in area.top()..area.bottom() {
        let Some(line) = layout.line(pos) else { break };
        draw_line(buf, reader, line, matches, area.x, y, area.width);
        let lines_in_block = layout.get(pos.block).map_or(0, |b| b.lines.len());
        pos = if pos.line + 1 < lines_in_block {
            crate::layout::LinePos {
                line: pos.line + 1,
                ..pos
            }
        } else {
            crate::layout::LinePos {
                block: pos.block + 1,
                line: 0,
            }
        };
    }
}

fn draw_line(
    buf: &mut Buffer,
    reader: &Reader,
    line: &ViewLine,
    matches: Option<(&[Range<usize>], Option<usize>)>,
    x: u16,
    y: u16,
    width: u16,
) {
    let doc = &reader.doc;
    let Some(block) = doc.blocks().get(line.block) else {
        return;
    };
    match line.kind {
        LineKind::Blank => return,
        LineKind::Rule => {
            buf.set_stringn(
                x,
                y,
                "─".repeat(usize::from(width)),
                usize::from(width),
                theme::DECORATION,
            );
            return;
        }
        LineKind::Text => {}
    }
    buf.set_stringn(x, y, &line.prefix, usize::from(width), theme::DECORATION);
    let base = match block.kind {
        BlockKind::Heading(_) => theme::HEADING,
        BlockKind::Byline => theme::BYLINE,
        BlockKind::Code { .. } => theme::CODE_BLOCK,
        BlockKind::TableRow { header: true } => theme::TITLE,
        _ => Style::new(),
    };
    let mut spans = SpanCursor::new(&block.spans);
    let (ranges, current) = matches.unwrap_or((&[], None));
    let mut m = ranges.partition_point(|r| r.end <= line.range.start);
    for cell in line_cells(doc.text(), line) {
        if cell.col >= width || cell.width == 0 {
            continue;
        }
        let mut style = base.patch(spans.style_at(cell.range.0));
        while m < ranges.len() && ranges[m].end <= cell.range.0 {
            m += 1;
        }
        if m < ranges.len() && ranges[m].start <= cell.range.0 {
            style = style.patch(if Some(m) == current {
                theme::CURRENT_MATCH
            } else {
                theme::MATCH
            });
        }
        let room = usize::from(width - cell.col);
        buf.set_stringn(x + cell.col, y, cell.text, room, style);
    }
}

/// Walks a block's sorted spans alongside increasing offsets.
struct SpanCursor<'a> {
    spans: &'a [TextSpan],
    next: usize,
}

impl<'a> SpanCursor<'a> {
    fn new(spans: &'a [TextSpan]) -> Self {
        Self { spans, next: 0 }
    }

    fn style_at(&mut self, offset: usize) -> Style {
        while self.next < self.spans.len() && self.spans[self.next].range.end <= offset {
            self.next += 1;
        }
        match self.spans.get(self.next) {
            Some(s) if s.range.start <= offset => theme::span(s.style),
            _ => Style::new(),
        }
    }
}
