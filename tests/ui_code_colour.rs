//! A code block whose language's grammar is not loaded yet is drawn plain at
//! once (a frame never waits tens of milliseconds for a grammar), and in
//! colour on the next frame, once the block was prepared off the event loop
//! as the runtime has the session do. Its own test binary, so no other test
//! has loaded the grammar first.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly

mod testapp;

use ratatui::buffer::Buffer;
use ratatui::style::Color;
use testapp::TestApp;

const ARTICLE: &str = "# Greeting\n\nBefore the code.\n\n```ruby\ndef greet(name)\n  puts \"hello\"\nend\n```\n\nAfter the code.\n";

/// The colours of keywords, functions and types (`ui::syntax::style`);
/// plain code is green.
const SYNTAX: [Color; 3] = [Color::Magenta, Color::Blue, Color::Cyan];

/// The foreground colour of the first cell of `word` on screen.
fn colour_of(buffer: &Buffer, word: &str) -> Option<Color> {
    let area = buffer.area;
    for y in area.top()..area.bottom() {
        let row: String = (area.left()..area.right())
            .map(|x| buffer[(x, y)].symbol().chars().next().unwrap_or(' '))
            .collect();
        if let Some(at) = row.find(word) {
            let x = area.left() + u16::try_from(at).unwrap();
            return buffer[(x, y)].style().fg;
        }
    }
    panic!("{word:?} is not on screen");
}

#[test]
fn code_is_drawn_plain_until_its_grammar_is_ready_then_in_colour() {
    let mut t = TestApp::with_articles(80, 24, &[("greeting.md", ARTICLE)]);
    t.keys("enter");
    let first = t.frame().buffer().clone();
    let plain = colour_of(&first, "def greet");
    assert_eq!(
        plain,
        Some(Color::Green),
        "the first frame shows the code in the plain code colour"
    );
    // The runtime hands what was drawn plain to the session, whose job
    // prepares it (Setup::warm_code is the highlighter's memo).
    let wanted = gloss::ui::syntax::take_wanted();
    assert!(
        wanted
            .iter()
            .any(|(lang, code)| lang == "ruby" && code.starts_with("def greet(name)")),
        "{wanted:?}"
    );
    for (lang, code) in &wanted {
        let _ = gloss::ui::syntax::runs(lang, code);
    }
    let next = t.frame().buffer().clone();
    let coloured = colour_of(&next, "def greet");
    assert!(
        coloured != plain && matches!(coloured, Some(c) if SYNTAX.contains(&c)),
        "the next frame shows the keyword in its colour: {coloured:?}"
    );
    assert!(
        gloss::ui::syntax::take_wanted().is_empty(),
        "nothing more to prepare"
    );
}
