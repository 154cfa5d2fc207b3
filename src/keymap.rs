//! Keys as data: every user intent is an [`Action`], and the keymap maps keys to
//! actions per context, one context per mode (the panes, the text fields, the
//! questions, the note editor, the help). Defaults live in
//! [`KeyConfig::default`] (and, in the same words, in config.example.toml's
//! `[keys]` tables); any key can be rebound in the user's config, and the help
//! overlay and every key hint are generated from the resulting keymap so they
//! always show the keys that really work. Only text entry (characters typed
//! into a field or the note) is not a binding.

mod defaults;
mod key;

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use crossterm::event::KeyEvent;
use serde::{Deserialize, Serialize};

pub use key::{KeyParseError, KeySpec};

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
    /// Filter the list by title, author and file name.
    FilterList,
    /// Hide the list pane so the reader has the whole width, or show it again.
    ToggleList,
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
    /// Go to the next heading.
    NextHeading,
    /// Go to the previous heading.
    PrevHeading,
    /// Open the outline: the article's headings, to jump to one.
    Outline,
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
    // links
    /// List the article's links, to follow one.
    LinkList,
    /// Follow the link under the cursor (or the one chosen in the link list).
    FollowLink,
    /// Go back to where the last link was followed from.
    GoBack,
    /// Copy the chosen link's target.
    CopyLink,
    // text fields, questions and the note editor
    /// Accept what was typed (a filter stays, a search runs).
    Submit,
    /// Delete the character before the cursor of a text field.
    DeleteChar,
    /// Clear a text field.
    ClearText,
    /// Answer yes to the question in the status bar.
    Yes,
    /// Answer no to the question in the status bar.
    No,
    /// Save the note being edited.
    SaveNote,
    /// Edit the note in `$VISUAL`/`$EDITOR`.
    ExternalEditor,
    // the all-notes view
    /// Open (or close) every highlight of the library in one list.
    AllNotes,
    /// Show the tags with their counts, to filter by one or rename it.
    TagList,
    /// Show the list in the next order (the article list: title, author,
    /// date, recently read, most annotated, file name; the notes view: date,
    /// article, colour, tag).
    CycleSort,
    /// Rename the chosen tag in every note.
    RenameTag,
    // the daily review
    /// Start the daily review of highlights due today.
    Review,
    /// Review answer 1: again (soon, back in a day or so).
    ReviewAgain,
    /// Review answer 2: hard (keep it close).
    ReviewHard,
    /// Review answer 3: good (keep, on its schedule).
    ReviewGood,
    /// Review answer 4: easy (later, a longer interval).
    ReviewEasy,
    /// Review answer: never show this highlight in the review again.
    ReviewNever,
    /// Leave this highlight for now (it stays due) and show the next.
    ReviewSkip,
    // library
    /// Archive the selected article, or bring it back.
    ToggleArchived,
    /// Read the library folders again.
    Rescan,
    /// Show the next reading state (all, unread, reading, finished, archived).
    CycleStateFilter,
    // library search
    /// Search the text and notes of every article in the library.
    LibrarySearch,
    /// Library search: match whole words only, or not.
    SearchWholeWord,
    /// Library search: read the query as a regular expression, or not.
    SearchRegex,
    /// Library search: let letters match their accented forms, or not.
    SearchAccents,
    // html
    /// A web page: show the whole page's text instead of the extracted
    /// article, or go back to the article.
    ToggleRawPage,
}

impl Action {
    /// Short text for the help overlay, so that every action explains itself
    /// wherever it is bound.
    pub fn description(self) -> &'static str {
        use Action::*;
        match self {
            Quit => "quit gloss",
            Help => "show or hide this help",
            SwitchFocus => "switch focus between list and reader",
            ListDown => "next article",
            ListUp => "previous article",
            ListFirst => "first article",
            ListLast => "last article",
            OpenArticle => "open the article",
            FilterList => "filter by title, author or file name",
            ToggleList => "hide or show the article list",
            ScrollDown => "one line down",
            ScrollUp => "one line up",
            PageDown => "one page down",
            PageUp => "one page up",
            HalfPageDown => "half a page down",
            HalfPageUp => "half a page up",
            Top => "start of the article",
            Bottom => "end of the article",
            NextParagraph => "next paragraph",
            PrevParagraph => "previous paragraph",
            NextHeading => "next heading",
            PrevHeading => "previous heading",
            Outline => "outline: the headings, to jump to one",
            Search => "search the article",
            SearchNext => "next match",
            SearchPrev => "previous match",
            Back => "cancel selection, clear the search, or back to the list",
            WordNext => "cursor to next word",
            WordPrev => "cursor to previous word",
            WordEnd => "cursor to end of word",
            SentenceNext => "cursor to next sentence",
            SentencePrev => "cursor to previous sentence",
            Select => "start or stop a selection",
            SelectSentence => "select the sentence",
            SelectParagraph => "select the paragraph",
            Highlight => "highlight in the default colour",
            Color1 => "highlight in colour 1",
            Color2 => "highlight in colour 2",
            Color3 => "highlight in colour 3",
            Color4 => "highlight in colour 4",
            Color5 => "highlight in colour 5",
            Annotate => "highlight and write a note, edit the note, or follow the link",
            Copy => "copy the selection",
            ChangeColor => "change the highlight's colour",
            Delete => "delete the highlight",
            Undo => "undo the last delete",
            NextHighlight => "next highlight",
            PrevHighlight => "previous highlight",
            ToggleNotes => "show or hide notes inline",
            Reattach => "move the highlight onto the selection",
            Panel => "open or close the annotations panel",
            Export => "export notes",
            LinkList => "list the article's links",
            FollowLink => "follow the link under the cursor",
            GoBack => "back to where the last link was followed from",
            CopyLink => "copy the link's target",
            Submit => "accept what was typed",
            DeleteChar => "delete the last character",
            ClearText => "clear the text",
            Yes => "yes",
            No => "no",
            SaveNote => "save the note",
            ExternalEditor => "edit the note in $VISUAL / $EDITOR",
            AllNotes => "every note of the library in one list",
            TagList => "tags with their counts",
            CycleSort => "sort by title, author, date, read, notes, file",
            RenameTag => "rename the tag in every note",
            Review => "daily review of the highlights due today",
            ReviewAgain => "again / soon: back in a day or so",
            ReviewHard => "hard / keep close: back sooner than good",
            ReviewGood => "good / keep: back on its schedule",
            ReviewEasy => "easy / later: back after a longer while",
            ReviewNever => "never: leave the review for good",
            ReviewSkip => "skip: leave it due and show the next",
            ToggleArchived => "archive the article, or bring it back",
            Rescan => "read the library folders again",
            CycleStateFilter => "show all, unread, reading, finished or archived articles",
            LibrarySearch => "search the text and notes of every article",
            SearchWholeWord => "whole words only (on/off)",
            SearchRegex => "regular expression (on/off)",
            SearchAccents => "accents: cafe finds café (on/off)",
            ToggleRawPage => "web page: the whole page's text, or the article (on/off)",
        }
    }

    /// The help text in one context: the annotations panel reuses list and
    /// editing actions, which mean something slightly different there.
    pub fn describe(self, context: Context) -> &'static str {
        use Action::*;
        match (context, self) {
            (Context::Panel, ListDown) => "next annotation",
            (Context::Panel, ListUp) => "previous annotation",
            (Context::Panel, ListFirst) => "first annotation",
            (Context::Panel, ListLast) => "last annotation",
            (Context::Panel, OpenArticle) => "jump to the annotation",
            (Context::Panel, Annotate) => "edit the note",
            (Context::Panel, FilterList) => "filter annotations",
            (Context::Panel, Back) => "close the panel",
            (Context::Panel, Reattach) => "move the highlight onto the reader's selection",
            (Context::Panel, Panel) => "close the panel",
            (Context::List, Back) => "clear the list filter",
            (Context::List, PageDown) => "a page of articles down",
            (Context::List, PageUp) => "a page of articles up",
            (Context::List, HalfPageDown) => "half a page of articles down",
            (Context::List, HalfPageUp) => "half a page of articles up",
            (Context::Outline, ListDown) => "next heading",
            (Context::Outline, ListUp) => "previous heading",
            (Context::Outline, ListFirst) => "first heading",
            (Context::Outline, ListLast) => "last heading",
            (Context::Outline, PageDown) => "a page of headings down",
            (Context::Outline, PageUp) => "a page of headings up",
            (Context::Outline, HalfPageDown) => "half a page of headings down",
            (Context::Outline, HalfPageUp) => "half a page of headings up",
            (Context::Outline, OpenArticle) => "jump to the heading",
            (Context::Outline, FilterList) => "type a filter (so does any other letter)",
            (Context::Outline, Back | Outline) => "close the outline",
            (Context::PanelFilter, Back) => "clear the filter and stop typing",
            (Context::PanelFilter, Submit) => "keep the filter and stop typing",
            (Context::PanelFilter | Context::Input, Quit) => {
                "quit (asks first when text was typed)"
            }
            (Context::PanelFilter, ListDown) => "next annotation",
            (Context::PanelFilter, ListUp) => "previous annotation",
            (Context::Input, Back) => "cancel (a list or outline filter is cleared)",
            (Context::Input, Submit) => "keep a filter, run a search, jump to a heading",
            (Context::Input, ListDown) => "next article or heading (while filtering)",
            (Context::Input, ListUp) => "previous article or heading (while filtering)",
            (Context::Confirm, Yes) => "yes: delete, quit, reload or discard as asked",
            (Context::Confirm, No) => "no: keep things as they are",
            (Context::Editor, Back) => "cancel (asks first when the note changed)",
            (Context::Help, ScrollDown) => "scroll the help down",
            (Context::Help, ScrollUp) => "scroll the help up",
            (Context::Help, PageDown) => "scroll the help a page down",
            (Context::Help, PageUp) => "scroll the help a page up",
            (Context::Help, Back) => "close the help (so does any unbound key)",
            (Context::Links | Context::LinksFilter, ListDown) => "next link",
            (Context::Links | Context::LinksFilter, ListUp) => "previous link",
            (Context::Links, ListFirst) => "first link",
            (Context::Links, ListLast) => "last link",
            (Context::Links, PageDown) => "a page of links down",
            (Context::Links, PageUp) => "a page of links up",
            (Context::Links | Context::LinksFilter, FollowLink) => "follow the chosen link",
            (Context::Links, FilterList) => "filter the links (or just type)",
            (Context::Links, Back) | (Context::Links, LinkList) => "close the link list",
            (Context::LinksFilter, Back) => "clear the filter and stop typing",
            (Context::Notes, ListDown) => "next note",
            (Context::Notes, ListUp) => "previous note",
            (Context::Notes, ListFirst) => "first note",
            (Context::Notes, ListLast) => "last note",
            (Context::Notes, PageDown) => "a page of notes down",
            (Context::Notes, PageUp) => "a page of notes up",
            (Context::Notes, OpenArticle) => "open the article at the highlight",
            (Context::Notes, Annotate) => "edit the note",
            (Context::Notes, Reattach) => "open the article to move the highlight",
            (Context::Notes, FilterList) => "filter: words, #tag, color:NAME, in:ARTICLE",
            (Context::Notes, Back) => "clear the filter, or close the view",
            (Context::Notes, AllNotes) => "close the view",
            (Context::Notes, CycleSort) => "sort by date, article, colour or tag",
            (Context::Tags, ListDown) => "next tag",
            (Context::Tags, ListUp) => "previous tag",
            (Context::Tags, ListFirst) => "first tag",
            (Context::Tags, ListLast) => "last tag",
            (Context::Tags, OpenArticle) => "show the notes with this tag",
            (Context::Tags, Back | TagList) => "close the tag list",
            (Context::Review, Back) => "close the review (what is left stays due)",
            (Context::Review, OpenArticle) => "open the article at the highlight",
            (Context::Review, Annotate) => "edit the note",
            (Context::LibrarySearch, ListDown) => "next match",
            (Context::LibrarySearch, ListUp) => "previous match",
            (Context::LibrarySearch, ListFirst) => "first match",
            (Context::LibrarySearch, ListLast) => "last match",
            (Context::LibrarySearch, PageDown) => "a page of matches down",
            (Context::LibrarySearch, PageUp) => "a page of matches up",
            (Context::LibrarySearch, Submit) => "open the article at the match",
            (Context::LibrarySearch, Back) => "close the search (F shows it again)",
            _ => self.description(),
        }
    }
}

/// Where keys are read: each mode has its own table. The panes (list, reader,
/// panel) fall back to the global table for what they do not bind; the modes
/// that take text or an answer (fields, questions, the editor, the help) do
/// not, so typing `q` into a search never quits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Context {
    /// Keys that work in every pane.
    Global,
    /// The article list.
    List,
    /// The reader pane.
    Reader,
    /// The annotations panel.
    Panel,
    /// The annotations panel while its filter is typed.
    PanelFilter,
    /// The outline of the article's headings (its filter is typed with the
    /// [`Context::Input`] keys).
    Outline,
    /// The status-bar text field (list filter, search).
    Input,
    /// A yes/no question (delete, quit, reload, discard a note).
    Confirm,
    /// The note editor.
    Editor,
    /// The help overlay.
    Help,
    /// The link list.
    Links,
    /// The link list while its filter is typed.
    LinksFilter,
    /// The all-notes view (its filter is typed with the [`Context::Input`]
    /// keys).
    Notes,
    /// The tag list over the all-notes view (a new name is typed with the
    /// [`Context::Input`] keys).
    Tags,
    /// The daily review.
    Review,
    /// The library search (other keys type the query).
    LibrarySearch,
}

impl Context {
    /// Every context, in the order the help overlay lists them.
    pub const ALL: [Context; 16] = [
        Context::Global,
        Context::List,
        Context::Reader,
        Context::Panel,
        Context::PanelFilter,
        Context::Outline,
        Context::Links,
        Context::LinksFilter,
        Context::Notes,
        Context::Tags,
        Context::Review,
        Context::Input,
        Context::Confirm,
        Context::Editor,
        Context::Help,
        Context::LibrarySearch,
    ];

    /// The table name under `[keys]` in the config, used in error messages.
    pub fn table_name(self) -> &'static str {
        match self {
            Context::Global => "global",
            Context::List => "list",
            Context::Reader => "reader",
            Context::Panel => "panel",
            Context::PanelFilter => "panel_filter",
            Context::Outline => "outline",
            Context::Input => "input",
            Context::Confirm => "confirm",
            Context::Editor => "editor",
            Context::Help => "help",
            Context::Links => "links",
            Context::LinksFilter => "links_filter",
            Context::Notes => "notes",
            Context::Tags => "tags",
            Context::Review => "review",
            Context::LibrarySearch => "library_search",
        }
    }

    /// Heading of this context's section in the help overlay.
    pub fn title(self) -> &'static str {
        match self {
            Context::Global => "Anywhere",
            Context::List => "Article list",
            Context::Reader => "Reader",
            Context::Panel => "Annotations panel",
            Context::PanelFilter => "Annotations panel, typing a filter",
            Context::Outline => "Outline (other keys start a filter)",
            Context::Input => "Filter and search fields (other keys type)",
            Context::Confirm => "Questions (y/n)",
            Context::Editor => "Note editor (other keys edit the text)",
            Context::Help => "This help",
            Context::Links => "Link list (other keys start a filter)",
            Context::LinksFilter => "Link list, typing a filter",
            Context::Notes => "All notes",
            Context::Tags => "Tags of all notes",
            Context::Review => "Daily review",
            Context::LibrarySearch => "Library search (other keys type the query)",
        }
    }

    /// Whether keys this context does not bind fall back to the global table.
    pub fn uses_global(self) -> bool {
        matches!(
            self,
            Context::List | Context::Reader | Context::Panel | Context::Notes | Context::Tags
        )
    }
}

impl fmt::Display for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.table_name())
    }
}

/// Key bindings per context as written in the config: key string to action.
/// User tables are merged over the defaults key by key, so a user config only
/// lists what it changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct KeyConfig {
    /// Keys that work in every pane.
    pub global: BTreeMap<String, Action>,
    /// Keys of the list pane.
    pub list: BTreeMap<String, Action>,
    /// Keys of the reader pane.
    pub reader: BTreeMap<String, Action>,
    /// Keys of the annotations panel.
    pub panel: BTreeMap<String, Action>,
    /// Keys while typing the panel's filter.
    pub panel_filter: BTreeMap<String, Action>,
    /// Keys of the outline.
    pub outline: BTreeMap<String, Action>,
    /// Keys of the status-bar text field (filter, search).
    pub input: BTreeMap<String, Action>,
    /// Keys answering a yes/no question.
    pub confirm: BTreeMap<String, Action>,
    /// Keys of the note editor.
    pub editor: BTreeMap<String, Action>,
    /// Keys of the help overlay.
    pub help: BTreeMap<String, Action>,
    /// Keys of the link list.
    pub links: BTreeMap<String, Action>,
    /// Keys while typing the link list's filter.
    pub links_filter: BTreeMap<String, Action>,
    /// Keys of the all-notes view.
    pub notes: BTreeMap<String, Action>,
    /// Keys of the tag list.
    pub tags: BTreeMap<String, Action>,
    /// Keys of the daily review.
    pub review: BTreeMap<String, Action>,
    /// Keys of the library search.
    pub library_search: BTreeMap<String, Action>,
}

impl KeyConfig {
    /// The table the config holds for one context.
    pub fn table(&self, context: Context) -> &BTreeMap<String, Action> {
        match context {
            Context::Global => &self.global,
            Context::List => &self.list,
            Context::Reader => &self.reader,
            Context::Panel => &self.panel,
            Context::PanelFilter => &self.panel_filter,
            Context::Outline => &self.outline,
            Context::Input => &self.input,
            Context::Confirm => &self.confirm,
            Context::Editor => &self.editor,
            Context::Help => &self.help,
            Context::Links => &self.links,
            Context::LinksFilter => &self.links_filter,
            Context::Notes => &self.notes,
            Context::Tags => &self.tags,
            Context::Review => &self.review,
            Context::LibrarySearch => &self.library_search,
        }
    }
}

fn table_of(entries: &[(&str, Action)]) -> BTreeMap<String, Action> {
    entries
        .iter()
        .map(|(key, action)| ((*key).to_string(), *action))
        .collect()
}

fn default_entries(context: Context) -> &'static [(&'static str, Action)] {
    match context {
        Context::Global => defaults::GLOBAL,
        Context::List => defaults::LIST,
        Context::Reader => defaults::READER,
        Context::Panel => defaults::PANEL,
        Context::PanelFilter => defaults::PANEL_FILTER,
        Context::Outline => defaults::OUTLINE,
        Context::Input => defaults::INPUT,
        Context::Confirm => defaults::CONFIRM,
        Context::Editor => defaults::EDITOR,
        Context::Help => defaults::HELP,
        Context::Links => defaults::LINKS,
        Context::LinksFilter => defaults::LINKS_FILTER,
        Context::Notes => defaults::NOTES,
        Context::Tags => defaults::TAGS,
        Context::Review => defaults::REVIEW,
        Context::LibrarySearch => defaults::LIBRARY_SEARCH,
    }
}

impl Default for KeyConfig {
    fn default() -> Self {
        Self {
            global: table_of(defaults::GLOBAL),
            list: table_of(defaults::LIST),
            reader: table_of(defaults::READER),
            panel: table_of(defaults::PANEL),
            panel_filter: table_of(defaults::PANEL_FILTER),
            outline: table_of(defaults::OUTLINE),
            input: table_of(defaults::INPUT),
            confirm: table_of(defaults::CONFIRM),
            editor: table_of(defaults::EDITOR),
            help: table_of(defaults::HELP),
            links: table_of(defaults::LINKS),
            links_filter: table_of(defaults::LINKS_FILTER),
            notes: table_of(defaults::NOTES),
            tags: table_of(defaults::TAGS),
            review: table_of(defaults::REVIEW),
            library_search: table_of(defaults::LIBRARY_SEARCH),
        }
    }
}

/// A key table that cannot be used; reported before the terminal is touched.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeymapError {
    /// A key string that does not name a key.
    #[error("invalid key `{}` in [keys.{context}]: {reason}", crate::text::clean(.key))]
    BadKey {
        /// Table the key is in.
        context: Context,
        /// The key as written.
        key: String,
        /// What is wrong with it.
        reason: KeyParseError,
    },
    /// Two spellings of one key in the same table, so which action wins
    /// would be a guess.
    #[error(
        "`{}` and `{}` in [keys.{context}] are the same key",
        crate::text::clean(.first),
        crate::text::clean(.second)
    )]
    SameKey {
        /// Table the keys are in.
        context: Context,
        /// The first spelling.
        first: String,
        /// The second spelling, which names the same key.
        second: String,
    },
}

impl KeymapError {
    /// The context and key string at fault, so the config loader can point at
    /// the line.
    pub fn location(&self) -> (Context, &str) {
        match self {
            KeymapError::BadKey { context, key, .. } => (*context, key),
            KeymapError::SameKey {
                context, second, ..
            } => (*context, second),
        }
    }
}

/// The keys that work, per context, after merging the user's tables over
/// the defaults. Looking up a key is a map lookup on a normalised [`KeySpec`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    tables: HashMap<Context, HashMap<KeySpec, Action>>,
    /// Per context, the keys in the order a hint prefers them: the user's
    /// own bindings first (so a rebound key is the one shown), then the
    /// defaults in the order they are written (so "Enter open", not "l open").
    preferred: HashMap<Context, Vec<KeySpec>>,
}

/// One context's part of the help overlay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelpSection {
    /// Heading, e.g. "Reader".
    pub title: &'static str,
    /// One line per action bound in this context, in [`Action`] order.
    pub entries: Vec<HelpEntry>,
}

/// One line of the help overlay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelpEntry {
    /// All keys bound to the action, e.g. "j, ↓".
    pub keys: String,
    /// What the action does.
    pub description: &'static str,
}

/// The order keys of one action are listed in: by kind (see
/// `KeySpec::help_rank`), then alphabetically with a lowercase letter before
/// its capital, so a question reads "y/n" rather than "Y/N".
fn help_order(key: &KeySpec) -> ((u8, u8), String, bool) {
    let text = key.to_string();
    let lower = text.to_lowercase();
    let capital = lower != text;
    (key.help_rank(), lower, capital)
}

fn parse_table<'a>(
    context: Context,
    entries: impl IntoIterator<Item = (&'a str, Action)>,
) -> Result<Vec<(KeySpec, Action)>, KeymapError> {
    let mut seen: HashMap<KeySpec, &str> = HashMap::new();
    let mut parsed = Vec::new();
    for (text, action) in entries {
        let key: KeySpec = text.parse().map_err(|reason| KeymapError::BadKey {
            context,
            key: text.to_string(),
            reason,
        })?;
        if let Some(first) = seen.insert(key, text) {
            return Err(KeymapError::SameKey {
                context,
                first: first.to_string(),
                second: text.to_string(),
            });
        }
        parsed.push((key, action));
    }
    Ok(parsed)
}

impl Keymap {
    /// Builds the keymap from the config: each user table is laid over the
    /// defaults, a user entry replacing the default for the same key however
    /// either is spelled.
    pub fn from_config(config: &KeyConfig) -> Result<Keymap, KeymapError> {
        let mut tables = HashMap::new();
        let mut preferred = HashMap::new();
        for context in Context::ALL {
            let defaults = parse_table(context, default_entries(context).iter().copied())?;
            let mut table: HashMap<KeySpec, Action> = defaults.iter().copied().collect();
            let user = config
                .table(context)
                .iter()
                .map(|(key, action)| (key.as_str(), *action));
            let user = parse_table(context, user)?;
            let mut order: Vec<KeySpec> = user
                .iter()
                .filter(|entry| !defaults.contains(entry))
                .map(|(key, _)| *key)
                .collect();
            order.extend(defaults.iter().map(|(key, _)| *key));
            table.extend(user);
            tables.insert(context, table);
            preferred.insert(context, order);
        }
        Ok(Keymap { tables, preferred })
    }

    /// The action a key press asks for in a context: the context's own table
    /// first, then (for the panes) the global one. A key no table binds in a
    /// text mode is text, which the app types.
    pub fn action(&self, context: Context, event: &KeyEvent) -> Option<Action> {
        let key = KeySpec::from_event(event)?;
        self.lookup(context, key).or_else(|| {
            context
                .uses_global()
                .then(|| self.lookup(Context::Global, key))
                .flatten()
        })
    }

    /// A key hint for the status bar or the panel: the first key bound to
    /// `action` in `context` (then in the global table for the panes), then
    /// `label`, e.g. "v select". Built from the keymap so a rebound key shows
    /// as rebound; `None` when the action has no key, so no hint lies.
    pub fn hint(&self, context: Context, action: Action, label: &str) -> Option<String> {
        self.key_name(context, action)
            .map(|key| format!("{key} {label}"))
    }

    /// Several hints joined with " · ", leaving out actions without a key.
    pub fn hints(&self, context: Context, entries: &[(Action, &str)]) -> Vec<String> {
        entries
            .iter()
            .filter_map(|(action, label)| self.hint(context, *action, label))
            .collect()
    }

    /// The name of the key a hint shows for `action` in `context` (or
    /// globally, for the panes, when the pane does not take that key): the
    /// user's own binding first, then the first default still bound to it.
    pub fn key_name(&self, context: Context, action: Action) -> Option<String> {
        let own = self.preferred_key(context, action, |_| true);
        let key = own.or_else(|| {
            context
                .uses_global()
                .then(|| {
                    self.preferred_key(Context::Global, action, |k| {
                        self.lookup(context, k).is_none()
                    })
                })
                .flatten()
        });
        key.map(|k| k.to_string())
    }

    fn lookup(&self, context: Context, key: KeySpec) -> Option<Action> {
        self.tables.get(&context)?.get(&key).copied()
    }

    fn preferred_key(
        &self,
        context: Context,
        action: Action,
        usable: impl Fn(KeySpec) -> bool,
    ) -> Option<KeySpec> {
        self.preferred
            .get(&context)?
            .iter()
            .copied()
            .find(|k| self.lookup(context, *k) == Some(action) && usable(*k))
    }

    /// The keys bound to an action in one context (without the global
    /// fallback), in help order; for hints like "press ? for help".
    pub fn keys_for(&self, context: Context, action: Action) -> Vec<KeySpec> {
        let mut keys: Vec<KeySpec> = self
            .tables
            .get(&context)
            .into_iter()
            .flatten()
            .filter(|(_, a)| **a == action)
            .map(|(k, _)| *k)
            .collect();
        keys.sort_by_cached_key(help_order);
        keys
    }

    /// The help overlay's content, generated from the bindings in force so a
    /// rebound key shows up as rebound.
    pub fn help(&self) -> Vec<HelpSection> {
        Context::ALL
            .into_iter()
            .map(|context| {
                let mut by_action: BTreeMap<Action, Vec<KeySpec>> = BTreeMap::new();
                for (key, action) in self.tables.get(&context).into_iter().flatten() {
                    by_action.entry(*action).or_default().push(*key);
                }
                let entries = by_action
                    .into_iter()
                    .map(|(action, mut keys)| {
                        keys.sort_by_cached_key(help_order);
                        let keys = keys
                            .iter()
                            .map(ToString::to_string)
                            .collect::<Vec<_>>()
                            .join(", ");
                        HelpEntry {
                            keys,
                            description: action.describe(context),
                        }
                    })
                    .collect();
                HelpSection {
                    title: context.title(),
                    entries,
                }
            })
            .collect()
    }
}

impl Default for Keymap {
    /// The shipped bindings; cannot fail because they are tested to parse.
    fn default() -> Self {
        Keymap::from_config(&KeyConfig::default()).unwrap_or_else(|_| Keymap {
            tables: HashMap::new(),
            preferred: HashMap::new(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyModifiers};

    fn press(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn ch(c: char) -> KeyEvent {
        press(KeyCode::Char(c))
    }

    fn ctrl(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
    }

    fn section<'a>(help: &'a [HelpSection], title: &str) -> &'a HelpSection {
        help.iter().find(|s| s.title == title).unwrap()
    }

    fn keys_of(section: &HelpSection, description: &str) -> String {
        section
            .entries
            .iter()
            .find(|e| e.description == description)
            .unwrap()
            .keys
            .clone()
    }

    #[test]
    fn defaults_parse() {
        Keymap::from_config(&KeyConfig::default()).unwrap();
    }

    #[test]
    fn default_bindings_follow_the_issue() {
        let map = Keymap::default();
        use Action::*;
        assert_eq!(map.action(Context::List, &ch('q')), Some(Quit));
        assert_eq!(map.action(Context::Reader, &ctrl('c')), Some(Quit));
        assert_eq!(map.action(Context::Reader, &ch('?')), Some(Help));
        assert_eq!(
            map.action(Context::Reader, &press(KeyCode::Tab)),
            Some(SwitchFocus)
        );
        assert_eq!(map.action(Context::List, &ch('j')), Some(ListDown));
        assert_eq!(
            map.action(Context::List, &press(KeyCode::End)),
            Some(ListLast)
        );
        assert_eq!(
            map.action(Context::List, &press(KeyCode::Right)),
            Some(OpenArticle)
        );
        assert_eq!(map.action(Context::Reader, &ch('j')), Some(ScrollDown));
        assert_eq!(map.action(Context::Reader, &ch(' ')), Some(PageDown));
        assert_eq!(map.action(Context::Reader, &ctrl('f')), Some(PageDown));
        assert_eq!(map.action(Context::Reader, &ctrl('b')), Some(PageUp));
        assert_eq!(map.action(Context::Reader, &ctrl('d')), Some(HalfPageDown));
        assert_eq!(map.action(Context::Reader, &ch('}')), Some(NextParagraph));
        assert_eq!(
            map.action(Context::Reader, &press(KeyCode::Esc)),
            Some(Back)
        );
        assert_eq!(map.action(Context::Reader, &ch('3')), Some(Color3));
        assert_eq!(
            map.action(Context::Reader, &press(KeyCode::Enter)),
            Some(Annotate)
        );
        assert_eq!(
            map.action(Context::Panel, &press(KeyCode::Enter)),
            Some(OpenArticle)
        );
        assert_eq!(map.action(Context::Panel, &ch('e')), Some(Annotate));
        assert_eq!(map.action(Context::Panel, &ch('a')), Some(Panel));
        assert_eq!(map.action(Context::List, &ch('z')), None);
    }

    #[test]
    fn shifted_capitals_reach_their_binding() {
        let map = Keymap::default();
        let shift_g = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(map.action(Context::Reader, &shift_g), Some(Action::Bottom));
        let shift_n = KeyEvent::new(KeyCode::Char('N'), KeyModifiers::SHIFT);
        assert_eq!(
            map.action(Context::Reader, &shift_n),
            Some(Action::SearchPrev)
        );
        let shift_q = KeyEvent::new(KeyCode::Char('?'), KeyModifiers::SHIFT);
        assert_eq!(map.action(Context::List, &shift_q), Some(Action::Help));
    }

    #[test]
    fn pane_table_wins_over_global() {
        let mut config = KeyConfig::default();
        config.reader.insert("q".into(), Action::Back);
        let map = Keymap::from_config(&config).unwrap();
        assert_eq!(map.action(Context::Reader, &ch('q')), Some(Action::Back));
        assert_eq!(map.action(Context::List, &ch('q')), Some(Action::Quit));
        assert_eq!(map.action(Context::Global, &ch('q')), Some(Action::Quit));
    }

    #[test]
    fn user_entries_replace_defaults_key_by_key() {
        let config = KeyConfig {
            global: BTreeMap::new(),
            list: BTreeMap::new(),
            reader: [
                ("J".to_string(), Action::PageDown),
                ("Down".to_string(), Action::Bottom),
            ]
            .into_iter()
            .collect(),
            panel: BTreeMap::new(),
            panel_filter: BTreeMap::new(),
            outline: BTreeMap::new(),
            input: BTreeMap::new(),
            confirm: BTreeMap::new(),
            editor: BTreeMap::new(),
            help: BTreeMap::new(),
            links: BTreeMap::new(),
            links_filter: BTreeMap::new(),
            notes: BTreeMap::new(),
            tags: BTreeMap::new(),
            review: BTreeMap::new(),
            library_search: BTreeMap::new(),
        };
        let map = Keymap::from_config(&config).unwrap();
        assert_eq!(
            map.action(Context::Reader, &ch('J')),
            Some(Action::PageDown)
        );
        // "Down" replaces the default "down": same key, other spelling.
        assert_eq!(
            map.action(Context::Reader, &press(KeyCode::Down)),
            Some(Action::Bottom)
        );
        assert_eq!(
            map.action(Context::Reader, &ch('j')),
            Some(Action::ScrollDown)
        );
        assert_eq!(map.action(Context::List, &ch('j')), Some(Action::ListDown));
    }

    #[test]
    fn bad_keys_name_context_and_key() {
        let mut config = KeyConfig::default();
        config.panel.insert("ctrl-pagedwn".into(), Action::Back);
        let err = Keymap::from_config(&config).unwrap_err();
        assert_eq!(err.location(), (Context::Panel, "ctrl-pagedwn"));
        let text = err.to_string();
        assert!(text.contains("[keys.panel]"), "{text}");
        assert!(text.contains("ctrl-pagedwn"), "{text}");
    }

    #[test]
    fn two_spellings_of_one_key_are_an_error() {
        let mut config = KeyConfig::default();
        config.list.insert("Down".into(), Action::ListLast);
        let err = Keymap::from_config(&config).unwrap_err();
        assert!(
            matches!(
                err,
                KeymapError::SameKey {
                    context: Context::List,
                    ..
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn help_lists_contexts_in_order_with_joined_keys() {
        let help = Keymap::default().help();
        let titles: Vec<_> = help.iter().map(|s| s.title).collect();
        assert_eq!(
            titles,
            [
                "Anywhere",
                "Article list",
                "Reader",
                "Annotations panel",
                "Annotations panel, typing a filter",
                "Outline (other keys start a filter)",
                "Link list (other keys start a filter)",
                "Link list, typing a filter",
                "All notes",
                "Tags of all notes",
                "Daily review",
                "Filter and search fields (other keys type)",
                "Questions (y/n)",
                "Note editor (other keys edit the text)",
                "This help",
                "Library search (other keys type the query)",
            ]
        );
        let questions = section(&help, "Questions (y/n)");
        assert_eq!(
            keys_of(questions, "yes: delete, quit, reload or discard as asked"),
            "y, Y"
        );
        let editor = section(&help, "Note editor (other keys edit the text)");
        assert_eq!(keys_of(editor, "save the note"), "Ctrl-s");
        let global = section(&help, "Anywhere");
        assert_eq!(keys_of(global, "quit gloss"), "q, Ctrl-c");
        let list = section(&help, "Article list");
        assert_eq!(keys_of(list, "next article"), "j, ↓");
        assert_eq!(keys_of(list, "open the article"), "l, Enter, →");
        let reader = section(&help, "Reader");
        assert_eq!(keys_of(reader, "one page down"), "Space, PgDn, Ctrl-f");
        assert_eq!(
            keys_of(
                reader,
                "cancel selection, clear the search, or back to the list"
            ),
            "h, Esc, ←"
        );
        let panel = section(&help, "Annotations panel");
        assert_eq!(keys_of(panel, "jump to the annotation"), "Enter");
        // Entries follow the Action enum order.
        let order: Vec<_> = reader.entries.iter().map(|e| e.description).collect();
        let scroll = order.iter().position(|d| *d == "one line down").unwrap();
        let export = order.iter().position(|d| *d == "export notes").unwrap();
        assert!(scroll < export);
        assert_eq!(order.first(), Some(&"one line down"));
    }

    #[test]
    fn help_shows_rebound_keys() {
        let mut config = KeyConfig::default();
        config.reader.insert("x".into(), Action::Highlight);
        config.reader.insert("m".into(), Action::Copy);
        let help = Keymap::from_config(&config).unwrap().help();
        let reader = section(&help, "Reader");
        assert_eq!(keys_of(reader, "highlight in the default colour"), "x");
        assert_eq!(keys_of(reader, "copy the selection"), "m, y");
    }

    #[test]
    fn text_modes_never_fall_back_to_global_keys() {
        let map = Keymap::default();
        for context in [
            Context::Input,
            Context::Outline,
            Context::PanelFilter,
            Context::Confirm,
            Context::Editor,
            Context::Help,
        ] {
            assert_eq!(map.action(context, &ch('q')), None, "{context}");
            assert_eq!(map.action(context, &ch('?')), None, "{context}");
        }
        assert_eq!(map.action(Context::Panel, &ch('q')), Some(Action::Quit));
    }

    #[test]
    fn every_mode_table_can_be_rebound_and_hints_follow() {
        let mut config = KeyConfig::default();
        config.input.insert("ctrl-j".into(), Action::Submit);
        config.confirm.insert("o".into(), Action::Yes);
        config.editor.insert("ctrl-s".into(), Action::Back);
        config.editor.insert("f2".into(), Action::SaveNote);
        config.help.insert("q".into(), Action::Quit);
        config.panel_filter.insert("tab".into(), Action::Submit);
        config.reader.insert("v".into(), Action::Copy);
        config.reader.insert("x".into(), Action::Select);
        let map = Keymap::from_config(&config).unwrap();
        assert_eq!(map.action(Context::Input, &ctrl('j')), Some(Action::Submit));
        assert_eq!(map.action(Context::Confirm, &ch('o')), Some(Action::Yes));
        assert_eq!(map.action(Context::Editor, &ctrl('s')), Some(Action::Back));
        assert_eq!(map.action(Context::Help, &ch('q')), Some(Action::Quit));
        assert_eq!(
            map.action(Context::PanelFilter, &press(KeyCode::Tab)),
            Some(Action::Submit)
        );
        assert_eq!(
            map.hint(Context::Reader, Action::Select, "select")
                .as_deref(),
            Some("x select")
        );
        assert_eq!(
            map.hint(Context::Editor, Action::SaveNote, "save")
                .as_deref(),
            Some("F2 save")
        );
        // Help comes from the global table for the panes.
        assert_eq!(
            map.hint(Context::Reader, Action::Help, "help").as_deref(),
            Some("? help")
        );
        assert_eq!(map.hint(Context::Confirm, Action::Help, "help"), None);
    }

    #[test]
    fn every_action_has_a_description() {
        let help = Keymap::default().help();
        for s in &help {
            for e in &s.entries {
                assert!(!e.description.is_empty());
                assert!(!e.keys.is_empty());
            }
        }
    }
}
