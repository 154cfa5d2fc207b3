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

/// Splits `screen`. `list_focused` decides which pane gets a screen too narrow
/// for both; `reading_width` caps the text column.
pub fn areas(screen: Rect, list_width: u16, reading_width: u16, list_focused: bool) -> Areas {
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
    let (list, reader) = if screen.width >= MIN_SPLIT_WIDTH {
        let lw = list_width.min(screen.width / 2);
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
        let a = areas(Rect::new(0, 0, 200, 50), 36, 80, true);
        assert_eq!(a.list.width, 36);
        assert_eq!(a.reader.width, 164);
        assert_eq!(a.text.width, 80);
        assert_eq!(a.status, Rect::new(0, 49, 200, 1));
        assert!(a.text.x > a.reader.x + 2, "centred");
    }

    #[test]
    fn narrow_screen_gives_everything_to_the_focused_pane() {
        let a = areas(Rect::new(0, 0, 40, 10), 36, 80, false);
        assert_eq!(a.list.width, 0);
        assert_eq!(a.reader.width, 40);
        let a = areas(Rect::new(0, 0, 40, 10), 36, 80, true);
        assert_eq!(a.list.width, 40);
    }

    #[test]
    fn tiny_screens_never_underflow() {
        for w in 0..12 {
            for h in 0..5 {
                let a = areas(Rect::new(0, 0, w, h), 36, 80, w % 2 == 0);
                assert!(a.text.right() <= w.max(a.text.x));
            }
        }
    }
}
