//! The daily review on screen: one highlight at a time in a box over the
//! panes, its quote in its colour inside a little of the text around it,
//! then the note, the article and the colour's palette name, and the keys.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::theme;
use crate::app::App;
use crate::app::review::Review;
use crate::document::sanitize;
use crate::keymap::{Action, Context};

/// Widest the box gets, so the quote reads as a paragraph.
const MAX_WIDTH: u16 = 84;

/// The box over the panes: centred, at most [`MAX_WIDTH`] wide, nearly the
/// whole height.
pub fn area(screen: Rect) -> Rect {
    let width = screen.width.min(MAX_WIDTH);
    let height = screen.height.saturating_sub(2).max(screen.height.min(3));
    Rect {
        x: screen.x + (screen.width - width) / 2,
        y: screen.y + (screen.height - height) / 2,
        width,
        height,
    }
}

/// Draws the highlight the review shows now.
pub fn draw(frame: &mut Frame, app: &App, review: &Review) {
    let area = area(frame.area());
    if area.width < 4 || area.height < 3 {
        return;
    }
    let Some(item) = review.current() else {
        return;
    };
    let h = &item.due.highlight;
    let palette = &app.config.highlights.palette;
    let hex = palette
        .iter()
        .find(|c| c.name == h.color)
        .or_else(|| palette.first())
        .map_or("#ffe066", |c| c.background.as_str());
    let quote_style = theme::highlight(hex);

    let mut lines: Vec<Line> = Vec::new();
    let title = crate::export::display_title(&item.due.article);
    lines.push(Line::from(Span::styled(
        sanitize(&title).into_owned(),
        theme::ENTRY_TITLE,
    )));
    let tags: String = h
        .tags
        .iter()
        .map(|t| format!("  #{}", sanitize(t)))
        .collect();
    let made = h.created.format("%-d %b %Y");
    let seen = match &item.due.card {
        Some(card) => format!("reviewed {} time(s)", card.reps),
        None => "new".to_string(),
    };
    lines.push(Line::from(vec![
        Span::styled(format!(" {} ", sanitize(&h.color)), quote_style),
        Span::styled(format!("  made {made} · {seen}{tags}"), theme::ENTRY_DETAIL),
    ]));
    lines.push(Line::default());

    let mut passage = Vec::new();
    if !item.before.is_empty() {
        let lead = if item.from_article { "" } else { "…" };
        passage.push(Span::raw(format!("{lead}{} ", sanitize(&item.before))));
    }
    passage.push(Span::styled(
        one_paragraph(&sanitize(&h.anchor.quote)),
        quote_style,
    ));
    if !item.after.is_empty() {
        let tail = if item.from_article { "" } else { "…" };
        passage.push(Span::raw(format!(" {}{tail}", sanitize(&item.after))));
    }
    lines.push(Line::from(passage));
    lines.push(Line::default());

    if h.note.trim().is_empty() {
        lines.push(Line::from(Span::styled("(no note)", theme::ENTRY_DETAIL)));
    } else {
        for line in sanitize(&h.note).lines() {
            lines.push(Line::from(Span::styled(
                format!("✎ {line}"),
                theme::INLINE_NOTE,
            )));
        }
    }
    lines.push(Line::default());
    for hint in hints(app) {
        lines.push(Line::from(Span::styled(hint, theme::HELP_KEY)));
    }

    let done = review.answered + review.skipped;
    let heading = format!(
        " Review · {} of {} today · {} ",
        done + 1,
        review.total,
        review.today.format("%a %-d %b")
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme::FOCUSED_BORDER)
        .title(Span::styled(heading, theme::TITLE));
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false })
            .style(Style::new()),
        area,
    );
}

/// A quote over several lines shown as one run of text.
fn one_paragraph(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The answer keys and the others, from the keymap in force.
fn hints(app: &App) -> Vec<String> {
    use Action::*;
    let answers = app.keymap.hints(
        Context::Review,
        &[
            (ReviewAgain, "again/soon"),
            (ReviewHard, "hard"),
            (ReviewGood, "good/keep"),
            (ReviewEasy, "easy/later"),
            (ReviewNever, "never"),
        ],
    );
    let others = app.keymap.hints(
        Context::Review,
        &[
            (ReviewSkip, "skip"),
            (OpenArticle, "open"),
            (Annotate, "note"),
            (Help, "help"),
            (Back, "close"),
        ],
    );
    vec![answers.join(" · "), others.join(" · ")]
}
