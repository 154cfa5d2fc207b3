//! The list pane: one two-line entry per article.

use ratatui::Frame;
use ratatui::layout::Rect;
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
fn file_and_folder(source: &Source, title: &str) -> String {
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

/// Draws the list into `area` (nothing when the area is empty).
pub fn draw(frame: &mut Frame, app: &App, area: Rect) {
    let area = area.intersection(frame.area());
    if area.width == 0 || area.height == 0 {
        return;
    }
    let list = &app.list;
    let title = if list.filter.is_empty() {
        format!(" Library ({}) ", list.articles.len())
    } else {
        format!(" Library ({}/{}) ", list.visible.len(), list.articles.len())
    };
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
        let mut title_line = Line::from(vec![
            Span::styled(title, theme::ENTRY_TITLE),
            Span::raw(" ".repeat(title_pad)),
        ]);
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
        let text = if list.articles.is_empty() {
            "no articles"
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
