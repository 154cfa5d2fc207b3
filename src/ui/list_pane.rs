//! The list pane: one two-line entry per article.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::theme;
use crate::app::{App, ENTRY_HEIGHT, Focus};
use crate::document::sanitize;
use crate::library::Source;
use crate::text::fit;

/// A file's name and the folder it is in, `CHANGELOG_V20.md · changelogs/`,
/// name first so a narrow pane cuts the folder rather than the name; only the
/// folder when the title already is the file name. Names are sanitized: a
/// file name is text from outside and never reaches the terminal raw.
pub(super) fn file_and_folder(source: &Source, title: &str) -> String {
    match source {
        Source::File(path) => {
            let name = path
                .file_name()
                .map(|n| sanitize(&n.to_string_lossy()).into_owned())
                .unwrap_or_default();
            let folder = path
                .parent()
                .and_then(|p| p.file_name())
                .map(|n| sanitize(&n.to_string_lossy()).into_owned());
            match folder {
                Some(folder) if name == title => format!("{folder}/"),
                Some(folder) => format!("{name} · {folder}/"),
                None => name,
            }
        }
        Source::Bundled(name, _) => (*name).to_string(),
    }
}

/// The characters of a title the `/` filter matched.
const FILTER_MATCH: Style = theme::ENTRY_TITLE
    .fg(Color::Yellow)
    .add_modifier(Modifier::UNDERLINED);

/// A title as spans, the characters at `marks` (positions in `title`)
/// styled as filter matches.
fn marked_title(title: &str, marks: &[usize]) -> Vec<Span<'static>> {
    if marks.is_empty() {
        return vec![Span::styled(title.to_string(), theme::ENTRY_TITLE)];
    }
    let mut spans = Vec::new();
    let mut run = String::new();
    let mut run_marked = false;
    for (i, c) in title.chars().enumerate() {
        let marked = marks.binary_search(&i).is_ok();
        if marked != run_marked && !run.is_empty() {
            let style = if run_marked {
                FILTER_MATCH
            } else {
                theme::ENTRY_TITLE
            };
            spans.push(Span::styled(std::mem::take(&mut run), style));
        }
        run_marked = marked;
        run.push(c);
    }
    if !run.is_empty() {
        let style = if run_marked {
            FILTER_MATCH
        } else {
            theme::ENTRY_TITLE
        };
        spans.push(Span::styled(run, style));
    }
    spans
}

/// Draws the list into `area` (nothing when the area is empty).
pub fn draw(frame: &mut Frame, app: &App, area: Rect) {
    let area = area.intersection(frame.area());
    if area.width == 0 || area.height == 0 {
        return;
    }
    let list = &app.list;
    let more = if list.scan.running { "…" } else { "" };
    let title = if list.visible.len() == list.count() {
        format!(" Library ({}{more}) ", list.count())
    } else {
        format!(" Library ({}/{}{more}) ", list.visible.len(), list.count())
    };
    let mut marker = list.marker();
    let block = super::pane(title, app.focus == Focus::List);
    let inner = block.inner(area);
    frame.render_widget(block, area);

    let width = usize::from(inner.width);
    let mut lines = Vec::new();
    let rows = usize::from(inner.height) / ENTRY_HEIGHT + 1;
    for (pos, &index) in list.visible.iter().enumerate().skip(list.scroll).take(rows) {
        let article = &list.articles[index];
        let selected = pos == list.selected;
        let mut detail: Vec<String> = Vec::new();
        if let Some(author) = &article.meta.author {
            detail.push(author.clone());
        }
        if let Some(date) = &article.meta.date_text {
            detail.push(date.clone());
        }
        if detail.is_empty() {
            // Without a byline, where the file is tells entries apart (many
            // READMEs and changelogs share their titles).
            detail.push(file_and_folder(&article.source, &article.title));
        }
        let id = crate::app::ArticleId(index);
        let progress = app.progress_of(id);
        let count = app.figures.get(id).map_or(0, |f| f.highlights);
        let marks = if count > 0 {
            format!("✎{count} ")
        } else {
            String::new()
        };
        let right = format!("{marks}{:>3.0}%", progress.unwrap_or(0.0) * 100.0);
        let left = fit(
            &detail.join(" · "),
            width.saturating_sub(right.chars().count() + 1),
        );
        let pad = width.saturating_sub(
            unicode_width::UnicodeWidthStr::width(left.as_str()) + right.chars().count(),
        );
        // Padded to the full width so the selected entry reverses as one bar.
        let title = fit(&article.title, width);
        let title_pad = width.saturating_sub(unicode_width::UnicodeWidthStr::width(title.as_str()));
        let mut marks = match marker.as_mut() {
            Some(marker) => list.title_matches(marker, index),
            None => Vec::new(),
        };
        if title != article.title {
            // Cut short: the last character shown is the ellipsis.
            let shown = title.chars().count().saturating_sub(1);
            marks.retain(|&i| i < shown);
        }
        let mut spans = marked_title(&title, &marks);
        spans.push(Span::raw(" ".repeat(title_pad)));
        let mut title_line = Line::from(spans);
        let mut detail_line = Line::from(vec![
            Span::styled(left, theme::ENTRY_DETAIL),
            Span::raw(" ".repeat(pad)),
            Span::styled(right, theme::ENTRY_DETAIL),
        ]);
        if selected {
            title_line = title_line.patch_style(theme::SELECTED);
            detail_line = detail_line.patch_style(theme::SELECTED);
        }
        lines.push(title_line);
        lines.push(detail_line);
    }
    if list.visible.is_empty() {
        let text = if list.scan.running {
            "reading the library…"
        } else if list.count() == 0 {
            "no articles"
        } else if list.filter.is_empty() {
            "nothing in this state (S shows the others)"
        } else {
            "no match"
        };
        lines.push(Line::from(Span::styled(text, theme::ENTRY_DETAIL)));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn a_file_name_is_shown_with_its_folder_and_never_raw() {
        let plain = Source::File(PathBuf::from("/docs/changelogs/CHANGELOG_V20.md"));
        assert_eq!(
            file_and_folder(&plain, "Node.js 20 ChangeLog"),
            "CHANGELOG_V20.md · changelogs/"
        );
        // A title that is the file name is not repeated.
        assert_eq!(file_and_folder(&plain, "CHANGELOG_V20.md"), "changelogs/");
        let hostile = Source::File(PathBuf::from("/tmp/e\u{1b}]0;pwned\u{7}/a\u{1b}[2Jb.md"));
        let shown = file_and_folder(&hostile, "x");
        assert!(!shown.chars().any(char::is_control), "{shown:?}");
    }
}
