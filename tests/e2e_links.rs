//! End to end: following links in the real binary, in a pseudo-terminal. A
//! relative link opens another file in gloss and the back key returns to
//! the same lines with the cursor on the same word; a web link goes to
//! `$BROWSER` (here a script that only writes down what it got), which
//! never writes on the screen.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly

mod support;

use std::path::Path;

use support::{Gloss, temp_home};

const BACKSPACE: &str = "\x7f";

/// An index long enough to scroll, with a link to a guide in a sub-folder
/// half-way down and a web link after it.
fn write_files(dir: &Path) {
    let mut index = String::from("# Index\n\n");
    for i in 1..=30 {
        index.push_str(&format!("Paragraph {i} of the index, with some words.\n\n"));
        if i == 15 {
            index.push_str("Read the [guide](docs/guide.md#second-part) now.\n\n");
            index.push_str("Or the [web page](https://example.com/page?q=1).\n\n");
        }
    }
    std::fs::write(dir.join("index.md"), index).unwrap();
    std::fs::create_dir_all(dir.join("docs")).unwrap();
    std::fs::write(
        dir.join("docs/guide.md"),
        "# Guide\n\nThe first part.\n\n## Second part\n\nThe guide's second part.\n",
    )
    .unwrap();
}

/// The reader pane (the rows above the status bar, right of the list), and
/// where the reversed cursor cells are.
fn view(g: &Gloss) -> (String, Vec<(u16, u16)>) {
    g.with_parser(|p| {
        let screen = p.screen();
        let (rows, cols) = screen.size();
        let (rows, cols) = (rows.get(), cols.get());
        let first: Vec<char> = screen.rows(0, cols).next().unwrap().chars().collect();
        let left = first.iter().rposition(|&c| c == '┌').unwrap() as u16;
        let text: Vec<String> = screen
            .rows(left, cols - left)
            .take(usize::from(rows - 1))
            .collect();
        let mut reversed = Vec::new();
        for r in 0..rows - 1 {
            for c in left..cols {
                if screen.cell(r, c).is_some_and(|cell| cell.inverse()) {
                    reversed.push((r, c));
                }
            }
        }
        (text.join("\n"), reversed)
    })
}

#[test]
fn a_relative_link_opens_the_file_and_back_returns_to_the_same_place() {
    let home = temp_home();
    write_files(home.path());
    let index = home.path().join("index.md");
    let mut g = Gloss::start_in(home.clone(), &[index.to_str().unwrap()], 100, 20);
    g.wait_for("Index");
    g.send("\r");
    g.wait_for("Paragraph 1 of");
    // Down to the link: the search puts the cursor on "guide".
    g.send("/guide\r");
    g.wait_for("o follow");
    let before = view(&g);
    assert!(before.0.contains("Read the guide now."), "{}", before.0);
    assert!(!before.1.is_empty(), "the cursor is drawn");

    g.send("o");
    let screen = g.wait_for("The guide's second part.");
    assert!(screen.contains("Guide"), "{screen}");
    assert!(
        screen.contains("Library (2)"),
        "added to the list:\n{screen}"
    );

    g.send(BACKSPACE);
    g.wait_until("back in the index", |s| s.contains("Read the guide now."));
    let after = view(&g);
    assert_eq!(after.0, before.0, "the same lines");
    assert_eq!(after.1, before.1, "the cursor on the same word");

    // And through the link list, then Ctrl-o back again.
    g.send("L");
    g.wait_for("Links (2)");
    g.send("\r");
    g.wait_for("The guide's second part.");
    g.send("\x0f");
    g.wait_until("back again", |s| s.contains("Read the guide now."));
    assert_eq!(view(&g), before);
    g.send("q");
    assert_eq!(g.wait_exit(), 0);
}

#[test]
fn a_web_link_goes_to_browser_which_never_writes_on_the_screen() {
    let home = temp_home();
    write_files(home.path());
    let got = home.path().join("browser-got");
    let script = home.path().join("browser.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\necho NOISE-OUT\necho NOISE-ERR >&2\nprintf '%s' \"$1\" > '{}'\n",
            got.display()
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let index = home.path().join("index.md");
    let mut g = Gloss::start_with_env(
        home.clone(),
        &[index.to_str().unwrap()],
        &[("BROWSER", script.to_str().unwrap())],
        100,
        20,
    );
    g.wait_for("Index");
    g.send("\r");
    g.wait_for("Paragraph 1 of");
    // Web links are written as OSC 8 hyperlinks, one per cell, and the
    // screen still reads as text.
    g.send("/web\r");
    g.wait_for("Or the web page.");
    let out = String::from_utf8_lossy(&g.output()).into_owned();
    assert!(
        out.contains("\x1b]8;;https://example.com/page?q=1\x1b\\w\x1b]8;;\x1b\\"),
        "no OSC 8 for the web link"
    );
    assert!(
        !out.contains("\x1b]8;;docs/guide.md"),
        "relative links are not made clickable"
    );
    g.send("L");
    g.wait_for("Links (2)");
    g.send("web");
    g.wait_for("Links (1 of 2)");
    g.send("\r");
    g.wait_for("with browser.sh");
    let mut waited = 0;
    while !got.exists() && waited < 400 {
        std::thread::sleep(std::time::Duration::from_millis(25));
        waited += 1;
    }
    assert_eq!(
        std::fs::read_to_string(&got).unwrap(),
        "https://example.com/page?q=1"
    );
    let screen = g.screen();
    assert!(!screen.contains("NOISE"), "{screen}");
    g.send("q");
    assert_eq!(g.wait_exit(), 0);
    assert!(!String::from_utf8_lossy(&g.output()).contains("NOISE"));
}

/// Runs the same keys in gloss with hyperlinks on and off: the screens must
/// be the same cell for cell (the OSC 8 cells redraw like any other).
#[test]
fn hyperlinks_change_nothing_on_screen_while_scrolling_and_covering() {
    let mut views = Vec::new();
    for hyperlinks in [true, false] {
        let home = temp_home();
        write_files(home.path());
        let config = home.path().join("config/gloss");
        std::fs::create_dir_all(&config).unwrap();
        std::fs::write(
            config.join("config.toml"),
            format!("[reader]\nhyperlinks = {hyperlinks}\n"),
        )
        .unwrap();
        let index = home.path().join("index.md");
        let mut g = Gloss::start_in(home.clone(), &[index.to_str().unwrap()], 90, 16);
        g.wait_for("Index");
        g.send("\r");
        g.wait_for("Paragraph 1 of");
        g.send("/web\r");
        g.wait_for("Or the web page.");
        for key in [
            "j", "j", "j", "k", "\x04", "\x15", "k", "L", "\x1b", "w", "w",
        ] {
            g.send(key);
        }
        g.send("?");
        g.wait_for("Anywhere");
        g.send("\x1b");
        g.wait_until("help closed", |s| !s.contains("Anywhere"));
        let seen = g.output().windows(4).any(|w| w == b"\x1b]8;");
        assert_eq!(seen, hyperlinks, "OSC 8 written only when on");
        views.push(view(&g));
        g.send("q");
        assert_eq!(g.wait_exit(), 0);
    }
    assert_eq!(views[0], views[1]);
}
