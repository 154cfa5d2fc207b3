//! Keys as data: every user intent is an [`Action`], and the keymap maps keys to
//! actions per context. Defaults live in config.example.toml's `[keys]` tables
//! and any key can be rebound in the user's config.
// STUB parts: key parsing and default bindings are filled in by the config work.

use serde::{Deserialize, Serialize};

/// Everything a user can ask gloss to do. The app changes state only by
/// handling these, so tests can drive it without a terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    // anywhere
    /// Quit gloss.
    Quit,
    /// Show or hide the help overlay.
    Help,
    /// Move focus between the list and the reader.
    SwitchFocus,
    // list pane
    /// Select the next article.
    ListDown,
    /// Select the previous article.
    ListUp,
    /// Select the first article.
    ListFirst,
    /// Select the last article.
    ListLast,
    /// Open the selected article and focus the reader.
    OpenArticle,
    /// Filter the list by title and author.
    FilterList,
    // reader pane: scrolling and search
    /// One line down.
    ScrollDown,
    /// One line up.
    ScrollUp,
    /// One page down.
    PageDown,
    /// One page up.
    PageUp,
    /// Half a page down.
    HalfPageDown,
    /// Half a page up.
    HalfPageUp,
    /// Go to the start of the article.
    Top,
    /// Go to the end of the article.
    Bottom,
    /// Go to the next paragraph.
    NextParagraph,
    /// Go to the previous paragraph.
    PrevParagraph,
    /// Search the article.
    Search,
    /// Go to the next search match.
    SearchNext,
    /// Go to the previous search match.
    SearchPrev,
    /// Back to the list (or cancel the selection first).
    Back,
    // reader pane: cursor, selection and highlights
    /// Cursor to the next word.
    WordNext,
    /// Cursor to the previous word.
    WordPrev,
    /// Cursor to the end of the word.
    WordEnd,
    /// Cursor to the next sentence.
    SentenceNext,
    /// Cursor to the previous sentence.
    SentencePrev,
    /// Start or stop a selection at the cursor.
    Select,
    /// Select the sentence under the cursor.
    SelectSentence,
    /// Select the paragraph under the cursor.
    SelectParagraph,
    /// Highlight the selection in the default colour.
    Highlight,
    /// Highlight in palette colour 1.
    Color1,
    /// Highlight in palette colour 2.
    Color2,
    /// Highlight in palette colour 3.
    Color3,
    /// Highlight in palette colour 4.
    Color4,
    /// Highlight in palette colour 5.
    Color5,
    /// Highlight the selection and write a note, or edit the note under the cursor.
    Annotate,
    /// Copy the selection to the clipboard.
    Copy,
    /// Change the colour of the highlight under the cursor.
    ChangeColor,
    /// Delete the highlight under the cursor.
    Delete,
    /// Undo the last delete.
    Undo,
    /// Jump to the next highlight.
    NextHighlight,
    /// Jump to the previous highlight.
    PrevHighlight,
    /// Show or hide notes inline.
    ToggleNotes,
    /// Move a highlight onto the selection.
    Reattach,
    /// Open the annotations panel.
    Panel,
    /// Export notes.
    Export,
}

/// Key bindings per context as written in the config: key string to action.
/// User tables are merged over the defaults key by key.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct KeyConfig {
    /// Keys that work in every pane.
    pub global: std::collections::BTreeMap<String, Action>,
    /// Keys of the list pane.
    pub list: std::collections::BTreeMap<String, Action>,
    /// Keys of the reader pane.
    pub reader: std::collections::BTreeMap<String, Action>,
}

// TEMPORARY (lead): minimal keymap so the app compiles; replaced by the config work.
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Which table a key is looked up in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// Everywhere.
    Global,
    /// List pane.
    List,
    /// Reader pane.
    Reader,
    /// Annotations panel.
    Panel,
}

/// One help line.
#[derive(Debug, Clone)]
pub struct HelpEntry {
    /// Keys.
    pub keys: String,
    /// What they do.
    pub description: &'static str,
}

/// One help section.
#[derive(Debug, Clone)]
pub struct HelpSection {
    /// Title.
    pub title: &'static str,
    /// Lines.
    pub entries: Vec<HelpEntry>,
}

/// Keys to actions.
#[derive(Debug, Clone, Default)]
pub struct Keymap;

impl Keymap {
    /// Looks a key up.
    pub fn action(&self, context: Context, key: &KeyEvent) -> Option<Action> {
        use Action::*;
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let a = match (context, key.code, ctrl) {
            (_, KeyCode::Char('c'), true) => Quit,
            (_, KeyCode::Char('q'), false) => Quit,
            (_, KeyCode::Char('?'), _) => Help,
            (_, KeyCode::Tab, _) => SwitchFocus,
            (Context::List, KeyCode::Char('j') | KeyCode::Down, _) => ListDown,
            (Context::List, KeyCode::Char('k') | KeyCode::Up, _) => ListUp,
            (Context::List, KeyCode::Char('g') | KeyCode::Home, _) => ListFirst,
            (Context::List, KeyCode::Char('G') | KeyCode::End, _) => ListLast,
            (Context::List, KeyCode::Enter | KeyCode::Char('l') | KeyCode::Right, _) => OpenArticle,
            (Context::List, KeyCode::Char('/'), _) => FilterList,
            (Context::Reader, KeyCode::Char('j') | KeyCode::Down, _) => ScrollDown,
            (Context::Reader, KeyCode::Char('k') | KeyCode::Up, _) => ScrollUp,
            (Context::Reader, KeyCode::Char('f'), true) => PageDown,
            (Context::Reader, KeyCode::Char('b'), true) => PageUp,
            (Context::Reader, KeyCode::Char('d'), true) => HalfPageDown,
            (Context::Reader, KeyCode::Char('u'), true) => HalfPageUp,
            (Context::Reader, KeyCode::Char(' ') | KeyCode::PageDown, _) => PageDown,
            (Context::Reader, KeyCode::PageUp, _) => PageUp,
            (Context::Reader, KeyCode::Char('g') | KeyCode::Home, _) => Top,
            (Context::Reader, KeyCode::Char('G') | KeyCode::End, _) => Bottom,
            (Context::Reader, KeyCode::Char('}'), _) => NextParagraph,
            (Context::Reader, KeyCode::Char('{'), _) => PrevParagraph,
            (Context::Reader, KeyCode::Char('/'), _) => Search,
            (Context::Reader, KeyCode::Char('n'), _) => SearchNext,
            (Context::Reader, KeyCode::Char('N'), _) => SearchPrev,
            (Context::Reader, KeyCode::Esc | KeyCode::Char('h') | KeyCode::Left, _) => Back,
            _ => return None,
        };
        Some(a)
    }

    /// Help sections.
    pub fn help(&self) -> Vec<HelpSection> {
        vec![HelpSection {
            title: "Anywhere",
            entries: vec![HelpEntry {
                keys: "q".into(),
                description: "quit",
            }],
        }]
    }
}
