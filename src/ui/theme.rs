//! Every style the ui uses, in one place, so the look can change without
//! touching drawing code. Colours are chosen to read on dark and light themes.

use ratatui::style::{Color, Modifier, Style};

use crate::document::SpanStyle;

/// Border of the focused pane.
pub const FOCUSED_BORDER: Style = Style::new().fg(Color::Cyan);
/// Border of the other pane.
pub const BORDER: Style = Style::new().fg(Color::DarkGray);
/// Pane titles.
pub const TITLE: Style = Style::new().add_modifier(Modifier::BOLD);
/// The selected list entry.
pub const SELECTED: Style = Style::new().add_modifier(Modifier::REVERSED);
/// Article titles in the list.
pub const ENTRY_TITLE: Style = Style::new().add_modifier(Modifier::BOLD);
/// Author, date and counts in the list.
pub const ENTRY_DETAIL: Style = Style::new().fg(Color::DarkGray);
/// Headings in the reader (see [`heading`] for each level).
pub const HEADING: Style = Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD);

/// A heading of `level`: levels 1 and 2 are also underlined by a rule (drawn
/// by layout), 3 is coloured like them, 4 is bold in the text colour, 5 and 6
/// are bold italic, so the levels read apart without the `#` marks.
pub fn heading(level: u8) -> Style {
    match level {
        0..=3 => HEADING,
        4 => Style::new().add_modifier(Modifier::BOLD),
        _ => Style::new().add_modifier(Modifier::BOLD | Modifier::ITALIC),
    }
}

/// The rule under a level 1 (double) or level 2 (single) heading.
pub fn heading_rule(level: u8) -> Style {
    match level {
        1 => Style::new().fg(Color::Cyan),
        _ => DECORATION,
    }
}

/// A table's header row.
pub const TABLE_HEADER: Style = Style::new().add_modifier(Modifier::BOLD);
/// Byline and date lines.
pub const BYLINE: Style = Style::new()
    .fg(Color::DarkGray)
    .add_modifier(Modifier::ITALIC);
/// Code blocks.
pub const CODE_BLOCK: Style = Style::new().fg(Color::Green);
/// Quote bars, bullets and rules.
pub const DECORATION: Style = Style::new().fg(Color::DarkGray);
/// Search matches.
pub const MATCH: Style = Style::new().fg(Color::Black).bg(Color::Yellow);
/// The current search match.
pub const CURRENT_MATCH: Style = Style::new()
    .fg(Color::Black)
    .bg(Color::LightRed)
    .add_modifier(Modifier::BOLD);
/// The status bar.
pub const STATUS: Style = Style::new().bg(Color::DarkGray).fg(Color::White);
/// Error messages in the status bar.
pub const STATUS_ERROR: Style = Style::new().bg(Color::Red).fg(Color::White);
/// Key hints in the status bar.
pub const HINT: Style = Style::new().bg(Color::DarkGray).fg(Color::Gray);
/// Help overlay keys.
pub const HELP_KEY: Style = Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD);

/// The style of inline markup.
pub fn span(style: SpanStyle) -> Style {
    let mut s = Style::new();
    if style.emphasis {
        s = s.add_modifier(Modifier::ITALIC);
    }
    if style.strong {
        s = s.add_modifier(Modifier::BOLD);
    }
    if style.code {
        s = s.fg(Color::Green);
    }
    if style.link {
        s = s.fg(Color::Blue).add_modifier(Modifier::UNDERLINED);
    }
    if style.strike {
        s = s.add_modifier(Modifier::CROSSED_OUT);
    }
    if style.mark {
        // A highlight written in the article: drawn as a yellow highlight.
        s = s.bg(Color::Rgb(0xff, 0xf1, 0x76)).fg(Color::Black);
    }
    s
}

/// The word under the reader's cursor.
pub const CURSOR: Style = Style::new().add_modifier(Modifier::REVERSED);
/// Selected text.
pub const SELECTION: Style = Style::new().fg(Color::White).bg(Color::Blue);
/// The mark in the margin of a line where a note starts.
pub const NOTE_MARK: Style = Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD);
/// Orphaned highlights and warnings in lists.
pub const WARNING: Style = Style::new().fg(Color::LightRed);
/// Notes shown inline under their paragraph.
pub const INLINE_NOTE: Style = Style::new().fg(Color::Gray).add_modifier(Modifier::ITALIC);

/// The style of a highlight drawn with palette background `hex` ("#rrggbb"):
/// black text on the colour, readable on dark and light themes.
pub fn highlight(hex: &str) -> Style {
    let rgb = hex
        .strip_prefix('#')
        .filter(|h| h.len() == 6)
        .and_then(|h| u32::from_str_radix(h, 16).ok());
    let bg = rgb.map_or(Color::Yellow, |v| {
        Color::Rgb((v >> 16) as u8, (v >> 8) as u8, v as u8)
    });
    Style::new().fg(Color::Black).bg(bg)
}
