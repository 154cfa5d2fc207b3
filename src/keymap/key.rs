//! One key as the user writes it in the config (`"ctrl-f"`, `"G"`, `"pagedown"`)
//! and as the terminal reports it. Both sides are brought to one normal form so
//! that a binding is a plain map lookup, and so that quirks of how terminals
//! report keys (shift on capital letters, shift-tab as its own key) never leak
//! into the config.

use std::fmt;
use std::str::FromStr;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// A key with its modifiers, in normal form, so that equal keys compare equal
/// whichever way they were written or reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeySpec {
    code: KeyCode,
    modifiers: KeyModifiers,
}

/// Why a key string could not be read; shown to the user next to the key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyParseError {
    /// Nothing left after the modifiers.
    #[error("no key given")]
    Empty,
    /// The name is neither a single character nor a known key name.
    /// (The name is shown with control characters as placeholders: it comes
    /// from the config and is echoed on stderr.)
    #[error(
        "unknown key name `{}` (use a single character or one of space, enter, esc, tab, \
         backtab, backspace, up, down, left, right, home, end, pageup, pagedown, delete, \
         insert, f1..f12, with optional ctrl-, alt- or shift- in front)",
        crate::text::clean(.0)
    )]
    UnknownName(String),
    /// A control or bidi character given as the key itself: it cannot be
    /// shown in the help or in a message, and the keys that send control
    /// codes have names.
    #[error(
        "U+{:04X} is a control character; name the key instead (esc, tab, enter, backspace, \
         or ctrl- with a letter)",
        u32::from(*.0)
    )]
    Unprintable(char),
    /// `shift-` on a character that has no upper case; the character itself
    /// must be written instead.
    #[error("shift- only works with letters and named keys; write the shifted character itself")]
    ShiftOnSymbol,
}

impl KeySpec {
    /// Builds a key in normal form; the one door through which both parsed
    /// strings and terminal events pass.
    pub fn new(code: KeyCode, modifiers: KeyModifiers) -> Self {
        let mut code = code;
        let mut modifiers = modifiers;
        match code {
            // Terminals report capitals with SHIFT (or not, depending on the
            // protocol); the character already says it all.
            KeyCode::Char(c) => {
                modifiers.remove(KeyModifiers::SHIFT);
                // Terminals cannot tell ctrl-f from ctrl-F in their legacy
                // encoding, so they are one key.
                if modifiers.contains(KeyModifiers::CONTROL) && c.is_ascii_uppercase() {
                    code = KeyCode::Char(c.to_ascii_lowercase());
                }
            }
            KeyCode::BackTab => modifiers.remove(KeyModifiers::SHIFT),
            KeyCode::Tab if modifiers.contains(KeyModifiers::SHIFT) => {
                code = KeyCode::BackTab;
                modifiers.remove(KeyModifiers::SHIFT);
            }
            _ => {}
        }
        Self { code, modifiers }
    }

    /// The key a terminal event stands for, or `None` for key releases, which
    /// must never trigger an action a second time.
    pub fn from_event(event: &KeyEvent) -> Option<Self> {
        if event.kind == KeyEventKind::Release {
            return None;
        }
        Some(Self::new(event.code, event.modifiers))
    }

    /// Whether a terminal event is this key; for callers that hold one key
    /// rather than a whole keymap.
    pub fn matches(&self, event: &KeyEvent) -> bool {
        Self::from_event(event).is_some_and(|k| k == *self)
    }

    /// The key code, for callers that need to inspect it.
    pub fn code(&self) -> KeyCode {
        self.code
    }

    /// The modifiers in normal form.
    pub fn modifiers(&self) -> KeyModifiers {
        self.modifiers
    }

    /// Order in which keys of one action are listed in the help: plain
    /// characters first (what most users type), then named keys in a fixed
    /// order, then chords; ties are broken by the shown text.
    pub(crate) fn help_rank(&self) -> (u8, u8) {
        let named = match self.code {
            KeyCode::Char(' ') => 0,
            KeyCode::Char(_) => 0,
            KeyCode::Enter => 1,
            KeyCode::Esc => 2,
            KeyCode::Tab => 3,
            KeyCode::BackTab => 4,
            KeyCode::Backspace => 5,
            KeyCode::Up => 6,
            KeyCode::Down => 7,
            KeyCode::Left => 8,
            KeyCode::Right => 9,
            KeyCode::Home => 10,
            KeyCode::End => 11,
            KeyCode::PageUp => 12,
            KeyCode::PageDown => 13,
            KeyCode::Delete => 14,
            KeyCode::Insert => 15,
            KeyCode::F(n) => 20_u8.saturating_add(n),
            _ => u8::MAX,
        };
        let group = if !self.modifiers.is_empty() {
            2
        } else if matches!(self.code, KeyCode::Char(c) if c != ' ') {
            0
        } else {
            1
        };
        (group, named)
    }
}

/// Reads a key name without modifiers; names are case-insensitive, single
/// characters are taken as written.
fn parse_name(name: &str) -> Result<KeyCode, KeyParseError> {
    let mut chars = name.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return printable(c);
    }
    let lower = name.to_ascii_lowercase();
    let code = match lower.as_str() {
        "" => return Err(KeyParseError::Empty),
        "space" | "spc" => KeyCode::Char(' '),
        "enter" | "return" | "ret" => KeyCode::Enter,
        "esc" | "escape" => KeyCode::Esc,
        "tab" => KeyCode::Tab,
        "backtab" => KeyCode::BackTab,
        "backspace" | "bs" => KeyCode::Backspace,
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        "pageup" | "pgup" => KeyCode::PageUp,
        "pagedown" | "pgdn" | "pgdown" => KeyCode::PageDown,
        "delete" | "del" => KeyCode::Delete,
        "insert" | "ins" => KeyCode::Insert,
        other => match other.strip_prefix('f').and_then(|n| n.parse::<u8>().ok()) {
            Some(n @ 1..=12) => KeyCode::F(n),
            // "U+00A0": a character that cannot be written plainly (blank ones).
            _ => match other
                .strip_prefix("u+")
                .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                .and_then(char::from_u32)
            {
                Some(c) => return printable(c),
                None => return Err(KeyParseError::UnknownName(name.to_string())),
            },
        },
    };
    Ok(code)
}

/// The key for a character written as itself, unless it is one the terminal
/// would obey rather than show (see [`crate::document::placeholder_for`]).
fn printable(c: char) -> Result<KeyCode, KeyParseError> {
    if crate::document::placeholder_for(c).is_some() || c == '\u{200d}' {
        Err(KeyParseError::Unprintable(c))
    } else {
        Ok(KeyCode::Char(c))
    }
}

/// Splits one leading `ctrl-`, `alt-` or `shift-` off, if something follows it
/// (so that `"-"` and `"ctrl--"` still name the minus key).
fn strip_modifier(rest: &str) -> Option<(KeyModifiers, &str)> {
    let prefixes = [
        ("ctrl-", KeyModifiers::CONTROL),
        ("control-", KeyModifiers::CONTROL),
        ("alt-", KeyModifiers::ALT),
        ("meta-", KeyModifiers::ALT),
        ("shift-", KeyModifiers::SHIFT),
    ];
    prefixes.iter().find_map(|(prefix, modifier)| {
        let head = rest.get(..prefix.len())?;
        let tail = rest.get(prefix.len()..)?;
        (head.eq_ignore_ascii_case(prefix) && !tail.is_empty()).then_some((*modifier, tail))
    })
}

impl FromStr for KeySpec {
    type Err = KeyParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut modifiers = KeyModifiers::NONE;
        // A lone character is the key itself, even a space; longer strings
        // forgive stray spaces around them.
        let mut rest = if s.chars().count() == 1 { s } else { s.trim() };
        while let Some((modifier, tail)) = strip_modifier(rest) {
            modifiers |= modifier;
            rest = tail;
        }
        let mut code = parse_name(rest)?;
        if modifiers.contains(KeyModifiers::SHIFT)
            && let KeyCode::Char(c) = code
        {
            if c.is_alphabetic() {
                code = KeyCode::Char(c.to_uppercase().next().unwrap_or(c));
            } else {
                return Err(KeyParseError::ShiftOnSymbol);
            }
        }
        Ok(Self::new(code, modifiers))
    }
}

impl fmt::Display for KeySpec {
    /// The short form shown in the help overlay and the status line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.modifiers.contains(KeyModifiers::CONTROL) {
            f.write_str("Ctrl-")?;
        }
        if self.modifiers.contains(KeyModifiers::ALT) {
            f.write_str("Alt-")?;
        }
        if self.modifiers.contains(KeyModifiers::SHIFT) {
            f.write_str("Shift-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("Space"),
            // Other blank characters would vanish (and be trimmed) when written.
            // Blank and control characters (never bindable, but a terminal
            // can report one) are shown by their code point, never raw.
            KeyCode::Char(c) if c.is_whitespace() || printable(c).is_err() => {
                write!(f, "U+{:04X}", u32::from(c))
            }
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Enter => f.write_str("Enter"),
            KeyCode::Esc => f.write_str("Esc"),
            KeyCode::Tab => f.write_str("Tab"),
            KeyCode::BackTab => f.write_str("Shift-Tab"),
            KeyCode::Backspace => f.write_str("Backspace"),
            KeyCode::Up => f.write_str("↑"),
            KeyCode::Down => f.write_str("↓"),
            KeyCode::Left => f.write_str("←"),
            KeyCode::Right => f.write_str("→"),
            KeyCode::Home => f.write_str("Home"),
            KeyCode::End => f.write_str("End"),
            KeyCode::PageUp => f.write_str("PgUp"),
            KeyCode::PageDown => f.write_str("PgDn"),
            KeyCode::Delete => f.write_str("Del"),
            KeyCode::Insert => f.write_str("Ins"),
            KeyCode::F(n) => write!(f, "F{n}"),
            other => write!(f, "{other:?}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyEventState;
    use proptest::strategy::Strategy;

    fn key(s: &str) -> KeySpec {
        s.parse().unwrap()
    }

    fn press(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn single_characters_are_taken_as_written() {
        for (s, c) in [
            ("j", 'j'),
            ("G", 'G'),
            ("?", '?'),
            ("/", '/'),
            ("{", '{'),
            ("}", '}'),
            ("[", '['),
            ("]", ']'),
            ("-", '-'),
            ("1", '1'),
        ] {
            assert_eq!(
                key(s),
                KeySpec::new(KeyCode::Char(c), KeyModifiers::NONE),
                "{s}"
            );
        }
        assert_ne!(key("g"), key("G"));
        assert_eq!(key(" "), key("space"));
        assert_eq!(key(" ctrl-f "), key("ctrl-f"));
    }

    #[test]
    fn named_keys_ignore_case() {
        assert_eq!(
            key("space"),
            KeySpec::new(KeyCode::Char(' '), KeyModifiers::NONE)
        );
        assert_eq!(key("Space"), key("SPACE"));
        assert_eq!(key("Enter").code(), KeyCode::Enter);
        assert_eq!(key("ESC").code(), KeyCode::Esc);
        assert_eq!(key("tab").code(), KeyCode::Tab);
        assert_eq!(key("backtab").code(), KeyCode::BackTab);
        assert_eq!(key("backspace").code(), KeyCode::Backspace);
        assert_eq!(key("up").code(), KeyCode::Up);
        assert_eq!(key("Down").code(), KeyCode::Down);
        assert_eq!(key("left").code(), KeyCode::Left);
        assert_eq!(key("right").code(), KeyCode::Right);
        assert_eq!(key("home").code(), KeyCode::Home);
        assert_eq!(key("end").code(), KeyCode::End);
        assert_eq!(key("PageUp").code(), KeyCode::PageUp);
        assert_eq!(key("pagedown").code(), KeyCode::PageDown);
        assert_eq!(key("delete").code(), KeyCode::Delete);
        assert_eq!(key("insert").code(), KeyCode::Insert);
        assert_eq!(key("f1").code(), KeyCode::F(1));
        assert_eq!(key("F12").code(), KeyCode::F(12));
    }

    #[test]
    fn modifiers_combine() {
        assert_eq!(
            key("ctrl-f"),
            KeySpec::new(KeyCode::Char('f'), KeyModifiers::CONTROL)
        );
        assert_eq!(key("Ctrl-F"), key("ctrl-f"));
        assert_eq!(
            key("alt-x"),
            KeySpec::new(KeyCode::Char('x'), KeyModifiers::ALT)
        );
        assert_eq!(
            key("ctrl-alt-x"),
            KeySpec::new(
                KeyCode::Char('x'),
                KeyModifiers::CONTROL | KeyModifiers::ALT
            )
        );
        assert_eq!(key("shift-tab"), key("backtab"));
        assert_eq!(key("shift-g"), key("G"));
        assert_eq!(
            key("ctrl--"),
            KeySpec::new(KeyCode::Char('-'), KeyModifiers::CONTROL)
        );
        assert_eq!(
            key("shift-up"),
            KeySpec::new(KeyCode::Up, KeyModifiers::SHIFT)
        );
    }

    #[test]
    fn control_characters_are_not_keys_and_are_never_echoed() {
        for name in ["\u{1b}", "u+001b", "ctrl-\u{9b}", "\u{202e}", "u+202E"] {
            let err = name.parse::<KeySpec>().unwrap_err();
            assert!(
                matches!(err, KeyParseError::Unprintable(_)),
                "{name:?}: {err}"
            );
            assert!(err.to_string().starts_with("U+"), "{err}");
        }
        let err = "\u{1b}]0;owned\u{7}"
            .parse::<KeySpec>()
            .unwrap_err()
            .to_string();
        assert!(err.contains("`␛]0;owned␇`"), "{err}");
        assert!(!err.chars().any(char::is_control), "{err:?}");
    }

    #[test]
    fn bad_key_strings_are_errors() {
        assert!(matches!("".parse::<KeySpec>(), Err(KeyParseError::Empty)));
        assert!(matches!(
            "pagedwn".parse::<KeySpec>(),
            Err(KeyParseError::UnknownName(n)) if n == "pagedwn"
        ));
        assert!("f13".parse::<KeySpec>().is_err());
        assert!("f0".parse::<KeySpec>().is_err());
        assert!("hyper-x".parse::<KeySpec>().is_err());
        assert!(matches!(
            "shift-?".parse::<KeySpec>(),
            Err(KeyParseError::ShiftOnSymbol)
        ));
    }

    #[test]
    fn display_is_short_and_readable() {
        let shown = |s: &str| key(s).to_string();
        assert_eq!(shown("j"), "j");
        assert_eq!(shown("G"), "G");
        assert_eq!(shown("space"), "Space");
        assert_eq!(shown("enter"), "Enter");
        assert_eq!(shown("esc"), "Esc");
        assert_eq!(shown("tab"), "Tab");
        assert_eq!(shown("shift-tab"), "Shift-Tab");
        assert_eq!(shown("pagedown"), "PgDn");
        assert_eq!(shown("pageup"), "PgUp");
        assert_eq!(shown("home"), "Home");
        assert_eq!(shown("end"), "End");
        assert_eq!(shown("up"), "↑");
        assert_eq!(shown("down"), "↓");
        assert_eq!(shown("left"), "←");
        assert_eq!(shown("right"), "→");
        assert_eq!(shown("ctrl-f"), "Ctrl-f");
        assert_eq!(shown("ctrl-alt-x"), "Ctrl-Alt-x");
        assert_eq!(shown("f5"), "F5");
    }

    #[test]
    fn display_parses_back_to_the_same_key() {
        for s in [
            "j",
            "G",
            "space",
            "ctrl-f",
            "alt-x",
            "shift-tab",
            "f3",
            "enter",
            "esc",
        ] {
            let k = key(s);
            let shown = k.to_string();
            let back: KeySpec = shown
                .replace('↑', "up")
                .replace('↓', "down")
                .parse()
                .unwrap();
            assert_eq!(back, k, "{s} shown as {shown}");
        }
    }

    #[test]
    fn capital_letters_match_with_or_without_shift() {
        let g = key("G");
        assert!(g.matches(&press(KeyCode::Char('G'), KeyModifiers::SHIFT)));
        assert!(g.matches(&press(KeyCode::Char('G'), KeyModifiers::NONE)));
        assert!(!g.matches(&press(KeyCode::Char('g'), KeyModifiers::NONE)));
        assert!(key("?").matches(&press(KeyCode::Char('?'), KeyModifiers::SHIFT)));
        assert!(key("{").matches(&press(KeyCode::Char('{'), KeyModifiers::SHIFT)));
    }

    #[test]
    fn ctrl_combos_match_only_with_ctrl() {
        let ctrl_f = key("ctrl-f");
        assert!(ctrl_f.matches(&press(KeyCode::Char('f'), KeyModifiers::CONTROL)));
        assert!(ctrl_f.matches(&press(
            KeyCode::Char('F'),
            KeyModifiers::CONTROL | KeyModifiers::SHIFT
        )));
        assert!(!ctrl_f.matches(&press(KeyCode::Char('f'), KeyModifiers::NONE)));
        assert!(!key("f").matches(&press(KeyCode::Char('f'), KeyModifiers::CONTROL)));
        assert!(!ctrl_f.matches(&press(
            KeyCode::Char('f'),
            KeyModifiers::CONTROL | KeyModifiers::ALT
        )));
    }

    #[test]
    fn shift_tab_matches_however_the_terminal_reports_it() {
        let back = key("shift-tab");
        assert!(back.matches(&press(KeyCode::BackTab, KeyModifiers::SHIFT)));
        assert!(back.matches(&press(KeyCode::BackTab, KeyModifiers::NONE)));
        assert!(back.matches(&press(KeyCode::Tab, KeyModifiers::SHIFT)));
        assert!(!key("tab").matches(&press(KeyCode::BackTab, KeyModifiers::SHIFT)));
    }

    proptest::proptest! {
        #[test]
        fn parsing_never_panics(text in "\\PC{0,12}") {
            let _ = text.parse::<KeySpec>();
        }

        #[test]
        fn shown_characters_parse_back(
            c in proptest::char::any().prop_filter("printable", |&c| printable(c).is_ok()),
            ctrl: bool,
            alt: bool,
        ) {
            let mut modifiers = KeyModifiers::NONE;
            modifiers.set(KeyModifiers::CONTROL, ctrl);
            modifiers.set(KeyModifiers::ALT, alt);
            let k = KeySpec::new(KeyCode::Char(c), modifiers);
            let back: KeySpec = k.to_string().parse().unwrap();
            proptest::prop_assert_eq!(back, k);
        }
    }

    #[test]
    fn key_releases_never_match() {
        let release = KeyEvent::new_with_kind_and_state(
            KeyCode::Char('j'),
            KeyModifiers::NONE,
            KeyEventKind::Release,
            KeyEventState::NONE,
        );
        assert!(!key("j").matches(&release));
        let repeat = KeyEvent::new_with_kind_and_state(
            KeyCode::Char('j'),
            KeyModifiers::NONE,
            KeyEventKind::Repeat,
            KeyEventState::NONE,
        );
        assert!(key("j").matches(&repeat));
    }
}
