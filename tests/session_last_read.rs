//! The list starts on the article read last (by the time its reading position
//! was saved), so that `gloss` with no argument reopens it with Enter.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly

#[path = "support/book_session.rs"]
mod book_session;

use std::fs;

use book_session::{act, run, start_library as start};
use gloss::app::{ArticleId, Effect};
use gloss::keymap::Action;
use gloss::session::Session;

/// Opens the article at `row` of the list, reads a page of it and goes back
/// to the list; the reading position is saved.
fn read(session: &mut Session, row: usize) {
    session.app.list.selected = row;
    act(session, Action::OpenArticle);
    act(session, Action::PageDown);
    act(session, Action::Back);
    session.flush_position();
}

fn title_of(session: &Session, id: ArticleId) -> String {
    session.app.list.article(id).unwrap().title.clone()
}

#[test]
fn the_list_starts_on_the_article_read_last_and_enter_reopens_it() {
    let dir = tempfile::tempdir().unwrap();
    let library = dir.path().join("library");
    let data = dir.path().join("data");
    fs::create_dir_all(&library).unwrap();
    let body = "A sentence that fills the page a little more. ".repeat(12);
    for name in ["Alpha", "Beta", "Gamma"] {
        let text: String = format!("# {name}\n\n")
            + &(0..60)
                .map(|i| format!("{i}. {body}\n\n"))
                .collect::<String>();
        fs::write(library.join(format!("{}.md", name.to_lowercase())), text).unwrap();
    }

    let mut first = start(&library, &data);
    assert_eq!(
        first.app.list.selected, 0,
        "nothing read yet: the first entry"
    );
    read(&mut first, 1);
    // Positions are stamped with the wall clock: let it move on. (Were the
    // two stamps equal, the earlier entry, Beta, would win the tie.)
    std::thread::sleep(std::time::Duration::from_millis(20));
    read(&mut first, 2);
    drop(first);

    let mut second = start(&library, &data);
    let selected = ArticleId(second.app.list.selected_article().unwrap());
    assert_eq!(title_of(&second, selected), "Gamma");
    let effects = second.app.update(Action::OpenArticle);
    assert!(
        effects.contains(&Effect::Open(selected)),
        "Enter reopens it: {effects:?}"
    );
    run(&mut second, effects);
    let reader = second.app.reader.as_ref().unwrap();
    assert!(
        reader.top.block > 0 || reader.top.line > 0,
        "at the place it was left"
    );
}
