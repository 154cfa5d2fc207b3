//! Moving around a long article: the outline (`T`) with its filter and jump,
//! next/previous heading, the current section named in the status bar, the
//! list pane hidden and shown, list paging, file names for entries without
//! a byline, and the help listing every one of these keys.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly

mod testapp;

use gloss::app::{Mode, Msg, Pointer};
use gloss::keymap::{Action, Context, KeyConfig, Keymap};
use testapp::TestApp;

/// A changelog shaped like the Rust release notes: versions, then the parts
/// of each version.
const CHANGELOG: &str = "\
# Release Notes

What changed, newest first.

## Version 1.95 (2026-04-16)

### Language

Let chains are stable.

### Compiler

Builds are faster.

## Version 1.94 (2026-03-05)

### Language

Older language changes.

### Libraries

Older library changes.
";

fn changelog(width: u16, height: u16) -> TestApp {
    let mut t = TestApp::with_files(
        width,
        height,
        KeyConfig::default(),
        &[
            ("a-changelog.md", CHANGELOG),
            ("b-plain.md", "Zz plain note\n\nNo byline here.\n"),
        ],
    );
    t.keys("enter");
    t
}

fn outline_visible(t: &TestApp) -> usize {
    t.app.outline().map_or(0, |o| o.visible.len())
}

#[test]
fn the_outline_lists_headings_by_level_and_marks_the_current_section() {
    let mut t = changelog(80, 24);
    t.keys("J J J");
    assert!(t.marked().contains("|Compiler"), "{}", t.marked());
    t.keys("T");
    assert!(matches!(t.app.mode, Mode::Outline(_)));
    let screen = t.text();
    assert!(screen.contains("Outline · 7 headings"), "{screen}");
    // Indented by level under the title; the current section marked.
    assert!(screen.contains("│  Release Notes"), "{screen}");
    assert!(
        screen.contains("│    Version 1.95 (2026-04-16)"),
        "{screen}"
    );
    assert!(screen.contains("│▸     Compiler"), "{screen}");
    let outline = t.app.outline().unwrap();
    assert_eq!(
        t.app.headings.entries[outline.selected_heading().unwrap()].text,
        "Compiler",
        "the current section is selected"
    );
    t.keys("esc");
    assert!(matches!(t.app.mode, Mode::Browse));
    assert!(t.marked().contains("|Compiler"), "Esc leaves the cursor");
}

#[test]
fn typing_filters_the_outline_and_enter_jumps_there() {
    let mut t = changelog(80, 24);
    t.keys("T");
    t.type_text("1.94 lang");
    // Every word is found as written in one heading's path: only those are
    // shown (a scattered match such as "1.9…4" in a date is not).
    assert_eq!(outline_visible(&t), 1);
    let screen = t.text();
    assert!(
        screen.contains("Version 1.94 (2026-03-05) > Language"),
        "a filtered heading shows its path:\n{screen}"
    );
    assert!(screen.contains("filter: 1.94 lang"), "{screen}");
    t.keys("enter");
    assert!(matches!(t.app.mode, Mode::Browse));
    assert!(
        t.marked().contains("|Language\n\nOlder language changes."),
        "{}",
        t.marked()
    );
    assert!(
        t.status()
            .starts_with("Version 1.94 (2026-03-05) > Language"),
        "{}",
        t.status()
    );
}

#[test]
fn outline_keys_move_and_the_filter_clears_with_esc() {
    let mut t = changelog(80, 24);
    t.keys("T g");
    let selected = |t: &TestApp| {
        let o = t.app.outline().unwrap();
        t.app.headings.entries[o.selected_heading().unwrap()]
            .text
            .clone()
    };
    assert_eq!(selected(&t), "Release Notes");
    t.keys("j j");
    assert_eq!(selected(&t), "Language");
    t.keys("G");
    assert_eq!(selected(&t), "Libraries");
    t.keys("pageup");
    assert_eq!(selected(&t), "Release Notes");
    // `/` starts the filter explicitly; j is then typed, not a motion.
    t.keys("/ j");
    assert_eq!(t.app.outline().unwrap().filter, "j");
    t.keys("esc");
    let o = t.app.outline().unwrap();
    assert!(o.filter.is_empty() && !o.filtering);
    assert_eq!(outline_visible(&t), 7);
    t.keys("T");
    assert!(matches!(t.app.mode, Mode::Browse), "T closes it again");
}

#[test]
fn a_filter_with_no_exact_match_falls_back_to_scattered_letters() {
    let mut t = changelog(80, 24);
    t.keys("T");
    t.type_text("cmplr");
    assert_eq!(outline_visible(&t), 1);
    assert!(t.text().contains("Version 1.95 (2026-04-16) > Compiler"));
    t.type_text("zzz");
    assert_eq!(outline_visible(&t), 0);
    assert!(t.text().contains("no match"));
    t.keys("backspace backspace backspace backspace backspace backspace backspace backspace");
    assert_eq!(outline_visible(&t), 7);
}

#[test]
fn the_selected_heading_stays_in_view_when_the_terminal_shrinks() {
    let mut t = changelog(80, 24);
    t.keys("T G");
    t.app.resize(80, 6);
    let o = t.app.outline().unwrap();
    let rows = t.app.outline_rows();
    assert!(
        o.selected >= o.scroll && o.selected < o.scroll + rows,
        "{o:?} {rows}"
    );
    assert!(t.text().contains("Libraries"), "{}", t.text());
}

#[test]
fn a_click_in_the_outline_jumps_to_that_heading() {
    let mut t = changelog(80, 24);
    t.keys("T g");
    let reader = t.app.outline_area();
    // Row 0 of the outline is the first heading; row 4 is "Version 1.94".
    t.app.update(Msg::Mouse(Pointer::Press {
        column: reader.x + 4,
        row: reader.y + 1 + 4,
    }));
    assert!(matches!(t.app.mode, Mode::Browse));
    assert!(t.marked().contains("|Version 1.94"), "{}", t.marked());
}

#[test]
fn next_and_previous_heading_move_the_cursor_and_name_the_section() {
    let mut t = changelog(100, 30);
    t.keys("J");
    assert!(t.marked().contains("|Version 1.95"), "{}", t.marked());
    t.keys("J");
    assert_eq!(
        t.status().split(" · ").next(),
        Some("Version 1.95 (2026-04-16) > Language")
    );
    t.keys("J J J");
    assert!(t.marked().contains("|Language\n\nOlder"), "{}", t.marked());
    t.keys("J");
    assert!(t.marked().contains("|Libraries"));
    t.keys("J");
    assert!(t.status().contains("no heading below"), "{}", t.status());
    t.keys("K");
    assert!(t.marked().contains("|Language\n\nOlder"), "{}", t.marked());
    // From inside a section, K goes to its own heading first.
    t.keys("J j j K");
    assert!(t.marked().contains("|Libraries"), "{}", t.marked());
    t.keys("g K");
    assert!(t.status().contains("no heading above"), "{}", t.status());
}

#[test]
fn the_status_bar_shortens_a_long_section_path_from_the_middle() {
    let deep = "# Doc\n\nIntro.\n\n# Version 1.95.0 (2026-04-16) of the compiler\n\n## Libraries\n\n### Stabilized APIs\n\nText under it.\n";
    let files = [("deep.md", deep)];
    let mut wide = TestApp::with_files(140, 12, KeyConfig::default(), &files);
    wide.keys("enter J J J");
    assert!(
        wide.status().starts_with(
            "Version 1.95.0 (2026-04-16) of the compiler > Libraries > Stabilized APIs · "
        ),
        "{}",
        wide.status()
    );
    let mut narrow = TestApp::with_files(60, 12, KeyConfig::default(), &files);
    narrow.keys("enter J J J");
    let status = narrow.status();
    // How much of the outermost name fits depends on the width of the
    // percentage after the path; the shape does not.
    assert!(
        status.starts_with("Version 1.95.0 (2026-04-16)")
            && status.contains("… > … > Stabilized APIs · ")
            && !status.contains("of the compiler"),
        "elided in the middle, outermost and innermost kept: {status}"
    );
    let mut tiny = TestApp::with_files(40, 12, KeyConfig::default(), &files);
    tiny.keys("enter J J J");
    assert!(
        tiny.status().starts_with("Version")
            && tiny.status().contains("… > … > Stabilized APIs · ")
            && !tiny.status().contains("2026"),
        "{}",
        tiny.status()
    );
}

#[test]
fn the_list_hides_and_comes_back() {
    let mut t = changelog(80, 24);
    let before = t.app.areas().text.width;
    t.keys("\\");
    assert_eq!(t.app.areas().list.width, 0);
    assert!(t.app.areas().text.width > before);
    assert!(t.text().starts_with("┌ Release Notes"), "{}", t.text());
    // Tab brings the list back while it has focus, and hides it again after.
    t.keys("tab");
    assert!(t.text().starts_with("┌ Library (2)"));
    t.keys("tab");
    assert_eq!(t.app.areas().list.width, 0);
    t.keys("\\");
    assert!(t.text().starts_with("┌ Library (2)"));
}

#[test]
fn at_80_columns_the_list_is_narrower() {
    let t = changelog(80, 24);
    let areas = t.app.areas();
    assert!(areas.list.width <= 24, "{areas:?}");
    assert!(areas.text.width >= 50, "{areas:?}");
}

#[test]
fn the_list_pages_by_its_height() {
    let files: Vec<(String, String)> = (0..40)
        .map(|i| {
            (
                format!("a{i:02}.md"),
                format!("# Article {i:02}\n\nText.\n"),
            )
        })
        .collect();
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let mut t = TestApp::with_files(80, 24, KeyConfig::default(), &files);
    // 24 rows: 21 inside the border above the status bar, two lines an
    // entry: 10 entries a page.
    t.keys("pagedown");
    assert_eq!(t.app.list.selected, 10);
    assert!(t.text().contains("Article 10"));
    assert!(!t.text().contains("Article 09"), "the view paged too");
    t.keys("ctrl-d");
    assert_eq!(t.app.list.selected, 15);
    t.keys("pageup");
    assert_eq!(t.app.list.selected, 5);
    t.keys("ctrl-u");
    assert_eq!(t.app.list.selected, 0);
    assert!(t.text().contains("Article 00"));
    t.keys("G pagedown");
    assert_eq!(t.app.list.selected, 39, "clamped at the end");
}

#[test]
fn the_help_lists_every_new_key() {
    let mut t = TestApp::new(80, 400);
    t.keys("?");
    let text = t.text();
    let keymap = Keymap::default();
    for (context, action) in [
        (Context::Reader, Action::Outline),
        (Context::Reader, Action::NextHeading),
        (Context::Reader, Action::PrevHeading),
        (Context::Global, Action::ToggleList),
        (Context::List, Action::PageDown),
        (Context::List, Action::PageUp),
        (Context::List, Action::HalfPageDown),
        (Context::List, Action::HalfPageUp),
        (Context::Outline, Action::OpenArticle),
        (Context::Outline, Action::FilterList),
        (Context::Outline, Action::Back),
        (Context::Outline, Action::PageDown),
    ] {
        let key = keymap.key_name(context, action).unwrap();
        let description = action.describe(context);
        let listed = text.lines().any(|line| {
            let inside = line.trim_matches(|c| c == '│' || c == ' ');
            inside.starts_with(&key) && inside.ends_with(description)
        });
        assert!(
            listed,
            "{context} {action:?}: {key} {description} missing:\n{text}"
        );
    }
    assert!(text.contains("Outline (other keys start a filter)"));
}

#[test]
fn outline_snapshot_at_80x24() {
    let mut t = changelog(80, 24);
    t.keys("J J T");
    // Styled, so the selected heading's bar shows.
    insta::assert_snapshot!(t.styled());
}

#[test]
fn list_snapshot_with_file_names_for_entries_without_a_byline() {
    let mut t = TestApp::with_files(
        80,
        12,
        KeyConfig::default(),
        &[
            ("a-changelog.md", CHANGELOG),
            ("b-plain.md", "Zz plain note\n\nNo byline here.\n"),
            (
                "c-bylined.md",
                "# With a byline\n\nAda Writer\n3 March 2026\n\nBody text.\n",
            ),
        ],
    );
    insta::assert_snapshot!(t.text());
}
