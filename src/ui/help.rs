//! The help overlay, generated from the keymap so it always shows the keys that
//! really work, including the user's own bindings.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use unicode_width::UnicodeWidthStr;

use super::theme;
use crate::app::{App, Pointer};
use crate::keymap::{Action, Context, Keymap};
use crate::text::fit;

/// The widest the overlay grows: wider lines are hard to read.
const MAX_WIDTH: u16 = 100;
/// Cells before a key.
const KEY_INDENT: usize = 2;
/// Cells between the key column and the descriptions.
const GAP: usize = 2;
/// The key column takes at most this share of the width (1/n); longer keys
/// get a line of their own, with the description under them.
const KEY_SHARE: usize = 3;

/// Draws the help overlay centred on the screen, as wide as the terminal
/// allows (up to [`MAX_WIDTH`]), every description wrapped to fit, scrolled
/// by `scroll` lines (at most to the last line).
pub fn draw(frame: &mut Frame, app: &App, scroll: u16) {
    let screen = frame.area();
    let width = screen.width.min(MAX_WIDTH);
    let height = screen.height.saturating_sub(2).max(screen.height.min(3));
    let area = Rect {
        x: screen.x + (screen.width - width) / 2,
        y: screen.y + (screen.height - height) / 2,
        width,
        height,
    };
    let inner = usize::from(width.saturating_sub(2));
    let mut rows: Vec<(String, String)> = Vec::new();
    let mut lines = Vec::new();
    let sections = app.keymap.help();
    let key_width = sections
        .iter()
        .flat_map(|s| s.entries.iter())
        .map(|e| e.keys.width())
        .chain(Pointer::HELP.iter().map(|(what, _)| what.width()))
        .max()
        .unwrap_or(0)
        .min(inner / KEY_SHARE);
    let mut push_section = |title: &str, rows: &mut Vec<(String, String)>| {
        if !lines.is_empty() {
            lines.push(Line::default());
        }
        lines.push(Line::from(Span::styled(fit(title, inner), theme::TITLE)));
        for (keys, description) in rows.drain(..) {
            lines.extend(entry(&keys, &description, key_width, inner));
        }
    };
    for section in sections {
        rows.extend(
            section
                .entries
                .into_iter()
                .map(|e| (e.keys, e.description.to_owned())),
        );
        push_section(section.title, &mut rows);
    }
    rows.extend(
        Pointer::HELP
            .iter()
            .map(|(what, description)| ((*what).to_owned(), (*description).to_owned())),
    );
    push_section("Mouse", &mut rows);
    // Read by the runtime before the keymap, as a shell reads it.
    rows.push((
        "Ctrl-z".to_owned(),
        "suspend gloss to the shell (your work saved first); fg brings it back".to_owned(),
    ));
    push_section("Terminal", &mut rows);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme::FOCUSED_BORDER)
        .title(Span::styled(fit(&title(&app.keymap), inner), theme::TITLE));
    let shown = area.height.saturating_sub(2);
    let max_scroll = u16::try_from(lines.len())
        .unwrap_or(u16::MAX)
        .saturating_sub(shown);
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .scroll((scroll.min(max_scroll), 0)),
        area,
    );
}

/// The lines of one key's entry: the keys in their column and the
/// description wrapped beside them; keys wider than the column stand on a
/// line of their own (wrapped too) with the description under them.
fn entry(keys: &str, description: &str, key_width: usize, width: usize) -> Vec<Line<'static>> {
    let indent = KEY_INDENT + key_width + GAP;
    let room = width.saturating_sub(indent).max(1);
    let mut out = Vec::new();
    let mut text = wrap(description, room).into_iter();
    if keys.width() <= key_width {
        let first = text.next().unwrap_or_default();
        out.push(Line::from(vec![
            Span::styled(
                format!(
                    "{:KEY_INDENT$}{keys}{:pad$}",
                    "",
                    "",
                    pad = key_width - keys.width() + GAP
                ),
                theme::HELP_KEY,
            ),
            Span::raw(first),
        ]));
    } else {
        for part in wrap(keys, width.saturating_sub(KEY_INDENT).max(1)) {
            out.push(Line::from(Span::styled(
                format!("{:KEY_INDENT$}{part}", ""),
                theme::HELP_KEY,
            )));
        }
    }
    out.extend(text.map(|part| Line::from(format!("{:indent$}{part}", ""))));
    out
}

/// `text` in lines of at most `width` cells, broken at spaces (a word
/// longer than a line is cut where the line ends).
pub(super) fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let sep = usize::from(!line.is_empty());
        if !line.is_empty() && line.width() + sep + word.width() > width {
            out.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
        while line.width() > width {
            let cut = fit_prefix(&line, width);
            let rest = line.split_off(cut);
            out.push(std::mem::replace(&mut line, rest));
        }
    }
    if !line.is_empty() || out.is_empty() {
        out.push(line);
    }
    out
}

/// The byte length of the longest start of `s` within `width` cells (at
/// least one character, so wrapping always moves on).
fn fit_prefix(s: &str, width: usize) -> usize {
    let mut used = 0;
    for (at, c) in s.char_indices() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > width && at > 0 {
            return at;
        }
        used += w;
    }
    s.len()
}

/// The overlay's title: how to scroll it, with the keys in force.
fn title(keymap: &Keymap) -> String {
    let down = keymap.key_name(Context::Help, Action::ScrollDown);
    let up = keymap.key_name(Context::Help, Action::ScrollUp);
    match (down, up) {
        (Some(down), Some(up)) => format!(" Help: {down}/{up} scroll, any other key closes "),
        _ => " Help: any unbound key closes ".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_keeps_every_word_within_the_width() {
        assert_eq!(
            wrap("open the link or follow it", 10),
            ["open the", "link or", "follow it"]
        );
        assert_eq!(wrap("abcdefghijkl", 5), ["abcde", "fghij", "kl"]);
        assert_eq!(wrap("", 5), [""]);
        assert!(wrap("日本語のテキスト", 4).iter().all(|l| l.width() <= 4));
    }
}
