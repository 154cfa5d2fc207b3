//! Where each pane goes on the screen. Shared by the app (which needs the reader's
//! size to lay text out and to map mouse clicks) and the ui (which draws there).

use ratatui::layout::Rect;

/// The screen split into panes; empty rectangles for panes that do not fit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Areas {
    /// The list pane, including its border.
    pub list: Rect,
    /// The reader pane, including its border.
    pub reader: Rect,
    /// The text column inside the reader pane.
    pub text: Rect,
    /// The status bar.
    pub status: Rect,
}

/// Below this width the list and the reader do not share the screen: the pane
/// with focus takes it all.
const MIN_SPLIT_WIDTH: u16 = 60;

/// The list gives up columns down to this width when the text would
/// otherwise be narrower than [`COMFORTABLE_TEXT`] (an 80-column terminal).
const NARROW_LIST_WIDTH: u16 = 24;

/// A text column this wide reads well; below it (or below the reading width,
/// when that is smaller) the list narrows to give the text room.
const COMFORTABLE_TEXT: u16 = 60;

/// Columns of the reader pane around its text column: the borders and the
/// margin for note marks.
const READER_FRAME: u16 = 4;

/// Splits `screen`. `list_focused` decides which pane gets a screen too narrow
/// for both; `reading_width` caps the text column. A `list_hidden` list is left
/// out while the reader has focus, so the text has the whole width.
pub fn areas(
    screen: Rect,
    list_width: u16,
    reading_width: u16,
    list_focused: bool,
    list_hidden: bool,
) -> Areas {
    let status_h = u16::from(screen.height >= 2);
    let body = Rect {
        height: screen.height - status_h,
        ..screen
    };
    let status = Rect {
        y: screen.y + body.height,
        height: status_h,
        ..screen
    };
    let (list, reader) = if list_hidden && !list_focused {
        (Rect { width: 0, ..body }, body)
    } else if screen.width >= MIN_SPLIT_WIDTH {
        let lw = list_width.min(screen.width / 2).min(
            screen
                .width
                .saturating_sub(reading_width.min(COMFORTABLE_TEXT) + READER_FRAME)
                .max(NARROW_LIST_WIDTH),
        );
        (
            Rect { width: lw, ..body },
            Rect {
                x: body.x + lw,
                width: body.width - lw,
                ..body
            },
        )
    } else if list_focused {
        (body, Rect { width: 0, ..body })
    } else {
        (Rect { width: 0, ..body }, body)
    };
    Areas {
        list,
        reader,
        text: text_column(reader, reading_width),
        status,
    }
}

/// The text column: inside the border, two columns of margin on the left (for
/// note marks), capped at the reading width and centred in what is left.
fn text_column(reader: Rect, reading_width: u16) -> Rect {
    let inner = Rect {
        x: reader.x.saturating_add(1),
        y: reader.y.saturating_add(1),
        width: reader.width.saturating_sub(2),
        height: reader.height.saturating_sub(2),
    };
    let margin = if inner.width > 8 { 2 } else { 0 };
    let avail = inner.width - margin;
    let width = avail.min(reading_width.max(1));
    let slack = (avail - width) / 2;
    Rect {
        x: inner.x + margin + slack,
        width,
        ..inner
    }
}

/// Where tables and code blocks may spread when the text column is too
/// narrow for them: the reader pane inside its border and note margin, on the
/// text column's rows.
pub fn wide_column(reader: Rect, text: Rect) -> Rect {
    let inner_x = reader.x.saturating_add(1);
    let inner_w = reader.width.saturating_sub(2);
    let margin = if inner_w > 8 { 2 } else { 0 };
    let wide = Rect {
        x: inner_x + margin,
        width: inner_w - margin,
        ..text
    };
    // Never narrower than the text column itself.
    if wide.width < text.width { text } else { wide }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_screen_splits_and_caps_the_text_column() {
        let a = areas(Rect::new(0, 0, 200, 50), 36, 80, true, false);
        assert_eq!(a.list.width, 36);
        assert_eq!(a.reader.width, 164);
        assert_eq!(a.text.width, 80);
        assert_eq!(a.status, Rect::new(0, 49, 200, 1));
        assert!(a.text.x > a.reader.x + 2, "centred");
    }

    #[test]
    fn narrow_screen_gives_everything_to_the_focused_pane() {
        let a = areas(Rect::new(0, 0, 40, 10), 36, 80, false, false);
        assert_eq!(a.list.width, 0);
        assert_eq!(a.reader.width, 40);
        let a = areas(Rect::new(0, 0, 40, 10), 36, 80, true, false);
        assert_eq!(a.list.width, 40);
    }

    #[test]
    fn at_80_columns_the_list_narrows_for_the_text() {
        let a = areas(Rect::new(0, 0, 80, 24), 36, 80, false, false);
        assert_eq!(a.list.width, NARROW_LIST_WIDTH);
        assert_eq!(a.text.width, 80 - NARROW_LIST_WIDTH - READER_FRAME);
        // Only as much as the text needs to reach a comfortable width.
        let a = areas(Rect::new(0, 0, 90, 24), 36, 80, false, false);
        assert_eq!(a.list.width, 26);
        assert_eq!(a.text.width, COMFORTABLE_TEXT);
        // Where the text is comfortable anyway, the list keeps its width.
        let a = areas(Rect::new(0, 0, 100, 40), 36, 80, false, false);
        assert_eq!(a.list.width, 36);
        assert_eq!(a.text.width, COMFORTABLE_TEXT);
        // A list the user made narrower stays so.
        let a = areas(Rect::new(0, 0, 80, 24), 20, 80, false, false);
        assert_eq!(a.list.width, 20);
        // A short reading width leaves the list its width.
        let a = areas(Rect::new(0, 0, 80, 24), 36, 40, false, false);
        assert_eq!(a.list.width, 36);
    }

    #[test]
    fn a_hidden_list_gives_the_reader_the_screen_until_it_has_focus() {
        let a = areas(Rect::new(0, 0, 80, 24), 36, 80, false, true);
        assert_eq!(a.list.width, 0);
        assert_eq!(a.reader.width, 80);
        assert_eq!(a.text.width, 80 - READER_FRAME);
        let a = areas(Rect::new(0, 0, 80, 24), 36, 80, true, true);
        assert_eq!(a.list.width, NARROW_LIST_WIDTH);
    }

    #[test]
    fn tiny_screens_never_underflow() {
        for w in 0..12 {
            for h in 0..5 {
                let a = areas(Rect::new(0, 0, w, h), 36, 80, w % 2 == 0, h % 2 == 0);
                assert!(a.text.right() <= w.max(a.text.x));
            }
        }
    }
}
