#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly
//! `G` on a long article whose rest is still being parsed shows the end at
//! once from a provisional parse of its last part; when the whole article is
//! parsed (the background job's result, or a key that needs every offset)
//! the reader is at the same place in it and nothing else moved.

use gloss::app::notes::Notes;
use gloss::app::{App, ArticleId, Msg, Parsed};
use gloss::config::Config;
use gloss::document::{Document, Format, ParseOptions};
use gloss::keymap::{Action, Keymap};
use gloss::library;

/// A Markdown article of about `bytes` bytes in numbered parts, whose last
/// paragraph says "The very last words".
fn long_article(bytes: usize) -> String {
    let mut text = String::from("# A long read\n\nThe opening paragraph.\n\n");
    let mut n = 0;
    while text.len() < bytes {
        n += 1;
        text.push_str(&format!(
            "Paragraph {n} walks along the harbour wall past the lanterns and the market stalls.\n\n"
        ));
        if n % 40 == 0 {
            text.push_str(&format!("## Part {}\n\n", n / 40));
        }
    }
    text.push_str("The very last words.\n");
    text
}

/// The app with `source` open, only its first screens parsed (no session,
/// so no job completes it behind the test's back).
fn opened(source: &str) -> App {
    let mut app = App::new(Config::default(), Keymap::default(), library::scan(&[]));
    app.resize(100, 30);
    let doc = Document::new(source, Format::Markdown, ParseOptions::default());
    let _ = app.show_article(ArticleId(0), doc, Notes::default(), None);
    app
}

/// What the background job hands back: the open document, parsed to its end.
fn completed(app: &App) -> Parsed {
    let reader = app.reader.as_ref().unwrap();
    assert!(!reader.is_provisional(), "made from the real document");
    let mut doc = reader.doc.clone();
    doc.ensure_complete();
    Parsed {
        article: reader.article,
        doc: Box::new(doc),
    }
}

/// The text lines the reader pane shows.
fn shown(app: &mut App) -> Vec<String> {
    let reader = app.reader.as_mut().unwrap();
    reader
        .visible()
        .into_iter()
        .filter_map(|pos| reader.layout().and_then(|l| l.line(pos)).cloned())
        .map(|line| reader.doc.slice(line.range).to_string())
        .collect()
}

/// The screen after `G` in a fully parsed copy of the same article.
fn true_last_page(source: &str) -> Vec<String> {
    let mut app = opened(source);
    app.reader.as_mut().unwrap().doc.ensure_complete();
    app.update(Action::Bottom);
    assert!(!app.reader.as_ref().unwrap().is_provisional());
    shown(&mut app)
}

#[test]
fn g_shows_the_true_last_page_before_the_rest_is_parsed() {
    let source = long_article(2 * 1024 * 1024);
    let mut app = opened(&source);
    let parsed = completed(&app);
    app.update(Action::Bottom);
    let reader = app.reader.as_ref().unwrap();
    assert!(reader.is_provisional(), "nothing above the end was parsed");
    assert!(
        reader.doc.text().len() < 64 * 1024,
        "only the end is parsed"
    );
    let provisional = shown(&mut app);
    assert_eq!(provisional, true_last_page(&source));
    assert!(provisional.concat().contains("The very last words."));
    let progress = app.reader.as_mut().unwrap().progress();
    assert!(progress > 0.99, "the end reads as the end: {progress}");

    // The job's result arrives: the same page, now of the whole article.
    app.update(Msg::Parsed(parsed));
    let reader = app.reader.as_ref().unwrap();
    assert!(!reader.is_provisional());
    assert!(reader.doc.is_complete());
    assert!(reader.doc.text().starts_with("A long read"));
    assert_eq!(shown(&mut app), provisional);
    let cursor = app.reader.as_ref().unwrap().cursor;
    let last = app.reader.as_ref().unwrap().doc.text().len();
    assert!(last - cursor < 2000, "the cursor is on the last page");
    // G again changes nothing: this was the last page.
    app.update(Action::Bottom);
    assert_eq!(shown(&mut app), provisional);
}

#[test]
fn paging_up_in_the_provisional_view_keeps_its_place_in_the_whole() {
    let source = long_article(2 * 1024 * 1024);
    let mut app = opened(&source);
    let parsed = completed(&app);
    app.update(Action::Bottom);
    app.update(Action::PageUp);
    app.update(Action::PageUp);
    assert!(app.reader.as_ref().unwrap().is_provisional());
    let before = shown(&mut app);
    assert!(!before.concat().contains("The very last words."));
    app.update(Msg::Parsed(parsed));
    assert!(!app.reader.as_ref().unwrap().is_provisional());
    assert_eq!(shown(&mut app), before, "the same lines, now in the whole");
}

#[test]
fn a_key_that_needs_the_whole_article_ends_the_provisional_view() {
    let source = long_article(2 * 1024 * 1024);
    let mut app = opened(&source);
    app.update(Action::Bottom);
    assert!(app.reader.as_ref().unwrap().is_provisional());
    let page = shown(&mut app);
    // The outline lists every heading, the last one current.
    app.update(Action::Outline);
    let reader = app.reader.as_ref().unwrap();
    assert!(!reader.is_provisional());
    assert!(reader.doc.is_complete());
    let last_part = source.matches("\n## Part ").count();
    let sections = app.section_names().join(" > ");
    assert!(
        sections.ends_with(&format!("Part {last_part}")),
        "{sections:?}"
    );
    app.update(Action::Back);
    assert_eq!(shown(&mut app), page, "still on the last page");
}

#[test]
fn highlights_and_search_come_back_after_the_provisional_view() {
    let source = long_article(2 * 1024 * 1024);
    let mut app = opened(&source);
    app.update(Action::SentenceNext);
    app.update(Action::SelectSentence);
    app.update(Action::Highlight);
    let placed = app.reader.as_ref().unwrap().notes.placed.clone();
    assert_eq!(placed.len(), 1);
    let parsed = completed(&app);
    app.update(Action::Bottom);
    let reader = app.reader.as_ref().unwrap();
    assert!(reader.is_provisional());
    assert!(
        reader.notes.placed.is_empty(),
        "the view's offsets are its own: nothing is drawn at a wrong place"
    );
    app.update(Msg::Parsed(parsed));
    assert_eq!(app.reader.as_ref().unwrap().notes.placed, placed);
}

#[test]
fn a_short_article_has_no_provisional_view() {
    let mut app = opened("# Short\n\nOne paragraph.\n\nThe end.\n");
    app.update(Action::Bottom);
    assert!(!app.reader.as_ref().unwrap().is_provisional());
    assert!(shown(&mut app).concat().contains("The end."));
}

#[test]
fn g_shows_a_full_last_page_when_the_end_is_mostly_link_targets() {
    // The last part: short paragraphs whose links have very long targets,
    // so the end's first few kilobytes of source draw only a few lines.
    let mut source = long_article(1024 * 1024);
    let target = format!("https://example.org/{}", "a".repeat(4000));
    for n in 1..=60 {
        source.push_str(&format!("\nSee [note {n}]({target}).\n"));
    }
    source.push_str("\nThe closing line.\n");
    let mut app = opened(&source);
    app.update(Action::Bottom);
    assert!(app.reader.as_ref().unwrap().is_provisional());
    let page = shown(&mut app);
    assert_eq!(page, true_last_page(&source));
    let height = app.reader.as_ref().unwrap().height;
    assert_eq!(page.len(), height, "a full page: {page:?}");
    assert!(page.concat().contains("The closing line."));
}

#[test]
fn quitting_from_the_provisional_view_saves_the_last_page_without_parsing_the_rest() {
    // The last pages repeat one line, so the top line's words alone are
    // found in many places: the saved position must still reopen on the
    // last page, not on a copy of its first line further up.
    let mut source = long_article(2 * 1024 * 1024);
    let last = source.split_off(source.len() - "The very last words.\n".len());
    for _ in 0..200 {
        source.push_str("The refrain comes round again, word for word.\n\n");
    }
    source.push_str(&last);
    let mut app = opened(&source);
    app.update(Action::Bottom);
    let page = shown(&mut app);
    let effects = app.update(Action::Quit);
    assert!(app.quit);
    let reader = app.reader.as_ref().unwrap();
    assert!(
        reader.is_provisional(),
        "quitting parsed nothing more: the view is still the end's own"
    );
    let position = effects
        .into_iter()
        .find_map(|effect| match effect {
            gloss::app::Effect::SavePosition { position, .. } => Some(position),
            _ => None,
        })
        .expect("the position is saved");
    assert!(position.progress > 0.99, "{}", position.progress);
    // The next start finds the same page again in the whole article.
    let mut again = opened(&source);
    let reader = again.reader.as_mut().unwrap();
    reader.doc.ensure_complete();
    let at = gloss::app::notes::resolve_position(&reader.doc, &position);
    reader.restore(at);
    let first_text = |lines: &[String]| lines.iter().find(|l| !l.trim().is_empty()).cloned();
    let reopened = shown(&mut again);
    assert_eq!(first_text(&reopened), first_text(&page));
    assert!(
        reopened.concat().contains("The very last words."),
        "the last page: {reopened:?}"
    );
}

#[test]
fn g_shows_the_true_last_page_in_a_tiny_pane_and_a_wide_one() {
    // The provisional view's first parse is sized to the pane: a few
    // screens' worth, at least 4 KiB and at most 16 KiB.
    let source = long_article(1024 * 1024);
    for (width, height) in [(24, 6), (200, 60)] {
        let sized = |source: &str| {
            let mut app = opened(source);
            app.resize(width, height);
            app
        };
        let mut whole = sized(&source);
        whole.reader.as_mut().unwrap().doc.ensure_complete();
        whole.update(Action::Bottom);
        let mut app = sized(&source);
        app.update(Action::Bottom);
        assert!(app.reader.as_ref().unwrap().is_provisional());
        let page = shown(&mut app);
        assert_eq!(page, shown(&mut whole), "{width}x{height}");
        let height = app.reader.as_ref().unwrap().height;
        assert_eq!(page.len(), height, "{width}x{height}: a full page");
    }
}
