//! The link list (`L`): every link of the article with its target, those in
//! view marked, over the reader pane; and the escape sequences that put a
//! link's target on the clipboard (OSC 52), made so no character of a URL can
//! reach the terminal as a control character.

use std::num::NonZeroU16;

use base64::Engine;
use ratatui::Frame;
use ratatui::buffer::{Buffer, CellDiffOption};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use unicode_width::UnicodeWidthStr;

use super::theme;
use crate::app::App;
use crate::app::links::{LinkPicker, elide_middle, entry_rows, picker_area};
use crate::layout::{LineKind, LinePos, line_cells};
use crate::text::fit;

/// Marks a link that is in view in the reader.
const ON_SCREEN: &str = "▸ ";
/// Shown after the filter while it is being typed.
const FILTER_CURSOR: &str = "▏";
/// Share of a row the link's text may take before its target.
const TEXT_SHARE: f32 = 0.45;

/// Draws the link list over the panes.
pub fn draw(frame: &mut Frame, app: &App, picker: &LinkPicker) {
    let area = picker_area(&app.areas_in(frame.area())).intersection(frame.area());
    if area.width < 4 || area.height < 3 {
        return;
    }
    let shown = picker.shown();
    let count = if picker.filter.is_empty() {
        format!("Links ({})", picker.entries.len())
    } else {
        format!("Links ({} of {})", shown.len(), picker.entries.len())
    };
    let marked = picker.entries.iter().any(|e| e.on_screen);
    let title = if marked {
        format!(" {count} · {}in view ", ON_SCREEN)
    } else {
        format!(" {count} ")
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
        frame.render_widget(
            Paragraph::new(line),
            Rect {
                y,
                height: 1,
                ..rows
            },
        );
    }
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

/// Whether the terminal named by `term` (`$TERM`) may get OSC 8: every
/// terminal that does not know the sequence ignores it, except the Linux
/// console and dumb terminals, which may print it.
pub fn terminal_takes_hyperlinks(term: Option<&str>) -> bool {
    !matches!(term, Some("linux" | "dumb" | "") | None)
}

/// The URI an OSC 8 hyperlink may carry for a link target: only web and
/// mail addresses (a relative link is followed inside gloss; any other
/// scheme is not made clickable), every byte outside printable ASCII
/// percent-encoded, so nothing in it can end the sequence or start another.
pub fn hyperlink_uri(url: &str) -> Option<String> {
    let scheme = crate::app::links::scheme(url)?;
    if !matches!(scheme.as_str(), "http" | "https" | "mailto") {
        return None;
    }
    let mut out = String::with_capacity(url.len());
    for byte in url.bytes() {
        if (0x21..=0x7e).contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    Some(out)
}

/// A cell's text wrapped as an OSC 8 hyperlink to `uri` (already made safe
/// by [`hyperlink_uri`]). Each cell carries its own opening and closing, so
/// ratatui may redraw any cell alone and no link ever bleeds into text drawn
/// after it; terminals join neighbouring cells with the same URI.
pub fn osc8(uri: &str, text: &str) -> String {
    format!("\x1b]8;;{uri}\x1b\\{text}\x1b]8;;\x1b\\")
}

/// Turns the cells of web links in the reader into OSC 8 hyperlinks. Runs
/// after [`super::draw`] on the real terminal's buffer only (tests read
/// plain cells), and only when nothing covers the reader (the panel, the
/// link list, the help, the note editor) and notes are not shown inline
/// (they move lines down). A cell is wrapped only when it still shows the
/// text the link has there, so a mismatch leaves it plain, never wrong.
pub fn add_hyperlinks(buf: &mut Buffer, app: &App) {
    use crate::app::Mode;
    if !matches!(
        app.mode,
        Mode::Browse | Mode::Field(_) | Mode::Question { .. }
    ) || app.panel().is_some()
        || app.inline_notes
    {
        return;
    }
    let Some(reader) = &app.reader else { return };
    let Some(layout) = reader.layout() else {
        return;
    };
    let doc = &reader.doc;
    if doc.links().is_empty() {
        return;
    }
    let area = app.areas_in(buf.area).text.intersection(buf.area);
    let mut pos = reader.top;
    let mut lines = Vec::new();
    for y in area.top()..area.bottom() {
        let Some(line) = layout.line(pos) else { break };
        lines.push((y, line));
        let count = layout.get(pos.block).map_or(0, |b| b.lines.len());
        pos = if pos.line + 1 < count {
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
    let (Some(first), Some(last)) = (
        lines.iter().map(|(_, l)| l.range.start).min(),
        lines.iter().map(|(_, l)| l.range.end).max(),
    ) else {
        return;
    };
    let links: Vec<(std::ops::Range<usize>, String)> = doc
        .links()
        .iter()
        .filter(|l| l.range.start < last && l.range.end > first)
        .filter_map(|l| hyperlink_uri(&l.url).map(|uri| (l.range.clone(), uri)))
        .collect();
    if links.is_empty() {
        return;
    }
    for (y, line) in lines {
        // Most lines hold no link: their cells are not walked.
        let linked = links
            .iter()
            .any(|(r, _)| r.start < line.range.end && r.end > line.range.start);
        if line.kind != LineKind::Text || !linked {
            continue;
        }
        for cell in line_cells(doc.text(), line) {
            if cell.width == 0 || cell.col >= area.width {
                continue;
            }
            let Some((_, uri)) = links.iter().find(|(r, _)| r.contains(&cell.range.0)) else {
                continue;
            };
            let Some(target) = buf.cell_mut((area.x + cell.col, y)) else {
                continue;
            };
            if target.symbol() != cell.text || cell.text.trim().is_empty() {
                continue;
            }
            let Some(width) = NonZeroU16::new(cell.width) else {
                continue;
            };
            let wrapped = osc8(uri, cell.text);
            target
                .set_symbol(&wrapped)
                .set_diff_option(CellDiffOption::ForcedWidth(width));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hyperlinks_carry_no_control_character_and_only_web_schemes() {
        let uri = hyperlink_uri("https://x.example/a\u{1b}]8;;evil\u{7}b c\u{9b}é").unwrap();
        assert!(uri.bytes().all(|b| (0x21..=0x7e).contains(&b)), "{uri}");
        assert_eq!(uri, "https://x.example/a%1B]8;;evil%07b%20c%C2%9B%C3%A9");
        let seq = osc8(&uri, "a");
        let controls: Vec<char> = seq.chars().filter(|c| c.is_control()).collect();
        // Only the two escapes that start each sequence and the two that end
        // them: none came from the URL.
        assert_eq!(controls, ['\x1b', '\x1b', '\x1b', '\x1b']);
        assert_eq!(hyperlink_uri("javascript:alert(1)"), None);
        assert_eq!(hyperlink_uri("docs/guide.md"), None);
        assert_eq!(hyperlink_uri("#top"), None);
        assert!(hyperlink_uri("mailto:a@b.c").is_some());
        assert!(!terminal_takes_hyperlinks(Some("linux")));
        assert!(!terminal_takes_hyperlinks(None));
        assert!(terminal_takes_hyperlinks(Some("xterm-256color")));
    }

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
