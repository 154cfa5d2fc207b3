//! The annotations panel: every highlight of the open article in one list, so
//! notes can be reviewed, found and fixed without scrolling through the text,
//! and orphaned highlights (which the reader cannot show) are not lost.

use std::borrow::Cow;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use unicode_width::UnicodeWidthStr;

use super::theme;
use crate::annotations::Highlight;
use crate::app::notes::Notes;
use crate::app::panel::{ENTRY_LINES, Panel, rows, scroll_for};
use crate::config::PaletteColor;
use crate::document::sanitize;
use crate::keymap::{Action, Context, Keymap};
use crate::text::fit;
use crate::text::one_line;

/// The keys of the panel, shown at its foot in this order, each with the key
/// the keymap binds to it.
const HINTS: [(Action, &str); 7] = [
    (Action::OpenArticle, "jump"),
    (Action::Annotate, "note"),
    (Action::ChangeColor, "colour"),
    (Action::Delete, "delete"),
    (Action::Reattach, "re-attach"),
    (Action::FilterList, "filter"),
    (Action::Back, "close"),
];
/// Which hints stay when the panel is too narrow for all, most needed first
/// (indices into [`HINTS`]): a way out, then the reason to open the panel.
const HINT_PRIORITY: [usize; 7] = [6, 0, 1, 5, 3, 2, 4];
/// Index in [`HINTS`] of the way out, whose key alone is shown when no
/// whole hint fits.
const CLOSE: usize = 6;
/// Between two hints.
const HINT_SEPARATOR: &str = " · ";
/// Marks a highlight that could not be placed in the current text.
const ORPHANED: &str = "orphaned";
/// Cells before the quote and the note: the swatch and a space.
const INDENT: usize = 3;
/// Widest a colour name may be when it stands in for the swatch.
const COLOR_NAME_WIDTH: usize = 10;
/// Narrowest panel that still shows colour names beside the swatches (a
/// narrower one keeps the room for the quote).
const MIN_WIDTH_FOR_NAME: usize = 30;
/// Shown after the filter while it is being typed.
const FILTER_CURSOR: &str = "▏";

/// Where the parts of the panel go inside `area`.
struct Layout {
    /// The bordered box (the part of `area` on screen).
    outer: Rect,
    /// Rows for the entries.
    list: Rect,
    /// Whether the filter line fits and is wanted.
    filter_line: bool,
    /// Whether the hint line fits.
    hint_line: bool,
}

fn layout(panel: &Panel, area: Rect) -> Layout {
    let inner = Block::default().borders(Borders::ALL).inner(area);
    let wants_filter = panel.filtering || !panel.filter.is_empty();
    let height = usize::from(inner.height);
    // The list keeps room for one entry; the hint goes first, then the filter.
    let mut footer = usize::from(wants_filter) + 1;
    let hint_line = height >= footer + ENTRY_LINES;
    if !hint_line {
        footer -= 1;
    }
    let filter_line = wants_filter && height >= footer + ENTRY_LINES;
    if wants_filter && !filter_line {
        footer -= 1;
    }
    let footer = u16::try_from(footer).unwrap_or(0);
    Layout {
        outer: area,
        list: Rect {
            height: inner.height.saturating_sub(footer),
            ..inner
        },
        filter_line,
        hint_line,
    }
}

/// Lines of list the panel has in `area`, for [`Panel::keep_visible`].
pub fn list_height(panel: &Panel, area: Rect) -> usize {
    usize::from(layout(panel, area).list.height)
}

/// Draws the panel over `area` (the reader pane), hiding what is beneath.
pub fn draw(
    frame: &mut Frame,
    panel: &Panel,
    notes: &Notes,
    palette: &[PaletteColor],
    keymap: &Keymap,
    area: Rect,
) {
    let area = area.intersection(frame.area());
    if area.width == 0 || area.height == 0 {
        return;
    }
    let parts = layout(panel, area);
    let shown = rows(notes, &panel.filter);
    let total = notes.highlights.len();
    let mut title = if panel.filter.is_empty() {
        format!(" Annotations ({total}) ")
    } else {
        format!(" Annotations ({}/{total}) ", shown.len())
    };
    if notes.read_only.is_some() {
        title.push_str("read-only ");
    }
    let title = fit(&title, usize::from(area.width.saturating_sub(2)));
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme::FOCUSED_BORDER)
        .title(Span::styled(title, theme::TITLE));
    let inner = block.inner(parts.outer);
    frame.render_widget(Clear, parts.outer);
    frame.render_widget(block, parts.outer);

    let width = usize::from(inner.width);
    let mut lines: Vec<Line> = Vec::new();
    if shown.is_empty() {
        // A large notes file is read in the background: its highlights are
        // on their way, not missing.
        // Notes that could not be read are not "none yet": the reason (a
        // damaged notes file, with its line) is said whole, wrapped.
        let text = match (&notes.loading, &notes.read_only) {
            (Some(loading), _) => loading.status(),
            (None, Some(reason)) if total == 0 => reason.clone(),
            (None, None) if total == 0 => "no highlights yet".to_string(),
            (None, _) => "no match".to_string(),
        };
        for line in super::help::wrap(&text, width.max(1)) {
            lines.push(Line::from(Span::styled(line, theme::ENTRY_DETAIL)));
        }
    } else {
        let selected = panel.selected.min(shown.len() - 1);
        let capacity = usize::from(parts.list.height) / ENTRY_LINES;
        let scroll = scroll_for(panel.scroll, selected, capacity);
        for (pos, &h) in shown.iter().enumerate().skip(scroll).take(capacity + 1) {
            let orphaned = notes.range_of(&h.id).is_none();
            lines.extend(entry(h, orphaned, pos == selected, palette, width));
        }
    }
    frame.render_widget(Paragraph::new(lines), parts.list);

    let mut footer = Vec::new();
    if parts.filter_line {
        let cursor = if panel.filtering { FILTER_CURSOR } else { "" };
        let room = width.saturating_sub(1 + cursor.width());
        let text = format!("/{}{cursor}", fit_tail(&clean(&panel.filter), room));
        footer.push(Line::from(text));
    }
    if parts.hint_line {
        footer.push(Line::from(Span::styled(
            hint(keymap, width),
            theme::ENTRY_DETAIL,
        )));
    }
    let footer_height = u16::try_from(footer.len()).unwrap_or(0);
    let footer_area = Rect {
        y: parts.list.bottom(),
        height: footer_height.min(inner.bottom().saturating_sub(parts.list.bottom())),
        ..inner
    };
    frame.render_widget(Paragraph::new(footer), footer_area);
}

/// The two lines of one highlight: swatch, quote and orphan mark; then the
/// note's first line and the tags.
fn entry(
    h: &Highlight,
    orphaned: bool,
    selected: bool,
    palette: &[PaletteColor],
    width: usize,
) -> [Line<'static>; 2] {
    let (swatch, name) = swatch(&h.color, palette);
    let name = if width >= MIN_WIDTH_FOR_NAME {
        name
    } else {
        None
    };
    let mut first = vec![Span::raw(" ")];
    if let Some(name) = name {
        first.push(name);
        first.push(Span::raw(" "));
    }
    let used: usize =
        swatch.content.width() + first.iter().map(|s| s.content.width()).sum::<usize>();
    let mark = if orphaned { ORPHANED.width() + 1 } else { 0 };
    let quote = fit(
        &clean(&one_line(&h.anchor.quote)),
        width.saturating_sub(used + mark),
    );
    let quote_width = quote.width();
    first.push(Span::raw(quote));
    if orphaned {
        let pad = width.saturating_sub(used + quote_width + ORPHANED.width());
        first.push(Span::raw(" ".repeat(pad.max(1))));
        first.push(Span::styled(ORPHANED, theme::WARNING));
    }

    let room = width.saturating_sub(INDENT);
    let note = h
        .note
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .map(clean)
        .unwrap_or_default();
    // Tags written in the note's first line are already in view.
    let tags = h
        .tags
        .iter()
        .map(|t| format!("#{}", clean(t)))
        .filter(|t| !note.contains(t.as_str()))
        .collect::<Vec<_>>()
        .join(" ");
    let (note, tags) = share(&note, &tags, room);
    let mut second = vec![Span::raw(" ".repeat(INDENT.min(width)))];
    if note.is_empty() && tags.is_empty() {
        second.push(Span::styled(fit("no note", room), theme::ENTRY_DETAIL));
    } else {
        second.push(Span::styled(note.clone(), theme::ENTRY_DETAIL));
        if !note.is_empty() && !tags.is_empty() {
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

/// The swatch of a palette colour and its name, which carries the meaning
/// the user gave the colour (`[[highlights.palette]] name = "question"`); a
/// colour the palette does not know is shown by its name alone (no swatch
/// to guess). Shared by the panel and the all-notes view.
pub fn swatch(color: &str, palette: &[PaletteColor]) -> (Span<'static>, Option<Span<'static>>) {
    match palette.iter().find(|c| c.name == color) {
        Some(c) => {
            let bg = theme::highlight(&c.background).bg.unwrap_or(Color::Yellow);
            (
                Span::styled("██", Style::new().fg(bg)),
                Some(Span::styled(
                    fit(&clean(&c.name), COLOR_NAME_WIDTH),
                    theme::ENTRY_DETAIL,
                )),
            )
        }
        None => (
            Span::styled(fit(&clean(color), COLOR_NAME_WIDTH), theme::ENTRY_DETAIL),
            None,
        ),
    }
}

/// As many whole key hints as fit in `width` cells, most needed first, shown
/// in their usual order; just the key that closes the panel when not even one
/// fits. Keys come from the keymap, so a rebound key shows as rebound.
fn hint(keymap: &Keymap, width: usize) -> String {
    let texts: Vec<Option<String>> = HINTS
        .iter()
        .map(|(action, label)| keymap.hint(Context::Panel, *action, label))
        .collect();
    let mut chosen = [false; HINTS.len()];
    let mut used = 0;
    for &i in &HINT_PRIORITY {
        let Some(Some(text)) = texts.get(i) else {
            continue;
        };
        let extra = text.width() + if used == 0 { 0 } else { HINT_SEPARATOR.width() };
        if used + extra <= width {
            used += extra;
            if let Some(slot) = chosen.get_mut(i) {
                *slot = true;
            }
        }
    }
    let shown: Vec<&str> = texts
        .iter()
        .zip(chosen)
        .filter_map(|(text, keep)| keep.then_some(text.as_deref()).flatten())
        .collect();
    if shown.is_empty() {
        let close = HINTS
            .get(CLOSE)
            .and_then(|(action, _)| keymap.key_name(Context::Panel, *action))
            .unwrap_or_default();
        return fit(&close, width);
    }
    shown.join(HINT_SEPARATOR)
}

/// Splits `room` cells between a note and its tags: both whole when they fit,
/// else the tags keep at most half (or all when there is no note).
fn share(note: &str, tags: &str, room: usize) -> (String, String) {
    let gap = usize::from(!note.is_empty() && !tags.is_empty());
    if note.width() + gap + tags.width() <= room {
        return (note.to_string(), tags.to_string());
    }
    let tag_room = if note.is_empty() {
        room
    } else {
        tags.width()
            .min((room / 2).max(room.saturating_sub(note.width() + gap)))
    };
    let tags = fit(tags, tag_room);
    let note = fit(note, room.saturating_sub(tags.width() + gap));
    (note, tags)
}

/// Pads a line's spans with spaces to `width` cells, so a selected entry is
/// reversed across the whole row.
pub(super) fn padded(mut spans: Vec<Span<'static>>, width: usize) -> Vec<Span<'static>> {
    let used: usize = spans.iter().map(|s| s.content.width()).sum();
    if used < width {
        spans.push(Span::raw(" ".repeat(width - used)));
    }
    spans
}

/// Text from an annotation file made safe to print on one line: controls
/// become placeholders, tabs spaces.
fn clean(s: &str) -> String {
    match sanitize(s) {
        Cow::Borrowed(b) => b.replace(['\t', '\n'], " "),
        Cow::Owned(o) => o.replace(['\t', '\n'], " "),
    }
}

/// The end of `s` in at most `width` cells, starting with "…" when cut, so the
/// latest typed characters of a long filter stay visible.
pub(super) fn fit_tail(s: &str, width: usize) -> String {
    if s.width() <= width {
        return s.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let mut kept: Vec<char> = Vec::new();
    let mut used = 1;
    for c in s.chars().rev() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > width {
            break;
        }
        used += w;
        kept.push(c);
    }
    kept.push('…');
    kept.into_iter().rev().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotations::testing::highlight;
    use crate::config::HighlightConfig;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    const TEXT: &str = "The map is not the territory, and the menu is not the meal. \
        Every model leaves something out, which is exactly what makes it useful.";

    fn palette() -> Vec<PaletteColor> {
        HighlightConfig::default().palette
    }

    /// Three highlights: one plain, one with a two-line note and tags, one
    /// orphaned in a colour the palette no longer has.
    fn sample() -> Notes {
        let start = TEXT.find("Every").unwrap_or(0);
        let plain = highlight("plain").range_of(TEXT, 0..28).build();
        let tagged = highlight("tagged")
            .range_of(TEXT, start..TEXT.len())
            .color("blue")
            .note("Compression is the point.\nSecond line stays hidden.")
            .tags(&["maps", "models"])
            .build();
        let orphan = highlight("orphan")
            .range_of(TEXT, 34..59)
            .color("red")
            .orphaned(true)
            .note("From an older version")
            .build();
        let mut notes = Notes {
            highlights: vec![plain, tagged, orphan],
            ..Notes::default()
        };
        notes.place(TEXT);
        notes
    }

    fn render(panel: &Panel, notes: &Notes, width: u16, height: u16) -> Terminal<TestBackend> {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        terminal
            .draw(|f| draw(f, panel, notes, &palette(), &Keymap::default(), f.area()))
            .unwrap();
        terminal
    }

    fn screen_text(terminal: &Terminal<TestBackend>) -> String {
        let buffer = terminal.backend().buffer();
        let mut out = String::new();
        for y in 0..buffer.area.height {
            for x in 0..buffer.area.width {
                out.push_str(buffer[(x, y)].symbol());
            }
            out.push('\n');
        }
        out
    }

    #[test]
    fn lists_every_highlight_in_order() {
        let panel = Panel {
            selected: 1,
            ..Panel::default()
        };
        let terminal = render(&panel, &sample(), 60, 20);
        let text = screen_text(&terminal);
        assert!(text.contains(" Annotations (3) "), "{text}");
        assert!(text.contains("The map is not the territory"), "{text}");
        assert!(
            text.contains("Compression is the point. #maps #models"),
            "{text}"
        );
        assert!(!text.contains("Second line"), "{text}");
        assert!(text.contains("orphaned"), "{text}");
        assert!(text.contains("red the menu is not the meal"), "{text}");
        assert!(
            text.contains("Enter jump · e note · d delete · / filter · Esc close"),
            "{text}"
        );
        let first = text.find("The map").unwrap_or(usize::MAX);
        let second = text.find("Every model").unwrap_or(0);
        assert!(first < second, "{text}");
        insta::assert_snapshot!(terminal.backend());
    }

    #[test]
    fn the_selected_entry_is_reversed_but_its_swatch_keeps_its_colour() {
        let panel = Panel {
            selected: 1,
            ..Panel::default()
        };
        let terminal = render(&panel, &sample(), 60, 20);
        let buffer = terminal.backend().buffer();
        // Row 1 (borders at 0): entry 0; entry 1 starts at row 3.
        let reversed = |x: u16, y: u16| {
            buffer[(x, y)]
                .modifier
                .contains(ratatui::style::Modifier::REVERSED)
        };
        assert!(!reversed(5, 1));
        assert!(reversed(5, 3) && reversed(5, 4) && reversed(58, 4));
        assert!(!reversed(1, 3), "swatch");
        assert_eq!(buffer[(1, 3)].symbol(), "█");
        assert_eq!(buffer[(1, 3)].fg, Color::Rgb(0xa5, 0xc8, 0xff));
        assert_eq!(buffer[(51, 5)].symbol(), "o");
        assert_eq!(buffer[(51, 5)].fg, theme::WARNING.fg.unwrap_or_default());
    }

    #[test]
    fn a_filter_shows_its_count_and_line() {
        let panel = Panel {
            filter: "#MAPS".into(),
            filtering: true,
            ..Panel::default()
        };
        let text = screen_text(&render(&panel, &sample(), 60, 20));
        assert!(text.contains(" Annotations (1/3) "), "{text}");
        assert!(text.contains("│/#MAPS▏"), "{text}");
        assert!(!text.contains("The map is"), "{text}");
        let kept = Panel {
            filtering: false,
            ..panel
        };
        let text = screen_text(&render(&kept, &sample(), 60, 20));
        assert!(text.contains("│/#MAPS "), "{text}");
        let none = Panel {
            filter: "zzz".into(),
            ..Panel::default()
        };
        let text = screen_text(&render(&none, &sample(), 60, 20));
        assert!(text.contains("no match"), "{text}");
    }

    #[test]
    fn a_long_filter_shows_its_end() {
        let panel = Panel {
            filter: "x".repeat(40) + "END",
            filtering: true,
            ..Panel::default()
        };
        let text = screen_text(&render(&panel, &sample(), 20, 10));
        assert!(text.contains("│/…xxxxxxxxxxxxEND▏│"), "{text}");
    }

    #[test]
    fn highlights_still_loading_are_said_to_be_loading_not_missing() {
        let notes = Notes {
            loading: Some(crate::app::notes::Loading {
                count: Some(20_000),
                shown_at: None,
            }),
            ..Notes::default()
        };
        let text = screen_text(&render(&Panel::default(), &notes, 40, 8));
        assert!(text.contains("loading 20,000 highlights…"), "{text}");
        assert!(!text.contains("no highlights yet"), "{text}");
    }

    #[test]
    fn notes_that_could_not_be_read_say_why_not_that_there_are_none() {
        let notes = Notes {
            read_only: Some(
                "the notes file lamp.toml could not be read: invalid value at line 4, column 9"
                    .into(),
            ),
            ..Notes::default()
        };
        let text = screen_text(&render(&Panel::default(), &notes, 40, 10));
        assert!(!text.contains("no highlights yet"), "{text}");
        assert!(text.contains("lamp.toml could not be"), "{text}");
        assert!(
            text.contains("read: invalid value at line 4, column") && !text.contains('…'),
            "wrapped, not cut:\n{text}"
        );
    }

    #[test]
    fn empty_notes_say_so() {
        let text = screen_text(&render(&Panel::default(), &Notes::default(), 40, 8));
        assert!(text.contains(" Annotations (0) "), "{text}");
        assert!(text.contains("no highlights yet"), "{text}");
    }

    #[test]
    fn the_selection_is_drawn_even_when_the_scroll_is_stale() {
        let mut notes = Notes::default();
        for i in 0..20 {
            let start = i * 3;
            let h = highlight(&format!("h{i:02}"))
                .range_of(TEXT, start..start + 3)
                .color("green")
                .note(&format!("note number {i}"))
                .build();
            notes.placed.push(crate::annotations::Placed {
                id: h.id.clone(),
                range: start..start + 3,
            });
            notes.highlights.push(h);
        }
        let mut panel = Panel {
            selected: 19,
            ..Panel::default()
        };
        let text = screen_text(&render(&panel, &notes, 40, 10));
        assert!(text.contains("note number 19"), "{text}");
        assert!(!text.contains("note number 0 "), "{text}");
        let area = Rect::new(0, 0, 40, 10);
        panel.keep_visible(list_height(&panel, area));
        assert_eq!(panel.scroll, 17, "10 rows: 2 borders, 1 hint, 3 entries");
    }

    #[test]
    fn control_characters_in_notes_never_reach_the_terminal() {
        let mut notes = sample();
        notes.highlights[0].note = "evil\x1b]0;x\x07 note\ttab".into();
        notes.highlights[0].tags = vec!["t\x1b[2J".into()];
        notes.highlights[0].color = "re\x1bd".into();
        notes.highlights[0].anchor.quote = "quote \u{9b}31m here".into();
        let panel = Panel {
            filter: "\x1b".into(),
            ..Panel::default()
        };
        for p in [&panel, &Panel::default()] {
            let text = screen_text(&render(p, &notes, 60, 20));
            assert!(!text.contains('\x1b'), "{text}");
            assert!(!text.contains('\x07'), "{text}");
            assert!(!text.contains('\u{9b}'), "{text}");
        }
        let text = screen_text(&render(&Panel::default(), &notes, 60, 20));
        assert!(text.contains("evil␛]0;x␇ note tab"), "{text}");
    }

    #[test]
    fn draws_only_inside_its_area() {
        let mut terminal = Terminal::new(TestBackend::new(50, 12)).unwrap();
        let area = Rect::new(10, 2, 30, 8);
        terminal
            .draw(|f| {
                draw(
                    f,
                    &Panel::default(),
                    &sample(),
                    &palette(),
                    &Keymap::default(),
                    area,
                )
            })
            .unwrap();
        let buffer = terminal.backend().buffer();
        assert_eq!(buffer[(10, 2)].symbol(), "┌");
        assert_eq!(buffer[(39, 9)].symbol(), "┘");
        for (x, y) in [(9, 2), (40, 5), (15, 1), (15, 10)] {
            assert_eq!(buffer[(x, y)].symbol(), " ", "({x},{y})");
        }
    }

    #[test]
    fn tiny_or_outside_areas_do_not_panic() {
        let notes = sample();
        let filtering = Panel {
            filter: "the".into(),
            filtering: true,
            selected: 7,
            scroll: 40,
        };
        for panel in [Panel::default(), filtering] {
            for width in 0..=12 {
                for height in 0..=8 {
                    render(&panel, &notes, width.max(1), height.max(1));
                }
            }
        }
        let mut terminal = Terminal::new(TestBackend::new(10, 5)).unwrap();
        for area in [Rect::new(5, 3, 40, 40), Rect::new(20, 20, 5, 5), Rect::ZERO] {
            terminal
                .draw(|f| {
                    draw(
                        f,
                        &Panel::default(),
                        &notes,
                        &palette(),
                        &Keymap::default(),
                        area,
                    )
                })
                .unwrap();
        }
    }

    #[test]
    fn hints_keep_whole_words_and_a_way_out() {
        let keys = Keymap::default();
        let all = "Enter jump · e note · c colour · d delete · r re-attach · / filter · Esc close";
        assert_eq!(hint(&keys, 200), all);
        assert_eq!(hint(&keys, all.width()), all);
        assert_eq!(hint(&keys, 22), "Enter jump · Esc close");
        assert_eq!(hint(&keys, 9), "Esc close");
        assert_eq!(hint(&keys, 5), "Esc");
        assert_eq!(hint(&keys, 2), "E…");
        assert_eq!(hint(&keys, 0), "");
    }

    #[test]
    fn hints_show_the_keys_the_user_bound() {
        let mut config = crate::keymap::KeyConfig::default();
        config.panel.insert("e".into(), Action::Undo);
        config.panel.insert("x".into(), Action::Annotate);
        config.panel.insert("esc".into(), Action::Panel);
        config.panel.insert("q".into(), Action::Back);
        let keys = Keymap::from_config(&config).expect("valid keys");
        let text = hint(&keys, 200);
        assert!(text.contains("x note"), "{text}");
        assert!(!text.contains("e note"), "{text}");
        assert!(text.contains("q close"), "{text}");
        assert_eq!(hint(&keys, 1), "q");
    }

    #[test]
    fn tags_yield_room_to_a_long_note() {
        let (note, tags) = share("a fairly long first line of a note", "#one #two #three", 30);
        assert!(note.width() >= 13, "{note}");
        assert!(note.width() + 1 + tags.width() <= 30, "{note} {tags}");
        let (note, tags) = share("", "#one #two", 5);
        assert_eq!((note.as_str(), tags.as_str()), ("", "#one…"));
        assert_eq!(fit_tail("abcdef", 4), "…def");
        assert_eq!(fit_tail("abc", 0), "");
    }
}
