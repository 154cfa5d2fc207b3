//! What the status bar and the list say stays readable: odd stored progress
//! is never shown as "NaN%" or "750%", and a long message keeps its reason
//! (which comes first) when the bar shortens it.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly

mod support;

use gloss::app::{App, ArticleId};
use gloss::config::Config;
use gloss::keymap::Keymap;
use gloss::library;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn screen(app: &App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    terminal.draw(|f| gloss::ui::draw(f, app)).expect("draw");
    let buffer = terminal.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..height {
        for x in 0..width {
            out.push_str(buffer[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

fn library_app() -> App {
    let scan = library::scan(&[support::fixtures().join("library")]);
    let mut app = App::new(Config::default(), Keymap::default(), scan);
    app.resize(120, 20);
    app.message = None;
    app
}

#[test]
fn odd_stored_progress_shows_as_a_percentage_between_0_and_100() {
    let mut app = library_app();
    assert!(app.list.articles.len() >= 2, "two fixture articles");
    set_progress(&mut app, 0, f64::NAN);
    set_progress(&mut app, 1, 7.5);
    let text = screen(&app, 120, 20);
    assert!(!text.contains("NaN"), "{text}");
    assert!(!text.contains("750%"), "{text}");
    assert!(text.contains("100%"), "clamped to the end:\n{text}");
    assert_eq!(app.progress_of(ArticleId(0)), None);
    assert_eq!(app.progress_of(ArticleId(1)), Some(1.0));
    set_progress(&mut app, 1, -3.0);
    assert_eq!(app.progress_of(ArticleId(1)), Some(0.0));
    set_progress(&mut app, 1, f64::INFINITY);
    assert_eq!(app.progress_of(ArticleId(1)), None);
}

#[test]
fn a_save_error_keeps_its_reason_at_120_columns() {
    let mut app = library_app();
    for reason in [
        "No space left on device (os error 28)",
        "Permission denied (os error 13)",
        "Read-only file system (os error 30)",
    ] {
        // As the runtime words it: the reason, then what was kept, then the
        // (long) file name, which is what gets shortened.
        app.error(format!(
            "{reason}: not saved (kept in memory, retried at the next change; cannot create /home/someone/.local/share/gloss/annotations/.a-very-long-article-title-01j9zq.toml.4242.tmp)"
        ));
        let text = screen(&app, 120, 20);
        let status = text.lines().last().unwrap_or_default().to_string();
        assert!(status.contains(reason), "{status}");
        assert!(status.contains("not saved"), "{status}");
    }
}

fn set_progress(app: &mut App, article: usize, progress: f64) {
    app.figures
        .get_mut(ArticleId(article))
        .expect("the article exists")
        .progress = Some(progress);
}
