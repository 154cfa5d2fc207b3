//! The status bar: what is being typed, or the last message, or where the reader
//! is; key hints on the right.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::theme;
use crate::app::links::elide_middle;
use crate::app::outline::fit_path;
use crate::app::{App, Focus, InputKind, Mode};
use crate::document::sanitize;
use crate::keymap::{Action, Context};
use crate::text::fit;

/// Cells the left part keeps at least before key hints are shown.
const MIN_LEFT: usize = 16;

/// Narrowest a link's target is cut to, however many hints there are.
const MIN_TARGET: usize = 16;

/// Cells a link's target may take in the bar: what the key hints leave, so
/// a long URL loses its middle rather than its end.
fn target_room(app: &App) -> usize {
    let width = usize::from(app.screen.width);
    let hints = hints(app).width();
    width.saturating_sub(hints + 4).max(MIN_TARGET)
}

/// Draws the status bar (nothing when the screen has no room for it).
pub fn draw(frame: &mut Frame, app: &App, area: Rect) {
    let area = area.intersection(frame.area());
    if area.width == 0 || area.height == 0 {
        return;
    }
    let width = usize::from(area.width);
    let (left, style) = left_text(app);
    let place = reader_place(app);
    let hints = shorten(&hints(app), width.saturating_sub(MIN_LEFT));
    // Key hints give way to a message, a text field or a highlight's own
    // keys, never to a long article title: the title is shortened instead.
    let on_highlight = app.focus == Focus::Reader
        && app.panel().is_none()
        && app.highlight_under_cursor().is_some();
    let fits = left.width() + hints.width() < width;
    // Where the reader is in a long article matters more than the hints
    // (which `?` lists anyway): they give way to a section path that does
    // not fit beside them.
    let urgent = app.message.is_some()
        || matches!(app.mode, Mode::Field(_))
        || on_highlight
        || (place.as_ref().is_some_and(|p| p.names.len() > 1)
            && !matches!(app.mode, Mode::Outline(_)));
    let hints = if (fits || !urgent) && hints.width() + MIN_LEFT <= width {
        hints
    } else {
        String::new()
    };
    let room = width.saturating_sub(hints.width() + 1).max(1);
    let left = match &place {
        Some(place) => place.fitted(room),
        None => fit(&left, room),
    };
    let pad = width.saturating_sub(left.width() + hints.width());
    let line = Line::from(vec![
        Span::styled(left, style),
        Span::styled(" ".repeat(pad), theme::STATUS),
        Span::styled(hints, theme::HINT),
    ]);
    frame.render_widget(Paragraph::new(line).style(theme::STATUS), area);
    if let Mode::Field(input) = &app.mode {
        let prompt = match input.kind {
            InputKind::Filter => "filter: ",
            InputKind::Search => "/",
        };
        let x = (prompt.width() + input.text.width()).min(width.saturating_sub(1));
        frame.set_cursor_position((area.x + x as u16, area.y));
    }
}

/// Where the reader is, for the status bar: the path of the section under
/// the cursor (or the article's title before the first heading), then how far
/// in and the search.
struct Place {
    /// The sections, outermost first; the title alone when there is none.
    names: Vec<String>,
    /// " · 41%", and the search's count when there is one.
    rest: String,
}

impl Place {
    /// The whole line as it is shown when there is room.
    fn full(&self) -> String {
        format!(" {}{}", self.names.join(" > "), self.rest)
    }

    /// The line in `room` cells, the path shortened from its middle so the
    /// innermost section and the outermost (a changelog's version) stay.
    fn fitted(&self, room: usize) -> String {
        let full = self.full();
        if full.width() <= room {
            return full;
        }
        let names: Vec<&str> = self.names.iter().map(String::as_str).collect();
        let path_room = room.saturating_sub(1 + self.rest.width());
        if path_room < MIN_LEFT / 2 {
            return fit(&full, room);
        }
        format!(" {}{}", fit_path(&names, path_room), self.rest)
    }
}

/// The reader's place, when the status bar shows it (the reader has focus and
/// no message, field, panel, highlight, link list or link under the cursor
/// takes the bar).
fn reader_place(app: &App) -> Option<Place> {
    if matches!(app.mode, Mode::Field(_)) || app.message.is_some() || app.panel().is_some() {
        return None;
    }
    // A view over the whole screen hides the reader: its keys matter, not
    // where the reader is.
    if matches!(
        app.mode,
        Mode::LibrarySearch(_) | Mode::AllNotes(_) | Mode::Review(_)
    ) {
        return None;
    }
    let reader = app.reader.as_ref()?;
    if app.focus != Focus::Reader
        || app.highlight_under_cursor().is_some()
        || app.link_picker().is_some()
        || app.link_under_cursor().is_some()
    {
        return None;
    }
    let title = app
        .list
        .article(reader.article)
        .map_or("", |a| a.title.as_str());
    let sections = app.section_names();
    let names = if sections.is_empty() {
        vec![sanitize(title).into_owned()]
    } else {
        sections.into_iter().map(str::to_string).collect()
    };
    let percent = app.progress_of(reader.article).unwrap_or(0.0);
    let search = reader
        .search
        .as_ref()
        .map(|s| format!(" · {}", s.status()))
        .unwrap_or_default();
    let loading = reader
        .notes
        .loading
        .map(|l| format!(" · {}", l.status()))
        .unwrap_or_default();
    Some(Place {
        names,
        rest: format!(" · {:.0}%{search}{loading}", percent * 100.0),
    })
}

fn left_text(app: &App) -> (String, ratatui::style::Style) {
    if let Mode::Field(input) = &app.mode {
        let prompt = match input.kind {
            InputKind::Filter => "filter: ",
            InputKind::Search => "/",
        };
        return (format!("{prompt}{}", input.text), theme::STATUS);
    }
    if let Some(message) = &app.message {
        let style = if message.error {
            theme::STATUS_ERROR
        } else {
            theme::STATUS
        };
        return (format!(" {}", message.text), style);
    }
    // The all-notes view: where the selected note is kept.
    if let Some(view) = app.all_notes() {
        let text = match view.selected_note() {
            Some(n) => {
                let file = std::path::Path::new(&n.article.path)
                    .file_name()
                    .map(|f| f.to_string_lossy().into_owned())
                    .unwrap_or_default();
                format!(" {} · {}", sanitize(n.article_title()), sanitize(&file))
            }
            None => String::new(),
        };
        return (text, theme::STATUS);
    }
    if let (Some(panel), Some(reader)) = (app.panel(), &app.reader) {
        let shown = crate::app::panel::rows(&reader.notes, &panel.filter).len();
        let total = reader.notes.count();
        let text = if panel.filter.is_empty() {
            format!(" {total} annotation{}", if total == 1 { "" } else { "s" })
        } else {
            format!(
                " {shown} of {total} annotations match \"{}\"",
                sanitize(&panel.filter)
            )
        };
        return (text, theme::STATUS);
    }
    if app.focus == Focus::Reader
        && let Some(h) = app.highlight_under_cursor()
    {
        let tags: String = h.tags.iter().map(|t| format!(" #{t}")).collect();
        let first = h.note.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        let text = if first.is_empty() {
            let keys = app.keymap.hints(
                Context::Reader,
                &[
                    (Action::Annotate, "adds a note"),
                    (Action::ChangeColor, "colour"),
                    (Action::Delete, "delete"),
                ],
            );
            let keys: String = keys.iter().map(|k| format!(" · {k}")).collect();
            format!(" {} highlight{tags}{keys}", h.color)
        } else {
            format!(" ✎ {} · {}", sanitize(first.trim()), h.color)
        };
        return (text, theme::STATUS);
    }
    if let Some(picker) = app.link_picker() {
        let shown = picker.shown().len();
        let total = picker.entries.len();
        let count = if picker.filter.is_empty() {
            format!("{total} link{}", if total == 1 { "" } else { "s" })
        } else {
            format!("{shown} of {total} links")
        };
        let target = picker
            .chosen()
            .map(|e| {
                let room = target_room(app).saturating_sub(count.width() + 3);
                format!(" · → {}", elide_middle(&e.target, room))
            })
            .unwrap_or_default();
        return (format!(" {count}{target}"), theme::STATUS);
    }
    if app.focus == Focus::Reader
        && let Some(link) = app.link_under_cursor()
    {
        return (
            format!(" → {}", elide_middle(&link.url, target_room(app))),
            theme::STATUS,
        );
    }
    if let Some(place) = reader_place(app) {
        return (place.full(), theme::STATUS);
    }
    (
        format!("{}{}", app.list_status(), app.review_status()),
        theme::STATUS,
    )
}

/// `hints` within `room` cells: hints are dropped from the middle, the
/// first (the view's main key) and the last (how to leave it) kept longest;
/// as they are when they fit.
fn shorten(hints: &str, room: usize) -> String {
    if hints.width() <= room {
        return hints.to_string();
    }
    let mut parts: Vec<&str> = hints.trim_end().split(" · ").collect();
    let joined = |parts: &[&str]| format!("{} ", parts.join(" · "));
    while parts.len() > 2 && joined(&parts).width() > room {
        parts.remove(parts.len() - 2);
    }
    joined(&parts)
}

/// The key hints on the right, built from the keymap so a rebound key shows
/// as rebound (and an unbound action shows no hint at all).
fn hints(app: &App) -> String {
    use Action::*;
    let (context, entries): (Context, &[(Action, &str)]) = match (&app.mode, app.focus) {
        (Mode::Field(_), _) => (Context::Input, &[(Submit, "confirm"), (Back, "cancel")]),
        (Mode::AllNotes(v), _) if v.tags.as_ref().is_some_and(|t| t.renaming.is_some()) => (
            Context::Input,
            &[(Submit, "rename everywhere"), (Back, "cancel")],
        ),
        (Mode::AllNotes(v), _) if v.filtering => (
            Context::Input,
            &[(Submit, "keep the filter"), (Back, "clear")],
        ),
        (Mode::AllNotes(_), _) => (Context::Notes, &[(Help, "help"), (Quit, "quit")]),
        (Mode::Review(_), _) => (
            Context::Review,
            &[(OpenArticle, "open"), (Help, "help"), (Back, "close")],
        ),
        (Mode::LibrarySearch(_), _) => (
            Context::LibrarySearch,
            &[
                (Submit, "open"),
                (SearchWholeWord, "word"),
                (SearchRegex, "regex"),
                (SearchAccents, "accents"),
                (Back, "close"),
            ],
        ),
        (Mode::Outline(o), _) if o.filtering => (
            Context::Input,
            &[(Submit, "jump"), (Back, "clear the filter")],
        ),
        (Mode::Outline(_), _) => {
            let keys = app
                .keymap
                .hints(Context::Outline, &[(OpenArticle, "jump"), (Back, "close")]);
            let mut parts = vec!["type to filter".to_string()];
            parts.extend(keys);
            return format!("{} ", parts.join(" · "));
        }
        (Mode::Links(p), _) if p.filtering => (
            Context::LinksFilter,
            &[(FollowLink, "follow"), (Back, "clear")],
        ),
        (Mode::Links(_), _) => (
            Context::Links,
            &[
                (FollowLink, "follow"),
                (CopyLink, "copy"),
                (FilterList, "filter"),
                (Back, "close"),
            ],
        ),
        (_, Focus::List) => (
            Context::List,
            &[
                (OpenArticle, "open"),
                (FilterList, "filter"),
                (Help, "help"),
                (Quit, "quit"),
            ],
        ),
        (_, Focus::Reader) if app.panel().is_some_and(|p| p.filtering) => {
            let keys = app
                .keymap
                .hints(Context::PanelFilter, &[(Submit, "keep"), (Back, "clear")]);
            let mut parts = vec!["type to filter".to_string()];
            parts.extend(keys);
            return format!("{} ", parts.join(" · "));
        }
        (_, Focus::Reader) if app.panel().is_some() => (
            Context::Panel,
            &[
                (OpenArticle, "jump"),
                (Annotate, "note"),
                (FilterList, "filter"),
                (Export, "export"),
                (Back, "close"),
            ],
        ),
        (_, Focus::Reader) => match app.reader.as_ref() {
            Some(r) if r.anchor.is_some() => (
                Context::Reader,
                &[
                    (Highlight, "highlight"),
                    (Annotate, "note"),
                    (Copy, "copy"),
                    (Back, "cancel"),
                ],
            ),
            Some(_) if app.link_under_cursor().is_some() => (
                Context::Reader,
                &[(FollowLink, "follow"), (LinkList, "links"), (Help, "help")],
            ),
            _ => (
                Context::Reader,
                &[
                    (Select, "select"),
                    (SelectSentence, "sentence"),
                    (Search, "search"),
                    (Help, "help"),
                ],
            ),
        },
    };
    let hints = app.keymap.hints(context, entries);
    if hints.is_empty() {
        String::new()
    } else {
        format!("{} ", hints.join(" · "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_give_way_from_the_middle_keeping_the_first_and_last() {
        let hints = "Enter open · Ctrl-w word · Ctrl-r regex · Esc close ";
        assert_eq!(shorten(hints, 80), hints);
        assert_eq!(shorten(hints, 40), "Enter open · Ctrl-w word · Esc close ");
        assert_eq!(shorten(hints, 10), "Enter open · Esc close ");
    }
}
