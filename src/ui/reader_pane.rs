//! The reader pane: the laid-out lines in view, with inline styles and search
//! matches. Only visible lines are touched, so the cost does not grow with the
//! article.

use std::ops::Range;

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::{Paragraph, Wrap};

use super::{syntax, theme};
use crate::app::reader::Reader;
use crate::app::{App, Focus};
use crate::document::{BlockKind, Span as TextSpan, sanitize};
use crate::layout::{LineKind, LinePos, ViewLine, line_cells};
use crate::text::fit;
use unicode_width::UnicodeWidthStr;

/// Draws the reader pane into `area`, text into `text`.
pub fn draw(frame: &mut Frame, app: &App, area: Rect, text: Rect) {
    let area = area.intersection(frame.area());
    let text = text.intersection(area);
    if area.width == 0 || area.height == 0 {
        return;
    }
    let shown = app
        .reader
        .as_ref()
        .map(|r| r.article)
        .or_else(|| app.loading.as_ref().map(|l| l.article));
    let title = shown.map_or_else(
        || " gloss ".to_string(),
        |article| {
            let t = app.list.article(article).map_or("", |a| a.title.as_str());
            format!(" {} ", fit(t, usize::from(area.width.saturating_sub(4))))
        },
    );
    let block = super::pane(title, app.focus == Focus::Reader);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    match &app.reader {
        Some(reader) => {
            let wide = crate::app::geometry::wide_column(area, text).intersection(area);
            draw_text(frame.buffer_mut(), app, reader, text, wide);
        }
        None if app.loading.is_some() => super::loading::draw(frame, app, inner),
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

/// Draws the lines in view into the text column `area`; wide tables and code
/// may reach into `wide`, the pane's whole text width.
fn draw_text(buf: &mut Buffer, app: &App, reader: &Reader, area: Rect, wide: Rect) {
    let Some(layout) = reader.layout() else {
        return;
    };
    let overlays = Overlays {
        matches: reader.search.as_ref().map_or(&[][..], |s| &s.matches[..]),
        current: reader.search.as_ref().and_then(|s| s.current),
        selection: reader.selection(),
        cursor: (app.focus == Focus::Reader).then(|| reader.cursor_word()),
    };
    let mut pos = reader.top;
    let mut y = area.top();
    // The syntax runs of the code block being drawn, worked out once a frame.
    let mut code: Option<(usize, Option<syntax::Runs>)> = None;
    while y < area.bottom() {
        let Some(line) = layout.line(pos) else { break };
        if code.as_ref().is_none_or(|(b, _)| *b != pos.block) {
            let runs = match reader.doc.blocks().get(pos.block) {
                Some(b) => match &b.kind {
                    BlockKind::Code { lang } => {
                        syntax::ready_runs(lang, reader.doc.slice(b.range.clone()))
                    }
                    _ => None,
                },
                None => None,
            };
            code = Some((pos.block, runs));
        }
        let runs = code
            .as_ref()
            .and_then(|(_, r)| r.as_deref())
            .map(Vec::as_slice);
        let spreads = line.shift > 0 || line.prefix_width + line.text_width > area.width;
        let (x, width) = if spreads {
            let x = area.x.saturating_sub(line.shift).max(wide.x);
            (x, wide.right().saturating_sub(x))
        } else {
            (area.x, area.width)
        };
        draw_line(buf, app, reader, line, &overlays, runs, x, y, width);
        y += 1;
        let block_lines = layout.get(pos.block).map_or(&[][..], |b| &b.lines[..]);
        let last_text = block_lines.iter().rposition(|l| l.kind != LineKind::Blank);
        if app.inline_notes && last_text == Some(pos.line) && y < area.bottom() {
            // Notes sit right under the last line of their paragraph.
            let rest = Rect {
                y,
                height: area.bottom() - y,
                ..area
            };
            y = draw_inline_notes(buf, reader, pos.block, rest);
        }
        pos = if pos.line + 1 < block_lines.len() {
            LinePos {
                line: pos.line + 1,
                ..pos
            }
        } else {
            LinePos {
                block: pos.block + 1,
                line: 0,
            }
        };
    }
}

/// What is drawn over the text: search matches, the selection, the cursor.
struct Overlays<'a> {
    matches: &'a [Range<usize>],
    current: Option<usize>,
    selection: Option<Range<usize>>,
    cursor: Option<Range<usize>>,
}

/// Draws the notes of highlights that end in `block` in a dimmed box under it;
/// returns the row after the box.
fn draw_inline_notes(buf: &mut Buffer, reader: &Reader, block: usize, area: Rect) -> u16 {
    let Some(range) = reader.doc.blocks().get(block).map(|b| b.range.clone()) else {
        return area.y;
    };
    let notes = &reader.notes;
    let mut y = area.y;
    let width = usize::from(area.width.saturating_sub(2)).max(1);
    for placed in &notes.placed {
        let r = &placed.range;
        let Some(note) = notes.get(&placed.id).map(|h| h.note.trim()) else {
            continue;
        };
        if note.is_empty() || r.end <= range.start || r.end > range.end {
            continue;
        }
        for line in note.lines().flat_map(|l| wrap_words(l, width)) {
            if y >= area.bottom() {
                return y;
            }
            buf.set_stringn(area.x, y, "┆ ", 2, theme::DECORATION);
            buf.set_stringn(area.x + 2, y, sanitize(&line), width, theme::INLINE_NOTE);
            y += 1;
        }
    }
    y
}

/// Greedy word wrap for short note text (notes are not part of the article's
/// layout, so they are wrapped here).
fn wrap_words(line: &str, width: usize) -> Vec<String> {
    let mut out = vec![String::new()];
    for word in line.split_whitespace() {
        let last = out.last_mut().map_or(0, |l| l.width());
        if last > 0 && last + 1 + word.width() > width {
            out.push(String::new());
        }
        if let Some(l) = out.last_mut() {
            if !l.is_empty() {
                l.push(' ');
            }
            l.push_str(word);
        }
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn draw_line(
    buf: &mut Buffer,
    app: &App,
    reader: &Reader,
    line: &ViewLine,
    overlays: &Overlays,
    runs: Option<&[(Range<usize>, syntax::Kind)]>,
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
        LineKind::Frame => {
            buf.set_stringn(x, y, &line.prefix, usize::from(width), theme::DECORATION);
            let style = match block.kind {
                BlockKind::Heading(level) => theme::heading_rule(level),
                _ => theme::DECORATION,
            };
            draw_frame(buf, line, x, y, width, style);
            return;
        }
        LineKind::Text => {}
    }
    buf.set_stringn(x, y, &line.prefix, usize::from(width), theme::DECORATION);
    draw_frame(buf, line, x, y, width, theme::DECORATION);
    let base = match block.kind {
        BlockKind::Heading(level) => theme::heading(level),
        BlockKind::Byline => theme::BYLINE,
        BlockKind::Code { .. } => theme::CODE_BLOCK,
        BlockKind::Table(_) if line.header => theme::TABLE_HEADER,
        _ => Style::new(),
    };
    let mut highlights: Vec<(Range<usize>, Style)> = reader
        .notes
        .overlapping(line.range.clone())
        .map(|(r, h)| (r, highlight_style(app, &h.color)))
        .collect();
    highlights.sort_by_key(|(r, _)| std::cmp::Reverse(r.end - r.start));
    let note_starts_here = reader
        .notes
        .overlapping(line.range.clone())
        .any(|(r, h)| !h.note.trim().is_empty() && line.shows(r.start));
    if note_starts_here && x >= 2 {
        buf.set_stringn(x - 2, y, "✎", 1, theme::NOTE_MARK);
    }
    let mut spans = SpanCursor::new(&block.spans, line.range.start);
    let runs = runs.unwrap_or(&[]);
    let mut run = runs.partition_point(|(r, _)| r.end + block.range.start <= line.range.start);
    let ranges = overlays.matches;
    let mut m = ranges.partition_point(|r| r.end <= line.range.start);
    for cell in line_cells(doc.text(), line) {
        if cell.col >= width || cell.width == 0 {
            continue;
        }
        let at = cell.range.0;
        let mut style = base.patch(spans.style_at(at));
        let inner = at.saturating_sub(block.range.start);
        while run < runs.len() && runs[run].0.end <= inner {
            run += 1;
        }
        if let Some((r, kind)) = runs.get(run)
            && r.start <= inner
        {
            style = style.patch(syntax::style(*kind));
        }
        for (r, s) in &highlights {
            if r.contains(&at) {
                style = style.patch(*s);
            }
        }
        while m < ranges.len() && ranges[m].end <= at {
            m += 1;
        }
        if m < ranges.len() && ranges[m].start <= at {
            style = style.patch(if Some(m) == overlays.current {
                theme::CURRENT_MATCH
            } else {
                theme::MATCH
            });
        }
        if overlays.selection.as_ref().is_some_and(|r| r.contains(&at)) {
            style = style.patch(theme::SELECTION);
        }
        if overlays.cursor.as_ref().is_some_and(|r| r.contains(&at)) {
            style = style.patch(theme::CURSOR);
        }
        match cell.text.as_bytes() {
            // A printable ASCII character is one cell: written as it is,
            // without segmenting it again (most of a page; a fifth of a
            // frame's time went to that).
            [b @ b' '..=b'~'] => {
                buf[(x + cell.col, y)]
                    .set_char(char::from(*b))
                    .set_style(style);
            }
            _ => {
                let room = usize::from(width - cell.col);
                buf.set_stringn(x + cell.col, y, cell.text, room, style);
            }
        }
    }
}

/// Draws a line's frame (table borders, a heading's underline) after its
/// prefix, clipped to the pane.
fn draw_frame(buf: &mut Buffer, line: &ViewLine, x: u16, y: u16, width: u16, style: Style) {
    if line.frame.is_empty() || line.prefix_width >= width {
        return;
    }
    // Only the marks: the spaces between them must not tint the text drawn
    // over them.
    let mut col = line.prefix_width;
    for g in unicode_segmentation::UnicodeSegmentation::graphemes(line.frame.as_str(), true) {
        let w = u16::try_from(g.width()).unwrap_or(u16::MAX);
        if col.saturating_add(w) > width {
            break;
        }
        if g != " " && w > 0 {
            buf.set_stringn(x + col, y, g, usize::from(w), style);
        }
        col += w;
    }
}

/// The style of a highlight in the palette colour called `name`.
fn highlight_style(app: &App, name: &str) -> Style {
    let palette = &app.config.highlights.palette;
    let hex = palette
        .iter()
        .find(|c| c.name == name)
        .or_else(|| palette.first())
        .map_or("#ffe066", |c| c.background.as_str());
    theme::highlight(hex)
}

/// Walks a block's sorted spans alongside increasing offsets.
struct SpanCursor<'a> {
    spans: &'a [TextSpan],
    next: usize,
}

impl<'a> SpanCursor<'a> {
    fn new(spans: &'a [TextSpan], from: usize) -> Self {
        let next = spans.partition_point(|s| s.range.end <= from);
        Self { spans, next }
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
