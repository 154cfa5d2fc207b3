//! How the reader draws tables, code blocks and headings, from fixtures under
//! tests/fixtures/blocks: styled snapshots at 80 and 200 columns, and a
//! highlight made inside a table cell that stays on its word.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly

mod testapp;

use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use testapp::{TestApp, buffer_text};

const TABLES: &str = include_str!("fixtures/blocks/tables.md");
const CODE: &str = include_str!("fixtures/blocks/code.md");
const HEADINGS: &str = include_str!("fixtures/blocks/headings.md");

/// An app showing `text` (opened from the list), `width` x `height`.
fn reading(text: &str, width: u16, height: u16) -> TestApp {
    let mut t = TestApp::with_articles(width, height, &[("article.md", text)]);
    t.keys("enter");
    t
}

/// The rows inside the reader pane's border and, under each row with styled
/// cells, a letter per cell naming its style (every style counts: colour,
/// bold, background), with a legend at the end.
fn pane_styles(t: &mut TestApp) -> String {
    let pane = t.app.areas().reader;
    let buffer = t.screen().buffer().clone();
    let inner = Rect {
        x: pane.x + 1,
        y: pane.y + 1,
        width: pane.width.saturating_sub(2),
        height: pane.height.saturating_sub(2),
    };
    let letter = |i: usize| char::from(b"abcdefghijklmnopqrstuvwxyz"[i % 26]);
    let mut legend: Vec<Style> = Vec::new();
    let mut out = String::new();
    for y in inner.top()..inner.bottom() {
        let mut row = String::new();
        let mut marks = String::new();
        let mut skip = 0;
        for x in inner.left()..inner.right() {
            let cell = &buffer[(x, y)];
            let style = cell.style();
            let shown =
                !cell.symbol().trim().is_empty() || style.bg.is_some_and(|b| b != Color::Reset);
            let styled = shown
                && (style.fg.is_some_and(|c| c != Color::Reset)
                    || style.bg.is_some_and(|c| c != Color::Reset)
                    || !style.add_modifier.is_empty());
            if styled {
                let i = legend.iter().position(|s| *s == style).unwrap_or_else(|| {
                    legend.push(style);
                    legend.len() - 1
                });
                marks.push(letter(i));
            } else {
                marks.push(' ');
            }
            if skip > 0 {
                skip -= 1;
                continue;
            }
            row.push_str(cell.symbol());
            skip = unicode_width::UnicodeWidthStr::width(cell.symbol()).saturating_sub(1);
        }
        out.push_str(row.trim_end());
        out.push('\n');
        if !marks.trim().is_empty() {
            out.push_str(marks.trim_end());
            out.push('\n');
        }
    }
    out.push_str("--\n");
    for (i, s) in legend.iter().enumerate() {
        out.push_str(&format!(
            "{} = fg {:?} bg {:?} {:?}\n",
            letter(i),
            s.fg,
            s.bg,
            s.add_modifier
        ));
    }
    out
}

#[test]
fn tables_at_80_columns_wrap_inside_their_cells() {
    let mut t = reading(TABLES, 80, 40);
    let shot = pane_styles(&mut t);
    insta::assert_snapshot!(shot);
}

#[test]
fn a_wide_table_spreads_over_the_pane_at_200_columns() {
    let mut t = reading(TABLES, 200, 40);
    let shot = pane_styles(&mut t);
    // The prose stays in its centred column; the table starts left of it
    // and keeps whole words in every cell.
    let starts = |word: &str| {
        shot.lines()
            .find(|l| l.contains(word))
            .map(|l| l.len() - l.trim_start().len())
            .unwrap()
    };
    assert!(starts("Vessel") < starts("After the tables"), "{shot}");
    assert!(
        shot.contains("timber and slate for the new chapel"),
        "{shot}"
    );
    insta::assert_snapshot!(shot);
}

#[test]
fn code_with_long_lines_continues_behind_a_mark() {
    let mut t = reading(CODE, 80, 30);
    let shot = pane_styles(&mut t);
    assert!(shot.contains('↪'), "{shot}");
    assert!(
        shot.contains("--with-libyaml"),
        "no break inside a word:\n{shot}"
    );
    insta::assert_snapshot!(shot);
}

#[test]
fn headings_are_told_apart_by_level() {
    let mut t = reading(HEADINGS, 80, 30);
    let shot = pane_styles(&mut t);
    insta::assert_snapshot!(shot);
}

#[test]
fn a_highlight_inside_a_table_cell_stays_on_its_words() {
    let mut t = reading(TABLES, 80, 40);
    t.keys("/");
    t.type_text("slate");
    t.keys("enter v w m");
    assert!(
        t.marked().replace('|', "").contains("«slate for»"),
        "highlighted in the text: {}",
        t.marked()
    );
    let highlighted = |t: &mut TestApp| {
        let buffer = t.screen().buffer().clone();
        let text = buffer_text(&buffer);
        let (row, line) = text
            .lines()
            .enumerate()
            .find(|(_, l)| l.contains("slate"))
            .expect("the word is on screen");
        let col = line[..line.find("slate").unwrap()].chars().count() as u16;
        let y = row as u16;
        (col..col + 5)
            .map(|x| buffer[(x, y)].style().bg)
            .collect::<Vec<_>>()
    };
    let before = highlighted(&mut t);
    assert!(
        before
            .iter()
            .all(|bg| bg.is_some_and(|c| c != ratatui::style::Color::Reset)),
        "{before:?}"
    );
    // At another width the table is laid out anew; the highlight follows.
    t.resize(200, 40);
    let after = highlighted(&mut t);
    assert_eq!(before, after);
    assert!(t.marked().replace('|', "").contains("«slate for»"));
}
