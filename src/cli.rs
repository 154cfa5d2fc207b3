//! The command line: what the user can pass, and the start-up order that
//! guarantees a bad config or option is reported on a normal terminal, with
//! a distinct exit code, before the screen is taken over.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser};

use crate::config;
use crate::keymap::Keymap;
use crate::paths;

/// Exit code for problems the user must fix before gloss can start: bad
/// options, a bad config file, no usable data folder. Matches clap's own.
const EXIT_USAGE: u8 = 2;
/// Exit code when the reader itself fails.
const EXIT_FAILURE: u8 = 1;

/// Options and arguments of `gloss`.
///
/// Subcommands (`export`, `import`, `open`) are planned: they will go in a
/// `#[command(subcommand)] command: Option<Command>` field with
/// `#[command(args_conflicts_with_subcommands = true)]` on this struct, so
/// plain `gloss PATH...` keeps opening the reader. The field is left out for
/// now because clap would otherwise list an empty command set and reserve
/// `help` as a subcommand name, hiding a file called `help`.
#[derive(Debug, Clone, PartialEq, Eq, Parser)]
#[command(
    name = "gloss",
    version,
    about = "Read articles in the terminal, highlight passages, write notes, and export them.",
    long_about = "gloss is a terminal reader for articles in plain text and Markdown. \
                  Select words, sentences or paragraphs to highlight them in colour, attach \
                  notes, and export everything as Markdown, JSON, CSV or W3C annotations. \
                  Highlights stay attached to their text even when the file changes."
)]
pub struct Cli {
    /// Files and folders to open; folders are searched for articles.
    /// Without any, the `library` folders from the config are opened.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Read settings from this file instead of the default config file.
    /// The file must exist.
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// Keep annotations and exports in this folder instead of the default
    /// data folder (overrides $GLOSS_DATA_DIR).
    #[arg(long, value_name = "PATH")]
    pub data_dir: Option<PathBuf>,
}

fn shown(path: Option<PathBuf>) -> String {
    path.map_or_else(
        || "(unknown: no home folder)".to_string(),
        |p| p.display().to_string(),
    )
}

/// The part of `--help` that tells users where their files are; computed at
/// run time because it depends on the platform and environment.
fn files_help() -> String {
    format!(
        "Files:\n  \
         Config file  {}\n               \
         (read only; a missing file means defaults; see config.example.toml)\n  \
         Data folder  {}\n               \
         (or $GLOSS_DATA_DIR, or --data-dir; gloss writes nowhere else)\n\n\
         Exit status: 0 on success, 2 for bad options or config, 1 if the reader fails.",
        shown(paths::default_config_file()),
        shown(paths::default_data_dir()),
    )
}

impl Cli {
    /// Parses arguments, with the run-time file locations in the long help.
    /// Returns clap's error (which also carries `--help` and `--version`
    /// output) instead of exiting, so the caller decides the exit code.
    pub fn try_parse_args<I, T>(args: I) -> Result<Cli, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<OsString> + Clone,
    {
        let matches = Cli::command()
            .after_long_help(files_help())
            .try_get_matches_from(args)?;
        Cli::from_arg_matches(&matches)
    }
}

/// Entry point of the `gloss` binary: parse, load and check everything, then
/// hand over to the interactive reader.
pub fn run() -> ExitCode {
    run_from(std::env::args_os())
}

/// [`run`] with explicit arguments, so start-up failures can be tested
/// without a terminal.
fn run_from<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_args(args) {
        Ok(cli) => cli,
        Err(err) => {
            // `--help` and `--version` arrive here too and go to stdout.
            let _ = err.print();
            return if err.use_stderr() {
                ExitCode::from(EXIT_USAGE)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match prepare(&cli) {
        Ok((config, keymap, data_dir)) => {
            match crate::tui::run_app(config, keymap, cli.paths, data_dir) {
                Ok(()) => ExitCode::SUCCESS,
                Err(err) => {
                    eprintln!("gloss: {err:#}");
                    ExitCode::from(EXIT_FAILURE)
                }
            }
        }
        Err(message) => {
            eprintln!("gloss: {message}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

/// Everything that can fail because of the user's setup, done before any
/// terminal state changes.
fn prepare(cli: &Cli) -> Result<(config::Config, Keymap, PathBuf), String> {
    let (config, _source) = config::load(cli.config.as_deref()).map_err(|e| e.to_string())?;
    let keymap = Keymap::from_config(&config.keys).map_err(|e| e.to_string())?;
    let data_dir = paths::data_dir(cli.data_dir.as_deref()).map_err(|e| format!("{e:#}"))?;
    Ok((config, keymap, data_dir))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_args(std::iter::once("gloss").chain(args.iter().copied()))
    }

    #[test]
    fn paths_and_options_are_read() {
        let cli = parse(&["a.md", "papers/", "--config", "c.toml", "--data-dir", "d"]).unwrap();
        assert_eq!(cli.paths, [PathBuf::from("a.md"), PathBuf::from("papers/")]);
        assert_eq!(cli.config, Some(PathBuf::from("c.toml")));
        assert_eq!(cli.data_dir, Some(PathBuf::from("d")));
    }

    #[test]
    fn no_arguments_is_fine() {
        let cli = parse(&[]).unwrap();
        assert!(cli.paths.is_empty());
        assert_eq!(cli.config, None);
    }

    #[test]
    fn a_file_named_help_is_a_path() {
        let cli = parse(&["help"]).unwrap();
        assert_eq!(cli.paths, [PathBuf::from("help")]);
    }

    #[test]
    fn unknown_option_is_a_usage_error() {
        let err = parse(&["--colour"]).unwrap_err();
        assert!(err.use_stderr());
        assert_eq!(err.exit_code(), 2);
    }

    #[test]
    fn version_and_help_are_not_errors() {
        let version = parse(&["--version"]).unwrap_err();
        assert!(!version.use_stderr());
        assert!(version.to_string().contains(env!("CARGO_PKG_VERSION")));

        let help = parse(&["--help"]).unwrap_err();
        assert!(!help.use_stderr());
        let text = help.render().to_string();
        assert!(text.contains("--data-dir"), "{text}");
        assert!(text.contains("Config file"), "{text}");
        assert!(text.contains("GLOSS_DATA_DIR"), "{text}");
        assert!(text.contains("terminal reader"), "{text}");
    }

    #[test]
    fn bad_config_exits_with_usage_code_before_the_reader_starts() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("config.toml");
        std::fs::write(&file, "[reader]\nreading_width = 5\n").unwrap();
        let args = ["gloss".into(), "--config".into(), file.into_os_string()];
        assert_eq!(run_from(args), ExitCode::from(EXIT_USAGE));

        let missing = dir.path().join("missing.toml");
        let args = ["gloss".into(), "--config".into(), missing.into_os_string()];
        assert_eq!(run_from(args), ExitCode::from(EXIT_USAGE));
    }

    #[test]
    fn prepare_uses_the_given_data_dir() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("config.toml");
        std::fs::write(&file, "").unwrap();
        let cli = parse(&[
            "--config",
            file.to_str().unwrap(),
            "--data-dir",
            "/tmp/gloss-data",
        ])
        .unwrap();
        let (config, _, data_dir) = prepare(&cli).unwrap();
        assert_eq!(config, config::Config::default());
        assert_eq!(data_dir, PathBuf::from("/tmp/gloss-data"));
    }
}
