//! The bindings gloss ships with, per context, written as the user would write
//! them in `[keys.*]`. They are data rather than code so that the default
//! config, the example file and the help overlay cannot drift apart.

use super::Action::{self, *};

/// Keys that work in every pane unless the pane binds them itself.
pub(super) const GLOBAL: &[(&str, Action)] = &[
    ("q", Quit),
    ("ctrl-c", Quit),
    ("?", Help),
    ("tab", SwitchFocus),
];

/// Keys of the article list.
pub(super) const LIST: &[(&str, Action)] = &[
    ("j", ListDown),
    ("down", ListDown),
    ("k", ListUp),
    ("up", ListUp),
    ("g", ListFirst),
    ("home", ListFirst),
    ("G", ListLast),
    ("end", ListLast),
    ("enter", OpenArticle),
    ("l", OpenArticle),
    ("right", OpenArticle),
    ("/", FilterList),
    ("E", Export),
];

/// Keys of the reader pane.
pub(super) const READER: &[(&str, Action)] = &[
    ("j", ScrollDown),
    ("down", ScrollDown),
    ("k", ScrollUp),
    ("up", ScrollUp),
    ("space", PageDown),
    ("pagedown", PageDown),
    ("ctrl-f", PageDown),
    ("pageup", PageUp),
    ("ctrl-b", PageUp),
    ("ctrl-d", HalfPageDown),
    ("ctrl-u", HalfPageUp),
    ("g", Top),
    ("home", Top),
    ("G", Bottom),
    ("end", Bottom),
    ("}", NextParagraph),
    ("{", PrevParagraph),
    ("/", Search),
    ("n", SearchNext),
    ("N", SearchPrev),
    ("esc", Back),
    ("h", Back),
    ("left", Back),
    ("w", WordNext),
    ("b", WordPrev),
    ("e", WordEnd),
    (")", SentenceNext),
    ("(", SentencePrev),
    ("v", Select),
    ("s", SelectSentence),
    ("V", SelectParagraph),
    ("m", Highlight),
    ("1", Color1),
    ("2", Color2),
    ("3", Color3),
    ("4", Color4),
    ("5", Color5),
    ("enter", Annotate),
    ("y", Copy),
    ("c", ChangeColor),
    ("d", Delete),
    ("u", Undo),
    ("]", NextHighlight),
    ("[", PrevHighlight),
    ("i", ToggleNotes),
    ("r", Reattach),
    ("a", Panel),
    ("E", Export),
];

/// Keys of the annotations panel. List movement reuses the list actions; the
/// panel gives them their meaning (see `Action::describe`).
pub(super) const PANEL: &[(&str, Action)] = &[
    ("j", ListDown),
    ("down", ListDown),
    ("k", ListUp),
    ("up", ListUp),
    ("g", ListFirst),
    ("home", ListFirst),
    ("G", ListLast),
    ("end", ListLast),
    ("enter", OpenArticle),
    ("e", Annotate),
    ("c", ChangeColor),
    ("d", Delete),
    ("u", Undo),
    ("r", Reattach),
    ("/", FilterList),
    ("esc", Back),
    ("a", Panel),
];
