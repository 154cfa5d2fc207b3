//! The note editor pop-up: a bordered box over the centre of the screen with
//! the text area and a line of key hints, which turns into the discard
//! question while the editor asks it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::theme;
use crate::app::note_editor::NoteEditor;
use crate::keymap::{Action, Context, Keymap};

/// Key hints under the text, with the keys the keymap binds (by default
/// "Ctrl-s save · Esc cancel · Ctrl-e $EDITOR").
pub fn hints(keymap: &Keymap) -> String {
    keymap
        .hints(
            Context::Editor,
            &[
                (Action::SaveNote, "save"),
                (Action::Back, "cancel"),
                (Action::ExternalEditor, "$EDITOR"),
            ],
        )
        .join(" · ")
}

/// Shown instead of the hints when cancelling would lose text, with the
/// keys that answer (by default "Discard changes? y/n").
pub fn discard_question(keymap: &Keymap) -> String {
    let yes = keymap.key_name(Context::Confirm, Action::Yes);
    let no = keymap.key_name(Context::Confirm, Action::No);
    match (yes, no) {
        (Some(yes), Some(no)) => format!("Discard changes? {yes}/{no}"),
        _ => "Discard changes?".to_string(),
    }
}

/// Share of the screen the pop-up takes in each direction, in percent.
const SHARE: u16 = 70;

/// The pop-up never gets smaller than this (screen permitting), so a note
/// stays editable on narrow terminals.
const MIN_WIDTH: u16 = 40;
const MIN_HEIGHT: u16 = 8;

/// Draws the editor over whatever is on `screen`.
pub fn draw(frame: &mut Frame, editor: &NoteEditor, keymap: &Keymap, screen: Rect) {
    let area = popup_area(screen);
    if area.is_empty() {
        return;
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme::FOCUSED_BORDER)
        .title(Span::styled(
            format!(" Note — {} ", editor.title()),
            theme::TITLE,
        ));
    let inner = block.inner(area);
    frame.render_widget(Clear, area);
    frame.render_widget(block, area);
    if inner.is_empty() {
        return;
    }
    let text_height = inner.height.saturating_sub(1);
    let text = Rect {
        height: text_height,
        ..inner
    };
    let bottom = Rect {
        y: inner.y + text_height,
        height: 1,
        ..inner
    };
    if !text.is_empty() {
        frame.render_widget(editor.textarea(), text);
    }
    let bottom_line = if editor.confirming_discard() {
        Line::styled(discard_question(keymap), theme::STATUS_ERROR)
    } else {
        Line::styled(hints(keymap), theme::HINT)
    };
    let style = bottom_line.style;
    frame.render_widget(Paragraph::new(bottom_line).style(style), bottom);
}

/// About 70% of the screen, centred, but at least `MIN_WIDTH` × `MIN_HEIGHT`
/// when the screen has room, and never larger than the screen.
fn popup_area(screen: Rect) -> Rect {
    let size = |total: u16, min: u16| {
        let share = u16::try_from(u32::from(total) * u32::from(SHARE) / 100).unwrap_or(total);
        share.max(min).min(total)
    };
    let width = size(screen.width, MIN_WIDTH);
    let height = size(screen.height, MIN_HEIGHT);
    Rect {
        x: screen.x.saturating_add((screen.width - width) / 2),
        y: screen.y.saturating_add((screen.height - height) / 2),
        width,
        height,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    fn render(editor: &NoteEditor, width: u16, height: u16) -> Terminal<TestBackend> {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        terminal
            .draw(|frame| {
                let screen = frame.area();
                draw(frame, editor, &Keymap::default(), screen);
            })
            .unwrap();
        terminal
    }

    fn screen_text(terminal: &Terminal<TestBackend>) -> String {
        let buffer = terminal.backend().buffer();
        let mut text = String::new();
        for y in 0..buffer.area.height {
            for x in 0..buffer.area.width {
                text.push_str(buffer[(x, y)].symbol());
            }
            text.push('\n');
        }
        text
    }

    fn sample() -> NoteEditor {
        NoteEditor::new(
            "The map is not the territory",
            "A first line of the note, long enough that it has to wrap inside the pop-up \
             rather than run off its right edge. #maps #thinking\nSecond line: café 日本語 👍",
        )
    }

    #[test]
    fn popup_on_a_normal_screen() {
        let terminal = render(&sample(), 80, 24);
        let text = screen_text(&terminal);
        assert!(
            text.contains("Note — The map is not the territory"),
            "{text}"
        );
        assert!(text.contains(&hints(&Keymap::default())), "{text}");
        assert!(text.contains("#maps #thinking"), "{text}");
        insta::assert_snapshot!(terminal.backend());
    }

    #[test]
    fn long_lines_wrap_inside_the_popup() {
        let terminal = render(&sample(), 80, 24);
        let text = screen_text(&terminal);
        assert!(text.contains("A first line of the note"), "{text}");
        assert!(text.contains("│edge. #maps #thinking "), "{text}");
    }

    #[test]
    fn the_discard_question_replaces_the_help() {
        let mut editor = sample();
        editor.on_key(
            &Keymap::default(),
            KeyEvent::new(KeyCode::Char('x'), KeyModifiers::NONE),
        );
        editor.on_key(
            &Keymap::default(),
            KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE),
        );
        let text = screen_text(&render(&editor, 80, 24));
        assert!(text.contains("Discard changes? y/n"), "{text}");
        assert!(!text.contains(&hints(&Keymap::default())), "{text}");
    }

    #[test]
    fn an_empty_note_shows_the_tag_hint() {
        let text = screen_text(&render(&NoteEditor::new("quote", ""), 80, 24));
        assert!(text.contains("#topic become tags"), "{text}");
    }

    #[test]
    fn small_screens_show_what_fits() {
        let text = screen_text(&render(&sample(), 10, 4));
        assert!(text.contains("Note — "), "{text}");
        assert!(text.contains("Ctrl-s"), "{text}");
    }

    #[test]
    fn a_long_note_scrolls_to_keep_the_cursor_in_view() {
        let note: Vec<String> = (1..=60).map(|n| format!("line {n}")).collect();
        let mut editor = NoteEditor::new("quote", &note.join("\n"));
        let text = screen_text(&render(&editor, 80, 24));
        assert!(text.contains("line 60"), "{text}");
        assert!(!text.contains("line 1 "), "{text}");
        for _ in 0..60 {
            editor.on_key(
                &Keymap::default(),
                KeyEvent::new(KeyCode::Up, KeyModifiers::NONE),
            );
        }
        let text = screen_text(&render(&editor, 80, 24));
        assert!(text.contains("line 1 "), "{text}");
    }

    #[test]
    fn tiny_screens_do_not_panic() {
        for (width, height) in [(1, 1), (1, 5), (5, 1), (2, 2), (3, 3), (40, 2)] {
            render(&sample(), width, height);
        }
    }

    #[test]
    fn popup_stays_inside_an_offset_screen() {
        let screen = Rect::new(5, 3, 30, 10);
        let area = popup_area(screen);
        assert!(screen.contains(area.as_position()));
        assert!(area.right() <= screen.right() && area.bottom() <= screen.bottom());
        assert_eq!(
            popup_area(Rect::new(0, 0, 100, 50)),
            Rect::new(15, 7, 70, 35)
        );
    }
}
