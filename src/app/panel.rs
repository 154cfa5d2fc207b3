//! The annotations panel's state: which entry is selected, the filter, and how
//! far the list is scrolled. Which highlights appear is worked out from
//! [`Notes`] on every call, so a save, a delete or a re-anchor can never leave
//! the panel showing something that is no longer there.

use crossterm::event::{KeyEvent, KeyEventKind};

use super::notes::Notes;
use super::{App, Effect, Mode, Msg};
use crate::annotations::{Highlight, HighlightId};
use crate::keymap::{Action, Context, Keymap};

/// Lines each highlight takes in the panel: the swatch and quote, then the
/// note's first line and tags. Fixed so scrolling is plain arithmetic.
pub const ENTRY_LINES: usize = 2;

/// What the panel remembers between keys.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Panel {
    /// Position of the selected entry among the rows shown (see [`rows`]).
    pub selected: usize,
    /// The filter text; empty shows every highlight.
    pub filter: String,
    /// Whether keys are being typed into the filter.
    pub filtering: bool,
    /// First entry shown at the top of the panel.
    pub scroll: usize,
}

/// What the app should do after a key in the panel. The panel names the
/// highlight by id; changing highlights, confirming and saving stay with the
/// app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PanelOutcome {
    /// Nothing beyond the panel's own state changed.
    None,
    /// Close the panel.
    Close,
    /// Move the reader to highlight `.0`. Sent for orphans too: the app
    /// decides what to say about those.
    Jump(HighlightId),
    /// Open the note editor on highlight `.0`.
    Edit(HighlightId),
    /// Give highlight `.0` the next palette colour.
    ChangeColor(HighlightId),
    /// Ask whether to delete highlight `.0`.
    Delete(HighlightId),
    /// Bring back the last deleted highlight.
    Undo,
    /// Mark highlight `.0` to be moved onto the next selection in the reader.
    Reattach(HighlightId),
    /// Show the help overlay.
    Help,
    /// Export the article's notes.
    Export,
    /// Quit gloss.
    Quit,
}

/// The highlights the panel lists, after `filter`.
///
/// Order: placed highlights by where they now start in the text (then by end,
/// so an enclosing highlight comes before the ones inside it); orphans after
/// all placed ones, by the start of their last known anchor. Orphans go last
/// because they have no place in the current text to be sorted by, and
/// grouping them makes the ones needing attention easy to find.
///
/// The filter is case-insensitive; every word of it must occur in the quote,
/// the note or a tag (a leading `#` matches tags written as `#tag`).
pub fn rows<'a>(notes: &'a Notes, filter: &str) -> Vec<&'a Highlight> {
    let words: Vec<String> = filter.split_whitespace().map(str::to_lowercase).collect();
    let shown = |h: &Highlight| words.is_empty() || matches(h, &words);
    // `placed` is already in text order (then by end).
    let placed = notes
        .placed
        .iter()
        .filter_map(|p| notes.get(&p.id))
        .filter(|h| shown(h));
    let mut orphans: Vec<&Highlight> = notes
        .highlights
        .iter()
        .filter(|h| shown(h) && notes.range_of(&h.id).is_none())
        .collect();
    orphans.sort_by(|a, b| {
        (a.anchor.start, a.anchor.end, &a.id).cmp(&(b.anchor.start, b.anchor.end, &b.id))
    });
    placed.chain(orphans).collect()
}

/// Whether every filter word (already lowercase) occurs in the highlight.
fn matches(h: &crate::annotations::Highlight, words: &[String]) -> bool {
    let tags: Vec<String> = h.tags.iter().map(|t| format!("#{t}")).collect();
    let haystack = format!("{}\n{}\n{}", h.anchor.quote, h.note, tags.join(" ")).to_lowercase();
    words.iter().all(|w| haystack.contains(w.as_str()))
}

/// The first entry to show so that entry `selected` is on screen, moving as
/// little as possible from `scroll`, with room for `capacity` entries.
pub fn scroll_for(scroll: usize, selected: usize, capacity: usize) -> usize {
    let capacity = capacity.max(1);
    if selected < scroll {
        selected
    } else if selected >= scroll + capacity {
        selected + 1 - capacity
    } else {
        scroll
    }
}

impl Panel {
    /// A panel opened with highlight `highlight` selected when it is listed
    /// (the one under the reader's cursor), else the first entry.
    pub fn open(notes: &Notes, highlight: Option<&HighlightId>) -> Self {
        let mut panel = Self::default();
        if let Some(h) = highlight {
            panel.select(notes, h);
        }
        panel
    }

    /// The id of the selected entry's highlight, if any entry is shown.
    pub fn selected_highlight(&self, notes: &Notes) -> Option<HighlightId> {
        let rows = rows(notes, &self.filter);
        rows.get(self.selected.min(rows.len().saturating_sub(1)))
            .map(|h| h.id.clone())
    }

    /// Selects the entry showing highlight `highlight`, if it passes the filter.
    pub fn select(&mut self, notes: &Notes, highlight: &HighlightId) {
        if let Some(pos) = rows(notes, &self.filter)
            .iter()
            .position(|h| &h.id == highlight)
        {
            self.selected = pos;
        }
    }

    /// Pulls the selection back inside the list after highlights went away.
    pub fn clamp(&mut self, notes: &Notes) {
        let count = rows(notes, &self.filter).len();
        self.selected = self.selected.min(count.saturating_sub(1));
    }

    /// Scrolls so the selection is visible in `height` lines of list.
    pub fn keep_visible(&mut self, height: usize) {
        self.scroll = scroll_for(self.scroll, self.selected, height / ENTRY_LINES);
    }

    /// Pasted text goes into the filter while it is being typed.
    pub fn on_paste(&mut self, text: &str) {
        if self.filtering {
            self.filter
                .extend(text.chars().filter(|&c| crate::document::fits_a_field(c)));
            self.selected = 0;
        }
    }

    /// Handles a key while the panel is open.
    pub fn on_key(&mut self, notes: &Notes, keymap: &Keymap, key: KeyEvent) -> PanelOutcome {
        if key.kind == KeyEventKind::Release {
            return PanelOutcome::None;
        }
        self.clamp(notes);
        if self.filtering {
            return self.on_filter_key(notes, keymap, key);
        }
        let Some(action) = keymap.action(Context::Panel, &key) else {
            return PanelOutcome::None;
        };
        let count = rows(notes, &self.filter).len();
        let on_selected = |make: fn(HighlightId) -> PanelOutcome| {
            self.selected_highlight(notes)
                .map_or(PanelOutcome::None, make)
        };
        match action {
            Action::OpenArticle => on_selected(PanelOutcome::Jump),
            Action::Annotate => on_selected(PanelOutcome::Edit),
            Action::ChangeColor => on_selected(PanelOutcome::ChangeColor),
            Action::Delete => on_selected(PanelOutcome::Delete),
            Action::Reattach => on_selected(PanelOutcome::Reattach),
            Action::Undo => PanelOutcome::Undo,
            // Esc clears a filter first, as it does in the library list.
            Action::Back if !self.filter.is_empty() => {
                self.filter.clear();
                self.selected = 0;
                PanelOutcome::None
            }
            Action::Back | Action::Panel => PanelOutcome::Close,
            Action::Help => PanelOutcome::Help,
            Action::Export => PanelOutcome::Export,
            Action::Quit => PanelOutcome::Quit,
            Action::ListDown => {
                self.selected = (self.selected + 1).min(count.saturating_sub(1));
                PanelOutcome::None
            }
            Action::ListUp => {
                self.selected = self.selected.saturating_sub(1);
                PanelOutcome::None
            }
            Action::ListFirst => {
                self.selected = 0;
                PanelOutcome::None
            }
            Action::ListLast => {
                self.selected = count.saturating_sub(1);
                PanelOutcome::None
            }
            Action::FilterList => {
                self.filtering = true;
                PanelOutcome::None
            }
            _ => PanelOutcome::None,
        }
    }

    /// Keys while typing the filter (`[keys.panel_filter]`): unbound
    /// characters are typed, Enter keeps the filter, Esc drops it; the arrows
    /// still move so a match can be picked without leaving.
    fn on_filter_key(&mut self, notes: &Notes, keymap: &Keymap, key: KeyEvent) -> PanelOutcome {
        let Some(action) = keymap.action(Context::PanelFilter, &key) else {
            if let Some(c) = super::modes::typed(&key, false) {
                self.filter.push(c);
                self.selected = 0;
            }
            return PanelOutcome::None;
        };
        match action {
            Action::Back => {
                self.filter.clear();
                self.filtering = false;
                self.selected = 0;
            }
            Action::Submit => self.filtering = false,
            Action::DeleteChar => {
                self.filter.pop();
                self.selected = 0;
            }
            Action::ClearText => {
                self.filter.clear();
                self.selected = 0;
            }
            Action::Quit => return PanelOutcome::Quit,
            Action::ListDown => {
                let count = rows(notes, &self.filter).len();
                self.selected = (self.selected + 1).min(count.saturating_sub(1));
            }
            Action::ListUp => self.selected = self.selected.saturating_sub(1),
            _ => {}
        }
        PanelOutcome::None
    }
}

impl App {
    /// A message while the panel has the keys: the panel moves its
    /// selection, and what it asks for (jump, edit, delete...) is done here
    /// on the highlight it names. The panel stays open unless it closes or
    /// leads into the text; the help, a question or the editor open over it.
    pub(super) fn on_panel(&mut self, mut panel: Box<Panel>, msg: Msg) -> Vec<Effect> {
        let key = match msg {
            Msg::PanelKey(key) => key,
            // An action from another table (the list's, when it has focus).
            Msg::Action(action) => {
                self.mode = Mode::Panel(panel);
                return self.apply(action);
            }
            _ => {
                self.mode = Mode::Panel(panel);
                return Vec::new();
            }
        };
        // With no article open there is nothing to list: the panel closes.
        let Some(reader) = &self.reader else {
            return Vec::new();
        };
        let outcome = panel.on_key(&reader.notes, &self.keymap, key);
        let typed = panel.filtering && !panel.filter.is_empty();
        let highlight = |id: &HighlightId| reader.notes.get(id).cloned();
        let place = |id: &HighlightId| reader.notes.range_of(id);
        let (chosen, range) = match &outcome {
            PanelOutcome::Jump(id)
            | PanelOutcome::Edit(id)
            | PanelOutcome::ChangeColor(id)
            | PanelOutcome::Delete(id)
            | PanelOutcome::Reattach(id) => (highlight(id), place(id)),
            _ => (None, None),
        };
        let read_only = reader.notes.read_only.is_some();
        self.mode = Mode::Panel(panel);
        match outcome {
            PanelOutcome::None => Vec::new(),
            PanelOutcome::Close => {
                self.close_mode();
                Vec::new()
            }
            PanelOutcome::Help => self.apply(Action::Help),
            PanelOutcome::Export => self.apply(Action::Export),
            PanelOutcome::Quit if typed => {
                self.ask_quit("the panel filter you typed");
                Vec::new()
            }
            PanelOutcome::Quit => self.apply(Action::Quit),
            PanelOutcome::Jump(_) => {
                match range {
                    Some(range) => {
                        self.close_mode();
                        if let Some(reader) = &mut self.reader {
                            reader.reveal(range.start);
                            reader.cursor_to(range.start);
                        }
                    }
                    None => {
                        let r = self.key_or(Context::Reader, Action::Reattach, "r");
                        self.info(format!(
                            "this highlight is orphaned: press {r}, then select where it belongs and press {r}"
                        ));
                    }
                }
                Vec::new()
            }
            PanelOutcome::Edit(_) => {
                if let Some(h) = chosen {
                    self.edit_note(h);
                }
                Vec::new()
            }
            PanelOutcome::ChangeColor(_) => match chosen {
                Some(h) if !read_only => self.cycle_color_of(h),
                _ => Vec::new(),
            },
            PanelOutcome::Delete(_) => {
                if let Some(h) = chosen {
                    self.ask_delete(&h);
                }
                Vec::new()
            }
            PanelOutcome::Undo => self.undo_delete(),
            PanelOutcome::Reattach(_) => {
                if let Some(h) = chosen {
                    self.close_mode();
                    self.mark_for_reattach(h.id);
                }
                Vec::new()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotations::testing::highlight;
    use crossterm::event::{KeyCode, KeyModifiers};

    const TEXT: &str = "Alpha beta gamma. Delta epsilon zeta. Eta theta iota.";

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn ch(c: char) -> KeyEvent {
        key(KeyCode::Char(c))
    }

    /// Four highlights stored out of document order: "Eta theta" (last in
    /// the text, two-line note), "Alpha" (orphaned), "Delta" (tagged) and
    /// "beta" (first in the text).
    fn sample() -> Notes {
        let eta = highlight("eta")
            .range_of(TEXT, 38..47)
            .note("Greek letters\nsecond line")
            .build();
        let mut orphan = highlight("orphan")
            .range_of(TEXT, 0..5)
            .color("green")
            .orphaned(true)
            .build();
        orphan.anchor.start = crate::document::CharOffset::new(40);
        let delta = highlight("delta")
            .range_of(TEXT, 18..23)
            .color("blue")
            .tags(&["Maps"])
            .note("see #Maps")
            .build();
        let beta = highlight("beta")
            .range_of(TEXT, 6..10)
            .color("pink")
            .build();
        let mut notes = Notes {
            highlights: vec![eta, orphan, delta, beta],
            ..Notes::default()
        };
        notes.place(TEXT);
        notes
    }

    /// The ids of the rows the panel lists.
    fn ids(notes: &Notes, filter: &str) -> Vec<String> {
        rows(notes, filter)
            .iter()
            .map(|h| h.id.to_string())
            .collect()
    }

    fn id(s: &str) -> HighlightId {
        s.into()
    }

    fn run(panel: &mut Panel, notes: &Notes, keys: &[KeyEvent]) -> PanelOutcome {
        let keymap = Keymap::default();
        let mut last = PanelOutcome::None;
        for &k in keys {
            last = panel.on_key(notes, &keymap, k);
        }
        last
    }

    #[test]
    fn rows_follow_the_text_with_orphans_last() {
        let notes = sample();
        assert_eq!(ids(&notes, ""), ["beta", "delta", "eta", "orphan"]);
    }

    #[test]
    fn orphans_sort_among_themselves_by_stored_start() {
        let mut notes = sample();
        notes.placed.clear();
        // Stored starts: eta 38, orphan 40, delta 18, beta 6.
        assert_eq!(ids(&notes, ""), ["beta", "delta", "eta", "orphan"]);
        notes.highlights[1].anchor.start = crate::document::CharOffset::ZERO;
        assert_eq!(ids(&notes, ""), ["orphan", "beta", "delta", "eta"]);
    }

    #[test]
    fn a_highlight_without_a_place_is_listed_after_the_placed_ones() {
        let mut notes = sample();
        notes.placed.truncate(1);
        assert_eq!(ids(&notes, ""), ["beta", "delta", "eta", "orphan"]);
        notes.placed.retain(|p| p.id != "beta");
        notes.placed.push(crate::annotations::Placed {
            id: id("eta"),
            range: 38..47,
        });
        assert_eq!(ids(&notes, ""), ["eta", "beta", "delta", "orphan"]);
    }

    #[test]
    fn filter_matches_quote_note_and_tags_ignoring_case() {
        let notes = sample();
        assert_eq!(ids(&notes, "ALPHA"), ["orphan"], "quote");
        assert_eq!(ids(&notes, "second line"), ["eta"], "note, any line");
        assert_eq!(ids(&notes, "#maps"), ["delta"], "tag");
        assert_eq!(ids(&notes, "delta maps"), ["delta"], "all words");
        assert!(rows(&notes, "nowhere").is_empty());
        assert_eq!(rows(&notes, "  ").len(), 4, "blank filter shows all");
    }

    #[test]
    fn tags_match_even_when_the_note_does_not_mention_them() {
        let mut notes = sample();
        notes.highlights[3].tags = vec!["stoic".into()];
        assert_eq!(ids(&notes, "#stoic"), ["beta"]);
    }

    #[test]
    fn movement_is_clamped_to_the_list() {
        let notes = sample();
        let mut panel = Panel::default();
        run(&mut panel, &notes, &[ch('k')]);
        assert_eq!(panel.selected, 0);
        run(&mut panel, &notes, &[ch('j'), key(KeyCode::Down)]);
        assert_eq!(panel.selected, 2);
        run(&mut panel, &notes, &[ch('j'), ch('j'), ch('j')]);
        assert_eq!(panel.selected, 3);
        run(&mut panel, &notes, &[key(KeyCode::Up)]);
        assert_eq!(panel.selected, 2);
        run(&mut panel, &notes, &[ch('g')]);
        assert_eq!(panel.selected, 0);
        run(&mut panel, &notes, &[ch('G')]);
        assert_eq!(panel.selected, 3);
        run(&mut panel, &notes, &[key(KeyCode::Home)]);
        assert_eq!(panel.selected, 0);
        run(&mut panel, &notes, &[key(KeyCode::End)]);
        assert_eq!(panel.selected, 3);
    }

    #[test]
    fn actions_name_the_selected_highlight() {
        let notes = sample();
        let mut panel = Panel::default();
        // Row 1 is "Delta".
        run(&mut panel, &notes, &[ch('j')]);
        let cases = [
            (key(KeyCode::Enter), PanelOutcome::Jump(id("delta"))),
            (ch('e'), PanelOutcome::Edit(id("delta"))),
            (ch('c'), PanelOutcome::ChangeColor(id("delta"))),
            (ch('d'), PanelOutcome::Delete(id("delta"))),
            (ch('r'), PanelOutcome::Reattach(id("delta"))),
            (ch('u'), PanelOutcome::Undo),
            (ch('?'), PanelOutcome::Help),
            (ch('q'), PanelOutcome::Quit),
            (ch('x'), PanelOutcome::None),
            (key(KeyCode::Tab), PanelOutcome::None),
        ];
        for (k, want) in cases {
            assert_eq!(run(&mut panel, &notes, &[k]), want, "{k:?}");
            assert_eq!(panel.selected, 1);
        }
    }

    #[test]
    fn esc_and_a_close_the_panel() {
        let notes = sample();
        let mut panel = Panel::default();
        assert_eq!(
            run(&mut panel, &notes, &[key(KeyCode::Esc)]),
            PanelOutcome::Close
        );
        assert_eq!(run(&mut panel, &notes, &[ch('a')]), PanelOutcome::Close);
    }

    #[test]
    fn orphans_can_be_jumped_to_and_reattached() {
        let notes = sample();
        let mut panel = Panel::default();
        assert_eq!(
            run(&mut panel, &notes, &[ch('G'), key(KeyCode::Enter)]),
            PanelOutcome::Jump(id("orphan"))
        );
        assert_eq!(
            run(&mut panel, &notes, &[ch('r')]),
            PanelOutcome::Reattach(id("orphan"))
        );
    }

    #[test]
    fn typing_a_filter_narrows_the_list_and_enter_keeps_it() {
        let notes = sample();
        let mut panel = Panel::default();
        run(&mut panel, &notes, &[ch('j'), ch('/')]);
        assert!(panel.filtering);
        // While filtering, letters are text, not commands.
        let out = run(&mut panel, &notes, &[ch('e'), ch('t'), ch('a'), ch('x')]);
        assert_eq!(out, PanelOutcome::None);
        assert_eq!(panel.filter, "etax");
        assert_eq!(panel.selected, 0);
        run(&mut panel, &notes, &[key(KeyCode::Backspace)]);
        assert_eq!(panel.filter, "eta");
        // "beta" and "Eta theta" hold "eta".
        assert_eq!(ids(&notes, &panel.filter), ["beta", "eta"]);
        run(&mut panel, &notes, &[key(KeyCode::Enter)]);
        assert!(!panel.filtering);
        assert_eq!(panel.filter, "eta");
        assert_eq!(
            run(&mut panel, &notes, &[ch('G'), key(KeyCode::Enter)]),
            PanelOutcome::Jump(id("eta"))
        );
    }

    #[test]
    fn esc_while_filtering_clears_the_filter_and_keeps_the_panel() {
        let notes = sample();
        let mut panel = Panel::default();
        let out = run(&mut panel, &notes, &[ch('/'), ch('z'), key(KeyCode::Esc)]);
        assert_eq!(out, PanelOutcome::None);
        assert!(!panel.filtering);
        assert!(panel.filter.is_empty());
    }

    #[test]
    fn filter_field_keys() {
        let notes = sample();
        let mut panel = Panel::default();
        let ctrl = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL);
        run(&mut panel, &notes, &[ch('/'), ch('a'), ctrl('u')]);
        assert!(panel.filter.is_empty() && panel.filtering);
        run(
            &mut panel,
            &notes,
            &[key(KeyCode::Down), key(KeyCode::Down)],
        );
        assert_eq!(panel.selected, 2);
        run(&mut panel, &notes, &[key(KeyCode::Up)]);
        assert_eq!(panel.selected, 1);
        assert_eq!(run(&mut panel, &notes, &[ctrl('c')]), PanelOutcome::Quit);
        panel.on_paste("be\x1bta");
        assert_eq!(panel.filter, "beta");
    }

    #[test]
    fn key_releases_are_ignored() {
        let notes = sample();
        let mut panel = Panel::default();
        let mut release = ch('j');
        release.kind = KeyEventKind::Release;
        run(&mut panel, &notes, &[release]);
        assert_eq!(panel.selected, 0);
    }

    #[test]
    fn empty_notes_do_nothing_but_close() {
        let notes = Notes::default();
        let mut panel = Panel::default();
        for k in [ch('j'), ch('k'), ch('G'), ch('g')] {
            assert_eq!(run(&mut panel, &notes, &[k]), PanelOutcome::None);
            assert_eq!(panel.selected, 0);
        }
        for k in [key(KeyCode::Enter), ch('e'), ch('c'), ch('d'), ch('r')] {
            assert_eq!(run(&mut panel, &notes, &[k]), PanelOutcome::None);
        }
        assert_eq!(run(&mut panel, &notes, &[ch('u')]), PanelOutcome::Undo);
        assert_eq!(run(&mut panel, &notes, &[ch('a')]), PanelOutcome::Close);
        assert_eq!(panel.selected_highlight(&notes), None);
    }

    #[test]
    fn a_deleted_highlight_pulls_the_selection_back() {
        let mut notes = sample();
        let mut panel = Panel::default();
        run(&mut panel, &notes, &[ch('G')]);
        notes.highlights.truncate(2);
        notes.place(TEXT);
        assert_eq!(panel.selected_highlight(&notes), Some(id("orphan")));
        assert_eq!(
            run(&mut panel, &notes, &[ch('e')]),
            PanelOutcome::Edit(id("orphan"))
        );
        assert_eq!(panel.selected, 1);
    }

    #[test]
    fn opening_selects_the_highlight_under_the_cursor() {
        let notes = sample();
        assert_eq!(Panel::open(&notes, Some(&id("eta"))).selected, 2);
        assert_eq!(Panel::open(&notes, Some(&id("gone"))).selected, 0);
        assert_eq!(Panel::open(&notes, None).selected, 0);
    }

    #[test]
    fn scrolling_keeps_the_selection_in_view() {
        let mut panel = Panel {
            selected: 5,
            ..Panel::default()
        };
        panel.keep_visible(6); // three entries
        assert_eq!(panel.scroll, 3);
        panel.selected = 4;
        panel.keep_visible(6);
        assert_eq!(panel.scroll, 3, "no move while visible");
        panel.selected = 1;
        panel.keep_visible(6);
        assert_eq!(panel.scroll, 1);
        panel.selected = 9;
        panel.keep_visible(0);
        assert_eq!(panel.scroll, 9, "no room still shows the selection first");
    }
}
