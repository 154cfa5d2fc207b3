//! Where gloss keeps its files. Everything gloss writes (annotations, the
//! library index, exports without an explicit folder) goes under the one data
//! folder chosen here; the config file is only read. Nothing is written
//! anywhere else, so deleting the data folder resets gloss completely.
//!
//! The data folder is, first match wins: the `--data-dir` option, the
//! `GLOSS_DATA_DIR` environment variable, then the platform's data folder
//! (`$XDG_DATA_HOME/gloss`, usually `~/.local/share/gloss`, on Linux).

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use anyhow::anyhow;
use directories::ProjectDirs;

/// Environment variable naming the data folder; lets scripts and tests keep
/// gloss away from the user's real notes without passing an option.
pub const DATA_DIR_ENV: &str = "GLOSS_DATA_DIR";

/// The platform folders for gloss, or `None` when there is no home folder to
/// put them in.
fn project_dirs() -> Option<ProjectDirs> {
    // On Linux the folder's name is the application's own name, which
    // `from` would lower-case and trim through Unicode tables first: the
    // same folders, without touching those tables at every start.
    #[cfg(target_os = "linux")]
    return ProjectDirs::from_path(PathBuf::from("gloss"));
    #[cfg(not(target_os = "linux"))]
    return ProjectDirs::from("", "", "gloss");
}

/// The config file read when no `--config` is given
/// (`$XDG_CONFIG_HOME/gloss/config.toml` on Linux); it may not exist.
pub fn default_config_file() -> Option<PathBuf> {
    project_dirs().map(|dirs| dirs.config_dir().join("config.toml"))
}

/// The platform's data folder for gloss, shown in `--help` and used when
/// nothing overrides it.
pub fn default_data_dir() -> Option<PathBuf> {
    project_dirs().map(|dirs| dirs.data_dir().to_path_buf())
}

/// The folder for what gloss can rebuild at any time (the fingerprint cache):
/// the platform's cache folder (`$XDG_CACHE_HOME/gloss`, usually
/// `~/.cache/gloss`, on Linux), or `None` when there is no home folder, in
/// which case nothing is cached between runs.
pub fn cache_dir() -> Option<PathBuf> {
    project_dirs().map(|dirs| dirs.cache_dir().to_path_buf())
}

/// The folder all of gloss's own files go in, following the precedence in
/// the module docs. It is not created here; writers create it when they first
/// need it, so merely starting gloss leaves no trace.
pub fn data_dir(cli_override: Option<&Path>) -> anyhow::Result<PathBuf> {
    pick_data_dir(
        cli_override,
        std::env::var_os(DATA_DIR_ENV),
        default_data_dir(),
    )
    .ok_or_else(|| {
        anyhow!(
            "cannot find a folder for gloss's data (no home folder?); \
             pass --data-dir or set {DATA_DIR_ENV}"
        )
    })
}

/// The precedence rule on its own, with the environment passed in so tests
/// need not change the process environment.
fn pick_data_dir(
    cli_override: Option<&Path>,
    env_value: Option<OsString>,
    platform_default: Option<PathBuf>,
) -> Option<PathBuf> {
    if let Some(dir) = cli_override {
        return Some(dir.to_path_buf());
    }
    if let Some(dir) = env_value.filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    platform_default
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn option_wins_over_environment_and_platform() {
        let picked = pick_data_dir(
            Some(Path::new("/opt/notes")),
            Some("/env/notes".into()),
            Some("/home/u/.local/share/gloss".into()),
        );
        assert_eq!(picked, Some(PathBuf::from("/opt/notes")));
    }

    #[test]
    fn environment_wins_over_platform() {
        let picked = pick_data_dir(
            None,
            Some("/env/notes".into()),
            Some("/home/u/.local/share/gloss".into()),
        );
        assert_eq!(picked, Some(PathBuf::from("/env/notes")));
    }

    #[test]
    fn empty_environment_value_is_ignored() {
        let picked = pick_data_dir(None, Some(OsString::new()), Some("/platform".into()));
        assert_eq!(picked, Some(PathBuf::from("/platform")));
    }

    #[test]
    fn platform_folder_is_the_fallback() {
        assert_eq!(
            pick_data_dir(None, None, Some("/platform".into())),
            Some(PathBuf::from("/platform"))
        );
        assert_eq!(pick_data_dir(None, None, None), None);
    }

    #[test]
    fn option_is_used_even_without_a_home_folder() {
        assert_eq!(
            pick_data_dir(Some(Path::new("rel/dir")), None, None),
            Some(PathBuf::from("rel/dir"))
        );
    }

    #[test]
    fn platform_paths_end_in_gloss() {
        if let Some(dir) = default_data_dir() {
            assert!(dir.ends_with("gloss"), "{}", dir.display());
        }
        if let Some(file) = default_config_file() {
            assert!(file.ends_with("gloss/config.toml"), "{}", file.display());
        }
    }
}
