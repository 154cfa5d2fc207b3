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
    ("\\", ToggleList),
    ("A", AllNotes),
    ("F", LibrarySearch),
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
    ("pagedown", PageDown),
    ("pageup", PageUp),
    ("ctrl-d", HalfPageDown),
    ("ctrl-u", HalfPageUp),
    ("enter", OpenArticle),
    ("l", OpenArticle),
    ("right", OpenArticle),
    ("/", FilterList),
    ("esc", Back),
    ("E", Export),
    ("D", Review),
    ("o", CycleSort),
    ("x", ToggleArchived),
    ("R", Rescan),
    ("S", CycleStateFilter),
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
    ("J", NextHeading),
    ("K", PrevHeading),
    ("T", Outline),
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
    ("L", LinkList),
    ("o", FollowLink),
    ("backspace", GoBack),
    ("ctrl-o", GoBack),
    ("W", ToggleRawPage),
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
    ("E", Export),
];

/// Keys while typing the panel's filter; any other key is typed into it.
pub(super) const PANEL_FILTER: &[(&str, Action)] = &[
    ("enter", Submit),
    ("esc", Back),
    ("backspace", DeleteChar),
    ("ctrl-u", ClearText),
    ("ctrl-c", Quit),
    ("down", ListDown),
    ("up", ListUp),
];

/// Keys of the outline; any other character starts its filter, which is
/// then typed with the [`INPUT`] keys.
pub(super) const OUTLINE: &[(&str, Action)] = &[
    ("j", ListDown),
    ("down", ListDown),
    ("k", ListUp),
    ("up", ListUp),
    ("g", ListFirst),
    ("home", ListFirst),
    ("G", ListLast),
    ("end", ListLast),
    ("pagedown", PageDown),
    ("pageup", PageUp),
    ("ctrl-d", HalfPageDown),
    ("ctrl-u", HalfPageUp),
    ("enter", OpenArticle),
    ("/", FilterList),
    ("esc", Back),
    ("T", Outline),
    ("ctrl-c", Quit),
];

/// Keys of the status-bar text field (list filter, search); any other key is
/// typed into it.
pub(super) const INPUT: &[(&str, Action)] = &[
    ("enter", Submit),
    ("esc", Back),
    ("backspace", DeleteChar),
    ("ctrl-u", ClearText),
    ("ctrl-c", Quit),
    ("down", ListDown),
    ("up", ListUp),
];

/// Answers to a yes/no question. A main question takes any other key as no,
/// except the reload question, which comes unasked and waits for an answer
/// (Ctrl-c is one, so it never holds gloss); the note editor's "discard
/// changes?" ignores other keys.
pub(super) const CONFIRM: &[(&str, Action)] = &[
    ("y", Yes),
    ("Y", Yes),
    ("n", No),
    ("N", No),
    ("esc", No),
    ("ctrl-c", No),
];

/// Keys of the note editor; any other key edits the text (the text area's own
/// emacs-style keys).
pub(super) const EDITOR: &[(&str, Action)] = &[
    ("ctrl-s", SaveNote),
    ("esc", Back),
    ("ctrl-c", Back),
    ("ctrl-e", ExternalEditor),
];

/// Keys of the help overlay; any other key closes it.
pub(super) const HELP: &[(&str, Action)] = &[
    ("j", ScrollDown),
    ("down", ScrollDown),
    ("k", ScrollUp),
    ("up", ScrollUp),
    ("space", PageDown),
    ("pagedown", PageDown),
    ("pageup", PageUp),
    ("esc", Back),
    ("ctrl-c", Quit),
];

/// Keys of the link list. A printable key it does not bind starts the
/// filter with that character, so typing filters at once; only `Enter`
/// follows a link, so a filter typed from its first letter (`open...`)
/// cannot follow one by accident.
pub(super) const LINKS: &[(&str, Action)] = &[
    ("j", ListDown),
    ("down", ListDown),
    ("k", ListUp),
    ("up", ListUp),
    ("g", ListFirst),
    ("home", ListFirst),
    ("G", ListLast),
    ("end", ListLast),
    ("pagedown", PageDown),
    ("pageup", PageUp),
    ("enter", FollowLink),
    ("y", CopyLink),
    ("/", FilterList),
    ("esc", Back),
    ("L", LinkList),
    ("ctrl-c", Quit),
];

/// Keys while typing the link list's filter; any other key is typed into it.
pub(super) const LINKS_FILTER: &[(&str, Action)] = &[
    ("enter", FollowLink),
    ("esc", Back),
    ("backspace", DeleteChar),
    ("ctrl-u", ClearText),
    ("ctrl-c", Quit),
    ("down", ListDown),
    ("up", ListUp),
];

/// Keys of the all-notes view (`D` starts the daily review from here too).
/// Any key not bound here falls back to [`GLOBAL`].
pub(super) const NOTES: &[(&str, Action)] = &[
    ("j", ListDown),
    ("down", ListDown),
    ("k", ListUp),
    ("up", ListUp),
    ("g", ListFirst),
    ("home", ListFirst),
    ("G", ListLast),
    ("end", ListLast),
    ("pagedown", PageDown),
    ("pageup", PageUp),
    ("enter", OpenArticle),
    ("e", Annotate),
    ("c", ChangeColor),
    ("1", Color1),
    ("2", Color2),
    ("3", Color3),
    ("4", Color4),
    ("5", Color5),
    ("d", Delete),
    ("u", Undo),
    ("r", Reattach),
    ("/", FilterList),
    ("#", TagList),
    ("o", CycleSort),
    ("D", Review),
    ("esc", Back),
];

/// Keys of the tag list over the all-notes view.
pub(super) const TAGS: &[(&str, Action)] = &[
    ("j", ListDown),
    ("down", ListDown),
    ("k", ListUp),
    ("up", ListUp),
    ("g", ListFirst),
    ("home", ListFirst),
    ("G", ListLast),
    ("end", ListLast),
    ("enter", OpenArticle),
    ("r", RenameTag),
    ("esc", Back),
    ("#", TagList),
];

/// Keys of the daily review: 1-4 answer (again/hard/good/easy, or soon, keep
/// close, keep, later), with letters for the plain words.
pub(super) const REVIEW: &[(&str, Action)] = &[
    ("1", ReviewAgain),
    ("s", ReviewAgain),
    ("2", ReviewHard),
    ("3", ReviewGood),
    ("k", ReviewGood),
    ("4", ReviewEasy),
    ("l", ReviewEasy),
    ("0", ReviewNever),
    ("x", ReviewNever),
    ("space", ReviewSkip),
    ("right", ReviewSkip),
    ("enter", OpenArticle),
    ("o", OpenArticle),
    ("e", Annotate),
    ("esc", Back),
    ("q", Back),
    ("?", Help),
    ("ctrl-c", Quit),
];

/// Keys of the library search; any other key is typed into the query.
pub(super) const LIBRARY_SEARCH: &[(&str, Action)] = &[
    ("enter", Submit),
    ("esc", Back),
    ("backspace", DeleteChar),
    ("ctrl-u", ClearText),
    ("ctrl-c", Quit),
    ("down", ListDown),
    ("ctrl-n", ListDown),
    ("up", ListUp),
    ("ctrl-p", ListUp),
    ("pagedown", PageDown),
    ("pageup", PageUp),
    ("home", ListFirst),
    ("end", ListLast),
    ("ctrl-w", SearchWholeWord),
    ("ctrl-r", SearchRegex),
    ("ctrl-a", SearchAccents),
];
