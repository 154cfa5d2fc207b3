//! The all-notes view: every highlight of the library over the panes, two
//! lines each (colour, quote and date; article, note and tags), with the
//! filter and key hints at its foot and the tag list over it on `#`.
//! Everything from a notes file passes the sanitizer before it is drawn.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use unicode_width::UnicodeWidthStr;

use super::panel::{fit_tail as tail, padded};
use super::theme;
use crate::annotations::library_notes::LibraryNote;
use crate::app::App;
use crate::app::all_notes::{AllNotes, ENTRY_LINES, TagList};
use crate::app::panel::scroll_for;
use crate::config::PaletteColor;
use crate::keymap::{Action, Context, Keymap};
use crate::text::{fit, one_line};

/// Marks a highlight that could not be placed in its article's changed text.
const ORPHANED: &str = "orphaned";
/// Shown after text being typed.
const CURSOR: &str = "▏";
/// Between two key hints.
const SEPARATOR: &str = " · ";
/// Cells before the second line of an entry.
const INDENT: usize = 3;
/// The view's key hints, in this order.
const HINTS: [(Action, &str); 8] = [
    (Action::OpenArticle, "open"),
    (Action::Annotate, "note"),
    (Action::ChangeColor, "colour"),
    (Action::Delete, "delete"),
    (Action::FilterList, "filter"),
    (Action::TagList, "tags"),
    (Action::CycleSort, "sort"),
    (Action::Back, "close"),
];
/// The tag list's key hints.
const TAG_HINTS: [(Action, &str); 3] = [
    (Action::OpenArticle, "filter"),
    (Action::RenameTag, "rename"),
    (Action::Back, "close"),
];

/// Draws the view over `area` (the panes, above the status bar).
pub fn draw(frame: &mut Frame, app: &App, view: &AllNotes, area: Rect) {
    let area = area.intersection(frame.area());
    if area.width < 3 || area.height < 3 {
        return;
    }
    let palette = &app.config.highlights.palette;
    let rows = view.rows();
    let total = view.notes.notes.len();
    let count = if view.filter.is_empty() {
        format!("{total}")
    } else {
        format!("{}/{total}", rows.len())
    };
    let title = format!(" All notes ({count}) · by {} ", view.sort.name());
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme::FOCUSED_BORDER)
        .title(Span::styled(
            fit(&title, usize::from(area.width.saturating_sub(2))),
            theme::TITLE,
        ));
    let inner = block.inner(area);
    frame.render_widget(Clear, area);
    frame.render_widget(block, area);
    let width = usize::from(inner.width);

    let wants_filter = view.filtering || !view.filter.is_empty();
    let footer = u16::from(wants_filter) + 1;
    let footer = if inner.height > footer + 1 { footer } else { 0 };
    let list = Rect {
        height: inner.height - footer,
        ..inner
    };

    let mut lines: Vec<Line> = Vec::new();
    if view.loading {
        lines.push(detail("loading every note…", width));
    } else if rows.is_empty() {
        lines.push(detail(
            if total == 0 {
                "no highlights yet"
            } else {
                "no match"
            },
            width,
        ));
    } else {
        let selected = view.selected.min(rows.len() - 1);
        let capacity = usize::from(list.height) / ENTRY_LINES;
        let scroll = scroll_for(view.scroll, selected, capacity);
        for (pos, note) in rows.iter().enumerate().skip(scroll).take(capacity + 1) {
            lines.extend(entry(note, pos == selected, palette, width));
        }
    }
    frame.render_widget(Paragraph::new(lines), list);

    if footer > 0 {
        let mut foot = Vec::new();
        if wants_filter {
            let cursor = if view.filtering { CURSOR } else { "" };
            let room = width.saturating_sub(1 + cursor.width());
            foot.push(Line::from(format!(
                "/{}{cursor}",
                tail(&one_line(&view.filter), room)
            )));
        }
        foot.push(detail(
            &hint(&app.keymap, Context::Notes, &HINTS, width),
            width,
        ));
        let at = Rect {
            y: list.bottom(),
            height: footer,
            ..inner
        };
        frame.render_widget(Paragraph::new(foot), at);
    }

    if let Some(tags) = &view.tags {
        draw_tags(frame, app, view, tags, inner);
    }
}

/// The two lines of one note.
fn entry(
    note: &LibraryNote,
    selected: bool,
    palette: &[PaletteColor],
    width: usize,
) -> [Line<'static>; 2] {
    let h = &note.highlight;
    let (swatch, name) = super::panel::swatch(&h.color, palette);
    let date = h.created.format("%Y-%m-%d").to_string();
    let mut right = String::new();
    if h.orphaned {
        right.push_str(ORPHANED);
        right.push(' ');
    }
    right.push_str(&date);
    let right = if width >= 40 { right } else { String::new() };
    let mut first = vec![Span::raw(" ")];
    if let Some(name) = name {
        first.push(name);
        first.push(Span::raw(" "));
    }
    let used: usize =
        swatch.content.width() + first.iter().map(|s| s.content.width()).sum::<usize>();
    let room = width.saturating_sub(used + right.width() + usize::from(!right.is_empty()));
    let quote = fit(&one_line(&h.anchor.quote), room);
    let pad = width.saturating_sub(used + quote.width() + right.width());
    first.push(Span::raw(quote));
    first.push(Span::raw(" ".repeat(pad)));
    let right_style = if h.orphaned {
        theme::WARNING
    } else {
        theme::ENTRY_DETAIL
    };
    first.push(Span::styled(right, right_style));

    let room = width.saturating_sub(INDENT);
    let title = one_line(note.article_title());
    let text = h
        .note
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .map(one_line)
        .unwrap_or_default();
    let tags = h
        .tags
        .iter()
        .map(|t| format!("#{}", one_line(t)))
        .filter(|t| !text.contains(t.as_str()))
        .collect::<Vec<_>>()
        .join(" ");
    let title = fit(
        &title,
        (room / 3).max(room.saturating_sub(text.width() + tags.width() + 4)),
    );
    let rest = room.saturating_sub(title.width() + 3);
    let tag_room = if text.is_empty() {
        rest
    } else {
        tags.width().min(rest / 2)
    };
    let tags = fit(&tags, tag_room);
    let text = fit(
        &text,
        rest.saturating_sub(tags.width() + usize::from(!tags.is_empty())),
    );
    let mut second = vec![
        Span::raw(" ".repeat(INDENT.min(width))),
        Span::styled(title, theme::ENTRY_TITLE),
    ];
    if !text.is_empty() || !tags.is_empty() {
        second.push(Span::styled(" · ", theme::ENTRY_DETAIL));
        second.push(Span::styled(text.clone(), theme::ENTRY_DETAIL));
        if !text.is_empty() && !tags.is_empty() {
            second.push(Span::raw(" "));
        }
        second.push(Span::styled(tags, theme::HELP_KEY));
    }
    let mut first = padded(first, width.saturating_sub(swatch.content.width()));
    let mut second = padded(second, width);
    if selected {
        for span in first.iter_mut().chain(second.iter_mut()) {
            span.style = span.style.patch(theme::SELECTED);
        }
    }
    // The swatch keeps its colour when selected: reversing would hide it.
    first.insert(0, swatch);
    [Line::from(first), Line::from(second)]
}

/// The tag list, in a box over the right part of the view.
fn draw_tags(frame: &mut Frame, app: &App, view: &AllNotes, list: &TagList, inner: Rect) {
    let counts = view.tag_counts();
    let width = inner.width.clamp(3, 40);
    let area = Rect {
        x: inner.right().saturating_sub(width),
        width,
        ..inner
    };
    let title = format!(" Tags ({}) ", counts.len());
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme::FOCUSED_BORDER)
        .title(Span::styled(
            fit(&title, usize::from(width.saturating_sub(2))),
            theme::TITLE,
        ));
    let body = block.inner(area);
    frame.render_widget(Clear, area);
    frame.render_widget(block, area);
    let w = usize::from(body.width);
    let footer: u16 = if body.height > 2 { 1 } else { 0 };
    let rows = usize::from(body.height - footer);
    let selected = list.selected.min(counts.len().saturating_sub(1));
    let scroll = scroll_for(list.scroll, selected, rows);
    let mut lines = Vec::new();
    for (pos, (tag, n)) in counts.iter().enumerate().skip(scroll).take(rows) {
        let count = n.to_string();
        let name = fit(
            &format!("#{}", one_line(tag)),
            w.saturating_sub(count.width() + 2),
        );
        let pad = w.saturating_sub(name.width() + count.width() + 1);
        let style = if pos == selected {
            theme::SELECTED
        } else {
            Style::new()
        };
        lines.push(Line::from(vec![
            Span::styled(format!(" {name}{}", " ".repeat(pad)), style),
            Span::styled(count, style.patch(theme::ENTRY_DETAIL)),
        ]));
    }
    frame.render_widget(Paragraph::new(lines), body);
    if footer > 0 {
        let text = match &list.renaming {
            // The offered old name shows selected: typing replaces it.
            Some(name) if list.replaces => {
                let label = "new name: #";
                let room = w.saturating_sub(label.width());
                Line::from(vec![
                    Span::raw(label),
                    Span::styled(tail(&one_line(name), room), theme::SELECTED),
                ])
            }
            Some(name) => {
                let label = "new name: #";
                let room = w.saturating_sub(label.width() + CURSOR.width());
                Line::from(format!("{label}{}{CURSOR}", tail(&one_line(name), room)))
            }
            None => detail(&hint(&app.keymap, Context::Tags, &TAG_HINTS, w), w),
        };
        let at = Rect {
            y: body.bottom() - footer,
            height: footer,
            ..body
        };
        frame.render_widget(Paragraph::new(text), at);
    }
}

/// A dim line of at most `width` cells.
fn detail(text: &str, width: usize) -> Line<'static> {
    Line::from(Span::styled(fit(text, width), theme::ENTRY_DETAIL))
}

/// As many key hints as fit, in order, keys from the keymap; the last one
/// (the way out) is always kept.
fn hint(keymap: &Keymap, context: Context, hints: &[(Action, &str)], width: usize) -> String {
    let Some(((out_action, out_label), rest)) = hints.split_last() else {
        return String::new();
    };
    let way_out = keymap
        .hint(context, *out_action, out_label)
        .unwrap_or_default();
    let room = width.saturating_sub(way_out.width() + SEPARATOR.width());
    let mut out = String::new();
    for (action, label) in rest {
        let Some(text) = keymap.hint(context, *action, label) else {
            continue;
        };
        let extra = if out.is_empty() {
            text.width()
        } else {
            SEPARATOR.width() + text.width()
        };
        if out.width() + extra > room {
            break;
        }
        if !out.is_empty() {
            out.push_str(SEPARATOR);
        }
        out.push_str(&text);
    }
    if !out.is_empty() && !way_out.is_empty() {
        out.push_str(SEPARATOR);
    }
    out.push_str(&way_out);
    out
}
