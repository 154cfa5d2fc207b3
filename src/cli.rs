//! The command line: what the user can pass, and the start-up order that
//! guarantees a bad config or option is reported on a normal terminal, with
//! a distinct exit code, before the screen is taken over.

use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::annotations::Store;
use crate::commands::{self, UsageError};
use crate::config;
use crate::export::{Filter, Format, InvalidSince, UnknownFormat, parse_since};
use crate::keymap::Keymap;
use crate::paths;
use crate::runtime::Start;

/// Exit code for problems the user must fix before gloss can start: bad
/// options, a bad config file, no usable data folder. Matches clap's own.
const EXIT_USAGE: u8 = 2;
/// Exit code when the reader itself fails.
const EXIT_FAILURE: u8 = 1;
/// Exit code of `gloss import` when it worked but skipped some (or all)
/// annotations, each named on stderr: a script can tell "all in" (0) from
/// "look at the messages" (3).
const EXIT_SKIPPED: u8 = 3;

/// Options and arguments of `gloss`.
///
/// Plain `gloss PATH...` opens the reader; `export`, `import` and `open` are
/// subcommands, recognised only before any path, so a file literally named
/// like a subcommand is opened as `./export` (or after another path). There
/// is no `help` subcommand (`--help` does that job), so a file called `help`
/// still opens. clap's `args_conflicts_with_subcommands` is not used: it
/// would also turn `gloss --data-dir D export` into two paths, while the
/// global options must work before a subcommand too.
#[derive(Debug, Clone, PartialEq, Eq, Parser)]
#[command(
    name = "gloss",
    version,
    about = "Read articles in the terminal, highlight passages, write notes, and export them.",
    long_about = "gloss is a terminal reader for articles in plain text, Markdown, HTML \
                  and EPUB. \
                  Select words, sentences or paragraphs to highlight them in colour, attach \
                  notes, and export everything as Markdown, JSON, CSV or W3C annotations. \
                  Highlights stay attached to their text even when the file changes.\n\n\
                  To open a file named like a subcommand, write it as ./export.",
    disable_help_subcommand = true
)]
pub struct Cli {
    /// What to do instead of opening the reader.
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Files and folders to open; folders are searched for articles.
    /// Without any, the `library` folders from the config are opened.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Read settings from this file instead of the default config file.
    /// The file must exist.
    #[arg(long, value_name = "PATH", global = true)]
    pub config: Option<PathBuf>,

    /// Keep annotations and exports in this folder instead of the default
    /// data folder (overrides $GLOSS_DATA_DIR).
    #[arg(long, value_name = "PATH", global = true)]
    pub data_dir: Option<PathBuf>,

    /// Show web pages (.html) whole instead of the article extracted from
    /// them, for pages where extraction picks the wrong part (`W` switches
    /// while reading).
    #[arg(long)]
    pub raw: bool,
}

/// The subcommands; each works without a terminal except `open`. Their
/// options are built only for the subcommand given (`defer`): building
/// every one is part of a millisecond at every start.
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
#[command(defer = true)]
pub enum Command {
    /// Write highlights and notes as Markdown, JSON, CSV (Readwise) or W3C
    /// Web Annotations, to stdout, a file or a folder.
    Export(ExportArgs),
    /// Merge a gloss JSON export or W3C Web Annotation JSON into the stored
    /// notes; nothing is duplicated and nothing stored is lost.
    Import(ImportArgs),
    /// Open one article in the reader, optionally at a character offset
    /// (the links in Markdown exports use this).
    Open(OpenArgs),
    /// List every highlight with its note, tags, colour and article, as
    /// text or JSON, for scripts.
    Notes(NotesArgs),
    /// The daily review: the highlights due today, one at a time, scheduled
    /// by FSRS (the library is the configured one).
    Review,
    /// Merge the conflict copies a sync tool or git left beside notes files
    /// (Syncthing, Dropbox, Nextcloud, *.orig) into them, then remove them.
    /// gloss also does this at every start.
    SyncMerge,
    /// Git merge driver for notes files: merges OURS and THEIRS by
    /// highlight id into OURS (see the README's "Moving notes").
    MergeNotes(MergeNotesArgs),
    /// Search the text of every article and every note, highlighted passage
    /// and tag: prints `path:line: text` (`path:note: text` for notes) like
    /// ripgrep, and exits 1 when nothing matched.
    Search(SearchArgs),
}

/// Options of `gloss notes`.
#[derive(Debug, Clone, PartialEq, Eq, Args)]
#[command(
    after_help = "The query works as the notes view's filter: every word must match \
                         (quote, note, tag, colour or article title); #tag, color:NAME and \
                         in:ARTICLE narrow to a tag, a colour or an article. Filters combine."
)]
pub struct NotesArgs {
    /// Only highlights with this tag (repeat for any of several tags).
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,

    /// Only highlights of this palette colour (its name, as in the config).
    #[arg(long, value_name = "NAME")]
    pub color: Option<String>,

    /// Only highlights made or changed since this date (YYYY-MM-DD, or an
    /// RFC 3339 time).
    #[arg(long, value_name = "DATE", value_parser = parse_since_arg)]
    pub since: Option<DateTime<Utc>>,

    /// Order: date (newest first, the default), article, colour or tag.
    #[arg(long, value_name = "ORDER", value_parser = parse_sort)]
    pub sort: Option<crate::annotations::library_notes::SortBy>,

    /// Write a JSON array (id, article, path, color, quote, note, tags,
    /// created, updated, orphaned, start, end; start and end are null for
    /// an orphan, whose old offsets are last_start, last_end) instead of
    /// text.
    #[arg(long)]
    pub json: bool,

    /// Words to look for (see below).
    #[arg(value_name = "QUERY")]
    pub query: Vec<String>,
}

/// Reads `--sort`.
fn parse_sort(text: &str) -> Result<crate::annotations::library_notes::SortBy, String> {
    crate::annotations::library_notes::SortBy::from_name(text)
        .ok_or_else(|| format!("unknown order {text:?}: use date, article, colour or tag"))
}

/// Options of `gloss merge-notes` (git passes `%O %A %B`).
#[derive(Debug, Clone, PartialEq, Eq, Args)]
pub struct MergeNotesArgs {
    /// The common ancestor (git's %O; may be empty).
    #[arg(value_name = "BASE")]
    pub base: PathBuf,
    /// Our version (git's %A); the merge is written here.
    #[arg(value_name = "OURS")]
    pub ours: PathBuf,
    /// Their version (git's %B).
    #[arg(value_name = "THEIRS")]
    pub theirs: PathBuf,
}

/// Options of `gloss search`.
#[derive(Debug, Clone, PartialEq, Eq, Args)]
#[command(
    after_help = "Case is smart: a query with an upper-case letter is case-sensitive. \
                  The [search] table of the config sets the default modes."
)]
pub struct SearchArgs {
    /// What to search for.
    #[arg(value_name = "QUERY")]
    pub query: String,

    /// Files and folders to search. Without any, the `library` folders from
    /// the config; without those, every note and the bundled samples.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Print one JSON object per matching line (path, kind, line, text,
    /// matches).
    #[arg(long)]
    pub json: bool,

    /// Only whole words match.
    #[arg(long, short = 'w')]
    pub word: bool,

    /// The query is a regular expression.
    #[arg(long, short = 'e')]
    pub regex: bool,

    /// The query is plain text, even when the config says regex.
    #[arg(long, short = 'F', conflicts_with = "regex")]
    pub fixed_strings: bool,

    /// Letters match their accented forms and back (cafe finds café).
    #[arg(long, short = 'a')]
    pub accents: bool,
}

/// Options of `gloss export`.
#[derive(Debug, Clone, PartialEq, Eq, Args)]
#[command(after_help = "Filters combine: a highlight is exported when it passes all of them.")]
pub struct ExportArgs {
    /// Output format: markdown (or md), json, csv, w3c, anki. Without it,
    /// the extension of --output decides (.json, .csv, .jsonld, .txt for
    /// anki), else markdown.
    #[arg(long, short, value_name = "FORMAT", value_parser = parse_format)]
    pub format: Option<Format>,

    /// Write to this file instead of stdout. An existing folder, or a path
    /// ending in `/`, gets one Markdown file per article, or
    /// `gloss-export.<ext>` for the other formats.
    #[arg(long, short, value_name = "PATH")]
    pub output: Option<PathBuf>,

    /// Only highlights with this tag (repeat for any of several tags).
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,

    /// Only highlights of this colour.
    #[arg(long, value_name = "NAME")]
    pub color: Option<String>,

    /// Only highlights made or changed since this date (YYYY-MM-DD, or an
    /// RFC 3339 time).
    #[arg(long, value_name = "DATE", value_parser = parse_since_arg)]
    pub since: Option<DateTime<Utc>>,

    /// Only highlights that no longer fit their article's text.
    #[arg(long)]
    pub orphaned: bool,

    /// Start Markdown with YAML front matter (title, author, date, source,
    /// tags) for note apps.
    #[arg(long)]
    pub front_matter: bool,

    /// Keep one Markdown file per article in this folder (an Obsidian vault)
    /// in step with the notes: run again, it rewrites only the block gloss
    /// manages in each file, so edits and deletions follow and whatever you
    /// wrote outside the block stays.
    #[arg(long, value_name = "DIR", conflicts_with = "output")]
    pub mirror: Option<PathBuf>,

    /// Only articles that are these files or lie in these folders.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

/// Options of `gloss import`.
#[derive(Debug, Clone, PartialEq, Eq, Args)]
#[command(
    after_help = "Exit status: 0 when everything was imported or was already there, \
                         3 when some or all annotations were skipped (each is named on stderr), \
                         2 for bad options, 1 when the import failed (nothing was imported)."
)]
pub struct ImportArgs {
    /// A gloss JSON export, W3C Web Annotation JSON (one annotation, an
    /// array, or an AnnotationCollection) or Hypothesis API JSON; with
    /// --marks, an article whose ==marks== and <mark>s become highlights.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// The local article for a web address the annotations point at, when
    /// its front matter (source, url, link...) does not name it. Repeatable.
    #[arg(long = "map", value_name = "URL=PATH", value_parser = parse_map)]
    pub maps: Vec<(String, PathBuf)>,

    /// Read articles only inside these folders (default: the config's
    /// `library`, else the current folder). Repeatable.
    #[arg(long = "library", value_name = "PATH")]
    pub library: Vec<PathBuf>,

    /// Also read articles outside the library folders.
    #[arg(long)]
    pub allow_outside: bool,

    /// FILE is an article: import its `==highlighted==` and `<mark>` text
    /// as gloss highlights.
    #[arg(long)]
    pub marks: bool,

    /// FILE is a read-later export (an Omnivore zip, a wallabag JSON
    /// export): write its articles into DIR as Markdown and import their
    /// highlights and notes.
    #[arg(long, value_enum, value_name = "TOOL", requires = "dir", conflicts_with_all = ["marks", "maps"])]
    pub from: Option<ReadLaterTool>,

    /// With --from: the folder the articles are written to (made if
    /// missing).
    #[arg(value_name = "DIR", requires = "from")]
    pub dir: Option<PathBuf>,
}

/// The read-later services `gloss import --from` reads exports of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReadLaterTool {
    /// Omnivore's export zip (metadata_*.json, content/, highlights/).
    Omnivore,
    /// wallabag's JSON export.
    Wallabag,
}

fn parse_map(text: &str) -> Result<(String, PathBuf), String> {
    match text.split_once('=') {
        Some((url, path)) if url.contains("://") && !path.is_empty() => {
            let path = PathBuf::from(path);
            let path = std::path::absolute(&path).unwrap_or(path);
            Ok((url.to_string(), path))
        }
        _ => Err("expected URL=PATH, as in https://example.com/post=articles/post.md".into()),
    }
}

/// Options of `gloss open`.
#[derive(Debug, Clone, PartialEq, Eq, Args)]
pub struct OpenArgs {
    /// The article to open.
    #[arg(value_name = "PATH")]
    pub path: PathBuf,

    /// Character offset in the article's text to show and put the cursor on.
    #[arg(long, value_name = "OFFSET")]
    pub at: Option<usize>,
}

fn parse_format(text: &str) -> Result<Format, UnknownFormat> {
    text.parse()
}

fn parse_since_arg(text: &str) -> Result<DateTime<Utc>, InvalidSince> {
    parse_since(text)
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
         Examples:\n  \
         gloss export --format json --output backup.json\n  \
         gloss export --tag ideas --since 2024-05-01 --output notes/ ~/articles\n  \
         gloss import backup.json      (a gloss JSON export or W3C Web Annotations)\n  \
         gloss import --from omnivore omnivore-export.zip ~/articles/omnivore\n  \
         gloss open article.md --at 1234\n  \
         gloss review                  (the highlights due today)\n  \
         gloss export --format anki --output cards.txt\n\n\
         Exit status: 0 on success, 2 for bad options or config, 1 if the reader or a command fails,\n  \
         3 if `gloss import` skipped annotations (each is named on stderr).",
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
        let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
        // The file locations are looked up only when the long help is
        // shown: finding them costs part of a millisecond at every start.
        let matches = match Cli::command().try_get_matches_from(&args) {
            Err(err) if err.kind() == clap::error::ErrorKind::DisplayHelp => Cli::command()
                .after_long_help(files_help())
                .try_get_matches_from(&args)?,
            parsed => parsed?,
        };
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
    // Started before anything else, so it runs by the time the reader
    // knows which article to read ahead; any other command drops it.
    let thread = crate::session::ReadAheadThread::spawn();
    let cli = match Cli::try_parse_args(args) {
        Ok(cli) => cli,
        Err(err) => return clap_exit(&err),
    };
    // The other commands end it at once: it asks for its article again and
    // again for a moment, which would take a core from their own work.
    let thread = thread.filter(|_| matches!(cli.command, None | Some(Command::Open(_))));
    match &cli.command {
        None => run_reader(&cli, cli.paths.clone(), None, thread),
        Some(Command::Open(open)) => {
            let start = Start {
                path: open.path.clone(),
                at: open.at,
            };
            run_reader(&cli, Vec::new(), Some(start), thread)
        }
        Some(Command::Review) => run_reader_review(&cli),
        Some(Command::Export(args)) => run_export(&cli, args),
        Some(Command::Import(args)) => run_import(&cli, args),
        Some(Command::Notes(args)) => run_notes(&cli, args),
        Some(Command::SyncMerge) => run_sync_merge(&cli),
        Some(Command::MergeNotes(args)) => run_merge_notes(args),
        Some(Command::Search(args)) => run_search(&cli, args),
    }
}

/// `gloss sync-merge`: 0 when every conflict copy was merged, 1 when some
/// were left (each named with why).
fn run_sync_merge(cli: &Cli) -> ExitCode {
    let (config, data_dir) = match prepare_batch(cli) {
        Ok(ready) => ready,
        Err(message) => {
            eprintln!("gloss: {}", crate::text::clean(&message));
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let store = configured_store(&config, &data_dir);
    match commands::sync::sync_merge(&store) {
        Ok((lines, all)) => {
            for line in lines {
                let _ = writeln!(std::io::stdout(), "{}", crate::text::clean(&line));
            }
            if all {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(EXIT_FAILURE)
            }
        }
        Err(err) => {
            eprintln!("gloss: {}", crate::text::clean(&err.to_string()));
            ExitCode::from(EXIT_FAILURE)
        }
    }
}

/// `gloss merge-notes %O %A %B`: 0 when merged into OURS; 1 (OURS left as
/// it was, so git reports a conflict) when a version is not a notes file.
fn run_merge_notes(args: &MergeNotesArgs) -> ExitCode {
    match commands::sync::merge_notes(&args.base, &args.ours, &args.theirs) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!(
                "gloss: cannot merge notes: {}",
                crate::text::clean(&err.to_string())
            );
            ExitCode::from(EXIT_FAILURE)
        }
    }
}

/// Reports a parse failure the way every other gloss error is reported
/// (`gloss: ...` instead of clap's `error: ...`); `--help` and `--version`
/// arrive here too and go to stdout. Clap quotes arguments back as they were
/// typed, so every message goes through the sanitizer: an argument holding a
/// control or bidi character cannot act on the terminal.
fn clap_exit(err: &clap::Error) -> ExitCode {
    let text = err.render().to_string();
    let text = crate::text::clean(&text);
    if !err.use_stderr() {
        print!("{text}");
        return ExitCode::SUCCESS;
    }
    let text = text.strip_prefix("error: ").unwrap_or(&text);
    eprint!("gloss: {text}");
    if !text.ends_with('\n') {
        eprintln!();
    }
    ExitCode::from(EXIT_USAGE)
}

/// The interactive reader, on the given paths or one start article;
/// `thread` is the read-ahead's, started before the command line was read.
fn run_reader(
    cli: &Cli,
    paths: Vec<PathBuf>,
    start: Option<Start>,
    thread: Option<crate::session::ReadAheadThread>,
) -> ExitCode {
    use std::io::IsTerminal;
    let (mut config, keymap, data_dir) = match prepare(cli) {
        Ok(ready) => ready,
        Err(message) => {
            eprintln!("gloss: {}", crate::text::clean(&message));
            return ExitCode::from(EXIT_USAGE);
        }
    };
    config.reader.raw_pages |= cli.raw;
    // The article to start on is read from here on, beside the check
    // below and the set-up; a refusal ends the process, thread and all.
    let opening = crate::runtime::start_article(&paths, start.clone());
    let ahead = crate::runtime::read_ahead(&config, opening.as_ref(), thread);
    let Some(checked) = arguments_can_open(&paths, start.as_ref(), config.reader.max_file_size())
    else {
        return ExitCode::from(EXIT_USAGE);
    };
    if !(std::io::stdin().is_terminal() && std::io::stdout().is_terminal()) {
        eprintln!(
            "gloss: the reader needs a terminal (standard input and output); \
             in scripts, use `gloss export` or `gloss import`"
        );
        return ExitCode::from(EXIT_USAGE);
    }
    let begun = crate::runtime::Begun { ahead, checked };
    match crate::runtime::run_app_at(config, keymap, paths, data_dir, opening, begun) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("gloss: {}", crate::text::clean(&format!("{err:#}")));
            ExitCode::from(EXIT_FAILURE)
        }
    }
}

/// `gloss review`: the reader over the configured library, in the review.
fn run_reader_review(cli: &Cli) -> ExitCode {
    use std::io::IsTerminal;
    match prepare(cli) {
        Ok(_) if !(std::io::stdin().is_terminal() && std::io::stdout().is_terminal()) => {
            eprintln!("gloss: the review needs a terminal (standard input and output)");
            ExitCode::from(EXIT_USAGE)
        }
        Ok((config, keymap, data_dir)) => {
            match crate::runtime::run_review(config, keymap, data_dir) {
                Ok(()) => ExitCode::SUCCESS,
                Err(err) => {
                    eprintln!("gloss: {}", crate::text::clean(&format!("{err:#}")));
                    ExitCode::from(EXIT_FAILURE)
                }
            }
        }
        Err(message) => {
            eprintln!("gloss: {}", crate::text::clean(&message));
            ExitCode::from(EXIT_USAGE)
        }
    }
}

/// Says on stderr, reason first, why paths from the command line cannot be
/// opened, before the terminal is touched: the article of `gloss open` must
/// be one gloss can read, and of plain `gloss PATH...` at least one path
/// must be usable (the others are then listed as skipped in the reader).
/// Nothing here can block: special files are recognised without a read.
/// What the checks found out is kept for the list (`None`: cannot open).
fn arguments_can_open(
    paths: &[PathBuf],
    start: Option<&Start>,
    limit: u64,
) -> Option<crate::library::Checked> {
    if let Some(start) = start {
        if crate::library::is_sample_path(&start.path) {
            return Some(crate::library::Checked::default());
        }
        return match crate::library::check_article(&start.path, limit) {
            Ok(checked) => Some(checked),
            Err(message) => {
                eprintln!("gloss: {message}");
                None
            }
        };
    }
    // A lone book opens at start: it is kept opened for the reader.
    let check = match paths {
        [_] => crate::library::check_path,
        _ => crate::library::check_listed_path,
    };
    let mut checked = crate::library::Checked::default();
    let mut errors = Vec::new();
    for path in paths {
        match check(path, limit) {
            Ok(found) => checked.add(found),
            Err(message) => errors.push(message),
        }
    }
    if paths.is_empty() || errors.len() < paths.len() {
        return Some(checked);
    }
    for message in errors {
        eprintln!("gloss: {message}");
    }
    None
}

/// The format an output file's extension asks for, so `--output notes.json`
/// does not quietly write Markdown into a file named `.json`.
fn format_for_output(output: Option<&std::path::Path>) -> Format {
    output
        .and_then(|p| p.extension())
        .and_then(|e| Format::from_extension(&e.to_string_lossy()))
        .unwrap_or(Format::Markdown)
}

/// `gloss export`: never touches the terminal, so it runs in pipes and cron.
fn run_export(cli: &Cli, args: &ExportArgs) -> ExitCode {
    let (config, data_dir) = match prepare_batch(cli) {
        Ok(ready) => ready,
        Err(message) => {
            eprintln!("gloss: {}", crate::text::clean(&message));
            return ExitCode::from(EXIT_USAGE);
        }
    };
    if let Some(color) = &args.color
        && !config.highlights.palette.iter().any(|c| &c.name == color)
    {
        eprintln!(
            "gloss: no colour {color:?} in the palette; the colours are {}",
            config.highlights.palette_names().join(", ")
        );
        return ExitCode::from(EXIT_USAGE);
    }
    if args.mirror.is_some() && args.format.is_some_and(|f| f != Format::Markdown) {
        eprintln!("gloss: --mirror writes Markdown; leave out --format or use --format markdown");
        return ExitCode::from(EXIT_USAGE);
    }
    let store = configured_store(&config, &data_dir);
    let request = commands::export::ExportRequest {
        format: args
            .format
            .unwrap_or_else(|| format_for_output(args.output.as_deref())),
        output: args.mirror.clone().or_else(|| args.output.clone()),
        mirror: args.mirror.is_some(),
        palette: config.highlights.palette.clone(),
        parse: config.reader.parse_options(),
        max_file_size: config.reader.max_file_size(),
        filter: Filter {
            tags: args.tags.clone(),
            color: args.color.clone(),
            since: args.since,
            orphaned_only: args.orphaned,
        },
        front_matter: args.front_matter,
        paths: args.paths.clone(),
    };
    let mut stdout = std::io::stdout().lock();
    match commands::export::run(&store, &request, &mut stdout) {
        Ok(outcome) => {
            for file in &outcome.unreadable {
                eprintln!("gloss: left out an annotation file that cannot be read: {file}");
            }
            for why in &outcome.failed {
                eprintln!(
                    "gloss: could not update the mirror file {}",
                    crate::text::clean(why)
                );
            }
            if let Some(folder) = &args.mirror {
                let _ = writeln!(
                    stdout,
                    "mirrored {} highlight{} from {} article{} in {} ({} file{} written)",
                    outcome.highlights,
                    if outcome.highlights == 1 { "" } else { "s" },
                    outcome.articles,
                    if outcome.articles == 1 { "" } else { "s" },
                    folder.display(),
                    outcome.written.len(),
                    if outcome.written.len() == 1 { "" } else { "s" },
                );
            } else if outcome.highlights == 0 {
                eprintln!("gloss: no highlights to export");
            } else if let Some(output) = &args.output {
                // A closed stdout must not turn a written export into a panic.
                let _ = writeln!(
                    stdout,
                    "exported {} highlight{} from {} article{} to {}",
                    outcome.highlights,
                    if outcome.highlights == 1 { "" } else { "s" },
                    outcome.articles,
                    if outcome.articles == 1 { "" } else { "s" },
                    output.display()
                );
            }
            // A backup that silently misses files would be worse than a
            // failing cron job.
            if outcome.unreadable.is_empty() && outcome.failed.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(EXIT_FAILURE)
            }
        }
        Err(err) => command_failed(&err),
    }
}

/// `gloss notes`: never touches the terminal. Exits 1 when a notes file
/// could not be read (the list would silently miss notes otherwise).
fn run_notes(cli: &Cli, args: &NotesArgs) -> ExitCode {
    let (config, data_dir) = match prepare_batch(cli) {
        Ok(ready) => ready,
        Err(message) => {
            eprintln!("gloss: {}", crate::text::clean(&message));
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let store = configured_store(&config, &data_dir);
    let palette = config.highlights.palette_names();
    let request = commands::notes::NotesRequest {
        filter: Filter {
            tags: args.tags.clone(),
            color: args.color.clone(),
            since: args.since,
            orphaned_only: false,
        },
        query: args.query.join(" "),
        sort: args.sort.unwrap_or_default(),
        json: args.json,
    };
    let mut stdout = std::io::stdout().lock();
    match commands::notes::run(&store, &palette, &request, &mut stdout) {
        Ok(outcome) => {
            for file in &outcome.unreadable {
                eprintln!("gloss: left out a notes file that cannot be read: {file}");
            }
            if outcome.listed == 0 && !args.json {
                eprintln!("gloss: no notes match");
            }
            if outcome.unreadable.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(EXIT_FAILURE)
            }
        }
        Err(err) => command_failed(&err),
    }
}

/// `gloss import`: never touches the terminal.
fn run_import(cli: &Cli, args: &ImportArgs) -> ExitCode {
    let (config, data_dir) = match prepare_batch(cli) {
        Ok(ready) => ready,
        Err(message) => {
            eprintln!("gloss: {}", crate::text::clean(&message));
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let store = configured_store(&config, &data_dir);
    let options = commands::import::Options {
        maps: args.maps.clone(),
        library: args.library.clone(),
        allow_outside: args.allow_outside,
    };
    if let (Some(tool), Some(dir)) = (args.from, &args.dir) {
        return run_read_later(&store, &config, tool, &args.file, dir);
    }
    let result = if args.marks {
        commands::import::marks::run(&store, &config, &args.file, &options)
    } else {
        commands::import::run(&store, &config, &args.file, &options)
    };
    match result {
        Ok(report) => {
            if let Some(earlier) = &report.interrupted {
                eprintln!("gloss: {earlier}");
            }
            let mut out = std::io::stdout();
            for line in &report.matched {
                let _ = writeln!(out, "matched {line}");
            }
            for item in &report.orphaned {
                eprintln!("gloss: imported as an orphan (not placed) {item}");
            }
            for item in &report.skipped {
                eprintln!("gloss: skipped {item}");
            }
            let _ = writeln!(out, "{}", report.summary());
            if report.skipped.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(EXIT_SKIPPED)
            }
        }
        Err(err) => command_failed(&err),
    }
}

/// `gloss import --from TOOL EXPORT DIR`: the articles' line, then the
/// highlights' messages and summary as any import prints them.
fn run_read_later(
    store: &Store,
    config: &config::Config,
    tool: ReadLaterTool,
    export: &std::path::Path,
    dir: &std::path::Path,
) -> ExitCode {
    let result = match tool {
        ReadLaterTool::Omnivore => commands::import::omnivore::run(store, config, export, dir),
        ReadLaterTool::Wallabag => commands::import::wallabag::run(store, config, export, dir),
    };
    match result {
        Ok(report) => {
            let highlights = &report.highlights;
            if let Some(earlier) = &highlights.interrupted {
                eprintln!(
                    "gloss: an earlier import was interrupted while writing ({earlier}); \
                     import that file again to finish it (nothing is duplicated)"
                );
            }
            for item in &report.skipped {
                eprintln!("gloss: skipped {item}");
            }
            for item in &highlights.orphaned {
                eprintln!("gloss: imported as an orphan (not placed) {item}");
            }
            for item in &highlights.skipped {
                eprintln!("gloss: skipped {item}");
            }
            let mut out = std::io::stdout();
            let _ = writeln!(out, "{}", report.summary(dir));
            let _ = writeln!(out, "highlights: {}", highlights.summary());
            if report.skipped_any() {
                ExitCode::from(EXIT_SKIPPED)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(err) => command_failed(&err),
    }
}

/// `gloss search`: never touches the terminal; exits 0 when something
/// matched, 1 when nothing did, 2 on a bad query or path, or when a file
/// or folder could not be read (as ripgrep).
fn run_search(cli: &Cli, args: &SearchArgs) -> ExitCode {
    let (config, data_dir) = match prepare_batch(cli) {
        Ok(ready) => ready,
        Err(message) => {
            eprintln!("gloss: {}", crate::text::clean(&message));
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let paths = if args.paths.is_empty() {
        config.library.clone()
    } else {
        args.paths.clone()
    };
    if paths.is_empty() {
        // What the app shows without a library: the samples, and the notes.
        eprintln!(
            "gloss: no library folders named or configured: searching every note and the bundled sample articles"
        );
    }
    let (found, missing): (Vec<PathBuf>, Vec<PathBuf>) =
        paths.iter().cloned().partition(|p| p.exists());
    for path in &missing {
        eprintln!(
            "gloss: no such file or folder: {}",
            crate::text::clean(&path.display().to_string())
        );
    }
    if !paths.is_empty() && found.is_empty() {
        return ExitCode::from(EXIT_USAGE);
    }
    // Web pages' and books' texts are kept for the next search.
    if let Some(dir) = paths::cache_dir() {
        crate::search::page_cache::keep_in(&dir);
    }
    let defaults = config.search;
    let request = commands::search::SearchRequest {
        query: args.query.clone(),
        options: crate::search::Options {
            whole_word: args.word || defaults.whole_word,
            regex: args.regex || (defaults.regex && !args.fixed_strings),
            fold_accents: args.accents || defaults.fold_accents,
        },
        paths: found,
        data_dir,
        json: args.json,
    };
    let mut out = commands::search::stdout();
    let refused = |why: &str| eprintln!("gloss: {why}");
    match commands::search::run(&request, &mut out, &refused) {
        // As ripgrep: a file or folder that could not be searched makes
        // the status 2 even when others matched, so a script notices.
        Ok(outcome) if outcome.refused > 0 || !missing.is_empty() => ExitCode::from(EXIT_USAGE),
        Ok(outcome) if outcome.matches > 0 => ExitCode::SUCCESS,
        Ok(_) => ExitCode::from(EXIT_FAILURE),
        Err(err) => command_failed(&err),
    }
}

/// Prints a subcommand's error; 2 when the user asked for something that
/// cannot be, 1 when doing it failed.
fn command_failed(err: &anyhow::Error) -> ExitCode {
    if is_broken_pipe(err) {
        // The reader of our output went away (`gloss notes | head`): not a
        // failure, as for every other command-line tool.
        return ExitCode::SUCCESS;
    }
    eprintln!("gloss: {}", crate::text::clean(&format!("{err:#}")));
    if err.downcast_ref::<UsageError>().is_some() {
        ExitCode::from(EXIT_USAGE)
    } else {
        ExitCode::from(EXIT_FAILURE)
    }
}

/// The notes store as the config sets it up: every command that may save
/// (import, the mirror, sync-merge) compacts tombstones with the user's
/// `[sync] tombstone_days`, as the app does, never with the default.
fn configured_store(config: &config::Config, data_dir: &std::path::Path) -> Store {
    Store::new(data_dir).keep_tombstones(config.sync.tombstone_days)
}

/// True when writing the output failed because its reader closed the pipe.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Everything that can fail because of the user's setup, done before any
/// terminal state changes.
fn prepare(cli: &Cli) -> Result<(config::Config, Keymap, PathBuf), String> {
    let (config, data_dir) = prepare_batch(cli)?;
    let keymap = Keymap::from_config(&config.keys).map_err(|e| e.to_string())?;
    Ok((config, keymap, data_dir))
}

/// The setup the non-interactive subcommands need: no key bindings.
fn prepare_batch(cli: &Cli) -> Result<(config::Config, PathBuf), String> {
    let (config, _source) = config::load(cli.config.as_deref()).map_err(|e| e.to_string())?;
    let data_dir = paths::data_dir(cli.data_dir.as_deref()).map_err(|e| format!("{e:#}"))?;
    Ok((config, data_dir))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_args(std::iter::once("gloss").chain(args.iter().copied()))
    }

    #[test]
    fn a_closed_pipe_is_not_a_failure_but_other_write_errors_are() {
        use anyhow::Context;
        let closed: anyhow::Result<()> =
            Err(std::io::Error::from(std::io::ErrorKind::BrokenPipe).into());
        let closed = closed.context("cannot write the notes").unwrap_err();
        assert!(is_broken_pipe(&closed));
        let full: anyhow::Result<()> =
            Err(std::io::Error::from(std::io::ErrorKind::StorageFull).into());
        let full = full.context("cannot write the notes").unwrap_err();
        assert!(!is_broken_pipe(&full));
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
    fn subcommands_take_their_options_and_the_global_ones() {
        let cli = parse(&[
            "export",
            "--format",
            "json",
            "--tag",
            "a",
            "--tag",
            "#b",
            "--since",
            "2024-05-01",
            "--orphaned",
            "--data-dir",
            "d",
            "papers",
        ])
        .unwrap();
        assert_eq!(cli.data_dir, Some(PathBuf::from("d")));
        let Some(Command::Export(args)) = cli.command else {
            panic!("not export: {cli:?}");
        };
        assert_eq!(args.format, Some(Format::Json));
        assert_eq!(args.tags, ["a", "#b"]);
        assert!(args.orphaned);
        assert_eq!(args.since, Some(parse_since("2024-05-01").unwrap()));
        assert_eq!(args.paths, [PathBuf::from("papers")]);

        let cli = parse(&["--config", "c.toml", "import", "notes.json"]).unwrap();
        assert!(cli.paths.is_empty(), "{cli:?}");
        assert_eq!(cli.config, Some(PathBuf::from("c.toml")));
        assert!(
            matches!(cli.command, Some(Command::Import(ImportArgs { ref file, .. })) if file == Path::new("notes.json"))
        );

        let cli = parse(&["open", "a.md", "--at", "42"]).unwrap();
        assert_eq!(
            cli.command,
            Some(Command::Open(OpenArgs {
                path: PathBuf::from("a.md"),
                at: Some(42)
            }))
        );
    }

    #[test]
    fn export_defaults_to_markdown_on_stdout() {
        let Some(Command::Export(args)) = parse(&["export"]).unwrap().command else {
            panic!("not export");
        };
        assert_eq!(args.format, None);
        assert_eq!(format_for_output(args.output.as_deref()), Format::Markdown);
        assert_eq!(args.output, None);
    }

    #[test]
    fn the_output_extension_picks_the_format_when_none_is_given() {
        use std::path::Path;
        assert_eq!(
            format_for_output(Some(Path::new("notes.json"))),
            Format::Json
        );
        assert_eq!(
            format_for_output(Some(Path::new("a/readwise.CSV"))),
            Format::Csv
        );
        assert_eq!(format_for_output(Some(Path::new("w.jsonld"))), Format::W3c);
        assert_eq!(
            format_for_output(Some(Path::new("vault/"))),
            Format::Markdown
        );
        assert_eq!(
            format_for_output(Some(Path::new("notes.md"))),
            Format::Markdown
        );
    }

    #[test]
    fn bad_export_options_are_usage_errors() {
        for args in [
            &["export", "--format", "pdf"][..],
            &["export", "--since", "yesterday"],
            &["open"],
            &["open", "a.md", "--at", "-3"],
            &["import"],
        ] {
            let err = parse(args).unwrap_err();
            assert_eq!(err.exit_code(), 2, "{args:?}");
        }
        let err = parse(&["export", "--format", "pdf"])
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown export format"), "{err}");
    }

    #[test]
    fn a_file_named_like_a_subcommand_opens_with_a_path_prefix() {
        let cli = parse(&["./export"]).unwrap();
        assert_eq!(cli.command, None);
        assert_eq!(cli.paths, [PathBuf::from("./export")]);
        // After a path, a subcommand name is just another path.
        let cli = parse(&["a.md", "import"]).unwrap();
        assert_eq!(cli.command, None);
        assert_eq!(cli.paths, [PathBuf::from("a.md"), PathBuf::from("import")]);
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

    #[test]
    fn open_refuses_a_missing_file_before_the_terminal_is_touched() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing.md");
        let config = dir.path().join("config.toml");
        std::fs::write(&config, "").unwrap();
        let args = [
            "gloss".into(),
            "--config".into(),
            config.into_os_string(),
            "--data-dir".into(),
            dir.path().join("data").into_os_string(),
            "open".into(),
            missing.into_os_string(),
            "--at".into(),
            "3".into(),
        ];
        assert_eq!(run_from(args), ExitCode::from(EXIT_USAGE));
    }
}
