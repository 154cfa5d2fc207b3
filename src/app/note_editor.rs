//! The note editor's state: a multi-line text area for the note attached to a
//! highlight, and the small amount of logic around it (saving, cancelling with
//! a question when text would be lost, handing off to an external editor).
//! Drawing lives in `ui::note_editor`; running the external editor is the
//! runtime's job through `external_editor`.
//!
//! Keys while editing, by default (the first four come from `[keys.editor]`
//! and can be rebound; everything else goes to the text area, whose own
//! emacs-style bindings apply):
//!
//! | key | effect |
//! |-----|--------|
//! | `Ctrl-s` | save |
//! | `Esc`, `Ctrl-c` | cancel; asks "Discard changes? y/n" when the text changed |
//! | `Ctrl-e` | edit in `$VISUAL`/`$EDITOR` (so it is *not* end-of-line: use `End`) |
//! | `Enter` | new line |
//! | `Tab` | four spaces up to the next tab stop (notes never hold tab characters) |
//! | arrows, `Home`/`End`, `Ctrl-a`, `Ctrl-←`/`Ctrl-→` | move |
//! | `Backspace`, `Delete`, `Ctrl-w`, `Ctrl-k` | delete |
//! | `Ctrl-u` / `Ctrl-r` | undo / redo |
//!
//! `Ctrl-c` cancels rather than copying: it is the key people press to get out,
//! and treating it like `Esc` means it can never throw a note away unasked.

use crossterm::event::{KeyEvent, KeyEventKind};

use crate::keymap::{Action, Context, Keymap};
use ratatui::style::Style;
use ratatui_textarea::{CursorMove, TextArea, WrapMode};

/// Display columns of the title before it is cut with an ellipsis; the popup
/// title also has to fit "Note — " and the border.
const TITLE_WIDTH: usize = 40;

/// Columns a tab stop spans when `Tab` is pressed or a pasted tab is expanded.
const TAB_WIDTH: u8 = 4;

/// Shown in the empty text area so the tag syntax is discoverable.
const PLACEHOLDER: &str = "Write a note… words like #topic become tags";

/// What the app should do after a key reached the note editor. The editor
/// cannot save or close itself: the app owns the highlight the note belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditorOutcome {
    /// Keep the editor open.
    Continue,
    /// Store this text as the note and close the editor.
    Save(String),
    /// Close the editor without storing anything.
    Cancel,
    /// Leave the terminal, run the external editor on [`NoteEditor::text`],
    /// then [`NoteEditor::set_text`] with the result.
    External,
}

/// An open note editor. Kept in the app state while the popup is shown so
/// that every keystroke is testable without a terminal.
#[derive(Debug)]
pub struct NoteEditor {
    textarea: TextArea<'static>,
    original: String,
    confirming_discard: bool,
    title: String,
}

impl NoteEditor {
    /// Opens the editor on `note`; `title` (e.g. the highlighted quote) names
    /// what the note is about and is shortened to fit the popup's border.
    pub fn new(title: &str, note: &str) -> Self {
        let original = normalise(note);
        Self {
            textarea: build_textarea(&original),
            original,
            confirming_discard: false,
            title: shorten(title, TITLE_WIDTH),
        }
    }

    /// Handles one key press and says what the app should do next. The
    /// editor's own keys come from `[keys.editor]` (and, while asking
    /// whether to discard, from `[keys.confirm]`); any other key edits the
    /// text.
    pub fn on_key(&mut self, keymap: &Keymap, key: KeyEvent) -> EditorOutcome {
        if key.kind == KeyEventKind::Release {
            return EditorOutcome::Continue;
        }
        let action = keymap.action(Context::Editor, &key);
        if action == Some(Action::SaveNote) {
            return EditorOutcome::Save(self.text());
        }
        if self.confirming_discard {
            return self.answer(keymap.action(Context::Confirm, &key));
        }
        match action {
            Some(Action::Back) => self.cancel(),
            Some(Action::ExternalEditor) => EditorOutcome::External,
            _ => {
                self.textarea.input(key);
                EditorOutcome::Continue
            }
        }
    }

    /// After the terminal changed size: back to the top, so the next frame
    /// shows as much of the note above the cursor as fits. The text area
    /// keeps its old top row, which after a terminal a few rows high hid
    /// the first lines of the note once there was room again.
    pub fn refit(&mut self) {
        let (top, _) = self.textarea.scroll_offset();
        if top == 0 {
            return;
        }
        let cursor = self.textarea.cursor();
        self.textarea
            .scroll((-i16::try_from(top).unwrap_or(i16::MAX), 0));
        let at = |n: usize| u16::try_from(n).unwrap_or(u16::MAX);
        self.textarea
            .move_cursor(CursorMove::Jump(at(cursor.0), at(cursor.1)));
    }

    fn cancel(&mut self) -> EditorOutcome {
        if self.is_modified() {
            self.confirming_discard = true;
            EditorOutcome::Continue
        } else {
            EditorOutcome::Cancel
        }
    }

    /// While asking "Discard changes? y/n": only an explicit yes discards;
    /// any key other than no is ignored so a stray keystroke decides nothing.
    fn answer(&mut self, action: Option<Action>) -> EditorOutcome {
        match action {
            Some(Action::Yes) => EditorOutcome::Cancel,
            Some(Action::No) => {
                self.confirming_discard = false;
                EditorOutcome::Continue
            }
            _ => EditorOutcome::Continue,
        }
    }

    /// Inserts bracketed-paste text at the cursor, keeping its line breaks.
    /// Ignored while the discard question is shown, which expects y or n.
    pub fn on_paste(&mut self, text: &str) {
        if self.confirming_discard {
            return;
        }
        self.textarea.insert_str(normalise(text));
    }

    /// The note as it stands, lines joined with `\n`.
    pub fn text(&self) -> String {
        self.textarea.lines().join("\n")
    }

    /// Replaces the whole text, e.g. with what the external editor returned.
    /// Done through the text area's own editing, so undo still works: `Ctrl-u`
    /// twice (the insertion, then the removal) brings the previous text back.
    pub fn set_text(&mut self, text: &str) {
        let text = normalise(text);
        if text == self.text() {
            return;
        }
        self.textarea.select_all();
        if text.is_empty() {
            self.textarea.cut();
        } else {
            self.textarea.insert_str(text);
        }
        self.confirming_discard = false;
    }

    /// Whether cancelling now would lose text.
    pub fn is_modified(&self) -> bool {
        self.text() != self.original
    }

    /// Whether the popup should show the discard question instead of help.
    pub fn confirming_discard(&self) -> bool {
        self.confirming_discard
    }

    /// The shortened title for the popup border.
    pub fn title(&self) -> &str {
        &self.title
    }

    /// The text area, for the ui to render.
    pub fn textarea(&self) -> &TextArea<'static> {
        &self.textarea
    }

    /// The tags the note would give its highlight right now.
    pub fn tags(&self) -> Vec<String> {
        tags_from_note(&self.text())
    }
}

/// A text area set up for prose: soft-wrapped, no underlined cursor line,
/// cursor at the end so adding to an existing note is one keystroke away.
fn build_textarea(text: &str) -> TextArea<'static> {
    let lines = text.split('\n').map(str::to_owned).collect();
    let mut textarea = TextArea::new(lines);
    textarea.set_wrap_mode(WrapMode::WordOrGlyph);
    textarea.set_cursor_line_style(Style::default());
    textarea.set_tab_length(TAB_WIDTH);
    textarea.set_hard_tab_indent(false);
    textarea.set_placeholder_text(PLACEHOLDER);
    textarea.move_cursor(CursorMove::Bottom);
    textarea.move_cursor(CursorMove::End);
    textarea
}

/// Makes outside text safe for the text area: any line ending becomes `\n`,
/// tabs become spaces (their width is not knowable when the note is shown
/// elsewhere), and other control characters, such as stray escape sequences
/// in a paste, are dropped.
fn normalise(text: &str) -> String {
    let tab = " ".repeat(usize::from(TAB_WIDTH));
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push('\n');
                }
            }
            '\n' => out.push('\n'),
            '\t' => out.push_str(&tab),
            c if c.is_control() => {}
            // Bidi overrides and isolates could reorder what the note shows.
            c if crate::document::placeholder_for(c).is_some() => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// `text` on one line, cut to `width` display columns with an ellipsis.
fn shorten(text: &str, width: usize) -> String {
    crate::text::fit(&crate::text::one_line(text), width)
}

/// The tags a note gives its highlight: every `#word` in it, so tagging needs
/// no separate field. Rules, chosen so ordinary prose does not produce tags:
///
/// - the `#` starts the text or follows whitespace or an opening bracket or
///   quote (`(`, `[`, `{`, `"`, `'`, `“`, `‘`, `«`) or Markdown emphasis (`*`) — so `C#`, `page#section`,
///   `/#anchor`, `&#123;` and `##` are not tags;
/// - the name is made of letters, digits (as Unicode defines both), `-`, `_`
///   and `/` (for `#lang/rust`), starts with a letter or digit, and ends at the
///   first other character, so `#rust.` gives `rust`; trailing `-`, `_`, `/`
///   are dropped;
/// - the name must contain a letter: `#1` and `#2024` read as numbers (issue
///   numbers, rankings), while `#2024-review` is a tag;
/// - case is kept as first written, but `#Rust` and `#rust` are one tag;
/// - tags come back without the `#`, in order of first appearance.
///
/// Markdown is not parsed: a `#word` inside a code span is still a tag.
pub fn tags_from_note(note: &str) -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    let mut previous: Option<char> = None;
    for (index, c) in note.char_indices() {
        let starts_tag = c == '#' && previous.is_none_or(may_precede_tag);
        previous = Some(c);
        if !starts_tag {
            continue;
        }
        let rest = note.get(index + c.len_utf8()..).unwrap_or("");
        let Some(name) = tag_name(rest) else {
            continue;
        };
        let key = name.to_lowercase();
        if !seen.contains(&key) {
            seen.push(key);
            tags.push(name.to_owned());
        }
    }
    tags
}

/// Whether a `#` after `c` starts a tag (shared with renaming a tag in
/// every note, which must find exactly the tags this finds).
pub(crate) fn may_precede_tag(c: char) -> bool {
    c.is_whitespace() || matches!(c, '(' | '[' | '{' | '"' | '\'' | '“' | '‘' | '«' | '*')
}

/// The tag name at the start of `rest` (just after a `#`), if there is one.
pub(crate) fn tag_name(rest: &str) -> Option<&str> {
    let first = rest.chars().next()?;
    if !first.is_alphanumeric() {
        return None;
    }
    let end = rest
        .char_indices()
        .find(|&(_, c)| !(c.is_alphanumeric() || matches!(c, '-' | '_' | '/')))
        .map_or(rest.len(), |(i, _)| i);
    let name = rest.get(..end)?.trim_end_matches(['-', '_', '/']);
    name.chars().any(char::is_alphabetic).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyModifiers};

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn ctrl(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
    }

    fn type_text(editor: &mut NoteEditor, text: &str) {
        for c in text.chars() {
            let code = if c == '\n' {
                KeyCode::Enter
            } else {
                KeyCode::Char(c)
            };
            assert_eq!(
                editor.on_key(&Keymap::default(), key(code)),
                EditorOutcome::Continue
            );
        }
    }

    #[test]
    fn typing_then_ctrl_s_saves_the_text() {
        let mut editor = NoteEditor::new("quote", "");
        type_text(&mut editor, "first line\nsecond");
        assert_eq!(
            editor.on_key(&Keymap::default(), ctrl('s')),
            EditorOutcome::Save("first line\nsecond".into())
        );
    }

    #[test]
    fn editing_an_existing_note_appends_at_its_end() {
        let mut editor = NoteEditor::new("quote", "one\ntwo");
        type_text(&mut editor, " more");
        assert_eq!(editor.text(), "one\ntwo more");
    }

    #[test]
    fn esc_on_an_unchanged_note_cancels_at_once() {
        let mut editor = NoteEditor::new("quote", "kept");
        assert!(!editor.is_modified());
        assert_eq!(
            editor.on_key(&Keymap::default(), key(KeyCode::Esc)),
            EditorOutcome::Cancel
        );
    }

    #[test]
    fn text_typed_and_erased_again_is_not_a_change() {
        let mut editor = NoteEditor::new("quote", "kept");
        type_text(&mut editor, "x");
        editor.on_key(&Keymap::default(), key(KeyCode::Backspace));
        assert_eq!(
            editor.on_key(&Keymap::default(), key(KeyCode::Esc)),
            EditorOutcome::Cancel
        );
    }

    #[test]
    fn esc_on_a_changed_note_asks_and_y_discards() {
        let mut editor = NoteEditor::new("quote", "");
        type_text(&mut editor, "draft");
        assert_eq!(
            editor.on_key(&Keymap::default(), key(KeyCode::Esc)),
            EditorOutcome::Continue
        );
        assert!(editor.confirming_discard());
        assert_eq!(
            editor.on_key(&Keymap::default(), key(KeyCode::Char('y'))),
            EditorOutcome::Cancel
        );
    }

    #[test]
    fn n_or_esc_at_the_question_returns_to_editing_with_text_intact() {
        for answer in [KeyCode::Char('n'), KeyCode::Esc] {
            let mut editor = NoteEditor::new("quote", "");
            type_text(&mut editor, "draft");
            editor.on_key(&Keymap::default(), key(KeyCode::Esc));
            assert_eq!(
                editor.on_key(&Keymap::default(), key(answer)),
                EditorOutcome::Continue
            );
            assert!(!editor.confirming_discard());
            type_text(&mut editor, "!");
            assert_eq!(editor.text(), "draft!");
        }
    }

    #[test]
    fn other_keys_at_the_question_change_nothing() {
        let mut editor = NoteEditor::new("quote", "");
        type_text(&mut editor, "draft");
        editor.on_key(&Keymap::default(), key(KeyCode::Esc));
        type_text(&mut editor, "x");
        editor.on_key(&Keymap::default(), key(KeyCode::Enter));
        editor.on_paste("pasted");
        assert!(editor.confirming_discard());
        assert_eq!(editor.text(), "draft");
    }

    #[test]
    fn ctrl_s_at_the_question_still_saves() {
        let mut editor = NoteEditor::new("quote", "");
        type_text(&mut editor, "draft");
        editor.on_key(&Keymap::default(), key(KeyCode::Esc));
        assert_eq!(
            editor.on_key(&Keymap::default(), ctrl('s')),
            EditorOutcome::Save("draft".into())
        );
    }

    #[test]
    fn ctrl_c_cancels_like_esc() {
        let mut editor = NoteEditor::new("quote", "");
        assert_eq!(
            editor.on_key(&Keymap::default(), ctrl('c')),
            EditorOutcome::Cancel
        );
        type_text(&mut editor, "draft");
        assert_eq!(
            editor.on_key(&Keymap::default(), ctrl('c')),
            EditorOutcome::Continue
        );
        assert!(editor.confirming_discard());
    }

    #[test]
    fn ctrl_e_asks_for_the_external_editor() {
        let mut editor = NoteEditor::new("quote", "abc");
        assert_eq!(
            editor.on_key(&Keymap::default(), ctrl('e')),
            EditorOutcome::External
        );
        assert_eq!(editor.text(), "abc");
    }

    #[test]
    fn key_releases_are_ignored() {
        let mut editor = NoteEditor::new("quote", "");
        let mut release = key(KeyCode::Char('a'));
        release.kind = KeyEventKind::Release;
        assert_eq!(
            editor.on_key(&Keymap::default(), release),
            EditorOutcome::Continue
        );
        assert_eq!(editor.text(), "");
    }

    #[test]
    fn unicode_and_emoji_are_typed_as_is() {
        let mut editor = NoteEditor::new("quote", "");
        type_text(&mut editor, "café 日本語 👩‍💻 ok");
        assert_eq!(editor.text(), "café 日本語 👩‍💻 ok");
        editor.on_key(&Keymap::default(), key(KeyCode::Backspace));
        editor.on_key(&Keymap::default(), key(KeyCode::Backspace));
        editor.on_key(&Keymap::default(), key(KeyCode::Backspace));
        assert_eq!(editor.text(), "café 日本語 👩‍💻");
    }

    #[test]
    fn shifted_letters_are_typed() {
        let mut editor = NoteEditor::new("quote", "");
        editor.on_key(
            &Keymap::default(),
            KeyEvent::new(KeyCode::Char('A'), KeyModifiers::SHIFT),
        );
        assert_eq!(editor.text(), "A");
    }

    #[test]
    fn cursor_keys_move_and_edit_in_place() {
        let mut editor = NoteEditor::new("quote", "ac");
        editor.on_key(&Keymap::default(), key(KeyCode::Left));
        type_text(&mut editor, "b");
        editor.on_key(&Keymap::default(), key(KeyCode::Home));
        editor.on_key(&Keymap::default(), key(KeyCode::Delete));
        editor.on_key(&Keymap::default(), key(KeyCode::End));
        type_text(&mut editor, "d");
        assert_eq!(editor.text(), "bcd");
    }

    #[test]
    fn tab_inserts_spaces_to_the_next_stop() {
        let mut editor = NoteEditor::new("quote", "");
        type_text(&mut editor, "ab");
        editor.on_key(&Keymap::default(), key(KeyCode::Tab));
        type_text(&mut editor, "c");
        assert_eq!(editor.text(), "ab  c");
    }

    #[test]
    fn paste_keeps_line_breaks_and_lands_at_the_cursor() {
        let mut editor = NoteEditor::new("quote", "start end");
        for _ in 0..3 {
            editor.on_key(&Keymap::default(), key(KeyCode::Left));
        }
        editor.on_paste("one\ntwo\n");
        assert_eq!(editor.text(), "start one\ntwo\nend");
        assert!(editor.is_modified());
    }

    #[test]
    fn paste_turns_crlf_and_cr_into_newlines() {
        let mut editor = NoteEditor::new("quote", "");
        editor.on_paste("a\r\nb\rc\n\u{1b}[31md\te");
        assert_eq!(editor.text(), "a\nb\nc\n[31md    e");
    }

    #[test]
    fn paste_of_unicode_is_kept() {
        let mut editor = NoteEditor::new("quote", "");
        editor.on_paste("naïve — 💡 #idée");
        assert_eq!(editor.text(), "naïve — 💡 #idée");
        assert_eq!(editor.tags(), ["idée"]);
    }

    #[test]
    fn a_note_with_crlf_opens_unmodified() {
        let editor = NoteEditor::new("quote", "a\r\nb");
        assert_eq!(editor.text(), "a\nb");
        assert!(!editor.is_modified());
    }

    #[test]
    fn set_text_replaces_everything_and_undo_restores() {
        let mut editor = NoteEditor::new("quote", "old\ntext");
        editor.set_text("new\r\ntext #x\n");
        assert_eq!(editor.text(), "new\ntext #x\n");
        assert!(editor.is_modified());
        editor.on_key(&Keymap::default(), ctrl('u'));
        editor.on_key(&Keymap::default(), ctrl('u'));
        assert_eq!(editor.text(), "old\ntext");
    }

    #[test]
    fn set_text_to_nothing_empties_the_note() {
        let mut editor = NoteEditor::new("quote", "old\ntext");
        editor.set_text("");
        assert_eq!(editor.text(), "");
        assert_eq!(
            editor.on_key(&Keymap::default(), ctrl('s')),
            EditorOutcome::Save(String::new())
        );
    }

    #[test]
    fn set_text_with_the_same_text_is_no_change() {
        let mut editor = NoteEditor::new("quote", "same");
        editor.set_text("same");
        assert!(!editor.is_modified());
    }

    #[test]
    fn long_titles_are_shortened_to_one_line() {
        let editor = NoteEditor::new("a  quote\nover   lines", "");
        assert_eq!(editor.title(), "a quote over lines");
        let long = "word ".repeat(20);
        let editor = NoteEditor::new(&long, "");
        assert!(editor.title().ends_with('…'));
        assert_eq!(editor.title().chars().count(), TITLE_WIDTH);
        let exact = "x".repeat(TITLE_WIDTH);
        assert_eq!(shorten(&exact, TITLE_WIDTH), exact);
        assert_eq!(shorten("日本語日本語", 5), "日本…");
    }

    #[test]
    fn tags_are_words_after_a_hash() {
        assert_eq!(
            tags_from_note("#first thought, see #rust and (#async)."),
            ["first", "rust", "async"]
        );
    }

    #[test]
    fn tags_allow_dashes_underscores_and_slashes() {
        assert_eq!(
            tags_from_note("#to-read #deep_work #lang/rust"),
            ["to-read", "deep_work", "lang/rust"]
        );
    }

    #[test]
    fn tags_end_at_punctuation_and_drop_trailing_joiners() {
        assert_eq!(
            tags_from_note("#end. #why? #list, #x- #y/ #it's"),
            ["end", "why", "list", "x", "y", "it"]
        );
    }

    #[test]
    fn hashes_inside_words_and_urls_are_not_tags() {
        assert!(tags_from_note("C# and F#, https://x.org/page#section, /#top, &#123;").is_empty());
    }

    #[test]
    fn headings_and_lone_hashes_are_not_tags() {
        assert!(tags_from_note("# Heading\n## Sub\n#\n##double #-dash # space").is_empty());
    }

    #[test]
    fn numbers_alone_are_not_tags_but_mixed_names_are() {
        assert_eq!(
            tags_from_note("#1 priority, issue #2024, #2024-review #3d"),
            ["2024-review", "3d"]
        );
    }

    #[test]
    fn tags_are_unique_ignoring_case_keeping_first_spelling() {
        assert_eq!(tags_from_note("#Rust #rust #RUST #Go #go"), ["Rust", "Go"]);
    }

    #[test]
    fn unicode_tags_work() {
        assert_eq!(
            tags_from_note("#café #日本語 #Ωmega «#citation» “#quoted” **#bold**"),
            ["café", "日本語", "Ωmega", "citation", "quoted", "bold"]
        );
    }

    #[test]
    fn emoji_do_not_make_tags() {
        assert!(tags_from_note("#🔥 #").is_empty());
        assert_eq!(tags_from_note("#fire🔥"), ["fire"]);
    }

    #[test]
    fn tags_on_later_lines_and_after_tabs() {
        assert_eq!(tags_from_note("line\n#a\tb\t#c"), ["a", "c"]);
    }

    #[test]
    fn an_empty_note_has_no_tags() {
        assert!(tags_from_note("").is_empty());
    }

    proptest::proptest! {
        #[test]
        fn tags_are_found_in_the_note_and_unique(note in "(\\PC|#|\\s){0,80}") {
            let tags = tags_from_note(&note);
            let mut lower: Vec<String> = tags.iter().map(|t| t.to_lowercase()).collect();
            for tag in &tags {
                let written = format!("#{tag}");
                proptest::prop_assert!(note.contains(&written));
                proptest::prop_assert!(tag.chars().any(char::is_alphabetic));
            }
            lower.sort();
            lower.dedup();
            proptest::prop_assert_eq!(lower.len(), tags.len());
        }

        #[test]
        fn any_paste_leaves_only_newlines_as_control_characters(text in "\\PC{0,40}|[\\x00-\\x1f a\u{e9}]{0,40}") {
            let mut editor = NoteEditor::new("quote", "");
            editor.on_paste(&text);
            let result = editor.text();
            proptest::prop_assert!(result.chars().all(|c| c == '\n' || !c.is_control()));
        }

        #[test]
        fn a_pasted_bidi_override_never_reaches_the_note(text in "[a\u{202a}-\u{202e}\u{2066}-\u{2069}\u{1b}\u{9b} ]{0,30}") {
            let mut editor = NoteEditor::new("quote", "");
            editor.on_paste(&text);
            proptest::prop_assert!(crate::document::is_clean(&editor.text()), "{:?}", editor.text());
        }
    }
}
