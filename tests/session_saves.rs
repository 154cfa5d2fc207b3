//! A failed save is never lost: session-level tests (no terminal) that make
//! writes fail (a disk that refuses, a folder in the way of the store's lock
//! file, a read-only folder where permissions apply) and check that the
//! change is kept, retried at the next save, put in the recovery snapshot,
//! reported at exit, and saved by the next start.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use gloss::annotations::{Disk, ReadingPosition, RealDisk, Store};
use gloss::app::{App, Effect};
use gloss::config::Config;
use gloss::keymap::{Action, Keymap};
use gloss::library;
use gloss::session::{Kept, ManualClock, Outcome, Session, Setup};

const ARTICLE: &str = "# Saving\n\nThe first sentence is here. The second sentence follows it.\n\nA last paragraph to read.\n";

/// A disk that fails every write while `full` is set, as a full disk does.
#[derive(Debug, Clone, Default)]
struct Switchable {
    full: Arc<AtomicBool>,
}

impl Disk for Switchable {
    fn write_new(&self, path: &Path, bytes: &[u8]) -> io::Result<()> {
        if self.full.load(Ordering::SeqCst) {
            return Err(io::Error::from_raw_os_error(28));
        }
        RealDisk.write_new(path, bytes)
    }
}

struct World {
    _dir: tempfile::TempDir,
    data: PathBuf,
    article: PathBuf,
}

fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    let article = dir.path().join("saving.md");
    fs::write(&article, ARTICLE).unwrap();
    let data = dir.path().join("data");
    World {
        data,
        article,
        _dir: dir,
    }
}

fn session(world: &World, disk: Switchable, clock: ManualClock) -> Session {
    let scan = library::scan(std::slice::from_ref(&world.article));
    let mut app = App::new(Config::default(), Keymap::default(), scan);
    app.resize(100, 30);
    let mut setup = Setup::new(&world.data, u64::MAX);
    setup.store = Store::with_disk(&world.data, Box::new(disk));
    setup.clock = Box::new(clock);
    Session::start(app, setup)
}

/// Carries out effects as the runtime would (none here need a terminal).
fn run(session: &mut Session, effects: Vec<Effect>) {
    for effect in effects {
        match session.carry_out(effect) {
            Outcome::Done(more) => run(session, more),
            Outcome::NeedsTerminal(e) => panic!("unexpected terminal effect {e:?}"),
        }
    }
    session.sync_recovery();
}

fn open(session: &mut Session) {
    run(session, vec![Effect::Open(gloss::app::ArticleId(0))]);
    assert!(session.app.reader.is_some(), "{:?}", session.app.message);
}

/// Highlights the next sentence, as a user pressing the keys would.
fn highlight_next_sentence(session: &mut Session) {
    let mut effects = session.app.update(Action::SentenceNext);
    effects.extend(session.app.update(Action::SelectSentence));
    effects.extend(session.app.update(Action::Highlight));
    assert!(
        effects.iter().any(|e| matches!(e, Effect::Save { .. })),
        "{effects:?}"
    );
    run(session, effects);
}

/// The quotes of the highlights the notes folder holds for the article.
fn stored_quotes(data: &Path) -> Vec<String> {
    let store = Store::new(data);
    let index = store.index().unwrap();
    let mut quotes = Vec::new();
    for entry in &index.entries {
        let file = store.read(&entry.file).unwrap();
        quotes.extend(file.highlights.iter().map(|h| h.anchor.quote.clone()));
    }
    quotes.sort();
    quotes
}

fn message(session: &Session) -> String {
    session
        .app
        .message
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default()
}

#[test]
fn a_refused_save_is_kept_retried_and_saved_by_the_next_save() {
    let w = world();
    let disk = Switchable::default();
    let mut s = session(&w, disk.clone(), ManualClock::default());
    open(&mut s);
    disk.full.store(true, Ordering::SeqCst);
    highlight_next_sentence(&mut s);
    assert!(stored_quotes(&w.data).is_empty());
    assert_eq!(s.unsaved_count(), 1);
    assert!(
        message(&s).starts_with("No space left on device"),
        "{}",
        message(&s)
    );
    let unsaved = s.app.unsaved.as_ref().expect("the status bar counts it");
    assert_eq!(unsaved.count, 1);
    // The panic hook's snapshot holds it.
    let shared = s.shared();
    assert_eq!(shared.lock().unwrap().change_count(), 1);

    // Still full: the next change is refused too, and both are kept.
    highlight_next_sentence(&mut s);
    assert_eq!(s.unsaved_count(), 2);

    // Space again: the next save writes the earlier changes with it.
    disk.full.store(false, Ordering::SeqCst);
    highlight_next_sentence(&mut s);
    assert_eq!(s.unsaved_count(), 0);
    assert_eq!(stored_quotes(&w.data).len(), 3);
    assert!(s.app.unsaved.is_none());
    assert_eq!(shared.lock().unwrap().change_count(), 0);
    assert!(matches!(s.finish(), Kept::Nothing));
}

#[test]
fn a_folder_in_the_way_of_the_lock_file_fails_the_save_and_loses_nothing() {
    let w = world();
    let mut s = session(&w, Switchable::default(), ManualClock::default());
    open(&mut s);
    let lock = w.data.join("annotations").join(".lock");
    fs::create_dir_all(lock.join("in-the-way")).unwrap();
    highlight_next_sentence(&mut s);
    assert_eq!(s.unsaved_count(), 1);
    assert!(message(&s).contains("not saved"), "{}", message(&s));
    fs::remove_dir_all(&lock).unwrap();
    // A reading position is a save too: it carries the queued highlight.
    run(
        &mut s,
        vec![Effect::Save {
            article: gloss::app::ArticleId(0),
            ops: Vec::new(),
        }],
    );
    assert_eq!(s.unsaved_count(), 0);
    assert_eq!(stored_quotes(&w.data).len(), 1);
}

#[test]
fn what_is_still_refused_at_exit_goes_to_the_recovery_file_and_the_next_start_saves_it() {
    let w = world();
    let disk = Switchable::default();
    let mut s = session(&w, disk.clone(), ManualClock::default());
    open(&mut s);
    disk.full.store(true, Ordering::SeqCst);
    highlight_next_sentence(&mut s);
    let kept = s.finish();
    let Kept::InRecovery { path, changes, .. } = kept else {
        panic!("not kept: {kept:?}");
    };
    // The highlight (the reading position saved at exit is kept too, but
    // not counted).
    assert_eq!(changes, 1, "{}", fs::read_to_string(&path).unwrap());
    assert!(
        fs::read_to_string(&path)
            .unwrap()
            .contains("kind = \"position\"")
    );
    assert!(
        fs::read_to_string(&path)
            .unwrap()
            .contains("The first sentence is here.")
    );
    assert!(path.starts_with(&w.data) && path.exists());
    assert_eq!(
        s.last_save_error().map(|r| r.starts_with("No space")),
        Some(true)
    );
    assert!(stored_quotes(&w.data).is_empty());

    // The next start, with space again, saves it and says so.
    let s = session(&w, Switchable::default(), ManualClock::default());
    assert_eq!(stored_quotes(&w.data).len(), 1);
    // The same count as at exit: the position is saved, not counted.
    assert!(
        message(&s).contains("recovered: 1 change(s) from the last session saved"),
        "{}",
        message(&s)
    );
    assert!(
        !path.exists(),
        "the recovery file is gone once all is saved"
    );
}

/// Makes `folder` read-only and back: a read-only remount of a tmpfs
/// mounted there when this process may mount (root ignores permissions),
/// else its permission bits. `None` when neither works.
struct ReadOnly {
    folder: PathBuf,
    mounted: bool,
}

impl ReadOnly {
    fn over(folder: &Path) -> Option<Self> {
        use std::process::Command;
        fs::create_dir_all(folder).unwrap();
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=1m", "tmpfs"])
            .arg(folder)
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        let this = Self {
            folder: folder.to_path_buf(),
            mounted,
        };
        if !mounted {
            // Without mounting, permissions must be honoured (not root).
            this.set(true);
            let probe = folder.join("probe");
            let ignored = fs::write(&probe, "x").is_ok();
            let _ = fs::remove_file(&probe);
            this.set(false);
            if ignored {
                eprintln!("skipped: cannot mount, and permissions are not enforced (root)");
                return None;
            }
        }
        Some(this)
    }

    fn set(&self, read_only: bool) {
        use std::os::unix::fs::PermissionsExt;
        if self.mounted {
            let mode = if read_only {
                "remount,ro"
            } else {
                "remount,rw"
            };
            let ok = std::process::Command::new("mount")
                .args(["-o", mode])
                .arg(&self.folder)
                .status()
                .is_ok_and(|s| s.success());
            assert!(ok, "{mode}");
        } else {
            let mode = if read_only { 0o555 } else { 0o755 };
            fs::set_permissions(&self.folder, fs::Permissions::from_mode(mode)).unwrap();
        }
    }
}

impl Drop for ReadOnly {
    fn drop(&mut self) {
        if self.mounted {
            let _ = std::process::Command::new("umount")
                .arg(&self.folder)
                .status();
        }
    }
}

#[test]
fn a_read_only_notes_folder_keeps_the_change_and_a_later_save_writes_it() {
    let w = world();
    let Some(read_only) = ReadOnly::over(&w.data.join("annotations")) else {
        return;
    };
    let mut s = session(&w, Switchable::default(), ManualClock::default());
    open(&mut s);
    highlight_next_sentence(&mut s);
    assert_eq!(stored_quotes(&w.data).len(), 1);
    read_only.set(true);
    highlight_next_sentence(&mut s);
    assert_eq!(s.unsaved_count(), 1);
    let said = message(&s);
    assert!(
        said.starts_with("Read-only file system") || said.starts_with("Permission denied"),
        "{said}"
    );
    assert_eq!(stored_quotes(&w.data).len(), 1);
    read_only.set(false);
    highlight_next_sentence(&mut s);
    assert_eq!(s.unsaved_count(), 0);
    assert_eq!(stored_quotes(&w.data).len(), 3);
    drop(s);
}

#[test]
fn the_reading_position_is_saved_once_scrolling_has_stopped_for_the_delay() {
    let w = world();
    let clock = ManualClock::default();
    let mut s = session(&w, Switchable::default(), clock.clone());
    open(&mut s);
    let position = Effect::SavePosition {
        article: gloss::app::ArticleId(0),
        position: ReadingPosition {
            offset: gloss::document::CharOffset::new(30),
            quote: "The second sentence".into(),
            progress: 0.5,
            updated: chrono::Utc::now(),
        },
    };
    run(&mut s, vec![position]);
    let written = |data: &Path| {
        Store::new(data)
            .index()
            .unwrap()
            .entries
            .iter()
            .any(|e| e.position.is_some())
    };
    s.flush_due_position();
    assert!(!written(&w.data));
    clock.advance(gloss::session::POSITION_DELAY - Duration::from_millis(1));
    s.flush_due_position();
    assert!(
        !written(&w.data),
        "saved before scrolling had stopped long enough"
    );
    clock.advance(Duration::from_millis(1));
    s.flush_due_position();
    assert!(written(&w.data));
}

/// The answer to `q`, as the status bar shows it.
fn quit_question(session: &mut Session) -> String {
    let effects = session.app.update(Action::Quit);
    assert!(effects.is_empty() && !session.app.quit, "q asks first");
    message(session)
}

#[test]
fn a_refused_save_is_in_the_recovery_file_before_q_says_so_and_both_counts_agree() {
    let w = world();
    let disk = Switchable::default();
    let mut s = session(&w, disk.clone(), ManualClock::default());
    open(&mut s);
    disk.full.store(true, Ordering::SeqCst);
    highlight_next_sentence(&mut s);
    highlight_next_sentence(&mut s);
    run(
        &mut s,
        vec![Effect::Save {
            article: gloss::app::ArticleId(0),
            ops: vec![gloss::annotations::Op::SetPosition(ReadingPosition {
                offset: gloss::document::CharOffset::new(30),
                quote: "The second sentence".into(),
                progress: 0.5,
                updated: chrono::Utc::now(),
            })],
        }],
    );
    let file = w.data.join("recovery.toml");
    let kept = fs::read_to_string(&file).expect("written when the save failed, not only at exit");
    assert!(kept.contains("The first sentence is here."), "{kept}");
    let question = quit_question(&mut s);
    assert!(
        question.contains("2 change(s) not saved")
            && question.contains("kept in recovery.toml")
            && question.contains(&file.display().to_string()),
        "{question}"
    );
    s.app.on_key(crossterm::event::KeyEvent::from(
        crossterm::event::KeyCode::Char('y'),
    ));
    assert!(s.app.quit);
    let kept = s.finish();
    assert!(
        matches!(kept, Kept::InRecovery { changes: 2, .. }),
        "{kept:?}"
    );
}

#[test]
fn when_the_recovery_file_cannot_be_written_q_says_the_work_goes_to_stderr() {
    let w = world();
    let disk = Switchable::default();
    let mut s = session(&w, disk.clone(), ManualClock::default());
    open(&mut s);
    // A folder in the way of the recovery file.
    fs::create_dir_all(w.data.join("recovery.toml").join("in-the-way")).unwrap();
    disk.full.store(true, Ordering::SeqCst);
    highlight_next_sentence(&mut s);
    let unsaved = s.app.unsaved.clone().expect("counted");
    assert_eq!(unsaved.kept_in, None);
    let question = quit_question(&mut s);
    assert!(
        question.contains("1 change(s) not saved") && question.contains("printed on stderr"),
        "{question}"
    );
    assert!(!question.contains("kept in"), "{question}");
    let kept = s.finish();
    let Kept::Lost(_, work) = kept else {
        panic!("not reported as lost: {kept:?}");
    };
    assert_eq!(work.change_count(), 1);
}

/// A note whose save loses to a later change of the same highlight in
/// another window (one whose clock runs ten minutes fast) is not dropped:
/// the typed text reopens in the editor, and saving it again puts it over.
#[test]
fn a_note_overruled_by_another_window_reopens_in_the_editor_and_can_be_saved_over() {
    let world = world();
    let mut s = session(&world, Switchable::default(), ManualClock::default());
    open(&mut s);
    highlight_next_sentence(&mut s);

    // The other window: reads the file, writes its own note with a fast clock.
    let other = Store::new(&world.data);
    let found = other.find(&world.article, "").unwrap().unwrap();
    let mut theirs = found.content.highlights[0].clone();
    theirs.note = "theirs".into();
    theirs.updated = chrono::Utc::now() + chrono::TimeDelta::minutes(10);
    let op = gloss::annotations::Op::Upsert(theirs);
    assert!(
        other
            .apply(
                Some(&found.file),
                &found.content.article,
                std::slice::from_ref(&op)
            )
            .unwrap()
            .holds(&op)
    );

    // This window, which read the file before, writes its note.
    let effects = s.app.update(Action::Annotate);
    run(&mut s, effects);
    s.app.on_paste("mine");
    let effects = s.app.update(Action::SaveNote);
    run(&mut s, effects);
    let (editor, _) = s
        .app
        .note_editor()
        .expect("the overruled note is back in the editor");
    assert_eq!(editor.text(), "mine");
    let said = s
        .app
        .message
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default();
    assert!(said.contains("another window"), "{said}");
    assert_eq!(stored_notes(&world.data), ["theirs"]);

    // Saving again is made from the version now on disk, so it wins.
    let effects = s.app.update(Action::SaveNote);
    run(&mut s, effects);
    assert!(s.app.note_editor().is_none());
    assert_eq!(stored_notes(&world.data), ["mine"]);
}

/// The notes the notes folder holds for the article.
fn stored_notes(data: &Path) -> Vec<String> {
    let store = Store::new(data);
    let index = store.index().unwrap();
    let mut notes = Vec::new();
    for entry in &index.entries {
        let content = store.read(&entry.file).unwrap();
        notes.extend(content.highlights.iter().map(|h| h.note.clone()));
    }
    notes
}
