//! The text a search finds in a web page or a book (the extracted article,
//! the chapters in order), kept in the cache folder between searches and
//! runs. Extracting it is most of the cost of searching such a file (an
//! 8 MB page takes over a second, the same search over its text a few
//! milliseconds), and a library of HTML documentation was searched about
//! 30 times slower than ripgrep goes; with the texts kept, only pages that
//! changed since are extracted again.
//!
//! Each page's text is a file of its own, `pages/<sha256 of the path>.txt`
//! under gloss's cache folder, beginning with one header line: the format's
//! version, the gloss that extracted it, the page's length and modification
//! time, and its path. A text is used only when all of them match the page
//! as it is now, so a search is never answered from a stale text; a
//! missing, damaged or foreign file is extracted again and written over
//! (beside, then renamed into place: a crash leaves the old file or the new).
//!
//! The folder holds one text per page searched, whatever its size; texts of
//! pages since deleted or moved, or in an older format, are removed by
//! [`PageTexts::prune`], which the first extraction of a run starts in the
//! background, so the folder does not grow with pages no search can reach.

use std::fs;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::sync::{Once, OnceLock};

use sha2::{Digest, Sha256};

use crate::library::FileStamp;

/// The folder under the cache folder that holds the texts.
const FOLDER: &str = "pages";

/// Bumped when what is kept, how it is written, or how a page's article is
/// extracted changes (2: documentation pages keep every section).
const VERSION: u32 = 2;

/// The gloss that extracted a text: another may extract differently.
const GLOSS: &str = env!("CARGO_PKG_VERSION");

/// Where the texts of one run are kept: set once by the binary's entry
/// point (see [`keep_in`]); without it nothing is kept.
static KEPT_IN: OnceLock<PathBuf> = OnceLock::new();

/// Keeps page texts under `cache_dir` (gloss's cache folder) for the rest of
/// this run, for the app's `F` and `gloss search` alike. Only the first call
/// counts.
pub fn keep_in(cache_dir: &Path) {
    let _ = KEPT_IN.set(cache_dir.join(FOLDER));
}

/// The kept texts of this run, if [`keep_in`] named a folder.
pub fn kept() -> Option<PageTexts> {
    KEPT_IN.get().map(|dir| PageTexts { dir: dir.clone() })
}

/// Page texts kept in one folder.
#[derive(Debug, Clone)]
pub struct PageTexts {
    dir: PathBuf,
}

impl PageTexts {
    /// Texts kept in `dir` (the `pages` folder itself).
    pub fn in_dir(dir: &Path) -> Self {
        Self {
            dir: dir.to_path_buf(),
        }
    }

    /// The text of the page at `path`: the kept one when the page is
    /// unchanged since, else `extract`'s, kept for the next time (a failure
    /// to keep it only costs that time an extraction).
    pub fn text_of(
        &self,
        path: &Path,
        extract: impl FnOnce() -> Result<String, String>,
    ) -> Result<String, String> {
        let Some(stamp) = FileStamp::of(path) else {
            return extract();
        };
        let file = self.file_for(path);
        let header = header(path, stamp);
        if let Some(text) = read_kept(&file, &header) {
            return Ok(text);
        }
        let text = extract()?;
        let _ = write_kept(&file, &header, &text);
        static PRUNING: Once = Once::new();
        PRUNING.call_once(|| {
            let texts = self.clone();
            let _ = std::thread::Builder::new()
                .name("page-text-prune".into())
                .spawn(move || texts.prune());
        });
        Ok(text)
    }

    /// Removes the kept texts no search can use: those of pages no longer
    /// there (deleted, or moved, which keeps them under another name), in
    /// another version of the format, or damaged. Texts kept by another gloss
    /// of the same format stay (that gloss may run again); files not named
    /// as texts are left alone. Returns how many were removed.
    pub fn prune(&self) -> usize {
        let Ok(entries) = fs::read_dir(&self.dir) else {
            return 0;
        };
        let mut removed = 0;
        for entry in entries.flatten() {
            let name = entry.file_name();
            let is_text = name
                .to_str()
                .and_then(|n| n.strip_suffix(".txt"))
                .is_some_and(|stem| {
                    stem.len() == 64 && stem.bytes().all(|b| b.is_ascii_hexdigit())
                });
            if is_text && !is_usable(&entry.path()) && fs::remove_file(entry.path()).is_ok() {
                removed += 1;
            }
        }
        removed
    }

    /// The file that keeps the text of the page at `path`.
    fn file_for(&self, path: &Path) -> PathBuf {
        let digest = Sha256::digest(path.as_os_str().as_encoded_bytes());
        let name: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        self.dir.join(format!("{name}.txt"))
    }
}

/// The first line of a kept text: what it must match to be used. The path
/// is last, and its line breaks escaped, so the line ends where it should.
fn header(path: &Path, stamp: FileStamp) -> String {
    let shown = path
        .to_string_lossy()
        .replace('\\', "\\\\")
        .replace('\n', "\\n");
    format!(
        "gloss-page-text {VERSION} {GLOSS} {} {} {shown}\n",
        stamp.len, stamp.modified_ns
    )
}

/// False when the kept text in `file` can never be used again: damaged, in
/// another format, or its page is gone. A page whose name could not be
/// kept exactly (not UTF-8) is given the benefit of the doubt.
fn is_usable(file: &Path) -> bool {
    let Ok(opened) = fs::File::open(file) else {
        return true;
    };
    let mut line = Vec::new();
    if std::io::BufReader::new(opened)
        .read_until(b'\n', &mut line)
        .is_err()
    {
        return true;
    }
    let Some(line) = std::str::from_utf8(&line)
        .ok()
        .and_then(|l| l.strip_suffix('\n'))
    else {
        return false;
    };
    let fields: Vec<&str> = line.splitn(6, ' ').collect();
    let ["gloss-page-text", version, _gloss, _len, _time, shown] = fields[..] else {
        return false;
    };
    if version != VERSION.to_string() {
        return false;
    }
    if shown.contains('\u{fffd}') {
        return true;
    }
    // Undo `header`'s escapes: a backslash and `n` is a line break, two
    // backslashes are one.
    let mut path = String::with_capacity(shown.len());
    let mut chars = shown.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            path.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => path.push('\n'),
            Some(other) => path.push(other),
            None => path.push('\\'),
        }
    }
    // Only a page known to be gone counts: an unreadable folder is not.
    !matches!(fs::symlink_metadata(&path), Err(e) if e.kind() == std::io::ErrorKind::NotFound)
}

/// The text kept in `file`, when its header is `header`.
fn read_kept(file: &Path, header: &str) -> Option<String> {
    let mut bytes = fs::read(file).ok()?;
    if !bytes.starts_with(header.as_bytes()) {
        return None;
    }
    bytes.drain(..header.len());
    String::from_utf8(bytes).ok()
}

/// Keeps `text` in `file` under `header`, crash-safely.
fn write_kept(file: &Path, header: &str, text: &str) -> std::io::Result<()> {
    let mut bytes = String::with_capacity(header.len() + text.len());
    bytes.push_str(header);
    bytes.push_str(text);
    crate::library::write_atomically(file, bytes.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn a_text_is_extracted_once_and_again_only_when_the_page_changes() {
        let dir = tempfile::tempdir().unwrap();
        let page = dir.path().join("page.html");
        fs::write(&page, "<p>first</p>").unwrap();
        let texts = PageTexts::in_dir(&dir.path().join("pages"));
        let extractions = Cell::new(0);
        let extract = |text: &str| {
            extractions.set(extractions.get() + 1);
            Ok::<_, String>(text.to_string())
        };
        assert_eq!(texts.text_of(&page, || extract("first")).unwrap(), "first");
        assert_eq!(texts.text_of(&page, || extract("never")).unwrap(), "first");
        assert_eq!(extractions.get(), 1, "the kept text was used");

        // Changed (another length): extracted again.
        fs::write(&page, "<p>second one</p>").unwrap();
        assert_eq!(
            texts.text_of(&page, || extract("second one")).unwrap(),
            "second one"
        );
        assert_eq!(extractions.get(), 2);

        // A damaged kept file is extracted again and written over.
        let kept = texts.file_for(&page);
        fs::write(&kept, b"\xff\xfe junk").unwrap();
        assert_eq!(
            texts.text_of(&page, || extract("second one")).unwrap(),
            "second one"
        );
        assert_eq!(extractions.get(), 3);
        assert_eq!(
            texts.text_of(&page, || extract("never")).unwrap(),
            "second one"
        );

        // Another page never gets this one's text.
        let other = dir.path().join("other.html");
        fs::write(&other, "<p>second one</p>").unwrap();
        assert_eq!(texts.text_of(&other, || extract("other")).unwrap(), "other");
    }

    #[test]
    fn prune_removes_texts_of_pages_gone_and_of_other_formats_only() {
        let dir = tempfile::tempdir().unwrap();
        let texts = PageTexts::in_dir(&dir.path().join("pages"));
        let page = |name: &str| {
            let path = dir.path().join(name);
            fs::write(&path, "<p>x</p>").unwrap();
            texts.text_of(&path, || Ok(name.to_string())).unwrap();
            path
        };
        let kept = page("kept.html");
        let gone = page("gone\nwith a line break.html");
        let moved = page("moved.html");
        let old = page("old.html");
        fs::remove_file(&gone).unwrap();
        fs::rename(&moved, dir.path().join("moved-here.html")).unwrap();
        let old_file = texts.file_for(&old);
        let older = fs::read_to_string(&old_file).unwrap().replacen(
            &format!("gloss-page-text {VERSION} "),
            "gloss-page-text 1 ",
            1,
        );
        fs::write(&old_file, older).unwrap();
        let damaged = texts.file_for(&dir.path().join("never.html"));
        fs::write(&damaged, b"\xff\xfe").unwrap();
        let other = dir.path().join("pages").join("notes.txt");
        fs::write(&other, "not a text of ours").unwrap();

        assert_eq!(texts.prune(), 4);
        assert!(
            texts.file_for(&kept).exists(),
            "a page still there keeps its text"
        );
        for path in [&gone, &moved, &old] {
            assert!(!texts.file_for(path).exists(), "{}", path.display());
        }
        assert!(!damaged.exists() && other.exists());
        assert_eq!(
            texts.text_of(&kept, || Ok("never".into())).unwrap(),
            "kept.html"
        );
        assert_eq!(texts.prune(), 0, "nothing more to remove");
    }

    #[test]
    fn a_failed_extraction_is_not_kept_and_an_unwritable_folder_costs_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let page = dir.path().join("page.html");
        fs::write(&page, "<p>x</p>").unwrap();
        // The "folder" is a file: nothing can be kept there.
        let blocked = dir.path().join("blocked");
        fs::write(&blocked, "").unwrap();
        let texts = PageTexts::in_dir(&blocked);
        assert_eq!(
            texts.text_of(&page, || Err("damaged".to_string())),
            Err("damaged".to_string())
        );
        assert_eq!(texts.text_of(&page, || Ok("x".into())).unwrap(), "x");
        assert_eq!(texts.text_of(&page, || Ok("y".into())).unwrap(), "y");
    }
}
