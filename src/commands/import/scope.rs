//! Keeping an import inside the library: an annotations file from someone
//! else names the files it annotates, and gloss reads those files to place
//! the quotes. Without a fence, such a file could make gloss read any file
//! the user can read (`/etc/shadow`) and copy text from it into the notes.

use std::path::{Path, PathBuf};

/// The folders an import may read articles from.
#[derive(Debug, Clone)]
pub struct Scope {
    /// Canonical library folders (or files).
    roots: Vec<PathBuf>,
    /// `--allow-outside`: every readable file is allowed.
    open: bool,
}

impl Scope {
    /// The `--library` paths when given, else the config's `library`
    /// folders (`~/` expanded), else the current folder.
    pub fn new(given: &[PathBuf], configured: &[PathBuf], allow_outside: bool) -> Self {
        let home = std::env::var_os("HOME").map(PathBuf::from);
        let mut roots: Vec<PathBuf> = if !given.is_empty() {
            given.to_vec()
        } else {
            configured
                .iter()
                .map(|p| match (p.strip_prefix("~"), home.as_deref()) {
                    (Ok(rest), Some(home)) => home.join(rest),
                    _ => p.clone(),
                })
                .collect()
        };
        if roots.is_empty()
            && let Ok(cwd) = std::env::current_dir()
        {
            roots.push(cwd);
        }
        Self {
            roots: roots
                .into_iter()
                .map(|r| r.canonicalize().unwrap_or(r))
                .collect(),
            open: allow_outside,
        }
    }

    /// The library folders, for scanning their articles.
    pub fn roots(&self) -> &[PathBuf] {
        &self.roots
    }

    /// `Ok` when `path` may be read: it lies inside a library folder once
    /// links are followed (so a link in the library pointing out of it does
    /// not count), or `--allow-outside` was given.
    pub fn check(&self, path: &Path) -> Result<(), String> {
        if self.open {
            return Ok(());
        }
        let real = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        if self.roots.iter().any(|root| real.starts_with(root)) {
            Ok(())
        } else {
            Err(format!(
                "{} is outside the library ({}); pass --library FOLDER or --allow-outside to import it",
                crate::text::path(path),
                self.roots
                    .iter()
                    .map(|r| crate::text::path(r))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_outside_the_library_and_links_out_of_it_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let lib = dir.path().join("lib");
        std::fs::create_dir(&lib).unwrap();
        std::fs::write(lib.join("a.md"), "a").unwrap();
        std::fs::write(dir.path().join("secret.txt"), "s").unwrap();
        let scope = Scope::new(std::slice::from_ref(&lib), &[], false);
        assert!(scope.check(&lib.join("a.md")).is_ok());
        let err = scope.check(&dir.path().join("secret.txt")).unwrap_err();
        assert!(err.contains("outside the library"), "{err}");
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path().join("secret.txt"), lib.join("link.md")).unwrap();
            assert!(scope.check(&lib.join("link.md")).is_err());
            assert!(scope.check(&lib.join("../secret.txt")).is_err());
        }
        let open = Scope::new(&[lib], &[], true);
        assert!(open.check(&dir.path().join("secret.txt")).is_ok());
    }
}
