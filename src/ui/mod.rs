//! Drawing. Every function here reads [`App`] and writes to a frame; none keeps
//! or changes state, so a frame is a pure picture of the app.

pub mod all_notes;
mod help;
mod library_search;
pub mod links;
mod list_pane;
mod loading;
pub mod note_editor;
mod outline;
pub mod panel;
mod reader_pane;
mod review;
mod status_bar;
pub mod syntax;
pub mod theme;

use ratatui::Frame;
use ratatui::text::Span;
use ratatui::widgets::{Block, Borders};

use crate::app::{App, Mode};

/// Draws the whole screen. Everything is laid out from the frame's own area,
/// never from the size the app was last told: the terminal may have changed
/// size since, and a write outside the frame's buffer would panic.
pub fn draw(frame: &mut Frame, app: &App) {
    let areas = app.areas_in(frame.area());
    list_pane::draw(frame, app, areas.list);
    reader_pane::draw(frame, app, areas.reader, areas.text);
    status_bar::draw(frame, app, areas.status);
    if let (Some(panel), Some(reader)) = (app.panel(), &app.reader) {
        panel::draw(
            frame,
            panel,
            &reader.notes,
            &app.config.highlights.palette,
            &app.keymap,
            areas.reader,
        );
    }
    if let Some(view) = app.all_notes() {
        let over = ratatui::layout::Rect {
            height: areas.status.y.saturating_sub(frame.area().y),
            ..frame.area()
        };
        all_notes::draw(frame, app, view, over);
    }
    if let Some(review) = app.review() {
        review::draw(frame, app, review);
    }
    match &app.mode {
        Mode::Note(edit) => note_editor::draw(frame, &edit.editor, &app.keymap, frame.area()),
        Mode::Help { scroll } => help::draw(frame, app, *scroll),
        Mode::Outline(o) => outline::draw(
            frame,
            app,
            o,
            crate::app::outline::outline_area(areas.reader, app.config.reader.reading_width),
        ),
        Mode::Links(picker) => links::draw(frame, app, picker),
        Mode::Browse
        | Mode::Panel(_)
        | Mode::Field(_)
        | Mode::Question { .. }
        | Mode::AllNotes(_)
        | Mode::Review(_) => {}
        Mode::LibrarySearch(search) => library_search::draw(frame, app, search, areas.status),
    }
}

/// The bordered frame of a pane, its border lit when the pane has focus so the
/// reader always knows where keys go.
fn pane(title: String, focused: bool) -> Block<'static> {
    let border = if focused {
        theme::FOCUSED_BORDER
    } else {
        theme::BORDER
    };
    Block::default()
        .borders(Borders::ALL)
        .border_style(border)
        .title(Span::styled(title, theme::TITLE))
}
