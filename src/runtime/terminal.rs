//! The terminal itself: entering and leaving the app's mode (raw input,
//! alternate screen, mouse, bracketed paste), drawing a frame, telling the
//! suspend key, and the clipboard escape.

use std::io::{self, BufWriter, Stdout, Write};

use anyhow::Result;
use crossterm::cursor::Show;
use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture, Event,
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers,
};
use crossterm::execute;
use crossterm::terminal::{
    Clear, ClearType, EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::prelude::CrosstermBackend;

use crate::app::App;
use crate::ui;

/// Draws the app into the terminal's live size: the app is first resized to
/// the frame ratatui hands out (the terminal may have changed size since the
/// last resize event was read), so its layout and the drawing always agree.
pub(super) fn draw(terminal: &mut Term, app: &mut App) -> Result<()> {
    terminal.draw(|frame| {
        let area = frame.area();
        if area != app.screen {
            app.resize(area.width, area.height);
        }
        ui::draw(frame, app);
        if app.config.reader.hyperlinks
            && ui::links::terminal_takes_hyperlinks(std::env::var("TERM").ok().as_deref())
        {
            ui::links::add_hyperlinks(frame.buffer_mut(), app);
        }
    })?;
    Ok(())
}

pub(super) type Term = Terminal<CrosstermBackend<BufWriter<Stdout>>>;

/// How much of a frame is gathered before it goes to the terminal: a full
/// 200x60 frame, styles and all. Standard output alone would write every
/// 1 KiB (its line buffer's size, and a frame has no newlines), so a full
/// redraw went out in a dozen pieces, each a system call and each a partial
/// screen for the terminal to take in; ratatui flushes after every frame,
/// so a frame now goes out in one write.
const FRAME_BYTES: usize = 128 * 1024;

/// The backend every frame is drawn through (see [`FRAME_BYTES`]).
fn backend() -> CrosstermBackend<BufWriter<Stdout>> {
    CrosstermBackend::new(BufWriter::with_capacity(FRAME_BYTES, io::stdout()))
}

/// Switches the terminal to the app's mode: raw input, the alternate screen,
/// mouse and bracketed paste. A panic switches it back through
/// `install_panic_hook`, which the runtime installs before this.
pub(super) fn enter() -> Result<Term> {
    enable_raw_mode()?;
    execute!(
        io::stdout(),
        EnterAlternateScreen,
        EnableMouseCapture,
        EnableBracketedPaste
    )?;
    Ok(Terminal::new(backend())?)
}

/// Re-enters the app's terminal mode after [`leave`] (around an external
/// editor, after a suspension) and clears the screen for a full redraw.
pub(super) fn resume(terminal: &mut Term) -> Result<()> {
    enable_raw_mode()?;
    execute!(
        io::stdout(),
        EnterAlternateScreen,
        EnableMouseCapture,
        EnableBracketedPaste,
        Clear(ClearType::All)
    )?;
    // A fresh terminal has no previous frame, so the next draw writes every
    // cell. (`Terminal::clear` would ask the terminal for the cursor
    // position and wait for an answer some terminals never send.)
    *terminal = Terminal::new(backend())?;
    Ok(())
}

/// Restores the terminal: cooked mode, the main screen, no mouse reporting,
/// no bracketed paste, a visible cursor. Safe to call more than once, and
/// when the terminal is gone (errors are ignored: there is no one to tell).
pub(super) fn leave() {
    let _ = disable_raw_mode();
    let _ = execute!(
        io::stdout(),
        DisableBracketedPaste,
        DisableMouseCapture,
        LeaveAlternateScreen,
        Show
    );
}

/// Whether a key event is `Ctrl-z`, which suspends gloss as it would any
/// program in a shell (raw mode turns it into a key instead of a signal).
pub(super) fn is_suspend_key(event: &Event) -> bool {
    matches!(
        event,
        Event::Key(KeyEvent {
            code: KeyCode::Char('z'),
            modifiers,
            kind: KeyEventKind::Press | KeyEventKind::Repeat,
            ..
        }) if modifiers.contains(KeyModifiers::CONTROL)
    )
}

/// Puts text on the clipboard with OSC 52, which terminals honour even over ssh.
pub(super) fn copy_to_clipboard(text: &str) {
    let mut out = io::stdout();
    let _ = out.write_all(ui::links::osc52(text).as_bytes());
    let _ = out.flush();
}
