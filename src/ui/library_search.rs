//! The library search over the screen: the query with its modes on the
//! first line, then one entry per article (title and match count) followed
//! by a snippet per matching line, each match marked; notes, highlighted
//! passages and tags say what they are. The status bar below keeps its keys.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use unicode_width::UnicodeWidthStr;

use super::theme;
use crate::app::App;
use crate::app::library_search::{LibrarySearch, Row, State};
use crate::search::{Hit, HitKind, Snippet};
use crate::text::fit;

/// The prompt before the query.
const PROMPT: &str = "search: ";

/// Draws the search over everything above `status` (the status bar).
pub fn draw(frame: &mut Frame, app: &App, search: &LibrarySearch, status: Rect) {
    let screen = frame.area();
    let area = Rect {
        height: status.y.saturating_sub(screen.y),
        ..screen
    }
    .intersection(screen);
    if area.width < 10 || area.height < 4 {
        return;
    }
    let inner_width = usize::from(area.width - 2);
    let articles = search.results.len();
    let matches = search.matches();
    let progress = match &search.state {
        State::Empty => String::new(),
        State::Running => " · searching…".to_string(),
        State::Done(n) => format!(" · {n} article{} searched", if *n == 1 { "" } else { "s" }),
        State::Invalid(_) => String::new(),
    };
    let title = format!(
        " Search the library · {matches} match{} in {articles} article{}{progress} ",
        if matches == 1 { "" } else { "es" },
        if articles == 1 { "" } else { "s" },
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme::FOCUSED_BORDER)
        .title(Span::styled(fit(&title, inner_width), theme::TITLE));
    let inner = block.inner(area);
    frame.render_widget(Clear, area);
    frame.render_widget(block, area);
    let width = usize::from(inner.width);

    // The query line: prompt, query, modes.
    let modes = modes_text(search);
    let query_room = width.saturating_sub(PROMPT.width() + modes.width() + 1);
    let query = fit(&search.query, query_room);
    let pad = width.saturating_sub(PROMPT.width() + query.width() + modes.width());
    let mut lines = vec![Line::from(vec![
        Span::styled(PROMPT, theme::HELP_KEY),
        Span::raw(query.clone()),
        Span::raw(" ".repeat(pad)),
        Span::styled(modes, theme::ENTRY_DETAIL),
    ])];
    let height = usize::from(inner.height).saturating_sub(1);
    match &search.state {
        State::Invalid(reason) => {
            lines.push(Line::from(Span::styled(fit(reason, width), theme::WARNING)));
        }
        State::Empty => lines.push(Line::from(Span::styled(
            fit(
                "type to search the text, notes, highlights and tags of every article",
                width,
            ),
            theme::ENTRY_DETAIL,
        ))),
        State::Done(_) if search.results.is_empty() => {
            lines.push(Line::from(Span::styled("no match", theme::ENTRY_DETAIL)));
        }
        _ => {}
    }
    let rows = search.rows();
    let scroll = search.scroll.min(rows.len().saturating_sub(1));
    for (n, row) in rows.iter().enumerate().skip(scroll).take(height) {
        let mut line = match *row {
            Row::Article(i) => article_line(app, search, i, width),
            Row::Hit(i, j) => hit_line(&search.results[i].hits[j], width),
        };
        if n == search.selected {
            let pad = width.saturating_sub(line.width());
            line.spans.push(Span::raw(" ".repeat(pad)));
            line = line.patch_style(theme::SELECTED);
        }
        lines.push(line);
    }
    frame.render_widget(Paragraph::new(lines), inner);
    let x = (PROMPT.width() + query.width()).min(width.saturating_sub(1));
    frame.set_cursor_position((inner.x + x as u16, inner.y));
}

/// "word regex accents" with the ones in force named, the others dimmed out.
fn modes_text(search: &LibrarySearch) -> String {
    let o = search.options;
    let flag = |on: bool, name: &str| {
        if on {
            format!("[{name}]")
        } else {
            String::new()
        }
    };
    let parts: Vec<String> = [
        flag(o.whole_word, "word"),
        flag(o.regex, "regex"),
        flag(o.fold_accents, "accents"),
    ]
    .into_iter()
    .filter(|s| !s.is_empty())
    .collect();
    parts.join(" ")
}

/// An article's entry: its title, match count, and file name with its
/// folder (dim, cut first when the row is narrow), so two articles of the
/// same title (`README.md` and `README.md.gz`, one per folder) can be told
/// apart, as in the list.
fn article_line(app: &App, search: &LibrarySearch, index: usize, width: usize) -> Line<'static> {
    let result = &search.results[index];
    let (title, file) =
        app.list
            .articles
            .get(result.article.0)
            .map_or_else(Default::default, |a| {
                (
                    a.title.clone(),
                    super::list_pane::file_and_folder(&a.source, &a.title),
                )
            });
    let count = format!(
        "  {} match{}",
        result.count,
        if result.count == 1 { "" } else { "es" }
    );
    let title = fit(&title, width.saturating_sub(count.width()));
    let room = width.saturating_sub(title.width() + count.width());
    let mut spans = vec![
        Span::styled(title, theme::ENTRY_TITLE),
        Span::styled(count, theme::ENTRY_DETAIL),
    ];
    // Only where a useful part of it fits: a lone ellipsis tells nothing.
    if !file.is_empty() && room >= FILE_ROOM_MIN {
        spans.push(Span::styled(
            fit(&format!("  {file}"), room),
            theme::ENTRY_DETAIL,
        ));
    }
    Line::from(spans)
}

/// The fewest cells the file name is shown in after an entry's count.
const FILE_ROOM_MIN: usize = 8;

/// A matching line: its line number (or what kind of note it is) and the
/// snippet with the matches marked.
fn hit_line(hit: &Hit, width: usize) -> Line<'static> {
    let (label, style) = match hit.kind {
        HitKind::Text => (format!("  {:>5}  ", hit.line), theme::ENTRY_DETAIL),
        kind => (
            format!("  {:>9}  ", format!("{}:", kind.label())),
            theme::NOTE_MARK,
        ),
    };
    let mut spans = vec![Span::styled(label.clone(), style)];
    let width = width.saturating_sub(label.width());
    spans.extend(snippet_spans(&hit.snippet.narrowed(width), width));
    Line::from(spans)
}

/// The snippet cut to `width` cells, matches in the match style.
fn snippet_spans(snippet: &Snippet, width: usize) -> Vec<Span<'static>> {
    let mut spans = Vec::new();
    let mut used = 0;
    let mut at = 0;
    let mut push = |text: &str, style: Style, spans: &mut Vec<Span<'static>>| {
        if used >= width || text.is_empty() {
            return;
        }
        let piece = fit(text, width - used);
        used += piece.width();
        spans.push(Span::styled(piece, style));
    };
    for mark in &snippet.marks {
        if let (Some(before), Some(matched)) = (
            snippet.text.get(at..mark.start),
            snippet.text.get(mark.clone()),
        ) {
            push(before, Style::new(), &mut spans);
            push(matched, theme::MATCH, &mut spans);
            at = mark.end;
        }
    }
    if let Some(rest) = snippet.text.get(at..) {
        push(rest, Style::new(), &mut spans);
    }
    spans
}
